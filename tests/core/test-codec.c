/* test-codec.c: JSON round trips of generated documents and the malformed corpus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "kt-core.h"
#include "kt-test-docs.h"
#include "kt-test-util.h"

#define ROUNDS 500

/* A word placed in every value of the malformed corpus that an error must
 * never repeat. */
#define MARKER "GEHEIM"

static void
assert_bytes_equal (GBytes *a,
                    GBytes *b)
{
  gsize len_a, len_b;
  const char *data_a = g_bytes_get_data (a, &len_a);
  const char *data_b = g_bytes_get_data (b, &len_b);

  g_assert_cmpuint (len_a, ==, len_b);
  g_assert_cmpint (memcmp (data_a, data_b, len_a), ==, 0);
}

/* Encode, decode, compare, encode again: the same bytes.  The copy must be
 * equal too. */
#define ROUND_TRIP_TEST(Type, prefix, random) \
  static void \
  test_round_trip_##prefix (void) \
  { \
    g_autoptr(GRand) rand = kt_test_rand_new (); \
 \
    for (guint i = 0; i < ROUNDS; i++) \
      { \
        g_autoptr(Type) original = random (rand); \
        g_autoptr(GBytes) json = kt_##prefix##_encode (original); \
        g_autoptr(GError) error = NULL; \
        g_autoptr(Type) decoded = kt_##prefix##_decode (json, &error); \
        g_autoptr(Type) copy = kt_##prefix##_copy (original); \
        g_autoptr(GBytes) again = NULL; \
 \
        g_assert_no_error (error); \
        g_assert_true (kt_##prefix##_equal (original, decoded)); \
        g_assert_true (kt_##prefix##_equal (original, copy)); \
        again = kt_##prefix##_encode (decoded); \
        assert_bytes_equal (json, again); \
      } \
  }

ROUND_TRIP_TEST (KtCase, case, kt_test_random_case)
ROUND_TRIP_TEST (KtConversation, conversation, kt_test_random_conversation)
ROUND_TRIP_TEST (KtPlan, plan, kt_test_random_plan)

static void
test_document_decode_dispatches_on_kind (void)
{
  g_autoptr(GRand) rand = kt_test_rand_new ();
  g_autoptr(KtCase) kase = kt_test_random_case (rand);
  g_autoptr(KtConversation) conversation = kt_test_random_conversation (rand);
  g_autoptr(KtPlan) plan = kt_test_random_plan (rand);
  GBytes *encoded[] = { kt_case_encode (kase), kt_conversation_encode (conversation),
                        kt_plan_encode (plan) };

  for (guint i = 0; i < G_N_ELEMENTS (encoded); i++)
    {
      KtDocument doc;
      g_autoptr(GError) error = NULL;

      g_assert_true (kt_document_decode (encoded[i], &doc, &error));
      g_assert_no_error (error);
      g_assert_cmpint (doc.kind, ==, i);
      g_assert_true ((doc.kase != NULL) == (i == KT_KIND_CASE));
      g_assert_true ((doc.conversation != NULL) == (i == KT_KIND_CONVERSATION));
      g_assert_true ((doc.plan != NULL) == (i == KT_KIND_PLAN));
      if (doc.kase != NULL)
        g_assert_true (kt_case_equal (doc.kase, kase));
      if (doc.conversation != NULL)
        g_assert_true (kt_conversation_equal (doc.conversation, conversation));
      if (doc.plan != NULL)
        g_assert_true (kt_plan_equal (doc.plan, plan));
      kt_document_clear (&doc);
      g_assert_null (doc.kase);
    }

  /* A typed decoder refuses another kind, naming the field. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KtPlan) wrong = kt_plan_decode (encoded[KT_KIND_CASE], &error);

    g_assert_null (wrong);
    g_assert_error (error, KT_CODEC_ERROR, KT_CODEC_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "kind"));
  }

  for (guint i = 0; i < G_N_ELEMENTS (encoded); i++)
    g_bytes_unref (encoded[i]);
}

static void
test_equal_notices_every_kind_of_change (void)
{
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(KtCase) other = NULL;
  g_autoptr(KtConversation) conversation = kt_conversation_new ();
  g_autoptr(KtConversation) other_conversation = NULL;
  g_autoptr(KtPlan) plan = kt_plan_new ();
  g_autoptr(KtPlan) other_plan = NULL;
  KtStroke *stroke = kt_stroke_new ();
  double point = 0.25;

  other = kt_case_copy (kase);
  g_assert_true (kt_case_equal (kase, other));
  other->household = g_strdup ("");
  g_assert_false (kt_case_equal (kase, other));   /* NULL is not "" */
  g_clear_pointer (&other->household, g_free);
  other->request.own_plan_wanted = TRUE;
  g_assert_false (kt_case_equal (kase, other));

  other_conversation = kt_conversation_copy (conversation);
  other_conversation->wheel[KT_SEGMENT_WERK].target = 3;
  g_assert_false (kt_conversation_equal (conversation, other_conversation));

  g_array_append_val (stroke->points, point);
  g_ptr_array_add (plan->agreement.signature, stroke);
  other_plan = kt_plan_copy (plan);
  g_assert_true (kt_plan_equal (plan, other_plan));
  g_array_index (((KtStroke *) g_ptr_array_index (other_plan->agreement.signature, 0))->points, double, 0) = 0.5;
  g_assert_false (kt_plan_equal (plan, other_plan));
}

/* An old plan's own regisseur survives re-encoding (the server stores
 * what it re-encodes) until the case adopts it; then it is gone from the
 * plan and lives in the case. */
static void
test_old_plan_lead_moves_into_the_case (void)
{
  g_autoptr(KtPlan) plan = kt_plan_new ();
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(KtPlan) decoded = NULL;
  g_autoptr(GError) error = NULL;

  plan->case_id = g_strdup (kase->header.id);
  plan->legacy_case_lead = g_strdup ("person-1");
  json = kt_plan_encode (plan);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (json, NULL), g_bytes_get_size (json), "\"case_lead\""));
  decoded = kt_plan_decode (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded->legacy_case_lead, ==, "person-1");

  kase->lead_id = g_strdup (KT_LEAD_COACH);
  g_assert_true (kt_case_adopt_plan_lead (kase, decoded));
  g_assert_cmpstr (kase->lead_id, ==, "person-1");
  g_assert_null (decoded->legacy_case_lead);
  again = kt_plan_encode (decoded);
  g_assert_null (g_strstr_len (g_bytes_get_data (again, NULL), g_bytes_get_size (again), "\"case_lead\""));
  /* Nothing to adopt a second time. */
  g_assert_false (kt_case_adopt_plan_lead (kase, decoded));
}

