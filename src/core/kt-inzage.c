/* kt-inzage.c: everything held about a household, as PDF and JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-inzage"

#include "config.h"

#include "kt-inzage.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "kt-codec.h"
#include "kt-date-format.h"
#include "kt-json-reader.h"
#include "kt-report.h"
#include "kt-sync-protocol.h"

/* A household's whole file stays far below this. */
#define KT_INZAGE_MAX_SIZE (256 * 1024 * 1024)

G_DEFINE_QUARK (kt-inzage-error-quark, kt_inzage_error)

static void
add_record (JsonBuilder *builder,
            GBytes      *encoded)
{
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (encoded, NULL), NULL);

  /* Our own encoder's output always parses. */
  g_assert (node != NULL);
  json_builder_add_value (builder, g_steal_pointer (&node));
}

GBytes *
kt_inzage_to_json (const KtCase *kase,
                   GPtrArray    *conversations,
                   GPtrArray    *plans)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) case_json = NULL;
  g_autofree char *today = kt_date_today ();
  char *data;
  gsize length;

  g_return_val_if_fail (kase != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, KT_INZAGE_FORMAT);
  json_builder_set_member_name (builder, "made");
  json_builder_add_string_value (builder, today);
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  case_json = kt_case_encode (kase);
  add_record (builder, case_json);
  for (guint i = 0; conversations != NULL && i < conversations->len; i++)
    {
      g_autoptr(GBytes) encoded = kt_conversation_encode (g_ptr_array_index (conversations, i));
      add_record (builder, encoded);
    }
  for (guint i = 0; plans != NULL && i < plans->len; i++)
    {
      g_autoptr(GBytes) encoded = kt_plan_encode (g_ptr_array_index (plans, i));
      add_record (builder, encoded);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  data = kt_json_to_data (root, TRUE, &length);
  return g_bytes_new_take (data, length);
}

gboolean
kt_inzage_from_json (GBytes     *json,
                     KtCase    **out_case,
                     GPtrArray **out_conversations,
                     GPtrArray **out_plans,
                     GError    **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(GPtrArray) conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_conversation_unref);
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);
  JsonObject *root;
  JsonArray *records;

  g_return_val_if_fail (json != NULL, FALSE);

  /* A file the user picked: read like anything else from outside. */
  node = kt_json_read_bytes (json, KT_INZAGE_MAX_SIZE, 24, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (root = json_node_get_object (node),
       g_strcmp0 (json_object_get_string_member_with_default (root, "format", NULL), KT_INZAGE_FORMAT) != 0) ||
      !json_object_has_member (root, "records") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "records")))
    {
      g_set_error (error, KT_INZAGE_ERROR, KT_INZAGE_ERROR_INVALID, _("This file is not an export of Keukentafel."));
      return FALSE;
    }
  records = json_object_get_array_member (root, "records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      char *text = json_to_string (json_array_get_element (records, i), FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));
      KtDocument doc = { 0, };
      g_autoptr(GError) local = NULL;

      if (!kt_document_decode (bytes, &doc, &local))
        {
          g_set_error (error, KT_INZAGE_ERROR, KT_INZAGE_ERROR_INVALID,
                       _("Record %u of the export is refused: %s"), i + 1, local->message);
          return FALSE;
        }
      if (doc.kase != NULL && kase == NULL)
        kase = kt_case_ref (doc.kase);
      else if (doc.conversation != NULL)
        g_ptr_array_add (conversations, kt_conversation_ref (doc.conversation));
      else if (doc.plan != NULL)
        g_ptr_array_add (plans, kt_plan_ref (doc.plan));
      kt_document_clear (&doc);
    }
  if (kase == NULL)
    {
      g_set_error (error, KT_INZAGE_ERROR, KT_INZAGE_ERROR_INVALID, _("The export holds no household."));
      return FALSE;
    }
  *out_case = g_steal_pointer (&kase);
  *out_conversations = g_steal_pointer (&conversations);
  *out_plans = g_steal_pointer (&plans);
  return TRUE;
}

/* ---- writing ---------------------------------------------------------- */

typedef struct {
  KtCatalogue *catalogue;
  KtCase      *kase;
  GPtrArray   *conversations;
  GPtrArray   *plans;
  GHashTable  *names;
  GFile       *pdf;
  GFile       *json;
} WriteData;

static void
write_data_free (gpointer data)
{
  WriteData *wd = data;

  g_clear_object (&wd->catalogue);
  g_clear_pointer (&wd->kase, kt_case_unref);
  g_clear_pointer (&wd->conversations, g_ptr_array_unref);
  g_clear_pointer (&wd->plans, g_ptr_array_unref);
  g_clear_pointer (&wd->names, g_hash_table_unref);
  g_clear_object (&wd->pdf);
  g_clear_object (&wd->json);
  g_free (wd);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *wd = task_data;
  g_autoptr(GError) error = NULL;

  if (wd->json != NULL)
    {
      g_autoptr(GBytes) json = kt_inzage_to_json (wd->kase, wd->conversations, wd->plans);

      if (!g_file_replace_contents (wd->json, g_bytes_get_data (json, NULL), g_bytes_get_size (json), NULL,
                                    FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                    NULL, cancellable, &error))
        {
          g_task_return_new_error (task, KT_INZAGE_ERROR, KT_INZAGE_ERROR_WRITE,
                                   _("The data file could not be written: %s"), error->message);
          return;
        }
    }
  if (wd->pdf != NULL)
    {
      /* A report of its own in this thread: fonts and layouts stay per thread. */
      g_autoptr(KtReport) report = kt_report_new_inzage (wd->catalogue, wd->kase, wd->conversations, wd->plans,
                                                         wd->names);
      g_autofree char *path = g_file_get_path (wd->pdf);

      if (path == NULL)
        {
          g_task_return_new_error (task, KT_INZAGE_ERROR, KT_INZAGE_ERROR_WRITE,
                                   _("The report can only be saved in a folder on this computer."));
          return;
        }
      if (!kt_report_write_pdf (report, path, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

void
kt_inzage_write_async (KtCatalogue         *catalogue,
                       const KtCase        *kase,
                       GPtrArray           *conversations,
                       GPtrArray           *plans,
                       GHashTable          *names,
                       GFile               *pdf,
                       GFile               *json,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteData *wd;

  g_return_if_fail (KT_IS_CATALOGUE (catalogue));
  g_return_if_fail (kase != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_inzage_write_async);
  wd = g_new0 (WriteData, 1);
  wd->catalogue = g_object_ref (catalogue);
  wd->kase = kt_case_copy (kase);
  wd->conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_conversation_unref);
  for (guint i = 0; conversations != NULL && i < conversations->len; i++)
    g_ptr_array_add (wd->conversations, kt_conversation_copy (g_ptr_array_index (conversations, i)));
  wd->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);
  for (guint i = 0; plans != NULL && i < plans->len; i++)
    g_ptr_array_add (wd->plans, kt_plan_copy (g_ptr_array_index (plans, i)));
  /* A copy, like the documents: the caller's table may change meanwhile. */
  if (names != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      wd->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, names);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (wd->names, g_strdup (key), g_strdup (value));
    }
  wd->pdf = pdf != NULL ? g_object_ref (pdf) : NULL;
  wd->json = json != NULL ? g_object_ref (json) : NULL;
  g_task_set_task_data (task, wd, write_data_free);
  g_task_run_in_thread (task, write_thread);
}

gboolean
kt_inzage_write_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
