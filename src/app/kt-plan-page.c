/* kt-plan-page.c: KtPlanPage, the support plan made with the household
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-plan-page"

#include "config.h"

#include "kt-plan-page.h"
#include "kt-a11y.h"
#include "kt-add-button.h"
#include "kt-agreement-editor.h"
#include "kt-text-field.h"

#include <glib/gi18n.h>

#include "kt-app-util.h"
#include "kt-date-row.h"
#include "kt-goal-card.h"
#include "kt-provision-row.h"
#include "kt-review.h"
#include "kt-review-history.h"
#include "kt-role-format.h"

struct _KtPlanPage
{
  AdwBin               parent_instance;

  AdwToastOverlay     *toasts;
  GtkWidget           *locked_box;
  GtkLabel            *locked_label;
  GtkWidget           *new_version_button;
  GtkWidget           *earlier_box;
  GtkLabel            *earlier_label;
  GtkWidget           *history_slot;
  KtReviewHistory     *history;
  GtkWidget           *editor;
  KtTextField         *question_field;
  GtkBox              *goals_box;
  AdwComboRow         *lead_row;
  AdwEntryRow         *lead_reason_row;
  GtkWidget           *lead_agreed_row;
  GtkSwitch           *lead_agreed_switch;
  AdwExpanderRow      *stuck_row;
  AdwEntryRow         *stuck_reason_row;
  AdwComboRow         *contact_row;
  AdwComboRow         *evaluator_row;
  AdwPreferencesGroup *provisions_group;
  GtkWidget           *safety_group;
  AdwEntryRow         *risks_row;
  AdwEntryRow         *agreements_row;
  AdwEntryRow         *watches_row;
  GtkSwitch           *veilig_thuis_switch;
  KtAgreementEditor   *agreement_editor;
  GtkWidget           *submit_button;
  GtkWidget           *ready_box;
  GtkWidget           *conversation_note_group;
  AdwEntryRow         *conversation_note_row;
  GtkLabel            *missing_label;

  KtCatalogue         *catalogue;
  GPtrArray           *team;        /* (element-type KtPeerKey) the reviewers' names */
  KtCase              *kase;
  KtConversation      *conversation;
  KtPlan              *plan;
  GPtrArray           *versions;        /* (element-type KtPlan) every version of the plan */
  GPtrArray           *provision_rows;  /* (element-type GtkWidget) */
  GStrv                person_ids;      /* choices of the contact and evaluator rows */
  GStrv                lead_ids;        /* choices of the lead row */
  gboolean             syncing;
  gboolean             reveal_review;   /* a review came: show it when the page is on screen */
  gboolean             resident_watching;
  KtShareState         share_state;
  char                *share_reason;
};

G_DEFINE_FINAL_TYPE (KtPlanPage, kt_plan_page, ADW_TYPE_BIN)

enum {
  CHANGED,
  CASE_CHANGED,
  SUBMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void sync_all (KtPlanPage *self);
static void update_ready (KtPlanPage *self);

GtkWidget *
kt_plan_page_new (void)
{
  return g_object_new (KT_TYPE_PLAN_PAGE, NULL);
}

static void
emit_changed (KtPlanPage *self)
{
  update_ready (self);
  if (!self->syncing)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
set_text (char       **field,
          const char  *text)
{
  g_free (*field);
  *field = kt_text_is_blank (text) ? NULL : g_strdup (text);
}

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

/* ---- goals -------------------------------------------------------------- */

static void
card_changed_cb (KtPlanPage *self)
{
  emit_changed (self);
}

static void
rebuild_goals (KtPlanPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->goals_box))) != NULL)
    gtk_box_remove (self->goals_box, child);

  if (self->plan->goals->len == 0)
    {
      GtkWidget *empty = gtk_label_new (_("No goals yet. What does the resident want to be different?"));

      gtk_label_set_wrap (GTK_LABEL (empty), TRUE);
      gtk_label_set_xalign (GTK_LABEL (empty), 0);
      gtk_widget_add_css_class (empty, "dim-label");
      gtk_box_append (self->goals_box, empty);
      return;
    }
  for (guint i = 0; i < self->plan->goals->len; i++)
    {
      GtkWidget *card = kt_goal_card_new (self->catalogue, self->kase,
                                          g_ptr_array_index (self->plan->goals, i),
                                          i, self->plan->goals->len);

      g_signal_connect_swapped (card, "changed", G_CALLBACK (card_changed_cb), self);
      gtk_box_append (self->goals_box, card);
    }
}

static int
goal_index (KtPlanPage *self,
            const char *goal_id)
{
  for (guint i = 0; i < self->plan->goals->len; i++)
    if (g_strcmp0 (((KtGoal *) g_ptr_array_index (self->plan->goals, i))->id, goal_id) == 0)
      return (int) i;
  return -1;
}