/* The malformed corpus: tests/core/malformed/EXPECTED lists each file with
 * the error code and the JSON path the message must name ("-" for none). */

static const char * const code_names[] = {
  "syntax", "schema", "missing", "type", "range", "too_large", "invalid",
};

static void
assert_rejected (GBytes     *json,
                 int         code,
                 const char *json_path,
                 const char *name)
{
  KtDocument doc;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) full_error = NULL;
  g_autofree char *field = NULL;

  if (kt_document_decode (json, &doc, &error))
    g_error ("%s was accepted", name);
  /* the field comes apart from the message too, as data: exactly the
   * path, or nothing when the document as a whole is refused */
  if (kt_document_decode_full (json, &doc, &field, &full_error))
    g_error ("%s was accepted", name);
  g_assert_cmpstr (full_error->message, ==, error->message);
  if (g_strcmp0 (field, json_path) != 0)
    g_error ("%s: field %s, expected %s", name, field, json_path);
  g_assert_null (doc.kase);
  g_assert_null (doc.conversation);
  g_assert_null (doc.plan);
  if (!g_error_matches (error, KT_CODEC_ERROR, code))
    g_error ("%s: expected %s, got %d: %s", name, code_names[code], error->code, error->message);
  if (json_path != NULL)
    {
      g_autofree char *quoted = g_strdup_printf ("“%s”", json_path);

      if (strstr (error->message, quoted) == NULL)
        g_error ("%s: message does not name %s: %s", name, quoted, error->message);
    }
  g_assert_null (strstr (error->message, MARKER));
}

