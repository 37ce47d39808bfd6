/* kt-sync-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-sync-client"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "kt-sync-client.h"

#include "kt-api-client.h"

#include "kt-codec.h"
#include "kt-keyring.h"
#include "kt-store.h"

/* Entries loaded from the outbox at a time; a round resumes after the last
 * confirmed one, so a large backlog never starts over. */
#define PUSH_CHUNK 64
/* Pushes in flight at once (the transport keeps as many connections). */
#define PUSH_CONCURRENCY 4
#define DEFAULT_INTERVAL (5 * 60)

G_DEFINE_ENUM_TYPE (KtSyncStatus, kt_sync_status,
  G_DEFINE_ENUM_VALUE (KT_SYNC_STATUS_SIGNED_OUT, "signed-out"),
  G_DEFINE_ENUM_VALUE (KT_SYNC_STATUS_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (KT_SYNC_STATUS_SYNCING, "syncing"),
  G_DEFINE_ENUM_VALUE (KT_SYNC_STATUS_SYNCED, "synced"),
  G_DEFINE_ENUM_VALUE (KT_SYNC_STATUS_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (KT_SYNC_STATUS_NEEDS_SIGN_IN, "needs-sign-in"),
  G_DEFINE_ENUM_VALUE (KT_SYNC_STATUS_ERROR, "error"),
  G_DEFINE_ENUM_VALUE (KT_SYNC_STATUS_PAUSED, "paused"))

struct _KtSyncClient
{
  GObject          parent_instance;

  char            *state_path;
  KtOutbox        *outbox;
  /* What the main loop knows of the outbox (issue 22): read on the worker
   * that changed it, in one read transaction, and taken here before the
   * signals and notifications that tell of the change, so that nothing
   * says "sent" before the outbox has let the entry go.  Nothing but this
   * client changes what it holds: the app is one process per device, and
   * the role client writes a setting of its own. */
  KtOutboxState   *state;
  KtOutboxKnown   *known;           /* the ids the server has: a full read at
                                     * open, then each change's own ids */
  KtRecordSink    *sink;
  gulong           sink_handler;
  KtApiClient     *api;             /* the server address, the token, HTTP */
  GNetworkMonitor *monitor;
  GCancellable    *cancellable;

  char            *username;
  char            *display_name;
  /* The account's role as the server said at sign-in ("wijkcoach", …);
   * NULL when the device signed in before the role was kept. */
  char            *role;
  /* The account's team, kept beside the role: the intaker's and the
   * supervisor's views open with them before the server answers. */
  char            *team;
  /* The server refused the list of unsealed records to this account in
   * this session: it is not asked again until the next sign-in. */
  gboolean         unsealed_refused;

  KtSyncStatus     status;
  char            *status_message;
  gint64           last_synced;

  guint            interval;
  guint            failures;
  guint            watch_failures;  /* held pulls broken in a row */
  guint            retry_source;
  guint            periodic_source;
  guint            soon_source;
  gulong           network_handler;
  gboolean         started;

  GTask           *round;           /* the running round */
  GPtrArray       *round_waiters;   /* callers served by the running round */
  GPtrArray       *next_waiters;    /* callers waiting for the next one */
  gboolean         again;
  guint            sign_outs;       /* how often the user signed out: a round
                                     * started before the last one says nothing */

  GCancellable    *watch_cancellable;  /* the running watch, or NULL */
  guint            watch_source;       /* a watch waiting to start */

  /* Shares waiting for the worker, oldest first; the head is being
   * written.  One at a time, so that they reach the outbox in the order
   * they were made: a household before its plan. */
  GQueue           shares;

  KtRecordSealer  *sealer;             /* NULL: records go as they are */
  gboolean         sealing_required;
  GError          *key_wait_error;     /* no sealer as the server is away */
  gboolean         said_key_wait;      /* the last round ended with it */
  guint            n_unopened;
};

G_DEFINE_FINAL_TYPE (KtSyncClient, kt_sync_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_STATUS_MESSAGE,
  PROP_LAST_SYNCED,
  PROP_N_PENDING,
  PROP_N_CONFLICTS,
  PROP_SIGNED_IN,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_SERVER_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  RECORD_PUSHED,
  RECORD_FAILED,
  CONFLICT_DETECTED,
  ROUND_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void run_round (KtSyncClient *self);
static void stop_watch (KtSyncClient *self);

/* Status */

static void
set_status (KtSyncClient *self,
            KtSyncStatus  status,
            const char   *message)
{
  gboolean message_changed = g_strcmp0 (message, self->status_message) != 0;

  if (message_changed)
    {
      g_free (self->status_message);
      self->status_message = g_strdup (message);
    }
  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (message_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_MESSAGE]);
}

static void
notify_counts (KtSyncClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CONFLICTS]);
}

static KtOutboxState *
state_or_message (KtOutboxState *state,
                  GError        *error)
{
  if (error != NULL)
    {
      g_message ("The sync state could not be read after a change: %s", error->message);
      g_error_free (error);
    }
  return state;
}

/* On the worker that changed the outbox, right after the change (transfer
 * full, or NULL when it could not be read: the main loop keeps what it
 * knew, until the next change).  With @with_known every id the server has
 * is read: only at open, when the main loop knows none yet. */
static KtOutboxState *
read_state (KtOutbox *outbox,
            gboolean  with_known)
{
  GError *error = NULL;

  return state_or_message (kt_outbox_read_state (outbox, with_known, &error), error);
}

/* As read_state (), after a change that wrote the known revisions of
 * @changed_ids (element-type utf8) only (a chunk's answers, a pulled page,
 * a resolution): the main loop takes what changed, not every id again
 * (issue 22: 10,000 ids read and sent over for a chunk of 50). */
static KtOutboxState *
read_state_after (KtOutbox  *outbox,
                  GPtrArray *changed_ids)
{
  GError *error = NULL;

  return state_or_message (kt_outbox_read_state_after (outbox, changed_ids, &error), error);
}

/* On the main loop: @state (transfer full, may be NULL) replaces an
 * older one.  Workers finish in any order; the serials say which read
 * came last. */
static void
take_state (KtSyncClient  *self,
            KtOutboxState *state)
{
  if (state == NULL)
    return;
  /* Each id's newest word wins there, whichever read it came in. */
  kt_outbox_known_take (self->known, state);
  g_clear_pointer (&state->known_changes, g_hash_table_unref);
  if (self->state == NULL || state->serial > self->state->serial)
    {
      kt_outbox_state_free (self->state);
      self->state = state;
    }
  else
    kt_outbox_state_free (state);
}

static void
wipe_token (KtSyncClient *self)
{
  kt_api_client_set_token (self->api, NULL);
}

static gboolean
has_token (KtSyncClient *self)
{
  return kt_api_client_has_token (self->api);
}

/* Sends @method @path (below /api/v1) with @body (may be NULL). */
static void
request_async (KtSyncClient        *self,
               KtSyncEndpoint       endpoint,
               const char          *method,
               const char          *path,
               GBytes              *body,
               const char          *if_match,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  kt_api_client_request_async (self->api, endpoint, method, path, body, if_match,
                               KT_API_REQUEST_DEFAULT, cancellable, callback, user_data);
}

static KtSyncResponse *
request_finish (KtSyncClient  *self,
                GAsyncResult  *result,
                GError       **error)
{
  return kt_api_client_request_finish (self->api, result, error);
}

/* Whether the user signed out (and did not sign in since), as the
 * outbox says. */
static gboolean
is_signed_out (KtSyncClient *self)
{
  return self->state != NULL && self->state->signed_out;
}

/* Opening */

typedef struct {
  KtOutbox *outbox;
  KtOutboxState *state;
  char     *server_url;
  char     *username;
  char     *display_name;
  char     *role;
  char     *team;
  char     *token;
} OpenResult;

static void
open_result_free (OpenResult *result)
{
  g_clear_object (&result->outbox);
  g_clear_pointer (&result->state, kt_outbox_state_free);
  g_free (result->server_url);
  g_free (result->username);
  g_free (result->display_name);
  g_free (result->role);
  g_free (result->team);
  if (result->token != NULL)
    {
      sodium_memzero (result->token, strlen (result->token));
      g_free (result->token);
    }
  g_free (result);
}

