/* kt-test-hold.c: a thread that holds a module's locks for a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-test-hold"

#include "config.h"

#include <string.h>

#include "kt-test-hold-private.h"

void
kt_test_hold_init (KtTestHold *hold)
{
  memset (hold, 0, sizeof *hold);
  g_mutex_init (&hold->lock);
  g_cond_init (&hold->cond);
}

void
kt_test_hold_clear (KtTestHold *hold)
{
  kt_test_hold_end (hold);
  g_mutex_clear (&hold->lock);
  g_cond_clear (&hold->cond);
}

static gpointer
hold_thread (gpointer data)
{
  KtTestHold *hold = data;

  hold->take (hold->owner);
  g_mutex_lock (&hold->lock);
  hold->held = TRUE;
  g_cond_broadcast (&hold->cond);
  while (!hold->release)
    if (!g_cond_wait_until (&hold->cond, &hold->lock, hold->until))
      break;
  hold->held = FALSE;
  g_mutex_unlock (&hold->lock);
  hold->let_go (hold->owner);
  return NULL;
}

void
kt_test_hold_begin (KtTestHold     *hold,
                    const char     *name,
                    guint           ms,
                    KtTestHoldFunc  take,
                    KtTestHoldFunc  let_go,
                    gpointer        owner)
{
  g_return_if_fail (hold->thread == NULL);

  hold->release = FALSE;
  hold->until = g_get_monotonic_time () + (gint64) ms * G_TIME_SPAN_MILLISECOND;
  hold->take = take;
  hold->let_go = let_go;
  hold->owner = owner;
  hold->thread = g_thread_new (name, hold_thread, hold);
  g_mutex_lock (&hold->lock);
  while (!hold->held)
    g_cond_wait (&hold->cond, &hold->lock);
  g_mutex_unlock (&hold->lock);
}

gboolean
kt_test_hold_is_held (KtTestHold *hold)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&hold->lock);

  return hold->held;
}

void
kt_test_hold_end (KtTestHold *hold)
{
  if (hold->thread == NULL)
    return;
  g_mutex_lock (&hold->lock);
  hold->release = TRUE;
  g_cond_broadcast (&hold->cond);
  g_mutex_unlock (&hold->lock);
  g_clear_pointer (&hold->thread, g_thread_join);
}
