/* fuzz-server-request.c: libFuzzer target for the server's request handling
 *
 * The real KtServer (src/server, compiled into this target) listens once on
 * 127.0.0.1 with a SQLite database in a temp dir holding one account of each
 * role, each with a fixed bearer token ("fuzz-anna", "fuzz-ida", "fuzz-sara",
 * "fuzz-adam") so that seeds reach the signed-in handlers.  Every input is
 * sent as raw bytes — request line, headers, body — over a fresh loopback
 * connection, the write side is closed, and the main loop runs until the
 * server has answered and closed the connection.  The database keeps what
 * earlier inputs stored, as a real server would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-server-request"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kt-core.h"
#include "kt-account.h"
#include "kt-backend.h"
#include "kt-server.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
const char *__lsan_default_suppressions (void);
const char *__asan_default_options (void);

/* GLib and libsoup have no frame pointers: without the slow unwinder a
 * leak's stack stops at g_malloc and no suppression below could match. */
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0:malloc_context_size=30";
}

/* Leaks in third-party code, not in the server:
 * - libsoup 3.2.2 (Debian 12) loses the method string it has just copied
 *   when a request line parses but the headers after it do not
 *   (soup_headers_parse_request; found by this target, input kept as
 *   corpus-server-request/regress-libsoup-request-line-leak). */
const char *
__lsan_default_suppressions (void)
{
  return "leak:soup_headers_parse_request\n";
}

/* No input may keep a connection open longer than this. */
#define ANSWER_DEADLINE_USEC (5 * G_USEC_PER_SEC)
/* A whole answer followed by this much silence ends the exchange. */
#define QUIET_USEC (3 * 1000)

static const struct {
  const char *username;
  KtRole      role;
  const char *team;
} accounts[] = {
  { "anna", KT_ROLE_COACH, "noord" },
  { "ida", KT_ROLE_INTAKER, "noord" },
  { "sara", KT_ROLE_SUPERVISOR, "noord" },
  { "adam", KT_ROLE_ADMIN, "beheer" },
};

static KtServer *server;
static GInetSocketAddress *server_address;

static void
remove_tmpdir (void)
{
  const char *dir = g_getenv ("KT_FUZZ_TMPDIR");

  if (dir != NULL)
    {
      g_autofree char *db = g_build_filename (dir, "server.db", NULL);
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);

      g_unlink (db);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
}

static void
start_server (void)
{
  static KtServerConfig *config;
  g_autoptr(KtBackend) backend = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GInetAddress) loopback = NULL;

  /* Argon2id at its cheapest: a login costs a millisecond, not a second. */
  g_setenv ("KT_SERVER_INSECURE_FAST_HASH", "1", TRUE);
  g_assert_true (kt_core_init ());

  dir = g_dir_make_tmp ("kt-fuzz-server-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("KT_FUZZ_TMPDIR", dir, TRUE);
  atexit (remove_tmpdir);
  uri = g_strconcat ("sqlite://", dir, "/server.db", NULL);
  backend = kt_backend_open (uri, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (kt_backend_init_schema (backend, &error));

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autoptr(KtAccount) account = kt_account_new ();
      g_autofree char *token = g_strconcat ("fuzz-", accounts[i].username, NULL);
      g_autofree char *digest = kt_token_digest (token);

      account->username = g_strdup (accounts[i].username);
      account->display_name = g_strdup (accounts[i].username);
      account->role = accounts[i].role;
      account->team = g_strdup (accounts[i].team);
      account->password_hash = kt_password_hash ("correct horse battery");
      account->created = g_get_real_time () / G_USEC_PER_SEC;
      g_assert_true (kt_backend_add_account (backend, account, &error));
      g_assert_true (kt_backend_add_token (backend, digest, accounts[i].username,
                                           G_MAXINT64 / 2, &error));
    }

  config = kt_server_config_new ();
  g_free (config->listen_address);
  config->listen_address = g_strdup ("127.0.0.1");
  config->port = 0;
  /* Above -max_len (256 KB): a body the fuzzer builds, however deep,
   * reaches the handlers' JSON instead of a 413. */
  config->max_body = 512 * 1024;
  config->request_timeout = 2;
  server = kt_server_new (config, backend);
  g_assert_true (kt_server_listen (server, &error));
  g_assert_no_error (error);

  url = kt_server_get_url (server);
  parsed = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  server_address = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (loopback, g_uri_get_port (parsed)));
}

