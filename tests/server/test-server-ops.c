/* test-server-ops.c: what the server's operators see
 *
 * - metrics: /metrics on its own address, scraped after some requests and
 *   read as the Prometheus text format (0.0.4): every line a comment, a
 *   TYPE before its samples, label sets well formed, histogram buckets
 *   cumulative up to +Inf = _count; the counters count what was sent.
 * - access-log: one line per request (method, route template, status,
 *   duration, account) and in none of them a token, a password or a body.
 * - plaintext: the admin command counts the records still in plaintext by
 *   kind; --remove deletes them so that none of their words stay in the
 *   SQLite file or its -wal, and the change feed never numbers twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-ops"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "kt-core.h"
#include "server-docs.h"
#include "kt-test-server.h"
#include "kt-test-util.h"

#define PASSWORD "correct horse battery"
/* in the body of the pushed record: it must never reach the log */
#define SECRET "Vertrouwelijk-Marker-7351"

static const KtTestUser users[] = {
  { "ida", PASSWORD, "intaker", "noord", NULL },
  { "sara", PASSWORD, "supervisor", "noord", NULL },
  { NULL }
};

typedef struct {
  guint  status;
  char  *text;
} Answer;

static Answer
send_request (SoupSession *session,
              const char  *url,
              const char  *method,
              const char  *token,
              const char  *if_match,
              const char  *body)
{
  g_autoptr(SoupMessage) msg = kt_test_server_message_new (method, url, token, if_match, body, -1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return (Answer) { soup_message_get_status (msg),
                    g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) };
}

static char *
api (KtTestServer *server,
     const char   *path)
{
  return g_strconcat (kt_test_server_get_url (server), "/api/v1", path, NULL);
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A server with /metrics on its own port and its log in a file; a few
 * requests of every kind.  Returns the number of requests sent. */
typedef struct {
  KtTestServer *server;
  char         *log_path;
  char         *metrics_url;
  char         *token;
  guint         requests;
} Ops;

static void
ops_clear (Ops *ops)
{
  kt_test_server_free (ops->server);
  g_free (ops->log_path);
  g_free (ops->metrics_url);
  g_free (ops->token);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ops, ops_clear)

static void
ops_run (Ops *ops)
{
  guint port = free_port ();
  g_autofree char *config = g_strdup_printf ("[server]\nmetrics-listen=127.0.0.1:%u\n", port);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = kt_test_server_case_json (id, 1, SECRET, NULL);
  g_autofree char *record = g_strdup_printf ("{\"id\":\"%s\",\"kind\":\"case\",\"rev\":1,\"case_id\":\"%s\",\"body\":%s}",
                                             id, id, body);
  g_autofree char *login_body = g_strdup_printf ("{\"username\":\"ida\",\"password\":\"%s\"}", PASSWORD);
  g_autofree char *record_url = NULL;
  g_autofree char *url = NULL;
  g_autoptr(JsonNode) login = NULL;
  Answer a;

  ops->server = kt_test_server_start_full (NULL, users, config);
  ops->log_path = g_build_filename (g_get_tmp_dir (), "kt-server-ops-XXXXXX.log", NULL);
  g_close (g_mkstemp (ops->log_path), NULL);
  kt_test_server_set_stderr_file (ops->server, ops->log_path);
  kt_test_server_stop (ops->server);
  kt_test_server_restart (ops->server);
  ops->metrics_url = g_strdup_printf ("http://127.0.0.1:%u/metrics", port);

  url = api (ops->server, "/health");
  a = send_request (session, url, "GET", NULL, NULL, NULL);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_OK);
  g_free (a.text);
  g_free (url);

  url = api (ops->server, "/login");
  a = send_request (session, url, "POST", NULL, NULL, login_body);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_OK);
  login = json_from_string (a.text, NULL);
  ops->token = g_strdup (json_object_get_string_member (json_node_get_object (login), "token"));
  g_free (a.text);

  record_url = api (ops->server, "/records/");
  g_free (url);
  url = g_strconcat (record_url, id, NULL);
  a = send_request (session, url, "PUT", ops->token, "\"0\"", record);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_CREATED);
  g_free (a.text);
  a = send_request (session, url, "GET", ops->token, NULL, NULL);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_OK);
  g_free (a.text);
  /* a stale push, a refused one, a wrong token, a path that is not there */
  a = send_request (session, url, "PUT", ops->token, "\"0\"", record);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_OK);   /* replayed */
  g_free (a.text);
  a = send_request (session, url, "PUT", ops->token, "\"0\"", "{\"not\":\"a record\"}");
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_BAD_REQUEST);
  g_free (a.text);
  a = send_request (session, url, "GET", "not-a-token", NULL, NULL);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_free (a.text);
  g_free (url);
  url = api (ops->server, "/nothing/here");
  a = send_request (session, url, "GET", NULL, NULL, NULL);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_NOT_FOUND);
  g_free (a.text);
  g_free (url);
  url = api (ops->server, "/changes?since=0");
  a = send_request (session, url, "GET", ops->token, NULL, NULL);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_OK);
  g_free (a.text);
  ops->requests = 9;
}

