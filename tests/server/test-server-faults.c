/* test-server-faults.c: the real server under faults
 *
 * - kill-during-pushes: four clients push records (create, then updates)
 *   with retries while the server is killed with SIGKILL and started again
 *   over and over; the clients go on updating until it has been killed
 *   MIN_KILLS times, however fast the server is.  Afterwards every record a
 *   client was told is stored is there at its latest acknowledged rev, none
 *   twice.
 * - disk-full: the server's SQLite database lives on a small tmpfs made by
 *   the test (mounting needs root; the test is skipped otherwise and says
 *   so).  Pushes into a full disk get a 5xx with the JSON error shape, the
 *   server keeps answering, nothing stored earlier is lost, and pushes
 *   succeed again once the filesystem is grown.
 * - postgres-restart-under-load: three clients push new records while the
 *   server's PostgreSQL is stopped and started again.  Meanwhile pushes get
 *   503 with Retry-After (never a 500) and /health says "unavailable"; the
 *   server connects again by itself, /health says "ok", and every record a
 *   client was told is stored is there once.
 * - postgres-held-keeps-main-loop: another session holds the lock every
 *   writer takes, so a push waits inside PostgreSQL; meanwhile the server
 *   still answers /health/live (its main loop never waits for the
 *   database), and the push is stored once the lock is let go.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-faults"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sys/mount.h>

#include "kt-core.h"
#include "server-docs.h"
#include "kt-test-postgres.h"
#include "kt-test-server.h"
#include "kt-test-util.h"

#define PASSWORD "correct horse battery"
#define N_CLIENTS 4
#define RECORDS_PER_CLIENT 12
#define MIN_REV 3      /* every record is created and updated at least twice */
#define MIN_KILLS 20   /* the clients go on updating until the server died this often */

static const KtTestUser users[] = {
  { "ida", PASSWORD, "intaker", "noord", NULL },
  { "ilse", PASSWORD, "intaker", "noord", NULL },
  { "inge", PASSWORD, "intaker", "noord", NULL },
  { "iris", PASSWORD, "intaker", "noord", NULL },
  { "sara", PASSWORD, "supervisor", "noord", NULL },
  { NULL }
};

/* The wire form of a new case document at @rev. */
static char *
case_record (const char *id,
             gint64      rev)
{
  g_autofree char *body = kt_test_server_case_json (id, rev, "fault", NULL);

  return g_strdup_printf ("{\"id\":\"%s\",\"kind\":\"case\",\"rev\":%" G_GINT64_FORMAT
                          ",\"case_id\":\"%s\",\"body\":%s}", id, rev, id, body);
}

static char *
push_path (const char *id)
{
  return g_strconcat ("/records/", id, NULL);
}

/* Whether @answer is a 5xx with the error shape of protocol.md. */
static gboolean
is_server_error (const KtTestAnswer *answer)
{
  JsonObject *error;

  if (answer->status < 500 || answer->status > 599 || answer->json == NULL ||
      !JSON_NODE_HOLDS_OBJECT (answer->json))
    return FALSE;
  error = json_object_get_object_member (json_node_get_object (answer->json), "error");
  return error != NULL && json_object_get_string_member_with_default (error, "code", NULL) != NULL &&
         json_object_get_string_member_with_default (error, "message", NULL) != NULL;
}

/* Every record in the change feed: id → rev; fails on an id seen twice. */
static GHashTable *
read_all_changes (const char *base,
                  const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = g_strdup ("0");
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/changes?since=%s&limit=500", cursor);
      KtTestAnswer answer = kt_test_server_send (session, base, "GET", path, token, NULL, NULL);
      JsonObject *object;
      JsonArray *records;

      g_assert_cmpuint (answer.status, ==, SOUP_STATUS_OK);
      object = json_node_get_object (answer.json);
      records = json_object_get_array_member (object, "records");
      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *record = json_array_get_object_element (records, i);
          const char *id = json_object_get_string_member (record, "id");

          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_insert (seen, g_strdup (id),
                               GINT_TO_POINTER ((int) json_object_get_int_member (record, "rev")));
        }
      more = json_object_get_boolean_member (object, "more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (object, "cursor"));
      kt_test_answer_clear (&answer);
    }
  return seen;
}

