/* kt-test-bus.h: a private D-Bus session bus, optionally with a real
 * gnome-keyring on it, for the suites that need the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _KtTestBus KtTestBus;

/* Starts a dbus-daemon that activates nothing; with @keyring, also an
 * unlocked gnome-keyring-daemon (secrets component) with its own home.
 * Fails the test when either does not come up (transfer full). */
KtTestBus  *kt_test_bus_new         (gboolean keyring);
/* A bus with a gnome-keyring that has no keyring at all: no login
 * keyring, no default collection (transfer full). */
KtTestBus  *kt_test_bus_new_without_default_keyring (void);
const char *kt_test_bus_get_address (KtTestBus *bus);
/* Points DBUS_SESSION_BUS_ADDRESS of this process (and its children) here.
 * Call before anything connects to the session bus. */
void        kt_test_bus_use         (KtTestBus *bus);
/* Locks / unlocks the keyring's default collection without a prompt. */
void        kt_test_bus_lock_keyring   (KtTestBus *bus);
void        kt_test_bus_unlock_keyring (KtTestBus *bus);
/* Stops the daemons and removes their files. */
void        kt_test_bus_free        (KtTestBus *bus);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtTestBus, kt_test_bus_free)

G_END_DECLS
