/* kt-sync-status-widget.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-sync-status-widget"

#include "config.h"

#include "kt-sync-status-widget.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-app-util.h"
#include "kt-date-format.h"
#include "kt-key-controller.h"

struct _KtSyncStatusWidget
{
  AdwBin        parent_instance;

  GtkSpinner   *spinner;
  GtkImage     *icon;
  GtkLabel     *label;
  GtkLabel     *reason_label;
  GtkWidget    *action_button;

  KtSyncClient *client;
  gulong        handlers[5];
  KtKeyController *keys;
  gulong        keys_handler;
  gboolean      hide_reason;
  gboolean      hide_action;
};

G_DEFINE_FINAL_TYPE (KtSyncStatusWidget, kt_sync_status_widget, ADW_TYPE_BIN)

char *
kt_sync_status_format (KtSyncStatus status,
                       gint64       last_synced,
                       guint        n_conflicts)
{
  switch (status)
    {
    case KT_SYNC_STATUS_SIGNED_OUT:
      return NULL;
    case KT_SYNC_STATUS_IDLE:
      return g_strdup (_("Not synced yet"));
    case KT_SYNC_STATUS_SYNCING:
      return g_strdup (_("Syncing…"));
    case KT_SYNC_STATUS_SYNCED:
      if (n_conflicts > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u conflict to resolve",
                                             "%u conflicts to resolve", n_conflicts),
                                n_conflicts);
      else
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (last_synced);
          g_autofree char *time = kt_format_time (when);

          /* Translators: %s is a time of day such as 14:02. */
          return g_strdup_printf (_("Synced at %s"), time);
        }
    case KT_SYNC_STATUS_OFFLINE:
      return g_strdup (_("Offline"));
    case KT_SYNC_STATUS_NEEDS_SIGN_IN:
      return g_strdup (_("Sign in again"));
    case KT_SYNC_STATUS_PAUSED:
      return g_strdup (_("Waits until unlocked"));
    case KT_SYNC_STATUS_ERROR:
    default:
      return g_strdup (_("Not synced"));
    }
}

/* Appends @text as a sentence of @reason. */
static void
add_sentence (GString    *reason,
              const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  if (reason->len > 0)
    g_string_append_c (reason, ' ');
  g_string_append (reason, text);
  if (!g_str_has_suffix (text, ".") && !g_str_has_suffix (text, "…"))
    g_string_append_c (reason, '.');
}

static gboolean
has_words (const char *text)
{
  return text != NULL && *text != '\0';
}

/* Decides what kt_sync_status_describe () words: each case here is a
 * sentence there (add_sentence () skips an empty text, so an empty
 * message says nothing). */
KtSyncReasonKind
kt_sync_status_reason_kind (KtSyncStatus  status,
                            const char   *message,
                            gint64        last_synced,
                            guint         n_pending,
                            const char   *key_problem)
{
  gboolean said = FALSE;
  gboolean action = FALSE;

  switch (status)
    {
    case KT_SYNC_STATUS_SIGNED_OUT:
      /* Signing out kept unsynced work: it goes when someone signs in.
       * Nothing waits on the keys then. */
      said = action = n_pending > 0;
      key_problem = NULL;
      break;
    case KT_SYNC_STATUS_OFFLINE:
      /* Offline with nothing waiting is calm: the work is on this device. */
      said = message == NULL || *message != '\0' || last_synced > 0 || n_pending > 0;
      action = n_pending > 0;
      break;
    case KT_SYNC_STATUS_NEEDS_SIGN_IN:
      said = message == NULL || *message != '\0' || n_pending > 0;
      action = TRUE;
      break;
    case KT_SYNC_STATUS_ERROR:
      said = message == NULL || *message != '\0' || last_synced > 0 || n_pending > 0;
      action = TRUE;
      break;
    case KT_SYNC_STATUS_PAUSED:
      said = has_words (message) || n_pending > 0;
      action = n_pending > 0;
      break;
    case KT_SYNC_STATUS_IDLE:
    case KT_SYNC_STATUS_SYNCING:
    case KT_SYNC_STATUS_SYNCED:
    default:
      break;
    }
  /* A key problem holds sharing back whatever the connection does. */
  if (key_problem != NULL)
    {
      said = said || has_words (key_problem);
      action = TRUE;
    }
  if (!said)
    return KT_SYNC_REASON_NONE;
  return action ? KT_SYNC_REASON_HOLDS_BACK : KT_SYNC_REASON_CALM;
}