typedef struct {
  GSocket    *socket;
  GByteArray *answer;
  gint64      last_read;
  gboolean    closed;
} Client;

/* Whether the answer ends with a whole response.  After a keep-alive
 * answer the server keeps a half-closed connection open (until its request
 * timeout), so a finished exchange is recognised here instead. */
static gboolean
answer_is_complete (GByteArray *answer)
{
  g_autofree char *text = g_strndup ((const char *) answer->data, answer->len);
  const char *start = NULL, *end, *length;
  gsize body = 0;

  for (const char *p = text; (p = strstr (p, "HTTP/1.")) != NULL; p++)
    start = p;
  if (start == NULL || (end = strstr (start, "\r\n\r\n")) == NULL)
    return FALSE;
  length = g_strstr_len (start, end - start, "\r\nContent-Length: ");
  if (length != NULL)
    body = g_ascii_strtoull (length + strlen ("\r\nContent-Length: "), NULL, 10);
  return (gsize) (answer->len - (end + 4 - text)) >= body;
}

static gboolean
client_readable (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  Client *client = user_data;
  char buffer[4096];
  gssize got;

  got = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL);
  if (got > 0)
    {
      g_byte_array_append (client->answer, (const guint8 *) buffer, got);
      client->last_read = g_get_monotonic_time ();
      return G_SOURCE_CONTINUE;
    }
  if (got == -1 && (condition & (G_IO_HUP | G_IO_ERR)) == 0)
    return G_SOURCE_CONTINUE;   /* would block after all */
  client->closed = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
tick_done (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(GByteArray) answer = g_byte_array_new ();
  Client client = { .answer = answer };
  gsize sent = 0;
  gint64 deadline;

  if (server == NULL)
    start_server ();

  client.socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (client.socket, FALSE);
  if (!g_socket_connect (client.socket, G_SOCKET_ADDRESS (server_address), NULL, &error))
    {
      g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING));
      g_clear_error (&error);
    }

  source = g_socket_create_source (client.socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (client_readable), &client, NULL);
  g_source_attach (source, NULL);

  deadline = g_get_monotonic_time () + ANSWER_DEADLINE_USEC;
  while (!client.closed && g_get_monotonic_time () < deadline)
    {
      if (sent < size)
        {
          gssize n = g_socket_send (client.socket, (const char *) data + sent, size - sent, NULL, NULL);

          if (n > 0)
            sent += n;
          if (sent == size)
            g_socket_shutdown (client.socket, FALSE, TRUE, NULL);
        }
      else if (size == 0 && sent == 0)
        {
          g_socket_shutdown (client.socket, FALSE, TRUE, NULL);
          sent = 1;   /* shut once */
        }
      g_main_context_iteration (NULL, sent < size);
      if (sent < size)
        continue;
      if (answer->len > 0 && g_get_monotonic_time () - client.last_read > QUIET_USEC &&
          answer_is_complete (answer))
        break;
      /* Block until either side has something to do, but wake now and
       * then to check the deadline. */
      {
        g_autoptr(GSource) tick = g_timeout_source_new (2);

        g_source_set_callback (tick, tick_done, NULL, NULL);
        g_source_attach (tick, NULL);
        g_main_context_iteration (NULL, TRUE);
        g_source_destroy (tick);
      }
    }
  g_source_destroy (source);
  g_socket_close (client.socket, NULL);
  g_object_unref (client.socket);

  /* A server that neither answers a request nor closes its connection
   * within the deadline is a finding, like a crash. */
  if (!client.closed && g_get_monotonic_time () >= deadline)
    {
      g_printerr ("The server neither answered nor closed the connection in %d s (%u bytes answered).\n",
                  (int) (ANSWER_DEADLINE_USEC / G_USEC_PER_SEC), answer->len);
      abort ();
    }
  /* KT_FUZZ_VERBOSE=1 prints the answers, to check what the seeds reach. */
  if (g_getenv ("KT_FUZZ_VERBOSE") != NULL)
    g_printerr ("%.*s\n---\n", (int) answer->len, (const char *) answer->data);

  /* Let the server finish with its side of the connection. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}
