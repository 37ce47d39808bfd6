/* kt-add-button.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-add-button"

#include "config.h"

#include "kt-add-button.h"

#include "kt-a11y.h"

struct _KtAddButton
{
  AdwBin            parent_instance;

  AdwSqueezer      *squeezer;
  GtkButton        *wide_button;
  GtkButton        *narrow_button;
  AdwButtonContent *content;
  char             *label;
  char             *action_name;
};

G_DEFINE_FINAL_TYPE (KtAddButton, kt_add_button, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_ACTION_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str is GLib 2.76; this is 2.74. */
static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

GtkWidget *
kt_add_button_new (const char *label,
                   const char *action_name)
{
  return g_object_new (KT_TYPE_ADD_BUTTON, "label", label, "action-name", action_name, NULL);
}

const char *
kt_add_button_get_label (KtAddButton *self)
{
  g_return_val_if_fail (KT_IS_ADD_BUTTON (self), NULL);
  return self->label;
}

void
kt_add_button_set_label (KtAddButton *self,
                         const char  *label)
{
  g_autoptr(GString) name = NULL;

  g_return_if_fail (KT_IS_ADD_BUTTON (self));

  if (!set_str (&self->label, label))
    return;
  adw_button_content_set_label (self->content, label != NULL ? label : "");
  /* The name a screen reader says: the label without its mnemonic. */
  name = g_string_new (label);
  g_string_replace (name, "_", "", 0);
  kt_a11y_set_label (GTK_WIDGET (self->wide_button), name->str);
  kt_a11y_set_label (GTK_WIDGET (self->narrow_button), name->str);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->narrow_button), name->str);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

const char *
kt_add_button_get_action_name (KtAddButton *self)
{
  g_return_val_if_fail (KT_IS_ADD_BUTTON (self), NULL);
  return self->action_name;
}

void
kt_add_button_set_action_name (KtAddButton *self,
                               const char  *action_name)
{
  g_return_if_fail (KT_IS_ADD_BUTTON (self));

  if (!set_str (&self->action_name, action_name))
    return;
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->wide_button), action_name);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->narrow_button), action_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTION_NAME]);
}

gboolean
kt_add_button_get_shows_label (KtAddButton *self)
{
  g_return_val_if_fail (KT_IS_ADD_BUTTON (self), FALSE);
  return adw_squeezer_get_visible_child (self->squeezer) == GTK_WIDGET (self->wide_button);
}

static void
kt_add_button_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KtAddButton *self = KT_ADD_BUTTON (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_ACTION_NAME:
      g_value_set_string (value, self->action_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_add_button_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  KtAddButton *self = KT_ADD_BUTTON (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      kt_add_button_set_label (self, g_value_get_string (value));
      break;
    case PROP_ACTION_NAME:
      kt_add_button_set_action_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_add_button_finalize (GObject *object)
{
  KtAddButton *self = KT_ADD_BUTTON (object);

  g_free (self->label);
  g_free (self->action_name);
  G_OBJECT_CLASS (kt_add_button_parent_class)->finalize (object);
}

static void
kt_add_button_class_init (KtAddButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kt_add_button_get_property;
  object_class->set_property = kt_add_button_set_property;
  object_class->finalize = kt_add_button_finalize;

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTION_NAME] =
    g_param_spec_string ("action-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-add-button.ui");
  gtk_widget_class_bind_template_child (widget_class, KtAddButton, squeezer);
  gtk_widget_class_bind_template_child (widget_class, KtAddButton, wide_button);
  gtk_widget_class_bind_template_child (widget_class, KtAddButton, narrow_button);
  gtk_widget_class_bind_template_child (widget_class, KtAddButton, content);
}

static void
kt_add_button_init (KtAddButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
