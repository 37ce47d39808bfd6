/* kt-case.h: KtCase, one household and its request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-types.h"

G_BEGIN_DECLS

typedef enum {
  KT_PHASE_REGISTERED,
  KT_PHASE_CONVERSATION,
  KT_PHASE_PLAN,
  KT_PHASE_SUPPORT,
  KT_PHASE_EVALUATION,
  KT_PHASE_CLOSED,
  KT_PHASE_FOLLOW_UP,
  KT_N_PHASES
} KtPhase;

/* Why a case was closed. */
typedef enum {
  KT_CLOSE_NONE,                /* not closed */
  KT_CLOSE_GOALS_REACHED,
  KT_CLOSE_GENERAL_PROVISION,   /* on to a general provision */
  KT_CLOSE_SPECIALIST,          /* handed over to specialist help */
  KT_CLOSE_RESIDENT_STOPS,      /* the resident wants to stop */
  KT_CLOSE_MOVED,
  KT_CLOSE_OTHER,               /* close_note says why */
  KT_N_CLOSE_REASONS
} KtCloseReason;

typedef enum {
  KT_CHANNEL_PHONE,
  KT_CHANNEL_DESK,          /* walk-in at the wijkpunt */
  KT_CHANNEL_EMAIL,
  KT_CHANNEL_REFERRAL,      /* GP, school, housing association … */
  KT_CHANNEL_OTHER,
  KT_N_CHANNELS
} KtChannel;

typedef enum {
  KT_URGENCY_NORMAL,
  KT_URGENCY_SOON,          /* within days */
  KT_URGENCY_URGENT,        /* today */
  KT_N_URGENCIES
} KtUrgency;

typedef enum {
  KT_CONSENT_NOT_ASKED,
  KT_CONSENT_GIVEN,
  KT_CONSENT_REFUSED,
  KT_CONSENT_WITHDRAWN,
  KT_N_CONSENT_STATUSES
} KtConsentStatus;

typedef enum {
  KT_FORM_SPOKEN,
  KT_FORM_WRITTEN,          /* for the agreement: signed */
  KT_N_FORMS
} KtForm;

typedef enum {
  KT_NETWORK_INFORMAL,      /* family, friends, neighbours, carers */
  KT_NETWORK_VOLUNTEER,     /* volunteers and general provisions */
  KT_NETWORK_PROFESSIONAL,
  KT_N_NETWORK_KINDS
} KtNetworkKind;

/* A household member.  No national ID number, ever. */
typedef struct {
  char *id;
  char *name;
  int   birth_year;       /* 0 when unknown */
  char *relation;         /* relation to the applicant: "zelf", "partner", "kind" … */
} KtMember;

typedef enum {
  KT_CONSENT_EVENT_ASKED,
  KT_CONSENT_EVENT_GIVEN,
  KT_CONSENT_EVENT_REFUSED,
  KT_CONSENT_EVENT_WITHDRAWN,
  KT_N_CONSENT_EVENTS
} KtConsentEventKind;

/* One step in a consent's history; never changed or removed once recorded. */
typedef struct {
  KtConsentEventKind  kind;
  char               *date;         /* ISO date */
  KtForm              form;
  char               *recorded_by;  /* account name, or NULL when unknown */
} KtConsentEvent;

/* Consent for one purpose towards one party: a history of events (see
 * kt-consent.h).  status, date and form are the current state, always those
 * of the last event that decided something (asked leaves them alone). */
typedef struct {
  char            *id;
  char            *purpose;     /* "gegevens delen met de huisarts" */
  char            *party;       /* who receives */
  KtConsentStatus  status;
  char            *date;        /* ISO date or NULL */
  KtForm           form;
  gboolean         share_without_consent;
  char            *reasoning;   /* required when share_without_consent */
  GPtrArray       *events;      /* (element-type KtConsentEvent), oldest first */
  GStrv            receivers;   /* ids of the network persons and provisions
                                 * that receive information under it */
} KtConsent;

/* A person or organisation around the household. */
typedef struct {
  char          *id;
  char          *name;
  char          *relation;
  KtNetworkKind  kind;
  char          *organisation;
  char          *role;
  char          *contact;
  char          *frequency;   /* "elke week" */
  gboolean       unaware;     /* "weet hier niet van": does not know of the help
                               * asked; never named on paper */
  gboolean       no_contact;  /* "niet benaderen": the household does not want
                               * them approached; never offered, never printed */
} KtNetworkPerson;

