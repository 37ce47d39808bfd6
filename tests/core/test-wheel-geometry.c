/* test-wheel-geometry.c: hit-testing and chip placement of the wheel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "kt-core.h"
#include "kt-wheel-geometry.h"

/* The point at @degrees clockwise from the top and @radius from the centre. */
static void
point_at (const KtWheelGeometry *geo,
          double                 degrees,
          double                 radius,
          double                *x,
          double                *y)
{
  double angle = (degrees - 90.0) * G_PI / 180.0;

  kt_wheel_geometry_point (geo, angle, radius, x, y);
}

static double
band_middle (const KtWheelGeometry *geo,
             int                    level)
{
  return (geo->level_radius[level] + geo->level_radius[level + 1]) / 2.0;
}

static void
test_hit_at_angle_and_radius_gives_segment_and_level (void)
{
  KtWheelGeometry geo;

  kt_wheel_geometry_init (&geo, 0, 0, 800, 600);

  for (int segment = 0; segment < KT_N_SEGMENTS; segment++)
    for (int level = 0; level <= KT_WHEEL_MAX; level++)
      {
        double degrees = segment * 60.0 + 10.0 + level * 8.0;  /* inside the segment */
        double x, y;
        KtWheelHit hit;

        point_at (&geo, degrees, band_middle (&geo, level), &x, &y);
        hit = kt_wheel_geometry_hit (&geo, x, y);
        g_assert_cmpint (hit.kind, ==, KT_WHEEL_HIT_LEVEL);
        g_assert_cmpint (hit.segment, ==, segment);
        g_assert_cmpint (hit.level, ==, level);
        g_assert_cmpint (hit.ring, ==, -1);
        g_assert_cmpint (kt_wheel_geometry_level_at (&geo, x, y), ==, level);
      }
}

static void
test_hit_segments_run_clockwise_from_the_top (void)
{
  KtWheelGeometry geo;
  double r;
  KtWheelHit hit;

  kt_wheel_geometry_init (&geo, 10, 20, 500, 500);
  r = band_middle (&geo, 2);

  /* Just right of twelve o'clock: the first segment; just left: the last. */
  hit = kt_wheel_geometry_hit (&geo, geo.cx + 3, geo.cy - r);
  g_assert_cmpint (hit.segment, ==, KT_SEGMENT_ZELFSTANDIG);
  hit = kt_wheel_geometry_hit (&geo, geo.cx - 3, geo.cy - r);
  g_assert_cmpint (hit.segment, ==, KT_SEGMENT_WERK);
  /* Three o'clock lies between segment 1 (60°–120°). */
  hit = kt_wheel_geometry_hit (&geo, geo.cx + r, geo.cy);
  g_assert_cmpint (hit.segment, ==, KT_SEGMENT_SOCIAAL);
  /* Six o'clock: the boundary between segments 2 and 3; a bit to the left is 3. */
  hit = kt_wheel_geometry_hit (&geo, geo.cx - 3, geo.cy + r);
  g_assert_cmpint (hit.segment, ==, KT_SEGMENT_BIJDRAGEN);
  hit = kt_wheel_geometry_hit (&geo, geo.cx + 3, geo.cy + r);
  g_assert_cmpint (hit.segment, ==, KT_SEGMENT_DEELNEMEN);
}

static void
test_hit_centre_rings_labels_and_outside (void)
{
  KtWheelGeometry geo;
  double x, y;
  KtWheelHit hit;

  kt_wheel_geometry_init (&geo, 0, 0, 600, 600);

  hit = kt_wheel_geometry_hit (&geo, geo.cx + 1, geo.cy + 1);
  g_assert_cmpint (hit.kind, ==, KT_WHEEL_HIT_CENTRE);
  g_assert_cmpint (hit.segment, ==, -1);
  g_assert_cmpint (kt_wheel_geometry_level_at (&geo, geo.cx + 1, geo.cy), ==, -1);

  for (int ring = 0; ring < KT_N_RINGS; ring++)
    {
      point_at (&geo, 200, (geo.ring_inner[ring] + geo.ring_outer[ring]) / 2, &x, &y);
      hit = kt_wheel_geometry_hit (&geo, x, y);
      g_assert_cmpint (hit.kind, ==, KT_WHEEL_HIT_RING);
      g_assert_cmpint (hit.ring, ==, ring);
      g_assert_cmpint (hit.segment, ==, KT_SEGMENT_BIJDRAGEN);
      g_assert_cmpint (hit.level, ==, -1);
      /* Dragging out past the levels keeps the highest level. */
      g_assert_cmpint (kt_wheel_geometry_level_at (&geo, x, y), ==, KT_WHEEL_MAX);
    }

  point_at (&geo, 90, geo.label_radius + 5, &x, &y);
  hit = kt_wheel_geometry_hit (&geo, x, y);
  g_assert_cmpint (hit.kind, ==, KT_WHEEL_HIT_LABEL);
  g_assert_cmpint (hit.segment, ==, KT_SEGMENT_SOCIAAL);

  hit = kt_wheel_geometry_hit (&geo, 0, 0);
  g_assert_cmpint (hit.kind, ==, KT_WHEEL_HIT_NONE);
  g_assert_cmpint (kt_wheel_geometry_level_at (&geo, 0, 0), ==, -1);
}

