/* kt-intake-page.c: KtIntakePage, the request (aanmelding) form
 *
 * Own strength and network come first, as the intaker asks them first.
 * Every field writes straight into the case and emits ::changed; the case
 * view autosaves on that.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-intake-page"

#include "config.h"

#include <stdlib.h>
#include <glib/gi18n.h>

#include "kt-intake-page.h"
#include "kt-a11y.h"
#include "kt-add-button.h"
#include "kt-intake-page-private.h"
#include "kt-app-util.h"
#include "kt-consent-row.h"
#include "kt-date-format.h"
#include "kt-date-row.h"
#include "kt-text-field.h"

struct _KtIntakePage
{
  GtkWidget             parent_instance;

  GtkWidget            *scroller;
  KtTextField          *own_strength_field;
  KtTextField          *question_field;
  AdwPreferencesGroup  *request_group;
  AdwPreferencesGroup  *safety_group;
  AdwPreferencesGroup  *members_group;
  AdwPreferencesGroup  *contact_group;
  AdwPreferencesGroup  *agreements_group;
  AdwPreferencesGroup  *consent_group;
  AdwActionRow         *conversation_deadline_row;
  AdwActionRow         *own_plan_deadline_row;
  GtkWidget            *consent_error_box;
  GtkLabel             *consent_error_label;

  /* Rows made in code, bound to fields of the case. */
  GtkWidget            *household_row;
  GtkWidget            *date_row;     /* KtDateRow */
  GtkWidget            *channel_row;
  GtkWidget            *urgency_row;
  GtkWidget            *safety_row;
  GtkWidget            *safety_note_row;
  GtkWidget            *address_row;
  GtkWidget            *phone_row;
  GtkWidget            *email_row;
  GtkWidget            *support_row;
  GtkWidget            *easy_read_row;
  GtkWidget            *own_plan_row;
  GPtrArray            *member_rows;
  GPtrArray            *consent_rows;

  KtCase               *kase;
  KtPlan               *plan;            /* for what a consent covers, or NULL */
  char                 *recorded_by;     /* who records consent answers, or NULL */
};

G_DEFINE_FINAL_TYPE (KtIntakePage, kt_intake_page, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  START_CONVERSATION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


static void refresh_consents (KtIntakePage *self);

static void
emit_changed (gpointer user_data)
{
  KtIntakePage *self = user_data;

  g_signal_emit (self, signals[CHANGED], 0);
}

/* Deadlines */

static void
show_deadline (AdwActionRow *row,
               const char   *iso_date)
{
  g_autofree char *date = kt_format_date (iso_date, KT_DATE_LONG);
  g_autofree char *left = kt_app_deadline_text (iso_date, NULL);
  g_autofree char *subtitle = NULL;

  if (date == NULL)
    subtitle = g_strdup (_("Set the date of the request first"));
  else
    /* TRANSLATORS: "6 January 2027 · 42 days left" */
    subtitle = g_strdup_printf (_("%s · %s"), date, left);
  adw_action_row_set_subtitle (row, subtitle);
}

static void
refresh_deadlines (KtIntakePage *self)
{
  int conversation_days, own_plan_days;

  kt_app_get_periods (&conversation_days, &own_plan_days);
  kt_case_compute_deadlines (self->kase, conversation_days, own_plan_days);
  show_deadline (self->conversation_deadline_row, self->kase->conversation_deadline);
  show_deadline (self->own_plan_deadline_row, self->kase->own_plan_deadline);
}

/* Urgency sets the first deadline (kt_case_compute_deadlines). */
static void
on_urgency_changed (gpointer user_data)
{
  KtIntakePage *self = user_data;

  if (self->kase == NULL)
    return;
  refresh_deadlines (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* The deadlines hang on the date: picked from the calendar, never cleared
 * (the row offers no clear button). */
static void
on_date_changed (KtIntakePage *self)
{
  const char *date = kt_date_row_get_date (KT_DATE_ROW (self->date_row));

  if (self->kase == NULL || date == NULL || !kt_app_set_text (&self->kase->request.date, date))
    return;
  refresh_deadlines (self);
  emit_changed (self);
}

static void
on_safety_changed (gpointer user_data)
{
  KtIntakePage *self = user_data;

  gtk_widget_set_visible (self->safety_note_row, self->kase->request.safety_concern);
  emit_changed (self);
}

/* Household members */

static void
member_row_refresh (GtkWidget *expander)
{
  KtMember *member = g_object_get_data (G_OBJECT (expander), "kt-member");
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander),
                                 member->name != NULL ? member->name : _("New member"));
  if (member->birth_year > 0 && member->relation != NULL)
    subtitle = g_strdup_printf (_("%s, born %d"), member->relation, member->birth_year);
  else if (member->birth_year > 0)
    subtitle = g_strdup_printf (_("Born %d"), member->birth_year);
  else
    subtitle = g_strdup (member->relation);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle != NULL ? subtitle : "");
}

