/* kt-backend-postgres.c
 *
 * One libpq connection, used from the server's database thread only (never
 * from the main loop: kt-server.c runs every request's queries there).
 * Statements are prepared
 * once with typed parameters ("?" becomes "$n").  A record, its key entries
 * and its audit row are written by one statement (write_in_one_statement in
 * kt-backend.c): each round trip waits for PostgreSQL's process to be given
 * the processor, which on a busy machine costs more than the statement.
 * For the same reason a batch (query_batch: a group's reads, a group's
 * writes) is sent in libpq's pipeline mode, one round trip for all its
 * statements; a pull's page and its key entries are one statement
 * (page_keys_sql), so both see the same commits.
 * By default the session
 * commits with synchronous_commit=on: an answered push is on disk.  The
 * server groups the pushes that arrive together into one transaction, so
 * they share the one flush.  durable-commits=false turns it off (a crash of
 * PostgreSQL or the machine may then lose the last moments of commits, never
 * corrupting anything).
 *
 * The change feed's position comes from the sequence record_seq.  A
 * sequence hands out numbers outside transactions, so two writers could
 * commit out of order and a reader skip the one that commits last; every
 * transaction that writes records therefore first takes one transaction-level
 * advisory lock (write_lock), which serialises writers of all server
 * processes on the database without updating any row.
 *
 * A lost connection (PostgreSQL restarted, the network cut) is made again
 * by the next query that comes once a backoff of 0.25 s (doubling to 8 s
 * between failed attempts) has passed; the attempt blocks the database
 * thread only, for at most connect_timeout (5 s unless the address says
 * otherwise).  Meanwhile every query fails at once with
 * KT_SERVER_ERROR_UNAVAILABLE, which the server answers with 503 and
 * Retry-After.  Whether the connection is up may be asked from any thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-backend-postgres.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>

#include "kt-server-error.h"

/* Type OIDs from pg_type.h */
#define TEXTOID 25
#define INT8OID 20

struct _KtBackendPostgres
{
  KtBackend   parent_instance;

  PGconn     *conn;
  GHashTable *statements;   /* SQL text → prepared statement name */
  gint        connected;    /* (atomic) FALSE while a lost connection is made again */
  guint       backoff_ms;   /* after the next failed attempt */
  gint64      next_attempt; /* monotonic µs */
};

#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS   8000

G_DEFINE_FINAL_TYPE (KtBackendPostgres, kt_backend_postgres, KT_TYPE_BACKEND)

static const char audit_schema[] =
  "CREATE TABLE IF NOT EXISTS audit ("
  "  id BIGSERIAL PRIMARY KEY,"
  "  at BIGINT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  record_id TEXT,"
  "  kind TEXT,"
  "  detail TEXT,"
  "  outcome TEXT NOT NULL DEFAULT 'ok');"
  "CREATE INDEX IF NOT EXISTS audit_at ON audit (at);"
  "CREATE SEQUENCE IF NOT EXISTS record_seq;"
  "CREATE OR REPLACE FUNCTION audit_append_only () RETURNS trigger LANGUAGE plpgsql AS $$"
  "  BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$;"
  "DROP TRIGGER IF EXISTS audit_append_only ON audit;"
  "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit "
  "  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only ();"
  /* A body longer than about 2 KB goes out of line to TOAST, and PostgreSQL
   * first tries to compress it: a sealed body (base64 of ciphertext) never
   * compresses, and the failed try cost a tenth or more of writing one
   * (bench/README.md, issue 19).  Stored as it is; a plaintext document
   * (the old apps') takes more room.  It changes how new values are
   * stored, not the schema: init sets it on an existing database too, and
   * an older server reads and writes the table as before. */
  "ALTER TABLE records ALTER COLUMN body SET STORAGE EXTERNAL;";

static gboolean
set_unavailable (GError **error)
{
  g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_UNAVAILABLE,
               _("The database does not answer. Try again in a moment."));
  return FALSE;
}

static void
connection_lost (KtBackendPostgres *self)
{
  if (!g_atomic_int_get (&self->connected))
    return;
  g_warning ("The connection to PostgreSQL is lost; connecting again");
  g_atomic_int_set (&self->connected, FALSE);
  /* prepared statements live in the session that is gone */
  g_hash_table_remove_all (self->statements);
  self->backoff_ms = BACKOFF_FIRST_MS;
  self->next_attempt = g_get_monotonic_time () + BACKOFF_FIRST_MS * 1000;
}

