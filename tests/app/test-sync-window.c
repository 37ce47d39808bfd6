/* test-sync-window.c: syncing in the real window: sign in from the primary
 * menu, an assigned case appears in the list, a review result lands on the plan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "kt-app-test.h"
#include "kt-core.h"
#include "kt-sign-in-dialog.h"
#include "kt-fault-proxy.h"
#include "kt-test-notifications.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"
#include "kt-window-private.h"
#include "kt-case-view-private.h"
#include "kt-case-item.h"
#include "kt-case-row.h"
#include "kt-supervisor-view.h"
#include "kt-supervisor-inbox-private.h"
#include "kt-a11y.h"
#include "kt-sync-banner.h"
#include "kt-sync-button.h"
#include "kt-sync-status-widget.h"
#include "kt-intaker-view-private.h"
#include "kt-role-controller-private.h"
#include "kt-coach-list.h"

/* The desktop's notification server, as a session has one (review
 * results and assignments notify); started in main (). */
static KtTestNotifications *notifications;

/* What a test starts from: a temp dir with the app's store in it (the app
 * finds it through KT_STORE_PATH; its sync queue is beside it) and, unless
 * the test is added WITHOUT_SERVER, a sync server. */
typedef struct {
  char         *dir;
  char         *store;
  char         *state;     /* the sync queue's file, beside the store */
  KtTestServer *server;
  const char   *url;       /* the server's */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = kt_test_tmpdir_new ("kt-sync-window");
  f->store = g_build_filename (f->dir, "store.db", NULL);
  f->state = g_strconcat (f->store, ".sync", NULL);
  if (g_strcmp0 (data, "without-server") != 0)
    {
      f->server = kt_test_server_start (NULL, kt_test_sync_users);
      f->url = kt_test_server_get_url (f->server);
    }
  g_setenv ("KT_STORE_PATH", f->store, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_unsetenv ("KT_STORE_PATH");
  g_clear_pointer (&f->dir, kt_test_tmpdir_free);
  g_clear_pointer (&f->server, kt_test_server_free);
  g_free (f->store);
  g_free (f->state);
}

static gboolean
client_opened (gpointer data)
{
  KtSyncClient *client = kt_window_get_sync_client (data);

  return client != NULL && kt_sync_client_get_outbox (client) != NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  KtSignInDialog **dialog = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (KT_IS_SIGN_IN_DIALOG (window))
        *dialog = KT_SIGN_IN_DIALOG (window);
    }
  return *dialog != NULL;
}

/* The app made its account key and holds the team's: it seals. */
static gboolean
sealing (gpointer data)
{
  return kt_sync_client_get_sealer (data) != NULL;
}

/* super1's device, with its key in the directory, to review from: a review
 * is made and sealed on the supervisor's device (transfer full). */
static KtSyncClient *
supervisor_device (const char *dir,
                   const char *url)
{
  g_autoptr(KtKey) secret = kt_test_account_secret ("super1");
  g_autoptr(KtRecordSealer) sealer = kt_test_sealer_from_directory (url, "super1", secret, NULL, NULL,
                                                                   NULL, NULL);
  KtSyncClient *device = kt_test_device_new (dir, "super1-desk");

  kt_sync_client_set_sealer (device, sealer);
  kt_sync_client_set_sealing_required (device, TRUE);
  kt_test_device_sign_in (device, url, "super1");
  return device;
}

static gboolean
signed_in (gpointer data)
{
  return kt_sync_client_is_signed_in (data);
}

static gboolean
synced (gpointer data)
{
  return kt_sync_client_get_status (data) == KT_SYNC_STATUS_SYNCED;
}

static gboolean
one_case_listed (gpointer data)
{
  return g_list_model_get_n_items (kt_window_get_case_model (data)) == 1;
}

/* The one row says the server has its household: a row that a batch from
 * the server added takes its share state like the rows listed from the
 * store (the window finds rows by id in an index it keeps, issue 22). */
static gboolean
one_case_shared (gpointer data)
{
  GListModel *model = kt_window_get_case_model (data);
  g_autoptr(KtCaseItem) item = g_list_model_get_n_items (model) == 1 ? g_list_model_get_item (model, 0) : NULL;

  return item != NULL && kt_case_item_get_share_state (item) == KT_SHARE_SHARED;
}

static GtkEditable *
row (KtSignInDialog *dialog,
     const char     *name)
{
  return GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_SIGN_IN_DIALOG, name));
}

/* What a person does: the menu item, the three fields, the button. */
static void
sign_in_from_menu (KtWindow   *window,
                   const char *url,
                   const char *username)
{
  KtSignInDialog *dialog = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL);
  kt_app_test_wait_for (dialog_shown, &dialog, 5000, "the sign-in dialog");
  gtk_editable_set_text (row (dialog, "server_row"), url);
  gtk_editable_set_text (row (dialog, "username_row"), username);
  gtk_editable_set_text (row (dialog, "password_row"), KT_TEST_PASSWORD);
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_SIGN_IN_DIALOG,
                                                        "sign_in_button"), "clicked");
}

static gboolean
supervisor_view_shown (gpointer window)
{
  return KT_IS_SUPERVISOR_VIEW (kt_window_get_main_view (window));
}

/* The role on the server chooses the main view: a supervisor gets the inbox
 * and the team view instead of the coach's case list. */
static void
test_a_supervisor_gets_the_inbox_as_main_view (Fixture *f, gconstpointer data)
{
  KtApplication *app;
  KtWindow *window;
  GtkWidget *coach_view;
  g_autoptr(KtPlan) orphan = NULL;
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_PLAN };
  KtSupervisorInbox *inbox;
  GPtrArray *entries;
  gboolean found = FALSE;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  coach_view = kt_window_get_main_view (window);
  g_assert_false (KT_IS_SUPERVISOR_VIEW (coach_view));

  sign_in_from_menu (window, kt_test_server_get_url (f->server), "super1");
  kt_app_test_wait_for (supervisor_view_shown, window, 20000, "the supervisor's view");
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "intake.assign", "s", "coach1"));

  /* A plan submitted in the team whose case record has not come (yet):
   * the inbox lists it all the same. */
  orphan = kt_plan_new ();
  orphan->header.rev = 1;
  orphan->case_id = g_uuid_string_random ();
  orphan->author = g_strdup ("coach1");
  orphan->review = KT_REVIEW_SUBMITTED;
  orphan->submitted_at = g_get_real_time () / G_USEC_PER_SEC;
  doc.plan = orphan;
  g_assert_true (kt_store_save_document (kt_window_get_store (window), &doc, KT_SYNC_SYNCED, &error));
  g_assert_no_error (error);

  /* The lock covers the supervisor's view as well, and the inbox lets go
   * of what it showed until the PIN is given. */
  kt_app_test_activate (window, "win.lock", NULL);
  kt_app_test_iterate (500);   /* the crossfade */
  g_assert_cmpstr (kt_window_get_page (window), ==, "lock");
  g_assert_true (KT_IS_SUPERVISOR_VIEW (kt_window_get_main_view (window)));
  kt_app_test_unlock (window, KT_APP_TEST_PIN);
  kt_app_test_iterate (500);
  g_assert_cmpstr (kt_window_get_page (window), ==, "main");
  inbox = kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (kt_window_get_main_view (window)));
  entries = kt_supervisor_inbox_get_entries (inbox);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      KtReviewInboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->plan->header.id, orphan->header.id) == 0)
        {
          g_assert_null (entry->kase);
          found = TRUE;
        }
    }
  g_assert_true (found);

  kt_app_test_quit (app, window);
}

static KtCaseItem *case_item (KtWindow   *window,
                              const char *id);

static gboolean
approval_notified (gpointer data)
{
  return g_strcmp0 (kt_test_notifications_get_last_summary (notifications), "A plan was approved") == 0;
}

