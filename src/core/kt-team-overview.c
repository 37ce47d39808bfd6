/* kt-team-overview.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-team-overview"

#include "config.h"

#include "kt-team-overview.h"

#include <string.h>

#include "kt-evaluation.h"

struct _KtTeamOverview
{
  GObject    parent_instance;

  GPtrArray *unassigned;        /* (element-type KtCase) */
  GPtrArray *overdue;           /* (element-type KtCase) */
  GPtrArray *stuck;             /* (element-type KtCase) */
  GPtrArray *evaluations_due;   /* (element-type KtCase) */
  GPtrArray *follow_ups_due;    /* (element-type KtCase) */
  GPtrArray *closed_by_month;   /* (element-type KtClosedMonth) */
  KtWheelMovement movement[KT_N_SEGMENTS];
  GPtrArray *caseloads;         /* (element-type KtCaseload) */
  GPtrArray *domain_counts;     /* (element-type KtDomainCount) */
  guint      max_domain_count;
};

G_DEFINE_FINAL_TYPE (KtTeamOverview, kt_team_overview, G_TYPE_OBJECT)

static void
closed_month_free (KtClosedMonth *month)
{
  g_free (month->month);
  g_free (month);
}

static int
compare_month_newest_first (gconstpointer a,
                            gconstpointer b)
{
  const KtClosedMonth *ma = *(KtClosedMonth * const *) a;
  const KtClosedMonth *mb = *(KtClosedMonth * const *) b;

  return -g_strcmp0 (ma->month, mb->month);
}

/* Closings by month and reason over the year up to @today, and the wheel's
 * movement at each household's latest evaluation: counts only. */
static void
count_outcomes (KtTeamOverview *self,
                GPtrArray      *cases,
                GHashTable     *latest_conversation,
                const GDate    *today)
{
  g_autoptr(GHashTable) months = g_hash_table_new (g_str_hash, g_str_equal);
  char since[16];

  g_snprintf (since, sizeof since, "%04d-%02d", g_date_get_year (today) - 1, g_date_get_month (today));
  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (cases, i);
      KtConversation *conversation = g_hash_table_lookup (latest_conversation, kase->header.id);

      if ((kase->phase == KT_PHASE_CLOSED || kase->phase == KT_PHASE_FOLLOW_UP)
          && kt_date_is_valid (kase->closed_date) && kase->close_reason < KT_N_CLOSE_REASONS)
        {
          g_autofree char *key = g_strndup (kase->closed_date, 7);
          KtClosedMonth *month;

          if (strcmp (key, since) > 0)
            {
              month = g_hash_table_lookup (months, key);
              if (month == NULL)
                {
                  month = g_new0 (KtClosedMonth, 1);
                  month->month = g_steal_pointer (&key);
                  g_hash_table_insert (months, month->month, month);
                  g_ptr_array_add (self->closed_by_month, month);
                }
              month->n_closed++;
              month->by_reason[kase->close_reason]++;
            }
        }

      if (conversation == NULL || !conversation->is_evaluation)
        continue;
      for (int s = 0; s < KT_N_SEGMENTS; s++)
        switch (kt_evaluation_segment_trend (&conversation->wheel[s]))
          {
          case 1:  self->movement[s].up++; break;
          case -1: self->movement[s].down++; break;
          default:
            if (conversation->wheel[s].previous >= 0 && conversation->wheel[s].current >= 0)
              self->movement[s].same++;
            break;
          }
    }
  g_ptr_array_sort (self->closed_by_month, compare_month_newest_first);
}

static void
caseload_free (KtCaseload *caseload)
{
  g_free (caseload->coach);
  g_free (caseload);
}

static void
domain_count_free (KtDomainCount *count)
{
  g_free (count->domain_id);
  g_free (count->name);
  g_free (count);
}

