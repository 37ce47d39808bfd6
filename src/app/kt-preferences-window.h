/* kt-preferences-window.h: KtPreferencesWindow, when the app locks and the PIN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-key-controller.h"
#include "kt-store.h"

G_BEGIN_DECLS

#define KT_TYPE_PREFERENCES_WINDOW (kt_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (KtPreferencesWindow, kt_preferences_window, KT, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* The preferences for @parent's @store: minutes until the idle lock, a
 * new PIN (keyring stores), and the account's and team's keys of @keys
 * (may be NULL: not shown). */
GtkWidget *kt_preferences_window_new (GtkWindow       *parent,
                                      KtStore         *store,
                                      KtKeyController *keys);

G_END_DECLS
