/* kt-outbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-outbox"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <sqlite3.h>

#include "kt-outbox.h"

#include "kt-crypto.h"
#include "kt-test-hold-private.h"

G_DEFINE_QUARK (kt-outbox-error-quark, kt_outbox_error)

#define KEY_CHECK "keukentafel-outbox-key-check"
/* The meta setting that says every body is sealed by kt_crypto_seal();
 * absent in a queue from before, whose bodies are rewritten on open. */
#define SEAL_META "seal_version"
#define SEAL_CURRENT "1"

struct _KtOutbox
{
  GObject   parent_instance;

  /* One writer at a time: the app shares on a worker while the sync round
   * confirms on the main loop.  Recursive, as a public call (a
   * transaction) uses others inside it (issue 22). */
  GRecMutex mutex;
  sqlite3  *db;
  /* What only reads goes through its own connection under its own lock:
   * in WAL a read never waits for a writer, so the main loop's counts do
   * not wait behind a write that waits for the disk or another program. */
  GMutex    read_mutex;
  sqlite3  *reader;
  KtKey    *key;

  /* kt_outbox_hold_for_test (): a thread of its own holds both locks, as
   * a read or a write waiting for a slow disk would. */
  KtTestHold test_hold;
};

/* The outbox whose read this thread is in (its reader connection is
 * used), or NULL. */
static GPrivate reading = G_PRIVATE_INIT (NULL);
/* The outbox whose write this thread is in: a read inside it uses the
 * writer's connection, which sees the transaction's own changes. */
static GPrivate writing = G_PRIVATE_INIT (NULL);

/* A public call's hold on the outbox, released when it goes out of scope. */
typedef struct {
  KtOutbox *self;
  gpointer  was_writing;
  gboolean  reader;
} Hold;

static Hold *
hold_write (KtOutbox *self)
{
  Hold *hold = g_new0 (Hold, 1);

  g_rec_mutex_lock (&self->mutex);
  hold->self = self;
  hold->was_writing = g_private_get (&writing);
  g_private_set (&writing, self);
  return hold;
}

static Hold *
hold_read (KtOutbox *self)
{
  Hold *hold;

  if (g_private_get (&writing) == self || self->reader == NULL)
    return hold_write (self);
  hold = g_new0 (Hold, 1);
  g_mutex_lock (&self->read_mutex);
  hold->self = self;
  hold->reader = TRUE;
  g_private_set (&reading, self);
  return hold;
}

static void
hold_release (Hold *hold)
{
  if (hold->reader)
    {
      g_private_set (&reading, NULL);
      g_mutex_unlock (&hold->self->read_mutex);
    }
  else
    {
      g_private_set (&writing, hold->was_writing);
      g_rec_mutex_unlock (&hold->self->mutex);
    }
  g_free (hold);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Hold, hold_release)

/* The connection this thread's call uses. */
static sqlite3 *
conn (KtOutbox *self)
{
  return g_private_get (&reading) == self ? self->reader : self->db;
}

G_DEFINE_FINAL_TYPE (KtOutbox, kt_outbox, G_TYPE_OBJECT)

static const char schema_sql[] =
  "PRAGMA journal_mode=WAL;"
  "PRAGMA synchronous=NORMAL;"
  "CREATE TABLE IF NOT EXISTS outbox ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, kind INTEGER NOT NULL,"
  "  rev INTEGER NOT NULL, base_rev INTEGER NOT NULL, case_id TEXT, updated INTEGER,"
  "  frozen INTEGER NOT NULL DEFAULT 0, failure TEXT, body BLOB NOT NULL);"
  "CREATE INDEX IF NOT EXISTS outbox_by_id ON outbox (id, seq);"
  "CREATE TABLE IF NOT EXISTS known (id TEXT PRIMARY KEY, rev INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS conflicts ("
  "  id TEXT PRIMARY KEY, kind INTEGER NOT NULL, case_id TEXT, detected INTEGER,"
  "  local_rev INTEGER NOT NULL, local_updated INTEGER, local_body BLOB NOT NULL,"
  "  server_rev INTEGER NOT NULL, server_updated INTEGER, server_author TEXT,"
  "  server_team TEXT, server_body BLOB NOT NULL);"
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);";

void
kt_outbox_entry_free (KtOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  kt_sync_record_free (entry->record);
  g_free (entry->failure);
  g_free (entry);
}

static gboolean
db_error (KtOutbox *self,
          GError  **error)
{
  g_set_error (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_IO,
               _("The sync queue could not be saved (%s)."), sqlite3_errmsg (conn (self)));
  return FALSE;
}

