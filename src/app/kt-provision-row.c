/* kt-provision-row.c: one provision on the plan page, with the maatwerk
 * decision
 *
 * The row edits the plan's KtProvision in place.  Tailored support shows the
 * afwegingskader's three questions (as the IWW reflection tool on access
 * asks them) and the municipality's decision: the law, the request, where
 * the decision stands, its date, its period of validity and its form.
 * Every date is picked from a calendar (KtDateRow, issue 16); a decision
 * dated before its request, or a period that ends before it starts, shows
 * as a problem under the date just picked, the same rule kt_plan_validate()
 * refuses the plan by.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-provision-row"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-provision-row.h"
#include "kt-a11y.h"
#include "kt-date-row.h"

struct _KtProvisionRow
{
  AdwExpanderRow  parent_instance;

  KtProvision    *provision;       /* borrowed from the plan */
  gboolean        filling;         /* showing the model: no "changed" */

  GtkWidget      *remove_button;
  GtkWidget      *name_row;
  GtkWidget      *tailored_row;
  GtkWidget      *tailored_switch;
  GtkWidget      *acceptable_row;
  GtkWidget      *standard_offer_row;
  GtkWidget      *cost_row;
  GtkWidget      *own_options_row;
  GtkWidget      *legal_basis_row;
  GtkWidget      *request_date_row;
  GtkWidget      *decision_state_row;
  GtkWidget      *decision_date_row;
  GtkWidget      *decision_row;
  GtkWidget      *valid_from_row;
  GtkWidget      *until_row;
  GtkWidget      *delivery_row;
};

G_DEFINE_FINAL_TYPE (KtProvisionRow, kt_provision_row, ADW_TYPE_EXPANDER_ROW)

enum {
  CHANGED,
  REMOVE,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
set_text (char      **field,
          const char *text)
{
  g_free (*field);
  *field = kt_text_is_blank (text) ? NULL : g_strdup (text);
}

/* The title says the name, the subtitle the kind and where a decision
 * stands, so a folded row still tells the supervisor what it is. */
static void
update_summary (KtProvisionRow *self)
{
  const KtProvision *p = self->provision;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), p->name != NULL ? p->name : _("New provision"));
  if (!p->tailored)
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), _("General provision"));
  else if (p->decision_state == KT_DECISION_NONE)
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), _("Tailored support"));
  else
    {
      /* Translators: "Tailored support · Being decided". */
      g_autofree char *text = g_strdup_printf (_("Tailored support · %s"),
                                               kt_decision_state_get_label (p->decision_state));

      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), text);
    }
}

/* The core's date rules, shown under the later date of each pair; like
 * kt_plan_validate(), only once a decision is asked for. */
static void
update_problems (KtProvisionRow *self)
{
  gboolean asked = self->provision->decision_state != KT_DECISION_NONE;

  kt_date_row_set_problem (KT_DATE_ROW (self->decision_date_row),
                           asked ? kt_provision_decision_date_problem (self->provision) : NULL);
  kt_date_row_set_problem (KT_DATE_ROW (self->until_row),
                           asked ? kt_provision_period_problem (self->provision) : NULL);
}

/* Which rows apply: the questions and the decision only to tailored
 * support; the decision's date once decided; the start and form once
 * granted. */
static void
update_visible (KtProvisionRow *self)
{
  const KtProvision *p = self->provision;
  gboolean decided = p->decision_state == KT_DECISION_GRANTED || p->decision_state == KT_DECISION_REFUSED;
  GtkWidget *tailored_only[] = { self->acceptable_row, self->standard_offer_row, self->cost_row,
                                 self->own_options_row, self->legal_basis_row, self->request_date_row,
                                 self->decision_state_row };

  for (guint i = 0; i < G_N_ELEMENTS (tailored_only); i++)
    gtk_widget_set_visible (tailored_only[i], p->tailored);
  gtk_widget_set_visible (self->decision_date_row, p->tailored && decided);
  gtk_widget_set_visible (self->valid_from_row, p->tailored && p->decision_state == KT_DECISION_GRANTED);
  gtk_widget_set_visible (self->delivery_row, p->tailored && p->decision_state == KT_DECISION_GRANTED);
}

