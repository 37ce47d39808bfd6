/* kt-server-record.h: KtServerRecord, one stored record and its envelope
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "kt-sync-protocol.h"   /* kt_json_append_string, the shared writers */
#include "kt-types.h"

G_BEGIN_DECLS

typedef struct {
  char   *id;
  KtKind  kind;
  gint64  rev;
  char   *case_id;   /* a case's own id for cases */
  char   *author;    /* account that created the record */
  char   *team;
  char   *coach;     /* cases: the assigned coach, or NULL */
  char   *review;    /* plans: the review state id ("submitted"), or NULL */
  gint64  updated;   /* unix seconds of the last write on the server */
  gint64  seq;       /* position in the change feed */
  char   *body;      /* the document as compact JSON; when sealed, the base64 of
                      * the sealed body, which the server never opens */
  /* routing metadata of a sealed record, in the clear (protocol.md) */
  char   *intaker;   /* cases: the intaker who registered it, or NULL */
  char   *phase;     /* cases: the phase id, or NULL */
  gint64  due;       /* cases: the next due date (unix seconds), 0: none */
  gboolean sealed;
  GPtrArray *keys;   /* (element-type KtSealedKey): the content key boxed to
                      * each reader; NULL for a plaintext record */
} KtServerRecord;

KtServerRecord *kt_server_record_new  (void);
void            kt_server_record_free (KtServerRecord *self);

/* Appends the wire form of protocol.md ("Records on the wire") to @out,
 * with the writer the client uses too (kt_sync_envelope_append_json): the
 * sealed body and its keys with the routing metadata, or the plaintext
 * document as before. */
void kt_server_record_append_json (const KtServerRecord *self,
                                   GString              *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtServerRecord, kt_server_record_free)

G_END_DECLS
