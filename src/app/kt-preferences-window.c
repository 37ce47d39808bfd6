/* kt-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-preferences-window"

#include "config.h"

#include "kt-preferences-window.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-app-util.h"
#include "kt-peer-keys.h"

struct _KtPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  KtStore              *store;
  GSettings            *settings;
  GtkSpinButton        *minutes;
  GtkEditable          *pin_row;
  GtkEditable          *repeat_row;
  GtkWidget            *pin_button;
  GCancellable         *cancellable;
  KtKeyController      *keys;
  AdwPreferencesGroup  *keys_group;
  GPtrArray            *key_rows;     /* the rows of keys_group, made again on a change */
};

G_DEFINE_FINAL_TYPE (KtPreferencesWindow, kt_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
on_minutes_changed (KtPreferencesWindow *self)
{
  kt_store_set_idle_timeout (self->store, kt_app_get_idle_minutes () * 60);
}

static void
on_pin_saved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KtPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (self->pin_button, TRUE);
  if (!kt_store_set_unlock_secret_finish (KT_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), kt_a11y_toast_new (error->message));
      return;
    }
  gtk_editable_set_text (self->pin_row, "");
  gtk_editable_set_text (self->repeat_row, "");
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    kt_a11y_toast_new (_("The new PIN unlocks Keukentafel from now on.")));
}

static gboolean
is_pin (const char *text)
{
  if (strlen (text) < 4)
    return FALSE;
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c))
      return FALSE;
  return TRUE;
}

static void
on_change_pin (KtPreferencesWindow *self)
{
  const char *pin = gtk_editable_get_text (self->pin_row);
  const char *message = NULL;

  if (!is_pin (pin))
    message = _("Use at least four digits, and only digits.");
  else if (g_strcmp0 (pin, gtk_editable_get_text (self->repeat_row)) != 0)
    message = _("The two PINs are not the same.");
  if (message != NULL)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), kt_a11y_toast_new (message));
      return;
    }
  gtk_widget_set_sensitive (self->pin_button, FALSE);
  kt_store_set_unlock_secret_async (self->store, KT_UNLOCK_PIN, pin, self->cancellable,
                                    on_pin_saved, g_object_ref (self));
}

/* A row with a number bound to @key; the spin button is named by the
 * row's title, as GTK 4.8 names nothing by itself. */
static void
add_period_row (KtPreferencesWindow *self,
                AdwPreferencesGroup *group,
                const char          *title,
                const char          *subtitle,
                const char          *key,
                int                  max)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (1, max, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  kt_a11y_set_label (spin, title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  adw_preferences_group_add (group, row);
  if (self->settings != NULL)
    g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (row, FALSE);
}

/* Keys */

static void
on_key_button_clicked (GtkButton           *button,
                       KtPreferencesWindow *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  const char *action = g_object_get_data (G_OBJECT (button), "kt-action");
  const char *target = g_object_get_data (G_OBJECT (button), "kt-target");

  /* The actions are the main window's: the dialog opens over it. */
  if (parent != NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      if (target != NULL)
        gtk_widget_activate_action (GTK_WIDGET (parent), action, "s", target);
      else
        gtk_widget_activate_action (GTK_WIDGET (parent), action, NULL);
    }
}

static GtkWidget *
key_row_new (KtPreferencesWindow *self,
             const char          *title,
             const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_group_add (self->keys_group, row);
  g_ptr_array_add (self->key_rows, row);
  return row;
}

static GtkWidget *
add_key_button (KtPreferencesWindow *self,
                GtkWidget           *row,
                const char          *label,
                const char          *action)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  kt_a11y_set_label (button, gtk_button_get_label (GTK_BUTTON (button)));
  g_object_set_data_full (G_OBJECT (button), "kt-action", g_strdup (action), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_key_button_clicked), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return button;
}

static const char *
role_label (const char *role)
{
  if (g_strcmp0 (role, "wijkcoach") == 0)
    return _("Neighbourhood coach");
  if (g_strcmp0 (role, "intaker") == 0)
    return _("Intake worker");
  if (g_strcmp0 (role, "supervisor") == 0)
    return _("Supervisor");
  return role;
}

