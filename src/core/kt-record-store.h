/* kt-record-store.h: encrypted records in one SQLite file (store-only API)
 *
 * The layer under KtStore: it knows records (id, kind, revision, sync
 * state, an encrypted summary and an encrypted body) and the file's
 * metadata, not documents.  Every call is thread-safe and one transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "kt-crypto.h"
#include "kt-store.h"

G_BEGIN_DECLS

/* The schema version this code writes; older files are migrated on open. */
#define KT_RECORD_STORE_SCHEMA_VERSION 4

typedef struct _KtRecordStore KtRecordStore;

typedef struct {
  char        *id;
  KtKind       kind;
  gint64       rev;
  char        *case_id;      /* owning case, NULL for cases */
  gint64       created;
  gint64       updated;
  KtSyncState  sync_state;
  gint64       server_rev;
  GBytes      *summary;      /* plaintext or NULL */
  GBytes      *body;         /* plaintext; NULL in listings */
} KtRecord;

KtRecord *kt_record_new  (void);
void      kt_record_free (KtRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtRecord, kt_record_free)

/* Opens the file at @path, creating it (mode 0600) when absent, and migrates
 * it to the current schema.  A file that is not a SQLite database fails with
 * KT_STORE_ERROR_CORRUPT and is not written to. */
KtRecordStore *kt_record_store_open  (const char  *path,
                                      GError     **error);
void           kt_record_store_close (KtRecordStore *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtRecordStore, kt_record_store_close)

/* Opens at most schema version @version (tests of the migrations). */
KtRecordStore *kt_record_store_open_at_version (const char  *path,
                                                int          version,
                                                GError     **error);
int            kt_record_store_get_schema_version (KtRecordStore *self);

/* Metadata (store uuid, key source, wrapped key): no client data. */
GBytes   *kt_record_store_get_meta (KtRecordStore *self,
                                    const char    *key);
/* Sets pairs of (const char *key, GBytes *value), NULL-terminated, in one
 * transaction. */
gboolean  kt_record_store_set_meta (KtRecordStore *self,
                                    GError       **error,
                                    ...) G_GNUC_NULL_TERMINATED;

/* Takes @key (transfer full); NULL wipes the key held so far. */
void      kt_record_store_set_key  (KtRecordStore *self,
                                    KtKey         *key);
gboolean  kt_record_store_has_key  (KtRecordStore *self);
/* Seals @plain with the key held, bound to @ad (transfer full); NULL while
 * locked.  For the store's small secrets kept in the metadata. */
GBytes   *kt_record_store_seal     (KtRecordStore *self,
                                    GBytes        *ad,
                                    GBytes        *plain);
/* Opens what kt_record_store_seal sealed; NULL while locked or when it does
 * not verify (transfer full). */
GBytes   *kt_record_store_unseal   (KtRecordStore *self,
                                    GBytes        *ad,
                                    GBytes        *sealed);

/* Writes @record (body and summary sealed with the key) in one durable
 * transaction and lifts any quarantine of its id.  Unless @set_sync_state,
 * an existing record keeps its sync state and server revision (a new one
 * starts as KT_SYNC_LOCAL). */
gboolean  kt_record_store_put      (KtRecordStore  *self,
                                    const KtRecord *record,
                                    gboolean        set_sync_state,
                                    GError        **error);
/* The record with its body opened (transfer full).  A record whose body does
 * not authenticate is quarantined and fails with KT_STORE_ERROR_TAMPERED. */
KtRecord *kt_record_store_get      (KtRecordStore  *self,
                                    const char     *id,
                                    GError        **error);
/* Records of @kind belonging to @case_id (or to no case, for NULL: the
 * cases themselves; to any, for KT_RECORD_STORE_ANY_CASE), oldest first,
 * with their summaries opened and no bodies; records that fail
 * authentication are quarantined and left out (element-type KtRecord). */
#define KT_RECORD_STORE_ANY_CASE "*"
GPtrArray *kt_record_store_list    (KtRecordStore  *self,
                                    KtKind          kind,
                                    const char     *case_id,
                                    gboolean        with_summaries,
                                    GError        **error);
/* Called by kt_record_store_foreach_summary() with each opened summary,
 * which is valid (and then wiped) until it returns. */
typedef void (*KtRecordSummaryFunc) (const char   *id,
                                     gint64        updated,
                                     const guint8 *summary,
                                     gsize         size,
                                     gpointer      user_data);
/* The summaries of every record of @kind without a case, oldest first, as
 * kt_record_store_list() with summaries would give them but without a
 * record, a copy or an allocation per row: the case list's path.  Records
 * without a summary are left out; one that does not open is quarantined. */
