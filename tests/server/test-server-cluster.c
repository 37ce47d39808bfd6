/* test-server-cluster.c: two server processes on one PostgreSQL behind nginx
 *
 * A throwaway PostgreSQL cluster, two keukentafel-server processes on one
 * database and a real nginx (run unprivileged in a temp prefix) in front:
 * pushes go through nginx to process A (B its backup), pulls through nginx
 * to process B (A its backup), and one more client pushes to B directly,
 * so both processes write at once.  Midway A is killed with SIGKILL; nginx
 * sends the pushes on to B.  The puller follows the change feed with its
 * cursor all along: every acknowledged record comes exactly once, none is
 * skipped by a cursor that moved past a later commit, none comes twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-cluster"

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>

#include "kt-core.h"
#include "server-docs.h"
#include "kt-test-postgres.h"
#include "kt-test-server.h"
#include "kt-test-util.h"

#define PASSWORD "correct horse battery"
#define NGINX "/usr/sbin/nginx"
#define N_PUSHERS 3          /* two through nginx, one straight to B */
#define BEFORE_KILL 60       /* records acknowledged before A is killed … */
#define AFTER_KILL 60        /* … and after */

static const KtTestUser users[] = {
  { "ida", PASSWORD, "intaker", "noord", NULL },
  { "ilse", PASSWORD, "intaker", "noord", NULL },
  { "inge", PASSWORD, "intaker", "noord", NULL },
  { "sara", PASSWORD, "supervisor", "noord", NULL },
  { NULL }
};

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

/* "http://127.0.0.1:PORT" → "127.0.0.1:PORT" */
static const char *
host_port (const char *url)
{
  return url + strlen ("http://");
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* nginx in the foreground, one process, everything under @dir. */
static GSubprocess *
start_nginx (const char *dir,
             const char *server_a,
             const char *server_b,
             guint       port)
{
  g_autofree char *conf_path = g_build_filename (dir, "nginx.conf", NULL);
  g_autofree char *conf = g_strdup_printf (
    "daemon off;\n"
    "master_process off;\n"
    "pid %s/nginx.pid;\n"
    "error_log %s/error.log warn;\n"
    "events { worker_connections 256; }\n"
    "http {\n"
    "  access_log off;\n"
    "  client_body_temp_path %s/body;\n"
    "  proxy_temp_path %s/proxy;\n"
    "  fastcgi_temp_path %s/fastcgi;\n"
    "  uwsgi_temp_path %s/uwsgi;\n"
    "  scgi_temp_path %s/scgi;\n"
    "  upstream pushes { server %s max_fails=1 fail_timeout=30s; server %s backup; keepalive 8; }\n"
    "  upstream pulls { server %s max_fails=1 fail_timeout=30s; server %s backup; keepalive 8; }\n"
    "  server {\n"
    "    listen 127.0.0.1:%u;\n"
    "    proxy_http_version 1.1;\n"
    "    proxy_set_header Connection \"\";\n"
    "    proxy_connect_timeout 2s;\n"
    "    proxy_next_upstream error timeout;\n"
    "    location /api/v1/changes { proxy_pass http://pulls; }\n"
    "    location / { proxy_pass http://pushes; }\n"
    "  }\n"
    "}\n",
    dir, dir, dir, dir, dir, dir, dir,
    host_port (server_a), host_port (server_b), host_port (server_b), host_port (server_a), port);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  GSubprocess *nginx;

  g_assert_true (g_file_set_contents (conf_path, conf, -1, NULL));
  /* gone with the test, also when an assertion ends it */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  nginx = g_subprocess_launcher_spawn (launcher, &error, NGINX, "-p", dir, "-c", conf_path, NULL);
  g_assert_no_error (error);
  return nginx;
}

/* The run */

typedef struct {
  GMutex      mutex;
  gboolean    stop;           /* the pushers end */
  gboolean    pushed;         /* they have: the puller reads the rest and ends */
  guint       acknowledged;
} Run;

typedef struct {
  Run        *run;
  const char *base;           /* nginx or server B */
  const char *username;
  GPtrArray  *ids;            /* acknowledged */
  guint       retries;
} Pusher;

static gboolean
run_stopped (Run *run)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&run->mutex);

  return run->stop;
}

