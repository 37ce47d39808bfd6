/* test-server.c: the sync API of a real keukentafel-server, over HTTP
 *
 * Runs against SQLite by default, against a throwaway PostgreSQL cluster
 * with --backend=postgres; meson registers both.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>

#include "kt-core.h"
#include "kt-crypto.h"
#include "kt-recovery-phrase.h"
#include "kt-peer-keys.h"
#include "kt-record-sealer.h"
#include "kt-sync-protocol.h"
#include "server-docs.h"
#include "kt-test-postgres.h"
#include "kt-test-server.h"
#include "kt-test-util.h"

#define PASSWORD "correct horse battery"
/* Written into every household name; no denied answer may contain it. */
#define SECRET "Geheim-7c1e"
/* The goal every test plan has (server-docs.c). */
#define GOAL_ID "3f9c1b7e-0000-4000-8000-00000000601a"

static KtTestPostgres *postgres;   /* NULL: SQLite */
/* A database with every account of users[], made once and copied for each
 * test: adding nine accounts per test would take most of the run. */
static char *template_dir;
static char *template_db;          /* SQLite file or PostgreSQL database name */
static guint n_databases;

static const KtTestUser users[] = {
  { "anna", PASSWORD, "wijkcoach", "noord", "Anna de Coach" },
  { "bert", PASSWORD, "wijkcoach", "noord", NULL },
  { "ida", PASSWORD, "intaker", "noord", NULL },
  { "ilse", PASSWORD, "intaker", "noord", NULL },
  { "sara", PASSWORD, "supervisor", "noord", NULL },
  { "zoe", PASSWORD, "wijkcoach", "zuid", NULL },
  { "zeno", PASSWORD, "intaker", "zuid", NULL },
  { "zara", PASSWORD, "supervisor", "zuid", NULL },
  { "adam", PASSWORD, "admin", "beheer", NULL },
  { NULL }
};

/* HTTP */

typedef struct {
  guint       status;
  char       *text;
  JsonNode   *json;
  char       *retry_after;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->text);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply->retry_after);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

typedef struct {
  KtTestServer *server;
  SoupSession  *session;
  GHashTable   *tokens;   /* username → token */
} Fixture;

static Reply *
call_full (Fixture    *f,
           const char *method,
           const char *path,
           const char *token,
           const char *if_match,
           const char *body,
           gsize       body_len)
{
  g_autofree char *url = g_strconcat (kt_test_server_get_url (f->server), "/api/v1", path, NULL);
  g_autoptr(SoupMessage) msg = kt_test_server_message_new (method, url, token, if_match, body, body_len);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  Reply *reply = g_new0 (Reply, 1);

  bytes = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->text = g_bytes_get_size (bytes) > 0
                ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes))
                : g_strdup ("");
  reply->retry_after = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                               "Retry-After"));
  if (*reply->text != '\0' && json_parser_load_from_data (parser, reply->text, -1, NULL))
    reply->json = json_node_copy (json_parser_get_root (parser));
  return reply;
}

static Reply *
call (Fixture    *f,
      const char *method,
      const char *path,
      const char *user,
      const char *body)
{
  const char *token = user != NULL ? g_hash_table_lookup (f->tokens, user) : NULL;

  return call_full (f, method, path, token != NULL ? token : user, NULL,
                    body, body != NULL ? strlen (body) : 0);
}

/* call() on the path PREFIX ID SUFFIX. */
static Reply *
call_on (Fixture    *f,
         const char *method,
         const char *prefix,
         const char *id,
         const char *suffix,
         const char *user,
         const char *body)
{
  g_autofree char *path = g_strconcat (prefix, id, suffix, NULL);

  return call (f, method, path, user, body);
}

static JsonObject *
reply_object (Reply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static const char *
error_code (Reply *reply)
{
  JsonObject *error = json_object_get_object_member (reply_object (reply), "error");

  g_assert_nonnull (error);
  g_assert_true (json_object_has_member (error, "message"));
  return json_object_get_string_member (error, "code");
}

static const char *
error_field (Reply *reply)
{
  JsonObject *error = json_object_get_object_member (reply_object (reply), "error");

  return json_object_get_string_member_with_default (error, "field", NULL);
}

/* Asserts @reply is an error with @status and @code that leaks no client data. */
static void
assert_refused (Reply      *reply,
                guint       status,
                const char *code)
{
  if (reply->status != status)
    g_error ("expected %u, got %u: %s", status, reply->status, reply->text);
  g_assert_cmpstr (error_code (reply), ==, code);
  g_assert_null (strstr (reply->text, SECRET));
  g_assert_null (strstr (reply->text, "\"body\":"));
}

static void
assert_status (Reply *reply,
               guint  status)
{
  if (reply->status != status)
    g_error ("expected %u, got %u: %s", status, reply->status, reply->text);
}

/* Asserts @reply refuses a change to a locked plan, with the server's copy at @rev. */
static void
assert_locked (Reply  *reply,
               gint64  rev)
{
  JsonObject *server;

  assert_status (reply, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (error_code (reply), ==, "plan_locked");
  server = json_object_get_object_member (reply_object (reply), "server");
  g_assert_cmpint (json_object_get_int_member (server, "rev"), ==, rev);
}

static char *
login (Fixture    *f,
       const char *user,
       const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
  g_autoptr(Reply) reply = call (f, "POST", "/login", NULL, body);
  JsonObject *object;

  assert_status (reply, SOUP_STATUS_OK);
  object = reply_object (reply);
  g_assert_cmpint (json_object_get_int_member (object, "expires"), >, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "user"), "username"),
                   ==, user);
  return g_strdup (json_object_get_string_member (object, "token"));
}

static void
sign_in_everyone (Fixture *f)
{
  for (guint i = 0; users[i].username != NULL; i++)
    {
      if (g_str_equal (users[i].role, "admin"))
        continue;
      g_hash_table_insert (f->tokens, g_strdup (users[i].username),
                           login (f, users[i].username, PASSWORD));
    }
}

static void
make_template (void)
{
  g_autofree char *uri = NULL;
  g_autoptr(KtTestServer) server = NULL;

  template_dir = kt_test_tmpdir_new ("kt-server-template");
  if (postgres != NULL)
    {
      template_db = g_strdup ("kt_template");
      uri = kt_test_postgres_create_database (postgres, template_db);
    }
  else
    {
      template_db = g_build_filename (template_dir, "template.db", NULL);
      uri = g_strconcat ("sqlite://", template_db, NULL);
    }
  server = kt_test_server_start (uri, users);
}

/* A copy of the template database (transfer full). */
static char *
new_database (void)
{
  g_autofree char *name = g_strdup_printf ("kt_test_%u", ++n_databases);
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  gsize len;

  if (postgres != NULL)
    return kt_test_postgres_copy_database (postgres, template_db, name);

  path = g_strdup_printf ("%s/%s.db", template_dir, name);
  g_assert_true (g_file_get_contents (template_db, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  return g_strconcat ("sqlite://", path, NULL);
}

static void
fixture_set_up_with (Fixture    *f,
                     const char *config_text)
{
  g_autofree char *uri = new_database ();

  f->server = kt_test_server_start_full (uri, NULL, config_text);
  f->session = soup_session_new ();
  f->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  fixture_set_up_with (f, data);
  sign_in_everyone (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->tokens, g_hash_table_unref);
  g_clear_pointer (&f->server, kt_test_server_free);
}

/* Records */

/* The wire form of a record around @body. */
static char *
envelope (const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *doc;

  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  doc = json_node_get_object (json_parser_get_root (parser));
  return g_strdup_printf ("{\"id\":\"%s\",\"kind\":\"%s\",\"rev\":%" G_GINT64_FORMAT ",\"case_id\":%s%s%s,\"body\":%s}",
                          json_object_get_string_member (doc, "id"),
                          json_object_get_string_member (doc, "kind"),
                          json_object_get_int_member (doc, "rev"),
                          json_object_has_member (doc, "case_id") ? "\"" : "",
                          json_object_has_member (doc, "case_id")
                            ? json_object_get_string_member (doc, "case_id") : "null",
                          json_object_has_member (doc, "case_id") ? "\"" : "",
                          body);
}

static Reply *
push (Fixture    *f,
      const char *user,
      const char *body,
      gint64      base)
{
  g_autofree char *record = envelope (body);
  g_autofree char *path = NULL;
  g_autofree char *if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", base);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  path = g_strconcat ("/records/",
                      json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "id"),
                      NULL);
  return call_full (f, "PUT", path, g_hash_table_lookup (f->tokens, user), if_match,
                    record, strlen (record));
}

static gint64
record_rev (Reply *reply)
{
  return json_object_get_int_member (reply_object (reply), "rev");
}

/* @json with the member @name set to the JSON @value, in the document or,
 * with @array, in the first object of that array member (transfer full). */
static char *
patch_member (const char *json,
              const char *array,
              const char *name,
              const char *value)
{
  g_autoptr(JsonNode) doc = json_from_string (json, NULL);
  g_autoptr(JsonNode) node = json_from_string (value, NULL);
  JsonObject *object = json_node_get_object (doc);

  if (array != NULL)
    object = json_array_get_object_element (json_object_get_array_member (object, array), 0);
  json_object_set_member (object, name, g_steal_pointer (&node));
  return json_to_string (doc, FALSE);
}

/* The shared world of the matrix: ida registers a case, assigns it to
 * anna, anna holds the conversation and submits the plan. */
typedef struct {
  char *case_id;
  char *conversation_id;
  char *plan_id;
} World;

static void
world_clear (World *w)
{
  g_free (w->case_id);
  g_free (w->conversation_id);
  g_free (w->plan_id);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (World, world_clear)

static void
build_world (Fixture *f,
             World   *w)
{
  g_autofree char *kase = kt_test_server_case_json (NULL, 1, SECRET, NULL);
  g_autofree char *conversation = NULL;
  g_autofree char *plan = NULL;
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) assigned = NULL;
  g_autoptr(Reply) talked = NULL;
  g_autoptr(Reply) planned = NULL;
  g_autofree char *assign_path = NULL;

  created = push (f, "ida", kase, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  w->case_id = g_strdup (json_object_get_string_member (reply_object (created), "id"));

  assign_path = g_strdup_printf ("/cases/%s/assign", w->case_id);
  assigned = call (f, "POST", assign_path, "ida", "{\"coach\":\"anna\"}");
  assert_status (assigned, SOUP_STATUS_OK);

  conversation = kt_test_server_conversation_json (NULL, w->case_id, 1, SECRET);
  talked = push (f, "anna", conversation, 0);
  assert_status (talked, SOUP_STATUS_CREATED);
  w->conversation_id = g_strdup (json_object_get_string_member (reply_object (talked), "id"));

  plan = kt_test_server_plan_json (NULL, w->case_id, 1, "submitted", SECRET);
  planned = push (f, "anna", plan, 0);
  assert_status (planned, SOUP_STATUS_CREATED);
  w->plan_id = g_strdup (json_object_get_string_member (reply_object (planned), "id"));
}

/* Tests: health and sign-in */

static void
test_health_answers_anyone (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(Reply) reply = call (f, "GET", "/health", NULL, NULL);
  g_autoptr(Reply) ready = call (f, "GET", "/health/ready", NULL, NULL);
  g_autoptr(Reply) live = call (f, "GET", "/health/live", NULL, NULL);

  assert_status (reply, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "database"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "version"), ==, PACKAGE_VERSION);
  assert_status (ready, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (reply_object (ready), "status"), ==, "ok");
  assert_status (live, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (reply_object (live), "status"), ==, "ok");
}

static void
test_login_and_me (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Reply) me = call (f, "GET", "/me", "anna", NULL);
  g_autoptr(Reply) wrong = call (f, "POST", "/login", NULL, "{\"username\":\"anna\",\"password\":\"wrong password\"}");
  g_autoptr(Reply) nobody = call (f, "POST", "/login", NULL, "{\"username\":\"nobody\",\"password\":\"wrong password\"}");
  g_autoptr(Reply) admin = call (f, "POST", "/login", NULL, "{\"username\":\"adam\",\"password\":\"" PASSWORD "\"}");
  g_autoptr(Reply) anonymous = call (f, "GET", "/me", NULL, NULL);
  g_autoptr(Reply) garbage = call (f, "GET", "/me", "not-a-token", NULL);
  JsonObject *user;

  assert_status (me, SOUP_STATUS_OK);
  user = reply_object (me);
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, "anna");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "wijkcoach");
  g_assert_cmpstr (json_object_get_string_member (user, "team"), ==, "noord");
  g_assert_cmpstr (json_object_get_string_member (user, "display_name"), ==, "Anna de Coach");

  assert_refused (wrong, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  assert_refused (nobody, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  /* the API gives an admin nothing but health */
  assert_refused (admin, SOUP_STATUS_FORBIDDEN, "forbidden");
  assert_refused (anonymous, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  assert_refused (garbage, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
}

static void
test_logout_revokes_the_token (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(Reply) out = call (f, "POST", "/logout", "anna", NULL);
  g_autoptr(Reply) after = call (f, "GET", "/me", "anna", NULL);
  g_autoptr(Reply) other = call (f, "GET", "/me", "bert", NULL);

  assert_status (out, SOUP_STATUS_NO_CONTENT);
  assert_refused (after, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  assert_status (other, SOUP_STATUS_OK);
}

static void
test_admin_commands_revoke_and_disable (Fixture       *f,
                                        gconstpointer  data)
{
  g_autofree char *second = login (f, "anna", PASSWORD);
  g_autoptr(Reply) before = call (f, "GET", "/me", second, NULL);
  g_autoptr(Reply) revoked = NULL;
  g_autoptr(Reply) revoked2 = NULL;
  g_autoptr(Reply) disabled = NULL;
  g_autoptr(Reply) disabled_login = NULL;
  g_autoptr(Reply) changed = NULL;
  g_autofree char *out = NULL;

  assert_status (before, SOUP_STATUS_OK);
  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "token", "revoke", "anna", NULL },
                                         NULL, &out), ==, 0);
  g_assert_nonnull (strstr (out, "2"));
  revoked = call (f, "GET", "/me", "anna", NULL);
  revoked2 = call (f, "GET", "/me", second, NULL);
  assert_refused (revoked, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  assert_refused (revoked2, SOUP_STATUS_UNAUTHORIZED, "unauthorized");

  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "user", "disable", "bert", NULL },
                                         NULL, NULL), ==, 0);
  disabled = call (f, "GET", "/me", "bert", NULL);
  assert_refused (disabled, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  disabled_login = call (f, "POST", "/login", NULL, "{\"username\":\"bert\",\"password\":\"" PASSWORD "\"}");
  assert_refused (disabled_login, SOUP_STATUS_UNAUTHORIZED, "unauthorized");

  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "user", "passwd", "ida", NULL },
                                         "a new password\n", NULL), ==, 0);
  changed = call (f, "GET", "/me", "ida", NULL);
  assert_refused (changed, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  g_free (login (f, "ida", "a new password"));
}

static void
test_expired_token_is_refused (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(Reply) fresh = call (f, "GET", "/me", "anna", NULL);
  g_autoptr(Reply) stale = NULL;

  assert_status (fresh, SOUP_STATUS_OK);
  g_usleep (2100 * G_TIME_SPAN_MILLISECOND);
  stale = call (f, "GET", "/me", "anna", NULL);
  assert_refused (stale, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
}

static void
test_login_attempts_are_limited_per_account (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(Reply) limited = NULL;
  g_autoptr(Reply) right_but_limited = NULL;
  g_autoptr(Reply) other = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(Reply) wrong = call (f, "POST", "/login", NULL, "{\"username\":\"anna\",\"password\":\"guess guess\"}");
      assert_refused (wrong, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
    }
  limited = call (f, "POST", "/login", NULL, "{\"username\":\"anna\",\"password\":\"guess guess\"}");
  assert_refused (limited, 429, "rate_limited");
  g_assert_nonnull (limited->retry_after);
  g_assert_cmpint (atoi (limited->retry_after), >, 0);
  right_but_limited = call (f, "POST", "/login", NULL, "{\"username\":\"anna\",\"password\":\"" PASSWORD "\"}");
  assert_refused (right_but_limited, 429, "rate_limited");
  /* another account is not affected */
  other = call (f, "POST", "/login", NULL, "{\"username\":\"bert\",\"password\":\"" PASSWORD "\"}");
  assert_status (other, SOUP_STATUS_OK);
}

static void
test_login_attempts_are_limited_per_address (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(Reply) limited = NULL;

  /* fixture set-up signed in 8 accounts, which does not count; the limit
   * is 10 failures, for any accounts */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"username\":\"zoe%u\",\"password\":\"guess guess\"}", i);
      g_autoptr(Reply) wrong = call (f, "POST", "/login", NULL, body);
      assert_refused (wrong, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
    }
  limited = call (f, "POST", "/login", NULL, "{\"username\":\"zara\",\"password\":\"" PASSWORD "\"}");
  assert_refused (limited, 429, "rate_limited");
  g_assert_nonnull (limited->retry_after);
}

/* Tests: the role × team matrix */

typedef struct {
  const char *user;
  guint       status;   /* 200 or the refusal */
} Expect;

static void
check_get (Fixture      *f,
           const char   *id,
           const Expect *expect)
{
  g_autofree char *path = g_strconcat ("/records/", id, NULL);

  for (guint i = 0; expect[i].user != NULL; i++)
    {
      g_autoptr(Reply) reply = call (f, "GET", path, expect[i].user, NULL);

      if (expect[i].status == SOUP_STATUS_OK)
        {
          assert_status (reply, SOUP_STATUS_OK);
          g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "id"), ==, id);
          g_assert_nonnull (strstr (reply->text, SECRET));
        }
      else
        {
          if (reply->status != expect[i].status)
            g_error ("%s reading %s: expected %u, got %u", expect[i].user, path, expect[i].status, reply->status);
          assert_refused (reply, expect[i].status, expect[i].status == 404 ? "not_found" : "forbidden");
        }
    }
}

static void
test_matrix_reads (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(World) w = { 0, };
  const Expect case_readers[] = {
    { "anna", 200 }, { "bert", 403 }, { "ida", 200 }, { "ilse", 403 }, { "sara", 200 },
    { "zoe", 404 }, { "zeno", 404 }, { "zara", 404 }, { NULL }
  };
  const Expect content_readers[] = {
    { "anna", 200 }, { "bert", 403 }, { "ida", 403 }, { "ilse", 403 }, { "sara", 200 },
    { "zoe", 404 }, { "zeno", 404 }, { "zara", 404 }, { NULL }
  };
  g_autoptr(Reply) missing = call (f, "GET", "/records/3f9c1b7e-0000-4000-8000-000000000000", "sara", NULL);

  build_world (f, &w);
  check_get (f, w.case_id, case_readers);
  check_get (f, w.conversation_id, content_readers);
  check_get (f, w.plan_id, content_readers);
  /* a record that does not exist answers like another team's */
  assert_refused (missing, SOUP_STATUS_NOT_FOUND, "not_found");
}

static char *pull_from (Fixture *f, const char *user, char **cursor);
static guint audit_lines (const char *audit, ...) G_GNUC_NULL_TERMINATED;
static void assert_pull (Fixture *f, const char *user, char **cursor, const char *kinds);

/* The kinds in a /changes answer from the start, in order, joined by spaces
 * (transfer full). */
static char *
changes_of (Fixture    *f,
            const char *user)
{
  g_autofree char *cursor = g_strdup ("");

  return pull_from (f, user, &cursor);
}

static void
assert_changes (Fixture    *f,
                const char *user,
                const char *kinds)
{
  g_autofree char *cursor = g_strdup ("");

  assert_pull (f, user, &cursor, kinds);
}

static void
test_matrix_changes (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(World) w = { 0, };

  build_world (f, &w);
  assert_changes (f, "anna", "case conversation plan");
  assert_changes (f, "bert", "");
  assert_changes (f, "ida", "case");
  assert_changes (f, "ilse", "");
  assert_changes (f, "sara", "case conversation plan");
  assert_changes (f, "zoe", "");
  assert_changes (f, "zeno", "");
  assert_changes (f, "zara", "");
}

static void
test_matrix_writes (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *case_v2 = NULL;
  g_autofree char *conversation_v2 = NULL;
  const char *case_writers[] = { "ida", "anna" };
  const Expect case_refused[] = {
    { "bert", 403 }, { "ilse", 403 }, { "sara", 403 }, { "zoe", 404 }, { "zeno", 404 }, { "zara", 403 }, { NULL }
  };
  const Expect content_refused[] = {
    { "bert", 403 }, { "ida", 403 }, { "ilse", 403 }, { "sara", 403 }, { "zoe", 404 }, { "zeno", 404 }, { "zara", 403 }, { NULL }
  };
  gint64 rev = 2;

  build_world (f, &w);

  /* the author and the assigned coach update the case in turn */
  for (guint i = 0; i < G_N_ELEMENTS (case_writers); i++, rev++)
    {
      g_autofree char *body = kt_test_server_case_json (w.case_id, rev + 1, SECRET, "anna");
      g_autoptr(Reply) reply = push (f, case_writers[i], body, rev);

      assert_status (reply, SOUP_STATUS_OK);
      g_assert_cmpint (record_rev (reply), ==, rev + 1);
      /* the author stays the one who registered it */
      g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "author"), ==, "ida");
    }

  case_v2 = kt_test_server_case_json (w.case_id, rev + 1, SECRET, "anna");
  conversation_v2 = kt_test_server_conversation_json (w.conversation_id, w.case_id, 2, SECRET);
  for (guint i = 0; case_refused[i].user != NULL; i++)
    {
      g_autoptr(Reply) reply = push (f, case_refused[i].user, case_v2, rev);
      assert_refused (reply, case_refused[i].status, case_refused[i].status == 404 ? "not_found" : "forbidden");
    }
  for (guint i = 0; content_refused[i].user != NULL; i++)
    {
      g_autoptr(Reply) reply = push (f, content_refused[i].user, conversation_v2, 1);
      assert_refused (reply, content_refused[i].status, content_refused[i].status == 404 ? "not_found" : "forbidden");
    }

  /* a coach starts a case only as its own coach (a household started with
   * "+"), and no conversation on a case not theirs */
  {
    g_autofree char *new_case = kt_test_server_case_json (NULL, 1, SECRET, NULL);
    g_autofree char *for_bert = kt_test_server_case_json (NULL, 1, SECRET, "bert");
    g_autofree char *own_case = kt_test_server_case_json (NULL, 1, SECRET, "anna");
    g_autofree char *foreign = kt_test_server_conversation_json (NULL, w.case_id, 1, SECRET);
    g_autoptr(Reply) coach_case = push (f, "anna", new_case, 0);
    g_autoptr(Reply) bert_case = push (f, "anna", for_bert, 0);
    g_autoptr(Reply) anna_case = push (f, "anna", own_case, 0);
    g_autoptr(Reply) bert_conversation = push (f, "bert", foreign, 0);
    g_autoptr(Reply) zoe_conversation = push (f, "zoe", foreign, 0);

    assert_refused (coach_case, SOUP_STATUS_FORBIDDEN, "forbidden");
    g_assert_cmpstr (error_field (coach_case), ==, "coach");
    assert_refused (bert_case, SOUP_STATUS_FORBIDDEN, "forbidden");
    g_assert_cmpstr (error_field (bert_case), ==, "coach");
    assert_status (anna_case, SOUP_STATUS_CREATED);
    g_assert_cmpstr (json_object_get_string_member (reply_object (anna_case), "author"), ==, "anna");
    g_assert_cmpstr (json_object_get_string_member (reply_object (anna_case), "team"), ==, "noord");
    assert_refused (bert_conversation, SOUP_STATUS_FORBIDDEN, "forbidden");
    assert_refused (zoe_conversation, SOUP_STATUS_NOT_FOUND, "not_found");
  }

  /* nobody but an assignment changes the coach, nobody but a review approves */
  {
    g_autofree char *reassigned = kt_test_server_case_json (w.case_id, rev + 1, SECRET, "bert");
    g_autofree char *approved = kt_test_server_plan_json (w.plan_id, w.case_id, 2, "approved", SECRET);
    g_autoptr(Reply) steal = push (f, "anna", reassigned, rev);
    g_autoptr(Reply) self_approve = push (f, "anna", approved, 1);

    assert_refused (steal, SOUP_STATUS_FORBIDDEN, "forbidden");
    g_assert_cmpstr (error_field (steal), ==, "coach");
    /* the plan waits for its review: the coach changes nothing of it (a
     * draft approved by its coach: review/state-stays-the-servers) */
    assert_locked (self_approve, 1);
  }
}

