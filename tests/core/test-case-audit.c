/* test-case-audit.c: the app asks the real server who read a household's
 * plan; its coach gets the reads, a supervisor signed in gets "not found"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kt-core.h"
#include "kt-case-audit.h"
#include "kt-sync-protocol.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

typedef struct {
  GPtrArray *reads;
  GError    *error;
  gboolean   done;
} Wait;

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->reads = kt_case_reads_fetch_finish (result, &wait->error);
  wait->done = TRUE;
}

static GPtrArray *
fetch (KtSyncClient *device,
       const char   *case_id,
       GError      **error)
{
  Wait wait = { 0, };

  kt_case_reads_fetch_async (device, case_id, NULL, fetched_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.reads;
}

static void
test_the_coach_sees_who_read_the_plan (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-case-audit");
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, kt_test_sync_users);
  const char *url = kt_test_server_get_url (server);
  g_autofree char *case_id = kt_test_case_for_coach (dir, url);
  g_autofree char *plan_id = kt_uuid_new ();
  g_autoptr(GBytes) plan = kt_test_submitted_plan_body (plan_id, case_id, 1, "Wie las het?");
  g_autoptr(KtSyncClient) coach = kt_test_device_new (dir, "coach-laptop");
  g_autoptr(KtSyncClient) supervisor = kt_test_device_new (dir, "office");
  g_autofree char *path = g_strconcat ("/records/", plan_id, NULL);
  g_autoptr(GPtrArray) reads = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;
  gboolean plan_read = FALSE;

  kt_test_device_sign_in (coach, url, "coach1");
  kt_sync_client_share (coach, plan, &error);
  g_assert_no_error (error);
  kt_test_device_sync (coach, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kt_test_http (url, "super1", "GET", path, NULL, NULL), ==, 200);

  reads = fetch (coach, case_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < reads->len; i++)
    {
      const KtCaseRead *read = g_ptr_array_index (reads, i);

      g_assert_cmpint (read->at, >, 0);
      if (g_str_equal (read->record_id, plan_id) && g_str_equal (read->username, "super1"))
        {
          plan_read = TRUE;
          g_assert_cmpstr (read->kind, ==, "plan");
        }
    }
  g_assert_true (plan_read);

  kt_test_device_sign_in (supervisor, url, "super1");
  refused = fetch (supervisor, case_id, &error);
  g_assert_null (refused);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_FOUND);
  g_clear_error (&error);

  kt_test_device_sign_out (coach);
  g_assert_null (fetch (coach, case_id, &error));
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_answers_are_read_strictly (void)
{
  static const char good[] = "{\"case_id\":\"x\",\"reads\":[{\"at\":1764000000,\"username\":\"sara\","
                             "\"display_name\":null,\"role\":\"supervisor\",\"record_id\":\"r\",\"kind\":\"plan\"}]}";
  static const char * const bad[] = {
    "", "[]", "{\"reads\":{}}", "{\"reads\":[1]}", "{\"reads\":[{\"at\":\"now\",\"username\":\"a\",\"record_id\":\"r\",\"kind\":\"plan\"}]}",
    "{\"reads\":[{\"at\":1,\"record_id\":\"r\",\"kind\":\"plan\"}]}", "{\"reads\":[]}{}",
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (good, strlen (good));
  g_autoptr(GPtrArray) reads = kt_case_reads_parse (bytes, NULL);

  g_assert_nonnull (reads);
  g_assert_cmpuint (reads->len, ==, 1);
  g_assert_null (((KtCaseRead *) g_ptr_array_index (reads, 0))->display_name);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) b = g_bytes_new_static (bad[i], strlen (bad[i]));
      g_autoptr(GError) error = NULL;

      g_assert_null (kt_case_reads_parse (b, &error));
      g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

  g_test_add_func ("/case-audit/the-coach-sees-who-read-the-plan", test_the_coach_sees_who_read_the_plan);
  g_test_add_func ("/case-audit/answers-are-read-strictly", test_answers_are_read_strictly);
  return g_test_run ();
}
