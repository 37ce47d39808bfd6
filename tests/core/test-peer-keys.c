/* test-peer-keys.c: the team's keys from the server, and a substituted key
 * that is shown as a warning and never sealed to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-peer-keys"

#include "config.h"

#include <string.h>

#include "kt-core.h"
#include "kt-crypto.h"
#include "kt-peer-keys.h"
#include "kt-sync-protocol.h"

typedef struct {
  KtKey *secret;
  char  *base64;
} Colleague;

static void
colleague_make (Colleague *c)
{
  g_autoptr(GBytes) public_key = NULL;

  c->secret = kt_key_new_random ();
  public_key = kt_crypto_public_key (c->secret);
  c->base64 = g_base64_encode (g_bytes_get_data (public_key, NULL), g_bytes_get_size (public_key));
}

static void
colleague_clear (Colleague *c)
{
  g_clear_pointer (&c->secret, kt_key_free);
  g_clear_pointer (&c->base64, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Colleague, colleague_clear)

/* An answer of GET /team/keys with sara's and bert's keys (transfer full). */
static GBytes *
answer (const char *sara,
        const char *bert)
{
  char *text = g_strdup_printf ("{\"keys\":["
                                "{\"username\":\"bert\",\"role\":\"wijkcoach\",\"public_key\":\"%s\",\"published\":1764064800},"
                                "{\"username\":\"sara\",\"display_name\":\"Sara Supervisor\",\"role\":\"supervisor\","
                                "\"public_key\":\"%s\",\"published\":1764064801}"
                                "]}", bert, sara);

  return g_bytes_new_take (text, strlen (text));
}

static GPtrArray *
keys_of (GBytes *json)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *keys = kt_peer_keys_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (keys);
  return keys;
}

static GHashTable *
pinned_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
}

static void
test_answer_is_read_with_fingerprints (void)
{
  g_auto(Colleague) sara = { 0, };
  g_auto(Colleague) bert = { 0, };
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GBytes) sara_public = NULL;
  g_autofree char *sara_fingerprint = NULL;
  KtPeerKey *key;

  colleague_make (&sara);
  colleague_make (&bert);
  json = answer (sara.base64, bert.base64);
  keys = keys_of (json);
  g_assert_cmpuint (keys->len, ==, 2);
  key = g_ptr_array_index (keys, 1);
  sara_public = kt_crypto_public_key (sara.secret);
  sara_fingerprint = kt_crypto_key_fingerprint (sara_public);
  g_assert_cmpstr (key->username, ==, "sara");
  g_assert_cmpstr (key->display_name, ==, "Sara Supervisor");
  g_assert_cmpstr (key->role, ==, "supervisor");
  /* a server from before display names gives none */
  g_assert_null (((KtPeerKey *) g_ptr_array_index (keys, 0))->display_name);
  g_assert_true (g_bytes_equal (key->public_key, sara_public));
  g_assert_cmpstr (key->fingerprint, ==, sara_fingerprint);
  g_assert_cmpint (key->published, ==, 1764064801);
}

static void
test_malformed_answers_are_refused (void)
{
  g_auto(Colleague) sara = { 0, };
  g_autofree char *short_key = NULL;
  g_autofree char *spaced = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *open_brackets = g_strnfill (100, '[');
  g_autofree char *close_brackets = g_strnfill (100, ']');

  colleague_make (&sara);
  short_key = g_strndup (sara.base64, strlen (sara.base64) - 4);
  spaced = g_strdup (sara.base64);
  spaced[3] = ' ';
  deep = g_strconcat ("{\"keys\":", open_brackets, close_brackets, "}", NULL);

  {
    char *cases[] = {
      g_strdup ("not json"),
      g_strdup ("[]"),
      g_strdup ("{\"keys\":{}}"),
      g_strdup ("{\"keys\":[1]}"),
      g_strdup_printf ("{\"keys\":[{\"username\":\"sara\",\"role\":\"supervisor\",\"public_key\":\"%s\",\"published\":1}]}", short_key),
      g_strdup_printf ("{\"keys\":[{\"username\":\"sara\",\"role\":\"supervisor\",\"public_key\":\"%s\",\"published\":1}]}", spaced),
      g_strdup_printf ("{\"keys\":[{\"username\":\"sara\",\"role\":\"supervisor\",\"public_key\":\"%s\",\"published\":\"1\"}]}", sara.base64),
      g_strdup_printf ("{\"keys\":[{\"role\":\"supervisor\",\"public_key\":\"%s\",\"published\":1}]}", sara.base64),
      /* one colleague twice: which key would count? */
      g_strdup_printf ("{\"keys\":[{\"username\":\"sara\",\"role\":\"supervisor\",\"public_key\":\"%s\",\"published\":1},"
                       "{\"username\":\"sara\",\"role\":\"supervisor\",\"public_key\":\"%s\",\"published\":2}]}",
                       sara.base64, sara.base64),
      g_strdup (deep),
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GBytes) json = g_bytes_new (cases[i], strlen (cases[i]));
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) keys = kt_peer_keys_from_json (json, &error);

        g_assert_null (keys);
        g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
        g_free (cases[i]);
      }
  }
}

