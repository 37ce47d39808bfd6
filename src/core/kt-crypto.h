/* kt-crypto.h: the data key, record sealing, passphrase wrapping, and the
 * account keys that seal a record to its readers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A 256-bit data key in sodium_malloc'd memory, wiped when freed. */
typedef struct _KtKey KtKey;

#define KT_KEY_SIZE 32

/* A fresh random key (transfer full). */
KtKey        *kt_key_new_random (void);
/* A key holding a copy of @data, which must be KT_KEY_SIZE bytes long. */
KtKey        *kt_key_new_from_data (const guint8 *data,
                                    gsize         size);
KtKey        *kt_key_copy       (const KtKey *key);
const guint8 *kt_key_peek       (const KtKey *key);
/* Wipes the key with sodium_memzero and frees it. */
void          kt_key_free       (KtKey *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtKey, kt_key_free)

/* Associated data binding a sealed part of a record to the record's id, kind
 * and revision; @part tells the body from the summary (transfer full). */
GBytes *kt_crypto_record_ad (const char *id,
                             int         kind,
                             gint64      rev,
                             const char *part);
/* The same associated data written into @out, with @part given in two
 * pieces joined by '|'; its length, or -1 when it does not fit. */
gssize  kt_crypto_record_ad_into (char       *out,
                                  gsize       out_size,
                                  const char *id,
                                  int         kind,
                                  gint64      rev,
                                  const char *part_head,
                                  const char *part_tail);

/* XChaCha20-Poly1305 with a random nonce: returns version | nonce | ciphertext
 * (transfer full). */
GBytes *kt_crypto_seal (const KtKey *key,
                        GBytes      *ad,
                        GBytes      *plaintext);
/* kt_crypto_seal() over @plaintext padded to a multiple of
 * kt_crypto_pad_block() (ISO/IEC 7816-4, sodium_pad), as version 2: a text
 * that grows a little keeps its sealed size, which lets SQLite write the
 * row over its own pages, and the sealed size tells only the block, not
 * the length.  kt_crypto_open() opens both versions (transfer full). */
GBytes *kt_crypto_seal_padded (const KtKey *key,
                               GBytes      *ad,
                               GBytes      *plaintext);
/* The block kt_crypto_seal_padded() pads a plaintext of @size bytes to:
 * the largest power of two up to @size / 32, from 256 to 4096 bytes. */
gsize   kt_crypto_pad_block   (gsize size);
/* @plaintext padded as kt_crypto_seal_padded() pads it, not sealed: for
 * comparing a sealed save with a plain one of the same size (the
 * benchmark) (transfer full). */
GBytes *kt_crypto_pad         (GBytes *plaintext);

/* A sealed part is version | nonce (the head) | ciphertext | tag. */
#define KT_SEAL_HEAD_SIZE 25
#define KT_SEAL_TAG_SIZE  16
/* Whether @sealed (@size bytes) is of kt_crypto_seal_padded()'s version. */
gboolean kt_crypto_is_padded_seal (const guint8 *sealed,
                                   gsize         size);
/* The plaintext, or NULL when @sealed is short, of another version, or does
 * not authenticate under @key and @ad (either version: padded or not).
 * The returned bytes are wiped when freed (transfer full). */
GBytes *kt_crypto_open (const KtKey *key,
                        GBytes      *ad,
                        GBytes      *sealed);

/* kt_crypto_open() into @out (room for @out_size bytes), with the
 * associated data as plain bytes: for many small records read in a row,
 * nothing allocated.  The plaintext's length, or -1 when @sealed does not
 * open or does not fit.  The caller wipes @out. */
gssize  kt_crypto_open_into (const KtKey  *key,
                             const guint8 *ad,
                             gsize         ad_size,
                             const guint8 *sealed,
                             gsize         sealed_size,
                             guint8       *out,
                             gsize         out_size);

/* Opens what the first sync queues sealed before they used
 * kt_crypto_seal(): nonce | ciphertext, no version byte.  Only read, so
 * that such a queue can be rewritten in today's format; nothing is sealed
 * that way any more.  The returned bytes are wiped when freed (transfer
 * full). */
GBytes *kt_crypto_open_unversioned (const KtKey *key,
                                    GBytes      *ad,
                                    GBytes      *sealed);

/* Argon2id cost of the key derived from a passphrase.  MODERATE in
 * libsodium's terms: 3 passes over 256 MiB, about 0.5–1 s on a 2020 laptop.
 * That is a pause a user accepts once per unlock, and it makes each guess of
 * a stolen file cost the same second and quarter GiB, so guessing a
 * passphrase of a few words stays out of reach.  64 MiB (INTERACTIVE) would
 * make guessing four times cheaper; SENSITIVE (1 GiB, 3-5 s) would not fit
 * the 4 GB tablets some teams use. */
#define KT_PWHASH_OPSLIMIT 3ULL
#define KT_PWHASH_MEMLIMIT (256ULL * 1024 * 1024)
/* Largest cost accepted from a stored wrapped key, against a file made to
 * exhaust memory. */
#define KT_PWHASH_MEMLIMIT_MAX (1024ULL * 1024 * 1024)
#define KT_PWHASH_OPSLIMIT_MAX 16ULL

/* Wraps @key with a key derived from @passphrase (Argon2id, the given cost,
 * a fresh salt).  The cost and salt are stored in the result and
 * authenticated (transfer full).  NULL when the derivation runs out of
 * memory. */
