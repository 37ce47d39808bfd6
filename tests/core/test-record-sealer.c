/* test-record-sealer.c: records sealed to their readers, and what a reader
 * refuses to open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <string.h>

#include "kt-core.h"
#include "kt-record-sealer.h"
#include "kt-peer-keys.h"

#define MARKER "Zegel-marker-5d2e"

typedef struct {
  const char *name;
  const char *role;
  KtKey      *secret;
} Account;

static Account accounts[] = {
  { "anna", "wijkcoach", NULL },
  { "bert", "wijkcoach", NULL },
  { "ida", "intaker", NULL },
  { "sara", "supervisor", NULL },
  { "sam", "supervisor", NULL },
};

static Account *
account (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    if (g_str_equal (accounts[i].name, name))
      return &accounts[i];
  g_assert_not_reached ();
}

static KtPeerKey *
peer_key (const Account  *who,
          KtPeerKeyState  state)
{
  KtPeerKey *key = g_new0 (KtPeerKey, 1);

  key->username = g_strdup (who->name);
  key->role = g_strdup (who->role);
  key->public_key = kt_crypto_public_key (who->secret);
  key->fingerprint = kt_crypto_key_fingerprint (key->public_key);
  key->state = state;
  return key;
}

/* The directory as @name's device sees it: every account except those in
 * @left_out (NULL-terminated names). */
static GPtrArray *
directory (const char * const *left_out)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_peer_key_free);

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    if (left_out == NULL || !g_strv_contains (left_out, accounts[i].name))
      g_ptr_array_add (keys, peer_key (&accounts[i], KT_PEER_KEY_KNOWN));
  return keys;
}

static gboolean
case_of_anna (const char  *case_id,
              char       **coach,
              char       **intaker,
              gpointer     user_data)
{
  *coach = g_strdup ("anna");
  *intaker = g_strdup ("ida");
  return TRUE;
}

static KtRecordSealer *
sealer_for (const char         *name,
            const char * const *left_out)
{
  KtRecordSealer *sealer = kt_record_sealer_new (name, account (name)->secret);
  g_autoptr(GPtrArray) keys = directory (left_out);

  kt_record_sealer_set_team_keys (sealer, keys);
  kt_record_sealer_set_case_readers_func (sealer, case_of_anna, NULL, NULL);
  return sealer;
}

static char *case_id;

static KtSyncRecord *
case_record (const char *coach,
             gint64      rev)
{
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  KtSyncRecord *record;

  g_free (kase->header.id);
  kase->header.id = g_strdup (case_id);
  kase->header.rev = rev;
  kase->coach = g_strdup (coach);
  kase->request.intaker = g_strdup ("ida");
  kase->request.question = g_strdup (MARKER " wil weer aan het werk");
  body = kt_case_encode (kase);
  record = kt_sync_record_new_for_body (body, &error);
  g_assert_no_error (error);
  return record;
}

static KtSyncRecord *
plan_record (KtReviewState review)
{
  g_autoptr(KtPlan) plan = kt_plan_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  KtSyncRecord *record;

  plan->header.rev = 1;
  plan->case_id = g_strdup (case_id);
  plan->review = review;
  plan->question = g_strdup (MARKER);
  body = kt_plan_encode (plan);
  record = kt_sync_record_new_for_body (body, &error);
  g_assert_no_error (error);
  return record;
}

/* @record as it comes back from the server: the envelope alone, no body. */
static KtSyncRecord *
over_the_wire (const KtSyncRecord *record)
{
  g_autoptr(GBytes) wire = kt_sync_record_encode (record);
  g_autoptr(GError) error = NULL;
  KtSyncRecord *back;

  g_assert_null (memmem (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire),
                         MARKER, strlen (MARKER)));
  back = kt_sync_record_decode (wire, &error);
  g_assert_no_error (error);
  g_assert_null (back->body);
  return back;
}

static void
assert_opens (const char         *reader,
              const KtSyncRecord *record,
              const char * const *left_out)
{
  g_autoptr(KtRecordSealer) sealer = sealer_for (reader, left_out);
  g_autoptr(KtSyncRecord) copy = over_the_wire (record);
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_record_sealer_open (sealer, copy, &error));
  g_assert_no_error (error);
  g_assert_nonnull (memmem (g_bytes_get_data (copy->body, NULL), g_bytes_get_size (copy->body),
                            MARKER, strlen (MARKER)));
}

