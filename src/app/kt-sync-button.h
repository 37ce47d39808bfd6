/* kt-sync-button.h: KtSyncButton, the sync state in a header bar and a
 * popover to steer it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-key-controller.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_SYNC_BUTTON (kt_sync_button_get_type ())
G_DECLARE_FINAL_TYPE (KtSyncButton, kt_sync_button, KT, SYNC_BUTTON, AdwBin)

/* An icon button showing the state; its popover says who is signed in to
 * which server, when the last sync was and what waits, with "Sync Now" and
 * "Sign Out…" (win.sync-now, win.sign-out) or "Sign In…" (win.sign-in). */
GtkWidget  *kt_sync_button_new        (void);
/* Follows @client; NULL shows the signed-out state. */
void        kt_sync_button_set_client (KtSyncButton *self,
                                       KtSyncClient *client);
/* "Signed in as Name at server" or "Not signed in" (for tests). */
const char *kt_sync_button_get_account_text (KtSyncButton *self);
/* "Last synced at 14:02" and the like, or "" (for tests). */
const char *kt_sync_button_get_state_text   (KtSyncButton *self);
GtkMenuButton *kt_sync_button_get_button    (KtSyncButton *self);
/* Follows @keys (may be NULL): a problem with the account's keys
 * (kt_key_controller_get_problem ()) shows in the popover while signed in,
 * in words, with the warning icon on the button. */
void        kt_sync_button_set_key_controller (KtSyncButton    *self,
                                               KtKeyController *keys);
/* The problem shown, or NULL (for tests). */
const char *kt_sync_button_get_problem_text (KtSyncButton *self);

/* "Signed in as Name at server" for @client (transfer full). */
char       *kt_sync_button_format_account  (KtSyncClient *client);

G_END_DECLS