GBytes *kt_crypto_wrap_key   (const KtKey *key,
                              const char  *passphrase,
                              guint64      opslimit,
                              guint64      memlimit);

typedef enum {
  KT_UNWRAP_OK,
  KT_UNWRAP_WRONG_PASSPHRASE,
  KT_UNWRAP_MALFORMED,           /* not a wrapped key, or an absurd cost */
  KT_UNWRAP_NO_MEMORY,
} KtUnwrapResult;

/* The size of what kt_crypto_wrap_key() returns, and so of a recovery
 * bundle. */
#define KT_WRAPPED_KEY_SIZE 106

/* The data key inside @wrapped, or NULL with the reason in @result. */
KtKey  *kt_crypto_unwrap_key (GBytes         *wrapped,
                              const char     *passphrase,
                              KtUnwrapResult *result);

/* Sealed records: a record body is encrypted once, with kt_crypto_seal(),
 * under a fresh random content key; the content key is sealed to each
 * reader's X25519 public key with crypto_box, from the sender's key pair, so
 * that a reader knows who gave it the key: anonymous sealing
 * (crypto_box_seal) would let anyone holding the reader's public key -- the
 * server among them -- plant a record the reader opens.  An account's
 * secret key is a KtKey like any other (32 random bytes are a valid X25519
 * secret); its public key is derived from it. */
#define KT_PUBLIC_KEY_SIZE 32
/* version | nonce | crypto_box of the 32-byte content key */
#define KT_SEALED_KEY_SIZE 73

/* The bytes of @text when it is strict base64 (no spaces, padding only at
 * the end) of exactly @size bytes, or NULL: keys and bundles come from the
 * network, and g_base64_decode () alone skips what it does not know, so
 * "AAAA!" would pass (transfer full). */
GBytes *kt_crypto_base64_decode_exact (const char *text,
                                       gsize       size);

/* The X25519 public key of the account secret @secret (transfer full). */
GBytes *kt_crypto_public_key (const KtKey *secret);

/* The key's fingerprint for people to compare aloud or on paper: 32 hex
 * digits in groups of four, "3F2A 9C01 …" (transfer full). */
char   *kt_crypto_key_fingerprint (GBytes *public_key);

/* @content_key sealed from the account secret @sender to the reader with
 * X25519 public key @public_key: version | nonce | crypto_box (key), of
 * KT_SEALED_KEY_SIZE bytes.  NULL when @public_key is not a usable key
 * (wrong size, or a point of small order) (transfer full). */
GBytes *kt_crypto_seal_key_to (const KtKey *content_key,
                               GBytes      *public_key,
                               const KtKey *sender);
/* The content key inside @sealed_key, opened with the reader's account
 * secret; NULL when it was sealed to someone else, by someone other than
 * the holder of @sender_public_key, is of another version, or was altered
 * (transfer full). */
KtKey  *kt_crypto_open_sealed_key (GBytes      *sealed_key,
                                   GBytes      *sender_public_key,
                                   const KtKey *secret);

/* Seals @plaintext once under a new content key, with @ad (see
 * kt_crypto_record_ad()), and that key from @sender to each of
 * @public_keys (GBytes).  Returns the sealed body; @sealed_keys gets one
 * sealed key per public key, in the same order.  NULL, with nothing in
 * @sealed_keys, when one of the public keys is not usable (transfer full). */
GBytes *kt_crypto_seal_for_readers (GBytes      *ad,
                                    GBytes      *plaintext,
                                    const KtKey *sender,
                                    GPtrArray   *public_keys,
                                    GPtrArray  **sealed_keys);
/* The plaintext of @sealed_body for the reader holding @secret, through
 * @sealed_key, the content key sealed to that reader by the holder of
 * @sender_public_key; NULL when either does not open or @ad does not match.
 * Wiped when freed (transfer full). */
GBytes *kt_crypto_open_for_reader (GBytes      *ad,
                                   GBytes      *sealed_body,
                                   GBytes      *sealed_key,
                                   GBytes      *sender_public_key,
                                   const KtKey *secret);

/* Argon2id cost of the key derived from a recovery phrase.  The phrase holds
 * 128 random bits, so the cost is not what keeps a guesser out; INTERACTIVE
 * (2 passes, 64 MiB) keeps the restore on a 4 GB tablet quick while making
 * the phrase no cheaper to try than a store passphrase of the same
 * strength. */
#define KT_RECOVERY_OPSLIMIT 2ULL
#define KT_RECOVERY_MEMLIMIT (64ULL * 1024 * 1024)

/* The account secret @secret wrapped with a key derived (Argon2id, the given
 * cost) from @phrase, a phrase kt_recovery_phrase_normalize() accepted.
 * The server keeps this bundle, the only copy off the devices (transfer
 * full).  NULL when the derivation runs out of memory. */
GBytes *kt_crypto_seal_recovery_bundle (const KtKey *secret,
                                        const char  *phrase,
                                        guint64      opslimit,
                                        guint64      memlimit);
/* The account secret inside @bundle, or NULL with the reason in @result
 * (KT_UNWRAP_WRONG_PASSPHRASE for a phrase that is not the one it was sealed
 * with). */
KtKey  *kt_crypto_open_recovery_bundle (GBytes         *bundle,
                                        const char     *phrase,
                                        KtUnwrapResult *result);

G_END_DECLS
