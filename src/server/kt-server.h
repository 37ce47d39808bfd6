/* kt-server.h: KtServer, the sync API of protocol.md on a SoupServer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kt-backend.h"
#include "kt-server-config.h"

G_BEGIN_DECLS

#define KT_TYPE_SERVER (kt_server_get_type ())
G_DECLARE_FINAL_TYPE (KtServer, kt_server, KT, SERVER, GObject)

/* A server answering from @backend with the settings of @config (copied
 * where needed; @config must outlive the server) (transfer full). */
KtServer *kt_server_new     (const KtServerConfig *config,
                             KtBackend            *backend);
/* Token checks run on a thread of their own with @backend, a second
 * connection to the same database, instead of queueing on the database
 * thread behind flushes and pulls.  Before kt_server_listen (). */
void      kt_server_set_sign_in_backend (KtServer  *self,
                                         KtBackend *backend);
/* Starts listening: HTTPS with the configured certificate, plain HTTP only
 * on loopback. */
gboolean  kt_server_listen  (KtServer  *self,
                             GError   **error);
/* Writes the access log's lines still waiting and ends its thread; requests
 * answered later are not logged.  For the end of `serve`, after its main
 * loop: requests still on their way hold the server, so it may not be
 * finalized before the process ends. */
void      kt_server_close_access_log (KtServer *self);
/* The base URL it listens on, with the real port: "http://127.0.0.1:8765"
 * (transfer full). */
char     *kt_server_get_url (KtServer  *self);

/* Every route the server answers, as "METHOD /api/v1/path/{id}" (transfer
 * full), so tests can hold the OpenAPI description against the code. */
GStrv     kt_server_list_routes (void);

G_END_DECLS
