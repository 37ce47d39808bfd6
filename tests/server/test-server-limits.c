/* test-server-limits.c: what hostile and careless clients can cost the server
 *
 * - closed-keep-alive-connections-are-let-go: under `ulimit -n 256`, 2,000
 *   keep-alive connections (100,000 with --long) each answer one request
 *   and are closed by their client; the server keeps answering and the
 *   entries in /proc/PID/fd stay bounded (libsoup 3.2.3 kept every one in
 *   CLOSE-WAIT).
 * - silent-keep-alive-connections-are-closed: a connection that stays silent
 *   after its answer is closed after the request timeout.
 * - huge-bodies-are-refused-by-their-length, huge-chunked-bodies-are-cut-off-
 *   at-the-limit: 20 clients each send a 500 MB body (streamed) to the API
 *   and to a path outside it; each gets 413 or is cut off long before the
 *   end, and the server's peak memory (VmHWM) stays under 64 MB.
 * - parallel-guesses-are-counted-before-the-hash: 200 wrong passwords for
 *   one account sent at once from one address; at most the limit (5) have
 *   their hash checked (answered 401), the rest are refused before it (429);
 *   the real user signs in from another address.  successful-sign-ins-do-
 *   not-count, forwarded-for-counts-only-from-a-trusted-proxy and the-
 *   ceiling-per-account-is-a-short-backoff: the rest of the sign-in rules.
 * - a-burst-of-connections-waits-to-be-accepted: 100 connections made at
 *   once while the server is stopped all wait in the listen backlog (128;
 *   libsoup's default was 10) and are answered, none reset.
 * - tls-below-1.2-is-refused: on a throwaway self-signed certificate,
 *   `openssl s_client -tls1` and `-tls1_1` fail, `-tls1_2` and `-tls1_3` are
 *   answered (and the answer closes the connection, see kt-connection-guard.c).
 *
 * The long version runs in the `long` suite, which `meson test` leaves out:
 *   meson test -C build --suite long --print-errorlogs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-limits"
#define _GNU_SOURCE   /* prlimit */

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/resource.h>

#include "kt-test-postgres.h"
#include "kt-test-server.h"
#include "kt-test-util.h"

static gboolean long_run;
static KtTestPostgres *postgres;   /* NULL: SQLite */

/* Helpers */

static guint
count_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
limit_fds (GPid  pid,
           guint limit)
{
  struct rlimit rl = { limit, limit };

  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, &rl, NULL), ==, 0);
}

