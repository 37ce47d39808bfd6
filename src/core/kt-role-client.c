/* kt-role-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-role-client"

#include "config.h"

#include "kt-role-client.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kt-api-client.h"
#include "kt-codec.h"
#include "kt-coach-list.h"
#include "kt-json-reader.h"
#include "kt-sync-protocol.h"

/* The outbox setting that holds assignments not sent yet: a JSON object
 * of case id → coach account name.  Ids and staff names, no client data. */
#define PENDING_META "pending_assignments"

struct _KtRoleClient
{
  GObject       parent_instance;

  KtSyncClient *sync;
  gulong        pushed_handler;
  /* The flushes of the queue: one runs at a time, and those asked
   * meanwhile wait for it (element-type GTask), so the same assignment is
   * never read by two before either forgot it, and never sent twice.  Each
   * waiting task holds a reference to this client, so the queue is empty
   * when it goes. */
  gboolean      flushing;
  GQueue        flushes_waiting;
};

G_DEFINE_FINAL_TYPE (KtRoleClient, kt_role_client, G_TYPE_OBJECT)

enum {
  SIGNAL_ASSIGNMENT_FAILED,
  SIGNAL_QUEUE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Requests, all through the sync client's transport: the same server,
 * token, error messages and limits. */

static void
request_async (KtRoleClient        *self,
               KtSyncEndpoint       endpoint,
               const char          *method,
               const char          *path,
               GBytes              *body,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  kt_api_client_request_async (kt_sync_client_get_api (self->sync), endpoint, method, path, body,
                               NULL, KT_API_REQUEST_DEFAULT, cancellable, callback, user_data);
}

static KtSyncResponse *
request_finish (GAsyncResult  *result,
                GError       **error)
{
  return kt_api_client_request_finish (g_task_get_source_object (G_TASK (result)),
                                       result, error);
}

/* The sealer of the sync client, or NULL: records go as they are. */
static KtRecordSealer *
sealer_of (KtRoleClient *self)
{
  return kt_sync_client_get_sealer (self->sync);
}

/* Returns the user or record of @response (NULL with @error) from @task;
 * a sealed record opened. */
static void
return_response (GTask          *task,
                 KtSyncEndpoint  endpoint,
                 KtSyncResponse *response,
                 GError         *error)
{
  KtRoleClient *self = g_task_get_source_object (task);

  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (response->record != NULL && kt_sync_record_is_sealed (response->record) &&
      (sealer_of (self) == NULL ||
       !kt_record_sealer_open (sealer_of (self), response->record, &error)))
    {
      if (error == NULL)
        error = g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_NO_KEY,
                                     _("Syncing waits for this account’s key on this device."));
      g_task_return_error (task, error);
      return;
    }
  if (response->conflict)
    {
      g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_CONFLICT,
                               _("The server has a newer version."));
      return;
    }
  if (endpoint == KT_SYNC_ENDPOINT_ME)
    g_task_return_pointer (task, g_steal_pointer (&response->user), (GDestroyNotify) kt_sync_user_free);
  else
    g_task_return_pointer (task, g_steal_pointer (&response->record), (GDestroyNotify) kt_sync_record_free);
}

/* GET /me */

static void
on_me (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(KtSyncResponse) response = request_finish (result, &error);

  return_response (task, KT_SYNC_ENDPOINT_ME, response, error);
}

void
kt_role_client_fetch_me_async (KtRoleClient        *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  request_async (self, KT_SYNC_ENDPOINT_ME, "GET", "/me", NULL, cancellable, on_me, task);
}

KtSyncUser *
kt_role_client_fetch_me_finish (KtRoleClient  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GET /team/coaches */

static void
on_coaches (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(KtSyncResponse) response = request_finish (result, &error);
  g_autoptr(GPtrArray) coaches = NULL;

  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* A hostile or broken server must not be able to crash the app with
   * the list: it is read like every other answer (kt_json_read). */
  coaches = kt_coach_list_read (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body),
                                &error);
  if (coaches == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&coaches), (GDestroyNotify) g_ptr_array_unref);
}

void
kt_role_client_fetch_coaches_async (KtRoleClient        *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  request_async (self, KT_SYNC_ENDPOINT_COACHES, "GET", "/team/coaches", NULL, cancellable,
                 on_coaches, task);
}

