/* test-outbox.c: the sync queue's sealing, and queues from before it used
 * the store's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-outbox"

#include "config.h"

#include <string.h>
#include <sodium.h>
#include <sqlite3.h>

#include "kt-core.h"
#include "kt-case.h"
#include "kt-codec.h"
#include "kt-outbox.h"
#include "kt-test-util.h"

#define MARKER "Outbox-merkteken-7f3a"

typedef struct {
  char   *dir;
  char   *path;
  guint8  key[KT_OUTBOX_KEY_SIZE];
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = kt_test_tmpdir_new ("test-outbox");
  f->path = g_build_filename (f->dir, "outbox.db", NULL);
  randombytes_buf (f->key, sizeof f->key);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kt_test_tmpdir_free (f->dir);
  g_free (f->path);
}

static KtSyncRecord *
case_record (void)
{
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  KtSyncRecord *record;

  kase->header.rev = 1;
  kase->household = g_strdup (MARKER);
  body = kt_case_encode (kase);
  record = kt_sync_record_new_for_body (body, &error);
  g_assert_no_error (error);
  return record;
}

/* The bodies of every sealed column, as they are on disk. */
static GPtrArray *
read_blobs (const char *path)
{
  static const char *const queries[] = {
    "SELECT body FROM outbox ORDER BY seq",
    "SELECT local_body FROM conflicts ORDER BY id",
    "SELECT server_body FROM conflicts ORDER BY id",
  };
  GPtrArray *blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[i], -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (blobs, g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0)));
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return blobs;
}

/* What the first outbox wrote: nonce | ciphertext under the same key and
 * associated data, no version byte. */
static GBytes *
seal_unversioned (const guint8 *key,
                  const char   *table,
                  const char   *id,
                  gint64        rev,
                  const void   *plain,
                  gsize         len)
{
  g_autofree char *ad = g_strdup_printf ("kt-outbox/1|%s|%s|%" G_GINT64_FORMAT, table, id, rev);
  gsize size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + len + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  guint8 *out = g_malloc (size);
  unsigned long long out_len = 0;

  randombytes_buf (out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &out_len,
                                              plain, len, (const guint8 *) ad, strlen (ad), NULL, out, key);
  return g_bytes_new_take (out, size);
}

static void
exec_blob (sqlite3    *db,
           const char *sql,
           GBytes     *blob)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (blob != NULL)
    sqlite3_bind_blob (stmt, 1, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

/* Turns the queue at @path into what the first version left: every body
 * and the key check sealed without a version byte, no seal version. */
static void
make_unversioned (Fixture            *f,
                  const KtSyncRecord *queued,
                  const KtSyncRecord *local,
                  const KtSyncRecord *server)
{
  sqlite3 *db = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) check = NULL;
  g_autoptr(GBytes) local_body = NULL;
  g_autoptr(GBytes) server_body = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *sql = NULL;
  gsize size;

  body = seal_unversioned (f->key, "outbox", queued->id, queued->rev,
                           g_bytes_get_data (queued->body, NULL), g_bytes_get_size (queued->body));
  local_body = seal_unversioned (f->key, "conflict-local", local->id, local->rev,
                                 g_bytes_get_data (local->body, NULL), g_bytes_get_size (local->body));
  server_body = seal_unversioned (f->key, "conflict-server", server->id, server->rev,
                                  g_bytes_get_data (server->body, NULL), g_bytes_get_size (server->body));
  check = seal_unversioned (f->key, "meta", "key_check", 1, "keukentafel-outbox-key-check",
                            strlen ("keukentafel-outbox-key-check"));
  size = g_bytes_get_size (check);
  hex = g_malloc (size * 2 + 1);
  sodium_bin2hex (hex, size * 2 + 1, g_bytes_get_data (check, NULL), size);

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  exec_blob (db, "UPDATE outbox SET body = ?", body);
  exec_blob (db, "UPDATE conflicts SET local_body = ?", local_body);
  exec_blob (db, "UPDATE conflicts SET server_body = ?", server_body);
  sql = g_strdup_printf ("UPDATE meta SET value = '%s' WHERE key = 'key_check'", hex);
  exec_blob (db, sql, NULL);
  exec_blob (db, "DELETE FROM meta WHERE key = 'seal_version'", NULL);
  sqlite3_close (db);
}

