/* bench-server.c: simulated coaches pulling and pushing plans on loopback
 *
 *   bench-server [--seconds=N] [--clients=50,200] [--backends=sqlite,postgres,postgres-2,nginx] [--audited] [--sealed]
 *
 * Starts a real keukentafel-server (tests/common/kt-test-server.c) on SQLite
 * and on a throwaway PostgreSQL cluster, signs in one coach per client, gives
 * each an assigned case and a realistic plan, then runs every client on its
 * own keep-alive connection for N seconds: push the plan at the next
 * revision (If-Match), pull /changes from its cursor, push, pull …  The load
 * generator is one epoll loop speaking raw HTTP/1.1, so it costs the server
 * little CPU.  As the ceiling of this machine it runs the same loop against
 * nginx serving a static file as large as the plan.
 *
 * postgres-2 runs two server processes on one PostgreSQL database behind an
 * nginx reverse proxy that balances between them (round robin, keep-alive).
 * The servers run with their defaults (durable commits, access log on, its
 * lines written to a file as the journal would take them); the RSS of each
 * server after its runs is reported.
 *
 * Before each run on PostgreSQL the cluster gets the WAL segments a
 * database that has run a while has ready to reuse (postgres_recycle_wal);
 * --fresh-wal measures a new cluster, which first makes every segment.
 *
 * With --audited every pulled plan is a read the server audits: each plan
 * is written first by another coach, then its case is reassigned to the
 * client's coach, so the reader is never the plan's author.
 *
 * With --sealed every push is a sealed record: the plan sealed once per
 * client with the core's crypto (kt_crypto_seal, as the device does), its
 * content key boxed to the coach and to a supervisor, and the envelope's
 * routing metadata; the server stores it without decoding it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "kt-core.h"
#include "kt-crypto.h"
#include "kt-test-docs.h"
#include "kt-test-postgres.h"
#include "kt-test-server.h"
#include "kt-test-util.h"

#define PASSWORD "bench-password"
#define REV_MARK 999999937

/* HTTP on a plain socket */

typedef struct {
  int      fd;
  GString *out;        /* request being written */
  gsize    written;
  GString *in;         /* response being read */
  gssize   body_start; /* -1 until the headers are in */
  gsize    content_length;
  gint64   started;    /* µs */
  /* the simulated coach */
  char    *token;
  char    *plan_id;
  char    *case_id;
  gint64   rev;
  char    *cursor;
  gboolean pushing;
  guint    status;
  struct _PlanTemplate *template;
} Client;

static int
connect_loopback (guint port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port),
                              .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  int one = 1;

  g_assert_cmpint (fd, >=, 0);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    g_error ("connect: %s", g_strerror (errno));
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static void
build_request (GString    *out,
               const char *method,
               const char *path,
               const char *token,
               const char *if_match,
               const char *body,
               gsize       body_len)
{
  g_string_truncate (out, 0);
  g_string_append_printf (out, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, path);
  if (token != NULL)
    g_string_append_printf (out, "Authorization: Bearer %s\r\n", token);
  if (if_match != NULL)
    g_string_append_printf (out, "If-Match: \"%s\"\r\n", if_match);
  if (body != NULL)
    g_string_append_printf (out, "Content-Type: application/json\r\nContent-Length: %zu\r\n", body_len);
  g_string_append (out, "\r\n");
  if (body != NULL)
    g_string_append_len (out, body, body_len);
}

/* Parses what arrived; TRUE when a whole response is in c->in. */
static gboolean
response_complete (Client *c)
{
  if (c->body_start < 0)
    {
      const char *end = g_strstr_len (c->in->str, c->in->len, "\r\n\r\n");
      const char *length;

      if (end == NULL)
        return FALSE;
      c->body_start = end + 4 - c->in->str;
      c->status = atoi (c->in->str + strlen ("HTTP/1.1 "));
      length = g_strstr_len (c->in->str, c->body_start, "Content-Length: ");
      if (length == NULL)
        length = g_strstr_len (c->in->str, c->body_start, "content-length: ");
      c->content_length = length != NULL ? g_ascii_strtoull (length + 16, NULL, 10) : 0;
    }
  return c->in->len >= c->body_start + c->content_length;
}

/* Sends a request and waits for its answer (set-up only). */
static guint
blocking_call (Client     *c,
               const char *method,
               const char *path,
               const char *if_match,
               const char *body)
{
  char buf[65536];

  build_request (c->out, method, path, c->token, if_match, body, body != NULL ? strlen (body) : 0);
  g_assert_cmpint (write (c->fd, c->out->str, c->out->len), ==, (gssize) c->out->len);
  g_string_truncate (c->in, 0);
  c->body_start = -1;
  while (!response_complete (c))
    {
      gssize n = read (c->fd, buf, sizeof buf);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (c->in, buf, n);
    }
  return c->status;
}

static const char *
response_body (Client *c)
{
  return c->in->str + c->body_start;
}

/* The plan */

/* A realistic plan: the first random one that encodes to 8–16 KB, with its
 * rev set to REV_MARK so each push can print its own. */
static KtPlan *
realistic_plan (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);

  for (;;)
    {
      g_autoptr(KtPlan) plan = kt_test_random_plan (rand);
      g_autoptr(GBytes) bytes = kt_plan_encode (plan);

      if (g_bytes_get_size (bytes) >= 8 * 1024 && g_bytes_get_size (bytes) <= 16 * 1024)
        {
          plan->header.rev = REV_MARK;
          plan->review = KT_REVIEW_DRAFT;
          g_clear_pointer (&plan->reviewer, g_free);
          g_ptr_array_set_size (plan->comments, 0);
          return g_steal_pointer (&plan);
        }
    }
}

