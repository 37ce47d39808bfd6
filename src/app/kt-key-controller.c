/* kt-key-controller.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-key-controller"

#include "config.h"

#include "kt-key-controller.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-api-client.h"
#include "kt-crypto.h"
#include "kt-key-directory.h"
#include "kt-peer-keys.h"
#include "kt-record-sealer.h"
#include "kt-recovery-phrase.h"
#include "kt-recovery-phrase-dialog.h"
#include "kt-restore-key-dialog.h"
#include "kt-store-keys.h"

/* How long team keys fetched after a sync round stay fresh: a colleague's
 * new key is seen within this time without asking the server every round. */
/* A notice stays long enough to be read and then makes room for others;
 * it comes again at the next start while it still applies, and the
 * Preferences' "Keys" group always has it. */
#define NOTICE_TIMEOUT_S 15

struct _KtKeyController
{
  GObject            parent_instance;

  GtkWindow         *window;       /* weak */
  KtStore           *store;
  KtSyncClient      *client;
  KtKeyDirectory    *directory;
  GCancellable      *cancellable;

  KtAccountKeyState  state;
  char              *username;     /* whose state this is */
  char              *fingerprint;
  GPtrArray         *team_keys;    /* (element-type KtPeerKey) */
  char              *trusted;      /* the keys the sealer trusted last (trusted_keys ()) */
  GHashTable        *pinned;       /* username → GBytes, as the store keeps them */
  KtKey             *secret;       /* the account's, while the store is unlocked */
  gboolean           phrase_kept;  /* the phrase is still to be written down */
  gint64             fetched_at;   /* monotonic µs of the last good fetch, 0: none */
  gboolean           busy;
  /* A refresh was asked for while one ran: that one may have read the
   * team's keys before a colleague published hers, so another follows. */
  gboolean           again;
  GHashTable        *warned;       /* "username fingerprint" already warned of this run */
  KtRecordSealer    *sealer;       /* while this device holds the account's key */
  AdwToast          *notice;       /* weak */
  char              *notice_title;
  char              *problem;      /* kt_key_controller_get_problem () */
  /* The fetch again after one the network failed while no sealer is set:
   * sync rounds wait on the sealer without reaching the server, so no
   * round's end would ask (see on_team_fetched). */
  guint              retry_id;
  guint              failures;     /* fetches failed in a row, for the pause */
};

G_DEFINE_FINAL_TYPE (KtKeyController, kt_key_controller, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Problems: what stays in the window (the sync button) until a later
 * fetch of the team's keys succeeds, for a failure the coach or supervisor
 * must know of because sharing waits on it.  One the sync state already
 * tells (offline, the server down, signed out) or that passes by itself
 * stays a log line. */

static gboolean
is_transient (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_OFFLINE) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_SERVER_DOWN) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_CONNECTION_DROPPED) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_TIMEOUT) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_UNAUTHORIZED) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_RATE_LIMITED);
}

/* @problem with the error's own words after it (they are written for the
 * user and name no client data); NULL clears it.  ::changed follows from
 * refresh_done (). */
static void
set_problem (KtKeyController *self,
             const char      *problem,
             const GError    *error)
{
  g_free (self->problem);
  self->problem = problem == NULL ? NULL
                  : error != NULL ? g_strdup_printf ("%s %s", problem, error->message)
                  : g_strdup (problem);
}

/* Notices */

/* The window's toast overlay: its content (KtWindow's template). */
static AdwToastOverlay *
toast_overlay (KtKeyController *self)
{
  GtkWidget *content;

  if (self->window == NULL || !ADW_IS_APPLICATION_WINDOW (self->window))
    return NULL;
  content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (self->window));
  return ADW_IS_TOAST_OVERLAY (content) ? ADW_TOAST_OVERLAY (content) : NULL;
}

/* The notice shown, dismissed once: libadwaita 1.2 hides a toast dismissed
 * a second time while it is still going (its hide animation runs) again,
 * and frees the overlay's record of it twice, a crash in the next
 * animation. */
/* Dismissed by its time, its close button or its own button: never again. */
static void
on_notice_dismissed (KtKeyController *self,
                     AdwToast        *toast)
{
  if (self->notice == toast)
    g_clear_weak_pointer (&self->notice);
}

static void
dismiss_notice (KtKeyController *self)
{
  AdwToast *notice = self->notice;

  if (notice == NULL)
    return;
  g_clear_weak_pointer (&self->notice);
  adw_toast_dismiss (notice);
}

