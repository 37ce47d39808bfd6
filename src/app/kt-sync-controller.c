/* kt-sync-controller.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-sync-controller"

#include "config.h"

#include "kt-sync-controller.h"

#include <glib/gi18n.h>

#include "kt-app-util.h"
#include "kt-conflict-view.h"
#include "kt-key-controller.h"
#include "kt-role-client.h"
#include "kt-role-view.h"
#include "kt-sign-in-dialog.h"
#include "kt-store-sink.h"

struct _KtSyncController
{
  GObject       parent_instance;

  GtkWindow    *window;     /* weak */
  KtStore      *store;
  KtStoreSink  *sink;
  KtSyncClient *client;
  KtKeyController *keys;
  GCancellable *cancellable;
  GPtrArray    *kept;        /* (element-type KtDocument) kept since the last ::documents-changed */
  guint         kept_source; /* the idle that tells of them */
  guint         n_adopting;  /* adoptions not finished yet */
  /* The one role client of the sync client, shared with the role
   * controller: two would each send the queue of assignments after a push.
   * Who the server says is signed in is asked through it once a sign-in,
   * for the adoption and the role's view alike (issue 22). */
  KtRoleClient *roles;
  KtSyncUser   *me;          /* the answer, for the account signed in now */
  GPtrArray    *me_waiting;  /* (element-type GTask) asked while it is on its way */
};

G_DEFINE_FINAL_TYPE (KtSyncController, kt_sync_controller, G_TYPE_OBJECT)