static gboolean
exec (KtOutbox   *self,
      const char *sql,
      GError    **error)
{
  if (sqlite3_exec (conn (self), sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_error (self, error);
  return TRUE;
}

static sqlite3_stmt *
prepare (KtOutbox   *self,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (conn (self), sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      db_error (self, error);
      return NULL;
    }
  return stmt;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Runs a statement to completion. */
static gboolean
step_done (KtOutbox     *self,
           sqlite3_stmt *stmt,
           GError      **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return db_error (self, error);
  return TRUE;
}

static char *read_meta (KtOutbox   *self,
                        const char *key);
static gboolean in_transaction (KtOutbox  *self,
                                gboolean (*body) (KtOutbox *, gconstpointer, gconstpointer, GError **),
                                gconstpointer a,
                                gconstpointer b,
                                GError   **error);

/* Sealing, with the store's record sealing (kt-crypto.h): versioned,
 * and the opened text is wiped when freed. */

static GBytes *
associated_data (const char *table,
                 const char *id,
                 gint64      rev)
{
  char *text = g_strdup_printf ("kt-outbox/1|%s|%s|%" G_GINT64_FORMAT, table, id, rev);

  return g_bytes_new_take (text, strlen (text));
}

static GBytes *
seal (KtOutbox   *self,
      const char *table,
      const char *id,
      gint64      rev,
      GBytes     *plain)
{
  g_autoptr(GBytes) ad = associated_data (table, id, rev);

  return kt_crypto_seal (self->key, ad, plain);
}

/* The text sealed in @sealed; *@unversioned (may be NULL) tells whether it
 * was sealed the way the first versions did, without a version byte. */
static GBytes *
unseal_full (KtOutbox     *self,
             const char   *table,
             const char   *id,
             gint64        rev,
             const guint8 *sealed,
             gsize         len,
             gboolean     *unversioned,
             GError      **error)
{
  g_autoptr(GBytes) ad = associated_data (table, id, rev);
  g_autoptr(GBytes) blob = g_bytes_new_static (sealed, sealed != NULL ? len : 0);
  GBytes *plain = kt_crypto_open (self->key, ad, blob);

  if (unversioned != NULL)
    *unversioned = FALSE;
  if (plain == NULL)
    {
      plain = kt_crypto_open_unversioned (self->key, ad, blob);
      if (plain != NULL && unversioned != NULL)
        *unversioned = TRUE;
    }
  if (plain == NULL)
    g_set_error_literal (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_TAMPERED,
                         _("A record in the sync queue was changed outside Keukentafel."));
  return plain;
}

static GBytes *
unseal (KtOutbox     *self,
        const char   *table,
        const char   *id,
        gint64        rev,
        const guint8 *sealed,
        gsize         len,
        GError      **error)
{
  return unseal_full (self, table, id, rev, sealed, len, NULL, error);
}

static void
bind_bytes (sqlite3_stmt *stmt,
            int           index,
            GBytes       *bytes)
{
  gsize len;
  const void *data = g_bytes_get_data (bytes, &len);

  sqlite3_bind_blob64 (stmt, index, data, len, SQLITE_TRANSIENT);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, index));
}

/* Object */

static void
kt_outbox_finalize (GObject *object)
{
  KtOutbox *self = KT_OUTBOX (object);

  g_clear_pointer (&self->reader, sqlite3_close_v2);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->key, kt_key_free);
  kt_outbox_release_for_test (self);
  g_rec_mutex_clear (&self->mutex);
  g_mutex_clear (&self->read_mutex);
  kt_test_hold_clear (&self->test_hold);
  G_OBJECT_CLASS (kt_outbox_parent_class)->finalize (object);
}

static void
kt_outbox_class_init (KtOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_outbox_finalize;
}

static void
kt_outbox_init (KtOutbox *self)
{
  g_rec_mutex_init (&self->mutex);
  g_mutex_init (&self->read_mutex);
  kt_test_hold_init (&self->test_hold);
}

/* The first open seals a known text; later opens must unseal it. */
static gboolean
check_key (KtOutbox *self,
           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT value FROM meta WHERE key = 'key_check'", error);
  g_autoptr(GBytes) plain = g_bytes_new_static (KEY_CHECK, strlen (KEY_CHECK));
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autofree char *hex = NULL;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *stored = (const char *) sqlite3_column_text (stmt, 0);
      gsize len = stored != NULL ? strlen (stored) / 2 : 0;
      g_autofree guint8 *bin = g_malloc0 (len + 1);
      size_t bin_len = 0;

      if (stored != NULL)
        sodium_hex2bin (bin, len, stored, strlen (stored), NULL, &bin_len, NULL);
      opened = unseal (self, "meta", "key_check", 1, bin, bin_len, NULL);
      if (opened == NULL || !g_bytes_equal (opened, plain))
        {
          g_set_error_literal (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_WRONG_KEY,
                               _("The sync queue cannot be opened with this key."));
          return FALSE;
        }
      return TRUE;
    }

  sealed = seal (self, "meta", "key_check", 1, plain);
  hex = g_malloc (g_bytes_get_size (sealed) * 2 + 1);
  sodium_bin2hex (hex, g_bytes_get_size (sealed) * 2 + 1,
                  g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
  return kt_outbox_set_meta (self, "key_check", hex, error);
}

/* Re-seals the body in @column of each row of @select (rowid, id, rev,
 * body) that is still sealed without a version byte. */
