/* bench-store.c: the figures of issue #3
 *
 *  1. Saving a 30 KB conversation with full durability (WAL, fsync on every
 *     commit): median and p99 with encryption on and off in the same run,
 *     and their ratio.  Target: ratio <= 1.15, median <= 5 ms.
 *  2. Opening a store of 10,000 cases and listing their summaries.
 *     Target: <= 150 ms.  The open includes the check against the
 *     authenticated index (kt-store-index.c); the first open of a store
 *     from before the index, which builds it from every body, is timed
 *     too.
 *  Also: the Argon2id cost of one passphrase unlock at the chosen limits.
 *
 * Run it where the data will live (the default is $TMPDIR); inside
 * build-aux/test-session the 10,000-case store uses the keyring as the app
 * does, elsewhere a passphrase.
 *
 *   bench-store [--saves N] [--cases N] [--dir DIR] [--parts saves,listing,argon2,plan-stages,outbox-chunks]
 *
 * plan-stages: where each household's plan stands, read on the store's
 * worker for the case list after it is shown (N cases, a plan each).
 *
 * outbox-chunks: a confirmed chunk of 50 in the sync client's outbox with
 * N ids the server has (issue 22): the answers written and the state read
 * after them (the worker), then taken (the main loop), once reading every
 * known id again, as before the sixteenth session, and once only the
 * chunk's own ids, as now.
 *
 * The listing is timed three times in one process (the first builds the
 * summary cache), then three times more each in a process of its own,
 * which finds the cache the one before wrote: the app's first open and
 * list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-store"

#include "config.h"

#include <sodium.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "kt-core.h"
#include "kt-crypto.h"
#include "kt-outbox.h"
#include "kt-store-private.h"

static int n_saves = 400;
static int n_cases = 10000;
static char *base_dir = NULL;
static char *parts = NULL;
static gboolean typing = FALSE;
static gboolean unpadded = FALSE;
static gboolean encrypted_only = FALSE;
static gboolean default_vfs = FALSE;
static char *reopen = NULL;
static gboolean reopen_passphrase = FALSE;
static char *self_path = NULL;    /* this program, to start again */

static GOptionEntry entries[] = {
  { "saves", 0, 0, G_OPTION_ARG_INT, &n_saves, "Saves per mode", "N" },
  { "cases", 0, 0, G_OPTION_ARG_INT, &n_cases, "Cases in the listing store", "N" },
  { "dir", 0, 0, G_OPTION_ARG_FILENAME, &base_dir, "Where to put the stores", "DIR" },
  { "reopen", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &reopen,
    "Open and list the store at PATH once and exit (the listing part starts itself so)", "PATH" },
  { "reopen-passphrase", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &reopen_passphrase,
    "The store to reopen keeps its key behind a passphrase", NULL },
  { "parts", 0, 0, G_OPTION_ARG_STRING, &parts,
    "Only these, comma-separated (for profiling one): saves, listing, argon2, plan-stages, outbox-chunks", "LIST" },
  { "typing", 0, 0, G_OPTION_ARG_NONE, &typing,
    "Saves as while typing: each adds four characters to its conversation, and the encrypted "
    "and unencrypted saves each go to a conversation of their own", NULL },
  { "unpadded", 0, 0, G_OPTION_ARG_NONE, &unpadded,
    "Seal bodies without padding, as before version 2 of the sealed format", NULL },
  { "default-vfs", 0, 0, G_OPTION_ARG_NONE, &default_vfs,
    "SQLite's default VFS: each log frame written in two calls, as before", NULL },
  { "encrypted-only", 0, 0, G_OPTION_ARG_NONE, &encrypted_only,
    "Only the encrypted saves (for a profiler: no ratio, no floor)", NULL },
  { NULL }
};

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *ms,
            double  p)
{
  guint index;

  g_array_sort (ms, compare_doubles);
  index = MIN (ms->len - 1, (guint) (p * ms->len));
  return g_array_index (ms, double, index);
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* CPU time of this thread: on a shared, loaded machine it says more about
 * the code than the wall clock does. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* CPU time of the whole process: the store's own threads (the check at
 * open runs on one beside the listing) count as well. */
static double
process_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Minor page faults of the whole process so far: on the project's VM each
 * costs microseconds, which an instruction count does not show. */
