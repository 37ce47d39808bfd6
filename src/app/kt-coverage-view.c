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
#include "kt-domain-tile.h"
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

void
kt_coverage_view_refresh (KtCoverageView *self)
{
  g_autofree char *coverage = NULL;

  guint n = self->conversation != NULL ? self->conversation->entries->len : 0;

  /* The tiles are kept and told what they show (KtDomainTile): a household
   * has the same domains as the last, so mostly only marks change. */
  while (self->tiles->len > n)
    {
      gtk_flow_box_remove (self->domain_box, gtk_widget_get_parent (g_ptr_array_index (self->tiles, self->tiles->len - 1)));
      g_ptr_array_set_size (self->tiles, self->tiles->len - 1);
    }
  while (self->tiles->len < n)
    {
      GtkWidget *tile = kt_domain_tile_new ();

      kt_app_flow_box_append (self->domain_box, tile);
      g_ptr_array_add (self->tiles, tile);
    }
  if (self->conversation == NULL)
    return;

  for (guint i = 0; i < n; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, i);

      kt_domain_tile_set (g_ptr_array_index (self->tiles, i),
                          kt_catalogue_lookup (self->catalogue, entry->domain_id), entry,
                          self->resident_watching);
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
