/* kt-intaker-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-intaker-view"

#include "config.h"

#include "kt-intaker-view-private.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-coach-list.h"
#include "kt-main-menu-button.h"
#include "kt-sync-button.h"
#include "kt-role-format.h"

#define KT_INTAKER_ERROR (kt_intaker_error_quark ())
static G_DEFINE_QUARK (kt-intaker-error-quark, kt_intaker_error)

enum {
  KT_INTAKER_ERROR_INCOMPLETE,
};

struct _KtIntakerView
{
  AdwBin               parent_instance;

  AdwViewSwitcherTitle *window_title;
  AdwViewSwitcherBar  *switcher_bar;
  KtSyncButton        *sync_button;
  AdwViewStack        *stack;
  GtkListBox          *registered_list;
  AdwToastOverlay     *toasts;
  GtkScrolledWindow   *scroller;
  AdwEntryRow         *household_row;
  AdwEntryRow         *phone_row;
  AdwComboRow         *channel_row;
  GtkTextView         *question_view;
  GtkToggleButton     *urgency_normal;
  GtkToggleButton     *urgency_soon;
  GtkToggleButton     *urgency_urgent;
  GtkSwitch           *safety_switch;
  AdwEntryRow         *safety_note_row;
  GtkTextView         *own_strength_view;
  GtkLabel            *error_label;
  GtkRevealer         *desk_revealer;
  GtkTextView         *desk_note_view;
  GtkRevealer         *coach_revealer;
  AdwPreferencesGroup *coach_group;
  GtkListBox          *coach_list;

  char                *username;
  char                *team;
  GPtrArray           *coaches;
  int                  conversation_days;
  int                  own_plan_days;
  gboolean             narrow;
  guint                narrow_id;    /* applying a new width's header */
  char                *problem;      /* the last shown, for the tests */
  /* The id of a registration given back to the form because it could not
   * be kept (kt_intaker_view_take_back): registered again under the same
   * id, so the device and the queue hold it once. */
  char                *retry_id;
};

/* Below this width the page switcher moves from the header to a bar at the
 * bottom: at 800 px (a tablet held upright) the switcher was squeezed
 * between the window's own buttons and the sync and menu buttons, off
 * centre.  libadwaita 1.2 has no breakpoints; GNOME apps of its time
 * switch the switcher title off by width (view-switcher-enabled), and the
 * bar follows its title-visible. */
#define KT_INTAKER_NARROW_WIDTH 960

G_DEFINE_FINAL_TYPE (KtIntakerView, kt_intaker_view, ADW_TYPE_BIN)