static GSocketAddress *
server_address (KtTestServer *server)
{
  g_autoptr(GUri) uri = g_uri_parse (kt_test_server_get_url (server), G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  g_assert_nonnull (uri);
  return g_inet_socket_address_new (loopback, g_uri_get_port (uri));
}

static GSocket *
connect_blocking (GSocketAddress *address)
{
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_set_timeout (socket, 10);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  return socket;
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

static guint
health_on (GSocket *socket)
{
  send_all (socket, HEALTH, strlen (HEALTH));
  return read_answer (socket);
}

/* Waits (up to 5 s) until the server holds at most @bound descriptors;
 * returns how many it holds. */
static guint
settle_fds (GPid  pid,
            guint bound)
{
  guint n = count_fds (pid);

  for (guint i = 0; i < 500 && n > bound; i++)
    {
      g_usleep (10 * 1000);
      n = count_fds (pid);
    }
  return n;
}

/* Connections */

#define BATCH 100

static void
test_closed_keep_alive_connections_are_let_go (void)
{
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, NULL);
  g_autoptr(GSocketAddress) address = server_address (server);
  GPid pid = kt_test_server_get_pid (server);
  guint n_connections = long_run ? 100000 : 2000;
  guint before, after, most = 0;
  gint64 start = g_get_monotonic_time ();

  limit_fds (pid, 256);
  before = count_fds (pid);
  for (guint done = 0; done < n_connections; done += BATCH)
    {
      GSocket *sockets[BATCH];

      /* a hundred at a time, each answered on a keep-alive connection and
       * then closed by the client */
      for (guint i = 0; i < BATCH; i++)
        sockets[i] = connect_blocking (address);
      for (guint i = 0; i < BATCH; i++)
        g_assert_cmpuint (health_on (sockets[i]), ==, 200);
      most = MAX (most, count_fds (pid));
      for (guint i = 0; i < BATCH; i++)
        g_object_unref (sockets[i]);
    }
  after = settle_fds (pid, before + 4);

  {
    g_autoptr(GSocket) last = connect_blocking (address);

    g_assert_cmpuint (health_on (last), ==, 200);
  }
  g_print ("# %u keep-alive connections closed by their clients in %.1f s: "
           "%u descriptors before, at most %u while %u were open, %u after\n",
           n_connections, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
           before, most, BATCH, after);
  /* each closed connection left a descriptor behind: after 2,000 the
   * server could not accept any more */
  g_assert_cmpuint (after, <=, before + 4);
  g_assert_cmpuint (most, <=, before + 2 * BATCH);
}

static void
test_silent_keep_alive_connections_are_closed (void)
{
  g_autoptr(KtTestServer) server = kt_test_server_start_full (NULL, NULL, "[server]\nrequest-timeout=1\n");
  g_autoptr(GSocketAddress) address = server_address (server);
  g_autoptr(GSocket) socket = connect_blocking (address);
  GPid pid = kt_test_server_get_pid (server);
  guint open;
  char byte;

  g_assert_cmpuint (health_on (socket), ==, 200);
  open = count_fds (pid);
  /* the server closes it: the client reads the end of the stream, and the
   * server's descriptor is gone */
  g_socket_set_timeout (socket, 5);
  g_assert_cmpint (g_socket_receive (socket, &byte, 1, NULL, NULL), ==, 0);
  g_assert_cmpuint (settle_fds (pid, open - 1), ==, open - 1);
}

/* Bodies */

#define N_SENDERS 20
#define HUGE_BODY ((guint64) 500 * 1024 * 1024)
#define BLOCK     (64 * 1024)

typedef struct {
  GSocket *socket;
  GString *answer;
  guint64  sent;     /* bytes of the body */
  gsize    offset;   /* into the block being sent */
  guint    status;   /* of the answer, once whole */
  gboolean ended;    /* the server closed or reset the connection */
} Sender;

static guint64
peak_memory_kb (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "\nVmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nVmHWM:"), NULL, 10);
}

/* The status of a whole answer in @answer, or 0. */
static guint
answer_status (GString *answer)
{
  const char *end = strstr (answer->str, "\r\n\r\n");
  const char *length;

  if (end == NULL || !g_str_has_prefix (answer->str, "HTTP/1.1 "))
    return 0;
  length = g_strstr_len (answer->str, end - answer->str, "\r\nContent-Length: ");
  if (length != NULL &&
      answer->len < (gsize) (end + 4 - answer->str) + g_ascii_strtoull (length + strlen ("\r\nContent-Length: "), NULL, 10))
    return 0;
  return (guint) g_ascii_strtoull (answer->str + strlen ("HTTP/1.1 "), NULL, 10);
}

/* Twenty clients each start a 500 MB body, half of them to /api/v1/login and
 * half to a path outside the API, streamed from one 64 KB block; each goes
 * on until it has an answer or the server ends the connection. */
