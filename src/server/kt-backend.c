/* kt-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-backend.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kt-backend-postgres.h"
#include "kt-backend-sqlite.h"
#include "kt-server-error.h"

/* 2: the audit's outcome column; 3: the change sequence from a sequence;
 * 4: the key directory (account_keys, made by common_schema like any
 * missing table, so the upgrade only moves the number); 5: sealed records
 * (the routing columns intaker, phase, due and sealed on records, and
 * record_keys) */
#define SCHEMA_VERSION 5

typedef struct {
  const char *session_sql; /* what kt_backend_set_durable () ran */
  gboolean  in_group;       /* inside kt_backend_begin_group () */
  gboolean  begin_pending;  /* the group's BEGIN and write lock go with its first statements */
  gboolean  group_failed;   /* a statement of the group failed */
  GError   *group_error;    /* the first failure's, when known */
  /* the record writes, with the next_seq expression of the database */
  char     *insert_sql;
  char     *update_sql;
  char     *resend_sql;
  char     *resend_rev_sql;   /* resend_sql for a sealed record at a given revision */
  char     *begin_write_sql;  /* begin_sql and write_lock as one statement */
} KtBackendPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (KtBackend, kt_backend, G_TYPE_OBJECT)

/* Tables both databases create the same way. */
static const char common_schema[] =
  "CREATE TABLE IF NOT EXISTS meta ("
  "  key TEXT PRIMARY KEY,"
  "  value BIGINT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS accounts ("
  "  username TEXT PRIMARY KEY,"
  "  display_name TEXT NOT NULL,"
  "  role TEXT NOT NULL,"
  "  team TEXT NOT NULL,"
  "  password_hash TEXT NOT NULL,"
  "  disabled BIGINT NOT NULL DEFAULT 0,"
  "  created BIGINT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS tokens ("
  "  digest TEXT PRIMARY KEY,"
  "  username TEXT NOT NULL REFERENCES accounts (username),"
  "  created BIGINT NOT NULL,"
  "  expires BIGINT NOT NULL,"
  "  revoked BIGINT NOT NULL DEFAULT 0);"
  "CREATE INDEX IF NOT EXISTS tokens_username ON tokens (username);"
  /* The key directory: each account's X25519 public key, and its recovery
   * bundle, the account secret sealed with a key only its recovery phrase
   * gives (both base64; see kt-crypto.h). */
  "CREATE TABLE IF NOT EXISTS account_keys ("
  "  username TEXT PRIMARY KEY REFERENCES accounts (username),"
  "  public_key TEXT NOT NULL,"
  "  recovery_bundle TEXT NOT NULL,"
  "  published BIGINT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS records ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  rev BIGINT NOT NULL,"
  "  case_id TEXT NOT NULL,"
  "  author TEXT NOT NULL,"
  "  team TEXT NOT NULL,"
  "  coach TEXT,"
  "  review TEXT,"
  "  updated BIGINT NOT NULL,"
  "  seq BIGINT NOT NULL UNIQUE,"
  /* a plaintext document (JSON), or when sealed is 1 the base64 of the
   * sealed body, which the server never opens */
  "  body TEXT NOT NULL,"
  "  intaker TEXT,"
  "  phase TEXT,"
  "  due BIGINT,"
  "  sealed BIGINT NOT NULL DEFAULT 0);"
  /* A pull pages through its team's feed by seq and keeps only the rows
   * its reader may see: with the routing columns in the index, the rows it
   * skips are judged on the index alone, without reading each one's
   * record (most of a coach's team feed is other coaches' work).  It
   * replaces the index on (team, seq) alone. */
  "DROP INDEX IF EXISTS records_team_seq;"
  "CREATE INDEX IF NOT EXISTS records_team_seq_route ON records (team, seq, kind, coach, case_id, author);"
  "CREATE INDEX IF NOT EXISTS records_case ON records (case_id);"
  "CREATE INDEX IF NOT EXISTS records_coach ON records (coach);"
  /* The content key of a sealed record's current revision, boxed to each
   * reader by its sender (base64 of KT_BOXED_KEY_SIZE bytes); a new
   * revision replaces them. */
  "CREATE TABLE IF NOT EXISTS record_keys ("
  "  record_id TEXT NOT NULL REFERENCES records (id),"
  "  reader TEXT NOT NULL,"
  "  sender TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  PRIMARY KEY (record_id, reader));";

/* The columns schema 5 added to records, for a database made before it. */
static const char upgrade_records_5[] =
  "ALTER TABLE records ADD COLUMN intaker TEXT;"
  "ALTER TABLE records ADD COLUMN phase TEXT;"
  "ALTER TABLE records ADD COLUMN due BIGINT;"
  "ALTER TABLE records ADD COLUMN sealed BIGINT NOT NULL DEFAULT 0;";

#define RECORD_COLUMNS KT_BACKEND_RECORD_COLUMNS
#define RECORD_N_COLUMNS 15
#define ACCOUNT_COLUMNS "username, display_name, role, team, password_hash, disabled, created"

/* KtRows */

void
kt_rows_init (KtRows *rows)
{
  rows->n_cols = 0;
  rows->cells = g_ptr_array_new_with_free_func (g_free);
}

void
kt_rows_clear (KtRows *rows)
{
  g_clear_pointer (&rows->cells, g_ptr_array_unref);
}

guint
kt_rows_count (const KtRows *rows)
{
  return rows->n_cols == 0 ? 0 : rows->cells->len / rows->n_cols;
}

const char *
kt_rows_get (const KtRows *rows,
             guint         row,
             guint         col)
{
  g_return_val_if_fail (col < rows->n_cols, NULL);
  return g_ptr_array_index (rows->cells, row * rows->n_cols + col);
}

gint64
kt_rows_get_int (const KtRows *rows,
                 guint         row,
                 guint         col)
{
  const char *text = kt_rows_get (rows, row, col);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KtRows, kt_rows_clear)

void
kt_audit_entry_free (KtAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->action);
  g_free (entry->record_id);
  g_free (entry->kind);
  g_free (entry->detail);
  g_free (entry->outcome);
  g_free (entry);
}

static void
kt_backend_finalize (GObject *object)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (KT_BACKEND (object));

  g_clear_error (&priv->group_error);
  g_free (priv->insert_sql);
  g_free (priv->update_sql);
  g_free (priv->resend_sql);
  g_free (priv->resend_rev_sql);
  g_free (priv->begin_write_sql);

  G_OBJECT_CLASS (kt_backend_parent_class)->finalize (object);
}

static void
kt_backend_class_init (KtBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_backend_finalize;
  klass->begin_sql = "BEGIN";
}

static void
kt_backend_init (KtBackend *self)
{
}

/* The statements that write a record, made once the subclass is known. */
static KtBackendPrivate *
get_priv (KtBackend *self)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (self);
  const char *next_seq = KT_BACKEND_GET_CLASS (self)->next_seq;

  if (priv->insert_sql == NULL)
    {
      priv->insert_sql = g_strdup_printf ("INSERT INTO records (" RECORD_COLUMNS ") "
                                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, %s, ?, ?, ?, CAST (? AS BIGINT), ?) "
                                          "ON CONFLICT (id) DO NOTHING RETURNING seq", next_seq);
      priv->update_sql = g_strdup_printf ("UPDATE records SET rev = ?, coach = ?, review = ?, updated = ?, "
                                          "seq = %s, body = ?, intaker = ?, phase = ?, due = CAST (? AS BIGINT), sealed = ? "
                                          "WHERE id = ? AND rev = ? RETURNING seq",
                                          next_seq);
      priv->resend_sql = g_strdup_printf ("UPDATE records SET seq = %s WHERE id = ?", next_seq);
      priv->resend_rev_sql = g_strdup_printf ("UPDATE records SET seq = %s WHERE id = ? AND rev = ? "
                                              "AND sealed = 1 RETURNING seq", next_seq);
    }
  return priv;
}

KtBackend *
kt_backend_open (const char *uri,
                 gboolean    create,
                 GError    **error)
{
  if (g_str_has_prefix (uri, "sqlite://"))
    return kt_backend_sqlite_open (uri + strlen ("sqlite://"), create, error);
  if (g_str_has_prefix (uri, "postgresql://") || g_str_has_prefix (uri, "postgres://"))
    return kt_backend_postgres_open (uri, error);

  g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
               _("Unknown database address. Use sqlite:///path/to/file.db or postgresql://…"));
  return NULL;
}

/* Running statements */

static gboolean
query (KtBackend        *self,
       const char       *sql,
       const KtSqlParam *params,
       guint             n_params,
       KtRows           *rows,
       GError          **error)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (self);
  GError *local_error = NULL;

  if (priv->begin_pending)
    {
      /* a statement of the group on its own: the group's BEGIN first */
      priv->begin_pending = FALSE;
      if (!query (self, priv->begin_write_sql, NULL, 0, NULL, error))
        return FALSE;
    }
  /* After a failed statement PostgreSQL refuses the rest of the
   * transaction and answers its COMMIT with a rollback: the group notes it,
   * and why (a lost connection is answered differently). */
  if (!KT_BACKEND_GET_CLASS (self)->query (self, sql, params, n_params, rows, &local_error))
    {
      if (priv->in_group)
        {
          priv->group_failed = TRUE;
          if (priv->group_error == NULL)
            priv->group_error = g_error_copy (local_error);
        }
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
query_batch (KtBackend      *self,
             KtSqlStatement *statements,
             guint           n,
             GError        **error)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (self);
  KtBackendClass *klass = KT_BACKEND_GET_CLASS (self);
  g_autofree KtSqlStatement *with_begin = NULL;
  GError *local_error = NULL;
  gboolean ok = TRUE;

  if (priv->begin_pending && klass->query_batch != NULL)
    {
      /* the group's BEGIN and write lock in the same round trip as its
       * first statements: PostgreSQL runs them in order, so the lock is
       * held before any of them reads */
      with_begin = g_new0 (KtSqlStatement, n + 2);
      with_begin[0].sql = klass->begin_sql;
      with_begin[1].sql = klass->write_lock;
      memcpy (with_begin + 2, statements, n * sizeof *statements);
      statements = with_begin;
      n += 2;
      priv->begin_pending = FALSE;
    }

  if (klass->query_batch != NULL)
    ok = klass->query_batch (self, statements, n, &local_error);
  else
    for (guint i = 0; ok && i < n; i++)
      ok = klass->query (self, statements[i].sql, statements[i].params, statements[i].n_params,
                         statements[i].rows, &local_error);
  if (!ok)
    {
      /* as query () */
      if (priv->in_group)
        {
          priv->group_failed = TRUE;
          if (priv->group_error == NULL)
            priv->group_error = g_error_copy (local_error);
        }
      g_propagate_error (error, local_error);
    }
  return ok;
}

