/* kt-app-util.c: small helpers the app's pages share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-app-util"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kt-app-util.h"
#include "kt-a11y.h"

#define DEFAULT_CONVERSATION_DAYS 42
#define DEFAULT_OWN_PLAN_DAYS      7
#define DEFAULT_IDLE_MINUTES       5

char *
kt_app_deadline_text (const char *iso_date,
                      gboolean   *overdue)
{
  g_autoptr(GDateTime) now = NULL;
  GDate today;
  int days;

  if (overdue != NULL)
    *overdue = FALSE;
  if (!kt_date_is_valid (iso_date))
    return NULL;

  now = g_date_time_new_now_local ();
  g_date_clear (&today, 1);
  g_date_set_dmy (&today,
                  g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now),
                  g_date_time_get_year (now));
  days = kt_date_days_until (iso_date, &today);

  if (days == 0)
    return g_strdup (_("Due today"));
  if (days > 0)
    return g_strdup_printf (ngettext ("%d day left", "%d days left", days), days);

  if (overdue != NULL)
    *overdue = TRUE;
  return g_strdup_printf (ngettext ("%d day overdue", "%d days overdue", -days), -days);
}

GSettings *
kt_app_get_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new (APP_ID);
}

void
kt_app_get_periods (int *conversation_days,
                    int *own_plan_days)
{
  g_autoptr(GSettings) settings = kt_app_get_settings ();

  *conversation_days = DEFAULT_CONVERSATION_DAYS;
  *own_plan_days = DEFAULT_OWN_PLAN_DAYS;
  if (settings == NULL)
    return;
  *conversation_days = g_settings_get_int (settings, "conversation-period-days");
  *own_plan_days = g_settings_get_int (settings, "own-plan-period-days");
}

void
kt_app_get_cycle_periods (int *evaluation_days,
                          int *follow_up_months)
{
  g_autoptr(GSettings) settings = kt_app_get_settings ();

  *evaluation_days = KT_EVALUATION_DAYS;
  *follow_up_months = KT_FOLLOW_UP_MONTHS;
  if (settings == NULL)
    return;
  *evaluation_days = g_settings_get_int (settings, "evaluation-period-days");
  *follow_up_months = g_settings_get_int (settings, "follow-up-period-months");
}

void
kt_app_get_decision_terms (int *term_days)
{
  g_autoptr(GSettings) settings = kt_app_get_settings ();

  term_days[KT_LEGAL_BASIS_NONE] = 0;
  term_days[KT_LEGAL_BASIS_WMO] = KT_DECISION_DAYS_WMO;
  term_days[KT_LEGAL_BASIS_JEUGDWET] = KT_DECISION_DAYS_JEUGDWET;
  term_days[KT_LEGAL_BASIS_PARTICIPATIEWET] = KT_DECISION_DAYS_PARTICIPATIEWET;
  if (settings == NULL)
    return;
  term_days[KT_LEGAL_BASIS_WMO] = g_settings_get_int (settings, "decision-days-wmo");
  term_days[KT_LEGAL_BASIS_JEUGDWET] = g_settings_get_int (settings, "decision-days-jeugdwet");
  term_days[KT_LEGAL_BASIS_PARTICIPATIEWET] = g_settings_get_int (settings, "decision-days-participatiewet");
}

guint
kt_app_get_idle_minutes (void)
{
  g_autoptr(GSettings) settings = kt_app_get_settings ();

  if (settings == NULL)
    return DEFAULT_IDLE_MINUTES;
  return MAX (1, g_settings_get_int (settings, "idle-lock-minutes"));
}

char *
kt_app_get_catalogue_override (void)
{
  g_autoptr(GSettings) settings = kt_app_get_settings ();
  g_autofree char *path = NULL;

  if (settings == NULL)
    return NULL;
  path = g_settings_get_string (settings, "catalogue-file");
  if (path == NULL || *path == '\0')
    return NULL;
  return g_steal_pointer (&path);
}

KtAppMark
kt_app_entry_mark (const KtDomainEntry *entry)
{
  if (entry->safety_flag)
    return KT_APP_MARK_SAFETY;
  return kt_app_entry_mark_watched (entry);
}

KtAppMark
kt_app_entry_mark_watched (const KtDomainEntry *entry)
{
  if (entry->state == KT_DOMAIN_SKIPPED)
    return KT_APP_MARK_SKIPPED;
  if (entry->concern != NULL && *entry->concern != '\0')
    return KT_APP_MARK_CONCERN;
  if (entry->state == KT_DOMAIN_DISCUSSED && entry->nothing_to_discuss)
    return KT_APP_MARK_NOTHING_TO_DISCUSS;
  if (entry->state == KT_DOMAIN_DISCUSSED)
    return KT_APP_MARK_DISCUSSED;
  return KT_APP_MARK_NOT_YET;
}

const char *
kt_app_mark_icon (KtAppMark mark)
{
  switch (mark)
    {
    case KT_APP_MARK_DISCUSSED: return "object-select-symbolic";
    case KT_APP_MARK_NOTHING_TO_DISCUSS: return "object-select-symbolic";
    case KT_APP_MARK_SKIPPED:   return "list-remove-symbolic";
    case KT_APP_MARK_CONCERN:   return "emblem-important-symbolic";
    case KT_APP_MARK_SAFETY:    return "dialog-warning-symbolic";
    case KT_APP_MARK_NOT_YET:
    default:                    return "radio-symbolic";
    }
}

const char *
kt_app_mark_label (KtAppMark mark)
{
  switch (mark)
    {
    case KT_APP_MARK_DISCUSSED: return _("Discussed");
    case KT_APP_MARK_NOTHING_TO_DISCUSS: return _("Goes well, nothing to discuss");
    case KT_APP_MARK_SKIPPED:   return _("Skipped");
    case KT_APP_MARK_CONCERN:   return _("Concern");
    case KT_APP_MARK_SAFETY:    return _("Safety");
    case KT_APP_MARK_NOT_YET:
    default:                    return _("Not yet");
    }
}

const char *
kt_app_mark_css_class (KtAppMark mark)
{
  switch (mark)
    {
    case KT_APP_MARK_DISCUSSED: return "mark-discussed";
    case KT_APP_MARK_NOTHING_TO_DISCUSS: return "mark-discussed";
    case KT_APP_MARK_SKIPPED:   return "mark-skipped";
    case KT_APP_MARK_CONCERN:   return "mark-concern";
    case KT_APP_MARK_SAFETY:    return "mark-safety";
    case KT_APP_MARK_NOT_YET:
    default:                    return "mark-not-yet";
    }
}

char *
kt_app_coverage_text (const KtConversation *conversation)
{
  guint discussed = 0, skipped = 0, not_yet = 0, total;
  g_autofree char *first = NULL;

  kt_conversation_count (conversation, &discussed, &skipped, &not_yet);
  total = discussed + skipped + not_yet;
  /* TRANSLATORS: the first half of "11 of 14 discussed, 1 skipped" */
  first = g_strdup_printf (ngettext ("%u of %u discussed", "%u of %u discussed", total),
                           discussed, total);
  if (skipped == 0)
    return g_steal_pointer (&first);
  /* TRANSLATORS: "%s" is "11 of 14 discussed" */
  return g_strdup_printf (ngettext ("%s, %u skipped", "%s, %u skipped", skipped),
                          first, skipped);
}

