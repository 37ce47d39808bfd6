/* kt-test-postgres.h: a throwaway PostgreSQL 15 cluster for one test program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _KtTestPostgres KtTestPostgres;

/* initdb's a new cluster in a temp dir under /tmp (as user "postgres" when
 * running as root), starts it with pg_ctl on a free port, listening on a
 * unix socket in that dir only.  Returns NULL with @error set when
 * PostgreSQL 15 is not installed (the caller skips) (transfer full).
 * KT_PG_BINDIR overrides /usr/lib/postgresql/15/bin; KT_TEST_POSTGRES_FSYNC=on
 * keeps fsync on (benchmarks); tests run with fsync off. */
KtTestPostgres *kt_test_postgres_start           (GError        **error);
/* Creates an empty database @name and returns its postgresql:// URI
 * (transfer full). */
char           *kt_test_postgres_create_database (KtTestPostgres *self,
                                                  const char     *name);
/* A new database @name copied from the database @template (which nobody
 * may be connected to); its URI (transfer full). */
char           *kt_test_postgres_copy_database   (KtTestPostgres *self,
                                                  const char     *template_name,
                                                  const char     *name);
/* The URI of a fresh database with a unique name (transfer full). */
char           *kt_test_postgres_new_database    (KtTestPostgres *self);
/* Stops the running cluster (pg_ctl stop -m fast: sessions are ended),
 * keeping its data. */
void            kt_test_postgres_stop            (KtTestPostgres *self);
/* Starts a stopped cluster again on the same port and data. */
void            kt_test_postgres_restart         (KtTestPostgres *self);
/* Stops the cluster and removes its directory. */
void            kt_test_postgres_free            (KtTestPostgres *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtTestPostgres, kt_test_postgres_free)

G_END_DECLS
