/* kt-summary-cache.c: the sealed cache of the case list's summaries
 * (see kt-summary-cache-private.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-store"

#include "config.h"

#include "kt-summary-cache-private.h"
#include "kt-huge-buffer-private.h"

#include <sodium.h>
#include <string.h>

/* Sealed with a key of its own, so nothing sealed for a record opens as
 * the cache, and the cache opens as no record.  Label and key are those of
 * the format's version: a cache of version 1 (which kept each sealed
 * summary whole) neither carries this label nor opens under this key, so
 * it is read as no cache and written again, never taken for this layout. */
#define CACHE_LABEL "keukentafel-summary-cache-2"
#define CACHE_SUBKEY_ID 2

/* The meta value: the index's size (u32), the index, then the plaintext
 * summaries one after the other, sealed (kt_crypto_seal()) with the index
 * as associated data.  The index is the label, then per entry: id length
 * (u16), id, NUL, revision (i64), sealed summary length (u32), its head
 * (version and nonce, KT_SEAL_HEAD_SIZE) and tag (KT_SEAL_TAG_SIZE),
 * plaintext length (u32); little-endian.  Only the summaries need
 * secrecy: ids and revisions are plain columns already, the heads and
 * tags public parts of ciphertexts. */
#define SEALED_MIN (KT_SEAL_HEAD_SIZE + KT_SEAL_TAG_SIZE)
typedef KtSummaryCacheEntry Entry;

/* The smallest entry of the index: an empty id and no plaintext. */
#define ENTRY_MIN (2 + 1 + 8 + 4 + SEALED_MIN + 4)

/* The value and the entries live in one buffer (kt-huge-buffer-private.h),
 * read into from the file and opened in place: a fresh process's first
 * listing of 10,000 cases copied the 1.5 MB value out of SQLite, the
 * plaintexts out of the value and grew the entries by doubling, 620 page
 * faults of its 1,700. */
struct _KtSummaryCache
{
  guint8     *memory;     /* the value, then room for the entries */
  gsize       memory_size;
  gsize       value_size;
  guint8     *plain;      /* the opened summaries, in the value: wiped when freed */
  gsize       plain_size;
  Entry      *entries;    /* pointing into the value */
  guint       n_entries;
  guint       max_entries;
  guint       cursor;     /* the entry after the last one found */
  GHashTable *by_id;      /* id → Entry, made at the first miss of the cursor */
};

struct _KtSummaryCacheBuilder
{
  GByteArray *index;
  guint8     *texts;
  gsize       size;
  gsize       allocated;
};

static KtKey *
derive_key (const KtKey *data_key)
{
  guint8 *subkey = sodium_malloc (KT_KEY_SIZE);
  KtKey *key;

  crypto_kdf_derive_from_key (subkey, KT_KEY_SIZE, CACHE_SUBKEY_ID, "KtSumCa1", kt_key_peek (data_key));
  key = kt_key_new_from_data (subkey, KT_KEY_SIZE);
  sodium_free (subkey);
  return key;
}

static guint64
get_le (const guint8 *p,
        guint         n)
{
  guint64 value = 0;

  for (guint i = 0; i < n; i++)
    value |= (guint64) p[i] << (8 * i);
  return value;
}

static void
put_le (guint8  *p,
        guint64  value,
        guint    n)
{
  for (guint i = 0; i < n; i++)
    p[i] = value >> (8 * i);
}

/* Reads @n bytes at *@p, if there are: FALSE for an image cut short. */
static gboolean
take (const guint8 **p,
      const guint8  *end,
      gsize          n,
      const guint8 **out)
{
  if ((gsize) (end - *p) < n)
    return FALSE;
  *out = *p;
  *p += n;
  return TRUE;
}

static gboolean
parse (KtSummaryCache *self,
       const guint8   *index,
       gsize           index_size)
{
  const guint8 *p = index + sizeof CACHE_LABEL - 1;
  const guint8 *end = index + index_size;
  gsize offset = 0;

  while (p < end)
    {
      const guint8 *field;
      Entry entry;
      gsize id_size;

      if (self->n_entries == self->max_entries || !take (&p, end, 2, &field))
        return FALSE;
      id_size = get_le (field, 2);
      if (!take (&p, end, id_size + 1, &field) || field[id_size] != '\0' ||
          memchr (field, '\0', id_size) != NULL)
        return FALSE;
      entry.id = (const char *) field;
      if (!take (&p, end, 8, &field))
        return FALSE;
      entry.rev = (gint64) get_le (field, 8);
      if (!take (&p, end, 4, &field))
        return FALSE;
      entry.sealed_size = get_le (field, 4);
      /* The tag follows the head (KT_SUMMARY_CACHE_ENTRY_TAG()). */
      if (entry.sealed_size < SEALED_MIN ||
          !take (&p, end, KT_SEAL_HEAD_SIZE + KT_SEAL_TAG_SIZE, &entry.head) ||
          !take (&p, end, 4, &field))
        return FALSE;
      entry.plain_size = get_le (field, 4);
      if (self->plain_size - offset < entry.plain_size)
        return FALSE;
      entry.plain = self->plain + offset;
      offset += entry.plain_size;
      self->entries[self->n_entries++] = entry;
    }
  return offset == self->plain_size;
}

