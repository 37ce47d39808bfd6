/* kt-sync-protocol.h: the sync wire format shared by client and server
 *
 * Record envelopes, the error shape and the parsers for every response of
 * docs/api/protocol.md.  Everything here is strict and size-limited: a
 * response that is not exactly what the contract says fails with a GError
 * that names what was wrong (a JSON path, never a value).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "kt-types.h"

G_BEGIN_DECLS

#define KT_SYNC_ERROR (kt_sync_error_quark ())
GQuark kt_sync_error_quark (void);

/* Why a sync step failed, as the user is told about it. */
typedef enum {
  KT_SYNC_ERROR_BAD_RESPONSE,       /* garbage: not JSON, or not the contract's shape */
  KT_SYNC_ERROR_TOO_LARGE,          /* response (or record) over the size limit */
  KT_SYNC_ERROR_SERVER_DOWN,        /* nobody answers at the address */
  KT_SYNC_ERROR_OFFLINE,            /* no network route to the server */
  KT_SYNC_ERROR_CONNECTION_DROPPED, /* the connection broke mid-request */
  KT_SYNC_ERROR_TIMEOUT,            /* the server is too slow */
  KT_SYNC_ERROR_TLS_UNTRUSTED,      /* the server's certificate is not trusted */
  KT_SYNC_ERROR_INSECURE,           /* plain http to an address that is not loopback */
  KT_SYNC_ERROR_UNAUTHORIZED,       /* no, expired or revoked token; wrong password */
  KT_SYNC_ERROR_FORBIDDEN,
  KT_SYNC_ERROR_NOT_FOUND,
  KT_SYNC_ERROR_CONFLICT,
  KT_SYNC_ERROR_BAD_REQUEST,        /* the server refused a record (see field) */
  KT_SYNC_ERROR_RATE_LIMITED,
  KT_SYNC_ERROR_SERVER,             /* the server failed (5xx) */
  KT_SYNC_ERROR_NOT_SIGNED_IN,
  KT_SYNC_ERROR_GARBLED_REQUEST,    /* a 400 naming no field: the request arrived damaged */
  KT_SYNC_ERROR_RECORD_TOO_LARGE,   /* 413: the server refuses a record this large */
  KT_SYNC_ERROR_PLAN_LOCKED,        /* 409 plan_locked: the plan was submitted or approved */
  KT_SYNC_ERROR_PAUSED,             /* the local store is locked: sync waits for it */
  KT_SYNC_ERROR_NO_KEY,             /* records are sealed and this device has no account key yet */
} KtSyncError;

/* Largest response body read for one record (PUT, GET, review). */
#define KT_SYNC_RECORD_RESPONSE_MAX_SIZE (KT_DOCUMENT_MAX_SIZE + 64 * 1024)
/* Largest /changes page read; the client asks for KT_SYNC_CHANGES_LIMIT. */
#define KT_SYNC_CHANGES_RESPONSE_MAX_SIZE (32 * 1024 * 1024)
#define KT_SYNC_CHANGES_LIMIT 100
/* Largest body of every other response (login, me, errors). */
#define KT_SYNC_SMALL_RESPONSE_MAX_SIZE (64 * 1024)
/* Deepest JSON nesting accepted anywhere (a plan is about 6 deep). */
#define KT_SYNC_MAX_DEPTH 32

/* Most readers one record is sealed to (a case: author, coach, intaker
 * and the team's supervisors). */
#define KT_SYNC_MAX_READERS 64

/* A record's content key sealed to one reader (kt_crypto_seal_key_to ()). */
typedef struct {
  char   *reader;      /* the account that opens it */
  char   *sender;      /* the account that sealed it: the reader checks its key */
  GBytes *key;         /* KT_SEALED_KEY_SIZE bytes */
} KtSealedKey;

KtSealedKey *kt_sealed_key_new  (const char *reader,
                                 const char *sender,
                                 GBytes     *key);
KtSealedKey *kt_sealed_key_copy (const KtSealedKey *self);
void         kt_sealed_key_free (KtSealedKey *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSealedKey, kt_sealed_key_free)

/* A record on the wire: the envelope, the routing metadata the server keeps
 * in the clear, and either the sealed body with its readers' keys or (for
 * records from before sealing) the document itself.  On a device, @body
 * holds the document once the record is opened (kt-record-sealer.h). */
typedef struct {
  char      *id;
  KtKind     kind;
  gint64     rev;
  char      *case_id;  /* NULL for a case */
  char      *author;   /* may be NULL when the client sends it */
  char      *team;     /* may be NULL when the client sends it */
  gint64     updated;
  /* routing metadata: only what the server needs to route and to show
   * deadlines; never names, words, scores or notes */
  char      *coach;    /* cases: the assigned coach, or NULL */
  char      *intaker;  /* cases: the intaker who registered it, or NULL */
  char      *review;   /* plans: the review state id ("submitted") */
  char      *phase;    /* cases: the phase id ("plan"), or NULL */
  gint64     due;      /* cases: the next due date (unix seconds), or 0 */
  GBytes    *sealed;   /* the sealed body (kt_crypto_seal ()), or NULL */
  GPtrArray *keys;     /* (element-type KtSealedKey): with @sealed, else NULL */
  GBytes    *body;     /* the document's JSON as the codec wrote it, or NULL */
} KtSyncRecord;

