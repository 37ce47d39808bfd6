/* kt-test-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-test"

#include "config.h"

#include <string.h>

#include "kt-test-server.h"

#include <gio/gio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "kt-test-util.h"

struct _KtTestServer
{
  char        *dir;
  char        *binary;
  char        *database;
  char        *config_file;
  char        *url;
  GSubprocess *process;
  char        *stderr_file;   /* NULL: the test's own stderr */
};

static GSubprocessLauncher *
new_launcher (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  /* test-only: the cheapest Argon2 parameters, see kt-account.h */
  g_subprocess_launcher_setenv (launcher, "KT_SERVER_INSECURE_FAST_HASH", "1", TRUE);
  /* the plainest locale an admin's shell may have (ASCII); the server must
   * still take UTF-8 arguments */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANG");
  return launcher;
}

int
kt_test_server_admin (KtTestServer       *self,
                      const char * const *args,
                      const char         *input,
                      char              **out)
{
  return kt_test_server_admin_full (self, args, input, out, NULL);
}

int
kt_test_server_admin_full (KtTestServer       *self,
                           const char * const *args,
                           const char         *input,
                           char              **out,
                           char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                          G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                          (err != NULL ? G_SUBPROCESS_FLAGS_STDERR_PIPE : 0));
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  g_ptr_array_add (argv, self->binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, (char *) "--config");
  g_ptr_array_add (argv, self->config_file);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &stdout_text, err != NULL ? &stderr_text : NULL,
                                 &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

void
kt_test_server_add_user (KtTestServer     *self,
                         const KtTestUser *user)
{
  const char *args[] = {
    "user", "add", user->username, "--role", user->role, "--team", user->team,
    "--display-name", user->display_name != NULL ? user->display_name : user->username, NULL
  };
  g_autofree char *input = g_strconcat (user->password, "\n", NULL);

  g_assert_cmpint (kt_test_server_admin (self, args, input, NULL), ==, 0);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

void
kt_test_server_set_stderr_file (KtTestServer *self,
                                const char   *path)
{
  g_free (self->stderr_file);
  self->stderr_file = g_strdup (path);
}

guint
kt_test_server_log_count_requests (const char *log,
                                   const char *request,
                                   const char *username)
{
  g_auto(GStrv) lines = g_strsplit (log, "\n", -1);
  g_autofree char *user = g_strdup_printf (" user=%s", username);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], request) != NULL && g_str_has_suffix (lines[i], user))
      n++;
  return n;
}

void
kt_test_server_restart (KtTestServer *self)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_null (self->process);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (self->stderr_file != NULL)
    g_subprocess_launcher_set_stderr_file_path (launcher, self->stderr_file);
  self->process = g_subprocess_launcher_spawn (launcher, &error, self->binary, "serve",
                                               "--config", self->config_file, NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("keukentafel-server did not start (see its messages above)");
  g_free (self->url);
  self->url = g_strdup (line + strlen ("listening on "));
}

KtTestServer *
kt_test_server_start_full (const char       *database_uri,
                           const KtTestUser *users,
                           const char       *config_text)
{
  KtTestServer *self = g_new0 (KtTestServer, 1);
  const char *binary = g_getenv ("KT_SERVER_BINARY");
  g_autofree char *config = NULL;
  g_autoptr(GError) error = NULL;

  self->dir = kt_test_tmpdir_new ("kt-server");
  self->binary = binary != NULL ? g_strdup (binary)
                                : kt_test_build_path ("src/server/keukentafel-server");
  if (database_uri != NULL)
    self->database = g_strdup (database_uri);
  else
    self->database = g_strdup_printf ("sqlite://%s/server.db", self->dir);

  /* Many tests sign in from 127.0.0.1: only the per-account limit stays low.
   * The tests of sync itself (faults, conflicts, limits) push plaintext
   * documents, which a server takes only when told to; a test of sealing
   * says accept-plaintext=false itself. */
  config = g_strdup_printf ("[server]\nlisten=127.0.0.1:0\ndatabase=%s\n%s"
                            "[limits]\nlogin-attempts-per-address=100000\n%s",
                            self->database,
                            config_text != NULL && strstr (config_text, "accept-plaintext") != NULL
                            ? "" : "accept-plaintext=true\n",
                            config_text != NULL ? config_text : "");
  self->config_file = g_build_filename (self->dir, "server.conf", NULL);
  g_file_set_contents (self->config_file, config, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (kt_test_server_admin (self, (const char *[]) { "init", NULL }, NULL, NULL), ==, 0);
  for (guint i = 0; users != NULL && users[i].username != NULL; i++)
    kt_test_server_add_user (self, &users[i]);

  kt_test_server_restart (self);
  return self;
}

KtTestServer *
kt_test_server_start (const char       *database_uri,
                      const KtTestUser *users)
{
  return kt_test_server_start_full (database_uri, users, NULL);
}

KtTestServer *
kt_test_server_start_postgres (KtTestPostgres  **pg,
                               const KtTestUser *users)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  *pg = kt_test_postgres_start (&error);
  if (*pg == NULL)
    {
      g_test_skip (error->message);
      return NULL;
    }
  uri = kt_test_postgres_new_database (*pg);
  return kt_test_server_start (uri, users);
}