/* Kill during pushes */

typedef struct {
  GMutex        mutex;
  KtTestServer *server;
  char         *url;           /* changes with every restart */
  gboolean      done[N_CLIENTS];
  guint         kills;
  guint         acknowledged;  /* pushes, by all clients */
} World;

typedef struct {
  World      *world;
  const char *username;
  guint       index;
  char       *ids[RECORDS_PER_CLIENT];
  gint64      acknowledged[RECORDS_PER_CLIENT];   /* rev the server said it stored */
  guint       retries;
  guint       pushes;                             /* acknowledged */
} Client;

static gboolean
killed_enough (World *w)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&w->mutex);

  return w->kills >= MIN_KILLS;
}

static char *
world_url (World *w)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&w->mutex);

  return g_strdup (w->url);
}

static gpointer
client_run (gpointer user_data)
{
  Client *c = user_data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autofree char *token = NULL;

  for (guint attempt = 0; token == NULL; attempt++)
    {
      g_autofree char *url = world_url (c->world);
      g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                               c->username, PASSWORD);
      KtTestAnswer answer = kt_test_server_send (session, url, "POST", "/login", NULL, NULL, body);

      if (answer.status == SOUP_STATUS_OK)
        token = g_strdup (json_object_get_string_member (json_node_get_object (answer.json), "token"));
      else
        g_usleep (20 * 1000);
      kt_test_answer_clear (&answer);
      g_assert_cmpuint (attempt, <, 500);
    }

  for (gint64 rev = 1; rev <= MIN_REV || !killed_enough (c->world); rev++)
    {
      for (guint i = 0; i < RECORDS_PER_CLIENT; i++)
        {
          g_autofree char *record = case_record (c->ids[i], rev);
          g_autofree char *path = push_path (c->ids[i]);
          g_autofree char *if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", rev - 1);
          guint attempt;

          for (attempt = 0; attempt < 500; attempt++)
            {
              g_autofree char *url = world_url (c->world);
              KtTestAnswer answer = kt_test_server_send (session, url, "PUT", path, token, if_match, record);
              guint status = answer.status;

              kt_test_answer_clear (&answer);
              if (status == SOUP_STATUS_OK || status == SOUP_STATUS_CREATED)
                {
                  c->acknowledged[i] = rev;
                  c->pushes++;
                  g_mutex_lock (&c->world->mutex);
                  c->world->acknowledged++;
                  g_mutex_unlock (&c->world->mutex);
                  break;
                }
              /* No answer, or the server went away mid-request: the push
               * may or may not be stored, so send the same again. */
              g_assert_true (status == 0 || status >= 500);
              c->retries++;
              g_usleep (20 * 1000);
            }
          g_assert_cmpuint (attempt, <, 500);
        }
    }

  g_mutex_lock (&c->world->mutex);
  c->world->done[c->index] = TRUE;
  g_mutex_unlock (&c->world->mutex);
  return NULL;
}

static void
wait_until_answering (SoupSession *session,
                      const char  *url)
{
  for (guint i = 0; i < 500; i++)
    {
      KtTestAnswer answer = kt_test_server_send (session, url, "GET", "/health/live", NULL, NULL, NULL);
      guint status = answer.status;

      kt_test_answer_clear (&answer);
      if (status == SOUP_STATUS_OK)
        return;
      g_usleep (10 * 1000);
    }
  g_assert_not_reached ();
}

static gboolean
all_done (World *w)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&w->mutex);

  for (guint i = 0; i < N_CLIENTS; i++)
    if (!w->done[i])
      return FALSE;
  return TRUE;
}

