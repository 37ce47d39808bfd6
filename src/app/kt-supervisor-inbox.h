/* kt-supervisor-inbox.h: KtSupervisorInbox, the submitted plans beside the
 * read-only review page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"
#include "kt-review-inbox.h"
#include "kt-review-page.h"

G_BEGIN_DECLS

#define KT_TYPE_SUPERVISOR_INBOX (kt_supervisor_inbox_get_type ())
G_DECLARE_FINAL_TYPE (KtSupervisorInbox, kt_supervisor_inbox, KT, SUPERVISOR_INBOX, AdwBin)

GtkWidget    *kt_supervisor_inbox_new            (void);
void          kt_supervisor_inbox_set_catalogue  (KtSupervisorInbox *self,
                                                  KtCatalogue       *catalogue);
/* The team's coaches (element-type KtCoach) for names and the coach filter. */
void          kt_supervisor_inbox_set_coaches    (KtSupervisorInbox *self,
                                                  GPtrArray         *coaches);
/* The team's keys (element-type KtPeerKey, may be NULL), for the names of
 * the supervisors who reviewed. */
void          kt_supervisor_inbox_set_team       (KtSupervisorInbox *self,
                                                  GPtrArray         *team);
/* Every record the supervisor can read (KtCase, KtConversation, KtPlan
 * arrays; the inbox keeps references).  Call again after each sync. */
void          kt_supervisor_inbox_set_records    (KtSupervisorInbox *self,
                                                  GPtrArray         *cases,
                                                  GPtrArray         *conversations,
                                                  GPtrArray         *plans);
/* While the records are read from the store: the list says it is loading. */
/* The same, built on a thread and the new rows added a slice a drawn frame
 * (off screen, a slice an idle turn); busy until the last row is in. */
void          kt_supervisor_inbox_update_records (KtSupervisorInbox *self,
                                                  GPtrArray         *cases,
                                                  GPtrArray         *conversations,
                                                  GPtrArray         *plans);
gboolean      kt_supervisor_inbox_get_busy       (KtSupervisorInbox *self);
void          kt_supervisor_inbox_set_loading    (KtSupervisorInbox *self,
                                                  gboolean           loading);
/* The day the deadlines count from (tests); NULL means today. */
void          kt_supervisor_inbox_set_today      (KtSupervisorInbox *self,
                                                  const GDate       *today);
void          kt_supervisor_inbox_set_review_days (KtSupervisorInbox *self,
                                                   int                days);
void          kt_supervisor_inbox_set_filter     (KtSupervisorInbox         *self,
                                                  const KtReviewInboxFilter *filter);
/* The rows as listed (element-type KtReviewInboxEntry, transfer none). */
GPtrArray    *kt_supervisor_inbox_get_entries    (KtSupervisorInbox *self);
/* Plans waiting for a review, whatever the filter: for a badge. */
guint         kt_supervisor_inbox_get_n_waiting  (KtSupervisorInbox *self);
/* Opens the plan with @plan_id on the review page and emits ::plan-opened. */
gboolean      kt_supervisor_inbox_open           (KtSupervisorInbox *self,
                                                  const char        *plan_id);
KtReviewPage *kt_supervisor_inbox_get_review_page (KtSupervisorInbox *self);

G_END_DECLS
