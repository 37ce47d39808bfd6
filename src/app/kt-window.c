/* kt-window.c: the main window, the case list beside the open case
 *
 * The store opens asynchronously while a spinner shows; when the keyring
 * cannot give the key, a calm page asks for the passphrase (or to choose
 * one).  The idle lock takes every client detail off the screen and out of
 * the widgets until the user unlocks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-window"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "kt-window.h"
#include "kt-a11y.h"
#include "kt-role-controller.h"
#include "kt-window-private.h"
#include "kt-app-util.h"
#include "kt-case-item.h"
#include "kt-case-row.h"
#include "kt-case-view.h"
#include "kt-case-view-private.h"
#include "kt-intake-page-private.h"
#include "kt-main-menu-button.h"
#include "kt-preferences-window.h"
#include "kt-sync-banner.h"
#include "kt-sync-button.h"
#include "kt-plan-pages.h"
#include "kt-progress-page.h"
#include "kt-store.h"
#include "kt-sync-controller.h"

#define MIN_PASSPHRASE_LENGTH 8
#define MIN_PIN_LENGTH        4

typedef enum {
  LOCK_CREATE,          /* no keyring and no store yet: choose a passphrase */
  LOCK_OPEN,            /* no keyring for an existing store: enter it */
  LOCK_IDLE,            /* the idle lock of an open store */
  LOCK_CHOOSE_PIN,      /* keyring store without a PIN yet (first use) */
} LockMode;

/* What follows when a household chosen to open has been read. */
typedef enum {
  OPEN_THEN_STAY,       /* the leaflet stays where it is */
  OPEN_THEN_NAVIGATE,   /* chosen in the list: the leaflet goes forward */
  OPEN_THEN_SHOW,       /* activated: the case is brought into view */
} OpenThen;

/* How long a household may take to be read before the window says it is
 * loading: most open within a few milliseconds, and a page that shows
 * "Loading…" for one frame would only flicker. */
#define OPENING_SHOWN_AFTER_MS 150

struct _KtWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwStatusPage        *lock_status;
  GtkWidget            *passphrase_group;
  GtkEditable          *passphrase_row;
  GtkWidget            *confirm_row;
  GtkLabel             *lock_error_label;
  GtkWidget            *keyring_button;
  GtkWidget            *forgot_button;
  GtkWidget            *unlock_button;
  AdwBin               *main_bin;
  KtSyncButton         *sync_button;
  KtSyncBanner         *sync_banner;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *sidebar_separator;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkWidget            *empty_sign_in_button;
  GtkListView          *case_list;
  GtkStack             *content_stack;
  KtCaseView           *case_view;

  GListStore           *cases;
  GtkFilterListModel   *filtered;
  GtkStringFilter      *filter;
  GtkSorter            *sorter;
  GtkSliceListModel    *first_screen;
  GtkSingleSelection   *selection;

  KtStore              *store;
  KtSyncController     *sync;
  KtRoleController     *roles;
  KtCatalogue          *catalogue;
  GCancellable         *cancellable;
  LockMode              lock_mode;
  KtUnlockSecret        unlock_kind;   /* what the lock page asks for */
  gboolean              unlocking;     /* Argon2id runs on a worker */
  guint                 wait_id;       /* the unlock button waits after wrong tries */
  char                 *lock_error_base;  /* the last failure, without the wait */
  gboolean              ready;
  gboolean              filling;
  gboolean              force_close;
  gboolean              check_shown;        /* the store's check at open, once a window */
  gboolean              resident_watching;  /* follows the case view */
  gboolean              bench_marker_pending;
  gint64                started;
  gulong                after_paint_id;
  guint                 show_all_id;
  /* The case list filling from the store's list, a slice a turn. */
  guint                 refill_id;
  GPtrArray            *refill_summaries;
  guint                 refill_next;
  GHashTable           *refill_states;  /* id → KtShareInfo, or NULL */
  /* id → its KtCaseItem (unowned: the list store holds them; the ids are
   * copies, as an item takes a new copy of its id when its case comes
   * again), kept as rows are added and let go of when any is removed; NULL
   * until needed. */
  GHashTable           *case_index;
  /* The share states every row shows (id → KtShareInfo; an id not in it is
   * local), or NULL when the rows are to be read all again. */
  GHashTable           *share_states;
  guint                 present_id;    /* waiting to show the first screen */
  guint                 case_view_id;  /* making the case view after the start */
  char                 *reopen_id;     /* the case open when the idle lock came */
  char                 *reopen_page;
  /* The household being read on the store's worker, and what follows;
   * NULL when none is (issue 22: the main loop waited for the store). */
  char                 *opening_id;
  char                 *opening_page;
  OpenThen              opening_then;
  GCancellable         *opening_cancellable;
  guint                 opening_shown_id;  /* "Loading…" after a moment */
};

G_DEFINE_FINAL_TYPE (KtWindow, kt_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_RESIDENT_WATCHING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_cases (KtWindow *self);
static void set_resident_watching (KtWindow *self, gboolean watching);
static void attach_store (KtWindow *self, KtApplication *app);
static void keep_window_state (KtWindow *self);

/* Why it does not sync stands in the bar above the list when the list is
 * beside the household, else under the household's header: once on
 * screen, not twice. */
static void
place_sync_reason (KtWindow *self)
{
  if (self->case_view != NULL)
    kt_case_view_set_list_beside (self->case_view,
                                  !adw_leaflet_get_folded (self->leaflet) && gtk_widget_get_visible (self->sidebar));
}

KtWindow *
kt_window_new (KtApplication *application)
{
  KtWindow *self = g_object_new (KT_TYPE_WINDOW, "application", application, NULL);

  keep_window_state (self);
  attach_store (self, application);
  return self;
}

static void
toast (KtWindow   *self,
       const char *message)
{
  kt_a11y_add_toast (self->toast_overlay, kt_a11y_toast_new (message));
}

/* Start-up: the window shows itself once its first screen is ready, the
 * case list or the passphrase page, so that the first frame drawn is one
 * the coach can use rather than a spinner that is replaced at once. */

/* Long enough for the keyring and the case list to answer on a slow
 * laptop, short enough to feel immediate; after it the spinner shows. */
#define PRESENT_DEADLINE_MS 300

static void
present_if_waiting (KtWindow *self)
{
  if (self->present_id == 0)
    return;
  g_clear_handle_id (&self->present_id, g_source_remove);
  gtk_window_present (GTK_WINDOW (self));
}

static gboolean
present_deadline_cb (gpointer data)
{
  KtWindow *self = data;

  self->present_id = 0;
  gtk_window_present (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

void
kt_window_present_when_ready (KtWindow *self)
{
  g_return_if_fail (KT_IS_WINDOW (self));

  if (self->present_id != 0)
    return;
  if (self->ready || g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "loading") != 0)
    {
      gtk_window_present (GTK_WINDOW (self));
      return;
    }
  self->present_id = g_timeout_add (PRESENT_DEADLINE_MS, present_deadline_cb, self);
}

/* The lock page */

/* What ends an idle lock: the passphrase of a passphrase store; with the
 * keyring the PIN, or the account password when there is no PIN. */
static KtUnlockSecret
default_unlock_kind (KtWindow *self)
{
  if (kt_store_get_key_source (self->store) == KT_KEY_SOURCE_PASSPHRASE)
    return KT_UNLOCK_PASSPHRASE;
  if (kt_store_has_unlock_secret (self->store, KT_UNLOCK_PIN))
    return KT_UNLOCK_PIN;
  return KT_UNLOCK_PASSWORD;
}

static void
set_unlock_kind (KtWindow       *self,
                 KtUnlockSecret  kind)
{
  const char *title;

  self->unlock_kind = kind;
  switch (kind)
    {
    case KT_UNLOCK_PIN:
      title = _("PIN");
      break;
    case KT_UNLOCK_PASSWORD:
      title = _("Account Password");
      break;
    case KT_UNLOCK_PASSPHRASE:
    default:
      title = _("Passphrase");
      break;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->passphrase_row), title);
  kt_a11y_set_label (GTK_WIDGET (self->passphrase_row), title);
  /* The group's list was named after its first row when the window was
   * made (kt_a11y_fix_tree), "Passphrase": a screen reader heard that on
   * the PIN page too. */
  if (GTK_IS_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (self->passphrase_row))))
    kt_a11y_set_label (gtk_widget_get_parent (GTK_WIDGET (self->passphrase_row)), title);
  g_object_set (self->passphrase_row, "input-purpose",
                kind == KT_UNLOCK_PIN ? GTK_INPUT_PURPOSE_PIN : GTK_INPUT_PURPOSE_PASSWORD, NULL);
  /* A forgotten PIN falls back to the account password, checked offline. */
  gtk_widget_set_visible (self->forgot_button,
                          self->lock_mode == LOCK_IDLE && kind == KT_UNLOCK_PIN &&
                          kt_store_has_unlock_secret (self->store, KT_UNLOCK_PASSWORD));
}

