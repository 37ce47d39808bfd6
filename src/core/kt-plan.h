/* kt-plan.h: KtPlan, the ondersteuningsplan made with the household
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-types.h"
#include "kt-case.h"   /* KtForm */
#include "kt-conversation.h"

G_BEGIN_DECLS

typedef enum {
  KT_ACTOR_RESIDENT,
  KT_ACTOR_NETWORK,
  KT_ACTOR_VOLUNTEER,           /* a volunteer or general provision */
  KT_ACTOR_PROFESSIONAL,
  KT_N_ACTORS
} KtActor;

typedef enum {
  KT_GOAL_OPEN,
  KT_GOAL_IN_PROGRESS,
  KT_GOAL_ACHIEVED,
  KT_GOAL_STOPPED,
  KT_N_GOAL_STATUSES
} KtGoalStatus;

typedef enum {
  KT_AGREEMENT_NONE,            /* not yet asked */
  KT_AGREEMENT_AGREED,
  KT_AGREEMENT_PARTLY,
  KT_AGREEMENT_NOT,
  KT_N_AGREEMENTS
} KtAgreementState;

typedef enum {
  KT_REVIEW_DRAFT,
  KT_REVIEW_SUBMITTED,
  KT_REVIEW_APPROVED,
  KT_REVIEW_RETURNED,
  KT_N_REVIEW_STATES
} KtReviewState;

typedef struct {
  char     *id;
  char     *what;
  KtActor   actor;
  char     *who;                /* a name, or a network person id */
  char     *due;                /* ISO date or NULL */
  gboolean  done;
  char     *done_date;          /* ISO date it was ticked off, or NULL */
  char     *done_note;          /* a short note on how it went, or NULL */
} KtAction;

typedef struct {
  char         *id;
  char         *title;
  GStrv         domains;        /* catalogue ids, may be empty */
  GStrv         members;        /* ids of the household members whose own goal
                                 * it is; NULL or empty: the household's */
  guint         segments;       /* bit set of KtSegment */
  char         *difference;     /* what will be different when it works */
  GPtrArray    *actions;        /* (element-type KtAction) */
  char         *evaluation_date;
  KtGoalStatus  status;
  GPtrArray    *progress_notes; /* (element-type utf8) */
} KtGoal;

typedef struct {
  char     *id;
  char     *name;
  gboolean  tailored;           /* maatwerk: needs the three considerations */
  char     *acceptable;         /* is it acceptable for the resident? */
  char     *cost_reasonable;    /* cost against the standard offer */
  char     *own_options;        /* what can the resident and network do themselves */
  char     *decision;           /* what was decided, in plain words: "toegekend: 3 uur per week" */
  char     *until;              /* ISO date the decision holds until, or NULL */
} KtProvision;

typedef struct {
  char     *risks;
  char     *agreements;
  char     *who_watches;
  gboolean  veilig_thuis_consulted;
} KtSafetyPlan;

/* One stroke of a drawn signature: x,y pairs normalised to 0..1. */
typedef struct {
  GArray *points;               /* (element-type double) x0,y0,x1,y1,… */
} KtStroke;

typedef struct {
  KtAgreementState  state;
  char             *date;
  char             *remarks;    /* in the resident's own words */
  KtForm            form;       /* spoken or signed (written) */
  GPtrArray        *signature;  /* (element-type KtStroke), empty when none */
} KtAgreement;

typedef struct {
  char   *goal_id;              /* NULL: about the whole plan */
  char   *author;
  char   *text;
  gint64  at;
} KtReviewComment;

