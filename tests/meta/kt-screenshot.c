/* kt-screenshot.c: a screenshot tour of the real app, in Dutch
 *
 *   kt-screenshot [--size=WxH] [--dark] OUTDIR [NAME=ACTION …]
 *   kt-screenshot --check
 *
 * Starts the app, waits for its main window and saves OUTDIR/NAME.png for the
 * main window ("hoofdvenster"), the shortcuts window ("sneltoetsen") and the
 * about window ("over"), then one shot per NAME=ACTION: ACTION is activated on
 * the main window (e.g. "gesprek=win.show-page::gesprek", parameter as a
 * GVariant text) and the window that is on top afterwards is saved.
 * With --check it writes the default tour into a temporary directory, fails
 * when a shot is missing or blank, and removes the directory.
 * Run it inside build-aux/test-session under Xvfb, like the tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kt-core.h"
#include "kt-application.h"
#include "kt-test-util.h"

typedef struct {
  char *name;
  char *action;                 /* detailed action name on the main window */
} Shot;

typedef struct {
  KtApplication *app;
  GPtrArray     *shots;         /* (element-type Shot) */
  char          *outdir;
  int            width;
  int            height;
  guint          next;
  guint          settle;        /* main-loop ticks left before the next shot */
  gboolean       triggered;     /* the current shot's action was activated */
  GtkWindow     *main_window;
  GError        *error;
} Tour;

static void
shot_free (gpointer data)
{
  Shot *shot = data;

  g_free (shot->name);
  g_free (shot->action);
  g_free (shot);
}

static void
add_shot (GPtrArray  *shots,
          const char *name,
          const char *action)
{
  Shot *shot = g_new0 (Shot, 1);

  shot->name = g_strdup (name);
  shot->action = g_strdup (action);
  g_ptr_array_add (shots, shot);
}

/* The newest mapped toplevel other than the main window, or NULL. */
static GtkWidget *
top_extra_window (GtkWindow *main_window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* (transfer none) */
  GtkWidget *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (window != GTK_WIDGET (main_window) && gtk_widget_get_mapped (window))
        found = window;
    }
  return found;
}

static gboolean
save_widget_png (GtkWidget   *widget,
                 const char  *path,
                 GError     **error)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL || renderer == NULL || width <= 0 || height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nothing drawn for %s", path);
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
activate_detailed (GtkWidget   *widget,
                   const char  *detailed,
                   GError     **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GVariant) target = NULL;

  if (!g_action_parse_detailed_name (detailed, &name, &target, error))
    return FALSE;
  if (!gtk_widget_activate_action_variant (widget, name, target))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no action %s on the main window", name);
      return FALSE;
    }
  return TRUE;
}

static void
tour_stop (Tour *tour)
{
  GList *windows;

  /* Destroying a window takes it out of the list: always take the head. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (tour->app))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  g_application_quit (G_APPLICATION (tour->app));
}

static gboolean
tour_step (gpointer user_data)
{
  Tour *tour = user_data;
  const Shot *shot;
  g_autofree char *path = NULL;
  GtkWidget *target;

  if (tour->main_window == NULL)
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (tour->app));

      if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
        return G_SOURCE_CONTINUE;
          tour->main_window = window;
      tour->settle = 10;
    }
  if (tour->settle > 0)
    {
      tour->settle--;
      return G_SOURCE_CONTINUE;
    }

  shot = g_ptr_array_index (tour->shots, tour->next);
  if (shot->action != NULL && !tour->triggered)
    {
      /* Trigger the shot, then let it draw before saving. */
      tour->triggered = TRUE;
      if (!activate_detailed (GTK_WIDGET (tour->main_window), shot->action, &tour->error))
        {
          tour_stop (tour);
          return G_SOURCE_REMOVE;
        }
      tour->settle = 10;
      return G_SOURCE_CONTINUE;
    }

  target = top_extra_window (tour->main_window);
  path = g_strdup_printf ("%s/%s.png", tour->outdir, shot->name);
  if (!save_widget_png (target != NULL ? target : GTK_WIDGET (tour->main_window), path, &tour->error))
    {
      tour_stop (tour);
      return G_SOURCE_REMOVE;
    }
  g_print ("%s\n", path);
  if (target != NULL)
    gtk_window_destroy (GTK_WINDOW (target));

  tour->triggered = FALSE;
  if (++tour->next == tour->shots->len)
    {
      tour_stop (tour);
      return G_SOURCE_REMOVE;
    }
  tour->settle = 5;
  return G_SOURCE_CONTINUE;
}

static void
prefer_dark (GApplication *app)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
}

static void
size_new_window (GtkApplication *app,
                 GtkWindow      *window,
                 Tour           *tour)
{
  if (tour->main_window == NULL)
    gtk_window_set_default_size (window, tour->width, tour->height);
}

