/* kt-role-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-role-format"

#include "config.h"

#include "kt-role-format.h"

#include <glib/gi18n.h>

#include "kt-coach-list.h"
#include "kt-date-format.h"
#include "kt-peer-keys.h"

/* The dates themselves are written by the core's kt_format_date(); these
 * only add the dash the role views show where a date is missing. */
char *
kt_role_format_date (const char *iso_date)
{
  char *date = kt_format_date (iso_date, KT_DATE_SHORT);

  return date != NULL ? date : g_strdup ("—");
}

char *
kt_role_format_unix_date (gint64 seconds)
{
  char *date = kt_format_unix_date (seconds, KT_DATE_SHORT);

  return date != NULL ? date : g_strdup ("—");
}

char *
kt_role_format_days_left (int days)
{
  if (days == 0)
    return g_strdup (_("today"));
  if (days < 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day late", "%d days late", -days), -days);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day left", "%d days left", days), days);
}

char *
kt_role_format_days_ago (int days)
{
  if (days <= 0)
    return g_strdup (_("today"));
  if (days == 1)
    return g_strdup (_("yesterday"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", days), days);
}

const char *
kt_role_person_name (GPtrArray  *coaches,
                     GPtrArray  *team,
                     const char *username)
{
  const KtCoach *coach = kt_coach_list_find (coaches, username);

  if (coach != NULL && coach->display_name != NULL)
    return coach->display_name;
  /* Only an intaker's and a supervisor's apps have the list of coaches;
   * every app has the team's keys, with names from servers that give them. */
  for (guint i = 0; team != NULL && username != NULL && i < team->len; i++)
    {
      const KtPeerKey *key = g_ptr_array_index (team, i);

      if (g_str_equal (key->username, username) && key->display_name != NULL && *key->display_name != '\0')
        return key->display_name;
    }
  return username != NULL ? username : _("No coach");
}

void
kt_role_ensure_style (void)
{
  static GtkCssProvider *provider = NULL;
  GdkDisplay *display = gdk_display_get_default ();

  if (provider != NULL || display == NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/nl/wijkteam/Keukentafel/kt-roles.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
setup_compact_item (GtkSignalListItemFactory *factory,
                    GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 14);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_list_item_set_child (item, label);
}

static void
bind_item (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (string));
}

static void
setup_full_item (GtkSignalListItemFactory *factory,
                 GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_list_item_set_child (item, label);
}

void
kt_role_drop_down_set_compact (GtkDropDown *dropdown)
{
  g_autoptr(GtkListItemFactory) button = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list = gtk_signal_list_item_factory_new ();

  g_signal_connect (button, "setup", G_CALLBACK (setup_compact_item), NULL);
  g_signal_connect (button, "bind", G_CALLBACK (bind_item), NULL);
  g_signal_connect (list, "setup", G_CALLBACK (setup_full_item), NULL);
  g_signal_connect (list, "bind", G_CALLBACK (bind_item), NULL);
  gtk_drop_down_set_factory (dropdown, button);
  gtk_drop_down_set_list_factory (dropdown, list);
}

void
kt_role_replace_array (GPtrArray **slot,
                       GPtrArray  *array)
{
  if (array != NULL)
    g_ptr_array_ref (array);
  g_clear_pointer (slot, g_ptr_array_unref);
  *slot = array;
}

void
kt_role_box_clear (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

GtkWidget *
kt_role_label_new (const char *text,
                   ...)
{
  GtkWidget *label = gtk_label_new (text);
  va_list args;

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  va_start (args, text);
  for (const char *css = va_arg (args, const char *); css != NULL; css = va_arg (args, const char *))
    gtk_widget_add_css_class (label, css);
  va_end (args);
  return label;
}
