/* kt-signature-pad.h: KtSignaturePad, where the resident signs with finger, stylus or mouse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KT_TYPE_SIGNATURE_PAD (kt_signature_pad_get_type ())
G_DECLARE_FINAL_TYPE (KtSignaturePad, kt_signature_pad, KT, SIGNATURE_PAD, GtkWidget)

GtkWidget *kt_signature_pad_new         (void);
/* The strokes to draw into, (element-type KtStroke), edited in place:
 * usually the plan's agreement.signature.  Points are kept as 0..1 of the pad. */
void       kt_signature_pad_set_strokes (KtSignaturePad *self,
                                         GPtrArray      *strokes);
/* Removes every stroke and emits ::changed. */
void       kt_signature_pad_clear       (KtSignaturePad *self);
guint      kt_signature_pad_get_n_strokes (KtSignaturePad *self);
/* A read-only pad shows the signature and takes no strokes. */
void       kt_signature_pad_set_editable (KtSignaturePad *self,
                                          gboolean        editable);
/* Draws one stroke through @n_points points (x,y pairs in widget
 * coordinates), exactly as a drag over them would. */
void       kt_signature_pad_draw_stroke (KtSignaturePad *self,
                                         const double   *xy,
                                         guint           n_points);

G_END_DECLS
