/* kt-record-store.c: encrypted records in one SQLite file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-store"

#include "config.h"

#include "kt-record-store.h"
#include "kt-huge-buffer-private.h"
#include "kt-store-index-private.h"
#include "kt-summary-cache-private.h"
#include "kt-test-hold-private.h"
#include "kt-wal-vfs-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <unistd.h>

/* The statements of every save, prepared once per connection: parsing
 * them again cost a save as much CPU as running them. */
typedef enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_PUT_SYNCED,
  STMT_PUT_LOCAL,
  STMT_RELEASE,
  N_STMTS
} Stmt;

/* A record is updated in place, never with INSERT OR REPLACE: a replaced
 * row is deleted and inserted under a new rowid, which frees and allocates
 * its body's overflow pages (the freelist on page 1 and its trunk page)
 * and moves its entries in both indexes: pages more in the log that every
 * save syncs. */
static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN]      = "BEGIN IMMEDIATE",
  [STMT_COMMIT]     = "COMMIT",
  [STMT_PUT_SYNCED] = "INSERT INTO records (id, kind, rev, case_id, created, updated,"
                      " sync_state, server_rev, summary, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                      " ON CONFLICT (id) DO UPDATE SET kind = ?2, rev = ?3, case_id = ?4, created = ?5,"
                      " updated = ?6, sync_state = ?7, server_rev = ?8, summary = ?9, body = ?10",
  [STMT_PUT_LOCAL]  = "INSERT INTO records (id, kind, rev, case_id, created, updated,"
                      " sync_state, server_rev, summary, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, ?9, ?10)"
                      " ON CONFLICT (id) DO UPDATE SET kind = ?2, rev = ?3, case_id = ?4, created = ?5,"
                      " updated = ?6, summary = ?9, body = ?10",
  [STMT_RELEASE]    = "DELETE FROM quarantine WHERE id = ?",
};

typedef struct _ListingAhead ListingAhead;
static void listing_ahead_free (ListingAhead *ahead);

struct _KtRecordStore
{
  GMutex   mutex;        /* one caller at a time: every call is a transaction */
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  KtKey   *key;          /* NULL while locked */
  KtStoreIndex *index;   /* with the key: NULL while locked */
  KtStoreIndexRecords *read_ahead; /* for the check, read before the key */
  ListingAhead *listing_ahead;      /* for the case list, read before the key */
  int      version;
  GBytes  *summary_cache; /* sealed, made by the last listing, not yet written */
  guint    summary_cache_hits; /* of the last listing (for tests) */
  gboolean unpadded_for_test; /* bodies sealed as before padding (for tests) */
  /* kt_record_store_hold_for_test (): a thread of its own holds the mutex
   * as a long durable save would. */
  KtTestHold test_hold;
#ifdef KT_BENCH_NO_ENCRYPTION_SWITCH
  gboolean plaintext;
#endif
};

#ifdef KT_BENCH_NO_ENCRYPTION_SWITCH
static gboolean bench_default_vfs;
#endif

/* Each entry brings the schema from version i to i + 1.  Only ids, kinds,
 * revisions, timestamps and sync state are plain columns; the small columns
 * come first so that listings never read the bodies' overflow pages. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY NOT NULL,"
  "  value BLOB NOT NULL);"
  "CREATE TABLE records ("
  "  id         TEXT PRIMARY KEY NOT NULL,"
  "  kind       INTEGER NOT NULL,"
  "  rev        INTEGER NOT NULL,"
  "  case_id    TEXT,"
  "  created    INTEGER NOT NULL,"
  "  updated    INTEGER NOT NULL,"
  "  sync_state INTEGER NOT NULL DEFAULT 0,"
  "  server_rev INTEGER NOT NULL DEFAULT 0,"
  "  summary    BLOB,"
  "  body       BLOB NOT NULL);"
  "CREATE INDEX records_by_kind ON records (kind, case_id, created);",
  /* 1 → 2 */
  "CREATE TABLE quarantine ("
  "  id   TEXT PRIMARY KEY NOT NULL,"
  "  kind INTEGER NOT NULL,"
  "  rev  INTEGER NOT NULL,"
  "  at   INTEGER NOT NULL);",
  /* 2 → 3: listings read a covering index (about 200 bytes a record)
   * instead of walking rows that carry whole bodies. */
  "DROP INDEX records_by_kind;"
  "CREATE INDEX records_listing ON records"
  "  (kind, case_id, created, id, rev, updated, sync_state, server_rev, summary);",
  /* 3 → 4: the authenticated index (kt-store-index.c).  Its lines need
   * the key, so the store fills it at the first open with the key. */
  "CREATE TABLE record_index ("
  "  id      TEXT PRIMARY KEY NOT NULL,"
  "  kind    INTEGER NOT NULL,"
  "  rev     INTEGER NOT NULL,"
  "  case_id TEXT,"
  "  hash    BLOB NOT NULL) WITHOUT ROWID;",
};
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == KT_RECORD_STORE_SCHEMA_VERSION);

/* The store's error domain lives in its lowest layer, the first to raise it. */
G_DEFINE_QUARK (kt-store-error-quark, kt_store_error)

KtRecord *
kt_record_new (void)
{
  return g_new0 (KtRecord, 1);
}

void
kt_record_free (KtRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->id);
  g_free (record->case_id);
  g_clear_pointer (&record->summary, g_bytes_unref);
  g_clear_pointer (&record->body, g_bytes_unref);
  g_free (record);
}

/* Turns a SQLite result code into the error a user can act on.  The SQLite
 * message never carries record contents (they are bound, never inlined). */
