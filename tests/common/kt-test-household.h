/* kt-test-household.h: a filled-in household for report, wheel and plan tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-core.h"

G_BEGIN_DECLS

/* A made-up household with a network, consents, a conversation (three domains
 * discussed, "justitie" skipped), wheel levels with supporters, and a plan of
 * two goals with actions by the resident, the network, a volunteer and a
 * professional, agreed and signed.  Every out-parameter is transfer full. */
void kt_test_household_new (KtCatalogue     *catalogue,
                            KtCase         **kase,
                            KtConversation **conversation,
                            KtPlan         **plan);

G_END_DECLS
