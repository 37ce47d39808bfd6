/* test-team-overview.c: what the team view counts, from records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-core.h"
#include "kt-team-counts.h"
#include "kt-team-overview.h"

/* Wednesday 25 November 2026: the week runs from Monday 23 to Sunday 29. */
#define TODAY_Y 2026
#define TODAY_M 11
#define TODAY_D 25

typedef struct {
  KtCatalogue *catalogue;
  GPtrArray   *cases;
  GPtrArray   *conversations;
  GPtrArray   *plans;
  GDate        today;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->catalogue = kt_catalogue_new_builtin ();
  fixture->cases = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  fixture->conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_conversation_unref);
  fixture->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);
  g_date_clear (&fixture->today, 1);
  g_date_set_dmy (&fixture->today, TODAY_D, TODAY_M, TODAY_Y);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->catalogue);
  g_clear_pointer (&fixture->cases, g_ptr_array_unref);
  g_clear_pointer (&fixture->conversations, g_ptr_array_unref);
  g_clear_pointer (&fixture->plans, g_ptr_array_unref);
}

/* A case requested on @request_date with the six-week deadline computed. */
static KtCase *
add_case (Fixture    *fixture,
          const char *household,
          const char *coach,
          const char *request_date,
          KtPhase     phase)
{
  KtCase *kase = kt_case_new ();

  kase->household = g_strdup (household);
  kase->coach = g_strdup (coach);
  kase->request.date = g_strdup (request_date);
  kase->phase = phase;
  kt_case_compute_deadlines (kase, 42, 7);
  g_ptr_array_add (fixture->cases, kase);
  return kase;
}

static KtConversation *
add_conversation (Fixture    *fixture,
                  KtCase     *kase,
                  const char *date)
{
  KtConversation *conversation = kt_catalogue_new_conversation (fixture->catalogue, kase->header.id);

  g_free (conversation->date);
  conversation->date = g_strdup (date);
  g_ptr_array_add (fixture->conversations, conversation);
  return conversation;
}

static void
set_concern (KtConversation *conversation,
             const char     *domain_id,
             const char     *concern,
             int             level)
{
  KtDomainEntry *entry = kt_conversation_find_entry (conversation, domain_id);

  g_assert_nonnull (entry);
  entry->state = KT_DOMAIN_DISCUSSED;
  g_free (entry->concern);
  entry->concern = g_strdup (concern);
  entry->level = level;
}

static KtTeamOverview *
overview_new (Fixture            *fixture,
              const char * const *coaches)
{
  return kt_team_overview_new (fixture->catalogue, fixture->cases, fixture->conversations,
                               fixture->plans, coaches, &fixture->today);
}

static void
test_unassigned_lists_open_requests_without_coach (Fixture       *fixture,
                                                   gconstpointer  data)
{
  g_autoptr(KtTeamOverview) overview = NULL;
  KtCase *later, *earlier, *desk;
  GPtrArray *unassigned;

  later = add_case (fixture, "Familie B", NULL, "2026-11-20", KT_PHASE_REGISTERED);
  earlier = add_case (fixture, "Familie A", NULL, "2026-11-02", KT_PHASE_REGISTERED);
  add_case (fixture, "Familie C", "coach1", "2026-11-02", KT_PHASE_REGISTERED);
  desk = add_case (fixture, "Familie D", NULL, "2026-11-24", KT_PHASE_CLOSED);
  desk->solved_at_desk = TRUE;

  overview = overview_new (fixture, NULL);
  unassigned = kt_team_overview_get_unassigned (overview);
  g_assert_cmpuint (unassigned->len, ==, 2);
  /* The request that has waited longest comes first. */
  g_assert_true (g_ptr_array_index (unassigned, 0) == earlier);
  g_assert_true (g_ptr_array_index (unassigned, 1) == later);
}

/* "Plan loopt vast": the coach's call for help reaches the supervisor, with
 * its reason; a closed case or a withdrawn call does not. */
