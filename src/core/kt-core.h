/* kt-core.h: the whole of libkeukentafel-core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-types.h"
#include "kt-date-format.h"
#include "kt-case.h"
#include "kt-case-due.h"
#include "kt-case-cycle.h"
#include "kt-conversation.h"
#include "kt-plan.h"
#include "kt-codec.h"
#include "kt-json-reader.h"
#include "kt-catalogue.h"

G_BEGIN_DECLS

/* Sets up gettext and libsodium once; every program calls it first.
 * Returns FALSE when libsodium cannot start (no safe randomness). */
gboolean kt_core_init (void);

G_END_DECLS
