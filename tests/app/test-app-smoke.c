/* test-app-smoke.c: the real app starts, shows its window and quits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk/x11/gdkx.h>

#include "kt-core.h"
#include "kt-application.h"
#include "kt-app-util.h"
#include "kt-test-util.h"

typedef struct {
  KtApplication *app;
  gboolean       window_shown;
  char          *title;
} SmokeRun;

static gboolean
check_window (gpointer user_data)
{
  SmokeRun *run = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (run->app));

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
    return G_SOURCE_CONTINUE;

  run->window_shown = TRUE;
  run->title = g_strdup (gtk_window_get_title (window));
  g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
give_up (gpointer user_data)
{
  SmokeRun *run = user_data;

  g_application_quit (G_APPLICATION (run->app));
  return G_SOURCE_REMOVE;
}

static void
test_app_shows_its_window_and_quits (void)
{
  SmokeRun run = { 0 };
  char *argv[] = { (char *) "keukentafel", NULL };
  int status;

  run.app = kt_application_new ();
  g_application_set_flags (G_APPLICATION (run.app),
                           g_application_get_flags (G_APPLICATION (run.app)) | G_APPLICATION_NON_UNIQUE);
  g_timeout_add (50, check_window, &run);
  g_timeout_add_seconds (60, give_up, &run);
  status = g_application_run (G_APPLICATION (run.app), 1, argv);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.window_shown);
  g_assert_cmpstr (run.title, ==, "Keukentafel");
  g_free (run.title);
  g_object_unref (run.app);
}

/* Drawing with cairo, the app keeps GDK from setting up GL (Mesa and LLVM
 * are 50 MiB where there is no GPU), and still shows its window. */
static void
test_app_with_cairo_sets_up_no_gl (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;

      g_setenv ("GSK_RENDERER", "cairo", TRUE);
      g_unsetenv ("GDK_DEBUG");
      kt_app_choose_renderer ();
      g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "gl-disable");
      gtk_init ();
      g_assert_false (gdk_display_prepare_gl (gdk_display_get_default (), &error));
      g_assert_nonnull (error);
      test_app_shows_its_window_and_quits ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A renderer the user chose is left as it is, and so are their GDK flags
 * (GL without a GPU on X11 adds gl-glx to them, the next test). */
static void
test_app_keeps_the_users_renderer (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("GSK_RENDERER", "gl", TRUE);
      g_setenv ("GDK_DEBUG", "misc", TRUE);
      kt_app_choose_renderer ();
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
      if (kt_app_has_render_node () || g_getenv ("WAYLAND_DISPLAY") != NULL)
        g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "misc");
      else
        g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "misc,gl-glx");

      g_setenv ("GDK_DEBUG", "gl-egl", TRUE);
      kt_app_choose_renderer ();
      g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "gl-egl");

      g_setenv ("GDK_DEBUG", "misc", TRUE);

      g_setenv ("GSK_RENDERER", "cairo", TRUE);
      kt_app_choose_renderer ();
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
      g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "misc,gl-disable");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* With GL chosen and no GPU under X11, GDK goes to GLX at once instead of
 * setting Mesa up for EGL first and rejecting it: GL still works, through
 * GLX, as it did after that detour, and the window is still shown. */
static void
test_app_with_software_gl_goes_to_glx (void)
{
  if (kt_app_has_render_node () || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      g_test_skip ("GL is not emulated here, or this is not X11");
      return;
    }
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      int major = 0, minor = 0;

      g_setenv ("GSK_RENDERER", "gl", TRUE);
      g_unsetenv ("GDK_DEBUG");
      kt_app_choose_renderer ();
      g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "gl-glx");
      gtk_init ();
      g_assert_true (GDK_IS_X11_DISPLAY (gdk_display_get_default ()));
      g_assert_true (gdk_display_prepare_gl (gdk_display_get_default (), &error));
      g_assert_no_error (error);
      g_assert_true (gdk_x11_display_get_glx_version (gdk_display_get_default (), &major, &minor));
      g_assert_cmpint (major, >=, 1);
      test_app_shows_its_window_and_quits ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static int
button_height (void)
{
  g_autoptr(GtkWidget) button = g_object_ref_sink (gtk_button_new_with_label ("Keukentafel"));
  int height = 0;

  gtk_widget_measure (button, GTK_ORIENTATION_VERTICAL, -1, &height, NULL, NULL, NULL);
  return height;
}

/* GTK starts with libadwaita's empty theme instead of parsing its own (a
 * button then has no padding), and libadwaita's style sheet still comes. */
static void
test_app_starts_gtk_with_an_empty_theme (void)
{
  if (g_test_subprocess ())
    {
      int bare, styled;

      g_unsetenv ("GTK_THEME");
      kt_app_start_gtk ();
      g_assert_null (g_getenv ("GTK_THEME"));
      bare = button_height ();
      adw_init ();
      styled = button_height ();
      g_test_message ("a button %d px high before libadwaita, %d px after", bare, styled);
      g_assert_cmpint (styled, >, bare);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/app/smoke/shows-its-window-and-quits", test_app_shows_its_window_and_quits);
  g_test_add_func ("/app/smoke/with-cairo-sets-up-no-gl", test_app_with_cairo_sets_up_no_gl);
  g_test_add_func ("/app/smoke/keeps-the-users-renderer", test_app_keeps_the_users_renderer);
  g_test_add_func ("/app/smoke/with-software-gl-goes-to-glx", test_app_with_software_gl_goes_to_glx);
  g_test_add_func ("/app/smoke/starts-gtk-with-an-empty-theme", test_app_starts_gtk_with_an_empty_theme);

  return g_test_run ();
}
