/* kt-sync-controller.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-sync-controller"

#include "config.h"

#include "kt-sync-controller.h"

#include <glib/gi18n.h>

#include "kt-conflict-view.h"
#include "kt-sign-in-dialog.h"

struct _KtSyncController
{
  GObject       parent_instance;

  GtkWindow    *window;     /* weak */
  KtStore      *store;
  KtSyncClient *client;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (KtSyncController, kt_sync_controller, G_TYPE_OBJECT)

enum {
  DOCUMENTS_CHANGED,
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

static void
on_record_received (KtSyncController *self,
                    KtSyncRecord     *record)
{
  KtDocument doc = { 0 };
  g_autoptr(GError) error = NULL;

  if (!kt_document_decode (record->body, &doc, &error) ||
      !kt_store_save_document (self->store, &doc, KT_SYNC_SYNCED, &error))
    {
      g_warning ("A record from the server was not kept: %s", error->message);
      kt_document_clear (&doc);
      return;
    }
  if (doc.plan != NULL)
    notify_review (self, doc.plan);
  kt_document_clear (&doc);
  g_signal_emit (self, signals[DOCUMENTS_CHANGED], 0);
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
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Syncing is off: %s", error->message);
      return;
    }
  kt_sync_client_start (self->client);
}

gboolean
kt_sync_controller_share_plan (KtSyncController *self,
                               const KtPlan     *plan,
                               GError          **error)
{
  g_autoptr(GBytes) body = kt_plan_encode (plan);

  if (!kt_sync_client_share (self->client, body, error))
    return FALSE;
  return kt_store_set_sync_state (self->store, plan->header.id, KT_SYNC_PENDING, 0, error);
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

static void
on_resolve (KtConflictView   *view,
            GHashTable       *choices,
            KtSyncController *self)
{
  g_autoptr(GError) error = NULL;
  GtkRoot *dialog = gtk_widget_get_root (GTK_WIDGET (view));

  if (!kt_sync_client_resolve_conflict (self->client, kt_conflict_view_get_id (view), choices, &error))
    {
      g_warning ("The conflict stays: %s", error->message);
      return;
    }
  gtk_window_close (GTK_WINDOW (dialog));
  kt_sync_controller_show_conflicts (self);
}

void
kt_sync_controller_show_conflicts (KtSyncController *self)
{
  g_autoptr(GPtrArray) conflicts = kt_sync_client_list_conflicts (self->client, NULL);
  GtkWidget *view;
  GtkWidget *dialog;
  GtkWidget *box;

  if (conflicts == NULL || conflicts->len == 0)
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

KtSyncClient *
kt_sync_controller_get_client (KtSyncController *self)
{
  return self->client;
}

static void
kt_sync_controller_dispose (GObject *object)
{
  KtSyncController *self = KT_SYNC_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->window);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (kt_sync_controller_parent_class)->dispose (object);
}

static void
kt_sync_controller_class_init (KtSyncControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kt_sync_controller_dispose;

  /* Records from the server were saved into the store. */
  signals[DOCUMENTS_CHANGED] =
    g_signal_new ("documents-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The user signed in through the dialog. */
  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kt_sync_controller_init (KtSyncController *self)
{
  self->cancellable = g_cancellable_new ();
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
  g_signal_connect_object (self->client, "record-received", G_CALLBACK (on_record_received),
                           self, G_CONNECT_SWAPPED);
  kt_sync_client_open_async (self->client, self->cancellable, on_opened, g_object_ref (self));
  return self;
}
