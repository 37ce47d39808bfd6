/* kt-case.c: KtCase, one household and its request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-case"

#include "config.h"

#include "kt-case.h"
#include "kt-case-due.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kt-model-private.h"

G_DEFINE_BOXED_TYPE (KtCase, kt_case, kt_case_ref, kt_case_unref)

/* Members, consents and network persons */

KtMember *
kt_member_new (void)
{
  KtMember *member = g_new0 (KtMember, 1);

  member->id = kt_uuid_new ();
  return member;
}

void
kt_member_free (KtMember *member)
{
  if (member == NULL)
    return;
  g_free (member->id);
  g_free (member->name);
  g_free (member->relation);
  g_free (member);
}

gboolean
kt_member_is_child (const KtMember *member)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_return_val_if_fail (member != NULL, FALSE);

  if (member->birth_year > 0)
    return g_date_time_get_year (now) - member->birth_year < 18;
  return member->relation != NULL &&
         (g_str_has_prefix (member->relation, "kind") ||
          g_str_has_prefix (member->relation, "child") ||
          g_str_has_prefix (member->relation, "zoon") ||
          g_str_has_prefix (member->relation, "dochter"));
}

gboolean
kt_case_has_children (const KtCase *kase)
{
  g_return_val_if_fail (kase != NULL, FALSE);

  for (guint i = 0; kase->members != NULL && i < kase->members->len; i++)
    {
      if (kt_member_is_child (g_ptr_array_index (kase->members, i)))
        return TRUE;
    }
  return FALSE;
}

static gpointer
member_copy (gconstpointer src,
             gpointer      unused)
{
  const KtMember *m = src;
  KtMember *copy = g_new0 (KtMember, 1);

  copy->id = g_strdup (m->id);
  copy->name = g_strdup (m->name);
  copy->birth_year = m->birth_year;
  copy->relation = g_strdup (m->relation);
  return copy;
}

KtConsent *
kt_consent_new (void)
{
  KtConsent *consent = g_new0 (KtConsent, 1);

  consent->id = kt_uuid_new ();
  consent->status = KT_CONSENT_NOT_ASKED;
  consent->form = KT_FORM_SPOKEN;
  consent->events = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_consent_event_free);
  return consent;
}

KtConsentEvent *
kt_consent_event_new (void)
{
  KtConsentEvent *event = g_new0 (KtConsentEvent, 1);

  event->kind = KT_CONSENT_EVENT_ASKED;
  event->form = KT_FORM_SPOKEN;
  return event;
}

void
kt_consent_event_free (KtConsentEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->date);
  g_free (event->recorded_by);
  g_free (event);
}

static gpointer
consent_event_copy (gconstpointer src,
                    gpointer      unused)
{
  const KtConsentEvent *e = src;
  KtConsentEvent *copy = kt_consent_event_new ();

  copy->kind = e->kind;
  copy->date = g_strdup (e->date);
  copy->form = e->form;
  copy->recorded_by = g_strdup (e->recorded_by);
  return copy;
}

void
kt_consent_free (KtConsent *consent)
{
  if (consent == NULL)
    return;
  g_free (consent->id);
  g_free (consent->purpose);
  g_free (consent->party);
  g_free (consent->date);
  g_free (consent->reasoning);
  g_clear_pointer (&consent->events, g_ptr_array_unref);
  g_strfreev (consent->receivers);
  g_free (consent);
}

static gpointer
consent_copy (gconstpointer src,
              gpointer      unused)
{
  const KtConsent *c = src;
  KtConsent *copy = g_new0 (KtConsent, 1);

  copy->events = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_consent_event_free);
  if (c->events != NULL)
    g_ptr_array_extend (copy->events, c->events, consent_event_copy, NULL);
  copy->receivers = g_strdupv (c->receivers);
  copy->id = g_strdup (c->id);
  copy->purpose = g_strdup (c->purpose);
  copy->party = g_strdup (c->party);
  copy->status = c->status;
  copy->date = g_strdup (c->date);
  copy->form = c->form;
  copy->share_without_consent = c->share_without_consent;
  copy->reasoning = g_strdup (c->reasoning);
  return copy;
}

