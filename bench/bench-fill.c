/* bench-fill.c: the store the app benchmarks start on
 *
 * bench-startup and bench-responsive start the app on the same kind of
 * store, so their figures can be read together.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-fill"

#include "config.h"

#include "bench-fill.h"

#include "kt-core.h"
#include "kt-store.h"

static const char *surnames[] = {
  "Jansen", "de Vries", "Yilmaz", "Bakker", "Visser", "Smit", "El Amrani", "Meijer",
  "de Boer", "Mulder", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Kaya",
};

static void
pin_kept (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kt_store_set_unlock_secret_finish (KT_STORE (source), result, &error))
    g_error ("Cannot keep the bench PIN: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

/* A plan the coach can submit: the rules of kt_review_check_ready hold. */
static KtPlan *
ready_plan (const char *case_id)
{
  KtPlan *plan = kt_plan_new ();
  KtGoal *goal = kt_goal_new ();
  KtAction *action = kt_action_new ();

  plan->case_id = g_strdup (case_id);
  plan->question = g_strdup ("Weer rondkomen en de post bijhouden.");
  plan->conversation_note = g_strdup ("Het gesprek gaat volgende week verder.");
  goal->title = g_strdup ("De vaste lasten worden elke maand betaald.");
  goal->difference = g_strdup ("Geen aanmaningen meer.");
  action->what = g_strdup ("Samen de post openen, elke dinsdag.");
  action->actor = KT_ACTOR_RESIDENT;
  g_ptr_array_add (goal->actions, action);
  g_ptr_array_add (plan->goals, goal);
  plan->agreement.state = KT_AGREEMENT_AGREED;
  plan->agreement.date = kt_date_today ();
  return plan;
}

void
kt_bench_fill_store (const char *path,
                     guint       n_cases,
                     guint       n_plans)
{
  g_autoptr(KtStore) store = kt_store_new (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *today = kt_date_today ();
  gboolean kept = FALSE;

  if (!kt_store_open_sync (store, KT_KEY_SOURCE_KEYRING, NULL, NULL, &error))
    g_error ("Cannot open the bench store: %s", error->message);
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr(KtCase) kase = kt_case_new ();
      KtDocument doc = { .kind = KT_KIND_CASE };

      kase->household = g_strdup_printf ("Familie %s %u", surnames[i % G_N_ELEMENTS (surnames)], i);
      kase->request.date = kt_date_add_days (today, -(int) (i % 60));
      kase->request.question = g_strdup ("We komen niet rond en de brieven blijven liggen.");
      kase->request.safety_concern = i % 17 == 0;
      kase->phase = i < n_plans ? KT_PHASE_PLAN : i % KT_N_PHASES;
      kt_case_compute_deadlines (kase, 42, 7);
      doc.kase = kase;
      if (!kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error))
        g_error ("Cannot save case %u: %s", i, error->message);
      if (i < n_plans)
        {
          g_autoptr(KtPlan) plan = ready_plan (kase->header.id);
          KtDocument pdoc = { .kind = KT_KIND_PLAN, .plan = plan };

          if (!kt_store_save_document (store, &pdoc, KT_SYNC_LOCAL, &error))
            g_error ("Cannot save plan %u: %s", i, error->message);
        }
    }
  /* A store in use has its PIN; without one the app asks for it first. */
  kt_store_set_unlock_secret_async (store, KT_UNLOCK_PIN, KT_BENCH_PIN, NULL, pin_kept, &kept);
  while (!kept)
    g_main_context_iteration (NULL, TRUE);
}
