/* kt-date-row.c: KtDateRow, a date picked from a calendar, shown in words
 *
 * Dates are picked, never typed as YYYY-MM-DD (issue 16): the button shows
 * the date as the core's date formatter writes it ("16 januari 2027") and
 * opens a calendar; where a date may be left out, a second button clears
 * it.  Every control carries its own accessible name with the row's title,
 * since GTK 4.8 names none of them for a screen reader.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-date-row"

#include "config.h"

#include "kt-date-row.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-core.h"

struct _KtDateRow
{
  AdwActionRow   parent_instance;

  GtkMenuButton *button;
  GtkLabel      *date_label;
  GtkPopover    *popover;       /* (nullable): made when first opened */
  GtkCalendar   *calendar;      /* (nullable): made with the popover */
  GtkButton     *clear_button;

  char          *date;          /* ISO, or NULL */
  char          *problem;       /* what is wrong with the date, or NULL */
  gboolean       optional;
  gboolean       filling;
};

G_DEFINE_FINAL_TYPE (KtDateRow, kt_date_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_DATE,
  PROP_OPTIONAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The button's words and every accessible name follow the date and the
 * row's title. */
static void
refresh (KtDateRow *self)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self));
  g_autofree char *words = kt_format_date (self->date, KT_DATE_WEEKDAY);
  g_autofree char *button_name = NULL;
  g_autofree char *clear_name = NULL;
  g_autofree char *calendar_name = NULL;

  gtk_label_set_text (self->date_label, words != NULL ? words : _("Pick a date"));
  /* TRANSLATORS: a date button's name for a screen reader: "Date of the request: 16 January 2027" */
  button_name = g_strdup_printf (_("%s: %s"), title != NULL ? title : "",
                                 words != NULL ? words : _("no date, pick one"));
  kt_a11y_set_label (GTK_WIDGET (self->button), button_name);
  /* TRANSLATORS: "Clear Date of the request" */
  clear_name = g_strdup_printf (_("Clear %s"), title != NULL ? title : "");
  kt_a11y_set_label (GTK_WIDGET (self->clear_button), clear_name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->clear_button), clear_name);
  if (self->calendar != NULL)
    {
      /* TRANSLATORS: "Calendar for Date of the request" */
      calendar_name = g_strdup_printf (_("Calendar for %s"), title != NULL ? title : "");
      kt_a11y_set_label (GTK_WIDGET (self->calendar), calendar_name);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->clear_button), self->optional && self->date != NULL);
  /* A problem shows under the title, where the coach just picked, and a
   * screen reader hears it with the button. */
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), self->problem);
  if (self->problem != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->problem, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->button),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

/* The calendar opens on the date shown, or today. */
static void
show_on_calendar (KtDateRow *self)
{
  g_autoptr(GDateTime) when = NULL;

  if (self->calendar == NULL)
    return;
  if (self->date != NULL)
    {
      g_autofree char *iso = g_strconcat (self->date, "T12:00:00", NULL);
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();

      when = g_date_time_new_from_iso8601 (iso, local);
    }
  if (when == NULL)
    when = g_date_time_new_now_local ();
  self->filling = TRUE;
  gtk_calendar_select_day (self->calendar, when);
  self->filling = FALSE;
}

static void
set_date (KtDateRow  *self,
          const char *iso_date,
          gboolean    by_user)
{
  const char *date = iso_date != NULL && kt_date_is_valid (iso_date) ? iso_date : NULL;

  if (g_strcmp0 (self->date, date) == 0)
    return;
  g_free (self->date);
  self->date = g_strdup (date);
  refresh (self);
  show_on_calendar (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
  if (by_user)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_day_selected (KtDateRow *self)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *iso = NULL;

  if (self->filling)
    return;
  date = gtk_calendar_get_date (self->calendar);
  iso = g_date_time_format (date, "%Y-%m-%d");
  set_date (self, iso, TRUE);
  gtk_popover_popdown (self->popover);
}

/* Makes the popover with its calendar, named and on the date shown, the
 * first time it is asked for. */
static void
ensure_calendar (KtDateRow *self)
{
  if (self->calendar != NULL)
    return;
  self->calendar = GTK_CALENDAR (gtk_calendar_new ());
  g_signal_connect_swapped (self->calendar, "day-selected", G_CALLBACK (on_day_selected), self);
  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->popover, GTK_WIDGET (self->calendar));
  gtk_menu_button_set_popover (self->button, GTK_WIDGET (self->popover));
  refresh (self);
  show_on_calendar (self);
}

