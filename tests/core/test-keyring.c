/* test-keyring.c: the data key in a real gnome-keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-keyring"

#include "config.h"

#include <glib/gstdio.h>

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
 * Secret Service. */
static void
test_keyring_through_portal_backend (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *address = NULL;

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

  ret = g_test_run ();
  g_clear_pointer (&keyring_bus, kt_test_bus_free);
  return ret;
}
