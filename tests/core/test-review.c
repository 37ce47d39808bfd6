/* test-review.c: approving and returning plans, revising as a new version
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-core.h"
#include "kt-review.h"

#define NOW ((gint64) 1764064800)

/* A submitted plan, version 1, with two goals. */
static KtPlan *
submitted_plan_new (void)
{
  KtPlan *plan = kt_plan_new ();

  plan->case_id = kt_uuid_new ();
  plan->version = 1;
  plan->header.rev = 4;
  plan->question = g_strdup ("Rust in de financiën");
  plan->author = g_strdup ("coach1");
  for (guint i = 0; i < 2; i++)
    {
      KtGoal *goal = kt_goal_new ();

      g_free (goal->id);
      goal->id = kt_uuid_new ();
      goal->title = g_strdup_printf ("Doel %u", i + 1);
      g_ptr_array_add (plan->goals, goal);
    }
  plan->review = KT_REVIEW_SUBMITTED;
  plan->submitted_at = NOW - 3600;
  return plan;
}

static const char *
goal_id (KtPlan *plan,
         guint   index)
{
  return ((KtGoal *) g_ptr_array_index (plan->goals, index))->id;
}

static void
test_approve_sets_state_reviewer_and_bumps_rev (void)
{
  g_autoptr(KtPlan) plan = submitted_plan_new ();
  g_autoptr(KtPlan) before = kt_plan_copy (plan);
  g_autoptr(KtReview) review = kt_review_new (KT_REVIEW_DECISION_APPROVE, plan->header.rev);
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_review_apply (review, plan, "super1", NOW, &error));
  g_assert_no_error (error);
  g_assert_cmpint (plan->review, ==, KT_REVIEW_APPROVED);
  g_assert_cmpstr (plan->reviewer, ==, "super1");
  g_assert_cmpint (plan->header.rev, ==, before->header.rev + 1);
  g_assert_cmpint (plan->header.updated, ==, NOW);
  g_assert_cmpuint (plan->comments->len, ==, 0);
  g_assert_true (kt_review_check_content_unchanged (before, plan, NULL));
}

static void
test_return_without_comment_is_refused (void)
{
  g_autoptr(KtPlan) plan = submitted_plan_new ();
  g_autoptr(KtPlan) before = kt_plan_copy (plan);
  g_autoptr(KtReview) review = kt_review_new (KT_REVIEW_DECISION_RETURN, plan->header.rev);
  g_autoptr(GError) error = NULL;

  /* Blank text is no comment. */
  kt_review_set_comment (review, "   \n ");
  kt_review_set_goal_comment (review, goal_id (plan, 0), "\t");
  g_assert_false (kt_review_has_comment (review));
  g_assert_false (kt_review_apply (review, plan, "super1", NOW, &error));
  g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_COMMENT_REQUIRED);
  /* Nothing changed. */
  g_assert_true (kt_plan_equal (before, plan));
}

static void
test_return_keeps_comments_per_goal_and_for_the_plan (void)
{
  g_autoptr(KtPlan) plan = submitted_plan_new ();
  g_autoptr(KtReview) review = kt_review_new (KT_REVIEW_DECISION_RETURN, plan->header.rev);
  g_autoptr(GError) error = NULL;
  KtReviewComment *comment;

  kt_review_set_comment (review, "  Wie doet wat bij doel 2?  ");
  kt_review_set_goal_comment (review, goal_id (plan, 1), "eerste versie");
  kt_review_set_goal_comment (review, goal_id (plan, 1), "Maak het kleiner.");
  g_assert_cmpuint (review->goal_comments->len, ==, 1);

  g_assert_true (kt_review_apply (review, plan, "super1", NOW, &error));
  g_assert_no_error (error);
  g_assert_cmpint (plan->review, ==, KT_REVIEW_RETURNED);
  g_assert_cmpuint (plan->comments->len, ==, 2);
  comment = g_ptr_array_index (plan->comments, 0);
  g_assert_null (comment->goal_id);
  g_assert_cmpstr (comment->text, ==, "Wie doet wat bij doel 2?");
  g_assert_cmpstr (comment->author, ==, "super1");
  g_assert_cmpint (comment->at, ==, NOW);
  comment = g_ptr_array_index (plan->comments, 1);
  g_assert_cmpstr (comment->goal_id, ==, goal_id (plan, 1));
  g_assert_cmpstr (comment->text, ==, "Maak het kleiner.");
}