/* In a group, begin, commit and rollback are the group's to do. */
static gboolean
begin (KtBackend *self,
       GError   **error)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (self);

  if (priv->in_group)
    return TRUE;
  return query (self, KT_BACKEND_GET_CLASS (self)->begin_sql, NULL, 0, NULL, error);
}

/* begin () for a transaction that gives out change sequence numbers. */
static gboolean
begin_write (KtBackend *self,
             GError   **error)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (self);
  KtBackendClass *klass = KT_BACKEND_GET_CLASS (self);

  if (priv->in_group)
    return TRUE;
  if (klass->write_lock == NULL)
    return begin (self, error);
  /* sent together: one round trip to PostgreSQL, not two */
  if (priv->begin_write_sql == NULL)
    priv->begin_write_sql = g_strconcat (klass->begin_sql, "; ", klass->write_lock, NULL);
  return query (self, priv->begin_write_sql, NULL, 0, NULL, error);
}

static gboolean
commit (KtBackend *self,
        GError   **error)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (self);

  if (priv->in_group)
    return TRUE;
  return query (self, "COMMIT", NULL, 0, NULL, error);
}

static void
rollback (KtBackend *self)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  if (priv->in_group)
    {
      priv->group_failed = TRUE;
      return;
    }
  /* a lost connection took the transaction with it */
  if (!query (self, "ROLLBACK", NULL, 0, NULL, &error) &&
      !g_error_matches (error, KT_SERVER_ERROR, KT_SERVER_ERROR_UNAVAILABLE))
    g_warning ("Rolling back failed: %s", error->message);
}

const char *
kt_backend_get_session_sql (KtBackend *self)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (self);

  return priv->session_sql;
}

gboolean
kt_backend_ping (KtBackend *self)
{
  /* the subclass connects again here when its backoff has passed */
  return KT_BACKEND_GET_CLASS (self)->query (self, "SELECT 1", NULL, 0, NULL, NULL);
}

gboolean
kt_backend_is_connected (KtBackend *self)
{
  KtBackendClass *klass = KT_BACKEND_GET_CLASS (self);

  return klass->is_connected == NULL || klass->is_connected (self);
}

gboolean
kt_backend_begin_group (KtBackend  *self,
                        GError    **error)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (self);

  g_return_val_if_fail (!priv->in_group, FALSE);

  if (KT_BACKEND_GET_CLASS (self)->query_batch != NULL && KT_BACKEND_GET_CLASS (self)->write_lock != NULL)
    {
      /* Sent with the group's first statements (its reads, in one
       * pipeline): a round trip less per group, and each round trip waits
       * for PostgreSQL's process to be given a processor.  A failure then
       * fails the group, which end_group () rolls back. */
      if (priv->begin_write_sql == NULL)
        priv->begin_write_sql = g_strconcat (KT_BACKEND_GET_CLASS (self)->begin_sql, "; ",
                                             KT_BACKEND_GET_CLASS (self)->write_lock, NULL);
      priv->begin_pending = TRUE;
    }
  else if (!begin_write (self, error))
    {
      rollback (self);
      return FALSE;
    }
  priv->in_group = TRUE;
  priv->group_failed = FALSE;
  g_clear_error (&priv->group_error);
  return TRUE;
}

gboolean
kt_backend_end_group (KtBackend  *self,
                      GError    **error)
{
  KtBackendPrivate *priv = kt_backend_get_instance_private (self);
  gboolean failed = priv->group_failed;
  g_autoptr(GError) group_error = g_steal_pointer (&priv->group_error);

  g_return_val_if_fail (priv->in_group, FALSE);

  priv->in_group = FALSE;
  priv->group_failed = FALSE;
  if (priv->begin_pending)
    {
      /* no statement was sent (every push refused as read): no transaction */
      priv->begin_pending = FALSE;
      return TRUE;
    }
  if (failed)
    {
      rollback (self);
      if (group_error != NULL)
        g_propagate_error (error, g_steal_pointer (&group_error));
      else
        g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_DATABASE,
                     _("The database reported an error (%s)."), "group");
      return FALSE;
    }
  if (!commit (self, error))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* Runs a statement that must change exactly one row (it RETURNs one). */
static gboolean
query_one_row (KtBackend        *self,
               const char       *sql,
               const KtSqlParam *params,
               guint             n_params,
               GError          **error)
{
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self, sql, params, n_params, &rows, error))
    return FALSE;
  if (kt_rows_count (&rows) == 0)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_NOT_FOUND,
                   _("There is no such account."));
      return FALSE;
    }
  return TRUE;
}

gboolean
kt_backend_set_durable (KtBackend  *self,
                        gboolean    durable,
                        GError    **error)
{
  KtBackendClass *klass = KT_BACKEND_GET_CLASS (self);
  const char *sql = durable ? klass->durable_commits : klass->fast_commits;

  KtBackendPrivate *priv = kt_backend_get_instance_private (self);

  /* a connection made again starts with the same */
  priv->session_sql = sql;
  return klass->exec (self, sql, error);
}

/* Schema */

/* The schema version the database records, 0 when none, -1 on error. */
static gint64
stored_schema_version (KtBackend *self)
{
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self, "SELECT value FROM meta WHERE key = 'schema'", NULL, 0, &rows, NULL))
    return -1;
  return kt_rows_count (&rows) > 0 ? kt_rows_get_int (&rows, 0, 0) : 0;
}

/* Brings a database of schema 1 to 4 to the current one, in one transaction. */
static gboolean
upgrade_schema (KtBackend  *self,
                gint64      from,
                GError    **error)
{
  KtSqlParam params[] = { KT_SQL_INT_PARAM (SCHEMA_VERSION) };

  const char *upgrade_seq = KT_BACKEND_GET_CLASS (self)->upgrade_seq;

  if (!begin (self, error))
    return FALSE;
  if ((from < 2 && !KT_BACKEND_GET_CLASS (self)->exec (self, "ALTER TABLE audit ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok'", error)) ||
      (from < 3 && upgrade_seq != NULL && !KT_BACKEND_GET_CLASS (self)->exec (self, upgrade_seq, error)) ||
      (from < 5 && !KT_BACKEND_GET_CLASS (self)->exec (self, upgrade_records_5, error)) ||
      !query (self, "UPDATE meta SET value = ? WHERE key = 'schema'", params, G_N_ELEMENTS (params), NULL, error) ||
      !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
kt_backend_init_schema (KtBackend  *self,
                        GError    **error)
{
  KtBackendClass *klass = KT_BACKEND_GET_CLASS (self);
  KtSqlParam params[] = { KT_SQL_INT_PARAM (SCHEMA_VERSION) };
  gint64 version;

  if (!klass->exec (self, common_schema, error))
    return FALSE;
  /* before the audit schema, whose statements may name the new columns */
  version = stored_schema_version (self);
  if (version > 0 && version < SCHEMA_VERSION && !upgrade_schema (self, version, error))
    return FALSE;
  return klass->exec (self, klass->audit_schema, error) &&
         query (self, "INSERT INTO meta (key, value) VALUES ('schema', ?) ON CONFLICT (key) DO NOTHING",
                params, G_N_ELEMENTS (params), NULL, error) &&
         kt_backend_check_schema (self, error);
}

gboolean
kt_backend_check_schema (KtBackend  *self,
                         GError    **error)
{
  gint64 version = stored_schema_version (self);

  if (version <= 0)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_NOT_INITIALISED,
                   _("The database has not been set up. Run “keukentafel-server init” first."));
      return FALSE;
    }
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_DATABASE,
                   _("The database was made by a newer keukentafel-server."));
      return FALSE;
    }
  if (version < SCHEMA_VERSION)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_NOT_INITIALISED,
                   _("The database was made by an older keukentafel-server. Run “keukentafel-server init” to upgrade it."));
      return FALSE;
    }
  return TRUE;
}

/* Accounts */

static KtAccount *
account_from_row (const KtRows *rows,
                  guint         row)
{
  KtAccount *account = kt_account_new ();

  account->username = g_strdup (kt_rows_get (rows, row, 0));
  account->display_name = g_strdup (kt_rows_get (rows, row, 1));
  if (!kt_role_from_string (kt_rows_get (rows, row, 2), &account->role))
    account->role = KT_ROLE_ADMIN;  /* the role with the least access to records */
  account->team = g_strdup (kt_rows_get (rows, row, 3));
  account->password_hash = g_strdup (kt_rows_get (rows, row, 4));
  account->disabled = kt_rows_get_int (rows, row, 5) != 0;
  account->created = kt_rows_get_int (rows, row, 6);
  return account;
}

gboolean
kt_backend_add_account (KtBackend        *self,
                        const KtAccount  *account,
                        GError          **error)
{
  KtSqlParam params[] = {
    KT_SQL_TEXT_PARAM (account->username),
    KT_SQL_TEXT_PARAM (account->display_name != NULL ? account->display_name : account->username),
    KT_SQL_TEXT_PARAM (kt_role_to_string (account->role)),
    KT_SQL_TEXT_PARAM (account->team),
    KT_SQL_TEXT_PARAM (account->password_hash),
    KT_SQL_INT_PARAM (account->disabled),
    KT_SQL_INT_PARAM (g_get_real_time () / G_USEC_PER_SEC),
  };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self,
              "INSERT INTO accounts (" ACCOUNT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (username) DO NOTHING RETURNING username",
              params, G_N_ELEMENTS (params), &rows, error))
    return FALSE;
  if (kt_rows_count (&rows) == 0)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_EXISTS,
                   _("An account with this name already exists."));
      return FALSE;
    }
  return TRUE;
}

