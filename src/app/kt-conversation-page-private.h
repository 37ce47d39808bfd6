/* kt-conversation-page-private.h: what the tests may reach inside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-conversation-page.h"
#include "kt-coverage-view.h"
#include "kt-domain-page.h"

G_BEGIN_DECLS

KtDomainPage     *kt_conversation_page_get_domain_page   (KtConversationPage *self);
KtCoverageView   *kt_conversation_page_get_coverage_view (KtConversationPage *self);
/* The domain shown, or NULL for the overview. */
const char       *kt_conversation_page_get_current       (KtConversationPage *self);
/* The row of @domain_id in the column of domains, or NULL. */
GtkWidget        *kt_conversation_page_get_domain_row    (KtConversationPage *self,
                                                          const char         *domain_id);
/* The skip dialog while it is shown; @refusal says whether it is the
 * "never skipped" answer rather than the question for a reason. */
AdwMessageDialog *kt_conversation_page_get_dialog        (KtConversationPage *self,
                                                          gboolean           *refusal);

G_END_DECLS
