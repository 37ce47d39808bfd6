/* kt-plan-pages.h: the Wheel, Plan and Report pages of an open case
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-case-view.h"

G_BEGIN_DECLS

/* Puts a KtWheelPage, a KtPlanPage and a KtReportPage into @view's slots.
 * They follow the view's documents; the plan is the case's latest version
 * from the store (a new draft when there is none); every edit autosaves. */
void kt_plan_pages_attach (KtCaseView *view);

/* The latest plan of @kase in @store, or a new draft that starts from the
 * request's question (transfer full). */
KtPlan *kt_plan_pages_load_plan (KtStore *store,
                                 KtCase  *kase);

G_END_DECLS