static void
goal_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KtPlanPage *self = KT_PLAN_PAGE (widget);
  int index = goal_index (self, g_variant_get_string (parameter, NULL));
  GPtrArray *goals = self->plan->goals;
  int other;

  if (index < 0 || kt_plan_is_locked (self->plan))
    return;

  if (g_str_equal (action_name, "plan.remove-goal"))
    g_ptr_array_remove_index (goals, index);
  else
    {
      gpointer tmp;

      other = g_str_equal (action_name, "plan.move-goal-up") ? index - 1 : index + 1;
      if (other < 0 || other >= (int) goals->len)
        return;
      tmp = goals->pdata[index];
      goals->pdata[index] = goals->pdata[other];
      goals->pdata[other] = tmp;
    }
  rebuild_goals (self);
  emit_changed (self);
}

static void
add_goal_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KtPlanPage *self = KT_PLAN_PAGE (widget);

  if (kt_plan_is_locked (self->plan))
    return;
  g_ptr_array_add (self->plan->goals, kt_goal_new ());
  rebuild_goals (self);
  kt_app_scroll_into_view (gtk_widget_get_last_child (GTK_WIDGET (self->goals_box)));
  emit_changed (self);
}

/* ---- provisions --------------------------------------------------------- */

static void rebuild_provisions (KtPlanPage *self);

static void
on_provision_changed (KtPlanPage *self)
{
  emit_changed (self);
}

static void
on_provision_remove (KtPlanPage     *self,
                     KtProvisionRow *row)
{
  if (kt_plan_is_locked (self->plan))
    return;
  g_ptr_array_remove (self->plan->provisions, kt_provision_row_get_provision (row));
  rebuild_provisions (self);
  emit_changed (self);
}

static void
rebuild_provisions (KtPlanPage *self)
{
  for (guint i = 0; i < self->provision_rows->len; i++)
    adw_preferences_group_remove (self->provisions_group, g_ptr_array_index (self->provision_rows, i));
  g_ptr_array_set_size (self->provision_rows, 0);

  for (guint i = 0; i < self->plan->provisions->len; i++)
    {
      GtkWidget *row = kt_provision_row_new (g_ptr_array_index (self->plan->provisions, i));

      g_signal_connect_swapped (row, "changed", G_CALLBACK (on_provision_changed), self);
      g_signal_connect_swapped (row, "remove", G_CALLBACK (on_provision_remove), self);

      adw_preferences_group_add (self->provisions_group, row);
      g_ptr_array_add (self->provision_rows, row);
    }
}

static void
add_provision_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KtPlanPage *self = KT_PLAN_PAGE (widget);
  GtkWidget *row;

  if (kt_plan_is_locked (self->plan))
    return;
  g_ptr_array_add (self->plan->provisions, kt_provision_new ());
  rebuild_provisions (self);
  row = g_ptr_array_index (self->provision_rows, self->provision_rows->len - 1);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  emit_changed (self);
}

/* ---- lead roles --------------------------------------------------------- */

/* The coach (as @coach_id), then everyone in the network the app may
 * suggest: never someone marked "niet benaderen". */
static void
append_coach_and_network (KtPlanPage    *self,
                          GtkStringList *names,
                          GStrvBuilder  *ids,
                          const char    *coach_id)
{
  gtk_string_list_append (names, self->kase != NULL && self->kase->coach != NULL
                                 ? self->kase->coach : _("The coach"));
  g_strv_builder_add (ids, coach_id);
  for (guint i = 0; self->kase != NULL && i < self->kase->network->len; i++)
    {
      const KtNetworkPerson *person = g_ptr_array_index (self->kase->network, i);

      if (!kt_network_person_may_suggest (person))
        continue;
      gtk_string_list_append (names, person->name);
      g_strv_builder_add (ids, person->id);
    }
}

static void
fill_people (KtPlanPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  gtk_string_list_append (names, _("Not chosen yet"));
  g_strv_builder_add (ids, "");
  append_coach_and_network (self, names, ids, "coach");
  g_strfreev (self->person_ids);
  self->person_ids = g_strv_builder_end (ids);
  adw_combo_row_set_model (self->contact_row, G_LIST_MODEL (names));
  adw_combo_row_set_model (self->evaluator_row, G_LIST_MODEL (names));
}

static guint
person_position (KtPlanPage *self,
                 const char *id)
{
  for (guint i = 1; self->person_ids[i] != NULL; i++)
    if (g_strcmp0 (self->person_ids[i], id) == 0)
      return i;
  return 0;
}

