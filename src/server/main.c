/* main.c: the keukentafel-server program and its admin subcommands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "keukentafel-server"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <sodium.h>

#include "kt-core.h"
#include "kt-backend.h"
#include "kt-server.h"
#include "kt-server-config.h"
#include "kt-server-error.h"

#define EXIT_USAGE 2

static const char usage[] =
  "usage: keukentafel-server COMMAND [OPTIONS]\n"
  "\n"
  "  init --database URI\n"
  "  user add NAME --role ROLE --team TEAM [--display-name NAME] [--password-file FILE]\n"
  "  user list [--team TEAM]\n"
  "  user passwd NAME [--password-file FILE]\n"
  "  user disable NAME | user enable NAME\n"
  "  token revoke NAME\n"
  "  audit [--since DATE] [--record ID] [--actor USER]\n"
  "  plaintext [--remove]\n"
  "  serve [--config FILE] [--listen ADDR:PORT] [--database URI] [--tls-cert FILE --tls-key FILE]\n"
  "        [--trusted-proxy ADDR[/PREFIX]]... [--metrics-listen ADDR:PORT]\n"
  "  --help\n"
  "  --version\n"
  "\n"
  "Every command takes --config FILE and --database URI (sqlite:///path/file.db or\n"
  "postgresql://…). Passwords are read from standard input unless --password-file is given.\n"
  "ROLE is one of wijkcoach, intaker, supervisor, admin. --metrics-listen serves Prometheus\n"
  "metrics at http://ADDR:PORT/metrics (off unless given). See keukentafel-server(8).\n";

/* Options every subcommand understands. */
typedef struct {
  char *config_file;
  char *database;
  char *listen;
  char *metrics_listen;
  char *tls_cert;
  char *tls_key;
  char *role;
  char *team;
  char *display_name;
  char *password_file;
  char *since;
  GStrv trusted_proxies;
  char *record;
  char *actor;
  gboolean remove;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->config_file);
  g_free (o->database);
  g_free (o->listen);
  g_free (o->metrics_listen);
  g_free (o->tls_cert);
  g_free (o->tls_key);
  g_free (o->role);
  g_free (o->team);
  g_free (o->display_name);
  g_free (o->password_file);
  g_free (o->since);
  g_strfreev (o->trusted_proxies);
  g_free (o->record);
  g_free (o->actor);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* Data lines (names, audit details) are UTF-8 and go out as they are:
 * g_print would turn every letter outside ASCII into "?" in the C locale
 * that services and scheduled jobs run in. */
G_GNUC_PRINTF (1, 2)
static void
print_data (const char *format,
            ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  fputs (line, stdout);
}

/* @text followed by spaces up to @width characters (not bytes: printf's
 * %-20s would count an "ï" twice) (transfer full). */
static char *
pad_to_width (const char *text,
              glong       width)
{
  glong length = g_utf8_strlen (text, -1);
  GString *padded = g_string_new (text);

  for (glong i = length; i < width; i++)
    g_string_append_c (padded, ' ');
  return g_string_free (padded, FALSE);
}

static int
fail (const GError *error)
{
  g_printerr ("keukentafel-server: %s\n", error->message);
  return 1;
}

static int
fail_usage (const char *message)
{
  g_printerr ("keukentafel-server: %s\n\n%s", message, usage);
  return EXIT_USAGE;
}

/* The config from the file (if any) with the command-line flags over it. */
static KtServerConfig *
load_config (const Options *o,
             GError       **error)
{
  g_autoptr(KtServerConfig) config = kt_server_config_new ();

  if (o->config_file != NULL && !kt_server_config_load_file (config, o->config_file, error))
    return NULL;
  if (o->listen != NULL && !kt_server_config_set_listen (config, o->listen, error))
    return NULL;
  if (o->metrics_listen != NULL && !kt_server_config_set_metrics_listen (config, o->metrics_listen, error))
    return NULL;
  if (o->database != NULL)
    {
      g_free (config->database_uri);
      config->database_uri = g_strdup (o->database);
    }
  if (o->tls_cert != NULL)
    {
      g_free (config->tls_cert);
      config->tls_cert = g_strdup (o->tls_cert);
    }
  if (o->tls_key != NULL)
    {
      g_free (config->tls_key);
      config->tls_key = g_strdup (o->tls_key);
    }
  if (o->trusted_proxies != NULL)
    {
      g_strfreev (config->trusted_proxies);
      config->trusted_proxies = g_strdupv (o->trusted_proxies);
    }
  return g_steal_pointer (&config);
}

