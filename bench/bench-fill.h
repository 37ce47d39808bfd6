/* bench-fill.h: the store the app benchmarks start on, made one way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The PIN the filled store is unlocked with (the app tests' KT_APP_TEST_PIN). */
#define KT_BENCH_PIN "2468"

/* Fills a new keyring store at @path with @n_cases households; the first
 * @n_plans of them are in the plan phase and have a plan ready to submit.
 * Keeps KT_BENCH_PIN as its PIN at the app's own Argon2id cost, as a store
 * in use has one.  Aborts on any failure. */
void kt_bench_fill_store (const char *path,
                          guint       n_cases,
                          guint       n_plans);

G_END_DECLS
