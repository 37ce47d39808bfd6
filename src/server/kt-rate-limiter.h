/* kt-rate-limiter.h: KtRateLimiter, at most N events per key per window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KT_TYPE_RATE_LIMITER (kt_rate_limiter_get_type ())
G_DECLARE_FINAL_TYPE (KtRateLimiter, kt_rate_limiter, KT, RATE_LIMITER, GObject)

/* Allows @max_events per key in any @window seconds (transfer full). */
KtRateLimiter *kt_rate_limiter_new   (guint max_events,
                                      guint window);
/* 0 when another event for @key is allowed at @now (unix seconds),
 * otherwise the seconds until it will be. */
guint          kt_rate_limiter_check (KtRateLimiter *self,
                                      const char    *key,
                                      gint64         now);
/* Counts one event for @key. */
void           kt_rate_limiter_hit   (KtRateLimiter *self,
                                      const char    *key,
                                      gint64         now);
/* Takes back one event counted for @key at @when (a sign-in counted as a
 * failure before its password was checked, which then turned out right). */
void           kt_rate_limiter_release (KtRateLimiter *self,
                                        const char    *key,
                                        gint64         when);
/* Forgets @key's events (after a successful login). */
void           kt_rate_limiter_reset (KtRateLimiter *self,
                                      const char    *key);

G_END_DECLS
