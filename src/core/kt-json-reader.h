/* kt-json-reader.h: the one reader for JSON that comes from outside
 *
 * Every JSON text the server or the app did not build itself — request and
 * response bodies, stored documents, the catalogue, the offline list of
 * coaches — is read here, never with json-glib's parser directly.  The text
 * is checked in one pass: its size, UTF-8, strict RFC 8259 grammar, the
 * nesting depth, exactly one value with nothing after it, integers that fit
 * 64 bits; then a second pass of our own builds json-glib's nodes from it
 * (an integer as gint64, any other number as a double, as json-glib's parser
 * does), refusing an object that holds a member twice and a number a double
 * cannot hold.  json-glib 1.6's parser, which it replaced, recursed once per
 * level and overflowed the stack on about 200 KB of "[", read "{}{}" as
 * "{}", wrapped 2^64 to 0, read 1E999 as infinity and kept the last of two
 * members; and it read the text a second time a character at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KT_JSON_READER_ERROR (kt_json_reader_error_quark ())
GQuark kt_json_reader_error_quark (void);

/* Why a JSON text was refused. */
typedef enum {
  KT_JSON_READER_ERROR_EMPTY,         /* no value at all: empty or only whitespace */
  KT_JSON_READER_ERROR_TOO_LARGE,     /* more bytes than the caller allows */
  KT_JSON_READER_ERROR_TOO_DEEP,      /* arrays and objects nested deeper than allowed */
  KT_JSON_READER_ERROR_NOT_UTF8,      /* not UTF-8 text, or a NUL byte in it */
  KT_JSON_READER_ERROR_SYNTAX,        /* not strict JSON */
  KT_JSON_READER_ERROR_TRAILING,      /* something after the first value */
  KT_JSON_READER_ERROR_DUPLICATE_KEY, /* an object holds the same member twice */
  KT_JSON_READER_ERROR_NUMBER,        /* an integer outside 64 bits or a number out of range */
} KtJsonReaderError;

/* Parses @len bytes of @data as exactly one JSON value of at most @max_size
 * bytes and @max_depth nested arrays and objects (transfer full; not
 * sealed, but read-only to the caller).  The error's message never quotes
 * the input. */
JsonNode *kt_json_read       (const char *data,
                              gsize       len,
                              gsize       max_size,
                              guint       max_depth,
                              GError    **error);
/* kt_json_read() that also tells where the text went wrong: the byte offset
 * into @data, or G_MAXSIZE when the refusal has no one place (size, UTF-8,
 * a member twice, a number too large for a double). */
JsonNode *kt_json_read_full  (const char *data,
                              gsize       len,
                              gsize       max_size,
                              guint       max_depth,
                              gsize      *error_offset,
                              GError    **error);
/* kt_json_read() for the bytes of @bytes; NULL reads as empty. */
JsonNode *kt_json_read_bytes (GBytes     *bytes,
                              gsize       max_size,
                              guint       max_depth,
                              GError    **error);

/* The string member @name of @object, or NULL when it is absent or not a
 * string (transfer none). */
const char *kt_json_member_string (JsonObject *object,
                                   const char *name);

G_END_DECLS