static long
minor_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

static KtStore *
open_store (const char  *path,
            KtKeySource  source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtStore) store = kt_store_new (path);

  kt_store_set_pwhash_limits (store, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  if (!kt_store_open_sync (store, source, "bench", NULL, &error))
    {
      if (source == KT_KEY_SOURCE_KEYRING &&
          g_error_matches (error, KT_STORE_ERROR, KT_STORE_ERROR_NO_SECRET_SERVICE))
        return NULL;
      g_error ("Could not open the store: %s", error->message);
    }
  return g_steal_pointer (&store);
}

static char *
filler (int         n,
        const char *seed)
{
  GString *text = g_string_new (NULL);

  while ((int) text->len < n)
    g_string_append (text, seed);
  g_string_truncate (text, n);
  return g_string_free (text, FALSE);
}

/* A conversation with every domain filled in at length: about 30 KB. */
static KtConversation *
conversation_30k (void)
{
  static const char *domains[] = {
    "geldzaken", "werk", "wonen", "huishouden", "zelfzorg", "lichamelijk", "psychisch",
    "middelen", "relaties", "opvoeding", "netwerk", "meedoen", "veiligheid", "justitie",
  };
  KtConversation *conversation = kt_conversation_new ();

  conversation->case_id = kt_uuid_new ();
  conversation->date = g_strdup ("2026-11-25");
  for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
    {
      KtDomainEntry *entry = kt_domain_entry_new (domains[i]);

      entry->state = KT_DOMAIN_DISCUSSED;
      entry->going_well = filler (600, "Het lukt om elke week boodschappen te doen. ");
      entry->concern = filler (900, "Er liggen brieven van de woningcorporatie die niet open zijn. ");
      entry->wish = filler (400, "Weer rust in huis en overzicht over de rekeningen. ");
      entry->level = 3;
      entry->helpers = KT_HELPER_SELF | KT_HELPER_NETWORK;
      g_ptr_array_add (conversation->entries, entry);
    }
  conversation->own_words = filler (1500, "Ik wil gewoon weer slapen zonder zorgen. ");
  conversation->notes = filler (1500, "Vervolgafspraak over twee weken met de schuldhulp. ");
  return conversation;
}

/* The device's floor: the same bytes written and fdatasync'ed to a plain
 * file, which is what any durable save has to wait for. */
static void
bench_fsync_floor (const char *dir,
                   gsize       size)
{
  g_autofree char *path = g_build_filename (dir, "floor", NULL);
  g_autofree char *data = g_malloc0 (size);
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert (fd >= 0);
  for (int i = 0; i < n_saves; i++)
    {
      double start = now_ms ();
      double elapsed;

      if (pwrite (fd, data, size, (i % 64) * (off_t) size) != (ssize_t) size || fdatasync (fd) != 0)
        g_error ("write failed");
      elapsed = now_ms () - start;
      g_array_append_val (ms, elapsed);
    }
  close (fd);
  g_unlink (path);
  printf ("  device floor (pwrite + fdatasync of the same size): median %.3f ms   p99 %.3f ms\n",
          percentile (ms, 0.5), percentile (ms, 0.99));
}

