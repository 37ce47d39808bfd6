/* kt-keyring.c: Keukentafel's secrets in the Secret Service, or behind the Secret portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-keyring"

#include "config.h"

#include "kt-keyring.h"

#include <string.h>
#include <glib/gi18n-lib.h>
/* secret_service_search_for_dbus_paths() and friends (secret-paths.h):
 * marked unstable by libsecret since 0.18, unchanged through 0.21. */
#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>
#include <sodium.h>

#include "kt-store.h"

static const SecretSchema key_schema = {
  KT_KEYRING_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "store", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* The counter of the store's last commit as this device saw it
 * (kt-store-index.c): kept here so that a whole older database file put
 * back is noticed. */
static const SecretSchema counter_schema = {
  KT_KEYRING_COUNTER_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "store", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static const SecretSchema outbox_key_schema = {
  KT_KEYRING_OUTBOX_KEY_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "path", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static const SecretSchema token_schema = {
  KT_KEYRING_TOKEN_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "device", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static void
set_locked_error (GError **error)
{
  g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_LOCKED,
                       _("The keyring is locked. Unlock it to open the data."));
}

/* Maps a libsecret or D-Bus failure to what the user can do about it. */
static void
propagate_error (GError  *local,
                 GError **error)
{
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, local);
      return;
    }

  if (g_error_matches (local, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    set_locked_error (error);
  else if (local->domain == G_DBUS_ERROR || local->domain == G_IO_ERROR ||
           local->domain == G_SPAWN_ERROR)
    /* No session bus, nothing owning org.freedesktop.secrets, or a
     * service that cannot be started. */
    g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_NO_SECRET_SERVICE,
                         _("No keyring service is running. Use a passphrase instead."));
  else
    g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_IO,
                         _("The keyring could not be read."));
  g_debug ("Secret Service: %s", local->message);
  g_error_free (local);
}

static SecretService *
get_service (GCancellable  *cancellable,
             GError       **error)
{
  GError *local = NULL;
  SecretService *service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION,
                                                    cancellable, &local);

  if (service == NULL)
    propagate_error (local, error);
  return service;
}

/* Inside Flatpak the Secret Service (org.freedesktop.secrets) is out of
 * reach: the manifest does not give the app that name, which would open every
 * unlocked secret of the user to it.  There libsecret's secret_password_*()
 * calls use its file backend instead: a keyring file of the app's own,
 * opened with a per-app secret from the Secret portal
 * (org.freedesktop.portal.Secret, which every sandboxed app may use without
 * a permission).  So inside the sandbox the key goes through those calls
 * only.  Where there is no portal, libsecret falls back to the Secret
 * Service, which the sandbox cannot reach: KT_STORE_ERROR_NO_SECRET_SERVICE,
 * and the user is offered the passphrase.
 *
 * Outside the sandbox, and inside it when SECRET_BACKEND names another
 * backend, everything goes through the SecretService API, which can tell a
 * locked keyring from a missing key without prompting.  Both roads must not
 * be mixed: a key stored by one would not be found by the other.
 * SECRET_BACKEND=file (libsecret's own switch) takes the portal road outside
 * a sandbox too; the tests drive it that way with libsecret's test password. */
static gboolean
through_portal (void)
{
  const char *backend = g_getenv ("SECRET_BACKEND");

  if (backend != NULL && *backend != '\0')
    return g_str_equal (backend, "file");
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

static KtKey *
key_from_value (SecretValue  *value,
                GError      **error)
{
  gsize size = 0;
  const char *data = secret_value_get (value, &size);

  if (size != KT_KEY_SIZE)
    {
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_KEY_MISSING,
                           _("The key in the keyring is damaged."));
      return NULL;
    }
  return kt_key_new_from_data ((const guint8 *) data, size);
}

/* libsecret's file backend (0.20.5 in Debian 12, and unchanged through
 * 0.21) keeps an item's attributes as given: unlike the Secret Service it
 * adds no xdg:schema, so a look-up matches on the attributes alone, and a
 * store replaces any item whose attributes are equal.  The key and the
 * counter both carry only "store": stored that way (as before this
 * version), the counter replaced the key at the first save, and a look-up
 * could not tell them apart.  So on the portal road every item of ours
 * carries xdg:schema itself, which libsecret accepts for the schema's own
 * name; the items of a store are then distinct, and stay so should the
 * file backend one day add the attribute too. */
