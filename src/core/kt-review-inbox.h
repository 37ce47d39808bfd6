/* kt-review-inbox.h: the supervisor's inbox of plans: filter and order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "kt-case.h"
#include "kt-plan.h"

G_BEGIN_DECLS

/* Days a submitted plan may wait for its review before it shows as
 * overdue, unless the caller passes its own setting. */
#define KT_REVIEW_INBOX_DEFAULT_REVIEW_DAYS 7

typedef enum {
  KT_REVIEW_INBOX_DEADLINE_ANY,
  KT_REVIEW_INBOX_DEADLINE_OVERDUE,     /* only overdue entries */
  KT_REVIEW_INBOX_DEADLINE_THIS_WEEK,   /* overdue, or due within seven days */
  KT_N_REVIEW_INBOX_DEADLINES
} KtReviewInboxDeadline;

/* What the supervisor filters on; a zeroed filter shows everything. */
typedef struct {
  const char            *coach;        /* account name, NULL for every coach */
  gboolean               any_state;    /* FALSE: only plans in @state */
  KtReviewState          state;
  KtReviewInboxDeadline  deadline;
} KtReviewInboxFilter;

/* One row of the inbox: the newest version of one case's plan. */
typedef struct {
  KtPlan   *plan;
  KtCase   *kase;             /* NULL when the case is not (yet) known */
  gboolean  overdue;
  int       days_waiting;     /* since submission; 0 when not submitted */
  int       days_left;        /* to the earliest deadline; G_MAXINT when none */
} KtReviewInboxEntry;

void kt_review_inbox_entry_free (KtReviewInboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtReviewInboxEntry, kt_review_inbox_entry_free)

/* The filter the inbox opens with: submitted plans of every coach. */
void       kt_review_inbox_filter_init_default (KtReviewInboxFilter *filter);

/* Builds the inbox from every plan and case the supervisor can read
 * (element-type KtReviewInboxEntry, transfer full).  Only the newest version
 * of each case's plan is listed.  A plan is overdue when it has waited more
 * than @review_days for its review, or its case's next deadline has passed.
 * Overdue entries come first, then the newest submission. */
GPtrArray *kt_review_inbox_build (GPtrArray                 *plans,
                                  GPtrArray                 *cases,
                                  const KtReviewInboxFilter *filter,
                                  const GDate               *today,
                                  int                        review_days);

/* The coaches who authored a plan in @plans, sorted, without repeats
 * (transfer full), for the coach filter. */
GStrv      kt_review_inbox_list_coaches (GPtrArray *plans);

G_END_DECLS