static void
assert_refused (const char         *reader,
                const KtSyncRecord *record,
                const char * const *left_out,
                KtRecordSealerError code)
{
  g_autoptr(KtRecordSealer) sealer = sealer_for (reader, left_out);
  g_autoptr(KtSyncRecord) copy = over_the_wire (record);
  g_autoptr(GError) error = NULL;

  g_assert_false (kt_record_sealer_open (sealer, copy, &error));
  g_assert_error (error, KT_RECORD_SEALER_ERROR, (gint) code);
  g_assert_null (copy->body);
}

static void
test_case_is_for_its_coach_intaker_and_supervisors (void)
{
  g_autoptr(KtRecordSealer) ida = sealer_for ("ida", NULL);
  g_autoptr(KtSyncRecord) record = case_record ("anna", 2);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) readers = NULL;

  g_assert_true (kt_record_sealer_seal (ida, record, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (record->coach, ==, "anna");
  g_assert_cmpstr (record->intaker, ==, "ida");
  g_assert_cmpstr (record->phase, ==, "registered");
  g_assert_cmpuint (record->keys->len, ==, 4);

  readers = kt_record_sealer_readers (ida, record);
  g_assert_cmpuint (g_strv_length (readers), ==, 4);
  for (guint i = 0; readers[i] != NULL; i++)
    assert_opens (readers[i], record, NULL);
  assert_refused ("bert", record, NULL, KT_RECORD_SEALER_ERROR_NOT_FOR_ME);
}

static void
test_plan_is_not_for_the_intaker (void)
{
  g_autoptr(KtRecordSealer) anna = sealer_for ("anna", NULL);
  g_autoptr(KtSyncRecord) record = plan_record (KT_REVIEW_SUBMITTED);
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_record_sealer_seal (anna, record, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (record->review, ==, "submitted");
  g_assert_null (record->coach);
  assert_opens ("anna", record, NULL);
  assert_opens ("sara", record, NULL);
  assert_opens ("sam", record, NULL);
  assert_refused ("ida", record, NULL, KT_RECORD_SEALER_ERROR_NOT_FOR_ME);
  assert_refused ("bert", record, NULL, KT_RECORD_SEALER_ERROR_NOT_FOR_ME);
}

/* What the server could do with what it holds: plant a record under a
 * colleague's name, rewrite the routing, or move a body. */
static void
test_what_the_server_changes_is_caught (void)
{
  g_autoptr(KtRecordSealer) anna = sealer_for ("anna", NULL);
  g_autoptr(KtKey) server_key = kt_key_new_random ();
  g_autoptr(KtRecordSealer) server = kt_record_sealer_new ("anna", server_key);
  g_autoptr(GPtrArray) keys = directory (NULL);
  g_autoptr(KtSyncRecord) planted = plan_record (KT_REVIEW_APPROVED);
  g_autoptr(KtSyncRecord) record = case_record ("anna", 3);
  g_autoptr(KtSyncRecord) older = case_record ("anna", 2);
  g_autoptr(GError) error = NULL;

  /* Sealed with another key pair in anna's name: sara does not take it. */
  kt_record_sealer_set_team_keys (server, keys);
  kt_record_sealer_set_case_readers_func (server, case_of_anna, NULL, NULL);
  g_assert_true (kt_record_sealer_seal (server, planted, &error));
  assert_refused ("sara", planted, NULL, KT_RECORD_SEALER_ERROR_DOES_NOT_OPEN);

  g_assert_true (kt_record_sealer_seal (anna, record, &error));
  g_assert_true (kt_record_sealer_seal (anna, older, &error));
  g_assert_no_error (error);

  /* Another coach routed in. */
  g_free (record->coach);
  record->coach = g_strdup ("bert");
  assert_refused ("sara", record, NULL, KT_RECORD_SEALER_ERROR_ROUTING);
  g_free (record->coach);
  record->coach = g_strdup ("anna");
  assert_opens ("sara", record, NULL);

  /* The older revision's body under the newer envelope. */
  g_bytes_unref (record->sealed);
  record->sealed = g_bytes_ref (older->sealed);
  assert_refused ("sara", record, NULL, KT_RECORD_SEALER_ERROR_DOES_NOT_OPEN);
}

static void
test_a_plan_marked_approved_by_the_server_is_caught (void)
{
  g_autoptr(KtRecordSealer) anna = sealer_for ("anna", NULL);
  g_autoptr(KtSyncRecord) record = plan_record (KT_REVIEW_SUBMITTED);
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_record_sealer_seal (anna, record, &error));
  g_free (record->review);
  record->review = g_strdup ("approved");
  assert_refused ("sara", record, NULL, KT_RECORD_SEALER_ERROR_ROUTING);
}

/* A colleague whose key changed is neither sealed to nor believed. */
static void
test_a_changed_key_is_not_used (void)
{
  g_autoptr(KtRecordSealer) anna = kt_record_sealer_new ("anna", account ("anna")->secret);
  g_autoptr(GPtrArray) keys = directory (NULL);
  g_autoptr(KtSyncRecord) record = plan_record (KT_REVIEW_DRAFT);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < keys->len; i++)
    {
      KtPeerKey *key = keys->pdata[i];

      if (g_str_equal (key->username, "sara"))
        key->state = KT_PEER_KEY_CHANGED;
    }
  kt_record_sealer_set_team_keys (anna, keys);
  g_assert_true (kt_record_sealer_seal (anna, record, &error));
  g_assert_null (kt_sync_record_get_key (record, "sara"));
  g_assert_nonnull (kt_sync_record_get_key (record, "sam"));
}

