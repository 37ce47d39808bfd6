/* kt-record-sink.h: KtRecordSink, where a sync client keeps what it pulls
 *
 * The sync client hands each batch of pulled records to its sink and moves
 * its pull position (the cursor and the revision it knows of each record)
 * only after the sink said the batch is kept.  A sink that cannot keep a
 * batch (the store is locked, the disk is full) fails it, and the same
 * records come again in a later round.  While the sink is not ready (a
 * locked store) the client does not sync at all, and syncs again as soon as
 * the sink emits ::ready-changed and is ready.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KT_TYPE_RECORD_SINK (kt_record_sink_get_type ())
G_DECLARE_INTERFACE (KtRecordSink, kt_record_sink, KT, RECORD_SINK, GObject)

struct _KtRecordSinkInterface
{
  GTypeInterface parent_iface;

  gboolean (*is_ready)    (KtRecordSink        *self);
  /* @records: (element-type KtSyncRecord), in server order */
  void     (*keep_async)  (KtRecordSink        *self,
                           GPtrArray           *records,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data);
  gboolean (*keep_finish) (KtRecordSink        *self,
                           GAsyncResult        *result,
                           GError             **error);
};

/* Whether a batch handed over now could be kept (FALSE: locked). */
gboolean kt_record_sink_is_ready    (KtRecordSink        *self);
/* Keeps @records (element-type KtSyncRecord) durably; TRUE from the finish
 * function means every one of them is committed (a record that can never
 * be kept, such as one this version cannot read, is left out and said so
 * in the log, without its content). */
void     kt_record_sink_keep_async  (KtRecordSink        *self,
                                     GPtrArray           *records,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean kt_record_sink_keep_finish (KtRecordSink        *self,
                                     GAsyncResult        *result,
                                     GError             **error);
/* For implementations: the sink became ready or stopped being ready. */
void     kt_record_sink_ready_changed (KtRecordSink      *self);

G_END_DECLS
