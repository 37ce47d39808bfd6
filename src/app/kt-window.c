/* kt-window.c: the main window, the case list beside the open case
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-window.h"

struct _KtWindow
{
  AdwApplicationWindow  parent_instance;

  AdwLeaflet           *leaflet;
  GtkSearchEntry       *search_entry;
  GtkListBox           *case_list;
  GtkStack             *sidebar_stack;
};

G_DEFINE_FINAL_TYPE (KtWindow, kt_window, ADW_TYPE_APPLICATION_WINDOW)

KtWindow *
kt_window_new (KtApplication *application)
{
  return g_object_new (KT_TYPE_WINDOW, "application", application, NULL);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
kt_window_class_init (KtWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KtWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, case_list);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, sidebar_stack);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
}

static void
kt_window_init (KtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
