/* kt-conflict-view.h: KtConflictView, both versions of a record side by side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-sync-conflict.h"

G_BEGIN_DECLS

#define KT_TYPE_CONFLICT_VIEW (kt_conflict_view_get_type ())
G_DECLARE_FINAL_TYPE (KtConflictView, kt_conflict_view, KT, CONFLICT_VIEW, AdwBin)

/* Shows @conflict field by field; ::resolve is emitted with the choices
 * (utf8 → KtSyncChoice) once the user chose a version of every field. */
GtkWidget  *kt_conflict_view_new        (const KtSyncConflict *conflict);
const char *kt_conflict_view_get_id     (KtConflictView       *self);
/* The fields shown, in order (element-type utf8). */
GPtrArray  *kt_conflict_view_get_fields (KtConflictView       *self);
/* Chooses as the user would by clicking. */
void        kt_conflict_view_choose     (KtConflictView       *self,
                                         const char           *field,
                                         KtSyncChoice          choice);
/* Keeps both versions of every field that can hold both. */
void        kt_conflict_view_keep_both  (KtConflictView       *self);
/* TRUE once every field has a choice. */
gboolean    kt_conflict_view_is_complete (KtConflictView      *self);
/* Emits ::resolve when complete (the Save button). */
void        kt_conflict_view_save       (KtConflictView       *self);

/* While the choice is being saved: the choices cannot change and the Save
 * button says it is saving. */
void        kt_conflict_view_set_saving (KtConflictView       *self,
                                         gboolean              saving);
gboolean    kt_conflict_view_is_saving  (KtConflictView       *self);

/* A field's name for people, e.g. "question" → "Question in the resident's words". */
const char *kt_conflict_view_field_title (const char *field);

G_END_DECLS
