/* test-coach-list.c: the team's coaches from the server, kept for offline use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kt-core.h"
#include "kt-coach-list.h"
#include "kt-test-util.h"

static void
test_reads_server_answer_sorted_by_name (void)
{
  g_autoptr(JsonNode) node = json_from_string (
    "{\"coaches\":[{\"username\":\"zoe\",\"display_name\":\"Zoë Visser\",\"caseload\":12},"
    "{\"username\":\"anna\",\"display_name\":\"Anna de Boer\",\"caseload\":3},"
    "{\"username\":\"piet\"}]}", NULL);
  g_autoptr(GPtrArray) coaches = NULL;
  g_autoptr(GError) error = NULL;
  const KtCoach *coach;

  coaches = kt_coach_list_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (coaches->len, ==, 3);
  coach = g_ptr_array_index (coaches, 0);
  g_assert_cmpstr (coach->username, ==, "anna");
  g_assert_cmpuint (coach->caseload, ==, 3);
  /* Without a display name the account name stands in. */
  coach = g_ptr_array_index (coaches, 1);
  g_assert_cmpstr (coach->display_name, ==, "piet");
  g_assert_cmpuint (coach->caseload, ==, 0);
  g_assert_nonnull (kt_coach_list_find (coaches, "zoe"));
  g_assert_null (kt_coach_list_find (coaches, "nobody"));
}

static void
test_refuses_other_shapes (void)
{
  const char *bad[] = {
    "[]",
    "{}",
    "{\"coaches\":{}}",
    "{\"coaches\":[1]}",
    "{\"coaches\":[{\"display_name\":\"Geen account\"}]}",
    "{\"coaches\":[{\"username\":\"\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) coaches = kt_coach_list_from_json (node, &error);

      g_assert_null (coaches);
      g_assert_error (error, KT_COACH_LIST_ERROR, KT_COACH_LIST_ERROR_INVALID);
    }
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_coach_list_save_finish (result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
save_and_wait (GPtrArray  *coaches,
               const char *path)
{
  gboolean saved = FALSE;

  kt_coach_list_save_async (coaches, path, NULL, on_saved, &saved);
  while (!saved)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* What the app reads at the start of an intaker's view, on a worker. */
static GPtrArray *
load_and_wait (const char  *path,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kt_coach_list_load_async (path, NULL, on_loaded, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return kt_coach_list_load_finish (result, error);
}

static void
test_offline_copy_round_trips (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("coach-list");
  g_autofree char *path = g_build_filename (dir, "cache", "coaches.json", NULL);
  g_autoptr(GPtrArray) coaches = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_coach_free);
  g_autoptr(GPtrArray) empty = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  /* No copy yet: an empty list, no error. */
  empty = kt_coach_list_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);

  g_ptr_array_add (coaches, kt_coach_new ("anna", "Anna de Boer", 3));
  g_ptr_array_add (coaches, kt_coach_new ("zoe", "Zoë Visser", 12));
  save_and_wait (coaches, path);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  loaded = kt_coach_list_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_cmpstr (((KtCoach *) g_ptr_array_index (loaded, 1))->display_name, ==, "Zoë Visser");
  g_assert_cmpuint (((KtCoach *) g_ptr_array_index (loaded, 1))->caseload, ==, 12);

  /* A damaged copy is an error, not an empty team. */
  g_assert_true (g_file_set_contents (path, "{not json", -1, NULL));
  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = kt_coach_list_load (path, &error);
  g_assert_null (loaded);
  g_assert_error (error, KT_COACH_LIST_ERROR, KT_COACH_LIST_ERROR_INVALID);
  g_clear_error (&error);
  loaded = load_and_wait (path, &error);
  g_assert_null (loaded);
  g_assert_error (error, KT_COACH_LIST_ERROR, KT_COACH_LIST_ERROR_INVALID);
  g_clear_error (&error);

  /* Nor is a copy that cannot be read (a folder in its place). */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  loaded = load_and_wait (path, &error);
  g_assert_null (loaded);
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
  g_assert_cmpint (g_rmdir (path), ==, 0);

  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

/* The app keeps the list on a worker (the write waits for the disk); what
 * it keeps reads back the same, private to the user. */
static void
test_offline_copy_is_kept_on_a_worker (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("coach-list");
  g_autofree char *path = g_build_filename (dir, "cache", "coaches.json", NULL);
  g_autoptr(GPtrArray) coaches = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_coach_free);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;
  GStatBuf st;

  g_ptr_array_add (coaches, kt_coach_new ("anna", "Anna de Boer", 3));
  kt_coach_list_save_async (coaches, path, NULL, on_saved, &saved);
  /* The list may change on the main loop at once: what was given is kept. */
  g_ptr_array_set_size (coaches, 0);
  while (!saved)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  loaded = load_and_wait (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 1);
  g_assert_cmpstr (((KtCoach *) g_ptr_array_index (loaded, 0))->display_name, ==, "Anna de Boer");

  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_default_path_stays_in_cache_dir (void)
{
  g_autofree char *path = kt_coach_list_default_path ("../../etc/x");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "keukentafel", NULL);

  g_assert_cmpstr (dir, ==, expected);
  g_assert_null (strstr (path, "/../"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/coach-list/reads-server-answer-sorted-by-name", test_reads_server_answer_sorted_by_name);
  g_test_add_func ("/coach-list/refuses-other-shapes", test_refuses_other_shapes);
  g_test_add_func ("/coach-list/offline-copy-round-trips", test_offline_copy_round_trips);
  g_test_add_func ("/coach-list/offline-copy-is-kept-on-a-worker", test_offline_copy_is_kept_on_a_worker);
  g_test_add_func ("/coach-list/default-path-stays-in-cache-dir", test_default_path_stays_in_cache_dir);

  return g_test_run ();
}
