/* kt-store.c: KtStore, the encrypted local store of one user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-store"

#include "config.h"

#include "kt-store.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "kt-huge-buffer-private.h"
#include "kt-keyring.h"
#include "kt-store-private.h"

#define META_STORE_ID    "store-id"
#define META_KEY_SOURCE  "key-source"
#define META_WRAPPED_KEY "wrapped-key"
#define META_KEY_CHECK   "key-check"
/* The unlock secrets' Argon2id verifiers, sealed with the data key; the
 * lock marker and the count of wrong tries are plain (no client data). */
#define META_UNLOCK_PIN      "unlock-pin"
#define META_UNLOCK_PASSWORD "unlock-password"
#define META_LOCKED          "locked"
#define META_UNLOCK_FAILURES "unlock-failures"

#define DEFAULT_AUTOSAVE_DELAY_MS 500
/* How often, at most, the counter outside the file follows the commits
 * (see "The counter outside the file" below). */
#define DEFAULT_MARK_INTERVAL_MS 10000
#define RETRY_DELAY_MIN_MS 1000
#define RETRY_DELAY_MAX_MS 30000

/* A document with changes not yet committed.  Main thread only. */
typedef struct {
  KtKind   kind;
  gpointer doc;              /* a reference to the live KtCase / KtConversation / KtPlan */
  gboolean dirty;            /* changed since it was last encoded */
  gboolean in_flight;        /* an encoded copy is on the worker */
  gint64   uncommitted_rev;  /* rev given to a write that has not committed, or 0 */
} Pending;

/* Encoded records on their way through the worker.  The worker sees only
 * bytes, never the live documents. */
typedef struct {
  KtStore   *store;          /* strong */
  GPtrArray *records;        /* (element-type KtRecord) */
  GPtrArray *errors;         /* GError or NULL per record, set by the worker */
  GTask     *task;           /* a flush_async waiting on this batch, or NULL */
  gboolean   direct;         /* kt_store_save_documents_async: not drafts, sync state set */
  /* kt_store_set_sync_state_async: one record's state, after the records
   * before it on the worker, so that states and saves land in order. */
  char       *mark_id;
  KtSyncState mark_state;
  gint64      mark_rev;
  GError     *mark_error;
} Batch;

struct _KtStore
{
  GObject        parent_instance;

  char          *path;
  KtRecordStore *records;        /* NULL until opened */
  KtKeySource    source;
  char          *store_id;
  GMainContext  *context;        /* where signals and timers run */
  gboolean       idle_locked;

  /* Wrong passphrases: counted in memory only. */
  guint          failed_attempts;
  gint64         next_attempt_at;   /* monotonic µs */
  guint          attempt_delay_unit_ms;
  guint64        pwhash_ops;
  guint64        pwhash_mem;

  /* Autosave */
  GHashTable    *pending;        /* id → Pending */
  GSource       *save_source;
  guint          autosave_delay_ms;
  guint          retry_delay_ms;
  GThreadPool   *worker;         /* one thread: batches commit in order */
  GMutex         batch_mutex;
  GCond          batch_cond;
  guint          batches_in_flight;
  GQueue         completed;      /* Batch, done by the worker, not yet handled */
  GSource       *dispatch_source;
  /* Reads on a worker (WorkerRead, unowned): a commit of a record they
   * read while they read makes them stale. */
  GList         *reads;

  /* The check at open, and the counter kept outside the file */
  KtStoreCheck  *check;          /* what the last open found; NULL when all was well */
  GMutex         mark_mutex;     /* one mark write at a time, in order */
  GThreadPool   *mark_worker;
  guint64        mark_written;   /* the highest counter written outside the file */
  guint          mark_interval_ms;
  GSource       *mark_source;
  /* What unlocks an idle lock besides the keyring or passphrase: Argon2id
   * verifiers (crypto_pwhash_str), read from the sealed metadata while the
   * key was there and kept for the lock. */
  char          *pin_verifier;
  char          *password_verifier;
  gboolean       left_locked;    /* the file says it was locked when closed */

  /* Idle lock */
  guint          idle_timeout_s;
  gint64         last_touch;     /* monotonic µs */
  GSource       *idle_source;
};

G_DEFINE_FINAL_TYPE (KtStore, kt_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SAVE_FAILED,
  LOCKED,
  UNLOCKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_save (KtStore *self, guint delay_ms);
static void write_mark_sync  (KtStore *self);
static void write_mark_async (KtStore *self);
static void note_commit      (KtStore *self);
static void worker_run    (gpointer data, gpointer user_data);
static void mark_worker_run (gpointer data, gpointer user_data);

/* The summaries of one listing are carved one after the other from
 * slabs (kt-huge-buffer-private.h): made one by one with g_malloc(), the
 * 10,000 of a fresh process took 240 page faults, about 3 ms of its first
 * listing on the project's VM, and as many calls to malloc and free.  A
 * slab is freed with the last summary carved from it; the app frees the
 * whole list at once, after it has made its rows. */
typedef struct {
  gint    ref_count;  /* its summaries, and the listing while it carves */
  guint8 *memory;
  gsize   size;
  gsize   used;
} SummarySlab;

/* Before each summary: its slab, or NULL when it is a block of its own.
 * Sixteen bytes keep the summary aligned as malloc's blocks are. */
typedef struct {
  SummarySlab *slab;
  gpointer     padding;
} SummaryHead;

/* Room for one summary of the case list: head, the struct, an id, a
 * household's name and a date. */
#define SUMMARY_ROOM 160

static SummarySlab *
summary_slab_new (gsize size)
{
  SummarySlab *slab = g_new0 (SummarySlab, 1);

  slab->ref_count = 1;
  slab->size = size;
  slab->memory = kt_huge_buffer_alloc (size);
  return slab;
}

static void
summary_slab_unref (SummarySlab *slab)
{
  if (!g_atomic_int_dec_and_test (&slab->ref_count))
    return;
  kt_huge_buffer_free (slab->memory, slab->size);
  g_free (slab);
}

/* A block of @size bytes for one summary, from @slab when it has room. */
static KtCaseSummary *
summary_alloc (SummarySlab *slab,
               gsize        size)
{
  SummaryHead *head;

  size = (sizeof *head + size + 15) & ~(gsize) 15;
  if (slab != NULL && slab->size - slab->used >= size)
    {
      head = (SummaryHead *) (slab->memory + slab->used);
      slab->used += size;
      g_atomic_int_inc (&slab->ref_count);
      head->slab = slab;
    }
  else
    {
      head = g_malloc (size);
      head->slab = NULL;
    }
  return (KtCaseSummary *) (head + 1);
}

void
kt_case_summary_free (KtCaseSummary *summary)
{
  SummaryHead *head;

  if (summary == NULL)
    return;
  /* The store makes each summary one block, its strings inside it. */
  head = (SummaryHead *) summary - 1;
  if (head->slab != NULL)
    summary_slab_unref (head->slab);
  else
    g_free (head);
}

void
kt_record_finding_free (KtRecordFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->id);
  g_free (finding);
}

KtStoreCheck *
kt_store_check_new (void)
{
  KtStoreCheck *check = g_new0 (KtStoreCheck, 1);

  check->records = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_record_finding_free);
  return check;
}

void
kt_store_check_free (KtStoreCheck *check)
{
  if (check == NULL)
    return;
  g_ptr_array_unref (check->records);
  g_free (check);
}

gboolean
kt_store_check_is_clean (const KtStoreCheck *check)
{
  return check == NULL ||
         (check->records->len == 0 && !check->store_older && !check->index_changed);
}

char *
kt_store_check_describe (const KtStoreCheck *check)
{
  GString *text = g_string_new (NULL);
  guint n = check->records->len;

  if (n > 0)
    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "%u record on this device is not the one Keukentafel saved last: an older copy was put back, or it was changed or removed outside Keukentafel. It has been set aside; everything else opens as usual.",
                                         "%u records on this device are not the ones Keukentafel saved last: older copies were put back, or they were changed or removed outside Keukentafel. They have been set aside; everything else opens as usual.",
                                         n),
                            n);
  if (check->store_older)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, _("The data on this device is older than the last time Keukentafel saved it: an older copy of the data file was put back. Work saved after that copy was made may be missing."));
    }
  else if (check->index_changed)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, _("Some records on this device were put back from an older copy or removed outside Keukentafel; Keukentafel cannot tell which."));
    }
  if (text->len > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append (text, _("If you did not restore a backup yourself, tell your administrator."));
    }
  return g_string_free (text, FALSE);
}

/* Documents: the three kinds behind one set of helpers */

static KtRecordHeader *
doc_header (gpointer doc)
{
  /* Every document embeds its header as the first member. */
  return doc;
}

static gpointer
doc_ref (KtKind   kind,
         gpointer doc)
{
  switch (kind)
    {
    case KT_KIND_CASE:         return kt_case_ref (doc);
    case KT_KIND_CONVERSATION: return kt_conversation_ref (doc);
    case KT_KIND_PLAN:         return kt_plan_ref (doc);
    default:                   g_assert_not_reached ();
    }
}

static void
doc_unref (KtKind   kind,
           gpointer doc)
{
  switch (kind)
    {
    case KT_KIND_CASE:         kt_case_unref (doc); break;
    case KT_KIND_CONVERSATION: kt_conversation_unref (doc); break;
    case KT_KIND_PLAN:         kt_plan_unref (doc); break;
    default:                   g_assert_not_reached ();
    }
}

static const char *
doc_case_id (KtKind   kind,
             gpointer doc)
{
  switch (kind)
    {
    case KT_KIND_CONVERSATION: return ((KtConversation *) doc)->case_id;
    case KT_KIND_PLAN:         return ((KtPlan *) doc)->case_id;
    default:                   return NULL;
    }
}

/* The due field holds "<kind> <date>" (kt_due_kind_to_string), or the bare
 * date as summaries before the due kinds had it; the kind of those is
 * guessed from the phase when they are read. */
GBytes *
kt_case_summary_encode (const KtCase *kase)
{
  g_autoptr(GVariant) summary = NULL;
  KtDue due = kt_case_next_due (kase, NULL);
  g_autofree char *due_text = g_strdup_printf ("%s %s", kt_due_kind_to_string (due.kind),
                                               due.date != NULL ? due.date : "");

  summary = g_variant_ref_sink (g_variant_new ("(subs)",
                                               kase->household != NULL ? kase->household : "",
                                               (guint32) kase->phase,
                                               kase->request.safety_concern,
                                               due_text));
  return g_variant_get_data_as_bytes (summary);
}

/* kt_date_is_valid(), first without its sscanf() for the one form this
 * store writes, YYYY-MM-DD in digits: a tenth of the work of listing. */
static gboolean
deadline_is_valid (const char *date)
{
  static const char shape[] = "0000-00-00";

  for (guint i = 0; i < sizeof shape - 1; i++)
    {
      if (shape[i] == '0' ? !g_ascii_isdigit (date[i]) : date[i] != '-')
        return kt_date_is_valid (date);
    }
  if (date[sizeof shape - 1] != '\0')
    return kt_date_is_valid (date);
  return g_date_valid_dmy ((date[8] - '0') * 10 + (date[9] - '0'),
                           (date[5] - '0') * 10 + (date[6] - '0'),
                           ((date[0] - '0') * 10 + (date[1] - '0')) * 100 +
                           (date[2] - '0') * 10 + (date[3] - '0'));
}

static KtCaseSummary *
summary_new (SummarySlab *slab,
             const char  *id,
             gint64       updated,
             const char  *household,
             guint32      phase,
             gboolean     safety,
             const char  *deadline)
{
  const char *space = strchr (deadline, ' ');
  gsize id_size = strlen (id) + 1;
  gsize household_size = strlen (household) + 1;
  gsize deadline_size;
  KtCaseSummary *summary;
  char *text;

  /* One block with its strings after it, not four: for a list of 10,000
   * that is 30,000 fewer allocations on the listing's thread and frees on
   * the main thread's, and less for the allocator to keep. */
  deadline_size = strlen (space != NULL ? space + 1 : deadline) + 1;
  /* Every field is set below: g_malloc0() cost twice as much. */
  summary = summary_alloc (slab, sizeof *summary + id_size + household_size + deadline_size);
  text = (char *) (summary + 1);
  summary->id = memcpy (text, id, id_size);
  summary->household = memcpy (text + id_size, household, household_size);
  text += id_size + household_size;
  summary->phase = phase < KT_N_PHASES ? phase : KT_PHASE_REGISTERED;
  summary->next_due = KT_DUE_NONE;
  if (space != NULL)
    {
      char kind[32];

      if (space - deadline >= (gssize) sizeof kind ||
          (memcpy (kind, deadline, space - deadline), kind[space - deadline] = '\0',
           !kt_due_kind_from_string (kind, &summary->next_due)))
        summary->next_due = KT_DUE_NONE;
      deadline = space + 1;
    }
  else if (deadline[0] != '\0')
    summary->next_due = summary->phase <= KT_PHASE_CONVERSATION ? KT_DUE_CONVERSATION
                      : summary->phase == KT_PHASE_PLAN ? KT_DUE_PLAN
                      : summary->phase <= KT_PHASE_EVALUATION ? KT_DUE_EVALUATION
                      : KT_DUE_FOLLOW_UP;
  summary->next_deadline = deadline_is_valid (deadline) ? memcpy (text, deadline, deadline_size) : NULL;
  summary->safety_concern = safety;
  summary->updated = updated;
  return summary;
}