KtAccount *
kt_backend_get_account (KtBackend  *self,
                        const char *username,
                        GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (username) };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE username = ?",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  return kt_rows_count (&rows) > 0 ? account_from_row (&rows, 0) : NULL;
}

GPtrArray *
kt_backend_list_accounts (KtBackend  *self,
                          const char *team,
                          int         role,
                          GError    **error)
{
  KtSqlParam params[] = {
    KT_SQL_TEXT_PARAM (team),
    KT_SQL_TEXT_PARAM (role >= 0 ? kt_role_to_string (role) : NULL),
  };
  g_auto(KtRows) rows;
  GPtrArray *accounts;

  kt_rows_init (&rows);
  if (!query (self,
              "SELECT " ACCOUNT_COLUMNS " FROM accounts "
              "WHERE (? IS NULL OR team = ?) AND (? IS NULL OR role = ?) ORDER BY username",
              (KtSqlParam[]) { params[0], params[0], params[1], params[1] }, 4, &rows, error))
    return NULL;
  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_account_free);
  for (guint i = 0; i < kt_rows_count (&rows); i++)
    g_ptr_array_add (accounts, account_from_row (&rows, i));
  return accounts;
}

gboolean
kt_backend_set_password (KtBackend  *self,
                         const char *username,
                         const char *password_hash,
                         GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (password_hash), KT_SQL_TEXT_PARAM (username) };

  return query_one_row (self, "UPDATE accounts SET password_hash = ? WHERE username = ? RETURNING username",
                        params, G_N_ELEMENTS (params), error);
}

gboolean
kt_backend_set_disabled (KtBackend  *self,
                         const char *username,
                         gboolean    disabled,
                         GError    **error)
{
  KtSqlParam params[] = { KT_SQL_INT_PARAM (disabled ? 1 : 0), KT_SQL_TEXT_PARAM (username) };

  return query_one_row (self, "UPDATE accounts SET disabled = ? WHERE username = ? RETURNING username",
                        params, G_N_ELEMENTS (params), error);
}

/* Tokens */

gboolean
kt_backend_add_token (KtBackend  *self,
                      const char *digest,
                      const char *username,
                      gint64      expires,
                      GError    **error)
{
  KtSqlParam params[] = {
    KT_SQL_TEXT_PARAM (digest),
    KT_SQL_TEXT_PARAM (username),
    KT_SQL_INT_PARAM (g_get_real_time () / G_USEC_PER_SEC),
    KT_SQL_INT_PARAM (expires),
  };

  return query (self, "INSERT INTO tokens (digest, username, created, expires) VALUES (?, ?, ?, ?)",
                params, G_N_ELEMENTS (params), NULL, error);
}

KtAccount *
kt_backend_lookup_token (KtBackend  *self,
                         const char *digest,
                         gint64      now,
                         GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (digest), KT_SQL_INT_PARAM (now) };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self,
              "SELECT a.username, a.display_name, a.role, a.team, '', a.disabled, a.created "
              "FROM tokens t JOIN accounts a ON a.username = t.username "
              "WHERE t.digest = ? AND t.revoked = 0 AND t.expires > ? AND a.disabled = 0",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  return kt_rows_count (&rows) > 0 ? account_from_row (&rows, 0) : NULL;
}

/* Largest number of digests one token check names (append_id_list pads
 * the list to a power of two: a few statements are prepared, not one per
 * length). */
#define TOKENS_BATCH_MAX 512

static void append_id_list (GString *sql, GArray *params, GPtrArray *ids, guint first, guint n);

gboolean
kt_backend_lookup_tokens (KtBackend         *self,
                          const char *const *digests,
                          guint              n,
                          gint64             now,
                          KtAccount        **accounts,
                          GError           **error)
{
  g_autoptr(GPtrArray) unique = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      accounts[i] = NULL;
      if (g_hash_table_add (seen, (gpointer) digests[i]))
        g_ptr_array_add (unique, (gpointer) digests[i]);
    }

  for (guint done = 0; done < unique->len;)
    {
      guint chunk = MIN (unique->len - done, TOKENS_BATCH_MAX);
      g_autoptr(GString) sql = g_string_new ("SELECT a.username, a.display_name, a.role, a.team, '', a.disabled, "
                                             "a.created, t.digest "
                                             "FROM tokens t JOIN accounts a ON a.username = t.username "
                                             "WHERE t.digest IN (");
      g_autoptr(GArray) params = g_array_new (FALSE, FALSE, sizeof (KtSqlParam));
      g_autoptr(GHashTable) rows_by_digest = g_hash_table_new (g_str_hash, g_str_equal);
      KtSqlParam now_param = KT_SQL_INT_PARAM (now);
      g_auto(KtRows) rows;

      append_id_list (sql, params, unique, done, chunk);
      g_string_append (sql, ") AND t.revoked = 0 AND t.expires > ? AND a.disabled = 0");
      g_array_append_val (params, now_param);
      kt_rows_init (&rows);
      if (!query (self, sql->str, (const KtSqlParam *) params->data, params->len, &rows, error))
        {
          for (guint i = 0; i < n; i++)
            g_clear_pointer (&accounts[i], kt_account_free);
          return FALSE;
        }
      for (guint r = 0; r < kt_rows_count (&rows); r++)
        g_hash_table_insert (rows_by_digest, (gpointer) kt_rows_get (&rows, r, 7), GUINT_TO_POINTER (r + 1));
      for (guint i = 0; i < n; i++)
        {
          guint row = GPOINTER_TO_UINT (g_hash_table_lookup (rows_by_digest, digests[i]));

          if (row > 0)
            accounts[i] = account_from_row (&rows, row - 1);
        }
      done += chunk;
    }
  return TRUE;
}

gboolean
kt_backend_revoke_token (KtBackend  *self,
                         const char *digest,
                         GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (digest) };

  return query (self, "UPDATE tokens SET revoked = 1 WHERE digest = ?",
                params, G_N_ELEMENTS (params), NULL, error);
}

gint64
kt_backend_revoke_tokens_of (KtBackend  *self,
                             const char *username,
                             GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (username) };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self, "UPDATE tokens SET revoked = 1 WHERE username = ? AND revoked = 0 RETURNING digest",
              params, G_N_ELEMENTS (params), &rows, error))
    return -1;
  return kt_rows_count (&rows);
}

/* Records */

/* A due date of 0 is none: NULL in the database.  The statements CAST it:
 * PostgreSQL types a parameter by its first use, which may be this NULL. */
#define DUE_PARAM(due) ((due) != 0 ? KT_SQL_INT_PARAM (due) : (KtSqlParam) { KT_SQL_NULL, NULL, 0 })

static KtServerRecord *
record_from_row (const KtRows *rows,
                 guint         row)
{
  KtServerRecord *record = kt_server_record_new ();

  record->id = g_strdup (kt_rows_get (rows, row, 0));
  if (!kt_kind_from_string (kt_rows_get (rows, row, 1), &record->kind))
    record->kind = KT_KIND_CASE;
  record->rev = kt_rows_get_int (rows, row, 2);
  record->case_id = g_strdup (kt_rows_get (rows, row, 3));
  record->author = g_strdup (kt_rows_get (rows, row, 4));
  record->team = g_strdup (kt_rows_get (rows, row, 5));
  record->coach = g_strdup (kt_rows_get (rows, row, 6));
  record->review = g_strdup (kt_rows_get (rows, row, 7));
  record->updated = kt_rows_get_int (rows, row, 8);
  record->seq = kt_rows_get_int (rows, row, 9);
  record->body = g_strdup (kt_rows_get (rows, row, 10));
  record->intaker = g_strdup (kt_rows_get (rows, row, 11));
  record->phase = g_strdup (kt_rows_get (rows, row, 12));
  record->due = kt_rows_get_int (rows, row, 13);
  record->sealed = kt_rows_get_int (rows, row, 14) != 0;
  return record;
}

static GPtrArray *
records_from_rows (const KtRows *rows)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_server_record_free);

  for (guint i = 0; i < kt_rows_count (rows); i++)
    g_ptr_array_add (records, record_from_row (rows, i));
  return records;
}

static gboolean attach_keys (KtBackend *self, GPtrArray *records, GError **error);
static gboolean attach_keys_one (KtBackend *self, KtServerRecord *record, GError **error);

/* The records of @rows with the key entries of the sealed ones (transfer full). */
static GPtrArray *
records_with_keys (KtBackend    *self,
                   const KtRows *rows,
                   GError      **error)
{
  g_autoptr(GPtrArray) records = records_from_rows (rows);

  if (!attach_keys (self, records, error))
    return NULL;
  return g_steal_pointer (&records);
}

gboolean
kt_backend_get_record_and_case (KtBackend       *self,
                                const char      *id,
                                const char      *case_id,
                                KtServerRecord **record,
                                KtServerRecord **kase,
                                GError         **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (id), KT_SQL_TEXT_PARAM (case_id) };
  g_auto(KtRows) rows;

  *record = *kase = NULL;
  kt_rows_init (&rows);
  if (!query (self, "SELECT " RECORD_COLUMNS " FROM records WHERE id IN (?, ?)",
              params, G_N_ELEMENTS (params), &rows, error))
    return FALSE;
  for (guint i = 0; i < kt_rows_count (&rows); i++)
    {
      /* the first column is the id; both when @id is @case_id */
      if (g_strcmp0 (kt_rows_get (&rows, i, 0), id) == 0 && *record == NULL)
        *record = record_from_row (&rows, i);
      if (g_strcmp0 (kt_rows_get (&rows, i, 0), case_id) == 0 && *kase == NULL)
        *kase = record_from_row (&rows, i);
    }
  if (!attach_keys_one (self, *record, error) || !attach_keys_one (self, *kase, error))
    {
      g_clear_pointer (record, kt_server_record_free);
      g_clear_pointer (kase, kt_server_record_free);
      return FALSE;
    }
  return TRUE;
}

