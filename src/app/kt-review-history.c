/* kt-review-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-review-history"

#include "config.h"

#include "kt-review-history.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-review.h"
#include "kt-role-format.h"

struct _KtReviewHistory
{
  AdwBin               parent_instance;

  AdwPreferencesGroup *group;
  GtkListBox          *list;

  GPtrArray           *plans;     /* (element-type KtPlan), oldest first */
  GPtrArray           *coaches;
  GPtrArray           *team;      /* (element-type KtPeerKey) names of the reviewers */
};

G_DEFINE_FINAL_TYPE (KtReviewHistory, kt_review_history, ADW_TYPE_BIN)

GtkWidget *
kt_review_history_new (void)
{
  return g_object_new (KT_TYPE_REVIEW_HISTORY, NULL);
}

static KtPlan *
newest (KtReviewHistory *self)
{
  if (self->plans == NULL || self->plans->len == 0)
    return NULL;
  return g_ptr_array_index (self->plans, self->plans->len - 1);
}

static const char *
goal_title (const KtPlan *plan,
            const char   *goal_id)
{
  for (guint i = 0; plan->goals != NULL && i < plan->goals->len; i++)
    {
      KtGoal *goal = g_ptr_array_index (plan->goals, i);

      if (g_strcmp0 (goal->id, goal_id) == 0)
        return goal->title;
    }
  return NULL;
}

static char *
state_text (KtReviewHistory *self,
            const KtPlan    *plan)
{
  g_autofree char *date = NULL;

  switch (plan->review)
    {
    case KT_REVIEW_SUBMITTED:
      date = kt_role_format_unix_date (plan->submitted_at);
      return g_strdup_printf (_("Waiting for review since %s"), date);
    case KT_REVIEW_APPROVED:
      date = kt_role_format_unix_date (plan->header.updated);
      return g_strdup_printf (_("Approved by %s on %s"), kt_role_person_name (self->coaches, self->team, plan->reviewer),
                              date);
    case KT_REVIEW_RETURNED:
      date = kt_role_format_unix_date (plan->header.updated);
      return g_strdup_printf (_("Returned by %s on %s"), kt_role_person_name (self->coaches, self->team, plan->reviewer),
                              date);
    case KT_REVIEW_DRAFT:
    case KT_N_REVIEW_STATES:
    default:
      return g_strdup (_("Draft, not submitted yet"));
    }
}

static void
fill (KtReviewHistory *self)
{
  KtPlan *latest = newest (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = self->plans != NULL ? self->plans->len : 0; i > 0; i--)
    {
      KtPlan *plan = g_ptr_array_index (self->plans, i - 1);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *comments, *comment_row;
      g_autofree char *title = g_strdup_printf (_("Version %d"), plan->version);
      g_autofree char *subtitle = state_text (self, plan);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->list, row);
      if (plan->comments == NULL || plan->comments->len == 0)
        continue;

      comments = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      gtk_widget_set_margin_start (comments, 12);
      gtk_widget_set_margin_end (comments, 12);
      gtk_widget_set_margin_top (comments, 8);
      gtk_widget_set_margin_bottom (comments, 8);
      for (guint c = 0; c < plan->comments->len; c++)
        {
          KtReviewComment *comment = g_ptr_array_index (plan->comments, c);
          const char *goal = comment->goal_id != NULL ? goal_title (plan, comment->goal_id) : NULL;
          g_autofree char *text = goal != NULL ? g_strdup_printf (_("On “%s”: %s"), goal, comment->text)
                                               : g_strdup_printf ("“%s”", comment->text);

          gtk_box_append (GTK_BOX (comments), kt_role_label_new (text, NULL));
        }
      comment_row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (comment_row), comments);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (comment_row), FALSE);
      /* The row takes the focus: named by its comments, or a screen reader
       * says nothing on it (GTK 4.8 does not read the labels inside). */
      kt_a11y_name_from_content (comment_row);
      gtk_list_box_append (self->list, comment_row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self), latest != NULL && latest->review != KT_REVIEW_DRAFT);
}

static int
compare_versions (gconstpointer a,
                  gconstpointer b)
{
  const KtPlan *pa = *(KtPlan * const *) a;
  const KtPlan *pb = *(KtPlan * const *) b;

  return (pa->version > pb->version) - (pa->version < pb->version);
}

void
kt_review_history_set_plans (KtReviewHistory *self,
                             GPtrArray       *plans)
{
  g_return_if_fail (KT_IS_REVIEW_HISTORY (self));

  g_clear_pointer (&self->plans, g_ptr_array_unref);
  self->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);
  for (guint i = 0; plans != NULL && i < plans->len; i++)
    g_ptr_array_add (self->plans, kt_plan_ref (g_ptr_array_index (plans, i)));
  g_ptr_array_sort (self->plans, compare_versions);
  fill (self);
}

void
kt_review_history_set_coaches (KtReviewHistory *self,
                               GPtrArray       *coaches)
{
  g_return_if_fail (KT_IS_REVIEW_HISTORY (self));

  kt_role_replace_array (&self->coaches, coaches);
  fill (self);
}

void
kt_review_history_set_team (KtReviewHistory *self,
                            GPtrArray       *team)
{
  g_return_if_fail (KT_IS_REVIEW_HISTORY (self));

  kt_role_replace_array (&self->team, team);
  fill (self);
}

static void
kt_review_history_dispose (GObject *object)
{
  KtReviewHistory *self = KT_REVIEW_HISTORY (object);

  g_clear_pointer (&self->plans, g_ptr_array_unref);
  g_clear_pointer (&self->coaches, g_ptr_array_unref);
  g_clear_pointer (&self->team, g_ptr_array_unref);

  G_OBJECT_CLASS (kt_review_history_parent_class)->dispose (object);
}

static void
kt_review_history_class_init (KtReviewHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_review_history_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-review-history.ui");
  gtk_widget_class_bind_template_child (widget_class, KtReviewHistory, group);
  gtk_widget_class_bind_template_child (widget_class, KtReviewHistory, list);
}

static void
kt_review_history_init (KtReviewHistory *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* GTK 4.8 names nothing for us. */
  kt_a11y_set_label (GTK_WIDGET (self->list), _("Versions and reviews"));
  fill (self);
}