/* The sync queue's key from the keyring, made on first run. */
static KtKey *
outbox_key (const char    *path,
            GCancellable  *cancellable,
            GError       **error)
{
  GError *local_error = NULL;
  KtKey *key = kt_keyring_outbox_key (path, cancellable, &local_error);

  if (local_error != NULL)
    {
      g_set_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN,
                   _("The keyring could not be opened: %s"), local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  if (key == NULL)
    g_set_error_literal (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_WRONG_KEY,
                         _("The key of the sync queue is missing from the keyring. "
                           "Nothing was changed."));
  return key;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  KtSyncClient *self = source_object;
  OpenResult *result = g_new0 (OpenResult, 1);
  GError *error = NULL;
  g_autoptr(KtKey) key = outbox_key (self->state_path, cancellable, &error);

  if (key != NULL)
    result->outbox = kt_outbox_open (self->state_path, kt_key_peek (key), &error);
  if (result->outbox == NULL)
    {
      open_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  result->server_url = kt_outbox_get_meta (result->outbox, "server_url");
  result->username = kt_outbox_get_meta (result->outbox, "username");
  result->display_name = kt_outbox_get_meta (result->outbox, "display_name");
  result->role = kt_outbox_get_meta (result->outbox, "role");
  result->team = kt_outbox_get_meta (result->outbox, "team");
  /* The one full read of the ids the server has: after it, each change
   * sends over only the ids it wrote (read_state_after ()). */
  result->state = read_state (result->outbox, TRUE);
  if (result->server_url != NULL && result->username != NULL)
    result->token = kt_keyring_lookup_token (result->server_url, result->username,
                                             self->state_path, cancellable);
  g_task_return_pointer (task, result, (GDestroyNotify) open_result_free);
}

void
kt_sync_client_open_async (KtSyncClient        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kt_sync_client_open_async);
  g_task_run_in_thread (task, open_thread);
}

gboolean
kt_sync_client_open_finish (KtSyncClient  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  GError *local_error = NULL;
  OpenResult *opened = g_task_propagate_pointer (G_TASK (result), &local_error);

  if (opened == NULL)
    {
      /* Nothing syncs without the queue: the status says so, in words,
       * wherever the app shows the sync status. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Syncing is off on this device: %s"),
                                                      local_error->message);
          set_status (self, KT_SYNC_STATUS_ERROR, message);
        }
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_set_object (&self->outbox, opened->outbox);
  /* Another outbox: nothing of the last one's state holds. */
  g_clear_pointer (&self->state, kt_outbox_state_free);
  g_clear_pointer (&self->known, kt_outbox_known_free);
  self->known = kt_outbox_known_new ();
  take_state (self, g_steal_pointer (&opened->state));
  kt_api_client_set_server_url (self->api, opened->server_url);
  g_free (self->username);
  self->username = g_steal_pointer (&opened->username);
  g_free (self->display_name);
  self->display_name = g_steal_pointer (&opened->display_name);
  g_free (self->role);
  self->role = g_steal_pointer (&opened->role);
  g_free (self->team);
  self->team = g_steal_pointer (&opened->team);
  kt_api_client_take_token (self->api, g_steal_pointer (&opened->token));
  open_result_free (opened);

  if (has_token (self))
    set_status (self, KT_SYNC_STATUS_IDLE, NULL);
  else if (self->username != NULL && !is_signed_out (self))
    set_status (self, KT_SYNC_STATUS_NEEDS_SIGN_IN,
                _("Sign in again to sync."));
  else
    set_status (self, KT_SYNC_STATUS_SIGNED_OUT, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
  notify_counts (self);
  return TRUE;
}

/* Sign in and out */

typedef struct {
  char     *server_url;
  char     *username;
  char     *token;
  char     *display_name;
  char     *role;
  char     *team;
  KtOutbox *outbox;        /* for the worker */
  KtOutboxState *state;    /* the worker's read after its writes */
  gboolean  new_account;   /* another account or server than before */
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_object (&sign_in->outbox);
  g_clear_pointer (&sign_in->state, kt_outbox_state_free);
  g_free (sign_in->server_url);
  g_free (sign_in->username);
  if (sign_in->token != NULL)
    sodium_memzero (sign_in->token, strlen (sign_in->token));
  g_free (sign_in->token);
  g_free (sign_in->display_name);
  g_free (sign_in->role);
  g_free (sign_in->team);
  g_free (sign_in);
}

/* The new account's settings, in the sync state; @task_data is the
 * sign-in's, which the main loop leaves alone meanwhile. */
static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SignIn *sign_in = task_data;
  GError *error = NULL;

  if (sign_in->new_account)
    kt_outbox_set_meta (sign_in->outbox, "cursor", NULL, NULL);
  if (!kt_outbox_set_meta (sign_in->outbox, "server_url", sign_in->server_url, &error) ||
      !kt_outbox_set_meta (sign_in->outbox, "username", sign_in->username, &error) ||
      !kt_outbox_set_meta (sign_in->outbox, "display_name", sign_in->display_name, &error) ||
      !kt_outbox_set_meta (sign_in->outbox, "role", sign_in->role, &error) ||
      !kt_outbox_set_meta (sign_in->outbox, "team", sign_in->team, &error) ||
      !kt_outbox_set_meta (sign_in->outbox, "signed_out", NULL, &error))
    g_task_return_error (task, error);
  else
    {
      sign_in->state = read_state (sign_in->outbox, FALSE);
      g_task_return_boolean (task, TRUE);
    }
}

static void on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data);

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  g_autofree char *old_url = g_strdup (kt_api_client_get_server_url (self->api));
  g_autofree char *old_user = g_strdup (self->username);
  g_autoptr(GTask) worker = NULL;
  GError *error = NULL;

  if (!kt_keyring_store_token_finish (result, &error))
    {
      g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN,
                               _("The sign-in could not be kept in the keyring: %s"),
                               error->message);
      g_error_free (error);
      return;
    }
  /* The old account's watch must not move the cursor of the new one. */
  stop_watch (self);
  /* Another account or server: pull everything it may read from the start. */
  sign_in->new_account = g_strcmp0 (old_url, sign_in->server_url) != 0 ||
                         g_strcmp0 (old_user, sign_in->username) != 0;
  /* Written down on a worker (issue 22): five writes of the sync state,
   * each of which may wait for the disk or another writer. */
  sign_in->outbox = g_object_ref (self->outbox);
  worker = g_task_new (self, NULL, on_signed_in, g_steal_pointer (&task));
  g_task_set_task_data (worker, sign_in, NULL);
  g_task_run_in_thread (worker, sign_in_thread);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_object (&sign_in->outbox);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  take_state (self, g_steal_pointer (&sign_in->state));
  kt_api_client_set_server_url (self->api, sign_in->server_url);
  g_free (self->username);
  self->username = g_steal_pointer (&sign_in->username);
  g_free (self->display_name);
  self->display_name = g_steal_pointer (&sign_in->display_name);
  g_free (self->role);
  self->role = g_steal_pointer (&sign_in->role);
  g_free (self->team);
  self->team = g_steal_pointer (&sign_in->team);
  self->unsealed_refused = FALSE;
  kt_api_client_take_token (self->api, g_steal_pointer (&sign_in->token));
  self->failures = 0;
  set_status (self, KT_SYNC_STATUS_IDLE, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
  if (self->started)
    kt_sync_client_sync_soon (self);
  g_task_return_boolean (task, TRUE);
}

static void
on_login_answered (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(KtSyncResponse) response = kt_api_client_login_finish (self->api, result, &error);

  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sign_in->token = g_steal_pointer (&response->token);
  sign_in->display_name = g_strdup (response->user->display_name != NULL
                                    ? response->user->display_name : response->user->username);
  g_free (sign_in->username);
  sign_in->username = g_strdup (response->user->username);
  sign_in->role = g_strdup (response->user->role);
  sign_in->team = g_strdup (response->user->team);
  kt_keyring_store_token_async (sign_in->server_url, sign_in->username, self->state_path,
                                sign_in->token, g_task_get_cancellable (task),
                                on_token_stored, g_object_ref (task));
}

void
kt_sync_client_sign_in_async (KtSyncClient        *self,
                              const char          *server_url,
                              const char          *username,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SignIn *sign_in = g_new0 (SignIn, 1);
  GError *error = NULL;

  g_return_if_fail (KT_IS_SYNC_CLIENT (self));
  g_return_if_fail (self->outbox != NULL);

  g_task_set_source_tag (task, kt_sync_client_sign_in_async);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  sign_in->server_url = kt_api_normalize_server_url (server_url, &error);
  sign_in->username = g_strdup (username);
  if (sign_in->server_url == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (username == NULL || username[0] == '\0' || password == NULL || password[0] == '\0')
    {
      g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_UNAUTHORIZED,
                               _("Fill in your username and password."));
      return;
    }

  /* The request goes to the new address without the old token; the
   * old account stays signed in until the new one is. */
  kt_api_client_login_async (self->api, sign_in->server_url, username, password, cancellable,
                             on_login_answered, g_object_ref (task));
}

gboolean
kt_sync_client_sign_in_finish (KtSyncClient  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Forgets the token here and in the keyring; the account stays known. */
static void
forget_token (KtSyncClient *self)
{
  /* Synchronous, so no later start can still find the dead token. */
  if (kt_api_client_get_server_url (self->api) != NULL && self->username != NULL)
    kt_keyring_clear_token (kt_api_client_get_server_url (self->api), self->username,
                            self->state_path);
  wipe_token (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
}

static void
on_token_cleared (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!kt_keyring_clear_token_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* On a worker (issue 22): the next start knows the user signed out. */
static void
signed_out_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  kt_outbox_set_meta (task_data, "signed_out", "1", NULL);
  g_task_return_pointer (task, read_state (task_data, FALSE), (GDestroyNotify) kt_outbox_state_free);
}

static void
on_signed_out_written (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);

  /* Then the keyring: once the sign-out is finished both are done, so a
   * sign-in after it writes its settings after these. */
  take_state (self, g_task_propagate_pointer (G_TASK (result), NULL));
  kt_keyring_clear_token_async (kt_api_client_get_server_url (self->api), self->username,
                                self->state_path, NULL, on_token_cleared, g_steal_pointer (&task));
}

static void
on_logout_answered (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  g_autoptr(KtSyncResponse) response = request_finish (self, result, NULL);
  g_autoptr(GTask) worker = g_task_new (self, NULL, on_signed_out_written, g_object_ref (task));

  /* Revoking on the server is a courtesy: the token leaves the device anyway. */
  stop_watch (self);
  wipe_token (self);
  self->sign_outs++;
  set_status (self, KT_SYNC_STATUS_SIGNED_OUT, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_task_set_task_data (worker, g_object_ref (self->outbox), g_object_unref);
  g_task_run_in_thread (worker, signed_out_thread);
}

void
kt_sync_client_sign_out_async (KtSyncClient        *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kt_sync_client_sign_out_async);
  if (kt_api_client_get_server_url (self->api) == NULL || self->username == NULL)
    {
      self->sign_outs++;
      set_status (self, KT_SYNC_STATUS_SIGNED_OUT, NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!has_token (self))
    {
      on_logout_answered (NULL, NULL, g_steal_pointer (&task));
      return;
    }
  request_async (self, KT_SYNC_ENDPOINT_LOGOUT, "POST", "/logout", NULL, NULL, cancellable,
                 on_logout_answered, g_steal_pointer (&task));
}

gboolean
kt_sync_client_sign_out_finish (KtSyncClient  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sharing */

/* Only documents the core decoder accepts go into the outbox. */
static gboolean
check_document (GBytes  *body,
                GError **error)
{
  KtDocument doc = { 0 };
  gboolean ok = kt_document_decode (body, &doc, error);

  kt_document_clear (&doc);
  return ok;
}

/* Checks @body and queues it: the decoding, the sealing and the SQLite
 * write, on whichever thread calls it. */
static gboolean
add_to_outbox (KtOutbox  *outbox,
               GBytes    *body,
               GError   **error)
{
  g_autoptr(KtSyncRecord) record = NULL;

  if (!check_document (body, error))
    return FALSE;
  record = kt_sync_record_new_for_body (body, error);
  return record != NULL && kt_outbox_add (outbox, record, error);
}

static void
shared (KtSyncClient *self)
{
  notify_counts (self);
  if (self->started)
    kt_sync_client_sync_soon (self);
}

gboolean
kt_sync_client_share (KtSyncClient  *self,
                      GBytes        *body,
                      GError       **error)
{
  g_return_val_if_fail (KT_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (self->outbox != NULL, FALSE);

  if (!add_to_outbox (self->outbox, body, error))
    return FALSE;
  take_state (self, read_state (self->outbox, FALSE));
  shared (self);
  return TRUE;
}

/* What the worker needs: its own references, as the client stays on the
 * main thread. */
typedef struct {
  KtOutbox      *outbox;
  GBytes        *body;
  KtOutboxState *state;   /* read after the write */
} ShareWork;

static void
share_work_free (ShareWork *work)
{
  g_clear_object (&work->outbox);
  g_bytes_unref (work->body);
  g_clear_pointer (&work->state, kt_outbox_state_free);
  g_free (work);
}

static void
share_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ShareWork *work = task_data;
  GError *error = NULL;

  if (add_to_outbox (work->outbox, work->body, &error))
    {
      work->state = read_state (work->outbox, FALSE);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

static void start_share (KtSyncClient *self);

static void
on_share_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  g_assert (g_queue_peek_head (&self->shares) == task);
  g_object_unref (g_queue_pop_head (&self->shares));  /* the queue's */
  /* The next one first: the callback below may share again, and that
   * goes behind whatever waits now. */
  start_share (self);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      ShareWork *work = g_task_get_task_data (G_TASK (result));

      take_state (self, g_steal_pointer (&work->state));
      shared (self);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

/* The next share in line goes to a worker. */
static void
start_share (KtSyncClient *self)
{
  g_autoptr(GPtrArray) dropped = g_ptr_array_new_with_free_func (g_object_unref);
  GTask *task;

  /* Cancelled before its turn, or no outbox to go to: it never reaches
   * the outbox. */
  while ((task = g_queue_peek_head (&self->shares)) != NULL &&
         (g_cancellable_is_cancelled (g_task_get_cancellable (task)) || self->outbox == NULL))
    g_ptr_array_add (dropped, g_queue_pop_head (&self->shares));
  if (task != NULL)
    {
      g_autoptr(GTask) worker = NULL;
      ShareWork *work;

      /* Not the client as the source: the worker's task may be freed on
       * the worker, and the client must not be. */
      worker = g_task_new (NULL, NULL, on_share_written, g_object_ref (task));
      g_task_set_source_tag (worker, start_share);
      work = g_new0 (ShareWork, 1);
      work->outbox = g_object_ref (self->outbox);
      work->body = g_bytes_ref (g_task_get_task_data (task));
      g_task_set_task_data (worker, work, (GDestroyNotify) share_work_free);
      g_task_run_in_thread (worker, share_thread);
    }
  /* Answered once the line is in order again, as a callback may share. */
  for (guint i = 0; i < dropped->len; i++)
    {
      GTask *gone = g_ptr_array_index (dropped, i);

      if (!g_task_return_error_if_cancelled (gone))
        g_task_return_new_error (gone, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN, _("Sign in to sync."));
    }
}

void
kt_sync_client_share_async (KtSyncClient        *self,
                            GBytes              *body,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KT_IS_SYNC_CLIENT (self));
  g_return_if_fail (body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_sync_client_share_async);
  /* Once written it is queued: finishing says so even if cancelled since. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
  g_queue_push_tail (&self->shares, task);
  if (self->shares.length == 1)
    start_share (self);
}

gboolean
kt_sync_client_share_finish (KtSyncClient  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A sync round */

typedef struct {
  GHashTable *skip_ids;       /* records the server refused this round */
  GHashTable *in_flight_ids;  /* records being pushed now */
  GPtrArray  *batch;          /* (element-type KtOutboxEntry) */
  GPtrArray  *answers;        /* (element-type Answer) for the outbox, not written yet */
  guint       next;
  guint       in_flight;
  GError     *fatal;
  guint       n_refused;
  char       *refusal;        /* the first refusal's reason */
  guint       wait;           /* a watch: the seconds the server may wait */
  guint       n_kept;         /* pulled records the sink kept */
  gboolean    keys_changed;   /* the server said a colleague published a key */
  guint       n_unopened;     /* pulled records that did not open */
  gboolean    migrated;       /* the server's plaintext records of this account were sealed */
  char       *unopened;       /* why the first of them did not */
  guint       sign_outs;      /* the client's sign_outs when it started */
  gint64      started;        /* monotonic µs */
} Round;

static void
round_free (Round *round)
{
  g_clear_pointer (&round->skip_ids, g_hash_table_unref);
  g_clear_pointer (&round->in_flight_ids, g_hash_table_unref);
  g_clear_pointer (&round->batch, g_ptr_array_unref);
  g_clear_pointer (&round->answers, g_ptr_array_unref);
  g_clear_error (&round->fatal);
  g_free (round->refusal);
  g_free (round->unopened);
  g_free (round);
}

static void pull_next (GTask *task);
static void reseal_pending (GTask *task);
static void seal_unsealed (GTask *task);

static void
round_fail (GTask  *task,
            GError *error)
{
  Round *round = g_task_get_task_data (task);

  if (round->fatal == NULL)
    round->fatal = error;
  else
    g_error_free (error);
}

typedef struct {
  GTask         *task;
  KtOutboxEntry *entry;
} Push;

/* What the server said about one pushed entry, kept until the chunk's
 * answers are written into the outbox together on a worker (issue 22): one
 * SQLite write an entry on the main loop, between libsoup's callbacks, made
 * the window wait on the disk and on any other writer of the sync state. */
typedef struct {
  gint64        seq;
  char         *id;
  gint64        rev;
  KtSyncRecord *server;    /* a conflict: the server's copy, or NULL */
  char         *failure;   /* a refusal: why, or NULL */
  GError       *error;     /* the outbox could not keep the answer */
} Answer;

static void
answer_free (Answer *answer)
{
  g_free (answer->id);
  g_clear_pointer (&answer->server, kt_sync_record_free);
  g_free (answer->failure);
  g_clear_error (&answer->error);
  g_free (answer);
}

static Answer *
add_answer (GTask         *task,
            KtOutboxEntry *entry)
{
  Round *round = g_task_get_task_data (task);
  Answer *answer = g_new0 (Answer, 1);

  answer->seq = entry->seq;
  answer->id = g_strdup (entry->record->id);
  answer->rev = entry->record->rev;
  if (round->answers == NULL)
    round->answers = g_ptr_array_new_with_free_func ((GDestroyNotify) answer_free);
  g_ptr_array_add (round->answers, answer);
  return answer;
}

static gboolean
is_refusal (const GError *error)
{
  return g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_REQUEST) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_FORBIDDEN) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_FOUND) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_RECORD_TOO_LARGE) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_PLAN_LOCKED);
}

