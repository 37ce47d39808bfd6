/* test-date-format.c: dates in the UI's language, whatever LC_TIME says
 *
 * meson runs this twice under LC_ALL=C.UTF-8: once with LANGUAGE=nl, where
 * every date must be Dutch although the C library's month names are English,
 * and once with LANGUAGE=en.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "kt-core.h"

static gboolean dutch;

static void
test_long_date_names_the_month (void)
{
  g_autofree char *winter = kt_format_date ("2027-01-16", KT_DATE_LONG);
  g_autofree char *spring = kt_format_date ("2026-05-03", KT_DATE_LONG);
  g_autofree char *end = kt_format_date ("2026-12-31", KT_DATE_LONG);

  g_assert_cmpstr (winter, ==, dutch ? "16 januari 2027" : "16 January 2027");
  g_assert_cmpstr (spring, ==, dutch ? "3 mei 2026" : "3 May 2026");
  g_assert_cmpstr (end, ==, dutch ? "31 december 2026" : "31 December 2026");
}

/* On paper the date is the long date that never breaks over two lines. */
static void
test_paper_date_has_no_break_spaces (void)
{
  g_autofree char *paper = kt_format_date ("2027-01-16", KT_DATE_PAPER);

  g_assert_cmpstr (paper, ==, dutch ? "16\xc2\xa0" "januari\xc2\xa0" "2027" : "16\xc2\xa0" "January\xc2\xa0" "2027");
  g_assert_null (kt_format_date ("2027-02-30", KT_DATE_PAPER));
}

static void
test_weekday_date_names_the_day (void)
{
  g_autofree char *saturday = kt_format_date ("2027-01-16", KT_DATE_WEEKDAY);
  g_autofree char *monday = kt_format_date ("2026-03-02", KT_DATE_WEEKDAY);

  g_assert_cmpstr (saturday, ==, dutch ? "zaterdag 16 januari 2027" : "Saturday 16 January 2027");
  g_assert_cmpstr (monday, ==, dutch ? "maandag 2 maart 2026" : "Monday 2 March 2026");
}

static void
test_short_date_is_day_month_year (void)
{
  g_autofree char *date = kt_format_date ("2027-01-06", KT_DATE_SHORT);

  g_assert_cmpstr (date, ==, "6-1-2027");
}

static void
test_every_month_has_its_own_name (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int month = 1; month <= 12; month++)
    {
      g_autofree char *iso = g_strdup_printf ("2027-%02d-01", month);
      char *date = kt_format_date (iso, KT_DATE_LONG);

      g_assert_nonnull (date);
      g_assert_true (g_str_has_prefix (date, "1 "));
      g_assert_true (g_str_has_suffix (date, " 2027"));
      g_assert_true (g_hash_table_add (seen, date));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 12);
}

static void
test_invalid_dates_give_null (void)
{
  g_assert_null (kt_format_date (NULL, KT_DATE_LONG));
  g_assert_null (kt_format_date ("", KT_DATE_LONG));
  g_assert_null (kt_format_date ("2027-02-30", KT_DATE_LONG));
  g_assert_null (kt_format_date ("16-01-2027", KT_DATE_SHORT));
  g_assert_null (kt_format_unix_date (0, KT_DATE_LONG));
}

static void
test_unix_date_and_time_are_local (void)
{
  g_autoptr(GDateTime) noon = g_date_time_new_local (2027, 1, 16, 12, 5, 0);
  g_autofree char *date = kt_format_unix_date (g_date_time_to_unix (noon), KT_DATE_LONG);
  g_autofree char *time = kt_format_time (noon);

  g_assert_cmpstr (date, ==, dutch ? "16 januari 2027" : "16 January 2027");
  g_assert_cmpstr (time, ==, "12:05");
}

int
main (int argc, char *argv[])
{
  const char *language = g_getenv ("LANGUAGE");

  g_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  g_assert_true (kt_core_init ());
  dutch = language != NULL && g_str_has_prefix (language, "nl");
  /* Under LANGUAGE=nl the translations must really be there: otherwise the
   * Dutch checks would fail for the wrong reason, so say so first. */
  if (dutch)
    g_assert_nonnull (g_getenv ("KT_LOCALEDIR"));

  g_test_add_func ("/date-format/long-date-names-the-month", test_long_date_names_the_month);
  g_test_add_func ("/date-format/paper-date-has-no-break-spaces", test_paper_date_has_no_break_spaces);
  g_test_add_func ("/date-format/weekday-date-names-the-day", test_weekday_date_names_the_day);
  g_test_add_func ("/date-format/short-date-is-day-month-year", test_short_date_is_day_month_year);
  g_test_add_func ("/date-format/every-month-has-its-own-name", test_every_month_has_its_own_name);
  g_test_add_func ("/date-format/invalid-dates-give-null", test_invalid_dates_give_null);
  g_test_add_func ("/date-format/unix-date-and-time-are-local", test_unix_date_and_time_are_local);

  return g_test_run ();
}