KtNetworkPerson *
kt_network_person_new (void)
{
  KtNetworkPerson *person = g_new0 (KtNetworkPerson, 1);

  person->id = kt_uuid_new ();
  person->kind = KT_NETWORK_INFORMAL;
  return person;
}

void
kt_network_person_free (KtNetworkPerson *person)
{
  if (person == NULL)
    return;
  g_free (person->id);
  g_free (person->name);
  g_free (person->relation);
  g_free (person->organisation);
  g_free (person->role);
  g_free (person->contact);
  g_free (person->frequency);
  g_free (person);
}

static gpointer
network_person_copy (gconstpointer src,
                     gpointer      unused)
{
  const KtNetworkPerson *p = src;
  KtNetworkPerson *copy = g_new0 (KtNetworkPerson, 1);

  copy->id = g_strdup (p->id);
  copy->name = g_strdup (p->name);
  copy->relation = g_strdup (p->relation);
  copy->kind = p->kind;
  copy->organisation = g_strdup (p->organisation);
  copy->role = g_strdup (p->role);
  copy->contact = g_strdup (p->contact);
  copy->frequency = g_strdup (p->frequency);
  copy->unaware = p->unaware;
  copy->no_contact = p->no_contact;
  return copy;
}

KtLeadKind
kt_case_get_lead_kind (const KtCase *self)
{
  const KtNetworkPerson *person;

  g_return_val_if_fail (self != NULL, KT_LEAD_NONE);

  if (self->lead_id == NULL || *self->lead_id == '\0')
    return KT_LEAD_NONE;
  if (g_strcmp0 (self->lead_id, KT_LEAD_RESIDENT) == 0)
    return KT_LEAD_KIND_RESIDENT;
  if (g_strcmp0 (self->lead_id, KT_LEAD_COACH) == 0)
    return KT_LEAD_KIND_PROFESSIONAL;
  for (guint i = 0; i < self->members->len; i++)
    {
      const KtMember *member = g_ptr_array_index (self->members, i);

      if (g_strcmp0 (member->id, self->lead_id) == 0)
        return KT_LEAD_KIND_RESIDENT;
    }
  person = kt_case_find_person (self, self->lead_id);
  if (person != NULL && person->kind == KT_NETWORK_PROFESSIONAL)
    return KT_LEAD_KIND_PROFESSIONAL;
  if (person != NULL)
    return KT_LEAD_KIND_NETWORK;
  /* A name typed in by hand, before the network map had the person. */
  return KT_LEAD_KIND_NETWORK;
}

gboolean
kt_case_check_lead (const KtCase *self,
                    GError      **error)
{
  KtLeadKind kind;

  g_return_val_if_fail (self != NULL, FALSE);

  kind = kt_case_get_lead_kind (self);
  if (kind != KT_LEAD_NONE && kind != KT_LEAD_KIND_RESIDENT && kt_text_is_blank (self->lead_reason))
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED,
                           _("Say why the resident does not lead the plan now."));
      return FALSE;
    }
  return TRUE;
}

gboolean
kt_case_set_stuck (KtCase      *self,
                   gboolean     stuck,
                   const char  *reason,
                   const char  *date,
                   GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (stuck && kt_text_is_blank (reason))
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED,
                           _("Say why the plan is stuck, so the supervisor can help."));
      return FALSE;
    }
  self->stuck = stuck != FALSE;
  g_free (self->stuck_reason);
  self->stuck_reason = stuck ? g_strdup (reason) : NULL;
  g_free (self->stuck_date);
  self->stuck_date = stuck ? g_strdup (date) : NULL;
  return TRUE;
}

gboolean
kt_network_person_may_suggest (const KtNetworkPerson *person)
{
  g_return_val_if_fail (person != NULL, FALSE);

  return !person->no_contact;
}

