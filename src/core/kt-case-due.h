/* kt-case-due.h: the next thing due on a case, and its date in words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-case.h"

G_BEGIN_DECLS

/* What is due next; each phase has its own. */
typedef enum {
  KT_DUE_NONE,                  /* nothing: closed without follow-up */
  KT_DUE_CONVERSATION,          /* the conversation, within the term after the request */
  KT_DUE_OWN_PLAN,              /* the resident's own plan, while its term runs */
  KT_DUE_PLAN,                  /* the plan, within the same term as the conversation */
  KT_DUE_EVALUATION,            /* the evaluation with the household */
  KT_DUE_FOLLOW_UP,             /* the follow-up check after closing */
  KT_DUE_DECISION,              /* the municipality's decision on a maatwerk request */
  KT_N_DUE_KINDS
} KtDueKind;

/* Days within which an urgent request and one "within days" get their
 * conversation; a normal request gets the term from the settings. */
#define KT_URGENT_DAYS 0
#define KT_SOON_DAYS   7

/* Default days for the municipality's decision after a maatwerk request,
 * per legal basis (the app's settings may change them).  Wmo 2015 art.
 * 2.3.5 lid 1: two weeks after the request.  The Jeugdwet and the
 * Participatiewet set no term of their own here, so the general one of the
 * Awb (art. 4:13 lid 2: eight weeks) is the default; a municipality's own
 * regulation or an extension (Awb art. 4:14) may differ. */
#define KT_DECISION_DAYS_WMO             14
#define KT_DECISION_DAYS_JEUGDWET        56
#define KT_DECISION_DAYS_PARTICIPATIEWET 56

typedef struct {
  KtDueKind   kind;
  const char *date;             /* borrowed from the case; NULL when not set */
} KtDue;

/* The next thing due on @kase on @today (ISO date; NULL for today): never
 * the deadline of a step already done. */
KtDue       kt_case_next_due       (const KtCase *kase,
                                    const char   *today);
/* "Evaluatie over 12 dagen", "Eigen plan: nog 3 dagen", "Nazorg-check 3 maart"
 * (transfer full), or NULL when nothing is due.  @overdue is set when a
 * term has passed (only the terms after a request can be late; an
 * evaluation or follow-up date that has come is "due now"). */
char       *kt_due_describe        (KtDueKind     kind,
                                    const char   *date,
                                    const char   *today,
                                    gboolean     *overdue);
/* Whether the text of @kind already names @phase ("Gesprek: nog 3 dagen"
 * in the conversation phase), so that a title need not say the phase again. */
gboolean    kt_due_kind_names_phase (KtDueKind     kind,
                                     KtPhase       phase);
/* Order for the case list: the earliest date first, cases without one last. */
int         kt_due_compare_dates   (const char   *a,
                                    const char   *b);

const char *kt_due_kind_to_string   (KtDueKind kind);    /* stable id: "evaluation" */
gboolean    kt_due_kind_from_string (const char *str, KtDueKind *kind);

G_END_DECLS