char *
kt_sync_status_describe (KtSyncStatus  status,
                         const char   *message,
                         gint64        last_synced,
                         guint         n_pending,
                         const char   *key_problem,
                         gboolean     *needs_action)
{
  KtSyncReasonKind kind = kt_sync_status_reason_kind (status, message, last_synced, n_pending, key_problem);
  g_autoptr(GString) reason = NULL;
  g_autofree char *since = NULL;
  g_autofree char *waiting = NULL;

  if (needs_action != NULL)
    *needs_action = kind == KT_SYNC_REASON_HOLDS_BACK;
  if (kind == KT_SYNC_REASON_NONE)
    return NULL;
  reason = g_string_new (NULL);
  if (last_synced > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (last_synced);
      g_autofree char *time = kt_format_time (when);

      /* Translators: %s is a time of day such as 14:02. */
      since = g_strdup_printf (_("Last synced at %s"), time);
    }
  if (n_pending > 0)
    waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u record waits to be sent",
                                            "%u records wait to be sent", n_pending), n_pending);

  switch (status)
    {
    case KT_SYNC_STATUS_SIGNED_OUT:
      /* Signing out kept unsynced work: it goes when someone signs in. */
      if (n_pending > 0)
        {
          g_autofree char *kept = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "Signed out: %u record waits until you sign in",
                                                                "Signed out: %u records wait until you sign in",
                                                                n_pending), n_pending);
          add_sentence (reason, kept);
        }
      key_problem = NULL;
      break;
    case KT_SYNC_STATUS_OFFLINE:
      /* Offline with nothing waiting is calm: the work is on this device. */
      add_sentence (reason, message != NULL ? message : _("There is no network connection."));
      add_sentence (reason, since);
      add_sentence (reason, waiting);
      break;
    case KT_SYNC_STATUS_NEEDS_SIGN_IN:
      add_sentence (reason, message != NULL ? message : _("Sign in again to sync."));
      add_sentence (reason, waiting);
      break;
    case KT_SYNC_STATUS_ERROR:
      /* A refused push, an unreachable server, records that cannot be
       * opened: the client's message says which. */
      add_sentence (reason, message != NULL ? message : _("The last sync did not finish."));
      add_sentence (reason, since);
      add_sentence (reason, waiting);
      break;
    case KT_SYNC_STATUS_PAUSED:
      add_sentence (reason, message);
      add_sentence (reason, waiting);
      break;
    case KT_SYNC_STATUS_IDLE:
    case KT_SYNC_STATUS_SYNCING:
    case KT_SYNC_STATUS_SYNCED:
    default:
      break;
    }
  /* A key problem holds sharing back whatever the connection does. */
  add_sentence (reason, key_problem);
  return reason->len > 0 ? g_string_free (g_steal_pointer (&reason), FALSE) : NULL;
}

const char *
kt_sync_status_action (KtSyncStatus   status,
                       gboolean       key_problem,
                       const char   **label,
                       const char   **name)
{
  const char *action_name = NULL;
  const char *text = NULL;
  const char *spoken = NULL;

  if (status == KT_SYNC_STATUS_NEEDS_SIGN_IN || status == KT_SYNC_STATUS_SIGNED_OUT)
    {
      text = _("_Sign In…");
      spoken = _("Sign In…");
      action_name = "win.sign-in";
    }
  else if ((status == KT_SYNC_STATUS_ERROR || status == KT_SYNC_STATUS_OFFLINE) && !key_problem)
    {
      text = _("Sync _Now");
      spoken = _("Sync Now");
      action_name = "win.sync-now";
    }
  if (label != NULL)
    *label = text;
  if (name != NULL)
    *name = spoken;
  return action_name;
}

const char *
kt_sync_status_key_problem (KtSyncClient    *client,
                            KtKeyController *keys)
{
  /* Signed out, nothing waits on the keys. */
  if (client == NULL || keys == NULL || !kt_sync_client_is_signed_in (client))
    return NULL;
  return kt_key_controller_get_problem (keys);
}