gboolean
kt_app_member_is_child (const KtMember *member)
{
  return kt_member_is_child (member);
}

static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  const KtMember *ma = *(const KtMember * const *) a;
  const KtMember *mb = *(const KtMember * const *) b;
  gboolean ca = kt_app_member_is_child (ma);
  gboolean cb = kt_app_member_is_child (mb);

  if (ca != cb)
    return ca ? -1 : 1;
  /* The youngest first among children. */
  return mb->birth_year - ma->birth_year;
}

GPtrArray *
kt_app_members_children_first (const KtCase *kase)
{
  GPtrArray *members = g_ptr_array_new ();

  for (guint i = 0; kase->members != NULL && i < kase->members->len; i++)
    g_ptr_array_add (members, g_ptr_array_index (kase->members, i));
  g_ptr_array_sort (members, compare_members);
  return members;
}

gboolean
kt_app_set_text (char      **field,
                 const char *text)
{
  const char *value = (text != NULL && *text != '\0') ? text : NULL;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

const char *
kt_app_editable_text (gpointer editable)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (editable));

  return text != NULL ? text : "";
}

void
kt_app_flow_box_for_layout (GtkFlowBox *flow_box)
{
  /* Each GtkFlowBoxChild is focusable by default: a screen reader would stop
   * on an unnamed "table cell" before every filter or card. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (flow_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
}

void
kt_app_flow_box_append (GtkFlowBox *flow_box,
                        GtkWidget  *child)
{
  gtk_flow_box_append (flow_box, child);
  gtk_widget_set_focusable (gtk_widget_get_parent (child), FALSE);
}

const char **
kt_app_enum_labels (KtAppLabelFunc get_label,
                    int            n)
{
  const char **out = g_new0 (const char *, n + 1);

  for (int i = 0; i < n; i++)
    out[i] = get_label (i);
  return out;
}

const char **
kt_app_translate_labels (const char * const *labels)
{
  guint n = g_strv_length ((char **) labels);
  const char **out = g_new0 (const char *, n + 1);

  for (guint i = 0; i < n; i++)
    out[i] = _(labels[i]);
  return out;
}

void
kt_app_set_tooltip (GtkWidget  *widget,
                    const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* GTK treats "" as no tooltip. */
  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

GtkWidget *
kt_app_icon_button_new (const char *icon_name,
                        const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  kt_a11y_set_label (button, tooltip);
  return button;
}

/* Bound rows keep their field, callback and a "filling" flag as data. */
#define FIELD_KEY    "kt-field"
#define CHANGED_KEY  "kt-changed"
#define DATA_KEY     "kt-changed-data"
#define FILLING_KEY  "kt-filling"

static void
bound_row_set_callback (GtkWidget        *row,
                        KtAppChangedFunc  changed,
                        gpointer          user_data)
{
  g_object_set_data (G_OBJECT (row), CHANGED_KEY, changed);
  g_object_set_data (G_OBJECT (row), DATA_KEY, user_data);
}

/* Returns the field when the user (not the code) changed the row. */
static gpointer
bound_row_user_field (gpointer row)
{
  if (g_object_get_data (G_OBJECT (row), FILLING_KEY) != NULL)
    return NULL;
  return g_object_get_data (G_OBJECT (row), FIELD_KEY);
}

static void
bound_row_notify (gpointer row)
{
  KtAppChangedFunc changed = g_object_get_data (G_OBJECT (row), CHANGED_KEY);

  if (changed != NULL)
    changed (g_object_get_data (G_OBJECT (row), DATA_KEY));
}

static void
bound_row_fill (GtkWidget *row,
                gpointer   field,
                gboolean   filling)
{
  if (filling)
    g_object_set_data (G_OBJECT (row), FIELD_KEY, field);
  g_object_set_data (G_OBJECT (row), FILLING_KEY, filling ? GINT_TO_POINTER (1) : NULL);
}

static void
on_text_row_changed (GtkEditable *row)
{
  char **field = bound_row_user_field (row);

  if (field != NULL && kt_app_set_text (field, kt_app_editable_text (row)))
    bound_row_notify (row);
}

void
kt_app_text_row_bind (GtkWidget  *row,
                      char      **field)
{
  bound_row_fill (row, field, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), (field != NULL && *field != NULL) ? *field : "");
  bound_row_fill (row, field, FALSE);
}

