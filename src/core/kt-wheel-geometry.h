/* kt-wheel-geometry.h: where the participation wheel's parts lie, for the
 * widget, the PDF and hit-testing alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "kt-conversation.h"

G_BEGIN_DECLS

/* Number of level bands: levels 0..KT_WHEEL_MAX. */
#define KT_WHEEL_N_LEVELS (KT_WHEEL_MAX + 1)

/* The wheel laid out in a box.  Radii grow outward: the resident's disc,
 * five level bands, a small gap, then the four supporter rings (own strength
 * innermost, professionals outermost), then the segment labels.  Segment 0
 * starts at the top and the segments follow clockwise. */
typedef struct {
  double x;                           /* the box the wheel was laid out in */
  double y;
  double width;
  double height;
  double cx;
  double cy;
  double centre_radius;               /* the resident's disc */
  double level_radius[KT_WHEEL_N_LEVELS + 1]; /* band edges: [0] = centre_radius */
  double ring_inner[KT_N_RINGS];
  double ring_outer[KT_N_RINGS];
  double label_radius;                /* where the segment names start */
} KtWheelGeometry;

typedef enum {
  KT_WHEEL_HIT_NONE,                  /* outside the wheel */
  KT_WHEEL_HIT_CENTRE,                /* the resident's disc */
  KT_WHEEL_HIT_LEVEL,                 /* a level band of a segment */
  KT_WHEEL_HIT_RING,                  /* a supporter ring of a segment */
  KT_WHEEL_HIT_LABEL,                 /* a segment's name, outside the rings */
} KtWheelHitKind;

typedef struct {
  KtWheelHitKind kind;
  int            segment;             /* -1 unless LEVEL, RING or LABEL */
  int            level;               /* 0..KT_WHEEL_MAX for LEVEL, else -1 */
  int            ring;                /* a KtRing for RING, else -1 */
} KtWheelHit;

/* One supporter chip: its centre and radius. */
typedef struct {
  double x;
  double y;
  double radius;
} KtWheelChip;

/* Lays the wheel out centred in a @width × @height box. */
void   kt_wheel_geometry_init (KtWheelGeometry *geo,
                               double           x,
                               double           y,
                               double           width,
                               double           height);
/* The same without room for the segment names around it: the wheel fills
 * the box (a phone, large text; the list beside the wheel names them). */
void   kt_wheel_geometry_init_without_labels (KtWheelGeometry *geo,
                                              double           x,
                                              double           y,
                                              double           width,
                                              double           height);
/* The outer radius of the outermost ring. */
double kt_wheel_geometry_get_radius (const KtWheelGeometry *geo);
/* Start and end angle of @segment in cairo's convention (radians, clockwise
 * from the positive x axis, y pointing down). */
void   kt_wheel_geometry_segment_angles (const KtWheelGeometry *geo,
                                         KtSegment              segment,
                                         double                *start,
                                         double                *end);
/* The angle through the middle of @segment. */
double kt_wheel_geometry_segment_mid (const KtWheelGeometry *geo,
                                      KtSegment              segment);
/* The outer radius of the wedge that shows @level (0..KT_WHEEL_MAX). */
double kt_wheel_geometry_level_radius (const KtWheelGeometry *geo,
                                       int                    level);
/* What lies under the point (@x, @y). */
KtWheelHit kt_wheel_geometry_hit (const KtWheelGeometry *geo,
                                  double                 x,
                                  double                 y);
/* The level a press or drag at (@x, @y) asks for in its segment, clamped
 * to 0..KT_WHEEL_MAX; -1 in the resident's disc or outside the wheel. */
int    kt_wheel_geometry_level_at (const KtWheelGeometry *geo,
                                   double                 x,
                                   double                 y);
/* A point at @angle (cairo convention) and @radius from the centre. */
void   kt_wheel_geometry_point (const KtWheelGeometry *geo,
                                double                 angle,
                                double                 radius,
                                double                *x,
                                double                *y);
/* Places @n_chips chips of @segment in @ring, spread along the ring's middle.
 * Fills @chips (room for @n_chips) and returns how many fit; when fewer fit
 * than asked the caller shows the last one as "+N". */
guint  kt_wheel_geometry_place_chips (const KtWheelGeometry *geo,
                                      KtSegment              segment,
                                      KtRing                 ring,
                                      guint                  n_chips,
                                      KtWheelChip           *chips);

G_END_DECLS
