/* kt-server-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-server-config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "kt-server-error.h"
#include "kt-types.h"

#define DEFAULT_DATABASE "sqlite:///var/lib/keukentafel-server/keukentafel.db"

KtServerConfig *
kt_server_config_new (void)
{
  KtServerConfig *self = g_new0 (KtServerConfig, 1);

  self->listen_address = g_strdup ("127.0.0.1");
  self->port = 8765;
  self->listen_backlog = 128;
  self->durable_commits = TRUE;
  self->access_log = TRUE;
  /* until every device seals its records (the migration in admin-server.md) */
  /* a new server keeps only ciphertext; true only while apps of before
   * sealing are being updated (docs/admin-server.md, "Sealed records") */
  self->accept_plaintext = FALSE;
  self->database_uri = g_strdup (DEFAULT_DATABASE);
  self->token_lifetime = 12 * 60 * 60;
  /* a document plus room for the envelope around it */
  self->max_body = KT_DOCUMENT_MAX_SIZE + 64 * 1024;
  self->request_timeout = 30;
  self->login_attempts_account = 5;
  self->login_attempts_address = 30;
  self->login_window = 300;
  self->login_account_ceiling = 10;
  self->login_ceiling_window = 30;
  self->trusted_proxies = g_new0 (char *, 1);
  return self;
}

void
kt_server_config_free (KtServerConfig *self)
{
  if (self == NULL)
    return;
  g_free (self->listen_address);
  g_free (self->tls_cert);
  g_free (self->tls_key);
  g_free (self->database_uri);
  g_strfreev (self->trusted_proxies);
  g_free (self->metrics_address);
  g_free (self);
}

static void
replace_string (char **field,
                char  *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = value;
}

/* @key of @group as true or false into *@out, when the file sets it. */
static gboolean
read_bool (GKeyFile    *file,
           const char  *group,
           const char  *key,
           gboolean    *out,
           GError     **error)
{
  g_autoptr(GError) bool_error = NULL;
  gboolean value;

  if (!g_key_file_has_key (file, group, key, NULL))
    return TRUE;
  value = g_key_file_get_boolean (file, group, key, &bool_error);
  if (bool_error != NULL)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                   _("The setting “%s” in group “%s” must be true or false."), key, group);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static gboolean
read_uint (GKeyFile   *file,
           const char *group,
           const char *key,
           guint64     max,
           guint64    *out,
           GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  guint64 value;

  if (!g_key_file_has_key (file, group, key, NULL))
    return TRUE;
  value = g_key_file_get_uint64 (file, group, key, &local_error);
  if (local_error != NULL || value > max)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                   _("The setting “%s” in group “%s” must be a whole number up to %llu."),
                   key, group, (unsigned long long) max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
kt_server_config_load_file (KtServerConfig *self,
                            const char     *path,
                            GError        **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *listen = NULL;
  guint64 token_lifetime = self->token_lifetime;
  guint64 backlog = self->listen_backlog;
  guint64 max_body = self->max_body;
  guint64 timeout = self->request_timeout;
  guint64 per_account = self->login_attempts_account;
  guint64 per_address = self->login_attempts_address;
  guint64 window = self->login_window;
  guint64 ceiling = self->login_account_ceiling;
  guint64 ceiling_window = self->login_ceiling_window;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                   _("Cannot read the config file %s: %s"), path, local_error->message);
      return FALSE;
    }

  listen = g_key_file_get_string (file, "server", "listen", NULL);
  if (listen != NULL && !kt_server_config_set_listen (self, listen, error))
    return FALSE;
  {
    g_autofree char *metrics = g_key_file_get_string (file, "server", "metrics-listen", NULL);

    if (metrics != NULL && !kt_server_config_set_metrics_listen (self, g_strstrip (metrics), error))
      return FALSE;
  }
  if (!read_bool (file, "server", "access-log", &self->access_log, error))
    return FALSE;
  replace_string (&self->tls_cert, g_key_file_get_string (file, "server", "tls-cert", NULL));
  replace_string (&self->tls_key, g_key_file_get_string (file, "server", "tls-key", NULL));
  replace_string (&self->database_uri, g_key_file_get_string (file, "server", "database", NULL));
  if (g_key_file_has_key (file, "server", "trusted-proxies", NULL))
    {
      g_strfreev (self->trusted_proxies);
      self->trusted_proxies = g_key_file_get_string_list (file, "server", "trusted-proxies", NULL, NULL);
      if (self->trusted_proxies == NULL)
        self->trusted_proxies = g_new0 (char *, 1);
    }

  if (!read_bool (file, "server", "durable-commits", &self->durable_commits, error))
    return FALSE;
  if (!read_bool (file, "server", "accept-plaintext", &self->accept_plaintext, error))
    return FALSE;
  if (!read_uint (file, "server", "token-lifetime", G_MAXINT32, &token_lifetime, error) ||
      !read_uint (file, "server", "listen-backlog", 65535, &backlog, error) ||
      !read_uint (file, "server", "request-timeout", 3600, &timeout, error) ||
      !read_uint (file, "limits", "max-body", 64 * 1024 * 1024, &max_body, error) ||
      !read_uint (file, "limits", "login-attempts-per-account", G_MAXINT32, &per_account, error) ||
      !read_uint (file, "limits", "login-attempts-per-address", G_MAXINT32, &per_address, error) ||
      !read_uint (file, "limits", "login-window", G_MAXINT32, &window, error) ||
      !read_uint (file, "limits", "login-account-ceiling", G_MAXINT32, &ceiling, error) ||
      !read_uint (file, "limits", "login-ceiling-window", G_MAXINT32, &ceiling_window, error))
    return FALSE;

  self->token_lifetime = token_lifetime;
  self->listen_backlog = MAX (backlog, 1);
  self->max_body = max_body;
  self->request_timeout = timeout;
  self->login_attempts_account = per_account;
  self->login_attempts_address = per_address;
  self->login_window = window;
  self->login_account_ceiling = ceiling;
  self->login_ceiling_window = ceiling_window;
  return TRUE;
}

