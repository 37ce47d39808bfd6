/* bench-responsive.c: the stall meter — does the app keep answering?
 *
 * Runs the real app (KtApplication and its window, in this process, as the
 * app tests do) on a store of 10,000 cases and 1,000 plans and goes through
 * what a coach does: start and list, unlock with the PIN at the real
 * Argon2id cost, open ten cases, type into a domain page while autosave
 * runs, submit a plan.  Beside it a high-priority timer asks to run every
 * 5 ms and notes how late it runs: a stall of the main loop is the longest
 * lateness seen during a step.  While typing, the frame clock's phases give
 * the time each frame took (from its update to after its paint); the 99th
 * percentile is reported.
 *
 * Wall-clock stalls grow with whatever else runs on the machine.  So each
 * figure is also given as the main thread's own CPU time over the same
 * stretch (CLOCK_THREAD_CPUTIME_ID): the work the app did while it did not
 * answer, which load beside it does not inflate.
 *
 * Last, the supervisor's inbox receiving 200 records by sync: a real
 * keukentafel-server on 127.0.0.1, the app signed in as its supervisor, and
 * other clients (this program again, in its own process, as the intake
 * desk and a coach's laptop would be) pushing 100 households and a plan for
 * review in each; the step runs until the inbox lists the 100 plans and
 * sync is idle again.
 *
 * With --coach-sign-in, only the start and a coach's sign-in: every
 * household of bench-fill's store has no coach, so each becomes coach1's
 * (the adoption of households started before signing in).
 *
 * Run inside Xvfb with a session bus and keyring, on a quiet machine:
 *   xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
 *     build-aux/test-session build/bench/bench-responsive [--cases=10000] [--plans=1000]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-responsive"
#define _GNU_SOURCE   /* RUSAGE_THREAD */

#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>
#include <glib/gstdio.h>

#include "bench-fill.h"
#include "kt-app-test.h"
#include "kt-app-util.h"
#include "kt-case-item.h"
#include "kt-case-view-private.h"
#include "kt-conversation-page-private.h"
#include "kt-core.h"
#include "kt-domain-page-private.h"
#include "kt-plan-page.h"
#include "kt-sign-in-dialog.h"
#include "kt-store-private.h"
#include "kt-supervisor-inbox.h"
#include "kt-supervisor-view.h"
#include "kt-text-field.h"
#include "kt-window-private.h"
#include "kt-test-server.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"

#define TICK_MS 5

/* Households the other clients register and plan for: twice as many records. */
#define N_HOUSEHOLDS 100

static int n_cases = 10000;
static int n_plans = 1000;

/* ---- the meter ------------------------------------------------------------ */

typedef struct {
  gint64  last;         /* when the tick last ran */
  gint64  last_cpu;     /* the main thread's CPU time then */
  gint64  last_queued;  /* its time waiting for a processor then */
  gint64  worst;        /* the longest lateness this step, µs */
  gint64  worst_cpu;    /* the most main-thread CPU between two ticks, µs */
  gint64  worst_gap_cpu;    /* the longest lateness's own CPU time, µs */
  gint64  worst_gap_queued; /* and its time waiting for a processor, µs */
  gint64  step_start;
  long    step_waits;   /* the main thread's waits inside the loop's turns */
  GArray *frames;       /* frame durations this step, µs (gint64) */
  GArray *frames_cpu;   /* their main-thread CPU time, µs (gint64) */
  gint64  frame_start;
  gint64  frame_start_cpu;
} Meter;

static Meter meter;

/* The main loop's turns, seen from its poll: a turn runs from the poll's
 * return to the next poll.
 *
 * The app's start before its loop runs (GTK's and libadwaita's start-up,
 * the window built from its template; in the program all of it inside
 * g_application_run, before the first turn and before any window is on
 * screen) is what kt_app_test_start does before it first iterates: it is
 * reported on its own line, not as a stall of the start step.
 *
 * KT_BENCH_TURNS=N prints every turn in which the main thread used N ms of
 * CPU or more, with its start from the step's and its wall-clock length:
 * to find which turn a step's stall is, beside `perf record` or temporary
 * markers in the app. */
static GPollFunc default_poll;
static gint64 turn_threshold;   /* µs; 0 when not tracing */
static gint64 turn_start, turn_start_cpu, turn_start_queued;
static long turn_start_waits;
static gboolean before_loop;    /* the next turn is the app's start before its loop */
static gint64 before_loop_wall, before_loop_cpu;

