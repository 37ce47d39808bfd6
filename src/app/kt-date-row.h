/* kt-date-row.h: KtDateRow, a date picked from a calendar, shown in words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KT_TYPE_DATE_ROW (kt_date_row_get_type ())
G_DECLARE_FINAL_TYPE (KtDateRow, kt_date_row, KT, DATE_ROW, AdwActionRow)

/* A row titled @title whose date is picked from a calendar; an @optional
 * date can be cleared again. */
GtkWidget  *kt_date_row_new          (const char *title,
                                      gboolean    optional);
/* The ISO date ("2027-01-16"), or NULL when none is set. */
const char *kt_date_row_get_date     (KtDateRow  *self);
/* Shows @iso_date (NULL or invalid: none) without emitting ::changed. */
void        kt_date_row_set_date     (KtDateRow  *self,
                                      const char *iso_date);
/* What is wrong with the date picked (translated, e.g. "The decision
 * cannot be dated before the request."), shown under the title; NULL
 * when nothing is. */
const char *kt_date_row_get_problem  (KtDateRow  *self);
void        kt_date_row_set_problem  (KtDateRow  *self,
                                      const char *problem);
gboolean    kt_date_row_get_optional (KtDateRow  *self);
void        kt_date_row_set_optional (KtDateRow  *self,
                                      gboolean    optional);
/* The date as the button shows it, in words, or "Pick a date". */
const char *kt_date_row_get_text     (KtDateRow  *self);
/* The parts, for tests. */
GtkMenuButton *kt_date_row_get_button       (KtDateRow *self);
GtkCalendar   *kt_date_row_get_calendar     (KtDateRow *self);
GtkButton     *kt_date_row_get_clear_button (KtDateRow *self);

G_END_DECLS