static void
send_huge_bodies (gboolean chunked)
{
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, NULL);
  g_autoptr(GSocketAddress) address = server_address (server);
  GPid pid = kt_test_server_get_pid (server);
  g_autofree char *block = g_malloc0 (BLOCK + 16);
  Sender senders[N_SENDERS] = { { 0, } };
  guint64 start_kb = peak_memory_kb (pid), peak_kb, most_sent = 0;
  guint refused = 0, ended = 0, active = N_SENDERS;
  gsize block_len = BLOCK;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  if (chunked)
    {
      /* one chunk of BLOCK bytes, its size in hex before it */
      g_autofree char *head = g_strdup_printf ("%x\r\n", BLOCK);

      memmove (block + strlen (head), block, BLOCK);
      memcpy (block, head, strlen (head));
      memcpy (block + strlen (head) + BLOCK, "\r\n", 2);
      block_len = strlen (head) + BLOCK + 2;
    }

  for (guint i = 0; i < N_SENDERS; i++)
    {
      g_autofree char *headers = NULL;
      g_autofree char *length = g_strdup_printf ("Content-Length: %" G_GUINT64_FORMAT "\r\n", HUGE_BODY);

      headers = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: application/json\r\n%s\r\n",
                                 i % 2 == 0 ? "/api/v1/login" : "/somewhere/else",
                                 chunked ? "Transfer-Encoding: chunked\r\n" : length);
      senders[i].socket = connect_blocking (address);
      senders[i].answer = g_string_new (NULL);
      send_all (senders[i].socket, headers, strlen (headers));
      g_socket_set_blocking (senders[i].socket, FALSE);
    }

  while (active > 0 && g_get_monotonic_time () < deadline)
    {
      GPollFD fds[N_SENDERS];
      guint index[N_SENDERS], n = 0;

      for (guint i = 0; i < N_SENDERS; i++)
        if (senders[i].status == 0 && !senders[i].ended)
          {
            fds[n] = (GPollFD) { g_socket_get_fd (senders[i].socket), G_IO_IN | G_IO_OUT, 0 };
            index[n++] = i;
          }
      active = n;
      if (g_poll (fds, n, 1000) <= 0)
        continue;
      for (guint k = 0; k < n; k++)
        {
          Sender *sender = &senders[index[k]];

          if (fds[k].revents & (G_IO_IN | G_IO_HUP | G_IO_ERR))
            {
              char buffer[4096];
              gssize got = g_socket_receive (sender->socket, buffer, sizeof buffer, NULL, NULL);

              if (got > 0)
                {
                  g_string_append_len (sender->answer, buffer, got);
                  sender->status = answer_status (sender->answer);
                }
              else
                sender->ended = TRUE;
            }
          else if ((fds[k].revents & G_IO_OUT) && sender->sent < HUGE_BODY)
            {
              g_autoptr(GError) error = NULL;
              gssize sent = g_socket_send (sender->socket, block + sender->offset,
                                           block_len - sender->offset, NULL, &error);

              if (sent < 0)
                sender->ended = !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
              else
                {
                  sender->sent += sent;
                  sender->offset = (sender->offset + sent) % block_len;
                }
            }
        }
    }

  peak_kb = peak_memory_kb (pid);
  for (guint i = 0; i < N_SENDERS; i++)
    {
      refused += senders[i].status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
      ended += senders[i].status == 0 && senders[i].ended;
      most_sent = MAX (most_sent, senders[i].sent);
      g_string_free (senders[i].answer, TRUE);
      g_object_unref (senders[i].socket);
    }
  g_print ("# %u %s bodies of 500 MB: %u answered 413, %u cut off, at most %.1f MB sent by one client; "
           "server peak memory %.1f MB (%.1f MB before)\n",
           N_SENDERS, chunked ? "chunked" : "Content-Length", refused, ended,
           most_sent / (1024.0 * 1024.0), peak_kb / 1024.0, start_kb / 1024.0);

  /* every client stopped long before the end of its body, and most read
   * the 413 */
  g_assert_cmpuint (refused + ended, ==, N_SENDERS);
  g_assert_cmpuint (refused, >=, N_SENDERS / 2);
  g_assert_cmpuint (most_sent, <, HUGE_BODY / 10);
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer's shadow memory and quarantine add tens of MB of their
   * own: under it, the growth is what must stay under 64 MB */
  g_assert_cmpuint (peak_kb - start_kb, <, 64 * 1024);
#else
  g_assert_cmpuint (peak_kb, <, 64 * 1024);
#endif

  {
    g_autoptr(GSocket) after = connect_blocking (address);

    g_assert_cmpuint (health_on (after), ==, 200);
  }
}