static void
test_kill_during_pushes (void)
{
  World world = { 0 };
  Client clients[N_CLIENTS];
  GThread *threads[N_CLIENTS];
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token = NULL;
  guint kills = 0, retries = 0, records = 0, pushes = 0;

  g_mutex_init (&world.mutex);
  world.server = kt_test_server_start (NULL, users);
  world.url = g_strdup (kt_test_server_get_url (world.server));

  for (guint c = 0; c < N_CLIENTS; c++)
    {
      clients[c] = (Client) { .world = &world, .username = users[c].username, .index = c };
      for (guint i = 0; i < RECORDS_PER_CLIENT; i++)
        clients[c].ids[i] = g_uuid_string_random ();
      threads[c] = g_thread_new ("client", client_run, &clients[c]);
    }

  /* Kill the server at uneven moments until every client has finished;
   * each time only once it has acknowledged a push since it was started, so
   * a slow server (a sanitizer build on a busy machine) still gets on. */
  while (!all_done (&world))
    {
      guint acknowledged;

      g_mutex_lock (&world.mutex);
      acknowledged = world.acknowledged;
      g_mutex_unlock (&world.mutex);
      g_usleep (g_random_int_range (50, 250) * 1000);
      for (guint i = 0; i < 3000 && !all_done (&world); i++)
        {
          g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&world.mutex);

          if (world.acknowledged > acknowledged)
            break;
          g_clear_pointer (&locker, g_mutex_locker_free);
          g_usleep (5 * 1000);
        }
      if (all_done (&world))
        break;
      kt_test_server_kill (world.server);
      kills++;
      g_mutex_lock (&world.mutex);
      world.kills = kills;
      g_mutex_unlock (&world.mutex);
      g_usleep (g_random_int_range (0, 50) * 1000);
      kt_test_server_restart (world.server);
      g_mutex_lock (&world.mutex);
      g_free (world.url);
      world.url = g_strdup (kt_test_server_get_url (world.server));
      g_mutex_unlock (&world.mutex);
      /* the next kill's uneven moment counts from when it answers: a slow
       * start (a sanitizer build on a busy machine) must not leave the
       * pushes no time at all */
      wait_until_answering (session, world.url);
      g_assert_cmpuint (kills, <, 400);
    }
  for (guint c = 0; c < N_CLIENTS; c++)
    g_thread_join (threads[c]);

  /* One more kill with everything acknowledged, then count. */
  kt_test_server_kill (world.server);
  kt_test_server_restart (world.server);
  token = kt_test_server_sign_in (session, kt_test_server_get_url (world.server), "sara", PASSWORD);
  stored = read_all_changes (kt_test_server_get_url (world.server), token);
  for (guint c = 0; c < N_CLIENTS; c++)
    {
      retries += clients[c].retries;
      pushes += clients[c].pushes;
      for (guint i = 0; i < RECORDS_PER_CLIENT; i++)
        {
          gpointer rev;

          g_assert_cmpint (clients[c].acknowledged[i], >=, MIN_REV);
          g_assert_true (g_hash_table_lookup_extended (stored, clients[c].ids[i], NULL, &rev));
          g_assert_cmpint (GPOINTER_TO_INT (rev), ==, clients[c].acknowledged[i]);
          records++;
          g_free (clients[c].ids[i]);
        }
    }
  g_assert_cmpuint (g_hash_table_size (stored), ==, records);
  g_assert_cmpuint (kills, >=, MIN_KILLS);
  g_test_message ("%u kills; %u pushes acknowledged (%u records), %u retried; "
                  "lost: 0, duplicated: 0", kills, pushes, records, retries);
  g_print ("# kill-during-pushes: %u kills, %u pushes acknowledged, %u retries, 0 lost, 0 twice\n",
           kills, pushes, retries);

  kt_test_server_free (world.server);
  g_free (world.url);
  g_mutex_clear (&world.mutex);
}

/* Disk full */