typedef struct _PlanTemplate {
  char *prefix;    /* envelope and document up to the rev */
  char *middle;    /* from after the document's rev … */
  gsize plan_size;
  char *sealed;    /* with --sealed: the member "sealed" of every push */
} PlanTemplate;

static void
build_push (Client *c)
{
  const PlanTemplate *t = c->template;
  g_autofree char *path = g_strconcat ("/api/v1/records/", c->plan_id, NULL);
  g_autofree char *base = g_strdup_printf ("%" G_GINT64_FORMAT, c->rev);
  g_autoptr(GString) body = g_string_sized_new (t->plan_size + 256);

  if (t->sealed != NULL)
    {
      g_string_append_printf (body, "{\"id\":\"%s\",\"kind\":\"plan\",\"rev\":%" G_GINT64_FORMAT
                              ",\"case_id\":\"%s\",\"review\":\"draft\",\"sealed\":%s}",
                              c->plan_id, c->rev + 1, c->case_id, t->sealed);
      build_request (c->out, "PUT", path, c->token, base, body->str, body->len);
      return;
    }
  g_string_append_printf (body, "{\"id\":\"%s\",\"kind\":\"plan\",\"rev\":%" G_GINT64_FORMAT
                          ",\"case_id\":\"%s\",\"body\":",
                          c->plan_id, c->rev + 1, c->case_id);
  g_string_append (body, t->prefix);
  g_string_append_printf (body, "%" G_GINT64_FORMAT, c->rev + 1);
  g_string_append (body, t->middle);
  g_string_append_c (body, '}');
  build_request (c->out, "PUT", path, c->token, base, body->str, body->len);
}

static void
build_pull (Client *c)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%s&limit=100", c->cursor);

  build_request (c->out, "GET", path, c->token, NULL, NULL, 0);
}

/* A document template for one plan id and case id; with @coach (NULL:
 * plaintext) sealed, the coach's key entry first (transfer full). */
static PlanTemplate *
plan_template (KtPlan     *plan,
               const char *plan_id,
               const char *case_id,
               const char *coach)
{
  PlanTemplate *t = g_new0 (PlanTemplate, 1);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *json = NULL;
  g_autofree char *mark = g_strdup_printf ("\"rev\":%d", REV_MARK);
  char *at;

  g_free (plan->header.id);
  plan->header.id = g_strdup (plan_id);
  g_free (plan->case_id);
  plan->case_id = g_strdup (case_id);
  bytes = kt_plan_encode (plan);
  json = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  at = strstr (json, mark);
  g_assert_nonnull (at);
  t->prefix = g_strndup (json, at - json + strlen ("\"rev\":"));
  t->middle = g_strdup (at + strlen (mark));
  t->plan_size = strlen (json);
  if (coach != NULL)
    {
      /* sealed once as a device seals it; the boxed keys are random bytes of
       * the right size (the server never opens them either) */
      g_autoptr(KtKey) content_key = kt_key_new_random ();
      g_autoptr(GBytes) ad = kt_crypto_record_ad (plan_id, KT_KIND_PLAN, 1, "body");
      g_autoptr(GBytes) sealed = kt_crypto_seal (content_key, ad, bytes);
      g_autofree char *body64 = g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
      guint8 key[2][KT_SEALED_KEY_SIZE];
      g_autofree char *key0 = NULL;
      g_autofree char *key1 = NULL;

      randombytes_buf (key, sizeof key);
      key0 = g_base64_encode (key[0], sizeof key[0]);
      key1 = g_base64_encode (key[1], sizeof key[1]);
      t->sealed = g_strdup_printf ("{\"body\":\"%s\",\"keys\":[{\"reader\":\"%s\",\"sender\":\"%s\",\"key\":\"%s\"},"
                                   "{\"reader\":\"supervisor\",\"sender\":\"%s\",\"key\":\"%s\"}]}",
                                   body64, coach, coach, key0, coach, key1);
      t->plan_size = strlen (t->sealed);
    }
  return t;
}

static void
plan_template_free (PlanTemplate *t)
{
  g_free (t->prefix);
  g_free (t->middle);
  g_free (t->sealed);
  g_free (t);
}

/* The run */

typedef struct {
  GArray *push_latency;   /* µs, gint64 */
  GArray *pull_latency;
  gint64  measured_from;
  gint64  measured_to;
  guint   requests;       /* every answered request, warm-up included */
  guint   pushes;         /* of them pushes */
} Results;

static gint64
percentile (GArray *values,
            double  p)
{
  if (values->len == 0)
    return 0;
  return g_array_index (values, gint64, MIN (values->len - 1, (guint) (p * values->len)));
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *name,
        guint       clients,
        Results    *r,
        gsize       payload)
{
  double seconds = (r->measured_to - r->measured_from) / 1e6;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_vals (all, r->push_latency->data, r->push_latency->len);
  g_array_append_vals (all, r->pull_latency->data, r->pull_latency->len);
  g_array_sort (all, compare_int64);
  g_array_sort (r->push_latency, compare_int64);
  g_array_sort (r->pull_latency, compare_int64);
  g_print ("%-9s %4u clients  %7.0f req/s  %7.0f pushes/s  all p50 %6.1f ms p99 %6.1f ms"
           "  push p50 %6.1f p99 %6.1f  pull p50 %6.1f p99 %6.1f  (%zu B)\n",
           name, clients, all->len / seconds, r->push_latency->len / seconds,
           percentile (all, 0.50) / 1000.0, percentile (all, 0.99) / 1000.0,
           percentile (r->push_latency, 0.50) / 1000.0, percentile (r->push_latency, 0.99) / 1000.0,
           percentile (r->pull_latency, 0.50) / 1000.0, percentile (r->pull_latency, 0.99) / 1000.0,
           payload);
}

