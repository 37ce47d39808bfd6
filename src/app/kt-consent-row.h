/* kt-consent-row.h: KtConsentRow, one consent and its history, in the intake form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

#define KT_TYPE_CONSENT_ROW (kt_consent_row_get_type ())
G_DECLARE_FINAL_TYPE (KtConsentRow, kt_consent_row, KT, CONSENT_ROW, AdwExpanderRow)

/* A row for @consent of @kase; @plan (may be NULL) gives the provisions it
 * may cover and the actions it affects; new events are recorded by
 * @recorded_by (may be NULL).  ::changed is emitted after each edit. */
GtkWidget  *kt_consent_row_new        (KtCase     *kase,
                                       KtPlan     *plan,
                                       KtConsent  *consent,
                                       const char *recorded_by);
KtConsent  *kt_consent_row_get_consent (KtConsentRow *self);
/* Records the resident's answer (what the buttons do): appends an event. */
void        kt_consent_row_record      (KtConsentRow       *self,
                                        KtConsentEventKind  kind);
/* The row that says what the consent covers (for tests and screen readers). */
AdwActionRow *kt_consent_row_get_affected_row (KtConsentRow *self);
/* How many history rows the row shows. */
guint       kt_consent_row_get_n_history_rows (KtConsentRow *self);

G_END_DECLS
