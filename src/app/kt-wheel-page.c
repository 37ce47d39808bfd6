/* kt-wheel-page.c: KtWheelPage, the wheel beside the list that holds the same data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-wheel-page"

#include "config.h"

#include "kt-wheel-page.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-evaluation.h"

/* Wider than this, the list stands beside the wheel; narrower, below it. */
#define SIDE_BY_SIDE_WIDTH 860

typedef struct {
  AdwExpanderRow *expander;
  AdwComboRow    *now;
  AdwComboRow    *target;
  AdwActionRow   *helpers;
  GtkMenuButton  *add_button;
  GtkFlowBox     *chips;
} SegmentRows;

struct _KtWheelPage
{
  AdwBin               parent_instance;

  GtkScrolledWindow   *outer_scroller;
  GtkBox              *content;
  KtWheel             *wheel;
  GtkScrolledWindow   *list_scroller;
  GtkToggleButton     *target_button;
  GtkToggleButton     *now_button;
  AdwPreferencesGroup *segments_group;
  AdwPreferencesGroup *movement_group;

  KtCatalogue         *catalogue;
  KtCase              *kase;
  KtConversation      *conversation;
  KtPlan              *plan;

  SegmentRows          rows[KT_N_SEGMENTS];
  GPtrArray           *movement_rows;   /* (element-type GtkWidget) */
  gboolean             syncing;
  gboolean             editable;
  guint                relayout_id;
};

G_DEFINE_FINAL_TYPE (KtWheelPage, kt_wheel_page, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
kt_wheel_page_new (void)
{
  return g_object_new (KT_TYPE_WHEEL_PAGE, NULL);
}

KtRing
kt_wheel_page_ring_for_person (const KtCase *kase,
                               const char   *person_id)
{
  const KtNetworkPerson *person;

  if (g_strcmp0 (person_id, "self") == 0 || kase == NULL)
    return KT_RING_OWN;
  person = kt_case_find_person (kase, person_id);
  if (person == NULL)
    return KT_RING_NETWORK;
  switch (person->kind)
    {
    case KT_NETWORK_VOLUNTEER:    return KT_RING_VOLUNTEERS;
    case KT_NETWORK_PROFESSIONAL: return KT_RING_PROFESSIONALS;
    case KT_NETWORK_INFORMAL:
    case KT_N_NETWORK_KINDS:
    default:                      return KT_RING_NETWORK;
    }
}

static const char *
person_name (KtWheelPage *self,
             const char  *person_id)
{
  const KtNetworkPerson *person;

  if (g_strcmp0 (person_id, "self") == 0)
    return _("Themselves");
  person = self->kase != NULL ? kt_case_find_person (self->kase, person_id) : NULL;
  return person != NULL && person->name != NULL ? person->name : _("Unknown");
}

static char *
segment_subtitle (KtWheelPage *self,
                  KtSegment    segment)
{
  const KtWheelSegment *data = &self->conversation->wheel[segment];
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = data->supporters != NULL ? data->supporters->len : 0;

  if (data->previous >= 0)
    g_string_append_printf (text, _("was %d · "), data->previous);
  if (data->current >= 0)
    g_string_append_printf (text, _("now %d"), data->current);
  else
    g_string_append (text, _("now –"));
  if (data->target >= 0)
    g_string_append_printf (text, _(" · goal %d"), data->target);
  if (n > 0)
    g_string_append_printf (text, ngettext (" · %u helps", " · %u help", n), n);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
rebuild_chips (KtWheelPage *self,
               KtSegment    segment)
{
  SegmentRows *rows = &self->rows[segment];
  GPtrArray *supporters = self->conversation->wheel[segment].supporters;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (rows->chips))) != NULL)
    gtk_flow_box_remove (rows->chips, child);

  for (guint i = 0; supporters != NULL && i < supporters->len; i++)
    {
      const KtSupporter *supporter = g_ptr_array_index (supporters, i);
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      g_autofree char *tooltip = g_strdup_printf (_("Remove %s"), person_name (self, supporter->person_id));

      gtk_box_append (GTK_BOX (box), gtk_label_new (person_name (self, supporter->person_id)));
      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("window-close-symbolic"));
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "supporter-chip");
      gtk_widget_add_css_class (button, "pill");
      gtk_widget_set_tooltip_text (button, tooltip);
      kt_a11y_set_label (button, tooltip);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "wheel-page.remove-supporter");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(is)", (int) segment, supporter->person_id);
      gtk_widget_set_sensitive (button, self->editable);
      gtk_flow_box_append (rows->chips, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (rows->chips), supporters != NULL && supporters->len > 0);
}

