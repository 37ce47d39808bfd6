/* kt-crypto.c: the data key, record sealing, passphrase wrapping, and the
 * account keys that seal a record to its readers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-crypto"

#include "config.h"

#include "kt-crypto.h"

#include <string.h>
#include <sodium.h>

#define SEAL_VERSION 1
/* Version 2 is version 1 over the plaintext padded to a block
 * (kt_crypto_seal_padded()); the version byte is also the first byte of
 * its associated data, so neither version opens as the other. */
#define SEAL_PADDED_VERSION 2
#define PAD_BLOCK_MIN 256
#define PAD_BLOCK_MAX 4096
#define PADDED_AD_MAX 1024
G_STATIC_ASSERT (KT_SEAL_HEAD_SIZE == 1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
G_STATIC_ASSERT (KT_SEAL_TAG_SIZE == crypto_aead_xchacha20poly1305_ietf_ABYTES);
#define NONCE_SIZE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_SIZE crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEAL_OVERHEAD (1 + NONCE_SIZE + TAG_SIZE)
#define RECORD_AD_FORMAT "keukentafel/1|%s|%d|%" G_GINT64_FORMAT "|%s"

/* Wrapped key: version | opslimit (8, LE) | memlimit (8, LE) | salt | sealed key,
 * the header being the associated data of the sealed key. */
#define WRAP_VERSION 1
#define WRAP_HEADER_SIZE (1 + 8 + 8 + crypto_pwhash_SALTBYTES)

/* A content key sealed to a reader: version | crypto_box_seal (key). */
/* Version 1 was crypto_box_seal, anonymous: anyone holding a reader's
 * public key (the server among them) could make a key the reader opens.
 * Version 2 is crypto_box, authenticated by the sender's key pair. */
#define SEALED_KEY_VERSION 2
#define SEALED_KEY_SIZE (1 + crypto_box_NONCEBYTES + crypto_box_MACBYTES + KT_KEY_SIZE)
G_STATIC_ASSERT (SEALED_KEY_SIZE == KT_SEALED_KEY_SIZE);

/* Put before a recovery phrase before it is derived into a key, so that the
 * key wrapping a recovery bundle can never be the one a store passphrase of
 * the same letters would give. */
#define RECOVERY_CONTEXT "keukentafel/recovery/1|"

G_STATIC_ASSERT (KT_WRAPPED_KEY_SIZE == WRAP_HEADER_SIZE + SEAL_OVERHEAD + KT_KEY_SIZE);
G_STATIC_ASSERT (KT_PUBLIC_KEY_SIZE == crypto_box_PUBLICKEYBYTES);
G_STATIC_ASSERT (KT_KEY_SIZE == crypto_box_SECRETKEYBYTES);

struct _KtKey
{
  guint8 *bytes;     /* sodium_malloc'd, KT_KEY_SIZE */
};

static KtKey *
key_alloc (void)
{
  KtKey *key = g_new0 (KtKey, 1);

  key->bytes = sodium_malloc (KT_KEY_SIZE);
  if (key->bytes == NULL)
    g_error ("Out of secure memory");
  return key;
}

KtKey *
kt_key_new_random (void)
{
  KtKey *key = key_alloc ();

  randombytes_buf (key->bytes, KT_KEY_SIZE);
  return key;
}

KtKey *
kt_key_new_from_data (const guint8 *data,
                      gsize         size)
{
  KtKey *key;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (size == KT_KEY_SIZE, NULL);

  key = key_alloc ();
  memcpy (key->bytes, data, KT_KEY_SIZE);
  return key;
}

KtKey *
kt_key_copy (const KtKey *key)
{
  return kt_key_new_from_data (key->bytes, KT_KEY_SIZE);
}

const guint8 *
kt_key_peek (const KtKey *key)
{
  return key->bytes;
}

void
kt_key_free (KtKey *key)
{
  if (key == NULL)
    return;
  sodium_memzero (key->bytes, KT_KEY_SIZE);
  sodium_free (key->bytes);
  g_free (key);
}

GBytes *
kt_crypto_record_ad (const char *id,
                     int         kind,
                     gint64      rev,
                     const char *part)
{
  char *ad = g_strdup_printf (RECORD_AD_FORMAT, id, kind, rev, part);

  return g_bytes_new_take (ad, strlen (ad));
}

gssize
kt_crypto_record_ad_into (char       *out,
                          gsize       out_size,
                          const char *id,
                          int         kind,
                          gint64      rev,
                          const char *part_head,
                          const char *part_tail)
{
  /* By hand: printf cost as much as opening the summary it is for, once
   * per row of the case list.  test-crypto holds it to RECORD_AD_FORMAT. */
  char number[24];
  const char *pieces[] = { "keukentafel/1|", id, "|", NULL, "|", NULL, "|", part_head, "|", part_tail };
  gsize length = 0;

  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      const char *piece = pieces[i];
      gsize size;

      if (i == 3 || i == 5)
        {
          gint64 value = i == 3 ? kind : rev;
          guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;
          char *p = number + sizeof number;

          do
            *--p = '0' + magnitude % 10;
          while ((magnitude /= 10) > 0);
          if (value < 0)
            *--p = '-';
          piece = p;
          size = number + sizeof number - p;
        }
      else
        size = strlen (piece);
      if (length + size >= out_size)
        return -1;
      memcpy (out + length, piece, size);
      length += size;
    }
  out[length] = '\0';
  return length;
}

