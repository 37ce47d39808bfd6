/* kt-backend-sqlite.c
 *
 * One connection, used from the server's database thread only, so the
 * flushes to disk never hold up the main loop.  WAL with synchronous=FULL
 * by default: an answered push is on disk and survives a power cut.  The
 * server groups the pushes that arrive together into one transaction, so
 * they share the one fsync.  durable-commits=false makes it
 * synchronous=NORMAL (a power cut may lose the last moments of commits,
 * never corrupting the file).  Statements are prepared once.
 *
 * The change feed's position is one more than the largest in records, read
 * through its unique index: SQLite has one writer at a time (BEGIN
 * IMMEDIATE), so no reader can see a later number before an earlier one.
 * Records are deleted only by `plaintext --remove`, which first keeps the
 * highest number in meta.seq, so no number comes twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-backend-sqlite.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "kt-server-error.h"

struct _KtBackendSqlite
{
  KtBackend   parent_instance;

  sqlite3    *db;
  GHashTable *statements;   /* SQL text → sqlite3_stmt */
};

G_DEFINE_FINAL_TYPE (KtBackendSqlite, kt_backend_sqlite, KT_TYPE_BACKEND)

static const char audit_schema[] =
  "CREATE TABLE IF NOT EXISTS audit ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  at BIGINT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  record_id TEXT,"
  "  kind TEXT,"
  "  detail TEXT,"
  "  outcome TEXT NOT NULL DEFAULT 'ok');"
  "CREATE INDEX IF NOT EXISTS audit_at ON audit (at);"
  "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;";

static gboolean
set_sqlite_error (KtBackendSqlite *self,
                  GError         **error)
{
  g_warning ("SQLite: %s", sqlite3_errmsg (self->db));
  g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_DATABASE,
               _("The database reported an error (%s)."), sqlite3_errstr (sqlite3_errcode (self->db)));
  return FALSE;
}

static gboolean
kt_backend_sqlite_exec (KtBackend  *backend,
                        const char *script,
                        GError    **error)
{
  KtBackendSqlite *self = KT_BACKEND_SQLITE (backend);

  if (sqlite3_exec (self->db, script, NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error);
  return TRUE;
}

static sqlite3_stmt *
prepare (KtBackendSqlite *self,
         const char      *sql,
         GError         **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

static gboolean
kt_backend_sqlite_query (KtBackend        *backend,
                         const char       *sql,
                         const KtSqlParam *params,
                         guint             n_params,
                         KtRows           *rows,
                         GError          **error)
{
  KtBackendSqlite *self = KT_BACKEND_SQLITE (backend);
  sqlite3_stmt *stmt = prepare (self, sql, error);
  gboolean ok = TRUE;
  int rc;

  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < n_params; i++)
    {
      switch (params[i].type)
        {
        case KT_SQL_TEXT:
          sqlite3_bind_text (stmt, i + 1, params[i].text, -1, SQLITE_STATIC);
          break;
        case KT_SQL_INT:
          sqlite3_bind_int64 (stmt, i + 1, params[i].num);
          break;
        case KT_SQL_NULL:
        default:
          sqlite3_bind_null (stmt, i + 1);
          break;
        }
    }

  if (rows != NULL)
    rows->n_cols = sqlite3_column_count (stmt);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (rows == NULL)
        continue;
      for (guint col = 0; col < rows->n_cols; col++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, col);
          g_ptr_array_add (rows->cells, g_strdup (text));
        }
    }
  if (rc != SQLITE_DONE)
    ok = set_sqlite_error (self, error);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return ok;
}

static void
kt_backend_sqlite_finalize (GObject *object)
{
  KtBackendSqlite *self = KT_BACKEND_SQLITE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  sqlite3_close_v2 (self->db);

  G_OBJECT_CLASS (kt_backend_sqlite_parent_class)->finalize (object);
}

/* The outcome @rc of a step of reclaiming: busy (after the busy timeout)
 * says so in words, for the admin who ran the command. */
