/* test-store.c: KtStore against real SQLite files and a real gnome-keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"
#define _GNU_SOURCE  /* unshare () */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "kt-core.h"
#include "kt-keyring.h"
#include "kt-store-private.h"
#include "kt-test-bus.h"
#include "kt-test-util.h"

#define PASSPHRASE "zomer aan de waterkant"

static KtTestBus *keyring_bus;

/* Fixture-free helpers */

typedef struct {
  char *dir;
  char *path;
} Files;

static void
files_init (Files *files)
{
  files->dir = kt_test_tmpdir_new ("kt-store");
  files->path = g_build_filename (files->dir, "store.db", NULL);
}

static void
files_clear (Files *files)
{
  kt_test_tmpdir_free (g_steal_pointer (&files->dir));
  g_clear_pointer (&files->path, g_free);
}

/* A store with a tiny Argon2 cost and a short attempt delay. */
static KtStore *
store_new (const char *path)
{
  KtStore *store = kt_store_new (path);

  kt_store_set_pwhash_limits (store, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  kt_store_set_attempt_delay_unit (store, 100);
  return store;
}

static KtStore *
open_store (const char  *path,
            KtKeySource  source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtStore) store = store_new (path);

  kt_store_open_sync (store, source, PASSPHRASE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (kt_store_is_locked (store));
  return g_steal_pointer (&store);
}

static void
close_store (KtStore **store)
{
  g_autoptr(GError) error = NULL;

  kt_store_flush (*store, &error);
  g_assert_no_error (error);
  /* Let the worker's completion callbacks and finished GTasks (whose
   * threads let go a moment after the callback) drop their references. */
  for (int i = 0; i < 1000 && G_OBJECT (*store)->ref_count > 1; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  g_assert_finalize_object (g_steal_pointer (store));
}

static KtCase *
case_new (const char *household)
{
  KtCase *kase = kt_case_new ();

  kase->household = g_strdup (household);
  kase->request.date = g_strdup ("2026-11-20");
  kase->request.question = g_strdup ("Help with the letters");
  kt_case_compute_deadlines (kase, 42, 7);
  return kase;
}

static KtConversation *
conversation_new (const char *case_id,
                  const char *text)
{
  KtConversation *conversation = kt_conversation_new ();
  KtDomainEntry *entry = kt_domain_entry_new ("geldzaken");

  conversation->case_id = g_strdup (case_id);
  conversation->date = g_strdup ("2026-11-25");
  entry->state = KT_DOMAIN_DISCUSSED;
  entry->concern = g_strdup (text);
  g_ptr_array_add (conversation->entries, entry);
  conversation->own_words = g_strdup (text);
  return conversation;
}

static KtPlan *
plan_new (const char *case_id,
          const char *text)
{
  KtPlan *plan = kt_plan_new ();
  KtGoal *goal = kt_goal_new ();

  plan->case_id = g_strdup (case_id);
  plan->question = g_strdup (text);
  goal->title = g_strdup (text);
  g_ptr_array_add (plan->goals, goal);
  return plan;
}

static void
save_case (KtStore *store,
           KtCase  *kase)
{
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };

  kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error);
  g_assert_no_error (error);
}

static void
save_conversation (KtStore        *store,
                   KtConversation *conversation)
{
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_CONVERSATION, .conversation = conversation };

  kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error);
  g_assert_no_error (error);
}

/* Runs the default main context until *@flag or @seconds pass. */
static gboolean
spin_until (gboolean *flag,
            double    seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  return *flag;
}

static gboolean
pending_is_empty (KtStore *store)
{
  g_autoptr(GPtrArray) pending = kt_store_list_pending (store);

  return pending->len == 0;
}

static void
spin_until_saved (KtStore *store,
                  double   seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!pending_is_empty (store))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Direct access to the file, as an attacker or a broken disk would have */

static sqlite3 *
db_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  return db;
}

static GBytes *
db_get_blob (const char *path,
             const char *id,
             const char *column)
{
  sqlite3 *db = db_open (path);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM records WHERE id = ?", column);
  sqlite3_stmt *stmt = NULL;
  GBytes *bytes;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return bytes;
}

static void
db_set_blob (const char *path,
             const char *id,
             const char *column,
             GBytes     *bytes)
{
  sqlite3 *db = db_open (path);
  g_autofree char *sql = g_strdup_printf ("UPDATE records SET %s = ? WHERE id = ?", column);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static gint64
db_get_rev (const char *path,
            const char *id)
{
  sqlite3 *db = db_open (path);
  sqlite3_stmt *stmt = NULL;
  gint64 rev;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rev FROM records WHERE id = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  rev = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return rev;
}

static char *
db_get_store_id (const char *path)
{
  sqlite3 *db = db_open (path);
  sqlite3_stmt *stmt = NULL;
  char *id;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'store-id'", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  id = g_strndup (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return id;
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

/* Key modes */

static void
check_round_trip (KtKeySource source)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Jansen");
  g_autoptr(KtConversation) conversation = NULL;
  g_autoptr(KtPlan) plan = NULL;
  g_autoptr(KtCase) loaded_case = NULL;
  g_autoptr(KtConversation) loaded_conversation = NULL;
  g_autoptr(KtPlan) loaded_plan = NULL;
  g_autoptr(KtPlan) orphan = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_PLAN };

  files_init (&files);
  conversation = conversation_new (kase->header.id, "Er liggen brieven");
  plan = plan_new (kase->header.id, "Rust in de financien");
  doc.plan = plan;

  store = open_store (files.path, source);
  g_assert_true (kt_store_exists (store));
  g_assert_cmpint (kt_store_get_key_source (store), ==, source);
  save_case (store, kase);
  save_conversation (store, conversation);
  kt_store_save_document (store, &doc, KT_SYNC_PENDING, &error);
  g_assert_no_error (error);
  close_store (&store);

  store = open_store (files.path, source);
  g_assert_cmpint (kt_store_get_key_source (store), ==, source);
  loaded_case = kt_store_load_case (store, kase->header.id, &error);
  g_assert_no_error (error);
  g_assert_true (kt_case_equal (loaded_case, kase));
  loaded_conversation = kt_store_load_conversation (store, conversation->header.id, &error);
  g_assert_no_error (error);
  g_assert_true (kt_conversation_equal (loaded_conversation, conversation));
  loaded_plan = kt_store_load_plan (store, plan->header.id, &error);
  g_assert_no_error (error);
  g_assert_true (kt_plan_equal (loaded_plan, plan));

  /* A record of another kind under that id is not there. */
  g_assert_null (kt_store_load_plan (store, kase->header.id, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  ids = kt_store_list_ids_for_case (store, KT_KIND_CONVERSATION, kase->header.id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, conversation->header.id);
  g_clear_pointer (&ids, g_ptr_array_unref);

  /* Every plan, also one whose case is not in the store (a supervisor's
   * plan that came before its case). */
  orphan = plan_new ("no-such-case", "Weer overzicht");
  doc.plan = orphan;
  kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error);
  g_assert_no_error (error);
  ids = kt_store_list_ids (store, KT_KIND_PLAN, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (ids, plan->header.id, g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (ids, orphan->header.id, g_str_equal, NULL));

  close_store (&store);
  files_clear (&files);
}

static void
test_store_keyring_round_trip (void)
{
  check_round_trip (KT_KEY_SOURCE_KEYRING);
}

static void
test_store_passphrase_round_trip (void)
{
  check_round_trip (KT_KEY_SOURCE_PASSPHRASE);
}

static void
assert_open_fails (const char  *path,
                   KtStore     *store,
                   const char  *passphrase,
                   int          code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (kt_store_open_sync (store, KT_KEY_SOURCE_PASSPHRASE, passphrase, NULL, &error));
  g_assert_error (error, KT_STORE_ERROR, code);
  g_assert_true (kt_store_is_locked (store));
}

static void
test_store_wrong_passphrase_slows_down (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie de Vries");
  g_autoptr(KtCase) loaded = NULL;
  g_autoptr(GError) error = NULL;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_case (store, kase);
  close_store (&store);

  /* Delays after failures 1, 2, 3: 0, 1 and 2 units.  What must be refused
   * is tried with a unit of a minute, which no stall of a loaded machine
   * outlasts (with 100 ms a stall between two calls could let a refused try
   * through); what must be let through after its delay, with 100 ms, as
   * waiting longer only makes that surer. */
  store = store_new (files.path);
  kt_store_set_attempt_delay_unit (store, 60 * 1000);
  assert_open_fails (files.path, store, "wrong", KT_STORE_ERROR_WRONG_PASSPHRASE);
  assert_open_fails (files.path, store, "", KT_STORE_ERROR_WRONG_PASSPHRASE);
  g_assert_cmpuint (kt_store_get_unlock_wait (store), >, 0);
  g_assert_cmpuint (kt_store_get_unlock_wait (store), <=, 60);
  assert_open_fails (files.path, store, PASSPHRASE, KT_STORE_ERROR_TOO_MANY_ATTEMPTS);
  g_clear_object (&store);

  /* The third failure waits two units. */
  store = store_new (files.path);
  assert_open_fails (files.path, store, "wrong", KT_STORE_ERROR_WRONG_PASSPHRASE);
  assert_open_fails (files.path, store, "", KT_STORE_ERROR_WRONG_PASSPHRASE);
  g_usleep (120 * 1000);
  kt_store_set_attempt_delay_unit (store, 60 * 1000);
  assert_open_fails (files.path, store, "wrong again", KT_STORE_ERROR_WRONG_PASSPHRASE);
  g_assert_cmpuint (kt_store_get_unlock_wait (store), >, 60);
  g_assert_cmpuint (kt_store_get_unlock_wait (store), <=, 120);
  assert_open_fails (files.path, store, PASSPHRASE, KT_STORE_ERROR_TOO_MANY_ATTEMPTS);
  g_clear_object (&store);

  /* Each delay over, the next try is weighed. */
  store = store_new (files.path);
  assert_open_fails (files.path, store, "wrong", KT_STORE_ERROR_WRONG_PASSPHRASE);
  assert_open_fails (files.path, store, "", KT_STORE_ERROR_WRONG_PASSPHRASE);
  g_usleep (120 * 1000);
  assert_open_fails (files.path, store, "wrong again", KT_STORE_ERROR_WRONG_PASSPHRASE);
  g_usleep (220 * 1000);

  /* Failures never touch the data. */
  g_assert_true (kt_store_open_sync (store, KT_KEY_SOURCE_PASSPHRASE, PASSPHRASE, NULL, &error));
  g_assert_no_error (error);
  loaded = kt_store_load_case (store, kase->header.id, &error);
  g_assert_no_error (error);
  g_assert_true (kt_case_equal (loaded, kase));

  close_store (&store);
  files_clear (&files);
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError  *error;
} Wait;

static void
secret_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = kt_store_set_unlock_secret_finish (KT_STORE (source), result, &wait->error);
  wait->done = TRUE;
}

static void
unlock_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = kt_store_unlock_finish (KT_STORE (source), result, &wait->error);
  wait->done = TRUE;
}

