/* test-sync-client.c: sign-in, outbox, push and pull, conflicts, against a
 * real keukentafel-server on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsecret/secret.h>
#include <sqlite3.h>

#include "kt-core.h"
#include "kt-fault-proxy.h"
#include "kt-role-client.h"
#include "kt-store-private.h"
#include "kt-store-sink.h"
#include "kt-test-sink.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

typedef struct {
  char         *dir;
  KtTestServer *server;
  char         *case_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = kt_test_tmpdir_new ("kt-sync");
  /* "short-wait": the server holds a pull 2 seconds (request-timeout less 5) */
  f->server = kt_test_server_start_full (NULL, kt_test_sync_users,
                                         g_strcmp0 (data, "short-wait") == 0
                                         ? "[server]\nrequest-timeout=7\n" : "");
  f->case_id = kt_test_case_for_coach (f->dir, kt_test_server_get_url (f->server));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, kt_test_server_free);
  g_clear_pointer (&f->dir, kt_test_tmpdir_free);
  g_clear_pointer (&f->case_id, g_free);
}

static void
share (KtSyncClient *device,
       GBytes       *body)
{
  g_autoptr(GError) error = NULL;

  kt_sync_client_share (device, body, &error);
  g_assert_no_error (error);
}

static void
share_plan (KtSyncClient *device,
            const char   *id,
            const char   *case_id,
            gint64        rev,
            const char   *question)
{
  g_autoptr(GBytes) body = kt_test_plan_body (id, case_id, rev, question);

  share (device, body);
}

static void
sync_ok (KtSyncClient *device)
{
  g_autoptr(GError) error = NULL;

  kt_test_device_sync (device, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kt_sync_client_get_status (device), ==, KT_SYNC_STATUS_SYNCED);
}

/* A device of the test's own (kt_test_device_new), signed in to the
 * fixture's server as @username (transfer full). */
static KtSyncClient *
signed_in_device (Fixture    *f,
                  const char *name,
                  const char *username)
{
  KtSyncClient *device = kt_test_device_new (f->dir, name);

  kt_test_device_sign_in (device, kt_test_server_get_url (f->server), username);
  return device;
}

/* Revision 1 of @plan shared from @laptop and synced to both; then both,
 * offline, edit it into their own revision 2, and @laptop's reaches the
 * server first: @tablet's next round meets the conflict. */
static void
edit_offline_on_both (Fixture      *f,
                      KtSyncClient *laptop,
                      KtSyncClient *tablet,
                      const char   *plan)
{
  share_plan (laptop, plan, f->case_id, 1, "Eerste versie");
  sync_ok (laptop);
  sync_ok (tablet);
  share_plan (laptop, plan, f->case_id, 2, "Versie van de laptop");
  share_plan (tablet, plan, f->case_id, 2, "Versie van de tablet");
  sync_ok (laptop);
}

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* (element-type KtSyncConflict) (transfer full) */
static GPtrArray *
list_conflicts (KtSyncClient *device)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *conflicts;

  kt_sync_client_list_conflicts_async (device, NULL, keep_result, &result);
  conflicts = kt_sync_client_list_conflicts_finish (device, wait_for_result (&result), &error);
  g_assert_no_error (error);
  return conflicts;
}

static void
resolve_conflict (KtSyncClient *device,
                  const char   *id,
                  GHashTable   *choices)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kt_sync_client_resolve_conflict_async (device, id, choices, NULL, keep_result, &result);
  kt_sync_client_resolve_conflict_finish (device, wait_for_result (&result), &error);
  g_assert_no_error (error);
}

/* The plans on the server as coach1 reads them: id → rev. */
static GHashTable *
server_plans (const char *url,
              guint      *n_rows)
{
  GHashTable *plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = g_strdup ("");
  gboolean more = TRUE;

  *n_rows = 0;
  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/changes?since=%s&limit=500", cursor);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(KtSyncResponse) response = NULL;
      g_autoptr(GError) error = NULL;
      guint status = kt_test_http (url, "coach1", "GET", path, NULL, &body);

      response = kt_sync_response_parse (KT_SYNC_ENDPOINT_CHANGES, status, body, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < response->records->len; i++)
        {
          KtSyncRecord *record = g_ptr_array_index (response->records, i);

          if (record->kind != KT_KIND_PLAN)
            continue;
          (*n_rows)++;
          g_hash_table_insert (plans, g_strdup (record->id), GINT_TO_POINTER ((int) record->rev));
        }
      g_free (cursor);
      cursor = g_strdup (response->cursor);
      more = response->more && response->records->len > 0;
    }
  return plans;
}

/* Every plan on the server as @reader pulls it is sealed, and opens for
 * @reader to a question starting with @question. */
static void
assert_sealed_and_opens (const char *url,
                         const char *reader,
                         const char *question)
{
  g_autoptr(KtRecordSealer) sealer = kt_test_sealer_new (reader);
  g_autofree char *cursor = g_strdup ("");
  gboolean more = TRUE;
  guint n = 0;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/changes?since=%s&limit=500", cursor);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(KtSyncResponse) response = NULL;
      g_autoptr(GError) error = NULL;
      guint status = kt_test_http (url, reader, "GET", path, NULL, &body);

      response = kt_sync_response_parse (KT_SYNC_ENDPOINT_CHANGES, status, body, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < response->records->len; i++)
        {
          KtSyncRecord *record = g_ptr_array_index (response->records, i);
          KtDocument doc = { 0, };

          if (record->kind != KT_KIND_PLAN)
            continue;
          g_assert_true (kt_sync_record_is_sealed (record));
          g_assert_null (record->body);
          g_assert_true (kt_record_sealer_open (sealer, record, &error));
          g_assert_no_error (error);
          g_assert_true (kt_document_decode (record->body, &doc, &error));
          g_assert_true (g_str_has_prefix (doc.plan->question, question));
          kt_document_clear (&doc);
          n++;
        }
      g_free (cursor);
      cursor = g_strdup (response->cursor);
      more = response->more && response->records->len > 0;
    }
  g_assert_cmpuint (n, >, 0);
}

static void
test_sign_in_keeps_the_token_in_the_keyring_and_sign_out_clears_it (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "laptop");
  g_autoptr(KtSyncClient) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (f->dir, "laptop.db", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_cmpint (kt_sync_client_get_status (device), ==, KT_SYNC_STATUS_SIGNED_OUT);
  kt_test_device_sign_in (device, kt_test_server_get_url (f->server), "coach1");
  g_assert_cmpstr (kt_sync_client_get_display_name (device), ==, "Coach Een");
  sync_ok (device);

  /* A fresh start finds the token in the keyring, not in the file. */
  g_clear_object (&device);
  reopened = kt_test_device_new (f->dir, "laptop");
  g_assert_true (kt_sync_client_is_signed_in (reopened));
  g_assert_cmpint (kt_sync_client_get_status (reopened), ==, KT_SYNC_STATUS_IDLE);
  sync_ok (reopened);
  g_file_get_contents (db, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_null (g_strstr_len (contents, len, "Bearer"));

  kt_test_device_sign_out (reopened);
  g_assert_cmpint (kt_sync_client_get_status (reopened), ==, KT_SYNC_STATUS_SIGNED_OUT);
  g_clear_object (&reopened);
  reopened = kt_test_device_new (f->dir, "laptop");
  g_assert_false (kt_sync_client_is_signed_in (reopened));
  g_assert_cmpint (kt_sync_client_get_status (reopened), ==, KT_SYNC_STATUS_SIGNED_OUT);
  kt_test_device_sync (reopened, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN);
}

static void
test_sign_in_refuses_plain_http_to_another_host_and_wrong_passwords (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "laptop");
  g_autoptr(GError) error = NULL;

  kt_test_device_try_sign_in (device, "http://wijkteam.example.nl", "coach1", KT_TEST_PASSWORD, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_INSECURE);
  g_clear_error (&error);
  kt_test_device_try_sign_in (device, "ftp://127.0.0.1", "coach1", KT_TEST_PASSWORD, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_SERVER_DOWN);
  g_clear_error (&error);
  kt_test_device_try_sign_in (device, kt_test_server_get_url (f->server), "coach1",
                              "not-the-password", &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_UNAUTHORIZED);
  g_assert_false (kt_sync_client_is_signed_in (device));
  g_assert_cmpint (kt_sync_client_get_status (device), ==, KT_SYNC_STATUS_SIGNED_OUT);
}