gboolean
kt_case_is_open (const KtCase *kase)
{
  g_return_val_if_fail (kase != NULL, FALSE);

  return !kase->solved_at_desk
         && kase->phase != KT_PHASE_CLOSED
         && kase->phase != KT_PHASE_FOLLOW_UP;
}

gboolean
kt_domain_entry_has_concern (const KtDomainEntry *entry)
{
  g_return_val_if_fail (entry != NULL, FALSE);

  if (entry->state != KT_DOMAIN_DISCUSSED)
    return FALSE;
  return !kt_text_is_blank (entry->concern)
         || entry->safety_flag
         || (entry->level >= KT_LEVEL_MIN && entry->level <= 2);
}

/* Days from @today to @iso_date, or G_MAXINT when the date is unset. */
static int
days_until (const char  *iso_date,
            const GDate *today)
{
  if (!kt_date_is_valid (iso_date))
    return G_MAXINT;
  return kt_date_days_until (iso_date, (GDate *) today);
}

static gboolean
conversation_is_later (const KtConversation *a,
                       const KtConversation *b)
{
  int cmp = g_strcmp0 (a->date, b->date);

  if (cmp != 0)
    return cmp > 0;
  return a->header.updated > b->header.updated;
}

/* case id → its latest conversation, and the set of case ids with a
 * completed first conversation (an evaluation does not count). */
static void
index_conversations (GPtrArray   *conversations,
                     GHashTable **latest_out,
                     GHashTable **held_out)
{
  GHashTable *latest = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *held = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; conversations != NULL && i < conversations->len; i++)
    {
      KtConversation *conversation = g_ptr_array_index (conversations, i);
      KtConversation *known;

      if (conversation->case_id == NULL)
        continue;
      if (conversation->complete && !conversation->is_evaluation)
        g_hash_table_add (held, conversation->case_id);
      known = g_hash_table_lookup (latest, conversation->case_id);
      if (known == NULL || conversation_is_later (conversation, known))
        g_hash_table_insert (latest, conversation->case_id, conversation);
    }
  *latest_out = latest;
  *held_out = held;
}

/* case id → the newest version of its plan. */
static GHashTable *
index_plans (GPtrArray *plans)
{
  GHashTable *latest = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; plans != NULL && i < plans->len; i++)
    {
      KtPlan *plan = g_ptr_array_index (plans, i);
      KtPlan *known;

      if (plan->case_id == NULL)
        continue;
      known = g_hash_table_lookup (latest, plan->case_id);
      if (known == NULL || plan->version > known->version)
        g_hash_table_insert (latest, plan->case_id, plan);
    }
  return latest;
}

/* The earliest evaluation date of a case: its own, or a goal's in its
 * newest plan.  NULL when there is none. */
static const char *
earliest_evaluation (const KtCase *kase,
                     const KtPlan *plan)
{
  const char *earliest = kt_date_is_valid (kase->evaluation_date) ? kase->evaluation_date : NULL;

  for (guint i = 0; plan != NULL && plan->goals != NULL && i < plan->goals->len; i++)
    {
      KtGoal *goal = g_ptr_array_index (plan->goals, i);

      if (goal->status == KT_GOAL_ACHIEVED || goal->status == KT_GOAL_STOPPED)
        continue;
      if (!kt_date_is_valid (goal->evaluation_date))
        continue;
      if (earliest == NULL || g_strcmp0 (goal->evaluation_date, earliest) < 0)
        earliest = goal->evaluation_date;
    }
  return earliest;
}

/* Days from @today to Sunday of its week (ISO weeks start on Monday). */
static int
days_to_week_end (const GDate *today)
{
  return G_DATE_SUNDAY - g_date_get_weekday (today);
}

