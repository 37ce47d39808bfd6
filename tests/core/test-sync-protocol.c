/* test-sync-protocol.c: the wire format, strict and size-limited
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kt-core.h"
#include "kt-crypto.h"
#include "kt-json-reader.h"
#include "kt-sync-protocol.h"

#define ID "2f1c8a52-6a57-4a3e-9d1c-3a4c5e6f7a8b"
#define CASE_ID "9e0b7a1c-1d2e-4f30-8a4b-5c6d7e8f9a0b"

static GBytes *
text (const char *json)
{
  return g_bytes_new (json, strlen (json));
}

static GBytes *
plan_body (gint64 rev)
{
  g_autofree char *json = g_strdup_printf (
    "{\"schema\":\"keukentafel/1\",\"id\":\"" ID "\",\"kind\":\"plan\",\"rev\":%"
    G_GINT64_FORMAT ",\"case_id\":\"" CASE_ID "\",\"updated\":1764064800,"
    "\"question\":\"q\"}", rev);
  return text (json);
}

static KtSyncResponse *
parse (KtSyncEndpoint endpoint, guint status, const char *json, GError **error)
{
  g_autoptr(GBytes) body = json != NULL ? text (json) : NULL;

  return kt_sync_response_parse (endpoint, status, body, error);
}

static void
test_record_round_trips_through_the_envelope (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = plan_body (3);
  g_autoptr(KtSyncRecord) record = kt_sync_record_new_for_body (body, &error);
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(KtSyncRecord) back = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (record->id, ==, ID);
  g_assert_cmpint (record->kind, ==, KT_KIND_PLAN);
  g_assert_cmpint (record->rev, ==, 3);
  g_assert_cmpstr (record->case_id, ==, CASE_ID);
  g_assert_cmpint (record->updated, ==, 1764064800);

  wire = kt_sync_record_encode (record);
  back = kt_sync_record_decode (wire, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, ID);
  g_assert_cmpint (back->rev, ==, 3);
  g_assert_cmpint (back->kind, ==, KT_KIND_PLAN);
  g_assert_null (back->author);
  g_assert_true (g_bytes_equal (back->body, body));
}

static void
test_record_whose_body_disagrees_with_its_envelope_is_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = plan_body (3);
  g_autoptr(KtSyncRecord) record = kt_sync_record_new_for_body (body, &error);
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(KtSyncRecord) back = NULL;

  record->rev = 4;
  wire = kt_sync_record_encode (record);
  back = kt_sync_record_decode (wire, &error);
  g_assert_null (back);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "$.body"));
}

static void
test_changes_page_parses (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = plan_body (2);
  g_autoptr(KtSyncRecord) record = kt_sync_record_new_for_body (body, NULL);
  g_autoptr(GBytes) wire = kt_sync_record_encode (record);
  g_autofree char *json = g_strdup_printf ("{\"records\":[%s],\"cursor\":\"c42\",\"more\":true}",
                                           (const char *) g_bytes_get_data (wire, NULL));
  g_autoptr(KtSyncResponse) response = NULL;

  response = parse (KT_SYNC_ENDPOINT_CHANGES, 200, json, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->records->len, ==, 1);
  g_assert_cmpstr (response->cursor, ==, "c42");
  g_assert_true (response->more);
}

static void
test_changes_with_wrong_types_name_the_path (void)
{
  const struct { const char *json; const char *path; } cases[] = {
    { "{\"records\":{},\"cursor\":\"c\",\"more\":false}", "$.records" },
    { "{\"records\":[],\"cursor\":5,\"more\":false}", "$.cursor" },
    { "{\"records\":[],\"cursor\":\"c\"}", "$.more" },
    { "{\"records\":[],\"cursor\":\"c\",\"more\":1}", "$.more" },
    { "{\"records\":[{\"id\":\"x\"}],\"cursor\":\"c\",\"more\":false}", "$.records[0].id" },
    { "{\"records\":[{\"id\":\"" ID "\",\"kind\":\"plan\",\"rev\":1.5}],\"cursor\":\"c\",\"more\":false}",
      "$.records[0].rev" },
    { "{\"records\":[{\"id\":\"" ID "\",\"kind\":\"plan\",\"rev\":1,\"case_id\":\"" CASE_ID "\",\"updated\":253402300800}],"
      "\"cursor\":\"c\",\"more\":false}", "$.records[0].updated" },
    { "[]", "$" },
    { "{\"records\":[], \"cursor\":\"c\", \"more\":false", "$" },
    /* a second document, a member twice */
    { "{\"records\":[],\"cursor\":\"c\",\"more\":false}{}", "$" },
    { "{\"records\":[],\"cursor\":\"c\",\"more\":false,\"more\":true}", "$" },
    /* found by fuzz-sync-response: a number json-glib 1.6 makes infinity
     * of, which the record's own encoder then could not write back */
    { "{\"records\":[{\"id\":\"" ID "\",\"kind\":\"plan\",\"rev\":1,\"body\":{\"x\":1E764064800}}],"
      "\"cursor\":\"c\",\"more\":false}", "$" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KtSyncResponse) response = parse (KT_SYNC_ENDPOINT_CHANGES, 200,
                                                  cases[i].json, &error);
      g_autofree char *quoted = g_strdup_printf ("“%s”", cases[i].path);

      g_assert_null (response);
      g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, quoted));
    }
}

