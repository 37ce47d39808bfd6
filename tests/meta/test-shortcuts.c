/* test-shortcuts.c: the shortcuts window lists exactly the app's shortcuts,
 * and the app's icons resolve from its resources
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-core.h"
#include "kt-application.h"
#include "kt-test-util.h"

#define SHORTCUTS_WINDOW "/nl/wijkteam/Keukentafel/kt-shortcuts-window.ui"

/* Handled by GTK itself, not by an action of ours. */
static const char *builtin_accels[] = { "F10", NULL };

static KtApplication *
started_app (void)
{
  g_autoptr(GError) error = NULL;
  KtApplication *app = kt_application_new ();

  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

static char *
normalize_accel (const char *accel)
{
  guint key = 0;
  GdkModifierType mods = 0;

  g_assert_true (gtk_accelerator_parse (accel, &key, &mods));
  return gtk_accelerator_name (key, mods);
}

/* Every accelerator shown in the shortcuts window, normalized (transfer full). */
static GPtrArray *
listed_accels (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (SHORTCUTS_WINDOW);
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  GPtrArray *accels = g_ptr_array_new_with_free_func (g_free);
  GtkWindow *window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (window));
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *accelerator = NULL;
      g_autofree char *title = NULL;
      g_auto(GStrv) parts = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "accelerator", &accelerator, "title", &title, NULL);
      g_assert_nonnull (title);
      g_assert_cmpstr (title, !=, "");
      g_assert_nonnull (accelerator);
      parts = g_strsplit (accelerator, " ", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        g_ptr_array_add (accels, normalize_accel (parts[i]));
    }
  gtk_window_destroy (window);
  return accels;
}

static gboolean
str_in_array (GPtrArray *array, const char *s)
{
  return g_ptr_array_find_with_equal_func (array, s, g_str_equal, NULL);
}

static void
test_shortcuts_window_is_in_the_resources (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (SHORTCUTS_WINDOW, 0, NULL);

  g_assert_nonnull (bytes);
}

static void
test_every_listed_shortcut_has_an_action (gconstpointer data)
{
  KtApplication *app = (KtApplication *) data;
  g_autoptr(GPtrArray) accels = listed_accels ();
  g_autofree char *help = normalize_accel ("<Control>question");

  /* The app binds Ctrl+? to win.show-help-overlay itself. */
  g_assert_true (str_in_array (accels, help));
  for (guint i = 0; i < accels->len; i++)
    {
      const char *accel = accels->pdata[i];
      g_auto(GStrv) actions = NULL;

      if (g_strv_contains (builtin_accels, accel))
        continue;
      actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), accel);
      if (actions == NULL || actions[0] == NULL)
        g_error ("The shortcuts window lists %s, but no action has that shortcut", accel);
    }
}

static void
test_every_app_shortcut_is_listed (gconstpointer data)
{
  KtApplication *app = (KtApplication *) data;
  g_autoptr(GPtrArray) accels = listed_accels ();
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));

  g_assert_cmpint (g_strv_length (actions), >=, 3);
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) action_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                           actions[i]);
      for (guint j = 0; action_accels[j] != NULL; j++)
        {
          g_autofree char *accel = normalize_accel (action_accels[j]);

          if (!str_in_array (accels, accel))
            g_error ("%s has the shortcut %s, but the shortcuts window does not list it",
                     actions[i], accel);
        }
    }
}

/* The shortcuts window among all the toplevels, shown or hidden. */
static GtkWidget *
find_shortcuts_window (gboolean mapped)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_SHORTCUTS_WINDOW (window) && (!mapped || gtk_widget_get_mapped (window)))
        return window;
    }
  return NULL;
}

static gboolean
shortcuts_window_gone (void)
{
  return find_shortcuts_window (FALSE) == NULL;
}

/* Ctrl+? (win.show-help-overlay) opens the shortcuts window, and closing it
 * leaves no hidden window behind: GTK 4.8's AT-SPI root crashes the app
 * when a screen reader's question lands on a hidden window (kt-window.c,
 * show_shortcuts_action), so none waits hidden beside the main window. */
static void
test_ctrl_question_opens_the_shortcuts_window (gconstpointer data)
{
  KtApplication *app = (KtApplication *) data;
  GtkWindow *window;
  GtkWidget *shortcuts = NULL;
  gint64 deadline;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (GTK_IS_APPLICATION_WINDOW (window));
  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (shortcuts_window_gone ());

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((shortcuts = find_shortcuts_window (TRUE)) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (shortcuts);

  gtk_window_close (GTK_WINDOW (shortcuts));
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!shortcuts_window_gone () && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (shortcuts_window_gone ());
  gtk_window_destroy (window);
}

static void
test_symbolic_icon_resolves_from_resources (gconstpointer data)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

  g_assert_true (gtk_icon_theme_has_icon (theme, "nl.wijkteam.Keukentafel-symbolic"));
}

int
main (int argc, char *argv[])
{
  g_autoptr(KtApplication) app = NULL;

  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());
  /* One registered app for the whole program: its startup loads the
   * resources, the accelerators and the icon path under test. */
  app = started_app ();

  g_test_add_func ("/meta/shortcuts/window-is-in-the-resources", test_shortcuts_window_is_in_the_resources);
  g_test_add_data_func ("/meta/shortcuts/every-listed-shortcut-has-an-action", app,
                        test_every_listed_shortcut_has_an_action);
  g_test_add_data_func ("/meta/shortcuts/every-app-shortcut-is-listed", app,
                        test_every_app_shortcut_is_listed);
  g_test_add_data_func ("/meta/shortcuts/ctrl-question-opens-the-shortcuts-window", app,
                        test_ctrl_question_opens_the_shortcuts_window);
  g_test_add_data_func ("/meta/icons/symbolic-icon-resolves-from-resources", app,
                        test_symbolic_icon_resolves_from_resources);

  return g_test_run ();
}