/* Writes what it can of the request; asks for EPOLLOUT only while some is left. */
static void
send_some (int     ep,
           Client *c)
{
  struct epoll_event ev = { .data.ptr = c };
  gssize put = write (c->fd, c->out->str + c->written, c->out->len - c->written);

  if (put > 0)
    c->written += put;
  ev.events = c->written < c->out->len ? EPOLLIN | EPOLLOUT : EPOLLIN;
  epoll_ctl (ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Runs the clients for @seconds after one second of warm-up. */
static void
run_load (Client            **clients,
          guint               n_clients,
          gboolean            static_get,
          const char         *static_path,
          double              seconds,
          Results            *r)
{
  int ep = epoll_create1 (0);
  struct epoll_event events[256];
  gint64 start = g_get_monotonic_time ();
  gint64 warm = start + G_USEC_PER_SEC;
  gint64 stop = warm + (gint64) (seconds * G_USEC_PER_SEC);
  guint busy = n_clients;

  r->push_latency = g_array_new (FALSE, FALSE, sizeof (gint64));
  r->pull_latency = g_array_new (FALSE, FALSE, sizeof (gint64));
  r->measured_from = warm;
  r->measured_to = stop;

  for (guint i = 0; i < n_clients; i++)
    {
      Client *c = clients[i];
      struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

      fcntl (c->fd, F_SETFL, fcntl (c->fd, F_GETFL) | O_NONBLOCK);
      c->pushing = !static_get;
      if (static_get)
        build_request (c->out, "GET", static_path, NULL, NULL, NULL, 0);
      else
        build_push (c);
      c->written = 0;
      g_string_truncate (c->in, 0);
      c->body_start = -1;
      c->started = g_get_monotonic_time ();
      epoll_ctl (ep, EPOLL_CTL_ADD, c->fd, &ev);
      send_some (ep, c);
    }

  while (busy > 0)
    {
      int n = epoll_wait (ep, events, G_N_ELEMENTS (events), 1000);

      for (int e = 0; e < n; e++)
        {
          Client *c = events[e].data.ptr;
          char buf[65536];
          gssize got;

          if (c->written < c->out->len)
            {
              send_some (ep, c);
              continue;
            }
          while ((got = read (c->fd, buf, sizeof buf)) > 0)
            g_string_append_len (c->in, buf, got);
          if (got == 0)
            g_error ("the server closed a connection");
          if (!response_complete (c))
            continue;

          {
            gint64 now = g_get_monotonic_time ();

            if (c->pushing && c->status != 200)
              g_error ("push answered %u: %.200s", c->status, response_body (c));
            if (!c->pushing && c->status != 200)
              g_error ("pull answered %u", c->status);
            r->requests++;
            r->pushes += c->pushing;
            if (c->started >= warm && now <= stop)
              g_array_append_val (c->pushing ? r->push_latency : r->pull_latency,
                                  (gint64) { now - c->started });
            if (c->pushing)
              c->rev++;
            else if (!static_get)
              {
                const char *cursor = strstr (response_body (c), "\"cursor\":\"");
                g_assert_nonnull (cursor);
                cursor += strlen ("\"cursor\":\"");
                g_free (c->cursor);
                c->cursor = g_strndup (cursor, strcspn (cursor, "\""));
              }
            if (now > stop)
              {
                epoll_ctl (ep, EPOLL_CTL_DEL, c->fd, NULL);
                busy--;
                continue;
              }
            c->pushing = !static_get && !c->pushing;
            if (static_get)
              build_request (c->out, "GET", static_path, NULL, NULL, NULL, 0);
            else if (c->pushing)
              build_push (c);
            else
              build_pull (c);
            g_string_truncate (c->in, 0);
            c->body_start = -1;
            c->written = 0;
            c->started = now;
            send_some (ep, c);
          }
        }
    }
  close (ep);
}

/* Set-up */

static Client *
client_new (guint port)
{
  Client *c = g_new0 (Client, 1);

  c->fd = connect_loopback (port);
  c->out = g_string_new (NULL);
  c->in = g_string_new (NULL);
  c->body_start = -1;
  c->cursor = g_strdup ("");
  return c;
}

static void
client_free (Client *c)
{
  close (c->fd);
  g_string_free (c->out, TRUE);
  g_string_free (c->in, TRUE);
  g_free (c->token);
  g_free (c->plan_id);
  g_free (c->case_id);
  g_free (c->cursor);
  if (c->template != NULL)
    plan_template_free (c->template);
  g_free (c);
}

static guint
url_port (const char *url)
{
  return atoi (strrchr (url, ':') + 1);
}

static void
sign_in (Client     *c,
         const char *username)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"" PASSWORD "\"}", username);
  g_autoptr(JsonNode) reply = NULL;

  if (blocking_call (c, "POST", "/api/v1/login", NULL, body) != 200)
    g_error ("login of %s: %u", username, c->status);
  reply = json_from_string (response_body (c), NULL);
  c->token = g_strdup (json_object_get_string_member (json_node_get_object (reply), "token"));
}