static void
run_until_done (Wait *wait)
{
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
set_secret (KtStore        *store,
            KtUnlockSecret  kind,
            const char     *secret)
{
  Wait wait = { 0 };

  kt_store_set_unlock_secret_async (store, kind, secret, NULL, secret_done, &wait);
  run_until_done (&wait);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
}

/* The attempt delay's unit in the lock test: long enough that a wait is
 * still running after a slow Argon2id check (valgrind), short enough to
 * wait out (1 + 2 units). */
#define SLOW_UNIT_MS 1500

/* Sleeps until the store takes another try. */
static void
wait_out_the_delay (KtStore *store)
{
  while (kt_store_get_unlock_wait (store) > 0)
    g_usleep (50 * 1000);
}

/* Unlocks with @secret; the error code, or -1 when it unlocked. */
static int
try_unlock (KtStore        *store,
            KtUnlockSecret  kind,
            const char     *secret)
{
  Wait wait = { 0 };
  int code;

  kt_store_unlock_async (store, kind, secret, NULL, unlock_done, &wait);
  run_until_done (&wait);
  if (wait.ok)
    return -1;
  g_assert_error (wait.error, KT_STORE_ERROR, wait.error->code);
  code = wait.error->code;
  g_clear_error (&wait.error);
  return code;
}

/* With the keyring too, only the PIN or the account password ends a lock;
 * wrong tries wait longer, also after a restart, and a restart while
 * locked starts locked. */
static void
test_store_keyring_lock_needs_the_pin (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie de Vries");
  g_autoptr(KtCase) loaded = NULL;
  g_autoptr(GError) error = NULL;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_KEYRING);
  /* Waits long enough to outlast a slow Argon2id check (valgrind). */
  kt_store_set_attempt_delay_unit (store, SLOW_UNIT_MS);
  g_assert_true (kt_store_needs_unlock_secret (store));
  set_secret (store, KT_UNLOCK_PIN, "2468");
  set_secret (store, KT_UNLOCK_PASSWORD, "account password");
  g_assert_false (kt_store_needs_unlock_secret (store));
  g_assert_true (kt_store_has_unlock_secret (store, KT_UNLOCK_PIN));
  g_assert_true (kt_store_has_unlock_secret (store, KT_UNLOCK_PASSWORD));
  g_assert_false (kt_store_has_unlock_secret (store, KT_UNLOCK_PASSPHRASE));
  save_case (store, kase);

  kt_store_lock (store);
  g_assert_true (kt_store_is_locked (store));
  g_assert_cmpint (try_unlock (store, KT_UNLOCK_PIN, ""), ==, KT_STORE_ERROR_WRONG_PASSPHRASE);
  g_assert_cmpint (try_unlock (store, KT_UNLOCK_PIN, "1357"), ==, KT_STORE_ERROR_WRONG_PASSPHRASE);
  /* The second failure costs a wait: even the right PIN waits. */
  g_assert_cmpint (try_unlock (store, KT_UNLOCK_PIN, "2468"), ==, KT_STORE_ERROR_TOO_MANY_ATTEMPTS);
  g_assert_true (kt_store_is_locked (store));
  close_store (&store);

  /* A restart neither ends the lock nor forgets the failures. */
  store = store_new (files.path);
  kt_store_set_attempt_delay_unit (store, SLOW_UNIT_MS);
  g_assert_true (kt_store_open_sync (store, KT_KEY_SOURCE_KEYRING, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kt_store_was_left_locked (store));
  g_assert_cmpuint (kt_store_get_unlock_wait (store), >, 0);
  kt_store_lock (store);
  wait_out_the_delay (store);
  g_assert_cmpint (try_unlock (store, KT_UNLOCK_PASSWORD, "2468"), ==, KT_STORE_ERROR_WRONG_PASSPHRASE);
  wait_out_the_delay (store);
  g_assert_cmpint (try_unlock (store, KT_UNLOCK_PASSWORD, "account password"), ==, -1);
  g_assert_false (kt_store_is_locked (store));
  g_assert_false (kt_store_was_left_locked (store));
  g_assert_cmpuint (kt_store_get_unlock_wait (store), ==, 0);
  loaded = kt_store_load_case (store, kase->header.id, &error);
  g_assert_no_error (error);
  g_assert_true (kt_case_equal (loaded, kase));
  close_store (&store);

  store = store_new (files.path);
  g_assert_true (kt_store_open_sync (store, KT_KEY_SOURCE_KEYRING, NULL, NULL, &error));
  g_assert_false (kt_store_was_left_locked (store));
  kt_store_lock (store);
  g_assert_cmpint (try_unlock (store, KT_UNLOCK_PIN, "2468"), ==, -1);
  close_store (&store);
  files_clear (&files);
}

static void
test_store_change_passphrase_rewraps_key_only (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Bakker");
  g_autoptr(KtCase) loaded = NULL;
  g_autoptr(GBytes) body_before = NULL;
  g_autoptr(GBytes) body_after = NULL;
  g_autoptr(GError) error = NULL;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_case (store, kase);
  body_before = db_get_blob (files.path, kase->header.id, "body");

  g_assert_false (kt_store_change_passphrase (store, "not it", "nieuw wachtwoord", &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (kt_store_change_passphrase (store, PASSPHRASE, "nieuw wachtwoord", &error));
  g_assert_no_error (error);
  close_store (&store);

  body_after = db_get_blob (files.path, kase->header.id, "body");
  g_assert_true (g_bytes_equal (body_before, body_after));

  store = store_new (files.path);
  assert_open_fails (files.path, store, PASSPHRASE, KT_STORE_ERROR_WRONG_PASSPHRASE);
  g_assert_true (kt_store_open_sync (store, KT_KEY_SOURCE_PASSPHRASE, "nieuw wachtwoord", NULL, &error));
  g_assert_no_error (error);
  loaded = kt_store_load_case (store, kase->header.id, &error);
  g_assert_no_error (error);
  g_assert_true (kt_case_equal (loaded, kase));

  close_store (&store);
  files_clear (&files);
}

static void
test_store_key_missing_never_makes_a_new_key (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Smit");
  g_autoptr(GError) error = NULL;
  g_autofree char *store_id = NULL;
  g_autofree char *after_id = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(KtKey) key = NULL;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_KEYRING);
  save_case (store, kase);
  close_store (&store);

  store_id = db_get_store_id (files.path);
  key = kt_keyring_lookup (store_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_true (kt_keyring_clear (store_id, NULL, &error));
  before = file_bytes (files.path);

  for (KtKeySource source = KT_KEY_SOURCE_KEYRING; source <= KT_KEY_SOURCE_PASSPHRASE; source++)
    {
      store = store_new (files.path);
      g_assert_false (kt_store_open_sync (store, source, PASSPHRASE, NULL, &error));
      g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_KEY_MISSING);
      g_clear_error (&error);
      g_clear_object (&store);
    }

  /* Nothing was created: no new key, the file as it was. */
  g_clear_pointer (&key, kt_key_free);
  key = kt_keyring_lookup (store_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);
  after = file_bytes (files.path);
  g_assert_true (g_bytes_equal (before, after));
  after_id = db_get_store_id (files.path);
  g_assert_cmpstr (after_id, ==, store_id);

  files_clear (&files);
}

static void
test_store_lost_metadata_never_makes_a_new_key (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtConversation) conversation = conversation_new ("c", "Een gesprek");
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_conversation (store, conversation);
  close_store (&store);

  /* The records are there, the key's metadata is gone. */
  db = db_open (files.path);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM meta", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = store_new (files.path);
  g_assert_false (kt_store_open_sync (store, KT_KEY_SOURCE_PASSPHRASE, PASSPHRASE, NULL, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_KEY_MISSING);
  g_clear_object (&store);
  g_assert_cmpint (kt_test_sqlite_count (files.path, "SELECT count(*) FROM meta"), ==, 0);
  g_assert_cmpint (kt_test_sqlite_count (files.path, "SELECT count(*) FROM records"), ==, 1);

  files_clear (&files);
}

static void
test_store_locked_keyring (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Visser");
  g_autoptr(KtCase) loaded = NULL;
  g_autoptr(GError) error = NULL;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_KEYRING);
  save_case (store, kase);
  close_store (&store);

  kt_test_bus_lock_keyring (keyring_bus);
  store = store_new (files.path);
  g_assert_false (kt_store_open_sync (store, KT_KEY_SOURCE_KEYRING, NULL, NULL, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
  g_clear_error (&error);
  kt_test_bus_unlock_keyring (keyring_bus);

  g_assert_true (kt_store_open_sync (store, KT_KEY_SOURCE_KEYRING, NULL, NULL, &error));
  g_assert_no_error (error);
  loaded = kt_store_load_case (store, kase->header.id, &error);
  g_assert_no_error (error);
  g_assert_true (kt_case_equal (loaded, kase));

  close_store (&store);
  files_clear (&files);
}

static void
test_store_without_secret_service (void)
{
  g_autoptr(KtTestBus) bare = NULL;
  g_autofree char *saved = NULL;

  if (g_test_subprocess ())
    {
      Files files;
      g_autoptr(KtStore) store = NULL;
      g_autoptr(GError) error = NULL;

      files_init (&files);
      store = store_new (files.path);
      g_assert_false (kt_store_open_sync (store, KT_KEY_SOURCE_KEYRING, NULL, NULL, &error));
      g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_NO_SECRET_SERVICE);
      g_clear_object (&store);

      /* The way out the message offers: a passphrase. */
      store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
      g_assert_cmpint (kt_store_get_key_source (store), ==, KT_KEY_SOURCE_PASSPHRASE);
      close_store (&store);
      files_clear (&files);
      return;
    }

  bare = kt_test_bus_new (FALSE);
  saved = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", kt_test_bus_get_address (bare), TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", saved, TRUE);
  g_test_trap_assert_passed ();
}

/* Tampering */

typedef struct {
  Files    files;
  KtStore *store;
  KtCase  *a;
  KtCase  *b;
} Tamper;

static void
tamper_setup (Tamper        *t,
              gconstpointer  data)
{
  files_init (&t->files);
  t->store = open_store (t->files.path, KT_KEY_SOURCE_PASSPHRASE);
  t->a = case_new ("Familie Aydin");
  t->b = case_new ("Familie Bos");
  save_case (t->store, t->a);
  save_case (t->store, t->b);
  close_store (&t->store);
}

static void
tamper_teardown (Tamper        *t,
                 gconstpointer  data)
{
  if (t->store != NULL)
    close_store (&t->store);
  kt_case_unref (t->a);
  kt_case_unref (t->b);
  files_clear (&t->files);
}

/* @tampered fails with TAMPERED and is listed as quarantined, before and
 * after reopening; every other case still opens and lists. */
static void
assert_quarantined (Tamper      *t,
                    const char **tampered,
                    KtCase      *intact)
{
  for (int round = 0; round < 2; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) quarantined = NULL;
      g_autoptr(GPtrArray) listed = NULL;

      t->store = open_store (t->files.path, KT_KEY_SOURCE_PASSPHRASE);
      for (guint i = 0; tampered[i] != NULL; i++)
        {
          g_autoptr(KtCase) loaded = kt_store_load_case (t->store, tampered[i], &error);

          g_assert_null (loaded);
          g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_TAMPERED);
          g_clear_error (&error);
        }

      quarantined = kt_store_list_quarantined (t->store);
      g_assert_cmpuint (quarantined->len, ==, g_strv_length ((char **) tampered));
      for (guint i = 0; tampered[i] != NULL; i++)
        g_assert_true (g_ptr_array_find_with_equal_func (quarantined, tampered[i], g_str_equal, NULL));

      listed = kt_store_list_cases (t->store, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (listed->len, ==, intact != NULL ? 1 : 0);
      if (intact != NULL)
        {
          g_autoptr(KtCase) loaded = kt_store_load_case (t->store, intact->header.id, &error);

          g_assert_no_error (error);
          g_assert_true (kt_case_equal (loaded, intact));
          g_assert_cmpstr (((KtCaseSummary *) g_ptr_array_index (listed, 0))->id, ==, intact->header.id);
        }
      close_store (&t->store);
    }
}