static void
create_popup (GtkMenuButton *button,
              gpointer       user_data)
{
  ensure_calendar (KT_DATE_ROW (user_data));
}

static void
on_clear_clicked (KtDateRow *self)
{
  set_date (self, NULL, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->button));
}

static void
on_title_changed (KtDateRow *self)
{
  refresh (self);
}

const char *
kt_date_row_get_date (KtDateRow *self)
{
  g_return_val_if_fail (KT_IS_DATE_ROW (self), NULL);
  return self->date;
}

void
kt_date_row_set_date (KtDateRow  *self,
                      const char *iso_date)
{
  g_return_if_fail (KT_IS_DATE_ROW (self));
  set_date (self, iso_date, FALSE);
}

const char *
kt_date_row_get_problem (KtDateRow *self)
{
  g_return_val_if_fail (KT_IS_DATE_ROW (self), NULL);
  return self->problem;
}

void
kt_date_row_set_problem (KtDateRow  *self,
                         const char *problem)
{
  g_return_if_fail (KT_IS_DATE_ROW (self));

  if (problem != NULL && *problem == '\0')
    problem = NULL;
  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  refresh (self);
}

gboolean
kt_date_row_get_optional (KtDateRow *self)
{
  g_return_val_if_fail (KT_IS_DATE_ROW (self), FALSE);
  return self->optional;
}

void
kt_date_row_set_optional (KtDateRow *self,
                          gboolean   optional)
{
  g_return_if_fail (KT_IS_DATE_ROW (self));

  optional = !!optional;
  if (self->optional == optional)
    return;
  self->optional = optional;
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPTIONAL]);
}

const char *
kt_date_row_get_text (KtDateRow *self)
{
  g_return_val_if_fail (KT_IS_DATE_ROW (self), NULL);
  return gtk_label_get_text (self->date_label);
}

GtkMenuButton *
kt_date_row_get_button (KtDateRow *self)
{
  return self->button;
}

GtkCalendar *
kt_date_row_get_calendar (KtDateRow *self)
{
  ensure_calendar (self);
  return self->calendar;
}

GtkButton *
kt_date_row_get_clear_button (KtDateRow *self)
{
  return self->clear_button;
}

static void
kt_date_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  KtDateRow *self = KT_DATE_ROW (object);

  switch (prop_id)
    {
    case PROP_DATE:
      g_value_set_string (value, self->date);
      break;
    case PROP_OPTIONAL:
      g_value_set_boolean (value, self->optional);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_date_row_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  KtDateRow *self = KT_DATE_ROW (object);

  switch (prop_id)
    {
    case PROP_DATE:
      kt_date_row_set_date (self, g_value_get_string (value));
      break;
    case PROP_OPTIONAL:
      kt_date_row_set_optional (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_date_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KT_TYPE_DATE_ROW);
  G_OBJECT_CLASS (kt_date_row_parent_class)->dispose (object);
}

static void
kt_date_row_finalize (GObject *object)
{
  g_free (KT_DATE_ROW (object)->date);
  g_free (KT_DATE_ROW (object)->problem);
  G_OBJECT_CLASS (kt_date_row_parent_class)->finalize (object);
}

static void
kt_date_row_class_init (KtDateRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kt_date_row_get_property;
  object_class->set_property = kt_date_row_set_property;
  object_class->dispose = kt_date_row_dispose;
  object_class->finalize = kt_date_row_finalize;

  properties[PROP_DATE] =
    g_param_spec_string ("date", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPTIONAL] =
    g_param_spec_boolean ("optional", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The user picked or cleared a date (not kt_date_row_set_date). */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-date-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KtDateRow, button);
  gtk_widget_class_bind_template_child (widget_class, KtDateRow, date_label);
  gtk_widget_class_bind_template_child (widget_class, KtDateRow, clear_button);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
}

static void
kt_date_row_init (KtDateRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self, "notify::title", G_CALLBACK (on_title_changed), self);
  gtk_menu_button_set_create_popup_func (self->button, create_popup, self, NULL);
  refresh (self);
}

GtkWidget *
kt_date_row_new (const char *title,
                 gboolean    optional)
{
  return g_object_new (KT_TYPE_DATE_ROW, "title", title, "optional", optional, NULL);
}
