/* kt-date-format.c: the one way dates are written for people
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-date-format"

#include "config.h"

#include "kt-date-format.h"

#include <glib/gi18n-lib.h>

#include "kt-types.h"

/* Our own names, not g_date_time_format()'s %B and %A: those follow LC_TIME,
 * which is often C.UTF-8 or English on a machine whose UI language is Dutch. */
static const char *const month_names[] = {
  NC_("month", "January"), NC_("month", "February"), NC_("month", "March"),
  NC_("month", "April"), NC_("month", "May"), NC_("month", "June"),
  NC_("month", "July"), NC_("month", "August"), NC_("month", "September"),
  NC_("month", "October"), NC_("month", "November"), NC_("month", "December"),
};

/* Indexed by GDateWeekday: 1 is Monday. */
static const char *const weekday_names[] = {
  NULL,
  NC_("weekday", "Monday"), NC_("weekday", "Tuesday"), NC_("weekday", "Wednesday"),
  NC_("weekday", "Thursday"), NC_("weekday", "Friday"), NC_("weekday", "Saturday"),
  NC_("weekday", "Sunday"),
};

char *
kt_format_date (const char  *iso_date,
                KtDateStyle  style)
{
  g_autoptr(GDate) date = NULL;
  const char *month;
  int year, month_number, day;

  if (!kt_date_is_valid (iso_date))
    return NULL;
  if (style == KT_DATE_PAPER)
    {
      /* "10 december 2026" broken after "10" or "december" reads as two
       * things on the resident's paper: the translator's spaces become
       * no-break spaces (U+00A0), at which Pango never breaks a line. */
      g_autofree char *long_date = kt_format_date (iso_date, KT_DATE_LONG);
      g_auto(GStrv) words = g_strsplit (long_date, " ", -1);

      return g_strjoinv ("\xc2\xa0", words);
    }
  year = g_ascii_strtoll (iso_date, NULL, 10);
  month_number = g_ascii_strtoll (iso_date + 5, NULL, 10);
  day = g_ascii_strtoll (iso_date + 8, NULL, 10);
  month = g_dpgettext2 (GETTEXT_PACKAGE, "month", month_names[month_number - 1]);

  switch (style)
    {
    case KT_DATE_SHORT:
      /* TRANSLATORS: a short date: day, month number, year: "16-1-2027" */
      return g_strdup_printf (C_("date", "%1$d-%2$d-%3$d"), day, month_number, year);

    case KT_DATE_WEEKDAY:
      date = g_date_new_dmy (day, month_number, year);
      /* TRANSLATORS: a date: weekday, day, month name, year: "zaterdag 16 januari 2027" */
      return g_strdup_printf (C_("date", "%1$s %2$d %3$s %4$d"),
                              g_dpgettext2 (GETTEXT_PACKAGE, "weekday",
                                            weekday_names[g_date_get_weekday (date)]),
                              day, month, year);

    case KT_DATE_MONTH_YEAR:
      /* TRANSLATORS: a month: month name, year: "januari 2027" */
      return g_strdup_printf (C_("date", "%1$s %2$d"), month, year);

    case KT_DATE_DAY_MONTH:
      /* TRANSLATORS: a date in this year: day, month name: "16 januari" */
      return g_strdup_printf (C_("date", "%1$d %2$s"), day, month);

    case KT_DATE_LONG:
    default:
      /* TRANSLATORS: a date: day, month name, year: "16 januari 2027" */
      return g_strdup_printf (C_("date", "%1$d %2$s %3$d"), day, month, year);
    }
}

char *
kt_format_unix_date (gint64      seconds,
                     KtDateStyle style)
{
  g_autoptr(GDateTime) at = NULL;
  g_autofree char *iso = NULL;

  if (seconds <= 0)
    return NULL;
  at = g_date_time_new_from_unix_local (seconds);
  if (at == NULL)
    return NULL;
  iso = g_date_time_format (at, "%Y-%m-%d");
  return kt_format_date (iso, style);
}

char *
kt_format_time (GDateTime *time)
{
  g_return_val_if_fail (time != NULL, NULL);

  /* Digits only: nothing here depends on the language. */
  return g_strdup_printf ("%02d:%02d", g_date_time_get_hour (time), g_date_time_get_minute (time));
}
