/* kt-domain-tile.c: KtDomainTile, one life domain on the conversation's overview
 *
 * An icon and a word for the domain's state (never colour alone).  The
 * overview keeps its tiles and tells each what it shows now: making them
 * again shaped their text anew, and in GTK 4.8 every new tooltip asks the
 * X server where the pointer is (issue 22).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-domain-tile"

#include "config.h"

#include "kt-domain-tile.h"

#include "kt-a11y.h"
#include "kt-app-util.h"

struct _KtDomainTile
{
  GtkButton  parent_instance;

  GtkImage  *icon;
  GtkLabel  *name_label;
  GtkLabel  *state_label;

  char      *domain_id;
  int        mark;         /* KtAppMark shown, or -1 before the first */
};

G_DEFINE_FINAL_TYPE (KtDomainTile, kt_domain_tile, GTK_TYPE_BUTTON)

void
kt_domain_tile_set (KtDomainTile        *self,
                    const KtDomain      *domain,
                    const KtDomainEntry *entry,
                    gboolean             resident_watching)
{
  KtAppMark mark;
  const char *name;
  gboolean renamed = FALSE;

  g_return_if_fail (KT_IS_DOMAIN_TILE (self));
  g_return_if_fail (entry != NULL);

  mark = resident_watching ? kt_app_entry_mark_watched (entry) : kt_app_entry_mark (entry);
  name = domain != NULL ? domain->name : entry->domain_id;
  if (g_strcmp0 (self->domain_id, entry->domain_id) != 0)
    {
      g_free (self->domain_id);
      self->domain_id = g_strdup (entry->domain_id);
      /* The target before the name: a name without its target warns. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self), "s", entry->domain_id);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self), "conversation.show-domain");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), domain != NULL ? domain->description : NULL);
    }
  if (g_strcmp0 (gtk_label_get_label (self->name_label), name) != 0)
    {
      gtk_label_set_label (self->name_label, name);
      renamed = TRUE;
    }
  if (self->mark != (int) mark)
    {
      if (self->mark >= 0)
        gtk_widget_remove_css_class (GTK_WIDGET (self), kt_app_mark_css_class (self->mark));
      gtk_widget_add_css_class (GTK_WIDGET (self), kt_app_mark_css_class (mark));
      /* The icon's class gives it the mark's colour. */
      if (self->mark >= 0)
        gtk_widget_remove_css_class (GTK_WIDGET (self->icon), kt_app_mark_css_class (self->mark));
      gtk_widget_add_css_class (GTK_WIDGET (self->icon), kt_app_mark_css_class (mark));
      gtk_image_set_from_icon_name (self->icon, kt_app_mark_icon (mark));
      gtk_label_set_label (self->state_label, kt_app_mark_label (mark));
      self->mark = mark;
      renamed = TRUE;
    }
  /* The tile's name is the domain and how far it is; GTK 4.8 makes the
   * tooltip only the description. */
  if (renamed)
    {
      g_autofree char *a11y_name = g_strdup_printf ("%s, %s", name, kt_app_mark_label (mark));

      kt_a11y_set_label (GTK_WIDGET (self), a11y_name);
    }
}

static void
kt_domain_tile_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KT_TYPE_DOMAIN_TILE);
  G_OBJECT_CLASS (kt_domain_tile_parent_class)->dispose (object);
}

static void
kt_domain_tile_finalize (GObject *object)
{
  g_free (KT_DOMAIN_TILE (object)->domain_id);
  G_OBJECT_CLASS (kt_domain_tile_parent_class)->finalize (object);
}

static void
kt_domain_tile_class_init (KtDomainTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_domain_tile_dispose;
  object_class->finalize = kt_domain_tile_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-domain-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, KtDomainTile, icon);
  gtk_widget_class_bind_template_child (widget_class, KtDomainTile, name_label);
  gtk_widget_class_bind_template_child (widget_class, KtDomainTile, state_label);
}

static void
kt_domain_tile_init (KtDomainTile *self)
{
  self->mark = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kt_domain_tile_new (void)
{
  return g_object_new (KT_TYPE_DOMAIN_TILE, NULL);
}
