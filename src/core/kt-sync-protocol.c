/* kt-sync-protocol.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-sync-protocol"

#include "config.h"

#include <sodium.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "kt-sync-protocol.h"
#include "kt-crypto.h"
#include "kt-json-reader.h"

G_DEFINE_QUARK (kt-sync-error-quark, kt_sync_error)

/* Longest id, name, cursor or token the protocol carries. */
#define SHORT_TEXT_MAX 256
#define TOKEN_MAX 1024

/* The path of the last bad_response () on this thread (error_path ()). */
static GPrivate bad_path = G_PRIVATE_INIT (g_free);

static gboolean
bad_response (GError    **error,
              const char *path)
{
  g_private_replace (&bad_path, g_strdup (path));
  g_set_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE,
               _("The server sent an answer that cannot be read (at “%s”)."),
               path);
  return FALSE;
}

JsonNode *
kt_sync_parse_json (GBytes  *json,
                    gsize    max_size,
                    GError **error)
{
  g_autoptr(GError) read_error = NULL;
  JsonNode *root = kt_json_read_bytes (json, max_size, KT_SYNC_MAX_DEPTH, &read_error);

  if (root != NULL)
    return root;
  if (g_error_matches (read_error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_TOO_LARGE))
    g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_TOO_LARGE,
                         _("The server sent a larger answer than allowed."));
  else
    bad_response (error, "$");
  return NULL;
}

/* Member access with type checks; @path names the object for errors. */

static JsonNode *
member (JsonObject *object,
        const char *path,
        const char *name,
        gboolean    required,
        GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if ((node == NULL || JSON_NODE_HOLDS_NULL (node)) && required)
    {
      g_autofree char *where = g_strdup_printf ("%s.%s", path, name);
      bad_response (error, where);
    }
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

static gboolean
type_error (GError    **error,
            const char *path,
            const char *name)
{
  g_autofree char *where = g_strdup_printf ("%s.%s", path, name);
  return bad_response (error, where);
}

/* A string member: *@out is NULL when absent and not @required. */
static gboolean
get_string (JsonObject *object,
            const char *path,
            const char *name,
            gboolean    required,
            gsize       max_len,
            char      **out,
            GError    **error)
{
  GError *local_error = NULL;
  JsonNode *node = member (object, path, name, required, &local_error);
  const char *value;

  *out = NULL;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return type_error (error, path, name);
  value = json_node_get_string (node);
  if (strlen (value) > max_len)
    return type_error (error, path, name);
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
get_int (JsonObject *object,
         const char *path,
         const char *name,
         gboolean    required,
         gint64      min,
         gint64      max,
         gint64     *out,
         GError    **error)
{
  GError *local_error = NULL;
  JsonNode *node = member (object, path, name, required, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_INT64)
    return type_error (error, path, name);
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    return type_error (error, path, name);
  return TRUE;
}

static gboolean
get_bool (JsonObject *object,
          const char *path,
          const char *name,
          gboolean   *out,
          GError    **error)
{
  JsonNode *node = member (object, path, name, FALSE, NULL);

  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return type_error (error, path, name);
  *out = json_node_get_boolean (node);
  return TRUE;
}

static JsonObject *
get_object (JsonObject *object,
            const char *path,
            const char *name,
            GError    **error)
{
  JsonNode *node = member (object, path, name, TRUE, error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      type_error (error, path, name);
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonObject *
root_object (JsonNode *root,
             GError  **error)
{
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      bad_response (error, "$");
      return NULL;
    }
  return json_node_get_object (root);
}

/* json-glib 1.6 escapes control characters below U+001F but writes U+001F
 * itself raw (its test is "< 0x1f"), which JSON forbids and strict readers
 * (FHIR tools, Python, PostgreSQL's json) refuse.  In json-glib's output
 * that byte can stand only inside a string, so it is escaped here.  The
 * first text is wiped: it may hold a password (kt-api-client.c). */
char *
kt_json_to_data (JsonNode *node,
                 gboolean  pretty,
                 gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize len = 0, raw = 0;
  GString *out;
  char *text;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, pretty);
  text = json_generator_to_data (generator, &len);
  for (const char *p = memchr (text, 0x1f, len); p != NULL; p = memchr (p + 1, 0x1f, len - (p + 1 - text)))
    raw++;
  if (raw > 0)
    {
      /* Sized once, so no copy is left behind by growing. */
      out = g_string_sized_new (len + 5 * raw + 1);
      for (gsize i = 0; i < len; i++)
        {
          if (text[i] == 0x1f)
            g_string_append_len (out, "\\u001f", 6);
          else
            g_string_append_c (out, text[i]);
        }
      sodium_memzero (text, len);
      g_free (text);
      len = out->len;
      text = g_string_free (out, FALSE);
    }
  if (length != NULL)
    *length = len;
  return text;
}

GBytes *
kt_json_to_bytes (JsonNode *node)
{
  gsize len = 0;
  char *text = kt_json_to_data (node, FALSE, &len);

  return g_bytes_new_take (text, len);
}

/* Records */

G_DEFINE_BOXED_TYPE (KtSyncRecord, kt_sync_record, kt_sync_record_copy, kt_sync_record_free)

KtSyncRecord *
kt_sync_record_new (void)
{
  return g_new0 (KtSyncRecord, 1);
}

KtSyncRecord *
kt_sync_record_copy (const KtSyncRecord *self)
{
  KtSyncRecord *copy = kt_sync_record_new ();

  copy->id = g_strdup (self->id);
  copy->kind = self->kind;
  copy->rev = self->rev;
  copy->case_id = g_strdup (self->case_id);
  copy->author = g_strdup (self->author);
  copy->team = g_strdup (self->team);
  copy->updated = self->updated;
  copy->coach = g_strdup (self->coach);
  copy->intaker = g_strdup (self->intaker);
  copy->review = g_strdup (self->review);
  copy->phase = g_strdup (self->phase);
  copy->due = self->due;
  copy->sealed = self->sealed != NULL ? g_bytes_ref (self->sealed) : NULL;
  if (self->keys != NULL)
    copy->keys = g_ptr_array_copy (self->keys, (GCopyFunc) kt_sealed_key_copy, NULL);
  if (copy->keys != NULL)
    g_ptr_array_set_free_func (copy->keys, (GDestroyNotify) kt_sealed_key_free);
  copy->body = self->body != NULL ? g_bytes_ref (self->body) : NULL;
  return copy;
}

void
kt_sync_record_free (KtSyncRecord *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->case_id);
  g_free (self->author);
  g_free (self->team);
  g_free (self->coach);
  g_free (self->intaker);
  g_free (self->review);
  g_free (self->phase);
  g_clear_pointer (&self->sealed, g_bytes_unref);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self);
}

