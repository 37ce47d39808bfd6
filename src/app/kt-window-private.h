/* kt-window-private.h: what the tests may reach inside the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-window.h"
#include "kt-case-view.h"
#include "kt-store.h"
#include "kt-key-controller.h"
#include "kt-role-controller.h"
#include "kt-sync-client.h"
#include "kt-sync-controller.h"

G_BEGIN_DECLS

KtStore     *kt_window_get_store          (KtWindow *self);
/* TRUE once the store is open and the case list is filled. */
gboolean     kt_window_is_ready           (KtWindow *self);
/* TRUE while a household chosen to open is read on the store's worker. */
gboolean     kt_window_is_opening_case    (KtWindow *self);
/* "loading", "lock" or "main". */
const char  *kt_window_get_page           (KtWindow *self);
KtCaseView  *kt_window_get_case_view      (KtWindow *self);
/* TRUE once the case view is made (after the start, or a case opened). */
gboolean     kt_window_has_case_view      (KtWindow *self);
/* The filtered case list as shown (items are KtCaseItem). */
GListModel  *kt_window_get_case_model     (KtWindow *self);
GtkEditable *kt_window_get_search_entry   (KtWindow *self);
GtkEditable *kt_window_get_passphrase_row (KtWindow *self,
                                           gboolean  confirm);
/* TRUE while the lock page asks to choose the first PIN. */
gboolean     kt_window_is_choosing_pin    (KtWindow *self);
/* What the lock page asks for now. */
KtUnlockSecret kt_window_get_unlock_kind  (KtWindow *self);
/* TRUE while an unlock is being checked on a worker. */
gboolean     kt_window_is_unlocking       (KtWindow *self);
/* The lock page's message under the field, or NULL when none shows. */
const char  *kt_window_get_lock_error     (KtWindow *self);
/* What the main page shows: the coach's leaflet or a role's view. */
GtkWidget   *kt_window_get_main_view      (KtWindow *self);
GtkWidget   *kt_window_get_sync_button    (KtWindow *self);
/* The row above the list that says why syncing needs the user. */
GtkWidget   *kt_window_get_sync_banner    (KtWindow *self);
/* The window's sync client once the store is open, else NULL. */
KtSyncClient *kt_window_get_sync_client   (KtWindow *self);
/* The window's sync controller once the store is open, else NULL. */
KtSyncController *kt_window_get_sync_controller (KtWindow *self);
/* What chooses the main view by role, once the store is open, else NULL. */
KtRoleController *kt_window_get_role_controller (KtWindow *self);
/* The window's account keys once the store is open, else NULL. */
KtKeyController *kt_window_get_key_controller (KtWindow *self);

G_END_DECLS
