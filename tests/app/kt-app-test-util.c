/* kt-app-test-util.c: showing widgets under Xvfb and taking screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-app-test"

#include "config.h"

#include "kt-app-test-util.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "kt-core.h"

void
kt_app_test_init (int    *argc,
                  char ***argv)
{
  g_autoptr(GtkCssProvider) css = NULL;

  gtk_test_init (argc, argv, NULL);
  /* gtk_test_init picks a fixed locale; take one that lets LANGUAGE choose. */
  setlocale (LC_ALL, "C.UTF-8");
  g_assert_true (kt_core_init ());
  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  adw_init ();

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/nl/wijkteam/Keukentafel/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean
wait_done (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
kt_app_test_wait (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, wait_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

GtkWindow *
kt_app_test_show (GtkWidget *child,
                  int        width,
                  int        height,
                  gboolean   dark)
{
  GtkWidget *window = adw_window_new ();
  gint64 start = g_get_monotonic_time ();

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  adw_window_set_content (ADW_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));

  while (!gtk_widget_get_mapped (child) || gtk_widget_get_width (child) < width / 2)
    {
      g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
    }
  /* No initial focus: a screenshot should not show a selected entry. */
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  /* Let idle relayouts and a few frames run. */
  kt_app_test_wait (300);
  return GTK_WINDOW (window);
}

void
kt_app_test_close (GtkWindow *window)
{
  gtk_window_destroy (window);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  kt_app_test_wait (20);
}

char *
kt_app_test_screenshot (GtkWidget  *widget,
                        const char *name)
{
  const char *dir = g_getenv ("KT_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  GdkRGBA background = { 1, 1, 1, 1 };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (dir == NULL || width <= 0 || height <= 0)
    return NULL;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color", &background);
  G_GNUC_END_IGNORE_DEPRECATIONS

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  return g_steal_pointer (&path);
}

gboolean
kt_app_test_press_key (GtkWidget       *widget,
                       guint            keyval,
                       GdkModifierType  state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
          return handled;
        }
    }
  g_assert_not_reached ();
  return FALSE;
}

GtkWidget *
kt_app_test_find_row (GtkWidget  *root,
                      const char *title)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;

      if (ADW_IS_PREFERENCES_ROW (w) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0)
        return w;
      if ((found = kt_app_test_find_row (w, title)) != NULL)
        return found;
    }
  return NULL;
}
