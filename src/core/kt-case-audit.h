/* kt-case-audit.h: who read a case's records and when, from the server's
 * audit log (GET /cases/{id}/audit), for the resident's inzage
 *
 * Kept apart from KtSyncClient and KtRoleClient: it only borrows the sync
 * client's server, account and token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kt-sync-client.h"

G_BEGIN_DECLS

typedef struct {
  gint64  at;             /* unix seconds */
  char   *username;
  char   *display_name;   /* or NULL */
  char   *role;           /* "supervisor" …, or NULL */
  char   *record_id;
  char   *kind;           /* "case", "conversation", "plan" */
} KtCaseRead;

void kt_case_read_free (KtCaseRead *read);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtCaseRead, kt_case_read_free)

/* Parses the server's answer (element-type KtCaseRead, transfer full). */
GPtrArray *kt_case_reads_parse        (GBytes              *body,
                                       GError             **error);
/* Asks the server for the reads of @case_id as @sync's signed-in account;
 * KT_SYNC_ERROR_NOT_SIGNED_IN when not signed in, and a not-found error
 * when the account is not the case's coach. */
void       kt_case_reads_fetch_async  (KtSyncClient        *sync,
                                       const char          *case_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
GPtrArray *kt_case_reads_fetch_finish (GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
