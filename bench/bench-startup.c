/* bench-startup.c: time from exec to the first drawn case list
 *
 * Fills a store with 1,000 cases, then starts keukentafel on it again and
 * again and times exec → the first frame of the case list (the app prints
 * KT_FIRST_FRAME from its frame clock's ::after-paint when
 * $KT_BENCH_FIRST_FRAME is set, with its CLOCK_MONOTONIC time).  In the
 * same run it starts GNOME Text Editor on an empty document and times exec
 * → its window's first drawing reaching the X server: the first DAMAGE
 * report on the toplevel whose _NET_WM_PID is the child's pid (a DAMAGE
 * object is made for every toplevel as it is created, before it can draw).
 * Earlier rounds compared with the editor's window being *mapped*, which
 * comes before it draws and so favoured the editor by its whole first
 * frame; that ratio is still printed.  Both programs' map and first-drawing
 * times are printed.  Runs alternate the order of the programs so that
 * caches and load affect all alike.
 *
 * Keukentafel draws with cairo where there is no GPU (src/app/main.c), GTK
 * with GL, emulated on the processor there.  So that the renderer cannot
 * hide a difference, both programs are also timed with each renderer
 * forced through $GSK_RENDERER.
 *
 * Beside each program's time it prints its resident memory a second after
 * that first frame (the editor's: a second after its window is mapped).
 * With --reference=PATH a second keukentafel binary (a build of another
 * commit) is started in the same rounds, right after ours, so that a
 * before/after pair shares the machine's load of the moment.  Every
 * program is started once, untimed, before the timed rounds, so that all
 * find Mesa's shader cache and the page cache warm alike.
 *
 * Run it inside Xvfb with a session bus and keyring: bench/run-bench-startup.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-startup"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <X11/extensions/Xdamage.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>

#include "kt-core.h"
#include "kt-store.h"

#include "bench-fill.h"

#define N_CASES_DEFAULT 1000
#define N_RUNS_DEFAULT  9
#define TIMEOUT_US      (30 * G_USEC_PER_SEC)

/* X: waiting for a toplevel of @pid to be mapped */

static gboolean
window_has_pid (Display *display,
                Window   window,
                GPid     pid)
{
  Atom net_wm_pid = XInternAtom (display, "_NET_WM_PID", False);
  Atom type;
  int format;
  unsigned long n_items, after;
  unsigned char *data = NULL;
  gboolean match = FALSE;

  if (XGetWindowProperty (display, window, net_wm_pid, 0, 1, False, XA_CARDINAL, &type, &format,
                          &n_items, &after, &data) == Success && data != NULL && n_items == 1)
    match = *(unsigned long *) data == (unsigned long) pid;
  if (data != NULL)
    XFree (data);
  return match;
}

/* Every new toplevel gets a DAMAGE object when it is created, before it
 * can draw; a window gone again before the server reads that request is
 * an X error to be ignored. */
static int damage_event_base;

static int
ignore_x_error (Display     *display,
                XErrorEvent *error)
{
  return 0;
}

/* Processor time @pid has used so far, all its threads, in µs (-1: gone):
 * what load beside the benchmark does not inflate. */
static gint64
cpu_us (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
    return -1;
  /* After the name: state is field 3, utime and stime fields 14 and 15. */
  fields = g_strsplit (end + 2, " ", 14);
  if (g_strv_length (fields) < 14)
    return -1;
  return (g_ascii_strtoll (fields[11], NULL, 10) + g_ascii_strtoll (fields[12], NULL, 10)) *
         G_USEC_PER_SEC / sysconf (_SC_CLK_TCK);
}

typedef struct {
  Damage damage;
  Time   first;  /* server time of its first damage: the background painted at map */
} Watched;

/* Microseconds from @start until a toplevel of @pid is mapped (returned),
 * and in @paint_us until its first drawing reaches the X server, or -1 for
 * either that did not come; in @paint_cpu_us the processor time it had
 * used by then.  Xvfb reports the window's background, painted
 * as it is mapped, as damage too: the first drawing is the first damage
 * report with a later server time than that one. */