/* Prometheus text format 0.0.4 */

static gboolean
is_metric_name (const char *p,
                gsize       len)
{
  if (len == 0 || !(g_ascii_isalpha (p[0]) || p[0] == '_' || p[0] == ':'))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!(g_ascii_isalnum (p[i]) || p[i] == '_' || p[i] == ':'))
      return FALSE;
  return TRUE;
}

/* The family a sample belongs to: histograms add _bucket, _sum, _count. */
static char *
family_of (const char *name,
           GHashTable *types)
{
  static const char *suffixes[] = { "_bucket", "_sum", "_count" };

  if (g_hash_table_contains (types, name))
    return g_strdup (name);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (name, suffixes[i]))
      {
        g_autofree char *base = g_strndup (name, strlen (name) - strlen (suffixes[i]));

        if (g_strcmp0 (g_hash_table_lookup (types, base), "histogram") == 0)
          return g_steal_pointer (&base);
      }
  return NULL;
}

/* Parses @text strictly; fills @samples with "name{labels}" → value. */
static void
parse_exposition (const char *text,
                  GHashTable *samples)
{
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);

  g_assert_cmpuint (n, >, 1);
  g_assert_cmpstr (lines[n - 1], ==, "");   /* ends with a newline */
  for (guint i = 0; i + 1 < n; i++)
    {
      const char *line = lines[i];
      const char *p, *value_start;
      g_autofree char *key = NULL;
      g_autofree char *name = NULL;
      g_autofree char *family = NULL;
      char *end;
      double value;

      g_assert_cmpstr (line, !=, "");
      if (g_str_has_prefix (line, "# TYPE "))
        {
          g_auto(GStrv) parts = g_strsplit (line + strlen ("# TYPE "), " ", -1);

          g_assert_cmpuint (g_strv_length (parts), ==, 2);
          g_assert_true (is_metric_name (parts[0], strlen (parts[0])));
          g_assert_true (g_strv_contains ((const char *[]) { "counter", "gauge", "histogram", "summary", "untyped", NULL },
                                          parts[1]));
          g_assert_false (g_hash_table_contains (types, parts[0]));   /* once per family */
          g_hash_table_insert (types, g_strdup (parts[0]), g_strdup (parts[1]));
          continue;
        }
      if (g_str_has_prefix (line, "# HELP "))
        {
          p = line + strlen ("# HELP ");
          g_assert_true (is_metric_name (p, strcspn (p, " ")));
          continue;
        }
      g_assert_false (line[0] == '#');   /* no other comments are written */

      p = line;
      while (*p != '\0' && *p != '{' && *p != ' ')
        p++;
      name = g_strndup (line, p - line);
      g_assert_true (is_metric_name (name, strlen (name)));
      if (*p == '{')
        {
          /* label="value" pairs, values with \\ \" \n escapes only */
          p++;
          while (*p != '}')
            {
              const char *label = p;

              while (g_ascii_isalnum (*p) || *p == '_')
                p++;
              g_assert_true (p > label && !g_ascii_isdigit (*label));
              g_assert_cmpint (*p++, ==, '=');
              g_assert_cmpint (*p++, ==, '"');
              while (*p != '"')
                {
                  g_assert_cmpint (*p, !=, '\0');
                  if (*p == '\\')
                    {
                      p++;
                      g_assert_true (*p == '\\' || *p == '"' || *p == 'n');
                    }
                  p++;
                }
              p++;
              if (*p == ',')
                p++;
              else
                g_assert_cmpint (*p, ==, '}');
            }
          p++;
        }
      key = g_strndup (line, p - line);
      g_assert_cmpint (*p++, ==, ' ');
      value_start = p;
      value = g_ascii_strtod (value_start, &end);
      g_assert_true (end > value_start);
      g_assert_true (*end == '\0' || *end == ' ');   /* an optional timestamp after a space */
      family = family_of (name, types);
      g_assert_nonnull (family);                     /* its TYPE came first */
      g_assert_false (g_hash_table_contains (samples, key));
      g_hash_table_insert (samples, g_steal_pointer (&key), g_memdup2 (&value, sizeof value));
    }
}

