/* kt-supervisor-inbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-supervisor-inbox"

#include "config.h"

#include "kt-supervisor-inbox-private.h"
#include "kt-a11y.h"

#include <glib/gi18n.h>

#include "kt-app-util.h"

#include "kt-coach-list.h"
#include "kt-review.h"
#include "kt-role-format.h"

struct _KtSupervisorInbox
{
  AdwBin               parent_instance;

  GtkLabel            *summary_label;
  GtkDropDown         *coach_dropdown;
  GtkDropDown         *state_dropdown;
  GtkDropDown         *deadline_dropdown;
  GtkStack            *list_stack;
  GtkListBox          *list;
  KtReviewPage        *review_page;
  AdwLeaflet          *leaflet;
  GtkWidget           *review_side;

  GPtrArray           *cases;
  GPtrArray           *conversations;
  GPtrArray           *plans;
  GPtrArray           *coaches;
  GPtrArray           *entries;       /* (element-type KtReviewInboxEntry) */
  GStrv                coach_names;   /* account names behind the coach filter, after "all" */
  guint                coaches_serial;         /* counts the team lists given */
  guint                coach_filter_serial;    /* the one the coach filter was made with */
  GDate                today;
  gboolean             today_set;
  int                  review_days;
  gboolean             updating_filters;
  gboolean             loading;       /* the records are still being read */
  gboolean             rows_stale;    /* the coaches' names changed: every row again */
  /* What the rows show, in their order: entries of self->entries; while
   * rows are still being added, fewer than the entries. */
  GPtrArray           *shown;
  guint                fill_next;     /* the next entry to get its row */
  guint                fill_end;      /* where the rows to add end */
  guint                fill_id;       /* the idle adding them */
  GdkFrameClock       *fill_clock;    /* the next slice waits for its frame drawn */
  gulong               fill_paint_id;
  char                *fill_open_id;  /* the open plan, selected when its row comes */
  GCancellable        *building;      /* the inbox being built on a thread */
  guint                n_waiting;     /* the summary's counts, with the entries */
  guint                n_overdue;
};

G_DEFINE_FINAL_TYPE (KtSupervisorInbox, kt_supervisor_inbox, ADW_TYPE_BIN)

enum {
  SIGNAL_PLAN_OPENED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The status filter's choices, in the order of its list. */
static const struct {
  gboolean      any;
  KtReviewState state;
} state_choices[] = {
  { FALSE, KT_REVIEW_SUBMITTED },
  { FALSE, KT_REVIEW_RETURNED },
  { FALSE, KT_REVIEW_APPROVED },
  { TRUE, KT_REVIEW_DRAFT },
};

GtkWidget *
kt_supervisor_inbox_new (void)
{
  return g_object_new (KT_TYPE_SUPERVISOR_INBOX, NULL);
}

KtReviewPage *
kt_supervisor_inbox_get_review_page (KtSupervisorInbox *self)
{
  g_return_val_if_fail (KT_IS_SUPERVISOR_INBOX (self), NULL);
  return self->review_page;
}

GPtrArray *
kt_supervisor_inbox_get_entries (KtSupervisorInbox *self)
{
  g_return_val_if_fail (KT_IS_SUPERVISOR_INBOX (self), NULL);
  return self->entries;
}

static void
get_today (KtSupervisorInbox *self,
           GDate             *today)
{
  if (self->today_set)
    {
      *today = self->today;
      return;
    }
  g_date_clear (today, 1);
  g_date_set_time_t (today, time (NULL));
}

static void
read_filter (KtSupervisorInbox   *self,
             KtReviewInboxFilter *filter)
{
  guint coach = gtk_drop_down_get_selected (self->coach_dropdown);
  guint state = gtk_drop_down_get_selected (self->state_dropdown);
  guint deadline = gtk_drop_down_get_selected (self->deadline_dropdown);

  kt_review_inbox_filter_init_default (filter);
  if (coach != GTK_INVALID_LIST_POSITION && coach > 0 && self->coach_names != NULL
      && coach - 1 < g_strv_length (self->coach_names))
    filter->coach = self->coach_names[coach - 1];
  if (state < G_N_ELEMENTS (state_choices))
    {
      filter->any_state = state_choices[state].any;
      filter->state = state_choices[state].state;
    }
  if (deadline < KT_N_REVIEW_INBOX_DEADLINES)
    filter->deadline = deadline;
}

static GtkWidget *
row_new (KtSupervisorInbox  *self,
         KtReviewInboxEntry *entry)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *household, *mark, *line;
  g_autofree char *waiting = NULL;
  g_autofree char *meta = NULL;
  const char *coach = entry->kase != NULL && entry->kase->coach != NULL ? entry->kase->coach : entry->plan->author;

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  household = kt_role_label_new (entry->kase != NULL && entry->kase->household != NULL
                                 ? entry->kase->household : _("Household"), "heading", NULL);
  gtk_widget_set_hexpand (household, TRUE);
  gtk_box_append (GTK_BOX (top), household);
  if (entry->overdue)
    {
      g_autofree char *late = kt_role_format_days_left (entry->days_left);
      g_autofree char *text = g_strdup_printf ("⚠ %s", late);

      mark = gtk_label_new (text);
      gtk_widget_add_css_class (mark, "overdue-mark");
      gtk_widget_set_valign (mark, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (top), mark);
    }
  else if (entry->plan->review == KT_REVIEW_SUBMITTED && entry->days_left != G_MAXINT)
    {
      g_autofree char *left = kt_role_format_days_left (entry->days_left);

      mark = kt_role_label_new (left, "dim-label", "caption", NULL);
      gtk_widget_set_valign (mark, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (top), mark);
    }
  gtk_box_append (GTK_BOX (box), top);