gboolean
kt_sync_status_holds_back (KtSyncClient    *client,
                           KtKeyController *keys)
{
  if (client == NULL)
    return FALSE;
  /* Merely offline with nothing in the outbox is said dimly, or not at
   * all above the list: a record on its way still needs its own word.
   * Decided without making the words: the case view asks at every
   * change of the household. */
  return kt_sync_status_reason_kind (kt_sync_client_get_status (client),
                                     kt_sync_client_get_status_message (client),
                                     kt_sync_client_get_last_synced (client),
                                     kt_sync_client_get_n_pending (client),
                                     kt_sync_status_key_problem (client, keys)) == KT_SYNC_REASON_HOLDS_BACK;
}

static const char *
icon_for (KtSyncStatus status)
{
  switch (status)
    {
    case KT_SYNC_STATUS_SYNCED:
      return "emblem-ok-symbolic";
    case KT_SYNC_STATUS_OFFLINE:
      return "network-offline-symbolic";
    case KT_SYNC_STATUS_NEEDS_SIGN_IN:
      return "system-lock-screen-symbolic";
    case KT_SYNC_STATUS_ERROR:
      return "dialog-warning-symbolic";
    case KT_SYNC_STATUS_SIGNED_OUT:
    case KT_SYNC_STATUS_IDLE:
    case KT_SYNC_STATUS_SYNCING:
    default:
      return NULL;
    }
}

static void
update (KtSyncStatusWidget *self)
{
  KtSyncStatus status = self->client != NULL ? kt_sync_client_get_status (self->client)
                                             : KT_SYNC_STATUS_SIGNED_OUT;
  g_autofree char *text = NULL;
  g_autofree char *reason = NULL;
  gboolean action = FALSE;
  gboolean show_reason;
  const char *icon = icon_for (status);
  const char *action_name = NULL;
  const char *action_label = NULL;
  const char *action_spoken = NULL;
  const char *problem = kt_sync_status_key_problem (self->client, self->keys);
  gboolean warn = status == KT_SYNC_STATUS_ERROR || status == KT_SYNC_STATUS_NEEDS_SIGN_IN;

  /* A key problem holds sharing back while the rounds go well: a green
   * tick beside it would say all is shared, the reason under it that it
   * is not.  The state warns, as the reason does. */
  if (problem != NULL && status == KT_SYNC_STATUS_SYNCED)
    {
      icon = "dialog-warning-symbolic";
      warn = TRUE;
    }
  if (self->client != NULL)
    {
      text = kt_sync_status_format (status, kt_sync_client_get_last_synced (self->client),
                                    kt_sync_client_get_n_conflicts (self->client));
      /* The reason under the state, where the coach looks: not only in
       * the tooltip or the sync popover.  Signed out there is no state to
       * state, but work kept for the next sign-in has a reason. */
      reason = kt_sync_status_describe (status, kt_sync_client_get_status_message (self->client),
                                        kt_sync_client_get_last_synced (self->client),
                                        kt_sync_client_get_n_pending (self->client), problem, &action);
    }
  show_reason = reason != NULL && !self->hide_reason;
  /* What the coach can do about it, beside the reason: the bar above the
   * list, which has the same button, is not on screen when the reason is
   * here (kt_case_view_set_list_beside ()). */
  if (show_reason && action && !self->hide_action)
    action_name = kt_sync_status_action (status, problem != NULL, &action_label, &action_spoken);
  gtk_widget_set_visible (GTK_WIDGET (self), text != NULL || show_reason);
  gtk_widget_set_visible (GTK_WIDGET (self->label), text != NULL);
  gtk_label_set_text (self->label, text != NULL ? text : "");
  gtk_label_set_text (self->reason_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), show_reason);
  gtk_widget_set_visible (self->action_button, action_name != NULL);
  if (action_name != NULL)
    {
      gtk_button_set_label (GTK_BUTTON (self->action_button), action_label);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->action_button), action_name);
      kt_a11y_set_label (self->action_button, action_spoken);
    }
  else
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->action_button), NULL);
  kt_app_set_tooltip (GTK_WIDGET (self), reason);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text != NULL ? text : _("Sync"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reason != NULL ? reason : "",
                                  -1);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), status == KT_SYNC_STATUS_SYNCING);
  gtk_spinner_set_spinning (self->spinner, status == KT_SYNC_STATUS_SYNCING);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), icon != NULL);
  gtk_image_set_from_icon_name (self->icon, icon);
  if (warn)
    gtk_widget_add_css_class (GTK_WIDGET (self->label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->label), "warning");
  /* Merely offline, nothing waiting: the reason stays dim. */
  if (action)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->reason_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->reason_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->reason_label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->reason_label), "dim-label");
    }
}

