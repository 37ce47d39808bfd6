/* kt-review.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-review"

#include "config.h"

#include "kt-review.h"

#include <glib/gi18n-lib.h>

#include "kt-codec.h"

G_DEFINE_QUARK (kt-review-error-quark, kt_review_error)

static const char * const decision_names[KT_N_REVIEW_DECISIONS] = {
  [KT_REVIEW_DECISION_APPROVE] = "approve",
  [KT_REVIEW_DECISION_RETURN] = "return",
};

const char *
kt_review_decision_to_string (KtReviewDecision decision)
{
  g_return_val_if_fail (decision < KT_N_REVIEW_DECISIONS, NULL);
  return decision_names[decision];
}

gboolean
kt_review_decision_from_string (const char       *str,
                                KtReviewDecision *decision)
{
  for (guint i = 0; i < KT_N_REVIEW_DECISIONS; i++)
    {
      if (g_strcmp0 (str, decision_names[i]) == 0)
        {
          *decision = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
goal_comment_free (KtGoalComment *comment)
{
  g_free (comment->goal_id);
  g_free (comment->text);
  g_free (comment);
}

KtReview *
kt_review_new (KtReviewDecision decision,
               gint64           rev)
{
  KtReview *self = g_new0 (KtReview, 1);

  self->decision = decision;
  self->rev = rev;
  self->goal_comments = g_ptr_array_new_with_free_func ((GDestroyNotify) goal_comment_free);
  return self;
}

void
kt_review_free (KtReview *self)
{
  if (self == NULL)
    return;
  g_free (self->comment);
  g_ptr_array_unref (self->goal_comments);
  g_free (self);
}

void
kt_review_set_comment (KtReview   *self,
                       const char *text)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->comment, g_free);
  if (!kt_text_is_blank (text))
    self->comment = g_strstrip (g_strdup (text));
}

void
kt_review_set_goal_comment (KtReview   *self,
                            const char *goal_id,
                            const char *text)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (goal_id != NULL);

  for (guint i = 0; i < self->goal_comments->len; i++)
    {
      KtGoalComment *comment = g_ptr_array_index (self->goal_comments, i);

      if (g_strcmp0 (comment->goal_id, goal_id) == 0)
        {
          g_ptr_array_remove_index (self->goal_comments, i);
          break;
        }
    }
  if (!kt_text_is_blank (text))
    {
      KtGoalComment *comment = g_new0 (KtGoalComment, 1);

      comment->goal_id = g_strdup (goal_id);
      comment->text = g_strstrip (g_strdup (text));
      g_ptr_array_add (self->goal_comments, comment);
    }
}

gboolean
kt_review_has_comment (const KtReview *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!kt_text_is_blank (self->comment))
    return TRUE;
  for (guint i = 0; i < self->goal_comments->len; i++)
    {
      KtGoalComment *comment = g_ptr_array_index (self->goal_comments, i);

      if (!kt_text_is_blank (comment->text))
        return TRUE;
    }
  return FALSE;
}

static gboolean
plan_has_goal (const KtPlan *plan,
               const char   *goal_id)
{
  for (guint i = 0; plan->goals != NULL && i < plan->goals->len; i++)
    {
      KtGoal *goal = g_ptr_array_index (plan->goals, i);

      if (g_strcmp0 (goal->id, goal_id) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
kt_review_validate (const KtReview *self,
                    const KtPlan   *plan,
                    GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);

  if (plan->review != KT_REVIEW_SUBMITTED)
    {
      g_set_error_literal (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_NOT_SUBMITTED,
                           _("This plan is not waiting for a review."));
      return FALSE;
    }
  if (self->rev != plan->header.rev)
    {
      g_set_error_literal (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_STALE,
                           _("The plan has changed since you opened it. Open it again to see the latest version."));
      return FALSE;
    }
  if (self->decision == KT_REVIEW_DECISION_RETURN && !kt_review_has_comment (self))
    {
      g_set_error_literal (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_COMMENT_REQUIRED,
                           _("Write what the coach should change before you return the plan."));
      return FALSE;
    }
  for (guint i = 0; i < self->goal_comments->len; i++)
    {
      KtGoalComment *comment = g_ptr_array_index (self->goal_comments, i);

      if (!plan_has_goal (plan, comment->goal_id))
        {
          g_set_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_UNKNOWN_GOAL,
                       _("Comment %u is about a goal that is not in this plan."), i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static void
add_plan_comment (KtPlan     *plan,
                  const char *goal_id,
                  const char *text,
                  const char *reviewer,
                  gint64      now)
{
  KtReviewComment *comment = kt_review_comment_new ();

  g_free (comment->goal_id);
  comment->goal_id = g_strdup (goal_id);
  g_free (comment->author);
  comment->author = g_strdup (reviewer);
  g_free (comment->text);
  comment->text = g_strdup (text);
  comment->at = now;
  g_ptr_array_add (plan->comments, comment);
}

gboolean
kt_review_apply (const KtReview *self,
                 KtPlan         *plan,
                 const char     *reviewer,
                 gint64          now,
                 GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);

  if (!kt_review_validate (self, plan, error))
    return FALSE;

  if (self->comment != NULL)
    add_plan_comment (plan, NULL, self->comment, reviewer, now);
  for (guint i = 0; i < self->goal_comments->len; i++)
    {
      KtGoalComment *comment = g_ptr_array_index (self->goal_comments, i);

      add_plan_comment (plan, comment->goal_id, comment->text, reviewer, now);
    }
  plan->review = self->decision == KT_REVIEW_DECISION_APPROVE ? KT_REVIEW_APPROVED : KT_REVIEW_RETURNED;
  g_free (plan->reviewer);
  plan->reviewer = g_strdup (reviewer);
  plan->header.rev++;
  plan->header.updated = now;
  return TRUE;
}

JsonNode *
kt_review_to_json (const KtReview *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rev");
  json_builder_add_int_value (builder, self->rev);
  json_builder_set_member_name (builder, "decision");
  json_builder_add_string_value (builder, kt_review_decision_to_string (self->decision));
  json_builder_set_member_name (builder, "comment");
  if (self->comment != NULL)
    json_builder_add_string_value (builder, self->comment);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "goal_comments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->goal_comments->len; i++)
    {
      KtGoalComment *comment = g_ptr_array_index (self->goal_comments, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "goal_id");
      json_builder_add_string_value (builder, comment->goal_id);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, comment->text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
invalid (GError    **error,
         const char *field)
{
  /* The field is a JSON path from this file, never a value. */
  g_set_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_INVALID,
               _("The review cannot be read: %s is missing or wrong."), field);
  return FALSE;
}