static void
test_substituted_key_warns_and_is_not_used (void)
{
  g_auto(Colleague) sara = { 0, };
  g_auto(Colleague) bert = { 0, };
  g_auto(Colleague) impostor = { 0, };
  g_autoptr(GHashTable) pinned = pinned_new ();
  g_autoptr(GBytes) first_json = NULL;
  g_autoptr(GBytes) again_json = NULL;
  g_autoptr(GBytes) swapped_json = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) swapped = NULL;
  g_autoptr(GBytes) sara_public = NULL;
  KtPeerKey *sara_key;

  colleague_make (&sara);
  colleague_make (&bert);
  colleague_make (&impostor);
  sara_public = kt_crypto_public_key (sara.secret);

  /* First sight: both kept. */
  first_json = answer (sara.base64, bert.base64);
  first = keys_of (first_json);
  g_assert_cmpuint (kt_peer_keys_check (first, pinned), ==, 0);
  for (guint i = 0; i < first->len; i++)
    g_assert_cmpint (((KtPeerKey *) first->pdata[i])->state, ==, KT_PEER_KEY_NEW);
  g_assert_cmpuint (g_hash_table_size (pinned), ==, 2);

  /* The same again: known. */
  again_json = answer (sara.base64, bert.base64);
  again = keys_of (again_json);
  g_assert_cmpuint (kt_peer_keys_check (again, pinned), ==, 0);
  for (guint i = 0; i < again->len; i++)
    g_assert_cmpint (((KtPeerKey *) again->pdata[i])->state, ==, KT_PEER_KEY_KNOWN);

  /* The server puts another key in sara's place. */
  swapped_json = answer (impostor.base64, bert.base64);
  swapped = keys_of (swapped_json);
  g_assert_cmpuint (kt_peer_keys_check (swapped, pinned), ==, 1);
  sara_key = g_ptr_array_index (swapped, 1);
  g_assert_cmpint (sara_key->state, ==, KT_PEER_KEY_CHANGED);
  g_assert_cmpint (((KtPeerKey *) swapped->pdata[0])->state, ==, KT_PEER_KEY_KNOWN);
  g_assert_null (kt_peer_keys_lookup_usable (swapped, "sara"));
  g_assert_nonnull (kt_peer_keys_lookup_usable (swapped, "bert"));
  g_assert_null (kt_peer_keys_lookup_usable (swapped, "nobody"));
  /* What the device kept for sara is still her own key. */
  g_assert_true (g_bytes_equal (g_hash_table_lookup (pinned, "sara"), sara_public));

  /* Only when the user accepts it (after comparing fingerprints) is it used. */
  kt_peer_keys_accept (pinned, sara_key);
  g_assert_cmpint (sara_key->state, ==, KT_PEER_KEY_KNOWN);
  g_assert_true (g_bytes_equal (kt_peer_keys_lookup_usable (swapped, "sara"), sara_key->public_key));
  g_assert_true (g_bytes_equal (g_hash_table_lookup (pinned, "sara"), sara_key->public_key));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/peer-keys/answer-is-read-with-fingerprints", test_answer_is_read_with_fingerprints);
  g_test_add_func ("/peer-keys/malformed-answers-are-refused", test_malformed_answers_are_refused);
  g_test_add_func ("/peer-keys/substituted-key-warns-and-is-not-used",
                   test_substituted_key_warns_and_is_not_used);

  return g_test_run ();
}