static gint64 thread_cpu_us (void);
static gint64 thread_queued_us (void);
static long thread_waits (void);

/* The loop's first turn starts (its poll, or a source it dispatches
 * without waiting): the tick counts from here. */
static void
end_before_loop (gint64 now,
                 gint64 cpu)
{
  if (!before_loop)
    return;
  before_loop = FALSE;
  before_loop_wall = now - meter.last;
  before_loop_cpu = cpu - meter.last_cpu;
  meter.last = now;
  meter.last_cpu = cpu;
  meter.last_queued = thread_queued_us ();
}

static gint
turns_poll (GPollFD *fds,
            guint    n_fds,
            gint     timeout)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  long waits = thread_waits () - turn_start_waits;
  gint result;

  /* Waits in the poll itself are the loop being idle: not counted. */
  if (turn_start != 0)
    meter.step_waits += waits;
  /* What the turn did not run: waiting for a processor (the run queue),
   * or blocked (in a system call, on a lock, for the X server). */
  if (turn_threshold > 0 && turn_start != 0 && cpu - turn_start_cpu >= turn_threshold)
    {
      gint64 queued = thread_queued_us () - turn_start_queued;

      g_print ("  turn at %+8.1f ms: %6.1f ms (cpu %6.1f, queued %6.1f, blocked %6.1f in %ld waits)\n",
               (turn_start - meter.step_start) / 1000.0, (now - turn_start) / 1000.0,
               (cpu - turn_start_cpu) / 1000.0, queued / 1000.0,
               MAX (0, now - turn_start - (cpu - turn_start_cpu) - queued) / 1000.0,
               waits);
    }
  end_before_loop (now, cpu);
  result = default_poll (fds, n_fds, timeout);
  turn_start = g_get_monotonic_time ();
  turn_start_cpu = thread_cpu_us ();
  turn_start_waits = thread_waits ();
  if (turn_threshold > 0)
    turn_start_queued = thread_queued_us ();
  return result;
}

static void
watch_turns (void)
{
  const char *ms = g_getenv ("KT_BENCH_TURNS");

  if (ms != NULL)
    turn_threshold = MAX (1, g_ascii_strtoll (ms, NULL, 10)) * 1000;
  default_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, turns_poll);
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The main thread's time waiting for a processor while runnable, from the
 * scheduler's statistics (its second field, ns): the part of a stall that
 * is the machine's load, not the app. */
static gint64
thread_queued_us (void)
{
  char buf[128];
  gint64 queued = 0;
  FILE *f = fopen ("/proc/thread-self/schedstat", "r");

  if (f == NULL)
    return 0;
  if (fgets (buf, sizeof buf, f) != NULL)
    {
      char *end = NULL;

      g_ascii_strtoll (buf, &end, 10);
      queued = g_ascii_strtoll (end, NULL, 10) / 1000;
    }
  fclose (f);
  return queued;
}

/* How often the main thread gave up its processor to wait (voluntary
 * context switches): an X server round trip, a lock, a read from disk.
 * A count, unlike the time they took, does not grow with the load. */
static long
thread_waits (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_THREAD, &usage) != 0)
    return 0;
  return usage.ru_nvcsw;
}

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  gint64 queued = thread_queued_us ();
  gint64 late;

  end_before_loop (now, cpu);
  late = now - meter.last - TICK_MS * 1000;
  if (late > meter.worst)
    {
      meter.worst = late;
      meter.worst_gap_cpu = cpu - meter.last_cpu;
      meter.worst_gap_queued = queued - meter.last_queued;
    }
  if (cpu - meter.last_cpu > meter.worst_cpu)
    meter.worst_cpu = cpu - meter.last_cpu;
  meter.last = now;
  meter.last_cpu = cpu;
  meter.last_queued = queued;
  return G_SOURCE_CONTINUE;
}

static void
on_update (GdkFrameClock *clock,
           gpointer       data)
{
  meter.frame_start = g_get_monotonic_time ();
  meter.frame_start_cpu = thread_cpu_us ();
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  gint64 took;

  if (meter.frame_start == 0)
    return;
  took = g_get_monotonic_time () - meter.frame_start;
  g_array_append_val (meter.frames, took);
  took = thread_cpu_us () - meter.frame_start_cpu;
  g_array_append_val (meter.frames_cpu, took);
  meter.frame_start = 0;
}