/* @entry was refused (by the server, or it could not be sealed): it stays
 * queued with its reason; the others go on. */
static void
refuse_entry (GTask         *task,
              KtOutboxEntry *entry,
              GError        *error)
{
  Answer *answer = add_answer (task, entry);

  answer->failure = g_strdup (error->message);
  g_error_free (error);
}

static void
handle_push_answer (GTask          *task,
                    KtOutboxEntry  *entry,
                    KtSyncResponse *response,
                    GError         *error)
{
  KtSyncRecord *record = entry->record;
  Answer *answer;

  if (response == NULL && is_refusal (error))
    {
      refuse_entry (task, entry, error);
      return;
    }
  if (response == NULL)
    {
      round_fail (task, error);
      return;
    }
  if (!g_str_equal (response->record->id, record->id) ||
      (!response->conflict && response->record->rev != record->rev))
    {
      round_fail (task, g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE,
                                             _("The server sent an answer that cannot be read. "
                                               "Keukentafel will try again.")));
      return;
    }
  answer = add_answer (task, entry);
  if (response->conflict)
    answer->server = g_steal_pointer (&response->record);
}

typedef struct {
  KtOutbox       *outbox;
  KtRecordSealer *sealer;    /* may be NULL */
  GPtrArray      *answers;   /* (element-type Answer) */
  KtOutboxState  *state;     /* read after the answers were written */
} Settle;

static void
settle_free (Settle *settle)
{
  g_clear_object (&settle->outbox);
  g_clear_object (&settle->sealer);
  g_clear_pointer (&settle->answers, g_ptr_array_unref);
  g_clear_pointer (&settle->state, kt_outbox_state_free);
  g_free (settle);
}

/* Writes each answer into the outbox, in the order they came: a refusal
 * stays queued with its reason, a conflict keeps both versions (resolved
 * field by field on the documents, so the server's copy is opened first),
 * a stored entry leaves the outbox. */
static void
settle_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Settle *settle = task_data;

  for (guint i = 0; i < settle->answers->len; i++)
    {
      Answer *answer = g_ptr_array_index (settle->answers, i);
      GError *error = NULL;

      if (answer->server != NULL && settle->sealer != NULL &&
          !kt_record_sealer_open (settle->sealer, answer->server, &error))
        {
          answer->failure = g_strdup (error->message);
          g_clear_pointer (&answer->server, kt_sync_record_free);
          g_clear_error (&error);
        }
      if (answer->failure != NULL)
        kt_outbox_set_failure (settle->outbox, answer->seq, answer->failure, NULL);
      else if (answer->server != NULL)
        kt_outbox_add_conflict (settle->outbox, answer->seq, answer->server, &answer->error);
      else
        kt_outbox_confirm (settle->outbox, answer->seq, &answer->error);
    }
  {
    g_autoptr(GPtrArray) ids = g_ptr_array_sized_new (settle->answers->len);

    /* A stored entry's id becomes known; the others' stay as they were,
     * and reading them again costs a look-up each. */
    for (guint i = 0; i < settle->answers->len; i++)
      g_ptr_array_add (ids, ((Answer *) g_ptr_array_index (settle->answers, i))->id);
    settle->state = read_state_after (settle->outbox, ids);
  }
  g_task_return_boolean (task, TRUE);
}

static void push_fill (GTask *task);

/* On the main loop again: the round counts what the outbox now holds, and
 * only now says what happened, so a listener that reads the outbox finds
 * it there ("pushed" never before the outbox let the entry go). */
static void
on_settled (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  Settle *settle = g_task_get_task_data (G_TASK (result));

  take_state (self, g_steal_pointer (&settle->state));
  for (guint i = 0; i < settle->answers->len; i++)
    {
      Answer *answer = g_ptr_array_index (settle->answers, i);

      if (answer->error != NULL)
        round_fail (task, g_steal_pointer (&answer->error));
      else if (answer->failure != NULL)
        {
          g_hash_table_add (round->skip_ids, g_strdup (answer->id));
          if (round->n_refused++ == 0)
            round->refusal = g_strdup (answer->failure);
          g_signal_emit (self, signals[RECORD_FAILED], 0, answer->id, answer->failure);
        }
      else if (answer->server != NULL)
        g_signal_emit (self, signals[CONFLICT_DETECTED], 0, answer->id);
      else
        g_signal_emit (self, signals[RECORD_PUSHED], 0, answer->id, answer->rev);
    }
  push_fill (task);
}

/* Not cancelled with the round: what the server has is written down. */
static void
settle_answers (GTask *task)
{
  KtSyncClient *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(GTask) worker = g_task_new (self, NULL, on_settled, task);
  Settle *settle = g_new0 (Settle, 1);

  settle->outbox = g_object_ref (self->outbox);
  settle->sealer = self->sealer != NULL ? g_object_ref (self->sealer) : NULL;
  settle->answers = g_steal_pointer (&round->answers);
  g_task_set_source_tag (worker, settle_answers);
  g_task_set_task_data (worker, settle, (GDestroyNotify) settle_free);
  g_task_run_in_thread (worker, settle_thread);
}

static void
on_pushed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Push *push = user_data;
  KtSyncClient *self = g_task_get_source_object (push->task);
  Round *round = g_task_get_task_data (push->task);
  GError *error = NULL;
  KtSyncResponse *response = request_finish (self, result, &error);

  round->in_flight--;
  g_hash_table_remove (round->in_flight_ids, push->entry->record->id);
  handle_push_answer (push->task, push->entry, response, error);
  g_clear_pointer (&response, kt_sync_response_free);
  push_fill (push->task);
  g_object_unref (push->task);
  g_free (push);
}

/* @entry is frozen already (with its chunk, when it was peeked): later
 * edits queue behind this revision instead of replacing it. */
static void
push_one (GTask         *task,
          KtOutboxEntry *entry)
{
  KtSyncClient *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autofree char *path = g_strdup_printf ("/records/%s", entry->record->id);
  g_autofree char *if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", entry->base_rev);
  g_autoptr(GBytes) body = kt_sync_record_encode (entry->record);
  Push *push;

  push = g_new0 (Push, 1);
  push->task = g_object_ref (task);
  push->entry = entry;
  round->in_flight++;
  g_hash_table_add (round->in_flight_ids, g_strdup (entry->record->id));
  request_async (self, KT_SYNC_ENDPOINT_PUT_RECORD, "PUT", path, body, if_match,
                 g_task_get_cancellable (task), on_pushed, push);
}

