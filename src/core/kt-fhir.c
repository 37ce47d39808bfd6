/* kt-fhir.c: the plan as an HL7 FHIR R4 Bundle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-fhir"

#include "config.h"

#include "kt-fhir.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "kt-date-format.h"
#include "kt-sync-protocol.h"

typedef struct {
  JsonBuilder          *b;
  KtCatalogue          *catalogue;
  const KtCase         *kase;
  const KtConversation *conversation;
  const KtPlan         *plan;
  char                 *patient;       /* urn:uuid: of the applicant */
  char                 *group;
  char                 *care_team;
  char                 *coach;         /* Practitioner for the coach, or NULL */
  GHashTable           *people;        /* network person / member id → urn:uuid: */
} Bundle;

static char *
urn (const char *id)
{
  return g_strconcat ("urn:uuid:", id, NULL);
}

static void
add_str (JsonBuilder *b,
         const char  *value)
{
  g_autoptr(GString) text = NULL;

  /* FHIR's string is "[ \r\n\t\S]+": a text pasted with a control
   * character or another kind of space (a no-break space, U+2028) is not
   * one.  Such spaces become plain spaces, other control characters go. */
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean plain = c == ' ' || c == '\t' || c == '\r' || c == '\n';

      if (plain || (!g_unichar_isspace (c) && !g_unichar_iscntrl (c)))
        {
          if (text != NULL)
            g_string_append_unichar (text, c);
          continue;
        }
      if (text == NULL)
        text = g_string_new_len (value, p - value);
      if (g_unichar_isspace (c))
        g_string_append_c (text, ' ');
    }
  json_builder_add_string_value (b, text != NULL ? text->str : value);
}

static void
put_str (JsonBuilder *b,
         const char  *key,
         const char  *value)
{
  if (value == NULL || *value == '\0')
    return;
  json_builder_set_member_name (b, key);
  add_str (b, value);
}

static void
put_ref (JsonBuilder *b,
         const char  *key,
         const char  *reference)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  put_str (b, "reference", reference);
  json_builder_end_object (b);
}

static void
put_concept (JsonBuilder *b,
             const char  *key,
             const char  *text)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  put_str (b, "text", text);
  json_builder_end_object (b);
}

/* Opens an entry with its fullUrl and the resource; close with end_entry. */
static void
begin_entry (Bundle     *bundle,
             const char *full_url,
             const char *type)
{
  JsonBuilder *b = bundle->b;

  json_builder_begin_object (b);
  put_str (b, "fullUrl", full_url);
  json_builder_set_member_name (b, "resource");
  json_builder_begin_object (b);
  put_str (b, "resourceType", type);
  put_str (b, "id", full_url + strlen ("urn:uuid:"));
}

static void
end_entry (Bundle *bundle)
{
  json_builder_end_object (bundle->b);
  json_builder_end_object (bundle->b);
}

static void
put_name (JsonBuilder *b,
          const char  *text)
{
  if (text == NULL || *text == '\0')
    return;
  json_builder_set_member_name (b, "name");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  put_str (b, "text", text);
  json_builder_end_object (b);
  json_builder_end_array (b);
}

/* The applicant: the member who is "zelf", else the first, else nobody named. */
static const KtMember *
applicant (const KtCase *kase)
{
  for (guint i = 0; i < kase->members->len; i++)
    {
      const KtMember *member = g_ptr_array_index (kase->members, i);

      if (g_strcmp0 (member->relation, "zelf") == 0)
        return member;
    }
  return kase->members->len > 0 ? g_ptr_array_index (kase->members, 0) : NULL;
}

