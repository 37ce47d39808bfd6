/* kt-test-hold-private.h: a thread that holds a module's locks for a test
 *
 * The store and the outbox let a test hold their locks from a thread of
 * their own, as a long durable save or a slow disk would, to show that the
 * main loop keeps running while they are held (issue 22).  The hold ends
 * when the test lets go, or by itself after a time, so that a build that
 * waits for the locks on the main loop still ends (and its test fails).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*KtTestHoldFunc) (gpointer owner);

typedef struct {
  GThread        *thread;
  GMutex          lock;
  GCond           cond;
  gboolean        held;
  gboolean        release;
  gint64          until;
  KtTestHoldFunc  take;
  KtTestHoldFunc  let_go;
  gpointer        owner;
} KtTestHold;

void     kt_test_hold_init    (KtTestHold     *hold);
void     kt_test_hold_clear   (KtTestHold     *hold);
/* Starts a thread that calls @take (@owner), then waits until released or
 * @ms have passed, then calls @let_go (@owner); returns once @take returned. */
void     kt_test_hold_begin   (KtTestHold     *hold,
                               const char     *name,
                               guint           ms,
                               KtTestHoldFunc  take,
                               KtTestHoldFunc  let_go,
                               gpointer        owner);
gboolean kt_test_hold_is_held (KtTestHold     *hold);
/* Lets go and joins the thread; nothing when no hold was begun. */
void     kt_test_hold_end     (KtTestHold     *hold);

G_END_DECLS