static void
step_begin (void)
{
  /* Let what the previous step started settle first. */
  kt_app_test_iterate (300);
  meter.last = g_get_monotonic_time ();
  meter.last_cpu = thread_cpu_us ();
  meter.last_queued = thread_queued_us ();
  meter.worst = 0;
  meter.worst_cpu = 0;
  meter.worst_gap_cpu = 0;
  meter.worst_gap_queued = 0;
  meter.step_start = meter.last;
  meter.step_waits = 0;
  g_array_set_size (meter.frames, 0);
  g_array_set_size (meter.frames_cpu, 0);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static void
step_end (const char *name)
{
  gint64 took = g_get_monotonic_time () - meter.step_start;

  /* The tick that ends a stall runs after it: give it its turn. */
  kt_app_test_iterate (2 * TICK_MS);
  g_print ("%-32s stall %7.1f ms (cpu %6.1f)  step %8.1f ms", name,
           meter.worst / 1000.0, meter.worst_cpu / 1000.0, took / 1000.0);
  /* The longest stall split: the main thread running, waiting for a
   * processor, and neither (blocked: a system call, a lock, the X server). */
  g_print ("  [longest: cpu %.1f, queued %.1f, blocked %.1f; %ld waits in its turns]",
           meter.worst_gap_cpu / 1000.0, meter.worst_gap_queued / 1000.0,
           MAX (0, meter.worst + TICK_MS * 1000 - meter.worst_gap_cpu - meter.worst_gap_queued) / 1000.0,
           meter.step_waits);
  if (meter.frames->len > 0)
    {
      guint p99 = (meter.frames->len * 99) / 100;

      g_array_sort (meter.frames, compare_gint64);
      g_array_sort (meter.frames_cpu, compare_gint64);
      g_print ("  %u frames, p99 %6.1f ms (cpu %5.1f), longest %6.1f ms", meter.frames->len,
               g_array_index (meter.frames, gint64, p99) / 1000.0,
               g_array_index (meter.frames_cpu, gint64, p99) / 1000.0,
               g_array_index (meter.frames, gint64, meter.frames->len - 1) / 1000.0);
    }
  g_print ("\n");
}

/* ---- the steps ------------------------------------------------------------ */

static gboolean
case_view_made (gpointer data)
{
  return kt_window_has_case_view (data);
}

static gboolean
window_ready (gpointer data)
{
  return kt_window_is_ready (data) &&
         g_list_model_get_n_items (kt_window_get_case_model (data)) >= (guint) n_cases;
}

static gboolean
not_unlocking (gpointer data)
{
  return !kt_window_is_unlocking (data) && !kt_store_is_locked (kt_window_get_store (data));
}

/* ---- the supervisor's inbox by sync ---------------------------------------- */

/* The other clients: the intake desk registers N_HOUSEHOLDS households
 * and assigns them to coach1, whose laptop pushes a plan for each,
 * submitted for review: 2 × N_HOUSEHOLDS records for the supervisor (the
 * inbox shows one plan per household).  Runs in its own process so that
 * their work is not counted as the app's. */
static int
push_plans (const char *url)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-bench-push");
  g_autoptr(GPtrArray) case_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(KtSyncClient) desk = NULL;
  g_autoptr(KtSyncClient) laptop = NULL;
  g_autoptr(GError) error = NULL;

  if (!kt_core_init ())
    return 1;
  desk = kt_test_device_new (dir, "intake-desk");
  kt_test_device_sign_in (desk, url, "intake1");
  for (guint i = 0; i < N_HOUSEHOLDS; i++)
    {
      char *id = kt_uuid_new ();
      g_autoptr(GBytes) body = kt_test_case_body (id, 1);

      g_ptr_array_add (case_ids, id);
      if (!kt_sync_client_share (desk, body, &error))
        g_error ("%s", error->message);
    }
  if (!kt_test_device_sync (desk, &error))
    g_error ("%s", error->message);
  for (guint i = 0; i < case_ids->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/cases/%s/assign", (char *) g_ptr_array_index (case_ids, i));

      if (kt_test_http (url, "intake1", "POST", path, "{\"coach\":\"coach1\"}", NULL) != 200)
        g_error ("A household was not assigned");
    }
  laptop = kt_test_device_new (dir, "laptop");
  kt_test_device_sign_in (laptop, url, "coach1");
  for (guint i = 0; i < case_ids->len; i++)
    {
      g_autofree char *id = kt_uuid_new ();
      g_autoptr(GBytes) body = kt_test_submitted_plan_body (id, g_ptr_array_index (case_ids, i), 1,
                                                             "Weer rondkomen.");

      if (!kt_sync_client_share (laptop, body, &error))
        g_error ("%s", error->message);
    }
  if (!kt_test_device_sync (laptop, &error))
    g_error ("%s", error->message);
  if (kt_sync_client_get_n_pending (laptop) != 0)
    g_error ("The laptop kept %u plans", kt_sync_client_get_n_pending (laptop));
  g_clear_object (&desk);
  g_clear_object (&laptop);
  kt_test_tmpdir_free (g_steal_pointer (&dir));
  return 0;
}

