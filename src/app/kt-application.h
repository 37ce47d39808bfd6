/* kt-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-store.h"

G_BEGIN_DECLS

#define KT_TYPE_APPLICATION (kt_application_get_type ())
G_DECLARE_FINAL_TYPE (KtApplication, kt_application, KT, APPLICATION, AdwApplication)

KtApplication *kt_application_new (void);

/* The store at $KT_STORE_PATH, or keukentafel/store.db in the user data dir.
 * Opening it with the keyring starts at startup, before GTK sets itself up,
 * so that the key is usually there by the time the window is drawn. */
KtStore       *kt_application_get_store          (KtApplication       *self);
/* Completes when that first opening has finished, at once if it already has. */
void           kt_application_wait_store_async   (KtApplication       *self,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       kt_application_wait_store_finish  (KtApplication       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
