/* kt-app-test.c: driving the real app and its widgets from a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-app-test"

#include "config.h"

#include "kt-app-test.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "kt-case-view-private.h"
#include "kt-date-row.h"
#include "kt-conversation-page-private.h"
#include "kt-core.h"
#include "kt-test-util.h"
#include "kt-store-private.h"
#include "kt-window-private.h"

#include <sodium.h>

static gboolean
stop_iterating (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
kt_app_test_iterate (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, stop_iterating, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
kt_app_test_wait_for (KtAppTestCondition condition,
                      gpointer           data,
                      guint              timeout_ms,
                      const char        *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      kt_app_test_iterate (10);
    }
}

static gboolean
window_ready (gpointer data)
{
  return kt_window_is_ready (KT_WINDOW (data));
}

static gboolean
ready_or_choosing_pin (gpointer data)
{
  KtWindow *window = KT_WINDOW (data);

  /* A store left locked starts on the lock page. */
  return kt_window_is_ready (window) || kt_window_is_choosing_pin (window) ||
         (g_strcmp0 (kt_window_get_page (window), "lock") == 0 &&
          kt_store_was_left_locked (kt_window_get_store (window)));
}

static gboolean
not_unlocking (gpointer data)
{
  return !kt_window_is_unlocking (KT_WINDOW (data));
}

void
kt_app_test_unlock (KtWindow   *window,
                    const char *secret)
{
  gtk_editable_set_text (kt_window_get_passphrase_row (window, FALSE), secret);
  kt_app_test_activate (window, "win.unlock", NULL);
  kt_app_test_wait_for (not_unlocking, window, 30000, "the unlock to be checked");
  kt_app_test_iterate (20);
}

/* One store held at a time, by a test on the main thread. */
static struct {
  KtStore *store;
  guint    ticks;
  guint    timer;
} held;

static gboolean
held_tick_cb (gpointer data)
{
  if (kt_record_store_is_held_for_test (kt_store_get_record_store (held.store)))
    held.ticks++;
  return G_SOURCE_CONTINUE;
}

void
kt_app_test_hold_store (KtStore *store)
{
  g_assert_null (held.store);
  held.store = store;
  held.ticks = 0;
  held.timer = g_timeout_add (10, held_tick_cb, NULL);
  kt_record_store_hold_for_test (kt_store_get_record_store (store), 10000);
}

guint
kt_app_test_tick_while_held (guint wanted)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_assert_nonnull (held.store);
  while (held.ticks < wanted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("main loop ticks while the store was held: %u", held.ticks);
  return held.ticks;
}

void
kt_app_test_release_store (void)
{
  g_assert_nonnull (held.store);
  kt_record_store_release_for_test (kt_store_get_record_store (held.store));
  g_clear_handle_id (&held.timer, g_source_remove);
  held.store = NULL;
}

KtApplication *
kt_app_test_start (KtWindow **window)
{
  static guint n_started = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *app_id = g_strdup_printf ("%s.Test%u", APP_ID, ++n_started);
  KtApplication *app = kt_application_new ();

  /* Each start gets its own bus object: GApplication unexports only on
   * finalize, and GTK keeps the first app alive a little longer. */
  g_application_set_application_id (G_APPLICATION (app), app_id);
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  /* Argon2id at its lowest cost keeps the PIN checks fast in tests. */
  kt_store_set_pwhash_limits (kt_application_get_store (app), crypto_pwhash_OPSLIMIT_MIN,
                              crypto_pwhash_MEMLIMIT_MIN);
  g_application_activate (G_APPLICATION (app));
  *window = KT_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (*window);
  kt_app_test_wait_for (ready_or_choosing_pin, *window, 30000, "the store to open");
  /* No idle lock unless a test sets one (kt_store_set_idle_timeout) or
   * locks itself: a test's actions are not key presses or clicks, so the
   * app's five minutes ran on the wall clock from the start, and a test
   * slowed by load or ASan past them was locked halfway.  The lock took the
   * pages and the widgets the test still held (the screenshot tour's goal
   * card: gtk_widget_grab_focus on a freed widget, a segfault in the
   * normal build). */
  kt_store_set_idle_timeout (kt_window_get_store (*window), 0);
  if (kt_window_is_choosing_pin (*window))
    {
      /* First use of a keyring store: the PIN, twice. */
      gtk_editable_set_text (kt_window_get_passphrase_row (*window, TRUE), KT_APP_TEST_PIN);
      kt_app_test_unlock (*window, KT_APP_TEST_PIN);
      kt_app_test_wait_for (window_ready, *window, 30000, "the case list after the PIN");
    }
  return app;
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

void
kt_app_test_quit (KtApplication *app,
                  KtWindow      *window)
{
  gtk_window_close (GTK_WINDOW (window));
  kt_app_test_wait_for (no_windows, app, 10000, "the window to close");
  kt_app_test_iterate (50);
  g_object_unref (app);
}

static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title,
          guint      *nth)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    {
      if (*nth == 0)
        return widget;
      (*nth)--;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title, nth);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
