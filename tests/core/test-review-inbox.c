/* test-review-inbox.c: the supervisor's inbox filters and orders plans
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-core.h"
#include "kt-review-inbox.h"

typedef struct {
  GPtrArray *cases;
  GPtrArray *plans;
  GDate      today;
  gint64     today_noon;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GDateTime) noon = g_date_time_new_local (2026, 11, 25, 12, 0, 0);

  fixture->cases = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  fixture->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);
  g_date_clear (&fixture->today, 1);
  g_date_set_dmy (&fixture->today, 25, 11, 2026);
  fixture->today_noon = g_date_time_to_unix (noon);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->cases, g_ptr_array_unref);
  g_clear_pointer (&fixture->plans, g_ptr_array_unref);
}

/* A case of @coach and version @version of its plan, submitted @days_ago. */
static KtPlan *
add_plan (Fixture       *fixture,
          const char    *household,
          const char    *coach,
          KtReviewState  state,
          int            days_ago,
          int            version)
{
  KtCase *kase = kt_case_new ();
  KtPlan *plan = kt_plan_new ();

  kase->household = g_strdup (household);
  kase->coach = g_strdup (coach);
  kase->phase = KT_PHASE_PLAN;
  g_ptr_array_add (fixture->cases, kase);

  plan->case_id = g_strdup (kase->header.id);
  plan->author = g_strdup (coach);
  plan->version = version;
  plan->review = state;
  plan->submitted_at = fixture->today_noon - (gint64) days_ago * 24 * 3600;
  g_ptr_array_add (fixture->plans, plan);
  return plan;
}

static const char *
household (GPtrArray *entries,
           guint      index)
{
  return ((KtReviewInboxEntry *) g_ptr_array_index (entries, index))->kase->household;
}

static void
test_overdue_first_then_newest (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  KtReviewInboxFilter filter;
  KtReviewInboxEntry *entry;

  add_plan (fixture, "Familie Oud", "coach1", KT_REVIEW_SUBMITTED, 3, 1);
  add_plan (fixture, "Familie Nieuw", "coach2", KT_REVIEW_SUBMITTED, 0, 1);
  add_plan (fixture, "Familie Te Laat", "coach1", KT_REVIEW_SUBMITTED, 10, 1);
  add_plan (fixture, "Familie Heel Laat", "coach2", KT_REVIEW_SUBMITTED, 20, 1);
  add_plan (fixture, "Familie Klaar", "coach2", KT_REVIEW_APPROVED, 1, 1);

  kt_review_inbox_filter_init_default (&filter);
  entries = kt_review_inbox_build (fixture->plans, fixture->cases, &filter, &fixture->today, 7);
  g_assert_cmpuint (entries->len, ==, 4);
  /* Overdue first (the newest of them first), then the rest, newest first. */
  g_assert_cmpstr (household (entries, 0), ==, "Familie Te Laat");
  g_assert_cmpstr (household (entries, 1), ==, "Familie Heel Laat");
  g_assert_cmpstr (household (entries, 2), ==, "Familie Nieuw");
  g_assert_cmpstr (household (entries, 3), ==, "Familie Oud");

  entry = g_ptr_array_index (entries, 1);
  g_assert_true (entry->overdue);
  g_assert_cmpint (entry->days_waiting, ==, 20);
  g_assert_cmpint (entry->days_left, ==, -13);
  entry = g_ptr_array_index (entries, 2);
  g_assert_false (entry->overdue);
  g_assert_cmpint (entry->days_waiting, ==, 0);
  g_assert_cmpint (entry->days_left, ==, 7);
}

static void
test_case_deadline_makes_overdue (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  KtPlan *plan;
  KtCase *kase;

  plan = add_plan (fixture, "Familie Termijn", "coach1", KT_REVIEW_SUBMITTED, 1, 1);
  kase = g_ptr_array_index (fixture->cases, 0);
  g_assert_cmpstr (kase->header.id, ==, plan->case_id);
  kase->phase = KT_PHASE_REGISTERED;
  kase->request.date = g_strdup ("2026-10-01");
  kt_case_compute_deadlines (kase, 42, 7);
  g_assert_nonnull (kt_case_next_deadline (kase));

  entries = kt_review_inbox_build (fixture->plans, fixture->cases, NULL, &fixture->today, 7);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_true (((KtReviewInboxEntry *) g_ptr_array_index (entries, 0))->overdue);
}