KtServerRecord *
kt_backend_get_record (KtBackend  *self,
                       const char *id,
                       GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (id) };
  g_auto(KtRows) rows;

  g_autoptr(KtServerRecord) record = NULL;

  kt_rows_init (&rows);
  if (!query (self, "SELECT " RECORD_COLUMNS " FROM records WHERE id = ?",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  if (kt_rows_count (&rows) == 0)
    return NULL;
  record = record_from_row (&rows, 0);
  if (!attach_keys_one (self, record, error))
    return NULL;
  return g_steal_pointer (&record);
}

/* Largest number of ids one key lookup names: the page of /changes at
 * most; the lists are padded to a power of two so that a few statements
 * are prepared, not one per length. */
#define KEYS_BATCH_MAX 512

/* "?, ?, …" for an IN list of @n ids from @ids[@first…], padded to a
 * power of two (by naming the last id again), into @sql and @params (which
 * gets the padded size).  A few statements are prepared, not one per length. */
static void
append_id_list (GString    *sql,
                GArray     *params,
                GPtrArray  *ids,
                guint       first,
                guint       n)
{
  guint size = 1;

  while (size < n)
    size *= 2;
  for (guint i = 0; i < size; i++)
    {
      KtSqlParam param = KT_SQL_TEXT_PARAM ((const char *) g_ptr_array_index (ids, first + MIN (i, n - 1)));

      g_array_append_val (params, param);
      g_string_append (sql, i > 0 ? ", ?" : "?");
    }
}

#define KEYS_SELECT "SELECT record_id, reader, sender, key FROM record_keys WHERE record_id IN ("
#define KEYS_ORDER  ") ORDER BY record_id, reader"

/* Puts the key entries of @rows (selected by KEYS_SELECT) into the keys of
 * the records of @by_id (id → KtServerRecord) they belong to. */
static void
add_key_rows (GHashTable   *by_id,
              const KtRows *rows)
{
  for (guint i = 0; i < kt_rows_count (rows); i++)
    {
      KtServerRecord *record = g_hash_table_lookup (by_id, kt_rows_get (rows, i, 0));
      g_autoptr(GBytes) key = NULL;
      guchar *data;
      gsize len = 0;

      if (record == NULL || record->keys == NULL)
        continue;
      data = g_base64_decode (kt_rows_get (rows, i, 3), &len);
      key = g_bytes_new_take (data, len);
      g_ptr_array_add (record->keys,
                       kt_sealed_key_new (kt_rows_get (rows, i, 1), kt_rows_get (rows, i, 2), key));
    }
}

/* Puts the key entries of @json (page_keys_sql's array of [reader, sender,
 * key]; NULL: none) into the keys of @record. */
static gboolean
add_key_json (KtServerRecord *record,
              const char     *json,
              GError        **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *entries;

  if (json == NULL)
    return TRUE;
  root = json_from_string (json, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_DATABASE,
                   _("The database reported an error (%s)."), "keys");
      return FALSE;
    }
  entries = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonArray *entry = json_array_get_array_element (entries, i);
      g_autoptr(GBytes) key = NULL;
      guchar *data;
      gsize len = 0;

      if (entry == NULL || json_array_get_length (entry) != 3)
        continue;
      data = g_base64_decode (json_array_get_string_element (entry, 2), &len);
      key = g_bytes_new_take (data, len);
      g_ptr_array_add (record->keys,
                       kt_sealed_key_new (json_array_get_string_element (entry, 0),
                                          json_array_get_string_element (entry, 1), key));
    }
  return TRUE;
}

/* Reads the key entries of the sealed records among @records (element-type
 * KtServerRecord) into their keys, in the order of the readers' names. */
static gboolean
attach_keys (KtBackend *self,
             GPtrArray *records,
             GError   **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < records->len; i++)
    {
      KtServerRecord *record = g_ptr_array_index (records, i);

      if (!record->sealed)
        continue;
      if (record->keys == NULL)
        record->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sealed_key_free);
      if (!g_hash_table_contains (by_id, record->id))
        g_ptr_array_add (ids, record->id);
      g_hash_table_insert (by_id, record->id, record);
    }
  for (guint done = 0; done < ids->len;)
    {
      guint chunk = MIN (ids->len - done, KEYS_BATCH_MAX);
      g_autoptr(GString) sql = g_string_new (KEYS_SELECT);
      g_autoptr(GArray) params = g_array_new (FALSE, FALSE, sizeof (KtSqlParam));
      g_auto(KtRows) rows;

      append_id_list (sql, params, ids, done, chunk);
      g_string_append (sql, KEYS_ORDER);
      kt_rows_init (&rows);
      if (!query (self, sql->str, (const KtSqlParam *) params->data, params->len, &rows, error))
        return FALSE;
      add_key_rows (by_id, &rows);
      done += chunk;
    }
  return TRUE;
}

/* RECORD_COLUMNS with NULL for the body. */
#define RECORD_HEAD_COLUMNS "id, kind, rev, case_id, author, team, coach, review, updated, seq, NULL, " \
                            "intaker, phase, due, sealed"

/* kt_backend_get_records (), or kt_backend_get_record_heads () when not
 * @whole. */
static gboolean
get_records (KtBackend  *self,
             GPtrArray  *ids,
             gboolean    whole,
             GHashTable *found,
             GError    **error)
{
  guint n_parts = whole ? 2 : 1;
  guint n_chunks = (ids->len + KEYS_BATCH_MAX - 1) / KEYS_BATCH_MAX;
  g_autofree KtSqlStatement *statements = g_new0 (KtSqlStatement, n_chunks * n_parts);
  g_autofree KtRows *rows = g_new0 (KtRows, n_chunks * n_parts);
  g_autoptr(GPtrArray) sqls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  gboolean ok;

  if (ids->len == 0)
    return TRUE;
  /* the records and the key entries of the same ids, sent together: the
   * entries of a record that is not sealed (or not there) are not asked
   * for by the second, since a plaintext record has none */
  for (guint c = 0; c < n_chunks; c++)
    {
      guint first = c * KEYS_BATCH_MAX;
      guint chunk = MIN (ids->len - first, KEYS_BATCH_MAX);

      for (guint part = 0; part < n_parts; part++)
        {
          GString *sql = g_string_new (part == 1 ? KEYS_SELECT
                                       : whole ? "SELECT " RECORD_COLUMNS " FROM records WHERE id IN ("
                                       : "SELECT " RECORD_HEAD_COLUMNS " FROM records WHERE id IN (");
          GArray *list = g_array_new (FALSE, FALSE, sizeof (KtSqlParam));
          KtSqlStatement *statement = &statements[c * n_parts + part];

          append_id_list (sql, list, ids, first, chunk);
          g_string_append (sql, part == 0 ? ")" : KEYS_ORDER);
          kt_rows_init (&rows[c * n_parts + part]);
          statement->sql = sql->str;
          statement->params = (const KtSqlParam *) list->data;
          statement->n_params = list->len;
          statement->rows = &rows[c * n_parts + part];
          g_ptr_array_add (sqls, g_string_free (sql, FALSE));
          g_ptr_array_add (params, list);
        }
    }

  ok = query_batch (self, statements, n_chunks * n_parts, error);
  for (guint c = 0; ok && c < n_chunks; c++)
    for (guint i = 0; i < kt_rows_count (&rows[c * n_parts]); i++)
      {
        KtServerRecord *record = record_from_row (&rows[c * n_parts], i);

        if (record->sealed && whole)
          record->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sealed_key_free);
        g_hash_table_replace (found, g_strdup (record->id), record);
      }
  for (guint c = 0; ok && whole && c < n_chunks; c++)
    add_key_rows (found, &rows[c * n_parts + 1]);
  for (guint i = 0; i < n_chunks * n_parts; i++)
    kt_rows_clear (&rows[i]);
  return ok;
}

gboolean
kt_backend_get_records (KtBackend  *self,
                        GPtrArray  *ids,
                        GHashTable *found,
                        GError    **error)
{
  return get_records (self, ids, TRUE, found, error);
}

gboolean
kt_backend_get_record_heads (KtBackend  *self,
                             GPtrArray  *ids,
                             GHashTable *found,
                             GError    **error)
{
  return get_records (self, ids, FALSE, found, error);
}

/* attach_keys () for one record (may be NULL). */
static gboolean
attach_keys_one (KtBackend      *self,
                 KtServerRecord *record,
                 GError        **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  if (record == NULL || !record->sealed)
    return TRUE;
  g_ptr_array_add (one, record);
  return attach_keys (self, one, error);
}

/* Inserts @keys (element-type KtSealedKey) as entries of @record_id, in one
 * statement; an entry of a reader who has one already is kept as it is. */
static gboolean
insert_keys (KtBackend  *self,
             const char *record_id,
             GPtrArray  *keys,
             GError    **error)
{
  g_autoptr(GString) sql = g_string_new ("INSERT INTO record_keys (record_id, reader, sender, key) VALUES ");
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree KtSqlParam *params = NULL;

  if (keys == NULL || keys->len == 0)
    return TRUE;
  params = g_new (KtSqlParam, keys->len * 4);
  for (guint i = 0; i < keys->len; i++)
    {
      const KtSealedKey *key = g_ptr_array_index (keys, i);
      char *text = g_base64_encode (g_bytes_get_data (key->key, NULL), g_bytes_get_size (key->key));

      g_ptr_array_add (texts, text);
      g_string_append (sql, i > 0 ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
      params[i * 4] = KT_SQL_TEXT_PARAM (record_id);
      params[i * 4 + 1] = KT_SQL_TEXT_PARAM (key->reader);
      params[i * 4 + 2] = KT_SQL_TEXT_PARAM (key->sender);
      params[i * 4 + 3] = KT_SQL_TEXT_PARAM (text);
    }
  g_string_append (sql, " ON CONFLICT (record_id, reader) DO NOTHING");
  return query (self, sql->str, params, keys->len * 4, NULL, error);
}

/* Makes @keys the entries of @record_id's current revision. */
static gboolean
replace_keys (KtBackend  *self,
              const char *record_id,
              GPtrArray  *keys,
              GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (record_id) };

  return query (self, "DELETE FROM record_keys WHERE record_id = ?", params, G_N_ELEMENTS (params),
                NULL, error) &&
         insert_keys (self, record_id, keys, error);
}

