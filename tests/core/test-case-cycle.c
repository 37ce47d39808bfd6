/* test-case-cycle.c: phases after the plan and the next thing due on a case
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kt-core.h"
#include "kt-store.h"
#include "kt-store-private.h"
#include "kt-test-household.h"

#define REQUEST_DATE "2027-01-04"

static KtCase *
new_case (KtUrgency urgency,
          gboolean  own_plan)
{
  KtCase *kase = kt_case_new ();

  kase->household = g_strdup ("Familie Test");
  kase->request.date = g_strdup (REQUEST_DATE);
  kase->request.urgency = urgency;
  kase->request.own_plan_wanted = own_plan;
  kase->coach = g_strdup ("demo");
  kt_case_compute_deadlines (kase, 42, 7);
  return kase;
}

static char *
day (int n)
{
  return kt_date_add_days (REQUEST_DATE, n);
}

static KtPlan *
plan_with_evaluation (int evaluation_day)
{
  KtPlan *plan = kt_plan_new ();
  KtGoal *goal = kt_goal_new ();
  KtAction *action = kt_action_new ();

  goal->title = g_strdup ("Rust in de geldzaken");
  goal->evaluation_date = day (evaluation_day);
  action->what = g_strdup ("Samen de post doornemen");
  g_ptr_array_add (goal->actions, action);
  g_ptr_array_add (plan->goals, goal);
  return plan;
}

/* The bug of issue 15: the conversation deadline stayed the deadline. */
static void
test_due_carried_out_plan_is_never_late (void)
{
  g_autoptr(KtCase) kase = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(KtPlan) plan = plan_with_evaluation (110);
  g_autofree char *agreed = day (20);

  /* Conversation on day 10, well in time; plan agreed on day 20. */
  kase->phase = KT_PHASE_PLAN;
  kt_case_start_support (kase, plan, KT_EVALUATION_DAYS, agreed);
  g_assert_cmpint (kase->phase, ==, KT_PHASE_SUPPORT);

  for (int n = 20; n <= 400; n++)
    {
      g_autofree char *today = day (n);
      KtDue due = kt_case_next_due (kase, today);
      gboolean overdue = TRUE;
      g_autofree char *text = kt_due_describe (due.kind, due.date, today, &overdue);

      g_assert_cmpint (due.kind, ==, KT_DUE_EVALUATION);
      g_assert_false (overdue);
      g_assert_nonnull (text);
      g_assert_null (strstr (text, "late"));
    }
  /* Once the agreed evaluation date has come it is due, not late. */
  {
    g_autofree char *today = day (111);
    KtDue due = kt_case_next_due (kase, today);
    g_autofree char *text = kt_due_describe (due.kind, due.date, today, NULL);

    g_assert_cmpstr (text, ==, "Evaluation: due now");
  }
}

static void
assert_due (KtCase     *kase,
            int         today_n,
            KtDueKind   kind,
            const char *text)
{
  g_autofree char *today = day (today_n);
  KtDue due = kt_case_next_due (kase, today);
  g_autofree char *described = kt_due_describe (due.kind, due.date, today, NULL);

  g_assert_cmpint (due.kind, ==, kind);
  g_assert_cmpstr (described, ==, text);
}

