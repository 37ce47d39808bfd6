/* test-store-keys.c: the account key, recovery phrase and pinned keys kept
 * in a real KtStore file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store-keys"
#define _GNU_SOURCE  /* memmem () */

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "kt-core.h"
#include "kt-crypto.h"
#include "kt-recovery-phrase.h"
#include "kt-store-keys.h"
#include "kt-store-private.h"
#include "kt-test-util.h"

#define PASSPHRASE "zomer aan de waterkant"

typedef struct {
  char    *dir;
  char    *path;
  KtStore *store;
} Fixture;

static KtStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtStore) store = kt_store_new (path);

  kt_store_set_pwhash_limits (store, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  kt_store_open_sync (store, KT_KEY_SOURCE_PASSPHRASE, PASSPHRASE, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static void
reopen (Fixture *f)
{
  g_clear_object (&f->store);
  f->store = open_store (f->path);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = kt_test_tmpdir_new ("kt-store-keys");
  f->path = g_build_filename (f->dir, "store.db", NULL);
  f->store = open_store (f->path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->path, g_free);
  kt_test_tmpdir_free (g_steal_pointer (&f->dir));
}

/* TRUE when @needle's bytes occur anywhere in the file at @path or its WAL. */
static gboolean
file_holds (const char   *path,
            const guint8 *needle,
            gsize         size)
{
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (name, &contents, &length, NULL) &&
          memmem (contents, length, needle, size) != NULL)
        return TRUE;
    }
  return FALSE;
}

static GBytes *
bundle_for (const KtKey *secret,
            const char  *phrase)
{
  return kt_crypto_seal_recovery_bundle (secret, phrase, crypto_pwhash_OPSLIMIT_MIN,
                                         crypto_pwhash_MEMLIMIT_MIN);
}

static void
test_new_key_and_phrase_are_kept_sealed (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(KtKey) secret = kt_key_new_random ();
  g_autofree char *phrase = kt_recovery_phrase_new ();
  g_autoptr(GBytes) bundle = bundle_for (secret, phrase);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtKey) kept = NULL;
  g_autoptr(GBytes) kept_bundle = NULL;
  char *kept_phrase;

  g_assert_null (kt_store_get_account_key (f->store, "anna", &error));
  g_assert_no_error (error);
  g_assert_true (kt_store_keep_account_key (f->store, "anna", secret, phrase, bundle, &error));
  g_assert_no_error (error);
  reopen (f);

  kept = kt_store_get_account_key (f->store, "anna", &error);
  g_assert_no_error (error);
  g_assert_nonnull (kept);
  g_assert_cmpmem (kt_key_peek (kept), KT_KEY_SIZE, kt_key_peek (secret), KT_KEY_SIZE);
  kept_phrase = kt_store_get_recovery_phrase (f->store, "anna", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept_phrase, ==, phrase);
  kt_recovery_phrase_free (kept_phrase);
  kept_bundle = kt_store_get_recovery_bundle (f->store, "anna", &error);
  g_assert_true (g_bytes_equal (kept_bundle, bundle));
  /* Another account on the same device has none. */
  g_assert_null (kt_store_get_account_key (f->store, "bert", &error));
  g_assert_no_error (error);

  /* Neither the secret nor the words are in the file as they are. */
  g_clear_object (&f->store);
  g_assert_false (file_holds (f->path, kt_key_peek (secret), KT_KEY_SIZE));
  g_assert_false (file_holds (f->path, (const guint8 *) phrase, strlen (phrase)));
  reopen (f);
}

static void
test_written_down_phrase_is_forgotten (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(KtKey) secret = kt_key_new_random ();
  g_autofree char *phrase = kt_recovery_phrase_new ();
  g_autoptr(GBytes) bundle = bundle_for (secret, phrase);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtKey) kept = NULL;

  g_assert_true (kt_store_keep_account_key (f->store, "anna", secret, phrase, bundle, &error));
  g_assert_true (kt_store_forget_recovery_phrase (f->store, "anna", &error));
  g_assert_no_error (error);
  reopen (f);
  g_assert_null (kt_store_get_recovery_phrase (f->store, "anna", &error));
  g_assert_no_error (error);
  /* The key stays. */
  kept = kt_store_get_account_key (f->store, "anna", &error);
  g_assert_nonnull (kept);
}