static void
test_garbage_and_oversized_answers_fail_cleanly (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new ("");
  g_autoptr(KtSyncResponse) response = NULL;
  g_autofree char *huge = g_malloc (KT_SYNC_SMALL_RESPONSE_MAX_SIZE + 2);
  g_autoptr(GBytes) huge_bytes = NULL;
  const char bad_utf8[] = "{\"status\":\"\xff\"}";

  response = parse (KT_SYNC_ENDPOINT_HEALTH, 200, "<html>proxy error</html>", &error);
  g_assert_null (response);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  response = parse (KT_SYNC_ENDPOINT_HEALTH, 200, "", &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  response = parse (KT_SYNC_ENDPOINT_HEALTH, 200, bad_utf8, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  response = parse (KT_SYNC_ENDPOINT_CHANGES, 200, deep->str, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  memset (huge, ' ', KT_SYNC_SMALL_RESPONSE_MAX_SIZE + 1);
  huge[0] = '{';
  huge[KT_SYNC_SMALL_RESPONSE_MAX_SIZE] = '}';
  huge_bytes = g_bytes_new (huge, KT_SYNC_SMALL_RESPONSE_MAX_SIZE + 1);
  response = kt_sync_response_parse (KT_SYNC_ENDPOINT_LOGIN, 200, huge_bytes, &error);
  g_assert_null (response);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_TOO_LARGE);
}

static void
test_login_answer_parses_and_rejects_empty_token (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncResponse) response = NULL;

  response = parse (KT_SYNC_ENDPOINT_LOGIN, 200,
                    "{\"token\":\"abc\",\"expires\":1764064800,\"user\":{\"username\":\"coach1\","
                    "\"role\":\"wijkcoach\",\"team\":\"noord\",\"display_name\":\"Coach Een\"}}",
                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (response->token, ==, "abc");
  g_assert_cmpstr (response->user->username, ==, "coach1");
  g_assert_cmpstr (response->user->role, ==, "wijkcoach");
  g_clear_pointer (&response, kt_sync_response_free);

  response = parse (KT_SYNC_ENDPOINT_LOGIN, 200,
                    "{\"token\":\"\",\"user\":{\"username\":\"u\",\"role\":\"r\"}}", &error);
  g_assert_null (response);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
}

static void
test_error_statuses_map_to_their_class (void)
{
  const struct { KtSyncEndpoint endpoint; guint status; int code; } cases[] = {
    { KT_SYNC_ENDPOINT_LOGIN, 401, KT_SYNC_ERROR_UNAUTHORIZED },
    { KT_SYNC_ENDPOINT_CHANGES, 401, KT_SYNC_ERROR_UNAUTHORIZED },
    { KT_SYNC_ENDPOINT_CHANGES, 403, KT_SYNC_ERROR_FORBIDDEN },
    { KT_SYNC_ENDPOINT_GET_RECORD, 404, KT_SYNC_ERROR_NOT_FOUND },
    { KT_SYNC_ENDPOINT_PUT_RECORD, 413, KT_SYNC_ERROR_RECORD_TOO_LARGE },
    { KT_SYNC_ENDPOINT_PUT_RECORD, 400, KT_SYNC_ERROR_GARBLED_REQUEST },
    { KT_SYNC_ENDPOINT_LOGIN, 429, KT_SYNC_ERROR_RATE_LIMITED },
    { KT_SYNC_ENDPOINT_CHANGES, 500, KT_SYNC_ERROR_SERVER },
    { KT_SYNC_ENDPOINT_CHANGES, 502, KT_SYNC_ERROR_SERVER },
    { KT_SYNC_ENDPOINT_CHANGES, 302, KT_SYNC_ERROR_BAD_RESPONSE },
    { KT_SYNC_ENDPOINT_PUT_RECORD, 409, KT_SYNC_ERROR_BAD_RESPONSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KtSyncResponse) response = parse (cases[i].endpoint, cases[i].status,
                                                  "{\"error\":{\"code\":\"x\",\"message\":\"m\"}}",
                                                  &error);
      g_assert_null (response);
      g_assert_error (error, KT_SYNC_ERROR, cases[i].code);
    }
}

static void
test_bad_request_names_the_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = kt_sync_error_encode ("bad_request", "Ongeldig.", "goals[1].title");
  g_autoptr(KtSyncResponse) response = kt_sync_response_parse (KT_SYNC_ENDPOINT_PUT_RECORD, 400,
                                                               body, &error);

  g_assert_null (response);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "goals[1].title"));
}

