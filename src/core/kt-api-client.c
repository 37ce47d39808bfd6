/* kt-api-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-api-client"

#include "config.h"

#include "kt-api-client.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>

#include "kt-sync-protocol.h"

#define READ_CHUNK 65536
#define DEFAULT_TIMEOUT 20
#define WATCH_TIMEOUT (KT_API_WATCH_WAIT + 20)
/* Requests in flight at once to the server (the sync client's pushes). */
#define MAX_CONNECTIONS 4
#define BACKOFF_BASE_MS 2000
/* Two minutes at most: the usual outage is the server restarting, and
 * until the next try a supervisor's inbox and a coach's review answers
 * stay where they were (with ten minutes, for ten minutes after the server
 * was back).  Jittered, a few hundred devices asking every minute or two is
 * nothing for the server. */
#define BACKOFF_MAX_MS (2 * 60 * 1000)

struct _KtApiClient
{
  GObject      parent_instance;

  SoupSession *session;
  SoupSession *watch_session;   /* the long-poll's own connection */
  char        *server_url;
  char        *token;           /* wiped when replaced */
};

G_DEFINE_FINAL_TYPE (KtApiClient, kt_api_client, G_TYPE_OBJECT)

/* Errors */

/* A transport failure as the user is told about it. */
static GError *
classify_error (const GError *error)
{
  /* libsoup re-sends a request whose connection broke midway without its
   * body; the server then cannot read it.  For the user: a broken connection. */
  if (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_GARBLED_REQUEST))
    return g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_CONNECTION_DROPPED,
                                _("The connection to the server broke off. Keukentafel will try again."));
  if (error->domain == KT_SYNC_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain == G_TLS_ERROR)
    return g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_TLS_UNTRUSTED,
                                _("The server’s certificate is not trusted, so Keukentafel did not "
                                  "connect. Check the server address or ask your administrator."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_TIMEOUT,
                                _("The server is answering too slowly. Keukentafel will try again."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      error->domain == G_RESOLVER_ERROR)
    return g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_SERVER_DOWN,
                                _("The server cannot be reached. Keukentafel will try again."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    return g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_OFFLINE,
                                _("There is no network connection."));
  if (error->domain == SOUP_SESSION_ERROR &&
      (error->code == SOUP_SESSION_ERROR_PARSING || error->code == SOUP_SESSION_ERROR_ENCODING ||
       error->code == SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS ||
       error->code == SOUP_SESSION_ERROR_REDIRECT_BAD_URI))
    return g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE,
                                _("The server sent an answer that cannot be read. Keukentafel will try again."));
  return g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_CONNECTION_DROPPED,
                              _("The connection to the server broke off. Keukentafel will try again."));
}

guint
kt_api_backoff_delay_ms (guint failures)
{
  guint shift = MIN (failures, 12);
  guint64 delay = MIN ((guint64) BACKOFF_BASE_MS << shift, BACKOFF_MAX_MS);

  /* Equal jitter: half fixed, half random, so devices do not retry in step. */
  return delay / 2 + g_random_int_range (0, delay / 2 + 1);
}

/* Requests */

typedef struct {
  KtSyncEndpoint  endpoint;
  SoupSession    *session;
  char           *method;
  char           *uri;
  char           *bearer;         /* "Bearer …", wiped; NULL for login */
  GBytes         *request_body;
  char           *if_match;
  gboolean        retried;
  SoupMessage    *message;
  GInputStream   *stream;
  GByteArray     *body;
  gsize           max_size;
} Request;

static void
wipe_string (char *text)
{
  if (text != NULL)
    {
      sodium_memzero (text, strlen (text));
      g_free (text);
    }
}

static void
request_free (Request *request)
{
  g_clear_object (&request->message);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_clear_pointer (&request->request_body, g_bytes_unref);
  g_clear_object (&request->session);
  g_free (request->method);
  g_free (request->uri);
  wipe_string (request->bearer);
  g_free (request->if_match);
  g_free (request);
}

static void request_send (GTask *task);

static void
request_fail (GTask  *task,
              GError *error)
{
  Request *request = g_task_get_task_data (task);
  GError *classified = classify_error (error);

  g_error_free (error);
  /* A kept-alive connection the server had closed breaks the first try;
   * every request is idempotent, so it is sent once more. */
  if (g_error_matches (classified, KT_SYNC_ERROR, KT_SYNC_ERROR_CONNECTION_DROPPED) &&
      !request->retried && !g_task_return_error_if_cancelled (task))
    {
      request->retried = TRUE;
      g_error_free (classified);
      request_send (task);
      return;
    }
  g_task_return_error (task, classified);
  g_object_unref (task);
}