enum {
  DOCUMENTS_CHANGED,
  CASE_STATE_CHANGED,
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A review result: a notification without client data, as it may show on
 * a locked screen. */
static void
notify_review (KtSyncController *self,
               const KtPlan     *plan)
{
  GApplication *app = g_application_get_default ();
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;

  if (app == NULL || (plan->review != KT_REVIEW_APPROVED && plan->review != KT_REVIEW_RETURNED))
    return;
  notification = g_notification_new (plan->review == KT_REVIEW_APPROVED
                                     ? _("A plan was approved")
                                     : _("A plan was returned with comments"));
  g_notification_set_body (notification, _("Open Keukentafel to see the review."));
  id = g_strdup_printf ("review-%s", plan->header.id);
  g_application_send_notification (app, id, notification);
}

/* A case assigned to this coach arrived: a notification without client
 * data, one for however many came. */
static void
notify_assignment (KtSyncController *self)
{
  GApplication *app = g_application_get_default ();
  g_autoptr(GNotification) notification = NULL;

  if (app == NULL)
    return;
  notification = g_notification_new (_("There is a new request for you"));
  g_notification_set_body (notification, _("Open Keukentafel to see it."));
  g_application_send_notification (app, "new-assignment", notification);
}

static void
document_free (KtDocument *doc)
{
  kt_document_clear (doc);
  g_free (doc);
}

/* A batch from the server is told as one change, once it is all kept: the
 * views then update once for 200 records rather than 200 times (issue 22). */
static gboolean
tell_kept (gpointer data)
{
  KtSyncController *self = data;
  g_autoptr(GPtrArray) kept = g_steal_pointer (&self->kept);

  self->kept_source = 0;
  self->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) document_free);
  g_signal_emit (self, signals[DOCUMENTS_CHANGED], 0, kept);
  g_signal_emit (self, signals[CASE_STATE_CHANGED], 0, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_document_kept (KtSyncController *self,
                  const KtDocument *doc,
                  gboolean          is_new_case)
{
  const char *me = kt_sync_client_get_username (self->client);
  KtDocument *copy = g_new0 (KtDocument, 1);

  if (doc->plan != NULL)
    notify_review (self, doc->plan);
  else if (doc->kase != NULL && is_new_case && me != NULL && g_strcmp0 (doc->kase->coach, me) == 0)
    notify_assignment (self);
  copy->kind = doc->kind;
  copy->kase = doc->kase != NULL ? kt_case_ref (doc->kase) : NULL;
  copy->conversation = doc->conversation != NULL ? kt_conversation_ref (doc->conversation) : NULL;
  copy->plan = doc->plan != NULL ? kt_plan_ref (doc->plan) : NULL;
  g_ptr_array_add (self->kept, copy);
  if (self->kept_source == 0)
    self->kept_source = g_idle_add_full (G_PRIORITY_DEFAULT, tell_kept, self, NULL);
}

static void
emit_case_state_changed (KtSyncController *self)
{
  g_signal_emit (self, signals[CASE_STATE_CHANGED], 0, NULL);
}

/* The server has this revision: the store's copy is synced. */
static void
on_sync_state_written (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Bookkeeping only: the outbox, not this column, says what was sent. */
  if (!kt_store_set_sync_state_finish (KT_STORE (source), result, &error) &&
      !g_error_matches (error, KT_STORE_ERROR, KT_STORE_ERROR_NOT_FOUND) &&
      !g_error_matches (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED))
    g_message ("The sync state of a record was not written: %s", error->message);
}

/* Written on the store's worker: a save holding the store (a slow disk)
 * kept the main loop waiting at every record the server took (issue 22). */
static void
on_record_pushed (KtSyncController *self,
                  const char       *id,
                  gint64            rev)
{
  kt_store_set_sync_state_async (self->store, id, KT_SYNC_SYNCED, rev, NULL,
                                 on_sync_state_written, NULL);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KtSyncController) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kt_sync_client_open_finish (KT_SYNC_CLIENT (source), result, &error))
    {
      /* The client's status says so in the sync status (the header's
       * sync button and its popover), where the coach looks for it. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Syncing is off: %s", error->message);
      return;
    }
  kt_sync_client_start (self->client);
  kt_key_controller_refresh (self->keys);
}

static void
password_kept (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kt_store_set_unlock_secret_finish (KT_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("The account password cannot unlock this device: %s", error->message);
}

/* Signed in: the password becomes a way to unlock offline (an Argon2id
 * verifier in the encrypted store, made on a worker), and the window says
 * who is signed in where. */
static void
on_dialog_signed_in (KtSignInDialog   *dialog,
                     const char       *password,
                     KtSyncController *self)
{
  kt_store_set_unlock_secret_async (self->store, KT_UNLOCK_PASSWORD, password, self->cancellable,
                                    password_kept, NULL);
  g_signal_emit (self, signals[SIGNED_IN], 0);
}

void
kt_sync_controller_sign_in (KtSyncController *self)
{
  KtSignInDialog *dialog = kt_sign_in_dialog_new (self->window, self->client);

  g_signal_connect_object (dialog, "signed-in", G_CALLBACK (on_dialog_signed_in), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct {
  KtSyncController *self;
  KtConflictView   *view;
} Resolving;

static void
on_conflict_resolved (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Resolving *resolving = user_data;
  g_autoptr(KtSyncController) self = resolving->self;
  g_autoptr(KtConflictView) view = resolving->view;
  g_autoptr(GError) error = NULL;
  GtkRoot *dialog = gtk_widget_get_root (GTK_WIDGET (view));

  g_free (resolving);
  if (!kt_sync_client_resolve_conflict_finish (KT_SYNC_CLIENT (source), result, &error))
    {
      /* The dialog stays open with both versions; the coach hears why
       * (beside the main window if the dialog was closed meanwhile). */
      kt_conflict_view_set_saving (view, FALSE);
      if (dialog != NULL || self->window != NULL)
        kt_app_show_error (dialog != NULL ? GTK_WIDGET (view) : GTK_WIDGET (self->window),
                           _("Your Choice Was Not Saved"), error->message);
      return;
    }
  if (dialog != NULL)
    gtk_window_close (GTK_WINDOW (dialog));
  kt_sync_controller_show_conflicts (self);
}

static void
on_resolve (KtConflictView   *view,
            GHashTable       *choices,
            KtSyncController *self)
{
  Resolving *resolving = g_new0 (Resolving, 1);

  /* Merged and written on a worker; meanwhile the dialog says it saves. */
  resolving->self = g_object_ref (self);
  resolving->view = g_object_ref (view);
  kt_conflict_view_set_saving (view, TRUE);
  kt_sync_client_resolve_conflict_async (self->client, kt_conflict_view_get_id (view), choices,
                                         self->cancellable, on_conflict_resolved, resolving);
}

static void
on_conflicts_listed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KtSyncController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = kt_sync_client_list_conflicts_finish (KT_SYNC_CLIENT (source),
                                                                        result, &error);
  GtkWidget *view;
  GtkWidget *dialog;
  GtkWidget *box;

  if (conflicts == NULL)
    {
      /* The coach asked to see them (or resolved the one before): a
       * conflict that cannot be opened (its row changed outside
       * Keukentafel) is said where they look, not only in a log line. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->window != NULL)
        kt_app_show_error (GTK_WIDGET (self->window), _("The Conflicts Could Not Be Opened"),
                           error->message);
      return;
    }
  if (conflicts->len == 0 || self->window == NULL)
    return;
  view = kt_conflict_view_new (g_ptr_array_index (conflicts, 0));
  g_signal_connect_object (view, "resolve", G_CALLBACK (on_resolve), self, 0);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (view, TRUE);
  gtk_box_append (GTK_BOX (box), view);
  dialog = g_object_new (ADW_TYPE_WINDOW,
                         "transient-for", self->window,
                         "modal", TRUE,
                         "title", _("Two Versions"),
                         "default-width", 860,
                         "default-height", 600,
                         "content", box,
                         NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Shows the first conflict in a dialog, once the conflicts are read on a
 * worker. */
void
kt_sync_controller_show_conflicts (KtSyncController *self)
{
  g_return_if_fail (KT_IS_SYNC_CONTROLLER (self));

  kt_sync_client_list_conflicts_async (self->client, self->cancellable, on_conflicts_listed,
                                       g_object_ref (self));
}

KtSyncClient *
kt_sync_controller_get_client (KtSyncController *self)
{
  return self->client;
}

KtKeyController *
kt_sync_controller_get_keys (KtSyncController *self)
{
  return self->keys;
}

KtRoleClient *
kt_sync_controller_get_roles (KtSyncController *self)
{
  g_return_val_if_fail (KT_IS_SYNC_CONTROLLER (self), NULL);

  return self->roles;
}

gboolean
kt_sync_controller_is_signed_in (KtSyncController *self)
{
  return kt_sync_client_is_signed_in (self->client);
}

const char *
kt_sync_controller_get_username (KtSyncController *self)
{
  return kt_sync_client_get_username (self->client);
}

const char *
kt_sync_controller_get_display_name (KtSyncController *self)
{
  return kt_sync_client_get_display_name (self->client);
}

const char *
kt_sync_controller_get_server_url (KtSyncController *self)
{
  return kt_sync_client_get_server_url (self->client);
}

gint64
kt_sync_controller_get_last_synced (KtSyncController *self)
{
  return kt_sync_client_get_last_synced (self->client);
}

void
kt_sync_controller_sync_now (KtSyncController *self)
{
  g_return_if_fail (KT_IS_SYNC_CONTROLLER (self));

  /* Keys that could not be fetched (the server was away) are asked for
   * now too, not at their next try: the round waits for them. */
  if (self->keys != NULL && kt_sync_client_get_sealer (self->client) == NULL)
    kt_key_controller_refresh (self->keys);
  kt_sync_client_sync_async (self->client, self->cancellable, NULL, NULL);
}

guint
kt_sync_controller_get_n_unsynced (KtSyncController *self)
{
  g_return_val_if_fail (KT_IS_SYNC_CONTROLLER (self), 0);

  return kt_sync_client_get_n_pending (self->client) + kt_sync_client_get_n_conflicts (self->client);
}

static void
on_plan_queued_again (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* A copy already on its way stays queued and goes in the next round. */
  if (!kt_sync_client_share_finish (KT_SYNC_CLIENT (source), result, &error))
    g_message ("A plan was not queued again: %s", error->message);
}

typedef struct {
  KtSyncController *self;
  KtPlan           *open_plan;  /* or NULL */
} WaitingPlans;

static void
waiting_plans_free (WaitingPlans *waiting)
{
  g_clear_object (&waiting->self);
  g_clear_pointer (&waiting->open_plan, kt_plan_unref);
  g_free (waiting);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WaitingPlans, waiting_plans_free)

static void
waiting_plans_read (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(WaitingPlans) waiting = user_data;
  KtSyncController *self = waiting->self;
  g_autoptr(GPtrArray) plans = kt_store_load_plans_for_case_finish (KT_STORE (source), result, NULL);
  KtPlan *open_plan = waiting->open_plan;

  /* The window is going away, or the store locked meanwhile: they are
   * queued again at the next sign-in, as a failed queueing is. */
  if (plans == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  for (guint i = 0; i < plans->len; i++)
    {
      KtPlan *stored = g_ptr_array_index (plans, i);
      const char *id = stored->header.id;
      KtShareState state = kt_sync_client_get_record_state (self->client, id, NULL);
      g_autoptr(GBytes) body = NULL;
      KtPlan *plan;

      if (state == KT_SHARE_LOCAL || state == KT_SHARE_SHARED)
        continue;
      plan = open_plan != NULL && g_strcmp0 (open_plan->header.id, id) == 0 ? open_plan : stored;
      body = kt_plan_encode (plan);
      /* On the client's worker, behind what was shared before (issue 22). */
      kt_sync_client_share_async (self->client, body, NULL, on_plan_queued_again, NULL);
    }
}

/* Queues the plans of @case_id that wait (or were refused) again, behind
 * their case, so that they reach the server in the same round.  They are
 * read on the store's worker (issue 22: listing and decrypting them on the
 * main loop waited for any save holding the store); drafts not yet written
 * take the place of their records, as kt_store_load_plan () gave them. */
static void
share_waiting_plans (KtSyncController *self,
                     const char       *case_id,
                     KtPlan           *open_plan)
{
  WaitingPlans *waiting = g_new0 (WaitingPlans, 1);

  waiting->self = g_object_ref (self);
  waiting->open_plan = open_plan != NULL ? kt_plan_ref (open_plan) : NULL;
  kt_store_load_plans_for_case_async (self->store, case_id, self->cancellable, waiting_plans_read, waiting);
}

/* Who is signed in
 *
 * Both the adoption after signing in and the role's view ask the server
 * who the account is; they share one GET /me a sign-in (it was asked twice
 * on a supervisor's sign-in, issue 22). */

/* The answer holds for the account signed in now; signing out or in as
 * someone else asks again. */
static void
forget_me (KtSyncController *self)
{
  if (self->me != NULL && (!kt_sync_client_is_signed_in (self->client) ||
                           g_strcmp0 (self->me->username, kt_sync_client_get_username (self->client)) != 0))
    g_clear_pointer (&self->me, kt_sync_user_free);
}

static void
me_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KtSyncController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncUser) me = kt_role_client_fetch_me_finish (KT_ROLE_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&self->me_waiting);

  /* Kept only while the same account is signed in as when it was asked. */
  if (me != NULL && kt_sync_client_is_signed_in (self->client) &&
      g_strcmp0 (me->username, kt_sync_client_get_username (self->client)) == 0)
    {
      g_clear_pointer (&self->me, kt_sync_user_free);
      self->me = kt_sync_user_copy (me);
    }
  for (guint i = 0; waiting != NULL && i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (me != NULL)
        g_task_return_pointer (task, kt_sync_user_copy (me), (GDestroyNotify) kt_sync_user_free);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

void
kt_sync_controller_fetch_me_async (KtSyncController    *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KT_IS_SYNC_CONTROLLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_sync_controller_fetch_me_async);
  forget_me (self);
  if (self->me != NULL)
    {
      g_task_return_pointer (task, kt_sync_user_copy (self->me), (GDestroyNotify) kt_sync_user_free);
      return;
    }
  if (self->me_waiting != NULL)
    {
      g_ptr_array_add (self->me_waiting, g_steal_pointer (&task));
      return;
    }
  self->me_waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->me_waiting, g_steal_pointer (&task));
  kt_role_client_fetch_me_async (self->roles, self->cancellable, me_answered, g_object_ref (self));
}

KtSyncUser *
kt_sync_controller_fetch_me_finish (KtSyncController  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Adopting the households started before signing in
 *
 * A coach may start households with "+" before ever signing in; they have no
 * coach, and the server refuses a household without one.  On signing in as
 * a coach they become the coach's.  The file is searched for them on a
 * thread (every case is read and decrypted: seconds on a large store), and
 * what was found is changed a slice at a time on the main loop, each slice
 * written in one batch on the store's worker (issue 22). */

/* Households changed per turn of the main loop: each is loaded (one
 * decryption) and encoded for its write, a fraction of a millisecond. */
#define ADOPT_SLICE 32

typedef struct {
  KtStore                *store;     /* its own reference, for the thread */
  GWeakRef                owner;
  KtOpenDocumentsFunc     open_documents;
  GPtrArray              *ids;       /* (element-type utf8) found without coach or intaker */
  guint                   next;
  GPtrArray              *to_share;  /* (element-type ToShare) adopted and waiting or refused */
  guint                   adopted;
  guint                   changed;   /* in this slice */
} Adoption;

/* A household adopted in a slice, encoded when it was changed, to be queued
 * for the server once the slice is written. */
typedef struct {
  char   *id;
  GBytes *body;
} ToShare;

static void
to_share_free (ToShare *item)
{
  g_free (item->id);
  g_bytes_unref (item->body);
  g_free (item);
}

static void
adoption_free (Adoption *adoption)
{
  g_clear_object (&adoption->store);
  g_weak_ref_clear (&adoption->owner);
  g_clear_pointer (&adoption->ids, g_ptr_array_unref);
  g_clear_pointer (&adoption->to_share, g_ptr_array_unref);
  g_free (adoption);
}

static void
open_documents (Adoption  *adoption,
                KtCase   **open_case,
                KtPlan   **open_plan)
{
  g_autoptr(GObject) owner = g_weak_ref_get (&adoption->owner);

  *open_case = NULL;
  *open_plan = NULL;
  if (owner != NULL && adoption->open_documents != NULL)
    adoption->open_documents (owner, open_case, open_plan);
}

static gboolean
adoption_stopped (GTask *task)
{
  KtSyncController *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    return TRUE;
  /* The window is going away. */
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The window was closed");
      return TRUE;
    }
  return FALSE;
}

static void adopt_slice (GTask *task);

static gboolean
adopt_slice_cb (gpointer data)
{
  adopt_slice (data);
  return G_SOURCE_REMOVE;
}

static void
next_slice (GTask *task)
{
  /* Below drawing and input: the window stays usable meanwhile. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, adopt_slice_cb, task, NULL);
}

/* A household adopted after signing in, on its way to the outbox; its
 * plans follow once it is there. */
typedef struct {
  KtSyncController *self;
  GTask            *adoption;  /* for the open documents */
  char             *id;
} Readopted;

static void
readopted_free (Readopted *readopted)
{
  g_object_unref (readopted->self);
  g_object_unref (readopted->adoption);
  g_free (readopted->id);
  g_free (readopted);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Readopted, readopted_free)

static void
on_adopted_queued (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Readopted) readopted = user_data;
  KtSyncController *self = readopted->self;
  g_autoptr(GError) error = NULL;
  KtCase *open_case;
  KtPlan *open_plan;

  if (!kt_sync_client_share_finish (KT_SYNC_CLIENT (source), result, &error))
    {
      g_autofree char *text =
        g_strdup_printf (_("A household you started before signing in could not be put in "
                           "the queue for the server. It stays on this device and is tried "
                           "again the next time you sign in. %s"),
                         error->message);

      kt_app_show_error (self->window != NULL ? GTK_WIDGET (self->window) : NULL,
                         _("Household Not Shared"), text);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  open_documents (g_task_get_task_data (readopted->adoption), &open_case, &open_plan);
  share_waiting_plans (self, readopted->id, open_plan);
}

/* Queued before signing in, without a coach: the server refuses that, so
 * the households go again with their coach, then their plans.  Each is
 * written on the sync client's worker (issue 22), the plans when their
 * household is in the outbox. */
static void
share_adopted (KtSyncController *self,
               GTask            *task)
{
  Adoption *adoption = g_task_get_task_data (task);

  for (guint i = 0; i < adoption->to_share->len; i++)
    {
      ToShare *item = g_ptr_array_index (adoption->to_share, i);
      Readopted *readopted = g_new0 (Readopted, 1);

      readopted->self = g_object_ref (self);
      readopted->adoption = g_object_ref (task);
      readopted->id = g_strdup (item->id);
      kt_sync_client_share_async (self->client, item->body, NULL, on_adopted_queued, readopted);
    }
  g_ptr_array_set_size (adoption->to_share, 0);
}

static void
slice_written (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtSyncController *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!kt_store_flush_finish (KT_STORE (source), result, &error))
    {
      /* Nothing is shared without its coach; it is tried again at the
       * next sign-in. */
      if (!g_error_matches (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED) &&
          !g_cancellable_is_cancelled (self->cancellable))
        {
          g_autofree char *text =
            g_strdup_printf (_("A household you started before signing in could not be saved "
                               "with you as its coach, so it is not shared yet. It stays on this "
                               "device and is tried again the next time you sign in. %s"), error->message);

          kt_app_show_error (self->window != NULL ? GTK_WIDGET (self->window) : NULL,
                             _("Household Not Shared"), text);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (adoption_stopped (task))
    return;
  share_adopted (self, task);
  next_slice (g_steal_pointer (&task));
}

/* @kase (the open household, or a copy read from the store) gets this
 * user as its coach, unless it has one or waits for an assignment. */
static void
adopt_case (KtSyncController *self,
            Adoption         *adoption,
            const char       *id,
            KtCase           *kase)
{
  KtShareState state = kt_sync_client_get_record_state (self->client, id, NULL);

  /* An intaker's registration waits for an assignment instead. */
  if (state == KT_SHARE_SHARED || kase == NULL || (kase->coach != NULL && *kase->coach != '\0') ||
      (kase->request.intaker != NULL && *kase->request.intaker != '\0'))
    return;
  g_free (kase->coach);
  kase->coach = g_strdup (kt_sync_client_get_username (self->client));
  kt_store_autosave_case (self->store, kase);
  adoption->changed++;
  adoption->adopted++;
  if (state != KT_SHARE_LOCAL)
    {
      ToShare *item = g_new0 (ToShare, 1);

      item->id = g_strdup (id);
      item->body = kt_case_encode (kase);
      g_ptr_array_add (adoption->to_share, item);
    }
}

static void
on_adoptee_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  KtSyncController *self = g_task_get_source_object (task);
  Adoption *adoption = g_task_get_task_data (task);
  const char *id = g_ptr_array_index (adoption->ids, adoption->next);
  g_autoptr(KtCase) stored = kt_store_load_case_finish (KT_STORE (source), result, NULL, NULL, NULL, NULL);
  KtCase *open_case;
  KtPlan *open_plan;

  /* Opened meanwhile: the open household is changed in place. */
  open_documents (adoption, &open_case, &open_plan);
  if (kt_sync_client_get_username (self->client) != NULL && !kt_store_is_locked (self->store))
    adopt_case (self, adoption, id,
                open_case != NULL && g_strcmp0 (open_case->header.id, id) == 0 ? open_case : stored);
  adoption->next++;
  adopt_slice (task);
}

static void
adopt_slice (GTask *task)
{
  KtSyncController *self = g_task_get_source_object (task);
  Adoption *adoption = g_task_get_task_data (task);
  const char *me = kt_sync_client_get_username (self->client);
  KtCase *open_case;
  KtPlan *open_plan;

  if (adoption_stopped (task))
    {
      g_object_unref (task);
      return;
    }
  if (me == NULL || kt_store_is_locked (self->store))
    {
      /* Signed out or locked meanwhile: tried again at the next sign-in. */
      g_task_return_int (task, adoption->adopted);
      g_object_unref (task);
      return;
    }
  open_documents (adoption, &open_case, &open_plan);
  for (; adoption->next < adoption->ids->len && adoption->changed < ADOPT_SLICE; adoption->next++)
    {
      const char *id = g_ptr_array_index (adoption->ids, adoption->next);

      if (kt_sync_client_get_record_state (self->client, id, NULL) == KT_SHARE_SHARED)
        continue;
      /* The open household is changed in place, or its next autosave
       * would write the old copy back. */
      if (open_case != NULL && g_strcmp0 (open_case->header.id, id) == 0)
        {
          adopt_case (self, adoption, id, open_case);
          continue;
        }
      /* Any other is read and decrypted on the store's worker (issue 22);
       * a draft not yet written is what the store gives, so it too is
       * changed in place. */
      kt_store_load_case_async (self->store, id, NULL, on_adoptee_loaded, task);
      return;
    }
  if (adoption->changed > 0)
    {
      /* One write for the slice, on the store's worker. */
      adoption->changed = 0;
      kt_store_flush_async (self->store, NULL, slice_written, task);
      return;
    }
  if (adoption->next < adoption->ids->len)
    {
      next_slice (task);
      return;
    }
  g_task_return_int (task, adoption->adopted);
  g_object_unref (task);
}

/* On a thread: the cases whose file copy has neither coach nor intaker.
 * kt_store_get_case_readers () reads the file, not the drafts, and is safe
 * on any thread; the drafts are looked at again on the main loop. */
static void
find_households (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Adoption *adoption = task_data;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < adoption->ids->len; i++)
    {
      const char *id = g_ptr_array_index (adoption->ids, i);
      g_autofree char *coach = NULL;
      g_autofree char *intaker = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (kt_store_get_case_readers (adoption->store, id, &coach, &intaker) && coach == NULL && intaker == NULL)
        g_ptr_array_add (found, g_strdup (id));
    }
  g_ptr_array_unref (adoption->ids);
  adoption->ids = g_steal_pointer (&found);
  g_task_return_boolean (task, TRUE);
}

static void
households_found (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Adoption *adoption = g_task_get_task_data (task);
  KtCase *open_case;
  KtPlan *open_plan;
  gboolean listed = FALSE;

  g_task_propagate_boolean (G_TASK (result), NULL);
  if (adoption_stopped (task))
    return;
  /* The household on screen may be newer than the file. */
  open_documents (adoption, &open_case, &open_plan);
  for (guint i = 0; open_case != NULL && i < adoption->ids->len; i++)
    listed |= g_strcmp0 (g_ptr_array_index (adoption->ids, i), open_case->header.id) == 0;
  if (open_case != NULL && !listed)
    g_ptr_array_add (adoption->ids, g_strdup (open_case->header.id));
  adopt_slice (g_steal_pointer (&task));
}

static void
cases_listed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Adoption *adoption = g_task_get_task_data (task);
  KtSyncController *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GError) error = NULL;
  GTask *find;

  summaries = kt_store_list_cases_finish (KT_STORE (source), result, &error);
  if (summaries == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (adoption_stopped (task))
    return;
  adoption->ids = g_ptr_array_new_full (summaries->len, g_free);
  for (guint i = 0; i < summaries->len; i++)
    g_ptr_array_add (adoption->ids, g_strdup (((KtCaseSummary *) g_ptr_array_index (summaries, i))->id));
  /* The controller's cancellable: the search ends with the window. */
  find = g_task_new (self, self->cancellable, households_found, g_object_ref (task));
  g_task_set_source_tag (find, find_households);
  g_task_set_task_data (find, adoption, NULL);
  g_task_run_in_thread (find, find_households);
  g_object_unref (find);
}

static void
drafts_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtSyncController *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!kt_store_flush_finish (KT_STORE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (adoption_stopped (task))
    return;
  kt_store_list_cases_async (self->store, self->cancellable, cases_listed, g_steal_pointer (&task));
}

/* The drafts are written first, so that the search of the file finds a
 * household started a moment ago. */
static void
start_adopting (GTask *task)
{
  KtSyncController *self = g_task_get_source_object (task);

  if (kt_store_is_locked (self->store))
    {
      g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }
  kt_store_flush_async (self->store, self->cancellable, drafts_written, task);
}

static void
role_fetched (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncUser) me = kt_sync_controller_fetch_me_finish (KT_SYNC_CONTROLLER (source), result, &error);

  if (adoption_stopped (task))
    return;
  /* Only a coach's households have a coach: a supervisor or an intaker who
   * started one on this device keeps it as it is.  When the server could
   * not say, the account is taken for a coach, as before the role was
   * asked: a household of theirs left without a coach is never shared. */
  if (me != NULL && kt_role_from_string (me->role) != KT_ROLE_COACH)
    {
      g_task_return_int (task, 0);
      return;
    }
  if (me == NULL)
    g_message ("The role of the signed-in account is not known: %s", error->message);
  start_adopting (g_steal_pointer (&task));
}

static void
adoption_completed (KtSyncController *self)
{
  self->n_adopting--;
}

gboolean
kt_sync_controller_get_adopting (KtSyncController *self)
{
  g_return_val_if_fail (KT_IS_SYNC_CONTROLLER (self), FALSE);

  return self->n_adopting > 0;
}

void
kt_sync_controller_adopt_households_async (KtSyncController    *self,
                                           KtOpenDocumentsFunc  open_documents,
                                           GObject             *owner,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Adoption *adoption;

  g_return_if_fail (KT_IS_SYNC_CONTROLLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_sync_controller_adopt_households_async);
  adoption = g_new0 (Adoption, 1);
  adoption->store = g_object_ref (self->store);
  g_weak_ref_init (&adoption->owner, owner);
  adoption->open_documents = open_documents;
  adoption->to_share = g_ptr_array_new_with_free_func ((GDestroyNotify) to_share_free);
  g_task_set_task_data (task, adoption, (GDestroyNotify) adoption_free);
  self->n_adopting++;
  g_signal_connect_object (task, "notify::completed", G_CALLBACK (adoption_completed), self,
                           G_CONNECT_SWAPPED);
  if (kt_sync_client_get_username (self->client) == NULL || kt_store_is_locked (self->store))
    {
      g_task_return_int (task, 0);
      return;
    }
  kt_sync_controller_fetch_me_async (self, self->cancellable, role_fetched, g_steal_pointer (&task));
}

gssize
kt_sync_controller_adopt_households_finish (KtSyncController  *self,
                                            GAsyncResult      *result,
                                            GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

static void
on_signed_out (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!kt_sync_client_sign_out_finish (KT_SYNC_CLIENT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
kt_sync_controller_sign_out_async (KtSyncController    *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kt_sync_controller_sign_out_async);
  /* Counted before: the outbox keeps them through the sign-out. */
  g_task_set_task_data (task, GUINT_TO_POINTER (kt_sync_controller_get_n_unsynced (self)), NULL);
  kt_sync_client_sign_out_async (self->client, cancellable, on_signed_out, task);
}

gboolean
kt_sync_controller_sign_out_finish (KtSyncController  *self,
                                    GAsyncResult      *result,
                                    guint             *n_unsynced,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (n_unsynced != NULL)
    *n_unsynced = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));
  return g_task_propagate_boolean (G_TASK (result), error);
}

KtShareState
kt_sync_controller_get_case_state (KtSyncController  *self,
                                   const char        *case_id,
                                   char             **reason)
{
  return kt_sync_client_get_case_state (self->client, case_id, reason);
}

KtShareState
kt_sync_controller_get_record_state (KtSyncController  *self,
                                     const char        *id,
                                     char             **reason)
{
  return kt_sync_client_get_record_state (self->client, id, reason);
}

static void
kt_sync_controller_dispose (GObject *object)
{
  KtSyncController *self = KT_SYNC_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->kept_source, g_source_remove);
  g_clear_pointer (&self->kept, g_ptr_array_unref);
  if (self->client != NULL)
    kt_sync_client_stop (self->client);
  g_clear_weak_pointer (&self->window);
  if (self->keys != NULL)
    kt_key_controller_stop (self->keys);
  g_clear_object (&self->keys);
  g_clear_object (&self->roles);
  g_clear_pointer (&self->me, kt_sync_user_free);
  g_clear_object (&self->client);
  g_clear_object (&self->sink);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (kt_sync_controller_parent_class)->dispose (object);
}