static void
test_shared_plans_arrive_once_and_the_other_device_pulls_them (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) laptop = signed_in_device (f, "laptop", "coach1");
  g_autoptr(KtSyncClient) tablet = signed_in_device (f, "tablet", "coach1");
  g_autofree char *plan = kt_uuid_new ();
  g_autoptr(GHashTable) plans = NULL;
  g_autoptr(KtTestSink) sink = kt_test_sink_new ();
  guint rows;

  share_plan (laptop, plan, f->case_id, 1, "Wat wil je bereiken?");
  /* Edited before it was sent: only the newest revision goes out. */
  share_plan (laptop, plan, f->case_id, 2, "Wat wil je echt bereiken?");
  g_assert_cmpuint (kt_sync_client_get_n_pending (laptop), ==, 1);
  sync_ok (laptop);
  g_assert_cmpuint (kt_sync_client_get_n_pending (laptop), ==, 0);
  /* Nothing left: a second round is a no-op. */
  sync_ok (laptop);

  plans = server_plans (url, &rows);
  g_assert_cmpuint (rows, ==, 1);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (plans, plan)), ==, 2);

  kt_sync_client_set_sink (tablet, KT_RECORD_SINK (sink));
  sync_ok (tablet);
  /* The case assigned to coach1 and the plan. */
  g_assert_cmpuint (kt_test_sink_get_n_kept (sink), ==, 2);
  sync_ok (tablet);
  g_assert_cmpuint (kt_test_sink_get_n_kept (sink), ==, 2);
}

/* With @data, @device seals what it pushes and opens what it pulls, as the
 * app does once its account has a key. */
static void
seal_if (KtSyncClient  *device,
         gconstpointer  data)
{
  g_autoptr(KtRecordSealer) sealer = NULL;

  if (data == NULL)
    return;
  sealer = kt_test_sealer_new ("coach1");
  kt_sync_client_set_sealer (device, sealer);
  kt_sync_client_set_sealing_required (device, TRUE);
}

/* Field by field, on the documents: with @data both devices seal, and the
 * conflict is found and merged on what they opened. */
static void
test_two_devices_editing_offline_keep_both_versions_until_resolved (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) laptop = kt_test_device_new (f->dir, "laptop");
  g_autoptr(KtSyncClient) tablet = kt_test_device_new (f->dir, "tablet");
  g_autofree char *plan = kt_uuid_new ();
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GHashTable) choices = NULL;
  g_autoptr(GHashTable) plans = NULL;
  g_autoptr(GError) error = NULL;
  KtSyncConflict *conflict;
  g_autofree char *local_text = NULL;
  g_autofree char *server_text = NULL;
  g_autofree char *merged_text = NULL;
  g_autoptr(KtSyncRecord) merged = NULL;
  guint rows, detected = 0;

  seal_if (laptop, data);
  seal_if (tablet, data);
  kt_test_device_sign_in (laptop, url, "coach1");
  kt_test_device_sign_in (tablet, url, "coach1");
  edit_offline_on_both (f, laptop, tablet, plan);
  g_signal_connect_swapped (tablet, "conflict-detected", G_CALLBACK (g_atomic_int_inc), &detected);
  sync_ok (tablet);
  g_assert_cmpuint (detected, ==, 1);
  g_assert_cmpuint (kt_sync_client_get_n_pending (tablet), ==, 0);
  g_assert_cmpuint (kt_sync_client_get_n_conflicts (tablet), ==, 1);

  /* Both versions survive, also across a restart and more rounds. */
  g_clear_object (&tablet);
  tablet = kt_test_device_new (f->dir, "tablet");
  seal_if (tablet, data);
  sync_ok (tablet);
  conflicts = list_conflicts (tablet);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (conflict->id, ==, plan);
  g_assert_cmpint (conflict->local->rev, ==, 2);
  g_assert_cmpint (conflict->server->rev, ==, 2);
  fields = kt_sync_conflict_list_fields (conflict, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fields->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fields, 0), ==, "question");
  local_text = kt_sync_record_field_text (conflict->local, "question");
  server_text = kt_sync_record_field_text (conflict->server, "question");
  g_assert_cmpstr (local_text, ==, "Versie van de tablet");
  g_assert_cmpstr (server_text, ==, "Versie van de laptop");
  plans = server_plans (url, &rows);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (plans, plan)), ==, 2);
  g_clear_pointer (&plans, g_hash_table_unref);

  /* Keep both: the texts are joined into revision 3. */
  choices = kt_sync_conflict_choose_all (conflict, KT_SYNC_CHOICE_BOTH);
  merged = kt_sync_conflict_merge (conflict, choices, &error);
  g_assert_no_error (error);
  merged_text = kt_sync_record_field_text (merged, "question");
  g_assert_cmpstr (merged_text, ==, "Versie van de laptop\n\nVersie van de tablet");
  resolve_conflict (tablet, plan, choices);
  g_assert_cmpuint (kt_sync_client_get_n_conflicts (tablet), ==, 0);
  sync_ok (tablet);
  g_assert_cmpuint (kt_sync_client_get_n_pending (tablet), ==, 0);
  plans = server_plans (url, &rows);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (plans, plan)), ==, 3);
  if (data != NULL)
    assert_sealed_and_opens (url, "super1", "Versie van de laptop\n\nVersie van de tablet");
}

static void
test_a_record_being_sent_is_frozen_and_later_edits_follow_it (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) laptop = signed_in_device (f, "laptop", "coach1");
  KtOutbox *outbox;
  g_autofree char *plan = kt_uuid_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) plans = NULL;
  g_autoptr(GError) error = NULL;
  guint rows;

  outbox = kt_sync_client_get_outbox (laptop);
  share_plan (laptop, plan, f->case_id, 1, "Eén");
  entries = kt_outbox_peek (outbox, 10, NULL, &error);
  g_assert_no_error (error);
  kt_outbox_freeze (outbox, ((KtOutboxEntry *) g_ptr_array_index (entries, 0))->seq, &error);
  g_assert_no_error (error);
  /* Revision 2 and 3 queue behind the frozen 1; 3 replaces 2. */
  share_plan (laptop, plan, f->case_id, 2, "Twee");
  share_plan (laptop, plan, f->case_id, 3, "Drie");
  g_assert_cmpuint (kt_sync_client_get_n_pending (laptop), ==, 2);
  /* One round: 1 is confirmed, then 3 goes on top of it. */
  sync_ok (laptop);
  g_assert_cmpuint (kt_sync_client_get_n_pending (laptop), ==, 0);
  plans = server_plans (url, &rows);
  g_assert_cmpuint (rows, ==, 1);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (plans, plan)), ==, 3);
}

static void
test_thousand_plans_through_a_proxy_dropping_thirty_percent (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autofree char *proxy_url = NULL;
  g_autoptr(KtFaultProxy) proxy = kt_fault_proxy_new_started (url, 20261125, &proxy_url);
  g_autoptr(KtSyncClient) laptop = kt_test_device_new (f->dir, "laptop");
  g_autoptr(KtRecordSealer) sealer = kt_test_sealer_new ("coach1");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) plans = NULL;
  g_autoptr(GError) error = NULL;
  guint rounds = 0, failed_rounds = 0, rows;

  /* Sealed, as the app sends them: the server keeps only ciphertext. */
  kt_sync_client_set_sealer (laptop, sealer);
  kt_sync_client_set_sealing_required (laptop, TRUE);
  kt_test_device_sign_in (laptop, url, "coach1");
  /* The same account through the proxy. */
  kt_test_device_sign_in (laptop, proxy_url, "coach1");
  kt_fault_proxy_set_share (proxy, KT_FAULT_DROP, 0.30);

  for (guint i = 0; i < 1000; i++)
    {
      char *id = kt_uuid_new ();

      g_ptr_array_add (ids, id);
      share_plan (laptop, id, f->case_id, 1, "Vraag");
    }
  /* A tenth is edited again while waiting; one in twenty a third time. */
  for (guint i = 0; i < 1000; i += 10)
    share_plan (laptop, g_ptr_array_index (ids, i), f->case_id, 2, "Vraag, aangepast");
  for (guint i = 0; i < 1000; i += 20)
    share_plan (laptop, g_ptr_array_index (ids, i), f->case_id, 3, "Vraag, nog eens aangepast");

  while (kt_sync_client_get_n_pending (laptop) > 0 && rounds < 2000)
    {
      g_autoptr(GError) round_error = NULL;

      rounds++;
      if (!kt_test_device_sync (laptop, &round_error))
        {
          failed_rounds++;
          /* Only the faults the proxy makes, never a refusal or a conflict. */
          g_assert_true (g_error_matches (round_error, KT_SYNC_ERROR, KT_SYNC_ERROR_CONNECTION_DROPPED) ||
                         g_error_matches (round_error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE) ||
                         g_error_matches (round_error, KT_SYNC_ERROR, KT_SYNC_ERROR_GARBLED_REQUEST));
        }
    }
  g_test_message ("%u rounds, %u broken by the proxy; %u of %u connections dropped",
                  rounds, failed_rounds, kt_fault_proxy_get_n_faulted (proxy, KT_FAULT_DROP),
                  kt_fault_proxy_get_n_connections (proxy));
  g_assert_cmpuint (kt_sync_client_get_n_pending (laptop), ==, 0);
  g_assert_cmpuint (kt_fault_proxy_get_n_faulted (proxy, KT_FAULT_DROP), >, 0);
  g_assert_cmpuint (failed_rounds, >, 0);

  plans = server_plans (url, &rows);
  g_assert_cmpuint (rows, ==, 1000);
  g_assert_cmpuint (g_hash_table_size (plans), ==, 1000);
  for (guint i = 0; i < 1000; i++)
    {
      int expected = i % 20 == 0 ? 3 : i % 10 == 0 ? 2 : 1;

      g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (plans, g_ptr_array_index (ids, i))),
                       ==, expected);
    }
  /* Every one sealed, and the supervisor opens what came through. */
  assert_sealed_and_opens (url, "super1", "Vraag");
}

