/* kt-model-private.h: helpers shared by the model's own files only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-types.h"

G_BEGIN_DECLS

/* Stable names of an enum's values, indexed by value. */
const char *kt_enum_to_name   (const char * const *names,
                               guint               n_names,
                               int                 value);
gboolean    kt_enum_from_name (const char * const *names,
                               guint               n_names,
                               const char         *str,
                               int                *value);

/* The translated label of @value from an array of N_() msgids. */
const char *kt_enum_to_label  (const char * const *labels,
                               guint               n_labels,
                               int                 value);

#define KT_ENUM_NAMES(type, lower, names, n) \
  const char * \
  lower##_to_string (type value) \
  { \
    return kt_enum_to_name (names, n, (int) value); \
  } \
  gboolean \
  lower##_from_string (const char *str, \
                       type       *value) \
  { \
    int v; \
    if (!kt_enum_from_name (names, n, str, &v)) \
      return FALSE; \
    *value = (type) v; \
    return TRUE; \
  }

G_END_DECLS