  if (entry->plan->review == KT_REVIEW_SUBMITTED)
    {
      g_autofree char *ago = kt_role_format_days_ago (entry->days_waiting);

      waiting = g_strdup_printf (_("submitted %s"), ago);
    }
  else if (entry->plan->review == KT_REVIEW_APPROVED)
    waiting = g_strdup (_("approved"));
  else if (entry->plan->review == KT_REVIEW_RETURNED)
    waiting = g_strdup (_("returned to the coach"));
  else
    waiting = g_strdup (_("draft"));
  meta = g_strdup_printf (_("%s · %s · version %d"), kt_role_person_name (self->coaches, NULL, coach),
                          waiting, entry->plan->version);
  line = kt_role_label_new (meta, "dim-label", NULL);
  gtk_box_append (GTK_BOX (box), line);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* GTK 4.8 does not name a row by the labels in it. */
  kt_a11y_name_from_content (row);
  g_object_set_data (G_OBJECT (row), "entry", entry);
  return row;
}

/* The waiting and late plans behind the summary line, whatever the filter:
 * from @entries when they were built with the default filter. */
static void
count_waiting (GPtrArray                 *plans,
               GPtrArray                 *cases,
               const KtReviewInboxFilter *filter,
               GPtrArray                 *entries,
               const GDate               *today,
               int                        review_days,
               guint                     *n_waiting,
               guint                     *n_overdue)
{
  g_autoptr(GPtrArray) waiting = NULL;
  KtReviewInboxFilter all;

  kt_review_inbox_filter_init_default (&all);
  if (filter->coach != NULL || filter->any_state != all.any_state || filter->state != all.state ||
      filter->deadline != all.deadline)
    entries = waiting = kt_review_inbox_build (plans, cases, &all, today, review_days);
  *n_waiting = entries->len;
  *n_overdue = 0;
  for (guint i = 0; i < entries->len; i++)
    *n_overdue += ((KtReviewInboxEntry *) g_ptr_array_index (entries, i))->overdue ? 1 : 0;
}

static void
update_summary (KtSupervisorInbox *self)
{
  g_autofree char *text = NULL;

  if (self->n_waiting == 0)
    text = g_strdup (_("No plans waiting for you"));
  else if (self->n_overdue == 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u plan waiting for you", "%u plans waiting for you",
                                         self->n_waiting), self->n_waiting);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u plan waiting, %u late", "%u plans waiting, %u late",
                                         self->n_waiting), self->n_waiting, self->n_overdue);
  gtk_label_set_label (self->summary_label, text);
}

/* The list's page and the summary line.  Until the first entries are
 * there (read, or built on a thread) the inbox says it is loading. */
