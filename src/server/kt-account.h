/* kt-account.h: KtAccount, a person who signs in, with role and team
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  KT_ROLE_COACH,          /* "wijkcoach" */
  KT_ROLE_INTAKER,
  KT_ROLE_SUPERVISOR,
  KT_ROLE_ADMIN,
  KT_N_ROLES
} KtRole;

typedef struct {
  char    *username;
  char    *display_name;
  KtRole   role;
  char    *team;
  char    *password_hash;   /* Argon2id string as crypto_pwhash_str writes it */
  gboolean disabled;
  gint64   created;
} KtAccount;

KtAccount  *kt_account_new  (void);
void        kt_account_free (KtAccount *self);

const char *kt_role_to_string   (KtRole role);
gboolean    kt_role_from_string (const char *str,
                                 KtRole     *role);

/* Argon2id hash of @password (transfer full), or NULL when out of memory.
 * With KT_SERVER_INSECURE_FAST_HASH=1 in the environment the cheapest
 * parameters are used: for the test suites only, never in production. */
char       *kt_password_hash   (const char *password);
gboolean    kt_password_verify (const char *hash,
                                const char *password);

/* A new bearer token, 32 random bytes in unpadded base64url (transfer full). */
char       *kt_token_new       (void);
/* The hex SHA-256 of @token, as stored in the database (transfer full). */
char       *kt_token_digest    (const char *token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtAccount, kt_account_free)

G_END_DECLS