/* A supervisor who joins later reads older records once a reader's device
 * seals them again; one who left gets no key for what is written after. */
static void
test_later_supervisor_after_reseal_and_none_for_one_who_left (void)
{
  const char * const without_sam[] = { "sam", NULL };
  g_autoptr(KtRecordSealer) anna_before = sealer_for ("anna", without_sam);
  g_autoptr(KtRecordSealer) anna_after = sealer_for ("anna", NULL);
  g_autoptr(KtSyncRecord) record = plan_record (KT_REVIEW_SUBMITTED);
  g_autoptr(KtSyncRecord) pulled = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) missing = NULL;
  g_auto(GStrv) none = NULL;

  g_assert_true (kt_record_sealer_seal (anna_before, record, &error));
  assert_refused ("sam", record, NULL, KT_RECORD_SEALER_ERROR_NOT_FOR_ME);

  /* Sam's key appears in anna's directory: anna's device re-seals. */
  pulled = over_the_wire (record);
  missing = kt_record_sealer_missing_readers (anna_after, pulled);
  g_assert_cmpstrv (missing, ((const char * const[]) { "sam", NULL }));
  added = kt_record_sealer_reseal (anna_after, pulled, (const char * const *) missing, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, 1);
  g_ptr_array_add (record->keys, kt_sealed_key_copy (added->pdata[0]));
  assert_opens ("sam", record, NULL);
  none = kt_record_sealer_missing_readers (anna_after, record);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  /* Sam leaves; the next revision is not for sam. */
  g_clear_pointer (&record, kt_sync_record_free);
  record = plan_record (KT_REVIEW_DRAFT);
  g_assert_true (kt_record_sealer_seal (anna_before, record, &error));
  assert_refused ("sam", record, NULL, KT_RECORD_SEALER_ERROR_NOT_FOR_ME);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    accounts[i].secret = kt_key_new_random ();
  case_id = kt_uuid_new ();

  g_test_add_func ("/record-sealer/case-is-for-its-coach-intaker-and-supervisors",
                   test_case_is_for_its_coach_intaker_and_supervisors);
  g_test_add_func ("/record-sealer/plan-is-not-for-the-intaker", test_plan_is_not_for_the_intaker);
  g_test_add_func ("/record-sealer/what-the-server-changes-is-caught",
                   test_what_the_server_changes_is_caught);
  g_test_add_func ("/record-sealer/a-plan-marked-approved-by-the-server-is-caught",
                   test_a_plan_marked_approved_by_the_server_is_caught);
  g_test_add_func ("/record-sealer/a-changed-key-is-not-used", test_a_changed_key_is_not_used);
  g_test_add_func ("/record-sealer/later-supervisor-after-reseal-and-none-for-one-who-left",
                   test_later_supervisor_after_reseal_and_none_for_one_who_left);
  return g_test_run ();
}
