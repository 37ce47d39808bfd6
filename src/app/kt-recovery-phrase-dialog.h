/* kt-recovery-phrase-dialog.h: KtRecoveryPhraseDialog, the twelve words to
 * write down
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-key-controller.h"

G_BEGIN_DECLS

#define KT_TYPE_RECOVERY_PHRASE_DIALOG (kt_recovery_phrase_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KtRecoveryPhraseDialog, kt_recovery_phrase_dialog, KT, RECOVERY_PHRASE_DIALOG, AdwWindow)

/* Shows @phrase large and numbered; "I have written them down" tells
 * @keys, which wipes the phrase from the store, and closes. */
GtkWidget *kt_recovery_phrase_dialog_new (GtkWindow       *parent,
                                          KtKeyController *keys,
                                          const char      *phrase);

G_END_DECLS