static void
kt_sync_controller_class_init (KtSyncControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kt_sync_controller_dispose;

  /* Records from the server were saved into the store: the documents
   * (GPtrArray of KtDocument *, valid during the emission), once per batch. */
  signals[DOCUMENTS_CHANGED] =
    g_signal_new ("documents-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* What the server has of a household may have changed (the case id, or
   * NULL for any household): see kt_sync_controller_get_case_state. */
  signals[CASE_STATE_CHANGED] =
    g_signal_new ("case-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The user signed in through the dialog. */
  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kt_sync_controller_init (KtSyncController *self)
{
  self->cancellable = g_cancellable_new ();
  self->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) document_free);
}

KtSyncController *
kt_sync_controller_new (GtkWindow *window,
                        KtStore   *store)
{
  KtSyncController *self = g_object_new (KT_TYPE_SYNC_CONTROLLER, NULL);
  g_autofree char *path = g_strconcat (kt_store_get_path (store), ".sync", NULL);

  g_set_weak_pointer (&self->window, window);
  self->store = g_object_ref (store);
  self->client = kt_sync_client_new (path);
  self->sink = kt_store_sink_new (store);
  kt_sync_client_set_sink (self->client, KT_RECORD_SINK (self->sink));
  self->keys = kt_key_controller_new (window, store, self->client);
  self->roles = kt_role_client_new (self->client);
  g_signal_connect_object (self->sink, "document-kept", G_CALLBACK (on_document_kept),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "record-pushed", G_CALLBACK (on_record_pushed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "record-pushed", G_CALLBACK (emit_case_state_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "record-failed", G_CALLBACK (emit_case_state_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::n-pending", G_CALLBACK (emit_case_state_changed),
                           self, G_CONNECT_SWAPPED);
  kt_sync_client_open_async (self->client, self->cancellable, on_opened, g_object_ref (self));
  return self;
}