static void
test_matrix_assign (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *path = NULL;
  const Expect refused[] = {
    { "anna", 403 }, { "bert", 403 }, { "sara", 403 }, { "zoe", 404 }, { "zeno", 404 }, { "zara", 404 }, { NULL }
  };
  g_autoptr(Reply) by_other_intaker = NULL;
  g_autoptr(Reply) to_other_team = NULL;
  g_autoptr(Reply) to_intaker = NULL;
  g_autoptr(Reply) to_nobody = NULL;
  g_autofree char *audit = NULL;

  build_world (f, &w);
  path = g_strdup_printf ("/cases/%s/assign", w.case_id);
  for (guint i = 0; refused[i].user != NULL; i++)
    {
      g_autoptr(Reply) reply = call (f, "POST", path, refused[i].user, "{\"coach\":\"bert\"}");
      assert_refused (reply, refused[i].status, refused[i].status == 404 ? "not_found" : "forbidden");
    }

  /* any intaker of the team may assign, to a coach of the team only */
  to_other_team = call (f, "POST", path, "ilse", "{\"coach\":\"zoe\"}");
  assert_refused (to_other_team, SOUP_STATUS_BAD_REQUEST, "bad_request");
  g_assert_cmpstr (error_field (to_other_team), ==, "coach");
  to_intaker = call (f, "POST", path, "ilse", "{\"coach\":\"ida\"}");
  assert_refused (to_intaker, SOUP_STATUS_BAD_REQUEST, "bad_request");
  to_nobody = call (f, "POST", path, "ilse", "{\"coach\":\"nobody\"}");
  assert_refused (to_nobody, SOUP_STATUS_BAD_REQUEST, "bad_request");

  by_other_intaker = call (f, "POST", path, "ilse", "{\"coach\":\"bert\"}");
  assert_status (by_other_intaker, SOUP_STATUS_OK);
  g_assert_cmpint (record_rev (by_other_intaker), ==, 3);
  /* the case first, then what it holds, resent to its new coach */
  assert_changes (f, "bert", "case conversation plan");
  assert_changes (f, "anna", "");

  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "audit", NULL }, NULL, &audit), ==, 0);
  g_assert_nonnull (strstr (audit, "ilse\tassign\tcase"));
  g_assert_nonnull (strstr (audit, "coach=bert"));
  g_assert_null (strstr (audit, SECRET));
}

/* The kinds pulled by @user after *@cursor, joined by spaces; moves
 * *@cursor on (transfer full). */
static char *
pull_from (Fixture    *f,
           const char *user,
           char      **cursor)
{
  g_autofree char *path = g_strdup_printf ("/changes?since=%s", *cursor);
  g_autoptr(Reply) reply = call (f, "GET", path, user, NULL);
  g_autoptr(GString) kinds = g_string_new (NULL);
  JsonArray *records;

  assert_status (reply, SOUP_STATUS_OK);
  g_assert_false (json_object_get_boolean_member (reply_object (reply), "more"));
  records = json_object_get_array_member (reply_object (reply), "records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    g_string_append_printf (kinds, "%s%s", i > 0 ? " " : "",
                            json_object_get_string_member (json_array_get_object_element (records, i), "kind"));
  if (kinds->len == 0)
    g_assert_null (strstr (reply->text, SECRET));
  g_free (*cursor);
  *cursor = g_strdup (json_object_get_string_member (reply_object (reply), "cursor"));
  return g_strdup (kinds->str);
}

static void
assert_pull (Fixture    *f,
             const char *user,
             char      **cursor,
             const char *kinds)
{
  g_autofree char *seen = pull_from (f, user, cursor);

  if (g_strcmp0 (seen, kinds) != 0)
    g_error ("%s pulls [%s], expected [%s]", user, seen, kinds);
}

static void
test_matrix_reassign_sends_the_documents (Fixture       *f,
                                          gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *other_case = kt_test_server_case_json (NULL, 1, SECRET, NULL);
  g_autofree char *other_id = kt_test_server_json_id (other_case);
  g_autofree char *bert_cursor = g_strdup ("");
  g_autofree char *anna_cursor = g_strdup ("");
  g_autofree char *sara_cursor = g_strdup ("");
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) assigned = NULL;
  g_autoptr(Reply) reassigned = NULL;
  g_autoptr(Reply) plan_again = NULL;
  const Expect now_bert[] = { { "bert", 200 }, { "anna", 403 }, { NULL } };

  /* anna holds the case, its conversation and plan; bert has pulled
   * another case assigned to him after all of that */
  build_world (f, &w);
  assert_pull (f, "anna", &anna_cursor, "case conversation plan");
  assert_pull (f, "sara", &sara_cursor, "case conversation plan");
  created = push (f, "ida", other_case, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  assigned = call_on (f, "POST", "/cases/", other_id, "/assign", "ida", "{\"coach\":\"bert\"}");
  assert_status (assigned, SOUP_STATUS_OK);
  assert_pull (f, "bert", &bert_cursor, "case");

  reassigned = call_on (f, "POST", "/cases/", w.case_id, "/assign", "ida", "{\"coach\":\"bert\"}");
  assert_status (reassigned, SOUP_STATUS_OK);

  /* bert's next pull brings the case and what it holds, the case first */
  assert_pull (f, "bert", &bert_cursor, "case conversation plan");
  assert_pull (f, "bert", &bert_cursor, "");
  /* the same revisions, resent: nothing in them changed */
  plan_again = call_on (f, "GET", "/records/", w.plan_id, "", "bert", NULL);
  assert_status (plan_again, SOUP_STATUS_OK);
  g_assert_cmpint (record_rev (plan_again), ==, 1);

  /* anna reads none of it any more, and pulls nothing */
  check_get (f, w.case_id, now_bert);
  check_get (f, w.conversation_id, now_bert);
  check_get (f, w.plan_id, now_bert);
  assert_pull (f, "anna", &anna_cursor, "");
  assert_changes (f, "anna", "");
  /* the supervisor pulls the team's records as before: bert's other case,
   * then anna's, resent */
  assert_pull (f, "sara", &sara_cursor, "case case conversation plan");
}

static void
test_matrix_team_and_plans (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autoptr(Reply) ida_coaches = NULL;
  g_autoptr(Reply) zeno_coaches = NULL;
  g_autoptr(Reply) anna_coaches = NULL;
  g_autoptr(Reply) sara_plans = NULL;
  g_autoptr(Reply) zara_plans = NULL;
  g_autoptr(Reply) anna_plans = NULL;
  g_autoptr(Reply) ida_plans = NULL;
  g_autoptr(Reply) bad_state = NULL;
  JsonArray *coaches;

  build_world (f, &w);

  ida_coaches = call (f, "GET", "/team/coaches", "ida", NULL);
  assert_status (ida_coaches, SOUP_STATUS_OK);
  coaches = json_object_get_array_member (reply_object (ida_coaches), "coaches");
  g_assert_cmpuint (json_array_get_length (coaches), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (coaches, 0), "username"), ==, "anna");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (coaches, 0), "caseload"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (coaches, 1), "caseload"), ==, 0);
  zeno_coaches = call (f, "GET", "/team/coaches", "zeno", NULL);
  assert_status (zeno_coaches, SOUP_STATUS_OK);
  g_assert_null (strstr (zeno_coaches->text, "anna"));
  anna_coaches = call (f, "GET", "/team/coaches", "anna", NULL);
  assert_refused (anna_coaches, SOUP_STATUS_FORBIDDEN, "forbidden");

  sara_plans = call (f, "GET", "/plans?state=submitted", "sara", NULL);
  assert_status (sara_plans, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (sara_plans), "records")), ==, 1);
  g_assert_nonnull (strstr (sara_plans->text, w.plan_id));
  zara_plans = call (f, "GET", "/plans?state=submitted", "zara", NULL);
  assert_status (zara_plans, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (zara_plans), "records")), ==, 0);
  g_assert_null (strstr (zara_plans->text, SECRET));
  anna_plans = call (f, "GET", "/plans?state=submitted", "anna", NULL);
  assert_refused (anna_plans, SOUP_STATUS_FORBIDDEN, "forbidden");
  ida_plans = call (f, "GET", "/plans?state=submitted", "ida", NULL);
  assert_refused (ida_plans, SOUP_STATUS_FORBIDDEN, "forbidden");
  bad_state = call (f, "GET", "/plans?state=submitted'%20OR%20'1'='1", "sara", NULL);
  assert_refused (bad_state, SOUP_STATUS_BAD_REQUEST, "bad_request");
}

static void
test_matrix_review (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *path = NULL;
  g_autofree char *review = NULL;
  g_autofree char *audit = NULL;
  const Expect refused[] = {
    { "anna", 403 }, { "bert", 403 }, { "ida", 403 }, { "zoe", 404 }, { "zeno", 404 }, { "zara", 404 }, { NULL }
  };
  g_autoptr(Reply) stale = NULL;
  g_autoptr(Reply) done = NULL;
  g_autoptr(Reply) again = NULL;
  g_autoptr(Reply) anna_reads = NULL;
  const char *silent_returns[] = {
    "{\"rev\":1,\"decision\":\"return\"}",
    "{\"rev\":1,\"decision\":\"return\",\"comment\":null}",
    "{\"rev\":1,\"decision\":\"return\",\"comment\":\"\"}",
    "{\"rev\":1,\"decision\":\"return\",\"comment\":\" \\n\\t\"}",
    "{\"rev\":1,\"decision\":\"return\",\"comment\":\"\",\"goal_comments\":[{\"goal_id\":\"" GOAL_ID "\",\"text\":\"  \"}]}",
  };
  JsonObject *body;

  build_world (f, &w);
  path = g_strdup_printf ("/plans/%s/review", w.plan_id);
  review = g_strdup ("{\"rev\":1,\"decision\":\"return\",\"comment\":\"Wie betaalt de huur?\","
                     "\"goal_comments\":[{\"goal_id\":\"" GOAL_ID "\",\"text\":\"Maak het kleiner.\"}]}");
  for (guint i = 0; refused[i].user != NULL; i++)
    {
      g_autoptr(Reply) reply = call (f, "POST", path, refused[i].user, review);
      assert_refused (reply, refused[i].status, refused[i].status == 404 ? "not_found" : "forbidden");
    }

  stale = call (f, "POST", path, "sara", "{\"rev\":7,\"decision\":\"approve\"}");
  assert_status (stale, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (error_code (stale), ==, "conflict");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (reply_object (stale), "server"), "rev"), ==, 1);

  /* a return tells the coach why: no comment, or only blank ones, is refused */
  for (guint i = 0; i < G_N_ELEMENTS (silent_returns); i++)
    {
      g_autoptr(Reply) reply = call (f, "POST", path, "sara", silent_returns[i]);

      assert_refused (reply, SOUP_STATUS_BAD_REQUEST, "bad_request");
      if (g_strcmp0 (error_field (reply), "comment") != 0)
        g_error ("%s: field %s, expected comment", silent_returns[i], error_field (reply));
    }

  done = call (f, "POST", path, "sara", review);
  assert_status (done, SOUP_STATUS_OK);
  g_assert_cmpint (record_rev (done), ==, 2);
  body = json_object_get_object_member (reply_object (done), "body");
  g_assert_cmpint (json_object_get_int_member (body, "rev"), ==, 2);
  g_assert_cmpstr (kt_test_server_plan_review (body), ==, "returned");
  g_assert_nonnull (strstr (done->text, "Wie betaalt de huur?"));
  g_assert_nonnull (strstr (done->text, "Maak het kleiner."));

  /* a returned plan waits for a new submission */
  again = call (f, "POST", path, "sara", "{\"rev\":2,\"decision\":\"approve\"}");
  assert_status (again, SOUP_STATUS_CONFLICT);

  /* the coach pulls the review result */
  anna_reads = call_on (f, "GET", "/records/", w.plan_id, "", "anna", NULL);
  assert_status (anna_reads, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (anna_reads->text, "Maak het kleiner."));

  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "audit", NULL }, NULL, &audit), ==, 0);
  g_assert_nonnull (strstr (audit, "sara\treview\tplan"));
  g_assert_nonnull (strstr (audit, "decision=return"));
  g_assert_null (strstr (audit, SECRET));
  g_assert_null (strstr (audit, "Wie betaalt"));
}

static void
test_plan_reads_by_others_are_audited (Fixture       *f,
                                       gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *path = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *since_future = NULL;
  g_autoptr(Reply) by_author = NULL;
  g_autoptr(Reply) by_supervisor = NULL;

  build_world (f, &w);
  path = g_strconcat ("/records/", w.plan_id, NULL);
  by_author = call (f, "GET", path, "anna", NULL);
  assert_status (by_author, SOUP_STATUS_OK);
  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "audit", NULL }, NULL, &audit), ==, 0);
  g_assert_null (strstr (audit, "\tread\t"));
  g_clear_pointer (&audit, g_free);

  by_supervisor = call (f, "GET", path, "sara", NULL);
  assert_status (by_supervisor, SOUP_STATUS_OK);
  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "audit", NULL }, NULL, &audit), ==, 0);
  g_assert_nonnull (strstr (audit, "sara\tread\tplan"));
  g_assert_nonnull (strstr (audit, w.plan_id));
  g_clear_pointer (&audit, g_free);

  /* pulling changes is reading too */
  g_free (changes_of (f, "sara"));
  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "audit", "--since", "2000-01-01", NULL },
                                         NULL, &audit), ==, 0);
  g_assert_cmpuint (audit_lines (audit, "\tsara\tread\tplan\t", NULL), ==, 2);
  g_clear_pointer (&audit, g_free);

  since_future = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "audit", "--since", since_future, NULL },
                                         NULL, &audit), ==, 0);
  g_assert_cmpstr (audit, ==, "");
}

/* Who read the plan, for the resident (AVG art. 15): the case's own coach
 * gets the reads of that case's records; anyone else gets 404, as if the
 * case were not there. */
static void
test_case_audit_is_its_coachs_alone (Fixture       *f,
                                     gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_auto(World) other = { 0, };
  g_autoptr(Reply) read = NULL;
  g_autoptr(Reply) mine = NULL;
  JsonArray *reads;
  gboolean sara_read_plan = FALSE;
  /* (admin accounts cannot sign in to the API) */
  const char * const strangers[] = { "bert", "ida", "sara", "zoe", "zeno", "zara" };

  build_world (f, &w);
  build_world (f, &other);
  read = call_on (f, "GET", "/records/", w.plan_id, "", "sara", NULL);
  assert_status (read, SOUP_STATUS_OK);
  g_clear_pointer (&read, reply_free);
  read = call_on (f, "GET", "/records/", other.plan_id, "", "sara", NULL);
  assert_status (read, SOUP_STATUS_OK);

  mine = call_on (f, "GET", "/cases/", w.case_id, "/audit", "anna", NULL);
  assert_status (mine, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (reply_object (mine), "case_id"), ==, w.case_id);
  reads = json_object_get_array_member (reply_object (mine), "reads");
  g_assert_cmpuint (json_array_get_length (reads), >, 0);
  for (guint i = 0; i < json_array_get_length (reads); i++)
    {
      JsonObject *entry = json_array_get_object_element (reads, i);
      const char *record = json_object_get_string_member (entry, "record_id");

      /* only this case's records: never the other household's plan */
      g_assert_true (g_str_equal (record, w.case_id) || g_str_equal (record, w.plan_id) ||
                     g_str_equal (record, w.conversation_id));
      g_assert_cmpint (json_object_get_int_member (entry, "at"), >, 0);
      if (g_str_equal (record, w.plan_id) && g_strcmp0 (json_object_get_string_member (entry, "username"), "sara") == 0)
        {
          sara_read_plan = TRUE;
          g_assert_cmpstr (json_object_get_string_member (entry, "kind"), ==, "plan");
          g_assert_cmpstr (json_object_get_string_member (entry, "role"), ==, "supervisor");
        }
    }
  g_assert_true (sara_read_plan);
  g_assert_null (strstr (mine->text, SECRET));

  /* anyone else: another coach, the intaker and supervisor of the team,
   * another team */
  for (guint i = 0; i < G_N_ELEMENTS (strangers); i++)
    {
      g_autoptr(Reply) denied = call_on (f, "GET", "/cases/", w.case_id, "/audit", strangers[i], NULL);

      assert_status (denied, SOUP_STATUS_NOT_FOUND);
      g_assert_null (strstr (denied->text, "sara"));
    }
  /* a plan is not a case; no sign-in is no answer */
  {
    g_autoptr(Reply) plan = call_on (f, "GET", "/cases/", w.plan_id, "/audit", "anna", NULL);
    g_autoptr(Reply) anonymous = call_on (f, "GET", "/cases/", w.case_id, "/audit", NULL, NULL);

    assert_status (plan, SOUP_STATUS_NOT_FOUND);
    assert_status (anonymous, SOUP_STATUS_UNAUTHORIZED);
  }
}

/* Tests: the server owns the review */

/* The document of record @id as @user reads it (transfer full). */
static char *
server_body (Fixture    *f,
             const char *user,
             const char *id)
{
  g_autoptr(Reply) reply = call_on (f, "GET", "/records/", id, "", user, NULL);
  g_autoptr(JsonNode) body = NULL;

  assert_status (reply, SOUP_STATUS_OK);
  body = json_node_copy (json_object_get_member (reply_object (reply), "body"));
  return json_to_string (body, FALSE);
}

/* The review state of plan @id on the server, as its coach reads it. */
static char *
server_review (Fixture    *f,
               const char *id)
{
  g_autofree char *body = server_body (f, "anna", id);
  g_autoptr(JsonNode) node = json_from_string (body, NULL);

  return g_strdup (kt_test_server_plan_review (json_node_get_object (node)));
}

/* @json (a plan document) at @rev with @name set to @value (transfer full). */
static char *
plan_at (const char *json,
         gint64      rev,
         const char *name,
         const char *value)
{
  g_autofree char *rev_text = g_strdup_printf ("%" G_GINT64_FORMAT, rev);
  g_autofree char *moved = patch_member (json, NULL, "rev", rev_text);

  return name != NULL ? patch_member (moved, NULL, name, value) : g_steal_pointer (&moved);
}

static void
approve (Fixture    *f,
         const char *plan_id,
         gint64      rev)
{
  g_autofree char *review = g_strdup_printf ("{\"rev\":%" G_GINT64_FORMAT ",\"decision\":\"approve\"}", rev);
  g_autoptr(Reply) reply = call_on (f, "POST", "/plans/", plan_id, "/review", "sara", review);

  assert_status (reply, SOUP_STATUS_OK);
}

static void
test_review_approved_plan_refuses_changes (Fixture       *f,
                                           gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *submitted = NULL;
  g_autofree char *approved = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *withdrawn = NULL;
  g_autofree char *unchanged = NULL;
  g_autofree char *review = NULL;
  g_autoptr(Reply) while_submitted = NULL;
  g_autoptr(Reply) after_approval = NULL;
  g_autoptr(Reply) back_to_draft = NULL;
  g_autoptr(Reply) same_again = NULL;

  build_world (f, &w);
  submitted = server_body (f, "anna", w.plan_id);
  changed = plan_at (submitted, 2, "question", "\"Een andere vraag\"");
  while_submitted = push (f, "anna", changed, 1);
  assert_locked (while_submitted, 1);

  approve (f, w.plan_id, 1);
  approved = server_body (f, "anna", w.plan_id);
  g_clear_pointer (&changed, g_free);
  changed = plan_at (approved, 3, "question", "\"Een andere vraag\"");
  after_approval = push (f, "anna", changed, 2);
  assert_locked (after_approval, 2);
  /* the same record cannot go back to draft either: a new version is a new record */
  withdrawn = plan_at (approved, 3, "review", "\"draft\"");
  back_to_draft = push (f, "anna", withdrawn, 2);
  assert_locked (back_to_draft, 2);

  review = server_review (f, w.plan_id);
  g_assert_cmpstr (review, ==, "approved");
  g_free (approved);
  approved = server_body (f, "anna", w.plan_id);
  g_assert_null (strstr (approved, "Een andere vraag"));
  /* what changes nothing is still taken */
  unchanged = plan_at (approved, 3, NULL, NULL);
  same_again = push (f, "anna", unchanged, 2);
  assert_status (same_again, SOUP_STATUS_OK);
}

static void
test_review_state_stays_the_servers (Fixture       *f,
                                     gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *draft = NULL;
  g_autofree char *self_approved = NULL;
  g_autofree char *self_returned = NULL;
  g_autofree char *new_approved = NULL;
  g_autofree char *review = NULL;
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) approved = NULL;
  g_autoptr(Reply) returned = NULL;
  g_autoptr(Reply) born_approved = NULL;
  char *id;

  build_world (f, &w);
  draft = kt_test_server_plan_json (NULL, w.case_id, 1, "draft", SECRET);
  id = kt_test_server_json_id (draft);
  created = push (f, "anna", draft, 0);
  assert_status (created, SOUP_STATUS_CREATED);

  self_approved = plan_at (draft, 2, "review", "\"approved\"");
  approved = push (f, "anna", self_approved, 1);
  assert_refused (approved, SOUP_STATUS_FORBIDDEN, "forbidden");
  g_assert_cmpstr (error_field (approved), ==, "review");
  self_returned = plan_at (draft, 2, "review", "\"returned\"");
  returned = push (f, "anna", self_returned, 1);
  assert_refused (returned, SOUP_STATUS_FORBIDDEN, "forbidden");
  review = server_review (f, id);
  g_assert_cmpstr (review, ==, "draft");

  new_approved = kt_test_server_plan_json (NULL, w.case_id, 1, "approved", SECRET);
  born_approved = push (f, "anna", new_approved, 0);
  assert_refused (born_approved, SOUP_STATUS_FORBIDDEN, "forbidden");
  g_assert_cmpstr (error_field (born_approved), ==, "review");
  g_free (id);
}

