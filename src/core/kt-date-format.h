/* kt-date-format.h: the one way dates are written for people
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  KT_DATE_LONG,     /* "16 januari 2027" */
  KT_DATE_WEEKDAY,  /* "zaterdag 16 januari 2027" */
  KT_DATE_SHORT,    /* "16-1-2027" */
  KT_DATE_DAY_MONTH, /* "16 januari": for dates within this year */
  KT_DATE_MONTH_YEAR, /* "januari 2027": for counts per month */
  KT_DATE_PAPER,    /* KT_DATE_LONG with no-break spaces: a date on paper
                     * never splits over two lines */
} KtDateStyle;

/* Writes an ISO date ("2027-01-16") in the app's language.  Month and weekday
 * names come from the app's own translations, not from the C library's
 * LC_TIME, so the date is Dutch whenever the rest of the UI is, even under
 * LC_ALL=C.UTF-8 LANGUAGE=nl.  NULL for an invalid date (transfer full). */
char *kt_format_date      (const char  *iso_date,
                           KtDateStyle  style);
/* The local date of a unix time, as kt_format_date(); NULL for seconds <= 0. */
char *kt_format_unix_date (gint64       seconds,
                           KtDateStyle  style);
/* "14:05": the local hour and minute of @time (transfer full). */
char *kt_format_time      (GDateTime   *time);

G_END_DECLS