static gboolean
reseal_column (KtOutbox   *self,
               const char *select,
               const char *update,
               const char *table,
               GError    **error)
{
  g_autoptr(sqlite3_stmt) rows = prepare (self, select, error);

  if (rows == NULL)
    return FALSE;
  while (sqlite3_step (rows) == SQLITE_ROW)
    {
      g_autofree char *id = column_text (rows, 1);
      gint64 rev = sqlite3_column_int64 (rows, 2);
      gboolean unversioned = FALSE;
      g_autoptr(GBytes) plain = unseal_full (self, table, id, rev, sqlite3_column_blob (rows, 3),
                                             sqlite3_column_bytes (rows, 3), &unversioned, NULL);
      g_autoptr(GBytes) sealed = NULL;
      g_autoptr(sqlite3_stmt) write = NULL;

      /* One that does not open at all stays as it is: reading it reports
       * the tampering, as before. */
      if (plain == NULL || !unversioned)
        continue;
      sealed = seal (self, table, id, rev, plain);
      write = prepare (self, update, error);
      if (write == NULL)
        return FALSE;
      bind_bytes (write, 1, sealed);
      sqlite3_bind_int64 (write, 2, sqlite3_column_int64 (rows, 0));
      if (!step_done (self, write, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
reseal_in_transaction (KtOutbox      *self,
                       gconstpointer  a,
                       gconstpointer  b,
                       GError       **error)
{
  /* The key check is sealed again in today's format by check_key(). */
  return reseal_column (self, "SELECT seq, id, rev, body FROM outbox",
                        "UPDATE outbox SET body = ? WHERE seq = ?", "outbox", error) &&
         reseal_column (self, "SELECT rowid, id, local_rev, local_body FROM conflicts",
                        "UPDATE conflicts SET local_body = ? WHERE rowid = ?", "conflict-local", error) &&
         reseal_column (self, "SELECT rowid, id, server_rev, server_body FROM conflicts",
                        "UPDATE conflicts SET server_body = ? WHERE rowid = ?", "conflict-server", error) &&
         kt_outbox_set_meta (self, "key_check", NULL, error) &&
         check_key (self, error) &&
         kt_outbox_set_meta (self, SEAL_META, SEAL_CURRENT, error);
}

/* A queue written before the outbox used the store's sealing keeps
 * opening: its bodies are rewritten once, in one transaction, the first
 * time this version opens it. */
static gboolean
reseal_unversioned (KtOutbox  *self,
                    GError   **error)
{
  g_autofree char *version = kt_outbox_get_meta (self, SEAL_META);

  if (g_strcmp0 (version, SEAL_CURRENT) == 0)
    return TRUE;
  return in_transaction (self, reseal_in_transaction, NULL, NULL, error);
}

KtOutbox *
kt_outbox_open (const char    *path,
                const guint8  *key,
                GError       **error)
{
  g_autoptr(KtOutbox) self = g_object_new (KT_TYPE_OUTBOX, NULL);

  g_return_val_if_fail (path != NULL && key != NULL, NULL);

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      db_error (self, error);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  self->key = kt_key_new_from_data (key, KT_OUTBOX_KEY_SIZE);

  if (!exec (self, schema_sql, error) || !check_key (self, error) ||
      !reseal_unversioned (self, error))
    return NULL;
  /* The reads' own connection, once the file is what this version writes. */
  if (sqlite3_open_v2 (path, &self->reader, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_set_error (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_IO,
                   _("The sync queue could not be saved (%s)."), sqlite3_errmsg (self->reader));
      return NULL;
    }
  sqlite3_busy_timeout (self->reader, 5000);
  return g_steal_pointer (&self);
}

/* Queue */

static gint64
max_frozen_rev (KtOutbox   *self,
                const char *id)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT MAX(rev) FROM outbox WHERE id = ? AND frozen = 1", NULL);

  bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    return sqlite3_column_int64 (stmt, 0);
  return 0;
}

static gboolean
update_conflict_local (KtOutbox           *self,
                       const KtSyncRecord *record,
                       GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
    "UPDATE conflicts SET local_rev = ?, local_updated = ?, local_body = ? WHERE id = ?", error);
  g_autoptr(GBytes) sealed = NULL;

  if (stmt == NULL)
    return FALSE;
  sealed = seal (self, "conflict-local", record->id, record->rev, record->body);
  sqlite3_bind_int64 (stmt, 1, record->rev);
  sqlite3_bind_int64 (stmt, 2, record->updated);
  bind_bytes (stmt, 3, sealed);
  bind_text (stmt, 4, record->id);
  return step_done (self, stmt, error);
}

static gboolean
insert_entry (KtOutbox           *self,
              const KtSyncRecord *record,
              gint64              base_rev,
              GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
    "INSERT INTO outbox (id, kind, rev, base_rev, case_id, updated, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
    error);
  g_autoptr(GBytes) sealed = NULL;

  if (stmt == NULL)
    return FALSE;
  sealed = seal (self, "outbox", record->id, record->rev, record->body);
  bind_text (stmt, 1, record->id);
  sqlite3_bind_int (stmt, 2, record->kind);
  sqlite3_bind_int64 (stmt, 3, record->rev);
  sqlite3_bind_int64 (stmt, 4, base_rev);
  bind_text (stmt, 5, record->case_id);
  sqlite3_bind_int64 (stmt, 6, record->updated);
  bind_bytes (stmt, 7, sealed);
  return step_done (self, stmt, error);
}

static gboolean
delete_unfrozen (KtOutbox   *self,
                 const char *id,
                 GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "DELETE FROM outbox WHERE id = ? AND frozen = 0", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  return step_done (self, stmt, error);
}

static gboolean
in_transaction (KtOutbox  *self,
                gboolean (*body) (KtOutbox *, gconstpointer, gconstpointer, GError **),
                gconstpointer a,
                gconstpointer b,
                GError   **error)
{
  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!body (self, a, b, error))
    {
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return exec (self, "COMMIT", error);
}

static gboolean
add_in_transaction (KtOutbox      *self,
                    gconstpointer  a,
                    gconstpointer  b,
                    GError       **error)
{
  const KtSyncRecord *record = a;
  gint64 base_rev;

  if (kt_outbox_has_conflict (self, record->id))
    return update_conflict_local (self, record, error);

  if (!delete_unfrozen (self, record->id, error))
    return FALSE;
  base_rev = MAX (max_frozen_rev (self, record->id), kt_outbox_get_known_rev (self, record->id));
  if (record->rev <= base_rev)
    {
      g_set_error_literal (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_INVALID,
                           _("This version is older than the one already shared."));
      return FALSE;
    }
  return insert_entry (self, record, base_rev, error);
}

gboolean
kt_outbox_add (KtOutbox           *self,
               const KtSyncRecord *record,
               GError            **error)
{
  g_autoptr(Hold) hold = hold_write (self);
  g_return_val_if_fail (KT_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (record != NULL && record->id != NULL && record->body != NULL, FALSE);

  return in_transaction (self, add_in_transaction, record, NULL, error);
}

static KtOutboxEntry *
load_entry (KtOutbox *self,
            gint64    seq,
            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
    "SELECT id, kind, rev, base_rev, case_id, updated, frozen, failure, body FROM outbox WHERE seq = ?",
    error);
  g_autoptr(KtOutboxEntry) entry = NULL;
  KtSyncRecord *record;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, seq);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error_literal (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_NOT_FOUND,
                           _("The record is no longer in the sync queue."));
      return NULL;
    }
  entry = g_new0 (KtOutboxEntry, 1);
  entry->seq = seq;
  entry->record = record = kt_sync_record_new ();
  record->id = column_text (stmt, 0);
  record->kind = sqlite3_column_int (stmt, 1);
  record->rev = sqlite3_column_int64 (stmt, 2);
  entry->base_rev = sqlite3_column_int64 (stmt, 3);
  record->case_id = column_text (stmt, 4);
  record->updated = sqlite3_column_int64 (stmt, 5);
  entry->frozen = sqlite3_column_int (stmt, 6) != 0;
  entry->failure = column_text (stmt, 7);
  record->body = unseal (self, "outbox", record->id, record->rev,
                         sqlite3_column_blob (stmt, 8), sqlite3_column_bytes (stmt, 8), error);
  if (record->body == NULL || record->kind >= KT_N_KINDS)
    {
      if (record->body != NULL)
        g_set_error_literal (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_TAMPERED,
                             _("A record in the sync queue was changed outside Keukentafel."));
      return NULL;
    }
  return g_steal_pointer (&entry);
}

