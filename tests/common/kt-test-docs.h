/* kt-test-docs.h: random documents for round-trip, store, sync and server tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every document is a function of the GRand alone (seed it with
 * g_test_rand_int () to make a failure repeatable).  Texts mix NULL, empty,
 * plain Dutch, accents, emoji, quotes, backslashes, control characters and
 * now and then a long paragraph; all valid UTF-8 within the codec's limits.
 */
#pragma once

#include "kt-core.h"

G_BEGIN_DECLS

/* Random valid documents (transfer full). */
KtCase         *kt_test_random_case         (GRand *rand);
KtConversation *kt_test_random_conversation (GRand *rand);
KtPlan         *kt_test_random_plan         (GRand *rand);

/* A random UUID, text (may be NULL) and ISO date (may be NULL) (transfer full). */
char           *kt_test_random_uuid         (GRand *rand);
char           *kt_test_random_text         (GRand *rand);
char           *kt_test_random_date         (GRand *rand);

/* A GRand seeded from the test framework's seed, so that
 * `--seed` repeats a run (transfer full). */
GRand          *kt_test_rand_new            (void);

G_END_DECLS
