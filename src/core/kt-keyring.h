/* kt-keyring.h: every secret Keukentafel keeps in the Secret Service
 *
 * The one module that names the keyring's schemas and talks to libsecret:
 * the store's data key and commit counter, the sync queue's key and the
 * sign-in token.
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
/* The sync queue's key: one attribute, "path", the queue's file. */
#define KT_KEYRING_OUTBOX_KEY_SCHEMA_NAME "nl.wijkteam.Keukentafel.SyncKey"
/* The sign-in token: "server", "username" and "device" (the path of the
 * sync queue, which names the device). */
#define KT_KEYRING_TOKEN_SCHEMA_NAME "nl.wijkteam.Keukentafel.Token"

/* The key of the store @store_id (transfer full).  NULL without an error
 * when the keyring holds no key for it.  Errors are KT_STORE_ERROR_LOCKED,
 * _NO_SECRET_SERVICE, _KEY_MISSING (an item that is not a key) or _IO.
 * Never shows a prompt. */
KtKey    *kt_keyring_lookup (const char    *store_id,
                             GCancellable  *cancellable,
                             GError       **error);
/* The session bus connection the keyring's calls go over (transfer full;
 * NULL when there is none): made ahead of the first look-up, whose time in
 * a fresh process it is a third of.  The caller keeps it until the
 * look-up is done, so that the look-up finds it made. */
GDBusConnection *kt_keyring_connect (void);
/* kt_keyring_lookup() and, in @counter, kt_keyring_lookup_counter()'s
 * counter (0 when there is none or it cannot be read), in fewer calls to
 * the keyring: for the open, which needs both.  Never shows a prompt. */
KtKey    *kt_keyring_lookup_with_counter (const char    *store_id,
                                          guint64       *counter,
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

/* The key of the sync queue at @path (transfer full).  When the keyring
 * has none and there is no file at @path yet, a new random key is kept and
 * returned; when there is a file, NULL without an error: its key is lost.
 * Errors are libsecret's own.  For a worker thread. */
KtKey    *kt_keyring_outbox_key (const char    *path,
                                 GCancellable  *cancellable,
                                 GError       **error);

/* The sign-in token of @username at @server on the device @device, or
 * NULL (transfer full; wipe it before freeing).  For a worker thread. */
char     *kt_keyring_lookup_token       (const char           *server,
                                         const char           *username,
                                         const char           *device,
                                         GCancellable         *cancellable);
void      kt_keyring_store_token_async  (const char           *server,
                                         const char           *username,
                                         const char           *device,
                                         const char           *token,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  kt_keyring_store_token_finish (GAsyncResult         *result,
                                         GError              **error);
/* Removes the token at once, so that no later start can find it. */
void      kt_keyring_clear_token        (const char           *server,
                                         const char           *username,
                                         const char           *device);
void      kt_keyring_clear_token_async  (const char           *server,
                                         const char           *username,
                                         const char           *device,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  kt_keyring_clear_token_finish (GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