/* "Children first" only where the household has children (issue 16: a
 * household without them reads no word about them), as on the domain page. */
static void
refresh_safety_words (KtIntakePage *self)
{
  gboolean children = self->kase != NULL && kt_case_has_children (self->kase);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->safety_row),
                               children ? _("Every member is asked about safety, children first")
                                        : _("Every member is asked about safety"));
}

static void
on_member_field_changed (gpointer user_data)
{
  GtkWidget *expander = user_data;
  KtIntakePage *self = g_object_get_data (G_OBJECT (expander), "kt-page");

  member_row_refresh (expander);
  refresh_safety_words (self);
  emit_changed (self);
}

static void
on_birth_year_changed (GtkEditable *row,
                       GtkWidget   *expander)
{
  KtMember *member = g_object_get_data (G_OBJECT (expander), "kt-member");
  const char *text = kt_app_editable_text (row);
  char *end = NULL;
  long year = strtol (text, &end, 10);

  if (text[0] == '\0')
    year = 0;
  else if (*end != '\0' || year < 1900 || year > 2100)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  if (member->birth_year == (int) year)
    return;
  member->birth_year = (int) year;
  on_member_field_changed (expander);
}

static void rebuild_members (KtIntakePage *self);

static void
on_remove_member (GtkButton *button,
                  GtkWidget *expander)
{
  KtIntakePage *self = g_object_get_data (G_OBJECT (expander), "kt-page");
  KtMember *member = g_object_get_data (G_OBJECT (expander), "kt-member");

  g_ptr_array_remove (self->kase->members, member);
  rebuild_members (self);
  emit_changed (self);
}

static GtkWidget *
member_row_new (KtIntakePage *self,
                KtMember     *member)
{
  GtkWidget *expander = adw_expander_row_new ();
  GtkWidget *year_row = adw_entry_row_new ();
  GtkWidget *remove = kt_app_icon_button_new ("user-trash-symbolic", _("Remove member"));
  g_autofree char *year = member->birth_year > 0 ? g_strdup_printf ("%d", member->birth_year) : NULL;

  g_object_set_data (G_OBJECT (expander), "kt-page", self);
  g_object_set_data (G_OBJECT (expander), "kt-member", member);
  member_row_refresh (expander);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                            kt_app_text_row_new (_("Name"), &member->name,
                                                 on_member_field_changed, expander));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (year_row), _("Year of birth"));
  gtk_editable_set_text (GTK_EDITABLE (year_row), year != NULL ? year : "");
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (year_row), GTK_INPUT_PURPOSE_DIGITS);
  g_signal_connect (year_row, "changed", G_CALLBACK (on_birth_year_changed), expander);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), year_row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                            kt_app_text_row_new (_("Relation to the applicant"), &member->relation,
                                                 on_member_field_changed, expander));
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_member), expander);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), remove);
  return expander;
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static void
rebuild_members (KtIntakePage *self)
{
  clear_rows (self->members_group, self->member_rows);
  for (guint i = 0; self->kase != NULL && i < self->kase->members->len; i++)
    {
      GtkWidget *row = member_row_new (self, g_ptr_array_index (self->kase->members, i));

      g_ptr_array_add (self->member_rows, row);
      adw_preferences_group_add (self->members_group, row);
    }
  refresh_safety_words (self);
}

static void
add_member_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KtIntakePage *self = KT_INTAKE_PAGE (widget);
  KtMember *member;
  GtkWidget *row;

  if (self->kase == NULL)
    return;
  member = kt_member_new ();
  if (member->id == NULL)
    member->id = kt_uuid_new ();
  g_ptr_array_add (self->kase->members, member);
  row = member_row_new (self, member);
  g_ptr_array_add (self->member_rows, row);
  adw_preferences_group_add (self->members_group, row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  kt_app_scroll_into_view (row);
  emit_changed (self);
}

