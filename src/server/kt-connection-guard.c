/* kt-connection-guard.c
 *
 * Closed keep-alive connections.  After an answer on a keep-alive
 * connection, libsoup 3.2.3 waits for the next request with a message that
 * has no completion callback; when the client closes the connection
 * instead, that message fails and nothing disconnects the connection: its
 * descriptor stays in CLOSE-WAIT for good, and a few hundred such closes
 * leave the server deaf (libsoup fixed this in 3.3, "server: do not leak
 * idle connections closed by the client").  So between requests we watch
 * the socket ourselves, at a higher priority than libsoup's own source:
 * when it turns readable we peek, and at the end of the stream (or an
 * error) we take the connection from libsoup and close it before libsoup
 * can read the end itself.  A connection silent for the idle timeout is
 * closed the same way.
 *
 * Over TLS the end of a stream is a close_notify record, which cannot be
 * told from a request by peeking at the socket; whoever reads it first
 * consumes it.  So over TLS every answer closes its connection (a reverse
 * proxy in front of a loopback server keeps connections open instead).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-connection-guard.h"

#include <errno.h>
#include <sys/socket.h>

struct _KtConnectionGuard
{
  GObject     parent_instance;

  guint       idle_timeout;
  gboolean    tls;
  GHashTable *idle;   /* GSocket → IdleConnection, between two requests */
};

G_DEFINE_FINAL_TYPE (KtConnectionGuard, kt_connection_guard, G_TYPE_OBJECT)

/* Idle keep-alive connections */

typedef struct {
  KtConnectionGuard *guard;
  SoupServerMessage *msg;       /* the last answered request, to steal the connection with */
  GSocket           *socket;
  GSource           *watch;
  guint              timeout_id;
  gulong             disconnected_id;
} IdleConnection;

static void
idle_connection_free (IdleConnection *idle)
{
  if (idle->watch != NULL)
    {
      g_source_destroy (idle->watch);
      g_source_unref (idle->watch);
    }
  g_clear_handle_id (&idle->timeout_id, g_source_remove);
  g_clear_signal_handler (&idle->disconnected_id, idle->msg);
  g_object_unref (idle->msg);
  g_object_unref (idle->socket);
  g_free (idle);
}

/* Takes the connection from libsoup and closes it.  libsoup still waits
 * for the next request on it (it has not read the end yet), so it lets go
 * cleanly and forgets the connection. */
static void
close_idle (IdleConnection *idle)
{
  KtConnectionGuard *self = idle->guard;
  g_autoptr(SoupServerMessage) msg = g_object_ref (idle->msg);
  g_autoptr(GSocket) socket = g_object_ref (idle->socket);
  g_autoptr(GIOStream) stream = NULL;

  /* frees @idle through the message's "disconnected" */
  stream = soup_server_message_steal_connection (msg);
  g_hash_table_remove (self->idle, socket);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static gboolean
idle_readable (GSocket      *socket,
               GIOCondition  condition,
               gpointer      user_data)
{
  IdleConnection *idle = user_data;
  char byte;
  gssize got = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);

  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (got > 0)
    {
      /* the next request: libsoup's own source reads it next */
      g_source_destroy (idle->watch);
      g_clear_pointer (&idle->watch, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  close_idle (idle);
  return G_SOURCE_REMOVE;
}

static gboolean
idle_expired (gpointer user_data)
{
  IdleConnection *idle = user_data;

  idle->timeout_id = 0;
  close_idle (idle);
  return G_SOURCE_REMOVE;
}

static void
idle_disconnected (SoupServerMessage *msg,
                   IdleConnection    *idle)
{
  g_hash_table_remove (idle->guard->idle, idle->socket);
}

/* After an answer.  When libsoup keeps the connection, it goes on to wait
 * for the next request; when it closes it, the message's "disconnected"
 * comes right after this and the watch goes with it. */
static void
request_finished (SoupServer        *soup,
                  SoupServerMessage *msg,
                  KtConnectionGuard *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  IdleConnection *idle;

  if (socket == NULL || self->tls || g_socket_is_closed (socket))
    return;

  /* No socket timeout while idle: libsoup would read it as a failed
   * request and leak the connection just the same.  The idle timeout below
   * takes its place; the next request sets it again. */
  g_socket_set_timeout (socket, 0);

  idle = g_new0 (IdleConnection, 1);
  idle->guard = self;
  idle->msg = g_object_ref (msg);
  idle->socket = g_object_ref (socket);
  idle->watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  /* before libsoup's source on the same socket, which has the default priority */
  g_source_set_priority (idle->watch, G_PRIORITY_HIGH);
  g_source_set_callback (idle->watch, G_SOURCE_FUNC (idle_readable), idle, NULL);
  g_source_attach (idle->watch, NULL);
  idle->timeout_id = g_timeout_add_seconds (self->idle_timeout, idle_expired, idle);
  idle->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (idle_disconnected), idle);
  g_hash_table_replace (self->idle, socket, idle);
}

static void
request_started (SoupServer        *soup,
                 SoupServerMessage *msg,
                 KtConnectionGuard *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_hash_table_remove (self->idle, socket);
  if (self->tls)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

/* The object */

static void
kt_connection_guard_finalize (GObject *object)
{
  KtConnectionGuard *self = KT_CONNECTION_GUARD (object);

  g_clear_pointer (&self->idle, g_hash_table_unref);
  G_OBJECT_CLASS (kt_connection_guard_parent_class)->finalize (object);
}

static void
kt_connection_guard_class_init (KtConnectionGuardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_connection_guard_finalize;
}

static void
kt_connection_guard_init (KtConnectionGuard *self)
{
  self->idle = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                      (GDestroyNotify) idle_connection_free);
}

KtConnectionGuard *
kt_connection_guard_new (SoupServer *soup,
                         guint       idle_timeout,
                         gboolean    tls)
{
  KtConnectionGuard *self = g_object_new (KT_TYPE_CONNECTION_GUARD, NULL);

  self->idle_timeout = MAX (idle_timeout, 1);
  self->tls = tls;
  g_signal_connect_object (soup, "request-started", G_CALLBACK (request_started), self, 0);
  g_signal_connect_object (soup, "request-finished", G_CALLBACK (request_finished), self, 0);
  return self;
}
