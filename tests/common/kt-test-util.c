/* kt-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-test"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kt-test-util.h"

char *
kt_test_tmpdir_new (const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpl = g_strdup_printf ("%s-XXXXXX", prefix);
  char *path = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return path;
}

static void
remove_recursively (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_recursively (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
    }
  else
    {
      g_unlink (path);
    }
}

void
kt_test_tmpdir_free (char *path)
{
  if (path == NULL)
    return;
  remove_recursively (path);
  g_free (path);
}

static char *
root_path (const char *env_name,
           const char *fallback,
           const char *relative)
{
  const char *root = g_getenv (env_name);

  return g_build_filename (root != NULL ? root : fallback, relative, NULL);
}

char *
kt_test_source_path (const char *relative)
{
  return root_path ("KT_SOURCE_ROOT", SOURCE_ROOT, relative);
}

char *
kt_test_build_path (const char *relative)
{
  return root_path ("KT_BUILD_ROOT", BUILD_ROOT, relative);
}

gint64
kt_test_sqlite_count (const char *path,
                      const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

void
kt_test_sqlite_exec (const char *path,
                     const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}