static void
add_household (Bundle *bundle)
{
  JsonBuilder *b = bundle->b;
  const KtMember *self = applicant (bundle->kase);
  g_autofree char *patient_id = self != NULL ? g_strdup (self->id) : kt_uuid_new ();

  bundle->patient = urn (patient_id);
  begin_entry (bundle, bundle->patient, "Patient");
  put_name (b, self != NULL ? self->name : NULL);
  if (self != NULL && self->birth_year > 0)
    {
      g_autofree char *year = g_strdup_printf ("%04d", self->birth_year);
      put_str (b, "birthDate", year);
    }
  end_entry (bundle);

  for (guint i = 0; i < bundle->kase->members->len; i++)
    {
      const KtMember *member = g_ptr_array_index (bundle->kase->members, i);
      g_autofree char *url = NULL;

      if (member == self)
        continue;
      url = urn (member->id);
      begin_entry (bundle, url, "RelatedPerson");
      put_ref (b, "patient", bundle->patient);
      json_builder_set_member_name (b, "relationship");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      put_str (b, "text", member->relation != NULL ? member->relation : "huisgenoot");
      json_builder_end_object (b);
      json_builder_end_array (b);
      put_name (b, member->name);
      if (member->birth_year > 0)
        {
          g_autofree char *year = g_strdup_printf ("%04d", member->birth_year);
          put_str (b, "birthDate", year);
        }
      end_entry (bundle);
      g_hash_table_insert (bundle->people, g_strdup (member->id), g_steal_pointer (&url));
    }

  {
    g_autofree char *group_id = kt_uuid_new ();

    bundle->group = urn (group_id);
  }
  begin_entry (bundle, bundle->group, "Group");
  put_str (b, "type", "person");
  json_builder_set_member_name (b, "actual");
  json_builder_add_boolean_value (b, TRUE);
  put_str (b, "name", bundle->kase->household);
  json_builder_set_member_name (b, "quantity");
  json_builder_add_int_value (b, MAX (bundle->kase->members->len, 1));
  json_builder_set_member_name (b, "member");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  put_ref (b, "entity", bundle->patient);
  json_builder_end_object (b);
  json_builder_end_array (b);
  end_entry (bundle);
}

static void
add_network (Bundle *bundle)
{
  JsonBuilder *b = bundle->b;

  for (guint i = 0; i < bundle->kase->network->len; i++)
    {
      const KtNetworkPerson *person = g_ptr_array_index (bundle->kase->network, i);
      g_autofree char *url = urn (person->id);

      switch (person->kind)
        {
        case KT_NETWORK_INFORMAL:
          begin_entry (bundle, url, "RelatedPerson");
          put_ref (b, "patient", bundle->patient);
          json_builder_set_member_name (b, "relationship");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          put_str (b, "text", person->relation != NULL ? person->relation : "netwerk");
          json_builder_end_object (b);
          json_builder_end_array (b);
          put_name (b, person->name);
          break;
        case KT_NETWORK_VOLUNTEER:
          begin_entry (bundle, url, "Organization");
          put_str (b, "name", person->organisation != NULL ? person->organisation : person->name);
          break;
        case KT_NETWORK_PROFESSIONAL:
        case KT_N_NETWORK_KINDS:
        default:
          begin_entry (bundle, url, "Practitioner");
          put_name (b, person->name);
          break;
        }
      end_entry (bundle);
      g_hash_table_insert (bundle->people, g_strdup (person->id), g_steal_pointer (&url));
    }

  if (bundle->kase->coach != NULL)
    {
      g_autofree char *id = kt_uuid_new ();

      bundle->coach = urn (id);
      begin_entry (bundle, bundle->coach, "Practitioner");
      json_builder_set_member_name (b, "identifier");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      put_str (b, "system", "urn:keukentafel:account");
      put_str (b, "value", bundle->kase->coach);
      json_builder_end_object (b);
      json_builder_end_array (b);
      end_entry (bundle);
    }
}

/* The reference for who does an action, or NULL. */
static const char *
performer (Bundle         *bundle,
           const KtAction *action)
{
  if (action->actor == KT_ACTOR_RESIDENT)
    return bundle->patient;
  if (action->who != NULL)
    return g_hash_table_lookup (bundle->people, action->who);
  return NULL;
}

static void
add_participant (Bundle     *bundle,
                 const char *role,
                 const char *member)
{
  JsonBuilder *b = bundle->b;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  put_str (b, "text", role);
  json_builder_end_object (b);
  json_builder_end_array (b);
  put_ref (b, "member", member);
  json_builder_end_object (b);
}

