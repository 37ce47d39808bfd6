/* kt-catalogue.c: KtCatalogue, the life domains and the wheel's segments and rings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file format (data/catalogue/catalogue.json):
 *   { "catalogue": id, "version": n ≥ 1,
 *     "domains":  [ { "id", "name": {"nl","en"}, "description": {"nl","en"},
 *                     "prompts": {"nl": […], "en": […]},
 *                     "prompts_without_children"?: {…}, "prompts_young_person"?: {…},
 *                     "related": [ids], "one_way"?: [ids in related],
 *                     "never_skip": bool, "needs_children": bool } … ],
 *     "segments": [ { "id" (kt_segment_to_string), "name": {…}, "description": {…} } × 6 ],
 *     "rings":    [ { "id" (kt_ring_to_string), "name": {…} } × 4 ] }
 * Dutch ("nl") is required everywhere; English ("en") falls back to Dutch.
 * Links between domains go both ways: the loader adds the way back to every
 * link not listed in "one_way".
 */
#define G_LOG_DOMAIN "kt-catalogue"

#include "config.h"

#include "kt-catalogue.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "kt-core-resources.h"
#include "kt-json-path-private.h"
#include "kt-json-reader.h"

#define BUILTIN_PATH "/nl/wijkteam/Keukentafel/catalogue/catalogue.json"

/* Limits for a municipality's file. */
#define MAX_DOMAINS   KT_MAX_ENTRIES
#define MAX_PROMPTS   16
#define MAX_RELATED   KT_MAX_ENTRIES
#define MAX_ID_LENGTH 64

struct _KtCatalogue
{
  GObject     parent_instance;

  char       *id;
  int         version;
  GPtrArray  *domains;          /* (element-type KtDomain) */
  GHashTable *by_id;            /* id → KtDomain, borrowed */
  char       *segment_names[KT_N_SEGMENTS];
  char       *segment_descriptions[KT_N_SEGMENTS];
  char       *ring_names[KT_N_RINGS];
};

G_DEFINE_TYPE (KtCatalogue, kt_catalogue, G_TYPE_OBJECT)

G_DEFINE_QUARK (kt-catalogue-error-quark, kt_catalogue_error)

static void
domain_free (KtDomain *domain)
{
  g_free (domain->id);
  g_free (domain->name);
  g_free (domain->description);
  g_strfreev (domain->prompts);
  g_strfreev (domain->prompts_without_children);
  g_strfreev (domain->prompts_young_person);
  g_strfreev (domain->related);
  g_strfreev (domain->one_way);
  g_free (domain);
}

static void
kt_catalogue_finalize (GObject *object)
{
  KtCatalogue *self = KT_CATALOGUE (object);

  g_free (self->id);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->domains, g_ptr_array_unref);
  for (guint i = 0; i < KT_N_SEGMENTS; i++)
    {
      g_free (self->segment_names[i]);
      g_free (self->segment_descriptions[i]);
    }
  for (guint i = 0; i < KT_N_RINGS; i++)
    g_free (self->ring_names[i]);

  G_OBJECT_CLASS (kt_catalogue_parent_class)->finalize (object);
}

static void
kt_catalogue_class_init (KtCatalogueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_catalogue_finalize;
}