static void
test_stuck_plans_ask_the_supervisor_for_help (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(KtTeamOverview) overview = NULL;
  g_autoptr(GError) error = NULL;
  KtCase *later, *earlier, *closed, *withdrawn;
  GPtrArray *stuck;

  later = add_case (fixture, "Familie B", "coach1", "2026-10-01", KT_PHASE_SUPPORT);
  earlier = add_case (fixture, "Familie A", "coach2", "2026-10-01", KT_PHASE_PLAN);
  closed = add_case (fixture, "Familie C", "coach1", "2026-10-01", KT_PHASE_CLOSED);
  withdrawn = add_case (fixture, "Familie D", "coach1", "2026-10-01", KT_PHASE_SUPPORT);
  g_assert_false (kt_case_set_stuck (later, TRUE, "  ", "2026-11-20", &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED);
  g_assert_false (later->stuck);
  g_clear_error (&error);
  g_assert_true (kt_case_set_stuck (later, TRUE, "Woningcorporatie reageert niet", "2026-11-20", &error));
  g_assert_true (kt_case_set_stuck (earlier, TRUE, "Twee instanties wachten op elkaar", "2026-11-10", &error));
  g_assert_true (kt_case_set_stuck (closed, TRUE, "Oud", "2026-11-01", &error));
  g_assert_true (kt_case_set_stuck (withdrawn, TRUE, "Opgelost", "2026-11-01", &error));
  g_assert_true (kt_case_set_stuck (withdrawn, FALSE, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (withdrawn->stuck_reason);

  overview = overview_new (fixture, NULL);
  stuck = kt_team_overview_get_stuck (overview);
  g_assert_cmpuint (stuck->len, ==, 2);
  /* The call that has waited longest comes first. */
  g_assert_true (g_ptr_array_index (stuck, 0) == earlier);
  g_assert_true (g_ptr_array_index (stuck, 1) == later);
  g_assert_cmpstr (later->stuck_reason, ==, "Woningcorporatie reageert niet");
}

static void
test_overdue_means_no_conversation_within_six_weeks (Fixture       *fixture,
                                                     gconstpointer  data)
{
  g_autoptr(KtTeamOverview) overview = NULL;
  KtCase *late, *held, *in_time, *closed, *very_late;
  KtConversation *conversation;
  GPtrArray *overdue;

  /* 42 days after 2026-10-01 is 2026-11-12: passed. */
  late = add_case (fixture, "Familie Laat", "coach1", "2026-10-01", KT_PHASE_CONVERSATION);
  very_late = add_case (fixture, "Familie Later", NULL, "2026-09-01", KT_PHASE_REGISTERED);
  /* The conversation took place and was completed: not overdue. */
  held = add_case (fixture, "Familie Gehouden", "coach1", "2026-10-01", KT_PHASE_CONVERSATION);
  conversation = add_conversation (fixture, held, "2026-11-01");
  conversation->complete = TRUE;
  /* 42 days after 2026-10-14 is 2026-11-25, today: still in time. */
  in_time = add_case (fixture, "Familie Op Tijd", "coach2", "2026-10-14", KT_PHASE_REGISTERED);
  closed = add_case (fixture, "Familie Dicht", "coach2", "2026-09-01", KT_PHASE_CLOSED);

  overview = overview_new (fixture, NULL);
  overdue = kt_team_overview_get_overdue (overview);
  g_assert_cmpuint (overdue->len, ==, 2);
  g_assert_true (g_ptr_array_index (overdue, 0) == very_late);
  g_assert_true (g_ptr_array_index (overdue, 1) == late);
  for (guint i = 0; i < overdue->len; i++)
    {
      g_assert_true (g_ptr_array_index (overdue, i) != held);
      g_assert_true (g_ptr_array_index (overdue, i) != in_time);
      g_assert_true (g_ptr_array_index (overdue, i) != closed);
    }
}

static void
test_evaluations_due_this_week_or_already_passed (Fixture       *fixture,
                                                  gconstpointer  data)
{
  g_autoptr(KtTeamOverview) overview = NULL;
  KtCase *sunday, *passed, *next_monday, *by_goal;
  KtPlan *plan;
  KtGoal *goal;
  GPtrArray *due;

  sunday = add_case (fixture, "Familie Zondag", "coach1", "2026-06-01", KT_PHASE_SUPPORT);
  sunday->evaluation_date = g_strdup ("2026-11-29");
  passed = add_case (fixture, "Familie Gemist", "coach1", "2026-06-01", KT_PHASE_EVALUATION);
  passed->evaluation_date = g_strdup ("2026-11-10");
  next_monday = add_case (fixture, "Familie Maandag", "coach2", "2026-06-01", KT_PHASE_SUPPORT);
  next_monday->evaluation_date = g_strdup ("2026-11-30");

  /* A goal in the newest plan can bring the evaluation forward. */
  by_goal = add_case (fixture, "Familie Doel", "coach2", "2026-06-01", KT_PHASE_SUPPORT);
  by_goal->evaluation_date = g_strdup ("2027-01-15");
  plan = kt_plan_new ();
  plan->case_id = g_strdup (by_goal->header.id);
  plan->version = 1;
  goal = kt_goal_new ();
  goal->evaluation_date = g_strdup ("2026-11-27");
  g_ptr_array_add (plan->goals, goal);
  g_ptr_array_add (fixture->plans, plan);

  overview = overview_new (fixture, NULL);
  due = kt_team_overview_get_evaluations_due (overview);
  g_assert_cmpuint (due->len, ==, 3);
  g_assert_true (g_ptr_array_index (due, 0) == passed);
  g_assert_true (g_ptr_array_find (due, sunday, NULL));
  g_assert_true (g_ptr_array_find (due, by_goal, NULL));
  g_assert_false (g_ptr_array_find (due, next_monday, NULL));
}

static void
test_caseload_is_by_name_not_by_count (Fixture       *fixture,
                                       gconstpointer  data)
{
  const char * const coaches[] = { "coach-b", "coach-a", "coach-c", NULL };
  g_autoptr(KtTeamOverview) overview = NULL;
  GPtrArray *caseloads;
  KtCaseload *load;

  add_case (fixture, "Familie 1", "coach-b", "2026-11-01", KT_PHASE_CONVERSATION);
  add_case (fixture, "Familie 2", "coach-b", "2026-11-01", KT_PHASE_PLAN);
  add_case (fixture, "Familie 3", "coach-b", "2026-11-01", KT_PHASE_SUPPORT);
  add_case (fixture, "Familie 4", "coach-a", "2026-11-01", KT_PHASE_SUPPORT);
  /* Closed cases and cases of a coach not in the list still count right. */
  add_case (fixture, "Familie 5", "coach-a", "2026-01-01", KT_PHASE_CLOSED);
  add_case (fixture, "Familie 6", "coach-d", "2026-11-01", KT_PHASE_PLAN);

  overview = overview_new (fixture, coaches);
  caseloads = kt_team_overview_get_caseloads (overview);
  g_assert_cmpuint (caseloads->len, ==, 4);
  load = g_ptr_array_index (caseloads, 0);
  g_assert_cmpstr (load->coach, ==, "coach-a");
  g_assert_cmpuint (load->n_cases, ==, 1);
  load = g_ptr_array_index (caseloads, 1);
  g_assert_cmpstr (load->coach, ==, "coach-b");
  g_assert_cmpuint (load->n_cases, ==, 3);
  load = g_ptr_array_index (caseloads, 2);
  g_assert_cmpstr (load->coach, ==, "coach-c");
  g_assert_cmpuint (load->n_cases, ==, 0);
  load = g_ptr_array_index (caseloads, 3);
  g_assert_cmpstr (load->coach, ==, "coach-d");
  g_assert_cmpuint (load->n_cases, ==, 1);
}

static void
test_domain_counts_are_per_case_in_catalogue_order (Fixture       *fixture,
                                                    gconstpointer  data)
{
  g_autoptr(KtTeamOverview) overview = NULL;
  KtConversation *old, *latest, *other;
  KtCase *a, *b, *closed;
  GPtrArray *counts;

  a = add_case (fixture, "Familie A", "coach1", "2026-10-01", KT_PHASE_PLAN);
  /* Only the latest conversation of a case counts. */
  old = add_conversation (fixture, a, "2026-10-10");
  set_concern (old, "wonen", "huur achter", 2);
  latest = add_conversation (fixture, a, "2026-11-10");
  set_concern (latest, "geldzaken", "schulden", 3);
  set_concern (latest, "psychisch", NULL, 2);          /* level 2 alone is a concern */
  set_concern (latest, "werk", NULL, 4);               /* level 4 without concern is not */
  kt_conversation_find_entry (latest, "veiligheid")->state = KT_DOMAIN_DISCUSSED;
  kt_conversation_find_entry (latest, "veiligheid")->safety_flag = TRUE;

  b = add_case (fixture, "Familie B", "coach2", "2026-10-01", KT_PHASE_PLAN);
  other = add_conversation (fixture, b, "2026-11-01");
  set_concern (other, "geldzaken", "brieven blijven liggen", 0);
  /* A skipped domain with text left in it is no concern. */
  set_concern (other, "justitie", "boete", 0);
  kt_conversation_find_entry (other, "justitie")->state = KT_DOMAIN_SKIPPED;

  closed = add_case (fixture, "Familie Dicht", "coach2", "2026-01-01", KT_PHASE_CLOSED);
  set_concern (add_conversation (fixture, closed, "2026-02-01"), "middelen", "alcohol", 2);

  overview = overview_new (fixture, NULL);
  counts = kt_team_overview_get_domain_counts (overview);
  g_assert_cmpuint (counts->len, ==, kt_catalogue_get_n_domains (fixture->catalogue));
  for (guint i = 0; i < counts->len; i++)
    {
      KtDomainCount *count = g_ptr_array_index (counts, i);
      guint expected = 0;

      g_assert_cmpstr (count->domain_id, ==, kt_catalogue_get_domain (fixture->catalogue, i)->id);
      g_assert_nonnull (count->name);
      if (g_str_equal (count->domain_id, "geldzaken"))
        expected = 2;
      else if (g_str_equal (count->domain_id, "psychisch") || g_str_equal (count->domain_id, "veiligheid"))
        expected = 1;
      g_assert_cmpuint (count->n_cases, ==, expected);
    }
  g_assert_cmpuint (kt_team_overview_get_max_domain_count (overview), ==, 2);
}

static void
test_empty_team_gives_zeros (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(KtTeamOverview) overview = kt_team_overview_new (fixture->catalogue, NULL, NULL, NULL,
                                                             NULL, &fixture->today);

  g_assert_cmpuint (kt_team_overview_get_unassigned (overview)->len, ==, 0);
  g_assert_cmpuint (kt_team_overview_get_overdue (overview)->len, ==, 0);
  g_assert_cmpuint (kt_team_overview_get_evaluations_due (overview)->len, ==, 0);
  g_assert_cmpuint (kt_team_overview_get_caseloads (overview)->len, ==, 0);
  g_assert_cmpuint (kt_team_overview_get_max_domain_count (overview), ==, 0);
}

/* A case carried out after its plan (kt_case_start_support) is counted
 * by its evaluation date; a closed one by its follow-up check. */
static void
test_carried_out_and_closed_cases_show_what_is_due (Fixture       *fixture,
                                                    gconstpointer  data)
{
  KtCase *carried_out = add_case (fixture, "Familie Uitvoering", "anna", "2026-08-03", KT_PHASE_PLAN);
  KtCase *closed = add_case (fixture, "Familie Nazorg", "anna", "2026-03-02", KT_PHASE_SUPPORT);
  KtCase *later = add_case (fixture, "Familie Later", "anna", "2026-03-02", KT_PHASE_SUPPORT);
  g_autoptr(KtPlan) plan = kt_plan_new ();
  KtGoal *goal = kt_goal_new ();
  g_autoptr(KtTeamOverview) overview = NULL;
  g_autoptr(GError) error = NULL;

  goal->evaluation_date = g_strdup ("2026-11-27");
  g_ptr_array_add (plan->goals, goal);
  kt_case_start_support (carried_out, plan, KT_EVALUATION_DAYS, "2026-09-01");
  g_assert_true (kt_case_close (closed, KT_CLOSE_GOALS_REACHED, NULL, NULL, "2026-11-26", "Anna", TRUE,
                                "2026-08-26", &error));
  g_assert_true (kt_case_close (later, KT_CLOSE_MOVED, NULL, NULL, "2027-02-26", NULL, FALSE,
                                "2026-11-20", &error));
  g_assert_no_error (error);

  overview = kt_team_overview_new (fixture->catalogue, fixture->cases, fixture->conversations, fixture->plans,
                                   NULL, &fixture->today);
  g_assert_cmpuint (kt_team_overview_get_evaluations_due (overview)->len, ==, 1);
  g_assert_true (g_ptr_array_index (kt_team_overview_get_evaluations_due (overview), 0) == carried_out);
  g_assert_cmpuint (kt_team_overview_get_follow_ups_due (overview)->len, ==, 1);
  g_assert_true (g_ptr_array_index (kt_team_overview_get_follow_ups_due (overview), 0) == closed);
  /* Neither is late: the conversation term belongs to a finished step. */
  g_assert_cmpuint (kt_team_overview_get_overdue (overview)->len, ==, 0);
}

/* Cases closed per month by reason, and the wheel's movement summed over
 * the team: counts only. */
static void
test_closed_by_month_and_wheel_movement (Fixture       *fixture,
                                         gconstpointer  data)
{
  const char *closings[][2] = { { "2026-11-02", "goals_reached" }, { "2026-11-20", "moved" },
                                { "2026-11-24", "goals_reached" }, { "2026-10-05", "specialist" },
                                { "2025-06-01", "goals_reached" } };
  g_autoptr(KtTeamOverview) overview = NULL;
  KtCase *evaluated = add_case (fixture, "Familie Geëvalueerd", "anna", "2026-05-04", KT_PHASE_SUPPORT);
  KtConversation *evaluation = add_conversation (fixture, evaluated, "2026-11-10");
  KtClosedMonth *month;
  const KtWheelMovement *werk, *sociaal, *zelfstandig;

  for (guint i = 0; i < G_N_ELEMENTS (closings); i++)
    {
      KtCase *kase = add_case (fixture, "Familie", "anna", "2025-01-06", KT_PHASE_SUPPORT);
      KtCloseReason reason;

      g_assert_true (kt_close_reason_from_string (closings[i][1], &reason));
      g_assert_true (kt_case_close (kase, reason, NULL, NULL, NULL, NULL, FALSE, closings[i][0], NULL));
    }
  evaluation->is_evaluation = TRUE;
  evaluation->wheel[KT_SEGMENT_WERK].previous = 2;
  evaluation->wheel[KT_SEGMENT_WERK].current = 3;
  evaluation->wheel[KT_SEGMENT_SOCIAAL].previous = 3;
  evaluation->wheel[KT_SEGMENT_SOCIAAL].current = 2;

  overview = kt_team_overview_new (fixture->catalogue, fixture->cases, fixture->conversations, fixture->plans,
                                   NULL, &fixture->today);
  g_assert_cmpuint (kt_team_overview_get_closed_by_month (overview)->len, ==, 2);
  month = g_ptr_array_index (kt_team_overview_get_closed_by_month (overview), 0);
  g_assert_cmpstr (month->month, ==, "2026-11");
  g_assert_cmpuint (month->n_closed, ==, 3);
  g_assert_cmpuint (month->by_reason[KT_CLOSE_GOALS_REACHED], ==, 2);
  g_assert_cmpuint (month->by_reason[KT_CLOSE_MOVED], ==, 1);
  month = g_ptr_array_index (kt_team_overview_get_closed_by_month (overview), 1);
  g_assert_cmpstr (month->month, ==, "2026-10");
  g_assert_cmpuint (month->by_reason[KT_CLOSE_SPECIALIST], ==, 1);

  werk = kt_team_overview_get_wheel_movement (overview, KT_SEGMENT_WERK);
  sociaal = kt_team_overview_get_wheel_movement (overview, KT_SEGMENT_SOCIAAL);
  zelfstandig = kt_team_overview_get_wheel_movement (overview, KT_SEGMENT_ZELFSTANDIG);
  g_assert_cmpuint (werk->up, ==, 1);
  g_assert_cmpuint (werk->down, ==, 0);
  g_assert_cmpuint (sociaal->down, ==, 1);
  g_assert_cmpuint (zelfstandig->up + zelfstandig->same + zelfstandig->down, ==, 0);
}

/* The counts kept record by record equal the overview's over the whole set. */
static void
assert_counts_match (Fixture      *fixture,
                     KtTeamCounts *counts)
{
  g_autoptr(KtTeamOverview) overview = overview_new (fixture, NULL);

  kt_team_counts_set_records (counts, fixture->cases, fixture->conversations, fixture->plans, &fixture->today);
  g_assert_cmpuint (kt_team_counts_get_unassigned (counts), ==,
                    kt_team_overview_get_unassigned (overview)->len);
  g_assert_cmpuint (kt_team_counts_get_overdue (counts), ==, kt_team_overview_get_overdue (overview)->len);
  g_assert_cmpuint (kt_team_counts_get_evaluations_due (counts), ==,
                    kt_team_overview_get_evaluations_due (overview)->len);
}

/* A batch replaces records by new objects of the same id, as the role
 * controller merges what came from the server. */
static void
replace (GPtrArray *array,
         gpointer   old,
         gpointer   copy)
{
  guint index;

  g_assert_true (g_ptr_array_find (array, old, &index));
  g_ptr_array_index (array, index) = copy;   /* the caller drops the array's reference to @old */
}

static void
test_counts_follow_each_batch_as_the_overview_would (Fixture       *fixture,
                                                     gconstpointer  data)
{
  g_autoptr(KtTeamCounts) counts = kt_team_counts_new ();
  KtCase *late, *unassigned, *support, *copy;
  KtConversation *conversation, *completed;
  KtPlan *plan, *newer;
  KtGoal *goal;

  late = add_case (fixture, "Familie Laat", "coach1", "2026-10-01", KT_PHASE_CONVERSATION);
  unassigned = add_case (fixture, "Familie Zonder", NULL, "2026-11-20", KT_PHASE_REGISTERED);
  support = add_case (fixture, "Familie Steun", "coach2", "2026-06-01", KT_PHASE_SUPPORT);
  support->evaluation_date = g_strdup ("2027-01-15");
  conversation = add_conversation (fixture, late, "2026-11-01");
  plan = kt_plan_new ();
  plan->case_id = g_strdup (support->header.id);
  plan->version = 1;
  g_ptr_array_add (fixture->plans, plan);
  assert_counts_match (fixture, counts);
  g_assert_cmpuint (kt_team_counts_get_unassigned (counts), ==, 1);
  g_assert_cmpuint (kt_team_counts_get_overdue (counts), ==, 1);
  g_assert_cmpuint (kt_team_counts_get_evaluations_due (counts), ==, 0);

  /* The unassigned request gets a coach. */
  copy = kt_case_copy (unassigned);
  g_free (copy->coach);
  copy->coach = g_strdup ("coach2");
  replace (fixture->cases, unassigned, copy);
  kt_case_unref (unassigned);
  assert_counts_match (fixture, counts);
  g_assert_cmpuint (kt_team_counts_get_unassigned (counts), ==, 0);

  /* The late household's conversation is completed: no longer overdue,
   * though its case record did not change. */
  completed = kt_conversation_copy (conversation);
  completed->complete = TRUE;
  replace (fixture->conversations, conversation, completed);
  kt_conversation_unref (conversation);
  assert_counts_match (fixture, counts);
  g_assert_cmpuint (kt_team_counts_get_overdue (counts), ==, 0);

  /* A new version of the plan brings the evaluation into this week. */
  newer = kt_plan_copy (plan);
  g_free (newer->header.id);
  newer->header.id = g_uuid_string_random ();
  newer->version = 2;
  goal = kt_goal_new ();
  goal->evaluation_date = g_strdup ("2026-11-27");
  g_ptr_array_add (newer->goals, goal);
  g_ptr_array_add (fixture->plans, newer);
  assert_counts_match (fixture, counts);
  g_assert_cmpuint (kt_team_counts_get_evaluations_due (counts), ==, 1);

  /* A new request without a coach, and one household gone (the store
   * locked and read again, say): counted again in full. */
  add_case (fixture, "Familie Nieuw", NULL, "2026-09-01", KT_PHASE_REGISTERED);
  assert_counts_match (fixture, counts);
  g_assert_cmpuint (kt_team_counts_get_unassigned (counts), ==, 1);
  g_assert_cmpuint (kt_team_counts_get_overdue (counts), ==, 1);
  g_ptr_array_remove (fixture->cases, support);
  assert_counts_match (fixture, counts);
  g_assert_cmpuint (kt_team_counts_get_evaluations_due (counts), ==, 0);

  /* Another day: the deadlines are counted from it. */
  g_date_add_days (&fixture->today, 60);
  assert_counts_match (fixture, counts);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/team-overview/closed-by-month-and-wheel-movement", test_closed_by_month_and_wheel_movement);
  ADD ("/team-overview/carried-out-and-closed-cases-show-what-is-due",
       test_carried_out_and_closed_cases_show_what_is_due);
  ADD ("/team-overview/unassigned/open-requests-without-coach-oldest-first",
       test_unassigned_lists_open_requests_without_coach);
  ADD ("/team-overview/overdue/no-conversation-within-six-weeks",
       test_overdue_means_no_conversation_within_six_weeks);
  ADD ("/team-overview/evaluations/due-this-week-or-passed",
       test_evaluations_due_this_week_or_already_passed);
  ADD ("/team-overview/caseload/by-name-not-by-count", test_caseload_is_by_name_not_by_count);
  ADD ("/team-overview/domains/counted-per-case-in-catalogue-order",
       test_domain_counts_are_per_case_in_catalogue_order);
  ADD ("/team-overview/empty-team-gives-zeros", test_empty_team_gives_zeros);
  ADD ("/team-overview/counts/follow-each-batch-as-the-overview-would",
       test_counts_follow_each_batch_as_the_overview_would);
  ADD ("/team-overview/stuck-plans-ask-the-supervisor-for-help", test_stuck_plans_ask_the_supervisor_for_help);
#undef ADD

  return g_test_run ();
}