static KtBackend *
open_backend (const Options *o,
              gboolean       create,
              GError       **error)
{
  g_autoptr(KtServerConfig) config = load_config (o, error);
  g_autoptr(KtBackend) backend = NULL;

  if (config == NULL)
    return NULL;
  backend = kt_backend_open (config->database_uri, create, error);
  if (backend == NULL)
    return NULL;
  if (!create && !kt_backend_check_schema (backend, error))
    return NULL;
  return g_steal_pointer (&backend);
}

/* A password from --password-file or one line of standard input, at least
 * 8 bytes long; wiped by the caller with sodium_memzero. */
static char *
read_password (const Options *o,
               GError       **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  if (o->password_file != NULL)
    {
      if (!g_file_get_contents (o->password_file, &text, &len, error))
        return NULL;
    }
  else
    {
      char line[4096];

      if (isatty (0))
        g_printerr ("%s", _("Password: "));
      if (fgets (line, sizeof line, stdin) != NULL)
        text = g_strdup (line);
      sodium_memzero (line, sizeof line);
    }
  if (text != NULL)
    {
      /* drop the line end */
      len = strcspn (text, "\r\n");
      text[len] = '\0';
    }
  if (text == NULL || len < 8)
    {
      if (text != NULL)
        sodium_memzero (text, len);
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_INVALID,
                   _("The password must be at least 8 characters long."));
      return NULL;
    }
  return g_steal_pointer (&text);
}

static char *
hash_password (const Options *o,
               GError       **error)
{
  g_autofree char *password = read_password (o, error);
  char *hash;

  if (password == NULL)
    return NULL;
  hash = kt_password_hash (password);
  sodium_memzero (password, strlen (password));
  if (hash == NULL)
    g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_INVALID,
                 _("Hashing the password ran out of memory."));
  return hash;
}

/* Subcommands */

static int
cmd_init (const Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtBackend) backend = open_backend (o, TRUE, &error);

  if (backend == NULL || !kt_backend_init_schema (backend, &error))
    return fail (error);
  g_print (_("The database is ready.\n"));
  return 0;
}

/* Arguments are UTF-8 on the systems the server runs on, whatever the
 * locale says; the name goes to colleagues' screens as it is. */
static gboolean
display_name_is_valid (const char *name)
{
  if (*name == '\0' || strlen (name) > 256 || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        return FALSE;
    }
  return TRUE;
}

static int
cmd_user_add (const Options *o,
              const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtBackend) backend = NULL;
  g_autoptr(KtAccount) account = kt_account_new ();

  if (!kt_account_name_is_valid (name))
    return fail_usage (_("An account name is 1–64 lower-case letters, digits, dots, dashes or underscores."));
  if (o->role == NULL || !kt_role_from_string (o->role, &account->role))
    return fail_usage (_("Give --role: wijkcoach, intaker, supervisor or admin."));
  if (o->team == NULL || !kt_account_name_is_valid (o->team))
    return fail_usage (_("Give --team with a team name of lower-case letters, digits, dots or dashes."));
  if (o->display_name != NULL && !display_name_is_valid (o->display_name))
    return fail_usage (_("Give --display-name as UTF-8 text: 1 to 256 bytes, no control characters."));

  backend = open_backend (o, FALSE, &error);
  if (backend == NULL)
    return fail (error);
  account->username = g_strdup (name);
  account->display_name = g_strdup (o->display_name != NULL ? o->display_name : name);
  account->team = g_strdup (o->team);
  account->password_hash = hash_password (o, &error);
  if (account->password_hash == NULL || !kt_backend_add_account (backend, account, &error))
    return fail (error);
  g_print (_("Added %s (%s, team %s).\n"), name, o->role, o->team);
  return 0;
}

