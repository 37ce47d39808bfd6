/* kt-sync-conflict.h: both versions of a record, and merging them field by field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-sync-protocol.h"

G_BEGIN_DECLS

/* Both versions of a record the server had changed meanwhile. */
typedef struct {
  char         *id;
  KtSyncRecord *local;
  KtSyncRecord *server;
  gint64        detected;     /* unix seconds */
} KtSyncConflict;

void kt_sync_conflict_free (KtSyncConflict *conflict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSyncConflict, kt_sync_conflict_free)

/* Which version of one field the merged record takes. */
typedef enum {
  KT_SYNC_CHOICE_SERVER,
  KT_SYNC_CHOICE_LOCAL,
  KT_SYNC_CHOICE_BOTH,        /* texts joined, list items of both; see can_keep_both */
} KtSyncChoice;

/* The document's top-level fields whose values differ, in document order,
 * leaving out id, kind, rev and timestamps (transfer full, element-type utf8). */
GPtrArray    *kt_sync_conflict_list_fields    (const KtSyncConflict *self,
                                               GError              **error);
/* A field's value as plain text for showing it (transfer full); "" when absent. */
char         *kt_sync_record_field_text       (const KtSyncRecord   *record,
                                               const char           *field);
/* TRUE when both values of @field can be kept (texts and lists). */
gboolean      kt_sync_conflict_can_keep_both  (const KtSyncConflict *self,
                                               const char           *field);
/* The resolved record: the server's version with each field in @choices
 * (field name → GINT_TO_POINTER (KtSyncChoice)) taken as chosen, at the
 * revision after the server's (transfer full).  Fields not in @choices keep
 * the server's value. */
KtSyncRecord *kt_sync_conflict_merge          (const KtSyncConflict *self,
                                               GHashTable           *choices,
                                               GError              **error);
/* Every differing field at @choice (BOTH falls back to LOCAL where both
 * values cannot be kept) (transfer full, element-type utf8 → KtSyncChoice). */
GHashTable   *kt_sync_conflict_choose_all     (const KtSyncConflict *self,
                                               KtSyncChoice          choice);

G_END_DECLS
