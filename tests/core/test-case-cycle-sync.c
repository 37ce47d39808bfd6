/* test-case-cycle-sync.c: an evaluation and a closed case go to the server
 * as the other records do, and the supervisor reads them
 *
 * A real keukentafel-server on loopback; the coach's device pulls the case
 * an intaker assigned, carries it out, evaluates and closes it, and shares
 * the case and the evaluation through the outbox (the same path the
 * Progress page uses).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-core.h"
#include "kt-evaluation.h"
#include "kt-test-sink.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

static KtSyncClient *
device_with_sink (const char  *dir,
                  const char  *name,
                  KtTestSink **sink)
{
  KtSyncClient *device = kt_test_device_new (dir, name);

  *sink = kt_test_sink_new ();
  kt_sync_client_set_sink (device, KT_RECORD_SINK (*sink));
  return device;
}

static void
share (KtSyncClient *device,
       GBytes       *body)
{
  g_autoptr(GError) error = NULL;

  kt_sync_client_share (device, body, &error);
  g_assert_no_error (error);
}

static void
sync_ok (KtSyncClient *device)
{
  g_autoptr(GError) error = NULL;

  kt_test_device_sync (device, &error);
  g_assert_no_error (error);
}

static void
test_closed_case_and_evaluation_reach_the_supervisor (void)
{
  char *dir = kt_test_tmpdir_new ("kt-cycle-sync");
  KtTestServer *server = kt_test_server_start (NULL, kt_test_sync_users);
  const char *url = kt_test_server_get_url (server);
  g_autofree char *case_id = kt_test_case_for_coach (dir, url);
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  g_autoptr(KtTestSink) coach_sink = NULL;
  g_autoptr(KtTestSink) super_sink = NULL;
  g_autoptr(KtSyncClient) coach = device_with_sink (dir, "coach", &coach_sink);
  g_autoptr(KtSyncClient) supervisor = device_with_sink (dir, "super", &super_sink);
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(KtCase) seen = NULL;
  g_autoptr(KtConversation) before = NULL;
  g_autoptr(KtConversation) evaluation = NULL;
  g_autoptr(KtConversation) seen_evaluation = NULL;
  g_autoptr(KtPlan) plan = kt_plan_new ();
  g_autoptr(GBytes) case_body = NULL;
  g_autoptr(GBytes) evaluation_body = NULL;
  g_autoptr(GError) error = NULL;
  KtSyncRecord *record;

  kt_test_device_sign_in (coach, url, "coach1");
  sync_ok (coach);
  record = kt_test_sink_lookup (coach_sink, case_id);
  g_assert_nonnull (record);
  kase = kt_case_decode (record->body, &error);
  g_assert_no_error (error);

  /* Carried out, evaluated with the wheel moved, closed with follow-up. */
  before = kt_catalogue_new_conversation (catalogue, case_id);
  before->wheel[KT_SEGMENT_WERK].current = 2;
  kt_case_start_support (kase, plan, KT_EVALUATION_DAYS, NULL);
  kt_case_start_evaluation (kase, NULL);
  evaluation = kt_evaluation_new (catalogue, before, plan);
  evaluation->wheel[KT_SEGMENT_WERK].current = 3;
  evaluation->header.rev = 1;
  g_assert_true (kt_case_close (kase, KT_CLOSE_GOALS_REACHED, NULL, "Het ging goed", "2027-03-01",
                                "Wijkcoach", TRUE, NULL, &error));
  g_assert_no_error (error);
  kase->header.rev = record->rev + 1;
  case_body = kt_case_encode (kase);
  evaluation_body = kt_conversation_encode (evaluation);
  share (coach, case_body);
  share (coach, evaluation_body);
  sync_ok (coach);
  g_assert_cmpuint (kt_sync_client_get_n_pending (coach), ==, 0);

  /* The supervisor sees the phase, the reason and the follow-up, and the movement. */
  kt_test_device_sign_in (supervisor, url, "super1");
  sync_ok (supervisor);
  record = kt_test_sink_lookup (super_sink, case_id);
  g_assert_nonnull (record);
  seen = kt_case_decode (record->body, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seen->phase, ==, KT_PHASE_CLOSED);
  g_assert_cmpint (seen->close_reason, ==, KT_CLOSE_GOALS_REACHED);
  g_assert_cmpstr (seen->follow_up_date, ==, "2027-03-01");
  g_assert_cmpint (kt_case_next_due (seen, "2027-01-01").kind, ==, KT_DUE_FOLLOW_UP);
  record = kt_test_sink_lookup (super_sink, evaluation->header.id);
  g_assert_nonnull (record);
  seen_evaluation = kt_conversation_decode (record->body, &error);
  g_assert_no_error (error);
  g_assert_true (seen_evaluation->is_evaluation);
  g_assert_cmpint (seen_evaluation->wheel[KT_SEGMENT_WERK].previous, ==, 2);
  g_assert_cmpint (seen_evaluation->wheel[KT_SEGMENT_WERK].current, ==, 3);

  g_clear_object (&coach);
  g_clear_object (&supervisor);
  kt_test_server_free (server);
  kt_test_tmpdir_free (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/case-cycle/sync/closed-case-and-evaluation-reach-the-supervisor",
                   test_closed_case_and_evaluation_reach_the_supervisor);
  return g_test_run ();
}
