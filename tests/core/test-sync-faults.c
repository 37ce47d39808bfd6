/* test-sync-faults.c: every fault gives its message and keeps the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kt-core.h"
#include "kt-fault-proxy.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

typedef struct {
  char         *dir;
  KtTestServer *server;
  KtFaultProxy *proxy;
  char         *proxy_url;
  char         *case_id;
  KtSyncClient *device;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *url;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = kt_uuid_new ();
  g_autoptr(GString) question = g_string_new ("");
  g_autoptr(GBytes) body = NULL;

  f->dir = kt_test_tmpdir_new ("kt-sync-faults");
  f->server = kt_test_server_start (NULL, kt_test_sync_users);
  url = kt_test_server_get_url (f->server);
  f->case_id = kt_test_case_for_coach (f->dir, url);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  f->proxy = kt_fault_proxy_new (g_uri_get_port (uri), 7);
  f->proxy_url = g_strdup_printf ("http://127.0.0.1:%u", kt_fault_proxy_start (f->proxy, &error));
  g_assert_no_error (error);

  f->device = kt_test_device_new (f->dir, "laptop");
  kt_sync_client_set_timeout (f->device, 1);
  kt_test_device_sign_in (f->device, f->proxy_url, "coach1");
  /* Larger than the proxy's drop window, so an upload can break midway. */
  for (guint i = 0; i < 800; i++)
    g_string_append (question, "Wat wil je? ");
  body = kt_test_plan_body (plan, f->case_id, 1, question->str);
  kt_sync_client_share (f->device, body, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->device);
  g_clear_object (&f->proxy);
  g_clear_pointer (&f->server, kt_test_server_free);
  g_clear_pointer (&f->dir, kt_test_tmpdir_free);
  g_clear_pointer (&f->case_id, g_free);
  g_clear_pointer (&f->proxy_url, g_free);
}

/* One round fails with @code, says why, and keeps the shared plan queued;
 * once the fault is gone the plan arrives. */
static void
assert_fault (Fixture      *f,
              int           code,
              KtSyncStatus  status)
{
  g_autoptr(GError) error = NULL;

  kt_test_device_sync (f->device, &error);
  g_assert_error (error, KT_SYNC_ERROR, code);
  g_assert_cmpint (kt_sync_client_get_status (f->device), ==, status);
  g_assert_cmpstr (kt_sync_client_get_status_message (f->device), ==, error->message);
  g_assert_cmpuint (kt_sync_client_get_n_pending (f->device), ==, 1);
}

static void
assert_recovers (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  kt_fault_proxy_set_canned (f->proxy, NULL);
  for (KtFault fault = KT_FAULT_DROP; fault < KT_N_FAULTS; fault++)
    kt_fault_proxy_set_share (f->proxy, fault, 0);
  kt_test_device_sync (f->device, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kt_sync_client_get_status (f->device), ==, KT_SYNC_STATUS_SYNCED);
  g_assert_cmpuint (kt_sync_client_get_n_pending (f->device), ==, 0);
}

static void
test_server_down (Fixture *f, gconstpointer data)
{
  kt_fault_proxy_stop (f->proxy);
  assert_fault (f, KT_SYNC_ERROR_SERVER_DOWN, KT_SYNC_STATUS_ERROR);
}

static void
test_connection_dropped_mid_upload (Fixture *f, gconstpointer data)
{
  kt_fault_proxy_set_share (f->proxy, KT_FAULT_DROP_UPLOAD, 1.0);
  assert_fault (f, KT_SYNC_ERROR_CONNECTION_DROPPED, KT_SYNC_STATUS_ERROR);
  assert_recovers (f);
}

static void
test_slow_server_times_out (Fixture *f, gconstpointer data)
{
  kt_fault_proxy_set_delay (f->proxy, 3000);
  kt_fault_proxy_set_share (f->proxy, KT_FAULT_DELAY, 1.0);
  assert_fault (f, KT_SYNC_ERROR_TIMEOUT, KT_SYNC_STATUS_ERROR);
  assert_recovers (f);
}