typedef struct {
  KtRecordHeader  header;       /* kind == KT_KIND_PLAN */

  char           *case_id;
  int             version;      /* 1, 2 … a revised plan after return is a new version */
  char           *question;
  GPtrArray      *goals;        /* (element-type KtGoal), in priority order */
  /* The regisseur lives in the case (KtCase.lead_id); plans before that
   * carried their own copy, kept here (and encoded only while set) until
   * kt_case_adopt_plan_lead () moves it into the case. */
  char           *legacy_case_lead;
  char           *contact_person;
  char           *evaluator;
  GPtrArray      *provisions;   /* (element-type KtProvision) */
  gboolean        safety_required;  /* set from the conversation's safety flags */
  KtSafetyPlan    safety;
  KtAgreement     agreement;
  char           *conversation_note;  /* why it goes to review before the
                                       * conversation is finished, or NULL */
  KtReviewState   review;
  char           *author;
  char           *reviewer;
  gint64          submitted_at;
  GPtrArray      *comments;     /* (element-type KtReviewComment) */
} KtPlan;

#define KT_TYPE_PLAN (kt_plan_get_type ())
GType   kt_plan_get_type (void) G_GNUC_CONST;

KtPlan *kt_plan_new   (void);
KtPlan *kt_plan_ref   (KtPlan *self);
void    kt_plan_unref (KtPlan *self);
KtPlan *kt_plan_copy  (const KtPlan *self);

KtGoal          *kt_goal_new            (void);
void             kt_goal_free           (KtGoal *goal);
KtAction        *kt_action_new          (void);
void             kt_action_free         (KtAction *action);
KtProvision     *kt_provision_new       (void);
void             kt_provision_free      (KtProvision *provision);
KtStroke        *kt_stroke_new          (void);
void             kt_stroke_free         (KtStroke *stroke);
KtReviewComment *kt_review_comment_new  (void);
void             kt_review_comment_free (KtReviewComment *comment);

/* Moves an old plan's own copy of the regisseur into the case, the one
 * place it lives now: the plan's copy wins when it differs, as it was the one
 * the report printed and the resident agreed to.  TRUE when @kase changed. */
gboolean kt_case_adopt_plan_lead (KtCase *kase,
                                  KtPlan *plan);

/* TRUE when @goal is the household's (no member named). */
gboolean kt_goal_is_household (const KtGoal *goal);
/* TRUE when @goal names @member_id as one whose own goal it is. */
gboolean kt_goal_is_for_member (const KtGoal *goal,
                                const char   *member_id);

/* Checks the plan's rules (safety section when required, the three
 * considerations for every tailored provision); FALSE with a translated
 * message naming the first thing missing. */
gboolean kt_plan_validate  (const KtPlan *self,
                            GError      **error);
/* TRUE while the plan is submitted or approved: the editor is read-only. */
gboolean kt_plan_is_locked (const KtPlan *self);
/* Validates and moves a draft or returned plan to submitted. */
gboolean kt_plan_submit    (KtPlan  *self,
                            GError **error);
/* A new draft version from a returned or approved plan (transfer full): a new
 * record (fresh id, rev 0) with version + 1, review state draft, the goals,
 * provisions and roles carried over, no reviewer or comments (they stay with
 * the reviewed version), and the agreement cleared (the resident agrees to
 * the new version anew). */
KtPlan  *kt_plan_new_version (const KtPlan *self);

const char *kt_review_state_to_string (KtReviewState state);       /* "draft" */
gboolean    kt_review_state_from_string (const char *str, KtReviewState *state);
const char *kt_review_state_get_label (KtReviewState state);       /* translated */
const char *kt_actor_to_string        (KtActor actor);             /* "resident" */
gboolean    kt_actor_from_string      (const char *str, KtActor *actor);
const char *kt_actor_get_label        (KtActor actor);             /* translated */
const char *kt_goal_status_to_string  (KtGoalStatus status);       /* "open" */
gboolean    kt_goal_status_from_string (const char *str, KtGoalStatus *status);
const char *kt_goal_status_get_label  (KtGoalStatus status);       /* translated */
const char *kt_agreement_state_to_string (KtAgreementState state); /* "none" */
gboolean    kt_agreement_state_from_string (const char *str, KtAgreementState *state);
const char *kt_agreement_state_get_label (KtAgreementState state); /* translated */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtPlan, kt_plan_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtGoal, kt_goal_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtAction, kt_action_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtProvision, kt_provision_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtStroke, kt_stroke_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtReviewComment, kt_review_comment_free)

G_END_DECLS