enum {
  SIGNAL_REGISTERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
kt_intaker_view_new (void)
{
  return g_object_new (KT_TYPE_INTAKER_VIEW, NULL);
}

static char *
text_view_get_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  char *text;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static char *
editable_get_text (gpointer editable)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static void
show_error (KtIntakerView *self,
            const char    *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

KtCase *
kt_intaker_view_build_case (KtIntakerView *self,
                            GError       **error)
{
  g_autoptr(KtCase) kase = NULL;
  g_autofree char *household = NULL;
  g_autofree char *question = NULL;
  guint channel;

  g_return_val_if_fail (KT_IS_INTAKER_VIEW (self), NULL);

  household = editable_get_text (self->household_row);
  question = text_view_get_text (self->question_view);
  if (household == NULL || question == NULL)
    {
      g_set_error_literal (error, KT_INTAKER_ERROR, KT_INTAKER_ERROR_INCOMPLETE,
                           _("Fill in who it is and what the question is."));
      return NULL;
    }

  kase = kt_case_new ();
  kase->household = g_steal_pointer (&household);
  kase->phone = editable_get_text (self->phone_row);
  kase->team = g_strdup (self->team);
  kase->phase = KT_PHASE_REGISTERED;
  kase->request.date = kt_date_today ();
  channel = adw_combo_row_get_selected (self->channel_row);
  kase->request.channel = channel < KT_N_CHANNELS ? (KtChannel) channel : KT_CHANNEL_OTHER;
  kase->request.question = g_steal_pointer (&question);
  kase->request.intaker = g_strdup (self->username);
  if (gtk_toggle_button_get_active (self->urgency_urgent))
    kase->request.urgency = KT_URGENCY_URGENT;
  else if (gtk_toggle_button_get_active (self->urgency_soon))
    kase->request.urgency = KT_URGENCY_SOON;
  else
    kase->request.urgency = KT_URGENCY_NORMAL;
  kase->request.safety_concern = gtk_switch_get_active (self->safety_switch);
  if (kase->request.safety_concern)
    kase->request.safety_note = editable_get_text (self->safety_note_row);
  kase->request.own_strength = text_view_get_text (self->own_strength_view);
  kt_case_compute_deadlines (kase, self->conversation_days, self->own_plan_days);
  if (self->retry_id != NULL)
    {
      g_free (kase->header.id);
      kase->header.id = g_strdup (self->retry_id);
    }
  return g_steal_pointer (&kase);
}

void
kt_intaker_view_reset (KtIntakerView *self)
{
  g_return_if_fail (KT_IS_INTAKER_VIEW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->household_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->phone_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->safety_note_row), "");
  adw_combo_row_set_selected (self->channel_row, KT_CHANNEL_PHONE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->question_view), "", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->own_strength_view), "", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->desk_note_view), "", -1);
  gtk_toggle_button_set_active (self->urgency_normal, TRUE);
  gtk_switch_set_active (self->safety_switch, FALSE);
  gtk_revealer_set_reveal_child (self->desk_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->coach_revealer, FALSE);
  show_error (self, NULL);
  g_clear_pointer (&self->retry_id, g_free);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->household_row));
}

/* Whether the intaker has typed nothing into the form since it was last
 * emptied. */
static gboolean
form_is_empty (KtIntakerView *self)
{
  g_autofree char *household = editable_get_text (self->household_row);
  g_autofree char *phone = editable_get_text (self->phone_row);
  g_autofree char *question = text_view_get_text (self->question_view);
  g_autofree char *own_strength = text_view_get_text (self->own_strength_view);
  g_autofree char *desk_note = text_view_get_text (self->desk_note_view);

  return household == NULL && phone == NULL && question == NULL && own_strength == NULL && desk_note == NULL;
}

static void
set_text (GtkTextView *view,
          const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
}

gboolean
kt_intaker_view_take_back (KtIntakerView *self,
                           const KtCase  *kase)
{
  g_return_val_if_fail (KT_IS_INTAKER_VIEW (self), FALSE);
  g_return_val_if_fail (kase != NULL, FALSE);

  /* What the intaker started typing for the next resident is theirs. */
  if (!form_is_empty (self))
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->household_row), kase->household != NULL ? kase->household : "");
  gtk_editable_set_text (GTK_EDITABLE (self->phone_row), kase->phone != NULL ? kase->phone : "");
  adw_combo_row_set_selected (self->channel_row, kase->request.channel);
  set_text (self->question_view, kase->request.question);
  gtk_toggle_button_set_active (kase->request.urgency == KT_URGENCY_URGENT ? self->urgency_urgent
                                : kase->request.urgency == KT_URGENCY_SOON ? self->urgency_soon
                                : self->urgency_normal, TRUE);
  gtk_switch_set_active (self->safety_switch, kase->request.safety_concern);
  gtk_editable_set_text (GTK_EDITABLE (self->safety_note_row),
                         kase->request.safety_note != NULL ? kase->request.safety_note : "");
  set_text (self->own_strength_view, kase->request.own_strength);
  set_text (self->desk_note_view, kase->desk_note);
  /* The way out it took, open again: the note, or the coaches. */
  gtk_revealer_set_reveal_child (self->desk_revealer, kase->solved_at_desk);
  gtk_revealer_set_reveal_child (self->coach_revealer, !kase->solved_at_desk);
  g_free (self->retry_id);
  self->retry_id = g_strdup (kase->header.id);
  return TRUE;
}

