/* kt-test-notifications.h: a notification server on the test's session bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _KtTestNotifications KtTestNotifications;

/* Owns org.freedesktop.Notifications on the session bus, on a connection
 * of its own, and answers Notify as a desktop's notification server does:
 * the app's notifications then go somewhere under Xvfb instead of failing
 * with a warning.  Fails the test when the name cannot be had (transfer
 * full). */
KtTestNotifications *kt_test_notifications_start (void);
/* How many notifications came, and the title of the last one (or NULL). */
guint                kt_test_notifications_get_n_notified (KtTestNotifications *self);
const char          *kt_test_notifications_get_last_summary (KtTestNotifications *self);
/* Gives the name up and closes the connection. */
void                 kt_test_notifications_stop (KtTestNotifications *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtTestNotifications, kt_test_notifications_stop)

G_END_DECLS
