/* kt-key-controller.h: KtKeyController, this account's key on this device
 *
 * After signing in (and whenever the store unlocks or, now and then, after
 * a sync round) it asks the server's key directory for the team's keys and
 * weighs them with what this device keeps:
 * - no key anywhere: it makes one (Argon2id of the recovery bundle on a
 *   worker), keeps it with its twelve-word phrase in the encrypted store,
 *   publishes key and bundle, and asks the user to write the phrase down;
 * - a key on the server but none here (a new device): it asks for the
 *   phrase and opens the bundle with it;
 * - a key here that is not the server's: a warning, nothing republished;
 * - a colleague's key that is not the one pinned before: a warning naming
 *   the colleague, with both fingerprints; that key is never used.
 * While this device holds the account's key it hands the sync client a
 * KtRecordSealer (a new one each time the team's keys are weighed), and
 * from the moment the account has a key, sealing is required.
 * It adds the window actions win.recovery-phrase and win.restore-key, which
 * its notices and the Preferences' "Keys" group use.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-record-sealer.h"
#include "kt-store.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

typedef enum {
  KT_ACCOUNT_KEY_UNKNOWN,       /* not signed in, or not weighed yet */
  KT_ACCOUNT_KEY_READY,         /* this device holds the key the server has */
  KT_ACCOUNT_KEY_WRITE_PHRASE,  /* ready, and the phrase is still to be written down */
  KT_ACCOUNT_KEY_RESTORE,       /* the account has a key, this device not yet */
  KT_ACCOUNT_KEY_MISMATCH,      /* this device's key is not the server's */
} KtAccountKeyState;

#define KT_TYPE_KEY_CONTROLLER (kt_key_controller_get_type ())
G_DECLARE_FINAL_TYPE (KtKeyController, kt_key_controller, KT, KEY_CONTROLLER, GObject)

/* The keys of @client's account, kept in @store; notices go to @window. */
KtKeyController   *kt_key_controller_new             (GtkWindow    *window,
                                                      KtStore      *store,
                                                      KtSyncClient *client);
/* Ends what is in flight (the window closes). */
void               kt_key_controller_stop            (KtKeyController *self);
/* Weighs the keys again now (a no-op while signed out or locked). */
void               kt_key_controller_refresh         (KtKeyController *self);

KtAccountKeyState  kt_key_controller_get_state       (KtKeyController *self);
/* This account's key fingerprint on this device, or NULL. */
const char        *kt_key_controller_get_fingerprint (KtKeyController *self);
/* The team's keys as last fetched and weighed (element-type KtPeerKey),
 * or NULL (transfer none). */
GPtrArray         *kt_key_controller_get_team_keys   (KtKeyController *self);
/* The fingerprint this device pinned for @username, or NULL (transfer
 * full). */
char              *kt_key_controller_dup_pinned_fingerprint (KtKeyController *self,
                                                             const char      *username);
/* What seals records to their readers and opens those sealed to this
 * account, while this device holds the account's key (with the team's
 * trusted keys as last fetched, and the case's readers from the store);
 * NULL otherwise.  ::changed tells when it changes (transfer none). */
KtRecordSealer    *kt_key_controller_get_sealer      (KtKeyController *self);
/* The title of the notice shown last, or NULL (for tests). */
const char        *kt_key_controller_get_notice      (KtKeyController *self);
/* What the coach or supervisor must know about the keys, in words, or
 * NULL: the team's keys could not be fetched, this account's key was not
 * made or not published, or this device's keys cannot be read (a failure
 * the sync state already tells, such as being offline, is not one).  Cleared
 * when the team's keys are fetched again; ::changed tells when it changes. */
const char        *kt_key_controller_get_problem     (KtKeyController *self);

/* The recovery phrase still to be written down, or NULL (transfer full:
 * free with kt_recovery_phrase_free ()). */
char              *kt_key_controller_dup_phrase      (KtKeyController *self);
/* The user wrote it down: it is wiped from the store. */
gboolean           kt_key_controller_phrase_written  (KtKeyController  *self,
                                                      GError          **error);

/* Opens the account's recovery bundle with the @typed phrase (Argon2id on
 * a worker) and keeps the key.  Fails with a message for the user: a
 * phrase that is not twelve known words, or not this account's. */
void               kt_key_controller_restore_async   (KtKeyController     *self,
                                                      const char          *typed,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           kt_key_controller_restore_finish  (KtKeyController  *self,
                                                      GAsyncResult     *result,
                                                      GError          **error);

G_END_DECLS
