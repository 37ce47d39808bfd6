/* kt-outbox.h: KtOutbox, the sync client's encrypted bookkeeping
 *
 * The records waiting to be pushed, the conflicts waiting for the user
 * (both versions), the server revision each record is based on, and the pull
 * cursor.  Kept in its own SQLite file beside the store; every record body is
 * sealed the way the store seals records (kt_crypto_seal: versioned
 * XChaCha20-Poly1305, the opened text wiped when freed) under a 256-bit key
 * the caller provides, bound to its table, id and revision.  A queue from
 * before, sealed without a version byte, is rewritten when first opened.  An entry leaves the outbox only when
 * the server confirmed it.  Safe to call from a worker beside the main
 * thread: a call that writes holds the outbox's lock and is one
 * transaction that never interleaves with another; a call that only reads
 * has a connection of its own, so it never waits for a write (WAL).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kt-sync-conflict.h"

G_BEGIN_DECLS

#define KT_OUTBOX_KEY_SIZE 32

#define KT_OUTBOX_ERROR (kt_outbox_error_quark ())
GQuark kt_outbox_error_quark (void);

typedef enum {
  KT_OUTBOX_ERROR_IO,
  KT_OUTBOX_ERROR_WRONG_KEY,   /* the key does not open this outbox */
  KT_OUTBOX_ERROR_TAMPERED,    /* a sealed body failed authentication */
  KT_OUTBOX_ERROR_INVALID,     /* a record older than what it would replace */
  KT_OUTBOX_ERROR_NOT_FOUND,
} KtOutboxError;

/* One record waiting to be pushed. */
typedef struct {
  gint64        seq;
  KtSyncRecord *record;
  gint64        base_rev;     /* the server revision it replaces (0: new) */
  gboolean      frozen;       /* a push of it has started */
  char         *failure;      /* why the server refused it last time, or NULL */
} KtOutboxEntry;

void kt_outbox_entry_free (KtOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtOutboxEntry, kt_outbox_entry_free)

#define KT_TYPE_OUTBOX (kt_outbox_get_type ())
G_DECLARE_FINAL_TYPE (KtOutbox, kt_outbox, KT, OUTBOX, GObject)

/* Opens or creates the outbox at @path with @key (KT_OUTBOX_KEY_SIZE bytes). */
KtOutbox      *kt_outbox_open          (const char    *path,
                                        const guint8  *key,
                                        GError       **error);

/* Queues @record.  An unsent older revision of it is replaced; one being sent
 * stays and @record follows it.  While the record is in conflict, @record
 * becomes the conflict's local version instead. */
gboolean       kt_outbox_add           (KtOutbox           *self,
                                        const KtSyncRecord *record,
                                        GError            **error);
/* Up to @max entries to push next, oldest first, one per record, none of a
 * record in @skip_ids (may be NULL) (element-type KtOutboxEntry). */
GPtrArray     *kt_outbox_peek          (KtOutbox    *self,
                                        guint        max,
                                        GHashTable  *skip_ids,
                                        GError     **error);
gboolean       kt_outbox_freeze        (KtOutbox    *self,
                                        gint64       seq,
                                        GError     **error);
/* kt_outbox_freeze for each of @entries (element-type KtOutboxEntry) not
 * frozen yet, in one transaction; each is marked frozen. */
gboolean       kt_outbox_freeze_all    (KtOutbox    *self,
                                        GPtrArray   *entries,
                                        GError     **error);
/* The server stored entry @seq: it leaves the outbox. */
gboolean       kt_outbox_confirm       (KtOutbox    *self,
                                        gint64       seq,
                                        GError     **error);
gboolean       kt_outbox_set_failure   (KtOutbox    *self,
                                        gint64       seq,
                                        const char  *message,
                                        GError     **error);
guint          kt_outbox_count         (KtOutbox    *self);
gboolean       kt_outbox_has_pending   (KtOutbox    *self,
                                        const char  *id);

/* The server revision the local copy of @id is based on (0: none). */
gint64         kt_outbox_get_known_rev (KtOutbox    *self,
                                        const char  *id);
gboolean       kt_outbox_set_known_rev (KtOutbox    *self,
                                        const char  *id,
                                        gint64       rev,
                                        GError     **error);

/* Entry @seq met @server on the server: all queued revisions of the record
 * leave the outbox and the newest of them is kept beside @server. */
gboolean       kt_outbox_add_conflict  (KtOutbox           *self,
                                        gint64              seq,
                                        const KtSyncRecord *server,
                                        GError            **error);
/* A newer server copy for a record already in conflict. */
gboolean       kt_outbox_update_conflict_server (KtOutbox           *self,
                                                 const KtSyncRecord *server,
                                                 GError            **error);
gboolean       kt_outbox_has_conflict  (KtOutbox    *self,
                                        const char  *id);
guint          kt_outbox_count_conflicts (KtOutbox  *self);
/* (element-type KtSyncConflict) */
GPtrArray     *kt_outbox_list_conflicts (KtOutbox   *self,
                                         GError    **error);
/* Replaces the conflict of @merged's id with @merged, queued on top of the
 * server's copy; @merged->rev must be above the server's. */
gboolean       kt_outbox_resolve_conflict (KtOutbox           *self,
                                           const KtSyncRecord *merged,
                                           GError            **error);

