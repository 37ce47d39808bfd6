/* kt-keyring.c: the data key in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-keyring"

#include "config.h"

#include "kt-keyring.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

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
      const char *data;
      gsize size = 0;

      if (secret_item_get_locked (item))
        {
          locked = TRUE;
          continue;
        }

      value = secret_item_get_secret (item);
      if (value == NULL)
        continue;
      data = secret_value_get (value, &size);
      if (size != KT_KEY_SIZE)
        {
          g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_KEY_MISSING,
                               _("The key in the keyring is damaged."));
          return NULL;
        }
      return kt_key_new_from_data ((const guint8 *) data, size);
    }

  if (locked)
    set_locked_error (error);
  return NULL;
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
  GError *local = NULL;

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

  if (!secret_password_store_binary_sync (schema, SECRET_COLLECTION_DEFAULT,
                                          label, value, cancellable, &local,
                                          "store", store_id, NULL))
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

gboolean
kt_keyring_lookup_counter (const char    *store_id,
                           guint64       *counter,
                           GCancellable  *cancellable,
                           GError       **error)
{
  GError *local = NULL;
  g_autofree char *text = secret_password_lookup_sync (&counter_schema, cancellable, &local,
                                                       "store", store_id, NULL);
  guint64 value;

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

  secret_password_clear_sync (&key_schema, cancellable, &local,
                              "store", store_id, NULL);
  if (local != NULL)
    {
      propagate_error (local, error);
      return FALSE;
    }
  return TRUE;
}
