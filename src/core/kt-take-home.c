/* kt-take-home.c: what of a household's documents may go home with the resident
 *
 * An allow-list, field by field: every copy starts empty and only the fields
 * named here are filled in.  A new field in the model stays out of the
 * resident's report until someone adds it here on purpose.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-take-home"

#include "config.h"

#include "kt-take-home.h"

/* @text without surrounding space, case-folded, for comparing names
 * (transfer full). */
static char *
fold_name (const char *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  return g_utf8_casefold (trimmed, -1);
}

/* The parties that received information without the resident's consent:
 * the person the resident may fear must not read who was told. */
static GPtrArray *
withheld_parties (const KtCase *kase)
{
  GPtrArray *parties = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; kase->consents != NULL && i < kase->consents->len; i++)
    {
      const KtConsent *consent = g_ptr_array_index (kase->consents, i);

      if (consent->share_without_consent && !kt_text_is_blank (consent->party))
        g_ptr_array_add (parties, fold_name (consent->party));
    }
  return parties;
}

static gboolean
names_withheld_party (GPtrArray  *parties,
                      const char *text)
{
  g_autofree char *folded = NULL;

  if (kt_text_is_blank (text))
    return FALSE;
  folded = fold_name (text);
  for (guint i = 0; i < parties->len; i++)
    if (g_strcmp0 (folded, g_ptr_array_index (parties, i)) == 0)
      return TRUE;
  return FALSE;
}

/* Withheld too: someone the household does not want approached or who does
 * not know of the help ("niet benaderen", "weet hier niet van"). */
static gboolean
person_withheld (GPtrArray             *parties,
                 const KtNetworkPerson *person)
{
  return !kt_network_person_may_print (person) ||
         names_withheld_party (parties, person->name) ||
         names_withheld_party (parties, person->organisation);
}

/* A reference to someone (a network person id, "coach" or a name) that may
 * go home: NULL when it points at a withheld party (transfer full). */
static char *
take_home_reference (const KtCase *kase,
                     GPtrArray    *parties,
                     const char   *who)
{
  const KtNetworkPerson *person;

  if (who == NULL)
    return NULL;
  person = kt_case_find_person (kase, who);
  if (person != NULL ? person_withheld (parties, person) : names_withheld_party (parties, who))
    return NULL;
  return g_strdup (who);
}

KtCase *
kt_take_home_case (const KtCase *kase)
{
  g_autoptr(GPtrArray) parties = NULL;
  KtCase *copy;

  g_return_val_if_fail (kase != NULL, NULL);

  parties = withheld_parties (kase);
  copy = kt_case_new ();
  copy->household = g_strdup (kase->household);
  copy->request.question = g_strdup (kase->request.question);
  copy->coach = g_strdup (kase->coach);
  copy->phase = kase->phase;
  copy->easy_read = kase->easy_read;
  copy->evaluation_date = g_strdup (kase->evaluation_date);
  copy->follow_up_date = g_strdup (kase->follow_up_date);
  /* When the municipality must decide on maatwerk: the resident's to know. */
  copy->decision_deadline = g_strdup (kase->decision_deadline);
  copy->lead_id = take_home_reference (kase, parties, kase->lead_id);
  if (copy->lead_id != NULL)
    {
      copy->lead_reason = g_strdup (kase->lead_reason);
      copy->lead_agreed = kase->lead_agreed;
    }

  /* Members by name only: the report puts each one's own goals and words
   * under their name. */
  for (guint i = 0; i < kase->members->len; i++)
    {
      const KtMember *member = g_ptr_array_index (kase->members, i);
      KtMember *kept = kt_member_new ();

      g_free (kept->id);
      kept->id = g_strdup (member->id);
      kept->name = g_strdup (member->name);
      g_ptr_array_add (copy->members, kept);
    }
  copy->contact_person_id = take_home_reference (kase, parties, kase->contact_person_id);
  copy->evaluator_id = take_home_reference (kase, parties, kase->evaluator_id);

  for (guint i = 0; i < kase->network->len; i++)
    {
      const KtNetworkPerson *person = g_ptr_array_index (kase->network, i);
      KtNetworkPerson *kept;

      if (person_withheld (parties, person))
        continue;
      kept = kt_network_person_new ();
      g_free (kept->id);
      kept->id = g_strdup (person->id);
      kept->name = g_strdup (person->name);
      kept->kind = person->kind;
      kept->organisation = g_strdup (person->organisation);
      kept->contact = g_strdup (person->contact);
      g_ptr_array_add (copy->network, kept);
    }

  for (guint i = 0; i < kase->consents->len; i++)
    {
      const KtConsent *consent = g_ptr_array_index (kase->consents, i);
      KtConsent *kept;

      /* Never a share without consent, nor anything else about that party. */
      if (consent->share_without_consent || names_withheld_party (parties, consent->party))
        continue;
      kept = kt_consent_new ();
      kept->purpose = g_strdup (consent->purpose);
      kept->party = g_strdup (consent->party);
      kept->status = consent->status;
      kept->date = g_strdup (consent->date);
      kept->form = consent->form;
      g_ptr_array_add (copy->consents, kept);
    }
  return copy;
}

