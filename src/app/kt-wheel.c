/* kt-wheel.c: KtWheel, the participation wheel as a widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-wheel"

#include "config.h"

#include "kt-wheel.h"

#include <glib/gi18n.h>

#include "kt-wheel-geometry.h"
#include "kt-wheel-render.h"

struct _KtWheel
{
  GtkWidget        parent_instance;

  KtCatalogue     *catalogue;
  KtCase          *kase;
  KtConversation  *conversation;
  GHashTable      *initials;        /* person id → chip label */

  int              selected;
  gboolean         editing_target;
  gboolean         editable;
  int              drag_segment;    /* the segment a drag started in, or -1 */
  double           drag_x;
  double           drag_y;
  KtWheelMetrics   metrics;         /* of the last frame drawn */
};

G_DEFINE_FINAL_TYPE (KtWheel, kt_wheel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  PROP_EDITING_TARGET,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GtkWidget *
kt_wheel_new (void)
{
  return g_object_new (KT_TYPE_WHEEL, NULL);
}

static double text_scale (KtWheel *self);

/* The names go around the wheel only where they fit at a readable size
 * without breaking words ("Maatschappelijk" is about 9 letters wide);
 * otherwise the wheel fills its box and the list beside it names the
 * segments, in the same colours (a phone, large text on a tablet). */
static gboolean
names_fit (KtWheel *self)
{
  KtWheelGeometry geo;

  kt_wheel_geometry_init (&geo, 0, 0, gtk_widget_get_width (GTK_WIDGET (self)),
                          gtk_widget_get_height (GTK_WIDGET (self)));
  return kt_wheel_geometry_get_radius (&geo) * 0.54 >= 9.0 * KT_WHEEL_MIN_TEXT_PX * text_scale (self);
}

static void
geometry_for_widget (KtWheel         *self,
                     KtWheelGeometry *geo)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (names_fit (self))
    kt_wheel_geometry_init (geo, 0, 0, width, height);
  else
    kt_wheel_geometry_init_without_labels (geo, 0, 0, width, height);
}

static const char *
chip_label (const char *person_id,
            gpointer    user_data)
{
  KtWheel *self = user_data;
  const char *label = g_hash_table_lookup (self->initials, person_id);

  if (label == NULL && g_strcmp0 (person_id, "self") == 0)
    return C_("wheel centre", "Me");
  return label != NULL ? label : "?";
}

static char *
level_summary (const KtWheelSegment *segment)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (segment->previous >= 0)
    g_string_append_printf (text, _("was %d · "), segment->previous);
  if (segment->current >= 0)
    g_string_append_printf (text, _("now %d"), segment->current);
  else
    g_string_append (text, _("now –"));
  if (segment->target >= 0)
    g_string_append_printf (text, _(" · goal %d"), segment->target);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_accessible (KtWheel *self)
{
  g_autoptr(GString) description = g_string_new (NULL);
  g_autofree char *value_text = NULL;
  int current = 0;

  if (self->conversation == NULL || self->catalogue == NULL)
    return;

  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      g_autofree char *summary = level_summary (&self->conversation->wheel[s]);

      g_string_append_printf (description, "%s: %s. ",
                              kt_catalogue_segment_name (self->catalogue, s), summary);
    }

  if (self->selected >= 0)
    {
      const KtWheelSegment *segment = &self->conversation->wheel[self->selected];
      g_autofree char *summary = level_summary (segment);

      value_text = g_strdup_printf ("%s: %s%s", kt_catalogue_segment_name (self->catalogue, self->selected),
                                    summary, self->editing_target ? _(" (changing the goal)") : "");
      current = self->editing_target ? segment->target : segment->current;
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Participation wheel"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, (double) KT_WHEEL_MAX,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, (double) MAX (current, 0),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, value_text != NULL ? value_text : "",
                                  -1);
}

static KtColor
color_from_rgba (const GdkRGBA *rgba)
{
  KtColor c = { rgba->red, rgba->green, rgba->blue, rgba->alpha };
  return c;
}

static void
palette_from_style (KtWheel        *self,
                    KtWheelPalette *palette)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA rgba;
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  kt_wheel_palette_init (palette, dark);
  gtk_style_context_get_color (context, &rgba);
  palette->foreground = color_from_rgba (&rgba);
  if (gtk_style_context_lookup_color (context, "view_bg_color", &rgba))
    palette->background = color_from_rgba (&rgba);
  if (gtk_style_context_lookup_color (context, "accent_color", &rgba))
    palette->accent = color_from_rgba (&rgba);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* GNOME's text scaling (gtk-xft-dpi over the usual 96 dpi): 1.5 for
 * large text. */
static double
text_scale (KtWheel *self)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (self));
  int dpi = 0;

  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  return dpi > 0 ? MAX (dpi / 1024.0 / 96.0, 1.0) : 1.0;
}

void
kt_wheel_get_metrics (KtWheel        *self,
                      KtWheelMetrics *metrics)
{
  g_return_if_fail (KT_IS_WHEEL (self));
  g_return_if_fail (metrics != NULL);
  *metrics = self->metrics;
}

