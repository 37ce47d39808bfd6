/* test-sealed-sync.c: the three roles' loop with sealed records, against a
 * real keukentafel-server that keeps only ciphertext
 *
 * Each account's key is published in the server's key directory; each
 * device weighs the team's keys against its pins (kt-peer-keys) and seals
 * with what it trusts.  Intake, assignment, conversation, plan, review and
 * return go through the real sync and role clients; a supervisor whose key
 * comes later reads the older records once the coach's device seals them
 * again; a supervisor who left gets no key for what is written after; a
 * colleague's substituted key is not used; and no marker written in any
 * field reaches the server's database files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <string.h>

#include "kt-core.h"
#include "kt-peer-keys.h"
#include "kt-recovery-phrase.h"
#include "kt-role-client.h"
#include "kt-test-sink.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

#define MARKER "Verzegeld-3b9f"

static const KtTestUser users[] = {
  { "coach1", KT_TEST_PASSWORD, "wijkcoach", "noord", "Coach Een" },
  { "intake1", KT_TEST_PASSWORD, "intaker", "noord", "Intaker Een" },
  { "super1", KT_TEST_PASSWORD, "supervisor", "noord", "Supervisor Een" },
  { "super2", KT_TEST_PASSWORD, "supervisor", "noord", "Supervisor Twee" },
  { NULL },
};

typedef struct {
  char         *dir;
  KtTestServer *server;
  const char   *url;
  GHashTable   *coaches;   /* case id → coach, as the devices hold their cases */
  GHashTable   *pins;      /* one device's pinned colleague keys, per account */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = kt_test_tmpdir_new ("kt-sealed");
  /* sealed only, but for the migration's server, which still takes what
   * apps from before sealing send */
  f->server = kt_test_server_start_full (NULL, users, data != NULL ? "[server]\naccept-plaintext=true\n"
                                                                   : "[server]\naccept-plaintext=false\n");
  f->url = kt_test_server_get_url (f->server);
  f->coaches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->pins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) g_hash_table_unref);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, kt_test_server_free);
  g_clear_pointer (&f->dir, kt_test_tmpdir_free);
  g_clear_pointer (&f->coaches, g_hash_table_unref);
  g_clear_pointer (&f->pins, g_hash_table_unref);
}

static void
publish (Fixture    *f,
         const char *username,
         KtKey      *secret)
{
  kt_test_publish_key (f->url, username, secret);
}

static gboolean
case_readers (const char  *case_id,
              char       **coach,
              char       **intaker,
              gpointer     user_data)
{
  Fixture *f = user_data;

  *coach = g_strdup (g_hash_table_lookup (f->coaches, case_id));
  *intaker = g_strdup ("intake1");
  return *coach != NULL;
}

/* A sealer for @username from the server's directory as this device weighs
 * it now; the number of changed keys in @n_changed (transfer full). */
static KtRecordSealer *
sealer_from_directory (Fixture    *f,
                       const char *username,
                       guint      *n_changed)
{
  g_autoptr(KtKey) secret = kt_test_account_secret (username);
  GHashTable *pins = g_hash_table_lookup (f->pins, username);

  if (pins == NULL)
    {
      pins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
      g_hash_table_insert (f->pins, g_strdup (username), pins);
    }
  return kt_test_sealer_from_directory (f->url, username, secret, pins, n_changed, case_readers, f);
}

/* A signed-in device of @username that seals with @sealer. */
static KtSyncClient *
device_new (Fixture        *f,
            const char     *username,
            KtRecordSealer *sealer)
{
  g_autofree char *name = g_strdup_printf ("%s-%s", username, "device");
  KtSyncClient *device = kt_test_device_new (f->dir, name);
  KtTestSink *sink = kt_test_sink_new ();

  kt_sync_client_set_sink (device, KT_RECORD_SINK (sink));
  g_object_set_data_full (G_OBJECT (device), "test-sink", sink, g_object_unref);
  kt_sync_client_set_sealer (device, sealer);
  kt_sync_client_set_sealing_required (device, TRUE);
  kt_test_device_sign_in (device, f->url, username);
  return device;
}

static void
sync_ok (KtSyncClient *device)
{
  g_autoptr(GError) error = NULL;

  kt_test_device_sync (device, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kt_sync_client_get_status (device), ==, KT_SYNC_STATUS_SYNCED);
  g_assert_cmpuint (kt_sync_client_get_n_pending (device), ==, 0);
}

