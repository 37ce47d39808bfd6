/* kt-case-due.c: the next thing due on a case, and its date in words
 *
 * Each phase has its own next date: the conversation term (or the
 * resident's own plan while its term runs) before the conversation, the
 * same term for the plan, then the evaluation date while the plan is
 * carried out, then the follow-up check after closing.  Once a step is
 * done its deadline is never shown again, so a case whose plan is being
 * carried out is not "te laat" six weeks after the request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-case-due"

#include "config.h"

#include "kt-case-due.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kt-date-format.h"
#include "kt-model-private.h"

static const char * const due_kind_names[KT_N_DUE_KINDS] = {
  "none", "conversation", "own_plan", "plan", "evaluation", "follow_up", "decision",
};
KT_ENUM_NAMES (KtDueKind, kt_due_kind, due_kind_names, KT_N_DUE_KINDS)

static const char *
valid_or_null (const char *date)
{
  return kt_date_is_valid (date) ? date : NULL;
}

/* A maatwerk decision awaited comes first when it is due before the
 * phase's own next date. */
static KtDue
before_decision (const KtCase *kase,
                 KtDue         due)
{
  if (kt_date_is_valid (kase->decision_deadline) &&
      (due.date == NULL || strcmp (kase->decision_deadline, due.date) <= 0))
    return (KtDue) { KT_DUE_DECISION, kase->decision_deadline };
  return due;
}

KtDue
kt_case_next_due (const KtCase *kase,
                  const char   *today)
{
  g_autofree char *now = NULL;
  KtDue due = { KT_DUE_NONE, NULL };

  g_return_val_if_fail (kase != NULL, due);

  if (today == NULL)
    today = now = kt_date_today ();

  switch (kase->phase)
    {
    case KT_PHASE_REGISTERED:
    case KT_PHASE_CONVERSATION:
      /* The resident's own plan counts while its term still runs and ends
       * before the conversation term; after that the conversation is due. */
      if (kase->request.own_plan_wanted && kt_date_is_valid (kase->own_plan_deadline) &&
          strcmp (kase->own_plan_deadline, today) >= 0 &&
          (!kt_date_is_valid (kase->conversation_deadline) ||
           strcmp (kase->own_plan_deadline, kase->conversation_deadline) <= 0))
        return (KtDue) { KT_DUE_OWN_PLAN, kase->own_plan_deadline };
      return (KtDue) { KT_DUE_CONVERSATION, valid_or_null (kase->conversation_deadline) };

    case KT_PHASE_PLAN:
      /* The plan belongs to the same term as the conversation. */
      return before_decision (kase, (KtDue) { KT_DUE_PLAN, valid_or_null (kase->conversation_deadline) });

    case KT_PHASE_SUPPORT:
    case KT_PHASE_EVALUATION:
      return before_decision (kase, (KtDue) { KT_DUE_EVALUATION, valid_or_null (kase->evaluation_date) });

    case KT_PHASE_CLOSED:
    case KT_PHASE_FOLLOW_UP:
      if (kt_date_is_valid (kase->follow_up_date))
        return (KtDue) { KT_DUE_FOLLOW_UP, kase->follow_up_date };
      return due;

    case KT_N_PHASES:
    default:
      return due;
    }
}

static int
days_until (const char *date,
            const char *today)
{
  GDate day;

  g_date_clear (&day, 1);
  /* @today is a valid ISO date here (checked by the caller); the numbers
   * are read by hand because g_date_set_parse follows the C locale. */
  g_date_set_dmy (&day, g_ascii_strtoll (today + 8, NULL, 10), g_ascii_strtoll (today + 5, NULL, 10),
                  g_ascii_strtoll (today, NULL, 10));
  return kt_date_days_until (date, &day);
}