static void
rebuild_add_menu (KtWheelPage *self,
                  KtSegment    segment)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  GPtrArray *supporters = self->conversation->wheel[segment].supporters;
  const char *ring_names[KT_N_RINGS];

  for (int r = 0; r < KT_N_RINGS; r++)
    ring_names[r] = kt_catalogue_ring_name (self->catalogue, r);

  for (int i = -1; self->kase != NULL && i < (int) self->kase->network->len; i++)
    {
      const KtNetworkPerson *person = i < 0 ? NULL : g_ptr_array_index (self->kase->network, i);
      const char *id = person == NULL ? "self" : person->id;
      g_autoptr(GMenuItem) item = NULL;
      g_autofree char *label = NULL;
      gboolean present = FALSE;

      for (guint s = 0; supporters != NULL && s < supporters->len; s++)
        present |= g_strcmp0 (((KtSupporter *) g_ptr_array_index (supporters, s))->person_id, id) == 0;
      /* Nobody the household does not want approached is suggested. */
      if (present || id == NULL || (person != NULL && !kt_network_person_may_suggest (person)))
        continue;
      label = g_strdup_printf ("%s · %s", person_name (self, id),
                               ring_names[kt_wheel_page_ring_for_person (self->kase, id)]);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "wheel-page.add-supporter", "(is)", (int) segment, id);
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->rows[segment].add_button, G_MENU_MODEL (menu));
}

static void
sync_segment (KtWheelPage *self,
              KtSegment    segment)
{
  SegmentRows *rows = &self->rows[segment];
  const KtWheelSegment *data = &self->conversation->wheel[segment];
  g_autofree char *subtitle = segment_subtitle (self, segment);

  self->syncing = TRUE;
  adw_expander_row_set_subtitle (rows->expander, subtitle);
  adw_combo_row_set_selected (rows->now, data->current < 0 ? 0 : data->current + 1);
  adw_combo_row_set_selected (rows->target, data->target < 0 ? 0 : data->target + 1);
  self->syncing = FALSE;
  rebuild_chips (self, segment);
  rebuild_add_menu (self, segment);
}

static void
clear_movement (KtWheelPage *self)
{
  for (guint i = 0; i < self->movement_rows->len; i++)
    adw_preferences_group_remove (self->movement_group, g_ptr_array_index (self->movement_rows, i));
  g_ptr_array_set_size (self->movement_rows, 0);
}

static void
add_movement_row (KtWheelPage *self,
                  GtkWidget   *row)
{
  adw_preferences_group_add (self->movement_group, row);
  g_ptr_array_add (self->movement_rows, row);
}

static const char *
goal_title (KtWheelPage *self,
            const char  *goal_id)
{
  for (guint i = 0; self->plan != NULL && i < self->plan->goals->len; i++)
    {
      const KtGoal *goal = g_ptr_array_index (self->plan->goals, i);

      if (g_strcmp0 (goal->id, goal_id) == 0)
        return goal->title;
    }
  return NULL;
}