static void
disconnect_client (KtSyncStatusWidget *self)
{
  if (self->client == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
    g_clear_signal_handler (&self->handlers[i], self->client);
  g_clear_object (&self->client);
}

void
kt_sync_status_widget_set_client (KtSyncStatusWidget *self,
                                  KtSyncClient       *client)
{
  static const char * const notifications[] = {
    "notify::status", "notify::status-message", "notify::last-synced", "notify::n-conflicts",
    "notify::n-pending",
  };

  g_return_if_fail (KT_IS_SYNC_STATUS_WIDGET (self));

  disconnect_client (self);
  if (client != NULL)
    {
      self->client = g_object_ref (client);
      for (guint i = 0; i < G_N_ELEMENTS (notifications); i++)
        self->handlers[i] = g_signal_connect_object (client, notifications[i],
                                                     G_CALLBACK (update), self,
                                                     G_CONNECT_SWAPPED);
    }
  update (self);
}

const char *
kt_sync_status_widget_get_text (KtSyncStatusWidget *self)
{
  return gtk_label_get_text (self->label);
}

static void
disconnect_keys (KtSyncStatusWidget *self)
{
  if (self->keys == NULL)
    return;
  g_clear_signal_handler (&self->keys_handler, self->keys);
  g_clear_object (&self->keys);
}

void
kt_sync_status_widget_set_key_controller (KtSyncStatusWidget *self,
                                          KtKeyController    *keys)
{
  g_return_if_fail (KT_IS_SYNC_STATUS_WIDGET (self));

  if (keys == self->keys)
    return;
  disconnect_keys (self);
  if (keys != NULL)
    {
      self->keys = g_object_ref (keys);
      self->keys_handler = g_signal_connect_object (keys, "changed", G_CALLBACK (update), self,
                                                    G_CONNECT_SWAPPED);
    }
  update (self);
}

void
kt_sync_status_widget_set_show_reason (KtSyncStatusWidget *self,
                                       gboolean            show_reason)
{
  g_return_if_fail (KT_IS_SYNC_STATUS_WIDGET (self));

  if (self->hide_reason == !show_reason)
    return;
  self->hide_reason = !show_reason;
  update (self);
}

void
kt_sync_status_widget_set_show_action (KtSyncStatusWidget *self,
                                       gboolean            show_action)
{
  g_return_if_fail (KT_IS_SYNC_STATUS_WIDGET (self));

  if (self->hide_action == !show_action)
    return;
  self->hide_action = !show_action;
  update (self);
}

const char *
kt_sync_status_widget_get_reason (KtSyncStatusWidget *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->reason_label)) ? gtk_label_get_text (self->reason_label)
                                                                 : NULL;
}

static void
kt_sync_status_widget_dispose (GObject *object)
{
  KtSyncStatusWidget *self = KT_SYNC_STATUS_WIDGET (object);

  disconnect_client (self);
  disconnect_keys (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KT_TYPE_SYNC_STATUS_WIDGET);
  G_OBJECT_CLASS (kt_sync_status_widget_parent_class)->dispose (object);
}

static void
kt_sync_status_widget_class_init (KtSyncStatusWidgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_sync_status_widget_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/nl/wijkteam/Keukentafel/kt-sync-status-widget.ui");
  gtk_widget_class_bind_template_child (widget_class, KtSyncStatusWidget, spinner);
  gtk_widget_class_bind_template_child (widget_class, KtSyncStatusWidget, icon);
  gtk_widget_class_bind_template_child (widget_class, KtSyncStatusWidget, label);
  gtk_widget_class_bind_template_child (widget_class, KtSyncStatusWidget, reason_label);
  gtk_widget_class_bind_template_child (widget_class, KtSyncStatusWidget, action_button);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
kt_sync_status_widget_init (KtSyncStatusWidget *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kt_sync_status_widget_new (KtSyncClient *client)
{
  KtSyncStatusWidget *self = g_object_new (KT_TYPE_SYNC_STATUS_WIDGET, NULL);

  kt_sync_status_widget_set_client (self, client);
  return GTK_WIDGET (self);
}
