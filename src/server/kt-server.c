/* kt-server.c
 *
 * The main loop only reads requests, routes them and writes answers: it
 * never waits for the database.  A request that needs the database is
 * paused and handed to the database thread (db_pool, one thread that owns
 * the backend and makes every call to it once the server serves), which
 * runs its handler, writes the answer into the paused message and hands it
 * back to the main loop to be sent.  libsoup 3.2.3 does not touch a paused
 * message, so only one thread uses a message at a time.  What the handlers
 * share besides the backend (the sign-in limiters, the held /changes
 * requests) is used on the database thread only; the metrics take a lock.
 *
 * The slow CPU steps run on other workers while their message stays
 * paused: checking a password (Argon2id), and reading and validating a
 * push (push_pool); their results go back to the database thread.
 * Bodies of records are kept as the JSON text the client sent (validated),
 * and answers are written as text around them, so a record is never parsed
 * twice on its way out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-server.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <sodium.h>

#include "kt-connection-guard.h"
#include "kt-crypto.h"
#include "kt-json-reader.h"
#include "kt-metrics.h"
#include "kt-rate-limiter.h"
#include "kt-server-document.h"
#include "kt-server-error.h"
#include "kt-sync-protocol.h"

#define API_PREFIX "/api/v1"
/* Seconds a client waits before it tries again while the database is away. */
#define RETRY_AFTER_UNAVAILABLE "2"
#define CHANGES_DEFAULT_LIMIT 100
#define CHANGES_MAX_LIMIT 500
/* Longest a /changes?wait= request is held open (seconds); also kept under
 * the request timeout, which would otherwise cut the silent connection. */
#define CHANGES_MAX_WAIT 25
/* Requests held open at once; beyond that /changes answers at once. */
#define CHANGES_MAX_WAITERS 4096

struct _KtServer
{
  GObject               parent_instance;

  const KtServerConfig *config;
  KtBackend            *backend;
  SoupServer           *soup;
  KtConnectionGuard    *guard;         /* closed and idle connections, body limits */
  KtRateLimiter        *account_limiter;  /* failed sign-ins per account and address */
  KtRateLimiter        *address_limiter;  /* failed sign-ins per address */
  KtRateLimiter        *ceiling_limiter;  /* failed sign-ins per account from anywhere */
  GPtrArray            *trusted_proxies;  /* GInetAddressMask */
  char                 *dummy_hash;    /* verified for unknown accounts, so timing tells nothing */
  GThreadPool          *push_pool;     /* one worker per processor reads pushes */
  GAsyncQueue          *pushes_read;   /* (element-type Push): read, waiting to be stored */
  gint                  store_pending; /* (atomic) store_pushes () is on its way */
  GThreadPool          *db_pool;       /* the database thread: every backend call */
  KtBackend            *sign_in_backend;  /* a second connection for the token checks; NULL: none */
  GThreadPool          *sign_in_pool;  /* its one thread; NULL without it */
  GPtrArray            *routed;        /* (element-type KtRequest): for the sign-in thread, on the main loop */
  GSource              *hand_off;      /* hands them over once a main loop turn */
  GAsyncQueue          *to_sign_in;    /* (element-type GPtrArray of KtRequest): handed over, not yet checked */
  gint                  sign_in_pending;  /* (atomic) sign_in_requests () is on its way */
  char                 *url;
  GPtrArray            *waiters;       /* (element-type Waiter): held /changes?wait=; database thread */
  GMutex                pulls_lock;
  GPtrArray            *pulls;         /* (element-type KtRequest): signed-in /changes for the database thread; pulls_lock */
  gint                  n_waiters;     /* (atomic) waiters->len, for the main loop */
  gint                  wake_pending;  /* (atomic) wake_waiters () is on its way */
  gint                  ping_pending;  /* (atomic) a ping to connect again is on its way */
  KtMetrics            *metrics;
  struct _AccessLog    *access_log;    /* its thread writes the access log's lines; NULL: off */
  SoupServer           *metrics_soup;  /* /metrics on its own address; NULL: off */
  guint                 reconnect_source;
};

G_DEFINE_FINAL_TYPE (KtServer, kt_server, G_TYPE_OBJECT)

typedef struct _KtRequest KtRequest;
typedef void (*KtHandler) (KtRequest *req);

/* One request on its way through a handler. */
struct _KtRequest {
  KtServer          *server;
  SoupServerMessage *msg;
  GHashTable        *query;
  KtAccount         *account;   /* NULL on routes without sign-in */
  char              *id;        /* the {id} of the path */
  char              *token;     /* the bearer token */
  /* for the audit of a refused request on a record */
  const char        *action;    /* "read", "write", "assign", "review"; NULL: not on a record */
  int                kind;      /* KtKind of the record, -1 while unknown */
  gboolean           locked;    /* the 409 refused a change to a locked plan */
  gboolean           signed_in; /* the route needs a signed-in account */
  gboolean           kept;      /* the handler keeps the message paused and answers later */
  gboolean           checked;   /* signed in on the sign-in thread already (account set or refused) */
  gboolean           handled;   /* its handler has run (a push, on the sign-in thread) */
  GError            *sign_in_error;  /* the sign-in thread's failure to check the token */
  KtHandler          handler;
};

/* The database thread */

typedef void (*DbJobFunc) (gpointer data);

typedef struct {
  DbJobFunc func;
  gpointer  data;
  gboolean  first;   /* the storing of a group: STORE_HEAD_START */
  guint     order;   /* the order jobs came in (wraps around) */
} DbJob;

/* How many jobs queued before it the storing of a group of pushes may
 * pass.  A push waiting behind a hundred queued pulls (each a query and the
 * writing of its page) was most of its wait at 200 clients
 * (KT_DEBUG_PUSH_STAGES); passing all of them made the pulls wait instead,
 * up to seconds while pushes kept coming.  A bounded head start keeps each
 * wait bounded. */
#define STORE_HEAD_START 32

/* db_pool's order: the order jobs came in, a group's storing given its head
 * start.  Requests that wait together owe one another no order. */
static gint
compare_db_jobs (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const DbJob *x = a, *y = b;
  guint x_order = x->order - (x->first ? STORE_HEAD_START : 0);
  guint y_order = y->order - (y->first ? STORE_HEAD_START : 0);

  /* the difference, not the numbers: right across a wrap-around */
  return (gint) (x_order - y_order);
}

static void
run_db_job (gpointer data,
            gpointer user_data)
{
  DbJob *job = data;

  job->func (job->data);
  g_free (job);
}

static void
push_db_job (KtServer *self,
             DbJobFunc func,
             gpointer  data,
             gboolean  first)
{
  static gint jobs_made;  /* (atomic) */
  DbJob *job = g_new (DbJob, 1);

  job->func = func;
  job->data = data;
  job->first = first;
  job->order = (guint) g_atomic_int_add (&jobs_made, 1);
  g_thread_pool_push (self->db_pool, job, NULL);
}

/* Runs @func (@data) on the database thread, after what is queued there. */
static void
on_db_thread (KtServer *self,
              DbJobFunc func,
              gpointer  data)
{
  push_db_job (self, func, data, FALSE);
}

static gboolean
unpause_on_main (gpointer msg)
{
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

/* Sends the answer written into the paused @msg: the main loop unpauses it
 * (libsoup wants that on its own context).  Before the reading of new
 * requests: an answer that is ready waited behind 200 connections' reads,
 * most of a push's time on the main loop (KT_DEBUG_PUSH_STAGES). */
static void
send_later (SoupServerMessage *msg)
{
  g_idle_add_full (G_PRIORITY_HIGH, unpause_on_main, g_object_ref (msg), g_object_unref);
}


/* What the access log and the metrics say of a request, kept on its
 * message from its start to its answer. */
/* The steps of a push, for KT_DEBUG_PUSH_STAGES (see push_stages_log). */
typedef enum {
  STAGE_ROUTED,      /* headers and body read, routed: on the main loop */
  STAGE_SIGN_IN,     /* the database thread takes it: token check */
  STAGE_TO_WORKER,   /* signed in, handed to push_pool */
  STAGE_READ,        /* read and validated by a worker */
  STAGE_STORING,     /* the database thread takes its group */
  STAGE_STORED,      /* its group committed */
  N_STAGES
} PushStage;

typedef struct {
  gint64      started;   /* monotonic µs */
  const char *route;     /* the route's template (static), "other" for none */
  char       *user;      /* the signed-in account; NULL: none */
  gint64      stages[N_STAGES];  /* monotonic µs; only with KT_DEBUG_PUSH_STAGES */
} RequestInfo;

#define REQUEST_INFO_KEY "kt-request-info"

static void
request_info_free (RequestInfo *info)
{
  g_free (info->user);
  g_free (info);
}

static RequestInfo *
request_info (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), REQUEST_INFO_KEY);
}

/* KT_DEBUG_PUSH_STAGES=FILE: one line per answered push in FILE, the
 * microseconds each step of it took, to find where a push's latency goes
 * under load (bench/README.md).  Times only: no account, record or body.
 * Each step is marked by the one thread that has the message then. */
static FILE *push_stages_log;

static void
mark_stage (SoupServerMessage *msg,
            PushStage          stage)
{
  RequestInfo *info;

  if (push_stages_log == NULL || (info = request_info (msg)) == NULL)
    return;
  info->stages[stage] = g_get_monotonic_time ();
}

static void
log_push_stages (const RequestInfo *info,
                 guint              status)
{
  gint64 now = g_get_monotonic_time ();
  gint64 previous = info->started;

  /* a refused push skips steps: only whole ones are written */
  for (guint i = 0; i < N_STAGES; i++)
    if (info->stages[i] == 0)
      return;
  /* started, routed, sign-in, to-worker, read, storing, stored, answered */
  fprintf (push_stages_log, "%u", status);
  for (guint i = 0; i < N_STAGES; i++)
    {
      fprintf (push_stages_log, " %" G_GINT64_FORMAT, info->stages[i] - previous);
      previous = info->stages[i];
    }
  fprintf (push_stages_log, " %" G_GINT64_FORMAT "\n", now - previous);
}

static void handle_health      (KtRequest *req);
static void handle_live        (KtRequest *req);
static void handle_login       (KtRequest *req);
static void handle_logout      (KtRequest *req);
static void handle_me          (KtRequest *req);
static void handle_changes     (KtRequest *req);
static void handle_get_record  (KtRequest *req);
static void handle_put_record  (KtRequest *req);
static void handle_assign      (KtRequest *req);
static void handle_coaches     (KtRequest *req);
static void handle_plans       (KtRequest *req);
static void handle_review      (KtRequest *req);
static void handle_case_audit  (KtRequest *req);
static void handle_publish_key (KtRequest *req);
static gboolean role_has_key (KtRole role);
static void handle_recovery    (KtRequest *req);
static void handle_team_keys   (KtRequest *req);
static void handle_add_keys    (KtRequest *req);
static void handle_pending     (KtRequest *req);
static void handle_unsealed    (KtRequest *req);

static const struct {
  const char *method;
  const char *path;
  gboolean    signed_in;
  KtHandler   handler;
  const char *action;   /* audited when refused; NULL: not a request on a record */
  int         kind;     /* the kind of record the path names, -1: any */
} routes[] = {
  { "GET",  API_PREFIX "/health",             FALSE, handle_health,     NULL,     -1 },
  { "GET",  API_PREFIX "/health/live",        FALSE, handle_live,       NULL,     -1 },
  { "GET",  API_PREFIX "/health/ready",       FALSE, handle_health,     NULL,     -1 },
  { "POST", API_PREFIX "/login",              FALSE, handle_login,      NULL,     -1 },
  { "POST", API_PREFIX "/logout",             TRUE,  handle_logout,     NULL,     -1 },
  { "GET",  API_PREFIX "/me",                 TRUE,  handle_me,         NULL,     -1 },
  { "GET",  API_PREFIX "/changes",            TRUE,  handle_changes,    NULL,     -1 },
  /* before /records/{id}, which would take "unsealed" for an id */
  { "GET",  API_PREFIX "/records/unsealed",   TRUE,  handle_unsealed,   NULL,     -1 },
  { "GET",  API_PREFIX "/records/{id}",       TRUE,  handle_get_record, "read",   -1 },
  { "PUT",  API_PREFIX "/records/{id}",       TRUE,  handle_put_record, "write",  -1 },
  { "POST", API_PREFIX "/cases/{id}/assign",  TRUE,  handle_assign,     "assign", KT_KIND_CASE },
  { "GET",  API_PREFIX "/team/coaches",       TRUE,  handle_coaches,    NULL,     -1 },
  { "GET",  API_PREFIX "/plans",              TRUE,  handle_plans,      NULL,     -1 },
  { "POST", API_PREFIX "/plans/{id}/review",  TRUE,  handle_review,     "review", KT_KIND_PLAN },
  { "GET",  API_PREFIX "/cases/{id}/audit",   TRUE,  handle_case_audit, "read",   KT_KIND_CASE },
  { "PUT",  API_PREFIX "/keys/me",            TRUE,  handle_publish_key, NULL,    -1 },
  { "GET",  API_PREFIX "/keys/me/recovery",   TRUE,  handle_recovery,   NULL,     -1 },
  { "GET",  API_PREFIX "/team/keys",          TRUE,  handle_team_keys,  NULL,     -1 },
  { "POST", API_PREFIX "/records/{id}/keys",  TRUE,  handle_add_keys,   "reseal", -1 },
  { "GET",  API_PREFIX "/keys/pending",       TRUE,  handle_pending,    NULL,     -1 },
};

GStrv
kt_server_list_routes (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autofree char *route = g_strdup_printf ("%s %s", routes[i].method, routes[i].path);
      g_strv_builder_add (builder, route);
    }
  return g_strv_builder_end (builder);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Answers */

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              GString           *json)
{
  gsize len = json->len;

  /* soup_server_message_set_response () in libsoup 3.2.3 appends to the
   * body: a stored push's answer replaced by an error (its group's commit
   * failed) would go out as both */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_string_free (json, FALSE), len);
}

/* The contract's error body (kt-sync-protocol.h), with the server's copy
 * of the record (JSON text or "null") when @server is not NULL. */
static void
respond_error_with_copy (SoupServerMessage *msg,
                         guint              status,
                         const char        *code,
                         const char        *message,
                         const char        *field,
                         const char        *server)
{
  GString *json = g_string_new (NULL);

  kt_sync_error_append_json (json, code, message, field, server);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer");
  respond_text (msg, status, json);
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message,
               const char        *field)
{
  respond_error_with_copy (msg, status, code, message, field, NULL);
}

static void
respond_bad_request (KtRequest  *req,
                     const char *field)
{
  respond_error (req->msg, SOUP_STATUS_BAD_REQUEST, KT_SYNC_CODE_BAD_REQUEST,
                 _("The request is not valid."), field);
}

static void
respond_forbidden (KtRequest *req)
{
  respond_error (req->msg, SOUP_STATUS_FORBIDDEN, KT_SYNC_CODE_FORBIDDEN,
                 _("Your role does not allow this."), NULL);
}

static void
respond_not_found (KtRequest *req)
{
  respond_error (req->msg, SOUP_STATUS_NOT_FOUND, KT_SYNC_CODE_NOT_FOUND,
                 _("There is no such record."), NULL);
}

static void
respond_internal (KtRequest    *req,
                  const GError *error)
{
  kt_metrics_count_db_error (req->server->metrics,
                             g_error_matches (error, KT_SERVER_ERROR, KT_SERVER_ERROR_UNAVAILABLE));
  if (g_error_matches (error, KT_SERVER_ERROR, KT_SERVER_ERROR_UNAVAILABLE))
    {
      /* the database is being connected again: a moment later it may work */
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Retry-After", RETRY_AFTER_UNAVAILABLE);
      respond_error (req->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                     _("The server cannot reach its database right now. Try again in a moment."), NULL);
      return;
    }
  g_warning ("Request failed: %s", error != NULL ? error->message : "unknown");
  respond_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, KT_SYNC_CODE_INTERNAL,
                 _("The server could not handle the request. Try again later."), NULL);
}

