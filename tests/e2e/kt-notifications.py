#!/usr/bin/python3
# kt-notifications.py: a desktop's notification server on a test bus.
#
# The apps under test send their notifications (a plan approved or
# returned, a new request) as on a desktop: without a server on the bus
# GLib only logs a warning, and nothing shows whether they were sent.
# This one owns org.freedesktop.Notifications on the bus in
# DBUS_SESSION_BUS_ADDRESS and appends each notification's title, one per
# line, to the file named on the command line.  The titles carry no client
# data (the app keeps that off a locked screen); the file is in the test's
# throwaway home.
#
#   kt-notifications.py FILE
#
# SPDX-License-Identifier: GPL-3.0-or-later

import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""

path = sys.argv[1]
last_id = [0]


def on_call(connection, sender, object_path, interface, method, params, invocation):
    if method == "Notify":
        replaces = params.unpack()[1]
        summary = params.unpack()[3]
        with open(path, "a", encoding="utf-8") as f:
            f.write(summary + "\n")
        if replaces == 0:
            last_id[0] += 1
            replaces = last_id[0]
        invocation.return_value(GLib.Variant("(u)", (replaces,)))
    elif method == "CloseNotification":
        invocation.return_value(None)
    elif method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (["body"],)))
    else:
        invocation.return_value(GLib.Variant("(ssss)", ("kt-notifications", "Keukentafel tests",
                                                        "1", "1.2")))


def on_bus(connection, name):
    info = Gio.DBusNodeInfo.new_for_xml(XML).interfaces[0]
    connection.register_object("/org/freedesktop/Notifications", info, on_call, None, None)


loop = GLib.MainLoop()
# Registered before the name is taken, so that a caller that sees the name
# finds the object.
Gio.bus_own_name(Gio.BusType.SESSION, "org.freedesktop.Notifications",
                 Gio.BusNameOwnerFlags.NONE, on_bus, None, lambda *a: loop.quit())
loop.run()
