/* kt-add-button.h: KtAddButton, "+ Add …" beside a group's title
 *
 * Shows its icon and label where there is room, and the icon alone where
 * there is not (a phone, or large text on a tablet), so that the group's
 * title beside it is never cut off.  Both forms carry the label as their
 * accessible name; GTK 4.8 would not take it from the label inside.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KT_TYPE_ADD_BUTTON (kt_add_button_get_type ())
G_DECLARE_FINAL_TYPE (KtAddButton, kt_add_button, KT, ADD_BUTTON, AdwBin)

GtkWidget  *kt_add_button_new              (const char  *label,
                                            const char  *action_name);
/* The label with its mnemonic ("_Add Member"). */
const char *kt_add_button_get_label        (KtAddButton *self);
void        kt_add_button_set_label        (KtAddButton *self,
                                            const char  *label);
const char *kt_add_button_get_action_name  (KtAddButton *self);
void        kt_add_button_set_action_name  (KtAddButton *self,
                                            const char  *action_name);
/* The form on screen: TRUE when the label shows beside the icon. */
gboolean    kt_add_button_get_shows_label  (KtAddButton *self);

G_END_DECLS
