/* kt-server-document.c
 *
 * Everything goes through the core's codec: a pushed document is decoded
 * (which validates it) and encoded again, so the server stores and compares
 * the canonical bytes the app's encoder writes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-server-document.h"

#include <glib/gi18n.h>

#include "kt-codec.h"
#include "kt-review.h"
#include "kt-server-error.h"

void
kt_document_info_clear (KtDocumentInfo *info)
{
  g_clear_pointer (&info->id, g_free);
  g_clear_pointer (&info->case_id, g_free);
  g_clear_pointer (&info->coach, g_free);
  g_clear_pointer (&info->review, g_free);
}

void
kt_review_note_free (KtReviewNote *note)
{
  if (note == NULL)
    return;
  g_free (note->goal_id);
  g_free (note->text);
  g_free (note);
}

static char *
take_bytes (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  char *text = g_strndup (data, len);

  g_bytes_unref (bytes);
  return text;
}

static char *
encode (KtDocument *doc)
{
  switch (doc->kind)
    {
    case KT_KIND_CASE:
      return take_bytes (kt_case_encode (doc->kase));
    case KT_KIND_CONVERSATION:
      return take_bytes (kt_conversation_encode (doc->conversation));
    case KT_KIND_PLAN:
      return take_bytes (kt_plan_encode (doc->plan));
    case KT_N_KINDS:
    default:
      g_assert_not_reached ();
    }
}

char *
kt_server_document_inspect (const char     *body,
                            gsize           len,
                            KtDocumentInfo *info,
                            char          **field,
                            GError        **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, len);
  KtDocument doc = { 0, };
  const KtRecordHeader *header;
  char *canonical;

  if (!kt_document_decode_full (bytes, &doc, field, error))
    return NULL;

  info->kind = doc.kind;
  switch (doc.kind)
    {
    case KT_KIND_CASE:
      header = &doc.kase->header;
      info->case_id = g_strdup (header->id);
      info->coach = g_strdup (doc.kase->coach);
      break;
    case KT_KIND_CONVERSATION:
      header = &doc.conversation->header;
      info->case_id = g_strdup (doc.conversation->case_id);
      break;
    case KT_KIND_PLAN:
      header = &doc.plan->header;
      info->case_id = g_strdup (doc.plan->case_id);
      info->review = g_strdup (kt_review_state_to_string (doc.plan->review));
      break;
    case KT_N_KINDS:
    default:
      g_assert_not_reached ();
    }
  info->id = g_strdup (header->id);
  info->rev = header->rev;

  canonical = encode (&doc);
  kt_document_clear (&doc);
  return canonical;
}

/* Decodes a stored document of @kind; they were validated when stored. */
static gboolean
decode_stored (const char *body,
               KtKind      kind,
               KtDocument *doc,
               GError    **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));

  if (!kt_document_decode (bytes, doc, error))
    return FALSE;
  if (doc->kind != kind)
    {
      kt_document_clear (doc);
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_DATABASE,
                   _("A stored record does not hold the kind of document it should."));
      return FALSE;
    }
  return TRUE;
}

char *
kt_server_document_assign (const char *body,
                           const char *coach,
                           gint64      rev,
                           gint64      now,
                           GError    **error)
{
  KtDocument doc = { 0, };
  char *result;

  if (!decode_stored (body, KT_KIND_CASE, &doc, error))
    return NULL;
  g_free (doc.kase->coach);
  doc.kase->coach = g_strdup (coach);
  doc.kase->header.rev = rev;
  doc.kase->header.updated = now;
  result = encode (&doc);
  kt_document_clear (&doc);
  return result;
}

static gboolean
plan_has_goal (const KtPlan *plan,
               const char   *goal_id)
{
  for (guint i = 0; i < plan->goals->len; i++)
    {
      const KtGoal *goal = g_ptr_array_index (plan->goals, i);

      if (g_strcmp0 (goal->id, goal_id) == 0)
        return TRUE;
    }
  return FALSE;
}

char *
kt_server_document_review (const char *body,
                           gboolean    approve,
                           const char *reviewer,
                           GPtrArray  *notes,
                           gint64      rev,
                           gint64      now,
                           char      **field,
                           GError    **error)
{
  KtDocument doc = { 0, };
  KtPlan *plan;
  char *result;
  guint goal_note = 0;

  if (!decode_stored (body, KT_KIND_PLAN, &doc, error))
    return NULL;
  plan = doc.plan;

  for (guint i = 0; i < notes->len; i++)
    {
      const KtReviewNote *note = g_ptr_array_index (notes, i);
      KtReviewComment *comment;

      if (note->goal_id != NULL && !plan_has_goal (plan, note->goal_id))
        {
          *field = g_strdup_printf ("goal_comments[%u].goal_id", goal_note);
          g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_INVALID,
                       _("A comment names a goal the plan does not have."));
          kt_document_clear (&doc);
          return NULL;
        }
      if (note->goal_id != NULL)
        goal_note++;
      comment = kt_review_comment_new ();
      comment->goal_id = g_strdup (note->goal_id);
      comment->author = g_strdup (reviewer);
      comment->text = g_strdup (note->text);
      comment->at = now;
      g_ptr_array_add (plan->comments, comment);
    }

  plan->review = approve ? KT_REVIEW_APPROVED : KT_REVIEW_RETURNED;
  g_free (plan->reviewer);
  plan->reviewer = g_strdup (reviewer);
  plan->header.rev = rev;
  plan->header.updated = now;
  result = encode (&doc);
  kt_document_clear (&doc);
  return result;
}

gboolean
kt_server_document_check_plan_push (const char  *stored,
                                    const char  *pushed,
                                    const char **field,
                                    GError     **error)
{
  KtDocument before = { 0, };
  KtDocument after = { 0, };
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  if (stored != NULL && !decode_stored (stored, KT_KIND_PLAN, &before, error))
    return FALSE;
  if (!decode_stored (pushed, KT_KIND_PLAN, &after, error))
    {
      kt_document_clear (&before);
      return FALSE;
    }
  ok = kt_review_check_coach_revision (before.plan, after.plan, field, &local_error);
  kt_document_clear (&before);
  kt_document_clear (&after);
  if (ok)
    return TRUE;
  /* the server's own codes, so its handlers need no model headers */
  g_set_error_literal (error, KT_SERVER_ERROR,
                       g_error_matches (local_error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_LOCKED)
                       ? KT_SERVER_ERROR_LOCKED : KT_SERVER_ERROR_FORBIDDEN,
                       local_error->message);
  return FALSE;
}
