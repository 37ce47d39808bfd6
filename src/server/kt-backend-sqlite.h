/* kt-backend-sqlite.h: KtBackendSqlite, the one-file default backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-backend.h"

G_BEGIN_DECLS

#define KT_TYPE_BACKEND_SQLITE (kt_backend_sqlite_get_type ())
G_DECLARE_FINAL_TYPE (KtBackendSqlite, kt_backend_sqlite, KT, BACKEND_SQLITE, KtBackend)

/* Opens (with @create: makes) the database file at @path (transfer full). */
KtBackend *kt_backend_sqlite_open (const char *path,
                                   gboolean    create,
                                   GError    **error);

G_END_DECLS
