/* kt-sync-button.c
 *
 * The data come from the window's KtSyncClient, the object whose
 * properties notify (the sync controller reads the same values from it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-sync-button"

#include "config.h"

#include "kt-sync-button.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-app-util.h"
#include "kt-sync-status-widget.h"
#include "kt-date-format.h"

struct _KtSyncButton
{
  AdwBin         parent_instance;

  GtkMenuButton *button;
  GtkImage      *icon;
  GtkSpinner    *spinner;
  GtkLabel      *account_label;
  GtkLabel      *state_label;
  GtkLabel      *pending_label;
  GtkLabel      *problem_label;
  GtkWidget     *sync_button;
  GtkWidget     *sign_out_button;
  GtkWidget     *sign_in_button;

  KtSyncClient  *client;
  GSignalGroup  *signals;
  KtKeyController *keys;
  GSignalGroup  *key_signals;
};

G_DEFINE_FINAL_TYPE (KtSyncButton, kt_sync_button, ADW_TYPE_BIN)

GtkWidget *
kt_sync_button_new (void)
{
  return g_object_new (KT_TYPE_SYNC_BUTTON, NULL);
}

/* The host name of @url, or @url itself. */
static char *
server_name (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url != NULL ? url : "");
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  return g_strdup (g_uri_get_host (uri));
}

char *
kt_sync_button_format_account (KtSyncClient *client)
{
  g_autofree char *server = NULL;
  const char *name;

  if (client == NULL || !kt_sync_client_is_signed_in (client))
    return g_strdup (_("Not signed in"));
  name = kt_sync_client_get_display_name (client);
  if (name == NULL || *name == '\0')
    name = kt_sync_client_get_username (client);
  server = server_name (kt_sync_client_get_server_url (client));
  /* Translators: "Signed in as Anna de Vries at sync.gemeente.nl". */
  return g_strdup_printf (_("Signed in as %s at %s"), name != NULL ? name : "", server);
}

static char *
state_text (KtSyncClient *client,
            KtSyncStatus  status)
{
  gint64 last = kt_sync_client_get_last_synced (client);
  g_autofree char *when = NULL;
  const char *reason = kt_sync_client_get_status_message (client);

  if (last > 0)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (last);
      when = kt_format_time (time);
    }
  switch (status)
    {
    case KT_SYNC_STATUS_SYNCING:
      return g_strdup (_("Syncing…"));
    case KT_SYNC_STATUS_OFFLINE:
      if (when != NULL)
        /* Translators: %s is a time of day such as 14:02. */
        return g_strdup_printf (_("Offline. Last synced at %s"), when);
      return g_strdup (_("Offline"));
    case KT_SYNC_STATUS_NEEDS_SIGN_IN:
      return g_strdup (_("The server asks you to sign in again."));
    case KT_SYNC_STATUS_ERROR:
      return g_strdup (reason != NULL ? reason : _("Not synced"));
    case KT_SYNC_STATUS_PAUSED:
      /* The store is locked; syncing goes on after unlocking. */
      return g_strdup (reason != NULL ? reason : _("Waits until unlocked"));
    case KT_SYNC_STATUS_IDLE:
    case KT_SYNC_STATUS_SYNCED:
    default:
      if (when != NULL)
        /* Translators: %s is a time of day such as 14:02. */
        return g_strdup_printf (_("Last synced at %s"), when);
      return g_strdup (_("Not synced yet"));
    }
}

static const char *
icon_for (KtSyncStatus status,
          guint        n_conflicts)
{
  switch (status)
    {
    case KT_SYNC_STATUS_SIGNED_OUT:
      return "avatar-default-symbolic";
    case KT_SYNC_STATUS_OFFLINE:
      return "network-offline-symbolic";
    case KT_SYNC_STATUS_PAUSED:
      return "system-lock-screen-symbolic";
    case KT_SYNC_STATUS_NEEDS_SIGN_IN:
    case KT_SYNC_STATUS_ERROR:
      return "dialog-warning-symbolic";
    case KT_SYNC_STATUS_SYNCED:
      return n_conflicts > 0 ? "dialog-warning-symbolic" : "emblem-ok-symbolic";
    case KT_SYNC_STATUS_IDLE:
    case KT_SYNC_STATUS_SYNCING:
    default:
      return "emblem-synchronizing-symbolic";
    }
}