static void
respond_too_large (SoupServerMessage *msg)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, KT_SYNC_CODE_TOO_LARGE,
                 _("The request is larger than the server accepts."), NULL);
}

/* A 409 with the server's copy (or null when it has none). */
static void
respond_conflict (KtRequest            *req,
                  const char           *message,
                  const KtServerRecord *server_copy)
{
  g_autoptr(GString) copy = g_string_new (NULL);

  if (server_copy != NULL)
    kt_server_record_append_json (server_copy, copy);
  else
    g_string_append (copy, "null");
  respond_error_with_copy (req->msg, SOUP_STATUS_CONFLICT, KT_SYNC_CODE_CONFLICT, message, NULL,
                           copy->str);
}

/* A 409 plan_locked: the push would change a submitted or approved plan;
 * with the server's copy, as a conflict has. */
static void
respond_plan_locked (KtRequest            *req,
                     const char           *message,
                     const KtServerRecord *server_copy)
{
  g_autoptr(GString) copy = g_string_new (NULL);

  req->locked = TRUE;
  kt_server_record_append_json (server_copy, copy);
  respond_error_with_copy (req->msg, SOUP_STATUS_CONFLICT, KT_SYNC_CODE_PLAN_LOCKED, message, NULL,
                           copy->str);
}

static void
respond_record (KtRequest            *req,
                guint                 status,
                const KtServerRecord *record,
                gboolean              replayed)
{
  GString *json = g_string_sized_new (strlen (record->body) + 256);

  kt_server_record_append_json (record, json);
  if (replayed)
    {
      g_string_truncate (json, json->len - 1);
      g_string_append (json, ",\"replayed\":true}");
    }
  respond_text (req->msg, status, json);
}

static void
respond_records (KtRequest *req,
                 GPtrArray *records,
                 guint      count,
                 GString   *json)
{
  g_string_append (json, "{\"records\":[");
  for (guint i = 0; i < count; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      kt_server_record_append_json (g_ptr_array_index (records, i), json);
    }
  g_string_append_c (json, ']');
}

static void
append_user (GString         *json,
             const KtAccount *account)
{
  g_string_append (json, "{\"username\":");
  kt_json_append_string (json, account->username);
  g_string_append (json, ",\"role\":");
  kt_json_append_string (json, kt_role_to_string (account->role));
  g_string_append (json, ",\"team\":");
  kt_json_append_string (json, account->team);
  g_string_append (json, ",\"display_name\":");
  kt_json_append_string (json, account->display_name);
  g_string_append_c (json, '}');
}

/* Reading requests */

/* The request body as a JSON object, or NULL after answering 400 / 413.
 * *@json_out owns the object; keep it alive while using it.  Read with
 * kt_json_read: too deep, a member twice, a second value, an empty body
 * are each a 400 before any handler looks at it. */
static JsonObject *
read_json_object (KtRequest  *req,
                  JsonNode  **json_out)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = kt_json_read_bytes (bytes, req->server->config->max_body, KT_SYNC_MAX_DEPTH, &error);
  if (g_error_matches (error, KT_JSON_READER_ERROR, KT_JSON_READER_ERROR_TOO_LARGE))
    {
      respond_too_large (req->msg);
      return NULL;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      respond_bad_request (req, NULL);
      return NULL;
    }
  *json_out = g_steal_pointer (&root);
  return json_node_get_object (*json_out);
}

/* A string member, or NULL when absent or not a string. */
static const char *
member_string (JsonObject *object,
               const char *name)
{
  return kt_json_member_string (object, name);
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

/* Authorization */

/* The case a record belongs to (the record itself for cases), or NULL. */
static KtServerRecord *
load_case_of (KtRequest            *req,
              const KtServerRecord *record,
              GError              **error)
{
  if (record->kind == KT_KIND_CASE)
    return NULL;
  return kt_backend_get_record (req->server->backend, record->case_id, error);
}

/* Whether req->account may read @record (with its case @kase for
 * conversations and plans). */
static gboolean
may_read (const KtAccount      *account,
          const KtServerRecord *record,
          const KtServerRecord *kase)
{
  if (g_strcmp0 (account->team, record->team) != 0)
    return FALSE;
  switch (account->role)
    {
    case KT_ROLE_SUPERVISOR:
      return TRUE;
    case KT_ROLE_COACH:
      if (record->kind == KT_KIND_CASE)
        return g_strcmp0 (record->coach, account->username) == 0;
      return kase != NULL && g_strcmp0 (kase->coach, account->username) == 0;
    case KT_ROLE_INTAKER:
      return record->kind == KT_KIND_CASE && g_strcmp0 (record->author, account->username) == 0;
    case KT_ROLE_ADMIN:
    case KT_N_ROLES:
    default:
      return FALSE;
    }
}

/* Audits the records among the first @count of @records that req->account
 * reads but did not write: one batch for the request, however many. */
static gboolean
audit_reads (KtRequest *req,
             GPtrArray *records,
             guint      count,
             GError   **error)
{
  g_autoptr(GPtrArray) read = g_ptr_array_sized_new (count);

  for (guint i = 0; i < count; i++)
    {
      KtServerRecord *record = g_ptr_array_index (records, i);

      if (g_strcmp0 (record->author, req->account->username) != 0)
        g_ptr_array_add (read, record);
    }
  return kt_backend_audit_reads (req->server->backend, req->account->username, read, error);
}

/* The audit's outcome for the answer of a refused request, or NULL. */
static const char *
refusal_outcome (KtRequest *req)
{
  switch (soup_server_message_get_status (req->msg))
    {
    case SOUP_STATUS_UNAUTHORIZED:
      return KT_SYNC_CODE_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return KT_SYNC_CODE_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
      return KT_SYNC_CODE_NOT_FOUND;
    case SOUP_STATUS_CONFLICT:
      return req->locked ? KT_SYNC_CODE_PLAN_LOCKED : NULL;
    default:
      return NULL;
    }
}

/* Audits the request on a record once it is answered, when it was refused
 * (401, 403, 404, or 409 plan_locked): who, what, which record, the code.
 * No client data: the record's id and kind only. */
static void
audit_refusal (KtRequest *req)
{
  g_autoptr(GError) error = NULL;
  const char *outcome;

  if (req->action == NULL || !kt_uuid_is_valid (req->id))
    return;
  outcome = refusal_outcome (req);
  if (outcome == NULL)
    return;
  /* the answer is on its way; a failure is the administrator's to see */
  if (!kt_backend_audit_refusal (req->server->backend,
                                 req->account != NULL ? req->account->username : "-", req->action,
                                 req->id, req->kind >= 0 ? kt_kind_to_string (req->kind) : NULL,
                                 outcome, &error))
    g_warning ("Could not audit a refused request: %s", error->message);
}

/* Handlers */

/* /health and /health/ready: 200 with "status":"ok" when the database
 * answers, 503 with "status":"unavailable" when it does not (a load
 * balancer then sends requests elsewhere). */
static void
handle_health (KtRequest *req)
{
  gboolean ready = kt_backend_ping (req->server->backend);
  GString *json = g_string_new ("{\"status\":");

  kt_json_append_string (json, ready ? "ok" : "unavailable");
  g_string_append (json, ",\"database\":");
  kt_json_append_string (json, ready ? "ok" : "unavailable");
  g_string_append (json, ",\"version\":");
  kt_json_append_string (json, PACKAGE_VERSION);
  g_string_append_c (json, '}');
  if (!ready)
    soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                  "Retry-After", RETRY_AFTER_UNAVAILABLE);
  respond_text (req->msg, ready ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE, json);
}

/* /health/live: the process answers, whatever its database does (a
 * supervisor restarts it only when this fails). */
static void
handle_live (KtRequest *req)
{
  GString *json = g_string_new ("{\"status\":\"ok\",\"version\":");

  kt_json_append_string (json, PACKAGE_VERSION);
  g_string_append_c (json, '}');
  respond_text (req->msg, SOUP_STATUS_OK, json);
}

typedef struct {
  KtServer          *server;
  SoupServerMessage *msg;
  KtAccount         *account;    /* NULL when there is no such enabled account */
  char              *username;
  char              *password;   /* sodium_malloc'd */
  gsize              password_len;
  gboolean           verified;
  char              *pair_key;      /* the limiters' keys it was counted under … */
  char              *address_key;
  char              *ceiling_key;
  gint64             counted_at;    /* … and when */
} LoginData;

static void
login_data_free (LoginData *data)
{
  g_object_unref (data->server);
  g_object_unref (data->msg);
  kt_account_free (data->account);
  g_free (data->username);
  g_free (data->pair_key);
  g_free (data->address_key);
  g_free (data->ceiling_key);
  sodium_free (data->password);
  g_free (data);
}

static void
verify_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  LoginData *data = task_data;
  const char *hash = data->account != NULL ? data->account->password_hash : data->server->dummy_hash;

  data->verified = data->account != NULL && kt_password_verify (hash, data->password);
  if (data->account == NULL)
    kt_password_verify (hash, data->password);
  g_task_return_boolean (task, TRUE);
}

/* Answers a login whose password check has finished. */
static void
finish_login (LoginData *data)
{
  KtServer *self = data->server;
  g_autofree char *token = NULL;
  g_autofree char *digest = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = now_seconds ();
  gint64 expires = now + self->config->token_lifetime;
  KtRequest req = { .server = self, .msg = data->msg };
  GString *json;

  if (!data->verified)
    {
      /* counted as a failure already, before the check */
      respond_error (data->msg, SOUP_STATUS_UNAUTHORIZED, KT_SYNC_CODE_UNAUTHORIZED,
                     _("The username or password is not right."), NULL);
      return;
    }
  /* a successful sign-in does not count, and forgets this address's
   * earlier failures for this account */
  kt_rate_limiter_reset (self->account_limiter, data->pair_key);
  kt_rate_limiter_release (self->address_limiter, data->address_key, data->counted_at);
  kt_rate_limiter_release (self->ceiling_limiter, data->ceiling_key, data->counted_at);
  if (data->account->role == KT_ROLE_ADMIN)
    return respond_forbidden (&req);

  token = kt_token_new ();
  digest = kt_token_digest (token);
  if (!kt_backend_add_token (self->backend, digest, data->account->username, expires, &error))
    return respond_internal (&req, error);

  json = g_string_new ("{\"token\":");
  kt_json_append_string (json, token);
  g_string_append_printf (json, ",\"expires\":%" G_GINT64_FORMAT ",\"user\":", expires);
  append_user (json, data->account);
  g_string_append_c (json, '}');
  respond_text (data->msg, SOUP_STATUS_OK, json);
  sodium_memzero (token, strlen (token));
}

static void
finish_login_job (gpointer user_data)
{
  LoginData *data = user_data;

  finish_login (data);
  send_later (data->msg);
  login_data_free (data);
}

/* On the main loop (where the task was made); the rest, with the
 * limiters and the backend, on the database thread. */
static void
login_verified (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  LoginData *data = user_data;

  on_db_thread (data->server, finish_login_job, data);
}

static void
respond_rate_limited (KtRequest *req,
                      guint      wait)
{
  g_autofree char *seconds = g_strdup_printf ("%u", wait);

  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Retry-After", seconds);
  respond_error (req->msg, 429, KT_SYNC_CODE_RATE_LIMITED,
                 _("Too many sign-in attempts. Wait a moment and try again."), NULL);
}

static gboolean
is_trusted_proxy (KtServer     *self,
                  GInetAddress *address)
{
  for (guint i = 0; i < self->trusted_proxies->len; i++)
    if (g_inet_address_mask_matches (g_ptr_array_index (self->trusted_proxies, i), address))
      return TRUE;
  return FALSE;
}

/* The address a request comes from: the peer's, or when the peer is a
 * trusted proxy, the nearest address in X-Forwarded-For that is not a
 * trusted proxy itself.  From anyone else X-Forwarded-For is ignored: a
 * client could write any address there (transfer full). */
static char *
client_address (KtServer          *self,
                SoupServerMessage *msg)
{
  GSocketAddress *peer = soup_server_message_get_remote_address (msg);
  const char *forwarded = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                         "X-Forwarded-For");
  g_autoptr(GInetAddress) address = NULL;

  if (peer == NULL || !G_IS_INET_SOCKET_ADDRESS (peer))
    return g_strdup ("unknown");
  address = g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer)));
  if (forwarded != NULL && is_trusted_proxy (self, address))
    {
      g_auto(GStrv) hops = g_strsplit (forwarded, ",", -1);

      for (guint i = g_strv_length (hops); i > 0; i--)
        {
          g_autoptr(GInetAddress) hop = g_inet_address_new_from_string (g_strstrip (hops[i - 1]));

          if (hop == NULL)
            break;
          g_set_object (&address, hop);
          if (!is_trusted_proxy (self, hop))
            break;
        }
    }
  return g_inet_address_to_string (address);
}

/* Sign-in limits.  Every attempt is counted as a failure before its
 * password is checked, and taken back when it was right: parallel guesses
 * all see each other, however slow the hash.  The limit per account is per
 * account *and* address, so guesses from elsewhere cannot lock the real
 * user out; above them a ceiling per account (all addresses) answers with
 * a short Retry-After, a backoff rather than a lock. */
static void
handle_login (KtRequest *req)
{
  KtServer *self = req->server;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *address = NULL;
  g_autofree char *pair_key = NULL;
  g_autofree char *address_key = NULL;
  g_autofree char *ceiling_key = NULL;
  JsonObject *object = read_json_object (req, &json);
  const char *username, *password;
  gint64 now = now_seconds ();
  guint wait;
  LoginData *data;

  if (object == NULL)
    return;
  username = member_string (object, "username");
  password = member_string (object, "password");
  if (username == NULL || strlen (username) > 256)
    return respond_bad_request (req, "username");
  if (password == NULL || strlen (password) > 4096)
    return respond_bad_request (req, "password");

  address = client_address (self, req->msg);
  /* an address has no newline: the key splits one way only */
  pair_key = g_strdup_printf ("%s\n%s", username, address);
  address_key = g_strdup (address);
  ceiling_key = g_strdup (username);
  wait = MAX (kt_rate_limiter_check (self->address_limiter, address_key, now),
              kt_rate_limiter_check (self->account_limiter, pair_key, now));
  wait = MAX (wait, kt_rate_limiter_check (self->ceiling_limiter, ceiling_key, now));
  if (wait > 0)
    return respond_rate_limited (req, wait);

  data = g_new0 (LoginData, 1);
  data->server = g_object_ref (self);
  data->msg = g_object_ref (req->msg);
  data->username = g_strdup (username);
  data->password_len = strlen (password);
  data->password = sodium_malloc (data->password_len + 1);
  memcpy (data->password, password, data->password_len + 1);
  if (kt_account_name_is_valid (username))
    data->account = kt_backend_get_account (self->backend, username, &error);
  if (error != NULL)
    {
      login_data_free (data);
      return respond_internal (req, error);
    }
  if (data->account != NULL && data->account->disabled)
    g_clear_pointer (&data->account, kt_account_free);

  kt_rate_limiter_hit (self->account_limiter, pair_key, now);
  kt_rate_limiter_hit (self->address_limiter, address_key, now);
  kt_rate_limiter_hit (self->ceiling_limiter, ceiling_key, now);
  data->pair_key = g_steal_pointer (&pair_key);
  data->address_key = g_steal_pointer (&address_key);
  data->ceiling_key = g_steal_pointer (&ceiling_key);
  data->counted_at = now;

  req->kept = TRUE;
  /* the database thread pushes no context of its own: the callback runs
   * on the main loop's */
  task = g_task_new (NULL, NULL, login_verified, data);
  g_task_set_task_data (task, data, NULL);
  g_task_run_in_thread (task, verify_in_thread);
}

