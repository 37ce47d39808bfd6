/* kt-signature-pad.c: KtSignaturePad, where the resident signs with finger, stylus or mouse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-signature-pad"

#include "config.h"

#include "kt-signature-pad.h"

#include <glib/gi18n.h>

#include "kt-plan.h"

struct _KtSignaturePad
{
  GtkWidget  parent_instance;

  GPtrArray *strokes;       /* (element-type KtStroke), not owned by value */
  KtStroke  *current;       /* the stroke being drawn, inside @strokes */
  gboolean   editable;
  double     start_x;
  double     start_y;
};

G_DEFINE_FINAL_TYPE (KtSignaturePad, kt_signature_pad, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
kt_signature_pad_new (void)
{
  return g_object_new (KT_TYPE_SIGNATURE_PAD, NULL);
}

static void
add_point (KtSignaturePad *self,
           double          x,
           double          y)
{
  int width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
  int height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 1);
  double nx = CLAMP (x / width, 0.0, 1.0);
  double ny = CLAMP (y / height, 0.0, 1.0);

  g_array_append_val (self->current->points, nx);
  g_array_append_val (self->current->points, ny);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
begin_stroke (KtSignaturePad *self,
              double          x,
              double          y)
{
  if (self->strokes == NULL || !self->editable)
    return FALSE;
  self->current = kt_stroke_new ();
  g_ptr_array_add (self->strokes, self->current);
  add_point (self, x, y);
  return TRUE;
}

static void
end_stroke (KtSignaturePad *self)
{
  if (self->current == NULL)
    return;
  /* A tap leaves a dot: keep it as a stroke of two equal points. */
  if (self->current->points->len == 2)
    {
      double dot[2] = { g_array_index (self->current->points, double, 0),
                        g_array_index (self->current->points, double, 1) };
      g_array_append_vals (self->current->points, dot, 2);
    }
  self->current = NULL;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Signed"), -1);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
kt_signature_pad_draw_stroke (KtSignaturePad *self,
                              const double   *xy,
                              guint           n_points)
{
  g_return_if_fail (KT_IS_SIGNATURE_PAD (self));
  g_return_if_fail (n_points > 0 && xy != NULL);

  if (!begin_stroke (self, xy[0], xy[1]))
    return;
  for (guint i = 1; i < n_points; i++)
    add_point (self, xy[2 * i], xy[2 * i + 1]);
  end_stroke (self);
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               KtSignaturePad *self)
{
  if (!begin_stroke (self, x, y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->start_x = x;
  self->start_y = y;
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                KtSignaturePad *self)
{
  if (self->current != NULL)
    add_point (self, self->start_x + dx, self->start_y + dy);
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             KtSignaturePad *self)
{
  end_stroke (self);
}

static void
kt_signature_pad_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  KtSignaturePad *self = KT_SIGNATURE_PAD (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA color;
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* The line to sign on. */
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.3);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, width * 0.06, height * 0.78 + 0.5);
  cairo_line_to (cr, width * 0.94, height * 0.78 + 0.5);
  cairo_stroke (cr);

  if (self->strokes == NULL || self->strokes->len == 0)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, _("Sign here"));
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.45);
      cairo_move_to (cr, (width - lw) / 2.0, height * 0.78 - lh - 8);
      pango_cairo_show_layout (cr, layout);
    }

  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha);
  cairo_set_line_width (cr, 2.5);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; self->strokes != NULL && i < self->strokes->len; i++)
    {
      const KtStroke *stroke = g_ptr_array_index (self->strokes, i);

      for (guint p = 0; p + 1 < stroke->points->len; p += 2)
        {
          double x = g_array_index (stroke->points, double, p) * width;
          double y = g_array_index (stroke->points, double, p + 1) * height;

          if (p == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
kt_signature_pad_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  /* The same proportions as the signature on paper (11 × 4). */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 220;
      *natural = 440;
    }
  else
    {
      *minimum = for_size > 0 ? for_size * 4 / 11 : 80;
      *natural = for_size > 0 ? for_size * 4 / 11 : 160;
    }
}

static GtkSizeRequestMode
kt_signature_pad_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

void
kt_signature_pad_set_strokes (KtSignaturePad *self,
                              GPtrArray      *strokes)
{
  g_return_if_fail (KT_IS_SIGNATURE_PAD (self));

  self->current = NULL;
  if (strokes != NULL)
    g_ptr_array_ref (strokes);
  g_clear_pointer (&self->strokes, g_ptr_array_unref);
  self->strokes = strokes;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
kt_signature_pad_clear (KtSignaturePad *self)
{
  g_return_if_fail (KT_IS_SIGNATURE_PAD (self));

  if (self->strokes == NULL || self->strokes->len == 0 || !self->editable)
    return;
  self->current = NULL;
  g_ptr_array_set_size (self->strokes, 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Not signed yet"), -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

guint
kt_signature_pad_get_n_strokes (KtSignaturePad *self)
{
  g_return_val_if_fail (KT_IS_SIGNATURE_PAD (self), 0);
  return self->strokes != NULL ? self->strokes->len : 0;
}

void
kt_signature_pad_set_editable (KtSignaturePad *self,
                               gboolean        editable)
{
  g_return_if_fail (KT_IS_SIGNATURE_PAD (self));
  self->editable = !!editable;
}

static void
kt_signature_pad_dispose (GObject *object)
{
  KtSignaturePad *self = KT_SIGNATURE_PAD (object);

  g_clear_pointer (&self->strokes, g_ptr_array_unref);
  G_OBJECT_CLASS (kt_signature_pad_parent_class)->dispose (object);
}

static void
kt_signature_pad_class_init (KtSignaturePadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_signature_pad_dispose;
  widget_class->snapshot = kt_signature_pad_snapshot;
  widget_class->measure = kt_signature_pad_measure;
  widget_class->get_request_mode = kt_signature_pad_get_request_mode;

  /* A stroke was added or the pad was cleared: save the plan. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "ktsignaturepad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
kt_signature_pad_init (KtSignaturePad *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->editable = TRUE;
  /* Finger, stylus and mouse all arrive as one drag. */
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (drag), FALSE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Signature"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Not signed yet"),
                                  -1);
}
