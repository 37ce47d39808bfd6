/* kt-fault-proxy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-fault-proxy"

#include "config.h"

#include "kt-fault-proxy.h"

#include <string.h>

#define CHUNK_SIZE 16384
/* A dropped connection breaks within this many bytes of traffic. */
#define DROP_WINDOW 4096

struct _KtFaultProxy
{
  GObject           parent_instance;

  guint16           upstream_port;
  guint16           port;
  GRand            *rand;
  GSocketService   *service;
  GSocketClient    *client;
  double            shares[KT_N_FAULTS];
  guint             delay_ms;
  GBytes           *canned;
  char             *canned_request;  /* kt_fault_proxy_set_canned_for () */
  GBytes           *canned_for;
  guint             n_connections;
  guint             n_faulted[KT_N_FAULTS];
  GCancellable     *cancellable;
  gboolean          holding;     /* kt_fault_proxy_hold_answers () */
  GQueue            held;        /* (element-type Pump) answers waiting */
};

G_DEFINE_FINAL_TYPE (KtFaultProxy, kt_fault_proxy, G_TYPE_OBJECT)

typedef struct
{
  gatomicrefcount   ref_count;
  KtFaultProxy     *proxy;
  GIOStream        *downstream;   /* to the client */
  GIOStream        *upstream;     /* to the server */
  KtFault           fault;
  gboolean          drop_in_request;
  gsize             drop_at;      /* bytes of the faulted direction before the cut */
  gsize             request_bytes;
  gsize             answer_bytes;
  gboolean          closed;
} Connection;

typedef struct
{
  Connection   *conn;
  GInputStream *from;
  GOutputStream *to;
  gboolean      is_answer;
  GBytes       *pending;
} Pump;

static Connection *
connection_ref (Connection *conn)
{
  g_atomic_ref_count_inc (&conn->ref_count);
  return conn;
}

static void
connection_close (Connection *conn)
{
  if (conn->closed)
    return;
  conn->closed = TRUE;
  if (conn->downstream != NULL)
    g_io_stream_close (conn->downstream, NULL, NULL);
  if (conn->upstream != NULL)
    g_io_stream_close (conn->upstream, NULL, NULL);
}

static void
connection_unref (Connection *conn)
{
  if (!g_atomic_ref_count_dec (&conn->ref_count))
    return;
  connection_close (conn);
  g_clear_object (&conn->downstream);
  g_clear_object (&conn->upstream);
  g_object_unref (conn->proxy);
  g_free (conn);
}

static void
pump_free (Pump *pump)
{
  g_clear_pointer (&pump->pending, g_bytes_unref);
  connection_unref (pump->conn);
  g_free (pump);
}

static void pump_read (Pump *pump);

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pump *pump = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      connection_close (pump->conn);
      pump_free (pump);
      return;
    }
  g_clear_pointer (&pump->pending, g_bytes_unref);
  pump_read (pump);
}

static void
pump_write (Pump *pump)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (pump->pending, &len);

  g_output_stream_write_all_async (pump->to, data, len, G_PRIORITY_DEFAULT,
                                   pump->conn->proxy->cancellable, on_written, pump);
}

static gboolean
on_delay_done (gpointer user_data)
{
  pump_write (user_data);
  return G_SOURCE_REMOVE;
}

static KtFault pick_fault (KtFaultProxy *self);

/* Each request on a kept-alive connection counts as a connection of its
 * own: the dice are rolled again when a request follows an answer. */
static void
roll (Connection *conn)
{
  KtFaultProxy *self = conn->proxy;

  conn->fault = pick_fault (self);
  conn->drop_in_request = conn->fault == KT_FAULT_DROP_UPLOAD || g_rand_boolean (self->rand);
  conn->drop_at = g_rand_int_range (self->rand, 0, DROP_WINDOW);
  conn->request_bytes = 0;
  conn->answer_bytes = 0;
  self->n_faulted[conn->fault]++;
  self->n_connections++;
}

/* Applies this connection's fault to @chunk; returns FALSE to cut now
 * (after writing whatever is left in pump->pending). */
