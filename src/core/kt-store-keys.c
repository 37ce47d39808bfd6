/* kt-store-keys.c: what KtStore keeps of an account's keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-store"

#include "config.h"

#include "kt-store-keys.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "kt-recovery-phrase.h"
#include "kt-store-private.h"

/* Metadata names, each followed by the account name.  Account names are
 * not client data. */
#define META_ACCOUNT_KEY     "account-key:"
#define META_RECOVERY_PHRASE "recovery-phrase:"
#define META_RECOVERY_BUNDLE "recovery-bundle:"
#define META_PINNED_KEYS     "pinned-keys:"

#define PINNED_TYPE G_VARIANT_TYPE ("a{say}")

static char *
meta_name (const char *prefix,
           const char *username)
{
  return g_strconcat (prefix, username, NULL);
}

static GBytes *
get (KtStore     *self,
     const char  *prefix,
     const char  *username,
     GError     **error)
{
  g_autofree char *name = meta_name (prefix, username);

  return kt_store_get_secret_meta (self, name, error);
}

static gboolean
set (KtStore     *self,
     const char  *prefix,
     const char  *username,
     GBytes      *value,
     GError     **error)
{
  g_autofree char *name = meta_name (prefix, username);

  return kt_store_set_secret_meta (self, name, value, error);
}

static void
set_damaged_error (GError **error)
{
  g_set_error_literal (error, KT_STORE_ERROR, KT_STORE_ERROR_CORRUPT,
                       _("A key kept on this device is damaged and cannot be used."));
}

KtKey *
kt_store_get_account_key (KtStore     *self,
                          const char  *username,
                          GError     **error)
{
  g_autoptr(GBytes) plain = NULL;
  GError *local_error = NULL;
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (KT_IS_STORE (self), NULL);
  g_return_val_if_fail (username != NULL, NULL);

  plain = get (self, META_ACCOUNT_KEY, username, &local_error);
  if (plain == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      return NULL;
    }
  data = g_bytes_get_data (plain, &size);
  if (size != KT_KEY_SIZE)
    {
      set_damaged_error (error);
      return NULL;
    }
  return kt_key_new_from_data (data, size);
}

static gboolean
keep_key (KtStore     *self,
          const char  *username,
          const KtKey *secret,
          GBytes      *bundle,
          GError     **error)
{
  g_autoptr(GBytes) key = g_bytes_new_static (kt_key_peek (secret), KT_KEY_SIZE);

  /* The key goes last: a key without its bundle is never kept. */
  return set (self, META_RECOVERY_BUNDLE, username, bundle, error) &&
         set (self, META_ACCOUNT_KEY, username, key, error);
}

gboolean
kt_store_keep_account_key (KtStore     *self,
                           const char  *username,
                           const KtKey *secret,
                           const char  *phrase,
                           GBytes      *bundle,
                           GError     **error)
{
  g_autoptr(GBytes) words = NULL;

  g_return_val_if_fail (KT_IS_STORE (self), FALSE);
  g_return_val_if_fail (username != NULL && secret != NULL && phrase != NULL && bundle != NULL, FALSE);

  words = g_bytes_new_static (phrase, strlen (phrase));
  return set (self, META_RECOVERY_PHRASE, username, words, error) &&
         keep_key (self, username, secret, bundle, error);
}

gboolean
kt_store_restore_account_key (KtStore     *self,
                              const char  *username,
                              const KtKey *secret,
                              GBytes      *bundle,
                              GError     **error)
{
  g_return_val_if_fail (KT_IS_STORE (self), FALSE);
  g_return_val_if_fail (username != NULL && secret != NULL && bundle != NULL, FALSE);

  return set (self, META_RECOVERY_PHRASE, username, NULL, error) &&
         keep_key (self, username, secret, bundle, error);
}

char *
kt_store_get_recovery_phrase (KtStore     *self,
                              const char  *username,
                              GError     **error)
{
  g_autoptr(GBytes) plain = NULL;
  gsize size;
  const char *data;
  char *phrase;

  g_return_val_if_fail (KT_IS_STORE (self), NULL);
  g_return_val_if_fail (username != NULL, NULL);

  plain = get (self, META_RECOVERY_PHRASE, username, error);
  if (plain == NULL)
    return NULL;
  data = g_bytes_get_data (plain, &size);
  phrase = g_malloc (size + 1);
  memcpy (phrase, data, size);
  phrase[size] = '\0';
  return phrase;
}

gboolean
kt_store_forget_recovery_phrase (KtStore     *self,
                                 const char  *username,
                                 GError     **error)
{
  g_return_val_if_fail (KT_IS_STORE (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  return set (self, META_RECOVERY_PHRASE, username, NULL, error);
}

GBytes *
kt_store_get_recovery_bundle (KtStore     *self,
                              const char  *username,
                              GError     **error)
{
  g_return_val_if_fail (KT_IS_STORE (self), NULL);
  g_return_val_if_fail (username != NULL, NULL);

  return get (self, META_RECOVERY_BUNDLE, username, error);
}

GHashTable *
kt_store_get_pinned_keys (KtStore     *self,
                          const char  *username,
                          GError     **error)
{
  g_autoptr(GHashTable) pinned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_bytes_unref);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GVariant) variant = NULL;
  GError *local_error = NULL;
  GVariantIter iter;
  const char *colleague;
  GVariant *key;

  g_return_val_if_fail (KT_IS_STORE (self), NULL);
  g_return_val_if_fail (username != NULL, NULL);

  plain = get (self, META_PINNED_KEYS, username, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (plain == NULL)
    return g_steal_pointer (&pinned);
  /* Written by this device and authenticated, but still read strictly. */
  variant = g_variant_ref_sink (g_variant_new_from_bytes (PINNED_TYPE, plain, FALSE));
  if (!g_variant_is_normal_form (variant))
    {
      set_damaged_error (error);
      return NULL;
    }
  g_variant_iter_init (&iter, variant);
  while (g_variant_iter_next (&iter, "{&s@ay}", &colleague, &key))
    {
      g_autoptr(GVariant) owned = key;

      if (g_variant_get_size (key) == KT_PUBLIC_KEY_SIZE)
        g_hash_table_replace (pinned, g_strdup (colleague),
                              g_bytes_new (g_variant_get_data (key), KT_PUBLIC_KEY_SIZE));
    }
  return g_steal_pointer (&pinned);
}

gboolean
kt_store_set_pinned_keys (KtStore     *self,
                          const char  *username,
                          GHashTable  *pinned,
                          GError     **error)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (PINNED_TYPE);
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GHashTableIter iter;
  gpointer colleague, key;

  g_return_val_if_fail (KT_IS_STORE (self), FALSE);
  g_return_val_if_fail (username != NULL && pinned != NULL, FALSE);

  g_hash_table_iter_init (&iter, pinned);
  while (g_hash_table_iter_next (&iter, &colleague, &key))
    {
      gsize size;
      gconstpointer data = g_bytes_get_data (key, &size);

      g_variant_builder_add (&builder, "{s@ay}", colleague,
                             g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, size, 1));
    }
  variant = g_variant_ref_sink (g_variant_builder_end (&builder));
  bytes = g_variant_get_data_as_bytes (variant);
  return set (self, META_PINNED_KEYS, username, bytes, error);
}
