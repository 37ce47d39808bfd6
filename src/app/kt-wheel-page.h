/* kt-wheel-page.h: KtWheelPage, the wheel beside the list that holds the same data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-case.h"
#include "kt-catalogue.h"
#include "kt-conversation.h"
#include "kt-plan.h"
#include "kt-wheel.h"

G_BEGIN_DECLS

#define KT_TYPE_WHEEL_PAGE (kt_wheel_page_get_type ())
G_DECLARE_FINAL_TYPE (KtWheelPage, kt_wheel_page, KT, WHEEL_PAGE, AdwBin)

GtkWidget *kt_wheel_page_new (void);

/* The documents the page edits; the conversation is edited in place and
 * ::changed is emitted after every edit (the case view saves then).
 * @plan (may be NULL) names the goals whose progress an evaluation records. */
void     kt_wheel_page_set_documents (KtWheelPage    *self,
                                      KtCatalogue    *catalogue,
                                      KtCase         *kase,
                                      KtConversation *conversation,
                                      KtPlan         *plan);
/* Drops the documents and shows nothing (idle lock, closing). */
void     kt_wheel_page_clear         (KtWheelPage *self);
/* A read-only page only shows. */
void     kt_wheel_page_set_editable  (KtWheelPage *self,
                                      gboolean     editable);
KtWheel *kt_wheel_page_get_wheel     (KtWheelPage *self);
/* The list's expander row of @segment, for tests and focus. */
AdwExpanderRow *kt_wheel_page_get_segment_row (KtWheelPage *self,
                                               KtSegment    segment);
/* The level pickers of @segment's row: 0 = not set, 1 + level otherwise. */
AdwComboRow *kt_wheel_page_get_level_row (KtWheelPage *self,
                                          KtSegment    segment,
                                          gboolean     target);
/* Adds or removes a supporter of @segment; the ring follows from the person's kind. */
void     kt_wheel_page_add_supporter    (KtWheelPage *self,
                                         KtSegment    segment,
                                         const char  *person_id);
void     kt_wheel_page_remove_supporter (KtWheelPage *self,
                                         KtSegment    segment,
                                         const char  *person_id);
/* The ring a supporter sits in: "self" → own strength, else by network kind. */
KtRing   kt_wheel_page_ring_for_person  (const KtCase *kase,
                                         const char   *person_id);

G_END_DECLS
