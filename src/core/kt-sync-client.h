/* kt-sync-client.h: KtSyncClient, sign-in, outbox push and pull for one device
 *
 * Offline first: shared records wait in an encrypted outbox (KtOutbox) and
 * leave it only when the server confirmed them.  A sync round pushes the
 * outbox in chunks (If-Match: the base revision; a retry is replayed, never
 * duplicated), keeps both versions of every conflict until the user resolves
 * it, then pulls the changes since the saved cursor.  Rounds run when the
 * network monitor says the server is reachable, when something is shared and
 * periodically, backing off with jitter after a failure.  The bearer token
 * lives only in the Secret Service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kt-api-client.h"
#include "kt-outbox.h"
#include "kt-record-sealer.h"
#include "kt-record-sink.h"
#include "kt-sync-conflict.h"
#include "kt-sync-protocol.h"

G_BEGIN_DECLS

typedef enum {
  KT_SYNC_STATUS_SIGNED_OUT,     /* never signed in, or signed out: nothing syncs */
  KT_SYNC_STATUS_IDLE,           /* signed in, no round has finished yet */
  KT_SYNC_STATUS_SYNCING,
  KT_SYNC_STATUS_SYNCED,         /* see :last-synced */
  KT_SYNC_STATUS_OFFLINE,
  KT_SYNC_STATUS_NEEDS_SIGN_IN,  /* the token expired or was revoked */
  KT_SYNC_STATUS_ERROR,          /* see :status-message */
  KT_SYNC_STATUS_PAUSED,         /* the sink (the store) is locked; resumes on unlock */
} KtSyncStatus;

/* What the server has of a record, or of a household's records. */
typedef enum {
  KT_SHARE_LOCAL,      /* never shared: only on this device */
  KT_SHARE_WAITING,    /* shared, not confirmed by the server yet (or in conflict) */
  KT_SHARE_SHARED,     /* the server has it */
  KT_SHARE_REFUSED,    /* the server refused it; it stays queued with the reason */
} KtShareState;

#define KT_TYPE_SYNC_STATUS (kt_sync_status_get_type ())
GType kt_sync_status_get_type (void);

#define KT_TYPE_SYNC_CLIENT (kt_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (KtSyncClient, kt_sync_client, KT, SYNC_CLIENT, GObject)

/* A client keeping its outbox at @state_path; call an open function next. */
KtSyncClient *kt_sync_client_new          (const char *state_path);

/* Opens the outbox (its key comes from the Secret Service, made on first
 * run) and looks up the token of the saved account. */