static void
role_cb (AdwComboRow *row,
         GParamSpec  *pspec,
         KtPlanPage  *self)
{
  guint selected = adw_combo_row_get_selected (row);
  char **field;

  if (self->syncing || self->plan == NULL || selected == GTK_INVALID_LIST_POSITION ||
      selected >= g_strv_length (self->person_ids))
    return;
  field = row == self->contact_row ? &self->plan->contact_person : &self->plan->evaluator;
  set_text (field, self->person_ids[selected]);
  emit_changed (self);
}

/* ---- the regisseur and the stuck signal ---------------------------------- */

/* The lead's choices: the resident first, then the members, the coach, and
 * the network persons the household does not mind being approached. */
static void
fill_leads (KtPlanPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  gtk_string_list_append (names, _("Not chosen yet"));
  g_strv_builder_add (ids, "");
  gtk_string_list_append (names, _("The resident"));
  g_strv_builder_add (ids, KT_LEAD_RESIDENT);
  for (guint i = 0; self->kase != NULL && i < self->kase->members->len; i++)
    {
      const KtMember *member = g_ptr_array_index (self->kase->members, i);

      if (kt_text_is_blank (member->name))
        continue;
      gtk_string_list_append (names, member->name);
      g_strv_builder_add (ids, member->id);
    }
  append_coach_and_network (self, names, ids, KT_LEAD_COACH);
  g_strfreev (self->lead_ids);
  self->lead_ids = g_strv_builder_end (ids);
  adw_combo_row_set_model (self->lead_row, G_LIST_MODEL (names));
}

/* The reason and the resident's say show only when someone else leads. */
static void
update_lead_rows (KtPlanPage *self)
{
  KtLeadKind kind = self->kase != NULL ? kt_case_get_lead_kind (self->kase) : KT_LEAD_NONE;
  gboolean other = kind != KT_LEAD_NONE && kind != KT_LEAD_KIND_RESIDENT;

  gtk_widget_set_visible (GTK_WIDGET (self->lead_reason_row), other);
  gtk_widget_set_visible (self->lead_agreed_row, other);
}

static void
sync_lead (KtPlanPage *self)
{
  guint position = 0;

  fill_leads (self);
  for (guint i = 1; self->kase != NULL && self->lead_ids[i] != NULL; i++)
    if (g_strcmp0 (self->lead_ids[i], self->kase->lead_id) == 0)
      position = i;
  adw_combo_row_set_selected (self->lead_row, position);
  set_entry (self->lead_reason_row, self->kase != NULL ? self->kase->lead_reason : NULL);
  gtk_switch_set_active (self->lead_agreed_switch, self->kase != NULL && self->kase->lead_agreed);
  adw_expander_row_set_enable_expansion (self->stuck_row, self->kase != NULL && self->kase->stuck);
  set_entry (self->stuck_reason_row, self->kase != NULL ? self->kase->stuck_reason : NULL);
  update_lead_rows (self);
}

static void
emit_case_changed (KtPlanPage *self)
{
  if (!self->syncing)
    g_signal_emit (self, signals[CASE_CHANGED], 0);
}

static void
lead_cb (AdwComboRow *row,
         GParamSpec  *pspec,
         KtPlanPage  *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->syncing || self->kase == NULL || selected == GTK_INVALID_LIST_POSITION ||
      selected >= g_strv_length (self->lead_ids))
    return;
  set_text (&self->kase->lead_id, self->lead_ids[selected]);
  update_lead_rows (self);
  emit_case_changed (self);
}

static void
lead_reason_changed_cb (KtPlanPage *self)
{
  if (self->syncing || self->kase == NULL)
    return;
  set_text (&self->kase->lead_reason, gtk_editable_get_text (GTK_EDITABLE (self->lead_reason_row)));
  emit_case_changed (self);
}

static void
lead_agreed_changed_cb (KtPlanPage *self)
{
  if (self->syncing || self->kase == NULL)
    return;
  self->kase->lead_agreed = gtk_switch_get_active (self->lead_agreed_switch);
  emit_case_changed (self);
}

/* The signal reaches the supervisor once there is a reason to read. */
static void
stuck_changed_cb (KtPlanPage *self)
{
  const char *reason;
  gboolean stuck;
  g_autofree char *today = NULL;

  if (self->syncing || self->kase == NULL)
    return;
  reason = gtk_editable_get_text (GTK_EDITABLE (self->stuck_reason_row));
  stuck = adw_expander_row_get_enable_expansion (self->stuck_row) && !kt_text_is_blank (reason);
  if (stuck == self->kase->stuck && g_strcmp0 (reason, self->kase->stuck_reason) == 0)
    return;
  if (stuck && self->kase->stuck_date != NULL)
    today = g_strdup (self->kase->stuck_date);
  else
    today = kt_date_today ();
  kt_case_set_stuck (self->kase, stuck, reason, today, NULL);
  emit_case_changed (self);
}