/* The server writes its error bodies and records with the same writers
 * (kt_sync_error_append_json, kt_sync_envelope_append_json) that this
 * parser is the reader of: what one writes, the other reads as meant. */
static void
test_the_error_body_the_server_writes_reads_as_meant (void)
{
  static const struct {
    guint status;
    int   code;
  } cases[] = {
    { 400, KT_SYNC_ERROR_GARBLED_REQUEST },   /* no field named */
    { 401, KT_SYNC_ERROR_UNAUTHORIZED },
    { 403, KT_SYNC_ERROR_FORBIDDEN },
    { 404, KT_SYNC_ERROR_NOT_FOUND },
    { 413, KT_SYNC_ERROR_RECORD_TOO_LARGE },
    { 429, KT_SYNC_ERROR_RATE_LIMITED },
    { 500, KT_SYNC_ERROR_SERVER },
  };
  g_autoptr(GBytes) plan = plan_body (3);
  g_autoptr(KtSyncRecord) record = kt_sync_record_new_for_body (plan, NULL);
  g_autoptr(GBytes) wire = kt_sync_record_encode (record);
  g_autofree char *copy = g_strndup (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  g_autoptr(GString) locked = g_string_new (NULL);
  g_autoptr(GString) conflict = g_string_new (NULL);
  g_autoptr(GBytes) locked_body = NULL;
  g_autoptr(GBytes) conflict_body = NULL;
  g_autoptr(KtSyncResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = kt_sync_error_encode (kt_sync_error_code_for_status (cases[i].status),
                                                     "Een \"bericht\"\n", NULL);
      g_autoptr(KtSyncResponse) failed = kt_sync_response_parse (KT_SYNC_ENDPOINT_GET_RECORD,
                                                                 cases[i].status, body, &error);

      g_assert_null (failed);
      g_assert_error (error, KT_SYNC_ERROR, cases[i].code);
      g_clear_error (&error);
    }

  /* A 409 with the server's copy is a conflict to merge ... */
  kt_sync_error_append_json (conflict, KT_SYNC_CODE_CONFLICT, "Nieuwer.", NULL, copy);
  conflict_body = g_string_free_to_bytes (g_steal_pointer (&conflict));
  response = kt_sync_response_parse (KT_SYNC_ENDPOINT_PUT_RECORD, 409, conflict_body, &error);
  g_assert_no_error (error);
  g_assert_true (response->conflict);
  g_assert_cmpstr (response->record->id, ==, record->id);
  g_assert_true (g_bytes_equal (response->record->body, record->body));

  /* ... unless its code says the plan is locked. */
  kt_sync_error_append_json (locked, KT_SYNC_CODE_PLAN_LOCKED, "Vast.", NULL, copy);
  locked_body = g_string_free_to_bytes (g_steal_pointer (&locked));
  g_clear_pointer (&response, kt_sync_response_free);
  response = kt_sync_response_parse (KT_SYNC_ENDPOINT_PUT_RECORD, 409, locked_body, &error);
  g_assert_null (response);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_PLAN_LOCKED);
}

