/* kt-app-test.h: driving the real app and its widgets from a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-application.h"
#include "kt-case-view.h"
#include "kt-conversation-page.h"
#include "kt-domain-page.h"
#include "kt-intake-page.h"
#include "kt-window.h"

G_BEGIN_DECLS

typedef gboolean (*KtAppTestCondition) (gpointer data);

/* For tests that start the whole application (it sets GTK up itself):
 * g_test_init, the core, and the app's translations in the session's
 * language ($KT_LOCALEDIR points at the build tree's). */
void        kt_app_test_init_for_app (int    *argc,
                                      char ***argv);

/* Runs the main loop for @ms milliseconds. */
void        kt_app_test_iterate     (guint ms);
/* Runs the main loop until @condition holds; fails the test after
 * @timeout_ms. */
void        kt_app_test_wait_for    (KtAppTestCondition condition,
                                     gpointer           data,
                                     guint              timeout_ms,
                                     const char        *what);
/* Holds @store's records from another thread, as a save syncing to a slow
 * disk would (for at most ten seconds: code that waits for the store on
 * the main loop gets it back then), and counts the turns of a 10 ms timer
 * while it is held. */
void        kt_app_test_hold_store    (KtStore *store);
/* Runs the main loop until the timer has fired @wanted times while the
 * store is held, or for five seconds; returns how often it fired. */
guint       kt_app_test_tick_while_held (guint wanted);
/* Lets the store go and stops the timer. */
void        kt_app_test_release_store (void);
/* Whether a label under @widget reads @text. */
gboolean    kt_app_test_shows_label   (GtkWidget  *widget,
                                       const char *text);

/* The PIN kt_app_test_start chooses on a new store's first use. */
#define KT_APP_TEST_PIN "2468"

/* A registered, activated app whose window has opened its store at
 * $KT_STORE_PATH and filled the case list; on a new keyring store it
 * chooses KT_APP_TEST_PIN first, as a user would. */
KtApplication *kt_app_test_start    (KtWindow **window);
/* Types @secret into the lock page's field, presses Unlock and waits until
 * the worker has answered (unlocked or not). */
void        kt_app_test_unlock      (KtWindow   *window,
                                     const char *secret);
/* Closes the window (it flushes the store) and drops the app. */
void        kt_app_test_quit        (KtApplication *app,
                                     KtWindow      *window);
/* The @nth (from 0) AdwPreferencesRow under @root titled @title, or NULL. */
GtkWidget  *kt_app_test_find_row    (GtkWidget  *root,
                                     const char *title,
                                     guint       nth);
/* Activates @action (with @parameter, or NULL) on @widget as its button or
 * shortcut would, and lets the app react. */
void        kt_app_test_activate    (gpointer    widget,
                                     const char *action,
                                     GVariant   *parameter);
/* Types @text into the @nth row titled @title under @root (an entry row). */
void        kt_app_test_set_row_text (GtkWidget  *root,
                                      const char *title,
                                      guint       nth,
                                      const char *text);
/* The switch of an AdwActionRow made by kt_app_switch_row_new. */
GtkSwitch  *kt_app_test_row_switch  (GtkWidget *row);
/* Picks @iso_date on @row's calendar as a user would (KtDateRow). */
void        kt_app_test_pick_date   (gpointer    row,
                                     const char *iso_date);
/* Types into a text view as a user would. */
void        kt_app_test_type_text   (GtkTextView *view,
                                     const char  *text);
/* Saves a PNG of @window as $KT_SCREENSHOT_DIR/@name.png when that is set. */
void        kt_app_test_screenshot  (GtkWindow  *window,
                                     const char *name);
/* Saves $KT_SCREENSHOT_DIR/@name.png of any widget when that is set;
 * returns the file written or NULL (transfer full). */
char       *kt_app_test_screenshot_widget (GtkWidget  *widget,
                                           const char *name);

/* For tests of single widgets without the app: GTK, libadwaita, the app's
 * styles and its Dutch from the build tree (when LANGUAGE=nl); call first. */
void        kt_app_test_init        (int    *argc,
                                     char ***argv);
/* Shows @child alone in a window of @width × @height, light or dark, and
 * waits until it is drawn (transfer none: the window owns itself). */
GtkWindow  *kt_app_test_show        (GtkWidget *child,
                                     int        width,
                                     int        height,
                                     gboolean   dark);
/* Closes a window from kt_app_test_show and resets the colour scheme. */
void        kt_app_test_close       (GtkWindow *window);
/* Sends a key press to the first key controller of @widget, as typing would. */
gboolean    kt_app_test_press_key   (GtkWidget       *widget,
                                     guint            keyval,
                                     GdkModifierType  state);

/* Resizes @window and waits until it has the new size. */
void        kt_app_test_resize      (GtkWindow *window,
                                     int        width,
                                     int        height);

/* A test's own store in a temp dir ($KT_STORE_PATH) and the app started on
 * it; for g_test_add with kt_app_fixture_set_up and _tear_down. */
typedef struct {
  char          *dir;
  KtApplication *app;
  KtWindow      *window;
} KtAppFixture;

void                kt_app_fixture_set_up       (KtAppFixture  *f,
                                                 gconstpointer  data);
void                kt_app_fixture_tear_down    (KtAppFixture  *f,
                                                 gconstpointer  data);
/* Starts the app again on the same store, or quits it (drafts flushed). */
void                kt_app_fixture_start        (KtAppFixture  *f);
void                kt_app_fixture_quit         (KtAppFixture  *f);
/* The open case's view and its pages. */
KtCaseView         *kt_app_fixture_case_view    (KtAppFixture  *f);
KtIntakePage       *kt_app_fixture_intake       (KtAppFixture  *f);
KtConversationPage *kt_app_fixture_conversation (KtAppFixture  *f);
KtDomainPage       *kt_app_fixture_domain       (KtAppFixture  *f);

G_END_DECLS
