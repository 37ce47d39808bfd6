/* kt-progress-page.c: KtProgressPage, the case after the plan
 *
 * One page for what follows the plan, shown by phase: carrying it out
 * (actions ticked off with a date and a note, how each goal stands), the
 * evaluation with the household (per goal how it went, the wheel scored
 * again beside last time's score, what next), closing with a reason and a
 * follow-up date, the follow-up check and re-opening with a new question.
 * The rules live in the core (kt-case-cycle.h, kt-case-due.h,
 * kt-evaluation.h); this page only asks and shows.
 *
 * What changes is autosaved through the store; once the server knows the
 * household, the case, the evaluation and a new plan version are shared
 * through the same outbox as every other record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-progress-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kt-progress-page.h"
#include "kt-a11y.h"
#include "kt-agreement-editor.h"
#include "kt-app-util.h"
#include "kt-case-view-private.h"
#include "kt-date-row.h"
#include "kt-evaluation.h"

struct _KtProgressPage
{
  AdwBin           parent_instance;

  AdwToastOverlay *toasts;
  AdwActionRow    *next_row;
  GtkWidget       *support_group;
  GtkWidget       *start_support_button;
  GtkListBox      *support_list;
  GtkWidget       *evaluation_group;
  GtkWidget       *start_evaluation_button;
  GtkListBox      *evaluation_list;
  GtkWidget       *wheel_group;
  GtkListBox      *wheel_list;
  GtkWidget       *questions_group;
  GtkListBox      *questions_list;
  GtkWidget       *agreement_group;
  KtAgreementEditor *agreement_editor;
  GtkWidget       *outcome_group;
  GtkWidget       *next_evaluation_row;
  GtkWidget       *continue_button;
  GtkWidget       *report_button;
  GtkWidget       *closing_group;
  AdwComboRow     *close_reason_row;
  GtkWidget       *close_note_row;
  GtkWidget       *close_words_row;
  GtkWidget       *follow_up_date_row;
  GtkWidget       *follow_up_contact_row;
  GtkWidget       *close_button;
  GtkLabel        *close_error_label;
  GtkWidget       *follow_up_group;
  AdwActionRow    *closed_row;
  AdwActionRow    *last_check_row;
  GtkWidget       *check_note_row;
  GtkWidget       *next_check_row;
  GtkWidget       *check_button;
  GtkWidget       *reopen_group;
  GtkWidget       *question_row;
  GtkWidget       *reopen_button;

  KtCaseView      *view;          /* the page lives inside it */
  GSettings       *settings;      /* the periods from Preferences; NULL without the schema */
  char            *case_id;       /* the household the date rows were filled for */
  char            *offered_next_evaluation;  /* the dates the page offered, so a */
  char            *offered_follow_up;        /* default follows Preferences, a pick stays */
};

G_DEFINE_FINAL_TYPE (KtProgressPage, kt_progress_page, ADW_TYPE_BIN)

static void refresh (KtProgressPage *self);

/* Offers @date in @row unless the coach picked another: a row still empty or
 * holding what was offered last takes the new default, so a date follows a
 * changed period in Preferences while the page shows, and a date the coach
 * chose stays.  @offered keeps what was offered. */
static void
offer_date (GtkWidget   *row,
            char       **offered,
            const char  *date)
{
  const char *shown = kt_date_row_get_date (KT_DATE_ROW (row));

  if (shown != NULL && shown[0] != '\0' && g_strcmp0 (shown, *offered) != 0)
    return;
  kt_date_row_set_date (KT_DATE_ROW (row), date);
  g_free (*offered);
  *offered = g_strdup (date);
}

