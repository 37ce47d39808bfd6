/* test-e2e-roles.c: intaker, coach and supervisor of one team on a real
 * keukentafel-server, driven through the app's own views, the model, the
 * sync client and the role client — never by raw HTTP.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "kt-core.h"
#include "kt-coach-list.h"
#include "kt-intaker-view-private.h"
#include "kt-review-page-private.h"
#include "kt-role-client.h"
#include "kt-role-view.h"
#include "kt-supervisor-view.h"
#include "kt-test-server.h"
#include "kt-test-sink.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

static const KtTestUser users[] = {
  { "intake1", KT_TEST_PASSWORD, "intaker", "noord", "Ilse Intaker" },
  { "coach1", KT_TEST_PASSWORD, "wijkcoach", "noord", "Anna de Boer" },
  { "super1", KT_TEST_PASSWORD, "supervisor", "noord", "Sam Supervisor" },
  { "coach2", KT_TEST_PASSWORD, "wijkcoach", "zuid", "Zoe Zuid" },
  { NULL },
};

#define QUESTION "Ik krijg steeds aanmaningen en durf de post niet meer open te maken."

/* One person's laptop: the sync client, the role client and the records
 * they have received, decoded (what the store would hold). */
typedef struct {
  KtSyncClient *sync;
  KtTestSink   *sink;
  KtRoleClient *roles;
  GHashTable   *documents;   /* id → KtDocument */
  guint         n_failed;
} Device;

static void
document_free (KtDocument *doc)
{
  kt_document_clear (doc);
  g_free (doc);
}

static void
on_record_received (gpointer      sink,
                    KtSyncRecord *record,
                    Device       *device)
{
  KtDocument *doc = g_new0 (KtDocument, 1);
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_document_decode (record->body, doc, &error));
  g_assert_no_error (error);
  g_hash_table_replace (device->documents, g_strdup (record->id), doc);
}

static void
on_record_failed (KtSyncClient *sync,
                  const char   *id,
                  const char   *reason,
                  Device       *device)
{
  device->n_failed++;
}

static Device *
device_new (const char *dir,
            const char *url,
            const char *username)
{
  Device *device = g_new0 (Device, 1);
  g_autofree char *file = g_strconcat (username, ".db", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  device->sync = kt_test_device_new (dir, username);
  kt_test_device_sign_in (device->sync, url, username);
  device->roles = kt_role_client_new (device->sync, path);
  device->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) document_free);
  device->sink = kt_test_sink_new ();
  kt_sync_client_set_sink (device->sync, KT_RECORD_SINK (device->sink));
  g_signal_connect (device->sink, "record-kept", G_CALLBACK (on_record_received), device);
  g_signal_connect (device->sync, "record-failed", G_CALLBACK (on_record_failed), device);
  return device;
}

static void
device_free (Device *device)
{
  g_signal_handlers_disconnect_by_data (device->sync, device);
  g_signal_handlers_disconnect_by_data (device->sink, device);
  g_clear_object (&device->sink);
  g_clear_object (&device->roles);
  g_clear_object (&device->sync);
  g_hash_table_unref (device->documents);
  g_free (device);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, device_free)

static void
device_sync (Device *device)
{
  g_autoptr(GError) error = NULL;

  kt_test_device_sync (device->sync, &error);
  g_assert_no_error (error);
}

/* The device's records of @kind (element-type KtCase, KtConversation or
 * KtPlan, transfer full). */
static GPtrArray *
device_list (Device *device,
             KtKind  kind)
{
  GDestroyNotify unref = kind == KT_KIND_CASE ? (GDestroyNotify) kt_case_unref
                         : kind == KT_KIND_PLAN ? (GDestroyNotify) kt_plan_unref
                         : (GDestroyNotify) kt_conversation_unref;
  GPtrArray *list = g_ptr_array_new_with_free_func (unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, device->documents);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      KtDocument *doc = value;

      if (doc->kind != kind)
        continue;
      if (kind == KT_KIND_CASE)
        g_ptr_array_add (list, kt_case_ref (doc->kase));
      else if (kind == KT_KIND_PLAN)
        g_ptr_array_add (list, kt_plan_ref (doc->plan));
      else
        g_ptr_array_add (list, kt_conversation_ref (doc->conversation));
    }
  return list;
}

