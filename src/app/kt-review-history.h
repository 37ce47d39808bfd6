/* kt-review-history.h: KtReviewHistory, the coach's view of a plan's
 * versions and the supervisor's reviews of them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

#define KT_TYPE_REVIEW_HISTORY (kt_review_history_get_type ())
G_DECLARE_FINAL_TYPE (KtReviewHistory, kt_review_history, KT, REVIEW_HISTORY, AdwBin)

/* Newest version first: its review state, who reviewed it and when, and
 * every comment (per goal or on the whole plan).  Only shows them: a new
 * version is made on the plan page ("plan.new-version"). */
GtkWidget *kt_review_history_new       (void);
/* The versions of one case's plan (element-type KtPlan, any order). */
void       kt_review_history_set_plans (KtReviewHistory *self,
                                        GPtrArray       *plans);
/* Account names to display names (element-type KtCoach), may be NULL. */
void       kt_review_history_set_coaches (KtReviewHistory *self,
                                          GPtrArray       *coaches);
/* The team's keys (element-type KtPeerKey), may be NULL: the display names
 * of the supervisors who reviewed. */
void       kt_review_history_set_team    (KtReviewHistory *self,
                                          GPtrArray       *team);

G_END_DECLS