gboolean
kt_sync_record_is_sealed (const KtSyncRecord *self)
{
  return self->sealed != NULL;
}

const KtSealedKey *
kt_sync_record_get_key (const KtSyncRecord *self,
                        const char         *reader)
{
  if (self->keys == NULL)
    return NULL;
  for (guint i = 0; i < self->keys->len; i++)
    {
      const KtSealedKey *key = g_ptr_array_index (self->keys, i);

      if (g_strcmp0 (key->reader, reader) == 0)
        return key;
    }
  return NULL;
}

KtSealedKey *
kt_sealed_key_new (const char *reader,
                   const char *sender,
                   GBytes     *key)
{
  KtSealedKey *self = g_new0 (KtSealedKey, 1);

  self->reader = g_strdup (reader);
  self->sender = g_strdup (sender);
  self->key = g_bytes_ref (key);
  return self;
}

KtSealedKey *
kt_sealed_key_copy (const KtSealedKey *self)
{
  return kt_sealed_key_new (self->reader, self->sender, self->key);
}

void
kt_sealed_key_free (KtSealedKey *self)
{
  if (self == NULL)
    return;
  g_free (self->reader);
  g_free (self->sender);
  g_bytes_unref (self->key);
  g_free (self);
}

/* Reads the header fields both the envelope and the document carry. */
static gboolean
read_header (JsonObject   *object,
             const char   *path,
             KtSyncRecord *record,
             GError      **error)
{
  g_autofree char *kind = NULL;

  if (!get_string (object, path, "id", TRUE, SHORT_TEXT_MAX, &record->id, error))
    return FALSE;
  if (!kt_uuid_is_valid (record->id))
    return type_error (error, path, "id");
  if (!get_string (object, path, "kind", TRUE, SHORT_TEXT_MAX, &kind, error))
    return FALSE;
  if (!kt_kind_from_string (kind, &record->kind))
    return type_error (error, path, "kind");
  if (!get_int (object, path, "rev", TRUE, 1, G_MAXINT64, &record->rev, error))
    return FALSE;
  if (!get_string (object, path, "case_id", record->kind != KT_KIND_CASE,
                   SHORT_TEXT_MAX, &record->case_id, error))
    return FALSE;
  if (record->case_id != NULL && !kt_uuid_is_valid (record->case_id))
    return type_error (error, path, "case_id");
  return get_int (object, path, "updated", FALSE, 0, KT_TIME_MAX, &record->updated, error);
}

KtSyncRecord *
kt_sync_record_new_for_body (GBytes  *body,
                             GError **error)
{
  g_autoptr(KtSyncRecord) record = kt_sync_record_new ();
  g_autoptr(JsonNode) root = kt_sync_parse_json (body, KT_DOCUMENT_MAX_SIZE, error);
  JsonObject *object;

  if (root == NULL || (object = root_object (root, error)) == NULL)
    return NULL;
  if (!read_header (object, "body", record, error))
    return NULL;
  if (record->kind == KT_KIND_CASE && record->case_id == NULL)
    record->case_id = g_strdup (record->id);
  record->body = g_bytes_ref (body);
  return g_steal_pointer (&record);
}

/* An optional account name member (the routing "coach", "intaker"). */
static gboolean
get_name (JsonObject *object,
          const char *path,
          const char *name,
          gboolean    required,
          char      **out,
          GError    **error)
{
  if (!get_string (object, path, name, required, SHORT_TEXT_MAX, out, error))
    return FALSE;
  if (*out != NULL && !kt_account_name_is_valid (*out))
    return type_error (error, path, name);
  return TRUE;
}

