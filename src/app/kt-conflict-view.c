/* kt-conflict-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-conflict-view"

#include "config.h"

#include "kt-conflict-view.h"

#include <glib/gi18n.h>

struct _KtConflictView
{
  AdwBin          parent_instance;

  GtkListBox     *fields_list;
  GtkButton      *keep_both_button;
  GtkButton      *save_button;
  gboolean        saving;

  KtSyncConflict *conflict;
  GPtrArray      *fields;
  GHashTable     *choices;   /* field → KtSyncChoice */
  GHashTable     *buttons;   /* field → GtkToggleButton *[3] */
};

G_DEFINE_FINAL_TYPE (KtConflictView, kt_conflict_view, ADW_TYPE_BIN)

enum {
  RESOLVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct {
  const char *field;
  const char *title;
} field_titles[] = {
  { "question", N_("Question in the resident’s words") },
  { "goals", N_("Goals") },
  { "lead_id", N_("Case lead") },
  { "lead_reason", N_("Why the resident does not lead") },
  { "lead_agreed", N_("Resident agreed with who leads") },
  { "stuck", N_("Plan is stuck") },
  { "stuck_reason", N_("Why the plan is stuck") },
  { "contact_person", N_("Contact person") },
  { "evaluator", N_("Evaluator") },
  { "provisions", N_("Provisions") },
  { "safety", N_("Safety plan") },
  { "safety_required", N_("Safety plan required") },
  { "agreement", N_("Agreement of the resident") },
  { "review", N_("Review") },
  { "comments", N_("Review comments") },
  { "members", N_("Household members") },
  { "network", N_("Network") },
  { "phase", N_("Phase") },
  { "coach", N_("Coach") },
  { "notes", N_("Notes") },
  { "household", N_("Household") },
  { "request", N_("Request") },
  { "consents", N_("Consent") },
};

const char *
kt_conflict_view_field_title (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_titles); i++)
    if (g_str_equal (field_titles[i].field, field))
      return _(field_titles[i].title);
  return field;
}

static void
update_save (KtConflictView *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button),
                            !self->saving && kt_conflict_view_is_complete (self));
}

static void
on_toggled (GtkToggleButton *button,
            KtConflictView  *self)
{
  const char *field = g_object_get_data (G_OBJECT (button), "kt-field");
  KtSyncChoice choice = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "kt-choice"));

  if (!gtk_toggle_button_get_active (button))
    {
      GtkToggleButton **group = g_hash_table_lookup (self->buttons, field);
      gboolean any = FALSE;

      for (guint i = 0; i < 3; i++)
        any |= group[i] != NULL && gtk_toggle_button_get_active (group[i]);
      if (!any)
        g_hash_table_remove (self->choices, field);
      update_save (self);
      return;
    }
  g_hash_table_insert (self->choices, g_strdup (field), GINT_TO_POINTER (choice));
  update_save (self);
}

static GtkWidget *
version_button (KtConflictView *self,
                const char     *field,
                KtSyncChoice    choice,
                const char     *caption,
                const char     *text)
{
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *caption_label = gtk_label_new (caption);
  GtkWidget *text_label = gtk_label_new (text[0] != '\0' ? text : _("(empty)"));

  gtk_widget_add_css_class (caption_label, "caption-heading");
  gtk_label_set_xalign (GTK_LABEL (caption_label), 0);
  gtk_label_set_xalign (GTK_LABEL (text_label), 0);
  gtk_label_set_yalign (GTK_LABEL (text_label), 0);
  gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text_label), FALSE);
  gtk_widget_set_vexpand (text_label, TRUE);
  gtk_box_append (GTK_BOX (box), caption_label);
  gtk_box_append (GTK_BOX (box), text_label);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_add_css_class (button, "kt-conflict-version");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  caption, -1);
  g_object_set_data_full (G_OBJECT (button), "kt-field", g_strdup (field), g_free);
  g_object_set_data (G_OBJECT (button), "kt-choice", GINT_TO_POINTER (choice));
  g_signal_connect (button, "toggled", G_CALLBACK (on_toggled), self);
  return button;
}

static void
add_field_row (KtConflictView *self,
               const char     *field)
{
  g_autofree char *local = kt_sync_record_field_text (self->conflict->local, field);
  g_autofree char *server = kt_sync_record_field_text (self->conflict->server, field);
  GtkToggleButton **group = g_new0 (GtkToggleButton *, 3);
  GtkWidget *row_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (kt_conflict_view_field_title (field));
  GtkWidget *versions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_set_homogeneous (GTK_BOX (versions), TRUE);
  group[KT_SYNC_CHOICE_LOCAL] = GTK_TOGGLE_BUTTON (
    version_button (self, field, KT_SYNC_CHOICE_LOCAL, _("On this device"), local));
  group[KT_SYNC_CHOICE_SERVER] = GTK_TOGGLE_BUTTON (
    version_button (self, field, KT_SYNC_CHOICE_SERVER, _("On the server"), server));
  gtk_toggle_button_set_group (group[KT_SYNC_CHOICE_SERVER], group[KT_SYNC_CHOICE_LOCAL]);
  gtk_box_append (GTK_BOX (versions), GTK_WIDGET (group[KT_SYNC_CHOICE_LOCAL]));
  gtk_box_append (GTK_BOX (versions), GTK_WIDGET (group[KT_SYNC_CHOICE_SERVER]));
  if (kt_sync_conflict_can_keep_both (self->conflict, field))
    {
      g_autofree char *both = NULL;
      g_autoptr(GHashTable) one = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(KtSyncRecord) merged = NULL;

      g_hash_table_insert (one, (gpointer) field, GINT_TO_POINTER (KT_SYNC_CHOICE_BOTH));
      merged = kt_sync_conflict_merge (self->conflict, one, NULL);
      both = merged != NULL ? kt_sync_record_field_text (merged, field) : g_strdup ("");
      group[KT_SYNC_CHOICE_BOTH] = GTK_TOGGLE_BUTTON (
        version_button (self, field, KT_SYNC_CHOICE_BOTH, _("Both"), both));
      gtk_toggle_button_set_group (group[KT_SYNC_CHOICE_BOTH], group[KT_SYNC_CHOICE_LOCAL]);
      gtk_box_append (GTK_BOX (versions), GTK_WIDGET (group[KT_SYNC_CHOICE_BOTH]));
    }
  g_hash_table_insert (self->buttons, g_strdup (field), group);

  gtk_widget_set_margin_top (row_box, 12);
  gtk_widget_set_margin_bottom (row_box, 12);
  gtk_widget_set_margin_start (row_box, 12);
  gtk_widget_set_margin_end (row_box, 12);
  gtk_box_append (GTK_BOX (row_box), title);
  gtk_box_append (GTK_BOX (row_box), versions);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), row_box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_append (self->fields_list, row);
}

