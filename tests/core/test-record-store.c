/* test-record-store.c: sealing, key wrapping and the SQLite layer under
 * KtStore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-record-store"

#include "config.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "kt-core.h"
#include "kt-crypto.h"
#include "kt-huge-buffer-private.h"
#include "kt-record-store.h"
#include "kt-wal-vfs-private.h"
#include "kt-test-util.h"

static GBytes *
bytes_from_string (const char *str)
{
  return g_bytes_new (str, strlen (str));
}

/* Whether @bytes (binary, not NUL-terminated) hold @text anywhere. */
static gboolean
bytes_contain (GBytes     *bytes,
               const char *text)
{
  gsize size, len = strlen (text);
  const guint8 *data = g_bytes_get_data (bytes, &size);

  for (gsize i = 0; i + len <= size; i++)
    if (memcmp (data + i, text, len) == 0)
      return TRUE;
  return FALSE;
}

static void
test_crypto_seal_binds_associated_data (void)
{
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtKey) other = kt_key_new_random ();
  g_autoptr(GBytes) plain = bytes_from_string ("the plaintext");
  g_autoptr(GBytes) ad = kt_crypto_record_ad ("id-1", 0, 2, "body");
  g_autoptr(GBytes) ad_rev = kt_crypto_record_ad ("id-1", 0, 1, "body");
  g_autoptr(GBytes) ad_id = kt_crypto_record_ad ("id-2", 0, 2, "body");
  g_autoptr(GBytes) ad_kind = kt_crypto_record_ad ("id-1", 1, 2, "body");
  g_autoptr(GBytes) ad_part = kt_crypto_record_ad ("id-1", 0, 2, "summary");
  g_autoptr(GBytes) sealed = kt_crypto_seal (key, ad, plain);
  g_autoptr(GBytes) again = kt_crypto_seal (key, ad, plain);
  g_autoptr(GBytes) opened = kt_crypto_open (key, ad, sealed);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (sealed, 0, g_bytes_get_size (sealed) - 1);
  g_autoptr(GByteArray) flipped = g_byte_array_new ();

  g_assert_nonnull (opened);
  g_assert_true (g_bytes_equal (opened, plain));
  /* A fresh nonce each time. */
  g_assert_false (g_bytes_equal (sealed, again));
  g_assert_false (bytes_contain (sealed, "plaintext"));

  g_assert_null (kt_crypto_open (other, ad, sealed));
  g_assert_null (kt_crypto_open (key, ad_rev, sealed));
  g_assert_null (kt_crypto_open (key, ad_id, sealed));
  g_assert_null (kt_crypto_open (key, ad_kind, sealed));
  g_assert_null (kt_crypto_open (key, ad_part, sealed));
  g_assert_null (kt_crypto_open (key, ad, truncated));

  for (gsize i = 0; i < g_bytes_get_size (sealed); i++)
    {
      g_autoptr(GBytes) bad = NULL;

      g_byte_array_set_size (flipped, 0);
      g_byte_array_append (flipped, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
      flipped->data[i] ^= 0x01;
      bad = g_bytes_new (flipped->data, flipped->len);
      g_assert_null (kt_crypto_open (key, ad, bad));
    }
}

/* A padded seal opens to exactly what was sealed, tells only the block
 * of the length, and neither version opens as the other. */
