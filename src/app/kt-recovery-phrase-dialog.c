/* kt-recovery-phrase-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-recovery-phrase-dialog"

#include "config.h"

#include "kt-recovery-phrase-dialog.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-app-util.h"
#include "kt-recovery-phrase.h"

struct _KtRecoveryPhraseDialog
{
  AdwWindow        parent_instance;

  KtKeyController *keys;
  GtkGrid         *words_grid;
  GtkWidget       *written_button;
  GtkWidget       *later_button;
};

G_DEFINE_FINAL_TYPE (KtRecoveryPhraseDialog, kt_recovery_phrase_dialog, ADW_TYPE_WINDOW)

static void
on_written_clicked (KtRecoveryPhraseDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (!kt_key_controller_phrase_written (self->keys, &error))
    {
      kt_app_show_error (GTK_WIDGET (self), _("The Phrase Was Not Removed"), error->message);
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

/* Twelve words in two columns, numbered, read down the first column then
 * the second, as they are written on paper. */
static void
fill_words (KtRecoveryPhraseDialog *self,
            const char             *phrase)
{
  g_auto(GStrv) words = g_strsplit (phrase, " ", -1);
  guint n = g_strv_length (words);
  guint rows = (n + 1) / 2;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u. %s", i + 1, words[i]);
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), FALSE);
      gtk_widget_add_css_class (label, "title-2");
      gtk_grid_attach (self->words_grid, label, i / rows, i % rows, 1, 1);
    }
  /* The words are wiped from memory once shown; the labels keep the text. */
  for (guint i = 0; i < n; i++)
    kt_recovery_phrase_free (g_steal_pointer (&words[i]));
}

static void
kt_recovery_phrase_dialog_dispose (GObject *object)
{
  KtRecoveryPhraseDialog *self = KT_RECOVERY_PHRASE_DIALOG (object);

  g_clear_object (&self->keys);
  G_OBJECT_CLASS (kt_recovery_phrase_dialog_parent_class)->dispose (object);
}

static void
kt_recovery_phrase_dialog_class_init (KtRecoveryPhraseDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kt_recovery_phrase_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/wijkteam/Keukentafel/kt-recovery-phrase-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KtRecoveryPhraseDialog, words_grid);
  gtk_widget_class_bind_template_child (widget_class, KtRecoveryPhraseDialog, written_button);
  gtk_widget_class_bind_template_child (widget_class, KtRecoveryPhraseDialog, later_button);
  gtk_widget_class_bind_template_callback (widget_class, on_written_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kt_recovery_phrase_dialog_init (KtRecoveryPhraseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* GTK 4.8 names a button by nothing but its label's mnemonic text. */
  kt_a11y_set_label (self->written_button, _("I have written them down"));
  kt_a11y_set_label (self->later_button, _("Later"));
}

GtkWidget *
kt_recovery_phrase_dialog_new (GtkWindow       *parent,
                               KtKeyController *keys,
                               const char      *phrase)
{
  KtRecoveryPhraseDialog *self = g_object_new (KT_TYPE_RECOVERY_PHRASE_DIALOG,
                                               "transient-for", parent,
                                               NULL);

  self->keys = g_object_ref (keys);
  fill_words (self, phrase);
  return GTK_WIDGET (self);
}