static gboolean
run_tour (Tour     *tour,
          gboolean  dark,
          GError  **error)
{
  char *argv[] = { (char *) "keukentafel", NULL };

  tour->app = kt_application_new ();
  g_application_set_flags (G_APPLICATION (tour->app),
                           g_application_get_flags (G_APPLICATION (tour->app)) | G_APPLICATION_NON_UNIQUE);
  if (dark)
    g_signal_connect (tour->app, "startup", G_CALLBACK (prefer_dark), NULL);
  g_signal_connect (tour->app, "window-added", G_CALLBACK (size_new_window), tour);
  g_timeout_add (50, tour_step, tour);
  g_application_run (G_APPLICATION (tour->app), 1, argv);
  g_clear_object (&tour->app);
  if (tour->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&tour->error));
      return FALSE;
    }
  return TRUE;
}

/* TRUE when the PNG at @path has at least two different pixels. */
static gboolean
png_has_content (const char *path)
{
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, NULL);
  g_autofree guchar *pixels = NULL;
  int width, height;

  if (texture == NULL)
    return FALSE;
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  for (gsize i = 4; i < (gsize) width * height * 4; i += 4)
    if (memcmp (pixels, pixels + i, 4) != 0)
      return TRUE;
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *size = NULL;
  gboolean dark = FALSE;
  gboolean check = FALSE;
  GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "Window size, WIDTHxHEIGHT (default 1280x800)", "WxH" },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, "Dark style", NULL },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check, "Write the default tour to a temp dir and check it", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("OUTDIR [NAME=ACTION…]");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shots = g_ptr_array_new_with_free_func (shot_free);
  Tour tour = { 0 };

  /* Dutch from the build tree, settings from the build tree, unless told otherwise. */
  g_setenv ("LANGUAGE", "nl", FALSE);
  g_setenv ("GSETTINGS_SCHEMA_DIR", BUILD_ROOT "/data", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  /* gettext ignores LANGUAGE in the C locale, and GTK sets the locale from
   * the environment again at startup: so put C.UTF-8 (always there) in it. */
  if (setlocale (LC_ALL, "") == NULL || g_str_equal (setlocale (LC_MESSAGES, NULL), "C") ||
      g_str_equal (setlocale (LC_MESSAGES, NULL), "POSIX"))
    {
      g_setenv ("LC_ALL", "C.UTF-8", TRUE);
      setlocale (LC_ALL, "");
    }

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || (!check && argc < 2))
    {
      g_printerr ("%s\n", error != NULL ? error->message : "usage: kt-screenshot OUTDIR [NAME=ACTION…]");
      return 2;
    }
  /* After kt_core_init, which binds the installed catalogue. */
  if (!kt_core_init ())
    return 1;
  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  tour.width = 1280;
  tour.height = 800;
  if (size != NULL && sscanf (size, "%dx%d", &tour.width, &tour.height) != 2)
    {
      g_printerr ("--size must look like 1280x800\n");
      return 2;
    }

  add_shot (shots, "hoofdvenster", NULL);
  add_shot (shots, "sneltoetsen", "win.show-help-overlay");
  add_shot (shots, "over", "app.about");
  for (int i = 2; !check && i < argc; i++)
    {
      g_auto(GStrv) pair = g_strsplit (argv[i], "=", 2);

      if (pair[1] == NULL)
        {
          g_printerr ("%s: expected NAME=ACTION\n", argv[i]);
          return 2;
        }
      add_shot (shots, pair[0], pair[1]);
    }
  tour.shots = shots;
  tour.outdir = check ? kt_test_tmpdir_new ("kt-screenshot") : g_strdup (argv[1]);
  if (g_mkdir_with_parents (tour.outdir, 0700) != 0)
    {
      g_printerr ("cannot create %s\n", tour.outdir);
      return 1;
    }

  if (!run_tour (&tour, dark, &error))
    {
      g_printerr ("screenshot tour failed: %s\n", error->message);
      if (check)
        kt_test_tmpdir_free (tour.outdir);
      else
        g_free (tour.outdir);
      return 1;
    }

  if (check)
    {
      int status = 0;

      for (guint i = 0; i < shots->len; i++)
        {
          const Shot *shot = g_ptr_array_index (shots, i);
          g_autofree char *path = g_strdup_printf ("%s/%s.png", tour.outdir, shot->name);

          if (!png_has_content (path))
            {
              g_printerr ("%s.png is missing or blank\n", shot->name);
              status = 1;
            }
        }
      kt_test_tmpdir_free (tour.outdir);
      return status;
    }
  g_free (tour.outdir);
  return 0;
}
