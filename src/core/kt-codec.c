/* kt-codec.c: JSON encoding and the validating decoder for every document
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The encoder writes every field, in a fixed order, so that encoding the
 * same document twice gives the same bytes.  Text that is unset is written as
 * null; enums as stable strings; bit sets as arrays of strings; dates as
 * "YYYY-MM-DD"; timestamps as integers (unix seconds).
 *
 * The decoder trusts nothing: the raw bytes go through kt_json_read() (size,
 * UTF-8, strict grammar, nesting depth, one value, no field twice, numbers
 * that fit) before json-glib sees them; then every field is checked for
 * type, range and size.  Fields other than the header and the ids may be
 * absent and then take their default.  Errors name the field as a JSON path
 * and never repeat the value.
 */
#define G_LOG_DOMAIN "kt-codec"

#include "config.h"

#include "kt-codec.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "kt-consent.h"
#include "kt-json-path-private.h"
#include "kt-json-reader.h"
#include "kt-model-private.h"
#include "kt-sync-protocol.h"

/* Deepest nesting of arrays and objects the decoder accepts; the deepest
 * real path (agreement.signature[i][j]) is four levels down. */
#define KT_MAX_DEPTH 16

/* Longest catalogue domain id. */
#define KT_DOMAIN_ID_MAX 64

G_DEFINE_QUARK (kt-codec-error-quark, kt_codec_error)

void
kt_document_clear (KtDocument *doc)
{
  if (doc == NULL)
    return;
  g_clear_pointer (&doc->kase, kt_case_unref);
  g_clear_pointer (&doc->conversation, kt_conversation_unref);
  g_clear_pointer (&doc->plan, kt_plan_unref);
  doc->kind = KT_N_KINDS;
}

/* ------------------------------------------------------------------------ */
/* Encoding */

/* JSON written as it is built, in json-glib's compact form (the same
 * bytes its generator wrote): its builder made a tree of a node per value
 * that the generator then walked and freed, 70 % of the CPU of saving a
 * conversation. */
typedef struct {
  GString *out;
  guint64  has_item;     /* one bit per depth: a comma goes before the next */
  guint    depth;
  gboolean after_key;
} KtJsonWriter;

static KtJsonWriter *
writer_new (void)
{
  KtJsonWriter *w = g_new0 (KtJsonWriter, 1);

  w->out = g_string_sized_new (4096);
  return w;
}

static void
writer_free (KtJsonWriter *w)
{
  if (w->out != NULL)
    g_string_free (w->out, TRUE);
  g_free (w);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtJsonWriter, writer_free)

/* Before a value: a comma after an earlier one, none after a key. */
static void
writer_value (KtJsonWriter *w)
{
  guint64 bit = G_GUINT64_CONSTANT (1) << w->depth;

  if (w->after_key)
    w->after_key = FALSE;
  else if (w->has_item & bit)
    g_string_append_c (w->out, ',');
  w->has_item |= bit;
}

static void
writer_open (KtJsonWriter *w,
             char          bracket)
{
  writer_value (w);
  g_string_append_c (w->out, bracket);
  /* Deeper than the decoder reads (KT_MAX_DEPTH) is never written. */
  g_assert (w->depth < 63);
  w->depth++;
  w->has_item &= ~(G_GUINT64_CONSTANT (1) << w->depth);
}

static void
writer_close (KtJsonWriter *w,
              char          bracket)
{
  g_assert (w->depth > 0);
  w->depth--;
  g_string_append_c (w->out, bracket);
}

static void writer_begin_object (KtJsonWriter *w) { writer_open (w, '{'); }
static void writer_end_object   (KtJsonWriter *w) { writer_close (w, '}'); }
static void writer_begin_array  (KtJsonWriter *w) { writer_open (w, '['); }
static void writer_end_array    (KtJsonWriter *w) { writer_close (w, ']'); }

/* kt_json_append_string, the one string writer of client and server, escapes
 * as json-glib did, so that a document is written with the same bytes. */
static void
writer_string (KtJsonWriter *w,
               const char   *text)
{
  kt_json_append_string (w->out, text);
}

static void
writer_set_member_name (KtJsonWriter *w,
                        const char   *key)
{
  writer_value (w);
  writer_string (w, key);
  g_string_append_c (w->out, ':');
  w->after_key = TRUE;
}

static void
writer_add_string_value (KtJsonWriter *w,
                         const char   *value)
{
  writer_value (w);
  writer_string (w, value);
}

static void
writer_add_int_value (KtJsonWriter *w,
                      gint64        value)
{
  /* Digits written from the end of a buffer: g_string_append_printf()
   * was 400 instructions a number, 130 numbers a conversation, a twentieth
   * of a save.  The same bytes as "%" G_GINT64_FORMAT. */
  char digits[24];
  char *p = digits + sizeof digits;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = '0' + magnitude % 10;
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    *--p = '-';
  writer_value (w);
  g_string_append_len (w->out, p, digits + sizeof digits - p);
}

static void
writer_add_boolean_value (KtJsonWriter *w,
                          gboolean      value)
{
  writer_value (w);
  g_string_append (w->out, value ? "true" : "false");
}

static void
writer_add_null_value (KtJsonWriter *w)
{
  writer_value (w);
  g_string_append (w->out, "null");
}

static void
writer_add_double_value (KtJsonWriter *w,
                         double        value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  writer_value (w);
  g_string_append (w->out, g_ascii_dtostr (buffer, sizeof buffer, value));
  /* Still a double when read back, as json-glib writes it ("1.0"). */
  if (strpbrk (buffer, ".e") == NULL)
    g_string_append (w->out, ".0");
}

typedef void (*EncodeFunc) (KtJsonWriter *b, gconstpointer item);

static void
put_string (KtJsonWriter *b,
            const char  *key,
            const char  *value)
{
  writer_set_member_name (b, key);
  if (value != NULL)
    writer_add_string_value (b, value);
  else
    writer_add_null_value (b);
}

static void
put_int (KtJsonWriter *b,
         const char  *key,
         gint64       value)
{
  writer_set_member_name (b, key);
  writer_add_int_value (b, value);
}

static void
put_bool (KtJsonWriter *b,
          const char  *key,
          gboolean     value)
{
  writer_set_member_name (b, key);
  writer_add_boolean_value (b, value != FALSE);
}

static void
put_enum (KtJsonWriter        *b,
          const char         *key,
          const char * const *names,
          guint               n_names,
          int                 value)
{
  put_string (b, key, kt_enum_to_name (names, n_names, value));
}

static void
put_bits (KtJsonWriter        *b,
          const char         *key,
          const char * const *names,
          guint               n_names,
          guint               bits)
{
  writer_set_member_name (b, key);
  writer_begin_array (b);
  for (guint i = 0; i < n_names; i++)
    {
      if (bits & (1u << i))
        writer_add_string_value (b, names[i]);
    }
  writer_end_array (b);
}

static void
put_objects (KtJsonWriter     *b,
             const char      *key,
             const GPtrArray *items,
             EncodeFunc       func)
{
  writer_set_member_name (b, key);
  writer_begin_array (b);
  for (guint i = 0; items != NULL && i < items->len; i++)
    func (b, g_ptr_array_index (items, i));
  writer_end_array (b);
}

static void
put_strings (KtJsonWriter      *b,
             const char       *key,
             const char * const *strv,
             guint             n)
{
  writer_set_member_name (b, key);
  writer_begin_array (b);
  for (guint i = 0; strv != NULL && i < n; i++)
    writer_add_string_value (b, strv[i]);
  writer_end_array (b);
}

static void
put_header (KtJsonWriter          *b,
            const KtRecordHeader *header)
{
  put_string (b, "schema", KT_SCHEMA);
  put_enum (b, "kind", (const char * const[]) { "case", "conversation", "plan" },
            KT_N_KINDS, header->kind);
  put_string (b, "id", header->id);
  put_int (b, "rev", header->rev);
  put_int (b, "created", header->created);
  put_int (b, "updated", header->updated);
}

static GBytes *
finish (KtJsonWriter *b)
{
  writer_end_object (b);
  return g_string_free_to_bytes (g_steal_pointer (&b->out));
}

static void
encode_member (KtJsonWriter   *b,
               gconstpointer  item)
{
  const KtMember *m = item;

  writer_begin_object (b);
  put_string (b, "id", m->id);
  put_string (b, "name", m->name);
  put_int (b, "birth_year", m->birth_year);
  put_string (b, "relation", m->relation);
  writer_end_object (b);
}

static void
encode_consent_event (KtJsonWriter   *b,
                      gconstpointer  item)
{
  const KtConsentEvent *e = item;

  writer_begin_object (b);
  put_enum (b, "kind", kt_consent_event_names, KT_N_CONSENT_EVENTS, e->kind);
  put_string (b, "date", e->date);
  put_enum (b, "form", kt_form_names, KT_N_FORMS, e->form);
  put_string (b, "recorded_by", e->recorded_by);
  writer_end_object (b);
}

/* status, date and form stay beside the events: they are the current state,
 * and what a version of the app from before the history reads. */
static void
encode_consent (KtJsonWriter   *b,
                gconstpointer  item)
{
  const KtConsent *c = item;

  writer_begin_object (b);
  put_string (b, "id", c->id);
  put_string (b, "purpose", c->purpose);
  put_string (b, "party", c->party);
  put_enum (b, "status", kt_consent_status_names, KT_N_CONSENT_STATUSES, c->status);
  put_string (b, "date", c->date);
  put_enum (b, "form", kt_form_names, KT_N_FORMS, c->form);
  put_bool (b, "share_without_consent", c->share_without_consent);
  put_string (b, "reasoning", c->reasoning);
  put_objects (b, "events", c->events, encode_consent_event);
  put_strings (b, "receivers", (const char * const *) c->receivers,
               c->receivers != NULL ? g_strv_length (c->receivers) : 0);
  writer_end_object (b);
}