static void
test_review_comments_are_the_supervisors (Fixture       *f,
                                          gconstpointer  data)
{
  g_auto(World) w = { 0, };
  const char *forged_comment = "[{\"goal_id\":null,\"author\":\"sara\",\"text\":\"Goedgekeurd.\",\"at\":1764064800}]";
  g_autofree char *draft = NULL;
  g_autofree char *with_comment = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *with_reviewer = NULL;
  g_autofree char *returned = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *edited_body = NULL;
  g_autofree char *dropped = NULL;
  g_autofree char *resubmitted = NULL;
  g_autoptr(Reply) born_commented = NULL;
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) commented = NULL;
  g_autoptr(Reply) reviewed = NULL;
  g_autoptr(Reply) returned_reply = NULL;
  g_autoptr(Reply) edit = NULL;
  g_autoptr(Reply) drop = NULL;
  g_autoptr(Reply) resubmit = NULL;

  build_world (f, &w);
  draft = kt_test_server_plan_json (NULL, w.case_id, 1, "draft", SECRET);
  with_comment = plan_at (draft, 1, "comments", forged_comment);
  born_commented = push (f, "anna", with_comment, 0);
  assert_refused (born_commented, SOUP_STATUS_FORBIDDEN, "forbidden");
  g_assert_cmpstr (error_field (born_commented), ==, "comments");

  created = push (f, "anna", draft, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  g_free (with_comment);
  with_comment = plan_at (draft, 2, "comments", forged_comment);
  commented = push (f, "anna", with_comment, 1);
  assert_refused (commented, SOUP_STATUS_FORBIDDEN, "forbidden");
  g_assert_cmpstr (error_field (commented), ==, "comments");
  with_reviewer = plan_at (draft, 2, "reviewer", "\"sara\"");
  reviewed = push (f, "anna", with_reviewer, 1);
  assert_refused (reviewed, SOUP_STATUS_FORBIDDEN, "forbidden");
  g_assert_cmpstr (error_field (reviewed), ==, "reviewer");
  kept = server_body (f, "anna", json_object_get_string_member (reply_object (created), "id"));
  g_assert_null (strstr (kept, "Goedgekeurd."));

  /* a returned plan keeps the supervisor's comments while the coach edits it and submits it again */
  returned_reply = call_on (f, "POST", "/plans/", w.plan_id, "/review", "sara",
                            "{\"rev\":1,\"decision\":\"return\",\"comment\":\"Wie betaalt de huur?\"}");
  assert_status (returned_reply, SOUP_STATUS_OK);
  returned = server_body (f, "anna", w.plan_id);
  edited = plan_at (returned, 3, "question", "\"Een betere vraag\"");
  edit = push (f, "anna", edited, 2);
  assert_status (edit, SOUP_STATUS_OK);
  edited_body = server_body (f, "anna", w.plan_id);
  dropped = plan_at (edited_body, 4, "comments", "[]");
  drop = push (f, "anna", dropped, 3);
  assert_refused (drop, SOUP_STATUS_FORBIDDEN, "forbidden");
  g_assert_cmpstr (error_field (drop), ==, "comments");
  resubmitted = plan_at (edited_body, 4, "review", "\"submitted\"");
  resubmit = push (f, "anna", resubmitted, 3);
  assert_status (resubmit, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (resubmit->text, "Wie betaalt de huur?"));
}

static void
test_review_new_version_goes_back_to_draft (Fixture       *f,
                                            gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *approved = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) next_bytes = NULL;
  g_autoptr(KtPlan) plan = NULL;
  g_autoptr(KtPlan) next = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next_json = NULL;
  g_autofree char *review = NULL;
  g_autoptr(Reply) created = NULL;

  build_world (f, &w);
  approve (f, w.plan_id, 1);
  approved = server_body (f, "anna", w.plan_id);
  bytes = g_bytes_new (approved, strlen (approved));
  plan = kt_plan_decode (bytes, &error);
  g_assert_no_error (error);

  /* what the plan page's "new version" makes: a new record, a draft */
  next = kt_plan_new_version (plan);
  next->header.rev = 1;
  g_free (next->question);
  next->question = g_strdup ("Een nieuwe versie");
  next_bytes = kt_plan_encode (next);
  next_json = g_strndup (g_bytes_get_data (next_bytes, NULL), g_bytes_get_size (next_bytes));
  created = push (f, "anna", next_json, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  g_assert_cmpstr (kt_test_server_plan_review (json_object_get_object_member (reply_object (created), "body")),
                   ==, "draft");
  review = server_review (f, w.plan_id);
  g_assert_cmpstr (review, ==, "approved");
}

/* The audit log as `audit` prints it, with @filter_name @filter_value when
 * given (transfer full). */
static char *
audit_of (Fixture    *f,
          const char *filter_name,
          const char *filter_value)
{
  const char *args[] = { "audit", filter_name, filter_value, NULL };
  char *out = NULL;

  g_assert_cmpint (kt_test_server_admin (f->server, args, NULL, &out), ==, 0);
  g_assert_null (strstr (out, SECRET));
  return out;
}

/* How many lines of @audit hold every one of the NULL-terminated texts. */
G_GNUC_NULL_TERMINATED
static guint
audit_lines (const char *audit,
             ...)
{
  g_auto(GStrv) lines = g_strsplit (audit, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean all = lines[i][0] != '\0';
      va_list args;

      va_start (args, audit);
      for (const char *text = va_arg (args, const char *); text != NULL; text = va_arg (args, const char *))
        all = all && strstr (lines[i], text) != NULL;
      va_end (args);
      count += all;
    }
  return count;
}

static void
test_audit_reads_of_every_kind_by_others (Fixture       *f,
                                          gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *audit = NULL;
  g_autofree char *of_plan = NULL;
  g_autofree char *by_anna = NULL;
  g_autoptr(Reply) anna_case = NULL;
  g_autoptr(Reply) anna_plan = NULL;
  g_autoptr(Reply) sara_conversation = NULL;

  build_world (f, &w);
  /* the coach reads the case the intaker registered, and her own plan */
  anna_case = call_on (f, "GET", "/records/", w.case_id, "", "anna", NULL);
  assert_status (anna_case, SOUP_STATUS_OK);
  anna_plan = call_on (f, "GET", "/records/", w.plan_id, "", "anna", NULL);
  assert_status (anna_plan, SOUP_STATUS_OK);
  /* the supervisor reads the safety notes of the conversation, and pulls everything */
  sara_conversation = call_on (f, "GET", "/records/", w.conversation_id, "", "sara", NULL);
  assert_status (sara_conversation, SOUP_STATUS_OK);
  g_free (changes_of (f, "sara"));

  audit = audit_of (f, NULL, NULL);
  g_assert_cmpuint (audit_lines (audit, "\tanna\tread\tcase\t", w.case_id, "\tok", NULL), ==, 1);
  g_assert_cmpuint (audit_lines (audit, "\tanna\tread\t", w.plan_id, NULL), ==, 0);
  g_assert_cmpuint (audit_lines (audit, "\tsara\tread\tconversation\t", w.conversation_id, NULL), ==, 2);
  g_assert_cmpuint (audit_lines (audit, "\tsara\tread\tcase\t", w.case_id, NULL), ==, 1);
  g_assert_cmpuint (audit_lines (audit, "\tsara\tread\tplan\t", w.plan_id, NULL), ==, 1);
  /* the intaker reads the case she registered herself: nothing to audit */
  g_free (changes_of (f, "ida"));
  g_free (audit);
  audit = audit_of (f, NULL, NULL);
  g_assert_cmpuint (audit_lines (audit, "\tida\tread\t", NULL), ==, 0);

  of_plan = audit_of (f, "--record", w.plan_id);
  g_assert_cmpuint (audit_lines (of_plan, w.plan_id, NULL), ==, audit_lines (of_plan, "\t", NULL));
  g_assert_cmpuint (audit_lines (of_plan, "\tsara\tread\tplan\t", NULL), ==, 1);
  by_anna = audit_of (f, "--actor", "anna");
  g_assert_cmpuint (audit_lines (by_anna, "\tanna\t", NULL), ==, audit_lines (by_anna, "\t", NULL));
  g_assert_cmpuint (audit_lines (by_anna, "\tanna\tread\tcase\t", NULL), ==, 1);
}

static void
test_audit_a_long_pull_is_one_entry_per_record (Fixture       *f,
                                                gconstpointer  data)
{
  g_autofree char *audit = NULL;
  g_autoptr(Reply) page = NULL;
  const guint n = 37;   /* 32 + 4 + 1: several batches in one transaction */

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *kase = kt_test_server_case_json (NULL, 1, SECRET, NULL);
      g_autoptr(Reply) created = push (f, "ida", kase, 0);

      assert_status (created, SOUP_STATUS_CREATED);
    }
  page = call (f, "GET", "/changes?since=0&limit=500", "sara", NULL);
  assert_status (page, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (page), "records")), ==, n);
  audit = audit_of (f, "--actor", "sara");
  g_assert_cmpuint (audit_lines (audit, "\tsara\tread\tcase\t", "\tok", NULL), ==, n);
}

static void
test_audit_refusals_on_records (Fixture       *f,
                                gconstpointer  data)
{
  g_auto(World) w = { 0, };
  const char *nowhere = "3f9c1b7e-0000-4000-8000-000000000000";
  g_autofree char *audit = NULL;
  g_autofree char *by_bert = NULL;
  g_autofree char *plan = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *conversation = NULL;
  g_autoptr(Reply) bert_reads = NULL;
  g_autoptr(Reply) zoe_reads = NULL;
  g_autoptr(Reply) nobody_reads = NULL;
  g_autoptr(Reply) sara_misses = NULL;
  g_autoptr(Reply) bert_writes = NULL;
  g_autoptr(Reply) anna_assigns = NULL;
  g_autoptr(Reply) anna_changes = NULL;
  g_autoptr(Reply) anna_stale = NULL;
  g_autoptr(Reply) not_an_id = NULL;

  build_world (f, &w);
  bert_reads = call_on (f, "GET", "/records/", w.plan_id, "", "bert", NULL);
  assert_refused (bert_reads, SOUP_STATUS_FORBIDDEN, "forbidden");
  zoe_reads = call_on (f, "GET", "/records/", w.case_id, "", "zoe", NULL);
  assert_refused (zoe_reads, SOUP_STATUS_NOT_FOUND, "not_found");
  nobody_reads = call_on (f, "GET", "/records/", w.conversation_id, "", "not-a-token", NULL);
  assert_refused (nobody_reads, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  sara_misses = call_on (f, "GET", "/records/", nowhere, "", "sara", NULL);
  assert_refused (sara_misses, SOUP_STATUS_NOT_FOUND, "not_found");
  not_an_id = call_on (f, "GET", "/records/", "not-an-id", "", "sara", NULL);
  assert_refused (not_an_id, SOUP_STATUS_NOT_FOUND, "not_found");
  conversation = kt_test_server_conversation_json (w.conversation_id, w.case_id, 2, SECRET);
  bert_writes = push (f, "bert", conversation, 1);
  assert_refused (bert_writes, SOUP_STATUS_FORBIDDEN, "forbidden");
  anna_assigns = call_on (f, "POST", "/cases/", w.case_id, "/assign", "anna", "{\"coach\":\"bert\"}");
  assert_refused (anna_assigns, SOUP_STATUS_FORBIDDEN, "forbidden");
  plan = server_body (f, "anna", w.plan_id);
  changed = plan_at (plan, 2, "question", "\"Een andere vraag\"");
  anna_changes = push (f, "anna", changed, 1);
  assert_locked (anna_changes, 1);
  /* a stale base is no refusal: the app shows both versions */
  g_free (conversation);
  conversation = kt_test_server_conversation_json (w.conversation_id, w.case_id, 9, SECRET);
  anna_stale = push (f, "anna", conversation, 7);
  assert_status (anna_stale, SOUP_STATUS_CONFLICT);

  audit = audit_of (f, NULL, NULL);
  g_assert_cmpuint (audit_lines (audit, "\tbert\tread\tplan\t", w.plan_id, "\tforbidden", NULL), ==, 1);
  g_assert_cmpuint (audit_lines (audit, "\tzoe\tread\tcase\t", w.case_id, "\tnot_found", NULL), ==, 1);
  g_assert_cmpuint (audit_lines (audit, "\t-\tread\t-\t", w.conversation_id, "\tunauthorized", NULL), ==, 1);
  g_assert_cmpuint (audit_lines (audit, "\tsara\tread\t-\t", nowhere, "\tnot_found", NULL), ==, 1);
  g_assert_cmpuint (audit_lines (audit, "not-an-id", NULL), ==, 0);
  g_assert_cmpuint (audit_lines (audit, "\tbert\twrite\tconversation\t", w.conversation_id, "\tforbidden", NULL), ==, 1);
  g_assert_cmpuint (audit_lines (audit, "\tanna\tassign\tcase\t", w.case_id, "\tforbidden", NULL), ==, 1);
  g_assert_cmpuint (audit_lines (audit, "\tanna\twrite\tplan\t", w.plan_id, "\tplan_locked", NULL), ==, 1);
  g_assert_cmpuint (audit_lines (audit, "\tanna\twrite\t", NULL), ==, 1);

  by_bert = audit_of (f, "--actor", "bert");
  g_assert_cmpuint (audit_lines (by_bert, "\t", NULL), ==, 2);
}

/* Runs @sql on the server's database with the database's own client. */
static void
run_sql (Fixture    *f,
         const char *sql)
{
  const char *uri = kt_test_server_get_database (f->server);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (g_str_has_prefix (uri, "sqlite://"))
    {
      const char *argv[] = { "sqlite3", uri + strlen ("sqlite://"), sql, NULL };
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                    NULL, NULL, NULL, &err, &status, &error);
    }
  else
    {
      const char *argv[] = { "psql", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c", sql, NULL };
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                    NULL, NULL, NULL, &err, &status, &error);
    }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", sql, err);
}

/* Takes what schema 5 added away again: the database as schema 4 left it. */
static void
make_schema_4 (Fixture *f)
{
  run_sql (f, "DROP TABLE record_keys");
  run_sql (f, "ALTER TABLE records DROP COLUMN intaker");
  run_sql (f, "ALTER TABLE records DROP COLUMN phase");
  run_sql (f, "ALTER TABLE records DROP COLUMN due");
  run_sql (f, "ALTER TABLE records DROP COLUMN sealed");
  run_sql (f, "UPDATE meta SET value = 4 WHERE key = 'schema'");
}

static void
test_init_upgrades_a_database_of_schema_1 (Fixture       *f,
                                           gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *refused = NULL;
  g_autofree char *audit = NULL;
  g_autoptr(Reply) bert_reads = NULL;
  const char *audit_args[] = { "audit", NULL };
  const char *init_args[] = { "init", NULL };

  /* a database as the first release left it: no outcome in the audit */
  build_world (f, &w);
  kt_test_server_stop (f->server);
  make_schema_4 (f);
  run_sql (f, "ALTER TABLE audit DROP COLUMN outcome");
  run_sql (f, "UPDATE meta SET value = 1 WHERE key = 'schema'");

  g_assert_cmpint (kt_test_server_admin (f->server, audit_args, NULL, &refused), !=, 0);
  g_assert_cmpint (kt_test_server_admin (f->server, init_args, NULL, NULL), ==, 0);
  kt_test_server_restart (f->server);
  sign_in_everyone (f);
  bert_reads = call_on (f, "GET", "/records/", w.plan_id, "", "bert", NULL);
  assert_refused (bert_reads, SOUP_STATUS_FORBIDDEN, "forbidden");

  audit = audit_of (f, NULL, NULL);
  /* the old entries kept, read as ok; the new ones with their outcome */
  g_assert_cmpuint (audit_lines (audit, "\tida\tassign\tcase\t", w.case_id, "\tok\t", NULL), ==, 1);
  g_assert_cmpuint (audit_lines (audit, "\tbert\tread\tplan\t", w.plan_id, "\tforbidden", NULL), ==, 1);
  /* and init again changes nothing */
  g_assert_cmpint (kt_test_server_admin (f->server, init_args, NULL, NULL), ==, 0);
}

/* A database of schema 2 kept its change feed's position in the row
 * meta.seq; init carries it over, so a pull from a cursor of before the
 * upgrade still gets what is pushed after it. */
static void
test_init_carries_the_change_feed_over (Fixture       *f,
                                        gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *cursor = g_strdup ("");
  g_autofree char *seen = NULL;
  g_autofree char *kase = kt_test_server_case_json (NULL, 1, SECRET, NULL);
  g_autoptr(Reply) created = NULL;
  const char *init_args[] = { "init", NULL };

  build_world (f, &w);
  g_free (pull_from (f, "sara", &cursor));
  kt_test_server_stop (f->server);
  make_schema_4 (f);
  if (g_str_has_prefix (kt_test_server_get_database (f->server), "postgres"))
    run_sql (f, "DROP SEQUENCE record_seq");
  run_sql (f, "INSERT INTO meta (key, value) VALUES ('seq', (SELECT MAX (seq) FROM records))");
  run_sql (f, "UPDATE meta SET value = 2 WHERE key = 'schema'");

  g_assert_cmpint (kt_test_server_admin (f->server, init_args, NULL, NULL), ==, 0);
  kt_test_server_restart (f->server);
  sign_in_everyone (f);
  created = push (f, "ida", kase, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  seen = pull_from (f, "sara", &cursor);
  g_assert_cmpstr (seen, ==, "case");
}

/* A database of schema 4 (plaintext records only) gets the sealed
 * records' columns; what it held is read as before, as plaintext. */
static void
test_init_upgrades_a_database_of_schema_4 (Fixture       *f,
                                           gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *cursor = g_strdup ("");
  g_autofree char *refused = NULL;
  g_autoptr(Reply) plan = NULL;
  const char *init_args[] = { "init", NULL };
  const char *plaintext_args[] = { "plaintext", NULL };

  build_world (f, &w);
  kt_test_server_stop (f->server);
  make_schema_4 (f);
  g_assert_cmpint (kt_test_server_admin (f->server, plaintext_args, NULL, &refused), !=, 0);
  g_assert_cmpint (kt_test_server_admin (f->server, init_args, NULL, NULL), ==, 0);
  kt_test_server_restart (f->server);
  sign_in_everyone (f);

  assert_pull (f, "anna", &cursor, "case conversation plan");
  plan = call_on (f, "GET", "/records/", w.plan_id, "", "sara", NULL);
  assert_status (plan, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (plan->text, SECRET));
  g_assert_false (json_object_has_member (reply_object (plan), "sealed"));
  g_assert_cmpint (kt_test_server_admin (f->server, init_args, NULL, NULL), ==, 0);
}

static gint64 sql_number (Fixture *f, const char *sql);

/* PostgreSQL: init stores the records' bodies as they are, without trying
 * to compress them (a sealed body does not compress), on a database made
 * before it too; what was stored before stays readable. */
static void
test_init_stores_bodies_uncompressed (Fixture       *f,
                                      gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *cursor = g_strdup ("");
  g_autoptr(Reply) plan = NULL;
  const char *init_args[] = { "init", NULL };
  const char *external = "SELECT count (*) FROM pg_attribute WHERE attrelid = 'records'::regclass "
                         "AND attname = 'body' AND attstorage = 'e'";

  g_assert_cmpint (sql_number (f, external), ==, 1);
  /* a database as the last release left it, its plans stored compressed */
  kt_test_server_stop (f->server);
  run_sql (f, "ALTER TABLE records ALTER COLUMN body SET STORAGE EXTENDED");
  kt_test_server_restart (f->server);
  build_world (f, &w);
  /* Spaces first, four times the body: the plan is a random one (its
   * text may not compress at all), and pglz gives up on a value whose
   * first kilobyte holds no repeat; a few thousand spaces after it left
   * the plan uncompressed once in CI. */
  run_sql (f, "UPDATE records SET body = repeat (' ', 4 * length (body) + 4000) || body WHERE kind = 'plan'");
  g_assert_cmpint (sql_number (f, "SELECT count (*) FROM records WHERE kind = 'plan' AND pg_column_compression (body) IS NULL"), ==, 0);
  g_assert_cmpint (sql_number (f, external), ==, 0);

  kt_test_server_stop (f->server);
  g_assert_cmpint (kt_test_server_admin (f->server, init_args, NULL, NULL), ==, 0);
  kt_test_server_restart (f->server);
  g_assert_cmpint (sql_number (f, external), ==, 1);
  sign_in_everyone (f);
  assert_pull (f, "anna", &cursor, "case conversation plan");
  plan = call_on (f, "GET", "/records/", w.plan_id, "", "sara", NULL);
  assert_status (plan, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (plan->text, SECRET));
  /* a body written from now on is not compressed */
  run_sql (f, "UPDATE records SET body = body || ' ' WHERE kind = 'plan'");
  g_assert_cmpint (sql_number (f, "SELECT count (*) FROM records WHERE kind = 'plan' AND pg_column_compression (body) IS NOT NULL"), ==, 0);
}

/* Tests: admin commands */

static void
test_user_add_takes_utf8_names (Fixture       *f,
                                gconstpointer  data)
{
  /* kt_test_server_admin runs the command with LC_ALL=C and no LANG: the
   * locale's charset is ASCII, the arguments are UTF-8 all the same */
  const char *add[] = {
    "user", "add", "aicha", "--role", "wijkcoach", "--team", "noord",
    "--display-name", "Aïcha Özdemir", NULL
  };
  const char *not_utf8[] = {
    "user", "add", "aicha2", "--role", "wijkcoach", "--team", "noord",
    "--display-name", "A\xef" "cha", NULL
  };
  const char *control[] = {
    "user", "add", "aicha3", "--role", "wijkcoach", "--team", "noord",
    "--display-name", "A\x1b[2Jcha", NULL
  };
  g_autoptr(Reply) coaches = NULL;
  g_autoptr(Reply) me = NULL;
  g_autofree char *token = NULL;
  g_autofree char *list = NULL;

  g_assert_cmpint (kt_test_server_admin (f->server, add, PASSWORD "\n", NULL), ==, 0);
  g_assert_cmpint (kt_test_server_admin (f->server, not_utf8, PASSWORD "\n", NULL), ==, 2);
  g_assert_cmpint (kt_test_server_admin (f->server, control, PASSWORD "\n", NULL), ==, 2);

  /* the name arrives intact, the refused ones not at all */
  token = login (f, "aicha", PASSWORD);
  me = call_full (f, "GET", "/me", token, NULL, NULL, 0);
  assert_status (me, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (reply_object (me), "display_name"), ==, "Aïcha Özdemir");
  coaches = call (f, "GET", "/team/coaches", "ida", NULL);
  assert_status (coaches, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (coaches->text, "\"Aïcha Özdemir\""));
  g_assert_null (strstr (coaches->text, "aicha2"));
  g_assert_null (strstr (coaches->text, "aicha3"));

  /* and `user list`, in the same C locale, prints it as it is */
  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "user", "list", NULL }, NULL, &list), ==, 0);
  g_assert_nonnull (strstr (list, "Aïcha Özdemir"));
}

/* Tests: revisions */