static void
test_disk_full (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-server-diskfull");
  g_autofree char *mnt = g_build_filename (dir, "disk", NULL);
  g_autofree char *uri = g_strconcat ("sqlite://", mnt, "/server.db", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *token = NULL;
  KtTestServer *server;
  const char *url;
  guint refused = 0, in_a_row = 0, after = 0;

  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  if (mount ("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0700") != 0)
    {
      g_autofree char *why = g_strdup_printf ("Cannot mount a small tmpfs (%s): the test needs root",
                                              g_strerror (errno));

      g_test_skip (why);
      kt_test_tmpdir_free (g_steal_pointer (&dir));
      return;
    }

  server = kt_test_server_start (uri, users);
  url = kt_test_server_get_url (server);
  token = kt_test_server_sign_in (session, url, "ida", PASSWORD);

  /* Fill the disk: every push answers 201 or, once the disk is full, a
   * 5xx with the JSON error shape, never anything else.  (A small push may
   * still fit after a refused one; it counts as stored.) */
  while (in_a_row < 5)
    {
      char *id = g_uuid_string_random ();
      g_autofree char *record = case_record (id, 1);
      g_autofree char *path = push_path (id);
      KtTestAnswer answer = kt_test_server_send (session, url, "PUT", path, token, "\"0\"", record);

      if (answer.status == SOUP_STATUS_CREATED)
        {
          g_ptr_array_add (ids, id);
          in_a_row = 0;
        }
      else
        {
          g_assert_true (is_server_error (&answer));
          refused++;
          in_a_row++;
          g_free (id);
        }
      kt_test_answer_clear (&answer);
      g_assert_cmpuint (ids->len, <, 5000);
    }
  g_assert_cmpuint (ids->len, >, 10);

  /* The server still answers, and everything stored is still there. */
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = push_path (g_ptr_array_index (ids, i));
      KtTestAnswer answer = kt_test_server_send (session, url, "GET", path, token, NULL, NULL);

      g_assert_cmpuint (answer.status, ==, SOUP_STATUS_OK);
      kt_test_answer_clear (&answer);
    }

  /* Space comes back: pushes succeed again, without a restart. */
  g_assert_cmpint (mount ("tmpfs", mnt, "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV, "size=16m"), ==, 0);
  for (guint i = 0; i < 5; i++)
    {
      char *id = g_uuid_string_random ();
      g_autofree char *record = case_record (id, 1);
      g_autofree char *path = push_path (id);
      KtTestAnswer answer = kt_test_server_send (session, url, "PUT", path, token, "\"0\"", record);

      g_assert_cmpuint (answer.status, ==, SOUP_STATUS_CREATED);
      g_ptr_array_add (ids, id);
      kt_test_answer_clear (&answer);
      after++;
    }

  /* And all of it survives a restart. */
  kt_test_server_kill (server);
  kt_test_server_restart (server);
  {
    g_autofree char *token2 = kt_test_server_sign_in (session, kt_test_server_get_url (server), "sara", PASSWORD);
    g_autoptr(GHashTable) stored = read_all_changes (kt_test_server_get_url (server), token2);

    for (guint i = 0; i < ids->len; i++)
      g_assert_true (g_hash_table_contains (stored, g_ptr_array_index (ids, i)));
  }
  g_print ("# disk-full: %u pushes stored before the disk filled, %u refused with a 5xx, "
           "%u stored after it grew, 0 lost\n", ids->len - after, refused, after);

  kt_test_server_stop (server);
  g_assert_cmpint (umount (mnt), ==, 0);
  kt_test_server_free (server);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

/* PostgreSQL stopped and started under load */

typedef struct {
  GMutex      mutex;
  const char *url;
  gboolean    stop;
  guint       acknowledged;   /* by all clients */
  guint       unavailable;    /* 503 answers, each with Retry-After */
} Load;

typedef struct {
  Load       *load;
  const char *username;
  GPtrArray  *ids;            /* acknowledged */
  guint       other_errors;   /* answers other than 2xx, 503 or none */
} Pusher;

static gboolean
load_stopped (Load *load)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&load->mutex);

  return load->stop;
}

static guint
load_count (Load  *load,
            guint *counter)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&load->mutex);

  return *counter;
}

