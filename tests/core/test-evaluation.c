/* test-evaluation.c: an evaluation starts from the conversation and plan before it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-core.h"
#include "kt-evaluation.h"
#include "kt-test-household.h"

static void
test_evaluation_keeps_the_levels_before_as_previous (void)
{
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(KtConversation) before = NULL;
  g_autoptr(KtPlan) plan = NULL;
  g_autoptr(KtConversation) evaluation = NULL;

  kt_test_household_new (catalogue, &kase, &before, &plan);
  ((KtGoal *) g_ptr_array_index (plan->goals, 1))->status = KT_GOAL_IN_PROGRESS;
  evaluation = kt_evaluation_new (catalogue, before, plan);

  g_assert_true (evaluation->is_evaluation);
  g_assert_cmpstr (evaluation->case_id, ==, before->case_id);
  g_assert_cmpstr (evaluation->header.id, !=, before->header.id);
  g_assert_cmpuint (evaluation->entries->len, ==, kt_catalogue_get_n_domains (catalogue));
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      g_assert_cmpint (evaluation->wheel[s].previous, ==, before->wheel[s].current);
      g_assert_cmpint (evaluation->wheel[s].current, ==, before->wheel[s].current);
      g_assert_cmpint (evaluation->wheel[s].target, ==, before->wheel[s].target);
      g_assert_cmpuint (evaluation->wheel[s].supporters->len, ==, before->wheel[s].supporters->len);
      g_assert_cmpint (kt_evaluation_segment_trend (&evaluation->wheel[s]), ==, 0);
    }
  /* The copy stands on its own: changing it leaves the conversation before alone. */
  g_ptr_array_set_size (evaluation->wheel[KT_SEGMENT_SOCIAAL].supporters, 0);
  g_assert_cmpuint (before->wheel[KT_SEGMENT_SOCIAAL].supporters->len, ==, 2);

  g_assert_cmpuint (evaluation->progress->len, ==, plan->goals->len);
  for (guint g = 0; g < plan->goals->len; g++)
    {
      KtGoal *goal = g_ptr_array_index (plan->goals, g);
      KtGoalProgress *progress = g_ptr_array_index (evaluation->progress, g);

      g_assert_cmpstr (progress->goal_id, ==, goal->id);
      g_assert_cmpint (progress->status, ==, goal->status);
    }
}

static void
test_evaluation_trend_follows_the_levels (void)
{
  KtWheelSegment segment = { 3, 4, 1, NULL };

  g_assert_cmpint (kt_evaluation_segment_trend (&segment), ==, 1);
  segment.current = 0;
  g_assert_cmpint (kt_evaluation_segment_trend (&segment), ==, -1);
  segment.current = 1;
  g_assert_cmpint (kt_evaluation_segment_trend (&segment), ==, 0);
  segment.previous = KT_WHEEL_UNSET;
  g_assert_cmpint (kt_evaluation_segment_trend (&segment), ==, 0);
  segment.previous = 2;
  segment.current = KT_WHEEL_UNSET;
  g_assert_cmpint (kt_evaluation_segment_trend (&segment), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/evaluation/keeps-the-levels-before-as-previous",
                   test_evaluation_keeps_the_levels_before_as_previous);
  g_test_add_func ("/evaluation/trend-follows-the-levels",
                   test_evaluation_trend_follows_the_levels);

  return g_test_run ();
}
