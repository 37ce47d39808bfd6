/* test-model.c: the model's rules (deadlines, consent, completing, skipping, plans)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kt-core.h"

static void
test_case_new_has_id_and_empty_lists (void)
{
  g_autoptr(KtCase) kase = kt_case_new ();

  g_assert_cmpint (kase->header.kind, ==, KT_KIND_CASE);
  g_assert_true (kt_uuid_is_valid (kase->header.id));
  g_assert_cmpint (kase->header.rev, ==, 0);
  g_assert_cmpuint (kase->members->len, ==, 0);
  g_assert_cmpint (kase->phase, ==, KT_PHASE_REGISTERED);
  g_assert_true (G_TYPE_IS_BOXED (KT_TYPE_CASE));
}

static void
test_case_deadlines_follow_request_date (void)
{
  g_autoptr(KtCase) kase = kt_case_new ();

  kt_case_compute_deadlines (kase, 42, 7);
  g_assert_null (kase->conversation_deadline);
  g_assert_null (kt_case_next_deadline (kase));

  kase->request.date = g_strdup ("2026-11-25");
  kt_case_compute_deadlines (kase, 42, 7);
  g_assert_cmpstr (kase->conversation_deadline, ==, "2027-01-06");
  g_assert_cmpstr (kase->own_plan_deadline, ==, "2026-12-02");
  /* Settings, not constants. */
  kt_case_compute_deadlines (kase, 28, 14);
  g_assert_cmpstr (kase->conversation_deadline, ==, "2026-12-23");
  g_assert_cmpstr (kase->own_plan_deadline, ==, "2026-12-09");

  kase->phase = KT_PHASE_CONVERSATION;
  g_assert_cmpstr (kt_case_next_deadline (kase), ==, "2026-12-23");

  kase->phase = KT_PHASE_SUPPORT;
  g_assert_null (kt_case_next_deadline (kase));
  kase->evaluation_date = g_strdup ("2027-03-01");
  g_assert_cmpstr (kt_case_next_deadline (kase), ==, "2027-03-01");

  kase->phase = KT_PHASE_FOLLOW_UP;
  kase->follow_up_date = g_strdup ("2027-09-01");
  g_assert_cmpstr (kt_case_next_deadline (kase), ==, "2027-09-01");
}

static void
test_case_own_plan_deadline_counts_while_running (void)
{
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autofree char *today = kt_date_today ();

  kase->request.date = g_strdup (today);
  kase->request.own_plan_wanted = TRUE;
  kt_case_compute_deadlines (kase, 42, 7);
  g_assert_cmpstr (kt_case_next_deadline (kase), ==, kase->own_plan_deadline);

  /* Once the own-plan term has passed, the conversation term is next. */
  g_free (kase->request.date);
  kase->request.date = kt_date_add_days (today, -10);
  kt_case_compute_deadlines (kase, 42, 7);
  g_assert_cmpstr (kt_case_next_deadline (kase), ==, kase->conversation_deadline);
}