static void
add_care_team (Bundle *bundle)
{
  JsonBuilder *b = bundle->b;
  g_autofree char *id = kt_uuid_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *lead = bundle->kase->lead_id;
  const char *lead_ref;

  bundle->care_team = urn (id);
  begin_entry (bundle, bundle->care_team, "CareTeam");
  put_str (b, "status", "active");
  put_ref (b, "subject", bundle->patient);
  json_builder_set_member_name (b, "participant");
  json_builder_begin_array (b);
  /* The regisseur: the resident by default, the coach, or a named person. */
  if (g_strcmp0 (lead, "coach") == 0 && bundle->coach != NULL)
    lead_ref = bundle->coach;
  else if (lead != NULL && g_hash_table_contains (bundle->people, lead))
    lead_ref = g_hash_table_lookup (bundle->people, lead);
  else
    lead_ref = bundle->patient;
  add_participant (bundle, "regisseur", lead_ref);
  g_hash_table_add (seen, (gpointer) lead_ref);
  if (bundle->coach != NULL && !g_hash_table_contains (seen, bundle->coach))
    {
      add_participant (bundle, "wijkcoach", bundle->coach);
      g_hash_table_add (seen, bundle->coach);
    }
  for (guint i = 0; bundle->plan != NULL && i < bundle->plan->goals->len; i++)
    {
      const KtGoal *goal = g_ptr_array_index (bundle->plan->goals, i);

      for (guint j = 0; j < goal->actions->len; j++)
        {
          const KtAction *action = g_ptr_array_index (goal->actions, j);
          const char *ref = performer (bundle, action);

          if (ref == NULL || g_hash_table_contains (seen, ref))
            continue;
          add_participant (bundle, kt_actor_get_label (action->actor), ref);
          g_hash_table_add (seen, (gpointer) ref);
        }
    }
  json_builder_end_array (b);
  end_entry (bundle);
}

static const char *
goal_lifecycle (KtGoalStatus status)
{
  switch (status)
    {
    case KT_GOAL_IN_PROGRESS: return "active";
    case KT_GOAL_ACHIEVED:    return "completed";
    case KT_GOAL_STOPPED:     return "cancelled";
    case KT_GOAL_OPEN:
    case KT_N_GOAL_STATUSES:
    default:                  return "accepted";
    }
}

/* A CarePlan activity's status for a provision: tailored support follows
 * the municipality's decision (requested and waiting is on hold, refused
 * is cancelled); a general provision is scheduled once something was
 * agreed. */
static const char *
provision_status (const KtProvision *provision)
{
  if (provision->tailored && provision->decision_state != KT_DECISION_NONE)
    switch (provision->decision_state)
      {
      case KT_DECISION_PENDING: return "on-hold";
      case KT_DECISION_GRANTED: return "scheduled";
      case KT_DECISION_REFUSED: return "cancelled";
      case KT_DECISION_NONE:
      case KT_N_DECISIONS:
      default:                  break;
      }
  return provision->decision != NULL ? "scheduled" : "not-started";
}

