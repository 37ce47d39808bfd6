/* kt-plan.c: KtPlan, the ondersteuningsplan made with the household
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-plan"

#include "config.h"

#include "kt-plan.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kt-model-private.h"

G_DEFINE_BOXED_TYPE (KtPlan, kt_plan, kt_plan_ref, kt_plan_unref)

/* Actions and goals */

gboolean
kt_case_adopt_plan_lead (KtCase *kase,
                         KtPlan *plan)
{
  gboolean changed;

  g_return_val_if_fail (kase != NULL, FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);

  if (plan->legacy_case_lead == NULL)
    return FALSE;
  changed = *plan->legacy_case_lead != '\0' && g_strcmp0 (kase->lead_id, plan->legacy_case_lead) != 0;
  if (changed)
    {
      g_free (kase->lead_id);
      kase->lead_id = g_steal_pointer (&plan->legacy_case_lead);
    }
  g_clear_pointer (&plan->legacy_case_lead, g_free);
  return changed;
}

gboolean
kt_goal_is_household (const KtGoal *goal)
{
  g_return_val_if_fail (goal != NULL, TRUE);

  return goal->members == NULL || goal->members[0] == NULL;
}

gboolean
kt_goal_is_for_member (const KtGoal *goal,
                       const char   *member_id)
{
  g_return_val_if_fail (goal != NULL, FALSE);

  return member_id != NULL && goal->members != NULL &&
         g_strv_contains ((const char * const *) goal->members, member_id);
}

KtAction *
kt_action_new (void)
{
  KtAction *action = g_new0 (KtAction, 1);

  action->id = kt_uuid_new ();
  action->actor = KT_ACTOR_RESIDENT;
  return action;
}

void
kt_action_free (KtAction *action)
{
  if (action == NULL)
    return;
  g_free (action->id);
  g_free (action->what);
  g_free (action->who);
  g_free (action->due);
  g_free (action->done_date);
  g_free (action->done_note);
  g_free (action);
}

static gpointer
action_copy (gconstpointer src,
             gpointer      unused)
{
  const KtAction *a = src;
  KtAction *copy = g_memdup2 (a, sizeof *a);

  copy->id = g_strdup (a->id);
  copy->what = g_strdup (a->what);
  copy->who = g_strdup (a->who);
  copy->due = g_strdup (a->due);
  copy->done_date = g_strdup (a->done_date);
  copy->done_note = g_strdup (a->done_note);
  return copy;
}

KtGoal *
kt_goal_new (void)
{
  KtGoal *goal = g_new0 (KtGoal, 1);

  goal->id = kt_uuid_new ();
  goal->domains = g_new0 (char *, 1);
  goal->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_action_free);
  goal->progress_notes = g_ptr_array_new_with_free_func (g_free);
  goal->status = KT_GOAL_OPEN;
  return goal;
}

void
kt_goal_free (KtGoal *goal)
{
  if (goal == NULL)
    return;
  g_free (goal->id);
  g_free (goal->title);
  g_strfreev (goal->domains);
  g_strfreev (goal->members);
  g_free (goal->difference);
  g_clear_pointer (&goal->actions, g_ptr_array_unref);
  g_free (goal->evaluation_date);
  g_clear_pointer (&goal->progress_notes, g_ptr_array_unref);
  g_free (goal);
}

static gpointer
string_copy (gconstpointer src,
             gpointer      unused)
{
  return g_strdup (src);
}

static gpointer
goal_copy (gconstpointer src,
           gpointer      unused)
{
  const KtGoal *g = src;
  KtGoal *copy = g_new0 (KtGoal, 1);

  copy->id = g_strdup (g->id);
  copy->title = g_strdup (g->title);
  copy->domains = g->domains != NULL ? g_strdupv (g->domains) : g_new0 (char *, 1);
  copy->members = g_strdupv (g->members);
  copy->segments = g->segments;
  copy->difference = g_strdup (g->difference);
  copy->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_action_free);
  g_ptr_array_extend (copy->actions, g->actions, action_copy, NULL);
  copy->evaluation_date = g_strdup (g->evaluation_date);
  copy->status = g->status;
  copy->progress_notes = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_extend (copy->progress_notes, g->progress_notes, string_copy, NULL);
  return copy;
}

/* Provisions, strokes, comments */

KtProvision *
kt_provision_new (void)
{
  KtProvision *provision = g_new0 (KtProvision, 1);

  provision->id = kt_uuid_new ();
  return provision;
}