void
kt_record_store_set_sqlite_error (GError  **error,
                                  int       rc,
                                  sqlite3  *db)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_DISK_FULL,
                           _("The disk is full. Your changes are kept and saved as soon as there is room."));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_CORRUPT,
                           _("The data file is damaged. It has been left as it is; ask your administrator for help."));
      break;
    default:
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_IO,
                           _("The data file could not be read or written."));
      break;
    }
  g_debug ("SQLite: %s (%d)", db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc), rc);
}

static gboolean
exec (KtRecordStore  *self,
      const char     *sql,
      GError        **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      kt_record_store_set_sqlite_error (error, rc, self->db);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (KtRecordStore  *self,
         const char     *sql,
         GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      kt_record_store_set_sqlite_error (error, rc, self->db);
      return NULL;
    }
  return stmt;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static gboolean
step_done (KtRecordStore  *self,
           sqlite3_stmt   *stmt,
           GError        **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      kt_record_store_set_sqlite_error (error, rc, self->db);
      return FALSE;
    }
  return TRUE;
}

/* A statement of stmt_sql, prepared at its first use.  Reset after each
 * use (cached_done), so that no read stays open. */
static sqlite3_stmt *
cached (KtRecordStore  *self,
        Stmt            which,
        GError        **error)
{
  if (self->stmts[which] == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[which], NULL);

      if (rc != SQLITE_OK)
        {
          kt_record_store_set_sqlite_error (error, rc, self->db);
          return NULL;
        }
    }
  return self->stmts[which];
}

static void
cached_done (sqlite3_stmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static gboolean
exec_cached (KtRecordStore  *self,
             Stmt            which,
             GError        **error)
{
  sqlite3_stmt *stmt = cached (self, which, error);
  gboolean ok = stmt != NULL && step_done (self, stmt, error);

  cached_done (stmt);
  return ok;
}

static gboolean
begin (KtRecordStore  *self,
       GError        **error)
{
  return exec_cached (self, STMT_BEGIN, error);
}

/* Commits, or rolls back whatever is left when something failed. */
static gboolean
end (KtRecordStore  *self,
     gboolean        ok,
     GError        **error)
{
  if (ok && exec_cached (self, STMT_COMMIT, error))
    return TRUE;
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
migrate (KtRecordStore  *self,
         int             target,
         GError        **error)
{
  while (self->version < target)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", self->version + 1);
      gboolean ok;

      if (!begin (self, error))
        return FALSE;
      ok = exec (self, migrations[self->version], error) && exec (self, bump, error);
      if (!end (self, ok, error))
        return FALSE;
      self->version++;
    }
  return TRUE;
}

/* Makes the file with owner-only permissions before SQLite sees it, so the
 * database and its -wal and -shm files (which copy the mode) stay private. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, KT_STORE_ERROR,
                   saved_errno == ENOSPC ? KT_STORE_ERROR_DISK_FULL : KT_STORE_ERROR_IO,
                   _("The folder for the data could not be made: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST)
    {
      int saved_errno = errno;
      g_set_error (error, KT_STORE_ERROR,
                   saved_errno == ENOSPC ? KT_STORE_ERROR_DISK_FULL : KT_STORE_ERROR_IO,
                   _("The data file could not be made: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  if (fd >= 0)
    close (fd);
  return TRUE;
}

/* SQLite's page cache, process-wide, in huge pages
 * (kt-huge-buffer-private.h).  The first open and list of 10,000 cases
 * reads about 500 pages of the listing index and the index's lines into
 * it: each a fresh allocation of a page and its header, a page fault or
 * two, about 500 of the 1,700 faults of a fresh process.  Slots for pages
 * of 4 KiB (SQLite's default, and the store's); a larger page, and any
 * page once the slots are taken, comes from malloc as before, and so does
 * all of it if SQLite had started before this (SQLITE_MISUSE).  One huge
 * page, 481 slots: the store's connection holds at most about 470 pages
 * (cache_size -2000, in KiB); the outbox's few may come from malloc.  A
 * second huge page would be zeroed (on this VM backed by the host, up to
 * 2–4 ms when the host has to find it fresh memory) for a handful of
 * pages. */
#define PAGE_CACHE_SIZE (2 * 1024 * 1024)

static GOnce page_cache_once = G_ONCE_INIT;

static gpointer
give_sqlite_page_cache (gpointer data)
{
  int header = 0;
  int slot;
  gpointer memory;

  if (sqlite3_config (SQLITE_CONFIG_PCACHE_HDRSZ, &header) != SQLITE_OK)
    return NULL;
  slot = (4096 + header + 7) & ~7;
  memory = kt_huge_buffer_alloc (PAGE_CACHE_SIZE);
  if (sqlite3_config (SQLITE_CONFIG_PAGECACHE, memory, slot, (int) (PAGE_CACHE_SIZE / slot)) != SQLITE_OK)
    {
      g_debug ("SQLite had started: its page cache stays in malloc's memory");
      kt_huge_buffer_free (memory, PAGE_CACHE_SIZE);
    }
  return NULL;
}

KtRecordStore *
kt_record_store_open_at_version (const char  *path,
                                 int          version,
                                 GError     **error)
{
  g_autoptr(KtRecordStore) self = g_new0 (KtRecordStore, 1);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (version >= 1 && version <= KT_RECORD_STORE_SCHEMA_VERSION, NULL);

  g_mutex_init (&self->mutex);
  kt_test_hold_init (&self->test_hold);

  if (!create_private_file (path, error))
    return NULL;

  /* Before SQLite starts: the VFS's registration starts it. */
  g_once (&page_cache_once, give_sqlite_page_cache, NULL);

  /* The default VFS but for the log, whose frames a commit writes in one
   * call instead of two a page (kt-wal-vfs.c); the same durability. */
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
#ifdef KT_BENCH_NO_ENCRYPTION_SWITCH
                        bench_default_vfs ? NULL :
#endif
                        kt_wal_vfs_name ());
  if (rc != SQLITE_OK)
    {
      kt_record_store_set_sqlite_error (error, rc, self->db);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 5000);

  /* Read the header before anything that could write: a file that is not
   * a database must stay byte for byte as it was. */
  stmt = prepare (self, "PRAGMA user_version", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      kt_record_store_set_sqlite_error (error, rc, self->db);
      return NULL;
    }
  self->version = sqlite3_column_int (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (self->version > KT_RECORD_STORE_SCHEMA_VERSION)
    {
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_IO,
                           _("The data file was made by a newer version of Keukentafel. Update Keukentafel to open it."));
      return NULL;
    }

  /* WAL with a sync of the log on every commit: a save that returned is on
   * disk, and a crash at any moment leaves the last commit readable. */
  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) ||
      !exec (self, "PRAGMA temp_store = MEMORY", error) ||
      /* Debian builds SQLite with secure_delete on, which zeroes every page
       * a save frees and writes it to the log: a replaced body's overflow
       * pages, doubling what a save syncs.  Those pages hold only sealed
       * bytes; FAST still clears what is freed inside b-tree pages (where
       * the plain columns live) and costs no extra write. */
      !exec (self, "PRAGMA secure_delete = FAST", error) ||
      !migrate (self, version, error))
    return NULL;

  return g_steal_pointer (&self);
}

