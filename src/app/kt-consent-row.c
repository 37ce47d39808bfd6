/* kt-consent-row.c: KtConsentRow, one consent and its history, in the intake form
 *
 * A consent is never deleted and its answer never edited back: the buttons
 * append an event (asked, given, refused, withdrawn) and the history below
 * shows every one.  What the consent covers is shown at once, so the coach
 * sees what a withdrawal stops.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-consent-row"

#include "config.h"

#include "kt-consent-row.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-app-util.h"
#include "kt-consent.h"
#include "kt-date-format.h"

struct _KtConsentRow
{
  AdwExpanderRow  parent_instance;

  KtCase         *kase;
  KtPlan         *plan;
  KtConsent      *consent;         /* owned by kase */
  char           *recorded_by;
  int             next_form;       /* KtForm of the next answer */

  GtkWidget      *reasoning_row;
  AdwActionRow   *affected_row;
  GtkWidget      *withdraw_button;
  GtkWidget      *receivers_row;
  GPtrArray      *history_rows;    /* (element-type GtkWidget) */
};

G_DEFINE_FINAL_TYPE (KtConsentRow, kt_consent_row, ADW_TYPE_EXPANDER_ROW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (KtConsentRow *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static char *
event_text (const KtConsentEvent *event)
{
  g_autofree char *date = kt_format_date (event->date, KT_DATE_LONG);
  const char *label = kt_consent_event_get_label (event->kind);
  const char *form = kt_form_get_label (event->form);

  if (event->recorded_by != NULL)
    /* TRANSLATORS: "Given · 3 December 2026 · Spoken · recorded by anna" */
    return g_strdup_printf (_("%s · %s · %s · recorded by %s"), label, date != NULL ? date : _("no date"),
                            form, event->recorded_by);
  return g_strdup_printf (_("%s · %s · %s"), label, date != NULL ? date : _("no date"), form);
}

static void
refresh_history (KtConsentRow *self)
{
  for (guint i = self->history_rows->len; i < self->consent->events->len; i++)
    {
      const KtConsentEvent *event = g_ptr_array_index (self->consent->events, i);
      g_autofree char *text = event_text (event);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      gtk_widget_add_css_class (row, "kt-consent-event");
      g_ptr_array_add (self->history_rows, row);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
    }
}

static void
refresh (KtConsentRow *self)
{
  KtConsent *consent = self->consent;
  gboolean missing = consent->share_without_consent &&
                     (consent->reasoning == NULL || *consent->reasoning == '\0');
  gboolean stopped = consent->status == KT_CONSENT_WITHDRAWN || consent->status == KT_CONSENT_REFUSED;
  g_autoptr(GPtrArray) affected = kt_consent_describe_affected (self->kase, self->plan, consent);
  g_autofree char *subtitle = NULL;
  g_autofree char *list = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self),
                                 consent->purpose != NULL ? consent->purpose : _("New consent record"));
  if (consent->party != NULL)
    /* TRANSLATORS: "Given · the GP" */
    subtitle = g_strdup_printf (_("%s · %s"), kt_consent_status_get_label (consent->status), consent->party);
  else
    subtitle = g_strdup (kt_consent_status_get_label (consent->status));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);

  gtk_widget_set_visible (self->reasoning_row, consent->share_without_consent);
  if (missing)
    gtk_widget_add_css_class (self->reasoning_row, "error");
  else
    gtk_widget_remove_css_class (self->reasoning_row, "error");
  gtk_widget_set_sensitive (self->withdraw_button, consent->status == KT_CONSENT_GIVEN);

  g_ptr_array_add (affected, NULL);
  list = g_strjoinv ("\n", (char **) affected->pdata);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->affected_row),
                                 stopped ? _("No longer shared with") : _("Covers"));
  adw_action_row_set_subtitle (self->affected_row,
                               *list != '\0' ? list : _("No one linked yet: choose who receives information below."));
  if (stopped)
    gtk_widget_add_css_class (GTK_WIDGET (self->affected_row), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->affected_row), "warning");
  refresh_history (self);
}

static void
on_field_changed (gpointer user_data)
{
  KtConsentRow *self = user_data;

  refresh (self);
  emit_changed (self);
}

void
kt_consent_row_record (KtConsentRow       *self,
                       KtConsentEventKind  kind)
{
  g_return_if_fail (KT_IS_CONSENT_ROW (self));

  kt_consent_record (self->consent, kind, NULL, (KtForm) self->next_form, self->recorded_by);
  refresh (self);
  emit_changed (self);
}

static void
on_answer_clicked (GtkButton    *button,
                   KtConsentRow *self)
{
  int kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "kt-event"));

  kt_consent_row_record (self, (KtConsentEventKind) kind);
}

static GtkWidget *
answer_button_new (KtConsentRow       *self,
                   KtConsentEventKind  kind,
                   const char         *label,
                   const char         *name)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  kt_a11y_set_label (button, name);
  g_object_set_data (G_OBJECT (button), "kt-event", GINT_TO_POINTER (kind));
  g_signal_connect (button, "clicked", G_CALLBACK (on_answer_clicked), self);
  return button;
}

static void
on_receiver_toggled (GtkCheckButton *check,
                     KtConsentRow   *self)
{
  const char *id = g_object_get_data (G_OBJECT (check), "kt-receiver");

  kt_consent_set_receiver (self->consent, id, gtk_check_button_get_active (check));
  refresh (self);
  emit_changed (self);
}

