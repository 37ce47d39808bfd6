/* kt-sign-in-dialog.h: KtSignInDialog, signing in to the sync server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_SIGN_IN_DIALOG (kt_sign_in_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KtSignInDialog, kt_sign_in_dialog, KT, SIGN_IN_DIALOG, AdwWindow)

/* A dialog signing @client in; it closes itself once signed in and shows
 * any failure in place. */
KtSignInDialog *kt_sign_in_dialog_new       (GtkWindow    *parent,
                                             KtSyncClient *client);
/* The error shown, or NULL (for tests). */
const char     *kt_sign_in_dialog_get_error (KtSignInDialog *self);

G_END_DECLS
