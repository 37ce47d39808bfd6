/* kt-take-home.h: what of a household's documents may go home with the resident
 *
 * The resident's report is drawn from these copies only.  Each one is a new
 * document filled from an explicit list of fields; whatever is not on the
 * list (safety, notes for the file, sharing without consent) is never copied,
 * so no later change to the report can print it by mistake.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-case.h"
#include "kt-conversation.h"
#include "kt-plan.h"

G_BEGIN_DECLS

/* The household as it may go home: name, coach, dates, contacts, the network
 * (without anyone who received information without consent) and the
 * consents given or asked (never a share without consent) (transfer full). */
KtCase         *kt_take_home_case         (const KtCase         *kase);
/* The conversation as it may go home: the date, the resident's own words,
 * the wheel, per domain whether it was discussed, and what goes well and
 * what the resident wishes only for domains that are neither Veiligheid nor
 * flagged for safety; no notes, no safety checks, no flags (transfer full). */
KtConversation *kt_take_home_conversation (const KtCase         *kase,
                                           const KtConversation *conversation);
/* The plan as it may go home: question, version, status, the goals and
 * actions that belong to no safety domain, the provisions with their
 * decision, the roles and the agreement; no safety plan, no considerations,
 * no progress notes, no review comments (transfer full).  @conversation may
 * be NULL. */
KtPlan         *kt_take_home_plan         (const KtCase         *kase,
                                           const KtConversation *conversation,
                                           const KtPlan         *plan);

G_END_DECLS
