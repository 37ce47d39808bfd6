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
 * exactly one strict JSON value; the builder below only reads what passed. */
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
 * was checked for UTF-8 before; here the escapes, so that the builder never
 * makes bytes that are not UTF-8 out of them (a lone surrogate), nor a NUL
 * that ends a C string early. */
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

/* A number in RFC 8259's grammar; an integer must fit in 64 bits (the
 * builder keeps it as a gint64, and json-glib 1.6 silently wrapped one that
 * did not). */
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

/* The tree is built in a second pass of our own over the text the scan
 * passed, not by json-glib's parser: that one reads the text again a
 * character at a time through GScanner, and for a sealed push (one long
 * base64 string) it was three quarters of the instructions of reading it
 * (bench/README.md, eleventh session).  The text is strict JSON here, so the
 * builder only has to make nodes as json-glib 1.6's parser makes them: an
 * integer (no fraction, no exponent) as gint64, any other number as a
 * double, strings unescaped, members in their order (not sealed: see
 * kt_json_read_full()).  It also refuses what the scan cannot see: a
 * member twice in one object and a number too large for a double.  It
 * recurses once per level, which the scan bounded. */
typedef struct {
  const char *p;
  const char *end;
  GString    *text;   /* the string build_string() made last, reused for every one */
  GError    **error;
} Build;

static void
build_skip_space (Build *b)
{
  while (b->p < b->end && (*b->p == ' ' || *b->p == '\t' || *b->p == '\n' || *b->p == '\r'))
    b->p++;
}

static gunichar
build_u_escape (Build *b)
{
  gunichar value = 0;

  /* b->p is at the 'u'; the scan checked the four digits */
  for (int i = 1; i <= 4; i++)
    value = value * 16 + hex_digit (b->p[i]);
  b->p += 5;
  return value;
}

/* The string at b->p (its opening quote), unescaped into b->text, which the
 * next call overwrites.  json-glib 1.6 copies every string it is given (a
 * member's name and a string node's value alike) and has no call that takes
 * one over, so its copy is the only one: one buffer for the whole read
 * rather than an allocation of ours per string that json-glib copies again. */
static const char *
build_string (Build *b)
{
  GString *text = b->text;
  const char *start = ++b->p;

  while (*b->p != '"' && *b->p != '\\')
    b->p++;
  g_string_truncate (text, 0);
  g_string_append_len (text, start, b->p - start);
  while (*b->p != '"')
    {
      gunichar unit;

      if (*b->p != '\\')
        {
          const char *run = b->p;

          while (*b->p != '"' && *b->p != '\\')
            b->p++;
          g_string_append_len (text, run, b->p - run);
          continue;
        }
      b->p++;
      switch (*b->p)
        {
        case 'b': g_string_append_c (text, '\b'); b->p++; break;
        case 'f': g_string_append_c (text, '\f'); b->p++; break;
        case 'n': g_string_append_c (text, '\n'); b->p++; break;
        case 'r': g_string_append_c (text, '\r'); b->p++; break;
        case 't': g_string_append_c (text, '\t'); b->p++; break;
        case 'u':
          unit = build_u_escape (b);
          if (unit >= 0xD800 && unit <= 0xDBFF)
            {
              gunichar low;

              b->p++; /* the backslash before the low half */
              low = build_u_escape (b);
              unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            }
          g_string_append_unichar (text, unit);
          break;
        default: /* '"', '\\' and '/' stand for themselves */
          g_string_append_c (text, *b->p);
          b->p++;
          break;
        }
    }
  b->p++;
  return text->str;
}

