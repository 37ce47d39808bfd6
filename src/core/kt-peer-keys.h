/* kt-peer-keys.h: the team's public keys as the server hands them, weighed
 * against the keys this device has seen before
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  KT_PEER_KEY_NEW,       /* first seen for this colleague: kept from now on, its fingerprint shown */
  KT_PEER_KEY_KNOWN,     /* the key kept before */
  KT_PEER_KEY_CHANGED,   /* not the key kept before: a warning, and never sealed to */
} KtPeerKeyState;

/* A colleague's published key. */
typedef struct {
  char           *username;
  char           *display_name;  /* NULL when the server gives none (older servers) */
  char           *role;          /* "wijkcoach", "intaker", "supervisor" */
  GBytes         *public_key;    /* KT_PUBLIC_KEY_SIZE bytes */
  char           *fingerprint;   /* kt_crypto_key_fingerprint () */
  gint64          published;     /* unix seconds, as the server says */
  KtPeerKeyState  state;         /* set by kt_peer_keys_check () */
} KtPeerKey;

void kt_peer_key_free (KtPeerKey *key);

/* The keys in an answer of GET /team/keys, read with the one JSON reader
 * (element-type KtPeerKey, state KT_PEER_KEY_NEW), or NULL with a
 * KT_SYNC_ERROR_BAD_RESPONSE when it is not that shape, a key is not
 * base64 of KT_PUBLIC_KEY_SIZE bytes, or a colleague comes twice. */
GPtrArray *kt_peer_keys_from_json (GBytes  *json,
                                   GError **error);

/* Weighs each of @keys (element-type KtPeerKey) against @pinned (username
 * → GBytes public key, the keys this device kept) and sets its state.  A
 * colleague seen for the first time is added to @pinned (trust on first
 * use: the user compares the fingerprint when it matters); a changed key
 * never replaces the pinned one here.  Returns the number of changed keys. */
guint      kt_peer_keys_check     (GPtrArray  *keys,
                                   GHashTable *pinned);

/* The user compared @key's fingerprint with the colleague's own and accepts
 * it: it replaces what @pinned held and is KT_PEER_KEY_KNOWN from now on. */
void       kt_peer_keys_accept    (GHashTable *pinned,
                                   KtPeerKey  *key);

/* The public key to seal to for @username among @keys: NULL when the
 * colleague has none or its key changed (transfer none). */
GBytes    *kt_peer_keys_lookup_usable (GPtrArray  *keys,
                                       const char *username);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtPeerKey, kt_peer_key_free)

G_END_DECLS
