/* test-json-reader.c: the one reader for JSON from outside, and what it refuses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kt-core.h"

#define MAX_SIZE (1024 * 1024)
#define MAX_DEPTH 32

/* A word in every refused text that an error message must never repeat. */
#define MARKER "GEHEIM"

static JsonNode *
read_text (const char *text,
           GError    **error)
{
  return kt_json_read (text, strlen (text), MAX_SIZE, MAX_DEPTH, error);
}

static void
assert_refused (const char *text,
                gsize       len,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kt_json_read (text, len, MAX_SIZE, MAX_DEPTH, &error);

  if (node != NULL || !g_error_matches (error, KT_JSON_READER_ERROR, code))
    g_error ("%.60s: expected code %d, got %s", text, code,
             error != NULL ? error->message : "a value");
  g_assert_null (strstr (error->message, MARKER));
}

static void
assert_text_refused (const char *text,
                     int         code)
{
  assert_refused (text, strlen (text), code);
}

static void
assert_read_as (const char *text,
                const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = read_text (text, &error);
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (node);
  out = json_to_string (node, FALSE);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_reads_strict_json (void)
{
  assert_read_as ("{\"a\": [1, -2.5e3, true, false, null, \"x\"]}",
                  "{\"a\":[1,-2500.0,true,false,null,\"x\"]}");
  assert_read_as (" \t\r\n[]\n", "[]");
  assert_read_as ("\"text\"", "\"text\"");
  assert_read_as ("-0", "0");
  assert_read_as ("[9223372036854775807,-9223372036854775808]",
                  "[9223372036854775807,-9223372036854775808]");
  assert_read_as ("[1e-400]", "[0.0]");
  /* U+001F as json-glib 1.6 writes it: unescaped */
  assert_read_as ("[\"\x1f\"]", "[\"\x1f\"]");
  /* "\/" and a surrogate pair, read as the character it stands for */
  assert_read_as ("[\"\\/\\ud83d\\ude00\\u00e9\"]", "[\"/\xf0\x9f\x98\x80\xc3\xa9\"]");
  /* the same key in two different objects is fine */
  assert_read_as ("[{\"a\":1},{\"a\":{\"a\":2}}]", "[{\"a\":1},{\"a\":{\"a\":2}}]");
  /* brackets in strings do not count towards the depth */
  assert_read_as ("[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"]",
                  "[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"]");
}