static void
show_notice (KtKeyController *self,
             const char      *title,
             const char      *button,
             const char      *action,
             GVariant        *target)
{
  AdwToastOverlay *overlay = toast_overlay (self);
  AdwToast *toast;

  g_free (self->notice_title);
  self->notice_title = g_strdup (title);
  if (self->notice != NULL)
    {
      /* The notice showing says the new thing.  Dismissing it and adding
       * another while it still slides in crashes libadwaita 1.2 (the
       * overlay frees its record of the toast in one animation's end and
       * reads it in the next), so it is changed in place. */
      kt_a11y_toast_set_text (self->notice, title);
      adw_toast_set_button_label (self->notice, button);
      /* the target before the name, or the action is looked up with the
       * old target's type */
      adw_toast_set_action_name (self->notice, NULL);
      adw_toast_set_action_target_value (self->notice, target);
      adw_toast_set_action_name (self->notice, action);
      return;
    }
  dismiss_notice (self);
  if (overlay == NULL)
    return;
  toast = kt_a11y_toast_new (title);
  adw_toast_set_timeout (toast, NOTICE_TIMEOUT_S);
  adw_toast_set_button_label (toast, button);
  adw_toast_set_action_name (toast, action);
  if (target != NULL)
    adw_toast_set_action_target_value (toast, target);
  g_set_weak_pointer (&self->notice, toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_notice_dismissed), self, G_CONNECT_SWAPPED);
  kt_a11y_add_toast (overlay, toast);
}

static gboolean
case_readers (const char  *case_id,
              char       **coach,
              char       **intaker,
              gpointer     user_data)
{
  return kt_store_get_case_readers (user_data, case_id, coach, intaker);
}

/* The sealer exists while this device holds the key the server lists for
 * the account.  A sync client never changes a sealer it was given, so a
 * new one is made for every new weighing of the team's keys. */
/* The usable keys of @keys as one text, to tell whether a new one came. */
static char *
trusted_keys (GPtrArray *keys)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; keys != NULL && i < keys->len; i++)
    {
      KtPeerKey *key = g_ptr_array_index (keys, i);

      if (key->state != KT_PEER_KEY_CHANGED)
        g_string_append_printf (out, "%s=%s;", key->username, key->fingerprint);
    }
  return g_string_free (out, FALSE);
}

static void
update_sealer (KtKeyController *self)
{
  g_autofree char *readers = NULL;
  gboolean usable = self->state == KT_ACCOUNT_KEY_READY || self->state == KT_ACCOUNT_KEY_WRITE_PHRASE;
  KtKey *secret;

  /* A weighing that read the key before the store locked ends after it:
   * the key goes as on_store_locked () took it, and unlocking weighs
   * again.  (Seen under load in test-key-controller: a sealer after the
   * lock.) */
  if (kt_store_is_locked (self->store))
    g_clear_pointer (&self->secret, kt_key_free);
  secret = usable ? self->secret : NULL;
  g_clear_object (&self->sealer);
  if (secret != NULL)
    {
      self->sealer = kt_record_sealer_new (self->username, secret);
      kt_record_sealer_set_case_readers_func (self->sealer, case_readers, g_object_ref (self->store),
                                              g_object_unref);
      kt_record_sealer_set_team_keys (self->sealer, self->team_keys);
    }
  /* Nothing leaves this device unsealed: the first sign-in's round waits
   * the moment it takes to make the key, a new device for its key, a
   * device with the wrong one for help. */
  kt_sync_client_set_sealing_required (self->client, TRUE);
  if (self->sealer != kt_sync_client_get_sealer (self->client))
    kt_sync_client_set_sealer (self->client, self->sealer);
  /* A colleague's key this device had not trusted before (a coach who just
   * made theirs, a new supervisor): a round now seals to them what they
   * may read and could not open yet, instead of at the next sync. */
  readers = trusted_keys (self->team_keys);
  if (self->sealer != NULL && self->trusted != NULL && g_strcmp0 (readers, self->trusted) != 0)
    kt_sync_client_sync_async (self->client, NULL, NULL, NULL);
  g_free (self->trusted);
  self->trusted = g_steal_pointer (&readers);
}

/* The window owns the actions: a controller outliving it (an answer
 * arriving after the window closed) leaves them alone. */