/* An optional stable id member (the routing "review", "phase"). */
static gboolean
get_id (JsonObject *object,
        const char *path,
        const char *name,
        char      **out,
        GError    **error)
{
  if (!get_string (object, path, name, FALSE, 32, out, error))
    return FALSE;
  if (*out == NULL)
    return TRUE;
  for (const char *c = *out; *c != '\0'; c++)
    if (!g_ascii_islower (*c) && *c != '_' && *c != '-')
      return type_error (error, path, name);
  if (**out == '\0')
    return type_error (error, path, name);
  return TRUE;
}

static gboolean
read_routing (JsonObject   *object,
              const char   *path,
              KtSyncRecord *record,
              GError      **error)
{
  return get_name (object, path, "coach", FALSE, &record->coach, error) &&
         get_name (object, path, "intaker", FALSE, &record->intaker, error) &&
         get_id (object, path, "review", &record->review, error) &&
         get_id (object, path, "phase", &record->phase, error) &&
         get_int (object, path, "due", FALSE, 0, KT_TIME_MAX, &record->due, error);
}

/* The sealed body is the document's size at most, plus the version, nonce
 * and tag kt_crypto_seal () adds. */
#define SEALED_BODY_MAX (KT_DOCUMENT_MAX_SIZE + 1 + 24 + 16)

/* Whether @text is strict base64 of 1 to @max_size bytes.  The size is
 * counted as g_base64_decode () of GLib 2.74 makes it, without decoding:
 * each group of four characters gives three bytes, less one for a '=' in
 * its third place and one for a '=' in its fourth (a '=' anywhere counts
 * as a character of value 0, as there). */
static gboolean
check_base64 (const char *text,
              gsize       max_size)
{
  gsize text_len = 0, len = 0;

  /* strict: g_base64_decode () skips what it does not know */
  for (const char *c = text; *c != '\0'; c++, text_len++)
    if (!g_ascii_isalnum (*c) && *c != '+' && *c != '/' && *c != '=')
      return FALSE;
  if (text_len % 4 != 0 || text_len == 0)
    return FALSE;
  for (gsize i = 0; i < text_len; i += 4)
    len += 1 + (text[i + 2] != '=') + (text[i + 3] != '=');
  return len <= max_size;
}

static GBytes *
get_base64 (JsonObject *object,
            const char *path,
            const char *name,
            gsize       exact_size,
            gsize       max_size,
            GError    **error)
{
  g_autofree char *text = NULL;
  g_autofree guint8 *data = NULL;
  gsize len = 0;

  if (!get_string (object, path, name, TRUE, (max_size + 2) / 3 * 4, &text, error))
    return NULL;
  if (exact_size > 0)
    {
      GBytes *bytes = kt_crypto_base64_decode_exact (text, exact_size);

      if (bytes == NULL)
        type_error (error, path, name);
      return bytes;
    }
  if (!check_base64 (text, max_size))
    {
      type_error (error, path, name);
      return NULL;
    }
  data = g_base64_decode (text, &len);
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

/* get_base64 () without the decoding, for a server that keeps the text:
 * the same checks, the same refusals. */
static gboolean
check_base64_member (JsonObject *object,
                     const char *path,
                     const char *name,
                     gsize       max_size,
                     GError    **error)
{
  g_autofree char *text = NULL;

  if (!get_string (object, path, name, TRUE, (max_size + 2) / 3 * 4, &text, error))
    return FALSE;
  if (!check_base64 (text, max_size))
    return type_error (error, path, name), FALSE;
  return TRUE;
}

GPtrArray *
kt_sync_sealed_keys_read (JsonNode    *node,
                          const char  *path,
                          char       **field,
                          GError     **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sealed_key_free);
  JsonArray *array;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (json_node_get_array (node)) > KT_SYNC_MAX_READERS)
    {
      bad_response (error, path);
      goto failed;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key_path = g_strdup_printf ("%s[%u]", path, i);
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(KtSealedKey) key = g_new0 (KtSealedKey, 1);
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          json_object_get_size (json_node_get_object (element)) != 3)
        {
          bad_response (error, key_path);
          goto failed;
        }
      entry = json_node_get_object (element);
      if (!get_name (entry, key_path, "reader", TRUE, &key->reader, error) ||
          !get_name (entry, key_path, "sender", TRUE, &key->sender, error))
        goto failed;
      key->key = get_base64 (entry, key_path, "key", KT_SEALED_KEY_SIZE, KT_SEALED_KEY_SIZE, error);
      if (key->key == NULL)
        goto failed;
      /* one key per reader: a second one could only confuse */
      for (guint j = 0; j < keys->len; j++)
        if (g_str_equal (((KtSealedKey *) keys->pdata[j])->reader, key->reader))
          {
            g_autofree char *where = g_strdup_printf ("%s.reader", key_path);

            bad_response (error, where);
            goto failed;
          }
      g_ptr_array_add (keys, g_steal_pointer (&key));
    }
  return g_steal_pointer (&keys);

failed:
  if (field != NULL)
    *field = g_strdup (g_private_get (&bad_path));
  return NULL;
}

static gboolean
read_sealed (JsonObject   *object,
             const char   *path,
             gboolean      decode_body,
             KtSyncRecord *record,
             GError      **error)
{
  g_autofree char *keys_path = g_strdup_printf ("%s.keys", path);

  if (!decode_body)
    {
      if (!check_base64_member (object, path, "body", SEALED_BODY_MAX, error))
        return FALSE;
    }
  else if ((record->sealed = get_base64 (object, path, "body", 0, SEALED_BODY_MAX, error)) == NULL)
    return FALSE;
  record->keys = kt_sync_sealed_keys_read (json_object_get_member (object, "keys"), keys_path,
                                           NULL, error);
  return record->keys != NULL;
}

