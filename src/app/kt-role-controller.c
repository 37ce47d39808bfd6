/* kt-role-controller.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-role-controller"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-role-controller-private.h"
#include "kt-a11y.h"
#include "kt-coach-list.h"
#include "kt-intaker-view.h"
#include "kt-peer-keys.h"
#include "kt-review-page.h"
#include "kt-role-client.h"
#include "kt-role-view.h"
#include "kt-supervisor-inbox.h"
#include "kt-supervisor-view.h"
#include "kt-sync-controller.h"

struct _KtRoleController
{
  GObject               parent_instance;

  AdwBin               *main_bin;     /* (unowned) the window's */
  GtkWidget            *coach_view;   /* kept while another view shows */
  /* (unowned) the window owns it; a weak pointer, as the window puts
   * another view in its place (signing out) and the old one goes while
   * a reply for it may still be on its way */
  GtkWidget            *role_view;
  KtStore              *store;
  KtSyncClient         *sync;
  KtSyncController     *controller;  /* asks who the account is */
  KtRoleClient         *roles;       /* the controller's: one per sync client */
  KtCatalogue          *catalogue;
  GCancellable         *cancellable;
  KtSyncUser           *answer;       /* who the server says the account is, for the view */
  guint                 make_id;      /* the turn that makes the view */
  GtkWidget            *made_view;    /* made, and put in the window at the next turn */
  guint                 put_id;
  char                 *role;
  char                 *view_username;  /* whose the role's view is */
  gboolean              asked;
  /* What the role's view shows, as last read from the store; a batch from
   * the server is merged into copies of these (NULL: not read yet). */
  GPtrArray            *cases;
  GPtrArray            *conversations;
  GPtrArray            *plans;
  /* Where each record is in those (id → index + 1, the keys the records'
   * own ids), kept from batch to batch; NULL until first needed. */
  GHashTable           *case_where;
  GHashTable           *conversation_where;
  GHashTable           *plan_where;
  /* A batch from the server waits for the next turn (element-type
   * KtDocument): the window takes its rows in the turn it comes. */
  GPtrArray            *later;
  guint                 later_id;
  /* The store is read on its worker (issue 22); a batch that comes
   * meanwhile is kept (element-type KtDocument) and merged when it is done. */
  GCancellable         *loading;
  GPtrArray            *kept_while_loading;
  /* The intaker's cases on their way to the outbox (on the sync client's
   * worker), as a set: the list says they wait to be sent. */
  GHashTable           *sharing;
  /* The coaches of the intaker's list who have no key yet, as last shown
   * (a set of usernames; NULL: not shown yet). */
  GHashTable           *keyless;
  /* The read of the list of coaches kept on the device; cancelled when
   * the server's list comes first, which is the newer one. */
  GCancellable         *kept_coaches;
};

G_DEFINE_FINAL_TYPE (KtRoleController, kt_role_controller, G_TYPE_OBJECT)

static void
report (KtRoleController *self,
        const char       *message)
{
  /* The messages come from the store and the sync protocol, which never put
   * client data into them; the record stays queued, so nothing is lost. */
  g_warning ("%s", message);
}

/* The team's keys as this device last fetched them (element-type
 * KtPeerKey), or NULL. */
static GPtrArray *
team_keys (KtRoleController *self)
{
  KtKeyController *controller = kt_sync_controller_get_keys (self->controller);

  return controller != NULL ? kt_key_controller_get_team_keys (controller) : NULL;
}

/* Whether @username is among the team's keys as this device last fetched
 * them; TRUE while they are not known, so nothing is said on a guess. */
static gboolean
has_key (KtRoleController *self,
         const char       *username)
{
  GPtrArray *keys = team_keys (self);

  if (keys == NULL)
    return TRUE;
  for (guint i = 0; i < keys->len; i++)
    if (g_strcmp0 (((KtPeerKey *) g_ptr_array_index (keys, i))->username, username) == 0)
      return TRUE;
  return FALSE;
}

/* The coaches of the intaker's cases who have no key yet (a set of
 * usernames; transfer full): what is assigned to them waits for their first
 * sign-in.  Each coach's key is looked up once, however many cases she has. */
static GHashTable *
keyless_coaches (KtRoleController *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *keyless = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; self->cases != NULL && i < self->cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (self->cases, i);

      /* g_hash_table_add () is FALSE for a coach already weighed */
      if (kase->coach != NULL && g_hash_table_add (seen, kase->coach) && !has_key (self, kase->coach))
        g_hash_table_add (keyless, g_strdup (kase->coach));
    }
  return keyless;
}

/* Whether the sets @a and @b (either may be NULL: none yet) hold the same names. */
static gboolean
same_names (GHashTable *a,
            GHashTable *b)
{
  GHashTableIter iter;
  gpointer name;

  if (a == NULL || b == NULL)
    return a == b;
  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    if (!g_hash_table_contains (b, name))
      return FALSE;
  return TRUE;
}

/* The intaker's list, its cases marked as waiting to be sent or waiting for
 * a coach in @coaches (keyless_coaches (), transfer full) to sign in. */
