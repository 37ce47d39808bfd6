/* kt-test-sink.h: KtTestSink, a KtRecordSink that counts what it keeps
 *
 * For sync tests that look at what was pulled, not at a store; the tests
 * of keeping (lock, failed saves) use KtStoreSink with a real KtStore.
 * ::record-kept (KtSyncRecord *) follows each record kept.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-record-sink.h"
#include "kt-sync-protocol.h"

G_BEGIN_DECLS

#define KT_TYPE_TEST_SINK (kt_test_sink_get_type ())
G_DECLARE_FINAL_TYPE (KtTestSink, kt_test_sink, KT, TEST_SINK, GObject)

KtTestSink   *kt_test_sink_new        (void);
/* Records kept so far, counting each revision once per hand-over. */
guint         kt_test_sink_get_n_kept (KtTestSink *self);
/* The newest kept revision of @id, or NULL (transfer none). */
KtSyncRecord *kt_test_sink_lookup     (KtTestSink *self,
                                       const char *id);

G_END_DECLS