gboolean   kt_record_store_foreach_summary (KtRecordStore        *self,
                                            KtKind                kind,
                                            KtRecordSummaryFunc   func,
                                            gpointer              user_data,
                                            GError              **error);
/* Ids of every record of @kind, whatever its case, oldest first
 * (element-type utf8); quarantined records are left out. */
GPtrArray *kt_record_store_list_ids (KtRecordStore  *self,
                                     KtKind          kind,
                                     GError        **error);
/* How many records there are, or -1 when the file cannot be read. */
gint64     kt_record_store_count            (KtRecordStore *self);
/* Writes the summary cache the last listing made, if it made one
 * (kt-summary-cache-private.h): one transaction, off the listing's way. */
gboolean   kt_record_store_write_summary_cache (KtRecordStore  *self,
                                                GError        **error);
/* How many summaries the last listing took from the cache (tests). */
guint      kt_record_store_get_summary_cache_hits (KtRecordStore *self);
/* How many records of every kind the file held at the last check or
 * commit, 0 while locked: for sizing what a listing makes, not a count
 * to trust. */
guint      kt_record_store_get_count_hint   (KtRecordStore *self);
/* Ids of quarantined records (element-type utf8). */
GPtrArray *kt_record_store_list_quarantined (KtRecordStore *self);
gboolean   kt_record_store_set_sync_state   (KtRecordStore *self,
                                             const char    *id,
                                             KtSyncState    state,
                                             gint64         server_rev,
                                             GError       **error);

/* Compares the file with its authenticated index (kt-store-index.c) and
 * the counter @mark kept outside it (0 for none), builds the index of a
 * file that has none, and quarantines the records found rolled back or
 * changed.  Fills @check. */
gboolean   kt_record_store_check            (KtRecordStore *self,
                                             guint64        mark,
                                             KtStoreCheck  *check,
                                             GError       **error);
/* Reads what the next kt_record_store_check() needs and no key does (the
 * records' plain columns), so that it can be done while the key is being
 * fetched.  Failing here only leaves the check to read them itself. */
void       kt_record_store_read_ahead       (KtRecordStore *self);
/* Writes the index again from the file as it is and clears its warnings. */
gboolean   kt_record_store_accept_check     (KtRecordStore *self,
                                             GError       **error);
/* The counter of the last commit; FALSE while locked or before the
 * check built the index. */
gboolean   kt_record_store_get_counter      (KtRecordStore *self,
                                             guint64       *counter);
/* The counter as kept in a file outside the database, sealed under the
 * index key (transfer full; NULL while locked). */
GBytes    *kt_record_store_seal_mark        (KtRecordStore *self,
                                             guint64        counter);
gboolean   kt_record_store_open_mark        (KtRecordStore *self,
                                             GBytes        *sealed,
                                             guint64       *counter);

/* The store's error for a failed SQLite call (for kt-store-index.c). */
void       kt_record_store_set_sqlite_error (GError  **error,
                                             int       rc,
                                             sqlite3  *db);

/* Lets the file grow by at most @pages pages (tests of a full disk). */
gboolean   kt_record_store_limit_pages_for_test (KtRecordStore *self,
                                                 guint          pages);

/* Seals bodies as Keukentafel did before they were padded (tests of a
 * store written by that version). */
void       kt_record_store_set_unpadded_for_test (KtRecordStore *self,
                                                  gboolean       unpadded);

/* Holds the store from a thread of its own, as a durable save on a slow
 * disk would, until kt_record_store_release_for_test () or @ms
 * milliseconds have passed; returns once it is held (tests that the main
 * loop does not wait for the store). */
void       kt_record_store_hold_for_test    (KtRecordStore *self,
                                             guint          ms);
gboolean   kt_record_store_is_held_for_test (KtRecordStore *self);
void       kt_record_store_release_for_test (KtRecordStore *self);

#ifdef KT_BENCH_NO_ENCRYPTION_SWITCH
/* Only in the copy of the core built for bench/: writes records without
 * encryption so the benchmark can measure what encryption costs. */
void       kt_record_store_bench_set_plaintext (KtRecordStore *self,
                                                gboolean       plaintext);
/* Stores opened after this use SQLite's default VFS, without the log's
 * gathered writes (kt-wal-vfs.c), for a before and after in one run. */
void       kt_record_store_bench_use_default_vfs (gboolean use);
/* Runs @sql (filling a large store quickly with synchronous = OFF). */
gboolean   kt_record_store_bench_exec          (KtRecordStore *self,
                                                const char    *sql);
#endif

G_END_DECLS
