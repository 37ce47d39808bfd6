/* kt-test-util.h: helpers shared by every test suite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A fresh temporary directory, removed with everything in it by
 * kt_test_tmpdir_free (transfer full). */
char *kt_test_tmpdir_new  (const char *prefix);
void  kt_test_tmpdir_free (char *path);

/* Path of a file in the source tree / build tree (transfer full). */
char *kt_test_source_path (const char *relative);
char *kt_test_build_path  (const char *relative);

/* The number the query @sql ("SELECT count(*) …") gives on the SQLite file
 * at @path, read through a connection of SQLite's own (read-only, its
 * default VFS), as another program would see the file. */
gint64 kt_test_sqlite_count (const char *path,
                             const char *sql);
/* Runs @sql on the SQLite file at @path through a connection of SQLite's
 * own, as another program would (e.g. a trigger that makes a write fail as
 * a full disk would). */
void   kt_test_sqlite_exec  (const char *path,
                             const char *sql);


G_END_DECLS
