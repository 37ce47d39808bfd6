/* kt-store-sink.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-store-sink"

#include "config.h"

#include "kt-store-sink.h"

#include "kt-codec.h"
#include "kt-sync-protocol.h"

struct _KtStoreSink
{
  GObject  parent_instance;

  KtStore *store;
};

static void kt_store_sink_iface_init (KtRecordSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KtStoreSink, kt_store_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KT_TYPE_RECORD_SINK, kt_store_sink_iface_init))

enum {
  DOCUMENT_KEPT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
kt_store_sink_is_ready (KtRecordSink *sink)
{
  return !kt_store_is_locked (KT_STORE_SINK (sink)->store);
}

typedef struct {
  KtStore   *store;   /* its own reference, for the thread */
  GPtrArray *records; /* (element-type KtSyncRecord) the caller's, alive until it is told */
  GArray    *docs;    /* KtDocument */
  GArray    *fresh;   /* gboolean: a case the store did not have */
} Keep;

static void
keep_free (Keep *keep)
{
  g_clear_object (&keep->store);
  g_ptr_array_unref (keep->records);
  g_array_unref (keep->docs);
  g_array_unref (keep->fresh);
  g_free (keep);
}

static void
kept (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtStoreSink *self = g_task_get_source_object (task);
  Keep *keep = g_task_get_task_data (task);
  GError *error = NULL;

  if (!kt_store_save_documents_finish (KT_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Told only after the whole batch is kept. */
  for (guint i = 0; i < keep->docs->len; i++)
    g_signal_emit (self, signals[DOCUMENT_KEPT], 0,
                   &g_array_index (keep->docs, KtDocument, i), g_array_index (keep->fresh, gboolean, i));
  g_task_return_boolean (task, TRUE);
}

/* On a thread: each record decoded, and for a case whether the store's
 * file has it yet (kt_store_get_case_readers () is safe on any thread; a
 * case the server sends for the first time was never a draft here). */
static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Keep *keep = task_data;

  for (guint i = 0; i < keep->records->len; i++)
    {
      KtSyncRecord *record = g_ptr_array_index (keep->records, i);
      KtDocument doc = { 0 };
      GError *error = NULL;
      gboolean is_new;

      if (!kt_document_decode (record->body, &doc, &error))
        {
          /* It can never be kept; holding the cursor for it would stop
           * every later record.  The message names no content. */
          g_warning ("A record from the server cannot be read by this version and was left out: %s",
                     error->message);
          g_error_free (error);
          kt_document_clear (&doc);
          continue;
        }
      /* Before any of the batch is saved, as it says what the store had. */
      is_new = doc.kind == KT_KIND_CASE && !kt_store_get_case_readers (keep->store, record->id, NULL, NULL);
      g_array_append_val (keep->docs, doc);
      g_array_append_val (keep->fresh, is_new);
    }
  g_task_return_boolean (task, TRUE);
}

static void
decoded (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtStoreSink *self = g_task_get_source_object (task);
  Keep *keep = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GPtrArray) pointers = g_ptr_array_new ();

  g_task_propagate_boolean (G_TASK (result), NULL);
  for (guint i = 0; i < keep->docs->len; i++)
    g_ptr_array_add (pointers, &g_array_index (keep->docs, KtDocument, i));
  kt_store_save_documents_async (self->store, pointers, KT_SYNC_SYNCED, cancellable, kept,
                                 g_steal_pointer (&task));
}

/* Decodes on a thread and saves on the store's worker: a page of 100
 * records is 100 decodings and 100 durable commits, neither of which may
 * hold the window (issue 22).  The pull position moves only once they are
 * committed. */
static void
kt_store_sink_keep_async (KtRecordSink        *sink,
                          GPtrArray           *records,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  KtStoreSink *self = KT_STORE_SINK (sink);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) decode = NULL;
  Keep *keep = g_new0 (Keep, 1);

  g_task_set_source_tag (task, kt_store_sink_keep_async);
  keep->store = g_object_ref (self->store);
  keep->records = g_ptr_array_ref (records);
  keep->docs = g_array_new (FALSE, TRUE, sizeof (KtDocument));
  keep->fresh = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_array_set_clear_func (keep->docs, (GDestroyNotify) kt_document_clear);
  g_task_set_task_data (task, keep, (GDestroyNotify) keep_free);
  /* No cancellable of its own: the records are decoded, and the save
   * that follows hears of a cancellation. */
  decode = g_task_new (self, NULL, decoded, task);
  g_task_set_task_data (decode, keep, NULL);
  g_task_run_in_thread (decode, decode_thread);
}

static gboolean
kt_store_sink_keep_finish (KtRecordSink  *sink,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
kt_store_sink_iface_init (KtRecordSinkInterface *iface)
{
  iface->is_ready = kt_store_sink_is_ready;
  iface->keep_async = kt_store_sink_keep_async;
  iface->keep_finish = kt_store_sink_keep_finish;
}

static void
kt_store_sink_dispose (GObject *object)
{
  KtStoreSink *self = KT_STORE_SINK (object);

  g_clear_object (&self->store);
  G_OBJECT_CLASS (kt_store_sink_parent_class)->dispose (object);
}

static void
kt_store_sink_class_init (KtStoreSinkClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kt_store_sink_dispose;

  /* A document was kept (const KtDocument *, valid during the emission),
   * and whether it is a case the store did not have before. */
  signals[DOCUMENT_KEPT] =
    g_signal_new ("document-kept", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_BOOLEAN);
}

static void
kt_store_sink_init (KtStoreSink *self)
{
}

KtStoreSink *
kt_store_sink_new (KtStore *store)
{
  KtStoreSink *self;

  g_return_val_if_fail (KT_IS_STORE (store), NULL);

  self = g_object_new (KT_TYPE_STORE_SINK, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "locked", G_CALLBACK (kt_record_sink_ready_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "unlocked", G_CALLBACK (kt_record_sink_ready_changed), self,
                           G_CONNECT_SWAPPED);
  return self;
}
