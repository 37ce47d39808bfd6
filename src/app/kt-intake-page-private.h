/* kt-intake-page-private.h: what the tests and the window may reach inside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-intake-page.h"
#include "kt-date-row.h"
#include "kt-text-field.h"

G_BEGIN_DECLS

KtTextField  *kt_intake_page_get_own_strength_field (KtIntakePage *self);
KtTextField  *kt_intake_page_get_question_field     (KtIntakePage *self);
GtkEditable  *kt_intake_page_get_household_row      (KtIntakePage *self);
KtDateRow    *kt_intake_page_get_date_row           (KtIntakePage *self);
GtkSwitch    *kt_intake_page_get_safety_switch      (KtIntakePage *self);
AdwActionRow *kt_intake_page_get_deadline_row       (KtIntakePage *self,
                                                     gboolean      own_plan);
/* The expander row of member / consent record @index, or NULL. */
GtkWidget    *kt_intake_page_get_row                (KtIntakePage *self,
                                                     gboolean      consent,
                                                     guint         index);
/* The consent notice when it is shown, else NULL. */
GtkLabel     *kt_intake_page_get_consent_error      (KtIntakePage *self);

G_END_DECLS