/* Veiligheid, and every domain flagged for safety, is "discussed" and no more. */
static gboolean
is_safety_domain (const KtConversation *conversation,
                  const char           *domain_id)
{
  const KtDomainEntry *entry;

  if (g_strcmp0 (domain_id, KT_SAFETY_DOMAIN_ID) == 0)
    return TRUE;
  entry = conversation != NULL ? kt_conversation_find_entry (conversation, domain_id) : NULL;
  return entry != NULL && entry->safety_flag;
}

KtConversation *
kt_take_home_conversation (const KtCase         *kase,
                           const KtConversation *conversation)
{
  g_autoptr(KtCase) people = NULL;
  KtConversation *copy;

  g_return_val_if_fail (kase != NULL, NULL);
  g_return_val_if_fail (conversation != NULL, NULL);

  people = kt_take_home_case (kase);
  copy = kt_conversation_new ();
  copy->case_id = g_strdup (conversation->case_id);
  copy->date = g_strdup (conversation->date);
  copy->catalogue_id = g_strdup (conversation->catalogue_id);
  copy->catalogue_version = conversation->catalogue_version;
  copy->own_words = g_strdup (conversation->own_words);
  copy->is_evaluation = conversation->is_evaluation;

  for (guint i = 0; i < conversation->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (conversation->entries, i);
      KtDomainEntry *kept = kt_domain_entry_new (entry->domain_id);

      kept->state = entry->state;
      kept->nothing_to_discuss = entry->nothing_to_discuss;
      if (entry->state == KT_DOMAIN_DISCUSSED && !is_safety_domain (conversation, entry->domain_id))
        {
          kept->going_well = g_strdup (entry->going_well);
          kept->wish = g_strdup (entry->wish);
          kept->about = g_strdupv (entry->about);
          for (guint v = 0; v < entry->voices->len; v++)
            {
              const KtMemberVoice *voice = g_ptr_array_index (entry->voices, v);
              KtMemberVoice *kept_voice = kt_member_voice_new (voice->member_id);

              kept_voice->words = g_strdup (voice->words);
              kept_voice->wish = g_strdup (voice->wish);
              g_ptr_array_add (kept->voices, kept_voice);
            }
        }
      g_ptr_array_add (copy->entries, kept);
    }

  for (guint s = 0; s < KT_N_SEGMENTS; s++)
    {
      const KtWheelSegment *segment = &conversation->wheel[s];

      copy->wheel[s].current = segment->current;
      copy->wheel[s].target = segment->target;
      copy->wheel[s].previous = segment->previous;
      for (guint i = 0; segment->supporters != NULL && i < segment->supporters->len; i++)
        {
          const KtSupporter *supporter = g_ptr_array_index (segment->supporters, i);

          if (g_strcmp0 (supporter->person_id, KT_SUPPORTER_SELF) == 0 ||
              kt_case_find_person (people, supporter->person_id) != NULL)
            g_ptr_array_add (copy->wheel[s].supporters,
                             kt_supporter_new (supporter->person_id, supporter->ring));
        }
    }
  /* Progress of goals that go home; which goals that are is the plan's call,
   * so a goal of a safety domain is left out by the report, not here. */
  for (guint i = 0; conversation->progress != NULL && i < conversation->progress->len; i++)
    {
      const KtGoalProgress *progress = g_ptr_array_index (conversation->progress, i);
      KtGoalProgress *kept = kt_goal_progress_new (progress->goal_id);

      kept->status = progress->status;
      kept->note = g_strdup (progress->note);
      g_ptr_array_add (copy->progress, kept);
    }
  /* The evaluation's new questions are the resident's own, bar those on a
   * safety domain; the agreement on it is theirs too. */
  for (guint i = 0; conversation->new_questions != NULL && i < conversation->new_questions->len; i++)
    {
      const KtNewQuestion *question = g_ptr_array_index (conversation->new_questions, i);
      KtNewQuestion *kept;

      if (is_safety_domain (conversation, question->domain_id))
        continue;
      kept = kt_new_question_new (question->domain_id);
      kept->note = g_strdup (question->note);
      kept->as_goal = question->as_goal;
      g_ptr_array_add (copy->new_questions, kept);
    }
  kt_agreement_copy (&copy->agreement, &conversation->agreement);
  return copy;
}