static GHashTable *
portal_attributes (const SecretSchema *schema,
                   const char         *store_id)
{
  GHashTable *attributes = secret_attributes_build (schema, "store", store_id, NULL);

  g_hash_table_replace (attributes, g_strdup ("xdg:schema"), g_strdup (schema->name));
  return attributes;
}

/* What an item without xdg:schema (stored by an earlier version) holds:
 * the key is KT_KEY_SIZE bytes, the counter ASCII digits (never
 * KT_KEY_SIZE of them: at most 20).  Only for those items; ours say. */
static gboolean
value_is_key (SecretValue *value)
{
  gsize size = 0;

  secret_value_get (value, &size);
  return size == KT_KEY_SIZE;
}

static gboolean
counter_from_value (SecretValue *value,
                    guint64     *counter)
{
  const char *text = value != NULL ? secret_value_get_text (value) : NULL;

  return text != NULL && g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, counter, NULL);
}

/* The key and the counter of @store_id on the portal road, in one search of
 * the keyring file: each the item of its own schema, or else an item of an
 * earlier version (no xdg:schema) whose content is of its kind.  Either
 * may be left NULL when there is none.  @legacy_key is set when the key
 * came from such an older item. */
static gboolean
search_through_portal (const char    *store_id,
                       SecretValue  **key,
                       SecretValue  **counter,
                       gboolean      *legacy_key,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autolist(SecretRetrievable) items = NULL;
  g_autoptr(SecretValue) old_key = NULL;
  g_autoptr(SecretValue) old_counter = NULL;
  GError *local = NULL;

  *key = NULL;
  if (counter != NULL)
    *counter = NULL;
  *legacy_key = FALSE;

  /* Without xdg:schema: this matches the older items too. */
  items = secret_password_search_sync (&key_schema, SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS,
                                       cancellable, &local, "store", store_id, NULL);
  if (local != NULL)
    {
      propagate_error (local, error);
      return FALSE;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      SecretRetrievable *item = l->data;
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (item);
      const char *schema = g_hash_table_lookup (attributes, "xdg:schema");
      g_autoptr(SecretValue) value = secret_retrievable_retrieve_secret_sync (item, cancellable,
                                                                             &local);
      guint64 unused;

      if (local != NULL)
        {
          g_clear_pointer (key, secret_value_unref);
          if (counter != NULL)
            g_clear_pointer (counter, secret_value_unref);
          propagate_error (local, error);
          return FALSE;
        }
      if (value == NULL)
        continue;

      if (g_strcmp0 (schema, key_schema.name) == 0)
        {
          if (*key == NULL)
            *key = g_steal_pointer (&value);
        }
      else if (g_strcmp0 (schema, counter_schema.name) == 0)
        {
          if (counter != NULL && *counter == NULL)
            *counter = g_steal_pointer (&value);
        }
      else if (schema != NULL)
        continue;
      else if (value_is_key (value))
        {
          if (old_key == NULL)
            old_key = g_steal_pointer (&value);
        }
      else if (counter_from_value (value, &unused))
        {
          if (old_counter == NULL)
            old_counter = g_steal_pointer (&value);
        }
    }

  if (*key == NULL && old_key != NULL)
    {
      *key = g_steal_pointer (&old_key);
      *legacy_key = TRUE;
    }
  if (counter != NULL && *counter == NULL)
    *counter = g_steal_pointer (&old_counter);
  return TRUE;
}

/* Saves @value as the item of @schema for @store_id in the default
 * collection, never through a prompt. */
