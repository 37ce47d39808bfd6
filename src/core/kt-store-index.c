/* kt-store-index.c: the authenticated index of the record store
 *
 * Why an index beside the records: each sealed body already names its id,
 * kind and revision, so a body cannot be moved or put under another
 * revision number.  But an older row — revision and body together — is
 * genuine, and a deleted row leaves nothing to fail.  The index says which
 * revision and which ciphertext this device wrote last for every record;
 * its root says how many lines there are and what they were, and carries
 * a counter that the store also keeps outside the file (keyring or a
 * counter file), so a whole older file is noticed as well.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-store"

#include "config.h"

#include "kt-store-index-private.h"

#include <sodium.h>
#include <string.h>

#include "kt-record-store.h"

#define MAC_SIZE KT_STORE_INDEX_HASH_SIZE
#define META_INDEX_ROOT "index-root"
#define ROOT_VERSION 1
/* version | counter | count | xor | flags | mac */
#define ROOT_SIZE (1 + 8 + 8 + MAC_SIZE + 4 + MAC_SIZE)
#define MARK_SIZE (8 + MAC_SIZE)

/* Warnings kept in the root until the user has seen them, so that saving
 * on after a rollback cannot make it go unnoticed. */
enum {
  ROOT_FLAG_STORE_OLDER   = 1 << 0,
  ROOT_FLAG_INDEX_CHANGED = 1 << 1,
};

typedef struct {
  guint64 counter;             /* bumped by every commit */
  guint64 count;               /* lines in the index */
  guint8  xor[MAC_SIZE];       /* XOR of every line's MAC */
  guint32 flags;
} Root;

struct _KtStoreIndex
{
  KtKey   *key;                /* derived from the data key: MACs only */
  gboolean built;
  gboolean root_authentic;     /* the root read from the file verified */
  Root     root;
  Root     staged;             /* the root of the transaction under way */
  gboolean staged_valid;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static void
put_u32 (guint8  *out,
         guint32  value)
{
  for (int i = 0; i < 4; i++)
    out[i] = value >> (8 * i);
}

static void
put_u64 (guint8  *out,
         guint64  value)
{
  for (int i = 0; i < 8; i++)
    out[i] = value >> (8 * i);
}

static guint32
get_u32 (const guint8 *in)
{
  guint32 value = 0;

  for (int i = 3; i >= 0; i--)
    value = (value << 8) | in[i];
  return value;
}

static guint64
get_u64 (const guint8 *in)
{
  guint64 value = 0;

  for (int i = 7; i >= 0; i--)
    value = (value << 8) | in[i];
  return value;
}

static void
xor_into (guint8       *acc,
          const guint8 *mac)
{
  for (int i = 0; i < MAC_SIZE; i++)
    acc[i] ^= mac[i];
}

static void
mac_init (KtStoreIndex                *self,
          crypto_generichash_state    *state,
          const char                  *label)
{
  crypto_generichash_init (state, kt_key_peek (self->key), KT_KEY_SIZE, MAC_SIZE);
  crypto_generichash_update (state, (const guint8 *) label, strlen (label) + 1);
}

static void
line_mac (KtStoreIndex *self,
          const char   *id,
          int           kind,
          gint64        rev,
          const char   *case_id,
          const guint8 *hash,
          guint8        mac[MAC_SIZE])
{
  crypto_generichash_state state;
  guint8 numbers[12];

  put_u32 (numbers, (guint32) kind);
  put_u64 (numbers + 4, (guint64) rev);
  mac_init (self, &state, "keukentafel-index-line-1");
  crypto_generichash_update (&state, (const guint8 *) id, strlen (id) + 1);
  crypto_generichash_update (&state, numbers, sizeof numbers);
  /* NULL (a case) and "" are told apart by a leading byte. */
  crypto_generichash_update (&state, (const guint8 *) (case_id != NULL ? "c" : "-"), 1);
  if (case_id != NULL)
    crypto_generichash_update (&state, (const guint8 *) case_id, strlen (case_id) + 1);
  crypto_generichash_update (&state, hash, KT_STORE_INDEX_HASH_SIZE);
  crypto_generichash_final (&state, mac, MAC_SIZE);
}

static void
root_mac (KtStoreIndex *self,
          const guint8 *encoded,
          guint8        mac[MAC_SIZE])
{
  crypto_generichash_state state;

  mac_init (self, &state, "keukentafel-index-root-1");
  crypto_generichash_update (&state, encoded, ROOT_SIZE - MAC_SIZE);
  crypto_generichash_final (&state, mac, MAC_SIZE);
}

static void
root_encode (KtStoreIndex *self,
             const Root   *root,
             guint8        out[ROOT_SIZE])
{
  out[0] = ROOT_VERSION;
  put_u64 (out + 1, root->counter);
  put_u64 (out + 9, root->count);
  memcpy (out + 17, root->xor, MAC_SIZE);
  put_u32 (out + 17 + MAC_SIZE, root->flags);
  root_mac (self, out, out + ROOT_SIZE - MAC_SIZE);
}

/* FALSE when @data is not a root this key wrote. */
static gboolean
root_decode (KtStoreIndex *self,
             const guint8 *data,
             gsize         size,
             Root         *root)
{
  guint8 mac[MAC_SIZE];

  if (size != ROOT_SIZE || data[0] != ROOT_VERSION)
    return FALSE;
  root_mac (self, data, mac);
  if (sodium_memcmp (mac, data + ROOT_SIZE - MAC_SIZE, MAC_SIZE) != 0)
    return FALSE;
  root->counter = get_u64 (data + 1);
  root->count = get_u64 (data + 9);
  memcpy (root->xor, data + 17, MAC_SIZE);
  root->flags = get_u32 (data + 17 + MAC_SIZE);
  return TRUE;
}

static gboolean
step_done (sqlite3       *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      kt_record_store_set_sqlite_error (error, rc, db);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (sqlite3     *db,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      kt_record_store_set_sqlite_error (error, rc, db);
      return NULL;
    }
  return stmt;
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      kt_record_store_set_sqlite_error (error, rc, db);
      return FALSE;
    }
  return TRUE;
}

