/* kt-role-controller.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-role-controller"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-role-controller.h"
#include "kt-a11y.h"
#include "kt-intaker-view.h"
#include "kt-review-page.h"
#include "kt-role-client.h"
#include "kt-role-view.h"
#include "kt-supervisor-inbox.h"
#include "kt-supervisor-view.h"

struct _KtRoleController
{
  GObject               parent_instance;

  AdwBin               *main_bin;     /* (unowned) the window's */
  GtkWidget            *coach_view;   /* kept while another view shows */
  GtkWidget            *role_view;    /* (unowned) the window owns it */
  KtStore              *store;
  KtSyncClient         *sync;
  KtRoleClient         *roles;
  KtCatalogue          *catalogue;
  GCancellable         *cancellable;
  char                 *role;
  gboolean              asked;
};

G_DEFINE_FINAL_TYPE (KtRoleController, kt_role_controller, G_TYPE_OBJECT)

static void
report (KtRoleController *self,
        const char       *message)
{
  /* The messages come from the store and the sync protocol, which never put
   * client data into them; the record stays queued, so nothing is lost. */
  g_warning ("%s", message);
}

/* Every case in the store with its conversations and (unless @plans is
 * NULL) its plans (element-type the kind). */
static void
list_documents (KtRoleController *self,
                GPtrArray        *cases,
                GPtrArray        *conversations,
                GPtrArray        *plans)
{
  g_autoptr(GPtrArray) summaries = kt_store_list_cases (self->store, NULL);

  for (guint i = 0; summaries != NULL && i < summaries->len; i++)
    {
      KtCaseSummary *summary = g_ptr_array_index (summaries, i);
      g_autoptr(GPtrArray) conversation_ids = NULL;
      g_autoptr(GPtrArray) plan_ids = NULL;
      KtCase *kase = kt_store_load_case (self->store, summary->id, NULL);

      if (kase == NULL)
        continue;
      g_ptr_array_add (cases, kase);
      conversation_ids = kt_store_list_ids_for_case (self->store, KT_KIND_CONVERSATION, summary->id, NULL);
      plan_ids = kt_store_list_ids_for_case (self->store, KT_KIND_PLAN, summary->id, NULL);
      for (guint j = 0; conversation_ids != NULL && j < conversation_ids->len; j++)
        {
          KtConversation *conversation = kt_store_load_conversation (self->store, g_ptr_array_index (conversation_ids, j), NULL);
          if (conversation != NULL)
            g_ptr_array_add (conversations, conversation);
        }
      for (guint j = 0; plans != NULL && plan_ids != NULL && j < plan_ids->len; j++)
        {
          KtPlan *plan = kt_store_load_plan (self->store, g_ptr_array_index (plan_ids, j), NULL);
          if (plan != NULL)
            g_ptr_array_add (plans, plan);
        }
    }
}

/* Every plan in the store, whether its case record came along or not: the
 * supervisor reviews plans submitted in the team, and a case may arrive
 * later than its plan, or never (the server shares the plan on its own). */
static void
list_plans (KtRoleController *self,
            GPtrArray        *plans)
{
  g_autoptr(GPtrArray) ids = kt_store_list_ids (self->store, KT_KIND_PLAN, NULL);

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      KtPlan *plan = kt_store_load_plan (self->store, g_ptr_array_index (ids, i), NULL);

      if (plan != NULL)
        g_ptr_array_add (plans, plan);
    }
}

void
kt_role_controller_refresh (KtRoleController *self)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  g_autoptr(GPtrArray) conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_conversation_unref);
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);

  g_return_if_fail (KT_IS_ROLE_CONTROLLER (self));

  if (self->role_view == NULL || kt_store_is_locked (self->store))
    return;
  if (KT_IS_INTAKER_VIEW (self->role_view))
    {
      g_autoptr(GHashTable) pending = g_hash_table_new (g_str_hash, g_str_equal);
      KtOutbox *outbox = kt_sync_client_get_outbox (self->sync);

      list_documents (self, cases, conversations, plans);
      for (guint i = 0; outbox != NULL && i < cases->len; i++)
        {
          KtCase *kase = g_ptr_array_index (cases, i);

          if (kt_outbox_has_pending (outbox, kase->header.id))
            g_hash_table_add (pending, kase->header.id);
        }
      kt_intaker_view_set_registered (KT_INTAKER_VIEW (self->role_view), cases, pending);
      return;
    }
  if (!KT_IS_SUPERVISOR_VIEW (self->role_view))
    return;
  list_documents (self, cases, conversations, NULL);
  list_plans (self, plans);
  kt_supervisor_view_set_records (KT_SUPERVISOR_VIEW (self->role_view), cases, conversations, plans);
  kt_a11y_fix_tree (self->role_view);
}