void
kt_provision_free (KtProvision *provision)
{
  if (provision == NULL)
    return;
  g_free (provision->id);
  g_free (provision->name);
  g_free (provision->acceptable);
  g_free (provision->cost_reasonable);
  g_free (provision->standard_offer);
  g_free (provision->own_options);
  g_free (provision->request_date);
  g_free (provision->decision_date);
  g_free (provision->decision);
  g_free (provision->valid_from);
  g_free (provision->until);
  g_free (provision);
}

static gpointer
provision_copy (gconstpointer src,
                gpointer      unused)
{
  const KtProvision *p = src;
  KtProvision *copy = g_memdup2 (p, sizeof *p);

  copy->id = g_strdup (p->id);
  copy->name = g_strdup (p->name);
  copy->acceptable = g_strdup (p->acceptable);
  copy->cost_reasonable = g_strdup (p->cost_reasonable);
  copy->standard_offer = g_strdup (p->standard_offer);
  copy->own_options = g_strdup (p->own_options);
  copy->request_date = g_strdup (p->request_date);
  copy->decision_date = g_strdup (p->decision_date);
  copy->decision = g_strdup (p->decision);
  copy->valid_from = g_strdup (p->valid_from);
  copy->until = g_strdup (p->until);
  return copy;
}

KtStroke *
kt_stroke_new (void)
{
  KtStroke *stroke = g_new0 (KtStroke, 1);

  stroke->points = g_array_new (FALSE, FALSE, sizeof (double));
  return stroke;
}

void
kt_stroke_free (KtStroke *stroke)
{
  if (stroke == NULL)
    return;
  g_clear_pointer (&stroke->points, g_array_unref);
  g_free (stroke);
}

KtReviewComment *
kt_review_comment_new (void)
{
  return g_new0 (KtReviewComment, 1);
}

void
kt_review_comment_free (KtReviewComment *comment)
{
  if (comment == NULL)
    return;
  g_free (comment->goal_id);
  g_free (comment->author);
  g_free (comment->text);
  g_free (comment);
}

static gpointer
review_comment_copy (gconstpointer src,
                     gpointer      unused)
{
  const KtReviewComment *c = src;
  KtReviewComment *copy = kt_review_comment_new ();

  copy->goal_id = g_strdup (c->goal_id);
  copy->author = g_strdup (c->author);
  copy->text = g_strdup (c->text);
  copy->at = c->at;
  return copy;
}

/* The plan */

static KtPlan *
plan_alloc (void)
{
  KtPlan *self = g_atomic_rc_box_new0 (KtPlan);

  self->header.kind = KT_KIND_PLAN;
  self->goals = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_goal_free);
  self->provisions = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_provision_free);
  kt_agreement_init (&self->agreement);
  self->comments = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_review_comment_free);
  return self;
}

KtPlan *
kt_plan_new (void)
{
  KtPlan *self = plan_alloc ();

  self->header.id = kt_uuid_new ();
  self->header.created = self->header.updated = kt_now_seconds ();
  self->version = 1;
  self->review = KT_REVIEW_DRAFT;
  return self;
}

static void
plan_clear (KtPlan *self)
{
  g_free (self->header.id);
  g_free (self->case_id);
  g_free (self->question);
  g_free (self->conversation_note);
  g_clear_pointer (&self->goals, g_ptr_array_unref);
  g_free (self->legacy_case_lead);
  g_free (self->contact_person);
  g_free (self->evaluator);
  g_clear_pointer (&self->provisions, g_ptr_array_unref);
  g_free (self->safety.risks);
  g_free (self->safety.agreements);
  g_free (self->safety.who_watches);
  kt_agreement_clear (&self->agreement);
  g_free (self->author);
  g_free (self->reviewer);
  g_clear_pointer (&self->comments, g_ptr_array_unref);
}

KtPlan *
kt_plan_ref (KtPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
kt_plan_unref (KtPlan *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) plan_clear);
}