/* A string of @data from @start to @end, its NUL the last byte, none
 * before it, and UTF-8: what GVariant asks of an "s". */
static const char *
serialised_string (const guint8 *data,
                   gsize         start,
                   gsize         end)
{
  const char *text = (const char *) data + start;

  if (end <= start || data[end - 1] != '\0' || memchr (text, '\0', end - start - 1) != NULL ||
      !g_utf8_validate (text, end - start - 1, NULL))
    return NULL;
  return text;
}

/* Reads the "(subs)" of kt_case_summary_encode() straight from its
 * serialised bytes, as the GVariant specification lays a tuple out: the
 * first string, the u32 at the next multiple of 4, the boolean byte, the
 * last string up to the framing offset at the end, which gives where the
 * first string ends (1, 2 or 4 bytes, little-endian, by the size of the
 * whole).  g_variant_get() costs 18,000 instructions a case here, more
 * than all else the list does; FALSE for anything not so laid out, which
 * then takes that way. */
static gboolean
summary_parse (const guint8  *data,
               gsize          size,
               const char   **household,
               guint32       *phase,
               gboolean      *safety,
               const char   **deadline)
{
  gsize offset_size = size > G_MAXUINT16 ? 4 : size > G_MAXUINT8 ? 2 : 1;
  gsize first_end = 0, number, last_start, last_end;

  if (size < offset_size + 1 || size > G_MAXUINT32)
    return FALSE;
  last_end = size - offset_size;
  for (gsize i = 0; i < offset_size; i++)
    first_end |= (gsize) data[last_end + i] << (8 * i);
  number = (first_end + 3) & ~(gsize) 3;
  last_start = number + 5;
  if (first_end == 0 || last_start > last_end || data[number + 4] > 1)
    return FALSE;
  *household = serialised_string (data, 0, first_end);
  *deadline = serialised_string (data, last_start, last_end);
  if (*household == NULL || *deadline == NULL)
    return FALSE;
  memcpy (phase, data + number, sizeof *phase);
  *safety = data[number + 4];
  return TRUE;
}

static KtCaseSummary *
summary_decode (SummarySlab  *slab,
                const char   *id,
                gint64        updated,
                const guint8 *data,
                gsize         size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) variant = NULL;
  const char *household, *deadline;
  guint32 phase;
  gboolean safety;

  if (summary_parse (data, size, &household, &phase, &safety, &deadline))
    return summary_new (slab, id, updated, household, phase, safety, deadline);

  bytes = g_bytes_new (data, size);
  variant = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("(subs)"), bytes, FALSE));
  g_variant_get (variant, "(&sub&s)", &household, &phase, &safety, &deadline);
  return summary_new (slab, id, updated, household, phase, safety, deadline);
}

KtCaseSummary *
kt_case_summary_decode (const char *id,
                        gint64      updated,
                        GBytes     *bytes)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);

  return summary_decode (NULL, id, updated, data != NULL ? data : (const guint8 *) "", size);
}

/* A plan's summary: its version and review, "(ii)", so that the case
 * list knows where each household's plan stands without opening it. */
static GBytes *
plan_summary_encode (const KtPlan *plan)
{
  g_autoptr(GVariant) summary = g_variant_ref_sink (g_variant_new ("(ii)", (gint32) plan->version,
                                                                   (gint32) plan->review));

  return g_variant_get_data_as_bytes (summary);
}

/* The record for @doc as it is now: encoded on the calling thread. */
static KtRecord *
record_from_doc (KtKind   kind,
                 gpointer doc)
{
  KtRecordHeader *header = doc_header (doc);
  KtRecord *record = kt_record_new ();

  record->id = g_strdup (header->id);
  record->kind = kind;
  record->rev = header->rev;
  record->case_id = g_strdup (doc_case_id (kind, doc));
  record->created = header->created;
  record->updated = header->updated;
  record->sync_state = KT_SYNC_LOCAL;
  switch (kind)
    {
    case KT_KIND_CASE:
      record->body = kt_case_encode (doc);
      record->summary = kt_case_summary_encode (doc);
      break;
    case KT_KIND_CONVERSATION:
      record->body = kt_conversation_encode (doc);
      break;
    case KT_KIND_PLAN:
      record->body = kt_plan_encode (doc);
      record->summary = plan_summary_encode (doc);
      break;
    default:
      g_assert_not_reached ();
    }
  return record;
}

static gpointer
document_pointer (const KtDocument *doc)
{
  switch (doc->kind)
    {
    case KT_KIND_CASE:         return doc->kase;
    case KT_KIND_CONVERSATION: return doc->conversation;
    case KT_KIND_PLAN:         return doc->plan;
    default:                   return NULL;
    }
}

/* Errors */

static void
set_locked_error (GError **error)
{
  g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED,
                       _("The data is locked. Unlock it to continue."));
}

static gboolean
check_open (KtStore  *self,
            GError  **error)
{
  if (self->records != NULL && !self->idle_locked)
    return TRUE;
  set_locked_error (error);
  return FALSE;
}

/* GObject */

static void
kt_store_dispose (GObject *object)
{
  KtStore *self = KT_STORE (object);
  g_autoptr(GError) error = NULL;

  if (self->records != NULL && !kt_store_flush (self, &error))
    g_message ("Unsaved changes could not be written at exit: %s", error->message);
  /* A listing's new summary cache that no worker wrote yet. */
  if (self->records != NULL)
    kt_record_store_write_summary_cache (self->records, NULL);
  if (self->mark_worker != NULL)
    g_thread_pool_free (g_steal_pointer (&self->mark_worker), FALSE, TRUE);
  if (self->records != NULL && !self->idle_locked)
    write_mark_sync (self);
  if (self->mark_source != NULL)
    g_source_destroy (self->mark_source);
  g_clear_pointer (&self->mark_source, g_source_unref);

  if (self->worker != NULL)
    g_thread_pool_free (g_steal_pointer (&self->worker), FALSE, TRUE);
  if (self->save_source != NULL)
    g_source_destroy (self->save_source);
  g_clear_pointer (&self->save_source, g_source_unref);
  if (self->idle_source != NULL)
    g_source_destroy (self->idle_source);
  g_clear_pointer (&self->idle_source, g_source_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (kt_store_parent_class)->dispose (object);
}

static void
kt_store_finalize (GObject *object)
{
  KtStore *self = KT_STORE (object);

  g_clear_pointer (&self->records, kt_record_store_close);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->batch_mutex);
  g_cond_clear (&self->batch_cond);
  g_mutex_clear (&self->mark_mutex);
  g_clear_pointer (&self->check, kt_store_check_free);
  g_free (self->store_id);
  g_free (self->path);
  g_free (self->pin_verifier);
  g_free (self->password_verifier);

  G_OBJECT_CLASS (kt_store_parent_class)->finalize (object);
}

static void
kt_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  KtStore *self = KT_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  KtStore *self = KT_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_store_class_init (KtStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kt_store_dispose;
  object_class->finalize = kt_store_finalize;
  object_class->get_property = kt_store_get_property;
  object_class->set_property = kt_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::save-failed (id, error): a write failed; the change stays in memory
   * and is tried again. */
  signals[SAVE_FAILED] =
    g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
  /* ::locked: the key has left memory; every draft was written first. */
  signals[LOCKED] =
    g_signal_new ("locked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[UNLOCKED] =
    g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  doc_unref (pending->kind, pending->doc);
  g_free (pending);
}

static void
kt_store_init (KtStore *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->attempt_delay_unit_ms = 1000;
  self->pwhash_ops = KT_PWHASH_OPSLIMIT;
  self->pwhash_mem = KT_PWHASH_MEMLIMIT;
  self->autosave_delay_ms = DEFAULT_AUTOSAVE_DELAY_MS;
  self->retry_delay_ms = RETRY_DELAY_MIN_MS;
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, pending_free);
  g_mutex_init (&self->batch_mutex);
  g_cond_init (&self->batch_cond);
  g_mutex_init (&self->mark_mutex);
  self->mark_interval_ms = DEFAULT_MARK_INTERVAL_MS;
  self->mark_worker = g_thread_pool_new (mark_worker_run, self, 1, FALSE, NULL);
  self->worker = g_thread_pool_new (worker_run, self, 1, FALSE, NULL);
  g_queue_init (&self->completed);
}

KtStore *
kt_store_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (KT_TYPE_STORE, "path", path, NULL);
}

const char *
kt_store_get_path (KtStore *self)
{
  g_return_val_if_fail (KT_IS_STORE (self), NULL);

  return self->path;
}

gboolean
kt_store_exists (KtStore *self)
{
  GStatBuf buf;

  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  return g_stat (self->path, &buf) == 0 && buf.st_size > 0;
}

KtKeySource
kt_store_get_key_source (KtStore *self)
{
  g_return_val_if_fail (KT_IS_STORE (self), KT_KEY_SOURCE_KEYRING);

  return self->source;
}

gboolean
kt_store_is_locked (KtStore *self)
{
  g_return_val_if_fail (KT_IS_STORE (self), TRUE);

  return self->records == NULL || self->idle_locked;
}

void
kt_store_set_pwhash_limits (KtStore *self,
                            guint64  opslimit,
                            guint64  memlimit)
{
  self->pwhash_ops = opslimit;
  self->pwhash_mem = memlimit;
}

void
kt_store_set_attempt_delay_unit (KtStore *self,
                                 guint    milliseconds)
{
  self->attempt_delay_unit_ms = milliseconds;
}

void
kt_store_set_autosave_delay (KtStore *self,
                             guint    milliseconds)
{
  self->autosave_delay_ms = milliseconds;
}

void
kt_store_set_mark_interval (KtStore *self,
                            guint    milliseconds)
{
  self->mark_interval_ms = milliseconds;
}

KtRecordStore *
kt_store_get_record_store (KtStore *self)
{
  return self->records;
}

#ifdef KT_BENCH_NO_ENCRYPTION_SWITCH
void
kt_store_bench_set_plaintext (KtStore  *self,
                              gboolean  plaintext)
{
  kt_record_store_bench_set_plaintext (self->records, plaintext);
}
#endif

/* Keys */

static GBytes *
key_check_ad (const char *store_id)
{
  return kt_crypto_record_ad (store_id, -1, 0, "key-check");
}

/* A sealed empty text that tells, on open, whether a key fits this file. */
static GBytes *
key_check_new (const char  *store_id,
               const KtKey *key)
{
  g_autoptr(GBytes) ad = key_check_ad (store_id);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  return kt_crypto_seal (key, ad, empty);
}

static gboolean
key_fits (KtStore     *self,
          const KtKey *key)
{
  g_autoptr(GBytes) check = kt_record_store_get_meta (self->records, META_KEY_CHECK);
  g_autoptr(GBytes) ad = key_check_ad (self->store_id);
  g_autoptr(GBytes) plain = NULL;

  if (check == NULL)
    return FALSE;
  plain = kt_crypto_open (key, ad, check);
  return plain != NULL;
}

static void
set_key_missing_error (GError **error)
{
  g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_KEY_MISSING,
                       _("The key for the data on this device is missing. Nothing has been changed; ask your administrator to restore the keyring."));
}

static guint
attempt_delay_ms (KtStore *self)
{
  guint units = 0;

  /* 0, 1, 2, 4, 8 … units after the first, second, third … failure. */
  if (self->failed_attempts > 1)
    units = 1u << MIN (self->failed_attempts - 2, 5);
  return MIN (units, KT_STORE_MAX_ATTEMPT_DELAY) * self->attempt_delay_unit_ms;
}

