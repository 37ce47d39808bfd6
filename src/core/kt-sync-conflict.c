/* kt-sync-conflict.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-sync-conflict"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kt-sync-conflict.h"

/* Header fields: never offered as a choice, set by the merge. */
static const char * const header_fields[] = {
  "schema", "id", "kind", "rev", "created", "updated", NULL
};

void
kt_sync_conflict_free (KtSyncConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->id);
  kt_sync_record_free (conflict->local);
  kt_sync_record_free (conflict->server);
  g_free (conflict);
}

static JsonObject *
body_object (const KtSyncRecord *record,
             JsonNode          **root,
             GError            **error)
{
  *root = kt_sync_parse_json (record->body, KT_DOCUMENT_MAX_SIZE, error);
  if (*root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (*root))
    {
      g_set_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE,
                   _("The server sent an answer that cannot be read (at “%s”)."), "$");
      g_clear_pointer (root, json_node_unref);
      return NULL;
    }
  return json_node_get_object (*root);
}

static gboolean
same_value (JsonNode *a,
            JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return json_node_equal (a, b);
}

static void
add_differing (GPtrArray  *fields,
               GHashTable *seen,
               JsonObject *from,
               JsonObject *other)
{
  g_autoptr(GList) names = json_object_get_members (from);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_strv_contains (header_fields, name) || g_hash_table_contains (seen, name))
        continue;
      g_hash_table_add (seen, (gpointer) name);
      if (!same_value (json_object_get_member (from, name), json_object_get_member (other, name)))
        g_ptr_array_add (fields, g_strdup (name));
    }
}

GPtrArray *
kt_sync_conflict_list_fields (const KtSyncConflict *self,
                              GError              **error)
{
  g_autoptr(JsonNode) local_root = NULL;
  g_autoptr(JsonNode) server_root = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  JsonObject *local = body_object (self->local, &local_root, error);
  JsonObject *server = local != NULL ? body_object (self->server, &server_root, error) : NULL;

  if (server == NULL)
    return NULL;
  add_differing (fields, seen, server, local);
  add_differing (fields, seen, local, server);
  return g_steal_pointer (&fields);
}

static void
append_text (GString  *out,
             JsonNode *node,
             guint     depth)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append (out, " · ");
      if (type == G_TYPE_STRING)
        g_string_append (out, json_node_get_string (node));
      else if (type == G_TYPE_BOOLEAN)
        g_string_append (out, json_node_get_boolean (node) ? _("yes") : _("no"));
      else if (type == G_TYPE_INT64)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      else
        g_string_append_printf (out, "%g", json_node_get_double (node));
      return;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (depth == 0 && out->len > 0)
            g_string_append_c (out, '\n');
          append_text (out, json_array_get_element (array, i), depth + 1);
        }
      return;
    }
  {
    JsonObject *object = json_node_get_object (node);
    g_autoptr(GList) values = json_object_get_values (object);
    g_autoptr(GList) names = json_object_get_members (object);
    GList *n = names;

    for (GList *l = values; l != NULL; l = l->next, n = n->next)
      if (!g_str_equal (n->data, "id"))
        append_text (out, l->data, depth + 1);
  }
}

char *
kt_sync_record_field_text (const KtSyncRecord *record,
                           const char         *field)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object = body_object (record, &root, NULL);
  GString *out = g_string_new ("");

  if (object != NULL)
    append_text (out, json_object_get_member (object, field), 0);
  return g_string_free (out, FALSE);
}

static gboolean
can_keep_both (JsonNode *server,
               JsonNode *local)
{
  if (server == NULL || local == NULL ||
      JSON_NODE_HOLDS_NULL (server) || JSON_NODE_HOLDS_NULL (local))
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (server) && JSON_NODE_HOLDS_ARRAY (local))
    return TRUE;
  return JSON_NODE_HOLDS_VALUE (server) && JSON_NODE_HOLDS_VALUE (local) &&
         json_node_get_value_type (server) == G_TYPE_STRING &&
         json_node_get_value_type (local) == G_TYPE_STRING;
}

gboolean
kt_sync_conflict_can_keep_both (const KtSyncConflict *self,
                                const char           *field)
{
  g_autoptr(JsonNode) local_root = NULL;
  g_autoptr(JsonNode) server_root = NULL;
  JsonObject *local = body_object (self->local, &local_root, NULL);
  JsonObject *server = body_object (self->server, &server_root, NULL);

  if (local == NULL || server == NULL)
    return FALSE;
  return can_keep_both (json_object_get_member (server, field),
                        json_object_get_member (local, field));
}

