/* kt-application.c: the app object, its actions and its command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-application"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-application.h"
#include "kt-window.h"

struct _KtApplication
{
  AdwApplication  parent_instance;

  KtStore        *store;
  gboolean        store_opened;     /* the first opening has finished */
  GError         *store_error;      /* and failed with this */
  GPtrArray      *store_waiters;    /* (element-type GTask) */
};

G_DEFINE_FINAL_TYPE (KtApplication, kt_application, ADW_TYPE_APPLICATION)

static void start_store (KtApplication *self);

KtApplication *
kt_application_new (void)
{
  return g_object_new (KT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/nl/wijkteam/Keukentafel",
                       NULL);
}

static int
kt_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("keukentafel %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static void
kt_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    kt_window_present_when_ready (kt_window_new (KT_APPLICATION (app)));
  else
    gtk_window_present (window);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { _("The Keukentafel team"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-icon", APP_ID,
                        "application-name", _("Keukentafel"),
                        "developer-name", _("The Keukentafel team"),
                        "version", PACKAGE_VERSION,
                        "comments", _("The kitchen-table conversation of the neighbourhood team: "
                                      "every life domain, the participation wheel and a support "
                                      "plan made with the household, offline and encrypted."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  /* A copy: a window that closes at once leaves the application's own list
   * (and its node is freed) before the loop would step on. */
  GList *windows = g_list_copy_deep (gtk_application_get_windows (app), (GCopyFunc) g_object_ref, NULL);

  /* Close windows rather than quit outright so each one can flush its drafts. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_action },
  { .name = "quit", .activate = quit_action },
};

static void
kt_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *lock_accels[] = { "<Control>l", NULL };
  static const char *list_accels[] = { "<Alt>Left", NULL };
  static const char *watching_accels[] = { "<Control>m", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  /* In the order of the case view's tabs: Alt+N is the Nth tab. */
  static const char *pages[] = { "intake", "conversation", "wheel", "network", "plan", "progress", "report" };

  /* The key comes from the keyring on a worker while GTK starts. */
  start_store (KT_APPLICATION (app));
  G_APPLICATION_CLASS (kt_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.new-case", new_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.lock", lock_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-list", list_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.resident-watching", watching_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", shortcuts_accels);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *action = g_strdup_printf ("win.show-page('%s')", pages[i]);
      g_autofree char *accel = g_strdup_printf ("<Alt>%u", i + 1);
      const char *accels[] = { accel, NULL };

      gtk_application_set_accels_for_action (GTK_APPLICATION (app), action, accels);
    }
}

/* Where the store lives: $KT_STORE_PATH for tests, else the data dir. */
static char *
store_path (void)
{
  const char *override = g_getenv ("KT_STORE_PATH");

  if (override != NULL && *override != '\0')
    return g_strdup (override);
  return g_build_filename (g_get_user_data_dir (), "keukentafel", "store.db", NULL);
}

static void
return_store_result (KtApplication *self,
                     GTask         *task)
{
  if (self->store_error != NULL)
    g_task_return_error (task, g_error_copy (self->store_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_store_opened (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KtApplication) self = user_data;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->store_waiters);

  kt_store_open_finish (KT_STORE (source), result, &self->store_error);
  self->store_opened = TRUE;
  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    return_store_result (self, g_ptr_array_index (waiters, i));
}

static void
start_store (KtApplication *self)
{
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  if (self->store != NULL)
    return;
  g_mkdir_with_parents (dir, 0700);
  self->store = kt_store_new (path);
  self->store_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  kt_store_open_async (self->store, KT_KEY_SOURCE_KEYRING, NULL, NULL, on_store_opened,
                       g_object_ref (self));
}

KtStore *
kt_application_get_store (KtApplication *self)
{
  g_return_val_if_fail (KT_IS_APPLICATION (self), NULL);

  start_store (self);
  return self->store;
}

void
kt_application_wait_store_async (KtApplication       *self,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_return_if_fail (KT_IS_APPLICATION (self));

  start_store (self);
  g_task_set_source_tag (task, kt_application_wait_store_async);
  if (self->store_opened)
    return_store_result (self, task);
  else
    g_ptr_array_add (self->store_waiters, g_steal_pointer (&task));
}

gboolean
kt_application_wait_store_finish (KtApplication  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
kt_application_finalize (GObject *object)
{
  KtApplication *self = KT_APPLICATION (object);

  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
  g_clear_pointer (&self->store_waiters, g_ptr_array_unref);
  G_OBJECT_CLASS (kt_application_parent_class)->finalize (object);
}

static void
kt_application_class_init (KtApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = kt_application_finalize;
  app_class->activate = kt_application_activate;
  app_class->startup = kt_application_startup;
  app_class->handle_local_options = kt_application_handle_local_options;
}

static void
kt_application_init (KtApplication *self)
{
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and quit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}