static void
kt_catalogue_init (KtCatalogue *self)
{
  self->domains = g_ptr_array_new_with_free_func ((GDestroyNotify) domain_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/* ------------------------------------------------------------------------ */
/* Loading */

typedef struct {
  const char *origin;           /* file path or resource, for messages */
  GString    *path;             /* JSON path being read */
  GError    **error;
  gboolean    dutch;
} Loader;

static gboolean invalid (Loader     *l,
                         const char *format,
                         ...) G_GNUC_PRINTF (2, 3);

/* @format takes the origin and the JSON path, both %s. */
static gboolean
invalid (Loader     *l,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (l->error, KT_CATALOGUE_ERROR, KT_CATALOGUE_ERROR_INVALID, message);
  return FALSE;
}

static gsize
push (Loader     *l,
      const char *key)
{
  return kt_json_path_push_key (l->path, key);
}

static gsize
push_index (Loader *l,
            guint   index)
{
  return kt_json_path_push_index (l->path, index);
}

static void
pop (Loader *l,
     gsize   mark)
{
  kt_json_path_pop (l->path, mark);
}

#define MISSING _("%s: “%s” is missing or empty.")
#define WRONG_TYPE _("%s: “%s” has the wrong type.")

/* A non-empty text node at the current path. */
static gboolean
check_text (Loader     *l,
            JsonNode   *node,
            const char **out)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return invalid (l, MISSING, l->origin, l->path->str);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (l, WRONG_TYPE, l->origin, l->path->str);
  *out = json_node_get_string (node);
  if (**out == '\0')
    return invalid (l, MISSING, l->origin, l->path->str);
  if (strlen (*out) > KT_TEXT_MAX_SIZE || !g_utf8_validate (*out, -1, NULL))
    return invalid (l, _("%s: “%s” is too long or not valid text."), l->origin, l->path->str);
  return TRUE;
}

static gboolean
read_text (Loader      *l,
           JsonObject  *obj,
           const char  *key,
           const char **out)
{
  gsize mark = push (l, key);

  if (!check_text (l, json_object_get_member (obj, key), out))
    return FALSE;
  pop (l, mark);
  return TRUE;
}

static gboolean
is_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > MAX_ID_LENGTH)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_islower (id[i]) && !g_ascii_isdigit (id[i]) && id[i] != '_' && id[i] != '-')
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_id (Loader      *l,
         JsonObject  *obj,
         const char **out)
{
  gsize mark = push (l, "id");

  if (!check_text (l, json_object_get_member (obj, "id"), out))
    return FALSE;
  if (!is_id (*out))
    return invalid (l, _("%s: “%s” must be lower-case letters, digits, “-” or “_”."),
                    l->origin, l->path->str);
  pop (l, mark);
  return TRUE;
}

static gboolean
read_object (Loader      *l,
             JsonObject  *obj,
             const char  *key,
             gsize       *mark,
             JsonObject **out)
{
  JsonNode *node = json_object_get_member (obj, key);

  *mark = push (l, key);
  if (node == NULL)
    return invalid (l, MISSING, l->origin, l->path->str);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (l, WRONG_TYPE, l->origin, l->path->str);
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
read_array (Loader      *l,
            JsonObject  *obj,
            const char  *key,
            guint        min,
            guint        max,
            gsize       *mark,
            JsonArray  **out)
{
  JsonNode *node = json_object_get_member (obj, key);
  guint length;

  *mark = push (l, key);
  if (node == NULL)
    return invalid (l, MISSING, l->origin, l->path->str);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (l, WRONG_TYPE, l->origin, l->path->str);
  *out = json_node_get_array (node);
  length = json_array_get_length (*out);
  if (length < min)
    return invalid (l, MISSING, l->origin, l->path->str);
  if (length > max)
    return invalid (l, _("%s: “%s” has too many elements."), l->origin, l->path->str);
  return TRUE;
}

/* {"nl": text, "en": text}: Dutch required, English optional. */
static gboolean
read_translated (Loader     *l,
                 JsonObject *obj,
                 const char *key,
                 char      **out)
{
  JsonObject *texts;
  const char *nl, *en = NULL;
  gsize mark;

  if (!read_object (l, obj, key, &mark, &texts) ||
      !read_text (l, texts, "nl", &nl))
    return FALSE;
  if (json_object_has_member (texts, "en") && !read_text (l, texts, "en", &en))
    return FALSE;
  pop (l, mark);
  *out = g_strdup (l->dutch || en == NULL ? nl : en);
  return TRUE;
}

/* Each element of @key's array a checked text, @min to @max of them. */
static gboolean
read_string_array (Loader     *l,
                   JsonObject *obj,
                   const char *key,
                   guint       min,
                   guint       max,
                   GStrv      *out)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;
  gsize mark;

  if (!read_array (l, obj, key, min, max, &mark, &array))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize item = push_index (l, i);
      const char *text;

      if (!check_text (l, json_array_get_element (array, i), &text))
        return FALSE;
      g_strv_builder_add (builder, text);
      pop (l, item);
    }
  pop (l, mark);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