/* Reads the plaintext document of a record from before sealing; it must be
 * the record the envelope says it is. */
static gboolean
read_plain_body (JsonObject   *object,
                 const char   *path,
                 KtSyncRecord *record,
                 GError      **error)
{
  g_autofree char *body_path = g_strdup_printf ("%s.body", path);
  KtSyncRecord inner = { 0 };
  JsonObject *body;
  gboolean same;

  if ((body = get_object (object, path, "body", error)) == NULL)
    return FALSE;
  if (!read_header (body, body_path, &inner, error))
    {
      g_free (inner.id);
      g_free (inner.case_id);
      return FALSE;
    }
  same = g_str_equal (inner.id, record->id) && inner.kind == record->kind &&
         inner.rev == record->rev;
  g_free (inner.id);
  g_free (inner.case_id);
  if (!same)
    return bad_response (error, body_path);
  record->body = kt_json_to_bytes (json_object_get_member (object, "body"));
  if (g_bytes_get_size (record->body) > KT_DOCUMENT_MAX_SIZE)
    {
      g_set_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_TOO_LARGE,
                   _("The server sent a larger answer than allowed."));
      return FALSE;
    }
  return TRUE;
}

/* The JSON path below @path that the last bad_response () of this thread
 * named, for the server's 400 "field" (transfer full). */
static char *
error_path (const char *path)
{
  const char *at = g_private_get (&bad_path);
  gsize len = strlen (path);

  if (at == NULL || strncmp (at, path, len) != 0)
    return NULL;
  at += len;
  if (*at == '.')
    at++;
  return g_strdup (at);
}

static KtSyncRecord *
record_from_node (JsonNode    *node,
                  const char  *path,
                  gboolean     decode_body,
                  char       **field,
                  GError     **error)
{
  g_autoptr(KtSyncRecord) record = kt_sync_record_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *sealed_path = g_strdup_printf ("%s.sealed", path);
  JsonObject *object;
  JsonNode *sealed;
  gboolean ok;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      bad_response (error, path);
      return NULL;
    }
  object = json_node_get_object (node);
  sealed = json_object_get_member (object, "sealed");
  ok = read_header (object, path, record, &local_error) &&
       get_name (object, path, "author", FALSE, &record->author, &local_error) &&
       get_string (object, path, "team", FALSE, SHORT_TEXT_MAX, &record->team, &local_error) &&
       read_routing (object, path, record, &local_error);
  if (ok && sealed != NULL && json_object_get_member (object, "body") != NULL)
    ok = bad_response (&local_error, sealed_path);
  else if (ok && sealed != NULL)
    ok = JSON_NODE_HOLDS_OBJECT (sealed) && json_object_get_size (json_node_get_object (sealed)) == 2
         ? read_sealed (json_node_get_object (sealed), sealed_path, decode_body, record, &local_error)
         : bad_response (&local_error, sealed_path);
  else if (ok)
    ok = read_plain_body (object, path, record, &local_error);
  if (!ok)
    {
      if (field != NULL)
        *field = error_path (path);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&record);
}

KtSyncRecord *
kt_sync_record_from_node_full (JsonNode    *node,
                               const char  *path,
                               char       **field,
                               GError     **error)
{
  return record_from_node (node, path, TRUE, field, error);
}

KtSyncRecord *
kt_sync_record_check_node (JsonNode    *node,
                           const char  *path,
                           char       **field,
                           GError     **error)
{
  return record_from_node (node, path, FALSE, field, error);
}

KtSyncRecord *
kt_sync_record_from_node (JsonNode    *node,
                          const char  *path,
                          GError     **error)
{
  return kt_sync_record_from_node_full (node, path, NULL, error);
}

KtSyncRecord *
kt_sync_record_decode (GBytes  *json,
                       GError **error)
{
  g_autoptr(JsonNode) root = kt_sync_parse_json (json, KT_SYNC_RECORD_RESPONSE_MAX_SIZE, error);

  if (root == NULL)
    return NULL;
  return kt_sync_record_from_node (root, "$", error);
}

GBytes *
kt_sync_record_encode (const KtSyncRecord *self)
{
  const KtSyncRouting routing = { self->coach, self->intaker, self->review, self->phase, self->due };
  g_autoptr(GString) sealed = NULL;
  gsize body_len = 0;
  const char *body = NULL;
  GString *out;

  if (self->sealed != NULL)
    {
      g_autofree char *base64 = g_base64_encode (g_bytes_get_data (self->sealed, NULL),
                                                 g_bytes_get_size (self->sealed));

      sealed = g_string_sized_new (strlen (base64) + 128);
      kt_sync_sealed_append_json (sealed, base64, self->keys);
    }
  else if (self->body != NULL)
    /* The body is the document's JSON as the codec wrote it (checked when
     * the record was made); it goes out as it is. */
    body = g_bytes_get_data (self->body, &body_len);

  out = g_string_sized_new ((sealed != NULL ? sealed->len : body_len) + 256);
  kt_sync_envelope_append_json (out, self->id, self->kind, self->rev, self->case_id,
                                self->author, self->team, self->updated, &routing,
                                sealed != NULL ? sealed->str : NULL, body, body_len);
  return g_string_free_to_bytes (out);
}