static double
sample (GHashTable *samples,
        const char *key)
{
  double *value = g_hash_table_lookup (samples, key);

  if (value == NULL)
    g_error ("no sample %s", key);
  return *value;
}

static void
test_metrics (void)
{
  g_auto(Ops) ops = { 0 };
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GHashTable) samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *api_url = NULL;
  GHashTableIter iter;
  gpointer key, value;
  double total = 0;
  Answer a;

  ops_run (&ops);
  a = send_request (session, ops.metrics_url, "GET", NULL, NULL, NULL);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_OK);
  parse_exposition (a.text, samples);
  g_free (a.text);

  g_assert_cmpfloat (sample (samples, "keukentafel_http_requests_total{method=\"PUT\",route=\"/api/v1/records/{id}\",status=\"201\"}"), ==, 1);
  g_assert_cmpfloat (sample (samples, "keukentafel_http_requests_total{method=\"PUT\",route=\"/api/v1/records/{id}\",status=\"400\"}"), ==, 1);
  g_assert_cmpfloat (sample (samples, "keukentafel_http_requests_total{method=\"GET\",route=\"/api/v1/records/{id}\",status=\"401\"}"), ==, 1);
  g_assert_cmpfloat (sample (samples, "keukentafel_http_requests_total{method=\"GET\",route=\"other\",status=\"404\"}"), ==, 1);
  g_assert_cmpfloat (sample (samples, "keukentafel_pushes_total{status=\"201\"}"), ==, 1);
  g_assert_cmpfloat (sample (samples, "keukentafel_pushes_total{status=\"200\"}"), ==, 1);
  g_assert_cmpfloat (sample (samples, "keukentafel_database_up"), ==, 1);
  g_assert_cmpfloat (sample (samples, "keukentafel_database_errors_total{kind=\"error\"}"), ==, 0);
  g_assert_cmpfloat (sample (samples, "keukentafel_push_groups_total"), >=, 1);

  /* every request counted once; each route's histogram whole */
  g_hash_table_iter_init (&iter, samples);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, "keukentafel_http_requests_total{"))
      total += *(double *) value;
  g_assert_cmpfloat (total, ==, ops.requests);
  {
    const char *route = "/api/v1/records/{id}";
    g_autofree char *inf = g_strdup_printf ("keukentafel_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"}", route);
    g_autofree char *count = g_strdup_printf ("keukentafel_http_request_duration_seconds_count{route=\"%s\"}", route);
    g_autofree char *first = g_strdup_printf ("keukentafel_http_request_duration_seconds_bucket{route=\"%s\",le=\"0.001\"}", route);
    g_autofree char *later = g_strdup_printf ("keukentafel_http_request_duration_seconds_bucket{route=\"%s\",le=\"10\"}", route);

    g_assert_cmpfloat (sample (samples, inf), ==, 5);
    g_assert_cmpfloat (sample (samples, count), ==, 5);
    g_assert_cmpfloat (sample (samples, first), <=, sample (samples, later));
    g_assert_cmpfloat (sample (samples, later), <=, sample (samples, inf));
  }

  /* the API's address does not serve it */
  api_url = g_strconcat (kt_test_server_get_url (ops.server), "/metrics", NULL);
  a = send_request (session, api_url, "GET", NULL, NULL, NULL);
  g_assert_cmpuint (a.status, ==, SOUP_STATUS_NOT_FOUND);
  g_free (a.text);
}