/* A record the server sent back (a review result) becomes the store's copy. */
static void
keep_record (KtRoleController *self,
             KtSyncRecord     *record)
{
  KtDocument doc = { 0 };
  g_autoptr(GError) error = NULL;

  if (!kt_document_decode (record->body, &doc, &error) ||
      !kt_store_save_document (self->store, &doc, KT_SYNC_SYNCED, &error))
    report (self, error->message);
  kt_document_clear (&doc);
}

/* Intaker */

static void
on_registered (KtIntakerView    *view,
               KtCase           *kase,
               KtRoleController *self)
{
  KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };
  g_autoptr(GError) error = NULL;

  /* Kept on the device first, then queued: it goes out with the network. */
  if (!kt_store_save_document (self->store, &doc, KT_SYNC_PENDING, &error) ||
      !kt_role_client_share_registration (self->roles, kase, &error))
    report (self, error->message);
  kt_role_controller_refresh (self);
}

static void
coaches_fetched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KtRoleController) self = user_data;
  g_autoptr(GPtrArray) coaches = kt_role_client_fetch_coaches_finish (KT_ROLE_CLIENT (source), result, NULL);

  /* Offline the views keep the offline copy they started with. */
  if (coaches == NULL || self->role_view == NULL)
    return;
  if (KT_IS_INTAKER_VIEW (self->role_view))
    kt_intaker_view_set_coaches (KT_INTAKER_VIEW (self->role_view), coaches);
  else if (KT_IS_SUPERVISOR_VIEW (self->role_view))
    kt_supervisor_view_set_coaches (KT_SUPERVISOR_VIEW (self->role_view), coaches);
}

/* Supervisor */

static void
plan_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KtRoleController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncRecord) record = kt_role_client_fetch_record_finish (KT_ROLE_CLIENT (source), result, &error);

  if (record == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    report (self, error->message);
}

/* Opening a plan reads it from the server, which writes the read into its
 * audit log. */
static void
on_plan_opened (KtSupervisorInbox *inbox,
                KtPlan            *plan,
                KtRoleController  *self)
{
  kt_role_client_fetch_record_async (self->roles, plan->header.id, self->cancellable,
                                     plan_read, g_object_ref (self));
}

static void
reviewed (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KtRoleController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncRecord) record = kt_role_client_review_finish (KT_ROLE_CLIENT (source), result, &error);

  if (record == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report (self, error->message);
      return;
    }
  keep_record (self, record);
  kt_role_controller_refresh (self);
}

static void
on_decided (KtReviewPage     *page,
            KtPlan           *plan,
            KtReview         *review,
            KtRoleController *self)
{
  kt_role_client_review_async (self->roles, plan->header.id, review, self->cancellable,
                               reviewed, g_object_ref (self));
}

/* Choosing the view */

static void
show_role_view (KtRoleController *self,
                KtSyncUser       *me)
{
  GtkWidget *view = kt_role_view_new_for_role (me->role, self->coach_view, me->username, me->team);

  g_free (self->role);
  self->role = g_strdup (me->role);
  if (view == self->coach_view)
    return;

  self->role_view = view;
  kt_a11y_fix_tree (view);
  if (KT_IS_INTAKER_VIEW (view))
    g_signal_connect_object (view, "registered", G_CALLBACK (on_registered), self, 0);
  else if (KT_IS_SUPERVISOR_VIEW (view))
    {
      KtSupervisorInbox *inbox = kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (view));

      kt_supervisor_view_set_catalogue (KT_SUPERVISOR_VIEW (view), self->catalogue);
      g_signal_connect_object (inbox, "plan-opened", G_CALLBACK (on_plan_opened), self, 0);
      g_signal_connect_object (kt_supervisor_inbox_get_review_page (inbox), "decided",
                               G_CALLBACK (on_decided), self, 0);
    }
  if (KT_IS_INTAKER_VIEW (view))
    kt_intaker_view_set_sync_client (KT_INTAKER_VIEW (view), self->sync);
  else if (KT_IS_SUPERVISOR_VIEW (view))
    kt_supervisor_view_set_sync_client (KT_SUPERVISOR_VIEW (view), self->sync);
  adw_bin_set_child (self->main_bin, view);
  kt_role_controller_refresh (self);
  kt_role_client_fetch_coaches_async (self->roles, self->cancellable, coaches_fetched, g_object_ref (self));
}

