/* kt-record-sealer.c
 *
 * The server keeps a record as the envelope, its routing metadata and a
 * sealed body it cannot open.  The body is encrypted once, under a content
 * key made for this revision (the record's id, kind and revision are its
 * associated data, so the server cannot move or roll back a body); the
 * content key is sealed to each reader from this account's key pair, so a
 * reader knows who gave it the key and the server cannot plant a record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-record-sealer"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "kt-record-sealer.h"

#include "kt-case-due.h"
#include "kt-codec.h"
#include "kt-peer-keys.h"

G_DEFINE_QUARK (kt-record-sealer-error-quark, kt_record_sealer_error)

struct _KtRecordSealer
{
  GObject            parent_instance;

  char              *username;
  KtKey             *secret;
  GBytes            *public_key;
  /* username → KtPeerKey: the team's trusted keys, this account's own too */
  GHashTable        *team;

  KtCaseReadersFunc  case_readers;
  gpointer           case_readers_data;
  GDestroyNotify     case_readers_notify;
};

G_DEFINE_FINAL_TYPE (KtRecordSealer, kt_record_sealer, G_TYPE_OBJECT)

static void
kt_record_sealer_finalize (GObject *object)
{
  KtRecordSealer *self = (KtRecordSealer *) object;

  if (self->case_readers_notify != NULL)
    self->case_readers_notify (self->case_readers_data);
  g_free (self->username);
  g_clear_pointer (&self->secret, kt_key_free);
  g_clear_pointer (&self->public_key, g_bytes_unref);
  g_clear_pointer (&self->team, g_hash_table_unref);

  G_OBJECT_CLASS (kt_record_sealer_parent_class)->finalize (object);
}

static void
kt_record_sealer_class_init (KtRecordSealerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_record_sealer_finalize;
}

static void
kt_record_sealer_init (KtRecordSealer *self)
{
  self->team = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) kt_peer_key_free);
}

KtRecordSealer *
kt_record_sealer_new (const char  *username,
                      const KtKey *secret)
{
  KtRecordSealer *self;

  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  self = g_object_new (KT_TYPE_RECORD_SEALER, NULL);
  self->username = g_strdup (username);
  self->secret = kt_key_copy (secret);
  self->public_key = kt_crypto_public_key (secret);
  return self;
}

const char *
kt_record_sealer_get_username (KtRecordSealer *self)
{
  g_return_val_if_fail (KT_IS_RECORD_SEALER (self), NULL);
  return self->username;
}

GBytes *
kt_record_sealer_get_public_key (KtRecordSealer *self)
{
  g_return_val_if_fail (KT_IS_RECORD_SEALER (self), NULL);
  return self->public_key;
}

static KtPeerKey *
peer_key_copy (const KtPeerKey *key)
{
  KtPeerKey *copy = g_new0 (KtPeerKey, 1);

  copy->username = g_strdup (key->username);
  copy->display_name = g_strdup (key->display_name);
  copy->role = g_strdup (key->role);
  copy->public_key = g_bytes_ref (key->public_key);
  copy->fingerprint = g_strdup (key->fingerprint);
  copy->published = key->published;
  copy->state = key->state;
  return copy;
}

void
kt_record_sealer_set_team_keys (KtRecordSealer *self,
                                GPtrArray      *peer_keys)
{
  g_return_if_fail (KT_IS_RECORD_SEALER (self));

  g_hash_table_remove_all (self->team);
  for (guint i = 0; peer_keys != NULL && i < peer_keys->len; i++)
    {
      const KtPeerKey *key = g_ptr_array_index (peer_keys, i);
      KtPeerKey *copy;

      /* A changed key is a warning to the user, and never used. */
      if (key->state == KT_PEER_KEY_CHANGED || g_str_equal (key->username, self->username))
        continue;
      copy = peer_key_copy (key);
      g_hash_table_replace (self->team, copy->username, copy);
    }
}

