/* kt-role-controller-private.h: what the tests may reach inside
 * KtRoleController
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-role-controller.h"
#include "kt-role-client.h"

G_BEGIN_DECLS

/* The role client the controller sends through. */
KtRoleClient *kt_role_controller_get_roles (KtRoleController *self);

G_END_DECLS