gboolean
kt_network_person_may_print (const KtNetworkPerson *person)
{
  g_return_val_if_fail (person != NULL, FALSE);

  return !person->no_contact && !person->unaware;
}

/* The case */

static KtCase *
case_alloc (void)
{
  KtCase *self = g_atomic_rc_box_new0 (KtCase);

  self->header.kind = KT_KIND_CASE;
  self->members = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_member_free);
  self->consents = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_consent_free);
  self->network = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_network_person_free);
  return self;
}

KtCase *
kt_case_new (void)
{
  KtCase *self = case_alloc ();

  self->header.id = kt_uuid_new ();
  self->header.rev = 0;
  self->header.created = self->header.updated = kt_now_seconds ();
  self->request.channel = KT_CHANNEL_PHONE;
  self->request.urgency = KT_URGENCY_NORMAL;
  self->phase = KT_PHASE_REGISTERED;
  return self;
}

static void
case_clear (KtCase *self)
{
  g_free (self->header.id);
  g_free (self->household);
  g_clear_pointer (&self->members, g_ptr_array_unref);
  g_free (self->address);
  g_free (self->phone);
  g_free (self->email);
  g_free (self->request.date);
  g_free (self->request.question);
  g_free (self->request.intaker);
  g_free (self->request.safety_note);
  g_free (self->request.own_strength);
  g_clear_pointer (&self->consents, g_ptr_array_unref);
  g_clear_pointer (&self->network, g_ptr_array_unref);
  g_free (self->team);
  g_free (self->coach);
  g_free (self->lead_id);
  g_free (self->lead_reason);
  g_free (self->stuck_reason);
  g_free (self->stuck_date);
  g_free (self->contact_person_id);
  g_free (self->evaluator_id);
  g_free (self->conversation_deadline);
  g_free (self->own_plan_deadline);
  g_free (self->evaluation_date);
  g_free (self->follow_up_date);
  g_free (self->decision_deadline);
  g_free (self->close_note);
  g_free (self->close_words);
  g_free (self->closed_date);
  g_free (self->follow_up_contact);
  g_free (self->follow_up_checked);
  g_free (self->follow_up_note);
  g_free (self->desk_note);
}

KtCase *
kt_case_ref (KtCase *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
kt_case_unref (KtCase *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) case_clear);
}

KtCase *
kt_case_copy (const KtCase *self)
{
  KtCase *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = case_alloc ();
  copy->header = self->header;
  copy->header.id = g_strdup (self->header.id);
  copy->household = g_strdup (self->household);
  g_ptr_array_extend (copy->members, self->members, member_copy, NULL);
  copy->address = g_strdup (self->address);
  copy->phone = g_strdup (self->phone);
  copy->email = g_strdup (self->email);
  copy->request = self->request;
  copy->request.date = g_strdup (self->request.date);
  copy->request.question = g_strdup (self->request.question);
  copy->request.intaker = g_strdup (self->request.intaker);
  copy->request.safety_note = g_strdup (self->request.safety_note);
  copy->request.own_strength = g_strdup (self->request.own_strength);
  g_ptr_array_extend (copy->consents, self->consents, consent_copy, NULL);
  g_ptr_array_extend (copy->network, self->network, network_person_copy, NULL);
  copy->team = g_strdup (self->team);
  copy->coach = g_strdup (self->coach);
  copy->lead_id = g_strdup (self->lead_id);
  copy->lead_reason = g_strdup (self->lead_reason);
  copy->lead_agreed = self->lead_agreed;
  copy->stuck = self->stuck;
  copy->stuck_reason = g_strdup (self->stuck_reason);
  copy->stuck_date = g_strdup (self->stuck_date);
  copy->contact_person_id = g_strdup (self->contact_person_id);
  copy->evaluator_id = g_strdup (self->evaluator_id);
  copy->phase = self->phase;
  copy->conversation_deadline = g_strdup (self->conversation_deadline);
  copy->own_plan_deadline = g_strdup (self->own_plan_deadline);
  copy->evaluation_date = g_strdup (self->evaluation_date);
  copy->follow_up_date = g_strdup (self->follow_up_date);
  copy->decision_deadline = g_strdup (self->decision_deadline);
  copy->close_reason = self->close_reason;
  copy->close_note = g_strdup (self->close_note);
  copy->close_words = g_strdup (self->close_words);
  copy->closed_date = g_strdup (self->closed_date);
  copy->follow_up_contact = g_strdup (self->follow_up_contact);
  copy->follow_up_checked = g_strdup (self->follow_up_checked);
  copy->follow_up_note = g_strdup (self->follow_up_note);
  copy->reopened = self->reopened;
  copy->solved_at_desk = self->solved_at_desk;
  copy->easy_read = self->easy_read;
  copy->desk_note = g_strdup (self->desk_note);
  return copy;
}

