/* kt-case-cycle.c: a case after the plan — carrying out, evaluation,
 * closing, follow-up and re-opening
 *
 * The phases follow the work: Aanmelding → Gesprek → Plan → Uitvoering →
 * Evaluatie → (Uitvoering again, or) Afgesloten → Nazorg, and a new
 * question re-opens the case.  Each step sets the date the next one is
 * due (kt-case-due.h), so the list never shows a finished step's deadline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-case-cycle"

#include "config.h"

#include "kt-case-cycle.h"

#include <string.h>
#include <glib/gi18n-lib.h>

static void
set_str (char      **field,
         const char *value)
{
  g_free (*field);
  *field = kt_text_is_blank (value) ? NULL : g_strstrip (g_strdup (value));
}

void
kt_case_start_support (KtCase       *kase,
                       const KtPlan *plan,
                       int           evaluation_days,
                       const char   *today)
{
  g_autofree char *now = NULL;
  const char *earliest = NULL;

  g_return_if_fail (kase != NULL);

  if (!kt_date_is_valid (today))
    today = now = kt_date_today ();
  for (guint i = 0; plan != NULL && plan->goals != NULL && i < plan->goals->len; i++)
    {
      const KtGoal *goal = g_ptr_array_index (plan->goals, i);

      if (goal->status == KT_GOAL_ACHIEVED || goal->status == KT_GOAL_STOPPED)
        continue;
      if (kt_date_is_valid (goal->evaluation_date) &&
          (earliest == NULL || strcmp (goal->evaluation_date, earliest) < 0))
        earliest = goal->evaluation_date;
    }
  g_free (kase->evaluation_date);
  kase->evaluation_date = earliest != NULL ? g_strdup (earliest)
                                           : kt_date_add_days (today, MAX (evaluation_days, 0));
  kase->phase = KT_PHASE_SUPPORT;
}

char *
kt_case_default_follow_up (const char *today,
                           int         follow_up_months)
{
  g_autofree char *now = NULL;

  if (!kt_date_is_valid (today))
    today = now = kt_date_today ();
  return kt_date_add_months (today, MAX (follow_up_months, 0));
}

void
kt_case_start_evaluation (KtCase     *kase,
                          const char *today)
{
  g_autofree char *now = NULL;

  g_return_if_fail (kase != NULL);

  if (!kt_date_is_valid (today))
    today = now = kt_date_today ();
  /* Held now: the planned date, maybe months ahead, no longer says when. */
  set_str (&kase->evaluation_date, today);
  kase->phase = KT_PHASE_EVALUATION;
}

gboolean
kt_case_continue_support (KtCase      *kase,
                          const char  *next_evaluation,
                          GError     **error)
{
  g_return_val_if_fail (kase != NULL, FALSE);

  if (!kt_date_is_valid (next_evaluation))
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE,
                           _("Choose the date of the next evaluation."));
      return FALSE;
    }
  set_str (&kase->evaluation_date, next_evaluation);
  kase->phase = KT_PHASE_SUPPORT;
  return TRUE;
}

gboolean
kt_case_close (KtCase        *kase,
               KtCloseReason  reason,
               const char    *note,
               const char    *words,
               const char    *follow_up_date,
               const char    *follow_up_contact,
               gboolean       safety_flag,
               const char    *today,
               GError       **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (kase != NULL, FALSE);

  if (reason == KT_CLOSE_NONE || reason >= KT_N_CLOSE_REASONS)
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED,
                           _("Choose why the case is closed."));
      return FALSE;
    }
  if (reason == KT_CLOSE_OTHER && kt_text_is_blank (note))
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED,
                           _("Say in a few words why the case is closed."));
      return FALSE;
    }
  if (follow_up_date != NULL && follow_up_date[0] != '\0' && !kt_date_is_valid (follow_up_date))
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE,
                           _("The follow-up date is not a valid date."));
      return FALSE;
    }
  /* "Gezinnen met blijvende veiligheidsrisico's worden niet losgelaten." */
  if (safety_flag && (!kt_date_is_valid (follow_up_date) || kt_text_is_blank (follow_up_contact)))
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_FOLLOW_UP_REQUIRED,
                           _("This household has a safety concern: it can only be closed with a "
                             "follow-up date and a named contact."));
      return FALSE;
    }

  if (!kt_date_is_valid (today))
    today = now = kt_date_today ();
  kase->close_reason = reason;
  set_str (&kase->close_note, note);
  set_str (&kase->close_words, words);
  set_str (&kase->closed_date, today);
  set_str (&kase->follow_up_date, kt_date_is_valid (follow_up_date) ? follow_up_date : NULL);
  set_str (&kase->follow_up_contact, follow_up_contact);
  g_clear_pointer (&kase->evaluation_date, g_free);
  kase->phase = KT_PHASE_CLOSED;
  return TRUE;
}