/* A real store (keyring mode) beside @device, keeping what it pulls. */
static KtStore *
store_for (Fixture      *f,
           KtSyncClient *device,
           const char   *name)
{
  g_autofree char *file = g_strconcat (name, "-store.db", NULL);
  g_autofree char *path = g_build_filename (f->dir, file, NULL);
  KtStore *store = kt_store_new (path);
  g_autoptr(KtStoreSink) sink = kt_store_sink_new (store);
  g_autoptr(GError) error = NULL;

  kt_store_open_sync (store, KT_KEY_SOURCE_KEYRING, NULL, NULL, &error);
  g_assert_no_error (error);
  kt_sync_client_set_sink (device, KT_RECORD_SINK (sink));
  return store;
}

static gboolean
store_has_case (KtStore    *store,
                const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCase) kase = kt_store_load_case (store, id, &error);

  if (kase == NULL)
    g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_NOT_FOUND);
  return kase != NULL;
}

static void
test_a_record_pulled_while_the_store_is_locked_arrives_once_unlocked (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) tablet = kt_test_device_new (f->dir, "tablet");
  g_autoptr(KtStore) store = store_for (f, tablet, "tablet");
  g_autoptr(GError) error = NULL;

  kt_test_device_sign_in (tablet, url, "coach1");
  kt_store_lock (store);
  /* The user sees at once that syncing waits. */
  g_assert_cmpint (kt_sync_client_get_status (tablet), ==, KT_SYNC_STATUS_PAUSED);
  /* The round waits for the store: nothing is taken off the server. */
  kt_test_device_sync (tablet, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_PAUSED);
  g_clear_error (&error);
  g_assert_cmpint (kt_sync_client_get_status (tablet), ==, KT_SYNC_STATUS_PAUSED);

  kt_store_unlock_sync (store, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (store_has_case (store, f->case_id));
  sync_ok (tablet);
  g_assert_true (store_has_case (store, f->case_id));

  /* And after a restart of the device it is still had, once. */
  g_clear_object (&tablet);
  tablet = kt_test_device_new (f->dir, "tablet");
  sync_ok (tablet);
  g_assert_true (store_has_case (store, f->case_id));
}

static void
test_a_record_whose_save_fails_arrives_in_the_next_round (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) tablet = kt_test_device_new (f->dir, "tablet");
  g_autoptr(KtSyncClient) laptop = kt_test_device_new (f->dir, "laptop");
  g_autoptr(KtStore) store = store_for (f, tablet, "tablet");
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  /* A household of coach1's own with a long note, from another device:
   * it needs more room in the store than the store has left. */
  kt_test_device_sign_in (laptop, url, "coach1");
  kase->header.rev = 1;
  kase->household = g_strdup ("Huishouden met een lange notitie");
  kase->coach = g_strdup ("coach1");
  kase->desk_note = g_strnfill (60000, 'n');
  body = kt_case_encode (kase);
  share (laptop, body);
  sync_ok (laptop);

  kt_test_device_sign_in (tablet, url, "coach1");
  /* A full disk: the save fails, the round says why. */
  g_assert_true (kt_record_store_limit_pages_for_test (kt_store_get_record_store (store), 0));
  kt_test_device_sync (tablet, &error);
  g_assert_error (error, KT_STORE_ERROR, KT_STORE_ERROR_DISK_FULL);
  g_clear_error (&error);
  g_assert_cmpint (kt_sync_client_get_status (tablet), ==, KT_SYNC_STATUS_ERROR);
  g_assert_false (store_has_case (store, kase->header.id));

  /* Room again: the same record comes again. */
  g_assert_true (kt_record_store_limit_pages_for_test (kt_store_get_record_store (store), 100000));
  sync_ok (tablet);
  g_assert_true (store_has_case (store, kase->header.id));
  g_assert_true (store_has_case (store, f->case_id));
}

static void
test_a_coach_shares_a_household_of_their_own_and_its_plan (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) laptop = signed_in_device (f, "laptop", "coach1");
  g_autoptr(KtSyncClient) office = signed_in_device (f, "office", "super1");
  g_autoptr(KtTestSink) sink = kt_test_sink_new ();
  g_autofree char *case_id = kt_uuid_new ();
  g_autofree char *plan = kt_uuid_new ();
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(GBytes) body = NULL;
  g_autofree char *reason = NULL;

  g_assert_cmpint (kt_sync_client_get_case_state (laptop, case_id, NULL), ==, KT_SHARE_LOCAL);

  /* Started with "+": the coach's own, assigned to the coach.  Case and
   * plan go in one round, the plan after the case. */
  g_free (kase->header.id);
  kase->header.id = g_strdup (case_id);
  kase->header.rev = 1;
  kase->household = g_strdup ("Huishouden Plus");
  kase->coach = g_strdup ("coach1");
  body = kt_case_encode (kase);
  share (laptop, body);
  share_plan (laptop, plan, case_id, 1, "Wat wil je bereiken?");
  g_assert_cmpint (kt_sync_client_get_case_state (laptop, case_id, NULL), ==, KT_SHARE_WAITING);
  g_assert_cmpint (kt_sync_client_get_record_state (laptop, plan, NULL), ==, KT_SHARE_WAITING);
  sync_ok (laptop);
  g_assert_cmpuint (kt_sync_client_get_n_pending (laptop), ==, 0);
  g_assert_cmpint (kt_sync_client_get_case_state (laptop, case_id, &reason), ==, KT_SHARE_SHARED);
  g_assert_null (reason);
  g_assert_cmpint (kt_sync_client_get_record_state (laptop, plan, NULL), ==, KT_SHARE_SHARED);

  /* The team's supervisor reads both. */
  kt_sync_client_set_sink (office, KT_RECORD_SINK (sink));
  sync_ok (office);
  g_assert_nonnull (kt_test_sink_lookup (sink, case_id));
  g_assert_nonnull (kt_test_sink_lookup (sink, plan));
}

static void
test_a_refused_record_says_why_on_its_household (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) laptop = signed_in_device (f, "laptop", "coach1");
  g_autofree char *case_id = kt_uuid_new ();
  g_autofree char *plan = kt_uuid_new ();
  g_autofree char *reason = NULL;
  g_autoptr(GError) error = NULL;

  /* A plan for a household the server does not know (never shared). */
  share_plan (laptop, plan, case_id, 1, "Wat wil je bereiken?");
  kt_test_device_sync (laptop, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_REQUEST);
  g_assert_cmpint (kt_sync_client_get_record_state (laptop, plan, &reason), ==, KT_SHARE_REFUSED);
  g_assert_nonnull (reason);
  g_clear_pointer (&reason, g_free);
  g_assert_cmpint (kt_sync_client_get_case_state (laptop, case_id, &reason), ==, KT_SHARE_REFUSED);
  g_assert_nonnull (reason);
  /* It stays queued: nothing is dropped. */
  g_assert_cmpuint (kt_sync_client_get_n_pending (laptop), ==, 1);
}

/* Runs the main loop until @id is in @sink or @seconds have passed;
 * returns the time it took in µs, or -1. */
static gint64
wait_for_kept (KtTestSink *sink,
               const char *id,
               guint       seconds)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + seconds * G_USEC_PER_SEC;

  while (kt_test_sink_lookup (sink, id) == NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return kt_test_sink_lookup (sink, id) != NULL ? g_get_monotonic_time () - start : -1;
}