static void
test_tamper_flipped_byte (Tamper        *t,
                          gconstpointer  data)
{
  g_autoptr(GBytes) body = db_get_blob (t->files.path, t->a->header.id, "body");
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autoptr(GBytes) bad = NULL;
  const char *tampered[] = { t->a->header.id, NULL };

  g_byte_array_append (edited, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  edited->data[edited->len / 2] ^= 0x20;
  bad = g_byte_array_free_to_bytes (g_steal_pointer (&edited));
  db_set_blob (t->files.path, t->a->header.id, "body", bad);

  assert_quarantined (t, tampered, t->b);
}

static void
test_tamper_truncated (Tamper        *t,
                       gconstpointer  data)
{
  g_autoptr(GBytes) body = db_get_blob (t->files.path, t->a->header.id, "body");
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (body, 0, 30);
  const char *tampered[] = { t->a->header.id, NULL };

  db_set_blob (t->files.path, t->a->header.id, "body", cut);
  assert_quarantined (t, tampered, t->b);
}

static void
test_tamper_swapped_rows (Tamper        *t,
                          gconstpointer  data)
{
  g_autoptr(GBytes) body_a = db_get_blob (t->files.path, t->a->header.id, "body");
  g_autoptr(GBytes) body_b = db_get_blob (t->files.path, t->b->header.id, "body");
  const char *tampered[] = { t->a->header.id, t->b->header.id, NULL };

  db_set_blob (t->files.path, t->a->header.id, "body", body_b);
  db_set_blob (t->files.path, t->b->header.id, "body", body_a);
  assert_quarantined (t, tampered, NULL);
}

static void
test_tamper_rolled_back (Tamper        *t,
                         gconstpointer  data)
{
  g_autoptr(GBytes) body_rev1 = db_get_blob (t->files.path, t->a->header.id, "body");
  g_autoptr(GBytes) summary_rev1 = db_get_blob (t->files.path, t->a->header.id, "summary");
  const char *tampered[] = { t->a->header.id, NULL };

  g_assert_cmpint (db_get_rev (t->files.path, t->a->header.id), ==, t->a->header.rev);

  t->store = open_store (t->files.path, KT_KEY_SOURCE_PASSPHRASE);
  g_free (t->a->household);
  t->a->household = g_strdup ("Familie Aydin-Bos");
  t->a->header.rev++;
  save_case (t->store, t->a);
  close_store (&t->store);
  g_assert_cmpint (db_get_rev (t->files.path, t->a->header.id), ==, t->a->header.rev);

  /* The old revision's ciphertext under the new revision number. */
  db_set_blob (t->files.path, t->a->header.id, "body", body_rev1);
  db_set_blob (t->files.path, t->a->header.id, "summary", summary_rev1);
  assert_quarantined (t, tampered, t->b);
}

static void
test_tamper_summary (Tamper        *t,
                     gconstpointer  data)
{
  g_autoptr(GBytes) summary_b = db_get_blob (t->files.path, t->b->header.id, "summary");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) quarantined = NULL;

  db_set_blob (t->files.path, t->a->header.id, "summary", summary_b);

  t->store = open_store (t->files.path, KT_KEY_SOURCE_PASSPHRASE);
  listed = kt_store_list_cases (t->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (((KtCaseSummary *) g_ptr_array_index (listed, 0))->id, ==, t->b->header.id);
  quarantined = kt_store_list_quarantined (t->store);
  g_assert_cmpuint (quarantined->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (quarantined, 0), ==, t->a->header.id);
}

static void
test_store_corrupt_file_is_left_untouched (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Mulder");
  g_autoptr(GBytes) damaged = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) contents = g_byte_array_new ();
  g_autoptr(GBytes) original = NULL;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_case (store, kase);
  close_store (&store);

  original = file_bytes (files.path);
  g_byte_array_append (contents, g_bytes_get_data (original, NULL), g_bytes_get_size (original));
  for (guint i = 0; i < 100; i++)
    contents->data[i] = (guint8) (i * 37 + 11);
  g_file_set_contents (files.path, (const char *) contents->data, contents->len, &error);
  g_assert_no_error (error);
  damaged = file_bytes (files.path);

  for (KtKeySource source = KT_KEY_SOURCE_KEYRING; source <= KT_KEY_SOURCE_PASSPHRASE; source++)
    {
      store = store_new (files.path);
      g_assert_true (kt_store_exists (store));
      g_assert_false (kt_store_open_sync (store, source, PASSPHRASE, NULL, &error));
      g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_CORRUPT);
      g_clear_error (&error);
      g_clear_object (&store);
    }

  after = file_bytes (files.path);
  g_assert_true (g_bytes_equal (damaged, after));
  files_clear (&files);
}

/* Autosave */

