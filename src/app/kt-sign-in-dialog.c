/* kt-sign-in-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-sign-in-dialog"

#include "config.h"

#include "kt-sign-in-dialog.h"
#include "kt-a11y.h"

#include <glib/gi18n.h>

struct _KtSignInDialog
{
  AdwWindow     parent_instance;

  AdwEntryRow  *server_row;
  AdwEntryRow  *username_row;
  AdwEntryRow  *password_row;
  GtkButton    *sign_in_button;
  GtkSpinner   *spinner;
  GtkLabel     *error_label;

  KtSyncClient *client;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (KtSignInDialog, kt_sign_in_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_busy (KtSignInDialog *self,
          gboolean        busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->username_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
}

static void
show_error (KtSignInDialog *self,
            const char     *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KtSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kt_sync_client_sign_in_finish (KT_SYNC_CLIENT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      show_error (self, error->message);
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      return;
    }
  set_busy (self, FALSE);
  g_signal_emit (self, signals[SIGNED_IN], 0, gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_sign_in_clicked (KtSignInDialog *self)
{
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->sign_in_button)))
    return;
  show_error (self, NULL);
  set_busy (self, TRUE);
  kt_sync_client_sign_in_async (self->client, server, username, password, self->cancellable,
                                on_signed_in, g_object_ref (self));
}

static void
on_cancel_clicked (KtSignInDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

const char *
kt_sign_in_dialog_get_error (KtSignInDialog *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

static gboolean
kt_sign_in_dialog_close_request (GtkWindow *window)
{
  KtSignInDialog *self = KT_SIGN_IN_DIALOG (window);

  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (kt_sign_in_dialog_parent_class)->close_request (window);
}

static void
kt_sign_in_dialog_dispose (GObject *object)
{
  KtSignInDialog *self = KT_SIGN_IN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), KT_TYPE_SIGN_IN_DIALOG);
  G_OBJECT_CLASS (kt_sign_in_dialog_parent_class)->dispose (object);
}

static void
kt_sign_in_dialog_class_init (KtSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kt_sign_in_dialog_dispose;
  window_class->close_request = kt_sign_in_dialog_close_request;

  /* Signed in with @password; the handler may keep a verifier of it (never
   * the password itself). */
  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/wijkteam/Keukentafel/kt-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KtSignInDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, KtSignInDialog, username_row);
  gtk_widget_class_bind_template_child (widget_class, KtSignInDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, KtSignInDialog, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, KtSignInDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KtSignInDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kt_sign_in_dialog_init (KtSignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  kt_a11y_fix_tree (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

KtSignInDialog *
kt_sign_in_dialog_new (GtkWindow    *parent,
                       KtSyncClient *client)
{
  KtSignInDialog *self = g_object_new (KT_TYPE_SIGN_IN_DIALOG,
                                       "transient-for", parent,
                                       NULL);

  self->client = g_object_ref (client);
  if (kt_sync_client_get_server_url (client) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), kt_sync_client_get_server_url (client));
  if (kt_sync_client_get_username (client) != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->username_row), kt_sync_client_get_username (client));
      gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->password_row));
    }
  return self;
}
