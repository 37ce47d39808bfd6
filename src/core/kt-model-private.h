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

#define KT_N_HELPER_BITS  4
#define KT_N_PRESENT_BITS 6

/* The stable names of every enum of the model, indexed by value; bit sets
 * (helpers, present) by bit position. */
extern const char * const kt_phase_names[];
extern const char * const kt_channel_names[];
extern const char * const kt_close_reason_names[];
extern const char * const kt_urgency_names[];
extern const char * const kt_consent_status_names[];
extern const char * const kt_consent_event_names[];
extern const char * const kt_form_names[];
extern const char * const kt_network_kind_names[];
extern const char * const kt_segment_names[];
extern const char * const kt_ring_names[];
extern const char * const kt_domain_state_names[];
extern const char * const kt_helper_names[];
extern const char * const kt_present_names[];
extern const char * const kt_review_names[];
extern const char * const kt_actor_names[];
extern const char * const kt_goal_status_names[];
extern const char * const kt_agreement_names[];
extern const char * const kt_legal_basis_names[];
extern const char * const kt_decision_names[];
extern const char * const kt_delivery_names[];

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
