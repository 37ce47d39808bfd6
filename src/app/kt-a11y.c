/* kt-a11y.c: accessible names for controls without a visible label
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-a11y"

#include "config.h"

#include "kt-a11y.h"

#define KT_A11Y_LABEL_KEY "kt-a11y-label"

void
kt_a11y_set_label (GtkWidget  *widget,
                   const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  g_object_set_data_full (G_OBJECT (widget), KT_A11Y_LABEL_KEY, g_strdup (text), g_free);
}

const char *
kt_a11y_get_label (GtkWidget *widget)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  return g_object_get_data (G_OBJECT (widget), KT_A11Y_LABEL_KEY);
}