static void
handle_logout (KtRequest *req)
{
  g_autofree char *digest = kt_token_digest (req->token);
  g_autoptr(GError) error = NULL;

  if (!kt_backend_revoke_token (req->server->backend, digest, &error))
    return respond_internal (req, error);
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
handle_me (KtRequest *req)
{
  GString *json = g_string_new (NULL);

  append_user (json, req->account);
  respond_text (req->msg, SOUP_STATUS_OK, json);
}

static gboolean
parse_query_int (KtRequest  *req,
                 const char *name,
                 gint64      fallback,
                 gint64      min,
                 gint64      max,
                 gint64     *value)
{
  const char *text = req->query != NULL ? g_hash_table_lookup (req->query, name) : NULL;
  guint64 parsed;

  if (text == NULL || *text == '\0')
    {
      *value = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &parsed, NULL))
    {
      respond_bad_request (req, name);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

/* Answers @req with a page of the changes its account may read after
 * @since: @records, read with a limit of @limit + 1 (NULL: @read_error
 * says why); with @only_if_any, answers nothing and returns FALSE when
 * there are none. */
static gboolean
answer_page (KtRequest    *req,
             GPtrArray    *records,
             const GError *read_error,
             gint64        since,
             gint64        limit,
             gboolean      only_if_any)
{
  g_autoptr(GError) error = NULL;
  gint64 cursor;
  gboolean more;
  GString *json;
  guint count;

  if (records == NULL)
    {
      respond_internal (req, read_error);
      return TRUE;
    }
  if (records->len == 0 && only_if_any)
    return FALSE;
  more = records->len > limit;
  count = MIN (records->len, limit);
  if (!audit_reads (req, records, count, &error))
    {
      respond_internal (req, error);
      return TRUE;
    }

  cursor = count > 0 ? ((KtServerRecord *) g_ptr_array_index (records, count - 1))->seq : since;
  json = g_string_new (NULL);
  respond_records (req, records, count, json);
  g_string_append_printf (json, ",\"cursor\":\"%" G_GINT64_FORMAT "\",\"more\":%s}",
                          cursor, more ? "true" : "false");
  respond_text (req->msg, SOUP_STATUS_OK, json);
  return TRUE;
}

/* A page of the changes @account may read after @since, read now with
 * one record more than @limit (answer_page () tells by it whether more
 * follow); NULL with @error set when the read failed. */
static GPtrArray *
read_changes (KtServer  *self,
              KtAccount *account,
              gint64     since,
              gint64     limit,
              GError   **error)
{
  return kt_backend_list_changes (self->backend, account, since, limit + 1, error);
}

/* answer_page () of the changes read now. */
static gboolean
answer_changes (KtRequest *req,
                gint64     since,
                gint64     limit,
                gboolean   only_if_any)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = read_changes (req->server, req->account, since, limit, &error);

  return answer_page (req, records, error, since, limit, only_if_any);
}

/* A /changes?wait= request held open until something it may read is
 * committed, or its wait is over.  It costs a paused message, a timer and
 * this struct; it is woken by every successful change.  The list of them
 * (server->waiters) is the database thread's; the timer and the
 * disconnected signal come on the main loop and hand over a reference. */
typedef struct {
  KtServer          *server;
  SoupServerMessage *msg;
  KtAccount         *account;
  gint64             since;
  gint64             limit;
  GSource           *timer;         /* on the main loop; holds a reference */
  gulong             disconnected_handler;   /* holds a reference */
} Waiter;

static void
waiter_clear (Waiter *waiter)
{
  g_source_unref (waiter->timer);
  g_object_unref (waiter->msg);
  kt_account_free (waiter->account);
}

static Waiter *
waiter_ref (Waiter *waiter)
{
  return g_atomic_rc_box_acquire (waiter);
}

static void
waiter_unref (Waiter *waiter)
{
  g_atomic_rc_box_release_full (waiter, (GDestroyNotify) waiter_clear);
}

static void
waiter_closure_unref (gpointer  data,
                      GClosure *closure)
{
  waiter_unref (data);
}

/* Takes @waiter off the list (it may be gone already); on the database thread. */
static gboolean
waiter_remove (Waiter *waiter)
{
  KtServer *self = waiter->server;
  gboolean found;

  g_clear_signal_handler (&waiter->disconnected_handler, waiter->msg);
  /* thread-safe, also while the timer fires or after it did */
  g_source_destroy (waiter->timer);
  found = g_ptr_array_remove_fast (self->waiters, waiter);
  g_atomic_int_set (&self->n_waiters, self->waiters->len);
  return found;
}

/* Answers @waiter with @records (as answer_page ()) unless @only_if_any
 * and nothing came, and lets it go. */
static gboolean
waiter_answer (Waiter       *waiter,
               GPtrArray    *records,
               const GError *error,
               gboolean      only_if_any)
{
  KtRequest req = { .server = waiter->server, .msg = waiter->msg, .account = waiter->account };

  if (!answer_page (&req, records, error, waiter->since, waiter->limit, only_if_any))
    return FALSE;
  send_later (waiter->msg);
  waiter_remove (waiter);
  return TRUE;
}

static void
wait_over_job (gpointer data)
{
  Waiter *waiter = data;

  if (g_ptr_array_find (waiter->server->waiters, waiter, NULL))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) records = read_changes (waiter->server, waiter->account,
                                                   waiter->since, waiter->limit, &error);

      waiter_answer (waiter, records, error, FALSE);
    }
  waiter_unref (waiter);
}

static gboolean
on_wait_over (gpointer data)
{
  Waiter *waiter = data;

  on_db_thread (waiter->server, wait_over_job, waiter_ref (waiter));
  return G_SOURCE_REMOVE;
}

static void
drop_waiter_job (gpointer data)
{
  Waiter *waiter = data;

  waiter_remove (waiter);
  waiter_unref (waiter);
}

static void
on_waiter_disconnected (SoupServerMessage *msg,
                        Waiter            *waiter)
{
  on_db_thread (waiter->server, drop_waiter_job, waiter_ref (waiter));
}

/* Every held request looks for what it waits for, all in one round trip
 * to PostgreSQL (kt_backend_list_changes_many ()). */
static void
wake_waiters (gpointer data)
{
  KtServer *self = data;
  g_autoptr(GPtrArray) waiters = g_ptr_array_copy (self->waiters, (GCopyFunc) waiter_ref, NULL);
  g_autofree KtChangesPull *pulls = g_new0 (KtChangesPull, waiters->len);

  g_atomic_int_set (&self->wake_pending, FALSE);
  g_ptr_array_set_free_func (waiters, (GDestroyNotify) waiter_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (waiters, i);

      pulls[i].reader = waiter->account;
      pulls[i].since = waiter->since;
      pulls[i].limit = waiter->limit + 1;
    }
  kt_backend_list_changes_many (self->backend, pulls, waiters->len);
  for (guint i = 0; i < waiters->len; i++)
    {
      waiter_answer (g_ptr_array_index (waiters, i), pulls[i].records, pulls[i].error, TRUE);
      g_clear_pointer (&pulls[i].records, g_ptr_array_unref);
      g_clear_error (&pulls[i].error);
    }
}

/* A colleague published a key (a first sign-in, a new device): the held
 * requests of @publisher's team that may seal records are answered at once
 * with an empty page that says so ("keys_changed"), since nothing in the
 * change feed would wake them.  Their devices then run the round that gives
 * the new reader the content keys of what it may read (GET /keys/pending);
 * without this the reader waited for such a round started by hand or by
 * the timer, minutes later.  On the database thread. */
static void
answer_keys_changed (KtServer        *self,
                     const KtAccount *publisher)
{
  g_autoptr(GPtrArray) waiters = g_ptr_array_copy (self->waiters, (GCopyFunc) waiter_ref, NULL);

  g_ptr_array_set_free_func (waiters, (GDestroyNotify) waiter_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (waiters, i);
      GString *json;

      if (!role_has_key (waiter->account->role) ||
          g_strcmp0 (waiter->account->team, publisher->team) != 0 ||
          g_strcmp0 (waiter->account->username, publisher->username) == 0)
        continue;
      json = g_string_new (NULL);
      g_string_append_printf (json, "{\"records\":[],\"cursor\":\"%" G_GINT64_FORMAT "\","
                              "\"more\":false,\"keys_changed\":true}", waiter->since);
      respond_text (waiter->msg, SOUP_STATUS_OK, json);
      send_later (waiter->msg);
      waiter_remove (waiter);
    }
}

/* One line of the access log, written on the access log's thread. */
typedef struct {
  const char *method;  /* interned */
  const char *route;   /* the route's template (static) */
  char       *user;    /* NULL: none */
  guint       status;
  double      seconds;
} AccessLine;

/* The access log's thread and the lines waiting for it.  Waking a
 * sleeping thread is a system call that cost the main loop as much as
 * writing the line itself (perf, bench/README.md), so while lines keep
 * coming the thread is not woken: it looks for new ones a while after each
 * batch (ACCESS_LOG_LINGER_US) and sleeps to be woken only when none came. */
typedef struct _AccessLog {
  GMutex     lock;
  GCond      cond;
  GPtrArray *lines;     /* (element-type AccessLine) */
  gboolean   sleeping;  /* waits to be woken for the next line */
  gboolean   stopping;
  GThread   *thread;
} AccessLog;

#define ACCESS_LOG_LINGER_US (20 * 1000)

/* The access log's line: method, route template, status, duration and
 * account, as journal fields too (KT_METHOD, KT_ROUTE, KT_STATUS,
 * KT_DURATION_MS, KT_USER).  Never the path's query, a body or a token.
 * On a thread of its own: GLib 2.74's default writer costs the main loop,
 * the server's busiest thread, two system calls of its own per line (it
 * asks whether stderr is the journal and a terminal) besides the write and
 * the formatting, about a tenth of that thread's time at 200 clients
 * (bench/README.md). */
static void
write_access_line (AccessLine *line)
{
  char status_text[16], ms_text[32];

  g_snprintf (status_text, sizeof status_text, "%u", line->status);
  g_snprintf (ms_text, sizeof ms_text, "%.1f", line->seconds * 1000);
  g_log_structured ("kt-access", G_LOG_LEVEL_MESSAGE,
                    "KT_METHOD", line->method,
                    "KT_ROUTE", line->route,
                    "KT_STATUS", status_text,
                    "KT_DURATION_MS", ms_text,
                    "KT_USER", line->user != NULL ? line->user : "-",
                    "MESSAGE", "%s %s %s %sms user=%s", line->method, line->route, status_text, ms_text,
                    line->user != NULL ? line->user : "-");
}

static void
access_line_free (AccessLine *line)
{
  g_free (line->user);
  g_free (line);
}

static gpointer
access_log_thread (gpointer data)
{
  AccessLog *log = data;

  g_mutex_lock (&log->lock);
  for (;;)
    {
      g_autoptr(GPtrArray) batch = NULL;

      if (log->lines->len == 0)
        {
          gint64 until = g_get_monotonic_time () + ACCESS_LOG_LINGER_US;

          if (log->stopping)
            break;
          /* nobody wakes this wait: it ends at its time */
          while (log->lines->len == 0 && !log->stopping && g_get_monotonic_time () < until)
            g_cond_wait_until (&log->cond, &log->lock, until);
          log->sleeping = log->lines->len == 0 && !log->stopping;
          while (log->sleeping)
            g_cond_wait (&log->cond, &log->lock);
          continue;
        }
      batch = g_steal_pointer (&log->lines);
      log->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) access_line_free);
      g_mutex_unlock (&log->lock);
      for (guint i = 0; i < batch->len; i++)
        write_access_line (g_ptr_array_index (batch, i));
      g_mutex_lock (&log->lock);
    }
  g_mutex_unlock (&log->lock);
  return NULL;
}

static AccessLog *
access_log_new (void)
{
  AccessLog *log = g_new0 (AccessLog, 1);

  g_mutex_init (&log->lock);
  g_cond_init (&log->cond);
  log->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) access_line_free);
  log->thread = g_thread_new ("kt-access-log", access_log_thread, log);
  return log;
}

/* Writes every line still waiting, then ends the thread. */
static void
access_log_free (AccessLog *log)
{
  g_mutex_lock (&log->lock);
  log->stopping = TRUE;
  log->sleeping = FALSE;
  g_cond_signal (&log->cond);
  g_mutex_unlock (&log->lock);
  g_thread_join (log->thread);
  g_ptr_array_unref (log->lines);
  g_cond_clear (&log->cond);
  g_mutex_clear (&log->lock);
  g_free (log);
}

static void
access_log_add (AccessLog  *log,
                AccessLine *line)
{
  g_mutex_lock (&log->lock);
  g_ptr_array_add (log->lines, line);
  if (log->sleeping)
    {
      log->sleeping = FALSE;
      g_cond_signal (&log->cond);
    }
  g_mutex_unlock (&log->lock);
}

/* The access log's line and the metrics of an answered request. */
static void
log_request (KtServer          *self,
             SoupServerMessage *msg,
             guint              status)
{
  RequestInfo *info = request_info (msg);
  const char *method = soup_server_message_get_method (msg);
  AccessLine *line;
  double seconds;

  if (info == NULL)
    return;
  seconds = (g_get_monotonic_time () - info->started) / (double) G_USEC_PER_SEC;
  if (push_stages_log != NULL)
    log_push_stages (info, status);
  kt_metrics_observe_request (self->metrics, method, info->route, status, seconds);
  if (self->access_log == NULL)
    return;
  line = g_new (AccessLine, 1);
  line->method = g_intern_string (method);
  line->route = info->route;
  /* the message's info goes with it, maybe before the line is written */
  line->user = g_strdup (info->user);
  line->status = status;
  line->seconds = seconds;
  access_log_add (self->access_log, line);
}

static void
request_finished (SoupServer        *soup,
                  SoupServerMessage *msg,
                  KtServer          *self)
{
  guint status = soup_server_message_get_status (msg);

  log_request (self, msg, status);
  /* Any change that succeeded (a push, an assignment, a review) may be
   * what a waiting client waits for; one wake-up at a time. */
  if (g_atomic_int_get (&self->n_waiters) == 0 ||
      g_str_equal (soup_server_message_get_method (msg), "GET") ||
      status < 200 || status >= 300 ||
      !g_atomic_int_compare_and_exchange (&self->wake_pending, FALSE, TRUE))
    return;
  on_db_thread (self, wake_waiters, self);
}

/* The since, limit and wait of a /changes request; FALSE after answering
 * 400. */
static gboolean
read_changes_query (KtRequest *req,
                    gint64    *since,
                    gint64    *limit,
                    gint64    *wait)
{
  if (!parse_query_int (req, "since", 0, 0, G_MAXINT64, since) ||
      !parse_query_int (req, "limit", CHANGES_DEFAULT_LIMIT, 1, CHANGES_MAX_LIMIT, limit) ||
      !parse_query_int (req, "wait", 0, 0, G_MAXINT64, wait))
    return FALSE;
  *wait = MIN (*wait, MIN (CHANGES_MAX_WAIT, (gint64) req->server->config->request_timeout - 5));
  return TRUE;
}

/* Whether a /changes request that found nothing may be held for @wait
 * seconds. */
static gboolean
may_hold (KtServer *self,
          gint64    wait)
{
  return wait > 0 && self->waiters->len < CHANGES_MAX_WAITERS;
}

/* Holds @req open until something it may read is committed, or for @wait
 * seconds (a Waiter); its message stays paused. */
static void
hold_changes (KtRequest *req,
              gint64     since,
              gint64     limit,
              gint64     wait)
{
  Waiter *waiter = g_atomic_rc_box_new0 (Waiter);

  waiter->server = req->server;
  waiter->msg = g_object_ref (req->msg);
  waiter->account = g_steal_pointer (&req->account);
  waiter->since = since;
  waiter->limit = limit;
  waiter->timer = g_timeout_source_new_seconds (wait);
  g_source_set_callback (waiter->timer, on_wait_over, waiter_ref (waiter), (GDestroyNotify) waiter_unref);
  g_source_attach (waiter->timer, NULL);
  waiter->disconnected_handler = g_signal_connect_data (req->msg, "disconnected",
                                                        G_CALLBACK (on_waiter_disconnected),
                                                        waiter_ref (waiter), waiter_closure_unref, 0);
  g_ptr_array_add (req->server->waiters, waiter);
  g_atomic_int_set (&req->server->n_waiters, req->server->waiters->len);
  req->kept = TRUE;
}

