/* kt-case-view.c: KtCaseView, one open household with its pages
 *
 * The header says whose case it is, its phase and the next deadline; the
 * view stack holds Request · Conversation · Wheel · Network · Plan · Progress ·
 * Report.
 * Every edit a page reports is autosaved through the store, and every page
 * change flushes what is pending.
 *
 * Opening a case fills only the page on screen; each other page takes the
 * case when it is first shown (or asked for by its accessor), so that
 * looking through ten households does not build ten conversations, plans
 * and wheels nobody looked at (issue 22).
 *
 * The view also holds the resident-watching mode (meekijkstand): when the
 * screen turns to the resident, every page hides the notes for the file and
 * everything about safety.  It switches itself on when the Wheel, the Plan or
 * the Report opens while the household is being met (from the conversation
 * until the case is closed), and never off by itself while the same case
 * stays open, so a page change never shows what was hidden.
 * Another case starts from that default again; an idle lock keeps it for
 * the case that comes back after unlocking.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-case-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-case-view.h"
#include "kt-inzage-window.h"
#include "kt-case-view-private.h"
#include "kt-a11y.h"
#include "kt-app-util.h"
#include "kt-conversation-page.h"
#include "kt-intake-page.h"
#include "kt-peer-keys.h"
#include "kt-network-page.h"
#include "kt-plan-page.h"
#include "kt-wheel-page.h"
#include "kt-sync-status-widget.h"

struct _KtCaseView
{
  GtkWidget             parent_instance;

  GtkWidget            *box;
  GtkWidget            *back_button;
  AdwViewSwitcherTitle *switcher_title;
  GtkWidget            *case_header;
  GtkWidget            *title_box;
  GtkWidget            *watching_banner;
  GtkWidget            *share_banner;
  GtkImage             *share_image;
  GtkLabel             *share_label;
  GtkLabel             *household_label;
  GtkWidget            *safety_image;
  GtkLabel             *phase_label;
  GtkLabel             *deadline_label;
  KtSyncStatusWidget   *sync_status;
  KtSyncClient         *sync_client;
  KtKeyController      *keys;
  AdwViewStack         *view_stack;
  KtIntakePage         *intake_page;
  KtConversationPage   *conversation_page;
  KtNetworkPage        *network_page;
  AdwBin               *wheel_slot;
  AdwBin               *plan_slot;
  AdwBin               *report_slot;
  AdwBin               *progress_slot;

  KtStore              *store;
  KtCatalogue          *catalogue;
  KtCase               *kase;
  KtConversation       *conversation;
  KtPlan               *plan;
  KtWheelPage          *wheel_page;
  KtPlanPage           *plan_page;
  guint                 prebuild_id;   /* the plan page made while idle */
  GPtrArray            *team;       /* (element-type KtPeerKey) */
  /* Every stored version of the open plan (element-type KtPlan), read on
   * a worker once per household opened and again when its plan changes;
   * NULL until read.  A read on its way can be cancelled. */
  GPtrArray            *plan_versions;
  GCancellable         *versions_cancellable;
  guint                 version_reads;
  /* kt_case_view_reload_plan ()'s read of the newest plan, on its way. */
  GCancellable         *reload_cancellable;
  /* Who makes the Report and Progress pages when first shown. */
  KtCaseViewPageMaker   make_report;
  KtCaseViewPageMaker   make_progress;
  gboolean              report_made;
  gboolean              progress_made;

  gboolean              resident_watching;
  char                 *watching_case_id;  /* the case the mode was set for */

  /* Pages that still show an earlier case (StalePage bits). */
  guint                 stale;

  /* Why the last submit of a household did not reach the outbox, in
   * words, shown in its share banner until a submit of it succeeds. */
  char                 *share_failure;
  char                 *share_failure_case_id;
  /* Records and households with a share on the sync client's worker, each
   * id → how many: shown as waiting to be sent, never as sent. */
  GHashTable           *sharing;
  /* Whether the server has the open plan, as update_share_state () found:
   * the header's "Plan waits to be sent" or "Plan submitted". */
  gboolean              plan_shared;
};

G_DEFINE_FINAL_TYPE (KtCaseView, kt_case_view, GTK_TYPE_WIDGET)

typedef enum {
  STALE_INTAKE       = 1 << 0,
  STALE_CONVERSATION = 1 << 1,
  STALE_NETWORK      = 1 << 2,
  STALE_WHEEL        = 1 << 3,
  STALE_PLAN         = 1 << 4,
  STALE_ALL          = (1 << 5) - 1
} StalePage;

enum {
  PROP_0,
  PROP_RESIDENT_WATCHING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CASE_CHANGED,
  DOCUMENTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
refresh_header (KtCaseView *self)
{
  const char *household;
  g_autofree char *phase = NULL;
  g_autofree char *deadline = NULL;
  g_autofree char *subtitle = NULL;
  gboolean overdue = FALSE;
  KtDue due;

  if (self->kase == NULL)
    return;
  household = self->kase->household != NULL ? self->kase->household : _("New household");
  /* As the household's row says it: the plan's review while it is made
   * and reviewed. */
  phase = kt_app_describe_stage (self->kase->phase,
                                 self->plan != NULL && g_strcmp0 (self->plan->case_id, self->kase->header.id) == 0
                                 ? self->plan->version : 0,
                                 self->plan != NULL ? self->plan->review : KT_REVIEW_DRAFT, self->plan_shared);
  due = kt_case_next_due (self->kase, NULL);
  deadline = kt_due_describe (due.kind, due.date, NULL, &overdue);

  gtk_label_set_label (self->household_label, household);
  gtk_label_set_label (self->phase_label, phase);
  gtk_label_set_label (self->deadline_label, deadline != NULL ? deadline : "");
  gtk_widget_set_visible (GTK_WIDGET (self->deadline_label), deadline != NULL);
  if (overdue)
    gtk_widget_add_css_class (GTK_WIDGET (self->deadline_label), "deadline-overdue");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->deadline_label), "deadline-overdue");
  gtk_widget_set_visible (self->safety_image,
                          self->kase->request.safety_concern && !self->resident_watching);

  /* Shown by the switcher title when the window is too narrow for tabs. */
  adw_view_switcher_title_set_title (self->switcher_title, household);
  /* "Gesprek: nog 42 dagen", not "Gesprek · Gesprek: nog 42 dagen"; the wide
   * header keeps both, the phase as a badge of its own.  Where the plan
   * stands is not the phase: "Plan goedgekeurd · Plan: nog 7 dagen". */
  if (deadline == NULL)
    subtitle = g_strdup (phase);
  else if (kt_due_kind_names_phase (due.kind, self->kase->phase) &&
           g_strcmp0 (phase, kt_phase_get_label (self->kase->phase)) == 0)
    subtitle = g_strdup (deadline);
  else
    subtitle = g_strdup_printf (_("%s · %s"), phase, deadline);
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
}

