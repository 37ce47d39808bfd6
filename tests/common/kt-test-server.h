/* kt-test-server.h: a real keukentafel-server subprocess for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

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

/* Stops the process (SIGTERM) and keeps the database. */
void          kt_test_server_stop         (KtTestServer *self);
/* Kills the process with SIGKILL, as a crash or power cut would, and keeps
 * the database. */
void          kt_test_server_kill         (KtTestServer *self);
/* From the next kt_test_server_restart() on, the server's standard error
 * (its log) goes to the file @path (NULL: the test's own again). */
void          kt_test_server_set_stderr_file (KtTestServer *self,
                                              const char   *path);
/* Starts it again on the same database; the port may change. */
void          kt_test_server_restart      (KtTestServer *self);
/* Stops the server and removes its temp dir. */
void          kt_test_server_free         (KtTestServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtTestServer, kt_test_server_free)

G_END_DECLS