static gboolean
sign_in_dialog_shown (gpointer data)
{
  KtSignInDialog **dialog = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (KT_IS_SIGN_IN_DIALOG (window))
        *dialog = KT_SIGN_IN_DIALOG (window);
    }
  return *dialog != NULL;
}

static gboolean
sync_client_opened (gpointer data)
{
  KtSyncClient *client = kt_window_get_sync_client (data);

  return client != NULL && kt_sync_client_get_outbox (client) != NULL;
}

/* The supervisor's view is shown and its inbox no longer says it is
 * loading (a build that reads the store on the loop never does), nor is
 * it still being built or filled. */
static gboolean
supervisor_view_loaded (gpointer window)
{
  GtkWidget *view = kt_window_get_main_view (window);
  GtkStack *list_stack;

  if (!KT_IS_SUPERVISOR_VIEW (view))
    return FALSE;
  list_stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (view))),
                                                         KT_TYPE_SUPERVISOR_INBOX, "list_stack"));
  /* And the inbox built and its rows all in (they come a few a turn). */
  return g_strcmp0 (gtk_stack_get_visible_child_name (list_stack), "loading") != 0 &&
         !kt_supervisor_view_get_loading (KT_SUPERVISOR_VIEW (view));
}

/* What a person does: the menu item, the three fields, the button. */
static void
sign_in_as_supervisor (KtWindow   *window,
                       const char *url)
{
  KtSignInDialog *dialog = NULL;
  const struct { const char *row, *text; } fields[] = {
    { "server_row", url }, { "username_row", "super1" }, { "password_row", KT_TEST_PASSWORD },
  };

  kt_app_test_wait_for (sync_client_opened, window, 10000, "the sync client to open");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL);
  kt_app_test_wait_for (sign_in_dialog_shown, &dialog, 5000, "the sign-in dialog");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_SIGN_IN_DIALOG,
                                                                        fields[i].row)), fields[i].text);
  /* From the click to the inbox read from the store: signing in on the
   * server, asking it for the role, and the view's first load of every
   * case and plan on the device. */
  step_begin ();
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_SIGN_IN_DIALOG,
                                                        "sign_in_button"), "clicked");
  kt_app_test_wait_for (supervisor_view_loaded, window, 600000, "the supervisor's view");
  step_end ("sign in, supervisor's first load");
}

/* Signed in, and the households without a coach adopted (or not). */
static gboolean
coach_adopted (gpointer window)
{
  KtSyncClient *client = kt_window_get_sync_client (window);

  return client != NULL && kt_sync_client_is_signed_in (client) &&
         !kt_sync_controller_get_adopting (kt_window_get_sync_controller (window));
}

/* A coach signs in on a device whose households were all started before
 * any sign-in (bench-fill's have no coach): each becomes coach1's. */
static void
coach_sign_in (KtWindow     *window,
               KtTestServer *server)
{
  KtSignInDialog *dialog = NULL;
  const struct { const char *row, *text; } fields[] = {
    { "server_row", kt_test_server_get_url (server) }, { "username_row", "coach1" },
    { "password_row", KT_TEST_PASSWORD },
  };

  kt_app_test_wait_for (sync_client_opened, window, 10000, "the sync client to open");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL);
  kt_app_test_wait_for (sign_in_dialog_shown, &dialog, 5000, "the sign-in dialog");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_SIGN_IN_DIALOG,
                                                                        fields[i].row)), fields[i].text);
  step_begin ();
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_SIGN_IN_DIALOG,
                                                        "sign_in_button"), "clicked");
  kt_app_test_wait_for (coach_adopted, window, 900000, "the households to be adopted");
  step_end ("sign in, a coach adopts every household");
}

static guint inbox_wanted;