/* The first GtkSwitch under @widget, or NULL. */
static GtkWidget *
find_switch (GtkWidget *widget)
{
  if (GTK_IS_SWITCH (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_switch (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* ---- safety and agreement ----------------------------------------------- */

static void
safety_changed_cb (KtPlanPage *self)
{
  if (self->syncing || self->plan == NULL)
    return;
  set_text (&self->plan->safety.risks, gtk_editable_get_text (GTK_EDITABLE (self->risks_row)));
  set_text (&self->plan->safety.agreements, gtk_editable_get_text (GTK_EDITABLE (self->agreements_row)));
  set_text (&self->plan->safety.who_watches, gtk_editable_get_text (GTK_EDITABLE (self->watches_row)));
  self->plan->safety.veilig_thuis_consulted = gtk_switch_get_active (self->veilig_thuis_switch);
  emit_changed (self);
}

/* The agreement editor edits the plan's agreement in place. */
static void
agreement_changed_cb (KtPlanPage *self)
{
  if (self->syncing || self->plan == NULL)
    return;
  emit_changed (self);
}

static void
question_changed_cb (KtPlanPage *self)
{
  g_autofree char *question = NULL;

  if (self->syncing || self->plan == NULL)
    return;
  question = kt_text_field_get_text (self->question_field);
  set_text (&self->plan->question, question);
  emit_changed (self);
}

/* ---- review state ------------------------------------------------------- */

/* A comment on a goal names the goal: "Make it concrete" alone does not
 * say which of four goals it is about. */
static void
append_comment (GString               *text,
                const KtPlan          *plan,
                const KtReviewComment *comment)
{
  const char *goal = NULL;

  for (guint i = 0; comment->goal_id != NULL && plan->goals != NULL && i < plan->goals->len; i++)
    {
      const KtGoal *g = g_ptr_array_index (plan->goals, i);

      if (g_strcmp0 (g->id, comment->goal_id) == 0)
        goal = g->title;
    }
  g_string_append (text, "\n• ");
  if (goal != NULL)
    g_string_append_printf (text, _("On “%s”: %s"), goal, comment->text != NULL ? comment->text : "");
  else
    g_string_append (text, comment->text != NULL ? comment->text : "");
}

/* The versions before the one shown, oldest first (transfer container). */
static GPtrArray *
earlier_versions (KtPlanPage *self)
{
  GPtrArray *earlier = g_ptr_array_new ();

  for (guint i = 0; self->versions != NULL && i < self->versions->len; i++)
    {
      KtPlan *version = g_ptr_array_index (self->versions, i);

      if (version->version < self->plan->version &&
          g_strcmp0 (version->case_id, self->plan->case_id) == 0 &&
          g_strcmp0 (version->header.id, self->plan->header.id) != 0)
        g_ptr_array_add (earlier, version);
    }
  return earlier;
}

/* While a draft made from a returned version is changed, that version's
 * comments stay beside it; the earlier versions and their reviews below
 * the plan.  Both are for the coach, not for the table. */
static void
update_history (KtPlanPage *self)
{
  g_autoptr(GPtrArray) earlier = earlier_versions (self);
  KtPlan *source = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < earlier->len; i++)
    {
      KtPlan *version = g_ptr_array_index (earlier, i);

      if (source == NULL || version->version > source->version)
        source = version;
    }
  if (self->plan->review == KT_REVIEW_DRAFT && source != NULL &&
      source->review == KT_REVIEW_RETURNED && source->comments != NULL && source->comments->len > 0)
    {
      if (self->resident_watching)
        g_string_append_printf (text, _("Version %d came back with comments from the supervisor; "
                                        "switch resident watching off to read them."), source->version);
      else
        {
          g_string_append_printf (text, _("Version %d came back with these comments from the supervisor:"),
                                  source->version);
          for (guint i = 0; i < source->comments->len; i++)
            append_comment (text, source, g_ptr_array_index (source->comments, i));
        }
    }
  gtk_label_set_text (self->earlier_label, text->str);
  gtk_widget_set_visible (self->earlier_box, text->len > 0);

  kt_review_history_set_plans (self->history, earlier);
  gtk_widget_set_visible (self->history_slot, earlier->len > 0 && !self->resident_watching);
}

static void
update_lock (KtPlanPage *self)
{
  gboolean locked = kt_plan_is_locked (self->plan);
  KtReviewState review = self->plan->review;
  g_autoptr(GString) text = g_string_new (NULL);

  gtk_widget_set_sensitive (self->editor, !locked);
  kt_agreement_editor_set_editable (self->agreement_editor, !locked);
  gtk_widget_set_visible (self->submit_button, !locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.submit", !locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.add-goal", !locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.add-provision", !locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.new-version", review != KT_REVIEW_DRAFT);

  /* "Submitted" only once the server has it (issue 20). */
  if (review == KT_REVIEW_SUBMITTED && self->share_state == KT_SHARE_REFUSED)
    {
      g_string_append_printf (text, _("Not shared: the server refused this plan: %s"),
                              self->share_reason != NULL ? self->share_reason : "");
      g_string_append (text, "\n");
      g_string_append (text, _("What now: the plan stays on this device and Keukentafel tries again "
                               "at every sync. If this stays, make a new version and submit it "
                               "again, or ask your administrator."));
    }
  else if (review == KT_REVIEW_SUBMITTED && self->share_state != KT_SHARE_SHARED)
    g_string_append (text, _("Waiting to be sent for review. It goes to the server as soon as "
                             "there is a connection; until then the plan cannot be changed."));
  else if (review == KT_REVIEW_SUBMITTED)
    g_string_append (text, _("Submitted for review. The plan cannot be changed now; "
                             "make a new version if something has to change."));
  /* Who reviewed it, by the name colleagues know her by (the team's keys
   * carry it), so the coach knows whom to ask. */
  else if (review == KT_REVIEW_APPROVED && self->plan->reviewer != NULL)
    g_string_append_printf (text, _("Approved by %s. Make a new version to change the plan."),
                            kt_role_person_name (NULL, self->team, self->plan->reviewer));
  else if (review == KT_REVIEW_APPROVED)
    g_string_append (text, _("Approved. Make a new version to change the plan."));
  else if (review == KT_REVIEW_RETURNED)
    {
      if (self->plan->reviewer != NULL)
        g_string_append_printf (text, _("Returned with comments by %s. Change the plan and submit it again."),
                                kt_role_person_name (NULL, self->team, self->plan->reviewer));
      else
        g_string_append (text, _("Returned with comments. Change the plan and submit it again."));
      /* The supervisor's comments are for the coach, not for the table. */
      for (guint i = 0; !self->resident_watching && self->plan->comments != NULL &&
                        i < self->plan->comments->len; i++)
        append_comment (text, self->plan, g_ptr_array_index (self->plan->comments, i));
      /* The coach still needs to know there is something to read. */
      if (self->resident_watching && self->plan->comments != NULL && self->plan->comments->len > 0)
        {
          g_string_append (text, "\n");
          g_string_append (text, _("There are comments from the supervisor; switch resident watching "
                                   "off to read them."));
        }
    }
  gtk_label_set_text (self->locked_label, text->str);
  gtk_widget_set_visible (self->locked_box, review != KT_REVIEW_DRAFT);
  gtk_widget_set_visible (self->new_version_button, review != KT_REVIEW_DRAFT);
  update_history (self);
  update_ready (self);
}

/* What the plan still needs before review, said beside the button; the
 * rule itself is kt_review_list_missing. */
static void
update_ready (KtPlanPage *self)
{
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GString) text = NULL;
  gboolean locked;

  if (self->plan == NULL)
    return;
  locked = kt_plan_is_locked (self->plan);
  gtk_widget_set_visible (self->ready_box, !locked);
  if (locked)
    return;
  missing = kt_review_list_missing (self->plan, self->conversation);
  gtk_widget_set_visible (self->conversation_note_group,
                          self->conversation == NULL || !self->conversation->complete);
  text = g_string_new (NULL);
  if (missing->len > 0)
    {
      g_string_append (text, _("Before the plan can go to review:"));
      for (guint i = 0; i < missing->len; i++)
        g_string_append_printf (text, "\n• %s", (const char *) g_ptr_array_index (missing, i));
    }
  gtk_label_set_text (self->missing_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->missing_label), missing->len > 0);
  gtk_widget_set_sensitive (self->submit_button, missing->len == 0);
  /* The button says why it cannot be pressed (the label is its description). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->submit_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str, -1);
}

static void
conversation_note_changed_cb (KtPlanPage *self)
{
  if (self->syncing || self->plan == NULL)
    return;
  set_text (&self->plan->conversation_note, gtk_editable_get_text (GTK_EDITABLE (self->conversation_note_row)));
  emit_changed (self);
}

/* A review that came for the plan on screen is read where it is written,
 * at the top: the page stays scrolled where the coach left it otherwise,
 * and a toast alone is gone before it is read. */
static void
reveal_review (KtPlanPage *self)
{
  if (!self->reveal_review || !gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      !gtk_widget_get_visible (self->locked_box))
    return;
  self->reveal_review = FALSE;
  kt_app_scroll_into_view (self->locked_box);
}

static void
on_map (KtPlanPage *self)
{
  /* The conversation may have been finished on its page meanwhile. */
  update_ready (self);
  reveal_review (self);
}

void
kt_plan_page_set_share_state (KtPlanPage   *self,
                              KtShareState  state,
                              const char   *reason)
{
  g_return_if_fail (KT_IS_PLAN_PAGE (self));

  self->share_state = state;
  g_free (self->share_reason);
  self->share_reason = g_strdup (reason);
  if (self->plan != NULL)
    update_lock (self);
}

gboolean
kt_plan_page_submit (KtPlanPage *self,
                     GError    **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KT_IS_PLAN_PAGE (self), FALSE);
  g_return_val_if_fail (self->plan != NULL, FALSE);

  if (!kt_plan_is_locked (self->plan) &&
      !kt_review_check_ready (self->plan, self->conversation, &local_error))
    {
      AdwToast *toast = kt_a11y_toast_new (local_error->message);

      adw_toast_set_timeout (toast, 8);
      kt_a11y_add_toast (self->toasts, toast);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!kt_plan_submit (self->plan, &local_error))
    {
      AdwToast *toast = kt_a11y_toast_new (local_error->message);

      adw_toast_set_timeout (toast, 8);
      kt_a11y_add_toast (self->toasts, toast);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* Until the server confirms, it waits to be sent (set_share_state). */
  self->share_state = KT_SHARE_WAITING;
  g_clear_pointer (&self->share_reason, g_free);
  update_lock (self);
  kt_a11y_add_toast (self->toasts, kt_a11y_toast_new (_("Waiting to be sent for review")));
  g_signal_emit (self, signals[CHANGED], 0);
  g_signal_emit (self, signals[SUBMITTED], 0);
  return TRUE;
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  kt_plan_page_submit (KT_PLAN_PAGE (widget), NULL);
}

/* Adds or replaces (by id) one version of the plan. */
static void
add_version (KtPlanPage *self,
             KtPlan     *plan)
{
  for (guint i = 0; i < self->versions->len; i++)
    {
      KtPlan *version = g_ptr_array_index (self->versions, i);

      if (g_strcmp0 (version->header.id, plan->header.id) == 0)
        {
          g_ptr_array_remove_index (self->versions, i);
          break;
        }
    }
  g_ptr_array_add (self->versions, kt_plan_ref (plan));
}

static void
new_version_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KtPlanPage *self = KT_PLAN_PAGE (widget);
  g_autoptr(KtPlan) next = NULL;

  if (self->plan == NULL || self->plan->review == KT_REVIEW_DRAFT)
    return;
  next = kt_plan_new_version (self->plan);
  /* The version it came from is an earlier version now, with its review. */
  add_version (self, self->plan);
  kt_plan_page_set_documents (self, self->catalogue, self->kase, self->conversation, next);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- documents ---------------------------------------------------------- */

/* The safety plan shows when a safety flag asks for it, and never while the
 * resident watches: a partner at the table may be the risk. */
static void
update_safety_visibility (KtPlanPage *self)
{
  gboolean safety = self->plan->safety_required ||
                    (self->conversation != NULL && kt_conversation_has_safety_flag (self->conversation));

  gtk_widget_set_visible (self->safety_group, safety && !self->resident_watching);
}

static void
sync_all (KtPlanPage *self)
{
  /* The plan's question starts from the request's words (issue 16): less
   * typing, and the coach and resident sharpen it together. */
  if (kt_text_is_blank (self->plan->question) && self->kase != NULL &&
      !kt_text_is_blank (self->kase->request.question))
    set_text (&self->plan->question, self->kase->request.question);

  self->syncing = TRUE;
  kt_text_field_set_text (self->question_field, self->plan->question);
  fill_people (self);
  sync_lead (self);
  adw_combo_row_set_selected (self->contact_row, person_position (self, self->plan->contact_person));
  adw_combo_row_set_selected (self->evaluator_row, person_position (self, self->plan->evaluator));

  update_safety_visibility (self);
  set_entry (self->risks_row, self->plan->safety.risks);
  set_entry (self->agreements_row, self->plan->safety.agreements);
  set_entry (self->watches_row, self->plan->safety.who_watches);
  gtk_switch_set_active (self->veilig_thuis_switch, self->plan->safety.veilig_thuis_consulted);

  kt_agreement_editor_set_agreement (self->agreement_editor, &self->plan->agreement);
  set_entry (self->conversation_note_row, self->plan->conversation_note);
  self->syncing = FALSE;

  rebuild_goals (self);
  rebuild_provisions (self);
  update_lock (self);
}

void
kt_plan_page_set_documents (KtPlanPage     *self,
                            KtCatalogue    *catalogue,
                            KtCase         *kase,
                            KtConversation *conversation,
                            KtPlan         *plan)
{
  g_return_if_fail (KT_IS_PLAN_PAGE (self));
  g_return_if_fail (KT_IS_CATALOGUE (catalogue));
  g_return_if_fail (plan != NULL);

  g_set_object (&self->catalogue, catalogue);
  if (kase != self->kase)
    {
      g_clear_pointer (&self->kase, kt_case_unref);
      self->kase = kase != NULL ? kt_case_ref (kase) : NULL;
    }
  if (conversation != self->conversation)
    {
      g_clear_pointer (&self->conversation, kt_conversation_unref);
      self->conversation = conversation != NULL ? kt_conversation_ref (conversation) : NULL;
    }
  /* The supervisor's answer to the plan on screen: approved or returned. */
  if (self->plan != NULL && plan != self->plan &&
      g_strcmp0 (self->plan->header.id, plan->header.id) == 0 && self->plan->review != plan->review &&
      (plan->review == KT_REVIEW_APPROVED || plan->review == KT_REVIEW_RETURNED))
    self->reveal_review = TRUE;
  else if (self->plan == NULL || g_strcmp0 (self->plan->header.id, plan->header.id) != 0)
    self->reveal_review = FALSE;
  kt_plan_ref (plan);
  g_clear_pointer (&self->plan, kt_plan_unref);
  self->plan = plan;

  /* The regisseur is one value, in the case: an old plan's own copy moves
   * there once (see kt_case_adopt_plan_lead). */
  if (kase != NULL && kt_case_adopt_plan_lead (kase, plan))
    g_signal_emit (self, signals[CASE_CHANGED], 0);
  /* Nothing asked twice: the plan's roles start as the case has them. */
  if (kase != NULL && !kt_plan_is_locked (plan))
    {
      if (plan->contact_person == NULL)
        plan->contact_person = g_strdup (kase->contact_person_id);
      if (plan->evaluator == NULL)
        plan->evaluator = g_strdup (kase->evaluator_id);
    }
  /* A safety flag in the conversation makes the safety plan required. */
  if (conversation != NULL && kt_conversation_has_safety_flag (conversation) && !kt_plan_is_locked (plan))
    plan->safety_required = TRUE;
  sync_all (self);
  reveal_review (self);
}

void
kt_plan_page_set_versions (KtPlanPage *self,
                           GPtrArray  *versions)
{
  g_return_if_fail (KT_IS_PLAN_PAGE (self));

  g_ptr_array_set_size (self->versions, 0);
  for (guint i = 0; versions != NULL && i < versions->len; i++)
    add_version (self, g_ptr_array_index (versions, i));
  if (self->plan != NULL)
    update_lock (self);
}

void
kt_plan_page_set_team (KtPlanPage *self,
                       GPtrArray  *team)
{
  g_return_if_fail (KT_IS_PLAN_PAGE (self));

  if (team != NULL)
    g_ptr_array_ref (team);
  g_clear_pointer (&self->team, g_ptr_array_unref);
  self->team = team;
  kt_review_history_set_team (self->history, team);
  if (self->plan != NULL)
    update_lock (self);
}

void
kt_plan_page_clear (KtPlanPage *self)
{
  GtkWidget *child;
  AdwEntryRow *entries[] = { self->risks_row, self->agreements_row,
                             self->watches_row,
                             self->conversation_note_row };

  g_return_if_fail (KT_IS_PLAN_PAGE (self));

  self->syncing = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    set_entry (entries[i], NULL);
  kt_text_field_set_text (self->question_field, NULL);
  self->syncing = FALSE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->goals_box))) != NULL)
    gtk_box_remove (self->goals_box, child);
  for (guint i = 0; i < self->provision_rows->len; i++)
    adw_preferences_group_remove (self->provisions_group, g_ptr_array_index (self->provision_rows, i));
  g_ptr_array_set_size (self->provision_rows, 0);
  kt_agreement_editor_set_agreement (self->agreement_editor, NULL);
  /* No earlier comments or versions left behind for the next household. */
  g_ptr_array_set_size (self->versions, 0);
  kt_review_history_set_plans (self->history, NULL);
  gtk_label_set_text (self->earlier_label, "");
  gtk_widget_set_visible (self->earlier_box, FALSE);
  gtk_widget_set_visible (self->history_slot, FALSE);
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->plan, kt_plan_unref);
  self->reveal_review = FALSE;
}

