/* kt-server-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-server-record.h"

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
kt_json_append_string (GString    *out,
                       const char *str)
{
  if (str == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) str; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

void
kt_server_record_append_json (const KtServerRecord *self,
                              GString              *out)
{
  g_string_append (out, "{\"id\":");
  kt_json_append_string (out, self->id);
  g_string_append (out, ",\"kind\":");
  kt_json_append_string (out, kt_kind_to_string (self->kind));
  g_string_append_printf (out, ",\"rev\":%" G_GINT64_FORMAT ",\"case_id\":", self->rev);
  kt_json_append_string (out, self->case_id);
  g_string_append (out, ",\"author\":");
  kt_json_append_string (out, self->author);
  g_string_append (out, ",\"team\":");
  kt_json_append_string (out, self->team);
  g_string_append_printf (out, ",\"updated\":%" G_GINT64_FORMAT ",\"body\":", self->updated);
  g_string_append (out, self->body);
  g_string_append_c (out, '}');
}