/* Sealing and opening run in a worker: each record is decoded, encrypted
 * or decrypted, and checked, which for a page of conversations is more than
 * a frame's time.  The sealer is never changed once set, so the worker
 * reads it while the main loop goes on. */

typedef struct {
  KtRecordSealer *sealer;
  gboolean      (*step) (KtRecordSealer *sealer, KtSyncRecord *record, GError **error);
  GPtrArray      *records;   /* (element-type KtSyncRecord) sealed or opened in place */
  GPtrArray      *errors;    /* (element-type GError) one per record, NULL when it went well */
} CryptoWork;

static void
crypto_work_free (CryptoWork *work)
{
  g_clear_object (&work->sealer);
  g_clear_pointer (&work->records, g_ptr_array_unref);
  g_clear_pointer (&work->errors, g_ptr_array_unref);
  g_free (work);
}

static void
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static CryptoWork *
crypto_work_new (KtRecordSealer *sealer)
{
  CryptoWork *work = g_new0 (CryptoWork, 1);

  work->sealer = g_object_ref (sealer);
  work->records = g_ptr_array_new ();
  work->errors = g_ptr_array_new_with_free_func (free_error);
  return work;
}

/* Seals (kt_record_sealer_seal ()) or opens (kt_record_sealer_open ()) each
 * record of the work, whichever the task's work says. */
static void
crypto_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CryptoWork *work = task_data;

  for (guint i = 0; i < work->records->len; i++)
    {
      GError *error = NULL;

      work->step (work->sealer, work->records->pdata[i], &error);
      g_ptr_array_add (work->errors, error);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_batch_sealed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Round *round = g_task_get_task_data (task);
  CryptoWork *work = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) sealed = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_outbox_entry_free);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* A record that could not be sealed stays queued with its reason. */
  for (guint i = 0; i < round->batch->len; i++)
    {
      KtOutboxEntry *entry = g_ptr_array_index (round->batch, i);
      GError *failure = g_steal_pointer (&work->errors->pdata[i]);

      if (failure != NULL)
        {
          refuse_entry (task, entry, g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_REQUEST,
                                                          failure->message));
          g_error_free (failure);
          continue;
        }
      g_ptr_array_add (sealed, g_steal_pointer (&round->batch->pdata[i]));
    }
  g_ptr_array_unref (round->batch);
  round->batch = g_steal_pointer (&sealed);
  push_fill (task);
}

static void
seal_batch (GTask *task)
{
  KtSyncClient *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  CryptoWork *work = crypto_work_new (self->sealer);
  g_autoptr(GTask) worker = g_task_new (self, g_task_get_cancellable (task), on_batch_sealed, task);

  for (guint i = 0; i < round->batch->len; i++)
    {
      KtOutboxEntry *entry = g_ptr_array_index (round->batch, i);

      g_ptr_array_add (work->records, entry->record);
    }
  work->step = kt_record_sealer_seal;
  g_task_set_task_data (worker, work, (GDestroyNotify) crypto_work_free);
  g_task_run_in_thread (worker, crypto_thread);
}

/* Whether the server may list records left in plaintext for this account
 * (GET /records/unsealed): only a coach's and an intaker's.  Asking as
 * another role is refused every round, which fills the server's access
 * log with 403s an administrator would read as a fault.  A device signed
 * in before the role was kept asks once a session. */
static gboolean
may_have_unsealed (KtSyncClient *self)
{
  if (self->role != NULL)
    return g_str_equal (self->role, "wijkcoach") || g_str_equal (self->role, "intaker");
  return !self->unsealed_refused;
}

typedef struct {
  KtOutbox   *outbox;
  GHashTable *skip_ids;
} Peek;

static void
peek_free (Peek *peek)
{
  g_clear_object (&peek->outbox);
  g_clear_pointer (&peek->skip_ids, g_hash_table_unref);
  g_free (peek);
}

/* The next chunk, frozen in one transaction before any of it is sent. */
static void
peek_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Peek *peek = task_data;
  g_autoptr(GPtrArray) batch = NULL;
  GError *error = NULL;

  batch = kt_outbox_peek (peek->outbox, PUSH_CHUNK, peek->skip_ids, &error);
  if (batch == NULL || !kt_outbox_freeze_all (peek->outbox, batch, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&batch), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_peeked (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  GError *error = NULL;

  round->batch = g_task_propagate_pointer (G_TASK (result), &error);
  round->next = 0;
  if (round->batch == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (round->batch->len == 0)
    {
      /* Without a place to keep them, nothing is pulled. */
      if (self->sink == NULL)
        {
          g_task_return_boolean (task, TRUE);
          g_object_unref (task);
          return;
        }
      if (self->sealer != NULL && round->wait == 0 && !round->migrated && may_have_unsealed (self))
        {
          seal_unsealed (task);
          return;
        }
      pull_next (task);
      return;
    }
  if (self->sealer != NULL)
    {
      seal_batch (task);
      return;
    }
  push_fill (task);
}

/* The outbox is read and written on workers (issue 22): peeking and
 * freezing a chunk is one step, writing down its answers another, and the
 * main loop only sends and counts. */
static void
push_fill (GTask *task)
{
  KtSyncClient *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  GTask *worker;
  Peek *peek;

  while (round->fatal == NULL && round->batch != NULL &&
         round->in_flight < PUSH_CONCURRENCY && round->next < round->batch->len)
    {
      KtOutboxEntry *entry = g_ptr_array_index (round->batch, round->next);

      /* A conversation or plan goes after its case, which was queued
       * before it: the server knows a plan only once its case is there. */
      if (entry->record->case_id != NULL &&
          g_hash_table_contains (round->in_flight_ids, entry->record->case_id))
        break;
      round->next++;
      push_one (task, entry);
    }

  if (round->in_flight > 0)
    return;
  /* What the server said is written down before the round goes on or
   * ends, even when it ends in an error. */
  if (round->answers != NULL && round->answers->len > 0)
    {
      settle_answers (task);
      return;
    }
  notify_counts (self);
  if (round->fatal != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&round->fatal));
      g_object_unref (task);
      return;
    }
  if (round->batch != NULL && round->next < round->batch->len)
    return;

  /* The next chunk: whatever is still queued, after every confirmed one. */
  g_clear_pointer (&round->batch, g_ptr_array_unref);
  round->next = 0;
  worker = g_task_new (self, NULL, on_peeked, task);
  peek = g_new0 (Peek, 1);
  peek->outbox = g_object_ref (self->outbox);
  /* The round waits for the peek: nothing changes the set meanwhile. */
  peek->skip_ids = g_hash_table_ref (round->skip_ids);
  g_task_set_source_tag (worker, push_fill);
  g_task_set_task_data (worker, peek, (GDestroyNotify) peek_free);
  g_task_run_in_thread (worker, peek_thread);
  g_object_unref (worker);
}

/* Whether the pulled @record is for the sink: FALSE for what this device
 * pushed itself (or older), for a record in conflict (the outbox keeps the
 * server's copy beside the local one) and for one with local work queued.
 * On the page's worker. */
static gboolean
wants_pulled (KtOutbox      *outbox,
              KtSyncRecord  *record,
              GError       **error)
{
  if (record->rev <= kt_outbox_get_known_rev (outbox, record->id))
    return FALSE;
  if (kt_outbox_has_conflict (outbox, record->id))
    {
      kt_outbox_update_conflict_server (outbox, record, error);
      return FALSE;
    }
  /* The push meets it as a conflict; never overwrite local work. */
  return !kt_outbox_has_pending (outbox, record->id);
}

typedef struct {
  GTask          *task;
  KtSyncResponse *response;
  GPtrArray      *batch;      /* records of response handed to the sink */
} Pulled;

static void
pulled_free (Pulled *pulled)
{
  g_clear_pointer (&pulled->response, kt_sync_response_free);
  g_clear_pointer (&pulled->batch, g_ptr_array_unref);
  g_free (pulled);
}

/* Migration: records stored in plaintext by an app from before sealing.
 * The server lists up to a page of those this account may write; this
 * device sends each again as its next revision, sealed, just before the
 * pull, which brings that revision back into the store.  A record with
 * local work queued is left: the push seals it anyway.  A failure is not
 * the user's to act on: the next round tries again. */

typedef struct {
  GTask          *task;      /* the round */
  KtSyncResponse *unsealed;
  guint           next;
  guint           sent;
} Migration;

static void migration_next (Migration *migration);

static void
migration_done (Migration *migration,
                GError    *error)
{
  GTask *task = migration->task;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Sealing what the server keeps in plaintext waits for the next round: %s",
             error->message);
  g_clear_error (&error);
  g_clear_pointer (&migration->unsealed, kt_sync_response_free);
  g_free (migration);
  pull_next (task);
}

static void
on_resealed_revision (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Migration *migration = user_data;
  KtSyncClient *self = g_task_get_source_object (migration->task);
  GError *error = NULL;
  g_autoptr(KtSyncResponse) response = request_finish (self, result, &error);

  /* A conflict or a refusal leaves that record as it is. */
  if (response == NULL && !is_refusal (error))
    {
      migration_done (migration, error);
      return;
    }
  g_clear_error (&error);
  if (response != NULL && !response->conflict)
    migration->sent++;
  migration_next (migration);
}

/* @record's document at its next revision, sealed (transfer full). */
static KtSyncRecord *
next_revision_sealed (KtSyncClient        *self,
                      const KtSyncRecord  *record,
                      GError             **error)
{
  KtDocument doc = { 0, };
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KtSyncRecord) sealed = NULL;
  KtRecordHeader *header;

  if (record->body == NULL || !kt_document_decode (record->body, &doc, error))
    return NULL;
  header = doc.kind == KT_KIND_CASE ? &doc.kase->header
           : doc.kind == KT_KIND_PLAN ? &doc.plan->header : &doc.conversation->header;
  header->rev = record->rev + 1;
  header->updated = g_get_real_time () / G_USEC_PER_SEC;
  body = doc.kind == KT_KIND_CASE ? kt_case_encode (doc.kase)
         : doc.kind == KT_KIND_PLAN ? kt_plan_encode (doc.plan)
         : kt_conversation_encode (doc.conversation);
  kt_document_clear (&doc);
  sealed = kt_sync_record_new_for_body (body, error);
  if (sealed == NULL || !kt_record_sealer_seal (self->sealer, sealed, error))
    return NULL;
  return g_steal_pointer (&sealed);
}

static void
migration_next (Migration *migration)
{
  KtSyncClient *self = g_task_get_source_object (migration->task);
  GPtrArray *records = migration->unsealed->records;

  while (migration->next < records->len)
    {
      KtSyncRecord *record = g_ptr_array_index (records, migration->next++);
      g_autoptr(KtSyncRecord) sealed = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *escaped = NULL;
      g_autofree char *path = NULL;
      g_autofree char *if_match = NULL;
      GError *error = NULL;

      if (kt_sync_record_is_sealed (record) ||
          (self->state != NULL && g_hash_table_contains (self->state->waiting, record->id)))
        continue;
      sealed = next_revision_sealed (self, record, &error);
      if (sealed == NULL)
        {
          g_debug ("A record stays in plaintext on the server: %s", error->message);
          g_error_free (error);
          continue;
        }
      body = kt_sync_record_encode (sealed);
      escaped = g_uri_escape_string (record->id, NULL, FALSE);
      path = g_strdup_printf ("/records/%s", escaped);
      if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", record->rev);
      request_async (self, KT_SYNC_ENDPOINT_PUT_RECORD, "PUT", path, body, if_match,
                     g_task_get_cancellable (migration->task), on_resealed_revision, migration);
      return;
    }
  if (migration->sent > 0)
    g_debug ("Sealed %u records the server kept in plaintext", migration->sent);
  migration_done (migration, NULL);
}

