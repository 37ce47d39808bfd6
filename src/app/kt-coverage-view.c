/* kt-coverage-view.c: KtCoverageView, the whole conversation at a glance
 *
 * Every domain as a tile with an icon and a word for its state (never
 * colour alone), who was present, the resident's own words and notes, and
 * the one primary action: completing the conversation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-coverage-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-coverage-view.h"
#include "kt-a11y.h"
#include "kt-app-util.h"
#include "kt-text-field.h"

struct _KtCoverageView
{
  GtkWidget        parent_instance;

  GtkWidget       *scroller;
  GtkLabel        *coverage_label;
  GtkFlowBox      *domain_box;
  GtkFlowBox      *present_box;
  KtTextField     *own_words_field;
  KtTextField     *notes_field;
  GtkWidget       *open_box;
  GtkLabel        *open_label;
  GtkWidget       *complete_label;
  GtkWidget       *complete_button;

  GtkToggleButton *present_buttons[6];
  GPtrArray       *tiles;

  KtCatalogue     *catalogue;
  KtConversation  *conversation;
  gboolean         loading;
  gboolean         resident_watching;
};

G_DEFINE_FINAL_TYPE (KtCoverageView, kt_coverage_view, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* In the order of the KtPresent bits. */
static const char * const present_names[6] = {
  N_("Resident"), N_("Partner"), N_("Carer"), N_("Client supporter"), N_("Interpreter"),
  N_("Young person"),
};

static GtkWidget *
tile_new (const KtDomain      *domain,
          const KtDomainEntry *entry,
          gboolean             resident_watching)
{
  KtAppMark mark = resident_watching ? kt_app_entry_mark_watched (entry) : kt_app_entry_mark (entry);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new_from_icon_name (kt_app_mark_icon (mark));
  GtkWidget *name = gtk_label_new (domain != NULL ? domain->name : entry->domain_id);
  GtkWidget *state = gtk_label_new (kt_app_mark_label (mark));

  gtk_widget_add_css_class (icon, kt_app_mark_css_class (mark));
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  /* The domain's name is the tile: it wraps rather than being cut off. */
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (state), 0);
  gtk_widget_add_css_class (state, "caption");
  gtk_widget_add_css_class (state, "dim-label");
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), state);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_set_tooltip_text (button, domain != NULL ? domain->description : NULL);
  /* The card's name is the domain and how far it is; GTK 4.8 makes the
   * tooltip only the description. */
  {
    g_autofree char *a11y_name = g_strdup_printf ("%s, %s", gtk_label_get_text (GTK_LABEL (name)),
                                                  gtk_label_get_text (GTK_LABEL (state)));

    kt_a11y_set_label (button, a11y_name);
  }
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "conversation.show-domain");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", entry->domain_id);
  gtk_widget_add_css_class (button, "card");
  gtk_widget_add_css_class (button, "domain-tile");
  gtk_widget_add_css_class (button, kt_app_mark_css_class (mark));
  return button;
}

void
kt_coverage_view_refresh (KtCoverageView *self)
{
  g_autofree char *coverage = NULL;

  for (guint i = 0; i < self->tiles->len; i++)
    gtk_flow_box_remove (self->domain_box, gtk_widget_get_parent (g_ptr_array_index (self->tiles, i)));
  g_ptr_array_set_size (self->tiles, 0);
  if (self->conversation == NULL)
    return;

  for (guint i = 0; i < self->conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, i);
      GtkWidget *tile = tile_new (kt_catalogue_lookup (self->catalogue, entry->domain_id), entry,
                                  self->resident_watching);

      kt_app_flow_box_append (self->domain_box, tile);
      g_ptr_array_add (self->tiles, tile);
    }
  coverage = kt_app_coverage_text (self->conversation);
  gtk_label_set_label (self->coverage_label, coverage);
  gtk_widget_set_visible (self->complete_label, self->conversation->complete);
  gtk_widget_set_visible (self->complete_button, !self->conversation->complete);
  if (self->conversation->complete)
    kt_coverage_view_show_open (self, NULL);
}

void
kt_coverage_view_show_open (KtCoverageView *self,
                            const char     *message)
{
  gtk_label_set_label (self->open_label, message != NULL ? message : "");
  gtk_widget_set_visible (self->open_box, message != NULL);
  if (message != NULL)
    gtk_widget_grab_focus (self->open_box);
}

const char *
kt_coverage_view_get_open_message (KtCoverageView *self)
{
  if (!gtk_widget_get_visible (self->open_box))
    return NULL;
  return gtk_label_get_label (self->open_label);
}

