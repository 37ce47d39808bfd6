/* kt-record-sealer.h: KtRecordSealer, what seals a record to its readers
 * before it leaves the device, and opens what comes back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "kt-crypto.h"
#include "kt-sync-protocol.h"

G_BEGIN_DECLS

#define KT_RECORD_SEALER_ERROR (kt_record_sealer_error_quark ())
GQuark kt_record_sealer_error_quark (void);

typedef enum {
  KT_RECORD_SEALER_ERROR_NOT_FOR_ME,     /* no key for this account yet: a colleague re-seals it */
  KT_RECORD_SEALER_ERROR_UNKNOWN_SENDER, /* sealed by someone whose key this device does not trust */
  KT_RECORD_SEALER_ERROR_DOES_NOT_OPEN,  /* altered, or not the record it says it is */
  KT_RECORD_SEALER_ERROR_ROUTING,        /* the server's metadata disagrees with the record */
  KT_RECORD_SEALER_ERROR_NO_BODY,        /* nothing to seal */
} KtRecordSealerError;

#define KT_TYPE_RECORD_SEALER (kt_record_sealer_get_type ())
G_DECLARE_FINAL_TYPE (KtRecordSealer, kt_record_sealer, KT, RECORD_SEALER, GObject)

/* The coach and the registering intaker of the case @case_id as this
 * device holds it (each may be NULL); FALSE when the device has no such
 * case. */
typedef gboolean (*KtCaseReadersFunc) (const char  *case_id,
                                       char       **coach,
                                       char       **intaker,
                                       gpointer     user_data);

/* A sealer for the account @username with the account secret @secret
 * (copied). */
KtRecordSealer *kt_record_sealer_new           (const char  *username,
                                                const KtKey *secret);
const char     *kt_record_sealer_get_username  (KtRecordSealer *self);
/* This account's public key. */
GBytes         *kt_record_sealer_get_public_key (KtRecordSealer *self);

/* The team's key directory (element-type KtPeerKey) after
 * kt_peer_keys_check (): only keys in state NEW or KNOWN are sealed to or
 * trusted as a sender; a CHANGED key never is. */
void            kt_record_sealer_set_team_keys (KtRecordSealer *self,
                                                GPtrArray      *peer_keys);
void            kt_record_sealer_set_case_readers_func (KtRecordSealer    *self,
                                                        KtCaseReadersFunc  func,
                                                        gpointer           user_data,
                                                        GDestroyNotify     notify);

/* The accounts @record is for, by the authorization matrix: its author
 * (this account when @record has none), for a case its coach and
 * registering intaker, for a conversation or plan the coach of its case,
 * and the team's supervisors (transfer full). */
GStrv           kt_record_sealer_readers       (KtRecordSealer     *self,
                                                const KtSyncRecord *record);

/* Seals @record in place: fills the routing metadata from @record->body,
 * encrypts the body under a fresh content key and seals that key to each
 * reader with a trusted key.  @record->body stays, for the device. */
gboolean        kt_record_sealer_seal          (KtRecordSealer  *self,
                                                KtSyncRecord    *record,
                                                GError         **error);
/* Opens a sealed @record in place into @record->body, and checks that the
 * document is the record the envelope names and agrees with its routing
 * metadata.  A plaintext record (from before sealing) passes as it is. */
gboolean        kt_record_sealer_open          (KtRecordSealer  *self,
                                                KtSyncRecord    *record,
                                                GError         **error);
/* The readers of @record with a trusted key and no sealed key in it yet
 * (transfer full; empty when none). */
GStrv           kt_record_sealer_missing_readers (KtRecordSealer     *self,
                                                  const KtSyncRecord *record);
/* New sealed keys (element-type KtSealedKey) of @record's content key for
 * @readers, from this account's own sealed key in @record (transfer full). */
GPtrArray      *kt_record_sealer_reseal        (KtRecordSealer      *self,
                                                const KtSyncRecord  *record,
                                                const char * const  *readers,
                                                GError             **error);

G_END_DECLS
