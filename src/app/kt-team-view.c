/* kt-team-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-team-view"

#include "config.h"

#include "kt-team-view.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-app-util.h"

#include "kt-coach-list.h"
#include "kt-team-counts.h"
#include "kt-role-format.h"

/* Rows in "needs attention" before the rest is summed up. */
#define MAX_ATTENTION_ROWS 8

struct _KtTeamView
{
  AdwBin          parent_instance;

  GtkWidget      *unassigned_card;
  GtkLabel       *unassigned_count;
  GtkWidget      *overdue_card;
  GtkLabel       *overdue_count;
  GtkLabel       *overdue_caption;
  GtkListBox     *closed_list;
  GtkListBox     *movement_list;
  GtkWidget      *evaluations_card;
  GtkLabel       *evaluations_count;
  AdwPreferencesGroup *attention_group;
  GtkListBox     *attention_list;
  GtkListBox     *caseload_list;
  GtkListBox     *domains_list;

  KtCatalogue    *catalogue;
  GPtrArray      *coaches;
  GPtrArray      *cases;
  GPtrArray      *conversations;
  GPtrArray      *plans;
  KtTeamOverview *overview;     /* NULL while the view is not shown */
  KtTeamCounts   *counts;       /* the three counts, kept up to date record by record */
  GDate           today;
  gboolean        today_set;
  gboolean        lists_stale;  /* the lists wait until the view is shown */
  GtkStack       *load_stack;
};

G_DEFINE_FINAL_TYPE (KtTeamView, kt_team_view, ADW_TYPE_BIN)

GtkWidget *
kt_team_view_new (void)
{
  return g_object_new (KT_TYPE_TEAM_VIEW, NULL);
}

KtTeamOverview *
kt_team_view_get_overview (KtTeamView *self)
{
  g_return_val_if_fail (KT_IS_TEAM_VIEW (self), NULL);
  return self->overview;
}

gboolean
kt_team_view_needs_attention (KtTeamView *self)
{
  g_return_val_if_fail (KT_IS_TEAM_VIEW (self), FALSE);
  return self->catalogue != NULL &&
         (kt_team_counts_get_overdue (self->counts) > 0 || kt_team_counts_get_unassigned (self->counts) > 0);
}