/* Users */

KtSyncUser *
kt_sync_user_copy (const KtSyncUser *self)
{
  KtSyncUser *copy = g_new0 (KtSyncUser, 1);

  copy->username = g_strdup (self->username);
  copy->role = g_strdup (self->role);
  copy->team = g_strdup (self->team);
  copy->display_name = g_strdup (self->display_name);
  return copy;
}

void
kt_sync_user_free (KtSyncUser *self)
{
  if (self == NULL)
    return;
  g_free (self->username);
  g_free (self->role);
  g_free (self->team);
  g_free (self->display_name);
  g_free (self);
}

static KtSyncUser *
user_from_object (JsonObject *object,
                  const char *path,
                  GError    **error)
{
  g_autoptr(KtSyncUser) user = g_new0 (KtSyncUser, 1);

  if (!get_string (object, path, "username", TRUE, SHORT_TEXT_MAX, &user->username, error) ||
      !get_string (object, path, "role", TRUE, SHORT_TEXT_MAX, &user->role, error) ||
      !get_string (object, path, "team", FALSE, SHORT_TEXT_MAX, &user->team, error) ||
      !get_string (object, path, "display_name", FALSE, SHORT_TEXT_MAX, &user->display_name, error))
    return NULL;
  return g_steal_pointer (&user);
}

/* Responses */

void
kt_sync_response_free (KtSyncResponse *self)
{
  if (self == NULL)
    return;
  g_free (self->version);
  g_free (self->token);
  g_clear_pointer (&self->user, kt_sync_user_free);
  g_clear_pointer (&self->records, g_ptr_array_unref);
  g_free (self->cursor);
  g_clear_pointer (&self->record, kt_sync_record_free);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self);
}

gsize
kt_sync_endpoint_max_size (KtSyncEndpoint endpoint)
{
  switch (endpoint)
    {
    case KT_SYNC_ENDPOINT_CHANGES:
    case KT_SYNC_ENDPOINT_COACHES:
    case KT_SYNC_ENDPOINT_CASE_AUDIT:
    case KT_SYNC_ENDPOINT_PENDING_KEYS:
    case KT_SYNC_ENDPOINT_UNSEALED:
    case KT_SYNC_ENDPOINT_TEAM_KEYS:
      return KT_SYNC_CHANGES_RESPONSE_MAX_SIZE;
    case KT_SYNC_ENDPOINT_ADD_KEYS:
    case KT_SYNC_ENDPOINT_ASSIGN:
    case KT_SYNC_ENDPOINT_GET_RECORD:
    case KT_SYNC_ENDPOINT_PUT_RECORD:
    case KT_SYNC_ENDPOINT_REVIEW:
      return KT_SYNC_RECORD_RESPONSE_MAX_SIZE;
    case KT_SYNC_ENDPOINT_HEALTH:
    case KT_SYNC_ENDPOINT_LOGIN:
    case KT_SYNC_ENDPOINT_LOGOUT:
    case KT_SYNC_ENDPOINT_ME:
    case KT_SYNC_ENDPOINT_PUBLISH_KEY:
    case KT_SYNC_ENDPOINT_RECOVERY:
    case KT_N_SYNC_ENDPOINTS:
    default:
      return KT_SYNC_SMALL_RESPONSE_MAX_SIZE;
    }
}

static const struct {
  guint       status;
  const char *code;
} status_codes[] = {
  { 400, KT_SYNC_CODE_BAD_REQUEST },
  { 401, KT_SYNC_CODE_UNAUTHORIZED },
  { 403, KT_SYNC_CODE_FORBIDDEN },
  { 404, KT_SYNC_CODE_NOT_FOUND },
  { 409, KT_SYNC_CODE_CONFLICT },
  { 413, KT_SYNC_CODE_TOO_LARGE },
  { 429, KT_SYNC_CODE_RATE_LIMITED },
  { 500, KT_SYNC_CODE_INTERNAL },
};

const char *
kt_sync_error_code_for_status (guint status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_codes); i++)
    if (status_codes[i].status == status)
      return status_codes[i].code;
  return KT_SYNC_CODE_INTERNAL;
}

/* Which bytes end a run copied as it is: control characters, the quote,
 * the backslash and DEL. */
static const guint8 json_special[256] = {
  [0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
};

/* Whether the 8 bytes of @word hold one that json_special marks: a byte
 * below 0x20 (NUL included), the quote, the backslash or DEL.  The tests
 * are exact for "is there one" (which byte it is, the caller finds out
 * byte by byte), so a word without any is copied as it is. */
static inline gboolean
word_has_special (guint64 word)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  guint64 quote = word ^ (ones * '"');
  guint64 backslash = word ^ (ones * '\\');
  guint64 del = word ^ (ones * 0x7f);

  return ((((word - ones * 0x20) & ~word) |
           ((quote - ones) & ~quote) |
           ((backslash - ones) & ~backslash) |
           ((del - ones) & ~del)) & highs) != 0;
}

