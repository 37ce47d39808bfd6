/* kt-backend.h: KtBackend, where the server keeps accounts, tokens, records
 * and the audit log
 *
 * The base class holds every query of the server once; a subclass per
 * database (kt-backend-sqlite.c, kt-backend-postgres.c) only runs SQL.
 * Statements use "?" placeholders and SQL that both databases accept.
 *
 * Not thread-safe: once the server serves, one thread (its database
 * thread) makes every call but kt_backend_is_connected().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kt-account.h"
#include "kt-server-record.h"

G_BEGIN_DECLS

typedef enum {
  KT_SQL_NULL,
  KT_SQL_TEXT,
  KT_SQL_INT,
} KtSqlType;

/* One statement parameter. */
typedef struct {
  KtSqlType   type;
  const char *text;
  gint64      num;
} KtSqlParam;

#define KT_SQL_TEXT_PARAM(s) ((KtSqlParam) { (s) != NULL ? KT_SQL_TEXT : KT_SQL_NULL, (s), 0 })
#define KT_SQL_INT_PARAM(i)  ((KtSqlParam) { KT_SQL_INT, NULL, (i) })

/* A result: row-major cells as text (NULL for SQL NULL). */
typedef struct {
  guint      n_cols;
  GPtrArray *cells;
} KtRows;

void        kt_rows_init    (KtRows *rows);
void        kt_rows_clear   (KtRows *rows);
guint       kt_rows_count   (const KtRows *rows);
const char *kt_rows_get     (const KtRows *rows, guint row, guint col);
gint64      kt_rows_get_int (const KtRows *rows, guint row, guint col);

/* One statement of a batch: what kt_backend_query_batch () runs. */
typedef struct {
  const char       *sql;
  const KtSqlParam *params;
  guint             n_params;
  KtRows           *rows;     /* the result's rows; NULL: none wanted */
} KtSqlStatement;

#define KT_TYPE_BACKEND (kt_backend_get_type ())
G_DECLARE_DERIVABLE_TYPE (KtBackend, kt_backend, KT, BACKEND, GObject)

/* The columns of a record, in the order the backend reads them. */
#define KT_BACKEND_RECORD_COLUMNS "id, kind, rev, case_id, author, team, coach, review, updated, seq, body, " \
                                  "intaker, phase, due, sealed"

struct _KtBackendClass
{
  GObjectClass parent_class;

  /* Statements that differ between databases. */
  const char *begin_sql;        /* start a write transaction */
  /* An expression on the row `page` of a pull that gives the record's key
   * entries as a JSON array of [reader, sender, key] in the readers'
   * order, so that a pull's page and its keys are one statement and so one
   * snapshot (NULL: the keys are read by a second statement). */
  const char *page_keys_sql;
  /* A coach's page of the feed, with the parameters of the one in
   * kt_backend_list_changes () (team, since, coach, coach, limit); NULL:
   * that one. */
  const char *coach_page_sql;
  const char *audit_schema;     /* the audit table and what keeps it append-only */
  const char *fast_commits;     /* a commit survives a crash of the server, not a power cut */
  const char *durable_commits;  /* a commit is on disk before it is answered */
  /* The expression of the next change sequence number. */
  const char *next_seq;
  /* Taken first in a transaction that writes records, so writers from
   * several server processes commit in sequence order (NULL: BEGIN does it). */
  const char *write_lock;
  /* Brings the change sequence of a schema-2 database over (NULL: none). */
  const char *upgrade_seq;
  /* WITH may hold INSERT, UPDATE and DELETE: a record, its key entries and
   * its audit row are written by one statement (one round trip). */
  gboolean    write_in_one_statement;

  /* Runs a script of statements without parameters. */
  gboolean (*exec)  (KtBackend        *self,
                     const char       *script,
                     GError          **error);
  /* Outside any transaction: gives the space of deleted rows back, so no
   * old bytes of them stay in the database's files; fails when it could
   * not make sure of that. */
  gboolean (*reclaim) (KtBackend      *self,
                       GError        **error);
  /* Runs one statement, prepared once and cached by its text; fills @rows
   * (which may be NULL) with what it returns. */
  gboolean (*query) (KtBackend        *self,
                     const char       *sql,
                     const KtSqlParam *params,
                     guint             n_params,
                     KtRows           *rows,
                     GError          **error);
  /* Runs @n statements in order, sent to the database together where it
   * can (PostgreSQL's pipeline mode: one round trip); fails at the first
   * that fails, the ones after it not run.  NULL: one by one with query. */
  gboolean (*query_batch)  (KtBackend      *self,
                            KtSqlStatement *statements,
                            guint           n,
                            GError        **error);
  /* Whether the connection is up (NULL: always); called from any thread. */
  gboolean (*is_connected) (KtBackend     *self);
};

