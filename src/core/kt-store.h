/* kt-store.h: KtStore, the encrypted local store of one user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kt-codec.h"
#include "kt-case-due.h"

G_BEGIN_DECLS

#define KT_STORE_ERROR (kt_store_error_quark ())
GQuark kt_store_error_quark (void);

typedef enum {
  KT_STORE_ERROR_LOCKED,             /* keyring locked, or the store is idle-locked */
  KT_STORE_ERROR_NO_SECRET_SERVICE,  /* no Secret Service on the bus: use a passphrase */
  KT_STORE_ERROR_KEY_MISSING,        /* database exists but its key is gone; nothing created */
  KT_STORE_ERROR_WRONG_PASSPHRASE,
  KT_STORE_ERROR_TOO_MANY_ATTEMPTS,  /* wait before trying again (growing delay) */
  KT_STORE_ERROR_TAMPERED,           /* a record failed authentication: quarantined */
  KT_STORE_ERROR_CORRUPT,            /* the database file is damaged: kept untouched */
  KT_STORE_ERROR_DISK_FULL,          /* the draft stays in memory and is retried */
  KT_STORE_ERROR_NOT_FOUND,
  KT_STORE_ERROR_IO,
} KtStoreError;

typedef enum {
  KT_KEY_SOURCE_KEYRING,             /* data key kept in the Secret Service */
  KT_KEY_SOURCE_PASSPHRASE,          /* data key wrapped with an Argon2id key */
} KtKeySource;

/* Sync state of a record, stored in the clear beside it. */
typedef enum {
  KT_SYNC_LOCAL,                     /* a draft: never leaves the device */
  KT_SYNC_PENDING,                   /* shared, waiting in the outbox */
  KT_SYNC_SYNCED,
  KT_SYNC_CONFLICT,
} KtSyncState;

/* What the case list shows, decrypted from a small summary kept beside
 * each case so the list never decodes whole documents.  The store makes
 * each one a single block with its strings inside: read them, do not
 * replace them; kt_case_summary_free() frees the block. */
typedef struct {
  char    *id;
  char    *household;
  KtPhase  phase;
  char    *next_deadline;           /* ISO date or NULL */
  KtDueKind next_due;               /* what is due on that date */
  gboolean safety_concern;
  gint64   updated;
} KtCaseSummary;

void kt_case_summary_free (KtCaseSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtCaseSummary, kt_case_summary_free)

/* What the check at open found wrong with one record. */
typedef enum {
  KT_RECORD_ROLLED_BACK,            /* an older copy of it was put back */
  KT_RECORD_DELETED,                /* it was removed from the file */
  KT_RECORD_CHANGED,                /* it is not the record this device wrote last */
} KtRecordProblem;

typedef struct {
  char            *id;
  KtKind           kind;
  KtRecordProblem  problem;
} KtRecordFinding;

void kt_record_finding_free (KtRecordFinding *finding);

/* The check of the whole file at open, against the authenticated index
 * and the counter kept outside the file.  Records rolled back or changed
 * are quarantined; the rest of the store opens as usual. */
typedef struct {
  GPtrArray *records;               /* (element-type KtRecordFinding) */
  gboolean   store_older;           /* the whole file is older than the last one this device saved */
  gboolean   index_changed;         /* records were put back or removed, but the store cannot tell which */
} KtStoreCheck;

KtStoreCheck *kt_store_check_new      (void);
void          kt_store_check_free     (KtStoreCheck *check);
gboolean      kt_store_check_is_clean (const KtStoreCheck *check);
/* What the user is told, translated (transfer full). */
char         *kt_store_check_describe (const KtStoreCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtStoreCheck, kt_store_check_free)

#define KT_TYPE_STORE (kt_store_get_type ())
G_DECLARE_FINAL_TYPE (KtStore, kt_store, KT, STORE, GObject)

/* A store on the database file at @path; nothing is opened yet. */
KtStore     *kt_store_new              (const char *path);
const char  *kt_store_get_path         (KtStore *self);
gboolean     kt_store_exists           (KtStore *self);
KtKeySource  kt_store_get_key_source   (KtStore *self);
gboolean     kt_store_is_locked        (KtStore *self);

/* Opens (or on first run creates) the store.  With KT_KEY_SOURCE_KEYRING the
 * passphrase is ignored.  Never creates a new key over an existing database. */