static int
cmd_user_list (const Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtBackend) backend = open_backend (o, FALSE, &error);
  g_autoptr(GPtrArray) accounts = NULL;

  if (backend == NULL)
    return fail (error);
  accounts = kt_backend_list_accounts (backend, o->team, -1, &error);
  if (accounts == NULL)
    return fail (error);
  for (guint i = 0; i < accounts->len; i++)
    {
      KtAccount *account = g_ptr_array_index (accounts, i);

      g_autofree char *username = pad_to_width (account->username, 20);
      g_autofree char *team = pad_to_width (account->team, 16);

      print_data ("%s %-11s %s %s%s\n", username, kt_role_to_string (account->role),
                  team, account->display_name, account->disabled ? _(" (disabled)") : "");
    }
  return 0;
}

static int
cmd_user_passwd (const Options *o,
                 const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtBackend) backend = open_backend (o, FALSE, &error);
  g_autofree char *hash = NULL;

  if (backend == NULL)
    return fail (error);
  hash = hash_password (o, &error);
  if (hash == NULL || !kt_backend_set_password (backend, name, hash, &error) ||
      kt_backend_revoke_tokens_of (backend, name, &error) < 0)
    return fail (error);
  g_print (_("Changed the password of %s and ended their sessions.\n"), name);
  return 0;
}

static int
cmd_user_disable (const Options *o,
                  const char    *name,
                  gboolean       disable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtBackend) backend = open_backend (o, FALSE, &error);

  if (backend == NULL || !kt_backend_set_disabled (backend, name, disable, &error))
    return fail (error);
  if (disable && kt_backend_revoke_tokens_of (backend, name, &error) < 0)
    return fail (error);
  g_print (disable ? _("Disabled %s.\n") : _("Enabled %s.\n"), name);
  return 0;
}

static int
cmd_token_revoke (const Options *o,
                  const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtBackend) backend = open_backend (o, FALSE, &error);
  g_autoptr(KtAccount) account = NULL;
  gint64 count;

  if (backend == NULL)
    return fail (error);
  account = kt_backend_get_account (backend, name, &error);
  if (account == NULL)
    {
      if (error == NULL)
        g_set_error (&error, KT_SERVER_ERROR, KT_SERVER_ERROR_NOT_FOUND, _("There is no such account."));
      return fail (error);
    }
  count = kt_backend_revoke_tokens_of (backend, name, &error);
  if (count < 0)
    return fail (error);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Revoked %lld session of %s.\n", "Revoked %lld sessions of %s.\n", count),
           (long long) count, name);
  return 0;
}

/* --since as unix seconds, an ISO date or an ISO date-time. */
static gboolean
parse_since (const char *text,
             gint64     *since)
{
  g_autoptr(GDateTime) time = NULL;
  guint64 seconds;

  if (text == NULL)
    {
      *since = 0;
      return TRUE;
    }
  if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &seconds, NULL))
    {
      *since = seconds;
      return TRUE;
    }
  if (kt_date_is_valid (text))
    {
      g_autofree char *midnight = g_strconcat (text, "T00:00:00", NULL);
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      time = g_date_time_new_from_iso8601 (midnight, local);
    }
  else
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      time = g_date_time_new_from_iso8601 (text, local);
    }
  if (time == NULL)
    return FALSE;
  *since = g_date_time_to_unix (time);
  return TRUE;
}

static int
cmd_audit (const Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtBackend) backend = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gint64 since;

  if (!parse_since (o->since, &since))
    return fail_usage (_("--since takes a date (2026-11-25), a date and time, or unix seconds."));
  backend = open_backend (o, FALSE, &error);
  if (backend == NULL)
    return fail (error);
  entries = kt_backend_list_audit (backend, since, o->record, o->actor, &error);
  if (entries == NULL)
    return fail (error);
  for (guint i = 0; i < entries->len; i++)
    {
      KtAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (entry->at);
      g_autofree char *when = g_date_time_format_iso8601 (at);

      print_data ("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", when, entry->actor, entry->action,
                  entry->kind != NULL ? entry->kind : "-",
                  entry->record_id != NULL ? entry->record_id : "-",
                  entry->outcome != NULL ? entry->outcome : "ok",
                  entry->detail != NULL ? entry->detail : "");
    }
  return 0;
}

