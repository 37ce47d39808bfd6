/* test-server-document.c: what the server reads from a document's text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server-document"

#include "config.h"

#include "kt-core.h"
#include "kt-server-document.h"
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

static void
test_review_notes_are_read_from_the_text (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);

  /* random plans: text with quotes, escapes and brackets before the notes */
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(KtPlan) plan = kt_test_random_plan (rand);
      g_autofree char *none = plan_text (plan, NULL, NULL);
      g_autofree char *none_again = NULL;
      g_autofree char *commented = plan_text (plan, "sara", "Wie betaalt de \"huur\" [nu]?");
      g_autofree char *commented_again = NULL;
      g_autofree char *other_comment = plan_text (plan, "sara", "Prima.");
      g_autofree char *other_reviewer = plan_text (plan, "bert", "Wie betaalt de \"huur\" [nu]?");

      /* the rest of the plan changes: the notes are the same */
      g_free (plan->question);
      plan->question = g_strdup ("Een andere vraag, met \"aanhalingstekens\" en {haken}");
      plan->header.rev++;
      none_again = plan_text (plan, NULL, NULL);
      commented_again = plan_text (plan, "sara", "Wie betaalt de \"huur\" [nu]?");

      g_assert_true (kt_server_document_same_review_notes (none, none_again));
      g_assert_true (kt_server_document_same_review_notes (commented, commented_again));
      g_assert_false (kt_server_document_same_review_notes (none, commented));
      g_assert_false (kt_server_document_same_review_notes (commented, other_comment));
      g_assert_false (kt_server_document_same_review_notes (commented, other_reviewer));
    }
  /* what it cannot read is never "the same" */
  g_assert_false (kt_server_document_same_review_notes ("{\"reviewer\":null", "{\"reviewer\":null"));
  g_assert_false (kt_server_document_same_review_notes ("[]", "[]"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

  g_test_add_func ("/server-document/review-notes-are-read-from-the-text",
                   test_review_notes_are_read_from_the_text);
  return g_test_run ();
}