static void
update_page (KtSupervisorInbox *self)
{
  gboolean loading = self->loading ||
                     (self->building != NULL &&
                      g_strcmp0 (gtk_stack_get_visible_child_name (self->list_stack), "loading") == 0);

  gtk_stack_set_visible_child_name (self->list_stack,
                                    loading ? "loading" : self->entries->len > 0 ? "list" : "empty");
  if (loading)
    gtk_label_set_label (self->summary_label, _("Loading…"));
  else
    update_summary (self);
}

/* A row made for @a shows @b exactly as well: the same records (a record
 * that changes comes as a new one) and the same days. */
static gboolean
shows_the_same (const KtReviewInboxEntry *a,
                const KtReviewInboxEntry *b)
{
  return a->plan == b->plan && a->kase == b->kase && a->overdue == b->overdue &&
         a->days_waiting == b->days_waiting && a->days_left == b->days_left;
}

/* Rows made per frame: each is a few wrapping labels that the next frame
 * measures and shapes, 0.8–1.4 ms a row on the 2-core test machine (most
 * of it pango laying the labels out at their narrowest, a character a line
 * with PANGO_WRAP_WORD_CHAR), so a slice is a few milliseconds of a frame
 * (issue 22: a sync that brought 100 plans made and measured their rows in
 * one turn; 16 a frame still made frames of 13–22 ms of CPU). */
#define ROW_SLICE KT_SUPERVISOR_INBOX_ROW_SLICE

static void
add_rows (KtSupervisorInbox *self,
          guint              n)
{
  guint end = n < self->fill_end - self->fill_next ? self->fill_next + n : self->fill_end;

  for (; self->fill_next < end; self->fill_next++)
    {
      KtReviewInboxEntry *entry = g_ptr_array_index (self->entries, self->fill_next);
      GtkWidget *row = row_new (self, entry);

      gtk_list_box_insert (self->list, row, self->fill_next);
      g_ptr_array_insert (self->shown, self->fill_next, entry);
      /* Keep the open plan selected across a refresh, without reopening it. */
      if (self->fill_open_id != NULL && g_strcmp0 (entry->plan->header.id, self->fill_open_id) == 0)
        {
          g_signal_handlers_block_matched (self->list, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
          gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
          g_signal_handlers_unblock_matched (self->list, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
        }
    }
}

static gboolean add_rows_cb (gpointer data);

static void
stop_filling (KtSupervisorInbox *self)
{
  g_clear_handle_id (&self->fill_id, g_source_remove);
  if (self->fill_paint_id != 0)
    g_clear_signal_handler (&self->fill_paint_id, self->fill_clock);
  g_clear_object (&self->fill_clock);
}

static void
fill_painted (GdkFrameClock     *clock,
              KtSupervisorInbox *self)
{
  stop_filling (self);
  self->fill_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_rows_cb, self, NULL);
}

/* The next slice once the frame that measures this one is drawn: idle
 * turns come several times between two frames, and slices that came
 * together were measured in one frame (issue 22: 50–75 new rows, 30–40 ms
 * of shaping their labels).  While the inbox is not on screen no frame
 * comes, and the slices follow each other in idle turns; a window whose
 * compositor sends it no frames (minimized, on Wayland) gets the rest of
 * its rows with the frames it gets when shown again. */
static void
fill_later (KtSupervisorInbox *self)
{
  GdkFrameClock *clock = gtk_widget_get_mapped (GTK_WIDGET (self)) ? gtk_widget_get_frame_clock (GTK_WIDGET (self)) : NULL;

  stop_filling (self);
  if (clock == NULL)
    {
      self->fill_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_rows_cb, self, NULL);
      return;
    }
  self->fill_clock = g_object_ref (clock);
  self->fill_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (fill_painted), self);
  /* A frame comes even when the rows just added are not where it draws. */
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

static gboolean
add_rows_cb (gpointer data)
{
  KtSupervisorInbox *self = data;

  self->fill_id = 0;
  add_rows (self, ROW_SLICE);
  if (self->fill_next < self->fill_end)
    fill_later (self);
  else
    g_clear_pointer (&self->fill_open_id, g_free);
  return G_SOURCE_REMOVE;
}

