/* test-server-limits.c: what hostile and careless clients can cost the server
 *
 * - a-burst-of-connections-waits-to-be-accepted: 100 connections made at
 *   once while the server is stopped all wait in the listen backlog (128;
 *   libsoup's default was 10) and are answered, none reset.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-limits"

#include "config.h"

#include <gio/gio.h>
#include <signal.h>

#include "kt-test-server.h"
#include "kt-test-util.h"

/* Helpers */

static GSocketAddress *
server_address (KtTestServer *server)
{
  g_autoptr(GUri) uri = g_uri_parse (kt_test_server_get_url (server), G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  g_assert_nonnull (uri);
  return g_inet_socket_address_new (loopback, g_uri_get_port (uri));
}

static void
send_all (GSocket    *socket,
          const char *data,
          gsize       len)
{
  while (len > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize sent = g_socket_send (socket, data, len, NULL, &error);

      g_assert_no_error (error);
      data += sent;
      len -= sent;
    }
}

/* Reads one whole answer (headers and a Content-Length body); its status,
 * or 0 when the connection ended first. */
static guint
read_answer (GSocket *socket)
{
  g_autoptr(GString) answer = g_string_new (NULL);
  const char *end = NULL;
  gsize body = 0;

  for (;;)
    {
      char buffer[4096];
      gssize got;

      if (end != NULL && answer->len >= (gsize) (end + 4 - answer->str) + body)
        break;
      got = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL);
      if (got <= 0)
        return 0;
      g_string_append_len (answer, buffer, got);
      end = strstr (answer->str, "\r\n\r\n");
      if (end != NULL)
        {
          const char *length = g_strstr_len (answer->str, end - answer->str, "\r\nContent-Length: ");

          body = length != NULL ? g_ascii_strtoull (length + strlen ("\r\nContent-Length: "), NULL, 10) : 0;
        }
    }
  if (!g_str_has_prefix (answer->str, "HTTP/1.1 "))
    return 0;
  return (guint) g_ascii_strtoull (answer->str + strlen ("HTTP/1.1 "), NULL, 10);
}

#define HEALTH "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

/* The listen backlog */

#define BURST 100

/* While the server is stopped, the kernel completes the connections it
 * has room for in the listen backlog and drops the rest (their clients
 * retry after a second, or see resets).  Every one of a burst of 100 must
 * fit and be answered once the server goes on. */
static void
test_a_burst_of_connections_waits_to_be_accepted (void)
{
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, NULL);
  g_autoptr(GSocketAddress) address = server_address (server);
  GPid pid = kt_test_server_get_pid (server);
  GSocket *sockets[BURST];
  guint connected = 0, answered = 0;
  gint64 deadline;

  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
  for (guint i = 0; i < BURST; i++)
    {
      g_autoptr(GError) error = NULL;

      sockets[i] = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
      g_assert_no_error (error);
      g_socket_set_blocking (sockets[i], FALSE);
      if (!g_socket_connect (sockets[i], address, NULL, &error))
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
    }
  /* under a second: a connection the kernel dropped retries after one */
  deadline = g_get_monotonic_time () + 800 * G_TIME_SPAN_MILLISECOND;
  for (guint i = 0; i < BURST; i++)
    {
      gint64 left = MAX (0, deadline - g_get_monotonic_time ());

      if (g_socket_condition_timed_wait (sockets[i], G_IO_OUT, left, NULL, NULL) &&
          g_socket_check_connect_result (sockets[i], NULL))
        {
          connected++;
          g_socket_set_blocking (sockets[i], TRUE);
          g_socket_set_timeout (sockets[i], 10);
          send_all (sockets[i], HEALTH, strlen (HEALTH));
        }
    }
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
  for (guint i = 0; i < BURST; i++)
    {
      if (g_socket_is_connected (sockets[i]) && read_answer (sockets[i]) == 200)
        answered++;
      g_object_unref (sockets[i]);
    }
  g_print ("# %u of %u connections made while the server was stopped; %u answered\n",
           connected, BURST, answered);
  g_assert_cmpuint (connected, ==, BURST);
  g_assert_cmpuint (answered, ==, BURST);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/limits/a-burst-of-connections-waits-to-be-accepted",
                   test_a_burst_of_connections_waits_to_be_accepted);
  return g_test_run ();
}