static void
test_autosave_coalesces_within_a_second (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Peters");
  g_autoptr(KtCase) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);

  start = g_get_monotonic_time ();
  for (int i = 0; i < 20; i++)
    {
      g_free (kase->household);
      kase->household = g_strdup_printf ("Familie Peters %d", i);
      kt_store_autosave_case (store, kase);
      g_main_context_iteration (NULL, FALSE);
    }
  spin_until_saved (store, 1.0);
  g_assert_cmpint (g_get_monotonic_time () - start, <=, G_USEC_PER_SEC);

  /* Twenty changes, one write. */
  g_assert_cmpint (kase->header.rev, ==, 1);
  g_assert_cmpint (db_get_rev (files.path, kase->header.id), ==, 1);

  close_store (&store);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  loaded = kt_store_load_case (store, kase->header.id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->household, ==, "Familie Peters 19");
  g_assert_true (kt_case_equal (loaded, kase));

  close_store (&store);
  files_clear (&files);
}

static void
test_autosave_flush_and_dispose_write_now (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Dekker");
  g_autoptr(KtPlan) plan = NULL;
  g_autoptr(KtPlan) loaded = NULL;
  g_autoptr(GError) error = NULL;

  files_init (&files);
  plan = plan_new (kase->header.id, "Weer naar de club");
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);

  kt_store_autosave_case (store, kase);
  g_assert_true (kt_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_true (pending_is_empty (store));
  g_assert_cmpint (db_get_rev (files.path, kase->header.id), ==, 1);

  /* Dropping the store writes what is pending. */
  kt_store_autosave_plan (store, plan);
  g_assert_finalize_object (g_steal_pointer (&store));

  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  loaded = kt_store_load_plan (store, plan->header.id, &error);
  g_assert_no_error (error);
  g_assert_true (kt_plan_equal (loaded, plan));

  close_store (&store);
  files_clear (&files);
}

static void
on_flushed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_store_flush_finish (KT_STORE (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_autosave_flush_async (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Jacobs");
  gboolean done = FALSE;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  kt_store_autosave_case (store, kase);
  kt_store_flush_async (store, NULL, on_flushed, &done);
  g_assert_true (spin_until (&done, 5));
  g_assert_true (pending_is_empty (store));
  g_assert_cmpint (db_get_rev (files.path, kase->header.id), ==, 1);

  close_store (&store);
  files_clear (&files);
}

typedef struct {
  gboolean  done;
  GError   *error;
} Saved;

static void
on_documents_saved (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Saved *saved = user_data;

  kt_store_save_documents_finish (KT_STORE (source), result, &saved->error);
  saved->done = TRUE;
}

/* A batch of pulled records is saved on the store's worker: what was
 * handed over is what is written, even when the documents change before
 * the worker gets to them, each with the sync state given; a locked
 * store refuses the batch. */
static void
test_save_documents_async (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func (g_free);
  Saved saved = { 0 };

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("Familie Pull %u", i);
      KtDocument *doc = g_new0 (KtDocument, 1);

      g_ptr_array_add (cases, case_new (name));
      doc->kind = KT_KIND_CASE;
      doc->kase = g_ptr_array_index (cases, i);
      g_ptr_array_add (docs, doc);
    }
  kt_store_save_documents_async (store, docs, KT_SYNC_SYNCED, NULL, on_documents_saved, &saved);
  /* Changed at once on the main thread: the batch holds its own bytes. */
  for (guint i = 0; i < cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (cases, i);

      g_free (kase->household);
      kase->household = g_strdup ("veranderd");
    }
  g_assert_true (spin_until (&saved.done, 10));
  g_assert_no_error (saved.error);
  for (guint i = 0; i < cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (cases, i);
      g_autofree char *name = g_strdup_printf ("Familie Pull %u", i);
      g_autoptr(GError) error = NULL;
      g_autoptr(KtCase) loaded = kt_store_load_case (store, kase->header.id, &error);
      g_autoptr(KtRecord) record = kt_record_store_get (kt_store_get_record_store (store), kase->header.id, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (loaded->household, ==, name);
      g_assert_cmpint (record->sync_state, ==, KT_SYNC_SYNCED);
    }

  kt_store_lock (store);
  saved.done = FALSE;
  kt_store_save_documents_async (store, docs, KT_SYNC_SYNCED, NULL, on_documents_saved, &saved);
  g_assert_true (spin_until (&saved.done, 10));
  g_assert_error (saved.error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
  g_clear_error (&saved.error);

  close_store (&store);
  files_clear (&files);
}

typedef struct {
  gboolean   done;
  GPtrArray *cases;
  GPtrArray *conversations;
  GPtrArray *plans;
  GError    *error;
} AllLoaded;

static void
on_all_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AllLoaded *all = user_data;

  kt_store_load_all_finish (KT_STORE (source), result, &all->cases, &all->conversations, &all->plans,
                            &all->error);
  all->done = TRUE;
}

/* The views of the whole team read the store on its worker: every case
 * with its conversations, every plan (also one whose case is not on the
 * device), and a draft not yet written in place of its record; a locked
 * store refuses. */
static void
test_load_all_async (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Jansen");
  g_autoptr(KtCase) other = case_new ("Familie Smit");
  g_autoptr(KtConversation) conversation = conversation_new (kase->header.id, "Er liggen brieven");
  g_autoptr(KtPlan) plan = plan_new (kase->header.id, "Rust in de financien");
  g_autofree char *elsewhere = g_uuid_string_random ();   /* a case not on this device */
  g_autoptr(KtPlan) orphan = plan_new (elsewhere, "Een plan zonder huishouden");
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_PLAN };
  AllLoaded all = { 0 };

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_case (store, kase);
  save_case (store, other);
  save_conversation (store, conversation);
  doc.plan = plan;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error));
  doc.plan = orphan;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error));
  g_assert_no_error (error);
  /* A draft: changed after the save and not written yet. */
  g_free (other->household);
  other->household = g_strdup ("Familie Smit-de Vries");
  kt_store_autosave_case (store, other);

  kt_store_load_all_async (store, NULL, on_all_loaded, &all);
  g_assert_true (spin_until (&all.done, 10));
  g_assert_no_error (all.error);
  g_assert_cmpuint (all.cases->len, ==, 2);
  for (guint i = 0; i < all.cases->len; i++)
    {
      KtCase *loaded = g_ptr_array_index (all.cases, i);

      if (g_strcmp0 (loaded->header.id, other->header.id) == 0)
        g_assert_true (loaded == other);
      else
        g_assert_true (kt_case_equal (loaded, kase));
    }
  g_assert_cmpuint (all.conversations->len, ==, 1);
  g_assert_true (kt_conversation_equal (g_ptr_array_index (all.conversations, 0), conversation));
  g_assert_cmpuint (all.plans->len, ==, 2);
  g_clear_pointer (&all.cases, g_ptr_array_unref);
  g_clear_pointer (&all.conversations, g_ptr_array_unref);
  g_clear_pointer (&all.plans, g_ptr_array_unref);

  kt_store_lock (store);
  all.done = FALSE;
  kt_store_load_all_async (store, NULL, on_all_loaded, &all);
  g_assert_true (spin_until (&all.done, 10));
  g_assert_error (all.error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
  g_clear_error (&all.error);

  close_store (&store);
  files_clear (&files);
}

typedef struct {
  gboolean        done;
  KtCase         *kase;
  KtConversation *conversation;
  KtPlan         *plan;
  GError         *problem;
  GError         *error;
} CaseLoaded;

static void
case_loaded_clear (CaseLoaded *loaded)
{
  g_clear_pointer (&loaded->kase, kt_case_unref);
  g_clear_pointer (&loaded->conversation, kt_conversation_unref);
  g_clear_pointer (&loaded->plan, kt_plan_unref);
  g_clear_error (&loaded->problem);
  g_clear_error (&loaded->error);
  loaded->done = FALSE;
}

static void
on_case_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  CaseLoaded *loaded = user_data;

  loaded->kase = kt_store_load_case_finish (KT_STORE (source), result, &loaded->conversation, &loaded->plan,
                                            &loaded->problem, &loaded->error);
  loaded->done = TRUE;
}

static void
on_newest_plan_loaded (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  CaseLoaded *loaded = user_data;

  loaded->plan = kt_store_load_newest_plan_finish (KT_STORE (source), result, &loaded->error);
  loaded->done = TRUE;
}

/* Opening a household reads its case, its newest conversation and newest
 * plan on the store's worker; drafts not yet written (a new household
 * among them) take the place of their records, a household that is not
 * there fails, and so does a locked store.  A draft written while it is
 * read is what the read gives. */