static void
progress_status_cb (AdwComboRow *row,
                    GParamSpec  *pspec,
                    KtWheelPage *self)
{
  KtGoalProgress *progress = g_object_get_data (G_OBJECT (row), "progress");

  if (self->syncing || progress == NULL)
    return;
  progress->status = (int) adw_combo_row_get_selected (row);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
progress_note_cb (GtkEditable *entry,
                  KtWheelPage *self)
{
  KtGoalProgress *progress = g_object_get_data (G_OBJECT (entry), "progress");

  if (self->syncing || progress == NULL)
    return;
  g_free (progress->note);
  progress->note = g_strdup (gtk_editable_get_text (entry));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
rebuild_movement (KtWheelPage *self)
{
  const char *statuses[] = { _("Not started yet"), _("Under way"), _("Achieved"), _("Stopped"), NULL };
  gboolean any = self->conversation->is_evaluation;

  clear_movement (self);
  self->syncing = TRUE;

  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      const KtWheelSegment *data = &self->conversation->wheel[s];
      GtkWidget *row;
      g_autofree char *text = NULL;
      const char *icon;
      const char *style;
      GtkWidget *trend;

      if (data->previous < 0 || data->current < 0)
        continue;
      any = TRUE;
      switch (kt_evaluation_segment_trend (data))
        {
        case 1:
          text = g_strdup_printf (_("Up from %d to %d"), data->previous, data->current);
          icon = "↑";
          style = "success";
          break;
        case -1:
          text = g_strdup_printf (_("Down from %d to %d"), data->previous, data->current);
          icon = "↓";
          style = "warning";
          break;
        default:
          text = g_strdup_printf (_("Still %d"), data->current);
          icon = "=";
          style = "dim-label";
          break;
        }
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kt_catalogue_segment_name (self->catalogue, s));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      trend = gtk_label_new (icon);
      gtk_widget_add_css_class (trend, style);
      gtk_widget_add_css_class (trend, "title-3");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), trend);
      add_movement_row (self, row);
    }

  for (guint i = 0; self->conversation->progress != NULL && i < self->conversation->progress->len; i++)
    {
      KtGoalProgress *progress = g_ptr_array_index (self->conversation->progress, i);
      const char *title = goal_title (self, progress->goal_id);
      GtkWidget *combo = adw_combo_row_new ();
      GtkWidget *note = adw_entry_row_new ();
      g_autoptr(GtkStringList) model = gtk_string_list_new (statuses);

      any = TRUE;
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo), title != NULL ? title : _("Goal"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (combo), _("How this goal is going"));
      adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (model));
      adw_combo_row_set_selected (ADW_COMBO_ROW (combo), CLAMP (progress->status, 0, KT_N_GOAL_STATUSES - 1));
      g_object_set_data (G_OBJECT (combo), "progress", progress);
      g_signal_connect (combo, "notify::selected", G_CALLBACK (progress_status_cb), self);
      gtk_widget_set_sensitive (combo, self->editable);
      add_movement_row (self, combo);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (note), _("What happened"));
      gtk_editable_set_text (GTK_EDITABLE (note), progress->note != NULL ? progress->note : "");
      g_object_set_data (G_OBJECT (note), "progress", progress);
      g_signal_connect (note, "changed", G_CALLBACK (progress_note_cb), self);
      gtk_widget_set_sensitive (note, self->editable);
      add_movement_row (self, note);
    }

  self->syncing = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->movement_group), any);
}

static void
level_row_cb (AdwComboRow *row,
              GParamSpec  *pspec,
              KtWheelPage *self)
{
  int segment = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "segment"));
  gboolean target = row == self->rows[segment].target;
  guint selected = adw_combo_row_get_selected (row);

  if (self->syncing || self->conversation == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  /* The wheel sets the level, emits ::changed, and we follow in wheel_changed_cb. */
  kt_wheel_set_level (self->wheel, segment, target, (int) selected - 1);
}

static void
expanded_cb (AdwExpanderRow *row,
             GParamSpec     *pspec,
             KtWheelPage    *self)
{
  int segment = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "segment"));

  if (adw_expander_row_get_expanded (row))
    kt_wheel_set_selected (self->wheel, segment);
}

static GtkWidget *
level_combo (KtWheelPage *self,
             KtSegment    segment,
             const char  *title)
{
  const char *levels[] = {
    _("Not filled in"),
    _("0 · Not (yet)"),
    _("1 · With a lot of help"),
    _("2 · With some help"),
    _("3 · Mostly on their own"),
    _("4 · Fully on their own"),
    NULL
  };
  g_autoptr(GtkStringList) model = gtk_string_list_new (levels);
  GtkWidget *row = adw_combo_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  g_object_set_data (G_OBJECT (row), "segment", GINT_TO_POINTER (segment));
  g_signal_connect (row, "notify::selected", G_CALLBACK (level_row_cb), self);
  return row;
}