/* Connects again when the backoff has passed; whether the connection is up. */
static gboolean
ensure_connected (KtBackendPostgres *self)
{
  const char *session_sql;

  if (g_atomic_int_get (&self->connected))
    return TRUE;
  if (g_get_monotonic_time () < self->next_attempt)
    return FALSE;
  PQreset (self->conn);
  if (PQstatus (self->conn) == CONNECTION_OK)
    {
      /* the session's settings, on the connection just made */
      session_sql = kt_backend_get_session_sql (KT_BACKEND (self));
      if (session_sql != NULL)
        PQclear (PQexec (self->conn, session_sql));
      PQclear (PQexec (self->conn, "SET client_min_messages = warning"));
    }
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      self->next_attempt = g_get_monotonic_time () + self->backoff_ms * 1000;
      self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
      return FALSE;
    }
  g_message ("The connection to PostgreSQL is back");
  g_atomic_int_set (&self->connected, TRUE);
  return TRUE;
}

static gboolean
kt_backend_postgres_is_connected (KtBackend *backend)
{
  return g_atomic_int_get (&KT_BACKEND_POSTGRES (backend)->connected);
}

static gboolean
set_pg_error (KtBackendPostgres *self,
              const PGresult    *result,
              GError           **error)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  g_warning ("PostgreSQL: %s", PQerrorMessage (self->conn));
  /* A shutdown (57P01 …) or a connection error (08…) may be read before
   * libpq sees the socket close, as a pipeline's first answer is. */
  if (PQstatus (self->conn) == CONNECTION_BAD ||
      (state != NULL && (g_str_has_prefix (state, "57P") || g_str_has_prefix (state, "08"))))
    {
      connection_lost (self);
      return set_unavailable (error);
    }
  g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_DATABASE,
               _("The database reported an error (%s)."), state != NULL ? state : "connection");
  return FALSE;
}

