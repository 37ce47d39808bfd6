/* kt-team-view.h: KtTeamView, the supervisor's picture of the team today
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"
#include "kt-team-overview.h"

G_BEGIN_DECLS

#define KT_TYPE_TEAM_VIEW (kt_team_view_get_type ())
G_DECLARE_FINAL_TYPE (KtTeamView, kt_team_view, KT, TEAM_VIEW, AdwBin)

GtkWidget      *kt_team_view_new           (void);
void            kt_team_view_set_catalogue (KtTeamView  *self,
                                            KtCatalogue *catalogue);
/* The team's coaches (element-type KtCoach): names, and coaches without cases. */
void            kt_team_view_set_coaches   (KtTeamView  *self,
                                            GPtrArray   *coaches);
/* Every record the supervisor can read; recomputes the overview. */
void            kt_team_view_set_records   (KtTeamView  *self,
                                            GPtrArray   *cases,
                                            GPtrArray   *conversations,
                                            GPtrArray   *plans);
/* While the records are read from the store: the view says it is loading. */
void            kt_team_view_set_loading   (KtTeamView  *self,
                                            gboolean     loading);
/* The day the deadlines count from (tests); NULL means today. */
void            kt_team_view_set_today     (KtTeamView  *self,
                                            const GDate *today);
/* The overview on screen (transfer none), or NULL before the catalogue is
 * set or while the view is not shown (its lists are made when it is). */
KtTeamOverview *kt_team_view_get_overview  (KtTeamView  *self);
/* TRUE while any open case is late for its first conversation or has no
 * coach: the switcher marks the team page. */
gboolean        kt_team_view_needs_attention (KtTeamView *self);

G_END_DECLS
