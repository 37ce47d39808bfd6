/* kt-agreement-editor.c: KtAgreementEditor
 *
 * The plan and the evaluation ask the resident's agreement the same way
 * (see kt-agreement.h), so one widget shows it on both pages: whether the
 * resident agrees, the date, spoken or signed, their remarks in their own
 * words, and the signature pad when they sign.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-agreement-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-agreement-editor.h"
#include "kt-a11y.h"
#include "kt-app-util.h"
#include "kt-date-row.h"
#include "kt-signature-pad.h"
#include "kt-text-field.h"

struct _KtAgreementEditor
{
  AdwBin               parent_instance;

  AdwPreferencesGroup *group;
  AdwComboRow         *agreement_row;
  KtDateRow           *agreement_date_row;
  AdwComboRow         *form_row;
  KtTextField         *remarks_field;
  GtkWidget           *signature_box;
  GtkWidget           *clear_button;
  KtSignaturePad      *signature_pad;

  KtAgreement         *agreement;   /* borrowed, see set_agreement */
  gboolean             syncing;     /* showing, not editing */
};

G_DEFINE_FINAL_TYPE (KtAgreementEditor, kt_agreement_editor, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_text (char       **field,
          const char  *text)
{
  g_free (*field);
  *field = kt_text_is_blank (text) ? NULL : g_strdup (text);
}

static void
emit_changed (KtAgreementEditor *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
update_signature_visibility (KtAgreementEditor *self)
{
  gtk_widget_set_visible (self->signature_box,
                          self->agreement != NULL && self->agreement->form == KT_FORM_WRITTEN);
}

static void
text_changed_cb (KtAgreementEditor *self)
{
  g_autofree char *remarks = NULL;

  if (self->syncing || self->agreement == NULL)
    return;
  set_text (&self->agreement->date, kt_date_row_get_date (self->agreement_date_row));
  remarks = kt_text_field_get_text (self->remarks_field);
  set_text (&self->agreement->remarks, remarks);
  emit_changed (self);
}

static void
state_cb (AdwComboRow       *row,
          GParamSpec        *pspec,
          KtAgreementEditor *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->syncing || self->agreement == NULL || selected >= KT_N_AGREEMENTS)
    return;
  self->agreement->state = selected;
  /* Agreeing today is the usual case: fill in the date once. */
  if (selected != KT_AGREEMENT_NONE && self->agreement->date == NULL)
    {
      g_autofree char *today = kt_date_today ();

      set_text (&self->agreement->date, today);
      kt_date_row_set_date (self->agreement_date_row, today);
    }
  emit_changed (self);
}

static void
form_cb (AdwComboRow       *row,
         GParamSpec        *pspec,
         KtAgreementEditor *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->syncing || self->agreement == NULL || selected >= KT_N_FORMS)
    return;
  self->agreement->form = selected;
  update_signature_visibility (self);
  emit_changed (self);
}

static void
signature_changed_cb (KtAgreementEditor *self)
{
  if (self->agreement != NULL)
    emit_changed (self);
}

static void
clear_signature_cb (KtAgreementEditor *self)
{
  kt_signature_pad_clear (self->signature_pad);
}

GtkWidget *
kt_agreement_editor_new (void)
{
  return g_object_new (KT_TYPE_AGREEMENT_EDITOR, NULL);
}

void
kt_agreement_editor_set_agreement (KtAgreementEditor *self,
                                   KtAgreement       *agreement)
{
  g_return_if_fail (KT_IS_AGREEMENT_EDITOR (self));

  self->agreement = agreement;
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->agreement_row, agreement != NULL ? agreement->state : KT_AGREEMENT_NONE);
  kt_date_row_set_date (self->agreement_date_row, agreement != NULL ? agreement->date : NULL);
  kt_text_field_set_text (self->remarks_field, agreement != NULL ? agreement->remarks : NULL);
  adw_combo_row_set_selected (self->form_row, agreement != NULL ? agreement->form : KT_FORM_SPOKEN);
  /* The pad draws into the agreement's own strokes. */
  kt_signature_pad_set_strokes (self->signature_pad, agreement != NULL ? agreement->signature : NULL);
  update_signature_visibility (self);
  self->syncing = FALSE;
}