/* Consent */

static void
on_consent_changed (KtIntakePage *self)
{
  refresh_consents (self);
  emit_changed (self);
}

/* No remove button: a consent is never deleted, only withdrawn. */
static GtkWidget *
consent_row_new (KtIntakePage *self,
                 KtConsent    *consent)
{
  GtkWidget *row = kt_consent_row_new (self->kase, self->plan, consent, self->recorded_by);

  g_signal_connect_object (row, "changed", G_CALLBACK (on_consent_changed), self, G_CONNECT_SWAPPED);
  return row;
}

static void
rebuild_consents (KtIntakePage *self)
{
  clear_rows (self->consent_group, self->consent_rows);
  for (guint i = 0; self->kase != NULL && i < self->kase->consents->len; i++)
    {
      GtkWidget *row = consent_row_new (self, g_ptr_array_index (self->kase->consents, i));

      g_ptr_array_add (self->consent_rows, row);
      adw_preferences_group_add (self->consent_group, row);
    }
}

/* Shows why the consents are not in order, or hides the notice. */
static void
refresh_consents (KtIntakePage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->kase == NULL || kt_case_check_consents (self->kase, &error))
    {
      gtk_widget_set_visible (self->consent_error_box, FALSE);
      return;
    }
  gtk_label_set_label (self->consent_error_label, error->message);
  gtk_widget_set_visible (self->consent_error_box, TRUE);
}

static void
add_consent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KtIntakePage *self = KT_INTAKE_PAGE (widget);
  KtConsent *consent;
  GtkWidget *row;

  if (self->kase == NULL)
    return;
  consent = kt_consent_new ();
  if (consent->id == NULL)
    consent->id = kt_uuid_new ();
  g_ptr_array_add (self->kase->consents, consent);
  row = consent_row_new (self, consent);
  g_ptr_array_add (self->consent_rows, row);
  adw_preferences_group_add (self->consent_group, row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  kt_app_scroll_into_view (row);
  emit_changed (self);
}

static void
start_conversation_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  KtIntakePage *self = KT_INTAKE_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->kase == NULL)
    return;
  refresh_consents (self);
  if (!kt_case_check_consents (self->kase, &error))
    {
      gtk_widget_grab_focus (self->consent_error_box);
      return;
    }
  g_signal_emit (self, signals[START_CONVERSATION], 0);
}

/* Text fields */

static void
on_own_strength_changed (KtIntakePage *self)
{
  g_autofree char *text = kt_text_field_get_text (self->own_strength_field);

  if (self->kase != NULL && kt_app_set_text (&self->kase->request.own_strength, text))
    emit_changed (self);
}

static void
on_question_changed (KtIntakePage *self)
{
  g_autofree char *text = kt_text_field_get_text (self->question_field);

  if (self->kase != NULL && kt_app_set_text (&self->kase->request.question, text))
    emit_changed (self);
}

static void
take_plan (KtIntakePage *self,
           KtPlan       *plan,
           const char   *recorded_by)
{
  if (plan != NULL)
    kt_plan_ref (plan);
  g_clear_pointer (&self->plan, kt_plan_unref);
  self->plan = plan;
  g_free (self->recorded_by);
  self->recorded_by = g_strdup (recorded_by);
}

void
kt_intake_page_set_plan (KtIntakePage *self,
                         KtPlan       *plan,
                         const char   *recorded_by)
{
  g_return_if_fail (KT_IS_INTAKE_PAGE (self));

  take_plan (self, plan, recorded_by);
  rebuild_consents (self);
}

/* The consent rows are built once for both, not once for the case and
 * again for its plan: opening a case built them twice (issue 22). */
void
kt_intake_page_set_documents (KtIntakePage *self,
                              KtCase       *kase,
                              KtPlan       *plan,
                              const char   *recorded_by)
{
  g_return_if_fail (KT_IS_INTAKE_PAGE (self));

  take_plan (self, plan, recorded_by);
  kt_intake_page_set_case (self, kase);
}

