/* kt-case-view.h: KtCaseView, one open household with its pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"
#include "kt-store.h"
#include "kt-key-controller.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_CASE_VIEW (kt_case_view_get_type ())
G_DECLARE_FINAL_TYPE (KtCaseView, kt_case_view, KT, CASE_VIEW, GtkWidget)

GtkWidget      *kt_case_view_new        (void);
/* Opens @kase with its latest @conversation and @plan (NULL: a new one is
 * made and saved on its first edit).  Every edit autosaves to @store. */
void            kt_case_view_set_documents (KtCaseView     *self,
                                            KtStore        *store,
                                            KtCatalogue    *catalogue,
                                            KtCase         *kase,
                                            KtConversation *conversation,
                                            KtPlan         *plan);
/* Drops every document from the view (idle lock, closing). */
void            kt_case_view_clear      (KtCaseView *self);

KtStore        *kt_case_view_get_store        (KtCaseView *self);
KtCatalogue    *kt_case_view_get_catalogue    (KtCaseView *self);
KtCase         *kt_case_view_get_case         (KtCaseView *self);
KtConversation *kt_case_view_get_conversation (KtCaseView *self);
KtPlan         *kt_case_view_get_plan         (KtCaseView *self);

/* Autosaves the case or the conversation after a page outside this view
 * (wheel, plan) changed it, and refreshes the header. */
void            kt_case_view_case_changed         (KtCaseView *self);
void            kt_case_view_conversation_changed (KtCaseView *self);

/* Page names: "intake", "conversation", "wheel", "network", "plan", "report". */
void            kt_case_view_set_visible_page (KtCaseView *self,
                                               const char *name);
const char     *kt_case_view_get_visible_page (KtCaseView *self);

/* Puts @page into the slot @name ("wheel", "plan" or "report"), replacing the
 * placeholder.  The page follows ::documents-changed and reads the documents
 * with the getters above.  (The wheel and the plan page are built in.) */
void            kt_case_view_add_page   (KtCaseView *self,
                                         const char *name,
                                         GtkWidget  *page);

/* The resident watches (meekijkstand): every page hides the notes for the
 * file and everything about safety; nothing in the documents changes.
 * Also the stateful action "case.resident-watching". */
void            kt_case_view_set_resident_watching (KtCaseView *self,
                                                    gboolean    watching);
gboolean        kt_case_view_get_resident_watching (KtCaseView *self);

/* The sync state in the case header follows @client (may be NULL). */
void            kt_case_view_set_sync_client (KtCaseView   *self,
                                              KtSyncClient *client);
/* A key problem of @keys (may be NULL) that sharing waits on is said with
 * the sync state, and the household does not say instead that it waits
 * for a connection. */
void            kt_case_view_set_key_controller (KtCaseView      *self,
                                                 KtKeyController *keys);
/* Shows the back button of a folded leaflet. */
void            kt_case_view_set_show_back (KtCaseView *self,
                                            gboolean    show_back);
/* Whether the case list, and the bar above it that says why it does not
 * sync, is on screen beside the household: then the header states the sync
 * state and keeps the reason in its tooltip; else it says it under the
 * state (folded, or the list hidden while the resident watches). */
void            kt_case_view_set_list_beside (KtCaseView *self,
                                              gboolean    beside);
/* The team's keys (element-type KtPeerKey, may be NULL), for the names of
 * the supervisors who reviewed the plan's earlier versions. */
void            kt_case_view_set_team (KtCaseView *self,
                                       GPtrArray  *team);
/* A newer copy of the open plan came from the server (a review result):
 * it is read on the store's worker and shows when it comes.  Only a plan
 * that cannot be edited (submitted or approved) is replaced, so nothing
 * typed is lost. */
void            kt_case_view_reload_plan (KtCaseView *self);
/* TRUE while a reload's read is on its way (for tests). */
gboolean        kt_case_view_is_reloading_plan (KtCaseView *self);
/* How many times the open plan's versions were read from the store since
 * the view was made (for tests). */
guint           kt_case_view_get_plan_version_reads (KtCaseView *self);

G_END_DECLS