static void
bench_saves (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "saves.db", NULL);
  g_autoptr(KtStore) store = open_store (path, KT_KEY_SOURCE_PASSPHRASE);
  g_autoptr(KtConversation) conversation = conversation_30k ();
  g_autoptr(KtConversation) plain_conversation = conversation_30k ();
  g_autoptr(GBytes) encoded = kt_conversation_encode (conversation);
  g_autoptr(GArray) on = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) off = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_on = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_off = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_CONVERSATION, .conversation = conversation };
  double med_on, med_off;

  kt_record_store_set_unpadded_for_test (kt_store_get_record_store (store), unpadded);
  /* Warm up, then alternate the modes so drift hits both alike.  Without
   * --typing one conversation is saved in both modes, as this bench
   * always did: its sealed size changes with every save. */
  for (int i = 0; i < 2 * n_saves + 20; i++)
    {
      gboolean plaintext = i % 2 == 1 && !encrypted_only;
      KtConversation *saved = typing && plaintext ? plain_conversation : conversation;
      double start, cpu_start, ms, cpu;

      kt_store_bench_set_plaintext (store, plaintext);
      saved->header.rev++;
      if (typing)
        {
          char *typed = g_strconcat (saved->notes, "abc ", NULL);

          g_free (saved->notes);
          saved->notes = typed;
        }
      doc.conversation = saved;
      start = now_ms ();
      cpu_start = cpu_ms ();
      if (!kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error))
        g_error ("Save failed: %s", error->message);
      ms = now_ms () - start;
      cpu = cpu_ms () - cpu_start;
      if (i >= 20)
        {
          g_array_append_val (plaintext ? off : on, ms);
          g_array_append_val (plaintext ? cpu_off : cpu_on, cpu);
        }
    }
  kt_store_bench_set_plaintext (store, FALSE);

  if (encrypted_only)
    {
      printf ("encrypted saves only: median %.3f ms, CPU %.3f ms\n",
              percentile (on, 0.5), percentile (cpu_on, 0.5));
      return;
    }
  med_on = percentile (on, 0.5);
  med_off = percentile (off, 0.5);
  printf ("save of a %.1f KB conversation, synchronous=FULL, %d saves per mode%s%s%s\n",
          g_bytes_get_size (encoded) / 1000.0, n_saves,
          typing ? ", typing (four characters a save, a conversation per mode)" : "",
          unpadded ? ", bodies not padded" : "",
          default_vfs ? ", SQLite's default VFS" : "");
  printf ("  encrypted:   median %.3f ms   p99 %.3f ms\n", med_on, percentile (on, 0.99));
  printf ("  unencrypted: median %.3f ms   p99 %.3f ms\n", med_off, percentile (off, 0.99));
  printf ("  ratio (median encrypted / unencrypted): %.3f\n", med_on / med_off);
  printf ("  CPU per save: encrypted %.3f ms, unencrypted %.3f ms (medians)\n",
          percentile (cpu_on, 0.5), percentile (cpu_off, 0.5));
  bench_fsync_floor (dir, g_bytes_get_size (encoded));
}

static void
bench_crypto_only (void)
{
  g_autoptr(KtConversation) conversation = conversation_30k ();
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autoptr(GBytes) ad = kt_crypto_record_ad (conversation->header.id, 1, 1, "body");
  g_autoptr(GArray) encode = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) seal = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < 200; i++)
    {
      double t0 = now_ms (), t1, t2;
      g_autoptr(GBytes) plain = kt_conversation_encode (conversation);
      g_autoptr(GBytes) sealed = NULL;

      t1 = now_ms ();
      sealed = kt_crypto_seal (key, ad, plain);
      t2 = now_ms ();
      t1 -= t0;
      t2 -= t0 + t1;
      g_array_append_val (encode, t1);
      g_array_append_val (seal, t2);
    }
  printf ("  of which: encoding %.3f ms, sealing %.3f ms (medians, no I/O)\n",
          percentile (encode, 0.5), percentile (seal, 0.5));
}

static KtCase *
case_for_listing (int i)
{
  KtCase *kase = kt_case_new ();

  kase->household = g_strdup_printf ("Familie %d", i);
  kase->address = g_strdup ("Kerkstraat 12, 1234 AB Ergens");
  kase->phone = g_strdup ("06-12345678");
  kase->request.date = g_strdup ("2026-11-01");
  kase->request.question = filler (600, "Wij komen niet meer rond en de kinderen hebben het zwaar. ");
  kase->request.own_strength = filler (300, "Oma past twee dagen per week op. ");
  kase->phase = i % KT_N_PHASES;
  kase->request.safety_concern = i % 17 == 0;
  for (int m = 0; m < 3; m++)
    {
      KtMember *member = kt_member_new ();
      member->name = g_strdup_printf ("Lid %d", m);
      member->birth_year = 1980 + m * 10;
      member->relation = g_strdup (m == 0 ? "zelf" : "kind");
      g_ptr_array_add (kase->members, member);
    }
  kt_case_compute_deadlines (kase, 42, 7);
  return kase;
}

