/* server-docs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include "config.h"

#include "server-docs.h"

#include "kt-types.h"

static const char * const case_text_fields[] = {
  "household", "address", "phone", "email",
};

static JsonObject *
header (const char *kind,
        const char *id,
        gint64      rev)
{
  JsonObject *doc = json_object_new ();
  g_autofree char *fresh = id == NULL ? g_uuid_string_random () : NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  json_object_set_string_member (doc, "schema", KT_SCHEMA);
  json_object_set_string_member (doc, "kind", kind);
  json_object_set_string_member (doc, "id", id != NULL ? id : fresh);
  json_object_set_int_member (doc, "rev", rev);
  json_object_set_int_member (doc, "created", now);
  json_object_set_int_member (doc, "updated", now);
  return doc;
}

static char *
finish (JsonObject *doc)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), doc);

  json_object_unref (doc);
  return json_to_string (node, FALSE);
}

char *
kt_test_server_case_json (const char *id,
                          gint64      rev,
                          const char *marker,
                          const char *coach)
{
  JsonObject *doc = header ("case", id, rev);
  g_autofree char *household = g_strdup_printf ("Familie %s", marker);

  json_object_set_string_member (doc, "household", household);
  if (coach != NULL)
    json_object_set_string_member (doc, "coach", coach);
  return finish (doc);
}

char *
kt_test_server_conversation_json (const char *id,
                                  const char *case_id,
                                  gint64      rev,
                                  const char *marker)
{
  JsonObject *doc = header ("conversation", id, rev);

  json_object_set_string_member (doc, "case_id", case_id);
  json_object_set_string_member (doc, "notes", marker);
  return finish (doc);
}

char *
kt_test_server_plan_json (const char *id,
                          const char *case_id,
                          gint64      rev,
                          const char *review,
                          const char *marker)
{
  JsonObject *doc = header ("plan", id, rev);

  json_object_set_string_member (doc, "case_id", case_id);
  json_object_set_string_member (doc, "question", marker);
  json_object_set_string_member (doc, "review", review);
  return finish (doc);
}

char *
kt_test_server_case_nasty_json (const char *text)
{
  JsonObject *doc = header ("case", NULL, 1);

  for (guint i = 0; i < G_N_ELEMENTS (case_text_fields); i++)
    json_object_set_string_member (doc, case_text_fields[i], text);
  return finish (doc);
}

gboolean
kt_test_server_case_holds_everywhere (JsonObject *body,
                                      const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (case_text_fields); i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (body, case_text_fields[i], NULL), text) != 0)
      return FALSE;
  return TRUE;
}

char *
kt_test_server_json_id (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "id"));
}

const char *
kt_test_server_plan_review (JsonObject *body)
{
  return json_object_get_string_member_with_default (body, "review", NULL);
}