static gboolean
insert_audit (KtBackend  *self,
              gint64      at,
              const char *actor,
              const char *action,
              const char *record_id,
              const char *kind,
              const char *detail,
              const char *outcome,
              GError    **error)
{
  KtSqlParam params[] = {
    KT_SQL_INT_PARAM (at),
    KT_SQL_TEXT_PARAM (actor),
    KT_SQL_TEXT_PARAM (action),
    KT_SQL_TEXT_PARAM (record_id),
    KT_SQL_TEXT_PARAM (kind),
    KT_SQL_TEXT_PARAM (detail),
    KT_SQL_TEXT_PARAM (outcome),
  };

  return query (self,
                "INSERT INTO audit (at, actor, action, record_id, kind, detail, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                params, G_N_ELEMENTS (params), NULL, error);
}

/* Gives every conversation and plan of the case @case_id the next change
 * sequence numbers, oldest first, so that whoever may read them now (a
 * newly assigned coach) pulls them from the cursor they hold.  Revisions and
 * bodies stay as they are: to a reader that has them already, a resent
 * record is the same revision again.  Inside the caller's transaction. */
static gboolean
resend_case_contents (KtBackend  *self,
                      const char *case_id,
                      GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (case_id) };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self, "SELECT id FROM records WHERE case_id = ? AND kind <> 'case' ORDER BY seq",
              params, G_N_ELEMENTS (params), &rows, error))
    return FALSE;
  for (guint i = 0; i < kt_rows_count (&rows); i++)
    {
      KtSqlParam update[] = { KT_SQL_TEXT_PARAM (kt_rows_get (&rows, i, 0)) };

      if (!query (self, get_priv (self)->resend_sql, update, G_N_ELEMENTS (update), NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* The keys of @keys in the order given, without a second entry for a reader
 * (the first one counts, as when they are inserted one by one). */
static GPtrArray *
distinct_keys (GPtrArray *keys)
{
  g_autoptr(GHashTable) readers = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *distinct = g_ptr_array_new ();

  for (guint i = 0; keys != NULL && i < keys->len; i++)
    {
      KtSealedKey *key = g_ptr_array_index (keys, i);

      if (g_hash_table_add (readers, key->reader))
        g_ptr_array_add (distinct, key);
    }
  return distinct;
}

/* Runs @record_sql (which RETURNs the new seq, or nothing when stale) with
 * what goes with it in the same statement: the record's key entries
 * replaced, when it is sealed, and the audit row, when @audit_action is set.
 * Each of those is written only when the record is.  One round trip to
 * PostgreSQL instead of up to four; only for a database whose WITH may
 * write (class write_in_one_statement). */
static void
build_one_statement (const char       *record_sql,
                     const KtSqlParam *record_params,
                     guint             n_record_params,
                     KtServerRecord   *record,
                     const char       *audit_actor,
                     const char       *audit_action,
                     const char       *audit_detail,
                     GString          *sql,
                     GArray           *params,
                     GPtrArray        *texts)
{
  KtSqlParam param;

  g_string_append (sql, "WITH r AS (");

  g_string_append (sql, record_sql);
  g_string_append (sql, ")");
  g_array_append_vals (params, record_params, n_record_params);

  if (record->sealed)
    {
      g_autoptr(GPtrArray) keys = distinct_keys (record->keys);

      /* The entries of readers left out go; the others are inserted or
       * replaced.  Two parts of one statement see the same snapshot, so
       * they must not touch the same rows: a delete of every entry beside
       * an insert of the new ones would. */
      g_string_append (sql, ", d AS (DELETE FROM record_keys WHERE record_id = ?");
      param = KT_SQL_TEXT_PARAM (record->id);
      g_array_append_val (params, param);
      if (keys->len > 0)
        {
          g_string_append (sql, " AND reader NOT IN (");
          for (guint i = 0; i < keys->len; i++)
            {
              KtSealedKey *key = g_ptr_array_index (keys, i);

              g_string_append (sql, i > 0 ? ", ?" : "?");
              param = KT_SQL_TEXT_PARAM (key->reader);
              g_array_append_val (params, param);
            }
          g_string_append (sql, ")");
        }
      g_string_append (sql, " AND EXISTS (SELECT 1 FROM r))");
      if (keys->len > 0)
        {
          g_string_append (sql, ", k AS (INSERT INTO record_keys (record_id, reader, sender, key) "
                                "SELECT * FROM (VALUES ");
          for (guint i = 0; i < keys->len; i++)
            {
              KtSealedKey *key = g_ptr_array_index (keys, i);
              char *text = g_base64_encode (g_bytes_get_data (key->key, NULL), g_bytes_get_size (key->key));

              g_ptr_array_add (texts, text);
              g_string_append (sql, i > 0 ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
              param = KT_SQL_TEXT_PARAM (record->id);
              g_array_append_val (params, param);
              param = KT_SQL_TEXT_PARAM (key->reader);
              g_array_append_val (params, param);
              param = KT_SQL_TEXT_PARAM (key->sender);
              g_array_append_val (params, param);
              param = KT_SQL_TEXT_PARAM (text);
              g_array_append_val (params, param);
            }
          g_string_append (sql, ") AS v WHERE EXISTS (SELECT 1 FROM r) "
                                "ON CONFLICT (record_id, reader) DO UPDATE "
                                "SET sender = EXCLUDED.sender, key = EXCLUDED.key)");
        }
    }

  if (audit_action != NULL)
    {
      KtSqlParam audit[] = {
        KT_SQL_INT_PARAM (record->updated),
        KT_SQL_TEXT_PARAM (audit_actor),
        KT_SQL_TEXT_PARAM (audit_action),
        KT_SQL_TEXT_PARAM (record->id),
        KT_SQL_TEXT_PARAM (kt_kind_to_string (record->kind)),
        KT_SQL_TEXT_PARAM (audit_detail),
      };

      g_string_append (sql, ", a AS (INSERT INTO audit (at, actor, action, record_id, kind, detail, outcome) "
                            "SELECT ?, ?, ?, ?, ?, ?, 'ok' WHERE EXISTS (SELECT 1 FROM r))");
      g_array_append_vals (params, audit, G_N_ELEMENTS (audit));
    }

  g_string_append (sql, " SELECT seq FROM r");
}

static gboolean
write_in_one_statement (KtBackend        *self,
                        const char       *record_sql,
                        const KtSqlParam *record_params,
                        guint             n_record_params,
                        KtServerRecord   *record,
                        const char       *audit_actor,
                        const char       *audit_action,
                        const char       *audit_detail,
                        KtRows           *rows,
                        GError          **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GArray) params = g_array_new (FALSE, FALSE, sizeof (KtSqlParam));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  build_one_statement (record_sql, record_params, n_record_params, record,
                       audit_actor, audit_action, audit_detail, sql, params, texts);
  return query (self, sql->str, (const KtSqlParam *) params->data, params->len, rows, error);
}

/* The statement that writes @record over @base_rev (insert when 0),
 * RETURNing its new seq or nothing when stale; its parameters into @params. */
static const char *
record_write (KtBackend      *self,
              KtServerRecord *record,
              gint64          base_rev,
              KtSqlParam      params[14],
              guint          *n_params)
{
  KtBackendPrivate *priv = get_priv (self);

  if (base_rev == 0)
    {
      KtSqlParam insert[] = {
        KT_SQL_TEXT_PARAM (record->id),
        KT_SQL_TEXT_PARAM (kt_kind_to_string (record->kind)),
        KT_SQL_INT_PARAM (record->rev),
        KT_SQL_TEXT_PARAM (record->case_id),
        KT_SQL_TEXT_PARAM (record->author),
        KT_SQL_TEXT_PARAM (record->team),
        KT_SQL_TEXT_PARAM (record->coach),
        KT_SQL_TEXT_PARAM (record->review),
        KT_SQL_INT_PARAM (record->updated),
        KT_SQL_TEXT_PARAM (record->body),
        KT_SQL_TEXT_PARAM (record->intaker),
        KT_SQL_TEXT_PARAM (record->phase),
        DUE_PARAM (record->due),
        KT_SQL_INT_PARAM (record->sealed),
      };
      G_STATIC_ASSERT (G_N_ELEMENTS (insert) <= 14);
      *n_params = G_N_ELEMENTS (insert);
      memcpy (params, insert, sizeof insert);
      return priv->insert_sql;
    }
  else
    {
      KtSqlParam update[] = {
        KT_SQL_INT_PARAM (record->rev),
        KT_SQL_TEXT_PARAM (record->coach),
        KT_SQL_TEXT_PARAM (record->review),
        KT_SQL_INT_PARAM (record->updated),
        KT_SQL_TEXT_PARAM (record->body),
        KT_SQL_TEXT_PARAM (record->intaker),
        KT_SQL_TEXT_PARAM (record->phase),
        DUE_PARAM (record->due),
        KT_SQL_INT_PARAM (record->sealed),
        KT_SQL_TEXT_PARAM (record->id),
        KT_SQL_INT_PARAM (base_rev),
      };
      G_STATIC_ASSERT (G_N_ELEMENTS (update) <= 14);
      *n_params = G_N_ELEMENTS (update);
      memcpy (params, update, sizeof update);
      return priv->update_sql;
    }
}

static KtPutResult
put_record (KtBackend       *self,
            KtServerRecord  *record,
            gint64           base_rev,
            gboolean         resend_contents,
            const char      *audit_actor,
            const char      *audit_action,
            const char      *audit_detail,
            GError         **error)
{
  KtBackendPrivate *priv = get_priv (self);
  gboolean one_statement = KT_BACKEND_GET_CLASS (self)->write_in_one_statement;
  const char *record_sql;
  KtSqlParam params[14];
  guint n_params;
  g_auto(KtRows) rows;
  gint64 seq;

  if (!begin_write (self, error))
    {
      rollback (self);
      return KT_PUT_ERROR;
    }

  kt_rows_init (&rows);
  record_sql = record_write (self, record, base_rev, params, &n_params);

  if (one_statement
      ? !write_in_one_statement (self, record_sql, params, n_params, record,
                                 audit_actor, audit_action, audit_detail, &rows, error)
      : !query (self, record_sql, params, n_params, &rows, error))
    goto failed;

  if (kt_rows_count (&rows) == 0)
    {
      /* nothing written; in a group the others' writes stand */
      if (!priv->in_group)
        rollback (self);
      return KT_PUT_STALE;
    }
  seq = kt_rows_get_int (&rows, 0, 0);
  /* a plaintext record never follows a sealed one (the server refuses it),
   * so only a sealed one has entries to replace */
  if (!one_statement && record->sealed && !replace_keys (self, record->id, record->keys, error))
    goto failed;
  if (resend_contents && !resend_case_contents (self, record->id, error))
    goto failed;
  if (!one_statement && audit_action != NULL &&
      !insert_audit (self, record->updated, audit_actor, audit_action, record->id,
                     kt_kind_to_string (record->kind), audit_detail, "ok", error))
    goto failed;
  if (!commit (self, error))
    goto failed;

  record->seq = seq;
  return base_rev == 0 ? KT_PUT_CREATED : KT_PUT_UPDATED;

failed:
  rollback (self);
  return KT_PUT_ERROR;
}

KtPutResult
kt_backend_put_record (KtBackend       *self,
                       KtServerRecord  *record,
                       gint64           base_rev,
                       const char      *audit_actor,
                       const char      *audit_action,
                       const char      *audit_detail,
                       GError         **error)
{
  return put_record (self, record, base_rev, FALSE, audit_actor, audit_action, audit_detail, error);
}

KtPutResult
kt_backend_assign_case (KtBackend       *self,
                        KtServerRecord  *kase,
                        gint64           base_rev,
                        const char      *actor,
                        const char      *detail,
                        GError         **error)
{
  g_return_val_if_fail (kase->kind == KT_KIND_CASE, KT_PUT_ERROR);

  return put_record (self, kase, base_rev, TRUE, actor, "assign", detail, error);
}

void
kt_backend_put_records (KtBackend     *self,
                        KtRecordWrite *writes,
                        guint          n)
{
  KtBackendPrivate *priv = get_priv (self);
  g_autofree KtSqlStatement *statements = NULL;
  g_autofree KtRows *rows = NULL;
  g_autoptr(GPtrArray) sqls = NULL;
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  /* Outside a group each write is its own transaction; SQLite has no round
   * trips to save. */
  if (!priv->in_group || !KT_BACKEND_GET_CLASS (self)->write_in_one_statement)
    {
      for (guint i = 0; i < n; i++)
        writes[i].result = put_record (self, writes[i].record, writes[i].base_rev, FALSE,
                                       NULL, NULL, NULL, &writes[i].error);
      return;
    }
  if (n == 0)
    return;

  statements = g_new0 (KtSqlStatement, n);
  rows = g_new0 (KtRows, n);
  sqls = g_ptr_array_new_with_free_func (g_free);
  params = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  texts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      KtSqlParam record_params[14];
      guint n_record_params;
      const char *record_sql = record_write (self, writes[i].record, writes[i].base_rev,
                                             record_params, &n_record_params);
      GString *sql = g_string_new (NULL);
      GArray *list = g_array_new (FALSE, FALSE, sizeof (KtSqlParam));

      build_one_statement (record_sql, record_params, n_record_params, writes[i].record,
                           NULL, NULL, NULL, sql, list, texts);
      kt_rows_init (&rows[i]);
      statements[i].sql = sql->str;
      statements[i].params = (const KtSqlParam *) list->data;
      statements[i].n_params = list->len;
      statements[i].rows = &rows[i];
      g_ptr_array_add (sqls, g_string_free (sql, FALSE));
      g_ptr_array_add (params, list);
    }

  /* a failure fails the group (query_batch notes it): none is stored */
  ok = query_batch (self, statements, n, &error);
  for (guint i = 0; i < n; i++)
    {
      if (!ok)
        {
          writes[i].result = KT_PUT_ERROR;
          writes[i].error = g_error_copy (error);
        }
      else if (kt_rows_count (&rows[i]) == 0)
        writes[i].result = KT_PUT_STALE;  /* nothing written; the others stand */
      else
        {
          writes[i].record->seq = kt_rows_get_int (&rows[i], 0, 0);
          writes[i].result = writes[i].base_rev == 0 ? KT_PUT_CREATED : KT_PUT_UPDATED;
        }
      kt_rows_clear (&rows[i]);
    }
}

/* The statement of a pull (kt_backend_list_changes ()): its SQL (transfer
 * full) and its parameters in @params (room for five); NULL when @reader's
 * role reads no feed. */
static char *
changes_sql (KtBackend       *self,
             const KtAccount *reader,
             gint64           since,
             guint            limit,
             KtSqlParam      *params,
             guint           *n_params)
{
  const char *sql;

  *n_params = 0;
  params[(*n_params)++] = KT_SQL_TEXT_PARAM (reader->team);
  params[(*n_params)++] = KT_SQL_INT_PARAM (since);
  switch (reader->role)
    {
    case KT_ROLE_COACH:
      sql = "SELECT " RECORD_COLUMNS " FROM records WHERE team = ? AND seq > ? AND "
            "((kind = 'case' AND coach = ?) OR "
            " (kind <> 'case' AND case_id IN (SELECT id FROM records WHERE kind = 'case' AND coach = ?))) "
            "ORDER BY seq LIMIT ?";
      if (KT_BACKEND_GET_CLASS (self)->coach_page_sql != NULL)
        sql = KT_BACKEND_GET_CLASS (self)->coach_page_sql;
      params[(*n_params)++] = KT_SQL_TEXT_PARAM (reader->username);
      params[(*n_params)++] = KT_SQL_TEXT_PARAM (reader->username);
      break;
    case KT_ROLE_INTAKER:
      sql = "SELECT " RECORD_COLUMNS " FROM records WHERE team = ? AND seq > ? AND "
            "kind = 'case' AND author = ? ORDER BY seq LIMIT ?";
      params[(*n_params)++] = KT_SQL_TEXT_PARAM (reader->username);
      break;
    case KT_ROLE_SUPERVISOR:
      sql = "SELECT " RECORD_COLUMNS " FROM records WHERE team = ? AND seq > ? ORDER BY seq LIMIT ?";
      break;
    case KT_ROLE_ADMIN:
    case KT_N_ROLES:
    default:
      return NULL;
    }
  params[(*n_params)++] = KT_SQL_INT_PARAM (limit);

  /* The page and the key entries of its records in one statement: one
   * round trip to PostgreSQL and one snapshot (in READ COMMITTED two
   * statements would each see what was committed when it began, and a
   * group committed between them by another server process could move a
   * record of the page to a later position, and the page's record go out
   * without its key entries).  It was four statements (a read-only
   * snapshot's BEGIN and COMMIT around the page and a second run of the
   * page's query naming the keys); one costs PostgreSQL's process, which
   * shares the processors with the server, a quarter of the work. */
  if (KT_BACKEND_GET_CLASS (self)->page_keys_sql != NULL)
    return g_strdup_printf ("WITH page AS MATERIALIZED (%s) SELECT page.*, %s FROM page ORDER BY seq",
                            sql, KT_BACKEND_GET_CLASS (self)->page_keys_sql);
  return g_strdup (sql);
}

/* The records of a pull's @rows (changes_sql ()'s), with their key
 * entries (transfer full). */
static GPtrArray *
changes_from_rows (KtBackend    *self,
                   const KtRows *rows,
                   GError      **error)
{
  g_autoptr(GPtrArray) records = NULL;

  /* without page_keys_sql the entries are read by a second statement */
  if (KT_BACKEND_GET_CLASS (self)->page_keys_sql == NULL)
    return records_with_keys (self, rows, error);
  records = records_from_rows (rows);
  for (guint i = 0; i < records->len; i++)
    {
      KtServerRecord *record = g_ptr_array_index (records, i);

      if (!record->sealed)
        continue;
      record->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sealed_key_free);
      if (!add_key_json (record, kt_rows_get (rows, i, RECORD_N_COLUMNS), error))
        return NULL;
    }
  return g_steal_pointer (&records);
}

GPtrArray *
kt_backend_list_changes (KtBackend       *self,
                         const KtAccount *reader,
                         gint64           since,
                         guint            limit,
                         GError         **error)
{
  KtSqlParam params[5];
  guint n_params;
  g_autofree char *sql = changes_sql (self, reader, since, limit, params, &n_params);
  g_auto(KtRows) rows;

  if (sql == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) kt_server_record_free);
  kt_rows_init (&rows);
  if (!query (self, sql, params, n_params, &rows, error))
    return NULL;
  return changes_from_rows (self, &rows, error);
}