static void
test_a_new_assignment_reaches_a_running_client_within_seconds (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) tablet = kt_test_device_new (f->dir, "tablet");
  g_autoptr(KtTestSink) sink = kt_test_sink_new ();
  g_autoptr(KtSyncClient) desk = kt_test_device_new (f->dir, "desk");
  g_autofree char *assigned = kt_uuid_new ();
  g_autofree char *path = g_strdup_printf ("/cases/%s/assign", assigned);
  g_autoptr(GBytes) body = kt_test_case_body (assigned, 1);
  g_autoptr(GError) error = NULL;
  gint64 took, start;

  kt_sync_client_set_sink (tablet, KT_RECORD_SINK (sink));
  kt_test_device_sign_in (tablet, url, "coach1");
  /* Running as the app runs it: the first round, then the watch. */
  kt_sync_client_start (tablet);
  g_assert_cmpint (wait_for_kept (sink, f->case_id, 10), >=, 0);

  /* The intaker registers a household (coach1 cannot see it yet) ... */
  kt_test_device_sign_in (desk, url, "intake1");
  share (desk, body);
  kt_test_device_sync (desk, &error);
  g_assert_no_error (error);
  /* ... and assigns it.  The periodic round is minutes away; only the
   * watch can bring it. */
  start = g_get_monotonic_time ();
  g_assert_cmpuint (kt_test_http (url, "intake1", "POST", path, "{\"coach\":\"coach1\"}", NULL), ==, 200);
  took = wait_for_kept (sink, assigned, 10);
  g_assert_cmpint (took, >=, 0);
  g_test_message ("the assignment arrived %" G_GINT64_FORMAT " ms after the assign request was sent",
                  (g_get_monotonic_time () - start) / 1000);
  kt_sync_client_stop (tablet);
}

/* The server restarts, or the connection under the held pull breaks: the
 * client asks again by itself and watches again, so an assignment made
 * after that still arrives within seconds, not at the periodic round
 * minutes later (walking the whole cycle: the supervisor's inbox stayed
 * empty after the server came back). */
static void
test_a_broken_held_pull_is_asked_again (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autofree char *proxy_url = NULL;
  g_autoptr(KtFaultProxy) proxy = kt_fault_proxy_new_started (url, 20261207, &proxy_url);
  g_autoptr(KtSyncClient) tablet = kt_test_device_new (f->dir, "tablet");
  g_autoptr(KtTestSink) sink = kt_test_sink_new ();
  g_autoptr(KtSyncClient) desk = kt_test_device_new (f->dir, "desk");
  g_autofree char *assigned = kt_uuid_new ();
  g_autofree char *path = g_strdup_printf ("/cases/%s/assign", assigned);
  g_autoptr(GBytes) body = kt_test_case_body (assigned, 1);
  g_autoptr(GBytes) down = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  kt_sync_client_set_sink (tablet, KT_RECORD_SINK (sink));
  kt_test_device_sign_in (tablet, proxy_url, "coach1");
  kt_sync_client_start (tablet);
  g_assert_cmpint (wait_for_kept (sink, f->case_id, 10), >=, 0);
  while (kt_sync_client_get_status (tablet) != KT_SYNC_STATUS_SYNCED)
    g_main_context_iteration (NULL, TRUE);

  /* The server goes away under the held pull (every connection closed at
   * once, the open one too), and is back a second later. */
  kt_fault_proxy_set_canned (proxy, down);
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  kt_fault_proxy_set_canned (proxy, NULL);

  /* An assignment after that; the periodic round is minutes away. */
  kt_test_device_sign_in (desk, url, "intake1");
  share (desk, body);
  kt_test_device_sync (desk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kt_test_http (url, "intake1", "POST", path, "{\"coach\":\"coach1\"}", NULL), ==, 200);
  g_assert_cmpint (wait_for_kept (sink, assigned, 20), >=, 0);
  kt_sync_client_stop (tablet);
}

static void
count_round (guint *rounds)
{
  (*rounds)++;
}

/* A held pull the server answers is a completed exchange, like a round:
 * "Last synced at" moves with it, also when it came back empty at the end
 * of its wait, and not only at the next round minutes later. */
static void
test_an_answered_held_pull_moves_the_last_synced_time (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) tablet = kt_test_device_new (f->dir, "tablet");
  g_autoptr(KtTestSink) sink = kt_test_sink_new ();
  gint64 after_round, deadline;
  guint rounds = 0;

  kt_sync_client_set_sink (tablet, KT_RECORD_SINK (sink));
  kt_test_device_sign_in (tablet, url, "coach1");
  g_signal_connect_swapped (tablet, "round-finished", G_CALLBACK (count_round), &rounds);
  kt_sync_client_start (tablet);
  g_assert_cmpint (wait_for_kept (sink, f->case_id, 10), >=, 0);
  while (kt_sync_client_get_status (tablet) != KT_SYNC_STATUS_SYNCED)
    g_main_context_iteration (NULL, TRUE);
  after_round = kt_sync_client_get_last_synced (tablet);
  g_assert_cmpint (after_round, >, 0);
  g_assert_cmpuint (rounds, ==, 1);

  /* Nothing changes on the server; the periodic round is minutes away.
   * The watch's empty answers come every two seconds. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (kt_sync_client_get_last_synced (tablet) == after_round && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_cmpint (kt_sync_client_get_last_synced (tablet), >, after_round);
  g_assert_cmpint (kt_sync_client_get_status (tablet), ==, KT_SYNC_STATUS_SYNCED);
  /* an answered held pull is no round: nothing that follows rounds (the
   * app's weighing of the team's keys) runs every two seconds */
  g_assert_cmpuint (rounds, ==, 1);
  kt_sync_client_stop (tablet);
}

/* After an unlock the account key comes back a moment after the store.
 * A round that found no key, and whose end is told after the key came,
 * leads to a round at once, not to the periodic one minutes later, and
 * the status does not go on saying that syncing waits for the key. */
static void
test_a_key_back_before_a_round_ends_is_used_at_once (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) tablet = kt_test_device_new (f->dir, "tablet");
  g_autoptr(KtTestSink) sink = kt_test_sink_new ();
  g_autoptr(KtRecordSealer) sealer = kt_test_sealer_new ("coach1");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  kt_sync_client_set_sink (tablet, KT_RECORD_SINK (sink));
  kt_sync_client_set_sealer (tablet, sealer);
  kt_sync_client_set_sealing_required (tablet, TRUE);
  kt_test_device_sign_in (tablet, url, "coach1");
  kt_sync_client_start (tablet);
  g_assert_cmpint (wait_for_kept (sink, f->case_id, 10), >=, 0);
  while (kt_sync_client_get_status (tablet) != KT_SYNC_STATUS_SYNCED)
    g_main_context_iteration (NULL, TRUE);

  /* Locked: the key leaves with the data key (kt-key-controller.c); the
   * status still says synced, and no round is due. */
  kt_sync_client_set_sealer (tablet, NULL);
  /* A round finds no key; the key is back before that round's end. */
  kt_sync_client_sync_async (tablet, NULL, keep_result, &result);
  kt_sync_client_set_sealer (tablet, sealer);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (kt_sync_client_sync_finish (tablet, result, &error));
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NO_KEY);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (kt_sync_client_get_status (tablet) != KT_SYNC_STATUS_SYNCED && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_cmpint (kt_sync_client_get_status (tablet), ==, KT_SYNC_STATUS_SYNCED);
  kt_sync_client_stop (tablet);
}

/* A queue whose key the keyring no longer has: nothing syncs, and the
 * status says so in words for the window's sync status, not only a log. */
static void
test_a_queue_that_cannot_be_opened_says_so_in_the_status (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "orphan.db", NULL);
  g_autoptr(KtSyncClient) device = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* A queue file from before, whose key is not in this keyring. */
  g_assert_true (g_file_set_contents (path, "not a queue", -1, NULL));
  device = kt_sync_client_new (path);
  kt_sync_client_open_async (device, NULL, keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (kt_sync_client_open_finish (device, result, &error));
  g_assert_error (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_WRONG_KEY);
  g_assert_cmpint (kt_sync_client_get_status (device), ==, KT_SYNC_STATUS_ERROR);
  g_assert_nonnull (strstr (kt_sync_client_get_status_message (device), error->message));
}

/* Sharing off the main loop (issue 22) */

typedef struct {
  GPtrArray    *finished;  /* (element-type utf8) the ids, in the order they finished */
  guint         n_failed;
  KtSyncClient *device;
  GBytes       *then;      /* shared from the first callback, or NULL */
  char         *then_id;
} Shares;

static void share_async (KtSyncClient *device,
                         Shares       *shares,
                         GBytes       *body,
                         const char   *id);

typedef struct {
  Shares *shares;
  char   *id;
} OneShare;