static void
test_garbage_answers (Fixture *f, gconstpointer data)
{
  const char *answers[] = {
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n<html>oops</>",
    "\x16\x03\x01 this is not HTTP at all\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 29\r\n\r\n{\"id\":\"x\",\"kind\":\"plan\"}     ",
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(GBytes) canned = g_bytes_new_static (answers[i], strlen (answers[i]));

      kt_fault_proxy_set_canned (f->proxy, canned);
      assert_fault (f, KT_SYNC_ERROR_BAD_RESPONSE, KT_SYNC_STATUS_ERROR);
    }
  assert_recovers (f);
}

static void
test_oversized_answers (Fixture *f, gconstpointer data)
{
  const char *declared = "HTTP/1.1 200 OK\r\nContent-Length: 900000000\r\n\r\n{\"records\":[";
  g_autoptr(GString) streamed = g_string_new ("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"x\":\"");
  g_autoptr(GBytes) canned = g_bytes_new_static (declared, strlen (declared));

  kt_fault_proxy_set_canned (f->proxy, canned);
  assert_fault (f, KT_SYNC_ERROR_TOO_LARGE, KT_SYNC_STATUS_ERROR);

  /* No length given: the client stops reading at its limit. */
  while (streamed->len < KT_SYNC_RECORD_RESPONSE_MAX_SIZE + 4096)
    g_string_append (streamed, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  g_clear_pointer (&canned, g_bytes_unref);
  canned = g_bytes_new (streamed->str, streamed->len);
  kt_fault_proxy_set_canned (f->proxy, canned);
  assert_fault (f, KT_SYNC_ERROR_TOO_LARGE, KT_SYNC_STATUS_ERROR);
  assert_recovers (f);
}

static void
test_revoked_token_asks_to_sign_in_again (Fixture *f, gconstpointer data)
{
  const char *revoke[] = { "token", "revoke", "coach1", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (kt_test_server_admin (f->server, revoke, NULL, NULL), ==, 0);
  assert_fault (f, KT_SYNC_ERROR_UNAUTHORIZED, KT_SYNC_STATUS_NEEDS_SIGN_IN);
  g_assert_false (kt_sync_client_is_signed_in (f->device));

  /* The dead token is gone from the keyring too; the outbox waits. */
  g_clear_object (&f->device);
  f->device = kt_test_device_new (f->dir, "laptop");
  g_assert_false (kt_sync_client_is_signed_in (f->device));
  g_assert_cmpint (kt_sync_client_get_status (f->device), ==, KT_SYNC_STATUS_NEEDS_SIGN_IN);
  g_assert_cmpuint (kt_sync_client_get_n_pending (f->device), ==, 1);
  kt_test_device_sync (f->device, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN);
  g_assert_cmpint (kt_sync_client_get_status (f->device), ==, KT_SYNC_STATUS_NEEDS_SIGN_IN);

  kt_test_device_sign_in (f->device, f->proxy_url, "coach1");
  assert_recovers (f);
}

static void
test_expired_token_asks_to_sign_in_again (Fixture *f, gconstpointer data)
{
  g_autoptr(KtTestServer) short_lived = NULL;
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "tablet");
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = kt_uuid_new ();
  g_autofree char *case_id = kt_uuid_new ();
  g_autoptr(GBytes) body = NULL;

  /* The server checks the token before anything else, so no case is needed. */
  short_lived = kt_test_server_start_full (NULL, kt_test_sync_users,
                                           "[server]\ntoken-lifetime=2\n");
  kt_test_device_sign_in (device, kt_test_server_get_url (short_lived), "coach1");
  body = kt_test_plan_body (plan, case_id, 1, "Vraag");
  kt_sync_client_share (device, body, &error);
  g_assert_no_error (error);
  g_usleep (3 * G_USEC_PER_SEC);
  kt_test_device_sync (device, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_UNAUTHORIZED);
  g_assert_cmpint (kt_sync_client_get_status (device), ==, KT_SYNC_STATUS_NEEDS_SIGN_IN);
  g_assert_cmpuint (kt_sync_client_get_n_pending (device), ==, 1);
}

static char *
make_certificate (const char *dir)
{
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", key, "-out", cert, NULL
  };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strdup_printf ("[server]\ntls-cert=%s\ntls-key=%s\n", cert, key);
}