/* Most pulls in one pipeline: all their pages are read before the first
 * is answered, so this bounds how many are held at once (the server holds
 * each answer until it is sent anyway). */
#define CHANGES_BATCH_MAX 64

void
kt_backend_list_changes_many (KtBackend     *self,
                              KtChangesPull *pulls,
                              guint          n)
{
  KtBackendClass *klass = KT_BACKEND_GET_CLASS (self);
  g_autofree KtSqlStatement *statements = NULL;
  g_autofree KtSqlParam (*params)[5] = NULL;
  g_autofree char **sqls = NULL;
  g_autofree KtRows *rows = NULL;
  g_autoptr(GError) error = NULL;
  guint n_statements = 0;

  if (n > CHANGES_BATCH_MAX)
    {
      kt_backend_list_changes_many (self, pulls, CHANGES_BATCH_MAX);
      kt_backend_list_changes_many (self, pulls + CHANGES_BATCH_MAX, n - CHANGES_BATCH_MAX);
      return;
    }
  /* SQLite runs each in turn anyway; a page without its keys in the same
   * statement would need a second round trip after the first */
  if (klass->query_batch == NULL || klass->page_keys_sql == NULL || n < 2)
    {
      for (guint i = 0; i < n; i++)
        pulls[i].records = kt_backend_list_changes (self, pulls[i].reader, pulls[i].since, pulls[i].limit,
                                                    &pulls[i].error);
      return;
    }

  statements = g_new0 (KtSqlStatement, n);
  params = g_malloc0_n (n, sizeof *params);
  sqls = g_new0 (char *, n);
  rows = g_new0 (KtRows, n);
  for (guint i = 0; i < n; i++)
    {
      guint n_params;

      sqls[i] = changes_sql (self, pulls[i].reader, pulls[i].since, pulls[i].limit, params[i], &n_params);
      kt_rows_init (&rows[i]);
      if (sqls[i] == NULL)
        continue;
      statements[n_statements].sql = sqls[i];
      statements[n_statements].params = params[i];
      statements[n_statements].n_params = n_params;
      statements[n_statements].rows = &rows[i];
      n_statements++;
    }

  /* each pull is still its own statement, so its own snapshot: what was
   * committed when PostgreSQL starts it, after it was read from its client */
  if (query_batch (self, statements, n_statements, &error))
    {
      for (guint i = 0; i < n; i++)
        {
          pulls[i].records = changes_from_rows (self, &rows[i], &pulls[i].error);
          kt_rows_clear (&rows[i]);
        }
    }
  else if (g_error_matches (error, KT_SERVER_ERROR, KT_SERVER_ERROR_UNAVAILABLE))
    {
      for (guint i = 0; i < n; i++)
        pulls[i].error = g_error_copy (error);
    }
  else
    {
      /* the statements of a pipeline share one implicit transaction, which
       * the first failure ends: one by one, a pull that fails fails alone */
      for (guint i = 0; i < n; i++)
        pulls[i].records = kt_backend_list_changes (self, pulls[i].reader, pulls[i].since, pulls[i].limit,
                                                    &pulls[i].error);
    }

  for (guint i = 0; i < n; i++)
    {
      kt_rows_clear (&rows[i]);
      g_free (sqls[i]);
    }
}

