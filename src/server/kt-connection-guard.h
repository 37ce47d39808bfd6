/* kt-connection-guard.h: KtConnectionGuard, what a SoupServer's connections
 * may cost: closed and idle connections let go, bodies bounded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define KT_TYPE_CONNECTION_GUARD (kt_connection_guard_get_type ())
G_DECLARE_FINAL_TYPE (KtConnectionGuard, kt_connection_guard, KT, CONNECTION_GUARD, GObject)

/* Guards the connections of @soup (before it listens): a keep-alive
 * connection that its client closed, or that stays silent for
 * @idle_timeout seconds between requests, is closed; a request body larger
 * than @max_body is refused with 413 before it is read (by its
 * Content-Length) or as soon as it passes the limit (chunked), on every
 * path.  With @tls, every answer closes its connection (transfer full). */
KtConnectionGuard *kt_connection_guard_new (SoupServer *soup,
                                            gsize       max_body,
                                            guint       idle_timeout,
                                            gboolean    tls);

G_END_DECLS