KtRecordStore *
kt_record_store_open (const char  *path,
                      GError     **error)
{
  return kt_record_store_open_at_version (path, KT_RECORD_STORE_SCHEMA_VERSION, error);
}

void
kt_record_store_close (KtRecordStore *self)
{
  if (self == NULL)
    return;
  kt_record_store_release_for_test (self);
  kt_test_hold_clear (&self->test_hold);
  g_clear_pointer (&self->index, kt_store_index_free);
  g_clear_pointer (&self->read_ahead, kt_store_index_records_free);
  g_clear_pointer (&self->listing_ahead, listing_ahead_free);
  g_clear_pointer (&self->key, kt_key_free);
  g_clear_pointer (&self->summary_cache, g_bytes_unref);
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

int
kt_record_store_get_schema_version (KtRecordStore *self)
{
  return self->version;
}

GBytes *
kt_record_store_get_meta (KtRecordStore *self,
                          const char    *key)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
}

gboolean
kt_record_store_set_meta (KtRecordStore  *self,
                          GError        **error,
                          ...)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = TRUE;
  const char *key;
  va_list args;

  stmt = prepare (self, "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                        " ON CONFLICT (key) DO UPDATE SET value = ?2", error);
  if (stmt == NULL || !begin (self, error))
    return FALSE;

  va_start (args, error);
  while (ok && (key = va_arg (args, const char *)) != NULL)
    {
      GBytes *value = va_arg (args, GBytes *);
      gsize size;
      gconstpointer data = g_bytes_get_data (value, &size);

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, data != NULL ? data : "", size, SQLITE_STATIC);
      ok = step_done (self, stmt, error);
    }
  va_end (args);

  return end (self, ok, error);
}

void
kt_record_store_set_key (KtRecordStore *self,
                         KtKey         *key)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  g_clear_pointer (&self->index, kt_store_index_free);
  g_clear_pointer (&self->key, kt_key_free);
  self->key = key;
  if (key != NULL)
    self->index = kt_store_index_new (key, self->db);
}

gboolean
kt_record_store_has_key (KtRecordStore *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->key != NULL;
}

GBytes *
kt_record_store_seal (KtRecordStore *self,
                      GBytes        *ad,
                      GBytes        *plain)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->key != NULL ? kt_crypto_seal (self->key, ad, plain) : NULL;
}

GBytes *
kt_record_store_unseal (KtRecordStore *self,
                        GBytes        *ad,
                        GBytes        *sealed)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->key != NULL ? kt_crypto_open (self->key, ad, sealed) : NULL;
}

gboolean
kt_record_store_limit_pages_for_test (KtRecordStore *self,
                                      guint          pages)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "PRAGMA page_count", NULL);
  g_autofree char *sql = NULL;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                         (gint64) sqlite3_column_int64 (stmt, 0) + pages);
  return exec (self, sql, NULL);
}

void
kt_record_store_set_unpadded_for_test (KtRecordStore *self,
                                       gboolean       unpadded)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  self->unpadded_for_test = unpadded;
}

static void
take_mutex (gpointer data)
{
  KtRecordStore *self = data;

  g_mutex_lock (&self->mutex);
}

static void
let_go_of_mutex (gpointer data)
{
  KtRecordStore *self = data;

  g_mutex_unlock (&self->mutex);
}

void
kt_record_store_hold_for_test (KtRecordStore *self,
                               guint          ms)
{
  kt_test_hold_begin (&self->test_hold, "kt-hold-for-test", ms, take_mutex, let_go_of_mutex, self);
}

gboolean
kt_record_store_is_held_for_test (KtRecordStore *self)
{
  return kt_test_hold_is_held (&self->test_hold);
}

void
kt_record_store_release_for_test (KtRecordStore *self)
{
  kt_test_hold_end (&self->test_hold);
}

#ifdef KT_BENCH_NO_ENCRYPTION_SWITCH
void
kt_record_store_bench_set_plaintext (KtRecordStore *self,
                                     gboolean       plaintext)
{
  self->plaintext = plaintext;
}

void
kt_record_store_bench_use_default_vfs (gboolean use)
{
  bench_default_vfs = use;
}

gboolean
kt_record_store_bench_exec (KtRecordStore *self,
                            const char    *sql)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return exec (self, sql, NULL);
}
#endif

static GBytes *
record_ad (const char *id,
           KtKind      kind,
           gint64      rev,
           const char *case_id,
           const char *part)
{
  g_autofree char *bound = g_strconcat (case_id != NULL ? case_id : "", "|", part, NULL);

  return kt_crypto_record_ad (id, kind, rev, bound);
}