/* Rules */

void
kt_case_compute_deadlines (KtCase *self,
                           int     conversation_days,
                           int     own_plan_days)
{
  g_return_if_fail (self != NULL);

  g_free (self->conversation_deadline);
  g_free (self->own_plan_deadline);
  /* Both are NULL when the request date is unset or invalid. */
  /* Urgency from the intake sets the first deadline: an urgent request the
   * same day, one "within days" this week, a normal one the term from the
   * settings; never later than that term. */
  if (self->request.urgency == KT_URGENCY_URGENT)
    conversation_days = MIN (conversation_days, KT_URGENT_DAYS);
  else if (self->request.urgency == KT_URGENCY_SOON)
    conversation_days = MIN (conversation_days, KT_SOON_DAYS);
  self->conversation_deadline = kt_date_add_days (self->request.date, conversation_days);
  self->own_plan_deadline = kt_date_add_days (self->request.date, own_plan_days);
}

const char *
kt_case_next_deadline (const KtCase *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return kt_case_next_due (self, NULL).date;
}

gboolean
kt_case_check_consents (const KtCase *self,
                        GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->consents->len; i++)
    {
      const KtConsent *consent = g_ptr_array_index (self->consents, i);

      if (consent->share_without_consent && kt_text_is_blank (consent->reasoning))
        {
          g_set_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSENT_REASONING_REQUIRED,
                       _("Consent record %u shares data without consent: write down why that is lawful."),
                       i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

KtNetworkPerson *
kt_case_find_person (const KtCase *self,
                     const char   *person_id)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; person_id != NULL && i < self->network->len; i++)
    {
      KtNetworkPerson *person = g_ptr_array_index (self->network, i);

      if (g_strcmp0 (person->id, person_id) == 0)
        return person;
    }
  return NULL;
}

/* Enum names and labels */

const char * const kt_phase_names[KT_N_PHASES] = {
  "registered", "conversation", "plan", "support", "evaluation", "closed", "follow_up",
};
static const char * const phase_labels[KT_N_PHASES] = {
  N_("Registered"), N_("Conversation"), N_("Plan"), N_("Support"),
  N_("Evaluation"), N_("Closed"), N_("Follow-up"),
};
KT_ENUM_NAMES (KtPhase, kt_phase, kt_phase_names, KT_N_PHASES)

const char * const kt_close_reason_names[KT_N_CLOSE_REASONS] = {
  "none", "goals_reached", "general_provision", "specialist", "resident_stops", "moved", "other",
};
static const char * const close_reason_labels[KT_N_CLOSE_REASONS] = {
  N_("Not closed"), N_("Goals reached"), N_("On to a general provision"),
  N_("Handed over to specialist help"), N_("The resident wants to stop"), N_("Moved"), N_("Other"),
};
KT_ENUM_NAMES (KtCloseReason, kt_close_reason, kt_close_reason_names, KT_N_CLOSE_REASONS)