#define KT_TYPE_SYNC_RECORD (kt_sync_record_get_type ())
GType         kt_sync_record_get_type (void);
KtSyncRecord *kt_sync_record_new  (void);
KtSyncRecord *kt_sync_record_copy (const KtSyncRecord *self);
void          kt_sync_record_free (KtSyncRecord *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSyncRecord, kt_sync_record_free)

/* Whether @self goes on the wire sealed. */
gboolean      kt_sync_record_is_sealed   (const KtSyncRecord *self);
/* The sealed key of @reader in @self, or NULL. */
const KtSealedKey *kt_sync_record_get_key (const KtSyncRecord *self,
                                           const char         *reader);

/* A record for @body, taking id, kind, rev, case_id and updated from the
 * document itself (transfer full); fails when @body is not a document. */
KtSyncRecord *kt_sync_record_new_for_body (GBytes  *body,
                                           GError **error);
/* The envelope as JSON (transfer full). */
GBytes       *kt_sync_record_encode      (const KtSyncRecord *self);
/* Parses and checks one envelope (transfer full).  A plaintext body must
 * be the record the envelope names; a sealed one is only checked for its
 * shape and limits. */
KtSyncRecord *kt_sync_record_decode      (GBytes  *json,
                                          GError **error);
KtSyncRecord *kt_sync_record_from_node   (JsonNode    *node,
                                          const char  *path,
                                          GError     **error);
/* The same, for the server: on failure @field (may be NULL) gets the
 * member's JSON path below @path ("sealed.keys[2].key") for its 400. */
KtSyncRecord *kt_sync_record_from_node_full (JsonNode    *node,
                                             const char  *path,
                                             char       **field,
                                             GError     **error);
/* kt_sync_record_from_node_full () for a server that keeps a sealed body
 * as the text it came in: the body is checked as that reads it (strict
 * base64, its decoded size) but not decoded, and the record's sealed is
 * NULL.  Decoding 13.8 KB only to drop the bytes was a sixth of the
 * instructions of reading a push (bench/README.md, issue 19). */
KtSyncRecord *kt_sync_record_check_node     (JsonNode    *node,
                                             const char  *path,
                                             char       **field,
                                             GError     **error);

/* The signed-in user as the server describes them. */
typedef struct {
  char *username;
  char *role;
  char *team;
  char *display_name;
} KtSyncUser;

KtSyncUser *kt_sync_user_copy (const KtSyncUser *self);
void        kt_sync_user_free (KtSyncUser       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSyncUser, kt_sync_user_free)

/* What a request was, so that its answer can be parsed. */
typedef enum {
  KT_SYNC_ENDPOINT_HEALTH,
  KT_SYNC_ENDPOINT_LOGIN,
  KT_SYNC_ENDPOINT_LOGOUT,
  KT_SYNC_ENDPOINT_ME,
  KT_SYNC_ENDPOINT_CHANGES,
  KT_SYNC_ENDPOINT_GET_RECORD,
  KT_SYNC_ENDPOINT_PUT_RECORD,
  KT_SYNC_ENDPOINT_REVIEW,
  KT_SYNC_ENDPOINT_ASSIGN,     /* answers the case as GET /records/{id} does */
  KT_SYNC_ENDPOINT_COACHES,    /* the body is kept as it came, for kt_coach_list_read */
  KT_SYNC_ENDPOINT_CASE_AUDIT, /* the body is kept as it came, for kt_case_reads_parse */
  KT_SYNC_ENDPOINT_PUBLISH_KEY,  /* PUT /keys/me: the body is kept as it came */
  KT_SYNC_ENDPOINT_RECOVERY,     /* GET /keys/me/recovery: the body is kept as it came */
  KT_SYNC_ENDPOINT_TEAM_KEYS,    /* GET /team/keys: the body is kept, for kt_peer_keys_from_json */
  KT_SYNC_ENDPOINT_PENDING_KEYS, /* GET /keys/pending: {pending:[record…]} in @records */
  KT_SYNC_ENDPOINT_ADD_KEYS,     /* POST /records/{id}/keys: the record */
  KT_SYNC_ENDPOINT_UNSEALED,     /* GET /records/unsealed: {pending:[record…]} in @records */
  KT_N_SYNC_ENDPOINTS
} KtSyncEndpoint;

/* The body size limit for the answers of @endpoint. */
gsize kt_sync_endpoint_max_size (KtSyncEndpoint endpoint);

/* A parsed successful answer.  A 409 on PUT or review is an expected outcome,
 * not a failure: @conflict is TRUE and @record holds the server's copy. */