void
kt_intaker_view_show_refused_assignment (KtIntakerView *self,
                                         const char    *household,
                                         const char    *coach,
                                         const char    *reason)
{
  g_autofree char *message = NULL;
  const char *name;

  g_return_if_fail (KT_IS_INTAKER_VIEW (self));
  g_return_if_fail (coach != NULL && reason != NULL);

  name = kt_role_person_name (self->coaches, NULL, coach);
  if (household != NULL)
    /* Translators: the household, the coach, then the server's reason (a
     * sentence of its own). */
    message = g_strdup_printf (_("The server did not assign “%s” to %s. %s The household has no coach "
                                 "yet: register it again and assign it to a coach from your team’s list."),
                               household, name, reason);
  else
    /* Translators: the coach, then the server's reason (a sentence). */
    message = g_strdup_printf (_("The server did not assign a household to %s. %s The household has no "
                                 "coach yet: register it again and assign it to a coach from your "
                                 "team’s list."),
                               name, reason);
  kt_intaker_view_show_problem (self, message);
}

/* Builds the case, or shows what is missing; NULL then. */
static KtCase *
build_or_complain (KtIntakerView *self)
{
  g_autoptr(GError) error = NULL;
  KtCase *kase = kt_intaker_view_build_case (self, &error);

  show_error (self, error != NULL ? error->message : NULL);
  if (kase == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->household_row));
  return kase;
}

static void
registered (KtIntakerView *self,
            KtCase        *kase,
            const char    *toast)
{
  g_signal_emit (self, signals[SIGNAL_REGISTERED], 0, kase);
  kt_intaker_view_reset (self);
  kt_a11y_add_toast (self->toasts, kt_a11y_toast_new (toast));
}

void
kt_intaker_view_show_problem (KtIntakerView *self,
                              const char    *message)
{
  AdwToast *toast;
  GtkWidget *label;

  g_return_if_fail (KT_IS_INTAKER_VIEW (self));
  g_return_if_fail (message != NULL);

  g_free (self->problem);
  self->problem = g_strdup (message);
  /* Shown as it is: the message may hold the reason of the disk or the
   * database, a household's or a coach's name.  It is sentences, with the
   * system's reason: libadwaita 1.2 cuts a toast's title at one line, which
   * left what to do unread, so a label that wraps is the title (its text is
   * also its accessible name). */
  label = gtk_label_new (message);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 70);
  /* It stays until closed: the problem does not go away by itself. */
  toast = g_object_new (ADW_TYPE_TOAST,
                        "custom-title", label,
                        "timeout", 0,
                        "priority", ADW_TOAST_PRIORITY_HIGH,
                        NULL);
  kt_a11y_add_toast (self->toasts, toast);
}

static void
form_changed_cb (KtIntakerView *self)
{
  show_error (self, NULL);
}

static void
show_desk_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KtIntakerView *self = KT_INTAKER_VIEW (widget);

  gtk_revealer_set_reveal_child (self->coach_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->desk_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->desk_note_view));
}

static void
show_coaches_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KtIntakerView *self = KT_INTAKER_VIEW (widget);

  gtk_revealer_set_reveal_child (self->desk_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->coach_revealer, TRUE);
}

static void
close_at_desk_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KtIntakerView *self = KT_INTAKER_VIEW (widget);
  g_autoptr(KtCase) kase = build_or_complain (self);
  g_autofree char *note = NULL;

  if (kase == NULL)
    return;
  note = text_view_get_text (self->desk_note_view);
  if (note == NULL)
    {
      show_error (self, _("Write a short note of what was done at the desk."));
      gtk_widget_grab_focus (GTK_WIDGET (self->desk_note_view));
      return;
    }
  kase->solved_at_desk = TRUE;
  kase->desk_note = g_steal_pointer (&note);
  kase->phase = KT_PHASE_CLOSED;
  registered (self, kase, _("Solved at the desk and closed"));
}

