/* kt-supervisor-inbox-private.h: what the tests may reach inside KtSupervisorInbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-supervisor-inbox.h"

G_BEGIN_DECLS

/* Rows made per frame while the inbox fills (kt-supervisor-inbox.c). */
#define KT_SUPERVISOR_INBOX_ROW_SLICE 8

GtkListBox *kt_supervisor_inbox_get_list          (KtSupervisorInbox *self);
GtkLabel   *kt_supervisor_inbox_get_summary_label (KtSupervisorInbox *self);

G_END_DECLS
