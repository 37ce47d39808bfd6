/* kt-team-counts.c
 *
 * Each record is remembered by id with the object last seen for it; the
 * views hand over new arrays after every batch, but keep the objects of
 * the records that did not change, so comparing pointers finds what came.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-team-counts"

#include "config.h"

#include "kt-team-counts.h"

#include <string.h>

typedef struct {
  KtCase         *kase;
  KtTeamCaseFlags flags;
  guint           seen;     /* the generation it was last in */
} CaseEntry;

typedef struct {
  KtConversation *conversation;
  guint           seen;
} ConversationEntry;

typedef struct {
  KtPlan *plan;
  guint   seen;
} PlanEntry;

struct _KtTeamCounts
{
  GObject     parent_instance;

  GHashTable *cases;          /* case id → CaseEntry */
  GHashTable *conversations;  /* conversation id → ConversationEntry */
  GHashTable *plans;          /* plan id → PlanEntry */
  GHashTable *held;           /* case id → number of its completed first conversations */
  GHashTable *latest_plan;    /* case id → its plan's newest version (unowned: in plans) */
  GDate       today;
  guint       generation;
  guint       n[3];           /* unassigned, overdue, evaluations due */
};

G_DEFINE_FINAL_TYPE (KtTeamCounts, kt_team_counts, G_TYPE_OBJECT)

static void
case_entry_free (CaseEntry *entry)
{
  kt_case_unref (entry->kase);
  g_free (entry);
}

static void
conversation_entry_free (ConversationEntry *entry)
{
  kt_conversation_unref (entry->conversation);
  g_free (entry);
}

static void
plan_entry_free (PlanEntry *entry)
{
  kt_plan_unref (entry->plan);
  g_free (entry);
}

static gboolean
holds (const KtConversation *conversation)
{
  return conversation->case_id != NULL && conversation->complete && !conversation->is_evaluation;
}

static void
add_flags (KtTeamCounts    *self,
           KtTeamCaseFlags  flags,
           int              sign)
{
  if (flags & KT_TEAM_CASE_UNASSIGNED)
    self->n[0] += sign;
  if (flags & KT_TEAM_CASE_OVERDUE)
    self->n[1] += sign;
  if (flags & KT_TEAM_CASE_EVALUATION_DUE)
    self->n[2] += sign;
}

static void
classify (KtTeamCounts *self,
          CaseEntry    *entry)
{
  const char *id = entry->kase->header.id;

  add_flags (self, entry->flags, -1);
  entry->flags = kt_team_overview_classify_case (entry->kase,
                                                 GPOINTER_TO_UINT (g_hash_table_lookup (self->held, id)) > 0,
                                                 g_hash_table_lookup (self->latest_plan, id), &self->today);
  add_flags (self, entry->flags, +1);
}

static void
forget_all (KtTeamCounts *self)
{
  g_hash_table_remove_all (self->latest_plan);
  g_hash_table_remove_all (self->held);
  g_hash_table_remove_all (self->cases);
  g_hash_table_remove_all (self->conversations);
  g_hash_table_remove_all (self->plans);
  memset (self->n, 0, sizeof self->n);
}

static void
held_change (KtTeamCounts *self,
             const char   *case_id,
             int           delta)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->held, case_id)) + delta;

  if (n == 0)
    g_hash_table_remove (self->held, case_id);
  else
    g_hash_table_replace (self->held, g_strdup (case_id), GUINT_TO_POINTER (n));
}

/* The conversations that are new or changed; the cases they belong to
 * are to be counted again (@dirty: case id → TRUE). */
static gboolean
take_conversations (KtTeamCounts *self,
                    GPtrArray    *conversations,
                    GHashTable   *dirty)
{
  guint n_seen = 0;

  for (guint i = 0; conversations != NULL && i < conversations->len; i++)
    {
      KtConversation *conversation = g_ptr_array_index (conversations, i);
      ConversationEntry *entry = g_hash_table_lookup (self->conversations, conversation->header.id);

      if (entry != NULL && entry->seen == self->generation)
        continue;     /* the same id twice: the first counts */
      n_seen++;
      if (entry != NULL && entry->conversation == conversation)
        {
          entry->seen = self->generation;
          continue;
        }
      if (entry != NULL)
        {
          /* A conversation never moves to another case; a copy that did
           * would be counted again in full below. */
          if (g_strcmp0 (entry->conversation->case_id, conversation->case_id) != 0)
            return FALSE;
          if (holds (entry->conversation))
            held_change (self, entry->conversation->case_id, -1);
          kt_conversation_unref (entry->conversation);
        }
      else
        {
          entry = g_new0 (ConversationEntry, 1);
          g_hash_table_insert (self->conversations, g_strdup (conversation->header.id), entry);
        }
      entry->conversation = kt_conversation_ref (conversation);
      entry->seen = self->generation;
      if (holds (conversation))
        held_change (self, conversation->case_id, +1);
      if (conversation->case_id != NULL)
        g_hash_table_add (dirty, g_strdup (conversation->case_id));
    }
  return n_seen == g_hash_table_size (self->conversations);
}

