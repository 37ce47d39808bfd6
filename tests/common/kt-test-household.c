/* kt-test-household.c: a filled-in household for report, wheel and plan tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-test"

#include "config.h"

#include "kt-test-household.h"

static KtNetworkPerson *
add_person (KtCase        *kase,
            const char    *name,
            KtNetworkKind  kind,
            const char    *organisation,
            const char    *contact)
{
  KtNetworkPerson *person = kt_network_person_new ();

  g_free (person->name);
  person->name = g_strdup (name);
  person->kind = kind;
  person->organisation = g_strdup (organisation);
  person->contact = g_strdup (contact);
  g_ptr_array_add (kase->network, person);
  return person;
}

static KtAction *
add_action (KtGoal     *goal,
            const char *what,
            KtActor     actor,
            const char *who,
            const char *due)
{
  KtAction *action = kt_action_new ();

  action->what = g_strdup (what);
  action->actor = actor;
  action->who = g_strdup (who);
  action->due = g_strdup (due);
  g_ptr_array_add (goal->actions, action);
  return action;
}

static void
discuss (KtConversation *conversation,
         const char     *domain_id,
         const char     *going_well)
{
  KtDomainEntry *entry = kt_conversation_find_entry (conversation, domain_id);

  g_assert_nonnull (entry);
  entry->state = KT_DOMAIN_DISCUSSED;
  entry->going_well = g_strdup (going_well);
}

void
kt_test_household_new (KtCatalogue     *catalogue,
                       KtCase         **out_case,
                       KtConversation **out_conversation,
                       KtPlan         **out_plan)
{
  KtCase *kase;
  KtConversation *conversation;
  KtPlan *plan;
  KtNetworkPerson *ans, *voedselbank, *schuldhulp;
  KtGoal *goal;
  KtConsent *consent;
  KtStroke *stroke;
  g_autoptr(GError) error = NULL;

  kase = kt_case_new ();
  kase->household = g_strdup ("Familie Bakker");
  kase->coach = g_strdup ("Coach Karin");
  kase->request.question = g_strdup ("Ik wil weer rust in mijn hoofd over de rekeningen.");
  ans = add_person (kase, "Ans de Vries", KT_NETWORK_INFORMAL, NULL, "06 12345678");
  voedselbank = add_person (kase, "Voedselbank Noord", KT_NETWORK_VOLUNTEER, "Voedselbank", NULL);
  schuldhulp = add_person (kase, "Pieter Bos", KT_NETWORK_PROFESSIONAL, "Schuldhulp Stad", "020 7654321");
  kase->contact_person_id = g_strdup (schuldhulp->id);
  kase->lead_id = g_strdup ("coach");
  kase->evaluation_date = g_strdup ("2027-03-01");
  consent = kt_consent_new ();
  consent->purpose = g_strdup ("Gegevens delen over schulden");
  consent->party = g_strdup ("Schuldhulp Stad");
  consent->status = KT_CONSENT_GIVEN;
  consent->date = g_strdup ("2026-11-20");
  consent->form = KT_FORM_WRITTEN;
  g_ptr_array_add (kase->consents, consent);

  conversation = kt_catalogue_new_conversation (catalogue, kase->header.id);
  g_free (conversation->date);
  conversation->date = g_strdup ("2026-11-20");
  discuss (conversation, "geldzaken", "De vaste lasten worden betaald");
  discuss (conversation, "wonen", "Fijn huis met een tuin");
  discuss (conversation, "veiligheid", "Iedereen voelt zich veilig");
  g_assert_true (kt_conversation_skip (conversation, "justitie", "Niet aan de orde", &error));
  g_assert_no_error (error);
  {
    /* A skipped domain keeps what was typed before it was skipped: it must not show. */
    KtDomainEntry *skipped = kt_conversation_find_entry (conversation, "justitie");
    skipped->going_well = g_strdup ("ZICHTBAARALSBESPROKEN");
  }
  {
    const int now[KT_N_SEGMENTS] = { 3, 1, 2, 1, 2, 0 };
    const int wanted[KT_N_SEGMENTS] = { 4, 3, 3, 2, 3, 1 };

    for (int s = 0; s < KT_N_SEGMENTS; s++)
      {
        conversation->wheel[s].current = now[s];
        conversation->wheel[s].target = wanted[s];
      }
  }
  g_ptr_array_add (conversation->wheel[KT_SEGMENT_ZELFSTANDIG].supporters,
                   kt_supporter_new ("self", KT_RING_OWN));
  g_ptr_array_add (conversation->wheel[KT_SEGMENT_ZELFSTANDIG].supporters,
                   kt_supporter_new (schuldhulp->id, KT_RING_PROFESSIONALS));
  g_ptr_array_add (conversation->wheel[KT_SEGMENT_SOCIAAL].supporters,
                   kt_supporter_new (ans->id, KT_RING_NETWORK));
  g_ptr_array_add (conversation->wheel[KT_SEGMENT_SOCIAAL].supporters,
                   kt_supporter_new (voedselbank->id, KT_RING_VOLUNTEERS));
  g_ptr_array_add (conversation->wheel[KT_SEGMENT_DEELNEMEN].supporters,
                   kt_supporter_new (voedselbank->id, KT_RING_VOLUNTEERS));
  g_ptr_array_add (conversation->wheel[KT_SEGMENT_VAARDIGHEDEN].supporters,
                   kt_supporter_new ("self", KT_RING_OWN));

  plan = kt_plan_new ();
  plan->case_id = g_strdup (kase->header.id);
  plan->question = g_strdup ("Ik wil weer rust in mijn hoofd over de rekeningen.");
  goal = kt_goal_new ();
  goal->title = g_strdup ("Overzicht over de schulden");
  g_strfreev (goal->domains);
  goal->domains = g_strdupv ((char *[]) { (char *) "geldzaken", NULL });
  goal->difference = g_strdup ("Ik open de post weer zonder buikpijn");
  goal->evaluation_date = g_strdup ("2027-02-15");
  add_action (goal, "Alle brieven in een map doen", KT_ACTOR_RESIDENT, NULL, "2026-12-01");
  add_action (goal, "Samen de post openen", KT_ACTOR_NETWORK, ans->id, "2026-12-08");
  add_action (goal, "Aanmelden bij schuldhulp", KT_ACTOR_PROFESSIONAL, schuldhulp->id, "2026-12-15");
  g_ptr_array_add (plan->goals, goal);
  goal = kt_goal_new ();
  goal->title = g_strdup ("Elke week iemand spreken");
  goal->segments = 1u << KT_SEGMENT_SOCIAAL;
  goal->evaluation_date = g_strdup ("2027-01-20");
  add_action (goal, "Koffie drinken bij de inloop", KT_ACTOR_VOLUNTEER, voedselbank->id, "2026-12-10");
  g_ptr_array_add (plan->goals, goal);
  plan->agreement.state = KT_AGREEMENT_AGREED;
  plan->agreement.date = g_strdup ("2026-11-20");
  plan->agreement.form = KT_FORM_WRITTEN;
  plan->agreement.remarks = g_strdup ("Goed zo, als Ans meehelpt.");
  stroke = kt_stroke_new ();
  for (int i = 0; i <= 20; i++)
    {
      double x = i / 20.0, y = 0.5 + 0.3 * (i % 2 ? 1 : -1) * (1 - x);
      g_array_append_val (stroke->points, x);
      g_array_append_val (stroke->points, y);
    }
  g_ptr_array_add (plan->agreement.signature, stroke);

  *out_case = kase;
  *out_conversation = conversation;
  *out_plan = plan;
}