static void
wipe_and_free (gpointer data)
{
  GBytes *owner = data;
  gsize size;
  gconstpointer bytes = g_bytes_get_data (owner, &size);

  sodium_memzero ((gpointer) bytes, size);
  g_bytes_unref (owner);
}

/* Bytes of @size whose memory is wiped when the last reference goes. */
static GBytes *
wiped_bytes_new (gsize     size,
                 guint8  **data)
{
  GBytes *owner;

  *data = g_malloc (MAX (size, 1));
  owner = g_bytes_new_take (*data, size);
  return g_bytes_new_with_free_func (*data, size, wipe_and_free, owner);
}

GBytes *
kt_crypto_seal (const KtKey *key,
                GBytes      *ad,
                GBytes      *plaintext)
{
  gsize plain_size, ad_size;
  const guint8 *plain = g_bytes_get_data (plaintext, &plain_size);
  const guint8 *ad_data = g_bytes_get_data (ad, &ad_size);
  guint8 *out = g_malloc (plain_size + SEAL_OVERHEAD);
  unsigned long long out_size = 0;

  out[0] = SEAL_VERSION;
  randombytes_buf (out + 1, NONCE_SIZE);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + 1 + NONCE_SIZE, &out_size,
                                              plain, plain_size,
                                              ad_data, ad_size,
                                              NULL, out + 1, key->bytes);
  return g_bytes_new_take (out, out_size + 1 + NONCE_SIZE);
}

gboolean
kt_crypto_is_padded_seal (const guint8 *sealed,
                          gsize         size)
{
  return sealed != NULL && size >= SEAL_OVERHEAD && sealed[0] == SEAL_PADDED_VERSION;
}

gsize
kt_crypto_pad_block (gsize size)
{
  gsize block = PAD_BLOCK_MIN;

  /* The largest power of two up to a 32nd of the plaintext, within
   * [256, 4096]: at most about 3 % more bytes to seal and hash (256 for
   * small records), and a conversation typed into at a few characters a
   * save crosses into the next block about once in 250 saves. */
  while (block < PAD_BLOCK_MAX && block * 2 <= size / 32)
    block *= 2;
  return block;
}

/* @ad with the version byte before it, in @buf (PADDED_AD_MAX bytes; a
 * record's associated data is well under a hundred); NULL when @ad does
 * not fit. */
static const guint8 *
padded_ad (GBytes  *ad,
           guint8  *buf,
           gsize   *size)
{
  gsize ad_size;
  const guint8 *ad_data = g_bytes_get_data (ad, &ad_size);

  if (ad_size + 1 > PADDED_AD_MAX)
    return NULL;
  buf[0] = SEAL_PADDED_VERSION;
  if (ad_size > 0)
    memcpy (buf + 1, ad_data, ad_size);
  *size = ad_size + 1;
  return buf;
}

