/* kt-a11y.c: accessible names for controls without a visible label
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-a11y"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"

#define KT_A11Y_LABEL_KEY "kt-a11y-label"
#define KT_A11Y_HOOKED_KEY "kt-a11y-hooked"

void
kt_a11y_set_label (GtkWidget  *widget,
                   const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  g_object_set_data_full (G_OBJECT (widget), KT_A11Y_LABEL_KEY, g_strdup (text), g_free);
  /* A GtkMenuButton (GTK 4.8) takes the focus with the toggle button
   * inside it, which is what a screen reader reads: it gets the name too. */
  if (GTK_IS_MENU_BUTTON (widget))
    for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_TOGGLE_BUTTON (child))
        kt_a11y_set_label (child, text);
}

const char *
kt_a11y_get_label (GtkWidget *widget)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  return g_object_get_data (G_OBJECT (widget), KT_A11Y_LABEL_KEY);
}

/* The visible labels below @widget, joined by commas, in reading order. */
static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child) || GTK_IS_POPOVER (child))
        continue;
      if (GTK_IS_LABEL (child))
        {
          const char *label = gtk_label_get_text (GTK_LABEL (child));

          if (label != NULL && *label != '\0')
            g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", label);
        }
      else
        collect_text (child, text);
    }
}

void
kt_a11y_name_from_content (GtkWidget *widget)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_if_fail (GTK_IS_WIDGET (widget));

  collect_text (widget, text);
  if (text->len > 0)
    kt_a11y_set_label (widget, text->str);
}

static void
name_row (GtkWidget *row,
          GtkWidget *child)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (GTK_IS_LABEL (child))
    g_string_append (text, gtk_label_get_text (GTK_LABEL (child)));
  else
    collect_text (child, text);
  if (text->len > 0)
    kt_a11y_set_label (row, text->str);
}

void
kt_a11y_rename_list_row (GtkWidget *child)
{
  g_return_if_fail (GTK_IS_WIDGET (child));

  if (gtk_widget_get_parent (child) != NULL)
    name_row (gtk_widget_get_parent (child), child);
}

static void
on_item_bound (GtkListItemFactory *factory,
               GtkListItem        *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  /* The row is GTK's own list item widget, the child's parent: GTK 4.8 has
   * no gtk_list_item_set_accessible_label (4.12 has). */
  if (child != NULL && gtk_widget_get_parent (child) != NULL)
    name_row (gtk_widget_get_parent (child), child);
}

void
kt_a11y_name_list_items (GtkListView *view)
{
  GtkListItemFactory *factory;

  g_return_if_fail (GTK_IS_LIST_VIEW (view));

  factory = gtk_list_view_get_factory (view);
  if (!GTK_IS_SIGNAL_LIST_ITEM_FACTORY (factory) ||
      g_object_get_data (G_OBJECT (factory), KT_A11Y_HOOKED_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (factory), KT_A11Y_HOOKED_KEY, GINT_TO_POINTER (TRUE));
  /* After the bind handlers that fill the row in. */
  g_signal_connect_after (factory, "bind", G_CALLBACK (on_item_bound), NULL);
  /* The rows bound already. */
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (view)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (gtk_widget_get_first_child (row) != NULL)
        name_row (row, gtk_widget_get_first_child (row));
    }
}

static GtkListView *
find_list_view (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListView *found;

      if (GTK_IS_LIST_VIEW (child))
        return GTK_LIST_VIEW (child);
      if ((found = find_list_view (child)) != NULL)
        return found;
    }
  return NULL;
}

void
kt_a11y_name_choice_list (GtkWidget *combo)
{
  GtkListView *list;

  g_return_if_fail (GTK_IS_WIDGET (combo));

  /* The popover with the choices is a child of the row or drop-down. */
  list = find_list_view (combo);
  if (list == NULL)
    return;
  kt_a11y_name_list_items (list);
  if (ADW_IS_PREFERENCES_ROW (combo))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (combo));

      if (title != NULL && *title != '\0')
        kt_a11y_set_label (GTK_WIDGET (list), title);
    }
  else if (gtk_widget_get_tooltip_text (combo) != NULL)
    {
      /* A drop-down without a row around it: its tooltip says what it
       * chooses, and is its name and the name of its list. */
      g_autofree char *name = g_strdup (gtk_widget_get_tooltip_text (combo));

      kt_a11y_set_label (combo, name);
      kt_a11y_set_label (GTK_WIDGET (list), name);
      /* The button that opens it is its first child. */
      for (GtkWidget *child = gtk_widget_get_first_child (combo); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          if (GTK_IS_TOGGLE_BUTTON (child))
            kt_a11y_set_label (child, name);
        }
    }
}

static const char *
nonempty (const char *text)
{
  return text != NULL && *text != '\0' ? text : NULL;
}

/* What names a list box: the group or expander row it belongs to; for a
 * group without a title, its description or the title of its first row. */
