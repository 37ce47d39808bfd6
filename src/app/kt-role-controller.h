/* kt-role-controller.h: the signed-in account's role chooses the main view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-catalogue.h"
#include "kt-store.h"
#include "kt-sync-controller.h"

G_BEGIN_DECLS

#define KT_TYPE_ROLE_CONTROLLER (kt_role_controller_get_type ())
G_DECLARE_FINAL_TYPE (KtRoleController, kt_role_controller, KT, ROLE_CONTROLLER, GObject)

/* Watches @controller's client; once signed in it asks the server (through
 * @controller, which asks once a sign-in) who the user is and,
 * for an intaker or a supervisor, puts their view in @main_bin in place of
 * the coach's @coach_view, wired to @store and the server.  The bin sits
 * below the window's lock page, so a lock hides every role's view; while
 * the store is locked the views hold no client data. */
KtRoleController *kt_role_controller_new       (AdwBin               *main_bin,
                                                GtkWidget            *coach_view,
                                                KtStore              *store,
                                                KtSyncController     *controller,
                                                KtCatalogue          *catalogue);
/* The role the main view was chosen for: "wijkcoach" until the server said
 * otherwise (the app works fully without ever signing in). */
const char       *kt_role_controller_get_role  (KtRoleController *self);
/* Re-reads the shared records from the store into the supervisor's view. */
void              kt_role_controller_refresh   (KtRoleController *self);
/* Merges a batch of documents from the server (element-type KtDocument)
 * into what the view shows, without reading the whole store again. */
void              kt_role_controller_update    (KtRoleController *self,
                                                GPtrArray        *kept);
/* The same at the next turn of the main loop (a batch from the server:
 * the window's own rows take it in the turn it comes); batches that come
 * meanwhile are merged together. */
void              kt_role_controller_update_later (KtRoleController *self,
                                                   GPtrArray        *kept);

G_END_DECLS
