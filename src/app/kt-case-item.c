/* kt-case-item.c: KtCaseItem, one row of the case list as a GObject
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-case-item"

#include "config.h"

#include "kt-case-item.h"
#include "kt-app-util.h"

#include <glib/gi18n.h>

struct _KtCaseItem
{
  GObject   parent_instance;

  char     *id;
  char     *household;
  KtPhase   phase;
  char     *deadline;
  KtDueKind due;
  gboolean  safety;
  KtShareState share_state;
  char     *share_reason;
  int       plan_version;       /* 0: no plan seen */
  KtReviewState plan_review;
  char     *plan_id;            /* that version's record */
  KtShareState plan_share_state;
};

G_DEFINE_FINAL_TYPE (KtCaseItem, kt_case_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HOUSEHOLD,
  PROP_SHARE_STATE,
  PROP_STAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kt_case_item_finalize (GObject *object)
{
  KtCaseItem *self = KT_CASE_ITEM (object);

  g_free (self->id);
  g_free (self->household);
  g_free (self->deadline);
  g_free (self->share_reason);
  g_free (self->plan_id);
  G_OBJECT_CLASS (kt_case_item_parent_class)->finalize (object);
}

static void
kt_case_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  KtCaseItem *self = KT_CASE_ITEM (object);

  switch (prop_id)
    {
    case PROP_HOUSEHOLD:
      g_value_set_string (value, self->household);
      break;
    case PROP_SHARE_STATE:
      g_value_set_int (value, self->share_state);
      break;
    case PROP_STAGE:
      g_value_take_string (value, kt_case_item_describe_stage (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_case_item_class_init (KtCaseItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kt_case_item_finalize;
  object_class->get_property = kt_case_item_get_property;

  /* The search filter matches on this property. */
  properties[PROP_HOUSEHOLD] =
    g_param_spec_string ("household", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHARE_STATE] =
    g_param_spec_int ("share-state", NULL, NULL, KT_SHARE_LOCAL, KT_SHARE_REFUSED, KT_SHARE_LOCAL,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Where the household is in its cycle, in words; notifies when the
   * phase or the plan's review changes. */
  properties[PROP_STAGE] =
    g_param_spec_string ("stage", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kt_case_item_init (KtCaseItem *self)
{
}

static void
replace_str (char       **field,
             const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

KtCaseItem *
kt_case_item_new_from_summary (const KtCaseSummary *summary)
{
  KtCaseItem *self = g_object_new (KT_TYPE_CASE_ITEM, NULL);

  self->id = g_strdup (summary->id);
  self->household = g_strdup (summary->household);
  self->phase = summary->phase;
  self->deadline = g_strdup (summary->next_deadline);
  self->due = summary->next_due;
  self->safety = summary->safety_concern;
  return self;
}

void
kt_case_item_update (KtCaseItem   *self,
                     const KtCase *kase)
{
  g_return_if_fail (KT_IS_CASE_ITEM (self));

  replace_str (&self->id, kase->header.id);
  {
    KtDue due = kt_case_next_due (kase, NULL);

    replace_str (&self->deadline, due.date);
    self->due = due.kind;
  }
  replace_str (&self->household, kase->household);
  if (self->phase != kase->phase)
    {
      self->phase = kase->phase;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
    }
  self->safety = kase->request.safety_concern;
  /* One notification: rows redraw and the filter re-checks on it. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOUSEHOLD]);
}

const char *
kt_case_item_get_id (KtCaseItem *self)
{
  return self->id;
}

const char *
kt_case_item_get_household (KtCaseItem *self)
{
  return self->household;
}

KtPhase
kt_case_item_get_phase (KtCaseItem *self)
{
  return self->phase;
}

KtDueKind
kt_case_item_get_due (KtCaseItem *self)
{
  return self->due;
}

const char *
kt_case_item_get_deadline (KtCaseItem *self)
{
  return self->deadline;
}

gboolean
kt_case_item_get_safety (KtCaseItem *self)
{
  return self->safety;
}

void
kt_case_item_set_share_state (KtCaseItem   *self,
                              KtShareState  state,
                              const char   *reason)
{
  g_return_if_fail (KT_IS_CASE_ITEM (self));

  if (self->share_state == state && g_strcmp0 (self->share_reason, reason) == 0)
    return;
  self->share_state = state;
  replace_str (&self->share_reason, reason);
  /* The stage does not follow: it says where the plan stands, from the
   * plan's own state (kt_case_item_set_plan_share_state ()). */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE_STATE]);
}

KtShareState
kt_case_item_get_share_state (KtCaseItem *self)
{
  return self->share_state;
}

const char *
kt_case_item_get_share_reason (KtCaseItem *self)
{
  return self->share_reason;
}

void
kt_case_item_set_plan_stage (KtCaseItem        *self,
                             const KtPlanStage *stage)
{
  g_return_if_fail (KT_IS_CASE_ITEM (self));
  g_return_if_fail (stage != NULL);

  /* A batch may bring an older version after a newer one: the newest
   * version's review is the household's. */
  if (stage->version < self->plan_version ||
      (stage->version == self->plan_version && stage->review == self->plan_review &&
       (stage->id == NULL || g_strcmp0 (stage->id, self->plan_id) == 0)))
    return;
  self->plan_version = stage->version;
  self->plan_review = stage->review;
  /* Another record: what the server has of the one before says nothing
   * of it, until the caller says what it has of this one. */
  if (stage->id != NULL && g_strcmp0 (stage->id, self->plan_id) != 0)
    {
      replace_str (&self->plan_id, stage->id);
      self->plan_share_state = KT_SHARE_LOCAL;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

void
kt_case_item_set_plan (KtCaseItem   *self,
                       const KtPlan *plan)
{
  g_return_if_fail (KT_IS_CASE_ITEM (self));
  g_return_if_fail (plan != NULL);

  kt_case_item_set_plan_stage (self, &(KtPlanStage) { plan->version, plan->review, plan->header.id });
}

const char *
kt_case_item_get_plan_id (KtCaseItem *self)
{
  g_return_val_if_fail (KT_IS_CASE_ITEM (self), NULL);

  return self->plan_id;
}

void
kt_case_item_set_plan_share_state (KtCaseItem   *self,
                                   KtShareState  state)
{
  gboolean waited;

  g_return_if_fail (KT_IS_CASE_ITEM (self));

  if (self->plan_share_state == state)
    return;
  waited = kt_case_item_stage_waits (self);
  self->plan_share_state = state;
  /* Only "Plan waits to be sent" and "Plan submitted" differ by it; the
   * row's household state hides while the stage says the plan waits. */
  if (waited != kt_case_item_stage_waits (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

KtReviewState
kt_case_item_get_plan_review (KtCaseItem *self)
{
  return self->plan_review;
}

gboolean
kt_case_item_stage_waits (KtCaseItem *self)
{
  g_return_val_if_fail (KT_IS_CASE_ITEM (self), FALSE);

  return kt_app_stage_waits (self->phase, self->plan_version, self->plan_review,
                             self->plan_share_state == KT_SHARE_SHARED);
}

char *
kt_case_item_describe_stage (KtCaseItem *self)
{
  g_return_val_if_fail (KT_IS_CASE_ITEM (self), NULL);

  return kt_app_describe_stage (self->phase, self->plan_version, self->plan_review,
                                self->plan_share_state == KT_SHARE_SHARED);
}