static const char *
item_id (JsonNode *item)
{
  JsonNode *id;

  if (!JSON_NODE_HOLDS_OBJECT (item))
    return NULL;
  id = json_object_get_member (json_node_get_object (item), "id");
  if (id == NULL || json_node_get_value_type (id) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (id);
}

/* Both lists: the server's items, then each local item the server lacks
 * (matched by "id" where items have one, else by value). */
static JsonNode *
keep_both (JsonNode *server,
           JsonNode *local)
{
  JsonNode *result;

  if (JSON_NODE_HOLDS_ARRAY (server))
    {
      JsonArray *server_items = json_node_get_array (server);
      JsonArray *local_items = json_node_get_array (local);
      JsonArray *merged = json_array_sized_new (json_array_get_length (server_items) +
                                                json_array_get_length (local_items));

      for (guint i = 0; i < json_array_get_length (server_items); i++)
        json_array_add_element (merged, json_node_copy (json_array_get_element (server_items, i)));
      for (guint i = 0; i < json_array_get_length (local_items); i++)
        {
          JsonNode *item = json_array_get_element (local_items, i);
          const char *id = item_id (item);
          gboolean found = FALSE;

          for (guint j = 0; j < json_array_get_length (server_items) && !found; j++)
            {
              JsonNode *other = json_array_get_element (server_items, j);
              found = id != NULL ? g_strcmp0 (id, item_id (other)) == 0 : json_node_equal (item, other);
            }
          if (!found)
            json_array_add_element (merged, json_node_copy (item));
        }
      result = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (result, merged);
      return result;
    }

  {
    const char *a = json_node_get_string (server);
    const char *b = json_node_get_string (local);
    g_autofree char *joined = a[0] == '\0' ? g_strdup (b)
                              : b[0] == '\0' ? g_strdup (a)
                              : g_strconcat (a, "\n\n", b, NULL);

    result = json_node_new (JSON_NODE_VALUE);
    json_node_set_string (result, joined);
    return result;
  }
}

KtSyncRecord *
kt_sync_conflict_merge (const KtSyncConflict *self,
                        GHashTable           *choices,
                        GError              **error)
{
  g_autoptr(JsonNode) local_root = NULL;
  g_autoptr(JsonNode) server_root = NULL;
  g_autoptr(JsonNode) merged_root = NULL;
  g_autoptr(KtSyncRecord) merged = NULL;
  JsonObject *local = body_object (self->local, &local_root, error);
  JsonObject *server = local != NULL ? body_object (self->server, &server_root, error) : NULL;
  JsonObject *out;
  GHashTableIter iter;
  gpointer key, value;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (server == NULL)
    return NULL;

  merged_root = json_node_copy (server_root);
  out = json_node_get_object (merged_root);

  g_hash_table_iter_init (&iter, choices);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *field = key;
      KtSyncChoice choice = GPOINTER_TO_INT (value);
      JsonNode *mine = json_object_get_member (local, field);
      JsonNode *theirs = json_object_get_member (server, field);

      if (g_strv_contains (header_fields, field) || choice == KT_SYNC_CHOICE_SERVER)
        continue;
      if (choice == KT_SYNC_CHOICE_BOTH && can_keep_both (theirs, mine))
        json_object_set_member (out, field, keep_both (theirs, mine));
      else if (mine != NULL)
        json_object_set_member (out, field, json_node_copy (mine));
      else if (json_object_has_member (out, field))
        json_object_remove_member (out, field);
    }
  json_object_set_int_member (out, "rev", self->server->rev + 1);
  json_object_set_int_member (out, "updated", MAX (now, self->server->updated));

  merged = kt_sync_record_copy (self->server);
  g_clear_pointer (&merged->body, g_bytes_unref);
  merged->body = kt_json_to_bytes (merged_root);
  merged->rev = self->server->rev + 1;
  merged->updated = MAX (now, self->server->updated);
  return g_steal_pointer (&merged);
}

GHashTable *
kt_sync_conflict_choose_all (const KtSyncConflict *self,
                             KtSyncChoice          choice)
{
  g_autoptr(GPtrArray) fields = kt_sync_conflict_list_fields (self, NULL);
  GHashTable *choices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      const char *field = g_ptr_array_index (fields, i);
      KtSyncChoice chosen = choice;

      if (choice == KT_SYNC_CHOICE_BOTH && !kt_sync_conflict_can_keep_both (self, field))
        chosen = KT_SYNC_CHOICE_LOCAL;
      g_hash_table_insert (choices, g_strdup (field), GINT_TO_POINTER (chosen));
    }
  return choices;
}