gboolean
kt_case_record_follow_up (KtCase      *kase,
                          const char  *note,
                          const char  *next,
                          const char  *today,
                          GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (kase != NULL, FALSE);

  if (kase->phase != KT_PHASE_CLOSED && kase->phase != KT_PHASE_FOLLOW_UP)
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_WRONG_PHASE,
                           _("A follow-up check comes after the case is closed."));
      return FALSE;
    }
  if (next != NULL && next[0] != '\0' && !kt_date_is_valid (next))
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE,
                           _("The follow-up date is not a valid date."));
      return FALSE;
    }
  if (!kt_date_is_valid (today))
    today = now = kt_date_today ();
  set_str (&kase->follow_up_checked, today);
  set_str (&kase->follow_up_note, note);
  set_str (&kase->follow_up_date, kt_date_is_valid (next) ? next : NULL);
  kase->phase = KT_PHASE_FOLLOW_UP;
  return TRUE;
}

gboolean
kt_case_reopen (KtCase      *kase,
                const char  *question,
                const char  *today,
                int          conversation_days,
                int          own_plan_days,
                GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (kase != NULL, FALSE);

  if (kase->phase != KT_PHASE_CLOSED && kase->phase != KT_PHASE_FOLLOW_UP)
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_WRONG_PHASE,
                           _("Only a closed case can be re-opened."));
      return FALSE;
    }
  if (kt_text_is_blank (question))
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE,
                           _("Write down the new question in the resident's words."));
      return FALSE;
    }
  if (!kt_date_is_valid (today))
    today = now = kt_date_today ();

  /* A new request; the household, its members, network, consents and
   * earlier conversations and plans stay as they are. */
  set_str (&kase->request.date, today);
  set_str (&kase->request.question, question);
  kase->request.own_plan_wanted = FALSE;
  kase->close_reason = KT_CLOSE_NONE;
  g_clear_pointer (&kase->close_note, g_free);
  g_clear_pointer (&kase->close_words, g_free);
  g_clear_pointer (&kase->closed_date, g_free);
  g_clear_pointer (&kase->follow_up_date, g_free);
  g_clear_pointer (&kase->evaluation_date, g_free);
  kase->reopened++;
  kt_case_compute_deadlines (kase, conversation_days, own_plan_days);
  /* The coach who knows the household goes on with it. */
  kase->phase = kase->coach != NULL ? KT_PHASE_CONVERSATION : KT_PHASE_REGISTERED;
  return TRUE;
}

void
kt_action_tick_off (KtAction   *action,
                    const char *date,
                    const char *note)
{
  g_autofree char *now = NULL;

  g_return_if_fail (action != NULL);

  if (!kt_date_is_valid (date))
    date = now = kt_date_today ();
  action->done = TRUE;
  set_str (&action->done_date, date);
  set_str (&action->done_note, note);
}

gboolean
kt_case_update_decision_deadline (KtCase       *kase,
                                  const KtPlan *plan,
                                  const int    *term_days)
{
  g_autofree char *due = NULL;

  g_return_val_if_fail (kase != NULL, FALSE);
  g_return_val_if_fail (term_days != NULL, FALSE);

  if (plan != NULL)
    due = kt_plan_decision_due (plan, term_days);
  if (g_strcmp0 (due, kase->decision_deadline) == 0)
    return FALSE;
  g_free (kase->decision_deadline);
  kase->decision_deadline = g_steal_pointer (&due);
  return TRUE;
}