static void
on_shared (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  OneShare *one = user_data;
  g_autoptr(GError) error = NULL;

  if (!kt_sync_client_share_finish (KT_SYNC_CLIENT (source), result, &error))
    one->shares->n_failed++;
  g_ptr_array_add (one->shares->finished, one->id);
  if (one->shares->then != NULL)
    {
      g_autoptr(GBytes) then = g_steal_pointer (&one->shares->then);

      share_async (one->shares->device, one->shares, then, one->shares->then_id);
    }
  g_free (one);
}

static void
share_async (KtSyncClient *device,
             Shares       *shares,
             GBytes       *body,
             const char   *id)
{
  OneShare *one = g_new0 (OneShare, 1);

  one->shares = shares;
  one->id = g_strdup (id);
  kt_sync_client_share_async (device, body, NULL, on_shared, one);
}

/* A household and its plans shared one after another, without the main
 * loop turning in between, reach the outbox in that order (the server
 * knows a plan only through its case), and their callbacks come in that
 * order too; one shared from a callback goes behind them.  A document the
 * decoder refuses fails alone. */
static void
test_shares_reach_the_outbox_in_the_order_they_were_made (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "order");
  g_autofree char *case_id = g_uuid_string_random ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) peeked = NULL;
  g_autoptr(GBytes) case_body = kt_test_case_body (case_id, 1);
  g_autoptr(GBytes) broken = g_bytes_new_static ("{\"kind\":", 8);
  g_autoptr(GError) error = NULL;
  g_autofree char *then_id = g_uuid_string_random ();
  Shares shares = { g_ptr_array_new_with_free_func (g_free), 0, device, NULL, then_id };

  shares.then = kt_test_plan_body (then_id, case_id, 1, "Gedeeld vanuit een callback");
  g_ptr_array_add (ids, g_strdup (case_id));
  share_async (device, &shares, case_body, case_id);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autoptr(GBytes) body = kt_test_plan_body (id, case_id, 1, "Wat is de vraag?");

      if (i == 10)
        share_async (device, &shares, broken, "broken");
      share_async (device, &shares, body, id);
      g_ptr_array_add (ids, g_steal_pointer (&id));
    }
  g_ptr_array_add (ids, g_strdup (then_id));
  while (shares.finished->len < ids->len + 1)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (shares.n_failed, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (shares.finished, 11), ==, "broken");
  g_ptr_array_remove_index (shares.finished, 11);
  peeked = kt_outbox_peek (kt_sync_client_get_outbox (device), 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (peeked->len, ==, ids->len);
  g_assert_cmpuint (kt_sync_client_get_n_pending (device), ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      KtOutboxEntry *entry = g_ptr_array_index (peeked, i);

      g_assert_cmpstr (entry->record->id, ==, g_ptr_array_index (ids, i));
      g_assert_cmpstr (g_ptr_array_index (shares.finished, i), ==, g_ptr_array_index (ids, i));
    }
  g_ptr_array_unref (shares.finished);
}

/* One outbox file held at a time, by another connection's write
 * transaction, as another program (a backup, the sqlite3 shell) would
 * hold it: SQLite makes the outbox's writes wait for it up to five
 * seconds.  The main loop's ticks are counted meanwhile. */
static struct {
  sqlite3  *db;
  KtOutbox *outbox;   /* or the outbox itself, by kt_outbox_hold_for_test () */
  guint     ticks;
  guint     timer;
} held;

static gboolean
still_held (void)
{
  return held.db != NULL || (held.outbox != NULL && kt_outbox_is_held_for_test (held.outbox));
}

static gboolean
held_tick_cb (gpointer data)
{
  if (still_held ())
    held.ticks++;
  return G_SOURCE_CONTINUE;
}

/* Holds the file of @device_name's outbox (kt_test_device_new). */
static void
hold_outbox_file (Fixture    *f,
                  const char *device_name)
{
  g_autofree char *file = g_strdup_printf ("%s.db", device_name);
  g_autofree char *path = g_build_filename (f->dir, file, NULL);

  g_assert_null (held.db);
  g_assert_cmpint (sqlite3_open (path, &held.db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (held.db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  held.ticks = 0;
  held.timer = g_timeout_add (10, held_tick_cb, NULL);
}

/* Holds @device's outbox itself, as a slow disk would: its reads too,
 * which another connection's write transaction never holds (WAL).  The
 * hold ends by itself after ten seconds, so that a test of something that
 * waits for it on the main loop fails (see still_held ()) instead of
 * hanging. */
static void
hold_outbox (KtSyncClient *device)
{
  g_assert_null (held.outbox);
  held.outbox = g_object_ref (kt_sync_client_get_outbox (device));
  kt_outbox_hold_for_test (held.outbox, 10000);
  held.ticks = 0;
  held.timer = g_timeout_add (10, held_tick_cb, NULL);
}

static void
release_outbox (void)
{
  g_assert_nonnull (held.outbox);
  kt_outbox_release_for_test (held.outbox);
  g_clear_object (&held.outbox);
  g_clear_handle_id (&held.timer, g_source_remove);
}

/* Turns the main loop until it ticked @wanted more times (10 ms each)
 * while held: it hangs, and the test with it, if something on it waits
 * for the file; with the outbox held, it returns when the hold ended by
 * itself. */
static void
tick_while_held (guint wanted)
{
  guint until = held.ticks + wanted;

  g_assert_true (held.db != NULL || held.outbox != NULL);
  while (held.ticks < until && still_held ())
    g_main_context_iteration (NULL, TRUE);
}

static void
release_outbox_file (void)
{
  g_assert_nonnull (held.db);
  sqlite3_exec (held.db, "ROLLBACK", NULL, NULL, NULL);
  g_clear_pointer (&held.db, sqlite3_close);
  g_clear_handle_id (&held.timer, g_source_remove);
}

/* While another writer holds the outbox's file (SQLite waits up to five
 * seconds for it), a share waits on its worker: the main loop keeps
 * turning, and the record is queued once the writer is gone. */
static void
test_a_share_waits_for_the_disk_on_a_worker (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "waits");
  g_autofree char *case_id = g_uuid_string_random ();
  g_autoptr(GBytes) body = kt_test_case_body (case_id, 1);
  Shares shares = { g_ptr_array_new_with_free_func (g_free), 0, NULL, NULL, NULL };

  hold_outbox_file (f, "waits");
  share_async (device, &shares, body, case_id);
  /* The main loop turns while the worker waits for the file. */
  tick_while_held (10);
  g_assert_cmpuint (shares.finished->len, ==, 0);
  release_outbox_file ();

  while (shares.finished->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (shares.n_failed, ==, 0);
  g_assert_cmpint (kt_sync_client_get_record_state (device, case_id, NULL), ==, KT_SHARE_WAITING);
  g_ptr_array_unref (shares.finished);
}

/* A pulled page is sorted (what this device has, what is in conflict or
 * queued) and, once kept, booked (its known revisions and the cursor, one
 * transaction) on workers.  While another writer holds the outbox's file
 * the booking waits there, the main loop keeps turning and the outbox's
 * reads answer; once the writer is gone the round ends well.  On the main
 * loop the booking held it for the whole wait, then failed the round. */
static void
test_a_pulled_page_is_booked_on_a_worker (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "booked");
  g_autoptr(KtTestSink) sink = kt_test_sink_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kt_sync_client_set_sink (device, KT_RECORD_SINK (sink));
  kt_test_device_sign_in (device, kt_test_server_get_url (f->server), "coach1");
  hold_outbox_file (f, "booked");
  kt_sync_client_sync_async (device, NULL, keep_result, &result);
  /* Kept: the booking is next, and waits for the file. */
  while (kt_test_sink_get_n_kept (sink) == 0)
    g_main_context_iteration (NULL, TRUE);
  tick_while_held (10);
  g_assert_null (result);
  g_assert_cmpint (kt_sync_client_get_record_state (device, f->case_id, NULL), ==, KT_SHARE_LOCAL);

  release_outbox_file ();
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (kt_sync_client_sync_finish (device, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kt_sync_client_get_record_state (device, f->case_id, NULL), ==, KT_SHARE_SHARED);
}

/* A push round's bookkeeping (peeking and freezing a chunk, writing down
 * the server's answers) runs on workers.  While another writer holds the
 * outbox's file the round waits there, the main loop keeps turning and the
 * outbox's counts answer; once the writer is gone the plan reaches the
 * server and leaves the outbox.  On the main loop the freeze held it for
 * the whole wait, then failed the round. */
static void
test_a_push_round_is_booked_on_workers (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) device = signed_in_device (f, "pushed", "coach1");
  g_autofree char *plan = kt_uuid_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  share_plan (device, plan, f->case_id, 1, "Wat wil je bereiken?");
  g_assert_cmpuint (kt_sync_client_get_n_pending (device), ==, 1);
  hold_outbox_file (f, "pushed");
  kt_sync_client_sync_async (device, NULL, keep_result, &result);
  tick_while_held (10);
  g_assert_null (result);
  g_assert_cmpint (kt_sync_client_get_status (device), ==, KT_SYNC_STATUS_SYNCING);
  g_assert_cmpuint (kt_sync_client_get_n_pending (device), ==, 1);

  release_outbox_file ();
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (kt_sync_client_sync_finish (device, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kt_sync_client_get_n_pending (device), ==, 0);
  g_assert_cmpint (kt_sync_client_get_record_state (device, plan, NULL), ==, KT_SHARE_SHARED);
}

static gboolean
delayed_once (gpointer proxy)
{
  return kt_fault_proxy_get_n_faulted (proxy, KT_FAULT_DELAY) > 0;
}

/* A round on its way when the user signs out says nothing when it ends:
 * here its push is cut off after the sign-out, which once set the status
 * to an error (and a retry) under a signed-out device. */
static void
test_a_round_that_ends_after_signing_out_leaves_the_status_signed_out (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autofree char *proxy_url = NULL;
  g_autoptr(KtFaultProxy) proxy = kt_fault_proxy_new_started (url, 20261207, &proxy_url);
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "outlived");
  g_autofree char *plan = kt_uuid_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) canned = g_bytes_new_static ("garbage", 7);
  g_autoptr(GError) error = NULL;

  kt_test_device_sign_in (device, proxy_url, "coach1");
  share_plan (device, plan, f->case_id, 1, "Wat wil je bereiken?");

  /* The push's answer is held back... */
  kt_fault_proxy_set_delay (proxy, 30000);
  kt_fault_proxy_set_share (proxy, KT_FAULT_DELAY, 1.0);
  kt_sync_client_sync_async (device, NULL, keep_result, &result);
  while (!delayed_once (proxy))
    g_main_context_iteration (NULL, TRUE);
  /* ...while the user signs out... */
  kt_fault_proxy_set_share (proxy, KT_FAULT_DELAY, 0.0);
  kt_test_device_sign_out (device);
  g_assert_null (result);
  g_assert_cmpint (kt_sync_client_get_status (device), ==, KT_SYNC_STATUS_SIGNED_OUT);
  /* ...and then the connection breaks: the round ends in an error. */
  kt_fault_proxy_set_canned (proxy, canned);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (kt_sync_client_sync_finish (device, result, NULL));
  g_assert_cmpint (kt_sync_client_get_status (device), ==, KT_SYNC_STATUS_SIGNED_OUT);
  g_assert_false (kt_sync_client_is_signed_in (device));
  kt_fault_proxy_stop (proxy);
}

/* Signing in writes the account's settings into the sync state on a
 * worker: while another writer holds the file the main loop keeps
 * turning, and once it is gone the sign-in ends well.  On the main loop
 * the first write held it for the whole wait, then failed the sign-in. */
static void
test_signing_in_writes_its_settings_on_a_worker (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "settings");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hold_outbox_file (f, "settings");
  kt_sync_client_sign_in_async (device, kt_test_server_get_url (f->server), "coach1", KT_TEST_PASSWORD,
                                NULL, keep_result, &result);
  /* Time for the server and the keyring to answer; the writes then wait. */
  tick_while_held (100);
  g_assert_null (result);
  g_assert_false (kt_sync_client_is_signed_in (device));

  release_outbox_file ();
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (kt_sync_client_sign_in_finish (device, result, &error));
  g_assert_no_error (error);
  g_assert_true (kt_sync_client_is_signed_in (device));
  g_assert_cmpstr (kt_sync_client_get_username (device), ==, "coach1");
  kt_test_device_sign_out (device);
}