KtPlan *
kt_plan_copy (const KtPlan *self)
{
  KtPlan *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = plan_alloc ();
  copy->header = self->header;
  copy->header.id = g_strdup (self->header.id);
  copy->case_id = g_strdup (self->case_id);
  copy->version = self->version;
  copy->question = g_strdup (self->question);
  copy->conversation_note = g_strdup (self->conversation_note);
  g_ptr_array_extend (copy->goals, self->goals, goal_copy, NULL);
  copy->legacy_case_lead = g_strdup (self->legacy_case_lead);
  copy->contact_person = g_strdup (self->contact_person);
  copy->evaluator = g_strdup (self->evaluator);
  g_ptr_array_extend (copy->provisions, self->provisions, provision_copy, NULL);
  copy->safety_required = self->safety_required;
  copy->safety.risks = g_strdup (self->safety.risks);
  copy->safety.agreements = g_strdup (self->safety.agreements);
  copy->safety.who_watches = g_strdup (self->safety.who_watches);
  copy->safety.veilig_thuis_consulted = self->safety.veilig_thuis_consulted;
  kt_agreement_copy (&copy->agreement, &self->agreement);
  copy->review = self->review;
  copy->author = g_strdup (self->author);
  copy->reviewer = g_strdup (self->reviewer);
  copy->submitted_at = self->submitted_at;
  g_ptr_array_extend (copy->comments, self->comments, review_comment_copy, NULL);
  return copy;
}

/* Rules */

const char *
kt_provision_decision_date_problem (const KtProvision *provision)
{
  g_return_val_if_fail (provision != NULL, NULL);

  if (kt_date_is_valid (provision->decision_date) && kt_date_is_valid (provision->request_date) &&
      strcmp (provision->decision_date, provision->request_date) < 0)
    return _("The decision cannot be dated before the request.");
  return NULL;
}

const char *
kt_provision_period_problem (const KtProvision *provision)
{
  g_return_val_if_fail (provision != NULL, NULL);

  if (kt_date_is_valid (provision->valid_from) && kt_date_is_valid (provision->until) &&
      strcmp (provision->until, provision->valid_from) < 0)
    return _("The decision cannot end before it starts.");
  return NULL;
}

/* A requested or decided provision says under which law and when; a
 * decision has its date, not before the request; the period of validity
 * does not end before it starts. */
static gboolean
decision_is_consistent (const KtProvision *provision,
                        guint              number,
                        GError           **error)
{
  const char *missing = NULL;

  if (provision->decision_state == KT_DECISION_NONE)
    return TRUE;
  if (provision->legal_basis == KT_LEGAL_BASIS_NONE)
    missing = _("Choose the law the request is made under.");
  else if (!kt_date_is_valid (provision->request_date))
    missing = _("Fill in the date of the request.");
  else if (provision->decision_state != KT_DECISION_PENDING && !kt_date_is_valid (provision->decision_date))
    missing = _("Fill in the date of the decision.");
  else if (kt_provision_decision_date_problem (provision) != NULL)
    missing = kt_provision_decision_date_problem (provision);
  else
    missing = kt_provision_period_problem (provision);

  if (missing == NULL)
    return TRUE;
  /* Translators: "Provision 2: Fill in the date of the request." */
  g_set_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE, _("Provision %u: %s"), number, missing);
  return FALSE;
}

gboolean
kt_plan_validate (const KtPlan *self,
                  GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->safety_required)
    {
      const char *missing = NULL;

      if (kt_text_is_blank (self->safety.risks))
        missing = _("The safety plan is required: describe the risks.");
      else if (kt_text_is_blank (self->safety.agreements))
        missing = _("The safety plan is required: write down the safety agreements.");
      else if (kt_text_is_blank (self->safety.who_watches))
        missing = _("The safety plan is required: say who keeps watch.");

      if (missing != NULL)
        {
          g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_SAFETY_PLAN_REQUIRED, missing);
          return FALSE;
        }
    }

  for (guint i = 0; i < self->provisions->len; i++)
    {
      const KtProvision *provision = g_ptr_array_index (self->provisions, i);

      if (!provision->tailored)
        continue;
      if (kt_text_is_blank (provision->acceptable))
        g_set_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED,
                     _("Provision %u is tailored support: write down whether it is legitimate, socially acceptable and lawful."),
                     i + 1);
      else if (kt_text_is_blank (provision->standard_offer))
        g_set_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED,
                     _("Provision %u is tailored support: name the standard offer it was weighed against."),
                     i + 1);
      else if (kt_text_is_blank (provision->cost_reasonable))
        g_set_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED,
                     _("Provision %u is tailored support: write down whether it is economically sound against the standard offer."),
                     i + 1);
      else if (kt_text_is_blank (provision->own_options))
        g_set_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED,
                     _("Provision %u is tailored support: write down what the resident and their network can and will do themselves."),
                     i + 1);
      else if (!decision_is_consistent (provision, i + 1, error))
        ;
      else
        continue;
      return FALSE;
    }

  return TRUE;
}

