/* kt-keyring.h: the data key in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kt-crypto.h"

G_BEGIN_DECLS

/* The libsecret schema of our items: "nl.wijkteam.Keukentafel.DataKey" with
 * one attribute, "store", the uuid of the store the key belongs to. */
#define KT_KEYRING_SCHEMA_NAME "nl.wijkteam.Keukentafel.DataKey"
/* The counter of the store's last commit, beside its key: the same one
 * attribute; the secret is the number in decimal. */
#define KT_KEYRING_COUNTER_SCHEMA_NAME "nl.wijkteam.Keukentafel.Counter"

/* The key of the store @store_id (transfer full).  NULL without an error
 * when the keyring holds no key for it.  Errors are KT_STORE_ERROR_LOCKED,
 * _NO_SECRET_SERVICE, _KEY_MISSING (an item that is not a key) or _IO.
 * Never shows a prompt. */
KtKey    *kt_keyring_lookup (const char    *store_id,
                             GCancellable  *cancellable,
                             GError       **error);
/* Saves @key for @store_id in the default collection; fails with
 * KT_STORE_ERROR_LOCKED instead of prompting when it is locked. */
gboolean  kt_keyring_store  (const char    *store_id,
                             const KtKey   *key,
                             GCancellable  *cancellable,
                             GError       **error);
/* The counter kept for @store_id; FALSE without an error when there is
 * none.  Never shows a prompt. */
gboolean  kt_keyring_lookup_counter (const char    *store_id,
                                     guint64       *counter,
                                     GCancellable  *cancellable,
                                     GError       **error);
/* Replaces the counter of @store_id; fails with KT_STORE_ERROR_LOCKED
 * instead of prompting. */
gboolean  kt_keyring_store_counter  (const char    *store_id,
                                     guint64        counter,
                                     GCancellable  *cancellable,
                                     GError       **error);
/* Removes the key of @store_id; TRUE when there was none. */
gboolean  kt_keyring_clear  (const char    *store_id,
                             GCancellable  *cancellable,
                             GError       **error);

G_END_DECLS