KtSummaryCache *
kt_summary_cache_new (gsize size)
{
  KtSummaryCache *self = g_new0 (KtSummaryCache, 1);
  gsize entries_at = (size + 7) & ~(gsize) 7;

  if (size == 0)
    return self;
  /* Room for as many entries as the value could hold: only those parsed
   * are touched, and so given memory. */
  self->max_entries = MIN (size / ENTRY_MIN, G_MAXUINT);
  self->memory_size = entries_at + self->max_entries * sizeof (Entry);
  self->memory = kt_huge_buffer_alloc (self->memory_size);
  self->value_size = size;
  self->entries = (Entry *) (self->memory + entries_at);
  return self;
}

guint8 *
kt_summary_cache_value (KtSummaryCache *self)
{
  return self->memory;
}

void
kt_summary_cache_open (KtSummaryCache *self,
                       const KtKey    *data_key)
{
  g_autoptr(KtKey) key = NULL;
  guint8 *value = self->memory;
  gsize size = self->value_size;
  gsize index_size;
  guint8 *sealed;
  gssize plain_size;

  if (self->memory == NULL || self->plain != NULL || self->n_entries > 0)
    return;
  index_size = size >= 4 ? get_le (value, 4) : 0;
  if (size < 4 || size - 4 < index_size || index_size < sizeof CACHE_LABEL - 1 ||
      memcmp (value + 4, CACHE_LABEL, sizeof CACHE_LABEL - 1) != 0)
    {
      g_message ("The summary cache is not one this version wrote; every summary is read instead");
      return;
    }
  key = derive_key (data_key);
  /* Opened in place: the plaintexts take the place of their ciphertext,
   * just after the head (libsodium reads each block before it writes
   * it, and writes nothing unless the tag verifies). */
  sealed = value + 4 + index_size;
  plain_size = kt_crypto_open_into (key, value + 4, index_size, sealed, size - 4 - index_size,
                                    sealed + KT_SEAL_HEAD_SIZE, size - 4 - index_size);
  if (plain_size < 0)
    {
      g_message ("The summary cache did not open; every summary is read instead");
      return;
    }
  self->plain = sealed + KT_SEAL_HEAD_SIZE;
  self->plain_size = plain_size;
  if (!parse (self, value + 4, index_size))
    {
      /* Authentic but not laid out as written: only a bug does that. */
      g_warning ("The summary cache is malformed; every summary is read instead");
      self->n_entries = 0;
    }
}

void
kt_summary_cache_free (KtSummaryCache *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  if (self->plain != NULL)
    sodium_memzero (self->plain, self->plain_size);
  kt_huge_buffer_free (self->memory, self->memory_size);
  g_free (self);
}

guint
kt_summary_cache_size (KtSummaryCache *self)
{
  return self->n_entries;
}

const KtSummaryCacheEntry *
kt_summary_cache_lookup (KtSummaryCache *self,
                         const char     *id,
                         gint64          rev,
                         const guint8   *sealed,
                         gsize           sealed_size)
{
  const Entry *entry = NULL;

  if (self->n_entries == 0 || sealed == NULL || sealed_size < SEALED_MIN)
    return NULL;
  /* Rows come in the order the cache was written, but for those added,
   * removed or moved since: the next entry first, then by id. */
  if (self->cursor < self->n_entries && strcmp (self->entries[self->cursor].id, id) == 0)
    entry = &self->entries[self->cursor];
  else
    {
      if (self->by_id == NULL)
        {
          self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
          for (guint i = 0; i < self->n_entries; i++)
            g_hash_table_insert (self->by_id, (gpointer) self->entries[i].id, &self->entries[i]);
        }
      entry = g_hash_table_lookup (self->by_id, id);
    }
  if (entry == NULL)
    return NULL;
  self->cursor = (guint) (entry - self->entries) + 1;
  if (entry->rev != rev || entry->sealed_size != sealed_size ||
      memcmp (entry->head, sealed, KT_SEAL_HEAD_SIZE) != 0 ||
      memcmp (KT_SUMMARY_CACHE_ENTRY_TAG (entry), sealed + sealed_size - KT_SEAL_TAG_SIZE, KT_SEAL_TAG_SIZE) != 0)
    return NULL;
  return entry;
}