static void
encode_network_person (KtJsonWriter   *b,
                       gconstpointer  item)
{
  const KtNetworkPerson *p = item;

  writer_begin_object (b);
  put_string (b, "id", p->id);
  put_string (b, "name", p->name);
  put_string (b, "relation", p->relation);
  put_enum (b, "kind", kt_network_kind_names, KT_N_NETWORK_KINDS, p->kind);
  put_string (b, "organisation", p->organisation);
  put_string (b, "role", p->role);
  put_string (b, "contact", p->contact);
  put_string (b, "frequency", p->frequency);
  put_bool (b, "unaware", p->unaware);
  put_bool (b, "no_contact", p->no_contact);
  writer_end_object (b);
}

GBytes *
kt_case_encode (const KtCase *self)
{
  g_autoptr(KtJsonWriter) b = writer_new ();
  const KtRequest *r;

  g_return_val_if_fail (self != NULL, NULL);

  r = &self->request;
  writer_begin_object (b);
  put_header (b, &self->header);
  put_string (b, "household", self->household);
  put_objects (b, "members", self->members, encode_member);
  put_string (b, "address", self->address);
  put_string (b, "phone", self->phone);
  put_string (b, "email", self->email);

  writer_set_member_name (b, "request");
  writer_begin_object (b);
  put_string (b, "date", r->date);
  put_enum (b, "channel", kt_channel_names, KT_N_CHANNELS, r->channel);
  put_string (b, "question", r->question);
  put_string (b, "intaker", r->intaker);
  put_enum (b, "urgency", kt_urgency_names, KT_N_URGENCIES, r->urgency);
  put_bool (b, "safety_concern", r->safety_concern);
  put_string (b, "safety_note", r->safety_note);
  put_string (b, "own_strength", r->own_strength);
  put_bool (b, "client_support_offered", r->client_support_offered);
  put_bool (b, "own_plan_wanted", r->own_plan_wanted);
  writer_end_object (b);

  put_objects (b, "consents", self->consents, encode_consent);
  put_objects (b, "network", self->network, encode_network_person);
  put_string (b, "team", self->team);
  put_string (b, "coach", self->coach);
  put_string (b, "lead_id", self->lead_id);
  put_string (b, "lead_reason", self->lead_reason);
  put_bool (b, "lead_agreed", self->lead_agreed);
  put_string (b, "contact_person_id", self->contact_person_id);
  put_string (b, "evaluator_id", self->evaluator_id);
  put_enum (b, "phase", kt_phase_names, KT_N_PHASES, self->phase);
  put_string (b, "conversation_deadline", self->conversation_deadline);
  put_string (b, "own_plan_deadline", self->own_plan_deadline);
  put_string (b, "evaluation_date", self->evaluation_date);
  put_string (b, "follow_up_date", self->follow_up_date);
  put_string (b, "decision_deadline", self->decision_deadline);
  put_enum (b, "close_reason", kt_close_reason_names, KT_N_CLOSE_REASONS, self->close_reason);
  put_string (b, "close_note", self->close_note);
  put_string (b, "close_words", self->close_words);
  put_string (b, "closed_date", self->closed_date);
  put_string (b, "follow_up_contact", self->follow_up_contact);
  put_string (b, "follow_up_checked", self->follow_up_checked);
  put_string (b, "follow_up_note", self->follow_up_note);
  put_int (b, "reopened", self->reopened);
  put_bool (b, "solved_at_desk", self->solved_at_desk);
  put_string (b, "desk_note", self->desk_note);
  put_bool (b, "easy_read", self->easy_read);
  put_bool (b, "stuck", self->stuck);
  put_string (b, "stuck_reason", self->stuck_reason);
  put_string (b, "stuck_date", self->stuck_date);
  return finish (b);
}

static void
encode_member_voice (KtJsonWriter   *b,
                     gconstpointer  item)
{
  const KtMemberVoice *v = item;

  writer_begin_object (b);
  put_string (b, "member_id", v->member_id);
  put_string (b, "words", v->words);
  put_string (b, "wish", v->wish);
  writer_end_object (b);
}

static void
encode_entry (KtJsonWriter   *b,
              gconstpointer  item)
{
  const KtDomainEntry *e = item;

  writer_begin_object (b);
  put_string (b, "domain_id", e->domain_id);
  put_enum (b, "state", kt_domain_state_names, KT_N_DOMAIN_STATES, e->state);
  put_string (b, "skip_reason", e->skip_reason);
  put_string (b, "going_well", e->going_well);
  put_string (b, "concern", e->concern);
  put_int (b, "level", e->level);
  put_bits (b, "helpers", kt_helper_names, KT_N_HELPER_BITS, e->helpers);
  put_string (b, "wish", e->wish);
  put_int (b, "priority", e->priority);
  put_bool (b, "safety_flag", e->safety_flag);
  put_bool (b, "nothing_to_discuss", e->nothing_to_discuss);
  put_strings (b, "about", (const char * const *) e->about,
               e->about != NULL ? g_strv_length (e->about) : 0);
  put_objects (b, "voices", e->voices, encode_member_voice);
  writer_end_object (b);
}

static void
encode_safety_check (KtJsonWriter   *b,
                     gconstpointer  item)
{
  const KtSafetyCheck *c = item;

  writer_begin_object (b);
  put_string (b, "member_id", c->member_id);
  put_bool (b, "checked", c->checked);
  put_bool (b, "concern", c->concern);
  put_string (b, "note", c->note);
  writer_end_object (b);
}

static void
encode_supporter (KtJsonWriter   *b,
                  gconstpointer  item)
{
  const KtSupporter *s = item;

  writer_begin_object (b);
  put_string (b, "person_id", s->person_id);
  put_enum (b, "ring", kt_ring_names, KT_N_RINGS, s->ring);
  writer_end_object (b);
}

static void
encode_goal_progress (KtJsonWriter   *b,
                      gconstpointer  item)
{
  const KtGoalProgress *p = item;

  writer_begin_object (b);
  put_string (b, "goal_id", p->goal_id);
  put_enum (b, "status", kt_goal_status_names, KT_N_GOAL_STATUSES, p->status);
  put_string (b, "note", p->note);
  writer_end_object (b);
}

static void
encode_new_question (KtJsonWriter   *b,
                     gconstpointer  item)
{
  const KtNewQuestion *q = item;

  writer_begin_object (b);
  put_string (b, "domain_id", q->domain_id);
  put_string (b, "note", q->note);
  put_bool (b, "as_goal", q->as_goal);
  writer_end_object (b);
}

static void encode_agreement (KtJsonWriter *b, const KtAgreement *agreement);

GBytes *
kt_conversation_encode (const KtConversation *self)
{
  g_autoptr(KtJsonWriter) b = writer_new ();

  g_return_val_if_fail (self != NULL, NULL);

  writer_begin_object (b);
  put_header (b, &self->header);
  put_string (b, "case_id", self->case_id);
  put_string (b, "date", self->date);
  put_bits (b, "present", kt_present_names, KT_N_PRESENT_BITS, self->present);
  put_string (b, "catalogue_id", self->catalogue_id);
  put_int (b, "catalogue_version", self->catalogue_version);
  put_objects (b, "entries", self->entries, encode_entry);
  put_objects (b, "safety_checks", self->safety_checks, encode_safety_check);

  writer_set_member_name (b, "wheel");
  writer_begin_object (b);
  for (guint i = 0; i < KT_N_SEGMENTS; i++)
    {
      const KtWheelSegment *w = &self->wheel[i];

      writer_set_member_name (b, kt_segment_names[i]);
      writer_begin_object (b);
      put_int (b, "current", w->current);
      put_int (b, "target", w->target);
      put_int (b, "previous", w->previous);
      put_objects (b, "supporters", w->supporters, encode_supporter);
      writer_end_object (b);
    }
  writer_end_object (b);

  put_string (b, "own_words", self->own_words);
  put_string (b, "notes", self->notes);
  put_bool (b, "complete", self->complete);
  put_bool (b, "is_evaluation", self->is_evaluation);
  put_objects (b, "progress", self->progress, encode_goal_progress);
  put_objects (b, "new_questions", self->new_questions, encode_new_question);
  encode_agreement (b, &self->agreement);
  return finish (b);
}

static void
encode_action (KtJsonWriter   *b,
               gconstpointer  item)
{
  const KtAction *a = item;

  writer_begin_object (b);
  put_string (b, "id", a->id);
  put_string (b, "what", a->what);
  put_enum (b, "actor", kt_actor_names, KT_N_ACTORS, a->actor);
  put_string (b, "who", a->who);
  put_string (b, "due", a->due);
  put_bool (b, "done", a->done);
  put_string (b, "done_date", a->done_date);
  put_string (b, "done_note", a->done_note);
  writer_end_object (b);
}

static void
encode_goal (KtJsonWriter   *b,
             gconstpointer  item)
{
  const KtGoal *g = item;

  writer_begin_object (b);
  put_string (b, "id", g->id);
  put_string (b, "title", g->title);
  put_strings (b, "domains", (const char * const *) g->domains,
               g->domains != NULL ? g_strv_length (g->domains) : 0);
  put_bits (b, "segments", kt_segment_names, KT_N_SEGMENTS, g->segments);
  put_strings (b, "members", (const char * const *) g->members,
               g->members != NULL ? g_strv_length (g->members) : 0);
  put_string (b, "difference", g->difference);
  put_objects (b, "actions", g->actions, encode_action);
  put_string (b, "evaluation_date", g->evaluation_date);
  put_enum (b, "status", kt_goal_status_names, KT_N_GOAL_STATUSES, g->status);
  put_strings (b, "progress_notes",
               g->progress_notes != NULL ? (const char * const *) g->progress_notes->pdata : NULL,
               g->progress_notes != NULL ? g->progress_notes->len : 0);
  writer_end_object (b);
}

