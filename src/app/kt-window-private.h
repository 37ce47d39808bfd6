/* kt-window-private.h: what the tests may reach inside the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-window.h"
#include "kt-case-view.h"
#include "kt-store.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

KtStore     *kt_window_get_store          (KtWindow *self);
/* TRUE once the store is open and the case list is filled. */
gboolean     kt_window_is_ready           (KtWindow *self);
/* "loading", "lock" or "main". */
const char  *kt_window_get_page           (KtWindow *self);
KtCaseView  *kt_window_get_case_view      (KtWindow *self);
/* The filtered case list as shown (items are KtCaseItem). */
GListModel  *kt_window_get_case_model     (KtWindow *self);
GtkEditable *kt_window_get_search_entry   (KtWindow *self);
GtkEditable *kt_window_get_passphrase_row (KtWindow *self,
                                           gboolean  confirm);
/* The window's sync client once the store is open, else NULL. */
KtSyncClient *kt_window_get_sync_client   (KtWindow *self);

G_END_DECLS