void
kt_record_sealer_set_case_readers_func (KtRecordSealer    *self,
                                        KtCaseReadersFunc  func,
                                        gpointer           user_data,
                                        GDestroyNotify     notify)
{
  g_return_if_fail (KT_IS_RECORD_SEALER (self));

  if (self->case_readers_notify != NULL)
    self->case_readers_notify (self->case_readers_data);
  self->case_readers = func;
  self->case_readers_data = user_data;
  self->case_readers_notify = notify;
}

/* The trusted public key of @username, or NULL. */
static GBytes *
key_of (KtRecordSealer *self,
        const char     *username)
{
  KtPeerKey *key;

  if (username == NULL)
    return NULL;
  if (g_str_equal (username, self->username))
    return self->public_key;
  key = g_hash_table_lookup (self->team, username);
  return key != NULL ? key->public_key : NULL;
}

static void
add_reader (GPtrArray  *readers,
            const char *username)
{
  if (username == NULL)
    return;
  for (guint i = 0; i < readers->len; i++)
    if (g_str_equal (readers->pdata[i], username))
      return;
  g_ptr_array_add (readers, g_strdup (username));
}

GStrv
kt_record_sealer_readers (KtRecordSealer     *self,
                          const KtSyncRecord *record)
{
  g_autoptr(GPtrArray) readers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GList) team = NULL;

  g_return_val_if_fail (KT_IS_RECORD_SEALER (self), NULL);

  add_reader (readers, record->author != NULL ? record->author : self->username);
  if (record->kind == KT_KIND_CASE)
    {
      add_reader (readers, record->coach);
      add_reader (readers, record->intaker);
    }
  else if (record->case_id != NULL && self->case_readers != NULL)
    {
      g_autofree char *coach = NULL;
      g_autofree char *intaker = NULL;

      /* The intaker reads the case, not what the coach writes about it. */
      if (self->case_readers (record->case_id, &coach, &intaker, self->case_readers_data))
        add_reader (readers, coach);
    }

  /* Every supervisor of the team, in a stable order. */
  team = g_list_sort (g_hash_table_get_values (self->team), (GCompareFunc) g_strcmp0);
  for (GList *l = team; l != NULL; l = l->next)
    {
      const KtPeerKey *key = l->data;

      if (g_strcmp0 (key->role, "supervisor") == 0)
        add_reader (readers, key->username);
    }
  g_ptr_array_add (readers, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&readers), FALSE);
}

/* An ISO date as unix seconds (midnight UTC), or 0. */
static gint64
date_to_unix (const char *date)
{
  int year, month, day;
  g_autoptr(GDateTime) time = NULL;

  if (date == NULL || sscanf (date, "%4d-%2d-%2d", &year, &month, &day) != 3)
    return 0;
  time = g_date_time_new_utc (year, month, day, 0, 0, 0);
  return time != NULL ? g_date_time_to_unix (time) : 0;
}

/* The routing metadata a decoded document gives. */
typedef struct {
  char   *coach;
  char   *intaker;
  char   *review;
  char   *phase;
  gint64  due;
} Routing;

static void
routing_clear (Routing *routing)
{
  g_free (routing->coach);
  g_free (routing->intaker);
  g_free (routing->review);
  g_free (routing->phase);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Routing, routing_clear)

static gboolean
routing_of_body (GBytes   *body,
                 KtKind    kind,
                 Routing  *routing,
                 GError  **error)
{
  KtDocument doc = { 0, };

  if (!kt_document_decode (body, &doc, error))
    return FALSE;
  if (doc.kind != kind)
    {
      kt_document_clear (&doc);
      g_set_error_literal (error, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_DOES_NOT_OPEN,
                           _("A record holds another kind of document than it says."));
      return FALSE;
    }
  switch (doc.kind)
    {
    case KT_KIND_CASE:
      routing->coach = g_strdup (doc.kase->coach);
      /* The request's intaker as the intaker's app writes it: an account
       * name.  Anything else (an older record's free text) routes to no
       * one; the server grants the case to the intaker who wrote it. */
      if (kt_account_name_is_valid (doc.kase->request.intaker))
        routing->intaker = g_strdup (doc.kase->request.intaker);
      routing->phase = g_strdup (kt_phase_to_string (doc.kase->phase));
      routing->due = date_to_unix (kt_case_next_due (doc.kase, NULL).date);
      break;
    case KT_KIND_PLAN:
      routing->review = g_strdup (kt_review_state_to_string (doc.plan->review));
      break;
    case KT_KIND_CONVERSATION:
    case KT_N_KINDS:
    default:
      break;
    }
  kt_document_clear (&doc);
  return TRUE;
}