static void
build_rows (KtWheelPage *self)
{
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      SegmentRows *rows = &self->rows[s];
      GtkWidget *dot = gtk_label_new ("●");
      GtkWidget *chip_row;
      g_autofree char *dot_class = g_strdup_printf ("segment-%d", s);

      rows->expander = ADW_EXPANDER_ROW (adw_expander_row_new ());
      g_object_set_data (G_OBJECT (rows->expander), "segment", GINT_TO_POINTER (s));
      g_signal_connect (rows->expander, "notify::expanded", G_CALLBACK (expanded_cb), self);
      gtk_widget_add_css_class (dot, "segment-dot");
      gtk_widget_add_css_class (dot, dot_class);
      adw_expander_row_add_prefix (rows->expander, dot);

      rows->now = ADW_COMBO_ROW (level_combo (self, s, _("How it goes now")));
      rows->target = ADW_COMBO_ROW (level_combo (self, s, _("Where they want to be")));
      adw_expander_row_add_row (rows->expander, GTK_WIDGET (rows->now));
      adw_expander_row_add_row (rows->expander, GTK_WIDGET (rows->target));

      rows->helpers = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rows->helpers), _("Who helps"));
      rows->add_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
      gtk_menu_button_set_icon_name (rows->add_button, "list-add-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (rows->add_button), _("Add someone from the network"));
      gtk_widget_set_valign (GTK_WIDGET (rows->add_button), GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (GTK_WIDGET (rows->add_button), "flat");
      adw_action_row_add_suffix (rows->helpers, GTK_WIDGET (rows->add_button));
      adw_expander_row_add_row (rows->expander, GTK_WIDGET (rows->helpers));

      rows->chips = GTK_FLOW_BOX (gtk_flow_box_new ());
      gtk_flow_box_set_selection_mode (rows->chips, GTK_SELECTION_NONE);
      gtk_flow_box_set_max_children_per_line (rows->chips, 8);
      gtk_flow_box_set_row_spacing (rows->chips, 6);
      gtk_flow_box_set_column_spacing (rows->chips, 6);
      gtk_widget_set_margin_start (GTK_WIDGET (rows->chips), 12);
      gtk_widget_set_margin_end (GTK_WIDGET (rows->chips), 12);
      gtk_widget_set_margin_top (GTK_WIDGET (rows->chips), 6);
      gtk_widget_set_margin_bottom (GTK_WIDGET (rows->chips), 6);
      chip_row = gtk_list_box_row_new ();
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (chip_row), FALSE);
      /* The chips take the focus; the row around them would be a stop
       * without a name. */
      gtk_widget_set_focusable (chip_row, FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (chip_row), GTK_WIDGET (rows->chips));
      adw_expander_row_add_row (rows->expander, chip_row);

      adw_preferences_group_add (self->segments_group, GTK_WIDGET (rows->expander));
    }
}

void
kt_wheel_page_set_documents (KtWheelPage    *self,
                             KtCatalogue    *catalogue,
                             KtCase         *kase,
                             KtConversation *conversation,
                             KtPlan         *plan)
{
  g_return_if_fail (KT_IS_WHEEL_PAGE (self));
  g_return_if_fail (KT_IS_CATALOGUE (catalogue));
  g_return_if_fail (conversation != NULL);

  g_set_object (&self->catalogue, catalogue);
  g_clear_pointer (&self->kase, kt_case_unref);
  self->kase = kase != NULL ? kt_case_ref (kase) : NULL;
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  self->conversation = kt_conversation_ref (conversation);
  g_clear_pointer (&self->plan, kt_plan_unref);
  self->plan = plan != NULL ? kt_plan_ref (plan) : NULL;

  kt_wheel_set_documents (self->wheel, catalogue, kase, conversation);
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      /* One add button in each area of the wheel: its name says which. */
      /* TRANSLATORS: %s is an area of the participation wheel */
      g_autofree char *add_name = g_strdup_printf (_("Add someone from the network: %s"),
                                                   kt_catalogue_segment_name (catalogue, s));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->rows[s].expander),
                                     kt_catalogue_segment_name (catalogue, s));
      kt_a11y_set_label (GTK_WIDGET (self->rows[s].add_button), add_name);
      sync_segment (self, s);
    }
  rebuild_movement (self);
  kt_a11y_fix_tree (GTK_WIDGET (self));
}

void
kt_wheel_page_clear (KtWheelPage *self)
{
  g_return_if_fail (KT_IS_WHEEL_PAGE (self));

  kt_wheel_set_documents (self->wheel, NULL, NULL, NULL);
  clear_movement (self);
  gtk_widget_set_visible (GTK_WIDGET (self->movement_group), FALSE);
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      GtkWidget *child;

      adw_expander_row_set_subtitle (self->rows[s].expander, "");
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows[s].chips))) != NULL)
        gtk_flow_box_remove (self->rows[s].chips, child);
      gtk_menu_button_set_menu_model (self->rows[s].add_button, NULL);
    }
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->plan, kt_plan_unref);
}