static void
test_untrusted_certificate_is_refused_without_bypass (Fixture *f, gconstpointer data)
{
  g_autofree char *config = make_certificate (f->dir);
  g_autofree char *cert = g_build_filename (f->dir, "cert.pem", NULL);
  g_autoptr(KtTestServer) tls_server = kt_test_server_start_full (NULL, kt_test_sync_users, config);
  g_autoptr(KtSyncClient) device = kt_test_device_new (f->dir, "tablet");
  g_autoptr(GTlsDatabase) trusted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = kt_uuid_new ();
  g_autoptr(GBytes) body = NULL;
  g_autofree char *https = NULL;
  const char *url = kt_test_server_get_url (tls_server);

  https = g_str_has_prefix (url, "http://") ? g_strconcat ("https://", url + strlen ("http://"), NULL)
                                            : g_strdup (url);
  kt_test_device_try_sign_in (device, https, "coach1", KT_TEST_PASSWORD, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_TLS_UNTRUSTED);
  g_assert_nonnull (strstr (error->message, "certificate"));
  g_clear_error (&error);

  /* Trusting the certificate explicitly (a municipality's own CA) works... */
  trusted = g_tls_file_database_new (cert, &error);
  g_assert_no_error (error);
  kt_sync_client_set_tls_database (device, trusted);
  kt_test_device_sign_in (device, https, "coach1");

  /* ...and a start without that trust sends nothing, and loses nothing. */
  g_clear_object (&device);
  device = kt_test_device_new (f->dir, "tablet");
  g_assert_true (kt_sync_client_is_signed_in (device));
  body = kt_test_plan_body (plan, f->case_id, 1, "Vraag");
  kt_sync_client_share (device, body, &error);
  g_assert_no_error (error);
  kt_test_device_sync (device, &error);
  g_assert_error (error, KT_SYNC_ERROR, KT_SYNC_ERROR_TLS_UNTRUSTED);
  g_assert_cmpint (kt_sync_client_get_status (device), ==, KT_SYNC_STATUS_ERROR);
  g_assert_cmpuint (kt_sync_client_get_n_pending (device), ==, 1);
}

/* After the server was down, the next try comes within seconds at first
 * and never later than two minutes: what a supervisor's inbox or a coach's
 * review answer waits for once the server is back (ten minutes before). */
static void
test_retries_wait_at_most_two_minutes (void)
{
  guint longest = 0;

  for (guint failures = 0; failures < 64; failures++)
    for (guint i = 0; i < 50; i++)
      {
        guint delay = kt_api_backoff_delay_ms (failures);

        g_assert_cmpuint (delay, <=, 2 * 60 * 1000);
        if (failures == 0)
          g_assert_cmpuint (delay, <=, 2000);
        longest = MAX (longest, delay);
      }
  /* It does grow: a server that stays down is not asked every second. */
  g_assert_cmpuint (longest, >, 60 * 1000);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

#define ADD(path, func) \
  g_test_add ("/sync-faults/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/sync-faults/retries-wait-at-most-two-minutes", test_retries_wait_at_most_two_minutes);
  ADD ("server-down", test_server_down);
  ADD ("connection-dropped-mid-upload", test_connection_dropped_mid_upload);
  ADD ("slow-server-times-out", test_slow_server_times_out);
  ADD ("garbage-answers", test_garbage_answers);
  ADD ("oversized-answers", test_oversized_answers);
  ADD ("revoked-token-asks-to-sign-in-again", test_revoked_token_asks_to_sign_in_again);
  ADD ("expired-token-asks-to-sign-in-again", test_expired_token_asks_to_sign_in_again);
  ADD ("untrusted-certificate-is-refused-without-bypass",
       test_untrusted_certificate_is_refused_without_bypass);
#undef ADD

  return g_test_run ();
}