static void
test_review_refuses_unknown_goal_stale_rev_and_unsubmitted_plan (void)
{
  g_autoptr(KtPlan) plan = submitted_plan_new ();
  g_autoptr(KtReview) unknown = kt_review_new (KT_REVIEW_DECISION_RETURN, plan->header.rev);
  g_autoptr(KtReview) stale = kt_review_new (KT_REVIEW_DECISION_APPROVE, plan->header.rev - 1);
  g_autoptr(KtReview) approve = kt_review_new (KT_REVIEW_DECISION_APPROVE, plan->header.rev);
  g_autoptr(GError) error = NULL;
  g_autofree char *other_goal = kt_uuid_new ();

  kt_review_set_goal_comment (unknown, other_goal, "Dit doel bestaat niet.");
  g_assert_false (kt_review_validate (unknown, plan, &error));
  g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_UNKNOWN_GOAL);
  g_clear_error (&error);

  g_assert_false (kt_review_validate (stale, plan, &error));
  g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_STALE);
  g_clear_error (&error);

  plan->review = KT_REVIEW_DRAFT;
  g_assert_false (kt_review_validate (approve, plan, &error));
  g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_NOT_SUBMITTED);
}

static void
test_json_round_trip_and_bad_bodies (void)
{
  g_autoptr(KtPlan) plan = submitted_plan_new ();
  g_autoptr(KtReview) review = kt_review_new (KT_REVIEW_DECISION_RETURN, 9);
  g_autoptr(KtReview) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad[] = {
    "[]",
    "{\"decision\":\"approve\"}",
    "{\"rev\":1,\"decision\":\"maybe\"}",
    "{\"rev\":1,\"decision\":\"return\",\"comment\":5}",
    "{\"rev\":1,\"decision\":\"return\",\"goal_comments\":[{\"text\":\"x\"}]}",
    "{\"rev\":\"1\",\"decision\":\"return\"}",
  };

  kt_review_set_comment (review, "Graag aanvullen.");
  kt_review_set_goal_comment (review, goal_id (plan, 0), "Wanneer?");
  node = kt_review_to_json (review);
  back = kt_review_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->decision, ==, KT_REVIEW_DECISION_RETURN);
  g_assert_cmpint (back->rev, ==, 9);
  g_assert_cmpstr (back->comment, ==, "Graag aanvullen.");
  g_assert_cmpuint (back->goal_comments->len, ==, 1);
  g_assert_cmpstr (((KtGoalComment *) g_ptr_array_index (back->goal_comments, 0))->goal_id,
                   ==, goal_id (plan, 0));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) bad_node = json_from_string (bad[i], NULL);
      g_autoptr(KtReview) refused = kt_review_from_json (bad_node, &error);

      g_assert_null (refused);
      g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_INVALID);
      g_clear_error (&error);
    }
}

static void
test_content_change_by_reviewer_is_detected (void)
{
  g_autoptr(KtPlan) plan = submitted_plan_new ();
  g_autoptr(KtPlan) edited = kt_plan_copy (plan);
  g_autoptr(GError) error = NULL;

  /* Review fields may change … */
  edited->review = KT_REVIEW_APPROVED;
  edited->header.rev++;
  g_assert_true (kt_review_check_content_unchanged (plan, edited, &error));
  g_assert_no_error (error);

  /* … content may not. */
  g_free (((KtGoal *) g_ptr_array_index (edited->goals, 0))->title);
  ((KtGoal *) g_ptr_array_index (edited->goals, 0))->title = g_strdup ("Anders");
  g_assert_false (kt_review_check_content_unchanged (plan, edited, &error));
  g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_CONTENT_CHANGED);
}

static void
test_revise_makes_a_new_version_and_keeps_history (void)
{
  g_autoptr(KtPlan) v1 = submitted_plan_new ();
  g_autoptr(KtPlan) v2 = NULL;
  g_autoptr(KtPlan) v3 = NULL;
  g_autoptr(KtReview) back = kt_review_new (KT_REVIEW_DECISION_RETURN, v1->header.rev);
  g_autoptr(KtReview) ok = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(KtPlan) unrelated = submitted_plan_new ();
  g_autoptr(GError) error = NULL;

  /* A draft or a submitted plan is not revised: it is still the coach's or
   * waits for its review. */
  g_assert_null (kt_review_revise (v1, NULL, &error));
  g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_NOT_REVISABLE);
  g_clear_error (&error);

  kt_review_set_comment (back, "Betrek de buurvrouw.");
  g_assert_true (kt_review_apply (back, v1, "super1", NOW, NULL));

  g_ptr_array_add (all, v1);
  v2 = kt_review_revise (v1, all, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (v2->header.id, !=, v1->header.id);
  g_assert_cmpstr (v2->case_id, ==, v1->case_id);
  g_assert_cmpint (v2->version, ==, 2);
  g_assert_cmpint (v2->review, ==, KT_REVIEW_DRAFT);
  g_assert_cmpuint (v2->comments->len, ==, 0);
  g_assert_cmpstr (v2->question, ==, v1->question);
  /* The returned version keeps its comment. */
  g_assert_cmpint (v1->review, ==, KT_REVIEW_RETURNED);
  g_assert_cmpuint (v1->comments->len, ==, 1);

  /* Submitted again and approved. */
  v2->review = KT_REVIEW_SUBMITTED;
  v2->submitted_at = NOW + 60;
  ok = kt_review_new (KT_REVIEW_DECISION_APPROVE, v2->header.rev);
  g_assert_true (kt_review_apply (ok, v2, "super1", NOW + 120, &error));
  g_assert_no_error (error);

  g_ptr_array_add (all, v2);
  g_ptr_array_add (all, unrelated);
  /* Revising an old version still gives the next number after the newest. */
  v3 = kt_review_revise (v1, all, &error);
  g_assert_no_error (error);
  g_assert_cmpint (v3->version, ==, 3);

  g_ptr_array_insert (all, 0, v3);
  history = kt_review_history (all, v1->case_id);
  g_assert_cmpuint (history->len, ==, 3);
  g_assert_true (g_ptr_array_index (history, 0) == v1);
  g_assert_true (g_ptr_array_index (history, 1) == v2);
  g_assert_true (g_ptr_array_index (history, 2) == v3);
  g_assert_cmpint (((KtPlan *) g_ptr_array_index (history, 1))->review, ==, KT_REVIEW_APPROVED);
}

