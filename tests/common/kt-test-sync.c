/* kt-test-sync.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-test"

#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "kt-test-sync.h"

#include "kt-peer-keys.h"
#include "kt-recovery-phrase.h"
#include "kt-role-client.h"
#include "kt-test-sink.h"

#include "kt-codec.h"

const KtTestUser kt_test_sync_users[] = {
  { "coach1", KT_TEST_PASSWORD, "wijkcoach", "noord", "Coach Een" },
  { "intake1", KT_TEST_PASSWORD, "intaker", "noord", "Intaker Een" },
  { "super1", KT_TEST_PASSWORD, "supervisor", "noord", "Supervisor Een" },
  { NULL },
};

KtKey *
kt_test_account_secret (const char *username)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (checksum, (const guchar *) "keukentafel-test-account:", -1);
  g_checksum_update (checksum, (const guchar *) username, -1);
  g_checksum_get_digest (checksum, digest, &len);
  return kt_key_new_from_data (digest, len);
}

static gboolean
cases_of_coach1 (const char  *case_id,
                 char       **coach,
                 char       **intaker,
                 gpointer     user_data)
{
  *coach = g_strdup ("coach1");
  *intaker = g_strdup ("intake1");
  return TRUE;
}

KtRecordSealer *
kt_test_sealer_new (const char *username)
{
  g_autoptr(KtKey) secret = kt_test_account_secret (username);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_peer_key_free);
  KtRecordSealer *sealer = kt_record_sealer_new (username, secret);

  for (guint i = 0; kt_test_sync_users[i].username != NULL; i++)
    {
      g_autoptr(KtKey) other = kt_test_account_secret (kt_test_sync_users[i].username);
      KtPeerKey *key = g_new0 (KtPeerKey, 1);

      key->username = g_strdup (kt_test_sync_users[i].username);
      key->role = g_strdup (kt_test_sync_users[i].role);
      key->public_key = kt_crypto_public_key (other);
      key->fingerprint = kt_crypto_key_fingerprint (key->public_key);
      key->state = KT_PEER_KEY_KNOWN;
      g_ptr_array_add (keys, key);
    }
  kt_record_sealer_set_team_keys (sealer, keys);
  kt_record_sealer_set_case_readers_func (sealer, cases_of_coach1, NULL, NULL);
  return sealer;
}

void
kt_test_publish_key (const char *url,
                     const char *username,
                     KtKey      *secret)
{
  g_autofree char *phrase = kt_recovery_phrase_new ();
  /* The cheapest cost: no test here opens it, and under valgrind the
   * app's 64 MiB would take most of a test's time. */
  g_autoptr(GBytes) bundle = kt_crypto_seal_recovery_bundle (secret, phrase, 1, 8192);
  g_autoptr(GBytes) public_key = kt_crypto_public_key (secret);
  g_autofree char *key64 = g_base64_encode (g_bytes_get_data (public_key, NULL), KT_PUBLIC_KEY_SIZE);
  g_autofree char *bundle64 = g_base64_encode (g_bytes_get_data (bundle, NULL),
                                               g_bytes_get_size (bundle));
  g_autofree char *body = g_strdup_printf ("{\"public_key\":\"%s\",\"recovery_bundle\":\"%s\"}",
                                           key64, bundle64);

  g_assert_cmpuint (kt_test_http (url, username, "PUT", "/keys/me", body, NULL), ==, 200);
}

KtRecordSealer *
kt_test_sealer_from_directory (const char        *url,
                               const char        *username,
                               KtKey             *secret,
                               GHashTable        *pins,
                               guint             *n_changed,
                               KtCaseReadersFunc  func,
                               gpointer           func_data)
{
  g_autoptr(GHashTable) fresh = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  KtRecordSealer *sealer;
  guint changed;

  if (pins == NULL)
    pins = fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_bytes_unref);
  g_assert_cmpuint (kt_test_http (url, username, "GET", "/team/keys", NULL, &body), ==, 200);
  keys = kt_peer_keys_from_json (body, &error);
  g_assert_no_error (error);
  changed = kt_peer_keys_check (keys, pins);
  if (n_changed != NULL)
    *n_changed = changed;
  sealer = kt_record_sealer_new (username, secret);
  kt_record_sealer_set_team_keys (sealer, keys);
  kt_record_sealer_set_case_readers_func (sealer, func != NULL ? func : cases_of_coach1, func_data, NULL);
  return sealer;
}

static void
on_reviewed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