static void
test_metrics_are_off_by_default (void)
{
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, users);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (kt_test_server_get_url (server), "/metrics", NULL);
  Answer a = send_request (session, url, "GET", NULL, NULL, NULL);

  g_assert_cmpuint (a.status, ==, SOUP_STATUS_NOT_FOUND);
  g_free (a.text);
}

static void
test_access_log (void)
{
  g_auto(Ops) ops = { 0 };
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  guint access_lines = 0;

  ops_run (&ops);
  kt_test_server_stop (ops.server);
  g_assert_true (g_file_get_contents (ops.log_path, &log, NULL, NULL));
  g_unlink (ops.log_path);

  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], "kt-access-Message") == NULL)
        continue;
      access_lines++;
      /* METHOD ROUTE STATUS DURATIONms user=NAME */
      g_assert_true (g_regex_match_simple ("kt-access-Message: [0-9:.]+: (GET|PUT|POST) (/api/v1/[a-z/{}]+|other) "
                                           "[0-9]{3} [0-9]+\\.[0-9]ms user=([a-z]+|-)$", lines[i], 0, 0));
    }
  g_assert_cmpuint (access_lines, ==, ops.requests);
  g_assert_nonnull (strstr (log, "PUT /api/v1/records/{id} 201 "));
  g_assert_nonnull (strstr (log, "user=ida"));
  g_assert_nonnull (strstr (log, "POST /api/v1/login 200 "));
  /* no token, password, body or query in anything it wrote */
  g_assert_null (strstr (log, ops.token));
  g_assert_null (strstr (log, PASSWORD));
  g_assert_null (strstr (log, SECRET));
  g_assert_null (strstr (log, "since="));
}

/* Whether the SQLite database of @server, or its -wal, holds @marker. */
static gboolean
database_holds (KtTestServer *server,
                const char   *marker)
{
  const char *path = kt_test_server_get_database (server) + strlen ("sqlite://");
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (file, &contents, &len, NULL))
        continue;
      /* the file holds NUL bytes: no string search */
      for (gsize at = 0; at + strlen (marker) <= len; at++)
        if (memcmp (contents + at, marker, strlen (marker)) == 0)
          return TRUE;
    }
  return FALSE;
}

/* The cursor of the changes @token may read after @since, and how many there were. */
static char *
pull (SoupSession  *session,
      KtTestServer *server,
      const char   *token,
      const char   *since,
      guint        *count)
{
  g_autofree char *path = g_strdup_printf ("/changes?since=%s", since);
  g_autofree char *url = api (server, path);
  Answer a = send_request (session, url, "GET", token, NULL, NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_assert_cmpuint (a.status, ==, SOUP_STATUS_OK);
  node = json_from_string (a.text, NULL);
  g_free (a.text);
  object = json_node_get_object (node);
  *count = json_array_get_length (json_object_get_array_member (object, "records"));
  return g_strdup (json_object_get_string_member (object, "cursor"));
}

static void
push_case (SoupSession  *session,
           KtTestServer *server,
           const char   *token,
           const char   *marker)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = kt_test_server_case_json (id, 1, marker, NULL);
  g_autofree char *record = g_strdup_printf ("{\"id\":\"%s\",\"kind\":\"case\",\"rev\":1,\"case_id\":\"%s\",\"body\":%s}",
                                             id, id, body);
  g_autofree char *path = g_strconcat ("/records/", id, NULL);
  g_autofree char *url = api (server, path);
  Answer a = send_request (session, url, "PUT", token, "\"0\"", record);

  g_assert_cmpuint (a.status, ==, SOUP_STATUS_CREATED);
  g_free (a.text);
}

