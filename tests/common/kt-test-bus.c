/* kt-test-bus.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-test"

#include "config.h"

#include "kt-test-bus.h"

#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kt-test-util.h"

#define KEYRING_PASSWORD "kt-test-keyring"

struct _KtTestBus
{
  char            *dir;
  char            *address;
  GPid             bus_pid;
  GPid             keyring_pid;
  GDBusConnection *connection;
};

static const char bus_config[] =
  "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
  " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
  "<busconfig>\n"
  "  <type>session</type>\n"
  "  <listen>unix:dir=%s</listen>\n"
  "  <policy context=\"default\">\n"
  "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
  "    <allow eavesdrop=\"true\"/>\n"
  "    <allow own=\"*\"/>\n"
  "  </policy>\n"
  "</busconfig>\n";

/* The daemons go when the test goes, even when it crashes. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_bus (KtTestBus *bus)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config_path = g_build_filename (bus->dir, "bus.conf", NULL);
  g_autofree char *config = g_strdup_printf (bus_config, bus->dir);
  g_autofree char *config_arg = g_strdup_printf ("--config-file=%s", config_path);
  const char *argv[] = { "dbus-daemon", config_arg, "--print-address=1", "--nofork", NULL };
  g_autoptr(GIOChannel) channel = NULL;
  int out_fd = -1;
  gsize end = 0;

  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                            G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                            die_with_parent, NULL, &bus->bus_pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);

  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_io_channel_read_line (channel, &bus->address, NULL, &end, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bus->address);
  bus->address[end] = '\0';

  bus->connection = g_dbus_connection_new_for_address_sync (bus->address,
                                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                            NULL, NULL, &error);
  g_assert_no_error (error);
}

static GVariant *
call (KtTestBus  *bus,
      const char *path,
      const char *interface,
      const char *method,
      GVariant   *args)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (bus->connection, "org.freedesktop.secrets",
                                                 path, interface, method, args, NULL,
                                                 G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000,
                                                 NULL, &error);

  g_assert_no_error (error);
  return reply;
}

/* The object path of the default collection, or NULL while there is none. */
static char *
default_collection (KtTestBus *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = NULL;

  reply = g_dbus_connection_call_sync (bus->connection, "org.freedesktop.secrets",
                                       "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "ReadAlias",
                                       g_variant_new ("(s)", "default"), NULL,
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, &error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(&o)", &path);
  return g_strcmp0 (path, "/") == 0 ? NULL : g_strdup (path);
}

/* Whether gnome-keyring has taken its name on the bus. */
static gboolean
keyring_is_up (KtTestBus *bus)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

/* With @unlock, the daemon gets the password on stdin, creates the login
 * keyring and makes it the default, as at a desktop login; without, it
 * starts with no keyring at all, as on a machine where none was made. */
static void
start_keyring (KtTestBus *bus,
               gboolean   unlock)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_build_filename (bus->dir, "home", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *run = g_build_filename (bus->dir, "run", NULL);
  const char *argv[] = { "gnome-keyring-daemon", "--foreground", "--components=secrets",
                         unlock ? "--unlock" : NULL, NULL };
  g_auto(GStrv) envp = g_get_environ ();
  int in_fd = -1;
  gint64 deadline;

  g_mkdir_with_parents (data, 0700);
  g_mkdir_with_parents (run, 0700);
  envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", bus->address, TRUE);
  envp = g_environ_setenv (envp, "HOME", home, TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", data, TRUE);
  envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", run, TRUE);
  envp = g_environ_unsetenv (envp, "GNOME_KEYRING_CONTROL");

  g_spawn_async_with_pipes (NULL, (char **) argv, envp,
                            G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                            G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                            die_with_parent, NULL, &bus->keyring_pid, &in_fd, NULL, NULL, &error);
  g_assert_no_error (error);
  if (unlock)
    g_assert_cmpint (write (in_fd, KEYRING_PASSWORD, strlen (KEYRING_PASSWORD)), ==,
                     strlen (KEYRING_PASSWORD));
  close (in_fd);

  /* Up when the login collection exists and is the default, or, without
   * one, when the daemon owns its name. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *path = unlock ? default_collection (bus) : NULL;

      if (unlock ? path != NULL : keyring_is_up (bus))
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
  g_assert_true (unlock || default_collection (bus) == NULL);
}

KtTestBus *
kt_test_bus_new (gboolean keyring)
{
  KtTestBus *bus = g_new0 (KtTestBus, 1);

  bus->dir = kt_test_tmpdir_new ("kt-bus");
  start_bus (bus);
  if (keyring)
    start_keyring (bus, TRUE);
  return bus;
}

KtTestBus *
kt_test_bus_new_without_default_keyring (void)
{
  KtTestBus *bus = g_new0 (KtTestBus, 1);

  bus->dir = kt_test_tmpdir_new ("kt-bus");
  start_bus (bus);
  start_keyring (bus, FALSE);
  return bus;
}

const char *
kt_test_bus_get_address (KtTestBus *bus)
{
  return bus->address;
}

void
kt_test_bus_use (KtTestBus *bus)
{
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus->address, TRUE);
  g_unsetenv ("GNOME_KEYRING_CONTROL");
}

void
kt_test_bus_lock_keyring (KtTestBus *bus)
{
  g_autofree char *path = default_collection (bus);
  const char *paths[] = { path, NULL };
  g_autoptr(GVariant) reply = NULL;

  g_assert_nonnull (path);
  reply = call (bus, "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "Lock",
                g_variant_new ("(^ao)", paths));
}

void
kt_test_bus_unlock_keyring (KtTestBus *bus)
{
  g_autofree char *path = default_collection (bus);
  g_autoptr(GVariant) session = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *session_path = NULL;
  GVariant *secret;

  g_assert_nonnull (path);
  /* gnome-keyring's own interface, as its tools use it: the master password
   * in a plain session, no prompt. */
  session = call (bus, "/org/freedesktop/secrets", "org.freedesktop.Secret.Service",
                  "OpenSession", g_variant_new ("(sv)", "plain", g_variant_new_string ("")));
  g_variant_get (session, "(v&o)", NULL, &session_path);
  secret = g_variant_new ("(o@ay@ays)", session_path,
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, KEYRING_PASSWORD,
                                                     strlen (KEYRING_PASSWORD), 1),
                          "text/plain");
  reply = call (bus, "/org/freedesktop/secrets",
                "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                "UnlockWithMasterPassword", g_variant_new ("(o@(oayays))", path, secret));
}

static void
stop (GPid pid)
{
  if (pid <= 0)
    return;
  kill (pid, SIGTERM);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
}

void
kt_test_bus_free (KtTestBus *bus)
{
  if (bus == NULL)
    return;
  if (bus->connection != NULL)
    g_dbus_connection_close_sync (bus->connection, NULL, NULL);
  g_clear_object (&bus->connection);
  stop (bus->keyring_pid);
  stop (bus->bus_pid);
  kt_test_tmpdir_free (bus->dir);
  g_free (bus->address);
  g_free (bus);
}