static void
test_depth_is_checked_before_parsing (void)
{
  g_autofree char *deep = g_strnfill (200 * 1024, '[');
  g_autoptr(GString) at_limit = g_string_new (NULL);
  g_autoptr(GString) over_limit = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  /* json-glib 1.6 alone overflows the stack on these */
  assert_refused (deep, strlen (deep), KT_JSON_READER_ERROR_TOO_DEEP);
  for (guint i = 0; i < 200 * 1024 / 6; i++)
    g_string_append (at_limit, "{\"a\":");
  assert_refused (at_limit->str, at_limit->len, KT_JSON_READER_ERROR_TOO_DEEP);

  g_string_truncate (at_limit, 0);
  for (guint i = 0; i < MAX_DEPTH; i++)
    g_string_append_c (at_limit, '[');
  for (guint i = 0; i < MAX_DEPTH; i++)
    g_string_append_c (at_limit, ']');
  node = read_text (at_limit->str, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  over_limit = g_string_new ("[");
  g_string_append (over_limit, at_limit->str);
  g_string_append_c (over_limit, ']');
  assert_refused (over_limit->str, over_limit->len, KT_JSON_READER_ERROR_TOO_DEEP);
}

static void
test_refuses_empty_and_whitespace_without_a_warning (void)
{
  g_autoptr(GError) error = NULL;

  /* json-glib 1.6 logs a critical on these; g_test_init made criticals fatal */
  assert_refused ("", 0, KT_JSON_READER_ERROR_EMPTY);
  assert_refused (" \n\t\r ", 5, KT_JSON_READER_ERROR_EMPTY);
  g_assert_null (kt_json_read (NULL, 0, MAX_SIZE, MAX_DEPTH, &error));
  g_assert_error (error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_null (kt_json_read_bytes (NULL, MAX_SIZE, MAX_DEPTH, &error));
  g_assert_error (error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_EMPTY);
}

static void
test_refuses_more_than_the_size_limit (void)
{
  const char *text = "[\"" MARKER "\"]";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_null (kt_json_read (text, strlen (text), strlen (text) - 1, MAX_DEPTH, &error));
  g_assert_error (error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_TOO_LARGE);
  g_clear_error (&error);
  node = kt_json_read (text, strlen (text), strlen (text), MAX_DEPTH, &error);
  g_assert_no_error (error);
}

static void
test_refuses_what_is_not_utf8 (void)
{
  assert_refused ("[\"" MARKER "\xff\"]", 11, KT_JSON_READER_ERROR_NOT_UTF8);
  assert_refused ("[\"" MARKER "\xed\xa0\x80\"]", 13, KT_JSON_READER_ERROR_NOT_UTF8);
  assert_refused ("[\"" MARKER "\0\"]", 11, KT_JSON_READER_ERROR_NOT_UTF8);
  /* a NUL would end the C string json-glib makes of it */
  assert_refused ("[\"" MARKER "\\u0000\"]", 16, KT_JSON_READER_ERROR_NOT_UTF8);
}

static void
test_refuses_what_json_glib_allows_but_json_does_not (void)
{
  const char *texts[] = {
    "/* " MARKER " */ {}",           /* comments */
    "{'" MARKER "':1}",              /* single quotes */
    "{" MARKER ":1}",                /* unquoted keys */
    "[0x10]", "[01]", "[.5]", "[1.]", "[1e]", "[-]", "[+1]",
    "[NaN]", "[Infinity]", "[tru]", "[nul]", "[True]",
    "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{,}", "[,]",
    ("[\"" MARKER "\n\"]"),          /* a raw control character in a string */
    ("[\"\\x" MARKER "\"]"),         /* an unknown escape */
    "[\"\\u12\"]",                   /* fewer than four hex digits */
    "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]", "[\"\\ud800x\"]",
    ("[\"" MARKER), "[1", "{\"a\":1", "{\"a\"", "[", "{",  /* cut short */
    "]", "}", ":", ",", "\f[]",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_text_refused (texts[i], KT_JSON_READER_ERROR_SYNTAX);
}

static void
test_refuses_a_second_value (void)
{
  /* json-glib 1.6 reads the first two as their first value */
  assert_text_refused ("{}{\"" MARKER "\":1}", KT_JSON_READER_ERROR_TRAILING);
  assert_text_refused ("[1] [2]", KT_JSON_READER_ERROR_TRAILING);
  assert_text_refused ("{} x", KT_JSON_READER_ERROR_TRAILING);
  assert_text_refused ("{\"a\":1} // " MARKER, KT_JSON_READER_ERROR_TRAILING);
  assert_text_refused ("1 2", KT_JSON_READER_ERROR_TRAILING);
  assert_text_refused ("\"a\"\"b\"", KT_JSON_READER_ERROR_TRAILING);
  assert_text_refused ("{}]", KT_JSON_READER_ERROR_TRAILING);
}

static void
test_refuses_a_member_twice (void)
{
  const char *texts[] = {
    "{\"" MARKER "\":1,\"" MARKER "\":2}",
    "{\"a\":1,\"\\u0061\":1}",                   /* the same key, written differently */
    "[{\"b\":[{\"a\":1,\"c\":2,\"a\":3}]}]",     /* deep down */
    "{\"a\":{},\"b\":{\"x\":1,\"x\":1}}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_text_refused (texts[i], KT_JSON_READER_ERROR_DUPLICATE_KEY);
}

static void
test_refuses_numbers_json_glib_cannot_hold (void)
{
  const char *texts[] = {
    "[9223372036854775808]",            /* json-glib 1.6 wraps these */
    "[-9223372036854775809]",
    "[99999999999999999999]",
    "{\"rev\":18446744073709551617}",
    "{\"x\":1E764064800}",              /* json-glib 1.6 makes infinity of these */
    "[1e400]", "[-1e400]",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_text_refused (texts[i], KT_JSON_READER_ERROR_NUMBER);
}

/* Whether @a (ours) and @b (json-glib's parser's) are the same tree: the
 * same kinds of node, the same value types (an integer stays gint64, any
 * other number a double), the same values, members in the same order. */
static void
assert_same_tree (JsonNode   *a,
                  JsonNode   *b,
                  const char *where)
{
  if (json_node_get_node_type (a) != json_node_get_node_type (b))
    g_error ("%s: node types differ", where);
  switch (json_node_get_node_type (a))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
        g_autoptr(GList) na = json_object_get_members (oa);
        g_autoptr(GList) nb = json_object_get_members (ob);

        g_assert_cmpuint (g_list_length (na), ==, g_list_length (nb));
        for (GList *la = na, *lb = nb; la != NULL; la = la->next, lb = lb->next)
          {
            g_assert_cmpstr (la->data, ==, lb->data);
            assert_same_tree (json_object_get_member (oa, la->data), json_object_get_member (ob, lb->data), where);
          }
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a), *ab = json_node_get_array (b);

        g_assert_cmpuint (json_array_get_length (aa), ==, json_array_get_length (ab));
        for (guint i = 0; i < json_array_get_length (aa); i++)
          assert_same_tree (json_array_get_element (aa, i), json_array_get_element (ab, i), where);
        break;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (a) != json_node_get_value_type (b))
        g_error ("%s: value types differ: %s and %s", where, g_type_name (json_node_get_value_type (a)),
                 g_type_name (json_node_get_value_type (b)));
      if (json_node_get_value_type (a) == G_TYPE_STRING)
        g_assert_cmpstr (json_node_get_string (a), ==, json_node_get_string (b));
      else if (json_node_get_value_type (a) == G_TYPE_INT64)
        g_assert_cmpint (json_node_get_int (a), ==, json_node_get_int (b));
      else if (json_node_get_value_type (a) == G_TYPE_DOUBLE)
        g_assert_cmpfloat (json_node_get_double (a), ==, json_node_get_double (b));
      else
        g_assert_cmpint (json_node_get_boolean (a), ==, json_node_get_boolean (b));
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

static void
assert_builds_as_json_glib (const char *text,
                            gsize       len,
                            const char *where)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ours = kt_json_read (text, len, MAX_SIZE, MAX_DEPTH, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (ours == NULL)
    return; /* refused: the other tests say what is */
  g_assert_true (json_parser_load_from_data (parser, text, len, NULL));
  assert_same_tree (ours, json_parser_get_root (parser), where);
}

/* A random value @depth levels deep at most, strings with every kind of
 * escape and character, numbers in every form. */
static void
append_random_value (GString *out,
                     guint    depth)
{
  static const char * const strings[] = {
    "", "a", "plain words", "\\\"quoted\\\"", "back\\\\slash", "\\/slash", "\\b\\f\\n\\r\\t",
    "\\u00e9t\\u00E9", "\xc3\xa9t\xc3\xa9", "\\ud83d\\ude00", "\xf0\x9f\x98\x80", "\\u001f\x1f", "\\u20AC",
    "mixed \\n and \xe2\x82\xac and \\u0041",
  };
  static const char * const numbers[] = {
    "0", "-0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808", "0.5", "-0.0",
    "1e3", "1E-3", "2.5e+10", "123456789.123456789", "1e308", "4.9e-324", "1.7976931348623157e308",
  };
  guint kind = g_random_int_range (0, depth > 0 ? 8 : 6);

  switch (kind)
    {
    case 0:
      g_string_append_printf (out, "\"%s\"", strings[g_random_int_range (0, G_N_ELEMENTS (strings))]);
      break;
    case 1:
      g_string_append (out, numbers[g_random_int_range (0, G_N_ELEMENTS (numbers))]);
      break;
    case 2:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) g_random_int () * g_random_int_range (-9999, 9999));
      break;
    case 3:
      g_string_append (out, g_random_boolean () ? "true" : "false");
      break;
    case 4:
      g_string_append (out, "null");
      break;
    case 5:
      g_string_append_printf (out, "%.17g", g_random_double_range (-1e6, 1e6));
      break;
    case 6:
      {
        guint n = g_random_int_range (0, 6);

        g_string_append (out, g_random_boolean () ? "{" : " { \n");
        for (guint i = 0; i < n; i++)
          {
            g_string_append_printf (out, "%s\"k%u%s\" : ", i > 0 ? " ,\t" : "", i,
                                    strings[g_random_int_range (0, G_N_ELEMENTS (strings))]);
            append_random_value (out, depth - 1);
          }
        g_string_append (out, g_random_boolean () ? "}" : "\r\n}");
        break;
      }
    default:
      {
        guint n = g_random_int_range (0, 6);

        g_string_append (out, "[");
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append (out, g_random_boolean () ? "," : " , ");
            append_random_value (out, depth - 1);
          }
        g_string_append (out, " ]");
        break;
      }
    }
}

/* The reader builds the tree itself (json-glib's parser read the text a
 * second time, character by character); every tree is the one json-glib
 * builds: the fuzz corpora of every JSON the project reads, and random
 * texts with every escape and form of number. */
static void
test_builds_the_tree_json_glib_builds (void)
{
  const char *corpora[] = { "corpus-document", "corpus-sync-response", "corpus-server-request", "corpus-catalogue" };
  const char *root = g_getenv ("KT_SOURCE_ROOT");
  guint n_files = 0;

  g_assert_nonnull (root);
  for (guint c = 0; c < G_N_ELEMENTS (corpora); c++)
    {
      g_autofree char *dir_path = g_build_filename (root, "tests", "fuzz", corpora[c], NULL);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir_path, name, NULL);
          g_autofree char *text = NULL;
          gsize len;

          g_assert_true (g_file_get_contents (path, &text, &len, NULL));
          assert_builds_as_json_glib (text, len, name);
          n_files++;
        }
    }
  g_assert_cmpuint (n_files, >, 100);

  g_random_set_seed (20261207);
  for (guint i = 0; i < 3000; i++)
    {
      g_autoptr(GString) text = g_string_new (g_random_boolean () ? "" : "  ");

      append_random_value (text, 4);
      assert_builds_as_json_glib (text->str, text->len, text->str);
    }
}