static void
test_load_case_async (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Jansen");
  g_autoptr(KtCase) fresh = case_new ("Familie Nieuw");
  g_autoptr(KtConversation) conversation = conversation_new (kase->header.id, "Er liggen brieven");
  g_autoptr(KtPlan) older = plan_new (kase->header.id, "Eerst de brieven");
  g_autoptr(KtPlan) newer = plan_new (kase->header.id, "Rust in de financien");
  g_autofree char *elsewhere = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_PLAN };
  KtRecordStore *records;
  CaseLoaded loaded = { 0 };

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  records = kt_store_get_record_store (store);
  save_case (store, kase);
  save_conversation (store, conversation);
  older->header.created = 1000;
  newer->header.created = 2000;
  doc.plan = older;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error));
  doc.plan = newer;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error));
  g_assert_no_error (error);

  kt_store_load_case_async (store, kase->header.id, NULL, on_case_loaded, &loaded);
  g_assert_true (spin_until (&loaded.done, 10));
  g_assert_no_error (loaded.error);
  g_assert_no_error (loaded.problem);
  g_assert_true (kt_case_equal (loaded.kase, kase));
  g_assert_true (kt_conversation_equal (loaded.conversation, conversation));
  g_assert_cmpstr (loaded.plan->header.id, ==, newer->header.id);
  case_loaded_clear (&loaded);

  /* Drafts: the newest plan changed, and a household not written yet. */
  newer->header.rev++;
  kt_store_autosave_plan (store, newer);
  kt_store_autosave_case (store, fresh);
  kt_store_load_case_async (store, kase->header.id, NULL, on_case_loaded, &loaded);
  g_assert_true (spin_until (&loaded.done, 10));
  g_assert_true (loaded.plan == newer);
  case_loaded_clear (&loaded);
  kt_store_load_newest_plan_async (store, kase->header.id, NULL, on_newest_plan_loaded, &loaded);
  g_assert_true (spin_until (&loaded.done, 10));
  g_assert_no_error (loaded.error);
  g_assert_true (loaded.plan == newer);
  case_loaded_clear (&loaded);
  kt_store_load_case_async (store, fresh->header.id, NULL, on_case_loaded, &loaded);
  g_assert_true (spin_until (&loaded.done, 10));
  g_assert_no_error (loaded.error);
  g_assert_true (loaded.kase == fresh);
  g_assert_null (loaded.conversation);
  g_assert_null (loaded.plan);
  case_loaded_clear (&loaded);
  kt_store_load_case_async (store, elsewhere, NULL, on_case_loaded, &loaded);
  g_assert_true (spin_until (&loaded.done, 10));
  g_assert_error (loaded.error, KT_STORE_ERROR, KT_STORE_ERROR_NOT_FOUND);
  g_assert_null (loaded.kase);
  case_loaded_clear (&loaded);

  /* Read while its draft is written (the store held, both waiting for
   * it): the read gives the draft, whichever of them goes first. */
  spin_until_saved (store, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("Familie Jansen %u", i);

      kt_record_store_hold_for_test (records, 10000);
      g_free (kase->household);
      kase->household = g_strdup (name);
      kt_store_autosave_case (store, kase);
      if (i % 2 == 0)
        kt_store_flush_async (store, NULL, NULL, NULL);
      kt_store_load_case_async (store, kase->header.id, NULL, on_case_loaded, &loaded);
      if (i % 2 == 1)
        kt_store_flush_async (store, NULL, NULL, NULL);
      kt_record_store_release_for_test (records);
      g_assert_true (spin_until (&loaded.done, 10));
      g_assert_no_error (loaded.error);
      g_assert_cmpstr (loaded.kase->household, ==, name);
      case_loaded_clear (&loaded);
      spin_until_saved (store, 10);
    }

  kt_store_lock (store);
  kt_store_load_case_async (store, kase->header.id, NULL, on_case_loaded, &loaded);
  g_assert_true (spin_until (&loaded.done, 10));
  g_assert_error (loaded.error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
  case_loaded_clear (&loaded);

  close_store (&store);
  files_clear (&files);
}

typedef struct {
  gboolean   done;
  GPtrArray *docs;
  GError    *error;
} DocsLoaded;

static void
on_plans_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DocsLoaded *loaded = user_data;

  loaded->docs = kt_store_load_plans_for_case_finish (KT_STORE (source), result, &loaded->error);
  loaded->done = TRUE;
}

/* Every read on the worker, not only opening a household, gives a draft
 * written while it reads: the plan versions of a household and the views
 * of the whole team. */
static void
test_load_while_saved_async (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Jansen");
  g_autoptr(KtPlan) plan = plan_new (kase->header.id, "Rust in de financien");

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_case (store, kase);
  kt_store_autosave_plan (store, plan);
  spin_until_saved (store, 10);

  /* The read on its thread finds the copy in the file; the draft commits
   * (kt_store_flush () handles it here, so it leaves the pending set)
   * before the read's callback runs on this thread. */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *question = g_strdup_printf ("Rust in de financien %u", i);
      g_autoptr(GError) error = NULL;
      DocsLoaded loaded = { 0 };
      AllLoaded all = { 0 };
      GPtrArray *plans;
      KtPlan *read;

      g_free (plan->question);
      plan->question = g_strdup (question);
      kt_store_autosave_plan (store, plan);
      if (i % 2 == 0)
        kt_store_load_plans_for_case_async (store, kase->header.id, NULL, on_plans_loaded, &loaded);
      else
        kt_store_load_all_async (store, NULL, on_all_loaded, &all);
      /* Not a timing the test asserts: a read slower than this finds the
       * new copy and the test holds without saying much. */
      g_usleep (200 * G_TIME_SPAN_MILLISECOND);
      g_assert_true (kt_store_flush (store, &error));
      g_assert_no_error (error);
      g_assert_true (spin_until (i % 2 == 0 ? &loaded.done : &all.done, 10));
      g_assert_no_error (loaded.error);
      g_assert_no_error (all.error);
      plans = i % 2 == 0 ? loaded.docs : all.plans;
      g_assert_cmpuint (plans->len, ==, 1);
      read = g_ptr_array_index (plans, 0);
      g_assert_cmpstr (read->question, ==, question);
      g_clear_pointer (&loaded.docs, g_ptr_array_unref);
      g_clear_pointer (&all.cases, g_ptr_array_unref);
      g_clear_pointer (&all.conversations, g_ptr_array_unref);
      g_clear_pointer (&all.plans, g_ptr_array_unref);
    }

  close_store (&store);
  files_clear (&files);
}

typedef struct {
  gboolean    done;
  GHashTable *stages;
} StagesLoaded;

static void
on_plan_stages (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  StagesLoaded *loaded = user_data;

  loaded->stages = kt_store_list_plan_stages_finish (KT_STORE (source), result, NULL);
  loaded->done = TRUE;
}

/* The case list knows at start where each household's plan stands, without
 * opening the households: the newest version's review and record id, from
 * the plans' summaries, from a plan written before plans had one, and from
 * a draft not yet written. */
static void
test_list_plan_stages (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Jansen");
  g_autoptr(KtCase) older = case_new ("Familie Smit");
  g_autoptr(KtCase) plain = case_new ("Familie de Vries");
  g_autoptr(KtPlan) v1 = plan_new (kase->header.id, "Eerst de brieven");
  g_autoptr(KtPlan) v2 = plan_new (kase->header.id, "Rust in de financien");
  g_autoptr(KtPlan) unsummed = plan_new (older->header.id, "Een plan van voor de samenvatting");
  g_autoptr(KtRecord) record = kt_record_new ();
  StagesLoaded loaded = { 0 };
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_PLAN };
  KtPlanStage *stage;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_case (store, kase);
  save_case (store, older);
  save_case (store, plain);
  v1->version = 1;
  v1->review = KT_REVIEW_RETURNED;
  v1->header.created = 1000;
  doc.plan = v1;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error));
  v2->version = 2;
  v2->review = KT_REVIEW_APPROVED;
  v2->header.created = 2000;
  doc.plan = v2;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error));
  g_assert_no_error (error);
  /* Written as plans were before they had a summary. */
  unsummed->version = 1;
  unsummed->review = KT_REVIEW_SUBMITTED;
  record->id = g_strdup (unsummed->header.id);
  record->kind = KT_KIND_PLAN;
  record->rev = 1;
  record->case_id = g_strdup (older->header.id);
  record->body = kt_plan_encode (unsummed);
  g_assert_true (kt_record_store_put (kt_store_get_record_store (store), record, FALSE, &error));
  g_assert_no_error (error);

  kt_store_list_plan_stages_async (store, NULL, on_plan_stages, &loaded);
  g_assert_true (spin_until (&loaded.done, 10));
  g_assert_nonnull (loaded.stages);
  g_assert_cmpuint (g_hash_table_size (loaded.stages), ==, 2);
  stage = g_hash_table_lookup (loaded.stages, kase->header.id);
  g_assert_cmpint (stage->version, ==, 2);
  g_assert_cmpint (stage->review, ==, KT_REVIEW_APPROVED);
  /* The newest version's own record, whose share state the row shows. */
  g_assert_cmpstr (stage->id, ==, v2->header.id);
  stage = g_hash_table_lookup (loaded.stages, older->header.id);
  g_assert_cmpint (stage->version, ==, 1);
  g_assert_cmpint (stage->review, ==, KT_REVIEW_SUBMITTED);
  g_assert_cmpstr (stage->id, ==, unsummed->header.id);
  g_assert_null (g_hash_table_lookup (loaded.stages, plain->header.id));
  g_clear_pointer (&loaded.stages, g_hash_table_unref);
  loaded.done = FALSE;

  /* A draft: a new version, submitted, not written yet. */
  g_clear_pointer (&v2, kt_plan_unref);
  v2 = plan_new (plain->header.id, "Hulp bij de post");
  v2->version = 1;
  v2->review = KT_REVIEW_SUBMITTED;
  kt_store_autosave_plan (store, v2);
  kt_store_list_plan_stages_async (store, NULL, on_plan_stages, &loaded);
  g_assert_true (spin_until (&loaded.done, 10));
  g_assert_nonnull (loaded.stages);
  stage = g_hash_table_lookup (loaded.stages, plain->header.id);
  g_assert_nonnull (stage);
  g_assert_cmpint (stage->review, ==, KT_REVIEW_SUBMITTED);
  g_assert_cmpstr (stage->id, ==, v2->header.id);
  g_clear_pointer (&loaded.stages, g_hash_table_unref);
  loaded.done = FALSE;

  close_store (&store);
  files_clear (&files);
}

