/* kt-review-page-private.h: what the tests may reach inside KtReviewPage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-review-page.h"
#include "kt-wheel.h"

G_BEGIN_DECLS

GtkTextView *kt_review_page_get_comment_view (KtReviewPage *self);
GtkLabel    *kt_review_page_get_error_label  (KtReviewPage *self);
/* The comment entry of each goal, in goal order (element-type GtkEntry). */
GPtrArray   *kt_review_page_get_goal_entries (KtReviewPage *self);
KtWheel     *kt_review_page_get_wheel        (KtReviewPage *self);

G_END_DECLS
