/* kt-test-postgres.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-test"

#include "config.h"

#include "kt-test-postgres.h"

#include <gio/gio.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt-test-util.h"

struct _KtTestPostgres
{
  char  *bindir;
  char  *dir;        /* socket dir, log and data/ */
  char  *datadir;
  guint  port;
  gboolean as_postgres;
  guint  n_databases;
  char  *options;    /* postgres's command line, for a start after a stop */
  char  *logfile;
  GPid   watchdog;
};

/* A test that dies (an assertion, a crash, meson's timeout) never reaches
 * kt_test_postgres_free (), and its cluster would go on running and keep
 * its directory.  A small shell watches the test's process from outside and
 * stops the cluster and removes the directory once the test is gone.  It
 * runs from before initdb: a test killed while pg_ctl starts the cluster
 * leaves pg_ctl to finish the start, so the stop is tried twice. */
static const char watchdog_script[] =
  "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; "
  "for attempt in 1 2; do "
  "  if [ \"$5\" = yes ]; then runuser -u postgres -- \"$2\" -D \"$3\" -m immediate -w -s stop; "
  "  else \"$2\" -D \"$3\" -m immediate -w -s stop; fi; "
  "  sleep 2; "
  "done; "
  "rm -rf \"$4\"";

static void
start_watchdog (KtTestPostgres *self)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autofree char *pg_ctl = g_build_filename (self->bindir, "pg_ctl", NULL);
  const char *argv[] = { "/bin/sh", "-c", watchdog_script, "kt-pg-watchdog", pid, pg_ctl,
                         self->datadir, self->dir, self->as_postgres ? "yes" : "no", NULL };
  g_autoptr(GError) error = NULL;

  if (!g_spawn_async (NULL, (char **) argv, NULL,
                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_STDIN_FROM_DEV_NULL,
                      NULL, NULL, &self->watchdog, &error))
    g_printerr ("no watchdog for the test cluster: %s\n", error->message);
}

/* Runs a PostgreSQL tool, as user postgres when we are root and it works
 * on the data directory (the clients connect as postgres with trust). */
static gboolean
run_tool (KtTestPostgres     *self,
          const char * const *args,
          GError            **error)
{
  gboolean as_postgres = self->as_postgres && !g_str_equal (args[0], "createdb");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (as_postgres)
    {
      g_ptr_array_add (argv, g_strdup ("runuser"));
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup ("postgres"));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  g_ptr_array_add (argv, g_build_filename (self->bindir, args[0], NULL));
  for (guint i = 1; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (self->dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, &out, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: %s%s: ", args[0], out, err);
      return FALSE;
    }
  return TRUE;
}

/* A TCP port nobody listens on now; the socket file is named after it. */
static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

KtTestPostgres *
kt_test_postgres_start (GError **error)
{
  KtTestPostgres *self = g_new0 (KtTestPostgres, 1);
  const char *bindir = g_getenv ("KT_PG_BINDIR");
  g_autofree char *initdb = NULL;
  g_autofree char *options = NULL;
  g_autofree char *logfile = NULL;
  gboolean fsync = g_strcmp0 (g_getenv ("KT_TEST_POSTGRES_FSYNC"), "on") == 0;

  self->bindir = g_strdup (bindir != NULL ? bindir : "/usr/lib/postgresql/15/bin");
  initdb = g_build_filename (self->bindir, "initdb", NULL);
  if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "PostgreSQL 15 is not installed (no %s)", initdb);
      g_free (self->bindir);
      g_free (self);
      return NULL;
    }

  self->dir = g_dir_make_tmp ("kt-pg-XXXXXX", error);
  g_assert_nonnull (self->dir);
  self->datadir = g_build_filename (self->dir, "data", NULL);
  self->port = free_port ();
  self->as_postgres = geteuid () == 0;
  if (self->as_postgres)
    {
      struct passwd *pw = getpwnam ("postgres");

      g_assert_nonnull (pw);
      g_assert_cmpint (chown (self->dir, pw->pw_uid, pw->pw_gid), ==, 0);
    }

  start_watchdog (self);

  logfile = g_build_filename (self->dir, "log", NULL);
  self->logfile = g_strdup (logfile);
  options = g_strdup_printf ("-p %u -k %s -c listen_addresses='' -c fsync=%s "
                             "-c max_connections=50 -c shared_buffers=64MB",
                             self->port, self->dir, fsync ? "on" : "off");
  if (!run_tool (self, (const char *[]) { "initdb", "-D", self->datadir, "-A", "trust",
                                          "-U", "postgres", "-E", "UTF8", "--locale=C",
                                          "--no-sync", NULL }, error) ||
      !run_tool (self, (const char *[]) { "pg_ctl", "-D", self->datadir, "-l", logfile,
                                          "-o", options, "-w", "-s", "start", NULL }, error))
    {
      kt_test_postgres_free (self);
      return NULL;
    }
  self->options = g_steal_pointer (&options);
  return self;
}

void
kt_test_postgres_stop (KtTestPostgres *self)
{
  g_autoptr(GError) error = NULL;

  run_tool (self, (const char *[]) { "pg_ctl", "-D", self->datadir, "-m", "fast", "-w", "-s", "stop", NULL },
            &error);
  g_assert_no_error (error);
}

void
kt_test_postgres_restart (KtTestPostgres *self)
{
  g_autoptr(GError) error = NULL;

  run_tool (self, (const char *[]) { "pg_ctl", "-D", self->datadir, "-l", self->logfile,
                                     "-o", self->options, "-w", "-s", "start", NULL }, &error);
  g_assert_no_error (error);
}

char *
kt_test_postgres_copy_database (KtTestPostgres *self,
                                const char     *template_name,
                                const char     *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", self->port);

  run_tool (self, (const char *[]) { "createdb", "-h", self->dir, "-p", port, "-U", "postgres",
                                     "-T", template_name != NULL ? template_name : "template0", "--strategy=file_copy",
                                     name, NULL }, &error);
  g_assert_no_error (error);
  return g_strdup_printf ("postgresql:///%s?host=%s&port=%u&user=postgres", name, self->dir, self->port);
}

char *
kt_test_postgres_create_database (KtTestPostgres *self,
                                  const char     *name)
{
  return kt_test_postgres_copy_database (self, NULL, name);
}

char *
kt_test_postgres_new_database (KtTestPostgres *self)
{
  g_autofree char *name = g_strdup_printf ("kt_test_%u", ++self->n_databases);

  return kt_test_postgres_create_database (self, name);
}

void
kt_test_postgres_free (KtTestPostgres *self)
{
  if (self == NULL)
    return;
  if (self->watchdog > 0)
    {
      kill (self->watchdog, SIGKILL);
      waitpid (self->watchdog, NULL, 0);
    }
  if (self->datadir != NULL && g_file_test (self->datadir, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GError) error = NULL;

      if (!run_tool (self, (const char *[]) { "pg_ctl", "-D", self->datadir, "-m", "immediate",
                                              "-w", "-s", "stop", NULL }, &error))
        g_printerr ("stopping the test cluster: %s\n", error->message);
    }
  g_free (self->bindir);
  g_free (self->datadir);
  g_free (self->options);
  g_free (self->logfile);
  kt_test_tmpdir_free (self->dir);
  g_free (self);
}
