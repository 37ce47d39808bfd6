/* kt-unencrypted-dialog.h: asking before a report leaves the encrypted store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The response of the dialog that lets the file or the print job go ahead. */
#define KT_UNENCRYPTED_RESPONSE_GO "go"

/* A dialog, transient for @parent's window, that says before it happens
 * that the report will not be encrypted and where it goes: into @file (its
 * folder named), or, when @file is NULL, to a printer.  @dossier says it
 * holds safety information and notes for the file.  Its responses are
 * "cancel" and KT_UNENCRYPTED_RESPONSE_GO; the caller presents it. */
AdwMessageDialog *kt_unencrypted_dialog_new (GtkWidget *parent,
                                            GFile     *file,
                                            gboolean   dossier);

G_END_DECLS
