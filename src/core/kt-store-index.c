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
 * "What they were" is the XOR of a keyed hash (BLAKE2b under a key derived
 * from the data key) of every line.  Those hashes are never written down
 * and the root is sealed (XChaCha20-Poly1305), so someone with copies of
 * the file sees none of them: XOR is linear, and visible per-line values
 * from enough old copies would let a set of old lines be chosen whose XOR
 * matches the root.  Hidden, changing any line means guessing a 256-bit
 * value.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-store"

#include "config.h"

#include "kt-store-index-private.h"
#include "kt-huge-buffer-private.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "kt-record-store.h"

#define MAC_SIZE KT_STORE_INDEX_HASH_SIZE
#define META_INDEX_ROOT "index-root"
#define ROOT_VERSION 1
/* version | counter | count | xor | flags, sealed */
#define ROOT_SIZE (1 + 8 + 8 + MAC_SIZE + 4)
#define MARK_SIZE (8 + MAC_SIZE)
/* A line's bytes for its keyed hash: id and case (each with its NUL),
 * kind (u32), revision (u64), the case's marker byte and the hash. */
#define LINE_BYTES_FIXED (4 + 8 + 1 + KT_STORE_INDEX_HASH_SIZE)
#define LINE_BYTES_MAX 256

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

/* The statements of every save, prepared once per connection. */
typedef enum {
  STMT_READ_ROOT,
  STMT_WRITE_ROOT,
  STMT_OLD_LINE,
  STMT_PUT_LINE,
  STMT_LOOKUP_HASH,
  N_STMTS
} Stmt;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_READ_ROOT]   = "SELECT value FROM meta WHERE key = '" META_INDEX_ROOT "'",
  /* Updated in place (not replaced under a new rowid): one page of the
   * meta table in the log of every save, not also its key index's. */
  [STMT_WRITE_ROOT]  = ("INSERT INTO meta (key, value) VALUES ('" META_INDEX_ROOT "', ?1)"
                        " ON CONFLICT (key) DO UPDATE SET value = ?1"),
  [STMT_OLD_LINE]    = "SELECT kind, rev, case_id, hash FROM record_index WHERE id = ?",
  [STMT_PUT_LINE]    = ("INSERT OR REPLACE INTO record_index (id, kind, rev, case_id, hash)"
                        " VALUES (?, ?, ?, ?, ?)"),
  [STMT_LOOKUP_HASH] = "SELECT hash FROM record_index WHERE id = ?",
};

struct _KtStoreIndex
{
  sqlite3_stmt *stmts[N_STMTS];
  crypto_generichash_state line_state;  /* keyed, the label taken in */
  KtKey   *key;                /* derived from the data key: keyed hashes only */
  KtKey   *seal_key;           /* derived too: seals the root */
  gboolean built;
  gboolean root_authentic;     /* the root read from the file verified */
  Root     root;
  Root     staged;             /* the root of the transaction under way */
  gboolean staged_valid;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* A cached statement, reset (not finalized) when it goes out of scope so
 * that no read stays open. */
typedef sqlite3_stmt KtCachedStmt;

static void
cached_stmt_release (KtCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtCachedStmt, cached_stmt_release)

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
  crypto_generichash_state state = self->line_state;
  gsize id_size = strlen (id) + 1;
  gsize case_size = case_id != NULL ? strlen (case_id) + 1 : 0;
  guint8 line[LINE_BYTES_MAX];
  guint8 *p = line;

