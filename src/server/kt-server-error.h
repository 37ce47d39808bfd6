/* kt-server-error.h: the error domain of keukentafel-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KT_SERVER_ERROR (kt_server_error_quark ())
GQuark kt_server_error_quark (void);

typedef enum {
  KT_SERVER_ERROR_CONFIG,        /* a bad setting in the config file or on the command line */
  KT_SERVER_ERROR_INSECURE,      /* plain HTTP on an address other than loopback */
  KT_SERVER_ERROR_DATABASE,      /* the database refused or failed */
  KT_SERVER_ERROR_NOT_INITIALISED,
  KT_SERVER_ERROR_EXISTS,
  KT_SERVER_ERROR_NOT_FOUND,
  KT_SERVER_ERROR_INVALID,       /* bad input from a request or an admin command */
  KT_SERVER_ERROR_LOCKED,        /* a push would change a submitted or approved plan */
  KT_SERVER_ERROR_FORBIDDEN,     /* a push sets what only a review sets */
  KT_SERVER_ERROR_UNAVAILABLE,   /* the database does not answer for now (being reconnected) */
} KtServerError;

G_END_DECLS