static void
set_action_enabled (KtKeyController *self,
                    const char      *name,
                    gboolean         enabled)
{
  GAction *action = self->window != NULL && G_IS_ACTION_MAP (self->window)
                    ? g_action_map_lookup_action (G_ACTION_MAP (self->window), name) : NULL;

  if (G_IS_SIMPLE_ACTION (action))
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
set_state (KtKeyController   *self,
           KtAccountKeyState  state)
{
  gboolean changed = self->state != state;

  self->state = state;
  set_action_enabled (self, "recovery-phrase", state == KT_ACCOUNT_KEY_WRITE_PHRASE);
  set_action_enabled (self, "restore-key", state == KT_ACCOUNT_KEY_RESTORE);
  /* Told once when it comes up (again at the next start), not at every
   * refresh, so that it does not hide a colleague's warning. */
  if (changed && state == KT_ACCOUNT_KEY_WRITE_PHRASE)
    show_notice (self, _("Write down your recovery phrase"), _("_Show"), "win.recovery-phrase", NULL);
  else if (changed && state == KT_ACCOUNT_KEY_RESTORE)
    show_notice (self, _("Restore your key with your recovery phrase"), _("_Restore"),
                 "win.restore-key", NULL);
  else if (changed && state == KT_ACCOUNT_KEY_MISMATCH)
    show_notice (self, _("The key on this device is not the one on the server"), _("_Details"),
                 "win.key-warning", g_variant_new_string (""));
  update_sealer (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
set_fingerprint (KtKeyController *self,
                 const KtKey     *secret)
{
  g_autoptr(GBytes) public_key = secret != NULL ? kt_crypto_public_key (secret) : NULL;

  g_clear_pointer (&self->fingerprint, g_free);
  if (public_key != NULL)
    self->fingerprint = kt_crypto_key_fingerprint (public_key);
}

static KtPeerKey *
find_key (GPtrArray  *keys,
          const char *username)
{
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    {
      KtPeerKey *key = g_ptr_array_index (keys, i);

      if (g_str_equal (key->username, username))
        return key;
    }
  return NULL;
}

/* The details of a warning: whose key, and both fingerprints. */
/* Trusting a colleague's new key: the pin is replaced on a worker (the
 * store is read and written there), then the team's keys are weighed
 * again, so the new sealer uses the key, and the pull starts over, so what
 * that colleague sealed is opened this time. */
typedef struct {
  KtStore   *store;
  char      *username;
  KtPeerKey *key;
} TrustData;

static void
trust_data_free (TrustData *data)
{
  g_clear_object (&data->store);
  g_free (data->username);
  g_clear_pointer (&data->key, kt_peer_key_free);
  g_free (data);
}

static void
trust_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TrustData *data = task_data;
  g_autoptr(GHashTable) pinned = NULL;
  GError *error = NULL;

  pinned = kt_store_get_pinned_keys (data->store, data->username, &error);
  if (pinned != NULL)
    {
      kt_peer_keys_accept (pinned, data->key);
      kt_store_set_pinned_keys (data->store, data->username, pinned, &error);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_pulled_again (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KtKeyController) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kt_sync_client_pull_again_finish (KT_SYNC_CLIENT (source), result, &error))
    show_notice (self, error->message, NULL, NULL, NULL);
}

static void
on_trusted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KtKeyController) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_notice (self, error->message, NULL, NULL, NULL);
      return;
    }
  kt_key_controller_refresh (self);
  kt_sync_client_pull_again_async (self->client, self->cancellable, on_pulled_again,
                                   g_object_ref (self));
}

static void
on_key_warning_response (AdwMessageDialog *dialog,
                         const char       *response,
                         KtKeyController  *self)
{
  const char *username = g_object_get_data (G_OBJECT (dialog), "kt-username");
  KtPeerKey *key = find_key (self->team_keys, username);
  g_autoptr(GTask) task = NULL;
  TrustData *data;

  if (g_strcmp0 (response, "trust") != 0 || key == NULL || self->username == NULL)
    return;
  data = g_new0 (TrustData, 1);
  data->store = g_object_ref (self->store);
  data->username = g_strdup (self->username);
  data->key = g_new0 (KtPeerKey, 1);
  data->key->username = g_strdup (key->username);
  data->key->role = g_strdup (key->role);
  data->key->public_key = g_bytes_ref (key->public_key);
  data->key->fingerprint = g_strdup (key->fingerprint);
  data->key->state = key->state;
  task = g_task_new (self, self->cancellable, on_trusted, g_object_ref (self));
  g_task_set_task_data (task, data, (GDestroyNotify) trust_data_free);
  g_task_run_in_thread (task, trust_thread);
}