/* "ADDR:PORT" or "[ADDR6]:PORT" into its parts. */
static gboolean
parse_listen (const char *listen,
              char      **address,
              guint16    *port_out,
              GError    **error)
{
  const char *colon = strrchr (listen, ':');
  g_autofree char *host = NULL;
  guint64 port;

  if (colon == NULL || colon == listen ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                   _("The listen address must look like ADDRESS:PORT, for example 127.0.0.1:8765."));
      return FALSE;
    }
  host = g_strndup (listen, colon - listen);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);
      g_free (host);
      host = inner;
    }
  *address = g_steal_pointer (&host);
  *port_out = port;
  return TRUE;
}

gboolean
kt_server_config_set_listen (KtServerConfig *self,
                             const char     *listen,
                             GError        **error)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (!parse_listen (listen, &host, &port, error))
    return FALSE;
  g_free (self->listen_address);
  self->listen_address = g_steal_pointer (&host);
  self->port = port;
  return TRUE;
}

gboolean
kt_server_config_set_metrics_listen (KtServerConfig *self,
                                     const char     *listen,
                                     GError        **error)
{
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (*listen != '\0' && g_strcmp0 (listen, "off") != 0 && !parse_listen (listen, &host, &port, error))
    return FALSE;
  g_free (self->metrics_address);
  self->metrics_address = g_steal_pointer (&host);
  self->metrics_port = port;
  return TRUE;
}

GPtrArray *
kt_server_config_parse_proxies (const KtServerConfig *self,
                                GError              **error)
{
  g_autoptr(GPtrArray) masks = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; self->trusted_proxies != NULL && self->trusted_proxies[i] != NULL; i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (self->trusted_proxies[i]));
      GInetAddressMask *mask;

      if (*text == '\0')
        continue;
      mask = g_inet_address_mask_new_from_string (text, NULL);
      if (mask == NULL)
        {
          g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                       _("The trusted proxy “%s” is not an IP address or ADDRESS/PREFIX."), text);
          return NULL;
        }
      g_ptr_array_add (masks, mask);
    }
  return g_steal_pointer (&masks);
}

gboolean
kt_server_address_is_loopback (const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;

  if (address == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (address, "localhost") == 0)
    return TRUE;
  inet = g_inet_address_new_from_string (address);
  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

gboolean
kt_server_config_check (const KtServerConfig *self,
                        GError              **error)
{
  gboolean has_cert = self->tls_cert != NULL && *self->tls_cert != '\0';
  gboolean has_key = self->tls_key != NULL && *self->tls_key != '\0';

  if (has_cert != has_key)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                   _("Give both a TLS certificate and its key, or neither."));
      return FALSE;
    }
  if (!has_cert && !kt_server_address_is_loopback (self->listen_address))
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_INSECURE,
                   _("Refusing plain HTTP on %s: client data would cross the network "
                     "unencrypted. Give --tls-cert and --tls-key, or listen on 127.0.0.1."),
                   self->listen_address);
      return FALSE;
    }
  {
    g_autoptr(GPtrArray) proxies = kt_server_config_parse_proxies (self, error);

    if (proxies == NULL)
      return FALSE;
  }
  if (self->token_lifetime <= 0 || self->max_body == 0)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                   _("The token lifetime and the body limit must be larger than zero."));
      return FALSE;
    }
  return TRUE;
}
