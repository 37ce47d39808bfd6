/* test-sync-widgets.c: the sync status, the sign-in dialog and the conflict
 * view as real widgets under Xvfb, against a real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kt-app-test.h"
#include "kt-conflict-view.h"
#include "kt-core.h"
#include "kt-sign-in-dialog.h"
#include "kt-sync-status-widget.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

#define PLAN_ID "2f1c8a52-6a57-4a3e-9d1c-3a4c5e6f7a8b"
#define CASE_ID "9e0b7a1c-1d2e-4f30-8a4b-5c6d7e8f9a0b"

static void
test_status_texts_follow_the_state (void)
{
  g_autofree char *signed_out = kt_sync_status_format (KT_SYNC_STATUS_SIGNED_OUT, 0, 0);
  g_autofree char *offline = kt_sync_status_format (KT_SYNC_STATUS_OFFLINE, 0, 0);
  g_autofree char *sign_in = kt_sync_status_format (KT_SYNC_STATUS_NEEDS_SIGN_IN, 0, 0);
  g_autofree char *conflicts = kt_sync_status_format (KT_SYNC_STATUS_SYNCED, 1, 2);
  g_autoptr(GDateTime) at = g_date_time_new_local (2026, 11, 25, 14, 2, 0);
  g_autofree char *synced = kt_sync_status_format (KT_SYNC_STATUS_SYNCED,
                                                   g_date_time_to_unix (at), 0);

  g_assert_null (signed_out);
  g_assert_cmpstr (offline, ==, "Offline");
  g_assert_cmpstr (sign_in, ==, "Sign in again");
  g_assert_cmpstr (synced, ==, "Synced at 14:02");
  g_assert_cmpstr (conflicts, ==, "2 conflicts to resolve");
}

/* The reason in words, and whether it needs the user: merely offline with
 * nothing waiting is calm; work held back, a refusal or a sign-in is not. */
static void
test_status_reasons_say_why (void)
{
  g_autoptr(GDateTime) at = g_date_time_new_local (2026, 11, 25, 14, 2, 0);
  gint64 last = g_date_time_to_unix (at);
  gboolean action = TRUE;
  g_autofree char *synced = kt_sync_status_describe (KT_SYNC_STATUS_SYNCED, NULL, last, 0, NULL, &action);
  g_autofree char *calm = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *sign_in = NULL;
  g_autofree char *keys = NULL;

  g_assert_null (synced);
  g_assert_false (action);
  calm = kt_sync_status_describe (KT_SYNC_STATUS_OFFLINE, "There is no network connection.", last, 0, NULL,
                                  &action);
  g_assert_cmpstr (calm, ==, "There is no network connection. Last synced at 14:02.");
  g_assert_false (action);
  waiting = kt_sync_status_describe (KT_SYNC_STATUS_OFFLINE, "There is no network connection.", last, 2, NULL,
                                     &action);
  g_assert_cmpstr (waiting, ==, "There is no network connection. Last synced at 14:02. "
                                "2 records wait to be sent.");
  g_assert_true (action);
  refused = kt_sync_status_describe (KT_SYNC_STATUS_ERROR, "1 record could not be sent: no coach", 0, 1, NULL,
                                     &action);
  g_assert_cmpstr (refused, ==, "1 record could not be sent: no coach. 1 record waits to be sent.");
  g_assert_true (action);
  sign_in = kt_sync_status_describe (KT_SYNC_STATUS_NEEDS_SIGN_IN, NULL, 0, 0, NULL, &action);
  g_assert_cmpstr (sign_in, ==, "Sign in again to sync.");
  g_assert_true (action);
  keys = kt_sync_status_describe (KT_SYNC_STATUS_SYNCED, NULL, last, 0, "Your key is missing.", &action);
  g_assert_cmpstr (keys, ==, "Your key is missing.");
  g_assert_true (action);
}

/* Whether work is held back (kt_sync_status_holds_back (), which makes no
 * words) is decided as kt_sync_status_describe () words it, for every
 * combination of its inputs: a reason exactly when describe has words,
 * held back exactly when those words ask the user to act. */
