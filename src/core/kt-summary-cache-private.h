/* kt-summary-cache-private.h: the sealed cache of the case list's summaries
 *
 * Listing 10,000 cases opened 10,000 sealed summaries, one
 * XChaCha20-Poly1305 call each: half the work of listing.  The cache is one
 * sealed blob (the `meta` row "summary-cache") of every listed summary
 * beside the id, revision and sealed summary it was opened from (the
 * plaintexts encrypted, the rest authenticated with them).  A listing
 * still reads every row; a row whose id and revision are the ones in the
 * cache, and whose sealed summary has the same length, version byte, nonce
 * and tag, takes the cached plaintext; any other row is opened as before.
 *
 * The sealed summary is named by its nonce and tag, not kept whole: that
 * took 91 of an entry's 146 bytes, and authenticating them half of what
 * opening the cache cost.  The nonce is random for every sealing, so a
 * summary sealed again (a changed case, or the same text re-saved) never
 * matches; a deleted row is not read.  A row whose ciphertext alone was
 * changed outside the app (nonce and tag kept) is listed from the cache as
 * it was last authenticated, never as anything forged, and is refused and
 * set aside when the case is opened: kt_record_store_get() compares the
 * whole sealed summary with the index and opens it.  A cache that does not
 * open (tampered, another key, damaged, an older format) is no cache:
 * every row is opened.  Never plaintext on disk; only kt-record-store.c
 * calls this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-crypto.h"

G_BEGIN_DECLS

#define KT_SUMMARY_CACHE_META "summary-cache"

typedef struct _KtSummaryCache KtSummaryCache;

/* One summary as the cache holds it: the sealed summary by its head
 * (version and nonce), its tag and its length.  Forty bytes: the entries
 * of 10,000 cases and the value they point into fit in one huge page. */
typedef struct {
  const char   *id;
  gint64        rev;
  const guint8 *head;         /* KT_SEAL_HEAD_SIZE bytes, then the tag */
  const guint8 *plain;
  guint32       sealed_size;
  guint32       plain_size;
} KtSummaryCacheEntry;

/* The tag (KT_SEAL_TAG_SIZE bytes) of @entry's sealed summary: it follows
 * the head in the cache's index. */
#define KT_SUMMARY_CACHE_ENTRY_TAG(entry) ((entry)->head + KT_SEAL_HEAD_SIZE)

/* Room for a sealed cache of @size bytes (0: none), read by the caller
 * into kt_summary_cache_value() and then opened with
 * kt_summary_cache_open(); until it opens, the cache is empty. */
KtSummaryCache *kt_summary_cache_new     (gsize           size);
guint8         *kt_summary_cache_value   (KtSummaryCache *self);
/* Opens the value in place under a key derived from @data_key; a value
 * that does not open leaves the cache empty.  The entries point into the
 * value. */
void            kt_summary_cache_open    (KtSummaryCache *self,
                                          const KtKey    *data_key);
void            kt_summary_cache_free    (KtSummaryCache *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSummaryCache, kt_summary_cache_free)

/* How many entries the cache held when it was opened. */
guint           kt_summary_cache_size    (KtSummaryCache *self);

/* The entry of the summary sealed as @sealed in record @id at @rev, when
 * the cache holds one of that length, head and tag; NULL otherwise.  Valid until @self is
 * freed.  Calls in the order the cache was written are the fast way. */
const KtSummaryCacheEntry *kt_summary_cache_lookup (KtSummaryCache *self,
                                                    const char     *id,
                                                    gint64          rev,
                                                    const guint8   *sealed,
                                                    gsize           sealed_size);

/* A new cache, entry by entry, in listing order. */
typedef struct _KtSummaryCacheBuilder KtSummaryCacheBuilder;

KtSummaryCacheBuilder *kt_summary_cache_builder_new  (gsize entries_hint);
void                   kt_summary_cache_builder_add  (KtSummaryCacheBuilder *self,
                                                      const char            *id,
                                                      gint64                 rev,
                                                      const guint8          *sealed,
                                                      gsize                  sealed_size,
                                                      const guint8          *plain,
                                                      gsize                  plain_size);
/* Adds @entry, found in the cache before (kt_summary_cache_lookup()). */
void                   kt_summary_cache_builder_add_entry (KtSummaryCacheBuilder     *self,
                                                           const KtSummaryCacheEntry *entry);
/* Seals what was added under the key derived from @data_key, and frees
 * (and wipes) @self (transfer full). */
GBytes                *kt_summary_cache_builder_seal (KtSummaryCacheBuilder *self,
                                                      const KtKey           *data_key);
void                   kt_summary_cache_builder_free (KtSummaryCacheBuilder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSummaryCacheBuilder, kt_summary_cache_builder_free)

G_END_DECLS