/* Listing the conflicts (every version kept is opened) and resolving one
 * (a transaction) run on workers: while the outbox is held, as a slow
 * disk would hold it, the main loop keeps turning and neither answered
 * yet; once it is free both end well.  On the main loop each waited for
 * the outbox there. */
static void
test_conflicts_are_listed_and_resolved_on_workers (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) laptop = signed_in_device (f, "laptop", "coach1");
  g_autoptr(KtSyncClient) tablet = signed_in_device (f, "tablet", "coach1");
  g_autofree char *plan = kt_uuid_new ();
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) resolved = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GHashTable) choices = NULL;
  g_autoptr(GError) error = NULL;

  edit_offline_on_both (f, laptop, tablet, plan);
  sync_ok (tablet);
  g_assert_cmpuint (kt_sync_client_get_n_conflicts (tablet), ==, 1);

  hold_outbox (tablet);
  kt_sync_client_list_conflicts_async (tablet, NULL, keep_result, &listed);
  tick_while_held (10);
  g_assert_true (still_held ());
  g_assert_null (listed);
  release_outbox ();
  conflicts = kt_sync_client_list_conflicts_finish (tablet, wait_for_result (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);

  choices = kt_sync_conflict_choose_all (g_ptr_array_index (conflicts, 0), KT_SYNC_CHOICE_BOTH);
  hold_outbox (tablet);
  kt_sync_client_resolve_conflict_async (tablet, plan, choices, NULL, keep_result, &resolved);
  tick_while_held (10);
  g_assert_true (still_held ());
  g_assert_null (resolved);
  release_outbox ();
  g_assert_true (kt_sync_client_resolve_conflict_finish (tablet, wait_for_result (&resolved), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kt_sync_client_get_n_conflicts (tablet), ==, 0);
  g_assert_cmpuint (kt_sync_client_get_n_pending (tablet), ==, 1);
  g_assert_cmpint (kt_sync_client_get_record_state (tablet, plan, NULL), ==, KT_SHARE_WAITING);
}

/* "Pull everything again" (after a colleague's key is trusted again)
 * forgets the pull position on a worker: while the outbox is held the main
 * loop keeps turning; once it is free the position is gone.  On the main
 * loop the write waited for the outbox there. */
static void
test_pulling_again_forgets_the_position_on_a_worker (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "again");
  g_autoptr(KtTestSink) sink = kt_test_sink_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *forgotten = NULL;

  kt_sync_client_set_sink (device, KT_RECORD_SINK (sink));
  kt_test_device_sign_in (device, kt_test_server_get_url (f->server), "coach1");
  sync_ok (device);
  cursor = kt_outbox_get_meta (kt_sync_client_get_outbox (device), "cursor");
  g_assert_nonnull (cursor);

  hold_outbox (device);
  kt_sync_client_pull_again_async (device, NULL, keep_result, &result);
  tick_while_held (10);
  g_assert_true (still_held ());
  g_assert_null (result);
  release_outbox ();
  g_assert_true (kt_sync_client_pull_again_finish (device, wait_for_result (&result), &error));
  g_assert_no_error (error);
  forgotten = kt_outbox_get_meta (kt_sync_client_get_outbox (device), "cursor");
  g_assert_null (forgotten);
  kt_test_device_sign_out (device);
}

/* The counts and the share states come from what the client knows, read
 * on the worker after each change it makes (issue 22): asked for while
 * the outbox is held, as a slow disk would hold it, they answer at once,
 * and they already tell of the share made just before.  They were reads
 * of the outbox on the main loop, which waited for it there. */
static void
test_counts_and_share_states_answer_while_the_outbox_is_held (Fixture *f, gconstpointer data)
{
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "counts");
  g_autoptr(KtTestSink) sink = kt_test_sink_new ();
  g_autofree char *plan = kt_uuid_new ();
  g_autoptr(GBytes) body = kt_test_plan_body (plan, f->case_id, 1, "Wat wil je bereiken?");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) states = NULL;
  g_autoptr(GHashTable) waiting = NULL;
  g_autoptr(GError) error = NULL;
  KtShareInfo *info;

  kt_sync_client_set_sink (device, KT_RECORD_SINK (sink));
  kt_test_device_sign_in (device, kt_test_server_get_url (f->server), "coach1");
  sync_ok (device);
  kt_sync_client_share_async (device, body, NULL, keep_result, &result);
  g_assert_true (kt_sync_client_share_finish (device, wait_for_result (&result), &error));
  g_assert_no_error (error);

  hold_outbox (device);
  g_assert_cmpuint (kt_sync_client_get_n_pending (device), ==, 1);
  g_assert_cmpuint (kt_sync_client_get_n_conflicts (device), ==, 0);
  g_assert_cmpint (kt_sync_client_get_record_state (device, plan, NULL), ==, KT_SHARE_WAITING);
  /* The household itself is on the server; with its plan it waits. */
  g_assert_cmpint (kt_sync_client_get_record_state (device, f->case_id, NULL), ==, KT_SHARE_SHARED);
  g_assert_cmpint (kt_sync_client_get_case_state (device, f->case_id, NULL), ==, KT_SHARE_WAITING);
  states = kt_sync_client_get_case_states (device);
  info = g_hash_table_lookup (states, f->case_id);
  g_assert_nonnull (info);
  g_assert_cmpint (info->state, ==, KT_SHARE_WAITING);
  waiting = kt_sync_client_get_waiting (device);
  g_assert_true (g_hash_table_contains (waiting, f->case_id));
  g_assert_true (g_hash_table_contains (waiting, plan));
  tick_while_held (10);
  g_assert_true (still_held ());
  release_outbox ();
  kt_test_device_sign_out (device);
}