static gboolean
store_secret (const SecretSchema  *schema,
              const char          *label,
              SecretValue         *value,
              const char          *store_id,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GHashTable) attributes = secret_attributes_build (schema, "store", store_id, NULL);
  GError *local = NULL;

  if (through_portal ())
    {
      /* The app's own keyring file: nothing to unlock, no prompt. */
      g_autoptr(GHashTable) own = portal_attributes (schema, store_id);

      if (secret_password_storev_binary_sync (schema, own, SECRET_COLLECTION_DEFAULT, label,
                                              value, cancellable, &local))
        return TRUE;
      if (local == NULL)
        g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_IO,
                             _("The keyring could not be read."));
      else
        propagate_error (local, error);
      return FALSE;
    }

  service = get_service (cancellable, error);
  if (service == NULL)
    return FALSE;

  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE,
                                                 cancellable, &local);
  if (local != NULL)
    {
      propagate_error (local, error);
      return FALSE;
    }
  /* Without a default keyring, storing would ask the keyring to create one
   * through a prompt from a worker thread, which can wait for ever where no
   * prompt can be shown: offer the passphrase instead. */
  if (collection == NULL)
    {
      g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_NO_SECRET_SERVICE,
                           _("There is no default keyring to keep the key in. Use a passphrase instead."));
      return FALSE;
    }
  /* Storing into a locked collection would pop up a prompt from a worker
   * thread; ask the user to unlock through our own UI instead. */
  if (secret_collection_get_locked (collection))
    {
      set_locked_error (error);
      return FALSE;
    }

  /* Through the same SecretService as the look-up: secret_password_*()
   * would take libsecret's file backend inside Flatpak even where
   * SECRET_BACKEND=service sends us to the host's keyring. */
  if (!secret_service_store_sync (service, schema, attributes, SECRET_COLLECTION_DEFAULT,
                                  label, value, cancellable, &local))
    {
      /* libsecret fails without an error when the keyring's own prompt (to
       * create or unlock the default keyring) was dismissed or could not be
       * shown: to the user that is a keyring that stays locked. */
      if (local == NULL)
        set_locked_error (error);
      else
        propagate_error (local, error);
      return FALSE;
    }
  return TRUE;
}

static KtKey *
lookup_through_portal (const char    *store_id,
                       guint64       *counter,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(SecretValue) counter_value = NULL;
  g_autoptr(GError) local = NULL;
  gboolean legacy = FALSE;
  KtKey *key;

  if (!search_through_portal (store_id, &value, counter != NULL ? &counter_value : NULL,
                              &legacy, cancellable, error))
    return NULL;
  if (counter != NULL && !counter_from_value (counter_value, counter))
    *counter = 0;
  if (value == NULL)
    return NULL;

  key = key_from_value (value, error);
  /* A key of an earlier version is kept again as ours: its old item stays
   * (the file backend cannot remove it alone), but a save by that earlier
   * version, should the user go back to it, would replace only the old one. */
  if (key != NULL && legacy &&
      !store_secret (&key_schema, _("Keukentafel data key"), value, store_id, cancellable,
                     &local))
    g_debug ("The key could not be kept again: %s", local->message);
  return key;
}

GDBusConnection *
kt_keyring_connect (void)
{
  g_autoptr(GError) error = NULL;
  /* The bus libsecret takes (its SecretService and the portal's file
   * backend both ask for G_BUS_TYPE_SESSION): GLib shares one connection
   * while anyone holds it.  The app has it already (GApplication), a bench
   * or a tool not. */
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);

  if (bus == NULL)
    g_debug ("No session bus: %s", error->message);
  return bus;
}

KtKey *
kt_keyring_lookup (const char    *store_id,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autolist(SecretItem) items = NULL;
  GError *local = NULL;
  gboolean locked = FALSE;

  g_return_val_if_fail (store_id != NULL, NULL);

  if (through_portal ())
    return lookup_through_portal (store_id, NULL, cancellable, error);

  service = get_service (cancellable, error);
  if (service == NULL)
    return NULL;

  attributes = secret_attributes_build (&key_schema, "store", store_id, NULL);
  items = secret_service_search_sync (service, &key_schema, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS,
                                      cancellable, &local);
  if (local != NULL)
    {
      propagate_error (local, error);
      return NULL;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      SecretItem *item = l->data;
      g_autoptr(SecretValue) value = NULL;

      if (secret_item_get_locked (item))
        {
          locked = TRUE;
          continue;
        }

      value = secret_item_get_secret (item);
      if (value == NULL)
        continue;
      return key_from_value (value, error);
    }

  if (locked)
    set_locked_error (error);
  return NULL;
}

gboolean
kt_keyring_store (const char    *store_id,
                  const KtKey   *key,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(SecretValue) value = secret_value_new ((const char *) kt_key_peek (key), KT_KEY_SIZE,
                                                   "application/octet-stream");

  return store_secret (&key_schema, _("Keukentafel data key"), value, store_id, cancellable, error);
}

