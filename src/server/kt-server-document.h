/* kt-server-document.h: what the server reads from and writes into a
 * record's document (validation, assignment, review)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "kt-types.h"

G_BEGIN_DECLS

/* What the server needs to know of a document. */
typedef struct {
  KtKind  kind;
  char   *id;
  gint64  rev;
  char   *case_id;   /* conversations and plans; a case's own id for cases */
  char   *coach;     /* cases: the assigned coach, or NULL */
  char   *review;    /* plans: the review state id */
} KtDocumentInfo;

void kt_document_info_clear (KtDocumentInfo *info);

/* Validates the JSON document @body with the core decoder, fills @info and
 * returns the document as the core encodes it (canonical; transfer full).
 * On failure @field (transfer full) names the JSON path that was refused. */
char *kt_server_document_inspect (const char     *body,
                                  gsize           len,
                                  KtDocumentInfo *info,
                                  char          **field,
                                  GError        **error);

/* A comment of a review, on a goal or (goal_id NULL) on the whole plan. */
typedef struct {
  char *goal_id;
  char *text;
} KtReviewNote;

void kt_review_note_free (KtReviewNote *note);

/* The case document @body with @coach assigned, at @rev (transfer full). */
char *kt_server_document_assign (const char *body,
                                  const char *coach,
                                  gint64      rev,
                                  gint64      now,
                                  GError    **error);
/* The plan document @body approved or returned by @reviewer with @notes
 * (element-type KtReviewNote), at @rev (transfer full).  Fails with
 * KT_SERVER_ERROR_INVALID and @field set when a note names no goal of the plan. */
char *kt_server_document_review (const char *body,
                                  gboolean    approve,
                                  const char *reviewer,
                                  GPtrArray  *notes,
                                  gint64      rev,
                                  gint64      now,
                                  char      **field,
                                  GError    **error);

/* Checks a coach's push of the plan @pushed over the stored plan @stored
 * (NULL: a new record), both canonical documents, with the core's review
 * rules (kt_review_check_coach_revision); FALSE with KT_SERVER_ERROR_LOCKED,
 * or KT_SERVER_ERROR_FORBIDDEN and @field, or another error when a stored
 * document cannot be read. */
gboolean kt_server_document_check_plan_push (const char  *stored,
                                             const char  *pushed,
                                             const char **field,
                                             GError     **error);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KtDocumentInfo, kt_document_info_clear)

G_END_DECLS
