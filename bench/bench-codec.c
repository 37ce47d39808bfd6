/* bench-codec.c: how fast documents encode and decode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Encodes and decodes a fixed set of random documents of each kind (the
 * generator the round-trip tests use, fixed seed) and prints documents per
 * second and MB per second.  Run: build/bench/bench-codec [rounds]
 */
#include "config.h"

#include <stdlib.h>

#include "kt-core.h"
#include "kt-test-docs.h"

#define N_DOCS 200

typedef struct {
  const char *kind;
  GBytes     *docs[N_DOCS];
  gsize       bytes;
} Set;

static void
report (const char *what,
        const Set  *set,
        guint       rounds,
        gint64      usec)
{
  double seconds = usec / 1e6;
  double count = (double) N_DOCS * rounds;

  g_print ("%-12s %-6s %9.0f docs/s %8.1f MB/s  (%u docs, mean %zu bytes)\n",
           set->kind, what, count / seconds, set->bytes * (double) rounds / seconds / 1e6,
           N_DOCS, set->bytes / N_DOCS);
}

#define BENCH_KIND(Type, prefix, random, set, rounds) \
  G_STMT_START { \
    Type *objects[N_DOCS]; \
    gint64 start; \
 \
    (set).kind = #prefix; \
    (set).bytes = 0; \
    for (guint i = 0; i < N_DOCS; i++) \
      objects[i] = random (rand); \
 \
    start = g_get_monotonic_time (); \
    for (guint r = 0; r < (rounds); r++) \
      for (guint i = 0; i < N_DOCS; i++) \
        { \
          GBytes *json = kt_##prefix##_encode (objects[i]); \
          if (r == 0) \
            { \
              (set).docs[i] = json; \
              (set).bytes += g_bytes_get_size (json); \
            } \
          else \
            g_bytes_unref (json); \
        } \
    report ("encode", &(set), (rounds), g_get_monotonic_time () - start); \
 \
    start = g_get_monotonic_time (); \
    for (guint r = 0; r < (rounds); r++) \
      for (guint i = 0; i < N_DOCS; i++) \
        { \
          Type *decoded = kt_##prefix##_decode ((set).docs[i], NULL); \
          if (decoded == NULL) \
            g_error ("a generated document did not decode"); \
          kt_##prefix##_unref (decoded); \
        } \
    report ("decode", &(set), (rounds), g_get_monotonic_time () - start); \
 \
    for (guint i = 0; i < N_DOCS; i++) \
      { \
        kt_##prefix##_unref (objects[i]); \
        g_bytes_unref ((set).docs[i]); \
      } \
  } G_STMT_END

int
main (int   argc,
      char *argv[])
{
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 20;
  GRand *rand = g_rand_new_with_seed (20261125);
  Set set;

  kt_core_init ();
  if (rounds == 0)
    rounds = 1;
  BENCH_KIND (KtCase, case, kt_test_random_case, set, rounds);
  BENCH_KIND (KtConversation, conversation, kt_test_random_conversation, set, rounds);
  BENCH_KIND (KtPlan, plan, kt_test_random_plan, set, rounds);
  g_rand_free (rand);
  return 0;
}
