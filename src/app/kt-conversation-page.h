/* kt-conversation-page.h: KtConversationPage, the life domains one by one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

#define KT_TYPE_CONVERSATION_PAGE (kt_conversation_page_get_type ())
G_DECLARE_FINAL_TYPE (KtConversationPage, kt_conversation_page, KT, CONVERSATION_PAGE, GtkWidget)

GtkWidget *kt_conversation_page_new (void);
/* Shows and edits @conversation of @kase (both referenced); NULLs clear it.
 * ::changed follows every edit, ::completed a successful completion. */
void       kt_conversation_page_set_conversation (KtConversationPage *self,
                                                  KtCatalogue        *catalogue,
                                                  KtCase             *kase,
                                                  KtConversation     *conversation);
/* While the resident watches: no notes, no safety marks, no safety content;
 * their own words larger. */
void       kt_conversation_page_set_resident_watching (KtConversationPage *self,
                                                       gboolean            watching);

G_END_DECLS