const char *
kt_test_server_get_url (KtTestServer *self)
{
  return self->url;
}

double
kt_test_server_get_cpu_seconds (KtTestServer *self)
{
  const char *id = g_subprocess_get_identifier (self->process);
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", id != NULL ? id : "0");
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (id == NULL || !g_file_get_contents (path, &stat, NULL, NULL))
    return -1;
  /* fields 14 and 15 (utime, stime), counted after the ")" that ends the name */
  after_name = strrchr (stat, ')');
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return -1;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

const char *
kt_test_server_get_database (KtTestServer *self)
{
  return self->database;
}

GPid
kt_test_server_get_pid (KtTestServer *self)
{
  g_assert_nonnull (self->process);
  return (GPid) g_ascii_strtoll (g_subprocess_get_identifier (self->process), NULL, 10);
}

void
kt_test_server_stop (KtTestServer *self)
{
  g_autoptr(GError) error = NULL;

  if (self->process == NULL)
    return;
  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&self->process);
}

void
kt_test_server_kill (KtTestServer *self)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (self->process);
  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&self->process);
}

void
kt_test_server_free (KtTestServer *self)
{
  if (self == NULL)
    return;
  kt_test_server_stop (self);
  kt_test_tmpdir_free (self->dir);
  g_free (self->binary);
  g_free (self->database);
  g_free (self->config_file);
  g_free (self->url);
  g_free (self->stderr_file);
  g_free (self);
}

void
kt_test_answer_clear (KtTestAnswer *answer)
{
  g_clear_pointer (&answer->json, json_node_unref);
  g_clear_pointer (&answer->retry_after, g_free);
}

SoupMessage *
kt_test_server_message_new (const char *method,
                            const char *url,
                            const char *token,
                            const char *if_match,
                            const char *body,
                            gssize      body_len)
{
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", if_match);
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, body_len < 0 ? strlen (body) : (gsize) body_len);
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }
  return msg;
}

KtTestAnswer
kt_test_server_send (SoupSession *session,
                     const char  *base,
                     const char  *method,
                     const char  *path,
                     const char  *token,
                     const char  *if_match,
                     const char  *body)
{
  g_autofree char *url = g_strconcat (base, "/api/v1", path, NULL);
  g_autoptr(SoupMessage) msg = kt_test_server_message_new (method, url, token, if_match, body, -1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  KtTestAnswer answer = { 0 };

  bytes = soup_session_send_and_read (session, msg, NULL, NULL);
  if (bytes == NULL)
    return answer;
  answer.status = soup_message_get_status (msg);
  answer.retry_after = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                               "Retry-After"));
  if (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
    answer.json = json_node_copy (json_parser_get_root (parser));
  return answer;
}

char *
kt_test_server_sign_in (SoupSession *session,
                        const char  *base,
                        const char  *username,
                        const char  *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  for (guint attempt = 0; attempt < 200; attempt++)
    {
      KtTestAnswer answer = kt_test_server_send (session, base, "POST", "/login", NULL, NULL, body);
      char *token = NULL;

      if (answer.status == SOUP_STATUS_OK && answer.json != NULL && JSON_NODE_HOLDS_OBJECT (answer.json))
        token = g_strdup (json_object_get_string_member_with_default (json_node_get_object (answer.json),
                                                                      "token", NULL));
      kt_test_answer_clear (&answer);
      if (token != NULL)
        return token;
      g_usleep (50 * 1000);
    }
  g_error ("%s could not sign in within ten seconds", username);
}
