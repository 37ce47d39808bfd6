/* kt-team-counts.h: KtTeamCounts, the team overview's three counts kept
 * up to date record by record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kt-team-overview.h"

G_BEGIN_DECLS

#define KT_TYPE_TEAM_COUNTS (kt_team_counts_get_type ())
G_DECLARE_FINAL_TYPE (KtTeamCounts, kt_team_counts, KT, TEAM_COUNTS, GObject)

/* Empty counts. */
KtTeamCounts *kt_team_counts_new              (void);

/* Takes the whole set of records the supervisor can read (@cases,
 * @conversations and @plans hold KtCase, KtConversation and KtPlan; any may
 * be NULL) on @today.  A record that is the same object as the last time
 * is not looked at again: only the cases that are new, changed (another
 * object for the same id) or whose conversations or plans are, are counted
 * again, so that a batch from the server costs what came, not the whole
 * team (issue 22).  When records went away or the day changed, everything
 * is counted again.  The counts equal those of kt_team_overview_new () on
 * the same records. */
void          kt_team_counts_set_records      (KtTeamCounts *self,
                                               GPtrArray    *cases,
                                               GPtrArray    *conversations,
                                               GPtrArray    *plans,
                                               const GDate  *today);

/* Open cases without a coach, late for their first conversation, and with
 * an evaluation in today's week or passed: the lengths of the overview's
 * unassigned, overdue and evaluations-due lists. */
guint         kt_team_counts_get_unassigned      (KtTeamCounts *self);
guint         kt_team_counts_get_overdue         (KtTeamCounts *self);
guint         kt_team_counts_get_evaluations_due (KtTeamCounts *self);

G_END_DECLS