static void
test_put_answers_created_replayed_and_conflict (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = plan_body (5);
  g_autoptr(KtSyncRecord) record = kt_sync_record_new_for_body (body, NULL);
  g_autoptr(GBytes) wire = kt_sync_record_encode (record);
  const char *record_json = g_bytes_get_data (wire, NULL);
  g_autofree char *replayed = g_strdup_printf ("{\"record\":%s,\"replayed\":true}", record_json);
  g_autofree char *conflict = g_strdup_printf (
    "{\"error\":{\"code\":\"conflict\",\"message\":\"m\"},\"server\":%s}", record_json);
  g_autoptr(KtSyncResponse) created = parse (KT_SYNC_ENDPOINT_PUT_RECORD, 201, record_json, &error);
  g_autoptr(KtSyncResponse) again = NULL;
  g_autoptr(KtSyncResponse) stale = NULL;

  g_assert_no_error (error);
  g_assert_false (created->replayed);
  g_assert_false (created->conflict);
  g_assert_cmpint (created->record->rev, ==, 5);

  again = parse (KT_SYNC_ENDPOINT_PUT_RECORD, 200, replayed, &error);
  g_assert_no_error (error);
  g_assert_true (again->replayed);

  stale = parse (KT_SYNC_ENDPOINT_PUT_RECORD, 409, conflict, &error);
  g_assert_no_error (error);
  g_assert_true (stale->conflict);
  g_assert_cmpint (stale->record->rev, ==, 5);
  g_assert_true (g_bytes_equal (stale->record->body, body));
}

static void
test_put_on_a_locked_plan_is_a_refusal_not_a_conflict (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = plan_body (5);
  g_autoptr(KtSyncRecord) record = kt_sync_record_new_for_body (body, NULL);
  g_autoptr(GBytes) wire = kt_sync_record_encode (record);
  g_autofree char *locked = g_strdup_printf (
    "{\"error\":{\"code\":\"plan_locked\",\"message\":\"m\"},\"server\":%s}",
    (const char *) g_bytes_get_data (wire, NULL));
  g_autoptr(KtSyncResponse) response = parse (KT_SYNC_ENDPOINT_PUT_RECORD, 409, locked, &error);

  /* Merging would only be refused again: the app keeps the record queued
   * and says why (a new version is the way to change the plan). */
  g_assert_null (response);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_PLAN_LOCKED);
  g_assert_nonnull (strstr (error->message, "new version"));
}

/* A sealed plan record with @n_keys made-up keys (transfer full). */
static KtSyncRecord *
sealed_record (guint n_keys)
{
  static const char opaque[] = "\x01 opaque, never parsed {\"";
  KtSyncRecord *record = kt_sync_record_new ();
  guint8 key[KT_SEALED_KEY_SIZE];

  record->id = g_strdup (ID);
  record->kind = KT_KIND_PLAN;
  record->rev = 4;
  record->case_id = g_strdup (CASE_ID);
  record->updated = 1764064800;
  record->review = g_strdup ("submitted");
  record->sealed = g_bytes_new (opaque, sizeof opaque - 1);
  record->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sealed_key_free);
  for (guint i = 0; i < n_keys; i++)
    {
      g_autofree char *reader = g_strdup_printf ("reader%u", i);
      g_autoptr(GBytes) bytes = NULL;

      memset (key, i, sizeof key);
      bytes = g_bytes_new (key, sizeof key);
      g_ptr_array_add (record->keys, kt_sealed_key_new (reader, "anna", bytes));
    }
  return record;
}

static void
test_sealed_record_round_trips (void)
{
  g_autoptr(KtSyncRecord) record = sealed_record (3);
  g_autoptr(GBytes) wire = kt_sync_record_encode (record);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncRecord) back = kt_sync_record_decode (wire, &error);
  g_autoptr(GBytes) again = NULL;
  const KtSealedKey *key;

  g_assert_no_error (error);
  g_assert_true (kt_sync_record_is_sealed (back));
  g_assert_null (back->body);
  g_assert_true (g_bytes_equal (back->sealed, record->sealed));
  g_assert_cmpstr (back->review, ==, "submitted");
  g_assert_null (back->coach);
  g_assert_cmpuint (back->keys->len, ==, 3);
  key = kt_sync_record_get_key (back, "reader2");
  g_assert_nonnull (key);
  g_assert_cmpstr (key->sender, ==, "anna");
  g_assert_true (g_bytes_equal (key->key, ((KtSealedKey *) record->keys->pdata[2])->key));
  g_assert_null (kt_sync_record_get_key (back, "someone"));

  /* and it goes out again byte for byte */
  again = kt_sync_record_encode (back);
  g_assert_true (g_bytes_equal (again, wire));
}