/* The data key from the wrapped key in the file and @passphrase. */
static KtKey *
unwrap_key (KtStore     *self,
            const char  *passphrase,
            GError     **error)
{
  g_autoptr(GBytes) wrapped = kt_record_store_get_meta (self->records, META_WRAPPED_KEY);
  gint64 now = g_get_monotonic_time ();
  KtUnwrapResult result;
  KtKey *key;

  if (now < self->next_attempt_at)
    {
      int seconds = (self->next_attempt_at - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
      g_set_error (error, KT_STORE_ERROR, KT_STORE_ERROR_TOO_MANY_ATTEMPTS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Wait %d second before trying again.",
                                "Wait %d seconds before trying again.", seconds),
                   seconds);
      return NULL;
    }

  if (wrapped == NULL)
    {
      set_key_missing_error (error);
      return NULL;
    }

  key = kt_crypto_unwrap_key (wrapped, passphrase != NULL ? passphrase : "", &result);
  switch (result)
    {
    case KT_UNWRAP_OK:
      self->failed_attempts = 0;
      self->next_attempt_at = 0;
      return key;
    case KT_UNWRAP_WRONG_PASSPHRASE:
      self->failed_attempts++;
      self->next_attempt_at = g_get_monotonic_time () + attempt_delay_ms (self) * (gint64) 1000;
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_WRONG_PASSPHRASE,
                           _("That passphrase is not right. Try again."));
      return NULL;
    case KT_UNWRAP_NO_MEMORY:
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_IO,
                           _("There is not enough memory to check the passphrase. Close other programs and try again."));
      return NULL;
    case KT_UNWRAP_MALFORMED:
    default:
      set_key_missing_error (error);
      return NULL;
    }
}

/* The key of the existing store, from where the file says it is kept. */
static KtKey *
fetch_key (KtStore       *self,
           const char    *passphrase,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(KtKey) key = NULL;
  GError *local = NULL;

  if (self->source == KT_KEY_SOURCE_PASSPHRASE)
    key = unwrap_key (self, passphrase, error);
  else
    {
      key = kt_keyring_lookup (self->store_id, cancellable, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return NULL;
        }
      if (key == NULL)
        {
          set_key_missing_error (error);
          return NULL;
        }
    }

  if (key == NULL)
    return NULL;
  if (!key_fits (self, key))
    {
      set_key_missing_error (error);
      return NULL;
    }
  return g_steal_pointer (&key);
}

static gboolean
bytes_equal_str (GBytes     *bytes,
                 const char *str)
{
  g_autoptr(GBytes) expected = g_bytes_new_static (str, strlen (str));

  return bytes != NULL && g_bytes_equal (bytes, expected);
}

/* First run: a new key, kept where @source says, then the metadata in one
 * transaction.  The key is saved before the file refers to it, so a crash
 * in between leaves at most an unused keyring item. */
static KtKey *
create_key (KtStore       *self,
            KtKeySource    source,
            const char    *passphrase,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(KtKey) key = kt_key_new_random ();
  g_autofree char *store_id = kt_uuid_new ();
  g_autoptr(GBytes) id_bytes = g_bytes_new (store_id, strlen (store_id));
  g_autoptr(GBytes) check = key_check_new (store_id, key);
  g_autoptr(GBytes) source_bytes = NULL;
  g_autoptr(GBytes) wrapped = NULL;

  if (source == KT_KEY_SOURCE_PASSPHRASE)
    {
      if (passphrase == NULL || passphrase[0] == '\0')
        {
          g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_WRONG_PASSPHRASE,
                               _("Choose a passphrase to protect the data."));
          return NULL;
        }
      wrapped = kt_crypto_wrap_key (key, passphrase, self->pwhash_ops, self->pwhash_mem);
      if (wrapped == NULL)
        {
          g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_IO,
                               _("There is not enough memory to protect the passphrase."));
          return NULL;
        }
      source_bytes = g_bytes_new_static ("passphrase", strlen ("passphrase"));
    }
  else
    {
      if (!kt_keyring_store (store_id, key, cancellable, error))
        return NULL;
      source_bytes = g_bytes_new_static ("keyring", strlen ("keyring"));
    }

  if (!kt_record_store_set_meta (self->records, error,
                                 META_STORE_ID, id_bytes,
                                 META_KEY_SOURCE, source_bytes,
                                 META_KEY_CHECK, check,
                                 wrapped != NULL ? META_WRAPPED_KEY : NULL, wrapped,
                                 NULL))
    return NULL;

  self->store_id = g_steal_pointer (&store_id);
  self->source = source;
  return g_steal_pointer (&key);
}

static gboolean
has_records (KtStore *self)
{
  /* An unreadable count counts as data: never a new key over it. */
  return kt_record_store_count (self->records) != 0;
}

static GBytes *
unlock_secret_ad (KtStore    *self,
                  const char *name)
{
  return kt_crypto_record_ad (self->store_id, -1, 0, name);
}

static char *
load_verifier (KtStore    *self,
               const char *name)
{
  g_autoptr(GBytes) sealed = kt_record_store_get_meta (self->records, name);
  g_autoptr(GBytes) ad = NULL;
  g_autoptr(GBytes) plain = NULL;
  gsize size;
  const char *data;

  if (sealed == NULL)
    return NULL;
  ad = unlock_secret_ad (self, name);
  plain = kt_record_store_unseal (self->records, ad, sealed);
  if (plain == NULL)
    return NULL;
  data = g_bytes_get_data (plain, &size);
  return g_strndup (data, size);
}

GBytes *
kt_store_get_secret_meta (KtStore     *self,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) ad = NULL;
  GBytes *plain;

  g_return_val_if_fail (KT_IS_STORE (self), NULL);

  if (self->records == NULL || !kt_record_store_has_key (self->records))
    {
      set_locked_error (error);
      return NULL;
    }
  sealed = kt_record_store_get_meta (self->records, name);
  /* An empty value is one that was taken away: the meta table has no delete. */
  if (sealed == NULL || g_bytes_get_size (sealed) == 0)
    return NULL;
  ad = unlock_secret_ad (self, name);
  plain = kt_record_store_unseal (self->records, ad, sealed);
  if (plain == NULL)
    g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_TAMPERED,
                         _("A key kept on this device was changed outside Keukentafel and cannot be used."));
  return plain;
}

gboolean
kt_store_set_secret_meta (KtStore     *self,
                          const char  *name,
                          GBytes      *value,
                          GError     **error)
{
  g_autoptr(GBytes) ad = NULL;
  g_autoptr(GBytes) sealed = NULL;

  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  if (self->records == NULL || !kt_record_store_has_key (self->records))
    {
      set_locked_error (error);
      return FALSE;
    }
  if (value == NULL)
    sealed = g_bytes_new (NULL, 0);
  else
    {
      ad = unlock_secret_ad (self, name);
      sealed = kt_record_store_seal (self->records, ad, value);
      if (sealed == NULL)
        {
          set_locked_error (error);
          return FALSE;
        }
    }
  return kt_record_store_set_meta (self->records, error, name, sealed, NULL);
}

static guint
meta_get_uint (KtStore    *self,
               const char *name)
{
  g_autoptr(GBytes) value = kt_record_store_get_meta (self->records, name);
  g_autofree char *text = NULL;

  if (value == NULL)
    return 0;
  text = g_strndup (g_bytes_get_data (value, NULL), g_bytes_get_size (value));
  return (guint) g_ascii_strtoull (text, NULL, 10);
}

static void
meta_set_uint (KtStore    *self,
               const char *name,
               guint       number)
{
  g_autofree char *text = g_strdup_printf ("%u", number);
  g_autoptr(GBytes) value = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  if (!kt_record_store_set_meta (self->records, &error, name, value, NULL))
    g_message ("Unlock state not written: %s", error->message);
}

static guint attempt_delay_ms (KtStore *self);

/* After opening: the verifiers, the lock left behind by the last run and
 * the wrong tries so far, so that neither a restart ends a lock nor
 * resets the growing delay. */
static void
load_unlock_state (KtStore *self)
{
  g_free (self->pin_verifier);
  self->pin_verifier = load_verifier (self, META_UNLOCK_PIN);
  g_free (self->password_verifier);
  self->password_verifier = load_verifier (self, META_UNLOCK_PASSWORD);
  self->left_locked = meta_get_uint (self, META_LOCKED) != 0;
  self->failed_attempts = MAX (self->failed_attempts, meta_get_uint (self, META_UNLOCK_FAILURES));
  if (self->failed_attempts > 0 && self->next_attempt_at == 0)
    self->next_attempt_at = g_get_monotonic_time () + attempt_delay_ms (self) * (gint64) 1000;
}

/* Ends an idle lock with the key from the keyring or @passphrase. */
static gboolean
take_key_back (KtStore       *self,
               const char    *passphrase,
               GCancellable  *cancellable,
               GError       **error)
{
  KtKey *key = fetch_key (self, passphrase, cancellable, error);

  if (key == NULL)
    return FALSE;
  kt_record_store_set_key (self->records, key);
  self->idle_locked = FALSE;
  return TRUE;
}

/* The counter outside the file
 *
 * Every commit bumps a counter in the index's root (kt-store-index.c).  The
 * store also keeps the highest counter it has seen committed outside the
 * database: in the keyring beside the key (keyring mode), or in a small
 * file beside the database, sealed under the index key (passphrase mode,
 * whose wrapped key lives inside the database and so cannot carry it).
 * A file whose counter is below that mark is older than one this device
 * already saved: a whole database copied back.
 *
 * The mark is written only after the commit it counts, so a crash between
 * the two leaves the file ahead of the mark, which the check accepts; it
 * never has to guess whether "one behind" was a crash or a copy.  It is
 * not written with every save, because a keyring write is a D-Bus call that
 * makes gnome-keyring rewrite its file (several ms, more than the save it
 * would follow): it follows the commits at most every mark_interval_ms, and
 * is written at open, at the idle lock and at exit.  A copy put back is
 * therefore noticed when it is older than the last mark: anything older
 * than a few seconds of work. */

static char *
mark_path (KtStore *self)
{
  return g_strconcat (self->path, "-counter", NULL);
}

/* The mark kept for this store, or 0 when there is none (a store from
 * before the index, or a new device). */
static guint64
read_mark (KtStore      *self,
           GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  guint64 mark = 0;

  if (self->source == KT_KEY_SOURCE_KEYRING)
    {
      if (!kt_keyring_lookup_counter (self->store_id, &mark, cancellable, &error))
        mark = 0;
    }
  else
    {
      g_autofree char *path = mark_path (self);
      g_autofree char *contents = NULL;
      gsize size = 0;

      if (g_file_get_contents (path, &contents, &size, &error))
        {
          g_autoptr(GBytes) sealed = g_bytes_new_take (g_steal_pointer (&contents), size);

          /* A file of another store, or one edited, is no mark. */
          if (!kt_record_store_open_mark (self->records, sealed, &mark))
            mark = 0;
        }
    }
  if (error != NULL && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_debug ("The save counter could not be read: %s", error->message);
  return mark;
}

/* Writes the counter of the last commit outside the file, when it is
 * higher than the last one written.  Any thread. */
static void
write_mark_sync (KtStore *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mark_mutex);
  g_autoptr(GError) error = NULL;
  guint64 counter;
  gboolean ok;

  if (self->records == NULL || !kt_record_store_get_counter (self->records, &counter) ||
      counter <= self->mark_written)
    return;

  if (self->source == KT_KEY_SOURCE_KEYRING)
    ok = kt_keyring_store_counter (self->store_id, counter, NULL, &error);
  else
    {
      g_autofree char *path = mark_path (self);
      g_autoptr(GBytes) sealed = kt_record_store_seal_mark (self->records, counter);

      /* Written to a new file and renamed over the old one: a crash leaves
       * the old mark or the new one, never half of one. */
      ok = sealed != NULL &&
           g_file_set_contents_full (path, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
    }
  if (ok)
    self->mark_written = counter;
  else if (error != NULL)
    g_debug ("The save counter could not be written: %s", error->message);
}

static void
mark_worker_run (gpointer data,
                 gpointer user_data)
{
  write_mark_sync (user_data);
}

/* On a thread of its own, which dispose waits for: no reference held
 * until the main loop runs, nothing for the caller to wait on. */
static void
write_mark_async (KtStore *self)
{
  if (self->mark_worker != NULL)
    g_thread_pool_push (self->mark_worker, GINT_TO_POINTER (1), NULL);
}

static gboolean
mark_cb (gpointer data)
{
  KtStore *self = data;

  g_clear_pointer (&self->mark_source, g_source_unref);
  write_mark_async (self);
  return G_SOURCE_REMOVE;
}

/* After a commit (main thread): the mark follows within the interval. */
static void
note_commit (KtStore *self)
{
  if (self->mark_interval_ms == 0)
    {
      /* Tests of a crash between a commit and its mark. */
      write_mark_sync (self);
      return;
    }
  if (self->mark_source != NULL)
    return;
  self->mark_source = g_timeout_source_new (self->mark_interval_ms);
  g_source_set_callback (self->mark_source, mark_cb, self, NULL);
  g_source_attach (self->mark_source, self->context);
}

/* Compares the file with its index and the mark, once per open.  A full
 * disk does not keep the store shut (the check is made again at the next
 * open); anything else does. */
static gboolean
check_store (KtStore       *self,
             guint64        mark,
             GError       **error)
{
  g_autoptr(KtStoreCheck) check = kt_store_check_new ();
  g_autoptr(GError) local = NULL;

  self->mark_written = mark;
  if (!kt_record_store_check (self->records, mark, check, &local))
    {
      if (!g_error_matches (local, KT_STORE_ERROR, KT_STORE_ERROR_DISK_FULL))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_message ("The store could not be checked now: %s", local->message);
    }
  if (!kt_store_check_is_clean (check))
    {
      g_message ("The check at open found %u records and the file %s",
                 check->records->len,
                 check->store_older ? "older than its counter"
                 : check->index_changed ? "changed" : "as it was");
      g_clear_pointer (&self->check, kt_store_check_free);
      self->check = g_steal_pointer (&check);
    }
  return TRUE;
}

/* The keyring's answers for an open: the store's key and the counter kept
 * beside it (see "The counter outside the file"). */
typedef struct {
  const char   *store_id;
  GCancellable *cancellable;
  KtKey        *key;
  GError       *error;
  guint64       mark;
} KeyringFetch;

/* What the keyring's thread does for an open, in order: the session bus
 * connection first (@bus set), then the look-up (@fetch set). */
typedef struct {
  GDBusConnection **bus;
  KeyringFetch     *fetch;
} KeyringJob;

static void
keyring_job_run (gpointer data,
                 gpointer user_data)
{
  KeyringJob *job = data;

  if (job->bus != NULL)
    *job->bus = kt_keyring_connect ();
  if (job->fetch != NULL)
    job->fetch->key = kt_keyring_lookup_with_counter (job->fetch->store_id, &job->fetch->mark,
                                                      job->fetch->cancellable, &job->fetch->error);
}

/* The keyring's thread of one open (GLib's shared threads: one left idle
 * by an earlier open is woken, not a new one started, which a busy
 * scheduler lets wait longer).  It connects to the session bus at once,
 * before the file is even open: in a fresh process that took 4-6 ms of
 * the 11-17 ms the open waited for the key, and it needs neither the
 * store's id nor its key source (the app has the connection already). */
typedef struct {
  GThreadPool     *pool;
  GDBusConnection *bus;
  KeyringJob       connect;
  KeyringJob       lookup;
} KeyringThread;

static void
keyring_thread_start (KeyringThread *thread)
{
  *thread = (KeyringThread) { .connect = { .bus = &thread->bus } };
  thread->pool = g_thread_pool_new (keyring_job_run, NULL, 1, FALSE, NULL);
  if (thread->pool != NULL && !g_thread_pool_push (thread->pool, &thread->connect, NULL))
    {
      /* No thread to be had: the look-up connects when it comes. */
      g_thread_pool_free (g_steal_pointer (&thread->pool), TRUE, TRUE);
    }
}

/* Waits for what the thread was given, and ends it. */
static void
keyring_thread_join (KeyringThread *thread)
{
  if (thread->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&thread->pool), FALSE, TRUE);
  g_clear_object (&thread->bus);
}