void
kt_wheel_page_set_editable (KtWheelPage *self,
                            gboolean     editable)
{
  g_return_if_fail (KT_IS_WHEEL_PAGE (self));

  self->editable = !!editable;
  kt_wheel_set_editable (self->wheel, editable);
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->rows[s].now), editable);
      gtk_widget_set_sensitive (GTK_WIDGET (self->rows[s].target), editable);
      gtk_widget_set_sensitive (GTK_WIDGET (self->rows[s].add_button), editable);
      if (self->conversation != NULL)
        rebuild_chips (self, s);
    }
  if (self->conversation != NULL)
    rebuild_movement (self);
}

KtWheel *
kt_wheel_page_get_wheel (KtWheelPage *self)
{
  g_return_val_if_fail (KT_IS_WHEEL_PAGE (self), NULL);
  return self->wheel;
}

AdwExpanderRow *
kt_wheel_page_get_segment_row (KtWheelPage *self,
                               KtSegment    segment)
{
  g_return_val_if_fail (KT_IS_WHEEL_PAGE (self), NULL);
  g_return_val_if_fail (segment < KT_N_SEGMENTS, NULL);
  return self->rows[segment].expander;
}

AdwComboRow *
kt_wheel_page_get_level_row (KtWheelPage *self,
                             KtSegment    segment,
                             gboolean     target)
{
  g_return_val_if_fail (KT_IS_WHEEL_PAGE (self), NULL);
  g_return_val_if_fail (segment < KT_N_SEGMENTS, NULL);
  return target ? self->rows[segment].target : self->rows[segment].now;
}

void
kt_wheel_page_add_supporter (KtWheelPage *self,
                             KtSegment    segment,
                             const char  *person_id)
{
  GPtrArray *supporters;

  g_return_if_fail (KT_IS_WHEEL_PAGE (self));
  g_return_if_fail (segment < KT_N_SEGMENTS && person_id != NULL);

  if (self->conversation == NULL || !self->editable)
    return;
  supporters = self->conversation->wheel[segment].supporters;
  for (guint i = 0; i < supporters->len; i++)
    if (g_strcmp0 (((KtSupporter *) g_ptr_array_index (supporters, i))->person_id, person_id) == 0)
      return;
  g_ptr_array_add (supporters, kt_supporter_new (person_id, kt_wheel_page_ring_for_person (self->kase, person_id)));
  sync_segment (self, segment);
  kt_wheel_refresh (self->wheel);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
kt_wheel_page_remove_supporter (KtWheelPage *self,
                                KtSegment    segment,
                                const char  *person_id)
{
  GPtrArray *supporters;

  g_return_if_fail (KT_IS_WHEEL_PAGE (self));
  g_return_if_fail (segment < KT_N_SEGMENTS && person_id != NULL);

  if (self->conversation == NULL || !self->editable)
    return;
  supporters = self->conversation->wheel[segment].supporters;
  for (guint i = 0; i < supporters->len; i++)
    if (g_strcmp0 (((KtSupporter *) g_ptr_array_index (supporters, i))->person_id, person_id) == 0)
      {
        g_ptr_array_remove_index (supporters, i);
        sync_segment (self, segment);
        kt_wheel_refresh (self->wheel);
        g_signal_emit (self, signals[CHANGED], 0);
        return;
      }
}

static void
supporter_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KtWheelPage *self = KT_WHEEL_PAGE (widget);
  int segment;
  const char *person_id;

  g_variant_get (parameter, "(i&s)", &segment, &person_id);
  if (segment < 0 || segment >= KT_N_SEGMENTS)
    return;
  if (g_str_equal (action_name, "wheel-page.add-supporter"))
    kt_wheel_page_add_supporter (self, segment, person_id);
  else
    kt_wheel_page_remove_supporter (self, segment, person_id);
}