static KtPlan *
device_plan (Device     *device,
             const char *id)
{
  KtDocument *doc = g_hash_table_lookup (device->documents, id);

  g_assert_nonnull (doc);
  g_assert_cmpint (doc->kind, ==, KT_KIND_PLAN);
  return doc->plan;
}

/* Shares a document, and keeps it as the device's own copy (the store's
 * part in the app). */
static void
share (Device *device,
       GBytes *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncRecord) record = kt_sync_record_new_for_body (body, &error);

  g_assert_no_error (error);
  g_assert_true (kt_sync_client_share (device->sync, body, &error));
  g_assert_no_error (error);
  on_record_received (device->sync, record, device);
}

/* Waiting on the main context */

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*result == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*result);
  return *result;
}

static void
set_text_view (GtkTextView *view,
               const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

/* The supervisor's screen: their view wired to their device as the window
 * would wire it. */
typedef struct {
  Device           *device;
  KtSupervisorView *view;
  KtCatalogue      *catalogue;
  guint             n_opened;
  guint             n_reviewed;
  GError           *review_error;
} Supervisor;

static void
supervisor_refresh (Supervisor *supervisor)
{
  g_autoptr(GPtrArray) cases = device_list (supervisor->device, KT_KIND_CASE);
  g_autoptr(GPtrArray) conversations = device_list (supervisor->device, KT_KIND_CONVERSATION);
  g_autoptr(GPtrArray) plans = device_list (supervisor->device, KT_KIND_PLAN);

  kt_supervisor_view_set_records (supervisor->view, cases, conversations, plans);
}

static void
on_plan_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Supervisor *supervisor = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncRecord) record = kt_role_client_fetch_record_finish (KT_ROLE_CLIENT (source), result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  supervisor->n_opened++;
}

/* Opening a plan reads it from the server, which audits the reading. */
static void
on_plan_opened (KtSupervisorInbox *inbox,
                KtPlan            *plan,
                Supervisor        *supervisor)
{
  kt_role_client_fetch_record_async (supervisor->device->roles, plan->header.id, NULL, on_plan_read, supervisor);
}

static void
on_reviewed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Supervisor *supervisor = user_data;
  g_autoptr(KtSyncRecord) record = kt_role_client_review_finish (KT_ROLE_CLIENT (source), result,
                                                                 &supervisor->review_error);

  if (record != NULL)
    on_record_received (supervisor->device->sync, record, supervisor->device);
  supervisor->n_reviewed++;
  supervisor_refresh (supervisor);
}

static void
on_decided (KtReviewPage *page,
            KtPlan       *plan,
            KtReview     *review,
            Supervisor   *supervisor)
{
  kt_role_client_review_async (supervisor->device->roles, plan->header.id, review, NULL, on_reviewed, supervisor);
}

static void
wait_until (guint *counter,
            guint  value)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*counter < value && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (*counter, ==, value);
}

/* The intaker's registration: their view, and the handler the window
 * connects to ::registered. */
static void
on_registered (KtIntakerView *view,
               KtCase        *kase,
               Device        *device)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_role_client_share_registration (device->roles, kase, &error));
  g_assert_no_error (error);
}

static KtCase *
find_case (Device     *device,
           const char *question)
{
  g_autoptr(GPtrArray) cases = device_list (device, KT_KIND_CASE);

  for (guint i = 0; i < cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (cases, i);

      if (g_strcmp0 (kase->request.question, question) == 0)
        return kase;
    }
  return NULL;
}

static KtPlan *
newest_plan (Device     *device,
             const char *case_id)
{
  g_autoptr(GPtrArray) plans = device_list (device, KT_KIND_PLAN);
  KtPlan *newest = NULL;

  for (guint i = 0; i < plans->len; i++)
    {
      KtPlan *plan = g_ptr_array_index (plans, i);

      if (g_strcmp0 (plan->case_id, case_id) == 0 && (newest == NULL || plan->version > newest->version))
        newest = plan;
    }
  return newest;
}

/* The coach's part of the kitchen-table conversation and the plan, through
 * the model's own rules. */
