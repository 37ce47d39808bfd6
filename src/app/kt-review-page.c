/* kt-review-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-review-page"

#include "config.h"

#include "kt-review-page-private.h"
#include "kt-a11y.h"

#include <glib/gi18n.h>

#include "kt-app-util.h"

#include "kt-role-format.h"
#include "kt-team-overview.h"
#include "kt-wheel.h"

struct _KtReviewPage
{
  AdwBin               parent_instance;

  GtkStack            *stack;
  GtkScrolledWindow   *scroller;
  GtkLabel            *title_label;
  GtkLabel            *subtitle_label;
  GtkBox              *result_box;
  GtkBox              *history_box;
  AdwPreferencesGroup *coverage_group;
  GtkFlowBox          *coverage_box;
  AdwPreferencesGroup *wheel_group;
  KtWheel             *wheel;
  GtkLabel            *question_label;
  GtkBox              *goals_box;
  GtkListBox          *details_list;
  AdwPreferencesGroup *comment_group;
  GtkTextView         *comment_view;
  GtkRevealer         *decision_revealer;
  GtkLabel            *error_label;
  GtkLabel            *hint_label;

  KtPlan              *plan;
  KtCase              *kase;
  KtConversation      *conversation;
  GPtrArray           *history;
  KtCatalogue         *catalogue;
  GPtrArray           *coaches;
  GPtrArray           *team;      /* (element-type KtPeerKey) names of the reviewers */
  GPtrArray           *goal_entries;   /* (element-type GtkEntry), goal id in "goal-id" */
};

G_DEFINE_FINAL_TYPE (KtReviewPage, kt_review_page, ADW_TYPE_BIN)

enum {
  SIGNAL_DECIDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const actor_labels[KT_N_ACTORS] = {
  [KT_ACTOR_RESIDENT] = N_("the resident"),
  [KT_ACTOR_NETWORK] = N_("network"),
  [KT_ACTOR_VOLUNTEER] = N_("volunteer or provision"),
  [KT_ACTOR_PROFESSIONAL] = N_("professional"),
};

static const char * const agreement_labels[KT_N_AGREEMENTS] = {
  [KT_AGREEMENT_NONE] = N_("Not asked yet"),
  [KT_AGREEMENT_AGREED] = N_("Agrees"),
  [KT_AGREEMENT_PARTLY] = N_("Partly agrees"),
  [KT_AGREEMENT_NOT] = N_("Does not agree"),
};

GtkWidget *
kt_review_page_new (void)
{
  return g_object_new (KT_TYPE_REVIEW_PAGE, NULL);
}

KtPlan *
kt_review_page_get_plan (KtReviewPage *self)
{
  g_return_val_if_fail (KT_IS_REVIEW_PAGE (self), NULL);
  return self->plan;
}

void
kt_review_page_set_catalogue (KtReviewPage *self,
                              KtCatalogue  *catalogue)
{
  g_return_if_fail (KT_IS_REVIEW_PAGE (self));
  g_set_object (&self->catalogue, catalogue);
}

void
kt_review_page_set_coaches (KtReviewPage *self,
                            GPtrArray    *coaches)
{
  g_return_if_fail (KT_IS_REVIEW_PAGE (self));

  kt_role_replace_array (&self->coaches, coaches);
}

static void fill_result (KtReviewPage *self);

void
kt_review_page_set_team (KtReviewPage *self,
                         GPtrArray    *team)
{
  g_return_if_fail (KT_IS_REVIEW_PAGE (self));

  kt_role_replace_array (&self->team, team);
  /* the names come after each round; the decision shown says who made it */
  if (self->plan != NULL)
    fill_result (self);
}

void
kt_review_page_show_error (KtReviewPage *self,
                           const char   *message)
{
  g_return_if_fail (KT_IS_REVIEW_PAGE (self));

  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), message == NULL);
}

