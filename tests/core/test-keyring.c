/* test-keyring.c: the data key in a real gnome-keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-keyring"

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "kt-core.h"
#include "kt-keyring.h"
#include "kt-store.h"
#include "kt-test-bus.h"
#include "kt-test-util.h"

static KtTestBus *keyring_bus;

static void
test_keyring_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = kt_uuid_new ();
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtKey) found = NULL;

  g_assert_true (kt_keyring_store (id, key, NULL, &error));
  g_assert_no_error (error);

  found = kt_keyring_lookup (id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpmem (kt_key_peek (found), KT_KEY_SIZE, kt_key_peek (key), KT_KEY_SIZE);

  g_assert_true (kt_keyring_clear (id, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&found, kt_key_free);
  found = kt_keyring_lookup (id, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);
}

/* The open's look-up of key and counter together answers as the two
 * look-ups one after the other do. */
static void
test_keyring_key_with_counter (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = kt_uuid_new ();
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtKey) found = NULL;
  guint64 counter = 7;

  found = kt_keyring_lookup_with_counter (id, &counter, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_assert_cmpuint (counter, ==, 0);

  g_assert_true (kt_keyring_store (id, key, NULL, &error));
  g_assert_no_error (error);
  counter = 7;
  found = kt_keyring_lookup_with_counter (id, &counter, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpmem (kt_key_peek (found), KT_KEY_SIZE, kt_key_peek (key), KT_KEY_SIZE);
  g_assert_cmpuint (counter, ==, 0);

  g_assert_true (kt_keyring_store_counter (id, 41, NULL, &error));
  g_assert_true (kt_keyring_store_counter (id, 42, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&found, kt_key_free);
  found = kt_keyring_lookup_with_counter (id, &counter, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpmem (kt_key_peek (found), KT_KEY_SIZE, kt_key_peek (key), KT_KEY_SIZE);
  g_assert_cmpuint (counter, ==, 42);

  kt_test_bus_lock_keyring (keyring_bus);
  g_clear_pointer (&found, kt_key_free);
  found = kt_keyring_lookup_with_counter (id, &counter, NULL, &error);
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
  g_assert_null (found);
  g_clear_error (&error);
  kt_test_bus_unlock_keyring (keyring_bus);

  kt_keyring_clear (id, NULL, NULL);
}

static void
test_keyring_keys_are_per_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = kt_uuid_new ();
  g_autofree char *b = kt_uuid_new ();
  g_autoptr(KtKey) key_a = kt_key_new_random ();
  g_autoptr(KtKey) key_b = kt_key_new_random ();
  g_autoptr(KtKey) found = NULL;

  g_assert_true (kt_keyring_store (a, key_a, NULL, &error));
  g_assert_true (kt_keyring_store (b, key_b, NULL, &error));
  g_assert_no_error (error);

  found = kt_keyring_lookup (b, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (kt_key_peek (found), KT_KEY_SIZE, kt_key_peek (key_b), KT_KEY_SIZE);
  kt_keyring_clear (a, NULL, NULL);
  kt_keyring_clear (b, NULL, NULL);
}

static void
test_keyring_locked_is_reported_without_prompt (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = kt_uuid_new ();
  g_autofree char *other = kt_uuid_new ();
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtKey) found = NULL;

  g_assert_true (kt_keyring_store (id, key, NULL, &error));
  g_assert_no_error (error);

  kt_test_bus_lock_keyring (keyring_bus);

  found = kt_keyring_lookup (id, NULL, &error);
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
  g_assert_null (found);
  g_clear_error (&error);

  g_assert_false (kt_keyring_store (other, key, NULL, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
  g_clear_error (&error);

  kt_test_bus_unlock_keyring (keyring_bus);

  found = kt_keyring_lookup (id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpmem (kt_key_peek (found), KT_KEY_SIZE, kt_key_peek (key), KT_KEY_SIZE);
  kt_keyring_clear (id, NULL, NULL);
}

static void
check_no_secret_service (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = kt_uuid_new ();
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(KtKey) found = NULL;
  guint64 counter = 0;

  found = kt_keyring_lookup (id, NULL, &error);
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_NO_SECRET_SERVICE);
  g_assert_null (found);
  g_clear_error (&error);

  found = kt_keyring_lookup_with_counter (id, &counter, NULL, &error);
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_NO_SECRET_SERVICE);
  g_assert_null (found);
  g_clear_error (&error);

  g_assert_false (kt_keyring_store (id, key, NULL, &error));
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_NO_SECRET_SERVICE);
}

/* Runs check_no_secret_service in a child whose session bus is @address. */
static void
run_in_child_on_bus (const char *address)
{
  g_autofree char *saved = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", saved, TRUE);
  g_test_trap_assert_passed ();
}

static void
test_keyring_absent_secret_service (void)
{
  g_autoptr(KtTestBus) bare = NULL;

  if (g_test_subprocess ())
    {
      check_no_secret_service ();
      return;
    }
  bare = kt_test_bus_new (FALSE);
  run_in_child_on_bus (kt_test_bus_get_address (bare));
}

/* The Secret Service runs but no keyring was ever made (no login keyring,
 * no default collection): a clear error at once, never a prompt to wait
 * for; and the store, asked to make a new key there, makes nothing. */
static void
test_keyring_without_default_keyring (void)
{
  g_autoptr(KtTestBus) empty = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      char *dir = kt_test_tmpdir_new ("kt-nodefault");
      g_autofree char *path = g_build_filename (dir, "store.db", NULL);
      KtStore *store = kt_store_new (path);

      g_autofree char *id = kt_uuid_new ();
      g_autoptr(KtKey) key = kt_key_new_random ();
      g_autoptr(KtKey) found = NULL;

      /* Nothing to find is not an error; nowhere to keep a key is. */
      found = kt_keyring_lookup (id, NULL, &error);
      g_assert_no_error (error);
      g_assert_null (found);
      g_assert_false (kt_keyring_store (id, key, NULL, &error));
      g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_NO_SECRET_SERVICE);
      g_clear_error (&error);

      /* The window then offers a passphrase. */
      g_assert_false (kt_store_open_sync (store, KT_KEY_SOURCE_KEYRING, NULL, NULL, &error));
      g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_NO_SECRET_SERVICE);
      g_object_unref (store);
      kt_test_tmpdir_free (dir);
      return;
    }
  empty = kt_test_bus_new_without_default_keyring ();
  run_in_child_on_bus (kt_test_bus_get_address (empty));
}