void
kt_intake_page_set_case (KtIntakePage *self,
                         KtCase       *kase)
{
  KtRequest *request;

  g_return_if_fail (KT_IS_INTAKE_PAGE (self));

  if (kase != NULL)
    kt_case_ref (kase);
  g_clear_pointer (&self->kase, kt_case_unref);
  self->kase = kase;
  rebuild_members (self);
  rebuild_consents (self);
  if (kase == NULL)
    {
      kt_text_field_set_text (self->own_strength_field, NULL);
      kt_text_field_set_text (self->question_field, NULL);
      kt_app_text_row_bind (self->household_row, NULL);
      return;
    }

  request = &kase->request;
  kt_text_field_set_text (self->own_strength_field, request->own_strength);
  kt_text_field_set_text (self->question_field, request->question);
  kt_app_text_row_bind (self->household_row, &kase->household);
  kt_date_row_set_date (KT_DATE_ROW (self->date_row), request->date);
  kt_app_combo_row_bind (self->channel_row, (int *) &request->channel);
  kt_app_combo_row_bind (self->urgency_row, (int *) &request->urgency);
  kt_app_switch_row_bind (self->safety_row, &request->safety_concern);
  kt_app_text_row_bind (self->safety_note_row, &request->safety_note);
  gtk_widget_set_visible (self->safety_note_row, request->safety_concern);
  kt_app_text_row_bind (self->address_row, &kase->address);
  kt_app_text_row_bind (self->phone_row, &kase->phone);
  kt_app_text_row_bind (self->email_row, &kase->email);
  kt_app_switch_row_bind (self->support_row, &request->client_support_offered);
  kt_app_switch_row_bind (self->own_plan_row, &request->own_plan_wanted);
  kt_app_switch_row_bind (self->easy_read_row, &kase->easy_read);
  refresh_deadlines (self);
  refresh_consents (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
}

/* While the resident watches, the safety concern and what it is about are
 * hidden (a partner at the table may be the risk), and the question in
 * their own words shows larger. */
void
kt_intake_page_set_resident_watching (KtIntakePage *self,
                                      gboolean      watching)
{
  g_return_if_fail (KT_IS_INTAKE_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->safety_group), !watching);
  if (watching)
    gtk_widget_add_css_class (GTK_WIDGET (self->question_field), "resident-words");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->question_field), "resident-words");
}

/* Test and window accessors (kt-intake-page-private.h) */

KtTextField *
kt_intake_page_get_own_strength_field (KtIntakePage *self)
{
  return self->own_strength_field;
}

KtTextField *
kt_intake_page_get_question_field (KtIntakePage *self)
{
  return self->question_field;
}

GtkEditable *
kt_intake_page_get_household_row (KtIntakePage *self)
{
  return GTK_EDITABLE (self->household_row);
}

KtDateRow *
kt_intake_page_get_date_row (KtIntakePage *self)
{
  return KT_DATE_ROW (self->date_row);
}

GtkSwitch *
kt_intake_page_get_safety_switch (KtIntakePage *self)
{
  return g_object_get_data (G_OBJECT (self->safety_row), "kt-switch");
}

AdwActionRow *
kt_intake_page_get_deadline_row (KtIntakePage *self,
                                 gboolean      own_plan)
{
  return own_plan ? self->own_plan_deadline_row : self->conversation_deadline_row;
}

GtkWidget *
kt_intake_page_get_row (KtIntakePage *self,
                        gboolean      consent,
                        guint         index)
{
  GPtrArray *rows = consent ? self->consent_rows : self->member_rows;

  return index < rows->len ? g_ptr_array_index (rows, index) : NULL;
}

GtkLabel *
kt_intake_page_get_consent_error (KtIntakePage *self)
{
  return gtk_widget_get_visible (self->consent_error_box) ? self->consent_error_label : NULL;
}

/* Set-up */

static void
kt_intake_page_dispose (GObject *object)
{
  KtIntakePage *self = KT_INTAKE_PAGE (object);

  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->plan, kt_plan_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KT_TYPE_INTAKE_PAGE);
  G_OBJECT_CLASS (kt_intake_page_parent_class)->dispose (object);
}

static void
kt_intake_page_finalize (GObject *object)
{
  KtIntakePage *self = KT_INTAKE_PAGE (object);

  g_clear_pointer (&self->member_rows, g_ptr_array_unref);
  g_clear_pointer (&self->consent_rows, g_ptr_array_unref);
  g_free (self->recorded_by);
  G_OBJECT_CLASS (kt_intake_page_parent_class)->finalize (object);
}

