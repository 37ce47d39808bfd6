/* kt-plan-pages.h: the Report page of an open case
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-case-view.h"

G_BEGIN_DECLS

/* Puts a KtReportPage into @view's report slot.  It lays the report out
 * again from the view's case, conversation and plan whenever it is shown,
 * and drops it when the view is cleared.  (The case view builds the Wheel
 * and Plan pages itself.) */
void kt_plan_pages_attach (KtCaseView *view);

G_END_DECLS