/* The rows for @entries (which the inbox takes): only those between what
 * stays the same at the start and at the end are made again, so a sync
 * that brings a few plans adds their rows, not the whole inbox's (issue
 * 22).  With @sliced the new rows come ROW_SLICE a drawn frame (fill_later). */
static void
take_entries (KtSupervisorInbox *self,
              GPtrArray         *entries,
              gboolean           sliced)
{
  KtPlan *open_plan = kt_review_page_get_plan (self->review_page);
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->entries);
  GPtrArray *shown = self->shown;
  guint same_start = 0, same_end = 0;

  stop_filling (self);
  g_clear_pointer (&self->fill_open_id, g_free);
  self->entries = entries;
  /* Compared with what the rows show, which may be fewer than the old
   * entries while they were still coming. */
  if (!self->rows_stale)
    {
      while (same_start < shown->len && same_start < entries->len &&
             shows_the_same (g_ptr_array_index (shown, same_start), g_ptr_array_index (entries, same_start)))
        same_start++;
      while (same_end < shown->len - same_start && same_end < entries->len - same_start &&
             shows_the_same (g_ptr_array_index (shown, shown->len - 1 - same_end),
                             g_ptr_array_index (entries, entries->len - 1 - same_end)))
        same_end++;
    }
  self->rows_stale = FALSE;
  for (guint i = same_start; i < shown->len - same_end; i++)
    gtk_list_box_remove (self->list, GTK_WIDGET (gtk_list_box_get_row_at_index (self->list, same_start)));
  /* The rows kept point at the entries of the new list. */
  g_ptr_array_set_size (shown, 0);
  for (guint i = 0; i < same_start; i++)
    g_ptr_array_add (shown, g_ptr_array_index (entries, i));
  for (guint i = entries->len - same_end; i < entries->len; i++)
    g_ptr_array_add (shown, g_ptr_array_index (entries, i));
  for (guint i = 0; i < shown->len; i++)
    g_object_set_data (G_OBJECT (gtk_list_box_get_row_at_index (self->list, i)), "entry",
                       g_ptr_array_index (shown, i));

  self->fill_next = same_start;
  self->fill_end = entries->len - same_end;
  self->fill_open_id = open_plan != NULL ? g_strdup (open_plan->header.id) : NULL;
  add_rows (self, sliced ? ROW_SLICE : G_MAXUINT);
  if (self->fill_next < self->fill_end)
    fill_later (self);
  else
    g_clear_pointer (&self->fill_open_id, g_free);
}

static void
stop_building (KtSupervisorInbox *self)
{
  if (self->building == NULL)
    return;
  g_cancellable_cancel (self->building);
  g_clear_object (&self->building);
}

static void
refilter (KtSupervisorInbox *self)
{
  KtReviewInboxFilter filter;
  GDate today;

  if (self->updating_filters)
    return;

  /* Built here with what the inbox holds now: a build on a thread would
   * bring nothing newer. */
  stop_building (self);
  get_today (self, &today);
  read_filter (self, &filter);
  take_entries (self, kt_review_inbox_build (self->plans, self->cases, &filter, &today, self->review_days),
                FALSE);
  count_waiting (self->plans, self->cases, &filter, self->entries, &today, self->review_days,
                 &self->n_waiting, &self->n_overdue);
  update_page (self);
}

void
kt_supervisor_inbox_set_filter (KtSupervisorInbox         *self,
                                const KtReviewInboxFilter *filter)
{
  guint coach = 0;

  g_return_if_fail (KT_IS_SUPERVISOR_INBOX (self));
  g_return_if_fail (filter != NULL);

  for (guint i = 0; filter->coach != NULL && self->coach_names != NULL && self->coach_names[i] != NULL; i++)
    {
      if (g_str_equal (self->coach_names[i], filter->coach))
        coach = i + 1;
    }
  self->updating_filters = TRUE;
  gtk_drop_down_set_selected (self->coach_dropdown, coach);
  for (guint i = 0; i < G_N_ELEMENTS (state_choices); i++)
    {
      if (state_choices[i].any == filter->any_state
          && (filter->any_state || state_choices[i].state == filter->state))
        gtk_drop_down_set_selected (self->state_dropdown, i);
    }
  gtk_drop_down_set_selected (self->deadline_dropdown, filter->deadline);
  self->updating_filters = FALSE;
  refilter (self);
}

