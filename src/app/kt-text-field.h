/* kt-text-field.h: KtTextField, a titled multi-line text box
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KT_TYPE_TEXT_FIELD (kt_text_field_get_type ())
G_DECLARE_FINAL_TYPE (KtTextField, kt_text_field, KT, TEXT_FIELD, GtkWidget)

GtkWidget  *kt_text_field_new       (const char *title);
/* The text (transfer full), never NULL. */
char       *kt_text_field_get_text  (KtTextField *self);
/* Sets the text without emitting ::changed. */
void        kt_text_field_set_text  (KtTextField *self,
                                     const char  *text);
void        kt_text_field_set_title (KtTextField *self,
                                     const char  *title);
/* A quiet line under the title, or NULL. */
void        kt_text_field_set_hint  (KtTextField *self,
                                     const char  *hint);
GtkTextView *kt_text_field_get_view (KtTextField *self);

G_END_DECLS
