/* test-store-crash.c: a writer killed with SIGKILL at random moments never
 * loses a save it reported as committed, the store always reopens, and it
 * never takes the crash for a file put back (test-store-rollback.c)
 *
 * The same binary runs as the writer when started with --writer PATH: it
 * saves in a loop and prints each committed revision on stdout, a line
 * "<kind> <rev>" after the call that committed it returned.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store-crash"

#include "config.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt-core.h"
#include "kt-store-private.h"
#include "kt-test-util.h"

#define PASSPHRASE "kapotte stroomkabel"
#define CASE_ID "5b0e5b0e-0000-4000-8000-00000000ca5e"
#define CONVERSATION_ID "5b0e5b0e-0000-4000-8000-0000000c0a1e"

static guint n_kills = 200;

static KtStore *
store_open (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtStore) store = kt_store_new (path);

  kt_store_set_pwhash_limits (store, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  g_assert_true (kt_store_open_sync (store, KT_KEY_SOURCE_PASSPHRASE, PASSPHRASE, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static void
report (const char *kind,
        gint64      rev)
{
  char line[64];
  int len = g_snprintf (line, sizeof line, "%s %" G_GINT64_FORMAT "\n", kind, rev);

  /* One write(2) per line: a kill never leaves half a number that parses. */
  g_assert_cmpint (write (STDOUT_FILENO, line, len), ==, len);
}

/* The writer: alternates autosave + flush of a case with direct saves of a
 * conversation that grows, until it is killed. */
static G_NORETURN void
run_writer (const char *path)
{
  g_autoptr(KtStore) store = store_open (path);

  /* The save counter outside the file follows every commit, so that kills
   * land between a commit and its counter too. */
  kt_store_set_mark_interval (store, 0);
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(KtConversation) conversation = NULL;
  g_autoptr(GError) error = NULL;

  kase = kt_store_load_case (store, CASE_ID, &error);
  g_assert_no_error (error);
  conversation = kt_store_load_conversation (store, CONVERSATION_ID, &error);
  g_assert_no_error (error);

  for (guint i = 0; ; i++)
    {
      KtDocument doc = { .kind = KT_KIND_CONVERSATION, .conversation = conversation };
      g_autofree char *notes = NULL;

      g_free (kase->household);
      kase->household = g_strdup_printf ("Familie %u", i);
      kt_store_autosave_case (store, kase);
      g_assert_true (kt_store_flush (store, &error));
      g_assert_no_error (error);
      report ("case", kase->header.rev);

      notes = g_strdup_printf ("%s regel %u.", conversation->notes, i);
      if (strlen (notes) > 20000)
        notes[0] = '\0';
      g_free (conversation->notes);
      conversation->notes = g_steal_pointer (&notes);
      conversation->header.rev++;
      g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
      g_assert_no_error (error);
      report ("conversation", conversation->header.rev);
    }
}

typedef struct {
  gint64 kase;
  gint64 conversation;
} Revs;

static void
parse_reports (const char *output,
               Revs       *revs)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gint64 rev;

      if (g_str_has_prefix (lines[i], "case "))
        {
          rev = g_ascii_strtoll (lines[i] + 5, NULL, 10);
          g_assert_cmpint (rev, >, revs->kase);
          revs->kase = rev;
        }
      else if (g_str_has_prefix (lines[i], "conversation "))
        {
          rev = g_ascii_strtoll (lines[i] + 13, NULL, 10);
          g_assert_cmpint (rev, >, revs->conversation);
          revs->conversation = rev;
        }
    }
}

/* Reads from @fd into @output until the writer reported its first save. */
static void
wait_for_first_save (int      fd,
                     GString *output)
{
  char buffer[256];
  ssize_t n;

  while (strstr (output->str, "case ") == NULL)
    {
      n = read (fd, buffer, sizeof buffer);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (output, buffer, n);
    }
}

/* Starts the writer, kills it @delay_us after it started (or after its
 * first save, with @after_first_save), returns what it reported. */