/* The key of a store kept in the keyring, and in @mark the counter beside
 * it.  Both take calls to the keyring over D-Bus, in which the open would
 * only wait: they are fetched on @thread while this one reads what the
 * check and the first listing need and no key does
 * (kt_record_store_read_ahead()). */
static KtKey *
fetch_from_keyring (KtStore        *self,
                    KeyringThread  *thread,
                    GCancellable   *cancellable,
                    guint64        *mark,
                    GError        **error)
{
  KeyringFetch fetch = { .store_id = self->store_id, .cancellable = cancellable };
  g_autoptr(KtKey) key = NULL;

  thread->lookup = (KeyringJob) { .fetch = &fetch };
  if (thread->pool != NULL && g_thread_pool_push (thread->pool, &thread->lookup, NULL))
    {
      kt_record_store_read_ahead (self->records);
      /* Waits for the fetch. */
      keyring_thread_join (thread);
    }
  else
    {
      /* No thread to be had: the look-up is made here. */
      keyring_thread_join (thread);
      keyring_job_run (&thread->lookup, NULL);
    }

  *mark = fetch.mark;
  key = g_steal_pointer (&fetch.key);
  if (fetch.error != NULL)
    {
      g_propagate_error (error, fetch.error);
      return NULL;
    }
  if (key == NULL || !key_fits (self, key))
    {
      set_key_missing_error (error);
      return NULL;
    }
  return g_steal_pointer (&key);
}

/* Opens the file (or ends an idle lock) and takes the key; safe on a worker
 * thread: no signals, no sources. */
static gboolean
open_store (KtStore       *self,
            KtKeySource    source,
            const char    *passphrase,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(KtRecordStore) records = NULL;
  g_autoptr(GBytes) store_id = NULL;
  g_autoptr(GBytes) stored_source = NULL;
  g_autoptr(KtKey) key = NULL;
  KeyringThread keyring;
  guint64 mark = 0;
  gboolean have_mark = FALSE;

  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  if (self->records != NULL)
    return !self->idle_locked || take_key_back (self, passphrase, cancellable, error);

  keyring_thread_start (&keyring);
  records = kt_record_store_open (self->path, error);
  if (records == NULL)
    {
      keyring_thread_join (&keyring);
      return FALSE;
    }
  self->records = g_steal_pointer (&records);

  store_id = kt_record_store_get_meta (self->records, META_STORE_ID);
  if (store_id == NULL)
    {
      /* Never a new key over old data, whatever happened to the metadata. */
      if (has_records (self))
        {
          set_key_missing_error (error);
          key = NULL;
        }
      else
        key = create_key (self, source, passphrase, cancellable, error);
    }
  else
    {
      self->store_id = g_strndup (g_bytes_get_data (store_id, NULL), g_bytes_get_size (store_id));
      stored_source = kt_record_store_get_meta (self->records, META_KEY_SOURCE);
      self->source = bytes_equal_str (stored_source, "passphrase")
                     ? KT_KEY_SOURCE_PASSPHRASE : KT_KEY_SOURCE_KEYRING;
      if (self->source == KT_KEY_SOURCE_KEYRING)
        {
          key = fetch_from_keyring (self, &keyring, cancellable, &mark, error);
          have_mark = TRUE;
        }
      else
        key = fetch_key (self, passphrase, cancellable, error);
    }
  /* Ended already after a look-up in the keyring. */
  keyring_thread_join (&keyring);

  if (key == NULL)
    {
      /* Closed again, so that a retry starts from the file. */
      g_clear_pointer (&self->records, kt_record_store_close);
      g_clear_pointer (&self->store_id, g_free);
      return FALSE;
    }

  kt_record_store_set_key (self->records, g_steal_pointer (&key));
  if (!check_store (self, have_mark ? mark : read_mark (self, cancellable), error))
    {
      g_clear_pointer (&self->records, kt_record_store_close);
      g_clear_pointer (&self->store_id, g_free);
      return FALSE;
    }
  self->idle_locked = FALSE;
  self->last_touch = g_get_monotonic_time ();
  load_unlock_state (self);
  return TRUE;
}

/* Back on the owner's thread after opening or unlocking: the idle timer
 * restarts, ::unlocked tells the UI, and changes made meanwhile are
 * written. */
static void
opened (KtStore  *self,
        gboolean  was_locked)
{
  kt_store_touch (self);
  /* Off the way to the case list: the mark says this file is the newest. */
  write_mark_async (self);
  if (was_locked)
    g_signal_emit (self, signals[UNLOCKED], 0);
  if (g_hash_table_size (self->pending) > 0)
    schedule_save (self, self->autosave_delay_ms);
}

gboolean
kt_store_open_sync (KtStore       *self,
                    KtKeySource    source,
                    const char    *passphrase,
                    GCancellable  *cancellable,
                    GError       **error)
{
  gboolean was_locked;

  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  was_locked = self->records != NULL && self->idle_locked;
  if (!open_store (self, source, passphrase, cancellable, error))
    return FALSE;
  opened (self, was_locked);
  return TRUE;
}

typedef struct {
  KtKeySource  source;
  char        *passphrase;
  gboolean     was_locked;
} OpenData;

static void
open_data_free (OpenData *data)
{
  if (data->passphrase != NULL)
    sodium_memzero (data->passphrase, strlen (data->passphrase));
  g_free (data->passphrase);
  g_free (data);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;

  if (open_store (source_object, data->source, data->passphrase, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    {
      /* Every failure below names itself; should one ever not, the window
       * must still hear of it rather than wait for ever. */
      g_critical ("open_store failed without an error");
      g_task_return_new_error (task, KT_STORE_ERROR, KT_STORE_ERROR_IO, "%s",
                               _("The data file could not be read or written."));
    }
}

void
kt_store_open_async (KtStore             *self,
                     KtKeySource          source,
                     const char          *passphrase,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);

  data->source = source;
  data->passphrase = g_strdup (passphrase);
  data->was_locked = self->records != NULL && self->idle_locked;
  g_task_set_source_tag (task, kt_store_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

gboolean
kt_store_open_finish (KtStore      *self,
                      GAsyncResult *result,
                      GError      **error)
{
  OpenData *data = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  opened (self, data->was_locked);
  return TRUE;
}

gboolean
kt_store_change_passphrase (KtStore     *self,
                            const char  *old_passphrase,
                            const char  *new_passphrase,
                            GError     **error)
{
  g_autoptr(KtKey) key = NULL;
  g_autoptr(GBytes) wrapped = NULL;

  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  if (!check_open (self, error))
    return FALSE;
  if (self->source != KT_KEY_SOURCE_PASSPHRASE)
    {
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_IO,
                           _("This data is protected by the keyring, not by a passphrase."));
      return FALSE;
    }
  if (new_passphrase == NULL || new_passphrase[0] == '\0')
    {
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_WRONG_PASSPHRASE,
                           _("Choose a passphrase to protect the data."));
      return FALSE;
    }

  key = fetch_key (self, old_passphrase, NULL, error);
  if (key == NULL)
    return FALSE;

  /* Only the wrapping changes: the records stay as they are. */
  wrapped = kt_crypto_wrap_key (key, new_passphrase, self->pwhash_ops, self->pwhash_mem);
  if (wrapped == NULL)
    {
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_IO,
                           _("There is not enough memory to protect the passphrase."));
      return FALSE;
    }
  return kt_record_store_set_meta (self->records, error, META_WRAPPED_KEY, wrapped, NULL);
}

/* Autosave */

static Pending *
pending_for (KtStore  *self,
             KtKind    kind,
             gpointer  doc)
{
  KtRecordHeader *header = doc_header (doc);
  Pending *pending = g_hash_table_lookup (self->pending, header->id);

  if (pending == NULL)
    {
      pending = g_new0 (Pending, 1);
      pending->kind = kind;
      pending->doc = doc_ref (kind, doc);
      g_hash_table_insert (self->pending, g_strdup (header->id), pending);
    }
  else if (pending->doc != doc)
    {
      /* A new object for the same record: the newest one counts. */
      doc_unref (pending->kind, pending->doc);
      pending->kind = kind;
      pending->doc = doc_ref (kind, doc);
    }
  return pending;
}

static void
autosave (KtStore  *self,
          KtKind    kind,
          gpointer  doc)
{
  Pending *pending = pending_for (self, kind, doc);

  pending->dirty = TRUE;
  schedule_save (self, self->autosave_delay_ms);
}

void
kt_store_autosave_case (KtStore *self,
                        KtCase  *kase)
{
  g_return_if_fail (KT_IS_STORE (self));
  g_return_if_fail (kase != NULL);

  autosave (self, KT_KIND_CASE, kase);
}

void
kt_store_autosave_conversation (KtStore        *self,
                                KtConversation *conversation)
{
  g_return_if_fail (KT_IS_STORE (self));
  g_return_if_fail (conversation != NULL);

  autosave (self, KT_KIND_CONVERSATION, conversation);
}

void
kt_store_autosave_plan (KtStore *self,
                        KtPlan  *plan)
{
  g_return_if_fail (KT_IS_STORE (self));
  g_return_if_fail (plan != NULL);

  autosave (self, KT_KIND_PLAN, plan);
}

GPtrArray *
kt_store_list_pending (KtStore *self)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_ptr_array_add (ids, g_strdup (id));
  return ids;
}

/* Encodes every changed document not already on its way (main thread).
 * The rev is bumped once per write; a write that failed is tried again
 * under the same rev. */
static GPtrArray *
take_changes (KtStore *self)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_record_free);
  GHashTableIter iter;
  Pending *pending;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &pending))
    {
      KtRecordHeader *header = doc_header (pending->doc);

      if (!pending->dirty || pending->in_flight)
        continue;
      if (pending->uncommitted_rev == 0 || pending->uncommitted_rev != header->rev)
        {
          header->rev++;
          header->updated = g_get_real_time () / G_USEC_PER_SEC;
          if (header->created == 0)
            header->created = header->updated;
        }
      pending->uncommitted_rev = header->rev;
      pending->dirty = FALSE;
      pending->in_flight = TRUE;
      g_ptr_array_add (records, record_from_doc (pending->kind, pending->doc));
    }
  return records;
}