gboolean
kt_plan_is_locked (const KtPlan *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->review == KT_REVIEW_SUBMITTED || self->review == KT_REVIEW_APPROVED;
}

gboolean
kt_plan_submit (KtPlan  *self,
                GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (kt_plan_is_locked (self))
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_LOCKED,
                           _("This plan has already been submitted."));
      return FALSE;
    }
  if (!kt_plan_validate (self, error))
    return FALSE;

  self->review = KT_REVIEW_SUBMITTED;
  self->submitted_at = kt_now_seconds ();
  return TRUE;
}

KtPlan *
kt_plan_new_version (const KtPlan *self)
{
  KtPlan *next;

  g_return_val_if_fail (self != NULL, NULL);

  next = kt_plan_copy (self);
  g_free (next->header.id);
  next->header.id = kt_uuid_new ();
  next->header.rev = 0;
  next->header.created = next->header.updated = kt_now_seconds ();
  next->version = self->version + 1;
  next->review = KT_REVIEW_DRAFT;
  next->submitted_at = 0;
  /* The review belongs to the version it was made on; the server refuses a
   * coach's record that carries one. */
  g_clear_pointer (&next->reviewer, g_free);
  g_ptr_array_set_size (next->comments, 0);
  kt_agreement_clear (&next->agreement);
  kt_agreement_init (&next->agreement);
  return next;
}

/* Enum names and labels */

const char * const kt_review_names[KT_N_REVIEW_STATES] = {
  "draft", "submitted", "approved", "returned",
};
static const char * const review_labels[KT_N_REVIEW_STATES] = {
  N_("Draft"), N_("Submitted"), N_("Approved"), N_("Returned"),
};
KT_ENUM_NAMES (KtReviewState, kt_review_state, kt_review_names, KT_N_REVIEW_STATES)

const char * const kt_actor_names[KT_N_ACTORS] = {
  "resident", "network", "volunteer", "professional",
};
static const char * const actor_labels[KT_N_ACTORS] = {
  N_("The resident"), N_("Someone from the network"), N_("A volunteer or provision"),
  N_("A professional"),
};
KT_ENUM_NAMES (KtActor, kt_actor, kt_actor_names, KT_N_ACTORS)

const char * const kt_legal_basis_names[KT_N_LEGAL_BASES] = {
  "none", "wmo", "jeugdwet", "participatiewet",
};
/* The laws' own names; they are not translated. */
static const char * const legal_basis_labels[KT_N_LEGAL_BASES] = {
  N_("Not chosen"), "Wmo 2015", "Jeugdwet", "Participatiewet",
};
KT_ENUM_NAMES (KtLegalBasis, kt_legal_basis, kt_legal_basis_names, KT_N_LEGAL_BASES)

const char * const kt_decision_names[KT_N_DECISIONS] = {
  "none", "pending", "granted", "refused",
};
static const char * const decision_labels[KT_N_DECISIONS] = {
  N_("Not requested"), N_("Being decided"), N_("Granted"), N_("Turned down"),
};
KT_ENUM_NAMES (KtDecisionState, kt_decision_state, kt_decision_names, KT_N_DECISIONS)

const char * const kt_delivery_names[KT_N_DELIVERIES] = {
  "none", "in_kind", "pgb",
};
static const char * const delivery_labels[KT_N_DELIVERIES] = {
  N_("Not said"), N_("Care in kind (zorg in natura)"), N_("Personal budget (pgb)"),
};
KT_ENUM_NAMES (KtDelivery, kt_delivery, kt_delivery_names, KT_N_DELIVERIES)

const char * const kt_goal_status_names[KT_N_GOAL_STATUSES] = {
  "open", "in_progress", "achieved", "stopped",
};
static const char * const goal_status_labels[KT_N_GOAL_STATUSES] = {
  N_("Open"), N_("In progress"), N_("Achieved"), N_("Stopped"),
};
KT_ENUM_NAMES (KtGoalStatus, kt_goal_status, kt_goal_status_names, KT_N_GOAL_STATUSES)

const char * const kt_agreement_names[KT_N_AGREEMENTS] = {
  "none", "agreed", "partly", "not",
};
static const char * const agreement_labels[KT_N_AGREEMENTS] = {
  N_("Not yet asked"), N_("Agreed"), N_("Partly agreed"), N_("Not agreed"),
};
KT_ENUM_NAMES (KtAgreementState, kt_agreement_state, kt_agreement_names, KT_N_AGREEMENTS)