static char *
run_and_kill (const char *self_exe,
              const char *path,
              gboolean    after_first_save,
              guint       delay_us)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { self_exe, "--writer", path, NULL };
  g_autoptr(GString) output = g_string_new (NULL);
  GPid pid;
  int out_fd, status;
  char buffer[4096];
  ssize_t n;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                            NULL, NULL, &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);

  if (after_first_save)
    wait_for_first_save (out_fd, output);
  g_usleep (delay_us);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  /* Killed, not failed: an assertion in the writer would end it earlier. */
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

  while ((n = read (out_fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (output, buffer, n);
  close (out_fd);
  return g_string_free (g_steal_pointer (&output), FALSE);
}

/* One store and its writer; the lanes run side by side so that 200 kills
 * (each paying a program start) stay well under a minute. */
typedef struct {
  char  *dir;
  char  *path;
  guint  kills;
  guint  kills_among_saves;
  guint  saves_reported;
} Lane;

#define N_LANES 4

static void
lane_create_store (Lane *lane)
{
  g_autoptr(KtStore) store = NULL;
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(KtConversation) conversation = kt_conversation_new ();
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };

  g_free (kase->header.id);
  kase->header.id = g_strdup (CASE_ID);
  kase->header.rev = 1;
  kase->household = g_strdup ("Familie");
  g_free (conversation->header.id);
  conversation->header.id = g_strdup (CONVERSATION_ID);
  conversation->header.rev = 1;
  conversation->case_id = g_strdup (CASE_ID);
  conversation->notes = g_strdup ("Begin.");

  store = store_open (lane->path);
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
  doc = (KtDocument) { .kind = KT_KIND_CONVERSATION, .conversation = conversation };
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
  g_assert_no_error (error);
}

static gpointer
lane_run (gpointer data)
{
  Lane *lane = data;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  Revs reported = { 1, 1 };

  g_assert_nonnull (self_exe);
  lane_create_store (lane);

  for (guint round = 0; round < lane->kills; round++)
    {
      /* Random moments: one kill in ten anywhere from start-up through
       * opening the store; the others a random moment after the first
       * save, among later saves and inside their commits. */
      gboolean during_open = g_random_int_range (0, 10) == 0;
      guint delay_us = during_open ? g_random_int_range (0, 150000) : g_random_int_range (0, 15000);
      g_autofree char *output = run_and_kill (self_exe, lane->path, !during_open, delay_us);
      g_autoptr(KtStore) store = NULL;
      g_autoptr(KtCase) loaded_case = NULL;
      g_autoptr(KtConversation) loaded_conversation = NULL;
      g_autoptr(GPtrArray) quarantined = NULL;
      g_autoptr(GError) error = NULL;
      Revs before = reported;

      parse_reports (output, &reported);
      lane->saves_reported += (reported.kase - before.kase) + (reported.conversation - before.conversation);
      lane->kills_among_saves += !during_open;

      store = store_open (lane->path);
      loaded_case = kt_store_load_case (store, CASE_ID, &error);
      g_assert_no_error (error);
      loaded_conversation = kt_store_load_conversation (store, CONVERSATION_ID, &error);
      g_assert_no_error (error);
      quarantined = kt_store_list_quarantined (store);
      g_assert_cmpuint (quarantined->len, ==, 0);
      /* A crash is not a rollback: the file is at or ahead of its counter. */
      g_assert_null (kt_store_get_check (store));

      /* At least what was reported; one more if the kill fell between the
       * commit and the report. */
      g_assert_cmpint (loaded_case->header.rev, >=, reported.kase);
      g_assert_cmpint (loaded_case->header.rev, <=, reported.kase + 1);
      g_assert_cmpint (loaded_conversation->header.rev, >=, reported.conversation);
      g_assert_cmpint (loaded_conversation->header.rev, <=, reported.conversation + 1);
      reported.kase = loaded_case->header.rev;
      reported.conversation = loaded_conversation->header.rev;
    }
  return NULL;
}

static void
test_crash_never_loses_a_committed_save (void)
{
  Lane lanes[N_LANES];
  GThread *threads[N_LANES];
  guint kills = 0, among_saves = 0, saves = 0;

  for (guint i = 0; i < N_LANES; i++)
    {
      lanes[i] = (Lane) { 0 };
      lanes[i].dir = kt_test_tmpdir_new ("kt-crash");
      lanes[i].path = g_build_filename (lanes[i].dir, "store.db", NULL);
      lanes[i].kills = n_kills / N_LANES + (i < n_kills % N_LANES);
      threads[i] = g_thread_new ("crash-lane", lane_run, &lanes[i]);
    }

  for (guint i = 0; i < N_LANES; i++)
    {
      g_thread_join (threads[i]);
      kills += lanes[i].kills;
      among_saves += lanes[i].kills_among_saves;
      saves += lanes[i].saves_reported;
      kt_test_tmpdir_free (lanes[i].dir);
      g_free (lanes[i].path);
    }

  g_test_message ("%u kills, %u of them among saves; %u saves reported", kills, among_saves, saves);
  g_assert_cmpuint (kills, ==, n_kills);
  /* Each kill among saves came after at least one reported save. */
  g_assert_cmpuint (saves, >=, among_saves);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--writer"))
    {
      g_assert_true (kt_core_init ());
      run_writer (argv[2]);
    }

  /* meson -Dlong_tests=true passes --long: 1,000 kills instead of 200. */
  if (argc > 1 && g_str_equal (argv[argc - 1], "--long"))
    {
      n_kills = 1000;
      argv[--argc] = NULL;
    }

  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());

  g_test_add_func ("/store/crash/never-loses-a-committed-save", test_crash_never_loses_a_committed_save);

  return g_test_run ();
}
