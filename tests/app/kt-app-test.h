/* kt-app-test.h: driving the real app and its widgets from a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-application.h"
#include "kt-window.h"

G_BEGIN_DECLS

typedef gboolean (*KtAppTestCondition) (gpointer data);

/* Runs the main loop for @ms milliseconds. */
void        kt_app_test_iterate     (guint ms);
/* Runs the main loop until @condition holds; fails the test after
 * @timeout_ms. */
void        kt_app_test_wait_for    (KtAppTestCondition condition,
                                     gpointer           data,
                                     guint              timeout_ms,
                                     const char        *what);
/* A registered, activated app whose window has opened its store at
 * $KT_STORE_PATH and filled the case list. */
KtApplication *kt_app_test_start    (KtWindow **window);
/* Closes the window (it flushes the store) and drops the app. */
void        kt_app_test_quit        (KtApplication *app,
                                     KtWindow      *window);
/* The @nth (from 0) AdwPreferencesRow under @root titled @title, or NULL. */
GtkWidget  *kt_app_test_find_row    (GtkWidget  *root,
                                     const char *title,
                                     guint       nth);
/* The switch of an AdwActionRow made by kt_app_switch_row_new. */
GtkSwitch  *kt_app_test_row_switch  (GtkWidget *row);
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

G_END_DECLS