static KtTestSink *
sink_of (KtSyncClient *device)
{
  return g_object_get_data (G_OBJECT (device), "test-sink");
}

/* The document @id as @device's sink kept it (transfer full), or NULL. */
static KtDocument *
kept (KtSyncClient *device,
      const char   *id)
{
  KtSyncRecord *record = kt_test_sink_lookup (sink_of (device), id);
  KtDocument *doc;
  g_autoptr(GError) error = NULL;

  if (record == NULL)
    return NULL;
  doc = g_new0 (KtDocument, 1);
  g_assert_true (kt_document_decode (record->body, doc, &error));
  g_assert_no_error (error);
  return doc;
}

static void
document_free (KtDocument *doc)
{
  kt_document_clear (doc);
  g_free (doc);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtDocument, document_free)

static void
share (KtSyncClient *device,
       GBytes       *body)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_sync_client_share (device, body, &error));
  g_assert_no_error (error);
}

static GBytes *
case_body (const char *id,
           gint64      rev,
           const char *coach)
{
  g_autoptr(KtCase) kase = kt_case_new ();

  g_free (kase->header.id);
  kase->header.id = g_strdup (id);
  kase->header.rev = rev;
  kase->coach = g_strdup (coach);
  kase->household = g_strdup ("Familie " MARKER "-naam");
  kase->request.intaker = g_strdup ("intake1");
  kase->request.question = g_strdup ("Hulp met de post " MARKER "-vraag");
  return kt_case_encode (kase);
}

static GBytes *
plan_body (const char    *id,
           const char    *case_id,
           gint64         rev,
           KtReviewState  review,
           const char    *question)
{
  g_autoptr(KtPlan) plan = kt_plan_new ();
  KtGoal *goal = kt_goal_new ();

  g_free (plan->header.id);
  plan->header.id = g_strdup (id);
  plan->header.rev = rev;
  plan->case_id = g_strdup (case_id);
  plan->review = review;
  plan->question = g_strdup (question);
  goal->title = g_strdup ("Overzicht in de post " MARKER "-doel");
  g_ptr_array_add (plan->goals, goal);
  return kt_plan_encode (plan);
}