static GPtrArray *
peek_entries (KtOutbox    *self,
              guint        max,
              GHashTable  *skip_ids,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
    "SELECT MIN(seq) AS head, id FROM outbox GROUP BY id ORDER BY head", error);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_outbox_entry_free);
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (stmt == NULL)
    return NULL;
  while (seqs->len < max && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 1);
      gint64 seq = sqlite3_column_int64 (stmt, 0);

      if (skip_ids == NULL || !g_hash_table_contains (skip_ids, id))
        g_array_append_val (seqs, seq);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint i = 0; i < seqs->len; i++)
    {
      KtOutboxEntry *entry = load_entry (self, g_array_index (seqs, gint64, i), error);

      if (entry == NULL)
        return NULL;
      g_ptr_array_add (entries, entry);
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
kt_outbox_peek (KtOutbox    *self,
                guint        max,
                GHashTable  *skip_ids,
                GError     **error)
{
  g_autoptr(Hold) hold = hold_read (self);
  /* One snapshot for the heads and their entries: a share on a worker may
   * replace an unsent entry between the two reads. */
  gboolean snapshot = g_private_get (&reading) == self && exec (self, "BEGIN", NULL);
  GPtrArray *entries = peek_entries (self, max, skip_ids, error);

  if (snapshot)
    exec (self, "COMMIT", NULL);
  return entries;
}

static gboolean
run_with_seq (KtOutbox   *self,
              const char *sql,
              gint64      seq,
              const char *text,
              GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (text != NULL)
    {
      bind_text (stmt, 1, text);
      sqlite3_bind_int64 (stmt, 2, seq);
    }
  else
    sqlite3_bind_int64 (stmt, 1, seq);
  return step_done (self, stmt, error);
}

gboolean
kt_outbox_freeze (KtOutbox  *self,
                  gint64     seq,
                  GError   **error)
{
  g_autoptr(Hold) hold = hold_write (self);
  return run_with_seq (self, "UPDATE outbox SET frozen = 1 WHERE seq = ?", seq, NULL, error);
}

static gboolean
freeze_all_in_transaction (KtOutbox      *self,
                           gconstpointer  a,
                           gconstpointer  b,
                           GError       **error)
{
  GPtrArray *entries = (GPtrArray *) a;

  for (guint i = 0; i < entries->len; i++)
    {
      KtOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->frozen)
        continue;
      if (!run_with_seq (self, "UPDATE outbox SET frozen = 1 WHERE seq = ?", entry->seq, NULL, error))
        return FALSE;
      entry->frozen = TRUE;
    }
  return TRUE;
}

gboolean
kt_outbox_freeze_all (KtOutbox   *self,
                      GPtrArray  *entries,
                      GError    **error)
{
  g_autoptr(Hold) hold = NULL;
  guint i;

  /* Nothing to write (an empty outbox, every round): no write lock, so
   * a round that only pulls never waits for another writer here. */
  for (i = 0; i < entries->len; i++)
    if (!((KtOutboxEntry *) g_ptr_array_index (entries, i))->frozen)
      break;
  if (i == entries->len)
    return TRUE;
  hold = hold_write (self);
  return in_transaction (self, freeze_all_in_transaction, entries, NULL, error);
}

gboolean
kt_outbox_set_failure (KtOutbox    *self,
                       gint64       seq,
                       const char  *message,
                       GError     **error)
{
  g_autoptr(Hold) hold = hold_write (self);
  return run_with_seq (self, "UPDATE outbox SET failure = ? WHERE seq = ?", seq,
                       message != NULL ? message : "", error);
}

static gboolean
confirm_in_transaction (KtOutbox      *self,
                        gconstpointer  a,
                        gconstpointer  b,
                        GError       **error)
{
  const gint64 *seq = a;
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT id, rev FROM outbox WHERE seq = ?", error);
  g_autofree char *id = NULL;
  gint64 rev;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *seq);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return TRUE;  /* already confirmed */
  id = column_text (stmt, 0);
  rev = sqlite3_column_int64 (stmt, 1);
  if (!run_with_seq (self, "DELETE FROM outbox WHERE seq = ?", *seq, NULL, error))
    return FALSE;
  return kt_outbox_set_known_rev (self, id, rev, error);
}