static void
encode_provision (KtJsonWriter   *b,
                  gconstpointer  item)
{
  const KtProvision *p = item;

  writer_begin_object (b);
  put_string (b, "id", p->id);
  put_string (b, "name", p->name);
  put_bool (b, "tailored", p->tailored);
  put_string (b, "acceptable", p->acceptable);
  put_string (b, "cost_reasonable", p->cost_reasonable);
  put_string (b, "standard_offer", p->standard_offer);
  put_string (b, "own_options", p->own_options);
  put_enum (b, "legal_basis", kt_legal_basis_names, KT_N_LEGAL_BASES, p->legal_basis);
  put_string (b, "request_date", p->request_date);
  put_enum (b, "decision_state", kt_decision_names, KT_N_DECISIONS, p->decision_state);
  put_string (b, "decision_date", p->decision_date);
  put_string (b, "decision", p->decision);
  put_string (b, "valid_from", p->valid_from);
  put_string (b, "until", p->until);
  put_enum (b, "delivery", kt_delivery_names, KT_N_DELIVERIES, p->delivery);
  writer_end_object (b);
}

static void
encode_stroke (KtJsonWriter   *b,
               gconstpointer  item)
{
  const KtStroke *s = item;

  writer_begin_array (b);
  for (guint i = 0; s->points != NULL && i < s->points->len; i++)
    writer_add_double_value (b, g_array_index (s->points, double, i));
  writer_end_array (b);
}

/* The resident's agreement, the same on a plan and an evaluation. */
static void
encode_agreement (KtJsonWriter       *b,
                  const KtAgreement *agreement)
{
  writer_set_member_name (b, "agreement");
  writer_begin_object (b);
  put_enum (b, "state", kt_agreement_names, KT_N_AGREEMENTS, agreement->state);
  put_string (b, "date", agreement->date);
  put_string (b, "remarks", agreement->remarks);
  put_enum (b, "form", kt_form_names, KT_N_FORMS, agreement->form);
  put_objects (b, "signature", agreement->signature, encode_stroke);
  writer_end_object (b);
}

static void
encode_comment (KtJsonWriter   *b,
                gconstpointer  item)
{
  const KtReviewComment *c = item;

  writer_begin_object (b);
  put_string (b, "goal_id", c->goal_id);
  put_string (b, "author", c->author);
  put_string (b, "text", c->text);
  put_int (b, "at", c->at);
  writer_end_object (b);
}

GBytes *
kt_plan_encode (const KtPlan *self)
{
  g_autoptr(KtJsonWriter) b = writer_new ();

  g_return_val_if_fail (self != NULL, NULL);

  writer_begin_object (b);
  put_header (b, &self->header);
  put_string (b, "case_id", self->case_id);
  put_int (b, "version", self->version);
  put_string (b, "question", self->question);
  put_objects (b, "goals", self->goals, encode_goal);
  /* Only an old plan not yet opened since still carries it: the server
   * re-encodes what it stores and must not drop it before a coach's app
   * moved it into the case. */
  if (self->legacy_case_lead != NULL)
    put_string (b, "case_lead", self->legacy_case_lead);
  put_string (b, "contact_person", self->contact_person);
  put_string (b, "evaluator", self->evaluator);
  put_objects (b, "provisions", self->provisions, encode_provision);
  put_bool (b, "safety_required", self->safety_required);

  writer_set_member_name (b, "safety");
  writer_begin_object (b);
  put_string (b, "risks", self->safety.risks);
  put_string (b, "agreements", self->safety.agreements);
  put_string (b, "who_watches", self->safety.who_watches);
  put_bool (b, "veilig_thuis_consulted", self->safety.veilig_thuis_consulted);
  writer_end_object (b);

  encode_agreement (b, &self->agreement);

  put_string (b, "conversation_note", self->conversation_note);
  put_enum (b, "review", kt_review_names, KT_N_REVIEW_STATES, self->review);
  put_string (b, "author", self->author);
  put_string (b, "reviewer", self->reviewer);
  put_int (b, "submitted_at", self->submitted_at);
  put_objects (b, "comments", self->comments, encode_comment);
  return finish (b);
}

/* ------------------------------------------------------------------------ */
/* Decoding */

typedef struct {
  GString *path;                /* JSON path of the field being read */
  GError **error;
  guint    signature_numbers;   /* running total over all strokes */
  char   **field;               /* where to record the refused field, or NULL */
} Decoder;

typedef gpointer (*DecodeFunc) (Decoder *d, JsonObject *obj);

/* Sets the error and records @field, the JSON path of the refused field,
 * apart from the message: callers that need the field (the server's 400
 * answer) take it from there, never from the translated text.  Every
 * @format has exactly one %s, for @field. */
static gboolean
fail (Decoder    *d,
      int         code,
      const char *format,
      const char *field)
{
  g_autofree char *message = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  message = g_strdup_printf (format, field);
#pragma GCC diagnostic pop
  g_set_error_literal (d->error, KT_CODEC_ERROR, code, message);
  if (d->field != NULL)
    {
      g_free (*d->field);
      *d->field = g_strdup (field);
    }
  return FALSE;
}

static gsize
push_key (Decoder    *d,
          const char *key)
{
  return kt_json_path_push_key (d->path, key);
}

static gsize
push_index (Decoder *d,
            guint    index)
{
  return kt_json_path_push_index (d->path, index);
}

static void
pop (Decoder *d,
     gsize    mark)
{
  kt_json_path_pop (d->path, mark);
}

static const char *
path (Decoder *d)
{
  return d->path->str;
}

static gboolean
is_value_of (JsonNode *node,
             GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* Checks a text node at the current path; NULL or JSON null give NULL
 * unless @required. */
static gboolean
check_text (Decoder   *d,
            JsonNode  *node,
            gboolean   required,
            char     **out)
{
  const char *text;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return fail (d, KT_CODEC_ERROR_MISSING, _("The field “%s” is missing."), path (d));
      g_clear_pointer (out, g_free);
      return TRUE;
    }
  if (!is_value_of (node, G_TYPE_STRING))
    return fail (d, KT_CODEC_ERROR_TYPE, _("The field “%s” must be text."), path (d));
  text = json_node_get_string (node);
  if (strlen (text) > KT_TEXT_MAX_SIZE)
    return fail (d, KT_CODEC_ERROR_TOO_LARGE, _("The field “%s” is too long."), path (d));
  g_free (*out);
  *out = g_strdup (text);
  return TRUE;
}

static gboolean
read_text (Decoder    *d,
           JsonObject *obj,
           const char *key,
           char      **out)
{
  gsize mark = push_key (d, key);

  if (!check_text (d, json_object_get_member (obj, key), FALSE, out))
    return FALSE;
  pop (d, mark);
  return TRUE;
}

static gboolean
read_uuid (Decoder    *d,
           JsonObject *obj,
           const char *key,
           char      **out)
{
  gsize mark = push_key (d, key);

  if (!check_text (d, json_object_get_member (obj, key), TRUE, out))
    return FALSE;
  if (!kt_uuid_is_valid (*out))
    return fail (d, KT_CODEC_ERROR_INVALID, _("The field “%s” is not a valid id."), path (d));
  pop (d, mark);
  return TRUE;
}

static gboolean
is_domain_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > KT_DOMAIN_ID_MAX)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_islower (id[i]) && !g_ascii_isdigit (id[i]) && id[i] != '_' && id[i] != '-')
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_domain_id (Decoder   *d,
                 JsonNode  *node,
                 char     **out)
{
  if (!check_text (d, node, TRUE, out))
    return FALSE;
  if (!is_domain_id (*out))
    return fail (d, KT_CODEC_ERROR_INVALID, _("The field “%s” is not a valid life-domain id."), path (d));
  return TRUE;
}

static gboolean
read_domain_id (Decoder    *d,
                JsonObject *obj,
                const char *key,
                char      **out)
{
  gsize mark = push_key (d, key);

  if (!check_domain_id (d, json_object_get_member (obj, key), out))
    return FALSE;
  pop (d, mark);
  return TRUE;
}

static gboolean
read_date (Decoder    *d,
           JsonObject *obj,
           const char *key,
           char      **out)
{
  gsize mark = push_key (d, key);

  if (!check_text (d, json_object_get_member (obj, key), FALSE, out))
    return FALSE;
  if (*out != NULL && !kt_date_is_valid (*out))
    return fail (d, KT_CODEC_ERROR_INVALID, _("The field “%s” is not a valid date."), path (d));
  pop (d, mark);
  return TRUE;
}

static gboolean
read_int (Decoder    *d,
          JsonObject *obj,
          const char *key,
          gint64      min,
          gint64      max,
          gint64      fallback,
          gint64     *out)
{
  JsonNode *node = json_object_get_member (obj, key);
  gsize mark = push_key (d, key);
  gint64 value;

  if (node == NULL)
    {
      *out = fallback;
      pop (d, mark);
      return TRUE;
    }
  if (!is_value_of (node, G_TYPE_INT64))
    return fail (d, KT_CODEC_ERROR_TYPE, _("The field “%s” must be a whole number."), path (d));
  value = json_node_get_int (node);
  if (value < min || value > max)
    return fail (d, KT_CODEC_ERROR_RANGE, _("The field “%s” is out of range."), path (d));
  *out = value;
  pop (d, mark);
  return TRUE;
}

