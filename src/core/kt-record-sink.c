/* kt-record-sink.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-record-sink"

#include "config.h"

#include "kt-record-sink.h"

G_DEFINE_INTERFACE (KtRecordSink, kt_record_sink, G_TYPE_OBJECT)

enum {
  READY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
kt_record_sink_default_init (KtRecordSinkInterface *iface)
{
  signals[READY_CHANGED] =
    g_signal_new ("ready-changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

gboolean
kt_record_sink_is_ready (KtRecordSink *self)
{
  g_return_val_if_fail (KT_IS_RECORD_SINK (self), FALSE);

  return KT_RECORD_SINK_GET_IFACE (self)->is_ready (self);
}

void
kt_record_sink_keep_async (KtRecordSink        *self,
                           GPtrArray           *records,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (KT_IS_RECORD_SINK (self));
  g_return_if_fail (records != NULL);

  KT_RECORD_SINK_GET_IFACE (self)->keep_async (self, records, cancellable, callback, user_data);
}

gboolean
kt_record_sink_keep_finish (KtRecordSink  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (KT_IS_RECORD_SINK (self), FALSE);

  return KT_RECORD_SINK_GET_IFACE (self)->keep_finish (self, result, error);
}

void
kt_record_sink_ready_changed (KtRecordSink *self)
{
  g_return_if_fail (KT_IS_RECORD_SINK (self));

  g_signal_emit (self, signals[READY_CHANGED], 0);
}