static void
test_crypto_seal_padded (void)
{
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(GBytes) ad = kt_crypto_record_ad ("id-1", 0, 2, "body");
  g_autoptr(GBytes) ad_rev = kt_crypto_record_ad ("id-1", 0, 1, "body");
  static const gsize sizes[] = { 0, 1, 255, 256, 257, 8191, 8192, 33700, 33704, 200000 };
  gsize sealed_33700 = 0;

  g_assert_cmpuint (kt_crypto_pad_block (0), ==, 256);
  g_assert_cmpuint (kt_crypto_pad_block (33700), ==, 1024);
  g_assert_cmpuint (kt_crypto_pad_block (200000), ==, 4096);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree guint8 *text = g_malloc (MAX (sizes[i], 1));
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(GBytes) sealed = NULL;
      g_autoptr(GBytes) opened = NULL;
      g_autoptr(GByteArray) changed = g_byte_array_new ();
      g_autoptr(GBytes) bad = NULL;
      gsize block = kt_crypto_pad_block (sizes[i]);
      gsize size;

      /* Ends in the padding's own marker and zeros: not taken for it. */
      for (gsize j = 0; j < sizes[i]; j++)
        text[j] = j + 1 == sizes[i] ? 0x00 : j + 2 == sizes[i] ? 0x80 : 'a' + j % 26;
      plain = g_bytes_new (text, sizes[i]);
      sealed = kt_crypto_seal_padded (key, ad, plain);
      size = g_bytes_get_size (sealed);
      g_assert_true (kt_crypto_is_padded_seal (g_bytes_get_data (sealed, NULL), size));
      g_assert_cmpuint ((size - KT_SEAL_HEAD_SIZE - KT_SEAL_TAG_SIZE) % block, ==, 0);
      g_assert_cmpuint (size - KT_SEAL_HEAD_SIZE - KT_SEAL_TAG_SIZE, >, sizes[i]);
      g_assert_cmpuint (size - KT_SEAL_HEAD_SIZE - KT_SEAL_TAG_SIZE, <=, sizes[i] + block);
      if (sizes[i] == 33700)
        sealed_33700 = size;
      if (sizes[i] == 33704)
        g_assert_cmpuint (size, ==, sealed_33700);

      opened = kt_crypto_open (key, ad, sealed);
      g_assert_nonnull (opened);
      g_assert_true (g_bytes_equal (opened, plain));
      g_assert_null (kt_crypto_open (key, ad_rev, sealed));

      /* Told to be the unpadded version, it does not open. */
      g_byte_array_append (changed, g_bytes_get_data (sealed, NULL), size);
      changed->data[0] = 1;
      bad = g_bytes_new (changed->data, changed->len);
      g_assert_null (kt_crypto_open (key, ad, bad));
    }

  /* Nor does an unpadded seal told to be padded. */
  {
    g_autoptr(GBytes) plain = bytes_from_string ("the plaintext\x80");
    g_autoptr(GBytes) sealed = kt_crypto_seal (key, ad, plain);
    g_autoptr(GByteArray) changed = g_byte_array_new ();
    g_autoptr(GBytes) bad = NULL;

    g_assert_false (kt_crypto_is_padded_seal (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed)));
    g_byte_array_append (changed, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
    changed->data[0] = 2;
    bad = g_bytes_new (changed->data, changed->len);
    g_assert_null (kt_crypto_open (key, ad, bad));
  }
}

static void
test_crypto_wrap_needs_the_passphrase (void)
{
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtKey) unwrapped = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) cut = NULL;
  KtUnwrapResult result;

  wrapped = kt_crypto_wrap_key (key, "correct horse", crypto_pwhash_OPSLIMIT_MIN,
                                crypto_pwhash_MEMLIMIT_MIN);
  g_assert_nonnull (wrapped);

  unwrapped = kt_crypto_unwrap_key (wrapped, "correct horse", &result);
  g_assert_cmpint (result, ==, KT_UNWRAP_OK);
  g_assert_cmpmem (kt_key_peek (unwrapped), KT_KEY_SIZE, kt_key_peek (key), KT_KEY_SIZE);

  g_assert_null (kt_crypto_unwrap_key (wrapped, "correct horsE", &result));
  g_assert_cmpint (result, ==, KT_UNWRAP_WRONG_PASSPHRASE);

  cut = g_bytes_new_from_bytes (wrapped, 0, 20);
  g_assert_null (kt_crypto_unwrap_key (cut, "correct horse", &result));
  g_assert_cmpint (result, ==, KT_UNWRAP_MALFORMED);
}