static void
show_lock_page (KtWindow   *self,
                LockMode    mode,
                const char *message)
{
  const char *confirm_title = _("Repeat the passphrase");

  self->lock_mode = mode;
  switch (mode)
    {
    case LOCK_CREATE:
      adw_status_page_set_title (self->lock_status, _("Choose a Passphrase"));
      break;
    case LOCK_OPEN:
      adw_status_page_set_title (self->lock_status, _("Enter Your Passphrase"));
      break;
    case LOCK_CHOOSE_PIN:
      adw_status_page_set_title (self->lock_status, _("Choose a PIN"));
      confirm_title = _("Repeat the PIN");
      break;
    case LOCK_IDLE:
    default:
      adw_status_page_set_title (self->lock_status, _("Keukentafel Is Locked"));
      break;
    }
  adw_status_page_set_description (self->lock_status, message);
  if (mode == LOCK_CHOOSE_PIN)
    set_unlock_kind (self, KT_UNLOCK_PIN);
  else if (mode == LOCK_IDLE)
    set_unlock_kind (self, default_unlock_kind (self));
  else
    set_unlock_kind (self, KT_UNLOCK_PASSPHRASE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->confirm_row), confirm_title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->confirm_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, confirm_title, -1);
  g_object_set (self->confirm_row, "input-purpose",
                mode == LOCK_CHOOSE_PIN ? GTK_INPUT_PURPOSE_PIN : GTK_INPUT_PURPOSE_PASSWORD, NULL);
  gtk_widget_set_visible (self->passphrase_group, TRUE);
  gtk_widget_set_visible (self->confirm_row, mode == LOCK_CREATE || mode == LOCK_CHOOSE_PIN);
  gtk_widget_set_visible (self->keyring_button, mode == LOCK_CREATE || mode == LOCK_OPEN);
  gtk_widget_set_visible (GTK_WIDGET (self->lock_error_label), FALSE);
  gtk_button_set_label (GTK_BUTTON (self->unlock_button),
                        mode == LOCK_CHOOSE_PIN ? _("_Save PIN") : _("_Unlock"));
  /* GTK 4.8: the button's label child is not its accessible name. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->unlock_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  mode == LOCK_CHOOSE_PIN ? _("Save PIN") : _("Unlock"), -1);
  gtk_editable_set_text (self->passphrase_row, "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  gtk_stack_set_visible_child_name (self->main_stack, "lock");
  present_if_waiting (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

static void
show_lock_error (KtWindow   *self,
                 const char *message)
{
  gtk_label_set_label (self->lock_error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->lock_error_label), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->main_stack), TRUE);
}

/* The case list */

/* GTK 4.8's list view makes a row widget for up to 200 items as soon as
 * its model has them, and styles and measures them all for the first
 * frame: with a long case list that costs more than the rest of the
 * start-up together.  So the first frame shows one screenful (more rows
 * than the window can show) and the rest of the list follows right after
 * it has been drawn. */
#define MIN_ROW_HEIGHT        44   /* a touch target; the rows are taller */
#define FIRST_SCREEN_ROWS_MAX 64   /* a maximized window on a tall screen */

static guint
first_screen_rows (KtWindow *self)
{
  int width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (gtk_window_is_maximized (GTK_WINDOW (self)) || height <= 0)
    return FIRST_SCREEN_ROWS_MAX;
  return CLAMP (height / MIN_ROW_HEIGHT + 1, 8, FIRST_SCREEN_ROWS_MAX);
}

static void
show_all_rows (KtWindow *self)
{
  g_clear_handle_id (&self->show_all_id, g_source_remove);
  gtk_slice_list_model_set_size (self->first_screen, G_MAXUINT);
}

/* GTK 4.8's list view keeps a row widget for up to 200 items; the rows
 * after the first screen come 32 a turn until it has them all, the rest of
 * the list at once (issue 22: 200 rows made, styled and measured in one
 * frame held the loop for about 100 ms after an unlock). */
#define ROWS_PER_TURN  32
#define ROW_WIDGETS   200

static KtCaseView *ensure_case_view (KtWindow *self);

static gboolean
make_case_view_cb (gpointer data)
{
  KtWindow *self = data;

  self->case_view_id = 0;
  ensure_case_view (self);
  return G_SOURCE_REMOVE;
}

/* The case view is the larger part of the window: made in a turn of its
 * own once the list is in, not in the turn that opens the first household
 * of the session, which it held for over 50 ms (issue 22). */
static void
make_case_view_soon (KtWindow *self)
{
  if (self->case_view == NULL && self->case_view_id == 0)
    self->case_view_id = g_idle_add_full (G_PRIORITY_LOW, make_case_view_cb, self, NULL);
}

static gboolean
show_all_rows_cb (gpointer data)
{
  KtWindow *self = data;
  guint size = gtk_slice_list_model_get_size (self->first_screen);

  if (size < ROW_WIDGETS &&
      size < g_list_model_get_n_items (G_LIST_MODEL (self->filtered)))
    {
      gtk_slice_list_model_set_size (self->first_screen, size + ROWS_PER_TURN);
      return G_SOURCE_CONTINUE;
    }
  self->show_all_id = 0;
  show_all_rows (self);
  make_case_view_soon (self);
  return G_SOURCE_REMOVE;
}

static void
list_painted (GdkFrameClock *clock,
              KtWindow      *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  if (self->bench_marker_pending)
    {
      /* bench/bench-startup reads this marker */
      self->bench_marker_pending = FALSE;
      g_print ("KT_FIRST_FRAME %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
      fflush (stdout);
    }
  if (self->show_all_id == 0 && gtk_slice_list_model_get_size (self->first_screen) != G_MAXUINT)
    self->show_all_id = g_idle_add (show_all_rows_cb, self);
}

/* Once the filled case list has been drawn, the rest of its rows follow. */
static void
after_list_painted (KtWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL)
    {
      show_all_rows (self);
      return;
    }
  if (self->after_paint_id == 0)
    self->after_paint_id = g_signal_connect_object (clock, "after-paint", G_CALLBACK (list_painted),
                                                    self, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self->case_list));
}

static void
update_sidebar (KtWindow *self)
{
  const char *page = "list";

  if (g_list_model_get_n_items (G_LIST_MODEL (self->cases)) == 0)
    page = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0)
    page = "no-match";
  gtk_stack_set_visible_child_name (self->sidebar_stack, page);
}

static KtCaseItem *
find_item (KtWindow   *self,
           const char *id,
           guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->cases));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KtCaseItem) item = g_list_model_get_item (G_LIST_MODEL (self->cases), i);

      if (g_strcmp0 (kt_case_item_get_id (item), id) == 0)
        {
          if (position != NULL)
            *position = i;
          return item;
        }
    }
  return NULL;
}

static void
select_in_list (KtWindow   *self,
                const char *id)
{
  KtCaseItem *selected = gtk_single_selection_get_selected_item (self->selection);
  guint n;

  /* A click in the list selected it already: unselecting and searching
   * thousands of rows for it again only made the list redraw (issue 22). */
  if (selected != NULL && g_strcmp0 (kt_case_item_get_id (selected), id) == 0)
    return;
  show_all_rows (self);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  self->filling = TRUE;
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KtCaseItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

      if (g_strcmp0 (kt_case_item_get_id (item), id) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          break;
        }
    }
  self->filling = FALSE;
}

/* The case view */

/* A row's "Plan waits to be sent" is its plan's own share state, as in the
 * household's header: the household's covers its every record, and a
 * conversation waiting says nothing of a plan the server has. */
static void
set_plan_share_state (KtCaseItem *item,
                      GHashTable *states)
{
  const char *plan_id = kt_case_item_get_plan_id (item);
  const KtShareInfo *info = plan_id != NULL && states != NULL ? g_hash_table_lookup (states, plan_id) : NULL;

  kt_case_item_set_plan_share_state (item, info != NULL ? info->state : KT_SHARE_LOCAL);
}