static gboolean
contains (const guint8 *data,
          gsize         size,
          const char   *text)
{
  gsize len = strlen (text);

  for (gsize i = 0; i + len <= size; i++)
    if (memcmp (data + i, text, len) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_all_versioned (const char *path,
                      guint       expected)
{
  g_autoptr(GPtrArray) blobs = read_blobs (path);

  g_assert_cmpuint (blobs->len, ==, expected);
  for (guint i = 0; i < blobs->len; i++)
    {
      GBytes *blob = g_ptr_array_index (blobs, i);
      gsize size;
      const guint8 *data = g_bytes_get_data (blob, &size);

      /* kt_crypto_seal: version 1 | nonce | ciphertext + tag */
      g_assert_cmpuint (size, >, 1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
      g_assert_cmpuint (data[0], ==, 1);
      g_assert_false (contains (data, size, MARKER));
    }
}

static void
test_the_queue_seals_with_the_store_crypto (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtOutbox) outbox = kt_outbox_open (f->path, f->key, &error);
  g_autoptr(KtSyncRecord) record = case_record ();
  g_autoptr(GPtrArray) peeked = NULL;
  KtOutboxEntry *entry;

  g_assert_no_error (error);
  g_assert_true (kt_outbox_add (outbox, record, &error));
  g_assert_no_error (error);
  assert_all_versioned (f->path, 1);

  peeked = kt_outbox_peek (outbox, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (peeked->len, ==, 1);
  entry = g_ptr_array_index (peeked, 0);
  g_assert_true (g_bytes_equal (entry->record->body, record->body));
}

static void
test_a_queue_from_before_still_opens_and_is_rewritten (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtOutbox) outbox = kt_outbox_open (f->path, f->key, &error);
  g_autoptr(KtSyncRecord) queued = case_record ();
  g_autoptr(KtSyncRecord) conflicted = case_record ();
  g_autoptr(KtSyncRecord) server = NULL;
  g_autoptr(GPtrArray) peeked = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GPtrArray) before = NULL;
  KtSyncConflict *conflict;
  gint64 seq;

  g_assert_no_error (error);
  /* One record waiting, one in conflict with the server's copy. */
  g_assert_true (kt_outbox_add (outbox, queued, &error));
  g_assert_true (kt_outbox_add (outbox, conflicted, &error));
  g_assert_no_error (error);
  peeked = kt_outbox_peek (outbox, 10, NULL, &error);
  g_assert_no_error (error);
  seq = ((KtOutboxEntry *) g_ptr_array_index (peeked, 1))->seq;
  g_assert_cmpstr (((KtOutboxEntry *) g_ptr_array_index (peeked, 1))->record->id, ==, conflicted->id);
  server = kt_sync_record_copy (conflicted);
  server->author = g_strdup ("coach2");
  g_assert_true (kt_outbox_add_conflict (outbox, seq, server, &error));
  g_assert_no_error (error);
  g_clear_object (&outbox);
  g_clear_pointer (&peeked, g_ptr_array_unref);

  make_unversioned (f, queued, conflicted, server);
  before = read_blobs (f->path);
  for (guint i = 0; i < before->len; i++)
    g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (before, i)), ==,
                      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES
                      + g_bytes_get_size (queued->body));

  /* It opens with the same key, and everything in it reads as before. */
  outbox = kt_outbox_open (f->path, f->key, &error);
  g_assert_no_error (error);
  peeked = kt_outbox_peek (outbox, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (peeked->len, ==, 1);
  g_assert_true (g_bytes_equal (((KtOutboxEntry *) g_ptr_array_index (peeked, 0))->record->body,
                                queued->body));
  conflicts = kt_outbox_list_conflicts (outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_true (g_bytes_equal (conflict->local->body, conflicted->body));
  g_assert_true (g_bytes_equal (conflict->server->body, server->body));

  /* On disk it is now sealed as the store seals, one byte longer. */
  assert_all_versioned (f->path, 3);
  g_clear_object (&outbox);

  /* And it still opens after that, with that key only. */
  outbox = kt_outbox_open (f->path, f->key, &error);
  g_assert_no_error (error);
  g_clear_object (&outbox);
  f->key[0] ^= 1;
  outbox = kt_outbox_open (f->path, f->key, &error);
  g_assert_error (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_WRONG_KEY);
  g_assert_null (outbox);
}

static void
test_a_changed_body_is_refused_in_either_format (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtOutbox) outbox = kt_outbox_open (f->path, f->key, &error);
  g_autoptr(KtSyncRecord) record = case_record ();
  g_autoptr(GPtrArray) peeked = NULL;
  g_autoptr(GPtrArray) blobs = NULL;
  g_autoptr(GBytes) flipped = NULL;
  guint8 *changed;
  gsize size;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_assert_true (kt_outbox_add (outbox, record, &error));
  g_assert_no_error (error);
  g_clear_object (&outbox);

  /* One flipped bit in the sealed text: neither format opens it. */
  blobs = read_blobs (f->path);
  changed = g_bytes_unref_to_data (g_bytes_ref (g_ptr_array_index (blobs, 0)), &size);
  changed[40] ^= 1;
  flipped = g_bytes_new_take (changed, size);
  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  exec_blob (db, "UPDATE outbox SET body = ?", flipped);
  sqlite3_close (db);

  outbox = kt_outbox_open (f->path, f->key, &error);
  g_assert_no_error (error);
  peeked = kt_outbox_peek (outbox, 10, NULL, &error);
  g_assert_error (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_TAMPERED);
  g_assert_null (peeked);
}