KtKey *
kt_keyring_lookup_with_counter (const char    *store_id,
                                guint64       *counter,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GHashTable) counter_attributes = NULL;
  g_autoptr(GHashTable) secrets = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  g_auto(GStrv) unlocked = NULL;
  g_auto(GStrv) locked = NULL;
  g_auto(GStrv) counter_unlocked = NULL;
  g_auto(GStrv) counter_locked = NULL;
  GError *local = NULL;

  g_return_val_if_fail (store_id != NULL, NULL);

  *counter = 0;
  if (through_portal ())
    {
      KtKey *key = lookup_through_portal (store_id, counter, cancellable, error);

      if (key == NULL)
        *counter = 0;
      return key;
    }

  service = get_service (cancellable, error);
  if (service == NULL)
    return NULL;

  /* The items' paths, then the secrets of both in one call: three round
   * trips to the keyring where kt_keyring_lookup() and
   * kt_keyring_lookup_counter() make five (secret_service_search_sync()
   * also reads every item's properties). */
  attributes = secret_attributes_build (&key_schema, "store", store_id, NULL);
  if (!secret_service_search_for_dbus_paths_sync (service, &key_schema, attributes, cancellable,
                                                  &unlocked, &locked, &local))
    {
      propagate_error (local, error);
      return NULL;
    }
  if (unlocked == NULL || unlocked[0] == NULL)
    {
      if (locked != NULL && locked[0] != NULL)
        set_locked_error (error);
      return NULL;
    }
  counter_attributes = secret_attributes_build (&counter_schema, "store", store_id, NULL);
  /* No counter is no error: the check then has no mark to compare. */
  if (!secret_service_search_for_dbus_paths_sync (service, &counter_schema, counter_attributes,
                                                  cancellable, &counter_unlocked, &counter_locked,
                                                  &local))
    {
      g_debug ("Secret Service: %s", local->message);
      g_clear_error (&local);
    }

  paths = g_ptr_array_new ();
  for (guint i = 0; unlocked[i] != NULL; i++)
    g_ptr_array_add (paths, unlocked[i]);
  if (counter_unlocked != NULL && counter_unlocked[0] != NULL)
    g_ptr_array_add (paths, counter_unlocked[0]);
  g_ptr_array_add (paths, NULL);
  secrets = secret_service_get_secrets_for_dbus_paths_sync (service, (const char **) paths->pdata,
                                                            cancellable, &local);
  if (secrets == NULL)
    {
      if (local != NULL)
        propagate_error (local, error);
      return NULL;
    }

  if (counter_unlocked != NULL && counter_unlocked[0] != NULL &&
      !counter_from_value (g_hash_table_lookup (secrets, counter_unlocked[0]), counter))
    *counter = 0;
  for (guint i = 0; unlocked[i] != NULL; i++)
    {
      SecretValue *value = g_hash_table_lookup (secrets, unlocked[i]);

      if (value != NULL)
        return key_from_value (value, error);
    }
  return NULL;
}

gboolean
kt_keyring_lookup_counter (const char    *store_id,
                           guint64       *counter,
                           GCancellable  *cancellable,
                           GError       **error)
{
  GError *local = NULL;
  g_autoptr(SecretValue) secret = NULL;
  g_autofree char *text = NULL;
  guint64 value;

  if (through_portal ())
    {
      g_autoptr(SecretValue) key = NULL;
      gboolean legacy;

      if (!search_through_portal (store_id, &key, &secret, &legacy, cancellable, error))
        return FALSE;
    }
  else
    {
      g_autoptr(SecretService) service = get_service (cancellable, error);
      g_autoptr(GHashTable) attributes = NULL;

      if (service == NULL)
        return FALSE;
      attributes = secret_attributes_build (&counter_schema, "store", store_id, NULL);
      secret = secret_service_lookup_sync (service, &counter_schema, attributes, cancellable, &local);
    }
  if (secret != NULL)
    text = g_strdup (secret_value_get_text (secret));

  if (local != NULL)
    {
      propagate_error (local, error);
      return FALSE;
    }
  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, NULL))
    return FALSE;
  *counter = value;
  return TRUE;
}