static gboolean
member_is (JsonObject *object,
           const char *name,
           GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
read_goal_comments (KtReview   *review,
                    JsonObject *object,
                    GError    **error)
{
  JsonNode *node = json_object_get_member (object, "goal_comments");
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "goal_comments");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *comment;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return invalid (error, "goal_comments[]");
      comment = json_node_get_object (item);
      if (!member_is (comment, "goal_id", G_TYPE_STRING))
        return invalid (error, "goal_comments[].goal_id");
      if (!member_is (comment, "text", G_TYPE_STRING))
        return invalid (error, "goal_comments[].text");
      kt_review_set_goal_comment (review,
                                  json_object_get_string_member (comment, "goal_id"),
                                  json_object_get_string_member (comment, "text"));
    }
  return TRUE;
}

static gboolean
read_review (KtReview  **out,
             JsonNode   *node,
             GError    **error)
{
  g_autoptr(KtReview) review = NULL;
  KtReviewDecision decision;
  JsonObject *object;
  JsonNode *comment;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "$");
  object = json_node_get_object (node);
  if (!member_is (object, "rev", G_TYPE_INT64))
    return invalid (error, "rev");
  if (!member_is (object, "decision", G_TYPE_STRING)
      || !kt_review_decision_from_string (json_object_get_string_member (object, "decision"), &decision))
    return invalid (error, "decision");

  review = kt_review_new (decision, json_object_get_int_member (object, "rev"));
  comment = json_object_get_member (object, "comment");
  if (comment != NULL && !JSON_NODE_HOLDS_NULL (comment))
    {
      if (!member_is (object, "comment", G_TYPE_STRING))
        return invalid (error, "comment");
      kt_review_set_comment (review, json_node_get_string (comment));
    }
  if (!read_goal_comments (review, object, error))
    return FALSE;
  *out = g_steal_pointer (&review);
  return TRUE;
}