static void
emit_changed (KtProvisionRow *self)
{
  update_summary (self);
  update_visible (self);
  update_problems (self);
  if (!self->filling)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_text_changed (GtkEditable    *editable,
                 KtProvisionRow *self)
{
  char **field = g_object_get_data (G_OBJECT (editable), "field");

  if (self->filling)
    return;
  set_text (field, gtk_editable_get_text (editable));
  emit_changed (self);
}

/* A picked date is always a real one (or none, cleared). */
static void
on_date_changed (KtDateRow      *row,
                 KtProvisionRow *self)
{
  char **field = g_object_get_data (G_OBJECT (row), "field");

  if (self->filling)
    return;
  set_text (field, kt_date_row_get_date (row));
  emit_changed (self);
}

static void
on_choice_changed (AdwComboRow    *row,
                   GParamSpec     *pspec,
                   KtProvisionRow *self)
{
  int *field = g_object_get_data (G_OBJECT (row), "field");
  guint selected = adw_combo_row_get_selected (row);

  if (self->filling || selected == GTK_INVALID_LIST_POSITION)
    return;
  *field = (int) selected;
  /* A decision asked for is mostly asked for at the table: the request
   * date starts at today, and the coach picks another if it was not. */
  if (row == ADW_COMBO_ROW (self->decision_state_row) &&
      self->provision->decision_state != KT_DECISION_NONE &&
      !kt_date_is_valid (self->provision->request_date))
    {
      g_free (self->provision->request_date);
      self->provision->request_date = kt_date_today ();
      kt_date_row_set_date (KT_DATE_ROW (self->request_date_row), self->provision->request_date);
    }
  emit_changed (self);
}

static void
on_tailored_changed (GtkSwitch      *toggle,
                     GParamSpec     *pspec,
                     KtProvisionRow *self)
{
  if (self->filling)
    return;
  self->provision->tailored = gtk_switch_get_active (toggle);
  emit_changed (self);
}

static void
on_remove_clicked (KtProvisionRow *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

static void
bind_text (GtkWidget      *row,
           char          **field,
           KtProvisionRow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (row), *field != NULL ? *field : "");
  g_object_set_data (G_OBJECT (row), "field", field);
  g_signal_connect (row, "changed", G_CALLBACK (on_text_changed), self);
}

static void
bind_date (GtkWidget      *row,
           char          **field,
           KtProvisionRow *self)
{
  kt_date_row_set_date (KT_DATE_ROW (row), *field);
  g_object_set_data (G_OBJECT (row), "field", field);
  g_signal_connect (row, "changed", G_CALLBACK (on_date_changed), self);
}

/* A choice list in the model's enum order, its labels from the model. */
static void
bind_choice (GtkWidget      *row,
             int            *field,
             int             n,
             const char   *(*label) (int value),
             KtProvisionRow *self)
{
  g_autoptr(GtkStringList) items = gtk_string_list_new (NULL);

  for (int i = 0; i < n; i++)
    gtk_string_list_append (items, label (i));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (items));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), (guint) *field);
  g_object_set_data (G_OBJECT (row), "field", field);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_choice_changed), self);
  kt_a11y_name_choice_list (row);
}

static const char *
legal_basis_label (int value)
{
  return kt_legal_basis_get_label ((KtLegalBasis) value);
}

static const char *
decision_label (int value)
{
  return kt_decision_state_get_label ((KtDecisionState) value);
}

static const char *
delivery_label (int value)
{
  return kt_delivery_get_label ((KtDelivery) value);
}

GtkWidget *
kt_provision_row_new (KtProvision *provision)
{
  KtProvisionRow *self;

  g_return_val_if_fail (provision != NULL, NULL);

  self = g_object_new (KT_TYPE_PROVISION_ROW, NULL);
  self->provision = provision;
  self->filling = TRUE;
  bind_text (self->name_row, &provision->name, self);
  bind_text (self->acceptable_row, &provision->acceptable, self);
  bind_text (self->standard_offer_row, &provision->standard_offer, self);
  bind_text (self->cost_row, &provision->cost_reasonable, self);
  bind_text (self->own_options_row, &provision->own_options, self);
  bind_date (self->request_date_row, &provision->request_date, self);
  bind_date (self->decision_date_row, &provision->decision_date, self);
  bind_text (self->decision_row, &provision->decision, self);
  bind_date (self->valid_from_row, &provision->valid_from, self);
  bind_date (self->until_row, &provision->until, self);
  G_STATIC_ASSERT (sizeof (KtLegalBasis) == sizeof (int));
  bind_choice (self->legal_basis_row, (int *) &provision->legal_basis, KT_N_LEGAL_BASES, legal_basis_label, self);
  bind_choice (self->decision_state_row, (int *) &provision->decision_state, KT_N_DECISIONS, decision_label, self);
  bind_choice (self->delivery_row, (int *) &provision->delivery, KT_N_DELIVERIES, delivery_label, self);
  gtk_switch_set_active (GTK_SWITCH (self->tailored_switch), provision->tailored);
  g_signal_connect (self->tailored_switch, "notify::active", G_CALLBACK (on_tailored_changed), self);
  update_summary (self);
  update_visible (self);
  update_problems (self);
  self->filling = FALSE;
  return GTK_WIDGET (self);
}

KtProvision *
kt_provision_row_get_provision (KtProvisionRow *self)
{
  g_return_val_if_fail (KT_IS_PROVISION_ROW (self), NULL);

  return self->provision;
}

static void
kt_provision_row_class_init (KtProvisionRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KT_TYPE_DATE_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-provision-row.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, KtProvisionRow, name)
  BIND (remove_button);
  BIND (name_row);
  BIND (tailored_row);
  BIND (tailored_switch);
  BIND (acceptable_row);
  BIND (standard_offer_row);
  BIND (cost_row);
  BIND (own_options_row);
  BIND (legal_basis_row);
  BIND (request_date_row);
  BIND (decision_state_row);
  BIND (decision_date_row);
  BIND (decision_row);
  BIND (valid_from_row);
  BIND (until_row);
  BIND (delivery_row);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
}

static void
kt_provision_row_init (KtProvisionRow *self)
{
  GtkWidget *titled[13];
  guint n = 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* GTK 4.8 names no control for a screen reader: each takes its row's
   * visible title, the icon button its tooltip. */
  titled[n++] = self->name_row;
  titled[n++] = self->acceptable_row;
  titled[n++] = self->standard_offer_row;
  titled[n++] = self->cost_row;
  titled[n++] = self->own_options_row;
  titled[n++] = self->legal_basis_row;
  titled[n++] = self->request_date_row;
  titled[n++] = self->decision_state_row;
  titled[n++] = self->decision_date_row;
  titled[n++] = self->decision_row;
  titled[n++] = self->valid_from_row;
  titled[n++] = self->until_row;
  titled[n++] = self->delivery_row;
  for (guint i = 0; i < n; i++)
    kt_a11y_set_label (titled[i], adw_preferences_row_get_title (ADW_PREFERENCES_ROW (titled[i])));
  kt_a11y_set_label (self->tailored_switch, _("Tailored support"));
  kt_a11y_set_label (self->remove_button, _("Remove this provision"));
}