static void
coach_holds_conversation_and_submits (Device      *coach,
                                      KtCatalogue *catalogue,
                                      KtCase      *kase)
{
  g_autoptr(KtConversation) conversation = kt_catalogue_new_conversation (catalogue, kase->header.id);
  g_autoptr(KtPlan) plan = kt_plan_new ();
  g_autoptr(GBytes) conversation_body = NULL;
  g_autoptr(GBytes) plan_body = NULL;
  g_autoptr(GError) error = NULL;
  KtGoal *goal = kt_goal_new ();
  KtAction *action = kt_action_new ();

  conversation->date = kt_date_today ();
  for (guint i = 0; i < conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (conversation->entries, i);

      entry->state = KT_DOMAIN_DISCUSSED;
      entry->going_well = g_strdup ("Het contact met de kinderen");
      entry->level = 4;
    }
  kt_conversation_find_entry (conversation, "geldzaken")->concern = g_strdup ("Aanmaningen");
  kt_conversation_find_entry (conversation, "geldzaken")->level = 2;
  for (guint i = 0; i < conversation->safety_checks->len; i++)
    ((KtSafetyCheck *) g_ptr_array_index (conversation->safety_checks, i))->checked = TRUE;
  g_assert_true (kt_conversation_complete (conversation, &error));
  g_assert_no_error (error);
  conversation->header.rev = 1;
  conversation_body = kt_conversation_encode (conversation);
  share (coach, conversation_body);

  plan->case_id = g_strdup (kase->header.id);
  plan->version = 1;
  plan->author = g_strdup ("coach1");
  plan->question = g_strdup (kase->request.question);
  goal->title = g_strdup ("Overzicht over de post");
  goal->domains = g_strdupv ((char *[]) { (char *) "geldzaken", NULL });
  action->what = g_strdup ("Elke week samen de post openen");
  action->actor = KT_ACTOR_VOLUNTEER;
  g_ptr_array_add (goal->actions, action);
  g_ptr_array_add (plan->goals, goal);
  plan->agreement.state = KT_AGREEMENT_AGREED;
  plan->agreement.date = kt_date_today ();
  g_assert_true (kt_plan_submit (plan, &error));
  g_assert_no_error (error);
  plan->header.rev = 1;
  plan_body = kt_plan_encode (plan);
  share (coach, plan_body);
  device_sync (coach);
  g_assert_cmpuint (kt_sync_client_get_n_pending (coach->sync), ==, 0);
}

static gboolean
audit_has_read (KtTestServer *server,
                const char   *actor,
                const char   *record_id)
{
  const char * const args[] = { "audit", NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (kt_test_server_admin (server, args, NULL, &out), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (fields) >= 5 && g_str_equal (fields[1], actor)
          && g_str_equal (fields[2], "read") && g_str_equal (fields[4], record_id))
        return TRUE;
    }
  return FALSE;
}

