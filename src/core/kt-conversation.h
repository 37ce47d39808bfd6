/* kt-conversation.h: KtConversation, the keukentafelgesprek and its wheel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-types.h"
#include "kt-agreement.h"

G_BEGIN_DECLS

typedef enum {
  KT_DOMAIN_NOT_YET,
  KT_DOMAIN_DISCUSSED,
  KT_DOMAIN_SKIPPED,
  KT_N_DOMAIN_STATES
} KtDomainState;

/* Who already helps in a domain: a set. */
typedef enum {
  KT_HELPER_SELF          = 1 << 0,
  KT_HELPER_NETWORK       = 1 << 1,
  KT_HELPER_VOLUNTEERS    = 1 << 2,   /* volunteers and general provisions */
  KT_HELPER_PROFESSIONALS = 1 << 3,
} KtHelpers;
#define KT_HELPERS_ALL 0xf

/* Who was present: a set. */
typedef enum {
  KT_PRESENT_RESIDENT         = 1 << 0,
  KT_PRESENT_PARTNER          = 1 << 1,
  KT_PRESENT_CARER            = 1 << 2,
  KT_PRESENT_CLIENT_SUPPORTER = 1 << 3,
  KT_PRESENT_INTERPRETER      = 1 << 4,
  KT_PRESENT_YOUTH            = 1 << 5,   /* a young person of the household (jeugdige) */
} KtPresent;
#define KT_PRESENT_ALL 0x3f

/* Self-reliance levels 1–5; 0 means "not scored". */
#define KT_LEVEL_NONE 0
#define KT_LEVEL_MIN  1
#define KT_LEVEL_MAX  5

/* The domain that can never be skipped. */
#define KT_SAFETY_DOMAIN_ID "veiligheid"
/* The person id of the resident in a wheel segment's supporters. */
#define KT_SUPPORTER_SELF "self"

/* One household member's own say in a domain, where it differs from the
 * household's: a young person or a partner speaks for themselves. */
typedef struct {
  char *member_id;              /* a KtMember id of the case */
  char *words;                  /* how it goes, in the member's own words */
  char *wish;                   /* what the member wishes, in their own words */
} KtMemberVoice;

typedef struct {
  char          *domain_id;     /* catalogue id: "geldzaken" */
  KtDomainState  state;
  char          *skip_reason;   /* required when skipped */
  char          *going_well;
  char          *concern;
  int            level;         /* KT_LEVEL_NONE or 1..5 */
  KtHelpers      helpers;
  char          *wish;
  int            priority;      /* 0 none, 1 high, 2 medium, 3 low */
  gboolean       safety_flag;
  gboolean       nothing_to_discuss; /* "Gaat goed, niets te bespreken": discussed in one tap */
  GStrv          about;         /* member ids the domain is about; NULL or empty:
                                 * the whole household */
  GPtrArray     *voices;        /* (element-type KtMemberVoice) members' own say */
} KtDomainEntry;

/* The safety check for one household member (children first). */
typedef struct {
  char     *member_id;
  gboolean  checked;
  gboolean  concern;
  char     *note;
} KtSafetyCheck;

/* The participation wheel: six segments, four rings. */
typedef enum {
  KT_SEGMENT_ZELFSTANDIG,       /* Zelfstandig functioneren */
  KT_SEGMENT_SOCIAAL,           /* Sociale contacten */
  KT_SEGMENT_DEELNEMEN,         /* Maatschappelijk deelnemen */
  KT_SEGMENT_BIJDRAGEN,         /* Maatschappelijk bijdragen */
  KT_SEGMENT_VAARDIGHEDEN,      /* Vaardigheden ontwikkelen */
  KT_SEGMENT_WERK,              /* Betaald werk */
  KT_N_SEGMENTS
} KtSegment;

typedef enum {
  KT_RING_OWN,                  /* eigen kracht */
  KT_RING_NETWORK,              /* netwerk */
  KT_RING_VOLUNTEERS,           /* vrijwilligers en algemene voorzieningen */
  KT_RING_PROFESSIONALS,        /* professionals en maatwerk */
  KT_N_RINGS
} KtRing;

/* Wheel levels 0–4; -1 means "not set". */
#define KT_WHEEL_UNSET  (-1)
#define KT_WHEEL_MAX    4

typedef struct {
  char   *person_id;            /* network person id, or "self" for the resident */
  KtRing  ring;
} KtSupporter;

typedef struct {
  int        current;           /* KT_WHEEL_UNSET or 0..4 */
  int        target;
  int        previous;          /* level at the conversation before, for evaluations */
  GPtrArray *supporters;        /* (element-type KtSupporter) */
} KtWheelSegment;

/* At an evaluation: progress per goal of the plan. */
typedef struct {
  char *goal_id;
  int   status;                 /* a KtGoalStatus */
  char *note;
} KtGoalProgress;

/* An evaluation's quick look over the life domains: a domain with a new
 * question has one of these, with a short note; a domain without has
 * nothing new. */
typedef struct {
  char     *domain_id;          /* catalogue id */
  char     *note;               /* the new question, briefly */
  gboolean  as_goal;            /* becomes a goal in the next plan version */
} KtNewQuestion;

