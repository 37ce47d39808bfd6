/* kt-wheel-render.h: draws the participation wheel with cairo, for the
 * widget on screen and for the PDF report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "kt-wheel-geometry.h"

G_BEGIN_DECLS

typedef struct {
  double red;
  double green;
  double blue;
  double alpha;
} KtColor;

/* The colours the wheel is drawn in.  The widget fills foreground, background
 * and accent from its style so that dark mode follows the system. */
typedef struct {
  KtColor foreground;
  KtColor background;
  KtColor accent;
  KtColor segment[KT_N_SEGMENTS];
  gboolean dark;
} KtWheelPalette;

/* A short label for a supporter chip, usually initials (transfer none). */
typedef const char *(*KtWheelChipLabelFunc) (const char *person_id,
                                             gpointer    user_data);

/* What a render drew at its smallest, for a test that text stays readable
 * and chips stay big enough for a finger.  0 when none was drawn. */
typedef struct {
  double smallest_text;   /* font size in px of the smallest text drawn */
  double smallest_chip;   /* diameter in px of the smallest supporter chip */
} KtWheelMetrics;

/* Everything the wheel shows. */
typedef struct {
  const KtWheelSegment *segments;             /* KT_N_SEGMENTS of them */
  const char           *names[KT_N_SEGMENTS]; /* segment names */
  const char           *details[KT_N_SEGMENTS]; /* optional second line: "nu 2 · doel 3" */
  const char           *centre_label;         /* "Ik" */
  KtWheelChipLabelFunc  chip_label;
  gpointer              chip_label_data;
  int                   selected;             /* a segment, or -1 */
  gboolean              focus_visible;        /* draw the keyboard focus on @selected */
  gboolean              editing_target;       /* the selection edits the target level */
  const char           *font_family;          /* NULL: "Cantarell, sans-serif" */
  double                min_text_size;        /* px; 0: text scales down freely (print) */
  double                min_chip_size;        /* px; chips smaller than this are drawn as a
                                               * tinted ring part with a count instead */
  KtWheelMetrics       *metrics;              /* optional: filled by kt_wheel_render */
  gboolean              hide_names;           /* laid out without labels: names and
                                               * levels are in the list beside it */
} KtWheelScene;

/* The default palette for a light or a dark background. */
void  kt_wheel_palette_init (KtWheelPalette *palette,
                             gboolean        dark);
/* Draws the wheel laid out by @geo. */
void  kt_wheel_render       (cairo_t               *cr,
                             const KtWheelGeometry *geo,
                             const KtWheelScene    *scene,
                             const KtWheelPalette  *palette);
/* Initials of a name for a chip: "Ans de Vries" → "AV" (transfer full). */
char *kt_wheel_initials     (const char *name);

G_END_DECLS
