/* kt-evaluation.h: starting an evaluation from the conversation and plan before it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-catalogue.h"
#include "kt-conversation.h"
#include "kt-plan.h"

G_BEGIN_DECLS

/* A new conversation marked as an evaluation (transfer full): the wheel starts
 * where @previous left it, with those levels kept as "previous" so the wheel
 * shows how things move; targets and supporters carry over; one progress
 * entry per goal of @plan (may be NULL) starts at the goal's status. */
KtConversation *kt_evaluation_new (KtCatalogue          *catalogue,
                                   const KtConversation *previous,
                                   const KtPlan         *plan);

/* How a segment moved since the conversation before: -1 down, 0 the same,
 * +1 up; 0 as well when either level is not set. */
int             kt_evaluation_segment_trend (const KtWheelSegment *segment);
/* How the segment named @name moved, in words (transfer full):
 * "Betaald werk: van 2 naar 3", "Betaald werk: blijft 2", or
 * "Betaald werk: nu 3" when there was no score before; NULL when the
 * segment is not scored now. */
char           *kt_evaluation_describe_movement (const char           *name,
                                                 const KtWheelSegment *segment);

/* The evaluation's new questions marked to become goals are added to
 * @next (the next plan version) as open goals on their life domain. */
void            kt_evaluation_add_question_goals (const KtConversation *evaluation,
                                                  KtPlan               *next);

G_END_DECLS