static void
add_goals_and_plan (Bundle *bundle)
{
  JsonBuilder *b = bundle->b;
  const KtPlan *plan = bundle->plan;
  g_autofree char *plan_url = urn (plan->header.id);
  g_autoptr(GPtrArray) goal_urls = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < plan->goals->len; i++)
    {
      const KtGoal *goal = g_ptr_array_index (plan->goals, i);
      char *url = urn (goal->id);

      g_ptr_array_add (goal_urls, url);
      begin_entry (bundle, url, "Goal");
      put_str (b, "lifecycleStatus", goal_lifecycle (goal->status));
      put_concept (b, "description", goal->title != NULL && *goal->title != '\0' ? goal->title : "doel");
      put_ref (b, "subject", bundle->patient);
      if (goal->evaluation_date != NULL || goal->difference != NULL)
        {
          json_builder_set_member_name (b, "target");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          put_str (b, "dueDate", goal->evaluation_date);
          if (goal->difference != NULL)
            {
              json_builder_set_member_name (b, "detailString");
              add_str (b, goal->difference);
            }
          json_builder_end_object (b);
          json_builder_end_array (b);
        }
      end_entry (bundle);
    }

  begin_entry (bundle, plan_url, "CarePlan");
  put_str (b, "status", plan->review == KT_REVIEW_APPROVED ? "active" : "draft");
  put_str (b, "intent", "plan");
  put_str (b, "title", plan->question);
  put_ref (b, "subject", bundle->patient);
  json_builder_set_member_name (b, "careTeam");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  put_str (b, "reference", bundle->care_team);
  json_builder_end_object (b);
  json_builder_end_array (b);
  if (goal_urls->len > 0)
    {
      json_builder_set_member_name (b, "goal");
      json_builder_begin_array (b);
      for (guint i = 0; i < goal_urls->len; i++)
        {
          json_builder_begin_object (b);
          put_str (b, "reference", g_ptr_array_index (goal_urls, i));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "activity");
  json_builder_begin_array (b);
  for (guint i = 0; i < plan->goals->len; i++)
    {
      const KtGoal *goal = g_ptr_array_index (plan->goals, i);

      for (guint j = 0; j < goal->actions->len; j++)
        {
          const KtAction *action = g_ptr_array_index (goal->actions, j);
          const char *ref = performer (bundle, action);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "detail");
          json_builder_begin_object (b);
          put_str (b, "status", action->done ? "completed" : "not-started");
          put_str (b, "description", action->what);
          json_builder_set_member_name (b, "goal");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          put_str (b, "reference", g_ptr_array_index (goal_urls, i));
          json_builder_end_object (b);
          json_builder_end_array (b);
          if (action->due != NULL)
            {
              json_builder_set_member_name (b, "scheduledPeriod");
              json_builder_begin_object (b);
              put_str (b, "end", action->due);
              json_builder_end_object (b);
            }
          if (ref != NULL)
            {
              json_builder_set_member_name (b, "performer");
              json_builder_begin_array (b);
              json_builder_begin_object (b);
              put_str (b, "reference", ref);
              json_builder_end_object (b);
              json_builder_end_array (b);
            }
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
    }
  for (guint i = 0; i < plan->provisions->len; i++)
    {
      const KtProvision *provision = g_ptr_array_index (plan->provisions, i);
      g_autofree char *text = g_strdup_printf ("%s%s%s", provision->name != NULL ? provision->name : "",
                                               provision->decision != NULL ? ": " : "",
                                               provision->decision != NULL ? provision->decision : "");

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "detail");
      json_builder_begin_object (b);
      put_str (b, "status", provision_status (provision));
      put_concept (b, "code", provision->tailored ? "maatwerkvoorziening" : "algemene voorziening");
      put_str (b, "description", text);
      if (provision->until != NULL)
        {
          json_builder_set_member_name (b, "scheduledPeriod");
          json_builder_begin_object (b);
          if (provision->valid_from != NULL)
            put_str (b, "start", provision->valid_from);
          put_str (b, "end", provision->until);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  end_entry (bundle);
}

static void
add_consents (Bundle *bundle)
{
  JsonBuilder *b = bundle->b;

  for (guint i = 0; i < bundle->kase->consents->len; i++)
    {
      const KtConsent *consent = g_ptr_array_index (bundle->kase->consents, i);
      g_autofree char *url = urn (consent->id);
      const char *status;

      switch (consent->status)
        {
        case KT_CONSENT_GIVEN:     status = "active"; break;
        case KT_CONSENT_REFUSED:   status = "rejected"; break;
        case KT_CONSENT_WITHDRAWN: status = "inactive"; break;
        case KT_CONSENT_NOT_ASKED:
        case KT_N_CONSENT_STATUSES:
        default:                   status = consent->events->len > 0 ? "proposed" : "draft"; break;
        }
      begin_entry (bundle, url, "Consent");
      put_str (b, "status", status);
      json_builder_set_member_name (b, "scope");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "coding");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      put_str (b, "system", "http://terminology.hl7.org/CodeSystem/consentscope");
      put_str (b, "code", "patient-privacy");
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "category");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      put_str (b, "text", consent->purpose != NULL ? consent->purpose : "gegevens delen");
      json_builder_end_object (b);
      json_builder_end_array (b);
      put_ref (b, "patient", bundle->patient);
      if (consent->date != NULL)
        put_str (b, "dateTime", consent->date);
      json_builder_set_member_name (b, "provision");
      json_builder_begin_object (b);
      put_str (b, "type", consent->status == KT_CONSENT_GIVEN ? "permit" : "deny");
      json_builder_set_member_name (b, "actor");
      json_builder_begin_array (b);
      for (guint j = 0; consent->receivers != NULL && consent->receivers[j] != NULL; j++)
        {
          const char *ref = g_hash_table_lookup (bundle->people, consent->receivers[j]);

          if (ref == NULL)
            continue;
          json_builder_begin_object (b);
          put_concept (b, "role", consent->party != NULL ? consent->party : "ontvanger");
          put_ref (b, "reference", ref);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      end_entry (bundle);
    }
}