KtReview *
kt_review_from_json (JsonNode *node,
                     GError  **error)
{
  KtReview *review = NULL;

  if (!read_review (&review, node, error))
    return NULL;
  return review;
}

gboolean
kt_review_check_content_unchanged (const KtPlan *before,
                                   const KtPlan *after,
                                   GError      **error)
{
  g_autoptr(KtPlan) masked = NULL;

  g_return_val_if_fail (before != NULL && after != NULL, FALSE);

  /* Take the reviewer's fields from @before; whatever still differs is content. */
  masked = kt_plan_copy (after);
  masked->header.rev = before->header.rev;
  masked->header.updated = before->header.updated;
  masked->review = before->review;
  masked->submitted_at = before->submitted_at;
  g_free (masked->reviewer);
  masked->reviewer = g_strdup (before->reviewer);
  g_ptr_array_unref (masked->comments);
  masked->comments = g_ptr_array_ref (before->comments);

  if (!kt_plan_equal (before, masked))
    {
      g_set_error_literal (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_CONTENT_CHANGED,
                           _("A review cannot change what the plan says; only the coach can."));
      return FALSE;
    }
  return TRUE;
}

/* Whether @after has the reviewer and comments of @before (none for a new plan). */
static gboolean
review_notes_unchanged (const KtPlan *before,
                        const KtPlan *after,
                        const char  **field)
{
  g_autoptr(KtPlan) masked = NULL;

  if (g_strcmp0 (before != NULL ? before->reviewer : NULL, after->reviewer) != 0)
    {
      *field = "reviewer";
      return FALSE;
    }
  if (before == NULL)
    {
      *field = "comments";
      return after->comments->len == 0;
    }
  /* Only the comments of @after over @before: whatever differs is theirs. */
  masked = kt_plan_copy (before);
  g_ptr_array_unref (masked->comments);
  masked->comments = g_ptr_array_ref (after->comments);
  *field = "comments";
  return kt_plan_equal (before, masked);
}

gboolean
kt_review_check_coach_revision (const KtPlan  *before,
                                const KtPlan  *after,
                                const char   **field,
                                GError       **error)
{
  KtReviewState from = before != NULL ? before->review : KT_REVIEW_DRAFT;
  const char *unused;

  g_return_val_if_fail (after != NULL, FALSE);

  if (field == NULL)
    field = &unused;
  *field = NULL;

  if (before != NULL && kt_plan_is_locked (before) &&
      (after->review != before->review || !kt_review_check_content_unchanged (before, after, NULL)))
    {
      g_set_error_literal (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_LOCKED,
                           _("This plan has been submitted or approved and cannot be changed. "
                             "Make a new version to change it."));
      return FALSE;
    }
  /* The coach's own moves: write a draft (or a returned plan) and submit it. */
  if (after->review != from &&
      !((from == KT_REVIEW_DRAFT || from == KT_REVIEW_RETURNED) &&
        (after->review == KT_REVIEW_DRAFT || after->review == KT_REVIEW_SUBMITTED)))
    {
      *field = "review";
      g_set_error_literal (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_NOT_REVIEWER,
                           _("Only a supervisor reviews a plan."));
      return FALSE;
    }
  if (!review_notes_unchanged (before, after, field))
    {
      g_set_error_literal (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_NOT_REVIEWER,
                           _("Only a supervisor reviews a plan."));
      return FALSE;
    }
  *field = NULL;
  return TRUE;
}