/* Issue 22: the intaker's queued assignments are an outbox setting, read
 * and written on workers.  While the outbox is held, as a slow disk would
 * hold it, queueing one, sending the queue and the push of a case with an
 * assignment queued leave the main loop turning; once it is free, each
 * assignment is sent once and leaves the queue.  Before, each read and
 * wrote the setting on the main loop. */
static void
test_queued_assignments_are_read_and_written_on_workers (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) desk = kt_test_device_new (f->dir, "desk");
  g_autoptr(KtRoleClient) roles = NULL;
  g_autofree char *first = kt_uuid_new ();
  g_autofree char *second = kt_uuid_new ();
  g_autofree char *first_path = g_strdup_printf ("/records/%s", first);
  g_autofree char *second_path = g_strdup_printf ("/records/%s", second);
  g_autoptr(GBytes) first_body = kt_test_case_body (first, 1);
  g_autoptr(GBytes) second_body = kt_test_case_body (second, 1);
  g_autoptr(GAsyncResult) queued = NULL;
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;

  kt_test_device_sign_in (desk, url, "intake1");
  roles = kt_role_client_new (desk);
  share (desk, first_body);
  share (desk, second_body);
  sync_ok (desk);
  g_assert_cmpuint (kt_test_http (url, "coach1", "GET", first_path, NULL, NULL), ==, 403);

  /* Queued while held: nothing answered yet, and then it is queued. */
  hold_outbox (desk);
  kt_role_client_queue_assignment_async (roles, first, "coach1", NULL, keep_result, &queued);
  tick_while_held (10);
  g_assert_true (still_held ());
  g_assert_null (queued);
  release_outbox ();
  g_assert_true (kt_role_client_queue_assignment_finish (roles, wait_for_result (&queued), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (roles), ==, 1);

  /* Sent while held: the queue is read on a worker. */
  hold_outbox (desk);
  kt_role_client_flush_assignments_async (roles, NULL, keep_result, &flushed);
  tick_while_held (10);
  g_assert_true (still_held ());
  g_assert_null (flushed);
  release_outbox ();
  g_assert_true (kt_role_client_flush_assignments_finish (roles, wait_for_result (&flushed), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (roles), ==, 0);
  g_assert_cmpuint (kt_test_http (url, "coach1", "GET", first_path, NULL, NULL), ==, 200);

  /* A case with an assignment queued was pushed, while held: the role
   * client looks for it in the queue on a worker, then sends it. */
  g_clear_object (&queued);
  kt_role_client_queue_assignment_async (roles, second, "coach1", NULL, keep_result, &queued);
  g_assert_true (kt_role_client_queue_assignment_finish (roles, wait_for_result (&queued), &error));
  g_assert_no_error (error);
  hold_outbox (desk);
  g_signal_emit_by_name (desk, "record-pushed", second, (gint64) 1);
  tick_while_held (10);
  g_assert_true (still_held ());
  release_outbox ();
  while (kt_role_client_get_n_pending_assignments (roles) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (kt_test_http (url, "coach1", "GET", second_path, NULL, NULL), ==, 200);
}

/* Two flushes asked at once of the role client (two cases with queued
 * assignments pushed in one round each ask for one): the assignment goes to the server once (an
 * assignment makes the case's next revision there), and both finish.
 * Without one flush at a time, each read the queue before either forgot
 * what it sent, and both sent it. */
static void
test_two_flushes_at_once_send_an_assignment_once (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) desk = kt_test_device_new (f->dir, "desk");
  g_autoptr(KtRoleClient) roles = NULL;
  g_autofree char *id = kt_uuid_new ();
  g_autofree char *path = g_strdup_printf ("/records/%s", id);
  g_autoptr(GBytes) body = kt_test_case_body (id, 1);
  g_autoptr(GAsyncResult) queued = NULL;
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GAsyncResult) other_flushed = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(KtSyncRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  kt_test_device_sign_in (desk, url, "intake1");
  roles = kt_role_client_new (desk);
  share (desk, body);
  sync_ok (desk);
  kt_role_client_queue_assignment_async (roles, id, "coach1", NULL, keep_result, &queued);
  g_assert_true (kt_role_client_queue_assignment_finish (roles, wait_for_result (&queued), &error));
  g_assert_no_error (error);

  kt_role_client_flush_assignments_async (roles, NULL, keep_result, &flushed);
  kt_role_client_flush_assignments_async (roles, NULL, keep_result, &other_flushed);
  g_assert_true (kt_role_client_flush_assignments_finish (roles, wait_for_result (&flushed), &error));
  g_assert_no_error (error);
  g_assert_true (kt_role_client_flush_assignments_finish (roles, wait_for_result (&other_flushed), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (roles), ==, 0);

  g_assert_cmpuint (kt_test_http (url, "intake1", "GET", path, NULL, &answer), ==, 200);
  record = kt_sync_record_decode (answer, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->rev, ==, 2);
}

static gboolean
an_answer_held (gpointer proxy)
{
  return kt_fault_proxy_get_n_held (proxy) > 0;
}

static void
queue_assignment (KtRoleClient *roles,
                  const char   *case_id,
                  const char   *coach)
{
  g_autoptr(GAsyncResult) queued = NULL;
  g_autoptr(GError) error = NULL;

  kt_role_client_queue_assignment_async (roles, case_id, coach, NULL, keep_result, &queued);
  g_assert_true (kt_role_client_queue_assignment_finish (roles, wait_for_result (&queued), &error));
  g_assert_no_error (error);
}

/* The intaker assigned a case to coach1 and, while that assignment is on
 * its way (the server has it, its answer waits in the proxy), chooses
 * coach2: coach2's assignment is sent too, in the same flush, and the
 * server ends with coach2.  Before, the case left the queue when coach1's
 * answer came, and coach2's assignment was never sent. */
static void
test_a_coach_chosen_while_the_assignment_is_sent_is_sent_too (Fixture *f, gconstpointer data)
{
  const KtTestUser coach2 = { "coach2", KT_TEST_PASSWORD, "wijkcoach", "noord", "Coach Twee" };
  const char *url = kt_test_server_get_url (f->server);
  g_autofree char *proxy_url = NULL;
  g_autoptr(KtFaultProxy) proxy = kt_fault_proxy_new_started (url, 20261207, &proxy_url);
  g_autoptr(KtSyncClient) desk = kt_test_device_new (f->dir, "desk");
  g_autoptr(KtRoleClient) roles = NULL;
  g_autofree char *id = kt_uuid_new ();
  g_autofree char *path = g_strdup_printf ("/records/%s", id);
  g_autoptr(GBytes) body = kt_test_case_body (id, 1);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(KtSyncRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  kt_test_server_add_user (f->server, &coach2);
  kt_test_device_sign_in (desk, proxy_url, "intake1");
  roles = kt_role_client_new (desk);
  share (desk, body);
  sync_ok (desk);
  queue_assignment (roles, id, "coach1");

  kt_fault_proxy_hold_answers (proxy, TRUE);
  kt_role_client_flush_assignments_async (roles, NULL, keep_result, &flushed);
  while (!an_answer_held (proxy))
    g_main_context_iteration (NULL, TRUE);
  queue_assignment (roles, id, "coach2");
  g_assert_null (flushed);
  kt_fault_proxy_hold_answers (proxy, FALSE);
  g_assert_true (kt_role_client_flush_assignments_finish (roles, wait_for_result (&flushed), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (roles), ==, 0);

  /* Two assignments, two revisions after the first; the case is coach2's. */
  g_assert_cmpuint (kt_test_http (url, "coach2", "GET", path, NULL, &answer), ==, 200);
  record = kt_sync_record_decode (answer, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->rev, ==, 3);
  kt_fault_proxy_stop (proxy);
}

/* Makes the outbox of @device_name (kt_test_device_new) refuse to drop
 * its queue of assignments, as a full disk or a damaged file would: a
 * trigger, added by another connection, fails the removal of the setting. */
static void
refuse_to_forget_assignments (Fixture    *f,
                              const char *device_name)
{
  g_autofree char *file = g_strdup_printf ("%s.db", device_name);
  g_autofree char *path = g_build_filename (f->dir, file, NULL);

  kt_test_sqlite_exec (path, KT_TEST_KEEP_ASSIGNMENTS);
}

static void
on_queue_failed (KtRoleClient *roles,
                 const GError *error,
                 GError      **seen)
{
  g_assert_null (*seen);
  *seen = g_error_copy (error);
}

/* A sent assignment that the device cannot take off its queue (here the
 * outbox refuses to write it) is not only a log line: a flush that ran by
 * itself after the push tells of it through ::queue-failed, and one asked
 * for ends with the error, both in words for the user; the assignment
 * stays queued.  Before, the flush went on after a g_warning and ended
 * well. */
static void
test_a_sent_assignment_the_queue_cannot_drop_is_told (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) desk = kt_test_device_new (f->dir, "desk");
  g_autoptr(KtRoleClient) roles = NULL;
  g_autofree char *id = kt_uuid_new ();
  g_autoptr(GBytes) body = kt_test_case_body (id, 1);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) seen = NULL;
  g_autoptr(GError) error = NULL;

  kt_test_device_sign_in (desk, url, "intake1");
  roles = kt_role_client_new (desk);
  g_signal_connect (roles, "queue-failed", G_CALLBACK (on_queue_failed), &seen);
  share (desk, body);
  queue_assignment (roles, id, "coach1");
  refuse_to_forget_assignments (f, "desk");

  /* The push of the case sends its assignment by itself. */
  sync_ok (desk);
  while (seen == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (seen, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_IO);
  g_assert_true (g_str_has_prefix (seen->message, "An assignment reached the server, but this device "
                                                  "could not take it off its queue: "));
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (roles), ==, 1);

  kt_role_client_flush_assignments_async (roles, NULL, keep_result, &flushed);
  g_assert_false (kt_role_client_flush_assignments_finish (roles, wait_for_result (&flushed), &error));
  g_assert_error (error, KT_OUTBOX_ERROR, KT_OUTBOX_ERROR_IO);
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (roles), ==, 1);
}

typedef struct {
  char *case_id;
  char *coach;
  char *reason;
} Refusal;

static void
on_assignment_failed (KtRoleClient *roles,
                      const char   *case_id,
                      const char   *coach,
                      const char   *reason,
                      Refusal      *refusal)
{
  refusal->case_id = g_strdup (case_id);
  refusal->coach = g_strdup (coach);
  refusal->reason = g_strdup (reason);
}

/* The server refuses an assignment to someone who is no coach of the
 * team: the signal names the case and the coach, and says why in words
 * for the intaker, not the request's field name; it is not retried. */
static void
test_a_refused_assignment_is_told_with_its_coach_and_why (Fixture *f, gconstpointer data)
{
  const char *url = kt_test_server_get_url (f->server);
  g_autoptr(KtSyncClient) desk = kt_test_device_new (f->dir, "desk");
  g_autoptr(KtRoleClient) roles = NULL;
  g_autofree char *id = kt_uuid_new ();
  g_autoptr(GBytes) body = kt_test_case_body (id, 1);
  Refusal refusal = { NULL, };

  kt_test_device_sign_in (desk, url, "intake1");
  roles = kt_role_client_new (desk);
  g_signal_connect (roles, "assignment-failed", G_CALLBACK (on_assignment_failed), &refusal);
  share (desk, body);
  queue_assignment (roles, id, "piet");

  /* The push of the case sends its assignment by itself. */
  sync_ok (desk);
  while (refusal.case_id == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (refusal.case_id, ==, id);
  g_assert_cmpstr (refusal.coach, ==, "piet");
  g_assert_cmpstr (refusal.reason, ==, "The server knows no active coach of your team by that name.");
  g_assert_cmpuint (kt_role_client_get_n_pending_assignments (roles), ==, 0);
  g_free (refusal.case_id);
  g_free (refusal.coach);
  g_free (refusal.reason);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

#define ADD(path, func) \
  g_test_add ("/sync-client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("sign-in/keeps-token-in-keyring-and-sign-out-clears-it",
       test_sign_in_keeps_the_token_in_the_keyring_and_sign_out_clears_it);
  ADD ("sign-in/refuses-plain-http-to-another-host-and-wrong-passwords",
       test_sign_in_refuses_plain_http_to_another_host_and_wrong_passwords);
  ADD ("pull/record-pulled-while-the-store-is-locked-arrives-once-unlocked",
       test_a_record_pulled_while_the_store_is_locked_arrives_once_unlocked);
  ADD ("pull/record-whose-save-fails-arrives-in-the-next-round",
       test_a_record_whose_save_fails_arrives_in_the_next_round);
  ADD ("pull/new-assignment-reaches-a-running-client-within-seconds",
       test_a_new_assignment_reaches_a_running_client_within_seconds);
  ADD ("pull/broken-held-pull-is-asked-again",
       test_a_broken_held_pull_is_asked_again);
  ADD ("push/coach-shares-a-household-of-their-own-and-its-plan",
       test_a_coach_shares_a_household_of_their_own_and_its_plan);
  ADD ("push/refused-record-says-why-on-its-household",
       test_a_refused_record_says_why_on_its_household);
  ADD ("push/shared-plans-arrive-once-and-the-other-device-pulls-them",
       test_shared_plans_arrive_once_and_the_other_device_pulls_them);
  ADD ("push/record-being-sent-is-frozen-and-later-edits-follow-it",
       test_a_record_being_sent_is_frozen_and_later_edits_follow_it);
  g_test_add ("/sync-client/conflict/sealed-two-devices-keep-both-versions-until-resolved", Fixture,
              "sealed", fixture_set_up, test_two_devices_editing_offline_keep_both_versions_until_resolved,
              fixture_tear_down);
  ADD ("conflict/two-devices-keep-both-versions-until-resolved",
       test_two_devices_editing_offline_keep_both_versions_until_resolved);
  ADD ("push/thousand-plans-through-a-proxy-dropping-thirty-percent",
       test_thousand_plans_through_a_proxy_dropping_thirty_percent);
  ADD ("pull/key-back-before-a-round-ends-is-used-at-once",
       test_a_key_back_before_a_round_ends_is_used_at_once);
  ADD ("open/queue-that-cannot-be-opened-says-so-in-the-status",
       test_a_queue_that_cannot_be_opened_says_so_in_the_status);
  g_test_add ("/sync-client/pull/answered-held-pull-moves-the-last-synced-time", Fixture, "short-wait",
              fixture_set_up, test_an_answered_held_pull_moves_the_last_synced_time, fixture_tear_down);
  ADD ("share/shares-reach-the-outbox-in-the-order-they-were-made",
       test_shares_reach_the_outbox_in_the_order_they_were_made);
  ADD ("roles/queued-assignments-are-read-and-written-on-workers",
       test_queued_assignments_are_read_and_written_on_workers);
  ADD ("roles/two-flushes-at-once-send-an-assignment-once", test_two_flushes_at_once_send_an_assignment_once);
  ADD ("roles/a-coach-chosen-while-the-assignment-is-sent-is-sent-too",
       test_a_coach_chosen_while_the_assignment_is_sent_is_sent_too);
  ADD ("roles/a-refused-assignment-is-told-with-its-coach-and-why",
       test_a_refused_assignment_is_told_with_its_coach_and_why);
  ADD ("roles/a-sent-assignment-the-queue-cannot-drop-is-told",
       test_a_sent_assignment_the_queue_cannot_drop_is_told);
  ADD ("share/a-share-waits-for-the-disk-on-a-worker",
       test_a_share_waits_for_the_disk_on_a_worker);
  ADD ("pull/a-pulled-page-is-booked-on-a-worker", test_a_pulled_page_is_booked_on_a_worker);
  ADD ("push/a-push-round-is-booked-on-workers", test_a_push_round_is_booked_on_workers);
  ADD ("sign-in/signing-in-writes-its-settings-on-a-worker",
       test_signing_in_writes_its_settings_on_a_worker);
  ADD ("sign-in/round-that-ends-after-signing-out-leaves-the-status-signed-out",
       test_a_round_that_ends_after_signing_out_leaves_the_status_signed_out);
  ADD ("conflict/conflicts-are-listed-and-resolved-on-workers",
       test_conflicts_are_listed_and_resolved_on_workers);
  ADD ("pull/pulling-again-forgets-the-position-on-a-worker",
       test_pulling_again_forgets_the_position_on_a_worker);
  ADD ("share/counts-and-share-states-answer-while-the-outbox-is-held",
       test_counts_and_share_states_answer_while_the_outbox_is_held);
#undef ADD

  return g_test_run ();
}
