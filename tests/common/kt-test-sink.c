/* kt-test-sink.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-test-sink"

#include "config.h"

#include "kt-test-sink.h"

struct _KtTestSink
{
  GObject     parent_instance;

  GHashTable *records;   /* id → KtSyncRecord */
  guint       n_kept;
};

static void kt_test_sink_iface_init (KtRecordSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KtTestSink, kt_test_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KT_TYPE_RECORD_SINK, kt_test_sink_iface_init))

enum {
  RECORD_KEPT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
test_sink_is_ready (KtRecordSink *sink)
{
  return TRUE;
}

static void
test_sink_keep_async (KtRecordSink        *sink,
                      GPtrArray           *records,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  KtTestSink *self = KT_TEST_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  for (guint i = 0; i < records->len; i++)
    {
      KtSyncRecord *record = g_ptr_array_index (records, i);

      g_hash_table_replace (self->records, g_strdup (record->id), kt_sync_record_copy (record));
      self->n_kept++;
      g_signal_emit (self, signals[RECORD_KEPT], 0, record);
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
test_sink_keep_finish (KtRecordSink  *sink,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
kt_test_sink_iface_init (KtRecordSinkInterface *iface)
{
  iface->is_ready = test_sink_is_ready;
  iface->keep_async = test_sink_keep_async;
  iface->keep_finish = test_sink_keep_finish;
}

static void
kt_test_sink_finalize (GObject *object)
{
  KtTestSink *self = KT_TEST_SINK (object);

  g_hash_table_unref (self->records);
  G_OBJECT_CLASS (kt_test_sink_parent_class)->finalize (object);
}

static void
kt_test_sink_class_init (KtTestSinkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_test_sink_finalize;

  /* One record kept (KtSyncRecord *, valid during the emission). */
  signals[RECORD_KEPT] =
    g_signal_new ("record-kept", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
kt_test_sink_init (KtTestSink *self)
{
  self->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) kt_sync_record_free);
}

KtTestSink *
kt_test_sink_new (void)
{
  return g_object_new (KT_TYPE_TEST_SINK, NULL);
}

guint
kt_test_sink_get_n_kept (KtTestSink *self)
{
  return self->n_kept;
}

KtSyncRecord *
kt_test_sink_lookup (KtTestSink *self,
                     const char *id)
{
  return g_hash_table_lookup (self->records, id);
}
