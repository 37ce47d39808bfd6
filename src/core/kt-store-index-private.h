/* kt-store-index-private.h: the authenticated index of the record store
 *
 * One line per record — id, kind, revision, owning case and a hash of the
 * sealed body and summary — and one sealed root: the XOR of a keyed hash
 * of every line (under a key derived from the data key, never written
 * down), the number of lines, a commit counter and the warnings not yet
 * seen by the user.  A save changes one line and the root (O(log n)); opening walks the
 * small columns of every line once, never the bodies.  Only
 * kt-record-store.c calls this, inside its own transactions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "kt-crypto.h"
#include "kt-store.h"

G_BEGIN_DECLS

#define KT_STORE_INDEX_HASH_SIZE 32

typedef struct _KtStoreIndex KtStoreIndex;

/* The index under the key derived from @data_key; its root is read from
 * @db ("built" when the file has one). */
KtStoreIndex *kt_store_index_new      (const KtKey *data_key,
                                       sqlite3     *db);
void          kt_store_index_free     (KtStoreIndex *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtStoreIndex, kt_store_index_free)

/* Whether the file has an index yet (not before the first check). */
gboolean      kt_store_index_is_built (KtStoreIndex *self);
/* The counter of the last commit (what the mark outside the file says at
 * most). */
guint64       kt_store_index_counter  (KtStoreIndex *self);
/* How many lines the root counts (0 before the first check): a hint. */
guint64       kt_store_index_count    (KtStoreIndex *self);

/* The hash a line keeps of a record's sealed body and summary (NULL for
 * none). */
void          kt_store_index_hash_parts (GBytes *sealed_body,
                                         GBytes *sealed_summary,
                                         guint8  hash[KT_STORE_INDEX_HASH_SIZE]);

/* Inside the caller's transaction: writes the line of a record and the new
 * root.  The root in memory changes only with kt_store_index_commit (after
 * COMMIT), so a rolled-back transaction leaves it as it was. */
gboolean      kt_store_index_stage_put (KtStoreIndex  *self,
                                        sqlite3       *db,
                                        const char    *id,
                                        int            kind,
                                        gint64         rev,
                                        const char    *case_id,
                                        const guint8   hash[KT_STORE_INDEX_HASH_SIZE],
                                        GError       **error);
void          kt_store_index_commit    (KtStoreIndex *self,
                                        gboolean      committed);

/* The hash the line of @id keeps; FALSE when it has none. */
gboolean      kt_store_index_lookup_hash (KtStoreIndex *self,
                                          sqlite3      *db,
                                          const char   *id,
                                          guint8        hash[KT_STORE_INDEX_HASH_SIZE]);

/* The records' plain columns as the check compares them with the lines.
 * They need no key: the open reads them while the keyring looks the key
 * up (kt-store.c). */
typedef struct _KtStoreIndexRecords KtStoreIndexRecords;

/* Reads every record's plain columns (transfer full), room made for
 * @size_hint of them (0: as many as the file suggests); NULL on an
 * error. */
KtStoreIndexRecords *kt_store_index_read_records (sqlite3       *db,
                                                  guint          size_hint,
                                                  GError       **error);
void                 kt_store_index_records_free (KtStoreIndexRecords *records);
/* Reads the index's lines beside @records (read just before, on the same
 * connection) and compares each with its record, so that the check has
 * only the lines' keyed hashes left to do once the key is there.  FALSE
 * when they could not be read: the check then reads them itself. */
gboolean             kt_store_index_read_lines   (KtStoreIndexRecords  *records,
                                                  sqlite3              *db,
                                                  GError              **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtStoreIndexRecords, kt_store_index_records_free)

/* Compares the whole file with the index (called once at open, outside a
 * transaction; it opens its own).  @mark is the counter kept outside the
 * file, 0 when there is none.  @records, when not NULL, are the records as
 * read before (taken, transfer full), with the lines if
 * kt_store_index_read_lines() read them; otherwise they are read now.  Builds
 * the index of a file that has none.  Fills @check (whose records array
 * the caller made); setting aside what it names is the caller's job. */
gboolean      kt_store_index_check     (KtStoreIndex         *self,
                                        sqlite3              *db,
                                        guint64               mark,
                                        KtStoreIndexRecords  *records,
                                        KtStoreCheck         *check,
                                        GError              **error);

/* Brings the index in line with the file as it is now and clears the
 * warnings: the user has seen them. */
gboolean      kt_store_index_accept    (KtStoreIndex  *self,
                                        sqlite3       *db,
                                        GError       **error);

/* The counter kept outside the file, sealed so that a file from another
 * store or an edited one is not taken for it (transfer full). */
GBytes       *kt_store_index_seal_mark (KtStoreIndex *self,
                                        guint64       counter);
/* The counter in @sealed, or FALSE when it does not authenticate. */
gboolean      kt_store_index_open_mark (KtStoreIndex *self,
                                        GBytes       *sealed,
                                        guint64      *counter);

G_END_DECLS