static void
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static Batch *
batch_new (KtStore   *self,
           GPtrArray *records)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->store = g_object_ref (self);
  batch->records = records;
  batch->errors = g_ptr_array_new_full (records->len, free_error);
  g_ptr_array_set_size (batch->errors, records->len);
  return batch;
}

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->records);
  g_ptr_array_unref (batch->errors);
  g_free (batch->mark_id);
  g_clear_error (&batch->mark_error);
  g_clear_object (&batch->task);
  g_object_unref (batch->store);
  g_free (batch);
}

/* Writes each record of @batch in its own transaction. */
static void
batch_write (KtStore *self,
             Batch   *batch)
{
  for (guint i = 0; i < batch->records->len; i++)
    {
      GError *error = NULL;

      if (!kt_record_store_put (self->records, g_ptr_array_index (batch->records, i), batch->direct, &error))
        g_ptr_array_index (batch->errors, i) = error;
    }
  if (batch->mark_id != NULL)
    kt_record_store_set_sync_state (self->records, batch->mark_id, batch->mark_state, batch->mark_rev,
                                    &batch->mark_error);
}

static void note_read_stale (KtStore        *self,
                            const KtRecord *record);

/* Back on the main thread: what committed leaves the pending set, what
 * failed stays and is tried again later.  Returns the first failure. */
static GError *
batch_handle (KtStore *self,
              Batch   *batch)
{
  GError *first = NULL;

  /* Saved documents, not drafts: the pending set has nothing of them, and
   * the caller tries again (a pull keeps its cursor). */
  if (batch->mark_id != NULL)
    {
      if (batch->mark_error != NULL)
        g_task_return_error (batch->task, g_error_copy (batch->mark_error));
      else
        g_task_return_boolean (batch->task, TRUE);
      /* Its caller hears of it; a flush waiting beside it did not fail. */
      return NULL;
    }
  if (batch->direct)
    {
      for (guint i = 0; i < batch->records->len; i++)
        {
          GError *error = g_ptr_array_index (batch->errors, i);

          if (error == NULL)
            {
              note_read_stale (self, g_ptr_array_index (batch->records, i));
              note_commit (self);
            }
          else if (first == NULL)
            first = g_error_copy (error);
        }
      if (first != NULL)
        g_task_return_error (batch->task, g_error_copy (first));
      else
        g_task_return_boolean (batch->task, TRUE);
      return first;
    }

  for (guint i = 0; i < batch->records->len; i++)
    {
      KtRecord *record = g_ptr_array_index (batch->records, i);
      GError *error = g_ptr_array_index (batch->errors, i);
      Pending *pending = g_hash_table_lookup (self->pending, record->id);

      if (pending == NULL)
        continue;
      pending->in_flight = FALSE;
      if (error == NULL)
        {
          note_read_stale (self, record);
          note_commit (self);
          if (pending->uncommitted_rev == record->rev)
            pending->uncommitted_rev = 0;
          if (!pending->dirty)
            g_hash_table_remove (self->pending, record->id);
          continue;
        }

      pending->dirty = TRUE;
      if (first == NULL)
        first = g_error_copy (error);
      g_signal_emit (self, signals[SAVE_FAILED], 0, record->id, error);
    }

  if (first != NULL)
    {
      schedule_save (self, self->retry_delay_ms);
      self->retry_delay_ms = MIN (self->retry_delay_ms * 2, RETRY_DELAY_MAX_MS);
    }
  else
    {
      self->retry_delay_ms = RETRY_DELAY_MIN_MS;
      if (g_hash_table_size (self->pending) > 0)
        schedule_save (self, self->autosave_delay_ms);
    }

  if (batch->task != NULL)
    {
      if (first != NULL)
        g_task_return_error (batch->task, g_error_copy (first));
      else
        g_task_return_boolean (batch->task, TRUE);
    }
  return first;
}

/* Handles every batch the worker has finished. */
static GError *
dispatch_completed (KtStore *self)
{
  GError *first = NULL;
  Batch *batch;

  for (;;)
    {
      GError *error;

      g_mutex_lock (&self->batch_mutex);
      batch = g_queue_pop_head (&self->completed);
      g_mutex_unlock (&self->batch_mutex);
      if (batch == NULL)
        break;

      error = batch_handle (self, batch);
      if (first == NULL)
        first = error;
      else
        g_clear_error (&error);
      batch_free (batch);
    }
  return first;
}

static gboolean
dispatch_cb (gpointer data)
{
  KtStore *self = data;

  g_mutex_lock (&self->batch_mutex);
  g_clear_pointer (&self->dispatch_source, g_source_unref);
  g_mutex_unlock (&self->batch_mutex);

  free_error (dispatch_completed (self));
  return G_SOURCE_REMOVE;
}

static void
worker_run (gpointer data,
            gpointer user_data)
{
  Batch *batch = data;
  KtStore *self = batch->store;

  batch_write (self, batch);

  g_mutex_lock (&self->batch_mutex);
  g_queue_push_tail (&self->completed, batch);
  self->batches_in_flight--;
  if (self->dispatch_source == NULL)
    {
      self->dispatch_source = g_idle_source_new ();
      g_source_set_priority (self->dispatch_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->dispatch_source, dispatch_cb,
                             g_object_ref (self), g_object_unref);
      g_source_attach (self->dispatch_source, self->context);
    }
  g_cond_broadcast (&self->batch_cond);
  g_mutex_unlock (&self->batch_mutex);
}

/* Sends what changed to the worker; @task completes when it is written. */
static void
start_batch (KtStore *self,
             GTask   *task)
{
  g_autoptr(GPtrArray) records = NULL;
  Batch *batch;

  if (self->save_source != NULL)
    g_source_destroy (self->save_source);
  g_clear_pointer (&self->save_source, g_source_unref);

  if (self->records == NULL || self->idle_locked)
    {
      /* Kept in memory until unlocked; nothing pending is nothing to fail. */
      if (task != NULL && g_hash_table_size (self->pending) == 0)
        g_task_return_boolean (task, TRUE);
      else if (task != NULL)
        g_task_return_new_error (task, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED, "%s",
                                 _("The data is locked. Unlock it to continue."));
      return;
    }

  records = take_changes (self);
  if (records->len == 0 && task == NULL)
    return;

  batch = batch_new (self, g_steal_pointer (&records));
  batch->task = task != NULL ? g_object_ref (task) : NULL;
  g_mutex_lock (&self->batch_mutex);
  self->batches_in_flight++;
  g_mutex_unlock (&self->batch_mutex);
  g_thread_pool_push (self->worker, batch, NULL);
}

static gboolean
save_cb (gpointer data)
{
  KtStore *self = data;

  g_clear_pointer (&self->save_source, g_source_unref);
  start_batch (self, NULL);
  return G_SOURCE_REMOVE;
}

/* Writes within @delay_ms of the first change; later changes in that time
 * join the same write. */
static void
schedule_save (KtStore *self,
               guint    delay_ms)
{
  if (self->save_source != NULL || self->records == NULL || self->idle_locked)
    return;

  self->save_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (self->save_source, save_cb, self, NULL);
  g_source_attach (self->save_source, self->context);
}

static void
wait_for_worker (KtStore *self)
{
  g_mutex_lock (&self->batch_mutex);
  while (self->batches_in_flight > 0)
    g_cond_wait (&self->batch_cond, &self->batch_mutex);
  if (self->dispatch_source != NULL)
    g_source_destroy (self->dispatch_source);
  g_clear_pointer (&self->dispatch_source, g_source_unref);
  g_mutex_unlock (&self->batch_mutex);
}

gboolean
kt_store_flush (KtStore  *self,
                GError  **error)
{
  g_autoptr(GError) earlier = NULL;
  GError *local;
  Batch *batch;

  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  if (self->save_source != NULL)
    g_source_destroy (self->save_source);
  g_clear_pointer (&self->save_source, g_source_unref);

  /* Whatever the worker holds commits first, so revisions stay in order. */
  wait_for_worker (self);
  earlier = dispatch_completed (self);

  if (g_hash_table_size (self->pending) == 0)
    return TRUE;
  if (!check_open (self, error))
    return FALSE;

  batch = batch_new (self, take_changes (self));
  batch_write (self, batch);
  local = batch_handle (self, batch);
  batch_free (batch);

  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

void
kt_store_flush_async (KtStore             *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kt_store_flush_async);
  start_batch (self, task);
}