static void
test_status_holds_back_as_described (void)
{
  static const char *const messages[] = { NULL, "", "There is no network connection." };
  static const char *const key_problems[] = { NULL, "", "Your key is missing." };
  static const gint64 lasts[] = { 0, 1764075720 };
  static const guint pendings[] = { 0, 1, 2 };
  g_autofree char *dir = kt_test_tmpdir_new ("test-sync-widgets");
  g_autofree char *path = g_build_filename (dir, "sync.db", NULL);
  g_autoptr(KtSyncClient) client = kt_sync_client_new (path);
  guint n_held = 0;
  guint n_calm = 0;

  for (KtSyncStatus status = KT_SYNC_STATUS_SIGNED_OUT; status <= KT_SYNC_STATUS_PAUSED; status++)
    for (guint m = 0; m < G_N_ELEMENTS (messages); m++)
      for (guint l = 0; l < G_N_ELEMENTS (lasts); l++)
        for (guint n = 0; n < G_N_ELEMENTS (pendings); n++)
          for (guint k = 0; k < G_N_ELEMENTS (key_problems); k++)
            {
              gboolean action = FALSE;
              g_autofree char *reason = kt_sync_status_describe (status, messages[m], lasts[l], pendings[n],
                                                                 key_problems[k], &action);
              KtSyncReasonKind kind = kt_sync_status_reason_kind (status, messages[m], lasts[l],
                                                                  pendings[n], key_problems[k]);

              g_test_message ("status %d, message %u, last %u, pending %u, key problem %u",
                              status, m, l, pendings[n], k);
              g_assert_cmpint (kind == KT_SYNC_REASON_NONE, ==, reason == NULL);
              g_assert_cmpint (kind == KT_SYNC_REASON_HOLDS_BACK, ==, reason != NULL && action);
              g_assert_cmpint (action, ==, kind == KT_SYNC_REASON_HOLDS_BACK);
              n_held += kind == KT_SYNC_REASON_HOLDS_BACK;
              n_calm += kind == KT_SYNC_REASON_CALM;
            }
  /* The loop met each kind. */
  g_assert_cmpuint (n_held, >, 0);
  g_assert_cmpuint (n_calm, >, 0);

  /* And a client: never signed in, nothing waits, nothing is held back. */
  {
    gboolean action = TRUE;
    g_autofree char *reason = kt_sync_status_describe (kt_sync_client_get_status (client),
                                                       kt_sync_client_get_status_message (client),
                                                       kt_sync_client_get_last_synced (client),
                                                       kt_sync_client_get_n_pending (client), NULL, &action);

    g_assert_cmpint (kt_sync_status_holds_back (client, NULL), ==, reason != NULL && action);
    g_assert_false (kt_sync_status_holds_back (client, NULL));
    g_assert_false (kt_sync_status_holds_back (NULL, NULL));
  }
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
on_closed (GtkWindow *window,
           gboolean  *closed)
{
  *closed = TRUE;
}

static void
test_sign_in_dialog_shows_errors_in_place_then_signs_in (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-sync-widgets");
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, kt_test_sync_users);
  g_autoptr(KtSyncClient) client = kt_test_device_new (dir, "laptop");
  GtkWidget *status = kt_sync_status_widget_new (client);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWindow *window;
  GtkWidget *server_row, *username_row, *password_row, *button;
  gboolean closed = FALSE;
  KtSignInDialog *dialog;

  gtk_box_append (GTK_BOX (header), gtk_label_new ("Familie Jansen"));
  gtk_box_append (GTK_BOX (header), status);
  window = kt_app_test_show (header, 400, 60, FALSE);
  dialog = kt_sign_in_dialog_new (window, client);

  /* Signed out: the status stays out of the way. */
  g_assert_false (gtk_widget_get_visible (status));

  g_signal_connect (dialog, "destroy", G_CALLBACK (on_closed), &closed);
  gtk_window_present (GTK_WINDOW (dialog));
  server_row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_SIGN_IN_DIALOG, "server_row"));
  username_row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_SIGN_IN_DIALOG, "username_row"));
  password_row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_SIGN_IN_DIALOG, "password_row"));
  button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_SIGN_IN_DIALOG, "sign_in_button"));

  gtk_editable_set_text (GTK_EDITABLE (server_row), kt_test_server_get_url (server));
  gtk_editable_set_text (GTK_EDITABLE (username_row), "coach1");
  gtk_editable_set_text (GTK_EDITABLE (password_row), "wrong-password");
  g_signal_emit_by_name (button, "clicked");
  while (kt_sign_in_dialog_get_error (dialog) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (kt_sign_in_dialog_get_error (dialog), ==, "The username or password is not right.");
  g_assert_false (closed);
  g_assert_false (kt_sync_client_is_signed_in (client));
  /* The password is cleared for the next try; the rest stays. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password_row)), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (username_row)), ==, "coach1");
  g_free (kt_app_test_screenshot_widget (GTK_WIDGET (dialog), "sign-in-error"));

  gtk_editable_set_text (GTK_EDITABLE (password_row), KT_TEST_PASSWORD);
  g_signal_emit_by_name (button, "clicked");
  while (!closed)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (kt_sync_client_is_signed_in (client));

  {
    g_autoptr(GError) error = NULL;

    kt_test_device_sync (client, &error);
    g_assert_no_error (error);
  }
  g_assert_true (gtk_widget_get_visible (status));
  g_assert_true (g_str_has_prefix (kt_sync_status_widget_get_text (KT_SYNC_STATUS_WIDGET (status)),
                                   "Synced at "));
  kt_app_test_close (window);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static GBytes *
plan (gint64      rev,
      const char *question,
      gboolean    safety)
{
  g_autofree char *json = g_strdup_printf (
    "{\"schema\":\"keukentafel/1\",\"kind\":\"plan\",\"id\":\"" PLAN_ID "\",\"rev\":%"
    G_GINT64_FORMAT ",\"case_id\":\"" CASE_ID "\",\"question\":\"%s\",\"case_lead\":\"Anna\","
    "\"safety_required\":%s}", rev, question, safety ? "true" : "false");

  return g_bytes_new (json, strlen (json));
}

static void
on_resolve (KtConflictView *view,
            GHashTable     *choices,
            GHashTable    **out)
{
  *out = g_hash_table_ref (choices);
}

static void
test_conflict_view_chooses_per_field_or_keeps_both (void)
{
  g_autoptr(GBytes) local_body = plan (2, "Rust in huis", FALSE);
  g_autoptr(GBytes) server_body = plan (2, "Schulden regelen", TRUE);
  KtSyncConflict conflict = { 0 };
  g_autoptr(GHashTable) chosen = NULL;
  g_autoptr(KtSyncRecord) merged = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *question = NULL;
  g_autofree char *lead = NULL;
  GtkWidget *view;
  GtkWindow *window;
  GPtrArray *fields;

  conflict.id = (char *) PLAN_ID;
  conflict.local = kt_sync_record_new_for_body (local_body, &error);
  g_assert_no_error (error);
  conflict.server = kt_sync_record_new_for_body (server_body, &error);
  g_assert_no_error (error);

  view = kt_conflict_view_new (&conflict);
  window = kt_app_test_show (view, 900, 600, FALSE);
  g_signal_connect (view, "resolve", G_CALLBACK (on_resolve), &chosen);
  fields = kt_conflict_view_get_fields (KT_CONFLICT_VIEW (view));
  g_assert_cmpuint (fields->len, ==, 2);

  /* Nothing is saved until every field has a choice. */
  kt_conflict_view_keep_both (KT_CONFLICT_VIEW (view));
  g_assert_false (kt_conflict_view_is_complete (KT_CONFLICT_VIEW (view)));
  kt_conflict_view_save (KT_CONFLICT_VIEW (view));
  g_assert_null (chosen);
  g_free (kt_app_test_screenshot_widget (view, "conflict-view"));

  /* Yes or no cannot hold both: the user picks one. */
  kt_conflict_view_choose (KT_CONFLICT_VIEW (view), "safety_required", KT_SYNC_CHOICE_SERVER);
  g_assert_true (kt_conflict_view_is_complete (KT_CONFLICT_VIEW (view)));
  /* While a choice is being saved (on a worker) the view says so and a
   * second Save does nothing; after a failure it can be saved again. */
  kt_conflict_view_set_saving (KT_CONFLICT_VIEW (view), TRUE);
  g_assert_true (kt_conflict_view_is_saving (KT_CONFLICT_VIEW (view)));
  kt_conflict_view_save (KT_CONFLICT_VIEW (view));
  g_assert_null (chosen);
  kt_conflict_view_set_saving (KT_CONFLICT_VIEW (view), FALSE);
  kt_conflict_view_save (KT_CONFLICT_VIEW (view));
  g_assert_nonnull (chosen);

  merged = kt_sync_conflict_merge (&conflict, chosen, &error);
  g_assert_no_error (error);
  g_assert_cmpint (merged->rev, ==, 3);
  question = kt_sync_record_field_text (merged, "question");
  lead = kt_sync_record_field_text (merged, "safety_required");
  g_assert_cmpstr (question, ==, "Schulden regelen\n\nRust in huis");
  g_assert_cmpstr (lead, ==, "yes");

  kt_app_test_close (window);
  kt_sync_record_free (conflict.local);
  kt_sync_record_free (conflict.server);
}

int
main (int argc, char *argv[])
{
  kt_app_test_init (&argc, &argv);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/sync-widgets/status/texts-follow-the-state", test_status_texts_follow_the_state);
  g_test_add_func ("/sync-widgets/status/reasons-say-why", test_status_reasons_say_why);
  g_test_add_func ("/sync-widgets/status/holds-back-as-described", test_status_holds_back_as_described);
  g_test_add_func ("/sync-widgets/sign-in/errors-in-place-then-signs-in",
                   test_sign_in_dialog_shows_errors_in_place_then_signs_in);
  g_test_add_func ("/sync-widgets/conflict/chooses-per-field-or-keeps-both",
                   test_conflict_view_chooses_per_field_or_keeps_both);

  return g_test_run ();
}