static void
test_revisions (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *v1 = kt_test_server_case_json (NULL, 1, SECRET, NULL);
  g_autofree char *id = kt_test_server_json_id (v1);
  g_autofree char *v2 = kt_test_server_case_json (id, 2, SECRET " twee", NULL);
  g_autofree char *v2_other = kt_test_server_case_json (id, 2, SECRET " anders", NULL);
  g_autofree char *v3 = kt_test_server_case_json (id, 3, SECRET " drie", NULL);
  g_autoptr(Reply) created = push (f, "ida", v1, 0);
  g_autoptr(Reply) created_again = push (f, "ida", v1, 0);
  g_autoptr(Reply) updated = NULL;
  g_autoptr(Reply) replayed = NULL;
  g_autoptr(Reply) same_rev_other_body = NULL;
  g_autoptr(Reply) stale = NULL;
  g_autoptr(Reply) skipped_base = NULL;
  g_autoptr(Reply) fetched = NULL;
  JsonObject *server_copy;

  assert_status (created, SOUP_STATUS_CREATED);
  g_assert_cmpint (record_rev (created), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (reply_object (created), "team"), ==, "noord");
  /* the same revision again is a replay, not a second record */
  assert_status (created_again, SOUP_STATUS_OK);
  g_assert_true (json_object_get_boolean_member (reply_object (created_again), "replayed"));

  updated = push (f, "ida", v2, 1);
  assert_status (updated, SOUP_STATUS_OK);
  g_assert_cmpint (record_rev (updated), ==, 2);
  g_assert_false (json_object_get_boolean_member_with_default (reply_object (updated), "replayed", FALSE));
  replayed = push (f, "ida", v2, 1);
  assert_status (replayed, SOUP_STATUS_OK);
  g_assert_true (json_object_get_boolean_member (reply_object (replayed), "replayed"));

  /* the same revision with another body, and an old base, conflict */
  same_rev_other_body = push (f, "ida", v2_other, 1);
  assert_status (same_rev_other_body, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (error_code (same_rev_other_body), ==, "conflict");
  server_copy = json_object_get_object_member (reply_object (same_rev_other_body), "server");
  g_assert_cmpint (json_object_get_int_member (server_copy, "rev"), ==, 2);
  g_assert_nonnull (strstr (same_rev_other_body->text, SECRET " twee"));

  stale = push (f, "ida", v3, 1);
  assert_status (stale, SOUP_STATUS_CONFLICT);
  server_copy = json_object_get_object_member (reply_object (stale), "server");
  g_assert_cmpint (json_object_get_int_member (server_copy, "rev"), ==, 2);
  skipped_base = push (f, "ida", v3, 0);
  assert_status (skipped_base, SOUP_STATUS_CONFLICT);

  fetched = call_on (f, "GET", "/records/", id, "", "ida", NULL);
  assert_status (fetched, SOUP_STATUS_OK);
  g_assert_cmpint (record_rev (fetched), ==, 2);
  g_assert_nonnull (strstr (fetched->text, SECRET " twee"));
  assert_changes (f, "ida", "case");
}

/* A /changes?wait= request sent without blocking, as a running app's
 * watch is. */
typedef struct {
  SoupMessage *msg;
  GBytes      *bytes;
  GError      *error;
  gboolean     done;
} Held;

static void
held_clear (Held *held)
{
  g_clear_object (&held->msg);
  g_clear_pointer (&held->bytes, g_bytes_unref);
  g_clear_error (&held->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Held, held_clear)

static void
on_held_answered (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Held *held = user_data;

  held->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &held->error);
  held->done = TRUE;
}

static void
hold (Fixture      *f,
      SoupSession  *session,
      const char   *user,
      const char   *cursor,
      GCancellable *cancellable,
      Held         *held)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/changes?since=%s&wait=20",
                                          kt_test_server_get_url (f->server), cursor);
  g_autofree char *bearer = g_strconcat ("Bearer ", (char *) g_hash_table_lookup (f->tokens, user), NULL);

  held->msg = soup_message_new ("GET", url);
  soup_message_headers_replace (soup_message_get_request_headers (held->msg), "Authorization", bearer);
  soup_session_send_and_read_async (session, held->msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_held_answered, held);
  /* Long enough for the request to reach the server and be held. */
  for (gint64 end = g_get_monotonic_time () + 200 * 1000; g_get_monotonic_time () < end;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* Requests that arrive together have their tokens checked together, in
 * one statement: each still gets its own account, a token signed out just
 * before is refused among valid ones, and a token sent twice is found for
 * both requests. */
static void
test_tokens_checked_together_keep_their_accounts (Fixture       *f,
                                                  gconstpointer  data)
{
  g_autofree char *second = login (f, "bert", PASSWORD);
  g_autofree char *signed_out = g_strdup (g_hash_table_lookup (f->tokens, "anna"));
  g_autoptr(Reply) out = call (f, "POST", "/logout", "anna", NULL);
  struct {
    const char *token;
    const char *user;    /* the account /me must answer; NULL: refused */
    guint       status;
  } asks[] = {
    { signed_out, NULL, SOUP_STATUS_UNAUTHORIZED },
    { g_hash_table_lookup (f->tokens, "bert"), "bert", SOUP_STATUS_OK },
    { second, "bert", SOUP_STATUS_OK },
    { second, "bert", SOUP_STATUS_OK },
    { g_hash_table_lookup (f->tokens, "ida"), "ida", SOUP_STATUS_OK },
    { "not-a-token", NULL, SOUP_STATUS_UNAUTHORIZED },
    { g_hash_table_lookup (f->tokens, "sara"), "sara", SOUP_STATUS_OK },
    { g_hash_table_lookup (f->tokens, "zoe"), "zoe", SOUP_STATUS_OK },
    { g_hash_table_lookup (f->tokens, "zara"), "zara", SOUP_STATUS_OK },
  };
  SoupSession *sessions[G_N_ELEMENTS (asks)];
  Held held[G_N_ELEMENTS (asks)] = { { 0, } };
  g_autofree char *url = g_strdup_printf ("%s/api/v1/me", kt_test_server_get_url (f->server));
  guint done = 0;

  assert_status (out, SOUP_STATUS_NO_CONTENT);
  /* each on a connection of its own, all sent before any answer is read */
  for (guint i = 0; i < G_N_ELEMENTS (asks); i++)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", asks[i].token, NULL);

      sessions[i] = soup_session_new ();
      held[i].msg = soup_message_new ("GET", url);
      soup_message_headers_replace (soup_message_get_request_headers (held[i].msg), "Authorization", bearer);
      soup_session_send_and_read_async (sessions[i], held[i].msg, G_PRIORITY_DEFAULT, NULL,
                                        on_held_answered, &held[i]);
    }
  while (done < G_N_ELEMENTS (asks))
    {
      g_main_context_iteration (NULL, TRUE);
      done = 0;
      for (guint i = 0; i < G_N_ELEMENTS (asks); i++)
        done += held[i].done ? 1 : 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (asks); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_no_error (held[i].error);
      g_assert_cmpuint (soup_message_get_status (held[i].msg), ==, asks[i].status);
      if (asks[i].user != NULL)
        {
          g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (held[i].bytes, NULL),
                                                     g_bytes_get_size (held[i].bytes), NULL));
          g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                          "username"), ==, asks[i].user);
        }
      held_clear (&held[i]);
      g_object_unref (sessions[i]);
    }
}

/* Sends @method @path with @token (and @body) on a connection of its own
 * without waiting for the answer, which comes into @held. */
static SoupSession *
send_apart (Fixture    *f,
            const char *method,
            const char *path,
            const char *token,
            const char *if_match,
            const char *body,
            Held       *held)
{
  g_autofree char *url = g_strconcat (kt_test_server_get_url (f->server), "/api/v1", path, NULL);
  SoupSession *session = soup_session_new ();

  held->msg = kt_test_server_message_new (method, url, token, if_match, body, -1);
  soup_session_send_and_read_async (session, held->msg, G_PRIORITY_DEFAULT, NULL, on_held_answered, held);
  return session;
}

/* The text of @held's answer (transfer full). */
static char *
held_text (Held *held)
{
  g_assert_no_error (held->error);
  return g_strndup (g_bytes_get_data (held->bytes, NULL), g_bytes_get_size (held->bytes));
}

/* The records of the /changes answer @text, parsed into @parser. */
static JsonArray *
page_records (JsonParser *parser,
              const char *text)
{
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "records");
}

/* Pulls that come together are read together (on PostgreSQL in one round
 * trip) while pushes go on: each still answers as it would alone, with its
 * own account's page from its own cursor and limit; a bad one and a signed
 * out one are refused alone; the reads are audited for each; a held pull
 * is woken by its own changes only. */
static void
test_changes_read_together_keep_their_own_pages (Fixture       *f,
                                                 gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *bert_case = kt_test_server_case_json (NULL, 1, SECRET, NULL);
  g_autofree char *bert_case_id = kt_test_server_json_id (bert_case);
  g_autofree char *zuid_case = kt_test_server_case_json (NULL, 1, SECRET, NULL);
  g_autofree char *zuid_case_id = kt_test_server_json_id (zuid_case);
  g_autofree char *anna_first = NULL;
  g_autofree char *anna_last = NULL;
  g_autofree char *bert_last = NULL;
  g_autofree char *since_first = NULL;
  g_autofree char *anna_held = NULL;
  g_autofree char *bert_held = NULL;
  g_autofree char *audit = NULL;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(Reply) reply = NULL;
  /* each pull of an account bert's pushes do not reach, sent twice; its
   * answer must be the one it got alone before (byte for byte) */
  struct {
    const char *user;
    const char *path;
    char       *alone;   /* the answer alone */
  } asks[] = {
    { "anna", "/changes", NULL },
    { "anna", "/changes?limit=1", NULL },
    { "anna", NULL, NULL },   /* since anna's first record */
    { "ida", "/changes", NULL },
    { "ilse", "/changes", NULL },
    { "sara", "/changes?limit=3", NULL },
    { "zoe", "/changes", NULL },
    { "zeno", "/changes?since=0&limit=500", NULL },
    { "zara", "/changes", NULL },
  };
  enum { COPIES = 2, PUSHES = 6 };
  Held pulls[G_N_ELEMENTS (asks) * COPIES] = { { 0, } };
  Held pushes[PUSHES] = { { 0, } };
  Held bad = { 0, }, signed_out = { 0, }, bert = { 0, }, held_anna = { 0, }, held_bert = { 0, };
  g_autofree char *bert_alone = NULL;
  JsonArray *alone, *together;
  guint n_alone;
  gboolean all_done = FALSE;

  /* anna's case, conversation and plan; a case of bert's; one in zuid for zoe */
  build_world (f, &w);
  reply = push (f, "ida", bert_case, 0);
  assert_status (reply, SOUP_STATUS_CREATED);
  g_clear_pointer (&reply, reply_free);
  reply = call_on (f, "POST", "/cases/", bert_case_id, "/assign", "ida", "{\"coach\":\"bert\"}");
  assert_status (reply, SOUP_STATUS_OK);
  g_clear_pointer (&reply, reply_free);
  reply = push (f, "zeno", zuid_case, 0);
  assert_status (reply, SOUP_STATUS_CREATED);
  g_clear_pointer (&reply, reply_free);
  reply = call_on (f, "POST", "/cases/", zuid_case_id, "/assign", "zeno", "{\"coach\":\"zoe\"}");
  assert_status (reply, SOUP_STATUS_OK);
  g_clear_pointer (&reply, reply_free);

  /* each pull alone first */
  reply = call (f, "GET", "/changes?limit=1", "anna", NULL);
  assert_status (reply, SOUP_STATUS_OK);
  anna_first = g_strdup (json_object_get_string_member (reply_object (reply), "cursor"));
  since_first = g_strdup_printf ("/changes?since=%s", anna_first);
  asks[2].path = since_first;
  for (guint i = 0; i < G_N_ELEMENTS (asks); i++)
    {
      g_clear_pointer (&reply, reply_free);
      reply = call (f, "GET", asks[i].path, asks[i].user, NULL);
      assert_status (reply, SOUP_STATUS_OK);
      asks[i].alone = g_strdup (reply->text);
      if (i == 0)
        anna_last = g_strdup (json_object_get_string_member (reply_object (reply), "cursor"));
    }
  g_clear_pointer (&reply, reply_free);
  reply = call (f, "GET", "/changes", "bert", NULL);
  assert_status (reply, SOUP_STATUS_OK);
  bert_alone = g_strdup (reply->text);
  bert_last = g_strdup (json_object_get_string_member (reply_object (reply), "cursor"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (reply), "records")), ==, 1);

  /* held first: anna's until its wait ends, bert's until his pushes */
  anna_held = g_strdup_printf ("/changes?since=%s&wait=1", anna_last);
  bert_held = g_strdup_printf ("/changes?since=%s&wait=20", bert_last);
  g_ptr_array_add (sessions, send_apart (f, "GET", anna_held, g_hash_table_lookup (f->tokens, "anna"),
                                         NULL, NULL, &held_anna));
  g_ptr_array_add (sessions, send_apart (f, "GET", bert_held, g_hash_table_lookup (f->tokens, "bert"),
                                         NULL, NULL, &held_bert));
  for (gint64 end = g_get_monotonic_time () + 200 * 1000; g_get_monotonic_time () < end;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_false (held_anna.done);
  g_assert_false (held_bert.done);

  /* then all at once, each on a connection of its own: the pulls, bert's
   * new conversations, bert's pull, a bad pull and a signed-out one */
  for (guint i = 0; i < PUSHES; i++)
    {
      g_autofree char *conversation = kt_test_server_conversation_json (NULL, bert_case_id, 1, SECRET);
      g_autofree char *id = kt_test_server_json_id (conversation);
      g_autofree char *path = g_strconcat ("/records/", id, NULL);
      char *record = envelope (conversation);

      g_ptr_array_add (bodies, record);
      g_ptr_array_add (sessions, send_apart (f, "PUT", path, g_hash_table_lookup (f->tokens, "bert"),
                                             "\"0\"", record, &pushes[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (pulls); i++)
    g_ptr_array_add (sessions, send_apart (f, "GET", asks[i % G_N_ELEMENTS (asks)].path,
                                           g_hash_table_lookup (f->tokens, asks[i % G_N_ELEMENTS (asks)].user),
                                           NULL, NULL, &pulls[i]));
  g_ptr_array_add (sessions, send_apart (f, "GET", "/changes", g_hash_table_lookup (f->tokens, "bert"),
                                         NULL, NULL, &bert));
  g_ptr_array_add (sessions, send_apart (f, "GET", "/changes?limit=0", g_hash_table_lookup (f->tokens, "anna"),
                                         NULL, NULL, &bad));
  g_ptr_array_add (sessions, send_apart (f, "GET", "/changes", "not-a-token", NULL, NULL, &signed_out));
  while (!all_done)
    {
      g_main_context_iteration (NULL, TRUE);
      all_done = held_anna.done && held_bert.done && bert.done && bad.done && signed_out.done;
      for (guint i = 0; i < G_N_ELEMENTS (pulls); i++)
        all_done = all_done && pulls[i].done;
      for (guint i = 0; i < PUSHES; i++)
        all_done = all_done && pushes[i].done;
    }

  for (guint i = 0; i < PUSHES; i++)
    {
      g_assert_no_error (pushes[i].error);
      g_assert_cmpuint (soup_message_get_status (pushes[i].msg), ==, SOUP_STATUS_CREATED);
    }
  for (guint i = 0; i < G_N_ELEMENTS (pulls); i++)
    {
      g_autofree char *text = held_text (&pulls[i]);

      g_assert_cmpuint (soup_message_get_status (pulls[i].msg), ==, SOUP_STATUS_OK);
      g_assert_cmpstr (text, ==, asks[i % G_N_ELEMENTS (asks)].alone);
    }
  g_assert_cmpuint (soup_message_get_status (bad.msg), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpuint (soup_message_get_status (signed_out.msg), ==, SOUP_STATUS_UNAUTHORIZED);

  /* bert's page: what he had alone, then only conversations of his case */
  {
    g_autofree char *text = held_text (&bert);
    g_autoptr(JsonParser) alone_parser = json_parser_new ();

    g_assert_cmpuint (soup_message_get_status (bert.msg), ==, SOUP_STATUS_OK);
    alone = page_records (alone_parser, bert_alone);
    together = page_records (parser, text);
    n_alone = json_array_get_length (alone);
    g_assert_cmpuint (json_array_get_length (together), >=, n_alone);
    for (guint i = 0; i < json_array_get_length (together); i++)
      {
        JsonObject *record = json_array_get_object_element (together, i);

        if (i < n_alone)
          g_assert_cmpstr (json_object_get_string_member (record, "id"), ==,
                           json_object_get_string_member (json_array_get_object_element (alone, i), "id"));
        else
          {
            g_assert_cmpstr (json_object_get_string_member (record, "kind"), ==, "conversation");
            g_assert_cmpstr (json_object_get_string_member (record, "case_id"), ==, bert_case_id);
          }
      }
  }

  /* the held pulls: bert's woken by his own conversations, anna's not */
  {
    g_autofree char *text = held_text (&held_bert);

    g_assert_cmpuint (soup_message_get_status (held_bert.msg), ==, SOUP_STATUS_OK);
    together = page_records (parser, text);
    g_assert_cmpuint (json_array_get_length (together), >=, 1);
    for (guint i = 0; i < json_array_get_length (together); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (together, i), "case_id"),
                       ==, bert_case_id);
  }
  {
    g_autofree char *text = held_text (&held_anna);

    g_assert_cmpuint (soup_message_get_status (held_anna.msg), ==, SOUP_STATUS_OK);
    together = page_records (parser, text);
    g_assert_cmpuint (json_array_get_length (together), ==, 0);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "cursor"),
                     ==, anna_last);
  }

  /* sara's three records, read by someone who wrote none of them: each
   * audited once per pull, alone and together */
  audit = audit_of (f, "--actor", "sara");
  g_assert_cmpuint (audit_lines (audit, "\tsara\tread\t", NULL), ==, 3 * (1 + COPIES));

  for (guint i = 0; i < G_N_ELEMENTS (asks); i++)
    g_free (asks[i].alone);
  for (guint i = 0; i < G_N_ELEMENTS (pulls); i++)
    held_clear (&pulls[i]);
  for (guint i = 0; i < PUSHES; i++)
    held_clear (&pushes[i]);
  held_clear (&bad);
  held_clear (&signed_out);
  held_clear (&bert);
  held_clear (&held_anna);
  held_clear (&held_bert);
}

static void
test_changes_wait_holds_until_a_change_or_the_end_of_the_wait (Fixture       *f,
                                                               gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_auto(Held) held = { 0, };
  g_auto(Held) dropped = { 0, };
  g_autoptr(SoupSession) watcher = soup_session_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(Reply) all = NULL;
  g_autoptr(Reply) empty = NULL;
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) assigned = NULL;
  g_autoptr(Reply) health = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *kase = kt_test_server_case_json (NULL, 1, SECRET, NULL);
  g_autofree char *other = kt_test_server_case_json (NULL, 1, SECRET, NULL);
  g_autofree char *path = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *case_id = NULL;
  JsonArray *records;
  gint64 deadline;

  build_world (f, &w);
  all = call (f, "GET", "/changes?limit=500", "anna", NULL);
  assert_status (all, SOUP_STATUS_OK);
  cursor = g_strdup (json_object_get_string_member (reply_object (all), "cursor"));

  /* Nothing new: when the wait is over, an empty page from the same cursor. */
  path = g_strdup_printf ("/changes?since=%s&wait=1", cursor);
  empty = call (f, "GET", path, "anna", NULL);
  assert_status (empty, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (empty), "records")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (reply_object (empty), "cursor"), ==, cursor);

  /* Held: a case ida registers is not anna's and does not answer it; the
   * assignment to anna does. */
  hold (f, watcher, "anna", cursor, NULL, &held);
  created = push (f, "ida", kase, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  case_id = g_strdup (json_object_get_string_member (reply_object (created), "id"));
  for (gint64 end = g_get_monotonic_time () + 200 * 1000; g_get_monotonic_time () < end;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_false (held.done);
  g_free (path);
  path = g_strdup_printf ("/cases/%s/assign", case_id);
  assigned = call (f, "POST", path, "ida", "{\"coach\":\"anna\"}");
  assert_status (assigned, SOUP_STATUS_OK);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!held.done && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_true (held.done);
  g_assert_no_error (held.error);
  g_assert_cmpuint (soup_message_get_status (held.msg), ==, SOUP_STATUS_OK);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (held.bytes, NULL),
                                             g_bytes_get_size (held.bytes), NULL));
  records = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "records");
  g_assert_cmpuint (json_array_get_length (records), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0), "id"), ==, case_id);

  /* A client that goes away while held: the next change finds nothing to
   * answer, and the server serves on. */
  g_free (cursor);
  cursor = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "cursor"));
  hold (f, watcher, "anna", cursor, cancellable, &dropped);
  g_assert_false (dropped.done);
  g_cancellable_cancel (cancellable);
  while (!dropped.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (dropped.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_pointer (&created, reply_free);
  created = push (f, "ida", other, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  health = call (f, "GET", "/health", NULL, NULL);
  assert_status (health, SOUP_STATUS_OK);
}

static void
test_changes_paginate_with_a_cursor (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = g_strdup ("");
  guint pages = 0;
  gboolean more = TRUE;

  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *body = kt_test_server_case_json (NULL, 1, SECRET, NULL);
      g_autoptr(Reply) reply = push (f, "ida", body, 0);
      assert_status (reply, SOUP_STATUS_CREATED);
    }
  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/changes?since=%s&limit=3", cursor);
      g_autoptr(Reply) reply = call (f, "GET", path, "ida", NULL);
      JsonArray *records;

      assert_status (reply, SOUP_STATUS_OK);
      records = json_object_get_array_member (reply_object (reply), "records");
      g_assert_cmpuint (json_array_get_length (records), <=, 3);
      for (guint i = 0; i < json_array_get_length (records); i++)
        g_assert_true (g_hash_table_add (seen, g_strdup (json_object_get_string_member (
                                                 json_array_get_object_element (records, i), "id"))));
      more = json_object_get_boolean_member (reply_object (reply), "more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (reply_object (reply), "cursor"));
      pages++;
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 7);

  {
    g_autoptr(Reply) too_many = call (f, "GET", "/changes?limit=501", "ida", NULL);
    g_autoptr(Reply) not_a_cursor = call (f, "GET", "/changes?since=1%20OR%201=1", "ida", NULL);

    assert_refused (too_many, SOUP_STATUS_BAD_REQUEST, "bad_request");
    g_assert_cmpstr (error_field (too_many), ==, "limit");
    assert_refused (not_a_cursor, SOUP_STATUS_BAD_REQUEST, "bad_request");
    g_assert_cmpstr (error_field (not_a_cursor), ==, "since");
  }
}

/* Tests: bad input */

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *body = kt_test_server_case_json (NULL, 1, SECRET, NULL);
  g_autofree char *id = kt_test_server_json_id (body);
  g_autofree char *path = g_strconcat ("/records/", id, NULL);
  g_autofree char *rev_true = patch_member (body, NULL, "rev", "true");
  g_autofree char *old_schema = patch_member (body, NULL, "schema", "\"keukentafel/0\"");
  g_autofree char *bad_year = patch_member (body, NULL, "members", "[{\"id\":\"" GOAL_ID "\",\"birth_year\":\"1980\"}]");
  /* a plan on a case that does not exist: the body is refused before that is looked at */
  g_autofree char *plan = kt_test_server_plan_json (id, id, 1, "draft", SECRET);
  g_autofree char *plan_title_number = patch_member (plan, "goals", "title", "7");
  g_autofree char *plan_note_number = patch_member (plan, "goals", "progress_notes", "[\"goed\",3]");
  g_autofree char *not_utf8 = patch_member (body, NULL, "household", "\"Familie \\u00ff\"");
  const char *token = g_hash_table_lookup (f->tokens, "ida");
  struct {
    const char *record;
    const char *field;
  } cases[] = {
    { "{not json", NULL },
    { "[1,2,3]", NULL },
    { "{\"id\":\"@ID@\",\"kind\":\"case\",\"rev\":\"1\",\"body\":@BODY@}", "rev" },
    { "{\"id\":\"@ID@\",\"kind\":\"household\",\"rev\":1,\"body\":@BODY@}", "kind" },
    { "{\"id\":\"@ID@\",\"kind\":\"case\",\"rev\":1,\"body\":\"@ID@\"}", "body" },
    { "{\"id\":\"@ID@\",\"kind\":\"case\",\"rev\":1}", "body" },
    { "{\"id\":\"@ID@\",\"kind\":\"case\",\"rev\":1,\"body\":@BODY_REV_TRUE@}", "body.rev" },
    { "{\"id\":\"@ID@\",\"kind\":\"case\",\"rev\":1,\"body\":@BODY_OLD_SCHEMA@}", "body.schema" },
    { "{\"id\":\"@ID@\",\"kind\":\"case\",\"rev\":1,\"body\":@BODY_BAD_YEAR@}", "body.members[0].birth_year" },
    { "{\"id\":\"@ID@\",\"kind\":\"plan\",\"rev\":1,\"body\":@BODY@}", "body.kind" },
    /* a wrong type inside a goal of a plan: the decoder's path, as data */
    { "{\"id\":\"@ID@\",\"kind\":\"plan\",\"rev\":1,\"body\":@PLAN_TITLE_NUMBER@}", "body.goals[0].title" },
    { "{\"id\":\"@ID@\",\"kind\":\"plan\",\"rev\":1,\"body\":@PLAN_NOTE_NUMBER@}", "body.goals[0].progress_notes[1]" },
    /* bytes that are not UTF-8, in the envelope and in the document: the
     * request is read as one JSON text, so either way it is garbled */
    { "{\"id\":\"@ID@\",\"kind\":\"ca\xffse\",\"rev\":1,\"body\":@BODY@}", NULL },
    { "{\"id\":\"@ID@\",\"kind\":\"case\",\"rev\":1,\"body\":@BODY_NOT_UTF8@}", NULL },
  };
  g_autoptr(Reply) no_if_match = NULL;
  g_autoptr(Reply) rev_not_after_base = NULL;
  g_autoptr(Reply) bad_id = NULL;
  g_autoptr(Reply) unknown_path = NULL;
  g_autoptr(Reply) wrong_method = NULL;
  g_autoptr(Reply) login_types = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) record = g_string_new (cases[i].record);
      g_autoptr(Reply) reply = NULL;

      g_string_replace (record, "@ID@", id, 0);
      g_string_replace (record, "@BODY@", body, 0);
      g_string_replace (record, "@BODY_REV_TRUE@", rev_true, 0);
      g_string_replace (record, "@BODY_OLD_SCHEMA@", old_schema, 0);
      g_string_replace (record, "@BODY_BAD_YEAR@", bad_year, 0);
      g_string_replace (record, "@PLAN_TITLE_NUMBER@", plan_title_number, 0);
      g_string_replace (record, "@PLAN_NOTE_NUMBER@", plan_note_number, 0);
      /* ÿ as one Latin-1 byte: the document is no longer UTF-8 */
      g_string_replace (record, "@BODY_NOT_UTF8@", not_utf8, 0);
      g_string_replace (record, "Familie \xc3\xbf", "Familie \xff", 0);
      reply = call_full (f, "PUT", path, token, "\"0\"", record->str, record->len);
      assert_refused (reply, SOUP_STATUS_BAD_REQUEST, "bad_request");
      if (cases[i].field != NULL && g_strcmp0 (error_field (reply), cases[i].field) != 0)
        g_error ("case %u: field %s, expected %s", i, error_field (reply), cases[i].field);
    }

  {
    g_autofree char *record = envelope (body);

    no_if_match = call_full (f, "PUT", path, token, NULL, record, strlen (record));
    assert_refused (no_if_match, SOUP_STATUS_BAD_REQUEST, "bad_request");
    g_assert_cmpstr (error_field (no_if_match), ==, "If-Match");
    rev_not_after_base = call_full (f, "PUT", path, token, "\"1\"", record, strlen (record));
    assert_refused (rev_not_after_base, SOUP_STATUS_BAD_REQUEST, "bad_request");
    bad_id = call_full (f, "PUT", "/records/1'%20OR%20'1'='1", token, "\"0\"", record, strlen (record));
    assert_refused (bad_id, SOUP_STATUS_NOT_FOUND, "not_found");
  }
  unknown_path = call (f, "GET", "/nothing/here", "ida", NULL);
  assert_refused (unknown_path, SOUP_STATUS_NOT_FOUND, "not_found");
  wrong_method = call (f, "DELETE", path, "ida", NULL);
  g_assert_cmpuint (wrong_method->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
  login_types = call (f, "POST", "/login", NULL, "{\"username\":7,\"password\":[]}");
  assert_refused (login_types, SOUP_STATUS_BAD_REQUEST, "bad_request");

  /* nothing of all that was stored */
  assert_changes (f, "ida", "");
}