/* One open and list of the store at @path, timed. */
static void
open_and_list (const char  *path,
               KtKeySource  source,
               const char  *what)
{
  g_autoptr(KtStore) store = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GError) error = NULL;
  double start, opened, listed, cpu_start, cpu_end, all_start, all_end;
  long faults_start;

  start = now_ms ();
  cpu_start = cpu_ms ();
  all_start = process_cpu_ms ();
  faults_start = minor_faults ();
  store = open_store (path, source);
  opened = now_ms ();
  summaries = kt_store_list_cases (store, &error);
  listed = now_ms ();
  cpu_end = cpu_ms ();
  all_end = process_cpu_ms ();
  g_assert_no_error (error);
  g_assert_cmpint (summaries->len, ==, n_cases);
  printf ("open (%s%s) + list %u cases%s: open %.1f ms, list %.1f ms, total %.1f ms (CPU %.1f ms, all threads %.1f ms, %ld page faults)\n",
          source == KT_KEY_SOURCE_KEYRING ? "keyring" : "passphrase",
          source == KT_KEY_SOURCE_KEYRING ? "" : ", Argon2 at minimum",
          summaries->len, what, opened - start, listed - opened, listed - start, cpu_end - cpu_start,
          all_end - all_start, minor_faults () - faults_start);
}

static void
bench_listing (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "cases.db", NULL);
  g_autoptr(KtStore) store = NULL;
  g_autoptr(GError) error = NULL;
  KtKeySource source = KT_KEY_SOURCE_KEYRING;
  double start, opened, cpu_start, cpu_end, all_start, all_end;

  store = open_store (path, source);
  if (store == NULL)
    {
      source = KT_KEY_SOURCE_PASSPHRASE;
      store = open_store (path, source);
    }

  /* Filling is not what is measured: no fsync per case here. */
  kt_record_store_bench_exec (kt_store_get_record_store (store), "PRAGMA synchronous = OFF");
  for (int i = 0; i < n_cases; i++)
    {
      g_autoptr(KtCase) kase = case_for_listing (i);
      KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };

      if (!kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error))
        g_error ("Save failed: %s", error->message);
    }
  g_clear_object (&store);

  for (int round = 0; round < 3; round++)
    open_and_list (path, source, "");

  /* The app's own case: a process whose memory is all fresh, and a cache
   * the run before wrote (the rounds above have one or the other). */
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *cases = g_strdup_printf ("--cases=%d", n_cases);
      const char *args[] = { self_path, "--reopen", path, cases,
                             source == KT_KEY_SOURCE_PASSPHRASE ? "--reopen-passphrase" : NULL,
                             NULL };
      int status = 0;

      fflush (stdout);
      if (!g_spawn_sync (NULL, (char **) args, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                         &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        g_error ("Could not open the store in a new process: %s", error->message);
    }

  /* The store as the version before the index left it: the next open
   * builds the index (once). */
  store = open_store (path, source);
  kt_record_store_bench_exec (kt_store_get_record_store (store),
                              "DROP TABLE record_index;"
                              "DELETE FROM meta WHERE key = 'index-root';"
                              "PRAGMA user_version = 3;");
  g_clear_object (&store);
  start = now_ms ();
  cpu_start = cpu_ms ();
  all_start = process_cpu_ms ();
  store = open_store (path, source);
  opened = now_ms ();
  cpu_end = cpu_ms ();
  all_end = process_cpu_ms ();
  printf ("first open of a store from before the index (builds it from %d bodies): %.1f ms (CPU %.1f ms, all threads %.1f ms)\n",
          n_cases, opened - start, cpu_end - cpu_start, all_end - all_start);
  g_clear_object (&store);
}

static void
on_plan_stages (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GHashTable **stages = user_data;
  g_autoptr(GError) error = NULL;

  *stages = kt_store_list_plan_stages_finish (KT_STORE (source), result, &error);
  g_assert_no_error (error);
}