static void
wheel_changed_cb (KtWheelPage *self,
                  int          segment)
{
  sync_segment (self, segment);
  rebuild_movement (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
wheel_selected_cb (KtWheelPage *self)
{
  int selected = kt_wheel_get_selected (self->wheel);

  for (int s = 0; s < KT_N_SEGMENTS; s++)
    adw_expander_row_set_expanded (self->rows[s].expander, s == selected);
}

static void
wheel_mode_cb (KtWheelPage *self)
{
  gboolean target = kt_wheel_get_editing_target (self->wheel);

  gtk_toggle_button_set_active (target ? self->target_button : self->now_button, TRUE);
}

static void
target_toggled_cb (KtWheelPage *self)
{
  kt_wheel_set_editing_target (self->wheel, gtk_toggle_button_get_active (self->target_button));
}

static gboolean
relayout_idle (gpointer user_data)
{
  KtWheelPage *self = user_data;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  gboolean wide = width >= SIDE_BY_SIDE_WIDTH;

  self->relayout_id = 0;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->content),
                                  wide ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL);
  /* Side by side the list scrolls on its own; stacked, the page scrolls. */
  gtk_scrolled_window_set_policy (self->outer_scroller, GTK_POLICY_NEVER,
                                  wide ? GTK_POLICY_NEVER : GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_policy (self->list_scroller, GTK_POLICY_NEVER,
                                  wide ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER);
  gtk_widget_set_size_request (GTK_WIDGET (self->wheel), -1,
                               wide ? -1 : CLAMP (width - 36, 260, 680));
  gtk_widget_set_vexpand (GTK_WIDGET (self->list_scroller), !wide);
  return G_SOURCE_REMOVE;
}

static void
kt_wheel_page_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  gtk_widget_measure (GTK_WIDGET (KT_WHEEL_PAGE (widget)->outer_scroller), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
kt_wheel_page_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  KtWheelPage *self = KT_WHEEL_PAGE (widget);
  gboolean wide = width >= SIDE_BY_SIDE_WIDTH;
  gboolean is_wide = gtk_orientable_get_orientation (GTK_ORIENTABLE (self->content)) == GTK_ORIENTATION_HORIZONTAL;
  int wheel_height = gtk_widget_get_height (GTK_WIDGET (self->wheel));

  gtk_widget_allocate (GTK_WIDGET (self->outer_scroller), width, height, baseline, NULL);

  /* libadwaita 1.2 has no breakpoints: switch the layout after this allocation. */
  if ((wide != is_wide || (!wide && ABS (wheel_height - CLAMP (width - 36, 260, 680)) > 2))
      && self->relayout_id == 0)
    self->relayout_id = g_idle_add (relayout_idle, self);
}

static void
kt_wheel_page_dispose (GObject *object)
{
  KtWheelPage *self = KT_WHEEL_PAGE (object);

  g_clear_handle_id (&self->relayout_id, g_source_remove);
  g_clear_object (&self->catalogue);
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->plan, kt_plan_unref);
  g_clear_pointer (&self->movement_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (kt_wheel_page_parent_class)->dispose (object);
}

static void
kt_wheel_page_class_init (KtWheelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_wheel_page_dispose;
  widget_class->measure = kt_wheel_page_measure;
  widget_class->size_allocate = kt_wheel_page_size_allocate;

  /* The conversation changed: save it. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KT_TYPE_WHEEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-wheel-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KtWheelPage, outer_scroller);
  gtk_widget_class_bind_template_child (widget_class, KtWheelPage, content);
  gtk_widget_class_bind_template_child (widget_class, KtWheelPage, wheel);
  gtk_widget_class_bind_template_child (widget_class, KtWheelPage, list_scroller);
  gtk_widget_class_bind_template_child (widget_class, KtWheelPage, now_button);
  gtk_widget_class_bind_template_child (widget_class, KtWheelPage, target_button);
  gtk_widget_class_bind_template_child (widget_class, KtWheelPage, segments_group);
  gtk_widget_class_bind_template_child (widget_class, KtWheelPage, movement_group);
  gtk_widget_class_bind_template_callback (widget_class, wheel_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, wheel_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, wheel_mode_cb);
  gtk_widget_class_bind_template_callback (widget_class, target_toggled_cb);

  gtk_widget_class_install_action (widget_class, "wheel-page.add-supporter", "(is)", supporter_action);
  gtk_widget_class_install_action (widget_class, "wheel-page.remove-supporter", "(is)", supporter_action);
}

static void
kt_wheel_page_init (KtWheelPage *self)
{
  self->editable = TRUE;
  self->movement_rows = g_ptr_array_new ();
  /* Our own measure and allocate, so the layout can follow the width. */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  kt_a11y_set_label (GTK_WIDGET (self->wheel), _("Participation wheel"));
  build_rows (self);
}
