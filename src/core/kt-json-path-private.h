/* kt-json-path-private.h: the JSON path that decoder errors name
 *
 * The codec and the catalogue loader both walk JSON and name the place of
 * a problem as "members[2].birth_year".  Each push returns a mark that pop
 * takes back, so nested readers unwind the path exactly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

static inline gsize
kt_json_path_push_key (GString    *path,
                       const char *key)
{
  gsize mark = path->len;

  if (mark > 0)
    g_string_append_c (path, '.');
  g_string_append (path, key);
  return mark;
}

static inline gsize
kt_json_path_push_index (GString *path,
                         guint    index)
{
  gsize mark = path->len;

  g_string_append_printf (path, "[%u]", index);
  return mark;
}

static inline void
kt_json_path_pop (GString *path,
                  gsize    mark)
{
  g_string_truncate (path, mark);
}

G_END_DECLS