static gpointer
pusher_run (gpointer user_data)
{
  Pusher *p = user_data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *token = kt_test_server_sign_in (session, p->load->url, p->username, PASSWORD);

  while (!load_stopped (p->load))
    {
      char *id = g_uuid_string_random ();
      g_autofree char *record = case_record (id, 1);
      g_autofree char *path = push_path (id);
      gboolean stored = FALSE;

      /* the same push again until it is acknowledged, as the app does */
      for (guint attempt = 0; !stored && attempt < 2000; attempt++)
        {
          KtTestAnswer answer = kt_test_server_send (session, p->load->url, "PUT", path, token, "\"0\"", record);

          if (answer.status == SOUP_STATUS_CREATED || answer.status == SOUP_STATUS_OK)
            stored = TRUE;
          else if (answer.status == SOUP_STATUS_SERVICE_UNAVAILABLE && answer.retry_after != NULL &&
                   is_server_error (&answer))
            {
              g_mutex_lock (&p->load->mutex);
              p->load->unavailable++;
              g_mutex_unlock (&p->load->mutex);
              g_usleep (50 * 1000);
            }
          else
            {
              p->other_errors++;
              g_usleep (50 * 1000);
            }
          kt_test_answer_clear (&answer);
        }
      g_assert_true (stored);
      g_ptr_array_add (p->ids, id);
      g_mutex_lock (&p->load->mutex);
      p->load->acknowledged++;
      g_mutex_unlock (&p->load->mutex);
    }
  return NULL;
}

/* Polls /health until it answers @status; the HTTP status it gave. */
static guint
wait_for_health (SoupSession *session,
                 const char  *url,
                 const char  *status)
{
  for (guint i = 0; i < 600; i++)
    {
      KtTestAnswer answer = kt_test_server_send (session, url, "GET", "/health", NULL, NULL, NULL);
      guint http = answer.status;
      gboolean match = answer.json != NULL &&
                       g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (answer.json),
                                                                              "status", NULL), status) == 0;

      kt_test_answer_clear (&answer);
      if (match)
        return http;
      g_usleep (50 * 1000);
    }
  g_assert_not_reached ();
}

static void
wait_for_count (Load  *load,
                guint *counter,
                guint  at_least)
{
  for (guint i = 0; load_count (load, counter) < at_least; i++)
    {
      g_assert_cmpuint (i, <, 1200);
      g_usleep (25 * 1000);
    }
}

#define N_PUSHERS 3

static void
test_postgres_restart_under_load (void)
{
  g_autoptr(KtTestPostgres) pg = NULL;
  g_autoptr(KtTestServer) server = kt_test_server_start_postgres (&pg, users);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(GHashTable) stored = NULL;
  g_autofree char *token = NULL;
  Load load = { 0 };
  Pusher pushers[N_PUSHERS];
  GThread *threads[N_PUSHERS];
  guint records = 0, before, other_errors = 0;

  if (server == NULL)
    return;
  g_mutex_init (&load.mutex);
  load.url = kt_test_server_get_url (server);
  for (guint i = 0; i < N_PUSHERS; i++)
    {
      pushers[i] = (Pusher) { .load = &load, .username = users[i].username,
                              .ids = g_ptr_array_new_with_free_func (g_free) };
      threads[i] = g_thread_new ("pusher", pusher_run, &pushers[i]);
    }

  wait_for_count (&load, &load.acknowledged, 30);
  kt_test_postgres_stop (pg);
  g_assert_cmpuint (wait_for_health (session, load.url, "unavailable"), ==, SOUP_STATUS_SERVICE_UNAVAILABLE);
  wait_for_count (&load, &load.unavailable, N_PUSHERS);
  before = load_count (&load, &load.acknowledged);
  g_usleep (500 * 1000);
  /* nothing is acknowledged while the database is away */
  g_assert_cmpuint (load_count (&load, &load.acknowledged), <=, before + N_PUSHERS);
  kt_test_postgres_restart (pg);

  /* back by itself, without a restart of the server */
  g_assert_cmpuint (wait_for_health (session, load.url, "ok"), ==, SOUP_STATUS_OK);
  wait_for_count (&load, &load.acknowledged, before + 30);
  g_mutex_lock (&load.mutex);
  load.stop = TRUE;
  g_mutex_unlock (&load.mutex);
  for (guint i = 0; i < N_PUSHERS; i++)
    g_thread_join (threads[i]);

  token = kt_test_server_sign_in (session, load.url, "sara", PASSWORD);
  stored = read_all_changes (load.url, token);
  for (guint i = 0; i < N_PUSHERS; i++)
    {
      for (guint j = 0; j < pushers[i].ids->len; j++)
        g_assert_true (g_hash_table_contains (stored, g_ptr_array_index (pushers[i].ids, j)));
      records += pushers[i].ids->len;
      other_errors += pushers[i].other_errors;
      g_ptr_array_unref (pushers[i].ids);
    }
  g_assert_cmpuint (g_hash_table_size (stored), ==, records);
  g_assert_cmpuint (other_errors, ==, 0);
  g_print ("# postgres-restart-under-load: %u records acknowledged, %u answers 503 with Retry-After, "
           "0 other errors, 0 lost, 0 twice\n", records, load.unavailable);
  g_mutex_clear (&load.mutex);
}