/* /changes on the database thread, alone: without a sign-in thread (a
 * signed-in pull otherwise goes with others to answer_pulls ()). */
static void
handle_changes (KtRequest *req)
{
  gint64 since, limit, wait;

  if (!read_changes_query (req, &since, &limit, &wait))
    return;
  if (!answer_changes (req, since, limit, may_hold (req->server, wait)))
    hold_changes (req, since, limit, wait);
}

/* Loads the record of the path and its case; NULL after answering 404 when
 * it does not exist, lies in another team or is not of @kind (-1: any). */
static KtServerRecord *
load_path_record (KtRequest       *req,
                  int              kind,
                  KtServerRecord **kase)
{
  g_autoptr(KtServerRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  if (!kt_uuid_is_valid (req->id))
    {
      respond_not_found (req);
      return NULL;
    }
  record = kt_backend_get_record (req->server->backend, req->id, &error);
  if (error != NULL)
    {
      respond_internal (req, error);
      return NULL;
    }
  if (record != NULL)
    req->kind = record->kind;
  if (record == NULL || g_strcmp0 (record->team, req->account->team) != 0 ||
      (kind >= 0 && record->kind != (KtKind) kind))
    {
      respond_not_found (req);
      return NULL;
    }
  if (kase != NULL)
    {
      *kase = load_case_of (req, record, &error);
      if (error != NULL)
        {
          respond_internal (req, error);
          return NULL;
        }
    }
  return g_steal_pointer (&record);
}

static void
handle_get_record (KtRequest *req)
{
  g_autoptr(KtServerRecord) kase = NULL;
  g_autoptr(KtServerRecord) record = load_path_record (req, -1, &kase);
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GError) error = NULL;

  if (record == NULL)
    return;
  if (!may_read (req->account, record, kase))
    return respond_forbidden (req);

  one = g_ptr_array_new ();
  g_ptr_array_add (one, record);
  if (!audit_reads (req, one, 1, &error))
    return respond_internal (req, error);
  respond_record (req, SOUP_STATUS_OK, record, FALSE);
}

/* The base revision of If-Match ("7" or W/"7"), or -1.  An entity tag is
 * quoted (RFC 9110); a bare 7 is refused like any other malformed value. */
static gint64
parse_if_match (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "If-Match");
  g_autofree char *inner = NULL;
  gsize len;
  guint64 base;

  if (value == NULL)
    return -1;
  if (g_str_has_prefix (value, "W/"))
    value += 2;
  inner = g_strstrip (g_strdup (value));
  len = strlen (inner);
  if (len < 3 || inner[0] != '"' || inner[len - 1] != '"')
    return -1;
  inner[len - 1] = '\0';
  if (!g_ascii_string_to_unsigned (inner + 1, 10, 0, G_MAXINT64 - 1, &base, NULL))
    return -1;
  return base;
}

/* Checks that req->account may write @info over @existing (NULL: new);
 * answers and returns FALSE when not. */
static gboolean
check_write (KtRequest             *req,
             const KtDocumentInfo  *info,
             const KtServerRecord  *existing,
             const KtServerRecord  *kase)
{
  const KtAccount *me = req->account;

  if (existing != NULL && g_strcmp0 (existing->team, me->team) != 0)
    {
      respond_not_found (req);
      return FALSE;
    }
  if (me->role != KT_ROLE_COACH && me->role != KT_ROLE_INTAKER)
    {
      respond_forbidden (req);
      return FALSE;
    }
  if (existing != NULL && existing->kind != info->kind)
    {
      respond_bad_request (req, "kind");
      return FALSE;
    }

  if (info->kind == KT_KIND_CASE)
    {
      gboolean allowed;
      /* A new case of an intaker waits for an assignment; a coach's own
       * (a household the coach started) is the coach's from the start. */
      const char *coach = existing != NULL ? existing->coach
                          : me->role == KT_ROLE_COACH ? me->username : NULL;

      if (existing == NULL)
        allowed = TRUE;
      else if (me->role == KT_ROLE_COACH)
        allowed = g_strcmp0 (existing->coach, me->username) == 0;
      else
        allowed = g_strcmp0 (existing->author, me->username) == 0;
      if (!allowed)
        {
          respond_forbidden (req);
          return FALSE;
        }
      /* Only an assignment changes the coach. */
      if (g_strcmp0 (info->coach, coach) != 0)
        {
          respond_error (req->msg, SOUP_STATUS_FORBIDDEN, KT_SYNC_CODE_FORBIDDEN,
                         _("Assign a coach with the assign request."), "coach");
          return FALSE;
        }
      return TRUE;
    }

  if (kase == NULL || kase->kind != KT_KIND_CASE || g_strcmp0 (kase->team, me->team) != 0)
    {
      respond_not_found (req);
      return FALSE;
    }
  if (me->role != KT_ROLE_COACH || g_strcmp0 (kase->coach, me->username) != 0)
    {
      respond_forbidden (req);
      return FALSE;
    }
  if (existing != NULL && g_strcmp0 (existing->case_id, info->case_id) != 0)
    {
      respond_bad_request (req, "case_id");
      return FALSE;
    }
  return TRUE;
}

static gboolean
plan_is_locked (const KtServerRecord *plan)
{
  return g_strcmp0 (plan->review, "submitted") == 0 || g_strcmp0 (plan->review, "approved") == 0;
}

/* Checks a coach's push of the plan @body over @existing (NULL: new) with
 * the core's review rules; answers and returns FALSE when refused.  The
 * server owns the review: a push that approves or returns a plan, or writes
 * the reviewer or the comments, is refused (403), and so is one that
 * changes a submitted or approved plan (409 plan_locked) -- refused rather
 * than overwritten, so the app's copy and the server's never silently
 * differ.  A new version is a new record and passes. */
static gboolean
check_plan_push (KtRequest            *req,
                 const KtServerRecord *existing,
                 const KtDocumentInfo *info,
                 const char           *body,
                 gint64                base)
{
  g_autoptr(GError) error = NULL;
  gboolean locked = existing != NULL && plan_is_locked (existing);
  const char *field = NULL;

  /* A stale push is answered as a conflict next; a locked plan stays
   * locked whatever the base. */
  if (!locked && (existing != NULL ? existing->rev != base : base != 0))
    return TRUE;
  if (kt_server_document_check_plan_push (existing != NULL ? existing->body : NULL, body, &field, &error))
    return TRUE;
  if (g_error_matches (error, KT_SERVER_ERROR, KT_SERVER_ERROR_LOCKED))
    respond_plan_locked (req, error->message, existing);
  else if (g_error_matches (error, KT_SERVER_ERROR, KT_SERVER_ERROR_FORBIDDEN))
    respond_error (req->msg, SOUP_STATUS_FORBIDDEN, KT_SYNC_CODE_FORBIDDEN, error->message, field);
  else
    respond_internal (req, error);
  return FALSE;
}

/* check_plan_push () for a sealed plan, whose document the server never
 * reads: the review state in its envelope follows the same rules
 * (kt_review_check_coach_revision): a submitted or approved plan is locked
 * (409 plan_locked), and the coach's own moves are from draft or returned
 * to draft or submitted; approving and returning are the review's.  The
 * comments inside are checked by the devices that open it. */
static gboolean
check_sealed_plan_push (KtRequest            *req,
                        const KtServerRecord *existing,
                        const KtDocumentInfo *info,
                        gint64                base)
{
  const char *from = existing != NULL && existing->review != NULL ? existing->review : "draft";
  gboolean from_open = g_str_equal (from, "draft") || g_str_equal (from, "returned");
  gboolean to_open = g_strcmp0 (info->review, "draft") == 0 || g_strcmp0 (info->review, "submitted") == 0;

  /* Migration: the coach's device seals a plan an older app left in
   * plaintext, at its next revision, in the same review state.  The server
   * cannot see whether the words are the same; the readers' devices keep
   * the revision before it. */
  if (existing != NULL && !existing->sealed && existing->rev == base &&
      g_strcmp0 (info->review, existing->review) == 0)
    return TRUE;
  if (existing != NULL && plan_is_locked (existing))
    {
      respond_plan_locked (req, _("This plan has been submitted or approved and cannot be changed. "
                                  "Make a new version to change it."), existing);
      return FALSE;
    }
  /* a stale push is answered as a conflict next */
  if (existing != NULL ? existing->rev != base : base != 0)
    return TRUE;
  if (g_strcmp0 (info->review, from) != 0 && !(from_open && to_open))
    {
      respond_error (req->msg, SOUP_STATUS_FORBIDDEN, KT_SYNC_CODE_FORBIDDEN,
                     _("Only a supervisor reviews a plan."), "review");
      return FALSE;
    }
  return TRUE;
}

/* A push on its way: read and validated in a worker thread (parsing and
 * the codec are most of a push's cost), then stored on the main loop. */
typedef struct {
  KtServer          *server;
  SoupServerMessage *msg;
  KtAccount         *account;
  char              *id;
  gint64             base;
  GBytes            *bytes;
  /* what the worker found */
  KtDocumentInfo     info;
  char              *body;      /* the canonical document, or the base64 of the sealed body */
  KtSyncRecord      *sealed;    /* a sealed record as read (its keys and routing), or NULL */
  guint              status;    /* the refusal's status: 400 unless set */
  char              *message;   /* set when refused */
  char              *field;
} Push;

static void
push_free (Push *push)
{
  g_object_unref (push->server);
  g_object_unref (push->msg);
  kt_account_free (push->account);
  g_free (push->id);
  g_bytes_unref (push->bytes);
  kt_document_info_clear (&push->info);
  g_free (push->body);
  g_clear_pointer (&push->sealed, kt_sync_record_free);
  g_free (push->message);
  g_free (push->field);
  g_free (push);
}

static gboolean
refuse_push (Push       *push,
             const char *field,
             const char *message)
{
  push->field = g_strdup (field);
  push->message = g_strdup (message != NULL ? message : _("The request is not valid."));
  return FALSE;
}

/* The index of the first of @keys (element-type KtSealedKey) that @sender
 * did not seal, or -1: every key must come from the one who sends it, so a
 * reader knows whom it trusts for it. */
static int
foreign_sender (GPtrArray  *keys,
                const char *sender)
{
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    {
      const KtSealedKey *key = g_ptr_array_index (keys, i);

      if (g_strcmp0 (key->sender, sender) != 0)
        return i;
    }
  return -1;
}

/* The routing metadata of @wire fits its kind: "" when it does, else the
 * member that does not belong (or is missing). */
static const char *
check_routing (const KtSyncRecord *wire)
{
  static const char * const states[] = { "draft", "submitted", "approved", "returned", NULL };

  if (wire->kind != KT_KIND_CASE)
    {
      if (wire->coach != NULL)
        return "coach";
      if (wire->intaker != NULL)
        return "intaker";
      if (wire->phase != NULL)
        return "phase";
      if (wire->due != 0)
        return "due";
    }
  if (wire->kind == KT_KIND_PLAN ? !g_strv_contains (states, wire->review != NULL ? wire->review : "")
                                 : wire->review != NULL)
    return "review";
  if (wire->kind == KT_KIND_CASE ? wire->case_id != NULL && !g_str_equal (wire->case_id, wire->id)
                                 : !kt_uuid_is_valid (wire->case_id))
    return "case_id";
  return "";
}

/* Reads a sealed record, the member @name of a request (NULL: the request
 * itself), with the core's reader: its shape and limits only, never its
 * body.  NULL with @field set (transfer full) when refused. */
static KtSyncRecord *
read_sealed_record (JsonNode    *node,
                    const char  *name,
                    char       **field)
{
  g_autoptr(KtSyncRecord) wire = NULL;
  g_autofree char *inner = NULL;
  const char *bad;

  /* its body checked, not decoded: the server keeps the text */
  wire = kt_sync_record_check_node (node, "", &inner, NULL);
  if (wire == NULL || json_object_get_member (json_node_get_object (node), "sealed") == NULL)
    {
      if (inner == NULL || *inner == '\0')
        {
          g_free (inner);
          inner = g_strdup ("sealed");
        }
      *field = name != NULL ? g_strconcat (name, ".", inner, NULL) : g_steal_pointer (&inner);
      return NULL;
    }
  bad = check_routing (wire);
  if (*bad != '\0')
    {
      *field = name != NULL ? g_strconcat (name, ".", bad, NULL) : g_strdup (bad);
      return NULL;
    }
  return g_steal_pointer (&wire);
}

/* The base64 text of a sealed record's body in @object, the envelope the
 * core's reader has checked: kept and served as it came. */
static const char *
sealed_body_text (JsonObject *object)
{
  return member_string (json_object_get_object_member (object, "sealed"), "body");
}

/* read_push () for a sealed record: stored as it is, the routing metadata
 * taken from the envelope. */
static gboolean
read_sealed_push (Push       *push,
                  JsonNode   *root,
                  JsonObject *object)
{
  g_autofree char *field = NULL;
  int foreign;

  push->sealed = read_sealed_record (root, NULL, &field);
  if (push->sealed == NULL)
    return refuse_push (push, field, NULL);
  foreign = foreign_sender (push->sealed->keys, push->account->username);
  if (foreign >= 0)
    {
      g_autofree char *path = g_strdup_printf ("sealed.keys[%d].sender", foreign);

      push->status = SOUP_STATUS_FORBIDDEN;
      return refuse_push (push, path, _("Each key must be sealed by the account that sends it."));
    }
  push->body = g_strdup (sealed_body_text (object));
  push->info.kind = push->sealed->kind;
  push->info.id = g_strdup (push->sealed->id);
  push->info.rev = push->sealed->rev;
  push->info.case_id = g_strdup (push->sealed->kind == KT_KIND_CASE ? push->sealed->id : push->sealed->case_id);
  push->info.coach = g_strdup (push->sealed->coach);
  push->info.review = g_strdup (push->sealed->review);
  if (push->info.rev <= push->base)
    return refuse_push (push, "rev", NULL);
  return TRUE;
}

/* Reads the record of a PUT into push->info and push->body; FALSE with
 * push->message (and field) set when it is refused.  Runs in a worker. */
static gboolean
read_push (Push *push)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  g_autofree char *raw = NULL;
  gsize len;
  const char *data = g_bytes_get_data (push->bytes, &len);
  const char *kind_name, *case_id;
  JsonObject *object;
  JsonNode *body;
  KtKind kind;
  gint64 rev;

  /* No UTF-8 check of its own: kt_json_read makes it on the envelope and the
   * codec's parse on the document, each before it parses. */
  if (len == 0)
    return refuse_push (push, NULL, NULL);
  /* The size was checked on the whole body.  One level more than the
   * protocol's depth: a plaintext document inside the envelope is refused
   * for its depth by the codec, which names the field.  (A sealed body is
   * a string: the envelope is all there is to read.) */
  root = kt_json_read (data, len, G_MAXSIZE, KT_SYNC_MAX_DEPTH + 1, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return refuse_push (push, NULL, NULL);
  object = json_node_get_object (root);
  if (g_strcmp0 (member_string (object, "id"), push->id) != 0)
    return refuse_push (push, "id", NULL);
  kind_name = member_string (object, "kind");
  if (!kt_kind_from_string (kind_name, &kind))
    return refuse_push (push, "kind", NULL);
  if (!member_int (object, "rev", &rev) || rev < 1)
    return refuse_push (push, "rev", NULL);
  if (json_object_has_member (object, "sealed"))
    return read_sealed_push (push, root, object);
  if (!push->server->config->accept_plaintext)
    return refuse_push (push, "body", _("This server keeps only sealed records; update the app."));
  /* plaintext, from an app of before sealing: printed again for the codec,
   * which reads and checks it (a cost only migrating servers pay) */
  body = json_object_get_member (object, "body");
  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    raw = kt_json_to_data (body, FALSE, NULL);
  else
    return refuse_push (push, "body", NULL);

  push->body = kt_server_document_inspect (raw, strlen (raw), &push->info, &field, &error);
  if (push->body == NULL)
    {
      g_autofree char *path = g_strconcat ("body", field != NULL && *field != '\0' ? "." : "",
                                           field != NULL ? field : "", NULL);
      return refuse_push (push, path, error->message);
    }
  if (g_strcmp0 (push->info.id, push->id) != 0)
    return refuse_push (push, "body.id", NULL);
  if (push->info.kind != kind)
    return refuse_push (push, "body.kind", NULL);
  if (push->info.rev != rev)
    return refuse_push (push, "body.rev", NULL);
  case_id = member_string (object, "case_id");
  if (json_object_has_member (object, "case_id") && !json_object_get_null_member (object, "case_id") &&
      g_strcmp0 (case_id, push->info.case_id) != 0)
    return refuse_push (push, "case_id", NULL);
  if (push->info.rev <= push->base)
    return refuse_push (push, "rev", NULL);
  return TRUE;
}