GPtrArray *
kt_role_client_fetch_coaches_finish (KtRoleClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GET /records/{id} and POST /plans/{id}/review */

static void
on_record (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(KtSyncResponse) response = request_finish (result, &error);

  return_response (task, GPOINTER_TO_INT (g_task_get_task_data (task)), response, error);
}

/* "/@prefix/@id@suffix" with @id escaped for a path segment. */
static char *
escaped_path (const char *prefix,
              const char *id,
              const char *suffix)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  return g_strconcat (prefix, escaped, suffix, NULL);
}

void
kt_role_client_fetch_record_async (KtRoleClient        *self,
                                   const char          *id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = escaped_path ("/records/", id, "");

  g_task_set_task_data (task, GINT_TO_POINTER (KT_SYNC_ENDPOINT_GET_RECORD), NULL);
  request_async (self, KT_SYNC_ENDPOINT_GET_RECORD, "GET", path, NULL, cancellable, on_record, task);
}

KtSyncRecord *
kt_role_client_fetch_record_finish (KtRoleClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A change made on this device to a sealed record (an assignment, a
 * review): the server's copy is fetched and opened, changed here, sealed to
 * its readers (a newly assigned coach among them) and sent with the
 * request; the server stores it as it is and checks only the metadata. */
typedef gboolean (*ChangeFunc) (KtDocument  *doc,
                                gpointer     data,
                                const char  *username,
                                GError     **error);

typedef struct {
  char          *path;          /* where the request goes */
  KtSyncEndpoint endpoint;
  JsonNode      *request;       /* the request's other members (an object) */
  ChangeFunc     change;
  gpointer       data;
  GDestroyNotify data_free;
} Change;

static void
change_free (Change *change)
{
  g_free (change->path);
  g_clear_pointer (&change->request, json_node_unref);
  if (change->data_free != NULL)
    change->data_free (change->data);
  g_free (change);
}

static void
on_changed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Change *change = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(KtSyncResponse) response = request_finish (result, &error);

  return_response (task, change->endpoint, response, error);
}

static GBytes *
encode_document (const KtDocument *doc)
{
  switch (doc->kind)
    {
    case KT_KIND_CASE:
      return kt_case_encode (doc->kase);
    case KT_KIND_PLAN:
      return kt_plan_encode (doc->plan);
    case KT_KIND_CONVERSATION:
      return kt_conversation_encode (doc->conversation);
    case KT_N_KINDS:
    default:
      g_assert_not_reached ();
    }
}