static void
test_geometry_fits_the_box_at_every_size (void)
{
  const double sizes[][2] = { { 320, 320 }, { 360, 640 }, { 1280, 800 }, { 800, 1280 }, { 2400, 1400 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      KtWheelGeometry geo;
      double outer;

      kt_wheel_geometry_init (&geo, 0, 0, sizes[i][0], sizes[i][1]);
      outer = kt_wheel_geometry_get_radius (&geo);
      g_assert_cmpfloat (geo.label_radius, <, sizes[i][0] / 2);
      g_assert_cmpfloat (geo.label_radius, <, sizes[i][1] / 2);
      g_assert_cmpfloat (geo.centre_radius, <, geo.level_radius[KT_WHEEL_N_LEVELS]);
      g_assert_cmpfloat (geo.level_radius[KT_WHEEL_N_LEVELS], <, geo.ring_inner[0]);
      for (int r = 1; r < KT_N_RINGS; r++)
        g_assert_cmpfloat (geo.ring_inner[r], >=, geo.ring_outer[r - 1]);
      g_assert_cmpfloat (outer, ==, geo.ring_outer[KT_N_RINGS - 1]);
      for (int level = 0; level < KT_WHEEL_MAX; level++)
        g_assert_cmpfloat (kt_wheel_geometry_level_radius (&geo, level), <,
                           kt_wheel_geometry_level_radius (&geo, level + 1));
    }
}

static void
test_chips_sit_in_their_ring_and_segment (void)
{
  KtWheelGeometry geo;

  kt_wheel_geometry_init (&geo, 0, 0, 1000, 800);

  for (int segment = 0; segment < KT_N_SEGMENTS; segment++)
    for (int ring = 0; ring < KT_N_RINGS; ring++)
      for (guint n = 1; n <= 4; n++)
        {
          KtWheelChip chips[4];
          guint shown = kt_wheel_geometry_place_chips (&geo, segment, ring, n, chips);

          g_assert_cmpuint (shown, ==, n);
          for (guint i = 0; i < shown; i++)
            {
              KtWheelHit hit = kt_wheel_geometry_hit (&geo, chips[i].x, chips[i].y);

              g_assert_cmpint (hit.kind, ==, KT_WHEEL_HIT_RING);
              g_assert_cmpint (hit.ring, ==, ring);
              g_assert_cmpint (hit.segment, ==, segment);
              g_assert_cmpfloat (chips[i].radius, >, 0);
              g_assert_cmpfloat (chips[i].radius * 2, <=, geo.ring_outer[ring] - geo.ring_inner[ring]);
              /* Chips never overlap. */
              for (guint j = 0; j < i; j++)
                g_assert_cmpfloat (hypot (chips[i].x - chips[j].x, chips[i].y - chips[j].y), >=,
                                   chips[i].radius * 2);
            }
        }
}

static void
test_chips_that_do_not_fit_are_counted (void)
{
  KtWheelGeometry geo;
  KtWheelChip chips[40];
  guint shown;

  kt_wheel_geometry_init (&geo, 0, 0, 400, 400);
  shown = kt_wheel_geometry_place_chips (&geo, KT_SEGMENT_WERK, KT_RING_OWN, 40, chips);
  g_assert_cmpuint (shown, >=, 1);
  g_assert_cmpuint (shown, <, 40);
  for (guint i = 0; i < shown; i++)
    {
      KtWheelHit hit = kt_wheel_geometry_hit (&geo, chips[i].x, chips[i].y);
      g_assert_cmpint (hit.segment, ==, KT_SEGMENT_WERK);
      g_assert_cmpint (hit.ring, ==, KT_RING_OWN);
    }
  g_assert_cmpuint (kt_wheel_geometry_place_chips (&geo, KT_SEGMENT_WERK, KT_RING_OWN, 0, chips), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wheel-geometry/hit/angle-and-radius-give-segment-and-level",
                   test_hit_at_angle_and_radius_gives_segment_and_level);
  g_test_add_func ("/wheel-geometry/hit/segments-run-clockwise-from-the-top",
                   test_hit_segments_run_clockwise_from_the_top);
  g_test_add_func ("/wheel-geometry/hit/centre-rings-labels-and-outside",
                   test_hit_centre_rings_labels_and_outside);
  g_test_add_func ("/wheel-geometry/layout/fits-the-box-at-every-size",
                   test_geometry_fits_the_box_at_every_size);
  g_test_add_func ("/wheel-geometry/chips/sit-in-their-ring-and-segment",
                   test_chips_sit_in_their_ring_and_segment);
  g_test_add_func ("/wheel-geometry/chips/that-do-not-fit-are-counted",
                   test_chips_that_do_not_fit_are_counted);

  return g_test_run ();
}