/* The request as the intaker took it. */
typedef struct {
  char      *date;                 /* ISO date the request came in */
  KtChannel  channel;
  char      *question;             /* in the resident's own words */
  char      *intaker;              /* account name */
  KtUrgency  urgency;
  gboolean   safety_concern;
  char      *safety_note;
  char      *own_strength;         /* what the resident tried, who could help */
  gboolean   client_support_offered;
  gboolean   own_plan_wanted;      /* resident hands in their own plan */
} KtRequest;

typedef struct {
  KtRecordHeader  header;          /* kind == KT_KIND_CASE */

  char           *household;       /* display name: "Familie Jansen" */
  GPtrArray      *members;         /* (element-type KtMember) */
  char           *address;
  char           *phone;
  char           *email;
  KtRequest       request;
  GPtrArray      *consents;        /* (element-type KtConsent) */
  GPtrArray      *network;         /* (element-type KtNetworkPerson) */

  char           *team;
  char           *coach;           /* assigned coach's account, or NULL */
  /* The regisseur, the one value for case and plan: KT_LEAD_RESIDENT, a
   * member id, a network person id, or "coach" (see kt_case_get_lead_kind). */
  char           *lead_id;
  char           *lead_reason;     /* why not the resident (yet): "waarom nu nog niet" */
  gboolean        lead_agreed;     /* the resident agreed with who leads */
  char           *contact_person_id;
  char           *evaluator_id;

  KtPhase         phase;
  char           *conversation_deadline;  /* computed from request.date */
  char           *own_plan_deadline;      /* computed from request.date */
  char           *evaluation_date;
  char           *follow_up_date;
  char           *decision_deadline;      /* the earliest maatwerk decision awaited, from the plan */

  /* Closing and follow-up (nazorg), see kt-case-cycle.h. */
  KtCloseReason   close_reason;
  char           *close_note;        /* the reason in words; required for "other" */
  char           *close_words;       /* the resident's own words on how the help went */
  char           *closed_date;
  char           *follow_up_contact; /* who keeps in touch after closing */
  char           *follow_up_checked; /* ISO date of the last follow-up check */
  char           *follow_up_note;    /* how it goes, from that check */
  int             reopened;          /* how often a new question re-opened the case */

  gboolean        solved_at_desk;
  char           *desk_note;

  gboolean        easy_read;       /* the resident's report in short sentences, larger type */

  /* "Plan loopt vast": the coach asks the supervisor to step in
   * (doorzettingsmacht). */
  gboolean        stuck;
  char           *stuck_reason;
  char           *stuck_date;      /* ISO date the coach asked */
} KtCase;

/* The resident as regisseur, in lead_id. */
#define KT_LEAD_RESIDENT "self"
/* The coach as regisseur, in lead_id. */
#define KT_LEAD_COACH "coach"

typedef enum {
  KT_LEAD_NONE,                 /* not chosen yet */
  KT_LEAD_KIND_RESIDENT,        /* the resident or a household member */
  KT_LEAD_KIND_NETWORK,         /* someone from the network, not a professional */
  KT_LEAD_KIND_PROFESSIONAL,    /* the coach or a professional from the network */
} KtLeadKind;

#define KT_TYPE_CASE (kt_case_get_type ())
GType   kt_case_get_type (void) G_GNUC_CONST;

/* A new empty case with a fresh id, rev 0 (transfer full). */
KtCase *kt_case_new   (void);
KtCase *kt_case_ref   (KtCase *self);
void    kt_case_unref (KtCase *self);
/* A deep copy (transfer full). */
KtCase *kt_case_copy  (const KtCase *self);

KtMember        *kt_member_new           (void);
void             kt_member_free          (KtMember *member);
/* A member under 18 this year by birth year; without one, by a relation
 * such as "kind", "zoon" or "dochter". */