static void
set_intaker_records (KtRoleController *self,
                     GHashTable       *coaches)
{
  g_autoptr(GHashTable) pending = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) keyless = g_hash_table_new (g_str_hash, g_str_equal);
  KtOutbox *outbox = kt_sync_client_get_outbox (self->sync);
  /* From what the sync client knows, not a read of the outbox (issue 22):
   * each case, or a record of it, queued or in conflict. */
  g_autoptr(GHashTable) waiting = kt_sync_client_get_waiting (self->sync);

  g_clear_pointer (&self->keyless, g_hash_table_unref);
  self->keyless = coaches;
  for (guint i = 0; outbox != NULL && i < self->cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (self->cases, i);

      if (g_hash_table_contains (waiting, kase->header.id) ||
          (self->sharing != NULL && g_hash_table_contains (self->sharing, kase->header.id)))
        g_hash_table_add (pending, kase->header.id);
      else if (kase->coach != NULL && g_hash_table_contains (coaches, kase->coach))
        g_hash_table_add (keyless, kase->header.id);
    }
  kt_intaker_view_set_registered (KT_INTAKER_VIEW (self->role_view), self->cases, pending, keyless);
}

static void
set_view_records (KtRoleController *self)
{
  if (KT_IS_INTAKER_VIEW (self->role_view))
    {
      set_intaker_records (self, keyless_coaches (self));
      return;
    }
  kt_supervisor_view_update_records (KT_SUPERVISOR_VIEW (self->role_view), self->cases, self->conversations,
                                     self->plans);
  kt_a11y_fix_tree (self->role_view);
}

static void
forget_records (KtRoleController *self)
{
  g_clear_pointer (&self->cases, g_ptr_array_unref);
  g_clear_pointer (&self->conversations, g_ptr_array_unref);
  g_clear_pointer (&self->plans, g_ptr_array_unref);
  g_clear_pointer (&self->case_where, g_hash_table_unref);
  g_clear_pointer (&self->conversation_where, g_hash_table_unref);
  g_clear_pointer (&self->plan_where, g_hash_table_unref);
}

static void
set_loading (KtRoleController *self,
             gboolean          loading)
{
  if (KT_IS_SUPERVISOR_VIEW (self->role_view))
    kt_supervisor_view_set_loading (KT_SUPERVISOR_VIEW (self->role_view), loading);
}

static void
stop_loading (KtRoleController *self)
{
  if (self->loading == NULL)
    return;
  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_pointer (&self->kept_while_loading, g_ptr_array_unref);
}

static void
kept_document_free (KtDocument *doc)
{
  kt_document_clear (doc);
  g_free (doc);
}

/* Each document struct starts with its KtRecordHeader (kt-types.h). */
static const char *
document_id (gconstpointer document)
{
  return ((const KtRecordHeader *) document)->id;
}

/* Where each record's id is in the arrays just read: a hash of every id of
 * the team, made on a worker thread so that the first batch from the server
 * after a read does not make it on the main loop (36 ms of CPU for 10,000
 * cases on the 2-core test machine, issue 22).  The arrays are not changed
 * while it runs: batches wait in kept_while_loading until it is done. */
typedef struct {
  GPtrArray  *records[3];       /* cases, conversations, plans */
  GHashTable *where[3];
} Index;

static void
index_free (Index *index)
{
  for (guint i = 0; i < G_N_ELEMENTS (index->records); i++)
    {
      g_clear_pointer (&index->records[i], g_ptr_array_unref);
      g_clear_pointer (&index->where[i], g_hash_table_unref);
    }
  g_free (index);
}

static GHashTable *
index_ids (GPtrArray *records)
{
  GHashTable *where = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < records->len; i++)
    g_hash_table_insert (where, (gpointer) document_id (g_ptr_array_index (records, i)),
                         GUINT_TO_POINTER (i + 1));
  return where;
}

static void
index_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  Index *index = data;

  for (guint i = 0; i < G_N_ELEMENTS (index->records); i++)
    index->where[i] = index_ids (index->records[i]);
  g_task_return_boolean (task, TRUE);
}

static void
indexed (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  KtRoleController *self = KT_ROLE_CONTROLLER (source);
  Index *index = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) kept = NULL;

  /* Cancelled: refreshed again, or locked; that read or the unlock's
   * brings the records. */
  if (!g_task_propagate_boolean (G_TASK (result), NULL) || index->records[0] != self->cases)
    return;
  self->case_where = g_steal_pointer (&index->where[0]);
  self->conversation_where = g_steal_pointer (&index->where[1]);
  self->plan_where = g_steal_pointer (&index->where[2]);
  g_clear_object (&self->loading);
  kept = g_steal_pointer (&self->kept_while_loading);
  if (self->role_view == NULL)
    return;
  /* The records first: the inbox keeps saying it loads until it is built. */
  if (kept != NULL && kept->len > 0)
    kt_role_controller_update (self, kept);
  else
    set_view_records (self);
  set_loading (self, FALSE);
}