static const char *
domain_name (KtReviewPage *self,
             const char   *domain_id)
{
  const KtDomain *domain = self->catalogue != NULL ? kt_catalogue_lookup (self->catalogue, domain_id) : NULL;

  return domain != NULL ? domain->name : domain_id;
}

static const char *
person_name (KtReviewPage *self,
             const char   *id_or_name)
{
  KtNetworkPerson *person;

  if (id_or_name == NULL || self->kase == NULL)
    return id_or_name;
  person = kt_case_find_person (self->kase, id_or_name);
  return person != NULL && person->name != NULL ? person->name : id_or_name;
}

static void
add_chip (KtReviewPage *self,
          const char   *text,
          const char   *css,
          const char   *tooltip)
{
  GtkWidget *chip = gtk_label_new (text);

  gtk_widget_add_css_class (chip, "coverage-chip");
  gtk_widget_add_css_class (chip, css);
  gtk_widget_set_tooltip_text (chip, tooltip);
  gtk_flow_box_append (self->coverage_box, chip);
}

/* The strip names what needs a look (concerns, skipped, not discussed)
 * and folds the domains discussed without a concern into one chip. */
static void
fill_coverage (KtReviewPage *self)
{
  guint discussed = 0, skipped = 0, not_yet = 0, concerns = 0, calm = 0;
  g_autoptr(GString) calm_names = g_string_new (NULL);
  g_autofree char *summary = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->coverage_box))) != NULL)
    gtk_flow_box_remove (self->coverage_box, child);

  if (self->conversation == NULL || self->catalogue == NULL)
    {
      adw_preferences_group_set_description (self->coverage_group,
                                             _("No conversation has been shared with this plan."));
      return;
    }

  for (guint i = 0; i < kt_catalogue_get_n_domains (self->catalogue); i++)
    {
      const KtDomain *domain = kt_catalogue_get_domain (self->catalogue, i);
      KtDomainEntry *entry = kt_conversation_find_entry (self->conversation, domain->id);
      g_autofree char *text = NULL;

      if (entry != NULL && kt_domain_entry_has_concern (entry))
        {
          text = g_strdup_printf ("! %s", domain->name);
          add_chip (self, text, "concern", _("Discussed, with a concern"));
          concerns++;
        }
      else if (entry != NULL && entry->state == KT_DOMAIN_DISCUSSED)
        {
          g_string_append_printf (calm_names, "%s%s", calm_names->len > 0 ? "\n" : "", domain->name);
          calm++;
        }
      else if (entry != NULL && entry->state == KT_DOMAIN_SKIPPED)
        {
          text = g_strdup_printf (_("– %s (skipped)"), domain->name);
          add_chip (self, text, "skipped", entry->skip_reason);
        }
      else
        {
          text = g_strdup_printf (_("○ %s (not discussed)"), domain->name);
          add_chip (self, text, "not-yet", NULL);
        }
    }
  if (calm > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "✓ %u more discussed without a concern",
                                                            "✓ %u more discussed without a concern", calm),
                                               calm);

      add_chip (self, text, "discussed", calm_names->str);
    }

  kt_conversation_count (self->conversation, &discussed, &skipped, &not_yet);
  summary = g_strdup_printf (_("%u of %u discussed, %u skipped, %u with a concern"),
                             discussed, discussed + skipped + not_yet, skipped, concerns);
  adw_preferences_group_set_description (self->coverage_group, summary);
}

static void
fill_wheel (KtReviewPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->wheel_group), self->conversation != NULL);
  /* Read-only: the supervisor looks, the wheel only selects.  It shows
   * "now" and "goal" beside each segment itself. */
  kt_wheel_set_documents (self->wheel, self->catalogue, self->kase, self->conversation);
}