static void
on_assigned (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
assign (KtSyncClient *desk,
        const char   *case_id,
        const char   *coach)
{
  g_autoptr(KtRoleClient) roles = kt_role_client_new (desk);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kt_role_client_queue_assignment_async (roles, case_id, coach, NULL, on_assigned, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (kt_role_client_queue_assignment_finish (roles, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  kt_role_client_flush_assignments_async (roles, NULL, on_assigned, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (kt_role_client_flush_assignments_finish (roles, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (roles), ==, 0);
}

/* The record @id as @username fetches it from the server (transfer full). */
static KtSyncRecord *
fetch (Fixture    *f,
       const char *username,
       const char *id)
{
  g_autofree char *path = g_strdup_printf ("/records/%s", id);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  KtSyncRecord *record;

  g_assert_cmpuint (kt_test_http (f->url, username, "GET", path, NULL, &body), ==, 200);
  record = kt_sync_record_decode (body, &error);
  g_assert_no_error (error);
  g_assert_true (kt_sync_record_is_sealed (record));
  return record;
}

/* Whether the marker is anywhere in the SQLite files of the server. */
static void
assert_no_marker_on_server (Fixture *f)
{
  const char *uri = kt_test_server_get_database (f->server);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint files = 0;

  g_assert_true (g_str_has_prefix (uri, "sqlite://"));
  dir = g_path_get_dirname (uri + strlen ("sqlite://"));
  base = g_path_get_basename (uri + strlen ("sqlite://"));
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (!g_str_has_prefix (name, base))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_assert_null (memmem (contents, len, MARKER, strlen (MARKER)));
      files++;
    }
  g_assert_cmpuint (files, >, 0);
}

static void
test_the_loop_sealed (Fixture *f, gconstpointer data)
{
  const char * const accounts[] = { "coach1", "intake1", "super1" };
  g_autoptr(KtRecordSealer) desk_sealer = NULL;
  g_autoptr(KtRecordSealer) coach_sealer = NULL;
  g_autoptr(KtRecordSealer) super_sealer = NULL;
  g_autoptr(KtSyncClient) desk = NULL;
  g_autoptr(KtSyncClient) coach = NULL;
  g_autoptr(KtSyncClient) super1 = NULL;
  g_autoptr(KtSyncRecord) returned = NULL;
  g_autoptr(KtDocument) pulled_case = NULL;
  g_autoptr(KtDocument) pulled_plan = NULL;
  g_autoptr(KtDocument) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *case_id = kt_uuid_new ();
  g_autofree char *plan_id = kt_uuid_new ();
  g_autoptr(GBytes) kase = case_body (case_id, 1, NULL);
  g_autoptr(GBytes) plan = plan_body (plan_id, case_id, 1, KT_REVIEW_SUBMITTED,
                                      "Rust in huis " MARKER "-plan");

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autoptr(KtKey) secret = kt_test_account_secret (accounts[i]);

      publish (f, accounts[i], secret);
    }
  desk_sealer = sealer_from_directory (f, "intake1", NULL);
  coach_sealer = sealer_from_directory (f, "coach1", NULL);
  super_sealer = sealer_from_directory (f, "super1", NULL);
  desk = device_new (f, "intake1", desk_sealer);
  coach = device_new (f, "coach1", coach_sealer);
  super1 = device_new (f, "super1", super_sealer);

  /* Intake and assignment, made on the intaker's device. */
  share (desk, kase);
  sync_ok (desk);
  assign (desk, case_id, "coach1");
  g_hash_table_insert (f->coaches, g_strdup (case_id), g_strdup ("coach1"));

  /* The coach's device opens the assigned case, and shares the plan. */
  sync_ok (coach);
  pulled_case = kept (coach, case_id);
  g_assert_nonnull (pulled_case);
  g_assert_cmpstr (pulled_case->kase->coach, ==, "coach1");
  g_assert_true (g_str_has_suffix (pulled_case->kase->request.question, MARKER "-vraag"));
  share (coach, plan);
  sync_ok (coach);

  /* The supervisor opens it and returns it with a comment, sealed. */
  sync_ok (super1);
  pulled_plan = kept (super1, plan_id);
  g_assert_nonnull (pulled_plan);
  g_assert_cmpint (pulled_plan->plan->review, ==, KT_REVIEW_SUBMITTED);
  /* a return without a comment is refused on the device */
  g_assert_null (kt_test_review (super1, plan_id, 1, KT_REVIEW_DECISION_RETURN, NULL, &error));
  g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_COMMENT_REQUIRED);
  g_clear_error (&error);
  returned = kt_test_review (super1, plan_id, 1, KT_REVIEW_DECISION_RETURN, "Concreter " MARKER "-opmerking",
                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (returned->review, ==, "returned");

  /* The coach's device reads the comment; the intaker's holds no plan. */
  sync_ok (coach);
  back = kept (coach, plan_id);
  g_assert_cmpint (back->plan->review, ==, KT_REVIEW_RETURNED);
  g_assert_cmpuint (back->plan->comments->len, ==, 1);
  g_assert_true (g_str_has_suffix (((KtReviewComment *) back->plan->comments->pdata[0])->text,
                                   MARKER "-opmerking"));
  sync_ok (desk);
  g_assert_null (kt_test_sink_lookup (sink_of (desk), plan_id));
  g_assert_cmpuint (kt_sync_client_get_n_unopened (desk), ==, 0);

  assert_no_marker_on_server (f);
}

/* A supervisor whose first device comes later reads the older records once
 * the coach's device seals them again; after leaving, none of what is
 * written next; a substituted key of a colleague is never sealed to. */
static void
test_membership (Fixture *f, gconstpointer data)
{
  const char * const accounts[] = { "coach1", "intake1", "super1" };
  g_autoptr(KtRecordSealer) coach_sealer = NULL;
  g_autoptr(KtRecordSealer) later_sealer = NULL;
  g_autoptr(KtRecordSealer) left_sealer = NULL;
  g_autoptr(KtRecordSealer) super2_sealer = NULL;
  g_autoptr(KtSyncClient) coach = NULL;
  g_autoptr(KtSyncClient) super2 = NULL;
  g_autoptr(KtSyncRecord) before = NULL;
  g_autoptr(KtSyncRecord) after = NULL;
  g_autoptr(KtSyncRecord) substituted = NULL;
  g_autoptr(KtDocument) opened = NULL;
  g_autoptr(KtKey) super2_secret = kt_test_account_secret ("super2");
  g_autoptr(KtKey) impostor = kt_key_new_random ();
  g_autoptr(GError) error = NULL;
  g_autofree char *case_id = kt_uuid_new ();
  g_autofree char *plan_id = kt_uuid_new ();
  g_autoptr(GBytes) kase = case_body (case_id, 1, "coach1");
  g_autoptr(GBytes) plan1 = plan_body (plan_id, case_id, 1, KT_REVIEW_DRAFT, "Eerste " MARKER);
  g_autoptr(GBytes) plan2 = plan_body (plan_id, case_id, 2, KT_REVIEW_DRAFT, "Tweede " MARKER);
  g_autoptr(GBytes) plan3 = plan_body (plan_id, case_id, 3, KT_REVIEW_DRAFT, "Derde " MARKER);
  guint changed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autoptr(KtKey) secret = kt_test_account_secret (accounts[i]);

      publish (f, accounts[i], secret);
    }
  g_hash_table_insert (f->coaches, g_strdup (case_id), g_strdup ("coach1"));
  coach_sealer = sealer_from_directory (f, "coach1", NULL);
  coach = device_new (f, "coach1", coach_sealer);
  share (coach, kase);
  share (coach, plan1);
  sync_ok (coach);
  before = fetch (f, "coach1", plan_id);
  g_assert_null (kt_sync_record_get_key (before, "super2"));

  /* super2's first device: a key now; nothing to open yet. */
  publish (f, "super2", super2_secret);
  super2_sealer = sealer_from_directory (f, "super2", NULL);
  super2 = device_new (f, "super2", super2_sealer);
  sync_ok (super2);
  g_assert_null (kt_test_sink_lookup (sink_of (super2), plan_id));

  /* The coach's device weighs the directory again and seals to super2. */
  later_sealer = sealer_from_directory (f, "coach1", NULL);
  kt_sync_client_set_sealer (coach, later_sealer);
  sync_ok (coach);
  sync_ok (super2);
  opened = kept (super2, plan_id);
  g_assert_nonnull (opened);
  g_assert_true (g_str_has_prefix (opened->plan->question, "Eerste"));
  g_assert_nonnull (kt_test_sink_lookup (sink_of (super2), case_id));

  /* super2 leaves: the next revision is not for super2. */
  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "user", "disable", "super2", NULL },
                                         NULL, NULL), ==, 0);
  left_sealer = sealer_from_directory (f, "coach1", NULL);
  kt_sync_client_set_sealer (coach, left_sealer);
  share (coach, plan2);
  sync_ok (coach);
  after = fetch (f, "coach1", plan_id);
  g_assert_cmpint (after->rev, ==, 2);
  g_assert_null (kt_sync_record_get_key (after, "super2"));
  g_assert_false (kt_record_sealer_open (super2_sealer, after, &error));
  g_assert_error (error, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_NOT_FOR_ME);
  g_clear_error (&error);

  /* super1's key is replaced in the directory (by whoever can write it):
   * the coach's device sees a changed key and does not seal to it. */
  publish (f, "super1", impostor);
  g_clear_object (&left_sealer);
  left_sealer = sealer_from_directory (f, "coach1", &changed);
  g_assert_cmpuint (changed, ==, 1);
  kt_sync_client_set_sealer (coach, left_sealer);
  share (coach, plan3);
  sync_ok (coach);
  substituted = fetch (f, "coach1", plan_id);
  g_assert_cmpint (substituted->rev, ==, 3);
  g_assert_null (kt_sync_record_get_key (substituted, "super1"));
  g_assert_nonnull (kt_sync_record_get_key (substituted, "coach1"));

  assert_no_marker_on_server (f);
}