KtTeamCaseFlags
kt_team_overview_classify_case (const KtCase *kase,
                                gboolean      conversation_held,
                                const KtPlan *latest_plan,
                                const GDate  *today)
{
  KtTeamCaseFlags flags = 0;
  const char *evaluation;

  g_return_val_if_fail (kase != NULL, 0);
  g_return_val_if_fail (today != NULL && g_date_valid (today), 0);

  if (!kt_case_is_open (kase))
    return 0;
  if (kase->coach == NULL || *kase->coach == '\0')
    flags |= KT_TEAM_CASE_UNASSIGNED;
  if (kase->phase <= KT_PHASE_CONVERSATION && !conversation_held
      && days_until (kase->conversation_deadline, today) < 0)
    flags |= KT_TEAM_CASE_OVERDUE;
  evaluation = earliest_evaluation (kase, latest_plan);
  if (evaluation != NULL
      && (kase->phase == KT_PHASE_SUPPORT || kase->phase == KT_PHASE_EVALUATION)
      && days_until (evaluation, today) <= days_to_week_end (today))
    flags |= KT_TEAM_CASE_EVALUATION_DUE;
  return flags;
}

static int
compare_request_date (gconstpointer a,
                      gconstpointer b)
{
  const KtCase *ca = *(KtCase * const *) a;
  const KtCase *cb = *(KtCase * const *) b;

  return g_strcmp0 (ca->request.date, cb->request.date);
}

static int
compare_conversation_deadline (gconstpointer a,
                               gconstpointer b)
{
  const KtCase *ca = *(KtCase * const *) a;
  const KtCase *cb = *(KtCase * const *) b;

  return g_strcmp0 (ca->conversation_deadline, cb->conversation_deadline);
}

static int
compare_stuck_date (gconstpointer a,
                    gconstpointer b)
{
  const KtCase *ca = *(KtCase * const *) a;
  const KtCase *cb = *(KtCase * const *) b;

  return g_strcmp0 (ca->stuck_date, cb->stuck_date);
}

static int
compare_evaluation_date (gconstpointer a,
                         gconstpointer b)
{
  const KtCase *ca = *(KtCase * const *) a;
  const KtCase *cb = *(KtCase * const *) b;

  return g_strcmp0 (ca->evaluation_date, cb->evaluation_date);
}

static int
compare_follow_up_date (gconstpointer a,
                        gconstpointer b)
{
  const KtCase *ca = *(KtCase * const *) a;
  const KtCase *cb = *(KtCase * const *) b;

  return g_strcmp0 (ca->follow_up_date, cb->follow_up_date);
}

static int
compare_caseload (gconstpointer a,
                  gconstpointer b)
{
  const KtCaseload *la = *(KtCaseload * const *) a;
  const KtCaseload *lb = *(KtCaseload * const *) b;

  return g_strcmp0 (la->coach, lb->coach);
}

static KtCaseload *
caseload_for (GPtrArray  *caseloads,
              GHashTable *by_coach,
              const char *coach)
{
  KtCaseload *caseload = g_hash_table_lookup (by_coach, coach);

  if (caseload == NULL)
    {
      caseload = g_new0 (KtCaseload, 1);
      caseload->coach = g_strdup (coach);
      g_ptr_array_add (caseloads, caseload);
      g_hash_table_insert (by_coach, caseload->coach, caseload);
    }
  return caseload;
}

static void
count_domains (KtTeamOverview *self,
               KtCatalogue    *catalogue,
               GPtrArray      *open_cases,
               GHashTable     *latest_conversation)
{
  guint n_domains = kt_catalogue_get_n_domains (catalogue);

  for (guint d = 0; d < n_domains; d++)
    {
      const KtDomain *domain = kt_catalogue_get_domain (catalogue, d);
      KtDomainCount *count = g_new0 (KtDomainCount, 1);

      count->domain_id = g_strdup (domain->id);
      count->name = g_strdup (domain->name);
      for (guint i = 0; i < open_cases->len; i++)
        {
          KtCase *kase = g_ptr_array_index (open_cases, i);
          KtConversation *conversation = g_hash_table_lookup (latest_conversation, kase->header.id);
          KtDomainEntry *entry;

          if (conversation == NULL)
            continue;
          entry = kt_conversation_find_entry (conversation, domain->id);
          if (entry != NULL && kt_domain_entry_has_concern (entry))
            count->n_cases++;
        }
      self->max_domain_count = MAX (self->max_domain_count, count->n_cases);
      g_ptr_array_add (self->domain_counts, count);
    }
}

