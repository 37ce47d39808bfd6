/* kt-role-format.h: small texts and styles shared by the intaker's and the
 * supervisor's views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* "25-11-2026" from an ISO date, or from unix seconds (transfer full). */
char       *kt_role_format_date       (const char *iso_date);
char       *kt_role_format_unix_date  (gint64      seconds);
/* "nog 12 dagen", "vandaag", "3 dagen te laat" (transfer full). */
char       *kt_role_format_days_left  (int         days);
/* "vandaag", "gisteren", "5 dagen geleden" (transfer full). */
char       *kt_role_format_days_ago   (int         days);
/* The display name of @username, a coach or not (a supervisor who reviewed
 * a plan): from @coaches (KtCoach, may be NULL), else from the team's keys
 * @team (KtPeerKey, as GET /team/keys gives them; may be NULL), else
 * @username itself ("No coach" when NULL). */
const char *kt_role_person_name       (GPtrArray  *coaches,
                                       GPtrArray  *team,
                                       const char *username);
/* Loads the roles' style sheet once for the default display. */
void        kt_role_ensure_style      (void);
/* Lets a drop-down over a GtkStringList shrink: the button ellipsizes its
 * text, the popup shows it whole. */
void        kt_role_drop_down_set_compact (GtkDropDown *dropdown);
/* Puts a new reference to @array (may be NULL) in @slot, dropping the old. */
void        kt_role_replace_array     (GPtrArray **slot,
                                       GPtrArray  *array);
/* Removes every child of @box. */
void        kt_role_box_clear         (GtkBox     *box);
/* A wrapping label with @text and optional CSS classes (NULL-terminated). */
GtkWidget  *kt_role_label_new         (const char *text,
                                       ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
