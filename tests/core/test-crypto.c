/* test-crypto.c: account keys, records sealed to their readers, and the
 * recovery phrase and bundle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* memmem () */
#define G_LOG_DOMAIN "test-crypto"

#include "config.h"

#include <string.h>
#include <sodium.h>

#include "kt-core.h"
#include "kt-crypto.h"
#include "kt-recovery-phrase.h"

#define MARKER "Verzegeld-merkteken-41c9"
#define RECORD_ID "0b7e8c1e-5f7a-4c57-9d61-0d3c2a8f1e11"
#define KIND_PLAN 3

/* The cheapest Argon2id libsodium allows: the tests check the format, not
 * the cost. */
#define TEST_OPSLIMIT crypto_pwhash_OPSLIMIT_MIN
#define TEST_MEMLIMIT crypto_pwhash_MEMLIMIT_MIN

static GBytes *
marker_body (void)
{
  return g_bytes_new_static ("{\"household\":\"" MARKER "\"}",
                             strlen ("{\"household\":\"" MARKER "\"}"));
}

static gboolean
bytes_contain (GBytes     *bytes,
               const char *needle)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return memmem (data, size, needle, strlen (needle)) != NULL;
}

/* @bytes with byte @at flipped (transfer full). */
static GBytes *
flipped (GBytes *bytes,
         gsize   at)
{
  gsize size;
  guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, &size), g_bytes_get_size (bytes));

  copy[at] ^= 0x01;
  return g_bytes_new_take (copy, size);
}

static GPtrArray *
public_keys_of (KtKey **secrets,
                guint   count)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < count; i++)
    g_ptr_array_add (keys, kt_crypto_public_key (secrets[i]));
  return keys;
}

/* The account that seals in these tests. */
static KtKey *author_secret;
static GBytes *author_public;

/* The marker body sealed by the author, under @ad, to @reader alone
 * (transfer full). */
static GBytes *
seal_marker_to (KtKey       *reader,
                GBytes      *ad,
                GPtrArray  **sealed_keys)
{
  g_autoptr(GPtrArray) public_keys = public_keys_of (&reader, 1);
  g_autoptr(GBytes) body = marker_body ();
  GBytes *sealed = kt_crypto_seal_for_readers (ad, body, author_secret, public_keys, sealed_keys);

  g_assert_nonnull (sealed);
  return sealed;
}

static void
test_public_key_is_the_box_key_pair (void)
{
  guint8 pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  g_autoptr(KtKey) secret = NULL;
  g_autoptr(GBytes) public_key = NULL;

  crypto_box_keypair (pk, sk);
  secret = kt_key_new_from_data (sk, sizeof sk);
  public_key = kt_crypto_public_key (secret);
  g_assert_cmpmem (g_bytes_get_data (public_key, NULL), g_bytes_get_size (public_key),
                   pk, sizeof pk);
}

static void
test_fingerprint_reads_as_groups_and_tells_keys_apart (void)
{
  g_autoptr(KtKey) a = kt_key_new_random ();
  g_autoptr(KtKey) b = kt_key_new_random ();
  g_autoptr(GBytes) pa = kt_crypto_public_key (a);
  g_autoptr(GBytes) pb = kt_crypto_public_key (b);
  g_autofree char *fa = kt_crypto_key_fingerprint (pa);
  g_autofree char *fa2 = kt_crypto_key_fingerprint (pa);
  g_autofree char *fb = kt_crypto_key_fingerprint (pb);
  g_auto(GStrv) groups = g_strsplit (fa, " ", -1);

  g_assert_cmpstr (fa, ==, fa2);
  g_assert_cmpstr (fa, !=, fb);
  g_assert_cmpuint (g_strv_length (groups), ==, 8);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (groups[i]), ==, 4);
      for (const char *c = groups[i]; *c != '\0'; c++)
        g_assert_true (g_ascii_isxdigit (*c) && !g_ascii_islower (*c));
    }
}