/* The newest plan of the row's household, and what the server has of it. */
static void
set_item_plan (KtWindow     *self,
               KtCaseItem   *item,
               const KtPlan *plan)
{
  kt_case_item_set_plan (item, plan);
  set_plan_share_state (item, self->share_states);
}

static void on_case_changed (KtWindow *self);
static void on_case_opened  (KtWindow *self);

/* The team's keys name the supervisors who reviewed the plan's earlier
 * versions. */
static void
update_team (KtWindow *self)
{
  KtKeyController *keys = self->sync != NULL ? kt_sync_controller_get_keys (self->sync) : NULL;

  if (self->case_view != NULL)
    kt_case_view_set_team (self->case_view, keys != NULL ? kt_key_controller_get_team_keys (keys) : NULL);
}

/* The case view is made after the case list is drawn and filled
 * (make_case_view_soon), or when a case opens before that: it is the larger
 * part of the window, and the case list is drawn sooner without it. */
static KtCaseView *
ensure_case_view (KtWindow *self)
{
  if (self->case_view != NULL)
    return self->case_view;
  g_clear_handle_id (&self->case_view_id, g_source_remove);

  self->case_view = g_object_new (KT_TYPE_CASE_VIEW, NULL);
  /* The Report and Progress pages fill the case view's slots when first
   * shown (issue 22: building them made opening the first case stall). */
  kt_case_view_set_page_maker (self->case_view, "report", kt_plan_pages_attach);
  kt_case_view_set_page_maker (self->case_view, "progress", kt_progress_page_attach);
  kt_a11y_fix_tree (GTK_WIDGET (self->case_view));
  g_signal_connect_object (self->case_view, "case-changed", G_CALLBACK (on_case_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->case_view, "documents-changed", G_CALLBACK (on_case_opened), self,
                           G_CONNECT_SWAPPED);
  kt_case_view_set_show_back (self->case_view, adw_leaflet_get_folded (self->leaflet));
  place_sync_reason (self);
  /* The window's win.resident-watching (its shortcut) and the case list's
   * place on screen follow the case view's mode. */
  g_object_bind_property (self->case_view, "resident-watching", self, "resident-watching",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  if (self->sync != NULL)
    {
      kt_case_view_set_sync_client (self->case_view, kt_sync_controller_get_client (self->sync));
      /* A key problem sharing waits on, with the sync state under the
       * household's header, as in the bar above the list. */
      kt_case_view_set_key_controller (self->case_view, kt_sync_controller_get_keys (self->sync));
    }
  update_team (self);
  gtk_stack_add_named (self->content_stack, GTK_WIDGET (self->case_view), "case");
  return self->case_view;
}

/* The case that is open, or NULL. */
static KtCase *
current_case (KtWindow *self)
{
  return self->case_view != NULL ? kt_case_view_get_case (self->case_view) : NULL;
}

/* Shows @child of the content pane and moves a folded window's leaflet as
 * the way the household was chosen asks. */
static void
show_content (KtWindow   *self,
              OpenThen    then,
              const char *child)
{
  gtk_stack_set_visible_child_name (self->content_stack, child);
  if (then == OPEN_THEN_NAVIGATE)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  else if (then == OPEN_THEN_SHOW)
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_stack));
}

/* What was asked with the household once it is open. */
static void
case_opened (KtWindow   *self,
             OpenThen    then,
             const char *page)
{
  if (page != NULL)
    kt_case_view_set_visible_page (self->case_view, page);
  show_content (self, then, "case");
}

/* Forgets the household being read, if any: a newer choice, a lock or the
 * window closing wins over it. */
static void
stop_opening (KtWindow *self)
{
  g_cancellable_cancel (self->opening_cancellable);
  g_clear_object (&self->opening_cancellable);
  g_clear_handle_id (&self->opening_shown_id, g_source_remove);
  g_clear_pointer (&self->opening_id, g_free);
  g_clear_pointer (&self->opening_page, g_free);
}

/* The household takes longer than a blink: the window says it is loading
 * (and a folded window goes to where that shows).  The case list and the
 * rest of the window stay usable. */
static gboolean
opening_shown_cb (gpointer data)
{
  KtWindow *self = data;

  self->opening_shown_id = 0;
  show_content (self, self->opening_then, "loading");
  return G_SOURCE_REMOVE;
}

static void
on_case_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KtWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(KtConversation) conversation = NULL;
  g_autoptr(KtPlan) plan = NULL;
  g_autoptr(KtCase) kase = NULL;
  g_autofree char *id = NULL;
  g_autofree char *page = NULL;
  OpenThen then;

  kase = kt_store_load_case_finish (KT_STORE (source), result, &conversation, &plan, &problem, &error);
  /* A read that a newer choice (or a lock, or closing) replaced: its
   * documents go unseen. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_cancellable (G_TASK (result)) != self->opening_cancellable)
    return;
  id = g_steal_pointer (&self->opening_id);
  page = g_steal_pointer (&self->opening_page);
  then = self->opening_then;
  g_clear_object (&self->opening_cancellable);
  g_clear_handle_id (&self->opening_shown_id, g_source_remove);

  if (kase == NULL)
    {
      /* Where the user looks: what the pane showed before comes back. */
      toast (self, error->message);
      gtk_stack_set_visible_child_name (self->content_stack, current_case (self) != NULL ? "case" : "empty");
      /* A household that did not come back after a lock cannot be
       * watched: the list returns. */
      if (current_case (self) == NULL)
        set_resident_watching (self, FALSE);
      return;
    }
  if (problem != NULL)
    toast (self, problem->message);

  /* Whatever the previous case still had pending goes to disk now. */
  kt_store_flush_async (self->store, NULL, NULL, NULL);
  kt_case_view_set_documents (ensure_case_view (self), self->store, self->catalogue, kase, conversation, plan);
  select_in_list (self, id);
  case_opened (self, then, page);
}

/* Opens the case with @id: the case, its latest conversation and its
 * latest plan are read and decrypted on the store's worker (issue 22: on
 * the main loop they waited for any save that held the store), then @then
 * and @page (the page to show, or NULL) follow.  The window stays usable
 * meanwhile; a newer choice replaces this one. */
static void
open_case (KtWindow   *self,
           const char *id,
           OpenThen    then,
           const char *page)
{
  KtCase *current = current_case (self);

  stop_opening (self);
  if (current != NULL && g_strcmp0 (current->header.id, id) == 0)
    {
      case_opened (self, then, page);
      return;
    }
  self->opening_id = g_strdup (id);
  self->opening_page = g_strdup (page);
  self->opening_then = then;
  self->opening_cancellable = g_cancellable_new ();
  self->opening_shown_id = g_timeout_add (OPENING_SHOWN_AFTER_MS, opening_shown_cb, self);
  kt_store_load_case_async (self->store, id, self->opening_cancellable, on_case_loaded, g_object_ref (self));
}

static void
on_selection_changed (KtWindow *self)
{
  KtCaseItem *item = gtk_single_selection_get_selected_item (self->selection);

  if (self->filling || item == NULL)
    return;
  open_case (self, kt_case_item_get_id (item), OPEN_THEN_NAVIGATE, NULL);
}

static void
on_case_activated (KtWindow *self,
                   guint     position)
{
  g_autoptr(KtCaseItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item != NULL)
    open_case (self, kt_case_item_get_id (item), OPEN_THEN_SHOW, NULL);
}