static void
update (KtSyncButton *self)
{
  KtSyncStatus status = self->client != NULL ? kt_sync_client_get_status (self->client)
                                             : KT_SYNC_STATUS_SIGNED_OUT;
  gboolean signed_in = self->client != NULL && kt_sync_client_is_signed_in (self->client);
  const char *problem = signed_in && self->keys != NULL ? kt_key_controller_get_problem (self->keys) : NULL;
  guint conflicts = self->client != NULL ? kt_sync_client_get_n_conflicts (self->client) : 0;
  guint pending = self->client != NULL ? kt_sync_client_get_n_pending (self->client) : 0;
  g_autofree char *account = kt_sync_button_format_account (self->client);
  g_autofree char *state = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *name = NULL;

  if (signed_in)
    state = state_text (self->client, status);
  else
    state = g_strdup (_("Your work stays on this device. Sign in to share it with your team."));
  if (signed_in && pending > 0)
    waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u record waits to be sent",
                                            "%u records wait to be sent", pending), pending);
  if (signed_in && conflicts > 0)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u conflict to resolve",
                                                            "%u conflicts to resolve", conflicts),
                                               conflicts);
      char *both = waiting != NULL ? g_strdup_printf ("%s\n%s", waiting, more) : g_steal_pointer (&more);

      g_free (waiting);
      waiting = both;
    }

  gtk_label_set_text (self->account_label, account);
  gtk_label_set_text (self->state_label, state);
  gtk_label_set_text (self->pending_label, waiting != NULL ? waiting : "");
  gtk_widget_set_visible (GTK_WIDGET (self->pending_label), waiting != NULL);
  gtk_label_set_text (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
  gtk_widget_set_visible (self->sync_button, signed_in);
  gtk_widget_set_visible (self->sign_out_button, signed_in);
  gtk_widget_set_visible (self->sign_in_button, !signed_in);
  gtk_widget_set_sensitive (self->sync_button, status != KT_SYNC_STATUS_SYNCING);

  /* Synced or not, the header says there is something to read. */
  gtk_image_set_from_icon_name (self->icon, problem != NULL ? "dialog-warning-symbolic" : icon_for (status, conflicts));
  gtk_widget_set_visible (GTK_WIDGET (self->icon), status != KT_SYNC_STATUS_SYNCING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), status == KT_SYNC_STATUS_SYNCING);
  gtk_spinner_set_spinning (self->spinner, status == KT_SYNC_STATUS_SYNCING);

  if (problem != NULL)
    {
      char *both = g_strdup_printf ("%s\n%s", state, problem);

      g_free (state);
      state = both;
    }
  /* GTK 4.8: the tooltip is the description, not the name. */
  name = g_strdup_printf (_("Sync: %s"), signed_in ? state : account);
  kt_app_set_tooltip (GTK_WIDGET (self->button), signed_in ? state : account);
  kt_a11y_set_label (GTK_WIDGET (self->button), name);
}

void
kt_sync_button_set_client (KtSyncButton *self,
                           KtSyncClient *client)
{
  g_return_if_fail (KT_IS_SYNC_BUTTON (self));

  if (!g_set_object (&self->client, client))
    return;
  g_signal_group_set_target (self->signals, client);
  update (self);
}

const char *
kt_sync_button_get_account_text (KtSyncButton *self)
{
  return gtk_label_get_text (self->account_label);
}

const char *
kt_sync_button_get_state_text (KtSyncButton *self)
{
  return gtk_label_get_text (self->state_label);
}

GtkMenuButton *
kt_sync_button_get_button (KtSyncButton *self)
{
  return self->button;
}

void
kt_sync_button_set_key_controller (KtSyncButton    *self,
                                   KtKeyController *keys)
{
  g_return_if_fail (KT_IS_SYNC_BUTTON (self));

  if (!g_set_object (&self->keys, keys))
    return;
  g_signal_group_set_target (self->key_signals, keys);
  update (self);
}

const char *
kt_sync_button_get_problem_text (KtSyncButton *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->problem_label)) ? gtk_label_get_text (self->problem_label)
                                                                  : NULL;
}

static GtkLabel *
popover_label (GtkBox     *box,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 34);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
  return GTK_LABEL (label);
}

static GtkWidget *
popover_button (GtkBox     *box,
                const char *label,
                const char *name,
                const char *action,
                const char *css_class)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  /* GTK 4.8: the button's label child is not its accessible name. */
  kt_a11y_set_label (button, name);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (css_class != NULL)
    gtk_widget_add_css_class (button, css_class);
  gtk_box_append (box, button);
  return button;
}

static void
on_button_clicked (GtkButton    *button,
                   KtSyncButton *self)
{
  /* The popover closes before its action opens a dialog. */
  gtk_menu_button_popdown (self->button);
}

static void
kt_sync_button_dispose (GObject *object)
{
  KtSyncButton *self = KT_SYNC_BUTTON (object);

  g_clear_object (&self->signals);
  g_clear_object (&self->client);
  g_clear_object (&self->key_signals);
  g_clear_object (&self->keys);
  G_OBJECT_CLASS (kt_sync_button_parent_class)->dispose (object);
}

static void
kt_sync_button_class_init (KtSyncButtonClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kt_sync_button_dispose;
}

static void
kt_sync_button_init (KtSyncButton *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *face = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  self->button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  self->icon = GTK_IMAGE (gtk_image_new ());
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_box_append (GTK_BOX (face), GTK_WIDGET (self->icon));
  gtk_box_append (GTK_BOX (face), GTK_WIDGET (self->spinner));
  gtk_menu_button_set_child (self->button, face);

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  self->account_label = popover_label (GTK_BOX (box), "heading");
  self->state_label = popover_label (GTK_BOX (box), NULL);
  self->pending_label = popover_label (GTK_BOX (box), "dim-label");
  self->problem_label = popover_label (GTK_BOX (box), "warning");
  gtk_widget_set_margin_top (buttons, 6);
  gtk_box_append (GTK_BOX (box), buttons);
  self->sync_button = popover_button (GTK_BOX (buttons), _("Sync _Now"), _("Sync Now"), "win.sync-now",
                                      "suggested-action");
  self->sign_out_button = popover_button (GTK_BOX (buttons), _("Sign _Out…"), _("Sign Out…"), "win.sign-out", NULL);
  self->sign_in_button = popover_button (GTK_BOX (buttons), _("_Sign In…"), _("Sign In…"), "win.sign-in",
                                         "suggested-action");
  g_signal_connect (self->sign_out_button, "clicked", G_CALLBACK (on_button_clicked), self);
  g_signal_connect (self->sign_in_button, "clicked", G_CALLBACK (on_button_clicked), self);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (self->button, popover);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->button));

  self->signals = g_signal_group_new (KT_TYPE_SYNC_CLIENT);
  /* Status, last sync, pending, conflicts, account: all its properties. */
  g_signal_group_connect_swapped (self->signals, "notify", G_CALLBACK (update), self);
  self->key_signals = g_signal_group_new (KT_TYPE_KEY_CONTROLLER);
  g_signal_group_connect_swapped (self->key_signals, "changed", G_CALLBACK (update), self);
  update (self);
}
