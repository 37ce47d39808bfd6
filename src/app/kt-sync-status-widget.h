/* kt-sync-status-widget.h: KtSyncStatusWidget, the quiet sync state in the case header
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_SYNC_STATUS_WIDGET (kt_sync_status_widget_get_type ())
G_DECLARE_FINAL_TYPE (KtSyncStatusWidget, kt_sync_status_widget, KT, SYNC_STATUS_WIDGET, AdwBin)

/* Follows @client (may be NULL: shows nothing). */
GtkWidget  *kt_sync_status_widget_new        (KtSyncClient       *client);
void        kt_sync_status_widget_set_client (KtSyncStatusWidget *self,
                                              KtSyncClient       *client);
const char *kt_sync_status_widget_get_text   (KtSyncStatusWidget *self);

/* The short text for a state, e.g. "Synced at 14:02" (transfer full);
 * NULL when nothing is shown (signed out). */
char       *kt_sync_status_format            (KtSyncStatus  status,
                                              gint64        last_synced,
                                              guint         n_conflicts);

G_END_DECLS