/* @size bytes of @plain, then the padding to @padded_size, into @out:
 * sodium_pad()'s layout (0x80, then zeros), written directly.
 * sodium_pad() runs over the whole block in constant time, which hides
 * nothing here (the sealed size shows the block) and cost 17,000
 * instructions a save. */
static void
pad_into (guint8       *out,
          const guint8 *plain,
          gsize         size,
          gsize         padded_size)
{
  if (size > 0)
    memcpy (out, plain, size);
  out[size] = 0x80;
  memset (out + size + 1, 0, padded_size - size - 1);
}

static gsize
padded_size_of (gsize size)
{
  gsize block = kt_crypto_pad_block (size);

  return (size / block + 1) * block;
}

GBytes *
kt_crypto_pad (GBytes *plaintext)
{
  gsize size;
  const guint8 *plain = g_bytes_get_data (plaintext, &size);
  gsize padded_size = padded_size_of (size);
  guint8 *out = g_malloc (padded_size);

  pad_into (out, plain, size, padded_size);
  return g_bytes_new_take (out, padded_size);
}

GBytes *
kt_crypto_seal_padded (const KtKey *key,
                       GBytes      *ad,
                       GBytes      *plaintext)
{
  gsize plain_size, ad_size = 0;
  const guint8 *plain = g_bytes_get_data (plaintext, &plain_size);
  gsize padded_size = padded_size_of (plain_size);
  guint8 ad_buf[PADDED_AD_MAX];
  const guint8 *ad_data = padded_ad (ad, ad_buf, &ad_size);
  guint8 *out;
  unsigned long long out_size = 0;

  g_return_val_if_fail (ad_data != NULL, NULL);

  /* Padded in place in the output, then encrypted over itself
   * (libsodium allows the two to be the same buffer): no plaintext copy
   * left behind to wipe. */
  out = g_malloc (padded_size + SEAL_OVERHEAD);
  pad_into (out + 1 + NONCE_SIZE, plain, plain_size, padded_size);
  out[0] = SEAL_PADDED_VERSION;
  randombytes_buf (out + 1, NONCE_SIZE);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + 1 + NONCE_SIZE, &out_size,
                                              out + 1 + NONCE_SIZE, padded_size,
                                              ad_data, ad_size,
                                              NULL, out + 1, key->bytes);
  return g_bytes_new_take (out, out_size + 1 + NONCE_SIZE);
}

/* Opens nonce | ciphertext + tag (@in, @size bytes) into wiped bytes. */
static GBytes *
open_after_version (const KtKey  *key,
                    GBytes       *ad,
                    const guint8 *in,
                    gsize         size)
{
  gsize ad_size;
  const guint8 *ad_data = g_bytes_get_data (ad, &ad_size);
  g_autoptr(GBytes) plain = NULL;
  guint8 *out;
  unsigned long long out_size = 0;

  if (in == NULL || size < NONCE_SIZE + TAG_SIZE)
    return NULL;
  plain = wiped_bytes_new (size - NONCE_SIZE - TAG_SIZE, &out);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (out, &out_size, NULL,
                                                  in + NONCE_SIZE, size - NONCE_SIZE,
                                                  ad_data, ad_size, in, key->bytes) != 0)
    return NULL;
  g_assert (out_size == size - NONCE_SIZE - TAG_SIZE);
  return g_steal_pointer (&plain);
}

