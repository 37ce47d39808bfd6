/* kt-wheel.h: KtWheel, the participation wheel as a widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-case.h"
#include "kt-catalogue.h"
#include "kt-conversation.h"
#include "kt-wheel-render.h"

G_BEGIN_DECLS

#define KT_TYPE_WHEEL (kt_wheel_get_type ())
G_DECLARE_FINAL_TYPE (KtWheel, kt_wheel, KT, WHEEL, GtkWidget)

/* Nothing on the wheel is drawn smaller than this on screen (issue 21);
 * large text raises it with the text scaling. */
#define KT_WHEEL_MIN_TEXT_PX 11.0
/* A supporter chip is a touch target or is not drawn as a chip. */
#define KT_WHEEL_MIN_CHIP_PX 44.0

GtkWidget *kt_wheel_new (void);

/* The documents the wheel shows; the conversation's wheel is edited in place. */
void       kt_wheel_set_documents     (KtWheel        *self,
                                       KtCatalogue    *catalogue,
                                       KtCase         *kase,
                                       KtConversation *conversation);
/* Redraws after the documents changed elsewhere (the list beside it). */
void       kt_wheel_refresh           (KtWheel *self);

/* The segment the keyboard and the list are on, or -1. */
int        kt_wheel_get_selected      (KtWheel *self);
void       kt_wheel_set_selected      (KtWheel *self,
                                       int      segment);
/* Whether taps and +/- set the target level instead of the current one. */
gboolean   kt_wheel_get_editing_target (KtWheel *self);
void       kt_wheel_set_editing_target (KtWheel *self,
                                        gboolean editing_target);
/* A read-only wheel only selects. */
void       kt_wheel_set_editable      (KtWheel *self,
                                       gboolean editable);
/* Sets a level (KT_WHEEL_UNSET or 0..4) of @segment and emits ::changed. */
void       kt_wheel_set_level         (KtWheel  *self,
                                       KtSegment segment,
                                       gboolean  target,
                                       int       level);
/* What a tap at (@x, @y) in widget coordinates does: selects the segment
 * there and, inside the levels, sets its level.  Returns TRUE if it hit a segment. */
gboolean   kt_wheel_tap               (KtWheel *self,
                                       double   x,
                                       double   y);
/* The smallest text and chip the last frame drew. */
void       kt_wheel_get_metrics       (KtWheel        *self,
                                       KtWheelMetrics *metrics);

G_END_DECLS