static void
kt_intake_page_class_init (KtIntakePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_intake_page_dispose;
  object_class->finalize = kt_intake_page_finalize;

  /* The user edited the case. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The intake is done and its consents are in order. */
  signals[START_CONVERSATION] = g_signal_new ("start-conversation", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 0);

  g_type_ensure (KT_TYPE_TEXT_FIELD);
  g_type_ensure (KT_TYPE_ADD_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-intake-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, own_strength_field);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, question_field);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, request_group);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, safety_group);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, members_group);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, contact_group);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, agreements_group);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, consent_group);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, conversation_deadline_row);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, own_plan_deadline_row);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, consent_error_box);
  gtk_widget_class_bind_template_child (widget_class, KtIntakePage, consent_error_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "intake.add-member", NULL, add_member_action);
  gtk_widget_class_install_action (widget_class, "intake.add-consent", NULL, add_consent_action);
  gtk_widget_class_install_action (widget_class, "intake.start-conversation", NULL,
                                   start_conversation_action);
}

static void
kt_intake_page_init (KtIntakePage *self)
{
  g_autofree const char **channels = kt_app_enum_labels ((KtAppLabelFunc) kt_channel_get_label,
                                                          KT_N_CHANNELS);
  g_autofree const char **urgencies = kt_app_enum_labels ((KtAppLabelFunc) kt_urgency_get_label,
                                                           KT_N_URGENCIES);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->member_rows = g_ptr_array_new ();
  self->consent_rows = g_ptr_array_new ();

  kt_text_field_set_hint (self->own_strength_field, _("Ask this first, before anything else."));
  g_signal_connect_swapped (self->own_strength_field, "changed",
                            G_CALLBACK (on_own_strength_changed), self);
  g_signal_connect_swapped (self->question_field, "changed",
                            G_CALLBACK (on_question_changed), self);

  self->household_row = kt_app_text_row_new (_("Household name"), NULL, emit_changed, self);
  self->date_row = kt_date_row_new (_("Date of the request"), FALSE);
  g_signal_connect_swapped (self->date_row, "changed", G_CALLBACK (on_date_changed), self);
  self->channel_row = kt_app_combo_row_new (_("Channel"), channels, NULL, emit_changed, self);
  self->urgency_row = kt_app_combo_row_new (_("Urgency"), urgencies, NULL, on_urgency_changed, self);
  adw_preferences_group_add (self->request_group, self->household_row);
  adw_preferences_group_add (self->request_group, self->date_row);
  adw_preferences_group_add (self->request_group, self->channel_row);
  adw_preferences_group_add (self->request_group, self->urgency_row);

  self->safety_row = kt_app_switch_row_new (_("Worried about someone's safety"),
                                            _("Every member is asked about safety"),
                                            NULL, on_safety_changed, self);
  self->safety_note_row = kt_app_text_row_new (_("What worries you?"), NULL, emit_changed, self);
  gtk_widget_set_visible (self->safety_note_row, FALSE);
  adw_preferences_group_add (self->safety_group, self->safety_row);
  adw_preferences_group_add (self->safety_group, self->safety_note_row);

  self->address_row = kt_app_text_row_new (_("Address"), NULL, emit_changed, self);
  self->phone_row = kt_app_text_row_new (_("Phone"), NULL, emit_changed, self);
  self->email_row = kt_app_text_row_new (_("Email"), NULL, emit_changed, self);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (self->phone_row), GTK_INPUT_PURPOSE_PHONE);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (self->email_row), GTK_INPUT_PURPOSE_EMAIL);
  adw_preferences_group_add (self->contact_group, self->address_row);
  adw_preferences_group_add (self->contact_group, self->phone_row);
  adw_preferences_group_add (self->contact_group, self->email_row);

  self->support_row = kt_app_switch_row_new (_("Independent client support offered"), NULL,
                                             NULL, emit_changed, self);
  self->own_plan_row = kt_app_switch_row_new (_("Resident hands in their own plan"), NULL,
                                              NULL, emit_changed, self);
  self->easy_read_row = kt_app_switch_row_new (_("Report in plain, short sentences"),
                                               _("Larger type, one idea per line (kort en duidelijk)"),
                                               NULL, emit_changed, self);
  adw_preferences_group_add (self->agreements_group, self->support_row);
  adw_preferences_group_add (self->agreements_group, self->own_plan_row);
  adw_preferences_group_add (self->agreements_group, self->easy_read_row);
}

GtkWidget *
kt_intake_page_new (void)
{
  return g_object_new (KT_TYPE_INTAKE_PAGE, NULL);
}