static void
test_plaintext_remove (void)
{
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, users);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *ida = kt_test_server_sign_in (session, kt_test_server_get_url (server), "ida", PASSWORD);
  g_autofree char *sara = kt_test_server_sign_in (session, kt_test_server_get_url (server), "sara", PASSWORD);
  g_autofree char *report = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *again = NULL;
  g_autofree char *cursor = NULL;
  const char *count_args[] = { "plaintext", NULL };
  const char *remove_args[] = { "plaintext", "--remove", NULL };
  guint count;

  push_case (session, server, ida, SECRET);
  push_case (session, server, ida, SECRET);
  cursor = pull (session, server, sara, "", &count);
  g_assert_cmpuint (count, ==, 2);
  g_assert_true (database_holds (server, SECRET));

  g_assert_cmpint (kt_test_server_admin (server, count_args, NULL, &report), ==, 0);
  g_assert_nonnull (strstr (report, "Records in plaintext: 2\n"));
  g_assert_nonnull (strstr (report, "  case: 2\n"));
  g_assert_nonnull (strstr (report, "  plan: 0\n"));
  g_assert_true (database_holds (server, SECRET));   /* counting removes nothing */

  g_assert_cmpint (kt_test_server_admin (server, remove_args, NULL, &removed), ==, 0);
  g_assert_nonnull (strstr (removed, "Removed 2 records in plaintext"));
  g_assert_nonnull (strstr (removed, "Records in plaintext: 0\n"));
  g_assert_false (database_holds (server, SECRET));

  /* the server serves on; what comes next is numbered after what was removed */
  push_case (session, server, ida, "Nieuw-na-het-opruimen");
  g_free (pull (session, server, sara, cursor, &count));
  g_assert_cmpuint (count, ==, 1);
  g_assert_cmpint (kt_test_server_admin (server, count_args, NULL, &again), ==, 0);
  g_assert_nonnull (strstr (again, "Records in plaintext: 1\n"));
}

/* A removal while another connection keeps the database busy (here a
 * reader's open transaction; in life the serving server's) cannot empty
 * the -wal file, where the removed record's older copies are: the command
 * says so and fails, and run again once the database is free it does it. */
static void
test_plaintext_remove_kept_busy (void)
{
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, users);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *ida = kt_test_server_sign_in (session, kt_test_server_get_url (server), "ida", PASSWORD);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *again = NULL;
  const char *remove_args[] = { "plaintext", "--remove", NULL };
  const char *path = kt_test_server_get_database (server) + strlen ("sqlite://");
  sqlite3 *reader = NULL;

  push_case (session, server, ida, SECRET);
  g_assert_true (database_holds (server, SECRET));

  g_assert_cmpint (sqlite3_open_v2 (path, &reader, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (reader, "BEGIN; SELECT count (*) FROM records;", NULL, NULL, NULL), ==, SQLITE_OK);

  g_assert_cmpint (kt_test_server_admin_full (server, remove_args, NULL, &out, &err), ==, 1);
  g_test_message ("while busy: %s", err);
  g_assert_nonnull (strstr (err, "older copies of them may still be in the database"));
  g_assert_null (strstr (out, "reclaimed"));
  g_assert_true (database_holds (server, SECRET));

  g_assert_cmpint (sqlite3_exec (reader, "COMMIT;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (reader);
  g_assert_cmpint (kt_test_server_admin (server, remove_args, NULL, &again), ==, 0);
  g_assert_nonnull (strstr (again, "Records in plaintext: 0\n"));
  g_assert_false (database_holds (server, SECRET));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

  g_test_add_func ("/server-ops/metrics", test_metrics);
  g_test_add_func ("/server-ops/metrics-are-off-by-default", test_metrics_are_off_by_default);
  g_test_add_func ("/server-ops/access-log", test_access_log);
  g_test_add_func ("/server-ops/plaintext-remove", test_plaintext_remove);
  g_test_add_func ("/server-ops/plaintext-remove-kept-busy", test_plaintext_remove_kept_busy);
  return g_test_run ();
}