static gboolean
run_pushed (Run *run)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&run->mutex);

  return run->pushed;
}

static guint
run_acknowledged (Run *run)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&run->mutex);

  return run->acknowledged;
}

static gpointer
pusher_run (gpointer data)
{
  Pusher *p = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *token = kt_test_server_sign_in (session, p->base, p->username, PASSWORD);

  while (!run_stopped (p->run))
    {
      char *id = g_uuid_string_random ();
      g_autofree char *body = kt_test_server_case_json (id, 1, "cluster", NULL);
      g_autofree char *record = g_strdup_printf ("{\"id\":\"%s\",\"kind\":\"case\",\"rev\":1,\"case_id\":\"%s\",\"body\":%s}",
                                                 id, id, body);
      g_autofree char *path = g_strconcat ("/records/", id, NULL);
      gboolean stored = FALSE;

      /* the same push again until it is acknowledged: no answer, or a 5xx
       * from nginx or the server, may or may not have stored it */
      for (guint attempt = 0; !stored; attempt++)
        {
          KtTestAnswer answer = kt_test_server_send (session, p->base, "PUT", path, token, "\"0\"", record);

          g_assert_cmpuint (attempt, <, 400);
          stored = answer.status == SOUP_STATUS_CREATED || answer.status == SOUP_STATUS_OK;
          if (!stored)
            {
              g_assert_true (answer.status == 0 || answer.status >= 500);
              p->retries++;
              g_usleep (25 * 1000);
            }
          kt_test_answer_clear (&answer);
        }
      g_ptr_array_add (p->ids, id);
      g_mutex_lock (&p->run->mutex);
      p->run->acknowledged++;
      g_mutex_unlock (&p->run->mutex);
    }
  return NULL;
}

typedef struct {
  Run        *run;
  const char *base;
  GHashTable *seen;           /* id → times pulled */
  char       *cursor;
  guint       pulls;
} Puller;

/* One page after the cursor; FALSE when it was the last. */
static gboolean
pull_page (Puller      *p,
           SoupSession *session,
           const char  *token)
{
  g_autofree char *path = g_strdup_printf ("/changes?since=%s&limit=50", p->cursor);
  KtTestAnswer answer = kt_test_server_send (session, p->base, "GET", path, token, NULL, NULL);
  JsonObject *object;
  JsonArray *records;
  gboolean more;

  if (answer.status != SOUP_STATUS_OK)
    {
      g_assert_true (answer.status == 0 || answer.status >= 500);
      kt_test_answer_clear (&answer);
      g_usleep (25 * 1000);
      return TRUE;
    }
  object = json_node_get_object (answer.json);
  records = json_object_get_array_member (object, "records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (records, i), "id");
      guint times = GPOINTER_TO_UINT (g_hash_table_lookup (p->seen, id));

      g_hash_table_insert (p->seen, g_strdup (id), GUINT_TO_POINTER (times + 1));
    }
  more = json_object_get_boolean_member (object, "more");
  g_free (p->cursor);
  p->cursor = g_strdup (json_object_get_string_member (object, "cursor"));
  p->pulls++;
  kt_test_answer_clear (&answer);
  return more;
}

static gpointer
puller_run (gpointer data)
{
  Puller *p = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *token = kt_test_server_sign_in (session, p->base, "sara", PASSWORD);

  while (!run_pushed (p->run))
    if (!pull_page (p, session, token))
      g_usleep (10 * 1000);
  /* everything is acknowledged now: the rest of the feed */
  while (pull_page (p, session, token))
    ;
  return NULL;
}