  /* The line's bytes gathered and hashed in one update: the same hash as
   * taking them piece by piece (BLAKE2b hashes what it is given one after
   * the other), without five calls' overhead (about 120 of a line's 1,870
   * instructions; the rest is BLAKE2b's one compression).  A line too
   * long for the buffer (only a file changed outside has one) takes the
   * pieces one by one. */
  if (id_size + case_size + LINE_BYTES_FIXED > sizeof line)
    {
      guint8 numbers[12];

      put_u32 (numbers, (guint32) kind);
      put_u64 (numbers + 4, (guint64) rev);
      crypto_generichash_update (&state, (const guint8 *) id, id_size);
      crypto_generichash_update (&state, numbers, sizeof numbers);
      crypto_generichash_update (&state, (const guint8 *) (case_id != NULL ? "c" : "-"), 1);
      if (case_id != NULL)
        crypto_generichash_update (&state, (const guint8 *) case_id, case_size);
      crypto_generichash_update (&state, hash, KT_STORE_INDEX_HASH_SIZE);
      crypto_generichash_final (&state, mac, MAC_SIZE);
      return;
    }

  memcpy (p, id, id_size);
  p += id_size;
  put_u32 (p, (guint32) kind);
  put_u64 (p + 4, (guint64) rev);
  p += 12;
  /* NULL (a case) and "" are told apart by a leading byte. */
  *p++ = case_id != NULL ? 'c' : '-';
  if (case_id != NULL)
    {
      memcpy (p, case_id, case_size);
      p += case_size;
    }
  memcpy (p, hash, KT_STORE_INDEX_HASH_SIZE);
  p += KT_STORE_INDEX_HASH_SIZE;
  crypto_generichash_update (&state, line, p - line);
  crypto_generichash_final (&state, mac, MAC_SIZE);
}

static GBytes *
root_ad (void)
{
  return g_bytes_new_static ("keukentafel-index-root-1", strlen ("keukentafel-index-root-1"));
}

/* The root sealed (transfer full). */
static GBytes *
root_encode (KtStoreIndex *self,
             const Root   *root)
{
  g_autoptr(GBytes) ad = root_ad ();
  g_autoptr(GBytes) plain = NULL;
  guint8 out[ROOT_SIZE];

  out[0] = ROOT_VERSION;
  put_u64 (out + 1, root->counter);
  put_u64 (out + 9, root->count);
  memcpy (out + 17, root->xor, MAC_SIZE);
  put_u32 (out + 17 + MAC_SIZE, root->flags);
  plain = g_bytes_new_static (out, sizeof out);
  return kt_crypto_seal (self->seal_key, ad, plain);
}