static void
on_unsealed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  Migration *migration = g_new0 (Migration, 1);
  GError *error = NULL;

  migration->task = task;
  migration->unsealed = request_finish (self, result, &error);
  if (migration->unsealed == NULL)
    {
      /* Not this account's to ask (a supervisor whose device signed in
       * before its role was kept): not again this session. */
      if (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_FORBIDDEN))
        self->unsealed_refused = TRUE;
      migration_done (migration, error);
      return;
    }
  migration_next (migration);
}

static void
seal_unsealed (GTask *task)
{
  KtSyncClient *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);

  round->migrated = TRUE;
  request_async (self, KT_SYNC_ENDPOINT_UNSEALED, "GET", "/records/unsealed", NULL, NULL,
                 g_task_get_cancellable (task), on_unsealed, task);
}

/* Re-sealing: the server lists the records this account can open in
 * which a reader who may read them has no key yet; this device seals the
 * content key to them, one record at a time.  A failure is not the user's
 * to act on: the next round tries again. */

typedef struct {
  GTask          *task;      /* the round */
  KtSyncResponse *pending;
  guint           next;
  KtRecordSealer *sealer;    /* the one in place when the list came: the
                              * app may set another (or none, at the idle
                              * lock) while the keys are being posted */
} Reseal;

static void
reseal_free (Reseal *reseal)
{
  g_clear_pointer (&reseal->pending, kt_sync_response_free);
  g_clear_object (&reseal->sealer);
  g_free (reseal);
}

static void reseal_next (Reseal *reseal);

static void
reseal_done (Reseal *reseal,
             GError *error)
{
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Sealing to colleagues waits for the next round: %s", error->message);
  g_clear_error (&error);
  g_task_return_boolean (reseal->task, TRUE);
  g_object_unref (reseal->task);
  reseal_free (reseal);
}

static void
on_keys_added (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Reseal *reseal = user_data;
  KtSyncClient *self = g_task_get_source_object (reseal->task);
  GError *error = NULL;
  g_autoptr(KtSyncResponse) response = request_finish (self, result, &error);

  if (response == NULL)
    {
      reseal_done (reseal, error);
      return;
    }
  reseal_next (reseal);
}

/* {"rev":…,"keys":[…]} for the new keys (transfer full). */
static GBytes *
keys_request (gint64     rev,
              GPtrArray *keys)
{
  g_autoptr(GString) sealed = g_string_new (NULL);
  GString *out = g_string_new (NULL);
  const char *list;

  /* the keys' array as the record writer writes it, without the body */
  kt_sync_sealed_append_json (sealed, "", keys);
  list = strstr (sealed->str, "\"keys\":");
  g_string_append_printf (out, "{\"rev\":%" G_GINT64_FORMAT ",%s", rev, list);
  return g_string_free_to_bytes (out);
}

static void
reseal_next (Reseal *reseal)
{
  KtSyncClient *self = g_task_get_source_object (reseal->task);
  GPtrArray *records = reseal->pending->records;

  while (reseal->next < records->len)
    {
      KtSyncRecord *record = g_ptr_array_index (records, reseal->next++);
      g_auto(GStrv) missing = kt_record_sealer_missing_readers (reseal->sealer, record);
      g_autoptr(GPtrArray) keys = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *escaped = NULL;
      g_autofree char *path = NULL;
      GError *error = NULL;

      if (missing[0] == NULL)
        continue;
      keys = kt_record_sealer_reseal (reseal->sealer, record, (const char * const *) missing, &error);
      if (keys == NULL)
        {
          g_debug ("A record is not sealed to colleagues: %s", error->message);
          g_error_free (error);
          continue;
        }
      body = keys_request (record->rev, keys);
      escaped = g_uri_escape_string (record->id, NULL, FALSE);
      path = g_strdup_printf ("/records/%s/keys", escaped);
      request_async (self, KT_SYNC_ENDPOINT_ADD_KEYS, "POST", path, body, NULL,
                     g_task_get_cancellable (reseal->task), on_keys_added, reseal);
      return;
    }
  reseal_done (reseal, NULL);
}

static void
on_pending_keys (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  GError *error = NULL;
  Reseal *reseal = g_new0 (Reseal, 1);

  reseal->task = task;
  reseal->pending = request_finish (self, result, &error);
  if (reseal->pending == NULL || self->sealer == NULL)
    {
      reseal_done (reseal, error);
      return;
    }
  reseal->sealer = g_object_ref (self->sealer);
  reseal_next (reseal);
}

static void
reseal_pending (GTask *task)
{
  KtSyncClient *self = g_task_get_source_object (task);

  request_async (self, KT_SYNC_ENDPOINT_PENDING_KEYS, "GET", "/keys/pending", NULL, NULL,
                 g_task_get_cancellable (task), on_pending_keys, task);
}

typedef struct {
  KtOutbox  *outbox;
  GPtrArray *records;  /* the page's, kept alive by the Pulled */
  char      *cursor;
  KtOutboxState *state;  /* read after the page was booked */
} Advance;

static void
advance_free (Advance *advance)
{
  g_clear_object (&advance->outbox);
  g_ptr_array_unref (advance->records);
  g_free (advance->cursor);
  g_clear_pointer (&advance->state, kt_outbox_state_free);
  g_free (advance);
}

static void
advance_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Advance *advance = task_data;
  GError *error = NULL;

  if (kt_outbox_advance_pull (advance->outbox, advance->records, advance->cursor, &error))
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_sized_new (advance->records->len);

      for (guint i = 0; i < advance->records->len; i++)
        g_ptr_array_add (ids, ((KtSyncRecord *) g_ptr_array_index (advance->records, i))->id);
      advance->state = read_state_after (advance->outbox, ids);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

static void
on_advanced (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pulled *pulled = user_data;
  GTask *task = pulled->task;
  KtSyncClient *self = g_task_get_source_object (task);
  KtSyncResponse *response = pulled->response;
  Round *round = g_task_get_task_data (task);
  GError *error = NULL;

  round->n_kept += pulled->batch->len;
  take_state (self, g_steal_pointer (&((Advance *) g_task_get_task_data (G_TASK (result)))->state));
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else if (response->more && response->records->len > 0)
    {
      pull_next (task);
      pulled_free (pulled);
      return;
    }
  else if (self->sealer != NULL && round->wait == 0)
    {
      /* A full round ends by sealing to colleagues what they may read and
       * cannot open yet (a new supervisor, a newly assigned coach). */
      reseal_pending (task);
      pulled_free (pulled);
      return;
    }
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  pulled_free (pulled);
}

/* The page is kept (or had nothing to keep): only now the known revisions
 * and the cursor move, so nothing is ever marked as had that the store did
 * not commit.  One transaction for the page, on a worker (issue 22): it was
 * one commit a record on the main loop.  Not cancelled with the round:
 * what the store kept is known. */
static void
advance_pull (Pulled *pulled)
{
  KtSyncClient *self = g_task_get_source_object (pulled->task);
  g_autoptr(GTask) worker = g_task_new (NULL, NULL, on_advanced, pulled);
  Advance *advance = g_new0 (Advance, 1);

  advance->outbox = g_object_ref (self->outbox);
  advance->records = g_ptr_array_ref (pulled->batch);
  advance->cursor = g_strdup (pulled->response->cursor);
  g_task_set_source_tag (worker, advance_pull);
  g_task_set_task_data (worker, advance, (GDestroyNotify) advance_free);
  g_task_run_in_thread (worker, advance_thread);
}

static void
on_kept (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pulled *pulled = user_data;
  GError *error = NULL;

  if (!kt_record_sink_keep_finish (KT_RECORD_SINK (source), result, &error))
    {
      /* Not kept: the cursor stays, and the same records come again. */
      g_task_return_error (pulled->task, error);
      g_object_unref (pulled->task);
      pulled_free (pulled);
      return;
    }
  advance_pull (pulled);
}

/* A pulled page's work off the main loop (issue 22): which records this
 * device has already (its own pushes coming back: not opened), opening the
 * rest, and which of them the sink is to keep; every outbox read of it
 * was one query a record on the main loop. */
typedef struct {
  KtOutbox       *outbox;
  KtRecordSealer *sealer;    /* NULL: none yet */
  GPtrArray      *records;   /* the response's, opened in place */
  GPtrArray      *errors;    /* (element-type GError) one per record opened, NULL when it went well */
  GPtrArray      *batch;     /* out: the records for the sink */
  gboolean        no_key;    /* out: a record to open, and no key */
} PageWork;

static void
page_work_free (PageWork *work)
{
  g_clear_object (&work->outbox);
  g_clear_object (&work->sealer);
  g_clear_pointer (&work->records, g_ptr_array_unref);
  g_clear_pointer (&work->errors, g_ptr_array_unref);
  g_clear_pointer (&work->batch, g_ptr_array_unref);
  g_free (work);
}

static void
page_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PageWork *work = task_data;
  GError *error = NULL;

  for (guint i = 0; i < work->records->len; i++)
    {
      KtSyncRecord *record = g_ptr_array_index (work->records, i);
      GError *failure = NULL;

      /* What this device has (its own pushes coming back) is not opened. */
      if (!kt_sync_record_is_sealed (record) ||
          (record->rev <= kt_outbox_get_known_rev (work->outbox, record->id) &&
           !kt_outbox_has_conflict (work->outbox, record->id)))
        continue;
      if (work->sealer == NULL)
        {
          /* Nothing of the page is kept, so the cursor stays and it all
           * comes again once the key is here. */
          work->no_key = TRUE;
          g_task_return_boolean (task, TRUE);
          return;
        }
      kt_record_sealer_open (work->sealer, record, &failure);
      g_ptr_array_add (work->errors, failure);
    }
  for (guint i = 0; i < work->records->len && error == NULL; i++)
    {
      KtSyncRecord *record = g_ptr_array_index (work->records, i);

      /* not opened: left for later, or counted as unopened */
      if (record->body == NULL)
        continue;
      if (wants_pulled (work->outbox, record, &error))
        g_ptr_array_add (work->batch, record);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_page_sorted (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Pulled *pulled = user_data;
  GTask *task = pulled->task;
  KtSyncClient *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  PageWork *work = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) || work->no_key)
    {
      if (error == NULL)
        g_set_error_literal (&error, KT_SYNC_ERROR, KT_SYNC_ERROR_NO_KEY,
                             _("Syncing waits for this account’s key on this device."));
      g_task_return_error (task, error);
      g_object_unref (task);
      pulled_free (pulled);
      return;
    }
  for (guint i = 0; i < work->errors->len; i++)
    {
      const GError *failure = work->errors->pdata[i];

      /* Sealed to this account by no one yet: it comes again once a
       * colleague's device seals it to this account. */
      if (failure == NULL ||
          g_error_matches (failure, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_NOT_FOR_ME))
        continue;
      /* Altered, or from a key this device does not trust: not kept, and
       * said where the user looks. */
      if (round->n_unopened++ == 0)
        round->unopened = g_strdup (failure->message);
    }
  g_ptr_array_extend (pulled->batch, work->batch, NULL, NULL);
  /* Hands what the page brought and this device wants to the sink. */
  if (pulled->batch->len == 0)
    {
      advance_pull (pulled);
      return;
    }
  kt_record_sink_keep_async (self->sink, pulled->batch, g_task_get_cancellable (task),
                             on_kept, pulled);
}