static void
on_case_changed (KtWindow *self)
{
  KtCase *kase = current_case (self);
  KtCaseItem *item;

  if (kase == NULL)
    return;
  /* A case brings rows of its own (members, goals, people). */
  kt_a11y_fix_tree (GTK_WIDGET (self->case_view));
  item = find_item (self, kase->header.id, NULL);
  if (item == NULL)
    return;
  kt_case_item_update (item, kase);
  /* Submitted from the plan page: the row says so. */
  if (kt_case_view_get_plan (self->case_view) != NULL)
    set_item_plan (self, item, kt_case_view_get_plan (self->case_view));
  /* The name and the deadline may have moved the row or its match. */
  gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* The plan of a household just opened tells its row where it is, after
 * a start that listed only the cases' summaries. */
static void
on_case_opened (KtWindow *self)
{
  KtCase *kase = current_case (self);
  KtPlan *plan = self->case_view != NULL ? kt_case_view_get_plan (self->case_view) : NULL;
  KtCaseItem *item;

  if (kase != NULL && plan != NULL && (item = find_item (self, kase->header.id, NULL)) != NULL)
    set_item_plan (self, item, plan);
}

static void
on_search_changed (KtWindow *self)
{
  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_search_activate (KtWindow *self)
{
  g_autoptr(KtCaseItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), 0);

  if (item != NULL)
    open_case (self, kt_case_item_get_id (item), OPEN_THEN_SHOW, NULL);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item)
{
  gtk_list_item_set_child (list_item, kt_case_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item)
{
  kt_case_row_set_item (KT_CASE_ROW (gtk_list_item_get_child (list_item)),
                        gtk_list_item_get_item (list_item));
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item)
{
  kt_case_row_set_item (KT_CASE_ROW (gtk_list_item_get_child (list_item)), NULL);
}

/* Nearest deadline first; cases without one last, by name. */
static int
compare_cases (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  KtCaseItem *ia = (KtCaseItem *) a;
  KtCaseItem *ib = (KtCaseItem *) b;
  const char *da = kt_case_item_get_deadline (ia);
  const char *db = kt_case_item_get_deadline (ib);

  if (da == NULL && db != NULL)
    return 1;
  if (da != NULL && db == NULL)
    return -1;
  if (g_strcmp0 (da, db) != 0)
    return g_strcmp0 (da, db);
  return g_strcmp0 (kt_case_item_get_household (ia), kt_case_item_get_household (ib));
}

/* The store's check at open (kt_store_get_check): records put back,
 * changed or removed outside Keukentafel, or a whole older data file.  The
 * store has already set those records aside and opened the rest; the coach
 * reads what happened once the case list is there.  "Understood" tells the
 * store it has been seen; otherwise it is shown again at the next start. */
static void
on_check_accepted (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KtWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kt_store_accept_check_finish (KT_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
}

static void
on_check_response (KtWindow   *self,
                   const char *response)
{
  if (g_strcmp0 (response, "understood") == 0)
    kt_store_accept_check_async (self->store, self->cancellable, on_check_accepted,
                                 g_object_ref (self));
}

static void
show_store_check (KtWindow *self)
{
  const KtStoreCheck *check = kt_store_get_check (self->store);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (check == NULL || self->check_shown)
    return;
  self->check_shown = TRUE;

  body = kt_store_check_describe (check);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Data Changed Outside Keukentafel"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "later", _("_Remind Me Next Time"),
                                    "understood", _("_Understood"), NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "understood");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "later");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_check_response), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Each household row says what the server has of it: one read of the
 * sync state for the whole list, not three queries per household (issue
 * 22: at 2,000 cases that was 100 ms on the main loop after unlocking). */
/* The rows by id: made from the list once, then kept as rows come (issue
 * 22: every batch from the server hashed the ids of all 10,000 rows). */
static void
on_cases_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  KtWindow   *self)
{
  if (removed > 0)
    {
      g_clear_pointer (&self->case_index, g_hash_table_unref);
      return;
    }
  for (guint i = position; self->case_index != NULL && i < position + added; i++)
    {
      g_autoptr(KtCaseItem) item = g_list_model_get_item (model, i);

      g_hash_table_insert (self->case_index, g_strdup (kt_case_item_get_id (item)), item);
    }
}

static GHashTable *
case_index (KtWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->cases));

  if (self->case_index != NULL)
    return self->case_index;
  self->case_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KtCaseItem) item = g_list_model_get_item (G_LIST_MODEL (self->cases), i);

      g_hash_table_insert (self->case_index, g_strdup (kt_case_item_get_id (item)), item);
    }
  return self->case_index;
}

/* What the server has of the row's household, and of its plan, from
 * @states (id → KtShareInfo). */
static void
set_share_state (KtCaseItem *item,
                 GHashTable *states)
{
  const KtShareInfo *info = g_hash_table_lookup (states, kt_case_item_get_id (item));

  kt_case_item_set_share_state (item, info != NULL ? info->state : KT_SHARE_LOCAL,
                                info != NULL ? info->reason : NULL);
  set_plan_share_state (item, states);
}

/* Each row shows what the server has of its household and of its plan.
 * Only the rows named in the states before or now can have changed: the
 * others are local and stay so, and are not each looked at again whenever
 * a record goes out or a batch comes in (issue 22).  A plan's state moves
 * with its household's name in them: a plan waiting names its household
 * in the outbox, and the server has a plan only of a household it has. */
static void
update_share_states (KtWindow *self)
{
  KtSyncClient *client = self->sync != NULL ? kt_sync_controller_get_client (self->sync) : NULL;
  g_autoptr(GHashTable) states = NULL;
  GHashTableIter iter;
  gpointer key;

  if (client == NULL)
    return;
  states = kt_sync_client_get_case_states (client);
  /* The rows still to come take the new states too. */
  if (self->refill_id != 0)
    {
      g_clear_pointer (&self->refill_states, g_hash_table_unref);
      self->refill_states = g_hash_table_ref (states);
    }
  if (self->share_states == NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->cases));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(KtCaseItem) item = g_list_model_get_item (G_LIST_MODEL (self->cases), i);

          set_share_state (item, states);
        }
    }
  else
    {
      GHashTable *rows = case_index (self);
      KtCaseItem *item;

      /* Records' ids are in the states too: they name no row. */
      g_hash_table_iter_init (&iter, states);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if ((item = g_hash_table_lookup (rows, key)) != NULL)
          set_share_state (item, states);
      g_hash_table_iter_init (&iter, self->share_states);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (states, key) && (item = g_hash_table_lookup (rows, key)) != NULL)
          set_share_state (item, states);
    }
  g_clear_pointer (&self->share_states, g_hash_table_unref);
  self->share_states = g_steal_pointer (&states);
}

/* How many rows the case list takes in one turn of the main loop while it
 * fills: a few milliseconds of making items and sorting them in, so a
 * key, a frame and a screen reader go between slices (issue 22: after an
 * unlock 10,000 rows in one turn held the loop for over 100 ms). */
#define REFILL_SLICE 500

static void
stop_refill (KtWindow *self)
{
  g_clear_handle_id (&self->refill_id, g_source_remove);
  /* The summaries hold the households' names: not kept past a lock. */
  g_clear_pointer (&self->refill_summaries, g_ptr_array_unref);
  g_clear_pointer (&self->refill_states, g_hash_table_unref);
  self->refill_next = 0;
}

/* Each row says where its household's plan stands ("Plan approved")
 * from the start, not only once the household is opened. */