/* The first KtCaseRow below @widget that shows a household. */
static KtCaseRow *
find_case_row (GtkWidget *widget)
{
  if (KT_IS_CASE_ROW (widget))
    return KT_CASE_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      KtCaseRow *row = find_case_row (child);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static gboolean
row_says_approved (gpointer window)
{
  KtCaseRow *row = find_case_row (GTK_WIDGET (window));

  /* On screen and for a screen reader: the list names its rows when it
   * binds them, and again when the stage changes. */
  return row != NULL && g_strcmp0 (kt_case_row_get_stage_text (row), "Plan approved") == 0 &&
         gtk_widget_get_parent (GTK_WIDGET (row)) != NULL &&
         kt_a11y_get_label (gtk_widget_get_parent (GTK_WIDGET (row))) != NULL &&
         strstr (kt_a11y_get_label (gtk_widget_get_parent (GTK_WIDGET (row))), "Plan approved") != NULL;
}

/* The stage on a row follows the household's cycle: the plan's review
 * while it is reviewed (the newest version's), then the phase. */
static void
test_a_rows_stage_follows_the_cycle (void)
{
  KtCaseSummary summary = { .id = (char *) "c1", .household = (char *) "Familie Jansen",
                            .phase = KT_PHASE_CONVERSATION };
  g_autoptr(KtCaseItem) item = kt_case_item_new_from_summary (&summary);
  g_autoptr(KtPlan) v1 = kt_plan_new ();
  g_autoptr(KtPlan) v2 = kt_plan_new ();
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autofree char *conversation = kt_case_item_describe_stage (item);
  g_autofree char *waiting = NULL;
  g_autofree char *submitted = NULL;
  g_autofree char *returned = NULL;
  g_autofree char *approved = NULL;
  g_autofree char *support = NULL;

  g_assert_cmpstr (conversation, ==, "Conversation");
  v1->case_id = g_strdup ("c1");
  v1->version = 1;
  v1->review = KT_REVIEW_SUBMITTED;
  kt_case_item_set_plan (item, v1);
  /* Not "submitted" before the server has it (the plan page says so too). */
  waiting = kt_case_item_describe_stage (item);
  g_assert_cmpstr (waiting, ==, "Plan waits to be sent");
  /* The plan's own state, not the household's: a household the server
   * has does not make the plan submitted, nor does another record of it
   * waiting make a plan the server has wait. */
  kt_case_item_set_share_state (item, KT_SHARE_SHARED, NULL);
  g_clear_pointer (&waiting, g_free);
  waiting = kt_case_item_describe_stage (item);
  g_assert_cmpstr (waiting, ==, "Plan waits to be sent");
  g_assert_true (kt_case_item_stage_waits (item));
  g_assert_cmpstr (kt_case_item_get_plan_id (item), ==, v1->header.id);
  kt_case_item_set_share_state (item, KT_SHARE_WAITING, NULL);
  kt_case_item_set_plan_share_state (item, KT_SHARE_SHARED);
  submitted = kt_case_item_describe_stage (item);
  g_assert_cmpstr (submitted, ==, "Plan submitted");
  g_assert_false (kt_case_item_stage_waits (item));
  v1->review = KT_REVIEW_RETURNED;
  kt_case_item_set_plan (item, v1);
  returned = kt_case_item_describe_stage (item);
  g_assert_cmpstr (returned, ==, "Plan returned");
  /* An older version coming late says nothing about the newest. */
  v2->case_id = g_strdup ("c1");
  v2->version = 2;
  v2->review = KT_REVIEW_APPROVED;
  kt_case_item_set_plan (item, v2);
  v1->review = KT_REVIEW_SUBMITTED;
  kt_case_item_set_plan (item, v1);
  approved = kt_case_item_describe_stage (item);
  g_assert_cmpstr (approved, ==, "Plan approved");
  /* Carried out: the phase says more than the review. */
  g_free (kase->header.id);
  kase->header.id = g_strdup ("c1");
  kase->phase = KT_PHASE_SUPPORT;
  kt_case_item_update (item, kase);
  support = kt_case_item_describe_stage (item);
  g_assert_cmpstr (support, ==, "Support");
}

static void
test_signing_in_from_the_menu_pulls_the_assigned_case_and_review_results (Fixture *f, gconstpointer data)
{
  g_autofree char *case_id = kt_test_case_for_coach (f->dir, f->url);
  g_autofree char *plan_id = kt_uuid_new ();
  g_autoptr(GBytes) body = kt_test_submitted_plan_body (plan_id, case_id, 1, "Wat wil je bereiken?");
  g_autoptr(GError) error = NULL;
  g_autoptr(KtPlan) reviewed = NULL;
  g_autoptr(KtKey) super1_secret = kt_test_account_secret ("super1");
  g_autoptr(KtSyncClient) supervisor = NULL;
  g_autoptr(KtSyncRecord) approved = NULL;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  GtkWidget *empty_sign_in;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  client = kt_window_get_sync_client (window);
  g_assert_cmpint (kt_sync_client_get_status (client), ==, KT_SYNC_STATUS_SIGNED_OUT);
  /* A new user's empty list offers the sign-in beside a new request: an
   * intaker or a supervisor gets their view only from the server. */
  empty_sign_in = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), KT_TYPE_WINDOW,
                                                             "empty_sign_in_button"));
  kt_app_test_iterate (10);
  g_assert_true (gtk_widget_is_visible (empty_sign_in));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (empty_sign_in)), ==, "win.sign-in");

  /* The supervisor has a key: the coach's app seals to it. */
  kt_test_publish_key (f->url, "super1", super1_secret);
  sign_in_from_menu (window, f->url, "coach1");
  kt_app_test_wait_for (signed_in, client, 10000, "signing in");
  g_assert_false (gtk_widget_get_visible (empty_sign_in));
  kt_app_test_wait_for (sealing, client, 20000, "the account key");

  /* The case the intaker assigned appears by itself. */
  kt_app_test_wait_for (one_case_listed, window, 20000, "the assigned case in the list");
  kt_app_test_wait_for (one_case_shared, window, 10000, "the assigned case's row to say it is shared");

  /* The coach shares a plan; the supervisor approves it; the result lands
   * on the plan in the store. */
  kt_sync_client_share (client, body, &error);
  g_assert_no_error (error);
  kt_test_device_sync (client, &error);
  g_assert_no_error (error);
  supervisor = supervisor_device (f->dir, f->url);
  approved = kt_test_review (supervisor, plan_id, 1, KT_REVIEW_DECISION_APPROVE, "Helder plan.", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (approved->review, ==, "approved");
  kt_test_device_sync (client, &error);
  g_assert_no_error (error);
  reviewed = kt_store_load_plan (kt_window_get_store (window), plan_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reviewed->review, ==, KT_REVIEW_APPROVED);
  g_assert_cmpuint (reviewed->comments->len, >=, 1);
  /* The household's row follows: no longer "Conversation" but approved. */
  kt_app_test_wait_for (row_says_approved, window, 10000, "the row to say the plan is approved");
  g_assert_cmpint (kt_case_item_get_plan_review (case_item (window, case_id)), ==, KT_REVIEW_APPROVED);
  /* The approval notified, without names (a notification may stand on a
   * locked screen). */
  kt_app_test_wait_for (approval_notified, NULL, 10000, "the approval's notification");

  kt_app_test_quit (app, window);
}

typedef struct {
  KtSyncClient *client;
  const char   *id;
  KtShareState  state;
} ShareWait;

static gboolean
record_in_state (gpointer data)
{
  ShareWait *wait = data;

  return kt_sync_client_get_record_state (wait->client, wait->id, NULL) == wait->state;
}

static void
make_ready_for_review (KtPlan *plan)
{
  KtGoal *goal = kt_goal_new ();
  KtAction *action = kt_action_new ();

  g_free (plan->conversation_note);
  plan->conversation_note = g_strdup ("Tweede gesprek volgt");
  action->what = g_strdup ("Bellen met de woningcorporatie");
  g_ptr_array_add (goal->actions, action);
  g_ptr_array_add (plan->goals, goal);
  plan->agreement.state = KT_AGREEMENT_PARTLY;
}

/* The app started and @username signed in from its menu, as a person does. */
static KtApplication *
start_signed_in (const char  *url,
                 const char  *username,
                 KtWindow   **window)
{
  KtApplication *app = kt_app_test_start (window);

  kt_app_test_wait_for (client_opened, *window, 10000, "the sync client to open");
  sign_in_from_menu (*window, url, username);
  kt_app_test_wait_for (signed_in, kt_window_get_sync_client (*window), 10000, "signing in");
  return app;
}

/* The list item of household @id. */
static KtCaseItem *
case_item (KtWindow   *window,
           const char *id)
{
  GListModel *model = kt_window_get_case_model (window);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KtCaseItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (kt_case_item_get_id (item), id) == 0)
        return item;
    }
  return NULL;
}

static const char *
label_text (GtkWidget  *widget,
            GType       type,
            const char *name)
{
  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (widget, type, name)));
}

static GtkWidget *
case_view_child (KtCaseView *view,
                 const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, name));
}

/* The button beside the sync reason under the household's header. */
static GtkWidget *
reason_button (KtCaseView *view)
{
  GObject *button = gtk_widget_get_template_child (case_view_child (view, "sync_status"),
                                                   KT_TYPE_SYNC_STATUS_WIDGET, "action_button");

  g_assert_nonnull (button);
  return GTK_WIDGET (button);
}

static GtkWidget *
status_child (KtSyncStatusWidget *status,
              const char         *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (status), KT_TYPE_SYNC_STATUS_WIDGET, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* The icon beside the sync state under the household's header, or NULL. */
static const char *
status_icon (KtSyncStatusWidget *status)
{
  GtkWidget *icon = status_child (status, "icon");

  return gtk_widget_get_visible (icon) ? gtk_image_get_icon_name (GTK_IMAGE (icon)) : NULL;
}

/* The banner above the list says why syncing stopped (a refusal). */
static gboolean
sync_reason_shown (gpointer window)
{
  KtSyncBanner *banner = KT_SYNC_BANNER (kt_window_get_sync_banner (window));

  return kt_sync_banner_get_text (banner) != NULL &&
         strstr (kt_sync_banner_get_text (banner), "could not be sent") != NULL;
}

/* A household started with "+" and its plan reach the server when the plan
 * is submitted; "submitted" shows only once the server has it; a record the
 * server refuses shows on the household's row and page, in words. */
static void
test_a_household_started_with_plus_reaches_the_server_and_a_refusal_shows_on_it (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) submitted = NULL;
  g_autoptr(GBytes) refused_body = NULL;
  g_autoptr(KtPlan) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  KtCaseView *view;
  KtPlanPage *page;
  KtPlan *plan;
  const char *case_id;
  KtCaseItem *item;
  ShareWait wait = { 0 };

  app = start_signed_in (f->url, "coach1", &window);
  client = kt_window_get_sync_client (window);

  kt_app_test_activate (window, "win.new-case", NULL);
  view = kt_window_get_case_view (window);
  page = kt_case_view_get_plan_page (view);
  plan = kt_plan_page_get_plan (page);
  case_id = plan->case_id;
  item = case_item (window, case_id);
  g_assert_nonnull (item);
  g_assert_cmpint (kt_case_item_get_share_state (item), ==, KT_SHARE_LOCAL);

  /* Ready for review: a note why before the conversation ends, a goal with
   * an action, the resident asked. */
  make_ready_for_review (plan);
  g_assert_true (kt_plan_page_submit (page, &error));
  g_assert_no_error (error);
  /* A submitted plan ends the conversation: the household is in the plan
   * phase, and its header says where the plan stands, as its row does. */
  g_assert_cmpint (kt_case_view_get_case (view)->phase, ==, KT_PHASE_PLAN);
  g_assert_cmpstr (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "phase_label"), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Plan waits to be sent"));
  /* Until the server has it, it waits; it never says "submitted" early. */
  g_assert_cmpstr (label_text (GTK_WIDGET (page), KT_TYPE_PLAN_PAGE, "locked_label"), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Waiting to be sent for review. It goes to the server as soon as "
                                                "there is a connection; until then the plan cannot be changed."));
  wait.client = client;
  wait.id = plan->header.id;
  wait.state = KT_SHARE_SHARED;
  kt_app_test_wait_for (record_in_state, &wait, 20000, "the plan to reach the server");
  kt_app_test_iterate (100);
  g_assert_cmpstr (label_text (GTK_WIDGET (page), KT_TYPE_PLAN_PAGE, "locked_label"), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Submitted for review. The plan cannot be changed now; "
                                                "make a new version if something has to change."));
  g_assert_cmpint (kt_case_item_get_share_state (item), ==, KT_SHARE_SHARED);
  g_assert_cmpstr (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "phase_label"), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Plan submitted"));
  g_assert_cmpuint (kt_test_http (f->url, "super1", "GET", "/plans?state=submitted", NULL, &submitted), ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (submitted, NULL), g_bytes_get_size (submitted),
                                  plan->header.id));

  /* A plan the server refuses (only a supervisor approves). */
  refused = kt_plan_new ();
  refused->header.rev = 1;
  refused->case_id = g_strdup (case_id);
  refused->review = KT_REVIEW_APPROVED;
  refused_body = kt_plan_encode (refused);
  g_assert_true (kt_sync_client_share (client, refused_body, &error));
  g_assert_no_error (error);
  wait.id = refused->header.id;
  wait.state = KT_SHARE_REFUSED;
  kt_app_test_wait_for (record_in_state, &wait, 20000, "the server to refuse the plan");
  kt_app_test_iterate (100);
  g_assert_cmpint (kt_case_item_get_share_state (item), ==, KT_SHARE_REFUSED);
  g_assert_nonnull (kt_case_item_get_share_reason (item));
  /* In words, with the server's reason and what to do. */
  expected = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE,
                                          "Not shared: the server refused a record of this household: %s"),
                              kt_case_item_get_share_reason (item));
  g_assert_true (g_str_has_prefix (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "share_label"), expected));
  g_assert_nonnull (strstr (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "share_label"),
                            g_dgettext (GETTEXT_PACKAGE, "What now: your work stays on this device and "
                                                         "Keukentafel tries again at every sync. If this "
                                                         "stays, ask your administrator; do not type it again.")));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view),
                                                                                    KT_TYPE_CASE_VIEW,
                                                                                    "share_banner"))));
  /* Why, where the coach looks, once: above the list, beside the
   * household, where the bar also says what to do; the household's header
   * states the sync state without saying it again. */
  kt_app_test_wait_for (sync_reason_shown, window, 20000, "the refusal above the list");
  g_assert_nonnull (strstr (kt_sync_banner_get_text (KT_SYNC_BANNER (kt_window_get_sync_banner (window))),
                            kt_case_item_get_share_reason (item)));
  g_assert_null (kt_sync_status_widget_get_reason (KT_SYNC_STATUS_WIDGET (
    gtk_widget_get_template_child (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "sync_status"))));
  kt_app_test_screenshot (GTK_WINDOW (window), "sync-refused-record");
  g_assert_false (gtk_widget_get_visible (reason_button (view)));
  /* While the resident watches the list is hidden: the header says why,
   * without the button (the list's sync controls are hidden too). */
  kt_case_view_set_resident_watching (view, TRUE);
  kt_app_test_iterate (20);
  g_assert_nonnull (kt_sync_status_widget_get_reason (KT_SYNC_STATUS_WIDGET (
    gtk_widget_get_template_child (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "sync_status"))));
  g_assert_false (gtk_widget_get_visible (reason_button (view)));
  kt_case_view_set_resident_watching (view, FALSE);
  kt_app_test_iterate (20);
  /* On a tablet held upright the header bar says the household; the
   * reason stays on screen under the sync state. */
  kt_app_test_resize (GTK_WINDOW (window), 800, 1280);
  kt_app_test_iterate (300);
  g_assert_true (adw_view_switcher_title_get_title_visible (ADW_VIEW_SWITCHER_TITLE (
    gtk_widget_get_template_child (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "switcher_title"))));
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view),
                                                                                   KT_TYPE_CASE_VIEW,
                                                                                   "sync_status"))));
  /* Folded, the bar is on the list's page: the header says why, and
   * what to do about it, as the bar does (named for a screen reader). */
  g_assert_nonnull (strstr (kt_sync_status_widget_get_reason (KT_SYNC_STATUS_WIDGET (
    gtk_widget_get_template_child (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "sync_status"))),
                            kt_case_item_get_share_reason (item)));
  g_assert_true (gtk_widget_is_visible (reason_button (view)));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (reason_button (view))), ==, "win.sync-now");
  g_assert_cmpstr (kt_a11y_get_label (reason_button (view)), ==, "Sync Now");
  g_assert_true (gtk_widget_activate_action (reason_button (view), "win.sync-now", NULL));
  g_assert_false (gtk_widget_is_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view),
                                                                                    KT_TYPE_CASE_VIEW,
                                                                                    "household_label"))));
  kt_app_test_screenshot (GTK_WINDOW (window), "sync-refused-record");

  kt_app_test_quit (app, window);
}