/* An app from before sealing left a case and a submitted plan in
 * plaintext; the coach's updated app seals them at their next revision,
 * the administrator's report says none is left, and after the command that
 * removes what remains, no byte of them is in the server's files. */
static void
test_migration (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) old_app = kt_test_device_new (f->dir, "before-sealing");
  g_autoptr(KtRecordSealer) sealer = NULL;
  g_autoptr(KtSyncClient) coach = NULL;
  g_autoptr(KtSyncRecord) plan_now = NULL;
  g_autoptr(KtSyncRecord) case_now = NULL;
  g_autoptr(KtDocument) kept_plan = NULL;
  g_autoptr(KtKey) secret = kt_test_account_secret ("coach1");
  g_autoptr(KtKey) super1_secret = kt_test_account_secret ("super1");
  g_autofree char *case_id = kt_uuid_new ();
  g_autofree char *plan_id = kt_uuid_new ();
  g_autoptr(GBytes) kase = case_body (case_id, 1, "coach1");
  g_autoptr(GBytes) plan = plan_body (plan_id, case_id, 1, KT_REVIEW_SUBMITTED, "Oud " MARKER);
  g_autofree char *report = NULL;
  g_autofree char *removed = NULL;

  g_hash_table_insert (f->coaches, g_strdup (case_id), g_strdup ("coach1"));
  kt_test_device_sign_in (old_app, f->url, "coach1");
  share (old_app, kase);
  share (old_app, plan);
  sync_ok (old_app);
  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "plaintext", NULL }, NULL, &report),
                   ==, 0);
  g_assert_nonnull (strstr (report, ": 2"));
  g_clear_pointer (&report, g_free);

  /* The updated app: a key, a sealer; its first round seals them. */
  publish (f, "coach1", secret);
  publish (f, "super1", super1_secret);
  sealer = sealer_from_directory (f, "coach1", NULL);
  coach = device_new (f, "coach1", sealer);
  sync_ok (coach);
  case_now = fetch (f, "coach1", case_id);
  plan_now = fetch (f, "coach1", plan_id);
  g_assert_cmpint (case_now->rev, ==, 2);
  g_assert_cmpint (plan_now->rev, ==, 2);
  g_assert_cmpstr (plan_now->review, ==, "submitted");
  g_assert_nonnull (kt_sync_record_get_key (plan_now, "super1"));
  /* the store took the sealed revision back */
  kept_plan = kept (coach, plan_id);
  g_assert_nonnull (kept_plan);
  g_assert_cmpint (kept_plan->plan->header.rev, ==, 2);

  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "plaintext", NULL }, NULL, &report),
                   ==, 0);
  g_assert_nonnull (strstr (report, ": 0"));
  g_assert_cmpint (kt_test_server_admin (f->server, (const char *[]) { "plaintext", "--remove", NULL },
                                         NULL, &removed), ==, 0);
  assert_no_marker_on_server (f);
}