read_text_list (Loader     *l,
                JsonObject *obj,
                const char *key,
                GStrv      *out)
{
  return read_string_array (l, obj, key, 1, MAX_PROMPTS, out);
}

/* {"nl": [texts], "en": [texts]} */
static gboolean
read_translated_list (Loader     *l,
                      JsonObject *obj,
                      const char *key,
                      GStrv      *out)
{
  g_auto(GStrv) nl = NULL;
  g_auto(GStrv) en = NULL;
  JsonObject *lists;
  gsize mark;

  if (!read_object (l, obj, key, &mark, &lists) ||
      !read_text_list (l, lists, "nl", &nl))
    return FALSE;
  if (json_object_has_member (lists, "en") && !read_text_list (l, lists, "en", &en))
    return FALSE;
  pop (l, mark);
  *out = l->dutch || en == NULL ? g_steal_pointer (&nl) : g_steal_pointer (&en);
  return TRUE;
}

/* As read_translated_list, or NULL when @key is absent. */
static gboolean
read_optional_translated_list (Loader     *l,
                               JsonObject *obj,
                               const char *key,
                               GStrv      *out)
{
  *out = NULL;
  if (!json_object_has_member (obj, key))
    return TRUE;
  return read_translated_list (l, obj, key, out);
}

/* A list of domain ids (checked once every domain is known); when not
 * @required, an absent key stands for an empty list. */
static gboolean
read_id_list (Loader     *l,
              JsonObject *obj,
              const char *key,
              gboolean    required,
              GStrv      *out)
{
  if (!required && !json_object_has_member (obj, key))
    {
      *out = g_new0 (char *, 1);
      return TRUE;
    }
  return read_string_array (l, obj, key, 0, MAX_RELATED, out);
}

static gboolean
read_flag (Loader     *l,
           JsonObject *obj,
           const char *key,
           gboolean   *out)
{
  JsonNode *node = json_object_get_member (obj, key);
  gsize mark = push (l, key);

  *out = FALSE;
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return invalid (l, WRONG_TYPE, l->origin, l->path->str);
      *out = json_node_get_boolean (node);
    }
  pop (l, mark);
  return TRUE;
}

static gboolean
read_domain (KtCatalogue *self,
             Loader      *l,
             JsonObject  *obj)
{
  KtDomain *domain = g_new0 (KtDomain, 1);
  const char *id;

  g_ptr_array_add (self->domains, domain);
  if (!read_id (l, obj, &id))
    return FALSE;
  domain->id = g_strdup (id);
  if (g_hash_table_contains (self->by_id, id))
    {
      push (l, "id");
      return invalid (l, _("%s: “%s” repeats a life-domain id."), l->origin, l->path->str);
    }
  g_hash_table_insert (self->by_id, domain->id, domain);

  if (!read_translated (l, obj, "name", &domain->name) ||
      !read_translated (l, obj, "description", &domain->description) ||
      !read_translated_list (l, obj, "prompts", &domain->prompts) ||
      !read_optional_translated_list (l, obj, "prompts_without_children",
                                      &domain->prompts_without_children) ||
      !read_optional_translated_list (l, obj, "prompts_young_person",
                                      &domain->prompts_young_person) ||
      !read_flag (l, obj, "never_skip", &domain->never_skip) ||
      !read_flag (l, obj, "needs_children", &domain->needs_children))
    return FALSE;

  /* The ids are checked once every domain is known. */
  return read_id_list (l, obj, "related", TRUE, &domain->related) &&
         read_id_list (l, obj, "one_way", FALSE, &domain->one_way);
}

