/* kt-server-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-server-record.h"

#include <string.h>

#include "kt-sync-protocol.h"

KtServerRecord *
kt_server_record_new (void)
{
  return g_new0 (KtServerRecord, 1);
}

void
kt_server_record_free (KtServerRecord *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->case_id);
  g_free (self->author);
  g_free (self->team);
  g_free (self->coach);
  g_free (self->review);
  g_free (self->body);
  g_free (self);
}

void
kt_server_record_append_json (const KtServerRecord *self,
                              GString              *out)
{
  kt_sync_envelope_append_json (out, self->id, self->kind, self->rev, self->case_id, self->author,
                                self->team, self->updated, NULL, NULL, self->body,
                                strlen (self->body));
}
