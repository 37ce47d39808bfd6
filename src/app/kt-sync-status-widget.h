/* kt-sync-status-widget.h: KtSyncStatusWidget, the quiet sync state in the case header
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-key-controller.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_SYNC_STATUS_WIDGET (kt_sync_status_widget_get_type ())
G_DECLARE_FINAL_TYPE (KtSyncStatusWidget, kt_sync_status_widget, KT, SYNC_STATUS_WIDGET, AdwBin)

/* Follows @client (may be NULL: shows nothing). */
GtkWidget  *kt_sync_status_widget_new        (KtSyncClient       *client);
void        kt_sync_status_widget_set_client (KtSyncStatusWidget *self,
                                              KtSyncClient       *client);
const char *kt_sync_status_widget_get_text   (KtSyncStatusWidget *self);
/* Follows @keys (may be NULL) too: a key problem sharing waits on is part
 * of the reason, as in the bar above the list. */
void        kt_sync_status_widget_set_key_controller (KtSyncStatusWidget *self,
                                                      KtKeyController    *keys);
/* Whether the reason stands under the state (by default), or only in its
 * tooltip: the window's bar above the list says it where the list is
 * beside the household. */
void        kt_sync_status_widget_set_show_reason (KtSyncStatusWidget *self,
                                                   gboolean            show_reason);
/* Whether the action that helps (Sync Now, Sign In…) may stand beside the
 * reason under the state: not while the resident watches, when the rest of
 * the sync controls (the bar and the button above the list) are hidden. */
void        kt_sync_status_widget_set_show_action (KtSyncStatusWidget *self,
                                                   gboolean            show_action);
/* The reason shown under the state, or NULL (for tests). */
const char *kt_sync_status_widget_get_reason (KtSyncStatusWidget *self);

/* The short text for a state, e.g. "Synced at 14:02" (transfer full);
 * NULL when nothing is shown (signed out). */
char       *kt_sync_status_format            (KtSyncStatus  status,
                                              gint64        last_synced,
                                              guint         n_conflicts);

/* What kt_sync_status_describe () says of a state, decided without the
 * words: nothing, words the coach may read (offline or paused with
 * nothing waiting), or words that ask the coach to act or tell that work
 * is held back. */
typedef enum {
  KT_SYNC_REASON_NONE,
  KT_SYNC_REASON_CALM,
  KT_SYNC_REASON_HOLDS_BACK,
} KtSyncReasonKind;

/* The kind of reason kt_sync_status_describe () gives for the same
 * arguments, without making its text. */
KtSyncReasonKind kt_sync_status_reason_kind  (KtSyncStatus  status,
                                              const char   *message,
                                              gint64        last_synced,
                                              guint         n_pending,
                                              const char   *key_problem);

/* Why the state is what it is, in words: the client's @message (a refused
 * push, no network, an unreachable server, sign in again), when the last
 * sync was, how many records wait and @key_problem (may be NULL), or NULL
 * when all is well (transfer full).  @needs_action is set when the user
 * has to act or should know that work is held back; merely offline with
 * nothing waiting is not.  Which of these it is, is
 * kt_sync_status_reason_kind ()'s to decide. */
char       *kt_sync_status_describe          (KtSyncStatus  status,
                                              const char   *message,
                                              gint64        last_synced,
                                              guint         n_pending,
                                              const char   *key_problem,
                                              gboolean     *needs_action);

/* What helps when @status holds sharing back: "win.sign-in" (signed out,
 * sign in again) or "win.sync-now" (a failed round, offline; not while a
 * key problem holds sharing back, which syncing now does not mend), or
 * NULL.  @label (with its mnemonic) and @name (for a screen reader: GTK
 * 4.8 does not name a button from its label) get the button's words. */
const char *kt_sync_status_action            (KtSyncStatus   status,
                                              gboolean       key_problem,
                                              const char   **label,
                                              const char   **name);

/* The key problem of @keys (may be NULL) that sharing through @client
 * waits on, or NULL: none while signed out. */
const char *kt_sync_status_key_problem       (KtSyncClient    *client,
                                              KtKeyController *keys);

/* Whether @client (may be NULL) is held back in a way the sync state
 * says, in words and with what to do, where the coach looks (the bar above
 * the list, the reason under the household's header): what
 * kt_sync_status_describe () explains and asks the user to act on, a key
 * problem of @keys (may be NULL) included.  Then "waiting to be sent"
 * needs no saying a second time. */
gboolean    kt_sync_status_holds_back        (KtSyncClient    *client,
                                              KtKeyController *keys);

G_END_DECLS