/* Every page hides its own professional-only and safety widgets. */
static void
apply_resident_watching (KtCaseView *self)
{
  gboolean watching = self->resident_watching;

  gtk_widget_set_visible (self->watching_banner, watching);
  /* The list, and the sync controls above it, hide while the resident
   * watches; the reason under the header stays, without its button. */
  kt_sync_status_widget_set_show_action (self->sync_status, !watching);
  kt_intake_page_set_resident_watching (self->intake_page, watching);
  kt_conversation_page_set_resident_watching (self->conversation_page, watching);
  if (self->plan_page != NULL)
    kt_plan_page_set_resident_watching (self->plan_page, watching);
  refresh_header (self);
}

void
kt_case_view_set_resident_watching (KtCaseView *self,
                                    gboolean    watching)
{
  g_return_if_fail (KT_IS_CASE_VIEW (self));

  watching = !!watching;
  if (self->resident_watching == watching)
    return;
  self->resident_watching = watching;
  apply_resident_watching (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESIDENT_WATCHING]);
}

gboolean
kt_case_view_get_resident_watching (KtCaseView *self)
{
  g_return_val_if_fail (KT_IS_CASE_VIEW (self), FALSE);
  return self->resident_watching;
}

/* On by default on the Wheel, the Plan and the Report whenever the coach
 * meets the household: those pages are the ones turned to the resident, and
 * the plan is mostly written with them, not only during the conversation
 * (DESIGN §9).  Before the first visit and after closing it stays off. */
static gboolean
watching_by_default (KtCaseView *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);

  if (self->kase == NULL || self->kase->phase == KT_PHASE_REGISTERED ||
      self->kase->phase == KT_PHASE_CLOSED)
    return FALSE;
  return g_strcmp0 (page, "wheel") == 0 || g_strcmp0 (page, "plan") == 0 ||
         g_strcmp0 (page, "report") == 0;
}

void
kt_case_view_case_changed (KtCaseView *self)
{
  g_return_if_fail (KT_IS_CASE_VIEW (self));

  if (self->kase == NULL || self->store == NULL)
    return;
  kt_store_autosave_case (self->store, self->kase);
  refresh_header (self);
  g_signal_emit (self, signals[CASE_CHANGED], 0);
}

static void
advance_phase (KtCaseView *self,
               KtPhase     phase)
{
  if (self->kase->phase >= phase)
    return;
  self->kase->phase = phase;
  kt_case_view_case_changed (self);
}

void
kt_case_view_conversation_changed (KtCaseView *self)
{
  g_return_if_fail (KT_IS_CASE_VIEW (self));

  if (self->conversation == NULL || self->store == NULL)
    return;
  kt_store_autosave_conversation (self->store, self->conversation);
  advance_phase (self, KT_PHASE_CONVERSATION);
}

static void
on_plan_changed (KtCaseView *self)
{
  KtPlan *shown = kt_plan_page_get_plan (self->plan_page);

  /* "New version" on the plan page hands over a new document. */
  if (shown != NULL && shown != self->plan)
    {
      g_clear_pointer (&self->plan, kt_plan_unref);
      self->plan = kt_plan_ref (shown);
    }
  if (self->plan != NULL && self->store != NULL)
    kt_store_autosave_plan (self->store, self->plan);
  /* A maatwerk request's decision term shows in the case's next due. */
  if (self->plan != NULL && self->kase != NULL)
    {
      int terms[KT_N_LEGAL_BASES];

      kt_app_get_decision_terms (terms);
      if (kt_case_update_decision_deadline (self->kase, self->plan, terms))
        kt_case_view_case_changed (self);
    }
}

static gboolean
is_sharing (KtCaseView *self,
            const char *id)
{
  return self->sharing != NULL && g_hash_table_contains (self->sharing, id);
}

/* What the server has of this household, on the page itself: in words,
 * with what to do when it refused something (issue 20). */
static void
update_share_state (KtCaseView *self)
{
  g_autofree char *reason = NULL;
  g_autofree char *plan_reason = NULL;
  g_autofree char *text = NULL;
  KtShareState state = KT_SHARE_LOCAL;
  KtShareState plan_state = KT_SHARE_LOCAL;

  if (self->sync_client != NULL && self->kase != NULL)
    state = kt_sync_client_get_case_state (self->sync_client, self->kase->header.id, &reason);
  /* On its way to the outbox: it waits as much as what is in it. */
  if (state == KT_SHARE_LOCAL && self->kase != NULL && is_sharing (self, self->kase->header.id))
    state = KT_SHARE_WAITING;
  /* The plan's own state, for the plan page and the header's "Plan waits
   * to be sent": the household's covers its every record, and a
   * conversation waiting (or refused) says nothing of the plan, nor does a
   * household the server has say that its plan's new version reached it. */
  if (self->plan != NULL)
    {
      plan_state = self->sync_client != NULL
                   ? kt_sync_client_get_record_state (self->sync_client, self->plan->header.id, &plan_reason)
                   : KT_SHARE_LOCAL;
      if (plan_state == KT_SHARE_LOCAL && is_sharing (self, self->plan->header.id))
        plan_state = KT_SHARE_WAITING;
      if (self->plan_page != NULL)
        kt_plan_page_set_share_state (self->plan_page, plan_state, plan_reason);
    }

  if (self->share_failure != NULL && self->kase != NULL &&
      g_strcmp0 (self->share_failure_case_id, self->kase->header.id) == 0)
    {
      /* Submitting did not get as far as the outbox: nothing is on its
       * way, whatever the outbox says. */
      state = KT_SHARE_REFUSED;
      text = g_strconcat (self->share_failure, "\n",
                          _("What now: your work is kept on this device but it is not on its way to the "
                            "server. Ask your administrator; do not type it again."),
                          NULL);
    }
  else if (state == KT_SHARE_REFUSED)
    {
      /* Translators: %s is the server's reason, a sentence. */
      g_autofree char *why = g_strdup_printf (_("Not shared: the server refused a record of this household: %s"),
                                              reason != NULL ? reason : "");

      text = g_strconcat (why, "\n",
                          _("What now: your work stays on this device and Keukentafel tries again at "
                            "every sync. If this stays, ask your administrator; do not type it again."),
                          NULL);
    }
  /* While the sync does not get through, the header (or the bar above the
   * list) says why and that records wait: not a third time here. */
  else if (state == KT_SHARE_WAITING && !kt_sync_status_holds_back (self->sync_client, self->keys))
    text = g_strdup (_("Waiting to be sent: the server has not confirmed what you shared of this "
                       "household yet. It goes as soon as there is a connection."));
  self->plan_shared = plan_state == KT_SHARE_SHARED;
  refresh_header (self);
  gtk_widget_set_visible (self->share_banner, text != NULL);
  gtk_label_set_text (self->share_label, text != NULL ? text : "");
  gtk_image_set_from_icon_name (self->share_image, state == KT_SHARE_REFUSED ? "dialog-warning-symbolic"
                                                                             : "mail-send-symbolic");
  if (state == KT_SHARE_REFUSED)
    gtk_widget_add_css_class (self->share_banner, "error");
  else
    gtk_widget_remove_css_class (self->share_banner, "error");
}

