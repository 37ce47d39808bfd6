/* test-store-rollback.c: an older record, a deleted record or a whole older
 * database put back is noticed at open, named where it can be, and the
 * rest of the store still opens; a crash and a store from before the index
 * raise no alarm
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store-rollback"

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "kt-core.h"
#include "kt-keyring.h"
#include "kt-store-private.h"
#include "kt-test-bus.h"
#include "kt-test-util.h"

#define PASSPHRASE "oude kopie in de la"

static KtTestBus *keyring_bus;

typedef struct {
  char        *dir;
  char        *path;
  KtKeySource  source;
  KtCase      *a;
  KtCase      *b;
} Rollback;

static KtStore *
open_store (Rollback *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtStore) store = kt_store_new (r->path);

  kt_store_set_pwhash_limits (store, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  kt_store_open_sync (store, r->source, PASSPHRASE, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static void
close_store (KtStore **store)
{
  g_autoptr(GError) error = NULL;

  kt_store_flush (*store, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (store));
}

static KtCase *
case_new (const char *household)
{
  KtCase *kase = kt_case_new ();

  kase->household = g_strdup (household);
  kase->request.date = g_strdup ("2026-11-20");
  kase->request.question = g_strdup ("Hulp bij de post");
  return kase;
}

static void
save_case (KtStore *store,
           KtCase  *kase)
{
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };

  kase->header.rev++;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
  g_assert_no_error (error);
}

/* Saves @kase again with a new name: one revision further. */
static void
rename_case (Rollback   *r,
             KtCase     *kase,
             const char *household)
{
  g_autoptr(KtStore) store = open_store (r);

  g_free (kase->household);
  kase->household = g_strdup (household);
  save_case (store, kase);
  close_store (&store);
}

static void
setup (Rollback      *r,
       gconstpointer  data)
{
  g_autoptr(KtStore) store = NULL;

  r->source = GPOINTER_TO_INT (data);
  r->dir = kt_test_tmpdir_new ("kt-rollback");
  r->path = g_build_filename (r->dir, "store.db", NULL);
  r->a = case_new ("Familie Aydin");
  r->b = case_new ("Familie Bos");
  store = open_store (r);
  save_case (store, r->a);
  save_case (store, r->b);
  close_store (&store);
}

static void
teardown (Rollback      *r,
          gconstpointer  data)
{
  kt_case_unref (r->a);
  kt_case_unref (r->b);
  kt_test_tmpdir_free (r->dir);
  g_free (r->path);
}

/* The file as someone with the disk would change it. */

static sqlite3 *
db_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  return db;
}

