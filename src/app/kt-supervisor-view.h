/* kt-supervisor-view.h: KtSupervisorView, the supervisor's main view: the
 * review inbox and the team view in one view stack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-supervisor-inbox.h"
#include "kt-team-view.h"
#include "kt-key-controller.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_SUPERVISOR_VIEW (kt_supervisor_view_get_type ())
G_DECLARE_FINAL_TYPE (KtSupervisorView, kt_supervisor_view, KT, SUPERVISOR_VIEW, AdwBin)

GtkWidget         *kt_supervisor_view_new           (void);
KtSupervisorInbox *kt_supervisor_view_get_inbox     (KtSupervisorView *self);
KtTeamView        *kt_supervisor_view_get_team_view (KtSupervisorView *self);
AdwViewStack      *kt_supervisor_view_get_stack     (KtSupervisorView *self);
/* Passes on to the inbox and the team view. */
void               kt_supervisor_view_set_catalogue (KtSupervisorView *self,
                                                     KtCatalogue      *catalogue);
void               kt_supervisor_view_set_coaches   (KtSupervisorView *self,
                                                     GPtrArray        *coaches);
/* The team's keys (element-type KtPeerKey, may be NULL): the reviewers' names. */
void               kt_supervisor_view_set_team      (KtSupervisorView *self,
                                                     GPtrArray        *team);
void               kt_supervisor_view_set_records   (KtSupervisorView *self,
                                                     GPtrArray        *cases,
                                                     GPtrArray        *conversations,
                                                     GPtrArray        *plans);
/* The same, the inbox built on a thread and its rows added a few a turn
 * (the role controller's records: the whole team's). */
void               kt_supervisor_view_update_records (KtSupervisorView *self,
                                                      GPtrArray        *cases,
                                                      GPtrArray        *conversations,
                                                      GPtrArray        *plans);
/* While the role controller reads the records on the store's worker, the
 * inbox and the team view say they are loading. */
void               kt_supervisor_view_set_loading   (KtSupervisorView *self,
                                                     gboolean          loading);
/* TRUE while loading, and while the inbox is still built or filled. */
gboolean           kt_supervisor_view_get_loading   (KtSupervisorView *self);
/* Follows @client in the header's sync button. */
void               kt_supervisor_view_set_sync_client (KtSupervisorView *self,
                                                       KtSyncClient     *client);
/* And @keys' problems there (kt_sync_button_set_key_controller ()). */
void               kt_supervisor_view_set_key_controller (KtSupervisorView *self,
                                                          KtKeyController  *keys);
void               kt_supervisor_view_set_today     (KtSupervisorView *self,
                                                     const GDate      *today);

G_END_DECLS