static void
add_receiver (KtConsentRow *self,
              const char   *id,
              const char   *title,
              const char   *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *name = g_strdup_printf (_("%s receives information"), title != NULL ? title : "");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), kt_consent_has_receiver (self->consent, id));
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  kt_a11y_set_label (check, name);
  g_object_set_data_full (G_OBJECT (check), "kt-receiver", g_strdup (id), g_free);
  g_signal_connect (check, "toggled", G_CALLBACK (on_receiver_toggled), self);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
}

static void
build (KtConsentRow *self)
{
  AdwExpanderRow *row = ADW_EXPANDER_ROW (self);
  KtConsent *consent = self->consent;
  g_autofree const char **forms = kt_app_enum_labels ((KtAppLabelFunc) kt_form_get_label, KT_N_FORMS);
  GtkWidget *answers = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  adw_expander_row_add_row (row, kt_app_text_row_new (_("Purpose"), &consent->purpose, on_field_changed, self));
  adw_expander_row_add_row (row, kt_app_text_row_new (_("Party that receives it"), &consent->party,
                                                      on_field_changed, self));

  /* The answer: appended, never edited back. */
  adw_expander_row_add_row (row, kt_app_combo_row_new (_("Form of the answer"), forms, &self->next_form,
                                                       NULL, NULL));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (answers), _("Record the answer"));
  gtk_widget_add_css_class (box, "linked");
  gtk_box_append (GTK_BOX (box), answer_button_new (self, KT_CONSENT_EVENT_ASKED, _("Asked"),
                                                    _("Record that consent was asked")));
  gtk_box_append (GTK_BOX (box), answer_button_new (self, KT_CONSENT_EVENT_GIVEN, _("Given"),
                                                    _("Record that consent was given")));
  gtk_box_append (GTK_BOX (box), answer_button_new (self, KT_CONSENT_EVENT_REFUSED, _("Refused"),
                                                    _("Record that consent was refused")));
  self->withdraw_button = answer_button_new (self, KT_CONSENT_EVENT_WITHDRAWN, _("Withdraw"),
                                             _("Record that consent was withdrawn"));
  gtk_widget_add_css_class (self->withdraw_button, "destructive-action");
  gtk_box_append (GTK_BOX (box), self->withdraw_button);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (answers), box);
  adw_expander_row_add_row (row, answers);

  self->affected_row = ADW_ACTION_ROW (adw_action_row_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->affected_row), "property");
  adw_expander_row_add_row (row, GTK_WIDGET (self->affected_row));

  for (guint i = 0; i < self->kase->network->len; i++)
    {
      const KtNetworkPerson *person = g_ptr_array_index (self->kase->network, i);

      add_receiver (self, person->id, person->name, kt_network_kind_get_label (person->kind));
    }
  for (guint i = 0; self->plan != NULL && i < self->plan->provisions->len; i++)
    {
      const KtProvision *provision = g_ptr_array_index (self->plan->provisions, i);

      add_receiver (self, provision->id, provision->name,
                    provision->tailored ? _("Tailored provision") : _("General provision"));
    }

  adw_expander_row_add_row (row, kt_app_switch_row_new (_("Share without consent"),
                                                        _("Only where the law allows it"),
                                                        &consent->share_without_consent,
                                                        on_field_changed, self));
  self->reasoning_row = kt_app_text_row_new (_("Written reasoning (required)"), &consent->reasoning,
                                             on_field_changed, self);
  adw_expander_row_add_row (row, self->reasoning_row);
  refresh (self);
}

static void
kt_consent_row_finalize (GObject *object)
{
  KtConsentRow *self = KT_CONSENT_ROW (object);

  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->plan, kt_plan_unref);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);
  g_free (self->recorded_by);
  G_OBJECT_CLASS (kt_consent_row_parent_class)->finalize (object);
}

static void
kt_consent_row_class_init (KtConsentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kt_consent_row_finalize;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kt_consent_row_init (KtConsentRow *self)
{
  self->history_rows = g_ptr_array_new ();
}

GtkWidget *
kt_consent_row_new (KtCase     *kase,
                    KtPlan     *plan,
                    KtConsent  *consent,
                    const char *recorded_by)
{
  KtConsentRow *self;

  g_return_val_if_fail (kase != NULL, NULL);
  g_return_val_if_fail (consent != NULL, NULL);

  self = g_object_new (KT_TYPE_CONSENT_ROW, NULL);
  self->kase = kt_case_ref (kase);
  self->plan = plan != NULL ? kt_plan_ref (plan) : NULL;
  self->consent = consent;
  self->recorded_by = g_strdup (recorded_by);
  self->next_form = consent->form;
  build (self);
  return GTK_WIDGET (self);
}

KtConsent *
kt_consent_row_get_consent (KtConsentRow *self)
{
  g_return_val_if_fail (KT_IS_CONSENT_ROW (self), NULL);
  return self->consent;
}

AdwActionRow *
kt_consent_row_get_affected_row (KtConsentRow *self)
{
  g_return_val_if_fail (KT_IS_CONSENT_ROW (self), NULL);
  return self->affected_row;
}

guint
kt_consent_row_get_n_history_rows (KtConsentRow *self)
{
  g_return_val_if_fail (KT_IS_CONSENT_ROW (self), 0);
  return self->history_rows->len;
}
