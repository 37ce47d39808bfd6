/* kt-restore-key-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-restore-key-dialog"

#include "config.h"

#include "kt-restore-key-dialog.h"

#include <string.h>
#include <glib/gi18n.h>
#include <sodium.h>

#include "kt-a11y.h"

struct _KtRestoreKeyDialog
{
  AdwWindow        parent_instance;

  KtKeyController *keys;
  GCancellable    *cancellable;
  GtkTextView     *phrase_view;
  GtkWidget       *restore_button;
  GtkWidget       *cancel_button;
  GtkSpinner      *spinner;
  GtkLabel        *error_label;
};

G_DEFINE_FINAL_TYPE (KtRestoreKeyDialog, kt_restore_key_dialog, ADW_TYPE_WINDOW)

static void
set_busy (KtRestoreKeyDialog *self,
          gboolean            busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (self->restore_button, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->phrase_view), !busy);
}

static void
on_restored (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KtRestoreKeyDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kt_key_controller_restore_finish (KT_KEY_CONTROLLER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->phrase_view));
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_restore_clicked (KtRestoreKeyDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->phrase_view);
  GtkTextIter start, end;
  char *typed;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  typed = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_busy (self, TRUE);
  kt_key_controller_restore_async (self->keys, typed, self->cancellable, on_restored,
                                   g_object_ref (self));
  sodium_memzero (typed, strlen (typed));
  g_free (typed);
}

const char *
kt_restore_key_dialog_get_error (KtRestoreKeyDialog *self)
{
  g_return_val_if_fail (KT_IS_RESTORE_KEY_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}

static void
kt_restore_key_dialog_dispose (GObject *object)
{
  KtRestoreKeyDialog *self = KT_RESTORE_KEY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->keys);
  G_OBJECT_CLASS (kt_restore_key_dialog_parent_class)->dispose (object);
}

static void
kt_restore_key_dialog_class_init (KtRestoreKeyDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kt_restore_key_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/wijkteam/Keukentafel/kt-restore-key-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KtRestoreKeyDialog, phrase_view);
  gtk_widget_class_bind_template_child (widget_class, KtRestoreKeyDialog, restore_button);
  gtk_widget_class_bind_template_child (widget_class, KtRestoreKeyDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KtRestoreKeyDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KtRestoreKeyDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_restore_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kt_restore_key_dialog_init (KtRestoreKeyDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* GTK 4.8 names none of these for assistive technologies by itself. */
  kt_a11y_set_label (GTK_WIDGET (self->phrase_view), _("Recovery phrase"));
  kt_a11y_set_label (self->restore_button, _("Restore"));
  kt_a11y_set_label (self->cancel_button, _("Cancel"));
  kt_a11y_set_label (GTK_WIDGET (self->spinner), _("Opening your key"));
}

GtkWidget *
kt_restore_key_dialog_new (GtkWindow       *parent,
                           KtKeyController *keys)
{
  KtRestoreKeyDialog *self = g_object_new (KT_TYPE_RESTORE_KEY_DIALOG,
                                           "transient-for", parent,
                                           NULL);

  self->keys = g_object_ref (keys);
  return GTK_WIDGET (self);
}
