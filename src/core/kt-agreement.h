/* kt-agreement.h: the resident's agreement, on a plan or an evaluation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-types.h"
#include "kt-case.h"   /* KtForm */

G_BEGIN_DECLS

typedef enum {
  KT_AGREEMENT_NONE,            /* not yet asked */
  KT_AGREEMENT_AGREED,
  KT_AGREEMENT_PARTLY,
  KT_AGREEMENT_NOT,
  KT_N_AGREEMENTS
} KtAgreementState;

/* One stroke of a drawn signature: x,y pairs normalised to 0..1. */
typedef struct {
  GArray *points;               /* (element-type double) x0,y0,x1,y1,… */
} KtStroke;

/* The same agreement serves the plan and the evaluation: asked the same
 * way, kept the same way, shown by the same widget. */
typedef struct {
  KtAgreementState  state;
  char             *date;
  char             *remarks;    /* in the resident's own words */
  KtForm            form;       /* spoken or signed (written) */
  GPtrArray        *signature;  /* (element-type KtStroke), empty when none */
} KtAgreement;

KtStroke   *kt_stroke_new   (void);
void        kt_stroke_free  (KtStroke *stroke);

/* Not yet asked, spoken, no signature. */
void        kt_agreement_init  (KtAgreement       *agreement);
void        kt_agreement_clear (KtAgreement       *agreement);
/* @dest (initialised) becomes a deep copy of @src. */
void        kt_agreement_copy  (KtAgreement       *dest,
                                const KtAgreement *src);

const char *kt_agreement_state_to_string (KtAgreementState state); /* "none" */
gboolean    kt_agreement_state_from_string (const char *str, KtAgreementState *state);
const char *kt_agreement_state_get_label (KtAgreementState state); /* translated */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtStroke, kt_stroke_free)

G_END_DECLS
