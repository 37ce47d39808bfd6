/* kt-sync-client-private.h: what only the sync modules may see
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsecret/secret.h>

G_BEGIN_DECLS

/* The Secret Service entry that holds the sign-in token, keyed by server,
 * username and device (the client's state path).  One definition, so every
 * module that reads the token finds the entry the sync client wrote. */
const SecretSchema *kt_sync_token_get_schema (void);

G_END_DECLS