static gboolean
read_small_int (Decoder    *d,
                JsonObject *obj,
                const char *key,
                int         min,
                int         max,
                int        *out)
{
  gint64 value;

  if (!read_int (d, obj, key, min, max, *out, &value))
    return FALSE;
  *out = (int) value;
  return TRUE;
}

static gboolean
read_time (Decoder    *d,
           JsonObject *obj,
           const char *key,
           gint64     *out)
{
  return read_int (d, obj, key, 0, KT_TIME_MAX, 0, out);
}

static gboolean
read_bool (Decoder    *d,
           JsonObject *obj,
           const char *key,
           gboolean   *out)
{
  JsonNode *node = json_object_get_member (obj, key);
  gsize mark = push_key (d, key);

  if (node != NULL)
    {
      if (!is_value_of (node, G_TYPE_BOOLEAN))
        return fail (d, KT_CODEC_ERROR_TYPE, _("The field “%s” must be true or false."), path (d));
      *out = json_node_get_boolean (node);
    }
  pop (d, mark);
  return TRUE;
}

static gboolean
check_name (Decoder            *d,
            JsonNode           *node,
            const char * const *names,
            guint               n_names,
            int                *out)
{
  if (!is_value_of (node, G_TYPE_STRING))
    return fail (d, KT_CODEC_ERROR_TYPE, _("The field “%s” must be text."), path (d));
  if (!kt_enum_from_name (names, n_names, json_node_get_string (node), out))
    return fail (d, KT_CODEC_ERROR_RANGE, _("The field “%s” has an unknown value."), path (d));
  return TRUE;
}

/* Enums are stored in int-sized fields; @out points at one. */
static gboolean
read_enum (Decoder            *d,
           JsonObject         *obj,
           const char         *key,
           const char * const *names,
           guint               n_names,
           gpointer            out)
{
  JsonNode *node = json_object_get_member (obj, key);
  gsize mark = push_key (d, key);
  int value;

  if (node != NULL)
    {
      if (!check_name (d, node, names, n_names, &value))
        return FALSE;
      *(int *) out = value;
    }
  pop (d, mark);
  return TRUE;
}

/* The array at @key, or NULL (and TRUE) when it is absent; the path is left
 * pointing at @key, and *@mark says where to pop back to. */
static gboolean
open_array (Decoder     *d,
            JsonObject  *obj,
            const char  *key,
            guint        max,
            gsize       *mark,
            JsonArray  **out)
{
  JsonNode *node = json_object_get_member (obj, key);

  *mark = push_key (d, key);
  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (d, KT_CODEC_ERROR_TYPE, _("The field “%s” must be a list."), path (d));
  if (json_array_get_length (json_node_get_array (node)) > max)
    return fail (d, KT_CODEC_ERROR_TOO_LARGE, _("The list “%s” has too many elements."), path (d));
  *out = json_node_get_array (node);
  return TRUE;
}

static gboolean
read_bits (Decoder            *d,
           JsonObject         *obj,
           const char         *key,
           const char * const *names,
           guint               n_names,
           gpointer            out)
{
  JsonArray *array;
  guint bits = 0;
  gsize mark;

  if (!open_array (d, obj, key, n_names, &mark, &array))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      gsize item_mark = push_index (d, i);
      int index;

      if (!check_name (d, json_array_get_element (array, i), names, n_names, &index))
        return FALSE;
      if (bits & (1u << index))
        return fail (d, KT_CODEC_ERROR_INVALID, _("The list “%s” holds a value twice."), path (d));
      bits |= 1u << index;
      pop (d, item_mark);
    }
  *(guint *) out = bits;
  pop (d, mark);
  return TRUE;
}

static gboolean
read_objects (Decoder    *d,
              JsonObject *obj,
              const char *key,
              guint       max,
              DecodeFunc  func,
              GPtrArray  *into)
{
  JsonArray *array;
  gsize mark;

  if (!open_array (d, obj, key, max, &mark, &array))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      gsize item_mark = push_index (d, i);
      gpointer item;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (d, KT_CODEC_ERROR_TYPE, _("The field “%s” must be an object."), path (d));
      item = func (d, json_node_get_object (node));
      if (item == NULL)
        return FALSE;
      g_ptr_array_add (into, item);
      pop (d, item_mark);
    }
  pop (d, mark);
  return TRUE;
}

/* A list of text; with @domain_ids every element must be a domain id. */
static gboolean
read_texts (Decoder    *d,
            JsonObject *obj,
            const char *key,
            guint       max,
            gboolean    domain_ids,
            GPtrArray  *into)
{
  JsonArray *array;
  gsize mark;

  if (!open_array (d, obj, key, max, &mark, &array))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      gsize item_mark = push_index (d, i);
      g_autofree char *text = NULL;

      if (domain_ids ? !check_domain_id (d, node, &text) : !check_text (d, node, TRUE, &text))
        return FALSE;
      g_ptr_array_add (into, g_steal_pointer (&text));
      pop (d, item_mark);
    }
  pop (d, mark);
  return TRUE;
}

/* The object at @key, or NULL (and TRUE) when absent; leaves the path at
 * @key for the caller to pop with *@mark. */
