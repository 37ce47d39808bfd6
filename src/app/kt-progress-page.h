/* kt-progress-page.h: KtProgressPage, the case after the plan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-case-view.h"

G_BEGIN_DECLS

#define KT_TYPE_PROGRESS_PAGE (kt_progress_page_get_type ())
G_DECLARE_FINAL_TYPE (KtProgressPage, kt_progress_page, KT, PROGRESS_PAGE, AdwBin)

/* Puts a progress page in @view's "progress" slot, following the view's
 * documents. */
void kt_progress_page_attach (KtCaseView *view);

G_END_DECLS