int
main (int argc, char *argv[])
{
  kt_core_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-reader/reads-strict-json", test_reads_strict_json);
  g_test_add_func ("/json-reader/builds-the-tree-json-glib-builds", test_builds_the_tree_json_glib_builds);
  g_test_add_func ("/json-reader/depth-is-checked-before-parsing", test_depth_is_checked_before_parsing);
  g_test_add_func ("/json-reader/refuses-empty-and-whitespace-without-a-warning",
                   test_refuses_empty_and_whitespace_without_a_warning);
  g_test_add_func ("/json-reader/refuses-more-than-the-size-limit", test_refuses_more_than_the_size_limit);
  g_test_add_func ("/json-reader/refuses-what-is-not-utf8", test_refuses_what_is_not_utf8);
  g_test_add_func ("/json-reader/refuses-what-json-glib-allows-but-json-does-not",
                   test_refuses_what_json_glib_allows_but_json_does_not);
  g_test_add_func ("/json-reader/refuses-a-second-value", test_refuses_a_second_value);
  g_test_add_func ("/json-reader/refuses-a-member-twice", test_refuses_a_member_twice);
  g_test_add_func ("/json-reader/refuses-numbers-json-glib-cannot-hold",
                   test_refuses_numbers_json_glib_cannot_hold);

  return g_test_run ();
}
