/* test-server-document.c: what the server reads from a document's text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-document"

#include "config.h"

#include "kt-core.h"
#include "kt-server-document.h"
#include "kt-server-error.h"
#include "kt-test-docs.h"

/* A plan as the codec writes it, with @reviewer and one comment of @comment
 * (NULL: none) (transfer full). */
static char *
plan_text (KtPlan     *plan,
           const char *reviewer,
           const char *comment)
{
  g_autoptr(GBytes) bytes = NULL;

  g_free (plan->reviewer);
  plan->reviewer = g_strdup (reviewer);
  g_ptr_array_set_size (plan->comments, 0);
  if (comment != NULL)
    {
      KtReviewComment *note = kt_review_comment_new ();

      note->author = g_strdup ("sara");
      note->text = g_strdup (comment);
      note->at = 1764064800;
      g_ptr_array_add (plan->comments, note);
    }
  bytes = kt_plan_encode (plan);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* A coach's plaintext push (a migrating server takes those) is weighed by
 * the core's review rules on the decoded documents: the rest of a returned
 * plan may change, the supervisor's notes may not. */
static void
test_a_coach_keeps_the_review_notes (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);

  /* random plans: text with quotes, escapes and brackets before the notes */
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(KtPlan) plan = kt_test_random_plan (rand);
      g_autofree char *commented = NULL;
      g_autofree char *commented_again = NULL;
      g_autofree char *other_comment = NULL;
      g_autofree char *other_reviewer = NULL;
      const char *field = NULL;
      g_autoptr(GError) error = NULL;

      plan->review = KT_REVIEW_RETURNED;
      commented = plan_text (plan, "sara", "Wie betaalt de \"huur\" [nu]?");
      /* the coach's next revision: the rest of the plan changes */
      g_free (plan->question);
      plan->question = g_strdup ("Een andere vraag, met \"aanhalingstekens\" en {haken}");
      plan->review = KT_REVIEW_DRAFT;
      plan->header.rev++;
      commented_again = plan_text (plan, "sara", "Wie betaalt de \"huur\" [nu]?");
      other_comment = plan_text (plan, "sara", "Prima.");
      other_reviewer = plan_text (plan, "bert", "Wie betaalt de \"huur\" [nu]?");

      g_assert_true (kt_server_document_check_plan_push (commented, commented_again, &field, &error));
      g_assert_no_error (error);
      g_assert_false (kt_server_document_check_plan_push (commented, other_comment, &field, &error));
      g_assert_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_FORBIDDEN);
      g_clear_error (&error);
      g_assert_false (kt_server_document_check_plan_push (commented, other_reviewer, &field, &error));
      g_assert_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_FORBIDDEN);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

  g_test_add_func ("/server-document/a-coach-keeps-the-review-notes",
                   test_a_coach_keeps_the_review_notes);
  return g_test_run ();
}