static void
test_keyring_no_session_bus (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *address = NULL;

  if (g_test_subprocess ())
    {
      check_no_secret_service ();
      return;
    }
  dir = g_dir_make_tmp ("kt-nobus-XXXXXX", &error);
  g_assert_no_error (error);
  address = g_strdup_printf ("unix:path=%s/gone", dir);
  run_in_child_on_bus (address);
  g_rmdir (dir);
}

/* The portal road (kt-keyring.c, through_portal()): libsecret's file
 * backend, as inside Flatpak.  Outside a sandbox there is no Secret portal,
 * so libsecret's test password stands in for the secret the portal would
 * hand out; the session bus leads nowhere, so nothing can have gone to the
 * Secret Service.  Runs the calling test again in a child on that road. */
static void
run_in_child_through_portal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *address = NULL;

  dir = g_dir_make_tmp ("kt-portal-XXXXXX", &error);
  g_assert_no_error (error);
  file = g_build_filename (dir, "keyring", NULL);
  address = g_strdup_printf ("unix:path=%s/gone", dir);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", file, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "kt-test-portal-secret", TRUE);
  run_in_child_on_bus (address);
  g_unsetenv ("SECRET_BACKEND");
  g_unsetenv ("SECRET_FILE_TEST_PATH");
  g_unsetenv ("SECRET_FILE_TEST_PASSWORD");
  g_remove (file);
  g_rmdir (dir);
}