void         kt_store_open_async       (KtStore             *self,
                                        KtKeySource          source,
                                        const char          *passphrase,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean     kt_store_open_finish      (KtStore      *self,
                                        GAsyncResult *result,
                                        GError      **error);
gboolean     kt_store_open_sync        (KtStore      *self,
                                        KtKeySource   source,
                                        const char   *passphrase,
                                        GCancellable *cancellable,
                                        GError      **error);

/* Re-wraps the data key; records are not re-encrypted. */
gboolean     kt_store_change_passphrase (KtStore    *self,
                                         const char *old_passphrase,
                                         const char *new_passphrase,
                                         GError    **error);

/* Idle lock: flushes every pending draft, then wipes the key from memory
 * and emits ::locked.  kt_store_unlock_* takes the key back. */
void         kt_store_lock             (KtStore *self);
void         kt_store_set_idle_timeout (KtStore *self,
                                        guint    seconds);
/* Tells the store the user did something, restarting the idle timer. */
void         kt_store_touch            (KtStore *self);
gboolean     kt_store_unlock_sync      (KtStore      *self,
                                        const char   *passphrase,
                                        GCancellable *cancellable,
                                        GError      **error);

/* What the user knows that ends a lock.  With the keyring the data key
 * needs no secret, so the store checks a PIN or the account password
 * against an Argon2id verifier it keeps sealed with the data key. */
typedef enum {
  KT_UNLOCK_PIN,
  KT_UNLOCK_PASSWORD,                /* the server account's, checked offline */
  KT_UNLOCK_PASSPHRASE,              /* a passphrase store's own */
} KtUnlockSecret;

/* TRUE when @kind can end a lock of this store. */
gboolean     kt_store_has_unlock_secret (KtStore        *self,
                                         KtUnlockSecret  kind);
/* TRUE for an open keyring store that has no PIN or password yet: the app
 * asks for a PIN before it shows anything (first use). */
gboolean     kt_store_needs_unlock_secret (KtStore *self);
/* TRUE when the store was locked when the app last closed (or died): it
 * starts locked. */
gboolean     kt_store_was_left_locked  (KtStore *self);
/* Seconds until a wrong secret may be tried again (0: now). */
guint        kt_store_get_unlock_wait  (KtStore *self);
/* Keeps an Argon2id verifier of @secret (PIN or password), made on a worker;
 * the store must be unlocked. */
void         kt_store_set_unlock_secret_async  (KtStore             *self,
                                                KtUnlockSecret       kind,
                                                const char          *secret,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean     kt_store_set_unlock_secret_finish (KtStore       *self,
                                                GAsyncResult  *result,
                                                GError       **error);
/* Ends a lock when @secret is right (checked on a worker); wrong tries wait
 * longer each time (KT_STORE_ERROR_TOO_MANY_ATTEMPTS says how long), count
 * across restarts and never wipe anything. */
void         kt_store_unlock_async     (KtStore             *self,
                                        KtUnlockSecret       kind,
                                        const char          *secret,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean     kt_store_unlock_finish    (KtStore       *self,
                                        GAsyncResult  *result,
                                        GError       **error);

/* Autosave: call on every change.  The store keeps a reference to the
 * document, bumps its rev, and writes it within one second on a worker
 * thread; several calls in that second coalesce into one write.
 * Failures are reported through ::save-failed and retried. */
void         kt_store_autosave_case         (KtStore *self, KtCase *kase);
void         kt_store_autosave_conversation (KtStore *self, KtConversation *conversation);
void         kt_store_autosave_plan         (KtStore *self, KtPlan *plan);
/* Writes everything pending now (page change, quit); blocks only on the
 * worker, never on the network. */
gboolean     kt_store_flush            (KtStore *self,
                                        GError **error);
void         kt_store_flush_async      (KtStore             *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean     kt_store_flush_finish     (KtStore      *self,
                                        GAsyncResult *result,
                                        GError      **error);

/* Direct save of one document in one transaction (tests, sync). */
gboolean     kt_store_save_document    (KtStore          *self,
                                        const KtDocument *doc,
                                        KtSyncState       sync_state,
                                        GError          **error);

/* The same for @docs (element-type KtDocument *), each in its own
 * transaction on the store's worker, after what it already holds; they are
 * encoded before this returns (sync: a batch of pulled records, without
 * the main loop waiting for the disk). */
void         kt_store_save_documents_async  (KtStore             *self,
                                             GPtrArray           *docs,
                                             KtSyncState          sync_state,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     kt_store_save_documents_finish (KtStore       *self,
                                             GAsyncResult  *result,
                                             GError       **error);

/* Loading (transfer full); TAMPERED records are quarantined and fail. */
KtCase         *kt_store_load_case         (KtStore *self, const char *id, GError **error);
KtConversation *kt_store_load_conversation (KtStore *self, const char *id, GError **error);
KtPlan         *kt_store_load_plan         (KtStore *self, const char *id, GError **error);

/* The coach and the registering intaker of the case @case_id as the
 * store's file holds it (each NULL when none; transfer full): who may read
 * the case's conversations and plans.  FALSE when the case is not here or
 * the store is locked.  Safe on any thread: it reads the file, not drafts
 * still in memory (they are written within a second). */
gboolean     kt_store_get_case_readers  (KtStore     *self,
                                         const char  *case_id,
                                         char       **coach,
                                         char       **intaker);

/* Ids of the conversations / plans of one case, oldest first. */
GPtrArray   *kt_store_list_ids_for_case (KtStore    *self,
                                         KtKind      kind,
                                         const char *case_id,
                                         GError    **error);

/* Ids of every conversation or plan, whatever its case and whether that
 * case is in the store or not, oldest first (element-type utf8). */
GPtrArray   *kt_store_list_ids          (KtStore    *self,
                                         KtKind      kind,
                                         GError    **error);

/* The fast path for the case list (element-type KtCaseSummary). */
GPtrArray   *kt_store_list_cases       (KtStore *self,
                                        GError **error);
void         kt_store_list_cases_async (KtStore             *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GPtrArray   *kt_store_list_cases_finish (KtStore      *self,
                                         GAsyncResult *result,
                                         GError      **error);

/* Every case with its conversations, and every plan whatever its case
 * (each element-type its kind, transfer full), read and decrypted on a
 * worker: for the views of the whole team, which would otherwise hold the
 * main loop for seconds on a large store (issue 22).  Drafts not yet
 * written take the place of their records. */
void         kt_store_load_all_async   (KtStore             *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean     kt_store_load_all_finish  (KtStore       *self,
                                        GAsyncResult  *result,
                                        GPtrArray    **cases,
                                        GPtrArray    **conversations,
                                        GPtrArray    **plans,
                                        GError       **error);

/* Where each household's plan stands, for the case list at start: maps
 * each case id with a plan to the KtPlanStage of its newest version
 * (transfer full), read on a worker from the plans' summaries (and from
 * the plan itself where one was written before plans had a summary);
 * drafts not yet written count.  @id is that version's record id, whose
 * own share state says whether the server has the plan (the household's
 * covers its every record); it lives in the stage's block and goes with
 * it. */
typedef struct {
  int            version;
  KtReviewState  review;
  const char    *id;
} KtPlanStage;

void         kt_store_list_plan_stages_async  (KtStore             *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GHashTable  *kt_store_list_plan_stages_finish (KtStore       *self,
                                               GAsyncResult  *result,
                                               GError       **error);

/* Every version of the plan of case @case_id, oldest first (element-type
 * KtPlan, transfer full), read and decrypted on a worker, so that opening
 * a household's plan does not hold the main loop for each of them (issue
 * 22).  Drafts not yet written take the place of their records. */
void         kt_store_load_plans_for_case_async  (KtStore             *self,
                                                  const char          *case_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray   *kt_store_load_plans_for_case_finish (KtStore       *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);
/* The same for every conversation of case @case_id (element-type
 * KtConversation), oldest first: for the inzage of a household. */
void         kt_store_load_conversations_for_case_async  (KtStore             *self,
                                                          const char          *case_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GPtrArray   *kt_store_load_conversations_for_case_finish (KtStore       *self,
                                                          GAsyncResult  *result,
                                                          GError       **error);

/* Opening a household: the case @case_id, its newest conversation and its
 * newest plan, read and decrypted on a worker, so that the main loop does
 * not wait for the store while a save holds it (issue 22).  Drafts not yet
 * written take the place of their records.  The finish returns the case
 * (transfer full), or NULL and @error when it cannot be read; the
 * conversation and plan are each NULL when the case has none, and
 * @problem says when one could not be read (the case is returned). */
void         kt_store_load_case_async   (KtStore             *self,
                                         const char          *case_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
KtCase      *kt_store_load_case_finish  (KtStore         *self,
                                         GAsyncResult    *result,
                                         KtConversation **conversation,
                                         KtPlan         **plan,
                                         GError         **problem,
                                         GError         **error);
/* The newest plan of case @case_id (transfer full), read on a worker as
 * above; NULL without an error when the case has none. */
void         kt_store_load_newest_plan_async  (KtStore             *self,
                                               const char          *case_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
KtPlan      *kt_store_load_newest_plan_finish (KtStore       *self,
                                               GAsyncResult  *result,
                                               GError       **error);
/* Records that failed authentication, by id (element-type utf8). */
GPtrArray   *kt_store_list_quarantined (KtStore *self);

/* What the check at the last open found, or NULL when all was as this
 * device left it.  Owned by the store. */
const KtStoreCheck *kt_store_get_check (KtStore *self);
/* The user has read the check's message: the index is brought in line
 * with the file as it is (set-aside records stay set aside) and the
 * warning is not shown again. */
void         kt_store_accept_check_async  (KtStore             *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean     kt_store_accept_check_finish (KtStore      *self,
                                           GAsyncResult *result,
                                           GError      **error);
gboolean     kt_store_accept_check        (KtStore  *self,
                                           GError  **error);

/* Sync bookkeeping, plain columns with no client data, on the store's
 * worker after the saves queued before it (the main loop does not wait for
 * a commit holding the file); marks keep the order they were asked in. */
void         kt_store_set_sync_state_async  (KtStore             *self,
                                             const char          *id,
                                             KtSyncState          state,
                                             gint64               server_rev,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     kt_store_set_sync_state_finish (KtStore       *self,
                                             GAsyncResult  *result,
                                             GError       **error);

G_END_DECLS