typedef struct {
  KtRecordHeader  header;       /* kind == KT_KIND_CONVERSATION */

  char           *case_id;
  char           *date;
  KtPresent       present;
  char           *catalogue_id;
  int             catalogue_version;
  GPtrArray      *entries;      /* (element-type KtDomainEntry), in the coach's order */
  GPtrArray      *safety_checks;/* (element-type KtSafetyCheck) */
  KtWheelSegment  wheel[KT_N_SEGMENTS];
  char           *own_words;    /* the resident's own words */
  char           *notes;        /* professional notes: hidden in meekijkstand */
  gboolean        complete;
  gboolean        is_evaluation;
  GPtrArray      *progress;     /* (element-type KtGoalProgress) */
  GPtrArray      *new_questions;/* (element-type KtNewQuestion), evaluations */
  KtAgreement     agreement;    /* evaluations: the resident's agreement on it */
} KtConversation;

#define KT_TYPE_CONVERSATION (kt_conversation_get_type ())
GType           kt_conversation_get_type (void) G_GNUC_CONST;

KtConversation *kt_conversation_new   (void);
KtConversation *kt_conversation_ref   (KtConversation *self);
void            kt_conversation_unref (KtConversation *self);
KtConversation *kt_conversation_copy  (const KtConversation *self);

KtDomainEntry  *kt_domain_entry_new   (const char *domain_id);
void            kt_domain_entry_free  (KtDomainEntry *entry);
KtMemberVoice  *kt_member_voice_new   (const char *member_id);
void            kt_member_voice_free  (KtMemberVoice *voice);
KtSafetyCheck  *kt_safety_check_new   (const char *member_id);
void            kt_safety_check_free  (KtSafetyCheck *check);
KtSupporter    *kt_supporter_new      (const char *person_id, KtRing ring);
void            kt_supporter_free     (KtSupporter *supporter);
KtGoalProgress *kt_goal_progress_new  (const char *goal_id);
void            kt_goal_progress_free (KtGoalProgress *progress);
KtNewQuestion  *kt_new_question_new   (const char *domain_id);
void            kt_new_question_free  (KtNewQuestion *question);
/* The evaluation's new question for @domain_id, or NULL: nothing new. */
KtNewQuestion  *kt_conversation_find_new_question (const KtConversation *self,
                                                   const char           *domain_id);

KtDomainEntry  *kt_conversation_find_entry (const KtConversation *self,
                                            const char           *domain_id);
/* The member's own say in @entry, or NULL. */
KtMemberVoice  *kt_domain_entry_find_voice (const KtDomainEntry *entry,
                                            const char          *member_id);
/* The member's own say in @entry, added empty when there is none yet
 * (transfer none). */
KtMemberVoice  *kt_domain_entry_ensure_voice (KtDomainEntry *entry,
                                              const char    *member_id);
/* TRUE when @entry is about the whole household (no members named). */
gboolean        kt_domain_entry_is_whole_household (const KtDomainEntry *entry);
/* TRUE when @entry names @member_id among the members it is about. */
gboolean        kt_domain_entry_is_about (const KtDomainEntry *entry,
                                          const char          *member_id);
/* Names @member_id among the members @entry is about, or takes it out. */
void            kt_domain_entry_set_about (KtDomainEntry *entry,
                                           const char    *member_id,
                                           gboolean       about);
/* TRUE when any domain entry or member safety check carries a safety flag. */
gboolean        kt_conversation_has_safety_flag (const KtConversation *self);
/* Counts for the coverage line. */
void            kt_conversation_count (const KtConversation *self,
                                       guint *discussed,
                                       guint *skipped,
                                       guint *not_yet);
/* Marks the conversation complete, or fails with a translated message naming
 * what is still open (domains neither discussed nor skipped, by id, and
 * member safety checks not yet done).  An empty conversation is never complete. */
gboolean        kt_conversation_complete (KtConversation *self,
                                          GError        **error);
/* Skips a domain with a reason; refuses the safety domain
 * (KT_SAFETY_DOMAIN_ID), empty reasons and domains without an entry. */
gboolean        kt_conversation_skip     (KtConversation *self,
                                          const char     *domain_id,
                                          const char     *reason,
                                          GError        **error);

/* "Gaat goed, niets te bespreken": marks a domain discussed in one tap
 * (issue 16); refuses the safety domain, which is always asked. */
gboolean        kt_conversation_mark_nothing_to_discuss (KtConversation *self,
                                                         const char     *domain_id,
                                                         GError        **error);

const char *kt_segment_to_string (KtSegment segment);   /* stable id: "zelfstandig" */
gboolean    kt_segment_from_string (const char *str, KtSegment *segment);
const char *kt_ring_to_string    (KtRing ring);         /* stable id: "own" */
gboolean    kt_ring_from_string  (const char *str, KtRing *ring);
const char *kt_domain_state_to_string   (KtDomainState state);   /* "not_yet" */
gboolean    kt_domain_state_from_string (const char *str, KtDomainState *state);
/* Stable ids of single bits of KtHelpers ("self", "network", "volunteers",
 * "professionals") and KtPresent ("resident", "partner", "carer",
 * "client_supporter", "interpreter", "youth"); NULL for anything but one known bit. */
const char *kt_helper_to_string  (KtHelpers helper);
gboolean    kt_helper_from_string (const char *str, KtHelpers *helper);
const char *kt_present_to_string (KtPresent present);
gboolean    kt_present_from_string (const char *str, KtPresent *present);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtConversation, kt_conversation_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtDomainEntry, kt_domain_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtMemberVoice, kt_member_voice_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSafetyCheck, kt_safety_check_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSupporter, kt_supporter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtGoalProgress, kt_goal_progress_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtNewQuestion, kt_new_question_free)

G_END_DECLS