GBytes *
kt_crypto_open (const KtKey *key,
                GBytes      *ad,
                GBytes      *sealed)
{
  gsize size;
  const guint8 *in = g_bytes_get_data (sealed, &size);

  if (in == NULL || size < SEAL_OVERHEAD)
    return NULL;
  if (in[0] == SEAL_PADDED_VERSION)
    {
      guint8 ad_buf[PADDED_AD_MAX];
      gsize ad_size = 0;
      const guint8 *ad_data = padded_ad (ad, ad_buf, &ad_size);
      g_autoptr(GBytes) with_version = NULL;
      g_autoptr(GBytes) padded = NULL;
      gsize padded_size;
      const guint8 *data;
      size_t unpadded = 0;

      if (ad_data == NULL)
        return NULL;
      with_version = g_bytes_new_static (ad_data, ad_size);
      padded = open_after_version (key, with_version, in + 1, size - 1);
      if (padded == NULL)
        return NULL;
      /* The padding is shorter than its block, and no block is larger
       * than PAD_BLOCK_MAX: looking that far back finds it. */
      data = g_bytes_get_data (padded, &padded_size);
      if (padded_size == 0 ||
          sodium_unpad (&unpadded, data, padded_size, MIN (padded_size, PAD_BLOCK_MAX)) != 0)
        return NULL;
      /* A slice of the wiped bytes: the padding goes with them. */
      return g_bytes_new_from_bytes (padded, 0, unpadded);
    }
  if (in[0] != SEAL_VERSION)
    return NULL;
  return open_after_version (key, ad, in + 1, size - 1);
}

gssize
kt_crypto_open_into (const KtKey  *key,
                     const guint8 *ad,
                     gsize         ad_size,
                     const guint8 *sealed,
                     gsize         sealed_size,
                     guint8       *out,
                     gsize         out_size)
{
  unsigned long long out_len = 0;

  if (sealed == NULL || sealed_size < SEAL_OVERHEAD || sealed[0] != SEAL_VERSION ||
      sealed_size - SEAL_OVERHEAD > out_size)
    return -1;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (out, &out_len, NULL,
                                                  sealed + 1 + NONCE_SIZE, sealed_size - 1 - NONCE_SIZE,
                                                  ad, ad_size, sealed + 1, key->bytes) != 0)
    return -1;
  return (gssize) out_len;
}

GBytes *
kt_crypto_open_unversioned (const KtKey *key,
                            GBytes      *ad,
                            GBytes      *sealed)
{
  gsize size;
  const guint8 *in = g_bytes_get_data (sealed, &size);

  return open_after_version (key, ad, in, size);
}

static void
put_le64 (guint8  *out,
          guint64  value)
{
  for (int i = 0; i < 8; i++)
    out[i] = (value >> (8 * i)) & 0xff;
}

static guint64
get_le64 (const guint8 *in)
{
  guint64 value = 0;

  for (int i = 7; i >= 0; i--)
    value = (value << 8) | in[i];
  return value;
}