/* A plan submitted for review is shared: saved at its revision first, then
 * queued in the outbox (it goes out when there is a network).  A household
 * the server does not have yet (one the coach started with "+") goes
 * first: the server knows a plan only through its case.
 * The save runs on the store's worker (issue 22: no disk on the main loop);
 * the case and plan submitted travel with it, as the coach may open
 * another household meanwhile.  A failure shows in that household's share
 * banner, where the coach looks, not only in a log. */
typedef struct {
  KtCaseView *self;
  KtCase     *kase;
  KtPlan     *plan;
} Submit;

static void
submit_free (Submit *submit)
{
  g_object_unref (submit->self);
  kt_case_unref (submit->kase);
  kt_plan_unref (submit->plan);
  g_free (submit);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Submit, submit_free)

static void
set_share_failure (KtCaseView   *self,
                   const char   *case_id,
                   const char   *what,
                   const GError *error)
{
  g_clear_pointer (&self->share_failure, g_free);
  g_clear_pointer (&self->share_failure_case_id, g_free);
  if (what != NULL)
    {
      /* Translators: the first %s says what was not shared, the second why. */
      self->share_failure = g_strdup_printf (_("%s: %s"), what, error->message);
      self->share_failure_case_id = g_strdup (case_id);
    }
  /* The window may have closed while the store saved. */
  if (self->share_banner != NULL)
    update_share_state (self);
}

/* One record on its way to the outbox: @body (the record @id of household
 * @case_id), and on failure @what it was, for the household's banner.
 * @then (may be NULL) goes when it is queued: a plan after the household
 * the server does not have yet. */
typedef struct _Queued Queued;
struct _Queued {
  KtCaseView *self;
  KtStore    *store;
  char       *case_id;
  char       *id;
  GBytes     *body;
  char       *what;
  gboolean    clears_failure;  /* the last step of a submit that may have failed before */
  Queued     *then;
};

static void
queued_free (Queued *queued)
{
  if (queued == NULL)
    return;
  g_object_unref (queued->self);
  g_object_unref (queued->store);
  g_free (queued->case_id);
  g_free (queued->id);
  g_bytes_unref (queued->body);
  g_free (queued->what);
  queued_free (queued->then);
  g_free (queued);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Queued, queued_free)

static Queued *
queued_new (KtCaseView *self,
            KtStore    *store,
            const char *case_id,
            GBytes     *body,
            const char *id,
            const char *what)
{
  Queued *queued = g_new0 (Queued, 1);

  queued->self = g_object_ref (self);
  queued->store = g_object_ref (store);
  queued->case_id = g_strdup (case_id);
  queued->id = g_strdup (id);
  queued->body = g_bytes_ref (body);
  queued->what = g_strdup (what);
  return queued;
}

static void
sharing_add (KtCaseView *self,
             const char *id,
             int         delta)
{
  guint n;

  /* Disposed meanwhile: nothing shows it any more. */
  if (self->sharing == NULL && delta < 0)
    return;
  if (self->sharing == NULL)
    self->sharing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->sharing, id));
  if (delta < 0 && n == 0)
    return;
  n += delta;
  if (n > 0)
    g_hash_table_insert (self->sharing, g_strdup (id), GUINT_TO_POINTER (n));
  else
    g_hash_table_remove (self->sharing, id);
}

static void queue_shared (KtCaseView *self,
                          Queued     *queued);

static void
on_marked_pending (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Queued) queued = user_data;
  KtCaseView *self = queued->self;
  g_autoptr(GError) error = NULL;

  sharing_add (self, queued->id, -1);
  sharing_add (self, queued->case_id, -1);
  if (!kt_store_set_sync_state_finish (KT_STORE (source), result, &error))
    {
      set_share_failure (self, queued->case_id, queued->what, error);
      return;
    }
  if (queued->then != NULL)
    {
      queue_shared (self, g_steal_pointer (&queued->then));
      return;
    }
  if (queued->clears_failure && g_strcmp0 (self->share_failure_case_id, queued->case_id) == 0)
    set_share_failure (self, NULL, NULL, NULL);
  else if (self->share_banner != NULL)
    update_share_state (self);
}

static void
on_queued (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Queued) queued = user_data;
  g_autoptr(GError) error = NULL;
  Queued *marked;

  if (!kt_sync_client_share_finish (KT_SYNC_CLIENT (source), result, &error))
    {
      sharing_add (queued->self, queued->id, -1);
      sharing_add (queued->self, queued->case_id, -1);
      set_share_failure (queued->self, queued->case_id, queued->what, error);
      return;
    }
  /* On the store's one worker, as the mark "synced" of the sync controller
   * is: the two stay in the order they were asked for. */
  marked = g_steal_pointer (&queued);
  kt_store_set_sync_state_async (marked->store, marked->id, KT_SYNC_PENDING, 0, NULL,
                                 on_marked_pending, marked);
}