/* Approved, and by whom: the supervisor's name as the server gives it
 * with the team's keys, not her account name. */
static gboolean
plan_page_approved (gpointer page)
{
  KtPlan *plan = kt_plan_page_get_plan (page);
  g_autofree char *approved = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Approved by %s. Make a new "
                                                                            "version to change the plan."),
                                               "Supervisor Een");

  return plan != NULL && plan->review == KT_REVIEW_APPROVED &&
         g_strcmp0 (label_text (GTK_WIDGET (page), KT_TYPE_PLAN_PAGE, "locked_label"), approved) == 0;
}

/* A household started with "+" and submitted before the coach ever signed
 * in went out without a coach, and the server refused it.  On signing in
 * it gets the coach and goes again, with its plan. */
static void
test_a_plus_household_submitted_before_signing_in_goes_with_its_coach (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) submitted = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtKey) super1_secret = kt_test_account_secret ("super1");
  g_autoptr(KtSyncClient) supervisor = NULL;
  g_autoptr(KtSyncRecord) approved = NULL;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  KtCaseView *view;
  KtPlanPage *page;
  KtPlan *plan;
  KtCase *kase;
  ShareWait wait = { 0 };

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  client = kt_window_get_sync_client (window);

  kt_app_test_activate (window, "win.new-case", NULL);
  view = kt_window_get_case_view (window);
  page = kt_case_view_get_plan_page (view);
  plan = kt_plan_page_get_plan (page);
  kase = kt_case_view_get_case (view);
  make_ready_for_review (plan);
  g_assert_true (kt_plan_page_submit (page, &error));
  g_assert_no_error (error);
  g_assert_null (kase->coach);
  /* The save runs on the store's worker; the outbox follows it. */
  wait.client = client;
  wait.id = plan->header.id;
  wait.state = KT_SHARE_WAITING;
  kt_app_test_wait_for (record_in_state, &wait, 10000, "the plan to be queued");

  kt_test_publish_key (f->url, "super1", super1_secret);
  sign_in_from_menu (window, f->url, "coach1");
  kt_app_test_wait_for (signed_in, client, 10000, "signing in");
  wait.client = client;
  wait.id = plan->header.id;
  wait.state = KT_SHARE_SHARED;
  kt_app_test_wait_for (record_in_state, &wait, 20000, "the plan to reach the server");
  g_assert_cmpstr (kase->coach, ==, "coach1");
  g_assert_cmpint (kt_sync_client_get_case_state (client, kase->header.id, NULL), ==, KT_SHARE_SHARED);
  g_assert_cmpuint (kt_test_http (f->url, "super1", "GET", "/plans?state=submitted", NULL, &submitted), ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (submitted, NULL), g_bytes_get_size (submitted),
                                  plan->header.id));

  /* The supervisor approves; the open plan says so without reopening. */
  supervisor = supervisor_device (f->dir, f->url);
  approved = kt_test_review (supervisor, plan->header.id, plan->header.rev, KT_REVIEW_DECISION_APPROVE,
                             "Helder.", &error);
  g_assert_no_error (error);
  kt_app_test_wait_for (plan_page_approved, page, 20000, "the approval on the open plan");

  kt_app_test_quit (app, window);
}

static gboolean
intaker_view_shown (gpointer window)
{
  return KT_IS_INTAKER_VIEW (kt_window_get_main_view (window));
}

static gboolean
idle_locked (gpointer window)
{
  return g_strcmp0 (kt_window_get_page (window), "lock") == 0;
}

static const char *
first_registered (GtkListBox *list)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_widget_get_first_child (GTK_WIDGET (list))));
}

/* After the PIN the records come back from the store on a worker, so the
 * list fills a moment after the window shows its main page. */
static gboolean
bakker_listed_again (gpointer list)
{
  return g_strcmp0 (first_registered (list), "Familie Bakker") == 0;
}

/* The window's sync controller and role controller send through one role
 * client: each role client sends the queue of assignments after a push,
 * and with one each the app sent an assignment twice. */
static void
test_one_role_client_serves_the_sync_and_role_controllers (Fixture *f, gconstpointer data)
{
  KtApplication *app;
  KtWindow *window;
  KtRoleClient *roles;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  roles = kt_sync_controller_get_roles (kt_window_get_sync_controller (window));
  g_assert_nonnull (roles);
  g_assert_true (kt_role_controller_get_roles (kt_window_get_role_controller (window)) == roles);

  kt_app_test_quit (app, window);
}

typedef struct {
  const char *path;
  char       *query;
} MarkWait;

static gboolean
marked_synced (gpointer data)
{
  MarkWait *wait = data;

  return kt_test_sqlite_count (wait->path, wait->query) == 1;
}

/* The server took a record: the store notes it on its worker, after the
 * saves before it, so a save holding the store (a slow disk) does not stop
 * the window (issue 22: it was written on the main loop). */
static void
test_a_record_the_server_took_is_noted_off_the_main_loop (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  KtApplication *app;
  KtWindow *window;
  KtStore *store;
  KtCase *kase;
  MarkWait wait = { f->store, NULL };

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  store = kt_window_get_store (window);
  kt_app_test_activate (window, "win.new-case", NULL);
  kase = kt_case_view_get_case (kt_window_get_case_view (window));
  g_assert_nonnull (kase);
  g_assert_true (kt_store_flush (store, &error));
  g_assert_no_error (error);
  wait.query = g_strdup_printf ("SELECT count(*) FROM records WHERE id = '%s' AND sync_state = %d "
                                "AND server_rev = 7", kase->header.id, KT_SYNC_SYNCED);
  g_assert_cmpint (kt_test_sqlite_count (f->store, wait.query), ==, 0);

  kt_app_test_hold_store (store);
  g_signal_emit_by_name (kt_window_get_sync_client (window), "record-pushed", kase->header.id, (gint64) 7);
  g_assert_cmpuint (kt_app_test_tick_while_held (5), >=, 5);
  kt_app_test_release_store ();
  kt_app_test_wait_for (marked_synced, &wait, 10000, "the record noted as synced");

  g_free (wait.query);
  kt_app_test_quit (app, window);
}

/* What the intaker registers is saved off the main loop.  The form locks
 * like every view: by Ctrl+L and when idle; the PIN brings back the form
 * with what was typed, and the list of what they registered. */