/* Issue 22: the app queues shares on a worker while the main thread reads
 * the counts and the sync round confirms what the server stored.  Each
 * call is one transaction under the outbox's lock: without it the two
 * threads' transactions interleave on the one connection ("cannot start a
 * transaction within a transaction") and a read sees half a write. */
#define N_THREADED 200

static gpointer
add_many (gpointer data)
{
  KtOutbox *outbox = data;

  for (guint i = 0; i < N_THREADED; i++)
    {
      g_autoptr(KtSyncRecord) record = case_record ();
      g_autoptr(GError) error = NULL;

      if (!kt_outbox_add (outbox, record, &error))
        return g_steal_pointer (&error);
    }
  return NULL;
}

static void
test_a_worker_adds_while_the_main_thread_reads_and_confirms (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtOutbox) outbox = kt_outbox_open (f->path, f->key, &error);
  GThread *worker;
  GError *worker_error;
  guint confirmed = 0;
  guint last = 0;

  g_assert_no_error (error);
  worker = g_thread_new ("test-outbox-add", add_many, outbox);
  while (confirmed < N_THREADED)
    {
      g_autoptr(GPtrArray) peeked = kt_outbox_peek (outbox, 8, NULL, &error);
      g_autoptr(GHashTable) waiting = kt_outbox_collect_waiting (outbox);
      guint count = kt_outbox_count (outbox);

      g_assert_no_error (error);
      g_assert_nonnull (peeked);
      /* A count is never of half a transaction: it only grows by adds
       * and shrinks by this thread's confirms. */
      g_assert_cmpuint (count + confirmed, >=, last);
      last = count + confirmed;
      g_assert_cmpuint (g_hash_table_size (waiting), >=, peeked->len);
      for (guint i = 0; i < peeked->len; i++)
        {
          KtOutboxEntry *entry = g_ptr_array_index (peeked, i);

          g_assert_true (kt_outbox_has_pending (outbox, entry->record->id));
          g_assert_true (kt_outbox_freeze (outbox, entry->seq, &error));
          g_assert_true (kt_outbox_confirm (outbox, entry->seq, &error));
          g_assert_no_error (error);
          g_assert_cmpint (kt_outbox_get_known_rev (outbox, entry->record->id), ==, 1);
          confirmed++;
        }
      if (peeked->len == 0)
        g_thread_yield ();
    }
  worker_error = g_thread_join (worker);
  g_assert_no_error (worker_error);
  g_assert_cmpuint (kt_outbox_count (outbox), ==, 0);
}

typedef struct {
  KtOutbox *outbox;
  gint      started;
  gint      done;
} Waiting;