/* As the app's key controller does after each round of @device
 * (::round-finished): weighs the team's keys again, and when a key came
 * that it did not have, gives @device a new sealer and asks for a round.
 * Run from the test's loop, not from the signal: the directory is read
 * with a blocking request. */
typedef struct {
  Fixture      *f;
  KtSyncClient *device;
  const char   *username;
  GBytes       *team_keys;   /* the directory's answer at the last weighing */
  gboolean      due;         /* a round ended since */
} KeyWatcher;

static void
on_round_finished (KeyWatcher *watcher)
{
  watcher->due = TRUE;
}

static void
key_watcher_weigh (KeyWatcher *watcher)
{
  g_autoptr(GBytes) keys = NULL;
  g_autoptr(KtRecordSealer) sealer = NULL;

  if (!watcher->due)
    return;
  watcher->due = FALSE;
  g_assert_cmpuint (kt_test_http (watcher->f->url, watcher->username, "GET", "/team/keys", NULL, &keys),
                    ==, 200);
  if (watcher->team_keys != NULL && g_bytes_equal (keys, watcher->team_keys))
    return;
  g_clear_pointer (&watcher->team_keys, g_bytes_unref);
  watcher->team_keys = g_steal_pointer (&keys);
  sealer = sealer_from_directory (watcher->f, watcher->username, NULL);
  kt_sync_client_set_sealer (watcher->device, sealer);
  kt_sync_client_sync_async (watcher->device, NULL, NULL, NULL);
}

/* Runs the main loop, and @watcher's weighing, until @id is in @device's
 * sink or @seconds have passed; whether it came.  The deadline only ends a
 * test that would otherwise wait for the periodic round, minutes away. */