static gboolean
inbox_filled (gpointer window)
{
  KtSupervisorInbox *inbox = kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (kt_window_get_main_view (window)));
  GPtrArray *entries = kt_supervisor_inbox_get_entries (inbox);
  KtSyncStatus status = kt_sync_client_get_status (kt_window_get_sync_client (window));

  return entries != NULL && entries->len >= inbox_wanted &&
         (status == KT_SYNC_STATUS_SYNCED || status == KT_SYNC_STATUS_IDLE) &&
         !kt_supervisor_inbox_get_busy (inbox);
}

static void
inbox_by_sync (KtWindow     *window,
               KtTestServer *server)
{
  KtSupervisorInbox *inbox;
  GPtrArray *entries;
  char *argv[] = { (char *) "/proc/self/exe", (char *) "--push", NULL, NULL };
  pid_t pid;
  int status, rc;

  sign_in_as_supervisor (window, kt_test_server_get_url (server));
  kt_app_test_iterate (2000);

  /* The view reads every record again after unlocking: the first load
   * without signing in (whose adoption of households runs on the loop). */
  kt_app_test_activate (window, "win.lock", NULL);
  kt_app_test_iterate (500);
  step_begin ();
  gtk_editable_set_text (kt_window_get_passphrase_row (window, FALSE), KT_APP_TEST_PIN);
  kt_app_test_activate (window, "win.unlock", NULL);
  kt_app_test_wait_for (not_unlocking, window, 60000, "the unlock");
  kt_app_test_wait_for (supervisor_view_loaded, window, 600000, "the supervisor's view after unlocking");
  step_end ("unlock, supervisor's view loads");
  kt_app_test_iterate (1000);
  inbox = kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (kt_window_get_main_view (window)));
  entries = kt_supervisor_inbox_get_entries (inbox);
  inbox_wanted = (entries != NULL ? entries->len : 0) + N_HOUSEHOLDS;

  argv[2] = (char *) kt_test_server_get_url (server);
  step_begin ();
  /* posix_spawn(), not g_spawn_async(): GLib 2.74 forks to close the
   * child's descriptors, and after a fork every page of this process is
   * copy-on-write until it is next written, so the app's first write to
   * each page of its records (a reference taken as the first batch is
   * merged) took a page fault, several microseconds each on a virtual
   * machine: 10–25 ms of the step's longest turn that a supervisor's app,
   * which starts no process, never pays.  glibc's posix_spawn() shares the
   * memory until the exec (CLONE_VM | CLONE_VFORK) and so leaves no
   * copy-on-write behind.  The pushing clients stand for other machines. */
  rc = posix_spawn (&pid, "/proc/self/exe", NULL, NULL, argv, environ);
  if (rc != 0)
    g_error ("Cannot start the pushing client: %s", g_strerror (rc));
  kt_app_test_wait_for (inbox_filled, window, 900000, "the inbox to list the pushed plans");
  step_end ("inbox receives 200 by sync");
  waitpid (pid, &status, 0);
  if (!g_spawn_check_wait_status (status, NULL))
    g_printerr ("note: the pushing client failed; that step measured nothing useful\n");
}

static gboolean
case_opened (gpointer window)
{
  return !kt_window_is_opening_case (window);
}

/* What a click on a row of the list does: it becomes the selection, and
 * the household is read on the store's worker. */
static void
open_case (KtWindow *window,
           guint     position)
{
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (kt_window_get_case_model (window)), position);
  kt_app_test_iterate (50);
  kt_app_test_wait_for (case_opened, window, 60000, "the household to open");
}

/* With bench/slow-sync.c preloaded, every fsync waits $KT_SLOW_SYNC_MS
 * (200) while @slow; without it, nothing changes. */
static void
slow_disk (gboolean slow)
{
  int *ms = dlsym (RTLD_DEFAULT, "kt_slow_sync_ms");

  if (ms == NULL)
    {
      if (slow)
        g_printerr ("note: bench/slow-sync.c is not preloaded; saves are as fast as this disk\n");
      return;
    }
  g_atomic_int_set (ms, slow ? (g_getenv ("KT_SLOW_SYNC_MS") != NULL
                                ? atoi (g_getenv ("KT_SLOW_SYNC_MS")) : 200) : 0);
}

typedef struct {
  KtWindow *window;
  char     *id;
} ShownCase;

