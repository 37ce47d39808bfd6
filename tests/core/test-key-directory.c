/* test-key-directory.c: KtKeyDirectory against a real keukentafel-server
 * on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-key-directory"

#include "config.h"

#include <sodium.h>

#include "kt-core.h"
#include "kt-crypto.h"
#include "kt-key-directory.h"
#include "kt-peer-keys.h"
#include "kt-recovery-phrase.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

typedef struct {
  char         *dir;
  KtTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = kt_test_tmpdir_new ("kt-key-directory");
  f->server = kt_test_server_start (NULL, kt_test_sync_users);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, kt_test_server_free);
  kt_test_tmpdir_free (g_steal_pointer (&f->dir));
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* A signed-in device of @username and its key directory; the device is
 * kept alive by the directory's API client reference only as long as the
 * test holds @device. */
static KtKeyDirectory *
directory_for (Fixture       *f,
               const char    *username,
               KtSyncClient **device)
{
  *device = kt_test_device_new (f->dir, username);
  kt_test_device_sign_in (*device, kt_test_server_get_url (f->server), username);
  return kt_key_directory_new (kt_sync_client_get_api (*device));
}

static gboolean
publish (KtKeyDirectory *directory,
         GBytes         *public_key,
         GBytes         *bundle,
         KtKeyPublished *published,
         GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kt_key_directory_publish_async (directory, public_key, bundle, NULL, on_done, &result);
  return kt_key_directory_publish_finish (directory, wait_for (&result), published, error);
}

static GBytes *
fetch_bundle (KtKeyDirectory *directory,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kt_key_directory_fetch_bundle_async (directory, NULL, on_done, &result);
  return kt_key_directory_fetch_bundle_finish (directory, wait_for (&result), error);
}

static GPtrArray *
fetch_team (KtKeyDirectory *directory,
            GHashTable     *pinned,
            guint          *n_changed)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *keys;

  kt_key_directory_fetch_team_async (directory, NULL, on_done, &result);
  keys = kt_key_directory_fetch_team_finish (directory, wait_for (&result), pinned, n_changed, &error);
  g_assert_no_error (error);
  return keys;
}

static KtPeerKey *
find_key (GPtrArray  *keys,
          const char *username)
{
  for (guint i = 0; i < keys->len; i++)
    {
      KtPeerKey *key = g_ptr_array_index (keys, i);

      if (g_str_equal (key->username, username))
        return key;
    }
  return NULL;
}

/* The state of @username's key, which must be among @keys. */
static KtPeerKeyState
key_state (GPtrArray  *keys,
           const char *username)
{
  KtPeerKey *key = find_key (keys, username);

  g_assert_nonnull (key);
  return key != NULL ? key->state : KT_PEER_KEY_NEW;
}

/* An account key and its bundle under a fresh phrase. */
static KtKey *
new_account_key (GBytes **public_key,
                 GBytes **bundle)
{
  KtKey *secret = kt_key_new_random ();
  g_autofree char *phrase = kt_recovery_phrase_new ();

  *public_key = kt_crypto_public_key (secret);
  *bundle = kt_crypto_seal_recovery_bundle (secret, phrase, crypto_pwhash_OPSLIMIT_MIN,
                                            crypto_pwhash_MEMLIMIT_MIN);
  return secret;
}

static GHashTable *
pins_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
}

static void
test_published_key_reaches_the_team (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(KtSyncClient) coach = NULL;
  g_autoptr(KtSyncClient) super = NULL;
  g_autoptr(KtKeyDirectory) coach_keys = directory_for (f, "coach1", &coach);
  g_autoptr(KtKeyDirectory) super_keys = directory_for (f, "super1", &super);
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(KtKey) secret = new_account_key (&public_key, &bundle);
  g_autoptr(GBytes) fetched = NULL;
  g_autoptr(GHashTable) pinned = pins_new ();
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  KtKeyPublished published = -1;
  KtPeerKey *key;
  guint changed = 99;

  g_assert_true (publish (coach_keys, public_key, bundle, &published, &error));
  g_assert_no_error (error);
  g_assert_cmpint (published, ==, KT_KEY_PUBLISHED_NEW);
  g_assert_true (publish (coach_keys, public_key, bundle, &published, &error));
  g_assert_cmpint (published, ==, KT_KEY_PUBLISHED_SAME);

  /* The coach's own bundle comes back as it went. */
  fetched = fetch_bundle (coach_keys, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (fetched, bundle));

  /* The supervisor sees it, pins it, and knows it the next time. */
  keys = fetch_team (super_keys, pinned, &changed);
  g_assert_cmpuint (changed, ==, 0);
  g_assert_cmpint (key_state (keys, "coach1"), ==, KT_PEER_KEY_NEW);
  key = find_key (keys, "coach1");
  g_assert_true (key != NULL && g_bytes_equal (key->public_key, public_key));
  g_assert_true (g_bytes_equal (g_hash_table_lookup (pinned, "coach1"), public_key));
  g_clear_pointer (&keys, g_ptr_array_unref);
  keys = fetch_team (super_keys, pinned, &changed);
  g_assert_cmpint (key_state (keys, "coach1"), ==, KT_PEER_KEY_KNOWN);
  /* Nobody else has published. */
  g_assert_null (find_key (keys, "intake1"));
}

static void
test_account_without_key_has_no_bundle (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(KtSyncClient) intake = NULL;
  g_autoptr(KtKeyDirectory) keys = directory_for (f, "intake1", &intake);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bundle = fetch_bundle (keys, &error);

  g_assert_null (bundle);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_FOUND);
}

static void
test_replaced_key_is_a_change_not_used (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(KtSyncClient) coach = NULL;
  g_autoptr(KtSyncClient) super = NULL;
  g_autoptr(KtKeyDirectory) coach_keys = directory_for (f, "coach1", &coach);
  g_autoptr(KtKeyDirectory) super_keys = directory_for (f, "super1", &super);
  g_autoptr(GBytes) first_key = NULL, first_bundle = NULL;
  g_autoptr(GBytes) other_key = NULL, other_bundle = NULL;
  g_autoptr(KtKey) first = new_account_key (&first_key, &first_bundle);
  g_autoptr(KtKey) other = new_account_key (&other_key, &other_bundle);
  g_autoptr(GHashTable) pinned = pins_new ();
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  KtKeyPublished published = -1;
  guint changed = 0;

  g_assert_true (publish (coach_keys, first_key, first_bundle, &published, &error));
  keys = fetch_team (super_keys, pinned, &changed);
  g_clear_pointer (&keys, g_ptr_array_unref);

  g_assert_true (publish (coach_keys, other_key, other_bundle, &published, &error));
  g_assert_no_error (error);
  g_assert_cmpint (published, ==, KT_KEY_PUBLISHED_REPLACED);
  keys = fetch_team (super_keys, pinned, &changed);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpint (key_state (keys, "coach1"), ==, KT_PEER_KEY_CHANGED);
  g_assert_null (kt_peer_keys_lookup_usable (keys, "coach1"));
  /* The pin stays the key first seen. */
  g_assert_true (g_bytes_equal (g_hash_table_lookup (pinned, "coach1"), first_key));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/key-directory/published-key-reaches-the-team", test_published_key_reaches_the_team);
  ADD ("/key-directory/account-without-key-has-no-bundle", test_account_without_key_has_no_bundle);
  ADD ("/key-directory/replaced-key-is-a-change-not-used", test_replaced_key_is_a_change_not_used);
#undef ADD

  return g_test_run ();
}