static void
wait_for_acknowledged (Run  *run,
                       guint at_least)
{
  for (guint i = 0; run_acknowledged (run) < at_least; i++)
    {
      g_assert_cmpuint (i, <, 2400);
      g_usleep (25 * 1000);
    }
}

static void
test_two_processes_behind_nginx (void)
{
  g_autoptr(KtTestPostgres) pg = NULL;
  g_autoptr(KtTestServer) server_a = NULL;
  g_autoptr(KtTestServer) server_b = NULL;
  g_autoptr(GSubprocess) nginx = NULL;
  g_autofree char *nginx_url = NULL;
  g_autofree char *url_a = NULL;
  char *dir;
  Run run = { 0 };
  Pusher pushers[N_PUSHERS];
  GThread *threads[N_PUSHERS];
  GThread *puller_thread;
  Puller puller = { 0 };
  guint port = free_port (), records = 0, retries = 0, killed_at;

  if (!g_file_test (NGINX, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("nginx is not installed");
      return;
    }
  server_a = kt_test_server_start_postgres (&pg, users);
  if (server_a == NULL)
    return;
  server_b = kt_test_server_start (kt_test_server_get_database (server_a), NULL);
  url_a = g_strdup (kt_test_server_get_url (server_a));
  dir = kt_test_tmpdir_new ("kt-nginx");
  nginx = start_nginx (dir, url_a, kt_test_server_get_url (server_b), port);
  nginx_url = g_strdup_printf ("http://127.0.0.1:%u", port);

  g_mutex_init (&run.mutex);
  for (guint i = 0; i < N_PUSHERS; i++)
    {
      pushers[i] = (Pusher) { .run = &run, .username = users[i].username,
                              .base = i < N_PUSHERS - 1 ? nginx_url : kt_test_server_get_url (server_b),
                              .ids = g_ptr_array_new_with_free_func (g_free) };
      threads[i] = g_thread_new ("pusher", pusher_run, &pushers[i]);
    }
  puller = (Puller) { .run = &run, .base = nginx_url,
                      .seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
                      .cursor = g_strdup ("") };
  puller_thread = g_thread_new ("puller", puller_run, &puller);

  wait_for_acknowledged (&run, BEFORE_KILL);
  kt_test_server_kill (server_a);
  killed_at = run_acknowledged (&run);
  wait_for_acknowledged (&run, killed_at + AFTER_KILL);

  g_mutex_lock (&run.mutex);
  run.stop = TRUE;
  g_mutex_unlock (&run.mutex);
  for (guint i = 0; i < N_PUSHERS; i++)
    g_thread_join (threads[i]);
  g_mutex_lock (&run.mutex);
  run.pushed = TRUE;
  g_mutex_unlock (&run.mutex);
  g_thread_join (puller_thread);

  /* every acknowledged record pulled exactly once, and nothing else */
  for (guint i = 0; i < N_PUSHERS; i++)
    {
      for (guint j = 0; j < pushers[i].ids->len; j++)
        g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (puller.seen, g_ptr_array_index (pushers[i].ids, j))),
                          ==, 1);
      records += pushers[i].ids->len;
      retries += pushers[i].retries;
      g_ptr_array_unref (pushers[i].ids);
    }
  g_assert_cmpuint (g_hash_table_size (puller.seen), ==, records);
  g_print ("# two-processes-behind-nginx: %u records acknowledged (%u after process A was killed), "
           "%u retries, %u pulls; each record pulled exactly once\n",
           records, records - killed_at, retries, puller.pulls);

  g_subprocess_force_exit (nginx);
  g_subprocess_wait (nginx, NULL, NULL);
  g_hash_table_unref (puller.seen);
  g_free (puller.cursor);
  g_mutex_clear (&run.mutex);
  kt_test_tmpdir_free (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

  g_test_add_func ("/server-cluster/two-processes-behind-nginx", test_two_processes_behind_nginx);
  return g_test_run ();
}
