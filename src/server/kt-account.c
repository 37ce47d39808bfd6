/* kt-account.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-account.h"

#include <string.h>
#include <sodium.h>

static const char * const role_names[KT_N_ROLES] = {
  [KT_ROLE_COACH] = "wijkcoach",
  [KT_ROLE_INTAKER] = "intaker",
  [KT_ROLE_SUPERVISOR] = "supervisor",
  [KT_ROLE_ADMIN] = "admin",
};

KtAccount *
kt_account_new (void)
{
  return g_new0 (KtAccount, 1);
}

void
kt_account_free (KtAccount *self)
{
  if (self == NULL)
    return;
  g_free (self->username);
  g_free (self->display_name);
  g_free (self->team);
  if (self->password_hash != NULL)
    {
      sodium_memzero (self->password_hash, strlen (self->password_hash));
      g_free (self->password_hash);
    }
  g_free (self);
}

const char *
kt_role_to_string (KtRole role)
{
  g_return_val_if_fail (role < KT_N_ROLES, NULL);
  return role_names[role];
}

gboolean
kt_role_from_string (const char *str,
                     KtRole     *role)
{
  for (guint i = 0; i < KT_N_ROLES; i++)
    {
      if (g_strcmp0 (str, role_names[i]) == 0)
        {
          *role = i;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
fast_hash_requested (void)
{
  return g_strcmp0 (g_getenv ("KT_SERVER_INSECURE_FAST_HASH"), "1") == 0;
}

char *
kt_password_hash (const char *password)
{
  char out[crypto_pwhash_STRBYTES];
  gboolean fast = fast_hash_requested ();
  unsigned long long ops = fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  char *result;

  if (crypto_pwhash_str (out, password, strlen (password), ops, mem) != 0)
    return NULL;
  result = g_strdup (out);
  sodium_memzero (out, sizeof out);
  return result;
}

gboolean
kt_password_verify (const char *hash,
                    const char *password)
{
  if (hash == NULL || password == NULL)
    return FALSE;
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

char *
kt_token_new (void)
{
  guchar raw[32];
  char out[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (raw, sizeof raw);
  sodium_bin2base64 (out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (raw, sizeof raw);
  return g_strdup (out);
}

char *
kt_token_digest (const char *token)
{
  guchar digest[crypto_hash_sha256_BYTES];
  char hex[crypto_hash_sha256_BYTES * 2 + 1];

  crypto_hash_sha256 (digest, (const guchar *) token, strlen (token));
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
  return g_strdup (hex);
}