static void
toast (KtProgressPage *self,
       const char     *text)
{
  kt_a11y_add_toast (self->toasts, kt_a11y_toast_new (text));
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* The ISO date of a KtDateRow, or "" when none is picked. */
static const char *
date_text (GtkWidget *row)
{
  const char *date = kt_date_row_get_date (KT_DATE_ROW (row));

  return date != NULL ? date : "";
}

static void
set_entry (GtkWidget  *row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  gtk_widget_remove_css_class (row, "error");
}

/* Shares @body through the case view, which shows a failure on the
 * household where the coach looks. */
static void
share (KtProgressPage *self,
       GBytes         *body,
       const char     *id)
{
  kt_case_view_share_record (self->view, body, id);
}

static void
case_changed (KtProgressPage *self)
{
  KtCase *kase = kt_case_view_get_case (self->view);
  g_autoptr(GBytes) body = NULL;

  kt_case_view_case_changed (self->view);
  body = kt_case_encode (kase);
  share (self, body, kase->header.id);
}

static void
plan_changed (gpointer user_data)
{
  KtProgressPage *self = user_data;
  KtPlan *plan = kt_case_view_get_plan (self->view);

  kt_store_autosave_plan (kt_case_view_get_store (self->view), plan);
}

static void
conversation_changed (gpointer user_data)
{
  KtProgressPage *self = user_data;

  kt_case_view_conversation_changed (self->view);
}

/* Carrying out */

static char *
action_subtitle (const KtAction *action)
{
  g_autofree char *date = NULL;

  if (!action->done)
    {
      g_autofree char *due = kt_format_date (action->due, KT_DATE_LONG);

      if (due != NULL)
        /* Translators: %s is a date. */
        return g_strdup_printf (_("Not done yet · planned by %s"), due);
      return g_strdup (_("Not done yet"));
    }
  date = kt_format_date (action->done_date, KT_DATE_LONG);
  if (action->done_note != NULL)
    /* Translators: a date, then the coach's short note. */
    return g_strdup_printf (_("Done on %s · %s"), date != NULL ? date : "", action->done_note);
  return g_strdup_printf (_("Done on %s"), date != NULL ? date : "");
}

static void
on_tick_off (GtkButton *button,
             gpointer   user_data)
{
  KtProgressPage *self = user_data;
  KtAction *action = g_object_get_data (G_OBJECT (button), "action");
  GtkWidget *note_row = g_object_get_data (G_OBJECT (button), "note-row");

  kt_action_tick_off (action, NULL, kt_app_editable_text (note_row));
  plan_changed (self);
  toast (self, _("Ticked off"));
  refresh (self);
}

static void
on_progress_note (AdwEntryRow *row,
                  gpointer     user_data)
{
  KtProgressPage *self = user_data;
  KtGoal *goal = g_object_get_data (G_OBJECT (row), "goal");
  const char *text = kt_app_editable_text (row);
  g_autofree char *today = NULL;
  g_autofree char *day = NULL;

  if (kt_text_is_blank (text))
    return;
  today = kt_date_today ();
  day = kt_format_date (today, KT_DATE_SHORT);
  /* The date goes with the note: the list of notes is the goal's story. */
  g_ptr_array_add (goal->progress_notes, g_strdup_printf ("%s: %s", day, text));
  plan_changed (self);
  toast (self, _("Progress note added"));
  refresh (self);
}

static void
fill_support (KtProgressPage *self,
              KtPlan         *plan)
{
  g_autofree const char **statuses = kt_app_enum_labels ((KtAppLabelFunc) kt_goal_status_get_label,
                                                         KT_N_GOAL_STATUSES);

  clear_list (self->support_list);
  for (guint g = 0; plan != NULL && g < plan->goals->len; g++)
    {
      KtGoal *goal = g_ptr_array_index (plan->goals, g);
      const char *title = goal->title != NULL ? goal->title : _("Goal without a title");
      g_autofree char *status_title = g_strdup_printf (_("How it stands: %s"), title);
      g_autofree char *note_title = g_strdup_printf (_("Progress note: %s"), title);
      GtkWidget *status_row, *note_row;

      status_row = kt_app_combo_row_new (status_title, statuses, (int *) &goal->status, plan_changed, self);
      gtk_list_box_append (self->support_list, status_row);
      note_row = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (note_row), note_title);
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (note_row), TRUE);
      kt_a11y_set_label (note_row, note_title);
      g_object_set_data (G_OBJECT (note_row), "goal", goal);
      g_signal_connect (note_row, "apply", G_CALLBACK (on_progress_note), self);
      gtk_list_box_append (self->support_list, note_row);

      for (guint a = 0; a < goal->actions->len; a++)
        {
          KtAction *action = g_ptr_array_index (goal->actions, a);
          g_autofree char *subtitle = action_subtitle (action);
          const char *what = action->what != NULL ? action->what : _("Action");
          g_autofree char *name = NULL;
          GtkWidget *row, *button;

          if (action->done)
            {
              /* Done: what, when and the note, with a tick. */
              row = adw_action_row_new ();
              adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), what);
              adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
              adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("object-select-symbolic"));
              kt_a11y_set_label (row, what);
            }
          else
            {
              /* Not done: one row to write the short note in and tick off,
               * so nothing is hidden behind a fold. */
              g_autofree char *note_row_title = g_strdup_printf (_("%s — short note (optional)"), what);

              row = adw_entry_row_new ();
              adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), note_row_title);
              name = g_strdup_printf (_("Note on: %s"), what);
              kt_a11y_set_label (row, name);
              button = gtk_button_new_with_mnemonic (_("_Tick Off"));
              gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
              g_free (name);
              name = g_strdup_printf (_("Tick off: %s"), what);
              kt_a11y_set_label (button, name);
              g_object_set_data (G_OBJECT (button), "action", action);
              g_object_set_data (G_OBJECT (button), "note-row", row);
              g_signal_connect (button, "clicked", G_CALLBACK (on_tick_off), self);
              adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), button);
            }
          gtk_list_box_append (self->support_list, row);
        }
    }
}