gboolean
kt_outbox_confirm (KtOutbox  *self,
                   gint64     seq,
                   GError   **error)
{
  g_autoptr(Hold) hold = hold_write (self);
  return in_transaction (self, confirm_in_transaction, &seq, NULL, error);
}

static gint64
count_where (KtOutbox   *self,
             const char *sql,
             const char *id)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, NULL);

  if (stmt == NULL)
    return 0;
  if (id != NULL)
    bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

guint
kt_outbox_count (KtOutbox *self)
{
  g_autoptr(Hold) hold = hold_read (self);
  return count_where (self, "SELECT COUNT(*) FROM outbox", NULL);
}

gboolean
kt_outbox_has_pending (KtOutbox   *self,
                       const char *id)
{
  g_autoptr(Hold) hold = hold_read (self);
  return count_where (self, "SELECT COUNT(*) FROM outbox WHERE id = ?", id) > 0;
}

gboolean
kt_outbox_find_waiting (KtOutbox    *self,
                        const char  *id,
                        gboolean     whole_case,
                        char       **failure)
{
  g_autoptr(Hold) hold = hold_read (self);
  /* Refused entries first, so one query answers both questions. */
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
    whole_case
    ? "SELECT failure FROM outbox WHERE id = ?1 OR case_id = ?1 ORDER BY failure IS NULL, seq LIMIT 1"
    : "SELECT failure FROM outbox WHERE id = ?1 ORDER BY failure IS NULL, seq LIMIT 1", NULL);
  gboolean found = FALSE;

  if (failure != NULL)
    *failure = NULL;
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      found = TRUE;
      if (failure != NULL)
        *failure = column_text (stmt, 0);
    }
  if (found)
    return TRUE;
  return count_where (self,
                      whole_case ? "SELECT COUNT(*) FROM conflicts WHERE id = ?1 OR case_id = ?1"
                                 : "SELECT COUNT(*) FROM conflicts WHERE id = ?1",
                      id) > 0;
}

static void
collect_first (GHashTable *table,
               const char *key,
               const char *failure)
{
  if (key != NULL && !g_hash_table_contains (table, key))
    g_hash_table_insert (table, g_strdup (key), g_strdup (failure != NULL ? failure : ""));
}

static GHashTable *
waiting_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Fills @records (may be NULL) as kt_outbox_find_waiting () answers for a
 * record and @cases as it answers with whole_case, for every id at once.
 * Inside a hold. */
static void
collect_waiting (KtOutbox   *self,
                 GHashTable *records,
                 GHashTable *cases)
{
  /* Refused entries first, as in kt_outbox_find_waiting: the first one
   * seen for an id is the answer. */
  g_autoptr(sqlite3_stmt) queued = prepare (self,
    "SELECT id, case_id, failure FROM outbox ORDER BY failure IS NULL, seq", NULL);
  g_autoptr(sqlite3_stmt) conflicts = prepare (self, "SELECT id, case_id FROM conflicts", NULL);

  while (queued != NULL && sqlite3_step (queued) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (queued, 0);
      const char *failure = (const char *) sqlite3_column_text (queued, 2);

      if (records != NULL)
        collect_first (records, id, failure);
      collect_first (cases, id, failure);
      collect_first (cases, (const char *) sqlite3_column_text (queued, 1), failure);
    }
  while (conflicts != NULL && sqlite3_step (conflicts) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (conflicts, 0);

      if (records != NULL)
        collect_first (records, id, NULL);
      collect_first (cases, id, NULL);
      collect_first (cases, (const char *) sqlite3_column_text (conflicts, 1), NULL);
    }
}

GHashTable *
kt_outbox_collect_waiting (KtOutbox *self)
{
  g_autoptr(Hold) hold = hold_read (self);
  GHashTable *table = waiting_table_new ();

  collect_waiting (self, NULL, table);
  return table;
}

static GHashTable *
collect_known (KtOutbox *self)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT id FROM known WHERE rev > 0", NULL);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (set, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  return set;
}

void
kt_outbox_state_free (KtOutboxState *state)
{
  if (state == NULL)
    return;
  g_clear_pointer (&state->waiting, g_hash_table_unref);
  g_clear_pointer (&state->waiting_cases, g_hash_table_unref);
  g_clear_pointer (&state->known, g_hash_table_unref);
  g_clear_pointer (&state->known_changes, g_hash_table_unref);
  g_free (state->cursor);
  g_free (state);
}

/* What the known table says of each of @ids now, one look-up each, as
 * kt_outbox_get_known_rev () answers.  Inside a hold. */
static GHashTable *
collect_known_of (KtOutbox  *self,
                  GPtrArray *ids)
{
  GHashTable *changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT rev FROM known WHERE id = ?", NULL);

  for (guint i = 0; stmt != NULL && i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      gboolean known;

      if (id == NULL)
        continue;
      sqlite3_reset (stmt);
      bind_text (stmt, 1, id);
      known = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > 0;
      g_hash_table_replace (changes, g_strdup (id), GINT_TO_POINTER (known));
    }
  return changes;
}

