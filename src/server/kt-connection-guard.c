/* kt-connection-guard.c
 *
 * Two things libsoup 3.2.3 (Debian 12) does not bound, made bounded here.
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
 * Bodies.  libsoup reads a whole request body into memory before any
 * handler runs, even after an early handler has answered 413.  So a body
 * whose Content-Length passes the limit is refused when its headers
 * arrive, and a chunked body as soon as it passes the limit: the
 * connection is taken from libsoup, answered 413 and closed after a short
 * linger that throws away what the client still sends (so that it can
 * read the answer instead of a reset).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-connection-guard.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <sys/socket.h>

#include "kt-server-record.h"

/* How long, and how much, a refused client may go on sending. */
#define LINGER_SECONDS 2
#define LINGER_BYTES   (8 * 1024 * 1024)

struct _KtConnectionGuard
{
  GObject     parent_instance;

  gsize       max_body;
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

  /* the message is kept only to take the connection with: not its bodies,
   * which may be large answers already sent */
  soup_message_body_truncate (soup_server_message_get_request_body (msg));
  soup_message_body_truncate (soup_server_message_get_response_body (msg));

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

/* Bodies */

typedef struct {
  GIOStream    *stream;
  GCancellable *cancellable;
  GBytes       *answer;
  guint         deadline_id;
  gsize         discarded;
  guint8        buffer[16 * 1024];
} Refusal;

static void
refusal_free (Refusal *refusal)
{
  g_clear_handle_id (&refusal->deadline_id, g_source_remove);
  g_object_unref (refusal->stream);
  g_object_unref (refusal->cancellable);
  g_bytes_unref (refusal->answer);
  g_free (refusal);
}

static void
refusal_closed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  refusal_free (user_data);
}

static void
refusal_close (Refusal *refusal)
{
  g_clear_handle_id (&refusal->deadline_id, g_source_remove);
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, NULL, refusal_closed, refusal);
}

static gboolean
refusal_deadline (gpointer user_data)
{
  Refusal *refusal = user_data;

  refusal->deadline_id = 0;
  g_cancellable_cancel (refusal->cancellable);
  return G_SOURCE_REMOVE;
}

static void
refusal_discarded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize got = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (got <= 0 || refusal->discarded + got > LINGER_BYTES)
    return refusal_close (refusal);
  refusal->discarded += got;
  g_input_stream_read_async (G_INPUT_STREAM (source), refusal->buffer, sizeof refusal->buffer,
                             G_PRIORITY_LOW, refusal->cancellable, refusal_discarded, refusal);
}

static void
refusal_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Refusal *refusal = user_data;
  /* set by libsoup on every stolen stream */
  GSocket *socket = g_object_get_data (G_OBJECT (refusal->stream), "GSocket");

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    return refusal_close (refusal);
  /* the answer is complete: the client sees its end even while it sends */
  if (socket != NULL)
    g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream), refusal->buffer,
                             sizeof refusal->buffer, G_PRIORITY_LOW, refusal->cancellable,
                             refusal_discarded, refusal);
}

/* The whole 413 answer, written by hand: libsoup no longer has the
 * connection (transfer full). */
static GBytes *
too_large_answer (void)
{
  GString *body = g_string_new (NULL);
  GString *answer = g_string_new (NULL);

  kt_sync_error_append_json (body, KT_SYNC_CODE_TOO_LARGE,
                             _("The request is larger than the server accepts."), NULL, NULL);
  g_string_printf (answer,
                   "HTTP/1.1 413 %s\r\n"
                   "Server: keukentafel-server\r\n"
                   "Content-Type: application/json\r\n"
                   "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                   "Connection: close\r\n"
                   "\r\n%s",
                   soup_status_get_phrase (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE), body->len, body->str);
  g_string_free (body, TRUE);
  return g_string_free_to_bytes (answer);
}

/* Answers 413 and closes the connection without reading the rest of the
 * body. */
static void
refuse_too_large (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  Refusal *refusal;

  if (stream == NULL)
    return;
  refusal = g_new0 (Refusal, 1);
  refusal->stream = g_steal_pointer (&stream);
  refusal->cancellable = g_cancellable_new ();
  refusal->answer = too_large_answer ();
  refusal->deadline_id = g_timeout_add_seconds (LINGER_SECONDS, refusal_deadline, refusal);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (refusal->stream),
                                   g_bytes_get_data (refusal->answer, NULL),
                                   g_bytes_get_size (refusal->answer),
                                   G_PRIORITY_DEFAULT, refusal->cancellable, refusal_written, refusal);
}

static void
got_chunk (SoupServerMessage *msg,
           GBytes            *chunk,
           KtConnectionGuard *self)
{
  /* the chunks so far, including this one; at most one block past the limit */
  if ((gsize) soup_server_message_get_request_body (msg)->length > self->max_body)
    refuse_too_large (msg);
}

static void
got_headers (SoupServerMessage *msg,
             KtConnectionGuard *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_CONTENT_LENGTH:
      if (soup_message_headers_get_content_length (headers) > (goffset) self->max_body)
        refuse_too_large (msg);
      break;
    case SOUP_ENCODING_CHUNKED:
    case SOUP_ENCODING_EOF:
      g_signal_connect_object (msg, "got-chunk", G_CALLBACK (got_chunk), self, 0);
      break;
    case SOUP_ENCODING_UNRECOGNIZED:
    case SOUP_ENCODING_NONE:
    case SOUP_ENCODING_BYTERANGES:
    default:
      break;
    }
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
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (got_headers), self, 0);
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
                         gsize       max_body,
                         guint       idle_timeout,
                         gboolean    tls)
{
  KtConnectionGuard *self = g_object_new (KT_TYPE_CONNECTION_GUARD, NULL);

  self->max_body = max_body;
  self->idle_timeout = MAX (idle_timeout, 1);
  self->tls = tls;
  g_signal_connect_object (soup, "request-started", G_CALLBACK (request_started), self, 0);
  g_signal_connect_object (soup, "request-finished", G_CALLBACK (request_finished), self, 0);
  return self;
}
