/* test-app-smoke.c: the real app starts, shows its window and quits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-core.h"
#include "kt-application.h"
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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/app/smoke/shows-its-window-and-quits", test_app_shows_its_window_and_quits);

  return g_test_run ();
}