static KtOutboxState *
read_state (KtOutbox   *self,
            gboolean    with_known,
            GPtrArray  *changed_ids,
            GError    **error)
{
  /* Counts every read of the state in any outbox: later reads, later
   * numbers, as the reads take turns on the reader's lock. */
  static guint serials;
  g_autoptr(Hold) hold = hold_read (self);
  g_autoptr(KtOutboxState) state = g_new0 (KtOutboxState, 1);
  g_autofree char *signed_out = NULL;

  /* One read transaction: the counts, the ids and the settings agree. */
  if (!exec (self, "BEGIN", error))
    return NULL;
  state->serial = g_atomic_int_add (&serials, 1) + 1;
  state->n_pending = count_where (self, "SELECT COUNT(*) FROM outbox", NULL);
  state->n_conflicts = count_where (self, "SELECT COUNT(*) FROM conflicts", NULL);
  /* Read whole: they are as big as what waits in the outbox, which a
   * round empties, not as big as the store. */
  state->waiting = waiting_table_new ();
  state->waiting_cases = waiting_table_new ();
  collect_waiting (self, state->waiting, state->waiting_cases);
  if (with_known)
    state->known = collect_known (self);
  if (changed_ids != NULL)
    state->known_changes = collect_known_of (self, changed_ids);
  state->cursor = read_meta (self, "cursor");
  signed_out = read_meta (self, "signed_out");
  state->signed_out = signed_out != NULL;
  if (!exec (self, "COMMIT", error))
    {
      exec (self, "ROLLBACK", NULL);
      return NULL;
    }
  return g_steal_pointer (&state);
}

KtOutboxState *
kt_outbox_read_state (KtOutbox  *self,
                      gboolean   with_known,
                      GError   **error)
{
  return read_state (self, with_known, NULL, error);
}

KtOutboxState *
kt_outbox_read_state_after (KtOutbox   *self,
                            GPtrArray  *changed_ids,
                            GError    **error)
{
  g_return_val_if_fail (changed_ids != NULL, NULL);

  return read_state (self, FALSE, changed_ids, error);
}

/* The main loop's known ids */

struct _KtOutboxKnown
{
  /* id → the serial of the newest read that said something of it, shifted
   * left by one, with the low bit set when it said the server has the id.
   * An id said not to be known by a change stays as such a mark, so that
   * an older read that comes later cannot bring it back. */
  GHashTable *ids;
  /* The newest full read taken: an id not in @ids is not known as of it. */
  guint       full_serial;
};

#define KNOWN_MARK(serial, known) GSIZE_TO_POINTER (((gsize) (serial) << 1) | ((known) ? 1 : 0))
#define KNOWN_SERIAL(mark) ((guint) (GPOINTER_TO_SIZE (mark) >> 1))
#define KNOWN_IS_KNOWN(mark) ((GPOINTER_TO_SIZE (mark) & 1) != 0)

KtOutboxKnown *
kt_outbox_known_new (void)
{
  KtOutboxKnown *self = g_new0 (KtOutboxKnown, 1);

  self->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
kt_outbox_known_free (KtOutboxKnown *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->ids);
  g_free (self);
}

/* A full read: every id of it is known as of its serial, every other id
 * not, except where a newer change said otherwise.  Costs every id, as
 * the read did; only opening the outbox reads them all. */
static void
take_full (KtOutboxKnown *self,
           KtOutboxState *state)
{
  g_autoptr(GHashTable) older = NULL;
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  /* Older than what was taken for every id. */
  if (state->serial <= self->full_serial)
    return;
  older = g_steal_pointer (&self->ids);
  self->ids = g_steal_pointer (&state->known);
  g_hash_table_iter_init (&iter, self->ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_iter_replace (&iter, KNOWN_MARK (state->serial, TRUE));
  g_hash_table_iter_init (&iter, older);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (KNOWN_SERIAL (value) > state->serial)
      {
        g_hash_table_iter_steal (&iter);
        g_hash_table_replace (self->ids, key, value);
      }
  self->full_serial = state->serial;
}

void
kt_outbox_known_take (KtOutboxKnown *self,
                      KtOutboxState *state)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_return_if_fail (self != NULL);

  if (state == NULL)
    return;
  if (state->known != NULL)
    take_full (self, state);
  if (state->known_changes == NULL)
    return;
  g_hash_table_iter_init (&iter, state->known_changes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gpointer had;
      guint had_serial = self->full_serial;

      if (g_hash_table_lookup_extended (self->ids, key, NULL, &had))
        had_serial = KNOWN_SERIAL (had);
      if (state->serial > had_serial)
        g_hash_table_replace (self->ids, g_strdup (key), KNOWN_MARK (state->serial, GPOINTER_TO_INT (value)));
    }
}

gboolean
kt_outbox_known_contains (KtOutboxKnown *self,
                          const char    *id)
{
  gpointer mark;

  g_return_val_if_fail (self != NULL, FALSE);

  return id != NULL && g_hash_table_lookup_extended (self->ids, id, NULL, &mark) && KNOWN_IS_KNOWN (mark);
}

void
kt_outbox_known_foreach (KtOutboxKnown *self,
                         void         (*func) (const char *id,
                                               gpointer    user_data),
                         gpointer       user_data)
{
  GHashTableIter iter;
  gpointer key;
  gpointer mark;

  g_return_if_fail (self != NULL);

  g_hash_table_iter_init (&iter, self->ids);
  while (g_hash_table_iter_next (&iter, &key, &mark))
    if (KNOWN_IS_KNOWN (mark))
      func (key, user_data);
}

GHashTable *
kt_outbox_collect_known (KtOutbox *self)
{
  g_autoptr(Hold) hold = hold_read (self);

  return collect_known (self);
}

gint64
kt_outbox_get_known_rev (KtOutbox   *self,
                         const char *id)
{
  g_autoptr(Hold) hold = hold_read (self);
  return count_where (self, "SELECT rev FROM known WHERE id = ?", id);
}