/* Queues @queued (transfer full) in the outbox, its @then after it, and
 * marks each waiting to be sent; on failure says what on the household's
 * banner.  After the store's save, for a submitted plan and what Verloop
 * shares alike.  The check, sealing and write run on the sync client's
 * worker (issue 22): meanwhile the household shows it waits to be sent. */
static void
queue_shared (KtCaseView *self,
              Queued     *queued)
{
  if (self->sync_client == NULL)
    {
      queued_free (queued);
      return;
    }
  sharing_add (self, queued->id, 1);
  sharing_add (self, queued->case_id, 1);
  if (self->share_banner != NULL)
    update_share_state (self);
  kt_sync_client_share_async (self->sync_client, queued->body, NULL, on_queued, queued);
}

/* A record shared from Verloop (the case closed, an evaluation) waits for
 * the store's worker to save what is pending, as a submitted plan does:
 * that save syncs to disk, which the main loop never waits for. */
typedef struct {
  KtCaseView *self;
  char       *case_id;
  char       *id;
  GBytes     *body;
} Share;

static void
share_free (Share *share)
{
  g_object_unref (share->self);
  g_free (share->case_id);
  g_free (share->id);
  g_bytes_unref (share->body);
  g_free (share);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Share, share_free)

static void
on_share_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Share) share = user_data;
  KtCaseView *self = share->self;
  g_autoptr(GError) error = NULL;

  if (!kt_store_flush_finish (KT_STORE (source), result, &error))
    set_share_failure (self, share->case_id, _("A record was not shared yet"), error);
  else
    queue_shared (self, queued_new (self, KT_STORE (source), share->case_id, share->body, share->id,
                                    _("A record was not shared yet")));
}

void
kt_case_view_share_record (KtCaseView *self,
                           GBytes     *body,
                           const char *id)
{
  Share *share;

  g_return_if_fail (KT_IS_CASE_VIEW (self));

  if (self->sync_client == NULL || self->store == NULL || self->kase == NULL ||
      kt_sync_client_get_case_state (self->sync_client, self->kase->header.id, NULL) == KT_SHARE_LOCAL)
    return;
  share = g_new0 (Share, 1);
  share->self = g_object_ref (self);
  share->case_id = g_strdup (self->kase->header.id);
  share->id = g_strdup (id);
  share->body = g_bytes_ref (body);
  kt_store_flush_async (self->store, NULL, on_share_saved, share);
}

static void
on_submit_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Submit) submit = user_data;
  KtCaseView *self = submit->self;
  const char *case_id = submit->kase->header.id;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  Queued *queued;

  if (!kt_store_flush_finish (KT_STORE (source), result, &error))
    {
      set_share_failure (self, case_id, _("The plan was not shared yet"), error);
      return;
    }
  if (self->sync_client == NULL)
    return;
  body = kt_plan_encode (submit->plan);
  queued = queued_new (self, KT_STORE (source), case_id, body, submit->plan->header.id,
                       _("The plan was not shared yet"));
  queued->clears_failure = TRUE;
  if (kt_sync_client_get_case_state (self->sync_client, case_id, NULL) == KT_SHARE_LOCAL)
    {
      g_autoptr(GBytes) case_body = kt_case_encode (submit->kase);
      Queued *household = queued_new (self, KT_STORE (source), case_id, case_body, case_id,
                                      _("The household was not shared yet"));

      household->then = g_steal_pointer (&queued);
      queued = household;
    }
  queue_shared (self, queued);
}

static void
on_plan_submitted (KtCaseView *self)
{
  Submit *submit;
  const char *me;

  if (self->plan == NULL || self->kase == NULL || self->store == NULL)
    return;
  /* A submitted plan ends the conversation: the household is in the plan
   * phase, whose term is the plan's (not "Gesprek · nog 7 dagen" next to
   * "Plan approved"), on the coach's devices and the supervisor's. */
  advance_phase (self, KT_PHASE_PLAN);
  /* The header says where this plan stands, from its own state: a new
   * version is on no server yet, whatever an earlier one was. */
  update_share_state (self);
  g_signal_emit (self, signals[CASE_CHANGED], 0);
  if (self->sync_client == NULL)
    return;
  me = kt_sync_client_get_username (self->sync_client);
  if (kt_sync_client_get_case_state (self->sync_client, self->kase->header.id, NULL) == KT_SHARE_LOCAL &&
      self->kase->coach == NULL && me != NULL)
    {
      /* The coach's own household: the coach is its coach. */
      self->kase->coach = g_strdup (me);
      kt_store_autosave_case (self->store, self->kase);
    }
  submit = g_new0 (Submit, 1);
  submit->self = g_object_ref (self);
  submit->kase = kt_case_ref (self->kase);
  submit->plan = kt_plan_ref (self->plan);
  kt_store_flush_async (self->store, NULL, on_submit_saved, submit);
}

static void make_wheel_page (KtCaseView *self);
static void make_plan_page  (KtCaseView *self);

/* Drops the versions read for the open plan, and a read on its way. */
static void
forget_plan_versions (KtCaseView *self)
{
  g_cancellable_cancel (self->versions_cancellable);
  g_clear_object (&self->versions_cancellable);
  g_clear_pointer (&self->plan_versions, g_ptr_array_unref);
}

static void
on_plan_versions_read (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(KtCaseView) self = user_data;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;

  versions = kt_store_load_plans_for_case_finish (KT_STORE (source), result, &error);
  /* Another household, or the same one's plan changed since. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->versions_cancellable);
  /* A locked store has none to give, as before: the page shows none. */
  if (versions == NULL)
    versions = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);
  g_clear_pointer (&self->plan_versions, g_ptr_array_unref);
  self->plan_versions = g_ptr_array_ref (versions);
  if ((self->stale & STALE_PLAN) == 0 && self->plan_page != NULL)
    kt_plan_page_set_versions (self->plan_page, versions);
}

/* Every stored version of the open plan, for the plan page's earlier
 * versions and the comments a draft answers: the ones read already, or a
 * read on a worker (each version is decrypted and decoded, which on the
 * main loop held it for every version on every open; issue 22).  The page
 * shows them when they come. */