/* The key derived from @passphrase, or NULL when out of memory. */
static KtKey *
derive_key (const char   *passphrase,
            const guint8 *salt,
            guint64       opslimit,
            guint64       memlimit)
{
  g_autoptr(KtKey) derived = key_alloc ();

  if (crypto_pwhash (derived->bytes, KT_KEY_SIZE,
                     passphrase, strlen (passphrase), salt,
                     opslimit, memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return NULL;
  return g_steal_pointer (&derived);
}

GBytes *
kt_crypto_wrap_key (const KtKey *key,
                    const char  *passphrase,
                    guint64      opslimit,
                    guint64      memlimit)
{
  guint8 header[WRAP_HEADER_SIZE];
  g_autoptr(KtKey) derived = NULL;
  g_autoptr(GBytes) ad = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) sealed = NULL;
  GByteArray *out;

  header[0] = WRAP_VERSION;
  put_le64 (header + 1, opslimit);
  put_le64 (header + 9, memlimit);
  randombytes_buf (header + 17, crypto_pwhash_SALTBYTES);

  derived = derive_key (passphrase, header + 17, opslimit, memlimit);
  if (derived == NULL)
    return NULL;

  ad = g_bytes_new_static (header, sizeof header);
  plain = g_bytes_new_static (key->bytes, KT_KEY_SIZE);
  sealed = kt_crypto_seal (derived, ad, plain);

  out = g_byte_array_sized_new (sizeof header + g_bytes_get_size (sealed));
  g_byte_array_append (out, header, sizeof header);
  g_byte_array_append (out, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
  return g_byte_array_free_to_bytes (out);
}

KtKey *
kt_crypto_unwrap_key (GBytes         *wrapped,
                      const char     *passphrase,
                      KtUnwrapResult *result)
{
  gsize size;
  const guint8 *in = g_bytes_get_data (wrapped, &size);
  guint64 opslimit, memlimit;
  g_autoptr(KtKey) derived = NULL;
  g_autoptr(GBytes) ad = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) plain = NULL;

  if (in == NULL || size != KT_WRAPPED_KEY_SIZE ||
      in[0] != WRAP_VERSION)
    {
      *result = KT_UNWRAP_MALFORMED;
      return NULL;
    }

  opslimit = get_le64 (in + 1);
  memlimit = get_le64 (in + 9);
  if (opslimit < crypto_pwhash_OPSLIMIT_MIN || opslimit > KT_PWHASH_OPSLIMIT_MAX ||
      memlimit < crypto_pwhash_MEMLIMIT_MIN || memlimit > KT_PWHASH_MEMLIMIT_MAX)
    {
      *result = KT_UNWRAP_MALFORMED;
      return NULL;
    }

  derived = derive_key (passphrase, in + 17, opslimit, memlimit);
  if (derived == NULL)
    {
      *result = KT_UNWRAP_NO_MEMORY;
      return NULL;
    }

  ad = g_bytes_new_static (in, WRAP_HEADER_SIZE);
  sealed = g_bytes_new_static (in + WRAP_HEADER_SIZE, size - WRAP_HEADER_SIZE);
  plain = kt_crypto_open (derived, ad, sealed);
  if (plain == NULL)
    {
      *result = KT_UNWRAP_WRONG_PASSPHRASE;
      return NULL;
    }

  *result = KT_UNWRAP_OK;
  return kt_key_new_from_data (g_bytes_get_data (plain, NULL), KT_KEY_SIZE);
}

GBytes *
kt_crypto_base64_decode_exact (const char *text,
                               gsize       size)
{
  gsize length, decoded_size = 0;
  guchar *decoded;

  if (text == NULL)
    return NULL;
  length = strlen (text);
  if (length != (size + 2) / 3 * 4)
    return NULL;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/' &&
        !(text[i] == '=' && i + 2 >= length))
      return NULL;
  decoded = g_base64_decode (text, &decoded_size);
  if (decoded_size != size)
    {
      g_free (decoded);
      return NULL;
    }
  return g_bytes_new_take (decoded, decoded_size);
}

GBytes *
kt_crypto_public_key (const KtKey *secret)
{
  guint8 public_key[KT_PUBLIC_KEY_SIZE];

  g_return_val_if_fail (secret != NULL, NULL);

  /* What crypto_box_keypair() does after drawing the secret. */
  crypto_scalarmult_base (public_key, secret->bytes);
  return g_bytes_new (public_key, sizeof public_key);
}

char *
kt_crypto_key_fingerprint (GBytes *public_key)
{
  static const char context[] = "keukentafel/fingerprint/1|";
  crypto_generichash_state state;
  guint8 hash[16];
  gsize size;
  const guint8 *data = g_bytes_get_data (public_key, &size);
  GString *out = g_string_sized_new (40);

  crypto_generichash_init (&state, NULL, 0, sizeof hash);
  crypto_generichash_update (&state, (const guint8 *) context, strlen (context));
  crypto_generichash_update (&state, data, size);
  crypto_generichash_final (&state, hash, sizeof hash);

  for (gsize i = 0; i < sizeof hash; i += 2)
    g_string_append_printf (out, "%s%02X%02X", i > 0 ? " " : "", hash[i], hash[i + 1]);
  return g_string_free (out, FALSE);
}

static gboolean
public_key_is_sized (GBytes *public_key)
{
  return public_key != NULL && g_bytes_get_size (public_key) == KT_PUBLIC_KEY_SIZE;
}