/* Checks a validated push against the stored record @existing and its case
 * @kase (each NULL when there is none): the record to write (transfer full),
 * or NULL when the push has been answered (refused, or the same revision
 * again).  On the database thread. */
static KtServerRecord *
decide_push (Push                 *push,
             KtRequest            *req,
             const KtServerRecord *existing,
             const KtServerRecord *kase)
{
  KtDocumentInfo *info = &push->info;
  gint64 base = push->base;
  KtServerRecord *record;

  req->kind = existing != NULL ? (int) existing->kind : (int) info->kind;
  if (!check_write (req, info, existing, kase))
    return NULL;

  if (existing != NULL && existing->rev == info->rev && existing->sealed == (push->sealed != NULL) &&
      g_str_equal (existing->body, push->body))
    return respond_record (req, SOUP_STATUS_OK, existing, TRUE), NULL;
  /* once sealed, a record stays sealed: an old app does not write it back
   * in plaintext */
  if (existing != NULL && existing->sealed && push->sealed == NULL)
    return respond_error (req->msg, SOUP_STATUS_BAD_REQUEST, KT_SYNC_CODE_BAD_REQUEST,
                          _("This server keeps only sealed records; update the app."), "body"), NULL;
  if (info->kind == KT_KIND_PLAN &&
      !(push->sealed != NULL ? check_sealed_plan_push (req, existing, info, base)
                             : check_plan_push (req, existing, info, push->body, base)))
    return NULL;
  if ((existing == NULL) != (base == 0) || (existing != NULL && existing->rev != base))
    return respond_conflict (req, _("The server has a newer version."), existing), NULL;

  record = kt_server_record_new ();
  record->id = g_strdup (info->id);
  record->kind = info->kind;
  record->rev = info->rev;
  record->case_id = g_strdup (info->case_id);
  record->author = g_strdup (existing != NULL ? existing->author : push->account->username);
  record->team = g_strdup (push->account->team);
  record->coach = g_strdup (info->coach);
  record->review = g_strdup (info->review);
  record->updated = now_seconds ();
  record->body = g_steal_pointer (&push->body);
  if (push->sealed != NULL)
    {
      record->sealed = TRUE;
      record->intaker = g_steal_pointer (&push->sealed->intaker);
      record->phase = g_steal_pointer (&push->sealed->phase);
      record->due = push->sealed->due;
      record->keys = g_steal_pointer (&push->sealed->keys);
    }
  return record;
}

/* Answers a push by what storing @record gave. */
static void
answer_stored (Push           *push,
               KtRequest      *req,
               KtServerRecord *record,
               KtPutResult     result,
               const GError   *error)
{
  g_autoptr(KtServerRecord) current = NULL;

  switch (result)
    {
    case KT_PUT_CREATED:
      return respond_record (req, SOUP_STATUS_CREATED, record, FALSE);
    case KT_PUT_UPDATED:
      return respond_record (req, SOUP_STATUS_OK, record, FALSE);
    case KT_PUT_STALE:
      current = kt_backend_get_record (push->server->backend, push->id, NULL);
      return respond_conflict (req, _("The server has a newer version."), current);
    case KT_PUT_ERROR:
    default:
      return respond_internal (req, error);
    }
}

/* Answers a push that was refused when it was read; FALSE when it was not. */
static gboolean
answer_refused (Push      *push,
                KtRequest *req)
{
  if (push->message == NULL)
    return FALSE;
  respond_error (push->msg, push->status != 0 ? push->status : SOUP_STATUS_BAD_REQUEST,
                 push->status == SOUP_STATUS_FORBIDDEN ? KT_SYNC_CODE_FORBIDDEN : KT_SYNC_CODE_BAD_REQUEST,
                 push->message, push->field);
  return TRUE;
}

/* Stores a validated push and answers, on its own (outside a group). */
static void
answer_push (Push      *push,
             KtRequest *req)
{
  g_autoptr(KtServerRecord) existing = NULL;
  g_autoptr(KtServerRecord) kase = NULL;
  g_autoptr(KtServerRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  KtPutResult result;

  if (answer_refused (push, req))
    return;
  /* the record and its case in one query: one round trip to PostgreSQL */
  if (!kt_backend_get_record_and_case (push->server->backend, push->id, push->info.case_id,
                                       &existing, &kase, &error))
    return respond_internal (req, error);
  record = decide_push (push, req, existing, kase);
  if (record == NULL)
    return;
  result = kt_backend_put_record (push->server->backend, record, push->base, NULL, NULL, NULL, &error);
  answer_stored (push, req, record, result, error);
}

static KtRequest
push_request (Push *push)
{
  return (KtRequest) { .server = push->server, .msg = push->msg, .account = push->account, .id = push->id,
                       .action = "write", .kind = -1 };
}

static void
finish_push (Push *push)
{
  KtRequest req = push_request (push);

  answer_push (push, &req);
  audit_refusal (&req);
}

/* Whether decide_push () may need the body or the key entries of @push's
 * stored record @existing: only to answer with the server's copy (the same
 * revision again, a conflict, a locked plan) or to check a plaintext plan's
 * review.  A push over the revision it names, a device's usual push,
 * decides on the record's head alone. */
static gboolean
push_needs_stored_copy (const Push           *push,
                        const KtServerRecord *existing)
{
  return existing != NULL &&
         (existing->rev != push->base || plan_is_locked (existing) ||
          (existing->kind == KT_KIND_PLAN && !existing->sealed));
}

/* Stores the pushes of @round, which neither write a record another of them
 * reads (as itself or as its case) nor write the same record, so reading
 * all first and writing all after is the same as one after the other: the
 * records and cases of all in one batch, the rules checked here, then the
 * writes in one batch.  To PostgreSQL that is two round trips for the
 * round, not two or three per push.  Inside the group's transaction.
 *
 * The batch reads the records' heads, not their bodies: a sealed body
 * (13.8 KB in the bench) is stored out of line in TOAST, and reading each
 * one back only to replace it cost PostgreSQL its TOAST chunks and the
 * server 13.8 KB to receive per push (bench/README.md, issue 19).  The few
 * pushes that need the server's copy (push_needs_stored_copy ()) have it
 * read whole in a second batch; the group's write lock is held throughout,
 * so both batches see the same records. */
static void
store_round (KtServer  *self,
             GPtrArray *round)
{
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) kt_server_record_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) whole_ids = g_ptr_array_new ();
  g_autofree KtRequest *reqs = g_new0 (KtRequest, round->len);
  g_autofree KtRecordWrite *writes = g_new0 (KtRecordWrite, round->len);
  g_autofree guint *writer = g_new0 (guint, round->len);
  g_autoptr(GError) error = NULL;
  guint n_writes = 0;
  gboolean ok;

  for (guint i = 0; i < round->len; i++)
    {
      Push *push = g_ptr_array_index (round, i);

      g_ptr_array_add (ids, push->id);
      if (g_strcmp0 (push->info.case_id, push->id) != 0 && push->info.case_id != NULL)
        g_ptr_array_add (ids, push->info.case_id);
    }
  ok = kt_backend_get_record_heads (self->backend, ids, found, &error);
  for (guint i = 0; ok && i < round->len; i++)
    {
      Push *push = g_ptr_array_index (round, i);

      if (push_needs_stored_copy (push, g_hash_table_lookup (found, push->id)))
        g_ptr_array_add (whole_ids, push->id);
    }
  /* replaces their heads in @found */
  if (ok && whole_ids->len > 0)
    ok = kt_backend_get_records (self->backend, whole_ids, found, &error);
  if (!ok)
    {
      for (guint i = 0; i < round->len; i++)
        {
          KtRequest req = push_request (g_ptr_array_index (round, i));

          respond_internal (&req, error);
        }
      return;
    }

  for (guint i = 0; i < round->len; i++)
    {
      Push *push = g_ptr_array_index (round, i);
      KtServerRecord *record;

      reqs[i] = push_request (push);
      record = decide_push (push, &reqs[i],
                            g_hash_table_lookup (found, push->id),
                            push->info.case_id != NULL ? g_hash_table_lookup (found, push->info.case_id) : NULL);
      if (record == NULL)
        continue;
      writer[n_writes] = i;
      writes[n_writes].record = record;
      writes[n_writes].base_rev = push->base;
      n_writes++;
    }

  kt_backend_put_records (self->backend, writes, n_writes);
  for (guint w = 0; w < n_writes; w++)
    {
      answer_stored (g_ptr_array_index (round, writer[w]), &reqs[writer[w]],
                     writes[w].record, writes[w].result, writes[w].error);
      kt_server_record_free (writes[w].record);
      g_clear_error (&writes[w].error);
    }
  for (guint i = 0; i < round->len; i++)
    audit_refusal (&reqs[i]);
}

/* Stores the pushes of @batch in the group's transaction, in rounds of
 * pushes that store_round () may take together (most often one round);
 * answers those refused when read at once. */
static void
store_group (KtServer  *self,
             GPtrArray *batch)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();

  for (guint i = 0; i < batch->len; i++)
    {
      Push *push = g_ptr_array_index (batch, i);
      KtRequest req = push_request (push);

      if (answer_refused (push, &req))
        audit_refusal (&req);
      else
        g_ptr_array_add (pending, push);
    }

  while (pending->len > 0)
    {
      g_autoptr(GHashTable) written = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GHashTable) read = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GPtrArray) round = g_ptr_array_new ();
      g_autoptr(GPtrArray) later = g_ptr_array_new ();

      /* in arrival order: a push that must see another's write waits for
       * the next round */
      for (guint i = 0; i < pending->len; i++)
        {
          Push *push = g_ptr_array_index (pending, i);
          const char *case_id = push->info.case_id;

          if (g_hash_table_contains (written, push->id) || g_hash_table_contains (read, push->id) ||
              (case_id != NULL && g_hash_table_contains (written, case_id)))
            {
              g_ptr_array_add (later, push);
              continue;
            }
          g_ptr_array_add (round, push);
          g_hash_table_add (written, push->id);
          g_hash_table_add (read, push->id);
          if (case_id != NULL)
            g_hash_table_add (read, (gpointer) case_id);
        }
      store_round (self, round);
      g_ptr_array_set_size (pending, 0);
      g_ptr_array_extend (pending, later, NULL, NULL);
    }
}

/* Stores every push that has been read, in one transaction: pushes that
 * arrive together (or while the previous group is being flushed) share one
 * commit and so one flush to disk (synchronous commits are the default).
 * Their answers go out once it is committed.  On the database thread. */
static void
store_pushes (gpointer data)
{
  KtServer *self = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) push_free);
  g_autoptr(GError) error = NULL;
  gboolean grouped;
  Push *push;

  g_atomic_int_set (&self->store_pending, FALSE);
  while ((push = g_async_queue_try_pop (self->pushes_read)) != NULL)
    g_ptr_array_add (batch, push);
  if (batch->len == 0)
    return;
  for (guint i = 0; i < batch->len; i++)
    mark_stage (((Push *) g_ptr_array_index (batch, i))->msg, STAGE_STORING);

  /* without a transaction each push fails or succeeds on its own */
  grouped = kt_backend_begin_group (self->backend, &error);
  g_clear_error (&error);
  if (grouped)
    store_group (self, batch);
  else
    for (guint i = 0; i < batch->len; i++)
      finish_push (g_ptr_array_index (batch, i));
  if (grouped && !kt_backend_end_group (self->backend, &error))
    {
      /* nothing of the group was stored: no push may be answered as stored */
      for (guint i = 0; i < batch->len; i++)
        {
          KtRequest req = { .server = self, .msg = ((Push *) g_ptr_array_index (batch, i))->msg };

          respond_internal (&req, error);
        }
    }
  if (grouped)
    kt_metrics_count_push_group (self->metrics, batch->len);
  for (guint i = 0; i < batch->len; i++)
    {
      SoupServerMessage *msg = ((Push *) g_ptr_array_index (batch, i))->msg;

      mark_stage (msg, STAGE_STORED);
      kt_metrics_count_push (self->metrics, soup_server_message_get_status (msg));
      send_later (msg);
    }
}

/* A worker of push_pool: reads the push, then hands it to the database thread. */
static void
read_push_in_pool (gpointer data,
                   gpointer user_data)
{
  Push *push = data;
  KtServer *self = push->server;

  read_push (push);
  mark_stage (push->msg, STAGE_READ);
  g_async_queue_push (self->pushes_read, push);
  if (g_atomic_int_compare_and_exchange (&self->store_pending, FALSE, TRUE))
    push_db_job (self, store_pushes, self, TRUE);
}

static void
handle_put_record (KtRequest *req)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (req->msg);
  Push *push;
  gint64 base;

  if (!kt_uuid_is_valid (req->id))
    return respond_not_found (req);
  if (req->account->role != KT_ROLE_COACH && req->account->role != KT_ROLE_INTAKER)
    return respond_forbidden (req);
  base = parse_if_match (req->msg);
  if (base < 0)
    return respond_bad_request (req, "If-Match");
  if ((gsize) request_body->length > req->server->config->max_body)
    return respond_too_large (req->msg);

  push = g_new0 (Push, 1);
  push->server = g_object_ref (req->server);
  push->msg = g_object_ref (req->msg);
  push->account = g_steal_pointer (&req->account);
  push->id = g_strdup (req->id);
  push->base = base;
  push->bytes = soup_message_body_flatten (request_body);

  req->kept = TRUE;
  mark_stage (req->msg, STAGE_TO_WORKER);
  g_thread_pool_push (req->server->push_pool, push, NULL);
}

/* Answers a change the server made itself (an assignment, a review) to
 * @record, as the backend stored it or refused it. */
static void
answer_server_change (KtRequest      *req,
                      KtServerRecord *record,
                      KtPutResult     result,
                      GError         *error)
{
  g_autoptr(KtServerRecord) current = NULL;

  switch (result)
    {
    case KT_PUT_CREATED:
    case KT_PUT_UPDATED:
      return respond_record (req, SOUP_STATUS_OK, record, FALSE);
    case KT_PUT_STALE:
      current = kt_backend_get_record (req->server->backend, record->id, NULL);
      return respond_conflict (req, _("The server has a newer version."), current);
    case KT_PUT_ERROR:
    default:
      return respond_internal (req, error);
    }
}

/* Reads the member "record" of @object, the sealed revision @stored->rev + 1
 * of @stored made on the caller's device, and puts it into @stored (body,
 * keys, routing; the caller checks the metadata of its decision).  FALSE
 * after answering when it is not such a record. */