GtkWidget *
kt_app_text_row_new (const char        *title,
                     char             **field,
                     KtAppChangedFunc   changed,
                     gpointer           user_data)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  bound_row_set_callback (row, changed, user_data);
  kt_app_text_row_bind (row, field);
  g_signal_connect (row, "changed", G_CALLBACK (on_text_row_changed), NULL);
  return row;
}

static void
on_switch_active (GtkSwitch  *toggle,
                  GParamSpec *pspec,
                  GtkWidget  *row)
{
  gboolean *field = bound_row_user_field (row);

  if (field == NULL || *field == gtk_switch_get_active (toggle))
    return;
  *field = gtk_switch_get_active (toggle);
  bound_row_notify (row);
}

void
kt_app_switch_row_bind (GtkWidget *row,
                        gboolean  *field)
{
  GtkWidget *toggle = g_object_get_data (G_OBJECT (row), "kt-switch");

  bound_row_fill (row, field, TRUE);
  gtk_switch_set_active (GTK_SWITCH (toggle), field != NULL && *field);
  bound_row_fill (row, field, FALSE);
}

GtkWidget *
kt_app_switch_row_new (const char       *title,
                       const char       *subtitle,
                       gboolean         *field,
                       KtAppChangedFunc  changed,
                       gpointer          user_data)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  kt_a11y_set_label (toggle, title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  g_object_set_data (G_OBJECT (row), "kt-switch", toggle);
  bound_row_set_callback (row, changed, user_data);
  kt_app_switch_row_bind (row, field);
  g_signal_connect (toggle, "notify::active", G_CALLBACK (on_switch_active), row);
  return row;
}