static void
test_crypto_wrap_refuses_absurd_cost (void)
{
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(GBytes) wrapped = kt_crypto_wrap_key (key, "pw", crypto_pwhash_OPSLIMIT_MIN,
                                                  crypto_pwhash_MEMLIMIT_MIN);
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autoptr(GBytes) hostile = NULL;
  KtUnwrapResult result;

  /* A file that asks for 2^56 bytes of memory is refused, not obeyed. */
  g_byte_array_append (edited, g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped));
  edited->data[16] = 0x01;
  hostile = g_bytes_new (edited->data, edited->len);
  g_assert_null (kt_crypto_unwrap_key (hostile, "pw", &result));
  g_assert_cmpint (result, ==, KT_UNWRAP_MALFORMED);
}

static KtRecord *
make_record (const char *id,
             gint64      rev,
             const char *body)
{
  KtRecord *record = kt_record_new ();

  record->id = g_strdup (id);
  record->kind = KT_KIND_CONVERSATION;
  record->rev = rev;
  record->case_id = g_strdup ("case-1");
  record->created = 1000;
  record->updated = 1000 + rev;
  record->body = bytes_from_string (body);
  return record;
}

static KtRecordStore *
open_with_key (const char *path,
               KtKey      *key)
{
  g_autoptr(GError) error = NULL;
  KtRecordStore *store = kt_record_store_open (path, &error);

  g_assert_no_error (error);
  kt_record_store_set_key (store, kt_key_copy (key));
  return store;
}

