/* kt-text-field.c: KtTextField, a titled multi-line text box
 *
 * Used for everything a resident says at length: the question, what goes
 * well, a concern, their own words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-text-field"

#include "config.h"

#include "kt-text-field.h"

struct _KtTextField
{
  GtkWidget    parent_instance;

  GtkWidget   *box;
  GtkLabel    *title_label;
  GtkLabel    *hint_label;
  GtkTextView *text_view;

  gboolean     loading;
};

G_DEFINE_FINAL_TYPE (KtTextField, kt_text_field, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
on_buffer_changed (KtTextField *self)
{
  if (!self->loading)
    g_signal_emit (self, signals[CHANGED], 0);
}

char *
kt_text_field_get_text (KtTextField *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
kt_text_field_set_text (KtTextField *self,
                        const char  *text)
{
  g_autofree char *current = kt_text_field_get_text (self);

  if (g_strcmp0 (current, text != NULL ? text : "") == 0)
    return;
  self->loading = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text != NULL ? text : "", -1);
  self->loading = FALSE;
}

void
kt_text_field_set_title (KtTextField *self,
                         const char  *title)
{
  gtk_label_set_label (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

void
kt_text_field_set_hint (KtTextField *self,
                        const char  *hint)
{
  gtk_label_set_label (self->hint_label, hint != NULL ? hint : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL);
}

GtkTextView *
kt_text_field_get_view (KtTextField *self)
{
  return self->text_view;
}

static gboolean
kt_text_field_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (KT_TEXT_FIELD (widget)->text_view));
}

static void
kt_text_field_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  KtTextField *self = KT_TEXT_FIELD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      kt_text_field_set_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_text_field_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KtTextField *self = KT_TEXT_FIELD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_label (self->title_label));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_text_field_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KT_TYPE_TEXT_FIELD);
  G_OBJECT_CLASS (kt_text_field_parent_class)->dispose (object);
}

static void
kt_text_field_class_init (KtTextFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_text_field_dispose;
  object_class->set_property = kt_text_field_set_property;
  object_class->get_property = kt_text_field_get_property;
  widget_class->grab_focus = kt_text_field_grab_focus;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when the user edits the text (not on kt_text_field_set_text). */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-text-field.ui");
  gtk_widget_class_bind_template_child (widget_class, KtTextField, box);
  gtk_widget_class_bind_template_child (widget_class, KtTextField, title_label);
  gtk_widget_class_bind_template_child (widget_class, KtTextField, hint_label);
  gtk_widget_class_bind_template_child (widget_class, KtTextField, text_view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kt_text_field_init (KtTextField *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->text_view), "changed",
                            G_CALLBACK (on_buffer_changed), self);
}

GtkWidget *
kt_text_field_new (const char *title)
{
  return g_object_new (KT_TYPE_TEXT_FIELD, "title", title, NULL);
}