gboolean
kt_store_flush_finish (KtStore      *self,
                       GAsyncResult *result,
                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
kt_store_save_document (KtStore           *self,
                        const KtDocument  *doc,
                        KtSyncState        sync_state,
                        GError           **error)
{
  g_autoptr(KtRecord) record = NULL;
  gpointer pointer;

  g_return_val_if_fail (KT_IS_STORE (self), FALSE);
  g_return_val_if_fail (doc != NULL, FALSE);

  pointer = document_pointer (doc);
  g_return_val_if_fail (pointer != NULL, FALSE);

  if (!check_open (self, error))
    return FALSE;

  record = record_from_doc (doc->kind, pointer);
  record->sync_state = sync_state;
  if (!kt_record_store_put (self->records, record, TRUE, error))
    return FALSE;
  note_commit (self);
  return TRUE;
}

void
kt_store_save_documents_async (KtStore             *self,
                               GPtrArray           *docs,
                               KtSyncState          sync_state,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_record_free);
  GError *error = NULL;
  Batch *batch;

  g_return_if_fail (KT_IS_STORE (self));
  g_return_if_fail (docs != NULL);

  g_task_set_source_tag (task, kt_store_save_documents_async);
  if (!check_open (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Encoded here: the worker sees only bytes, never the live documents. */
  for (guint i = 0; i < docs->len; i++)
    {
      const KtDocument *doc = g_ptr_array_index (docs, i);
      gpointer pointer = document_pointer (doc);
      KtRecord *record;

      g_return_if_fail (pointer != NULL);
      record = record_from_doc (doc->kind, pointer);
      record->sync_state = sync_state;
      g_ptr_array_add (records, record);
    }
  batch = batch_new (self, g_steal_pointer (&records));
  batch->task = g_object_ref (task);
  batch->direct = TRUE;
  g_mutex_lock (&self->batch_mutex);
  self->batches_in_flight++;
  g_mutex_unlock (&self->batch_mutex);
  g_thread_pool_push (self->worker, batch, NULL);
}

void
kt_store_set_sync_state_async (KtStore             *self,
                               const char          *id,
                               KtSyncState          state,
                               gint64               server_rev,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  Batch *batch;

  g_return_if_fail (KT_IS_STORE (self));
  g_return_if_fail (id != NULL);

  g_task_set_source_tag (task, kt_store_set_sync_state_async);
  if (!check_open (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  batch = batch_new (self, g_ptr_array_new_with_free_func ((GDestroyNotify) kt_record_free));
  batch->task = g_object_ref (task);
  batch->mark_id = g_strdup (id);
  batch->mark_state = state;
  batch->mark_rev = server_rev;
  g_mutex_lock (&self->batch_mutex);
  self->batches_in_flight++;
  g_mutex_unlock (&self->batch_mutex);
  g_thread_pool_push (self->worker, batch, NULL);
}

gboolean
kt_store_set_sync_state_finish (KtStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
kt_store_save_documents_finish (KtStore       *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Loading */

/* The record @id as the file holds it, decrypted and decoded.  Touches
 * only the record store (which locks for itself), so a worker may call it. */
static gpointer
load_from_file (KtStore     *self,
                KtKind       kind,
                const char  *id,
                GError     **error)
{
  g_autoptr(KtRecord) record = NULL;
  g_autoptr(GError) decode_error = NULL;
  gpointer doc = NULL;

  record = kt_record_store_get (self->records, id, error);
  if (record == NULL)
    return NULL;
  if (record->kind != kind)
    {
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_NOT_FOUND,
                           _("This record is not on this device."));
      return NULL;
    }

  switch (kind)
    {
    case KT_KIND_CASE:
      doc = kt_case_decode (record->body, &decode_error);
      break;
    case KT_KIND_CONVERSATION:
      doc = kt_conversation_decode (record->body, &decode_error);
      break;
    case KT_KIND_PLAN:
      doc = kt_plan_decode (record->body, &decode_error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (doc == NULL || g_strcmp0 (doc_header (doc)->id, id) != 0)
    {
      if (doc != NULL)
        doc_unref (kind, doc);
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_CORRUPT,
                           _("A record could not be read. It has been left as it is."));
      return NULL;
    }
  return doc;
}

gboolean
kt_store_get_case_readers (KtStore     *self,
                           const char  *case_id,
                           char       **coach,
                           char       **intaker)
{
  g_autoptr(KtRecord) record = NULL;
  g_autoptr(KtCase) kase = NULL;

  g_return_val_if_fail (KT_IS_STORE (self), FALSE);
  g_return_val_if_fail (case_id != NULL, FALSE);

  /* The record layer only: the drafts in memory are the main thread's. */
  if (self->records == NULL)
    return FALSE;
  record = kt_record_store_get (self->records, case_id, NULL);
  if (record == NULL || record->kind != KT_KIND_CASE)
    return FALSE;
  kase = kt_case_decode (record->body, NULL);
  if (kase == NULL || g_strcmp0 (kase->header.id, case_id) != 0)
    return FALSE;
  if (coach != NULL)
    *coach = kase->coach != NULL && *kase->coach != '\0' ? g_strdup (kase->coach) : NULL;
  if (intaker != NULL)
    *intaker = kase->request.intaker != NULL && *kase->request.intaker != '\0'
               ? g_strdup (kase->request.intaker) : NULL;
  return TRUE;
}

static gpointer
load (KtStore     *self,
      KtKind       kind,
      const char  *id,
      GError     **error)
{
  Pending *pending;

  g_return_val_if_fail (KT_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!check_open (self, error))
    return NULL;

  /* A draft not yet written is newer than the file. */
  pending = g_hash_table_lookup (self->pending, id);
  if (pending != NULL && pending->kind == kind)
    return doc_ref (kind, pending->doc);

  return load_from_file (self, kind, id, error);
}

KtCase *
kt_store_load_case (KtStore     *self,
                    const char  *id,
                    GError     **error)
{
  return load (self, KT_KIND_CASE, id, error);
}

KtConversation *
kt_store_load_conversation (KtStore     *self,
                            const char  *id,
                            GError     **error)
{
  return load (self, KT_KIND_CONVERSATION, id, error);
}

KtPlan *
kt_store_load_plan (KtStore     *self,
                    const char  *id,
                    GError     **error)
{
  return load (self, KT_KIND_PLAN, id, error);
}

GPtrArray *
kt_store_list_ids_for_case (KtStore     *self,
                            KtKind       kind,
                            const char  *case_id,
                            GError     **error)
{
  g_autoptr(GPtrArray) records = NULL;
  GPtrArray *ids;

  g_return_val_if_fail (KT_IS_STORE (self), NULL);
  g_return_val_if_fail (case_id != NULL, NULL);

  if (!check_open (self, error))
    return NULL;

  records = kt_record_store_list (self->records, kind, case_id, FALSE, error);
  if (records == NULL)
    return NULL;

  ids = g_ptr_array_new_full (records->len, g_free);
  for (guint i = 0; i < records->len; i++)
    {
      KtRecord *record = g_ptr_array_index (records, i);
      g_ptr_array_add (ids, g_steal_pointer (&record->id));
    }
  return ids;
}

GPtrArray *
kt_store_list_ids (KtStore  *self,
                   KtKind    kind,
                   GError  **error)
{
  g_return_val_if_fail (KT_IS_STORE (self), NULL);

  if (!check_open (self, error))
    return NULL;
  return kt_record_store_list_ids (self->records, kind, error);
}

typedef struct {
  GPtrArray   *summaries;
  SummarySlab *slab;      /* the one carved from now, or NULL */
  gsize        slab_size;
} Listing;

static void
add_summary (const char   *id,
             gint64        updated,
             const guint8 *summary,
             gsize         size,
             gpointer      user_data)
{
  Listing *listing = user_data;

  /* A full slab: the next one as large (a list of long names). */
  if (listing->slab != NULL && listing->slab->size - listing->slab->used < SUMMARY_ROOM)
    {
      g_clear_pointer (&listing->slab, summary_slab_unref);
      listing->slab = summary_slab_new (listing->slab_size);
    }
  g_ptr_array_add (listing->summaries, summary_decode (listing->slab, id, updated, summary, size));
}

GPtrArray *
kt_store_list_cases (KtStore  *self,
                     GError  **error)
{
  g_autoptr(GPtrArray) summaries = NULL;
  Listing listing;
  guint hint;
  gboolean ok;

  g_return_val_if_fail (KT_IS_STORE (self), NULL);

  if (!check_open (self, error))
    return NULL;

  /* Sized by the records of every kind: room that is not used is never
   * touched, and so costs no memory. */
  hint = MIN (kt_record_store_get_count_hint (self->records), 1u << 20);
  summaries = g_ptr_array_new_full (hint, (GDestroyNotify) kt_case_summary_free);
  listing = (Listing) {
    .summaries = summaries,
    .slab = hint > 0 ? summary_slab_new (hint * SUMMARY_ROOM) : NULL,
    .slab_size = MAX (hint, 64) * SUMMARY_ROOM,
  };
  ok = kt_record_store_foreach_summary (self->records, KT_KIND_CASE, add_summary, &listing, error);
  g_clear_pointer (&listing.slab, summary_slab_unref);
  if (!ok)
    return NULL;
  return g_steal_pointer (&summaries);
}

static void
list_cases_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  KtStore *self = source_object;
  GPtrArray *summaries = kt_store_list_cases (self, &error);

  if (summaries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, summaries, (GDestroyNotify) g_ptr_array_unref);
  /* After the list is on its way: the summary cache the listing made,
   * if it made one, is written here, on this thread, not on a save's. */
  if (self->records != NULL)
    kt_record_store_write_summary_cache (self->records, NULL);
}

void
kt_store_list_cases_async (KtStore             *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kt_store_list_cases_async);
  g_task_run_in_thread (task, list_cases_thread);
}

GPtrArray *
kt_store_list_cases_finish (KtStore      *self,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Reading on the worker
 *
 * Every read of documents on the worker goes through read_on_worker ():
 * the worker reads the record store only, never the drafts, which are the
 * main thread's; each finish puts those in.  A draft written while the
 * worker read leaves the pending set at its commit (handled on the main
 * thread before the read's callback), so the finish would find neither it
 * nor, in what the worker read, its new copy: the older copy would be
 * shown, and the coach's next change would save it over the newer one.  A
 * record that a sync saved is the same.  The store keeps the reads on
 * their way; a commit of a record they read marks them stale, and a stale
 * read is read again. */

/* How many times a read made stale by commits is read again before it is
 * given as it is (a household's read takes well under a millisecond; only
 * a store committing its records without pause gets there). */
#define READ_TRIES 8

/* On a worker: fills @data from the record store, or fails (@error). */
typedef gboolean (*ReadFunc) (KtStore       *self,
                              gpointer       data,
                              GCancellable  *cancellable,
                              GError       **error);

typedef struct {
  char           *case_id;       /* the household read; NULL: every one */
  gboolean        stale;         /* a record it reads committed meanwhile */
  guint           tries;
  ReadFunc        read;
  GDestroyNotify  clear;         /* empties @data before it is read again */
  gpointer        data;
  GDestroyNotify  data_free;
} WorkerRead;

static void
worker_read_free (WorkerRead *read)
{
  g_free (read->case_id);
  read->data_free (read->data);
  g_free (read);
}

/* Main thread, as a commit is handled: the reads that @record belongs to
 * are stale. */
static void
note_read_stale (KtStore        *self,
                 const KtRecord *record)
{
  for (GList *l = self->reads; l != NULL; l = l->next)
    {
      WorkerRead *read = l->data;

      if (read->case_id == NULL ||
          g_strcmp0 (record->id, read->case_id) == 0 || g_strcmp0 (record->case_id, read->case_id) == 0)
        read->stale = TRUE;
    }
}

static void
worker_read_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  KtStore *self = source_object;
  WorkerRead *read = g_task_get_task_data (task_data);
  GError *error = NULL;

  if (!check_open (self, &error) || !read->read (self, read->data, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void run_worker_read (GTask *outer);

/* Main thread: one read on the worker is done (the inner task); the
 * caller's task (@user_data) gets it, or it is read again when a commit
 * made it stale. */
static void
worker_read_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KtStore *self = KT_STORE (source);
  g_autoptr(GTask) outer = user_data;
  WorkerRead *read = g_task_get_task_data (outer);
  GError *error = NULL;

  self->reads = g_list_remove (self->reads, read);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  if (read->stale && ++read->tries < READ_TRIES && !g_cancellable_is_cancelled (g_task_get_cancellable (outer)))
    {
      g_debug ("A record was saved while it was read: read again");
      read->clear (read->data);
      run_worker_read (g_steal_pointer (&outer));
      return;
    }
  g_task_return_boolean (outer, TRUE);
}

/* Runs one read of @outer on a worker (transfer full: @outer). */
static void
run_worker_read (GTask *outer)
{
  KtStore *self = g_task_get_source_object (outer);
  WorkerRead *read = g_task_get_task_data (outer);
  g_autoptr(GTask) inner = g_task_new (self, g_task_get_cancellable (outer), worker_read_done, outer);

  read->stale = FALSE;
  self->reads = g_list_prepend (self->reads, read);
  /* The worker finds the WorkerRead through @outer, which lives until the
   * inner task is done. */
  g_task_set_task_data (inner, outer, NULL);
  g_task_run_in_thread (inner, worker_read_thread);
}

/* Reads @data with @read on a worker, again when @case_id's records (all
 * records when NULL) commit meanwhile; @data is owned by the task. */
static void
read_on_worker (KtStore             *self,
                const char          *case_id,
                ReadFunc             read_func,
                GDestroyNotify       clear,
                gpointer             data,
                GDestroyNotify       data_free,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  WorkerRead *read = g_new0 (WorkerRead, 1);

  read->case_id = g_strdup (case_id);
  read->read = read_func;
  read->clear = clear;
  read->data = data;
  read->data_free = data_free;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, read, (GDestroyNotify) worker_read_free);
  run_worker_read (task);
}

/* What the read of @result filled (owned by it), or NULL on @error. */
static gpointer
read_on_worker_finish (GAsyncResult  *result,
                       GError       **error)
{
  WorkerRead *read;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  read = g_task_get_task_data (G_TASK (result));
  return read->data;
}

/* A draft not yet written is newer than what the worker read. */
static void
take_drafts (KtStore   *self,
             KtKind     kind,
             GPtrArray *docs)
{
  for (guint i = 0; i < docs->len; i++)
    {
      gpointer doc = g_ptr_array_index (docs, i);
      Pending *pending = g_hash_table_lookup (self->pending, doc_header (doc)->id);

      if (pending == NULL || pending->kind != kind)
        continue;
      doc_unref (kind, doc);
      docs->pdata[i] = doc_ref (kind, pending->doc);
    }
}

/* Loading everything, for the views of the whole team */

typedef struct {
  GPtrArray *cases;
  GPtrArray *conversations;
  GPtrArray *plans;
} AllDocuments;

static void
all_documents_clear (AllDocuments *all)
{
  g_clear_pointer (&all->cases, g_ptr_array_unref);
  g_clear_pointer (&all->conversations, g_ptr_array_unref);
  g_clear_pointer (&all->plans, g_ptr_array_unref);
}

static void
all_documents_free (AllDocuments *all)
{
  all_documents_clear (all);
  g_free (all);
}

/* On a worker. A record that cannot be read is left out, as the views did
 * when they read one at a time. */
static gboolean
read_all (KtStore       *self,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  AllDocuments *all = data;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) plan_ids = NULL;

  all->cases = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  all->conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_conversation_unref);
  all->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);

  if ((cases = kt_record_store_list (self->records, KT_KIND_CASE, NULL, FALSE, error)) == NULL ||
      (plan_ids = kt_record_store_list_ids (self->records, KT_KIND_PLAN, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < cases->len; i++)
    {
      KtRecord *record = g_ptr_array_index (cases, i);
      g_autoptr(GPtrArray) conversations = NULL;
      KtCase *kase;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      kase = load_from_file (self, KT_KIND_CASE, record->id, NULL);
      if (kase == NULL)
        continue;
      g_ptr_array_add (all->cases, kase);
      conversations = kt_record_store_list (self->records, KT_KIND_CONVERSATION, record->id, FALSE, NULL);
      for (guint j = 0; conversations != NULL && j < conversations->len; j++)
        {
          KtRecord *entry = g_ptr_array_index (conversations, j);
          KtConversation *conversation = load_from_file (self, KT_KIND_CONVERSATION, entry->id, NULL);

          if (conversation != NULL)
            g_ptr_array_add (all->conversations, conversation);
        }
    }
  for (guint i = 0; i < plan_ids->len; i++)
    {
      KtPlan *plan = load_from_file (self, KT_KIND_PLAN, g_ptr_array_index (plan_ids, i), NULL);

      if (plan != NULL)
        g_ptr_array_add (all->plans, plan);
    }
  return TRUE;
}

void
kt_store_load_all_async (KtStore             *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (KT_IS_STORE (self));

  read_on_worker (self, NULL, read_all, (GDestroyNotify) all_documents_clear, g_new0 (AllDocuments, 1),
                  (GDestroyNotify) all_documents_free, kt_store_load_all_async, cancellable, callback, user_data);
}

gboolean
kt_store_load_all_finish (KtStore       *self,
                          GAsyncResult  *result,
                          GPtrArray    **cases,
                          GPtrArray    **conversations,
                          GPtrArray    **plans,
                          GError       **error)
{
  AllDocuments *all;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kt_store_load_all_async, FALSE);

  all = read_on_worker_finish (result, error);
  if (all == NULL)
    return FALSE;
  take_drafts (self, KT_KIND_CASE, all->cases);
  take_drafts (self, KT_KIND_CONVERSATION, all->conversations);
  take_drafts (self, KT_KIND_PLAN, all->plans);
  *cases = g_steal_pointer (&all->cases);
  *conversations = g_steal_pointer (&all->conversations);
  *plans = g_steal_pointer (&all->plans);
  return TRUE;
}

typedef struct {
  KtKind     kind;
  char      *case_id;
  GPtrArray *docs;
} KindOfCase;

static void
kind_of_case_clear (KindOfCase *what)
{
  g_clear_pointer (&what->docs, g_ptr_array_unref);
}

static void
kind_of_case_free (KindOfCase *what)
{
  kind_of_case_clear (what);
  g_free (what->case_id);
  g_free (what);
}

/* On a worker: load_from_file () and the record store only, never
 * kt_store_load_plan () or _conversation (), whose drafts are the main
 * thread's. */
static gboolean
read_kind_for_case (KtStore       *self,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  KindOfCase *what = data;
  g_autoptr(GPtrArray) records = NULL;

  what->docs = g_ptr_array_new_with_free_func (what->kind == KT_KIND_PLAN
                                               ? (GDestroyNotify) kt_plan_unref
                                               : (GDestroyNotify) kt_conversation_unref);
  records = kt_record_store_list (self->records, what->kind, what->case_id, FALSE, error);
  if (records == NULL)
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    {
      KtRecord *record = g_ptr_array_index (records, i);
      gpointer doc;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      /* One that cannot be read is left out, as before. */
      doc = load_from_file (self, what->kind, record->id, NULL);
      if (doc != NULL)
        g_ptr_array_add (what->docs, doc);
    }
  return TRUE;
}

static void
load_kind_for_case_async (KtStore             *self,
                          KtKind               kind,
                          const char          *case_id,
                          gpointer             source_tag,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  KindOfCase *what = g_new0 (KindOfCase, 1);

  what->kind = kind;
  what->case_id = g_strdup (case_id);
  read_on_worker (self, case_id, read_kind_for_case, (GDestroyNotify) kind_of_case_clear, what,
                  (GDestroyNotify) kind_of_case_free, source_tag, cancellable, callback, user_data);
}

static GPtrArray *
load_kind_for_case_finish (KtStore       *self,
                           KtKind         kind,
                           GAsyncResult  *result,
                           GError       **error)
{
  KindOfCase *what = read_on_worker_finish (result, error);

  if (what == NULL)
    return NULL;
  take_drafts (self, kind, what->docs);
  return g_steal_pointer (&what->docs);
}

/* Where each household's plan stands */

typedef struct {
  GHashTable *stages;   /* case id → KtPlanStage */
} PlanStages;

static void
plan_stages_clear (PlanStages *read)
{
  g_clear_pointer (&read->stages, g_hash_table_unref);
}

static void
plan_stages_free (PlanStages *read)
{
  plan_stages_clear (read);
  g_free (read);
}

/* The newest version counts; of one version, the one written last.  The
 * stage and its record id are one block, so the table frees each with
 * g_free () and 10,000 households take no second allocation each. */
static void
plan_stages_add (GHashTable    *stages,
                 const char    *case_id,
                 const char    *id,
                 int            version,
                 KtReviewState  review)
{
  KtPlanStage *stage = g_hash_table_lookup (stages, case_id);
  gsize id_size = strlen (id) + 1;

  if (stage != NULL && stage->version > version)
    return;
  stage = g_malloc (sizeof *stage + id_size);
  stage->version = version;
  stage->review = review;
  stage->id = memcpy ((char *) (stage + 1), id, id_size);
  g_hash_table_insert (stages, g_strdup (case_id), stage);
}

/* On a worker: the plans' summaries, oldest first; a plan written before
 * plans had a summary is opened once (it gets one when it is saved). */
static gboolean
read_plan_stages (KtStore       *self,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  PlanStages *read = data;
  g_autoptr(GPtrArray) records = NULL;

  read->stages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  records = kt_record_store_list (self->records, KT_KIND_PLAN, KT_RECORD_STORE_ANY_CASE, TRUE, error);
  if (records == NULL)
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    {
      KtRecord *record = g_ptr_array_index (records, i);
      gint32 version;
      gint32 review;

      if (record->case_id == NULL)
        continue;
      if (record->summary != NULL &&
          g_bytes_get_size (record->summary) == 2 * sizeof (gint32))
        {
          g_autoptr(GVariant) summary = g_variant_new_from_bytes (G_VARIANT_TYPE ("(ii)"), record->summary, FALSE);

          g_variant_get (summary, "(ii)", &version, &review);
        }
      else
        {
          g_autoptr(KtPlan) plan = NULL;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          plan = load_from_file (self, KT_KIND_PLAN, record->id, NULL);
          if (plan == NULL)
            continue;
          version = plan->version;
          review = plan->review;
        }
      if (review < KT_REVIEW_DRAFT || review > KT_REVIEW_RETURNED)
        continue;
      plan_stages_add (read->stages, record->case_id, record->id, version, review);
    }
  return TRUE;
}

void
kt_store_list_plan_stages_async (KtStore             *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KT_IS_STORE (self));

  read_on_worker (self, NULL, read_plan_stages, (GDestroyNotify) plan_stages_clear, g_new0 (PlanStages, 1),
                  (GDestroyNotify) plan_stages_free, kt_store_list_plan_stages_async, cancellable, callback,
                  user_data);
}

GHashTable *
kt_store_list_plan_stages_finish (KtStore       *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  PlanStages *read;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kt_store_list_plan_stages_async, NULL);

  read = read_on_worker_finish (result, error);
  if (read == NULL || !check_open (self, error))
    return NULL;
  /* Drafts not yet written are newer than what the worker read. */
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Pending *pending = value;
      KtPlan *plan = pending->doc;

      if (pending->kind == KT_KIND_PLAN && plan->case_id != NULL)
        plan_stages_add (read->stages, plan->case_id, plan->header.id, plan->version, plan->review);
    }
  return g_steal_pointer (&read->stages);
}

void
kt_store_load_plans_for_case_async (KtStore             *self,
                                    const char          *case_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (KT_IS_STORE (self));
  g_return_if_fail (case_id != NULL);

  load_kind_for_case_async (self, KT_KIND_PLAN, case_id, kt_store_load_plans_for_case_async,
                            cancellable, callback, user_data);
}

GPtrArray *
kt_store_load_plans_for_case_finish (KtStore       *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kt_store_load_plans_for_case_async, NULL);

  return load_kind_for_case_finish (self, KT_KIND_PLAN, result, error);
}