GBytes *
kt_crypto_seal_key_to (const KtKey *content_key,
                       GBytes      *public_key,
                       const KtKey *sender)
{
  guint8 *out;

  g_return_val_if_fail (content_key != NULL, NULL);
  g_return_val_if_fail (sender != NULL, NULL);

  if (!public_key_is_sized (public_key))
    return NULL;

  out = g_malloc (SEALED_KEY_SIZE);
  out[0] = SEALED_KEY_VERSION;
  randombytes_buf (out + 1, crypto_box_NONCEBYTES);
  /* Fails for a public key of small order, whose shared secret would be
   * known to anyone. */
  if (crypto_box_easy (out + 1 + crypto_box_NONCEBYTES, content_key->bytes, KT_KEY_SIZE,
                       out + 1, g_bytes_get_data (public_key, NULL), sender->bytes) != 0)
    {
      g_free (out);
      return NULL;
    }
  return g_bytes_new_take (out, SEALED_KEY_SIZE);
}

KtKey *
kt_crypto_open_sealed_key (GBytes      *sealed_key,
                           GBytes      *sender_public_key,
                           const KtKey *secret)
{
  gsize size;
  const guint8 *in = g_bytes_get_data (sealed_key, &size);
  g_autoptr(KtKey) content_key = NULL;

  g_return_val_if_fail (secret != NULL, NULL);

  if (in == NULL || size != SEALED_KEY_SIZE || in[0] != SEALED_KEY_VERSION ||
      !public_key_is_sized (sender_public_key))
    return NULL;

  content_key = key_alloc ();
  if (crypto_box_open_easy (content_key->bytes, in + 1 + crypto_box_NONCEBYTES,
                            size - 1 - crypto_box_NONCEBYTES, in + 1,
                            g_bytes_get_data (sender_public_key, NULL), secret->bytes) != 0)
    return NULL;
  return g_steal_pointer (&content_key);
}

GBytes *
kt_crypto_seal_for_readers (GBytes      *ad,
                            GBytes      *plaintext,
                            const KtKey *sender,
                            GPtrArray   *public_keys,
                            GPtrArray  **sealed_keys)
{
  g_autoptr(KtKey) content_key = kt_key_new_random ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_return_val_if_fail (public_keys != NULL, NULL);
  g_return_val_if_fail (sealed_keys != NULL, NULL);

  *sealed_keys = NULL;
  for (guint i = 0; i < public_keys->len; i++)
    {
      GBytes *sealed = kt_crypto_seal_key_to (content_key, public_keys->pdata[i], sender);

      if (sealed == NULL)
        return NULL;
      g_ptr_array_add (keys, sealed);
    }

  *sealed_keys = g_steal_pointer (&keys);
  return kt_crypto_seal (content_key, ad, plaintext);
}

GBytes *
kt_crypto_open_for_reader (GBytes      *ad,
                           GBytes      *sealed_body,
                           GBytes      *sealed_key,
                           GBytes      *sender_public_key,
                           const KtKey *secret)
{
  g_autoptr(KtKey) content_key = kt_crypto_open_sealed_key (sealed_key, sender_public_key, secret);

  if (content_key == NULL)
    return NULL;
  return kt_crypto_open (content_key, ad, sealed_body);
}

/* RECOVERY_CONTEXT and @phrase in sodium_malloc'd memory, which the caller
 * wipes with sodium_free(). */
static char *
recovery_passphrase (const char *phrase)
{
  gsize context_size = strlen (RECOVERY_CONTEXT);
  gsize phrase_size = strlen (phrase);
  char *out = sodium_malloc (context_size + phrase_size + 1);

  if (out == NULL)
    g_error ("Out of secure memory");
  memcpy (out, RECOVERY_CONTEXT, context_size);
  memcpy (out + context_size, phrase, phrase_size + 1);
  return out;
}

GBytes *
kt_crypto_seal_recovery_bundle (const KtKey *secret,
                                const char  *phrase,
                                guint64      opslimit,
                                guint64      memlimit)
{
  char *passphrase = recovery_passphrase (phrase);
  GBytes *bundle = kt_crypto_wrap_key (secret, passphrase, opslimit, memlimit);

  sodium_free (passphrase);
  return bundle;
}

KtKey *
kt_crypto_open_recovery_bundle (GBytes         *bundle,
                                const char     *phrase,
                                KtUnwrapResult *result)
{
  char *passphrase = recovery_passphrase (phrase);
  KtKey *secret = kt_crypto_unwrap_key (bundle, passphrase, result);

  sodium_free (passphrase);
  return secret;
}
