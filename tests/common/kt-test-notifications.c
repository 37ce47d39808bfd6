/* kt-test-notifications.c: a notification server on the test's session bus
 *
 * GApplication sends its notifications to org.freedesktop.Notifications;
 * under Xvfb no desktop provides it, and GIO warns that it could not send
 * them, a warning the tests' fatal-warnings turn into a "Bail out!".  This
 * is the server those tests run with, the way a desktop session has one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-test-notifications.h"

#define NAME "org.freedesktop.Notifications"
#define PATH "/org/freedesktop/Notifications"

struct _KtTestNotifications
{
  GDBusConnection *connection;
  guint            object_id;
  guint            n_notified;
  char            *last_summary;
};

static const char introspection[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "  </interface>"
  "</node>";

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  KtTestNotifications *self = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      const char *summary = NULL;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_free (self->last_summary);
      self->last_summary = g_strdup (summary);
      self->n_notified++;
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", self->n_notified));
    }
  else if (g_str_equal (method_name, "CloseNotification"))
    g_dbus_method_invocation_return_value (invocation, NULL);
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *capabilities[] = { "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", capabilities));
    }
  else if (g_str_equal (method_name, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "kt-test-notifications",
                                                                      "Keukentafel", "1.0", "1.2"));
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };

KtTestNotifications *
kt_test_notifications_start (void)
{
  KtTestNotifications *self = g_new0 (KtTestNotifications, 1);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (introspection, NULL);
  g_autofree char *address = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result = 0;

  g_assert_nonnull (info);
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  /* A connection of its own: the app's calls cross the bus like a real
   * server's, and its handlers run in this thread's main context. */
  self->connection = g_dbus_connection_new_for_address_sync (address,
                                                             G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                             G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                             NULL, NULL, &error);
  g_assert_no_error (error);
  self->object_id = g_dbus_connection_register_object (self->connection, PATH, info->interfaces[0], &vtable,
                                                       self, NULL, &error);
  g_assert_no_error (error);
  /* Owned before the app sends anything: a synchronous request, not
   * g_bus_own_name's callbacks. */
  reply = g_dbus_connection_call_sync (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", NAME, 4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  /* 1: the primary owner now. */
  g_assert_cmpuint (result, ==, 1);
  return self;
}

guint
kt_test_notifications_get_n_notified (KtTestNotifications *self)
{
  return self->n_notified;
}

const char *
kt_test_notifications_get_last_summary (KtTestNotifications *self)
{
  return self->last_summary;
}

void
kt_test_notifications_stop (KtTestNotifications *self)
{
  if (self == NULL)
    return;
  g_dbus_connection_unregister_object (self->connection, self->object_id);
  g_dbus_connection_close_sync (self->connection, NULL, NULL);
  g_clear_object (&self->connection);
  g_free (self->last_summary);
  g_free (self);
}
