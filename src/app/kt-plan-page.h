/* kt-plan-page.h: KtPlanPage, the support plan made with the household
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-case.h"
#include "kt-catalogue.h"
#include "kt-conversation.h"
#include "kt-plan.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_PLAN_PAGE (kt_plan_page_get_type ())
G_DECLARE_FINAL_TYPE (KtPlanPage, kt_plan_page, KT, PLAN_PAGE, AdwBin)

GtkWidget *kt_plan_page_new (void);

/* The plan to edit in place; @conversation (may be NULL) tells whether a
 * safety plan is required.  ::changed follows every edit (save then);
 * ::submitted follows a successful submit (share then). */
void       kt_plan_page_set_documents (KtPlanPage     *self,
                                       KtCatalogue    *catalogue,
                                       KtCase         *kase,
                                       KtConversation *conversation,
                                       KtPlan         *plan);
/* Every version of the plan (element-type KtPlan, any order, may be NULL):
 * the earlier ones are listed with their reviews, and a draft made from a
 * returned version keeps that version's comments in view.  "New Version"
 * adds the version it came from itself. */
void       kt_plan_page_set_versions  (KtPlanPage *self,
                                       GPtrArray  *versions);
/* The team's keys (element-type KtPeerKey, may be NULL): the reviewers of
 * the earlier versions by their display names. */
void       kt_plan_page_set_team      (KtPlanPage *self,
                                       GPtrArray  *team);
/* Drops the documents and shows nothing (idle lock, closing). */
void       kt_plan_page_clear         (KtPlanPage *self);
/* Hides the safety plan, the review comments and the earlier versions
 * while the resident watches. */
void       kt_plan_page_set_resident_watching (KtPlanPage *self,
                                               gboolean    watching);
/* The plan shown: after "New Version" a new document (transfer none). */
KtPlan    *kt_plan_page_get_plan      (KtPlanPage *self);
/* Submits for review; on failure the toast names what is missing and
 * @error receives the same message. */
gboolean   kt_plan_page_submit        (KtPlanPage *self,
                                       GError    **error);
/* What the server has of the plan: a submitted plan says "submitted" only
 * once the server has it; until then that it waits to be sent, and when
 * refused the server's @reason (may be NULL) and what to do. */
void       kt_plan_page_set_share_state (KtPlanPage   *self,
                                         KtShareState  state,
                                         const char   *reason);
/* TRUE while the plan is submitted or approved and nothing can be edited. */
gboolean   kt_plan_page_is_read_only  (KtPlanPage *self);
/* The editor part (everything but the banner and the button), for tests. */
GtkWidget *kt_plan_page_get_editor    (KtPlanPage *self);
GtkWidget *kt_plan_page_get_safety_group (KtPlanPage *self);

G_END_DECLS
