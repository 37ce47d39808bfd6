/* kt-review-page.h: KtReviewPage, a submitted plan read-only, and the
 * supervisor's decision on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"
#include "kt-review.h"

G_BEGIN_DECLS

#define KT_TYPE_REVIEW_PAGE (kt_review_page_get_type ())
G_DECLARE_FINAL_TYPE (KtReviewPage, kt_review_page, KT, REVIEW_PAGE, AdwBin)

GtkWidget *kt_review_page_new (void);

/* Shows @plan of @kase with the conversation it came from (may be NULL) and
 * the earlier versions of the plan (@history: KtPlan, oldest first, may be
 * NULL).  The page keeps references.  NULL @plan shows the empty state.
 * Nothing on the page edits the plan: only the comments are editable.
 *
 * When the supervisor decides, ::decided is emitted with the plan and a
 * validated KtReview (owned by the page, valid during the emission); the
 * handler sends it to the server.  A return without a comment is refused
 * on the page and emits nothing. */
void       kt_review_page_set_plan      (KtReviewPage   *self,
                                         KtPlan         *plan,
                                         KtCase         *kase,
                                         KtConversation *conversation,
                                         GPtrArray      *history);
void       kt_review_page_set_catalogue (KtReviewPage   *self,
                                         KtCatalogue    *catalogue);
/* Account names to display names (element-type KtCoach), may be NULL. */
void       kt_review_page_set_coaches   (KtReviewPage   *self,
                                         GPtrArray      *coaches);
/* The team's keys (element-type KtPeerKey), may be NULL: the display names
 * of the supervisors who reviewed and commented. */
void       kt_review_page_set_team      (KtReviewPage   *self,
                                         GPtrArray      *team);
KtPlan    *kt_review_page_get_plan      (KtReviewPage   *self);
/* Shows why sending the decision failed (the handler's error). */
void       kt_review_page_show_error    (KtReviewPage   *self,
                                         const char     *message);

G_END_DECLS
