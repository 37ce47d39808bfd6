/* kt-api-client.h: KtApiClient, the one HTTP transport to the sync server
 *
 * Every request the app makes to keukentafel-server goes through here: the
 * HTTP sessions (one for requests, one for the long-poll watch), the server
 * address and the bearer token, the size limits of each answer, the
 * mapping of a failure (a network error, or an HTTP status with the
 * server's error body) to a KT_SYNC_ERROR a user can read, one re-send of
 * a request whose kept-alive connection had closed, and the back-off
 * between failed rounds.  KtSyncClient and KtRoleClient share one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kt-sync-protocol.h"

G_BEGIN_DECLS

/* Seconds the server may hold a watch (GET /changes?wait=) open; the
 * server keeps it under its own limit.  The watch's connection has room
 * for the wait in its timeout. */
#define KT_API_WATCH_WAIT 25

/* How a request is sent. */
typedef enum {
  KT_API_REQUEST_DEFAULT   = 0,
  KT_API_REQUEST_WATCH     = 1 << 0,  /* on the long-poll's own connection and timeout */
} KtApiRequestFlags;

#define KT_TYPE_API_CLIENT (kt_api_client_get_type ())
G_DECLARE_FINAL_TYPE (KtApiClient, kt_api_client, KT, API_CLIENT, GObject)

/* A client with no server and no token yet. */
KtApiClient    *kt_api_client_new               (void);

/* The server all requests go to (normalized, see below); NULL for none. */
void            kt_api_client_set_server_url    (KtApiClient  *self,
                                                 const char   *server_url);
const char     *kt_api_client_get_server_url    (KtApiClient  *self);
/* The bearer token, copied; the old one is wiped.  NULL signs out. */
void            kt_api_client_set_token         (KtApiClient  *self,
                                                 const char   *token);
/* Takes @token (wiped and freed later) instead of copying it. */
void            kt_api_client_take_token        (KtApiClient  *self,
                                                 char         *token);
gboolean        kt_api_client_has_token         (KtApiClient  *self);

/* Sends @method @path (below /api/v1 of the server, with its query) with
 * @body (JSON, may be NULL) and If-Match @if_match (may be NULL), and
 * parses the answer as one of @endpoint.  Without a token or a server it
 * fails with KT_SYNC_ERROR_NOT_SIGNED_IN. */
void            kt_api_client_request_async     (KtApiClient          *self,
                                                 KtSyncEndpoint        endpoint,
                                                 const char           *method,
                                                 const char           *path,
                                                 GBytes               *body,
                                                 const char           *if_match,
                                                 KtApiRequestFlags     flags,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* (transfer full) */
KtSyncResponse *kt_api_client_request_finish    (KtApiClient   *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

/* POST /login at @server_url (not the client's own server, which does
 * not change) with no token; the answer holds the token and the user. */
void            kt_api_client_login_async       (KtApiClient          *self,
                                                 const char           *server_url,
                                                 const char           *username,
                                                 const char           *password,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* (transfer full) */
KtSyncResponse *kt_api_client_login_finish      (KtApiClient   *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

/* Seconds a request may stall before it counts as a timeout (for
 * connections opened from now on; the watch keeps room for its wait). */
void            kt_api_client_set_timeout       (KtApiClient  *self,
                                                 guint         seconds);
/* Trust anchors for the server certificate; NULL for the system's.  An
 * untrusted certificate is never accepted. */
void            kt_api_client_set_tls_database  (KtApiClient  *self,
                                                 GTlsDatabase *database);

/* @server_url checked and normalized: https, or http to loopback only;
 * no user, query, fragment or trailing slash (transfer full). */
char           *kt_api_normalize_server_url     (const char  *server_url,
                                                 GError     **error);
/* Milliseconds to wait before the next try after @failures failed ones:
 * doubling up to two minutes, with jitter so devices do not retry in step. */
guint           kt_api_backoff_delay_ms         (guint        failures);

G_END_DECLS