static gboolean
goal_is_about_safety (const KtConversation *conversation,
                      const KtGoal         *goal)
{
  for (guint i = 0; goal->domains != NULL && goal->domains[i] != NULL; i++)
    if (is_safety_domain (conversation, goal->domains[i]))
      return TRUE;
  return FALSE;
}

KtPlan *
kt_take_home_plan (const KtCase         *kase,
                   const KtConversation *conversation,
                   const KtPlan         *plan)
{
  g_autoptr(GPtrArray) parties = NULL;
  KtPlan *copy;

  g_return_val_if_fail (kase != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  parties = withheld_parties (kase);
  copy = kt_plan_new ();
  copy->case_id = g_strdup (plan->case_id);
  copy->version = plan->version;
  copy->review = plan->review;
  copy->question = g_strdup (plan->question);
  copy->legacy_case_lead = take_home_reference (kase, parties, plan->legacy_case_lead);
  copy->contact_person = take_home_reference (kase, parties, plan->contact_person);
  copy->evaluator = take_home_reference (kase, parties, plan->evaluator);

  for (guint g = 0; g < plan->goals->len; g++)
    {
      const KtGoal *goal = g_ptr_array_index (plan->goals, g);
      KtGoal *kept;

      if (goal_is_about_safety (conversation, goal))
        continue;
      kept = kt_goal_new ();
      g_free (kept->id);
      kept->id = g_strdup (goal->id);
      kept->title = g_strdup (goal->title);
      g_strfreev (kept->domains);
      kept->domains = g_strdupv (goal->domains);
      kept->segments = goal->segments;
      kept->members = g_strdupv (goal->members);
      kept->difference = g_strdup (goal->difference);
      kept->evaluation_date = g_strdup (goal->evaluation_date);
      kept->status = goal->status;
      for (guint a = 0; a < goal->actions->len; a++)
        {
          const KtAction *action = g_ptr_array_index (goal->actions, a);
          KtAction *kept_action = kt_action_new ();

          kept_action->what = g_strdup (action->what);
          kept_action->actor = action->actor;
          kept_action->who = take_home_reference (kase, parties, action->who);
          kept_action->due = g_strdup (action->due);
          kept_action->done = action->done;
          g_ptr_array_add (kept->actions, kept_action);
        }
      g_ptr_array_add (copy->goals, kept);
    }

  for (guint i = 0; i < plan->provisions->len; i++)
    {
      const KtProvision *provision = g_ptr_array_index (plan->provisions, i);
      KtProvision *kept = kt_provision_new ();

      kept->name = g_strdup (provision->name);
      kept->tailored = provision->tailored;
      /* The decision is the resident's own business; the considerations
       * behind it are the team's. */
      kept->legal_basis = provision->legal_basis;
      kept->request_date = g_strdup (provision->request_date);
      kept->decision_state = provision->decision_state;
      kept->decision_date = g_strdup (provision->decision_date);
      kept->decision = g_strdup (provision->decision);
      kept->valid_from = g_strdup (provision->valid_from);
      kept->until = g_strdup (provision->until);
      kept->delivery = provision->delivery;
      g_ptr_array_add (copy->provisions, kept);
    }

  copy->agreement.state = plan->agreement.state;
  copy->agreement.date = g_strdup (plan->agreement.date);
  copy->agreement.remarks = g_strdup (plan->agreement.remarks);
  copy->agreement.form = plan->agreement.form;
  for (guint i = 0; i < plan->agreement.signature->len; i++)
    {
      const KtStroke *stroke = g_ptr_array_index (plan->agreement.signature, i);
      KtStroke *kept = kt_stroke_new ();

      g_array_append_vals (kept->points, stroke->points->data, stroke->points->len);
      g_ptr_array_add (copy->agreement.signature, kept);
    }
  return copy;
}
