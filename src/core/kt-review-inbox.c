/* kt-review-inbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-review-inbox"

#include "config.h"

#include "kt-review-inbox.h"

void
kt_review_inbox_entry_free (KtReviewInboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_pointer (&entry->plan, kt_plan_unref);
  g_clear_pointer (&entry->kase, kt_case_unref);
  g_free (entry);
}

void
kt_review_inbox_filter_init_default (KtReviewInboxFilter *filter)
{
  g_return_if_fail (filter != NULL);

  *filter = (KtReviewInboxFilter) {
    .coach = NULL,
    .any_state = FALSE,
    .state = KT_REVIEW_SUBMITTED,
    .deadline = KT_REVIEW_INBOX_DEADLINE_ANY,
  };
}

static const char *
entry_coach (const KtPlan *plan,
             const KtCase *kase)
{
  if (kase != NULL && kase->coach != NULL && *kase->coach != '\0')
    return kase->coach;
  return plan->author;
}

/* Days from @today to the day of @seconds plus @days. */
static int
days_until_after (gint64       seconds,
                  int          days,
                  const GDate *today)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (seconds);
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (at),
                  g_date_time_get_month (at), g_date_time_get_year (at));
  g_date_add_days (&date, days);
  return g_date_days_between (today, &date);
}

static KtReviewInboxEntry *
entry_new (KtPlan      *plan,
           KtCase      *kase,
           const GDate *today,
           int          review_days)
{
  KtReviewInboxEntry *entry = g_new0 (KtReviewInboxEntry, 1);
  const char *deadline = kase != NULL ? kt_case_next_deadline (kase) : NULL;

  entry->plan = kt_plan_ref (plan);
  entry->kase = kase != NULL ? kt_case_ref (kase) : NULL;
  entry->days_left = G_MAXINT;

  if (plan->review == KT_REVIEW_SUBMITTED && plan->submitted_at > 0)
    {
      entry->days_waiting = -days_until_after (plan->submitted_at, 0, today);
      entry->days_left = days_until_after (plan->submitted_at, review_days, today);
    }
  if (kt_date_is_valid (deadline))
    entry->days_left = MIN (entry->days_left, kt_date_days_until (deadline, (GDate *) today));
  entry->overdue = entry->days_left < 0;
  return entry;
}

static gboolean
entry_matches (const KtReviewInboxEntry  *entry,
               const KtReviewInboxFilter *filter)
{
  if (filter->coach != NULL
      && g_strcmp0 (filter->coach, entry_coach (entry->plan, entry->kase)) != 0)
    return FALSE;
  if (!filter->any_state && entry->plan->review != filter->state)
    return FALSE;
  switch (filter->deadline)
    {
    case KT_REVIEW_INBOX_DEADLINE_OVERDUE:
      return entry->overdue;
    case KT_REVIEW_INBOX_DEADLINE_THIS_WEEK:
      return entry->days_left < 7;
    case KT_REVIEW_INBOX_DEADLINE_ANY:
    case KT_N_REVIEW_INBOX_DEADLINES:
    default:
      return TRUE;
    }
}

/* Overdue first, then the newest submission, then the household name so
 * that the order is stable. */
static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const KtReviewInboxEntry *ea = *(KtReviewInboxEntry * const *) a;
  const KtReviewInboxEntry *eb = *(KtReviewInboxEntry * const *) b;

  if (ea->overdue != eb->overdue)
    return ea->overdue ? -1 : 1;
  if (ea->plan->submitted_at != eb->plan->submitted_at)
    return ea->plan->submitted_at > eb->plan->submitted_at ? -1 : 1;
  return g_strcmp0 (ea->kase != NULL ? ea->kase->household : NULL,
                    eb->kase != NULL ? eb->kase->household : NULL);
}

/* case id → the newest version of its plan. */
static GHashTable *
newest_plans (GPtrArray *plans)
{
  GHashTable *newest = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; plans != NULL && i < plans->len; i++)
    {
      KtPlan *plan = g_ptr_array_index (plans, i);
      KtPlan *known;

      if (plan->case_id == NULL)
        continue;
      known = g_hash_table_lookup (newest, plan->case_id);
      if (known == NULL || plan->version > known->version)
        g_hash_table_insert (newest, plan->case_id, plan);
    }
  return newest;
}

GPtrArray *
kt_review_inbox_build (GPtrArray                 *plans,
                       GPtrArray                 *cases,
                       const KtReviewInboxFilter *filter,
                       const GDate               *today,
                       int                        review_days)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) newest = NULL;
  KtReviewInboxFilter all = { .any_state = TRUE };
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (today != NULL && g_date_valid (today), NULL);

  if (filter == NULL)
    filter = &all;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_review_inbox_entry_free);
  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (cases, i);

      g_hash_table_insert (by_id, kase->header.id, kase);
    }

  newest = newest_plans (plans);
  g_hash_table_iter_init (&iter, newest);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      KtPlan *plan = value;
      g_autoptr(KtReviewInboxEntry) entry = NULL;

      entry = entry_new (plan, g_hash_table_lookup (by_id, plan->case_id), today, review_days);
      if (entry_matches (entry, filter))
        g_ptr_array_add (entries, g_steal_pointer (&entry));
    }
  g_ptr_array_sort (entries, compare_entries);
  return g_steal_pointer (&entries);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

GStrv
kt_review_inbox_list_coaches (GPtrArray *plans)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; plans != NULL && i < plans->len; i++)
    {
      KtPlan *plan = g_ptr_array_index (plans, i);

      if (plan->author != NULL && g_hash_table_add (seen, plan->author))
        g_ptr_array_add (names, plan->author);
    }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (names, i));
  return g_strv_builder_end (builder);
}