static void
test_the_intaker_locks_and_lists_what_they_registered (Fixture *f, gconstpointer data)
{
  KtApplication *app;
  KtWindow *window;
  KtIntakerView *view;
  GtkListBox *list;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  sign_in_from_menu (window, kt_test_server_get_url (f->server), "intake1");
  kt_app_test_wait_for (intaker_view_shown, window, 20000, "the intaker's view");
  view = KT_INTAKER_VIEW (kt_window_get_main_view (window));

  gtk_editable_set_text (kt_intaker_view_get_household_row (view), "Familie Bakker");
  kt_app_test_type_text (kt_intaker_view_get_question_view (view), "Hulp bij de administratie");
  kt_app_test_type_text (kt_intaker_view_get_desk_note_view (view), "Folder meegegeven");
  list = kt_intaker_view_get_registered_list (view);
  /* Kept on the store's worker (issue 22): while a save holds the store
   * the window turns, and the list has it once it is on disk. */
  kt_app_test_hold_store (kt_window_get_store (window));
  kt_app_test_activate (view, "intake.close-at-desk", NULL);
  g_assert_cmpuint (kt_app_test_tick_while_held (5), >=, 5);
  g_assert_cmpstr (first_registered (list), ==, "Nothing registered yet");
  kt_app_test_release_store ();
  kt_app_test_wait_for (bakker_listed_again, list, 10000, "the registration kept");

  /* Ctrl+L (win.lock) locks the intaker's window too; typed work waits. */
  gtk_editable_set_text (kt_intaker_view_get_household_row (view), "Familie de Wit");
  kt_app_test_activate (window, "win.lock", NULL);
  g_assert_cmpstr (kt_window_get_page (window), ==, "lock");
  /* The list lets go of the names while locked. */
  g_assert_cmpstr (first_registered (list), ==, "Nothing registered yet");
  kt_app_test_unlock (window, KT_APP_TEST_PIN);
  g_assert_cmpstr (kt_window_get_page (window), ==, "main");
  g_assert_cmpstr (gtk_editable_get_text (kt_intaker_view_get_household_row (view)), ==, "Familie de Wit");
  kt_app_test_wait_for (bakker_listed_again, list, 10000, "the registered list after the PIN");

  /* And by itself when idle. */
  kt_store_set_idle_timeout (kt_window_get_store (window), 1);
  kt_app_test_wait_for (idle_locked, window, 10000, "the idle lock");
  kt_store_set_idle_timeout (kt_window_get_store (window), 0);
  kt_app_test_unlock (window, KT_APP_TEST_PIN);
  g_assert_cmpstr (kt_window_get_page (window), ==, "main");

  kt_app_test_quit (app, window);
}

static gboolean
problem_shown (gpointer view)
{
  return kt_intaker_view_get_problem (view) != NULL;
}

/* The intaker assigns a household; the assignment reaches the server, but
 * this device cannot take it off its queue (the sync queue refuses the
 * write, as a full disk would): the intaker reads why over their view.
 * Before, only the log said so. */
static void
test_an_assignment_the_queue_cannot_drop_shows_to_the_intaker (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) coaches = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_coach_free);
  KtApplication *app;
  KtWindow *window;
  KtIntakerView *view;

  app = start_signed_in (f->url, "intake1", &window);
  kt_app_test_wait_for (intaker_view_shown, window, 20000, "the intaker's view");
  view = KT_INTAKER_VIEW (kt_window_get_main_view (window));

  /* The queue of assignments may be written, not emptied. */
  kt_test_sqlite_exec (f->state, KT_TEST_KEEP_ASSIGNMENTS);

  g_ptr_array_add (coaches, kt_coach_new ("coach1", "Coach Een", 0));
  kt_intaker_view_set_coaches (view, coaches);
  gtk_editable_set_text (kt_intaker_view_get_household_row (view), "Familie Bakker");
  kt_app_test_type_text (kt_intaker_view_get_question_view (view), "Hulp bij de administratie");
  kt_app_test_activate (view, "intake.assign", g_variant_new_string ("coach1"));
  kt_app_test_wait_for (problem_shown, view, 30000, "the queue's problem over the intaker's view");
  g_assert_true (g_str_has_prefix (kt_intaker_view_get_problem (view),
                                   "An assignment reached the server, but this device could not take it "
                                   "off its queue: "));

  kt_app_test_quit (app, window);
}

/* The team's list came from the server (it names coach1), so a list the
 * test sets is not replaced by it; the offline copy an earlier test left
 * is removed first (kt_coach_list_default_path), or it would name coach1
 * before the server answered. */
static gboolean
coaches_fetched (gpointer view)
{
  return kt_app_test_shows_label (view, "Coach Een");
}

/* The intaker assigns a household to someone the team's list on this
 * device has but the server knows as no coach of the team (gone, or of
 * another team): the server refuses, the queue drops the assignment, and
 * the intaker reads which household, which coach, why and what to do over
 * their view.  Before, nothing was said and the household stayed without
 * a coach. */
static void
test_an_assignment_the_server_refuses_shows_to_the_intaker (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) coaches = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_coach_free);
  KtApplication *app;
  KtWindow *window;
  KtIntakerView *view;
  const char *problem;
  g_autofree char *offline_copy = kt_coach_list_default_path ("intake1");

  g_unlink (offline_copy);
  app = start_signed_in (f->url, "intake1", &window);
  kt_app_test_wait_for (intaker_view_shown, window, 20000, "the intaker's view");
  view = KT_INTAKER_VIEW (kt_window_get_main_view (window));
  kt_app_test_wait_for (coaches_fetched, view, 20000, "the team's list of coaches");

  /* An offline copy of the list from before piet left the team. */
  g_ptr_array_add (coaches, kt_coach_new ("coach1", "Coach Een", 0));
  g_ptr_array_add (coaches, kt_coach_new ("piet", "Piet Vertrokken", 0));
  kt_intaker_view_set_coaches (view, coaches);
  gtk_editable_set_text (kt_intaker_view_get_household_row (view), "Familie Bakker");
  kt_app_test_type_text (kt_intaker_view_get_question_view (view), "Hulp bij de administratie");
  kt_app_test_activate (view, "intake.assign", g_variant_new_string ("piet"));
  kt_app_test_wait_for (problem_shown, view, 30000, "the refusal over the intaker's view");
  problem = kt_intaker_view_get_problem (view);
  g_assert_cmpstr (problem, ==,
                   "The server did not assign “Familie Bakker” to Piet Vertrokken. The server knows no "
                   "active coach of your team by that name. The household has no coach yet: register "
                   "it again and assign it to a coach from your team’s list.");
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (kt_role_controller_get_roles (
                      kt_window_get_role_controller (window))), ==, 0);

  kt_app_test_quit (app, window);
}

/* The intaker registers a household, and the sync queue refuses to take
 * it (as a full disk would): the intaker reads so over their view, and the
 * form holds what they typed again, to register it once more.  Before,
 * only the log said so and the form was empty. */
static void
test_a_registration_the_queue_cannot_take_shows_to_the_intaker (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) coaches = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_coach_free);
  KtApplication *app;
  KtWindow *window;
  KtIntakerView *view;
  GtkTextBuffer *question;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  app = start_signed_in (f->url, "intake1", &window);
  kt_app_test_wait_for (intaker_view_shown, window, 20000, "the intaker's view");
  view = KT_INTAKER_VIEW (kt_window_get_main_view (window));

  /* The outbox takes no new record. */
  kt_test_sqlite_exec (f->state,
                       "CREATE TRIGGER refuse_records BEFORE INSERT ON outbox "
                       "BEGIN SELECT RAISE (ABORT, 'database or disk is full'); END");

  g_ptr_array_add (coaches, kt_coach_new ("coach1", "Coach Een", 0));
  kt_intaker_view_set_coaches (view, coaches);
  gtk_editable_set_text (kt_intaker_view_get_household_row (view), "Familie Bakker");
  kt_app_test_type_text (kt_intaker_view_get_question_view (view), "Hulp bij de administratie");
  kt_app_test_activate (view, "intake.assign", g_variant_new_string ("coach1"));
  kt_app_test_wait_for (problem_shown, view, 30000, "the registration's problem over the intaker's view");
  g_assert_true (g_str_has_prefix (kt_intaker_view_get_problem (view),
                                   "“Familie Bakker” could not be kept to be sent. "));
  g_assert_true (g_str_has_suffix (kt_intaker_view_get_problem (view),
                                   " The form holds it again: register it again."));
  g_assert_cmpstr (gtk_editable_get_text (kt_intaker_view_get_household_row (view)), ==, "Familie Bakker");
  question = gtk_text_view_get_buffer (kt_intaker_view_get_question_view (view));
  gtk_text_buffer_get_bounds (question, &start, &end);
  text = gtk_text_buffer_get_text (question, &start, &end, FALSE);
  g_assert_cmpstr (text, ==, "Hulp bij de administratie");

  kt_app_test_quit (app, window);
}

static gboolean
signed_out (gpointer data)
{
  return !kt_sync_client_is_signed_in (data);
}

static gboolean
message_dialog_shown (gpointer data)
{
  AdwMessageDialog **dialog = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  *dialog = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        *dialog = ADW_MESSAGE_DIALOG (window);
    }
  return *dialog != NULL;
}

static gboolean
password_verifier_kept (gpointer window)
{
  return kt_store_has_unlock_secret (kt_window_get_store (window), KT_UNLOCK_PASSWORD);
}

/* Answers the sign-out question with @response, as a click would. */
static void
answer_sign_out (KtWindow   *window,
                 const char *response)
{
  AdwMessageDialog *dialog = NULL;

  kt_app_test_activate (window, "win.sign-out", NULL);
  kt_app_test_wait_for (message_dialog_shown, &dialog, 5000, "the sign-out question");
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "keep");
  g_assert_true (adw_message_dialog_has_response (dialog, "cancel"));
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  kt_app_test_iterate (50);
}

/* Signing in says who is signed in where; signing out with work not yet
 * on the server asks first, and whatever is answered nothing is dropped. */
static void
test_sign_out_asks_and_keeps_unsynced_work (Fixture *f, gconstpointer data)
{
  g_autofree char *case_id = kt_uuid_new ();
  g_autofree char *plan_id = kt_uuid_new ();
  g_autoptr(GBytes) body = kt_test_plan_body (plan_id, case_id, 1, "Wat wil je bereiken?");
  g_autoptr(GError) error = NULL;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  KtSyncButton *button;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  client = kt_window_get_sync_client (window);
  button = KT_SYNC_BUTTON (kt_window_get_sync_button (window));
  g_assert_cmpstr (kt_sync_button_get_account_text (button), ==, "Not signed in");

  sign_in_from_menu (window, kt_test_server_get_url (f->server), "coach1");
  kt_app_test_wait_for (signed_in, client, 10000, "signing in");
  g_assert_true (g_str_has_prefix (kt_sync_button_get_account_text (button), "Signed in as "));
  g_assert_nonnull (strstr (kt_sync_button_get_account_text (button), "127.0.0.1"));
  /* The account password now unlocks this device too (offline). */
  kt_app_test_wait_for (password_verifier_kept, window, 20000, "the password verifier");

  /* Offline, a shared plan waits in the outbox. */
  kt_test_server_stop (f->server);
  kt_sync_client_share (client, body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kt_sync_client_get_n_pending (client), ==, 1);

  answer_sign_out (window, "cancel");
  g_assert_true (kt_sync_client_is_signed_in (client));

  answer_sign_out (window, "keep");
  kt_app_test_wait_for (signed_out, client, 10000, "signing out");
  g_assert_cmpuint (kt_sync_client_get_n_pending (client), ==, 1);
  g_assert_cmpstr (kt_sync_button_get_account_text (button), ==, "Not signed in");

  kt_app_test_quit (app, window);
}