static const char *
list_box_name (GtkWidget *list)
{
  for (GtkWidget *up = gtk_widget_get_parent (list); up != NULL; up = gtk_widget_get_parent (up))
    {
      if (ADW_IS_PREFERENCES_GROUP (up))
        {
          AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (up);
          GtkWidget *row = gtk_widget_get_first_child (list);

          if (nonempty (adw_preferences_group_get_title (group)) != NULL)
            return adw_preferences_group_get_title (group);
          if (nonempty (adw_preferences_group_get_description (group)) != NULL)
            return adw_preferences_group_get_description (group);
          return ADW_IS_PREFERENCES_ROW (row) ? nonempty (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))) : NULL;
        }
      if (ADW_IS_PREFERENCES_ROW (up))
        return nonempty (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (up)));
    }
  return NULL;
}

void
kt_a11y_fix_tree (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (kt_a11y_get_label (child) == NULL)
        {
          /* libadwaita 1.2 names neither an expander row nor the list in it
           * (nor a group's list) by its title. */
          if (ADW_IS_EXPANDER_ROW (child) &&
              nonempty (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child))) != NULL)
            kt_a11y_set_label (child, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)));
          else if (GTK_IS_LIST_BOX (child) && list_box_name (child) != NULL)
            kt_a11y_set_label (child, list_box_name (child));
          /* Every group of ours has a title: a list without one in a
           * preferences window is libadwaita 1.2's own, of its search
           * results, there even with searching turned off. */
          else if (GTK_IS_LIST_BOX (child) &&
                   gtk_widget_get_ancestor (child, ADW_TYPE_PREFERENCES_WINDOW) != NULL)
            kt_a11y_set_label (child, _("Search results"));
          /* The eye button of a password row has only a tooltip. */
          else if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL &&
                   gtk_widget_get_ancestor (child, ADW_TYPE_PASSWORD_ENTRY_ROW) != NULL &&
                   nonempty (gtk_widget_get_tooltip_text (child)) != NULL)
            {
              g_autofree char *tip = g_strdup (gtk_widget_get_tooltip_text (child));

              kt_a11y_set_label (child, tip);
            }
          else if (ADW_IS_COMBO_ROW (child))
            kt_a11y_name_choice_list (child);
          /* libadwaita 1.2's preferences window keeps its search entry in
           * the tree, unnamed, even with searching turned off. */
          else if (GTK_IS_SEARCH_ENTRY (child))
            kt_a11y_set_label (child, _("Search"));
          /* libadwaita 1.2 leaves the buttons of a view switcher (the
           * page switcher of a preferences window too) without a name;
           * each shows its page's title as "label". */
          else if (g_strcmp0 (G_OBJECT_TYPE_NAME (child), "AdwViewSwitcherButton") == 0 &&
                   g_object_class_find_property (G_OBJECT_GET_CLASS (child), "label") != NULL)
            {
              g_autofree char *title = NULL;

              g_object_get (child, "label", &title, NULL);
              if (nonempty (title) != NULL)
                kt_a11y_set_label (child, title);
            }
        }
      kt_a11y_fix_tree (child);
    }
}

static void
name_toast_buttons (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && kt_a11y_get_label (child) == NULL &&
          gtk_button_get_label (GTK_BUTTON (child)) == NULL &&
          g_strcmp0 (G_OBJECT_TYPE_NAME (gtk_widget_get_parent (child)), "AdwToastWidget") == 0)
        kt_a11y_set_label (child, _("Close"));
      name_toast_buttons (child);
    }
}

/* Only the overlay's own toast widgets, not the window below them: this
 * runs on every frame while a toast lives. */
static gboolean
name_toast_buttons_tick (GtkWidget     *overlay,
                         GdkFrameClock *clock,
                         gpointer       user_data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (overlay); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (G_OBJECT_TYPE_NAME (child), "AdwToastWidget") == 0)
      name_toast_buttons (child);
  return G_SOURCE_CONTINUE;
}

typedef struct {
  GWeakRef overlay;
  guint    tick;
} ToastNaming;

static void
toast_naming_free (gpointer data,
                   GClosure *closure)
{
  ToastNaming *naming = data;

  g_weak_ref_clear (&naming->overlay);
  g_free (naming);
}

static void
on_toast_dismissed (AdwToast    *toast,
                    ToastNaming *naming)
{
  g_autoptr(GtkWidget) overlay = g_weak_ref_get (&naming->overlay);

  if (overlay != NULL && naming->tick != 0)
    gtk_widget_remove_tick_callback (overlay, naming->tick);
  naming->tick = 0;
}

AdwToast *
kt_a11y_toast_new (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  return adw_toast_new (escaped);
}

void
kt_a11y_toast_set_text (AdwToast   *toast,
                        const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_set_title (toast, escaped);
}

void
kt_a11y_add_toast (AdwToastOverlay *overlay,
                   AdwToast        *toast)
{
  ToastNaming *naming;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));

  adw_toast_overlay_add_toast (overlay, toast);
  /* libadwaita 1.2 gives the close button of a toast only an icon.  A toast
   * queued behind another gets its widget only when it shows, so its
   * button is named on each frame until it is dismissed. */
  name_toast_buttons (GTK_WIDGET (overlay));
  naming = g_new0 (ToastNaming, 1);
  g_weak_ref_init (&naming->overlay, overlay);
  naming->tick = gtk_widget_add_tick_callback (GTK_WIDGET (overlay), name_toast_buttons_tick, NULL, NULL);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (on_toast_dismissed), naming,
                         toast_naming_free, 0);
}