KtPutResult
kt_backend_add_keys (KtBackend       *self,
                     KtServerRecord  *record,
                     GPtrArray       *keys,
                     const char      *actor,
                     GError         **error)
{
  KtBackendPrivate *priv = get_priv (self);
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (record->id), KT_SQL_INT_PARAM (record->rev) };
  g_autofree char *detail = g_strdup_printf ("keys=%u", keys->len);
  g_auto(KtRows) rows;
  gint64 seq;

  if (!begin_write (self, error))
    {
      rollback (self);
      return KT_PUT_ERROR;
    }
  kt_rows_init (&rows);
  /* a new place in the change feed, so the new readers pull it; only while
   * @record->rev is the current revision */
  if (!query (self, priv->resend_rev_sql, params, G_N_ELEMENTS (params), &rows, error))
    goto failed;
  if (kt_rows_count (&rows) == 0)
    {
      rollback (self);
      return KT_PUT_STALE;
    }
  seq = kt_rows_get_int (&rows, 0, 0);
  if (!insert_keys (self, record->id, keys, error) ||
      !insert_audit (self, g_get_real_time () / G_USEC_PER_SEC, actor, "reseal", record->id,
                     kt_kind_to_string (record->kind), detail, "ok", error) ||
      !commit (self, error))
    goto failed;
  record->seq = seq;
  return KT_PUT_UPDATED;

failed:
  rollback (self);
  return KT_PUT_ERROR;
}

/* Who may read a sealed record r of the team (the matrix of may_read () in
 * kt-server.c), as a condition on the account a. */
#define MAY_READ_R(a) \
  "(" a ".role = 'supervisor' OR " \
  " (r.kind = 'case' AND ((" a ".role = 'wijkcoach' AND " a ".username = r.coach) OR " \
  "                       (" a ".role = 'intaker' AND " a ".username = r.author))) OR " \
  " (r.kind <> 'case' AND " a ".role = 'wijkcoach' AND " a ".username = " \
  "    (SELECT c.coach FROM records c WHERE c.id = r.case_id AND c.kind = 'case')))"

GPtrArray *
kt_backend_list_pending (KtBackend       *self,
                         const KtAccount *reader,
                         guint            limit,
                         GError         **error)
{
  KtSqlParam params[] = {
    KT_SQL_TEXT_PARAM (reader->username),
    KT_SQL_TEXT_PARAM (reader->team),
    KT_SQL_TEXT_PARAM (reader->username),
    KT_SQL_INT_PARAM (limit),
  };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  /* The records @reader may read and holds a key entry for, where some
   * other enabled account of the team who may read it and has published a
   * key has none: the database finds them, not a loop over every record. */
  if (!query (self,
              "SELECT r.id, r.kind, r.rev, r.case_id, r.author, r.team, r.coach, r.review, r.updated, "
              "r.seq, r.body, r.intaker, r.phase, r.due, r.sealed "
              "FROM records r JOIN record_keys mine ON mine.record_id = r.id AND mine.reader = ? "
              "JOIN accounts me ON me.username = mine.reader "
              "WHERE r.team = ? AND r.sealed = 1 AND me.team = r.team AND " MAY_READ_R ("me") " AND "
              "EXISTS (SELECT 1 FROM accounts a JOIN account_keys k ON k.username = a.username "
              "        WHERE a.team = r.team AND a.disabled = 0 AND a.username <> ? AND " MAY_READ_R ("a") " AND "
              "        NOT EXISTS (SELECT 1 FROM record_keys e WHERE e.record_id = r.id AND e.reader = a.username)) "
              "ORDER BY r.seq LIMIT ?",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  return records_with_keys (self, &rows, error);
}

GPtrArray *
kt_backend_list_unsealed (KtBackend       *self,
                          const KtAccount *writer,
                          guint            limit,
                          GError         **error)
{
  KtSqlParam params[] = {
    KT_SQL_TEXT_PARAM (writer->team),
    KT_SQL_TEXT_PARAM (kt_role_to_string (writer->role)),
    KT_SQL_TEXT_PARAM (writer->username),
    KT_SQL_TEXT_PARAM (writer->username),
    KT_SQL_TEXT_PARAM (writer->username),
    KT_SQL_INT_PARAM (limit),
  };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self,
              "SELECT " RECORD_COLUMNS " FROM records r WHERE r.team = ? AND r.sealed = 0 AND "
              "CASE ? WHEN 'wijkcoach' THEN "
              "  (r.kind = 'case' AND r.coach = ?) OR "
              "  (r.kind <> 'case' AND ? = (SELECT c.coach FROM records c "
              "                             WHERE c.id = r.case_id AND c.kind = 'case')) "
              "ELSE r.kind = 'case' AND r.author = ? AND r.coach IS NULL END "
              "ORDER BY r.seq LIMIT ?",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  return records_with_keys (self, &rows, error);
}

GPtrArray *
kt_backend_list_plans (KtBackend  *self,
                       const char *team,
                       const char *review,
                       GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (team), KT_SQL_TEXT_PARAM (review) };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self,
              "SELECT " RECORD_COLUMNS " FROM records WHERE team = ? AND kind = 'plan' AND review = ? "
              "ORDER BY updated DESC, seq DESC",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  return records_with_keys (self, &rows, error);
}

GHashTable *
kt_backend_count_caseloads (KtBackend  *self,
                            const char *team,
                            GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (team) };
  g_auto(KtRows) rows;
  GHashTable *counts;

  kt_rows_init (&rows);
  if (!query (self,
              "SELECT coach, COUNT(*) FROM records WHERE team = ? AND kind = 'case' "
              "AND coach IS NOT NULL GROUP BY coach",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < kt_rows_count (&rows); i++)
    g_hash_table_insert (counts, g_strdup (kt_rows_get (&rows, i, 0)),
                         GINT_TO_POINTER ((int) kt_rows_get_int (&rows, i, 1)));
  return counts;
}

gboolean
kt_backend_count_records (KtBackend  *self,
                          gboolean    sealed,
                          gint64      counts[KT_N_KINDS],
                          GError    **error)
{
  KtSqlParam params[] = { KT_SQL_INT_PARAM (sealed ? 1 : 0) };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self, "SELECT kind, COUNT(*) FROM records WHERE sealed = ? GROUP BY kind",
              params, G_N_ELEMENTS (params), &rows, error))
    return FALSE;
  for (guint i = 0; i < KT_N_KINDS; i++)
    counts[i] = 0;
  for (guint i = 0; i < kt_rows_count (&rows); i++)
    {
      KtKind kind;

      if (kt_kind_from_string (kt_rows_get (&rows, i, 0), &kind))
        counts[kind] = kt_rows_get_int (&rows, i, 1);
    }
  return TRUE;
}