static void
on_plan_stages_listed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GHashTable) stages = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  KtWindow *self;

  stages = kt_store_list_plan_stages_finish (KT_STORE (source), result, &error);
  if (stages == NULL)
    {
      /* Cancelled: the window is gone.  Locked, or the file failed: the
       * rows keep the phase until a household is opened. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The plans' stages were not read: %s", error->message);
      return;
    }
  self = KT_WINDOW (user_data);
  g_hash_table_iter_init (&iter, stages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KtCaseItem *item = g_hash_table_lookup (case_index (self), key);

      if (item != NULL)
        {
          kt_case_item_set_plan_stage (item, value);
          set_plan_share_state (item, self->share_states);
        }
    }
}

/* The list is full: what waited for it (tests and the bench wait for
 * kt_window_is_ready) goes on. */
static void
cases_filled (KtWindow *self)
{
  g_debug ("%u cases listed after %" G_GINT64_FORMAT " ms",
           g_list_model_get_n_items (G_LIST_MODEL (self->cases)),
           (g_get_monotonic_time () - self->started) / 1000);
  self->ready = TRUE;
  update_sidebar (self);
  gtk_stack_set_visible_child_name (self->main_stack, "main");
  /* After the list, off its way (issue 22: the listing stays as fast). */
  kt_store_list_plan_stages_async (self->store, self->cancellable, on_plan_stages_listed, self);
  present_if_waiting (self);
  after_list_painted (self);

  if (self->reopen_id != NULL)
    {
      g_autofree char *id = g_steal_pointer (&self->reopen_id);
      g_autofree char *page = g_steal_pointer (&self->reopen_page);

      open_case (self, id, OPEN_THEN_STAY, page);
    }
  /* A household that did not come back cannot be watched: the list
   * returns (one on its way is judged when it has been read). */
  if (current_case (self) == NULL && self->opening_id == NULL)
    set_resident_watching (self, FALSE);
  show_store_check (self);
}

/* Makes the next slice of rows, with their share state, and adds them. */
static gboolean
refill_slice_cb (gpointer data)
{
  KtWindow *self = data;
  GPtrArray *summaries = self->refill_summaries;
  guint end = MIN (self->refill_next + REFILL_SLICE, summaries->len);
  g_autoptr(GPtrArray) items = g_ptr_array_new_full (end - self->refill_next, g_object_unref);

  for (guint i = self->refill_next; i < end; i++)
    {
      KtCaseItem *item = kt_case_item_new_from_summary (g_ptr_array_index (summaries, i));
      const KtShareInfo *info = self->refill_states != NULL
                                ? g_hash_table_lookup (self->refill_states, kt_case_item_get_id (item))
                                : NULL;

      if (info != NULL)
        kt_case_item_set_share_state (item, info->state, info->reason);
      g_ptr_array_add (items, item);
    }
  /* The first slice replaces what the list held (a listing again while
   * one was filling), the others follow it. */
  g_list_store_splice (self->cases,
                       self->refill_next == 0 ? 0 : g_list_model_get_n_items (G_LIST_MODEL (self->cases)),
                       self->refill_next == 0 ? g_list_model_get_n_items (G_LIST_MODEL (self->cases)) : 0,
                       items->pdata, items->len);
  self->refill_next = end;
  if (end < summaries->len)
    return G_SOURCE_CONTINUE;

  self->refill_id = 0;
  stop_refill (self);
  cases_filled (self);
  return G_SOURCE_REMOVE;
}

static void
on_cases_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  KtWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = kt_store_list_cases_finish (KT_STORE (source), result, &error);
  KtSyncClient *client;

  if (summaries == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      toast (self, error->message);
      summaries = g_ptr_array_new ();
    }

  stop_refill (self);
  self->refill_summaries = g_steal_pointer (&summaries);
  /* Each row says what the server has of it: one read of the sync state
   * for the whole list, not three queries per household. */
  client = self->sync != NULL ? kt_sync_controller_get_client (self->sync) : NULL;
  if (client != NULL)
    self->refill_states = kt_sync_client_get_case_states (client);
  /* The rows made from now on show these. */
  g_clear_pointer (&self->share_states, g_hash_table_unref);
  if (self->refill_states != NULL)
    self->share_states = g_hash_table_ref (self->refill_states);
  /* Listed only while not ready (at start, after an unlock or a new PIN):
   * the first slice now, the rest from idle turns; until the list is full
   * the window shows that it is loading. */
  if (refill_slice_cb (self))
    self->refill_id = g_idle_add (refill_slice_cb, self);
}

static void
load_cases (KtWindow *self)
{
  kt_store_list_cases_async (self->store, self->cancellable, on_cases_listed, self);
}

/* The store */

static void
on_store_locked (KtWindow *self)
{
  KtCase *kase = current_case (self);

  /* The store saved every draft before it locked; now the client data
   * leaves the screen and the widgets. */
  g_clear_pointer (&self->reopen_id, g_free);
  g_clear_pointer (&self->reopen_page, g_free);
  /* A household on its way is the one the user chose last: it opens after
   * the unlock. */
  if (self->opening_id != NULL)
    {
      self->reopen_id = g_steal_pointer (&self->opening_id);
      self->reopen_page = g_steal_pointer (&self->opening_page);
    }
  else if (kase != NULL)
    {
      self->reopen_id = g_strdup (kase->header.id);
      self->reopen_page = g_strdup (kt_case_view_get_visible_page (self->case_view));
    }
  stop_opening (self);
  if (self->case_view != NULL)
    kt_case_view_clear (self->case_view);
  stop_refill (self);
  self->filling = TRUE;
  g_list_store_remove_all (self->cases);
  /* The list comes back as at start: the first screen, then the rest
   * once it is drawn, a few rows a turn (issue 22). */
  gtk_slice_list_model_set_size (self->first_screen, first_screen_rows (self));
  self->filling = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_stack_set_visible_child_name (self->content_stack, "empty");
  self->ready = FALSE;
  show_lock_page (self, LOCK_IDLE, _("Your work was saved. Unlock to go on."));
  /* The sync popover names the account: it closes too. */
  gtk_menu_button_popdown (kt_sync_button_get_button (self->sync_button));
}

static void
on_save_failed (KtWindow *self)
{
  toast (self, _("A change could not be saved yet. Keukentafel keeps it and tries again."));
}

/* Sync as the user can see and steer it: which actions the menu and the
 * sync popover offer follows the account. */
static void
update_sync_actions (KtWindow *self)
{
  KtSyncClient *client = self->sync != NULL ? kt_sync_controller_get_client (self->sync) : NULL;
  gboolean signed_in = client != NULL && kt_sync_client_is_signed_in (client);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-in", client != NULL && !signed_in);
  /* The empty list says how to begin: a new request, or first the team's
   * server (an intaker's or supervisor's view comes with the sign-in). */
  gtk_widget_set_visible (self->empty_sign_in_button, client != NULL && !signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync-now", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resolve-conflicts",
                                 signed_in && kt_sync_client_get_n_conflicts (client) > 0);
}

/* A review result for the plan on screen shows without reopening it. */
/* The rows of the households in @kept take what their case now says, and
 * households new to the store get a row; the other rows stay as they are. */
static void
update_listed_cases (KtWindow  *self,
                     GPtrArray *kept)
{
  GHashTable *rows = case_index (self);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->cases));
  gboolean changed = FALSE;

  for (guint i = 0; i < kept->len; i++)
    {
      const KtDocument *doc = g_ptr_array_index (kept, i);
      KtCaseItem *item;

      if (doc->kase == NULL)
        continue;
      item = g_hash_table_lookup (rows, doc->kase->header.id);
      if (item == NULL)
        {
          KtCaseSummary summary = { .id = doc->kase->header.id, .updated = doc->kase->header.updated };

          item = kt_case_item_new_from_summary (&summary);
          g_ptr_array_add (added, item);
          g_hash_table_insert (rows, g_strdup (kt_case_item_get_id (item)), item);
        }
      else
        changed = TRUE;
      kt_case_item_update (item, doc->kase);
    }
  if (added->len > 0)
    g_list_store_splice (self->cases, n, 0, added->pdata, added->len);
  if (changed)
    {
      /* The names and deadlines may have moved rows or their match. */
      gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
      gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
    }
}

/* The rows of the households whose plans came take their review. */
static void
update_listed_plans (KtWindow  *self,
                     GPtrArray *kept)
{
  GHashTable *rows = case_index (self);

  for (guint i = 0; i < kept->len; i++)
    {
      const KtDocument *doc = g_ptr_array_index (kept, i);
      KtCaseItem *item;

      if (doc->plan != NULL && doc->plan->case_id != NULL &&
          (item = g_hash_table_lookup (rows, doc->plan->case_id)) != NULL)
        set_item_plan (self, item, doc->plan);
    }
}

/* After a batch from the server only what came changes: the rows of the
 * households whose case came, and the open plan when a plan came; the
 * store is not listed again for every record (issue 22). */
static void
on_documents_changed (KtWindow  *self,
                      GPtrArray *kept)
{
  gboolean cases = FALSE, plans = FALSE;

  for (guint i = 0; i < kept->len; i++)
    {
      const KtDocument *doc = g_ptr_array_index (kept, i);

      cases |= doc->kase != NULL;
      plans |= doc->plan != NULL;
    }
  /* While the list is still being read, that reading may have missed them. */
  if (cases && !self->ready)
    load_cases (self);
  else if (cases)
    update_listed_cases (self, kept);
  /* A review the supervisor sent shows on the household's row. */
  if (plans && self->ready)
    update_listed_plans (self, kept);
  if (plans && self->case_view != NULL)
    kt_case_view_reload_plan (self->case_view);
}

static void
open_documents (GObject  *owner,
                KtCase  **open_case,
                KtPlan  **open_plan)
{
  KtWindow *self = KT_WINDOW (owner);

  *open_case = current_case (self);
  *open_plan = self->case_view != NULL ? kt_case_view_get_plan (self->case_view) : NULL;
}