static void
append_comments (KtReviewPage *self,
                 GtkBox       *box,
                 const KtPlan *plan,
                 const char   *goal_id)
{
  for (guint i = 0; plan->comments != NULL && i < plan->comments->len; i++)
    {
      KtReviewComment *comment = g_ptr_array_index (plan->comments, i);
      g_autofree char *text = NULL;

      if (g_strcmp0 (comment->goal_id, goal_id) != 0)
        continue;
      text = g_strdup_printf ("“%s” — %s", comment->text,
                              kt_role_person_name (self->coaches, self->team, comment->author));
      gtk_box_append (box, kt_role_label_new (text, NULL));
    }
}

static GtkWidget *
goal_card_new (KtReviewPage *self,
               KtGoal       *goal,
               guint         number,
               gboolean      can_comment)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *title = g_strdup_printf ("%u. %s", number, goal->title != NULL ? goal->title : "");

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "goal-card");
  gtk_box_append (GTK_BOX (card), kt_role_label_new (title, "heading", NULL));

  if (goal->domains != NULL && goal->domains[0] != NULL)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; goal->domains[i] != NULL; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? " · " : "", domain_name (self, goal->domains[i]));
      gtk_box_append (GTK_BOX (card), kt_role_label_new (names->str, "caption", "dim-label", NULL));
    }
  if (goal->difference != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("When it works: %s"), goal->difference);

      gtk_box_append (GTK_BOX (card), kt_role_label_new (text, NULL));
    }
  for (guint i = 0; goal->actions != NULL && i < goal->actions->len; i++)
    {
      KtAction *action = g_ptr_array_index (goal->actions, i);
      /* In the sentence, "geen datum", not the lone dash a row shows for
       * an empty value: "Samen de post openen — de inwoner, —" read as
       * something missing from the page. */
      g_autofree char *due = action->due != NULL ? kt_role_format_date (action->due) : g_strdup (_("no date"));
      g_autofree char *text = NULL;
      const char *who = action->who != NULL ? person_name (self, action->who) : _(actor_labels[action->actor]);

      text = g_strdup_printf ("• %s — %s, %s", action->what != NULL ? action->what : "", who, due);
      gtk_box_append (GTK_BOX (card), kt_role_label_new (text, NULL));
    }
  if (goal->evaluation_date != NULL)
    {
      g_autofree char *date = kt_role_format_date (goal->evaluation_date);
      g_autofree char *text = g_strdup_printf (_("Evaluation on %s"), date);

      gtk_box_append (GTK_BOX (card), kt_role_label_new (text, "dim-label", NULL));
    }
  append_comments (self, GTK_BOX (card), self->plan, goal->id);

  if (can_comment)
    {
      GtkWidget *entry = gtk_entry_new ();

      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Comment on this goal (optional)"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Comment on this goal"),
                                      -1);
      gtk_widget_add_css_class (entry, "review-comment");
      gtk_widget_set_margin_top (entry, 6);
      g_object_set_data_full (G_OBJECT (entry), "goal-id", g_strdup (goal->id), g_free);
      g_ptr_array_add (self->goal_entries, entry);
      gtk_box_append (GTK_BOX (card), entry);
    }
  return card;
}

static void
add_detail (KtReviewPage *self,
            const char   *title,
            const char   *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL && *subtitle != '\0' ? subtitle : "—");
  gtk_list_box_append (self->details_list, row);
}

/* The regisseur lives in the case; a plan from before that keeps its own copy
 * until the coach opens it. */
static const char *
lead_of (KtReviewPage *self)
{
  if (self->plan->legacy_case_lead != NULL)
    return self->plan->legacy_case_lead;
  return self->kase != NULL ? self->kase->lead_id : NULL;
}