static void
test_restored_key_keeps_no_phrase (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(KtKey) secret = kt_key_new_random ();
  g_autofree char *phrase = kt_recovery_phrase_new ();
  g_autoptr(GBytes) bundle = bundle_for (secret, phrase);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtKey) kept = NULL;

  g_assert_true (kt_store_restore_account_key (f->store, "anna", secret, bundle, &error));
  g_assert_no_error (error);
  kept = kt_store_get_account_key (f->store, "anna", &error);
  g_assert_cmpmem (kt_key_peek (kept), KT_KEY_SIZE, kt_key_peek (secret), KT_KEY_SIZE);
  g_assert_null (kt_store_get_recovery_phrase (f->store, "anna", &error));
  g_assert_no_error (error);
}

static void
test_pinned_keys_survive_a_restart (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GHashTable) pinned = NULL;
  g_autoptr(GHashTable) read = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key_a[KT_PUBLIC_KEY_SIZE], key_b[KT_PUBLIC_KEY_SIZE];

  pinned = kt_store_get_pinned_keys (f->store, "anna", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (pinned), ==, 0);

  randombytes_buf (key_a, sizeof key_a);
  randombytes_buf (key_b, sizeof key_b);
  g_hash_table_insert (pinned, g_strdup ("bert"), g_bytes_new (key_a, sizeof key_a));
  g_hash_table_insert (pinned, g_strdup ("carla"), g_bytes_new (key_b, sizeof key_b));
  g_assert_true (kt_store_set_pinned_keys (f->store, "anna", pinned, &error));
  g_assert_no_error (error);
  reopen (f);

  read = kt_store_get_pinned_keys (f->store, "anna", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (read), ==, 2);
  g_assert_cmpmem (g_bytes_get_data (g_hash_table_lookup (read, "bert"), NULL), KT_PUBLIC_KEY_SIZE,
                   key_a, sizeof key_a);
  g_assert_cmpmem (g_bytes_get_data (g_hash_table_lookup (read, "carla"), NULL), KT_PUBLIC_KEY_SIZE,
                   key_b, sizeof key_b);
  g_clear_pointer (&read, g_hash_table_unref);
  /* Pins are per account. */
  read = kt_store_get_pinned_keys (f->store, "bert", &error);
  g_assert_cmpuint (g_hash_table_size (read), ==, 0);
}

static void
test_locked_store_gives_no_key (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(KtKey) secret = kt_key_new_random ();
  g_autofree char *phrase = kt_recovery_phrase_new ();
  g_autoptr(GBytes) bundle = bundle_for (secret, phrase);
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_store_keep_account_key (f->store, "anna", secret, phrase, bundle, &error));
  kt_store_lock (f->store);
  g_assert_null (kt_store_get_account_key (f->store, "anna", &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_false (kt_store_forget_recovery_phrase (f->store, "anna", &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
}

typedef struct {
  KtStore  *store;
  char     *case_id;
  gboolean  found;
  char     *coach;
  char     *intaker;
} ReadersAsk;

static gpointer
ask_readers (gpointer data)
{
  ReadersAsk *ask = data;

  ask->found = kt_store_get_case_readers (ask->store, ask->case_id, &ask->coach, &ask->intaker);
  return NULL;
}

static void
test_case_readers_are_read_on_a_worker (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(KtCase) kase = kt_case_new ();
  KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };
  ReadersAsk ask = { .store = f->store };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  kase->coach = g_strdup ("anna");
  kase->request.intaker = g_strdup ("ida");
  g_assert_true (kt_store_save_document (f->store, &doc, KT_SYNC_SYNCED, &error));
  g_assert_no_error (error);

  /* The sealer asks from wherever it seals. */
  ask.case_id = kase->header.id;
  thread = g_thread_new ("readers", ask_readers, &ask);
  g_thread_join (thread);
  g_assert_true (ask.found);
  g_assert_cmpstr (ask.coach, ==, "anna");
  g_assert_cmpstr (ask.intaker, ==, "ida");
  g_free (ask.coach);
  g_free (ask.intaker);

  g_assert_false (kt_store_get_case_readers (f->store, "00000000-0000-4000-8000-000000000000", NULL, NULL));
  kt_store_lock (f->store);
  g_assert_false (kt_store_get_case_readers (f->store, kase->header.id, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store-keys/new-key-and-phrase-are-kept-sealed", test_new_key_and_phrase_are_kept_sealed);
  ADD ("/store-keys/written-down-phrase-is-forgotten", test_written_down_phrase_is_forgotten);
  ADD ("/store-keys/restored-key-keeps-no-phrase", test_restored_key_keeps_no_phrase);
  ADD ("/store-keys/pinned-keys-survive-a-restart", test_pinned_keys_survive_a_restart);
  ADD ("/store-keys/locked-store-gives-no-key", test_locked_store_gives_no_key);
  ADD ("/store-keys/case-readers-are-read-on-a-worker", test_case_readers_are_read_on_a_worker);
#undef ADD

  return g_test_run ();
}