static void
all_loaded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KtRoleController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  GPtrArray *cases = NULL, *conversations = NULL, *plans = NULL;
  Index *index;

  if (!kt_store_load_all_finish (KT_STORE (source), result, &cases, &conversations, &plans, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Locked meanwhile: the views come back on unlocking. */
      g_clear_object (&self->loading);
      g_clear_pointer (&self->kept_while_loading, g_ptr_array_unref);
      if (!g_error_matches (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED))
        report (self, error->message);
      return;
    }
  forget_records (self);
  self->cases = cases;
  self->conversations = conversations;
  self->plans = plans;
  /* Still loading (batches are kept) until the ids are indexed. */
  index = g_new0 (Index, 1);
  index->records[0] = g_ptr_array_ref (cases);
  index->records[1] = g_ptr_array_ref (conversations);
  index->records[2] = g_ptr_array_ref (plans);
  task = g_task_new (self, self->loading, indexed, NULL);
  g_task_set_source_tag (task, all_loaded);
  g_task_set_task_data (task, index, (GDestroyNotify) index_free);
  g_task_run_in_thread (task, index_thread);
}

/* Reads every record again, on the store's worker; the view says it is
 * loading until they are there. */
void
kt_role_controller_refresh (KtRoleController *self)
{
  g_return_if_fail (KT_IS_ROLE_CONTROLLER (self));

  if (self->role_view == NULL || kt_store_is_locked (self->store) ||
      (!KT_IS_INTAKER_VIEW (self->role_view) && !KT_IS_SUPERVISOR_VIEW (self->role_view)))
    return;
  stop_loading (self);
  self->loading = g_cancellable_new ();
  self->kept_while_loading = g_ptr_array_new_with_free_func ((GDestroyNotify) kept_document_free);
  if (self->cases == NULL)
    set_loading (self, TRUE);
  kt_store_load_all_async (self->store, self->loading, all_loaded, g_object_ref (self));
}

/* Appends to @to a copy of each document of @kept, with references of its
 * own: a batch is the sender's only while the signal is emitted. */
static void
append_kept (GPtrArray *to,
             GPtrArray *kept)
{
  for (guint i = 0; i < kept->len; i++)
    {
      const KtDocument *doc = g_ptr_array_index (kept, i);
      KtDocument *copy = g_new0 (KtDocument, 1);

      copy->kind = doc->kind;
      copy->kase = doc->kase != NULL ? kt_case_ref (doc->kase) : NULL;
      copy->conversation = doc->conversation != NULL ? kt_conversation_ref (doc->conversation) : NULL;
      copy->plan = doc->plan != NULL ? kt_plan_ref (doc->plan) : NULL;
      g_ptr_array_add (to, copy);
    }
}

/* A batch that came while the store is read: kept, to be merged into what
 * the read brings. */
static void
keep_while_loading (KtRoleController *self,
                    GPtrArray        *kept)
{
  append_kept (self->kept_while_loading, kept);
}

static gpointer
document_body (const KtDocument *doc)
{
  return doc->kind == KT_KIND_CASE ? (gpointer) doc->kase
         : doc->kind == KT_KIND_CONVERSATION ? (gpointer) doc->conversation
         : doc->kind == KT_KIND_PLAN ? (gpointer) doc->plan
         : NULL;
}

/* @records (documents of @kind, each referenced with @ref) with each
 * document of @kind in @kept in the place of the one with its id, or
 * added: a new array when anything of @kind came (the views hold on to the
 * ones they were given), else @records itself.  *@where says where each id
 * is, kept across batches, so that a batch costs a copy of the pointers,
 * not hashing every id of the team again (issue 22). */
static GPtrArray *
merge (GPtrArray      *records,
       GHashTable    **where,
       GPtrArray      *kept,
       KtKind          kind,
       GCopyFunc       ref,
       GDestroyNotify  unref)
{
  GPtrArray *merged = NULL;

  /* Made on a worker after each read (index_thread); here only if that
   * was skipped. */
  if (*where == NULL)
    *where = index_ids (records);
  for (guint i = 0; i < kept->len; i++)
    {
      const KtDocument *doc = g_ptr_array_index (kept, i);
      gpointer body = document_body (doc);
      guint at;

      if (doc->kind != kind || body == NULL)
        continue;
      /* The element free function comes with the copy. */
      if (merged == NULL)
        merged = g_ptr_array_copy (records, ref, NULL);
      at = GPOINTER_TO_UINT (g_hash_table_lookup (*where, document_id (body)));
      if (at == 0)
        {
          g_ptr_array_add (merged, ref (body, NULL));
          g_hash_table_insert (*where, (gpointer) document_id (body), GUINT_TO_POINTER (merged->len));
        }
      else
        {
          gpointer old = g_ptr_array_index (merged, at - 1);

          /* The key first: the old document owns the old key, and the
           * records array still holds it until it is let go of. */
          g_hash_table_replace (*where, (gpointer) document_id (body), GUINT_TO_POINTER (at));
          merged->pdata[at - 1] = ref (body, NULL);
          unref (old);
        }
    }
  return merged != NULL ? merged : g_ptr_array_ref (records);
}