static void
assign_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KtIntakerView *self = KT_INTAKER_VIEW (widget);
  const char *username = g_variant_get_string (parameter, NULL);
  g_autoptr(KtCase) kase = NULL;
  g_autofree char *toast = NULL;

  if (kt_coach_list_find (self->coaches, username) == NULL)
    {
      show_error (self, _("This coach is not in your team’s list."));
      return;
    }
  kase = build_or_complain (self);
  if (kase == NULL)
    return;
  kase->coach = g_strdup (username);
  /* Kept here, not yet sent: offline it goes with the next sync, and the
   * list below says when it has ("Sent").  "Assigned" would claim what
   * only the server can. */
  toast = g_strdup_printf (_("Kept for %s; the coach gets it once the server has it"),
                           kt_role_person_name (self->coaches, NULL, username));
  registered (self, kase, toast);
}

static void
fill_coaches (KtIntakerView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->coach_list))) != NULL)
    gtk_list_box_remove (self->coach_list, child);

  if (self->coaches == NULL || self->coaches->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No coaches known yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Connect once to fetch your team’s list; after that it works offline."));
      gtk_list_box_append (self->coach_list, row);
      return;
    }
  for (guint i = 0; i < self->coaches->len; i++)
    {
      KtCoach *coach = g_ptr_array_index (self->coaches, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_label (_("Assign"));
      g_autofree char *load = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u household now", "%u households now",
                                                            coach->caseload), coach->caseload);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), coach->display_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), load);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "intake.assign");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", coach->username);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->coach_list, row);
    }
}

void
kt_intaker_view_set_coaches (KtIntakerView *self,
                             GPtrArray     *coaches)
{
  g_return_if_fail (KT_IS_INTAKER_VIEW (self));

  kt_role_replace_array (&self->coaches, coaches);
  fill_coaches (self);
}

void
kt_intaker_view_set_account (KtIntakerView *self,
                             const char    *username,
                             const char    *team)
{
  g_return_if_fail (KT_IS_INTAKER_VIEW (self));

  g_free (self->username);
  self->username = g_strdup (username);
  g_free (self->team);
  self->team = g_strdup (team);
  adw_view_switcher_title_set_subtitle (self->window_title, team != NULL ? team : "");
}

void
kt_intaker_view_set_periods (KtIntakerView *self,
                             int            conversation_days,
                             int            own_plan_days)
{
  g_return_if_fail (KT_IS_INTAKER_VIEW (self));

  self->conversation_days = conversation_days;
  self->own_plan_days = own_plan_days;
}

static gboolean
apply_width (gpointer data)
{
  KtIntakerView *self = data;

  self->narrow_id = 0;
  adw_view_switcher_title_set_view_switcher_enabled (self->window_title, !self->narrow);
  return G_SOURCE_REMOVE;
}

/* Measured and allocated as AdwBin's layout would, without it: a widget
 * with a layout manager is never asked its size_allocate. */
static void
kt_intaker_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child != NULL)
    gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
}

static void
kt_intaker_view_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  KtIntakerView *self = KT_INTAKER_VIEW (widget);
  gboolean narrow = width < KT_INTAKER_NARROW_WIDTH;

  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child != NULL)
    gtk_widget_allocate (child, width, height, baseline, NULL);
  /* Not while this allocation runs: the header's change asks for a new
   * size itself. */
  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      if (self->narrow_id == 0)
        self->narrow_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_width, self, NULL);
    }
}

static void
kt_intaker_view_dispose (GObject *object)
{
  KtIntakerView *self = KT_INTAKER_VIEW (object);

  g_clear_handle_id (&self->narrow_id, g_source_remove);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->team, g_free);
  g_clear_pointer (&self->coaches, g_ptr_array_unref);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->retry_id, g_free);

  G_OBJECT_CLASS (kt_intaker_view_parent_class)->dispose (object);
}