static void
fill_details (KtReviewPage *self)
{
  const KtPlan *plan = self->plan;
  GtkWidget *child;
  g_autofree char *agreement = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details_list))) != NULL)
    gtk_list_box_remove (self->details_list, child);

  add_detail (self, _("Case lead"), person_name (self, lead_of (self)));
  add_detail (self, _("Contact person"), person_name (self, plan->contact_person));
  add_detail (self, _("Evaluates"), person_name (self, plan->evaluator));
  for (guint i = 0; plan->provisions != NULL && i < plan->provisions->len; i++)
    {
      KtProvision *provision = g_ptr_array_index (plan->provisions, i);
      g_autofree char *title = g_strdup_printf (provision->tailored ? _("Tailored support: %s") : _("Provision: %s"),
                                                provision->name != NULL ? provision->name : "");
      g_autofree char *subtitle = NULL;

      if (provision->tailored)
        subtitle = g_strdup_printf (_("Legitimate: %s\nStandard offer: %s\nEconomically sound: %s\nOwn options: %s\nDecision: %s (%s)"),
                                    provision->acceptable != NULL ? provision->acceptable : "—",
                                    provision->standard_offer != NULL ? provision->standard_offer : "—",
                                    provision->cost_reasonable != NULL ? provision->cost_reasonable : "—",
                                    provision->own_options != NULL ? provision->own_options : "—",
                                    kt_decision_state_get_label (provision->decision_state),
                                    kt_legal_basis_get_label (provision->legal_basis));
      add_detail (self, title, subtitle);
    }
  if (plan->safety_required)
    add_detail (self, _("Safety plan"), plan->safety.agreements != NULL ? plan->safety.agreements : plan->safety.risks);
  if (plan->agreement.remarks != NULL)
    agreement = g_strdup_printf ("%s: “%s”", _(agreement_labels[plan->agreement.state]), plan->agreement.remarks);
  else
    agreement = g_strdup (_(agreement_labels[plan->agreement.state]));
  add_detail (self, _("The resident’s agreement"), agreement);
  /* Sent before the conversation was finished: the coach said why. */
  if (plan->conversation_note != NULL)
    add_detail (self, _("Conversation not finished"), plan->conversation_note);
}

static void
fill_result (KtReviewPage *self)
{
  const KtPlan *plan = self->plan;
  gboolean decided = plan->review == KT_REVIEW_APPROVED || plan->review == KT_REVIEW_RETURNED;
  g_autofree char *text = NULL;

  kt_role_box_clear (self->result_box);
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_box), "approved");
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_box), "returned");
  gtk_widget_set_visible (GTK_WIDGET (self->result_box), decided);
  if (!decided)
    return;

  text = g_strdup_printf (plan->review == KT_REVIEW_APPROVED ? _("Approved by %s") : _("Returned by %s"),
                          kt_role_person_name (self->coaches, self->team, plan->reviewer));
  gtk_widget_add_css_class (GTK_WIDGET (self->result_box),
                            plan->review == KT_REVIEW_APPROVED ? "approved" : "returned");
  gtk_box_append (self->result_box, kt_role_label_new (text, "heading", NULL));
  append_comments (self, self->result_box, plan, NULL);
}

static void
fill_history (KtReviewPage *self)
{
  kt_role_box_clear (self->history_box);
  for (guint i = 0; self->history != NULL && i < self->history->len; i++)
    {
      KtPlan *earlier = g_ptr_array_index (self->history, i);
      g_autofree char *date = NULL;
      g_autofree char *text = NULL;
      GtkWidget *box;

      if (earlier == self->plan || earlier->version >= self->plan->version
          || earlier->review != KT_REVIEW_RETURNED)
        continue;
      date = kt_role_format_unix_date (earlier->header.updated);
      text = g_strdup_printf (_("Version %d was returned on %s"), earlier->version, date);
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      gtk_widget_add_css_class (box, "review-result");
      gtk_widget_add_css_class (box, "returned");
      gtk_box_append (GTK_BOX (box), kt_role_label_new (text, "heading", NULL));
      for (guint c = 0; earlier->comments != NULL && c < earlier->comments->len; c++)
        {
          KtReviewComment *comment = g_ptr_array_index (earlier->comments, c);
          g_autofree char *line = NULL;

          if (comment->goal_id != NULL)
            line = g_strdup_printf (_("On a goal: “%s”"), comment->text);
          else
            line = g_strdup_printf ("“%s”", comment->text);
          gtk_box_append (GTK_BOX (box), kt_role_label_new (line, NULL));
        }
      gtk_box_append (self->history_box, box);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->history_box),
                          gtk_widget_get_first_child (GTK_WIDGET (self->history_box)) != NULL);
}