/* The request's members with "record": @record's wire form (transfer full). */
static GBytes *
request_with_record (JsonNode     *request,
                     KtSyncRecord *record)
{
  g_autoptr(GBytes) wire = kt_sync_record_encode (record);
  g_autoptr(GBytes) members = kt_json_to_bytes (request);
  gsize len;
  const char *text = g_bytes_get_data (members, &len);
  GString *out = g_string_sized_new (len + g_bytes_get_size (wire) + 16);

  /* {…members…,"record":{…}}: the record's JSON goes in as it was written */
  g_string_append_len (out, text, len - 1);
  g_string_append (out, len > 2 ? ",\"record\":" : "\"record\":");
  g_string_append_len (out, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
}

static void
on_fetched_for_change (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtRoleClient *self = g_task_get_source_object (task);
  Change *change = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(KtSyncResponse) response = request_finish (result, &error);
  KtRecordSealer *sealer = sealer_of (self);
  KtDocument doc = { 0, };
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KtSyncRecord) record = NULL;
  g_autoptr(GBytes) request = NULL;
  GCancellable *cancellable;
  gboolean changed;

  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (sealer == NULL || !kt_record_sealer_open (sealer, response->record, &error) ||
      !kt_document_decode (response->record->body, &doc, &error))
    {
      if (error == NULL)
        error = g_error_new_literal (KT_SYNC_ERROR, KT_SYNC_ERROR_NO_KEY,
                                     _("Syncing waits for this account’s key on this device."));
      g_task_return_error (task, error);
      return;
    }
  changed = change->change (&doc, change->data, kt_record_sealer_get_username (sealer), &error);
  if (changed)
    body = encode_document (&doc);
  kt_document_clear (&doc);
  if (!changed)
    {
      g_task_return_error (task, error);
      return;
    }
  record = kt_sync_record_new_for_body (body, &error);
  if (record == NULL || !kt_record_sealer_seal (sealer, record, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  request = request_with_record (change->request, record);
  cancellable = g_task_get_cancellable (task);
  request_async (self, change->endpoint, "POST", change->path, request, cancellable, on_changed,
                 g_steal_pointer (&task));
}

/* Fetches the record @id, changes it with @change on this device, and
 * posts it sealed with @request to @path. */
static void
change_sealed_async (KtRoleClient        *self,
                     const char          *id,
                     Change              *change,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = escaped_path ("/records/", id, "");

  g_task_set_task_data (task, change, (GDestroyNotify) change_free);
  request_async (self, KT_SYNC_ENDPOINT_GET_RECORD, "GET", path, NULL, cancellable,
                 on_fetched_for_change, task);
}

static gboolean
apply_review (KtDocument  *doc,
              gpointer     data,
              const char  *username,
              GError     **error)
{
  if (doc->kind != KT_KIND_PLAN)
    {
      g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE,
                           _("The server sent an answer that cannot be read. "
                             "Keukentafel will try again."));
      return FALSE;
    }
  /* The core's review rules, here rather than on the server, which
   * cannot read the plan: submitted, the revision read, a return with a
   * comment, comments on the plan's own goals. */
  return kt_review_apply (data, doc->plan, username, g_get_real_time () / G_USEC_PER_SEC, error);
}

void
kt_role_client_review_async (KtRoleClient        *self,
                             const char          *plan_id,
                             const KtReview      *review,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *path = escaped_path ("/plans/", plan_id, "/review");
  g_autoptr(JsonNode) node = kt_review_to_json (review);
  g_autoptr(GBytes) body = NULL;
  GTask *task;
  Change *change;

  if (sealer_of (self) != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      /* The comments are sealed inside the plan; only the decision and
       * the revision go in the clear. */
      change = g_new0 (Change, 1);
      change->path = g_steal_pointer (&path);
      change->endpoint = KT_SYNC_ENDPOINT_REVIEW;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "rev");
      json_builder_add_int_value (builder, review->rev);
      json_builder_set_member_name (builder, "decision");
      json_builder_add_string_value (builder, kt_review_decision_to_string (review->decision));
      json_builder_end_object (builder);
      change->request = json_builder_get_root (builder);
      change->data = kt_review_from_json (node, NULL);
      change->data_free = (GDestroyNotify) kt_review_free;
      change->change = apply_review;
      change_sealed_async (self, plan_id, change, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  body = kt_json_to_bytes (node);
  g_task_set_task_data (task, GINT_TO_POINTER (KT_SYNC_ENDPOINT_REVIEW), NULL);
  request_async (self, KT_SYNC_ENDPOINT_REVIEW, "POST", path, body, cancellable, on_record, task);
}

KtSyncRecord *
kt_role_client_review_finish (KtRoleClient  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Assignments

 * The queued assignments are a setting of the outbox, read and written on
 * workers (issue 22: no disk on the main loop).  Each change is one step
 * of the outbox (kt_outbox_update_meta), so an assignment queued while a
 * sent one is forgotten stays, whichever worker runs first; a flush reads
 * the setting again before each assignment it sends, after the one before
 * it was forgotten. */

/* case id → coach of the setting's text (may be NULL) (transfer full). */
static JsonObject *
parse_pending (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *pending = json_object_new ();
  JsonObjectIter iter;
  const char *case_id;
  JsonNode *coach;

  if (text != NULL)
    node = kt_json_read (text, strlen (text), KT_SYNC_CHANGES_RESPONSE_MAX_SIZE, 2, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return pending;
  /* case id → coach; the reader's object is sealed, this one is changed */
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &case_id, &coach))
    {
      if (JSON_NODE_HOLDS_VALUE (coach) && json_node_get_value_type (coach) == G_TYPE_STRING)
        json_object_set_string_member (pending, case_id, json_node_get_string (coach));
    }
  return pending;
}

/* The setting's text for @pending, NULL when it is empty (transfer full). */
static char *
format_pending (JsonObject *pending)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  if (json_object_get_size (pending) == 0)
    return NULL;
  json_node_set_object (node, pending);
  return kt_json_to_data (node, FALSE, NULL);
}

/* For the calling thread (a worker, or a test). */
static JsonObject *
load_pending (KtOutbox *outbox)
{
  g_autofree char *text = outbox != NULL ? kt_outbox_get_meta (outbox, PENDING_META) : NULL;

  return parse_pending (text);
}

typedef enum {
  PENDING_READ,
  PENDING_QUEUE,
  PENDING_FORGET,
} PendingOp;

typedef struct {
  KtOutbox  *outbox;   /* NULL: the sync client has none open */
  PendingOp  op;
  char      *case_id;
  char      *coach;    /* PENDING_FORGET: the coach that was sent */
  gboolean   replaced; /* PENDING_FORGET: the case was queued for another coach meanwhile */
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->outbox);
  g_free (pending->case_id);
  g_free (pending->coach);
  g_free (pending);
}