/* Whether anything of @id (with @whole_case, of the case @id and every
 * record of it) is queued or in conflict; @failure (may be NULL) gets the
 * first refusal among them, or NULL (transfer full). */
gboolean       kt_outbox_find_waiting  (KtOutbox    *self,
                                        const char  *id,
                                        gboolean     whole_case,
                                        char       **failure);
/* kt_outbox_find_waiting with @whole_case for every id at once, in one
 * read: each record id and case id with something queued or in conflict
 * maps to the first refusal among them, or to "" (transfer full). */
GHashTable    *kt_outbox_collect_waiting (KtOutbox *self);
/* Every id the server has a revision of, as a set (transfer full). */
GHashTable    *kt_outbox_collect_known   (KtOutbox *self);
/* What the sync client's main loop needs of the outbox, read in one read
 * transaction (issue 22): the main loop answers from it and never reads the
 * outbox itself. */
typedef struct {
  guint       serial;         /* a later read has a higher one */
  guint       n_pending;      /* entries queued */
  guint       n_conflicts;
  GHashTable *waiting;        /* record id → refusal or "": queued or in conflict */
  GHashTable *waiting_cases;  /* as kt_outbox_collect_waiting () */
  GHashTable *known;          /* as kt_outbox_collect_known (), or NULL if not read */
  GHashTable *known_changes;  /* id → GINT_TO_POINTER (whether the server has a
                               * revision of it), for the ids a change wrote
                               * (kt_outbox_read_state_after ()), or NULL */
  char       *cursor;         /* the pull position, or NULL */
  gboolean    signed_out;     /* the user signed out (the "signed_out" setting) */
} KtOutboxState;

void           kt_outbox_state_free    (KtOutboxState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtOutboxState, kt_outbox_state_free)

/* The state, with the known ids when @with_known (they only change when
 * something is confirmed, pulled or resolved) (transfer full). */
KtOutboxState *kt_outbox_read_state    (KtOutbox    *self,
                                        gboolean     with_known,
                                        GError     **error);
/* The state after a change that wrote the known revisions of
 * @changed_ids (element-type utf8) and no others: as kt_outbox_read_state ()
 * without the known ids, and with what the outbox now says of each of
 * @changed_ids in known_changes, so the read grows with the change, not
 * with every id the server has (issue 22) (transfer full). */
KtOutboxState *kt_outbox_read_state_after (KtOutbox    *self,
                                           GPtrArray   *changed_ids,
                                           GError     **error);

/* The ids the server has, as the sync client's main loop keeps them from
 * the states read after each change: a full read (known) and a change's
 * (known_changes) both go in, and for each id the newest read that said
 * something of it wins, whatever order the reads come in.  Main loop
 * only; taking a change costs what the change holds. */
typedef struct _KtOutboxKnown KtOutboxKnown;

KtOutboxKnown *kt_outbox_known_new      (void);
void           kt_outbox_known_free     (KtOutboxKnown       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtOutboxKnown, kt_outbox_known_free)
/* Takes what @state read of the known ids, if anything. */
void           kt_outbox_known_take     (KtOutboxKnown       *self,
                                         KtOutboxState       *state);
gboolean       kt_outbox_known_contains (KtOutboxKnown       *self,
                                         const char          *id);
/* Calls @func for each id known. */
void           kt_outbox_known_foreach  (KtOutboxKnown       *self,
                                         void               (*func) (const char *id,
                                                                     gpointer    user_data),
                                         gpointer             user_data);

/* A pulled page was kept: each of @records (element-type KtSyncRecord) is
 * known at its revision and the pull resumes after @cursor, all in one
 * transaction (one commit a page, not one a record). */
gboolean       kt_outbox_advance_pull  (KtOutbox    *self,
                                        GPtrArray   *records,
                                        const char  *cursor,
                                        GError     **error);
/* Small plain settings: cursor, server address, username.  Never client data. */
char          *kt_outbox_get_meta      (KtOutbox    *self,
                                        const char  *key);
gboolean       kt_outbox_set_meta      (KtOutbox    *self,
                                        const char  *key,
                                        const char  *value,
                                        GError     **error);
/* Changes setting @key in one step: @change gets its value (NULL when
 * unset) and returns the new one (transfer full; NULL unsets it).  No other
 * write of the outbox comes between the read and the write, so two
 * changes made on different threads both stay. */
typedef char *(*KtOutboxMetaChange) (const char *value,
                                     gpointer    user_data);
gboolean       kt_outbox_update_meta   (KtOutbox           *self,
                                        const char         *key,
                                        KtOutboxMetaChange  change,
                                        gpointer            user_data,
                                        GError            **error);

/* For tests: a thread of its own holds the outbox, so that every read and
 * write of it waits as it would for a slow disk, until
 * kt_outbox_release_for_test () or @ms milliseconds (a bound, so a test
 * of code that waits on the main loop fails instead of hanging).  Unlike
 * another program's write transaction, this also holds the reads, which
 * in WAL never wait for a writer. */
void           kt_outbox_hold_for_test     (KtOutbox *self,
                                            guint     ms);
gboolean       kt_outbox_is_held_for_test  (KtOutbox *self);
void           kt_outbox_release_for_test  (KtOutbox *self);

G_END_DECLS