static void
request_parse (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&request->body));
  GError *error = NULL;
  KtSyncResponse *response = kt_sync_response_parse (request->endpoint,
                                                     soup_message_get_status (request->message),
                                                     body, &error);

  if (response == NULL)
    request_fail (task, error);
  else
    {
      g_task_return_pointer (task, response, (GDestroyNotify) kt_sync_response_free);
      g_object_unref (task);
    }
}

static void read_more (GTask *task);

static void
too_large (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_close (request->stream, NULL, NULL);
  request_fail (task, g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_TOO_LARGE,
                                           _("The server sent a larger answer than allowed.")));
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    {
      request_fail (task, error);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_input_stream_close (request->stream, NULL, NULL);
      request_parse (task);
      return;
    }
  g_byte_array_append (request->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (request->body->len > request->max_size)
    {
      too_large (task);
      return;
    }
  read_more (task);
}

/* The answer is read in chunks, so one larger than the endpoint allows is
 * cut off before it fills memory. */
static void
read_more (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (request->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_read, task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  SoupMessageHeaders *headers;

  request->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (request->stream == NULL)
    {
      request_fail (task, error);
      return;
    }
  headers = soup_message_get_response_headers (request->message);
  request->body = g_byte_array_new ();
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) request->max_size)
    {
      too_large (task);
      return;
    }
  read_more (task);
}

/* Requests are small and come in two writes (headers, body): without
 * TCP_NODELAY each waits for the peer's delayed ACK. */
static void
on_network_event (SoupMessage        *message,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  if (event == G_SOCKET_CLIENT_CONNECTED && G_IS_SOCKET_CONNECTION (connection))
    g_socket_set_option (g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)),
                         IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static void
request_send (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  SoupMessageHeaders *headers;

  g_clear_object (&request->message);
  g_clear_object (&request->stream);
  g_clear_pointer (&request->body, g_byte_array_unref);
  request->message = soup_message_new (request->method, request->uri);
  if (request->message == NULL)
    {
      g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_SERVER_DOWN,
                               _("The server address is not valid."));
      g_object_unref (task);
      return;
    }
  g_signal_connect (request->message, "network-event", G_CALLBACK (on_network_event), NULL);
  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (request->bearer != NULL)
    soup_message_headers_replace (headers, "Authorization", request->bearer);
  if (request->if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", request->if_match);
  if (request->request_body != NULL)
    soup_message_set_request_body_from_bytes (request->message, "application/json",
                                              request->request_body);
  soup_session_send_async (request->session, request->message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_sent, task);
}

static GTask *
request_new (KtApiClient         *self,
             KtSyncEndpoint       endpoint,
             const char          *server_url,
             const char          *method,
             const char          *path,
             GBytes              *body,
             const char          *if_match,
             KtApiRequestFlags    flags,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request->endpoint = endpoint;
  request->session = g_object_ref ((flags & KT_API_REQUEST_WATCH) ? self->watch_session : self->session);
  request->max_size = kt_sync_endpoint_max_size (endpoint);
  request->method = g_strdup (method);
  request->uri = g_strconcat (server_url, "/api/v1", path, NULL);
  request->request_body = body != NULL ? g_bytes_ref (body) : NULL;
  request->if_match = g_strdup (if_match);
  return task;
}

void
kt_api_client_request_async (KtApiClient          *self,
                             KtSyncEndpoint        endpoint,
                             const char           *method,
                             const char           *path,
                             GBytes               *body,
                             const char           *if_match,
                             KtApiRequestFlags     flags,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (KT_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL);

  task = request_new (self, endpoint, self->server_url, method, path, body, if_match, flags,
                      cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_api_client_request_async);
  if (self->server_url == NULL || self->token == NULL)
    {
      g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN,
                               _("Sign in to sync."));
      g_object_unref (task);
      return;
    }
  ((Request *) g_task_get_task_data (task))->bearer = g_strconcat ("Bearer ", self->token, NULL);
  request_send (task);
}