static void
kt_intaker_view_class_init (KtIntakerViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_intaker_view_dispose;
  widget_class->measure = kt_intaker_view_measure;
  widget_class->size_allocate = kt_intaker_view_size_allocate;

  /**
   * KtIntakerView::registered:
   * @kase: the new case: closed at the desk, or with its coach set
   *
   * The handler stores the case as shared (KT_SYNC_PENDING), so that it
   * reaches the server, and the coach, when there is a network.
   */
  signals[SIGNAL_REGISTERED] =
    g_signal_new ("registered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, KT_TYPE_CASE | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-intaker-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, window_title);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, sync_button);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, stack);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, registered_list);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, toasts);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, scroller);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, household_row);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, phone_row);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, channel_row);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, question_view);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, urgency_normal);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, urgency_soon);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, urgency_urgent);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, safety_switch);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, safety_note_row);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, own_strength_view);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, error_label);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, desk_revealer);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, desk_note_view);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, coach_revealer);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, coach_group);
  gtk_widget_class_bind_template_child (widget_class, KtIntakerView, coach_list);

  gtk_widget_class_install_action (widget_class, "intake.show-desk", NULL, show_desk_action);
  gtk_widget_class_install_action (widget_class, "intake.show-coaches", NULL, show_coaches_action);
  gtk_widget_class_install_action (widget_class, "intake.close-at-desk", NULL, close_at_desk_action);
  gtk_widget_class_install_action (widget_class, "intake.assign", "s", assign_action);
}

static void
kt_intaker_view_init (KtIntakerView *self)
{
  g_autoptr(GtkStringList) channels = gtk_string_list_new (NULL);

  g_type_ensure (KT_TYPE_MAIN_MENU_BUTTON);
  g_type_ensure (KT_TYPE_SYNC_BUTTON);
  kt_role_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* AdwBin's layout manager would allocate the child without asking
   * size_allocate, where the width is seen. */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  kt_a11y_name_choice_list (GTK_WIDGET (self->channel_row));
  kt_a11y_set_label (GTK_WIDGET (self->question_view), _("The Question"));
  kt_a11y_set_label (GTK_WIDGET (self->own_strength_view), _("Own Strength and Network"));
  kt_a11y_set_label (GTK_WIDGET (self->desk_note_view), _("Solved at the Desk"));
  self->conversation_days = 42;
  self->own_plan_days = 7;

  for (guint i = 0; i < KT_N_CHANNELS; i++)
    gtk_string_list_append (channels, kt_channel_get_label ((KtChannel) i));
  adw_combo_row_set_model (self->channel_row, G_LIST_MODEL (channels));
  fill_coaches (self);
  kt_intaker_view_set_registered (self, NULL, NULL, NULL);

  /* What was missing stops being shown once the intaker fills it in. */
  g_signal_connect_swapped (self->household_row, "changed", G_CALLBACK (form_changed_cb), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->question_view), "changed",
                            G_CALLBACK (form_changed_cb), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->desk_note_view), "changed",
                            G_CALLBACK (form_changed_cb), self);
}

void
kt_intaker_view_set_sync_client (KtIntakerView *self,
                                 KtSyncClient  *client)
{
  g_return_if_fail (KT_IS_INTAKER_VIEW (self));

  kt_sync_button_set_client (self->sync_button, client);
}

void
kt_intaker_view_set_key_controller (KtIntakerView   *self,
                                    KtKeyController *keys)
{
  g_return_if_fail (KT_IS_INTAKER_VIEW (self));

  kt_sync_button_set_key_controller (self->sync_button, keys);
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const KtCase *ca = *(KtCase * const *) a;
  const KtCase *cb = *(KtCase * const *) b;

  return (cb->header.created > ca->header.created) - (cb->header.created < ca->header.created);
}