static char *
change_pending (const char *value,
                gpointer    user_data)
{
  Pending *op = user_data;
  g_autoptr(JsonObject) pending = parse_pending (value);

  if (op->op == PENDING_QUEUE)
    json_object_set_string_member (pending, op->case_id, op->coach);
  else if (json_object_has_member (pending, op->case_id))
    {
      /* Compared in the same step as the removal: an assignment to another
       * coach queued while this one was on its way is still to be sent. */
      op->replaced = g_strcmp0 (json_object_get_string_member (pending, op->case_id), op->coach) != 0;
      if (!op->replaced)
        json_object_remove_member (pending, op->case_id);
    }
  return format_pending (pending);
}

static void
pending_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Pending *op = task_data;
  GError *error = NULL;

  if (op->op == PENDING_READ)
    {
      g_task_return_pointer (task, load_pending (op->outbox), (GDestroyNotify) json_object_unref);
      return;
    }
  if (op->outbox == NULL)
    {
      g_task_return_new_error (task, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_SIGNED_IN, _("Sign in to sync."));
      return;
    }
  if (!kt_outbox_update_meta (op->outbox, PENDING_META, change_pending, op, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, NULL, NULL);
}

/* Reads (@op PENDING_READ: finishes with the JsonObject), adds or removes
 * (finishes with NULL) a queued assignment on a worker.  PENDING_FORGET
 * removes @case_id only while it is queued for @coach. */
static void
pending_async (KtRoleClient        *self,
               PendingOp            op,
               const char          *case_id,
               const char          *coach,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  KtOutbox *outbox = kt_sync_client_get_outbox (self->sync);
  Pending *pending = g_new0 (Pending, 1);

  g_task_set_source_tag (task, pending_async);
  pending->outbox = outbox != NULL ? g_object_ref (outbox) : NULL;
  pending->op = op;
  pending->case_id = g_strdup (case_id);
  pending->coach = g_strdup (coach);
  g_task_set_task_data (task, pending, (GDestroyNotify) pending_free);
  g_task_run_in_thread (task, pending_thread);
}

/* The JsonObject read (transfer full), or NULL for a change that went
 * well; NULL with @error when it did not. */