static void
list_clear (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
set_count (GtkWidget *card,
           GtkLabel  *label,
           guint      count)
{
  g_autofree char *text = g_strdup_printf ("%u", count);

  gtk_label_set_label (label, text);
  gtk_widget_remove_css_class (card, "needs-attention");
  gtk_widget_remove_css_class (card, "calm");
  gtk_widget_add_css_class (card, count > 0 ? "needs-attention" : "calm");
}

static void
add_row (GtkListBox *list,
         const char *title,
         const char *subtitle,
         const char *suffix,
         const char *suffix_class)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (suffix != NULL)
    {
      GtkWidget *label = gtk_label_new (suffix);

      if (suffix_class != NULL)
        gtk_widget_add_css_class (label, suffix_class);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  gtk_list_box_append (list, row);
}

static const char *
household (const KtCase *kase)
{
  return kase->household != NULL ? kase->household : _("Household");
}

static void
fill_attention (KtTeamView *self,
                GDate      *today)
{
  GPtrArray *overdue = kt_team_overview_get_overdue (self->overview);
  GPtrArray *unassigned = kt_team_overview_get_unassigned (self->overview);
  GPtrArray *evaluations = kt_team_overview_get_evaluations_due (self->overview);
  GPtrArray *follow_ups = kt_team_overview_get_follow_ups_due (self->overview);
  GPtrArray *stuck = kt_team_overview_get_stuck (self->overview);
  guint total = stuck->len + overdue->len + unassigned->len + evaluations->len + follow_ups->len;
  guint shown = 0;

  list_clear (self->attention_list);
  gtk_widget_set_visible (GTK_WIDGET (self->attention_group), total > 0);

  /* A coach asking for help comes first: the plan waits on the supervisor. */
  for (guint i = 0; i < stuck->len && shown < MAX_ATTENTION_ROWS; i++, shown++)
    {
      KtCase *kase = g_ptr_array_index (stuck, i);
      g_autofree char *subtitle = g_strdup_printf (_("%s · plan is stuck: %s"),
                                                   kase->coach != NULL ? kt_role_person_name (self->coaches, NULL, kase->coach)
                                                                       : _("not assigned"),
                                                   kase->stuck_reason != NULL ? kase->stuck_reason : "");

      add_row (self->attention_list, household (kase), subtitle, _("asks for help"), "overdue-mark");
    }

  for (guint i = 0; i < overdue->len && shown < MAX_ATTENTION_ROWS; i++, shown++)
    {
      KtCase *kase = g_ptr_array_index (overdue, i);
      g_autofree char *late = kt_role_format_days_left (kt_date_days_until (kase->conversation_deadline, today));
      g_autofree char *subtitle = g_strdup_printf (_("%s · no conversation yet"),
                                                   kase->coach != NULL ? kt_role_person_name (self->coaches, NULL, kase->coach)
                                                                       : _("not assigned"));

      add_row (self->attention_list, household (kase), subtitle, late, "overdue-mark");
    }
  for (guint i = 0; i < unassigned->len && shown < MAX_ATTENTION_ROWS; i++)
    {
      KtCase *kase = g_ptr_array_index (unassigned, i);
      g_autofree char *ago = NULL;
      g_autofree char *subtitle = NULL;

      if (g_ptr_array_find (overdue, kase, NULL))
        continue;
      ago = kt_date_is_valid (kase->request.date)
            ? kt_role_format_days_ago (-kt_date_days_until (kase->request.date, today)) : g_strdup ("—");
      subtitle = g_strdup_printf (_("Request came in %s"), ago);
      add_row (self->attention_list, household (kase), subtitle, _("not assigned"), "overdue-mark");
      shown++;
    }
  for (guint i = 0; i < evaluations->len && shown < MAX_ATTENTION_ROWS; i++, shown++)
    {
      KtCase *kase = g_ptr_array_index (evaluations, i);
      g_autofree char *date = kt_role_format_date (kase->evaluation_date);
      g_autofree char *subtitle = g_strdup_printf (_("%s · evaluation"), kt_role_person_name (self->coaches, NULL, kase->coach));

      add_row (self->attention_list, household (kase), subtitle, date, "dim-label");
    }
  for (guint i = 0; i < follow_ups->len && shown < MAX_ATTENTION_ROWS; i++, shown++)
    {
      KtCase *kase = g_ptr_array_index (follow_ups, i);
      g_autofree char *date = kt_role_format_date (kase->follow_up_date);
      g_autofree char *subtitle = g_strdup_printf (_("%s · follow-up check"),
                                                   kase->coach != NULL ? kt_role_person_name (self->coaches, NULL, kase->coach)
                                                                       : _("not assigned"));

      add_row (self->attention_list, household (kase), subtitle, date, "dim-label");
    }
  if (shown < total)
    {
      g_autofree char *more = NULL;
      guint rest = 0;

      /* Cases both late and unassigned were listed once. */
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->attention_list));
           row != NULL; row = gtk_widget_get_next_sibling (row))
        rest++;
      rest = total - MIN (total, rest);
      if (rest > 0)
        {
          more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more", rest), rest);
          add_row (self->attention_list, more, NULL, NULL, NULL);
        }
    }
}

static void
fill_caseloads (KtTeamView *self)
{
  GPtrArray *caseloads = kt_team_overview_get_caseloads (self->overview);

  list_clear (self->caseload_list);
  for (guint i = 0; i < caseloads->len; i++)
    {
      KtCaseload *load = g_ptr_array_index (caseloads, i);
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u household", "%u households",
                                                             load->n_cases), load->n_cases);

      add_row (self->caseload_list, kt_role_person_name (self->coaches, NULL, load->coach), NULL, count, "numeric");
    }
  if (caseloads->len == 0)
    add_row (self->caseload_list, _("No coaches known yet"), NULL, NULL, NULL);
}