static GBytes *
body_ad (const KtSyncRecord *record)
{
  return kt_crypto_record_ad (record->id, record->kind, record->rev, "body");
}

gboolean
kt_record_sealer_seal (KtRecordSealer  *self,
                       KtSyncRecord    *record,
                       GError         **error)
{
  g_auto(Routing) routing = { 0, };
  g_autoptr(GPtrArray) public_keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) sealed_keys = NULL;
  g_autoptr(GBytes) ad = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_auto(GStrv) readers = NULL;

  g_return_val_if_fail (KT_IS_RECORD_SEALER (self), FALSE);

  if (record->body == NULL)
    {
      g_set_error_literal (error, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_NO_BODY,
                           _("There is nothing to send in this record."));
      return FALSE;
    }
  if (!routing_of_body (record->body, record->kind, &routing, error))
    return FALSE;

  g_free (record->coach);
  record->coach = g_steal_pointer (&routing.coach);
  g_free (record->intaker);
  record->intaker = g_steal_pointer (&routing.intaker);
  g_free (record->review);
  record->review = g_steal_pointer (&routing.review);
  g_free (record->phase);
  record->phase = g_steal_pointer (&routing.phase);
  record->due = routing.due;

  /* Readers without a trusted key yet get the key later, when a device
   * that can open the record seals it to them. */
  readers = kt_record_sealer_readers (self, record);
  for (guint i = 0; readers[i] != NULL; i++)
    {
      GBytes *key = key_of (self, readers[i]);

      if (key == NULL)
        continue;
      g_ptr_array_add (public_keys, key);
      g_ptr_array_add (names, readers[i]);
    }

  ad = body_ad (record);
  sealed = kt_crypto_seal_for_readers (ad, record->body, self->secret, public_keys, &sealed_keys);
  if (sealed == NULL)
    {
      g_set_error_literal (error, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_UNKNOWN_SENDER,
                           _("A colleague’s key cannot be used to seal a record."));
      return FALSE;
    }

  g_clear_pointer (&record->keys, g_ptr_array_unref);
  record->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sealed_key_free);
  for (guint i = 0; i < sealed_keys->len; i++)
    g_ptr_array_add (record->keys, kt_sealed_key_new (names->pdata[i], self->username,
                                                      sealed_keys->pdata[i]));
  g_clear_pointer (&record->sealed, g_bytes_unref);
  record->sealed = g_steal_pointer (&sealed);
  return TRUE;
}

/* The content key of @record from this account's sealed key in it. */
static KtKey *
open_content_key (KtRecordSealer      *self,
                  const KtSyncRecord  *record,
                  GError             **error)
{
  const KtSealedKey *mine = kt_sync_record_get_key (record, self->username);
  GBytes *sender;
  KtKey *content_key;

  if (mine == NULL)
    {
      g_set_error_literal (error, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_NOT_FOR_ME,
                           _("This record waits until a colleague shares it with you."));
      return NULL;
    }
  sender = key_of (self, mine->sender);
  if (sender == NULL)
    {
      g_set_error_literal (error, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_UNKNOWN_SENDER,
                           _("This record was sealed with a key this device does not trust."));
      return NULL;
    }
  content_key = kt_crypto_open_sealed_key (mine->key, sender, self->secret);
  if (content_key == NULL)
    g_set_error_literal (error, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_DOES_NOT_OPEN,
                         _("A record from the server was altered and cannot be opened."));
  return content_key;
}