static gint64
wait_for_map (Display *display,
              GPid     pid,
              gint64   start,
              gint64  *paint_us,
              gint64  *paint_cpu_us)
{
  g_autoptr(GHashTable) watched = g_hash_table_new_full (NULL, NULL, NULL, g_free);  /* Window → Watched */
  Window mapped = None;
  gint64 map_us = -1;
  GHashTableIter iter;
  Watched *w;

  *paint_us = -1;
  while (g_get_monotonic_time () - start < TIMEOUT_US)
    {
      XEvent event;

      if (XPending (display) == 0)
        {
          g_usleep (200);
          continue;
        }
      XNextEvent (display, &event);
      if (event.type == CreateNotify)
        {
          w = g_new0 (Watched, 1);
          w->damage = XDamageCreate (display, event.xcreatewindow.window, XDamageReportRawRectangles);
          g_hash_table_insert (watched, GSIZE_TO_POINTER (event.xcreatewindow.window), w);
        }
      else if (event.type == MapNotify && mapped == None && window_has_pid (display, event.xmap.window, pid))
        {
          map_us = g_get_monotonic_time () - start;
          mapped = event.xmap.window;
        }
      else if (event.type == damage_event_base + XDamageNotify)
        {
          XDamageNotifyEvent *damage = (XDamageNotifyEvent *) &event;

          w = g_hash_table_lookup (watched, GSIZE_TO_POINTER (damage->drawable));
          if (w == NULL)
            continue;
          if (w->first == 0)
            w->first = damage->timestamp;
          else if (damage->drawable == mapped && damage->timestamp > w->first)
            {
              *paint_us = g_get_monotonic_time () - start;
              *paint_cpu_us = cpu_us (pid);
              break;
            }
        }
    }
  g_hash_table_iter_init (&iter, watched);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &w))
    XDamageDestroy (display, w->damage);
  XSync (display, True);
  return map_us;
}

static void
stop (GPid pid)
{
  int status;

  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
}

/* @quiet: the child's warnings go nowhere (Debian's GNOME Text Editor 43
 * warns about its own templates at every start with --standalone). */
static GPid
spawn (char      **argv,
       char      **envp,
       int        *stdout_fd,
       gboolean    quiet)
{
  g_autoptr(GError) error = NULL;
  GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH;
  GPid pid;

  if (quiet)
    flags |= G_SPAWN_STDERR_TO_DEV_NULL;
  if (!g_spawn_async_with_pipes (NULL, argv, envp, flags, NULL, NULL, &pid,
                                 NULL, stdout_fd, NULL, &error))
    g_error ("Cannot start %s: %s", argv[0], error->message);
  return pid;
}

/* One start of keukentafel: exec → first frame of the case list (and →
 * map in @map_us). */
/* @renderer: a $GSK_RENDERER for the child, or NULL for its own choice */
static char **
child_environ (const char *renderer)
{
  char **envp = g_get_environ ();

  envp = g_environ_unsetenv (envp, "GSK_RENDERER");
  if (renderer != NULL)
    envp = g_environ_setenv (envp, "GSK_RENDERER", renderer, TRUE);
  return envp;
}

/* Resident memory of @pid in KiB, or -1. */
static gint64
rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) || (line = strstr (status, "VmRSS:")) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

/* What one start measured, in µs from exec (-1: did not come) and KiB */
typedef struct {
  gint64 frame;  /* keukentafel: its first frame with the case list drawn */
  gint64 map;    /* the window mapped */
  gint64 paint;  /* the window's first drawing at the X server */
  gint64 cpu;    /* processor time used by the first drawing (clock ticks: 10 ms steps) */
  gint64 rss;    /* resident a second after the frame (the editor's: the paint) */
} Start;

/* With --app-size the app opens at that size, as it would have been left
 * there: its window-width and window-height in a GSettings keyfile of its
 * own (the benchmark otherwise runs with the memory backend, so at the
 * default size, 1100×720).  GNOME Text Editor opens at 700×520 on its
 * first start; a larger window costs more to draw, most with GL emulated
 * on the processor. */
static char *app_config_home;