KtSyncResponse *
kt_api_client_request_finish (KtApiClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GBytes *
login_body (const char *username,
            const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  gsize len = 0;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = kt_json_to_data (root, FALSE, &len);
  /* The password leaves no copy behind in freed memory. */
  return g_bytes_new_with_free_func (text, len, (GDestroyNotify) wipe_string, text);
}

void
kt_api_client_login_async (KtApiClient          *self,
                           const char           *server_url,
                           const char           *username,
                           const char           *password,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  g_autoptr(GBytes) body = NULL;
  GTask *task;

  g_return_if_fail (KT_IS_API_CLIENT (self));
  g_return_if_fail (server_url != NULL && username != NULL && password != NULL);

  body = login_body (username, password);
  task = request_new (self, KT_SYNC_ENDPOINT_LOGIN, server_url, "POST", "/login", body, NULL,
                      KT_API_REQUEST_DEFAULT, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_api_client_login_async);
  request_send (task);
}

KtSyncResponse *
kt_api_client_login_finish (KtApiClient   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Server addresses */

char *
kt_api_normalize_server_url (const char  *server_url,
                             GError     **error)
{
  g_autoptr(GUri) uri = server_url != NULL ? g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;
  g_autofree char *text = NULL;

  if (uri == NULL || host == NULL || host[0] == '\0' ||
      (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0))
    {
      g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_SERVER_DOWN,
                           _("The server address is not valid. It looks like https://wijkteam.example.nl."));
      return NULL;
    }
  if (g_str_equal (scheme, "http"))
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

      if (!g_str_equal (host, "localhost") &&
          (address == NULL || !g_inet_address_get_is_loopback (address)))
        {
          g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_INSECURE,
                               _("Keukentafel only connects to a server over a secure connection "
                                 "(an address starting with https://)."));
          return NULL;
        }
    }
  text = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT);
  while (g_str_has_suffix (text, "/"))
    text[strlen (text) - 1] = '\0';
  return g_steal_pointer (&text);
}

/* Settings */

void
kt_api_client_set_server_url (KtApiClient *self,
                              const char  *server_url)
{
  g_return_if_fail (KT_IS_API_CLIENT (self));

  if (server_url == self->server_url)
    return;
  g_free (self->server_url);
  self->server_url = g_strdup (server_url);
}

const char *
kt_api_client_get_server_url (KtApiClient *self)
{
  g_return_val_if_fail (KT_IS_API_CLIENT (self), NULL);

  return self->server_url;
}

void
kt_api_client_take_token (KtApiClient *self,
                          char        *token)
{
  g_return_if_fail (KT_IS_API_CLIENT (self));

  if (token == self->token)
    return;
  wipe_string (self->token);
  self->token = token;
}

void
kt_api_client_set_token (KtApiClient *self,
                         const char  *token)
{
  kt_api_client_take_token (self, g_strdup (token));
}

gboolean
kt_api_client_has_token (KtApiClient *self)
{
  g_return_val_if_fail (KT_IS_API_CLIENT (self), FALSE);

  return self->token != NULL;
}

void
kt_api_client_set_timeout (KtApiClient *self,
                           guint        seconds)
{
  g_return_if_fail (KT_IS_API_CLIENT (self));

  soup_session_set_timeout (self->session, seconds);
}

void
kt_api_client_set_tls_database (KtApiClient  *self,
                                GTlsDatabase *database)
{
  g_autoptr(GTlsDatabase) system = NULL;

  g_return_if_fail (KT_IS_API_CLIENT (self));

  if (database == NULL)
    database = system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  soup_session_set_tls_database (self->session, database);
  soup_session_set_tls_database (self->watch_session, database);
}

/* GObject */

static void
kt_api_client_finalize (GObject *object)
{
  KtApiClient *self = KT_API_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->watch_session);
  g_free (self->server_url);
  wipe_string (self->token);
  G_OBJECT_CLASS (kt_api_client_parent_class)->finalize (object);
}

static void
kt_api_client_class_init (KtApiClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_api_client_finalize;
}

static void
kt_api_client_init (KtApiClient *self)
{
  self->session = soup_session_new_with_options ("timeout", DEFAULT_TIMEOUT,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", MAX_CONNECTIONS,
                                                 "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                                 NULL);
  self->watch_session = soup_session_new_with_options ("timeout", WATCH_TIMEOUT,
                                                       "idle-timeout", 60,
                                                       "max-conns-per-host", 1,
                                                       "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                                       NULL);
}

KtApiClient *
kt_api_client_new (void)
{
  return g_object_new (KT_TYPE_API_CLIENT, NULL);
}