static void
me_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KtRoleController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncUser) me = kt_role_client_fetch_me_finish (KT_ROLE_CLIENT (source), result, &error);

  if (me == NULL)
    {
      /* Offline or not yet: ask again on the next successful round. */
      self->asked = FALSE;
      return;
    }
  show_role_view (self, me);
}

static void
on_status_changed (KtRoleController *self)
{
  KtSyncStatus status = kt_sync_client_get_status (self->sync);

  if (self->asked || (status != KT_SYNC_STATUS_SYNCED && status != KT_SYNC_STATUS_IDLE))
    return;
  self->asked = TRUE;
  kt_role_client_fetch_me_async (self->roles, self->cancellable, me_fetched, g_object_ref (self));
}

const char *
kt_role_controller_get_role (KtRoleController *self)
{
  g_return_val_if_fail (KT_IS_ROLE_CONTROLLER (self), NULL);
  return self->role;
}

static void
kt_role_controller_dispose (GObject *object)
{
  KtRoleController *self = KT_ROLE_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->coach_view);
  g_clear_object (&self->roles);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->catalogue);
  G_OBJECT_CLASS (kt_role_controller_parent_class)->dispose (object);
}

static void
kt_role_controller_finalize (GObject *object)
{
  KtRoleController *self = KT_ROLE_CONTROLLER (object);

  g_free (self->role);
  G_OBJECT_CLASS (kt_role_controller_parent_class)->finalize (object);
}

static void
kt_role_controller_class_init (KtRoleControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kt_role_controller_dispose;
  object_class->finalize = kt_role_controller_finalize;
}

static void
kt_role_controller_init (KtRoleController *self)
{
  self->cancellable = g_cancellable_new ();
  self->role = g_strdup ("wijkcoach");
}

/* The supervisor's inbox and team view, and the intaker's list, let go of
 * every record while the store is locked; they come back on unlocking. */
static void
on_store_locked (KtRoleController *self)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();

  if (self->role_view != NULL && KT_IS_SUPERVISOR_VIEW (self->role_view))
    kt_supervisor_view_set_records (KT_SUPERVISOR_VIEW (self->role_view), none, none, none);
  else if (self->role_view != NULL && KT_IS_INTAKER_VIEW (self->role_view))
    kt_intaker_view_set_registered (KT_INTAKER_VIEW (self->role_view), NULL, NULL);
}

KtRoleController *
kt_role_controller_new (AdwBin               *main_bin,
                        GtkWidget            *coach_view,
                        KtStore              *store,
                        KtSyncClient         *sync,
                        KtCatalogue          *catalogue)
{
  KtRoleController *self = g_object_new (KT_TYPE_ROLE_CONTROLLER, NULL);

  self->main_bin = main_bin;
  /* The coach's view stays alive while another role's view is shown. */
  self->coach_view = g_object_ref (coach_view);
  self->store = g_object_ref (store);
  self->sync = g_object_ref (sync);
  self->catalogue = catalogue != NULL ? g_object_ref (catalogue) : NULL;
  self->roles = kt_role_client_new (sync);
  g_signal_connect_object (sync, "notify::status", G_CALLBACK (on_status_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "locked", G_CALLBACK (on_store_locked), self, G_CONNECT_SWAPPED);
  /* The intaker's list says what has reached the server. */
  g_signal_connect_object (sync, "notify::n-pending", G_CALLBACK (kt_role_controller_refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "unlocked", G_CALLBACK (kt_role_controller_refresh), self,
                           G_CONNECT_SWAPPED);
  on_status_changed (self);
  return self;
}
