/* kt-codec.h: JSON encoding and the validating decoder for every document
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-case.h"
#include "kt-conversation.h"
#include "kt-plan.h"

G_BEGIN_DECLS

#define KT_CODEC_ERROR (kt_codec_error_quark ())
GQuark kt_codec_error_quark (void);

typedef enum {
  KT_CODEC_ERROR_SYNTAX,        /* not JSON, or not UTF-8 */
  KT_CODEC_ERROR_SCHEMA,        /* missing or unknown schema version */
  KT_CODEC_ERROR_MISSING,       /* a required field is absent */
  KT_CODEC_ERROR_TYPE,          /* a field has the wrong JSON type */
  KT_CODEC_ERROR_RANGE,         /* a number or enum is out of range */
  KT_CODEC_ERROR_TOO_LARGE,     /* document or field over the limit */
  KT_CODEC_ERROR_INVALID,       /* bad id, bad date, bad UTF-8 in a string */
} KtCodecError;

/* A decoded document of any kind: exactly one of the pointers is set. */
typedef struct {
  KtKind          kind;
  KtCase         *kase;
  KtConversation *conversation;
  KtPlan         *plan;
} KtDocument;

void kt_document_clear (KtDocument *doc);

/* Encoders return UTF-8 JSON (transfer full). */
GBytes         *kt_case_encode         (const KtCase *self);
GBytes         *kt_conversation_encode (const KtConversation *self);
GBytes         *kt_plan_encode         (const KtPlan *self);

/* Decoders validate everything; on failure the GError message names the
 * field as a JSON path ("members[2].birth_year") and never echoes values.
 * Required: "schema" (KT_SCHEMA), "kind", "id", "rev", "created", "updated";
 * the ids of the parts (members, consents, network persons, goals, actions,
 * provisions: UUIDs); "case_id" (a UUID) of conversations and plans;
 * "domain_id" of entries, "member_id" of safety checks and "person_id" of
 * supporters.  Any other field may be absent and then takes the value
 * kt_*_new() gives it; unknown fields are ignored.  Limits: KT_DOCUMENT_MAX_SIZE,
 * KT_TEXT_MAX_SIZE per text, KT_MAX_* per list, 16 levels of nesting. */
KtCase         *kt_case_decode         (GBytes *json, GError **error);
KtConversation *kt_conversation_decode (GBytes *json, GError **error);
KtPlan         *kt_plan_decode         (GBytes *json, GError **error);
/* Decodes whatever kind the document says it is. */
gboolean        kt_document_decode     (GBytes     *json,
                                        KtDocument *out,
                                        GError    **error);
/* kt_document_decode() that also gives, on failure, the refused field as
 * data: @field (out, transfer full, must point to NULL) is its JSON path
 * ("goals[0].title"), or stays NULL when the document as a whole was refused
 * (not JSON, too large, too deep). */
gboolean        kt_document_decode_full (GBytes     *json,
                                         KtDocument *out,
                                         char      **field,
                                         GError    **error);

/* Structural equality, used by round-trip tests and conflict views. */
gboolean kt_case_equal         (const KtCase *a, const KtCase *b);
gboolean kt_conversation_equal (const KtConversation *a, const KtConversation *b);
gboolean kt_plan_equal         (const KtPlan *a, const KtPlan *b);

G_END_DECLS