static gpointer case_ref (gconstpointer d, gpointer u) { return kt_case_ref ((KtCase *) d); }
static gpointer conversation_ref (gconstpointer d, gpointer u) { return kt_conversation_ref ((KtConversation *) d); }
static gpointer plan_ref (gconstpointer d, gpointer u) { return kt_plan_ref ((KtPlan *) d); }

/* After a batch from the server (@kept, element-type KtDocument): only the
 * records that came are merged into what the view shows; the whole store
 * is not read and decrypted again for each record (issue 22).  The view
 * gets new arrays, as it holds on to the ones it was given. */
void
kt_role_controller_update (KtRoleController *self,
                           GPtrArray        *kept)
{
  GPtrArray *merged;

  g_return_if_fail (KT_IS_ROLE_CONTROLLER (self));

  if (self->role_view == NULL || kt_store_is_locked (self->store) ||
      (!KT_IS_INTAKER_VIEW (self->role_view) && !KT_IS_SUPERVISOR_VIEW (self->role_view)))
    return;
  if (self->loading != NULL)
    {
      keep_while_loading (self, kept);
      return;
    }
  if (self->cases == NULL)
    {
      kt_role_controller_refresh (self);
      return;
    }
  merged = merge (self->cases, &self->case_where, kept, KT_KIND_CASE, case_ref, (GDestroyNotify) kt_case_unref);
  g_ptr_array_unref (self->cases);
  self->cases = merged;
  merged = merge (self->conversations, &self->conversation_where, kept, KT_KIND_CONVERSATION,
                  conversation_ref, (GDestroyNotify) kt_conversation_unref);
  g_ptr_array_unref (self->conversations);
  self->conversations = merged;
  merged = merge (self->plans, &self->plan_where, kept, KT_KIND_PLAN, plan_ref, (GDestroyNotify) kt_plan_unref);
  g_ptr_array_unref (self->plans);
  self->plans = merged;
  set_view_records (self);
}

static gboolean
update_later_cb (gpointer data)
{
  KtRoleController *self = data;
  g_autoptr(GPtrArray) later = g_steal_pointer (&self->later);

  self->later_id = 0;
  kt_role_controller_update (self, later);
  return G_SOURCE_REMOVE;
}

void
kt_role_controller_update_later (KtRoleController *self,
                                 GPtrArray        *kept)
{
  g_return_if_fail (KT_IS_ROLE_CONTROLLER (self));

  if (self->later == NULL)
    self->later = g_ptr_array_new_with_free_func ((GDestroyNotify) kept_document_free);
  append_kept (self->later, kept);
  /* Below drawing and input, as the views' other slices. */
  if (self->later_id == 0)
    self->later_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, update_later_cb, self, NULL);
}

/* A document being saved on the store's worker, for the view once it is
 * on disk. */
typedef struct {
  KtRoleController *self;
  KtDocument        doc;
} Keeping;

static void
keeping_free (Keeping *keeping)
{
  g_object_unref (keeping->self);
  kt_document_clear (&keeping->doc);
  g_free (keeping);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Keeping, keeping_free)

/* Saves @keeping's document on the store's worker (a durable save: the
 * main loop never waits for the disk, issue 22), then calls @done. */
static void
keep_async (Keeping             *keeping,
            KtSyncState          sync_state,
            GAsyncReadyCallback  done)
{
  g_autoptr(GPtrArray) docs = g_ptr_array_new ();

  g_ptr_array_add (docs, &keeping->doc);
  kt_store_save_documents_async (keeping->self->store, docs, sync_state, NULL, done, keeping);
}

static void
on_record_kept (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Keeping) keeping = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (!kt_store_save_documents_finish (KT_STORE (source), result, &error))
    {
      report (keeping->self, error->message);
      return;
    }
  g_ptr_array_add (kept, &keeping->doc);
  kt_role_controller_update (keeping->self, kept);
}

/* A record the server sent back (a review result) becomes the store's
 * copy, and the view's. */
static void
keep_record (KtRoleController *self,
             KtSyncRecord     *record)
{
  g_autoptr(Keeping) keeping = g_new0 (Keeping, 1);
  g_autoptr(GError) error = NULL;

  keeping->self = g_object_ref (self);
  if (!kt_document_decode (record->body, &keeping->doc, &error))
    {
      report (self, error->message);
      return;
    }
  keep_async (g_steal_pointer (&keeping), KT_SYNC_SYNCED, on_record_kept);
}

/* Intaker */

static void on_pending_changed (KtRoleController *self);

/* @kase was registered but could not be kept (@error): the intaker reads
 * why over their view, and the form holds it again to register it again;
 * until then it would not reach the coach. */