static void
test_envelope_in_any_json_spelling (Fixture       *f,
                                    gconstpointer  data)
{
  const char *token = g_hash_table_lookup (f->tokens, "ida");
  const char *spellings[] = {
    "{\"body\":@BODY@,\"rev\":1,\"kind\":\"case\",\"id\":\"@ID@\"}",
    " {\n \"id\" : \"@ID@\" ,\n \"kind\":\"case\", \"rev\":1 , \"body\" :\t@BODY@ \n} ",
    "{\"id\":\"@ID@\",\"kind\":\"case\",\"rev\":1,\"bo\\u0064y\":@BODY@}",
    "{\"id\":\"@ID@\",\"note\":\"}{\\\"body\\\":\",\"kind\":\"case\",\"rev\":1,\"body\":@BODY@}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    {
      g_autofree char *body = kt_test_server_case_json (NULL, 1, SECRET, NULL);
      g_autofree char *id = kt_test_server_json_id (body);
      g_autofree char *path = g_strconcat ("/records/", id, NULL);
      g_autoptr(GString) record = g_string_new (spellings[i]);
      g_autoptr(Reply) reply = NULL;

      g_string_replace (record, "@ID@", id, 0);
      g_string_replace (record, "@BODY@", body, 0);
      reply = call_full (f, "PUT", path, token, "\"0\"", record->str, record->len);
      if (reply->status != SOUP_STATUS_CREATED)
        g_error ("spelling %u: %u %s", i, reply->status, reply->text);
      g_assert_nonnull (strstr (reply->text, SECRET));
    }
}

/* Every way a body may be JSON-shaped and still not be one JSON object the
 * reader accepts, made from the valid object @valid whose first member is
 * @first (transfer full). */
static GPtrArray *
hostile_bodies (const char *valid,
                const char *first)
{
  GPtrArray *bodies = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *open = g_strnfill (40, '[');
  g_autofree char *close = g_strnfill (40, ']');

  /* json-glib 1.6 alone overflows its stack on this one */
  g_ptr_array_add (bodies, g_strnfill (200 * 1024, '['));
  g_ptr_array_add (bodies, g_strdup_printf ("{\"deep\":%s%s,%s", open, close, valid + 1));
  g_ptr_array_add (bodies, g_strdup_printf ("{%s,%s", first, valid + 1));
  g_ptr_array_add (bodies, g_strconcat (valid, valid, NULL));
  g_ptr_array_add (bodies, g_strconcat (valid, " {}", NULL));
  g_ptr_array_add (bodies, g_strdup_printf ("{\"big\":1E764064800,%s", valid + 1));
  g_ptr_array_add (bodies, g_strdup_printf ("{\"big\":18446744073709551617,%s", valid + 1));
  g_ptr_array_add (bodies, g_strdup ("/* " SECRET " */ "));
  g_ptr_array_add (bodies, g_strdup (" \n\t "));
  g_ptr_array_add (bodies, g_strdup (""));
  return bodies;
}

static char *
record_text (Fixture    *f,
             const char *id)
{
  g_autoptr(Reply) reply = call_on (f, "GET", "/records/", id, "", "sara", NULL);

  assert_status (reply, SOUP_STATUS_OK);
  return g_steal_pointer (&reply->text);
}

/* An endpoint that reads a JSON body, and a valid body for it. */
typedef struct {
  const char *method;
  const char *path;
  const char *user;
  const char *if_match;
  const char *valid;
  const char *first;   /* a member to write twice */
} Endpoint;

static void
test_hostile_json_is_refused_by_every_endpoint (Fixture       *f,
                                                gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_autofree char *conversation = NULL;
  g_autofree char *push_valid = NULL;
  g_autofree char *push_path = NULL;
  g_autofree char *assign_path = NULL;
  g_autofree char *review_path = NULL;
  g_autofree char *case_before = NULL;
  g_autofree char *conversation_before = NULL;
  g_autofree char *plan_before = NULL;
  g_autofree char *case_after = NULL;
  g_autofree char *conversation_after = NULL;
  g_autofree char *plan_after = NULL;
  g_autoptr(Reply) health = NULL;
  Endpoint endpoints[4];

  build_world (f, &w);
  conversation = kt_test_server_conversation_json (w.conversation_id, w.case_id, 2, SECRET);
  push_valid = envelope (conversation);
  push_path = g_strconcat ("/records/", w.conversation_id, NULL);
  assign_path = g_strdup_printf ("/cases/%s/assign", w.case_id);
  review_path = g_strdup_printf ("/plans/%s/review", w.plan_id);
  /* the push first: once the case is bert's, anna may not write */
  endpoints[0] = (Endpoint) { "PUT", push_path, "anna", "\"1\"", push_valid, "\"rev\":2" };
  endpoints[1] = (Endpoint) { "POST", "/login", NULL, NULL,
                              "{\"username\":\"anna\",\"password\":\"" PASSWORD "\"}",
                              "\"username\":\"nobody\"" };
  endpoints[2] = (Endpoint) { "POST", assign_path, "ida", NULL, "{\"coach\":\"bert\"}", "\"coach\":\"bert\"" };
  endpoints[3] = (Endpoint) { "POST", review_path, "sara", NULL, "{\"rev\":1,\"decision\":\"approve\"}",
                              "\"rev\":1" };

  case_before = record_text (f, w.case_id);
  conversation_before = record_text (f, w.conversation_id);
  plan_before = record_text (f, w.plan_id);

  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      const char *token = endpoints[i].user != NULL ? g_hash_table_lookup (f->tokens, endpoints[i].user) : NULL;
      g_autoptr(GPtrArray) bodies = hostile_bodies (endpoints[i].valid, endpoints[i].first);

      for (guint j = 0; j < bodies->len; j++)
        {
          const char *body = g_ptr_array_index (bodies, j);
          g_autoptr(Reply) reply = call_full (f, endpoints[i].method, endpoints[i].path, token,
                                              endpoints[i].if_match, body, strlen (body));

          if (reply->status != SOUP_STATUS_BAD_REQUEST)
            g_error ("%s %s, body %u: %u %s", endpoints[i].method, endpoints[i].path, j,
                     reply->status, reply->text);
          assert_refused (reply, SOUP_STATUS_BAD_REQUEST, "bad_request");
        }
    }

  /* an entity tag is quoted: a bare revision is refused, not read */
  {
    const char *bare[] = { "1", "W/1", "\"1", "\"\"", " " };

    for (guint i = 0; i < G_N_ELEMENTS (bare); i++)
      {
        g_autoptr(Reply) reply = call_full (f, "PUT", push_path, g_hash_table_lookup (f->tokens, "anna"),
                                            bare[i], push_valid, strlen (push_valid));

        assert_refused (reply, SOUP_STATUS_BAD_REQUEST, "bad_request");
        g_assert_cmpstr (error_field (reply), ==, "If-Match");
      }
  }

  /* nothing changed, and the server still answers */
  health = call (f, "GET", "/health", NULL, NULL);
  assert_status (health, SOUP_STATUS_OK);
  case_after = record_text (f, w.case_id);
  conversation_after = record_text (f, w.conversation_id);
  plan_after = record_text (f, w.plan_id);
  g_assert_cmpstr (case_after, ==, case_before);
  g_assert_cmpstr (conversation_after, ==, conversation_before);
  g_assert_cmpstr (plan_after, ==, plan_before);

  /* and the valid bodies still work: the refusals were for the JSON */
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      const char *token = endpoints[i].user != NULL ? g_hash_table_lookup (f->tokens, endpoints[i].user) : NULL;
      g_autoptr(Reply) reply = call_full (f, endpoints[i].method, endpoints[i].path, token, endpoints[i].if_match,
                                          endpoints[i].valid, strlen (endpoints[i].valid));

      if (reply->status != SOUP_STATUS_OK)
        g_error ("%s %s: %u %s", endpoints[i].method, endpoints[i].path, reply->status, reply->text);
    }
}

static void
test_oversized_bodies_are_refused (Fixture       *f,
                                   gconstpointer  data)
{
  gsize size = 2 * 1024 * 1024;
  g_autofree char *huge = g_malloc (size);
  g_autoptr(Reply) put = NULL;
  g_autoptr(Reply) login_reply = NULL;
  g_autoptr(Reply) still_alive = NULL;
  const char *token = g_hash_table_lookup (f->tokens, "ida");

  memset (huge, ' ', size);
  huge[0] = '{';
  huge[size - 1] = '}';
  put = call_full (f, "PUT", "/records/3f9c1b7e-0000-4000-8000-000000000001", token, "\"0\"", huge, size);
  assert_refused (put, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large");
  login_reply = call_full (f, "POST", "/login", NULL, NULL, huge, size);
  assert_refused (login_reply, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large");
  still_alive = call (f, "GET", "/health", NULL, NULL);
  assert_status (still_alive, SOUP_STATUS_OK);

  /* a body of unknown length (chunked) is refused once it passes the limit */
  {
    g_autofree char *url = g_strconcat (kt_test_server_get_url (f->server), "/api/v1/login", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_memdup2 (huge, size), size, g_free);
    g_autoptr(GBytes) answer = NULL;
    g_autoptr(GError) error = NULL;

    soup_message_set_request_body (msg, "application/json", stream, -1);
    answer = soup_session_send_and_read (f->session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  }
}

static void
test_sql_metacharacters_are_data (Fixture       *f,
                                  gconstpointer  data)
{
  static const char * const nasty[] = {
    "Robert'); DROP TABLE records;--",
    "\" OR \"\"=\"",
    "'; UPDATE accounts SET role='supervisor' WHERE username='anna'; --",
    "?; $1 \\' %s %n \\x00",
  };
  g_auto(World) w = { 0, };

  build_world (f, &w);
  for (guint i = 0; i < G_N_ELEMENTS (nasty); i++)
    {
      g_autofree char *body = kt_test_server_case_nasty_json (nasty[i]);
      g_autofree char *id = kt_test_server_json_id (body);
      g_autofree char *escaped_login = NULL;
      g_autoptr(Reply) created = push (f, "ida", body, 0);
      g_autoptr(Reply) fetched = call_on (f, "GET", "/records/", id, "", "ida", NULL);
      g_autoptr(JsonNode) name = json_node_new (JSON_NODE_VALUE);
      g_autofree char *name_json = NULL;
      g_autoptr(Reply) login_reply = NULL;
      g_autoptr(Reply) assign_reply = NULL;
      g_autoptr(Reply) review_reply = NULL;
      g_autofree char *review = NULL;
      g_autofree char *assign_body = NULL;
      g_autoptr(JsonNode) stored = NULL;

      assert_status (created, SOUP_STATUS_CREATED);
      assert_status (fetched, SOUP_STATUS_OK);
      stored = json_from_string (fetched->text, NULL);
      g_assert_true (kt_test_server_case_holds_everywhere (json_object_get_object_member (json_node_get_object (stored), "body"),
                                                           nasty[i]));

      json_node_set_string (name, nasty[i]);
      name_json = json_to_string (name, FALSE);
      escaped_login = g_strdup_printf ("{\"username\":%s,\"password\":%s}", name_json, name_json);
      login_reply = call (f, "POST", "/login", NULL, escaped_login);
      g_assert_cmpuint (login_reply->status, ==, SOUP_STATUS_UNAUTHORIZED);

      assign_body = g_strdup_printf ("{\"coach\":%s}", name_json);
      assign_reply = call_on (f, "POST", "/cases/", id, "/assign", "ida", assign_body);
      assert_refused (assign_reply, SOUP_STATUS_BAD_REQUEST, "bad_request");

      review = g_strdup_printf ("{\"rev\":999,\"decision\":\"approve\",\"comment\":%s}", name_json);
      review_reply = call_on (f, "POST", "/plans/", w.plan_id, "/review", "sara", review);
      assert_status (review_reply, SOUP_STATUS_CONFLICT);
    }

  /* the world is intact: roles, records and the feed */
  assert_changes (f, "anna", "case conversation plan");
  assert_changes (f, "sara", "case conversation plan case case case case");
  {
    g_autoptr(Reply) me = call (f, "GET", "/me", "anna", NULL);
    g_assert_cmpstr (json_object_get_string_member (reply_object (me), "role"), ==, "wijkcoach");
  }
}

/* Tests: restart */

static void
test_restart_loses_and_duplicates_nothing (Fixture       *f,
                                           gconstpointer  data)
{
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *last = NULL;
  g_autoptr(Reply) replayed = NULL;
  g_autoptr(Reply) pulled = NULL;
  JsonArray *records;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *body = kt_test_server_case_json (NULL, 1, SECRET, NULL);
      g_autoptr(Reply) reply = push (f, "ida", body, 0);
      assert_status (reply, SOUP_STATUS_CREATED);
      g_ptr_array_add (bodies, g_steal_pointer (&body));
    }

  kt_test_server_stop (f->server);
  kt_test_server_restart (f->server);

  /* tokens survive a restart; a retry of the last push is a replay */
  replayed = push (f, "ida", g_ptr_array_index (bodies, 4), 0);
  assert_status (replayed, SOUP_STATUS_OK);
  g_assert_true (json_object_get_boolean_member (reply_object (replayed), "replayed"));
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = kt_test_server_json_id (g_ptr_array_index (bodies, i));
      g_autofree char *next = kt_test_server_case_json (id, 2, SECRET, NULL);
      g_autoptr(Reply) reply = push (f, "ida", next, 1);

      assert_status (reply, SOUP_STATUS_OK);
      if (i == 4)
        last = g_steal_pointer (&next);
    }

  kt_test_server_stop (f->server);
  kt_test_server_restart (f->server);
  {
    g_autoptr(Reply) again = push (f, "ida", last, 1);
    assert_status (again, SOUP_STATUS_OK);
    g_assert_true (json_object_get_boolean_member (reply_object (again), "replayed"));
  }

  pulled = call (f, "GET", "/changes", "ida", NULL);
  assert_status (pulled, SOUP_STATUS_OK);
  records = json_object_get_array_member (reply_object (pulled), "records");
  g_assert_cmpuint (json_array_get_length (records), ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (records, i), "rev"), ==, 2);
}

/* Tests: transport */

static gboolean
accept_any_certificate (SoupMessage          *msg,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              user_data)
{
  return TRUE;
}

static void
test_tls_serves_https (void)
{
  g_autofree char *cert = kt_test_source_path ("tests/server/data/test-server.pem");
  g_autofree char *key = kt_test_source_path ("tests/server/data/test-server.key");
  g_autofree char *config = g_strdup_printf ("[server]\ntls-cert=%s\ntls-key=%s\n", cert, key);
  g_autoptr(KtTestServer) server = kt_test_server_start_full (NULL, users, config);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (kt_test_server_get_url (server), "/api/v1/health", NULL);
  g_autofree char *plain_url = NULL;
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(SoupMessage) untrusted = soup_message_new ("GET", url);
  g_autoptr(SoupMessage) plain = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) refused = NULL;
  g_autoptr(GBytes) plain_body = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (kt_test_server_get_url (server), "https://127.0.0.1:"));
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (g_bytes_get_data (body, NULL), "\"ok\""));

  /* without trust in the certificate, no request goes through */
  g_clear_object (&session);
  session = soup_session_new ();
  refused = soup_session_send_and_read (session, untrusted, NULL, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);

  /* and nothing answers in plain HTTP on the TLS port */
  plain_url = g_strconcat ("http", url + strlen ("https"), NULL);
  plain = soup_message_new ("GET", plain_url);
  plain_body = soup_session_send_and_read (session, plain, NULL, &error);
  g_assert_true (error != NULL || soup_message_get_status (plain) != SOUP_STATUS_OK);
}

static void
test_silent_connections_are_dropped (void)
{
  g_autoptr(KtTestServer) server = kt_test_server_start_full (NULL, NULL, "[server]\nrequest-timeout=1\n");
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = kt_test_server_get_url (server);
  const char *partial = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  GSocket *socket;
  char buffer[256];
  gssize got;
  gint64 start;

  connection = g_socket_client_connect_to_host (client, url + strlen ("http://"), 0, NULL, &error);
  g_assert_no_error (error);
  socket = g_socket_connection_get_socket (connection);
  g_socket_set_timeout (socket, 10);
  g_assert_cmpint (g_socket_send (socket, partial, strlen (partial), NULL, &error), ==, strlen (partial));
  start = g_get_monotonic_time ();
  /* a slow client that never finishes its headers is cut off */
  got = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
  g_assert_true (got == 0 || error != NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 8 * G_USEC_PER_SEC);
}

/* Tests: the command line */

static void
test_plain_http_off_loopback_is_refused (void)
{
  g_autofree char *binary = kt_test_build_path ("src/server/keukentafel-server");
  g_autofree char *err = NULL;
  int status;
  GError *error = NULL;
  const char *addresses[] = { "0.0.0.0:0", "192.0.2.10:0", "[::]:0" };

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      const char *argv[] = { binary, "serve", "--database", "sqlite:///nonexistent/never.db",
                             "--listen", addresses[i], NULL };

      g_clear_pointer (&err, g_free);
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                   NULL, NULL, NULL, &err, &status, &error));
      g_assert_no_error (error);
      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (err, "plain HTTP"));
    }
}

/* Key directory */

typedef struct {
  KtKey *secret;
  char  *phrase;
  char  *public_key;   /* base64 */
  char  *bundle;       /* base64 */
} AccountKeys;

static void
account_keys_clear (AccountKeys *keys)
{
  g_clear_pointer (&keys->secret, kt_key_free);
  g_clear_pointer (&keys->phrase, kt_recovery_phrase_free);
  g_clear_pointer (&keys->public_key, g_free);
  g_clear_pointer (&keys->bundle, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AccountKeys, account_keys_clear)

/* A key pair and its recovery bundle, as a first device makes them (the
 * cheapest Argon2id: the server never opens the bundle). */
static void
account_keys_make (AccountKeys *keys)
{
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GBytes) bundle = NULL;

  keys->secret = kt_key_new_random ();
  keys->phrase = kt_recovery_phrase_new ();
  public_key = kt_crypto_public_key (keys->secret);
  bundle = kt_crypto_seal_recovery_bundle (keys->secret, keys->phrase,
                                           crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  keys->public_key = g_base64_encode (g_bytes_get_data (public_key, NULL), g_bytes_get_size (public_key));
  keys->bundle = g_base64_encode (g_bytes_get_data (bundle, NULL), g_bytes_get_size (bundle));
}

static Reply *
publish (Fixture    *f,
         const char *user,
         const char *public_key,
         const char *bundle)
{
  g_autofree char *body = g_strdup_printf ("{\"public_key\":\"%s\",\"recovery_bundle\":\"%s\"}",
                                           public_key, bundle);

  return call (f, "PUT", "/keys/me", user, body);
}

static void
assert_published (Fixture    *f,
                  const char *user,
                  const char *public_key,
                  const char *bundle,
                  const char *published)
{
  g_autoptr(Reply) reply = publish (f, user, public_key, bundle);

  assert_status (reply, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "username"), ==, user);
  g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "published"), ==, published);
}