void          kt_sync_client_open_async   (KtSyncClient        *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean      kt_sync_client_open_finish  (KtSyncClient  *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/* Signs in at @server_url (https, or http to loopback only) and keeps the
 * token in the Secret Service. */
void          kt_sync_client_sign_in_async  (KtSyncClient        *self,
                                             const char          *server_url,
                                             const char          *username,
                                             const char          *password,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      kt_sync_client_sign_in_finish (KtSyncClient  *self,
                                             GAsyncResult  *result,
                                             GError       **error);
/* Revokes the token on the server when it can and removes it from the
 * Secret Service.  The outbox stays. */
void          kt_sync_client_sign_out_async  (KtSyncClient        *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      kt_sync_client_sign_out_finish (KtSyncClient  *self,
                                              GAsyncResult  *result,
                                              GError       **error);

/* Where pulled records are kept (see kt-record-sink.h); without a sink
 * nothing is pulled.  Sync waits while the sink is not ready. */
void          kt_sync_client_set_sink     (KtSyncClient  *self,
                                           KtRecordSink  *sink);

/* Shares one document (its encoded JSON): it goes into the outbox frozen at
 * its revision, and a sync round follows soon.  The check, the sealing and
 * the write run on a worker (issue 22), one share at a time in the order
 * they were asked for: a household shared before its plan reaches the
 * outbox first.  When it finishes, the record waits in the outbox. */
void          kt_sync_client_share_async  (KtSyncClient        *self,
                                           GBytes              *body,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean      kt_sync_client_share_finish (KtSyncClient  *self,
                                           GAsyncResult  *result,
                                           GError       **error);
/* The same, written on the calling thread before it returns: for tests and
 * tools that have no main loop to keep free.  The app shares with
 * kt_sync_client_share_async (). */
gboolean      kt_sync_client_share        (KtSyncClient  *self,
                                           GBytes        *body,
                                           GError       **error);

/* Runs one sync round (or waits for the running one and runs another). */
void          kt_sync_client_sync_async   (KtSyncClient        *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean      kt_sync_client_sync_finish  (KtSyncClient  *self,
                                           GAsyncResult  *result,
                                           GError       **error);
/* Starts syncing by itself: on network changes, after sharing, periodically,
 * and between rounds a watch (GET /changes?wait=) that the server answers
 * as soon as something for this account is committed. */
void          kt_sync_client_start        (KtSyncClient *self);
/* Stops all that; call it before dropping the client (a watch in flight
 * holds a reference to it until it is cancelled). */
void          kt_sync_client_stop         (KtSyncClient *self);
void          kt_sync_client_sync_soon    (KtSyncClient *self);

/* The conflicts waiting for the user, both versions of each, read and
 * opened on a worker. */
void          kt_sync_client_list_conflicts_async    (KtSyncClient        *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
/* (element-type KtSyncConflict) (transfer full) */
GPtrArray    *kt_sync_client_list_conflicts_finish   (KtSyncClient  *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* Resolves the conflict of @id with the chosen version of each field
 * (see kt_sync_conflict_merge); the result is queued as a new revision on
 * top of the server's.  The merge and the write run on a worker; @choices
 * is copied.  Once it finishes the counts say so. */
void          kt_sync_client_resolve_conflict_async  (KtSyncClient        *self,
                                                      const char          *id,
                                                      GHashTable          *choices,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean      kt_sync_client_resolve_conflict_finish (KtSyncClient  *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);

/* What the server has of the record @id; @reason (may be NULL) gets the
 * server's words when REFUSED (transfer full). */
KtShareState  kt_sync_client_get_record_state   (KtSyncClient  *self,
                                                 const char    *id,
                                                 char         **reason);
/* The same for household @case_id: the case and its conversations and
 * plans together (REFUSED before WAITING before SHARED). */
KtShareState  kt_sync_client_get_case_state     (KtSyncClient  *self,
                                                 const char    *case_id,
                                                 char         **reason);
/* kt_sync_client_get_case_state for every household at once, for a list
 * of thousands (one read of the sync state instead of three per
 * household): maps each case id that is not LOCAL to a KtShareInfo;
 * an id it lacks is LOCAL (transfer full). */
typedef struct {
  KtShareState  state;
  char         *reason;   /* the refusal, or NULL */
} KtShareInfo;

GHashTable   *kt_sync_client_get_case_states    (KtSyncClient  *self);
/* Each record id and case id with something queued or in conflict, mapped
 * to the first refusal among them or to "" (as kt_outbox_collect_waiting),
 * from what the client knows: no read of the outbox (transfer full: a
 * reference to a table not to be changed). */
GHashTable   *kt_sync_client_get_waiting        (KtSyncClient  *self);

KtSyncStatus  kt_sync_client_get_status         (KtSyncClient *self);
/* Why the last round failed, for the user; NULL unless :status is ERROR,
 * OFFLINE or NEEDS_SIGN_IN. */
const char   *kt_sync_client_get_status_message (KtSyncClient *self);
/* Unix seconds of the last completed exchange with the server, 0 when
 * none: a round that finished, or a held pull (the watch between rounds)
 * that the server answered, with records or empty at the end of its wait.
 * ::round-finished says a round finished. */
gint64        kt_sync_client_get_last_synced    (KtSyncClient *self);
guint         kt_sync_client_get_n_pending      (KtSyncClient *self);
guint         kt_sync_client_get_n_conflicts    (KtSyncClient *self);
gboolean      kt_sync_client_is_signed_in       (KtSyncClient *self);
/* The path the client keeps its outbox at; it names the device. */
const char   *kt_sync_client_get_state_path     (KtSyncClient *self);
const char   *kt_sync_client_get_server_url     (KtSyncClient *self);
const char   *kt_sync_client_get_username       (KtSyncClient *self);
const char   *kt_sync_client_get_display_name   (KtSyncClient *self);
/* The account's role ("wijkcoach", "intaker", "supervisor") and team as the
 * server gave them at the last sign-in on this device, or NULL (signed in
 * before they were kept). */
const char   *kt_sync_client_get_role           (KtSyncClient *self);
const char   *kt_sync_client_get_team           (KtSyncClient *self);
KtOutbox     *kt_sync_client_get_outbox         (KtSyncClient *self);
/* The transport this client sends through, with its server and token; the
 * role client's requests share it. */
KtApiClient  *kt_sync_client_get_api            (KtSyncClient *self);

/* Sealed records.  With a sealer every push is sealed to its readers and
 * every sealed record pulled is opened before the sink keeps it; a record
 * sealed to this account by no one yet is left for later (it comes again
 * when a colleague's device seals it to this account).  The sealer is not
 * changed once it is set: set a new one when the team's keys change.  With
 * sealing required and no sealer (a new device before its key is
 * restored) nothing syncs, and the status says why. */
void            kt_sync_client_set_sealer           (KtSyncClient   *self,
                                                     KtRecordSealer *sealer);
KtRecordSealer *kt_sync_client_get_sealer           (KtSyncClient   *self);
void            kt_sync_client_set_sealing_required (KtSyncClient   *self,
                                                     gboolean        required);
/* Why there is no sealer when it is not this device's doing: the team's
 * keys could not be fetched because the network or the server is away
 * (@error, copied; NULL when that is over).  A round that waits for the
 * key then says what a round that could not reach the server says, not
 * that the key is missing, which would send the coach to her recovery
 * phrase. */
void            kt_sync_client_set_key_wait_error   (KtSyncClient   *self,
                                                     const GError   *error);
/* Records pulled that this device could not open (altered, or sealed by a
 * key it does not trust) in the last round. */
guint           kt_sync_client_get_n_unopened       (KtSyncClient   *self);
/* Starts the pull over from the beginning: after a colleague's key is
 * trusted again, what it sealed is opened this time.  The pull position is
 * forgotten on a worker; once it finishes, a started client runs a round
 * from the beginning. */
void            kt_sync_client_pull_again_async     (KtSyncClient        *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean        kt_sync_client_pull_again_finish    (KtSyncClient   *self,
                                                     GAsyncResult   *result,
                                                     GError        **error);

/* Seconds a request may stall before it counts as a timeout (for
 * connections opened from now on). */
void          kt_sync_client_set_timeout        (KtSyncClient *self,
                                                 guint         seconds);
/* Trust anchors for the server certificate (e.g. a municipality's own CA);
 * NULL for the system's.  An untrusted certificate is never accepted. */
void          kt_sync_client_set_tls_database   (KtSyncClient *self,
                                                 GTlsDatabase *database);

G_END_DECLS
