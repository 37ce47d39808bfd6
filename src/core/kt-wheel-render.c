/* kt-wheel-render.c: draws the participation wheel with cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-wheel-render"

#include "config.h"

#include "kt-wheel-render.h"

#include <math.h>
#include <pango/pangocairo.h>

#define DEFAULT_FONT "Cantarell, DejaVu Sans, sans-serif"
#define MAX_CHIPS 16
#define DETAILS_SCALE 0.85

/* GNOME palette hues, one per segment, calm and told apart without red. */
static const guint32 segment_light[KT_N_SEGMENTS] = {
  0x3584e4, 0x2190a4, 0x3a9a4a, 0xc88800, 0xe66100, 0x9141ac,
};
static const guint32 segment_dark[KT_N_SEGMENTS] = {
  0x62a0ea, 0x4fb8c9, 0x57c26a, 0xf5c211, 0xff7800, 0xc061cb,
};

static KtColor
color_from_hex (guint32 rgb)
{
  KtColor c = { ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                (rgb & 0xff) / 255.0, 1.0 };
  return c;
}

void
kt_wheel_palette_init (KtWheelPalette *palette,
                       gboolean        dark)
{
  g_return_if_fail (palette != NULL);

  palette->dark = dark;
  palette->foreground = dark ? (KtColor) { 1, 1, 1, 1 } : (KtColor) { 0, 0, 0, 0.8 };
  palette->background = dark ? color_from_hex (0x242424) : color_from_hex (0xffffff);
  palette->accent = color_from_hex (dark ? 0x78aeed : 0x1c71d8);
  for (int i = 0; i < KT_N_SEGMENTS; i++)
    palette->segment[i] = color_from_hex (dark ? segment_dark[i] : segment_light[i]);
}

static void
set_color (cairo_t       *cr,
           const KtColor *c,
           double         alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
annulus_sector (cairo_t               *cr,
                const KtWheelGeometry *geo,
                double                 inner,
                double                 outer,
                double                 start,
                double                 end)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, geo->cx, geo->cy, outer, start, end);
  cairo_arc_negative (cr, geo->cx, geo->cy, inner, end, start);
  cairo_close_path (cr);
}

static void
note_text (const KtWheelScene *scene,
           double              size)
{
  KtWheelMetrics *m = scene->metrics;

  if (m != NULL && (m->smallest_text == 0 || size < m->smallest_text))
    m->smallest_text = size;
}

static PangoLayout *
make_layout (cairo_t            *cr,
             const KtWheelScene *scene,
             double              size,
             gboolean            bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (
      scene->font_family != NULL ? scene->font_family : DEFAULT_FONT);

  /* On screen no text gets smaller than a coach can read across the table. */
  size = MAX (size, scene->min_text_size);
  note_text (scene, size);
  pango_font_description_set_absolute_size (font, MAX (size, 1.0) * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  return layout;
}

static void
draw_centred_text (cairo_t            *cr,
                   const KtWheelScene *scene,
                   const char         *text,
                   double              x,
                   double              y,
                   double              size,
                   double              max_width)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, scene, size, TRUE);
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &w, &h);
  /* Whole pixels: see draw_label (). */
  cairo_move_to (cr, round (x - max_width / 2.0), round (y - h / 2.0));
  pango_cairo_show_layout (cr, layout);
}

static void
draw_backdrop (cairo_t               *cr,
               const KtWheelGeometry *geo,
               const KtWheelPalette  *palette)
{
  double outer = geo->level_radius[KT_WHEEL_N_LEVELS];

  /* The four supporter rings, alternating faint tints from the centre out. */
  for (int ring = 0; ring < KT_N_RINGS; ring++)
    {
      cairo_new_path (cr);
      cairo_arc (cr, geo->cx, geo->cy, geo->ring_outer[ring], 0, 2 * G_PI);
      cairo_arc_negative (cr, geo->cx, geo->cy, geo->ring_inner[ring], 2 * G_PI, 0);
      set_color (cr, &palette->foreground, ring % 2 == 0 ? 0.05 : 0.09);
      cairo_fill (cr);
    }

  /* The level area and its band lines. */
  cairo_new_path (cr);
  cairo_arc (cr, geo->cx, geo->cy, outer, 0, 2 * G_PI);
  set_color (cr, &palette->foreground, 0.03);
  cairo_fill (cr);

  cairo_set_line_width (cr, MAX (outer / 300.0, 0.5));
  for (int i = 1; i <= KT_WHEEL_N_LEVELS; i++)
    {
      cairo_new_path (cr);
      cairo_arc (cr, geo->cx, geo->cy, geo->level_radius[i], 0, 2 * G_PI);
      set_color (cr, &palette->foreground, i == KT_WHEEL_N_LEVELS ? 0.25 : 0.1);
      cairo_stroke (cr);
    }
}