static void
households_adopted (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* A failure to write was said in a dialog; the rest waits for the next
   * sign-in. */
  if (kt_sync_controller_adopt_households_finish (KT_SYNC_CONTROLLER (source), result, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Households were not adopted: %s", error->message);
}

static void
on_signed_in (KtWindow *self)
{
  g_autofree char *text = kt_sync_button_format_account (kt_sync_controller_get_client (self->sync));

  toast (self, text);
  kt_sync_controller_adopt_households_async (self->sync, open_documents, G_OBJECT (self), NULL,
                                             households_adopted, NULL);
}

static void
on_pin_saved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KtWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->unlocking = FALSE;
  gtk_widget_set_sensitive (self->unlock_button, TRUE);
  if (!kt_store_set_unlock_secret_finish (KT_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_lock_error (self, error->message);
      return;
    }
  gtk_editable_set_text (self->passphrase_row, "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  load_cases (self);
}

static void
store_opened (KtWindow *self)
{
  g_signal_connect_object (self->store, "locked", G_CALLBACK (on_store_locked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "save-failed", G_CALLBACK (on_save_failed), self, G_CONNECT_SWAPPED);
  kt_store_set_idle_timeout (self->store, kt_app_get_idle_minutes () * 60);
  if (self->sync == NULL)
    {
      self->sync = kt_sync_controller_new (GTK_WINDOW (self), self->store);
      g_signal_connect_object (self->sync, "documents-changed", G_CALLBACK (on_documents_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sync, "case-state-changed", G_CALLBACK (update_share_states), self,
                               G_CONNECT_SWAPPED);
      if (self->case_view != NULL)
        {
          kt_case_view_set_sync_client (self->case_view, kt_sync_controller_get_client (self->sync));
          kt_case_view_set_key_controller (self->case_view, kt_sync_controller_get_keys (self->sync));
        }
      /* The supervisors who reviewed a plan, by name, as the keys bring them. */
      g_signal_connect_object (kt_sync_controller_get_keys (self->sync), "changed", G_CALLBACK (update_team),
                               self, G_CONNECT_SWAPPED);
      update_team (self);
      /* Signed in as an intaker or a supervisor, the window shows their view. */
      self->roles = kt_role_controller_new (self->main_bin, GTK_WIDGET (self->leaflet),
                                            self->store, self->sync, self->catalogue);
      g_signal_connect_object (self->sync, "documents-changed", G_CALLBACK (kt_role_controller_update_later),
                               self->roles, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->sync, "signed-in", G_CALLBACK (on_signed_in), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (kt_sync_controller_get_client (self->sync), "notify",
                               G_CALLBACK (update_sync_actions), self, G_CONNECT_SWAPPED);
      kt_sync_button_set_client (self->sync_button, kt_sync_controller_get_client (self->sync));
      /* A key problem sharing waits on, where the sync state is. */
      kt_sync_button_set_key_controller (self->sync_button, kt_sync_controller_get_keys (self->sync));
      /* And why, above the list, when it needs the coach. */
      kt_sync_banner_set_client (self->sync_banner, kt_sync_controller_get_client (self->sync));
      kt_sync_banner_set_key_controller (self->sync_banner, kt_sync_controller_get_keys (self->sync));
      update_sync_actions (self);
    }

  /* With the keyring the key needs no secret: the lock asks for a PIN the
   * user chooses now, before anything shows. */
  if (kt_store_needs_unlock_secret (self->store))
    {
      show_lock_page (self, LOCK_CHOOSE_PIN,
                      _("Keukentafel locks itself when you leave it. With this PIN you unlock it "
                        "again. Choose at least four digits."));
      return;
    }
  /* Closed (or stopped) while locked: it starts locked. */
  if (kt_store_get_key_source (self->store) == KT_KEY_SOURCE_KEYRING &&
      kt_store_was_left_locked (self->store))
    {
      kt_store_lock (self->store);
      return;
    }
  load_cases (self);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);

  if (self->sync != NULL)
    kt_sync_controller_sign_in (self->sync);
}

static void
resolve_conflicts_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);

  if (self->sync != NULL)
    kt_sync_controller_show_conflicts (self->sync);
}

static gboolean
needs_passphrase (const GError *error)
{
  return g_error_matches (error, KT_STORE_ERROR, KT_STORE_ERROR_NO_SECRET_SERVICE) ||
         g_error_matches (error, KT_STORE_ERROR, KT_STORE_ERROR_KEY_MISSING) ||
         g_error_matches (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED);
}

static void store_open_done (KtWindow *self, GError *error);

static void
on_store_open (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  kt_store_open_finish (KT_STORE (source), result, &error);
  store_open_done (user_data, error);
}

/* The application's first opening of the store, started before GTK. */
static void
on_first_open (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KtWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  kt_application_wait_store_finish (KT_APPLICATION (source), result, &error);
  if (!g_cancellable_is_cancelled (self->cancellable))
    store_open_done (self, error);
}

static void
store_open_done (KtWindow *self,
                 GError   *error)
{
  if (error == NULL)
    {
      g_debug ("Store open after %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - self->started) / 1000);
      store_opened (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (gtk_stack_get_visible_child_name (self->main_stack) != NULL &&
      g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "lock") &&
      !needs_passphrase (error))
    {
      /* A wrong passphrase, or too many tries: say so on the same page. */
      show_lock_error (self, error->message);
      return;
    }
  show_lock_page (self, kt_store_exists (self->store) ? LOCK_OPEN : LOCK_CREATE, error->message);
}

static void
open_store (KtWindow    *self,
            KtKeySource  source,
            const char  *passphrase)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->main_stack), source == KT_KEY_SOURCE_KEYRING);
  kt_store_open_async (self->store, source, passphrase, self->cancellable, on_store_open, self);
}

static gboolean
wait_over_cb (gpointer data)
{
  KtWindow *self = data;

  self->wait_id = 0;
  gtk_widget_set_sensitive (self->unlock_button, TRUE);
  /* What went wrong stays; the wait it announced is over. */
  if (self->lock_error_base != NULL)
    gtk_label_set_label (self->lock_error_label, self->lock_error_base);
  return G_SOURCE_REMOVE;
}

/* After a wrong try the button waits as long as the store does, and the
 * page says so in words. */
static void
show_unlock_failure (KtWindow     *self,
                     const GError *error)
{
  guint wait = kt_store_get_unlock_wait (self->store);
  g_autofree char *message = NULL;

  if (wait > 0 && g_error_matches (error, KT_STORE_ERROR, KT_STORE_ERROR_WRONG_PASSPHRASE))
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "That is not right. You can try again in %u second.",
                                            "That is not right. You can try again in %u seconds.", wait),
                               wait);
  show_lock_error (self, message != NULL ? message : error->message);
  g_free (self->lock_error_base);
  self->lock_error_base = g_strdup (error->message);
  g_clear_handle_id (&self->wait_id, g_source_remove);
  if (wait > 0)
    {
      gtk_widget_set_sensitive (self->unlock_button, FALSE);
      self->wait_id = g_timeout_add_seconds (wait, wait_over_cb, self);
    }
  gtk_editable_set_text (self->passphrase_row, "");
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

static void
on_unlocked (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KtWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->unlocking = FALSE;
  gtk_widget_set_sensitive (self->unlock_button, TRUE);
  if (!kt_store_unlock_finish (KT_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_unlock_failure (self, error);
      return;
    }
  gtk_editable_set_text (self->passphrase_row, "");
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  load_cases (self);
}

static gboolean
is_pin (const char *text)
{
  if (strlen (text) < MIN_PIN_LENGTH)
    return FALSE;
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c))
      return FALSE;
  return TRUE;
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);
  const char *passphrase = gtk_editable_get_text (self->passphrase_row);

  if (self->unlocking)
    return;
  if (self->lock_mode == LOCK_IDLE)
    {
      /* Argon2id and the keyring answer on a worker; the field keeps the
       * focus (GTK 4.8 warns when a focused entry turns insensitive). */
      self->unlocking = TRUE;
      gtk_widget_set_sensitive (self->unlock_button, FALSE);
      kt_store_unlock_async (self->store, self->unlock_kind, passphrase, self->cancellable,
                             on_unlocked, g_object_ref (self));
      return;
    }

  if (self->lock_mode == LOCK_CHOOSE_PIN)
    {
      if (!is_pin (passphrase))
        {
          show_lock_error (self, _("Use at least four digits, and only digits."));
          return;
        }
      if (g_strcmp0 (passphrase, gtk_editable_get_text (GTK_EDITABLE (self->confirm_row))) != 0)
        {
          show_lock_error (self, _("The two PINs are not the same."));
          return;
        }
      gtk_widget_set_visible (GTK_WIDGET (self->lock_error_label), FALSE);
      self->unlocking = TRUE;
      gtk_widget_set_sensitive (self->unlock_button, FALSE);
      kt_store_set_unlock_secret_async (self->store, KT_UNLOCK_PIN, passphrase, self->cancellable,
                                        on_pin_saved, g_object_ref (self));
      return;
    }

  if (g_utf8_strlen (passphrase, -1) < MIN_PASSPHRASE_LENGTH)
    {
      g_autofree char *message = g_strdup_printf (ngettext ("Use at least %d character.",
                                                            "Use at least %d characters.",
                                                            MIN_PASSPHRASE_LENGTH),
                                                  MIN_PASSPHRASE_LENGTH);
      show_lock_error (self, message);
      return;
    }
  if (self->lock_mode == LOCK_CREATE &&
      g_strcmp0 (passphrase, gtk_editable_get_text (GTK_EDITABLE (self->confirm_row))) != 0)
    {
      show_lock_error (self, _("The two passphrases are not the same."));
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->lock_error_label), FALSE);
  open_store (self, KT_KEY_SOURCE_PASSPHRASE, passphrase);
}