static gboolean
case_shown (gpointer data)
{
  ShownCase *shown = data;
  KtCase *kase = kt_case_view_get_case (kt_window_get_case_view (shown->window));

  return kase != NULL && g_strcmp0 (kase->header.id, shown->id) == 0;
}

static void
open_case_while_saving (KtWindow *window,
                        guint     position)
{
  KtStore *store = kt_window_get_store (window);
  KtCase *open = kt_case_view_get_case (kt_window_get_case_view (window));
  g_autoptr(KtCaseItem) item = g_list_model_get_item (kt_window_get_case_model (window), position);
  ShownCase shown = { window, g_strdup (kt_case_item_get_id (item)) };

  /* A change to the open household, written at once. */
  if (open != NULL)
    {
      kt_store_autosave_case (store, open);
      kt_store_flush_async (store, NULL, NULL, NULL);
    }
  /* The worker has begun the commit. */
  kt_app_test_iterate (10);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (kt_window_get_case_model (window)), position);
  kt_app_test_wait_for (case_shown, &shown, 60000, "the household to be shown");
  kt_app_test_iterate (50);
  g_free (shown.id);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- the app's longest main-loop stalls");
  g_autofree char *push_url = NULL;
  gboolean no_inbox = FALSE, inbox_only = FALSE, coach_only = FALSE, start_only = FALSE;
  GOptionEntry entries[] = {
    { "cases", 0, 0, G_OPTION_ARG_INT, &n_cases, "Cases in the store (10000)", "N" },
    { "plans", 0, 0, G_OPTION_ARG_INT, &n_plans, "Plans in the store (1000)", "N" },
    { "no-inbox", 0, 0, G_OPTION_ARG_NONE, &no_inbox, "Leave out the supervisor's inbox by sync", NULL },
    { "inbox-only", 0, 0, G_OPTION_ARG_NONE, &inbox_only, "Only start and the supervisor's inbox by sync", NULL },
    { "start-only", 0, 0, G_OPTION_ARG_NONE, &start_only, "Only the start (for working on it)", NULL },
    { "coach-sign-in", 0, 0, G_OPTION_ARG_NONE, &coach_only,
      "Only start and a coach's sign-in adopting every household", NULL },
    { "push", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &push_url, "(the pushing client)", "URL" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(KtTestServer) server = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  KtApplication *app;
  KtWindow *window;
  KtCaseView *view;
  GdkFrameClock *clock;
  GtkTextView *text;
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (push_url != NULL)
    return push_plans (push_url);
  if (start_only)
    inbox_only = no_inbox = TRUE;
  if (coach_only)
    inbox_only = TRUE;
  /* The server (and its accounts, each made by a command) before anything
   * else: starting a process forks this one, and after a fork every page
   * of this process is copy-on-write until it is next written.  Started
   * here, while the process is small, the app's first writes to its
   * records in the steps below take no page fault for it (several
   * microseconds each on a virtual machine), as in an app that starts no
   * process. */
  if (!no_inbox || coach_only)
    server = kt_test_server_start (NULL, kt_test_sync_users);
  /* The renderer the program picks and GTK started as the program starts
   * it (src/app/main.c), before its main loop runs and before any window. */
  kt_app_choose_renderer ();
  kt_app_test_init_for_app (&argc, &argv);
  kt_app_start_gtk ();
  /* A benchmark reports what it sees; g_test_init made warnings fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  meter.frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  meter.frames_cpu = g_array_new (FALSE, FALSE, sizeof (gint64));

  dir = g_dir_make_tmp ("kt-bench-responsive-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "store.db", NULL);
  g_setenv ("KT_STORE_PATH", path, TRUE);
  start = g_get_monotonic_time ();
  kt_bench_fill_store (path, n_cases, n_plans);
  g_print ("Store of %d cases and %d plans made in %.1f s\n", n_cases, n_plans,
           (g_get_monotonic_time () - start) / 1e6);

  /* KT_BENCH_PAUSE=N: N seconds to attach strace or perf to the main
   * thread (its id is the process's) before the start. */
  if (g_getenv ("KT_BENCH_PAUSE") != NULL)
    {
      g_printerr ("bench-responsive: pid %d, starting in %s s\n", getpid (), g_getenv ("KT_BENCH_PAUSE"));
      g_usleep (G_USEC_PER_SEC * g_ascii_strtoll (g_getenv ("KT_BENCH_PAUSE"), NULL, 10));
    }
  g_timeout_add_full (G_PRIORITY_HIGH, TICK_MS, tick_cb, NULL, NULL);
  watch_turns ();

  /* Start: the app opens the store and lists every case. */
  step_begin ();
  before_loop = TRUE;
  app = kt_app_test_start (&window);
  kt_app_test_wait_for (window_ready, window, 120000, "the case list");
  /* The case view is made in a turn of its own after the list: part of
   * the start. */
  kt_app_test_wait_for (case_view_made, window, 10000, "the case view");
  g_print ("%-32s         %7.1f ms (cpu %6.1f)\n", "start, before the loop runs",
           before_loop_wall / 1000.0, before_loop_cpu / 1000.0);
  step_end ("start, open and list");
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "update", G_CALLBACK (on_update), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);

  if (coach_only)
    {
      coach_sign_in (window, server);
      no_inbox = TRUE;
    }
  if (!inbox_only)
    {
      /* Lock, then the PIN checked at the real Argon2id cost. */
      kt_app_test_activate (window, "win.lock", NULL);
      step_begin ();
      gtk_editable_set_text (kt_window_get_passphrase_row (window, FALSE), KT_APP_TEST_PIN);
      kt_app_test_activate (window, "win.unlock", NULL);
      kt_app_test_wait_for (not_unlocking, window, 60000, "the unlock");
      kt_app_test_wait_for (window_ready, window, 120000, "the case list after unlocking");
      step_end ("unlock with the PIN");

      /* Ten cases, one after another, as a coach looks for one. */
      step_begin ();
      for (guint i = 0; i < 10; i++)
        open_case (window, i * 37);
      step_end ("open ten cases");

      /* Ten more, each chosen while the open one's change is being
       * written (kt_store_flush_async: the commit holds the record store
       * on the store's worker).  Meant with bench/slow-sync.c preloaded,
       * which makes each fsync as slow as a slow laptop disk's; without
       * it the commits are short.  Waits until each household is shown,
       * by its id, so that a build that opens on the loop runs it too. */
      slow_disk (TRUE);
      step_begin ();
      for (guint i = 0; i < 10; i++)
        open_case_while_saving (window, 5 + i * 41);
      step_end ("open ten cases while saving");
      slow_disk (FALSE);

      /* Typing into a domain page while autosave runs (it saves after a pause
       * and every few seconds while typing goes on). */
      view = kt_window_get_case_view (window);
      kt_app_test_activate (window, "win.show-page", g_variant_new_string ("conversation"));
      kt_app_test_activate (kt_case_view_get_conversation_page (view), "conversation.show-domain",
                            g_variant_new_string ("geldzaken"));
      text = kt_text_field_get_view (kt_domain_page_get_text_field (
        kt_conversation_page_get_domain_page (kt_case_view_get_conversation_page (view)), FALSE));
      step_begin ();
      for (guint i = 0; i < 300; i++)
        {
          gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (text), i % 40 == 39 ? " " : "w", 1);
          /* About a fast typist: 30 characters a second. */
          kt_app_test_iterate (33);
        }
      step_end ("typing 300 characters, autosave");

      /* Submitting a plan (it waits in the outbox: no server here), in a case
       * that has one. */
      gtk_editable_set_text (kt_window_get_search_entry (window), "Familie Jansen 0");
      kt_app_test_iterate (300);

      /* A household with a plan, and its plan page: the page is built for
       * that plan (goal cards, actions) and drawn for the first time. */
      step_begin ();
      open_case (window, 0);
      kt_app_test_activate (window, "win.show-page", g_variant_new_string ("plan"));
      kt_app_test_iterate (300);
      step_end ("open a household's plan");
      step_begin ();
      kt_app_test_activate (kt_case_view_get_plan_page (view), "plan.submit", NULL);
      kt_app_test_iterate (1000);
      step_end ("submit a plan");
      if (kt_case_view_get_plan (view) == NULL || kt_case_view_get_plan (view)->review != KT_REVIEW_SUBMITTED)
        g_printerr ("note: the plan was not submitted; that step measured nothing useful\n");
    }

  /* The supervisor's inbox receiving 200 plans by sync. */
  if (!no_inbox)
    inbox_by_sync (window, server);

  kt_app_test_quit (app, window);
  g_clear_pointer (&server, kt_test_server_free);
  g_unsetenv ("KT_STORE_PATH");
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *f = g_build_filename (dir, name, NULL);
        g_remove (f);
      }
    g_rmdir (dir);
  }
  return 0;
}
