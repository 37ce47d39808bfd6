/* kt-sync-controller.h: KtSyncController, the app's side of syncing
 *
 * Owns the window's KtSyncClient and hands it the store as the place pulled
 * records are kept (KtStoreSink: the pull position moves only after the
 * store committed, and sync waits while the store is locked).  Shows the
 * sign-in dialog and the
 * conflict view, tells the user of new assignments and review results in a
 * notification without client data, and says per household what the server
 * has: lokaal, wacht, gedeeld or geweigerd (with the server's reason).
 *
 * What the app chrome reads (all on the main thread):
 * - who and where: kt_sync_controller_get_display_name / _get_username /
 *   _get_server_url, NULL when never signed in; _is_signed_in;
 * - when: _get_last_synced (0 when no round finished since the start);
 * - the client's "status", "status-message", "signed-in", "username",
 *   "display-name", "server-url", "last-synced" and "n-pending" properties
 *   notify, on kt_sync_controller_get_client ();
 * - ::case-state-changed (case id, or NULL for "every case may have
 *   changed") after every round, share, push confirmation and refusal;
 * - ::documents-changed (GPtrArray of KtDocument *, valid during the
 *   emission): what one batch of pulled records put into the store, told
 *   once for the batch, so that views update only those.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-key-controller.h"
#include "kt-role-client.h"
#include "kt-store.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_SYNC_CONTROLLER (kt_sync_controller_get_type ())
G_DECLARE_FINAL_TYPE (KtSyncController, kt_sync_controller, KT, SYNC_CONTROLLER, GObject)

/* Syncing for @window's @store; the outbox lives beside the store file. */
KtSyncController *kt_sync_controller_new         (GtkWindow        *window,
                                                  KtStore          *store);
KtSyncClient     *kt_sync_controller_get_client  (KtSyncController *self);
/* This account's key and the team's, on this device. */
KtKeyController  *kt_sync_controller_get_keys    (KtSyncController *self);
/* The one role client of the client: the intaker's and supervisor's
 * requests, and the queue of assignments it sends after a push. */
KtRoleClient     *kt_sync_controller_get_roles   (KtSyncController *self);

/* Opens the sign-in dialog. */
void              kt_sync_controller_sign_in     (KtSyncController *self);
/* Opens the first conflict, if any, side by side. */
void              kt_sync_controller_show_conflicts (KtSyncController *self);

/* The signed-in account and its server; NULL when never signed in. */
gboolean          kt_sync_controller_is_signed_in    (KtSyncController *self);
const char       *kt_sync_controller_get_username     (KtSyncController *self);
const char       *kt_sync_controller_get_display_name (KtSyncController *self);
const char       *kt_sync_controller_get_server_url   (KtSyncController *self);
/* Unix seconds of the last round that finished, 0 when none yet. */
gint64            kt_sync_controller_get_last_synced  (KtSyncController *self);

/* Who the server says the signed-in account is (transfer full): asked once
 * a sign-in and kept; callers that ask meanwhile share the one request. */
void              kt_sync_controller_fetch_me_async  (KtSyncController    *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
KtSyncUser       *kt_sync_controller_fetch_me_finish (KtSyncController  *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

/* "Nu synchroniseren": a round now (or right after the running one). */
void              kt_sync_controller_sync_now    (KtSyncController *self);
/* The household and the plan on screen (each NULL when none, transfer
 * none), asked of @owner when they are to be changed. */
typedef void (*KtOpenDocumentsFunc) (GObject  *owner,
                                     KtCase  **open_case,
                                     KtPlan  **open_plan);

/* After signing in as a coach (the server is asked the role; a supervisor
 * or an intaker adopts nothing): every household started with "+" before
 * any sign-in (no coach, no intaker) gets the signed-in coach as its coach,
 * and what of it waits in the queue (or was refused for want of a coach)
 * goes again.  The store is searched on a thread and written on its
 * worker; the main loop only changes the households found, a few at a
 * time.  The documents @open_documents gives for @owner (held weakly) are
 * changed in place so that their next autosave keeps it.  Finishes with
 * how many households were adopted. */
void              kt_sync_controller_adopt_households_async  (KtSyncController    *self,
                                                              KtOpenDocumentsFunc  open_documents,
                                                              GObject             *owner,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gssize            kt_sync_controller_adopt_households_finish (KtSyncController  *self,
                                                              GAsyncResult      *result,
                                                              GError           **error);
/* TRUE from signing in until the households were adopted (or not). */
gboolean          kt_sync_controller_get_adopting            (KtSyncController  *self);

/* Records shared from this device that the server does not have yet
 * (waiting, refused, or in conflict).  Ask before signing out when it is
 * not 0: they stay on the device and go out after the next sign-in. */
guint             kt_sync_controller_get_n_unsynced (KtSyncController *self);
/* Signs out: revokes the token (when the server can be reached) and removes
 * it from the keyring.  The store and the outbox stay: nothing is dropped.
 * @n_unsynced (may be NULL) gets what was still waiting. */
void              kt_sync_controller_sign_out_async  (KtSyncController    *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          kt_sync_controller_sign_out_finish (KtSyncController  *self,
                                                      GAsyncResult      *result,
                                                      guint             *n_unsynced,
                                                      GError           **error);

/* What the server has of household @case_id (KT_SHARE_LOCAL, _WAITING,
 * _SHARED, _REFUSED: lokaal / wacht / gedeeld / geweigerd, see
 * kt-sync-client.h); @reason (may be NULL) gets the server's words when
 * REFUSED (transfer full), else NULL. */
KtShareState      kt_sync_controller_get_case_state   (KtSyncController *self,
                                                       const char       *case_id,
                                                       char            **reason);
/* The same for one record (a plan): WAITING until the server confirmed
 * it, REFUSED with the reason, SHARED once it has it.  A submitted plan is
 * "Ingediend" only when SHARED. */
KtShareState      kt_sync_controller_get_record_state (KtSyncController *self,
                                                       const char       *id,
                                                       char            **reason);

G_END_DECLS
