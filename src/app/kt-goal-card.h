/* kt-goal-card.h: KtGoalCard, one goal of the plan with who does what and by when
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-case.h"
#include "kt-catalogue.h"
#include "kt-plan.h"

G_BEGIN_DECLS

#define KT_TYPE_GOAL_CARD (kt_goal_card_get_type ())
G_DECLARE_FINAL_TYPE (KtGoalCard, kt_goal_card, KT, GOAL_CARD, GtkBox)

/* A card that edits @goal in place; @position counts from 0 of @n_goals.
 * Its move and remove buttons activate plan.move-goal-up, plan.move-goal-down
 * and plan.remove-goal with the goal id. */
GtkWidget *kt_goal_card_new (KtCatalogue *catalogue,
                             KtCase      *kase,
                             KtGoal      *goal,
                             guint        position,
                             guint        n_goals);
KtGoal    *kt_goal_card_get_goal    (KtGoalCard *self);
/* Adds an empty action and opens it. */
void       kt_goal_card_add_action  (KtGoalCard *self);

/* Who an action is for: "self" (the resident), "coach", or a network person id;
 * the actor follows from the person's kind. */
KtActor    kt_goal_card_actor_for   (const KtCase *kase,
                                     const char   *who);

G_END_DECLS