static void
on_start_support (KtProgressPage *self)
{
  KtCase *kase = kt_case_view_get_case (self->view);
  int evaluation_days, follow_up_months;

  kt_app_get_cycle_periods (&evaluation_days, &follow_up_months);
  kt_case_start_support (kase, kt_case_view_get_plan (self->view), evaluation_days, NULL);
  case_changed (self);
  refresh (self);
}

/* Evaluation */

/* A score runs from 0 ("not (yet)") to KT_WHEEL_MAX; below 0 the segment is
 * not scored, which the spin button shows as a dash, not as a 0 the coach
 * did not give. */
static gboolean
on_score_output (GtkSpinButton *spin,
                 gpointer       user_data)
{
  int value = gtk_spin_button_get_value_as_int (spin);
  /* GTK 4.8's spin button takes only digits and signs as its text. */
  g_autofree char *text = value < 0 ? g_strdup ("-") : g_strdup_printf ("%d", value);

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                  value < 0 ? _("Not filled in") : text, -1);
  return TRUE;
}

static int
on_score_input (GtkSpinButton *spin,
                double        *new_value,
                gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  gint64 value;

  if (text[strspn (text, " -")] == '\0')
    {
      *new_value = -1;
      return TRUE;
    }
  value = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '\0')
    return GTK_INPUT_ERROR;
  *new_value = CLAMP (value, -1, KT_WHEEL_MAX);
  return TRUE;
}

static void
on_score_changed (GtkSpinButton *spin,
                  gpointer       user_data)
{
  KtProgressPage *self = user_data;
  KtConversation *conversation = kt_case_view_get_conversation (self->view);
  int s = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (spin), "segment"));
  AdwPreferencesRow *row = g_object_get_data (G_OBJECT (spin), "row");
  const char *name = kt_catalogue_segment_name (kt_case_view_get_catalogue (self->view), s);
  g_autofree char *movement = NULL;

  conversation->wheel[s].current = gtk_spin_button_get_value_as_int (spin);
  movement = kt_evaluation_describe_movement (name, &conversation->wheel[s]);
  adw_preferences_row_set_title (row, movement != NULL ? movement : name);
  kt_case_view_conversation_changed (self->view);
}

static void
fill_evaluation (KtProgressPage *self,
                 KtConversation *conversation,
                 KtPlan         *plan)
{
  g_autofree const char **statuses = kt_app_enum_labels ((KtAppLabelFunc) kt_goal_status_get_label,
                                                         KT_N_GOAL_STATUSES);
  KtCatalogue *catalogue = kt_case_view_get_catalogue (self->view);


  for (guint i = 0; i < conversation->progress->len; i++)
    {
      KtGoalProgress *progress = g_ptr_array_index (conversation->progress, i);
      const char *title = NULL;
      g_autofree char *status_title = NULL;
      g_autofree char *note_title = NULL;

      for (guint g = 0; plan != NULL && g < plan->goals->len; g++)
        if (g_strcmp0 (((KtGoal *) g_ptr_array_index (plan->goals, g))->id, progress->goal_id) == 0)
          title = ((KtGoal *) g_ptr_array_index (plan->goals, g))->title;
      if (title == NULL)
        continue;
      status_title = g_strdup_printf (_("Goal: %s"), title);
      note_title = g_strdup_printf (_("What is different now: %s"), title);
      gtk_list_box_append (self->evaluation_list,
                           kt_app_combo_row_new (status_title, statuses, &progress->status,
                                                 conversation_changed, self));
      gtk_list_box_append (self->evaluation_list,
                           kt_app_text_row_new (note_title, &progress->note, conversation_changed, self));
    }

  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      KtWheelSegment *segment = &conversation->wheel[s];
      const char *name = kt_catalogue_segment_name (catalogue, s);
      g_autofree char *movement = kt_evaluation_describe_movement (name, segment);
      g_autofree char *was = NULL;
      g_autofree char *spin_name = g_strdup_printf (_("Score now: %s"), name);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *spin = gtk_spin_button_new_with_range (-1, KT_WHEEL_MAX, 1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), movement != NULL ? movement : name);
      if (segment->previous >= 0)
        was = g_strdup_printf (_("Last time: %d of %d"), segment->previous, KT_WHEEL_MAX);
      else
        was = g_strdup (_("Not scored last time"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), was);
      g_signal_connect (spin, "output", G_CALLBACK (on_score_output), NULL);
      g_signal_connect (spin, "input", G_CALLBACK (on_score_input), NULL);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), MAX (segment->current, -1));
      on_score_output (GTK_SPIN_BUTTON (spin), NULL);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      kt_a11y_set_label (spin, spin_name);
      g_object_set_data (G_OBJECT (spin), "segment", GINT_TO_POINTER (s));
      g_object_set_data (G_OBJECT (spin), "row", row);
      g_signal_connect (spin, "value-changed", G_CALLBACK (on_score_changed), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      gtk_list_box_append (self->wheel_list, row);
    }
}