static gboolean
server_unreachable_shown (gpointer banner)
{
  const char *text = kt_sync_banner_get_text (banner);

  return text != NULL && strstr (text, "The server cannot be reached.") != NULL;
}

/* The server went away with a plan waiting: the list says so in words,
 * since when, what waits and what the coach can do, without opening the
 * sync popover; a screen reader reads the same.  Signed out with the work
 * kept, it says that the work waits for a sign-in. */
static void
test_why_it_does_not_sync_shows_above_the_list (Fixture *f, gconstpointer data)
{
  g_autofree char *case_id = kt_uuid_new ();
  g_autofree char *plan_id = kt_uuid_new ();
  g_autoptr(GBytes) body = kt_test_plan_body (plan_id, case_id, 1, "Wat wil je bereiken?");
  g_autoptr(GError) error = NULL;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  KtSyncBanner *banner;
  GtkWidget *button;
  const char *text;

  app = start_signed_in (kt_test_server_get_url (f->server), "coach1", &window);
  client = kt_window_get_sync_client (window);
  banner = KT_SYNC_BANNER (kt_window_get_sync_banner (window));
  kt_app_test_wait_for (password_verifier_kept, window, 20000, "the password verifier");
  kt_app_test_wait_for (synced, client, 20000, "the first sync");
  /* All is well: nothing above the list. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (banner)));
  g_assert_null (kt_sync_banner_get_text (banner));

  kt_test_server_stop (f->server);
  kt_sync_client_share (client, body, &error);
  g_assert_no_error (error);
  kt_app_test_activate (window, "win.sync-now", NULL);
  kt_app_test_wait_for (server_unreachable_shown, banner, 20000, "the unreachable server above the list");
  text = kt_sync_banner_get_text (banner);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (banner)));
  g_assert_nonnull (strstr (text, "Last synced at "));
  g_assert_nonnull (strstr (text, "1 record waits to be sent."));
  button = kt_sync_banner_get_button (banner);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.sync-now");
  g_assert_cmpstr (kt_a11y_get_label (button), ==, "Sync Now");
  /* A long reason does not fold the household away beside the list. */
  g_assert_false (adw_leaflet_get_folded (ADW_LEAFLET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                                      KT_TYPE_WINDOW,
                                                                                      "leaflet"))));
  kt_app_test_screenshot (GTK_WINDOW (window), "sync-why-unreachable");

  answer_sign_out (window, "keep");
  kt_app_test_wait_for (signed_out, client, 10000, "signing out");
  g_assert_cmpstr (kt_sync_banner_get_text (banner), ==, "Signed out: 1 record waits until you sign in.");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.sign-in");

  kt_app_test_quit (app, window);
}

static gboolean
share_failure_shown (gpointer view)
{
  return strstr (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "share_label"),
                 g_dgettext (GETTEXT_PACKAGE, "The household was not shared yet")) != NULL;
}

static gboolean
beat (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* Submitting saves on the store's worker, so the window keeps answering;
 * when the plan cannot be queued (here another program holds the sync
 * state's database), the household's share banner says so in words
 * instead of a log line nobody reads (issue 22). */
static void
test_a_submit_that_cannot_be_queued_says_so_on_the_household (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  KtApplication *app;
  KtWindow *window;
  KtCaseView *view;
  KtPlanPage *page;
  KtPlan *plan;
  GtkWidget *banner;
  guint beats = 0;
  guint beat_id;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");

  kt_app_test_activate (window, "win.new-case", NULL);
  view = kt_window_get_case_view (window);
  page = kt_case_view_get_plan_page (view);
  plan = kt_plan_page_get_plan (page);
  make_ready_for_review (plan);
  banner = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "share_banner");
  g_assert_false (share_failure_shown (view));

  /* Another writer holds the sync state (after the outbox's busy wait,
   * SQLite says "database is locked"). */
  g_assert_cmpint (sqlite3_open (f->state, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  beat_id = g_timeout_add (1, beat, &beats);
  g_assert_true (kt_plan_page_submit (page, &error));
  g_assert_no_error (error);
  /* The submit returned before the disk was touched: the loop still runs. */
  kt_app_test_iterate (10);
  g_assert_cmpuint (beats, >, 0);
  g_source_remove (beat_id);

  kt_app_test_wait_for (share_failure_shown, view, 20000, "the failure on the household");
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_true (gtk_widget_has_css_class (banner, "error"));
  g_assert_nonnull (strstr (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "share_label"),
                            g_dgettext (GETTEXT_PACKAGE, "What now: your work is kept on this device but it "
                                                         "is not on its way to the server. Ask your "
                                                         "administrator; do not type it again.")));
  g_assert_cmpint (kt_sync_client_get_record_state (kt_window_get_sync_client (window), plan->header.id, NULL),
                   ==, KT_SHARE_LOCAL);

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  kt_app_test_quit (app, window);
}

static gboolean
share_waiting_shown (gpointer view)
{
  return strstr (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "share_label"),
                 g_dgettext (GETTEXT_PACKAGE, "Waiting to be sent: the server has not confirmed what you "
                                              "shared of this household yet. It goes as soon as there is a "
                                              "connection.")) != NULL;
}

static gboolean
signed_out_waiting_shown (gpointer window)
{
  return g_strcmp0 (kt_sync_banner_get_text (KT_SYNC_BANNER (kt_window_get_sync_banner (window))),
                    "Signed out: 2 records wait until you sign in.") == 0;
}

typedef struct {
  guint *beats;
  guint  until;
} BeatWait;

static gboolean
beats_reached (gpointer data)
{
  BeatWait *wait = data;

  return *wait->beats >= wait->until;
}

/* Issue 22: a submitted plan is checked, sealed and written into the
 * outbox on the sync client's worker.  While another writer holds the
 * sync state (SQLite waits up to five seconds for it) the household says
 * its plan waits to be sent, the main loop keeps turning, and once the
 * writer is gone the household and its plan are queued, in that order.
 * On the main loop the window stood still for the whole wait and the
 * submit failed. */
static void
test_a_submitted_plan_is_queued_off_the_main_loop (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) peeked = NULL;
  sqlite3 *db = NULL;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  KtCaseView *view;
  KtPlanPage *page;
  KtPlan *plan;
  guint beats = 0;
  guint beat_id;
  BeatWait beat_wait = { &beats, 0 };
  ShareWait wait = { 0 };

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  client = kt_window_get_sync_client (window);

  kt_app_test_activate (window, "win.new-case", NULL);
  view = kt_window_get_case_view (window);
  page = kt_case_view_get_plan_page (view);
  plan = kt_plan_page_get_plan (page);
  make_ready_for_review (plan);

  g_assert_cmpint (sqlite3_open (f->state, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  beat_id = g_timeout_add (10, beat, &beats);
  g_assert_true (kt_plan_page_submit (page, &error));
  g_assert_no_error (error);

  /* Saved, and on its way to the outbox: the household says it waits. */
  kt_app_test_wait_for (share_waiting_shown, view, 20000, "the household to say it waits to be sent");
  /* The loop turns while the worker waits for the sync state. */
  beat_wait.until = beats + 20;
  kt_app_test_wait_for (beats_reached, &beat_wait, 20000, "the main loop to turn");
  g_assert_false (share_failure_shown (view));
  g_assert_cmpuint (kt_sync_client_get_n_pending (client), ==, 0);
  g_assert_cmpint (kt_sync_client_get_record_state (client, plan->header.id, NULL), ==, KT_SHARE_LOCAL);

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  wait.client = client;
  wait.id = plan->header.id;
  wait.state = KT_SHARE_WAITING;
  kt_app_test_wait_for (record_in_state, &wait, 20000, "the plan to be queued");
  g_source_remove (beat_id);
  g_assert_false (share_failure_shown (view));
  /* Queued while signed out: the bar above the list says that they wait
   * for a sign-in, and the household does not say it again. */
  kt_app_test_wait_for (signed_out_waiting_shown, window, 10000, "the bar to say the records wait for a sign-in");
  g_assert_false (share_waiting_shown (view));
  peeked = kt_outbox_peek (kt_sync_client_get_outbox (client), 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (peeked->len, ==, 2);
  g_assert_cmpstr (((KtOutboxEntry *) g_ptr_array_index (peeked, 0))->record->id, ==, plan->case_id);
  g_assert_cmpstr (((KtOutboxEntry *) g_ptr_array_index (peeked, 1))->record->id, ==, plan->header.id);

  kt_app_test_quit (app, window);
}

static gboolean
record_failure_shown (gpointer view)
{
  return strstr (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "share_label"),
                 g_dgettext (GETTEXT_PACKAGE, "A record was not shared yet")) != NULL;
}

/* What the coach records on Verloop (the case closed, an evaluation) is
 * shared like a submitted plan: the store's durable save runs on its
 * worker, and the record is queued when that is done.  The save ran on the
 * main loop.  A record that cannot be queued (another writer holds the
 * sync state) says so on the household; once the writer is gone the next
 * share reaches the server. */
static void
test_a_record_shared_from_verloop_is_queued_off_the_main_loop (Fixture *f, gconstpointer data)
{
  g_autoptr(KtConversation) evaluation = kt_conversation_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  sqlite3 *db = NULL;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  KtCaseView *view;
  KtPlanPage *page;
  KtPlan *plan;
  ShareWait wait = { 0 };

  app = start_signed_in (f->url, "coach1", &window);
  client = kt_window_get_sync_client (window);

  /* A household the server knows: its plan submitted and received. */
  kt_app_test_activate (window, "win.new-case", NULL);
  view = kt_window_get_case_view (window);
  page = kt_case_view_get_plan_page (view);
  plan = kt_plan_page_get_plan (page);
  make_ready_for_review (plan);
  g_assert_true (kt_plan_page_submit (page, &error));
  g_assert_no_error (error);
  wait.client = client;
  wait.id = plan->header.id;
  wait.state = KT_SHARE_SHARED;
  kt_app_test_wait_for (record_in_state, &wait, 20000, "the plan to reach the server");

  /* An evaluation of it, shared while another writer holds the sync state. */
  evaluation->header.rev = 1;
  evaluation->case_id = g_strdup (plan->case_id);
  evaluation->is_evaluation = TRUE;
  body = kt_conversation_encode (evaluation);
  g_assert_cmpint (sqlite3_open (f->state, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  kt_case_view_share_record (view, body, evaluation->header.id);
  /* Returned before the disk was touched: nothing has failed yet. */
  g_assert_false (record_failure_shown (view));
  kt_app_test_wait_for (record_failure_shown, view, 20000, "the failure on the household");
  g_assert_cmpint (kt_sync_client_get_record_state (client, evaluation->header.id, NULL), ==, KT_SHARE_LOCAL);

  /* The writer gone, the same record shared again reaches the server. */
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  kt_case_view_share_record (view, body, evaluation->header.id);
  wait.id = evaluation->header.id;
  kt_app_test_wait_for (record_in_state, &wait, 20000, "the evaluation to reach the server");
  path = g_strdup_printf ("/records/%s", evaluation->header.id);
  g_assert_cmpuint (kt_test_http (f->url, "coach1", "GET", path, NULL, NULL), ==, 200);

  kt_app_test_quit (app, window);
}

typedef struct {
  KtWindow *window;
  guint     ticks_while_loading;
} LoadTicker;

static gboolean
load_tick_cb (gpointer data)
{
  LoadTicker *t = data;
  GtkWidget *view = kt_window_get_main_view (t->window);

  if (KT_IS_SUPERVISOR_VIEW (view) && kt_supervisor_view_get_loading (KT_SUPERVISOR_VIEW (view)))
    t->ticks_while_loading++;
  return G_SOURCE_CONTINUE;
}

/* Issue 22: the supervisor's view reads every case and plan on the device
 * on the store's worker.  Were they read where the view is shown, the view
 * would never be seen loading between two turns of the main loop, and no
 * tick could run while it loads. */
static void
test_the_supervisors_first_load_leaves_the_main_loop_free (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  LoadTicker ticker = { 0 };
  KtApplication *app;
  KtWindow *window;
  KtSupervisorView *view;
  KtSupervisorInbox *inbox;
  GPtrArray *entries;
  gboolean found = FALSE;
  gint64 deadline;
  guint timer;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  /* Plans submitted in the team, on the device before the view opens. */
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(KtPlan) plan = kt_plan_new ();
      KtDocument doc = { .kind = KT_KIND_PLAN };

      plan->header.rev = 1;
      plan->case_id = g_uuid_string_random ();
      plan->author = g_strdup ("coach1");
      plan->review = KT_REVIEW_SUBMITTED;
      plan->submitted_at = g_get_real_time () / G_USEC_PER_SEC;
      doc.plan = plan;
      g_assert_true (kt_store_save_document (kt_window_get_store (window), &doc, KT_SYNC_SYNCED, &error));
      g_assert_no_error (error);
    }

  ticker.window = window;
  timer = g_timeout_add_full (G_PRIORITY_HIGH, 1, load_tick_cb, &ticker, NULL);
  sign_in_from_menu (window, kt_test_server_get_url (f->server), "super1");
  /* Turn by turn, to see the view as soon as it is there. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!supervisor_view_shown (window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (supervisor_view_shown (window));
  view = KT_SUPERVISOR_VIEW (kt_window_get_main_view (window));
  inbox = kt_supervisor_view_get_inbox (view);
  /* Shown before its records are read, and saying so. */
  g_assert_true (kt_supervisor_view_get_loading (view));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (
                     GTK_WIDGET (inbox), KT_TYPE_SUPERVISOR_INBOX, "list_stack"))), ==, "loading");
  while (kt_supervisor_view_get_loading (view) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timer);
  g_test_message ("main loop ticks while the supervisor's view loaded: %u", ticker.ticks_while_loading);
  g_assert_false (kt_supervisor_view_get_loading (view));

  /* And then the inbox lists what was read. */
  entries = kt_supervisor_inbox_get_entries (inbox);
  g_assert_cmpuint (entries->len, ==, 20);
  for (guint i = 0; i < entries->len; i++)
    found |= g_strcmp0 (((KtReviewInboxEntry *) g_ptr_array_index (entries, i))->plan->author, "coach1") == 0;
  g_assert_true (found);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (
                     GTK_WIDGET (inbox), KT_TYPE_SUPERVISOR_INBOX, "list_stack"))), ==, "list");

  kt_app_test_quit (app, window);
}

