/* kt-evaluation.c: starting an evaluation from the conversation and plan before it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-evaluation"

#include "config.h"

#include "kt-evaluation.h"

#include <glib/gi18n-lib.h>

KtConversation *
kt_evaluation_new (KtCatalogue          *catalogue,
                   const KtConversation *previous,
                   const KtPlan         *plan)
{
  KtConversation *self;

  g_return_val_if_fail (KT_IS_CATALOGUE (catalogue), NULL);
  g_return_val_if_fail (previous != NULL, NULL);

  self = kt_catalogue_new_conversation (catalogue, previous->case_id);
  self->is_evaluation = TRUE;

  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      const KtWheelSegment *before = &previous->wheel[s];
      KtWheelSegment *now = &self->wheel[s];

      now->previous = before->current;
      now->current = before->current;
      now->target = before->target;
      for (guint i = 0; before->supporters != NULL && i < before->supporters->len; i++)
        {
          const KtSupporter *supporter = g_ptr_array_index (before->supporters, i);
          g_ptr_array_add (now->supporters, kt_supporter_new (supporter->person_id, supporter->ring));
        }
    }

  for (guint g = 0; plan != NULL && g < plan->goals->len; g++)
    {
      const KtGoal *goal = g_ptr_array_index (plan->goals, g);
      KtGoalProgress *progress = kt_goal_progress_new (goal->id);

      progress->status = goal->status;
      g_ptr_array_add (self->progress, progress);
    }
  return self;
}

int
kt_evaluation_segment_trend (const KtWheelSegment *segment)
{
  g_return_val_if_fail (segment != NULL, 0);

  if (segment->previous < 0 || segment->current < 0)
    return 0;
  return segment->current > segment->previous ? 1 : segment->current < segment->previous ? -1 : 0;
}

char *
kt_evaluation_describe_movement (const char           *name,
                                 const KtWheelSegment *segment)
{
  g_return_val_if_fail (name != NULL && segment != NULL, NULL);

  if (segment->current < 0)
    return NULL;
  if (segment->previous < 0)
    /* Translators: a wheel segment and its score now: "Betaald werk: nu 3". */
    return g_strdup_printf (_("%s: now %d"), name, segment->current);
  if (segment->previous == segment->current)
    /* Translators: "Betaald werk: blijft 2". */
    return g_strdup_printf (_("%s: stays %d"), name, segment->current);
  /* Translators: "Betaald werk: van 2 naar 3". */
  return g_strdup_printf (_("%s: from %d to %d"), name, segment->previous, segment->current);
}

void
kt_evaluation_add_question_goals (const KtConversation *evaluation,
                                  KtPlan               *next)
{
  g_return_if_fail (evaluation != NULL);
  g_return_if_fail (next != NULL);

  for (guint i = 0; evaluation->new_questions != NULL && i < evaluation->new_questions->len; i++)
    {
      const KtNewQuestion *question = g_ptr_array_index (evaluation->new_questions, i);
      KtGoal *goal;

      if (!question->as_goal || kt_text_is_blank (question->note))
        continue;
      goal = kt_goal_new ();
      goal->title = g_strdup (question->note);
      g_strfreev (goal->domains);
      goal->domains = g_new0 (char *, 2);
      goal->domains[0] = g_strdup (question->domain_id);
      g_ptr_array_add (next->goals, goal);
    }
}