static void
write_app_size (const char *dir,
                const char *size)
{
  g_autofree char *settings = g_build_filename (dir, "config", "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings, "keyfile", NULL);
  g_autofree char *contents = NULL;
  int width = 0, height = 0;

  if (sscanf (size, "%dx%d", &width, &height) != 2 || width <= 0 || height <= 0)
    g_error ("--app-size wants WIDTHxHEIGHT, such as 700x520");
  contents = g_strdup_printf ("[nl/wijkteam/Keukentafel]\nwindow-width=%d\nwindow-height=%d\n",
                              width, height);
  g_mkdir_with_parents (settings, 0700);
  if (!g_file_set_contents (keyfile, contents, -1, NULL))
    g_error ("Cannot write %s", keyfile);
  app_config_home = g_build_filename (dir, "config", NULL);
}

static void
run_app (Display    *display,
         const char *binary,
         const char *store_path,
         const char *renderer,
         Start      *result)
{
  char *argv[] = { (char *) binary, NULL };
  g_auto(GStrv) envp = child_environ (renderer);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  gint64 start;
  int out = -1;
  GPid pid;

  envp = g_environ_setenv (envp, "KT_STORE_PATH", store_path, TRUE);
  envp = g_environ_setenv (envp, "KT_BENCH_FIRST_FRAME", "1", TRUE);
  if (app_config_home != NULL)
    {
      envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "keyfile", TRUE);
      envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", app_config_home, TRUE);
    }
  start = g_get_monotonic_time ();
  pid = spawn (argv, envp, &out, FALSE);
  result->map = wait_for_map (display, pid, start, &result->paint, &result->cpu);

  stream = g_unix_input_stream_new (out, TRUE);
  lines = g_data_input_stream_new (stream);
  result->frame = -1;
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, NULL);

      if (line == NULL)
        break;
      /* The app's own CLOCK_MONOTONIC time of the frame: the same clock,
       * and not late by however long this program took to read the line. */
      if (g_str_has_prefix (line, "KT_FIRST_FRAME "))
        {
          result->frame = g_ascii_strtoll (line + strlen ("KT_FIRST_FRAME "), NULL, 10) - start;
          break;
        }
    }
  /* What the app holds with the list drawn, once what it started has
   * settled (the rest of the list model, the share states). */
  g_usleep (G_USEC_PER_SEC);
  result->rss = rss_kib (pid);
  stop (pid);
}

/* One start of GNOME Text Editor with an empty document: exec → map and
 * → its first drawing. */
static void
run_text_editor (Display    *display,
                 const char *home,
                 const char *renderer,
                 Start      *result)
{
  char *argv[] = { (char *) "gnome-text-editor", (char *) "--standalone", NULL };
  g_auto(GStrv) envp = child_environ (renderer);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *state = g_build_filename (home, "state", NULL);
  gint64 start;
  GPid pid;

  /* A fresh data dir each time: no session to restore, one empty document. */
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", data, TRUE);
  envp = g_environ_setenv (envp, "XDG_STATE_HOME", state, TRUE);
  start = g_get_monotonic_time ();
  pid = spawn (argv, envp, NULL, TRUE);
  result->map = wait_for_map (display, pid, start, &result->paint, &result->cpu);
  result->frame = result->paint;
  g_usleep (G_USEC_PER_SEC);
  result->rss = rss_kib (pid);
  stop (pid);
}

typedef struct {
  const char *name;
  gboolean    is_app;
  const char *binary;    /* keukentafel: the program started */
  const char *renderer;  /* $GSK_RENDERER, or NULL for the program's own choice */
  GArray     *frames;    /* exec → first drawn case list (the editor: first drawing) (µs) */
  GArray     *maps;      /* exec → window mapped (µs) */
  GArray     *paints;    /* exec → the window's first drawing at the X server (µs) */
  GArray     *cpu;       /* processor time used by that first drawing (µs) */
  GArray     *rss;       /* KiB resident a second after the first frame (editor: map) */
} Series;

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
median_ms (GArray *values)
{
  g_array_sort (values, compare_gint64);
  if (values->len == 0)
    return -1;
  if (values->len % 2 == 1)
    return g_array_index (values, gint64, values->len / 2) / 1000.0;
  return (g_array_index (values, gint64, values->len / 2 - 1) +
          g_array_index (values, gint64, values->len / 2)) / 2000.0;
}