static gboolean
check_related (KtCatalogue *self,
               Loader      *l)
{
  for (guint i = 0; i < self->domains->len; i++)
    {
      const KtDomain *domain = g_ptr_array_index (self->domains, i);

      for (guint j = 0; domain->related[j] != NULL; j++)
        {
          if (!g_hash_table_contains (self->by_id, domain->related[j]) ||
              g_strcmp0 (domain->related[j], domain->id) == 0)
            {
              g_string_printf (l->path, "domains[%u].related[%u]", i, j);
              return invalid (l, _("%s: “%s” names a life domain that is not in the catalogue."),
                              l->origin, l->path->str);
            }
        }
      for (guint j = 0; domain->one_way[j] != NULL; j++)
        {
          if (!g_strv_contains ((const char * const *) domain->related, domain->one_way[j]))
            {
              g_string_printf (l->path, "domains[%u].one_way[%u]", i, j);
              return invalid (l, _("%s: “%s” names a life domain that is not in “related”."),
                              l->origin, l->path->str);
            }
        }
    }
  return TRUE;
}

/* Practice knows links both ways (money worries touch work, and work
 * touches money): add the way back to every link not marked one-way, so a
 * municipality's file need not list each link twice. */
static void
complete_related (KtCatalogue *self)
{
  for (guint i = 0; i < self->domains->len; i++)
    {
      const KtDomain *domain = g_ptr_array_index (self->domains, i);

      for (guint j = 0; domain->related[j] != NULL; j++)
        {
          KtDomain *other = g_hash_table_lookup (self->by_id, domain->related[j]);
          g_autoptr(GStrvBuilder) builder = NULL;

          if (g_strv_contains ((const char * const *) domain->one_way, other->id) ||
              g_strv_contains ((const char * const *) other->related, domain->id))
            continue;
          builder = g_strv_builder_new ();
          g_strv_builder_addv (builder, (const char **) other->related);
          g_strv_builder_add (builder, domain->id);
          g_strfreev (other->related);
          other->related = g_strv_builder_end (builder);
        }
    }
}

/* Segments and rings: each known id exactly once, in any order. */
static gboolean
read_named_set (Loader      *l,
                JsonObject  *root,
                const char  *key,
                const char *(*to_string) (int value),
                guint        n_values,
                char       **names,
                char       **descriptions)
{
  JsonArray *array;
  gsize mark;

  if (!read_array (l, root, key, n_values, n_values, &mark, &array))
    return FALSE;
  for (guint i = 0; i < n_values; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      gsize item = push_index (l, i);
      const char *id;
      guint value;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (l, WRONG_TYPE, l->origin, l->path->str);
      if (!read_id (l, json_node_get_object (node), &id))
        return FALSE;
      for (value = 0; value < n_values; value++)
        {
          if (g_strcmp0 (to_string (value), id) == 0)
            break;
        }
      if (value == n_values || names[value] != NULL)
        {
          push (l, "id");
          return invalid (l, _("%s: “%s” is unknown or repeated."), l->origin, l->path->str);
        }
      if (!read_translated (l, json_node_get_object (node), "name", &names[value]))
        return FALSE;
      if (descriptions != NULL &&
          !read_translated (l, json_node_get_object (node), "description", &descriptions[value]))
        return FALSE;
      pop (l, item);
    }
  pop (l, mark);
  return TRUE;
}

static const char *
segment_id (int value)
{
  return kt_segment_to_string (value);
}

static const char *
ring_id (int value)
{
  return kt_ring_to_string (value);
}

/* json-glib says "<data>:LINE:COLUMN: reason"; keep the numbers and reason. */
/* The reader's refusal as the catalogue's error, with line and column for a
 * person who edits the file by hand. */
