/* kt-case-row.c: KtCaseRow, how one household looks in the case list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-case-row"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-case-row.h"
#include "kt-a11y.h"
#include "kt-app-util.h"

struct _KtCaseRow
{
  GtkWidget   parent_instance;

  GtkWidget  *box;
  GtkLabel   *household_label;
  GtkLabel   *phase_label;
  GtkLabel   *share_label;
  GtkLabel   *deadline_label;
  GtkWidget  *safety_image;

  KtCaseItem *item;
  gulong      notify_id;
  gulong      share_id;
  gulong      stage_id;
};

G_DEFINE_FINAL_TYPE (KtCaseRow, kt_case_row, GTK_TYPE_WIDGET)

/* The household's cycle: the phase, or the plan's review while it is
 * reviewed ("Plan approved"), so an approval shows on the row. */
static void
kt_case_row_refresh_stage (KtCaseRow *self)
{
  g_autofree char *stage = NULL;

  if (self->item == NULL)
    return;
  stage = kt_case_item_describe_stage (self->item);
  gtk_label_set_label (self->phase_label, stage);
}

static void
kt_case_row_refresh (KtCaseRow *self)
{
  const char *household;
  g_autofree char *deadline = NULL;
  gboolean overdue = FALSE;

  if (self->item == NULL)
    return;

  household = kt_case_item_get_household (self->item);
  gtk_label_set_label (self->household_label,
                       household != NULL && *household != '\0' ? household : _("New household"));
  kt_case_row_refresh_stage (self);

  deadline = kt_due_describe (kt_case_item_get_due (self->item), kt_case_item_get_deadline (self->item),
                              NULL, &overdue);
  gtk_label_set_label (self->deadline_label, deadline != NULL ? deadline : "");
  gtk_widget_set_visible (GTK_WIDGET (self->deadline_label), deadline != NULL);
  if (overdue)
    gtk_widget_add_css_class (GTK_WIDGET (self->deadline_label), "deadline-overdue");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->deadline_label), "deadline-overdue");
  gtk_widget_set_visible (self->safety_image, kt_case_item_get_safety (self->item));
}

/* Lokaal / wacht / gedeeld / geweigerd, in words on the row itself; a
 * refusal with the server's reason (the case page says what to do). */
static void
kt_case_row_refresh_share (KtCaseRow *self)
{
  g_autofree char *text = NULL;

  if (self->item == NULL)
    return;
  switch (kt_case_item_get_share_state (self->item))
    {
    case KT_SHARE_WAITING:
      text = g_strdup (_("Waiting to be sent"));
      break;
    case KT_SHARE_SHARED:
      text = g_strdup (_("Shared"));
      break;
    case KT_SHARE_REFUSED:
      /* Translators: %s is the server's reason, a sentence. */
      text = g_strdup_printf (_("Not shared, refused: %s"),
                              kt_case_item_get_share_reason (self->item) != NULL
                              ? kt_case_item_get_share_reason (self->item) : "");
      break;
    case KT_SHARE_LOCAL:
    default:
      text = g_strdup (_("Only on this device"));
      break;
    }
  gtk_label_set_label (self->share_label, text);
  /* "Plan waits to be sent" above says it already. */
  gtk_widget_set_visible (GTK_WIDGET (self->share_label), !kt_case_item_stage_waits (self->item));
  if (kt_case_item_get_share_state (self->item) == KT_SHARE_REFUSED)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->share_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->share_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->share_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->share_label), "dim-label");
    }
}

/* A change after the row was bound: a screen reader hears it too (the
 * list names its rows when it binds them). */
static void
on_stage_changed (KtCaseRow *self)
{
  kt_case_row_refresh_stage (self);
  kt_case_row_refresh_share (self);
  kt_a11y_rename_list_row (GTK_WIDGET (self));
}

static void
on_share_changed (KtCaseRow *self)
{
  kt_case_row_refresh_share (self);
  kt_a11y_rename_list_row (GTK_WIDGET (self));
}

void
kt_case_row_set_item (KtCaseRow  *self,
                      KtCaseItem *item)
{
  g_return_if_fail (KT_IS_CASE_ROW (self));

  if (self->item != NULL)
    {
      g_clear_signal_handler (&self->notify_id, self->item);
      g_clear_signal_handler (&self->share_id, self->item);
      g_clear_signal_handler (&self->stage_id, self->item);
    }
  g_set_object (&self->item, item);
  if (item != NULL)
    {
      self->notify_id = g_signal_connect_object (item, "notify::household",
                                                 G_CALLBACK (kt_case_row_refresh), self,
                                                 G_CONNECT_SWAPPED);
      self->share_id = g_signal_connect_object (item, "notify::share-state",
                                                G_CALLBACK (on_share_changed), self,
                                                G_CONNECT_SWAPPED);
      self->stage_id = g_signal_connect_object (item, "notify::stage",
                                                G_CALLBACK (on_stage_changed), self,
                                                G_CONNECT_SWAPPED);
    }
  kt_case_row_refresh (self);
  kt_case_row_refresh_share (self);
}

static void
kt_case_row_dispose (GObject *object)
{
  KtCaseRow *self = KT_CASE_ROW (object);

  if (self->item != NULL)
    {
      g_clear_signal_handler (&self->notify_id, self->item);
      g_clear_signal_handler (&self->share_id, self->item);
      g_clear_signal_handler (&self->stage_id, self->item);
    }
  g_clear_object (&self->item);
  gtk_widget_dispose_template (GTK_WIDGET (self), KT_TYPE_CASE_ROW);
  G_OBJECT_CLASS (kt_case_row_parent_class)->dispose (object);
}

static void
kt_case_row_class_init (KtCaseRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_case_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-case-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KtCaseRow, box);
  gtk_widget_class_bind_template_child (widget_class, KtCaseRow, household_label);
  gtk_widget_class_bind_template_child (widget_class, KtCaseRow, phase_label);
  gtk_widget_class_bind_template_child (widget_class, KtCaseRow, share_label);
  gtk_widget_class_bind_template_child (widget_class, KtCaseRow, deadline_label);
  gtk_widget_class_bind_template_child (widget_class, KtCaseRow, safety_image);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kt_case_row_init (KtCaseRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kt_case_row_new (void)
{
  return g_object_new (KT_TYPE_CASE_ROW, NULL);
}

const char *
kt_case_row_get_stage_text (KtCaseRow *self)
{
  return gtk_label_get_label (self->phase_label);
}

const char *
kt_case_row_get_share_text (KtCaseRow *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->share_label)))
    return NULL;
  return gtk_label_get_label (self->share_label);
}