static gboolean
open_object (Decoder     *d,
             JsonObject  *obj,
             const char  *key,
             gsize       *mark,
             JsonObject **out)
{
  JsonNode *node = json_object_get_member (obj, key);

  *mark = push_key (d, key);
  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (d, KT_CODEC_ERROR_TYPE, _("The field “%s” must be an object."), path (d));
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
read_header (Decoder        *d,
             JsonObject     *root,
             KtRecordHeader *header)
{
  JsonNode *schema = json_object_get_member (root, "schema");
  JsonNode *kind = json_object_get_member (root, "kind");
  gsize mark;
  int value;

  mark = push_key (d, "schema");
  if (schema == NULL || JSON_NODE_HOLDS_NULL (schema))
    return fail (d, KT_CODEC_ERROR_SCHEMA, _("The field “%s” is missing."), path (d));
  if (!is_value_of (schema, G_TYPE_STRING) || g_strcmp0 (json_node_get_string (schema), KT_SCHEMA) != 0)
    return fail (d, KT_CODEC_ERROR_SCHEMA, _("The field “%s” names a schema version this program does not know."), path (d));
  pop (d, mark);

  mark = push_key (d, "kind");
  if (kind == NULL || JSON_NODE_HOLDS_NULL (kind))
    return fail (d, KT_CODEC_ERROR_MISSING, _("The field “%s” is missing."), path (d));
  if (!check_name (d, kind, (const char * const[]) { "case", "conversation", "plan" }, KT_N_KINDS, &value))
    return FALSE;
  header->kind = value;
  pop (d, mark);

  /* rev and the timestamps are required, unlike the body's numbers. */
  for (guint i = 0; i < 3; i++)
    {
      const char *key = (const char * const[]) { "rev", "created", "updated" }[i];

      if (json_object_get_member (root, key) == NULL)
        {
          push_key (d, key);
          return fail (d, KT_CODEC_ERROR_MISSING, _("The field “%s” is missing."), path (d));
        }
    }

  return read_uuid (d, root, "id", &header->id) &&
         read_int (d, root, "rev", 0, G_MAXINT64, 0, &header->rev) &&
         read_time (d, root, "created", &header->created) &&
         read_time (d, root, "updated", &header->updated);
}

/* Case */

static gpointer
decode_member (Decoder    *d,
               JsonObject *obj)
{
  g_autoptr(KtMember) m = kt_member_new ();

  if (!read_uuid (d, obj, "id", &m->id) ||
      !read_text (d, obj, "name", &m->name) ||
      !read_small_int (d, obj, "birth_year", 0, 9999, &m->birth_year) ||
      !read_text (d, obj, "relation", &m->relation))
    return NULL;
  return g_steal_pointer (&m);
}

static gpointer
decode_consent_event (Decoder    *d,
                      JsonObject *obj)
{
  g_autoptr(KtConsentEvent) e = kt_consent_event_new ();

  if (!read_enum (d, obj, "kind", kt_consent_event_names, KT_N_CONSENT_EVENTS, &e->kind) ||
      !read_date (d, obj, "date", &e->date) ||
      !read_enum (d, obj, "form", kt_form_names, KT_N_FORMS, &e->form) ||
      !read_text (d, obj, "recorded_by", &e->recorded_by))
    return NULL;
  return g_steal_pointer (&e);
}

static gpointer
decode_consent (Decoder    *d,
                JsonObject *obj)
{
  g_autoptr(KtConsent) c = kt_consent_new ();
  g_autoptr(GPtrArray) receivers = g_ptr_array_new_with_free_func (g_free);

  if (!read_uuid (d, obj, "id", &c->id) ||
      !read_text (d, obj, "purpose", &c->purpose) ||
      !read_text (d, obj, "party", &c->party) ||
      !read_enum (d, obj, "status", kt_consent_status_names, KT_N_CONSENT_STATUSES, &c->status) ||
      !read_date (d, obj, "date", &c->date) ||
      !read_enum (d, obj, "form", kt_form_names, KT_N_FORMS, &c->form) ||
      !read_bool (d, obj, "share_without_consent", &c->share_without_consent) ||
      !read_text (d, obj, "reasoning", &c->reasoning) ||
      !read_objects (d, obj, "events", KT_MAX_CONSENT_EVENTS, decode_consent_event, c->events) ||
      !read_texts (d, obj, "receivers", KT_MAX_RECEIVERS, FALSE, receivers))
    return NULL;
  if (receivers->len > 0)
    {
      g_ptr_array_add (receivers, NULL);
      c->receivers = (GStrv) g_ptr_array_free (g_steal_pointer (&receivers), FALSE);
    }
  /* Consents stored before the history get it from their one status; with
   * a history, the history decides the current state. */
  if (c->events->len == 0)
    kt_consent_migrate (c);
  else
    kt_consent_update_state (c);
  return g_steal_pointer (&c);
}

static gpointer
decode_network_person (Decoder    *d,
                       JsonObject *obj)
{
  g_autoptr(KtNetworkPerson) p = kt_network_person_new ();

  if (!read_uuid (d, obj, "id", &p->id) ||
      !read_text (d, obj, "name", &p->name) ||
      !read_text (d, obj, "relation", &p->relation) ||
      !read_enum (d, obj, "kind", kt_network_kind_names, KT_N_NETWORK_KINDS, &p->kind) ||
      !read_text (d, obj, "organisation", &p->organisation) ||
      !read_text (d, obj, "role", &p->role) ||
      !read_text (d, obj, "contact", &p->contact) ||
      !read_text (d, obj, "frequency", &p->frequency) ||
      !read_bool (d, obj, "unaware", &p->unaware) ||
      !read_bool (d, obj, "no_contact", &p->no_contact))
    return NULL;
  return g_steal_pointer (&p);
}

static gboolean
decode_request (Decoder    *d,
                JsonObject *root,
                KtRequest  *r)
{
  JsonObject *obj;
  gsize mark;

  if (!open_object (d, root, "request", &mark, &obj))
    return FALSE;
  if (obj != NULL &&
      (!read_date (d, obj, "date", &r->date) ||
       !read_enum (d, obj, "channel", kt_channel_names, KT_N_CHANNELS, &r->channel) ||
       !read_text (d, obj, "question", &r->question) ||
       !read_text (d, obj, "intaker", &r->intaker) ||
       !read_enum (d, obj, "urgency", kt_urgency_names, KT_N_URGENCIES, &r->urgency) ||
       !read_bool (d, obj, "safety_concern", &r->safety_concern) ||
       !read_text (d, obj, "safety_note", &r->safety_note) ||
       !read_text (d, obj, "own_strength", &r->own_strength) ||
       !read_bool (d, obj, "client_support_offered", &r->client_support_offered) ||
       !read_bool (d, obj, "own_plan_wanted", &r->own_plan_wanted)))
    return FALSE;
  pop (d, mark);
  return TRUE;
}

static KtCase *
decode_case (Decoder    *d,
             JsonObject *root)
{
  g_autoptr(KtCase) c = kt_case_new ();

  if (!read_header (d, root, &c->header))
    return NULL;
  if (c->header.kind != KT_KIND_CASE)
    return fail (d, KT_CODEC_ERROR_INVALID, _("The field “%s” does not name a case."), "kind"), NULL;

  if (!read_text (d, root, "household", &c->household) ||
      !read_objects (d, root, "members", KT_MAX_MEMBERS, decode_member, c->members) ||
      !read_text (d, root, "address", &c->address) ||
      !read_text (d, root, "phone", &c->phone) ||
      !read_text (d, root, "email", &c->email) ||
      !decode_request (d, root, &c->request) ||
      !read_objects (d, root, "consents", KT_MAX_CONSENTS, decode_consent, c->consents) ||
      !read_objects (d, root, "network", KT_MAX_NETWORK, decode_network_person, c->network) ||
      !read_text (d, root, "team", &c->team) ||
      !read_text (d, root, "coach", &c->coach) ||
      !read_text (d, root, "lead_id", &c->lead_id) ||
      !read_text (d, root, "lead_reason", &c->lead_reason) ||
      !read_bool (d, root, "lead_agreed", &c->lead_agreed) ||
      !read_text (d, root, "contact_person_id", &c->contact_person_id) ||
      !read_text (d, root, "evaluator_id", &c->evaluator_id) ||
      !read_enum (d, root, "phase", kt_phase_names, KT_N_PHASES, &c->phase) ||
      !read_date (d, root, "conversation_deadline", &c->conversation_deadline) ||
      !read_date (d, root, "own_plan_deadline", &c->own_plan_deadline) ||
      !read_date (d, root, "evaluation_date", &c->evaluation_date) ||
      !read_date (d, root, "follow_up_date", &c->follow_up_date) ||
      !read_date (d, root, "decision_deadline", &c->decision_deadline) ||
      !read_enum (d, root, "close_reason", kt_close_reason_names, KT_N_CLOSE_REASONS, &c->close_reason) ||
      !read_text (d, root, "close_note", &c->close_note) ||
      !read_text (d, root, "close_words", &c->close_words) ||
      !read_date (d, root, "closed_date", &c->closed_date) ||
      !read_text (d, root, "follow_up_contact", &c->follow_up_contact) ||
      !read_date (d, root, "follow_up_checked", &c->follow_up_checked) ||
      !read_text (d, root, "follow_up_note", &c->follow_up_note) ||
      !read_small_int (d, root, "reopened", 0, 10000, &c->reopened) ||
      !read_bool (d, root, "solved_at_desk", &c->solved_at_desk) ||
      !read_text (d, root, "desk_note", &c->desk_note) ||
      !read_bool (d, root, "easy_read", &c->easy_read) ||
      !read_bool (d, root, "stuck", &c->stuck) ||
      !read_text (d, root, "stuck_reason", &c->stuck_reason) ||
      !read_date (d, root, "stuck_date", &c->stuck_date))
    return NULL;
  return g_steal_pointer (&c);
}

/* Conversation */

static gboolean read_reference (Decoder *d, JsonObject *obj, const char *key, char **out);

static gpointer
decode_member_voice (Decoder    *d,
                     JsonObject *obj)
{
  g_autoptr(KtMemberVoice) v = kt_member_voice_new (NULL);

  if (!read_reference (d, obj, "member_id", &v->member_id) ||
      !read_text (d, obj, "words", &v->words) ||
      !read_text (d, obj, "wish", &v->wish))
    return NULL;
  return g_steal_pointer (&v);
}

/* Member ids: each one named once, none empty. */
static gboolean
read_member_ids (Decoder    *d,
                 JsonObject *obj,
                 const char *key,
                 GStrv      *out)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  gsize mark;

  if (!read_texts (d, obj, key, KT_MAX_VOICES, FALSE, ids))
    return FALSE;
  mark = push_key (d, key);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);

      if (id == NULL || *id == '\0')
        return fail (d, KT_CODEC_ERROR_INVALID, _("The field “%s” names an empty member."), path (d));
      for (guint j = 0; j < i; j++)
        {
          if (g_strcmp0 (id, g_ptr_array_index (ids, j)) == 0)
            return fail (d, KT_CODEC_ERROR_INVALID, _("The field “%s” names a member twice."), path (d));
        }
    }
  pop (d, mark);
  g_ptr_array_add (ids, NULL);
  g_strfreev (*out);
  *out = (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
  return TRUE;
}

static gpointer
decode_entry (Decoder    *d,
              JsonObject *obj)
{
  g_autoptr(KtDomainEntry) e = kt_domain_entry_new (NULL);

  if (!read_domain_id (d, obj, "domain_id", &e->domain_id) ||
      !read_enum (d, obj, "state", kt_domain_state_names, KT_N_DOMAIN_STATES, &e->state) ||
      !read_text (d, obj, "skip_reason", &e->skip_reason) ||
      !read_text (d, obj, "going_well", &e->going_well) ||
      !read_text (d, obj, "concern", &e->concern) ||
      !read_small_int (d, obj, "level", KT_LEVEL_NONE, KT_LEVEL_MAX, &e->level) ||
      !read_bits (d, obj, "helpers", kt_helper_names, KT_N_HELPER_BITS, &e->helpers) ||
      !read_text (d, obj, "wish", &e->wish) ||
      !read_small_int (d, obj, "priority", 0, 3, &e->priority) ||
      !read_bool (d, obj, "safety_flag", &e->safety_flag) ||
      !read_bool (d, obj, "nothing_to_discuss", &e->nothing_to_discuss) ||
      !read_member_ids (d, obj, "about", &e->about) ||
      !read_objects (d, obj, "voices", KT_MAX_VOICES, decode_member_voice, e->voices))
    return NULL;
  return g_steal_pointer (&e);
}

static gboolean
read_reference (Decoder    *d,
                JsonObject *obj,
                const char *key,
                char      **out)
{
  gsize mark = push_key (d, key);

  if (!check_text (d, json_object_get_member (obj, key), TRUE, out))
    return FALSE;
  pop (d, mark);
  return TRUE;
}

static gpointer
decode_safety_check (Decoder    *d,
                     JsonObject *obj)
{
  g_autoptr(KtSafetyCheck) c = kt_safety_check_new (NULL);

  if (!read_reference (d, obj, "member_id", &c->member_id) ||
      !read_bool (d, obj, "checked", &c->checked) ||
      !read_bool (d, obj, "concern", &c->concern) ||
      !read_text (d, obj, "note", &c->note))
    return NULL;
  return g_steal_pointer (&c);
}

static gpointer
decode_supporter (Decoder    *d,
                  JsonObject *obj)
{
  g_autoptr(KtSupporter) s = kt_supporter_new (NULL, KT_RING_OWN);

  if (!read_reference (d, obj, "person_id", &s->person_id) ||
      !read_enum (d, obj, "ring", kt_ring_names, KT_N_RINGS, &s->ring))
    return NULL;
  return g_steal_pointer (&s);
}

static gpointer
decode_goal_progress (Decoder    *d,
                      JsonObject *obj)
{
  g_autoptr(KtGoalProgress) p = kt_goal_progress_new (NULL);

  if (!read_text (d, obj, "goal_id", &p->goal_id) ||
      !read_enum (d, obj, "status", kt_goal_status_names, KT_N_GOAL_STATUSES, &p->status) ||
      !read_text (d, obj, "note", &p->note))
    return NULL;
  return g_steal_pointer (&p);
}