static gboolean
take_plans (KtTeamCounts *self,
            GPtrArray    *plans,
            GHashTable   *dirty)
{
  guint n_seen = 0;

  for (guint i = 0; plans != NULL && i < plans->len; i++)
    {
      KtPlan *plan = g_ptr_array_index (plans, i);
      PlanEntry *entry = g_hash_table_lookup (self->plans, plan->header.id);
      KtPlan *latest;

      if (entry != NULL && entry->seen == self->generation)
        continue;
      n_seen++;
      if (entry != NULL && entry->plan == plan)
        {
          entry->seen = self->generation;
          continue;
        }
      if (entry != NULL)
        {
          /* Its newest version may be another plan now: counted again in
           * full below. */
          if (g_strcmp0 (entry->plan->case_id, plan->case_id) != 0 || entry->plan->version != plan->version)
            return FALSE;
          if (plan->case_id != NULL && g_hash_table_lookup (self->latest_plan, plan->case_id) == entry->plan)
            g_hash_table_remove (self->latest_plan, plan->case_id);
          kt_plan_unref (entry->plan);
        }
      else
        {
          entry = g_new0 (PlanEntry, 1);
          g_hash_table_insert (self->plans, g_strdup (plan->header.id), entry);
        }
      entry->plan = kt_plan_ref (plan);
      entry->seen = self->generation;
      if (plan->case_id == NULL)
        continue;
      /* The overview keeps the first of the highest version. */
      latest = g_hash_table_lookup (self->latest_plan, plan->case_id);
      if (latest == NULL || plan->version > latest->version)
        g_hash_table_replace (self->latest_plan, g_strdup (plan->case_id), plan);
      g_hash_table_add (dirty, g_strdup (plan->case_id));
    }
  return n_seen == g_hash_table_size (self->plans);
}

static gboolean
take_cases (KtTeamCounts *self,
            GPtrArray    *cases,
            GHashTable   *dirty,
            gboolean      all)
{
  guint n_seen = 0;

  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (cases, i);
      CaseEntry *entry = g_hash_table_lookup (self->cases, kase->header.id);

      if (entry != NULL && entry->seen == self->generation)
        continue;
      n_seen++;
      if (entry == NULL)
        {
          entry = g_new0 (CaseEntry, 1);
          entry->kase = kt_case_ref (kase);
          g_hash_table_insert (self->cases, g_strdup (kase->header.id), entry);
        }
      else if (entry->kase != kase)
        {
          kt_case_unref (entry->kase);
          entry->kase = kt_case_ref (kase);
        }
      else if (!all && !g_hash_table_contains (dirty, kase->header.id))
        {
          entry->seen = self->generation;
          continue;
        }
      entry->seen = self->generation;
      classify (self, entry);
    }
  return n_seen == g_hash_table_size (self->cases);
}

/* Everything again: the first time, after records went away, or on a new
 * day. */
static void
count_all (KtTeamCounts *self,
           GPtrArray    *cases,
           GPtrArray    *conversations,
           GPtrArray    *plans)
{
  g_autoptr(GHashTable) dirty = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  forget_all (self);
  self->generation++;
  take_conversations (self, conversations, dirty);
  take_plans (self, plans, dirty);
  take_cases (self, cases, dirty, TRUE);
}

void
kt_team_counts_set_records (KtTeamCounts *self,
                            GPtrArray    *cases,
                            GPtrArray    *conversations,
                            GPtrArray    *plans,
                            const GDate  *today)
{
  g_autoptr(GHashTable) dirty = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_if_fail (KT_IS_TEAM_COUNTS (self));
  g_return_if_fail (today != NULL && g_date_valid (today));

  if (!g_date_valid (&self->today) || g_date_compare (&self->today, today) != 0)
    {
      self->today = *today;
      count_all (self, cases, conversations, plans);
      return;
    }
  self->generation++;
  /* A record gone, or one that moved: the rest is not worth the care. */
  if (!take_conversations (self, conversations, dirty) || !take_plans (self, plans, dirty) ||
      !take_cases (self, cases, dirty, FALSE))
    count_all (self, cases, conversations, plans);
}

guint
kt_team_counts_get_unassigned (KtTeamCounts *self)
{
  g_return_val_if_fail (KT_IS_TEAM_COUNTS (self), 0);
  return self->n[0];
}

guint
kt_team_counts_get_overdue (KtTeamCounts *self)
{
  g_return_val_if_fail (KT_IS_TEAM_COUNTS (self), 0);
  return self->n[1];
}

guint
kt_team_counts_get_evaluations_due (KtTeamCounts *self)
{
  g_return_val_if_fail (KT_IS_TEAM_COUNTS (self), 0);
  return self->n[2];
}

static void
kt_team_counts_finalize (GObject *object)
{
  KtTeamCounts *self = KT_TEAM_COUNTS (object);

  g_hash_table_unref (self->latest_plan);
  g_hash_table_unref (self->held);
  g_hash_table_unref (self->cases);
  g_hash_table_unref (self->conversations);
  g_hash_table_unref (self->plans);
  G_OBJECT_CLASS (kt_team_counts_parent_class)->finalize (object);
}

static void
kt_team_counts_class_init (KtTeamCountsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_team_counts_finalize;
}

static void
kt_team_counts_init (KtTeamCounts *self)
{
  self->cases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) case_entry_free);
  self->conversations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) conversation_entry_free);
  self->plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) plan_entry_free);
  self->held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->latest_plan = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_date_clear (&self->today, 1);
}

KtTeamCounts *
kt_team_counts_new (void)
{
  return g_object_new (KT_TYPE_TEAM_COUNTS, NULL);
}