/* Asserts the coach's revision @after of @before is refused with @code and @field. */
static void
assert_coach_refused (const KtPlan *before,
                      const KtPlan *after,
                      int           code,
                      const char   *field)
{
  g_autoptr(GError) error = NULL;
  const char *refused = NULL;

  g_assert_false (kt_review_check_coach_revision (before, after, &refused, &error));
  g_assert_error (error, KT_REVIEW_ERROR, code);
  g_assert_cmpstr (refused, ==, field);
}

static void
test_coach_revision_leaves_the_review_to_the_supervisor (void)
{
  g_autoptr(KtPlan) submitted = submitted_plan_new ();
  g_autoptr(KtPlan) draft = kt_plan_copy (submitted);
  g_autoptr(KtPlan) edited = NULL;
  g_autoptr(KtPlan) forged = NULL;
  g_autoptr(KtPlan) next = NULL;
  g_autoptr(KtReview) approve = kt_review_new (KT_REVIEW_DECISION_APPROVE, submitted->header.rev);
  g_autoptr(KtReview) back = kt_review_new (KT_REVIEW_DECISION_RETURN, submitted->header.rev);
  g_autoptr(KtPlan) approved = kt_plan_copy (submitted);
  g_autoptr(KtPlan) returned = kt_plan_copy (submitted);
  g_autoptr(GError) error = NULL;

  draft->review = KT_REVIEW_DRAFT;
  g_assert_true (kt_review_apply (approve, approved, "super1", NOW, NULL));
  kt_review_set_comment (back, "Betrek de buurvrouw.");
  g_assert_true (kt_review_apply (back, returned, "super1", NOW, NULL));

  /* The coach writes a draft and submits it, as a new record too. */
  g_assert_true (kt_review_check_coach_revision (NULL, draft, NULL, &error));
  g_assert_true (kt_review_check_coach_revision (draft, submitted, NULL, &error));
  g_assert_true (kt_review_check_coach_revision (NULL, submitted, NULL, &error));
  g_assert_no_error (error);

  /* A submitted or approved plan keeps its content and its state. */
  edited = kt_plan_copy (approved);
  edited->header.rev++;
  g_assert_true (kt_review_check_coach_revision (approved, edited, NULL, &error));
  g_free (edited->question);
  edited->question = g_strdup ("Anders");
  assert_coach_refused (approved, edited, KT_REVIEW_ERROR_LOCKED, NULL);
  assert_coach_refused (submitted, draft, KT_REVIEW_ERROR_LOCKED, NULL);
  g_clear_pointer (&edited, kt_plan_unref);
  edited = kt_plan_copy (approved);
  edited->review = KT_REVIEW_DRAFT;
  assert_coach_refused (approved, edited, KT_REVIEW_ERROR_LOCKED, NULL);

  /* A returned plan is the coach's again: changed and submitted. */
  g_clear_pointer (&edited, kt_plan_unref);
  edited = kt_plan_copy (returned);
  g_free (edited->question);
  edited->question = g_strdup ("Anders");
  g_assert_true (kt_review_check_coach_revision (returned, edited, NULL, &error));
  edited->review = KT_REVIEW_SUBMITTED;
  g_assert_true (kt_review_check_coach_revision (returned, edited, NULL, &error));
  g_assert_no_error (error);

  /* Approving, returning, the reviewer and the comments are the supervisor's. */
  forged = kt_plan_copy (draft);
  forged->review = KT_REVIEW_APPROVED;
  assert_coach_refused (draft, forged, KT_REVIEW_ERROR_NOT_REVIEWER, "review");
  assert_coach_refused (NULL, forged, KT_REVIEW_ERROR_NOT_REVIEWER, "review");
  forged->review = KT_REVIEW_RETURNED;
  assert_coach_refused (draft, forged, KT_REVIEW_ERROR_NOT_REVIEWER, "review");
  forged->review = KT_REVIEW_DRAFT;
  forged->reviewer = g_strdup ("coach1");
  assert_coach_refused (draft, forged, KT_REVIEW_ERROR_NOT_REVIEWER, "reviewer");
  g_clear_pointer (&forged, kt_plan_unref);
  forged = kt_plan_copy (returned);
  g_free (((KtReviewComment *) g_ptr_array_index (forged->comments, 0))->text);
  ((KtReviewComment *) g_ptr_array_index (forged->comments, 0))->text = g_strdup ("Prima zo.");
  assert_coach_refused (returned, forged, KT_REVIEW_ERROR_NOT_REVIEWER, "comments");
  g_ptr_array_set_size (forged->comments, 0);
  assert_coach_refused (returned, forged, KT_REVIEW_ERROR_NOT_REVIEWER, "comments");

  /* A new version starts without the review of the one it came from. */
  next = kt_plan_new_version (returned);
  g_assert_null (next->reviewer);
  g_assert_cmpuint (next->comments->len, ==, 0);
  g_assert_true (kt_review_check_coach_revision (NULL, next, NULL, &error));
  g_assert_no_error (error);
}