static GBytes *
seal_part (KtRecordStore  *self,
           const KtRecord *record,
           GBytes         *plain,
           const char     *part)
{
  g_autoptr(GBytes) ad = NULL;

#ifdef KT_BENCH_NO_ENCRYPTION_SWITCH
  /* Padded as the sealed body is, so that the two saves the bench
   * compares differ by the cipher only. */
  if (self->plaintext && g_str_equal (part, "body"))
    return kt_crypto_pad (plain);
  if (self->plaintext)
    return g_bytes_ref (plain);
#endif
  ad = record_ad (record->id, record->kind, record->rev, record->case_id, part);
  /* Bodies are padded: one typed into keeps its size for most saves, so
   * SQLite writes the row over its own cell and overflow pages (no pages
   * freed and allocated, no freelist or page 1 in the log); the list's
   * summaries are small and rarely change, and stay as they were. */
  if (g_str_equal (part, "body") && !self->unpadded_for_test)
    return kt_crypto_seal_padded (self->key, ad, plain);
  return kt_crypto_seal (self->key, ad, plain);
}

static gboolean
check_key (KtRecordStore  *self,
           GError        **error)
{
  if (self->key != NULL)
    return TRUE;
  g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED,
                       _("The data is locked. Unlock it to continue."));
  return FALSE;
}

static void
bind_bytes (sqlite3_stmt *stmt,
            int           column,
            GBytes       *bytes)
{
  gsize size;
  gconstpointer data;

  if (bytes == NULL)
    {
      sqlite3_bind_null (stmt, column);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  sqlite3_bind_blob (stmt, column, data != NULL ? data : "", size, SQLITE_STATIC);
}

gboolean
kt_record_store_put (KtRecordStore   *self,
                     const KtRecord  *record,
                     gboolean         set_sync_state,
                     GError         **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) summary = NULL;
  sqlite3_stmt *insert;
  sqlite3_stmt *release;
  guint8 hash[KT_STORE_INDEX_HASH_SIZE];
  gboolean ok;

  g_return_val_if_fail (record->id != NULL && record->body != NULL, FALSE);

  if (!check_key (self, error))
    return FALSE;

  /* Seal before the transaction so the write lock is held for the write only. */
  body = seal_part (self, record, record->body, "body");
  if (record->summary != NULL)
    summary = seal_part (self, record, record->summary, "summary");
  kt_store_index_hash_parts (body, summary, hash);

  insert = cached (self, set_sync_state ? STMT_PUT_SYNCED : STMT_PUT_LOCAL, error);
  release = cached (self, STMT_RELEASE, error);
  if (insert == NULL || release == NULL)
    return FALSE;

  sqlite3_bind_text (insert, 1, record->id, -1, SQLITE_STATIC);
  sqlite3_bind_int (insert, 2, record->kind);
  sqlite3_bind_int64 (insert, 3, record->rev);
  if (record->case_id != NULL)
    sqlite3_bind_text (insert, 4, record->case_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (insert, 4);
  sqlite3_bind_int64 (insert, 5, record->created);
  sqlite3_bind_int64 (insert, 6, record->updated);
  sqlite3_bind_int (insert, 7, record->sync_state);
  sqlite3_bind_int64 (insert, 8, record->server_rev);
  bind_bytes (insert, 9, summary);
  bind_bytes (insert, 10, body);
  sqlite3_bind_text (release, 1, record->id, -1, SQLITE_STATIC);

  if (!begin (self, error))
    {
      cached_done (insert);
      cached_done (release);
      return FALSE;
    }
  /* The record, its line in the index and the index's root commit
   * together, or not at all. */
  ok = step_done (self, insert, error) && step_done (self, release, error) &&
       kt_store_index_stage_put (self->index, self->db, record->id, record->kind, record->rev,
                                 record->case_id, hash, error);
  cached_done (insert);
  cached_done (release);
  ok = end (self, ok, error);
  kt_store_index_commit (self->index, ok);
  return ok;
}

static void
quarantine (KtRecordStore *self,
            const char    *id,
            KtKind         kind,
            gint64         rev)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
                                          "INSERT OR REPLACE INTO quarantine (id, kind, rev, at)"
                                          " VALUES (?, ?, ?, ?)", NULL);

  g_message ("A record failed authentication and was quarantined");
  if (stmt == NULL)
    return;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, kind);
  sqlite3_bind_int64 (stmt, 3, rev);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  /* Even when this write fails (disk full) the record is refused. */
  step_done (self, stmt, NULL);
}

static gboolean
is_quarantined (KtRecordStore *self,
                const char    *id)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT 1 FROM quarantine WHERE id = ?", NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static void
set_tampered_error (GError **error)
{
  g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_TAMPERED,
                       _("A record was changed outside Keukentafel or is damaged. It has been set aside; all other records are safe."));
}

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  return g_bytes_new (sqlite3_column_blob (stmt, column), sqlite3_column_bytes (stmt, column));
}

/* Fills the plain columns of @record from @stmt: id, kind, rev, case_id,
 * created, updated, sync_state, server_rev in that order. */
static void
read_plain_columns (sqlite3_stmt *stmt,
                    KtRecord     *record)
{
  record->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  record->kind = sqlite3_column_int (stmt, 1);
  record->rev = sqlite3_column_int64 (stmt, 2);
  record->case_id = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  record->created = sqlite3_column_int64 (stmt, 4);
  record->updated = sqlite3_column_int64 (stmt, 5);
  record->sync_state = sqlite3_column_int (stmt, 6);
  record->server_rev = sqlite3_column_int64 (stmt, 7);
}

/* Opens a sealed part of @record; NULL when it does not authenticate. */
static GBytes *
open_part (KtRecordStore *self,
           KtRecord      *record,
           GBytes        *sealed,
           const char    *part)
{
  g_autoptr(GBytes) ad = record_ad (record->id, record->kind, record->rev,
                                    record->case_id, part);

  return kt_crypto_open (self->key, ad, sealed);
}

