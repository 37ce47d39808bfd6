/* kt-a11y.h: accessible names for controls without a visible label
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Gives @widget the accessible label @text (for screen readers) and keeps
 * it readable for tests through kt_a11y_get_label. */
void        kt_a11y_set_label (GtkWidget  *widget,
                               const char *text);
/* The label set with kt_a11y_set_label, or NULL. */
const char *kt_a11y_get_label (GtkWidget  *widget);

G_END_DECLS
