/* test-role-controller.c: which view the window shows for the account, in
 * the real app against a real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "kt-app-test.h"
#include "kt-coach-list.h"
#include "kt-core.h"
#include "kt-fault-proxy.h"
#include "kt-intaker-view.h"
#include "kt-intaker-view-private.h"
#include "kt-supervisor-view.h"
#include "kt-test-notifications.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"
#include "kt-window-private.h"

static gboolean
client_opened (gpointer data)
{
  KtSyncClient *client = kt_window_get_sync_client (data);

  return client != NULL && kt_sync_client_get_outbox (client) != NULL;
}

static gboolean
intaker_view_shown (gpointer window)
{
  return KT_IS_INTAKER_VIEW (kt_window_get_main_view (window));
}

static gboolean
supervisor_view_shown (gpointer window)
{
  return KT_IS_SUPERVISOR_VIEW (kt_window_get_main_view (window));
}

static gboolean
coach_view_shown (gpointer window)
{
  GtkWidget *view = kt_window_get_main_view (window);

  return view != NULL && !KT_IS_INTAKER_VIEW (view) && !KT_IS_SUPERVISOR_VIEW (view);
}

static gboolean
shows_coach_een (gpointer window)
{
  return kt_app_test_shows_label (kt_window_get_main_view (window), "Coach Een");
}

static gboolean
problem_shown (gpointer window)
{
  GtkWidget *view = kt_window_get_main_view (window);

  return KT_IS_INTAKER_VIEW (view) && kt_intaker_view_get_problem (KT_INTAKER_VIEW (view)) != NULL;
}

static gboolean
not_kept_shown (gpointer window)
{
  return problem_shown (window) &&
         g_str_has_prefix (kt_intaker_view_get_problem (KT_INTAKER_VIEW (kt_window_get_main_view (window))),
                           "The list of coaches could not be kept on this device (");
}

static gboolean
synced (gpointer window)
{
  return kt_sync_client_get_status (kt_window_get_sync_client (window)) == KT_SYNC_STATUS_SYNCED;
}

static gboolean
away (gpointer window)
{
  KtSyncStatus status = kt_sync_client_get_status (kt_window_get_sync_client (window));

  return status == KT_SYNC_STATUS_PAUSED || status == KT_SYNC_STATUS_ERROR;
}

static gboolean
kept_copy_written (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* A real server behind a fault proxy (to take it away and bring it back),
 * the app's store in a folder of the test's, and the intaker's list of
 * coaches kept on the device as no earlier test left it. */
