/* kt-intake-page.h: KtIntakePage, the request (aanmelding) form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

#define KT_TYPE_INTAKE_PAGE (kt_intake_page_get_type ())
G_DECLARE_FINAL_TYPE (KtIntakePage, kt_intake_page, KT, INTAKE_PAGE, GtkWidget)

GtkWidget *kt_intake_page_new      (void);
/* Shows and edits @kase (the page keeps a reference); NULL clears it.
 * ::changed is emitted after every edit the user makes. */
void       kt_intake_page_set_case (KtIntakePage *self,
                                    KtCase       *kase);
/* The plan whose provisions and actions a consent may cover (NULL: none
 * yet), and who records consent answers (the signed-in account, or NULL). */
void       kt_intake_page_set_plan (KtIntakePage *self,
                                    KtPlan       *plan,
                                    const char   *recorded_by);
/* Both of the above at once, as a case opens. */
void       kt_intake_page_set_documents (KtIntakePage *self,
                                         KtCase       *kase,
                                         KtPlan       *plan,
                                         const char   *recorded_by);
/* Hides the safety section while the resident watches. */
void       kt_intake_page_set_resident_watching (KtIntakePage *self,
                                                 gboolean      watching);

G_END_DECLS