const char *
kt_review_state_get_label (KtReviewState state)
{
  return kt_enum_to_label (review_labels, KT_N_REVIEW_STATES, state);
}

const char *
kt_actor_get_label (KtActor actor)
{
  return kt_enum_to_label (actor_labels, KT_N_ACTORS, actor);
}

const char *
kt_goal_status_get_label (KtGoalStatus status)
{
  return kt_enum_to_label (goal_status_labels, KT_N_GOAL_STATUSES, status);
}

const char *
kt_agreement_state_get_label (KtAgreementState state)
{
  return kt_enum_to_label (agreement_labels, KT_N_AGREEMENTS, state);
}

const char *
kt_legal_basis_get_label (KtLegalBasis basis)
{
  g_return_val_if_fail (basis < KT_N_LEGAL_BASES, NULL);
  return basis == KT_LEGAL_BASIS_NONE ? _(legal_basis_labels[basis]) : legal_basis_labels[basis];
}

const char *
kt_decision_state_get_label (KtDecisionState state)
{
  g_return_val_if_fail (state < KT_N_DECISIONS, NULL);
  return _(decision_labels[state]);
}

const char *
kt_delivery_get_label (KtDelivery delivery)
{
  g_return_val_if_fail (delivery < KT_N_DELIVERIES, NULL);
  return _(delivery_labels[delivery]);
}

/* The words an old free-text decision started with, in Dutch (what coaches
 * typed) and English. */
static const struct {
  const char      *word;
  KtDecisionState  state;
} old_decision_words[] = {
  { "toegekend", KT_DECISION_GRANTED },
  { "granted", KT_DECISION_GRANTED },
  { "afgewezen", KT_DECISION_REFUSED },
  { "geweigerd", KT_DECISION_REFUSED },
  { "refused", KT_DECISION_REFUSED },
  { "in behandeling", KT_DECISION_PENDING },
  { "aangevraagd", KT_DECISION_PENDING },
};

void
kt_provision_migrate (KtProvision *provision)
{
  g_return_if_fail (provision != NULL);

  if (provision->tailored && provision->legal_basis == KT_LEGAL_BASIS_NONE)
    provision->legal_basis = KT_LEGAL_BASIS_WMO;
  if (provision->decision_state != KT_DECISION_NONE || provision->decision == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (old_decision_words); i++)
    {
      gsize len = strlen (old_decision_words[i].word);
      const char *rest;

      if (g_ascii_strncasecmp (provision->decision, old_decision_words[i].word, len) != 0)
        continue;
      rest = provision->decision + len;
      /* A word that merely starts the same ("toegekende uren") is not one. */
      if (g_ascii_isalpha (*rest))
        continue;
      while (*rest == ':' || *rest == ',' || *rest == '.' || *rest == ';' || g_ascii_isspace (*rest))
        rest++;
      provision->decision_state = old_decision_words[i].state;
      if (*rest == '\0')
        g_clear_pointer (&provision->decision, g_free);
      else
        {
          char *words = g_strdup (rest);

          g_free (provision->decision);
          provision->decision = words;
        }
      return;
    }
}

char *
kt_provision_decision_due (const KtProvision *provision,
                           const int         *term_days)
{
  g_return_val_if_fail (provision != NULL, NULL);
  g_return_val_if_fail (term_days != NULL, NULL);

  if (!provision->tailored || provision->decision_state != KT_DECISION_PENDING ||
      provision->legal_basis == KT_LEGAL_BASIS_NONE || provision->legal_basis >= KT_N_LEGAL_BASES ||
      !kt_date_is_valid (provision->request_date))
    return NULL;
  return kt_date_add_days (provision->request_date, MAX (0, term_days[provision->legal_basis]));
}

char *
kt_plan_decision_due (const KtPlan *plan,
                      const int    *term_days)
{
  char *earliest = NULL;

  g_return_val_if_fail (plan != NULL, NULL);

  for (guint i = 0; i < plan->provisions->len; i++)
    {
      char *due = kt_provision_decision_due (g_ptr_array_index (plan->provisions, i), term_days);

      if (due != NULL && (earliest == NULL || strcmp (due, earliest) < 0))
        {
          g_free (earliest);
          earliest = due;
        }
      else
        g_free (due);
    }
  return earliest;
}