/* The coach who writes the plans first with --audited. */
#define FIRST_AUTHOR "author"

/* Adds the accounts with one `user add` process each, 16 at a time. */
static void
add_accounts (const char *database,
              guint       n_coaches)
{
  g_autofree char *binary = kt_test_build_path ("src/server/keukentafel-server");
  g_autoptr(GPtrArray) running = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i <= n_coaches + 1; i++)
    {
      g_autofree char *name = i < n_coaches ? g_strdup_printf ("coach%03u", i)
                              : g_strdup (i == n_coaches ? "intake" : FIRST_AUTHOR);
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                           G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      g_autoptr(GError) error = NULL;
      GSubprocess *process;

      g_subprocess_launcher_setenv (launcher, "KT_SERVER_INSECURE_FAST_HASH", "1", TRUE);
      process = g_subprocess_launcher_spawn (launcher, &error, binary, "user", "add", name,
                                             "--role", i == n_coaches ? "intaker" : "wijkcoach",
                                             "--team", "bench", "--database", database, NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (process, PASSWORD "\n", NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (running, process);
      if (running->len == 16 || i == n_coaches + 1)
        {
          for (guint j = 0; j < running->len; j++)
            g_assert_true (g_subprocess_wait_check (g_ptr_array_index (running, j), NULL, NULL));
          g_ptr_array_set_size (running, 0);
        }
    }
}

/* Sends the push built in @c->out and waits for its answer. */
static void
push_and_wait (Client *c)
{
  g_assert_cmpint (write (c->fd, c->out->str, c->out->len), ==, (gssize) c->out->len);
  g_string_truncate (c->in, 0);
  c->body_start = -1;
  while (!response_complete (c))
    {
      char buf[65536];
      gssize got = read (c->fd, buf, sizeof buf);
      g_assert_cmpint (got, >, 0);
      g_string_append_len (c->in, buf, got);
    }
}

static void
assign (Client     *intake,
        const char *case_id,
        const char *coach)
{
  g_autofree char *body = g_strdup_printf ("{\"coach\":\"%s\"}", coach);
  g_autofree char *path = g_strdup_printf ("/api/v1/cases/%s/assign", case_id);

  if (blocking_call (intake, "POST", path, NULL, body) != 200)
    g_error ("assign: %u", intake->status);
}

/* Signs in @n coaches, gives each an assigned case and a first plan; with
 * @audited, the first plan is written by another coach. */
static Client **
set_up_coaches (guint    port,
                guint    n,
                KtPlan  *plan,
                gboolean audited,
                gboolean sealed)
{
  Client **clients = g_new0 (Client *, n);
  Client *intake = client_new (port);
  Client *author = client_new (port);

  sign_in (intake, "intake");
  sign_in (author, FIRST_AUTHOR);
  for (guint i = 0; i < n; i++)
    {
      Client *c = clients[i] = client_new (port);
      g_autofree char *name = g_strdup_printf ("coach%03u", i);
      g_autoptr(KtCase) kase = kt_case_new ();
      g_autoptr(GBytes) case_bytes = NULL;
      g_autofree char *envelope = NULL;
      g_autofree char *path = NULL;

      sign_in (c, name);
      kase->header.rev = 1;
      kase->household = g_strdup_printf ("Huishouden %u", i);
      case_bytes = kt_case_encode (kase);
      c->case_id = g_strdup (kase->header.id);
      envelope = g_strdup_printf ("{\"id\":\"%s\",\"kind\":\"case\",\"rev\":1,\"body\":%.*s}", c->case_id,
                                  (int) g_bytes_get_size (case_bytes),
                                  (const char *) g_bytes_get_data (case_bytes, NULL));
      path = g_strconcat ("/api/v1/records/", c->case_id, NULL);
      if (blocking_call (intake, "PUT", path, "0", envelope) != 201)
        g_error ("case: %u %s", intake->status, response_body (intake));
      assign (intake, c->case_id, audited ? FIRST_AUTHOR : name);

      c->plan_id = g_uuid_string_random ();
      c->template = plan_template (plan, c->plan_id, c->case_id, sealed ? name : NULL);
      c->rev = 0;
      if (audited)
        {
          /* the first author's token on the client's plan, then the coach's own */
          g_autofree char *own_token = g_steal_pointer (&c->token);

          c->token = g_strdup (author->token);
          build_push (c);
          g_free (c->token);
          c->token = g_steal_pointer (&own_token);
          push_and_wait (c);
          assign (intake, c->case_id, name);
        }
      else
        {
          build_push (c);
          push_and_wait (c);
        }
      if (c->status != 201)
        g_error ("plan: %u %.300s", c->status, response_body (c));
      c->rev = 1;
    }
  client_free (intake);
  client_free (author);
  return clients;
}

/* The resident set of process @pid, in KiB, or 0. */
static guint64
rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) || (line = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

/* The processor time in seconds (utime + stime) of the process whose
 * /proc/PID/stat is @stat, and its parent's pid in @ppid. */
static double
stat_cpu_seconds (const char *stat,
                  GPid       *ppid)
{
  const char *after_name = strrchr (stat, ')');
  g_auto(GStrv) fields = NULL;

  *ppid = 0;
  if (after_name == NULL)
    return 0;
  /* after the name: state, ppid, … utime (the 12th), stime */
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  *ppid = atoi (fields[1]);
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* The times process @pid gave up the processor to wait (for the next
 * statement, the disk …): voluntary_ctxt_switches of /proc/PID/status. */
static guint64
voluntary_switches (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) ||
      (line = strstr (status, "voluntary_ctxt_switches:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("voluntary_ctxt_switches:"), NULL, 10);
}

/* The context switches of every thread of process @pid, voluntary (it
 * waited: a futex, poll, the disk) and not (preempted): each hand-off of a
 * request between the server's threads is a wake-up and a switch, which on
 * this VM's hypervisor is dear (bench/README.md).  A thread that ended is
 * not counted; the server's threads live as long as it does. */
static guint64
server_switches (GPid pid)
{
  g_autofree char *dir_path = g_strdup_printf ("/proc/%d/task", pid);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *task;
  guint64 total = 0;

  while (dir != NULL && (task = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s/status", dir_path, task);
      g_autofree char *status = NULL;
      const char *line;

      if (!g_file_get_contents (path, &status, NULL, NULL))
        continue;
      if ((line = strstr (status, "\nvoluntary_ctxt_switches:")) != NULL)
        total += g_ascii_strtoull (line + strlen ("\nvoluntary_ctxt_switches:"), NULL, 10);
      if ((line = strstr (status, "nonvoluntary_ctxt_switches:")) != NULL)
        total += g_ascii_strtoull (line + strlen ("nonvoluntary_ctxt_switches:"), NULL, 10);
    }
  return total;
}

/* The processor time of the throwaway PostgreSQL cluster of @database (a
 * postgresql:// URI with host=DIR, the cluster's data in DIR/data): the
 * postmaster and every process it started (the server's backends, the WAL
 * writer …), or -1 when it is not one; in @wake_ups the times they waited
 * and were woken (each round trip wakes a backend). */
static double
postgres_cpu_seconds (const char *database,
                      guint64    *wake_ups)
{
  const char *host = database != NULL ? strstr (database, "host=") : NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pid_path = NULL;
  g_autofree char *pid_text = NULL;
  g_autoptr(GDir) proc = NULL;
  const char *name;
  GPid postmaster;
  double total = 0;

  *wake_ups = 0;
  /* SQLite's runs have no database URI */
  if (host == NULL || !g_str_has_prefix (database, "postgres"))
    return -1;
  dir = g_strndup (host + 5, strcspn (host + 5, "&"));
  pid_path = g_build_filename (dir, "data", "postmaster.pid", NULL);
  if (!g_file_get_contents (pid_path, &pid_text, NULL, NULL) || (postmaster = atoi (pid_text)) <= 0)
    return -1;
  proc = g_dir_open ("/proc", 0, NULL);
  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      GPid pid = atoi (name), ppid;
      double cpu;

      if (pid <= 0)
        continue;
      path = g_strdup_printf ("/proc/%d/stat", pid);
      if (!g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      cpu = stat_cpu_seconds (stat, &ppid);
      if (pid == postmaster || ppid == postmaster)
        {
          total += cpu;
          *wake_ups += voluntary_switches (pid);
        }
    }
  return total;
}

/* What PostgreSQL did for the requests, counted by PostgreSQL itself:
 * figures the other programs on the machine do not move. */
typedef struct {
  double wal_bytes;     /* WAL written (the insert position) */
  double table_blocks;  /* buffer reads of the tables' heaps */
  double index_blocks;  /* of their indexes */
  double toast_blocks;  /* of their TOAST tables and TOAST indexes */
} PostgresWork;

/* Reads @database's PostgresWork on a connection of its own (the
 * statistics a backend has reported so far, which it does at most once a
 * second: a 5 s run's figure is within a fifth of it); FALSE when it is
 * not PostgreSQL. */
static gboolean
postgres_work (const char   *database,
               PostgresWork *work)
{
  PGconn *conn;
  PGresult *result;
  gboolean ok;

  if (database == NULL || !g_str_has_prefix (database, "postgres"))
    return FALSE;
  conn = PQconnectdb (database);
  result = PQexec (conn,
                   "SELECT pg_current_wal_insert_lsn () - '0/0', "
                   "  sum (heap_blks_hit + heap_blks_read), "
                   "  sum (coalesce (idx_blks_hit + idx_blks_read, 0)), "
                   "  sum (coalesce (toast_blks_hit + toast_blks_read, 0) + "
                   "       coalesce (tidx_blks_hit + tidx_blks_read, 0)) "
                   "FROM pg_statio_user_tables");
  ok = PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1;
  if (ok)
    {
      work->wal_bytes = g_ascii_strtod (PQgetvalue (result, 0, 0), NULL);
      work->table_blocks = g_ascii_strtod (PQgetvalue (result, 0, 1), NULL);
      work->index_blocks = g_ascii_strtod (PQgetvalue (result, 0, 2), NULL);
      work->toast_blocks = g_ascii_strtod (PQgetvalue (result, 0, 3), NULL);
    }
  PQclear (result);
  PQfinish (conn);
  return ok;
}

/* --fresh-wal: measure PostgreSQL as a new cluster, not a running one */
static gboolean fresh_wal;

/* Gives @database's cluster the WAL segments a running database has ready
 * for reuse, for a run of @seconds.  A new cluster has none: it makes each
 * 16 MB segment the first time it needs it, writing it full of zeros and
 * flushing it (wal_init_zero), inside the commits that fill it — at this
 * bench's 25–35 MB/s of WAL a new segment every half second, the biggest
 * cost in its commits' tail (`XLogFileInit`, 8 % of PostgreSQL's profile).
 * A database that has run a while renames the segments a checkpoint
 * released for the ones to come instead, up to what its recent checkpoint
 * cycles wrote (at least min_wal_size, at most max_wal_size).  So before
 * each run this writes about as much WAL as the run will (a table written
 * and dropped) and takes a checkpoint, which releases the segments: the
 * run then fills recycled ones, as a server that has been under this load
 * for a while does.  The pushes' own writes still go through the WAL
 * whole, flushed at every commit. */
static void
postgres_recycle_wal (const char *database,
                      double      seconds)
{
  PGconn *conn;
  PGresult *result;
  g_autofree char *sql = NULL;
  guint megabytes = CLAMP ((guint) (64 * (seconds + 1)), 256, 768);

  if (fresh_wal || database == NULL || !g_str_has_prefix (database, "postgres"))
    return;
  conn = PQconnectdb (database);
  sql = g_strdup_printf ("CREATE TABLE bench_wal AS SELECT repeat ('w', 1000) AS w "
                         "FROM generate_series (1, %u * 1000);"
                         "DROP TABLE bench_wal;"
                         "CHECKPOINT;", megabytes);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("could not ready the WAL: %s", PQerrorMessage (conn));
  PQclear (result);
  result = PQexec (conn, "SELECT count (*) FROM pg_ls_waldir ()");
  if (PQresultStatus (result) == PGRES_TUPLES_OK)
    g_print ("PostgreSQL's WAL: %s segments of 16 MB ready to reuse (--fresh-wal: none)\n",
             PQgetvalue (result, 0, 0));
  PQclear (result);
  PQfinish (conn);
}

/* Starts a server on @database with its log in a file under the test's
 * temp dir (transfer full). */
static KtTestServer *
start_bench_server (const char *database,
                    const char *log_path)
{
  KtTestServer *server = kt_test_server_start_full (database, NULL, "[server]\nrequest-timeout=3600\n");

  kt_test_server_set_stderr_file (server, log_path);
  kt_test_server_stop (server);
  kt_test_server_restart (server);
  return server;
}

static guint free_port (void);
static GSubprocess *start_proxy (const char *dir, guint port, const char *upstream_a, const char *upstream_b);

static void
bench_server (const char *name,
              const char *database,
              gboolean    two_processes,
              GStrv       client_counts,
              double      seconds,
              KtPlan     *plan,
              gboolean    audited,
              gboolean    sealed)
{
  g_autoptr(KtTestServer) server = NULL;
  g_autoptr(KtTestServer) second = NULL;
  g_autoptr(GSubprocess) proxy = NULL;
  char *dir = kt_test_tmpdir_new ("kt-bench-server");
  g_autofree char *log_path = g_build_filename (dir, "server.log", NULL);
  g_autofree char *second_log = g_build_filename (dir, "server-2.log", NULL);
  guint max_clients = 0;
  Client **clients;
  guint port;

  for (guint i = 0; client_counts[i] != NULL; i++)
    max_clients = MAX (max_clients, (guint) atoi (client_counts[i]));

  server = start_bench_server (database, log_path);
  add_accounts (kt_test_server_get_database (server), max_clients);
  port = url_port (kt_test_server_get_url (server));
  if (two_processes)
    {
      second = start_bench_server (database, second_log);
      port = free_port ();
      proxy = start_proxy (dir, port, kt_test_server_get_url (server), kt_test_server_get_url (second));
    }
  clients = set_up_coaches (port, max_clients, plan, audited, sealed);

  for (guint i = 0; client_counts[i] != NULL; i++)
    {
      guint n = atoi (client_counts[i]);
      Results r = { 0, };

      guint64 pg_wake_ups = 0, pg_wake_ups_after = 0;
      PostgresWork work = { 0, }, work_after = { 0, };
      gboolean has_work;
      double cpu, pg_cpu;
      guint64 switches;

      postgres_recycle_wal (database, seconds);
      cpu = kt_test_server_get_cpu_seconds (server);
      switches = server_switches (kt_test_server_get_pid (server));
      pg_cpu = postgres_cpu_seconds (database, &pg_wake_ups);
      has_work = postgres_work (database, &work);
      run_load (clients, n, FALSE, NULL, seconds, &r);
      cpu = kt_test_server_get_cpu_seconds (server) - cpu;
      switches = server_switches (kt_test_server_get_pid (server)) - switches;
      if (pg_cpu >= 0)
        pg_cpu = postgres_cpu_seconds (database, &pg_wake_ups_after) - pg_cpu;
      /* after the backends' next report of their statistics */
      if (has_work)
        {
          g_usleep (1100 * G_TIME_SPAN_MILLISECOND);
          has_work = postgres_work (database, &work_after);
        }
      report (name, n, &r, clients[0]->template->plan_size);
      /* the server's own processor time: a figure the other programs on
       * the machine disturb far less than requests per second */
      if (!two_processes)
        g_print ("%-9s %4u clients  server CPU %.0f µs and %.2f context switches per push and pull "
                 "(%u requests, warm-up included)\n",
                 name, n, cpu * 1e6 / MAX (1, r.requests), (double) switches / MAX (1, r.requests),
                 r.requests);
      /* and PostgreSQL's, all its processes: the database's share of the
       * processors, which the server's round trips to it drive */
      if (pg_cpu >= 0)
        g_print ("%-9s %4u clients  PostgreSQL CPU %.0f µs and %.2f wake-ups per push and pull\n",
                 name, n, pg_cpu * 1e6 / MAX (1, r.requests),
                 (double) (pg_wake_ups_after - pg_wake_ups) / MAX (1, r.requests));
      /* per push: pulls write nothing, and read little beside the pushes */
      if (has_work)
        g_print ("%-9s %4u clients  PostgreSQL per push: %.1f KB of WAL, buffer reads %.1f heap, "
                 "%.1f index, %.1f TOAST\n",
                 name, n, (work_after.wal_bytes - work.wal_bytes) / 1000 / MAX (1, r.pushes),
                 (work_after.table_blocks - work.table_blocks) / MAX (1, r.pushes),
                 (work_after.index_blocks - work.index_blocks) / MAX (1, r.pushes),
                 (work_after.toast_blocks - work.toast_blocks) / MAX (1, r.pushes));
      g_array_unref (r.push_latency);
      g_array_unref (r.pull_latency);
    }
  g_print ("%-9s server RSS after the runs: %" G_GUINT64_FORMAT " KiB", name,
           rss_kib (kt_test_server_get_pid (server)));
  if (second != NULL)
    g_print (" and %" G_GUINT64_FORMAT " KiB", rss_kib (kt_test_server_get_pid (second)));
  g_print ("\n");
  for (guint i = 0; i < max_clients; i++)
    client_free (clients[i]);
  g_free (clients);
  if (proxy != NULL)
    {
      g_subprocess_send_signal (proxy, SIGQUIT);
      g_subprocess_wait (proxy, NULL, NULL);
    }
  g_clear_pointer (&second, kt_test_server_free);
  g_clear_pointer (&server, kt_test_server_free);
  kt_test_tmpdir_free (dir);
}

static guint
free_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint port;

  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  getsockname (fd, (struct sockaddr *) &addr, &len);
  port = ntohs (addr.sin_port);
  close (fd);
  return port;
}

static void
wait_for_port (guint port)
{
  for (guint tries = 0; tries < 100; tries++)
    {
      struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port),
                                  .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      int fd = socket (AF_INET, SOCK_STREAM, 0);
      gboolean up = connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0;

      close (fd);
      if (up)
        return;
      g_usleep (50 * 1000);
    }
}

/* nginx as the reverse proxy in front of two servers, as a municipality
 * would run it (round robin, keep-alive to the upstreams). */
static GSubprocess *
start_proxy (const char *dir,
             guint       port,
             const char *upstream_a,
             const char *upstream_b)
{
  g_autofree char *conf_path = g_build_filename (dir, "proxy.conf", NULL);
  g_autofree char *conf = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *nginx;

  conf = g_strdup_printf ("%s"
                          "worker_processes auto;\nerror_log %s/proxy-error.log;\npid %s/proxy.pid;\n"
                          "events { worker_connections 4096; }\n"
                          "http {\n access_log off;\n client_body_temp_path %s;\n proxy_temp_path %s;\n"
                          " fastcgi_temp_path %s;\n uwsgi_temp_path %s;\n scgi_temp_path %s;\n"
                          " keepalive_requests 10000000;\n keepalive_timeout 3600s;\n"
                          " upstream kt { server %s; server %s; keepalive 256; }\n"
                          " server { listen 127.0.0.1:%u; proxy_http_version 1.1;\n"
                          "  proxy_set_header Connection \"\"; proxy_read_timeout 3600s;\n"
                          "  location / { proxy_pass http://kt; } }\n}\n",
                          geteuid () == 0 ? "user root;\n" : "", dir, dir, dir, dir, dir, dir, dir,
                          upstream_a + strlen ("http://"), upstream_b + strlen ("http://"), port);
  g_file_set_contents (conf_path, conf, -1, &error);
  g_assert_no_error (error);
  nginx = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "nginx", "-c", conf_path, "-p", dir,
                            "-g", "daemon off;", NULL);
  g_assert_no_error (error);
  wait_for_port (port);
  return nginx;
}

static void
bench_nginx (GStrv   client_counts,
             double  seconds,
             gsize   size)
{
  char *dir = kt_test_tmpdir_new ("kt-bench-nginx");
  g_autofree char *www = g_build_filename (dir, "www", NULL);
  g_autofree char *file = g_build_filename (www, "plan.json", NULL);
  g_autofree char *conf_path = g_build_filename (dir, "nginx.conf", NULL);
  g_autofree char *conf = NULL;
  g_autofree char *payload = g_malloc (size);
  g_autoptr(GSubprocess) nginx = NULL;
  g_autoptr(GError) error = NULL;
  guint port = free_port ();
  guint max_clients = 0;

  for (guint i = 0; client_counts[i] != NULL; i++)
    max_clients = MAX (max_clients, (guint) atoi (client_counts[i]));

  memset (payload, 'x', size);
  g_mkdir (www, 0755);
  g_file_set_contents (file, payload, size, &error);
  g_assert_no_error (error);
  conf = g_strdup_printf ("%s"
                          "worker_processes auto;\nerror_log %s/error.log;\npid %s/nginx.pid;\n"
                          "events { worker_connections 4096; }\n"
                          "http {\n access_log off;\n client_body_temp_path %s;\n proxy_temp_path %s;\n"
                          " fastcgi_temp_path %s;\n uwsgi_temp_path %s;\n scgi_temp_path %s;\n"
                          " keepalive_requests 10000000;\n keepalive_timeout 3600s;\n"
                          " server { listen 127.0.0.1:%u; root %s; default_type application/json; }\n}\n",
                          geteuid () == 0 ? "user root;\n" : "", dir, dir, dir, dir, dir, dir, dir, port, www);
  g_file_set_contents (conf_path, conf, -1, &error);
  g_assert_no_error (error);

  nginx = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "nginx", "-c", conf_path, "-p", dir,
                            "-g", "daemon off;", NULL);
  if (nginx == NULL)
    {
      g_print ("nginx       not run: %s\n", error->message);
      kt_test_tmpdir_free (dir);
      return;
    }
  for (guint tries = 0; tries < 100; tries++)
    {
      struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port),
                                  .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      int fd = socket (AF_INET, SOCK_STREAM, 0);
      gboolean up = connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0;

      close (fd);
      if (up)
        break;
      g_usleep (50 * 1000);
    }

  {
    Client **clients = g_new0 (Client *, max_clients);

    for (guint i = 0; i < max_clients; i++)
      clients[i] = client_new (port);
    for (guint i = 0; client_counts[i] != NULL; i++)
      {
        guint n = atoi (client_counts[i]);
        Results r = { 0, };

        run_load (clients, n, TRUE, "/plan.json", seconds, &r);
        report ("nginx", n, &r, size);
        g_array_unref (r.push_latency);
        g_array_unref (r.pull_latency);
      }
    for (guint i = 0; i < max_clients; i++)
      client_free (clients[i]);
    g_free (clients);
  }

  g_subprocess_send_signal (nginx, SIGQUIT);
  g_subprocess_wait (nginx, NULL, NULL);
  kt_test_tmpdir_free (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *clients_arg = g_strdup ("50,200");
  g_autofree char *backends_arg = g_strdup ("sqlite,postgres,postgres-2,nginx");
  double seconds = 5;
  gboolean audited = FALSE;
  gboolean sealed = FALSE;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Measured seconds per run", "N" },
    { "clients", 0, 0, G_OPTION_ARG_STRING, &clients_arg, "Client counts", "50,200" },
    { "backends", 0, 0, G_OPTION_ARG_STRING, &backends_arg, "What to run", "sqlite,postgres,postgres-2,nginx" },
    { "audited", 0, 0, G_OPTION_ARG_NONE, &audited, "Every pulled plan is an audited read (another coach wrote it)", NULL },
    { "sealed", 0, 0, G_OPTION_ARG_NONE, &sealed, "Every push is a sealed record", NULL },
    { "fresh-wal", 0, 0, G_OPTION_ARG_NONE, &fresh_wal, "PostgreSQL as a new cluster: no WAL segments to reuse", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) client_counts = NULL;
  g_auto(GStrv) backends = NULL;
  g_autoptr(KtPlan) plan = NULL;
  gsize push_size;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (audited && sealed)
    g_error ("--audited and --sealed do not go together: a sealed key must come from its pusher");
  kt_core_init ();
  signal (SIGPIPE, SIG_IGN);
  client_counts = g_strsplit (clients_arg, ",", -1);
  backends = g_strsplit (backends_arg, ",", -1);
  plan = realistic_plan ();
  {
    g_autoptr(GBytes) bytes = kt_plan_encode (plan);
    push_size = g_bytes_get_size (bytes) + 160;
  }

  g_print ("Plan pushes of about %zu bytes; each client alternates push and pull on one "
           "keep-alive connection. Server defaults: durable commits (SQLite WAL with synchronous=FULL; PostgreSQL cluster fsync on, synchronous_commit=on), pushes arriving together share one commit, access log on (to a file).\n",
           push_size);
  for (guint i = 0; backends[i] != NULL; i++)
    {
      if (g_str_equal (backends[i], "sqlite"))
        bench_server (audited ? "sqlite-a" : sealed ? "sqlite-s" : "sqlite", NULL, FALSE, client_counts,
                      seconds, plan, audited, sealed);
      else if (g_str_equal (backends[i], "postgres") || g_str_equal (backends[i], "postgres-2"))
        {
          g_autoptr(KtTestPostgres) postgres = NULL;
          g_autofree char *uri = NULL;

          g_setenv ("KT_TEST_POSTGRES_FSYNC", "on", TRUE);
          postgres = kt_test_postgres_start (&error);
          if (postgres == NULL)
            {
              g_print ("postgres  not run: %s\n", error->message);
              g_clear_error (&error);
              continue;
            }
          uri = kt_test_postgres_new_database (postgres);
          if (g_str_equal (backends[i], "postgres-2"))
            bench_server (sealed ? "postgres-2s" : "postgres-2", uri, TRUE, client_counts, seconds, plan,
                          audited, sealed);
          else
            bench_server (audited ? "postgres-a" : sealed ? "postgres-s" : "postgres", uri, FALSE,
                          client_counts, seconds, plan, audited, sealed);
        }
      else if (g_str_equal (backends[i], "nginx"))
        bench_nginx (client_counts, seconds, push_size);
    }
  return 0;
}