typedef enum {
  KT_PUT_ERROR,
  KT_PUT_CREATED,
  KT_PUT_UPDATED,
  KT_PUT_STALE,       /* the stored revision is not the base: nothing written */
} KtPutResult;

typedef struct {
  gint64  id;
  gint64  at;
  char   *actor;
  char   *action;     /* "read", "write", "assign", "review" */
  char   *record_id;
  char   *kind;
  char   *detail;     /* never client data: "coach=anna", "decision=approve" */
  char   *outcome;    /* "ok", or the refusal's error code: "forbidden", "plan_locked" … */
} KtAuditEntry;

void kt_audit_entry_free (KtAuditEntry *entry);

/* An entry of the key directory. */
typedef struct {
  char   *username;
  char   *display_name; /* the account's display name (the username when none was given) */
  KtRole  role;
  char   *public_key;   /* base64 of the X25519 public key */
  gint64  published;    /* unix seconds */
} KtAccountKey;

void kt_account_key_free (KtAccountKey *key);

typedef enum {
  KT_PUBLISH_ERROR,
  KT_PUBLISH_NEW,          /* the account's first key */
  KT_PUBLISH_SAME,         /* this key and bundle were there already: nothing written */
  KT_PUBLISH_NEW_BUNDLE,   /* the same key with a new recovery bundle */
  KT_PUBLISH_REPLACED,     /* another key than the one published before */
} KtPublishResult;

/* Opens sqlite:///path or postgresql://… (transfer full).  With @create a
 * missing SQLite file is made; otherwise it must exist. */
KtBackend      *kt_backend_open             (const char *uri,
                                             gboolean    create,
                                             GError    **error);
/* Chooses whether a commit waits for the disk (see the config's durable-commits). */
gboolean        kt_backend_set_durable      (KtBackend  *self,
                                             gboolean    durable,
                                             GError    **error);
/* Starts a group of writes that share one transaction and one flush:
 * until kt_backend_end_group() the writes below do not commit on their own. */
gboolean        kt_backend_begin_group      (KtBackend  *self,
                                             GError    **error);
/* Ends the group: commits when every statement in it went through, rolls
 * back (and fails) otherwise. */
gboolean        kt_backend_end_group        (KtBackend  *self,
                                             GError    **error);
/* For a subclass that connects again: the session settings to run first
 * (NULL: none). */
const char     *kt_backend_get_session_sql  (KtBackend  *self);
/* Whether the database answers now: a short query, which first makes a
 * lost connection again when its backoff has passed (FALSE at once before). */
gboolean        kt_backend_ping             (KtBackend  *self);
/* Whether the connection was up at the last query; no query of its own, so
 * it may be asked from any thread. */
gboolean        kt_backend_is_connected     (KtBackend  *self);
/* Creates the tables when missing (idempotent). */
gboolean        kt_backend_init_schema      (KtBackend  *self,
                                             GError    **error);
/* Fails with KT_SERVER_ERROR_NOT_INITIALISED when init has not run. */
gboolean        kt_backend_check_schema     (KtBackend  *self,
                                             GError    **error);

gboolean        kt_backend_add_account      (KtBackend        *self,
                                             const KtAccount  *account,
                                             GError          **error);
/* The account, or NULL without error when there is none (transfer full). */
KtAccount      *kt_backend_get_account      (KtBackend  *self,
                                             const char *username,
                                             GError    **error);
/* Accounts, filtered by team and role when given (element-type KtAccount). */
GPtrArray      *kt_backend_list_accounts    (KtBackend  *self,
                                             const char *team,
                                             int         role,
                                             GError    **error);
gboolean        kt_backend_set_password     (KtBackend  *self,
                                             const char *username,
                                             const char *password_hash,
                                             GError    **error);
gboolean        kt_backend_set_disabled     (KtBackend  *self,
                                             const char *username,
                                             gboolean    disabled,
                                             GError    **error);

gboolean        kt_backend_add_token        (KtBackend  *self,
                                             const char *digest,
                                             const char *username,
                                             gint64      expires,
                                             GError    **error);
/* The enabled account a live token belongs to, or NULL (transfer full). */
KtAccount      *kt_backend_lookup_token     (KtBackend  *self,
                                             const char *digest,
                                             gint64      now,
                                             GError    **error);