static void
test_every_reader_opens_and_no_one_else (void)
{
  KtKey *readers[3] = { kt_key_new_random (), kt_key_new_random (), kt_key_new_random () };
  g_autoptr(KtKey) outsider = kt_key_new_random ();
  g_autoptr(GPtrArray) public_keys = public_keys_of (readers, G_N_ELEMENTS (readers));
  g_autoptr(GPtrArray) sealed_keys = NULL;
  g_autoptr(GBytes) ad = kt_crypto_record_ad (RECORD_ID, KIND_PLAN, 4, "sealed");
  g_autoptr(GBytes) body = marker_body ();
  g_autoptr(GBytes) sealed = kt_crypto_seal_for_readers (ad, body, author_secret, public_keys, &sealed_keys);

  g_assert_nonnull (sealed);
  g_assert_cmpuint (sealed_keys->len, ==, G_N_ELEMENTS (readers));
  g_assert_false (bytes_contain (sealed, MARKER));

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      g_autoptr(GBytes) opened = kt_crypto_open_for_reader (ad, sealed, sealed_keys->pdata[i],
                                                            author_public, readers[i]);

      g_assert_nonnull (opened);
      g_assert_true (g_bytes_equal (opened, body));
      g_assert_false (bytes_contain (sealed_keys->pdata[i], MARKER));

      /* A reader's sealed key is for that reader alone. */
      for (guint j = 0; j < G_N_ELEMENTS (readers); j++)
        if (j != i)
          g_assert_null (kt_crypto_open_sealed_key (sealed_keys->pdata[i], author_public, readers[j]));
      g_assert_null (kt_crypto_open_for_reader (ad, sealed, sealed_keys->pdata[i], author_public, outsider));
    }

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    kt_key_free (readers[i]);
}

static void
test_a_reader_reseals_for_a_later_reader (void)
{
  g_autoptr(KtKey) coach = kt_key_new_random ();
  g_autoptr(GBytes) coach_public = kt_crypto_public_key (coach);
  g_autoptr(KtKey) supervisor = kt_key_new_random ();
  g_autoptr(GPtrArray) sealed_keys = NULL;
  g_autoptr(GBytes) ad = kt_crypto_record_ad (RECORD_ID, KIND_PLAN, 2, "sealed");
  g_autoptr(GBytes) body = marker_body ();
  g_autoptr(GBytes) sealed = seal_marker_to (coach, ad, &sealed_keys);
  g_autoptr(KtKey) content_key = NULL;
  g_autoptr(GBytes) supervisor_public = kt_crypto_public_key (supervisor);
  g_autoptr(GBytes) resealed = NULL;
  g_autoptr(GBytes) opened = NULL;

  /* Before: the supervisor has nothing to open it with. */
  g_assert_null (kt_crypto_open_for_reader (ad, sealed, sealed_keys->pdata[0], author_public,
                                            supervisor));

  /* The coach, a reader, re-seals: the key now comes from the coach. */
  content_key = kt_crypto_open_sealed_key (sealed_keys->pdata[0], author_public, coach);
  g_assert_nonnull (content_key);
  resealed = kt_crypto_seal_key_to (content_key, supervisor_public, coach);
  g_assert_nonnull (resealed);

  opened = kt_crypto_open_for_reader (ad, sealed, resealed, coach_public, supervisor);
  g_assert_nonnull (opened);
  g_assert_true (g_bytes_equal (opened, body));
  /* Taken as if from the author, it does not open. */
  g_assert_null (kt_crypto_open_for_reader (ad, sealed, resealed, author_public, supervisor));
}

/* Whoever knows only a reader's public key -- the server keeps it in the
 * key directory -- cannot make a record that reader opens as the author's:
 * the key must come from the author's own secret. */
static void
test_a_planted_record_does_not_open (void)
{
  g_autoptr(KtKey) reader = kt_key_new_random ();
  g_autoptr(KtKey) server = kt_key_new_random ();
  g_autoptr(GPtrArray) public_keys = public_keys_of (&reader, 1);
  g_autoptr(GPtrArray) planted_keys = NULL;
  g_autoptr(GBytes) ad = kt_crypto_record_ad (RECORD_ID, KIND_PLAN, 1, "sealed");
  g_autoptr(GBytes) body = marker_body ();
  g_autoptr(GBytes) planted = kt_crypto_seal_for_readers (ad, body, server, public_keys,
                                                          &planted_keys);

  g_assert_nonnull (planted);
  g_assert_null (kt_crypto_open_sealed_key (planted_keys->pdata[0], author_public, reader));
  g_assert_null (kt_crypto_open_for_reader (ad, planted, planted_keys->pdata[0], author_public,
                                            reader));
}

