/* kt-server-document.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-server-document.h"

#include <glib/gi18n.h>

#include "kt-server-error.h"

void
kt_document_info_clear (KtDocumentInfo *info)
{
  g_clear_pointer (&info->id, g_free);
  g_clear_pointer (&info->case_id, g_free);
  g_clear_pointer (&info->coach, g_free);
  g_clear_pointer (&info->review, g_free);
}

void
kt_review_note_free (KtReviewNote *note)
{
  if (note == NULL)
    return;
  g_free (note->goal_id);
  g_free (note->text);
  g_free (note);
}

static gboolean
refuse (char      **field,
        const char *name,
        GError    **error)
{
  *field = g_strdup (name);
  g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_INVALID,
               _("The document has a missing or invalid field."));
  return FALSE;
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
kt_server_document_inspect (JsonNode       *body,
                            KtDocumentInfo *info,
                            char          **field,
                            GError        **error)
{
  JsonObject *object;
  JsonNode *rev;
  const char *schema, *kind, *id, *case_id;

  if (!JSON_NODE_HOLDS_OBJECT (body))
    return refuse (field, "body", error);
  object = json_node_get_object (body);

  schema = get_string (object, "schema");
  if (g_strcmp0 (schema, KT_SCHEMA) != 0)
    return refuse (field, "schema", error);
  kind = get_string (object, "kind");
  if (!kt_kind_from_string (kind, &info->kind))
    return refuse (field, "kind", error);
  id = get_string (object, "id");
  if (!kt_uuid_is_valid (id))
    return refuse (field, "id", error);
  rev = json_object_get_member (object, "rev");
  if (rev == NULL || !JSON_NODE_HOLDS_VALUE (rev) || json_node_get_value_type (rev) != G_TYPE_INT64 ||
      json_node_get_int (rev) < 1)
    return refuse (field, "rev", error);

  info->id = g_strdup (id);
  info->rev = json_node_get_int (rev);
  if (info->kind == KT_KIND_CASE)
    {
      info->case_id = g_strdup (id);
      info->coach = g_strdup (get_string (object, "coach"));
    }
  else
    {
      case_id = get_string (object, "case_id");
      if (!kt_uuid_is_valid (case_id))
        return refuse (field, "case_id", error);
      info->case_id = g_strdup (case_id);
    }
  if (info->kind == KT_KIND_PLAN)
    info->review = g_strdup (get_string (object, "review") != NULL ? get_string (object, "review") : "draft");
  return TRUE;
}

static JsonNode *
parse_body (const char *body,
            GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (!json_parser_load_from_data (parser, body, -1, error))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static char *
to_json (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

char *
kt_server_document_assign (const char *body,
                           const char *coach,
                           gint64      rev,
                           gint64      now,
                           GError    **error)
{
  g_autoptr(JsonNode) node = parse_body (body, error);
  JsonObject *object;

  if (node == NULL)
    return NULL;
  object = json_node_get_object (node);
  json_object_set_string_member (object, "coach", coach);
  json_object_set_int_member (object, "rev", rev);
  json_object_set_int_member (object, "updated", now);
  return to_json (node);
}

char *
kt_server_document_review (const char *body,
                           gboolean    approve,
                           const char *reviewer,
                           GPtrArray  *notes,
                           gint64      rev,
                           gint64      now,
                           GError    **error)
{
  g_autoptr(JsonNode) node = parse_body (body, error);
  JsonObject *object;
  JsonArray *comments;

  if (node == NULL)
    return NULL;
  object = json_node_get_object (node);
  json_object_set_string_member (object, "review", approve ? "approved" : "returned");
  json_object_set_string_member (object, "reviewer", reviewer);
  if (!json_object_has_member (object, "comments") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "comments")))
    json_object_set_array_member (object, "comments", json_array_new ());
  comments = json_object_get_array_member (object, "comments");
  for (guint i = 0; i < notes->len; i++)
    {
      KtReviewNote *note = g_ptr_array_index (notes, i);
      JsonObject *comment = json_object_new ();

      if (note->goal_id != NULL)
        json_object_set_string_member (comment, "goal_id", note->goal_id);
      else
        json_object_set_null_member (comment, "goal_id");
      json_object_set_string_member (comment, "author", reviewer);
      json_object_set_string_member (comment, "text", note->text);
      json_object_set_int_member (comment, "at", now);
      json_array_add_object_element (comments, comment);
    }
  json_object_set_int_member (object, "rev", rev);
  json_object_set_int_member (object, "updated", now);
  return to_json (node);
}