/* As json-glib escapes (a document is written with the bytes its generator
 * wrote): the quote, the backslash, control characters and DEL; everything
 * else, UTF-8 included, as it is.  One difference: json-glib 1.6 writes
 * U+001F unescaped, which is not JSON; here it is \u001f.  The texts of a
 * conversation are most of what a document is, and almost all of their
 * bytes need no escape: they are looked at eight at a time (after strlen,
 * so that no word is read past the string's end), and only a word that
 * holds a special byte one by one. */
void
kt_json_append_string (GString    *out,
                       const char *str)
{
  const guchar *run, *p, *end;

  if (str == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  run = p = (const guchar *) str;
  end = p + strlen (str);
  while (p < end)
    {
      guchar c;

      if (end - p >= 8)
        {
          guint64 word;

          memcpy (&word, p, sizeof word);
          if (!word_has_special (word))
            {
              p += 8;
              continue;
            }
        }
      for (const guchar *stop = MIN (p + 8, end); p < stop && !json_special[*p]; p++)
        ;
      if (p == end || !json_special[*p])
        continue;
      c = *p;
      g_string_append_len (out, (const char *) run, p - run);
      run = ++p;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:   g_string_append_printf (out, "\\u%04x", c); break;
        }
    }
  g_string_append_len (out, (const char *) run, end - run);
  g_string_append_c (out, '"');
}

void
kt_sync_error_append_json (GString    *out,
                           const char *code,
                           const char *message,
                           const char *field,
                           const char *server)
{
  g_string_append (out, "{\"error\":{\"code\":");
  kt_json_append_string (out, code);
  g_string_append (out, ",\"message\":");
  kt_json_append_string (out, message != NULL ? message : "");
  if (field != NULL)
    {
      g_string_append (out, ",\"field\":");
      kt_json_append_string (out, field);
    }
  g_string_append_c (out, '}');
  if (server != NULL)
    {
      g_string_append (out, ",\"server\":");
      g_string_append (out, server);
    }
  g_string_append_c (out, '}');
}

GBytes *
kt_sync_error_encode (const char *code,
                      const char *message,
                      const char *field)
{
  GString *out = g_string_new (NULL);

  kt_sync_error_append_json (out, code, message, field, NULL);
  return g_string_free_to_bytes (out);
}

static void
append_member (GString    *out,
               const char *name,
               const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf (out, ",\"%s\":", name);
  kt_json_append_string (out, value);
}

void
kt_sync_sealed_append_json (GString    *out,
                            const char *body_base64,
                            GPtrArray  *keys)
{
  /* base64 needs no escaping: appended as it is, a 30 KB body costs no
   * per-character work */
  g_string_append (out, "{\"body\":\"");
  g_string_append (out, body_base64);
  g_string_append_c (out, '"');
  g_string_append (out, ",\"keys\":[");
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    {
      const KtSealedKey *key = g_ptr_array_index (keys, i);
      g_autofree char *base64 = g_base64_encode (g_bytes_get_data (key->key, NULL),
                                                 g_bytes_get_size (key->key));

      g_string_append (out, i > 0 ? ",{\"reader\":" : "{\"reader\":");
      kt_json_append_string (out, key->reader);
      g_string_append (out, ",\"sender\":");
      kt_json_append_string (out, key->sender);
      g_string_append (out, ",\"key\":");
      kt_json_append_string (out, base64);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
}

void
kt_sync_envelope_append_json (GString             *out,
                              const char          *id,
                              KtKind               kind,
                              gint64               rev,
                              const char          *case_id,
                              const char          *author,
                              const char          *team,
                              gint64               updated,
                              const KtSyncRouting *routing,
                              const char          *sealed,
                              const char          *body,
                              gsize                body_len)
{
  g_string_append (out, "{\"id\":");
  kt_json_append_string (out, id);
  g_string_append (out, ",\"kind\":");
  kt_json_append_string (out, kt_kind_to_string (kind));
  g_string_append_printf (out, ",\"rev\":%" G_GINT64_FORMAT ",\"case_id\":", rev);
  kt_json_append_string (out, case_id);
  g_string_append (out, ",\"author\":");
  kt_json_append_string (out, author);
  g_string_append (out, ",\"team\":");
  kt_json_append_string (out, team);
  g_string_append_printf (out, ",\"updated\":%" G_GINT64_FORMAT, updated);
  if (routing != NULL)
    {
      append_member (out, "coach", routing->coach);
      append_member (out, "intaker", routing->intaker);
      append_member (out, "review", routing->review);
      append_member (out, "phase", routing->phase);
      if (routing->due > 0)
        g_string_append_printf (out, ",\"due\":%" G_GINT64_FORMAT, routing->due);
    }
  if (sealed != NULL)
    {
      g_string_append (out, ",\"sealed\":");
      g_string_append (out, sealed);
    }
  else
    {
      g_string_append (out, ",\"body\":");
      if (body != NULL)
        g_string_append_len (out, body, body_len);
      else
        g_string_append (out, "null");
    }
  g_string_append_c (out, '}');
}

/* The member @name ("field", "code") of the error a response body holds,
 * when it has the contract's error shape and is at most @max_size. */
static char *
error_member (GBytes     *body,
              gsize       max_size,
              const char *name)
{
  g_autoptr(JsonNode) root = kt_sync_parse_json (body, max_size, NULL);
  JsonObject *error_object;
  char *value = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  error_object = get_object (json_node_get_object (root), "$", "error", NULL);
  if (error_object == NULL)
    return NULL;
  if (!get_string (error_object, "$.error", name, FALSE, SHORT_TEXT_MAX, &value, NULL))
    return NULL;
  return value;
}

/* The field a 400 names, when the body has the contract's error shape. */
static char *
error_field (GBytes *body)
{
  return error_member (body, KT_SYNC_SMALL_RESPONSE_MAX_SIZE, "field");
}

static void
set_status_error (KtSyncEndpoint endpoint,
                  guint          status,
                  GBytes        *body,
                  GError       **error)
{
  switch (status)
    {
    case 400:
      {
        g_autofree char *field = error_field (body);

        /* The intaker reads why an assignment was refused over their
         * view: the field's name alone says nothing to them. */
        if (endpoint == KT_SYNC_ENDPOINT_ASSIGN && g_strcmp0 (field, "coach") == 0)
          g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_REQUEST,
                               _("The server knows no active coach of your team by that name."));
        else if (field != NULL)
          g_set_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_REQUEST,
                       _("The server refused the record: “%s” is not valid."), field);
        else
          g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_GARBLED_REQUEST,
                               _("The request reached the server damaged. Keukentafel will try again."));
      }
      break;
    case 401:
      if (endpoint == KT_SYNC_ENDPOINT_LOGIN)
        g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_UNAUTHORIZED,
                             _("The username or password is not right."));
      else
        g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_UNAUTHORIZED,
                             _("Your sign-in has expired. Sign in again to sync."));
      break;
    case 403:
      if (endpoint == KT_SYNC_ENDPOINT_ASSIGN)
        g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_FORBIDDEN,
                             _("The server does not let your account assign this household: it may "
                               "belong to another team, or your account may no longer be an intaker."));
      else
        g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_FORBIDDEN,
                             _("Your account may not do this on the server."));
      break;
    case 404:
      g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_FOUND,
                           _("The server does not know this record."));
      break;
    case 409:
      g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_CONFLICT,
                           _("The version on the server is newer."));
      break;
    case 413:
      g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_RECORD_TOO_LARGE,
                           _("The record is too large for the server."));
      break;
    case 429:
      g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_RATE_LIMITED,
                           _("Too many attempts. Try again in a moment."));
      break;
    default:
      if (status >= 500 && status < 600)
        g_set_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_SERVER,
                     _("The server has a problem (error %u). Try again later."), status);
      else
        g_set_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE,
                     _("The server sent an unexpected answer (status %u)."), status);
      break;
    }
}