static void
on_combo_selected (AdwComboRow *row)
{
  int *field = bound_row_user_field (row);
  int selected = (int) adw_combo_row_get_selected (row);

  if (field == NULL || selected < 0 || *field == selected)
    return;
  *field = selected;
  bound_row_notify (row);
}

void
kt_app_combo_row_bind (GtkWidget *row,
                       int       *field)
{
  bound_row_fill (row, field, TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), field != NULL ? (guint) *field : 0);
  bound_row_fill (row, field, FALSE);
}

GtkWidget *
kt_app_combo_row_new (const char         *title,
                      const char * const *labels,
                      int                *field,
                      KtAppChangedFunc    changed,
                      gpointer            user_data)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new ((const char * const *) labels);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  kt_a11y_name_choice_list (row);
  bound_row_set_callback (row, changed, user_data);
  kt_app_combo_row_bind (row, field);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_combo_selected), NULL);
  return row;
}

GtkWidget *
kt_app_choice_button_new (const char *top,
                          const char *bottom)
{
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (top);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);
  if (bottom != NULL)
    {
      GtkWidget *caption = gtk_label_new (bottom);

      gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
      gtk_label_set_justify (GTK_LABEL (caption), GTK_JUSTIFY_CENTER);
      gtk_widget_add_css_class (caption, "caption");
      gtk_box_append (GTK_BOX (box), caption);
    }
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "choice");
  /* GTK 4.8 names a button only by its own label: the labels inside it are
   * not its name, so a screen reader would hear "GtkToggleButton". */
  if (bottom != NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s, %s", top, bottom);

      kt_a11y_set_label (button, name);
    }
  else
    kt_a11y_set_label (button, top);
  return button;
}

/* Every hardware GL driver needs a DRM render node: without one, GL would
 * be emulated on the processor. */
gboolean
kt_app_has_render_node (void)
{
  g_autoptr(GDir) dri = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    {
      if (g_str_has_prefix (name, "renderD"))
        return TRUE;
    }
  return FALSE;
}

static void
add_gdk_debug_flag (const char *flag)
{
  const char *debug = g_getenv ("GDK_DEBUG");
  g_autofree char *flags = debug != NULL && *debug != '\0' ? g_strconcat (debug, ",", flag, NULL)
                                                            : g_strdup (flag);

  g_setenv ("GDK_DEBUG", flags, TRUE);
}

/* Without a GPU, GTK 4.8's GL renderer runs on Mesa's llvmpipe: it compiles
 * its shaders on the processor at start-up and then draws every frame in
 * software, which costs about 100 ms before the first frame on a laptop
 * or a virtual desktop without graphics hardware; the cairo renderer draws
 * the same widgets in a fraction of that.  A renderer chosen by the user
 * ($GSK_RENDERER) always wins.
 *
 * Drawing with cairo, the app needs no GL at all, but GDK 4.8 on X11 sets
 * GL up when it opens the display anyway (to pick its visual): that loads
 * Mesa and LLVM, about 50 MiB resident, before the first frame.  So with
 * cairo, chosen here or by the user, GDK is told to leave GL alone
 * ($GDK_DEBUG=gl-disable, which GTK 4.8 honours in release builds too).
 *
 * With GL chosen by the user and no GPU, on X11: GDK 4.8 tries EGL first,
 * loads Mesa's driver for it (with LLVM) and sets up a screen, rejects it
 * because it is software and only then sets GL up again through GLX, which
 * it then uses.  $GDK_DEBUG=gl-glx goes to GLX at once: the same GL, with
 * 6 % fewer instructions and about 13 ms less processor time for GTK's start
 * (bench/README.md, the eighth session).  GDK flags the user set themselves
 * are kept. */
void
kt_app_choose_renderer (void)
{
  const char *debug = g_getenv ("GDK_DEBUG");
  gboolean software = !kt_app_has_render_node ();

  if (g_getenv ("GSK_RENDERER") == NULL && software)
    g_setenv ("GSK_RENDERER", "cairo", FALSE);
  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") == 0)
    add_gdk_debug_flag ("gl-disable");
  else if (software && g_getenv ("WAYLAND_DISPLAY") == NULL &&
           (debug == NULL || (strstr (debug, "gl-egl") == NULL && strstr (debug, "gl-glx") == NULL)))
    add_gdk_debug_flag ("gl-glx");
}

