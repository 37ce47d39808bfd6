/* bench-sync.c: push 1,000 plans to a local server; a sync with nothing to do
 *
 * Targets (issue 7): 1,000 plans in at most 3 s; a no-op round trip in at
 * most 30 ms.  Run inside build-aux/test-session (it needs the keyring).
 * With --sealed every plan is sealed on the device, as the app sends it
 * (issue 18), to the coach and the team's supervisors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-sync"

#include "config.h"

#include "kt-core.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

static gint64 last_push;

static void
on_pushed (void)
{
  last_push = g_get_monotonic_time ();
}

int
main (int argc, char *argv[])
{
  g_autofree char *dir = NULL;
  g_autoptr(KtTestServer) server = NULL;
  g_autoptr(KtSyncClient) laptop = NULL;
  g_autofree char *case_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) noop = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(KtRecordSealer) sealer = NULL;
  gboolean sealed = argc > 1 && g_strcmp0 (argv[1], "--sealed") == 0;
  gint64 start, start_round;
  double push_s;

  if (!kt_core_init ())
    return 1;
  dir = kt_test_tmpdir_new ("kt-bench-sync");
  server = kt_test_server_start (NULL, kt_test_sync_users);
  case_id = kt_test_case_for_coach (dir, kt_test_server_get_url (server));
  laptop = kt_test_device_new (dir, "laptop");
  if (sealed)
    {
      sealer = kt_test_sealer_new ("coach1");
      kt_sync_client_set_sealer (laptop, sealer);
      kt_sync_client_set_sealing_required (laptop, TRUE);
    }
  kt_test_device_sign_in (laptop, kt_test_server_get_url (server), "coach1");

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = kt_uuid_new ();
      g_autoptr(GBytes) body = kt_test_plan_body (id, case_id, 1, "Wat wil je bereiken?");

      if (!kt_sync_client_share (laptop, body, &error))
        g_error ("%s", error->message);
    }
  /* Settle once so the no-op rounds below start from a pulled cursor. */
  g_signal_connect (laptop, "record-pushed", G_CALLBACK (on_pushed), NULL);
  start = start_round = g_get_monotonic_time ();
  if (!kt_test_device_sync (laptop, &error))
    g_error ("%s", error->message);
  push_s = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpuint (kt_sync_client_get_n_pending (laptop), ==, 0);

  for (guint i = 0; i < 50; i++)
    {
      double ms;

      start = g_get_monotonic_time ();
      if (!kt_test_device_sync (laptop, &error))
        g_error ("%s", error->message);
      ms = (g_get_monotonic_time () - start) / 1e3;
      g_array_append_val (noop, ms);
    }
  {
    double sum = 0, max = 0;

    for (guint i = 0; i < noop->len; i++)
      {
        sum += g_array_index (noop, double, i);
        max = MAX (max, g_array_index (noop, double, i));
      }
    g_print ("push 1000 %s plans: %.2f s (target 3 s); with pulling them back: %.2f s\n",
             sealed ? "sealed" : "plaintext", (last_push - start_round) / 1e6, push_s);
    g_print ("no-op sync round trip: mean %.1f ms, max %.1f ms over %u rounds (target 30 ms)\n",
             sum / noop->len, max, noop->len);
  }
  kt_test_tmpdir_free (g_steal_pointer (&dir));
  return 0;
}
