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
  g_free (self->intaker);
  g_free (self->phase);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_free (self);
}

void
kt_server_record_append_json (const KtServerRecord *self,
                              GString              *out)
{
  const KtSyncRouting routing = { self->coach, self->intaker, self->review, self->phase, self->due };
  g_autoptr(GString) sealed = NULL;

  if (!self->sealed)
    {
      kt_sync_envelope_append_json (out, self->id, self->kind, self->rev, self->case_id, self->author,
                                    self->team, self->updated, NULL, NULL, self->body,
                                    strlen (self->body));
      return;
    }
  /* the body is kept as the base64 text it came in: written, never decoded */
  sealed = g_string_sized_new (strlen (self->body) + 128 * (self->keys != NULL ? self->keys->len + 1 : 1));
  kt_sync_sealed_append_json (sealed, self->body, self->keys);
  kt_sync_envelope_append_json (out, self->id, self->kind, self->rev, self->case_id, self->author,
                                self->team, self->updated, &routing, sealed->str, NULL, 0);
}