static void
draw_segment_levels (cairo_t               *cr,
                     const KtWheelGeometry *geo,
                     const KtWheelScene    *scene,
                     const KtWheelPalette  *palette,
                     KtSegment              segment)
{
  const KtWheelSegment *data = &scene->segments[segment];
  const KtColor *hue = &palette->segment[segment];
  double outer = geo->level_radius[KT_WHEEL_N_LEVELS];
  double line = MAX (outer / 90.0, 1.0);
  double start, end;

  kt_wheel_geometry_segment_angles (geo, segment, &start, &end);

  if ((int) segment == scene->selected)
    {
      annulus_sector (cr, geo, geo->centre_radius, outer, start, end);
      set_color (cr, &palette->foreground, 0.07);
      cairo_fill (cr);
    }

  /* The previous level, faintly beneath. */
  if (data->previous >= 0 && data->previous <= KT_WHEEL_MAX)
    {
      annulus_sector (cr, geo, geo->centre_radius,
                      kt_wheel_geometry_level_radius (geo, data->previous), start, end);
      set_color (cr, hue, palette->dark ? 0.25 : 0.2);
      cairo_fill (cr);
    }

  /* The current level, a filled wedge. */
  if (data->current >= 0 && data->current <= KT_WHEEL_MAX)
    {
      annulus_sector (cr, geo, geo->centre_radius,
                      kt_wheel_geometry_level_radius (geo, data->current), start, end);
      set_color (cr, hue, palette->dark ? 0.8 : 0.75);
      cairo_fill (cr);
    }

  /* Where the previous level was, as a dotted arc over the new one. */
  if (data->previous >= 0 && data->previous <= KT_WHEEL_MAX)
    {
      double dash[] = { line, line * 1.5 };

      cairo_new_path (cr);
      cairo_arc (cr, geo->cx, geo->cy, kt_wheel_geometry_level_radius (geo, data->previous),
                 start + 0.04, end - 0.04);
      set_color (cr, &palette->foreground, 0.55);
      cairo_set_line_width (cr, line);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  /* The target, an outlined arc with short sides. */
  if (data->target >= 0 && data->target <= KT_WHEEL_MAX)
    {
      double r = kt_wheel_geometry_level_radius (geo, data->target);
      double inset = line * 1.2 / r;
      double band = geo->level_radius[1] - geo->level_radius[0];
      double x, y;

      cairo_new_path (cr);
      kt_wheel_geometry_point (geo, start + inset, r - band * 0.45, &x, &y);
      cairo_move_to (cr, x, y);
      cairo_arc (cr, geo->cx, geo->cy, r - line / 2, start + inset, end - inset);
      kt_wheel_geometry_point (geo, end - inset, r - band * 0.45, &x, &y);
      cairo_line_to (cr, x, y);
      set_color (cr, palette->dark ? &palette->foreground : hue, 1.0);
      cairo_set_line_width (cr, line * 1.6);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke (cr);
    }
}

static void
draw_spokes (cairo_t               *cr,
             const KtWheelGeometry *geo,
             const KtWheelPalette  *palette)
{
  double outer = kt_wheel_geometry_get_radius (geo);

  cairo_set_line_width (cr, MAX (outer / 120.0, 1.0));
  set_color (cr, &palette->background, 1.0);
  for (int segment = 0; segment < KT_N_SEGMENTS; segment++)
    {
      double start, x0, y0, x1, y1;

      kt_wheel_geometry_segment_angles (geo, segment, &start, NULL);
      kt_wheel_geometry_point (geo, start, geo->centre_radius, &x0, &y0);
      kt_wheel_geometry_point (geo, start, outer, &x1, &y1);
      cairo_move_to (cr, x0, y0);
      cairo_line_to (cr, x1, y1);
    }
  cairo_stroke (cr);
}

/* Where a chip would be too small to read or to point at (a tablet, a
 * phone), the ring part is tinted and says how many help there; their names
 * are in the list beside the wheel. */
static void
draw_ring_count (cairo_t               *cr,
                 const KtWheelGeometry *geo,
                 const KtWheelScene    *scene,
                 const KtWheelPalette  *palette,
                 KtSegment              segment,
                 int                    ring,
                 guint                  total)
{
  double start, end, x, y;
  double width = geo->ring_outer[ring] - geo->ring_inner[ring];
  double inset = MAX (width / 10.0, 1.0);
  g_autofree char *count = g_strdup_printf ("%u", total);

  kt_wheel_geometry_segment_angles (geo, segment, &start, &end);
  cairo_new_path (cr);
  annulus_sector (cr, geo, geo->ring_inner[ring] + inset, geo->ring_outer[ring] - inset,
                  start + inset / geo->ring_inner[ring], end - inset / geo->ring_inner[ring]);
  set_color (cr, &palette->segment[segment], palette->dark ? 0.45 : 0.35);
  cairo_fill (cr);

  /* The count only where it fits at a readable size. */
  if (width - 2 * inset < MAX (scene->min_text_size, 1.0))
    return;
  kt_wheel_geometry_point (geo, (start + end) / 2.0, (geo->ring_inner[ring] + geo->ring_outer[ring]) / 2.0,
                           &x, &y);
  set_color (cr, &palette->foreground, 1.0);
  draw_centred_text (cr, scene, count, x, y, (width - 2 * inset) * 0.8, width * 2.0);
}

static void
draw_chips (cairo_t               *cr,
            const KtWheelGeometry *geo,
            const KtWheelScene    *scene,
            const KtWheelPalette  *palette,
            KtSegment              segment)
{
  GPtrArray *supporters = scene->segments[segment].supporters;

  if (supporters == NULL)
    return;

  for (int ring = 0; ring < KT_N_RINGS; ring++)
    {
      const KtSupporter *in_ring[MAX_CHIPS];
      KtWheelChip chips[MAX_CHIPS];
      guint n = 0, total = 0, shown;

      for (guint i = 0; i < supporters->len; i++)
        {
          const KtSupporter *s = g_ptr_array_index (supporters, i);

          if ((int) s->ring != ring)
            continue;
          if (n < MAX_CHIPS)
            in_ring[n++] = s;
          total++;
        }
      shown = kt_wheel_geometry_place_chips (geo, segment, ring, n, chips);
      if (shown > 0 && chips[0].radius * 2.0 < scene->min_chip_size)
        {
          draw_ring_count (cr, geo, scene, palette, segment, ring, total);
          continue;
        }
      if (shown > 0 && scene->metrics != NULL &&
          (scene->metrics->smallest_chip == 0 || chips[0].radius * 2.0 < scene->metrics->smallest_chip))
        scene->metrics->smallest_chip = chips[0].radius * 2.0;

      for (guint i = 0; i < shown; i++)
        {
          g_autofree char *more = NULL;
          const char *label = NULL;

          if (i == shown - 1 && shown < total)
            label = more = g_strdup_printf ("+%u", total - shown + 1);
          else if (scene->chip_label != NULL)
            label = scene->chip_label (in_ring[i]->person_id, scene->chip_label_data);

          cairo_new_path (cr);
          cairo_arc (cr, chips[i].x, chips[i].y, chips[i].radius, 0, 2 * G_PI);
          set_color (cr, &palette->background, 1.0);
          cairo_fill_preserve (cr);
          set_color (cr, &palette->segment[segment], 1.0);
          cairo_set_line_width (cr, MAX (chips[i].radius / 7.0, 1.0));
          cairo_stroke (cr);

          if (label != NULL)
            {
              set_color (cr, &palette->foreground, 1.0);
              draw_centred_text (cr, scene, label, chips[i].x, chips[i].y,
                                 chips[i].radius * 0.85, chips[i].radius * 2.2);
            }
        }
    }
}

static void
draw_label (cairo_t               *cr,
            const KtWheelGeometry *geo,
            const KtWheelScene    *scene,
            const KtWheelPalette  *palette,
            KtSegment              segment)
{
  double outer = kt_wheel_geometry_get_radius (geo);
  double size = CLAMP (outer * 0.068, 8.5, 17.0);
  double angle = kt_wheel_geometry_segment_mid (geo, segment);
  double max_width = outer * 0.54;
  double x, y, c = cos (angle), s = sin (angle);
  double room;
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(GString) markup = g_string_new (NULL);
  g_autofree char *name = g_markup_escape_text (scene->names[segment] ? scene->names[segment] : "", -1);
  PangoRectangle ink, logical;

  g_string_append_printf (markup, "<b>%s</b>", name);
  if (scene->details[segment] != NULL)
    {
      g_autofree char *details = g_markup_escape_text (scene->details[segment], -1);

      /* The second line is the smaller one: it sets the floor. */
      size = MAX (size, scene->min_text_size / DETAILS_SCALE);
      note_text (scene, size * DETAILS_SCALE);
      g_string_append_printf (markup, "\n<span size=\"%d%%\">%s</span>",
                              (int) (DETAILS_SCALE * 100), details);
    }

  /* Never wider than the room left beside the wheel in its box. */
  kt_wheel_geometry_point (geo, angle, geo->label_radius, &x, &y);
  room = c > 0.2 ? geo->x + geo->width - x : c < -0.2 ? x - geo->x : geo->width;
  max_width = MAX (MIN (max_width, room - 2.0), size * 3);

  layout = make_layout (cr, scene, size, FALSE);
  pango_layout_set_markup (layout, markup->str, -1);
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, c > 0.2 ? PANGO_ALIGN_LEFT
                                      : c < -0.2 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_extents (layout, &ink, &logical);

  /* Anchor the block at the side facing the wheel. */
  if (c > 0.2)
    x -= 0;
  else if (c < -0.2)
    x -= max_width;
  else
    x -= max_width / 2.0;
  if (s < -0.2)
    y -= logical.height;
  else if (s <= 0.2)
    y -= logical.height / 2.0;

  set_color (cr, (int) segment == scene->selected && scene->focus_visible
                 ? &palette->accent : &palette->foreground, 1.0);
  /* Text put at a fraction of a pixel came out with thin strokes washed
   * out on screen (seen with GTK 4.8's cairo renderer and cairo 1.16: the
   * "l" of "doel" all but vanished, so the label read "doe."); at a whole
   * pixel every stroke stays sharp.  In the PDF the half point at most it
   * moves is invisible. */
  cairo_move_to (cr, round (x), round (y));
  pango_cairo_show_layout (cr, layout);
}

static void
draw_focus (cairo_t               *cr,
            const KtWheelGeometry *geo,
            const KtWheelScene    *scene,
            const KtWheelPalette  *palette)
{
  double start, end;
  double outer = kt_wheel_geometry_get_radius (geo);
  double line = MAX (outer / 100.0, 2.0);

  if (scene->selected < 0 || scene->selected >= KT_N_SEGMENTS || !scene->focus_visible)
    return;

  kt_wheel_geometry_segment_angles (geo, scene->selected, &start, &end);
  cairo_new_path (cr);
  annulus_sector (cr, geo, geo->centre_radius - line, outer + line, start, end);
  set_color (cr, &palette->accent, 1.0);
  cairo_set_line_width (cr, line);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if (scene->editing_target)
    {
      double dash[] = { line * 3, line * 2 };
      cairo_set_dash (cr, dash, 2, 0);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

void
kt_wheel_render (cairo_t               *cr,
                 const KtWheelGeometry *geo,
                 const KtWheelScene    *scene,
                 const KtWheelPalette  *palette)
{
  double outer = kt_wheel_geometry_get_radius (geo);

  g_return_if_fail (cr != NULL && geo != NULL && scene != NULL && palette != NULL);
  g_return_if_fail (scene->segments != NULL);

  cairo_save (cr);
  draw_backdrop (cr, geo, palette);
  for (int segment = 0; segment < KT_N_SEGMENTS; segment++)
    draw_segment_levels (cr, geo, scene, palette, segment);
  draw_spokes (cr, geo, palette);

  /* The resident at the centre. */
  cairo_new_path (cr);
  cairo_arc (cr, geo->cx, geo->cy, geo->centre_radius, 0, 2 * G_PI);
  set_color (cr, &palette->foreground, palette->dark ? 0.85 : 0.75);
  cairo_fill (cr);
  if (scene->centre_label != NULL)
    {
      set_color (cr, &palette->background, 1.0);
      draw_centred_text (cr, scene, scene->centre_label, geo->cx, geo->cy,
                         geo->centre_radius * 0.6, geo->centre_radius * 1.8);
    }

  for (int segment = 0; segment < KT_N_SEGMENTS; segment++)
    {
      draw_chips (cr, geo, scene, palette, segment);
      if (!scene->hide_names)
        draw_label (cr, geo, scene, palette, segment);
    }
  draw_focus (cr, geo, scene, palette);
  (void) outer;
  cairo_restore (cr);
}

char *
kt_wheel_initials (const char *name)
{
  g_auto(GStrv) words = NULL;
  GString *out = g_string_new (NULL);
  guint n = 0;

  if (name == NULL)
    return g_string_free (out, FALSE);

  words = g_strsplit_set (name, " \t-", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      gunichar c;

      if (words[i][0] == '\0' || !g_utf8_validate (words[i], -1, NULL))
        continue;
      c = g_utf8_get_char (words[i]);
      /* Skip Dutch name particles: "de", "van", "der" stay lowercase. */
      if (g_unichar_islower (c) && n > 0 && words[i + 1] != NULL)
        continue;
      if (n == 0 || words[i + 1] == NULL)
        {
          g_string_append_unichar (out, g_unichar_toupper (c));
          n++;
        }
    }
  return g_string_free (out, FALSE);
}