/* A term after the request: "Gesprek: nog 3 dagen", "… vandaag", "… 2 dagen te laat". */
static char *
describe_term (KtDueKind  kind,
               int        days,
               gboolean  *overdue)
{
  if (days > 0)
    switch (kind)
      {
      case KT_DUE_OWN_PLAN:
        return g_strdup_printf (ngettext ("Own plan: %d day left", "Own plan: %d days left", days), days);
      case KT_DUE_PLAN:
        return g_strdup_printf (ngettext ("Plan: %d day left", "Plan: %d days left", days), days);
      case KT_DUE_DECISION:
        return g_strdup_printf (ngettext ("Tailored support decision: %d day left",
                                          "Tailored support decision: %d days left", days), days);
      default:
        return g_strdup_printf (ngettext ("Conversation: %d day left", "Conversation: %d days left", days),
                                days);
      }
  if (days == 0)
    switch (kind)
      {
      case KT_DUE_OWN_PLAN: return g_strdup (_("Own plan: due today"));
      case KT_DUE_PLAN:     return g_strdup (_("Plan: due today"));
      case KT_DUE_DECISION: return g_strdup (_("Tailored support decision: due today"));
      default:              return g_strdup (_("Conversation: due today"));
      }

  *overdue = TRUE;
  days = -days;
  if (kind == KT_DUE_PLAN)
    return g_strdup_printf (ngettext ("Plan: %d day late", "Plan: %d days late", days), days);
  if (kind == KT_DUE_DECISION)
    return g_strdup_printf (ngettext ("Tailored support decision: %d day late",
                                      "Tailored support decision: %d days late", days), days);
  return g_strdup_printf (ngettext ("Conversation: %d day late", "Conversation: %d days late", days), days);
}

/* "3 maart", with the year only when it is not this year's. */
static char *
describe_day (const char *date,
              const char *today)
{
  if (strncmp (date, today, 4) == 0)
    return kt_format_date (date, KT_DATE_DAY_MONTH);
  return kt_format_date (date, KT_DATE_LONG);
}

char *
kt_due_describe (KtDueKind   kind,
                 const char *date,
                 const char *today,
                 gboolean   *overdue)
{
  g_autofree char *now = NULL;
  gboolean late = FALSE;
  char *text = NULL;
  int days;

  if (!kt_date_is_valid (today))
    today = now = kt_date_today ();

  if (kind == KT_DUE_NONE || kind >= KT_N_DUE_KINDS)
    ;
  else if (!kt_date_is_valid (date))
    {
      if (kind == KT_DUE_EVALUATION)
        text = g_strdup (_("Evaluation: no date yet"));
      else if (kind == KT_DUE_FOLLOW_UP)
        text = g_strdup (_("Follow-up: no date yet"));
    }
  else
    {
      days = days_until (date, today);
      switch (kind)
        {
        case KT_DUE_CONVERSATION:
        case KT_DUE_OWN_PLAN:
        case KT_DUE_PLAN:
        case KT_DUE_DECISION:
          text = describe_term (kind, days, &late);
          break;

        case KT_DUE_EVALUATION:
          /* A date agreed with the household, not a legal term: when it has
           * come the evaluation is due, not late. */
          if (days > 0)
            text = g_strdup_printf (ngettext ("Evaluation in %d day", "Evaluation in %d days", days), days);
          else if (days == 0)
            text = g_strdup (_("Evaluation today"));
          else
            text = g_strdup (_("Evaluation: due now"));
          break;

        case KT_DUE_FOLLOW_UP:
          if (days > 0)
            {
              g_autofree char *day = describe_day (date, today);

              /* Translators: %s is a date, "3 maart". */
              text = g_strdup_printf (_("Follow-up check %s"), day);
            }
          else if (days == 0)
            text = g_strdup (_("Follow-up check today"));
          else
            text = g_strdup (_("Follow-up check: due now"));
          break;

        case KT_DUE_NONE:
        case KT_N_DUE_KINDS:
        default:
          break;
        }
    }
  if (overdue != NULL)
    *overdue = late;
  return text;
}

gboolean
kt_due_kind_names_phase (KtDueKind kind,
                         KtPhase   phase)
{
  switch (kind)
    {
    case KT_DUE_CONVERSATION:
      return phase == KT_PHASE_CONVERSATION;
    case KT_DUE_PLAN:
      return phase == KT_PHASE_PLAN;
    case KT_DUE_EVALUATION:
      return phase == KT_PHASE_EVALUATION;
    case KT_DUE_FOLLOW_UP:
      return phase == KT_PHASE_FOLLOW_UP;
    case KT_DUE_NONE:
    case KT_DUE_OWN_PLAN:
    case KT_DUE_DECISION:
    case KT_N_DUE_KINDS:
    default:
      return FALSE;
    }
}

int
kt_due_compare_dates (const char *a,
                      const char *b)
{
  gboolean has_a = kt_date_is_valid (a);
  gboolean has_b = kt_date_is_valid (b);

  if (has_a != has_b)
    return has_a ? -1 : 1;
  if (!has_a)
    return 0;
  /* ISO dates sort as strings. */
  return strcmp (a, b);
}