/* Coaches for the filter: the team list and whoever wrote a plan. */
static void
update_coach_filter (KtSupervisorInbox *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) authors = kt_review_inbox_list_coaches (self->plans);
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *selected = NULL;
  guint position = gtk_drop_down_get_selected (self->coach_dropdown);
  guint new_position = 0;
  guint n = 0;
  g_auto(GStrv) names = NULL;

  if (position != GTK_INVALID_LIST_POSITION && position > 0 && self->coach_names != NULL
      && position - 1 < g_strv_length (self->coach_names))
    selected = self->coach_names[position - 1];

  gtk_string_list_append (model, _("All coaches"));
  for (guint i = 0; self->coaches != NULL && i < self->coaches->len; i++)
    {
      KtCoach *coach = g_ptr_array_index (self->coaches, i);

      if (!g_hash_table_add (seen, coach->username))
        continue;
      g_strv_builder_add (builder, coach->username);
      gtk_string_list_append (model, coach->display_name);
      n++;
      if (g_strcmp0 (coach->username, selected) == 0)
        new_position = n;
    }
  for (guint i = 0; authors[i] != NULL; i++)
    {
      if (!g_hash_table_add (seen, authors[i]))
        continue;
      g_strv_builder_add (builder, authors[i]);
      gtk_string_list_append (model, authors[i]);
      n++;
      if (g_strcmp0 (authors[i], selected) == 0)
        new_position = n;
    }

  names = g_strv_builder_end (builder);
  /* A batch from the server seldom brings a new coach: the drop-down keeps
   * its model (a new one is a new popover list to make). */
  if (self->coach_names != NULL && self->coach_filter_serial == self->coaches_serial &&
      g_strv_equal ((const char * const *) names, (const char * const *) self->coach_names))
    return;
  self->coach_filter_serial = self->coaches_serial;
  self->updating_filters = TRUE;
  g_strfreev (self->coach_names);
  self->coach_names = g_steal_pointer (&names);
  gtk_drop_down_set_model (self->coach_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->coach_dropdown, new_position);
  self->updating_filters = FALSE;
}

static void show_plan (KtSupervisorInbox *self,
                       KtPlan            *plan);

/* After a sync the open plan may be a newer record with the same id: show
 * that one, without counting it as a new reading. */
static void
refresh_open_plan (KtSupervisorInbox *self)
{
  KtPlan *open = kt_review_page_get_plan (self->review_page);

  for (guint i = 0; open != NULL && self->plans != NULL && i < self->plans->len; i++)
    {
      KtPlan *plan = g_ptr_array_index (self->plans, i);

      if (plan != open && g_strcmp0 (plan->header.id, open->header.id) == 0)
        {
          show_plan (self, plan);
          return;
        }
    }
}

void
kt_supervisor_inbox_set_records (KtSupervisorInbox *self,
                                 GPtrArray         *cases,
                                 GPtrArray         *conversations,
                                 GPtrArray         *plans)
{
  g_return_if_fail (KT_IS_SUPERVISOR_INBOX (self));

  kt_role_replace_array (&self->cases, cases);
  kt_role_replace_array (&self->conversations, conversations);
  kt_role_replace_array (&self->plans, plans);
  update_coach_filter (self);
  refilter (self);
  refresh_open_plan (self);
}

/* Building the inbox on a thread */

typedef struct {
  GPtrArray           *cases;
  GPtrArray           *plans;
  KtReviewInboxFilter  filter;
  char                *coach;         /* the filter's */
  GDate                today;
  int                  review_days;
  GPtrArray           *entries;       /* out */
  guint                n_waiting;     /* out */
  guint                n_overdue;     /* out */
} Build;

static void
build_free (Build *build)
{
  g_clear_pointer (&build->cases, g_ptr_array_unref);
  g_clear_pointer (&build->plans, g_ptr_array_unref);
  g_clear_pointer (&build->entries, g_ptr_array_unref);
  g_free (build->coach);
  g_free (build);
}