gint64
kt_backend_remove_plaintext (KtBackend  *self,
                             const char *actor,
                             GError    **error)
{
  g_auto(KtRows) rows;
  g_autofree char *detail = NULL;
  gint64 removed;

  kt_rows_init (&rows);
  if (!begin_write (self, error))
    {
      rollback (self);
      return -1;
    }
  /* SQLite numbers the change feed from the largest seq in records: keep
   * it, so a number a deleted record had is never given out again (a
   * device whose cursor is past it would skip the record that got it).
   * PostgreSQL's sequence never goes back; the row does no harm there. */
  if (!query (self,
              "INSERT INTO meta (key, value) SELECT 'seq', COALESCE (MAX (seq), 0) FROM records WHERE TRUE "
              "ON CONFLICT (key) DO UPDATE SET value = "
              "CASE WHEN excluded.value > meta.value THEN excluded.value ELSE meta.value END",
              NULL, 0, NULL, error) ||
      !query (self, "DELETE FROM record_keys WHERE record_id IN (SELECT id FROM records WHERE sealed = 0)",
              NULL, 0, NULL, error) ||
      !query (self, "DELETE FROM records WHERE sealed = 0 RETURNING id", NULL, 0, &rows, error))
    goto failed;
  removed = kt_rows_count (&rows);
  detail = g_strdup_printf ("removed=%" G_GINT64_FORMAT, removed);
  if (!insert_audit (self, g_get_real_time () / G_USEC_PER_SEC, actor, "remove-plaintext", NULL, NULL,
                     detail, "ok", error) ||
      !commit (self, error))
    goto failed;
  if (!KT_BACKEND_GET_CLASS (self)->reclaim (self, error))
    return -1;
  return removed;

failed:
  rollback (self);
  return -1;
}

/* Audit */

/* Largest number of rows one audit INSERT writes: a page of /changes in at
 * most nine statements (one per power of two in its size), each prepared
 * once; an INSERT of every size would fill the statement caches. */
#define AUDIT_BATCH_MAX 256

/* One INSERT of @n read entries from @records[@first…] (n a power of two). */
static gboolean
insert_read_batch (KtBackend  *self,
                   gint64      at,
                   const char *actor,
                   GPtrArray  *records,
                   guint       first,
                   guint       n,
                   GError    **error)
{
  g_autoptr(GString) sql = g_string_new ("INSERT INTO audit (at, actor, action, record_id, kind, outcome) VALUES ");
  g_autofree KtSqlParam *params = g_new (KtSqlParam, n * 4);

  for (guint i = 0; i < n; i++)
    {
      KtServerRecord *record = g_ptr_array_index (records, first + i);

      g_string_append (sql, i > 0 ? ", (?, ?, 'read', ?, ?, 'ok')" : "(?, ?, 'read', ?, ?, 'ok')");
      params[i * 4] = KT_SQL_INT_PARAM (at);
      params[i * 4 + 1] = KT_SQL_TEXT_PARAM (actor);
      params[i * 4 + 2] = KT_SQL_TEXT_PARAM (record->id);
      params[i * 4 + 3] = KT_SQL_TEXT_PARAM (kt_kind_to_string (record->kind));
    }
  return query (self, sql->str, params, n * 4, NULL, error);
}

gboolean
kt_backend_audit_reads (KtBackend  *self,
                        const char *actor,
                        GPtrArray  *records,
                        GError    **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint done = 0;
  gboolean one_statement = records->len <= AUDIT_BATCH_MAX && (records->len & (records->len - 1)) == 0;

  if (records->len == 0)
    return TRUE;
  if (!one_statement && !begin (self, error))
    return FALSE;
  for (guint size = AUDIT_BATCH_MAX; size > 0; size /= 2)
    {
      while (records->len - done >= size)
        {
          if (!insert_read_batch (self, now, actor, records, done, size, error))
            {
              if (!one_statement)
                rollback (self);
              return FALSE;
            }
          done += size;
        }
    }
  if (!one_statement && !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
kt_backend_audit_refusal (KtBackend  *self,
                          const char *actor,
                          const char *action,
                          const char *record_id,
                          const char *kind,
                          const char *outcome,
                          GError    **error)
{
  return insert_audit (self, g_get_real_time () / G_USEC_PER_SEC, actor, action, record_id, kind,
                       NULL, outcome, error);
}

/* The audit entries of rows selected as id, at, actor, action, record_id,
 * kind, detail, outcome (transfer full). */
static GPtrArray *
audit_entries_from_rows (KtRows *rows)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_audit_entry_free);

  for (guint i = 0; i < kt_rows_count (rows); i++)
    {
      KtAuditEntry *entry = g_new0 (KtAuditEntry, 1);

      entry->id = kt_rows_get_int (rows, i, 0);
      entry->at = kt_rows_get_int (rows, i, 1);
      entry->actor = g_strdup (kt_rows_get (rows, i, 2));
      entry->action = g_strdup (kt_rows_get (rows, i, 3));
      entry->record_id = g_strdup (kt_rows_get (rows, i, 4));
      entry->kind = g_strdup (kt_rows_get (rows, i, 5));
      entry->detail = g_strdup (kt_rows_get (rows, i, 6));
      entry->outcome = g_strdup (kt_rows_get (rows, i, 7));
      g_ptr_array_add (entries, entry);
    }
  return entries;
}

GPtrArray *
kt_backend_list_case_reads (KtBackend  *self,
                            const char *case_id,
                            GError    **error)
{
  KtSqlParam params[] = {
    KT_SQL_TEXT_PARAM (case_id),
  };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  /* The audit has no index on record_id (writing stays cheap): this reads
   * the whole log, as `audit --record` does; a resident's request is rare. */
  if (!query (self,
              "SELECT id, at, actor, action, record_id, kind, detail, outcome FROM audit "
              "WHERE action = 'read' AND outcome = 'ok' AND "
              "record_id IN (SELECT id FROM records WHERE case_id = ?) ORDER BY id",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  return audit_entries_from_rows (&rows);
}

GPtrArray *
kt_backend_list_audit (KtBackend  *self,
                       gint64      since,
                       const char *record_id,
                       const char *actor,
                       GError    **error)
{
  KtSqlParam params[] = {
    KT_SQL_INT_PARAM (since),
    KT_SQL_TEXT_PARAM (record_id),
    KT_SQL_TEXT_PARAM (record_id),
    KT_SQL_TEXT_PARAM (actor),
    KT_SQL_TEXT_PARAM (actor),
  };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self,
              "SELECT id, at, actor, action, record_id, kind, detail, outcome FROM audit "
              "WHERE at >= ? AND (? IS NULL OR record_id = ?) AND (? IS NULL OR actor = ?) ORDER BY id",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  return audit_entries_from_rows (&rows);
}

/* Key directory */

void
kt_account_key_free (KtAccountKey *key)
{
  if (key == NULL)
    return;
  g_free (key->username);
  g_free (key->display_name);
  g_free (key->public_key);
  g_free (key);
}

KtPublishResult
kt_backend_publish_key (KtBackend  *self,
                        const char *username,
                        const char *public_key,
                        const char *recovery_bundle,
                        gint64      now,
                        GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (username) };
  KtSqlParam upsert[] = {
    KT_SQL_TEXT_PARAM (username),
    KT_SQL_TEXT_PARAM (public_key),
    KT_SQL_TEXT_PARAM (recovery_bundle),
    KT_SQL_INT_PARAM (now),
  };
  g_auto(KtRows) rows;
  KtPublishResult result = KT_PUBLISH_NEW;

  kt_rows_init (&rows);
  if (!begin (self, error))
    return KT_PUBLISH_ERROR;
  if (!query (self, "SELECT public_key, recovery_bundle FROM account_keys WHERE username = ?",
              params, G_N_ELEMENTS (params), &rows, error))
    goto failed;
  if (kt_rows_count (&rows) > 0)
    {
      if (g_strcmp0 (kt_rows_get (&rows, 0, 0), public_key) != 0)
        result = KT_PUBLISH_REPLACED;
      else if (g_strcmp0 (kt_rows_get (&rows, 0, 1), recovery_bundle) != 0)
        result = KT_PUBLISH_NEW_BUNDLE;
      else
        result = KT_PUBLISH_SAME;
    }
  if (result != KT_PUBLISH_SAME &&
      !query (self,
              "INSERT INTO account_keys (username, public_key, recovery_bundle, published) "
              "VALUES (?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET "
              "public_key = excluded.public_key, recovery_bundle = excluded.recovery_bundle, "
              "published = excluded.published",
              upsert, G_N_ELEMENTS (upsert), NULL, error))
    goto failed;
  if (!commit (self, error))
    goto failed;
  return result;

failed:
  rollback (self);
  return KT_PUBLISH_ERROR;
}

GPtrArray *
kt_backend_list_team_keys (KtBackend  *self,
                           const char *team,
                           GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (team) };
  g_auto(KtRows) rows;
  GPtrArray *keys;

  kt_rows_init (&rows);
  if (!query (self,
              "SELECT a.username, a.role, k.public_key, k.published, a.display_name "
              "FROM account_keys k JOIN accounts a ON a.username = k.username "
              "WHERE a.team = ? AND a.disabled = 0 ORDER BY a.username",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_account_key_free);
  for (guint i = 0; i < kt_rows_count (&rows); i++)
    {
      KtAccountKey *key = g_new0 (KtAccountKey, 1);

      key->username = g_strdup (kt_rows_get (&rows, i, 0));
      if (!kt_role_from_string (kt_rows_get (&rows, i, 1), &key->role))
        key->role = KT_ROLE_ADMIN;  /* as account_from_row () */
      key->public_key = g_strdup (kt_rows_get (&rows, i, 2));
      key->published = kt_rows_get_int (&rows, i, 3);
      key->display_name = g_strdup (kt_rows_get (&rows, i, 4));
      g_ptr_array_add (keys, key);
    }
  return keys;
}

char *
kt_backend_get_recovery_bundle (KtBackend  *self,
                                const char *username,
                                GError    **error)
{
  KtSqlParam params[] = { KT_SQL_TEXT_PARAM (username) };
  g_auto(KtRows) rows;

  kt_rows_init (&rows);
  if (!query (self, "SELECT recovery_bundle FROM account_keys WHERE username = ?",
              params, G_N_ELEMENTS (params), &rows, error))
    return NULL;
  return kt_rows_count (&rows) > 0 ? g_strdup (kt_rows_get (&rows, 0, 0)) : NULL;
}
