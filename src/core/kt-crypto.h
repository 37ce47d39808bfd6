/* kt-crypto.h: the data key, record sealing and passphrase wrapping
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

/* XChaCha20-Poly1305 with a random nonce: returns version | nonce | ciphertext
 * (transfer full). */
GBytes *kt_crypto_seal (const KtKey *key,
                        GBytes      *ad,
                        GBytes      *plaintext);
/* The plaintext, or NULL when @sealed is short, of another version, or does
 * not authenticate under @key and @ad.  The returned bytes are wiped when
 * freed (transfer full). */
GBytes *kt_crypto_open (const KtKey *key,
                        GBytes      *ad,
                        GBytes      *sealed);

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

/* The data key inside @wrapped, or NULL with the reason in @result. */
KtKey  *kt_crypto_unwrap_key (GBytes         *wrapped,
                              const char     *passphrase,
                              KtUnwrapResult *result);

G_END_DECLS