static void
kt_wheel_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  KtWheel *self = KT_WHEEL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  KtWheelGeometry geo;
  KtWheelPalette palette;
  KtWheelScene scene = { 0 };
  char *details[KT_N_SEGMENTS] = { NULL };
  cairo_t *cr;

  if (self->conversation == NULL || self->catalogue == NULL || width <= 0 || height <= 0)
    return;

  geometry_for_widget (self, &geo);
  palette_from_style (self, &palette);

  scene.segments = self->conversation->wheel;
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      scene.names[s] = kt_catalogue_segment_name (self->catalogue, s);
      scene.details[s] = details[s] = level_summary (&self->conversation->wheel[s]);
    }
  scene.centre_label = C_("wheel centre", "Me");
  scene.chip_label = chip_label;
  scene.chip_label_data = self;
  scene.selected = self->selected;
  scene.focus_visible = gtk_widget_has_focus (widget) &&
                        (gtk_widget_get_state_flags (widget) & GTK_STATE_FLAG_FOCUS_VISIBLE) != 0;
  scene.editing_target = self->editing_target;
  /* At least 11 px of text on screen, more with GNOME's large text; chips
   * a finger can find, or none (the list beside the wheel names them). */
  scene.min_text_size = KT_WHEEL_MIN_TEXT_PX * text_scale (self);
  scene.min_chip_size = KT_WHEEL_MIN_CHIP_PX;
  self->metrics = (KtWheelMetrics) { 0 };
  scene.metrics = &self->metrics;
  scene.hide_names = !names_fit (self);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  kt_wheel_render (cr, &geo, &scene, &palette);
  cairo_destroy (cr);

  for (int s = 0; s < KT_N_SEGMENTS; s++)
    g_free (details[s]);
}

static void
kt_wheel_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  *minimum = 260;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 620 : 520;
}

void
kt_wheel_set_level (KtWheel  *self,
                    KtSegment segment,
                    gboolean  target,
                    int       level)
{
  int *slot;

  g_return_if_fail (KT_IS_WHEEL (self));
  g_return_if_fail (segment < KT_N_SEGMENTS);

  if (self->conversation == NULL || !self->editable)
    return;
  level = level < 0 ? KT_WHEEL_UNSET : MIN (level, KT_WHEEL_MAX);
  slot = target ? &self->conversation->wheel[segment].target
                : &self->conversation->wheel[segment].current;
  if (*slot == level)
    return;
  *slot = level;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0, (int) segment);
}

gboolean
kt_wheel_tap (KtWheel *self,
              double   x,
              double   y)
{
  KtWheelGeometry geo;
  KtWheelHit hit;

  g_return_val_if_fail (KT_IS_WHEEL (self), FALSE);

  geometry_for_widget (self, &geo);
  hit = kt_wheel_geometry_hit (&geo, x, y);
  if (hit.segment < 0)
    return FALSE;
  kt_wheel_set_selected (self, hit.segment);
  if (hit.kind == KT_WHEEL_HIT_LEVEL)
    kt_wheel_set_level (self, hit.segment, self->editing_target, hit.level);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               KtWheel        *self)
{
  KtWheelGeometry geo;
  KtWheelHit hit;

  geometry_for_widget (self, &geo);
  hit = kt_wheel_geometry_hit (&geo, x, y);
  if (hit.segment < 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_x = x;
  self->drag_y = y;
  self->drag_segment = hit.kind == KT_WHEEL_HIT_LEVEL ? hit.segment : -1;
  kt_wheel_tap (self, x, y);
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                KtWheel        *self)
{
  KtWheelGeometry geo;
  int level;

  if (self->drag_segment < 0)
    return;
  geometry_for_widget (self, &geo);
  level = kt_wheel_geometry_level_at (&geo, self->drag_x + dx, self->drag_y + dy);
  if (level >= 0)
    kt_wheel_set_level (self, self->drag_segment, self->editing_target, level);
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             KtWheel        *self)
{
  self->drag_segment = -1;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                KtWheel               *self)
{
  gboolean target = self->editing_target || (state & GDK_SHIFT_MASK) != 0;
  int segment = self->selected;
  int level;

  if (self->conversation == NULL)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Right:
    case GDK_KEY_KP_Down:
      kt_wheel_set_selected (self, segment < 0 ? 0 : (segment + 1) % KT_N_SEGMENTS);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Left:
    case GDK_KEY_KP_Up:
      kt_wheel_set_selected (self, segment < 0 ? KT_N_SEGMENTS - 1
                                               : (segment + KT_N_SEGMENTS - 1) % KT_N_SEGMENTS);
      return TRUE;
    case GDK_KEY_t:
    case GDK_KEY_T:
      kt_wheel_set_editing_target (self, !self->editing_target);
      return TRUE;
    default:
      break;
    }

  if (segment < 0)
    return FALSE;
  level = target ? self->conversation->wheel[segment].target
                 : self->conversation->wheel[segment].current;

  switch (keyval)
    {
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      kt_wheel_set_level (self, segment, target, MIN (level + 1, KT_WHEEL_MAX));
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_underscore:
    case GDK_KEY_KP_Subtract:
      kt_wheel_set_level (self, segment, target, MAX (level - 1, 0));
      return TRUE;
    case GDK_KEY_Delete:
    case GDK_KEY_BackSpace:
      kt_wheel_set_level (self, segment, target, KT_WHEEL_UNSET);
      return TRUE;
    case GDK_KEY_0: case GDK_KEY_1: case GDK_KEY_2: case GDK_KEY_3: case GDK_KEY_4:
      kt_wheel_set_level (self, segment, target, (int) (keyval - GDK_KEY_0));
      return TRUE;
    default:
      return FALSE;
    }
}

