/* kt-domain-row.c: KtDomainRow, one life domain in the conversation's column
 *
 * The conversation page keeps its rows and tells each what it shows now,
 * rather than making them again: a new label has no size yet, and shaping
 * the text of 14 new rows is what made opening a household and turning the
 * screen to the resident slow (issue 22).  Setting what a row already
 * shows costs nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-domain-row"

#include "config.h"

#include "kt-domain-row.h"

#include "kt-a11y.h"

struct _KtDomainRow
{
  GtkListBoxRow  parent_instance;

  GtkImage      *icon;
  GtkLabel      *name_label;
  GtkLabel      *state_label;

  char          *id;
  char          *icon_name;
  char          *state;
};

G_DEFINE_FINAL_TYPE (KtDomainRow, kt_domain_row, GTK_TYPE_LIST_BOX_ROW)

void
kt_domain_row_set (KtDomainRow *self,
                   const char  *id,
                   const char  *name,
                   const char  *icon_name,
                   const char  *state)
{
  g_return_if_fail (KT_IS_DOMAIN_ROW (self));
  g_return_if_fail (name != NULL);

  if (g_strcmp0 (self->id, id) != 0)
    {
      g_free (self->id);
      self->id = g_strdup (id);
    }
  if (g_strcmp0 (gtk_label_get_label (self->name_label), name) != 0)
    {
      gtk_label_set_label (self->name_label, name);
      /* GTK 4.8 does not name a row by the label in it. */
      kt_a11y_set_label (GTK_WIDGET (self), name);
    }
  if (g_strcmp0 (self->icon_name, icon_name) != 0)
    {
      g_free (self->icon_name);
      self->icon_name = g_strdup (icon_name);
      gtk_image_set_from_icon_name (self->icon, icon_name);
    }
  if (g_strcmp0 (self->state, state) != 0)
    {
      g_free (self->state);
      self->state = g_strdup (state);
      gtk_label_set_label (self->state_label, state != NULL ? state : "");
      gtk_widget_set_visible (GTK_WIDGET (self->state_label), state != NULL);
      /* Screen readers hear the state with the name. */
      if (state != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                        state, -1);
      else
        gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

const char *
kt_domain_row_get_domain_id (KtDomainRow *self)
{
  g_return_val_if_fail (KT_IS_DOMAIN_ROW (self), NULL);
  return self->id;
}

static void
kt_domain_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KT_TYPE_DOMAIN_ROW);
  G_OBJECT_CLASS (kt_domain_row_parent_class)->dispose (object);
}

static void
kt_domain_row_finalize (GObject *object)
{
  KtDomainRow *self = KT_DOMAIN_ROW (object);

  g_free (self->id);
  g_free (self->icon_name);
  g_free (self->state);
  G_OBJECT_CLASS (kt_domain_row_parent_class)->finalize (object);
}

static void
kt_domain_row_class_init (KtDomainRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_domain_row_dispose;
  object_class->finalize = kt_domain_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-domain-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KtDomainRow, icon);
  gtk_widget_class_bind_template_child (widget_class, KtDomainRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, KtDomainRow, state_label);
}

static void
kt_domain_row_init (KtDomainRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kt_domain_row_new (void)
{
  return g_object_new (KT_TYPE_DOMAIN_ROW, NULL);
}