static void
give_plan_versions (KtCaseView *self)
{
  if (self->plan_versions != NULL)
    {
      kt_plan_page_set_versions (self->plan_page, self->plan_versions);
      return;
    }
  if (self->versions_cancellable != NULL || self->store == NULL || self->kase == NULL ||
      kt_store_is_locked (self->store))
    return;
  self->versions_cancellable = g_cancellable_new ();
  self->version_reads++;
  kt_store_load_plans_for_case_async (self->store, self->kase->header.id, self->versions_cancellable,
                                      on_plan_versions_read, g_object_ref (self));
}

/* Gives the page called @name the open case, if it still shows an
 * earlier one (or none). */
static void
fill_page (KtCaseView *self,
           const char *name)
{
  StalePage page = g_strcmp0 (name, "intake") == 0 ? STALE_INTAKE
                   : g_strcmp0 (name, "conversation") == 0 ? STALE_CONVERSATION
                   : g_strcmp0 (name, "network") == 0 ? STALE_NETWORK
                   : g_strcmp0 (name, "wheel") == 0 ? STALE_WHEEL
                   : g_strcmp0 (name, "plan") == 0 ? STALE_PLAN
                   : 0;

  if ((self->stale & page) == 0 || self->kase == NULL)
    return;
  self->stale &= ~page;
  switch (page)
    {
    case STALE_INTAKE:
      kt_intake_page_set_documents (self->intake_page, self->kase, self->plan,
                                    self->sync_client != NULL ? kt_sync_client_get_username (self->sync_client) : NULL);
      break;
    case STALE_CONVERSATION:
      kt_conversation_page_set_conversation (self->conversation_page, self->catalogue, self->kase,
                                             self->conversation);
      break;
    case STALE_NETWORK:
      kt_network_page_set_case (self->network_page, self->kase);
      break;
    case STALE_WHEEL:
      make_wheel_page (self);
      kt_wheel_page_set_documents (self->wheel_page, self->catalogue, self->kase, self->conversation, self->plan);
      break;
    case STALE_PLAN:
      make_plan_page (self);
      give_plan_versions (self);
      kt_plan_page_set_documents (self->plan_page, self->catalogue, self->kase, self->conversation, self->plan);
      update_share_state (self);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Drops a reload's read on its way: another household, or none. */
static void
stop_plan_reload (KtCaseView *self)
{
  g_cancellable_cancel (self->reload_cancellable);
  g_clear_object (&self->reload_cancellable);
}

/* Only a plan that cannot be edited is replaced, so nothing typed is
 * lost. */
static gboolean
may_reload_plan (KtCaseView *self)
{
  return self->store != NULL && self->kase != NULL && self->plan != NULL &&
         kt_plan_is_locked (self->plan) && !kt_store_is_locked (self->store);
}

static void
on_newest_plan_read (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KtCaseView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtPlan) newest = NULL;

  newest = kt_store_load_newest_plan_finish (KT_STORE (source), result, &error);
  /* Another household, or a newer reload. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->reload_cancellable);
  /* The plan may have been unlocked for editing meanwhile. */
  if (newest == NULL || !may_reload_plan (self) ||
      g_strcmp0 (newest->case_id, self->kase->header.id) != 0 ||
      newest->version < self->plan->version ||
      (g_strcmp0 (newest->header.id, self->plan->header.id) == 0 &&
       newest->header.rev <= self->plan->header.rev))
    return;
  g_clear_pointer (&self->plan, kt_plan_unref);
  self->plan = g_steal_pointer (&newest);
  /* A version changed: read them again (the page keeps the ones it has
   * until they come). */
  forget_plan_versions (self);
  /* Pages not filled (or made) yet take the new plan when they are. */
  if ((self->stale & STALE_WHEEL) == 0 && self->wheel_page != NULL)
    kt_wheel_page_set_documents (self->wheel_page, self->catalogue, self->kase, self->conversation, self->plan);
  if ((self->stale & STALE_PLAN) == 0 && self->plan_page != NULL)
    {
      give_plan_versions (self);
      kt_plan_page_set_documents (self->plan_page, self->catalogue, self->kase, self->conversation, self->plan);
    }
  update_share_state (self);
}

/* The newest plan is read on the store's worker (issue 22: listing and
 * decrypting it on the main loop waited for any save holding the store);
 * it replaces the open one when it comes, if that is still right.  A
 * reload asked for while one is on its way replaces it. */
void
kt_case_view_reload_plan (KtCaseView *self)
{
  g_return_if_fail (KT_IS_CASE_VIEW (self));

  if (!may_reload_plan (self))
    return;
  stop_plan_reload (self);
  self->reload_cancellable = g_cancellable_new ();
  kt_store_load_newest_plan_async (self->store, self->kase->header.id, self->reload_cancellable,
                                   on_newest_plan_read, g_object_ref (self));
}

gboolean
kt_case_view_is_reloading_plan (KtCaseView *self)
{
  g_return_val_if_fail (KT_IS_CASE_VIEW (self), FALSE);

  return self->reload_cancellable != NULL;
}

/* Wheel and plan pages in their slots, each made when it is first shown
 * (or asked for by its accessor) and filled at once, so that a screen
 * reader never finds one unnamed: opening the first household of a session
 * does not build two pages nobody may look at (issue 22).  They take no
 * NULL documents, so clearing the view (idle lock) drops them and the next
 * case gets fresh ones. */
static void
make_wheel_page (KtCaseView *self)
{
  if (self->wheel_page != NULL)
    return;
  /* The wheel lives in the conversation. */
  self->wheel_page = KT_WHEEL_PAGE (kt_wheel_page_new ());
  kt_case_view_add_page (self, "wheel", GTK_WIDGET (self->wheel_page));
  g_signal_connect_swapped (self->wheel_page, "changed",
                            G_CALLBACK (kt_case_view_conversation_changed), self);
}

static void
make_plan_page (KtCaseView *self)
{
  if (self->plan_page != NULL)
    return;
  self->plan_page = KT_PLAN_PAGE (kt_plan_page_new ());
  kt_plan_page_set_resident_watching (self->plan_page, self->resident_watching);
  kt_plan_page_set_team (self->plan_page, self->team);
  kt_case_view_add_page (self, "plan", GTK_WIDGET (self->plan_page));
  g_signal_connect_swapped (self->plan_page, "changed", G_CALLBACK (on_plan_changed), self);
  g_signal_connect_swapped (self->plan_page, "case-changed", G_CALLBACK (kt_case_view_case_changed), self);
  g_signal_connect_swapped (self->plan_page, "submitted", G_CALLBACK (on_plan_submitted), self);
  /* Made when the first plan comes, after the window named the view's
   * tree: "The plan is stuck" and its list were read as nothing. */
  kt_a11y_fix_tree (GTK_WIDGET (self->plan_page));
}

/* The plan page is made once and kept for every household after; making
 * it (its template, some 20 ms) is done while the app is idle after the
 * first household opens, so that turning to the plan only fills it
 * (issue 22).  It is filled when it is first shown, as before. */
static gboolean
prebuild_plan_page (gpointer data)
{
  KtCaseView *self = data;

  self->prebuild_id = 0;
  if (self->kase != NULL)
    make_plan_page (self);
  return G_SOURCE_REMOVE;
}

static void
on_start_conversation (KtCaseView *self)
{
  advance_phase (self, KT_PHASE_CONVERSATION);
  kt_case_view_set_visible_page (self, "conversation");
}

static void
on_conversation_completed (KtCaseView *self)
{
  advance_phase (self, KT_PHASE_PLAN);
}

/* On a narrow window the header bar already shows the household, phase and
 * deadline (the switcher title); the header strip would say it twice.  The
 * sync state and why, and the inzage button, stay: a tablet held upright
 * is where the coach looks too. */
static void
on_title_visible (KtCaseView *self)
{
  gboolean narrow = adw_view_switcher_title_get_title_visible (self->switcher_title);

  gtk_widget_set_visible (self->title_box, !narrow);
  gtk_widget_set_halign (self->case_header, narrow ? GTK_ALIGN_END : GTK_ALIGN_FILL);
}

/* The Report and Progress pages are made by their own modules, when first
 * shown: opening the first household of a session does not build them
 * (issue 22).  They clear themselves when the view is cleared, so once made
 * they stay. */
static void
make_lazy_page (KtCaseView *self,
                const char *name)
{
  gboolean report = g_strcmp0 (name, "report") == 0;
  AdwBin *slot = report ? self->report_slot
                 : g_strcmp0 (name, "progress") == 0 ? self->progress_slot
                 : NULL;
  KtCaseViewPageMaker make = report ? self->make_report : self->make_progress;
  gboolean *made = report ? &self->report_made : &self->progress_made;

  /* The report's slot holds a placeholder until its page comes. */
  if (slot == NULL || make == NULL || *made)
    return;
  *made = TRUE;
  make (self);
  /* Named before a screen reader reaches it, as the rest of the view. */
  kt_a11y_fix_tree (GTK_WIDGET (slot));
}

void
kt_case_view_set_page_maker (KtCaseView          *self,
                             const char          *name,
                             KtCaseViewPageMaker  make)
{
  g_return_if_fail (KT_IS_CASE_VIEW (self));

  if (g_strcmp0 (name, "report") == 0)
    self->make_report = make;
  else if (g_strcmp0 (name, "progress") == 0)
    self->make_progress = make;
  else
    g_return_if_reached ();
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), name) == 0)
    make_lazy_page (self, name);
}