static void
test_malformed_corpus_is_rejected (void)
{
  g_autofree char *dir = kt_test_source_path ("tests/core/malformed");
  g_autofree char *index_path = g_build_filename (dir, "EXPECTED", NULL);
  g_autofree char *index = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint checked = 0;

  g_file_get_contents (index_path, &index, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (index, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autofree char *file = NULL;
      g_autofree char *data = NULL;
      g_autoptr(GBytes) json = NULL;
      gsize size;
      int code = -1;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit_set (lines[i], " \t", 3);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      for (guint c = 0; c < G_N_ELEMENTS (code_names); c++)
        {
          if (g_strcmp0 (fields[1], code_names[c]) == 0)
            code = c;
        }
      g_assert_cmpint (code, >=, 0);

      file = g_build_filename (dir, fields[0], NULL);
      g_file_get_contents (file, &data, &size, &error);
      g_assert_no_error (error);
      json = g_bytes_new_take (g_steal_pointer (&data), size);
      assert_rejected (json, code, g_strcmp0 (fields[2], "-") == 0 ? NULL : fields[2], fields[0]);
      checked++;
    }

  /* Every file in the folder is listed. */
  {
    g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
    const char *name;
    guint files = 0;

    while ((name = g_dir_read_name (folder)) != NULL)
      {
        if (g_str_has_suffix (name, ".json"))
          files++;
      }
    g_assert_cmpuint (files, ==, checked);
  }
  g_assert_cmpuint (checked, >=, 40);
}

/* Documents too big for a corpus file are made here. */

static GBytes *
case_with_household (gsize length)
{
  g_autoptr(KtCase) kase = kt_case_new ();

  kase->household = g_malloc (length + 1);
  memset (kase->household, 'a', length);
  kase->household[length] = '\0';
  return kt_case_encode (kase);
}

static void
test_oversized_input_is_rejected (void)
{
  g_autoptr(GBytes) longest = case_with_household (KT_TEXT_MAX_SIZE);
  g_autoptr(GBytes) too_long = case_with_household (KT_TEXT_MAX_SIZE + 1);
  g_autoptr(GString) huge = g_string_new ("{\"schema\":\"keukentafel/1\",\"notes\":\"");
  g_autoptr(GString) deep = g_string_new ("{\"schema\":\"keukentafel/1\",\"x\":");
  g_autoptr(GBytes) huge_bytes = NULL;
  g_autoptr(GBytes) deep_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCase) kase = kt_case_decode (longest, &error);

  g_assert_no_error (error);
  g_assert_nonnull (kase);
  assert_rejected (too_long, KT_CODEC_ERROR_TOO_LARGE, "household", "too-long household");

  while (huge->len <= KT_DOCUMENT_MAX_SIZE)
    g_string_append (huge, "abcdefghijklmnopqrstuvwxyz");
  g_string_append (huge, "\"}");
  huge_bytes = g_string_free_to_bytes (g_steal_pointer (&huge));
  assert_rejected (huge_bytes, KT_CODEC_ERROR_TOO_LARGE, NULL, "huge document");

  /* Deep nesting would make the parser recurse once per level. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  deep_bytes = g_string_free_to_bytes (g_steal_pointer (&deep));
  assert_rejected (deep_bytes, KT_CODEC_ERROR_TOO_LARGE, NULL, "deep nesting");
}

static void
test_too_many_elements_is_rejected (void)
{
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(KtPlan) plan = kt_plan_new ();
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GBytes) plan_json = NULL;
  KtStroke *stroke = kt_stroke_new ();

  for (guint i = 0; i < KT_MAX_MEMBERS; i++)
    g_ptr_array_add (kase->members, kt_member_new ());
  json = kt_case_encode (kase);
  {
    g_autoptr(KtCase) decoded = kt_case_decode (json, NULL);
    g_assert_nonnull (decoded);
  }
  g_clear_pointer (&json, g_bytes_unref);
  g_ptr_array_add (kase->members, kt_member_new ());
  json = kt_case_encode (kase);
  assert_rejected (json, KT_CODEC_ERROR_TOO_LARGE, "members", "too many members");

  plan->case_id = kt_uuid_new ();
  for (guint i = 0; i < KT_MAX_STROKE_POINTS + 2; i++)
    {
      double v = 0.5;
      g_array_append_val (stroke->points, v);
    }
  g_ptr_array_add (plan->agreement.signature, stroke);
  plan_json = kt_plan_encode (plan);
  assert_rejected (plan_json, KT_CODEC_ERROR_TOO_LARGE, "agreement.signature[0]", "long stroke");
}

/* Every control character, DEL, quote and backslash come back as they
 * went in, and the encoding is JSON: none of them raw in a string (json-glib
 * 1.6's generator, used before, wrote U+001F raw). */
static void
test_every_control_character_round_trips (void)
{
  g_autoptr(GRand) rand = kt_test_rand_new ();
  g_autoptr(KtCase) kase = kt_test_random_case (rand);
  g_autoptr(KtCase) decoded = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GString) text = g_string_new ("a\"b\\c/d\x7f é ");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *data;
  gsize size;

  for (char c = 1; c < 0x20; c++)
    g_string_append_c (text, c);
  g_free (kase->household);
  kase->household = g_strdup (text->str);

  encoded = kt_case_encode (kase);
  data = g_bytes_get_data (encoded, &size);
  for (gsize i = 0; i < size; i++)
    g_assert_true ((guchar) data[i] >= 0x20 && (guchar) data[i] != 0x7f);
  g_assert_true (json_parser_load_from_data (parser, data, size, &error));
  g_assert_no_error (error);

  decoded = kt_case_decode (encoded, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded->household, ==, text->str);
  g_assert_true (kt_case_equal (kase, decoded));
}