typedef struct {
  char         *dir;
  KtTestServer *server;
  KtFaultProxy *proxy;
  char         *url;        /* the server through the proxy */
  char         *offline_copy;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *store = NULL;

  f->dir = kt_test_tmpdir_new ("kt-role-start");
  store = g_build_filename (f->dir, "app.db", NULL);
  f->server = kt_test_server_start (NULL, kt_test_sync_users);
  f->proxy = kt_fault_proxy_new_started (kt_test_server_get_url (f->server), 20261207, &f->url);
  f->offline_copy = kt_coach_list_default_path ("intake1");
  g_unlink (f->offline_copy);
  g_rmdir (f->offline_copy);
  g_setenv ("KT_STORE_PATH", store, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_unsetenv ("KT_STORE_PATH");
  kt_fault_proxy_stop (f->proxy);
  g_clear_object (&f->proxy);
  g_clear_pointer (&f->server, kt_test_server_free);
  g_free (f->url);
  g_free (f->offline_copy);
  kt_test_tmpdir_free (g_steal_pointer (&f->dir));
}

/* The app started and @username signed in on it, until @shown. */
static KtApplication *
start_signed_in (Fixture            *f,
                 const char         *username,
                 KtAppTestCondition  shown,
                 KtWindow          **window)
{
  KtApplication *app = kt_app_test_start (window);

  kt_app_test_wait_for (client_opened, *window, 10000, "the sync client to open");
  kt_test_device_sign_in (kt_window_get_sync_client (*window), f->url, username);
  kt_app_test_wait_for (shown, *window, 20000, "the account's view after signing in");
  return app;
}

/* The app started again, the server not answering (a laptop opened away
 * from the network, the server restarting). */
static KtApplication *
start_without_the_server (Fixture   *f,
                          KtWindow **window)
{
  KtApplication *app;

  kt_fault_proxy_set_away (f->proxy, TRUE);
  app = kt_app_test_start (window);
  kt_app_test_wait_for (client_opened, *window, 10000, "the sync client to open again");
  return app;
}

/* The intaker, signed in before, starts the app while the server does not
 * answer: her own form shows, with her team on what she registers and the
 * list of coaches of the last answer, not a coach's list of households in
 * which her registrations would open as a coach's.  When the server
 * answers again, the form stays, with what she typed. */
static void
test_an_intaker_starting_without_the_server_gets_her_own_view (Fixture       *f,
                                                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCase) kase = NULL;
  KtApplication *app;
  KtWindow *window;
  GtkWidget *view;

  app = start_signed_in (f, "intake1", intaker_view_shown, &window);
  kt_app_test_wait_for (shows_coach_een, window, 20000, "the team's coaches from the server");
  /* The copy is written on a worker; the window closing does not wait. */
  kt_app_test_wait_for (kept_copy_written, f->offline_copy, 10000, "the list kept on the device");
  kt_app_test_quit (app, window);

  app = start_without_the_server (f, &window);
  kt_app_test_wait_for (away, window, 20000, "a round that did not reach the server");
  kt_app_test_wait_for (intaker_view_shown, window, 10000, "the intaker's view without the server");
  /* She assigns from the list kept at the last answer. */
  kt_app_test_wait_for (shows_coach_een, window, 10000, "the coaches kept on the device");
  view = kt_window_get_main_view (window);
  gtk_editable_set_text (kt_intaker_view_get_household_row (KT_INTAKER_VIEW (view)), "Familie Offline");
  kt_app_test_type_text (kt_intaker_view_get_question_view (KT_INTAKER_VIEW (view)), "Hulp bij de post");
  kase = kt_intaker_view_build_case (KT_INTAKER_VIEW (view), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kase->team, ==, "noord");

  kt_fault_proxy_set_away (f->proxy, FALSE);
  kt_app_test_activate (window, "win.sync-now", NULL);
  kt_app_test_wait_for (synced, window, 60000, "a round with the server back");
  /* The server said who she is (asked after a round that went well). */
  kt_app_test_iterate (500);
  g_assert_true (kt_window_get_main_view (window) == view);
  g_assert_cmpstr (gtk_editable_get_text (kt_intaker_view_get_household_row (KT_INTAKER_VIEW (view))), ==,
                   "Familie Offline");

  kt_app_test_quit (app, window);
}

/* The same for a supervisor: her inbox, not a list of households. */
static void
test_a_supervisor_starting_without_the_server_gets_her_own_view (Fixture       *f,
                                                                 gconstpointer  data)
{
  KtApplication *app;
  KtWindow *window;

  app = start_signed_in (f, "super1", supervisor_view_shown, &window);
  kt_app_test_quit (app, window);

  app = start_without_the_server (f, &window);
  kt_app_test_wait_for (away, window, 20000, "a round that did not reach the server");
  kt_app_test_wait_for (supervisor_view_shown, window, 10000, "the supervisor's view without the server");

  kt_app_test_quit (app, window);
}

/* Signed out (with a registration still waiting, say) and the app closed:
 * at the next start she still sees her own form and list, not a coach's
 * list of households in which her registrations would open as a coach's.
 * A coach who signs in on the device then gets her list. */