kt_app_test_find_row (GtkWidget  *root,
                      const char *title,
                      guint       nth)
{
  return find_row (root, title, &nth);
}

GtkSwitch *
kt_app_test_row_switch (GtkWidget *row)
{
  GtkSwitch *toggle = g_object_get_data (G_OBJECT (row), "kt-switch");

  g_assert_nonnull (toggle);
  return toggle;
}

void
kt_app_test_type_text (GtkTextView *view,
                       const char  *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);

  gtk_widget_grab_focus (GTK_WIDGET (view));
  gtk_text_buffer_insert_at_cursor (buffer, text, -1);
  kt_app_test_iterate (5);
}

/* Names the widgets wider than @limit at their minimum: why a window
 * cannot be as narrow as asked. */
static void
report_wide (GtkWidget *widget,
             int        limit,
             int        depth)
{
  int minimum = 0;

  if (!gtk_widget_get_visible (widget))
    return;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  if (minimum <= limit)
    return;
  g_printerr ("%*s%s %d\n", depth, "", G_OBJECT_TYPE_NAME (widget), minimum);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    report_wide (child, limit, depth + 1);
}

static void
present_with_size (GtkWindow *window,
                   int        width,
                   int        height)
{
  /* A new surface takes the new default size; no window manager needed. */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  gtk_widget_unrealize (GTK_WIDGET (window));
  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);
  kt_app_test_iterate (300);
}

void
kt_app_test_resize (GtkWindow *window,
                    int        width,
                    int        height)
{
  int dw, dh;

  present_with_size (window, width, height);
  /* The default size counts the frame around the client-side decorations. */
  dw = width - gtk_widget_get_width (GTK_WIDGET (window));
  dh = height - gtk_widget_get_height (GTK_WIDGET (window));
  if (dw != 0 || dh != 0)
    present_with_size (window, width + dw, height + dh);
  if (gtk_widget_get_width (GTK_WIDGET (window)) != width ||
      gtk_widget_get_height (GTK_WIDGET (window)) != height)
    {
      report_wide (GTK_WIDGET (window), width, 0);
      g_error ("The window is %d×%d, not %d×%d", gtk_widget_get_width (GTK_WIDGET (window)),
             gtk_widget_get_height (GTK_WIDGET (window)), width, height);
    }
  /* Adaptive widgets (the view switcher title) settle on a second layout
   * at the same size. */
  gtk_widget_queue_resize (GTK_WIDGET (window));
  kt_app_test_iterate (300);
  present_with_size (window, width + dw, height + dh);
}

/* Renders @widget on the window background into @path. */
static void
save_widget_png (GtkWidget  *widget,
                 const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GdkRGBA background = { 1, 1, 1, 1 };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color", &background);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

void
kt_app_test_screenshot (GtkWindow  *window,
                        const char *name)
{
  const char *dir = g_getenv ("KT_SCREENSHOT_DIR");
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL || *dir == '\0')
    return;
  kt_app_test_iterate (300);
  g_mkdir_with_parents (dir, 0755);
  file = g_strdup_printf ("%s-%dx%d.png", name, gtk_widget_get_width (GTK_WIDGET (window)),
                          gtk_widget_get_height (GTK_WIDGET (window)));
  path = g_build_filename (dir, file, NULL);
  save_widget_png (GTK_WIDGET (window), path);
}

char *
kt_app_test_screenshot_widget (GtkWidget  *widget,
                               const char *name)
{
  const char *dir = g_getenv ("KT_SCREENSHOT_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL || *dir == '\0' || gtk_widget_get_width (widget) <= 0)
    return NULL;
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  save_widget_png (widget, path);
  return g_steal_pointer (&path);
}

void
kt_app_test_init (int    *argc,
                  char ***argv)
{
  g_autoptr(GtkCssProvider) css = NULL;

  gtk_test_init (argc, argv, NULL);
  /* gtk_test_init picks a fixed locale; take one that lets LANGUAGE choose. */
  setlocale (LC_ALL, "C.UTF-8");
  g_assert_true (kt_core_init ());
  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  adw_init ();

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/nl/wijkteam/Keukentafel/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean
child_shown (gpointer data)
{
  GtkWidget *child = data;
  int width = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (child), "kt-test-width"));

  return gtk_widget_get_mapped (child) && gtk_widget_get_width (child) >= width / 2;
}