static void
test_sealed_record_is_strict (void)
{
  static const struct {
    const char *json;
    const char *field;
  } refused[] = {
    /* both a plaintext body and a sealed one */
    { "\"sealed\":{\"body\":\"AAAA\",\"keys\":[]},\"body\":{}", "sealed" },
    /* not base64 */
    { "\"sealed\":{\"body\":\"AA A\",\"keys\":[]}", "sealed.body" },
    { "\"sealed\":{\"body\":\"\",\"keys\":[]}", "sealed.body" },
    /* a key of the wrong size */
    { "\"sealed\":{\"body\":\"AAAA\",\"keys\":[{\"reader\":\"a\",\"sender\":\"b\","
      "\"key\":\"AAAA\"}]}", "sealed.keys[0].key" },
    /* a reader that is no account name */
    { "\"sealed\":{\"body\":\"AAAA\",\"keys\":[{\"reader\":\"a b\",\"sender\":\"b\","
      "\"key\":\"AAAA\"}]}", "sealed.keys[0].reader" },
    /* a member too many */
    { "\"sealed\":{\"body\":\"AAAA\",\"keys\":[],\"x\":1}", "sealed" },
    /* routing metadata of the wrong shape */
    { "\"coach\":\"<script>\",\"sealed\":{\"body\":\"AAAA\",\"keys\":[]}", "coach" },
    { "\"review\":\"Approved!\",\"sealed\":{\"body\":\"AAAA\",\"keys\":[]}", "review" },
    { "\"due\":-1,\"sealed\":{\"body\":\"AAAA\",\"keys\":[]}", "due" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":\"" ID "\",\"kind\":\"plan\",\"rev\":4,"
                                               "\"case_id\":\"" CASE_ID "\",\"updated\":1,%s}",
                                               refused[i].json);
      g_autoptr(GBytes) bytes = text (json);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = kt_sync_parse_json (bytes, 1 << 20, &error);
      g_autofree char *field = NULL;
      g_autoptr(KtSyncRecord) record = NULL;

      g_assert_no_error (error);
      record = kt_sync_record_from_node_full (node, "$", &field, &error);
      g_assert_null (record);
      g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
      g_assert_cmpstr (field, ==, refused[i].field);

      /* the server's check without decoding refuses it the same way */
      g_clear_error (&error);
      g_clear_pointer (&field, g_free);
      record = kt_sync_record_check_node (node, "$", &field, &error);
      g_assert_null (record);
      g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
      g_assert_cmpstr (field, ==, refused[i].field);
    }
}

/* The server's check of a sealed body counts its size without decoding
 * it: it must take and refuse exactly what the decoding reader does, at
 * the size limit and with '=' where base64 does not put it. */
