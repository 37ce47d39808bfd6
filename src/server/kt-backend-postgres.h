/* kt-backend-postgres.h: KtBackendPostgres, the backend for larger teams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-backend.h"

G_BEGIN_DECLS

#define KT_TYPE_BACKEND_POSTGRES (kt_backend_postgres_get_type ())
G_DECLARE_FINAL_TYPE (KtBackendPostgres, kt_backend_postgres, KT, BACKEND_POSTGRES, KtBackend)

/* Connects to the postgresql:// @uri (transfer full). */
KtBackend *kt_backend_postgres_open (const char *uri,
                                     GError    **error);

G_END_DECLS