void
kt_intaker_view_set_registered (KtIntakerView *self,
                                GPtrArray     *cases,
                                GHashTable    *pending,
                                GHashTable    *keyless)
{
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  GtkWidget *child;

  g_return_if_fail (KT_IS_INTAKER_VIEW (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->registered_list))) != NULL)
    gtk_list_box_remove (self->registered_list, child);

  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (cases, i);

      if (self->username != NULL && g_strcmp0 (kase->request.intaker, self->username) == 0)
        g_ptr_array_add (mine, kase);
    }
  g_ptr_array_sort (mine, newest_first);

  if (mine->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nothing registered yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("A request you register appears here."));
      gtk_list_box_append (self->registered_list, row);
      return;
    }
  for (guint i = 0; i < mine->len; i++)
    {
      KtCase *kase = g_ptr_array_index (mine, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *state = gtk_label_new (NULL);
      g_autofree char *date = kt_role_format_date (kase->request.date);
      g_autofree char *subtitle = NULL;
      gboolean waiting = pending != NULL && g_hash_table_contains (pending, kase->header.id);
      /* Sent, but sealed without a key for a coach who never signed in:
       * it reaches her when she does (docs/gebruikershandleiding.md). */
      gboolean keyless_coach = keyless != NULL && g_hash_table_contains (keyless, kase->header.id);

      if (kase->solved_at_desk)
        subtitle = g_strdup_printf (_("%s · solved at the desk"), date);
      else if (kase->coach != NULL)
        {
          KtDue due = kt_case_next_due (kase, NULL);
          g_autofree char *next = kt_due_describe (due.kind, due.date, NULL, NULL);

          /* The intaker follows what became of the request: its phase and
           * what comes next, as the coach's list shows them. */
          if (next != NULL)
            /* Translators: request date · coach · phase · what is due next. */
            subtitle = g_strdup_printf (_("%s · assigned to %s · %s · %s"), date,
                                        kt_role_person_name (self->coaches, NULL, kase->coach),
                                        kt_phase_get_label (kase->phase), next);
          else
            subtitle = g_strdup_printf (_("%s · assigned to %s · %s"), date,
                                        kt_role_person_name (self->coaches, NULL, kase->coach),
                                        kt_phase_get_label (kase->phase));
        }
      else
        subtitle = g_strdup_printf (_("%s · not assigned"), date);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     kase->household != NULL ? kase->household : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_label_set_text (GTK_LABEL (state), waiting ? _("Waiting to be sent")
                                             : keyless_coach ? _("Waiting for the coach’s first sign-in")
                                             : _("Sent"));
      gtk_widget_add_css_class (state, waiting ? "warning" : "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
      gtk_list_box_append (self->registered_list, row);
    }
}

GtkListBox *
kt_intaker_view_get_registered_list (KtIntakerView *self)
{
  return self->registered_list;
}

GtkEditable *
kt_intaker_view_get_household_row (KtIntakerView *self)
{
  return GTK_EDITABLE (self->household_row);
}

GtkTextView *
kt_intaker_view_get_question_view (KtIntakerView *self)
{
  return self->question_view;
}

GtkTextView *
kt_intaker_view_get_desk_note_view (KtIntakerView *self)
{
  return self->desk_note_view;
}

GtkSwitch *
kt_intaker_view_get_safety_switch (KtIntakerView *self)
{
  return self->safety_switch;
}

GtkLabel *
kt_intaker_view_get_error_label (KtIntakerView *self)
{
  return self->error_label;
}

GtkScrolledWindow *
kt_intaker_view_get_scroller (KtIntakerView *self)
{
  return self->scroller;
}

gboolean
kt_intaker_view_get_switcher_in_header (KtIntakerView *self)
{
  return !adw_view_switcher_title_get_title_visible (self->window_title);
}

const char *
kt_intaker_view_get_problem (KtIntakerView *self)
{
  return self->problem;
}