void
kt_plan_page_set_resident_watching (KtPlanPage *self,
                                    gboolean    watching)
{
  g_return_if_fail (KT_IS_PLAN_PAGE (self));

  self->resident_watching = watching;
  if (self->plan == NULL)
    return;
  update_safety_visibility (self);
  update_lock (self);
}

KtPlan *
kt_plan_page_get_plan (KtPlanPage *self)
{
  g_return_val_if_fail (KT_IS_PLAN_PAGE (self), NULL);
  return self->plan;
}

gboolean
kt_plan_page_is_read_only (KtPlanPage *self)
{
  g_return_val_if_fail (KT_IS_PLAN_PAGE (self), FALSE);
  return !gtk_widget_get_sensitive (self->editor);
}

GtkWidget *
kt_plan_page_get_editor (KtPlanPage *self)
{
  g_return_val_if_fail (KT_IS_PLAN_PAGE (self), NULL);
  return self->editor;
}

GtkWidget *
kt_plan_page_get_safety_group (KtPlanPage *self)
{
  g_return_val_if_fail (KT_IS_PLAN_PAGE (self), NULL);
  return self->safety_group;
}

static void
kt_plan_page_dispose (GObject *object)
{
  KtPlanPage *self = KT_PLAN_PAGE (object);

  g_clear_object (&self->catalogue);
  g_clear_pointer (&self->team, g_ptr_array_unref);
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->plan, kt_plan_unref);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_clear_pointer (&self->provision_rows, g_ptr_array_unref);
  g_clear_pointer (&self->person_ids, g_strfreev);
  g_clear_pointer (&self->lead_ids, g_strfreev);
  g_clear_pointer (&self->share_reason, g_free);

  G_OBJECT_CLASS (kt_plan_page_parent_class)->dispose (object);
}

