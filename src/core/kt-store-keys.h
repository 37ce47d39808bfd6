/* kt-store-keys.h: what KtStore keeps of an account's keys
 *
 * The account's secret key (the one that opens the records sealed to it),
 * the recovery phrase until the user has written it down, the recovery
 * bundle made with it, and the colleagues' public keys this device pinned.
 * All of it lives in the store's metadata, sealed with the store's data key
 * like the records: never in plaintext on disk, never in the keyring.
 * Each is kept per account name, as one device may be used by another
 * account after a sign-out.  Every call is one short SQLite statement and
 * may run on a worker; the store must be unlocked (KT_STORE_ERROR_LOCKED).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-crypto.h"
#include "kt-store.h"

G_BEGIN_DECLS

/* The secret key of @username on this device, or NULL: none kept (no
 * error) or it cannot be read (@error set) (transfer full). */
KtKey      *kt_store_get_account_key     (KtStore      *self,
                                          const char   *username,
                                          GError      **error);
/* Keeps a new account key with the phrase that seals @bundle, the
 * recovery bundle of it: the phrase stays until the user has written it
 * down (kt_store_forget_recovery_phrase), the bundle until it is
 * replaced. */
gboolean    kt_store_keep_account_key    (KtStore      *self,
                                          const char   *username,
                                          const KtKey  *secret,
                                          const char   *phrase,
                                          GBytes       *bundle,
                                          GError      **error);
/* Keeps the key a recovery phrase opened on a new device (no phrase is
 * kept: the user typed it from paper). */
gboolean    kt_store_restore_account_key (KtStore      *self,
                                          const char   *username,
                                          const KtKey  *secret,
                                          GBytes       *bundle,
                                          GError      **error);
/* The phrase of @username not yet written down, or NULL (transfer full:
 * free with kt_recovery_phrase_free ()). */
char       *kt_store_get_recovery_phrase (KtStore      *self,
                                          const char   *username,
                                          GError      **error);
/* The user wrote the phrase down: it is no longer kept. */
gboolean    kt_store_forget_recovery_phrase (KtStore    *self,
                                             const char *username,
                                             GError    **error);
/* The recovery bundle made on this device for @username, or NULL
 * (transfer full). */
GBytes     *kt_store_get_recovery_bundle (KtStore      *self,
                                          const char   *username,
                                          GError      **error);

/* The colleagues' keys @username's devices pinned here: username → GBytes
 * public key, empty when none; NULL with @error when it cannot be read
 * (transfer full). */
GHashTable *kt_store_get_pinned_keys     (KtStore      *self,
                                          const char   *username,
                                          GError      **error);
/* Keeps @pinned (as kt_peer_keys_check () left it). */
gboolean    kt_store_set_pinned_keys     (KtStore      *self,
                                          const char   *username,
                                          GHashTable   *pinned,
                                          GError      **error);

G_END_DECLS