/* FALSE when @sealed is not a root this key wrote. */
static gboolean
root_decode (KtStoreIndex *self,
             GBytes       *sealed,
             Root         *root)
{
  g_autoptr(GBytes) ad = root_ad ();
  g_autoptr(GBytes) plain = kt_crypto_open (self->seal_key, ad, sealed);
  const guint8 *data;
  gsize size;

  if (plain == NULL)
    return FALSE;
  data = g_bytes_get_data (plain, &size);
  if (size != ROOT_SIZE || data[0] != ROOT_VERSION)
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

static KtCachedStmt *
cached (KtStoreIndex  *self,
        sqlite3       *db,
        Stmt           which,
        GError       **error)
{
  if (self->stmts[which] == NULL)
    {
      int rc = sqlite3_prepare_v3 (db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[which], NULL);

      if (rc != SQLITE_OK)
        {
          kt_record_store_set_sqlite_error (error, rc, db);
          return NULL;
        }
    }
  return self->stmts[which];
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
  g_autoptr(KtCachedStmt) stmt = cached (self, db, STMT_WRITE_ROOT, error);
  g_autoptr(GBytes) encoded = NULL;

  if (stmt == NULL)
    return FALSE;
  encoded = root_encode (self, root);
  sqlite3_bind_blob (stmt, 1, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                     SQLITE_TRANSIENT);
  return step_done (db, stmt, error);
}

/* Reads the root from the file; FALSE when there is none. */
static gboolean
read_root (KtStoreIndex *self,
           sqlite3      *db)
{
  g_autoptr(KtCachedStmt) stmt = cached (self, db, STMT_READ_ROOT, NULL);
  g_autoptr(GBytes) sealed = NULL;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  sealed = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  self->root_authentic = root_decode (self, sealed, &self->root);
  return TRUE;
}

KtStoreIndex *
kt_store_index_new (const KtKey *data_key,
                    sqlite3     *db)
{
  g_autoptr(KtStoreIndex) self = g_new0 (KtStoreIndex, 1);
  guint8 *subkey = sodium_malloc (KT_KEY_SIZE);

  /* Keys of its own, one per use, so that no hash is keyed and nothing
   * sealed with the records' key. */
  crypto_kdf_derive_from_key (subkey, KT_KEY_SIZE, 1, "KtIndex1", kt_key_peek (data_key));
  self->key = kt_key_new_from_data (subkey, KT_KEY_SIZE);
  crypto_kdf_derive_from_key (subkey, KT_KEY_SIZE, 2, "KtIndex1", kt_key_peek (data_key));
  self->seal_key = kt_key_new_from_data (subkey, KT_KEY_SIZE);
  sodium_free (subkey);
  /* Every line's hash starts the same: keyed, then the label. */
  mac_init (self, &self->line_state, "keukentafel-index-line-1");

  self->built = read_root (self, db);
  return g_steal_pointer (&self);
}

void
kt_store_index_free (KtStoreIndex *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  g_clear_pointer (&self->key, kt_key_free);
  g_clear_pointer (&self->seal_key, kt_key_free);
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

guint64
kt_store_index_count (KtStoreIndex *self)
{
  return self->root_authentic ? self->root.count : 0;
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
      if (kt_crypto_is_padded_seal (data, size))
        {
          /* A padded part is named by its version, nonce, tag and length
           * alone (its own marker): every read opens it, which checks all
           * of its bytes against that nonce and tag, and another
           * ciphertext passing under the same ones would be a Poly1305
           * forgery.  Hashing 41 bytes instead of 33 KB took a fifth of a
           * save's instructions.  A line of an unpadded part (saved before
           * version 2) hashes it whole, as it always did. */
          length[0] = 2;
          crypto_generichash_update (&state, length, sizeof length);
          crypto_generichash_update (&state, data, KT_SEAL_HEAD_SIZE);
          crypto_generichash_update (&state, (const guint8 *) data + size - KT_SEAL_TAG_SIZE,
                                     KT_SEAL_TAG_SIZE);
          continue;
        }
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
  g_autoptr(KtCachedStmt) old = NULL;
  g_autoptr(KtCachedStmt) line = NULL;
  guint8 mac[MAC_SIZE];
  int rc;

  /* A file opened without the check (the record layer's own tests) gets
   * its index when the store first checks it. */
  if (!self->built)
    return TRUE;

  old = cached (self, db, STMT_OLD_LINE, error);
  line = cached (self, db, STMT_PUT_LINE, error);
  if (old == NULL || line == NULL)
    return FALSE;

  /* The root as the file has it, read under the write lock: another
   * connection to the file may have saved since (it never should; one app
   * runs per user).  One that does not open leaves the one in memory,
   * and the next check finds the sum wrong. */
  read_root (self, db);
  self->staged = self->root;
  self->staged_valid = TRUE;

  sqlite3_bind_text (old, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (old);
  if (rc == SQLITE_ROW)
    {
      /* The old line leaves the sum as it is on disk: a line changed there
       * leaves the sum wrong, which the next check sees. */
      if (sqlite3_column_bytes (old, 3) == KT_STORE_INDEX_HASH_SIZE)
        {
          guint8 old_mac[MAC_SIZE];

          line_mac (self, id, sqlite3_column_int (old, 0), sqlite3_column_int64 (old, 1),
                    (const char *) sqlite3_column_text (old, 2), sqlite3_column_blob (old, 3),
                    old_mac);
          xor_into (self->staged.xor, old_mac);
        }
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
  g_autoptr(KtCachedStmt) stmt = cached (self, db, STMT_LOOKUP_HASH, NULL);

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
  line = prepare (db, "INSERT INTO record_index (id, kind, rev, case_id, hash)"
                      " VALUES (?, ?, ?, ?, ?)", error);
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

/* A record's plain columns as the check reads them; the strings live in
 * the check's one string chunk.  @prefix is the id's first eight bytes as
 * a number (zeros after its end): most ids differ there, so comparing
 * it first settles most look-ups without a strcmp(). */
typedef struct {
  guint64     prefix;
  const char *id;
  const char *case_id;
  gint64      rev;
  int         kind;
  gboolean    has_line;
} Plain;

static guint64
id_prefix (const char *id)
{
  guint64 prefix = 0;
  guint i;

  for (i = 0; i < 8 && id[i] != '\0'; i++)
    prefix = prefix << 8 | (guchar) id[i];
  return prefix << (8 * (8 - i));
}

/* The records by id, for the lines to find theirs: open addressing on the
 * id's prefix, each slot a record's place in the array plus one (0 for
 * none), at least twice as many slots as records.  Sorting the records by
 * id and walking them beside the lines (which come in key order) cost
 * 3.6 M instructions a check for 10,000 records in qsort() alone; this
 * table a tenth of that. */
typedef struct {
  guint32  *slots;
  guint     bits;
  gboolean  owned;    /* slots of its own, not in the records' memory */
} PlainTable;

static guint
prefix_slot (guint64 prefix,
             guint   bits)
{
  /* Fibonacci hashing: the multiplication spreads the prefix (hex
   * digits, a few bits of each byte) over the top bits. */
  return (guint) ((prefix * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - bits));
}

/* The number of bits of a table for @n records. */
static guint
plain_table_bits (guint n)
{
  guint bits = 4;

  while ((1u << bits) < 2 * n)
    bits++;
  return bits;
}

/* @room: zeroed memory for up to 1 << @room_bits slots, or NULL. */
static void
plain_table_init (PlainTable  *table,
                  const Plain *plains,
                  guint        n_plains,
                  guint32     *room,
                  guint        room_bits)
{
  guint mask;

  table->bits = plain_table_bits (n_plains);
  table->owned = room == NULL || table->bits > room_bits;
  table->slots = table->owned ? g_new0 (guint32, 1u << table->bits) : room;
  mask = (1u << table->bits) - 1;
  for (guint i = 0; i < n_plains; i++)
    {
      guint slot = prefix_slot (plains[i].prefix, table->bits);

      while (table->slots[slot] != 0)
        slot = (slot + 1) & mask;
      table->slots[slot] = i + 1;
    }
}

/* The record of @id in @plains, or NULL. */
static Plain *
plain_find (PlainTable *table,
            Plain      *plains,
            const char *id)
{
  guint64 prefix = id_prefix (id);
  guint mask = (1u << table->bits) - 1;

  for (guint slot = prefix_slot (prefix, table->bits);
       table->slots[slot] != 0;
       slot = (slot + 1) & mask)
    {
      Plain *plain = &plains[table->slots[slot] - 1];

      if (plain->prefix == prefix && strcmp (plain->id, id) == 0)
        return plain;
    }
  return NULL;
}

/* Room for the strings of a record expected: its id (a UUID) and its
 * case's. */
#define STRING_ROOM 80

/* A line of the index as read before the key (kt_store_index_read_lines()):
 * its columns, and what comparing it with its record found, which needs
 * no key either.  Only its keyed hash waits for the key.  The strings are
 * its record's where they are the same. */
typedef struct {
  const char  *id;
  const char  *case_id;
  const Plain *plain;          /* its record, or NULL: deleted */
  gint64       rev;
  guint8       hash[KT_STORE_INDEX_HASH_SIZE];
  gint32       kind;
  guint8       hash_ok;        /* the hash column held a hash */
  guint8       as_written;     /* the record is the line's */
} Line;

/* The records, the table's slots and the strings of the records expected
 * live in one buffer (kt-huge-buffer-private.h): in a fresh process the
 * array, the string chunk and the table took 220 page faults for 10,000
 * records, 2–3 ms of the open on the project's VM.  Records beyond those
 * expected go on in memory of their own. */
struct _KtStoreIndexRecords
{
  gint64        data_version; /* other connections' commits, when read */
  gint64        changes;      /* this connection's, when read */
  guint8       *memory;       /* the records, the slots, the strings */
  gsize         memory_size;
  Plain        *plains;       /* in @memory, or of their own once more came */
  guint         n_plains;
  guint         max_plains;
  guint32      *slots_room;   /* in @memory: 1 << @slots_bits slots */
  guint         slots_bits;
  char         *strings_next; /* the room left for strings in @memory */
  char         *strings_end;
  GStringChunk *strings;      /* the strings that did not fit, or NULL */
  PlainTable    table;
  Line         *lines;        /* the lines read ahead, or NULL: not read */
  guint         n_lines;
  guint         max_lines;
  Line         *lines_room;   /* in @memory: @size_hint lines */
};

/* Changes with every commit to the file by another connection; -1 when
 * it cannot be read. */
static gint64
data_version (sqlite3 *db)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "PRAGMA data_version", NULL);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  return -1;
}

/* The highest rowid of the records, 0 for none or when it cannot be read. */
static guint
max_rowid (sqlite3 *db)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (db, "SELECT max(rowid) FROM records", NULL);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    return (guint) CLAMP (sqlite3_column_int64 (stmt, 0), 0, G_MAXUINT);
  return 0;
}

void
kt_store_index_records_free (KtStoreIndexRecords *records)
{
  if (records == NULL)
    return;
  if ((guint8 *) records->plains != records->memory)
    g_free (records->plains);
  if (records->lines != records->lines_room)
    g_free (records->lines);
  if (records->table.owned)
    g_free (records->table.slots);
  g_clear_pointer (&records->strings, g_string_chunk_free);
  kt_huge_buffer_free (records->memory, records->memory_size);
  g_free (records);
}

static const char *
records_insert_string (KtStoreIndexRecords *records,
                       const char          *string)
{
  gsize size = strlen (string) + 1;
  char *copy;

  if ((gsize) (records->strings_end - records->strings_next) < size)
    {
      if (records->strings == NULL)
        records->strings = g_string_chunk_new (64 * 1024);
      return g_string_chunk_insert_len (records->strings, string, size - 1);
    }
  copy = memcpy (records->strings_next, string, size);
  records->strings_next += size;
  return copy;
}

static void
records_add (KtStoreIndexRecords *records,
             const Plain         *plain)
{
  if (records->n_plains == records->max_plains)
    {
      guint max = MAX (16, records->max_plains * 2);
      Plain *plains = g_new (Plain, max);

      if (records->n_plains > 0)
        memcpy (plains, records->plains, records->n_plains * sizeof (Plain));
      if ((guint8 *) records->plains != records->memory)
        g_free (records->plains);
      records->plains = plains;
      records->max_plains = max;
    }
  records->plains[records->n_plains++] = *plain;
}

KtStoreIndexRecords *
kt_store_index_read_records (sqlite3  *db,
                             guint     size_hint,
                             GError  **error)
{
  g_autoptr(KtStoreIndexRecords) records = g_new0 (KtStoreIndexRecords, 1);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gsize plains_size, slots_size, lines_size;
  int rc;

  /* Room for them in one allocation: an array grown by doubling took
   * hundreds of page faults more, a few microseconds each on the project's
   * VM.  Before the key (and so the root's count) the highest rowid is the
   * guess: rows are updated in place, so it is the count plus the rows
   * deleted, and SQLite finds it at the end of the table's B-tree. */
  if (size_hint == 0)
    size_hint = max_rowid (db);
  size_hint = MIN (size_hint, 1u << 20);
  records->slots_bits = plain_table_bits (size_hint);
  plains_size = size_hint * sizeof (Plain);
  slots_size = sizeof (guint32) << records->slots_bits;
  lines_size = size_hint * sizeof (Line);
  records->memory_size = plains_size + slots_size + lines_size + size_hint * STRING_ROOM;
  records->memory = kt_huge_buffer_alloc (records->memory_size);
  records->plains = (Plain *) records->memory;
  records->max_plains = records->memory != NULL ? size_hint : 0;
  records->slots_room = records->memory != NULL ? (guint32 *) (records->memory + plains_size) : NULL;
  records->lines_room = records->memory != NULL ? (Line *) (records->memory + plains_size + slots_size) : NULL;
  records->max_lines = records->memory != NULL ? size_hint : 0;
  records->strings_next = records->memory != NULL ? (char *) records->memory + plains_size + slots_size + lines_size : NULL;
  records->strings_end = records->memory != NULL ? (char *) records->memory + records->memory_size : NULL;
  records->data_version = data_version (db);
  records->changes = sqlite3_total_changes64 (db);
  /* Only the small columns, read straight through the covering listing
   * index. */
  stmt = prepare (db, "SELECT id, kind, rev, case_id FROM records INDEXED BY records_listing", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *case_id = (const char *) sqlite3_column_text (stmt, 3);
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      Plain row;

      /* NOT NULL in the schema; a file changed outside could still. */
      if (id == NULL)
        continue;
      row = (Plain) {
        .prefix = id_prefix (id),
        .id = records_insert_string (records, id),
        .case_id = case_id != NULL ? records_insert_string (records, case_id) : NULL,
        .rev = sqlite3_column_int64 (stmt, 2),
        .kind = sqlite3_column_int (stmt, 1),
      };
      records_add (records, &row);
    }
  if (rc != SQLITE_DONE)
    {
      kt_record_store_set_sqlite_error (error, rc, db);
      return NULL;
    }
  plain_table_init (&records->table, records->plains, records->n_plains,
                    records->slots_room, records->slots_bits);
  return g_steal_pointer (&records);
}

/* What the check finds for a line (id, kind, rev, case_id) beside the
 * records: its record, or NULL (deleted), and in @as_written whether that
 * record is the one the line says. */
static Plain *
compare_line (KtStoreIndexRecords *records,
              const char          *id,
              int                  kind,
              gint64               rev,
              const char          *case_id,
              gboolean            *as_written)
{
  Plain *plain = plain_find (&records->table, records->plains, id);

  *as_written = FALSE;
  if (plain == NULL)
    return NULL;
  plain->has_line = TRUE;
  *as_written = plain->kind == kind && plain->rev == rev && g_strcmp0 (plain->case_id, case_id) == 0;
  return plain;
}

static Line *
lines_add (KtStoreIndexRecords *records)
{
  if (records->lines == NULL)
    records->lines = records->lines_room;
  if (records->n_lines == records->max_lines)
    {
      guint max = MAX (16, records->max_lines * 2);
      Line *lines = g_new (Line, max);

      if (records->n_lines > 0)
        memcpy (lines, records->lines, records->n_lines * sizeof (Line));
      if (records->lines != records->lines_room)
        g_free (records->lines);
      records->lines = lines;
      records->max_lines = max;
    }
  return &records->lines[records->n_lines++];
}

gboolean
kt_store_index_read_lines (KtStoreIndexRecords  *records,
                           sqlite3              *db,
                           GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (records->lines == NULL && records->n_lines == 0, FALSE);

  /* Read in the same state of the file as the records: nothing commits
   * on this connection in between, and another's commit shows in
   * PRAGMA data_version, which the check compares before it takes them. */
  if (records->data_version < 0 || records->data_version != data_version (db) ||
      records->changes != sqlite3_total_changes64 (db))
    return FALSE;
  stmt = prepare (db, "SELECT id, kind, rev, case_id, hash FROM record_index", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      const char *case_id = (const char *) sqlite3_column_text (stmt, 3);
      Line *line;
      gboolean as_written;

      /* A line without an id cannot be looked up; the check reads the
       * lines itself and says so. */
      if (id == NULL)
        {
          g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_IO, "line without an id");
          goto failed;
        }
      line = lines_add (records);
      line->kind = sqlite3_column_int (stmt, 1);
      line->rev = sqlite3_column_int64 (stmt, 2);
      line->plain = compare_line (records, id, line->kind, line->rev, case_id, &as_written);
      line->as_written = as_written;
      line->id = line->plain != NULL ? line->plain->id : records_insert_string (records, id);
      if (case_id == NULL)
        line->case_id = NULL;
      else if (line->plain != NULL && g_strcmp0 (line->plain->case_id, case_id) == 0)
        line->case_id = line->plain->case_id;
      else
        line->case_id = records_insert_string (records, case_id);
      line->hash_ok = sqlite3_column_bytes (stmt, 4) == KT_STORE_INDEX_HASH_SIZE;
      if (line->hash_ok)
        memcpy (line->hash, sqlite3_column_blob (stmt, 4), KT_STORE_INDEX_HASH_SIZE);
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  kt_record_store_set_sqlite_error (error, rc, db);

failed:
  /* Back as before: the check reads the lines and compares again. */
  if (records->lines != records->lines_room)
    g_free (records->lines);
  records->lines = NULL;
  records->n_lines = 0;
  for (guint i = 0; i < records->n_plains; i++)
    records->plains[i].has_line = FALSE;
  return FALSE;
}

/* The XOR of the keyed hashes of @n_lines lines read ahead. */
typedef struct {
  KtStoreIndex *index;
  const Line   *lines;
  guint         n_lines;
  guint8        acc[MAC_SIZE];
} LinesMac;

/* Below this many lines one thread is quicker than handing half over. */
#define LINES_SPLIT_MIN 2048

static void
lines_mac_run (gpointer data,
               gpointer user_data)
{
  LinesMac *job = data;

  memset (job->acc, 0, MAC_SIZE);
  for (guint i = 0; i < job->n_lines; i++)
    {
      const Line *line = &job->lines[i];
      guint8 mac[MAC_SIZE];

      /* A line whose hash is not a hash is no line this device wrote; the
       * sum then differs from the root. */
      if (line->hash_ok)
        {
          line_mac (job->index, line->id, line->kind, line->rev, line->case_id, line->hash, mac);
          xor_into (job->acc, mac);
        }
      else
        job->acc[0] ^= 1;
    }
}

static void
lines_pool_free (GThreadPool *pool)
{
  g_thread_pool_free (pool, TRUE, TRUE);
}

gboolean
kt_store_index_check (KtStoreIndex         *self,
                      sqlite3              *db,
                      guint64               mark,
                      KtStoreIndexRecords  *taken,
                      KtStoreCheck         *check,
                      GError              **error)
{
  g_autoptr(KtStoreIndexRecords) records = taken;
  g_autoptr(sqlite3_stmt) lines = NULL;
  GThreadPool *halves = NULL;
  LinesMac first, second;
  Plain *plain;
  guint8 acc[MAC_SIZE] = { 0 };
  guint64 count = 0;
  guint32 flags;
  gboolean changed;
  int rc = SQLITE_DONE;

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

  /* Each table read straight through once: the records from their
   * covering listing index (kt_store_index_read_records()), the lines in
   * key order.  Cheaper than a join, which looks every line up in a
   * B-tree.  Each line finds its record in a table on the id's first
   * bytes (plain_find(); a GHashTable with a copy of every key cost a
   * third of the check, sorting the records and bisecting a tenth). */
  /* As many records as the root has lines, most likely: one allocation,
   * not one doubling after another (the root's count is sealed, so only
   * this device wrote it; capped all the same).  Records read before the
   * key grow as they come. */
  /* Records read before a commit are not compared with lines after it. */
  if (records != NULL && (records->data_version < 0 || records->data_version != data_version (db) ||
                          records->changes != sqlite3_total_changes64 (db)))
    g_clear_pointer (&records, kt_store_index_records_free);
  if (records == NULL)
    records = kt_store_index_read_records (db, self->root_authentic ? (guint) MIN (self->root.count, G_MAXUINT) : 0,
                                           error);
  if (records == NULL)
    return FALSE;

  /* Lines read ahead with the records (kt_store_index_read_lines()) are
   * compared already: only their keyed hashes are left, in memory, the
   * second half on another thread (the keyring's, idle again now). */
  if (records->lines != NULL && records->n_lines >= LINES_SPLIT_MIN)
    {
      halves = g_thread_pool_new (lines_mac_run, NULL, 1, FALSE, NULL);
      second = (LinesMac) { .index = self, .lines = records->lines + records->n_lines / 2,
                            .n_lines = records->n_lines - records->n_lines / 2 };
      if (halves != NULL && !g_thread_pool_push (halves, &second, NULL))
        g_clear_pointer (&halves, lines_pool_free);
    }
  first = (LinesMac) { .index = self, .lines = records->lines,
                       .n_lines = halves != NULL ? records->n_lines / 2 : records->n_lines };
  lines_mac_run (&first, NULL);
  memcpy (acc, first.acc, MAC_SIZE);
  if (halves != NULL)
    {
      g_thread_pool_free (g_steal_pointer (&halves), FALSE, TRUE);
      xor_into (acc, second.acc);
    }
  for (guint i = 0; records->lines != NULL && i < records->n_lines; i++)
    {
      const Line *line = &records->lines[i];

      if (line->plain == NULL)
        add_finding (check, line->id, line->kind, KT_RECORD_DELETED);
      else if (!line->as_written)
        add_finding (check, line->id, line->plain->kind,
                     line->plain->kind == line->kind && line->plain->rev < line->rev
                     ? KT_RECORD_ROLLED_BACK : KT_RECORD_CHANGED);
    }
  count = records->lines != NULL ? records->n_lines : 0;

  lines = records->lines != NULL ? NULL : prepare (db, "SELECT id, kind, rev, case_id, hash FROM record_index", error);
  if (lines == NULL && records->lines == NULL)
    return FALSE;

  while (lines != NULL && (rc = sqlite3_step (lines)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (lines, 0);
      int kind = sqlite3_column_int (lines, 1);
      gint64 rev = sqlite3_column_int64 (lines, 2);
      const char *case_id = (const char *) sqlite3_column_text (lines, 3);
      guint8 mac[MAC_SIZE];
      gboolean as_written;

      count++;
      /* A line whose hash is not a hash is no line this device wrote; the
       * sum then differs from the root. */
      if (sqlite3_column_bytes (lines, 4) == KT_STORE_INDEX_HASH_SIZE)
        {
          line_mac (self, id, kind, rev, case_id, sqlite3_column_blob (lines, 4), mac);
          xor_into (acc, mac);
        }
      else
        acc[0] ^= 1;

      plain = compare_line (records, id, kind, rev, case_id, &as_written);
      if (plain == NULL)
        add_finding (check, id, kind, KT_RECORD_DELETED);
      else if (!as_written)
        add_finding (check, id, plain->kind,
                     plain->kind == kind && plain->rev < rev ? KT_RECORD_ROLLED_BACK : KT_RECORD_CHANGED);
    }
  if (lines != NULL && rc != SQLITE_DONE)
    {
      kt_record_store_set_sqlite_error (error, rc, db);
      return FALSE;
    }
  g_clear_pointer (&lines, sqlite3_finalize);

  /* A record without a line is none this device wrote. */
  for (guint i = 0; i < records->n_plains; i++)
    {
      plain = &records->plains[i];
      if (!plain->has_line)
        add_finding (check, plain->id, plain->kind, KT_RECORD_CHANGED);
    }
  g_clear_pointer (&records, kt_store_index_records_free);

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

  if (changed || flags != self->root.flags || mark > self->root.counter)
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