KtTeamOverview *
kt_team_overview_new (KtCatalogue        *catalogue,
                      GPtrArray          *cases,
                      GPtrArray          *conversations,
                      GPtrArray          *plans,
                      const char * const *coaches,
                      const GDate        *today)
{
  g_autoptr(KtTeamOverview) self = NULL;
  g_autoptr(GHashTable) latest_conversation = NULL;
  g_autoptr(GHashTable) held = NULL;
  g_autoptr(GHashTable) latest_plan = NULL;
  g_autoptr(GHashTable) by_coach = NULL;
  g_autoptr(GPtrArray) open_cases = NULL;
  g_autoptr(GDate) week_end = NULL;
  int to_week_end;

  g_return_val_if_fail (KT_IS_CATALOGUE (catalogue), NULL);
  g_return_val_if_fail (today != NULL && g_date_valid (today), NULL);

  self = g_object_new (KT_TYPE_TEAM_OVERVIEW, NULL);
  index_conversations (conversations, &latest_conversation, &held);
  latest_plan = index_plans (plans);
  by_coach = g_hash_table_new (g_str_hash, g_str_equal);
  open_cases = g_ptr_array_new ();

  to_week_end = days_to_week_end (today);
  week_end = g_date_copy (today);
  g_date_add_days (week_end, to_week_end);

  for (guint i = 0; coaches != NULL && coaches[i] != NULL; i++)
    caseload_for (self->caseloads, by_coach, coaches[i]);

  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (cases, i);
      KtTeamCaseFlags flags;

      /* "Houd een vinger aan de pols": a closed case is still seen when its
       * follow-up check comes. */
      if ((kase->phase == KT_PHASE_CLOSED || kase->phase == KT_PHASE_FOLLOW_UP)
          && kt_date_is_valid (kase->follow_up_date)
          && days_until (kase->follow_up_date, today) <= to_week_end)
        g_ptr_array_add (self->follow_ups_due, kt_case_ref (kase));
      if (!kt_case_is_open (kase))
        continue;
      g_ptr_array_add (open_cases, kase);

      if (kase->stuck)
        g_ptr_array_add (self->stuck, kt_case_ref (kase));
      flags = kt_team_overview_classify_case (kase, g_hash_table_contains (held, kase->header.id),
                                              g_hash_table_lookup (latest_plan, kase->header.id), today);
      if (flags & KT_TEAM_CASE_UNASSIGNED)
        g_ptr_array_add (self->unassigned, kt_case_ref (kase));
      else
        caseload_for (self->caseloads, by_coach, kase->coach)->n_cases++;
      if (flags & KT_TEAM_CASE_OVERDUE)
        g_ptr_array_add (self->overdue, kt_case_ref (kase));
      if (flags & KT_TEAM_CASE_EVALUATION_DUE)
        g_ptr_array_add (self->evaluations_due, kt_case_ref (kase));
    }

  g_ptr_array_sort (self->unassigned, compare_request_date);
  g_ptr_array_sort (self->overdue, compare_conversation_deadline);
  g_ptr_array_sort (self->stuck, compare_stuck_date);
  g_ptr_array_sort (self->evaluations_due, compare_evaluation_date);
  g_ptr_array_sort (self->follow_ups_due, compare_follow_up_date);
  g_ptr_array_sort (self->caseloads, compare_caseload);
  count_domains (self, catalogue, open_cases, latest_conversation);
  count_outcomes (self, cases, latest_conversation, today);

  return g_steal_pointer (&self);
}