/* kt_backend_lookup_token () for each of @n @digests (repeats allowed)
 * in one statement per 512: @accounts[i] gets the account of
 * @digests[i] (transfer full) or NULL.  FALSE with @error when the
 * database failed; then every @accounts[i] is NULL. */
gboolean        kt_backend_lookup_tokens    (KtBackend         *self,
                                             const char *const *digests,
                                             guint              n,
                                             gint64             now,
                                             KtAccount        **accounts,
                                             GError           **error);
gboolean        kt_backend_revoke_token     (KtBackend  *self,
                                             const char *digest,
                                             GError    **error);
/* Revokes every token of @username; the number revoked, or -1 on error. */
gint64          kt_backend_revoke_tokens_of (KtBackend  *self,
                                             const char *username,
                                             GError    **error);

/* The record, or NULL without error when there is none (transfer full). */
KtServerRecord *kt_backend_get_record       (KtBackend  *self,
                                             const char *id,
                                             GError    **error);
/* The record @id and the record @case_id in one query: each is set to the
 * record, or NULL when there is none (transfer full).  FALSE on error. */
gboolean        kt_backend_get_record_and_case (KtBackend       *self,
                                                const char      *id,
                                                const char      *case_id,
                                                KtServerRecord **record,
                                                KtServerRecord **kase,
                                                GError         **error);
/* Stores @record when the stored revision is @base_rev (0: nothing stored),
 * with the next change sequence number (written to @record->seq).  With
 * @audit_action, the audit entry is written in the same transaction. */
KtPutResult     kt_backend_put_record       (KtBackend       *self,
                                             KtServerRecord  *record,
                                             gint64           base_rev,
                                             const char      *audit_actor,
                                             const char      *audit_action,
                                             const char      *audit_detail,
                                             GError         **error);
/* kt_backend_put_record() for an assignment of the case @kase (audited as
 * "assign" by @actor): in the same transaction the case's conversations and
 * plans get new change sequence numbers after the case's, so the coach it
 * is now assigned to pulls them from any cursor, not only once they change. */
KtPutResult     kt_backend_assign_case      (KtBackend       *self,
                                             KtServerRecord  *kase,
                                             gint64           base_rev,
                                             const char      *actor,
                                             const char      *detail,
                                             GError         **error);
/* The records named by @ids (element-type utf8; may repeat) that exist,
 * with their key entries, into @found (id → KtServerRecord, owning both; it
 * must free them).  All in one batch: one round trip to PostgreSQL for a
 * group's pushes, whatever their number.  FALSE on error. */
gboolean        kt_backend_get_records      (KtBackend       *self,
                                             GPtrArray       *ids,
                                             GHashTable      *found,
                                             GError         **error);
/* kt_backend_get_records () without the bodies (body NULL) and the key
 * entries (keys NULL): what decides most pushes, without reading, and for
 * PostgreSQL taking out of TOAST, a stored body the push will replace. */
gboolean        kt_backend_get_record_heads (KtBackend       *self,
                                             GPtrArray       *ids,
                                             GHashTable      *found,
                                             GError         **error);

/* One write of kt_backend_put_records (). */
typedef struct {
  KtServerRecord *record;    /* its seq is set when written */
  gint64          base_rev;
  KtPutResult     result;    /* out */
  GError         *error;     /* out, with KT_PUT_ERROR; the caller frees it */
} KtRecordWrite;

/* kt_backend_put_record () without audit for each of @writes, which name
 * different records.  Inside a group on PostgreSQL, the writes are sent
 * together (pipeline mode): one round trip for all of them.  Each write
 * keeps its own revision check (KT_PUT_STALE for that one only). */
void            kt_backend_put_records      (KtBackend       *self,
                                             KtRecordWrite   *writes,
                                             guint            n);
/* Records @reader may read with a sequence number after @since, oldest
 * first, at most @limit (element-type KtServerRecord). */
GPtrArray      *kt_backend_list_changes     (KtBackend       *self,
                                             const KtAccount *reader,
                                             gint64           since,
                                             guint            limit,
                                             GError         **error);
/* One pull of kt_backend_list_changes_many (). */
typedef struct {
  const KtAccount *reader;
  gint64           since;
  guint            limit;
  GPtrArray       *records;  /* out: as kt_backend_list_changes () answers; NULL: @error says why */
  GError          *error;    /* out; the caller frees both */
} KtChangesPull;

/* kt_backend_list_changes () for each of @pulls, each one statement and so
 * one snapshot as there; on PostgreSQL sent together (pipeline mode): one
 * round trip for all of them.  A pull that fails fails alone. */