static void
on_key_warning (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  KtKeyController *self = user_data;
  const char *username = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (*username == '\0')
    {
      KtPeerKey *own = self->username != NULL ? find_key (self->team_keys, self->username) : NULL;

      heading = g_strdup (_("Your Key Differs From the Server’s"));
      body = g_strdup_printf (_("The key kept on this device (%s) is not the one the server has for "
                                "your account (%s). Keukentafel has not replaced either. Records "
                                "sealed to the server’s key cannot be opened here. Ask your "
                                "administrator; do not type your recovery phrase on a device you "
                                "do not trust."),
                              self->fingerprint != NULL ? self->fingerprint : "—",
                              own != NULL ? own->fingerprint : "—");
    }
  else
    {
      KtPeerKey *key = find_key (self->team_keys, username);
      g_autofree char *pinned = kt_key_controller_dup_pinned_fingerprint (self, username);

      heading = g_strdup_printf (_("The Key of %s Has Changed"), username);
      body = g_strdup_printf (_("The server now gives another key for %s than this device saw before.\n\n"
                                "Key seen before: %s\nKey on the server now: %s\n\n"
                                "Keukentafel does not seal anything to the new key. Check with %s, in "
                                "person or by phone, which key is theirs; it may be an attempt to "
                                "read along."),
                              username, pinned != NULL ? pinned : "—",
                              key != NULL ? key->fingerprint : "—", username);
    }
  if (self->window == NULL)
    return;
  dialog = adw_message_dialog_new (self->window, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  if (*username != '\0' && find_key (self->team_keys, username) != NULL)
    {
      /* Never the default: trusting a key is a choice made after the
       * colleague confirmed its fingerprint. */
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "trust", _("_Trust the New Key"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
      g_object_set_data_full (G_OBJECT (dialog), "kt-username", g_strdup (username), g_free);
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_key_warning_response), self, 0);
    }
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
warn_changed_keys (KtKeyController *self)
{
  for (guint i = 0; self->team_keys != NULL && i < self->team_keys->len; i++)
    {
      KtPeerKey *key = g_ptr_array_index (self->team_keys, i);
      g_autofree char *seen = NULL;
      g_autofree char *title = NULL;

      if (key->state != KT_PEER_KEY_CHANGED || g_strcmp0 (key->username, self->username) == 0)
        continue;
      seen = g_strconcat (key->username, " ", key->fingerprint, NULL);
      if (!g_hash_table_add (self->warned, g_steal_pointer (&seen)))
        continue;
      title = g_strdup_printf (_("The key of %s has changed"), key->username);
      show_notice (self, title, _("_Details"), "win.key-warning", g_variant_new_string (key->username));
    }
}

/* Weighing */

static void refresh_done (KtKeyController *self);

typedef struct {
  KtStore *store;
  char    *username;
  KtKey   *secret;
  GBytes  *public_key;
  GBytes  *bundle;
} MakeData;

static void
make_data_free (MakeData *data)
{
  g_clear_object (&data->store);
  g_free (data->username);
  g_clear_pointer (&data->secret, kt_key_free);
  g_clear_pointer (&data->public_key, g_bytes_unref);
  g_clear_pointer (&data->bundle, g_bytes_unref);
  g_free (data);
}

/* A new key and its phrase, kept before anything is published: a key the
 * server has but no device keeps would lock the account's records away. */
static void
make_key_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  MakeData *data = task_data;
  g_autoptr(KtKey) secret = kt_key_new_random ();
  char *phrase = kt_recovery_phrase_new ();
  GError *error = NULL;

  data->bundle = kt_crypto_seal_recovery_bundle (secret, phrase, KT_RECOVERY_OPSLIMIT,
                                                 KT_RECOVERY_MEMLIMIT);
  if (data->bundle == NULL)
    {
      kt_recovery_phrase_free (phrase);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "%s",
                               _("There is not enough memory to protect the key."));
      return;
    }
  if (!kt_store_keep_account_key (data->store, data->username, secret, phrase, data->bundle, &error))
    {
      kt_recovery_phrase_free (phrase);
      g_task_return_error (task, error);
      return;
    }
  kt_recovery_phrase_free (phrase);
  data->public_key = kt_crypto_public_key (secret);
  data->secret = g_steal_pointer (&secret);
  g_task_return_boolean (task, TRUE);
}

static void
on_published (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KtKeyController) self = user_data;
  g_autoptr(GError) error = NULL;
  KtKeyPublished published;

  if (!kt_key_directory_publish_finish (KT_KEY_DIRECTORY (source), result, &published, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("The account key was not published yet: %s", error->message);
      /* Colleagues cannot share with this account until it is. */
      if (!is_transient (error))
        set_problem (self, _("Your key is not on the server yet, so colleagues cannot share households "
                             "with you. Keukentafel tries again at the next sync."), error);
      self->fetched_at = 0;
      refresh_done (self);
      return;
    }
  /* The directory changed: fetched again at the next refresh. */
  self->fetched_at = 0;
  set_state (self, self->phrase_kept ? KT_ACCOUNT_KEY_WRITE_PHRASE : KT_ACCOUNT_KEY_READY);
  refresh_done (self);
}

static void
publish (KtKeyController *self,
         GBytes          *public_key,
         GBytes          *bundle)
{
  kt_key_directory_publish_async (self->directory, public_key, bundle, self->cancellable,
                                  on_published, g_object_ref (self));
}

static void
on_key_made (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KtKeyController) self = user_data;
  MakeData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* the store could not keep or give the key (a full disk, say): said
       * where the user looks, while sync waits for the key */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("No account key was made: %s", error->message);
          show_notice (self, error->message, NULL, NULL, NULL);
          set_problem (self, _("No key could be made for your account, so nothing is shared yet. "
                               "Keukentafel tries again at the next sync."), error);
        }
      refresh_done (self);
      return;
    }
  g_clear_pointer (&self->secret, kt_key_free);
  self->secret = g_steal_pointer (&data->secret);
  self->phrase_kept = TRUE;
  set_fingerprint (self, self->secret);
  publish (self, data->public_key, data->bundle);
}

static void
make_key (KtKeyController *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_key_made, g_object_ref (self));
  MakeData *data = g_new0 (MakeData, 1);

  data->store = g_object_ref (self->store);
  data->username = g_strdup (self->username);
  g_task_set_task_data (task, data, (GDestroyNotify) make_data_free);
  g_task_run_in_thread (task, make_key_thread);
}

/* What the store keeps of the account's keys, read and updated on a
 * worker: the pins weighed against the team's keys as fetched. */
typedef struct {
  KtStore    *store;
  char       *username;
  GPtrArray  *keys;          /* (element-type KtPeerKey), states set here */
  GHashTable *pinned;
  KtKey      *secret;
  GBytes     *bundle;
  gboolean    phrase_kept;
} WeighData;