static gpointer
decode_new_question (Decoder    *d,
                     JsonObject *obj)
{
  g_autoptr(KtNewQuestion) q = kt_new_question_new (NULL);

  if (!read_domain_id (d, obj, "domain_id", &q->domain_id) ||
      !read_text (d, obj, "note", &q->note) ||
      !read_bool (d, obj, "as_goal", &q->as_goal))
    return NULL;
  return g_steal_pointer (&q);
}

static gboolean decode_agreement (Decoder *d, JsonObject *root, KtAgreement *a);

static gboolean
decode_wheel (Decoder        *d,
              JsonObject     *root,
              KtConversation *c)
{
  JsonObject *wheel;
  gsize mark;

  if (!open_object (d, root, "wheel", &mark, &wheel))
    return FALSE;
  for (guint i = 0; wheel != NULL && i < KT_N_SEGMENTS; i++)
    {
      KtWheelSegment *w = &c->wheel[i];
      JsonObject *obj;
      gsize segment_mark;

      if (!open_object (d, wheel, kt_segment_names[i], &segment_mark, &obj))
        return FALSE;
      if (obj != NULL &&
          (!read_small_int (d, obj, "current", KT_WHEEL_UNSET, KT_WHEEL_MAX, &w->current) ||
           !read_small_int (d, obj, "target", KT_WHEEL_UNSET, KT_WHEEL_MAX, &w->target) ||
           !read_small_int (d, obj, "previous", KT_WHEEL_UNSET, KT_WHEEL_MAX, &w->previous) ||
           !read_objects (d, obj, "supporters", KT_MAX_SUPPORTERS, decode_supporter, w->supporters)))
        return FALSE;
      pop (d, segment_mark);
    }
  pop (d, mark);
  return TRUE;
}

static KtConversation *
decode_conversation (Decoder    *d,
                     JsonObject *root)
{
  g_autoptr(KtConversation) c = kt_conversation_new ();

  if (!read_header (d, root, &c->header))
    return NULL;
  if (c->header.kind != KT_KIND_CONVERSATION)
    return fail (d, KT_CODEC_ERROR_INVALID, _("The field “%s” does not name a conversation."), "kind"), NULL;

  if (!read_uuid (d, root, "case_id", &c->case_id) ||
      !read_date (d, root, "date", &c->date) ||
      !read_bits (d, root, "present", kt_present_names, KT_N_PRESENT_BITS, &c->present) ||
      !read_text (d, root, "catalogue_id", &c->catalogue_id) ||
      !read_small_int (d, root, "catalogue_version", 0, G_MAXINT, &c->catalogue_version) ||
      !read_objects (d, root, "entries", KT_MAX_ENTRIES, decode_entry, c->entries) ||
      !read_objects (d, root, "safety_checks", KT_MAX_SAFETY_CHECKS, decode_safety_check, c->safety_checks) ||
      !decode_wheel (d, root, c) ||
      !read_text (d, root, "own_words", &c->own_words) ||
      !read_text (d, root, "notes", &c->notes) ||
      !read_bool (d, root, "complete", &c->complete) ||
      !read_bool (d, root, "is_evaluation", &c->is_evaluation) ||
      !read_objects (d, root, "progress", KT_MAX_PROGRESS, decode_goal_progress, c->progress) ||
      !read_objects (d, root, "new_questions", KT_MAX_ENTRIES, decode_new_question, c->new_questions) ||
      !decode_agreement (d, root, &c->agreement))
    return NULL;
  return g_steal_pointer (&c);
}

/* Plan */

static gpointer
decode_action (Decoder    *d,
               JsonObject *obj)
{
  g_autoptr(KtAction) a = kt_action_new ();

  if (!read_uuid (d, obj, "id", &a->id) ||
      !read_text (d, obj, "what", &a->what) ||
      !read_enum (d, obj, "actor", kt_actor_names, KT_N_ACTORS, &a->actor) ||
      !read_text (d, obj, "who", &a->who) ||
      !read_date (d, obj, "due", &a->due) ||
      !read_bool (d, obj, "done", &a->done) ||
      !read_date (d, obj, "done_date", &a->done_date) ||
      !read_text (d, obj, "done_note", &a->done_note))
    return NULL;
  return g_steal_pointer (&a);
}

static gpointer
decode_goal (Decoder    *d,
             JsonObject *obj)
{
  g_autoptr(KtGoal) g = kt_goal_new ();
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func (g_free);

  if (!read_uuid (d, obj, "id", &g->id) ||
      !read_text (d, obj, "title", &g->title) ||
      !read_texts (d, obj, "domains", KT_MAX_GOAL_DOMAINS, TRUE, domains) ||
      !read_bits (d, obj, "segments", kt_segment_names, KT_N_SEGMENTS, &g->segments) ||
      !read_member_ids (d, obj, "members", &g->members) ||
      !read_text (d, obj, "difference", &g->difference) ||
      !read_objects (d, obj, "actions", KT_MAX_ACTIONS, decode_action, g->actions) ||
      !read_date (d, obj, "evaluation_date", &g->evaluation_date) ||
      !read_enum (d, obj, "status", kt_goal_status_names, KT_N_GOAL_STATUSES, &g->status) ||
      !read_texts (d, obj, "progress_notes", KT_MAX_NOTES, FALSE, g->progress_notes))
    return NULL;
  g_ptr_array_add (domains, NULL);
  g_strfreev (g->domains);
  g->domains = (GStrv) g_ptr_array_free (g_steal_pointer (&domains), FALSE);
  return g_steal_pointer (&g);
}

static gpointer
decode_provision (Decoder    *d,
                  JsonObject *obj)
{
  g_autoptr(KtProvision) p = kt_provision_new ();

  if (!read_uuid (d, obj, "id", &p->id) ||
      !read_text (d, obj, "name", &p->name) ||
      !read_bool (d, obj, "tailored", &p->tailored) ||
      !read_text (d, obj, "acceptable", &p->acceptable) ||
      !read_text (d, obj, "cost_reasonable", &p->cost_reasonable) ||
      !read_text (d, obj, "standard_offer", &p->standard_offer) ||
      !read_text (d, obj, "own_options", &p->own_options) ||
      !read_enum (d, obj, "legal_basis", kt_legal_basis_names, KT_N_LEGAL_BASES, &p->legal_basis) ||
      !read_date (d, obj, "request_date", &p->request_date) ||
      !read_enum (d, obj, "decision_state", kt_decision_names, KT_N_DECISIONS, &p->decision_state) ||
      !read_date (d, obj, "decision_date", &p->decision_date) ||
      !read_text (d, obj, "decision", &p->decision) ||
      !read_date (d, obj, "valid_from", &p->valid_from) ||
      !read_date (d, obj, "until", &p->until) ||
      !read_enum (d, obj, "delivery", kt_delivery_names, KT_N_DELIVERIES, &p->delivery))
    return NULL;
  /* Before the decision had fields of its own it was one line of text;
   * such a record has no decision_state and is read into the fields. */
  if (json_object_get_member (obj, "decision_state") == NULL)
    kt_provision_migrate (p);
  return g_steal_pointer (&p);
}

static gpointer
decode_comment (Decoder    *d,
                JsonObject *obj)
{
  g_autoptr(KtReviewComment) c = kt_review_comment_new ();

  if (!read_text (d, obj, "goal_id", &c->goal_id) ||
      !read_text (d, obj, "author", &c->author) ||
      !read_text (d, obj, "text", &c->text) ||
      !read_time (d, obj, "at", &c->at))
    return NULL;
  return g_steal_pointer (&c);
}

static gboolean
decode_stroke (Decoder   *d,
               JsonArray *array,
               KtStroke  *stroke)
{
  guint n = json_array_get_length (array);

  if (n > KT_MAX_STROKE_POINTS || d->signature_numbers + n > KT_MAX_SIGNATURE_POINTS)
    return fail (d, KT_CODEC_ERROR_TOO_LARGE, _("The list “%s” has too many elements."), path (d));
  if (n % 2 != 0)
    return fail (d, KT_CODEC_ERROR_INVALID, _("The list “%s” must hold pairs of coordinates."), path (d));
  d->signature_numbers += n;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      gsize mark = push_index (d, i);
      double value;

      if (is_value_of (node, G_TYPE_DOUBLE))
        value = json_node_get_double (node);
      else if (is_value_of (node, G_TYPE_INT64))
        value = (double) json_node_get_int (node);
      else
        return fail (d, KT_CODEC_ERROR_TYPE, _("The field “%s” must be a number."), path (d));
      if (!isfinite (value) || value < 0.0 || value > 1.0)
        return fail (d, KT_CODEC_ERROR_RANGE, _("The field “%s” is out of range."), path (d));
      g_array_append_val (stroke->points, value);
      pop (d, mark);
    }
  return TRUE;
}

static gboolean
decode_agreement (Decoder     *d,
                  JsonObject  *root,
                  KtAgreement *a)
{
  JsonObject *obj;
  JsonArray *strokes;
  gsize mark, strokes_mark;

  if (!open_object (d, root, "agreement", &mark, &obj))
    return FALSE;
  if (obj == NULL)
    {
      pop (d, mark);
      return TRUE;
    }
  if (!read_enum (d, obj, "state", kt_agreement_names, KT_N_AGREEMENTS, &a->state) ||
      !read_date (d, obj, "date", &a->date) ||
      !read_text (d, obj, "remarks", &a->remarks) ||
      !read_enum (d, obj, "form", kt_form_names, KT_N_FORMS, &a->form) ||
      !open_array (d, obj, "signature", KT_MAX_STROKES, &strokes_mark, &strokes))
    return FALSE;
  for (guint i = 0; strokes != NULL && i < json_array_get_length (strokes); i++)
    {
      JsonNode *node = json_array_get_element (strokes, i);
      gsize item_mark = push_index (d, i);
      g_autoptr(KtStroke) stroke = kt_stroke_new ();

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return fail (d, KT_CODEC_ERROR_TYPE, _("The field “%s” must be a list."), path (d));
      if (!decode_stroke (d, json_node_get_array (node), stroke))
        return FALSE;
      g_ptr_array_add (a->signature, g_steal_pointer (&stroke));
      pop (d, item_mark);
    }
  pop (d, strokes_mark);
  pop (d, mark);
  return TRUE;
}