void
kt_conflict_view_choose (KtConflictView *self,
                         const char     *field,
                         KtSyncChoice    choice)
{
  GtkToggleButton **group;

  g_return_if_fail (KT_IS_CONFLICT_VIEW (self));
  group = g_hash_table_lookup (self->buttons, field);
  g_return_if_fail (group != NULL);
  if (group[choice] != NULL)
    gtk_toggle_button_set_active (group[choice], TRUE);
}

void
kt_conflict_view_keep_both (KtConflictView *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      const char *field = g_ptr_array_index (self->fields, i);
      GtkToggleButton **group = g_hash_table_lookup (self->buttons, field);

      if (group[KT_SYNC_CHOICE_BOTH] != NULL)
        gtk_toggle_button_set_active (group[KT_SYNC_CHOICE_BOTH], TRUE);
    }
}

gboolean
kt_conflict_view_is_complete (KtConflictView *self)
{
  return self->fields->len > 0 && g_hash_table_size (self->choices) == self->fields->len;
}

void
kt_conflict_view_save (KtConflictView *self)
{
  if (self->saving || !kt_conflict_view_is_complete (self))
    return;
  g_signal_emit (self, signals[RESOLVE], 0, self->choices);
}

void
kt_conflict_view_set_saving (KtConflictView *self,
                             gboolean        saving)
{
  g_return_if_fail (KT_IS_CONFLICT_VIEW (self));

  self->saving = !!saving;
  /* The choices stay as they are while they are written down. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->fields_list), !self->saving);
  gtk_widget_set_sensitive (GTK_WIDGET (self->keep_both_button), !self->saving);
  gtk_button_set_label (self->save_button,
                        self->saving ? _("Saving…") : _("_Save as New Version"));
  update_save (self);
}

gboolean
kt_conflict_view_is_saving (KtConflictView *self)
{
  g_return_val_if_fail (KT_IS_CONFLICT_VIEW (self), FALSE);

  return self->saving;
}

const char *
kt_conflict_view_get_id (KtConflictView *self)
{
  return self->conflict->id;
}

GPtrArray *
kt_conflict_view_get_fields (KtConflictView *self)
{
  return self->fields;
}

static void
kt_conflict_view_dispose (GObject *object)
{
  KtConflictView *self = KT_CONFLICT_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KT_TYPE_CONFLICT_VIEW);
  g_clear_pointer (&self->buttons, g_hash_table_unref);
  g_clear_pointer (&self->choices, g_hash_table_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->conflict, kt_sync_conflict_free);
  G_OBJECT_CLASS (kt_conflict_view_parent_class)->dispose (object);
}

static void
kt_conflict_view_class_init (KtConflictViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_conflict_view_dispose;

  /* The user chose a version of every field (GHashTable utf8 → KtSyncChoice). */
  signals[RESOLVE] =
    g_signal_new ("resolve", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_HASH_TABLE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/wijkteam/Keukentafel/kt-conflict-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KtConflictView, fields_list);
  gtk_widget_class_bind_template_child (widget_class, KtConflictView, keep_both_button);
  gtk_widget_class_bind_template_child (widget_class, KtConflictView, save_button);
  gtk_widget_class_bind_template_callback (widget_class, kt_conflict_view_keep_both);
  gtk_widget_class_bind_template_callback (widget_class, kt_conflict_view_save);
}

static void
kt_conflict_view_init (KtConflictView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->choices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static KtSyncConflict *
conflict_copy (const KtSyncConflict *conflict)
{
  KtSyncConflict *copy = g_new0 (KtSyncConflict, 1);

  copy->id = g_strdup (conflict->id);
  copy->local = kt_sync_record_copy (conflict->local);
  copy->server = kt_sync_record_copy (conflict->server);
  copy->detected = conflict->detected;
  return copy;
}

GtkWidget *
kt_conflict_view_new (const KtSyncConflict *conflict)
{
  KtConflictView *self = g_object_new (KT_TYPE_CONFLICT_VIEW, NULL);

  self->conflict = conflict_copy (conflict);
  self->fields = kt_sync_conflict_list_fields (self->conflict, NULL);
  if (self->fields == NULL)
    self->fields = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->fields->len; i++)
    add_field_row (self, g_ptr_array_index (self->fields, i));
  return GTK_WIDGET (self);
}