static void
test_an_intaker_signed_out_keeps_her_own_view_after_a_restart (Fixture       *f,
                                                               gconstpointer  data)
{
  KtApplication *app;
  KtWindow *window;

  app = start_signed_in (f, "intake1", intaker_view_shown, &window);
  kt_test_device_sign_out (kt_window_get_sync_client (window));
  g_assert_true (intaker_view_shown (window));
  kt_app_test_quit (app, window);

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open again");
  g_assert_false (kt_sync_client_is_signed_in (kt_window_get_sync_client (window)));
  kt_app_test_wait_for (intaker_view_shown, window, 10000, "the intaker's view, signed out");

  /* A coach who signs in on this device gets her own list. */
  kt_test_device_sign_in (kt_window_get_sync_client (window), f->url, "coach1");
  kt_app_test_wait_for (coach_view_shown, window, 20000, "the coach's list after she signed in");

  kt_app_test_quit (app, window);
}

/* Without closing the app: the intaker signs out and a coach signs in; the
 * coach gets her list, not the intaker's form. */
static void
test_a_coach_signing_in_after_an_intaker_gets_her_list (Fixture       *f,
                                                        gconstpointer  data)
{
  KtApplication *app;
  KtWindow *window;

  app = start_signed_in (f, "intake1", intaker_view_shown, &window);
  kt_app_test_wait_for (synced, window, 20000, "the intaker's first round");
  kt_test_device_sign_out (kt_window_get_sync_client (window));
  kt_test_device_sign_in (kt_window_get_sync_client (window), f->url, "coach1");
  kt_app_test_wait_for (coach_view_shown, window, 20000, "the coach's list after she signed in");

  kt_app_test_quit (app, window);
}

/* The list of coaches cannot be kept on the device (here a folder stands
 * where the file goes; a full disk does the same): the intaker reads so
 * after signing in, and again at a start without the server, in words
 * over her view, instead of an empty list she would not understand. */
static void
test_a_list_of_coaches_not_kept_shows_to_the_intaker (Fixture       *f,
                                                      gconstpointer  data)
{
  KtApplication *app;
  KtWindow *window;
  const char *problem;

  g_assert_cmpint (g_mkdir_with_parents (f->offline_copy, 0700), ==, 0);
  app = start_signed_in (f, "intake1", intaker_view_shown, &window);
  /* (The copy cannot be read either, and says so first.) */
  kt_app_test_wait_for (not_kept_shown, window, 20000, "the list not kept, over her view");
  g_test_message ("%s", kt_intaker_view_get_problem (KT_INTAKER_VIEW (kt_window_get_main_view (window))));
  /* The server's list is on screen all the same. */
  g_assert_true (shows_coach_een (window));
  kt_app_test_quit (app, window);

  app = start_without_the_server (f, &window);
  kt_app_test_wait_for (intaker_view_shown, window, 10000, "the intaker's view without the server");
  kt_app_test_wait_for (problem_shown, window, 20000, "the list not read, over her view");
  problem = kt_intaker_view_get_problem (KT_INTAKER_VIEW (kt_window_get_main_view (window)));
  g_test_message ("%s", problem);
  g_assert_true (g_str_has_prefix (problem, "The list of coaches kept on this device could not be read ("));

  kt_app_test_quit (app, window);
}

#define ADD(path, func) \
  g_test_add ("/role-controller/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char *argv[])
{
  KtTestNotifications *notifications;
  int result;

  kt_app_test_init_for_app (&argc, &argv);
  notifications = kt_test_notifications_start ();

  ADD ("an-intaker-starting-without-the-server-gets-her-own-view",
       test_an_intaker_starting_without_the_server_gets_her_own_view);
  ADD ("a-supervisor-starting-without-the-server-gets-her-own-view",
       test_a_supervisor_starting_without_the_server_gets_her_own_view);
  ADD ("an-intaker-signed-out-keeps-her-own-view-after-a-restart",
       test_an_intaker_signed_out_keeps_her_own_view_after_a_restart);
  ADD ("a-list-of-coaches-not-kept-shows-to-the-intaker",
       test_a_list_of_coaches_not_kept_shows_to_the_intaker);
  ADD ("a-coach-signing-in-after-an-intaker-gets-her-list",
       test_a_coach_signing_in_after_an_intaker_gets_her_list);

  result = g_test_run ();
  kt_test_notifications_stop (notifications);
  return result;
}
