/* kt-case-item.h: KtCaseItem, one row of the case list as a GObject
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kt-core.h"
#include "kt-store.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_CASE_ITEM (kt_case_item_get_type ())
G_DECLARE_FINAL_TYPE (KtCaseItem, kt_case_item, KT, CASE_ITEM, GObject)

/* An item showing @summary (copied) (transfer full). */
KtCaseItem *kt_case_item_new_from_summary (const KtCaseSummary *summary);
/* Takes the household, phase, deadline and safety mark from @kase. */
void        kt_case_item_update           (KtCaseItem   *self,
                                           const KtCase *kase);
const char *kt_case_item_get_id           (KtCaseItem *self);
const char *kt_case_item_get_household    (KtCaseItem *self);
KtPhase     kt_case_item_get_phase        (KtCaseItem *self);
const char *kt_case_item_get_deadline     (KtCaseItem *self);
/* What is due on that date (kt-case-due.h). */
KtDueKind   kt_case_item_get_due          (KtCaseItem *self);
gboolean    kt_case_item_get_safety       (KtCaseItem *self);
/* What the server has of the household (lokaal / wacht / gedeeld /
 * geweigerd) and, when refused, the server's reason; notifies
 * :share-state when it changes. */
void        kt_case_item_set_share_state  (KtCaseItem   *self,
                                           KtShareState  state,
                                           const char   *reason);
KtShareState kt_case_item_get_share_state (KtCaseItem *self);
const char  *kt_case_item_get_share_reason (KtCaseItem *self);

/* The newest plan of the household seen so far (an older version than
 * the one kept changes nothing): its review shows in the stage. */
void         kt_case_item_set_plan         (KtCaseItem   *self,
                                            const KtPlan *plan);
/* The same from what the store keeps of it (kt_store_list_plan_stages). */
void         kt_case_item_set_plan_stage   (KtCaseItem        *self,
                                            const KtPlanStage *stage);
KtReviewState kt_case_item_get_plan_review (KtCaseItem *self);
/* The record id of that newest plan, or NULL. */
const char  *kt_case_item_get_plan_id      (KtCaseItem *self);
/* What the server has of that plan record itself (the household's state
 * covers its every record: a conversation waiting says nothing of the
 * plan); a new plan record starts LOCAL.  Notifies :stage when the stage
 * changes with it. */
void         kt_case_item_set_plan_share_state (KtCaseItem   *self,
                                                KtShareState  state);
/* Where the household is in its cycle, for its row: "Plan waits to be
 * sent" (submitted, the server does not have the plan yet), "Plan submitted",
 * "Plan approved", "Plan returned" while the plan is reviewed, else the
 * phase ("Support", "Evaluation", "Closed"…) (transfer full); :stage
 * notifies when it changes. */
char        *kt_case_item_describe_stage   (KtCaseItem *self);
/* Whether the stage is "Plan waits to be sent": the row then does not say
 * "Waiting to be sent" a second time. */
gboolean     kt_case_item_stage_waits      (KtCaseItem *self);

G_END_DECLS