/* username=public_key;… of @user's team directory, in order. */
static char *
team_keys_of (Fixture    *f,
              const char *user)
{
  g_autoptr(Reply) reply = call (f, "GET", "/team/keys", user, NULL);
  GString *out = g_string_new (NULL);
  JsonArray *keys;

  assert_status (reply, SOUP_STATUS_OK);
  keys = json_object_get_array_member (reply_object (reply), "keys");
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonObject *key = json_array_get_object_element (keys, i);

      g_assert_cmpint (json_object_get_int_member (key, "published"), >, 0);
      g_assert_nonnull (json_object_get_string_member (key, "role"));
      /* with a name (the username when the administrator gave none), so a
       * coach's app names the supervisor who reviewed her plan */
      if (g_str_equal (json_object_get_string_member (key, "username"), "anna"))
        g_assert_cmpstr (json_object_get_string_member (key, "display_name"), ==, "Anna de Coach");
      else
        g_assert_cmpstr (json_object_get_string_member (key, "display_name"), ==,
                         json_object_get_string_member (key, "username"));
      g_string_append_printf (out, "%s=%s;", json_object_get_string_member (key, "username"),
                              json_object_get_string_member (key, "public_key"));
    }
  return g_string_free (out, FALSE);
}

static void
test_keys_directory_is_the_teams (Fixture       *f,
                                  gconstpointer  data)
{
  g_auto(AccountKeys) anna = { 0, };
  g_auto(AccountKeys) sara = { 0, };
  g_auto(AccountKeys) zoe = { 0, };
  g_autofree char *noord = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *zuid = NULL;
  g_autofree char *zuid_expected = NULL;
  g_autoptr(Reply) anonymous = call (f, "GET", "/team/keys", NULL, NULL);
  g_autoptr(Reply) empty = NULL;

  account_keys_make (&anna);
  account_keys_make (&sara);
  account_keys_make (&zoe);
  assert_refused (anonymous, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  empty = call (f, "GET", "/team/keys", "ida", NULL);
  assert_status (empty, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (empty), "keys")), ==, 0);

  assert_published (f, "anna", anna.public_key, anna.bundle, "new");
  assert_published (f, "sara", sara.public_key, sara.bundle, "new");
  assert_published (f, "zoe", zoe.public_key, zoe.bundle, "new");

  /* Every role of noord sees noord's keys, and no key of zuid. */
  expected = g_strdup_printf ("anna=%s;sara=%s;", anna.public_key, sara.public_key);
  zuid_expected = g_strdup_printf ("zoe=%s;", zoe.public_key);
  for (guint i = 0; i < 4; i++)
    {
      static const char * const readers[] = { "anna", "bert", "ida", "sara" };
      g_autofree char *seen = team_keys_of (f, readers[i]);

      g_assert_cmpstr (seen, ==, expected);
    }
  zuid = team_keys_of (f, "zara");
  g_assert_cmpstr (zuid, ==, zuid_expected);
  noord = team_keys_of (f, "zeno");
  g_assert_cmpstr (noord, ==, zuid_expected);

  /* A member taken off the team (disabled) is no reader of what comes
   * next: the directory no longer hands out their key. */
  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "user", "disable", "sara", NULL },
                                         NULL, NULL), ==, 0);
  {
    g_autofree char *after = team_keys_of (f, "anna");
    g_autofree char *anna_only = g_strdup_printf ("anna=%s;", anna.public_key);

    g_assert_cmpstr (after, ==, anna_only);
  }
}

static void
test_keys_publishing_says_what_changed (Fixture       *f,
                                        gconstpointer  data)
{
  g_auto(AccountKeys) first = { 0, };
  g_auto(AccountKeys) second = { 0, };
  g_autofree char *rebundled = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GBytes) public_key = NULL;

  account_keys_make (&first);
  account_keys_make (&second);

  assert_published (f, "bert", first.public_key, first.bundle, "new");
  assert_published (f, "bert", first.public_key, first.bundle, "same");
  /* a new phrase for the same key */
  bundle = kt_crypto_seal_recovery_bundle (first.secret, second.phrase,
                                           crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  rebundled = g_base64_encode (g_bytes_get_data (bundle, NULL), g_bytes_get_size (bundle));
  assert_published (f, "bert", first.public_key, rebundled, "new_bundle");
  /* another key: taken, and said so, for the colleagues' devices to warn */
  assert_published (f, "bert", second.public_key, second.bundle, "replaced");

  seen = team_keys_of (f, "sara");
  expected = g_strdup_printf ("bert=%s;", second.public_key);
  g_assert_cmpstr (seen, ==, expected);
  public_key = kt_crypto_public_key (second.secret);
  g_assert_cmpuint (g_bytes_get_size (public_key), ==, KT_PUBLIC_KEY_SIZE);
}

static void
test_keys_recovery_bundle_is_its_owners (Fixture       *f,
                                         gconstpointer  data)
{
  g_auto(AccountKeys) anna = { 0, };
  g_autoptr(Reply) none = NULL;
  g_autoptr(Reply) own = NULL;
  g_autoptr(Reply) anonymous = call (f, "GET", "/keys/me/recovery", NULL, NULL);
  g_autoptr(Reply) directory = NULL;
  g_autoptr(KtKey) restored = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GBytes) restored_public = NULL;
  g_autofree char *restored_text = NULL;
  g_autofree guchar *decoded = NULL;
  gsize size = 0;
  KtUnwrapResult result = KT_UNWRAP_MALFORMED;

  account_keys_make (&anna);
  assert_refused (anonymous, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
  none = call (f, "GET", "/keys/me/recovery", "anna", NULL);
  assert_refused (none, SOUP_STATUS_NOT_FOUND, "not_found");

  assert_published (f, "anna", anna.public_key, anna.bundle, "new");
  own = call (f, "GET", "/keys/me/recovery", "anna", NULL);
  assert_status (own, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (reply_object (own), "recovery_bundle"), ==, anna.bundle);
  /* Nobody else gets it: the route names no account. */
  {
    g_autoptr(Reply) others = call (f, "GET", "/keys/me/recovery", "sara", NULL);
    assert_refused (others, SOUP_STATUS_NOT_FOUND, "not_found");
    directory = call (f, "GET", "/team/keys", "sara", NULL);
    g_assert_null (strstr (directory->text, anna.bundle));
  }

  /* A new device: the bundle from the server and the phrase from paper
   * give the key the directory has. */
  decoded = g_base64_decode (json_object_get_string_member (reply_object (own), "recovery_bundle"), &size);
  bundle = g_bytes_new (decoded, size);
  restored = kt_crypto_open_recovery_bundle (bundle, anna.phrase, &result);
  g_assert_cmpint (result, ==, KT_UNWRAP_OK);
  restored_public = kt_crypto_public_key (restored);
  restored_text = g_base64_encode (g_bytes_get_data (restored_public, NULL), g_bytes_get_size (restored_public));
  g_assert_cmpstr (restored_text, ==, anna.public_key);
}

static void
test_keys_bad_input_is_refused (Fixture       *f,
                                gconstpointer  data)
{
  g_auto(AccountKeys) keys = { 0, };
  g_autofree char *short_key = NULL;
  g_autofree char *spaced = NULL;
  g_autofree char *bang = NULL;
  g_autoptr(Reply) after = NULL;

  account_keys_make (&keys);
  short_key = g_strndup (keys.public_key, strlen (keys.public_key) - 4);
  spaced = g_strdup (keys.public_key);
  spaced[5] = ' ';
  bang = g_strdup (keys.bundle);
  bang[0] = '!';

  {
    static const char *fields[] = { "public_key", "public_key", "public_key", "recovery_bundle",
                                    "recovery_bundle", "public_key" };
    const char *pairs[][2] = {
      { short_key, keys.bundle },
      { spaced, keys.bundle },
      { keys.bundle, keys.bundle },    /* a bundle where the key goes */
      { keys.public_key, bang },
      { keys.public_key, keys.public_key },
      { "", keys.bundle },
    };

    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
      {
        g_autoptr(Reply) reply = publish (f, "anna", pairs[i][0], pairs[i][1]);

        assert_refused (reply, SOUP_STATUS_BAD_REQUEST, "bad_request");
        g_assert_cmpstr (error_field (reply), ==, fields[i]);
      }
  }
  {
    g_autoptr(Reply) missing = call (f, "PUT", "/keys/me", "anna", "{\"public_key\":1}");
    g_autoptr(Reply) not_json = call (f, "PUT", "/keys/me", "anna", "public_key");

    assert_refused (missing, SOUP_STATUS_BAD_REQUEST, "bad_request");
    assert_refused (not_json, SOUP_STATUS_BAD_REQUEST, "bad_request");
  }
  /* none of it was kept */
  after = call (f, "GET", "/team/keys", "anna", NULL);
  assert_status (after, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (after), "keys")), ==, 0);
}

/* Sealed records */

/* The key pairs of the noord accounts in a sealed test, published. */
typedef struct {
  AccountKeys anna, bert, ida, sara;
} Team;

static void
team_clear (Team *t)
{
  account_keys_clear (&t->anna);
  account_keys_clear (&t->bert);
  account_keys_clear (&t->ida);
  account_keys_clear (&t->sara);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Team, team_clear)

static AccountKeys *
team_get (Team       *t,
          const char *user)
{
  if (g_str_equal (user, "anna"))
    return &t->anna;
  if (g_str_equal (user, "bert"))
    return &t->bert;
  if (g_str_equal (user, "ida"))
    return &t->ida;
  g_assert_cmpstr (user, ==, "sara");
  return &t->sara;
}

/* Makes @user's key pair and publishes it. */
static void
team_publish (Fixture    *f,
              Team       *t,
              const char *user)
{
  AccountKeys *keys = team_get (t, user);
  g_autoptr(Reply) reply = NULL;

  if (keys->secret == NULL)
    account_keys_make (keys);
  reply = publish (f, user, keys->public_key, keys->bundle);
  assert_status (reply, SOUP_STATUS_OK);
}

/* What a sealed record says in the clear. */
typedef struct {
  const char *id;
  KtKind      kind;
  gint64      rev;
  const char *case_id;
  const char *coach;
  const char *intaker;
  const char *review;
  const char *phase;
  gint64      due;
} Routing;

/* The wire form of a record whose @plaintext is sealed with the core's
 * crypto by @sender to @readers (NULL-terminated, by name), written by the
 * core's writer (transfer full). */
static char *
sealed_json (Team               *t,
             const Routing      *r,
             const char         *plaintext,
             const char         *sender,
             const char * const *readers)
{
  g_autoptr(KtSyncRecord) record = kt_sync_record_new ();
  g_autoptr(GBytes) ad = kt_crypto_record_ad (r->id, r->kind, r->rev, "body");
  g_autoptr(GBytes) text = g_bytes_new (plaintext, strlen (plaintext));
  g_autoptr(GPtrArray) publics = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) sealed_keys = NULL;
  g_autoptr(GBytes) json = NULL;

  for (guint i = 0; readers[i] != NULL; i++)
    g_ptr_array_add (publics, kt_crypto_public_key (team_get (t, readers[i])->secret));
  record->id = g_strdup (r->id);
  record->kind = r->kind;
  record->rev = r->rev;
  record->case_id = g_strdup (r->case_id);
  record->coach = g_strdup (r->coach);
  record->intaker = g_strdup (r->intaker);
  record->review = g_strdup (r->review);
  record->phase = g_strdup (r->phase);
  record->due = r->due;
  record->sealed = kt_crypto_seal_for_readers (ad, text, team_get (t, sender)->secret, publics, &sealed_keys);
  g_assert_nonnull (record->sealed);
  record->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sealed_key_free);
  for (guint i = 0; readers[i] != NULL; i++)
    g_ptr_array_add (record->keys, kt_sealed_key_new (readers[i], sender, g_ptr_array_index (sealed_keys, i)));
  json = kt_sync_record_encode (record);
  return g_strndup (g_bytes_get_data (json, NULL), g_bytes_get_size (json));
}

/* PUT of the wire form @record over @base by @user. */
static Reply *
push_wire (Fixture    *f,
           const char *user,
           const char *id,
           const char *record,
           gint64      base)
{
  g_autofree char *path = g_strconcat ("/records/", id, NULL);
  g_autofree char *if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", base);

  return call_full (f, "PUT", path, g_hash_table_lookup (f->tokens, user), if_match, record, strlen (record));
}

/* The member "sealed" of the record @object, as JSON text (transfer full). */
static char *
sealed_member (JsonObject *object)
{
  return json_to_string (json_object_get_member (object, "sealed"), FALSE);
}

/* Opens the sealed record @object as @reader, with the key @sender gave
 * it: the plaintext, or NULL (transfer full). */
static char *
open_as (Team       *t,
         JsonObject *object,
         const char *reader)
{
  JsonObject *sealed = json_object_get_object_member (object, "sealed");
  JsonArray *keys = json_object_get_array_member (sealed, "keys");
  g_autoptr(GBytes) ad = NULL;
  g_autoptr(GBytes) body = NULL;
  KtKind kind;

  g_assert_true (kt_kind_from_string (json_object_get_string_member (object, "kind"), &kind));
  ad = kt_crypto_record_ad (json_object_get_string_member (object, "id"), kind,
                            json_object_get_int_member (object, "rev"), "body");
  {
    gsize len = 0;
    guchar *data = g_base64_decode (json_object_get_string_member (sealed, "body"), &len);

    body = g_bytes_new_take (data, len);
  }
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonObject *entry = json_array_get_object_element (keys, i);
      g_autoptr(GBytes) key = NULL;
      g_autoptr(GBytes) sender_public = NULL;
      g_autoptr(GBytes) plain = NULL;

      if (!g_str_equal (json_object_get_string_member (entry, "reader"), reader))
        continue;
      key = kt_crypto_base64_decode_exact (json_object_get_string_member (entry, "key"), KT_SEALED_KEY_SIZE);
      sender_public = kt_crypto_public_key (team_get (t, json_object_get_string_member (entry, "sender"))->secret);
      plain = kt_crypto_open_for_reader (ad, body, key, sender_public, team_get (t, reader)->secret);
      return plain != NULL ? g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain)) : NULL;
    }
  return NULL;
}

#define READERS(...) ((const char * const []) { __VA_ARGS__, NULL })

/* An intaker registers a sealed case; it is stored and served byte for
 * byte as it came, with its routing metadata, to every reader, in the
 * change feed too; the same push again is a replay, and another at the
 * same revision a conflict, each with the stored copy. */
static void
test_sealed_round_trips_byte_for_byte (Fixture       *f,
                                       gconstpointer  data)
{
  g_auto(Team) t = { 0 };
  g_autofree char *id = g_uuid_string_random ();
  Routing r = { id, KT_KIND_CASE, 1, NULL, NULL, "ida", NULL, "intake", 1766000000 };
  g_autofree char *record = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *got = NULL;
  g_autofree char *pulled = NULL;
  g_autofree char *opened = NULL;
  g_autoptr(JsonNode) sent_node = NULL;
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) read = NULL;
  g_autoptr(Reply) changes = NULL;
  g_autoptr(Reply) again = NULL;
  g_autofree char *other = NULL;
  g_autoptr(Reply) conflict = NULL;
  JsonObject *object;
  JsonObject *server_copy;

  team_publish (f, &t, "ida");
  team_publish (f, &t, "sara");
  record = sealed_json (&t, &r, "{\"household\":\"" SECRET "\"}", "ida", READERS ("ida", "sara"));
  sent_node = json_from_string (record, NULL);
  sent = sealed_member (json_node_get_object (sent_node));

  created = push_wire (f, "ida", id, record, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  read = call_on (f, "GET", "/records/", id, "", "sara", NULL);
  assert_status (read, SOUP_STATUS_OK);
  object = reply_object (read);
  got = sealed_member (object);
  g_assert_cmpstr (got, ==, sent);
  g_assert_false (json_object_has_member (object, "body"));
  g_assert_cmpstr (json_object_get_string_member (object, "intaker"), ==, "ida");
  g_assert_cmpstr (json_object_get_string_member (object, "phase"), ==, "intake");
  g_assert_cmpint (json_object_get_int_member (object, "due"), ==, 1766000000);
  g_assert_false (json_object_has_member (object, "coach"));
  g_assert_cmpstr (json_object_get_string_member (object, "author"), ==, "ida");
  g_assert_null (strstr (read->text, SECRET));
  opened = open_as (&t, object, "sara");
  g_assert_cmpstr (opened, ==, "{\"household\":\"" SECRET "\"}");

  changes = call (f, "GET", "/changes?since=0", "sara", NULL);
  assert_status (changes, SOUP_STATUS_OK);
  pulled = sealed_member (json_array_get_object_element (json_object_get_array_member (reply_object (changes), "records"), 0));
  g_assert_cmpstr (pulled, ==, sent);

  /* a push decides on the stored record's head; a replay and a conflict
   * answer with its whole copy: body and key entries, as they were sent */
  again = push_wire (f, "ida", id, record, 0);
  assert_status (again, SOUP_STATUS_OK);
  g_assert_true (json_object_get_boolean_member (reply_object (again), "replayed"));
  g_clear_pointer (&got, g_free);
  got = sealed_member (reply_object (again));
  g_assert_cmpstr (got, ==, sent);
  other = sealed_json (&t, &r, "{\"household\":\"anders\"}", "ida", READERS ("ida", "sara"));
  conflict = push_wire (f, "ida", id, other, 0);
  assert_status (conflict, SOUP_STATUS_CONFLICT);
  server_copy = json_object_get_object_member (reply_object (conflict), "server");
  g_clear_pointer (&got, g_free);
  got = sealed_member (server_copy);
  g_assert_cmpstr (got, ==, sent);
  g_clear_pointer (&opened, g_free);
  opened = open_as (&t, server_copy, "sara");
  g_assert_cmpstr (opened, ==, "{\"household\":\"" SECRET "\"}");
}

/* A new revision's key entries replace the last one's: a reader left out
 * has no key any more, a reader kept gets the new content key, a reader
 * taken in again gets one (on PostgreSQL the record and its entries are
 * written by one statement). */
static void
test_sealed_new_revision_replaces_keys (Fixture       *f,
                                        gconstpointer  data)
{
  g_auto(Team) t = { 0 };
  g_autofree char *id = g_uuid_string_random ();
  Routing r = { id, KT_KIND_CASE, 1, NULL, NULL, "ida", NULL, NULL, 0 };
  const char *bodies[] = { "{\"v\":1}", "{\"v\":2}", "{\"v\":3}" };
  const char * const *readers[] = { READERS ("ida", "sara"), READERS ("ida"), READERS ("sara", "ida") };

  team_publish (f, &t, "ida");
  team_publish (f, &t, "sara");
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *record = NULL;
      g_autoptr(Reply) pushed = NULL;
      g_autoptr(Reply) as_ida = NULL;
      g_autoptr(Reply) as_sara = NULL;
      g_autofree char *ida_opened = NULL;
      g_autofree char *sara_opened = NULL;

      r.rev = i + 1;
      record = sealed_json (&t, &r, bodies[i], "ida", readers[i]);
      pushed = push_wire (f, "ida", id, record, i);
      assert_status (pushed, i == 0 ? SOUP_STATUS_CREATED : SOUP_STATUS_OK);
      as_ida = call_on (f, "GET", "/records/", id, "", "ida", NULL);
      assert_status (as_ida, SOUP_STATUS_OK);
      ida_opened = open_as (&t, reply_object (as_ida), "ida");
      g_assert_cmpstr (ida_opened, ==, bodies[i]);
      as_sara = call_on (f, "GET", "/records/", id, "", "sara", NULL);
      assert_status (as_sara, SOUP_STATUS_OK);
      sara_opened = open_as (&t, reply_object (as_sara), "sara");
      g_assert_cmpstr (sara_opened, ==, i == 1 ? NULL : bodies[i]);
    }
}

/* The number @sql (one row, one column) gives on the server's PostgreSQL
 * database, asked with psql. */
static gint64
sql_number (Fixture    *f,
            const char *sql)
{
  const char *argv[] = { "psql", "-qtA", "-v", "ON_ERROR_STOP=1", kt_test_server_get_database (f->server),
                         "-c", sql, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", sql, err);
  return g_ascii_strtoll (out, NULL, 10);
}

/* Waits (turning the main context, where a pull may be under way) until
 * @sql gives @expected. */
static void
wait_for_sql (Fixture    *f,
              const char *sql,
              gint64      expected)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (sql_number (f, sql) != expected)
    {
      if (g_get_monotonic_time () > end)
        g_error ("%s never gave %" G_GINT64_FORMAT, sql, expected);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (20 * 1000);
    }
}

#define KEYS_LOCKED "SELECT count(*) FROM pg_locks WHERE relation = 'record_keys'::regclass AND mode = 'AccessExclusiveLock' AND granted"
#define KEYS_WAITED "SELECT count(*) FROM pg_locks WHERE relation = 'record_keys'::regclass AND NOT granted"

/* A pull's page and the key entries of its records are read in one
 * snapshot on PostgreSQL (one statement).  The test's own session holds
 * record_keys locked while the pull waits for it, and meanwhile moves the
 * page's first record to a later position in the feed and commits, as a
 * new revision of it stored by another server process does.  When the page
 * and the keys were two statements, each with a snapshot of its own, the
 * page was read before the wait and the pull sent that record without its
 * key entries: the keys' statement, which named the page by the same query,
 * no longer found it on the page.  One statement takes its locks before it
 * reads, so it reads after the move; whichever record comes first must come
 * with its keys. */
