/* kt-restore-key-dialog.h: KtRestoreKeyDialog, typing the recovery phrase
 * on a new device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-key-controller.h"

G_BEGIN_DECLS

#define KT_TYPE_RESTORE_KEY_DIALOG (kt_restore_key_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KtRestoreKeyDialog, kt_restore_key_dialog, KT, RESTORE_KEY_DIALOG, AdwWindow)

/* A dialog that restores @keys' account key from the phrase typed into
 * it; it closes itself once restored and says in place what was wrong. */
GtkWidget  *kt_restore_key_dialog_new       (GtkWindow       *parent,
                                             KtKeyController *keys);
/* The message shown, or NULL (for tests). */
const char *kt_restore_key_dialog_get_error (KtRestoreKeyDialog *self);

G_END_DECLS