static gboolean
decode_safety_plan (Decoder      *d,
                    JsonObject   *root,
                    KtSafetyPlan *s)
{
  JsonObject *obj;
  gsize mark;

  if (!open_object (d, root, "safety", &mark, &obj))
    return FALSE;
  if (obj != NULL &&
      (!read_text (d, obj, "risks", &s->risks) ||
       !read_text (d, obj, "agreements", &s->agreements) ||
       !read_text (d, obj, "who_watches", &s->who_watches) ||
       !read_bool (d, obj, "veilig_thuis_consulted", &s->veilig_thuis_consulted)))
    return FALSE;
  pop (d, mark);
  return TRUE;
}

static KtPlan *
decode_plan (Decoder    *d,
             JsonObject *root)
{
  g_autoptr(KtPlan) p = kt_plan_new ();

  if (!read_header (d, root, &p->header))
    return NULL;
  if (p->header.kind != KT_KIND_PLAN)
    return fail (d, KT_CODEC_ERROR_INVALID, _("The field “%s” does not name a plan."), "kind"), NULL;

  if (!read_uuid (d, root, "case_id", &p->case_id) ||
      !read_small_int (d, root, "version", 1, G_MAXINT, &p->version) ||
      !read_text (d, root, "question", &p->question) ||
      !read_objects (d, root, "goals", KT_MAX_GOALS, decode_goal, p->goals) ||
      !read_text (d, root, "case_lead", &p->legacy_case_lead) ||
      !read_text (d, root, "contact_person", &p->contact_person) ||
      !read_text (d, root, "evaluator", &p->evaluator) ||
      !read_objects (d, root, "provisions", KT_MAX_PROVISIONS, decode_provision, p->provisions) ||
      !read_bool (d, root, "safety_required", &p->safety_required) ||
      !decode_safety_plan (d, root, &p->safety) ||
      !decode_agreement (d, root, &p->agreement) ||
      !read_text (d, root, "conversation_note", &p->conversation_note) ||
      !read_enum (d, root, "review", kt_review_names, KT_N_REVIEW_STATES, &p->review) ||
      !read_text (d, root, "author", &p->author) ||
      !read_text (d, root, "reviewer", &p->reviewer) ||
      !read_time (d, root, "submitted_at", &p->submitted_at) ||
      !read_objects (d, root, "comments", KT_MAX_COMMENTS, decode_comment, p->comments))
    return NULL;
  return g_steal_pointer (&p);
}

/* Entry points */

/* Reads the raw document with the one JSON reader; the root object stays
 * owned by *@node. */
static JsonObject *
parse_root (Decoder   *d,
            GBytes    *json,
            JsonNode **node)
{
  g_autoptr(GError) read_error = NULL;
  JsonNode *root = kt_json_read_bytes (json, KT_DOCUMENT_MAX_SIZE, KT_MAX_DEPTH, &read_error);

  if (root == NULL)
    {
      /* The reader's message gives a byte offset, which means nothing to
       * the person who is told that a record cannot be read. */
      switch (read_error->code)
        {
        case KT_JSON_READER_ERROR_TOO_LARGE:
          g_set_error (d->error, KT_CODEC_ERROR, KT_CODEC_ERROR_TOO_LARGE,
                       _("The document is larger than %u bytes."), (guint) KT_DOCUMENT_MAX_SIZE);
          break;
        case KT_JSON_READER_ERROR_TOO_DEEP:
          g_set_error_literal (d->error, KT_CODEC_ERROR, KT_CODEC_ERROR_TOO_LARGE,
                               _("The document is nested too deeply."));
          break;
        case KT_JSON_READER_ERROR_NOT_UTF8:
          g_set_error_literal (d->error, KT_CODEC_ERROR, KT_CODEC_ERROR_SYNTAX,
                               _("The document is not valid UTF-8 text."));
          break;
        case KT_JSON_READER_ERROR_DUPLICATE_KEY:
          g_set_error_literal (d->error, KT_CODEC_ERROR, KT_CODEC_ERROR_SYNTAX,
                               _("The document holds a field twice."));
          break;
        case KT_JSON_READER_ERROR_NUMBER:
          g_set_error_literal (d->error, KT_CODEC_ERROR, KT_CODEC_ERROR_RANGE,
                               _("The document holds a number out of range."));
          break;
        default:
          g_set_error_literal (d->error, KT_CODEC_ERROR, KT_CODEC_ERROR_SYNTAX,
                               _("The document is not valid JSON."));
          break;
        }
      return NULL;
    }
  *node = root;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (d->error, KT_CODEC_ERROR, KT_CODEC_ERROR_TYPE,
                           _("The document is not a JSON object."));
      return NULL;
    }
  return json_node_get_object (root);
}

#define DECODE(func, json, error) \
  G_STMT_START { \
    g_autoptr(JsonNode) node = NULL; \
    g_autoptr(GString) path_buf = g_string_new (NULL); \
    Decoder d = { path_buf, error, 0, NULL }; \
    JsonObject *root = parse_root (&d, json, &node); \
    return root != NULL ? func (&d, root) : NULL; \
  } G_STMT_END

KtCase *
kt_case_decode (GBytes  *json,
                GError **error)
{
  DECODE (decode_case, json, error);
}

KtConversation *
kt_conversation_decode (GBytes  *json,
                        GError **error)
{
  DECODE (decode_conversation, json, error);
}

KtPlan *
kt_plan_decode (GBytes  *json,
                GError **error)
{
  DECODE (decode_plan, json, error);
}

gboolean
kt_document_decode (GBytes     *json,
                    KtDocument *out,
                    GError    **error)
{
  return kt_document_decode_full (json, out, NULL, error);
}

gboolean
kt_document_decode_full (GBytes     *json,
                         KtDocument *out,
                         char      **field,
                         GError    **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GString) path_buf = g_string_new (NULL);
  Decoder d = { path_buf, error, 0, field };
  KtRecordHeader header = { 0, };
  JsonObject *root;
  gboolean ok;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (field == NULL || *field == NULL, FALSE);

  out->kind = KT_N_KINDS;
  out->kase = NULL;
  out->conversation = NULL;
  out->plan = NULL;

  root = parse_root (&d, json, &node);
  if (root == NULL)
    return FALSE;
  ok = read_header (&d, root, &header);
  g_free (header.id);
  if (!ok)
    return FALSE;
  g_string_truncate (path_buf, 0);

  switch (header.kind)
    {
    case KT_KIND_CASE:
      out->kase = decode_case (&d, root);
      break;
    case KT_KIND_CONVERSATION:
      out->conversation = decode_conversation (&d, root);
      break;
    case KT_KIND_PLAN:
      out->plan = decode_plan (&d, root);
      break;
    case KT_N_KINDS:
    default:
      g_assert_not_reached ();
    }
  if (out->kase == NULL && out->conversation == NULL && out->plan == NULL)
    return FALSE;
  out->kind = header.kind;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Equality */

typedef gboolean (*EqualFunc) (gconstpointer a, gconstpointer b);

