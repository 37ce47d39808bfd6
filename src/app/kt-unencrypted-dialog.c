/* kt-unencrypted-dialog.c: asking before a report leaves the encrypted store
 *
 * Everything the coach writes stays encrypted on the device; a saved PDF or a
 * printed page does not.  The coach hears that, and where the report goes,
 * before it is written, not afterwards in a toast.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-unencrypted-dialog"

#include "config.h"

#include "kt-unencrypted-dialog.h"

#include <glib/gi18n.h>

AdwMessageDialog *
kt_unencrypted_dialog_new (GtkWidget *parent,
                           GFile     *file,
                           gboolean   dossier)
{
  GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;
  g_autofree char *body = NULL;
  const char *heading;
  const char *go;
  const char *what = dossier
    ? _("It holds safety information and notes for the file: keep it in the file, never with the resident.")
    : _("Give it to the resident and delete your own copy when you no longer need it.");
  AdwMessageDialog *dialog;

  if (file != NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (file);
      g_autofree char *where = g_file_get_parse_name (folder != NULL ? folder : file);

      heading = _("Save Without Encryption?");
      /* TRANSLATORS: %s is a folder, %s a sentence about who may have it */
      body = g_strdup_printf (_("The report is saved as an ordinary PDF in %s. It is not "
                                "encrypted: anyone who can open that folder can read it. %s"),
                              where, what);
      go = _("_Save Unencrypted");
    }
  else
    {
      heading = _("Print on Paper?");
      /* TRANSLATORS: %s is a sentence about who may have it */
      body = g_strdup_printf (_("The report goes unencrypted to the printer you choose next, and "
                                "paper is not protected by a PIN. Collect it from the printer "
                                "at once. %s"),
                              what);
      go = _("_Print");
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    KT_UNENCRYPTED_RESPONSE_GO, go,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, KT_UNENCRYPTED_RESPONSE_GO,
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  /* GTK 4.8 names nothing for a screen reader by itself. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (dialog),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, heading,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, body,
                                  -1);
  return dialog;
}
