/* kt-rate-limiter.c
 *
 * A sliding log per key: the times of the last max_events events.  Keys
 * whose newest event left the window are dropped now and then, so a flood
 * of new keys (addresses) cannot grow the table without bound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-rate-limiter.h"

#define PRUNE_THRESHOLD 4096

struct _KtRateLimiter
{
  GObject     parent_instance;

  guint       max_events;
  guint       window;
  GHashTable *events;   /* key → GArray of gint64, oldest first */
};

G_DEFINE_FINAL_TYPE (KtRateLimiter, kt_rate_limiter, G_TYPE_OBJECT)

static void
kt_rate_limiter_finalize (GObject *object)
{
  KtRateLimiter *self = KT_RATE_LIMITER (object);

  g_clear_pointer (&self->events, g_hash_table_unref);
  G_OBJECT_CLASS (kt_rate_limiter_parent_class)->finalize (object);
}

static void
kt_rate_limiter_class_init (KtRateLimiterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_rate_limiter_finalize;
}

static void
kt_rate_limiter_init (KtRateLimiter *self)
{
  self->events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_array_unref);
}

KtRateLimiter *
kt_rate_limiter_new (guint max_events,
                     guint window)
{
  KtRateLimiter *self = g_object_new (KT_TYPE_RATE_LIMITER, NULL);

  self->max_events = MAX (max_events, 1);
  self->window = MAX (window, 1);
  return self;
}

/* Drops the events of @times that left the window. */
static void
expire (KtRateLimiter *self,
        GArray        *times,
        gint64         now)
{
  guint keep_from = 0;

  while (keep_from < times->len && g_array_index (times, gint64, keep_from) + self->window <= now)
    keep_from++;
  if (keep_from > 0)
    g_array_remove_range (times, 0, keep_from);
}

guint
kt_rate_limiter_check (KtRateLimiter *self,
                       const char    *key,
                       gint64         now)
{
  GArray *times = g_hash_table_lookup (self->events, key);

  if (times == NULL)
    return 0;
  expire (self, times, now);
  if (times->len < self->max_events)
    return 0;
  return MAX (1, g_array_index (times, gint64, 0) + self->window - now);
}

static void
prune (KtRateLimiter *self,
       gint64         now)
{
  GHashTableIter iter;
  GArray *times;

  g_hash_table_iter_init (&iter, self->events);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &times))
    {
      expire (self, times, now);
      if (times->len == 0)
        g_hash_table_iter_remove (&iter);
    }
}

void
kt_rate_limiter_hit (KtRateLimiter *self,
                     const char    *key,
                     gint64         now)
{
  GArray *times = g_hash_table_lookup (self->events, key);

  if (times == NULL)
    {
      if (g_hash_table_size (self->events) >= PRUNE_THRESHOLD)
        prune (self, now);
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->events, g_strdup (key), times);
    }
  expire (self, times, now);
  g_array_append_val (times, now);
  if (times->len > self->max_events)
    g_array_remove_index (times, 0);
}

void
kt_rate_limiter_reset (KtRateLimiter *self,
                       const char    *key)
{
  g_hash_table_remove (self->events, key);
}

void
kt_rate_limiter_release (KtRateLimiter *self,
                         const char    *key,
                         gint64         when)
{
  GArray *times = g_hash_table_lookup (self->events, key);

  if (times == NULL)
    return;
  for (guint i = times->len; i > 0; i--)
    if (g_array_index (times, gint64, i - 1) == when)
      {
        g_array_remove_index (times, i - 1);
        break;
      }
}