static void
test_sealed_body_check_agrees_with_decoding (void)
{
  /* the document's limit plus the version, nonce and tag of a seal */
  const gsize max = KT_DOCUMENT_MAX_SIZE + 1 + 24 + 16;
  const gsize sizes[] = { 1, 2, 3, max - 2, max - 1, max, max + 1, max + 2 };
  const char * const odd[] = { "AA==", "AAA=", "A===", "====", "AA=A", "=AAA", "AAAA====", "AA==AAAA" };
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree guint8 *bytes = g_malloc0 (sizes[i]);

      g_ptr_array_add (bodies, g_base64_encode (bytes, sizes[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    g_ptr_array_add (bodies, g_strdup (odd[i]));

  for (guint i = 0; i < bodies->len; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":\"" ID "\",\"kind\":\"plan\",\"rev\":4,"
                                               "\"case_id\":\"" CASE_ID "\",\"updated\":1,"
                                               "\"sealed\":{\"body\":\"%s\",\"keys\":[]}}",
                                               (const char *) g_ptr_array_index (bodies, i));
      g_autoptr(GBytes) bytes = text (json);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = kt_sync_parse_json (bytes, 4 << 20, &error);
      g_autoptr(KtSyncRecord) decoded = NULL;
      g_autoptr(KtSyncRecord) checked = NULL;
      g_autoptr(GError) decode_error = NULL;
      g_autoptr(GError) check_error = NULL;

      g_assert_no_error (error);
      decoded = kt_sync_record_from_node_full (node, "$", NULL, &decode_error);
      checked = kt_sync_record_check_node (node, "$", NULL, &check_error);
      g_assert_cmpint (decoded != NULL, ==, checked != NULL);
      /* up to the limit taken, past it refused; the odd ones as decoding says */
      if (i < G_N_ELEMENTS (sizes))
        g_assert_cmpint (decoded != NULL, ==, sizes[i] <= max);
      if (checked != NULL)
        {
          g_assert_nonnull (decoded->sealed);
          g_assert_null (checked->sealed);
          g_assert_cmpuint (checked->keys->len, ==, 0);
          g_assert_cmpstr (checked->id, ==, ID);
        }
      else
        {
          g_assert_error (decode_error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
          g_assert_error (check_error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
        }
    }
}

static void
test_sealed_record_has_at_most_its_readers (void)
{
  g_autoptr(KtSyncRecord) record = sealed_record (KT_SYNC_MAX_READERS + 1);
  g_autoptr(KtSyncRecord) two = sealed_record (2);
  g_autoptr(GBytes) wire = kt_sync_record_encode (record);
  g_autoptr(GBytes) twice = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncRecord) back = kt_sync_record_decode (wire, &error);

  g_assert_null (back);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  /* one reader twice */
  g_free (((KtSealedKey *) two->keys->pdata[1])->reader);
  ((KtSealedKey *) two->keys->pdata[1])->reader = g_strdup ("reader0");
  twice = kt_sync_record_encode (two);
  g_assert_null (kt_sync_record_decode (twice, &error));
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
}


/* json-glib 1.6 writes U+001F raw, which JSON forbids: what the project
 * writes through it has it escaped, and reads back as the same text. */
static void
test_json_text_escapes_every_control_character (void)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) back = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  json_array_add_string_element (array, "a\x1f" "b\x01" "c\x1f");
  json_node_set_array (node, array);
  text = kt_json_to_data (node, FALSE, &len);
  g_assert_cmpstr (text, ==, "[\"a\\u001fb\\u0001c\\u001f\"]");
  g_assert_cmpuint (len, ==, strlen (text));
  back = kt_json_read (text, len, 1024, 4, NULL);
  g_assert_nonnull (back);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (back), 0), ==, "a\x1f" "b\x01" "c\x1f");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/sync-protocol/record/round-trips-through-the-envelope",
                   test_record_round_trips_through_the_envelope);
  g_test_add_func ("/sync-protocol/record/body-disagreeing-with-envelope-is-refused",
                   test_record_whose_body_disagrees_with_its_envelope_is_refused);
  g_test_add_func ("/sync-protocol/record/sealed/round-trips", test_sealed_record_round_trips);
  g_test_add_func ("/sync-protocol/record/sealed/is-strict", test_sealed_record_is_strict);
  g_test_add_func ("/sync-protocol/record/sealed/body-check-agrees-with-decoding",
                   test_sealed_body_check_agrees_with_decoding);
  g_test_add_func ("/sync-protocol/record/sealed/has-at-most-its-readers",
                   test_sealed_record_has_at_most_its_readers);
  g_test_add_func ("/sync-protocol/changes/page-parses", test_changes_page_parses);
  g_test_add_func ("/sync-protocol/changes/wrong-types-name-the-path",
                   test_changes_with_wrong_types_name_the_path);
  g_test_add_func ("/sync-protocol/json-text-escapes-every-control-character",
                   test_json_text_escapes_every_control_character);
  g_test_add_func ("/sync-protocol/garbage-and-oversized-answers-fail-cleanly",
                   test_garbage_and_oversized_answers_fail_cleanly);
  g_test_add_func ("/sync-protocol/login/parses-and-rejects-empty-token",
                   test_login_answer_parses_and_rejects_empty_token);
  g_test_add_func ("/sync-protocol/errors/statuses-map-to-their-class",
                   test_error_statuses_map_to_their_class);
  g_test_add_func ("/sync-protocol/errors/the-error-body-the-server-writes-reads-as-meant",
                   test_the_error_body_the_server_writes_reads_as_meant);
  g_test_add_func ("/sync-protocol/errors/bad-request-names-the-field",
                   test_bad_request_names_the_field);
  g_test_add_func ("/sync-protocol/put/created-replayed-and-conflict",
                   test_put_answers_created_replayed_and_conflict);
  g_test_add_func ("/sync-protocol/put/locked-plan-is-a-refusal-not-a-conflict",
                   test_put_on_a_locked_plan_is_a_refusal_not_a_conflict);

  return g_test_run ();
}