static gboolean
take_sealed_revision (KtRequest      *req,
                      JsonObject     *object,
                      KtServerRecord *stored,
                      GError        **error)
{
  JsonNode *node = json_object_get_member (object, "record");
  g_autoptr(KtSyncRecord) wire = NULL;
  g_autofree char *field = NULL;
  int foreign;

  wire = read_sealed_record (node, "record", &field);
  if (wire == NULL)
    return respond_bad_request (req, field), FALSE;
  if (!g_str_equal (wire->id, stored->id))
    return respond_bad_request (req, "record.id"), FALSE;
  if (wire->kind != stored->kind)
    return respond_bad_request (req, "record.kind"), FALSE;
  if (stored->kind != KT_KIND_CASE && g_strcmp0 (wire->case_id, stored->case_id) != 0)
    return respond_bad_request (req, "record.case_id"), FALSE;
  if (wire->rev != stored->rev + 1)
    return respond_conflict (req, _("The server has a newer version."), stored), FALSE;
  foreign = foreign_sender (wire->keys, req->account->username);
  if (foreign >= 0)
    {
      g_autofree char *path = g_strdup_printf ("record.sealed.keys[%d].sender", foreign);

      respond_error (req->msg, SOUP_STATUS_FORBIDDEN, KT_SYNC_CODE_FORBIDDEN,
                     _("Each key must be sealed by the account that sends it."), path);
      return FALSE;
    }
  g_free (stored->body);
  stored->body = g_strdup (sealed_body_text (json_node_get_object (node)));
  stored->sealed = TRUE;
  g_clear_pointer (&stored->keys, g_ptr_array_unref);
  stored->keys = g_steal_pointer (&wire->keys);
  g_free (stored->coach);
  stored->coach = g_steal_pointer (&wire->coach);
  g_free (stored->intaker);
  stored->intaker = g_steal_pointer (&wire->intaker);
  g_free (stored->review);
  stored->review = g_steal_pointer (&wire->review);
  g_free (stored->phase);
  stored->phase = g_steal_pointer (&wire->phase);
  stored->due = wire->due;
  return TRUE;
}

static void
handle_assign (KtRequest *req)
{
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(KtServerRecord) kase = NULL;
  g_autoptr(KtAccount) coach = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *body = NULL;
  JsonObject *object;
  const char *coach_name;
  KtPutResult result;
  gint64 base, now = now_seconds ();

  kase = load_path_record (req, KT_KIND_CASE, NULL);
  if (kase == NULL)
    return;
  if (req->account->role != KT_ROLE_INTAKER)
    return respond_forbidden (req);
  object = read_json_object (req, &json);
  if (object == NULL)
    return;
  coach_name = member_string (object, "coach");
  if (coach_name == NULL || !kt_account_name_is_valid (coach_name))
    return respond_bad_request (req, "coach");
  coach = kt_backend_get_account (req->server->backend, coach_name, &error);
  if (error != NULL)
    return respond_internal (req, error);
  if (coach == NULL || coach->disabled || coach->role != KT_ROLE_COACH ||
      g_strcmp0 (coach->team, req->account->team) != 0)
    return respond_bad_request (req, "coach");

  base = kase->rev;
  if (json_object_has_member (object, "record"))
    {
      /* the case at rev+1, sealed on the intaker's device to the new coach too */
      if (!take_sealed_revision (req, object, kase, &error))
        return;
      if (g_strcmp0 (kase->coach, coach_name) != 0)
        return respond_bad_request (req, "record.coach");
    }
  else if (kase->sealed)
    return respond_error (req->msg, SOUP_STATUS_BAD_REQUEST, KT_SYNC_CODE_BAD_REQUEST,
                          _("A sealed case is assigned with its new revision, sealed to the coach."),
                          "record");
  else
    {
      /* a plaintext case from before sealing: the server writes the coach in */
      body = kt_server_document_assign (kase->body, coach_name, base + 1, now, &error);
      if (body == NULL)
        return respond_internal (req, error);
      g_free (kase->body);
      kase->body = g_steal_pointer (&body);
    }
  g_free (kase->coach);
  kase->coach = g_strdup (coach_name);
  kase->rev = base + 1;
  kase->updated = now;
  detail = g_strdup_printf ("coach=%s", coach_name);
  /* an assignment also resends the case's documents to the new coach */
  result = kt_backend_assign_case (req->server->backend, kase, base, req->account->username,
                                   detail, &error);
  answer_server_change (req, kase, result, error);
}

static void
handle_coaches (KtRequest *req)
{
  g_autoptr(GPtrArray) coaches = NULL;
  g_autoptr(GHashTable) caseloads = NULL;
  g_autoptr(GError) error = NULL;
  GString *json;
  gboolean first = TRUE;

  if (req->account->role != KT_ROLE_INTAKER && req->account->role != KT_ROLE_SUPERVISOR)
    return respond_forbidden (req);
  coaches = kt_backend_list_accounts (req->server->backend, req->account->team, KT_ROLE_COACH, &error);
  if (coaches != NULL)
    caseloads = kt_backend_count_caseloads (req->server->backend, req->account->team, &error);
  if (caseloads == NULL)
    return respond_internal (req, error);

  json = g_string_new ("{\"coaches\":[");
  for (guint i = 0; i < coaches->len; i++)
    {
      KtAccount *coach = g_ptr_array_index (coaches, i);

      if (coach->disabled)
        continue;
      if (!first)
        g_string_append_c (json, ',');
      first = FALSE;
      g_string_append (json, "{\"username\":");
      kt_json_append_string (json, coach->username);
      g_string_append (json, ",\"display_name\":");
      kt_json_append_string (json, coach->display_name);
      g_string_append_printf (json, ",\"caseload\":%d}",
                              GPOINTER_TO_INT (g_hash_table_lookup (caseloads, coach->username)));
    }
  g_string_append (json, "]}");
  respond_text (req->msg, SOUP_STATUS_OK, json);
}

/* Key directory */

/* Whether @text is strict base64 of exactly @size bytes. */
static gboolean
is_base64_of_size (const char *text,
                   gsize       size)
{
  g_autoptr(GBytes) decoded = kt_crypto_base64_decode_exact (text, size);

  return decoded != NULL;
}

/* Only the accounts that read and write records have keys. */
static gboolean
role_has_key (KtRole role)
{
  return role == KT_ROLE_COACH || role == KT_ROLE_INTAKER || role == KT_ROLE_SUPERVISOR;
}

/* Publishes the caller's own public key and recovery bundle.  A key that
 * replaces another is taken (a user who lost both device and phrase must
 * start again), but logged: the colleagues' devices warn about it and do not
 * seal to it until someone confirms its fingerprint. */
static void
handle_publish_key (KtRequest *req)
{
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *public_key, *bundle;
  KtPublishResult result;
  static const char * const results[] = {
    [KT_PUBLISH_NEW] = "new",
    [KT_PUBLISH_SAME] = "same",
    [KT_PUBLISH_NEW_BUNDLE] = "new_bundle",
    [KT_PUBLISH_REPLACED] = "replaced",
  };
  GString *answer;

  if (!role_has_key (req->account->role))
    return respond_forbidden (req);
  object = read_json_object (req, &json);
  if (object == NULL)
    return;
  public_key = member_string (object, "public_key");
  if (!is_base64_of_size (public_key, KT_PUBLIC_KEY_SIZE))
    return respond_bad_request (req, "public_key");
  bundle = member_string (object, "recovery_bundle");
  if (!is_base64_of_size (bundle, KT_WRAPPED_KEY_SIZE))
    return respond_bad_request (req, "recovery_bundle");

  result = kt_backend_publish_key (req->server->backend, req->account->username, public_key,
                                   bundle, now_seconds (), &error);
  if (result == KT_PUBLISH_ERROR)
    return respond_internal (req, error);
  if (result == KT_PUBLISH_REPLACED)
    g_message ("Account key replaced user=%s", req->account->username);
  if (result == KT_PUBLISH_NEW || result == KT_PUBLISH_REPLACED)
    answer_keys_changed (req->server, req->account);

  answer = g_string_new ("{\"username\":");
  kt_json_append_string (answer, req->account->username);
  g_string_append_printf (answer, ",\"published\":\"%s\"}", results[result]);
  respond_text (req->msg, SOUP_STATUS_OK, answer);
}

/* The caller's own recovery bundle, for a new device that has the phrase:
 * sealed, so it is as safe here as the phrase is on paper. */
static void
handle_recovery (KtRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle = NULL;
  GString *json;

  if (!role_has_key (req->account->role))
    return respond_forbidden (req);
  bundle = kt_backend_get_recovery_bundle (req->server->backend, req->account->username, &error);
  if (error != NULL)
    return respond_internal (req, error);
  if (bundle == NULL)
    return respond_error (req->msg, SOUP_STATUS_NOT_FOUND, KT_SYNC_CODE_NOT_FOUND,
                          _("This account has no recovery key on the server yet."), NULL);

  json = g_string_new ("{\"recovery_bundle\":");
  kt_json_append_string (json, bundle);
  g_string_append_c (json, '}');
  respond_text (req->msg, SOUP_STATUS_OK, json);
}

/* The public keys of the caller's team, to seal records to: its own
 * enabled accounts only, never another team's.  With each account's display
 * name, so that a coach's app names the supervisor who reviewed a plan (a
 * coach may not list the team's accounts otherwise). */
static void
handle_team_keys (KtRequest *req)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  GString *json;

  if (!role_has_key (req->account->role))
    return respond_forbidden (req);
  keys = kt_backend_list_team_keys (req->server->backend, req->account->team, &error);
  if (keys == NULL)
    return respond_internal (req, error);

  json = g_string_new ("{\"keys\":[");
  for (guint i = 0; i < keys->len; i++)
    {
      KtAccountKey *key = g_ptr_array_index (keys, i);

      if (i > 0)
        g_string_append_c (json, ',');
      g_string_append (json, "{\"username\":");
      kt_json_append_string (json, key->username);
      g_string_append (json, ",\"display_name\":");
      kt_json_append_string (json, key->display_name != NULL ? key->display_name : key->username);
      g_string_append_printf (json, ",\"role\":\"%s\",\"public_key\":", kt_role_to_string (key->role));
      kt_json_append_string (json, key->public_key);
      g_string_append_printf (json, ",\"published\":%" G_GINT64_FORMAT "}", key->published);
    }
  g_string_append (json, "]}");
  respond_text (req->msg, SOUP_STATUS_OK, json);
}

/* Sealed records: keys for readers who have none yet */

/* The key entries of a re-seal request (element-type KtSealedKey), or NULL
 * after answering 400.  Each entry {reader, sender, key} as in a record's
 * "sealed.keys"; the sender must be the caller (403). */
static GPtrArray *
read_new_keys (KtRequest  *req,
               JsonObject *object)
{
  g_autofree char *field = NULL;
  g_autoptr(GPtrArray) keys = kt_sync_sealed_keys_read (json_object_get_member (object, "keys"),
                                                        "keys", &field, NULL);

  if (keys == NULL || keys->len == 0)
    return respond_bad_request (req, field != NULL ? field : "keys"), NULL;
  for (guint i = 0; i < keys->len; i++)
    if (!g_str_equal (((KtSealedKey *) keys->pdata[i])->sender, req->account->username))
      {
        g_autofree char *sender = g_strdup_printf ("keys[%u].sender", i);

        respond_error (req->msg, SOUP_STATUS_FORBIDDEN, KT_SYNC_CODE_FORBIDDEN,
                       _("Each key must be sealed by the account that sends it."), sender);
        return NULL;
      }
  return g_steal_pointer (&keys);
}

/* Re-seal: a device that can open a record gives its content key to
 * readers who have none (a supervisor who joined later, a coach it was
 * assigned to).  Existing entries stay; the record comes again in the
 * change feed for the new readers to pull. */
static void
handle_add_keys (KtRequest *req)
{
  g_autoptr(KtServerRecord) kase = NULL;
  g_autoptr(KtServerRecord) record = load_path_record (req, -1, &kase);
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) team_keys = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  KtPutResult result;
  gint64 rev;

  if (record == NULL)
    return;
  if (!may_read (req->account, record, kase))
    return respond_forbidden (req);
  object = read_json_object (req, &json);
  if (object == NULL)
    return;
  if (!member_int (object, "rev", &rev) || rev < 1)
    return respond_bad_request (req, "rev");
  if (!record->sealed)
    return respond_error (req->msg, SOUP_STATUS_BAD_REQUEST, KT_SYNC_CODE_BAD_REQUEST,
                          _("This record is not sealed."), "rev");
  keys = read_new_keys (req, object);
  if (keys == NULL)
    return;
  if (rev != record->rev)
    return respond_conflict (req, _("The server has a newer version."), record);

  /* each reader may read the record and has published a key */
  team_keys = kt_backend_list_team_keys (req->server->backend, req->account->team, &error);
  if (team_keys == NULL)
    return respond_internal (req, error);
  for (guint i = 0; i < keys->len; i++)
    {
      const KtSealedKey *key = g_ptr_array_index (keys, i);
      gboolean allowed = FALSE;

      for (guint j = 0; j < team_keys->len && !allowed; j++)
        {
          const KtAccountKey *published = g_ptr_array_index (team_keys, j);
          KtAccount reader = { .username = published->username, .role = published->role,
                               .team = req->account->team };

          allowed = g_str_equal (published->username, key->reader) && may_read (&reader, record, kase);
        }
      if (!allowed)
        {
          g_autofree char *field = g_strdup_printf ("keys[%u].reader", i);

          respond_error (req->msg, SOUP_STATUS_FORBIDDEN, KT_SYNC_CODE_FORBIDDEN,
                         _("This account may not read the record, or has no key yet."), field);
          return;
        }
    }

  result = kt_backend_add_keys (req->server->backend, record, keys, req->account->username, &error);
  if (result == KT_PUT_UPDATED)
    {
      /* the answer shows every entry, the new ones among them */
      g_autoptr(KtServerRecord) stored = kt_backend_get_record (req->server->backend, record->id, &error);

      if (stored == NULL)
        return respond_internal (req, error);
      return respond_record (req, SOUP_STATUS_OK, stored, FALSE);
    }
  answer_server_change (req, record, result, error);
}

/* Answers {"pending":[…]} with @records (NULL: *@error says why), each
 * audited as a read by the caller. */
static void
respond_pending (KtRequest  *req,
                 GPtrArray  *records,
                 GError    **error)
{
  GString *json;

  if (records == NULL || !audit_reads (req, records, records->len, error))
    return respond_internal (req, *error);
  json = g_string_new ("{\"pending\":[");
  for (guint i = 0; i < records->len; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      kt_server_record_append_json (g_ptr_array_index (records, i), json);
    }
  g_string_append (json, "]}");
  respond_text (req->msg, SOUP_STATUS_OK, json);
}

/* The records the caller can open that someone else who may read them
 * cannot yet (no key entry): for the device to re-seal. */
static void
handle_pending (KtRequest *req)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  if (!role_has_key (req->account->role))
    return respond_forbidden (req);
  records = kt_backend_list_pending (req->server->backend, req->account, CHANGES_DEFAULT_LIMIT, &error);
  respond_pending (req, records, &error);
}

/* The records an app from before sealing left in plaintext that the caller
 * may write: for the device to send again sealed (the migration of
 * docs/admin-server.md). */
static void
handle_unsealed (KtRequest *req)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  if (req->account->role != KT_ROLE_COACH && req->account->role != KT_ROLE_INTAKER)
    return respond_forbidden (req);
  records = kt_backend_list_unsealed (req->server->backend, req->account, CHANGES_DEFAULT_LIMIT, &error);
  respond_pending (req, records, &error);
}

/* Who read the records of a case and when (AVG art. 15), for the case's
 * own coach only: to anyone else the case does not exist. */