static void
on_changes (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  GError *error = NULL;
  KtSyncResponse *response = request_finish (self, result, &error);
  g_autoptr(GTask) worker = NULL;
  PageWork *work;
  Pulled *pulled;

  if (response == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (response->keys_changed)
    ((Round *) g_task_get_task_data (task))->keys_changed = TRUE;
  pulled = g_new0 (Pulled, 1);
  pulled->task = task;
  pulled->response = response;
  pulled->batch = g_ptr_array_new ();

  work = g_new0 (PageWork, 1);
  work->outbox = g_object_ref (self->outbox);
  work->sealer = self->sealer != NULL ? g_object_ref (self->sealer) : NULL;
  work->records = g_ptr_array_ref (response->records);
  work->errors = g_ptr_array_new_with_free_func (free_error);
  work->batch = g_ptr_array_new ();
  /* Not cancelled with the round: the page's records stay alive in
   * @pulled until it is done, and the round's cancellable ends it after. */
  worker = g_task_new (self, NULL, on_page_sorted, pulled);
  g_task_set_source_tag (worker, on_changes);
  g_task_set_task_data (worker, work, (GDestroyNotify) page_work_free);
  g_task_run_in_thread (worker, page_thread);
}

static void
pull_next (GTask *task)
{
  KtSyncClient *self = g_task_get_source_object (task);
  const char *cursor = self->state != NULL ? self->state->cursor : NULL;
  g_autofree char *escaped = g_uri_escape_string (cursor != NULL ? cursor : "", NULL, FALSE);
  Round *round = g_task_get_task_data (task);
  g_autofree char *wait = round->wait > 0 ? g_strdup_printf ("&wait=%u", round->wait) : NULL;
  g_autofree char *path = g_strdup_printf ("/changes?since=%s&limit=%d%s", escaped,
                                           KT_SYNC_CHANGES_LIMIT, wait != NULL ? wait : "");

  kt_api_client_request_async (self->api, KT_SYNC_ENDPOINT_CHANGES, "GET", path, NULL, NULL,
                               round->wait > 0 ? KT_API_REQUEST_WATCH : KT_API_REQUEST_DEFAULT,
                               g_task_get_cancellable (task), on_changes, task);
}

static void
on_reachable (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_network_monitor_can_reach_finish (G_NETWORK_MONITOR (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&error);
          error = g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_OFFLINE,
                                       _("There is no network connection."));
        }
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  push_fill (task);
}

static gboolean
on_retry (gpointer user_data)
{
  KtSyncClient *self = user_data;

  self->retry_source = 0;
  run_round (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (KtSyncClient *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (!self->started)
    return;
  self->retry_source = g_timeout_add (kt_api_backoff_delay_ms (self->failures), on_retry, self);
}

static void
finish_waiters (KtSyncClient *self,
                const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->round_waiters);

  self->round_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
    }
}

/* The watch: between rounds, a pull the server holds open until something
 * for this account is committed (GET /changes?wait=), so new assignments
 * and review results arrive within seconds.  What it pulls goes through the
 * sink like any pull; then a round follows.  A round follows too when the
 * server answers that a colleague published a key ("keys_changed"): its
 * end seals to them what they may read and could not open yet. */

static void start_watch (KtSyncClient *self);

/* "Synced" is a completed exchange with the server: a round that ended
 * without failing (push and pull), or a held pull it answered. */
static void
mark_synced (KtSyncClient *self)
{
  self->last_synced = g_get_real_time () / G_USEC_PER_SEC;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNCED]);
}

static gboolean
on_watch_again (gpointer user_data)
{
  KtSyncClient *self = user_data;

  self->watch_source = 0;
  start_watch (self);
  return G_SOURCE_REMOVE;
}

static void
on_watch_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  KtSyncClient *self = KT_SYNC_CLIENT (source);
  Round *round = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gint64 elapsed = g_get_monotonic_time () - round->started;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* stopped: a round or a sign-out took over */
  g_clear_object (&self->watch_cancellable);
  if (error != NULL)
    {
      /* The server went away under the held pull (restarted, the
       * connection broke): nothing else asks again before the periodic
       * round minutes later, and until then no assignment or review
       * reaches this device, while the status still says synced.  A round
       * after a backoff says in the status why it cannot reach the server
       * and watches again once it can.  The backoff grows with the held
       * pulls broken in a row, not with rounds: a watch that keeps
       * breaking while rounds get through does not ask every two seconds. */
      self->watch_failures++;
      g_clear_handle_id (&self->retry_source, g_source_remove);
      if (self->started)
        self->retry_source = g_timeout_add (kt_api_backoff_delay_ms (self->watch_failures),
                                            on_retry, self);
      return;
    }
  self->watch_failures = 0;
  /* A colleague's new key: a full round (and the new weighing of the team's
   * keys that follows it, in the app) seals to them what they may read. */
  if (round->n_kept > 0 || round->keys_changed)
    run_round (self);
  else if (elapsed < G_USEC_PER_SEC)
    /* A server without long-polling answers at once: no busy loop. */
    self->watch_source = g_timeout_add_seconds (KT_API_WATCH_WAIT, on_watch_again, self);
  else
    start_watch (self);
  /* An answered held pull is a completed exchange with the server, like a
   * round: this device had everything there was for it just now, whether
   * the answer brought records or came empty at the end of the wait.  The
   * window's "Last synced at" says so, not the time of the last round.
   * Told after the next pull is asked for: what the window does with it
   * does not widen the moment in which this device holds no pull (a key
   * published then wakes no one here). */
  mark_synced (self);
}

static void
start_watch (KtSyncClient *self)
{
  GTask *task;
  Round *round;

  g_clear_handle_id (&self->watch_source, g_source_remove);
  if (!self->started || !has_token (self) || self->sink == NULL || self->outbox == NULL ||
      self->round != NULL || self->watch_cancellable != NULL || !kt_record_sink_is_ready (self->sink))
    return;
  self->watch_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->watch_cancellable, on_watch_done, NULL);
  g_task_set_source_tag (task, start_watch);
  round = g_new0 (Round, 1);
  round->wait = KT_API_WATCH_WAIT;
  round->started = g_get_monotonic_time ();
  g_task_set_task_data (task, round, (GDestroyNotify) round_free);
  pull_next (task);
}

static void
stop_watch (KtSyncClient *self)
{
  g_clear_handle_id (&self->watch_source, g_source_remove);
  if (self->watch_cancellable != NULL)
    {
      g_cancellable_cancel (self->watch_cancellable);
      g_clear_object (&self->watch_cancellable);
    }
}

static void
on_round_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  KtSyncClient *self = KT_SYNC_CLIENT (source);
  Round *round = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *refusal = NULL;
  /* The user signed out while it ran: how it ended (often an error, the
   * token gone under it) is no longer news, and the status stays what
   * signing out made it. */
  gboolean outlived = round->sign_outs != self->sign_outs;
  gboolean watch;

  g_task_propagate_boolean (G_TASK (result), &error);
  watch = error == NULL && !outlived;
  self->n_unopened = round->n_unopened;
  if (error == NULL && round->n_refused > 0)
    {
      refusal = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u record could not be sent: %s",
                                              "%u records could not be sent: %s",
                                              round->n_refused),
                                 round->n_refused, round->refusal);
    }
  g_clear_object (&self->round);

  if (outlived)
    {
      if (error == NULL)
        g_signal_emit (self, signals[ROUND_FINISHED], 0);
    }
  else if (error == NULL)
    {
      self->failures = 0;
      mark_synced (self);
      g_signal_emit (self, signals[ROUND_FINISHED], 0);
      if (refusal != NULL)
        {
          set_status (self, KT_SYNC_STATUS_ERROR, refusal);
          error = g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_REQUEST, refusal);
        }
      else if (round->n_unopened > 0)
        {
          g_autofree char *unopened = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                    "%u record could not be opened: %s",
                                                                    "%u records could not be opened: %s",
                                                                    round->n_unopened),
                                                       round->n_unopened, round->unopened);

          set_status (self, KT_SYNC_STATUS_ERROR, unopened);
        }
      else
        set_status (self, KT_SYNC_STATUS_SYNCED, NULL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_status (self, KT_SYNC_STATUS_IDLE, NULL);
  else if (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_PAUSED) ||
           g_error_matches (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED))
    /* No retry timer: the sink's ::ready-changed starts the next round. */
    set_status (self, KT_SYNC_STATUS_PAUSED, _("Syncing waits until Keukentafel is unlocked."));
  else if (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NO_KEY))
    /* No retry timer: kt_sync_client_set_sealer () starts the next round. */
    set_status (self, KT_SYNC_STATUS_PAUSED, error->message);
  else if (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN))
    {
      if (self->username != NULL && !is_signed_out (self))
        set_status (self, KT_SYNC_STATUS_NEEDS_SIGN_IN, _("Sign in again to sync."));
      else
        set_status (self, KT_SYNC_STATUS_SIGNED_OUT, NULL);
    }
  else if (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_UNAUTHORIZED))
    {
      /* Expired or revoked: the token is useless now; the outbox waits. */
      forget_token (self);
      set_status (self, KT_SYNC_STATUS_NEEDS_SIGN_IN, error->message);
    }
  else if (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_OFFLINE))
    {
      self->failures++;
      set_status (self, KT_SYNC_STATUS_OFFLINE, error->message);
    }
  else
    {
      self->failures++;
      set_status (self, KT_SYNC_STATUS_ERROR, error->message);
      schedule_retry (self);
    }
  notify_counts (self);
  finish_waiters (self, error);

  /* The key may have come while this round's end was on its way here:
   * after an unlock the account key comes back a moment after the store,
   * and kt_sync_client_set_sealer () starts a round only once the status
   * says it waits.  Nothing else would start one before the periodic
   * round, minutes later.  (A store unlocked meanwhile needs no such
   * check: ::ready-changed always asks for a round.) */
  if (self->started && self->sealer != NULL && g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NO_KEY))
    self->again = TRUE;

  if (self->next_waiters->len > 0 || self->again)
    run_round (self);
  else if (watch)
    start_watch (self);
}