static void
db_exec (const char *path,
         const char *sql)
{
  sqlite3 *db = db_open (path);

  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static char *
db_store_id (const char *path)
{
  sqlite3 *db = db_open (path);
  sqlite3_stmt *stmt = NULL;
  char *id;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'store-id'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  id = g_strndup (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return id;
}

/* A copy of one row of @table as it is now, to put back later. */
typedef struct {
  char   *table;
  char   *id;
  GArray *values;   /* (element-type sqlite3_value *) */
  int     columns;
} Row;

static Row *
row_copy (const char *path,
          const char *table,
          const char *id)
{
  sqlite3 *db = db_open (path);
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s WHERE id = ?", table);
  sqlite3_stmt *stmt = NULL;
  Row *row = g_new0 (Row, 1);

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  row->table = g_strdup (table);
  row->id = g_strdup (id);
  row->columns = sqlite3_column_count (stmt);
  row->values = g_array_new (FALSE, FALSE, sizeof (sqlite3_value *));
  for (int i = 0; i < row->columns; i++)
    {
      sqlite3_value *value = sqlite3_value_dup (sqlite3_column_value (stmt, i));
      g_array_append_val (row->values, value);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return row;
}

static void
row_free (Row *row)
{
  for (guint i = 0; i < row->values->len; i++)
    sqlite3_value_free (g_array_index (row->values, sqlite3_value *, i));
  g_array_unref (row->values);
  g_free (row->table);
  g_free (row->id);
  g_free (row);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Row, row_free)

/* Replaces the row of the same id with the copy, every column. */
static void
row_put_back (const char *path,
              Row        *row)
{
  sqlite3 *db = db_open (path);
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_string_printf (sql, "INSERT OR REPLACE INTO %s VALUES (", row->table);
  for (int i = 0; i < row->columns; i++)
    g_string_append (sql, i == 0 ? "?" : ", ?");
  g_string_append (sql, ")");
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL), ==, SQLITE_OK);
  for (int i = 0; i < row->columns; i++)
    sqlite3_bind_value (stmt, i + 1, g_array_index (row->values, sqlite3_value *, i));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static GBytes *
file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize size = 0;

  g_file_get_contents (path, &contents, &size, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, size);
}

/* Puts back a whole database file, as restoring a copy of it does (the
 * store is closed, so there is no -wal beside it to keep). */
static void
file_put_back (const char *path,
               GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

/* The version byte of @id's sealed body: 1 as Keukentafel sealed bodies
 * before they were padded, 2 padded. */
static int
db_body_version (const char *path,
                 const char *id)
{
  sqlite3 *db = db_open (path);
  sqlite3_stmt *stmt = NULL;
  int version;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT body FROM records WHERE id = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_bytes (stmt, 0), >, 0);
  version = ((const guint8 *) sqlite3_column_blob (stmt, 0))[0];
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return version;
}

/* What must hold */

/* The problem the check names for @id, or -1 when it names none. */
static int
problem_of (const KtStoreCheck *check,
            const char         *id,
            KtKind             *kind)
{
  for (guint i = 0; i < check->records->len; i++)
    {
      const KtRecordFinding *finding = g_ptr_array_index (check->records, i);

      if (g_str_equal (finding->id, id))
        {
          if (kind != NULL)
            *kind = finding->kind;
          return finding->problem;
        }
    }
  return -1;
}

/* The message says something, in words; never a record's contents. */
static void
assert_described (const KtStoreCheck *check)
{
  g_autofree char *text = kt_store_check_describe (check);

  g_assert_cmpuint (strlen (text), >, 40);
  g_assert_null (strstr (text, "Familie"));
}

/* @intact opens as it was saved, and is the only case listed. */
static void
assert_opens (KtStore *store,
              KtCase  *intact)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCase) loaded = kt_store_load_case (store, intact->header.id, &error);
  g_autoptr(GPtrArray) listed = NULL;

  g_assert_no_error (error);
  g_assert_true (kt_case_equal (loaded, intact));
  listed = kt_store_list_cases (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (((KtCaseSummary *) g_ptr_array_index (listed, 0))->id, ==, intact->header.id);
}

static void
accept (KtStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_store_accept_check (store, &error));
  g_assert_no_error (error);
  g_assert_null (kt_store_get_check (store));
}

static void
test_record_rolled_back (Rollback      *r,
                         gconstpointer  data)
{
  g_autoptr(Row) old = row_copy (r->path, "records", r->a->header.id);
  g_autoptr(KtStore) store = NULL;

  rename_case (r, r->a, "Familie Aydin-Bos");
  /* Revision, body and summary of the older save, all together: each
   * authenticates, as the issue found. */
  row_put_back (r->path, old);

  /* Named at every open until the user has seen it; the rest opens. */
  for (int round = 0; round < 2; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KtCase) loaded = NULL;
      g_autoptr(GPtrArray) quarantined = NULL;
      const KtStoreCheck *check;
      KtKind kind = KT_N_KINDS;

      store = open_store (r);
      check = kt_store_get_check (store);
      g_assert_nonnull (check);
      g_assert_cmpuint (check->records->len, ==, 1);
      g_assert_cmpint (problem_of (check, r->a->header.id, &kind), ==, KT_RECORD_ROLLED_BACK);
      g_assert_cmpint (kind, ==, KT_KIND_CASE);
      g_assert_false (check->store_older);
      g_assert_false (check->index_changed);
      assert_described (check);

      loaded = kt_store_load_case (store, r->a->header.id, &error);
      g_assert_null (loaded);
      g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_TAMPERED);
      quarantined = kt_store_list_quarantined (store);
      g_assert_cmpuint (quarantined->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (quarantined, 0), ==, r->a->header.id);
      assert_opens (store, r->b);
      close_store (&store);
    }

  /* Seen: not shown again, and the old copy stays set aside. */
  store = open_store (r);
  accept (store);
  close_store (&store);
  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  assert_opens (store, r->b);
  close_store (&store);

  /* Saving the document from memory again brings it back. */
  store = open_store (r);
  save_case (store, r->a);
  close_store (&store);
  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  {
    g_autoptr(GPtrArray) quarantined = kt_store_list_quarantined (store);
    g_autoptr(GError) error = NULL;
    g_autoptr(KtCase) loaded = kt_store_load_case (store, r->a->header.id, &error);

    g_assert_no_error (error);
    g_assert_true (kt_case_equal (loaded, r->a));
    g_assert_cmpuint (quarantined->len, ==, 0);
  }
  close_store (&store);
}