static void
registration_not_kept (KtRoleController *self,
                       const KtCase     *kase,
                       const GError     *error)
{
  KtIntakerView *view;
  g_autofree char *message = NULL;

  if (self->role_view == NULL || !KT_IS_INTAKER_VIEW (self->role_view))
    {
      report (self, error->message);
      return;
    }
  view = KT_INTAKER_VIEW (self->role_view);
  if (kt_intaker_view_take_back (view, kase))
    /* Translators: the household, then the reason (a sentence). */
    message = g_strdup_printf (_("“%s” could not be kept to be sent. %s The form holds it again: "
                                 "register it again."),
                               kase->household, error->message);
  else
    /* Translators: the household, then the reason (a sentence). */
    message = g_strdup_printf (_("“%s” could not be kept to be sent. %s Register it again once "
                                 "the form is free."),
                               kase->household, error->message);
  kt_intaker_view_show_problem (view, message);
}

static void
on_registration_queued (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(Keeping) keeping = user_data;
  KtRoleController *self = keeping->self;
  g_autoptr(GError) error = NULL;

  if (!kt_role_client_share_registration_finish (KT_ROLE_CLIENT (source), result, &error))
    registration_not_kept (self, keeping->doc.kase, error);
  /* Queued or not, it is no longer on its way: the list says which. */
  if (self->sharing != NULL)
    g_hash_table_remove (self->sharing, keeping->doc.kase->header.id);
  on_pending_changed (self);
}

/* Kept on the device: now queued on the sync client's worker, to go out
 * with the network.  Meanwhile the list says it waits. */
static void
on_registration_kept (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Keeping) keeping = user_data;
  KtRoleController *self = keeping->self;
  KtCase *kase = keeping->doc.kase;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (!kt_store_save_documents_finish (KT_STORE (source), result, &error))
    {
      registration_not_kept (self, kase, error);
      return;
    }
  if (self->sharing == NULL)
    self->sharing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (self->sharing, g_strdup (kase->header.id));
  g_ptr_array_add (kept, &keeping->doc);
  kt_role_controller_update (self, kept);
  /* The same document goes on to the share's callback, which needs only
   * its case's id. */
  kt_role_client_share_registration_async (self->roles, kase, NULL, on_registration_queued,
                                           g_steal_pointer (&keeping));
}

static void
on_registered (KtIntakerView    *view,
               KtCase           *kase,
               KtRoleController *self)
{
  Keeping *keeping = g_new0 (Keeping, 1);

  keeping->self = g_object_ref (self);
  keeping->doc.kind = KT_KIND_CASE;
  keeping->doc.kase = kt_case_ref (kase);
  keep_async (keeping, KT_SYNC_PENDING, on_registration_kept);
}

static void
kept_coaches_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KtIntakerView) view = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) coaches = kt_coach_list_load_finish (result, &error);
  g_autofree char *message = NULL;

  /* Cancelled: the server's list came first. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (coaches != NULL)
    {
      kt_intaker_view_set_coaches (view, coaches);
      return;
    }
  /* Translators: the reason (from the system). */
  message = g_strdup_printf (_("The list of coaches kept on this device could not be read (%s). "
                               "It comes back when the server answers."),
                             error->message);
  kt_intaker_view_show_problem (view, message);
}

/* Offline the intaker assigns from the list of the last time the server
 * answered; it is read on a worker (the disk may be slow: issue 22). */
static void
read_kept_coaches (KtRoleController *self,
                   KtIntakerView    *view,
                   const char       *username)
{
  g_autofree char *path = kt_coach_list_default_path (username);

  g_cancellable_cancel (self->kept_coaches);
  g_clear_object (&self->kept_coaches);
  self->kept_coaches = g_cancellable_new ();
  kt_coach_list_load_async (path, self->kept_coaches, kept_coaches_read, g_object_ref (view));
}

static void
coaches_kept (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KtIntakerView) view = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (kt_coach_list_save_finish (result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Translators: the reason (from the system). */
  message = g_strdup_printf (_("The list of coaches could not be kept on this device (%s). "
                               "Without a network you assign from the list kept before."),
                             error->message);
  kt_intaker_view_show_problem (view, message);
}

static void
coaches_fetched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KtRoleController) self = user_data;
  g_autoptr(GPtrArray) coaches = kt_role_client_fetch_coaches_finish (KT_ROLE_CLIENT (source), result, NULL);
  g_autofree char *path = NULL;
  GtkWidget *view = self->made_view != NULL ? self->made_view : self->role_view;

  /* Offline the views keep what they have: for the intaker the list kept
   * on the device. */
  if (coaches == NULL || view == NULL)
    return;
  if (KT_IS_SUPERVISOR_VIEW (view))
    {
      kt_supervisor_view_set_coaches (KT_SUPERVISOR_VIEW (view), coaches);
      return;
    }
  if (!KT_IS_INTAKER_VIEW (view))
    return;
  g_cancellable_cancel (self->kept_coaches);
  kt_intaker_view_set_coaches (KT_INTAKER_VIEW (view), coaches);
  /* Kept on a worker: the write waits for the disk (issue 22). */
  path = kt_coach_list_default_path (self->view_username);
  kt_coach_list_save_async (coaches, path, self->cancellable, coaches_kept, g_object_ref (view));
}

/* Supervisor */

static void
plan_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KtRoleController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncRecord) record = kt_role_client_fetch_record_finish (KT_ROLE_CLIENT (source), result, &error);

  if (record == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    report (self, error->message);
}

