/* kt-summary-cache-private.h: the sealed cache of the case list's summaries
 *
 * Listing 10,000 cases opened 10,000 sealed summaries, one
 * XChaCha20-Poly1305 call each: half the work of listing.  The cache is one
 * sealed blob (the `meta` row "summary-cache") of every listed summary
 * beside the exact sealed bytes, id and revision it was opened from (the
 * plaintexts encrypted, the rest authenticated with them).  A
 * listing still reads every row; a row whose id, revision and sealed
 * summary are byte for byte the ones in the cache takes the cached
 * plaintext, any other row is opened as before.  So the cache can never
 * show a changed or deleted case (a deleted row is not read, a changed one
 * does not match), and a cache that does not open (tampered, another key,
 * damaged) is no cache: every row is opened.  Never plaintext on disk; only
 * kt-record-store.c calls this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-crypto.h"

G_BEGIN_DECLS

#define KT_SUMMARY_CACHE_META "summary-cache"

typedef struct _KtSummaryCache KtSummaryCache;

/* One summary as the cache holds it. */
typedef struct {
  const char   *id;
  gint64        rev;
  const guint8 *sealed;
  gsize         sealed_size;
  const guint8 *plain;
  gsize         plain_size;
} KtSummaryCacheEntry;

/* The cache sealed in @sealed (NULL: none) under a key derived from
 * @data_key; one that does not open is empty.  The entries point into
 * @sealed, which is kept. */
KtSummaryCache *kt_summary_cache_open    (const KtKey  *data_key,
                                          GBytes       *sealed);
void            kt_summary_cache_free    (KtSummaryCache *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSummaryCache, kt_summary_cache_free)

/* How many entries the cache held when it was opened. */
guint           kt_summary_cache_size    (KtSummaryCache *self);

/* The entry of the summary sealed as @sealed in record @id at @rev, when
 * the cache holds exactly that; NULL otherwise.  Valid until @self is
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
/* Seals what was added under the key derived from @data_key, and frees
 * (and wipes) @self (transfer full). */
GBytes                *kt_summary_cache_builder_seal (KtSummaryCacheBuilder *self,
                                                      const KtKey           *data_key);
void                   kt_summary_cache_builder_free (KtSummaryCacheBuilder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSummaryCacheBuilder, kt_summary_cache_builder_free)

G_END_DECLS
