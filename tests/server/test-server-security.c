/* test-server-security.c: slow clients and client data in logs
 *
 * - slow-headers: twenty connections send their headers a byte at a time
 *   (slowloris); a normal request from another client still answers within
 *   a second, and the slow connections are cut off once the request
 *   timeout has passed, although they never fell silent.
 * - no-client-data-in-output: a real server and two syncing devices work
 *   with documents full of a marker string, plus malformed pushes, bad
 *   logins and competing edits that carry it, with every debug message switched
 *   on; everything the server and the client wrote to stdout and stderr is
 *   then scanned: the marker appears zero times.
 *
 * (Plain HTTP on a non-loopback address is refused: test-server.c,
 * /server/cli/plain-http-off-loopback-is-refused.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-security"

#include "config.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <unistd.h>

#include "kt-core.h"
#include "kt-test-server.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

#define N_SLOW 20
#define MARKER "Zqx7Markeer"

/* Slow clients */

static GSocket *
connect_to (const char *url)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;
  GSocket *socket;

  connection = g_socket_client_connect_to_host (client, url + strlen ("http://"), 0, NULL, &error);
  g_assert_no_error (error);
  socket = g_object_ref (g_socket_connection_get_socket (connection));
  /* Keep the socket open without the connection object. */
  g_object_set_data_full (G_OBJECT (socket), "connection", connection, g_object_unref);
  return socket;
}