static void
test_record_and_index_line_rolled_back (Rollback      *r,
                                        gconstpointer  data)
{
  g_autoptr(Row) old = row_copy (r->path, "records", r->a->header.id);
  g_autoptr(Row) old_line = row_copy (r->path, "record_index", r->a->header.id);
  g_autoptr(KtStore) store = NULL;
  const KtStoreCheck *check;

  rename_case (r, r->a, "Familie Aydin-Bos");
  row_put_back (r->path, old);
  row_put_back (r->path, old_line);

  /* Record and line agree, but the root counts the newer line: noticed,
   * though not which record. */
  store = open_store (r);
  check = kt_store_get_check (store);
  g_assert_nonnull (check);
  g_assert_true (check->index_changed);
  assert_described (check);
  close_store (&store);

  /* Saving on does not make it go away; accepting does. */
  store = open_store (r);
  save_case (store, r->b);
  close_store (&store);
  store = open_store (r);
  check = kt_store_get_check (store);
  g_assert_nonnull (check);
  g_assert_true (check->index_changed);
  accept (store);
  close_store (&store);
  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  close_store (&store);
}

static void
test_record_deleted (Rollback      *r,
                     gconstpointer  data)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM records WHERE id = '%s'", r->a->header.id);
  g_autoptr(KtStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCase) loaded = NULL;
  const KtStoreCheck *check;

  db_exec (r->path, sql);

  store = open_store (r);
  check = kt_store_get_check (store);
  g_assert_nonnull (check);
  g_assert_cmpuint (check->records->len, ==, 1);
  g_assert_cmpint (problem_of (check, r->a->header.id, NULL), ==, KT_RECORD_DELETED);
  g_assert_false (check->store_older);
  g_assert_false (check->index_changed);
  assert_described (check);
  loaded = kt_store_load_case (store, r->a->header.id, &error);
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_NOT_FOUND);
  assert_opens (store, r->b);
  accept (store);
  close_store (&store);

  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  close_store (&store);
}

/* Thousands of lines: the check hashes them on two threads (when read
 * ahead, in keyring mode), and a line changed in either half is noticed
 * as surely as in a small file. */
static void
test_line_changed_among_thousands (Rollback      *r,
                                   gconstpointer  data)
{
  g_autoptr(KtStore) store = open_store (r);
  const KtStoreCheck *check;

  for (int i = 0; i < 2500; i++)
    {
      g_autofree char *name = g_strdup_printf ("Familie %d", i);
      g_autoptr(KtCase) kase = case_new (name);

      save_case (store, kase);
    }
  close_store (&store);
  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  close_store (&store);

  for (guint half = 0; half < 2; half++)
    {
      db_exec (r->path, half == 0
               ? "UPDATE record_index SET hash = zeroblob(32) WHERE id = (SELECT min(id) FROM record_index)"
               : "UPDATE record_index SET hash = zeroblob(32) WHERE id = (SELECT max(id) FROM record_index)");
      store = open_store (r);
      check = kt_store_get_check (store);
      g_assert_nonnull (check);
      g_assert_true (check->index_changed);
      accept (store);
      close_store (&store);
      store = open_store (r);
      g_assert_null (kt_store_get_check (store));
      close_store (&store);
    }
}