static gboolean
apply_fault (Pump   *pump,
             GBytes *chunk)
{
  Connection *conn = pump->conn;
  KtFaultProxy *self = conn->proxy;
  gsize len = g_bytes_get_size (chunk);
  gsize *seen;
  gsize before;

  if (!pump->is_answer && conn->answer_bytes > 0)
    roll (conn);
  seen = pump->is_answer ? &conn->answer_bytes : &conn->request_bytes;
  before = *seen;

  *seen += len;
  switch (conn->fault)
    {
    case KT_FAULT_DROP:
    case KT_FAULT_DROP_UPLOAD:
      if (conn->drop_in_request == !pump->is_answer && *seen > conn->drop_at)
        {
          gsize keep = conn->drop_at > before ? conn->drop_at - before : 0;
          pump->pending = g_bytes_new_from_bytes (chunk, 0, MIN (keep, len));
          return FALSE;
        }
      break;
    case KT_FAULT_TRUNCATE:
      if (pump->is_answer)
        {
          gsize keep = g_rand_int_range (self->rand, 0, MAX (len, 2) - 1);
          pump->pending = g_bytes_new_from_bytes (chunk, 0, keep);
          return FALSE;
        }
      break;
    case KT_FAULT_CORRUPT:
      if (pump->is_answer)
        {
          guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (chunk), &len);
          guint n_flips = 1 + len / 512;

          for (guint i = 0; i < n_flips; i++)
            copy[g_rand_int_range (self->rand, 0, len)] ^= (guint8) g_rand_int_range (self->rand, 1, 256);
          pump->pending = g_bytes_new_take (copy, len);
          return TRUE;
        }
      break;
    case KT_FAULT_NONE:
    case KT_FAULT_DELAY:
    case KT_N_FAULTS:
    default:
      break;
    }
  pump->pending = g_bytes_ref (chunk);
  return TRUE;
}

static void
on_cut_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Pump *pump = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  connection_close (pump->conn);
  pump_free (pump);
}

/* Whether @chunk starts a request that kt_fault_proxy_set_canned_for ()
 * answers: the first bytes of a connection, or the first after an answer
 * on a kept-alive one. */
static gboolean
is_canned_request (Pump   *pump,
                   GBytes *chunk)
{
  Connection *conn = pump->conn;
  const char *request = conn->proxy->canned_request;
  gsize len;
  const char *data = g_bytes_get_data (chunk, &len);

  if (pump->is_answer || request == NULL || (conn->request_bytes > 0 && conn->answer_bytes == 0))
    return FALSE;
  return len >= strlen (request) && memcmp (data, request, strlen (request)) == 0;
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pump *pump = user_data;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);

  if (chunk == NULL || g_bytes_get_size (chunk) == 0 || pump->conn->closed)
    {
      connection_close (pump->conn);
      pump_free (pump);
      return;
    }

  /* Answered here, nothing of it reaches the server; the connection ends
   * after the answer (which says so). */
  if (is_canned_request (pump, chunk))
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (pump->conn->proxy->canned_for, &len);

      pump->conn->proxy->n_connections++;
      g_output_stream_write_all_async (g_io_stream_get_output_stream (pump->conn->downstream), data, len,
                                       G_PRIORITY_DEFAULT, pump->conn->proxy->cancellable, on_cut_written,
                                       pump);
      return;
    }

  if (!apply_fault (pump, chunk))
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (pump->pending, &len);

      g_output_stream_write_all_async (pump->to, data, len, G_PRIORITY_DEFAULT,
                                       pump->conn->proxy->cancellable, on_cut_written, pump);
      return;
    }

  if (pump->is_answer && pump->conn->proxy->holding)
    g_queue_push_tail (&pump->conn->proxy->held, pump);
  else if (pump->is_answer && pump->conn->fault == KT_FAULT_DELAY)
    g_timeout_add (pump->conn->proxy->delay_ms, on_delay_done, pump);
  else
    pump_write (pump);
}

