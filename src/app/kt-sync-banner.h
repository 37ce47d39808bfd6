/* kt-sync-banner.h: KtSyncBanner, why sharing is held back, above the case list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-key-controller.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_SYNC_BANNER (kt_sync_banner_get_type ())
G_DECLARE_FINAL_TYPE (KtSyncBanner, kt_sync_banner, KT, SYNC_BANNER, AdwBin)

/* A row that shows only when syncing needs the user (a refused push, an
 * unreachable server with work waiting, sign in again, a key problem),
 * saying why in words (kt_sync_status_describe ()), with "Sync Now"
 * (win.sync-now) or "Sign In…" (win.sign-in) where that helps. */
GtkWidget  *kt_sync_banner_new                (void);
/* Follows @client (may be NULL: hidden) and @keys (may be NULL). */
void        kt_sync_banner_set_client         (KtSyncBanner    *self,
                                               KtSyncClient    *client);
void        kt_sync_banner_set_key_controller (KtSyncBanner    *self,
                                               KtKeyController *keys);
/* The reason shown, or NULL when the banner is hidden (for tests). */
const char *kt_sync_banner_get_text           (KtSyncBanner    *self);
/* The button, hidden when no action helps (for tests). */
GtkWidget  *kt_sync_banner_get_button         (KtSyncBanner    *self);

G_END_DECLS