static gpointer
add_one (gpointer data)
{
  Waiting *waiting = data;
  g_autoptr(KtSyncRecord) record = case_record ();
  GError *error = NULL;

  g_atomic_int_set (&waiting->started, 1);
  kt_outbox_add (waiting->outbox, record, &error);
  g_atomic_int_set (&waiting->done, 1);
  return error;
}

/* A write on a worker that waits for the file (another program holds it;
 * SQLite waits up to five seconds) does not hold up a read on the main
 * thread: reads have a connection of their own, and in WAL a read never
 * waits for a writer.  Behind the write's lock, the count would only come
 * when the write gave up. */
static void
test_a_read_does_not_wait_for_a_write_waiting_for_the_file (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtOutbox) outbox = kt_outbox_open (f->path, f->key, &error);
  Waiting waiting = { outbox, 0, 0 };
  sqlite3 *db = NULL;
  GThread *worker;
  GError *worker_error;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  worker = g_thread_new ("test-outbox-add", add_one, &waiting);
  while (!g_atomic_int_get (&waiting.started))
    g_thread_yield ();
  /* Into its wait for the file (not an assertion on time: the write can
   * only end after the rollback below). */
  g_usleep (100 * 1000);
  g_assert_cmpuint (kt_outbox_count (outbox), ==, 0);
  g_assert_false (kt_outbox_has_pending (outbox, "x"));
  g_assert_null (kt_outbox_get_meta (outbox, "cursor"));
  g_assert_cmpint (g_atomic_int_get (&waiting.done), ==, 0);

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  worker_error = g_thread_join (worker);
  g_assert_no_error (worker_error);
  g_assert_cmpuint (kt_outbox_count (outbox), ==, 1);
}

/* A kept page moves the known revisions and the cursor in one commit; a
 * failure in it moves neither, and the page comes again. */
static void
test_a_kept_page_advances_in_one_transaction (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtOutbox) outbox = kt_outbox_open (f->path, f->key, &error);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sync_record_free);
  g_autofree char *cursor = NULL;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < 50; i++)
    {
      KtSyncRecord *record = case_record ();

      record->rev = i + 2;
      g_ptr_array_add (page, record);
    }
  g_assert_true (kt_outbox_advance_pull (outbox, page, "17", &error));
  g_assert_no_error (error);
  cursor = kt_outbox_get_meta (outbox, "cursor");
  g_assert_cmpstr (cursor, ==, "17");
  for (guint i = 0; i < page->len; i++)
    g_assert_cmpint (kt_outbox_get_known_rev (outbox, ((KtSyncRecord *) page->pdata[i])->id), ==, i + 2);

  /* A write that cannot be made (here a trigger refuses one): nothing
   * of the next page moves. */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER refuse BEFORE UPDATE ON known WHEN NEW.rev > 100"
                                     " BEGIN SELECT RAISE(ABORT, 'refused'); END", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  for (guint i = 0; i < page->len; i++)
    ((KtSyncRecord *) page->pdata[i])->rev = i == 40 ? 101 : i + 3;
  g_assert_false (kt_outbox_advance_pull (outbox, page, "18", &error));
  g_assert_error (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_IO);
  g_clear_pointer (&cursor, g_free);
  cursor = kt_outbox_get_meta (outbox, "cursor");
  g_assert_cmpstr (cursor, ==, "17");
  g_assert_cmpint (kt_outbox_get_known_rev (outbox, ((KtSyncRecord *) page->pdata[0])->id), ==, 2);
}

static KtSyncRecord *
plain_record (const char *id,
              const char *case_id,
              gint64      rev)
{
  KtSyncRecord *record = kt_sync_record_new ();

  record->id = g_strdup (id);
  record->kind = case_id != NULL ? KT_KIND_PLAN : KT_KIND_CASE;
  record->case_id = g_strdup (case_id);
  record->rev = rev;
  record->body = g_bytes_new_static ("{}", 2);
  return record;
}

static const char *const state_ids[] = { "p1", "p2", "p3", "p9", "c1", "c2", "c3", "c9", "x" };