static void
pump_read (Pump *pump)
{
  g_input_stream_read_bytes_async (pump->from, CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   pump->conn->proxy->cancellable, on_read, pump);
}

static void
pump_start (Connection *conn,
            GIOStream  *from,
            GIOStream  *to,
            gboolean    is_answer)
{
  Pump *pump = g_new0 (Pump, 1);

  pump->conn = connection_ref (conn);
  pump->from = g_io_stream_get_input_stream (from);
  pump->to = g_io_stream_get_output_stream (to);
  pump->is_answer = is_answer;
  pump_read (pump);
}

static void
on_upstream_connected (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Connection *conn = user_data;
  GSocketConnection *upstream = g_socket_client_connect_finish (G_SOCKET_CLIENT (source),
                                                                result, NULL);

  if (upstream == NULL)
    {
      connection_close (conn);
      connection_unref (conn);
      return;
    }
  conn->upstream = G_IO_STREAM (upstream);
  pump_start (conn, conn->downstream, conn->upstream, FALSE);
  pump_start (conn, conn->upstream, conn->downstream, TRUE);
  connection_unref (conn);
}

static KtFault
pick_fault (KtFaultProxy *self)
{
  double roll = g_rand_double (self->rand);
  double sum = 0;

  for (KtFault fault = KT_FAULT_DROP; fault < KT_N_FAULTS; fault++)
    {
      sum += self->shares[fault];
      if (roll < sum)
        return fault;
    }
  return KT_FAULT_NONE;
}

static void
on_drained (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Connection *conn = user_data;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);

  if (chunk != NULL && g_bytes_get_size (chunk) > 0)
    {
      g_input_stream_read_bytes_async (G_INPUT_STREAM (source), CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                       conn->proxy->cancellable, on_drained, conn);
      return;
    }
  connection_close (conn);
  connection_unref (conn);
}

/* Half-closes and reads the rest of the request, so the client gets the
 * answer rather than a reset. */
static void
on_canned_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Connection *conn = user_data;
  GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (conn->downstream));

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (conn->downstream), CHUNK_SIZE,
                                   G_PRIORITY_DEFAULT, conn->proxy->cancellable, on_drained, conn);
}

static void
on_canned_request_read (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Connection *conn = user_data;
  g_autoptr(GBytes) request = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source),
                                                                 result, NULL);
  gsize len;
  const guint8 *data;

  if (request == NULL || g_bytes_get_size (request) == 0 || conn->proxy->canned == NULL)
    {
      connection_close (conn);
      connection_unref (conn);
      return;
    }
  data = g_bytes_get_data (conn->proxy->canned, &len);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (conn->downstream),
                                   data, len, G_PRIORITY_DEFAULT, conn->proxy->cancellable,
                                   on_canned_written, conn);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  KtFaultProxy *self = user_data;
  Connection *conn = g_new0 (Connection, 1);

  g_atomic_ref_count_init (&conn->ref_count);
  conn->proxy = g_object_ref (self);
  conn->downstream = G_IO_STREAM (g_object_ref (connection));

  if (self->canned != NULL)
    {
      self->n_connections++;
      g_input_stream_read_bytes_async (g_io_stream_get_input_stream (conn->downstream),
                                       CHUNK_SIZE, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_canned_request_read, conn);
      return TRUE;
    }

  roll (conn);
  g_socket_client_connect_to_host_async (self->client, "127.0.0.1", self->upstream_port,
                                         self->cancellable, on_upstream_connected, conn);
  return TRUE;
}

static void
kt_fault_proxy_dispose (GObject *object)
{
  KtFaultProxy *self = KT_FAULT_PROXY (object);

  kt_fault_proxy_stop (self);
  g_queue_clear_full (&self->held, (GDestroyNotify) pump_free);
  g_clear_object (&self->client);
  g_clear_pointer (&self->canned, g_bytes_unref);
  g_clear_pointer (&self->canned_for, g_bytes_unref);
  g_clear_pointer (&self->canned_request, g_free);
  G_OBJECT_CLASS (kt_fault_proxy_parent_class)->dispose (object);
}