static void
test_huge_bodies_are_refused_by_their_length (void)
{
  send_huge_bodies (FALSE);
}

static void
test_huge_chunked_bodies_are_cut_off_at_the_limit (void)
{
  send_huge_bodies (TRUE);
}

/* Sign-in limits */

#define PASSWORD  "juiste-wachtwoord"
#define ATTACKER  "198.51.100.7"
#define RESIDENT  "203.0.113.9"
#define N_GUESSES 200

static const KtTestUser sign_in_users[] = {
  { "anna", PASSWORD, "wijkcoach", "noord", NULL },
  { NULL }
};

/* A server with anna, on PostgreSQL with --backend=postgres (transfer full). */
static KtTestServer *
start_sign_in_server (const char *config)
{
  g_autofree char *database = postgres != NULL ? kt_test_postgres_new_database (postgres) : NULL;

  return kt_test_server_start_full (database, sign_in_users, config);
}

/* Sends a sign-in for anna, from @forwarded_for when not NULL. */
static void
send_sign_in (GSocket    *socket,
              const char *password,
              const char *forwarded_for)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"anna\",\"password\":\"%s\"}", password);
  g_autofree char *forwarded = forwarded_for != NULL
                               ? g_strdup_printf ("X-Forwarded-For: %s\r\n", forwarded_for)
                               : g_strdup ("");
  g_autofree char *request = g_strdup_printf ("POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                                              "Content-Type: application/json\r\n"
                                              "Content-Length: %zu\r\n\r\n%s",
                                              forwarded, strlen (body), body);

  send_all (socket, request, strlen (request));
}

static guint
sign_in (GSocketAddress *address,
         const char     *password,
         const char     *forwarded_for)
{
  g_autoptr(GSocket) socket = connect_blocking (address);

  send_sign_in (socket, password, forwarded_for);
  return read_answer (socket);
}

/* 200 wrong passwords sent at once from one address: every one of them is
 * on its way before the first hash is done.  Each 401 is a password that
 * was checked (Argon2id) and found wrong; each 429 was refused before the
 * check.  The old server counted a failure only after its hash: here 196 of
 * the 200 had their hash checked. */
static void
test_parallel_guesses_are_counted_before_the_hash (void)
{
  g_autoptr(KtTestServer) server = start_sign_in_server ("[server]\ntrusted-proxies=127.0.0.1\n"
                                                         "[limits]\nlogin-attempts-per-account=5\n");
  g_autoptr(GSocketAddress) address = server_address (server);
  GSocket *sockets[N_GUESSES];
  guint checked = 0, refused = 0;

  for (guint i = 0; i < N_GUESSES; i++)
    sockets[i] = connect_blocking (address);
  for (guint i = 0; i < N_GUESSES; i++)
    send_sign_in (sockets[i], "raden-raden", ATTACKER);
  for (guint i = 0; i < N_GUESSES; i++)
    {
      guint status = read_answer (sockets[i]);

      checked += status == SOUP_STATUS_UNAUTHORIZED;
      refused += status == 429;
      g_object_unref (sockets[i]);
    }
  g_print ("# %u parallel guesses: %u checked and refused (401), %u refused before the check (429)\n",
           N_GUESSES, checked, refused);
  g_assert_cmpuint (checked, <=, 5);
  g_assert_cmpuint (checked + refused, ==, N_GUESSES);

  /* the guesser stays locked out, even with the right password … */
  g_assert_cmpuint (sign_in (address, PASSWORD, ATTACKER), ==, 429);
  /* … and the resident, from another address, signs in */
  g_assert_cmpuint (sign_in (address, PASSWORD, RESIDENT), ==, SOUP_STATUS_OK);
}

