/* kt-sync-controller.h: KtSyncController, the app's side of syncing
 *
 * Owns the window's KtSyncClient: saves what the server sends into the
 * store, shares submitted plans, shows the sign-in dialog and the conflict
 * view, and sends a notification when a review result arrives.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-store.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_SYNC_CONTROLLER (kt_sync_controller_get_type ())
G_DECLARE_FINAL_TYPE (KtSyncController, kt_sync_controller, KT, SYNC_CONTROLLER, GObject)

/* Syncing for @window's @store; the outbox lives beside the store file. */
KtSyncController *kt_sync_controller_new         (GtkWindow        *window,
                                                  KtStore          *store);
KtSyncClient     *kt_sync_controller_get_client  (KtSyncController *self);
/* Shares a plan submitted for review. */
gboolean          kt_sync_controller_share_plan  (KtSyncController *self,
                                                  const KtPlan     *plan,
                                                  GError          **error);
void              kt_sync_controller_sign_in     (KtSyncController *self);
/* Opens the first conflict, if any, side by side. */
void              kt_sync_controller_show_conflicts (KtSyncController *self);

G_END_DECLS