static void
set_read_error (GError    **error,
                const char *origin,
                const char *data,
                gsize       offset,
                GError     *read_error)
{
  guint line = 1, column = 1;

  switch (read_error->code)
    {
    case KT_JSON_READER_ERROR_TOO_LARGE:
      g_set_error (error, KT_CATALOGUE_ERROR, KT_CATALOGUE_ERROR_READ,
                   _("%s: The catalogue file is larger than %u bytes."),
                   origin, (guint) KT_DOCUMENT_MAX_SIZE);
      return;
    case KT_JSON_READER_ERROR_NOT_UTF8:
      g_set_error (error, KT_CATALOGUE_ERROR, KT_CATALOGUE_ERROR_PARSE,
                   _("%s: The catalogue is not UTF-8 text."), origin);
      return;
    case KT_JSON_READER_ERROR_TOO_DEEP:
      g_set_error (error, KT_CATALOGUE_ERROR, KT_CATALOGUE_ERROR_PARSE,
                   _("%s: The catalogue is nested too deeply."), origin);
      return;
    default:
      break;
    }
  if (offset == G_MAXSIZE)
    {
      g_set_error (error, KT_CATALOGUE_ERROR, KT_CATALOGUE_ERROR_PARSE,
                   _("%s: The catalogue is not valid JSON: %s"), origin, read_error->message);
      return;
    }
  for (gsize i = 0; i < offset; i++)
    {
      if (data[i] == '\n')
        {
          line++;
          column = 1;
        }
      else if (((guchar) data[i] & 0xC0) != 0x80)
        column++;
    }
  g_set_error (error, KT_CATALOGUE_ERROR, KT_CATALOGUE_ERROR_PARSE,
               _("%s:%u:%u: The catalogue is not valid JSON."), origin, line, column);
}

static gboolean
language_is_dutch (void)
{
  const char * const *names = g_get_language_names ();

  return names[0] != NULL && g_str_has_prefix (names[0], "nl");
}

KtCatalogue *
kt_catalogue_new_from_bytes (GBytes     *json,
                             const char *origin,
                             GError    **error)
{
  g_autoptr(KtCatalogue) self = NULL;
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GError) read_error = NULL;
  Loader l = { origin != NULL ? origin : "catalogue", path, error, language_is_dutch () };
  const char *data;
  const char *id;
  g_autoptr(JsonNode) root_node = NULL;
  JsonObject *root;
  JsonArray *domains;
  gint64 version;
  gsize size = 0, offset, mark;

  g_return_val_if_fail (json != NULL, NULL);

  data = g_bytes_get_data (json, &size);
  /* The catalogue is at most five levels deep; 16 as for a document. */
  root_node = kt_json_read_full (data, size, KT_DOCUMENT_MAX_SIZE, 16, &offset, &read_error);
  if (root_node == NULL)
    {
      set_read_error (error, l.origin, data, offset, read_error);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, KT_CATALOGUE_ERROR, KT_CATALOGUE_ERROR_INVALID,
                   _("%s: The catalogue is not a JSON object."), l.origin);
      return NULL;
    }
  root = json_node_get_object (root_node);

  self = g_object_new (KT_TYPE_CATALOGUE, NULL);
  if (!read_text (&l, root, "catalogue", &id))
    return NULL;
  self->id = g_strdup (id);

  mark = push (&l, "version");
  {
    JsonNode *node = json_object_get_member (root, "version");

    if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
        json_node_get_value_type (node) != G_TYPE_INT64)
      return invalid (&l, WRONG_TYPE, l.origin, l.path->str), NULL;
    version = json_node_get_int (node);
    if (version < 1 || version > G_MAXINT)
      return invalid (&l, _("%s: “%s” must be a whole number from 1."), l.origin, l.path->str), NULL;
    self->version = (int) version;
  }
  pop (&l, mark);

  if (!read_array (&l, root, "domains", 1, MAX_DOMAINS, &mark, &domains))
    return NULL;
  for (guint i = 0; i < json_array_get_length (domains); i++)
    {
      JsonNode *node = json_array_get_element (domains, i);
      gsize item = push_index (&l, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (&l, WRONG_TYPE, l.origin, l.path->str), NULL;
      if (!read_domain (self, &l, json_node_get_object (node)))
        return NULL;
      pop (&l, item);
    }
  pop (&l, mark);
  if (!check_related (self, &l))
    return NULL;
  complete_related (self);

  /* Safety is never skipped, whatever the file says. */
  {
    KtDomain *safety = g_hash_table_lookup (self->by_id, KT_SAFETY_DOMAIN_ID);

    if (safety == NULL)
      {
        g_string_assign (l.path, "domains");
        return invalid (&l, _("%s: “%s” lacks the safety domain “veiligheid”."),
                        l.origin, l.path->str), NULL;
      }
    safety->never_skip = TRUE;
  }

  g_string_truncate (l.path, 0);
  if (!read_named_set (&l, root, "segments", segment_id, KT_N_SEGMENTS,
                       self->segment_names, self->segment_descriptions) ||
      !read_named_set (&l, root, "rings", ring_id, KT_N_RINGS, self->ring_names, NULL))
    return NULL;

  return g_steal_pointer (&self);
}

