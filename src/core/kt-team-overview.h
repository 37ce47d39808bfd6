/* kt-team-overview.h: KtTeamOverview, what needs a supervisor's team today
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kt-case.h"
#include "kt-catalogue.h"
#include "kt-conversation.h"
#include "kt-plan.h"

G_BEGIN_DECLS

/* Open cases of one coach.  The list is sorted by account name, never by
 * count: the overview does not rank professionals. */
typedef struct {
  char  *coach;                 /* account name */
  guint  n_cases;
} KtCaseload;

/* How many of the team's open cases carry a concern in one life domain.
 * A count only: no case, no household, no coach behind it. */
typedef struct {
  char  *domain_id;
  char  *name;                  /* translated, from the catalogue */
  guint  n_cases;
} KtDomainCount;

#define KT_TYPE_TEAM_OVERVIEW (kt_team_overview_get_type ())
G_DECLARE_FINAL_TYPE (KtTeamOverview, kt_team_overview, KT, TEAM_OVERVIEW, GObject)

/* Computes the overview from every record the supervisor can read.
 * @cases, @conversations and @plans hold KtCase, KtConversation and KtPlan
 * pointers (any may be NULL); @coaches (NULL-terminated, may be NULL) are
 * the team's coaches, so that a coach without cases still shows.  @today is
 * passed in so that the figures can be tested. */
KtTeamOverview *kt_team_overview_new (KtCatalogue        *catalogue,
                                      GPtrArray          *cases,
                                      GPtrArray          *conversations,
                                      GPtrArray          *plans,
                                      const char * const *coaches,
                                      const GDate        *today);

/* Open requests without a coach (element-type KtCase, transfer none),
 * oldest request first. */
GPtrArray *kt_team_overview_get_unassigned      (KtTeamOverview *self);
/* Open cases whose coach says the plan is stuck and asks for help
 * (doorzettingsmacht) (element-type KtCase, transfer none), longest
 * waiting first. */
GPtrArray *kt_team_overview_get_stuck           (KtTeamOverview *self);
/* Open cases whose conversation has not taken place by its deadline
 * (element-type KtCase, transfer none), most overdue first. */
GPtrArray *kt_team_overview_get_overdue         (KtTeamOverview *self);
/* Open cases with an evaluation in today's week, Monday to Sunday, or an
 * evaluation date already passed (element-type KtCase, transfer none),
 * earliest first. */
GPtrArray *kt_team_overview_get_evaluations_due (KtTeamOverview *self);
/* Cases closed in one month, by reason. */
typedef struct {
  char  *month;                          /* "2026-11" */
  guint  n_closed;
  guint  by_reason[KT_N_CLOSE_REASONS];  /* indexed by KtCloseReason */
} KtClosedMonth;

/* How one wheel segment moved at the households' latest evaluations,
 * summed over the team (never per professional). */
typedef struct {
  guint up;
  guint same;
  guint down;
} KtWheelMovement;

/* Months with closed cases in the year up to today, newest first
 * (element-type KtClosedMonth, transfer none). */
GPtrArray *kt_team_overview_get_closed_by_month (KtTeamOverview *self);
/* The movement of @segment over every household whose latest
 * conversation is an evaluation (transfer none). */
const KtWheelMovement *kt_team_overview_get_wheel_movement (KtTeamOverview *self,
                                                            KtSegment       segment);

/* Closed cases whose follow-up check falls in today's week or has passed
 * (element-type KtCase, transfer none), earliest first. */
GPtrArray *kt_team_overview_get_follow_ups_due  (KtTeamOverview *self);
/* (element-type KtCaseload, transfer none), by account name. */
GPtrArray *kt_team_overview_get_caseloads       (KtTeamOverview *self);
/* (element-type KtDomainCount, transfer none), one per catalogue domain in
 * catalogue order, zero counts included. */
GPtrArray *kt_team_overview_get_domain_counts   (KtTeamOverview *self);
/* The largest count in the domain counts, for scaling a chart. */
guint      kt_team_overview_get_max_domain_count (KtTeamOverview *self);

/* Which of the overview's three counts one case is in. */
typedef enum {
  KT_TEAM_CASE_UNASSIGNED     = 1 << 0,
  KT_TEAM_CASE_OVERDUE        = 1 << 1,
  KT_TEAM_CASE_EVALUATION_DUE = 1 << 2,
} KtTeamCaseFlags;

/* The counts @kase is in on @today: @conversation_held when a first
 * conversation of the case was completed, @latest_plan its plan's newest
 * version (or NULL).  The one rule behind the overview's unassigned,
 * overdue and evaluations-due lists. */
KtTeamCaseFlags kt_team_overview_classify_case (const KtCase *kase,
                                                gboolean      conversation_held,
                                                const KtPlan *latest_plan,
                                                const GDate  *today);

/* TRUE while a case still needs the team: not solved at the desk, not
 * closed and not in follow-up. */
gboolean   kt_case_is_open                      (const KtCase *kase);
/* TRUE when a discussed domain entry carries a concern: a written concern,
 * a self-reliance level of 1 or 2, or a safety flag. */
gboolean   kt_domain_entry_has_concern          (const KtDomainEntry *entry);

G_END_DECLS
