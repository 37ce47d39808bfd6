/* kt-coverage-view.h: KtCoverageView, the whole conversation at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

#define KT_TYPE_COVERAGE_VIEW (kt_coverage_view_get_type ())
G_DECLARE_FINAL_TYPE (KtCoverageView, kt_coverage_view, KT, COVERAGE_VIEW, GtkWidget)

GtkWidget *kt_coverage_view_new              (void);
/* Shows @conversation (borrowed; the conversation page owns it).  Edits of
 * who was present, own words and notes emit ::changed. */
void       kt_coverage_view_set_conversation (KtCoverageView *self,
                                              KtCatalogue    *catalogue,
                                              KtConversation *conversation);
/* Re-reads the states of the domains. */
void       kt_coverage_view_refresh          (KtCoverageView *self);
/* Shows why the conversation cannot be completed yet; NULL hides it. */
void       kt_coverage_view_show_open        (KtCoverageView *self,
                                              const char     *message);
/* Hides the notes and the safety marks while the resident watches. */
void       kt_coverage_view_set_resident_watching (KtCoverageView *self,
                                                   gboolean        watching);
/* The notice shown by kt_coverage_view_show_open, or NULL when hidden. */
const char *kt_coverage_view_get_open_message (KtCoverageView *self);

G_END_DECLS