static void
on_page_changed (KtCaseView *self)
{
  make_lazy_page (self, adw_view_stack_get_visible_child_name (self->view_stack));
  /* Members added or changed on the Request page may bring the Opvoeding
   * domain in or take it out. */
  if (self->kase != NULL && self->conversation != NULL &&
      kt_catalogue_fit_conversation (self->catalogue, self->conversation,
                                     kt_case_has_children (self->kase)))
    self->stale |= STALE_CONVERSATION;
  fill_page (self, adw_view_stack_get_visible_child_name (self->view_stack));

  if (watching_by_default (self))
    kt_case_view_set_resident_watching (self, TRUE);

  /* A page change writes every pending draft (DESIGN §6). */
  if (self->store != NULL && !kt_store_is_locked (self->store))
    kt_store_flush_async (self->store, NULL, NULL, NULL);
}

void
kt_case_view_set_documents (KtCaseView     *self,
                            KtStore        *store,
                            KtCatalogue    *catalogue,
                            KtCase         *kase,
                            KtConversation *conversation,
                            KtPlan         *plan)
{
  g_autoptr(KtConversation) fresh = NULL;
  g_autoptr(KtPlan) fresh_plan = NULL;

  g_return_if_fail (KT_IS_CASE_VIEW (self));
  g_return_if_fail (kase != NULL);

  if (conversation == NULL)
    {
      fresh = kt_catalogue_new_conversation (catalogue, kase->header.id);
      if (fresh->date == NULL)
        fresh->date = kt_date_today ();
      conversation = fresh;
    }
  if (plan == NULL)
    {
      fresh_plan = kt_plan_new ();
      fresh_plan->case_id = g_strdup (kase->header.id);
      plan = fresh_plan;
    }

  g_set_object (&self->store, store);
  g_set_object (&self->catalogue, catalogue);
  kt_case_ref (kase);
  g_clear_pointer (&self->kase, kt_case_unref);
  self->kase = kase;
  kt_conversation_ref (conversation);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  self->conversation = conversation;
  kt_plan_ref (plan);
  g_clear_pointer (&self->plan, kt_plan_unref);
  self->plan = plan;

  /* No Opvoeding in a household without children (issue 16); kept in
   * memory until the next edit saves it, so opening changes no record. */
  kt_catalogue_fit_conversation (catalogue, conversation, kt_case_has_children (kase));

  self->stale = STALE_ALL;
  forget_plan_versions (self);
  stop_plan_reload (self);
  fill_page (self, adw_view_stack_get_visible_child_name (self->view_stack));
  update_share_state (self);
  /* Another household starts from the default; the same one (back after
   * an idle lock) keeps the mode it had. */
  if (g_strcmp0 (self->watching_case_id, kase->header.id) != 0)
    {
      g_free (self->watching_case_id);
      self->watching_case_id = g_strdup (kase->header.id);
      self->resident_watching = watching_by_default (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESIDENT_WATCHING]);
    }
  apply_resident_watching (self);
  if (self->plan_page == NULL && self->prebuild_id == 0)
    self->prebuild_id = g_idle_add_full (G_PRIORITY_LOW, prebuild_plan_page, self, NULL);
  g_signal_emit (self, signals[DOCUMENTS_CHANGED], 0);
}

