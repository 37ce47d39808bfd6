/* kt-intaker-view-private.h: what the tests may reach inside KtIntakerView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-intaker-view.h"

G_BEGIN_DECLS

GtkEditable *kt_intaker_view_get_household_row (KtIntakerView *self);
GtkTextView *kt_intaker_view_get_question_view (KtIntakerView *self);
GtkTextView *kt_intaker_view_get_desk_note_view (KtIntakerView *self);
GtkSwitch   *kt_intaker_view_get_safety_switch (KtIntakerView *self);
GtkLabel    *kt_intaker_view_get_error_label   (KtIntakerView *self);
GtkScrolledWindow *kt_intaker_view_get_scroller (KtIntakerView *self);
/* The problem last shown (kt_intaker_view_show_problem), or NULL. */
const char  *kt_intaker_view_get_problem (KtIntakerView *self);
GtkListBox  *kt_intaker_view_get_registered_list (KtIntakerView *self);
/* Whether the page switcher is in the header (wide) rather than in the
 * bar at the bottom. */
gboolean     kt_intaker_view_get_switcher_in_header (KtIntakerView *self);

G_END_DECLS
