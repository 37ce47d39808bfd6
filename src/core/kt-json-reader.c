/* kt-json-reader.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-json-reader"

#include "config.h"

#include "kt-json-reader.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

G_DEFINE_QUARK (kt-json-reader-error-quark, kt_json_reader_error)

/* The scan runs over the text once, without recursion, and says whether it is
 * exactly one strict JSON value; json-glib only parses what passed. */
typedef struct {
  const char *start;
  const char *p;
  const char *end;
  guint       depth;
  guint       max_depth;
  guint8     *in_object;  /* per open level: TRUE for an object, FALSE for an array */
  guint64     members;    /* one per ':' outside strings: every member in the text */
  GError    **error;
} Scan;

/* @reason, translated and without a full stop, with the place it happened */
static gboolean
refuse (Scan       *s,
        int         code,
        const char *reason)
{
  g_set_error (s->error, KT_JSON_READER_ERROR, code, _("%s (at byte %lu)."),
               reason, (gulong) (s->p - s->start));
  return FALSE;
}

static gboolean
syntax (Scan *s)
{
  return refuse (s, KT_JSON_READER_ERROR_SYNTAX, _("The text is not valid JSON"));
}

static void
skip_space (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Four hex digits after "\u" at s->p (which points at the 'u'), or -1. */
static int
read_u_escape (Scan *s)
{
  int value = 0;

  if (s->end - s->p < 5 || s->p[0] != 'u')
    return -1;
  for (int i = 1; i <= 4; i++)
    {
      int digit = hex_digit (s->p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  s->p += 5;
  return value;
}

/* A string from its opening quote to past its closing one.  The whole text
 * was checked for UTF-8 before; here the escapes, so that json-glib never
 * makes bytes that are not UTF-8 out of them, nor a NUL that ends a C string
 * early. */
static gboolean
scan_string (Scan *s)
{
  for (s->p++; s->p < s->end; )
    {
      guchar c = (guchar) *s->p;
      int unit;

      if (c == '"')
        {
          s->p++;
          return TRUE;
        }
      /* json-glib 1.6's generator escapes the control characters below
       * U+001F but writes U+001F itself as it is, so every document this
       * project ever wrote may hold one. */
      if (c < 0x1F)
        return syntax (s);
      if (c != '\\')
        {
          s->p++;
          continue;
        }
      if (++s->p >= s->end)
        break;
      if (strchr ("\"\\/bfnrt", *s->p) != NULL && *s->p != '\0')
        {
          s->p++;
          continue;
        }
      unit = read_u_escape (s);
      if (unit < 0)
        return syntax (s);
      if (unit == 0)
        return refuse (s, KT_JSON_READER_ERROR_NOT_UTF8,
                       _("The text holds a NUL character"));
      if (unit >= 0xDC00 && unit <= 0xDFFF)
        return syntax (s);
      if (unit >= 0xD800 && unit <= 0xDBFF)
        {
          /* a high surrogate stands only before a low one */
          if (s->end - s->p < 2 || s->p[0] != '\\')
            return syntax (s);
          s->p++;
          unit = read_u_escape (s);
          if (unit < 0xDC00 || unit > 0xDFFF)
            return syntax (s);
        }
    }
  return syntax (s);
}

static gboolean
scan_digits (Scan *s)
{
  const char *first = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > first;
}

/* A number in RFC 8259's grammar; an integer must fit in 64 bits, since
 * json-glib 1.6 silently wraps one that does not. */
static gboolean
scan_number (Scan *s)
{
  const char *start = s->p;
  gboolean negative = FALSE, integer = TRUE;
  gsize n_digits;

  if (*s->p == '-')
    {
      negative = TRUE;
      s->p++;
    }
  if (s->p < s->end && *s->p == '0')
    s->p++;
  else if (!scan_digits (s))
    return syntax (s);
  n_digits = s->p - start - (negative ? 1 : 0);
  if (s->p < s->end && *s->p == '.')
    {
      integer = FALSE;
      s->p++;
      if (!scan_digits (s))
        return syntax (s);
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      integer = FALSE;
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        return syntax (s);
    }
  if (integer && n_digits >= 19)
    {
      const char *limit = negative ? "9223372036854775808" : "9223372036854775807";

      if (n_digits > 19 || memcmp (start + (negative ? 1 : 0), limit, 19) > 0)
        {
          s->p = start;
          return refuse (s, KT_JSON_READER_ERROR_NUMBER,
                         _("The text holds a number out of range"));
        }
    }
  return TRUE;
}

static gboolean
scan_word (Scan       *s,
           const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (s->end - s->p) < len || memcmp (s->p, word, len) != 0)
    return syntax (s);
  s->p += len;
  return TRUE;
}

static gboolean
open_level (Scan     *s,
            gboolean  object)
{
  if (s->depth >= s->max_depth)
    return refuse (s, KT_JSON_READER_ERROR_TOO_DEEP,
                   _("The text is nested too deeply"));
  s->in_object[s->depth++] = object;
  s->p++;
  skip_space (s);
  return TRUE;
}

/* A scalar value at s->p; the caller has excluded '{' and '['. */
static gboolean
scan_scalar (Scan *s)
{
  switch (*s->p)
    {
    case '"':
      return scan_string (s);
    case 't':
      return scan_word (s, "true");
    case 'f':
      return scan_word (s, "false");
    case 'n':
      return scan_word (s, "null");
    default:
      if (*s->p == '-' || g_ascii_isdigit (*s->p))
        return scan_number (s);
      return syntax (s);
    }
}

typedef enum {
  WANT_VALUE,        /* a value must come */
  WANT_VALUE_OR_END, /* just after '[' */
  WANT_KEY,          /* after ',' in an object */
  WANT_KEY_OR_END,   /* just after '{' */
  AFTER_VALUE,       /* a value ended: ',', a closing bracket or the end */
} State;

static gboolean
scan (Scan *s)
{
  State state = WANT_VALUE;

  skip_space (s);
  if (s->p >= s->end)
    {
      g_set_error_literal (s->error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_EMPTY,
                           _("The text holds no JSON value."));
      return FALSE;
    }

  for (;;)
    {
      if (state != AFTER_VALUE && s->p >= s->end)
        return syntax (s);

      switch (state)
        {
        case WANT_VALUE_OR_END:
          if (*s->p == ']')
            {
              s->depth--;
              s->p++;
              state = AFTER_VALUE;
              break;
            }
          G_GNUC_FALLTHROUGH;
        case WANT_VALUE:
          if (*s->p == '{' || *s->p == '[')
            {
              gboolean object = *s->p == '{';

              if (!open_level (s, object))
                return FALSE;
              state = object ? WANT_KEY_OR_END : WANT_VALUE_OR_END;
              break;
            }
          if (!scan_scalar (s))
            return FALSE;
          state = AFTER_VALUE;
          break;

        case WANT_KEY_OR_END:
          if (*s->p == '}')
            {
              s->depth--;
              s->p++;
              state = AFTER_VALUE;
              break;
            }
          G_GNUC_FALLTHROUGH;
        case WANT_KEY:
          if (*s->p != '"')
            return syntax (s);
          if (!scan_string (s))
            return FALSE;
          skip_space (s);
          if (s->p >= s->end || *s->p != ':')
            return syntax (s);
          s->p++;
          s->members++;
          skip_space (s);
          state = WANT_VALUE;
          break;

        case AFTER_VALUE:
        default:
          skip_space (s);
          if (s->depth == 0)
            {
              if (s->p < s->end)
                return refuse (s, KT_JSON_READER_ERROR_TRAILING,
                               _("The text holds more than one JSON value"));
              return TRUE;
            }
          if (s->p >= s->end)
            return syntax (s);
          if (*s->p == ',')
            {
              s->p++;
              skip_space (s);
              state = s->in_object[s->depth - 1] ? WANT_KEY : WANT_VALUE;
            }
          else if (*s->p == (s->in_object[s->depth - 1] ? '}' : ']'))
            {
              s->depth--;
              s->p++;
            }
          else
            return syntax (s);
          break;
        }
    }
}

/* Counts the members json-glib kept and checks that every number it made is
 * finite.  The depth was bounded by the scan. */
static gboolean
count_members (JsonNode *node,
               guint64  *members)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        JsonNode *child;

        *members += json_object_get_size (json_node_get_object (node));
        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, NULL, &child))
          {
            if (!count_members (child, members))
              return FALSE;
          }
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        for (guint i = 0; i < n; i++)
          {
            if (!count_members (json_array_get_element (array, i), members))
              return FALSE;
          }
        return TRUE;
      }
    case JSON_NODE_VALUE:
      /* 1E999 is grammatical, but json-glib 1.6 makes infinity of it,
       * which no encoder writes back as JSON. */
      return json_node_get_value_type (node) != G_TYPE_DOUBLE ||
             isfinite (json_node_get_double (node));
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

