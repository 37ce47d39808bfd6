/* kt-store-sink.h: KtStoreSink, a KtStore as the place pulled records go
 *
 * Decodes each pulled record on the main thread and saves the page into the
 * store as synced on the store's worker; the batch counts as kept only when
 * every save committed.  Ready while the
 * store is open and not locked; ::ready-changed follows the store's
 * ::locked and ::unlocked.  ::document-kept tells the app what arrived
 * (for the case list and a notification).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-record-sink.h"
#include "kt-store.h"

G_BEGIN_DECLS

#define KT_TYPE_STORE_SINK (kt_store_sink_get_type ())
G_DECLARE_FINAL_TYPE (KtStoreSink, kt_store_sink, KT, STORE_SINK, GObject)

/* A sink saving into @store (transfer full). */
KtStoreSink *kt_store_sink_new (KtStore *store);

G_END_DECLS
