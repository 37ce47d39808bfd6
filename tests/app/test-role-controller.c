/* test-role-controller.c: which view the window shows for the account, in
 * the real app against a real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-app-test.h"
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

/* The intaker, signed in before, starts the app while the server does not
 * answer (a laptop opened away from the network, the server restarting):
 * her own form shows, with her team on what she registers, not a coach's
 * list of households in which her registrations would open as a coach's.
 * When the server answers again, the form stays, with what she typed. */
static void
test_an_intaker_starting_without_the_server_gets_her_own_view (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-role-start");
  g_autofree char *store = g_build_filename (dir, "intaker.db", NULL);
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, kt_test_sync_users);
  g_autoptr(GUri) uri = g_uri_parse (kt_test_server_get_url (server), G_URI_FLAGS_NONE, NULL);
  g_autoptr(KtFaultProxy) proxy = kt_fault_proxy_new (g_uri_get_port (uri), 20261207);
  /* Every connection closed before an answer: the server is away. */
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCase) kase = NULL;
  g_autofree char *url = NULL;
  KtApplication *app;
  KtWindow *window;
  GtkWidget *view;
  guint16 port;

  port = kt_fault_proxy_start (proxy, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_setenv ("KT_STORE_PATH", store, TRUE);
  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  kt_test_device_sign_in (kt_window_get_sync_client (window), url, "intake1");
  kt_app_test_wait_for (intaker_view_shown, window, 20000, "the intaker's view after signing in");
  kt_app_test_quit (app, window);

  kt_fault_proxy_set_canned (proxy, nothing);
  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open again");
  kt_app_test_wait_for (away, window, 20000, "a round that did not reach the server");
  kt_app_test_wait_for (intaker_view_shown, window, 10000, "the intaker's view without the server");
  view = kt_window_get_main_view (window);
  gtk_editable_set_text (kt_intaker_view_get_household_row (KT_INTAKER_VIEW (view)), "Familie Offline");
  kt_app_test_type_text (kt_intaker_view_get_question_view (KT_INTAKER_VIEW (view)), "Hulp bij de post");
  kase = kt_intaker_view_build_case (KT_INTAKER_VIEW (view), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kase->team, ==, "noord");

  kt_fault_proxy_set_canned (proxy, NULL);
  kt_app_test_activate (window, "win.sync-now", NULL);
  kt_app_test_wait_for (synced, window, 60000, "a round with the server back");
  /* The server said who she is (asked after a round that went well). */
  kt_app_test_iterate (500);
  g_assert_true (kt_window_get_main_view (window) == view);
  g_assert_cmpstr (gtk_editable_get_text (kt_intaker_view_get_household_row (KT_INTAKER_VIEW (view))), ==,
                   "Familie Offline");

  kt_app_test_quit (app, window);
  kt_fault_proxy_stop (proxy);
  g_unsetenv ("KT_STORE_PATH");
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

/* The same for a supervisor: her inbox, not a list of households. */
static void
test_a_supervisor_starting_without_the_server_gets_her_own_view (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-role-start");
  g_autofree char *store = g_build_filename (dir, "supervisor.db", NULL);
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, kt_test_sync_users);
  g_autoptr(GUri) uri = g_uri_parse (kt_test_server_get_url (server), G_URI_FLAGS_NONE, NULL);
  g_autoptr(KtFaultProxy) proxy = kt_fault_proxy_new (g_uri_get_port (uri), 20261207);
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  KtApplication *app;
  KtWindow *window;
  guint16 port;

  port = kt_fault_proxy_start (proxy, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_setenv ("KT_STORE_PATH", store, TRUE);
  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  kt_test_device_sign_in (kt_window_get_sync_client (window), url, "super1");
  kt_app_test_wait_for (supervisor_view_shown, window, 20000, "the supervisor's view after signing in");
  kt_app_test_quit (app, window);

  kt_fault_proxy_set_canned (proxy, nothing);
  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open again");
  kt_app_test_wait_for (away, window, 20000, "a round that did not reach the server");
  kt_app_test_wait_for (supervisor_view_shown, window, 10000, "the supervisor's view without the server");

  kt_app_test_quit (app, window);
  kt_fault_proxy_stop (proxy);
  g_unsetenv ("KT_STORE_PATH");
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Signed out (with a registration still waiting, say) and the app closed:
 * at the next start she still sees her own form and list, not a coach's
 * list of households in which her registrations would open as a coach's.
 * A coach who signs in on the device then gets her list. */
static void
test_an_intaker_signed_out_keeps_her_own_view_after_a_restart (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-role-start");
  g_autofree char *store = g_build_filename (dir, "signed-out.db", NULL);
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, kt_test_sync_users);
  KtApplication *app;
  KtWindow *window;

  g_setenv ("KT_STORE_PATH", store, TRUE);
  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  kt_test_device_sign_in (kt_window_get_sync_client (window), kt_test_server_get_url (server), "intake1");
  kt_app_test_wait_for (intaker_view_shown, window, 20000, "the intaker's view after signing in");
  kt_test_device_sign_out (kt_window_get_sync_client (window));
  g_assert_true (intaker_view_shown (window));
  kt_app_test_quit (app, window);

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open again");
  g_assert_false (kt_sync_client_is_signed_in (kt_window_get_sync_client (window)));
  kt_app_test_wait_for (intaker_view_shown, window, 10000, "the intaker's view, signed out");

  /* A coach who signs in on this device gets her own list. */
  kt_test_device_sign_in (kt_window_get_sync_client (window), kt_test_server_get_url (server), "coach1");
  kt_app_test_wait_for (coach_view_shown, window, 20000, "the coach's list after she signed in");

  kt_app_test_quit (app, window);
  g_unsetenv ("KT_STORE_PATH");
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Without closing the app: the intaker signs out and a coach signs in; the
 * coach gets her list, not the intaker's form. */
static void
test_a_coach_signing_in_after_an_intaker_gets_her_list (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-role-start");
  g_autofree char *store = g_build_filename (dir, "shared.db", NULL);
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, kt_test_sync_users);
  KtApplication *app;
  KtWindow *window;

  g_setenv ("KT_STORE_PATH", store, TRUE);
  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  kt_test_device_sign_in (kt_window_get_sync_client (window), kt_test_server_get_url (server), "intake1");
  kt_app_test_wait_for (intaker_view_shown, window, 20000, "the intaker's view after signing in");
  kt_app_test_wait_for (synced, window, 20000, "the intaker's first round");
  kt_test_device_sign_out (kt_window_get_sync_client (window));
  kt_test_device_sign_in (kt_window_get_sync_client (window), kt_test_server_get_url (server), "coach1");
  kt_app_test_wait_for (coach_view_shown, window, 20000, "the coach's list after she signed in");

  kt_app_test_quit (app, window);
  g_unsetenv ("KT_STORE_PATH");
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char *argv[])
{
  KtTestNotifications *notifications;
  int result;

  kt_app_test_init_for_app (&argc, &argv);
  notifications = kt_test_notifications_start ();

  g_test_add_func ("/role-controller/an-intaker-starting-without-the-server-gets-her-own-view",
                   test_an_intaker_starting_without_the_server_gets_her_own_view);
  g_test_add_func ("/role-controller/a-supervisor-starting-without-the-server-gets-her-own-view",
                   test_a_supervisor_starting_without_the_server_gets_her_own_view);
  g_test_add_func ("/role-controller/an-intaker-signed-out-keeps-her-own-view-after-a-restart",
                   test_an_intaker_signed_out_keeps_her_own_view_after_a_restart);
  g_test_add_func ("/role-controller/a-coach-signing-in-after-an-intaker-gets-her-list",
                   test_a_coach_signing_in_after_an_intaker_gets_her_list);

  result = g_test_run ();
  kt_test_notifications_stop (notifications);
  return result;
}
