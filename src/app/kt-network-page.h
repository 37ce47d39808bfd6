/* kt-network-page.h: KtNetworkPage, the people around the household
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

#define KT_TYPE_NETWORK_PAGE (kt_network_page_get_type ())
G_DECLARE_FINAL_TYPE (KtNetworkPage, kt_network_page, KT, NETWORK_PAGE, GtkWidget)

GtkWidget *kt_network_page_new      (void);
/* Shows and edits the network of @kase (referenced); ::changed follows edits. */
void       kt_network_page_set_case (KtNetworkPage *self,
                                     KtCase        *kase);

G_END_DECLS
