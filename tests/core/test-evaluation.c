/* test-evaluation.c: an evaluation starts from the conversation and plan before it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-core.h"
#include "kt-evaluation.h"
#include "kt-report.h"

#include <string.h>
#include <glib/gstdio.h>
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

static void
test_evaluation_movement_in_words (void)
{
  KtWheelSegment segment = { 3, 4, 2, NULL };
  g_autofree char *moved = kt_evaluation_describe_movement ("Betaald werk", &segment);
  g_autofree char *same = NULL;
  g_autofree char *first = NULL;
  g_autofree char *unscored = NULL;

  g_assert_cmpstr (moved, ==, "Betaald werk: from 2 to 3");
  segment.previous = 3;
  same = kt_evaluation_describe_movement ("Betaald werk", &segment);
  g_assert_cmpstr (same, ==, "Betaald werk: stays 3");
  segment.previous = KT_WHEEL_UNSET;
  first = kt_evaluation_describe_movement ("Betaald werk", &segment);
  g_assert_cmpstr (first, ==, "Betaald werk: now 3");
  segment.current = KT_WHEEL_UNSET;
  unscored = kt_evaluation_describe_movement ("Betaald werk", &segment);
  g_assert_null (unscored);
}

/* The evaluation report read back with pdftotext shows the movement in
 * words, for the resident's copy and for the dossier. */
static void
test_evaluation_report_shows_the_movement (void)
{
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(KtConversation) before = NULL;
  g_autoptr(KtPlan) plan = NULL;
  g_autoptr(KtConversation) evaluation = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kt-evaluation-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "evaluatie.pdf", NULL);
  KtWheelSegment *werk;
  KtNewQuestion *question;
  KtProvision *maatwerk;

  kt_test_household_new (catalogue, &kase, &before, &plan);
  evaluation = kt_evaluation_new (catalogue, before, plan);
  werk = &evaluation->wheel[KT_SEGMENT_WERK];
  werk->previous = 2;
  werk->current = 3;
  ((KtGoalProgress *) g_ptr_array_index (evaluation->progress, 0))->status = KT_GOAL_ACHIEVED;
  /* The quick look over the life domains found one new question, and the
   * resident agreed with the evaluation. */
  question = kt_new_question_new ("geldzaken");
  question->note = g_strdup ("Schulden bij de energieleverancier");
  g_ptr_array_add (evaluation->new_questions, question);
  evaluation->agreement.state = KT_AGREEMENT_AGREED;
  evaluation->agreement.date = g_strdup ("2027-04-01");
  evaluation->agreement.remarks = g_strdup ("Het gaat echt beter");
  /* A maatwerk request still being decided, and one granted as a pgb. */
  maatwerk = kt_provision_new ();
  maatwerk->name = g_strdup ("Begeleiding thuis");
  maatwerk->tailored = TRUE;
  maatwerk->legal_basis = KT_LEGAL_BASIS_WMO;
  maatwerk->request_date = g_strdup ("2027-03-01");
  maatwerk->decision_state = KT_DECISION_PENDING;
  g_ptr_array_add (plan->provisions, maatwerk);
  maatwerk = kt_provision_new ();
  maatwerk->name = g_strdup ("Hulp bij het huishouden");
  maatwerk->tailored = TRUE;
  maatwerk->legal_basis = KT_LEGAL_BASIS_WMO;
  maatwerk->request_date = g_strdup ("2027-01-04");
  maatwerk->decision_state = KT_DECISION_GRANTED;
  maatwerk->decision_date = g_strdup ("2027-01-15");
  maatwerk->decision = g_strdup ("drie uur per week");
  maatwerk->valid_from = g_strdup ("2027-02-01");
  maatwerk->until = g_strdup ("2028-01-31");
  maatwerk->delivery = KT_DELIVERY_PGB;
  g_ptr_array_add (plan->provisions, maatwerk);

  for (int kind = 0; kind < 2; kind++)
    {
      g_autoptr(KtReport) report = kind == 0 ? kt_report_new (catalogue, kase, evaluation, plan)
                                             : kt_report_new_dossier (catalogue, kase, evaluation, plan);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *flat = NULL;
      /* In the wheel's words: from 2 to 3. */
      g_autofree char *expected = g_strdup_printf ("%s: better. Now: mostly on your own; last time: with some help.",
                                                   kt_catalogue_segment_name (catalogue, KT_SEGMENT_WERK));
      const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
      g_auto(GStrv) words = NULL;

      g_assert_true (kt_report_write_pdf (report, pdf, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, &text, NULL, NULL, &error));
      g_assert_no_error (error);
      /* Line breaks and runs of spaces as single spaces. */
      words = g_strsplit_set (text, " \n\t\f", -1);
      flat = g_strjoinv (" ", words);
      while (strstr (flat, "  ") != NULL)
        memmove (strstr (flat, "  "), strstr (flat, "  ") + 1, strlen (strstr (flat, "  ")));
      g_assert_nonnull (strstr (flat, "How things went"));
      g_assert_nonnull (strstr (flat, expected));
      g_assert_nonnull (strstr (flat, "achieved"));
      g_assert_nonnull (strstr (flat, "New questions"));
      g_assert_nonnull (strstr (flat, "Schulden bij de energieleverancier"));
      g_assert_nonnull (strstr (flat, kt_catalogue_lookup (catalogue, "geldzaken")->name));
      g_assert_nonnull (strstr (flat, "Your agreement on the evaluation"));
      g_assert_nonnull (strstr (flat, "You agree with this evaluation."));
      g_assert_nonnull (strstr (flat, "Het gaat echt beter"));
      /* The maatwerk decisions in plain words. */
      g_assert_nonnull (strstr (flat, "Requested on 1 March 2027 (Wmo 2015). The municipality has not decided yet."));
      g_assert_nonnull (strstr (flat, "Granted on 15 January 2027: drie uur per week."));
      g_assert_nonnull (strstr (flat, "This holds from 1 February 2027 until 31 January 2028."));
      g_assert_nonnull (strstr (flat, "Form: Personal budget (pgb)."));
      g_unlink (pdf);
    }
  g_rmdir (dir);
}