static void
run_round (KtSyncClient *self)
{
  Round *round;
  GTask *task;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GSocketConnectable) connectable = NULL;

  if (self->round != NULL)
    {
      self->again = TRUE;
      return;
    }
  self->again = FALSE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  /* One pull at a time: the round takes over from the watch. */
  stop_watch (self);
  g_ptr_array_extend_and_steal (self->round_waiters, g_steal_pointer (&self->next_waiters));
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);

  task = g_task_new (self, self->cancellable, on_round_done, NULL);
  g_task_set_source_tag (task, run_round);
  round = g_new0 (Round, 1);
  round->skip_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  round->in_flight_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  round->sign_outs = self->sign_outs;
  g_task_set_task_data (task, round, (GDestroyNotify) round_free);
  self->round = g_object_ref (task);

  if (self->outbox == NULL || kt_api_client_get_server_url (self->api) == NULL || !has_token (self))
    {
      g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN,
                               _("Sign in to sync."));
      g_object_unref (task);
      return;
    }

  /* While the store is locked nothing syncs: what came in could not be
   * kept, and a push's confirmation could not be written beside it. */
  if (self->sink != NULL && !kt_record_sink_is_ready (self->sink))
    {
      g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_PAUSED,
                               _("Syncing waits until Keukentafel is unlocked."));
      g_object_unref (task);
      return;
    }

  if (self->sealing_required && self->sealer == NULL)
    {
      self->said_key_wait = self->key_wait_error != NULL;
      if (self->key_wait_error != NULL)
        g_task_return_error (task, g_error_copy (self->key_wait_error));
      else
        g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_NO_KEY,
                                 _("Syncing waits for this account’s key on this device."));
      g_object_unref (task);
      return;
    }
  self->said_key_wait = FALSE;

  set_status (self, KT_SYNC_STATUS_SYNCING, NULL);
  uri = g_uri_parse (kt_api_client_get_server_url (self->api), G_URI_FLAGS_NONE, NULL);
  connectable = g_network_address_new (g_uri_get_host (uri),
                                       g_uri_get_port (uri) > 0 ? g_uri_get_port (uri)
                                       : g_str_equal (g_uri_get_scheme (uri), "https") ? 443 : 80);
  g_network_monitor_can_reach_async (self->monitor, connectable, self->cancellable,
                                     on_reachable, task);
}

void
kt_sync_client_sync_async (KtSyncClient        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kt_sync_client_sync_async);
  g_ptr_array_add (self->next_waiters, task);
  run_round (self);
}

gboolean
kt_sync_client_sync_finish (KtSyncClient  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
on_soon (gpointer user_data)
{
  KtSyncClient *self = user_data;

  self->soon_source = 0;
  run_round (self);
  return G_SOURCE_REMOVE;
}

void
kt_sync_client_sync_soon (KtSyncClient *self)
{
  if (self->soon_source == 0)
    self->soon_source = g_timeout_add (300, on_soon, self);
}

static gboolean
on_periodic (gpointer user_data)
{
  run_round (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    KtSyncClient    *self)
{
  if (available && has_token (self))
    kt_sync_client_sync_soon (self);
}

void
kt_sync_client_start (KtSyncClient *self)
{
  g_return_if_fail (KT_IS_SYNC_CLIENT (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->network_handler = g_signal_connect (self->monitor, "network-changed",
                                            G_CALLBACK (on_network_changed), self);
  self->periodic_source = g_timeout_add_seconds (self->interval, on_periodic, self);
  kt_sync_client_sync_soon (self);
}

void
kt_sync_client_stop (KtSyncClient *self)
{
  g_return_if_fail (KT_IS_SYNC_CLIENT (self));

  self->started = FALSE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->periodic_source, g_source_remove);
  g_clear_handle_id (&self->soon_source, g_source_remove);
  g_clear_signal_handler (&self->network_handler, self->monitor);
  stop_watch (self);
}

/* Conflicts: read, merged and written on workers (issue 22), as listing
 * them opens every version kept and resolving is a transaction that may
 * wait for the disk. */

static void
list_conflicts_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *conflicts = kt_outbox_list_conflicts (task_data, &error);

  if (conflicts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, conflicts, (GDestroyNotify) g_ptr_array_unref);
}

void
kt_sync_client_list_conflicts_async (KtSyncClient        *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KT_IS_SYNC_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_sync_client_list_conflicts_async);
  if (self->outbox == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sync_conflict_free),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  g_task_set_task_data (task, g_object_ref (self->outbox), g_object_unref);
  g_task_run_in_thread (task, list_conflicts_thread);
}

GPtrArray *
kt_sync_client_list_conflicts_finish (KtSyncClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_resolved_kept (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The merged version is queued; the store keeps its older copy until
   * it can take this one (after an unlock it comes from the server). */
  if (!kt_record_sink_keep_finish (KT_RECORD_SINK (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("The merged version is queued but not yet in the store: %s", error->message);
}

static void
keep_resolved (KtSyncClient       *self,
               const KtSyncRecord *merged)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sync_record_free);

  if (self->sink == NULL)
    return;
  g_ptr_array_add (records, kt_sync_record_copy (merged));
  kt_record_sink_keep_async (self->sink, records, self->cancellable, on_resolved_kept, NULL);
}

typedef struct {
  KtOutbox   *outbox;
  char       *id;
  GHashTable *choices;   /* a copy: field → KtSyncChoice */
  KtOutboxState *state;  /* read after the resolution was written */
} Resolve;

static void
resolve_free (Resolve *resolve)
{
  g_clear_object (&resolve->outbox);
  g_free (resolve->id);
  g_clear_pointer (&resolve->choices, g_hash_table_unref);
  g_clear_pointer (&resolve->state, kt_outbox_state_free);
  g_free (resolve);
}

static KtSyncRecord *
resolve_in_outbox (KtOutbox    *outbox,
                   const char  *id,
                   GHashTable  *choices,
                   GError     **error)
{
  g_autoptr(GPtrArray) conflicts = kt_outbox_list_conflicts (outbox, error);

  if (conflicts == NULL)
    return NULL;
  for (guint i = 0; i < conflicts->len; i++)
    {
      KtSyncConflict *conflict = g_ptr_array_index (conflicts, i);
      g_autoptr(KtSyncRecord) merged = NULL;

      if (!g_str_equal (conflict->id, id))
        continue;
      merged = kt_sync_conflict_merge (conflict, choices, error);
      if (merged == NULL || !check_document (merged->body, error) ||
          !kt_outbox_resolve_conflict (outbox, merged, error))
        return NULL;
      return g_steal_pointer (&merged);
    }
  g_set_error_literal (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_NOT_FOUND,
                       _("This conflict was already resolved."));
  return NULL;
}

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Resolve *resolve = task_data;
  GError *error = NULL;
  KtSyncRecord *merged = resolve_in_outbox (resolve->outbox, resolve->id, resolve->choices, &error);

  if (merged == NULL)
    g_task_return_error (task, error);
  else
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();

      g_ptr_array_add (ids, resolve->id);
      resolve->state = read_state_after (resolve->outbox, ids);
      g_task_return_pointer (task, merged, (GDestroyNotify) kt_sync_record_free);
    }
}

static void
on_conflict_resolved (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  g_autoptr(KtSyncRecord) merged = NULL;
  GError *error = NULL;

  merged = g_task_propagate_pointer (G_TASK (result), &error);
  if (merged == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  take_state (self, g_steal_pointer (&((Resolve *) g_task_get_task_data (G_TASK (result)))->state));
  /* The resolved version is the local copy from now on. */
  keep_resolved (self, merged);
  notify_counts (self);
  if (self->started)
    kt_sync_client_sync_soon (self);
  g_task_return_boolean (task, TRUE);
}

void
kt_sync_client_resolve_conflict_async (KtSyncClient        *self,
                                       const char          *id,
                                       GHashTable          *choices,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  Resolve *resolve;
  GHashTableIter iter;
  gpointer field;
  gpointer choice;

  g_return_if_fail (KT_IS_SYNC_CLIENT (self));
  g_return_if_fail (id != NULL && choices != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_sync_client_resolve_conflict_async);
  /* Once written it is resolved: finishing says so even if cancelled since. */
  g_task_set_check_cancellable (task, FALSE);
  if (self->outbox == NULL)
    {
      g_task_return_new_error (task, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_NOT_FOUND,
                               _("This conflict was already resolved."));
      return;
    }
  resolve = g_new0 (Resolve, 1);
  resolve->outbox = g_object_ref (self->outbox);
  resolve->id = g_strdup (id);
  /* The caller's table may change while the worker merges. */
  resolve->choices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, choices);
  while (g_hash_table_iter_next (&iter, &field, &choice))
    g_hash_table_insert (resolve->choices, g_strdup (field), choice);
  worker = g_task_new (self, NULL, on_conflict_resolved, g_steal_pointer (&task));
  g_task_set_source_tag (worker, kt_sync_client_resolve_conflict_async);
  g_task_set_task_data (worker, resolve, (GDestroyNotify) resolve_free);
  g_task_run_in_thread (worker, resolve_thread);
}

gboolean
kt_sync_client_resolve_conflict_finish (KtSyncClient  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The sink */

static void
on_sink_ready_changed (KtRecordSink *sink,
                       KtSyncClient *self)
{
  if (!kt_record_sink_is_ready (sink))
    {
      /* Locked: nothing more comes in until it opens again. */
      stop_watch (self);
      if (has_token (self) && self->round == NULL)
        set_status (self, KT_SYNC_STATUS_PAUSED, _("Syncing waits until Keukentafel is unlocked."));
      return;
    }
  if (self->status == KT_SYNC_STATUS_PAUSED)
    set_status (self, has_token (self) ? KT_SYNC_STATUS_IDLE : KT_SYNC_STATUS_SIGNED_OUT, NULL);
  if (self->started && has_token (self))
    kt_sync_client_sync_soon (self);
}

void
kt_sync_client_set_sink (KtSyncClient *self,
                         KtRecordSink *sink)
{
  g_return_if_fail (KT_IS_SYNC_CLIENT (self));
  g_return_if_fail (sink == NULL || KT_IS_RECORD_SINK (sink));

  if (self->sink != NULL)
    g_clear_signal_handler (&self->sink_handler, self->sink);
  g_set_object (&self->sink, sink);
  if (sink != NULL)
    self->sink_handler = g_signal_connect (sink, "ready-changed",
                                           G_CALLBACK (on_sink_ready_changed), self);
}

/* Share states */

static KtShareState
share_state (KtSyncClient  *self,
             const char    *id,
             gboolean       whole_case,
             char         **reason)
{
  const char *failure;

  if (reason != NULL)
    *reason = NULL;
  if (self->state == NULL || id == NULL)
    return KT_SHARE_LOCAL;
  /* As kt_outbox_find_waiting () answers, from what the main loop knows. */
  failure = g_hash_table_lookup (whole_case ? self->state->waiting_cases : self->state->waiting, id);
  if (failure != NULL)
    {
      if (*failure == '\0')
        return KT_SHARE_WAITING;
      if (reason != NULL)
        *reason = g_strdup (failure);
      return KT_SHARE_REFUSED;
    }
  /* Known: the server has a revision of it (pushed from here or pulled). */
  return kt_outbox_known_contains (self->known, id) ? KT_SHARE_SHARED : KT_SHARE_LOCAL;
}

KtShareState
kt_sync_client_get_record_state (KtSyncClient  *self,
                                 const char    *id,
                                 char         **reason)
{
  g_return_val_if_fail (KT_IS_SYNC_CLIENT (self), KT_SHARE_LOCAL);

  return share_state (self, id, FALSE, reason);
}

KtShareState
kt_sync_client_get_case_state (KtSyncClient  *self,
                               const char    *case_id,
                               char         **reason)
{
  g_return_val_if_fail (KT_IS_SYNC_CLIENT (self), KT_SHARE_LOCAL);

  return share_state (self, case_id, TRUE, reason);
}

static void
share_info_free (gpointer data)
{
  KtShareInfo *info = data;

  g_free (info->reason);
  g_free (info);
}

static void
add_shared (const char *id,
            gpointer    user_data)
{
  GHashTable *states = user_data;

  if (!g_hash_table_contains (states, id))
    {
      KtShareInfo *info = g_new0 (KtShareInfo, 1);

      info->state = KT_SHARE_SHARED;
      g_hash_table_insert (states, g_strdup (id), info);
    }
}

GHashTable *
kt_sync_client_get_case_states (KtSyncClient *self)
{
  GHashTable *states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, share_info_free);
  GHashTable *waiting;
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_return_val_if_fail (KT_IS_SYNC_CLIENT (self), states);

  if (self->state == NULL)
    return states;
  waiting = self->state->waiting_cases;
  g_hash_table_iter_init (&iter, waiting);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KtShareInfo *info = g_new0 (KtShareInfo, 1);
      const char *failure = value;

      info->state = *failure != '\0' ? KT_SHARE_REFUSED : KT_SHARE_WAITING;
      info->reason = *failure != '\0' ? g_strdup (failure) : NULL;
      g_hash_table_insert (states, g_strdup (key), info);
    }
  kt_outbox_known_foreach (self->known, add_shared, states);
  return states;
}