static void
kt_plan_page_class_init (KtPlanPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_plan_page_dispose;

  /* The plan changed (or was replaced by a new version): save it. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The plan was submitted for review: it may be shared now. */
  /* The case changed from the plan page (who leads, the plan is stuck): save it. */
  signals[CASE_CHANGED] = g_signal_new ("case-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SUBMITTED] = g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KT_TYPE_AGREEMENT_EDITOR);
  g_type_ensure (KT_TYPE_DATE_ROW);
  g_type_ensure (KT_TYPE_ADD_BUTTON);
  g_type_ensure (KT_TYPE_TEXT_FIELD);
  g_type_ensure (KT_TYPE_REVIEW_HISTORY);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-plan-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, toasts);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, locked_box);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, locked_label);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, new_version_button);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, earlier_box);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, earlier_label);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, history_slot);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, history);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, editor);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, question_field);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, goals_box);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, lead_row);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, lead_reason_row);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, lead_agreed_row);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, lead_agreed_switch);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, stuck_row);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, stuck_reason_row);
  gtk_widget_class_bind_template_callback (widget_class, lead_reason_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, lead_agreed_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stuck_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, contact_row);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, evaluator_row);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, provisions_group);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, safety_group);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, risks_row);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, agreements_row);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, watches_row);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, veilig_thuis_switch);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, agreement_editor);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, submit_button);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, ready_box);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, conversation_note_group);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, conversation_note_row);
  gtk_widget_class_bind_template_child (widget_class, KtPlanPage, missing_label);
  gtk_widget_class_bind_template_callback (widget_class, conversation_note_changed_cb);
  /* Named for tests and screenshots; no field needed. */
  gtk_widget_class_bind_template_child_full (widget_class, "content", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, question_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, safety_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, agreement_changed_cb);

  gtk_widget_class_install_action (widget_class, "plan.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "plan.new-version", NULL, new_version_action);
  gtk_widget_class_install_action (widget_class, "plan.add-goal", NULL, add_goal_action);
  gtk_widget_class_install_action (widget_class, "plan.add-provision", NULL, add_provision_action);
  gtk_widget_class_install_action (widget_class, "plan.move-goal-up", "s", goal_action);
  gtk_widget_class_install_action (widget_class, "plan.move-goal-down", "s", goal_action);
  gtk_widget_class_install_action (widget_class, "plan.remove-goal", "s", goal_action);
}

static void
kt_plan_page_init (KtPlanPage *self)
{
  self->provision_rows = g_ptr_array_new ();
  self->versions = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);
  self->person_ids = g_new0 (char *, 1);
  self->lead_ids = g_new0 (char *, 1);
  gtk_widget_init_template (GTK_WIDGET (self));
  kt_a11y_name_choice_list (GTK_WIDGET (self->lead_row));
  /* libadwaita 1.2 gives an expander row's enable switch no accessible name. */
  {
    GtkWidget *toggle = find_switch (GTK_WIDGET (self->stuck_row));

    if (toggle != NULL)
      kt_a11y_set_label (toggle, _("The plan is stuck"));
  }
  kt_a11y_name_choice_list (GTK_WIDGET (self->contact_row));
  kt_a11y_name_choice_list (GTK_WIDGET (self->evaluator_row));
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);

  g_signal_connect (self->lead_row, "notify::selected", G_CALLBACK (lead_cb), self);
  g_signal_connect (self->contact_row, "notify::selected", G_CALLBACK (role_cb), self);
  g_signal_connect (self->evaluator_row, "notify::selected", G_CALLBACK (role_cb), self);
}