void
kt_coverage_view_set_conversation (KtCoverageView *self,
                                   KtCatalogue    *catalogue,
                                   KtConversation *conversation)
{
  g_return_if_fail (KT_IS_COVERAGE_VIEW (self));

  self->catalogue = catalogue;
  self->conversation = conversation;
  kt_coverage_view_show_open (self, NULL);
  if (conversation != NULL)
    {
      self->loading = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (self->present_buttons); i++)
        gtk_toggle_button_set_active (self->present_buttons[i], (conversation->present & (1u << i)) != 0);
      kt_text_field_set_text (self->own_words_field, conversation->own_words);
      kt_text_field_set_text (self->notes_field, conversation->notes);
      self->loading = FALSE;
    }
  kt_coverage_view_refresh (self);
}

/* The resident watching: the notes for the file and every safety mark are
 * hidden (not dimmed, so no screen reader reads them either), and their own
 * words are shown larger. */
void
kt_coverage_view_set_resident_watching (KtCoverageView *self,
                                        gboolean        watching)
{
  g_return_if_fail (KT_IS_COVERAGE_VIEW (self));

  self->resident_watching = watching;
  gtk_widget_set_visible (GTK_WIDGET (self->notes_field), !watching);
  if (watching)
    gtk_widget_add_css_class (GTK_WIDGET (self->own_words_field), "resident-words");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->own_words_field), "resident-words");
  kt_coverage_view_refresh (self);
}

static void
on_present_toggled (GtkToggleButton *button,
                    KtCoverageView  *self)
{
  KtPresent flag = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "kt-present"));

  if (self->loading || self->conversation == NULL)
    return;
  if (gtk_toggle_button_get_active (button))
    self->conversation->present |= flag;
  else
    self->conversation->present &= ~flag;
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_text_changed (KtCoverageView *self,
                 KtTextField    *field)
{
  g_autofree char *text = kt_text_field_get_text (field);
  char **target;

  if (self->conversation == NULL)
    return;
  target = field == self->own_words_field ? &self->conversation->own_words : &self->conversation->notes;
  if (kt_app_set_text (target, text))
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
kt_coverage_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KT_TYPE_COVERAGE_VIEW);
  G_OBJECT_CLASS (kt_coverage_view_parent_class)->dispose (object);
}

static void
kt_coverage_view_finalize (GObject *object)
{
  g_clear_pointer (&KT_COVERAGE_VIEW (object)->tiles, g_ptr_array_unref);
  G_OBJECT_CLASS (kt_coverage_view_parent_class)->finalize (object);
}

static void
kt_coverage_view_class_init (KtCoverageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_coverage_view_dispose;
  object_class->finalize = kt_coverage_view_finalize;

  /* The user changed who was present, the own words or the notes. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KT_TYPE_TEXT_FIELD);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-coverage-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KtCoverageView, scroller);
  gtk_widget_class_bind_template_child (widget_class, KtCoverageView, coverage_label);
  gtk_widget_class_bind_template_child (widget_class, KtCoverageView, domain_box);
  gtk_widget_class_bind_template_child (widget_class, KtCoverageView, present_box);
  gtk_widget_class_bind_template_child (widget_class, KtCoverageView, own_words_field);
  gtk_widget_class_bind_template_child (widget_class, KtCoverageView, notes_field);
  gtk_widget_class_bind_template_child (widget_class, KtCoverageView, open_box);
  gtk_widget_class_bind_template_child (widget_class, KtCoverageView, open_label);
  gtk_widget_class_bind_template_child (widget_class, KtCoverageView, complete_label);
  gtk_widget_class_bind_template_child (widget_class, KtCoverageView, complete_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kt_coverage_view_init (KtCoverageView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->tiles = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (present_names); i++)
    {
      GtkWidget *button = kt_app_choice_button_new (_(present_names[i]), NULL);

      g_object_set_data (G_OBJECT (button), "kt-present", GUINT_TO_POINTER (1u << i));
      g_signal_connect (button, "toggled", G_CALLBACK (on_present_toggled), self);
      self->present_buttons[i] = GTK_TOGGLE_BUTTON (button);
      kt_app_flow_box_append (self->present_box, button);
    }
  kt_text_field_set_hint (self->notes_field, _("Professional notes: hidden while the resident watches."));
  g_signal_connect_swapped (self->own_words_field, "changed", G_CALLBACK (on_text_changed), self);
  g_signal_connect_swapped (self->notes_field, "changed", G_CALLBACK (on_text_changed), self);
}

GtkWidget *
kt_coverage_view_new (void)
{
  return g_object_new (KT_TYPE_COVERAGE_VIEW, NULL);
}
