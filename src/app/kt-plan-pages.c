/* kt-plan-pages.c: the Wheel, Plan and Report pages of an open case
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-plan-pages"

#include "config.h"

#include "kt-plan-pages.h"

#include "kt-plan-page.h"
#include "kt-report-page.h"
#include "kt-wheel-page.h"

typedef struct {
  KtCaseView   *view;       /* not owned: the pages live inside it */
  KtWheelPage  *wheel_page;
  KtPlanPage   *plan_page;
  KtReportPage *report_page;
  KtPlan       *plan;
  gboolean      loading;
} PlanPages;

static void
plan_pages_free (gpointer data)
{
  PlanPages *pages = data;

  g_clear_pointer (&pages->plan, kt_plan_unref);
  g_free (pages);
}

KtPlan *
kt_plan_pages_load_plan (KtStore *store,
                         KtCase  *kase)
{
  g_autoptr(GPtrArray) ids = NULL;
  KtPlan *plan = NULL;

  g_return_val_if_fail (kase != NULL, NULL);

  if (store != NULL)
    ids = kt_store_list_ids_for_case (store, KT_KIND_PLAN, kase->header.id, NULL);
  /* Oldest first: the newest readable one is the plan in force. */
  for (guint i = ids != NULL ? ids->len : 0; plan == NULL && i > 0; i--)
    plan = kt_store_load_plan (store, g_ptr_array_index (ids, i - 1), NULL);
  if (plan == NULL)
    {
      plan = kt_plan_new ();
      plan->case_id = g_strdup (kase->header.id);
      plan->question = g_strdup (kase->request.question);
    }
  return plan;
}

/* Gives every page the view's documents again. */
static void
refresh (PlanPages *pages)
{
  KtCatalogue *catalogue = kt_case_view_get_catalogue (pages->view);
  KtCase *kase = kt_case_view_get_case (pages->view);
  KtConversation *conversation = kt_case_view_get_conversation (pages->view);

  if (catalogue == NULL || kase == NULL || conversation == NULL || pages->plan == NULL)
    return;
  pages->loading = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (pages->wheel_page)))
    kt_wheel_page_set_documents (pages->wheel_page, catalogue, kase, conversation, pages->plan);
  if (gtk_widget_get_mapped (GTK_WIDGET (pages->plan_page)))
    kt_plan_page_set_documents (pages->plan_page, catalogue, kase, conversation, pages->plan);
  if (gtk_widget_get_mapped (GTK_WIDGET (pages->report_page)))
    kt_report_page_set_documents (pages->report_page, catalogue, kase, conversation, pages->plan);
  pages->loading = FALSE;
}

static void
documents_changed_cb (KtCaseView *view,
                      PlanPages  *pages)
{
  KtCase *kase = kt_case_view_get_case (view);

  g_clear_pointer (&pages->plan, kt_plan_unref);
  if (kase == NULL)
    {
      /* Locked or closed: no client data stays on screen. */
      kt_wheel_page_clear (pages->wheel_page);
      kt_plan_page_clear (pages->plan_page);
      kt_report_page_clear (pages->report_page);
      return;
    }
  pages->plan = kt_plan_pages_load_plan (kt_case_view_get_store (view), kase);
  refresh (pages);
}

static void
wheel_changed_cb (KtWheelPage *page,
                  PlanPages   *pages)
{
  if (!pages->loading)
    kt_case_view_conversation_changed (pages->view);
}

static void
plan_changed_cb (KtPlanPage *page,
                 PlanPages  *pages)
{
  KtPlan *plan = kt_plan_page_get_plan (page);
  KtStore *store = kt_case_view_get_store (pages->view);

  if (pages->loading)
    return;
  /* "New version" hands us a new document. */
  if (plan != pages->plan)
    {
      g_clear_pointer (&pages->plan, kt_plan_unref);
      pages->plan = kt_plan_ref (plan);
    }
  if (store != NULL)
    kt_store_autosave_plan (store, plan);
}

static void
page_mapped_cb (GtkWidget *page,
                PlanPages *pages)
{
  refresh (pages);
}

void
kt_plan_pages_attach (KtCaseView *view)
{
  PlanPages *pages;

  g_return_if_fail (KT_IS_CASE_VIEW (view));

  pages = g_new0 (PlanPages, 1);
  pages->view = view;
  pages->wheel_page = KT_WHEEL_PAGE (kt_wheel_page_new ());
  pages->plan_page = KT_PLAN_PAGE (kt_plan_page_new ());
  pages->report_page = KT_REPORT_PAGE (kt_report_page_new ());
  g_object_set_data_full (G_OBJECT (view), "kt-plan-pages", pages, plan_pages_free);

  g_signal_connect (pages->wheel_page, "changed", G_CALLBACK (wheel_changed_cb), pages);
  g_signal_connect (pages->plan_page, "changed", G_CALLBACK (plan_changed_cb), pages);
  /* A page shown again picks up what other pages changed meanwhile. */
  g_signal_connect (pages->wheel_page, "map", G_CALLBACK (page_mapped_cb), pages);
  g_signal_connect (pages->plan_page, "map", G_CALLBACK (page_mapped_cb), pages);
  g_signal_connect (pages->report_page, "map", G_CALLBACK (page_mapped_cb), pages);
  g_signal_connect (view, "documents-changed", G_CALLBACK (documents_changed_cb), pages);

  kt_case_view_add_page (view, "wheel", GTK_WIDGET (pages->wheel_page));
  kt_case_view_add_page (view, "plan", GTK_WIDGET (pages->plan_page));
  kt_case_view_add_page (view, "report", GTK_WIDGET (pages->report_page));
  documents_changed_cb (view, pages);
}