/* The editor has written the agreement into the evaluation itself. */
static void
on_agreement_changed (KtProgressPage *self)
{
  conversation_changed (self);
}

/* A domain's row in the look over the life domains: text is a new
 * question (kept, becoming a goal in the next version), empty is nothing
 * new (no record of it). */
static void
on_question_changed (GtkEditable    *row,
                     KtProgressPage *self)
{
  KtConversation *evaluation = kt_case_view_get_conversation (self->view);
  const char *domain_id = g_object_get_data (G_OBJECT (row), "domain");
  const char *text = gtk_editable_get_text (row);
  KtNewQuestion *question;

  if (evaluation == NULL || domain_id == NULL)
    return;
  question = kt_conversation_find_new_question (evaluation, domain_id);
  if (kt_text_is_blank (text))
    {
      if (question != NULL)
        g_ptr_array_remove (evaluation->new_questions, question);
    }
  else
    {
      if (question == NULL)
        {
          question = kt_new_question_new (domain_id);
          g_ptr_array_add (evaluation->new_questions, question);
        }
      g_free (question->note);
      question->note = g_strdup (text);
    }
  conversation_changed (self);
}

static void
fill_questions (KtProgressPage *self,
                KtConversation *conversation)
{
  KtCatalogue *catalogue = kt_case_view_get_catalogue (self->view);
  KtCase *kase = kt_case_view_get_case (self->view);
  gboolean children = kase != NULL && kt_case_has_children (kase);

  for (guint i = 0; i < kt_catalogue_get_n_domains (catalogue); i++)
    {
      const KtDomain *domain = kt_catalogue_get_domain (catalogue, i);
      KtNewQuestion *question = kt_conversation_find_new_question (conversation, domain->id);
      g_autofree char *title = NULL;
      GtkWidget *row;

      /* Opvoeding en ontwikkeling only with children, as in the
       * conversation (kt_catalogue_fit_conversation); a question already
       * written there stays. */
      if (domain->needs_children && !children && question == NULL)
        continue;
      /* Translators: a life domain; the row takes a new question, or stays empty. */
      title = g_strdup_printf (_("New question: %s"), domain->name);
      row = adw_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      kt_a11y_set_label (row, title);
      if (question != NULL && question->note != NULL)
        gtk_editable_set_text (GTK_EDITABLE (row), question->note);
      g_object_set_data_full (G_OBJECT (row), "domain", g_strdup (domain->id), g_free);
      g_signal_connect (row, "changed", G_CALLBACK (on_question_changed), self);
      gtk_list_box_append (self->questions_list, row);
    }
}

static void
on_start_evaluation (KtProgressPage *self)
{
  KtCase *kase = kt_case_view_get_case (self->view);
  KtStore *store = kt_case_view_get_store (self->view);
  KtCatalogue *catalogue = kt_case_view_get_catalogue (self->view);
  KtPlan *plan = kt_case_view_get_plan (self->view);
  g_autoptr(KtConversation) evaluation = NULL;

  evaluation = kt_evaluation_new (catalogue, kt_case_view_get_conversation (self->view), plan);
  g_free (evaluation->date);
  evaluation->date = kt_date_today ();
  kt_store_autosave_conversation (store, evaluation);
  kt_case_start_evaluation (kase, NULL);
  kt_case_view_set_documents (self->view, store, catalogue, kase, evaluation, plan);
  case_changed (self);
  refresh (self);
}

/* Go on: the evaluation's goal statuses go into a new plan version that
 * carries the unfinished goals; the old version stays as it was. */
