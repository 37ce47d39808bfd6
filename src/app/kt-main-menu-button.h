/* kt-main-menu-button.h: KtMainMenuButton, the one main menu of every role
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KT_TYPE_MAIN_MENU_BUTTON (kt_main_menu_button_get_type ())
G_DECLARE_FINAL_TYPE (KtMainMenuButton, kt_main_menu_button, KT, MAIN_MENU_BUTTON, AdwBin)

/* The menu button for a header bar: lock, sign in or out, sync now,
 * preferences, keyboard shortcuts, about.  Its items are the window's
 * win.* actions, so the coach's list, the intaker's form and the
 * supervisor's inbox share one menu. */
GtkWidget    *kt_main_menu_button_new       (void);
GtkMenuButton *kt_main_menu_button_get_button (KtMainMenuButton *self);
/* The menu itself (for tests). */
GMenuModel   *kt_main_menu_button_get_menu  (KtMainMenuButton *self);

G_END_DECLS
