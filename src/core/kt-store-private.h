/* kt-store-private.h: what only the store's own files, its tests and its
 * benchmark may call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-store.h"
#include "kt-record-store.h"

G_BEGIN_DECLS

/* Argon2id cost for new wrappings (tests use the minimum to stay fast; the
 * cost in use is stored with the wrapped key). */
void kt_store_set_pwhash_limits   (KtStore *self,
                                   guint64  opslimit,
                                   guint64  memlimit);
/* The unit of the growing delay after wrong passphrases (default 1000 ms:
 * 0, 1, 2, 4, 8 … s, capped at KT_STORE_MAX_ATTEMPT_DELAY units). */
void kt_store_set_attempt_delay_unit (KtStore *self,
                                      guint    milliseconds);
#define KT_STORE_MAX_ATTEMPT_DELAY 30
/* How long autosave waits to gather changes (default 500 ms). */
void kt_store_set_autosave_delay  (KtStore *self,
                                   guint    milliseconds);
/* How often, at most, the save counter outside the file follows the
 * commits (default 10 s; 0: after every commit, for the crash test). */
void kt_store_set_mark_interval   (KtStore *self,
                                   guint    milliseconds);
/* The record layer under the store (tests and benchmark). */
KtRecordStore *kt_store_get_record_store (KtStore *self);
/* Ids with changes not yet committed (element-type utf8). */
GPtrArray *kt_store_list_pending  (KtStore *self);

/* The encrypted small summary of a case, as the listing reads it
 * (transfer full). */
GBytes        *kt_case_summary_encode (const KtCase *kase);
KtCaseSummary *kt_case_summary_decode (const char *id,
                                       gint64      updated,
                                       GBytes     *bytes);

/* A small secret of the store's own (the account key, the recovery
 * phrase), kept in the metadata sealed with the data key and bound to
 * @name; NULL without an error when none is kept (transfer full: wiped
 * when freed).  Safe to call from a worker. */
GBytes        *kt_store_get_secret_meta (KtStore     *self,
                                         const char  *name,
                                         GError     **error);
/* Keeps @value under @name as above; NULL: none kept any more. */
gboolean       kt_store_set_secret_meta (KtStore     *self,
                                         const char  *name,
                                         GBytes      *value,
                                         GError     **error);

#ifdef KT_BENCH_NO_ENCRYPTION_SWITCH
/* Only in the copy of the core built for bench/. */
void kt_store_bench_set_plaintext (KtStore  *self,
                                   gboolean  plaintext);
#endif

G_END_DECLS