void            kt_backend_list_changes_many (KtBackend     *self,
                                              KtChangesPull *pulls,
                                              guint          n);
/* Adds @keys (element-type KtSealedKey) to the entries of the sealed
 * @record while its revision is @record->rev (KT_PUT_STALE otherwise); an
 * entry a reader has already is kept.  The record gets the next change
 * sequence number (written to @record->seq) so its new readers pull it;
 * audited as "reseal" by @actor. */
KtPutResult     kt_backend_add_keys         (KtBackend       *self,
                                             KtServerRecord  *record,
                                             GPtrArray       *keys,
                                             const char      *actor,
                                             GError         **error);
/* Up to @limit sealed records, oldest first, that @reader may read and
 * holds a key entry for, where another account that may read it and has
 * published a key has none (element-type KtServerRecord). */
GPtrArray      *kt_backend_list_pending     (KtBackend       *self,
                                             const KtAccount *reader,
                                             guint            limit,
                                             GError         **error);
/* Up to @limit records still in plaintext, oldest first, that @writer may
 * write: a coach's cases and their conversations and plans, an intaker's
 * own cases not assigned yet (element-type KtServerRecord). */
GPtrArray      *kt_backend_list_unsealed    (KtBackend       *self,
                                             const KtAccount *writer,
                                             guint            limit,
                                             GError         **error);
/* The team's plans in review state @review, newest first. */
GPtrArray      *kt_backend_list_plans       (KtBackend  *self,
                                             const char *team,
                                             const char *review,
                                             GError    **error);
/* Number of cases per coach in @team (coach name → count as GINT_TO_POINTER). */
GHashTable     *kt_backend_count_caseloads  (KtBackend  *self,
                                             const char *team,
                                             GError    **error);

/* The number of records of each kind whose body is not sealed (plaintext,
 * pushed before the app sealed records), into @counts.  FALSE on error. */
gboolean        kt_backend_count_records    (KtBackend  *self,
                                             gboolean    sealed,
                                             gint64      counts[KT_N_KINDS],
                                             GError    **error);
/* Deletes every record whose body is not sealed (audited as
 * "remove-plaintext" by @actor), then reclaims the space so that their
 * bytes are gone from the database's files; the number deleted, or -1. */
gint64          kt_backend_remove_plaintext (KtBackend  *self,
                                             const char *actor,
                                             GError    **error);

/* Appends one audit entry per record of @records read by @actor (element-type
 * KtServerRecord): a few multi-row INSERTs in one transaction. */
gboolean        kt_backend_audit_reads      (KtBackend  *self,
                                             const char *actor,
                                             GPtrArray  *records,
                                             GError    **error);
/* Appends the entry of a refused request: @actor (or "-" when not signed
 * in) tried @action on @record_id (of @kind, or NULL when unknown) and got
 * @outcome, the error code of the answer. */
gboolean        kt_backend_audit_refusal    (KtBackend  *self,
                                             const char *actor,
                                             const char *action,
                                             const char *record_id,
                                             const char *kind,
                                             const char *outcome,
                                             GError    **error);
/* The audit log from @since (unix seconds) on, oldest first, of @record_id
 * and by @actor when they are not NULL (element-type KtAuditEntry). */
GPtrArray      *kt_backend_list_audit       (KtBackend  *self,
                                             gint64      since,
                                             const char *record_id,
                                             const char *actor,
                                             GError    **error);

/* The successful reads of the records of the case @case_id (the case, its
 * conversations and plans), oldest first (element-type KtAuditEntry). */
GPtrArray      *kt_backend_list_case_reads  (KtBackend  *self,
                                             const char *case_id,
                                             GError    **error);

/* Puts @username's public key and recovery bundle (both base64) in the key
 * directory, replacing what was there; says what changed. */
KtPublishResult kt_backend_publish_key      (KtBackend  *self,
                                             const char *username,
                                             const char *public_key,
                                             const char *recovery_bundle,
                                             gint64      now,
                                             GError    **error);
/* The published keys of @team's enabled accounts, by username (element-type
 * KtAccountKey). */
GPtrArray      *kt_backend_list_team_keys   (KtBackend  *self,
                                             const char *team,
                                             GError    **error);
/* @username's recovery bundle (base64), or NULL without error when the
 * account published none (transfer full). */
char           *kt_backend_get_recovery_bundle (KtBackend  *self,
                                                const char *username,
                                                GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtAuditEntry, kt_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtAccountKey, kt_account_key_free)

G_END_DECLS