JsonNode *
kt_json_read (const char *data,
              gsize       len,
              gsize       max_size,
              guint       max_depth,
              GError    **error)
{
  return kt_json_read_full (data, len, max_size, max_depth, NULL, error);
}

JsonNode *
kt_json_read_full (const char *data,
                   gsize       len,
                   gsize       max_size,
                   guint       max_depth,
                   gsize      *error_offset,
                   GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree guint8 *in_object = NULL;
  Scan s = { 0, };
  guint64 kept = 0;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data == NULL)
    data = "";
  if (error_offset != NULL)
    *error_offset = G_MAXSIZE;

  if (len > max_size)
    {
      g_set_error (error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_TOO_LARGE,
                   _("The text is larger than %lu bytes."), (gulong) max_size);
      return NULL;
    }
  /* g_utf8_validate_len refuses NUL bytes too. */
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_NOT_UTF8,
                           _("The text is not valid UTF-8."));
      return NULL;
    }
  s = (Scan) { data, data, data + len, 0, max_depth, NULL, 0, error };
  s.in_object = in_object = g_malloc (MAX (max_depth, 1));
  if (!scan (&s))
    {
      if (error_offset != NULL)
        *error_offset = s.p - s.start;
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, NULL) ||
      json_parser_get_root (parser) == NULL)
    {
      /* The scan is stricter than json-glib; should they ever disagree, it
       * is still refused, without json-glib's message, which quotes. */
      g_set_error_literal (error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_SYNTAX,
                           _("The text is not valid JSON."));
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!count_members (root, &kept))
    {
      g_set_error_literal (error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_NUMBER,
                           _("The text holds a number out of range."));
      return NULL;
    }
  if (kept != s.members)
    {
      g_set_error_literal (error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_DUPLICATE_KEY,
                           _("The text holds an object with the same member twice."));
      return NULL;
    }
  return json_parser_steal_root (parser);
}

JsonNode *
kt_json_read_bytes (GBytes  *bytes,
                    gsize    max_size,
                    guint    max_depth,
                    GError **error)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  return kt_json_read (data, len, max_size, max_depth, error);
}

const char *
kt_json_member_string (JsonObject *object,
                       const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}
