/* kt-wheel-geometry.c: where the participation wheel's parts lie
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-wheel-geometry"

#include "config.h"

#include "kt-wheel-geometry.h"

#include <math.h>

/* Proportions of the wheel's outer radius. */
#define CENTRE_FRACTION     0.14
#define LEVELS_FRACTION     0.58
#define RINGS_FRACTION      0.60
#define LABEL_GAP_FRACTION  0.06
#define LABEL_REACH         0.55   /* how far past the rings a label may be hit */
/* Room the labels need beside and above the wheel, as multiples of its radius. */
#define WIDTH_PER_RADIUS    (2.0 * 1.62)
#define HEIGHT_PER_RADIUS   (2.0 * 1.22)

#define SEGMENT_SPAN (2.0 * G_PI / KT_N_SEGMENTS)

static void
init_with_room (KtWheelGeometry *geo,
                double           x,
                double           y,
                double           width,
                double           height,
                double           width_per_radius,
                double           height_per_radius)
{
  double radius;
  double band;
  double ring_width;

  g_return_if_fail (geo != NULL);

  radius = MIN (width / width_per_radius, height / height_per_radius);
  radius = MAX (radius, 1.0);

  geo->x = x;
  geo->y = y;
  geo->width = width;
  geo->height = height;
  geo->cx = x + width / 2.0;
  geo->cy = y + height / 2.0;
  geo->centre_radius = radius * CENTRE_FRACTION;

  band = radius * (LEVELS_FRACTION - CENTRE_FRACTION) / KT_WHEEL_N_LEVELS;
  for (int i = 0; i <= KT_WHEEL_N_LEVELS; i++)
    geo->level_radius[i] = geo->centre_radius + i * band;

  ring_width = radius * (1.0 - RINGS_FRACTION) / KT_N_RINGS;
  for (int r = 0; r < KT_N_RINGS; r++)
    {
      geo->ring_inner[r] = r == 0 ? radius * RINGS_FRACTION : geo->ring_outer[r - 1];
      geo->ring_outer[r] = geo->ring_inner[r] + ring_width;
    }
  geo->ring_outer[KT_N_RINGS - 1] = radius;
  geo->label_radius = radius * (1.0 + LABEL_GAP_FRACTION);
}

void
kt_wheel_geometry_init (KtWheelGeometry *geo,
                        double           x,
                        double           y,
                        double           width,
                        double           height)
{
  init_with_room (geo, x, y, width, height, WIDTH_PER_RADIUS, HEIGHT_PER_RADIUS);
}

void
kt_wheel_geometry_init_without_labels (KtWheelGeometry *geo,
                                       double           x,
                                       double           y,
                                       double           width,
                                       double           height)
{
  /* A small margin for the focus ring. */
  init_with_room (geo, x, y, width, height, 2.06, 2.06);
}

double
kt_wheel_geometry_get_radius (const KtWheelGeometry *geo)
{
  return geo->ring_outer[KT_N_RINGS - 1];
}

void
kt_wheel_geometry_segment_angles (const KtWheelGeometry *geo,
                                  KtSegment              segment,
                                  double                *start,
                                  double                *end)
{
  double a = -G_PI / 2.0 + segment * SEGMENT_SPAN;

  if (start != NULL)
    *start = a;
  if (end != NULL)
    *end = a + SEGMENT_SPAN;
}

double
kt_wheel_geometry_segment_mid (const KtWheelGeometry *geo,
                               KtSegment              segment)
{
  return -G_PI / 2.0 + (segment + 0.5) * SEGMENT_SPAN;
}

double
kt_wheel_geometry_level_radius (const KtWheelGeometry *geo,
                                int                    level)
{
  level = CLAMP (level, 0, KT_WHEEL_MAX);
  return geo->level_radius[level + 1];
}

void
kt_wheel_geometry_point (const KtWheelGeometry *geo,
                         double                 angle,
                         double                 radius,
                         double                *x,
                         double                *y)
{
  *x = geo->cx + radius * cos (angle);
  *y = geo->cy + radius * sin (angle);
}

static int
segment_at_angle (double angle)
{
  double from_top = fmod (angle + G_PI / 2.0, 2.0 * G_PI);
  int segment;

  if (from_top < 0)
    from_top += 2.0 * G_PI;
  segment = (int) floor (from_top / SEGMENT_SPAN);
  return CLAMP (segment, 0, KT_N_SEGMENTS - 1);
}

static int
level_at_radius (const KtWheelGeometry *geo,
                 double                 r)
{
  double band = geo->level_radius[1] - geo->level_radius[0];
  int level = (int) floor ((r - geo->centre_radius) / band);

  return CLAMP (level, 0, KT_WHEEL_MAX);
}

KtWheelHit
kt_wheel_geometry_hit (const KtWheelGeometry *geo,
                       double                 x,
                       double                 y)
{
  KtWheelHit hit = { KT_WHEEL_HIT_NONE, -1, -1, -1 };
  double dx = x - geo->cx;
  double dy = y - geo->cy;
  double r = sqrt (dx * dx + dy * dy);
  double outer = kt_wheel_geometry_get_radius (geo);

  if (r < geo->centre_radius)
    {
      hit.kind = KT_WHEEL_HIT_CENTRE;
      return hit;
    }
  if (r > outer * (1.0 + LABEL_REACH))
    return hit;

  hit.segment = segment_at_angle (atan2 (dy, dx));

  if (r < geo->ring_inner[0])
    {
      hit.kind = KT_WHEEL_HIT_LEVEL;
      hit.level = level_at_radius (geo, r);
      return hit;
    }
  for (int ring = 0; ring < KT_N_RINGS; ring++)
    {
      if (r <= geo->ring_outer[ring])
        {
          hit.kind = KT_WHEEL_HIT_RING;
          hit.ring = ring;
          return hit;
        }
    }
  hit.kind = KT_WHEEL_HIT_LABEL;
  return hit;
}

int
kt_wheel_geometry_level_at (const KtWheelGeometry *geo,
                            double                 x,
                            double                 y)
{
  double dx = x - geo->cx;
  double dy = y - geo->cy;
  double r = sqrt (dx * dx + dy * dy);

  if (r < geo->centre_radius)
    return -1;
  if (r > kt_wheel_geometry_get_radius (geo) * (1.0 + LABEL_REACH))
    return -1;
  return level_at_radius (geo, r);
}

guint
kt_wheel_geometry_place_chips (const KtWheelGeometry *geo,
                               KtSegment              segment,
                               KtRing                 ring,
                               guint                  n_chips,
                               KtWheelChip           *chips)
{
  double width = geo->ring_outer[ring] - geo->ring_inner[ring];
  double mid = (geo->ring_inner[ring] + geo->ring_outer[ring]) / 2.0;
  double radius = width * 0.46;
  double usable = mid * SEGMENT_SPAN * 0.92;
  guint fit = (guint) floor (usable / (2.0 * radius * 1.15));
  guint shown;
  double start;
  double step;

  if (n_chips == 0)
    return 0;

  fit = MAX (fit, 1);
  shown = MIN (n_chips, fit);
  start = kt_wheel_geometry_segment_mid (geo, segment);
  /* Chips sit side by side from the segment's middle outward, so one chip is
   * centred and a few stay together rather than spreading to the spokes. */
  step = (2.0 * radius * 1.15) / mid;
  start -= step * (shown - 1) / 2.0;

  for (guint i = 0; i < shown; i++)
    {
      kt_wheel_geometry_point (geo, start + i * step, mid, &chips[i].x, &chips[i].y);
      chips[i].radius = radius;
    }
  return shown;
}