/* Opening a plan reads it from the server, which writes the read into its
 * audit log. */
static void
on_plan_opened (KtSupervisorInbox *inbox,
                KtPlan            *plan,
                KtRoleController  *self)
{
  kt_role_client_fetch_record_async (self->roles, plan->header.id, self->cancellable,
                                     plan_read, g_object_ref (self));
}

static void
reviewed (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KtRoleController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncRecord) record = kt_role_client_review_finish (KT_ROLE_CLIENT (source), result, &error);

  if (record == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report (self, error->message);
      return;
    }
  keep_record (self, record);
}

static void
on_decided (KtReviewPage     *page,
            KtPlan           *plan,
            KtReview         *review,
            KtRoleController *self)
{
  kt_role_client_review_async (self->roles, plan->header.id, review, self->cancellable,
                               reviewed, g_object_ref (self));
}

/* Choosing the view
 *
 * The view is made in one turn of the main loop and put in the window in
 * the next: each is a few tens of milliseconds, of building the view's
 * widgets and of letting go of the coach's list; in one turn they held the
 * supervisor's sign-in over the 50 ms target (issue 22). */

static gboolean
put_role_view (gpointer data)
{
  KtRoleController *self = data;
  g_autoptr(GtkWidget) view = g_steal_pointer (&self->made_view);

  self->put_id = 0;
  g_set_weak_pointer (&self->role_view, view);
  adw_bin_set_child (self->main_bin, view);
  if (KT_IS_SUPERVISOR_VIEW (view))
    kt_supervisor_view_set_team (KT_SUPERVISOR_VIEW (view), team_keys (self));
  kt_role_controller_refresh (self);
  kt_role_client_fetch_coaches_async (self->roles, self->cancellable, coaches_fetched, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
show_role_view (KtRoleController *self,
                KtSyncUser       *me)
{
  GtkWidget *view;
  GtkWidget *shown = self->made_view != NULL ? self->made_view : self->role_view;

  /* The view this account has already (the one of its last sign-in, shown
   * before the server answered: show_known_role) stays, with what was
   * typed in it; only the team may be news. */
  if (shown != NULL && g_strcmp0 (self->role, me->role) == 0 && g_strcmp0 (self->view_username, me->username) == 0)
    {
      if (KT_IS_INTAKER_VIEW (shown))
        kt_intaker_view_set_account (KT_INTAKER_VIEW (shown), me->username, me->team);
      return;
    }
  /* Asked again before the last answer's view is in: that one goes. */
  g_clear_handle_id (&self->put_id, g_source_remove);
  g_clear_object (&self->made_view);
  view = kt_role_view_new_for_role (me->role, self->coach_view, me->username, me->team);
  g_free (self->role);
  self->role = g_strdup (me->role);
  g_free (self->view_username);
  self->view_username = g_strdup (me->username);
  if (view == self->coach_view)
    {
      /* A read for the view this one replaces has nothing to fill. */
      stop_loading (self);
      /* A coach signs in where another role's view was in (the view of
       * this device's last sign-in): her list comes back. */
      if (adw_bin_get_child (self->main_bin) != view)
        adw_bin_set_child (self->main_bin, view);
      return;
    }

  self->made_view = g_object_ref_sink (view);
  kt_a11y_fix_tree (view);
  if (KT_IS_INTAKER_VIEW (view))
    g_signal_connect_object (view, "registered", G_CALLBACK (on_registered), self, 0);
  else if (KT_IS_SUPERVISOR_VIEW (view))
    {
      KtSupervisorInbox *inbox = kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (view));

      kt_supervisor_view_set_catalogue (KT_SUPERVISOR_VIEW (view), self->catalogue);
      g_signal_connect_object (inbox, "plan-opened", G_CALLBACK (on_plan_opened), self, 0);
      g_signal_connect_object (kt_supervisor_inbox_get_review_page (inbox), "decided",
                               G_CALLBACK (on_decided), self, 0);
    }
  if (KT_IS_INTAKER_VIEW (view))
    {
      read_kept_coaches (self, KT_INTAKER_VIEW (view), me->username);
      kt_intaker_view_set_sync_client (KT_INTAKER_VIEW (view), self->sync);
      kt_intaker_view_set_key_controller (KT_INTAKER_VIEW (view), kt_sync_controller_get_keys (self->controller));
    }
  else if (KT_IS_SUPERVISOR_VIEW (view))
    {
      kt_supervisor_view_set_sync_client (KT_SUPERVISOR_VIEW (view), self->sync);
      kt_supervisor_view_set_key_controller (KT_SUPERVISOR_VIEW (view),
                                             kt_sync_controller_get_keys (self->controller));
    }
  /* Below drawing and input, as the case list's slices: a key and a frame
   * go between. */
  self->put_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, put_role_view, self, NULL);
}

static gboolean
make_role_view (gpointer data)
{
  KtRoleController *self = data;
  g_autoptr(KtSyncUser) me = g_steal_pointer (&self->answer);

  self->make_id = 0;
  show_role_view (self, me);
  return G_SOURCE_REMOVE;
}