static void
on_continue (KtProgressPage *self)
{
  KtCase *kase = kt_case_view_get_case (self->view);
  KtStore *store = kt_case_view_get_store (self->view);
  KtConversation *evaluation = kt_case_view_get_conversation (self->view);
  KtPlan *plan = kt_case_view_get_plan (self->view);
  g_autoptr(KtPlan) next = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!kt_case_continue_support (kase, date_text (self->next_evaluation_row), &error))
    {
      gtk_widget_add_css_class (self->next_evaluation_row, "error");
      toast (self, error->message);
      return;
    }
  next = kt_plan_new_version (plan);
  for (guint i = 0; evaluation->progress != NULL && i < evaluation->progress->len; i++)
    {
      KtGoalProgress *progress = g_ptr_array_index (evaluation->progress, i);

      for (guint g = 0; g < next->goals->len; g++)
        {
          KtGoal *goal = g_ptr_array_index (next->goals, g);

          if (g_strcmp0 (goal->id, progress->goal_id) != 0)
            continue;
          if (progress->status == KT_GOAL_ACHIEVED || progress->status == KT_GOAL_STOPPED)
            g_ptr_array_remove_index (next->goals, g);
          else
            goal->status = progress->status;
          break;
        }
    }
  /* A new question from the look over the life domains becomes a goal. */
  kt_evaluation_add_question_goals (evaluation, next);
  kt_store_autosave_conversation (store, evaluation);
  kt_store_autosave_plan (store, next);
  kt_case_view_set_documents (self->view, store, kt_case_view_get_catalogue (self->view), kase, evaluation, next);
  case_changed (self);
  body = kt_conversation_encode (evaluation);
  share (self, body, evaluation->header.id);
  /* Translators: %d is the plan's version number. */
  text = g_strdup_printf (_("Plan version %d is ready: agree it with the household on the Plan page."),
                          next->version);
  toast (self, text);
  refresh (self);
}

static void
on_open_report (KtProgressPage *self)
{
  kt_case_view_set_visible_page (self->view, "report");
}

/* Closing and follow-up */

static gboolean
has_safety_flag (KtProgressPage *self)
{
  KtCase *kase = kt_case_view_get_case (self->view);
  KtConversation *conversation = kt_case_view_get_conversation (self->view);
  KtPlan *plan = kt_case_view_get_plan (self->view);

  /* The last conversation or evaluation, and what the intake or the plan
   * already knew: a household is never let go on a guess. */
  return kase->request.safety_concern ||
         (conversation != NULL && kt_conversation_has_safety_flag (conversation)) ||
         (plan != NULL && plan->safety_required);
}

static void
on_close_case (KtProgressPage *self)
{
  KtCase *kase = kt_case_view_get_case (self->view);
  KtConversation *conversation = kt_case_view_get_conversation (self->view);
  g_autoptr(GError) error = NULL;
  guint selected = adw_combo_row_get_selected (self->close_reason_row);
  KtCloseReason reason = selected == GTK_INVALID_LIST_POSITION ? KT_CLOSE_NONE : (KtCloseReason) (selected + 1);

  if (!kt_case_close (kase, reason, kt_app_editable_text (self->close_note_row),
                      kt_app_editable_text (self->close_words_row),
                      date_text (self->follow_up_date_row),
                      kt_app_editable_text (self->follow_up_contact_row),
                      has_safety_flag (self), NULL, &error))
    {
      if (g_error_matches (error, KT_MODEL_ERROR, KT_MODEL_ERROR_FOLLOW_UP_REQUIRED))
        {
          gtk_widget_add_css_class (self->follow_up_date_row, "error");
          gtk_widget_add_css_class (self->follow_up_contact_row, "error");
        }
      /* Said beside the fields, in full: a toast would cut it short. */
      gtk_label_set_text (self->close_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->close_error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->close_error_label), FALSE);
  if (conversation != NULL && conversation->is_evaluation)
    {
      g_autoptr(GBytes) body = kt_conversation_encode (conversation);

      kt_store_autosave_conversation (kt_case_view_get_store (self->view), conversation);
      share (self, body, conversation->header.id);
    }
  case_changed (self);
  toast (self, _("The case is closed"));
  refresh (self);
}

static void
on_record_check (KtProgressPage *self)
{
  KtCase *kase = kt_case_view_get_case (self->view);
  g_autoptr(GError) error = NULL;

  if (!kt_case_record_follow_up (kase, kt_app_editable_text (self->check_note_row),
                                 date_text (self->next_check_row), NULL, &error))
    {
      gtk_widget_add_css_class (self->next_check_row, "error");
      toast (self, error->message);
      return;
    }
  case_changed (self);
  toast (self, _("Follow-up check recorded"));
  refresh (self);
}