static void
forgot_pin_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);

  set_unlock_kind (self, KT_UNLOCK_PASSWORD);
  adw_status_page_set_description (self->lock_status,
                                   _("Unlock with the password of your server account. "
                                     "It is checked on this device; no network is needed."));
  gtk_widget_set_visible (GTK_WIDGET (self->lock_error_label), FALSE);
  gtk_editable_set_text (self->passphrase_row, "");
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

/* Sync */

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);

  if (self->sync != NULL)
    kt_sync_controller_sync_now (self->sync);
}

static void
on_signed_out (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KtWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The token is gone from this device even when the server could not be
   * told; the outbox and the store stay. */
  if (!kt_sync_controller_sign_out_finish (KT_SYNC_CONTROLLER (source), result, NULL, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  toast (self, _("Signed out. Your work stays on this device."));
}

static void
sign_out_now (KtWindow *self)
{
  kt_sync_controller_sign_out_async (self->sync, self->cancellable, on_signed_out, g_object_ref (self));
}

static void
on_sign_out_response (AdwMessageDialog *dialog,
                      const char       *response,
                      KtWindow         *self)
{
  if (g_strcmp0 (response, "sync") == 0)
    kt_sync_controller_sync_now (self->sync);
  else if (g_strcmp0 (response, "keep") == 0)
    sign_out_now (self);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  guint unsynced;

  if (self->sync == NULL)
    return;
  /* Waiting, refused or in conflict: what the server does not have yet. */
  unsynced = kt_sync_controller_get_n_unsynced (self->sync);
  if (unsynced == 0)
    {
      sign_out_now (self);
      return;
    }
  /* Never silently dropped: the user chooses, and the default keeps all. */
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u record has not reached the server yet. If you sign out, it stays "
                                       "on this device, encrypted, and is sent when you sign in again.",
                                       "%u records have not reached the server yet. If you sign out, they stay "
                                       "on this device, encrypted, and are sent when you sign in again.",
                                       unsynced), unsynced);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Not Everything Is Synced"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "sync", _("Sync _First"),
                                    "keep", _("Sign Out and _Keep Everything"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "keep",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The shortcuts window is made each time it is asked for and destroyed when
 * closed.  GTK's own help overlay (a gtk/help-overlay.ui resource) is made
 * with every window and kept hidden, and a hidden window with no accessible
 * object path crashes GTK 4.8: its AT-SPI root answers GetChildAtIndex past
 * the shown windows with the last window it has, and the object path of a
 * hidden one is NULL.  A screen reader asks that when a dialog closes while
 * it counts the windows (the sign-in dialog, as it closes on success). */
static void
show_shortcuts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/nl/wijkteam/Keukentafel/kt-shortcuts-window.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));

  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (widget));
  gtk_window_present (shortcuts);
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);
  GtkWidget *prefs = kt_preferences_window_new (GTK_WINDOW (self), self->store,
                                                self->sync != NULL ? kt_sync_controller_get_keys (self->sync) : NULL);

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
on_confirm_activated (KtWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.unlock", NULL);
}

/* Enter in the first field goes on to the second when there is one. */
static void
on_passphrase_activated (KtWindow *self)
{
  if (gtk_widget_get_visible (self->confirm_row) &&
      *gtk_editable_get_text (GTK_EDITABLE (self->confirm_row)) == '\0')
    {
      gtk_widget_grab_focus (self->confirm_row);
      return;
    }
  on_confirm_activated (self);
}

static void
use_keyring_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  open_store (self, KT_KEY_SOURCE_KEYRING, NULL);
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);

  if (self->ready)
    kt_store_lock (self->store);
}

/* Cases */

static void
new_case_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(KtCaseItem) item = NULL;
  KtCaseSummary summary = { 0 };
  int conversation_days, own_plan_days;

  if (!self->ready)
    return;

  kase = kt_case_new ();
  kase->phase = KT_PHASE_REGISTERED;
  g_free (kase->request.date);
  kase->request.date = kt_date_today ();
  kt_app_get_periods (&conversation_days, &own_plan_days);
  kt_case_compute_deadlines (kase, conversation_days, own_plan_days);
  kt_store_autosave_case (self->store, kase);

  summary.id = kase->header.id;
  summary.phase = kase->phase;
  summary.next_deadline = (char *) kt_case_next_deadline (kase);
  summary.next_due = kt_case_next_due (kase, NULL).kind;
  item = kt_case_item_new_from_summary (&summary);
  g_list_store_insert (self->cases, 0, item);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  update_sidebar (self);

  /* The new household wins over one still being read. */
  stop_opening (self);
  kt_case_view_set_documents (ensure_case_view (self), self->store, self->catalogue, kase, NULL, NULL);
  kt_case_view_set_visible_page (self->case_view, "intake");
  gtk_stack_set_visible_child_name (self->content_stack, "case");
  select_in_list (self, kase->header.id);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_stack));
  gtk_widget_grab_focus (GTK_WIDGET (kt_intake_page_get_own_strength_field (
                                       kt_case_view_get_intake_page (self->case_view))));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, gtk_widget_get_parent (GTK_WIDGET (self->sidebar_stack)));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);

  /* Folded, the list replaces the case; side by side, the keyboard moves
   * to it, on the household that is open. */
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->case_list));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KtWindow *self = KT_WINDOW (widget);

  if (current_case (self) == NULL)
    return;
  kt_case_view_set_visible_page (self->case_view, g_variant_get_string (parameter, NULL));
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_stack));
}

static void
on_folded (KtWindow *self)
{
  if (self->case_view != NULL)
    kt_case_view_set_show_back (self->case_view, adw_leaflet_get_folded (self->leaflet));
  place_sync_reason (self);
}

/* Idle timer: any key or click counts as use. */
static gboolean
on_key_pressed (KtWindow *self)
{
  if (self->ready)
    kt_store_touch (self->store);
  return GDK_EVENT_PROPAGATE;
}

static void
on_pressed (KtWindow *self)
{
  if (self->ready)
    kt_store_touch (self->store);
}

/* Closing: every draft is written before the window goes. */

static void
on_close_anyway (AdwMessageDialog *dialog,
                 const char       *response,
                 KtWindow         *self)
{
  if (g_strcmp0 (response, "quit") != 0)
    return;
  self->force_close = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
kt_window_close_request (GtkWindow *window)
{
  KtWindow *self = KT_WINDOW (window);
  g_autoptr(GError) error = NULL;

  if (self->ready && !self->force_close && !kt_store_flush (self->store, &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (window, _("Not Everything Is Saved"), error->message);

      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "stay", _("_Keep Keukentafel Open"),
                                        "quit", _("_Quit Anyway"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "quit",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "stay");
      g_signal_connect (dialog, "response", G_CALLBACK (on_close_anyway), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (kt_window_parent_class)->close_request (window);
}

/* Private accessors (kt-window-private.h) */

KtStore *
kt_window_get_store (KtWindow *self)
{
  return self->store;
}

gboolean
kt_window_is_opening_case (KtWindow *self)
{
  g_return_val_if_fail (KT_IS_WINDOW (self), FALSE);

  return self->opening_id != NULL;
}

gboolean
kt_window_is_ready (KtWindow *self)
{
  return self->ready;
}

const char *
kt_window_get_page (KtWindow *self)
{
  return gtk_stack_get_visible_child_name (self->main_stack);
}

KtCaseView *
kt_window_get_case_view (KtWindow *self)
{
  return ensure_case_view (self);
}

gboolean
kt_window_has_case_view (KtWindow *self)
{
  return self->case_view != NULL;
}

GListModel *
kt_window_get_case_model (KtWindow *self)
{
  return G_LIST_MODEL (self->selection);
}

GtkEditable *
kt_window_get_search_entry (KtWindow *self)
{
  return GTK_EDITABLE (self->search_entry);
}

GtkEditable *
kt_window_get_passphrase_row (KtWindow *self,
                              gboolean  confirm)
{
  return confirm ? GTK_EDITABLE (self->confirm_row) : self->passphrase_row;
}

gboolean
kt_window_is_choosing_pin (KtWindow *self)
{
  return self->lock_mode == LOCK_CHOOSE_PIN &&
         g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "lock") == 0;
}

KtUnlockSecret
kt_window_get_unlock_kind (KtWindow *self)
{
  return self->unlock_kind;
}

gboolean
kt_window_is_unlocking (KtWindow *self)
{
  return self->unlocking || !gtk_widget_get_sensitive (GTK_WIDGET (self->main_stack));
}

const char *
kt_window_get_lock_error (KtWindow *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->lock_error_label)))
    return NULL;
  return gtk_label_get_label (self->lock_error_label);
}

