/* kt-report.h: KtReport, the report the resident takes home (or the dossier
 * report for the file), as PDF pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <cairo.h>

#include "kt-case.h"
#include "kt-catalogue.h"
#include "kt-conversation.h"
#include "kt-plan.h"

G_BEGIN_DECLS

/* A4 in PostScript points. */
#define KT_REPORT_PAGE_WIDTH  595.276
#define KT_REPORT_PAGE_HEIGHT 841.890

#define KT_REPORT_ERROR (kt_report_error_quark ())
GQuark kt_report_error_quark (void);

typedef enum {
  KT_REPORT_ERROR_WRITE,        /* the PDF could not be written */
} KtReportError;

typedef enum {
  KT_REPORT_RESIDENT,           /* what may go home: built from kt-take-home.h */
  KT_REPORT_DOSSIER,            /* everything, for the file; never handed over */
  KT_REPORT_INZAGE,             /* everything held, for the resident who asks
                                 * (AVG art. 15), the professional notes in a
                                 * marked section the coach reviews first */
} KtReportKind;

#define KT_TYPE_REPORT (kt_report_get_type ())
G_DECLARE_FINAL_TYPE (KtReport, kt_report, KT, REPORT, GObject)

/* The resident's report, from the take-home copies of the documents only;
 * @conversation and @plan may be NULL (transfer full). */
KtReport *kt_report_new           (KtCatalogue          *catalogue,
                                   const KtCase         *kase,
                                   const KtConversation *conversation,
                                   const KtPlan         *plan);
/* The dossier report for the file: everything the resident's report leaves
 * out (safety, the safety plan, sharing without consent, notes for the file),
 * with "Dossier — do not hand over" on every page (transfer full). */
KtReport *kt_report_new_dossier   (KtCatalogue          *catalogue,
                                   const KtCase         *kase,
                                   const KtConversation *conversation,
                                   const KtPlan         *plan);
/* The resident's report as a copy for the party of the consent @consent_id,
 * saying so on its first page; NULL unless that consent is given and in
 * force (see kt_case_share_choices) (transfer full). */
KtReport *kt_report_new_copy_for  (KtCatalogue          *catalogue,
                                   const KtCase         *kase,
                                   const KtConversation *conversation,
                                   const KtPlan         *plan,
                                   const char           *consent_id);
/* "Alles wat we over u bewaren": the case, every conversation
 * (element-type KtConversation) and every plan version (element-type KtPlan)
 * of the household, consents with their history, and the professional notes
 * in their own marked section (transfer full).  @names (may be NULL) maps
 * accounts to the names people know them by (element-type utf8 utf8),
 * for who recorded a consent; an account it lacks is printed as it is.
 * It is not changed afterwards (the report keeps a reference). */
KtReport *kt_report_new_inzage    (KtCatalogue          *catalogue,
                                   const KtCase         *kase,
                                   GPtrArray            *conversations,
                                   GPtrArray            *plans,
                                   GHashTable           *names);
/* Which kind of report this is. */
KtReportKind kt_report_get_kind   (KtReport *self);
/* How many A4 pages the report takes. */
guint     kt_report_get_n_pages   (KtReport *self);
/* Draws page @page (from 0) in points with its origin at the top left. */
void      kt_report_draw_page     (KtReport *self,
                                   cairo_t  *cr,
                                   guint     page);
/* Writes the whole report as a PDF file (blocking: for tests and threads). */
gboolean  kt_report_write_pdf     (KtReport   *self,
                                   const char *path,
                                   GError    **error);
/* Writes the PDF in a worker thread. */
void      kt_report_write_pdf_async  (KtReport            *self,
                                      GFile               *file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean  kt_report_write_pdf_finish (KtReport      *self,
                                      GAsyncResult  *result,
                                      GError       **error);

/* How the report names who does an action: "Ans de Vries (netwerk)" (transfer full). */
char     *kt_report_describe_actor (const KtCase   *kase,
                                    const KtAction *action);

G_END_DECLS