#define PLAIN_COLUMNS "id, kind, rev, case_id, created, updated, sync_state, server_rev"

KtRecord *
kt_record_store_get (KtRecordStore  *self,
                     const char     *id,
                     GError        **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(KtRecord) record = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) sealed_summary = NULL;
  gboolean as_indexed = TRUE;
  int rc;

  if (!check_key (self, error))
    return NULL;

  if (is_quarantined (self, id))
    {
      set_tampered_error (error);
      return NULL;
    }

  stmt = prepare (self, "SELECT " PLAIN_COLUMNS ", body, summary FROM records WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_NOT_FOUND,
                           _("This record is not on this device."));
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      kt_record_store_set_sqlite_error (error, rc, self->db);
      return NULL;
    }

  record = kt_record_new ();
  read_plain_columns (stmt, record);
  sealed = column_bytes (stmt, 8);
  sealed_summary = column_bytes (stmt, 9);
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* The check at open compared revisions; the ciphertext itself is
   * compared here, where it is read anyway: another genuine body of the
   * same revision (a copy from the WAL of an earlier save) is refused. */
  if (kt_store_index_is_built (self->index))
    {
      guint8 expected[KT_STORE_INDEX_HASH_SIZE], found[KT_STORE_INDEX_HASH_SIZE];

      kt_store_index_hash_parts (sealed, sealed_summary, found);
      as_indexed = kt_store_index_lookup_hash (self->index, self->db, id, expected) &&
                   sodium_memcmp (expected, found, sizeof found) == 0;
    }

  record->body = sealed != NULL && as_indexed ? open_part (self, record, sealed, "body") : NULL;
  /* The summary is opened too, though only the body is returned: the case
   * list may show it from the summary cache, which knows a sealed summary
   * by its nonce, tag and length alone (kt-summary-cache-private.h), so
   * opening the case is where a summary changed byte by byte is refused. */
  if (record->body != NULL && sealed_summary != NULL)
    {
      g_autoptr(GBytes) summary = open_part (self, record, sealed_summary, "summary");

      if (summary == NULL)
        g_clear_pointer (&record->body, g_bytes_unref);
    }
  if (record->body == NULL || record->kind < 0 || record->kind >= KT_N_KINDS)
    {
      quarantine (self, id, record->kind, record->rev);
      set_tampered_error (error);
      return NULL;
    }
  return g_steal_pointer (&record);
}

GPtrArray *
kt_record_store_list (KtRecordStore  *self,
                      KtKind          kind,
                      const char     *case_id,
                      gboolean        with_summaries,
                      GError        **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_record_free);
  g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_record_free);
  int rc;

  if (with_summaries && !check_key (self, error))
    return NULL;

  stmt = prepare (self,
                  g_strcmp0 (case_id, KT_RECORD_STORE_ANY_CASE) == 0
                  ? "SELECT " PLAIN_COLUMNS ", summary FROM records WHERE kind = ?1"
                    " AND id NOT IN (SELECT id FROM quarantine) ORDER BY created, id"
                  : case_id != NULL
                  ? "SELECT " PLAIN_COLUMNS ", summary FROM records WHERE kind = ?1 AND case_id = ?2"
                    " AND id NOT IN (SELECT id FROM quarantine) ORDER BY created, id"
                  : "SELECT " PLAIN_COLUMNS ", summary FROM records WHERE kind = ?1 AND case_id IS NULL"
                    " AND id NOT IN (SELECT id FROM quarantine) ORDER BY created, id",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, kind);
  if (case_id != NULL && g_strcmp0 (case_id, KT_RECORD_STORE_ANY_CASE) != 0)
    sqlite3_bind_text (stmt, 2, case_id, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KtRecord) record = kt_record_new ();

      read_plain_columns (stmt, record);
      if (with_summaries)
        {
          /* Opened straight from SQLite's buffer: no copy per row. */
          g_autoptr(GBytes) sealed = sqlite3_column_type (stmt, 8) == SQLITE_NULL ? NULL :
            g_bytes_new_static (sqlite3_column_blob (stmt, 8), sqlite3_column_bytes (stmt, 8));

          if (sealed != NULL)
            {
              record->summary = open_part (self, record, sealed, "summary");
              if (record->summary == NULL)
                {
                  g_ptr_array_add (failed, g_steal_pointer (&record));
                  continue;
                }
            }
        }
      g_ptr_array_add (records, g_steal_pointer (&record));
    }
  if (rc != SQLITE_DONE)
    {
      kt_record_store_set_sqlite_error (error, rc, self->db);
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint i = 0; i < failed->len; i++)
    {
      KtRecord *record = g_ptr_array_index (failed, i);
      quarantine (self, record->id, record->kind, record->rev);
    }

  return g_steal_pointer (&records);
}

/* The summary cache as the file has it (empty for none), sealed, to be
 * opened with the key (kt_summary_cache_open()); it needs none to be read,
 * so an open reads it while the keyring looks the key up.  Read straight
 * into a buffer of its own, where it is opened: sqlite3_column_blob()
 * copied it into memory SQLite allocates, out of which it was opened into
 * a third buffer. */
static KtSummaryCache *
read_summary_cache_value (KtRecordStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT rowid FROM meta WHERE key = '" KT_SUMMARY_CACHE_META "'", NULL);
  sqlite3_blob *blob = NULL;
  KtSummaryCache *cache = NULL;
  int size;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW ||
      sqlite3_blob_open (self->db, "main", "meta", "value", sqlite3_column_int64 (stmt, 0), 0, &blob) != SQLITE_OK)
    {
      sqlite3_blob_close (blob);
      return kt_summary_cache_new (0);
    }
  size = sqlite3_blob_bytes (blob);
  if (size > 0)
    {
      cache = kt_summary_cache_new (size);
      if (sqlite3_blob_read (blob, kt_summary_cache_value (cache), size, 0) != SQLITE_OK)
        g_clear_pointer (&cache, kt_summary_cache_free);
    }
  sqlite3_blob_close (blob);
  if (cache == NULL)
    return kt_summary_cache_new (0);
  return cache;
}

