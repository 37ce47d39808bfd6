/* kt-case-row.h: KtCaseRow, how one household looks in the case list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-case-item.h"

G_BEGIN_DECLS

#define KT_TYPE_CASE_ROW (kt_case_row_get_type ())
G_DECLARE_FINAL_TYPE (KtCaseRow, kt_case_row, KT, CASE_ROW, GtkWidget)

GtkWidget *kt_case_row_new      (void);
/* Shows @item, following its changes; NULL clears the row. */
void       kt_case_row_set_item (KtCaseRow  *self,
                                 KtCaseItem *item);
/* The stage line: the phase or the plan's review (for tests). */
const char *kt_case_row_get_stage_text (KtCaseRow *self);
/* The share line, NULL while it is hidden (for tests). */
const char *kt_case_row_get_share_text (KtCaseRow *self);

G_END_DECLS