/* The array of records @name of @object, into response->records. */
static gboolean
parse_records (JsonObject     *object,
               const char     *name,
               KtSyncResponse *response,
               GError        **error)
{
  JsonNode *records = member (object, "$", name, TRUE, error);
  JsonArray *array;
  guint n;

  if (records == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (records))
    return type_error (error, "$", name);
  array = json_node_get_array (records);
  n = json_array_get_length (array);
  if (n > 500)
    return type_error (error, "$", name);

  response->records = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sync_record_free);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("$.%s[%u]", name, i);
      KtSyncRecord *record = kt_sync_record_from_node (json_array_get_element (array, i),
                                                       path, error);
      if (record == NULL)
        return FALSE;
      g_ptr_array_add (response->records, record);
    }
  return TRUE;
}

static gboolean
parse_changes (JsonObject     *object,
               KtSyncResponse *response,
               GError        **error)
{
  if (!parse_records (object, "records", response, error))
    return FALSE;
  if (!get_string (object, "$", "cursor", TRUE, SHORT_TEXT_MAX, &response->cursor, error))
    return FALSE;
  if (json_object_get_member (object, "more") == NULL)
    return type_error (error, "$", "more");
  if (!get_bool (object, "$", "keys_changed", &response->keys_changed, error))
    return FALSE;
  return get_bool (object, "$", "more", &response->more, error);
}

/* A PUT answers the record, with "replayed" beside its members, or
 * {"record": …, "replayed": true}. */
static gboolean
parse_record_answer (JsonNode       *root,
                     JsonObject     *object,
                     KtSyncResponse *response,
                     GError        **error)
{
  JsonNode *wrapped = json_object_get_member (object, "record");

  if (wrapped != NULL && JSON_NODE_HOLDS_OBJECT (wrapped))
    response->record = kt_sync_record_from_node (wrapped, "$.record", error);
  else
    response->record = kt_sync_record_from_node (root, "$", error);
  if (response->record == NULL)
    return FALSE;
  return get_bool (object, "$", "replayed", &response->replayed, error);
}

