/* kt-role-client.h: KtRoleClient, the requests of the intaker's and the
 * supervisor's work beside KtSyncClient's push and pull
 *
 * Assign a case, list the team's coaches, review a plan, read one record
 * (which the server audits for plans), read the signed-in user's role.
 * It sends through the KtApiClient of the KtSyncClient it belongs to: the
 * same server, account, token and error messages.  Assignments made offline wait in the sync client's
 * encrypted outbox and are sent once the case itself has reached the server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kt-review.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_ROLE_CLIENT (kt_role_client_get_type ())
G_DECLARE_FINAL_TYPE (KtRoleClient, kt_role_client, KT, ROLE_CLIENT, GObject)

/* A client for the account @sync is signed in with.  Make one for a sync
 * client and share it: the role client sends @sync's queue of assignments
 * (by itself after a push, and when asked), and keeps its own flushes
 * apart, not those of another role client of the same sync client, which
 * could read an assignment before this one forgot it and send it twice. */
KtRoleClient *kt_role_client_new (KtSyncClient *sync);

/* GET /me: the signed-in user with role and team (transfer full). */
void          kt_role_client_fetch_me_async       (KtRoleClient        *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
KtSyncUser   *kt_role_client_fetch_me_finish      (KtRoleClient  *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

/* GET /team/coaches (element-type KtCoach, transfer full).  Who needs it
 * offline keeps it (kt_coach_list_save_async). */
void          kt_role_client_fetch_coaches_async  (KtRoleClient        *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GPtrArray    *kt_role_client_fetch_coaches_finish (KtRoleClient  *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

/* GET /records/{id}: one record; reading a plan as someone other than its
 * author is written to the server's audit log (transfer full). */
void          kt_role_client_fetch_record_async   (KtRoleClient        *self,
                                                   const char          *id,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
KtSyncRecord *kt_role_client_fetch_record_finish  (KtRoleClient  *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

/* POST /plans/{id}/review: the plan as the server stored it after the
 * review (transfer full).  KT_SYNC_ERROR_CONFLICT when the plan changed. */
void          kt_role_client_review_async         (KtRoleClient        *self,
                                                   const char          *plan_id,
                                                   const KtReview      *review,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
KtSyncRecord *kt_role_client_review_finish        (KtRoleClient  *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

/* What the intaker's ::registered handler calls: shares the new case
 * through the sync client (without its coach, which only an assignment
 * may set on the server) and queues the assignment when @kase has a coach.
 * Works offline: both wait in the outbox.  The case is written on the sync
 * client's worker (kt_sync_client_share_async), the assignment after it. */
void          kt_role_client_share_registration_async  (KtRoleClient        *self,
                                                        const KtCase        *kase,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean      kt_role_client_share_registration_finish (KtRoleClient  *self,
                                                        GAsyncResult  *result,
                                                        GError       **error);
/* Keeps "assign @case_id to @coach" until it can be sent: it works
 * offline.  Written on a worker (the outbox's setting), after every change
 * of the queue asked for before it. */
void          kt_role_client_queue_assignment_async  (KtRoleClient        *self,
                                                      const char          *case_id,
                                                      const char          *coach,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean      kt_role_client_queue_assignment_finish (KtRoleClient  *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* How many assignments are queued, read on the calling thread: for tests
 * and tools, not for the main loop. */
guint         kt_role_client_get_n_pending_assignments (KtRoleClient *self);
/* Sends every queued assignment (POST /cases/{id}/assign), reading the
 * queue on a worker before each.  One flush of this client runs at a
 * time; one asked meanwhile waits for it and then reads the queue again.  One whose case
 * has not reached the server yet stays queued; a refused one is dropped and
 * reported through ::assignment-failed (case id, coach, reason).  A case queued for another coach
 * while its assignment was on its way stays queued and is sent again, to
 * the new coach.  One sent that cannot be taken off the queue (the device
 * cannot write it) stops the flush with that error.  Runs by itself after
 * the sync client pushed a case with a queued assignment; such a flush
 * tells of a queue it could not write through ::queue-failed. */
void          kt_role_client_flush_assignments_async  (KtRoleClient        *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean      kt_role_client_flush_assignments_finish (KtRoleClient  *self,
                                                       GAsyncResult  *result,
                                                       GError       **error);

G_END_DECLS