/* The one rule for going to review: the conversation finished or a note why
 * not, a goal with an action, the resident asked (any answer). */
static void
test_ready_needs_conversation_action_and_agreement_question (void)
{
  g_autoptr(KtPlan) plan = submitted_plan_new ();
  g_autoptr(KtConversation) conversation = kt_conversation_new ();
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(KtPlan) decoded = NULL;
  KtAction *action = kt_action_new ();

  plan->review = KT_REVIEW_DRAFT;
  missing = kt_review_list_missing (plan, NULL);
  g_assert_cmpuint (missing->len, ==, 3);
  g_assert_false (kt_review_check_ready (plan, conversation, &error));
  g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_NOT_READY);
  g_clear_error (&error);

  /* An action without words is no action. */
  g_ptr_array_add (((KtGoal *) g_ptr_array_index (plan->goals, 1))->actions, action);
  action->what = g_strdup ("  ");
  g_clear_pointer (&missing, g_ptr_array_unref);
  missing = kt_review_list_missing (plan, conversation);
  g_assert_cmpuint (missing->len, ==, 3);
  g_free (action->what);
  action->what = g_strdup ("Bellen met de woningcorporatie");

  plan->agreement.state = KT_AGREEMENT_NOT;
  g_clear_pointer (&missing, g_ptr_array_unref);
  missing = kt_review_list_missing (plan, conversation);
  g_assert_cmpuint (missing->len, ==, 1);

  /* Finished, or a note why not. */
  plan->conversation_note = g_strdup ("Het tweede gesprek is pas over drie weken.");
  g_assert_true (kt_review_check_ready (plan, conversation, &error));
  g_assert_no_error (error);
  g_clear_pointer (&plan->conversation_note, g_free);
  conversation->complete = TRUE;
  g_assert_true (kt_review_check_ready (plan, conversation, &error));

  /* The note travels with the plan. */
  plan->conversation_note = g_strdup ("Het tweede gesprek is pas over drie weken.");
  json = kt_plan_encode (plan);
  decoded = kt_plan_decode (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded->conversation_note, ==, plan->conversation_note);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/review/ready/needs-conversation-action-and-agreement-question",
                   test_ready_needs_conversation_action_and_agreement_question);
  g_test_add_func ("/review/approve/sets-state-reviewer-and-bumps-rev",
                   test_approve_sets_state_reviewer_and_bumps_rev);
  g_test_add_func ("/review/return/without-comment-is-refused",
                   test_return_without_comment_is_refused);
  g_test_add_func ("/review/return/keeps-comments-per-goal-and-for-the-plan",
                   test_return_keeps_comments_per_goal_and_for_the_plan);
  g_test_add_func ("/review/refuses-unknown-goal-stale-rev-and-unsubmitted-plan",
                   test_review_refuses_unknown_goal_stale_rev_and_unsubmitted_plan);
  g_test_add_func ("/review/json/round-trip-and-bad-bodies", test_json_round_trip_and_bad_bodies);
  g_test_add_func ("/review/content-change-by-reviewer-is-detected",
                   test_content_change_by_reviewer_is_detected);
  g_test_add_func ("/review/revise/new-version-keeps-history",
                   test_revise_makes_a_new_version_and_keeps_history);
  g_test_add_func ("/review/coach-revision-leaves-the-review-to-the-supervisor",
                   test_coach_revision_leaves_the_review_to_the_supervisor);

  return g_test_run ();
}