static void
on_flag (KtStore  *store,
         gboolean *flag)
{
  *flag = TRUE;
}

static void
test_idle_lock_flushes_then_wipes_key (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Hendriks");
  g_autoptr(KtCase) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gboolean locked = FALSE, unlocked = FALSE;
  gint64 start;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  g_signal_connect (store, "locked", G_CALLBACK (on_flag), &locked);
  g_signal_connect (store, "unlocked", G_CALLBACK (on_flag), &unlocked);
  kt_store_set_autosave_delay (store, 60 * 1000);  /* only the lock writes it */

  start = g_get_monotonic_time ();
  kt_store_set_idle_timeout (store, 1);
  kt_store_autosave_case (store, kase);

  /* Activity holds the lock off. */
  g_assert_false (spin_until (&locked, 0.6));
  kt_store_touch (store);
  g_assert_false (spin_until (&locked, 0.6));
  g_assert_true (spin_until (&locked, 2));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1.6 * G_USEC_PER_SEC);

  g_assert_true (kt_store_is_locked (store));
  g_assert_true (pending_is_empty (store));
  g_assert_cmpint (db_get_rev (files.path, kase->header.id), ==, 1);
  g_assert_null (kt_store_load_case (store, kase->header.id, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
  g_clear_error (&error);

  /* Edits while locked wait in memory. */
  g_free (kase->household);
  kase->household = g_strdup ("Familie Hendriks-Jansen");
  kt_store_autosave_case (store, kase);
  g_assert_false (kt_store_unlock_sync (store, "wrong", NULL, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (unlocked);

  g_assert_true (kt_store_unlock_sync (store, PASSPHRASE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (unlocked);
  g_assert_true (kt_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (db_get_rev (files.path, kase->header.id), ==, 2);
  loaded = kt_store_load_case (store, kase->header.id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->household, ==, "Familie Hendriks-Jansen");

  close_store (&store);
  files_clear (&files);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;

  if (!kt_store_open_finish (KT_STORE (source), result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NONE, "done");
}

/* Runs kt_store_open_async to its end; NULL when it succeeded. */
static GError *
open_async_and_wait (KtStore    *store,
                     const char *passphrase)
{
  GError *error = NULL;

  kt_store_open_async (store, KT_KEY_SOURCE_PASSPHRASE, passphrase, NULL, on_opened, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NONE))
    g_clear_error (&error);
  return error;
}

static void
test_store_open_async_opens_and_unlocks (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Willems");
  g_autoptr(GError) error = NULL;
  gboolean unlocked = FALSE;

  files_init (&files);
  store = store_new (files.path);
  g_signal_connect (store, "unlocked", G_CALLBACK (on_flag), &unlocked);

  /* A change made before the store is open is written once it is. */
  kt_store_autosave_case (store, kase);
  g_assert_null (open_async_and_wait (store, PASSPHRASE));
  g_assert_false (kt_store_is_locked (store));
  spin_until_saved (store, 2);
  g_assert_cmpint (db_get_rev (files.path, kase->header.id), ==, 1);
  g_assert_false (unlocked);

  kt_store_lock (store);
  g_assert_true (kt_store_is_locked (store));
  error = open_async_and_wait (store, "wrong");
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_WRONG_PASSPHRASE);
  g_assert_true (kt_store_is_locked (store));
  g_assert_null (open_async_and_wait (store, PASSPHRASE));
  g_assert_false (kt_store_is_locked (store));
  g_assert_true (unlocked);

  close_store (&store);
  files_clear (&files);
}

/* Disk full */

typedef struct {
  guint   count;
  GError *error;
} Failures;

static void
on_save_failed (KtStore    *store,
                const char *id,
                GError     *error,
                Failures   *failures)
{
  failures->count++;
  g_clear_error (&failures->error);
  failures->error = g_error_copy (error);
}

/* Fills the file system under @dir until a write fails (transfer full). */
static char *
fill_disk (const char *dir)
{
  char *filler = g_build_filename (dir, "filler", NULL);
  char block[16384];
  int fd = g_open (filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  memset (block, 'x', sizeof block);
  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, sizeof block) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  close (fd);
  return filler;
}

/* A small real file system (tmpfs) in a mount namespace of our own, when
 * this process may make one; otherwise FALSE. */
static gboolean
mount_small_fs (const char *dir)
{
  if (unshare (CLONE_NEWNS) != 0)
    return FALSE;
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    return FALSE;
  return mount ("kt-test", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0700") == 0;
}

static void
check_disk_full (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = case_new ("Familie Vos");
  g_autoptr(KtConversation) conversation = NULL;
  g_autoptr(KtConversation) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *filler = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  Failures failures = { 0, NULL };
  gboolean real_fs;

  files_init (&files);
  real_fs = mount_small_fs (files.dir);
  /* The child's messages are not shown; stderr is. */
  g_printerr ("# disk full from %s\n", real_fs ? "a 4 MiB tmpfs" : "SQLite's max_page_count");

  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  g_signal_connect (store, "save-failed", G_CALLBACK (on_save_failed), &failures);
  save_case (store, kase);

  while (text->len < 30000)
    g_string_append (text, "Een gesprek over geld, wonen en de kinderen. ");
  conversation = conversation_new (kase->header.id, text->str);

  if (real_fs)
    filler = fill_disk (files.dir);
  else
    g_assert_true (kt_record_store_limit_pages_for_test (kt_store_get_record_store (store), 2));

  kt_store_set_autosave_delay (store, 50);
  kt_store_autosave_conversation (store, conversation);
  while (failures.count == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (failures.error, KT_STORE_ERROR, KT_STORE_ERROR_DISK_FULL);

  /* The draft is still in memory, and flushing says why it cannot go. */
  pending = kt_store_list_pending (store);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_false (kt_store_flush (store, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_DISK_FULL);
  g_clear_error (&error);

  /* Room again: the retry writes it without anyone asking. */
  if (real_fs)
    g_assert_cmpint (g_unlink (filler), ==, 0);
  else
    g_assert_true (kt_record_store_limit_pages_for_test (kt_store_get_record_store (store), 1000));
  spin_until_saved (store, 10);

  close_store (&store);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  loaded = kt_store_load_conversation (store, conversation->header.id, &error);
  g_assert_no_error (error);
  g_assert_true (kt_conversation_equal (loaded, conversation));
  close_store (&store);

  g_clear_error (&failures.error);
  if (real_fs)
    umount (files.dir);
  files_clear (&files);
}

static void
test_store_disk_full_keeps_draft_and_retries (void)
{
  /* In a child, so that the mount namespace ends with it. */
  if (g_test_subprocess ())
    {
      check_disk_full ();
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* No plaintext */

static GString *captured_log;
/* GLib calls a log writer from whichever thread logs, unserialized: the
 * store's keyring worker (GDBus's own debug lines) writes beside the main
 * thread, and valgrind caught two appends meeting in the GString. */
static GMutex captured_lock;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&captured_lock);

  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      g_string_append_printf (captured_log, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
    else
      {
        g_string_append_printf (captured_log, "%s=", fields[i].key);
        g_string_append_len (captured_log, fields[i].value, fields[i].length);
        g_string_append_c (captured_log, '\n');
      }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static guint
count_in (const char *haystack,
          gsize       size,
          const char *marker)
{
  gsize marker_len = strlen (marker);
  guint count = 0;

  for (gsize i = 0; i + marker_len <= size; i++)
    if (memcmp (haystack + i, marker, marker_len) == 0)
      count++;
  return count;
}

/* Occurrences of @marker in every file of @dir. */
static guint
count_in_files (const char *dir,
                const char *marker,
                guint      *n_files)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GBytes) contents = file_bytes (path);

      (*n_files)++;
      count += count_in (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents), marker);
    }
  return count;
}

static void
test_store_no_plaintext_on_disk_or_in_logs (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *text = NULL;
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(KtMember) member = kt_member_new ();
  g_autoptr(KtConversation) conversation = NULL;
  g_autoptr(KtPlan) plan = NULL;
  g_autoptr(KtCase) loaded = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autoptr(GBytes) bad = NULL;
  guint n_files = 0;
  char random[9];

  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  randombytes_buf (random, sizeof random - 1);
  marker = g_strdup_printf ("KTMARK%08x%08x", ((guint32 *) random)[0], ((guint32 *) random)[1]);
  text = g_strdup_printf ("Mevrouw %s heeft schulden bij %s", marker, marker);

  files_init (&files);
  kase = case_new (marker);
  member->name = g_strdup (marker);
  g_ptr_array_add (kase->members, g_steal_pointer (&member));
  kase->address = g_strdup (text);
  kase->phone = g_strdup (marker);
  g_free (kase->request.question);
  kase->request.question = g_strdup (text);
  conversation = conversation_new (kase->header.id, text);
  conversation->notes = g_strdup (text);
  plan = plan_new (kase->header.id, text);

  /* Everything a working day does: autosave, flush, list, load, lock,
   * unlock, a tampered record and its quarantine. */
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  kt_store_autosave_case (store, kase);
  kt_store_autosave_conversation (store, conversation);
  kt_store_autosave_plan (store, plan);
  spin_until_saved (store, 2);
  listed = kt_store_list_cases (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (((KtCaseSummary *) g_ptr_array_index (listed, 0))->household, ==, marker);
  loaded = kt_store_load_case (store, kase->header.id, &error);
  g_assert_no_error (error);
  kt_store_lock (store);
  g_assert_true (kt_store_unlock_sync (store, PASSPHRASE, NULL, &error));
  g_assert_no_error (error);

  body = db_get_blob (files.path, plan->header.id, "body");
  g_byte_array_append (edited, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  edited->data[40] ^= 1;
  bad = g_bytes_new (edited->data, edited->len);
  db_set_blob (files.path, plan->header.id, "body", bad);
  g_assert_null (kt_store_load_plan (store, plan->header.id, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_TAMPERED);
  g_clear_error (&error);

  /* While open: the database, its WAL and shared memory file. */
  g_assert_cmpuint (count_in_files (files.dir, marker, &n_files), ==, 0);
  g_assert_cmpuint (n_files, >=, 3);

  kt_store_autosave_case (store, kase);
  close_store (&store);
  g_assert_cmpuint (count_in_files (files.dir, marker, &n_files), ==, 0);

  g_mutex_lock (&captured_lock);
  g_assert_cmpuint (captured_log->len, >, 0);
  g_assert_cmpuint (count_in (captured_log->str, captured_log->len, marker), ==, 0);
  g_mutex_unlock (&captured_lock);
  g_unsetenv ("G_MESSAGES_DEBUG");
  files_clear (&files);
}

/* Listing */

static void
test_store_lists_case_summaries (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) a = case_new ("Familie Aksoy");
  g_autoptr(KtCase) b = case_new ("Familie Bruin");
  g_autoptr(KtConversation) conversation = conversation_new (a->header.id, "niet in de lijst");
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  gboolean seen_a = FALSE, seen_b = FALSE;

  files_init (&files);
  b->phase = KT_PHASE_PLAN;
  b->request.safety_concern = TRUE;
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_case (store, a);
  save_case (store, b);
  save_conversation (store, conversation);

  listed = kt_store_list_cases (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);
  for (guint i = 0; i < listed->len; i++)
    {
      KtCaseSummary *summary = g_ptr_array_index (listed, i);
      KtCase *kase = g_str_equal (summary->id, a->header.id) ? a : b;

      seen_a |= kase == a;
      seen_b |= kase == b;
      g_assert_cmpstr (summary->household, ==, kase->household);
      g_assert_cmpint (summary->phase, ==, kase->phase);
      g_assert_cmpstr (summary->next_deadline, ==, kt_case_next_deadline (kase));
      g_assert_cmpint (summary->safety_concern, ==, kase->request.safety_concern);
      g_assert_cmpint (summary->updated, ==, kase->header.updated);
    }
  g_assert_true (seen_a && seen_b);

  close_store (&store);
  files_clear (&files);
}

/* The list reads a summary straight from its bytes: names as long as make
 * its framing offset 1, 2 and 4 bytes wide, and longer than the list's own
 * buffer, each come back as saved. */
static void
test_store_lists_summaries_of_every_size (void)
{
  static const gsize lengths[] = { 0, 1, 3, 4, 5, 200, 251, 300, 1000, 2000, 70000 };
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autoptr(GString) name = g_string_new (NULL);
      KtCase *kase;

      while (name->len < lengths[i])
        g_string_append (name, i % 2 == 0 ? "Çelik-Ødegård " : "x");
      while (name->len > lengths[i])
        g_string_truncate (name, g_utf8_find_prev_char (name->str, name->str + name->len) - name->str);
      kase = case_new (name->str);
      kase->phase = i % KT_N_PHASES;
      kase->request.safety_concern = i % 3 == 0;
      save_case (store, kase);
      g_ptr_array_add (cases, kase);
    }

  listed = kt_store_list_cases (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, cases->len);
  for (guint i = 0; i < listed->len; i++)
    {
      KtCaseSummary *summary = g_ptr_array_index (listed, i);
      guint j = 0;
      KtCase *kase;

      while (j < cases->len - 1 &&
             !g_str_equal (((KtCase *) g_ptr_array_index (cases, j))->header.id, summary->id))
        j++;
      kase = g_ptr_array_index (cases, j);
      g_assert_cmpstr (kase->header.id, ==, summary->id);
      g_assert_cmpstr (summary->household, ==, kase->household);
      g_assert_cmpint (summary->phase, ==, kase->phase);
      g_assert_cmpstr (summary->next_deadline, ==, kt_case_next_deadline (kase));
      g_assert_cmpint (summary->next_due, ==, kt_case_next_due (kase, NULL).kind);
      g_assert_cmpint (summary->safety_concern, ==, kase->request.safety_concern);
    }
  g_assert_cmpuint (kt_record_store_count (kt_store_get_record_store (store)), ==, cases->len);

  close_store (&store);
  files_clear (&files);
}

/* The sealed summary cache (kt-summary-cache-private.h): written after a
 * listing, used by the next, and never the reason a list shows a changed,
 * removed or tampered case as it was. */

static GBytes *
db_get_meta (const char *path,
             const char *key)
{
  sqlite3 *db = db_open (path);
  sqlite3_stmt *stmt = NULL;
  GBytes *bytes = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return bytes;
}

static void
db_exec (const char *path,
         const char *sql,
         GBytes     *blob)
{
  sqlite3 *db = db_open (path);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (blob != NULL)
    sqlite3_bind_blob (stmt, 1, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Lists @store's cases into "id=household" lines, sorted, and says how
 * many came from the cache. */
static char *
listed_households (KtStore *store,
                   guint   *hits)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = kt_store_list_cases (store, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < listed->len; i++)
    {
      KtCaseSummary *summary = g_ptr_array_index (listed, i);
      g_ptr_array_add (lines, g_strdup_printf ("%s=%s", summary->id, summary->household));
    }
  g_ptr_array_sort (lines, compare_lines);
  g_ptr_array_add (lines, NULL);
  *hits = kt_record_store_get_summary_cache_hits (kt_store_get_record_store (store));
  return g_strjoinv (",", (char **) lines->pdata);
}

static char *
expected_households (KtCase *first,
                     ...)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  va_start (args, first);
  for (KtCase *kase = first; kase != NULL; kase = va_arg (args, KtCase *))
    g_ptr_array_add (lines, g_strdup_printf ("%s=%s", kase->header.id, kase->household));
  va_end (args);
  g_ptr_array_sort (lines, compare_lines);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv (",", (char **) lines->pdata);
}

static void
test_store_summary_cache (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) a = case_new ("Familie Aksoy");
  g_autoptr(KtCase) b = case_new ("Familie Bruin");
  g_autoptr(KtCase) c = case_new ("Familie Claes");
  g_autoptr(GBytes) cache = NULL;
  g_autoptr(GBytes) old_cache = NULL;
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autofree char *listed = NULL;
  g_autofree char *expected = NULL;
  guint hits = 0;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_case (store, a);
  save_case (store, b);
  save_case (store, c);
  listed = listed_households (store, &hits);
  expected = expected_households (a, b, c, NULL);
  g_assert_cmpstr (listed, ==, expected);
  g_assert_cmpuint (hits, ==, 0);
  close_store (&store);
  /* Written at close, sealed: no household name in it. */
  cache = db_get_meta (files.path, "summary-cache");
  g_assert_nonnull (cache);
  g_assert_cmpuint (count_in (g_bytes_get_data (cache, NULL), g_bytes_get_size (cache), "Familie"), ==, 0);

  /* Used by the next listing. */
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  g_clear_pointer (&listed, g_free);
  listed = listed_households (store, &hits);
  g_assert_cmpstr (listed, ==, expected);
  g_assert_cmpuint (hits, ==, 3);

  /* A changed case is shown as it is now, a removed one not at all. */
  g_free (b->household);
  b->household = g_strdup ("Familie Bakker");
  b->header.rev++;
  save_case (store, b);
  close_store (&store);
  old_cache = g_steal_pointer (&cache);
  {
    /* The id is a UUID: nothing to quote. */
    g_autofree char *sql = g_strdup_printf ("DELETE FROM records WHERE id = '%s'", c->header.id);
    db_exec (files.path, sql, NULL);
  }
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  g_clear_pointer (&listed, g_free);
  g_clear_pointer (&expected, g_free);
  listed = listed_households (store, &hits);
  expected = expected_households (a, b, NULL);
  g_assert_cmpstr (listed, ==, expected);
  g_assert_cmpuint (hits, ==, 1);
  close_store (&store);
  cache = db_get_meta (files.path, "summary-cache");
  g_assert_false (g_bytes_equal (cache, old_cache));

  /* An older cache put back: only what still matches is taken. */
  db_exec (files.path, "UPDATE meta SET value = ? WHERE key = 'summary-cache'", old_cache);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  g_clear_pointer (&listed, g_free);
  listed = listed_households (store, &hits);
  g_assert_cmpstr (listed, ==, expected);
  g_assert_cmpuint (hits, ==, 1);
  close_store (&store);

  /* A byte changed in what the cache authenticates (its index) or
   * encrypts (the summaries): no cache, every row read. */
  for (guint round = 0; round < 2; round++)
    {
      g_clear_pointer (&cache, g_bytes_unref);
      cache = db_get_meta (files.path, "summary-cache");
      g_byte_array_set_size (edited, 0);
      g_byte_array_append (edited, g_bytes_get_data (cache, NULL), g_bytes_get_size (cache));
      edited->data[round == 0 ? 40 : edited->len - 20] ^= 1;
      g_clear_pointer (&old_cache, g_bytes_unref);
      old_cache = g_bytes_new (edited->data, edited->len);
      db_exec (files.path, "UPDATE meta SET value = ? WHERE key = 'summary-cache'", old_cache);
      store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
      g_clear_pointer (&listed, g_free);
      listed = listed_households (store, &hits);
      g_assert_cmpstr (listed, ==, expected);
      g_assert_cmpuint (hits, ==, 0);
      /* ... and a new one written after that listing. */
      close_store (&store);
      store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
      g_clear_pointer (&listed, g_free);
      listed = listed_households (store, &hits);
      g_assert_cmpuint (hits, ==, 2);
      close_store (&store);
    }

  files_clear (&files);
}

/* The cache knows a sealed summary by its length, nonce and tag: a
 * summary whose ciphertext alone was changed is listed as it was last
 * authenticated (never as anything else), and refused and set aside when
 * its case is opened. */
static void
test_store_summary_cache_ciphertext_changed (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) a = case_new ("Familie Aksoy");
  g_autoptr(KtCase) b = case_new ("Familie Bruin");
  g_autoptr(GBytes) summary = NULL;
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autoptr(KtCase) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *expected = NULL;
  guint hits = 0;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_case (store, a);
  save_case (store, b);
  g_free (listed_households (store, &hits));
  close_store (&store);

  /* One byte of the ciphertext, between the nonce and the tag. */
  summary = db_get_blob (files.path, a->header.id, "summary");
  g_assert_cmpuint (g_bytes_get_size (summary), >, KT_SEAL_HEAD_SIZE + KT_SEAL_TAG_SIZE);
  g_byte_array_append (edited, g_bytes_get_data (summary, NULL), g_bytes_get_size (summary));
  edited->data[KT_SEAL_HEAD_SIZE + 2] ^= 1;
  bad = g_bytes_new (edited->data, edited->len);
  db_set_blob (files.path, a->header.id, "summary", bad);

  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  listed = listed_households (store, &hits);
  expected = expected_households (a, b, NULL);
  g_assert_cmpstr (listed, ==, expected);
  g_assert_cmpuint (hits, ==, 2);

  loaded = kt_store_load_case (store, a->header.id, &error);
  g_assert_null (loaded);
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_TAMPERED);
  g_clear_error (&error);
  loaded = kt_store_load_case (store, b->header.id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);

  /* Set aside: the list no longer shows it, from the cache or otherwise. */
  g_clear_pointer (&listed, g_free);
  g_clear_pointer (&expected, g_free);
  listed = listed_households (store, &hits);
  expected = expected_households (b, NULL);
  g_assert_cmpstr (listed, ==, expected);
  close_store (&store);
  files_clear (&files);
}

/* A cache of the first format (each sealed summary kept whole) is no
 * cache to this one: every row is opened, and a new cache written. */
static void
test_store_summary_cache_older_format (void)
{
  Files files;
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) a = case_new ("Familie Aksoy");
  g_autoptr(KtCase) b = case_new ("Familie Bruin");
  g_autoptr(GBytes) cache = NULL;
  g_autoptr(GBytes) old = NULL;
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autofree char *listed = NULL;
  g_autofree char *expected = NULL;
  const char *label = "keukentafel-summary-cache-";
  const guint8 *found;
  guint hits = 0;

  files_init (&files);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  save_case (store, a);
  save_case (store, b);
  g_free (listed_households (store, &hits));
  close_store (&store);

  /* The same value under the first format's label: its layout is not this
   * one's, and it is sealed under the first format's key besides. */
  cache = db_get_meta (files.path, "summary-cache");
  g_byte_array_append (edited, g_bytes_get_data (cache, NULL), g_bytes_get_size (cache));
  /* The label follows the index's size (u32). */
  g_assert_cmpuint (edited->len, >, 4 + strlen (label) + 1);
  found = edited->data + 4;
  g_assert_cmpint (memcmp (found, label, strlen (label)), ==, 0);
  g_assert_cmpint (found[strlen (label)], ==, '2');
  edited->data[4 + strlen (label)] = '1';
  old = g_bytes_new (edited->data, edited->len);
  db_exec (files.path, "UPDATE meta SET value = ? WHERE key = 'summary-cache'", old);

  expected = expected_households (a, b, NULL);
  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  listed = listed_households (store, &hits);
  g_assert_cmpstr (listed, ==, expected);
  g_assert_cmpuint (hits, ==, 0);
  close_store (&store);
  g_clear_pointer (&cache, g_bytes_unref);
  cache = db_get_meta (files.path, "summary-cache");
  g_assert_false (g_bytes_equal (cache, old));

  store = open_store (files.path, KT_KEY_SOURCE_PASSPHRASE);
  g_clear_pointer (&listed, g_free);
  listed = listed_households (store, &hits);
  g_assert_cmpstr (listed, ==, expected);
  g_assert_cmpuint (hits, ==, 2);
  close_store (&store);
  files_clear (&files);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_assert_true (kt_core_init ());

  if (!g_test_subprocess ())
    {
      keyring_bus = kt_test_bus_new (TRUE);
      kt_test_bus_use (keyring_bus);
    }

  g_test_add_func ("/store/keyring/round-trip", test_store_keyring_round_trip);
  g_test_add_func ("/store/passphrase/round-trip", test_store_passphrase_round_trip);
  g_test_add_func ("/store/passphrase/wrong-one-slows-down", test_store_wrong_passphrase_slows_down);
  g_test_add_func ("/store/lock/keyring-lock-needs-the-pin", test_store_keyring_lock_needs_the_pin);
  g_test_add_func ("/store/passphrase/change-rewraps-key-only", test_store_change_passphrase_rewraps_key_only);
  g_test_add_func ("/store/keyring/key-missing-never-makes-a-new-key", test_store_key_missing_never_makes_a_new_key);
  g_test_add_func ("/store/keyring/locked", test_store_locked_keyring);
  g_test_add_func ("/store/lost-metadata-never-makes-a-new-key", test_store_lost_metadata_never_makes_a_new_key);
  g_test_add_func ("/store/keyring/absent", test_store_without_secret_service);
  g_test_add ("/store/tamper/flipped-byte", Tamper, NULL, tamper_setup, test_tamper_flipped_byte, tamper_teardown);
  g_test_add ("/store/tamper/truncated", Tamper, NULL, tamper_setup, test_tamper_truncated, tamper_teardown);
  g_test_add ("/store/tamper/swapped-rows", Tamper, NULL, tamper_setup, test_tamper_swapped_rows, tamper_teardown);
  g_test_add ("/store/tamper/rolled-back", Tamper, NULL, tamper_setup, test_tamper_rolled_back, tamper_teardown);
  g_test_add ("/store/tamper/summary", Tamper, NULL, tamper_setup, test_tamper_summary, tamper_teardown);
  g_test_add_func ("/store/corrupt-file-is-left-untouched", test_store_corrupt_file_is_left_untouched);
  g_test_add_func ("/store/autosave/coalesces-within-a-second", test_autosave_coalesces_within_a_second);
  g_test_add_func ("/store/autosave/flush-and-dispose-write-now", test_autosave_flush_and_dispose_write_now);
  g_test_add_func ("/store/autosave/flush-async", test_autosave_flush_async);
  g_test_add_func ("/store/save-documents-async", test_save_documents_async);
  g_test_add_func ("/store/load-all-async", test_load_all_async);
  g_test_add_func ("/store/load-case-async", test_load_case_async);
  g_test_add_func ("/store/load-while-saved-async", test_load_while_saved_async);
  g_test_add_func ("/store/list-plan-stages", test_list_plan_stages);
  g_test_add_func ("/store/idle-lock/flushes-then-wipes-key", test_idle_lock_flushes_then_wipes_key);
  g_test_add_func ("/store/open-async/opens-and-unlocks", test_store_open_async_opens_and_unlocks);
  g_test_add_func ("/store/disk-full/keeps-draft-and-retries", test_store_disk_full_keeps_draft_and_retries);
  g_test_add_func ("/store/list/case-summaries", test_store_lists_case_summaries);
  g_test_add_func ("/store/list/summaries-of-every-size", test_store_lists_summaries_of_every_size);
  g_test_add_func ("/store/list/summary-cache", test_store_summary_cache);
  g_test_add_func ("/store/list/summary-cache/ciphertext-changed",
                   test_store_summary_cache_ciphertext_changed);
  g_test_add_func ("/store/list/summary-cache/older-format", test_store_summary_cache_older_format);
  g_test_add_func ("/store/no-plaintext-on-disk-or-in-logs", test_store_no_plaintext_on_disk_or_in_logs);

  ret = g_test_run ();
  g_clear_pointer (&keyring_bus, kt_test_bus_free);
  return ret;
}