gboolean
kt_keyring_store_counter (const char    *store_id,
                          guint64        counter,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, counter);
  g_autoptr(SecretValue) value = secret_value_new (text, -1, "text/plain");

  return store_secret (&counter_schema, _("Keukentafel save counter"), value, store_id,
                       cancellable, error);
}

gboolean
kt_keyring_clear (const char    *store_id,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GError *local = NULL;

  if (through_portal ())
    {
      /* Every item of the store, the counter too: an item of an earlier
       * version carries only "store", and the file backend removes what
       * matches the attributes given, so the old key cannot be removed
       * alone.  A counter without its key opens nothing. */
      secret_password_clear_sync (&key_schema, cancellable, &local, "store", store_id, NULL);
    }
  else
    {
      g_autoptr(SecretService) service = get_service (cancellable, error);
      g_autoptr(GHashTable) attributes = NULL;

      if (service == NULL)
        return FALSE;
      attributes = secret_attributes_build (&key_schema, "store", store_id, NULL);
      secret_service_clear_sync (service, &key_schema, attributes, cancellable, &local);
    }
  if (local != NULL)
    {
      propagate_error (local, error);
      return FALSE;
    }
  return TRUE;
}

/* The sync queue's key and the sign-in token.  Both go through
 * secret_password_*(), which inside Flatpak is the app's own keyring file
 * behind the Secret portal (see through_portal()). */

KtKey *
kt_keyring_outbox_key (const char    *path,
                       GCancellable  *cancellable,
                       GError       **error)
{
  GError *local = NULL;
  char *encoded = secret_password_lookup_sync (&outbox_key_schema, cancellable, &local,
                                               "path", path, NULL);
  guint8 bytes[KT_KEY_SIZE];
  size_t len = 0;
  KtKey *key = NULL;

  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  if (encoded != NULL)
    {
      if (sodium_base642bin (bytes, sizeof bytes, encoded, strlen (encoded), NULL, &len,
                             NULL, sodium_base64_VARIANT_ORIGINAL) == 0 && len == KT_KEY_SIZE)
        key = kt_key_new_from_data (bytes, KT_KEY_SIZE);
      secret_password_free (encoded);
    }
  else if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      char text[sodium_base64_ENCODED_LEN (KT_KEY_SIZE, sodium_base64_VARIANT_ORIGINAL)];
      g_autoptr(KtKey) fresh = kt_key_new_random ();

      sodium_bin2base64 (text, sizeof text, kt_key_peek (fresh), KT_KEY_SIZE,
                         sodium_base64_VARIANT_ORIGINAL);
      if (secret_password_store_sync (&outbox_key_schema, SECRET_COLLECTION_DEFAULT,
                                      "Keukentafel sync queue key", text, cancellable,
                                      error, "path", path, NULL))
        key = g_steal_pointer (&fresh);
      sodium_memzero (text, sizeof text);
    }
  sodium_memzero (bytes, sizeof bytes);
  return key;
}

char *
kt_keyring_lookup_token (const char   *server,
                         const char   *username,
                         const char   *device,
                         GCancellable *cancellable)
{
  char *secret = secret_password_lookup_sync (&token_schema, cancellable, NULL,
                                              "server", server, "username", username,
                                              "device", device, NULL);
  char *token = g_strdup (secret);

  secret_password_free (secret);
  return token;
}

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
kt_keyring_store_token_async (const char          *server,
                              const char          *username,
                              const char          *device,
                              const char          *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = g_strdup_printf ("Keukentafel: %s", server);

  g_task_set_source_tag (task, kt_keyring_store_token_async);
  secret_password_store (&token_schema, SECRET_COLLECTION_DEFAULT, label, token,
                         cancellable, on_token_stored, task,
                         "server", server, "username", username, "device", device, NULL);
}

gboolean
kt_keyring_store_token_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kt_keyring_clear_token (const char *server,
                        const char *username,
                        const char *device)
{
  secret_password_clear_sync (&token_schema, NULL, NULL,
                              "server", server, "username", username, "device", device, NULL);
}

static void
on_token_cleared (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
kt_keyring_clear_token_async (const char          *server,
                              const char          *username,
                              const char          *device,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, kt_keyring_clear_token_async);
  secret_password_clear (&token_schema, cancellable, on_token_cleared, task,
                         "server", server, "username", username, "device", device, NULL);
}

gboolean
kt_keyring_clear_token_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