static void
me_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KtRoleController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KtSyncUser) me = kt_sync_controller_fetch_me_finish (KT_SYNC_CONTROLLER (source), result, &error);

  if (me == NULL)
    {
      /* Offline or not yet: ask again on the next successful round. */
      self->asked = FALSE;
      return;
    }
  /* Made in a turn of its own, not beside the network's callbacks that
   * are ready in this one. */
  g_clear_pointer (&self->answer, kt_sync_user_free);
  self->answer = g_steal_pointer (&me);
  if (self->make_id == 0)
    self->make_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, make_role_view, self, NULL);
}

/* The view of the role this device last signed in with, before the server
 * says who the account is: an intaker or supervisor who starts the app
 * away from the network (or while the server restarts) gets her own view,
 * not a coach's list of households in which her registrations would open
 * as a coach's.  The server's answer replaces it only when the role
 * changed (show_role_view). */
static void
show_known_role (KtRoleController *self)
{
  const char *role = kt_sync_client_get_role (self->sync);
  KtSyncUser known = { NULL, };

  /* Signed out too: the device stays hers, her registrations stay hers to
   * read, not a coach's households to open (signing out without closing
   * the app kept her view as well). */
  if (self->role_view != NULL || self->made_view != NULL || self->answer != NULL ||
      kt_sync_client_get_username (self->sync) == NULL)
    return;
  if (kt_role_from_string (role) != KT_ROLE_INTAKER && kt_role_from_string (role) != KT_ROLE_SUPERVISOR)
    return;
  known.username = (char *) kt_sync_client_get_username (self->sync);
  known.role = (char *) role;
  known.team = (char *) kt_sync_client_get_team (self->sync);
  known.display_name = (char *) kt_sync_client_get_display_name (self->sync);
  /* Made in a turn of its own, as the server's answer is (make_role_view):
   * at a sign-in this runs inside the sign-in's end, which has work of its
   * own (issue 22: the two together were one 90 ms turn for a supervisor). */
  self->answer = kt_sync_user_copy (&known);
  if (self->make_id == 0)
    self->make_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, make_role_view, self, NULL);
}

static void
on_status_changed (KtRoleController *self)
{
  KtSyncStatus status = kt_sync_client_get_status (self->sync);

  show_known_role (self);
  if (self->asked || (status != KT_SYNC_STATUS_SYNCED && status != KT_SYNC_STATUS_IDLE))
    return;
  self->asked = TRUE;
  kt_sync_controller_fetch_me_async (self->controller, self->cancellable, me_fetched, g_object_ref (self));
}

/* Another sign-in (after signing out, another account perhaps): who the
 * account is is asked again, so its role's view comes. */
static void
on_signed_in_changed (KtRoleController *self)
{
  if (!kt_sync_client_is_signed_in (self->sync))
    return;
  self->asked = FALSE;
  on_status_changed (self);
}

const char *
kt_role_controller_get_role (KtRoleController *self)
{
  g_return_val_if_fail (KT_IS_ROLE_CONTROLLER (self), NULL);
  return self->role;
}

KtRoleClient *
kt_role_controller_get_roles (KtRoleController *self)
{
  g_return_val_if_fail (KT_IS_ROLE_CONTROLLER (self), NULL);
  return self->roles;
}

static void
kt_role_controller_dispose (GObject *object)
{
  KtRoleController *self = KT_ROLE_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->kept_coaches);
  g_clear_object (&self->kept_coaches);
  g_clear_handle_id (&self->make_id, g_source_remove);
  g_clear_pointer (&self->answer, kt_sync_user_free);
  g_clear_handle_id (&self->put_id, g_source_remove);
  g_clear_weak_pointer (&self->role_view);
  g_clear_object (&self->made_view);
  g_clear_handle_id (&self->later_id, g_source_remove);
  g_clear_pointer (&self->later, g_ptr_array_unref);
  stop_loading (self);
  g_clear_object (&self->coach_view);
  g_clear_object (&self->roles);
  g_clear_object (&self->sync);
  g_clear_object (&self->controller);
  g_clear_pointer (&self->keyless, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->catalogue);
  G_OBJECT_CLASS (kt_role_controller_parent_class)->dispose (object);
}

static void
kt_role_controller_finalize (GObject *object)
{
  KtRoleController *self = KT_ROLE_CONTROLLER (object);

  g_free (self->role);
  g_free (self->view_username);
  forget_records (self);
  g_clear_pointer (&self->sharing, g_hash_table_unref);
  G_OBJECT_CLASS (kt_role_controller_parent_class)->finalize (object);
}

static void
kt_role_controller_class_init (KtRoleControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kt_role_controller_dispose;
  object_class->finalize = kt_role_controller_finalize;
}

static void
kt_role_controller_init (KtRoleController *self)
{
  self->cancellable = g_cancellable_new ();
  self->role = g_strdup ("wijkcoach");
}

/* This device could not write its queue of assignments: the intaker hears
 * of it over their view, not only in the log. */