static void
test_record_store_keeps_sync_state_on_autosave (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-records");
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtRecordStore) store = open_with_key (path, key);
  g_autoptr(KtRecord) first = make_record ("r1", 1, "one");
  g_autoptr(KtRecord) second = make_record ("r1", 2, "two");
  g_autoptr(KtRecord) loaded = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_record_store_put (store, first, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (kt_record_store_set_sync_state (store, "r1", KT_SYNC_SYNCED, 7, &error));
  g_assert_true (kt_record_store_put (store, second, FALSE, &error));
  g_assert_no_error (error);

  loaded = kt_record_store_get (store, "r1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->rev, ==, 2);
  g_assert_cmpint (loaded->sync_state, ==, KT_SYNC_SYNCED);
  g_assert_cmpint (loaded->server_rev, ==, 7);
  g_assert_cmpstr (loaded->case_id, ==, "case-1");
  g_assert_cmpmem (g_bytes_get_data (loaded->body, NULL), g_bytes_get_size (loaded->body), "two", 3);

  g_assert_false (kt_record_store_set_sync_state (store, "nope", KT_SYNC_SYNCED, 1, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  listed = kt_record_store_list (store, KT_KIND_CONVERSATION, "case-1", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);

  g_clear_pointer (&store, kt_record_store_close);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* Saves r1 at @rev with @text, and returns how much the log grew. */
static gint64
put_typed (KtRecordStore *store,
           const char    *wal,
           gint64         rev,
           GString       *text)
{
  g_autoptr(KtRecord) record = make_record ("r1", rev, text->str);
  g_autoptr(GError) error = NULL;
  gint64 before = file_size (wal);

  g_assert_true (kt_record_store_put (store, record, FALSE, &error));
  g_assert_no_error (error);
  return file_size (wal) - before;
}

/* A body typed into (a few characters more each save) keeps its sealed
 * size, so SQLite writes the row over its own pages: fewer pages in the
 * log than when its size changes, as it did before bodies were padded. */
static void
test_record_store_typed_body_keeps_its_pages (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-records");
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtRecordStore) store = open_with_key (path, key);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(KtRecord) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rev = 1, padded, unpadded;

  while (text->len < 30000)
    g_string_append (text, "Er liggen brieven die niet open zijn. ");
  put_typed (store, wal, rev++, text);
  g_string_append (text, "abc ");
  put_typed (store, wal, rev++, text);
  g_string_append (text, "abc ");
  padded = put_typed (store, wal, rev++, text);

  kt_record_store_set_unpadded_for_test (store, TRUE);
  g_string_append (text, "abc ");
  put_typed (store, wal, rev++, text);
  g_string_append (text, "abc ");
  unpadded = put_typed (store, wal, rev++, text);
  kt_record_store_set_unpadded_for_test (store, FALSE);

  g_test_message ("log grew by %" G_GINT64_FORMAT " bytes padded, %" G_GINT64_FORMAT " unpadded", padded, unpadded);
  /* Page 1 (the freelist) at least is not written again. */
  g_assert_cmpint (padded, >, 0);
  g_assert_cmpint (padded, <, unpadded);

  g_string_append (text, "abc ");
  put_typed (store, wal, rev, text);
  loaded = kt_record_store_get (store, "r1", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (loaded->body, NULL), g_bytes_get_size (loaded->body),
                   text->str, text->len);

  g_clear_pointer (&store, kt_record_store_close);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize size = 0;

  g_file_get_contents (from, &contents, &size, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, size, &error);
  g_assert_no_error (error);
}

/* The store's log gathers a commit's frames into one write
 * (kt-wal-vfs.c): a save that returned is in the files, as a crash would
 * leave them, and another connection reads it while the store is open;
 * without a sync (synchronous = OFF) the frames are in the file before
 * another connection is told of them, also for a commit larger than one
 * gathered write. */
static void
test_record_store_gathered_log_is_written (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-records");
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *copy_wal = g_strconcat (copy, "-wal", NULL);
  g_autofree char *raw_path = g_build_filename (dir, "raw.db", NULL);
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtRecordStore) store = open_with_key (path, key);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;

  g_assert_nonnull (kt_wal_vfs_name ());
  while (text->len < 30000)
    g_string_append (text, "Er liggen brieven die niet open zijn. ");
  for (gint64 rev = 1; rev <= 3; rev++)
    {
      g_autoptr(KtRecord) record = make_record ("r1", rev, text->str);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM records WHERE id = 'r1'"
                                              " AND rev = %" G_GINT64_FORMAT, rev);

      g_assert_true (kt_record_store_put (store, record, FALSE, &error));
      g_assert_no_error (error);
      /* Another connection, the store still open. */
      g_assert_cmpint (kt_test_sqlite_count (path, sql), ==, 1);
      /* The files as they are, copied away as a crash leaves them. */
      copy_file (path, copy);
      copy_file (wal, copy_wal);
      g_assert_cmpint (kt_test_sqlite_count (copy, sql), ==, 1);
      g_unlink (copy_wal);
      g_unlink (copy);
      g_string_append (text, "abc ");
    }

  /* No sync at all: only the barrier before the frames are published. */
  g_assert_cmpint (sqlite3_open_v2 (raw_path, &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                    kt_wal_vfs_name ()), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;"
                                 "CREATE TABLE t (v BLOB);", NULL, NULL, NULL), ==, SQLITE_OK);
  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO t VALUES (zeroblob (%d))", i * 200000);

      g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
      g_assert_cmpint (kt_test_sqlite_count (raw_path, "SELECT count(*) FROM t"), ==, i);
      g_assert_cmpint (kt_test_sqlite_count (raw_path, "SELECT sum(length(v)) FROM t"), ==, 200000 * i * (i + 1) / 2);
    }
  g_assert_cmpint (sqlite3_close (raw), ==, SQLITE_OK);

  g_clear_pointer (&store, kt_record_store_close);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_record_store_locked_without_key (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-records");
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtRecordStore) store = kt_record_store_open (path, &error);
  g_autoptr(KtRecord) record = make_record ("r1", 1, "one");

  g_assert_no_error (error);
  g_assert_false (kt_record_store_has_key (store));
  g_assert_false (kt_record_store_put (store, record, FALSE, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);

  g_clear_pointer (&store, kt_record_store_close);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_record_store_migrates_old_schema (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-records");
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtRecordStore) store = NULL;
  g_autoptr(KtRecord) record = make_record ("r1", 1, "one");
  g_autoptr(KtRecord) loaded = NULL;
  g_autoptr(GPtrArray) quarantined = NULL;

  store = kt_record_store_open_at_version (path, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kt_record_store_get_schema_version (store), ==, 1);
  g_clear_pointer (&store, kt_record_store_close);

  store = open_with_key (path, key);
  g_assert_cmpint (kt_record_store_get_schema_version (store), ==, KT_RECORD_STORE_SCHEMA_VERSION);
  g_assert_true (kt_record_store_put (store, record, FALSE, &error));
  g_assert_no_error (error);
  loaded = kt_record_store_get (store, "r1", &error);
  g_assert_no_error (error);
  quarantined = kt_record_store_list_quarantined (store);
  g_assert_cmpuint (quarantined->len, ==, 0);

  g_clear_pointer (&store, kt_record_store_close);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_record_store_refuses_newer_schema (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-records");
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtRecordStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = kt_record_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_IO);

  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_record_store_disk_full_is_reported (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-records");
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtRecordStore) store = open_with_key (path, key);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(KtRecord) record = NULL;
  g_autoptr(KtRecord) small = make_record ("r2", 1, "small");

  /* SQLite's own SQLITE_FULL, from a page limit on the store's connection
   * (test-store.c fills a real small file system). */
  for (int i = 0; i < 20000; i++)
    g_string_append (big, "0123456789");
  record = make_record ("r1", 1, big->str);

  g_assert_true (kt_record_store_put (store, small, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (kt_record_store_limit_pages_for_test (store, 8));
  g_assert_false (kt_record_store_put (store, record, FALSE, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_DISK_FULL);
  g_clear_error (&error);

  /* Nothing half-written: the store still works, and the old record is
   * intact. */
  g_clear_pointer (&record, kt_record_free);
  record = kt_record_store_get (store, "r2", &error);
  g_assert_no_error (error);

  g_clear_pointer (&store, kt_record_store_close);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

/* The store's large buffers (kt-huge-buffer-private.h): zeroed, aligned,
 * all of them writable, whatever their size and however they are backed. */
static void
test_huge_buffer_is_zeroed_and_writable (void)
{
  static const gsize sizes[] = { 1, 100, 4096, 1024 * 1024 - 1, 1024 * 1024,
                                 2 * 1024 * 1024, 3 * 1024 * 1024 + 1 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      guint8 *data = kt_huge_buffer_alloc (sizes[i]);

      g_assert_nonnull (data);
      g_assert_cmpuint ((guintptr) data % 16, ==, 0);
      g_assert_cmpuint (data[0], ==, 0);
      g_assert_cmpuint (data[sizes[i] / 2], ==, 0);
      g_assert_cmpuint (data[sizes[i] - 1], ==, 0);
      memset (data, 0xa5, sizes[i]);
      kt_huge_buffer_free (data, sizes[i]);
    }
  kt_huge_buffer_free (NULL, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/crypto/seal-binds-associated-data", test_crypto_seal_binds_associated_data);
  g_test_add_func ("/crypto/padded-seal-opens-and-tells-only-the-block", test_crypto_seal_padded);
  g_test_add_func ("/crypto/wrap-needs-the-passphrase", test_crypto_wrap_needs_the_passphrase);
  g_test_add_func ("/crypto/wrap-refuses-absurd-cost", test_crypto_wrap_refuses_absurd_cost);
  g_test_add_func ("/record-store/huge-buffer-is-zeroed-and-writable", test_huge_buffer_is_zeroed_and_writable);
  g_test_add_func ("/record-store/keeps-sync-state-on-autosave", test_record_store_keeps_sync_state_on_autosave);
  g_test_add_func ("/record-store/typed-body-keeps-its-pages", test_record_store_typed_body_keeps_its_pages);
  g_test_add_func ("/record-store/gathered-log-is-written", test_record_store_gathered_log_is_written);
  g_test_add_func ("/record-store/locked-without-key", test_record_store_locked_without_key);
  g_test_add_func ("/record-store/migrates-old-schema", test_record_store_migrates_old_schema);
  g_test_add_func ("/record-store/refuses-newer-schema", test_record_store_refuses_newer_schema);
  g_test_add_func ("/record-store/disk-full-is-reported", test_record_store_disk_full_is_reported);

  return g_test_run ();
}