void
kt_agreement_editor_set_editable (KtAgreementEditor *self,
                                  gboolean           editable)
{
  g_return_if_fail (KT_IS_AGREEMENT_EDITOR (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->group), editable);
  gtk_widget_set_sensitive (self->clear_button, editable);
  kt_signature_pad_set_editable (self->signature_pad, editable);
}

void
kt_agreement_editor_set_description (KtAgreementEditor *self,
                                     const char        *description)
{
  g_return_if_fail (KT_IS_AGREEMENT_EDITOR (self));

  if (g_strcmp0 (adw_preferences_group_get_description (self->group), description) == 0)
    return;
  adw_preferences_group_set_description (self->group, description);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

static void
kt_agreement_editor_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  KtAgreementEditor *self = KT_AGREEMENT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DESCRIPTION:
      g_value_set_string (value, adw_preferences_group_get_description (self->group));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_agreement_editor_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  KtAgreementEditor *self = KT_AGREEMENT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DESCRIPTION:
      kt_agreement_editor_set_description (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_agreement_editor_class_init (KtAgreementEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kt_agreement_editor_get_property;
  object_class->set_property = kt_agreement_editor_set_property;
  /* What the resident is asked to agree to, above the rows. */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::changed: the agreement was edited (not merely shown). */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KT_TYPE_SIGNATURE_PAD);
  g_type_ensure (KT_TYPE_DATE_ROW);
  g_type_ensure (KT_TYPE_TEXT_FIELD);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-agreement-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, KtAgreementEditor, group);
  gtk_widget_class_bind_template_child (widget_class, KtAgreementEditor, agreement_row);
  gtk_widget_class_bind_template_child (widget_class, KtAgreementEditor, agreement_date_row);
  gtk_widget_class_bind_template_child (widget_class, KtAgreementEditor, form_row);
  gtk_widget_class_bind_template_child (widget_class, KtAgreementEditor, remarks_field);
  gtk_widget_class_bind_template_child (widget_class, KtAgreementEditor, signature_box);
  gtk_widget_class_bind_template_child (widget_class, KtAgreementEditor, clear_button);
  gtk_widget_class_bind_template_child (widget_class, KtAgreementEditor, signature_pad);
  gtk_widget_class_bind_template_callback (widget_class, text_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, signature_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_signature_cb);
}

static void
kt_agreement_editor_init (KtAgreementEditor *self)
{
  g_autoptr(GtkStringList) states = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) forms = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (int i = 0; i < KT_N_AGREEMENTS; i++)
    gtk_string_list_append (states, kt_agreement_state_get_label (i));
  adw_combo_row_set_model (self->agreement_row, G_LIST_MODEL (states));
  gtk_string_list_append (forms, _("Said out loud"));
  gtk_string_list_append (forms, _("Signed"));
  adw_combo_row_set_model (self->form_row, G_LIST_MODEL (forms));
  /* GTK 4.8 names nothing by itself: each control says what it is. */
  kt_a11y_name_choice_list (GTK_WIDGET (self->agreement_row));
  kt_a11y_name_choice_list (GTK_WIDGET (self->form_row));
  kt_a11y_set_label (GTK_WIDGET (self->agreement_row), _("The resident"));
  kt_a11y_set_label (GTK_WIDGET (self->form_row), _("How"));
  kt_a11y_set_label (self->clear_button, _("Clear the signature"));
  update_signature_visibility (self);

  g_signal_connect (self->agreement_row, "notify::selected", G_CALLBACK (state_cb), self);
  g_signal_connect (self->form_row, "notify::selected", G_CALLBACK (form_cb), self);
}