/* @state's counts and waiting ids say what the outbox's look-ups say. */
static void
assert_state_answers_as_the_look_ups (KtOutbox      *outbox,
                                      KtOutboxState *state)
{
  g_assert_cmpuint (state->n_pending, ==, kt_outbox_count (outbox));
  g_assert_cmpuint (state->n_conflicts, ==, kt_outbox_count_conflicts (outbox));
  for (guint i = 0; i < G_N_ELEMENTS (state_ids); i++)
    for (guint whole_case = 0; whole_case < 2; whole_case++)
      {
        g_autofree char *failure = NULL;
        gboolean found = kt_outbox_find_waiting (outbox, state_ids[i], whole_case, &failure);
        const char *known = g_hash_table_lookup (whole_case ? state->waiting_cases : state->waiting,
                                                 state_ids[i]);

        g_test_message ("%s, whole case %u", state_ids[i], whole_case);
        g_assert_cmpint (found, ==, known != NULL);
        if (found)
          g_assert_cmpstr (failure != NULL ? failure : "", ==, known);
      }
}

/* The known ids kept from the reads say what the outbox's look-up and a
 * full read now say. */
static void
assert_known_answers_as_the_look_ups (KtOutbox      *outbox,
                                      KtOutboxKnown *known)
{
  g_autoptr(GHashTable) all = kt_outbox_collect_known (outbox);

  for (guint i = 0; i < G_N_ELEMENTS (state_ids); i++)
    {
      g_test_message ("%s known?", state_ids[i]);
      g_assert_cmpint (kt_outbox_known_contains (known, state_ids[i]), ==,
                       kt_outbox_get_known_rev (outbox, state_ids[i]) > 0);
      g_assert_cmpint (kt_outbox_known_contains (known, state_ids[i]), ==,
                       g_hash_table_contains (all, state_ids[i]));
    }
}

/* After a change that wrote the known revisions of @...: (NULL-terminated)
 * only, the change's read, taken into @known. */
static void
take_change (KtOutbox      *outbox,
             KtOutboxKnown *known,
             const char    *id,
             ...)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(KtOutboxState) state = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, id);
  for (const char *next = id; next != NULL; next = va_arg (args, const char *))
    g_ptr_array_add (ids, (gpointer) next);
  va_end (args);
  state = kt_outbox_read_state_after (outbox, ids, &error);
  g_assert_no_error (error);
  /* What grows with the change, not with every id the server has. */
  g_assert_null (state->known);
  g_assert_cmpuint (g_hash_table_size (state->known_changes), ==, ids->len);
  assert_state_answers_as_the_look_ups (outbox, state);
  kt_outbox_known_take (known, state);
  assert_known_answers_as_the_look_ups (outbox, known);
}

/* What the sync client's main loop answers from (one read of the state)
 * says what the outbox's own look-ups say, id by id: a record's state and
 * a household's, refusals before waiting, conflicts as waiting, the ids
 * the server has, the counts and the settings.  So do the known ids kept
 * from a full read and then from each change's read of only the ids it
 * wrote, whatever order those reads come in: the newest word on an id
 * wins. */