/* Households started with "+" before any sign-in, in the store's file:
 * no coach, no intaker (ids in @ids). */
static void
store_households_without_coach (KtStore   *store,
                                guint      n,
                                GPtrArray *ids)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KtCase) kase = kt_case_new ();

      kase->household = g_strdup_printf ("Familie Test %u", i);
      kt_store_autosave_case (store, kase);
      g_ptr_array_add (ids, g_strdup (kase->header.id));
    }
  /* One write for all of them. */
  g_assert_true (kt_store_flush (store, &error));
  g_assert_no_error (error);
}

static gboolean
adopting (gpointer window)
{
  return kt_sync_controller_get_adopting (kt_window_get_sync_controller (window));
}

static gboolean
not_adopting (gpointer window)
{
  return !adopting (window);
}

/* Connected after the window's handler: the adoption starts there. */
static void
on_signed_in_seen (KtSyncController *sync,
                   gboolean         *started)
{
  *started = kt_sync_controller_get_adopting (sync);
  g_assert_true (*started);
}

static gboolean
adoption_started (gpointer started)
{
  return *(gboolean *) started;
}

static void
watch_sign_in (KtWindow *window,
               gboolean *started)
{
  g_signal_connect (kt_window_get_sync_controller (window), "signed-in", G_CALLBACK (on_signed_in_seen),
                    started);
}

/* Each of @ids has @coach as its coach in the file, not only in memory. */
static void
assert_adopted_by (KtWindow   *window,
                   GPtrArray  *ids,
                   const char *coach)
{
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *stored = NULL;

      g_assert_true (kt_store_get_case_readers (kt_window_get_store (window), g_ptr_array_index (ids, i),
                                                &stored, NULL));
      g_assert_cmpstr (stored, ==, coach);
    }
}

typedef struct {
  KtWindow *window;
  guint     ticks_while_adopting;
} AdoptTicker;

static gboolean
adopt_tick_cb (gpointer data)
{
  AdoptTicker *t = data;

  if (adopting (t->window))
    t->ticks_while_adopting++;
  return G_SOURCE_CONTINUE;
}

/* Issue 22: a coach's households started before signing in are found on a
 * thread and written on the store's worker.  Were they loaded, saved and
 * flushed one by one where the sign-in is answered, no tick could run
 * between the sign-in and the last of them having its coach. */
static void
test_adopting_households_on_sign_in_leaves_the_main_loop_free (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  AdoptTicker ticker = { 0 };
  gboolean started = FALSE;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  guint timer;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  client = kt_window_get_sync_client (window);
  store_households_without_coach (kt_window_get_store (window), 100, ids);

  ticker.window = window;
  watch_sign_in (window, &started);
  timer = g_timeout_add_full (G_PRIORITY_HIGH, 1, adopt_tick_cb, &ticker, NULL);
  sign_in_from_menu (window, kt_test_server_get_url (f->server), "coach1");
  kt_app_test_wait_for (signed_in, client, 10000, "signing in");
  kt_app_test_wait_for (adoption_started, &started, 10000, "the sign-in to be answered");
  kt_app_test_wait_for (not_adopting, window, 20000, "the households to be adopted");
  g_source_remove (timer);
  g_test_message ("main loop ticks while households were adopted: %u", ticker.ticks_while_adopting);
  /* One is enough and does not depend on the scheduler: the tick outranks
   * the adoption's answer, so once due it runs first. */
  g_assert_cmpuint (ticker.ticks_while_adopting, >=, 1);

  assert_adopted_by (window, ids, "coach1");

  kt_app_test_quit (app, window);
}

typedef struct {
  KtWindow   *window;
  const char *id;
} FirstAdopted;

static gboolean
first_adopted (gpointer data)
{
  FirstAdopted *first = data;
  g_autofree char *coach = NULL;

  return kt_store_get_case_readers (kt_window_get_store (first->window), first->id, &coach, NULL) &&
         g_strcmp0 (coach, "coach1") == 0;
}

/* Issue 22: each household adopted at sign-in is read on the store's
 * worker.  While a save holds the store half-way through the adoption the
 * main loop keeps turning; once it lets go every household has its coach.
 * Read with kt_store_load_case on the main loop, the window stood still
 * until the store was free. */
static void
test_adopted_households_are_read_off_the_main_loop (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  FirstAdopted first = { 0 };
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  client = kt_window_get_sync_client (window);
  store_households_without_coach (kt_window_get_store (window), 2000, ids);

  sign_in_from_menu (window, kt_test_server_get_url (f->server), "coach1");
  kt_app_test_wait_for (signed_in, client, 10000, "signing in");
  first.window = window;
  first.id = g_ptr_array_index (ids, 0);
  /* The first slice is written: the next is read while the store is held. */
  kt_app_test_wait_for (first_adopted, &first, 20000, "the first household to be adopted");
  g_assert_true (adopting (window));
  kt_app_test_hold_store (kt_window_get_store (window));
  g_assert_cmpuint (kt_app_test_tick_while_held (20), >=, 20);
  kt_app_test_release_store ();
  kt_app_test_wait_for (not_adopting, window, 60000, "the households to be adopted");

  assert_adopted_by (window, ids, "coach1");

  kt_app_test_quit (app, window);
}

/* A supervisor who signs in on a device with households without a coach
 * does not become their coach: adopting has no meaning for that role. */
static void
test_a_supervisors_sign_in_adopts_no_household (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  gboolean started = FALSE;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  client = kt_window_get_sync_client (window);
  store_households_without_coach (kt_window_get_store (window), 3, ids);
  watch_sign_in (window, &started);

  sign_in_from_menu (window, kt_test_server_get_url (f->server), "super1");
  kt_app_test_wait_for (signed_in, client, 10000, "signing in");
  kt_app_test_wait_for (adoption_started, &started, 10000, "the sign-in to be answered");
  kt_app_test_wait_for (not_adopting, window, 20000, "the role to be known");
  kt_app_test_wait_for (supervisor_view_shown, window, 20000, "the supervisor's view");
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *coach = NULL;
      g_autoptr(KtCase) kase = kt_store_load_case (kt_window_get_store (window), g_ptr_array_index (ids, i),
                                                   NULL);

      g_assert_true (kt_store_get_case_readers (kt_window_get_store (window), g_ptr_array_index (ids, i),
                                                &coach, NULL));
      g_assert_null (coach);
      g_assert_nonnull (kase);
      g_assert_null (kase->coach);
    }

  kt_app_test_quit (app, window);
}

