/* kt-domain-row.h: KtDomainRow, one life domain in the conversation's column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KT_TYPE_DOMAIN_ROW (kt_domain_row_get_type ())
G_DECLARE_FINAL_TYPE (KtDomainRow, kt_domain_row, KT, DOMAIN_ROW, GtkListBoxRow)

GtkWidget  *kt_domain_row_new           (void);
/* Shows the domain @id as @name with its mark; @state NULL shows no state
 * line (the overview).  Changes only what differs from what it shows. */
void        kt_domain_row_set           (KtDomainRow *self,
                                         const char  *id,
                                         const char  *name,
                                         const char  *icon_name,
                                         const char  *state);
const char *kt_domain_row_get_domain_id (KtDomainRow *self);

G_END_DECLS