GtkWidget *
kt_window_get_main_view (KtWindow *self)
{
  return adw_bin_get_child (self->main_bin);
}

GtkWidget *
kt_window_get_sync_button (KtWindow *self)
{
  return GTK_WIDGET (self->sync_button);
}

GtkWidget *
kt_window_get_sync_banner (KtWindow *self)
{
  return GTK_WIDGET (self->sync_banner);
}

KtSyncClient *
kt_window_get_sync_client (KtWindow *self)
{
  return self->sync != NULL ? kt_sync_controller_get_client (self->sync) : NULL;
}

KtSyncController *
kt_window_get_sync_controller (KtWindow *self)
{
  return self->sync;
}

KtRoleController *
kt_window_get_role_controller (KtWindow *self)
{
  return self->roles;
}

KtKeyController *
kt_window_get_key_controller (KtWindow *self)
{
  return self->sync != NULL ? kt_sync_controller_get_keys (self->sync) : NULL;
}

/* Set-up */

/* The window opens as large as it was left, or maximized: read while the
 * window is made, so that its first screen of rows fits it. */
static void
restore_window_state (KtWindow *self)
{
  g_autoptr(GSettings) settings = kt_app_get_settings ();

  if (settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* Kept from then on.  Bound only once the window is made: bound in
 * kt_window_init, the notifications GObject holds back until construction
 * ends came out after the bindings had set the size, and wrote it back
 * unchanged at every start (the keyfile backend replaced its file with an
 * fsync on the main thread, dconf would get three writes). */
static void
keep_window_state (KtWindow *self)
{
  g_autoptr(GSettings) settings = kt_app_get_settings ();

  if (settings == NULL)
    return;
  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}

/* While the resident watches, the other households leave the screen: the
 * list beside the case names them.  Searching and going back to the list
 * wait until the mode is off again. */
static void
show_case_list (KtWindow *self,
                gboolean  show)
{
  gtk_widget_set_visible (self->sidebar, show);
  gtk_widget_set_visible (self->sidebar_separator, show);
  place_sync_reason (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-list", show);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", show);
  if (!show)
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_stack));
}

/* Only an open case can be watched; without one the mode stays off. */
static void
set_resident_watching (KtWindow *self,
                       gboolean  watching)
{
  watching = watching && current_case (self) != NULL;
  if (self->resident_watching == watching)
    return;
  self->resident_watching = watching;
  show_case_list (self, !watching);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESIDENT_WATCHING]);
}

static void
kt_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_RESIDENT_WATCHING:
      g_value_set_boolean (value, KT_WINDOW (object)->resident_watching);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_RESIDENT_WATCHING:
      set_resident_watching (KT_WINDOW (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_window_dispose (GObject *object)
{
  KtWindow *self = KT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->show_all_id, g_source_remove);
  stop_opening (self);
  stop_refill (self);
  g_clear_handle_id (&self->present_id, g_source_remove);
  g_clear_handle_id (&self->wait_id, g_source_remove);
  g_clear_handle_id (&self->case_view_id, g_source_remove);
  if (self->case_view != NULL)
    kt_case_view_clear (self->case_view);
  gtk_widget_dispose_template (GTK_WIDGET (self), KT_TYPE_WINDOW);
  self->case_view = NULL;  /* went with the content stack */
  g_clear_object (&self->selection);
  g_clear_object (&self->first_screen);
  if (self->cases != NULL)
    g_signal_handlers_disconnect_by_func (self->cases, on_cases_changed, self);
  g_clear_pointer (&self->case_index, g_hash_table_unref);
  g_clear_pointer (&self->share_states, g_hash_table_unref);
  g_clear_object (&self->cases);
  g_clear_object (&self->roles);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->catalogue);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->reopen_id, g_free);
  g_clear_pointer (&self->reopen_page, g_free);
  g_clear_pointer (&self->lock_error_base, g_free);
  G_OBJECT_CLASS (kt_window_parent_class)->dispose (object);
}

static void
kt_window_class_init (KtWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kt_window_dispose;
  object_class->get_property = kt_window_get_property;
  object_class->set_property = kt_window_set_property;
  window_class->close_request = kt_window_close_request;

  /* The open case's resident-watching mode (meekijkstand), for the
   * shortcut and the case list. */
  properties[PROP_RESIDENT_WATCHING] =
    g_param_spec_boolean ("resident-watching", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KT_TYPE_CASE_VIEW);
  g_type_ensure (KT_TYPE_MAIN_MENU_BUTTON);
  g_type_ensure (KT_TYPE_SYNC_BUTTON);
  g_type_ensure (KT_TYPE_SYNC_BANNER);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KtWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, lock_status);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, passphrase_group);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, lock_error_label);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, keyring_button);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, forgot_button);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, main_bin);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, sync_banner);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, empty_sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, case_list);
  gtk_widget_class_bind_template_child (widget_class, KtWindow, content_stack);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_case_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_passphrase_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_activated);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.new-case", NULL, new_case_action);
  gtk_widget_class_install_action (widget_class, "win.show-list", NULL, show_list_action);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.unlock", NULL, unlock_action);
  gtk_widget_class_install_action (widget_class, "win.use-keyring", NULL, use_keyring_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "win.resolve-conflicts", NULL, resolve_conflicts_action);
  gtk_widget_class_install_action (widget_class, "win.forgot-pin", NULL, forgot_pin_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_shortcuts_action);
  gtk_widget_class_install_property_action (widget_class, "win.resident-watching", "resident-watching");

}

static void
kt_window_init (KtWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSortListModel) sorted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *override = kt_app_get_catalogue_override ();
  GtkEventController *keys;
  GtkGesture *clicks;

  self->started = g_get_monotonic_time ();
  gtk_widget_init_template (GTK_WIDGET (self));
  kt_a11y_fix_tree (GTK_WIDGET (self));
  restore_window_state (self);

  self->cancellable = g_cancellable_new ();
  self->bench_marker_pending = g_getenv ("KT_BENCH_FIRST_FRAME") != NULL;

  /* The case list: store → sorted → filtered by name → first screen → single selection. */
  self->cases = g_list_store_new (KT_TYPE_CASE_ITEM);
  g_signal_connect (self->cases, "items-changed", G_CALLBACK (on_cases_changed), self);
  self->sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cases, NULL, NULL));
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->cases)), self->sorter);
  self->filter = gtk_string_filter_new (gtk_property_expression_new (KT_TYPE_CASE_ITEM, NULL, "household"));
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_steal_pointer (&sorted)), GTK_FILTER (self->filter));
  self->first_screen = gtk_slice_list_model_new (G_LIST_MODEL (self->filtered), 0,
                                                 first_screen_rows (self));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->first_screen)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->filtered, "items-changed", G_CALLBACK (update_sidebar), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->case_list, factory);
  kt_a11y_name_list_items (self->case_list);
  kt_a11y_set_label (GTK_WIDGET (self->case_list), _("Households"));
  gtk_list_view_set_model (self->case_list, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (on_folded), self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  clicks = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (clicks), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (clicks, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (clicks));

  self->catalogue = kt_catalogue_new_default (override, &error);
  if (error != NULL)
    toast (self, error->message);

  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  /* Until the store is open there is no account to sign in with. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-in", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync-now", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resolve-conflicts", FALSE);
}

static void
attach_store (KtWindow      *self,
              KtApplication *app)
{
  /* The application started opening the store (keyring first) before GTK
   * was set up; the case list follows as soon as that is done. */
  self->store = g_object_ref (kt_application_get_store (app));
  kt_application_wait_store_async (app, on_first_open, g_object_ref (self));
}
