/* kt-case-cycle.h: a case after the plan — carrying out, evaluation,
 * closing, follow-up and re-opening
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-case.h"
#include "kt-plan.h"

G_BEGIN_DECLS

/* Defaults of the settings for the period between the plan's agreement
 * and its evaluation (days), and between closing and the follow-up check
 * (months); the app's Preferences change them. */
#define KT_EVALUATION_DAYS   90
#define KT_FOLLOW_UP_MONTHS   3

/* The plan is agreed: the case moves to carrying it out (Uitvoering) and
 * the evaluation date becomes the earliest of the plan's goals, or
 * @today + @evaluation_days when no goal has one.  @today NULL: today. */
void     kt_case_start_support     (KtCase       *kase,
                                    const KtPlan *plan,
                                    int           evaluation_days,
                                    const char   *today);
/* The follow-up date proposed when closing on @today (NULL: today):
 * @follow_up_months later (transfer full). */
char    *kt_case_default_follow_up (const char   *today,
                                    int           follow_up_months);
/* The evaluation conversation has started on @today (NULL: today): phase
 * Evaluatie, due on that day until it is done. */
void     kt_case_start_evaluation  (KtCase       *kase,
                                    const char   *today);
/* The evaluation is done and the work goes on: back to carrying out with
 * @next_evaluation (an ISO date) as the next evaluation. */
gboolean kt_case_continue_support  (KtCase       *kase,
                                    const char   *next_evaluation,
                                    GError      **error);
/* Closes the case with @reason (@note says why; required for "other"),
 * the resident's own @words and a follow-up date and contact.  A
 * household with @safety_flag (in its last conversation or evaluation)
 * cannot be closed without both: KT_MODEL_ERROR_FOLLOW_UP_REQUIRED. */
gboolean kt_case_close             (KtCase        *kase,
                                    KtCloseReason  reason,
                                    const char    *note,
                                    const char    *words,
                                    const char    *follow_up_date,
                                    const char    *follow_up_contact,
                                    gboolean       safety_flag,
                                    const char    *today,
                                    GError       **error);
/* The follow-up check was held on @today: how it goes in @note; @next is
 * another follow-up date or NULL.  The case moves to Nazorg. */
gboolean kt_case_record_follow_up  (KtCase        *kase,
                                    const char    *note,
                                    const char    *next,
                                    const char    *today,
                                    GError       **error);
/* A new question re-opens a closed case as a new request on @today that
 * keeps the household, its people and its earlier records: the story is
 * not told again.  Deadlines follow the two periods in days. */
gboolean kt_case_reopen            (KtCase        *kase,
                                    const char    *question,
                                    const char    *today,
                                    int            conversation_days,
                                    int            own_plan_days,
                                    GError       **error);

/* The earliest decision on a tailored provision of @plan still awaited
 * (kt_plan_decision_due with @term_days per legal basis) becomes the case's
 * decision deadline, or none; TRUE when it changed. */
gboolean kt_case_update_decision_deadline (KtCase       *kase,
                                           const KtPlan *plan,
                                           const int    *term_days);

/* Ticks off @action on @date with a short @note (may be NULL). */
void     kt_action_tick_off        (KtAction     *action,
                                    const char   *date,
                                    const char   *note);

G_END_DECLS