static void
fill_domains (KtTeamView *self)
{
  GPtrArray *counts = kt_team_overview_get_domain_counts (self->overview);
  guint max = MAX (kt_team_overview_get_max_domain_count (self->overview), 1);
  g_autoptr(GtkSizeGroup) names = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

  list_clear (self->domains_list);
  for (guint i = 0; i < counts->len; i++)
    {
      KtDomainCount *count = g_ptr_array_index (counts, i);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *name = kt_role_label_new (count->name, NULL);
      GtkWidget *bar = gtk_level_bar_new_for_interval (0, max);
      g_autofree char *number = g_strdup_printf ("%u", count->n_cases);
      GtkWidget *value = gtk_label_new (number);
      g_autofree char *accessible = g_strdup_printf ("%s: %u", count->name, count->n_cases);

      gtk_widget_set_margin_top (box, 5);
      gtk_widget_set_margin_bottom (box, 5);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_size_group_add_widget (names, name);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), count->n_cases);
      /* One colour for every bar: the count matters, not a warning level. */
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_widget_set_hexpand (bar, TRUE);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (value, "numeric");
      gtk_widget_set_size_request (value, 24, -1);
      gtk_label_set_xalign (GTK_LABEL (value), 1.0);
      if (count->n_cases == 0)
        gtk_widget_add_css_class (name, "dim-label");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), bar);
      gtk_box_append (GTK_BOX (box), value);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->domains_list, row);
    }
}

/* "november 2026" from "2026-11", through the one date formatter. */
static char *
month_title (const char *month)
{
  g_autofree char *first = g_strdup_printf ("%s-01", month);
  char *date = kt_format_date (first, KT_DATE_MONTH_YEAR);

  return date != NULL ? date : g_strdup (month);
}

static void
fill_outcomes (KtTeamView *self)
{
  GPtrArray *months = kt_team_overview_get_closed_by_month (self->overview);

  list_clear (self->closed_list);
  for (guint i = 0; i < months->len; i++)
    {
      KtClosedMonth *month = g_ptr_array_index (months, i);
      g_autoptr(GString) reasons = g_string_new (NULL);
      g_autofree char *title = month_title (month->month);
      g_autofree char *total = g_strdup_printf ("%u", month->n_closed);

      for (int r = KT_CLOSE_NONE + 1; r < KT_N_CLOSE_REASONS; r++)
        if (month->by_reason[r] > 0)
          g_string_append_printf (reasons, "%s%s %u", reasons->len > 0 ? " · " : "",
                                  kt_close_reason_get_label (r), month->by_reason[r]);
      add_row (self->closed_list, title, reasons->str, total, "numeric");
    }
  if (months->len == 0)
    add_row (self->closed_list, _("No households closed in the last year"), NULL, NULL, NULL);

  list_clear (self->movement_list);
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      const KtWheelMovement *movement = kt_team_overview_get_wheel_movement (self->overview, s);
      g_autofree char *subtitle = NULL;

      if (movement->up + movement->same + movement->down == 0)
        continue;
      /* Translators: households whose score went up, stayed, went down. */
      subtitle = g_strdup_printf (_("%u better · %u the same · %u harder"), movement->up, movement->same,
                                  movement->down);
      add_row (self->movement_list, kt_catalogue_segment_name (self->catalogue, s), subtitle, NULL, NULL);
    }
  if (gtk_widget_get_first_child (GTK_WIDGET (self->movement_list)) == NULL)
    add_row (self->movement_list, _("No evaluations yet"), NULL, NULL, NULL);
}

static void
fill_lists (KtTeamView *self,
            GDate      *today)
{
  self->lists_stale = FALSE;
  fill_attention (self, today);
  fill_caseloads (self);
  fill_domains (self);
  fill_outcomes (self);
}

static void
get_today (KtTeamView *self,
           GDate      *today)
{
  if (self->today_set)
    *today = self->today;
  else
    {
      g_date_clear (today, 1);
      g_date_set_time_t (today, time (NULL));
    }
}

/* The whole overview, for the lists: only while the view is shown. */
static void
build_overview (KtTeamView  *self,
                const GDate *today)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) coaches = NULL;

  for (guint i = 0; self->coaches != NULL && i < self->coaches->len; i++)
    g_strv_builder_add (builder, ((KtCoach *) g_ptr_array_index (self->coaches, i))->username);
  coaches = g_strv_builder_end (builder);

  g_clear_object (&self->overview);
  self->overview = kt_team_overview_new (self->catalogue, self->cases, self->conversations, self->plans,
                                         (const char * const *) coaches, today);
}