static void
test_tampered_body_does_not_open (void)
{
  g_autoptr(KtKey) reader = kt_key_new_random ();
  g_autoptr(GPtrArray) sealed_keys = NULL;
  g_autoptr(GBytes) ad = kt_crypto_record_ad (RECORD_ID, KIND_PLAN, 4, "sealed");
  g_autoptr(GBytes) sealed = seal_marker_to (reader, ad, &sealed_keys);
  gsize size = g_bytes_get_size (sealed);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (sealed, 0, size - 1);

  for (gsize at = 0; at < size; at++)
    {
      g_autoptr(GBytes) bad = flipped (sealed, at);

      g_assert_null (kt_crypto_open_for_reader (ad, bad, sealed_keys->pdata[0], author_public, reader));
    }
  g_assert_null (kt_crypto_open_for_reader (ad, truncated, sealed_keys->pdata[0], author_public, reader));
}

static void
test_tampered_sealed_key_does_not_open (void)
{
  g_autoptr(KtKey) reader = kt_key_new_random ();
  g_autoptr(GPtrArray) sealed_keys = NULL;
  g_autoptr(GBytes) ad = kt_crypto_record_ad (RECORD_ID, KIND_PLAN, 4, "sealed");
  g_autoptr(GBytes) sealed = seal_marker_to (reader, ad, &sealed_keys);
  GBytes *sealed_key = sealed_keys->pdata[0];
  gsize size = g_bytes_get_size (sealed_key);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (sealed_key, 0, size - 1);

  for (gsize at = 0; at < size; at++)
    {
      g_autoptr(GBytes) bad = flipped (sealed_key, at);

      g_assert_null (kt_crypto_open_sealed_key (bad, author_public, reader));
    }
  g_assert_null (kt_crypto_open_sealed_key (truncated, author_public, reader));
}

/* A body moved to another record, kind or revision, or a content key taken
 * from another record, does not open: the server cannot swap or roll back
 * what it keeps. */
static void
test_body_is_bound_to_its_record (void)
{
  g_autoptr(KtKey) reader = kt_key_new_random ();
  g_autoptr(GPtrArray) keys_a = NULL;
  g_autoptr(GPtrArray) keys_b = NULL;
  g_autoptr(GBytes) ad = kt_crypto_record_ad (RECORD_ID, KIND_PLAN, 4, "sealed");
  g_autoptr(GBytes) other_id = kt_crypto_record_ad ("another-record", KIND_PLAN, 4, "sealed");
  g_autoptr(GBytes) other_kind = kt_crypto_record_ad (RECORD_ID, KIND_PLAN + 1, 4, "sealed");
  g_autoptr(GBytes) older_rev = kt_crypto_record_ad (RECORD_ID, KIND_PLAN, 3, "sealed");
  g_autoptr(GBytes) sealed_a = seal_marker_to (reader, ad, &keys_a);
  g_autoptr(GBytes) sealed_b = seal_marker_to (reader, older_rev, &keys_b);
  g_autoptr(GBytes) opened = kt_crypto_open_for_reader (ad, sealed_a, keys_a->pdata[0], author_public, reader);

  g_assert_nonnull (opened);
  g_assert_null (kt_crypto_open_for_reader (other_id, sealed_a, keys_a->pdata[0], author_public, reader));
  g_assert_null (kt_crypto_open_for_reader (other_kind, sealed_a, keys_a->pdata[0], author_public, reader));
  g_assert_null (kt_crypto_open_for_reader (older_rev, sealed_a, keys_a->pdata[0], author_public, reader));
  /* The older revision's body offered as the newer one. */
  g_assert_null (kt_crypto_open_for_reader (ad, sealed_b, keys_b->pdata[0], author_public, reader));
  /* Each revision has its own content key. */
  g_assert_null (kt_crypto_open_for_reader (ad, sealed_a, keys_b->pdata[0], author_public, reader));
}

