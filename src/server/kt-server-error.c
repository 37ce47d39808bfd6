/* kt-server-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-server-error.h"

G_DEFINE_QUARK (kt-server-error-quark, kt_server_error)