gboolean         kt_member_is_child      (const KtMember *member);
/* TRUE when any member of the household is a child (kt_member_is_child). */
gboolean         kt_case_has_children    (const KtCase *kase);
KtConsent       *kt_consent_new          (void);
void             kt_consent_free         (KtConsent *consent);
KtConsentEvent  *kt_consent_event_new    (void);
void             kt_consent_event_free   (KtConsentEvent *event);
KtNetworkPerson *kt_network_person_new   (void);
void             kt_network_person_free  (KtNetworkPerson *person);

/* Who leads: the resident or a member, the network, or a professional. */
KtLeadKind   kt_case_get_lead_kind (const KtCase *self);
/* Checks the regisseur: when it is not the resident or a member, a reason
 * is needed; FALSE with a translated message. */
gboolean     kt_case_check_lead    (const KtCase *self,
                                    GError      **error);
/* Marks the plan as stuck with a reason (empty reasons are refused) on
 * @date, or clears the signal when @stuck is FALSE. */
gboolean     kt_case_set_stuck     (KtCase       *self,
                                    gboolean      stuck,
                                    const char   *reason,
                                    const char   *date,
                                    GError      **error);

/* TRUE when the app may offer @person as a helper (wheel supporter, plan
 * actor, lead role): not marked "niet benaderen". */
gboolean     kt_network_person_may_suggest (const KtNetworkPerson *person);
/* TRUE when @person may be named on paper (report, take-home copies):
 * neither "niet benaderen" nor "weet hier niet van". */
gboolean     kt_network_person_may_print   (const KtNetworkPerson *person);

/* Sets the deadlines from request.date and the two periods in days. */
void         kt_case_compute_deadlines (KtCase *self,
                                        int     conversation_days,
                                        int     own_plan_days);
/* The nearest deadline that still matters in the current phase, or NULL. */
const char  *kt_case_next_deadline     (const KtCase *self);
/* FALSE with a translated message when a consent shares without consent but
 * gives no written reasoning. */
gboolean     kt_case_check_consents    (const KtCase *self,
                                        GError      **error);
KtNetworkPerson *kt_case_find_person   (const KtCase *self,
                                        const char   *person_id);

const char *kt_phase_to_string        (KtPhase phase);     /* stable id: "registered" */
gboolean    kt_phase_from_string      (const char *str, KtPhase *phase);
const char *kt_phase_get_label        (KtPhase phase);     /* translated */

/* Stable ids of the other enums, as the JSON codec writes them. */
const char *kt_close_reason_to_string   (KtCloseReason reason);   /* "goals_reached" */
gboolean    kt_close_reason_from_string (const char *str, KtCloseReason *reason);
const char *kt_close_reason_get_label   (KtCloseReason reason);   /* translated */
const char *kt_channel_to_string        (KtChannel channel);       /* "phone" */
gboolean    kt_channel_from_string      (const char *str, KtChannel *channel);
const char *kt_channel_get_label        (KtChannel channel);       /* translated */
const char *kt_urgency_to_string        (KtUrgency urgency);       /* "normal" */
gboolean    kt_urgency_from_string      (const char *str, KtUrgency *urgency);
const char *kt_urgency_get_label        (KtUrgency urgency);       /* translated */
const char *kt_consent_status_to_string (KtConsentStatus status);  /* "not_asked" */
gboolean    kt_consent_status_from_string (const char *str, KtConsentStatus *status);
const char *kt_consent_status_get_label (KtConsentStatus status);  /* translated */
const char *kt_consent_event_to_string (KtConsentEventKind kind);  /* "withdrawn" */
gboolean    kt_consent_event_from_string (const char *str, KtConsentEventKind *kind);
const char *kt_consent_event_get_label (KtConsentEventKind kind);  /* translated */
const char *kt_form_to_string           (KtForm form);             /* "spoken" */
gboolean    kt_form_from_string         (const char *str, KtForm *form);
const char *kt_form_get_label           (KtForm form);             /* translated */
const char *kt_network_kind_to_string   (KtNetworkKind kind);      /* "informal" */
gboolean    kt_network_kind_from_string (const char *str, KtNetworkKind *kind);
const char *kt_network_kind_get_label   (KtNetworkKind kind);      /* translated */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtCase, kt_case_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtMember, kt_member_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtConsent, kt_consent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtConsentEvent, kt_consent_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtNetworkPerson, kt_network_person_free)

G_END_DECLS