static gboolean
end (sqlite3  *db,
     gboolean  ok,
     GError  **error)
{
  if (ok && exec (db, "COMMIT", error))
    return TRUE;
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
write_root (KtStoreIndex  *self,
            sqlite3       *db,
            const Root    *root,
            GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", error);
  guint8 encoded[ROOT_SIZE];

  if (stmt == NULL)
    return FALSE;
  root_encode (self, root, encoded);
  sqlite3_bind_text (stmt, 1, META_INDEX_ROOT, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, encoded, sizeof encoded, SQLITE_TRANSIENT);
  return step_done (db, stmt, error);
}

KtStoreIndex *
kt_store_index_new (const KtKey *data_key,
                    sqlite3     *db)
{
  g_autoptr(KtStoreIndex) self = g_new0 (KtStoreIndex, 1);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint8 *subkey = sodium_malloc (KT_KEY_SIZE);

  /* A key of its own, so that no MAC is ever made with the sealing key. */
  crypto_kdf_derive_from_key (subkey, KT_KEY_SIZE, 1, "KtIndex1", kt_key_peek (data_key));
  self->key = kt_key_new_from_data (subkey, KT_KEY_SIZE);
  sodium_free (subkey);

  stmt = prepare (db, "SELECT value FROM meta WHERE key = '" META_INDEX_ROOT "'", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      self->built = TRUE;
      self->root_authentic = root_decode (self, sqlite3_column_blob (stmt, 0),
                                          sqlite3_column_bytes (stmt, 0), &self->root);
    }
  return g_steal_pointer (&self);
}

void
kt_store_index_free (KtStoreIndex *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->key, kt_key_free);
  sodium_memzero (self, sizeof *self);
  g_free (self);
}

gboolean
kt_store_index_is_built (KtStoreIndex *self)
{
  return self->built;
}

guint64
kt_store_index_counter (KtStoreIndex *self)
{
  return self->root.counter;
}

void
kt_store_index_hash_parts (GBytes *sealed_body,
                           GBytes *sealed_summary,
                           guint8  hash[KT_STORE_INDEX_HASH_SIZE])
{
  crypto_generichash_state state;
  GBytes *parts[] = { sealed_body, sealed_summary };

  crypto_generichash_init (&state, NULL, 0, KT_STORE_INDEX_HASH_SIZE);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      gsize size = 0;
      gconstpointer data = parts[i] != NULL ? g_bytes_get_data (parts[i], &size) : NULL;
      guint8 length[9];

      /* A length before each part (and a marker for none) keeps the two
       * apart. */
      length[0] = parts[i] != NULL;
      put_u64 (length + 1, size);
      crypto_generichash_update (&state, length, sizeof length);
      if (size > 0)
        crypto_generichash_update (&state, data, size);
    }
  crypto_generichash_final (&state, hash, KT_STORE_INDEX_HASH_SIZE);
}

