/* kt-domain-tile.h: KtDomainTile, one life domain on the conversation's overview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

#define KT_TYPE_DOMAIN_TILE (kt_domain_tile_get_type ())
G_DECLARE_FINAL_TYPE (KtDomainTile, kt_domain_tile, KT, DOMAIN_TILE, GtkButton)

GtkWidget *kt_domain_tile_new (void);
/* Shows @entry (of @domain, NULL when the catalogue lacks it) with the mark
 * the coach sees, or the one the resident may see while @resident_watching.
 * Changes only what differs from what it shows. */
void       kt_domain_tile_set (KtDomainTile        *self,
                               const KtDomain      *domain,
                               const KtDomainEntry *entry,
                               gboolean             resident_watching);

G_END_DECLS