int
main (int argc, char *argv[])
{
  int n_runs = N_RUNS_DEFAULT, n_cases = N_CASES_DEFAULT;
  g_autofree char *keep = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *app_size = NULL;
  g_autofree char *app = g_build_filename (BUILD_ROOT, "src", "app", "keukentafel", NULL);
  GOptionEntry entries[] = {
    { "fill-only", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Only fill a store at PATH and keep it", "PATH" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Starts of each program", "N" },
    { "cases", 0, 0, G_OPTION_ARG_INT, &n_cases, "Cases in the store", "N" },
    { "reference", 0, 0, G_OPTION_ARG_FILENAME, &reference,
      "Also start this keukentafel binary (another commit's build) in every round", "PATH" },
    { "app-size", 0, 0, G_OPTION_ARG_STRING, &app_size,
      "Open keukentafel's window at this size (the editor's is 700x520)", "WIDTHxHEIGHT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the app's start");
  g_autoptr(GError) error = NULL;
  /* The first five are always run; the reference's three only with
   * --reference. */
  Series series[] = {
    { "keukentafel, its own choice of renderer", TRUE, NULL, NULL },
    { "keukentafel, GL renderer", TRUE, NULL, "gl" },
    { "keukentafel, cairo renderer", TRUE, NULL, "cairo" },
    { "gnome-text-editor, GTK's default (GL) renderer", FALSE, NULL, NULL },
    { "gnome-text-editor, cairo renderer", FALSE, NULL, "cairo" },
    { "reference, its own choice of renderer", TRUE, NULL, NULL },
    { "reference, GL renderer", TRUE, NULL, "gl" },
    { "reference, cairo renderer", TRUE, NULL, "cairo" },
  };
  guint n_series = 5;
  g_autofree char *dir = NULL;
  g_autofree char *store_path = NULL;
  Display *display;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (!kt_core_init ())
    g_error ("libsodium did not start");

  for (guint i = 0; i < G_N_ELEMENTS (series); i++)
    series[i].binary = i < 5 ? app : reference;
  if (reference != NULL)
    n_series = G_N_ELEMENTS (series);

  if (keep != NULL)
    {
      kt_bench_fill_store (keep, n_cases, 0);
      return 0;
    }

  display = XOpenDisplay (NULL);
  if (display == NULL)
    g_error ("No X display: run this through bench/run-bench-startup");
  {
    int damage_error_base;

    if (!XDamageQueryExtension (display, &damage_event_base, &damage_error_base))
      g_error ("The X server has no DAMAGE extension");
  }
  XSetErrorHandler (ignore_x_error);
  XSelectInput (display, DefaultRootWindow (display), SubstructureNotifyMask);

  dir = g_dir_make_tmp ("kt-bench-startup-XXXXXX", &error);
  g_assert_no_error (error);
  store_path = g_build_filename (dir, "store.db", NULL);
  if (app_size != NULL)
    write_app_size (dir, app_size);
  g_print ("Filling a store with %d cases...\n", n_cases);
  kt_bench_fill_store (store_path, n_cases, 0);

  for (guint i = 0; i < n_series; i++)
    {
      series[i].frames = g_array_new (FALSE, FALSE, sizeof (gint64));
      series[i].maps = g_array_new (FALSE, FALSE, sizeof (gint64));
      series[i].paints = g_array_new (FALSE, FALSE, sizeof (gint64));
      series[i].cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
      series[i].rss = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  /* One untimed start of every series first.  The session's Mesa shader
   * cache ($XDG_CACHE_HOME/mesa_shader_cache, in the throwaway home of
   * build-aux/test-session) starts empty: without this, whichever program
   * started with GL first in the first round (always keukentafel) compiled
   * GTK's shaders for all the others and carried that start in its
   * median.  The same goes for the page cache: every program's files are
   * read once before anything is timed. */
  g_print ("warm-up (not counted):");
  for (guint k = 0; k < n_series; k++)
    {
      g_autofree char *home = g_strdup_printf ("%s/editor-warm-%u", dir, k);
      Start start = { -1, -1, -1, -1, -1 };

      if (series[k].is_app)
        run_app (display, series[k].binary, store_path, series[k].renderer, &start);
      else
        run_text_editor (display, home, series[k].renderer, &start);
      g_print (" %.0f ms", start.frame / 1000.0);
    }
  g_print ("\n");

  for (int run = 0; run < n_runs; run++)
    {
      g_print ("run %d:", run + 1);
      for (guint k = 0; k < n_series; k++)
        {
          /* Alternate the order, so that caches and load affect all alike. */
          Series *s = &series[run % 2 == 0 ? k : n_series - 1 - k];
          g_autofree char *home = g_strdup_printf ("%s/editor-%d-%u", dir, run, k);
          Start start = { -1, -1, -1, -1, -1 };

          if (s->is_app)
            run_app (display, s->binary, store_path, s->renderer, &start);
          else
            run_text_editor (display, home, s->renderer, &start);
          if (start.frame < 0 || start.map < 0)
            g_error ("A program did not draw its window within %d s", (int) (TIMEOUT_US / G_USEC_PER_SEC));
          g_array_append_val (s->frames, start.frame);
          g_array_append_val (s->maps, start.map);
          g_array_append_val (s->paints, start.paint);
          g_array_append_val (s->cpu, start.cpu);
          g_array_append_val (s->rss, start.rss);
          g_print ("  %s %s %.0f ms", s->binary == reference && s->is_app ? "ref" : s->is_app ? "kt" : "editor",
                   s->renderer != NULL ? s->renderer : "default", start.frame / 1000.0);
        }
      g_print ("\n");
    }

  g_print ("\nMedians over %d starts (keukentafel: exec to its first frame with the case list of\n"
           "%d cases drawn; gnome-text-editor: exec to its window's first drawing at the X server;\n"
           "both: exec to the window mapped, and to its first drawing, the processor time used\n"
           "by that drawing, all threads; memory a second after):\n",
           n_runs, n_cases);
  for (guint i = 0; i < n_series; i++)
    g_print ("  %-48s %6.1f ms (mapped %.1f ms, drawn %.1f ms, CPU %.0f ms), RSS %.1f MiB\n", series[i].name,
             median_ms (series[i].frames), median_ms (series[i].maps), median_ms (series[i].paints),
             median_ms (series[i].cpu), median_ms (series[i].rss) * 1000 / 1024);
  g_print ("ratio keukentafel's drawn list / the editor's first drawing, each with its own choice of\n"
           "renderer: %.2f (targets: at most 0.65; median at most 500 ms)\n",
           median_ms (series[0].frames) / median_ms (series[3].frames));
  g_print ("the same, with the same renderer for both: GL %.2f, cairo %.2f (target: at most 0.8)\n",
           median_ms (series[1].frames) / median_ms (series[3].frames),
           median_ms (series[2].frames) / median_ms (series[4].frames));
  g_print ("against the editor's window mapped, before it draws (the figure of earlier rounds):\n"
           "own choice %.2f, GL %.2f, cairo %.2f\n",
           median_ms (series[0].frames) / median_ms (series[3].maps),
           median_ms (series[1].frames) / median_ms (series[3].maps),
           median_ms (series[2].frames) / median_ms (series[4].maps));
  g_print ("processor time to the first drawing, keukentafel / the editor: own choice %.2f, GL %.2f, "
           "cairo %.2f\n",
           median_ms (series[0].cpu) / median_ms (series[3].cpu),
           median_ms (series[1].cpu) / median_ms (series[3].cpu),
           median_ms (series[2].cpu) / median_ms (series[4].cpu));
  if (reference != NULL)
    g_print ("the reference, against the editor's first drawing: own choice %.2f, GL %.2f, cairo %.2f\n",
             median_ms (series[5].frames) / median_ms (series[3].frames),
             median_ms (series[6].frames) / median_ms (series[3].frames),
             median_ms (series[7].frames) / median_ms (series[4].frames));

  for (guint i = 0; i < n_series; i++)
    {
      g_array_unref (series[i].frames);
      g_array_unref (series[i].maps);
      g_array_unref (series[i].paints);
      g_array_unref (series[i].cpu);
      g_array_unref (series[i].rss);
    }
  XCloseDisplay (display);
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);

    (void) !system (rm);
  }
  return 0;
}
