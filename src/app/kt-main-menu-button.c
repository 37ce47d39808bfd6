/* kt-main-menu-button.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-main-menu-button"

#include "config.h"

#include "kt-main-menu-button.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"

struct _KtMainMenuButton
{
  AdwBin         parent_instance;

  GtkMenuButton *button;
  GMenuModel    *menu;
};

G_DEFINE_FINAL_TYPE (KtMainMenuButton, kt_main_menu_button, ADW_TYPE_BIN)

GtkWidget *
kt_main_menu_button_new (void)
{
  return g_object_new (KT_TYPE_MAIN_MENU_BUTTON, NULL);
}

GtkMenuButton *
kt_main_menu_button_get_button (KtMainMenuButton *self)
{
  g_return_val_if_fail (KT_IS_MAIN_MENU_BUTTON (self), NULL);
  return self->button;
}

GMenuModel *
kt_main_menu_button_get_menu (KtMainMenuButton *self)
{
  g_return_val_if_fail (KT_IS_MAIN_MENU_BUTTON (self), NULL);
  return self->menu;
}

static void
kt_main_menu_button_class_init (KtMainMenuButtonClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* AdwBin unparents its child (the button) itself. */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/wijkteam/Keukentafel/kt-main-menu-button.ui");
  gtk_widget_class_bind_template_child (widget_class, KtMainMenuButton, button);
  gtk_widget_class_bind_template_child (widget_class, KtMainMenuButton, menu);
}

static void
kt_main_menu_button_init (KtMainMenuButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* GTK 4.8: the tooltip is the description, not the name. */
  kt_a11y_set_label (GTK_WIDGET (self->button), _("Main Menu"));
}
