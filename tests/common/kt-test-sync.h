/* kt-test-sync.h: devices (KtSyncClient + outbox) against a real server,
 * shared by the sync tests and the sync benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-review.h"
#include "kt-sync-client.h"
#include "kt-test-server.h"

G_BEGIN_DECLS

#define KT_TEST_PASSWORD "keukentafel-test"
/* For kt_test_sqlite_exec () on a sync queue: the queue of assignments may
 * be written, not emptied, as with a full disk. */
#define KT_TEST_KEEP_ASSIGNMENTS \
  "CREATE TRIGGER keep_assignments BEFORE DELETE ON meta " \
  "WHEN OLD.key = 'pending_assignments' " \
  "BEGIN SELECT RAISE (ABORT, 'database or disk is full'); END"

/* coach1 (wijkcoach), intake1 (intaker), super1 (supervisor), all in team
 * noord; ends in { NULL }. */
extern const KtTestUser kt_test_sync_users[];

/* A client with its outbox at @dir/@name.db, opened, keeping what it pulls
 * in a KtTestSink (transfer full). */
KtSyncClient *kt_test_device_new     (const char   *dir,
                                      const char   *name);
/* Signs @device in at @url; asserts it worked. */
void          kt_test_device_sign_in (KtSyncClient *device,
                                      const char   *url,
                                      const char   *username);
/* The same, returning the failure instead of asserting. */
gboolean      kt_test_device_try_sign_in (KtSyncClient *device,
                                          const char   *url,
                                          const char   *username,
                                          const char   *password,
                                          GError      **error);
void          kt_test_device_sign_out (KtSyncClient *device);
/* One sync round, waited for on the main context. */
gboolean      kt_test_device_sync    (KtSyncClient *device,
                                      GError      **error);

/* Document JSON for a case, and for a draft plan of @case_id (a draft:
 * the server refuses changes to a submitted one) (transfer full). */
GBytes       *kt_test_case_body      (const char *id,
                                      gint64      rev);
GBytes       *kt_test_plan_body      (const char *id,
                                      const char *case_id,
                                      gint64      rev,
                                      const char *question);
/* The same plan, submitted for review. */
GBytes       *kt_test_submitted_plan_body (const char *id,
                                           const char *case_id,
                                           gint64      rev,
                                           const char *question);

/* A case registered by intake1 and assigned to coach1 on the server at
 * @url (transfer full: its id). */
char         *kt_test_case_for_coach (const char *dir,
                                      const char *url);

/* The account secret of @username in the tests: the same on every call, so
 * that each test device of an account opens what another sealed
 * (transfer full). */
KtKey        *kt_test_account_secret (const char *username);
/* A sealer for @username of kt_test_sync_users, trusting every other
 * account's test key, whose cases all belong to coach1 (transfer full). */
KtRecordSealer *kt_test_sealer_new   (const char *username);

/* Puts @username's public key of @secret and a recovery bundle in the key
 * directory of the server at @url; asserts it worked. */
void          kt_test_publish_key    (const char *url,
                                      const char *username,
                                      KtKey      *secret);
/* A sealer for @username (@secret) with the team's keys as the server at
 * @url lists them, weighed against @pins (username → GBytes, updated;
 * NULL: a fresh device); @n_changed (may be NULL) gets the number of
 * changed keys.  Cases are read with @func (NULL: all coach1's) (transfer
 * full). */
KtRecordSealer *kt_test_sealer_from_directory (const char        *url,
                                               const char        *username,
                                               KtKey             *secret,
                                               GHashTable        *pins,
                                               guint             *n_changed,
                                               KtCaseReadersFunc  func,
                                               gpointer           func_data);
/* A review by @device's account with the role client (made and sealed on
 * the device when it has a sealer), waited for (transfer full). */
KtSyncRecord *kt_test_review         (KtSyncClient      *device,
                                      const char        *plan_id,
                                      gint64             rev,
                                      KtReviewDecision   decision,
                                      const char        *comment,
                                      GError           **error);

/* A blocking request to @url/api/v1@path as @username (may be NULL);
 * returns the status, @body (may be NULL) gets the answer. */
guint         kt_test_http           (const char *url,
                                      const char *username,
                                      const char *method,
                                      const char *path,
                                      const char *json,
                                      GBytes    **body);

G_END_DECLS
