/* kt-report-page.h: KtReportPage, a preview of the resident's report, to save or print
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-case.h"
#include "kt-catalogue.h"
#include "kt-conversation.h"
#include "kt-plan.h"
#include "kt-report.h"

G_BEGIN_DECLS

#define KT_TYPE_REPORT_PAGE (kt_report_page_get_type ())
G_DECLARE_FINAL_TYPE (KtReportPage, kt_report_page, KT, REPORT_PAGE, AdwBin)

GtkWidget *kt_report_page_new           (void);
/* Lays the report out again from the documents and shows its pages;
 * @conversation and @plan may be NULL. */
void       kt_report_page_set_documents (KtReportPage   *self,
                                         KtCatalogue    *catalogue,
                                         KtCase         *kase,
                                         KtConversation *conversation,
                                         KtPlan         *plan);
/* The signed-in coach: a case whose coach is @account shows @name (their
 * display name) in the reports; NULL for either when nobody is signed in.
 * Takes effect at the next kt_report_page_set_documents (). */
void       kt_report_page_set_coach     (KtReportPage *self,
                                         const char   *account,
                                         const char   *name);
/* The report the page shows, NULL when none (transfer none). */
KtReport  *kt_report_page_get_report    (KtReportPage *self);
/* Which report the page shows: the resident's (the default) or the dossier
 * report; while the resident watches, always the resident's. */
void       kt_report_page_set_kind      (KtReportPage *self,
                                         KtReportKind  kind);
KtReportKind kt_report_page_get_kind    (KtReportPage *self);
/* The meekijkstand: hides the dossier choice and shows the resident's report. */
void       kt_report_page_set_resident_watching (KtReportPage *self,
                                                 gboolean      watching);
/* Drops the report and shows nothing (idle lock, closing). */
/* Who the report may be for: "For the resident", then one "A copy for …"
 * per consent given and in force (a GtkStringList). */
GListModel *kt_report_page_get_copy_choices (KtReportPage *self);
void       kt_report_page_clear         (KtReportPage *self);
/* How many pages the preview shows. */
guint      kt_report_page_get_n_pages   (KtReportPage *self);
/* Writes the PDF to @file in a worker thread and says where it went. */
void       kt_report_page_save_to       (KtReportPage *self,
                                         GFile        *file);
/* Says first that @file will not be encrypted and where it goes; writes it
 * only when the coach goes ahead (what Save does after its file chooser). */
void       kt_report_page_confirm_save_to (KtReportPage *self,
                                           GFile        *file);

G_END_DECLS