static void
begin_observation (Bundle     *bundle,
                   const char *code,
                   const char *date)
{
  JsonBuilder *b = bundle->b;
  g_autofree char *id = kt_uuid_new ();
  g_autofree char *url = urn (id);

  begin_entry (bundle, url, "Observation");
  put_str (b, "status", "final");
  put_concept (b, "code", code);
  put_ref (b, "subject", bundle->patient);
  put_str (b, "effectiveDateTime", date);
}

static void
add_observations (Bundle *bundle)
{
  JsonBuilder *b = bundle->b;
  const KtConversation *conversation = bundle->conversation;

  for (guint i = 0; i < conversation->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (conversation->entries, i);
      const KtDomain *domain = kt_catalogue_lookup (bundle->catalogue, entry->domain_id);
      g_autofree char *code = NULL;

      if (entry->level == KT_LEVEL_NONE)
        continue;
      code = g_strdup_printf ("zelfredzaamheid: %s", domain != NULL ? domain->name : entry->domain_id);
      begin_observation (bundle, code, conversation->date);
      json_builder_set_member_name (b, "valueInteger");
      json_builder_add_int_value (b, entry->level);
      end_entry (bundle);
    }
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      const KtWheelSegment *segment = &conversation->wheel[s];
      g_autofree char *code = NULL;

      if (segment->current == KT_WHEEL_UNSET && segment->target == KT_WHEEL_UNSET)
        continue;
      code = g_strdup_printf ("participatiewiel: %s", kt_catalogue_segment_name (bundle->catalogue, s));
      begin_observation (bundle, code, conversation->date);
      json_builder_set_member_name (b, "component");
      json_builder_begin_array (b);
      for (int k = 0; k < 2; k++)
        {
          int value = k == 0 ? segment->current : segment->target;

          if (value == KT_WHEEL_UNSET)
            continue;
          json_builder_begin_object (b);
          put_concept (b, "code", k == 0 ? "nu" : "doel");
          json_builder_set_member_name (b, "valueInteger");
          json_builder_add_int_value (b, value);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      end_entry (bundle);
    }
}

GBytes *
kt_fhir_bundle_new (KtCatalogue          *catalogue,
                    const KtCase         *kase,
                    const KtConversation *conversation,
                    const KtPlan         *plan)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *bundle_id = kt_uuid_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *timestamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  Bundle bundle = { 0, };
  gsize length;
  char *data;

  g_return_val_if_fail (KT_IS_CATALOGUE (catalogue), NULL);
  g_return_val_if_fail (kase != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  bundle.b = builder;
  bundle.catalogue = catalogue;
  bundle.kase = kase;
  bundle.conversation = conversation;
  bundle.plan = plan;
  bundle.people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  json_builder_begin_object (builder);
  put_str (builder, "resourceType", "Bundle");
  put_str (builder, "id", bundle_id);
  put_str (builder, "type", "collection");
  put_str (builder, "timestamp", timestamp);
  json_builder_set_member_name (builder, "entry");
  json_builder_begin_array (builder);
  add_household (&bundle);
  add_network (&bundle);
  add_care_team (&bundle);
  add_goals_and_plan (&bundle);
  add_consents (&bundle);
  if (conversation != NULL)
    add_observations (&bundle);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  data = kt_json_to_data (root, TRUE, &length);

  g_free (bundle.patient);
  g_free (bundle.group);
  g_free (bundle.care_team);
  g_free (bundle.coach);
  g_hash_table_unref (bundle.people);
  return g_bytes_new_take (data, length);
}