static int
compare_versions (gconstpointer a,
                  gconstpointer b)
{
  const KtPlan *pa = *(KtPlan * const *) a;
  const KtPlan *pb = *(KtPlan * const *) b;

  return (pa->version > pb->version) - (pa->version < pb->version);
}

GPtrArray *
kt_review_history (GPtrArray  *plans,
                   const char *case_id)
{
  GPtrArray *history = g_ptr_array_new ();

  for (guint i = 0; plans != NULL && i < plans->len; i++)
    {
      KtPlan *plan = g_ptr_array_index (plans, i);

      if (g_strcmp0 (plan->case_id, case_id) == 0)
        g_ptr_array_add (history, plan);
    }
  g_ptr_array_sort (history, compare_versions);
  return history;
}

KtPlan *
kt_review_revise (const KtPlan *plan,
                  GPtrArray    *history,
                  GError      **error)
{
  g_autoptr(KtPlan) revised = NULL;
  int newest = plan->version;

  g_return_val_if_fail (plan != NULL, NULL);

  if (plan->review != KT_REVIEW_RETURNED && plan->review != KT_REVIEW_APPROVED)
    {
      g_set_error_literal (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_NOT_REVISABLE,
                           _("Only a returned or approved plan can be revised as a new version."));
      return NULL;
    }
  for (guint i = 0; history != NULL && i < history->len; i++)
    {
      KtPlan *other = g_ptr_array_index (history, i);

      if (g_strcmp0 (other->case_id, plan->case_id) == 0)
        newest = MAX (newest, other->version);
    }

  revised = kt_plan_new_version (plan);
  /* A separate record, so the reviewed version keeps its comments. */
  g_free (revised->header.id);
  revised->header.id = kt_uuid_new ();
  revised->header.rev = 0;
  revised->version = newest + 1;
  revised->review = KT_REVIEW_DRAFT;
  revised->submitted_at = 0;
  g_clear_pointer (&revised->reviewer, g_free);
  g_ptr_array_set_size (revised->comments, 0);
  return g_steal_pointer (&revised);
}

/* Ready for review */

static gboolean
has_goal_with_action (const KtPlan *plan)
{
  for (guint i = 0; plan->goals != NULL && i < plan->goals->len; i++)
    {
      const KtGoal *goal = g_ptr_array_index (plan->goals, i);

      for (guint j = 0; goal->actions != NULL && j < goal->actions->len; j++)
        {
          const KtAction *action = g_ptr_array_index (goal->actions, j);

          if (!kt_text_is_blank (action->what))
            return TRUE;
        }
    }
  return FALSE;
}

GPtrArray *
kt_review_list_missing (const KtPlan         *plan,
                        const KtConversation *conversation)
{
  GPtrArray *missing = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (plan != NULL, missing);

  if ((conversation == NULL || !conversation->complete) && kt_text_is_blank (plan->conversation_note))
    g_ptr_array_add (missing, g_strdup (_("finish the conversation, or write why the plan goes "
                                          "to review before it is finished")));
  if (!has_goal_with_action (plan))
    g_ptr_array_add (missing, g_strdup (_("a goal with at least one action")));
  if (plan->agreement.state == KT_AGREEMENT_NONE)
    g_ptr_array_add (missing, g_strdup (_("ask the resident whether they agree with the plan")));
  return missing;
}

gboolean
kt_review_check_ready (const KtPlan         *plan,
                       const KtConversation *conversation,
                       GError              **error)
{
  g_autoptr(GPtrArray) missing = kt_review_list_missing (plan, conversation);
  g_autoptr(GString) text = NULL;

  if (missing->len == 0)
    return TRUE;
  text = g_string_new (NULL);
  for (guint i = 0; i < missing->len; i++)
    {
      if (i > 0)
        g_string_append (text, "; ");
      g_string_append (text, g_ptr_array_index (missing, i));
    }
  /* Translators: %s lists what is missing, separated by semicolons. */
  g_set_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_NOT_READY,
               _("Before this plan can go to review: %s."), text->str);
  return FALSE;
}