typedef struct {
  KtSyncEndpoint  endpoint;
  guint           status;
  /* health */
  char           *version;
  /* login */
  char           *token;
  gint64          expires;
  /* login, me */
  KtSyncUser     *user;
  /* changes; pending keys */
  GPtrArray      *records;    /* (element-type KtSyncRecord) */
  char           *cursor;
  gboolean        more;
  gboolean        keys_changed;  /* changes: a colleague published a key (a held pull's answer) */
  /* get, put, review; the server's copy on conflict */
  KtSyncRecord   *record;
  gboolean        replayed;
  gboolean        conflict;
  /* coaches: the answer's JSON, read by its own reader */
  GBytes         *body;
} KtSyncResponse;

void kt_sync_response_free (KtSyncResponse *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtSyncResponse, kt_sync_response_free)

/* Parses the answer @body (may be NULL or empty) with HTTP @status to a
 * request of @endpoint.  Error statuses become a KT_SYNC_ERROR with the
 * server's message when it is well-formed (transfer full). */
KtSyncResponse *kt_sync_response_parse (KtSyncEndpoint  endpoint,
                                        guint           status,
                                        GBytes         *body,
                                        GError        **error);

/* The codes of the contract's error body, {"error":{"code":…}}: what the
 * server writes and the client reads, defined once. */
#define KT_SYNC_CODE_BAD_REQUEST   "bad_request"
#define KT_SYNC_CODE_UNAUTHORIZED  "unauthorized"
#define KT_SYNC_CODE_FORBIDDEN     "forbidden"
#define KT_SYNC_CODE_NOT_FOUND     "not_found"
#define KT_SYNC_CODE_CONFLICT      "conflict"
#define KT_SYNC_CODE_PLAN_LOCKED   "plan_locked"   /* a 409 no merge can resolve */
#define KT_SYNC_CODE_TOO_LARGE     "too_large"
#define KT_SYNC_CODE_RATE_LIMITED  "rate_limited"
#define KT_SYNC_CODE_INTERNAL      "internal"

/* Appends @str as a JSON string literal (quotes included); NULL gives
 * null.  The one JSON string writer of client and server. */
void kt_json_append_string (GString    *out,
                            const char *str);

/* @node as JSON text, compact or @pretty, every control character escaped
 * (transfer full; @length may be NULL).  Every JSON the project writes
 * through json-glib goes through here. */
char   *kt_json_to_data  (JsonNode *node,
                          gboolean  pretty,
                          gsize    *length);

/* @node as compact JSON text (transfer full). */
GBytes *kt_json_to_bytes (JsonNode *node);

/* Appends the contract's error body to @out:
 * {"error":{"code":@code,"message":@message[,"field":@field]}[,"server":@server]}
 * where @server (may be NULL: left out) is the JSON text of the server's
 * copy of a record, or "null". */
void kt_sync_error_append_json (GString    *out,
                                const char *code,
                                const char *message,
                                const char *field,
                                const char *server);
/* The same error body as bytes (transfer full). */
GBytes *kt_sync_error_encode (const char *code,
                              const char *message,
                              const char *field);
/* The contract's code (KT_SYNC_CODE_CONFLICT, …) for an HTTP status. */
const char *kt_sync_error_code_for_status (guint status);

/* Reads a record's sealed keys, [{reader, sender, key}, …], at most
 * KT_SYNC_MAX_READERS, each reader once (element-type KtSealedKey,
 * transfer full).  On failure @field (may be NULL) gets the JSON path of
 * what was wrong, below @path ("keys[2].key"). */
GPtrArray *kt_sync_sealed_keys_read (JsonNode    *node,
                                     const char  *path,
                                     char       **field,
                                     GError     **error);

/* The routing metadata of a record on the wire. */
typedef struct {
  const char *coach;
  const char *intaker;
  const char *review;
  const char *phase;
  gint64      due;
} KtSyncRouting;

/* Appends a record on the wire ("Records on the wire" in protocol.md) to
 * @out: the envelope's members, the routing metadata @routing (may be NULL:
 * none; members that are NULL or 0 are left out), and either @sealed, the
 * JSON text of the "sealed" member (kt_sync_sealed_append_json ()), or
 * @body, the document's JSON text of @body_len bytes, as it is (not parsed
 * again).  Client and server both write records with it. */
void kt_sync_envelope_append_json (GString             *out,
                                   const char          *id,
                                   KtKind               kind,
                                   gint64               rev,
                                   const char          *case_id,
                                   const char          *author,
                                   const char          *team,
                                   gint64               updated,
                                   const KtSyncRouting *routing,
                                   const char          *sealed,
                                   const char          *body,
                                   gsize                body_len);
/* Appends the "sealed" member's value: {"body":@body_base64,"keys":[…]}
 * with @keys (element-type KtSealedKey). */
void kt_sync_sealed_append_json   (GString    *out,
                                   const char *body_base64,
                                   GPtrArray  *keys);

/* Parses a JSON text with kt_json_read() and the protocol's limits (size,
 * depth) to a node (transfer full); fails with a KT_SYNC_ERROR. */
JsonNode *kt_sync_parse_json (GBytes  *json,
                              gsize    max_size,
                              GError **error);

G_END_DECLS
