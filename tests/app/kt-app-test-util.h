/* kt-app-test-util.h: showing widgets under Xvfb and taking screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* GTK, libadwaita, the app's styles and its Dutch translation (when
 * LANGUAGE=nl) for a test program; call first. */
void       kt_app_test_init       (int    *argc,
                                   char ***argv);
/* Shows @child alone in a window of @width × @height, light or dark, and
 * waits until it is drawn (transfer none: the window owns itself). */
GtkWindow *kt_app_test_show       (GtkWidget *child,
                                   int        width,
                                   int        height,
                                   gboolean   dark);
/* Runs the main loop for @ms milliseconds. */
void       kt_app_test_wait       (guint ms);
/* Closes a window shown with kt_app_test_show and resets the colour scheme. */
void       kt_app_test_close      (GtkWindow *window);
/* Saves $KT_SCREENSHOT_DIR/@name.png of @widget when the variable is set;
 * returns the file written or NULL (transfer full). */
char      *kt_app_test_screenshot (GtkWidget  *widget,
                                   const char *name);
/* Sends a key press to the first key controller of @widget, as typing would. */
gboolean   kt_app_test_press_key  (GtkWidget       *widget,
                                   guint            keyval,
                                   GdkModifierType  state);

/* The first descendant of @root that is a preferences row titled @title, or NULL. */
GtkWidget *kt_app_test_find_row   (GtkWidget  *root,
                                   const char *title);

G_END_DECLS