static void
update (KtTeamView *self)
{
  GDate today;

  if (self->catalogue == NULL)
    return;

  get_today (self, &today);
  /* The counts feed the cards and the switcher's badge; after a batch from
   * the server only the records that came are counted again (issue 22). */
  kt_team_counts_set_records (self->counts, self->cases, self->conversations, self->plans, &today);
  set_count (self->unassigned_card, self->unassigned_count, kt_team_counts_get_unassigned (self->counts));
  set_count (self->overdue_card, self->overdue_count, kt_team_counts_get_overdue (self->counts));
  gtk_label_set_label (self->overdue_caption, _("No conversation within the period after the request"));
  set_count (self->evaluations_card, self->evaluations_count,
             kt_team_counts_get_evaluations_due (self->counts));

  /* The lists, a row per household or coach, and the overview over every
   * case behind them, are made only where they can be seen: after a sync
   * behind the inbox that is work the supervisor would wait for. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      g_clear_object (&self->overview);
      self->lists_stale = TRUE;
      return;
    }
  build_overview (self, &today);
  fill_lists (self, &today);
}

void
kt_team_view_set_catalogue (KtTeamView  *self,
                            KtCatalogue *catalogue)
{
  g_return_if_fail (KT_IS_TEAM_VIEW (self));

  g_set_object (&self->catalogue, catalogue);
  update (self);
}

void
kt_team_view_set_coaches (KtTeamView *self,
                          GPtrArray  *coaches)
{
  g_return_if_fail (KT_IS_TEAM_VIEW (self));

  kt_role_replace_array (&self->coaches, coaches);
  update (self);
}

void
kt_team_view_set_records (KtTeamView *self,
                          GPtrArray  *cases,
                          GPtrArray  *conversations,
                          GPtrArray  *plans)
{
  g_return_if_fail (KT_IS_TEAM_VIEW (self));

  kt_role_replace_array (&self->cases, cases);
  kt_role_replace_array (&self->conversations, conversations);
  kt_role_replace_array (&self->plans, plans);
  update (self);
}

void
kt_team_view_set_loading (KtTeamView *self,
                          gboolean    loading)
{
  g_return_if_fail (KT_IS_TEAM_VIEW (self));

  gtk_stack_set_visible_child_name (self->load_stack, loading ? "loading" : "content");
}

void
kt_team_view_set_today (KtTeamView  *self,
                        const GDate *today)
{
  g_return_if_fail (KT_IS_TEAM_VIEW (self));

  self->today_set = today != NULL;
  if (today != NULL)
    self->today = *today;
  update (self);
}

static void
kt_team_view_map (GtkWidget *widget)
{
  KtTeamView *self = KT_TEAM_VIEW (widget);

  GTK_WIDGET_CLASS (kt_team_view_parent_class)->map (widget);
  if (self->lists_stale && self->catalogue != NULL)
    {
      GDate today;

      get_today (self, &today);
      build_overview (self, &today);
      fill_lists (self, &today);
      /* As the role controller does after it sets the records. */
      kt_a11y_fix_tree (widget);
    }
}

static void
kt_team_view_dispose (GObject *object)
{
  KtTeamView *self = KT_TEAM_VIEW (object);

  g_clear_object (&self->catalogue);
  g_clear_object (&self->overview);
  g_clear_object (&self->counts);
  g_clear_pointer (&self->coaches, g_ptr_array_unref);
  g_clear_pointer (&self->cases, g_ptr_array_unref);
  g_clear_pointer (&self->conversations, g_ptr_array_unref);
  g_clear_pointer (&self->plans, g_ptr_array_unref);

  G_OBJECT_CLASS (kt_team_view_parent_class)->dispose (object);
}

static void
kt_team_view_class_init (KtTeamViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_team_view_dispose;
  widget_class->map = kt_team_view_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-team-view.ui");
  /* Only looked up in init, for kt_app_flow_box_for_layout. */
  gtk_widget_class_bind_template_child_full (widget_class, "count_box", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, load_stack);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, unassigned_card);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, unassigned_count);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, overdue_card);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, overdue_count);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, overdue_caption);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, closed_list);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, movement_list);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, evaluations_card);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, evaluations_count);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, attention_group);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, attention_list);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, caseload_list);
  gtk_widget_class_bind_template_child (widget_class, KtTeamView, domains_list);
}

static void
kt_team_view_init (KtTeamView *self)
{
  kt_role_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->counts = kt_team_counts_new ();
  kt_app_flow_box_for_layout (GTK_FLOW_BOX (gtk_widget_get_template_child (GTK_WIDGET (self), KT_TYPE_TEAM_VIEW, "count_box")));
}