static void
bench_plan_stages (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "plans.db", NULL);
  g_autoptr(KtStore) store = NULL;
  g_autoptr(GError) error = NULL;
  KtKeySource source = KT_KEY_SOURCE_KEYRING;

  store = open_store (path, source);
  if (store == NULL)
    {
      source = KT_KEY_SOURCE_PASSPHRASE;
      store = open_store (path, source);
    }
  kt_record_store_bench_exec (kt_store_get_record_store (store), "PRAGMA synchronous = OFF");
  for (int i = 0; i < n_cases; i++)
    {
      g_autoptr(KtCase) kase = case_for_listing (i);
      g_autoptr(KtPlan) plan = kt_plan_new ();
      KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };

      if (!kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error))
        g_error ("Save failed: %s", error->message);
      plan->case_id = g_strdup (kase->header.id);
      plan->version = 1;
      plan->review = i % 3 == 0 ? KT_REVIEW_APPROVED : KT_REVIEW_SUBMITTED;
      plan->question = g_strdup ("Weer rondkomen en de post bijhouden.");
      doc = (KtDocument) { .kind = KT_KIND_PLAN, .plan = plan };
      if (!kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error))
        g_error ("Save failed: %s", error->message);
    }
  g_clear_object (&store);

  store = open_store (path, source);
  for (int round = 0; round < 3; round++)
    {
      g_autoptr(GHashTable) stages = NULL;
      double start = now_ms ();
      double all_start = process_cpu_ms ();

      kt_store_list_plan_stages_async (store, NULL, on_plan_stages, &stages);
      while (stages == NULL)
        g_main_context_iteration (NULL, TRUE);
      printf ("plan stages of %u households (a plan each, on the worker): %.1f ms (all threads' CPU %.1f ms)\n",
              g_hash_table_size (stages), now_ms () - start, process_cpu_ms () - all_start);
    }
}

#define CHUNK 50
#define N_CHUNKS 30

/* One sync round's chunk as KtSyncClient's push settles it: @rev of
 * CHUNK known records queued and frozen, then confirmed one by one. */
static GPtrArray *
queue_chunk (KtOutbox *outbox,
             guint     first,
             gint64    rev)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  for (guint i = 0; i < CHUNK; i++)
    {
      g_autoptr(KtSyncRecord) record = kt_sync_record_new ();

      record->id = g_strdup_printf ("case-%05u", (first + i) % n_cases);
      record->kind = KT_KIND_CASE;
      record->rev = rev;
      record->body = g_bytes_new_static ("{}", 2);
      if (!kt_outbox_add (outbox, record, &error))
        g_error ("%s", error->message);
    }
  entries = kt_outbox_peek (outbox, CHUNK, NULL, &error);
  if (entries == NULL || !kt_outbox_freeze_all (outbox, entries, &error))
    g_error ("%s", error->message);
  return entries;
}

static void
bench_outbox_chunks (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "outbox.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtOutbox) outbox = NULL;
  g_autoptr(KtOutboxKnown) known = kt_outbox_known_new ();
  g_autoptr(GHashTable) whole = NULL;     /* before: the newest full read's set */
  g_autoptr(KtOutboxState) state = NULL;
  guint8 key[KT_OUTBOX_KEY_SIZE];
  gint64 rev = 2;

  randombytes_buf (key, sizeof key);
  outbox = kt_outbox_open (path, key, &error);
  if (outbox == NULL)
    g_error ("%s", error->message);
  /* The server has every case: pulled in pages of 500. */
  for (int first = 0; first < n_cases; first += 500)
    {
      g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sync_record_free);

      for (int i = first; i < MIN (first + 500, n_cases); i++)
        {
          KtSyncRecord *record = kt_sync_record_new ();

          record->id = g_strdup_printf ("case-%05d", i);
          record->rev = 1;
          g_ptr_array_add (page, record);
        }
      if (!kt_outbox_advance_pull (outbox, page, "c", &error))
        g_error ("%s", error->message);
    }
  state = kt_outbox_read_state (outbox, TRUE, &error);
  whole = g_hash_table_ref (state->known);
  kt_outbox_known_take (known, state);
  g_clear_pointer (&state, kt_outbox_state_free);

  for (int changes_only = 0; changes_only < 2; changes_only++)
    {
      g_autoptr(GArray) worker = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) read = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) read_cpu = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint chunk = 0; chunk < N_CHUNKS; chunk++, rev++)
        {
          g_autoptr(GPtrArray) entries = queue_chunk (outbox, chunk * CHUNK, rev);
          g_autoptr(GPtrArray) ids = g_ptr_array_new ();
          double start, confirmed, was_read, done, cpu_start;

          start = now_ms ();
          for (guint i = 0; i < entries->len; i++)
            {
              KtOutboxEntry *entry = g_ptr_array_index (entries, i);

              if (!kt_outbox_confirm (outbox, entry->seq, &error))
                g_error ("%s", error->message);
              g_ptr_array_add (ids, entry->record->id);
            }
          confirmed = now_ms ();
          cpu_start = cpu_ms ();
          state = changes_only ? kt_outbox_read_state_after (outbox, ids, &error)
                               : kt_outbox_read_state (outbox, TRUE, &error);
          if (state == NULL)
            g_error ("%s", error->message);
          was_read = now_ms ();
          {
            double cpu = cpu_ms () - cpu_start;

            g_array_append_val (read_cpu, cpu);
          }
          if (changes_only)
            kt_outbox_known_take (known, state);
          else
            {
              /* What take_state () did before: the newest set replaced
               * the one before, freed on the main loop. */
              g_clear_pointer (&whole, g_hash_table_unref);
              whole = g_steal_pointer (&state->known);
            }
          g_clear_pointer (&state, kt_outbox_state_free);
          done = now_ms ();
          {
            double worker_ms = was_read - start;
            double read_ms = was_read - confirmed;
            double taken_ms = done - was_read;

            g_array_append_val (worker, worker_ms);
            g_array_append_val (read, read_ms);
            g_array_append_val (taken, taken_ms);
          }
        }
      printf ("a confirmed chunk of %d with %d known ids, %s (%d chunks): "
              "worker (answers written and state read) median %.2f ms, max %.2f ms; "
              "of which the state read median %.2f ms (its CPU %.2f ms); main loop (state taken) median %.3f ms, max %.3f ms\n",
              CHUNK, n_cases, changes_only ? "only the chunk's ids read" : "every known id read again",
              N_CHUNKS, percentile (worker, 0.5), percentile (worker, 1.0), percentile (read, 0.5),
              percentile (read_cpu, 0.5), percentile (taken, 0.5), percentile (taken, 1.0));
    }
  for (int i = 0; i < n_cases; i += 997)
    {
      g_autofree char *id = g_strdup_printf ("case-%05d", i);

      g_assert_true (kt_outbox_known_contains (known, id));
    }
}