static gboolean
same_text (const char *a,
           const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

gboolean
kt_record_sealer_open (KtRecordSealer  *self,
                       KtSyncRecord    *record,
                       GError         **error)
{
  g_autoptr(KtKey) content_key = NULL;
  g_autoptr(GBytes) ad = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KtSyncRecord) inner = NULL;
  g_auto(Routing) routing = { 0, };

  g_return_val_if_fail (KT_IS_RECORD_SEALER (self), FALSE);

  if (record->sealed == NULL)
    return TRUE;

  content_key = open_content_key (self, record, error);
  if (content_key == NULL)
    return FALSE;
  ad = body_ad (record);
  body = kt_crypto_open (content_key, ad, record->sealed);
  /* The associated data binds the body to the envelope's id, kind and
   * revision; the document inside must say the same. */
  if (body != NULL)
    inner = kt_sync_record_new_for_body (body, NULL);
  if (inner == NULL || !same_text (inner->id, record->id) || inner->kind != record->kind ||
      inner->rev != record->rev)
    {
      g_set_error_literal (error, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_DOES_NOT_OPEN,
                           _("A record from the server was altered and cannot be opened."));
      return FALSE;
    }

  /* The server routes by the metadata; one that rewrote it (another coach,
   * an approval) is caught here rather than believed. */
  if (!routing_of_body (body, record->kind, &routing, error))
    return FALSE;
  if ((record->kind == KT_KIND_CASE &&
       (!same_text (routing.coach, record->coach) || !same_text (routing.intaker, record->intaker))) ||
      (record->kind == KT_KIND_PLAN && !same_text (routing.review, record->review)) ||
      (record->kind != KT_KIND_CASE && !same_text (inner->case_id, record->case_id)))
    {
      g_set_error_literal (error, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_ROUTING,
                           _("The server’s description of a record does not match the record."));
      return FALSE;
    }

  g_clear_pointer (&record->body, g_bytes_unref);
  record->body = g_steal_pointer (&body);
  return TRUE;
}

GStrv
kt_record_sealer_missing_readers (KtRecordSealer     *self,
                                  const KtSyncRecord *record)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) readers = NULL;

  g_return_val_if_fail (KT_IS_RECORD_SEALER (self), NULL);

  readers = kt_record_sealer_readers (self, record);
  for (guint i = 0; readers[i] != NULL; i++)
    if (key_of (self, readers[i]) != NULL && kt_sync_record_get_key (record, readers[i]) == NULL)
      g_ptr_array_add (missing, g_strdup (readers[i]));
  g_ptr_array_add (missing, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&missing), FALSE);
}

GPtrArray *
kt_record_sealer_reseal (KtRecordSealer      *self,
                         const KtSyncRecord  *record,
                         const char * const  *readers,
                         GError             **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_sealed_key_free);
  g_autoptr(KtKey) content_key = NULL;

  g_return_val_if_fail (KT_IS_RECORD_SEALER (self), NULL);

  content_key = open_content_key (self, record, error);
  if (content_key == NULL)
    return NULL;
  for (guint i = 0; readers != NULL && readers[i] != NULL; i++)
    {
      GBytes *public_key = key_of (self, readers[i]);
      g_autoptr(GBytes) sealed = NULL;

      if (public_key != NULL)
        sealed = kt_crypto_seal_key_to (content_key, public_key, self->secret);
      if (sealed == NULL)
        {
          g_set_error_literal (error, KT_RECORD_SEALER_ERROR, KT_RECORD_SEALER_ERROR_UNKNOWN_SENDER,
                               _("A colleague’s key cannot be used to seal a record."));
          return NULL;
        }
      g_ptr_array_add (keys, kt_sealed_key_new (readers[i], self->username, sealed));
    }
  return g_steal_pointer (&keys);
}