gboolean
kt_outbox_set_known_rev (KtOutbox   *self,
                         const char *id,
                         gint64      rev,
                         GError    **error)
{
  g_autoptr(Hold) hold = hold_write (self);
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
    "INSERT INTO known (id, rev) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET rev = excluded.rev",
    error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, rev);
  return step_done (self, stmt, error);
}

static gboolean
advance_in_transaction (KtOutbox      *self,
                        gconstpointer  a,
                        gconstpointer  b,
                        GError       **error)
{
  GPtrArray *records = (GPtrArray *) a;

  for (guint i = 0; i < records->len; i++)
    {
      const KtSyncRecord *record = g_ptr_array_index (records, i);

      if (!kt_outbox_set_known_rev (self, record->id, record->rev, error))
        return FALSE;
    }
  return kt_outbox_set_meta (self, "cursor", b, error);
}

gboolean
kt_outbox_advance_pull (KtOutbox    *self,
                        GPtrArray   *records,
                        const char  *cursor,
                        GError     **error)
{
  g_autoptr(Hold) hold = hold_write (self);

  return in_transaction (self, advance_in_transaction, records, cursor, error);
}

/* Conflicts */

static gboolean
write_conflict_server (KtOutbox           *self,
                       const char         *sql,
                       const KtSyncRecord *server,
                       GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  g_autoptr(GBytes) sealed = NULL;

  if (stmt == NULL)
    return FALSE;
  sealed = seal (self, "conflict-server", server->id, server->rev, server->body);
  sqlite3_bind_int64 (stmt, 1, server->rev);
  sqlite3_bind_int64 (stmt, 2, server->updated);
  bind_text (stmt, 3, server->author);
  bind_text (stmt, 4, server->team);
  bind_bytes (stmt, 5, sealed);
  bind_text (stmt, 6, server->id);
  return step_done (self, stmt, error);
}

static gboolean
add_conflict_in_transaction (KtOutbox      *self,
                             gconstpointer  a,
                             gconstpointer  b,
                             GError       **error)
{
  const gint64 *seq = a;
  const KtSyncRecord *server = b;
  g_autoptr(KtOutboxEntry) head = load_entry (self, *seq, error);
  g_autoptr(sqlite3_stmt) newest = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(KtOutboxEntry) local = NULL;
  g_autoptr(GBytes) sealed = NULL;

  if (head == NULL)
    return FALSE;
  if (!g_str_equal (head->record->id, server->id))
    {
      g_set_error_literal (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_INVALID,
                           _("The server answered about another record."));
      return FALSE;
    }
  newest = prepare (self, "SELECT MAX(seq) FROM outbox WHERE id = ?", error);
  if (newest == NULL)
    return FALSE;
  bind_text (newest, 1, server->id);
  if (sqlite3_step (newest) != SQLITE_ROW)
    return db_error (self, error);
  local = load_entry (self, sqlite3_column_int64 (newest, 0), error);
  if (local == NULL)
    return FALSE;

  insert = prepare (self,
    "INSERT OR REPLACE INTO conflicts (id, kind, case_id, detected, local_rev, local_updated,"
    " local_body, server_rev, server_updated, server_author, server_team, server_body)"
    " VALUES (?6, ?7, ?8, ?9, ?10, ?11, ?12, ?1, ?2, ?3, ?4, ?5)", error);
  if (insert == NULL)
    return FALSE;
  sealed = seal (self, "conflict-local", local->record->id, local->record->rev, local->record->body);
  sqlite3_bind_int (insert, 7, local->record->kind);
  bind_text (insert, 8, local->record->case_id);
  sqlite3_bind_int64 (insert, 9, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (insert, 10, local->record->rev);
  sqlite3_bind_int64 (insert, 11, local->record->updated);
  bind_bytes (insert, 12, sealed);
  g_clear_pointer (&sealed, g_bytes_unref);
  sealed = seal (self, "conflict-server", server->id, server->rev, server->body);
  sqlite3_bind_int64 (insert, 1, server->rev);
  sqlite3_bind_int64 (insert, 2, server->updated);
  bind_text (insert, 3, server->author);
  bind_text (insert, 4, server->team);
  bind_bytes (insert, 5, sealed);
  bind_text (insert, 6, server->id);
  if (!step_done (self, insert, error))
    return FALSE;

  g_clear_pointer (&newest, sqlite3_finalize);
  newest = prepare (self, "DELETE FROM outbox WHERE id = ?", error);
  if (newest == NULL)
    return FALSE;
  bind_text (newest, 1, server->id);
  return step_done (self, newest, error);
}

gboolean
kt_outbox_add_conflict (KtOutbox           *self,
                        gint64              seq,
                        const KtSyncRecord *server,
                        GError            **error)
{
  g_autoptr(Hold) hold = hold_write (self);
  return in_transaction (self, add_conflict_in_transaction, &seq, server, error);
}

gboolean
kt_outbox_update_conflict_server (KtOutbox           *self,
                                  const KtSyncRecord *server,
                                  GError            **error)
{
  g_autoptr(Hold) hold = hold_write (self);
  return write_conflict_server (self,
    "UPDATE conflicts SET server_rev = ?1, server_updated = ?2, server_author = ?3,"
    " server_team = ?4, server_body = ?5 WHERE id = ?6", server, error);
}

gboolean
kt_outbox_has_conflict (KtOutbox   *self,
                        const char *id)
{
  g_autoptr(Hold) hold = hold_read (self);
  return count_where (self, "SELECT COUNT(*) FROM conflicts WHERE id = ?", id) > 0;
}

guint
kt_outbox_count_conflicts (KtOutbox *self)
{
  g_autoptr(Hold) hold = hold_read (self);
  return count_where (self, "SELECT COUNT(*) FROM conflicts", NULL);
}

GPtrArray *
kt_outbox_list_conflicts (KtOutbox  *self,
                          GError   **error)
{
  g_autoptr(Hold) hold = hold_read (self);
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
    "SELECT id, kind, case_id, detected, local_rev, local_updated, local_body, server_rev,"
    " server_updated, server_author, server_team, server_body FROM conflicts ORDER BY detected, id",
    error);
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sync_conflict_free);

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(KtSyncConflict) conflict = g_new0 (KtSyncConflict, 1);
      KtSyncRecord *local = conflict->local = kt_sync_record_new ();
      KtSyncRecord *server = conflict->server = kt_sync_record_new ();

      conflict->id = column_text (stmt, 0);
      local->id = g_strdup (conflict->id);
      server->id = g_strdup (conflict->id);
      local->kind = server->kind = sqlite3_column_int (stmt, 1);
      local->case_id = column_text (stmt, 2);
      server->case_id = column_text (stmt, 2);
      conflict->detected = sqlite3_column_int64 (stmt, 3);
      local->rev = sqlite3_column_int64 (stmt, 4);
      local->updated = sqlite3_column_int64 (stmt, 5);
      local->body = unseal (self, "conflict-local", local->id, local->rev,
                            sqlite3_column_blob (stmt, 6), sqlite3_column_bytes (stmt, 6), error);
      server->rev = sqlite3_column_int64 (stmt, 7);
      server->updated = sqlite3_column_int64 (stmt, 8);
      server->author = column_text (stmt, 9);
      server->team = column_text (stmt, 10);
      server->body = unseal (self, "conflict-server", server->id, server->rev,
                             sqlite3_column_blob (stmt, 11), sqlite3_column_bytes (stmt, 11), error);
      if (local->body == NULL || server->body == NULL)
        return NULL;
      g_ptr_array_add (conflicts, g_steal_pointer (&conflict));
    }
  return g_steal_pointer (&conflicts);
}