GtkWindow *
kt_app_test_show (GtkWidget *child,
                  int        width,
                  int        height,
                  gboolean   dark)
{
  GtkWidget *window = adw_window_new ();

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  adw_window_set_content (ADW_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));

  g_object_set_data (G_OBJECT (child), "kt-test-width", GINT_TO_POINTER (width));
  kt_app_test_wait_for (child_shown, child, 30000, "the widget to be shown");
  /* No initial focus: a screenshot should not show a selected entry. */
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  /* Let idle relayouts and a few frames run. */
  kt_app_test_iterate (300);
  return GTK_WINDOW (window);
}

void
kt_app_test_close (GtkWindow *window)
{
  gtk_window_destroy (window);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  kt_app_test_iterate (20);
}

gboolean
kt_app_test_press_key (GtkWidget       *widget,
                       guint            keyval,
                       GdkModifierType  state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
          return handled;
        }
    }
  g_assert_not_reached ();
  return FALSE;
}

void
kt_app_test_activate (gpointer    widget,
                      const char *action,
                      GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (widget), action, parameter));
  kt_app_test_iterate (50);
}

void
kt_app_test_set_row_text (GtkWidget  *root,
                          const char *title,
                          guint       nth,
                          const char *text)
{
  GtkWidget *row = kt_app_test_find_row (root, title, nth);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  kt_app_test_iterate (5);
}

void
kt_app_test_init_for_app (int    *argc,
                          char ***argv)
{
  const char *localedir = g_getenv ("KT_LOCALEDIR");

  g_test_init (argc, argv, NULL);
  g_assert_true (kt_core_init ());
  setlocale (LC_ALL, "");
  if (localedir != NULL)
    bindtextdomain (GETTEXT_PACKAGE, localedir);
  textdomain (GETTEXT_PACKAGE);
}

/* The fixture */

void
kt_app_fixture_start (KtAppFixture *f)
{
  f->app = kt_app_test_start (&f->window);
}

void
kt_app_fixture_quit (KtAppFixture *f)
{
  kt_app_test_quit (f->app, f->window);
  f->app = NULL;
  f->window = NULL;
}

void
kt_app_fixture_set_up (KtAppFixture  *f,
                       gconstpointer  data)
{
  g_autofree char *path = NULL;

  f->dir = kt_test_tmpdir_new ("kt-app");
  path = g_build_filename (f->dir, "store.db", NULL);
  g_setenv ("KT_STORE_PATH", path, TRUE);
  kt_app_fixture_start (f);
}

void
kt_app_fixture_tear_down (KtAppFixture  *f,
                          gconstpointer  data)
{
  if (f->app != NULL)
    kt_app_fixture_quit (f);
  g_unsetenv ("KT_STORE_PATH");
  kt_test_tmpdir_free (f->dir);
}

KtCaseView *
kt_app_fixture_case_view (KtAppFixture *f)
{
  return kt_window_get_case_view (f->window);
}

KtIntakePage *
kt_app_fixture_intake (KtAppFixture *f)
{
  return kt_case_view_get_intake_page (kt_app_fixture_case_view (f));
}

KtConversationPage *
kt_app_fixture_conversation (KtAppFixture *f)
{
  return kt_case_view_get_conversation_page (kt_app_fixture_case_view (f));
}

KtDomainPage *
kt_app_fixture_domain (KtAppFixture *f)
{
  return kt_conversation_page_get_domain_page (kt_app_fixture_conversation (f));
}

void
kt_app_test_pick_date (gpointer    row,
                       const char *iso_date)
{
  g_autofree char *iso = g_strconcat (iso_date, "T12:00:00", NULL);
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (iso, local);

  g_assert_nonnull (when);
  /* GtkCalendar says day-selected, as for a click on the day. */
  gtk_calendar_select_day (kt_date_row_get_calendar (KT_DATE_ROW (row)), when);
  kt_app_test_iterate (5);
}

gboolean
kt_app_test_shows_label (GtkWidget  *widget,
                         const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (kt_app_test_shows_label (child, text))
      return TRUE;
  return FALSE;
}