static gboolean
reclaim_step (KtBackendSqlite  *self,
              int               rc,
              GError          **error)
{
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    {
      g_set_error_literal (error, KT_SERVER_ERROR, KT_SERVER_ERROR_DATABASE,
                           _("The records are removed, but older copies of them may still be in the "
                             "database’s files: the database was kept busy. Run the command again, "
                             "or while the server is stopped."));
      return FALSE;
    }
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, error);
  return TRUE;
}

/* Moves the whole WAL into the database file and empties the -wal file.
 * Another connection (the serving server's) may hold it up: SQLite then
 * waits for the busy timeout, copies what it can and answers SQLITE_BUSY,
 * with older copies of pages still in the -wal file.  The pragma form of
 * this call reports that only in a result row, which sqlite3_exec ()
 * drops, so a checkpoint that did not finish passed for one that did. */
static gboolean
checkpoint_truncate (KtBackendSqlite  *self,
                     GError          **error)
{
  return reclaim_step (self, sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
                                                        NULL, NULL), error);
}

/* secure_delete (set on open) zeroed the deleted rows; VACUUM rewrites
 * the file without the free pages, and the checkpoints move the WAL into
 * it and empty the -wal file, where older copies of the pages were. */
static gboolean
kt_backend_sqlite_reclaim (KtBackend  *backend,
                           GError    **error)
{
  KtBackendSqlite *self = KT_BACKEND_SQLITE (backend);

  return checkpoint_truncate (self, error) &&
         reclaim_step (self, sqlite3_exec (self->db, "VACUUM", NULL, NULL, NULL), error) &&
         checkpoint_truncate (self, error);
}

static void
kt_backend_sqlite_class_init (KtBackendSqliteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  KtBackendClass *backend_class = KT_BACKEND_CLASS (klass);

  object_class->finalize = kt_backend_sqlite_finalize;
  backend_class->begin_sql = "BEGIN IMMEDIATE";
  backend_class->audit_schema = audit_schema;
  backend_class->fast_commits = "PRAGMA synchronous = NORMAL";
  backend_class->durable_commits = "PRAGMA synchronous = FULL";
  /* meta.seq: the highest number a record deleted by plaintext --remove had */
  backend_class->next_seq = "(SELECT MAX (COALESCE (MAX (seq), 0), "
                            "(SELECT COALESCE (MAX (value), 0) FROM meta WHERE key = 'seq')) + 1 FROM records)";
  backend_class->exec = kt_backend_sqlite_exec;
  backend_class->reclaim = kt_backend_sqlite_reclaim;
  backend_class->query = kt_backend_sqlite_query;
}

static void
kt_backend_sqlite_init (KtBackendSqlite *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
}

KtBackend *
kt_backend_sqlite_open (const char *path,
                        gboolean    create,
                        GError    **error)
{
  g_autoptr(KtBackendSqlite) self = g_object_new (KT_TYPE_BACKEND_SQLITE, NULL);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);

  if (path == NULL || *path == '\0')
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                   _("The SQLite address names no file: use sqlite:///path/to/file.db."));
      return NULL;
    }
  if (sqlite3_open_v2 (path, &self->db, flags, NULL) != SQLITE_OK)
    {
      if (!create && !g_file_test (path, G_FILE_TEST_EXISTS))
        g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_NOT_INITIALISED,
                     _("The database %s does not exist. Run “keukentafel-server init” first."), path);
      else
        g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_DATABASE,
                     _("Cannot open the database %s: %s"), path, sqlite3_errmsg (self->db));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  if (!kt_backend_sqlite_exec (KT_BACKEND (self),
                               "PRAGMA journal_mode = WAL;"
                               "PRAGMA synchronous = FULL;"
                               "PRAGMA foreign_keys = ON;"
                               /* a deleted or overwritten body (plaintext --remove, a
                                * new revision) is zeroed in the file, not left in a
                                * free page */
                               "PRAGMA secure_delete = ON;",
                               error))
    return NULL;
  return KT_BACKEND (g_steal_pointer (&self));
}