static void
test_keyring_through_portal_backend (void)
{
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *id = kt_uuid_new ();
      g_autoptr(KtKey) key = kt_key_new_random ();
      g_autoptr(KtKey) found = NULL;
      guint64 counter = 0;

      found = kt_keyring_lookup (id, NULL, &error);
      g_assert_no_error (error);
      g_assert_null (found);

      g_assert_true (kt_keyring_store (id, key, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_test (g_getenv ("SECRET_FILE_TEST_PATH"), G_FILE_TEST_IS_REGULAR));
      found = kt_keyring_lookup (id, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (found);
      g_assert_cmpmem (kt_key_peek (found), KT_KEY_SIZE, kt_key_peek (key), KT_KEY_SIZE);

      g_assert_false (kt_keyring_lookup_counter (id, &counter, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (kt_keyring_store_counter (id, 41, NULL, &error));
      g_assert_true (kt_keyring_store_counter (id, 42, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (kt_keyring_lookup_counter (id, &counter, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (counter, ==, 42);

      g_assert_true (kt_keyring_clear (id, NULL, &error));
      g_assert_no_error (error);
      g_clear_pointer (&found, kt_key_free);
      found = kt_keyring_lookup (id, NULL, &error);
      g_assert_no_error (error);
      g_assert_null (found);
      return;
    }
  run_in_child_through_portal ();
}

/* Asserts that the keyring holds @key and @counter for @id, through each
 * of the three look-ups. */
static void
assert_key_and_counter (const char  *id,
                        const KtKey *key,
                        guint64      counter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtKey) found = NULL;
  guint64 found_counter = 0;

  found = kt_keyring_lookup (id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpmem (kt_key_peek (found), KT_KEY_SIZE, kt_key_peek (key), KT_KEY_SIZE);

  g_assert_true (kt_keyring_lookup_counter (id, &found_counter, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (found_counter, ==, counter);

  g_clear_pointer (&found, kt_key_free);
  found_counter = 0;
  found = kt_keyring_lookup_with_counter (id, &found_counter, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpmem (kt_key_peek (found), KT_KEY_SIZE, kt_key_peek (key), KT_KEY_SIZE);
  g_assert_cmpuint (found_counter, ==, counter);
}

/* The file backend matches on attributes alone, and key and counter share
 * theirs: each look-up still finds its own item, whichever came first, and
 * storing one never replaces the other. */
static void
test_keyring_through_portal_key_and_counter_apart (void)
{
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *first = kt_uuid_new ();
      g_autofree char *second = kt_uuid_new ();
      g_autoptr(KtKey) key = kt_key_new_random ();
      g_autoptr(KtKey) other = kt_key_new_random ();

      /* The key, then the counter (a new store, then its first save). */
      g_assert_true (kt_keyring_store (first, key, NULL, &error));
      g_assert_true (kt_keyring_store_counter (first, 41, NULL, &error));
      g_assert_true (kt_keyring_store_counter (first, 42, NULL, &error));
      g_assert_no_error (error);
      assert_key_and_counter (first, key, 42);

      /* The counter, then the key. */
      g_assert_true (kt_keyring_store_counter (second, 7, NULL, &error));
      g_assert_true (kt_keyring_store (second, other, NULL, &error));
      g_assert_no_error (error);
      assert_key_and_counter (second, other, 7);
      assert_key_and_counter (first, key, 42);

      g_assert_true (kt_keyring_clear (first, NULL, &error));
      g_assert_true (kt_keyring_clear (second, NULL, &error));
      g_assert_no_error (error);
      return;
    }
  run_in_child_through_portal ();
}

static KtStore *
open_keyring_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtStore) store = kt_store_new (path);

  g_assert_true (kt_store_open_sync (store, KT_KEY_SOURCE_KEYRING, NULL, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

/* What a Flatpak user does: a store in keyring mode, a save (which keeps
 * the counter beside the key), and the store opens again. */
static void
test_keyring_through_portal_store_opens_after_save (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      char *dir = kt_test_tmpdir_new ("kt-portal-store");
      g_autofree char *path = g_build_filename (dir, "store.db", NULL);
      g_autoptr(KtStore) store = open_keyring_store (path);
      g_autoptr(KtCase) kase = kt_case_new ();
      KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };

      kase->household = g_strdup ("Familie Aydin");
      kase->request.date = g_strdup ("2026-11-20");
      kase->header.rev = 1;
      g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
      g_assert_no_error (error);
      kt_store_flush (store, &error);
      g_assert_no_error (error);
      g_assert_finalize_object (g_steal_pointer (&store));

      store = open_keyring_store (path);
      g_assert_finalize_object (g_steal_pointer (&store));
      kt_test_tmpdir_free (dir);
      return;
    }
  run_in_child_through_portal ();
}

/* As versions before xdg:schema on the portal road stored their items:
 * the attribute "store" alone. */
static const SecretSchema old_key_schema = {
  KT_KEYRING_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  { { "store", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
};

static const SecretSchema old_counter_schema = {
  KT_KEYRING_COUNTER_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  { { "store", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
};

static void
store_the_old_way (const SecretSchema *schema,
                   const char         *id,
                   SecretValue        *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (secret_password_store_binary_sync (schema, SECRET_COLLECTION_DEFAULT, "old",
                                                    value, NULL, &error, "store", id, NULL));
  g_assert_no_error (error);
}

static void
store_old_counter (const char *id,
                   guint64     counter)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, counter);
  g_autoptr(SecretValue) value = secret_value_new (text, -1, "text/plain");

  store_the_old_way (&old_counter_schema, id, value);
}

/* Items of earlier versions, which carry no xdg:schema, are still found
 * by what they hold; a key among them is kept again as an item of ours, so
 * that a save by an earlier version cannot replace the only copy. */
static void
test_keyring_through_portal_finds_old_items (void)
{
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *id = kt_uuid_new ();
      g_autofree char *lost = kt_uuid_new ();
      g_autoptr(KtKey) key = kt_key_new_random ();
      g_autoptr(KtKey) found = NULL;
      g_autoptr(SecretValue) old_key = secret_value_new ((const char *) kt_key_peek (key),
                                                         KT_KEY_SIZE,
                                                         "application/octet-stream");
      guint64 counter = 0;

      /* A store made by an earlier version and never saved since. */
      store_the_old_way (&old_key_schema, id, old_key);
      found = kt_keyring_lookup (id, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (found);
      g_assert_cmpmem (kt_key_peek (found), KT_KEY_SIZE, kt_key_peek (key), KT_KEY_SIZE);
      g_assert_false (kt_keyring_lookup_counter (id, &counter, NULL, &error));
      g_assert_no_error (error);

      /* Its first save under this version leaves the key in place. */
      g_assert_true (kt_keyring_store_counter (id, 3, NULL, &error));
      g_assert_no_error (error);
      assert_key_and_counter (id, key, 3);

      /* An earlier version run again saves over its own old item only. */
      store_old_counter (id, 4);
      assert_key_and_counter (id, key, 3);

      /* Where an earlier version's counter already replaced the key, the
       * counter is still read; the key is gone, which the store reports. */
      store_old_counter (lost, 9);
      g_clear_pointer (&found, kt_key_free);
      found = kt_keyring_lookup (lost, NULL, &error);
      g_assert_no_error (error);
      g_assert_null (found);
      g_assert_true (kt_keyring_lookup_counter (lost, &counter, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (counter, ==, 9);

      g_assert_true (kt_keyring_clear (id, NULL, &error));
      g_assert_true (kt_keyring_clear (lost, NULL, &error));
      g_assert_no_error (error);
      found = kt_keyring_lookup (id, NULL, &error);
      g_assert_no_error (error);
      g_assert_null (found);
      g_assert_false (kt_keyring_lookup_counter (id, &counter, NULL, &error));
      g_assert_no_error (error);
      return;
    }
  run_in_child_through_portal ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  if (!g_test_subprocess ())
    {
      keyring_bus = kt_test_bus_new (TRUE);
      kt_test_bus_use (keyring_bus);
    }

  g_test_add_func ("/keyring/round-trip", test_keyring_round_trip);
  g_test_add_func ("/keyring/key-with-counter", test_keyring_key_with_counter);
  g_test_add_func ("/keyring/keys-are-per-store", test_keyring_keys_are_per_store);
  g_test_add_func ("/keyring/locked-is-reported-without-prompt", test_keyring_locked_is_reported_without_prompt);
  g_test_add_func ("/keyring/absent-secret-service", test_keyring_absent_secret_service);
  g_test_add_func ("/keyring/without-default-keyring", test_keyring_without_default_keyring);
  g_test_add_func ("/keyring/no-session-bus", test_keyring_no_session_bus);
  g_test_add_func ("/keyring/through-portal-backend", test_keyring_through_portal_backend);
  g_test_add_func ("/keyring/through-portal/key-and-counter-apart",
                   test_keyring_through_portal_key_and_counter_apart);
  g_test_add_func ("/keyring/through-portal/store-opens-after-save",
                   test_keyring_through_portal_store_opens_after_save);
  g_test_add_func ("/keyring/through-portal/finds-old-items",
                   test_keyring_through_portal_finds_old_items);

  ret = g_test_run ();
  g_clear_pointer (&keyring_bus, kt_test_bus_free);
  return ret;
}