void
kt_store_load_conversations_for_case_async (KtStore             *self,
                                            const char          *case_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (KT_IS_STORE (self));
  g_return_if_fail (case_id != NULL);

  load_kind_for_case_async (self, KT_KIND_CONVERSATION, case_id, kt_store_load_conversations_for_case_async,
                            cancellable, callback, user_data);
}

GPtrArray *
kt_store_load_conversations_for_case_finish (KtStore       *self,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kt_store_load_conversations_for_case_async,
                        NULL);

  return load_kind_for_case_finish (self, KT_KIND_CONVERSATION, result, error);
}

/* Opening one household */

typedef struct {
  char           *case_id;
  gboolean        plan_only;     /* kt_store_load_newest_plan_async () */
  KtCase         *kase;
  KtConversation *conversation;
  KtPlan         *plan;
  GError         *case_error;    /* the case could not be read from the file */
  GError         *problem;       /* its conversation or plan could not be */
} CaseRead;

static void
case_read_clear (CaseRead *read)
{
  g_clear_pointer (&read->kase, kt_case_unref);
  g_clear_pointer (&read->conversation, kt_conversation_unref);
  g_clear_pointer (&read->plan, kt_plan_unref);
  g_clear_error (&read->case_error);
  g_clear_error (&read->problem);
}

static void
case_read_free (CaseRead *read)
{
  g_free (read->case_id);
  case_read_clear (read);
  g_free (read);
}

/* The newest record of @kind of the case, decoded, or NULL when it has
 * none (or on @error). */
static gpointer
load_newest_from_file (KtStore     *self,
                       KtKind       kind,
                       const char  *case_id,
                       GError     **error)
{
  g_autoptr(GPtrArray) records = kt_record_store_list (self->records, kind, case_id, FALSE, error);
  KtRecord *newest;

  if (records == NULL || records->len == 0)
    return NULL;
  newest = g_ptr_array_index (records, records->len - 1);
  return load_from_file (self, kind, newest->id, error);
}

/* On a worker.  A case that is only a draft yet is not in the file: the
 * finish finds it. */
static gboolean
read_case (KtStore       *self,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  CaseRead *read = data;

  if (!read->plan_only)
    {
      read->kase = load_from_file (self, KT_KIND_CASE, read->case_id, &read->case_error);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      read->conversation = load_newest_from_file (self, KT_KIND_CONVERSATION, read->case_id, &read->problem);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  /* As opening did on the main loop: after a conversation that could not
   * be read, the plan is not looked for. */
  if (read->problem == NULL)
    read->plan = load_newest_from_file (self, KT_KIND_PLAN, read->case_id, &read->problem);
  return TRUE;
}

static void
load_case_async (KtStore             *self,
                 const char          *case_id,
                 gboolean             plan_only,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  CaseRead *read = g_new0 (CaseRead, 1);

  read->case_id = g_strdup (case_id);
  read->plan_only = plan_only;
  read_on_worker (self, case_id, read_case, (GDestroyNotify) case_read_clear, read,
                  (GDestroyNotify) case_read_free, source_tag, cancellable, callback, user_data);
}

/* A draft not yet written is newer than what the worker read (or the
 * only copy there is); steals @doc. */
static gpointer
draft_or (KtStore  *self,
          KtKind    kind,
          gpointer  doc)
{
  Pending *pending;

  if (doc == NULL)
    return NULL;
  pending = g_hash_table_lookup (self->pending, doc_header (doc)->id);
  if (pending == NULL || pending->kind != kind)
    return doc;
  doc_unref (kind, doc);
  return doc_ref (kind, pending->doc);
}

void
kt_store_load_case_async (KtStore             *self,
                          const char          *case_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (KT_IS_STORE (self));
  g_return_if_fail (case_id != NULL);

  load_case_async (self, case_id, FALSE, kt_store_load_case_async, cancellable, callback, user_data);
}

KtCase *
kt_store_load_case_finish (KtStore         *self,
                           GAsyncResult    *result,
                           KtConversation **conversation,
                           KtPlan         **plan,
                           GError         **problem,
                           GError         **error)
{
  CaseRead *read;
  Pending *pending;
  KtCase *kase;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kt_store_load_case_async, NULL);

  read = read_on_worker_finish (result, error);
  /* Locked while the worker read: what it read stays off the screen. */
  if (read == NULL || !check_open (self, error))
    return NULL;
  pending = g_hash_table_lookup (self->pending, read->case_id);
  if (pending != NULL && pending->kind == KT_KIND_CASE)
    kase = kt_case_ref (pending->doc);
  else if (read->kase != NULL)
    kase = g_steal_pointer (&read->kase);
  else
    {
      g_propagate_error (error, g_steal_pointer (&read->case_error));
      return NULL;
    }
  if (conversation != NULL)
    *conversation = draft_or (self, KT_KIND_CONVERSATION, g_steal_pointer (&read->conversation));
  if (plan != NULL)
    *plan = draft_or (self, KT_KIND_PLAN, g_steal_pointer (&read->plan));
  if (read->problem != NULL)
    g_propagate_error (problem, g_steal_pointer (&read->problem));
  return kase;
}

void
kt_store_load_newest_plan_async (KtStore             *self,
                                 const char          *case_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KT_IS_STORE (self));
  g_return_if_fail (case_id != NULL);

  load_case_async (self, case_id, TRUE, kt_store_load_newest_plan_async, cancellable, callback, user_data);
}