static void
test_successful_sign_ins_do_not_count (void)
{
  g_autoptr(KtTestServer) server = start_sign_in_server ("[limits]\nlogin-attempts-per-account=3\n"
                                                         "login-attempts-per-address=3\n");
  g_autoptr(GSocketAddress) address = server_address (server);

  /* a whole team behind one address signs in, many times over */
  for (guint i = 0; i < 20; i++)
    g_assert_cmpuint (sign_in (address, PASSWORD, NULL), ==, SOUP_STATUS_OK);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (sign_in (address, "raden-raden", NULL), ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpuint (sign_in (address, PASSWORD, NULL), ==, 429);
}

static void
test_forwarded_for_counts_only_from_a_trusted_proxy (void)
{
  g_autoptr(KtTestServer) server = start_sign_in_server ("[limits]\nlogin-attempts-per-account=3\n");
  g_autoptr(GSocketAddress) address = server_address (server);

  /* 127.0.0.1 is no trusted proxy here: its X-Forwarded-For is ignored,
   * or a guesser would name a new address for every guess */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (sign_in (address, "raden-raden", ATTACKER), ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpuint (sign_in (address, PASSWORD, RESIDENT), ==, 429);
}

/* Guesses from many addresses reach the ceiling per account; the answer is
 * a short Retry-After, after which the resident signs in. */
static void
test_the_ceiling_per_account_is_a_short_backoff (void)
{
  g_autoptr(KtTestServer) server = start_sign_in_server ("[server]\ntrusted-proxies=127.0.0.0/8\n"
                                                         "[limits]\nlogin-attempts-per-account=3\n"
                                                         "login-account-ceiling=6\nlogin-ceiling-window=2\n");
  g_autoptr(GSocketAddress) address = server_address (server);
  const char *guessers[] = { "198.51.100.1", "198.51.100.2" };
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *retry_after = NULL;
  char buffer[1024];
  gssize got;

  for (guint i = 0; i < 6; i++)
    g_assert_cmpuint (sign_in (address, "raden-raden", guessers[i % 2]), ==, SOUP_STATUS_UNAUTHORIZED);

  socket = connect_blocking (address);
  send_sign_in (socket, PASSWORD, RESIDENT);
  got = g_socket_receive (socket, buffer, sizeof buffer - 1, NULL, NULL);
  g_assert_cmpint (got, >, 0);
  buffer[got] = '\0';
  g_assert_true (g_str_has_prefix (buffer, "HTTP/1.1 429 "));
  g_assert_nonnull (strstr (buffer, "\r\nRetry-After: "));
  retry_after = g_strdup (strstr (buffer, "\r\nRetry-After: ") + strlen ("\r\nRetry-After: "));
  g_assert_cmpuint (g_ascii_strtoull (retry_after, NULL, 10), <=, 2);

  g_usleep ((g_ascii_strtoull (retry_after, NULL, 10) + 1) * G_USEC_PER_SEC);
  g_assert_cmpuint (sign_in (address, PASSWORD, RESIDENT), ==, SOUP_STATUS_OK);
}

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

/* TLS versions */

/* Runs openssl s_client against @port with @version ("-tls1_1"), sending
 * @request (or nothing) and reading until the server closes; its exit
 * status, and its output in @out (transfer full). */
static int
s_client (guint16      port,
          const char  *version,
          const char  *request,
          char       **out)
{
  g_autofree char *connect = g_strdup_printf ("127.0.0.1:%u", port);
  /* the client side allows the old versions too (OpenSSL 3's default
   * security level refuses them itself), so only the server can say no */
  const char *argv[] = { "timeout", "10", "openssl", "s_client", "-connect", connect, version,
                         "-cipher", "DEFAULT:@SECLEVEL=0", "-ign_eof", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, request != NULL ? request : "", NULL, out, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

static void
test_tls_below_1_2_is_refused (void)
{
  char *dir = kt_test_tmpdir_new ("kt-tls");
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *config = g_strdup_printf ("[server]\ntls-cert=%s\ntls-key=%s\n", cert, key);
  const char *make_cert[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                              "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", NULL };
  g_autoptr(KtTestServer) server = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) make_cert, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  server = kt_test_server_start_full (NULL, NULL, config);
  uri = g_uri_parse (kt_test_server_get_url (server), G_URI_FLAGS_NONE, NULL);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");

  for (guint i = 0; i < 2; i++)
    {
      const char *old = i == 0 ? "-tls1" : "-tls1_1";
      g_autofree char *out = NULL;

      g_assert_cmpint (s_client (g_uri_get_port (uri), old, NULL, &out), !=, 0);
      g_assert_null (strstr (out, "New, TLSv1"));
    }
  for (guint i = 0; i < 2; i++)
    {
      const char *good = i == 0 ? "-tls1_2" : "-tls1_3";
      g_autofree char *out = NULL;

      /* accepted and answered; over TLS the answer closes the connection
       * (else s_client would wait for the timeout) */
      g_assert_cmpint (s_client (g_uri_get_port (uri), good, HEALTH, &out), ==, 0);
      g_assert_nonnull (strstr (out, i == 0 ? "New, TLSv1.2" : "New, TLSv1.3"));
      g_assert_nonnull (strstr (out, "HTTP/1.1 200 OK"));
      g_assert_nonnull (strstr (out, "Connection: close"));
    }
  g_clear_pointer (&server, kt_test_server_free);
  kt_test_tmpdir_free (dir);
}

int
main (int   argc,
      char *argv[])
{
  gboolean use_postgres = FALSE;
  int result;

  for (int i = 1; i < argc; i++)
    {
      long_run |= g_str_equal (argv[i], "--long");
      use_postgres |= g_str_equal (argv[i], "--backend=postgres");
    }
  g_test_init (&argc, &argv, NULL);

  if (long_run)
    {
      g_test_add_func ("/server/limits/closed-keep-alive-connections-are-let-go-100000",
                       test_closed_keep_alive_connections_are_let_go);
      return g_test_run ();
    }
  if (use_postgres)
    {
      /* the sign-in limits read accounts from the backend; the rest does
       * not touch it */
      g_autoptr(GError) error = NULL;

      postgres = kt_test_postgres_start (&error);
      if (postgres == NULL)
        {
          g_test_message ("%s", error->message);
          g_test_skip ("PostgreSQL 15 is not installed");
          return g_test_run ();
        }
      g_test_add_func ("/server/limits/postgres/parallel-guesses-are-counted-before-the-hash",
                       test_parallel_guesses_are_counted_before_the_hash);
      g_test_add_func ("/server/limits/postgres/successful-sign-ins-do-not-count",
                       test_successful_sign_ins_do_not_count);
      result = g_test_run ();
      g_clear_pointer (&postgres, kt_test_postgres_free);
      return result;
    }
  g_test_add_func ("/server/limits/closed-keep-alive-connections-are-let-go",
                   test_closed_keep_alive_connections_are_let_go);
  g_test_add_func ("/server/limits/silent-keep-alive-connections-are-closed",
                   test_silent_keep_alive_connections_are_closed);
  g_test_add_func ("/server/limits/huge-bodies-are-refused-by-their-length",
                   test_huge_bodies_are_refused_by_their_length);
  g_test_add_func ("/server/limits/huge-chunked-bodies-are-cut-off-at-the-limit",
                   test_huge_chunked_bodies_are_cut_off_at_the_limit);
  g_test_add_func ("/server/limits/parallel-guesses-are-counted-before-the-hash",
                   test_parallel_guesses_are_counted_before_the_hash);
  g_test_add_func ("/server/limits/successful-sign-ins-do-not-count",
                   test_successful_sign_ins_do_not_count);
  g_test_add_func ("/server/limits/forwarded-for-counts-only-from-a-trusted-proxy",
                   test_forwarded_for_counts_only_from_a_trusted_proxy);
  g_test_add_func ("/server/limits/the-ceiling-per-account-is-a-short-backoff",
                   test_the_ceiling_per_account_is_a_short_backoff);
  g_test_add_func ("/server/limits/a-burst-of-connections-waits-to-be-accepted",
                   test_a_burst_of_connections_waits_to_be_accepted);
  g_test_add_func ("/server/limits/tls-below-1.2-is-refused", test_tls_below_1_2_is_refused);
  return g_test_run ();
}
