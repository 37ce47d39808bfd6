/* kt-plan.c: KtPlan, the ondersteuningsplan made with the household
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-plan"

#include "config.h"

#include "kt-plan.h"

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
  g_free (provision->own_options);
  g_free (provision->decision);
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
  copy->own_options = g_strdup (p->own_options);
  copy->decision = g_strdup (p->decision);
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

static gpointer
stroke_copy (gconstpointer src,
             gpointer      unused)
{
  const KtStroke *s = src;
  KtStroke *copy = kt_stroke_new ();

  if (s->points != NULL)
    g_array_append_vals (copy->points, s->points->data, s->points->len);
  return copy;
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
  self->agreement.signature = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_stroke_free);
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
  self->agreement.state = KT_AGREEMENT_NONE;
  self->agreement.form = KT_FORM_SPOKEN;
  return self;
}

static void
agreement_clear (KtAgreement *agreement)
{
  g_clear_pointer (&agreement->date, g_free);
  g_clear_pointer (&agreement->remarks, g_free);
  g_clear_pointer (&agreement->signature, g_ptr_array_unref);
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
  agreement_clear (&self->agreement);
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
  copy->agreement.state = self->agreement.state;
  copy->agreement.date = g_strdup (self->agreement.date);
  copy->agreement.remarks = g_strdup (self->agreement.remarks);
  copy->agreement.form = self->agreement.form;
  g_ptr_array_extend (copy->agreement.signature, self->agreement.signature, stroke_copy, NULL);
  copy->review = self->review;
  copy->author = g_strdup (self->author);
  copy->reviewer = g_strdup (self->reviewer);
  copy->submitted_at = self->submitted_at;
  g_ptr_array_extend (copy->comments, self->comments, review_comment_copy, NULL);
  return copy;
}

/* Rules */

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
                     _("Provision %u is tailored support: write down whether it is acceptable for the resident."),
                     i + 1);
      else if (kt_text_is_blank (provision->cost_reasonable))
        g_set_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED,
                     _("Provision %u is tailored support: write down whether the cost is reasonable against the standard offer."),
                     i + 1);
      else if (kt_text_is_blank (provision->own_options))
        g_set_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED,
                     _("Provision %u is tailored support: write down what the resident and their network can do themselves."),
                     i + 1);
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
  agreement_clear (&next->agreement);
  next->agreement.state = KT_AGREEMENT_NONE;
  next->agreement.form = KT_FORM_SPOKEN;
  next->agreement.signature = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_stroke_free);
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