static void
test_due_each_phase_shows_its_own_date (void)
{
  g_autoptr(KtCase) kase = new_case (KT_URGENCY_NORMAL, TRUE);
  g_autoptr(KtPlan) plan = plan_with_evaluation (110);
  g_autoptr(GError) error = NULL;
  g_autofree char *agreed = day (30);
  g_autofree char *next = day (200);
  g_autofree char *closed = day (210);
  g_autofree char *follow_up = day (300);
  g_autofree char *checked = day (301);

  /* Aanmelding: the resident's own plan while its week runs, then the conversation. */
  assert_due (kase, 4, KT_DUE_OWN_PLAN, "Own plan: 3 days left");
  assert_due (kase, 7, KT_DUE_OWN_PLAN, "Own plan: due today");
  assert_due (kase, 8, KT_DUE_CONVERSATION, "Conversation: 34 days left");
  assert_due (kase, 44, KT_DUE_CONVERSATION, "Conversation: 2 days late");
  /* Gesprek held: the plan within the same term. */
  kase->phase = KT_PHASE_PLAN;
  assert_due (kase, 12, KT_DUE_PLAN, "Plan: 30 days left");
  /* Uitvoering: the evaluation date from the plan's goal. */
  kt_case_start_support (kase, plan, KT_EVALUATION_DAYS, agreed);
  assert_due (kase, 98, KT_DUE_EVALUATION, "Evaluation in 12 days");
  assert_due (kase, 110, KT_DUE_EVALUATION, "Evaluation today");
  /* Evaluatie, and on with a new evaluation date. */
  {
    g_autofree char *early = day (100);

    /* Held ten days before the planned date: due that day, not later. */
    kt_case_start_evaluation (kase, early);
    g_assert_cmpint (kase->phase, ==, KT_PHASE_EVALUATION);
    assert_due (kase, 100, KT_DUE_EVALUATION, "Evaluation today");
    assert_due (kase, 101, KT_DUE_EVALUATION, "Evaluation: due now");
  }
  g_assert_true (kt_case_continue_support (kase, next, &error));
  g_assert_no_error (error);
  assert_due (kase, 190, KT_DUE_EVALUATION, "Evaluation in 10 days");
  /* Afgesloten: the follow-up check, by its date. */
  g_assert_true (kt_case_close (kase, KT_CLOSE_GOALS_REACHED, NULL, "Het gaat goed.", follow_up,
                                "Wijkcoach demo", FALSE, closed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kase->phase, ==, KT_PHASE_CLOSED);
  g_assert_null (kase->evaluation_date);
  /* 2027-01-04 + 300 = 2027-10-31: this year, so no year. */
  assert_due (kase, 250, KT_DUE_FOLLOW_UP, "Follow-up check 31 October");
  assert_due (kase, 300, KT_DUE_FOLLOW_UP, "Follow-up check today");
  /* Nazorg: the check was held; nothing more is due. */
  g_assert_true (kt_case_record_follow_up (kase, "Gaat goed", NULL, checked, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kase->phase, ==, KT_PHASE_FOLLOW_UP);
  assert_due (kase, 302, KT_DUE_NONE, NULL);
  g_assert_null (kt_case_next_deadline (kase));
}

/* A title says "Gesprek: nog 3 dagen", not "Gesprek · Gesprek: nog 3
 * dagen"; a due of another step keeps the phase beside it. */
static void
test_due_names_its_own_phase (void)
{
  g_assert_true (kt_due_kind_names_phase (KT_DUE_CONVERSATION, KT_PHASE_CONVERSATION));
  g_assert_true (kt_due_kind_names_phase (KT_DUE_PLAN, KT_PHASE_PLAN));
  g_assert_true (kt_due_kind_names_phase (KT_DUE_EVALUATION, KT_PHASE_EVALUATION));
  g_assert_false (kt_due_kind_names_phase (KT_DUE_CONVERSATION, KT_PHASE_REGISTERED));
  g_assert_false (kt_due_kind_names_phase (KT_DUE_OWN_PLAN, KT_PHASE_CONVERSATION));
  g_assert_false (kt_due_kind_names_phase (KT_DUE_EVALUATION, KT_PHASE_SUPPORT));
  g_assert_false (kt_due_kind_names_phase (KT_DUE_DECISION, KT_PHASE_PLAN));
  g_assert_false (kt_due_kind_names_phase (KT_DUE_FOLLOW_UP, KT_PHASE_CLOSED));
  g_assert_false (kt_due_kind_names_phase (KT_DUE_NONE, KT_PHASE_FOLLOW_UP));
}

static void
test_due_urgency_sets_the_first_deadline_and_the_order (void)
{
  g_autoptr(KtCase) normal = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(KtCase) soon = new_case (KT_URGENCY_SOON, FALSE);
  g_autoptr(KtCase) urgent = new_case (KT_URGENCY_URGENT, FALSE);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  g_autofree char *today = day (0);

  g_assert_cmpstr (normal->conversation_deadline, ==, "2027-02-15");
  g_assert_cmpstr (soon->conversation_deadline, ==, "2027-01-11");
  g_assert_cmpstr (urgent->conversation_deadline, ==, REQUEST_DATE);
  assert_due (urgent, 0, KT_DUE_CONVERSATION, "Conversation: due today");
  assert_due (soon, 0, KT_DUE_CONVERSATION, "Conversation: 7 days left");

  /* The list sorts by the next date: the same request date, urgent first. */
  g_ptr_array_add (list, normal);
  g_ptr_array_add (list, soon);
  g_ptr_array_add (list, urgent);
  for (guint i = 0; i + 1 < list->len; i++)
    for (guint j = 0; j + 1 < list->len - i; j++)
      {
        KtCase *a = g_ptr_array_index (list, j), *b = g_ptr_array_index (list, j + 1);

        if (kt_due_compare_dates (kt_case_next_due (a, today).date, kt_case_next_due (b, today).date) > 0)
          {
            list->pdata[j] = b;
            list->pdata[j + 1] = a;
          }
      }
  g_assert_true (g_ptr_array_index (list, 0) == urgent);
  g_assert_true (g_ptr_array_index (list, 1) == soon);
  g_assert_true (g_ptr_array_index (list, 2) == normal);
  /* A case without a date goes last. */
  g_assert_cmpint (kt_due_compare_dates (NULL, "2027-01-01"), >, 0);
  g_assert_cmpint (kt_due_compare_dates ("2027-01-01", NULL), <, 0);
}

static void
test_close_safety_household_needs_follow_up (void)
{
  g_autoptr(KtCase) kase = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *closed = day (100);
  g_autofree char *follow_up = day (190);

  kase->phase = KT_PHASE_SUPPORT;
  g_assert_false (kt_case_close (kase, KT_CLOSE_RESIDENT_STOPS, NULL, NULL, NULL, NULL, TRUE, closed, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_FOLLOW_UP_REQUIRED);
  g_clear_error (&error);
  /* A date alone is not enough: someone has to keep in touch. */
  g_assert_false (kt_case_close (kase, KT_CLOSE_RESIDENT_STOPS, NULL, NULL, follow_up, "  ", TRUE, closed,
                                 &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_FOLLOW_UP_REQUIRED);
  g_clear_error (&error);
  g_assert_cmpint (kase->phase, ==, KT_PHASE_SUPPORT);
  g_assert_null (kase->closed_date);

  g_assert_true (kt_case_close (kase, KT_CLOSE_RESIDENT_STOPS, NULL, NULL, follow_up, "Buurtteam, Anouk",
                                TRUE, closed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kase->phase, ==, KT_PHASE_CLOSED);
  g_assert_cmpstr (kase->follow_up_date, ==, follow_up);
  g_assert_cmpstr (kase->follow_up_contact, ==, "Buurtteam, Anouk");
}

static void
test_close_needs_a_reason (void)
{
  g_autoptr(KtCase) kase = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_false (kt_case_close (kase, KT_CLOSE_NONE, NULL, NULL, NULL, NULL, FALSE, NULL, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_false (kt_case_close (kase, KT_CLOSE_OTHER, " ", NULL, NULL, NULL, FALSE, NULL, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  /* Without a safety flag a case may close without follow-up. */
  g_assert_true (kt_case_close (kase, KT_CLOSE_MOVED, NULL, NULL, NULL, NULL, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kt_case_next_due (kase, NULL).kind, ==, KT_DUE_NONE);
}

static void
test_reopen_keeps_the_household_story (void)
{
  g_autoptr(KtCase) kase = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(KtMember) member = kt_member_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *closed = day (100);
  g_autofree char *checked = day (190);
  g_autofree char *reopened = day (191);

  member->name = g_strdup ("Sanne");
  g_ptr_array_add (kase->members, g_steal_pointer (&member));
  g_assert_false (kt_case_reopen (kase, "Nieuwe vraag", reopened, 42, 7, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_WRONG_PHASE);
  g_clear_error (&error);

  g_assert_true (kt_case_close (kase, KT_CLOSE_GOALS_REACHED, NULL, NULL, checked, NULL, FALSE, closed, &error));
  g_assert_true (kt_case_record_follow_up (kase, "Een nieuwe vraag over school", NULL, checked, &error));
  g_assert_false (kt_case_reopen (kase, "", reopened, 42, 7, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE);
  g_clear_error (&error);
  g_assert_true (kt_case_reopen (kase, "Hulp bij school", reopened, 42, 7, &error));
  g_assert_no_error (error);

  g_assert_cmpint (kase->phase, ==, KT_PHASE_CONVERSATION);
  g_assert_cmpint (kase->reopened, ==, 1);
  g_assert_cmpstr (kase->request.date, ==, reopened);
  g_assert_cmpstr (kase->request.question, ==, "Hulp bij school");
  g_assert_cmpuint (kase->members->len, ==, 1);
  g_assert_cmpint (kase->close_reason, ==, KT_CLOSE_NONE);
  /* The follow-up check's note stays as part of the story. */
  g_assert_cmpstr (kase->follow_up_note, ==, "Een nieuwe vraag over school");
  assert_due (kase, 191, KT_DUE_CONVERSATION, "Conversation: 42 days left");
}

static void
test_codec_keeps_closing_and_ticked_off_actions (void)
{
  g_autoptr(KtCase) kase = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(KtPlan) plan = plan_with_evaluation (90);
  g_autoptr(KtCase) case_back = NULL;
  g_autoptr(KtPlan) plan_back = NULL;
  g_autoptr(GBytes) case_json = NULL;
  g_autoptr(GBytes) plan_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *follow_up = day (200);
  KtAction *action;

  g_assert_true (kt_case_close (kase, KT_CLOSE_OTHER, "Andere gemeente", "Fijn geholpen", follow_up,
                                "Anouk", FALSE, NULL, &error));
  case_json = kt_case_encode (kase);
  case_back = kt_case_decode (case_json, &error);
  g_assert_no_error (error);
  g_assert_true (kt_case_equal (kase, case_back));
  g_assert_cmpint (case_back->close_reason, ==, KT_CLOSE_OTHER);
  g_assert_cmpstr (case_back->close_words, ==, "Fijn geholpen");

  plan->case_id = g_strdup (kase->header.id);
  action = g_ptr_array_index (((KtGoal *) g_ptr_array_index (plan->goals, 0))->actions, 0);
  kt_action_tick_off (action, "2027-02-01", "Gedaan met de buurvrouw");
  plan_json = kt_plan_encode (plan);
  plan_back = kt_plan_decode (plan_json, &error);
  g_assert_no_error (error);
  g_assert_true (kt_plan_equal (plan, plan_back));
  action = g_ptr_array_index (((KtGoal *) g_ptr_array_index (plan_back->goals, 0))->actions, 0);
  g_assert_true (action->done);
  g_assert_cmpstr (action->done_date, ==, "2027-02-01");
  g_assert_cmpstr (action->done_note, ==, "Gedaan met de buurvrouw");
}

static void
test_summary_keeps_what_is_due (void)
{
  g_autoptr(KtCase) kase = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(KtPlan) plan = plan_with_evaluation (90);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) old = NULL;
  g_autoptr(KtCaseSummary) summary = NULL;
  g_autoptr(KtCaseSummary) old_summary = NULL;
  g_autoptr(GVariant) old_variant = NULL;

  kt_case_start_support (kase, plan, KT_EVALUATION_DAYS, NULL);
  bytes = kt_case_summary_encode (kase);
  summary = kt_case_summary_decode (kase->header.id, 1, bytes);
  g_assert_cmpint (summary->next_due, ==, KT_DUE_EVALUATION);
  g_assert_cmpstr (summary->next_deadline, ==, kase->evaluation_date);

  /* A summary written before the kinds: a bare date, kind from the phase. */
  old_variant = g_variant_ref_sink (g_variant_new ("(subs)", "Familie Test", (guint32) KT_PHASE_PLAN,
                                                  FALSE, "2027-02-15"));
  old = g_variant_get_data_as_bytes (old_variant);
  old_summary = kt_case_summary_decode (kase->header.id, 1, old);
  g_assert_cmpint (old_summary->next_due, ==, KT_DUE_PLAN);
  g_assert_cmpstr (old_summary->next_deadline, ==, "2027-02-15");
}

/* The evaluation and follow-up periods are settings: another value gives
 * another next due date. */
static void
test_due_follows_the_period_settings (void)
{
  g_autoptr(KtCase) usual = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(KtCase) shorter = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(KtPlan) plan = kt_plan_new ();
  g_autofree char *agreed = day (20);
  g_autofree char *in_90 = day (110);
  g_autofree char *in_30 = day (50);
  g_autofree char *three = NULL;
  g_autofree char *two = NULL;
  g_autofree char *end_of_month = NULL;

  /* No goal has its own evaluation date: the period decides. */
  kt_case_start_support (usual, plan, KT_EVALUATION_DAYS, agreed);
  kt_case_start_support (shorter, plan, 30, agreed);
  g_assert_cmpstr (kt_case_next_due (usual, agreed).date, ==, in_90);
  g_assert_cmpstr (kt_case_next_due (shorter, agreed).date, ==, in_30);

  three = kt_case_default_follow_up ("2027-01-04", KT_FOLLOW_UP_MONTHS);
  two = kt_case_default_follow_up ("2027-01-04", 2);
  end_of_month = kt_case_default_follow_up ("2027-01-31", 1);
  g_assert_cmpstr (three, ==, "2027-04-04");
  g_assert_cmpstr (two, ==, "2027-03-04");
  g_assert_cmpstr (end_of_month, ==, "2027-02-28");
}

static KtProvision *
maatwerk_request (KtLegalBasis basis,
                  int          request_day)
{
  KtProvision *provision = kt_provision_new ();

  provision->name = g_strdup ("Huishoudelijke hulp");
  provision->tailored = TRUE;
  provision->acceptable = g_strdup ("Past bij de wet en bij haar");
  provision->standard_offer = g_strdup ("Algemene huishoudelijke hulp via de wijkpost");
  provision->cost_reasonable = g_strdup ("Niet duurder dan het standaardaanbod");
  provision->own_options = g_strdup ("De zoon doet de boodschappen");
  provision->legal_basis = basis;
  provision->request_date = day (request_day);
  provision->decision_state = KT_DECISION_PENDING;
  return provision;
}

/* A maatwerk request's decision term shows in the next due like the other
 * terms, per legal basis, and goes away once decided. */
static void
test_due_maatwerk_decision_shows_its_term (void)
{
  g_autoptr(KtCase) kase = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(KtPlan) plan = plan_with_evaluation (110);
  const int terms[KT_N_LEGAL_BASES] = { 0, 14, 56, 56 };
  g_autofree char *agreed = day (20);
  g_autofree char *today = day (23);
  g_autofree char *later = day (40);
  g_autofree char *text = NULL;
  g_autofree char *late = NULL;
  KtProvision *provision = maatwerk_request (KT_LEGAL_BASIS_WMO, 20);
  gboolean overdue = FALSE;
  KtDue due;

  g_ptr_array_add (plan->provisions, provision);
  g_assert_true (kt_plan_validate (plan, NULL));
  kase->phase = KT_PHASE_PLAN;
  kt_case_start_support (kase, plan, KT_EVALUATION_DAYS, agreed);
  g_assert_true (kt_case_update_decision_deadline (kase, plan, terms));
  g_assert_false (kt_case_update_decision_deadline (kase, plan, terms));

  /* Requested on day 20 under the Wmo: decided by day 34, before the
   * evaluation on day 110. */
  due = kt_case_next_due (kase, today);
  g_assert_cmpint (due.kind, ==, KT_DUE_DECISION);
  text = kt_due_describe (due.kind, due.date, today, &overdue);
  g_assert_cmpstr (text, ==, "Tailored support decision: 11 days left");
  g_assert_false (overdue);
  late = kt_due_describe (due.kind, due.date, later, &overdue);
  g_assert_cmpstr (late, ==, "Tailored support decision: 6 days late");
  g_assert_true (overdue);

  /* Under the Jeugdwet the term is longer; a setting changes it. */
  provision->legal_basis = KT_LEGAL_BASIS_JEUGDWET;
  g_assert_true (kt_case_update_decision_deadline (kase, plan, terms));
  {
    g_autofree char *expected = day (20 + 56);

    g_assert_cmpstr (kase->decision_deadline, ==, expected);
  }
  /* Day 76 still comes before the evaluation on day 110. */
  g_assert_cmpint (kt_case_next_due (kase, today).kind, ==, KT_DUE_DECISION);

  /* Decided: the evaluation is next again. */
  provision->decision_state = KT_DECISION_GRANTED;
  provision->decision_date = day (30);
  g_assert_true (kt_plan_validate (plan, NULL));
  g_assert_true (kt_case_update_decision_deadline (kase, plan, terms));
  g_assert_null (kase->decision_deadline);
  g_assert_cmpint (kt_case_next_due (kase, today).kind, ==, KT_DUE_EVALUATION);
}

/* The decision is checked: a law and request date once requested, a date
 * once decided, not before the request, a period that does not end before
 * it starts; and the standard offer weighed against is named. */
static void
test_maatwerk_decision_is_validated (void)
{
  g_autoptr(KtPlan) plan = plan_with_evaluation (110);
  KtProvision *provision = maatwerk_request (KT_LEGAL_BASIS_NONE, 20);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (plan->provisions, provision);
  g_assert_false (kt_plan_validate (plan, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE);
  g_clear_error (&error);
  provision->legal_basis = KT_LEGAL_BASIS_PARTICIPATIEWET;
  g_assert_true (kt_plan_validate (plan, NULL));

  provision->decision_state = KT_DECISION_REFUSED;
  g_assert_false (kt_plan_validate (plan, &error));
  g_clear_error (&error);
  provision->decision_date = day (19);
  g_assert_false (kt_plan_validate (plan, &error));
  g_assert_nonnull (kt_provision_decision_date_problem (provision));
  g_assert_nonnull (strstr (error->message, kt_provision_decision_date_problem (provision)));
  g_clear_error (&error);
  g_free (provision->decision_date);
  provision->decision_date = day (25);
  g_assert_null (kt_provision_decision_date_problem (provision));
  g_assert_true (kt_plan_validate (plan, NULL));

  provision->decision_state = KT_DECISION_GRANTED;
  provision->valid_from = day (30);
  provision->until = day (29);
  g_assert_false (kt_plan_validate (plan, &error));
  g_assert_nonnull (kt_provision_period_problem (provision));
  g_assert_nonnull (strstr (error->message, kt_provision_period_problem (provision)));
  g_clear_error (&error);
  g_free (provision->until);
  provision->until = day (400);
  g_assert_null (kt_provision_period_problem (provision));
  g_assert_true (kt_plan_validate (plan, NULL));

  g_clear_pointer (&provision->standard_offer, g_free);
  g_assert_false (kt_plan_validate (plan, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED);
}

/* Every field of the decision survives the codec and counts for equality
 * (conflicts); a record from before the fields is read into them. */
static void
test_codec_keeps_the_maatwerk_decision (void)
{
  g_autoptr(KtPlan) plan = plan_with_evaluation (110);
  g_autoptr(KtPlan) back = NULL;
  g_autoptr(KtPlan) changed = NULL;
  g_autoptr(KtPlan) old = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GBytes) old_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCase) kase = new_case (KT_URGENCY_NORMAL, FALSE);
  g_autoptr(KtCase) case_back = NULL;
  g_autoptr(GBytes) case_json = NULL;
  KtProvision *provision = maatwerk_request (KT_LEGAL_BASIS_JEUGDWET, 20);
  KtProvision *read;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *old_provision;

  provision->decision_state = KT_DECISION_GRANTED;
  provision->decision_date = day (30);
  provision->decision = g_strdup ("Drie uur per week");
  provision->valid_from = day (31);
  provision->until = day (396);
  provision->delivery = KT_DELIVERY_PGB;
  g_ptr_array_add (plan->provisions, provision);
  plan->case_id = g_strdup (kase->header.id);

  json = kt_plan_encode (plan);
  back = kt_plan_decode (json, &error);
  g_assert_no_error (error);
  g_assert_true (kt_plan_equal (plan, back));
  read = g_ptr_array_index (back->provisions, 0);
  g_assert_cmpint (read->legal_basis, ==, KT_LEGAL_BASIS_JEUGDWET);
  g_assert_cmpint (read->decision_state, ==, KT_DECISION_GRANTED);
  g_assert_cmpint (read->delivery, ==, KT_DELIVERY_PGB);
  g_assert_cmpstr (read->standard_offer, ==, provision->standard_offer);
  g_assert_cmpstr (read->valid_from, ==, provision->valid_from);

  changed = kt_plan_copy (plan);
  ((KtProvision *) g_ptr_array_index (changed->provisions, 0))->delivery = KT_DELIVERY_IN_KIND;
  g_assert_false (kt_plan_equal (plan, changed));

  /* The old record: the decision as one line of text, no decision fields. */
  parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (json, NULL), g_bytes_get_size (json), NULL));
  old_provision = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "provisions"), 0);
  json_object_remove_member (old_provision, "decision_state");
  json_object_remove_member (old_provision, "legal_basis");
  json_object_set_string_member (old_provision, "decision", "Toegekend: 3 u/wk");
  text = json_to_string (json_parser_get_root (parser), FALSE);
  old_json = g_bytes_new (text, strlen (text));
  old = kt_plan_decode (old_json, &error);
  g_assert_no_error (error);
  read = g_ptr_array_index (old->provisions, 0);
  g_assert_cmpint (read->decision_state, ==, KT_DECISION_GRANTED);
  g_assert_cmpstr (read->decision, ==, "3 u/wk");
  g_assert_cmpint (read->legal_basis, ==, KT_LEGAL_BASIS_WMO);

  kase->decision_deadline = day (34);
  case_json = kt_case_encode (kase);
  case_back = kt_case_decode (case_json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (case_back->decision_deadline, ==, kase->decision_deadline);
  g_assert_true (kt_case_equal (kase, case_back));
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

  g_test_add_func ("/due/carried-out-plan-is-never-late", test_due_carried_out_plan_is_never_late);
  g_test_add_func ("/due/each-phase-shows-its-own-date", test_due_each_phase_shows_its_own_date);
  g_test_add_func ("/due/names-its-own-phase", test_due_names_its_own_phase);
  g_test_add_func ("/due/urgency-sets-the-first-deadline-and-the-order",
                   test_due_urgency_sets_the_first_deadline_and_the_order);
  g_test_add_func ("/close/safety-household-needs-follow-up", test_close_safety_household_needs_follow_up);
  g_test_add_func ("/close/needs-a-reason", test_close_needs_a_reason);
  g_test_add_func ("/reopen/keeps-the-household-story", test_reopen_keeps_the_household_story);
  g_test_add_func ("/codec/keeps-closing-and-ticked-off-actions", test_codec_keeps_closing_and_ticked_off_actions);
  g_test_add_func ("/summary/keeps-what-is-due", test_summary_keeps_what_is_due);
  g_test_add_func ("/due/follows-the-period-settings", test_due_follows_the_period_settings);
  g_test_add_func ("/due/maatwerk-decision-shows-its-term", test_due_maatwerk_decision_shows_its_term);
  g_test_add_func ("/maatwerk/decision-is-validated", test_maatwerk_decision_is_validated);
  g_test_add_func ("/codec/keeps-the-maatwerk-decision", test_codec_keeps_the_maatwerk_decision);
  return g_test_run ();
}
