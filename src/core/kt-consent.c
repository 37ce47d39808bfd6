/* kt-consent.c: what a consent's history means
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-consent"

#include "config.h"

#include "kt-consent.h"

#include <glib/gi18n-lib.h>

#include "kt-date-format.h"

static gboolean
decides (KtConsentEventKind kind)
{
  return kind != KT_CONSENT_EVENT_ASKED;
}

static KtConsentStatus
status_of (KtConsentEventKind kind)
{
  switch (kind)
    {
    case KT_CONSENT_EVENT_GIVEN:     return KT_CONSENT_GIVEN;
    case KT_CONSENT_EVENT_REFUSED:   return KT_CONSENT_REFUSED;
    case KT_CONSENT_EVENT_WITHDRAWN: return KT_CONSENT_WITHDRAWN;
    case KT_CONSENT_EVENT_ASKED:
    case KT_N_CONSENT_EVENTS:
    default:                         return KT_CONSENT_NOT_ASKED;
    }
}

void
kt_consent_update_state (KtConsent *consent)
{
  g_return_if_fail (consent != NULL);

  for (guint i = consent->events->len; i > 0; i--)
    {
      const KtConsentEvent *event = g_ptr_array_index (consent->events, i - 1);

      if (!decides (event->kind))
        continue;
      consent->status = status_of (event->kind);
      g_free (consent->date);
      consent->date = g_strdup (event->date);
      consent->form = event->form;
      return;
    }
  consent->status = KT_CONSENT_NOT_ASKED;
  g_clear_pointer (&consent->date, g_free);
}

KtConsentEvent *
kt_consent_record (KtConsent          *consent,
                   KtConsentEventKind  kind,
                   const char         *date,
                   KtForm              form,
                   const char         *recorded_by)
{
  KtConsentEvent *event;

  g_return_val_if_fail (consent != NULL, NULL);
  g_return_val_if_fail (kind < KT_N_CONSENT_EVENTS, NULL);

  event = kt_consent_event_new ();
  event->kind = kind;
  event->date = date != NULL ? g_strdup (date) : kt_date_today ();
  event->form = form;
  event->recorded_by = g_strdup (recorded_by);
  g_ptr_array_add (consent->events, event);
  kt_consent_update_state (consent);
  return event;
}

void
kt_consent_migrate (KtConsent *consent)
{
  KtConsentEvent *event;

  g_return_if_fail (consent != NULL);

  if (consent->events->len > 0 || consent->status == KT_CONSENT_NOT_ASKED)
    return;
  event = kt_consent_event_new ();
  switch (consent->status)
    {
    case KT_CONSENT_GIVEN:     event->kind = KT_CONSENT_EVENT_GIVEN; break;
    case KT_CONSENT_REFUSED:   event->kind = KT_CONSENT_EVENT_REFUSED; break;
    case KT_CONSENT_WITHDRAWN: event->kind = KT_CONSENT_EVENT_WITHDRAWN; break;
    case KT_CONSENT_NOT_ASKED:
    case KT_N_CONSENT_STATUSES:
    default:                   event->kind = KT_CONSENT_EVENT_ASKED; break;
    }
  /* The old record knew no one who recorded it, and maybe no date. */
  event->date = g_strdup (consent->date);
  event->form = consent->form;
  g_ptr_array_add (consent->events, event);
}

gboolean
kt_consent_has_receiver (const KtConsent *consent,
                         const char      *id)
{
  g_return_val_if_fail (consent != NULL, FALSE);

  return id != NULL && consent->receivers != NULL &&
         g_strv_contains ((const char * const *) consent->receivers, id);
}

void
kt_consent_set_receiver (KtConsent  *consent,
                         const char *id,
                         gboolean    receives)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_if_fail (consent != NULL);
  g_return_if_fail (id != NULL);

  if (kt_consent_has_receiver (consent, id) == !!receives)
    return;
  for (guint i = 0; consent->receivers != NULL && consent->receivers[i] != NULL; i++)
    {
      if (g_strcmp0 (consent->receivers[i], id) != 0)
        g_strv_builder_add (builder, consent->receivers[i]);
    }
  if (receives)
    g_strv_builder_add (builder, id);
  g_strfreev (consent->receivers);
  consent->receivers = g_strv_builder_end (builder);
}

static gboolean
same_name (const char *a,
           const char *b)
{
  g_autofree char *ta = NULL;
  g_autofree char *tb = NULL;
  g_autofree char *fa = NULL;
  g_autofree char *fb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  ta = g_strstrip (g_strdup (a));
  tb = g_strstrip (g_strdup (b));
  fa = g_utf8_casefold (ta, -1);
  fb = g_utf8_casefold (tb, -1);
  return *fa != '\0' && g_strcmp0 (fa, fb) == 0;
}

/* Whether @action is done by someone @consent names. */
static gboolean
action_covered (const KtCase    *kase,
                const KtConsent *consent,
                const KtAction  *action)
{
  const KtNetworkPerson *person;

  if (action->actor == KT_ACTOR_RESIDENT || action->who == NULL)
    return FALSE;
  if (kt_consent_has_receiver (consent, action->who) || same_name (action->who, consent->party))
    return TRUE;
  person = kt_case_find_person (kase, action->who);
  return person != NULL && same_name (person->name, consent->party);
}

GPtrArray *
kt_consent_describe_affected (const KtCase    *kase,
                              const KtPlan    *plan,
                              const KtConsent *consent)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (kase != NULL, lines);
  g_return_val_if_fail (consent != NULL, lines);

  for (guint i = 0; i < kase->network->len; i++)
    {
      const KtNetworkPerson *person = g_ptr_array_index (kase->network, i);

      if (kt_consent_has_receiver (consent, person->id) ||
          (person->name != NULL && same_name (person->name, consent->party)))
        /* TRANSLATORS: "Ans de Vries (Family, friends and neighbours)" */
        g_ptr_array_add (lines, g_strdup_printf (_("%s (%s)"), person->name != NULL ? person->name : "",
                                                 kt_network_kind_get_label (person->kind)));
    }
  for (guint i = 0; plan != NULL && i < plan->provisions->len; i++)
    {
      const KtProvision *provision = g_ptr_array_index (plan->provisions, i);

      if (kt_consent_has_receiver (consent, provision->id) || same_name (provision->name, consent->party))
        g_ptr_array_add (lines, g_strdup_printf (_("Provision: %s"), provision->name != NULL ? provision->name : ""));
    }
  for (guint i = 0; plan != NULL && i < plan->goals->len; i++)
    {
      const KtGoal *goal = g_ptr_array_index (plan->goals, i);

      for (guint j = 0; j < goal->actions->len; j++)
        {
          const KtAction *action = g_ptr_array_index (goal->actions, j);

          if (action_covered (kase, consent, action))
            g_ptr_array_add (lines, g_strdup_printf (_("Plan action: %s"), action->what != NULL ? action->what : ""));
        }
    }
  return lines;
}

GPtrArray *
kt_case_share_choices (const KtCase *kase)
{
  GPtrArray *choices = g_ptr_array_new ();

  g_return_val_if_fail (kase != NULL, choices);

  for (guint i = 0; i < kase->consents->len; i++)
    {
      KtConsent *consent = g_ptr_array_index (kase->consents, i);

      if (consent->status == KT_CONSENT_GIVEN && !consent->share_without_consent &&
          consent->party != NULL && *consent->party != '\0')
        g_ptr_array_add (choices, consent);
    }
  return choices;
}