static void
test_filters_by_coach_state_and_deadline (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GPtrArray) by_coach = NULL;
  g_autoptr(GPtrArray) returned = NULL;
  g_autoptr(GPtrArray) overdue = NULL;
  g_autoptr(GPtrArray) this_week = NULL;
  g_autoptr(GPtrArray) everything = NULL;
  g_auto(GStrv) coaches = NULL;
  KtReviewInboxFilter filter;

  add_plan (fixture, "Familie A", "coach1", KT_REVIEW_SUBMITTED, 0, 1);
  add_plan (fixture, "Familie B", "coach2", KT_REVIEW_SUBMITTED, 2, 1);
  add_plan (fixture, "Familie C", "coach2", KT_REVIEW_SUBMITTED, 9, 1);
  add_plan (fixture, "Familie D", "coach1", KT_REVIEW_RETURNED, 4, 1);

  kt_review_inbox_filter_init_default (&filter);
  filter.coach = "coach2";
  by_coach = kt_review_inbox_build (fixture->plans, fixture->cases, &filter, &fixture->today, 7);
  g_assert_cmpuint (by_coach->len, ==, 2);
  g_assert_cmpstr (household (by_coach, 0), ==, "Familie C");
  g_assert_cmpstr (household (by_coach, 1), ==, "Familie B");

  kt_review_inbox_filter_init_default (&filter);
  filter.state = KT_REVIEW_RETURNED;
  returned = kt_review_inbox_build (fixture->plans, fixture->cases, &filter, &fixture->today, 7);
  g_assert_cmpuint (returned->len, ==, 1);
  g_assert_cmpstr (household (returned, 0), ==, "Familie D");

  kt_review_inbox_filter_init_default (&filter);
  filter.deadline = KT_REVIEW_INBOX_DEADLINE_OVERDUE;
  overdue = kt_review_inbox_build (fixture->plans, fixture->cases, &filter, &fixture->today, 7);
  g_assert_cmpuint (overdue->len, ==, 1);
  g_assert_cmpstr (household (overdue, 0), ==, "Familie C");

  /* Review due within seven days: B (5 days left), C (overdue); A has 7 left. */
  filter.deadline = KT_REVIEW_INBOX_DEADLINE_THIS_WEEK;
  this_week = kt_review_inbox_build (fixture->plans, fixture->cases, &filter, &fixture->today, 7);
  g_assert_cmpuint (this_week->len, ==, 2);

  everything = kt_review_inbox_build (fixture->plans, fixture->cases, NULL, &fixture->today, 7);
  g_assert_cmpuint (everything->len, ==, 4);

  coaches = kt_review_inbox_list_coaches (fixture->plans);
  g_assert_cmpuint (g_strv_length (coaches), ==, 2);
  g_assert_cmpstr (coaches[0], ==, "coach1");
  g_assert_cmpstr (coaches[1], ==, "coach2");
}

static void
test_only_newest_version_is_listed (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  KtPlan *first, *second;

  first = add_plan (fixture, "Familie Versie", "coach1", KT_REVIEW_RETURNED, 10, 1);
  second = kt_plan_new ();
  second->case_id = g_strdup (first->case_id);
  second->author = g_strdup ("coach1");
  second->version = 2;
  second->review = KT_REVIEW_SUBMITTED;
  second->submitted_at = fixture->today_noon;
  /* Inserted first, so the order of the input does not decide. */
  g_ptr_array_insert (fixture->plans, 0, second);

  entries = kt_review_inbox_build (fixture->plans, fixture->cases, NULL, &fixture->today, 7);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_true (((KtReviewInboxEntry *) g_ptr_array_index (entries, 0))->plan == second);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/review-inbox/order/overdue-first-then-newest", test_overdue_first_then_newest);
  ADD ("/review-inbox/overdue/case-deadline-passed", test_case_deadline_makes_overdue);
  ADD ("/review-inbox/filter/coach-state-deadline", test_filters_by_coach_state_and_deadline);
  ADD ("/review-inbox/only-newest-version-is-listed", test_only_newest_version_is_listed);
#undef ADD

  return g_test_run ();
}