static void
fill_page (KtReviewPage *self)
{
  const KtPlan *plan = self->plan;
  gboolean can_review = plan->review == KT_REVIEW_SUBMITTED;
  g_autofree char *submitted = kt_role_format_unix_date (plan->submitted_at);
  g_autofree char *subtitle = NULL;
  const char *coach;

  gtk_label_set_label (self->title_label,
                       self->kase != NULL && self->kase->household != NULL
                       ? self->kase->household : _("Household"));
  /* The case's coach, as in the inbox; the plan's author when the case
   * has not come (a plan keeps no author until the server sets one). */
  coach = self->kase != NULL && self->kase->coach != NULL && *self->kase->coach != '\0'
          ? self->kase->coach : plan->author;
  subtitle = g_strdup_printf (_("Version %d · %s · submitted %s"), plan->version,
                              kt_role_person_name (self->coaches, NULL, coach), submitted);
  gtk_label_set_label (self->subtitle_label, subtitle);
  gtk_label_set_label (self->question_label, plan->question != NULL ? plan->question : "—");

  fill_result (self);
  fill_history (self);
  fill_coverage (self);
  fill_wheel (self);

  kt_role_box_clear (self->goals_box);
  g_ptr_array_set_size (self->goal_entries, 0);
  for (guint i = 0; plan->goals != NULL && i < plan->goals->len; i++)
    gtk_box_append (self->goals_box, goal_card_new (self, g_ptr_array_index (plan->goals, i), i + 1, can_review));
  if (plan->goals == NULL || plan->goals->len == 0)
    gtk_box_append (self->goals_box, kt_role_label_new (_("This plan has no goals."), "dim-label", NULL));
  fill_details (self);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->comment_view), "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->comment_group), can_review);
  gtk_revealer_set_reveal_child (self->decision_revealer, can_review);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.approve", can_review);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.return", can_review);
  kt_review_page_show_error (self, NULL);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

void
kt_review_page_set_plan (KtReviewPage   *self,
                         KtPlan         *plan,
                         KtCase         *kase,
                         KtConversation *conversation,
                         GPtrArray      *history)
{
  g_return_if_fail (KT_IS_REVIEW_PAGE (self));

  if (plan != NULL)
    kt_plan_ref (plan);
  g_clear_pointer (&self->plan, kt_plan_unref);
  self->plan = plan;
  if (kase != NULL)
    kt_case_ref (kase);
  g_clear_pointer (&self->kase, kt_case_unref);
  self->kase = kase;
  if (conversation != NULL)
    kt_conversation_ref (conversation);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  self->conversation = conversation;
  kt_role_replace_array (&self->history, history);

  if (plan == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.approve", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.return", FALSE);
      return;
    }
  fill_page (self);
  gtk_stack_set_visible_child_name (self->stack, "plan");
}

static KtReview *
collect_review (KtReviewPage     *self,
                KtReviewDecision  decision)
{
  KtReview *review = kt_review_new (decision, self->plan->header.rev);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->comment_view);
  GtkTextIter start, end;
  g_autofree char *comment = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  comment = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  kt_review_set_comment (review, comment);
  for (guint i = 0; i < self->goal_entries->len; i++)
    {
      GtkEditable *entry = g_ptr_array_index (self->goal_entries, i);

      kt_review_set_goal_comment (review, g_object_get_data (G_OBJECT (entry), "goal-id"),
                                  gtk_editable_get_text (entry));
    }
  return review;
}