/* The records are not changed once the inbox has them (a record that
 * changes comes as a new one) and are counted atomically: they can be
 * read here while the main loop shows them. */
static void
build_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Build *build = task_data;

  build->entries = kt_review_inbox_build (build->plans, build->cases, &build->filter, &build->today,
                                          build->review_days);
  count_waiting (build->plans, build->cases, &build->filter, build->entries, &build->today,
                 build->review_days, &build->n_waiting, &build->n_overdue);
  g_task_return_boolean (task, TRUE);
}

static void
built (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  KtSupervisorInbox *self = KT_SUPERVISOR_INBOX (source);
  Build *build = g_task_get_task_data (G_TASK (result));

  /* Stopped: a newer build, or a refilter here, took its place. */
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  g_clear_object (&self->building);
  take_entries (self, g_steal_pointer (&build->entries), TRUE);
  self->n_waiting = build->n_waiting;
  self->n_overdue = build->n_overdue;
  update_page (self);
  refresh_open_plan (self);
}

void
kt_supervisor_inbox_update_records (KtSupervisorInbox *self,
                                    GPtrArray         *cases,
                                    GPtrArray         *conversations,
                                    GPtrArray         *plans)
{
  g_autoptr(GTask) task = NULL;
  Build *build;

  g_return_if_fail (KT_IS_SUPERVISOR_INBOX (self));

  kt_role_replace_array (&self->cases, cases);
  kt_role_replace_array (&self->conversations, conversations);
  kt_role_replace_array (&self->plans, plans);
  update_coach_filter (self);
  stop_building (self);
  self->building = g_cancellable_new ();
  build = g_new0 (Build, 1);
  build->cases = cases != NULL ? g_ptr_array_ref (cases) : NULL;
  build->plans = plans != NULL ? g_ptr_array_ref (plans) : NULL;
  read_filter (self, &build->filter);
  build->coach = g_strdup (build->filter.coach);
  build->filter.coach = build->coach;
  get_today (self, &build->today);
  build->review_days = self->review_days;
  task = g_task_new (self, self->building, built, NULL);
  g_task_set_source_tag (task, kt_supervisor_inbox_update_records);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_task_data (task, build, (GDestroyNotify) build_free);
  g_task_run_in_thread (task, build_thread);
}

gboolean
kt_supervisor_inbox_get_busy (KtSupervisorInbox *self)
{
  g_return_val_if_fail (KT_IS_SUPERVISOR_INBOX (self), FALSE);

  return self->building != NULL || self->fill_id != 0 || self->fill_paint_id != 0;
}

void
kt_supervisor_inbox_set_loading (KtSupervisorInbox *self,
                                 gboolean           loading)
{
  g_return_if_fail (KT_IS_SUPERVISOR_INBOX (self));

  self->loading = !!loading;
  update_page (self);
}

void
kt_supervisor_inbox_set_coaches (KtSupervisorInbox *self,
                                 GPtrArray         *coaches)
{
  g_return_if_fail (KT_IS_SUPERVISOR_INBOX (self));

  kt_role_replace_array (&self->coaches, coaches);
  self->coaches_serial++;
  kt_review_page_set_coaches (self->review_page, coaches);
  update_coach_filter (self);
  /* Each row names its coach. */
  self->rows_stale = TRUE;
  refilter (self);
}

void
kt_supervisor_inbox_set_team (KtSupervisorInbox *self,
                              GPtrArray         *team)
{
  g_return_if_fail (KT_IS_SUPERVISOR_INBOX (self));

  kt_review_page_set_team (self->review_page, team);
}

void
kt_supervisor_inbox_set_catalogue (KtSupervisorInbox *self,
                                   KtCatalogue       *catalogue)
{
  g_return_if_fail (KT_IS_SUPERVISOR_INBOX (self));
  kt_review_page_set_catalogue (self->review_page, catalogue);
}

void
kt_supervisor_inbox_set_today (KtSupervisorInbox *self,
                               const GDate       *today)
{
  g_return_if_fail (KT_IS_SUPERVISOR_INBOX (self));

  self->today_set = today != NULL;
  if (today != NULL)
    self->today = *today;
  refilter (self);
}