static gboolean
parse_success (KtSyncResponse *response,
               JsonNode       *root,
               GError        **error)
{
  JsonObject *object = root_object (root, error);

  if (object == NULL)
    return FALSE;

  switch (response->endpoint)
    {
    case KT_SYNC_ENDPOINT_HEALTH:
      {
        g_autofree char *status = NULL;

        if (!get_string (object, "$", "status", TRUE, SHORT_TEXT_MAX, &status, error))
          return FALSE;
        if (!g_str_equal (status, "ok"))
          return type_error (error, "$", "status");
        return get_string (object, "$", "version", FALSE, SHORT_TEXT_MAX,
                           &response->version, error);
      }
    case KT_SYNC_ENDPOINT_LOGIN:
      {
        JsonObject *user;

        if (!get_string (object, "$", "token", TRUE, TOKEN_MAX, &response->token, error))
          return FALSE;
        if (response->token[0] == '\0')
          return type_error (error, "$", "token");
        if (!get_int (object, "$", "expires", FALSE, 0, KT_TIME_MAX, &response->expires, error))
          return FALSE;
        if ((user = get_object (object, "$", "user", error)) == NULL)
          return FALSE;
        response->user = user_from_object (user, "$.user", error);
        return response->user != NULL;
      }
    case KT_SYNC_ENDPOINT_ME:
      response->user = user_from_object (object, "$", error);
      return response->user != NULL;
    case KT_SYNC_ENDPOINT_CHANGES:
      return parse_changes (object, response, error);
    case KT_SYNC_ENDPOINT_PUT_RECORD:
      return parse_record_answer (root, object, response, error);
    case KT_SYNC_ENDPOINT_PENDING_KEYS:
    case KT_SYNC_ENDPOINT_UNSEALED:
      return parse_records (object, "pending", response, error);
    case KT_SYNC_ENDPOINT_GET_RECORD:
    case KT_SYNC_ENDPOINT_ASSIGN:
    case KT_SYNC_ENDPOINT_REVIEW:
    case KT_SYNC_ENDPOINT_ADD_KEYS:
      response->record = kt_sync_record_from_node (root, "$", error);
      return response->record != NULL;
    case KT_SYNC_ENDPOINT_PUBLISH_KEY:
    case KT_SYNC_ENDPOINT_RECOVERY:
    case KT_SYNC_ENDPOINT_TEAM_KEYS:
    case KT_SYNC_ENDPOINT_COACHES:
    case KT_SYNC_ENDPOINT_CASE_AUDIT:
    case KT_SYNC_ENDPOINT_LOGOUT:
    case KT_N_SYNC_ENDPOINTS:
    default:
      return TRUE;
    }
}

static gboolean
parse_conflict (KtSyncResponse *response,
                GBytes         *body,
                GError        **error)
{
  g_autoptr(JsonNode) root = kt_sync_parse_json (body, KT_SYNC_RECORD_RESPONSE_MAX_SIZE, error);
  JsonObject *object;
  JsonNode *server;

  if (root == NULL || (object = root_object (root, error)) == NULL)
    return FALSE;
  if (get_object (object, "$", "error", error) == NULL)
    return FALSE;
  server = member (object, "$", "server", TRUE, error);
  if (server == NULL)
    return FALSE;
  response->record = kt_sync_record_from_node (server, "$.server", error);
  response->conflict = TRUE;
  return response->record != NULL;
}

KtSyncResponse *
kt_sync_response_parse (KtSyncEndpoint  endpoint,
                        guint           status,
                        GBytes         *body,
                        GError        **error)
{
  g_autoptr(KtSyncResponse) response = g_new0 (KtSyncResponse, 1);
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (endpoint < KT_N_SYNC_ENDPOINTS, NULL);

  response->endpoint = endpoint;
  response->status = status;

  if (status == 409 && endpoint == KT_SYNC_ENDPOINT_PUT_RECORD)
    {
      g_autofree char *code = error_member (body, KT_SYNC_RECORD_RESPONSE_MAX_SIZE, "code");

      /* Not a conflict to merge: whatever is merged, the server refuses it
       * again.  The record stays queued with this reason. */
      if (g_strcmp0 (code, KT_SYNC_CODE_PLAN_LOCKED) == 0)
        {
          g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_PLAN_LOCKED,
                               _("This plan was submitted or approved on the server and can no longer "
                                 "be changed. Make a new version of the plan to change it."));
          return NULL;
        }
    }
  if (status == 409 &&
      (endpoint == KT_SYNC_ENDPOINT_PUT_RECORD || endpoint == KT_SYNC_ENDPOINT_REVIEW))
    return parse_conflict (response, body, error) ? g_steal_pointer (&response) : NULL;

  if (status < 200 || status > 299)
    {
      set_status_error (endpoint, status, body, error);
      return NULL;
    }

  if (endpoint == KT_SYNC_ENDPOINT_LOGOUT)
    return g_steal_pointer (&response);
  if ((endpoint == KT_SYNC_ENDPOINT_COACHES || endpoint == KT_SYNC_ENDPOINT_CASE_AUDIT ||
       endpoint == KT_SYNC_ENDPOINT_PUBLISH_KEY || endpoint == KT_SYNC_ENDPOINT_RECOVERY ||
       endpoint == KT_SYNC_ENDPOINT_TEAM_KEYS) && status == 200)
    {
      response->body = body != NULL ? g_bytes_ref (body) : g_bytes_new_static ("", 0);
      return g_steal_pointer (&response);
    }
  if (endpoint == KT_SYNC_ENDPOINT_PUT_RECORD ? (status != 200 && status != 201) : status != 200)
    {
      set_status_error (endpoint, status, body, error);
      return NULL;
    }

  root = kt_sync_parse_json (body, kt_sync_endpoint_max_size (endpoint), error);
  if (root == NULL || !parse_success (response, root, error))
    return NULL;
  return g_steal_pointer (&response);
}
