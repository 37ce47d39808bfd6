/* kt-key-directory.h: KtKeyDirectory, the server's key directory as the
 * device uses it
 *
 * Publishes this account's public key and recovery bundle (PUT /keys/me),
 * fetches the bundle back on a new device (GET /keys/me/recovery) and the
 * team's public keys (GET /team/keys), weighed against the keys this device
 * pinned.  Every request goes through the one KtApiClient.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kt-api-client.h"

G_BEGIN_DECLS

/* What the server did with a published key. */
typedef enum {
  KT_KEY_PUBLISHED_NEW,         /* the account had no key there */
  KT_KEY_PUBLISHED_SAME,        /* the same key and bundle: nothing written */
  KT_KEY_PUBLISHED_NEW_BUNDLE,  /* the same key with another bundle */
  KT_KEY_PUBLISHED_REPLACED,    /* another key than before: colleagues' devices warn */
} KtKeyPublished;

#define KT_TYPE_KEY_DIRECTORY (kt_key_directory_get_type ())
G_DECLARE_FINAL_TYPE (KtKeyDirectory, kt_key_directory, KT, KEY_DIRECTORY, GObject)

/* The directory of the server @api talks to, as its signed-in user. */
KtKeyDirectory *kt_key_directory_new (KtApiClient *api);

/* Puts @public_key (KT_PUBLIC_KEY_SIZE bytes) and @bundle (a recovery
 * bundle) in the directory as this account's. */
void            kt_key_directory_publish_async        (KtKeyDirectory      *self,
                                                       GBytes              *public_key,
                                                       GBytes              *bundle,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean        kt_key_directory_publish_finish       (KtKeyDirectory  *self,
                                                       GAsyncResult    *result,
                                                       KtKeyPublished  *published,
                                                       GError         **error);

/* This account's recovery bundle; KT_SYNC_ERROR_NOT_FOUND when it never
 * published one. */
void            kt_key_directory_fetch_bundle_async   (KtKeyDirectory      *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* (transfer full) */
GBytes         *kt_key_directory_fetch_bundle_finish  (KtKeyDirectory  *self,
                                                       GAsyncResult    *result,
                                                       GError         **error);

/* The team's published keys, this account's own among them. */
void            kt_key_directory_fetch_team_async     (KtKeyDirectory      *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* The keys (element-type KtPeerKey), each weighed with kt_peer_keys_check ()
 * against @pinned (username → GBytes, updated with colleagues seen for the
 * first time; NULL: not weighed here, all KT_PEER_KEY_NEW, for a caller
 * that reads its pins on a worker); @n_changed (may be NULL) gets how many
 * changed (transfer full). */
GPtrArray      *kt_key_directory_fetch_team_finish    (KtKeyDirectory  *self,
                                                       GAsyncResult    *result,
                                                       GHashTable      *pinned,
                                                       guint           *n_changed,
                                                       GError         **error);

G_END_DECLS