KtCatalogue *
kt_catalogue_new_builtin (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_resource_lookup_data (kt_core_get_resource (), BUILTIN_PATH,
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  KtCatalogue *self;

  if (bytes == NULL)
    g_error ("The built-in catalogue is missing: %s", error->message);
  self = kt_catalogue_new_from_bytes (bytes, "resource://" BUILTIN_PATH, &error);
  if (self == NULL)
    g_error ("The built-in catalogue is broken: %s", error->message);
  return self;
}

KtCatalogue *
kt_catalogue_new_from_file (GFile   *file,
                            GError **error)
{
  g_autoptr(GError) read_error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &read_error))
    {
      g_set_error (error, KT_CATALOGUE_ERROR, KT_CATALOGUE_ERROR_READ,
                   _("%s: The catalogue file cannot be read: %s"), name, read_error->message);
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  return kt_catalogue_new_from_bytes (bytes, name, error);
}

KtCatalogue *
kt_catalogue_new_default (const char *override_path,
                          GError    **error)
{
  if (override_path != NULL && override_path[0] != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (override_path);
      KtCatalogue *self = kt_catalogue_new_from_file (file, error);

      if (self != NULL)
        return self;
      /* @error says why; the caller shows it and carries on. */
    }
  return kt_catalogue_new_builtin ();
}

/* ------------------------------------------------------------------------ */
/* Reading */

const char * const *
kt_domain_get_prompts (const KtDomain *domain,
                       gboolean        children)
{
  g_return_val_if_fail (domain != NULL, NULL);

  if (!children && domain->prompts_without_children != NULL)
    return (const char * const *) domain->prompts_without_children;
  return (const char * const *) domain->prompts;
}

/* Nothing was said or marked in @entry yet. */
static gboolean
entry_is_untouched (const KtDomainEntry *entry)
{
  return entry->state == KT_DOMAIN_NOT_YET && kt_text_is_blank (entry->going_well) &&
         kt_text_is_blank (entry->concern) && kt_text_is_blank (entry->wish) &&
         entry->level == KT_LEVEL_NONE && entry->helpers == 0 && entry->priority == 0 &&
         !entry->safety_flag;
}

/* Where the entry of the domain at catalogue @position goes: after the
 * entry of the nearest domain before it in the catalogue, so the coach's
 * own order of the others stays. */
static guint
entry_position (KtCatalogue          *self,
                const KtConversation *conversation,
                guint                 position)
{
  for (guint i = position; i-- > 0;)
    {
      const KtDomain *before = g_ptr_array_index (self->domains, i);

      for (guint j = 0; j < conversation->entries->len; j++)
        {
          const KtDomainEntry *entry = g_ptr_array_index (conversation->entries, j);

          if (g_strcmp0 (entry->domain_id, before->id) == 0)
            return j + 1;
        }
    }
  return 0;
}

const char *
kt_catalogue_get_id (KtCatalogue *self)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (self), NULL);
  return self->id;
}

int
kt_catalogue_get_version (KtCatalogue *self)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (self), 0);
  return self->version;
}

guint
kt_catalogue_get_n_domains (KtCatalogue *self)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (self), 0);
  return self->domains->len;
}