static gboolean
build_number (Build    *b,
              JsonNode *node)
{
  const char *start = b->p;
  gboolean integer = TRUE;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *longer = NULL;
  const char *number = buffer;
  gsize len;

  while (b->p < b->end && strchr ("+-0123456789.eE", *b->p) != NULL && *b->p != '\0')
    {
      if (*b->p == '.' || *b->p == 'e' || *b->p == 'E')
        integer = FALSE;
      b->p++;
    }
  /* A NUL after the number for strtoll and strtod: the text has none. */
  len = b->p - start;
  if (len < sizeof buffer)
    {
      memcpy (buffer, start, len);
      buffer[len] = '\0';
    }
  else
    number = longer = g_strndup (start, len);

  if (integer)
    /* in 64 bits: the scan checked */
    json_node_init_int (node, g_ascii_strtoll (number, NULL, 10));
  else
    {
      double value = g_ascii_strtod (number, NULL);

      /* 1E999 is grammatical, but json-glib 1.6 makes infinity of it,
       * which no encoder writes back as JSON. */
      if (!isfinite (value))
        {
          g_set_error_literal (b->error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_NUMBER,
                               _("The text holds a number out of range."));
          return FALSE;
        }
      json_node_init_double (node, value);
    }
  return TRUE;
}

static gboolean build_value (Build *b, JsonNode *node);

static gboolean
build_object (Build    *b,
              JsonNode *node)
{
  g_autoptr(JsonObject) object = json_object_new ();

  /* The node holds the object from the start, so that what fails below
   * leaves it to be freed with the tree. */
  json_node_init_object (node, object);
  b->p++;
  build_skip_space (b);
  if (*b->p == '}')
    {
      b->p++;
      return TRUE;
    }
  for (;;)
    {
      const char *name = build_string (b);
      JsonNode *member;

      build_skip_space (b);
      b->p++; /* ':' */
      build_skip_space (b);
      if (json_object_has_member (object, name))
        {
          g_set_error_literal (b->error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_DUPLICATE_KEY,
                               _("The text holds an object with the same member twice."));
          return FALSE;
        }
      /* Set before it is built, while the name is still in b->text, which
       * building the value reuses: json-glib keeps a copy of the name, and
       * the node it holds is the one filled in below. */
      member = json_node_alloc ();
      json_object_set_member (object, name, member);
      if (!build_value (b, member))
        return FALSE;
      build_skip_space (b);
      if (*b->p++ == '}')
        return TRUE;
      build_skip_space (b); /* after ',' */
    }
}

static gboolean
build_array (Build    *b,
             JsonNode *node)
{
  g_autoptr(JsonArray) array = json_array_new ();

  json_node_init_array (node, array);
  b->p++;
  build_skip_space (b);
  if (*b->p == ']')
    {
      b->p++;
      return TRUE;
    }
  for (;;)
    {
      JsonNode *element = json_node_alloc ();

      json_array_add_element (array, element);
      if (!build_value (b, element))
        return FALSE;
      build_skip_space (b);
      if (*b->p++ == ']')
        return TRUE;
      build_skip_space (b); /* after ',' */
    }
}

/* Makes @node (new from json_node_alloc(), maybe already in its parent) the
 * value at b->p. */
static gboolean
build_value (Build    *b,
             JsonNode *node)
{
  switch (*b->p)
    {
    case '{':
      return build_object (b, node);
    case '[':
      return build_array (b, node);
    case '"':
      json_node_init_string (node, build_string (b));
      return TRUE;
    case 't':
      b->p += 4;
      json_node_init_boolean (node, TRUE);
      return TRUE;
    case 'f':
      b->p += 5;
      json_node_init_boolean (node, FALSE);
      return TRUE;
    case 'n':
      b->p += 4;
      json_node_init_null (node);
      return TRUE;
    default:
      return build_number (b, node);
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
  g_autofree guint8 *in_object = NULL;
  Scan s = { 0, };
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

  {
    g_autoptr(GString) text = g_string_sized_new (64);
    Build b = { data, data + len, text, error };

    build_skip_space (&b);
    root = json_node_alloc ();
    if (!build_value (&b, root))
      g_clear_pointer (&root, json_node_unref);
  }
  /* Not sealed (json_parser_new_immutable() sealed them): json-glib 1.6
   * seals an object by hashing every member's name and value, every byte
   * of a sealed push's body included, 5 % of the server's instructions.
   * No caller changes what it read. */
  return root;
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