static JsonObject *
pending_finish (GAsyncResult  *result,
                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_assignment_queued (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  pending_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
kt_role_client_queue_assignment_async (KtRoleClient        *self,
                                       const char          *case_id,
                                       const char          *coach,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KT_IS_ROLE_CLIENT (self));
  g_return_if_fail (kt_uuid_is_valid (case_id));
  g_return_if_fail (coach != NULL && *coach != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_role_client_queue_assignment_async);
  pending_async (self, PENDING_QUEUE, case_id, coach, cancellable, on_assignment_queued, task);
}

gboolean
kt_role_client_queue_assignment_finish (KtRoleClient  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  char *case_id;
  char *coach;  /* NULL: none to assign */
} Registration;

static void
registration_free (Registration *registration)
{
  g_free (registration->case_id);
  g_free (registration->coach);
  g_free (registration);
}

static void
on_registration_queued (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KtRoleClient *self = g_task_get_source_object (task);
  Registration *registration = g_task_get_task_data (task);
  GError *error = NULL;

  if (!kt_sync_client_share_finish (KT_SYNC_CLIENT (source), result, &error))
    g_task_return_error (task, error);
  else if (registration->coach == NULL)
    g_task_return_boolean (task, TRUE);
  else
    {
      /* Read before the task is handed on: C leaves the order in which
       * arguments are evaluated open, and the optimized build stole the
       * task first (a GIO critical in the intaker's log, test-e2e-loop). */
      GCancellable *cancellable = g_task_get_cancellable (task);

      /* After the case is in the outbox: its push may then send it. */
      pending_async (self, PENDING_QUEUE, registration->case_id, registration->coach,
                     cancellable, on_assignment_queued, g_steal_pointer (&task));
    }
}

void
kt_role_client_share_registration_async (KtRoleClient        *self,
                                         const KtCase        *kase,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(KtCase) shared = NULL;
  g_autoptr(GBytes) body = NULL;
  Registration *registration;
  GTask *task;

  g_return_if_fail (KT_IS_ROLE_CLIENT (self));
  g_return_if_fail (kase != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_role_client_share_registration_async);
  registration = g_new0 (Registration, 1);
  registration->case_id = g_strdup (kase->header.id);
  if (kase->coach != NULL && *kase->coach != '\0')
    registration->coach = g_strdup (kase->coach);
  g_task_set_task_data (task, registration, (GDestroyNotify) registration_free);

  shared = kt_case_copy (kase);
  g_clear_pointer (&shared->coach, g_free);
  if (shared->header.rev < 1)
    shared->header.rev = 1;
  body = kt_case_encode (shared);
  kt_sync_client_share_async (self->sync, body, cancellable, on_registration_queued, task);
}

gboolean
kt_role_client_share_registration_finish (KtRoleClient  *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
kt_role_client_get_n_pending_assignments (KtRoleClient *self)
{
  g_autoptr(JsonObject) pending = NULL;

  g_return_val_if_fail (KT_IS_ROLE_CLIENT (self), 0);
  pending = load_pending (kt_sync_client_get_outbox (self->sync));
  return json_object_get_size (pending);
}

typedef struct {
  GList    *case_ids;   /* (element-type utf8) still to send */
  gboolean  listed;     /* case_ids taken from the first read */
  char     *current;
  char     *coach;      /* the coach current was sent for */
  char     *refusal;    /* why the server refused current, told once it is forgotten */
} Flush;

static void
flush_free (Flush *flush)
{
  g_list_free_full (flush->case_ids, g_free);
  g_free (flush->current);
  g_free (flush->coach);
  g_free (flush->refusal);
  g_free (flush);
}

static void flush_next (GTask *task);

/* Ends the flush @task with @error (or TRUE) and starts the one that
 * waited for it, which reads the queue again. */
static void
flush_done (GTask  *task,
            GError *error)
{
  KtRoleClient *self = g_task_get_source_object (task);
  GTask *next = g_queue_pop_head (&self->flushes_waiting);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  if (next != NULL)
    flush_next (next);
  else
    self->flushing = FALSE;
}

static void
on_forgotten (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  KtRoleClient *self = g_task_get_source_object (task);
  Flush *flush = g_task_get_task_data (task);
  Pending *forgotten = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  pending_finish (result, &error);
  if (error != NULL)
    {
      GError *unwritten;

      if (flush->refusal != NULL)
        {
          g_autofree char *refusal = g_steal_pointer (&flush->refusal);

          g_signal_emit (self, signals[SIGNAL_ASSIGNMENT_FAILED], 0, flush->current, flush->coach, refusal);
        }
      /* The server has it and the queue still holds it: the next flush
       * would send it again.  The device cannot write its own queue (a
       * full disk, a damaged sync queue), which the user must hear of,
       * so the flush stops here and says so; the outbox's error keeps its
       * domain and code. */
      unwritten = g_error_new (error->domain, error->code,
                               _("An assignment reached the server, but this device could not take it "
                                 "off its queue: %s Check that the disk is not full."),
                               error->message);
      g_error_free (error);
      flush_done (task, unwritten);
      return;
    }
  if (forgotten->replaced)
    {
      /* The intaker chose another coach while this one was on its way:
       * that assignment is sent next, in this flush, and what was refused
       * of the old one no longer matters. */
      g_clear_pointer (&flush->refusal, g_free);
      flush->case_ids = g_list_prepend (flush->case_ids, g_steal_pointer (&flush->current));
    }
  else if (flush->refusal != NULL)
    {
      g_autofree char *refusal = g_steal_pointer (&flush->refusal);

      g_signal_emit (self, signals[SIGNAL_ASSIGNMENT_FAILED], 0, flush->current, flush->coach, refusal);
    }
  flush_next (task);
}

/* Drops the assignment being sent from the queue, unless its case was
 * queued for another coach meanwhile, then goes on with the next: the next
 * read of the queue comes after this write. */
static void
forget_and_go_on (GTask *task)
{
  Flush *flush = g_task_get_task_data (task);

  pending_async (g_task_get_source_object (task), PENDING_FORGET, flush->current, flush->coach, NULL,
                 on_forgotten, task);
}

static void assigned (GTask   *task,
                      gboolean sent,
                      GError  *error);

static void
on_assigned (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError *error = NULL;
  g_autoptr(KtSyncResponse) response = request_finish (result, &error);

  assigned (user_data, response != NULL, error);
}

static void
on_assigned_sealed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GError *error = NULL;
  g_autoptr(KtSyncRecord) record = g_task_propagate_pointer (G_TASK (result), &error);

  assigned (user_data, record != NULL, error);
}

static gboolean
apply_assignment (KtDocument  *doc,
                  gpointer     data,
                  const char  *username,
                  GError     **error)
{
  if (doc->kind != KT_KIND_CASE)
    {
      g_set_error_literal (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_RESPONSE,
                           _("The server sent an answer that cannot be read. "
                             "Keukentafel will try again."));
      return FALSE;
    }
  g_free (doc->kase->coach);
  doc->kase->coach = g_strdup (data);
  doc->kase->header.rev++;
  doc->kase->header.updated = g_get_real_time () / G_USEC_PER_SEC;
  return TRUE;
}

/* What became of the assignment being sent: @sent, or refused with @error. */
static void
assigned (GTask    *task,
          gboolean  sent,
          GError   *error)
{
  Flush *flush = g_task_get_task_data (task);

  if (sent)
    {
      forget_and_go_on (task);
      return;
    }
  if (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_NOT_FOUND))
    g_clear_error (&error);   /* the case has not reached the server yet: later */
  else if (g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_FORBIDDEN)
           || g_error_matches (error, KT_SYNC_ERROR, KT_SYNC_ERROR_BAD_REQUEST))
    {
      /* Not retried: it leaves the queue, and then the app hears why. */
      flush->refusal = g_strdup (error->message);
      g_clear_error (&error);
      forget_and_go_on (task);
      return;
    }
  if (error != NULL)
    {
      /* Offline or the server failed: everything stays queued. */
      flush_done (task, error);
      return;
    }
  flush_next (task);
}

