/* kt-case-view-private.h: what the window and the tests may reach inside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-case-view.h"
#include "kt-conversation-page.h"
#include "kt-intake-page.h"
#include "kt-network-page.h"
#include "kt-plan-page.h"

G_BEGIN_DECLS

/* Each page, given the open case first if it has not been shown since it
 * opened (the view fills a page only when it is first shown). */
KtIntakePage       *kt_case_view_get_intake_page       (KtCaseView *self);
KtConversationPage *kt_case_view_get_conversation_page (KtCaseView *self);
KtNetworkPage      *kt_case_view_get_network_page      (KtCaseView *self);
/* The plan page (made when first asked for), or NULL while no case is open. */
KtPlanPage         *kt_case_view_get_plan_page         (KtCaseView *self);
/* Makes the page @name ("report" or "progress") in its slot, with
 * kt_case_view_add_page. */
typedef void (*KtCaseViewPageMaker) (KtCaseView *view);
/* @make is called when the page @name is first shown (at once if it is
 * shown now), not before. */
void                kt_case_view_set_page_maker        (KtCaseView          *self,
                                                        const char          *name,
                                                        KtCaseViewPageMaker  make);
/* The sync client the view shares records through, or NULL. */
KtSyncClient       *kt_case_view_get_sync_client       (KtCaseView *self);
/* Shares @body (the record @id of the open household) once the server knows
 * the household, as submitting a plan does; a failure shows in the
 * household's share banner.  A household only on this device stays there. */
void                kt_case_view_share_record          (KtCaseView *self,
                                                        GBytes     *body,
                                                        const char *id);

G_END_DECLS