static void
weigh_data_free (WeighData *data)
{
  g_clear_object (&data->store);
  g_free (data->username);
  g_clear_pointer (&data->keys, g_ptr_array_unref);
  g_clear_pointer (&data->pinned, g_hash_table_unref);
  g_clear_pointer (&data->secret, kt_key_free);
  g_clear_pointer (&data->bundle, g_bytes_unref);
  g_free (data);
}

static void
weigh_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WeighData *data = task_data;
  GError *error = NULL;
  char *phrase;

  data->pinned = kt_store_get_pinned_keys (data->store, data->username, &error);
  if (data->pinned == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  kt_peer_keys_check (data->keys, data->pinned);
  if (!kt_store_set_pinned_keys (data->store, data->username, data->pinned, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  data->secret = kt_store_get_account_key (data->store, data->username, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->bundle = kt_store_get_recovery_bundle (data->store, data->username, NULL);
  phrase = kt_store_get_recovery_phrase (data->store, data->username, NULL);
  data->phrase_kept = phrase != NULL;
  kt_recovery_phrase_free (phrase);
  g_task_return_boolean (task, TRUE);
}

/* The team's keys are weighed: this device's own key against them. */
static void
on_weighed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KtKeyController) self = user_data;
  WeighData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  KtPeerKey *own;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* the store could not keep or give the key (a full disk, say): said
       * where the user looks, while sync waits for the key */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("The keys on this device cannot be read: %s", error->message);
          show_notice (self, error->message, NULL, NULL, NULL);
          set_problem (self, _("The keys on this device cannot be read, so nothing is shared yet. "
                               "Keukentafel tries again at the next sync."), error);
        }
      refresh_done (self);
      return;
    }
  g_clear_pointer (&self->team_keys, g_ptr_array_unref);
  self->team_keys = g_steal_pointer (&data->keys);
  g_clear_pointer (&self->pinned, g_hash_table_unref);
  self->pinned = g_steal_pointer (&data->pinned);
  g_clear_pointer (&self->secret, kt_key_free);
  self->secret = g_steal_pointer (&data->secret);
  self->phrase_kept = data->phrase_kept;
  self->fetched_at = g_get_monotonic_time ();
  set_fingerprint (self, self->secret);
  warn_changed_keys (self);

  own = find_key (self->team_keys, self->username);
  if (self->secret == NULL && own == NULL)
    {
      make_key (self);
      return;
    }
  if (self->secret == NULL)
    {
      set_state (self, KT_ACCOUNT_KEY_RESTORE);
      refresh_done (self);
      return;
    }
  if (own == NULL && data->bundle != NULL)
    {
      /* Made here, but the server did not take it yet (or lost it): the
       * same key and bundle again; the phrase on paper still opens it. */
      g_autoptr(GBytes) public_key = kt_crypto_public_key (self->secret);

      publish (self, public_key, data->bundle);
      return;
    }
  if (own != NULL)
    {
      g_autoptr(GBytes) public_key = kt_crypto_public_key (self->secret);

      if (!g_bytes_equal (public_key, own->public_key))
        {
          /* Never republished over the server's: which one is right is for
           * a person to find out. */
          set_state (self, KT_ACCOUNT_KEY_MISMATCH);
          refresh_done (self);
          return;
        }
    }
  set_state (self, self->phrase_kept ? KT_ACCOUNT_KEY_WRITE_PHRASE : KT_ACCOUNT_KEY_READY);
  refresh_done (self);
}

/* A failure of the connection passes by itself; one of the account
 * (signed out, the token refused) waits for the user to sign in, which
 * refreshes. */
static gboolean
retries_by_itself (const GError *error)
{
  return g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_OFFLINE) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_SERVER_DOWN) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_CONNECTION_DROPPED) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_TIMEOUT) ||
         g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_RATE_LIMITED);
}

static gboolean
on_retry (gpointer data)
{
  KtKeyController *self = data;

  self->retry_id = 0;
  kt_key_controller_refresh (self);
  return G_SOURCE_REMOVE;
}

/* Started without the server (a laptop opened away from the network, the
 * server restarted), the keys were never weighed and no sealer is set; the
 * sync client then waits for one without asking the server (its status
 * says it waits for the key), and only a round that ends well would have
 * asked again.  So the fetch is tried again by itself, with the pause the
 * sync client keeps between failed rounds. */
static void
schedule_retry (KtKeyController *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add (kt_api_backoff_delay_ms (self->failures), on_retry, self);
  self->failures++;
}