static void
test_request_to_approved_plan (void)
{
  g_autofree char *dir = kt_test_tmpdir_new ("e2e-roles");
  g_autoptr(KtTestServer) server = kt_test_server_start (NULL, users);
  const char *url = kt_test_server_get_url (server);
  g_autoptr(Device) desk = device_new (dir, url, "intake1");
  g_autoptr(Device) coach = device_new (dir, url, "coach1");
  g_autoptr(Device) office = device_new (dir, url, "super1");
  g_autoptr(Device) other = device_new (dir, url, "coach2");
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KtSyncUser) me = NULL;
  g_autoptr(GPtrArray) coaches = NULL;
  g_autoptr(GPtrArray) cached = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *plan_id = NULL;
  g_autofree char *case_id = NULL;
  g_autoptr(KtPlan) revised = NULL;
  g_autoptr(GBytes) revised_body = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) coach_plans = NULL;
  GtkWidget *intaker_view;
  GtkWidget *supervisor_widget;
  GtkWindow *window;
  Supervisor supervisor = { 0 };
  KtReviewPage *page;
  KtCase *kase;
  KtPlan *plan;

  /* — The intaker: the role picks the view; the team list comes from the server. — */
  kt_role_client_fetch_me_async (desk->roles, NULL, on_done, &result);
  me = kt_role_client_fetch_me_finish (desk->roles, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (me->role, ==, "intaker");
  g_clear_object (&result);
  kt_role_client_fetch_coaches_async (desk->roles, NULL, on_done, &result);
  coaches = kt_role_client_fetch_coaches_finish (desk->roles, wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  /* Only the coaches of the intaker's own team. */
  g_assert_cmpuint (coaches->len, ==, 1);
  g_assert_cmpstr (((KtCoach *) g_ptr_array_index (coaches, 0))->username, ==, "coach1");
  /* Kept for offline use: the view built for the role reads it back. */
  cache_path = kt_coach_list_default_path ("intake1");
  cached = kt_coach_list_load (cache_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cached->len, ==, 1);

  intaker_view = kt_role_view_new_for_role (me->role, NULL, me->username, me->team);
  g_assert_true (KT_IS_INTAKER_VIEW (intaker_view));
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (window, intaker_view);
  gtk_window_present (window);
  g_signal_connect (intaker_view, "registered", G_CALLBACK (on_registered), desk);
  gtk_editable_set_text (kt_intaker_view_get_household_row (KT_INTAKER_VIEW (intaker_view)), "Familie Demir");
  set_text_view (kt_intaker_view_get_question_view (KT_INTAKER_VIEW (intaker_view)), QUESTION);
  /* An intaker has no way to approve anything. */
  g_assert_false (gtk_widget_activate_action (intaker_view, "review.approve", NULL));
  g_assert_true (gtk_widget_activate_action (intaker_view, "intake.assign", "s", "coach1"));
  /* Registered without the network: the case and its assignment wait. */
  g_assert_cmpuint (kt_sync_client_get_n_pending (desk->sync), ==, 1);
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (desk->roles), ==, 1);
  gtk_window_destroy (window);

  device_sync (desk);
  g_assert_cmpuint (kt_sync_client_get_n_pending (desk->sync), ==, 0);
  kt_role_client_flush_assignments_async (desk->roles, NULL, on_done, &result);
  g_assert_true (kt_role_client_flush_assignments_finish (desk->roles, wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (desk->roles), ==, 0);

  /* — The coach gets the case with what the intaker recorded. — */
  device_sync (coach);
  kase = find_case (coach, QUESTION);
  if (kase == NULL)
    g_error ("The coach did not receive the assigned case");
  g_assert_cmpstr (kase->coach, ==, "coach1");
  g_assert_cmpstr (kase->household, ==, "Familie Demir");
  g_assert_cmpstr (kase->request.intaker, ==, "intake1");
  case_id = g_strdup (kase->header.id);
  coach_holds_conversation_and_submits (coach, catalogue, kase);
  plan = newest_plan (coach, case_id);
  if (plan == NULL)
    g_error ("The coach's own plan is not among the records");
  plan_id = g_strdup (plan->header.id);

  /* A coach of another team sees nothing of it, not even that it exists. */
  device_sync (other);
  g_assert_cmpuint (g_hash_table_size (other->documents), ==, 0);
  kt_role_client_fetch_record_async (other->roles, case_id, NULL, on_done, &result);
  g_assert_null (kt_role_client_fetch_record_finish (other->roles, wait_for (&result), &error));
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  /* — The supervisor returns it with a comment. — */
  device_sync (office);
  supervisor.device = office;
  supervisor_widget = kt_role_view_new_for_role ("supervisor", NULL, "super1", "noord");
  supervisor.view = KT_SUPERVISOR_VIEW (supervisor_widget);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (window, supervisor_widget);
  gtk_window_present (window);
  kt_supervisor_view_set_coaches (supervisor.view, coaches);
  supervisor_refresh (&supervisor);
  page = kt_supervisor_inbox_get_review_page (kt_supervisor_view_get_inbox (supervisor.view));
  g_signal_connect (kt_supervisor_view_get_inbox (supervisor.view), "plan-opened",
                    G_CALLBACK (on_plan_opened), &supervisor);
  g_signal_connect (page, "decided", G_CALLBACK (on_decided), &supervisor);
  g_assert_cmpuint (kt_supervisor_inbox_get_entries (kt_supervisor_view_get_inbox (supervisor.view))->len, ==, 1);
  g_assert_true (kt_supervisor_inbox_open (kt_supervisor_view_get_inbox (supervisor.view), plan_id));
  wait_until (&supervisor.n_opened, 1);
  g_assert_true (audit_has_read (server, "super1", plan_id));

  /* Returning needs a comment; the page refuses without one. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.return", NULL));
  g_assert_cmpuint (supervisor.n_reviewed, ==, 0);
  set_text_view (kt_review_page_get_comment_view (page), "Wie uit het netwerk kan helpen? Noem een naam.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.return", NULL));
  wait_until (&supervisor.n_reviewed, 1);
  g_assert_no_error (supervisor.review_error);
  g_assert_cmpint (device_plan (office, plan_id)->review, ==, KT_REVIEW_RETURNED);

  /* An intaker cannot approve, even by asking the server directly. */
  {
    g_autoptr(KtReview) approve = kt_review_new (KT_REVIEW_DECISION_APPROVE, device_plan (office, plan_id)->header.rev);
    g_autoptr(KtSyncRecord) refused = NULL;

    kt_role_client_review_async (desk->roles, plan_id, approve, NULL, on_done, &result);
    refused = kt_role_client_review_finish (desk->roles, wait_for (&result), &error);
    g_assert_null (refused);
    g_assert_true (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_FORBIDDEN)
                   || g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_FOUND));
    g_clear_error (&error);
    g_clear_object (&result);
  }

  /* — The coach sees the comment, revises as version 2 and submits again. — */
  device_sync (coach);
  plan = device_plan (coach, plan_id);
  g_assert_cmpint (plan->review, ==, KT_REVIEW_RETURNED);
  g_assert_cmpuint (plan->comments->len, ==, 1);
  g_assert_cmpstr (((KtReviewComment *) g_ptr_array_index (plan->comments, 0))->author, ==, "super1");
  coach_plans = device_list (coach, KT_KIND_PLAN);
  revised = kt_review_revise (plan, coach_plans, &error);
  g_assert_no_error (error);
  g_assert_cmpint (revised->version, ==, 2);
  g_free (((KtGoal *) g_ptr_array_index (revised->goals, 0))->title);
  ((KtGoal *) g_ptr_array_index (revised->goals, 0))->title = g_strdup ("Overzicht over de post, met de buurvrouw");
  g_assert_true (kt_plan_submit (revised, &error));
  g_assert_no_error (error);
  revised->header.rev = 1;
  revised_body = kt_plan_encode (revised);
  share (coach, revised_body);
  device_sync (coach);
  g_assert_cmpuint (kt_sync_client_get_n_pending (coach->sync), ==, 0);

  /* — The supervisor approves version 2. — */
  device_sync (office);
  supervisor_refresh (&supervisor);
  g_assert_cmpuint (kt_supervisor_inbox_get_entries (kt_supervisor_view_get_inbox (supervisor.view))->len, ==, 1);
  g_assert_true (kt_supervisor_inbox_open (kt_supervisor_view_get_inbox (supervisor.view), revised->header.id));
  wait_until (&supervisor.n_opened, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.approve", NULL));
  wait_until (&supervisor.n_reviewed, 2);
  g_assert_no_error (supervisor.review_error);

  /* A supervisor cannot change what the plan says: the server refuses it. */
  {
    g_autoptr(KtPlan) edited = kt_plan_copy (device_plan (office, revised->header.id));
    g_autoptr(GBytes) edited_body = NULL;

    g_free (edited->question);
    edited->question = g_strdup ("Door de supervisor veranderd");
    edited->header.rev++;
    edited_body = kt_plan_encode (edited);
    share (office, edited_body);
    kt_test_device_sync (office->sync, NULL);
    g_assert_cmpuint (office->n_failed, >=, 1);
  }

  /* — The coach sees "approved", and the history of both versions. — */
  device_sync (coach);
  plan = device_plan (coach, revised->header.id);
  g_assert_cmpint (plan->review, ==, KT_REVIEW_APPROVED);
  g_assert_cmpstr (plan->reviewer, ==, "super1");
  g_assert_cmpstr (plan->question, ==, QUESTION);
  g_clear_pointer (&coach_plans, g_ptr_array_unref);
  coach_plans = device_list (coach, KT_KIND_PLAN);
  history = kt_review_history (coach_plans, case_id);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpint (((KtPlan *) g_ptr_array_index (history, 0))->review, ==, KT_REVIEW_RETURNED);
  g_assert_cmpuint (((KtPlan *) g_ptr_array_index (history, 0))->comments->len, ==, 1);
  g_assert_cmpint (((KtPlan *) g_ptr_array_index (history, 1))->review, ==, KT_REVIEW_APPROVED);

  gtk_window_destroy (window);
  g_clear_pointer (&other, device_free);
  g_clear_pointer (&office, device_free);
  g_clear_pointer (&coach, device_free);
  g_clear_pointer (&desk, device_free);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_assert_true (kt_core_init ());
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/e2e/roles/request-to-approved-plan", test_request_to_approved_plan);

  return g_test_run ();
}
