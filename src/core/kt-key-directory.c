/* kt-key-directory.c: KtKeyDirectory, the server's key directory as the
 * device uses it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-key-directory"

#include "config.h"

#include "kt-key-directory.h"

#include <glib/gi18n-lib.h>

#include "kt-crypto.h"
#include "kt-json-reader.h"
#include "kt-peer-keys.h"

struct _KtKeyDirectory
{
  GObject      parent_instance;

  KtApiClient *api;
};

G_DEFINE_FINAL_TYPE (KtKeyDirectory, kt_key_directory, G_TYPE_OBJECT)

static void
kt_key_directory_finalize (GObject *object)
{
  KtKeyDirectory *self = KT_KEY_DIRECTORY (object);

  g_clear_object (&self->api);
  G_OBJECT_CLASS (kt_key_directory_parent_class)->finalize (object);
}

static void
kt_key_directory_class_init (KtKeyDirectoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_key_directory_finalize;
}

static void
kt_key_directory_init (KtKeyDirectory *self)
{
}

KtKeyDirectory *
kt_key_directory_new (KtApiClient *api)
{
  KtKeyDirectory *self;

  g_return_val_if_fail (KT_IS_API_CLIENT (api), NULL);

  self = g_object_new (KT_TYPE_KEY_DIRECTORY, NULL);
  self->api = g_object_ref (api);
  return self;
}

/* The answer's body, or NULL with the error. */
static GBytes *
answer_body (KtKeyDirectory  *self,
             GAsyncResult    *result,
             GError         **error)
{
  g_autoptr(KtSyncResponse) response = kt_api_client_request_finish (self->api, result, error);

  if (response == NULL)
    return NULL;
  return g_bytes_ref (response->body);
}

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *body = answer_body (g_task_get_source_object (task), result, &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

/* Each answer's body is kept as it came, for the readers below
 * (kt_peer_keys_from_json and kt_json_read_bytes). */
static void
request (KtKeyDirectory      *self,
         KtSyncEndpoint       endpoint,
         const char          *method,
         const char          *path,
         GBytes              *body,
         gpointer             source_tag,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  kt_api_client_request_async (self->api, endpoint, method, path, body, NULL,
                               KT_API_REQUEST_DEFAULT, cancellable, on_answer, task);
}

/* The one object member @name of an answer, a string, or NULL. */
static char *
answer_string (GBytes     *body,
               const char *name)
{
  g_autoptr(JsonNode) root = kt_json_read_bytes (body, KT_SYNC_SMALL_RESPONSE_MAX_SIZE,
                                                 KT_SYNC_MAX_DEPTH, NULL);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (kt_json_member_string (json_node_get_object (root), name));
}

static void
set_bad_response (GError **error)
{
  g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE,
                       _("The server sent an answer about keys that Keukentafel does not understand."));
}

/* Publish */

void
kt_key_directory_publish_async (KtKeyDirectory      *self,
                                GBytes              *public_key,
                                GBytes              *bundle,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *key_text = NULL;
  g_autofree char *bundle_text = NULL;
  gsize size;
  gconstpointer data;

  g_return_if_fail (KT_IS_KEY_DIRECTORY (self));
  g_return_if_fail (public_key != NULL && bundle != NULL);

  data = g_bytes_get_data (public_key, &size);
  key_text = g_base64_encode (data, size);
  data = g_bytes_get_data (bundle, &size);
  bundle_text = g_base64_encode (data, size);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "public_key");
  json_builder_add_string_value (builder, key_text);
  json_builder_set_member_name (builder, "recovery_bundle");
  json_builder_add_string_value (builder, bundle_text);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = kt_json_to_bytes (root);
  request (self, KT_SYNC_ENDPOINT_PUBLISH_KEY, "PUT", "/keys/me", body, kt_key_directory_publish_async,
           cancellable, callback, user_data);
}

gboolean
kt_key_directory_publish_finish (KtKeyDirectory  *self,
                                 GAsyncResult    *result,
                                 KtKeyPublished  *published,
                                 GError         **error)
{
  static const char * const words[] = {
    [KT_KEY_PUBLISHED_NEW] = "new",
    [KT_KEY_PUBLISHED_SAME] = "same",
    [KT_KEY_PUBLISHED_NEW_BUNDLE] = "new_bundle",
    [KT_KEY_PUBLISHED_REPLACED] = "replaced",
  };
  g_autoptr(GBytes) body = NULL;
  g_autofree char *word = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  body = g_task_propagate_pointer (G_TASK (result), error);
  if (body == NULL)
    return FALSE;
  word = answer_string (body, "published");
  for (guint i = 0; word != NULL && i < G_N_ELEMENTS (words); i++)
    if (g_str_equal (word, words[i]))
      {
        if (published != NULL)
          *published = i;
        return TRUE;
      }
  set_bad_response (error);
  return FALSE;
}

/* Recovery bundle */

void
kt_key_directory_fetch_bundle_async (KtKeyDirectory      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (KT_IS_KEY_DIRECTORY (self));

  request (self, KT_SYNC_ENDPOINT_RECOVERY, "GET", "/keys/me/recovery", NULL, kt_key_directory_fetch_bundle_async,
           cancellable, callback, user_data);
}

GBytes *
kt_key_directory_fetch_bundle_finish (KtKeyDirectory  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;
  GBytes *bundle;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  body = g_task_propagate_pointer (G_TASK (result), error);
  if (body == NULL)
    return NULL;
  text = answer_string (body, "recovery_bundle");
  bundle = kt_crypto_base64_decode_exact (text, KT_WRAPPED_KEY_SIZE);
  if (bundle == NULL)
    set_bad_response (error);
  return bundle;
}

/* Team keys */

void
kt_key_directory_fetch_team_async (KtKeyDirectory      *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (KT_IS_KEY_DIRECTORY (self));

  request (self, KT_SYNC_ENDPOINT_TEAM_KEYS, "GET", "/team/keys", NULL, kt_key_directory_fetch_team_async,
           cancellable, callback, user_data);
}

GPtrArray *
kt_key_directory_fetch_team_finish (KtKeyDirectory  *self,
                                    GAsyncResult    *result,
                                    GHashTable      *pinned,
                                    guint           *n_changed,
                                    GError         **error)
{
  g_autoptr(GBytes) body = NULL;
  GPtrArray *keys;
  guint changed;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  body = g_task_propagate_pointer (G_TASK (result), error);
  if (body == NULL)
    return NULL;
  keys = kt_peer_keys_from_json (body, error);
  if (keys == NULL)
    return NULL;
  changed = pinned != NULL ? kt_peer_keys_check (keys, pinned) : 0;
  if (n_changed != NULL)
    *n_changed = changed;
  return keys;
}
