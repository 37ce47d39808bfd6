/* kt-peer-keys.c: the team's public keys as the server hands them, weighed
 * against the keys this device has seen before
 *
 * The server hands out the keys but cannot vouch for them: one that put its
 * own key in place of a colleague's would read what is sealed to it.  So a
 * device keeps the key it first saw for each colleague, and a different one
 * later is shown as a warning and not sealed to until the user accepts it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-peer-keys"

#include "config.h"

#include "kt-peer-keys.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "kt-crypto.h"
#include "kt-json-reader.h"
#include "kt-sync-protocol.h"

/* A team of a few hundred members is some tens of KiB. */
#define MAX_ANSWER_SIZE (1024 * 1024)

void
kt_peer_key_free (KtPeerKey *key)
{
  if (key == NULL)
    return;
  g_free (key->username);
  g_free (key->display_name);
  g_free (key->role);
  g_clear_pointer (&key->public_key, g_bytes_unref);
  g_free (key->fingerprint);
  g_free (key);
}

static GPtrArray *
bad_response (GError **error)
{
  g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE,
                       _("The server sent the team's keys in a form Keukentafel does not understand."));
  return NULL;
}

GPtrArray *
kt_peer_keys_from_json (GBytes  *json,
                        GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *list;
  JsonArray *array;

  root = kt_json_read_bytes (json, MAX_ANSWER_SIZE, KT_SYNC_MAX_DEPTH, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return bad_response (error);
  list = json_object_get_member (json_node_get_object (root), "keys");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return bad_response (error);

  array = json_node_get_array (list);
  keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_peer_key_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(KtPeerKey) key = g_new0 (KtPeerKey, 1);
      JsonObject *object;
      JsonNode *published;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return bad_response (error);
      object = json_node_get_object (element);
      key->username = g_strdup (kt_json_member_string (object, "username"));
      key->role = g_strdup (kt_json_member_string (object, "role"));
      /* optional: a server from before it gave names gives none */
      key->display_name = g_strdup (kt_json_member_string (object, "display_name"));
      key->public_key = kt_crypto_base64_decode_exact (kt_json_member_string (object, "public_key"),
                                                        KT_PUBLIC_KEY_SIZE);
      published = json_object_get_member (object, "published");
      if (key->username == NULL || key->role == NULL || key->public_key == NULL ||
          published == NULL || !JSON_NODE_HOLDS_VALUE (published) ||
          json_node_get_value_type (published) != G_TYPE_INT64 ||
          !g_hash_table_add (seen, key->username))
        return bad_response (error);
      key->published = json_node_get_int (published);
      key->fingerprint = kt_crypto_key_fingerprint (key->public_key);
      key->state = KT_PEER_KEY_NEW;
      g_ptr_array_add (keys, g_steal_pointer (&key));
    }
  return g_steal_pointer (&keys);
}

guint
kt_peer_keys_check (GPtrArray  *keys,
                    GHashTable *pinned)
{
  guint changed = 0;

  for (guint i = 0; i < keys->len; i++)
    {
      KtPeerKey *key = g_ptr_array_index (keys, i);
      GBytes *kept = g_hash_table_lookup (pinned, key->username);

      if (kept == NULL)
        {
          key->state = KT_PEER_KEY_NEW;
          g_hash_table_insert (pinned, g_strdup (key->username), g_bytes_ref (key->public_key));
        }
      else if (g_bytes_equal (kept, key->public_key))
        key->state = KT_PEER_KEY_KNOWN;
      else
        {
          key->state = KT_PEER_KEY_CHANGED;
          changed++;
        }
    }
  return changed;
}

void
kt_peer_keys_accept (GHashTable *pinned,
                     KtPeerKey  *key)
{
  g_hash_table_replace (pinned, g_strdup (key->username), g_bytes_ref (key->public_key));
  key->state = KT_PEER_KEY_KNOWN;
}

GBytes *
kt_peer_keys_lookup_usable (GPtrArray  *keys,
                            const char *username)
{
  for (guint i = 0; i < keys->len; i++)
    {
      KtPeerKey *key = g_ptr_array_index (keys, i);

      if (g_str_equal (key->username, username))
        return key->state == KT_PEER_KEY_CHANGED ? NULL : key->public_key;
    }
  return NULL;
}