static void
kt_fault_proxy_finalize (GObject *object)
{
  KtFaultProxy *self = KT_FAULT_PROXY (object);

  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (kt_fault_proxy_parent_class)->finalize (object);
}

static void
kt_fault_proxy_class_init (KtFaultProxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kt_fault_proxy_dispose;
  object_class->finalize = kt_fault_proxy_finalize;
}

static void
kt_fault_proxy_init (KtFaultProxy *self)
{
  self->client = g_socket_client_new ();
  self->cancellable = g_cancellable_new ();
  self->delay_ms = 1000;
  g_queue_init (&self->held);
}

KtFaultProxy *
kt_fault_proxy_new (guint16 upstream_port,
                    guint32 seed)
{
  KtFaultProxy *self = g_object_new (KT_TYPE_FAULT_PROXY, NULL);

  self->upstream_port = upstream_port;
  self->rand = g_rand_new_with_seed (seed);
  return self;
}

KtFaultProxy *
kt_fault_proxy_new_started (const char  *url,
                            guint32      seed,
                            char       **proxy_url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GError) error = NULL;
  KtFaultProxy *self;
  guint16 port;

  g_assert_nonnull (uri);
  self = kt_fault_proxy_new (g_uri_get_port (uri), seed);
  port = kt_fault_proxy_start (self, &error);
  g_assert_no_error (error);
  *proxy_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  return self;
}

guint16
kt_fault_proxy_start (KtFaultProxy *self,
                      GError      **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  g_return_val_if_fail (self->service == NULL, 0);

  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, error))
    {
      g_clear_object (&self->service);
      return 0;
    }
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (self->service);
  return self->port;
}

void
kt_fault_proxy_stop (KtFaultProxy *self)
{
  if (self->service == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

guint16
kt_fault_proxy_get_port (KtFaultProxy *self)
{
  return self->port;
}

void
kt_fault_proxy_set_share (KtFaultProxy *self,
                          KtFault       fault,
                          double        share)
{
  g_return_if_fail (fault > KT_FAULT_NONE && fault < KT_N_FAULTS);
  self->shares[fault] = CLAMP (share, 0.0, 1.0);
}

void
kt_fault_proxy_set_delay (KtFaultProxy *self,
                          guint         milliseconds)
{
  self->delay_ms = milliseconds;
}

void
kt_fault_proxy_set_canned (KtFaultProxy *self,
                           GBytes       *bytes)
{
  g_clear_pointer (&self->canned, g_bytes_unref);
  self->canned = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  /* Kept-alive connections end, so the next request meets the change. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

void
kt_fault_proxy_set_away (KtFaultProxy *self,
                         gboolean      away)
{
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);

  kt_fault_proxy_set_canned (self, away ? nothing : NULL);
}

void
kt_fault_proxy_set_canned_for (KtFaultProxy *self,
                               const char   *request,
                               GBytes       *bytes)
{
  g_return_if_fail (bytes == NULL || request != NULL);

  g_clear_pointer (&self->canned_for, g_bytes_unref);
  g_clear_pointer (&self->canned_request, g_free);
  if (bytes == NULL)
    return;
  self->canned_for = g_bytes_ref (bytes);
  self->canned_request = g_strdup (request);
}

guint
kt_fault_proxy_get_n_connections (KtFaultProxy *self)
{
  return self->n_connections;
}

guint
kt_fault_proxy_get_n_faulted (KtFaultProxy *self,
                              KtFault       fault)
{
  g_return_val_if_fail (fault < KT_N_FAULTS, 0);
  return self->n_faulted[fault];
}

void
kt_fault_proxy_hold_answers (KtFaultProxy *self,
                             gboolean      hold)
{
  Pump *pump;

  self->holding = hold;
  if (hold)
    return;
  while ((pump = g_queue_pop_head (&self->held)) != NULL)
    pump_write (pump);
}

guint
kt_fault_proxy_get_n_held (KtFaultProxy *self)
{
  return g_queue_get_length (&self->held);
}