static void
on_reopen (KtProgressPage *self)
{
  KtCase *kase = kt_case_view_get_case (self->view);
  KtStore *store = kt_case_view_get_store (self->view);
  KtCatalogue *catalogue = kt_case_view_get_catalogue (self->view);
  KtPlan *plan = kt_case_view_get_plan (self->view);
  g_autoptr(KtConversation) conversation = NULL;
  g_autoptr(GError) error = NULL;
  int conversation_days, own_plan_days;

  kt_app_get_periods (&conversation_days, &own_plan_days);
  if (!kt_case_reopen (kase, kt_app_editable_text (self->question_row), NULL, conversation_days,
                       own_plan_days, &error))
    {
      gtk_widget_add_css_class (self->question_row, "error");
      toast (self, error->message);
      return;
    }
  /* A household only on this device has no coach on record: the coach
   * re-opening it here holds the new question. */
  if (kase->phase == KT_PHASE_REGISTERED)
    kase->phase = KT_PHASE_CONVERSATION;
  /* The new conversation starts from the last one's wheel and people, as
   * an evaluation does, so the household does not tell its story again. */
  conversation = kt_evaluation_new (catalogue, kt_case_view_get_conversation (self->view), NULL);
  conversation->is_evaluation = FALSE;
  g_ptr_array_set_size (conversation->progress, 0);
  g_free (conversation->date);
  conversation->date = kt_date_today ();
  kt_store_autosave_conversation (store, conversation);
  kt_case_view_set_documents (self->view, store, catalogue, kase, conversation, plan);
  case_changed (self);
  set_entry (self->question_row, NULL);
  toast (self, _("The case is open again with the new question"));
  kt_case_view_set_visible_page (self->view, "intake");
}

static void
fill_closing (KtProgressPage *self,
              KtCase         *kase)
{
  g_autofree char *follow_up = NULL;
  g_autofree char *today = kt_date_today ();
  g_autofree char *closed = NULL;
  g_autofree char *subtitle = NULL;
  int evaluation_days, follow_up_months;

  if (kase->phase < KT_PHASE_CLOSED)
    {
      /* The period from Preferences (three months unless changed); the
       * coach picks another date here. */
      kt_app_get_cycle_periods (&evaluation_days, &follow_up_months);
      follow_up = kt_case_default_follow_up (today, follow_up_months);
      offer_date (self->follow_up_date_row, &self->offered_follow_up, follow_up);
      return;
    }
  closed = kt_format_date (kase->closed_date, KT_DATE_LONG);
  if (kase->follow_up_contact != NULL)
    /* Translators: the reason the case was closed, the date, who keeps in touch. */
    subtitle = g_strdup_printf (_("%s · %s · contact: %s"), kt_close_reason_get_label (kase->close_reason),
                                closed != NULL ? closed : "", kase->follow_up_contact);
  else
    /* Translators: the reason the case was closed, then the date. */
    subtitle = g_strdup_printf (_("%s · %s"), kt_close_reason_get_label (kase->close_reason),
                                closed != NULL ? closed : "");
  adw_action_row_set_subtitle (self->closed_row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->last_check_row), kase->follow_up_checked != NULL);
  if (kase->follow_up_checked != NULL)
    {
      g_autofree char *checked = kt_format_date (kase->follow_up_checked, KT_DATE_LONG);
      g_autofree char *said = kase->follow_up_note != NULL && *kase->follow_up_note != '\0'
                              /* Translators: the date of the check, then how it goes, in the resident's words. */
                              ? g_strdup_printf (_("%s · “%s”"), checked != NULL ? checked : "", kase->follow_up_note)
                              : g_strdup (checked != NULL ? checked : "");

      adw_action_row_set_subtitle (self->last_check_row, said);
    }
  set_entry (self->check_note_row, NULL);
  kt_date_row_set_date (KT_DATE_ROW (self->next_check_row), NULL);
}