GPtrArray *
kt_team_overview_get_unassigned (KtTeamOverview *self)
{
  g_return_val_if_fail (KT_IS_TEAM_OVERVIEW (self), NULL);
  return self->unassigned;
}

GPtrArray *
kt_team_overview_get_stuck (KtTeamOverview *self)
{
  g_return_val_if_fail (KT_IS_TEAM_OVERVIEW (self), NULL);
  return self->stuck;
}

GPtrArray *
kt_team_overview_get_overdue (KtTeamOverview *self)
{
  g_return_val_if_fail (KT_IS_TEAM_OVERVIEW (self), NULL);
  return self->overdue;
}

GPtrArray *
kt_team_overview_get_closed_by_month (KtTeamOverview *self)
{
  g_return_val_if_fail (KT_IS_TEAM_OVERVIEW (self), NULL);
  return self->closed_by_month;
}

const KtWheelMovement *
kt_team_overview_get_wheel_movement (KtTeamOverview *self,
                                     KtSegment       segment)
{
  g_return_val_if_fail (KT_IS_TEAM_OVERVIEW (self), NULL);
  g_return_val_if_fail (segment < KT_N_SEGMENTS, NULL);
  return &self->movement[segment];
}

GPtrArray *
kt_team_overview_get_follow_ups_due (KtTeamOverview *self)
{
  g_return_val_if_fail (KT_IS_TEAM_OVERVIEW (self), NULL);
  return self->follow_ups_due;
}

GPtrArray *
kt_team_overview_get_evaluations_due (KtTeamOverview *self)
{
  g_return_val_if_fail (KT_IS_TEAM_OVERVIEW (self), NULL);
  return self->evaluations_due;
}

GPtrArray *
kt_team_overview_get_caseloads (KtTeamOverview *self)
{
  g_return_val_if_fail (KT_IS_TEAM_OVERVIEW (self), NULL);
  return self->caseloads;
}

GPtrArray *
kt_team_overview_get_domain_counts (KtTeamOverview *self)
{
  g_return_val_if_fail (KT_IS_TEAM_OVERVIEW (self), NULL);
  return self->domain_counts;
}

guint
kt_team_overview_get_max_domain_count (KtTeamOverview *self)
{
  g_return_val_if_fail (KT_IS_TEAM_OVERVIEW (self), 0);
  return self->max_domain_count;
}

static void
kt_team_overview_finalize (GObject *object)
{
  KtTeamOverview *self = KT_TEAM_OVERVIEW (object);

  g_clear_pointer (&self->unassigned, g_ptr_array_unref);
  g_clear_pointer (&self->overdue, g_ptr_array_unref);
  g_clear_pointer (&self->stuck, g_ptr_array_unref);
  g_clear_pointer (&self->evaluations_due, g_ptr_array_unref);
  g_clear_pointer (&self->follow_ups_due, g_ptr_array_unref);
  g_clear_pointer (&self->closed_by_month, g_ptr_array_unref);
  g_clear_pointer (&self->caseloads, g_ptr_array_unref);
  g_clear_pointer (&self->domain_counts, g_ptr_array_unref);

  G_OBJECT_CLASS (kt_team_overview_parent_class)->finalize (object);
}

static void
kt_team_overview_class_init (KtTeamOverviewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_team_overview_finalize;
}

static void
kt_team_overview_init (KtTeamOverview *self)
{
  self->unassigned = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  self->overdue = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  self->stuck = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  self->evaluations_due = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  self->follow_ups_due = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  self->closed_by_month = g_ptr_array_new_with_free_func ((GDestroyNotify) closed_month_free);
  self->caseloads = g_ptr_array_new_with_free_func ((GDestroyNotify) caseload_free);
  self->domain_counts = g_ptr_array_new_with_free_func ((GDestroyNotify) domain_count_free);
}