static void
on_flush_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  KtRoleClient *self = g_task_get_source_object (task);
  Flush *flush = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonObject) pending = pending_finish (result, &error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body_node = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  const char *coach;

  if (pending == NULL)
    {
      flush_done (task, error);
      return;
    }
  if (!flush->listed)
    {
      GList *members = json_object_get_members (pending);

      for (GList *l = members; l != NULL; l = l->next)
        flush->case_ids = g_list_prepend (flush->case_ids, g_strdup (l->data));
      g_list_free (members);
      flush->listed = TRUE;
    }
  g_clear_pointer (&flush->current, g_free);
  g_clear_pointer (&flush->coach, g_free);
  while (flush->case_ids != NULL && !json_object_has_member (pending, flush->case_ids->data))
    {
      g_free (flush->case_ids->data);
      flush->case_ids = g_list_delete_link (flush->case_ids, flush->case_ids);
    }
  if (flush->case_ids == NULL)
    {
      flush_done (task, NULL);
      return;
    }
  flush->current = flush->case_ids->data;
  flush->case_ids = g_list_delete_link (flush->case_ids, flush->case_ids);
  coach = json_object_get_string_member (pending, flush->current);
  flush->coach = g_strdup (coach);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "coach");
  json_builder_add_string_value (builder, coach);
  json_builder_end_object (builder);
  body_node = json_builder_get_root (builder);
  path = escaped_path ("/cases/", flush->current, "/assign");
  if (sealer_of (self) != NULL)
    {
      Change *change = g_new0 (Change, 1);

      change->path = g_steal_pointer (&path);
      change->endpoint = KT_SYNC_ENDPOINT_ASSIGN;
      change->request = g_steal_pointer (&body_node);
      change->data = g_strdup (coach);
      change->data_free = g_free;
      change->change = apply_assignment;
      change_sealed_async (self, flush->current, change, g_task_get_cancellable (task),
                           on_assigned_sealed, task);
      return;
    }
  body = kt_json_to_bytes (body_node);
  request_async (self, KT_SYNC_ENDPOINT_ASSIGN, "POST", path, body, g_task_get_cancellable (task),
                 on_assigned, task);
}