static void
refresh (KtProgressPage *self)
{
  KtCase *kase = self->view != NULL ? kt_case_view_get_case (self->view) : NULL;
  KtConversation *conversation;
  KtPlan *plan;
  g_autofree char *due_text = NULL;
  g_autofree char *phase_text = NULL;
  g_autofree char *next_evaluation = NULL;
  int evaluation_days, follow_up_months;
  gboolean evaluating, closed;
  KtDue due;

  if (kase == NULL)
    {
      kt_agreement_editor_set_agreement (self->agreement_editor, NULL);
      clear_list (self->support_list);
      clear_list (self->evaluation_list);
      clear_list (self->wheel_list);
      clear_list (self->questions_list);
      return;
    }
  conversation = kt_case_view_get_conversation (self->view);
  plan = kt_case_view_get_plan (self->view);
  /* Another household starts from its own dates, not from the ones picked
   * for the last one. */
  if (g_strcmp0 (self->case_id, kase->header.id) != 0)
    {
      g_free (self->case_id);
      self->case_id = g_strdup (kase->header.id);
      g_clear_pointer (&self->offered_next_evaluation, g_free);
      g_clear_pointer (&self->offered_follow_up, g_free);
      kt_date_row_set_date (KT_DATE_ROW (self->next_evaluation_row), NULL);
      kt_date_row_set_date (KT_DATE_ROW (self->follow_up_date_row), NULL);
    }
  evaluating = conversation != NULL && conversation->is_evaluation && kase->phase == KT_PHASE_EVALUATION;
  closed = kase->phase >= KT_PHASE_CLOSED;

  due = kt_case_next_due (kase, NULL);
  due_text = kt_due_describe (due.kind, due.date, NULL, NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->next_row),
                                 due_text != NULL ? due_text : _("Nothing due"));
  /* Translators: %s is a phase: "Uitvoering". */
  phase_text = g_strdup_printf (_("Phase: %s"), kt_phase_get_label (kase->phase));
  adw_action_row_set_subtitle (self->next_row, phase_text);

  /* During the evaluation its own questions come first. */
  /* A plan may be agreed before every domain is talked through (it then
   * says why it goes ahead now), so carrying it out can start from the
   * conversation on. */
  gtk_widget_set_visible (self->support_group, kase->phase >= KT_PHASE_CONVERSATION &&
                                               kase->phase != KT_PHASE_EVALUATION && !closed);
  gtk_widget_set_visible (self->start_support_button,
                          kase->phase == KT_PHASE_CONVERSATION || kase->phase == KT_PHASE_PLAN);
  gtk_widget_set_sensitive (self->start_support_button,
                            plan != NULL && (plan->agreement.state == KT_AGREEMENT_AGREED ||
                                             plan->agreement.state == KT_AGREEMENT_PARTLY));
  gtk_widget_set_tooltip_text (self->start_support_button,
                               gtk_widget_get_sensitive (self->start_support_button)
                               ? NULL : _("First agree the plan with the household"));
  fill_support (self, plan);

  gtk_widget_set_visible (self->evaluation_group,
                          kase->phase == KT_PHASE_SUPPORT || kase->phase == KT_PHASE_EVALUATION);
  gtk_widget_set_visible (self->start_evaluation_button, kase->phase == KT_PHASE_SUPPORT);
  gtk_widget_set_visible (self->wheel_group, evaluating);
  gtk_widget_set_visible (self->questions_group, evaluating);
  gtk_widget_set_visible (self->agreement_group, evaluating);
  gtk_widget_set_visible (self->outcome_group, evaluating);
  kt_agreement_editor_set_agreement (self->agreement_editor,
                                     evaluating ? &conversation->agreement : NULL);
  clear_list (self->evaluation_list);
  clear_list (self->wheel_list);
  clear_list (self->questions_list);
  if (evaluating)
    {
      fill_evaluation (self, conversation, plan);
      fill_questions (self, conversation);
    }
  kt_app_get_cycle_periods (&evaluation_days, &follow_up_months);
  next_evaluation = kt_date_add_days (conversation != NULL && kt_date_is_valid (conversation->date)
                                      ? conversation->date : NULL, evaluation_days);
  if (next_evaluation == NULL)
    {
      g_autofree char *today = kt_date_today ();

      next_evaluation = kt_date_add_days (today, evaluation_days);
    }
  offer_date (self->next_evaluation_row, &self->offered_next_evaluation, next_evaluation);

  /* An empty boxed list would draw as a stray line under its heading. */
  gtk_widget_set_visible (GTK_WIDGET (self->support_list),
                          gtk_widget_get_first_child (GTK_WIDGET (self->support_list)) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->evaluation_list),
                          gtk_widget_get_first_child (GTK_WIDGET (self->evaluation_list)) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->wheel_list),
                          gtk_widget_get_first_child (GTK_WIDGET (self->wheel_list)) != NULL);

  gtk_widget_set_visible (self->closing_group, kase->phase >= KT_PHASE_CONVERSATION && !closed);
  gtk_widget_set_visible (self->follow_up_group, closed);
  gtk_widget_set_visible (self->reopen_group, closed);
  fill_closing (self, kase);
}

/* Following the view */

/* Hidden, the page only lets go of a case that closed or locked; it lays
 * out the open one when it is shown (page_mapped_cb), not on every edit
 * made on another page (issue 22). */
static void
documents_changed_cb (KtCaseView     *view,
                      KtProgressPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || kt_case_view_get_case (view) == NULL)
    refresh (self);
}

static void
page_mapped_cb (KtProgressPage *self)
{
  refresh (self);
}

/* A period changed in Preferences while the page shows: the dates it
 * offered follow (offer_date); hidden, it catches up when shown. */
static void
periods_changed_cb (KtProgressPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self);
}

void
kt_progress_page_attach (KtCaseView *view)
{
  KtProgressPage *self;

  g_return_if_fail (KT_IS_CASE_VIEW (view));

  self = g_object_new (KT_TYPE_PROGRESS_PAGE, NULL);
  self->view = view;
  /* The page lives in the view, so it never outlives the handler's data. */
  g_signal_connect_object (view, "documents-changed", G_CALLBACK (documents_changed_cb), self, 0);
  g_signal_connect_object (view, "case-changed", G_CALLBACK (documents_changed_cb), self, 0);
  g_signal_connect (self, "map", G_CALLBACK (page_mapped_cb), NULL);
  self->settings = kt_app_get_settings ();
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::evaluation-period-days",
                               G_CALLBACK (periods_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::follow-up-period-months",
                               G_CALLBACK (periods_changed_cb), self, G_CONNECT_SWAPPED);
    }
  kt_case_view_add_page (view, "progress", GTK_WIDGET (self));
}

