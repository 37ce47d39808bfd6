/* kt-domain-page.h: KtDomainPage, one life domain of the conversation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

#define KT_TYPE_DOMAIN_PAGE (kt_domain_page_get_type ())
G_DECLARE_FINAL_TYPE (KtDomainPage, kt_domain_page, KT, DOMAIN_PAGE, GtkWidget)

GtkWidget *kt_domain_page_new       (void);
/* Shows and edits @entry of @conversation, the domain @domain of @catalogue,
 * for the household @kase.  All are borrowed and must outlive the page's use
 * of them (the conversation page owns them).  ::changed follows every edit. */
void       kt_domain_page_set_entry (KtDomainPage   *self,
                                     KtCatalogue    *catalogue,
                                     KtCase         *kase,
                                     KtConversation *conversation,
                                     KtDomainEntry  *entry);
KtDomainEntry *kt_domain_page_get_entry (KtDomainPage *self);
/* Hides safety flags, checks and the safety domain's content while the
 * resident watches. */
void       kt_domain_page_set_resident_watching (KtDomainPage *self,
                                                 gboolean      watching);
/* Re-reads the entry (after a skip or a reorder). */
void       kt_domain_page_refresh   (KtDomainPage *self);

G_END_DECLS