static void
test_unusable_public_key_seals_nothing (void)
{
  g_autoptr(KtKey) content_key = kt_key_new_random ();
  g_autoptr(KtKey) reader = kt_key_new_random ();
  guint8 zeros[KT_PUBLIC_KEY_SIZE] = { 0 };
  g_autoptr(GBytes) zero_key = g_bytes_new (zeros, sizeof zeros);
  g_autoptr(GBytes) short_key = g_bytes_new (zeros, sizeof zeros - 1);
  g_autoptr(GPtrArray) public_keys = public_keys_of (&reader, 1);
  g_autoptr(GPtrArray) sealed_keys = NULL;
  g_autoptr(GBytes) ad = kt_crypto_record_ad (RECORD_ID, KIND_PLAN, 1, "sealed");
  g_autoptr(GBytes) body = marker_body ();

  g_assert_null (kt_crypto_seal_key_to (content_key, zero_key, author_secret));
  g_assert_null (kt_crypto_seal_key_to (content_key, short_key, author_secret));

  /* One bad reader key among good ones: nothing is sealed, not a record
   * some readers silently cannot open. */
  g_ptr_array_add (public_keys, g_bytes_ref (zero_key));
  g_assert_null (kt_crypto_seal_for_readers (ad, body, author_secret, public_keys, &sealed_keys));
  g_assert_null (sealed_keys);
}

static void
test_base64_must_be_exact (void)
{
  static const guint8 data[4] = { 0xfb, 0xff, 0x00, 0x41 };
  g_autofree char *text = g_base64_encode (data, sizeof data);   /* "+/8AQQ==" */
  g_autoptr(GBytes) decoded = kt_crypto_base64_decode_exact (text, sizeof data);
  static const char * const refused[] = {
    "+/8AQQ=",      /* short */
    "+/8AQQ===",    /* long */
    "+/8A QQ=",     /* a space g_base64_decode () would skip */
    "+/8A!QQ=",
    "+/=AQQ==",     /* padding inside */
    "+/8AQQAA",     /* six bytes */
    "",
  };

  g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), data, sizeof data);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GBytes) bad = kt_crypto_base64_decode_exact (refused[i], sizeof data);

      g_assert_null (bad);
    }
  g_assert_null (kt_crypto_base64_decode_exact (NULL, sizeof data));
  g_assert_null (kt_crypto_base64_decode_exact (text, sizeof data - 1));
}

static gboolean
is_list_word (const char *word)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) twelve = g_string_new (NULL);
  char *normalized;

  /* A word is in the list when the only thing wrong with a phrase of twelve
   * of it is the checksum or nothing at all. */
  for (guint i = 0; i < KT_RECOVERY_PHRASE_WORDS; i++)
    g_string_append_printf (twelve, "%s ", word);
  normalized = kt_recovery_phrase_normalize (twelve->str, &error);
  kt_recovery_phrase_free (normalized);
  return normalized != NULL ||
         g_error_matches (error, KT_RECOVERY_PHRASE_ERROR, KT_RECOVERY_PHRASE_ERROR_CHECKSUM);
}