/* Numbers are written as printf writes them, the extremes included. */
static void
test_numbers_as_printf_writes_them (void)
{
  static const gint64 values[] = { 0, 1, 9, 10, -1, -10, 1764979200, G_MAXINT64, G_MININT64 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(KtConversation) conversation = kt_conversation_new ();
      g_autoptr(GBytes) encoded = NULL;
      g_autofree char *text = NULL;
      g_autofree char *expected = g_strdup_printf ("\"created\":%" G_GINT64_FORMAT ",", values[i]);

      conversation->header.created = values[i];
      encoded = kt_conversation_encode (conversation);
      text = g_strndup (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded));
      g_assert_nonnull (strstr (text, expected));
    }
}

int
main (int   argc,
      char *argv[])
{
  kt_core_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/codec/round-trip/cases", test_round_trip_case);
  g_test_add_func ("/codec/round-trip/conversations", test_round_trip_conversation);
  g_test_add_func ("/codec/round-trip/plans", test_round_trip_plan);
  g_test_add_func ("/codec/round-trip/every-control-character", test_every_control_character_round_trips);
  g_test_add_func ("/codec/document-decode-dispatches-on-kind", test_document_decode_dispatches_on_kind);
  g_test_add_func ("/codec/numbers-as-printf-writes-them", test_numbers_as_printf_writes_them);
  g_test_add_func ("/codec/equal-notices-every-kind-of-change", test_equal_notices_every_kind_of_change);
  g_test_add_func ("/codec/old-plan-lead-moves-into-the-case", test_old_plan_lead_moves_into_the_case);
  g_test_add_func ("/codec/malformed/corpus-is-rejected", test_malformed_corpus_is_rejected);
  g_test_add_func ("/codec/malformed/oversized-input-is-rejected", test_oversized_input_is_rejected);
  g_test_add_func ("/codec/malformed/too-many-elements-is-rejected", test_too_many_elements_is_rejected);

  return g_test_run ();
}
