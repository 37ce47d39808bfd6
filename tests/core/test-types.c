/* test-types.c: ids, dates and kinds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-core.h"

static void
test_uuid_new_is_valid_and_unique (void)
{
  g_autofree char *a = kt_uuid_new ();
  g_autofree char *b = kt_uuid_new ();

  g_assert_true (kt_uuid_is_valid (a));
  g_assert_true (kt_uuid_is_valid (b));
  g_assert_cmpstr (a, !=, b);
  g_assert_false (kt_uuid_is_valid ("not-a-uuid"));
  g_assert_false (kt_uuid_is_valid (NULL));
}

static void
test_date_add_days_crosses_months_and_years (void)
{
  g_autofree char *six_weeks = kt_date_add_days ("2026-11-25", 42);
  g_autofree char *week = kt_date_add_days ("2026-12-28", 7);
  g_autofree char *back = kt_date_add_days ("2026-03-01", -1);

  g_assert_cmpstr (six_weeks, ==, "2027-01-06");
  g_assert_cmpstr (week, ==, "2027-01-04");
  g_assert_cmpstr (back, ==, "2026-02-28");
}

static void
test_date_rejects_malformed (void)
{
  const char *bad[] = { "", "2026-1-1", "2026-02-30", "26-11-2026", "2026-11-25x",
                        "2026/11/25", "abcd-ef-gh" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (kt_date_is_valid (bad[i]));
  g_assert_true (kt_date_is_valid ("2024-02-29"));
  g_assert_null (kt_date_add_days ("2026-02-30", 1));
}

static void
test_date_days_until_is_negative_when_overdue (void)
{
  GDate *today = g_date_new_dmy (25, 11, 2026);

  g_assert_cmpint (kt_date_days_until ("2026-12-07", today), ==, 12);
  g_assert_cmpint (kt_date_days_until ("2026-11-22", today), ==, -3);
  g_date_free (today);
}

static void
test_kind_strings_round_trip (void)
{
  for (KtKind kind = 0; kind < KT_N_KINDS; kind++)
    {
      KtKind parsed;

      g_assert_true (kt_kind_from_string (kt_kind_to_string (kind), &parsed));
      g_assert_cmpint (parsed, ==, kind);
    }
  {
    KtKind unused;
    g_assert_false (kt_kind_from_string ("casus", &unused));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/types/uuid/new-is-valid-and-unique", test_uuid_new_is_valid_and_unique);
  g_test_add_func ("/types/date/add-days-crosses-months-and-years", test_date_add_days_crosses_months_and_years);
  g_test_add_func ("/types/date/rejects-malformed", test_date_rejects_malformed);
  g_test_add_func ("/types/date/days-until-is-negative-when-overdue", test_date_days_until_is_negative_when_overdue);
  g_test_add_func ("/types/kind/strings-round-trip", test_kind_strings_round_trip);

  return g_test_run ();
}