static void
bench_argon2 (void)
{
  g_autoptr(KtKey) key = kt_key_new_random ();
  double start = now_ms ();
  g_autoptr(GBytes) wrapped = kt_crypto_wrap_key (key, "een lange zin als wachtwoord",
                                                  KT_PWHASH_OPSLIMIT, KT_PWHASH_MEMLIMIT);

  g_assert_nonnull (wrapped);
  printf ("Argon2id at the chosen limits (%llu passes, %llu MiB): %.0f ms per unlock\n",
          (unsigned long long) KT_PWHASH_OPSLIMIT,
          (unsigned long long) (KT_PWHASH_MEMLIMIT / (1024 * 1024)), now_ms () - start);
}

/* The stores are flat: files only. */
static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static gboolean
wanted (const char *part)
{
  g_auto(GStrv) names = NULL;

  if (parts == NULL)
    return TRUE;
  names = g_strsplit (parts, ",", -1);
  return g_strv_contains ((const char * const *) names, part);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- store benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  /* argv[0], not /proc/self/exe: valgrind follows an exec of the one
   * (--trace-children) but cannot start the other. */
  self_path = g_find_program_in_path (argv[0]);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  kt_record_store_bench_use_default_vfs (default_vfs);
  if (!kt_core_init ())
    return EXIT_FAILURE;

  if (reopen != NULL)
    {
      open_and_list (reopen, reopen_passphrase ? KT_KEY_SOURCE_PASSPHRASE : KT_KEY_SOURCE_KEYRING,
                     " in a fresh process");
      return EXIT_SUCCESS;
    }

  dir = base_dir != NULL
        ? g_build_filename (base_dir, "kt-bench-XXXXXX", NULL)
        : g_build_filename (g_get_tmp_dir (), "kt-bench-XXXXXX", NULL);
  if (g_mkdtemp (dir) == NULL)
    g_error ("Could not make %s", dir);

  if (wanted ("saves"))
    {
      bench_saves (dir);
      bench_crypto_only ();
    }
  if (wanted ("listing"))
    bench_listing (dir);
  if (wanted ("argon2"))
    bench_argon2 ();
  if (parts != NULL && wanted ("plan-stages"))
    bench_plan_stages (dir);
  if (parts != NULL && wanted ("outbox-chunks"))
    bench_outbox_chunks (dir);

  remove_dir (dir);
  return EXIT_SUCCESS;
}
