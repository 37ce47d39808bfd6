/* kt-sync-banner.c: KtSyncBanner, why sharing is held back, above the case list
 *
 * The header's sync button says the state in one icon and the reason in its
 * popover; a coach looking at the list did not open it and saw only "Not
 * synced" or "Waiting to be sent" on the rows.  This row says why, in
 * words, when it needs the coach; merely offline with nothing waiting it
 * stays hidden (the icon says offline, and that is calm).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-sync-banner"

#include "config.h"

#include "kt-sync-banner.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-sync-status-widget.h"

struct _KtSyncBanner
{
  AdwBin           parent_instance;

  GtkLabel        *label;
  GtkWidget       *button;

  KtSyncClient    *client;
  GSignalGroup    *signals;
  KtKeyController *keys;
  GSignalGroup    *key_signals;
};

G_DEFINE_FINAL_TYPE (KtSyncBanner, kt_sync_banner, ADW_TYPE_BIN)

static void
update (KtSyncBanner *self)
{
  KtSyncStatus status = self->client != NULL ? kt_sync_client_get_status (self->client)
                                             : KT_SYNC_STATUS_SIGNED_OUT;
  const char *problem = kt_sync_status_key_problem (self->client, self->keys);
  g_autofree char *reason = NULL;
  gboolean action = FALSE;
  const char *label = NULL;
  const char *name = NULL;
  const char *action_name = NULL;

  if (self->client != NULL)
    reason = kt_sync_status_describe (status, kt_sync_client_get_status_message (self->client),
                                      kt_sync_client_get_last_synced (self->client),
                                      kt_sync_client_get_n_pending (self->client), problem, &action);
  if (!action)
    g_clear_pointer (&reason, g_free);

  /* The same action as beside the reason under the household's header. */
  action_name = kt_sync_status_action (status, problem != NULL, &label, &name);

  gtk_widget_set_visible (GTK_WIDGET (self), reason != NULL);
  gtk_label_set_text (self->label, reason != NULL ? reason : "");
  gtk_widget_set_visible (self->button, action_name != NULL);
  if (action_name != NULL)
    {
      gtk_button_set_label (GTK_BUTTON (self->button), label);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), action_name);
      kt_a11y_set_label (self->button, name);
    }
  else
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), NULL);
  /* Read out when it appears or changes, as a status. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sync"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reason != NULL ? reason : "",
                                  -1);
}

void
kt_sync_banner_set_client (KtSyncBanner *self,
                           KtSyncClient *client)
{
  g_return_if_fail (KT_IS_SYNC_BANNER (self));

  if (!g_set_object (&self->client, client))
    return;
  g_signal_group_set_target (self->signals, client);
  update (self);
}

void
kt_sync_banner_set_key_controller (KtSyncBanner    *self,
                                   KtKeyController *keys)
{
  g_return_if_fail (KT_IS_SYNC_BANNER (self));

  if (!g_set_object (&self->keys, keys))
    return;
  g_signal_group_set_target (self->key_signals, keys);
  update (self);
}

const char *
kt_sync_banner_get_text (KtSyncBanner *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self)) ? gtk_label_get_text (self->label) : NULL;
}

GtkWidget *
kt_sync_banner_get_button (KtSyncBanner *self)
{
  return self->button;
}

static void
kt_sync_banner_dispose (GObject *object)
{
  KtSyncBanner *self = KT_SYNC_BANNER (object);

  g_clear_object (&self->signals);
  g_clear_object (&self->client);
  g_clear_object (&self->key_signals);
  g_clear_object (&self->keys);
  G_OBJECT_CLASS (kt_sync_banner_parent_class)->dispose (object);
}

static void
kt_sync_banner_class_init (KtSyncBannerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kt_sync_banner_dispose;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-sync-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, KtSyncBanner, label);
  gtk_widget_class_bind_template_child (widget_class, KtSyncBanner, button);
}

static void
kt_sync_banner_init (KtSyncBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The template names the button; this keeps the name where the tests
   * and the other controls' names are read from. */
  kt_a11y_set_label (self->button, _("Sync Now"));

  self->signals = g_signal_group_new (KT_TYPE_SYNC_CLIENT);
  g_signal_group_connect_swapped (self->signals, "notify", G_CALLBACK (update), self);
  self->key_signals = g_signal_group_new (KT_TYPE_KEY_CONTROLLER);
  g_signal_group_connect_swapped (self->key_signals, "changed", G_CALLBACK (update), self);
  update (self);
}

GtkWidget *
kt_sync_banner_new (void)
{
  return g_object_new (KT_TYPE_SYNC_BANNER, NULL);
}