void
kt_case_view_set_team (KtCaseView *self,
                       GPtrArray  *team)
{
  g_return_if_fail (KT_IS_CASE_VIEW (self));

  if (team != NULL)
    g_ptr_array_ref (team);
  g_clear_pointer (&self->team, g_ptr_array_unref);
  self->team = team;
  if (self->plan_page != NULL)
    kt_plan_page_set_team (self->plan_page, team);
}

void
kt_case_view_clear (KtCaseView *self)
{
  g_return_if_fail (KT_IS_CASE_VIEW (self));

  kt_intake_page_set_case (self->intake_page, NULL);
  kt_intake_page_set_plan (self->intake_page, NULL, NULL);
  kt_conversation_page_set_conversation (self->conversation_page, NULL, NULL, NULL);
  kt_network_page_set_case (self->network_page, NULL);
  self->stale = 0;
  forget_plan_versions (self);
  stop_plan_reload (self);
  if (self->wheel_page != NULL)
    adw_bin_set_child (self->wheel_slot, NULL);
  if (self->plan_page != NULL)
    adw_bin_set_child (self->plan_slot, NULL);
  self->wheel_page = NULL;
  self->plan_page = NULL;
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->plan, kt_plan_unref);
  gtk_label_set_label (self->household_label, "");
  adw_view_switcher_title_set_title (self->switcher_title, "");
  adw_view_switcher_title_set_subtitle (self->switcher_title, "");
  g_signal_emit (self, signals[DOCUMENTS_CHANGED], 0);
}

KtStore *
kt_case_view_get_store (KtCaseView *self)
{
  return self->store;
}

KtCatalogue *
kt_case_view_get_catalogue (KtCaseView *self)
{
  return self->catalogue;
}

KtCase *
kt_case_view_get_case (KtCaseView *self)
{
  return self->kase;
}

KtConversation *
kt_case_view_get_conversation (KtCaseView *self)
{
  return self->conversation;
}

KtPlan *
kt_case_view_get_plan (KtCaseView *self)
{
  return self->plan;
}

void
kt_case_view_set_visible_page (KtCaseView *self,
                               const char *name)
{
  /* Filled while still hidden, as every page was before it was filled
   * lazily: keyboard focus then enters its lists as it always did. */
  fill_page (self, name);
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

const char *
kt_case_view_get_visible_page (KtCaseView *self)
{
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

void
kt_case_view_add_page (KtCaseView *self,
                       const char *name,
                       GtkWidget  *page)
{
  AdwBin *slot = NULL;
  GtkWidget *scroller;

  g_return_if_fail (KT_IS_CASE_VIEW (self));

  if (g_strcmp0 (name, "wheel") == 0)
    slot = self->wheel_slot;
  else if (g_strcmp0 (name, "plan") == 0)
    slot = self->plan_slot;
  else if (g_strcmp0 (name, "report") == 0)
    slot = self->report_slot;
  else if (g_strcmp0 (name, "progress") == 0)
    slot = self->progress_slot;
  g_return_if_fail (slot != NULL);
  /* A page wider than a phone scrolls sideways instead of making the whole
   * window wider than 360 px. */
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), page);
  adw_bin_set_child (slot, scroller);
}