static void
test_the_state_read_at_once_answers_as_the_look_ups (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtOutbox) outbox = kt_outbox_open (f->path, f->key, &error);
  g_autoptr(KtOutboxState) state = NULL;
  g_autoptr(KtOutboxState) again = NULL;
  g_autoptr(GPtrArray) peeked = NULL;
  g_autoptr(KtSyncRecord) p1 = plain_record ("p1", "c1", 1);
  g_autoptr(KtSyncRecord) p2 = plain_record ("p2", "c1", 1);
  g_autoptr(KtSyncRecord) p3 = plain_record ("p3", "c2", 1);
  g_autoptr(KtSyncRecord) p3_server = plain_record ("p3", "c2", 2);
  g_autoptr(KtSyncRecord) c3 = plain_record ("c3", NULL, 1);
  g_autoptr(KtSyncRecord) p3_merged = plain_record ("p3", "c2", 3);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sync_record_free);
  g_autoptr(KtOutboxKnown) known = kt_outbox_known_new ();
  g_autoptr(KtOutboxState) older = NULL;
  g_autoptr(KtOutboxState) newer = NULL;
  g_autoptr(KtOutboxState) older_full = NULL;
  g_autoptr(KtOutboxState) last_full = NULL;

  g_assert_no_error (error);
  g_assert_true (kt_outbox_add (outbox, p1, &error));
  g_assert_true (kt_outbox_add (outbox, p2, &error));
  g_assert_true (kt_outbox_add (outbox, p3, &error));
  g_assert_true (kt_outbox_add (outbox, c3, &error));
  g_assert_no_error (error);
  peeked = kt_outbox_peek (outbox, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (peeked->len, ==, 4);
  /* p2 refused (queued after p1), p3 in conflict. */
  g_assert_true (kt_outbox_set_failure (outbox, ((KtOutboxEntry *) g_ptr_array_index (peeked, 1))->seq,
                                        "Geweigerd", &error));
  g_assert_true (kt_outbox_add_conflict (outbox, ((KtOutboxEntry *) g_ptr_array_index (peeked, 2))->seq,
                                         p3_server, &error));
  g_assert_true (kt_outbox_set_known_rev (outbox, "c1", 3, &error));
  g_assert_true (kt_outbox_set_known_rev (outbox, "x", 0, &error));
  g_assert_true (kt_outbox_set_meta (outbox, "cursor", "c-7", &error));
  g_assert_true (kt_outbox_set_meta (outbox, "signed_out", "1", &error));
  g_assert_no_error (error);

  state = kt_outbox_read_state (outbox, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (state->n_pending, ==, 3);
  g_assert_cmpuint (state->n_conflicts, ==, 1);
  assert_state_answers_as_the_look_ups (outbox, state);
  /* Checked by hand too: the household c1 is refused through p2. */
  g_assert_cmpstr (g_hash_table_lookup (state->waiting_cases, "c1"), ==, "Geweigerd");
  g_assert_null (g_hash_table_lookup (state->waiting, "c1"));
  g_assert_cmpstr (g_hash_table_lookup (state->waiting, "p3"), ==, "");
  g_assert_true (g_hash_table_contains (state->known, "c1"));
  g_assert_false (g_hash_table_contains (state->known, "x"));
  g_assert_cmpstr (state->cursor, ==, "c-7");
  g_assert_true (state->signed_out);

  /* Without the known ids when they are not asked for; a later read has a
   * higher serial. */
  again = kt_outbox_read_state (outbox, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (again->known);
  g_assert_null (again->known_changes);
  g_assert_cmpuint (again->serial, >, state->serial);

  /* The main loop's known ids: a full read, then changes. */
  kt_outbox_known_take (known, state);
  assert_known_answers_as_the_look_ups (outbox, known);
  /* A chunk's answers: p1 stored, p2 refused again. */
  g_assert_true (kt_outbox_confirm (outbox, ((KtOutboxEntry *) g_ptr_array_index (peeked, 0))->seq, &error));
  g_assert_no_error (error);
  take_change (outbox, known, "p1", "p2", NULL);
  g_assert_true (kt_outbox_known_contains (known, "p1"));
  /* A pulled page. */
  g_ptr_array_add (page, plain_record ("p9", "c9", 4));
  g_ptr_array_add (page, plain_record ("x", NULL, 2));
  g_assert_true (kt_outbox_advance_pull (outbox, page, "c-8", &error));
  g_assert_no_error (error);
  take_change (outbox, known, "p9", "x", NULL);
  g_assert_true (kt_outbox_known_contains (known, "x"));
  /* An id that stops being known. */
  g_assert_true (kt_outbox_set_known_rev (outbox, "c1", 0, &error));
  take_change (outbox, known, "c1", NULL);
  g_assert_false (kt_outbox_known_contains (known, "c1"));
  /* A resolved conflict. */
  g_assert_true (kt_outbox_resolve_conflict (outbox, p3_merged, &error));
  g_assert_no_error (error);
  take_change (outbox, known, "p3", NULL);
  g_assert_true (kt_outbox_known_contains (known, "p3"));

  /* Reads that come in another order than they were made: an older
   * change's read after a newer one's, and an older full read after a
   * newer change's, leave the newer word. */
  g_assert_true (kt_outbox_set_known_rev (outbox, "c1", 6, &error));
  {
    g_autoptr(GPtrArray) c1 = g_ptr_array_new ();

    g_ptr_array_add (c1, "c1");
    older = kt_outbox_read_state_after (outbox, c1, &error);
    g_assert_no_error (error);
    older_full = kt_outbox_read_state (outbox, TRUE, &error);
    g_assert_no_error (error);
    g_assert_true (kt_outbox_set_known_rev (outbox, "c1", 0, &error));
    newer = kt_outbox_read_state_after (outbox, c1, &error);
    g_assert_no_error (error);
  }
  kt_outbox_known_take (known, newer);
  kt_outbox_known_take (known, older);
  kt_outbox_known_take (known, older_full);
  g_assert_false (kt_outbox_known_contains (known, "c1"));
  assert_known_answers_as_the_look_ups (outbox, known);
  /* A full read newer than every change says it all. */
  g_assert_true (kt_outbox_set_known_rev (outbox, "c9", 1, &error));
  last_full = kt_outbox_read_state (outbox, TRUE, &error);
  g_assert_no_error (error);
  kt_outbox_known_take (known, last_full);
  g_assert_true (kt_outbox_known_contains (known, "c9"));
  assert_known_answers_as_the_look_ups (outbox, known);
}

/* kt_outbox_update_meta from two threads at once: each change reads the
 * setting and writes it in one step, so none of them is lost (the role
 * client's queued assignments are changed that way on workers). */
#define N_META_CHANGES 100

typedef struct {
  KtOutbox   *outbox;
  const char *name;
} MetaWriter;

static char *
append_name (const char *value,
             gpointer    user_data)
{
  /* Another thread's read and write would come here if the change were
   * not one step. */
  g_thread_yield ();
  return g_strconcat (value != NULL ? value : "", user_data, NULL);
}

static gpointer
change_meta_many (gpointer data)
{
  MetaWriter *writer = data;

  for (guint i = 0; i < N_META_CHANGES; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!kt_outbox_update_meta (writer->outbox, "changes", append_name, (gpointer) writer->name, &error))
        return g_steal_pointer (&error);
    }
  return NULL;
}

static void
test_settings_changed_on_two_threads_keep_every_change (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtOutbox) outbox = kt_outbox_open (f->path, f->key, &error);
  MetaWriter a = { outbox, "a" };
  MetaWriter b = { outbox, "b" };
  g_autofree char *changes = NULL;
  GThread *threads[2];
  guint n_a = 0;
  guint n_b = 0;

  g_assert_no_error (error);
  threads[0] = g_thread_new ("test-outbox-meta-a", change_meta_many, &a);
  threads[1] = g_thread_new ("test-outbox-meta-b", change_meta_many, &b);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      GError *thread_error = g_thread_join (threads[i]);

      g_assert_no_error (thread_error);
    }
  changes = kt_outbox_get_meta (outbox, "changes");
  g_assert_nonnull (changes);
  for (const char *c = changes; *c != '\0'; c++)
    {
      n_a += *c == 'a';
      n_b += *c == 'b';
    }
  g_assert_cmpuint (n_a, ==, N_META_CHANGES);
  g_assert_cmpuint (n_b, ==, N_META_CHANGES);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

#define ADD(path, func) \
  g_test_add ("/outbox/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("seal/the-queue-seals-with-the-store-crypto", test_the_queue_seals_with_the_store_crypto);
  ADD ("seal/a-queue-from-before-still-opens-and-is-rewritten",
       test_a_queue_from_before_still_opens_and_is_rewritten);
  ADD ("seal/a-changed-body-is-refused-in-either-format", test_a_changed_body_is_refused_in_either_format);

  ADD ("threads/a-worker-adds-while-the-main-thread-reads-and-confirms",
       test_a_worker_adds_while_the_main_thread_reads_and_confirms);

  ADD ("threads/settings-changed-on-two-threads-keep-every-change",
       test_settings_changed_on_two_threads_keep_every_change);
  ADD ("threads/a-read-does-not-wait-for-a-write-waiting-for-the-file",
       test_a_read_does_not_wait_for_a_write_waiting_for_the_file);

  ADD ("pull/a-kept-page-advances-in-one-transaction", test_a_kept_page_advances_in_one_transaction);
  ADD ("state/read-at-once-answers-as-the-look-ups", test_the_state_read_at_once_answers_as_the_look_ups);

  return g_test_run ();
}