/* Prints the number of records still in plaintext, by kind; FALSE on error. */
static gboolean
print_plaintext (KtBackend *backend,
                 GError   **error)
{
  gint64 counts[KT_N_KINDS], sealed[KT_N_KINDS], total = 0, total_sealed = 0;

  if (!kt_backend_count_records (backend, FALSE, counts, error) ||
      !kt_backend_count_records (backend, TRUE, sealed, error))
    return FALSE;
  for (guint i = 0; i < KT_N_KINDS; i++)
    {
      total += counts[i];
      total_sealed += sealed[i];
    }
  g_print (_("Records in plaintext: %lld\n"), (long long) total);
  for (guint i = 0; i < KT_N_KINDS; i++)
    g_print ("  %s: %lld\n", kt_kind_to_string (i), (long long) counts[i]);
  g_print (_("Sealed records: %lld\n"), (long long) total_sealed);
  return TRUE;
}

/* The migration to sealed records: how many records still hold plaintext,
 * and with --remove, deleting them once every device has pushed its
 * records again sealed. */
static int
cmd_plaintext (const Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtBackend) backend = open_backend (o, FALSE, &error);

  if (backend == NULL)
    return fail (error);
  if (o->remove)
    {
      gint64 removed = kt_backend_remove_plaintext (backend, "admin", &error);

      if (removed < 0)
        return fail (error);
      g_print (g_dngettext (GETTEXT_PACKAGE, "Removed %lld record in plaintext and reclaimed its space.\n",
                            "Removed %lld records in plaintext and reclaimed their space.\n", removed),
               (long long) removed);
    }
  if (!print_plaintext (backend, &error))
    return fail (error);
  return 0;
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static int
cmd_serve (const Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtServerConfig) config = load_config (o, &error);
  g_autoptr(KtBackend) backend = NULL;
  g_autoptr(KtBackend) sign_in_backend = NULL;
  g_autoptr(KtServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;

  if (config == NULL || !kt_server_config_check (config, &error))
    return fail (error);
  backend = kt_backend_open (config->database_uri, FALSE, &error);
  if (backend == NULL || !kt_backend_check_schema (backend, &error) ||
      !kt_backend_set_durable (backend, config->durable_commits, &error))
    return fail (error);

  server = kt_server_new (config, backend);
  /* a second connection, so that checking a request's token never waits
   * behind the database thread's flushes (bench/README.md) */
  sign_in_backend = kt_backend_open (config->database_uri, FALSE, &error);
  if (sign_in_backend == NULL)
    return fail (error);
  kt_server_set_sign_in_backend (server, sign_in_backend);
  if (!kt_server_listen (server, &error))
    return fail (error);
  url = kt_server_get_url (server);
  g_print ("listening on %s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_loop, loop);
  g_unix_signal_add (SIGINT, quit_loop, loop);
  g_main_loop_run (loop);
  kt_server_close_access_log (server);
  return 0;
}

static int
dispatch (int     argc,
          char  **argv,
          Options *o)
{
  const char *cmd = argv[1];
  const char *sub = argc > 2 ? argv[2] : NULL;
  const char *name = argc > 3 ? argv[3] : NULL;

  if (g_str_equal (cmd, "init") && argc == 2)
    return cmd_init (o);
  if (g_str_equal (cmd, "serve") && argc == 2)
    return cmd_serve (o);
  if (g_str_equal (cmd, "audit") && argc == 2)
    return cmd_audit (o);
  if (g_str_equal (cmd, "plaintext") && argc == 2)
    return cmd_plaintext (o);
  if (g_str_equal (cmd, "user") && g_strcmp0 (sub, "list") == 0 && argc == 3)
    return cmd_user_list (o);
  if (g_str_equal (cmd, "user") && name != NULL && argc == 4)
    {
      if (g_str_equal (sub, "add"))
        return cmd_user_add (o, name);
      if (g_str_equal (sub, "passwd"))
        return cmd_user_passwd (o, name);
      if (g_str_equal (sub, "disable"))
        return cmd_user_disable (o, name, TRUE);
      if (g_str_equal (sub, "enable"))
        return cmd_user_disable (o, name, FALSE);
    }
  if (g_str_equal (cmd, "token") && g_strcmp0 (sub, "revoke") == 0 && name != NULL && argc == 4)
    return cmd_token_revoke (o, name);
  return fail_usage (_("Unknown command."));
}

/* TLS 1.2 at least.  glib-networking 2.74 has no per-connection setting
 * for the protocol versions: its GnuTLS backend reads G_TLS_GNUTLS_PRIORITY
 * once, when the first TLS connection is made, for the whole process.  So
 * it is set here, before anything can make one: what glib-networking uses
 * by default (GnuTLS's default priorities, NORMAL on Debian 12, with
 * %COMPAT), or the admin's own string, without SSL 3.0, TLS 1.0 and 1.1. */
static void
refuse_old_tls (void)
{
  const char *admin = g_getenv ("G_TLS_GNUTLS_PRIORITY");
  g_autofree char *priority = g_strconcat (admin != NULL && *admin != '\0' ? admin : "NORMAL:%COMPAT",
                                           ":-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1", NULL);

  g_setenv ("G_TLS_GNUTLS_PRIORITY", priority, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(Options) o = { 0, };
  gboolean version = FALSE;
  gboolean help = FALSE;
  GOptionEntry entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Print the usage", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o.config_file, "Config file", "FILE" },
    { "database", 'd', 0, G_OPTION_ARG_STRING, &o.database, "Database URI", "URI" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &o.listen, "Listen address", "ADDR:PORT" },
    { "metrics-listen", 0, 0, G_OPTION_ARG_STRING, &o.metrics_listen, "Serve /metrics here", "ADDR:PORT" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_cert, "TLS certificate (PEM)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_key, "TLS private key (PEM)", "FILE" },
    { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.trusted_proxies,
      "A reverse proxy whose X-Forwarded-For is believed", "ADDR[/PREFIX]" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &o.role, "Role of a new account", "ROLE" },
    { "team", 0, 0, G_OPTION_ARG_STRING, &o.team, "Team of an account", "TEAM" },
    /* taken as the bytes given, not converted from the locale's charset
     * (which fails for "Aïcha" under LANG=C); cmd_user_add checks it is UTF-8 */
    { "display-name", 0, 0, G_OPTION_ARG_FILENAME, &o.display_name, "Name shown to colleagues", "NAME" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &o.password_file, "Read the password from FILE", "FILE" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &o.since, "Audit entries from DATE on", "DATE" },
    { "record", 0, 0, G_OPTION_ARG_STRING, &o.record, "Audit entries of the record ID", "ID" },
    { "actor", 0, 0, G_OPTION_ARG_STRING, &o.actor, "Audit entries of what USER did", "USER" },
    { "remove", 0, 0, G_OPTION_ARG_NONE, &o.remove, "Delete the records still in plaintext", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("COMMAND");
  g_autoptr(GError) error = NULL;

  refuse_old_tls ();
  setlocale (LC_ALL, "");
  textdomain (GETTEXT_PACKAGE);
  if (!kt_core_init ())
    {
      g_printerr ("%s\n", _("keukentafel-server cannot start its encryption library."));
      return 1;
    }

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail_usage (error->message);
  if (help)
    {
      /* GOption's own --help would list every option of every command at
       * once; the usage says which belongs to which */
      g_print ("%s", usage);
      return 0;
    }
  if (version)
    {
      g_print ("keukentafel-server %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (argc < 2)
    return fail_usage (_("Give a command."));
  return dispatch (argc, argv, &o);
}