static void
kt_progress_page_finalize (GObject *object)
{
  KtProgressPage *self = KT_PROGRESS_PAGE (object);

  g_clear_object (&self->settings);
  g_free (self->case_id);
  g_free (self->offered_next_evaluation);
  g_free (self->offered_follow_up);
  G_OBJECT_CLASS (kt_progress_page_parent_class)->finalize (object);
}

static void
kt_progress_page_class_init (KtProgressPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kt_progress_page_finalize;

  g_type_ensure (KT_TYPE_DATE_ROW);
  g_type_ensure (KT_TYPE_AGREEMENT_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-progress-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, toasts);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, next_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, support_group);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, start_support_button);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, support_list);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, evaluation_group);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, start_evaluation_button);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, evaluation_list);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, wheel_group);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, wheel_list);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, questions_group);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, questions_list);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, agreement_group);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, agreement_editor);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, outcome_group);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, next_evaluation_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, continue_button);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, report_button);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, closing_group);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, close_reason_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, close_note_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, close_words_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, follow_up_date_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, follow_up_contact_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, close_button);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, close_error_label);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, follow_up_group);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, closed_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, last_check_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, check_note_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, next_check_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, check_button);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, reopen_group);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, question_row);
  gtk_widget_class_bind_template_child (widget_class, KtProgressPage, reopen_button);
  gtk_widget_class_bind_template_callback (widget_class, on_start_support);
  gtk_widget_class_bind_template_callback (widget_class, on_start_evaluation);
  gtk_widget_class_bind_template_callback (widget_class, on_continue);
  gtk_widget_class_bind_template_callback (widget_class, on_open_report);
  gtk_widget_class_bind_template_callback (widget_class, on_close_case);
  gtk_widget_class_bind_template_callback (widget_class, on_record_check);
  gtk_widget_class_bind_template_callback (widget_class, on_reopen);
  gtk_widget_class_bind_template_callback (widget_class, on_agreement_changed);
}

/* Every control gets its name from its visible text: GTK 4.8 gives none. */
static void
name_by_title (GtkWidget *row)
{
  kt_a11y_set_label (row, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
}

static void
name_by_label (GtkWidget *button)
{
  g_autofree char *text = g_strdup (gtk_button_get_label (GTK_BUTTON (button)));
  char *from, *to;

  /* The mnemonic's underscore is not part of the name. */
  for (from = to = text; *from != '\0'; from++)
    if (*from != '_')
      *to++ = *from;
  *to = '\0';
  kt_a11y_set_label (button, text);
}

static void
kt_progress_page_init (KtProgressPage *self)
{
  g_autoptr(GtkStringList) reasons = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Every reason but "not closed", in the model's order. */
  for (int r = KT_CLOSE_NONE + 1; r < KT_N_CLOSE_REASONS; r++)
    gtk_string_list_append (reasons, kt_close_reason_get_label (r));
  adw_combo_row_set_model (self->close_reason_row, G_LIST_MODEL (reasons));
  adw_combo_row_set_selected (self->close_reason_row, 0);
  kt_a11y_name_choice_list (GTK_WIDGET (self->close_reason_row));
  name_by_title (GTK_WIDGET (self->close_reason_row));

  {
    GtkWidget *rows[] = { self->next_evaluation_row, self->close_note_row, self->close_words_row,
                          self->follow_up_date_row, self->follow_up_contact_row, self->check_note_row,
                          self->next_check_row, self->question_row };
    GtkWidget *buttons[] = { self->start_support_button, self->start_evaluation_button,
                             self->continue_button, self->report_button, self->close_button,
                             self->check_button, self->reopen_button };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        name_by_title (rows[i]);
        /* A field marked wrong is no longer marked once it is changed. */
        g_signal_connect (rows[i], "changed", G_CALLBACK (gtk_widget_remove_css_class), (gpointer) "error");
      }
    /* Nor does the refusal to close stay in red once the coach works on
     * what it asked for. */
    g_signal_connect_swapped (self->follow_up_date_row, "changed", G_CALLBACK (gtk_widget_hide),
                              self->close_error_label);
    g_signal_connect_swapped (self->follow_up_contact_row, "changed", G_CALLBACK (gtk_widget_hide),
                              self->close_error_label);
    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      name_by_label (buttons[i]);
  }
}