KtSummaryCacheBuilder *
kt_summary_cache_builder_new (gsize entries_hint)
{
  KtSummaryCacheBuilder *self = g_new0 (KtSummaryCacheBuilder, 1);

  self->index = g_byte_array_sized_new (MAX (entries_hint, 16) * 112);
  g_byte_array_append (self->index, (const guint8 *) CACHE_LABEL, sizeof CACHE_LABEL - 1);
  self->allocated = MAX (entries_hint, 16) * 64;
  self->texts = g_malloc (self->allocated);
  return self;
}

/* Grows by moving to a new buffer and wiping the old one: realloc would
 * leave plaintext summaries behind in freed memory. */
static void
reserve (KtSummaryCacheBuilder *self,
         gsize                  more)
{
  guint8 *texts;

  if (self->allocated - self->size >= more)
    return;
  self->allocated = MAX (self->allocated * 2, self->size + more);
  texts = g_malloc (self->allocated);
  memcpy (texts, self->texts, self->size);
  sodium_memzero (self->texts, self->size);
  g_free (self->texts);
  self->texts = texts;
}

static void
add (KtSummaryCacheBuilder *self,
     const char            *id,
     gint64                 rev,
     const guint8          *head,
     const guint8          *tag,
     gsize                  sealed_size,
     const guint8          *plain,
     gsize                  plain_size)
{
  gsize id_size = strlen (id);
  gsize start = self->index->len;
  guint8 *p;

  if (id_size > G_MAXUINT16 || sealed_size > G_MAXUINT32 || plain_size > G_MAXUINT32)
    return;
  g_byte_array_set_size (self->index, start + 2 + id_size + 1 + 8 + 4 + SEALED_MIN + 4);
  p = self->index->data + start;
  put_le (p, id_size, 2);
  p += 2;
  memcpy (p, id, id_size + 1);
  p += id_size + 1;
  put_le (p, (guint64) rev, 8);
  p += 8;
  put_le (p, sealed_size, 4);
  p += 4;
  memcpy (p, head, KT_SEAL_HEAD_SIZE);
  p += KT_SEAL_HEAD_SIZE;
  memcpy (p, tag, KT_SEAL_TAG_SIZE);
  p += KT_SEAL_TAG_SIZE;
  put_le (p, plain_size, 4);

  reserve (self, plain_size);
  memcpy (self->texts + self->size, plain, plain_size);
  self->size += plain_size;
}

void
kt_summary_cache_builder_add (KtSummaryCacheBuilder *self,
                              const char            *id,
                              gint64                 rev,
                              const guint8          *sealed,
                              gsize                  sealed_size,
                              const guint8          *plain,
                              gsize                  plain_size)
{
  /* Too short to be sealed: it opened as nothing, and no row can match. */
  if (sealed_size < SEALED_MIN)
    return;
  add (self, id, rev, sealed, sealed + sealed_size - KT_SEAL_TAG_SIZE, sealed_size,
       plain, plain_size);
}

void
kt_summary_cache_builder_add_entry (KtSummaryCacheBuilder     *self,
                                    const KtSummaryCacheEntry *entry)
{
  add (self, entry->id, entry->rev, entry->head, KT_SUMMARY_CACHE_ENTRY_TAG (entry), entry->sealed_size,
       entry->plain, entry->plain_size);
}

GBytes *
kt_summary_cache_builder_seal (KtSummaryCacheBuilder *self,
                               const KtKey           *data_key)
{
  g_autoptr(KtKey) key = derive_key (data_key);
  g_autoptr(GBytes) ad = g_bytes_new_static (self->index->data, self->index->len);
  g_autoptr(GBytes) texts = g_bytes_new_static (self->texts, self->size);
  g_autoptr(GBytes) sealed = kt_crypto_seal (key, ad, texts);
  gsize sealed_size;
  gconstpointer sealed_data = g_bytes_get_data (sealed, &sealed_size);
  GByteArray *value = g_byte_array_sized_new (4 + self->index->len + sealed_size);

  g_byte_array_set_size (value, 4);
  put_le (value->data, self->index->len, 4);
  g_byte_array_append (value, self->index->data, self->index->len);
  g_byte_array_append (value, sealed_data, sealed_size);
  g_clear_pointer (&ad, g_bytes_unref);
  g_clear_pointer (&texts, g_bytes_unref);
  kt_summary_cache_builder_free (self);
  return g_byte_array_free_to_bytes (value);
}

void
kt_summary_cache_builder_free (KtSummaryCacheBuilder *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->index);
  sodium_memzero (self->texts, self->size);
  g_free (self->texts);
  g_free (self);
}
