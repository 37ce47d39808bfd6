/* kt-a11y.h: accessible names for controls without a visible label
 *
 * GTK 4.8 names a control only by its own accessible label (or a
 * labelled-by relation): the labels inside a button, the title of the row
 * it sits in and its tooltip are not its name (the tooltip becomes the
 * description), so a screen reader says "GtkButton".  These helpers give
 * each such control a name of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Gives @widget the accessible label @text (for screen readers) and keeps
 * it readable for tests through kt_a11y_get_label. */
void        kt_a11y_set_label         (GtkWidget   *widget,
                                       const char  *text);
/* The label set with kt_a11y_set_label, or NULL. */
const char *kt_a11y_get_label         (GtkWidget   *widget);
/* Names each row of @view, as it is bound, by the text of the labels in
 * it; GTK 4.8 leaves the row of a list view without a name. */
void        kt_a11y_name_list_items   (GtkListView *view);
/* Names the row around @child (a list view's item) again, by the text of
 * its labels, when they changed after it was bound. */
void        kt_a11y_rename_list_row   (GtkWidget   *child);
/* The same for the list in the popover of a combo row or drop-down, and
 * names that list by the row's title. */
void        kt_a11y_name_choice_list  (GtkWidget   *combo);
/* Names a list box row by the text of the labels in it. */
void        kt_a11y_name_from_content (GtkWidget   *widget);
/* Names what libadwaita 1.2 leaves without a name below @root: expander
 * rows and the lists of groups by their titles, the eye button of a
 * password row, the choices of combo rows.  Call it when widgets were
 * added. */
void        kt_a11y_fix_tree          (GtkWidget   *root);
/* A toast that shows @text as it is (transfer floating): libadwaita 1.2
 * reads a toast's title as markup, so a name with "&" or "<" in it would
 * not show, or would show as markup. */
AdwToast   *kt_a11y_toast_new         (const char      *text);
/* adw_toast_set_title with @text as it is. */
void        kt_a11y_toast_set_text    (AdwToast        *toast,
                                       const char      *text);
/* adw_toast_overlay_add_toast, and names the toast's close button. */
void        kt_a11y_add_toast         (AdwToastOverlay *overlay,
                                       AdwToast        *toast);

G_END_DECLS
