/* kt-domain-page-private.h: what the tests may reach inside a domain page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-domain-page.h"
#include "kt-member-voice-row.h"
#include "kt-text-field.h"

G_BEGIN_DECLS

/* "What goes well" (FALSE) or the concern (TRUE). */
KtTextField     *kt_domain_page_get_text_field    (KtDomainPage *self,
                                                   gboolean      concern);
/* The resident's wish, in their own words. */
KtTextField     *kt_domain_page_get_wish_field    (KtDomainPage *self);
GtkToggleButton *kt_domain_page_get_level_button  (KtDomainPage *self,
                                                   int           level);
GtkToggleButton *kt_domain_page_get_helper_button (KtDomainPage *self,
                                                   guint         index);
GtkSwitch       *kt_domain_page_get_safety_switch (KtDomainPage *self);
/* The suggestion text while it is shown, else NULL. */
GtkLabel        *kt_domain_page_get_related_label (KtDomainPage *self);
GtkButton       *kt_domain_page_get_related_button (KtDomainPage *self);
/* The row of the @index-th household member, or NULL. */
KtMemberVoiceRow *kt_domain_page_get_member_row   (KtDomainPage *self,
                                                   guint         index);

G_END_DECLS