static void
decide (KtReviewPage     *self,
        KtReviewDecision  decision)
{
  g_autoptr(KtReview) review = NULL;
  g_autoptr(GError) error = NULL;

  if (self->plan == NULL)
    return;
  review = collect_review (self, decision);
  if (!kt_review_validate (review, self->plan, &error))
    {
      kt_review_page_show_error (self, error->message);
      if (g_error_matches (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_COMMENT_REQUIRED))
        gtk_widget_grab_focus (GTK_WIDGET (self->comment_view));
      return;
    }
  kt_review_page_show_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_DECIDED], 0, self->plan, review);
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  decide (KT_REVIEW_PAGE (widget), KT_REVIEW_DECISION_APPROVE);
}

static void
return_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  decide (KT_REVIEW_PAGE (widget), KT_REVIEW_DECISION_RETURN);
}

static void
kt_review_page_dispose (GObject *object)
{
  KtReviewPage *self = KT_REVIEW_PAGE (object);

  g_clear_pointer (&self->plan, kt_plan_unref);
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->coaches, g_ptr_array_unref);
  g_clear_pointer (&self->team, g_ptr_array_unref);
  g_clear_pointer (&self->goal_entries, g_ptr_array_unref);
  g_clear_object (&self->catalogue);

  G_OBJECT_CLASS (kt_review_page_parent_class)->dispose (object);
}

/* The width the page asks for beside the inbox's list.  The inbox's
 * leaflet folds on natural widths: below list + this (a tablet held
 * upright, a phone) the plan takes the screen; the minimum stays small
 * enough for a 360 px window. */
#define NATURAL_WIDTH 640

static void
kt_review_page_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  *minimum = *natural = 0;
  if (child != NULL)
    gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, NATURAL_WIDTH);
}

static void
kt_review_page_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child != NULL)
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

static void
kt_review_page_class_init (KtReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_review_page_dispose;
  /* Measured here, not by AdwBin's layout manager (dropped in init). */
  widget_class->measure = kt_review_page_measure;
  widget_class->size_allocate = kt_review_page_size_allocate;

  /**
   * KtReviewPage::decided:
   * @plan: the plan on the page
   * @review: (type gpointer): the validated KtReview, owned by the page
   */
  signals[SIGNAL_DECIDED] =
    g_signal_new ("decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, KT_TYPE_PLAN | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_POINTER);

  g_type_ensure (KT_TYPE_WHEEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-review-page.ui");
  /* Only looked up in init, for kt_app_flow_box_for_layout. */
  gtk_widget_class_bind_template_child_full (widget_class, "decision_box", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, result_box);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, history_box);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, coverage_group);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, coverage_box);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, wheel_group);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, wheel);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, question_label);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, goals_box);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, details_list);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, comment_group);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, comment_view);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, decision_revealer);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KtReviewPage, hint_label);

  gtk_widget_class_install_action (widget_class, "review.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "review.return", NULL, return_action);
}

static void
kt_review_page_init (KtReviewPage *self)
{
  kt_role_ensure_style ();
  /* AdwBin 1.2 measures through a layout manager, which would bypass
   * kt_review_page_measure. */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  kt_app_flow_box_for_layout (GTK_FLOW_BOX (gtk_widget_get_template_child (GTK_WIDGET (self), KT_TYPE_REVIEW_PAGE, "decision_box")));
  kt_a11y_set_label (GTK_WIDGET (self->comment_view), _("Comment on the Whole Plan"));
  kt_a11y_set_label (GTK_WIDGET (self->wheel), _("Participation Wheel"));
  self->goal_entries = g_ptr_array_new ();
  kt_wheel_set_editable (self->wheel, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.approve", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.return", FALSE);
}

GtkTextView *
kt_review_page_get_comment_view (KtReviewPage *self)
{
  return self->comment_view;
}

GtkLabel *
kt_review_page_get_error_label (KtReviewPage *self)
{
  return self->error_label;
}

GPtrArray *
kt_review_page_get_goal_entries (KtReviewPage *self)
{
  return self->goal_entries;
}

KtWheel *
kt_review_page_get_wheel (KtReviewPage *self)
{
  return self->wheel;
}