static void
test_sealed_pull_is_one_snapshot (Fixture       *f,
                                  gconstpointer  data)
{
  g_auto(Team) t = { 0 };
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SoupSession) puller = soup_session_new ();
  g_autoptr(GSubprocess) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) warm = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *url = NULL;
  g_autofree char *bearer = NULL;
  g_autofree char *move = NULL;
  g_autofree char *opened = NULL;
  g_auto(Held) pull = { 0, };
  GOutputStream *input;
  JsonObject *first;

  team_publish (f, &t, "ida");
  team_publish (f, &t, "sara");
  for (guint i = 0; i < 3; i++)
    {
      char *id = g_uuid_string_random ();
      Routing r = { id, KT_KIND_CASE, 1, NULL, NULL, "ida", NULL, NULL, 0 };
      g_autofree char *record = sealed_json (&t, &r, "{\"v\":1}", "ida", READERS ("ida", "sara"));
      g_autoptr(Reply) pushed = push_wire (f, "ida", id, record, 0);

      assert_status (pushed, SOUP_STATUS_CREATED);
      g_ptr_array_add (ids, id);
    }
  /* the same pull once before: its statements are prepared by then (a
   * statement's preparing would wait for the lock before the page is read) */
  warm = call (f, "GET", "/changes?since=0&limit=1", "sara", NULL);
  assert_status (warm, SOUP_STATUS_OK);

  session = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                              "psql", "-q", "-v", "ON_ERROR_STOP=1", kt_test_server_get_database (f->server), NULL);
  g_assert_no_error (error);
  input = g_subprocess_get_stdin_pipe (session);
  g_assert_true (g_output_stream_write_all (input, "BEGIN; LOCK TABLE record_keys IN ACCESS EXCLUSIVE MODE;\n",
                                            strlen ("BEGIN; LOCK TABLE record_keys IN ACCESS EXCLUSIVE MODE;\n"),
                                            NULL, NULL, &error));
  g_assert_no_error (error);
  wait_for_sql (f, KEYS_LOCKED, 1);

  /* a page of one (the server reads two, to know there is more): the
   * first two records before the move; after it, the second and the third */
  url = g_strdup_printf ("%s/api/v1/changes?since=0&limit=1", kt_test_server_get_url (f->server));
  bearer = g_strconcat ("Bearer ", (char *) g_hash_table_lookup (f->tokens, "sara"), NULL);
  pull.msg = soup_message_new ("GET", url);
  soup_message_headers_replace (soup_message_get_request_headers (pull.msg), "Authorization", bearer);
  soup_session_send_and_read_async (puller, pull.msg, G_PRIORITY_DEFAULT, NULL, on_held_answered, &pull);
  wait_for_sql (f, KEYS_WAITED, 1);

  move = g_strdup_printf ("UPDATE records SET seq = nextval('record_seq') WHERE id = '%s'; COMMIT;\n",
                          (char *) g_ptr_array_index (ids, 0));
  g_assert_true (g_output_stream_write_all (input, move, strlen (move), NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (input, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (session, NULL, &error));
  g_assert_no_error (error);

  while (!pull.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (pull.error);
  g_assert_cmpuint (soup_message_get_status (pull.msg), ==, SOUP_STATUS_OK);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (pull.bytes, NULL),
                                             g_bytes_get_size (pull.bytes), NULL));
  first = json_array_get_object_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                                       "records"), 0);
  g_assert_true (g_str_equal (json_object_get_string_member (first, "id"), g_ptr_array_index (ids, 0)) ||
                 g_str_equal (json_object_get_string_member (first, "id"), g_ptr_array_index (ids, 1)));
  opened = open_as (&t, first, "sara");
  g_assert_cmpstr (opened, ==, "{\"v\":1}");
}

/* One push of a burst, sent without waiting for the ones before. */
typedef struct {
  SoupMessage *msg;
  GBytes      *bytes;
  GError      *error;
  gboolean     done;
} BurstPush;

static void
on_burst_answered (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  BurstPush *push = user_data;

  push->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &push->error);
  push->done = TRUE;
}

#define BURST_CASES 12
#define BURST_RACERS 3

/* Pushes that arrive together share a group (PostgreSQL gets the group's
 * reads in one round trip and its writes in another): each push keeps its
 * own revision check and its own key entries, a plan of a case changed in
 * the same group sees the case, and each record is in the change feed once. */
static void
test_sealed_pushes_together (Fixture       *f,
                             gconstpointer  data)
{
  g_auto(Team) t = { 0 };
  g_autoptr(SoupSession) burst = g_object_new (SOUP_TYPE_SESSION, "max-conns", 64,
                                               "max-conns-per-host", 64, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) plan_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) stored = g_ptr_array_new_with_free_func (g_free);  /* a case's body that won */
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  BurstPush pushes[BURST_CASES * 2 + BURST_RACERS] = { { 0 } };
  g_autofree char *token = NULL;
  g_autofree char *bearer = NULL;
  g_autoptr(Reply) all = NULL;
  JsonArray *records;
  guint n = 0, won = 0, conflicts = 0;

  team_publish (f, &t, "anna");
  team_publish (f, &t, "sara");
  token = g_strdup (g_hash_table_lookup (f->tokens, "anna"));
  bearer = g_strconcat ("Bearer ", token, NULL);
  for (guint i = 0; i < BURST_CASES; i++)
    {
      char *id = g_uuid_string_random ();
      Routing r = { id, KT_KIND_CASE, 1, NULL, "anna", NULL, NULL, NULL, 0 };
      g_autofree char *record = sealed_json (&t, &r, "{\"v\":1}", "anna", READERS ("anna", "sara"));
      g_autoptr(Reply) created = push_wire (f, "anna", id, record, 0);

      assert_status (created, SOUP_STATUS_CREATED);
      g_ptr_array_add (ids, id);
      g_ptr_array_add (plan_ids, g_uuid_string_random ());
      g_ptr_array_add (stored, NULL);
    }

  /* Each case's revision 2 (the odd ones for anna alone), a new plan of
   * each, and more revisions 2 of the first case: all at once. */
  for (guint i = 0; i < BURST_CASES + BURST_RACERS; i++)
    {
      guint c = i < BURST_CASES ? i : 0;
      Routing r = { ids->pdata[c], KT_KIND_CASE, 2, NULL, "anna", NULL, NULL, NULL, 0 };
      Routing plan = { plan_ids->pdata[c], KT_KIND_PLAN, 1, ids->pdata[c], NULL, NULL, "draft", NULL, 0 };
      g_autofree char *body = g_strdup_printf ("{\"case\":%u,\"push\":%u}", c, i);
      g_autofree char *plan_body = g_strdup_printf ("{\"plan\":%u}", c);

      for (guint part = 0; part < (i < BURST_CASES ? 2 : 1); part++)
        {
          g_autofree char *record = part == 0
                                    ? sealed_json (&t, &r, body, "anna",
                                                   c % 2 == 1 ? READERS ("anna") : READERS ("anna", "sara"))
                                    : sealed_json (&t, &plan, plan_body, "anna", READERS ("anna", "sara"));
          g_autofree char *url = g_strconcat (kt_test_server_get_url (f->server), "/api/v1/records/",
                                              part == 0 ? ids->pdata[c] : plan_ids->pdata[c], NULL);

          pushes[n].msg = kt_test_server_message_new ("PUT", url, token, part == 0 ? "\"1\"" : "\"0\"",
                                                      record, strlen (record));
          soup_session_send_and_read_async (burst, pushes[n].msg, G_PRIORITY_DEFAULT, NULL,
                                            on_burst_answered, &pushes[n]);
          n++;
        }
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (pushes));
  for (guint i = 0; i < n; i++)
    while (!pushes[i].done)
      g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < n; i++)
    {
      const char *path = g_uri_get_path (soup_message_get_uri (pushes[i].msg));
      guint status = soup_message_get_status (pushes[i].msg);
      gboolean is_plan = FALSE;

      g_assert_no_error (pushes[i].error);
      for (guint c = 0; c < BURST_CASES; c++)
        is_plan |= g_str_has_suffix (path, plan_ids->pdata[c]);
      if (is_plan)
        g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
      else if (status == SOUP_STATUS_OK)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          JsonObject *object;
          guint c;
          g_autofree char *opened = NULL;

          g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (pushes[i].bytes, NULL),
                                                     g_bytes_get_size (pushes[i].bytes), NULL));
          object = json_node_get_object (json_parser_get_root (parser));
          g_assert_cmpint (json_object_get_int_member (object, "rev"), ==, 2);
          for (c = 0; c < BURST_CASES && !g_str_equal (json_object_get_string_member (object, "id"), ids->pdata[c]); c++)
            ;
          g_assert_cmpuint (c, <, BURST_CASES);
          g_assert_null (stored->pdata[c]);
          opened = open_as (&t, object, "anna");
          g_assert_nonnull (opened);
          stored->pdata[c] = g_steal_pointer (&opened);
          won++;
        }
      else
        {
          /* the first case's other revisions 2 */
          g_assert_cmpuint (status, ==, SOUP_STATUS_CONFLICT);
          g_assert_true (g_str_has_suffix (path, ids->pdata[0]));
          conflicts++;
        }
    }
  g_assert_cmpuint (won, ==, BURST_CASES);
  g_assert_cmpuint (conflicts, ==, BURST_RACERS);

  /* the feed: each record once, at its stored revision, with the key
   * entries of that revision */
  all = call (f, "GET", "/changes?since=0&limit=500", "anna", NULL);
  assert_status (all, SOUP_STATUS_OK);
  records = json_object_get_array_member (reply_object (all), "records");
  g_assert_cmpuint (json_array_get_length (records), ==, BURST_CASES * 2);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *object = json_array_get_object_element (records, i);
      const char *id = json_object_get_string_member (object, "id");
      g_autofree char *as_anna = open_as (&t, object, "anna");
      g_autofree char *as_sara = open_as (&t, object, "sara");

      g_assert_true (g_hash_table_add (seen, (gpointer) id));
      for (guint c = 0; c < BURST_CASES; c++)
        {
          g_autofree char *plan_body = g_strdup_printf ("{\"plan\":%u}", c);

          if (g_str_equal (id, plan_ids->pdata[c]))
            {
              g_assert_cmpstr (as_anna, ==, plan_body);
              g_assert_cmpstr (as_sara, ==, plan_body);
            }
          if (g_str_equal (id, ids->pdata[c]))
            {
              g_assert_cmpint (json_object_get_int_member (object, "rev"), ==, 2);
              g_assert_cmpstr (as_anna, ==, stored->pdata[c]);
              g_assert_cmpstr (as_sara, ==, c % 2 == 1 ? NULL : stored->pdata[c]);
            }
        }
    }
  for (guint i = 0; i < n; i++)
    {
      g_clear_object (&pushes[i].msg);
      g_clear_pointer (&pushes[i].bytes, g_bytes_unref);
    }
}

/* The server never opens a sealed body: random bytes, keys of random bytes
 * to readers it has no key of, are stored all the same. */
static void
test_sealed_body_is_never_decoded (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  guint8 body[700], key[KT_SEALED_KEY_SIZE];
  g_autofree char *body64 = NULL;
  g_autofree char *key64 = NULL;
  g_autofree char *record = NULL;
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) read = NULL;

  randombytes_buf (body, sizeof body);
  randombytes_buf (key, sizeof key);
  body64 = g_base64_encode (body, sizeof body);
  key64 = g_base64_encode (key, sizeof key);
  record = g_strdup_printf ("{\"id\":\"%s\",\"kind\":\"case\",\"rev\":1,\"case_id\":\"%s\",\"intaker\":\"ida\","
                            "\"sealed\":{\"body\":\"%s\",\"keys\":[{\"reader\":\"ida\",\"sender\":\"ida\",\"key\":\"%s\"}]}}",
                            id, id, body64, key64);
  created = push_wire (f, "ida", id, record, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  read = call_on (f, "GET", "/records/", id, "", "ida", NULL);
  assert_status (read, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply_object (read), "sealed"), "body"),
                   ==, body64);
}

/* One refused push: @user pushes @record (over @base) and gets @status
 * with the error's @field. */
static void
assert_push_refused (Fixture    *f,
                     const char *user,
                     const char *id,
                     const char *record,
                     gint64      base,
                     guint       status,
                     const char *field)
{
  g_autoptr(Reply) reply = push_wire (f, user, id, record, base);

  if (reply->status != status)
    g_error ("expected %u, got %u: %s", status, reply->status, reply->text);
  g_assert_cmpstr (error_field (reply), ==, field);
  g_assert_null (strstr (reply->text, SECRET));
}

/* The write rules hold on the envelope of a sealed record. */
static void
test_sealed_rules_are_kept (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(Team) t = { 0 };
  g_autofree char *case_id = g_uuid_string_random ();
  g_autofree char *plan_id = g_uuid_string_random ();
  g_autofree char *talk_id = g_uuid_string_random ();
  Routing own = { case_id, KT_KIND_CASE, 1, NULL, "anna", NULL, NULL, NULL, 0 };
  g_autofree char *kase = NULL;
  g_autofree char *plaintext_case = NULL;
  g_autoptr(Reply) created = NULL;

  team_publish (f, &t, "anna");
  team_publish (f, &t, "bert");
  team_publish (f, &t, "ida");
  team_publish (f, &t, "sara");

  /* a coach's own case: the coach is the pusher */
  kase = sealed_json (&t, &own, SECRET, "anna", READERS ("anna", "sara"));
  {
    Routing other = own;
    g_autofree char *to_bert = NULL;
    g_autofree char *foreign = sealed_json (&t, &own, SECRET, "sara", READERS ("anna", "sara"));
    g_autofree char *bad_key = NULL;
    g_autoptr(GRegex) key_member = g_regex_new ("\"key\":\"[^\"]*\"", 0, 0, NULL);

    other.coach = "bert";
    to_bert = sealed_json (&t, &other, SECRET, "anna", READERS ("anna", "sara"));
    assert_push_refused (f, "anna", case_id, to_bert, 0, SOUP_STATUS_FORBIDDEN, "coach");
    assert_push_refused (f, "anna", case_id, foreign, 0, SOUP_STATUS_FORBIDDEN, "sealed.keys[0].sender");
    bad_key = g_regex_replace_literal (key_member, kase, -1, 0, "\"key\":\"AAAA\"", 0, NULL);
    assert_push_refused (f, "anna", case_id, bad_key, 0, SOUP_STATUS_BAD_REQUEST, "sealed.keys[0].key");
  }
  {
    /* an intaker's new case has no coach yet */
    g_autofree char *other_id = g_uuid_string_random ();
    Routing assigned = { other_id, KT_KIND_CASE, 1, NULL, "anna", "ida", NULL, NULL, 0 };
    g_autofree char *record = sealed_json (&t, &assigned, SECRET, "ida", READERS ("ida"));

    assert_push_refused (f, "ida", other_id, record, 0, SOUP_STATUS_FORBIDDEN, "coach");
  }
  created = push_wire (f, "anna", case_id, kase, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  /* bert may not write it, nor ida */
  {
    Routing next = own;
    g_autofree char *by_bert = NULL;

    next.rev = 2;
    by_bert = sealed_json (&t, &next, SECRET, "bert", READERS ("anna", "sara"));
    assert_push_refused (f, "bert", case_id, by_bert, 1, SOUP_STATUS_FORBIDDEN, NULL);
  }
  /* an old app does not write a sealed record back in plaintext */
  plaintext_case = kt_test_server_case_json (case_id, 2, SECRET, "anna");
  {
    g_autofree char *wire = envelope (plaintext_case);

    assert_push_refused (f, "anna", case_id, wire, 1, SOUP_STATUS_BAD_REQUEST, "body");
  }
  /* routing that does not fit the kind */
  {
    Routing talk = { talk_id, KT_KIND_CONVERSATION, 1, case_id, "anna", NULL, NULL, NULL, 0 };
    g_autofree char *record = sealed_json (&t, &talk, SECRET, "anna", READERS ("anna", "sara"));

    assert_push_refused (f, "anna", talk_id, record, 0, SOUP_STATUS_BAD_REQUEST, "coach");
  }
  {
    Routing plan = { plan_id, KT_KIND_PLAN, 1, case_id, NULL, NULL, NULL, NULL, 0 };
    g_autofree char *no_review = sealed_json (&t, &plan, SECRET, "anna", READERS ("anna", "sara"));
    g_autofree char *approved = NULL;
    g_autofree char *submitted = NULL;
    g_autofree char *changed = NULL;
    g_autoptr(Reply) sent = NULL;

    assert_push_refused (f, "anna", plan_id, no_review, 0, SOUP_STATUS_BAD_REQUEST, "review");
    /* a coach does not approve */
    plan.review = "approved";
    approved = sealed_json (&t, &plan, SECRET, "anna", READERS ("anna", "sara"));
    assert_push_refused (f, "anna", plan_id, approved, 0, SOUP_STATUS_FORBIDDEN, "review");
    /* a submitted plan is locked */
    plan.review = "submitted";
    submitted = sealed_json (&t, &plan, SECRET, "anna", READERS ("anna", "sara"));
    sent = push_wire (f, "anna", plan_id, submitted, 0);
    assert_status (sent, SOUP_STATUS_CREATED);
    plan.rev = 2;
    plan.review = "draft";
    changed = sealed_json (&t, &plan, SECRET, "anna", READERS ("anna", "sara"));
    {
      g_autoptr(Reply) locked = push_wire (f, "anna", plan_id, changed, 1);

      assert_locked (locked, 1);
      g_assert_nonnull (json_object_get_object_member (json_object_get_object_member (reply_object (locked), "server"),
                                                       "sealed"));
    }
  }
}

/* With accept-plaintext=false only sealed records are taken. */
static void
test_sealed_only_refuses_plaintext (Fixture       *f,
                                    gconstpointer  data)
{
  g_auto(Team) t = { 0 };
  g_autofree char *kase = kt_test_server_case_json (NULL, 1, SECRET, NULL);
  g_autofree char *id = g_uuid_string_random ();
  Routing r = { id, KT_KIND_CASE, 1, NULL, NULL, "ida", NULL, NULL, 0 };
  g_autofree char *sealed = NULL;
  g_autoptr(Reply) plain = NULL;
  g_autoptr(Reply) created = NULL;

  team_publish (f, &t, "ida");
  plain = push (f, "ida", kase, 0);
  assert_refused (plain, SOUP_STATUS_BAD_REQUEST, "bad_request");
  g_assert_cmpstr (error_field (plain), ==, "body");
  g_assert_nonnull (strstr (plain->text, "update the app"));
  sealed = sealed_json (&t, &r, SECRET, "ida", READERS ("ida"));
  created = push_wire (f, "ida", id, sealed, 0);
  assert_status (created, SOUP_STATUS_CREATED);
}

/* Assignment of a sealed case: the intaker's device seals rev+1 to the new
 * coach, who then pulls and opens it; a review the same way. */
static void
test_sealed_assign_and_review (Fixture       *f,
                               gconstpointer  data)
{
  g_auto(Team) t = { 0 };
  g_autofree char *case_id = g_uuid_string_random ();
  g_autofree char *plan_id = g_uuid_string_random ();
  Routing r = { case_id, KT_KIND_CASE, 1, NULL, NULL, "ida", NULL, "intake", 0 };
  g_autofree char *kase = NULL;
  g_autofree char *assign_path = g_strdup_printf ("/cases/%s/assign", case_id);
  g_autofree char *review_path = g_strdup_printf ("/plans/%s/review", plan_id);
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) assigned = NULL;
  g_autoptr(Reply) plan = NULL;
  g_autoptr(Reply) reviewed = NULL;
  g_autoptr(Reply) approved_list = NULL;
  g_autoptr(Reply) changes = NULL;
  g_autofree char *opened = NULL;

  team_publish (f, &t, "anna");
  team_publish (f, &t, "ida");
  team_publish (f, &t, "sara");
  kase = sealed_json (&t, &r, SECRET, "ida", READERS ("ida", "sara"));
  created = push_wire (f, "ida", case_id, kase, 0);
  assert_status (created, SOUP_STATUS_CREATED);

  {
    /* without its sealed revision a sealed case is not assigned */
    g_autoptr(Reply) bare = call (f, "POST", assign_path, "ida", "{\"coach\":\"anna\"}");
    Routing next = r;
    g_autofree char *to_bert = NULL;
    g_autofree char *stale = NULL;
    g_autofree char *foreign = NULL;
    g_autofree char *body = NULL;

    assert_refused (bare, SOUP_STATUS_BAD_REQUEST, "bad_request");
    g_assert_cmpstr (error_field (bare), ==, "record");
    next.rev = 2;
    next.coach = "bert";
    to_bert = sealed_json (&t, &next, SECRET, "ida", READERS ("anna", "ida", "sara"));
    body = g_strdup_printf ("{\"coach\":\"anna\",\"record\":%s}", to_bert);
    {
      g_autoptr(Reply) reply = call (f, "POST", assign_path, "ida", body);

      assert_refused (reply, SOUP_STATUS_BAD_REQUEST, "bad_request");
      g_assert_cmpstr (error_field (reply), ==, "record.coach");
    }
    next.coach = "anna";
    next.rev = 3;
    stale = sealed_json (&t, &next, SECRET, "ida", READERS ("anna", "ida", "sara"));
    g_free (body);
    body = g_strdup_printf ("{\"coach\":\"anna\",\"record\":%s}", stale);
    {
      g_autoptr(Reply) reply = call (f, "POST", assign_path, "ida", body);

      assert_status (reply, SOUP_STATUS_CONFLICT);
    }
    next.rev = 2;
    foreign = sealed_json (&t, &next, SECRET, "sara", READERS ("anna", "ida", "sara"));
    g_free (body);
    body = g_strdup_printf ("{\"coach\":\"anna\",\"record\":%s}", foreign);
    {
      g_autoptr(Reply) reply = call (f, "POST", assign_path, "ida", body);

      assert_refused (reply, SOUP_STATUS_FORBIDDEN, "forbidden");
      g_assert_cmpstr (error_field (reply), ==, "record.sealed.keys[0].sender");
    }
  }
  {
    Routing next = r;
    g_autofree char *record = NULL;
    g_autofree char *body = NULL;

    next.rev = 2;
    next.coach = "anna";
    record = sealed_json (&t, &next, SECRET, "ida", READERS ("anna", "ida", "sara"));
    body = g_strdup_printf ("{\"coach\":\"anna\",\"record\":%s}", record);
    assigned = call (f, "POST", assign_path, "ida", body);
    assert_status (assigned, SOUP_STATUS_OK);
    g_assert_cmpint (record_rev (assigned), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (reply_object (assigned), "coach"), ==, "anna");
  }
  changes = call (f, "GET", "/changes?since=0", "anna", NULL);
  assert_status (changes, SOUP_STATUS_OK);
  opened = open_as (&t, json_array_get_object_element (json_object_get_array_member (reply_object (changes), "records"), 0),
                    "anna");
  g_assert_cmpstr (opened, ==, SECRET);

  /* anna submits a sealed plan; sara approves it with its sealed revision */
  {
    Routing p = { plan_id, KT_KIND_PLAN, 1, case_id, NULL, NULL, "submitted", NULL, 0 };
    g_autofree char *record = sealed_json (&t, &p, SECRET, "anna", READERS ("anna", "sara"));

    plan = push_wire (f, "anna", plan_id, record, 0);
    assert_status (plan, SOUP_STATUS_CREATED);
  }
  {
    Routing p = { plan_id, KT_KIND_PLAN, 2, case_id, NULL, NULL, "returned", NULL, 0 };
    g_autofree char *record = sealed_json (&t, &p, SECRET, "sara", READERS ("anna", "sara"));
    g_autofree char *body = g_strdup_printf ("{\"rev\":1,\"decision\":\"approve\",\"record\":%s}", record);
    g_autoptr(Reply) wrong = call (f, "POST", review_path, "sara", body);
    g_autoptr(Reply) bare = call (f, "POST", review_path, "sara", "{\"rev\":1,\"decision\":\"approve\"}");

    assert_refused (wrong, SOUP_STATUS_BAD_REQUEST, "bad_request");
    g_assert_cmpstr (error_field (wrong), ==, "record.review");
    assert_refused (bare, SOUP_STATUS_BAD_REQUEST, "bad_request");
    g_assert_cmpstr (error_field (bare), ==, "record");
  }
  {
    Routing p = { plan_id, KT_KIND_PLAN, 2, case_id, NULL, NULL, "approved", NULL, 0 };
    g_autofree char *record = sealed_json (&t, &p, SECRET, "sara", READERS ("anna", "sara"));
    g_autofree char *body = g_strdup_printf ("{\"rev\":1,\"decision\":\"approve\",\"record\":%s}", record);

    reviewed = call (f, "POST", review_path, "sara", body);
    assert_status (reviewed, SOUP_STATUS_OK);
    g_assert_cmpstr (json_object_get_string_member (reply_object (reviewed), "review"), ==, "approved");
  }
  approved_list = call (f, "GET", "/plans?state=approved", "sara", NULL);
  assert_status (approved_list, SOUP_STATUS_OK);
  {
    JsonArray *records = json_object_get_array_member (reply_object (approved_list), "records");
    g_autofree char *text = NULL;

    g_assert_cmpuint (json_array_get_length (records), ==, 1);
    text = open_as (&t, json_array_get_object_element (records, 0), "anna");
    g_assert_cmpstr (text, ==, SECRET);
  }
}