/* The database held up: the main loop answers all the same */

typedef struct {
  const char *url;
  const char *token;
  guint       status;
  gint        done;      /* (atomic) */
} HeldPush;

static gpointer
held_push_run (gpointer data)
{
  HeldPush *h = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *record = case_record (id, 1);
  g_autofree char *path = push_path (id);
  KtTestAnswer answer = kt_test_server_send (session, h->url, "PUT", path, h->token, "\"0\"", record);

  h->status = answer.status;
  kt_test_answer_clear (&answer);
  g_atomic_int_set (&h->done, TRUE);
  return NULL;
}

/* Writes @sql to psql and returns the one line it answers (transfer full). */
static char *
psql_line (GSubprocess      *psql,
           GDataInputStream *out,
           const char       *sql)
{
  GOutputStream *in = g_subprocess_get_stdin_pipe (psql);
  g_autoptr(GError) error = NULL;
  char *line;

  g_assert_true (g_output_stream_write_all (in, sql, strlen (sql), NULL, NULL, &error));
  g_assert_no_error (error);
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
test_postgres_held_keeps_main_loop (void)
{
  g_autoptr(KtTestPostgres) pg = NULL;
  g_autoptr(KtTestServer) server = kt_test_server_start_postgres (&pg, users);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) psql = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *line = NULL;
  HeldPush held = { 0 };
  KtTestAnswer answer;
  GThread *thread;

  if (server == NULL)
    return;
  token = kt_test_server_sign_in (session, kt_test_server_get_url (server), "ida", PASSWORD);

  /* Another session takes the lock every writer of records takes first
   * (kt-backend-postgres.c, write_lock), so the push waits in the database. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  psql = g_subprocess_launcher_spawn (launcher, &error, "psql", "-X", "-q", "-A", "-t",
                                      kt_test_server_get_database (server), NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (psql));
  line = psql_line (psql, out, "SELECT pg_advisory_lock (27764), 'locked';\n");
  g_assert_cmpstr (line, ==, "|locked");

  held.url = kt_test_server_get_url (server);
  held.token = token;
  thread = g_thread_new ("held-push", held_push_run, &held);
  for (guint i = 0;; i++)
    {
      g_autofree char *waiting = psql_line (psql, out,
        "SELECT count (*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted;\n");

      if (g_str_equal (waiting, "1"))
        break;
      g_assert_cmpuint (i, <, 1000);
      g_usleep (10 * 1000);
    }

  /* the push waits for the database; the main loop still answers */
  answer = kt_test_server_send (session, kt_test_server_get_url (server), "GET", "/health/live", NULL, NULL, NULL);
  g_assert_cmpuint (answer.status, ==, SOUP_STATUS_OK);
  kt_test_answer_clear (&answer);
  g_assert_false (g_atomic_int_get (&held.done));

  /* the lock goes with psql's session; then the push is stored */
  g_output_stream_close (g_subprocess_get_stdin_pipe (psql), NULL, NULL);
  g_subprocess_wait (psql, NULL, NULL);
  g_thread_join (thread);
  g_assert_cmpuint (held.status, ==, SOUP_STATUS_CREATED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

  g_test_add_func ("/server-faults/kill-during-pushes", test_kill_during_pushes);
  g_test_add_func ("/server-faults/disk-full", test_disk_full);
  g_test_add_func ("/server-faults/postgres-restart-under-load", test_postgres_restart_under_load);
  g_test_add_func ("/server-faults/postgres-held-keeps-main-loop", test_postgres_held_keeps_main_loop);
  return g_test_run ();
}