static void
handle_case_audit (KtRequest *req)
{
  g_autoptr(KtServerRecord) kase = load_path_record (req, KT_KIND_CASE, NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  GString *json;

  if (kase == NULL)
    return;
  if (req->account->role != KT_ROLE_COACH || g_strcmp0 (kase->coach, req->account->username) != 0)
    return respond_not_found (req);
  entries = kt_backend_list_case_reads (req->server->backend, kase->id, &error);
  if (entries == NULL)
    return respond_internal (req, error);

  json = g_string_new ("{\"case_id\":");
  kt_json_append_string (json, kase->id);
  g_string_append (json, ",\"reads\":[");
  for (guint i = 0; i < entries->len; i++)
    {
      const KtAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(KtAccount) reader = kt_backend_get_account (req->server->backend, entry->actor, NULL);

      if (i > 0)
        g_string_append_c (json, ',');
      g_string_append_printf (json, "{\"at\":%" G_GINT64_FORMAT ",\"username\":", entry->at);
      kt_json_append_string (json, entry->actor);
      g_string_append (json, ",\"display_name\":");
      kt_json_append_string (json, reader != NULL ? reader->display_name : NULL);
      g_string_append (json, ",\"role\":");
      kt_json_append_string (json, reader != NULL ? kt_role_to_string (reader->role) : NULL);
      g_string_append (json, ",\"record_id\":");
      kt_json_append_string (json, entry->record_id);
      g_string_append (json, ",\"kind\":");
      kt_json_append_string (json, entry->kind);
      g_string_append_c (json, '}');
    }
  g_string_append (json, "]}");
  respond_text (req->msg, SOUP_STATUS_OK, json);
}

static gboolean
review_state_is_valid (const char *state)
{
  static const char * const states[] = { "draft", "submitted", "approved", "returned" };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_strcmp0 (state, states[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
handle_plans (KtRequest *req)
{
  const char *state = req->query != NULL ? g_hash_table_lookup (req->query, "state") : NULL;
  g_autoptr(GPtrArray) plans = NULL;
  g_autoptr(GError) error = NULL;
  GString *json;

  if (req->account->role != KT_ROLE_SUPERVISOR)
    return respond_forbidden (req);
  if (state == NULL)
    state = "submitted";
  if (!review_state_is_valid (state))
    return respond_bad_request (req, "state");
  plans = kt_backend_list_plans (req->server->backend, req->account->team, state, &error);
  if (plans == NULL || !audit_reads (req, plans, plans->len, &error))
    return respond_internal (req, error);

  json = g_string_new (NULL);
  respond_records (req, plans, plans->len, json);
  g_string_append_c (json, '}');
  respond_text (req->msg, SOUP_STATUS_OK, json);
}

/* The notes of a review request (element-type KtReviewNote), or NULL after
 * answering 400. */
static GPtrArray *
read_review_notes (KtRequest  *req,
                   JsonObject *object)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_review_note_free);
  JsonNode *comment = json_object_get_member (object, "comment");
  JsonNode *goal_comments = json_object_get_member (object, "goal_comments");

  if (comment != NULL && !JSON_NODE_HOLDS_NULL (comment))
    {
      const char *text = member_string (object, "comment");

      if (text == NULL || strlen (text) > KT_TEXT_MAX_SIZE)
        return respond_bad_request (req, "comment"), NULL;
      if (*text != '\0')
        {
          KtReviewNote *note = g_new0 (KtReviewNote, 1);
          note->text = g_strdup (text);
          g_ptr_array_add (notes, note);
        }
    }
  if (goal_comments != NULL && !JSON_NODE_HOLDS_NULL (goal_comments))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (goal_comments))
        return respond_bad_request (req, "goal_comments"), NULL;
      array = json_node_get_array (goal_comments);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *goal_id = NULL, *text = NULL;
          KtReviewNote *note;

          if (JSON_NODE_HOLDS_OBJECT (element))
            {
              goal_id = member_string (json_node_get_object (element), "goal_id");
              text = member_string (json_node_get_object (element), "text");
            }
          if (goal_id == NULL || text == NULL || strlen (text) > KT_TEXT_MAX_SIZE)
            {
              g_autofree char *field = g_strdup_printf ("goal_comments[%u]", i);
              return respond_bad_request (req, field), NULL;
            }
          note = g_new0 (KtReviewNote, 1);
          note->goal_id = g_strdup (goal_id);
          note->text = g_strdup (text);
          g_ptr_array_add (notes, note);
        }
    }
  return g_steal_pointer (&notes);
}

/* Whether @notes (element-type KtReviewNote) say anything: a return must
 * tell the coach why, on the whole plan or on a goal, as the app asks. */
static gboolean
notes_have_text (GPtrArray *notes)
{
  for (guint i = 0; i < notes->len; i++)
    {
      const KtReviewNote *note = g_ptr_array_index (notes, i);

      if (!kt_text_is_blank (note->text))
        return TRUE;
    }
  return FALSE;
}

static void
handle_review (KtRequest *req)
{
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(KtServerRecord) plan = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *field = NULL;
  JsonObject *object;
  const char *decision;
  gboolean approve;
  KtPutResult result;
  gint64 rev, now = now_seconds ();

  plan = load_path_record (req, KT_KIND_PLAN, NULL);
  if (plan == NULL)
    return;
  if (req->account->role != KT_ROLE_SUPERVISOR)
    return respond_forbidden (req);
  object = read_json_object (req, &json);
  if (object == NULL)
    return;
  if (!member_int (object, "rev", &rev) || rev < 1)
    return respond_bad_request (req, "rev");
  decision = member_string (object, "decision");
  if (g_strcmp0 (decision, "approve") != 0 && g_strcmp0 (decision, "return") != 0)
    return respond_bad_request (req, "decision");
  approve = g_str_equal (decision, "approve");
  notes = read_review_notes (req, object);
  if (notes == NULL)
    return;
  /* in a sealed plan the comments are inside, for the devices to check */
  if (!approve && !json_object_has_member (object, "record") && !notes_have_text (notes))
    return respond_error (req->msg, SOUP_STATUS_BAD_REQUEST, KT_SYNC_CODE_BAD_REQUEST,
                          _("Write what the coach should change before you return the plan."),
                          "comment");

  if (rev != plan->rev)
    return respond_conflict (req, _("The server has a newer version."), plan);
  if (g_strcmp0 (plan->review, "submitted") != 0)
    return respond_conflict (req, _("This plan is not waiting for a review."), plan);

  if (json_object_has_member (object, "record"))
    {
      /* the plan at rev+1 with the decision and the comments, sealed on the
       * supervisor's device (the core's review rules ran there) */
      if (!take_sealed_revision (req, object, plan, &error))
        return;
      if (g_strcmp0 (plan->review, approve ? "approved" : "returned") != 0)
        return respond_bad_request (req, "record.review");
    }
  else if (plan->sealed)
    return respond_error (req->msg, SOUP_STATUS_BAD_REQUEST, KT_SYNC_CODE_BAD_REQUEST,
                          _("A sealed plan is reviewed with its new revision, sealed on your device."),
                          "record");
  else
    {
      body = kt_server_document_review (plan->body, approve, req->account->username, notes,
                                        rev + 1, now, &field, &error);
      if (body == NULL && field != NULL)
        return respond_bad_request (req, field);
      if (body == NULL)
        return respond_internal (req, error);
      g_free (plan->body);
      plan->body = g_steal_pointer (&body);
    }
  g_free (plan->review);
  plan->review = g_strdup (approve ? "approved" : "returned");
  plan->rev = rev + 1;
  plan->updated = now;
  detail = g_strdup_printf ("decision=%s", decision);
  result = kt_backend_put_record (req->server->backend, plan, rev, req->account->username,
                                  "review", detail, &error);
  answer_server_change (req, plan, result, error);
}

/* Routing */

/* Whether @path fits @pattern, where "{id}" stands for one non-empty
 * segment (copied to @id). */
static gboolean
route_matches (const char *pattern,
               const char *path,
               char      **id)
{
  const char *p = pattern, *q = path;

  while (*p != '\0')
    {
      if (g_str_has_prefix (p, "{id}"))
        {
          const char *end = strchr (q, '/');
          gsize len = end != NULL ? (gsize) (end - q) : strlen (q);

          if (len == 0)
            return FALSE;
          g_free (*id);
          *id = g_strndup (q, len);
          p += strlen ("{id}");
          q += len;
          continue;
        }
      if (*p != *q)
        return FALSE;
      p++;
      q++;
    }
  return *q == '\0';
}

/* The digest of the request's bearer token (kept in req->token), or NULL
 * when it has none that could be valid (transfer full). */
static char *
request_token_digest (KtRequest *req)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                                     "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  req->token = g_strstrip (g_strdup (header + 7));
  if (*req->token == '\0' || strlen (req->token) > 256)
    return NULL;
  return kt_token_digest (req->token);
}

/* The account of the request's bearer token, from @backend; NULL with
 * @error unset when there is none or it is not valid. */
static KtAccount *
authenticate (KtRequest *req,
              KtBackend *backend,
              GError   **error)
{
  g_autofree char *digest = request_token_digest (req);

  if (digest == NULL)
    return NULL;
  return kt_backend_lookup_token (backend, digest, now_seconds (), error);
}

static void
kt_request_free (KtRequest *req)
{
  g_object_unref (req->msg);
  g_clear_pointer (&req->query, g_hash_table_unref);
  kt_account_free (req->account);
  g_free (req->id);
  if (req->token != NULL)
    sodium_memzero (req->token, strlen (req->token));
  g_free (req->token);
  g_clear_error (&req->sign_in_error);
  g_object_unref (req->server);
  g_free (req);
}

/* After the handler of @req: audits a refusal, sends the answer unless
 * the handler keeps the message, and lets @req go. */
static void
finish_request (KtRequest *req)
{
  /* a push is audited when its worker's answer is in (finish_push) */
  audit_refusal (req);
  if (!req->kept)
    send_later (req->msg);
  kt_request_free (req);
}

/* A request's sign-in check and handler, on the database thread; its
 * message is paused until the answer is written. */
static void
serve_job (gpointer data)
{
  KtRequest *req = data;
  g_autoptr(GError) error = NULL;

  if (!req->checked)
    mark_stage (req->msg, STAGE_SIGN_IN);
  if (req->signed_in)
    {
      if (!req->checked)
        req->account = authenticate (req, req->server->backend, &error);
      else if (req->account == NULL && req->sign_in_error != NULL)
        error = g_steal_pointer (&req->sign_in_error);
      if (error != NULL)
        {
          respond_internal (req, error);
          goto out;
        }
      if (!req->checked && req->account != NULL && request_info (req->msg) != NULL)
        request_info (req->msg)->user = g_strdup (req->account->username);
      if (req->account == NULL)
        {
          respond_error (req->msg, SOUP_STATUS_UNAUTHORIZED, KT_SYNC_CODE_UNAUTHORIZED,
                         _("Sign in again: the session is missing, expired or ended."), NULL);
          goto out;
        }
      if (req->account->role == KT_ROLE_ADMIN)
        {
          respond_forbidden (req);
          goto out;
        }
    }
  if (!req->handled)
    req->handler (req);

out:
  finish_request (req);
}

/* Pulls together.  Each pull was a job of the database thread of its own,
 * one round trip to PostgreSQL each between the groups of pushes, each
 * waking PostgreSQL's process (at 200 clients about 1,450 a second; the
 * hypervisor's wake-up path was a third of that process's time).  Now the
 * sign-in thread puts the signed-in pulls in a list, and the database
 * thread takes all that have come when it gets to them and reads their
 * pages in one round trip, each still one statement and so one snapshot:
 * what was committed before that statement, so before it was started,
 * after the pull was read from its client.  A job is queued only for the
 * first pull of an empty list; a pull that comes while that job is queued
 * rides with it. */
static void
answer_pulls (gpointer data)
{
  KtServer *self = data;
  g_autoptr(GPtrArray) reqs = NULL;
  g_autofree KtChangesPull *pulls = NULL;
  g_autofree KtRequest **asking = NULL;
  g_autofree gint64 *waits = NULL;
  guint n = 0;

  g_mutex_lock (&self->pulls_lock);
  reqs = g_steal_pointer (&self->pulls);
  self->pulls = g_ptr_array_new ();
  g_mutex_unlock (&self->pulls_lock);

  pulls = g_new0 (KtChangesPull, reqs->len);
  asking = g_new0 (KtRequest *, reqs->len);
  waits = g_new0 (gint64, reqs->len);
  for (guint i = 0; i < reqs->len; i++)
    {
      KtRequest *req = g_ptr_array_index (reqs, i);
      gint64 since, limit;

      if (!read_changes_query (req, &since, &limit, &waits[n]))
        {
          finish_request (req);
          continue;
        }
      asking[n] = req;
      pulls[n].reader = req->account;
      pulls[n].since = since;
      pulls[n].limit = limit + 1;
      n++;
    }
  kt_backend_list_changes_many (self->backend, pulls, n);

  /* each answered as answer_changes () does: audited, held when it found
   * nothing and may wait (a change committed from now on wakes it) */
  for (guint i = 0; i < n; i++)
    {
      KtRequest *req = asking[i];
      gint64 limit = pulls[i].limit - 1;

      if (!answer_page (req, pulls[i].records, pulls[i].error, pulls[i].since, limit,
                        may_hold (self, waits[i])))
        hold_changes (req, pulls[i].since, limit, waits[i]);
      g_clear_pointer (&pulls[i].records, g_ptr_array_unref);
      g_clear_error (&pulls[i].error);
      finish_request (req);
    }
}

/* Hands the signed-in pulls @reqs (element-type KtRequest) to the database
 * thread, to be read with the others waiting there (answer_pulls ()). */
static void
queue_pulls (KtServer  *self,
             GPtrArray *reqs)
{
  gboolean first;

  g_mutex_lock (&self->pulls_lock);
  first = self->pulls->len == 0;
  g_ptr_array_extend_and_steal (self->pulls, g_ptr_array_ref (reqs));
  g_mutex_unlock (&self->pulls_lock);
  if (first)
    on_db_thread (self, answer_pulls, self);
}

/* On the sign-in thread, once check_tokens () has checked the request's
 * token on the second connection (so that a sign-in does not wait behind
 * the database thread's queue: groups of pushes being flushed, pulls).  A
 * valid push goes straight on to a push worker; a valid pull into @pulls,
 * for the database thread to read with others; everything else, and every
 * refusal (which may be audited), goes on to the database thread, which
 * skips the check. */
static void
sign_in_job (KtRequest *req,
             GPtrArray *pulls)
{
  req->checked = TRUE;
  if (req->account != NULL && request_info (req->msg) != NULL)
    request_info (req->msg)->user = g_strdup (req->account->username);
  if (req->account != NULL && req->account->role != KT_ROLE_ADMIN && req->handler == handle_changes)
    {
      g_ptr_array_add (pulls, req);
      return;
    }
  if (req->account != NULL && req->account->role != KT_ROLE_ADMIN && req->handler == handle_put_record)
    {
      /* touches no database: a refusal here is audited on the database thread */
      req->handler (req);
      req->handled = TRUE;
      if (req->kept)
        {
          kt_request_free (req);
          return;
        }
    }
  on_db_thread (req->server, serve_job, req);
}

/* Checks the tokens of @reqs (element-type KtRequest) together, in one
 * statement on the sign-in connection: each check was a round trip of its
 * own, and to PostgreSQL a round trip waits for its process to be given
 * the processor, so under load the requests queued here behind each other's
 * checks (bench/README.md).  Each is still checked against the database as
 * it is at that moment: a token signed out or an account disabled on any
 * process is refused by the next check. */
static void
check_tokens (KtServer  *self,
              GPtrArray *reqs)
{
  g_autofree const char **digests = g_new0 (const char *, reqs->len);
  g_autofree KtRequest **asking = g_new0 (KtRequest *, reqs->len);
  g_autofree KtAccount **accounts = g_new0 (KtAccount *, reqs->len);
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint n = 0;

  for (guint i = 0; i < reqs->len; i++)
    {
      KtRequest *req = g_ptr_array_index (reqs, i);
      char *digest;

      mark_stage (req->msg, STAGE_SIGN_IN);
      digest = request_token_digest (req);
      if (digest == NULL)
        continue;
      g_ptr_array_add (owned, digest);
      digests[n] = digest;
      asking[n] = req;
      n++;
    }
  if (n == 0)
    return;
  if (!kt_backend_lookup_tokens (self->sign_in_backend, digests, n, now_seconds (), accounts, &error))
    {
      for (guint i = 0; i < n; i++)
        asking[i]->sign_in_error = g_error_copy (error);
      return;
    }
  for (guint i = 0; i < n; i++)
    asking[i]->account = accounts[i];
}