static void
test_slow_headers (void)
{
  g_autoptr(KtTestServer) server = kt_test_server_start_full (NULL, NULL, "[server]\nrequest-timeout=2\n");
  const char *url = kt_test_server_get_url (server);
  const char *request = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: "
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
  g_autofree char *health = g_strconcat (url, "/api/v1/health", NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  GSocket *slow[N_SLOW];
  gboolean cut[N_SLOW] = { FALSE };
  guint n_cut = 0, answers = 0;
  gint64 start = g_get_monotonic_time (), worst = 0;
  gsize pos = 0;

  for (guint i = 0; i < N_SLOW; i++)
    {
      slow[i] = connect_to (url);
      g_socket_set_blocking (slow[i], FALSE);
    }

  /* One byte per connection every 100 ms: never 2 s of silence, and the
   * headers take over 12 s to finish. */
  while (g_get_monotonic_time () - start < 6 * G_USEC_PER_SEC && n_cut < N_SLOW)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", health);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      gint64 before;

      for (guint i = 0; i < N_SLOW; i++)
        {
          char buffer[256];

          if (cut[i])
            continue;
          if (g_socket_send (slow[i], request + pos, 1, NULL, NULL) != 1 ||
              g_socket_receive (slow[i], buffer, sizeof buffer, NULL, NULL) == 0)
            {
              cut[i] = TRUE;
              n_cut++;
            }
        }
      pos = MIN (pos + 1, strlen (request) - 3);   /* never the final blank line */

      before = g_get_monotonic_time ();
      body = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
      worst = MAX (worst, g_get_monotonic_time () - before);
      answers++;
      g_usleep (100 * 1000);
    }

  g_print ("# %u normal requests answered beside %d slow clients, slowest in %" G_GINT64_FORMAT
           " ms; %u slow connections cut off after %.1f s\n", answers, N_SLOW, worst / 1000,
           n_cut, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  /* Starved, the first normal request would wait for the slow ones to be
   * cut off (request-timeout, 2 s after they connected) or for ever;
   * answered, it takes milliseconds, once a second on a loaded machine
   * under ASan. */
  g_assert_cmpint (worst, <, 3 * G_USEC_PER_SEC / 2);
  g_assert_cmpuint (n_cut, ==, N_SLOW);
  for (guint i = 0; i < N_SLOW; i++)
    g_object_unref (slow[i]);
}

/* Client data in output */

typedef struct {
  int   saved[2];
  char *paths[2];
} Capture;

/* Sends this process's stdout and stderr, and so those of every server it
 * starts meanwhile, to files in @dir. */
static void
capture_start (Capture    *capture,
               const char *dir)
{
  fflush (stdout);
  fflush (stderr);
  for (int fd = 1; fd <= 2; fd++)
    {
      int file;

      capture->paths[fd - 1] = g_strdup_printf ("%s/fd%d.txt", dir, fd);
      file = g_open (capture->paths[fd - 1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
      g_assert_cmpint (file, >=, 0);
      capture->saved[fd - 1] = dup (fd);
      g_assert_cmpint (dup2 (file, fd), ==, fd);
      close (file);
    }
}

static void
capture_stop (Capture *capture)
{
  fflush (stdout);
  fflush (stderr);
  for (int fd = 1; fd <= 2; fd++)
    {
      dup2 (capture->saved[fd - 1], fd);
      close (capture->saved[fd - 1]);
    }
}

static guint
count_in_file (const char *path,
               const char *text)
{
  g_autofree char *contents = NULL;
  gsize len;
  guint count = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  for (const char *p = contents; (p = g_strstr_len (p, contents + len - p, text)) != NULL; p++)
    count++;
  return count;
}

static gsize
file_size (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_size;
}

static void
share_plan (KtSyncClient *device,
            const char   *id,
            const char   *case_id,
            gint64        rev)
{
  g_autoptr(GBytes) body = kt_test_plan_body (id, case_id, rev, "Vraag van " MARKER " over " MARKER);
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_sync_client_share (device, body, &error));
  g_assert_no_error (error);
}

static void
sync_ok (KtSyncClient *device)
{
  g_autoptr(GError) error = NULL;

  kt_test_device_sync (device, &error);
  g_assert_no_error (error);
}

static void
test_no_client_data_in_output (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-marker-scan");
  g_autoptr(KtTestServer) server = NULL;
  g_autoptr(KtSyncClient) laptop = NULL;
  g_autoptr(KtSyncClient) tablet = NULL;
  g_autofree char *case_id = NULL;
  g_autofree char *plan = kt_uuid_new ();
  const char *url;
  Capture capture;
  guint found = 0;
  gsize written = 0;

  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  capture_start (&capture, dir);

  server = kt_test_server_start (NULL, kt_test_sync_users);
  url = kt_test_server_get_url (server);
  case_id = kt_test_case_for_coach (dir, url);
  laptop = kt_test_device_new (dir, "laptop");
  tablet = kt_test_device_new (dir, "tablet");
  kt_test_device_sign_in (laptop, url, "coach1");
  kt_test_device_sign_in (tablet, url, "coach1");

  /* Normal work: shared, synced, pulled by the other device. */
  share_plan (laptop, plan, case_id, 1);
  sync_ok (laptop);
  sync_ok (tablet);

  /* Both edit from rev 1: the tablet's push meets the laptop's. */
  share_plan (laptop, plan, case_id, 2);
  share_plan (tablet, plan, case_id, 2);
  sync_ok (laptop);
  kt_test_device_sync (tablet, NULL);

  /* Refusals that carry the marker: malformed and mismatched pushes, a
   * login with it as username and password. */
  kt_test_http (url, "coach1", "PUT", "/records/" MARKER, "{\"id\":\"" MARKER "\",\"body\":\"" MARKER, NULL);
  kt_test_http (url, "coach1", "PUT", "/records/x", "{\"id\":\"x\",\"kind\":\"plan\",\"rev\":1,\"body\":{\"question\":\"" MARKER "\"}}", NULL);
  kt_test_http (url, NULL, "POST", "/login", "{\"username\":\"" MARKER "\",\"password\":\"" MARKER "\"}", NULL);
  kt_test_http (url, NULL, "GET", "/records/" MARKER "?q=" MARKER, NULL, NULL);

  kt_test_device_sign_out (laptop);
  g_clear_object (&laptop);
  g_clear_object (&tablet);
  kt_test_server_stop (server);
  capture_stop (&capture);
  g_unsetenv ("G_MESSAGES_DEBUG");

  for (guint i = 0; i < G_N_ELEMENTS (capture.paths); i++)
    {
      written += file_size (capture.paths[i]);
      found += count_in_file (capture.paths[i], MARKER);
    }
  g_print ("# %zu bytes of output scanned, marker found %u times\n", written, found);
  /* The capture did see the debug output (so the scan can fail). */
  g_assert_cmpuint (written, >, 1000);
  g_assert_cmpuint (found, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (capture.paths); i++)
    g_free (capture.paths[i]);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

  g_test_add_func ("/server-security/slow-headers", test_slow_headers);
  g_test_add_func ("/server-security/no-client-data-in-output", test_no_client_data_in_output);
  return g_test_run ();
}
