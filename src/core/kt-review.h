/* kt-review.h: KtReview, a supervisor's decision on a submitted plan, and
 * the coach's revision as a new version
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "kt-case.h"   /* KtForm, used by kt-plan.h */
#include "kt-conversation.h"
#include "kt-plan.h"

G_BEGIN_DECLS

#define KT_REVIEW_ERROR (kt_review_error_quark ())
GQuark kt_review_error_quark (void);

typedef enum {
  KT_REVIEW_ERROR_NOT_SUBMITTED,     /* only a submitted plan can be reviewed */
  KT_REVIEW_ERROR_COMMENT_REQUIRED,  /* returning needs a comment */
  KT_REVIEW_ERROR_UNKNOWN_GOAL,      /* a goal comment names no goal of the plan */
  KT_REVIEW_ERROR_STALE,             /* the plan changed since it was read */
  KT_REVIEW_ERROR_CONTENT_CHANGED,   /* a review tried to change the plan's content */
  KT_REVIEW_ERROR_NOT_REVISABLE,     /* only a returned or approved plan gets a new version */
  KT_REVIEW_ERROR_INVALID,           /* a review request that cannot be read */
  KT_REVIEW_ERROR_LOCKED,            /* a submitted or approved plan does not change */
  KT_REVIEW_ERROR_NOT_REVIEWER,      /* the coach set what only a review sets */
  KT_REVIEW_ERROR_NOT_READY,         /* a plan that may not go to review yet */
} KtReviewError;

typedef enum {
  KT_REVIEW_DECISION_APPROVE,
  KT_REVIEW_DECISION_RETURN,
  KT_N_REVIEW_DECISIONS
} KtReviewDecision;

typedef struct {
  char *goal_id;
  char *text;
} KtGoalComment;

/* The decision as the supervisor makes it, before it is applied.  It is
 * also the body of `POST /plans/{id}/review`. */
typedef struct {
  KtReviewDecision  decision;
  gint64            rev;            /* the plan's rev the supervisor read */
  char             *comment;        /* about the whole plan, or NULL */
  GPtrArray        *goal_comments;  /* (element-type KtGoalComment) */
} KtReview;

KtReview *kt_review_new   (KtReviewDecision decision,
                           gint64           rev);
void      kt_review_free  (KtReview *self);
/* Sets the comment on the whole plan; blank text clears it. */
void      kt_review_set_comment      (KtReview   *self,
                                      const char *text);
/* Sets the comment on one goal, replacing an earlier one; blank text clears it. */
void      kt_review_set_goal_comment (KtReview   *self,
                                      const char *goal_id,
                                      const char *text);
/* TRUE when the review carries any comment that is not blank. */
gboolean  kt_review_has_comment      (const KtReview *self);

/* Checks the review against @plan: the plan is submitted, @rev matches, a
 * return carries a comment, every goal comment names a goal of the plan.
 * FALSE with a translated message otherwise. */
gboolean  kt_review_validate (const KtReview *self,
                              const KtPlan   *plan,
                              GError        **error);
/* Validates, then sets the plan's review state, reviewer and comments
 * (author @reviewer, time @now) and bumps its rev.  Nothing else changes. */
gboolean  kt_review_apply    (const KtReview *self,
                              KtPlan         *plan,
                              const char     *reviewer,
                              gint64          now,
                              GError        **error);

/* What a plan still needs before it may go to review, in words, in the
 * order the coach meets them (element-type utf8, translated; empty when it
 * may go): the conversation finished (@conversation, may be NULL) or a note
 * saying why not, a goal with an action, and the resident asked whether
 * they agree (agreed, partly and not agreed may all be submitted).  The one
 * place this rule lives (transfer full). */
GPtrArray *kt_review_list_missing (const KtPlan         *plan,
                                   const KtConversation *conversation);
/* kt_review_list_missing as one check: FALSE with a translated message that
 * names everything missing (KT_REVIEW_ERROR_NOT_READY). */
gboolean   kt_review_check_ready  (const KtPlan         *plan,
                                   const KtConversation *conversation,
                                   GError              **error);

/* The request body {rev, decision, comment, goal_comments} (transfer full). */
JsonNode *kt_review_to_json   (const KtReview *self);
/* Reads a request body; FALSE with KT_REVIEW_ERROR_INVALID naming the field. */
KtReview *kt_review_from_json (JsonNode *node,
                               GError  **error);

const char *kt_review_decision_to_string   (KtReviewDecision decision);
gboolean    kt_review_decision_from_string (const char       *str,
                                            KtReviewDecision *decision);

/* FALSE with KT_REVIEW_ERROR_CONTENT_CHANGED when @after differs from
 * @before in anything but the review fields (state, reviewer, comments,
 * submission time) and the record header: what a reviewer may change. */
gboolean  kt_review_check_content_unchanged (const KtPlan *before,
                                             const KtPlan *after,
                                             GError      **error);

/* Checks @after, a coach's revision of @before (NULL: a new plan record),
 * against what only a review may do.  A submitted or approved plan keeps
 * its content and state (KT_REVIEW_ERROR_LOCKED): it changes only through a
 * new version, which is a separate record.  The coach moves a draft or
 * returned plan to draft or submitted, never approves or returns one, and
 * never writes the reviewer or the comments (KT_REVIEW_ERROR_NOT_REVIEWER,
 * with @field set to "review", "reviewer" or "comments"). */
gboolean  kt_review_check_coach_revision (const KtPlan  *before,
                                          const KtPlan  *after,
                                          const char   **field,
                                          GError       **error);

/* The coach's revision of a returned (or approved) plan: a new draft
 * record with a new id and the next version number after every version in
 * @history (may be NULL); the reviewed version stays as it is, with its
 * comments (transfer full). */
KtPlan    *kt_review_revise  (const KtPlan *plan,
                              GPtrArray    *history,
                              GError      **error);
/* The versions of one case's plan in @plans, oldest first
 * (element-type KtPlan, transfer container). */
GPtrArray *kt_review_history (GPtrArray  *plans,
                              const char *case_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtReview, kt_review_free)

G_END_DECLS