static gboolean
resolve_in_transaction (KtOutbox      *self,
                        gconstpointer  a,
                        gconstpointer  b,
                        GError       **error)
{
  const KtSyncRecord *merged = a;
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT server_rev FROM conflicts WHERE id = ?", error);
  gint64 server_rev;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, merged->id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error_literal (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_NOT_FOUND,
                           _("This conflict was already resolved."));
      return FALSE;
    }
  server_rev = sqlite3_column_int64 (stmt, 0);
  if (merged->rev <= server_rev)
    {
      g_set_error_literal (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_INVALID,
                           _("This version is older than the one already shared."));
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = prepare (self, "DELETE FROM conflicts WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, merged->id);
  if (!step_done (self, stmt, error) ||
      !kt_outbox_set_known_rev (self, merged->id, server_rev, error) ||
      !delete_unfrozen (self, merged->id, error))
    return FALSE;
  return insert_entry (self, merged, server_rev, error);
}

gboolean
kt_outbox_resolve_conflict (KtOutbox           *self,
                            const KtSyncRecord *merged,
                            GError            **error)
{
  g_autoptr(Hold) hold = hold_write (self);
  return in_transaction (self, resolve_in_transaction, merged, NULL, error);
}

/* Meta */

/* Inside a hold. */
static char *
read_meta (KtOutbox   *self,
           const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return column_text (stmt, 0);
}

char *
kt_outbox_get_meta (KtOutbox   *self,
                    const char *key)
{
  g_autoptr(Hold) hold = hold_read (self);

  return read_meta (self, key);
}

gboolean
kt_outbox_set_meta (KtOutbox   *self,
                    const char *key,
                    const char *value,
                    GError    **error)
{
  g_autoptr(Hold) hold = hold_write (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (value == NULL)
    stmt = prepare (self, "DELETE FROM meta WHERE key = ?", error);
  else
    stmt = prepare (self,
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  if (value != NULL)
    bind_text (stmt, 2, value);
  return step_done (self, stmt, error);
}

gboolean
kt_outbox_update_meta (KtOutbox           *self,
                       const char         *key,
                       KtOutboxMetaChange  change,
                       gpointer            user_data,
                       GError            **error)
{
  /* The write hold is the one every write of this outbox takes: the read
   * below uses the writer's connection and nothing writes in between. */
  g_autoptr(Hold) hold = hold_write (self);
  g_autofree char *value = read_meta (self, key);
  g_autofree char *changed = change (value, user_data);

  return kt_outbox_set_meta (self, key, changed, error);
}

/* Tests */

static void
take_locks (gpointer data)
{
  KtOutbox *self = data;

  g_rec_mutex_lock (&self->mutex);
  g_mutex_lock (&self->read_mutex);
}

static void
let_go_of_locks (gpointer data)
{
  KtOutbox *self = data;

  g_mutex_unlock (&self->read_mutex);
  g_rec_mutex_unlock (&self->mutex);
}

void
kt_outbox_hold_for_test (KtOutbox *self,
                         guint     ms)
{
  g_return_if_fail (KT_IS_OUTBOX (self));

  kt_test_hold_begin (&self->test_hold, "kt-outbox-hold", ms, take_locks, let_go_of_locks, self);
}

gboolean
kt_outbox_is_held_for_test (KtOutbox *self)
{
  return kt_test_hold_is_held (&self->test_hold);
}

void
kt_outbox_release_for_test (KtOutbox *self)
{
  kt_test_hold_end (&self->test_hold);
}