const KtDomain *
kt_catalogue_get_domain (KtCatalogue *self,
                         guint        position)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (self), NULL);
  g_return_val_if_fail (position < self->domains->len, NULL);
  return g_ptr_array_index (self->domains, position);
}

const KtDomain *
kt_catalogue_lookup (KtCatalogue *self,
                     const char  *domain_id)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (self), NULL);
  if (domain_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->by_id, domain_id);
}

const char *
kt_catalogue_segment_name (KtCatalogue *self,
                           KtSegment    segment)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (self), NULL);
  g_return_val_if_fail (segment < KT_N_SEGMENTS, NULL);
  return self->segment_names[segment];
}

const char *
kt_catalogue_segment_description (KtCatalogue *self,
                                  KtSegment    segment)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (self), NULL);
  g_return_val_if_fail (segment < KT_N_SEGMENTS, NULL);
  return self->segment_descriptions[segment];
}

const char *
kt_catalogue_ring_name (KtCatalogue *self,
                        KtRing       ring)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (self), NULL);
  g_return_val_if_fail (ring < KT_N_RINGS, NULL);
  return self->ring_names[ring];
}

KtConversation *
kt_catalogue_new_conversation (KtCatalogue *self,
                               const char  *case_id)
{
  KtConversation *conversation;

  g_return_val_if_fail (KT_IS_CATALOGUE (self), NULL);

  conversation = kt_conversation_new ();
  conversation->case_id = g_strdup (case_id);
  conversation->date = kt_date_today ();
  conversation->catalogue_id = g_strdup (self->id);
  conversation->catalogue_version = self->version;
  for (guint i = 0; i < self->domains->len; i++)
    {
      const KtDomain *domain = g_ptr_array_index (self->domains, i);

      g_ptr_array_add (conversation->entries, kt_domain_entry_new (domain->id));
    }
  return conversation;
}

gboolean
kt_catalogue_fit_conversation (KtCatalogue    *self,
                               KtConversation *conversation,
                               gboolean        children)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (KT_IS_CATALOGUE (self), FALSE);
  g_return_val_if_fail (conversation != NULL, FALSE);

  if (conversation->complete)
    return FALSE;
  for (guint i = 0; i < self->domains->len; i++)
    {
      const KtDomain *domain = g_ptr_array_index (self->domains, i);
      KtDomainEntry *entry = kt_conversation_find_entry (conversation, domain->id);

      if (!domain->needs_children)
        continue;
      if (!children && entry != NULL && entry_is_untouched (entry))
        {
          g_ptr_array_remove (conversation->entries, entry);
          changed = TRUE;
        }
      else if (children && entry == NULL)
        {
          g_ptr_array_insert (conversation->entries, entry_position (self, conversation, i),
                              kt_domain_entry_new (domain->id));
          changed = TRUE;
        }
    }
  return changed;
}

static gboolean
is_low_score (int level)
{
  return level >= KT_LEVEL_MIN && level <= 2;
}

GPtrArray *
kt_catalogue_suggest_related (KtCatalogue          *self,
                              const KtConversation *conversation,
                              const KtDomainEntry  *entry)
{
  GPtrArray *open = g_ptr_array_new ();
  const KtDomain *domain;

  g_return_val_if_fail (KT_IS_CATALOGUE (self), open);
  g_return_val_if_fail (conversation != NULL && entry != NULL, open);

  domain = kt_catalogue_lookup (self, entry->domain_id);
  if (domain == NULL || (kt_text_is_blank (entry->concern) && !is_low_score (entry->level)))
    return open;
  for (guint i = 0; domain->related[i] != NULL; i++)
    {
      const KtDomain *related = kt_catalogue_lookup (self, domain->related[i]);
      KtDomainEntry *other = kt_conversation_find_entry (conversation, domain->related[i]);

      if (related != NULL && other != NULL && other->state == KT_DOMAIN_NOT_YET)
        g_ptr_array_add (open, (gpointer) related);
    }
  return open;
}