static void
fill_keys (KtPreferencesWindow *self)
{
  const char *fingerprint = kt_key_controller_get_fingerprint (self->keys);
  KtAccountKeyState state = kt_key_controller_get_state (self->keys);
  GPtrArray *team = kt_key_controller_get_team_keys (self->keys);
  const char *me = NULL;
  GtkWidget *row;

  if (self->key_rows == NULL)
    return;
  for (guint i = 0; i < self->key_rows->len; i++)
    adw_preferences_group_remove (self->keys_group, g_ptr_array_index (self->key_rows, i));
  g_ptr_array_set_size (self->key_rows, 0);

  row = key_row_new (self, _("Your key"),
                     fingerprint != NULL ? fingerprint
                     : state == KT_ACCOUNT_KEY_RESTORE ? _("Not on this device yet: restore it with your recovery phrase.")
                     : _("No key yet. One is made when you sign in."));
  if (state == KT_ACCOUNT_KEY_WRITE_PHRASE)
    add_key_button (self, row, _("_Show Recovery Phrase"), "win.recovery-phrase");
  else if (state == KT_ACCOUNT_KEY_RESTORE)
    add_key_button (self, row, _("_Restore"), "win.restore-key");
  else if (state == KT_ACCOUNT_KEY_MISMATCH)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("The key on this device is not the one on the server. Nothing is sealed with it; ask your administrator."));
      gtk_widget_add_css_class (row, "error");
    }

  for (guint i = 0; team != NULL && i < team->len; i++)
    {
      KtPeerKey *key = g_ptr_array_index (team, i);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      if (fingerprint != NULL && g_strcmp0 (key->fingerprint, fingerprint) == 0 && me == NULL)
        {
          me = key->username;
          continue;
        }
      title = g_strdup_printf ("%s (%s)", key->username, role_label (key->role));
      if (key->state == KT_PEER_KEY_CHANGED)
        {
          g_autofree char *pinned = kt_key_controller_dup_pinned_fingerprint (self->keys, key->username);

          subtitle = g_strdup_printf (_("Changed, so not used. Seen before: %s. On the server now: %s."),
                                      pinned != NULL ? pinned : "—", key->fingerprint);
        }
      row = key_row_new (self, title, subtitle != NULL ? subtitle : key->fingerprint);
      if (key->state == KT_PEER_KEY_CHANGED)
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          GtkWidget *details;

          kt_a11y_set_label (icon, _("Warning"));
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
          gtk_widget_add_css_class (row, "error");
          /* what happened, and the way to trust the new key once the
           * colleague confirmed it */
          details = add_key_button (self, row, _("_Details"), "win.key-warning");
          g_object_set_data_full (G_OBJECT (details), "kt-target", g_strdup (key->username), g_free);
        }
    }
}

static void
add_keys_group (KtPreferencesWindow *self,
                AdwPreferencesPage  *page)
{
  self->keys_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  self->key_rows = g_ptr_array_new ();
  adw_preferences_group_set_title (self->keys_group, _("Keys"));
  adw_preferences_group_set_description (self->keys_group,
                                         _("What you share is sealed so that only the colleagues who may read it "
                                           "can. To be sure a key is really a colleague’s, compare its "
                                           "fingerprint with theirs, in person or by phone."));
  fill_keys (self);
  g_signal_connect_object (self->keys, "changed", G_CALLBACK (fill_keys), self, G_CONNECT_SWAPPED);
  adw_preferences_page_add (page, self->keys_group);
}