static gboolean
result_ok (PGresult *result)
{
  ExecStatusType status = PQresultStatus (result);

  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

static gboolean
kt_backend_postgres_exec (KtBackend  *backend,
                          const char *script,
                          GError    **error)
{
  KtBackendPostgres *self = KT_BACKEND_POSTGRES (backend);
  PGresult *result;
  gboolean ok;

  if (!ensure_connected (self))
    return set_unavailable (error);
  /* Quiet the NOTICEs that IF NOT EXISTS gives. */
  PQclear (PQexec (self->conn, "SET client_min_messages = warning"));
  result = PQexec (self->conn, script);
  ok = result_ok (result) || set_pg_error (self, result, error);
  PQclear (result);
  return ok;
}

/* "?" → "$1", "$2" … (the statements hold no "?" inside literals). */
static char *
number_placeholders (const char *sql)
{
  GString *out = g_string_sized_new (strlen (sql) + 16);
  guint n = 0;

  for (const char *p = sql; *p != '\0'; p++)
    {
      if (*p == '?')
        g_string_append_printf (out, "$%u", ++n);
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static const char *
prepare (KtBackendPostgres *self,
         const char        *sql,
         const KtSqlParam  *params,
         guint              n_params,
         GError           **error)
{
  const char *name = g_hash_table_lookup (self->statements, sql);
  g_autofree char *numbered = NULL;
  g_autofree char *new_name = NULL;
  g_autofree Oid *types = NULL;
  PGresult *result;

  if (name != NULL)
    return name;

  numbered = number_placeholders (sql);
  new_name = g_strdup_printf ("kt%u", g_hash_table_size (self->statements));
  types = g_new0 (Oid, MAX (n_params, 1));
  for (guint i = 0; i < n_params; i++)
    types[i] = params[i].type == KT_SQL_INT ? INT8OID : TEXTOID;

  result = PQprepare (self->conn, new_name, numbered, n_params, types);
  if (!result_ok (result))
    {
      set_pg_error (self, result, error);
      PQclear (result);
      return NULL;
    }
  PQclear (result);
  name = new_name;
  g_hash_table_insert (self->statements, g_strdup (sql), g_steal_pointer (&new_name));
  return name;
}

/* The text values of @params for libpq; numbers are printed into @numbers
 * (n_params entries of 24 bytes), which must live as long as the values. */
static void
param_values (const KtSqlParam *params,
              guint             n_params,
              const char      **values,
              char            (*numbers)[24])
{
  for (guint i = 0; i < n_params; i++)
    {
      switch (params[i].type)
        {
        case KT_SQL_TEXT:
          values[i] = params[i].text;
          break;
        case KT_SQL_INT:
          g_snprintf (numbers[i], sizeof numbers[i], "%" G_GINT64_FORMAT, params[i].num);
          values[i] = numbers[i];
          break;
        case KT_SQL_NULL:
        default:
          values[i] = NULL;
          break;
        }
    }
}

static void
fill_rows (const PGresult *result,
           KtRows         *rows)
{
  int n_rows = PQntuples (result);

  rows->n_cols = PQnfields (result);
  for (int r = 0; r < n_rows; r++)
    for (guint c = 0; c < rows->n_cols; c++)
      g_ptr_array_add (rows->cells,
                       PQgetisnull (result, r, c) ? NULL : g_strdup (PQgetvalue (result, r, c)));
}

/* Sends every statement before reading any answer (libpq's pipeline mode,
 * libpq >= 14): one round trip for the lot, where one by one each would
 * wait for PostgreSQL's process to be given the processor.  The connection
 * stays in blocking mode: libpq then flushes as its buffer fills, which
 * cannot deadlock as long as the answers of a batch are small while it is
 * being sent (a group's writes answer a seq each) or the batch is small to
 * send (a group's reads: a few statements naming ids). */
static gboolean
kt_backend_postgres_query_batch (KtBackend      *backend,
                                 KtSqlStatement *statements,
                                 guint           n,
                                 GError        **error)
{
  KtBackendPostgres *self = KT_BACKEND_POSTGRES (backend);
  g_autofree const char **names = NULL;
  PGresult *failed = NULL;
  gboolean ok = TRUE;
  gboolean lost = FALSE;
  PGresult *result;

  if (n == 0)
    return TRUE;
  if (!ensure_connected (self))
    return set_unavailable (error);
  /* statements not yet prepared are prepared first, one by one: PQprepare
   * cannot run inside a pipeline (only the first batch of each shape pays) */
  names = g_new0 (const char *, n);
  for (guint i = 0; i < n; i++)
    {
      names[i] = prepare (self, statements[i].sql, statements[i].params, statements[i].n_params, error);
      if (names[i] == NULL)
        return FALSE;
    }

  if (!PQenterPipelineMode (self->conn))
    return set_pg_error (self, NULL, error);
  for (guint i = 0; i < n; i++)
    {
      guint n_params = statements[i].n_params;
      g_autofree const char **values = g_new (const char *, MAX (n_params, 1));
      g_autofree char (*numbers)[24] = g_malloc0_n (MAX (n_params, 1), sizeof *numbers);

      /* libpq copies the values into its buffer here */
      param_values (statements[i].params, n_params, values, numbers);
      if (!PQsendQueryPrepared (self->conn, names[i], n_params, values, NULL, NULL, 0))
        {
          ok = set_pg_error (self, NULL, error);
          break;
        }
    }
  if (ok && !PQpipelineSync (self->conn))
    ok = set_pg_error (self, NULL, error);
  if (!ok)
    {
      /* what was sent cannot be taken back: the connection is made again */
      connection_lost (self);
      return FALSE;
    }

  /* one result (then NULL) per statement; after a failure the rest come as
   * PGRES_PIPELINE_ABORTED; then the sync.  The first failure is said once
   * all is read: by then a connection that went away is seen as such. */
  for (guint i = 0; i < n && !lost; i++)
    {
      result = PQgetResult (self->conn);
      if (result == NULL)
        {
          lost = TRUE;
          break;
        }
      if (result_ok (result))
        {
          if (statements[i].rows != NULL)
            fill_rows (result, statements[i].rows);
          PQclear (result);
        }
      else if (failed == NULL)
        failed = result;
      else
        PQclear (result);
      while (PQstatus (self->conn) == CONNECTION_OK && (result = PQgetResult (self->conn)) != NULL)
        PQclear (result);
    }
  if (!lost && PQstatus (self->conn) == CONNECTION_OK)
    {
      result = PQgetResult (self->conn);
      if (PQresultStatus (result) != PGRES_PIPELINE_SYNC && failed == NULL)
        failed = result;
      else
        PQclear (result);
      if (!PQexitPipelineMode (self->conn))
        g_warning ("PostgreSQL: %s", PQerrorMessage (self->conn));
    }
  if (lost || PQstatus (self->conn) != CONNECTION_OK)
    {
      g_warning ("PostgreSQL: %s", PQerrorMessage (self->conn));
      connection_lost (self);
      ok = set_unavailable (error);
    }
  else if (failed != NULL)
    ok = set_pg_error (self, failed, error);
  PQclear (failed);
  return ok;
}

static gboolean
kt_backend_postgres_query (KtBackend        *backend,
                           const char       *sql,
                           const KtSqlParam *params,
                           guint             n_params,
                           KtRows           *rows,
                           GError          **error)
{
  KtBackendPostgres *self = KT_BACKEND_POSTGRES (backend);
  const char *name;
  const char **values;
  char (*numbers)[24];
  PGresult *result;
  gboolean ok;

  if (!ensure_connected (self))
    return set_unavailable (error);
  if (n_params == 0 && rows == NULL)
    {
      /* BEGIN, COMMIT, ROLLBACK: nothing to prepare */
      result = PQexec (self->conn, sql);
    }
  else
    {
      name = prepare (self, sql, params, n_params, error);
      if (name == NULL)
        return FALSE;
      values = g_newa (const char *, MAX (n_params, 1));
      numbers = g_malloc0_n (MAX (n_params, 1), sizeof *numbers);
      param_values (params, n_params, values, numbers);
      result = PQexecPrepared (self->conn, name, n_params, values, NULL, NULL, 0);
      g_free (numbers);
    }

  ok = result_ok (result);
  if (!ok)
    set_pg_error (self, result, error);
  else if (rows != NULL)
    fill_rows (result, rows);
  PQclear (result);
  return ok;
}

static void
kt_backend_postgres_finalize (GObject *object)
{
  KtBackendPostgres *self = KT_BACKEND_POSTGRES (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->conn, PQfinish);

  G_OBJECT_CLASS (kt_backend_postgres_parent_class)->finalize (object);
}

/* A new file for the table, without the dead rows; the old file is
 * unlinked (the WAL keeps them until its segments are recycled).  One
 * statement: VACUUM refuses to run in a string of several. */
static gboolean
kt_backend_postgres_reclaim (KtBackend  *backend,
                             GError    **error)
{
  return kt_backend_postgres_exec (backend, "VACUUM FULL records", error);
}

static void
kt_backend_postgres_class_init (KtBackendPostgresClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  KtBackendClass *backend_class = KT_BACKEND_CLASS (klass);

  object_class->finalize = kt_backend_postgres_finalize;
  backend_class->begin_sql = "BEGIN";
  /* The team's feed since the cursor holds every coach's changes; judging
   * each row by its case read it from the table (a bitmap heap scan of all
   * of them: at 200 coaches, 200 rows read for each pull's one).  Here the
   * coach's cases are judged on the index records_team_seq_route, and the
   * other records are found by their case, one lateral probe per case of
   * the coach, so only the rows of the page are read from the table. */
  backend_class->coach_page_sql =
    "WITH cases AS MATERIALIZED (SELECT id FROM records WHERE kind = 'case' AND coach = $4) "
    "SELECT " KT_BACKEND_RECORD_COLUMNS " FROM records WHERE team = $1 AND seq > $2 AND kind = 'case' AND coach = $3 "
    "UNION ALL "
    "SELECT r.* FROM cases CROSS JOIN LATERAL ("
    "  SELECT " KT_BACKEND_RECORD_COLUMNS " FROM records "
    "  WHERE case_id = cases.id AND team = $1 AND seq > $2 AND kind <> 'case') AS r "
    "ORDER BY seq LIMIT $5";
  backend_class->page_keys_sql =
    "(SELECT json_agg (json_build_array (reader, sender, key) ORDER BY reader) "
    "FROM record_keys WHERE record_id = page.id)";
  backend_class->audit_schema = audit_schema;
  /* like SQLite's synchronous=NORMAL: the WAL writer flushes within a moment */
  backend_class->fast_commits = "SET synchronous_commit = off";
  backend_class->durable_commits = "SET synchronous_commit = on";
  backend_class->next_seq = "nextval ('record_seq')";
  /* "kt" as a number: the one lock key the server takes */
  backend_class->write_lock = "SELECT pg_advisory_xact_lock (27764)";
  backend_class->upgrade_seq =
    "CREATE SEQUENCE IF NOT EXISTS record_seq;"
    "SELECT setval ('record_seq', GREATEST (1, (SELECT COALESCE (MAX (seq), 0) FROM records),"
    "  (SELECT COALESCE (MAX (value), 0) FROM meta WHERE key = 'seq')));";
  backend_class->write_in_one_statement = TRUE;
  backend_class->exec = kt_backend_postgres_exec;
  backend_class->reclaim = kt_backend_postgres_reclaim;
  backend_class->query = kt_backend_postgres_query;
  backend_class->query_batch = kt_backend_postgres_query_batch;
  backend_class->is_connected = kt_backend_postgres_is_connected;
}

static void
kt_backend_postgres_init (KtBackendPostgres *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

KtBackend *
kt_backend_postgres_open (const char *uri,
                          GError    **error)
{
  g_autoptr(KtBackendPostgres) self = g_object_new (KT_TYPE_BACKEND_POSTGRES, NULL);

  /* connect_timeout first, so that one in the address wins: a lost
   * connection's reconnect then cannot hold the database thread for long */
  const char *const keywords[] = { "connect_timeout", "dbname", NULL };
  const char *const values[] = { "5", uri, NULL };

  self->conn = PQconnectdbParams (keywords, values, TRUE);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      /* The libpq message names host and port, never the password. */
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_DATABASE,
                   _("Cannot connect to PostgreSQL: %s"), PQerrorMessage (self->conn));
      return NULL;
    }
  g_atomic_int_set (&self->connected, TRUE);
  return KT_BACKEND (g_steal_pointer (&self));
}