/* The evaluation's new questions and agreement survive the codec; a new
 * question marked for it becomes a goal in the next plan version. */
static void
test_evaluation_keeps_questions_and_agreement (void)
{
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(KtConversation) before = NULL;
  g_autoptr(KtPlan) plan = NULL;
  g_autoptr(KtConversation) evaluation = NULL;
  g_autoptr(KtConversation) back = NULL;
  g_autoptr(KtPlan) next = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GError) error = NULL;
  KtNewQuestion *money = kt_new_question_new ("geldzaken");
  KtNewQuestion *later = kt_new_question_new ("wonen");
  const KtGoal *added;
  guint goals;

  kt_test_household_new (catalogue, &kase, &before, &plan);
  evaluation = kt_evaluation_new (catalogue, before, plan);
  money->note = g_strdup ("Schulden bij de energieleverancier");
  later->note = g_strdup ("Misschien verhuizen");
  later->as_goal = FALSE;
  g_ptr_array_add (evaluation->new_questions, money);
  g_ptr_array_add (evaluation->new_questions, later);
  evaluation->agreement.state = KT_AGREEMENT_PARTLY;
  evaluation->agreement.date = g_strdup ("2027-04-01");
  evaluation->agreement.form = KT_FORM_WRITTEN;
  g_ptr_array_add (evaluation->agreement.signature, kt_stroke_new ());

  json = kt_conversation_encode (evaluation);
  back = kt_conversation_decode (json, &error);
  g_assert_no_error (error);
  g_assert_true (kt_conversation_equal (evaluation, back));
  g_assert_cmpuint (back->new_questions->len, ==, 2);
  g_assert_cmpint (back->agreement.state, ==, KT_AGREEMENT_PARTLY);
  g_assert_cmpuint (back->agreement.signature->len, ==, 1);
  g_assert_nonnull (kt_conversation_find_new_question (back, "wonen"));
  g_assert_null (kt_conversation_find_new_question (back, "werk"));
  later->as_goal = TRUE;
  g_assert_false (kt_conversation_equal (evaluation, back));
  later->as_goal = FALSE;

  next = kt_plan_new_version (plan);
  goals = next->goals->len;
  kt_evaluation_add_question_goals (evaluation, next);
  g_assert_cmpuint (next->goals->len, ==, goals + 1);
  added = g_ptr_array_index (next->goals, goals);
  g_assert_cmpstr (added->title, ==, "Schulden bij de energieleverancier");
  g_assert_cmpstr (added->domains[0], ==, "geldzaken");
  g_assert_cmpint (added->status, ==, KT_GOAL_OPEN);
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
  g_test_add_func ("/evaluation/movement-in-words", test_evaluation_movement_in_words);
  g_test_add_func ("/evaluation/report-shows-the-movement", test_evaluation_report_shows_the_movement);
  g_test_add_func ("/evaluation/keeps-questions-and-agreement", test_evaluation_keeps_questions_and_agreement);

  return g_test_run ();
}