/* The next assignment still queued, the queue read again on a worker
 * after the last one was forgotten: none is sent twice, and one whose
 * coach changed meanwhile goes to the new coach. */
static void
flush_next (GTask *task)
{
  pending_async (g_task_get_source_object (task), PENDING_READ, NULL, NULL, g_task_get_cancellable (task),
                 on_flush_read, task);
}

void
kt_role_client_flush_assignments_async (KtRoleClient        *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Flush *flush = g_new0 (Flush, 1);

  g_task_set_task_data (task, flush, (GDestroyNotify) flush_free);
  /* Two flushes at once would both read an assignment before either
   * forgot it, and send it twice: this one waits for the running one. */
  if (self->flushing)
    {
      g_queue_push_tail (&self->flushes_waiting, task);
      return;
    }
  self->flushing = TRUE;
  flush_next (task);
}

gboolean
kt_role_client_flush_assignments_finish (KtRoleClient  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_auto_flushed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (kt_role_client_flush_assignments_finish (KT_ROLE_CLIENT (source), result, &error))
    return;
  /* Offline or the server failed: the next push sends them.  The queue on
   * this device could not be written: nobody asked for this flush, so the
   * app hears of it by the signal. */
  if (error->domain == KT_OUTBOX_ERROR)
    g_signal_emit (source, signals[SIGNAL_QUEUE_FAILED], 0, error);
  else
    g_debug ("Assignments wait for the next sync: %s", error->message);
}

/* A case with a queued assignment reached the server: send it. */
static void
on_pushed_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  KtRoleClient *self = KT_ROLE_CLIENT (source);
  g_autofree char *id = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) pending = pending_finish (result, &error);

  /* A flush waiting already reads the whole queue once it starts. */
  if (pending != NULL && json_object_has_member (pending, id) && g_queue_is_empty (&self->flushes_waiting))
    kt_role_client_flush_assignments_async (self, NULL, on_auto_flushed, NULL);
}

static void
on_record_pushed (KtSyncClient *sync,
                  const char   *id,
                  gint64        rev,
                  KtRoleClient *self)
{
  /* The queue is read on a worker. */
  pending_async (self, PENDING_READ, NULL, NULL, NULL, on_pushed_read, g_strdup (id));
}

/* GObject */

static void
kt_role_client_dispose (GObject *object)
{
  KtRoleClient *self = KT_ROLE_CLIENT (object);

  if (self->sync != NULL)
    g_clear_signal_handler (&self->pushed_handler, self->sync);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (kt_role_client_parent_class)->dispose (object);
}

static void
kt_role_client_class_init (KtRoleClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kt_role_client_dispose;

  /* An assignment the server refused (case id, the coach it was for, the
   * reason for the user); it left the queue and is not retried, so the
   * case stays without a coach until it is assigned again. */
  signals[SIGNAL_ASSIGNMENT_FAILED] =
    g_signal_new ("assignment-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /* The queue of assignments could not be written on this device (a
   * GError with a message for the user) in a flush that ran by itself
   * after a push; what the queue holds stays and is sent again. */
  signals[SIGNAL_QUEUE_FAILED] =
    g_signal_new ("queue-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
kt_role_client_init (KtRoleClient *self)
{
  g_queue_init (&self->flushes_waiting);
}

KtRoleClient *
kt_role_client_new (KtSyncClient *sync)
{
  KtRoleClient *self;

  g_return_val_if_fail (KT_IS_SYNC_CLIENT (sync), NULL);

  self = g_object_new (KT_TYPE_ROLE_CLIENT, NULL);
  self->sync = g_object_ref (sync);
  self->pushed_handler = g_signal_connect (sync, "record-pushed", G_CALLBACK (on_record_pushed), self);
  return self;
}