void
kt_case_view_set_sync_client (KtCaseView   *self,
                              KtSyncClient *client)
{
  g_return_if_fail (KT_IS_CASE_VIEW (self));
  if (self->sync_client != NULL)
    g_signal_handlers_disconnect_by_data (self->sync_client, self);
  g_set_object (&self->sync_client, client);
  kt_sync_status_widget_set_client (self->sync_status, client);
  if (client != NULL)
    {
      g_signal_connect_object (client, "record-pushed", G_CALLBACK (update_share_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "record-failed", G_CALLBACK (update_share_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "notify::n-pending", G_CALLBACK (update_share_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "notify::last-synced", G_CALLBACK (update_share_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "notify::status", G_CALLBACK (update_share_state), self,
                               G_CONNECT_SWAPPED);
    }
  update_share_state (self);
}

void
kt_case_view_set_key_controller (KtCaseView      *self,
                                 KtKeyController *keys)
{
  g_return_if_fail (KT_IS_CASE_VIEW (self));

  if (keys == self->keys)
    return;
  if (self->keys != NULL)
    g_signal_handlers_disconnect_by_data (self->keys, self);
  g_set_object (&self->keys, keys);
  kt_sync_status_widget_set_key_controller (self->sync_status, keys);
  if (keys != NULL)
    g_signal_connect_object (keys, "changed", G_CALLBACK (update_share_state), self, G_CONNECT_SWAPPED);
  update_share_state (self);
}

void
kt_case_view_set_show_back (KtCaseView *self,
                            gboolean    show_back)
{
  gtk_widget_set_visible (self->back_button, show_back);
}

void
kt_case_view_set_list_beside (KtCaseView *self,
                              gboolean    beside)
{
  g_return_if_fail (KT_IS_CASE_VIEW (self));

  /* Beside the list, the bar above it says why it does not sync and what
   * to do (it acts); the header states the sync state, and the reason
   * stays in its tooltip.  Without the list, the header is where the coach
   * looks. */
  kt_sync_status_widget_set_show_reason (self->sync_status, !beside);
}

/* Private accessors (kt-case-view-private.h) */

KtIntakePage *
kt_case_view_get_intake_page (KtCaseView *self)
{
  fill_page (self, "intake");
  return self->intake_page;
}

KtPlanPage *
kt_case_view_get_plan_page (KtCaseView *self)
{
  fill_page (self, "plan");
  return self->plan_page;
}

KtSyncClient *
kt_case_view_get_sync_client (KtCaseView *self)
{
  return self->sync_client;
}

KtConversationPage *
kt_case_view_get_conversation_page (KtCaseView *self)
{
  fill_page (self, "conversation");
  return self->conversation_page;
}

KtNetworkPage *
kt_case_view_get_network_page (KtCaseView *self)
{
  fill_page (self, "network");
  return self->network_page;
}

guint
kt_case_view_get_plan_version_reads (KtCaseView *self)
{
  g_return_val_if_fail (KT_IS_CASE_VIEW (self), 0);

  return self->version_reads;
}

static void
kt_case_view_dispose (GObject *object)
{
  KtCaseView *self = KT_CASE_VIEW (object);

  g_clear_handle_id (&self->prebuild_id, g_source_remove);
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->plan, kt_plan_unref);
  g_clear_pointer (&self->team, g_ptr_array_unref);
  forget_plan_versions (self);
  stop_plan_reload (self);
  g_clear_object (&self->catalogue);
  g_clear_object (&self->store);
  g_clear_object (&self->sync_client);
  g_clear_object (&self->keys);
  g_clear_pointer (&self->watching_case_id, g_free);
  g_clear_pointer (&self->share_failure, g_free);
  g_clear_pointer (&self->share_failure_case_id, g_free);
  g_clear_pointer (&self->sharing, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KT_TYPE_CASE_VIEW);
  G_OBJECT_CLASS (kt_case_view_parent_class)->dispose (object);
}

static void
kt_case_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  KtCaseView *self = KT_CASE_VIEW (object);

  switch (prop_id)
    {
    case PROP_RESIDENT_WATCHING:
      g_value_set_boolean (value, self->resident_watching);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_case_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  KtCaseView *self = KT_CASE_VIEW (object);

  switch (prop_id)
    {
    case PROP_RESIDENT_WATCHING:
      kt_case_view_set_resident_watching (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The team's accounts by the names people know them by: the team's keys
 * carry the names the server gives, and this device knows its own
 * account's (transfer full). */
static GHashTable *
team_names (KtCaseView *self)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *me = self->sync_client != NULL ? kt_sync_client_get_username (self->sync_client) : NULL;
  const char *my_name = self->sync_client != NULL ? kt_sync_client_get_display_name (self->sync_client) : NULL;

  for (guint i = 0; self->team != NULL && i < self->team->len; i++)
    {
      const KtPeerKey *key = g_ptr_array_index (self->team, i);

      if (key->username != NULL && key->display_name != NULL && *key->display_name != '\0')
        g_hash_table_replace (names, g_strdup (key->username), g_strdup (key->display_name));
    }
  if (me != NULL && my_name != NULL && *my_name != '\0')
    g_hash_table_replace (names, g_strdup (me), g_strdup (my_name));
  return names;
}

/* "Alles wat we over u bewaren": everything held, for the resident. */
static void
inzage_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KtCaseView *self = KT_CASE_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *window;
  g_autoptr(GHashTable) names = NULL;

  if (self->kase == NULL || self->catalogue == NULL)
    return;
  names = team_names (self);
  window = kt_inzage_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->catalogue, self->store,
                                 self->kase, self->conversation, self->plan, self->sync_client, names);
  gtk_window_present (GTK_WINDOW (window));
}

/* The width a case view asks for beside the household list.  The window's
 * leaflet folds on natural widths, so below list + this (a tablet held
 * upright, a phone) the list folds away; the minimum stays small enough for
 * a 360 px window.  The pages' own natural widths (1100 px and more) would
 * fold the list away even on a 1280 px laptop. */
#define NATURAL_WIDTH 640

static void
kt_case_view_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  KtCaseView *self = KT_CASE_VIEW (widget);

  gtk_widget_measure (self->box, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, NATURAL_WIDTH);
}

static void
kt_case_view_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  gtk_widget_allocate (KT_CASE_VIEW (widget)->box, width, height, baseline, NULL);
}

static void
kt_case_view_class_init (KtCaseViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_case_view_dispose;
  object_class->get_property = kt_case_view_get_property;
  object_class->set_property = kt_case_view_set_property;

  /* The screen is turned to the resident (meekijkstand): notes for the
   * file and everything about safety are hidden on every page. */
  properties[PROP_RESIDENT_WATCHING] =
    g_param_spec_boolean ("resident-watching", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_type_ensure (KT_TYPE_SYNC_STATUS_WIDGET);

  /* The case was edited and saved: the case list shows the new summary. */
  signals[CASE_CHANGED] = g_signal_new ("case-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Another case was opened, or the view was cleared. */
  signals[DOCUMENTS_CHANGED] = g_signal_new ("documents-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KT_TYPE_INTAKE_PAGE);
  g_type_ensure (KT_TYPE_CONVERSATION_PAGE);
  g_type_ensure (KT_TYPE_NETWORK_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-case-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, box);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, back_button);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, case_header);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, title_box);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, watching_banner);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, share_banner);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, share_image);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, share_label);
  /* Reached by the tests only; the action drives it. */
  gtk_widget_class_bind_template_child_full (widget_class, "watching_button", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, household_label);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, safety_image);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, phase_label);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, deadline_label);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, intake_page);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, conversation_page);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, network_page);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, wheel_slot);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, plan_slot);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, sync_status);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, report_slot);
  gtk_widget_class_bind_template_child (widget_class, KtCaseView, progress_slot);
  widget_class->measure = kt_case_view_measure;
  widget_class->size_allocate = kt_case_view_size_allocate;

  gtk_widget_class_install_property_action (widget_class, "case.resident-watching", "resident-watching");
  gtk_widget_class_install_action (widget_class, "case.inzage", NULL, inzage_action);
}

static void
kt_case_view_init (KtCaseView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Named where a test can read it: the way back on a tablet and a phone. */
  kt_a11y_set_label (self->back_button, _("Back to the Households"));

  g_signal_connect_swapped (self->intake_page, "changed", G_CALLBACK (kt_case_view_case_changed), self);
  g_signal_connect_swapped (self->intake_page, "start-conversation",
                            G_CALLBACK (on_start_conversation), self);
  g_signal_connect_swapped (self->network_page, "changed", G_CALLBACK (kt_case_view_case_changed), self);
  g_signal_connect_swapped (self->conversation_page, "changed",
                            G_CALLBACK (kt_case_view_conversation_changed), self);
  g_signal_connect_swapped (self->conversation_page, "completed",
                            G_CALLBACK (on_conversation_completed), self);
  g_signal_connect_swapped (self->switcher_title, "notify::title-visible",
                            G_CALLBACK (on_title_visible), self);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child",
                            G_CALLBACK (on_page_changed), self);
}

GtkWidget *
kt_case_view_new (void)
{
  return g_object_new (KT_TYPE_CASE_VIEW, NULL);
}