/* The check sorts and finds records by the first eight bytes of their ids
 * first: ids alike in those (and one shorter than eight) are told apart
 * by the rest, and the one deleted is the one named. */
static void
test_ids_alike_at_the_start (Rollback      *r,
                             gconstpointer  data)
{
  static const char * const ids[] = {
    "0000aaaa-0000-4000-8000-000000000002", "0000aaaa-0000-4000-8000-000000000001",
    "0000aaaa-0000-4000-8000-000000000003", "0000aaaa", "0000aaa", "0000aaaa-1",
  };
  g_autoptr(KtStore) store = open_store (r);
  g_autofree char *sql = NULL;
  const KtStoreCheck *check;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(KtCase) kase = case_new ("Familie Claes");

      g_free (kase->header.id);
      kase->header.id = g_strdup (ids[i]);
      save_case (store, kase);
    }
  close_store (&store);
  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  close_store (&store);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_clear_pointer (&sql, g_free);
      sql = g_strdup_printf ("DELETE FROM records WHERE id = '%s'", ids[i]);
      db_exec (r->path, sql);
      store = open_store (r);
      check = kt_store_get_check (store);
      g_assert_nonnull (check);
      g_assert_cmpuint (check->records->len, ==, 1);
      g_assert_cmpint (problem_of (check, ids[i], NULL), ==, KT_RECORD_DELETED);
      accept (store);
      close_store (&store);
    }
}

static void
test_same_revision_other_body (Rollback      *r,
                               gconstpointer  data)
{
  g_autoptr(Row) first = row_copy (r->path, "records", r->a->header.id);
  g_autoptr(KtStore) store = open_store (r);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCase) loaded = NULL;
  KtDocument doc = { .kind = KT_KIND_CASE, .kase = r->a };

  /* The same revision saved twice (a sync that kept the number): two
   * genuine ciphertexts of one revision. */
  g_free (r->a->household);
  r->a->household = g_strdup ("Familie Aydin-Bos");
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
  close_store (&store);
  row_put_back (r->path, first);

  /* The revision matches the index, so the check at open passes; the
   * body read is not the one the index names. */
  store = open_store (r);
  loaded = kt_store_load_case (store, r->a->header.id, &error);
  g_assert_null (loaded);
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_TAMPERED);
  close_store (&store);
}

static void
test_whole_file_put_back (Rollback      *r,
                          gconstpointer  data)
{
  g_autoptr(GBytes) old = file_bytes (r->path);
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) c = case_new ("Familie Claes");
  const KtStoreCheck *check;

  rename_case (r, r->a, "Familie Aydin-Bos");
  store = open_store (r);
  save_case (store, c);
  close_store (&store);
  file_put_back (r->path, old);

  store = open_store (r);
  check = kt_store_get_check (store);
  g_assert_nonnull (check);
  g_assert_true (check->store_older);
  g_assert_cmpuint (check->records->len, ==, 0);
  assert_described (check);
  /* Everything in the older file opens, as it was then: nothing is lost
   * that the copy holds, and the coach can go on working. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KtCase) loaded = kt_store_load_case (store, r->a->header.id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (loaded->household, ==, "Familie Aydin");
  }

  /* Many saves later the warning still stands: it is kept in the file. */
  for (int i = 0; i < 5; i++)
    save_case (store, r->b);
  close_store (&store);
  store = open_store (r);
  g_assert_nonnull (kt_store_get_check (store));
  g_assert_true (kt_store_get_check (store)->store_older);
  accept (store);
  close_store (&store);

  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  close_store (&store);
}

/* The counter outside the file as a crash between the commit and the mark
 * leaves it: behind the file.  No alarm. */
