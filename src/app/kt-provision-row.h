/* kt-provision-row.h: one provision on the plan page, with the maatwerk
 * decision
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

#define KT_TYPE_PROVISION_ROW (kt_provision_row_get_type ())
G_DECLARE_FINAL_TYPE (KtProvisionRow, kt_provision_row, KT, PROVISION_ROW, AdwExpanderRow)

/* A row editing @provision in place (borrowed: it belongs to the plan,
 * which outlives the row).  "changed" after every edit the model took;
 * "remove" when the coach asks to remove the provision. */
GtkWidget   *kt_provision_row_new           (KtProvision *provision);
KtProvision *kt_provision_row_get_provision (KtProvisionRow *self);

G_END_DECLS