static gboolean
wait_for_kept (KtSyncClient *device,
               KeyWatcher   *watcher,
               const char   *id,
               guint         seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (kt_test_sink_lookup (sink_of (device), id) == NULL && g_get_monotonic_time () < deadline)
    {
      key_watcher_weigh (watcher);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return kt_test_sink_lookup (sink_of (device), id) != NULL;
}

/* The intaker assigns a household to a coach who never signed in: the
 * case is sealed without a key for her.  When she signs in for the first
 * time and her device publishes its key, the intaker's running app hears
 * of it through its held pull, seals the case to her, and it reaches her
 * device within seconds; nobody syncs by hand. */
static void
test_assigned_before_first_sign_in (Fixture *f, gconstpointer data)
{
  g_autoptr(KtRecordSealer) desk_sealer = NULL;
  g_autoptr(KtRecordSealer) coach_sealer = NULL;
  g_autoptr(KtSyncClient) desk = NULL;
  g_autoptr(KtSyncClient) coach = NULL;
  g_autoptr(KtSyncRecord) before = NULL;
  g_autoptr(KtSyncRecord) after = NULL;
  g_autoptr(KtDocument) arrived = NULL;
  g_autoptr(KtKey) desk_secret = kt_test_account_secret ("intake1");
  g_autoptr(KtKey) coach_secret = kt_test_account_secret ("coach1");
  g_autofree char *case_id = kt_uuid_new ();
  g_autoptr(GBytes) kase = case_body (case_id, 1, NULL);
  KeyWatcher watcher = { .f = f, .username = "intake1" };
  gint64 start;

  publish (f, "intake1", desk_secret);
  desk_sealer = sealer_from_directory (f, "intake1", NULL);
  desk = device_new (f, "intake1", desk_sealer);
  watcher.device = desk;
  g_signal_connect_swapped (desk, "round-finished", G_CALLBACK (on_round_finished), &watcher);

  /* Registered and assigned while coach1 has no key. */
  share (desk, kase);
  sync_ok (desk);
  assign (desk, case_id, "coach1");
  g_hash_table_insert (f->coaches, g_strdup (case_id), g_strdup ("coach1"));
  sync_ok (desk);
  before = fetch (f, "intake1", case_id);
  g_assert_null (kt_sync_record_get_key (before, "coach1"));

  /* The intaker's app runs as the app runs it: a round, the weighing of
   * the team's keys after it, then the held pull.  Settled (no round and
   * no weighing due for half a second) before coach1 comes, so that only
   * the held pull can tell the device of her key. */
  kt_sync_client_start (desk);
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < G_USEC_PER_SEC / 2)
    {
      if (watcher.due || kt_sync_client_get_status (desk) == KT_SYNC_STATUS_SYNCING)
        start = g_get_monotonic_time ();
      key_watcher_weigh (&watcher);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_nonnull (watcher.team_keys);

  /* coach1 signs in for the first time: a key, then her device pulls. */
  publish (f, "coach1", coach_secret);
  coach_sealer = sealer_from_directory (f, "coach1", NULL);
  coach = device_new (f, "coach1", coach_sealer);
  kt_sync_client_start (coach);
  start = g_get_monotonic_time ();
  g_assert_true (wait_for_kept (coach, &watcher, case_id, 20));
  g_test_message ("the case reached the coach %" G_GINT64_FORMAT " ms after her key was published",
                  (g_get_monotonic_time () - start) / 1000);
  arrived = kept (coach, case_id);
  g_assert_cmpstr (arrived->kase->coach, ==, "coach1");
  after = fetch (f, "coach1", case_id);
  g_assert_nonnull (kt_sync_record_get_key (after, "coach1"));

  kt_sync_client_stop (coach);
  kt_sync_client_stop (desk);
  g_signal_handlers_disconnect_by_data (desk, &watcher);
  g_clear_pointer (&watcher.team_keys, g_bytes_unref);
  assert_no_marker_on_server (f);
}

/* The access log's requests for the list of unsealed records by @username
 * answered @status ("200"; NULL: any) in the server log @log. */
static guint
unsealed_asked (const char *log,
                const char *username,
                const char *status)
{
  g_autofree char *route = g_strdup_printf ("GET /api/v1/records/unsealed %s", status != NULL ? status : "");

  return kt_test_server_log_count_requests (log, route, username);
}

/* Only a coach's and an intaker's records can be left in plaintext: a
 * supervisor's rounds do not ask for them (each ask was a 403 in the
 * access log, every round); a coach's and an intaker's still do.  A
 * supervisor's device signed in before the role was kept asks once. */
static void
test_supervisor_does_not_ask_for_unsealed (Fixture *f, gconstpointer data)
{
  g_autofree char *log_path = g_build_filename (f->dir, "server.log", NULL);
  g_autoptr(KtKey) coach_secret = kt_test_account_secret ("coach1");
  g_autoptr(KtKey) intake_secret = kt_test_account_secret ("intake1");
  g_autoptr(KtKey) super1_secret = kt_test_account_secret ("super1");
  g_autoptr(KtKey) super2_secret = kt_test_account_secret ("super2");
  g_autoptr(KtRecordSealer) coach_sealer = NULL;
  g_autoptr(KtRecordSealer) intake_sealer = NULL;
  g_autoptr(KtRecordSealer) super1_sealer = NULL;
  g_autoptr(KtRecordSealer) super2_sealer = NULL;
  g_autoptr(KtSyncClient) coach = NULL;
  g_autoptr(KtSyncClient) desk = NULL;
  g_autoptr(KtSyncClient) supervisor = NULL;
  g_autoptr(KtSyncClient) older = NULL;
  g_autofree char *log = NULL;

  kt_test_server_set_stderr_file (f->server, log_path);
  kt_test_server_stop (f->server);
  kt_test_server_restart (f->server);
  f->url = kt_test_server_get_url (f->server);
  publish (f, "coach1", coach_secret);
  publish (f, "intake1", intake_secret);
  publish (f, "super1", super1_secret);
  publish (f, "super2", super2_secret);
  coach_sealer = sealer_from_directory (f, "coach1", NULL);
  intake_sealer = sealer_from_directory (f, "intake1", NULL);
  super1_sealer = sealer_from_directory (f, "super1", NULL);
  super2_sealer = sealer_from_directory (f, "super2", NULL);

  supervisor = device_new (f, "super1", super1_sealer);
  for (guint i = 0; i < 3; i++)
    sync_ok (supervisor);
  coach = device_new (f, "coach1", coach_sealer);
  sync_ok (coach);
  desk = device_new (f, "intake1", intake_sealer);
  sync_ok (desk);

  /* As a device that signed in before the role was kept: it does not
   * know its role, asks once, and is refused. */
  older = device_new (f, "super2", super2_sealer);
  g_assert_true (kt_outbox_set_meta (kt_sync_client_get_outbox (older), "role", NULL, NULL));
  g_clear_object (&older);
  older = kt_test_device_new (f->dir, "super2-device");
  kt_sync_client_set_sealer (older, super2_sealer);
  kt_sync_client_set_sealing_required (older, TRUE);
  g_assert_true (kt_sync_client_is_signed_in (older));
  for (guint i = 0; i < 3; i++)
    sync_ok (older);

  kt_test_server_stop (f->server);
  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_assert_cmpuint (unsealed_asked (log, "super1", NULL), ==, 0);
  g_assert_cmpuint (unsealed_asked (log, "super2", NULL), ==, 1);
  g_assert_cmpuint (unsealed_asked (log, "super2", "403"), ==, 1);
  g_assert_cmpuint (unsealed_asked (log, "coach1", "200"), ==, 1);
  g_assert_cmpuint (unsealed_asked (log, "intake1", "200"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add ("/sealed-sync/the-loop", Fixture, NULL, fixture_set_up, test_the_loop_sealed,
              fixture_tear_down);
  g_test_add ("/sealed-sync/membership-and-substituted-keys", Fixture, NULL, fixture_set_up,
              test_membership, fixture_tear_down);
  g_test_add ("/sealed-sync/a-case-assigned-before-the-coachs-first-sign-in-reaches-her", Fixture, NULL,
              fixture_set_up, test_assigned_before_first_sign_in, fixture_tear_down);
  g_test_add ("/sealed-sync/migration-seals-what-older-apps-left", Fixture, "migration",
              fixture_set_up, test_migration, fixture_tear_down);
  g_test_add ("/sealed-sync/a-supervisors-rounds-do-not-ask-for-unsealed-records", Fixture, NULL,
              fixture_set_up, test_supervisor_does_not_ask_for_unsealed, fixture_tear_down);
  return g_test_run ();
}
