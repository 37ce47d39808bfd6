/* kt-role-view.h: the signed-in account's role chooses the app's main view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum {
  KT_ROLE_NONE,         /* admin, or an unknown role: no client work in the app */
  KT_ROLE_COACH,        /* "wijkcoach" */
  KT_ROLE_INTAKER,      /* "intaker" */
  KT_ROLE_SUPERVISOR,   /* "supervisor" */
} KtRole;

/* The role of a user object's "role" field (protocol.md). */
KtRole     kt_role_from_string       (const char *role);

/* The main view for @role (transfer floating):
 * - wijkcoach: @coach_view, the coach's case list and case (returned as is);
 * - intaker: a KtIntakerView for @username of @team, with the periods from
 *   GSettings and the team's coaches from the offline copy;
 * - supervisor: a KtSupervisorView (inbox and team view) with the catalogue;
 * - anything else: a status page saying the account has no role here.
 * The caller connects the view's signals to the store and the sync client. */
GtkWidget *kt_role_view_new_for_role (const char *role,
                                      GtkWidget  *coach_view,
                                      const char *username,
                                      const char *team);

G_END_DECLS