/* libadwaita 1.2 swaps GTK 4.8's own theme for an empty one ("Adwaita-empty",
 * in libadwaita's resources) and brings its own style sheet; but by then GTK
 * has parsed its default theme for nothing: 80 M instructions, a tenth of
 * the start-up.  So GTK starts with the empty theme, named in $GTK_THEME,
 * which it reads as it makes its settings, and the variable is gone again
 * before libadwaita starts (with $GTK_THEME set, libadwaita would leave its
 * style sheet out).  A theme the user set themselves is left alone. */
void
kt_app_start_gtk (void)
{
  if (g_getenv ("GTK_THEME") != NULL)
    return;
  g_setenv ("GTK_THEME", "Adwaita-empty", TRUE);
  if (gtk_init_check ())
    gtk_settings_get_default ();
  g_unsetenv ("GTK_THEME");
}

#define SCROLL_TARGET_KEY "kt-scroll-target"
/* Frames to follow a row that is still growing (an expander opening). */
#define SCROLL_FRAMES 20

static gboolean
scroll_into_view_tick (GtkWidget     *widget,
                       GdkFrameClock *clock,
                       gpointer       data)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  int frames = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (widget), "kt-scroll-frames"));
  GtkAdjustment *adjustment;
  graphene_rect_t bounds;
  double value, page;

  /* Only the newest request of a scrolled window scrolls it. */
  if (scroller == NULL || g_object_get_data (G_OBJECT (scroller), SCROLL_TARGET_KEY) != widget)
    return G_SOURCE_REMOVE;
  g_object_set_data (G_OBJECT (widget), "kt-scroll-frames", GINT_TO_POINTER (frames + 1));
  if (frames >= SCROLL_FRAMES)
    {
      g_object_set_data (G_OBJECT (scroller), SCROLL_TARGET_KEY, NULL);
      return G_SOURCE_REMOVE;
    }
  /* Not laid out yet: try again next frame. */
  if (gtk_widget_get_height (widget) <= 0 || !gtk_widget_compute_bounds (widget, scroller, &bounds))
    return G_SOURCE_CONTINUE;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  value = gtk_adjustment_get_value (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  if (bounds.origin.y < 0 || bounds.size.height > page)
    gtk_adjustment_set_value (adjustment, value + bounds.origin.y);
  else if (bounds.origin.y + bounds.size.height > page)
    gtk_adjustment_set_value (adjustment, value + bounds.origin.y + bounds.size.height - page);
  return G_SOURCE_CONTINUE;
}

void
kt_app_scroll_into_view (GtkWidget *widget)
{
  GtkWidget *scroller;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  if (scroller == NULL)
    return;
  g_object_set_data (G_OBJECT (scroller), SCROLL_TARGET_KEY, widget);
  g_object_set_data (G_OBJECT (widget), "kt-scroll-frames", GINT_TO_POINTER (0));
  gtk_widget_add_tick_callback (widget, scroll_into_view_tick, NULL, NULL);
}

void
kt_app_show_error (GtkWidget  *near,
                   const char *heading,
                   const char *body)
{
  GtkRoot *root = near != NULL ? gtk_widget_get_root (near) : NULL;
  AdwMessageDialog *dialog =
    ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                heading, body));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
kt_app_stage_waits (KtPhase       phase,
                    int           plan_version,
                    KtReviewState review,
                    gboolean      shared)
{
  /* "Submitted" only once the server has it, as on the plan page (issue
   * 20). */
  return phase <= KT_PHASE_PLAN && plan_version > 0 && review == KT_REVIEW_SUBMITTED && !shared;
}

char *
kt_app_describe_stage (KtPhase       phase,
                       int           plan_version,
                       KtReviewState review,
                       gboolean      shared)
{
  /* Once the plan is carried out the phase says more than the review:
   * Uitvoering, Evaluatie, Afgesloten, Nazorg. */
  if (phase <= KT_PHASE_PLAN && plan_version > 0)
    switch (review)
      {
      case KT_REVIEW_SUBMITTED:
        if (kt_app_stage_waits (phase, plan_version, review, shared))
          return g_strdup (_("Plan waits to be sent"));
        return g_strdup (_("Plan submitted"));
      case KT_REVIEW_APPROVED:
        return g_strdup (_("Plan approved"));
      case KT_REVIEW_RETURNED:
        return g_strdup (_("Plan returned"));
      case KT_REVIEW_DRAFT:
      default:
        break;
      }
  return g_strdup (kt_phase_get_label (phase));
}