gboolean
kt_store_index_stage_put (KtStoreIndex  *self,
                          sqlite3       *db,
                          const char    *id,
                          int            kind,
                          gint64         rev,
                          const char    *case_id,
                          const guint8   hash[KT_STORE_INDEX_HASH_SIZE],
                          GError       **error)
{
  g_autoptr(sqlite3_stmt) old = NULL;
  g_autoptr(sqlite3_stmt) line = NULL;
  guint8 mac[MAC_SIZE];
  int rc;

  /* A file opened without the check (the record layer's own tests) gets
   * its index when the store first checks it. */
  if (!self->built)
    return TRUE;

  old = prepare (db, "SELECT mac FROM record_index WHERE id = ?", error);
  line = prepare (db, "INSERT OR REPLACE INTO record_index (id, kind, rev, case_id, hash, mac)"
                      " VALUES (?, ?, ?, ?, ?, ?)", error);
  if (old == NULL || line == NULL)
    return FALSE;

  self->staged = self->root;
  self->staged_valid = TRUE;

  sqlite3_bind_text (old, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (old);
  if (rc == SQLITE_ROW)
    {
      /* The stored MAC leaves the XOR as it went in: a line changed on
       * disk leaves the sum wrong, which the next check sees. */
      if (sqlite3_column_bytes (old, 0) == MAC_SIZE)
        xor_into (self->staged.xor, sqlite3_column_blob (old, 0));
    }
  else if (rc == SQLITE_DONE)
    self->staged.count++;
  else
    {
      kt_record_store_set_sqlite_error (error, rc, db);
      return FALSE;
    }

  line_mac (self, id, kind, rev, case_id, hash, mac);
  xor_into (self->staged.xor, mac);
  self->staged.counter++;

  sqlite3_bind_text (line, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int (line, 2, kind);
  sqlite3_bind_int64 (line, 3, rev);
  if (case_id != NULL)
    sqlite3_bind_text (line, 4, case_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (line, 4);
  sqlite3_bind_blob (line, 5, hash, KT_STORE_INDEX_HASH_SIZE, SQLITE_STATIC);
  sqlite3_bind_blob (line, 6, mac, MAC_SIZE, SQLITE_STATIC);
  return step_done (db, line, error) && write_root (self, db, &self->staged, error);
}

void
kt_store_index_commit (KtStoreIndex *self,
                       gboolean      committed)
{
  if (self->staged_valid && committed)
    self->root = self->staged;
  self->staged_valid = FALSE;
}

gboolean
kt_store_index_lookup_hash (KtStoreIndex *self,
                            sqlite3      *db,
                            const char   *id,
                            guint8        hash[KT_STORE_INDEX_HASH_SIZE])
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "SELECT hash FROM record_index WHERE id = ?", NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_bytes (stmt, 0) != KT_STORE_INDEX_HASH_SIZE)
    return FALSE;
  memcpy (hash, sqlite3_column_blob (stmt, 0), KT_STORE_INDEX_HASH_SIZE);
  return TRUE;
}

static GBytes *
column_bytes_static (sqlite3_stmt *stmt,
                     int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  return g_bytes_new_static (sqlite3_column_blob (stmt, column), sqlite3_column_bytes (stmt, column));
}

/* Writes a line for every record as it is now and a root with @counter
 * and @flags, in one transaction.  Reads every body once: for a file that
 * never had an index, and after the user accepted a check. */
static gboolean
rebuild (KtStoreIndex  *self,
         sqlite3       *db,
         guint64        counter,
         guint32        flags,
         GError       **error)
{
  g_autoptr(sqlite3_stmt) rows = NULL;
  g_autoptr(sqlite3_stmt) line = NULL;
  Root root = { .counter = counter, .flags = flags };
  gboolean ok = TRUE;
  int rc;

  rows = prepare (db, "SELECT id, kind, rev, case_id, body, summary FROM records", error);
  line = prepare (db, "INSERT INTO record_index (id, kind, rev, case_id, hash, mac)"
                      " VALUES (?, ?, ?, ?, ?, ?)", error);
  if (rows == NULL || line == NULL || !exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  ok = exec (db, "DELETE FROM record_index", error);

  while (ok && (rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (rows, 0);
      int kind = sqlite3_column_int (rows, 1);
      gint64 rev = sqlite3_column_int64 (rows, 2);
      const char *case_id = (const char *) sqlite3_column_text (rows, 3);
      g_autoptr(GBytes) body = column_bytes_static (rows, 4);
      g_autoptr(GBytes) summary = column_bytes_static (rows, 5);
      guint8 hash[KT_STORE_INDEX_HASH_SIZE];
      guint8 mac[MAC_SIZE];

      kt_store_index_hash_parts (body, summary, hash);
      line_mac (self, id, kind, rev, case_id, hash, mac);
      xor_into (root.xor, mac);
      root.count++;

      sqlite3_reset (line);
      sqlite3_bind_text (line, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (line, 2, kind);
      sqlite3_bind_int64 (line, 3, rev);
      if (case_id != NULL)
        sqlite3_bind_text (line, 4, case_id, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (line, 4);
      sqlite3_bind_blob (line, 5, hash, sizeof hash, SQLITE_TRANSIENT);
      sqlite3_bind_blob (line, 6, mac, sizeof mac, SQLITE_TRANSIENT);
      ok = step_done (db, line, error);
    }
  if (ok && rc != SQLITE_DONE)
    {
      kt_record_store_set_sqlite_error (error, rc, db);
      ok = FALSE;
    }
  g_clear_pointer (&rows, sqlite3_finalize);
  g_clear_pointer (&line, sqlite3_finalize);

  ok = ok && write_root (self, db, &root, error);
  if (!end (db, ok, error))
    return FALSE;

  self->root = root;
  self->built = TRUE;
  self->root_authentic = TRUE;
  return TRUE;
}

static void
add_finding (KtStoreCheck    *check,
             const char      *id,
             int              kind,
             KtRecordProblem  problem)
{
  KtRecordFinding *finding = g_new0 (KtRecordFinding, 1);

  finding->id = g_strdup (id);
  finding->kind = kind;
  finding->problem = problem;
  g_ptr_array_add (check->records, finding);
}

/* The line of one record as read from the index, its MAC checked. */
typedef struct {
  int           kind;
  gint64        rev;
  const char   *case_id;
  gboolean      authentic;
} Line;

static void
read_line (KtStoreIndex *self,
           sqlite3_stmt *stmt,
           int           first,
           const char   *id,
           Line         *line,
           guint8        acc[MAC_SIZE])
{
  guint8 mac[MAC_SIZE];
  const guint8 *hash = sqlite3_column_blob (stmt, first + 3);

  line->kind = sqlite3_column_int (stmt, first);
  line->rev = sqlite3_column_int64 (stmt, first + 1);
  line->case_id = (const char *) sqlite3_column_text (stmt, first + 2);
  line->authentic = FALSE;
  if (sqlite3_column_bytes (stmt, first + 3) != KT_STORE_INDEX_HASH_SIZE ||
      sqlite3_column_bytes (stmt, first + 4) != MAC_SIZE)
    return;
  line_mac (self, id, line->kind, line->rev, line->case_id, hash, mac);
  line->authentic = sodium_memcmp (mac, sqlite3_column_blob (stmt, first + 4), MAC_SIZE) == 0;
  /* What the line says, authentic or not, goes into the sum: a line that
   * was changed, put back or removed leaves it different from the root. */
  xor_into (acc, mac);
}

gboolean
kt_store_index_check (KtStoreIndex  *self,
                      sqlite3       *db,
                      guint64        mark,
                      KtStoreCheck  *check,
                      GError       **error)
{
  g_autoptr(sqlite3_stmt) present = NULL;
  g_autoptr(sqlite3_stmt) deleted = NULL;
  guint8 acc[MAC_SIZE] = { 0 };
  guint64 count = 0;
  guint32 flags;
  gboolean changed;
  int rc;

  if (!self->built)
    {
      /* A file from before the index: built now, without alarm — unless
       * this device has kept a counter for it, which means it had an
       * index and an older file was put back. */
      flags = mark > 0 ? ROOT_FLAG_STORE_OLDER : 0;
      if (!rebuild (self, db, mark + 1, flags, error))
        return FALSE;
      check->store_older = flags != 0;
      return TRUE;
    }

  /* Only the small columns: the records through their covering listing
   * index, the lines by their key. */
  present = prepare (db,
                     "SELECT r.id, r.kind, r.rev, r.case_id,"
                     " i.kind, i.rev, i.case_id, i.hash, i.mac, i.id IS NOT NULL"
                     " FROM records r LEFT JOIN record_index i ON i.id = r.id",
                     error);
  deleted = prepare (db,
                     "SELECT id, kind, rev, case_id, hash, mac FROM record_index"
                     " WHERE id NOT IN (SELECT id FROM records)",
                     error);
  if (present == NULL || deleted == NULL)
    return FALSE;

  while ((rc = sqlite3_step (present)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (present, 0);
      int kind = sqlite3_column_int (present, 1);
      gint64 rev = sqlite3_column_int64 (present, 2);
      const char *case_id = (const char *) sqlite3_column_text (present, 3);
      Line line;

      if (!sqlite3_column_int (present, 9))
        {
          add_finding (check, id, kind, KT_RECORD_CHANGED);
          continue;
        }
      read_line (self, present, 4, id, &line, acc);
      count++;
      if (line.authentic && line.kind == kind && line.rev == rev && g_strcmp0 (line.case_id, case_id) == 0)
        continue;
      add_finding (check, id, kind,
                   line.authentic && line.kind == kind && rev < line.rev
                   ? KT_RECORD_ROLLED_BACK : KT_RECORD_CHANGED);
    }
  if (rc != SQLITE_DONE)
    {
      kt_record_store_set_sqlite_error (error, rc, db);
      return FALSE;
    }

  while ((rc = sqlite3_step (deleted)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (deleted, 0);
      Line line;

      read_line (self, deleted, 1, id, &line, acc);
      count++;
      add_finding (check, id, line.kind, KT_RECORD_DELETED);
    }
  if (rc != SQLITE_DONE)
    {
      kt_record_store_set_sqlite_error (error, rc, db);
      return FALSE;
    }
  g_clear_pointer (&present, sqlite3_finalize);
  g_clear_pointer (&deleted, sqlite3_finalize);

  changed = !self->root_authentic || count != self->root.count ||
            sodium_memcmp (acc, self->root.xor, MAC_SIZE) != 0;
  flags = self->root_authentic ? self->root.flags : 0;
  if (changed)
    flags |= ROOT_FLAG_INDEX_CHANGED;
  /* Crash safety: the mark is written only after the commit it counts, so
   * a file at or ahead of the mark is as this device left it. */
  if (self->root_authentic && mark > self->root.counter)
    flags |= ROOT_FLAG_STORE_OLDER;

  check->store_older = (flags & ROOT_FLAG_STORE_OLDER) != 0;
  check->index_changed = (flags & ROOT_FLAG_INDEX_CHANGED) != 0;

  if (changed || !self->root_authentic || flags != self->root.flags || mark > self->root.counter)
    {
      Root root = self->root;
      gboolean ok;

      /* The warnings go into the root, so they stay until the user has
       * seen them however many saves follow; the counter moves past the
       * mark so that the marks written from now on go on from there.  The
       * sum is what the lines say now: the next check finds only what
       * changes after this one. */
      if (!self->root_authentic)
        root.counter = 0;
      root.counter = MAX (root.counter, mark);
      root.count = count;
      memcpy (root.xor, acc, MAC_SIZE);
      root.flags = flags;
      ok = exec (db, "BEGIN IMMEDIATE", error) && write_root (self, db, &root, error);
      if (!end (db, ok, error))
        return FALSE;
      self->root = root;
      self->root_authentic = TRUE;
    }
  return TRUE;
}

gboolean
kt_store_index_accept (KtStoreIndex  *self,
                       sqlite3       *db,
                       GError       **error)
{
  /* Rare (after a warning): every line is written again from the records
   * as they are; set-aside records stay in quarantine. */
  return rebuild (self, db, self->root.counter + 1, 0, error);
}

static void
mark_mac (KtStoreIndex *self,
          guint64       counter,
          guint8        mac[MAC_SIZE])
{
  crypto_generichash_state state;
  guint8 number[8];

  put_u64 (number, counter);
  mac_init (self, &state, "keukentafel-index-mark-1");
  crypto_generichash_update (&state, number, sizeof number);
  crypto_generichash_final (&state, mac, MAC_SIZE);
}

GBytes *
kt_store_index_seal_mark (KtStoreIndex *self,
                          guint64       counter)
{
  guint8 sealed[MARK_SIZE];

  put_u64 (sealed, counter);
  mark_mac (self, counter, sealed + 8);
  return g_bytes_new (sealed, sizeof sealed);
}

gboolean
kt_store_index_open_mark (KtStoreIndex *self,
                          GBytes       *sealed,
                          guint64      *counter)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (sealed, &size);
  guint8 mac[MAC_SIZE];

  if (size != MARK_SIZE)
    return FALSE;
  mark_mac (self, get_u64 (data), mac);
  if (sodium_memcmp (mac, data + 8, MAC_SIZE) != 0)
    return FALSE;
  *counter = get_u64 (data);
  return TRUE;
}
