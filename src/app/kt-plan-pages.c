/* kt-plan-pages.c: the Report page of an open case
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-plan-pages"

#include "config.h"

#include "kt-plan-pages.h"

#include "kt-case-view-private.h"
#include "kt-report-page.h"

/* Lays the report out from what the view holds now. */
static void
refresh (KtReportPage *page,
         KtCaseView   *view)
{
  KtCatalogue *catalogue = kt_case_view_get_catalogue (view);
  KtCase *kase = kt_case_view_get_case (view);

  if (catalogue == NULL || kase == NULL)
    {
      /* Locked or closed: no client data stays on screen. */
      kt_report_page_clear (page);
      return;
    }
  if (gtk_widget_get_mapped (GTK_WIDGET (page)))
    {
      KtSyncClient *client = kt_case_view_get_sync_client (view);
      gboolean signed_in = client != NULL && kt_sync_client_is_signed_in (client);

      /* The resident knows their coach by name, not by account. */
      kt_report_page_set_coach (page, signed_in ? kt_sync_client_get_username (client) : NULL,
                                signed_in ? kt_sync_client_get_display_name (client) : NULL);
      kt_report_page_set_documents (page, catalogue, kase, kt_case_view_get_conversation (view),
                                    kt_case_view_get_plan (view));
    }
}

static void
documents_changed_cb (KtCaseView   *view,
                      KtReportPage *page)
{
  refresh (page, view);
}

static void
page_mapped_cb (KtReportPage *page,
                KtCaseView   *view)
{
  refresh (page, view);
}

static void
watching_changed_cb (KtCaseView   *view,
                     GParamSpec   *pspec,
                     KtReportPage *page)
{
  kt_report_page_set_resident_watching (page, kt_case_view_get_resident_watching (view));
}

void
kt_plan_pages_attach (KtCaseView *view)
{
  KtReportPage *page;

  g_return_if_fail (KT_IS_CASE_VIEW (view));

  page = KT_REPORT_PAGE (kt_report_page_new ());
  /* The page lives in the view, so it never outlives the handlers' data. */
  g_signal_connect_object (view, "documents-changed", G_CALLBACK (documents_changed_cb), page, 0);
  g_signal_connect_object (view, "notify::resident-watching", G_CALLBACK (watching_changed_cb), page, 0);
  kt_report_page_set_resident_watching (page, kt_case_view_get_resident_watching (view));
  g_signal_connect (page, "map", G_CALLBACK (page_mapped_cb), view);
  kt_case_view_add_page (view, "report", GTK_WIDGET (page));
}