static gboolean
n_pending_is_two (gpointer client)
{
  return kt_sync_client_get_n_pending (client) == 2;
}

static gboolean
folded (gpointer window)
{
  return adw_leaflet_get_folded (ADW_LEAFLET (gtk_widget_get_template_child (GTK_WIDGET (window), KT_TYPE_WINDOW,
                                                                            "leaflet")));
}

/* Signed out with work kept, the household's records wait for a sign-in,
 * not for a connection: that is said once, by the sync state, where the
 * coach looks, with "Sign In…" beside it.  Beside the list the bar above
 * it says it; at 800 px, where the list is folded away, the reason stands
 * under the household's header with the same button, named for a screen
 * reader, and without it while the resident watches (the list's sync
 * controls are hidden then too).  The household's own "Waiting to be sent:
 * … as soon as there is a connection" stays away: it said the wrong thing
 * a second time. */
static void
test_signed_out_the_household_says_once_that_its_records_wait_for_a_sign_in (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *expected = "Signed out: 2 records wait until you sign in.";
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  KtSyncStatusWidget *status;
  KtCaseView *view;
  KtPlanPage *page;
  KtPlan *plan;
  GtkWidget *button;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  client = kt_window_get_sync_client (window);
  kt_app_test_resize (GTK_WINDOW (window), 1280, 800);

  kt_app_test_activate (window, "win.new-case", NULL);
  view = kt_window_get_case_view (window);
  status = KT_SYNC_STATUS_WIDGET (case_view_child (view, "sync_status"));
  button = reason_button (view);
  g_assert_nonnull (button);
  page = kt_case_view_get_plan_page (view);
  plan = kt_plan_page_get_plan (page);
  make_ready_for_review (plan);
  g_assert_true (kt_plan_page_submit (page, &error));
  g_assert_no_error (error);
  /* The household and its plan wait in the outbox. */
  kt_app_test_wait_for (n_pending_is_two, client, 10000, "the household and its plan to be queued");
  kt_app_test_iterate (50);
  g_assert_cmpint (kt_sync_client_get_status (client), ==, KT_SYNC_STATUS_SIGNED_OUT);
  g_assert_cmpint (kt_sync_client_get_case_state (client, kt_case_view_get_case (view)->header.id, NULL), ==,
                   KT_SHARE_WAITING);

  /* Beside the list: the bar says it, with "Sign In…". */
  g_assert_false (folded (window));
  g_assert_cmpstr (kt_sync_banner_get_text (KT_SYNC_BANNER (kt_window_get_sync_banner (window))), ==, expected);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (
    kt_sync_banner_get_button (KT_SYNC_BANNER (kt_window_get_sync_banner (window))))), ==, "win.sign-in");
  g_assert_false (gtk_widget_get_visible (case_view_child (view, "share_banner")));
  g_assert_null (kt_sync_status_widget_get_reason (status));
  g_assert_false (gtk_widget_get_visible (button));
  kt_app_test_screenshot (GTK_WINDOW (window), "sync-signed-out-waits-wide");

  /* Folded: under the household's header, with the same button. */
  kt_app_test_resize (GTK_WINDOW (window), 800, 1280);
  kt_app_test_wait_for (folded, window, 10000, "the list to fold away");
  kt_app_test_iterate (50);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (status)));
  g_assert_cmpstr (kt_sync_status_widget_get_reason (status), ==, expected);
  g_assert_false (gtk_widget_get_visible (case_view_child (view, "share_banner")));
  g_assert_true (gtk_widget_is_visible (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.sign-in");
  g_assert_cmpstr (kt_a11y_get_label (button), ==, "Sign In…");
  kt_app_test_screenshot (GTK_WINDOW (window), "sync-signed-out-waits-folded");

  /* The resident watches: the reason stays, its button goes. */
  kt_case_view_set_resident_watching (view, TRUE);
  kt_app_test_iterate (20);
  g_assert_cmpstr (kt_sync_status_widget_get_reason (status), ==, expected);
  g_assert_false (gtk_widget_get_visible (button));
  kt_case_view_set_resident_watching (view, FALSE);
  kt_app_test_iterate (20);
  g_assert_true (gtk_widget_is_visible (button));

  kt_app_test_quit (app, window);
}

static gboolean
plan_page_says_it_waits (gpointer page)
{
  return g_strcmp0 (label_text (GTK_WIDGET (page), KT_TYPE_PLAN_PAGE, "locked_label"),
                    g_dgettext (GETTEXT_PACKAGE, "Waiting to be sent for review. It goes to the server as soon "
                                                 "as there is a connection; until then the plan cannot be "
                                                 "changed.")) == 0;
}

static gboolean
case_opened (gpointer window)
{
  return !kt_window_is_opening_case (window) && kt_case_view_get_case (kt_window_get_case_view (window)) != NULL;
}

/* The header's "Plan waits to be sent" is the plan's own state, not the
 * household's (which covers every record of it): a household the server
 * has does not make a plan on its way say "Plan submitted", and a record
 * of the household other than the plan waiting does not make a plan the
 * server has say it waits.  The household's row in the list says the
 * same as its header. */
static void
test_the_header_says_where_the_plan_stands_not_the_household (Fixture *f, gconstpointer data)
{
  g_autofree char *case_id = kt_test_case_for_coach (f->dir, f->url);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtConversation) conversation = NULL;
  g_autoptr(GBytes) body = NULL;
  sqlite3 *db = NULL;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  KtCaseView *view;
  KtPlanPage *page;
  KtPlan *plan;
  KtCaseRow *row;
  ShareWait wait = { 0 };

  app = start_signed_in (f->url, "coach1", &window);
  client = kt_window_get_sync_client (window);
  kt_app_test_wait_for (one_case_listed, window, 20000, "the assigned case in the list");
  kt_app_test_wait_for (one_case_shared, window, 10000, "the assigned case's row to say it is shared");
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (kt_window_get_case_model (window)), 0);
  kt_app_test_wait_for (case_opened, window, 10000, "the household to open");
  view = kt_window_get_case_view (window);
  g_assert_cmpstr (kt_case_view_get_case (view)->header.id, ==, case_id);
  g_assert_cmpint (kt_sync_client_get_case_state (client, case_id, NULL), ==, KT_SHARE_SHARED);
  page = kt_case_view_get_plan_page (view);
  plan = kt_plan_page_get_plan (page);
  make_ready_for_review (plan);

  /* Another writer holds the sync state: the plan stays on its way to the
   * outbox while the household is one the server has. */
  g_assert_cmpint (sqlite3_open (f->state, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (kt_plan_page_submit (page, &error));
  g_assert_no_error (error);
  kt_app_test_wait_for (plan_page_says_it_waits, page, 20000, "the plan page to say the plan waits");
  g_assert_cmpint (kt_sync_client_get_case_state (client, case_id, NULL), ==, KT_SHARE_SHARED);
  g_assert_cmpstr (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "phase_label"), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Plan waits to be sent"));
  /* The household's row says the same as its header. */
  g_assert_cmpstr (kt_case_row_get_stage_text (find_case_row (GTK_WIDGET (window))), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Plan waits to be sent"));
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);

  wait.client = client;
  wait.id = plan->header.id;
  wait.state = KT_SHARE_SHARED;
  kt_app_test_wait_for (record_in_state, &wait, 20000, "the plan to reach the server");
  kt_app_test_iterate (100);
  g_assert_cmpstr (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "phase_label"), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Plan submitted"));
  g_assert_cmpstr (kt_case_row_get_stage_text (find_case_row (GTK_WIDGET (window))), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Plan submitted"));

  /* The server goes away and another record of the household (a
   * conversation) waits: the plan is still submitted. */
  kt_test_server_stop (f->server);
  conversation = kt_catalogue_new_conversation (kt_case_view_get_catalogue (view), case_id);
  conversation->header.rev = 1;
  body = kt_conversation_encode (conversation);
  g_assert_true (kt_sync_client_share (client, body, &error));
  g_assert_no_error (error);
  wait.id = conversation->header.id;
  wait.state = KT_SHARE_WAITING;
  kt_app_test_wait_for (record_in_state, &wait, 10000, "the conversation to wait");
  kt_app_test_iterate (100);
  g_assert_cmpint (kt_sync_client_get_case_state (client, case_id, NULL), ==, KT_SHARE_WAITING);
  g_assert_cmpint (kt_sync_client_get_record_state (client, plan->header.id, NULL), ==, KT_SHARE_SHARED);
  g_assert_cmpstr (label_text (GTK_WIDGET (view), KT_TYPE_CASE_VIEW, "phase_label"), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Plan submitted"));
  /* The row too, and it says that the household (its conversation)
   * waits, beside the plan that does not. */
  row = find_case_row (GTK_WIDGET (window));
  g_assert_cmpstr (kt_case_row_get_stage_text (row), ==, g_dgettext (GETTEXT_PACKAGE, "Plan submitted"));
  g_assert_cmpstr (kt_case_row_get_share_text (row), ==, g_dgettext (GETTEXT_PACKAGE, "Waiting to be sent"));

  kt_app_test_quit (app, window);
}

static gboolean
has_own_key (gpointer keys)
{
  KtAccountKeyState state = kt_key_controller_get_state (keys);

  return state == KT_ACCOUNT_KEY_READY || state == KT_ACCOUNT_KEY_WRITE_PHRASE;
}

static gboolean
has_key_problem (gpointer keys)
{
  return kt_key_controller_get_problem (keys) != NULL;
}

static gboolean
round_failed (gpointer client)
{
  KtSyncStatus status = kt_sync_client_get_status (client);

  return status == KT_SYNC_STATUS_ERROR || status == KT_SYNC_STATUS_OFFLINE;
}

/* A key problem holds sharing back while the sync itself goes well
 * (status SYNCED): the bar above the list says so, and the household
 * says it once and right at both widths.  Beside the list it does not say
 * instead that its records wait "as soon as there is a connection"; folded
 * (800 px, the list and its bar on another page) the problem stands under
 * its header, without "Sync Now", which does not mend it (not when a
 * round fails too), and the state above it warns rather than showing the
 * "synced" tick. */
static void
test_a_key_problem_shows_on_the_household (Fixture *f, gconstpointer data)
{
  g_autofree char *url = NULL;
  g_autoptr(KtFaultProxy) proxy = kt_fault_proxy_new_started (kt_test_server_get_url (f->server), 20261207, &url);
  static const char answer[] = "HTTP/1.1 500 Internal Server Error\r\n"
                               "Content-Length: 0\r\nConnection: close\r\n\r\n";
  g_autoptr(GBytes) refusal = g_bytes_new_static (answer, sizeof answer - 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  sqlite3 *db = NULL;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  KtKeyController *keys;
  KtSyncStatusWidget *status;
  KtCaseView *view;
  KtPlanPage *page;

  app = start_signed_in (url, "coach1", &window);
  kt_app_test_resize (GTK_WINDOW (window), 1280, 800);
  client = kt_window_get_sync_client (window);
  keys = kt_window_get_key_controller (window);
  kt_app_test_wait_for (has_own_key, keys, 30000, "the coach's own key, published");

  /* The team's keys cannot be fetched; the rest of the server answers. */
  kt_fault_proxy_set_canned_for (proxy, "GET /api/v1/team/keys ", refusal);
  kt_key_controller_refresh (keys);
  kt_app_test_wait_for (has_key_problem, keys, 30000, "the key problem");
  problem = g_strdup (kt_key_controller_get_problem (keys));
  /* The round the failed fetch started (a reseal check) has ended. */
  kt_app_test_wait_for (synced, client, 20000, "the sync to settle");

  /* A household the coach starts with "+": it and its plan wait on
   * their way to the outbox while another writer holds the sync state. */
  kt_app_test_activate (window, "win.new-case", NULL);
  view = kt_window_get_case_view (window);
  status = KT_SYNC_STATUS_WIDGET (case_view_child (view, "sync_status"));
  page = kt_case_view_get_plan_page (view);
  make_ready_for_review (kt_plan_page_get_plan (page));
  g_assert_cmpint (sqlite3_open (f->state, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (kt_plan_page_submit (page, &error));
  g_assert_no_error (error);
  kt_app_test_wait_for (plan_page_says_it_waits, page, 20000, "the plan page to say the plan waits");
  kt_app_test_iterate (50);
  g_assert_cmpint (kt_sync_client_get_status (client), ==, KT_SYNC_STATUS_SYNCED);
  g_assert_cmpstr (kt_key_controller_get_problem (keys), ==, problem);

  /* Beside the list: the bar says it, the household not otherwise. */
  g_assert_false (folded (window));
  g_assert_nonnull (strstr (kt_sync_banner_get_text (KT_SYNC_BANNER (kt_window_get_sync_banner (window))),
                            problem));
  g_assert_false (gtk_widget_get_visible (case_view_child (view, "share_banner")));
  g_assert_null (kt_sync_status_widget_get_reason (status));

  /* Folded: under the household's header, without a button. */
  kt_app_test_resize (GTK_WINDOW (window), 800, 1280);
  kt_app_test_wait_for (folded, window, 10000, "the list to fold away");
  kt_app_test_iterate (50);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (status)));
  g_assert_nonnull (kt_sync_status_widget_get_reason (status));
  g_assert_nonnull (strstr (kt_sync_status_widget_get_reason (status), problem));
  g_assert_false (gtk_widget_get_visible (case_view_child (view, "share_banner")));
  g_assert_false (gtk_widget_get_visible (reason_button (view)));
  /* The state above it warns too: no "synced" tick beside the problem. */
  g_assert_cmpstr (status_icon (status), ==, "dialog-warning-symbolic");
  g_assert_true (gtk_widget_has_css_class (status_child (status, "label"), "warning"));
  kt_app_test_screenshot (GTK_WINDOW (window), "sync-key-problem-folded");

  /* The server goes away: the reason says both, and still without "Sync
   * Now" beside it (as the bar has it), which does not mend the keys. */
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  kt_test_server_stop (f->server);
  kt_sync_client_sync_soon (client);
  kt_app_test_wait_for (round_failed, client, 20000, "the round to fail");
  kt_app_test_iterate (50);
  g_assert_cmpstr (kt_key_controller_get_problem (keys), ==, problem);
  g_assert_nonnull (strstr (kt_sync_status_widget_get_reason (status), problem));
  g_assert_false (gtk_widget_get_visible (reason_button (view)));

  kt_app_test_quit (app, window);
  kt_fault_proxy_stop (proxy);
}

static gboolean
one_conflict (gpointer client)
{
  return kt_sync_client_is_signed_in (client) && kt_sync_client_get_n_conflicts (client) == 1;
}

/* The first dialog over the window that is not @window itself: a message
 * dialog or the conflict's own. */
static gboolean
dialog_over (gpointer data)
{
  GtkWindow **found = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && *found == NULL; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) || g_strcmp0 (gtk_window_get_title (window), "Two Versions") == 0)
        *found = window;
    }
  return *found != NULL;
}

/* A conflict kept on this device whose row was changed outside Keukentafel
 * cannot be opened: the coach who chose "Resolve Sync Conflicts" is told
 * so in a dialog over the window, with why, not only in a log line. */
static void
test_a_conflict_that_cannot_be_opened_says_so (Fixture *f, gconstpointer data)
{
  g_autofree char *id = kt_uuid_new ();
  g_autoptr(GBytes) body = kt_test_case_body (id, 1);
  g_autoptr(KtSyncRecord) local = NULL;
  g_autoptr(KtSyncRecord) other = NULL;
  g_autoptr(GPtrArray) peeked = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog = NULL;
  sqlite3 *db = NULL;
  KtApplication *app;
  KtWindow *window;
  KtSyncClient *client;
  KtOutbox *outbox;

  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  client = kt_window_get_sync_client (window);
  outbox = kt_sync_client_get_outbox (client);

  /* Before signing in (no round runs): a household met another version
   * on the server, and its kept copy of that version was changed. */
  local = kt_sync_record_new_for_body (body, &error);
  g_assert_no_error (error);
  g_assert_true (kt_outbox_add (outbox, local, &error));
  g_assert_no_error (error);
  peeked = kt_outbox_peek (outbox, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (peeked->len, ==, 1);
  other = kt_sync_record_copy (local);
  g_assert_true (kt_outbox_add_conflict (outbox, ((KtOutboxEntry *) g_ptr_array_index (peeked, 0))->seq,
                                         other, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (f->state, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE conflicts SET server_body = zeroblob(64)", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  sign_in_from_menu (window, kt_test_server_get_url (f->server), "coach1");
  kt_app_test_wait_for (one_conflict, client, 10000, "the conflict to be counted");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.resolve-conflicts", NULL));
  kt_app_test_wait_for (dialog_over, &dialog, 10000, "a dialog over the window");
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "The Conflicts Could Not Be Opened");
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "A record in the sync queue was changed outside Keukentafel.");
  gtk_window_destroy (dialog);

  kt_app_test_quit (app, window);
}

int
main (int argc, char *argv[])
{
  int result;

  kt_app_test_init_for_app (&argc, &argv);
  notifications = kt_test_notifications_start ();

#define ADD(path, func) \
  g_test_add ("/sync-window/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_WITHOUT_SERVER(path, func) \
  g_test_add ("/sync-window/" path, Fixture, "without-server", fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/sync-window/a-rows-stage-follows-the-cycle", test_a_rows_stage_follows_the_cycle);
  ADD ("sign-in-from-menu-pulls-assigned-case-and-review-results",
       test_signing_in_from_the_menu_pulls_the_assigned_case_and_review_results);
  ADD ("household-started-with-plus-reaches-the-server-and-a-refusal-shows-on-it",
       test_a_household_started_with_plus_reaches_the_server_and_a_refusal_shows_on_it);
  ADD ("a-plus-household-submitted-before-signing-in-goes-with-its-coach",
       test_a_plus_household_submitted_before_signing_in_goes_with_its_coach);
  ADD ("adopting-households-on-sign-in-leaves-the-main-loop-free",
       test_adopting_households_on_sign_in_leaves_the_main_loop_free);
  ADD ("adopted-households-are-read-off-the-main-loop",
       test_adopted_households_are_read_off_the_main_loop);
  ADD ("a-supervisors-sign-in-adopts-no-household",
       test_a_supervisors_sign_in_adopts_no_household);
  ADD_WITHOUT_SERVER ("a-submit-that-cannot-be-queued-says-so-on-the-household",
                      test_a_submit_that_cannot_be_queued_says_so_on_the_household);
  ADD_WITHOUT_SERVER ("a-submitted-plan-is-queued-off-the-main-loop",
                      test_a_submitted_plan_is_queued_off_the_main_loop);
  ADD_WITHOUT_SERVER ("a-record-the-server-took-is-noted-off-the-main-loop",
                      test_a_record_the_server_took_is_noted_off_the_main_loop);
  ADD ("a-record-shared-from-verloop-is-queued-off-the-main-loop",
       test_a_record_shared_from_verloop_is_queued_off_the_main_loop);
  ADD_WITHOUT_SERVER ("signed-out-the-household-says-once-that-its-records-wait-for-a-sign-in",
                      test_signed_out_the_household_says_once_that_its_records_wait_for_a_sign_in);
  ADD ("the-header-says-where-the-plan-stands-not-the-household",
       test_the_header_says_where_the_plan_stands_not_the_household);
  ADD ("a-key-problem-shows-on-the-household",
       test_a_key_problem_shows_on_the_household);
  ADD ("a-conflict-that-cannot-be-opened-says-so",
       test_a_conflict_that_cannot_be_opened_says_so);
  ADD ("why-it-does-not-sync-shows-above-the-list",
       test_why_it_does_not_sync_shows_above_the_list);
  ADD ("a-supervisor-gets-the-inbox-as-main-view",
       test_a_supervisor_gets_the_inbox_as_main_view);
  ADD ("the-supervisors-first-load-leaves-the-main-loop-free",
       test_the_supervisors_first_load_leaves_the_main_loop_free);
  ADD_WITHOUT_SERVER ("one-role-client-serves-the-sync-and-role-controllers",
                      test_one_role_client_serves_the_sync_and_role_controllers);
  ADD ("the-intaker-locks-and-lists-what-they-registered",
       test_the_intaker_locks_and_lists_what_they_registered);
  ADD ("an-assignment-the-queue-cannot-drop-shows-to-the-intaker",
       test_an_assignment_the_queue_cannot_drop_shows_to_the_intaker);
  ADD ("an-assignment-the-server-refuses-shows-to-the-intaker",
       test_an_assignment_the_server_refuses_shows_to_the_intaker);
  ADD ("a-registration-the-queue-cannot-take-shows-to-the-intaker",
       test_a_registration_the_queue_cannot_take_shows_to_the_intaker);
  ADD ("sign-out-asks-and-keeps-unsynced-work",
       test_sign_out_asks_and_keeps_unsynced_work);

  result = g_test_run ();
  kt_test_notifications_stop (notifications);
  return result;
}