static void
set_mark_behind (Rollback *r,
                 GBytes   *earlier_mark_file)
{
  g_autofree char *mark = g_strconcat (r->path, "-counter", NULL);

  if (r->source == KT_KEY_SOURCE_PASSPHRASE)
    {
      g_autoptr(GError) error = NULL;

      g_file_set_contents (mark, g_bytes_get_data (earlier_mark_file, NULL),
                           g_bytes_get_size (earlier_mark_file), &error);
      g_assert_no_error (error);
    }
  else
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KtStore) store = open_store (r);
      g_autofree char *store_id = db_store_id (r->path);
      guint64 counter = 0;

      g_assert_true (kt_record_store_get_counter (kt_store_get_record_store (store), &counter));
      close_store (&store);
      g_assert_true (kt_keyring_store_counter (store_id, counter - 3, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
test_crash_before_the_mark (Rollback      *r,
                            gconstpointer  data)
{
  g_autofree char *mark = g_strconcat (r->path, "-counter", NULL);
  g_autoptr(GBytes) earlier = NULL;
  g_autoptr(KtStore) store = NULL;

  if (r->source == KT_KEY_SOURCE_PASSPHRASE)
    {
      g_assert_true (g_file_test (mark, G_FILE_TEST_EXISTS));
      earlier = file_bytes (mark);
    }
  store = open_store (r);
  for (int i = 0; i < 3; i++)
    save_case (store, r->a);
  close_store (&store);
  set_mark_behind (r, earlier);

  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  {
    g_autoptr(GPtrArray) quarantined = kt_store_list_quarantined (store);
    g_autoptr(GError) error = NULL;
    g_autoptr(KtCase) loaded = kt_store_load_case (store, r->a->header.id, &error);

    g_assert_no_error (error);
    g_assert_true (kt_case_equal (loaded, r->a));
    g_assert_cmpuint (quarantined->len, ==, 0);
  }
  close_store (&store);
}

/* The file as the version before the index left it. */
static void
downgrade (Rollback *r,
           gboolean  keep_mark)
{
  static const SecretSchema counter_schema = {
    KT_KEYRING_COUNTER_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    { { "store", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
  };
  g_autofree char *mark = g_strconcat (r->path, "-counter", NULL);
  g_autofree char *store_id = db_store_id (r->path);

  db_exec (r->path,
           "DROP TABLE record_index;"
           "DELETE FROM meta WHERE key = 'index-root';"
           "PRAGMA user_version = 3;");
  if (!keep_mark)
    {
      g_autoptr(GError) error = NULL;

      g_unlink (mark);
      secret_password_clear_sync (&counter_schema, NULL, &error, "store", store_id, NULL);
      g_assert_no_error (error);
    }
}

static void
test_previous_version_migrates_quietly (Rollback      *r,
                                        gconstpointer  data)
{
  g_autoptr(KtStore) store = NULL;
  g_autoptr(Row) old = NULL;
  g_autoptr(GError) error = NULL;

  downgrade (r, FALSE);

  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  {
    g_autoptr(KtCase) loaded = kt_store_load_case (store, r->a->header.id, &error);

    g_assert_no_error (error);
    g_assert_true (kt_case_equal (loaded, r->a));
  }
  close_store (&store);
  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  close_store (&store);

  /* And from now on the index guards it. */
  old = row_copy (r->path, "records", r->a->header.id);
  rename_case (r, r->a, "Familie Aydin-Bos");
  row_put_back (r->path, old);
  store = open_store (r);
  g_assert_nonnull (kt_store_get_check (store));
  g_assert_cmpint (problem_of (kt_store_get_check (store), r->a->header.id, NULL), ==, KT_RECORD_ROLLED_BACK);
  close_store (&store);
}

static void
test_previous_version_put_back (Rollback      *r,
                                gconstpointer  data)
{
  g_autoptr(KtStore) store = NULL;

  /* A file from before the index, where this device has a counter: an
   * older file put back, not a first start of the new version. */
  downgrade (r, TRUE);
  store = open_store (r);
  g_assert_nonnull (kt_store_get_check (store));
  g_assert_true (kt_store_get_check (store)->store_older);
  close_store (&store);
}

static void
test_unpadded_bodies_open (Rollback      *r,
                           gconstpointer  data)
{
  g_autoptr(KtStore) store = open_store (r);
  g_autoptr(Row) old = NULL;
  g_autoptr(GError) error = NULL;

  /* Both cases saved as the version before padded bodies saved them,
   * their index lines hashing the whole sealed body. */
  kt_record_store_set_unpadded_for_test (kt_store_get_record_store (store), TRUE);
  save_case (store, r->a);
  save_case (store, r->b);
  close_store (&store);
  g_assert_cmpint (db_body_version (r->path, r->a->header.id), ==, 1);
  g_assert_cmpint (db_body_version (r->path, r->b->header.id), ==, 1);

  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  {
    g_autoptr(KtCase) a = kt_store_load_case (store, r->a->header.id, &error);

    g_assert_no_error (error);
    g_assert_true (kt_case_equal (a, r->a));
  }
  close_store (&store);
  /* Reading leaves a body as it is; the next save pads it. */
  g_assert_cmpint (db_body_version (r->path, r->a->header.id), ==, 1);
  old = row_copy (r->path, "records", r->a->header.id);
  rename_case (r, r->a, "Familie Aydin-Bos");
  g_assert_cmpint (db_body_version (r->path, r->a->header.id), ==, 2);
  g_assert_cmpint (db_body_version (r->path, r->b->header.id), ==, 1);

  store = open_store (r);
  g_assert_null (kt_store_get_check (store));
  {
    g_autoptr(KtCase) a = kt_store_load_case (store, r->a->header.id, &error);
    g_autoptr(KtCase) b = kt_store_load_case (store, r->b->header.id, &error);

    g_assert_no_error (error);
    g_assert_true (kt_case_equal (a, r->a));
    g_assert_true (kt_case_equal (b, r->b));
  }
  close_store (&store);

  /* The unpadded row put back over its padded successor is noticed. */
  row_put_back (r->path, old);
  store = open_store (r);
  g_assert_nonnull (kt_store_get_check (store));
  g_assert_cmpint (problem_of (kt_store_get_check (store), r->a->header.id, NULL), ==, KT_RECORD_ROLLED_BACK);
  close_store (&store);
}

int
main (int   argc,
      char *argv[])
{
  static const struct {
    const char  *name;
    void       (*func) (Rollback *, gconstpointer);
    gboolean     keyring_too;
  } tests[] = {
    { "record-rolled-back-is-named-and-set-aside", test_record_rolled_back, TRUE },
    { "record-and-index-line-rolled-back-is-noticed", test_record_and_index_line_rolled_back, TRUE },
    { "record-deleted-is-named", test_record_deleted, TRUE },
    { "ids-alike-at-the-start-are-told-apart", test_ids_alike_at_the_start, TRUE },
    { "line-changed-among-thousands-is-noticed", test_line_changed_among_thousands, TRUE },
    { "same-revision-other-body-is-refused", test_same_revision_other_body, TRUE },
    { "whole-file-put-back-is-noticed", test_whole_file_put_back, TRUE },
    { "crash-before-the-counter-raises-no-alarm", test_crash_before_the_mark, TRUE },
    { "previous-version-migrates-quietly", test_previous_version_migrates_quietly, TRUE },
    { "previous-version-put-back-is-noticed", test_previous_version_put_back, TRUE },
    { "unpadded-bodies-of-the-previous-version-open", test_unpadded_bodies_open, FALSE },
  };
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());
  keyring_bus = kt_test_bus_new (TRUE);
  kt_test_bus_use (keyring_bus);

  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *passphrase = g_strdup_printf ("/store/rollback/passphrase/%s", tests[i].name);
      g_autofree char *keyring = g_strdup_printf ("/store/rollback/keyring/%s", tests[i].name);

      g_test_add (passphrase, Rollback, GINT_TO_POINTER (KT_KEY_SOURCE_PASSPHRASE),
                  setup, tests[i].func, teardown);
      if (tests[i].keyring_too)
        g_test_add (keyring, Rollback, GINT_TO_POINTER (KT_KEY_SOURCE_KEYRING),
                    setup, tests[i].func, teardown);
    }

  ret = g_test_run ();
  g_clear_pointer (&keyring_bus, kt_test_bus_free);
  return ret;
}
