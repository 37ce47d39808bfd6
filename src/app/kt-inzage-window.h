/* kt-inzage-window.h: KtInzageWindow, "Alles wat we over u bewaren":
 * everything held about a household, to hand over (AVG art. 15 and 20)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"
#include "kt-store.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_INZAGE_WINDOW (kt_inzage_window_get_type ())
G_DECLARE_FINAL_TYPE (KtInzageWindow, kt_inzage_window, KT, INZAGE_WINDOW, AdwWindow)

/* A window for @kase, its conversations and plan versions from @store (the
 * ones open in the app, @conversation and @plan, stand in for their stored
 * copies); @sync (may be NULL) asks the server who read the plan.  @names
 * (may be NULL; not changed afterwards) maps the team's accounts to their
 * display names, for the report (kt_report_new_inzage). */
GtkWidget *kt_inzage_window_new        (GtkWindow      *parent,
                                        KtCatalogue    *catalogue,
                                        KtStore        *store,
                                        KtCase         *kase,
                                        KtConversation *conversation,
                                        KtPlan         *plan,
                                        KtSyncClient   *sync,
                                        GHashTable     *names);
/* Writes the PDF and the JSON into @folder (what the Save button does after
 * its folder dialog). */
void       kt_inzage_window_save_to    (KtInzageWindow *self,
                                        GFile          *folder);
/* Writes the latest plan as a FHIR R4 bundle to @file (what the FHIR
 * button does after its file dialog). */
void       kt_inzage_window_save_fhir_to (KtInzageWindow *self,
                                          GFile          *file);
/* The status line under the save button (for tests). */
const char *kt_inzage_window_get_status (KtInzageWindow *self);
/* The group that lists who read the plan. */
AdwPreferencesGroup *kt_inzage_window_get_reads_group (KtInzageWindow *self);

G_END_DECLS