static void
test_new_phrase_is_twelve_list_words_and_reads_back (void)
{
  for (guint round = 0; round < 20; round++)
    {
      char *phrase = kt_recovery_phrase_new ();
      char *again = kt_recovery_phrase_new ();
      g_auto(GStrv) words = g_strsplit (phrase, " ", -1);
      g_autoptr(GError) error = NULL;
      char *normalized = kt_recovery_phrase_normalize (phrase, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (normalized, ==, phrase);
      g_assert_cmpstr (again, !=, phrase);
      g_assert_cmpuint (g_strv_length (words), ==, KT_RECOVERY_PHRASE_WORDS);
      for (guint i = 0; words[i] != NULL; i++)
        g_assert_true (is_list_word (words[i]));

      kt_recovery_phrase_free (normalized);
      kt_recovery_phrase_free (again);
      kt_recovery_phrase_free (phrase);
    }
}

/* BIP-39's own test vectors: the same words for the same bits. */
static void
test_phrase_words_are_bip39s (void)
{
  static const char *vectors[] = {
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
    "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      char *normalized = kt_recovery_phrase_normalize (vectors[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (normalized, ==, vectors[i]);
      kt_recovery_phrase_free (normalized);
    }
}

static void
test_phrase_as_typed_is_forgiven_its_spelling (void)
{
  g_autoptr(GError) error = NULL;
  char *normalized = kt_recovery_phrase_normalize (
    "  LEGAL winn thank\tyear\nwave sausa worth useful, legal WINNER thank yell ", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (normalized, ==,
                   "legal winner thank year wave sausage worth useful legal winner thank yellow");
  kt_recovery_phrase_free (normalized);
}

static void
test_phrase_mistakes_are_told_apart (void)
{
  static const struct {
    const char *typed;
    int         code;
    const char *message_part;
  } cases[] = {
    /* eleven words */
    { "legal winner thank year wave sausage worth useful legal winner thank",
      KT_RECOVERY_PHRASE_ERROR_LENGTH, "12" },
    /* thirteen */
    { "legal winner thank year wave sausage worth useful legal winner thank yellow zoo",
      KT_RECOVERY_PHRASE_ERROR_LENGTH, "12" },
    /* the seventh word misspelt past its first four letters */
    { "legal winner thank year wave sausage wortj useful legal winner thank yellow",
      KT_RECOVERY_PHRASE_ERROR_UNKNOWN_WORD, "7" },
    /* three letters that begin a word but are not one */
    { "wor winner thank year wave sausage worth useful legal winner thank yellow",
      KT_RECOVERY_PHRASE_ERROR_UNKNOWN_WORD, "1" },
    /* two words swapped */
    { "legal winner thank year wave sausage worth useful legal winner yellow thank",
      KT_RECOVERY_PHRASE_ERROR_CHECKSUM, NULL },
    { "about abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
      KT_RECOVERY_PHRASE_ERROR_CHECKSUM, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      char *normalized = kt_recovery_phrase_normalize (cases[i].typed, &error);

      g_assert_null (normalized);
      g_assert_error (error, KT_RECOVERY_PHRASE_ERROR, cases[i].code);
      if (cases[i].message_part != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].message_part));
      /* The message never repeats what was typed. */
      g_assert_null (strstr (error->message, "wortj"));
      g_assert_null (strstr (error->message, "legal"));
    }
}

static void
test_recovery_bundle_opens_with_its_phrase_only (void)
{
  g_autoptr(KtKey) secret = kt_key_new_random ();
  char *phrase = kt_recovery_phrase_new ();
  char *other = kt_recovery_phrase_new ();
  g_autoptr(GBytes) bundle = kt_crypto_seal_recovery_bundle (secret, phrase,
                                                             TEST_OPSLIMIT, TEST_MEMLIMIT);
  g_autoptr(KtKey) restored = NULL;
  g_autoptr(KtKey) wrong = NULL;
  g_autoptr(KtKey) as_store_key = NULL;
  g_autoptr(GBytes) truncated = NULL;
  g_autoptr(KtKey) from_truncated = NULL;
  g_autoptr(GBytes) public_key = kt_crypto_public_key (secret);
  g_autoptr(GBytes) restored_public = NULL;
  KtUnwrapResult result = KT_UNWRAP_MALFORMED;

  g_assert_nonnull (bundle);
  g_assert_false (bytes_contain (bundle, phrase));

  restored = kt_crypto_open_recovery_bundle (bundle, phrase, &result);
  g_assert_cmpint (result, ==, KT_UNWRAP_OK);
  g_assert_cmpmem (kt_key_peek (restored), KT_KEY_SIZE, kt_key_peek (secret), KT_KEY_SIZE);
  restored_public = kt_crypto_public_key (restored);
  g_assert_true (g_bytes_equal (restored_public, public_key));

  wrong = kt_crypto_open_recovery_bundle (bundle, other, &result);
  g_assert_null (wrong);
  g_assert_cmpint (result, ==, KT_UNWRAP_WRONG_PASSPHRASE);

  /* The phrase is no store passphrase: the same letters given to the
   * store's unwrapping open nothing. */
  as_store_key = kt_crypto_unwrap_key (bundle, phrase, &result);
  g_assert_null (as_store_key);
  g_assert_cmpint (result, ==, KT_UNWRAP_WRONG_PASSPHRASE);

  truncated = g_bytes_new_from_bytes (bundle, 0, g_bytes_get_size (bundle) - 1);
  from_truncated = kt_crypto_open_recovery_bundle (truncated, phrase, &result);
  g_assert_null (from_truncated);
  g_assert_cmpint (result, ==, KT_UNWRAP_MALFORMED);

  for (gsize at = 0; at < g_bytes_get_size (bundle); at++)
    {
      g_autoptr(GBytes) bad = flipped (bundle, at);
      g_autoptr(KtKey) opened = kt_crypto_open_recovery_bundle (bad, phrase, &result);

      g_assert_null (opened);
    }

  kt_recovery_phrase_free (other);
  kt_recovery_phrase_free (phrase);
}

/* The list's associated data, built by hand, is byte for byte the one
 * every sealed part of a record is bound to. */
static void
test_record_ad_into_is_record_ad (void)
{
  static const struct { const char *id; int kind; gint64 rev; const char *head, *tail; } cases[] = {
    { "6f1c2a9e-0000-4000-8000-000000000001", 0, 1, "", "summary" },
    { "6f1c2a9e-0000-4000-8000-000000000002", 2, G_MAXINT64, "case-7", "body" },
    { "x", -1, G_MININT64, "a|b", "" },
    { "", 12, 0, "", "" },
  };
  char out[256];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *part = g_strconcat (cases[i].head, "|", cases[i].tail, NULL);
      g_autoptr(GBytes) expected = kt_crypto_record_ad (cases[i].id, cases[i].kind, cases[i].rev, part);
      gssize n = kt_crypto_record_ad_into (out, sizeof out, cases[i].id, cases[i].kind, cases[i].rev,
                                           cases[i].head, cases[i].tail);

      g_assert_cmpint (n, ==, g_bytes_get_size (expected));
      g_assert_cmpmem (out, n, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
      g_assert_cmpint (out[n], ==, '\0');
      /* One byte short of room for it and its NUL: refused, not cut. */
      g_assert_cmpint (kt_crypto_record_ad_into (out, n, cases[i].id, cases[i].kind, cases[i].rev,
                                                 cases[i].head, cases[i].tail), ==, -1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());
  author_secret = kt_key_new_random ();
  author_public = kt_crypto_public_key (author_secret);

  g_test_add_func ("/crypto/account/public-key-is-the-box-key-pair",
                   test_public_key_is_the_box_key_pair);
  g_test_add_func ("/crypto/account/fingerprint-reads-as-groups-and-tells-keys-apart",
                   test_fingerprint_reads_as_groups_and_tells_keys_apart);
  g_test_add_func ("/crypto/account/base64-must-be-exact", test_base64_must_be_exact);
  g_test_add_func ("/crypto/record-ad/into-is-the-same", test_record_ad_into_is_record_ad);
  g_test_add_func ("/crypto/sealed/every-reader-opens-and-no-one-else",
                   test_every_reader_opens_and_no_one_else);
  g_test_add_func ("/crypto/sealed/a-reader-reseals-for-a-later-reader",
                   test_a_reader_reseals_for_a_later_reader);
  g_test_add_func ("/crypto/sealed/a-planted-record-does-not-open",
                   test_a_planted_record_does_not_open);
  g_test_add_func ("/crypto/sealed/tamper/body", test_tampered_body_does_not_open);
  g_test_add_func ("/crypto/sealed/tamper/sealed-key", test_tampered_sealed_key_does_not_open);
  g_test_add_func ("/crypto/sealed/tamper/body-is-bound-to-its-record",
                   test_body_is_bound_to_its_record);
  g_test_add_func ("/crypto/sealed/unusable-public-key-seals-nothing",
                   test_unusable_public_key_seals_nothing);
  g_test_add_func ("/crypto/recovery/new-phrase-is-twelve-list-words-and-reads-back",
                   test_new_phrase_is_twelve_list_words_and_reads_back);
  g_test_add_func ("/crypto/recovery/phrase-words-are-bip39s", test_phrase_words_are_bip39s);
  g_test_add_func ("/crypto/recovery/phrase-as-typed-is-forgiven-its-spelling",
                   test_phrase_as_typed_is_forgiven_its_spelling);
  g_test_add_func ("/crypto/recovery/phrase-mistakes-are-told-apart",
                   test_phrase_mistakes_are_told_apart);
  g_test_add_func ("/crypto/recovery/bundle-opens-with-its-phrase-only",
                   test_recovery_bundle_opens_with_its_phrase_only);

  return g_test_run ();
}