static void
rebuild_initials (KtWheel *self)
{
  g_hash_table_remove_all (self->initials);
  for (guint i = 0; self->kase != NULL && i < self->kase->network->len; i++)
    {
      const KtNetworkPerson *person = g_ptr_array_index (self->kase->network, i);

      if (person->id != NULL)
        g_hash_table_insert (self->initials, g_strdup (person->id), kt_wheel_initials (person->name));
    }
}

void
kt_wheel_set_documents (KtWheel        *self,
                        KtCatalogue    *catalogue,
                        KtCase         *kase,
                        KtConversation *conversation)
{
  g_return_if_fail (KT_IS_WHEEL (self));

  g_set_object (&self->catalogue, catalogue);
  if (kase != NULL)
    kt_case_ref (kase);
  g_clear_pointer (&self->kase, kt_case_unref);
  self->kase = kase;
  if (conversation != NULL)
    kt_conversation_ref (conversation);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  self->conversation = conversation;
  kt_wheel_refresh (self);
}

void
kt_wheel_refresh (KtWheel *self)
{
  g_return_if_fail (KT_IS_WHEEL (self));

  rebuild_initials (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
kt_wheel_get_selected (KtWheel *self)
{
  g_return_val_if_fail (KT_IS_WHEEL (self), -1);
  return self->selected;
}

void
kt_wheel_set_selected (KtWheel *self,
                       int      segment)
{
  g_return_if_fail (KT_IS_WHEEL (self));

  segment = CLAMP (segment, -1, KT_N_SEGMENTS - 1);
  if (self->selected == segment)
    return;
  self->selected = segment;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

gboolean
kt_wheel_get_editing_target (KtWheel *self)
{
  g_return_val_if_fail (KT_IS_WHEEL (self), FALSE);
  return self->editing_target;
}

void
kt_wheel_set_editing_target (KtWheel *self,
                             gboolean editing_target)
{
  g_return_if_fail (KT_IS_WHEEL (self));

  editing_target = !!editing_target;
  if (self->editing_target == editing_target)
    return;
  self->editing_target = editing_target;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITING_TARGET]);
}

void
kt_wheel_set_editable (KtWheel *self,
                       gboolean editable)
{
  g_return_if_fail (KT_IS_WHEEL (self));
  self->editable = !!editable;
}

static void
state_flags_changed (GtkWidget     *widget,
                     GtkStateFlags  previous)
{
  GTK_WIDGET_CLASS (kt_wheel_parent_class)->state_flags_changed (widget, previous);
  gtk_widget_queue_draw (widget);
}

static void
dark_changed_cb (KtWheel *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
kt_wheel_dispose (GObject *object)
{
  KtWheel *self = KT_WHEEL (object);

  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  g_clear_object (&self->catalogue);
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->initials, g_hash_table_unref);

  G_OBJECT_CLASS (kt_wheel_parent_class)->dispose (object);
}

static void
kt_wheel_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  KtWheel *self = KT_WHEEL (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;
    case PROP_EDITING_TARGET:
      g_value_set_boolean (value, self->editing_target);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_wheel_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  KtWheel *self = KT_WHEEL (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      kt_wheel_set_selected (self, g_value_get_int (value));
      break;
    case PROP_EDITING_TARGET:
      kt_wheel_set_editing_target (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_wheel_class_init (KtWheelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_wheel_dispose;
  object_class->get_property = kt_wheel_get_property;
  object_class->set_property = kt_wheel_set_property;
  widget_class->snapshot = kt_wheel_snapshot;
  widget_class->measure = kt_wheel_measure;
  widget_class->state_flags_changed = state_flags_changed;

  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, KT_N_SEGMENTS - 1, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EDITING_TARGET] =
    g_param_spec_boolean ("editing-target", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A level of the segment given changed: save the conversation. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "ktwheel");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SLIDER);
}

static void
kt_wheel_init (KtWheel *self)
{
  GtkGesture *drag;
  GtkEventController *keys;

  self->selected = -1;
  self->drag_segment = -1;
  self->editable = TRUE;
  self->initials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  /* One drag gesture serves mouse, touch and stylus: a press taps, moving drags. */
  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (drag), FALSE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark",
                            G_CALLBACK (dark_changed_cb), self);
}