static void
on_team_fetched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KtKeyController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  WeighData *data;
  GPtrArray *keys;

  /* Weighed against the pins on the worker that reads them. */
  keys = kt_key_directory_fetch_team_finish (KT_KEY_DIRECTORY (source), result, NULL, NULL, &error);
  if (keys == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          refresh_done (self);
          return;
        }
      g_message ("The team's keys were not fetched: %s", error->message);
      if (!is_transient (error))
        set_problem (self, _("The team’s keys could not be fetched; plans for colleagues wait until "
                             "the next sync."), error);
      else if (self->sealer == NULL && retries_by_itself (error))
        {
          /* Sync says the server is away, not that the key is missing. */
          kt_sync_client_set_key_wait_error (self->client, error);
          schedule_retry (self);
        }
      refresh_done (self);
      return;
    }
  /* Signed out while the keys came (a retry after a start without the
   * server may answer then): nobody's pins to weigh them against. */
  if (self->username == NULL)
    {
      g_ptr_array_unref (keys);
      refresh_done (self);
      return;
    }
  self->failures = 0;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  kt_sync_client_set_key_wait_error (self->client, NULL);
  /* What failed before is tried again from here; what still fails says
   * so again. */
  set_problem (self, NULL, NULL);
  data = g_new0 (WeighData, 1);
  data->store = g_object_ref (self->store);
  data->username = g_strdup (self->username);
  data->keys = keys;
  task = g_task_new (self, self->cancellable, on_weighed, g_object_ref (self));
  g_task_set_task_data (task, data, (GDestroyNotify) weigh_data_free);
  g_task_run_in_thread (task, weigh_thread);
}

static void
refresh_done (KtKeyController *self)
{
  self->busy = FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
  /* A round that ended during the fetch (one a colleague's new key
   * started, say) is weighed now, not at the next round minutes later. */
  if (self->again && !g_cancellable_is_cancelled (self->cancellable))
    {
      self->again = FALSE;
      kt_key_controller_refresh (self);
    }
}

void
kt_key_controller_refresh (KtKeyController *self)
{
  const char *username;

  g_return_if_fail (KT_IS_KEY_CONTROLLER (self));

  if (self->busy)
    {
      self->again = TRUE;
      return;
    }
  self->again = FALSE;
  username = kt_sync_client_get_username (self->client);
  if (!kt_sync_client_is_signed_in (self->client) || username == NULL ||
      kt_store_is_locked (self->store))
    return;
  if (g_strcmp0 (username, self->username) != 0)
    {
      /* Another account on this device: nothing of the last one applies. */
      g_free (self->username);
      self->username = g_strdup (username);
      g_clear_pointer (&self->team_keys, g_ptr_array_unref);
      g_clear_pointer (&self->fingerprint, g_free);
      g_clear_object (&self->sealer);
      g_clear_pointer (&self->secret, kt_key_free);
      g_clear_pointer (&self->pinned, g_hash_table_unref);
      g_hash_table_remove_all (self->warned);
      g_clear_pointer (&self->trusted, g_free);
      set_problem (self, NULL, NULL);
      set_state (self, KT_ACCOUNT_KEY_UNKNOWN);
    }
  self->busy = TRUE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  kt_key_directory_fetch_team_async (self->directory, self->cancellable, on_team_fetched,
                                     g_object_ref (self));
}

/* The idle lock wipes the data key; the account key goes with it, and the
 * sealer that holds a copy.  Unlocking weighs the keys again. */
static void
on_store_locked (KtKeyController *self)
{
  g_clear_pointer (&self->secret, kt_key_free);
  g_clear_object (&self->sealer);
  kt_sync_client_set_sealer (self->client, NULL);
}

static void
on_signed_in_changed (KtKeyController *self)
{
  if (kt_sync_client_is_signed_in (self->client))
    {
      kt_key_controller_refresh (self);
      return;
    }
  kt_sync_client_set_key_wait_error (self->client, NULL);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->team_keys, g_ptr_array_unref);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_object (&self->sealer);
  g_clear_pointer (&self->secret, kt_key_free);
  g_clear_pointer (&self->pinned, g_hash_table_unref);
  self->fetched_at = 0;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->failures = 0;
  /* Signed out, nothing waits on the keys. */
  set_problem (self, NULL, NULL);
  set_state (self, KT_ACCOUNT_KEY_UNKNOWN);
}

/* After a round: the directory is asked again only when its answer is old
 * or the last try failed. */
static void
on_synced (KtKeyController *self)
{
  /* After every round: a colleague who made a key since (a coach signing
   * in for the first time) is sealed to at once, not minutes later.  One
   * small request; a round it causes only when a new key came. */
  kt_key_controller_refresh (self);
}

/* Restoring */

typedef struct {
  KtStore *store;
  char    *username;
  char    *phrase;       /* normalized; wiped */
  GBytes  *bundle;
  GBytes  *server_key;   /* the account's key as the server gave it, or NULL */
  KtKey   *secret;       /* out */
} RestoreData;

static void
restore_data_free (RestoreData *data)
{
  g_clear_object (&data->store);
  g_free (data->username);
  kt_recovery_phrase_free (data->phrase);
  g_clear_pointer (&data->bundle, g_bytes_unref);
  g_clear_pointer (&data->server_key, g_bytes_unref);
  g_clear_pointer (&data->secret, kt_key_free);
  g_free (data);
}

