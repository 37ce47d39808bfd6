/* kt-test-server.h: a real keukentafel-server subprocess for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kt-test-postgres.h"

G_BEGIN_DECLS

typedef struct _KtTestServer KtTestServer;

/* An account the fixture adds before the server starts. */
typedef struct {
  const char *username;
  const char *password;       /* at least 8 characters */
  const char *role;           /* wijkcoach, intaker, supervisor, admin */
  const char *team;
  const char *display_name;   /* NULL: the username */
} KtTestUser;

/* Starts build/src/server/keukentafel-server (or $KT_SERVER_BINARY) on
 * 127.0.0.1 port 0 with a fresh SQLite database in a temp dir, or on
 * @database_uri (an empty PostgreSQL database) when given, after adding
 * @users (an array ending in { NULL }, or NULL).  The server hashes with the
 * test-only cheap Argon2 cost.  Aborts the test when it cannot start
 * (transfer full). */
KtTestServer *kt_test_server_start      (const char       *database_uri,
                                         const KtTestUser *users);
/* The same, with @config_text appended to the server's config file, e.g.
 * "[limits]\nlogin-attempts-per-account=3\n". */
KtTestServer *kt_test_server_start_full (const char       *database_uri,
                                         const KtTestUser *users,
                                         const char       *config_text);

/* kt_test_server_start() on a fresh database of a throwaway PostgreSQL
 * cluster, started into @pg.  When PostgreSQL is not installed the test is
 * marked skipped and NULL is returned (transfer full). */
KtTestServer *kt_test_server_start_postgres (KtTestPostgres  **pg,
                                             const KtTestUser *users);

/* "http://127.0.0.1:PORT", the base URL (the API lives under /api/v1). */
const char   *kt_test_server_get_url      (KtTestServer *self);
const char   *kt_test_server_get_database (KtTestServer *self);
/* The server process's id (it must be running). */
GPid          kt_test_server_get_pid      (KtTestServer *self);
/* Processor time (user and system) the running server has used, or -1. */
double        kt_test_server_get_cpu_seconds (KtTestServer *self);

/* Adds one more account (the server may be running). */
void          kt_test_server_add_user     (KtTestServer     *self,
                                           const KtTestUser *user);
/* Runs an admin subcommand against the server's database, e.g.
 * { "token", "revoke", "anna", NULL }, with @input on standard input.
 * Returns the exit status; @out gets standard output (transfer full). */
int           kt_test_server_admin        (KtTestServer       *self,
                                           const char * const *args,
                                           const char         *input,
                                           char              **out);
/* The same, with what it wrote to stderr in @err. */
int           kt_test_server_admin_full   (KtTestServer       *self,
                                           const char * const *args,
                                           const char         *input,
                                           char              **out,
                                           char              **err);

/* Stops the process (SIGTERM) and keeps the database. */
void          kt_test_server_stop         (KtTestServer *self);
/* Kills the process with SIGKILL, as a crash or power cut would, and keeps
 * the database. */
void          kt_test_server_kill         (KtTestServer *self);
/* From the next kt_test_server_restart() on, the server's standard error
 * (its log) goes to the file @path (NULL: the test's own again). */
void          kt_test_server_set_stderr_file (KtTestServer *self,
                                              const char   *path);
/* The lines of the access log in @log (a server log, as written to the
 * file of kt_test_server_set_stderr_file()) that hold @request ("GET
 * /api/v1/team/keys 200", or without the status for any) made by
 * @username. */
guint         kt_test_server_log_count_requests (const char *log,
                                                 const char *request,
                                                 const char *username);
/* Starts it again on the same database; the port may change. */
void          kt_test_server_restart      (KtTestServer *self);
/* Stops the server and removes its temp dir. */
void          kt_test_server_free         (KtTestServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtTestServer, kt_test_server_free)

/* A client's view of one answer of the API. */
typedef struct {
  guint     status;       /* 0: no answer (connection refused, reset, …) */
  JsonNode *json;         /* the body when it is JSON, else NULL */
  char     *retry_after;  /* the Retry-After header, or NULL */
} KtTestAnswer;

void          kt_test_answer_clear        (KtTestAnswer *answer);
/* A request to @url with a bearer @token, If-Match @if_match and a JSON
 * @body of @body_len bytes (-1: up to its NUL) (each NULL: none). */
SoupMessage  *kt_test_server_message_new  (const char  *method,
                                           const char  *url,
                                           const char  *token,
                                           const char  *if_match,
                                           const char  *body,
                                           gssize       body_len);
/* Sends @method @base/api/v1@path with a bearer @token, If-Match @if_match
 * and a JSON @body (each NULL: none).  No answer is status 0, not a failure. */
KtTestAnswer  kt_test_server_send         (SoupSession *session,
                                           const char  *base,
                                           const char  *method,
                                           const char  *path,
                                           const char  *token,
                                           const char  *if_match,
                                           const char  *body);
/* Signs @username in through @base and returns the token, trying again
 * while nothing answers 200 (a server starting or restarting); fails the
 * test after about ten seconds (transfer full). */
char         *kt_test_server_sign_in      (SoupSession *session,
                                           const char  *base,
                                           const char  *username,
                                           const char  *password);

G_END_DECLS
