/* kt-plan.h: KtPlan, the ondersteuningsplan made with the household
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-types.h"
#include "kt-case.h"   /* KtForm */
#include "kt-conversation.h"
#include "kt-agreement.h"

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

/* The law a tailored provision (maatwerk) is asked under. */
typedef enum {
  KT_LEGAL_BASIS_NONE,          /* not chosen yet */
  KT_LEGAL_BASIS_WMO,           /* Wmo 2015 */
  KT_LEGAL_BASIS_JEUGDWET,
  KT_LEGAL_BASIS_PARTICIPATIEWET,
  KT_N_LEGAL_BASES
} KtLegalBasis;

/* Where the municipality's decision on a tailored provision stands. */
typedef enum {
  KT_DECISION_NONE,             /* not requested (yet) */
  KT_DECISION_PENDING,          /* in behandeling: requested, no decision yet */
  KT_DECISION_GRANTED,          /* toegekend */
  KT_DECISION_REFUSED,          /* afgewezen */
  KT_N_DECISIONS
} KtDecisionState;

/* How a granted provision is delivered. */
typedef enum {
  KT_DELIVERY_NONE,             /* not said */
  KT_DELIVERY_IN_KIND,          /* zorg in natura */
  KT_DELIVERY_PGB,              /* persoonsgebonden budget */
  KT_N_DELIVERIES
} KtDelivery;

typedef struct {
  char     *id;
  char     *name;
  gboolean  tailored;           /* maatwerk: needs the three considerations */
  /* The afwegingskader, as the IWW reflection tool on access asks it: */
  char     *acceptable;         /* is it legitimate: socially acceptable, lawful? */
  char     *cost_reasonable;    /* is it economically sound against the standard offer? */
  char     *standard_offer;     /* which standard offer was weighed against it */
  char     *own_options;        /* what can and will the resident and network do themselves */
  /* The decision (maatwerk only): */
  KtLegalBasis    legal_basis;
  char           *request_date;   /* ISO date of the aanvraag, or NULL */
  KtDecisionState decision_state;
  char           *decision_date;  /* ISO date of the decision, or NULL */
  char           *decision;       /* what was decided, in plain words: "3 uur per week" */
  char           *valid_from;     /* ISO date the decision holds from, or NULL */
  char           *until;          /* ISO date the decision holds until, or NULL */
  KtDelivery      delivery;       /* zorg in natura or pgb */
} KtProvision;

typedef struct {
  char     *risks;
  char     *agreements;
  char     *who_watches;
  gboolean  veilig_thuis_consulted;
} KtSafetyPlan;

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
const char *kt_legal_basis_to_string   (KtLegalBasis basis);       /* "wmo" */
gboolean    kt_legal_basis_from_string (const char *str, KtLegalBasis *basis);
const char *kt_legal_basis_get_label   (KtLegalBasis basis);       /* "Wmo 2015" */
const char *kt_decision_state_to_string (KtDecisionState state);   /* "pending" */
gboolean    kt_decision_state_from_string (const char *str, KtDecisionState *state);
const char *kt_decision_state_get_label (KtDecisionState state);   /* translated */
const char *kt_delivery_to_string     (KtDelivery delivery);       /* "pgb" */
gboolean    kt_delivery_from_string   (const char *str, KtDelivery *delivery);
const char *kt_delivery_get_label     (KtDelivery delivery);       /* translated */

/* Reads the decision out of a provision's old free text ("toegekend: 3 uur
 * per week", from before the decision had its own fields): sets
 * decision_state and leaves the rest of the words in decision.  A text it
 * cannot read stays as it was.  Old tailored provisions were Wmo ones (the
 * editor said so), so an unset legal basis becomes Wmo 2015. */
void        kt_provision_migrate      (KtProvision *provision);
/* The translated sentence when @provision's decision is dated before its
 * request, or its period of validity ends before it starts; NULL while the
 * dates agree (or are not all there yet).  kt_plan_validate() refuses the
 * same; the app shows it beside the date as soon as it is picked. */
const char *kt_provision_decision_date_problem (const KtProvision *provision);
const char *kt_provision_period_problem        (const KtProvision *provision);
/* The date the municipality's decision on @provision is due: the request
 * date plus @term_days[legal basis], or NULL when no decision is awaited
 * (transfer full). */
char       *kt_provision_decision_due (const KtProvision *provision,
                                       const int         *term_days);
/* The earliest decision due over @plan's tailored provisions (transfer full). */
char       *kt_plan_decision_due      (const KtPlan *plan,
                                       const int    *term_days);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtPlan, kt_plan_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtGoal, kt_goal_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtAction, kt_action_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtProvision, kt_provision_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtReviewComment, kt_review_comment_free)

G_END_DECLS