static void
kt_preferences_window_dispose (GObject *object)
{
  KtPreferencesWindow *self = KT_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  /* A change told between dispose and finalize finds nothing to fill. */
  if (self->keys != NULL)
    g_signal_handlers_disconnect_by_data (self->keys, self);
  g_clear_object (&self->keys);
  g_clear_pointer (&self->key_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (kt_preferences_window_parent_class)->dispose (object);
}

static void
kt_preferences_window_class_init (KtPreferencesWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kt_preferences_window_dispose;
}

static void
kt_preferences_window_init (KtPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kt_preferences_window_new (GtkWindow       *parent,
                           KtStore         *store,
                           KtKeyController *keys)
{
  KtPreferencesWindow *self = g_object_new (KT_TYPE_PREFERENCES_WINDOW,
                                            "transient-for", parent,
                                            "modal", TRUE,
                                            "search-enabled", FALSE,
                                            "default-width", 560,
                                            "default-height", 520,
                                            NULL);
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesGroup *lock = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *row = adw_action_row_new ();

  self->store = g_object_ref (store);
  self->settings = kt_app_get_settings ();

  adw_preferences_group_set_title (lock, _("Lock"));
  adw_preferences_group_set_description (lock, _("Keukentafel saves every draft, then locks, when it is not used for a while."));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Minutes before it locks"));
  self->minutes = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 240, 1));
  gtk_spin_button_set_value (self->minutes, kt_app_get_idle_minutes ());
  gtk_widget_set_valign (GTK_WIDGET (self->minutes), GTK_ALIGN_CENTER);
  kt_a11y_set_label (GTK_WIDGET (self->minutes), _("Minutes before it locks"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->minutes));
  adw_preferences_group_add (lock, row);
  if (self->settings != NULL)
    {
      g_settings_bind (self->settings, "idle-lock-minutes", self->minutes, "value", G_SETTINGS_BIND_DEFAULT);
      g_signal_connect_object (self->settings, "changed::idle-lock-minutes",
                               G_CALLBACK (on_minutes_changed), self, G_CONNECT_SWAPPED);
    }
  else
    gtk_widget_set_sensitive (row, FALSE);
  adw_preferences_page_add (page, lock);

  {
    AdwPreferencesGroup *periods = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
    AdwPreferencesGroup *terms = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

    adw_preferences_group_set_title (periods, _("After the Plan"));
    adw_preferences_group_set_description (periods, _("What Keukentafel proposes; each date can be changed on the case."));
    add_period_row (self, periods, _("Days until the evaluation"),
                    _("When no goal has its own evaluation date"), "evaluation-period-days", 365);
    add_period_row (self, periods, _("Months until the follow-up check"),
                    _("After closing a case"), "follow-up-period-months", 24);
    adw_preferences_page_add (page, periods);

    adw_preferences_group_set_title (terms, _("Decision on Tailored Support"));
    adw_preferences_group_set_description (terms, _("Days after the request within which the municipality decides. "
                                                    "The defaults follow the law; check your municipality's regulation."));
    add_period_row (self, terms, "Wmo 2015", _("Default 14 days (Wmo 2015 art. 2.3.5)"), "decision-days-wmo", 365);
    add_period_row (self, terms, "Jeugdwet", _("Default 56 days (Awb art. 4:13)"), "decision-days-jeugdwet", 365);
    add_period_row (self, terms, "Participatiewet", _("Default 56 days (Awb art. 4:13)"),
                    "decision-days-participatiewet", 365);
    adw_preferences_page_add (page, terms);
  }

  if (kt_store_get_key_source (store) == KT_KEY_SOURCE_KEYRING)
    {
      AdwPreferencesGroup *pin = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      GtkWidget *pin_row = adw_password_entry_row_new ();
      GtkWidget *repeat_row = adw_password_entry_row_new ();

      adw_preferences_group_set_title (pin, _("PIN"));
      adw_preferences_group_set_description (pin, _("The PIN unlocks Keukentafel on this device. "
                                                    "Forgot it? Once you have signed in here, your "
                                                    "account password unlocks it too."));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (pin_row), _("New PIN"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (repeat_row), _("Repeat the new PIN"));
      kt_a11y_set_label (pin_row, _("New PIN"));
      kt_a11y_set_label (repeat_row, _("Repeat the new PIN"));
      g_object_set (pin_row, "input-purpose", GTK_INPUT_PURPOSE_PIN, NULL);
      g_object_set (repeat_row, "input-purpose", GTK_INPUT_PURPOSE_PIN, NULL);
      self->pin_row = GTK_EDITABLE (pin_row);
      self->repeat_row = GTK_EDITABLE (repeat_row);
      self->pin_button = gtk_button_new_with_mnemonic (_("_Change PIN"));
      kt_a11y_set_label (self->pin_button, _("Change PIN"));
      gtk_widget_set_halign (self->pin_button, GTK_ALIGN_END);
      gtk_widget_set_margin_top (self->pin_button, 12);
      g_signal_connect_swapped (self->pin_button, "clicked", G_CALLBACK (on_change_pin), self);
      adw_preferences_group_add (pin, pin_row);
      adw_preferences_group_add (pin, repeat_row);
      adw_preferences_group_add (pin, self->pin_button);
      adw_preferences_page_add (page, pin);
    }
  if (keys != NULL)
    {
      self->keys = g_object_ref (keys);
      add_keys_group (self, page);
    }
  adw_preferences_page_set_title (page, _("General"));
  adw_preferences_page_set_icon_name (page, "preferences-system-symbolic");
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
  kt_a11y_fix_tree (GTK_WIDGET (self));
  return GTK_WIDGET (self);
}