/* Getters and settings */

GHashTable *
kt_sync_client_get_waiting (KtSyncClient *self)
{
  g_return_val_if_fail (KT_IS_SYNC_CLIENT (self), NULL);

  return self->state != NULL ? g_hash_table_ref (self->state->waiting_cases)
                             : g_hash_table_new (g_str_hash, g_str_equal);
}

KtSyncStatus
kt_sync_client_get_status (KtSyncClient *self)
{
  return self->status;
}

const char *
kt_sync_client_get_status_message (KtSyncClient *self)
{
  return self->status_message;
}

gint64
kt_sync_client_get_last_synced (KtSyncClient *self)
{
  return self->last_synced;
}

guint
kt_sync_client_get_n_pending (KtSyncClient *self)
{
  return self->state != NULL ? self->state->n_pending : 0;
}

guint
kt_sync_client_get_n_conflicts (KtSyncClient *self)
{
  return self->state != NULL ? self->state->n_conflicts : 0;
}

gboolean
kt_sync_client_is_signed_in (KtSyncClient *self)
{
  return has_token (self);
}

const char *
kt_sync_client_get_server_url (KtSyncClient *self)
{
  return kt_api_client_get_server_url (self->api);
}

const char *
kt_sync_client_get_username (KtSyncClient *self)
{
  return self->username;
}

const char *
kt_sync_client_get_display_name (KtSyncClient *self)
{
  return self->display_name;
}

const char *
kt_sync_client_get_role (KtSyncClient *self)
{
  return self->role;
}

const char *
kt_sync_client_get_team (KtSyncClient *self)
{
  return self->team;
}

KtOutbox *
kt_sync_client_get_outbox (KtSyncClient *self)
{
  return self->outbox;
}

KtApiClient *
kt_sync_client_get_api (KtSyncClient *self)
{
  g_return_val_if_fail (KT_IS_SYNC_CLIENT (self), NULL);
  return self->api;
}

void
kt_sync_client_set_timeout (KtSyncClient *self,
                            guint         seconds)
{
  kt_api_client_set_timeout (self->api, seconds);
}

void
kt_sync_client_set_tls_database (KtSyncClient *self,
                                 GTlsDatabase *database)
{
  kt_api_client_set_tls_database (self->api, database);
}

/* GObject */

static void
kt_sync_client_dispose (GObject *object)
{
  KtSyncClient *self = KT_SYNC_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->periodic_source, g_source_remove);
  g_clear_handle_id (&self->soon_source, g_source_remove);
  stop_watch (self);
  g_clear_signal_handler (&self->network_handler, self->monitor);
  if (self->sink != NULL)
    g_clear_signal_handler (&self->sink_handler, self->sink);
  g_clear_object (&self->sink);
  G_OBJECT_CLASS (kt_sync_client_parent_class)->dispose (object);
}

static void
kt_sync_client_finalize (GObject *object)
{
  KtSyncClient *self = KT_SYNC_CLIENT (object);

  wipe_token (self);
  g_clear_object (&self->outbox);
  g_clear_pointer (&self->state, kt_outbox_state_free);
  g_clear_pointer (&self->known, kt_outbox_known_free);
  g_clear_object (&self->sealer);
  g_clear_error (&self->key_wait_error);
  g_clear_object (&self->api);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->round_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->next_waiters, g_ptr_array_unref);
  g_free (self->state_path);
  g_free (self->username);
  g_free (self->display_name);
  g_free (self->role);
  g_free (self->team);
  g_free (self->status_message);
  G_OBJECT_CLASS (kt_sync_client_parent_class)->finalize (object);
}

static void
kt_sync_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KtSyncClient *self = KT_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_STATUS_MESSAGE:
      g_value_set_string (value, self->status_message);
      break;
    case PROP_LAST_SYNCED:
      g_value_set_int64 (value, self->last_synced);
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, kt_sync_client_get_n_pending (self));
      break;
    case PROP_N_CONFLICTS:
      g_value_set_uint (value, kt_sync_client_get_n_conflicts (self));
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, has_token (self));
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, kt_api_client_get_server_url (self->api));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_sync_client_class_init (KtSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = kt_sync_client_dispose;
  object_class->finalize = kt_sync_client_finalize;
  object_class->get_property = kt_sync_client_get_property;

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, KT_TYPE_SYNC_STATUS, KT_SYNC_STATUS_SIGNED_OUT, flags);
  properties[PROP_STATUS_MESSAGE] = g_param_spec_string ("status-message", NULL, NULL, NULL, flags);
  properties[PROP_LAST_SYNCED] =
    g_param_spec_int64 ("last-synced", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_CONFLICTS] = g_param_spec_uint ("n-conflicts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_SIGNED_IN] = g_param_spec_boolean ("signed-in", NULL, NULL, FALSE, flags);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_SERVER_URL] = g_param_spec_string ("server-url", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RECORD_PUSHED] =
    g_signal_new ("record-pushed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
  /* The server refused a record; it stays queued with this reason. */
  signals[RECORD_FAILED] =
    g_signal_new ("record-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[CONFLICT_DETECTED] =
    g_signal_new ("conflict-detected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A round ended without failing (after :last-synced moved).  A held
   * pull's answer moves :last-synced too, but is no round. */
  signals[ROUND_FINISHED] =
    g_signal_new ("round-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kt_sync_client_init (KtSyncClient *self)
{
  self->cancellable = g_cancellable_new ();
  self->monitor = g_network_monitor_get_default ();
  self->interval = DEFAULT_INTERVAL;
  self->round_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->api = kt_api_client_new ();
  self->known = kt_outbox_known_new ();
}

KtSyncClient *
kt_sync_client_new (const char *state_path)
{
  KtSyncClient *self;

  g_return_val_if_fail (state_path != NULL, NULL);

  self = g_object_new (KT_TYPE_SYNC_CLIENT, NULL);
  self->state_path = g_strdup (state_path);
  return self;
}

const char *
kt_sync_client_get_state_path (KtSyncClient *self)
{
  g_return_val_if_fail (KT_IS_SYNC_CLIENT (self), NULL);
  return self->state_path;
}

void
kt_sync_client_set_sealer (KtSyncClient   *self,
                           KtRecordSealer *sealer)
{
  g_return_if_fail (KT_IS_SYNC_CLIENT (self));
  g_return_if_fail (sealer == NULL || KT_IS_RECORD_SEALER (sealer));

  if (!g_set_object (&self->sealer, sealer))
    return;
  if (sealer != NULL)
    g_clear_error (&self->key_wait_error);
  /* What waited for the key goes now, and what waited for the server to
   * give it (the server has just answered).  A round that failed for
   * another reason keeps its retry: a new sealer comes at every weighing. */
  if (sealer != NULL && self->started && (self->status == KT_SYNC_STATUS_PAUSED || self->said_key_wait))
    run_round (self);
}

void
kt_sync_client_set_key_wait_error (KtSyncClient *self,
                                   const GError *error)
{
  g_return_if_fail (KT_IS_SYNC_CLIENT (self));

  g_clear_error (&self->key_wait_error);
  if (error == NULL)
    return;
  self->key_wait_error = g_error_copy (error);
  /* Said now, not at the next round: a round without a sealer asks
   * nothing of the server. */
  if (self->started && self->sealing_required && self->sealer == NULL && self->round == NULL)
    run_round (self);
}

KtRecordSealer *
kt_sync_client_get_sealer (KtSyncClient *self)
{
  g_return_val_if_fail (KT_IS_SYNC_CLIENT (self), NULL);
  return self->sealer;
}

void
kt_sync_client_set_sealing_required (KtSyncClient *self,
                                     gboolean      required)
{
  g_return_if_fail (KT_IS_SYNC_CLIENT (self));
  self->sealing_required = required;
}

guint
kt_sync_client_get_n_unopened (KtSyncClient *self)
{
  g_return_val_if_fail (KT_IS_SYNC_CLIENT (self), 0);
  return self->n_unopened;
}

/* On a worker (issue 22): the cursor goes, the known revisions stay, so
 * what was kept is not taken again; its read leaves the known ids out, as
 * none of them changed. */
static void
pull_again_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;

  if (kt_outbox_set_meta (task_data, "cursor", NULL, &error))
    g_task_return_pointer (task, read_state (task_data, FALSE), (GDestroyNotify) kt_outbox_state_free);
  else
    g_task_return_error (task, error);
}

static void
on_pull_again_written (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtSyncClient *self = g_task_get_source_object (task);
  GError *error = NULL;
  KtOutboxState *state = g_task_propagate_pointer (G_TASK (result), &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The next round pulls from the beginning. */
  take_state (self, state);
  if (self->started)
    run_round (self);
  g_task_return_boolean (task, TRUE);
}

void
kt_sync_client_pull_again_async (KtSyncClient        *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;

  g_return_if_fail (KT_IS_SYNC_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_sync_client_pull_again_async);
  /* Once written the pull starts over: finishing says so even if
   * cancelled since. */
  g_task_set_check_cancellable (task, FALSE);
  if (self->outbox == NULL)
    {
      g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN, _("Sign in to sync."));
      return;
    }
  worker = g_task_new (self, NULL, on_pull_again_written, g_steal_pointer (&task));
  g_task_set_source_tag (worker, kt_sync_client_pull_again_async);
  g_task_set_task_data (worker, g_object_ref (self->outbox), g_object_unref);
  g_task_run_in_thread (worker, pull_again_thread);
}

gboolean
kt_sync_client_pull_again_finish (KtSyncClient  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