static void
add_entries (KtSummaryCacheBuilder *builder,
             GPtrArray             *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      kt_summary_cache_builder_add_entry (builder, g_ptr_array_index (entries, i));
    }
}

/* Quarantine is nearly always empty: SQLite evaluates NOT EXISTS once and
 * then skips the look-up of every row's id in it (about 270 instructions a
 * row), in the same statement and so the same read. */
#define LISTING_SQL \
  "SELECT id, kind, rev, updated, summary FROM records WHERE kind = ?1 AND case_id IS NULL" \
  " AND summary IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM quarantine)" \
  " OR id NOT IN (SELECT id FROM quarantine)) ORDER BY created, id"

/* One listed row as read before the key: its columns, the strings and
 * the sealed summary in the listing's memory. */
typedef struct {
  const char   *id;
  const guint8 *sealed;
  gint64        rev;
  gint64        updated;
  gsize         sealed_size;
  int           kind;
} ListingRow;

/* Room for a row's id (a UUID) and sealed summary. */
#define LISTING_ROW_ROOM 256

/* The case list's rows and the sealed summary cache, read while the
 * keyring looks the key up (kt_record_store_read_ahead()): walking the
 * rows in SQLite is most of a listing's work and needs no key.  Taken by
 * the first listing of that kind if nothing was committed since. */
struct _ListingAhead
{
  gint64          data_version; /* other connections' commits, when read */
  gint64          changes;      /* this connection's, when read */
  KtKind          kind;
  KtSummaryCache *cache;        /* the sealed value, not opened */
  ListingRow     *rows;         /* in @memory, or of their own once more came */
  guint           n_rows;
  guint           max_rows;
  guint8         *memory;
  gsize           memory_size;
  guint8         *bytes_next;   /* the room left in @memory for strings and summaries */
  guint8         *bytes_end;
  GStringChunk   *bytes;        /* what did not fit, or NULL */
};

static void
listing_ahead_free (ListingAhead *ahead)
{
  if (ahead == NULL)
    return;
  g_clear_pointer (&ahead->cache, kt_summary_cache_free);
  if ((guint8 *) ahead->rows != ahead->memory)
    g_free (ahead->rows);
  g_clear_pointer (&ahead->bytes, g_string_chunk_free);
  kt_huge_buffer_free (ahead->memory, ahead->memory_size);
  g_free (ahead);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ListingAhead, listing_ahead_free)

static const guint8 *
listing_ahead_copy (ListingAhead  *ahead,
                    gconstpointer  data,
                    gsize          size)
{
  guint8 *copy;

  /* With its NUL, for the strings. */
  if ((gsize) (ahead->bytes_end - ahead->bytes_next) < size + 1)
    {
      if (ahead->bytes == NULL)
        ahead->bytes = g_string_chunk_new (64 * 1024);
      return (const guint8 *) g_string_chunk_insert_len (ahead->bytes, data, size);
    }
  copy = ahead->bytes_next;
  memcpy (copy, data, size);
  copy[size] = '\0';
  ahead->bytes_next += size + 1;
  return copy;
}

static ListingRow *
listing_ahead_add (ListingAhead *ahead)
{
  if (ahead->n_rows == ahead->max_rows)
    {
      guint max = MAX (16, ahead->max_rows * 2);
      ListingRow *rows = g_new (ListingRow, max);

      if (ahead->n_rows > 0)
        memcpy (rows, ahead->rows, ahead->n_rows * sizeof (ListingRow));
      if ((guint8 *) ahead->rows != ahead->memory)
        g_free (ahead->rows);
      ahead->rows = rows;
      ahead->max_rows = max;
    }
  return &ahead->rows[ahead->n_rows++];
}

static gint64
data_version (KtRecordStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "PRAGMA data_version", NULL);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  return -1;
}

/* The rows of @kind's listing and the sealed cache, or NULL when they
 * could not be read (the listing then reads them itself). */
static ListingAhead *
listing_ahead_read (KtRecordStore *self,
                    KtKind         kind)
{
  g_autoptr(ListingAhead) ahead = g_new0 (ListingAhead, 1);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) count = NULL;
  guint hint = 0;
  int rc;

  ahead->kind = kind;
  ahead->data_version = data_version (self);
  ahead->changes = sqlite3_total_changes64 (self->db);
  if (ahead->data_version < 0)
    return NULL;
  /* Room for as many rows as the file has records: room not used is
   * never touched (kt-huge-buffer-private.h). */
  count = prepare (self, "SELECT max(rowid) FROM records", NULL);
  if (count != NULL && sqlite3_step (count) == SQLITE_ROW)
    hint = (guint) CLAMP (sqlite3_column_int64 (count, 0), 0, 1 << 20);
  g_clear_pointer (&count, sqlite3_finalize);
  ahead->memory_size = hint * (sizeof (ListingRow) + LISTING_ROW_ROOM);
  ahead->memory = hint > 0 ? kt_huge_buffer_alloc (ahead->memory_size) : NULL;
  ahead->rows = (ListingRow *) ahead->memory;
  ahead->max_rows = ahead->memory != NULL ? hint : 0;
  ahead->bytes_next = ahead->memory != NULL ? ahead->memory + hint * sizeof (ListingRow) : NULL;
  ahead->bytes_end = ahead->memory != NULL ? ahead->memory + ahead->memory_size : NULL;

  ahead->cache = read_summary_cache_value (self);
  stmt = prepare (self, LISTING_SQL, NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, kind);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      const guint8 *sealed = sqlite3_column_blob (stmt, 4);
      ListingRow *row;

      /* NOT NULL in the schema; a file changed outside could still. */
      if (id == NULL || sealed == NULL)
        return NULL;
      row = listing_ahead_add (ahead);
      row->id = (const char *) listing_ahead_copy (ahead, id, sqlite3_column_bytes (stmt, 0));
      row->kind = sqlite3_column_int (stmt, 1);
      row->rev = sqlite3_column_int64 (stmt, 2);
      row->updated = sqlite3_column_int64 (stmt, 3);
      row->sealed_size = sqlite3_column_bytes (stmt, 4);
      row->sealed = listing_ahead_copy (ahead, sealed, row->sealed_size);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&ahead);
}