static void
on_queue_failed (KtRoleController *self,
                 const GError     *error)
{
  if (self->role_view != NULL && KT_IS_INTAKER_VIEW (self->role_view))
    kt_intaker_view_show_problem (KT_INTAKER_VIEW (self->role_view), error->message);
  else
    report (self, error->message);
}

/* The server refused an assignment the intaker made; it left the queue,
 * and the household has no coach on the server: the intaker reads which,
 * to whom, why and what to do over their view. */
static void
on_assignment_failed (KtRoleController *self,
                      const char       *case_id,
                      const char       *coach,
                      const char       *reason)
{
  const char *household = NULL;

  if (self->role_view == NULL || !KT_IS_INTAKER_VIEW (self->role_view))
    {
      report (self, reason);
      return;
    }
  for (guint i = 0; self->cases != NULL && i < self->cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (self->cases, i);

      if (g_strcmp0 (kase->header.id, case_id) == 0)
        household = kase->household;
    }
  kt_intaker_view_show_refused_assignment (KT_INTAKER_VIEW (self->role_view), household, coach, reason);
}

/* What waits in the outbox shows only on the intaker's list: its marks are
 * read again, the records are not. */
static void
on_pending_changed (KtRoleController *self)
{
  if (self->role_view == NULL || !KT_IS_INTAKER_VIEW (self->role_view) || kt_store_is_locked (self->store) ||
      self->loading != NULL)
    return;
  if (self->cases == NULL)
    kt_role_controller_refresh (self);
  else
    set_view_records (self);
}

/* A coach's first key: the intaker's list stops saying that what was
 * assigned to her waits for her first sign-in.  The keys are weighed after
 * every round; the list is made again only when that changes.  The
 * supervisor's review page names the reviewers from them. */
static void
on_keys_changed (KtRoleController *self)
{
  g_autoptr(GHashTable) keyless = NULL;

  if (self->role_view != NULL && KT_IS_SUPERVISOR_VIEW (self->role_view))
    {
      kt_supervisor_view_set_team (KT_SUPERVISOR_VIEW (self->role_view), team_keys (self));
      return;
    }
  if (self->role_view == NULL || !KT_IS_INTAKER_VIEW (self->role_view) || kt_store_is_locked (self->store) ||
      self->loading != NULL || self->cases == NULL)
    return;
  keyless = keyless_coaches (self);
  if (!same_names (keyless, self->keyless))
    set_intaker_records (self, g_steal_pointer (&keyless));
}

/* The supervisor's inbox and team view, and the intaker's list, let go of
 * every record while the store is locked; they come back on unlocking. */
static void
on_store_locked (KtRoleController *self)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();

  stop_loading (self);
  g_clear_handle_id (&self->later_id, g_source_remove);
  g_clear_pointer (&self->later, g_ptr_array_unref);
  forget_records (self);
  if (self->role_view != NULL)
    set_loading (self, FALSE);
  if (self->role_view != NULL && KT_IS_SUPERVISOR_VIEW (self->role_view))
    kt_supervisor_view_set_records (KT_SUPERVISOR_VIEW (self->role_view), none, none, none);
  else if (self->role_view != NULL && KT_IS_INTAKER_VIEW (self->role_view))
    kt_intaker_view_set_registered (KT_INTAKER_VIEW (self->role_view), NULL, NULL, NULL);
}

KtRoleController *
kt_role_controller_new (AdwBin               *main_bin,
                        GtkWidget            *coach_view,
                        KtStore              *store,
                        KtSyncController     *controller,
                        KtCatalogue          *catalogue)
{
  KtRoleController *self = g_object_new (KT_TYPE_ROLE_CONTROLLER, NULL);
  KtSyncClient *sync = kt_sync_controller_get_client (controller);

  self->main_bin = main_bin;
  /* The coach's view stays alive while another role's view is shown. */
  self->coach_view = g_object_ref (coach_view);
  self->store = g_object_ref (store);
  self->sync = g_object_ref (sync);
  self->controller = g_object_ref (controller);
  self->catalogue = catalogue != NULL ? g_object_ref (catalogue) : NULL;
  self->roles = g_object_ref (kt_sync_controller_get_roles (controller));
  g_signal_connect_object (self->roles, "queue-failed", G_CALLBACK (on_queue_failed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->roles, "assignment-failed", G_CALLBACK (on_assignment_failed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::status", G_CALLBACK (on_status_changed), self, G_CONNECT_SWAPPED);
  /* The sync state opened (a status that did not change, signed out, says
   * nothing): the role of the last sign-in is known from here. */
  g_signal_connect_object (sync, "notify::username", G_CALLBACK (show_known_role), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::signed-in", G_CALLBACK (on_signed_in_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "locked", G_CALLBACK (on_store_locked), self, G_CONNECT_SWAPPED);
  /* The intaker's list says what has reached the server. */
  g_signal_connect_object (sync, "notify::n-pending", G_CALLBACK (on_pending_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "unlocked", G_CALLBACK (kt_role_controller_refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (kt_sync_controller_get_keys (controller), "changed", G_CALLBACK (on_keys_changed),
                           self, G_CONNECT_SWAPPED);
  on_status_changed (self);
  return self;
}