/* The sign-in thread: every request handed over since it last looked, in
 * the order they came; while it checks one lot, the next gathers. */
static void
sign_in_requests (gpointer data,
                  gpointer user_data)
{
  KtServer *self = data;
  g_autoptr(GPtrArray) reqs = g_ptr_array_new ();
  g_autoptr(GPtrArray) pulls = g_ptr_array_new ();
  GPtrArray *batch;

  g_atomic_int_set (&self->sign_in_pending, FALSE);
  while ((batch = g_async_queue_try_pop (self->to_sign_in)) != NULL)
    g_ptr_array_extend_and_steal (reqs, batch);
  if (reqs->len == 0)
    return;
  check_tokens (self, reqs);
  for (guint i = 0; i < reqs->len; i++)
    sign_in_job (g_ptr_array_index (reqs, i), pulls);
  /* the lot's pulls together, under one lock */
  if (pulls->len > 0)
    queue_pulls (self, pulls);
}

/* The requests for the sign-in thread go to it once a turn of the main
 * loop, all that turn's together, before the loop polls again: waking the
 * thread for each was a system call costing the main loop, the server's
 * busiest thread, about 5 % of its time at 200 clients, and that turn's
 * requests could not be answered before it ends anyway (bench/README.md). */
typedef struct {
  GSource   source;
  KtServer *server;  /* (unowned): the server destroys the source */
} HandOff;

static gboolean
hand_off_prepare (GSource *source,
                  gint    *timeout)
{
  KtServer *self = ((HandOff *) source)->server;

  *timeout = -1;
  if (self->routed->len > 0)
    {
      g_async_queue_push (self->to_sign_in, g_steal_pointer (&self->routed));
      self->routed = g_ptr_array_new ();
      /* the thread is woken only when it is not on its way already */
      if (g_atomic_int_compare_and_exchange (&self->sign_in_pending, FALSE, TRUE))
        g_thread_pool_push (self->sign_in_pool, self, NULL);
    }
  return FALSE;
}

static gboolean
hand_off_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs hand_off_funcs = {
  .prepare = hand_off_prepare,
  .dispatch = hand_off_dispatch,
};

static void
api_callback (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  KtServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *id = NULL;
  gboolean path_known = FALSE;
  KtRequest *req;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_clear_pointer (&id, g_free);
      if (!route_matches (routes[i].path, path, &id))
        continue;
      path_known = TRUE;
      if (g_str_equal (routes[i].method, method))
        break;
    }

  if (i == G_N_ELEMENTS (routes))
    {
      if (path_known)
        respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, KT_SYNC_CODE_BAD_REQUEST,
                       _("This method is not allowed here."), NULL);
      else
        respond_error (msg, SOUP_STATUS_NOT_FOUND, KT_SYNC_CODE_NOT_FOUND, _("There is no such address."), NULL);
      return;
    }

  if (request_info (msg) != NULL)
    request_info (msg)->route = routes[i].path;
  req = g_new0 (KtRequest, 1);
  req->server = g_object_ref (self);
  req->msg = g_object_ref (msg);
  req->query = query != NULL ? g_hash_table_ref (query) : NULL;
  req->id = g_steal_pointer (&id);
  req->action = routes[i].action;
  req->kind = routes[i].kind;
  req->handler = routes[i].handler;
  req->signed_in = routes[i].signed_in;
  if (req->handler == handle_live)
    {
      /* no database: answered here, also while the database thread is busy */
      handle_live (req);
      kt_request_free (req);
      return;
    }
  mark_stage (msg, STAGE_ROUTED);
  soup_server_message_pause (msg);
  if (req->signed_in && self->sign_in_pool != NULL)
    g_ptr_array_add (self->routed, req);
  else
    on_db_thread (self, serve_job, req);
}

#define HEADER_DEADLINE_KEY "kt-header-deadline"

static void
remove_source (gpointer id)
{
  g_source_remove (GPOINTER_TO_UINT (id));
}

/* A client that sends its headers a byte at a time never falls silent long
 * enough for the socket timeout: it gets request-timeout seconds for all of
 * them, then the connection is shut. */
static gboolean
header_deadline_passed (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);

  g_object_steal_data (G_OBJECT (msg), HEADER_DEADLINE_KEY);
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
cancel_header_deadline (SoupServerMessage *msg)
{
  g_object_set_data (G_OBJECT (msg), HEADER_DEADLINE_KEY, NULL);
}

static void
request_started (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  KtServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  guint id;

  RequestInfo *info = g_new0 (RequestInfo, 1);

  info->started = g_get_monotonic_time ();
  info->route = "other";
  g_object_set_data_full (G_OBJECT (msg), REQUEST_INFO_KEY, info, (GDestroyNotify) request_info_free);
  if (socket != NULL)
    g_socket_set_timeout (socket, self->config->request_timeout);
  id = g_timeout_add_seconds (self->config->request_timeout, header_deadline_passed, msg);
  g_object_set_data_full (G_OBJECT (msg), HEADER_DEADLINE_KEY, GUINT_TO_POINTER (id), remove_source);
  g_signal_connect (msg, "got-headers", G_CALLBACK (cancel_header_deadline), NULL);
}

static void
not_found_callback (SoupServer        *soup,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  respond_error (msg, SOUP_STATUS_NOT_FOUND, KT_SYNC_CODE_NOT_FOUND, _("There is no such address."), NULL);
}

/* The object */

static void
ping_job (gpointer data)
{
  KtServer *self = data;

  g_atomic_int_set (&self->ping_pending, FALSE);
  kt_backend_ping (self->backend);
}

/* A lost database connection is made again by the next query; this asks
 * one a second while it is lost, so the server is ready again (and says
 * so in /metrics) also when no request comes. */
static gboolean
check_connection (gpointer data)
{
  KtServer *self = data;

  if (!kt_backend_is_connected (self->backend) &&
      g_atomic_int_compare_and_exchange (&self->ping_pending, FALSE, TRUE))
    on_db_thread (self, ping_job, self);
  return G_SOURCE_CONTINUE;
}

static void
kt_server_finalize (GObject *object)
{
  KtServer *self = KT_SERVER (object);

  /* let the workers finish (the sign-in thread hands requests to the push
   * readers and the database thread, the push readers hand their pushes to
   * the database thread); their answers are dropped with the main loop */
  if (self->hand_off != NULL)
    {
      g_source_destroy (self->hand_off);
      g_clear_pointer (&self->hand_off, g_source_unref);
    }
  /* routed in the last turn: dropped with the main loop like the answers */
  g_clear_pointer (&self->routed, g_ptr_array_unref);
  if (self->sign_in_pool != NULL)
    g_thread_pool_free (self->sign_in_pool, FALSE, TRUE);
  g_clear_pointer (&self->to_sign_in, g_async_queue_unref);
  g_thread_pool_free (self->push_pool, FALSE, TRUE);
  g_thread_pool_free (self->db_pool, FALSE, TRUE);
  /* every pull queued had its job, which took it */
  g_clear_pointer (&self->pulls, g_ptr_array_unref);
  g_mutex_clear (&self->pulls_lock);
  g_clear_pointer (&self->pushes_read, g_async_queue_unref);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  for (guint i = 0; i < self->waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (self->waiters, i);

      g_clear_signal_handler (&waiter->disconnected_handler, waiter->msg);
      g_source_destroy (waiter->timer);
    }
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  if (self->metrics_soup != NULL)
    soup_server_disconnect (self->metrics_soup);
  g_clear_object (&self->metrics_soup);
  g_clear_object (&self->metrics);
  g_clear_object (&self->guard);
  /* after the last answer: every line of the access log is written */
  g_clear_pointer (&self->access_log, access_log_free);
  g_clear_object (&self->backend);
  g_clear_object (&self->sign_in_backend);
  g_clear_object (&self->account_limiter);
  g_clear_object (&self->address_limiter);
  g_clear_object (&self->ceiling_limiter);
  g_clear_pointer (&self->trusted_proxies, g_ptr_array_unref);
  g_free (self->dummy_hash);
  g_free (self->url);

  G_OBJECT_CLASS (kt_server_parent_class)->finalize (object);
}

static void
kt_server_class_init (KtServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_server_finalize;
}

static void
kt_server_init (KtServer *self)
{
  self->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) waiter_unref);
  g_mutex_init (&self->pulls_lock);
  self->pulls = g_ptr_array_new ();
  self->pushes_read = g_async_queue_new_full ((GDestroyNotify) push_free);
  self->metrics = kt_metrics_new ();
  if (push_stages_log == NULL && g_getenv ("KT_DEBUG_PUSH_STAGES") != NULL)
    {
      push_stages_log = fopen (g_getenv ("KT_DEBUG_PUSH_STAGES"), "ae");
      if (push_stages_log != NULL)
        setvbuf (push_stages_log, NULL, _IOLBF, 0);
    }
}

KtServer *
kt_server_new (const KtServerConfig *config,
               KtBackend            *backend)
{
  KtServer *self = g_object_new (KT_TYPE_SERVER, NULL);

  self->config = config;
  self->backend = g_object_ref (backend);
  self->account_limiter = kt_rate_limiter_new (config->login_attempts_account, config->login_window);
  self->address_limiter = kt_rate_limiter_new (config->login_attempts_address, config->login_window);
  self->ceiling_limiter = kt_rate_limiter_new (config->login_account_ceiling, config->login_ceiling_window);
  /* kt_server_listen refuses a config whose proxies do not parse */
  self->trusted_proxies = kt_server_config_parse_proxies (config, NULL);
  if (self->trusted_proxies == NULL)
    self->trusted_proxies = g_ptr_array_new ();
  self->dummy_hash = kt_password_hash ("keukentafel-no-such-account");
  /* parsing and the codec are CPU work: more workers than processors only queue */
  self->push_pool = g_thread_pool_new (read_push_in_pool, NULL, MAX (1, (int) g_get_num_processors ()),
                                       FALSE, NULL);
  /* one thread of its own: the backend is one connection; its jobs run in
   * the order they came but for the head start of a group (compare_db_jobs) */
  self->db_pool = g_thread_pool_new (run_db_job, NULL, 1, TRUE, NULL);
  g_thread_pool_set_sort_function (self->db_pool, compare_db_jobs, NULL);
  /* one thread: its lines stay in the order the answers were sent */
  if (config->access_log)
    self->access_log = access_log_new ();
  self->reconnect_source = g_timeout_add_seconds (1, check_connection, self);
  return self;
}

void
kt_server_close_access_log (KtServer *self)
{
  g_return_if_fail (KT_IS_SERVER (self));

  g_clear_pointer (&self->access_log, access_log_free);
}

void
kt_server_set_sign_in_backend (KtServer  *self,
                               KtBackend *backend)
{
  g_return_if_fail (self->sign_in_backend == NULL);

  self->sign_in_backend = g_object_ref (backend);
  self->sign_in_pool = g_thread_pool_new (sign_in_requests, NULL, 1, TRUE, NULL);
  self->to_sign_in = g_async_queue_new ();
  self->routed = g_ptr_array_new ();
  self->hand_off = g_source_new (&hand_off_funcs, sizeof (HandOff));
  ((HandOff *) self->hand_off)->server = self;
  g_source_set_name (self->hand_off, "kt-server: hand-off to the sign-in thread");
  /* first: GLib prepares no source of a lower priority than one found ready */
  g_source_set_priority (self->hand_off, G_PRIORITY_HIGH - 1);
  g_source_attach (self->hand_off, NULL);
}

/* A listening socket with room for @backlog connections that wait to be
 * accepted.  soup_server_listen () in libsoup 3.2.3 listens with GSocket's
 * default backlog of 10: in a burst of sign-ins the kernel dropped the
 * rest, and clients saw resets and retries (transfer full). */
static GSocket *
listen_socket (GSocketAddress *address,
               guint           backlog,
               GError        **error)
{
  GSocketFamily family = g_socket_address_get_family (address);
  g_autoptr(GSocket) socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);

  if (socket == NULL)
    return NULL;
  /* as libsoup does: an IPv6 address listens for IPv6 only */
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
  g_socket_set_listen_backlog (socket, backlog);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

static void
metrics_callback (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  KtServer *self = user_data;
  char *text;

  if (!g_str_equal (path, "/metrics") || !g_str_equal (soup_server_message_get_method (msg), "GET"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  /* as the database thread last saw it: a scrape never waits for the database */
  text = kt_metrics_render (self->metrics, kt_backend_is_connected (self->backend),
                            g_atomic_int_get (&self->n_waiters));
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8", SOUP_MEMORY_TAKE,
                                    text, strlen (text));
}

/* /metrics, plain HTTP on its own address, apart from the API: a scraper
 * needs no account, and the address can be kept to the monitoring network. */
static gboolean
listen_metrics (KtServer  *self,
                GError   **error)
{
  const KtServerConfig *config = self->config;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;

  if (config->metrics_address == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (config->metrics_address, "localhost") == 0)
    inet = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    inet = g_inet_address_new_from_string (config->metrics_address);
  if (inet == NULL)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                   _("The listen address %s is not an IP address."), config->metrics_address);
      return FALSE;
    }
  self->metrics_soup = soup_server_new ("server-header", "keukentafel-server", NULL);
  soup_server_add_handler (self->metrics_soup, NULL, metrics_callback, self, NULL);
  address = g_inet_socket_address_new (inet, config->metrics_port);
  socket = listen_socket (address, 16, error);
  return socket != NULL && soup_server_listen_socket (self->metrics_soup, socket, 0, error);
}

gboolean
kt_server_listen (KtServer  *self,
                  GError   **error)
{
  const KtServerConfig *config = self->config;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autofree char *host = NULL;
  gboolean tls = config->tls_cert != NULL && *config->tls_cert != '\0';
  SoupServerListenOptions options = 0;
  GSList *listeners;

  if (!kt_server_config_check (config, error))
    return FALSE;

  self->soup = soup_server_new ("server-header", "keukentafel-server", NULL);
  if (tls)
    {
      g_autoptr(GTlsCertificate) certificate = NULL;
      g_autoptr(GError) local_error = NULL;

      certificate = g_tls_certificate_new_from_files (config->tls_cert, config->tls_key, &local_error);
      if (certificate == NULL)
        {
          g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                       _("Cannot load the TLS certificate or key: %s"), local_error->message);
          return FALSE;
        }
      g_object_set (self->soup, "tls-certificate", certificate, NULL);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }

  self->guard = kt_connection_guard_new (self->soup, config->max_body, config->request_timeout, tls);
  soup_server_add_handler (self->soup, API_PREFIX, api_callback, self, NULL);
  soup_server_add_handler (self->soup, NULL, not_found_callback, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished), self);

  if (g_ascii_strcasecmp (config->listen_address, "localhost") == 0)
    inet = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    inet = g_inet_address_new_from_string (config->listen_address);
  if (inet == NULL)
    {
      g_set_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG,
                   _("The listen address %s is not an IP address."), config->listen_address);
      return FALSE;
    }
  address = g_inet_socket_address_new (inet, config->port);
  socket = listen_socket (address, config->listen_backlog, error);
  if (socket == NULL || !soup_server_listen_socket (self->soup, socket, options, error) ||
      !listen_metrics (self, error))
    return FALSE;

  listeners = soup_server_get_listeners (self->soup);
  bound = g_socket_get_local_address (listeners->data, error);
  g_slist_free (listeners);
  if (bound == NULL)
    return FALSE;
  host = g_inet_address_to_string (inet);
  self->url = g_strdup_printf (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6
                               ? "%s://[%s]:%u" : "%s://%s:%u",
                               tls ? "https" : "http", host,
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return TRUE;
}

char *
kt_server_get_url (KtServer *self)
{
  return g_strdup (self->url);
}