KtSyncRecord *
kt_test_review (KtSyncClient      *device,
                const char        *plan_id,
                gint64             rev,
                KtReviewDecision   decision,
                const char        *comment,
                GError           **error)
{
  g_autoptr(KtRoleClient) roles = kt_role_client_new (device);
  g_autoptr(KtReview) verdict = kt_review_new (decision, rev);
  g_autoptr(GAsyncResult) result = NULL;

  kt_review_set_comment (verdict, comment);
  kt_role_client_review_async (roles, plan_id, verdict, NULL, on_reviewed, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return kt_role_client_review_finish (roles, result, error);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

KtSyncClient *
kt_test_device_new (const char *dir,
                    const char *name)
{
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  KtSyncClient *device = kt_sync_client_new (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_autoptr(KtTestSink) sink = kt_test_sink_new ();

  kt_sync_client_open_async (device, NULL, on_done, &result);
  kt_sync_client_open_finish (device, wait_for (&result), &error);
  g_assert_no_error (error);
  /* Pulls are kept somewhere; a test that looks at them sets its own. */
  kt_sync_client_set_sink (device, KT_RECORD_SINK (sink));
  return device;
}

gboolean
kt_test_device_try_sign_in (KtSyncClient *device,
                            const char   *url,
                            const char   *username,
                            const char   *password,
                            GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kt_sync_client_sign_in_async (device, url, username, password, NULL, on_done, &result);
  return kt_sync_client_sign_in_finish (device, wait_for (&result), error);
}

void
kt_test_device_sign_in (KtSyncClient *device,
                        const char   *url,
                        const char   *username)
{
  g_autoptr(GError) error = NULL;

  kt_test_device_try_sign_in (device, url, username, KT_TEST_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (kt_sync_client_is_signed_in (device));
}

void
kt_test_device_sign_out (KtSyncClient *device)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kt_sync_client_sign_out_async (device, NULL, on_done, &result);
  kt_sync_client_sign_out_finish (device, wait_for (&result), &error);
  g_assert_no_error (error);
}

gboolean
kt_test_device_sync (KtSyncClient *device,
                     GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kt_sync_client_sync_async (device, NULL, on_done, &result);
  return kt_sync_client_sync_finish (device, wait_for (&result), error);
}

GBytes *
kt_test_case_body (const char *id,
                   gint64      rev)
{
  KtCase *kase = kt_case_new ();
  GBytes *body;

  g_free (kase->header.id);
  kase->header.id = g_strdup (id);
  kase->header.rev = rev;
  kase->household = g_strdup ("Familie Test");
  body = kt_case_encode (kase);
  kt_case_unref (kase);
  return body;
}

/* The same goal in every version of a test plan, so versions differ only
 * where a test changes them. */
#define TEST_GOAL_ID "0f0e0d0c-0b0a-4908-8706-050403020100"

static GBytes *
plan_body (const char    *id,
           const char    *case_id,
           gint64         rev,
           const char    *question,
           KtReviewState  review)
{
  KtPlan *plan = kt_plan_new ();
  KtGoal *goal = kt_goal_new ();
  GBytes *body;

  g_free (plan->header.id);
  plan->header.id = g_strdup (id);
  plan->header.rev = rev;
  plan->header.created = 1764064800;
  plan->header.updated = 1764064800 + rev;
  plan->case_id = g_strdup (case_id);
  plan->question = g_strdup (question);
  g_free (goal->id);
  goal->id = g_strdup (TEST_GOAL_ID);
  goal->title = g_strdup ("Rust in de administratie");
  g_ptr_array_add (plan->goals, goal);
  plan->review = review;
  plan->submitted_at = review == KT_REVIEW_SUBMITTED ? 1764064800 : 0;
  body = kt_plan_encode (plan);
  kt_plan_unref (plan);
  return body;
}

GBytes *
kt_test_plan_body (const char *id,
                   const char *case_id,
                   gint64      rev,
                   const char *question)
{
  return plan_body (id, case_id, rev, question, KT_REVIEW_DRAFT);
}

GBytes *
kt_test_submitted_plan_body (const char *id,
                             const char *case_id,
                             gint64      rev,
                             const char *question)
{
  return plan_body (id, case_id, rev, question, KT_REVIEW_SUBMITTED);
}

static char *
login (SoupSession *session,
       const char  *url,
       const char  *username)
{
  g_autofree char *uri = g_strconcat (url, "/api/v1/login", NULL);
  g_autofree char *json = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, KT_TEST_PASSWORD);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", uri);
  g_autoptr(GBytes) request = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(KtSyncResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (message, "application/json", request);
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  response = kt_sync_response_parse (KT_SYNC_ENDPOINT_LOGIN, soup_message_get_status (message),
                                     answer, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&response->token);
}

guint
kt_test_http (const char *url,
              const char *username,
              const char *method,
              const char *path,
              const char *json,
              GBytes    **body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (url, "/api/v1", path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, uri);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  if (username != NULL)
    {
      g_autofree char *token = login (session, url, username);
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", bearer);
    }
  if (json != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (json, strlen (json));
      soup_message_set_request_body_from_bytes (message, "application/json", request);
    }
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  if (body != NULL)
    *body = g_steal_pointer (&answer);
  return soup_message_get_status (message);
}

char *
kt_test_case_for_coach (const char *dir,
                        const char *url)
{
  g_autoptr(KtSyncClient) desk = kt_test_device_new (dir, "intake-desk");
  g_autofree char *id = kt_uuid_new ();
  g_autofree char *path = g_strdup_printf ("/cases/%s/assign", id);
  g_autoptr(GBytes) body = kt_test_case_body (id, 1);
  g_autoptr(GError) error = NULL;

  kt_test_device_sign_in (desk, url, "intake1");
  kt_sync_client_share (desk, body, &error);
  g_assert_no_error (error);
  kt_test_device_sync (desk, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kt_sync_client_get_n_pending (desk), ==, 0);
  g_assert_cmpuint (kt_test_http (url, "intake1", "POST", path, "{\"coach\":\"coach1\"}", NULL), ==, 200);
  return g_steal_pointer (&id);
}