static void
restore_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RestoreData *data = task_data;
  KtUnwrapResult unwrapped = KT_UNWRAP_MALFORMED;
  g_autoptr(KtKey) secret = kt_crypto_open_recovery_bundle (data->bundle, data->phrase, &unwrapped);
  g_autoptr(GBytes) public_key = NULL;
  GError *error = NULL;

  if (secret == NULL)
    {
      if (unwrapped == KT_UNWRAP_WRONG_PASSPHRASE)
        g_task_return_new_error (task, KT_RECOVERY_PHRASE_ERROR, KT_RECOVERY_PHRASE_ERROR_CHECKSUM, "%s",
                                 _("These twelve words are not the recovery phrase of this account. "
                                   "Check them against the paper you wrote them on."));
      else if (unwrapped == KT_UNWRAP_NO_MEMORY)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "%s",
                                 _("There is not enough memory to open the key. Close other programs and try again."));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                                 _("The server sent a recovery key Keukentafel cannot read."));
      return;
    }
  public_key = kt_crypto_public_key (secret);
  /* The bundle and the directory come from the same server; a key that is
   * not the one colleagues seal to would be of no use here. */
  if (data->server_key != NULL && !g_bytes_equal (public_key, data->server_key))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                               _("The recovery key on the server does not belong to the key your "
                                 "colleagues use for you. Ask your administrator."));
      return;
    }
  if (!kt_store_restore_account_key (data->store, data->username, secret, data->bundle, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  data->secret = g_steal_pointer (&secret);
  g_task_return_boolean (task, TRUE);
}

static void
on_restored (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtKeyController *self = g_task_get_source_object (task);
  RestoreData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_pointer (&self->secret, kt_key_free);
  self->secret = g_steal_pointer (&data->secret);
  self->phrase_kept = FALSE;
  set_fingerprint (self, self->secret);
  set_state (self, KT_ACCOUNT_KEY_READY);
  /* Records sealed to this account can be opened from now on. */
  kt_sync_client_sync_async (self->client, self->cancellable, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_bundle_fetched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtKeyController *self = g_task_get_source_object (task);
  RestoreData *data = g_task_get_task_data (task);
  g_autoptr(GTask) worker = NULL;
  GError *error = NULL;
  KtPeerKey *own;

  data->bundle = kt_key_directory_fetch_bundle_finish (KT_KEY_DIRECTORY (source), result, &error);
  if (data->bundle == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  own = find_key (self->team_keys, self->username);
  data->server_key = own != NULL ? g_bytes_ref (own->public_key) : NULL;
  /* The data stays the outer task's, which the worker holds until done. */
  worker = g_task_new (self, g_task_get_cancellable (task), on_restored, g_object_ref (task));
  g_task_set_task_data (worker, data, NULL);
  g_task_run_in_thread (worker, restore_thread);
}

void
kt_key_controller_restore_async (KtKeyController     *self,
                                 const char          *typed,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RestoreData *data;
  GError *error = NULL;
  char *phrase;

  g_return_if_fail (KT_IS_KEY_CONTROLLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_key_controller_restore_async);
  if (self->username == NULL)
    {
      g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN, "%s",
                               _("Sign in to sync."));
      return;
    }
  phrase = kt_recovery_phrase_normalize (typed, &error);
  if (phrase == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data = g_new0 (RestoreData, 1);
  data->store = g_object_ref (self->store);
  data->username = g_strdup (self->username);
  data->phrase = phrase;
  g_task_set_task_data (task, data, (GDestroyNotify) restore_data_free);
  kt_key_directory_fetch_bundle_async (self->directory, cancellable, on_bundle_fetched,
                                       g_steal_pointer (&task));
}

gboolean
kt_key_controller_restore_finish (KtKeyController  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The phrase */

char *
kt_key_controller_dup_phrase (KtKeyController *self)
{
  g_return_val_if_fail (KT_IS_KEY_CONTROLLER (self), NULL);

  if (self->username == NULL || kt_store_is_locked (self->store))
    return NULL;
  return kt_store_get_recovery_phrase (self->store, self->username, NULL);
}

gboolean
kt_key_controller_phrase_written (KtKeyController  *self,
                                  GError          **error)
{
  g_return_val_if_fail (KT_IS_KEY_CONTROLLER (self), FALSE);

  if (self->username == NULL ||
      !kt_store_forget_recovery_phrase (self->store, self->username, error))
    return FALSE;
  self->phrase_kept = FALSE;
  dismiss_notice (self);
  if (self->state == KT_ACCOUNT_KEY_WRITE_PHRASE)
    set_state (self, KT_ACCOUNT_KEY_READY);
  return TRUE;
}

static void
on_show_phrase (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  KtKeyController *self = user_data;
  char *phrase = kt_key_controller_dup_phrase (self);
  GtkWidget *dialog;

  if (phrase == NULL || self->window == NULL)
    {
      kt_recovery_phrase_free (phrase);
      return;
    }
  dialog = kt_recovery_phrase_dialog_new (self->window, self, phrase);
  kt_recovery_phrase_free (phrase);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_restore_key (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  KtKeyController *self = user_data;

  if (self->window != NULL)
    gtk_window_present (GTK_WINDOW (kt_restore_key_dialog_new (self->window, self)));
}

/* Getters */

KtAccountKeyState
kt_key_controller_get_state (KtKeyController *self)
{
  g_return_val_if_fail (KT_IS_KEY_CONTROLLER (self), KT_ACCOUNT_KEY_UNKNOWN);

  return self->state;
}

const char *
kt_key_controller_get_fingerprint (KtKeyController *self)
{
  g_return_val_if_fail (KT_IS_KEY_CONTROLLER (self), NULL);

  return self->fingerprint;
}

GPtrArray *
kt_key_controller_get_team_keys (KtKeyController *self)
{
  g_return_val_if_fail (KT_IS_KEY_CONTROLLER (self), NULL);

  return self->team_keys;
}

char *
kt_key_controller_dup_pinned_fingerprint (KtKeyController *self,
                                          const char      *username)
{
  GBytes *key;

  g_return_val_if_fail (KT_IS_KEY_CONTROLLER (self), NULL);

  key = self->pinned != NULL ? g_hash_table_lookup (self->pinned, username) : NULL;
  return key != NULL ? kt_crypto_key_fingerprint (key) : NULL;
}

KtRecordSealer *
kt_key_controller_get_sealer (KtKeyController *self)
{
  g_return_val_if_fail (KT_IS_KEY_CONTROLLER (self), NULL);

  return self->sealer;
}

const char *
kt_key_controller_get_notice (KtKeyController *self)
{
  g_return_val_if_fail (KT_IS_KEY_CONTROLLER (self), NULL);

  return self->notice_title;
}

const char *
kt_key_controller_get_problem (KtKeyController *self)
{
  g_return_val_if_fail (KT_IS_KEY_CONTROLLER (self), NULL);

  return self->problem;
}

void
kt_key_controller_stop (KtKeyController *self)
{
  g_return_if_fail (KT_IS_KEY_CONTROLLER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
}

/* GObject */

static void
kt_key_controller_dispose (GObject *object)
{
  KtKeyController *self = KT_KEY_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_weak_pointer (&self->window);
  g_clear_weak_pointer (&self->notice);
  g_clear_object (&self->sealer);
  g_clear_object (&self->directory);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (kt_key_controller_parent_class)->dispose (object);
}

static void
kt_key_controller_finalize (GObject *object)
{
  KtKeyController *self = KT_KEY_CONTROLLER (object);

  g_clear_object (&self->cancellable);
  g_free (self->username);
  g_free (self->fingerprint);
  g_free (self->problem);
  g_free (self->notice_title);
  g_clear_pointer (&self->team_keys, g_ptr_array_unref);
  g_clear_pointer (&self->trusted, g_free);
  g_clear_pointer (&self->pinned, g_hash_table_unref);
  g_clear_pointer (&self->secret, kt_key_free);
  g_clear_pointer (&self->warned, g_hash_table_unref);
  G_OBJECT_CLASS (kt_key_controller_parent_class)->finalize (object);
}

static void
kt_key_controller_class_init (KtKeyControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kt_key_controller_dispose;
  G_OBJECT_CLASS (klass)->finalize = kt_key_controller_finalize;

  /* The state, the fingerprints or the team's keys changed. */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kt_key_controller_init (KtKeyController *self)
{
  self->cancellable = g_cancellable_new ();
  self->warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

KtKeyController *
kt_key_controller_new (GtkWindow    *window,
                       KtStore      *store,
                       KtSyncClient *client)
{
  KtKeyController *self = g_object_new (KT_TYPE_KEY_CONTROLLER, NULL);
  static const GActionEntry actions[] = {
    { "recovery-phrase", on_show_phrase, NULL, NULL, NULL },
    { "restore-key", on_restore_key, NULL, NULL, NULL },
    { "key-warning", on_key_warning, "s", NULL, NULL },
  };

  g_set_weak_pointer (&self->window, window);
  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  self->directory = kt_key_directory_new (kt_sync_client_get_api (client));
  /* The controller does not outlive its window in practice, but an answer
   * in flight holds it a moment longer: it then finds no window (weak). */
  if (window != NULL && G_IS_ACTION_MAP (window))
    {
      g_action_map_add_action_entries (G_ACTION_MAP (window), actions, G_N_ELEMENTS (actions), self);
      set_action_enabled (self, "recovery-phrase", FALSE);
      set_action_enabled (self, "restore-key", FALSE);
    }
  g_signal_connect_object (client, "notify::signed-in", G_CALLBACK (on_signed_in_changed), self,
                           G_CONNECT_SWAPPED);
  /* Not :last-synced, which a held pull's answer moves too, every 25
   * seconds while nothing happens. */
  g_signal_connect_object (client, "round-finished", G_CALLBACK (on_synced), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "unlocked", G_CALLBACK (kt_key_controller_refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "locked", G_CALLBACK (on_store_locked), self, G_CONNECT_SWAPPED);
  return self;
}