void
kt_supervisor_inbox_set_review_days (KtSupervisorInbox *self,
                                     int                days)
{
  g_return_if_fail (KT_IS_SUPERVISOR_INBOX (self));

  self->review_days = days;
  refilter (self);
}

guint
kt_supervisor_inbox_get_n_waiting (KtSupervisorInbox *self)
{
  guint n = 0;

  g_return_val_if_fail (KT_IS_SUPERVISOR_INBOX (self), 0);

  for (guint i = 0; self->plans != NULL && i < self->plans->len; i++)
    n += ((KtPlan *) g_ptr_array_index (self->plans, i))->review == KT_REVIEW_SUBMITTED ? 1 : 0;
  return n;
}

static KtCase *
find_case (KtSupervisorInbox *self,
           const char        *case_id)
{
  for (guint i = 0; self->cases != NULL && i < self->cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (self->cases, i);

      if (g_strcmp0 (kase->header.id, case_id) == 0)
        return kase;
    }
  return NULL;
}

/* The conversation the plan was made from: the newest first conversation. */
static KtConversation *
find_conversation (KtSupervisorInbox *self,
                   const char        *case_id)
{
  KtConversation *found = NULL;

  for (guint i = 0; self->conversations != NULL && i < self->conversations->len; i++)
    {
      KtConversation *conversation = g_ptr_array_index (self->conversations, i);

      if (g_strcmp0 (conversation->case_id, case_id) != 0 || conversation->is_evaluation)
        continue;
      if (found == NULL || g_strcmp0 (conversation->date, found->date) > 0)
        found = conversation;
    }
  return found;
}

static void
show_plan (KtSupervisorInbox *self,
           KtPlan            *plan)
{
  g_autoptr(GPtrArray) history = kt_review_history (self->plans, plan->case_id);

  kt_review_page_set_plan (self->review_page, plan, find_case (self, plan->case_id),
                           find_conversation (self, plan->case_id), history);
}

static void
open_plan (KtSupervisorInbox *self,
           KtPlan            *plan)
{
  show_plan (self, plan);
  /* Folded (a tablet held upright, a phone), the plan takes the screen. */
  adw_leaflet_set_visible_child (self->leaflet, self->review_side);
  g_signal_emit (self, signals[SIGNAL_PLAN_OPENED], 0, plan);
}

gboolean
kt_supervisor_inbox_open (KtSupervisorInbox *self,
                          const char        *plan_id)
{
  g_return_val_if_fail (KT_IS_SUPERVISOR_INBOX (self), FALSE);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      KtReviewInboxEntry *entry = g_object_get_data (G_OBJECT (row), "entry");

      if (entry != NULL && g_strcmp0 (entry->plan->header.id, plan_id) == 0)
        {
          gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
          /* Also when it was open already: folded, the plan comes to the front. */
          adw_leaflet_set_visible_child (self->leaflet, self->review_side);
          return TRUE;
        }
    }
  for (guint i = 0; self->plans != NULL && i < self->plans->len; i++)
    {
      KtPlan *plan = g_ptr_array_index (self->plans, i);

      if (g_strcmp0 (plan->header.id, plan_id) == 0)
        {
          open_plan (self, plan);
          return TRUE;
        }
    }
  return FALSE;
}

static void
row_selected_cb (KtSupervisorInbox *self,
                 GtkListBoxRow     *row)
{
  KtReviewInboxEntry *entry = row != NULL ? g_object_get_data (G_OBJECT (row), "entry") : NULL;

  if (entry != NULL)
    open_plan (self, entry->plan);
}

static void
filter_changed_cb (KtSupervisorInbox *self)
{
  refilter (self);
}

static void
set_choices (GtkDropDown        *dropdown,
             const char * const *choices)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    gtk_string_list_append (model, _(choices[i]));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (model));
}

static void
kt_supervisor_inbox_dispose (GObject *object)
{
  KtSupervisorInbox *self = KT_SUPERVISOR_INBOX (object);

  g_clear_pointer (&self->cases, g_ptr_array_unref);
  g_clear_pointer (&self->conversations, g_ptr_array_unref);
  g_clear_pointer (&self->plans, g_ptr_array_unref);
  g_clear_pointer (&self->coaches, g_ptr_array_unref);
  stop_building (self);
  stop_filling (self);
  g_clear_pointer (&self->fill_open_id, g_free);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->coach_names, g_strfreev);

  G_OBJECT_CLASS (kt_supervisor_inbox_parent_class)->dispose (object);
}