static void
test_case_sharing_without_consent_needs_reasoning (void)
{
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(GError) error = NULL;
  KtConsent *consent = kt_consent_new ();

  g_ptr_array_add (kase->consents, kt_consent_new ());
  g_ptr_array_add (kase->consents, consent);
  g_assert_true (kt_case_check_consents (kase, NULL));

  consent->share_without_consent = TRUE;
  consent->reasoning = g_strdup ("  \n ");
  g_assert_false (kt_case_check_consents (kase, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSENT_REASONING_REQUIRED);
  g_assert_nonnull (strstr (error->message, "2"));

  g_free (consent->reasoning);
  consent->reasoning = g_strdup ("Acuut gevaar voor een kind.");
  g_assert_true (kt_case_check_consents (kase, NULL));
}

static void
test_case_copy_is_deep (void)
{
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(KtCase) copy = NULL;
  KtMember *member = kt_member_new ();
  KtNetworkPerson *person = kt_network_person_new ();

  member->name = g_strdup ("Anna");
  g_ptr_array_add (kase->members, member);
  person->name = g_strdup ("Buurvrouw");
  g_ptr_array_add (kase->network, person);
  kase->household = g_strdup ("Familie Jansen");

  copy = kt_case_copy (kase);
  g_assert_cmpstr (copy->header.id, ==, kase->header.id);
  g_assert_true (copy->header.id != kase->header.id);
  g_assert_cmpuint (copy->members->len, ==, 1);
  g_assert_true (g_ptr_array_index (copy->members, 0) != (gpointer) member);
  g_assert_cmpstr (((KtMember *) g_ptr_array_index (copy->members, 0))->name, ==, "Anna");
  g_assert_true (kt_case_find_person (copy, person->id) != person);
  g_assert_nonnull (kt_case_find_person (copy, person->id));
  g_assert_null (kt_case_find_person (copy, "nobody"));

  /* Refcounting keeps the copy alive independently. */
  kt_case_unref (kt_case_ref (copy));
  g_assert_cmpstr (copy->household, ==, "Familie Jansen");
}

static void
test_case_enum_strings_round_trip (void)
{
  for (guint i = 0; i < KT_N_PHASES; i++)
    {
      KtPhase phase;

      g_assert_true (kt_phase_from_string (kt_phase_to_string (i), &phase));
      g_assert_cmpint (phase, ==, i);
      g_assert_nonnull (kt_phase_get_label (i));
    }
  g_assert_cmpstr (kt_phase_to_string (KT_PHASE_REGISTERED), ==, "registered");
  g_assert_cmpstr (kt_network_kind_to_string (KT_NETWORK_INFORMAL), ==, "informal");
  g_assert_cmpstr (kt_form_to_string (KT_FORM_SPOKEN), ==, "spoken");
  g_assert_cmpstr (kt_segment_to_string (KT_SEGMENT_WERK), ==, "werk");
  g_assert_cmpstr (kt_ring_to_string (KT_RING_PROFESSIONALS), ==, "professionals");
  g_assert_cmpstr (kt_review_state_to_string (KT_REVIEW_RETURNED), ==, "returned");
  g_assert_cmpstr (kt_domain_state_to_string (KT_DOMAIN_DISCUSSED), ==, "discussed");
  g_assert_cmpstr (kt_helper_to_string (KT_HELPER_VOLUNTEERS), ==, "volunteers");
  g_assert_null (kt_helper_to_string (KT_HELPER_SELF | KT_HELPER_NETWORK));
  g_assert_false (kt_phase_from_string ("Registered", &(KtPhase) { 0 }));
  g_assert_false (kt_phase_from_string (NULL, &(KtPhase) { 0 }));
  g_assert_null (kt_phase_to_string (KT_N_PHASES));
}

static KtConversation *
conversation_with (const char * const *domains)
{
  KtConversation *conversation = kt_conversation_new ();

  for (guint i = 0; domains[i] != NULL; i++)
    g_ptr_array_add (conversation->entries, kt_domain_entry_new (domains[i]));
  return conversation;
}

static void
test_conversation_complete_refused_with_untouched_domain (void)
{
  const char *domains[] = { "geldzaken", "wonen", "veiligheid", NULL };
  g_autoptr(KtConversation) conversation = conversation_with (domains);
  g_autoptr(GError) error = NULL;
  guint discussed, skipped, not_yet;

  kt_conversation_find_entry (conversation, "geldzaken")->state = KT_DOMAIN_DISCUSSED;
  kt_conversation_find_entry (conversation, "veiligheid")->state = KT_DOMAIN_DISCUSSED;
  kt_conversation_count (conversation, &discussed, &skipped, &not_yet);
  g_assert_cmpuint (discussed, ==, 2);
  g_assert_cmpuint (skipped, ==, 0);
  g_assert_cmpuint (not_yet, ==, 1);

  g_assert_false (kt_conversation_complete (conversation, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE);
  g_assert_nonnull (strstr (error->message, "wonen"));
  g_assert_null (strstr (error->message, "geldzaken"));
  g_assert_false (conversation->complete);
  g_clear_error (&error);

  g_assert_true (kt_conversation_skip (conversation, "wonen", "Woont bij haar dochter", NULL));
  kt_conversation_count (conversation, &discussed, &skipped, &not_yet);
  g_assert_cmpuint (skipped, ==, 1);
  g_assert_cmpuint (not_yet, ==, 0);
  g_assert_true (kt_conversation_complete (conversation, &error));
  g_assert_no_error (error);
  g_assert_true (conversation->complete);
}

static void
test_conversation_complete_needs_safety_checks_and_entries (void)
{
  const char *domains[] = { "veiligheid", NULL };
  g_autoptr(KtConversation) empty = kt_conversation_new ();
  g_autoptr(KtConversation) conversation = conversation_with (domains);
  g_autoptr(GError) error = NULL;
  KtSafetyCheck *check = kt_safety_check_new ("child");

  g_assert_false (kt_conversation_complete (empty, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE);
  g_clear_error (&error);

  kt_conversation_find_entry (conversation, "veiligheid")->state = KT_DOMAIN_DISCUSSED;
  g_ptr_array_add (conversation->safety_checks, check);
  g_assert_false (kt_conversation_complete (conversation, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE);
  check->checked = TRUE;
  g_assert_true (kt_conversation_complete (conversation, NULL));
}

/* "Gaat goed, niets te bespreken" (issue 16): discussed in one tap, kept
 * through the codec; never for the safety domain. */
static void
test_conversation_nothing_to_discuss (void)
{
  const char *domains[] = { "geldzaken", "wonen", "veiligheid", NULL };
  g_autoptr(KtConversation) conversation = conversation_with (domains);
  g_autoptr(KtConversation) decoded = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GError) error = NULL;
  KtDomainEntry *housing = kt_conversation_find_entry (conversation, "wonen");
  guint discussed = 0, skipped = 0, not_yet = 0;

  g_assert_false (kt_conversation_mark_nothing_to_discuss (conversation, "veiligheid", &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_SAFETY_NOT_SKIPPABLE);
  g_assert_cmpint (kt_conversation_find_entry (conversation, "veiligheid")->state, ==, KT_DOMAIN_NOT_YET);
  g_assert_false (kt_conversation_find_entry (conversation, "veiligheid")->nothing_to_discuss);
  g_clear_error (&error);
  g_assert_false (kt_conversation_mark_nothing_to_discuss (conversation, "opvoeding", &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_UNKNOWN_DOMAIN);
  g_clear_error (&error);

  g_assert_true (kt_conversation_skip (conversation, "wonen", "Later", NULL));
  g_assert_true (kt_conversation_mark_nothing_to_discuss (conversation, "wonen", &error));
  g_assert_no_error (error);
  g_assert_cmpint (housing->state, ==, KT_DOMAIN_DISCUSSED);
  g_assert_true (housing->nothing_to_discuss);
  g_assert_null (housing->skip_reason);
  kt_conversation_count (conversation, &discussed, &skipped, &not_yet);
  g_assert_cmpuint (discussed, ==, 1);

  conversation->case_id = kt_uuid_new ();
  json = kt_conversation_encode (conversation);
  decoded = kt_conversation_decode (json, &error);
  g_assert_no_error (error);
  g_assert_true (kt_conversation_find_entry (decoded, "wonen")->nothing_to_discuss);
  g_assert_true (kt_conversation_equal (conversation, decoded));
  kt_conversation_find_entry (decoded, "wonen")->nothing_to_discuss = FALSE;
  g_assert_false (kt_conversation_equal (conversation, decoded));

  /* Skipping after all takes the mark away. */
  g_assert_true (kt_conversation_skip (conversation, "wonen", "Toch later", NULL));
  g_assert_false (housing->nothing_to_discuss);
}

static void
test_conversation_skip_rules (void)
{
  const char *domains[] = { "geldzaken", "veiligheid", NULL };
  g_autoptr(KtConversation) conversation = conversation_with (domains);
  g_autoptr(GError) error = NULL;

  g_assert_false (kt_conversation_skip (conversation, "veiligheid", "Geen tijd", &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_SAFETY_NOT_SKIPPABLE);
  g_assert_cmpint (kt_conversation_find_entry (conversation, "veiligheid")->state, ==, KT_DOMAIN_NOT_YET);
  g_clear_error (&error);

  g_assert_false (kt_conversation_skip (conversation, "geldzaken", NULL, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_false (kt_conversation_skip (conversation, "geldzaken", " \t", &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_cmpint (kt_conversation_find_entry (conversation, "geldzaken")->state, ==, KT_DOMAIN_NOT_YET);

  g_assert_false (kt_conversation_skip (conversation, "opvoeding", "Geen kinderen", &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_UNKNOWN_DOMAIN);
  g_clear_error (&error);

  g_assert_true (kt_conversation_skip (conversation, "geldzaken", "Loopt via bewindvoerder", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kt_conversation_find_entry (conversation, "geldzaken")->skip_reason, ==,
                   "Loopt via bewindvoerder");
}

static void
test_conversation_safety_flag_and_copy (void)
{
  const char *domains[] = { "geldzaken", "middelen", NULL };
  g_autoptr(KtConversation) conversation = conversation_with (domains);
  g_autoptr(KtConversation) copy = NULL;
  KtSafetyCheck *check = kt_safety_check_new ("m1");

  g_assert_false (kt_conversation_has_safety_flag (conversation));
  g_ptr_array_add (conversation->safety_checks, check);
  check->concern = TRUE;
  g_assert_true (kt_conversation_has_safety_flag (conversation));
  check->concern = FALSE;
  kt_conversation_find_entry (conversation, "middelen")->safety_flag = TRUE;
  g_assert_true (kt_conversation_has_safety_flag (conversation));

  for (guint i = 0; i < KT_N_SEGMENTS; i++)
    g_assert_cmpint (conversation->wheel[i].current, ==, KT_WHEEL_UNSET);
  g_ptr_array_add (conversation->wheel[KT_SEGMENT_SOCIAAL].supporters,
                   kt_supporter_new (KT_SUPPORTER_SELF, KT_RING_OWN));
  conversation->wheel[KT_SEGMENT_SOCIAAL].current = 2;

  copy = kt_conversation_copy (conversation);
  g_assert_true (kt_conversation_has_safety_flag (copy));
  g_assert_cmpint (copy->wheel[KT_SEGMENT_SOCIAAL].current, ==, 2);
  g_assert_cmpuint (copy->wheel[KT_SEGMENT_SOCIAAL].supporters->len, ==, 1);
  g_assert_true (copy->wheel[KT_SEGMENT_SOCIAAL].supporters != conversation->wheel[KT_SEGMENT_SOCIAAL].supporters);
}

static void
test_plan_validation (void)
{
  g_autoptr(KtPlan) plan = kt_plan_new ();
  g_autoptr(GError) error = NULL;
  KtProvision *provision = kt_provision_new ();

  g_assert_cmpint (plan->version, ==, 1);
  g_assert_cmpint (plan->review, ==, KT_REVIEW_DRAFT);
  g_assert_true (kt_plan_validate (plan, NULL));

  plan->safety_required = TRUE;
  g_assert_false (kt_plan_validate (plan, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_SAFETY_PLAN_REQUIRED);
  g_clear_error (&error);
  plan->safety.risks = g_strdup ("Ruzie bij drankgebruik");
  plan->safety.agreements = g_strdup ("Kinderen slapen bij oma bij ruzie");
  g_assert_false (kt_plan_validate (plan, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_SAFETY_PLAN_REQUIRED);
  g_clear_error (&error);
  plan->safety.who_watches = g_strdup ("De wijkcoach");
  g_assert_true (kt_plan_validate (plan, NULL));

  g_ptr_array_add (plan->provisions, kt_provision_new ());
  g_ptr_array_add (plan->provisions, provision);
  g_assert_true (kt_plan_validate (plan, NULL));
  provision->tailored = TRUE;
  provision->acceptable = g_strdup ("Ja");
  provision->cost_reasonable = g_strdup ("Ja");
  provision->standard_offer = g_strdup ("Algemene voorziening in de wijk");
  g_assert_false (kt_plan_validate (plan, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED);
  g_assert_nonnull (strstr (error->message, "2"));
  g_clear_error (&error);
  provision->own_options = g_strdup ("Dochter doet boodschappen");
  g_assert_true (kt_plan_validate (plan, NULL));
}

static void
test_plan_submitted_is_locked (void)
{
  g_autoptr(KtPlan) plan = kt_plan_new ();
  g_autoptr(KtPlan) next = NULL;
  g_autoptr(GError) error = NULL;

  plan->safety_required = TRUE;
  g_assert_false (kt_plan_submit (plan, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_SAFETY_PLAN_REQUIRED);
  g_assert_cmpint (plan->review, ==, KT_REVIEW_DRAFT);
  g_assert_false (kt_plan_is_locked (plan));
  g_clear_error (&error);

  plan->safety_required = FALSE;
  g_ptr_array_add (plan->agreement.signature, kt_stroke_new ());
  plan->agreement.state = KT_AGREEMENT_AGREED;
  g_assert_true (kt_plan_submit (plan, &error));
  g_assert_no_error (error);
  g_assert_cmpint (plan->review, ==, KT_REVIEW_SUBMITTED);
  g_assert_cmpint (plan->submitted_at, >, 0);
  g_assert_true (kt_plan_is_locked (plan));

  g_assert_false (kt_plan_submit (plan, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_LOCKED);
  g_clear_error (&error);

  plan->review = KT_REVIEW_APPROVED;
  g_assert_true (kt_plan_is_locked (plan));
  plan->review = KT_REVIEW_RETURNED;
  g_assert_false (kt_plan_is_locked (plan));

  g_ptr_array_add (plan->goals, kt_goal_new ());
  next = kt_plan_new_version (plan);
  g_assert_cmpint (next->version, ==, 2);
  g_assert_cmpint (next->review, ==, KT_REVIEW_DRAFT);
  g_assert_cmpstr (next->header.id, !=, plan->header.id);
  g_assert_cmpuint (next->goals->len, ==, 1);
  g_assert_cmpint (next->agreement.state, ==, KT_AGREEMENT_NONE);
  g_assert_cmpuint (next->agreement.signature->len, ==, 0);
  g_assert_false (kt_plan_is_locked (next));
}

int
main (int   argc,
      char *argv[])
{
  kt_core_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/case/new-has-id-and-empty-lists", test_case_new_has_id_and_empty_lists);
  g_test_add_func ("/model/case/deadlines-follow-request-date", test_case_deadlines_follow_request_date);
  g_test_add_func ("/model/case/own-plan-deadline-counts-while-running", test_case_own_plan_deadline_counts_while_running);
  g_test_add_func ("/model/case/sharing-without-consent-needs-reasoning", test_case_sharing_without_consent_needs_reasoning);
  g_test_add_func ("/model/case/copy-is-deep", test_case_copy_is_deep);
  g_test_add_func ("/model/enum-strings-round-trip", test_case_enum_strings_round_trip);
  g_test_add_func ("/model/conversation/complete-refused-with-untouched-domain", test_conversation_complete_refused_with_untouched_domain);
  g_test_add_func ("/model/conversation/complete-needs-safety-checks-and-entries", test_conversation_complete_needs_safety_checks_and_entries);
  g_test_add_func ("/model/conversation/skip-rules", test_conversation_skip_rules);
  g_test_add_func ("/model/conversation/nothing-to-discuss-counts-as-discussed-not-for-safety",
                   test_conversation_nothing_to_discuss);
  g_test_add_func ("/model/conversation/safety-flag-and-copy", test_conversation_safety_flag_and_copy);
  g_test_add_func ("/model/plan/validation", test_plan_validation);
  g_test_add_func ("/model/plan/submitted-is-locked", test_plan_submitted_is_locked);

  return g_test_run ();
}