const char *
kt_close_reason_get_label (KtCloseReason reason)
{
  return kt_enum_to_label (close_reason_labels, KT_N_CLOSE_REASONS, reason);
}

const char * const kt_channel_names[KT_N_CHANNELS] = {
  "phone", "desk", "email", "referral", "other",
};
/* As the intaker and the coach both pick it: one set of words for one
 * question ("Hoe de vraag binnenkwam"). */
static const char * const channel_labels[KT_N_CHANNELS] = {
  N_("By phone"), N_("At the desk"), N_("By email"), N_("Referred (GP, school, housing …)"), N_("Otherwise"),
};
KT_ENUM_NAMES (KtChannel, kt_channel, kt_channel_names, KT_N_CHANNELS)

const char * const kt_urgency_names[KT_N_URGENCIES] = {
  "normal", "soon", "urgent",
};
static const char * const urgency_labels[KT_N_URGENCIES] = {
  N_("Normal"), N_("Within days"), N_("Urgent, today"),
};
KT_ENUM_NAMES (KtUrgency, kt_urgency, kt_urgency_names, KT_N_URGENCIES)

const char * const kt_consent_status_names[KT_N_CONSENT_STATUSES] = {
  "not_asked", "given", "refused", "withdrawn",
};
static const char * const consent_status_labels[KT_N_CONSENT_STATUSES] = {
  N_("Not asked yet"), N_("Given"), N_("Refused"), N_("Withdrawn"),
};
KT_ENUM_NAMES (KtConsentStatus, kt_consent_status, kt_consent_status_names, KT_N_CONSENT_STATUSES)

const char * const kt_consent_event_names[KT_N_CONSENT_EVENTS] = {
  "asked", "given", "refused", "withdrawn",
};
static const char * const consent_event_labels[KT_N_CONSENT_EVENTS] = {
  N_("Asked"), N_("Given"), N_("Refused"), N_("Withdrawn"),
};
KT_ENUM_NAMES (KtConsentEventKind, kt_consent_event, kt_consent_event_names, KT_N_CONSENT_EVENTS)

const char * const kt_form_names[KT_N_FORMS] = {
  "spoken", "written",
};
static const char * const form_labels[KT_N_FORMS] = {
  N_("Spoken"), N_("Written"),
};
KT_ENUM_NAMES (KtForm, kt_form, kt_form_names, KT_N_FORMS)

const char * const kt_network_kind_names[KT_N_NETWORK_KINDS] = {
  "informal", "volunteer", "professional",
};
static const char * const network_kind_labels[KT_N_NETWORK_KINDS] = {
  N_("Family, friends and neighbours"), N_("Volunteers and provisions"), N_("Professionals"),
};
KT_ENUM_NAMES (KtNetworkKind, kt_network_kind, kt_network_kind_names, KT_N_NETWORK_KINDS)

const char *
kt_phase_get_label (KtPhase phase)
{
  return kt_enum_to_label (phase_labels, KT_N_PHASES, phase);
}

const char *
kt_channel_get_label (KtChannel channel)
{
  return kt_enum_to_label (channel_labels, KT_N_CHANNELS, channel);
}

const char *
kt_urgency_get_label (KtUrgency urgency)
{
  return kt_enum_to_label (urgency_labels, KT_N_URGENCIES, urgency);
}

const char *
kt_consent_status_get_label (KtConsentStatus status)
{
  return kt_enum_to_label (consent_status_labels, KT_N_CONSENT_STATUSES, status);
}

const char *
kt_consent_event_get_label (KtConsentEventKind kind)
{
  return kt_enum_to_label (consent_event_labels, KT_N_CONSENT_EVENTS, kind);
}

const char *
kt_form_get_label (KtForm form)
{
  return kt_enum_to_label (form_labels, KT_N_FORMS, form);
}

const char *
kt_network_kind_get_label (KtNetworkKind kind)
{
  return kt_enum_to_label (network_kind_labels, KT_N_NETWORK_KINDS, kind);
}