/* Taken off screen while a slice waits for its frame: no frame comes, the
 * rest follows in idle turns. */
static void
kt_supervisor_inbox_unmap (GtkWidget *widget)
{
  KtSupervisorInbox *self = KT_SUPERVISOR_INBOX (widget);

  GTK_WIDGET_CLASS (kt_supervisor_inbox_parent_class)->unmap (widget);
  if (self->fill_paint_id != 0)
    {
      stop_filling (self);
      self->fill_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, add_rows_cb, self, NULL);
    }
}

static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KtSupervisorInbox *self = KT_SUPERVISOR_INBOX (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
kt_supervisor_inbox_class_init (KtSupervisorInboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_supervisor_inbox_dispose;
  widget_class->unmap = kt_supervisor_inbox_unmap;

  /**
   * KtSupervisorInbox::plan-opened:
   * @plan: the plan now on the review page
   *
   * The handler reads the plan from the server (GET /records/{id}), which
   * records the supervisor's reading in the audit log.
   */
  signals[SIGNAL_PLAN_OPENED] =
    g_signal_new ("plan-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, KT_TYPE_PLAN | G_SIGNAL_TYPE_STATIC_SCOPE);

  g_type_ensure (KT_TYPE_REVIEW_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-supervisor-inbox.ui");
  /* Only looked up in init, for kt_app_flow_box_for_layout. */
  gtk_widget_class_bind_template_child_full (widget_class, "filter_box", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorInbox, summary_label);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorInbox, coach_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorInbox, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorInbox, deadline_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorInbox, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorInbox, list);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorInbox, review_page);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorInbox, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorInbox, review_side);
  /* Reached by the tests only; the action drives it. */
  gtk_widget_class_bind_template_child_full (widget_class, "back_button", FALSE, 0);
  gtk_widget_class_install_action (widget_class, "inbox.show-list", NULL, show_list_action);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
}

static void
kt_supervisor_inbox_init (KtSupervisorInbox *self)
{
  static const char * const states[] = {
    N_("Waiting for review"), N_("Returned"), N_("Approved"), N_("Every status"), NULL
  };
  static const char * const deadlines[] = {
    N_("Every deadline"), N_("Late"), N_("Due this week"), NULL
  };

  kt_role_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));
  kt_app_flow_box_for_layout (GTK_FLOW_BOX (gtk_widget_get_template_child (GTK_WIDGET (self), KT_TYPE_SUPERVISOR_INBOX, "filter_box")));
  kt_a11y_set_label (GTK_WIDGET (self->list), _("To Review"));
  kt_a11y_name_choice_list (GTK_WIDGET (self->coach_dropdown));
  kt_a11y_name_choice_list (GTK_WIDGET (self->state_dropdown));
  kt_a11y_name_choice_list (GTK_WIDGET (self->deadline_dropdown));
  self->review_days = KT_REVIEW_INBOX_DEFAULT_REVIEW_DAYS;
  self->entries = g_ptr_array_new ();
  self->shown = g_ptr_array_new ();

  kt_role_drop_down_set_compact (self->coach_dropdown);
  kt_role_drop_down_set_compact (self->state_dropdown);
  kt_role_drop_down_set_compact (self->deadline_dropdown);
  self->updating_filters = TRUE;
  set_choices (self->state_dropdown, states);
  set_choices (self->deadline_dropdown, deadlines);
  self->updating_filters = FALSE;
  update_coach_filter (self);

  g_signal_connect_swapped (self->coach_dropdown, "notify::selected", G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->state_dropdown, "notify::selected", G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->deadline_dropdown, "notify::selected", G_CALLBACK (filter_changed_cb), self);
  refilter (self);
}

GtkListBox *
kt_supervisor_inbox_get_list (KtSupervisorInbox *self)
{
  return self->list;
}

GtkLabel *
kt_supervisor_inbox_get_summary_label (KtSupervisorInbox *self)
{
  return self->summary_label;
}