static gboolean
arrays_equal (const GPtrArray *a,
              const GPtrArray *b,
              EqualFunc        func)
{
  guint len_a = a != NULL ? a->len : 0;
  guint len_b = b != NULL ? b->len : 0;

  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    {
      if (!func (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
        return FALSE;
    }
  return TRUE;
}

static gboolean
string_equal (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (a, b) == 0;
}

static gboolean
strv_equal (const char * const *a,
            const char * const *b)
{
  guint len_a = a != NULL ? g_strv_length ((GStrv) a) : 0;
  guint len_b = b != NULL ? g_strv_length ((GStrv) b) : 0;

  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    {
      if (g_strcmp0 (a[i], b[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

#define STR_EQ(field) (g_strcmp0 (a->field, b->field) == 0)
#define VAL_EQ(field) (a->field == b->field)
#define BOOL_EQ(field) ((!a->field) == (!b->field))

static gboolean
header_equal (const KtRecordHeader *a,
              const KtRecordHeader *b)
{
  return VAL_EQ (kind) && STR_EQ (id) && VAL_EQ (rev) && VAL_EQ (created) && VAL_EQ (updated);
}

static gboolean
member_equal (gconstpointer pa,
              gconstpointer pb)
{
  const KtMember *a = pa, *b = pb;

  return STR_EQ (id) && STR_EQ (name) && VAL_EQ (birth_year) && STR_EQ (relation);
}

static gboolean
consent_event_equal (gconstpointer pa,
                     gconstpointer pb)
{
  const KtConsentEvent *a = pa, *b = pb;

  return VAL_EQ (kind) && STR_EQ (date) && VAL_EQ (form) && STR_EQ (recorded_by);
}

static gboolean
consent_equal (gconstpointer pa,
               gconstpointer pb)
{
  const KtConsent *a = pa, *b = pb;

  return STR_EQ (id) && STR_EQ (purpose) && STR_EQ (party) && VAL_EQ (status) &&
         STR_EQ (date) && VAL_EQ (form) && BOOL_EQ (share_without_consent) && STR_EQ (reasoning) &&
         arrays_equal (a->events, b->events, consent_event_equal) &&
         strv_equal ((const char * const *) a->receivers, (const char * const *) b->receivers);
}

static gboolean
network_person_equal (gconstpointer pa,
                      gconstpointer pb)
{
  const KtNetworkPerson *a = pa, *b = pb;

  return STR_EQ (id) && STR_EQ (name) && STR_EQ (relation) && VAL_EQ (kind) &&
         STR_EQ (organisation) && STR_EQ (role) && STR_EQ (contact) && STR_EQ (frequency) &&
         BOOL_EQ (unaware) && BOOL_EQ (no_contact);
}

static gboolean
request_equal (const KtRequest *a,
               const KtRequest *b)
{
  return STR_EQ (date) && VAL_EQ (channel) && STR_EQ (question) && STR_EQ (intaker) &&
         VAL_EQ (urgency) && BOOL_EQ (safety_concern) && STR_EQ (safety_note) &&
         STR_EQ (own_strength) && BOOL_EQ (client_support_offered) && BOOL_EQ (own_plan_wanted);
}

gboolean
kt_case_equal (const KtCase *a,
               const KtCase *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return header_equal (&a->header, &b->header) &&
         STR_EQ (household) &&
         arrays_equal (a->members, b->members, member_equal) &&
         STR_EQ (address) && STR_EQ (phone) && STR_EQ (email) &&
         request_equal (&a->request, &b->request) &&
         arrays_equal (a->consents, b->consents, consent_equal) &&
         arrays_equal (a->network, b->network, network_person_equal) &&
         STR_EQ (team) && STR_EQ (coach) && STR_EQ (lead_id) &&
         STR_EQ (lead_reason) && BOOL_EQ (lead_agreed) &&
         BOOL_EQ (stuck) && STR_EQ (stuck_reason) && STR_EQ (stuck_date) &&
         STR_EQ (contact_person_id) && STR_EQ (evaluator_id) &&
         VAL_EQ (phase) &&
         STR_EQ (conversation_deadline) && STR_EQ (own_plan_deadline) &&
         STR_EQ (evaluation_date) && STR_EQ (follow_up_date) && STR_EQ (decision_deadline) &&
         VAL_EQ (close_reason) && STR_EQ (close_note) && STR_EQ (close_words) &&
         STR_EQ (closed_date) && STR_EQ (follow_up_contact) && STR_EQ (follow_up_checked) &&
         STR_EQ (follow_up_note) && VAL_EQ (reopened) &&
         BOOL_EQ (solved_at_desk) && STR_EQ (desk_note) && BOOL_EQ (easy_read);
}

static gboolean
member_voice_equal (gconstpointer pa,
                    gconstpointer pb)
{
  const KtMemberVoice *a = pa, *b = pb;

  return STR_EQ (member_id) && STR_EQ (words) && STR_EQ (wish);
}

static gboolean
entry_equal (gconstpointer pa,
             gconstpointer pb)
{
  const KtDomainEntry *a = pa, *b = pb;

  return STR_EQ (domain_id) && VAL_EQ (state) && STR_EQ (skip_reason) &&
         STR_EQ (going_well) && STR_EQ (concern) && VAL_EQ (level) && VAL_EQ (helpers) &&
         STR_EQ (wish) && VAL_EQ (priority) && BOOL_EQ (safety_flag) &&
         BOOL_EQ (nothing_to_discuss) &&
         strv_equal ((const char * const *) a->about, (const char * const *) b->about) &&
         arrays_equal (a->voices, b->voices, member_voice_equal);
}

static gboolean
safety_check_equal (gconstpointer pa,
                    gconstpointer pb)
{
  const KtSafetyCheck *a = pa, *b = pb;

  return STR_EQ (member_id) && BOOL_EQ (checked) && BOOL_EQ (concern) && STR_EQ (note);
}

static gboolean
supporter_equal (gconstpointer pa,
                 gconstpointer pb)
{
  const KtSupporter *a = pa, *b = pb;

  return STR_EQ (person_id) && VAL_EQ (ring);
}

static gboolean
goal_progress_equal (gconstpointer pa,
                     gconstpointer pb)
{
  const KtGoalProgress *a = pa, *b = pb;

  return STR_EQ (goal_id) && VAL_EQ (status) && STR_EQ (note);
}

static gboolean
new_question_equal (gconstpointer pa,
                    gconstpointer pb)
{
  const KtNewQuestion *a = pa, *b = pb;

  return STR_EQ (domain_id) && STR_EQ (note) && BOOL_EQ (as_goal);
}

static gboolean agreement_equal (const KtAgreement *a, const KtAgreement *b);

static gboolean
wheel_segment_equal (const KtWheelSegment *a,
                     const KtWheelSegment *b)
{
  return VAL_EQ (current) && VAL_EQ (target) && VAL_EQ (previous) &&
         arrays_equal (a->supporters, b->supporters, supporter_equal);
}

gboolean
kt_conversation_equal (const KtConversation *a,
                       const KtConversation *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  for (guint i = 0; i < KT_N_SEGMENTS; i++)
    {
      if (!wheel_segment_equal (&a->wheel[i], &b->wheel[i]))
        return FALSE;
    }
  return header_equal (&a->header, &b->header) &&
         STR_EQ (case_id) && STR_EQ (date) && VAL_EQ (present) &&
         STR_EQ (catalogue_id) && VAL_EQ (catalogue_version) &&
         arrays_equal (a->entries, b->entries, entry_equal) &&
         arrays_equal (a->safety_checks, b->safety_checks, safety_check_equal) &&
         STR_EQ (own_words) && STR_EQ (notes) &&
         BOOL_EQ (complete) && BOOL_EQ (is_evaluation) &&
         arrays_equal (a->progress, b->progress, goal_progress_equal) &&
         arrays_equal (a->new_questions, b->new_questions, new_question_equal) &&
         agreement_equal (&a->agreement, &b->agreement);
}

static gboolean
action_equal (gconstpointer pa,
              gconstpointer pb)
{
  const KtAction *a = pa, *b = pb;

  return STR_EQ (id) && STR_EQ (what) && VAL_EQ (actor) && STR_EQ (who) &&
         STR_EQ (due) && BOOL_EQ (done) && STR_EQ (done_date) && STR_EQ (done_note);
}

static gboolean
goal_equal (gconstpointer pa,
            gconstpointer pb)
{
  const KtGoal *a = pa, *b = pb;

  return STR_EQ (id) && STR_EQ (title) &&
         strv_equal ((const char * const *) a->domains, (const char * const *) b->domains) &&
         VAL_EQ (segments) &&
         strv_equal ((const char * const *) a->members, (const char * const *) b->members) &&
         STR_EQ (difference) &&
         arrays_equal (a->actions, b->actions, action_equal) &&
         STR_EQ (evaluation_date) && VAL_EQ (status) &&
         arrays_equal (a->progress_notes, b->progress_notes, string_equal);
}

static gboolean
provision_equal (gconstpointer pa,
                 gconstpointer pb)
{
  const KtProvision *a = pa, *b = pb;

  return STR_EQ (id) && STR_EQ (name) && BOOL_EQ (tailored) && STR_EQ (acceptable) &&
         STR_EQ (cost_reasonable) && STR_EQ (standard_offer) && STR_EQ (own_options) &&
         VAL_EQ (legal_basis) && STR_EQ (request_date) && VAL_EQ (decision_state) &&
         STR_EQ (decision_date) && STR_EQ (decision) && STR_EQ (valid_from) && STR_EQ (until) &&
         VAL_EQ (delivery);
}

static gboolean
stroke_equal (gconstpointer pa,
              gconstpointer pb)
{
  const KtStroke *a = pa, *b = pb;
  guint len_a = a->points != NULL ? a->points->len : 0;
  guint len_b = b->points != NULL ? b->points->len : 0;

  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    {
      if (g_array_index (a->points, double, i) != g_array_index (b->points, double, i))
        return FALSE;
    }
  return TRUE;
}

static gboolean
comment_equal (gconstpointer pa,
               gconstpointer pb)
{
  const KtReviewComment *a = pa, *b = pb;

  return STR_EQ (goal_id) && STR_EQ (author) && STR_EQ (text) && VAL_EQ (at);
}

static gboolean
safety_plan_equal (const KtSafetyPlan *a,
                   const KtSafetyPlan *b)
{
  return STR_EQ (risks) && STR_EQ (agreements) && STR_EQ (who_watches) &&
         BOOL_EQ (veilig_thuis_consulted);
}

static gboolean
agreement_equal (const KtAgreement *a,
                 const KtAgreement *b)
{
  return VAL_EQ (state) && STR_EQ (date) && STR_EQ (remarks) && VAL_EQ (form) &&
         arrays_equal (a->signature, b->signature, stroke_equal);
}

gboolean
kt_plan_equal (const KtPlan *a,
               const KtPlan *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return header_equal (&a->header, &b->header) &&
         STR_EQ (case_id) && VAL_EQ (version) && STR_EQ (question) &&
         arrays_equal (a->goals, b->goals, goal_equal) &&
         STR_EQ (legacy_case_lead) && STR_EQ (contact_person) && STR_EQ (evaluator) &&
         arrays_equal (a->provisions, b->provisions, provision_equal) &&
         BOOL_EQ (safety_required) &&
         safety_plan_equal (&a->safety, &b->safety) &&
         agreement_equal (&a->agreement, &b->agreement) &&
         STR_EQ (conversation_note) && VAL_EQ (review) && STR_EQ (author) && STR_EQ (reviewer) &&
         VAL_EQ (submitted_at) &&
         arrays_equal (a->comments, b->comments, comment_equal);
}