KtPlan *
kt_store_load_newest_plan_finish (KtStore       *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  CaseRead *read;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kt_store_load_newest_plan_async, NULL);

  read = read_on_worker_finish (result, error);
  if (read == NULL || !check_open (self, error))
    return NULL;
  if (read->problem != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&read->problem));
      return NULL;
    }
  return draft_or (self, KT_KIND_PLAN, g_steal_pointer (&read->plan));
}

GPtrArray *
kt_store_list_quarantined (KtStore *self)
{
  g_return_val_if_fail (KT_IS_STORE (self), NULL);

  if (self->records == NULL)
    return g_ptr_array_new_with_free_func (g_free);
  return kt_record_store_list_quarantined (self->records);
}

const KtStoreCheck *
kt_store_get_check (KtStore *self)
{
  g_return_val_if_fail (KT_IS_STORE (self), NULL);

  return self->check;
}

gboolean
kt_store_accept_check (KtStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  if (self->check == NULL)
    return TRUE;
  if (!check_open (self, error) || !kt_record_store_accept_check (self->records, error))
    return FALSE;
  write_mark_sync (self);
  g_clear_pointer (&self->check, kt_store_check_free);
  return TRUE;
}

static void
accept_check_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  KtStore *self = source_object;
  GError *error = NULL;

  if (check_open (self, &error) && kt_record_store_accept_check (self->records, &error))
    {
      write_mark_sync (self);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

void
kt_store_accept_check_async (KtStore             *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (KT_IS_STORE (self));

  g_task_set_source_tag (task, kt_store_accept_check_async);
  if (self->check == NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_run_in_thread (task, accept_check_thread);
}

gboolean
kt_store_accept_check_finish (KtStore      *self,
                              GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  /* Back on the owner's thread: the warning has been dealt with. */
  g_clear_pointer (&self->check, kt_store_check_free);
  return TRUE;
}

/* Idle lock */

void
kt_store_lock (KtStore *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KT_IS_STORE (self));

  if (self->records == NULL || self->idle_locked)
    return;

  /* Drafts first: a lock never throws work away.  What cannot be written
   * now (disk full) stays in memory and is written after unlocking. */
  if (!kt_store_flush (self, &error))
    g_message ("Locking with unsaved changes kept in memory: %s", error->message);
  /* The mark needs the key, which leaves now; a short call beside the
   * flush above, which waits for the disk too. */
  write_mark_sync (self);

  /* A restart while locked starts locked. */
  meta_set_uint (self, META_LOCKED, 1);
  self->left_locked = TRUE;
  kt_record_store_set_key (self->records, NULL);
  self->idle_locked = TRUE;
  if (self->idle_source != NULL)
    g_source_destroy (self->idle_source);
  g_clear_pointer (&self->idle_source, g_source_unref);
  g_signal_emit (self, signals[LOCKED], 0);
}

gboolean
kt_store_unlock_sync (KtStore       *self,
                      const char    *passphrase,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  return kt_store_open_sync (self, self->source, passphrase, cancellable, error);
}

static void arm_idle_timer (KtStore *self, guint64 delay_ms);

static gboolean
idle_cb (gpointer data)
{
  KtStore *self = data;
  gint64 deadline = self->last_touch + (gint64) self->idle_timeout_s * G_USEC_PER_SEC;
  gint64 now = g_get_monotonic_time ();

  g_clear_pointer (&self->idle_source, g_source_unref);
  if (self->idle_timeout_s == 0)
    return G_SOURCE_REMOVE;
  if (now < deadline)
    arm_idle_timer (self, (deadline - now + 999) / 1000);
  else
    kt_store_lock (self);
  return G_SOURCE_REMOVE;
}

static void
arm_idle_timer (KtStore *self,
                guint64  delay_ms)
{
  if (self->idle_source != NULL)
    g_source_destroy (self->idle_source);
  g_clear_pointer (&self->idle_source, g_source_unref);
  if (self->idle_timeout_s == 0 || self->idle_locked)
    return;

  self->idle_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (self->idle_source, idle_cb, self, NULL);
  g_source_attach (self->idle_source, self->context);
}

void
kt_store_set_idle_timeout (KtStore *self,
                           guint    seconds)
{
  g_return_if_fail (KT_IS_STORE (self));

  self->idle_timeout_s = seconds;
  self->last_touch = g_get_monotonic_time ();
  arm_idle_timer (self, (guint64) seconds * 1000);
}

void
kt_store_touch (KtStore *self)
{
  g_return_if_fail (KT_IS_STORE (self));

  /* Cheap on every key press: the timer re-arms itself when it fires. */
  self->last_touch = g_get_monotonic_time ();
  if (self->idle_source == NULL && self->idle_timeout_s > 0)
    arm_idle_timer (self, (guint64) self->idle_timeout_s * 1000);
}

/* Unlock secrets */

gboolean
kt_store_has_unlock_secret (KtStore        *self,
                            KtUnlockSecret  kind)
{
  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  switch (kind)
    {
    case KT_UNLOCK_PIN:
      return self->pin_verifier != NULL;
    case KT_UNLOCK_PASSWORD:
      return self->password_verifier != NULL;
    case KT_UNLOCK_PASSPHRASE:
    default:
      return self->records != NULL && self->source == KT_KEY_SOURCE_PASSPHRASE;
    }
}

gboolean
kt_store_needs_unlock_secret (KtStore *self)
{
  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  return self->records != NULL && self->source == KT_KEY_SOURCE_KEYRING &&
         self->pin_verifier == NULL && self->password_verifier == NULL;
}

gboolean
kt_store_was_left_locked (KtStore *self)
{
  g_return_val_if_fail (KT_IS_STORE (self), FALSE);

  return self->left_locked;
}

guint
kt_store_get_unlock_wait (KtStore *self)
{
  gint64 now = g_get_monotonic_time ();

  g_return_val_if_fail (KT_IS_STORE (self), 0);

  if (now >= self->next_attempt_at)
    return 0;
  return (self->next_attempt_at - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
}

static const char *
verifier_meta_name (KtUnlockSecret kind)
{
  return kind == KT_UNLOCK_PIN ? META_UNLOCK_PIN : META_UNLOCK_PASSWORD;
}

typedef struct {
  KtUnlockSecret  kind;
  char           *secret;     /* sodium_malloc'd */
  char           *verifier;   /* a copy, read on the owner's thread */
  gboolean        was_locked;
} SecretData;

static void
secret_data_free (SecretData *data)
{
  if (data->secret != NULL)
    {
      sodium_memzero (data->secret, strlen (data->secret));
      sodium_free (data->secret);
    }
  g_free (data->verifier);
  g_free (data);
}

static SecretData *
secret_data_new (KtUnlockSecret  kind,
                 const char     *secret)
{
  SecretData *data = g_new0 (SecretData, 1);
  gsize length = secret != NULL ? strlen (secret) : 0;

  data->kind = kind;
  data->secret = sodium_malloc (length + 1);
  if (data->secret != NULL)
    {
      memcpy (data->secret, secret != NULL ? secret : "", length);
      data->secret[length] = '\0';
    }
  return data;
}

static void
set_secret_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  KtStore *self = source_object;
  SecretData *data = task_data;
  char verifier[crypto_pwhash_STRBYTES];
  g_autoptr(GBytes) ad = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) sealed = NULL;
  GError *error = NULL;

  /* INTERACTIVE (64 MiB, a tenth of a second or so), not the data key's
   * cost: the verifier is sealed with the data key, so guessing from it
   * needs the data already; it only has to make each try at the lock
   * page slow.  Tests lower the cost further. */
  if (data->secret == NULL ||
      crypto_pwhash_str (verifier, data->secret, strlen (data->secret),
                         MIN (self->pwhash_ops, crypto_pwhash_OPSLIMIT_INTERACTIVE),
                         MIN (self->pwhash_mem, crypto_pwhash_MEMLIMIT_INTERACTIVE)) != 0)
    {
      g_task_return_new_error (task, KT_STORE_ERROR, KT_STORE_ERROR_IO, "%s",
                               _("There is not enough memory to protect the passphrase."));
      return;
    }
  ad = unlock_secret_ad (self, verifier_meta_name (data->kind));
  plain = g_bytes_new (verifier, strlen (verifier));
  sealed = kt_record_store_seal (self->records, ad, plain);
  if (sealed == NULL)
    {
      set_locked_error (&error);
      g_task_return_error (task, error);
      return;
    }
  if (!kt_record_store_set_meta (self->records, &error, verifier_meta_name (data->kind), sealed, NULL))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_strdup (verifier), g_free);
}

void
kt_store_set_unlock_secret_async (KtStore             *self,
                                  KtUnlockSecret       kind,
                                  const char          *secret,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_return_if_fail (KT_IS_STORE (self));
  g_return_if_fail (kind == KT_UNLOCK_PIN || kind == KT_UNLOCK_PASSWORD);

  g_task_set_source_tag (task, kt_store_set_unlock_secret_async);
  if (kt_store_is_locked (self))
    {
      set_locked_error (&error);
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, secret_data_new (kind, secret), (GDestroyNotify) secret_data_free);
  g_task_run_in_thread (task, set_secret_thread);
}

gboolean
kt_store_set_unlock_secret_finish (KtStore       *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  SecretData *data;
  char *verifier;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  verifier = g_task_propagate_pointer (G_TASK (result), error);
  if (verifier == NULL)
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (data->kind == KT_UNLOCK_PIN)
    {
      g_free (self->pin_verifier);
      self->pin_verifier = verifier;
    }
  else
    {
      g_free (self->password_verifier);
      self->password_verifier = verifier;
    }
  return TRUE;
}

static void
wrong_secret (KtStore         *self,
              KtUnlockSecret   kind,
              GError         **error)
{
  self->failed_attempts++;
  self->next_attempt_at = g_get_monotonic_time () + attempt_delay_ms (self) * (gint64) 1000;
  meta_set_uint (self, META_UNLOCK_FAILURES, self->failed_attempts);
  g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_WRONG_PASSPHRASE,
                       kind == KT_UNLOCK_PIN
                       ? _("That PIN is not right. Try again.")
                       : _("That password is not right. Try again."));
}

/* The lock is over: no marker, no failures (written here, off the main
 * loop). */
static void
unlocked_on_worker (KtStore *self)
{
  meta_set_uint (self, META_UNLOCK_FAILURES, 0);
  meta_set_uint (self, META_LOCKED, 0);
}

/* On a worker: the growing delay, the Argon2id check, then the key. */
static void
unlock_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  KtStore *self = source_object;
  SecretData *data = task_data;
  GError *error = NULL;
  guint wait = kt_store_get_unlock_wait (self);

  if (wait > 0)
    {
      g_task_return_new_error (task, KT_STORE_ERROR, KT_STORE_ERROR_TOO_MANY_ATTEMPTS,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "Wait %u second before trying again.",
                                            "Wait %u seconds before trying again.", wait),
                               wait);
      return;
    }

  if (data->kind == KT_UNLOCK_PASSPHRASE)
    {
      if (!open_store (self, self->source, data->secret, cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      unlocked_on_worker (self);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (data->verifier == NULL || data->secret == NULL ||
      crypto_pwhash_str_verify (data->verifier, data->secret, strlen (data->secret)) != 0)
    {
      wrong_secret (self, data->kind, &error);
      g_task_return_error (task, error);
      return;
    }
  /* The secret is right: the key comes from where it is kept. */
  if (!open_store (self, self->source, NULL, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  unlocked_on_worker (self);
  g_task_return_boolean (task, TRUE);
}

void
kt_store_unlock_async (KtStore             *self,
                       KtUnlockSecret       kind,
                       const char          *secret,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SecretData *data;

  g_return_if_fail (KT_IS_STORE (self));

  data = secret_data_new (kind, secret);
  data->verifier = g_strdup (kind == KT_UNLOCK_PIN ? self->pin_verifier
                             : kind == KT_UNLOCK_PASSWORD ? self->password_verifier : NULL);
  data->was_locked = self->records != NULL && self->idle_locked;
  g_task_set_source_tag (task, kt_store_unlock_async);
  g_task_set_task_data (task, data, (GDestroyNotify) secret_data_free);
  if (kind != KT_UNLOCK_PASSPHRASE && self->source == KT_KEY_SOURCE_PASSPHRASE)
    {
      /* The data key of a passphrase store comes only from its passphrase. */
      g_task_return_new_error (task, KT_STORE_ERROR, KT_STORE_ERROR_WRONG_PASSPHRASE, "%s",
                               _("Unlock with your passphrase."));
      return;
    }
  g_task_run_in_thread (task, unlock_thread);
}

gboolean
kt_store_unlock_finish (KtStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  SecretData *data = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  self->failed_attempts = 0;
  self->next_attempt_at = 0;
  self->left_locked = FALSE;
  opened (self, data->was_locked);
  return TRUE;
}