/* A supervisor who published a key after a record was sealed gets it
 * once a device that can open it re-seals: the record is pending until
 * then, and comes again in the supervisor's change feed. */
static void
test_sealed_reseal_and_pending (Fixture       *f,
                                gconstpointer  data)
{
  g_auto(Team) t = { 0 };
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *cursor = g_strdup ("");
  g_autofree char *keys_path = g_strdup_printf ("/records/%s/keys", id);
  Routing r = { id, KT_KIND_CASE, 1, NULL, NULL, "ida", NULL, NULL, 0 };
  g_autofree char *kase = NULL;
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) none = NULL;
  g_autoptr(Reply) pending = NULL;
  g_autoptr(Reply) resealed = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(Reply) changes = NULL;
  g_autoptr(GBytes) sara_public = NULL;
  g_autoptr(GBytes) bert_public = NULL;
  g_autofree char *body = NULL;
  g_autofree char *opened = NULL;
  JsonArray *records;

  team_publish (f, &t, "ida");
  kase = sealed_json (&t, &r, SECRET, "ida", READERS ("ida"));
  created = push_wire (f, "ida", id, kase, 0);
  assert_status (created, SOUP_STATUS_CREATED);
  assert_pull (f, "sara", &cursor, "case");
  /* nobody else has a key yet: nothing pending */
  none = call (f, "GET", "/keys/pending", "ida", NULL);
  assert_status (none, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (none), "pending")), ==, 0);

  team_publish (f, &t, "sara");
  team_publish (f, &t, "bert");
  pending = call (f, "GET", "/keys/pending", "ida", NULL);
  assert_status (pending, SOUP_STATUS_OK);
  records = json_object_get_array_member (reply_object (pending), "pending");
  g_assert_cmpuint (json_array_get_length (records), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0), "id"), ==, id);
  {
    /* sara holds no entry: nothing pending for her to re-seal */
    g_autoptr(Reply) sara_pending = call (f, "GET", "/keys/pending", "sara", NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (sara_pending), "pending")), ==, 0);
  }

  /* what ida's device does: the content key, from its own entry, to sara */
  {
    JsonObject *sealed = json_object_get_object_member (json_array_get_object_element (records, 0), "sealed");
    JsonObject *mine = json_array_get_object_element (json_object_get_array_member (sealed, "keys"), 0);
    g_autoptr(GBytes) my_key = kt_crypto_base64_decode_exact (json_object_get_string_member (mine, "key"),
                                                              KT_SEALED_KEY_SIZE);
    g_autoptr(GBytes) ida_public = kt_crypto_public_key (t.ida.secret);
    g_autoptr(KtKey) content = kt_crypto_open_sealed_key (my_key, ida_public, t.ida.secret);
    g_autoptr(GBytes) to_sara = NULL;
    g_autoptr(GBytes) to_bert = NULL;
    g_autofree char *sara64 = NULL;
    g_autofree char *bert64 = NULL;

    g_assert_nonnull (content);
    sara_public = kt_crypto_public_key (t.sara.secret);
    bert_public = kt_crypto_public_key (t.bert.secret);
    to_sara = kt_crypto_seal_key_to (content, sara_public, t.ida.secret);
    to_bert = kt_crypto_seal_key_to (content, bert_public, t.ida.secret);
    sara64 = g_base64_encode (g_bytes_get_data (to_sara, NULL), g_bytes_get_size (to_sara));
    bert64 = g_base64_encode (g_bytes_get_data (to_bert, NULL), g_bytes_get_size (to_bert));

    {
      /* bert is no reader of a case not his; sara's key from someone else;
       * a stale revision; bert may not re-seal what he cannot read */
      struct { const char *user; const char *body; guint status; const char *field; } refused[] = {
        { "ida", "{\"rev\":1,\"keys\":[{\"reader\":\"bert\",\"sender\":\"ida\",\"key\":\"@BERT@\"}]}",
          SOUP_STATUS_FORBIDDEN, "keys[0].reader" },
        { "ida", "{\"rev\":1,\"keys\":[{\"reader\":\"sara\",\"sender\":\"anna\",\"key\":\"@SARA@\"}]}",
          SOUP_STATUS_FORBIDDEN, "keys[0].sender" },
        { "ida", "{\"rev\":1,\"keys\":[{\"reader\":\"sara\",\"sender\":\"ida\",\"key\":\"AAAA\"}]}",
          SOUP_STATUS_BAD_REQUEST, "keys[0].key" },
        { "ida", "{\"rev\":1,\"keys\":[]}", SOUP_STATUS_BAD_REQUEST, "keys" },
        { "ida", "{\"rev\":2,\"keys\":[{\"reader\":\"sara\",\"sender\":\"ida\",\"key\":\"@SARA@\"}]}",
          SOUP_STATUS_CONFLICT, NULL },
        { "bert", "{\"rev\":1,\"keys\":[{\"reader\":\"sara\",\"sender\":\"bert\",\"key\":\"@SARA@\"}]}",
          SOUP_STATUS_FORBIDDEN, NULL },
      };

      for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
        {
          g_autoptr(GString) text = g_string_new (refused[i].body);
          g_autoptr(Reply) reply = NULL;

          g_string_replace (text, "@SARA@", sara64, 0);
          g_string_replace (text, "@BERT@", bert64, 0);
          reply = call (f, "POST", keys_path, refused[i].user, text->str);
          if (reply->status != refused[i].status)
            g_error ("refusal %u: expected %u, got %u: %s", i, refused[i].status, reply->status, reply->text);
          g_assert_cmpstr (reply->status == SOUP_STATUS_CONFLICT ? NULL : error_field (reply), ==, refused[i].field);
        }
    }
    body = g_strdup_printf ("{\"rev\":1,\"keys\":[{\"reader\":\"sara\",\"sender\":\"ida\",\"key\":\"%s\"}]}", sara64);
  }
  resealed = call (f, "POST", keys_path, "ida", body);
  assert_status (resealed, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (reply_object (resealed), "sealed"), "keys")), ==, 2);
  g_assert_cmpint (record_rev (resealed), ==, 1);

  /* sara pulls it again and opens it; nothing is pending any more */
  changes = call_on (f, "GET", "/changes?since=", cursor, "", "sara", NULL);
  assert_status (changes, SOUP_STATUS_OK);
  records = json_object_get_array_member (reply_object (changes), "records");
  g_assert_cmpuint (json_array_get_length (records), ==, 1);
  opened = open_as (&t, json_array_get_object_element (records, 0), "sara");
  g_assert_cmpstr (opened, ==, SECRET);
  after = call (f, "GET", "/keys/pending", "ida", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply_object (after), "pending")), ==, 0);
}

/* The migration: plaintext records counted by kind, removed, the sealed
 * ones kept and still served. */
static void
test_sealed_plaintext_remove (Fixture       *f,
                              gconstpointer  data)
{
  g_auto(World) w = { 0, };
  g_auto(Team) t = { 0 };
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *report = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *audit = NULL;
  Routing r = { id, KT_KIND_CASE, 1, NULL, NULL, "ida", NULL, NULL, 0 };
  g_autofree char *kase = NULL;
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) gone = NULL;
  g_autoptr(Reply) kept = NULL;
  const char *count_args[] = { "plaintext", NULL };
  const char *remove_args[] = { "plaintext", "--remove", NULL };

  build_world (f, &w);
  team_publish (f, &t, "ida");
  kase = sealed_json (&t, &r, SECRET, "ida", READERS ("ida"));
  created = push_wire (f, "ida", id, kase, 0);
  assert_status (created, SOUP_STATUS_CREATED);

  g_assert_cmpint (kt_test_server_admin (f->server, count_args, NULL, &report), ==, 0);
  g_assert_nonnull (strstr (report, "Records in plaintext: 3\n  case: 1\n  conversation: 1\n  plan: 1\n"));
  g_assert_nonnull (strstr (report, "Sealed records: 1\n"));
  g_assert_cmpint (kt_test_server_admin (f->server, remove_args, NULL, &removed), ==, 0);
  g_assert_nonnull (strstr (removed, "Removed 3 records in plaintext"));
  g_assert_nonnull (strstr (removed, "Records in plaintext: 0\n"));
  g_assert_nonnull (strstr (removed, "Sealed records: 1\n"));

  gone = call_on (f, "GET", "/records/", w.plan_id, "", "sara", NULL);
  assert_refused (gone, SOUP_STATUS_NOT_FOUND, "not_found");
  kept = call_on (f, "GET", "/records/", id, "", "ida", NULL);
  assert_status (kept, SOUP_STATUS_OK);
  audit = audit_of (f, NULL, NULL);
  g_assert_nonnull (strstr (audit, "remove-plaintext"));
  g_assert_nonnull (strstr (audit, "removed=3"));
}

/* Pushes of sealed records whose plaintext holds a marker leave no trace
 * of it in the SQLite file, its -wal or the server's log. */
static void
test_sealed_marker_stays_off_the_server (Fixture       *f,
                                         gconstpointer  data)
{
  g_auto(Team) t = { 0 };
  g_autofree char *tmp = kt_test_tmpdir_new ("kt-sealed-marker");
  g_autofree char *log_path = g_build_filename (tmp, "server.log", NULL);
  g_autofree char *log = NULL;
  g_autofree char *case_id = g_uuid_string_random ();
  const char *db = kt_test_server_get_database (f->server);
  const char *marker = "Verzegeld-Merkteken-4471";

  if (!g_str_has_prefix (db, "sqlite://"))
    {
      kt_test_tmpdir_free (g_steal_pointer (&tmp));
      g_test_skip ("the file check reads the SQLite database");
      return;
    }
  kt_test_server_set_stderr_file (f->server, log_path);
  kt_test_server_stop (f->server);
  kt_test_server_restart (f->server);
  sign_in_everyone (f);
  team_publish (f, &t, "anna");
  team_publish (f, &t, "sara");
  {
    Routing r = { case_id, KT_KIND_CASE, 1, NULL, "anna", NULL, NULL, "plan", 1766000000 };
    g_autofree char *plaintext = kt_test_server_case_json (case_id, 1, marker, "anna");
    g_autofree char *record = sealed_json (&t, &r, plaintext, "anna", READERS ("anna", "sara"));
    g_autoptr(Reply) created = push_wire (f, "anna", case_id, record, 0);

    assert_status (created, SOUP_STATUS_CREATED);
  }
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *plan_id = g_uuid_string_random ();
      Routing r = { plan_id, KT_KIND_PLAN, 1, case_id, NULL, NULL, "draft", NULL, 0 };
      g_autofree char *plaintext = kt_test_server_plan_json (plan_id, case_id, 1, "draft", marker);
      g_autofree char *record = sealed_json (&t, &r, plaintext, "anna", READERS ("anna", "sara"));
      g_autoptr(Reply) reply = push_wire (f, "anna", plan_id, record, 0);

      assert_status (reply, SOUP_STATUS_CREATED);
    }
  {
    g_autoptr(Reply) read = call_on (f, "GET", "/records/", case_id, "", "sara", NULL);

    assert_status (read, SOUP_STATUS_OK);
    g_assert_null (strstr (read->text, marker));
  }
  {
    const char *path = db + strlen ("sqlite://");
    const char *suffixes[] = { "", "-wal" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
        g_autofree char *contents = NULL;
        gsize len = 0;

        if (!g_file_get_contents (file, &contents, &len, NULL))
          continue;
        for (gsize at = 0; at + strlen (marker) <= len; at++)
          g_assert_false (memcmp (contents + at, marker, strlen (marker)) == 0);
      }
  }
  kt_test_server_stop (f->server);
  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "PUT /api/v1/records/{id} 201"));
  g_assert_null (strstr (log, marker));
  kt_test_server_set_stderr_file (f->server, NULL);
  kt_test_server_restart (f->server);
  kt_test_tmpdir_free (g_steal_pointer (&tmp));
}

/* The core's sealer (what the app runs) seals a case and a plan on the
 * coach's device; after the round trip through the server the supervisor's
 * sealer opens them, which it does only when the routing metadata the
 * server serves agrees with the documents inside. */
static gboolean
case_of_anna (const char  *case_id,
              char       **coach,
              char       **intaker,
              gpointer     user_data)
{
  *coach = g_strdup ("anna");
  *intaker = NULL;
  return TRUE;
}

static KtRecordSealer *
team_sealer (Team       *t,
             const char *user)
{
  KtRecordSealer *sealer = kt_record_sealer_new (user, team_get (t, user)->secret);
  g_autoptr(GPtrArray) directory = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_peer_key_free);
  const char *names[] = { "anna", "ida", "sara" };
  const char *roles[] = { "wijkcoach", "intaker", "supervisor" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      KtPeerKey *key = g_new0 (KtPeerKey, 1);

      key->username = g_strdup (names[i]);
      key->role = g_strdup (roles[i]);
      key->public_key = kt_crypto_public_key (team_get (t, names[i])->secret);
      key->fingerprint = kt_crypto_key_fingerprint (key->public_key);
      key->state = KT_PEER_KEY_KNOWN;
      g_ptr_array_add (directory, key);
    }
  kt_record_sealer_set_team_keys (sealer, directory);
  kt_record_sealer_set_case_readers_func (sealer, case_of_anna, NULL, NULL);
  return sealer;
}

/* @document sealed by @sealer and pushed as a new record by @user. */
static void
push_sealed_document (Fixture        *f,
                      KtRecordSealer *sealer,
                      const char     *user,
                      const char     *document)
{
  g_autoptr(GBytes) body = g_bytes_new (document, strlen (document));
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncRecord) record = kt_sync_record_new_for_body (body, &error);
  g_autoptr(GBytes) wire = NULL;
  g_autofree char *text = NULL;
  g_autoptr(Reply) reply = NULL;

  g_assert_no_error (error);
  g_assert_true (kt_record_sealer_seal (sealer, record, &error));
  g_assert_no_error (error);
  g_assert_nonnull (record->sealed);
  wire = kt_sync_record_encode (record);
  text = g_strndup (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  g_assert_null (strstr (text, SECRET));
  reply = push_wire (f, user, record->id, text, 0);
  assert_status (reply, SOUP_STATUS_CREATED);
}

static void
test_sealed_by_the_core_sealer_opens_after_the_round_trip (Fixture       *f,
                                                           gconstpointer  data)
{
  g_auto(Team) t = { 0 };
  g_autoptr(KtRecordSealer) anna = NULL;
  g_autoptr(KtRecordSealer) sara = NULL;
  g_autofree char *case_id = g_uuid_string_random ();
  g_autofree char *random_case = kt_test_server_case_json (case_id, 1, SECRET, "anna");
  g_autofree char *plan = kt_test_server_plan_json (NULL, case_id, 1, "submitted", SECRET);
  g_autoptr(JsonNode) doc = json_from_string (random_case, NULL);
  g_autofree char *kase = NULL;
  g_autoptr(Reply) changes = NULL;
  JsonArray *records;

  /* registered by ida: the routing names her account (the generator's
   * intaker is free text) */
  json_object_set_string_member (json_object_get_object_member (json_node_get_object (doc), "request"),
                                 "intaker", "ida");
  kase = json_to_string (doc, FALSE);

  team_publish (f, &t, "anna");
  team_publish (f, &t, "ida");
  team_publish (f, &t, "sara");
  anna = team_sealer (&t, "anna");
  sara = team_sealer (&t, "sara");
  push_sealed_document (f, anna, "anna", kase);
  push_sealed_document (f, anna, "anna", plan);

  changes = call (f, "GET", "/changes?since=0", "sara", NULL);
  assert_status (changes, SOUP_STATUS_OK);
  g_assert_null (strstr (changes->text, SECRET));
  records = json_object_get_array_member (reply_object (changes), "records");
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KtSyncRecord) record = kt_sync_record_from_node (json_array_get_element (records, i),
                                                                 "records[]", &error);

      g_assert_no_error (error);
      g_assert_true (kt_record_sealer_open (sara, record, &error));
      g_assert_no_error (error);
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (record->body, NULL), g_bytes_get_size (record->body),
                                      SECRET));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  gboolean use_postgres = FALSE;
  const char *per_account = "[limits]\nlogin-attempts-per-account=3\n";
  const char *per_address = "[limits]\nlogin-attempts-per-address=10\n";
  const char *short_tokens = "[server]\ntoken-lifetime=2\n";
  const char *sealed_only = "[server]\naccept-plaintext=false\n";
  int result;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--backend=postgres"))
        {
          use_postgres = TRUE;
          memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
          argc--;
          break;
        }
    }

  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

  if (use_postgres)
    {
      postgres = kt_test_postgres_start (&error);
      if (postgres == NULL)
        {
          g_test_message ("%s", error->message);
          g_test_skip ("PostgreSQL 15 is not installed");
        }
    }

#define ADD(name, func, config) \
  g_test_add ("/server/" name, Fixture, config, fixture_set_up, func, fixture_tear_down)
  if (!use_postgres || postgres != NULL)
    {
      ADD ("health/answers-anyone", test_health_answers_anyone, NULL);
      ADD ("auth/login-and-me", test_login_and_me, NULL);
      ADD ("auth/logout-revokes-the-token", test_logout_revokes_the_token, NULL);
      ADD ("auth/tokens-checked-together-keep-their-accounts", test_tokens_checked_together_keep_their_accounts, NULL);
      ADD ("auth/admin-commands-revoke-and-disable", test_admin_commands_revoke_and_disable, NULL);
      ADD ("auth/expired-token-is-refused", test_expired_token_is_refused, short_tokens);
      ADD ("auth/login-attempts-are-limited-per-account", test_login_attempts_are_limited_per_account, per_account);
      ADD ("auth/login-attempts-are-limited-per-address", test_login_attempts_are_limited_per_address, per_address);
      ADD ("matrix/reads", test_matrix_reads, NULL);
      ADD ("matrix/changes", test_matrix_changes, NULL);
      ADD ("matrix/writes", test_matrix_writes, NULL);
      ADD ("matrix/assign", test_matrix_assign, NULL);
      ADD ("matrix/reassign-sends-the-documents", test_matrix_reassign_sends_the_documents, NULL);
      ADD ("matrix/team-and-plans", test_matrix_team_and_plans, NULL);
      ADD ("matrix/review", test_matrix_review, NULL);
      ADD ("review/approved-plan-refuses-changes", test_review_approved_plan_refuses_changes, NULL);
      ADD ("review/state-stays-the-servers", test_review_state_stays_the_servers, NULL);
      ADD ("review/comments-are-the-supervisors", test_review_comments_are_the_supervisors, NULL);
      ADD ("review/new-version-goes-back-to-draft", test_review_new_version_goes_back_to_draft, NULL);
      ADD ("audit/plan-reads-by-others-are-audited", test_plan_reads_by_others_are_audited, NULL);
      ADD ("audit/reads-of-every-kind-by-others", test_audit_reads_of_every_kind_by_others, NULL);
      ADD ("audit/a-long-pull-is-one-entry-per-record", test_audit_a_long_pull_is_one_entry_per_record, NULL);
      ADD ("audit/refusals-on-records", test_audit_refusals_on_records, NULL);
      ADD ("audit/case-audit-is-its-coachs-alone", test_case_audit_is_its_coachs_alone, NULL);
      ADD ("cli/init-upgrades-a-database-of-schema-1", test_init_upgrades_a_database_of_schema_1, NULL);
      ADD ("cli/init-upgrades-a-database-of-schema-4", test_init_upgrades_a_database_of_schema_4, NULL);
      ADD ("cli/init-carries-the-change-feed-over", test_init_carries_the_change_feed_over, NULL);
      ADD ("cli/user-add-takes-utf8-names", test_user_add_takes_utf8_names, NULL);
      ADD ("revisions/create-update-replay-conflict", test_revisions, NULL);
      ADD ("revisions/changes-paginate-with-a-cursor", test_changes_paginate_with_a_cursor, NULL);
      ADD ("revisions/changes-wait-holds-until-a-change-or-the-end-of-the-wait",
           test_changes_wait_holds_until_a_change_or_the_end_of_the_wait, NULL);
      ADD ("revisions/changes-read-together-keep-their-own-pages",
           test_changes_read_together_keep_their_own_pages, NULL);
      ADD ("input/bad-input-is-refused", test_bad_input, NULL);
      ADD ("input/envelope-in-any-json-spelling", test_envelope_in_any_json_spelling, NULL);
      ADD ("input/oversized-bodies-are-refused", test_oversized_bodies_are_refused, NULL);
      ADD ("input/hostile-json-is-refused-by-every-endpoint", test_hostile_json_is_refused_by_every_endpoint, NULL);
      ADD ("input/sql-metacharacters-are-data", test_sql_metacharacters_are_data, NULL);
      ADD ("restart/loses-and-duplicates-nothing", test_restart_loses_and_duplicates_nothing, NULL);
      ADD ("keys/directory-is-the-teams", test_keys_directory_is_the_teams, NULL);
      ADD ("keys/publishing-says-what-changed", test_keys_publishing_says_what_changed, NULL);
      ADD ("keys/recovery-bundle-is-its-owners", test_keys_recovery_bundle_is_its_owners, NULL);
      ADD ("keys/bad-input-is-refused", test_keys_bad_input_is_refused, NULL);
      ADD ("sealed/round-trips-byte-for-byte", test_sealed_round_trips_byte_for_byte, NULL);
      ADD ("sealed/body-is-never-decoded", test_sealed_body_is_never_decoded, NULL);
      ADD ("sealed/pushes-together-keep-their-rules", test_sealed_pushes_together, NULL);
      ADD ("sealed/new-revision-replaces-keys", test_sealed_new_revision_replaces_keys, NULL);
      ADD ("sealed/rules-are-kept", test_sealed_rules_are_kept, NULL);
      ADD ("sealed/only-refuses-plaintext", test_sealed_only_refuses_plaintext, sealed_only);
      ADD ("sealed/assign-and-review", test_sealed_assign_and_review, NULL);
      ADD ("sealed/reseal-and-pending", test_sealed_reseal_and_pending, NULL);
      ADD ("sealed/plaintext-remove", test_sealed_plaintext_remove, NULL);
      ADD ("sealed/by-the-core-sealer-opens-after-the-round-trip",
           test_sealed_by_the_core_sealer_opens_after_the_round_trip, NULL);
      ADD ("sealed/marker-stays-off-the-server", test_sealed_marker_stays_off_the_server, NULL);
    }
  /* a second writer beside the server's: PostgreSQL's */
  if (use_postgres && postgres != NULL)
    {
      ADD ("sealed/pull-is-one-snapshot", test_sealed_pull_is_one_snapshot, NULL);
      ADD ("cli/init-stores-bodies-uncompressed", test_init_stores_bodies_uncompressed, NULL);
    }
#undef ADD
  g_test_add_func ("/server/cli/plain-http-off-loopback-is-refused", test_plain_http_off_loopback_is_refused);
  if (!use_postgres)
    {
      g_test_add_func ("/server/transport/tls-serves-https", test_tls_serves_https);
      g_test_add_func ("/server/transport/silent-connections-are-dropped", test_silent_connections_are_dropped);
    }

  if (!use_postgres || postgres != NULL)
    make_template ();
  result = g_test_run ();
  kt_test_tmpdir_free (template_dir);
  g_free (template_db);
  g_clear_pointer (&postgres, kt_test_postgres_free);
  return result;
}