/* What a listing gathers row by row. */
typedef struct {
  KtRecordStore         *self;
  KtRecordSummaryFunc    func;
  gpointer               user_data;
  KtSummaryCache        *cache;
  KtSummaryCacheBuilder *next;
  GPtrArray             *hit_entries;
  GPtrArray             *failed;
  guint8                 buffer[1024];
  gsize                  used;
  guint                  rows;
  guint                  hits;
} Listing;

static void
listing_row (Listing      *listing,
             const char   *id,
             int           row_kind,
             gint64        rev,
             gint64        updated,
             const guint8 *sealed,
             gsize         sealed_size)
{
  KtRecordStore *self = listing->self;
  const KtSummaryCacheEntry *entry;
  char ad[256];
  gssize ad_size;
  gssize size = -1;

  listing->rows++;
  entry = kt_summary_cache_lookup (listing->cache, id, rev, sealed, sealed_size);
  if (entry != NULL)
    {
      listing->hits++;
      if (listing->next != NULL)
        kt_summary_cache_builder_add_entry (listing->next, entry);
      else
        g_ptr_array_add (listing->hit_entries, (gpointer) entry);
      listing->func (id, updated, entry->plain, entry->plain_size, listing->user_data);
      return;
    }
  if (listing->next == NULL)
    {
      listing->next = kt_summary_cache_builder_new (MAX (kt_summary_cache_size (listing->cache), listing->rows));
      add_entries (listing->next, listing->hit_entries);
    }

  /* The same associated data as open_part() builds, for a record
   * without a case; a summary larger than the buffer (a household
   * name of a kilobyte) takes the slower way. */
  ad_size = kt_crypto_record_ad_into (ad, sizeof ad, id, row_kind, rev, "", "summary");
  if (ad_size >= 0)
    size = kt_crypto_open_into (self->key, (const guint8 *) ad, ad_size,
                                sealed, sealed_size, listing->buffer, sizeof listing->buffer);
  if (size < 0)
    {
      g_autoptr(KtRecord) record = kt_record_new ();
      g_autoptr(GBytes) wrapped = g_bytes_new_static (sealed, sealed_size);
      g_autoptr(GBytes) plain = NULL;

      record->id = g_strdup (id);
      record->kind = row_kind;
      record->rev = rev;
      plain = open_part (self, record, wrapped, "summary");
      if (plain == NULL)
        {
          g_ptr_array_add (listing->failed, g_steal_pointer (&record));
          return;
        }
      kt_summary_cache_builder_add (listing->next, id, rev, sealed, sealed_size,
                                    g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
      listing->func (id, updated, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                     listing->user_data);
      return;
    }
  kt_summary_cache_builder_add (listing->next, id, rev, sealed, sealed_size, listing->buffer, size);
  listing->func (id, updated, listing->buffer, size, listing->user_data);
  listing->used = MAX (listing->used, (gsize) size);
}

gboolean
kt_record_store_foreach_summary (KtRecordStore        *self,
                                 KtKind                kind,
                                 KtRecordSummaryFunc   func,
                                 gpointer              user_data,
                                 GError              **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_record_free);
  g_autoptr(KtSummaryCache) cache = NULL;
  g_autoptr(KtSummaryCacheBuilder) next = NULL;
  g_autoptr(GPtrArray) hit_entries = g_ptr_array_new ();
  g_autoptr(ListingAhead) ahead = g_steal_pointer (&self->listing_ahead);
  Listing listing;
  guint rows, hits;
  int rc;

  if (!check_key (self, error))
    return FALSE;

  /* Rows read before the key, if nothing was committed since (the check
   * at open may have set records aside). */
  if (ahead != NULL && (ahead->kind != kind || ahead->data_version != data_version (self) ||
                        ahead->changes != sqlite3_total_changes64 (self->db)))
    g_clear_pointer (&ahead, listing_ahead_free);

  /* Rows the cache holds as they are now take its plaintext; the others
   * are opened one by one (kt-summary-cache-private.h).  A new cache is
   * gathered from the first row opened on: until then the entries found
   * are enough to make it. */
  cache = ahead != NULL ? g_steal_pointer (&ahead->cache) : read_summary_cache_value (self);
  kt_summary_cache_open (cache, self->key);

  listing = (Listing) {
    .self = self,
    .func = func,
    .user_data = user_data,
    .cache = cache,
    .hit_entries = hit_entries,
    .failed = failed,
  };
  if (ahead != NULL)
    {
      for (guint i = 0; i < ahead->n_rows; i++)
        {
          const ListingRow *row = &ahead->rows[i];

          listing_row (&listing, row->id, row->kind, row->rev, row->updated, row->sealed, row->sealed_size);
        }
      rc = SQLITE_DONE;
    }
  else
    {
      stmt = prepare (self, LISTING_SQL, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int (stmt, 1, kind);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        listing_row (&listing, (const char *) sqlite3_column_text (stmt, 0), sqlite3_column_int (stmt, 1),
                     sqlite3_column_int64 (stmt, 2), sqlite3_column_int64 (stmt, 3),
                     sqlite3_column_blob (stmt, 4), sqlite3_column_bytes (stmt, 4));
    }
  sodium_memzero (listing.buffer, listing.used);
  next = g_steal_pointer (&listing.next);
  rows = listing.rows;
  hits = listing.hits;
  if (rc != SQLITE_DONE)
    {
      kt_record_store_set_sqlite_error (error, rc, self->db);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  self->summary_cache_hits = hits;

  /* A new cache when a sixteenth of it is off: rows opened one by one
   * (new or changed since) and entries of rows no longer listed.  Sealed
   * now, while the key is here; written later, off the listing's way
   * (kt_record_store_write_summary_cache()). */
  if ((rows - hits) + (kt_summary_cache_size (cache) - hits) > 0 &&
      16 * ((rows - hits) + (kt_summary_cache_size (cache) - hits)) >= rows)
    {
      if (next == NULL)
        {
          next = kt_summary_cache_builder_new (rows);
          add_entries (next, hit_entries);
        }
      g_clear_pointer (&self->summary_cache, g_bytes_unref);
      self->summary_cache = kt_summary_cache_builder_seal (g_steal_pointer (&next), self->key);
    }
  g_clear_pointer (&cache, kt_summary_cache_free);
  for (guint i = 0; i < failed->len; i++)
    {
      KtRecord *record = g_ptr_array_index (failed, i);
      quarantine (self, record->id, record->kind, record->rev);
    }
  return TRUE;
}

guint
kt_record_store_get_summary_cache_hits (KtRecordStore *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->summary_cache_hits;
}

guint
kt_record_store_get_count_hint (KtRecordStore *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->index != NULL ? (guint) MIN (kt_store_index_count (self->index), G_MAXUINT) : 0;
}

gboolean
kt_record_store_write_summary_cache (KtRecordStore  *self,
                                     GError        **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(GBytes) sealed = g_steal_pointer (&self->summary_cache);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  if (sealed == NULL)
    return TRUE;
  if (!begin (self, error))
    return FALSE;
  stmt = prepare (self, "INSERT INTO meta (key, value) VALUES ('" KT_SUMMARY_CACHE_META "', ?1)"
                  " ON CONFLICT (key) DO UPDATE SET value = ?1", error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_bytes (stmt, 1, sealed);
      ok = step_done (self, stmt, error);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  return end (self, ok, error);
}

GPtrArray *
kt_record_store_list_ids (KtRecordStore  *self,
                          KtKind          kind,
                          GError        **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  stmt = prepare (self,
                  "SELECT id FROM records WHERE kind = ?1"
                  " AND id NOT IN (SELECT id FROM quarantine) ORDER BY created, id",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, kind);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      kt_record_store_set_sqlite_error (error, rc, self->db);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gint64
kt_record_store_count (KtRecordStore *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT count(*) FROM records", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

GPtrArray *
kt_record_store_list_quarantined (KtRecordStore *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT id FROM quarantine ORDER BY at, id", NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  return ids;
}

gboolean
kt_record_store_set_sync_state (KtRecordStore  *self,
                                const char     *id,
                                KtSyncState     state,
                                gint64          server_rev,
                                GError        **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
                                          "UPDATE records SET sync_state = ?, server_rev = ? WHERE id = ?",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, state);
  sqlite3_bind_int64 (stmt, 2, server_rev);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_NOT_FOUND,
                           _("This record is not on this device."));
      return FALSE;
    }
  return TRUE;
}

void
kt_record_store_read_ahead (KtRecordStore *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->read_ahead, kt_store_index_records_free);
  self->read_ahead = kt_store_index_read_records (self->db, 0, &error);
  /* The check reads them again, and says what failed. */
  if (self->read_ahead == NULL)
    {
      g_debug ("The records could not be read ahead of the check: %s", error->message);
      return;
    }
  if (!kt_store_index_read_lines (self->read_ahead, self->db, &error) && error != NULL)
    g_debug ("The index could not be read ahead of the check: %s", error->message);
  g_clear_pointer (&self->listing_ahead, listing_ahead_free);
  self->listing_ahead = listing_ahead_read (self, KT_KIND_CASE);
}

gboolean
kt_record_store_check (KtRecordStore  *self,
                       guint64         mark,
                       KtStoreCheck   *check,
                       GError        **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (!check_key (self, error))
    return FALSE;
  if (!kt_store_index_check (self->index, self->db, mark, g_steal_pointer (&self->read_ahead),
                             check, error))
    return FALSE;

  /* What is not the record this device wrote last is set aside, as a
   * record that fails authentication is; a deleted one has nothing left to
   * set aside. */
  for (guint i = 0; i < check->records->len; i++)
    {
      KtRecordFinding *finding = g_ptr_array_index (check->records, i);

      if (finding->problem != KT_RECORD_DELETED && !is_quarantined (self, finding->id))
        quarantine (self, finding->id, finding->kind, 0);
    }
  return TRUE;
}

gboolean
kt_record_store_accept_check (KtRecordStore  *self,
                              GError        **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (!check_key (self, error))
    return FALSE;
  return kt_store_index_accept (self->index, self->db, error);
}

gboolean
kt_record_store_get_counter (KtRecordStore *self,
                             guint64       *counter)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (self->index == NULL || !kt_store_index_is_built (self->index))
    return FALSE;
  *counter = kt_store_index_counter (self->index);
  return TRUE;
}

GBytes *
kt_record_store_seal_mark (KtRecordStore *self,
                           guint64        counter)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (self->index == NULL)
    return NULL;
  return kt_store_index_seal_mark (self->index, counter);
}

gboolean
kt_record_store_open_mark (KtRecordStore *self,
                           GBytes        *sealed,
                           guint64       *counter)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return self->index != NULL && kt_store_index_open_mark (self->index, sealed, counter);
}
