/* kt-case-audit.c: who read a case's records and when
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-case-audit"

#include "config.h"

#include "kt-case-audit.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kt-api-client.h"
#include "kt-json-reader.h"
#include "kt-sync-client.h"
#include "kt-sync-protocol.h"

/* A case read ten thousand times still fits. */
#define MAX_ANSWER (4 * 1024 * 1024)

void
kt_case_read_free (KtCaseRead *read)
{
  if (read == NULL)
    return;
  g_free (read->username);
  g_free (read->display_name);
  g_free (read->role);
  g_free (read->record_id);
  g_free (read->kind);
  g_free (read);
}

static char *
member_text (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

GPtrArray *
kt_case_reads_parse (GBytes  *body,
                     GError **error)
{
  g_autoptr(JsonNode) root = kt_json_read_bytes (body, MAX_ANSWER, 8, NULL);
  g_autoptr(GPtrArray) reads = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_read_free);
  JsonNode *list;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (list = json_object_get_member (json_node_get_object (root), "reads")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE, _("The server sent an answer that is not valid."));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (list), i);
      JsonObject *object;
      JsonNode *at;
      g_autoptr(KtCaseRead) read = g_new0 (KtCaseRead, 1);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto bad;
      object = json_node_get_object (node);
      at = json_object_get_member (object, "at");
      if (at == NULL || JSON_NODE_TYPE (at) != JSON_NODE_VALUE || json_node_get_value_type (at) != G_TYPE_INT64)
        goto bad;
      read->at = json_node_get_int (at);
      read->username = member_text (object, "username");
      read->display_name = member_text (object, "display_name");
      read->role = member_text (object, "role");
      read->record_id = member_text (object, "record_id");
      read->kind = member_text (object, "kind");
      if (read->username == NULL || read->record_id == NULL || read->kind == NULL)
        goto bad;
      g_ptr_array_add (reads, g_steal_pointer (&read));
    }
  return g_steal_pointer (&reads);

bad:
  g_set_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE, _("The server sent an answer that is not valid."));
  return NULL;
}

/* Through the sync client's one transport (KtApiClient): its session, its
 * token and its error messages. */
static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncResponse) response = kt_api_client_request_finish (KT_API_CLIENT (source), result, &error);
  GPtrArray *reads;

  if (response == NULL)
    {
      if (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_FOUND))
        return g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_FOUND,
                                        _("The server does not know this household as yours."));
      return g_task_return_error (task, g_steal_pointer (&error));
    }
  reads = kt_case_reads_parse (response->body, &error);
  if (reads == NULL)
    return g_task_return_error (task, g_steal_pointer (&error));
  g_task_return_pointer (task, reads, (GDestroyNotify) g_ptr_array_unref);
}

void
kt_case_reads_fetch_async (KtSyncClient        *sync,
                           const char          *case_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, kt_case_reads_fetch_async);
  if (sync == NULL || !kt_sync_client_is_signed_in (sync) || kt_sync_client_get_server_url (sync) == NULL ||
      !kt_uuid_is_valid (case_id))
    return g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN, _("Sign in to sync."));
  path = g_strconcat ("/cases/", case_id, "/audit", NULL);
  kt_api_client_request_async (kt_sync_client_get_api (sync), KT_SYNC_ENDPOINT_CASE_AUDIT, "GET", path,
                               NULL, NULL, KT_API_REQUEST_DEFAULT, cancellable, on_answer,
                               g_object_ref (task));
}

GPtrArray *
kt_case_reads_fetch_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
