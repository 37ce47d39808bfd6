/* test-a11y.c: every control of every page has an accessible name
 *
 * Runs the real app under Xvfb on a store in its own temp dir, opens a case
 * with a conversation and a plan with a goal and an action, shows each page of the case view (and the intaker
 * and supervisor views) and walks the widget tree.  A visible, sensitive
 * control counts as named only when it has an accessible label or a
 * labelled-by relation of its own, as GTK 4.8 names it (see is_named).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kt-core.h"
#include "kt-a11y.h"
#include "kt-preferences-window.h"
#include "kt-recovery-phrase.h"
#include "kt-recovery-phrase-dialog.h"
#include "kt-restore-key-dialog.h"
#include "kt-app-test.h"
#include "kt-case-view-private.h"
#include "kt-conversation-page-private.h"
#include "kt-goal-card.h"
#include "kt-intake-page-private.h"
#include "kt-intaker-view.h"
#include "kt-supervisor-view.h"
#include "kt-window-private.h"
#include "kt-test-util.h"

static gboolean
is_control (GtkWidget *widget)
{
  /* The window's own close button is GTK's business. */
  if (GTK_IS_WINDOW_CONTROLS (gtk_widget_get_parent (widget)))
    return FALSE;
  /* GTK 4.8 keeps a spin button's - and + out of the tree a screen reader
   * reads (role none): the spin button itself is raised and lowered. */
  if (GTK_IS_SPIN_BUTTON (gtk_widget_get_parent (widget)) &&
      gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) == GTK_ACCESSIBLE_ROLE_NONE)
    return FALSE;
  /* A list and an expander row take focus and a screen reader says their
   * name when it enters them (a list row is named by its title already). */
  return GTK_IS_LIST_BOX (widget) || ADW_IS_EXPANDER_ROW (widget) ||
         GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_TEXT (widget) ||
         GTK_IS_EDITABLE (widget) || GTK_IS_SWITCH (widget) || GTK_IS_DROP_DOWN (widget) ||
         GTK_IS_SCALE (widget) || GTK_IS_TEXT_VIEW (widget) || GTK_IS_CHECK_BUTTON (widget) ||
         (gtk_widget_get_focusable (widget) && g_str_has_prefix (G_OBJECT_TYPE_NAME (widget), "Kt"));
}

/* TRUE when @widget's labelled-by relation is exactly @label and @label
 * has text. */
static gboolean
labelled_by (GtkWidget *widget,
             GtkWidget *label)
{
  g_autofree char *mismatch = NULL;

  if (!GTK_IS_LABEL (label) || *gtk_label_get_text (GTK_LABEL (label)) == '\0')
    return FALSE;
  mismatch = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                                 label, NULL);
  return mismatch == NULL;
}

/* A label with text below @root that names @widget. */
static gboolean
labelled_by_below (GtkWidget *widget,
                   GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (labelled_by (widget, child) || labelled_by_below (widget, child))
      return TRUE;
  return FALSE;
}

/* GTK 4.8 names a control by its own accessible label or by a
 * labelled-by relation, and by nothing else: the labels inside a button,
 * the title of the row it sits in and its tooltip (which becomes the
 * description) are not its name, and a screen reader says "GtkButton".
 * So only those two count, and the relation only when it points at a
 * label with text: an icon button is "labelled by" its image, which
 * has no text, and is read as "GtkImage".  (GTK sets the label property
 * itself for a button's label.) */
static gboolean
has_own_name (GtkWidget *widget)
{
  g_autoptr(GList) mnemonics = NULL;

  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  if (!gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return FALSE;
  mnemonics = gtk_widget_list_mnemonic_labels (widget);
  for (GList *l = mnemonics; l != NULL; l = l->next)
    if (labelled_by (widget, l->data))
      return TRUE;
  /* A row's title, or a label inside the control. */
  for (GtkWidget *up = widget; up != NULL; up = gtk_widget_get_parent (up))
    {
      if (labelled_by_below (widget, up))
        return TRUE;
      if (ADW_IS_PREFERENCES_ROW (up))
        break;
    }
  return FALSE;
}

static gboolean
is_named (GtkWidget *widget)
{
  if (has_own_name (widget))
    return TRUE;
  /* The text inside an entry or an entry row has no role of its own
   * (GTK 4.8 leaves it out of the tree a screen reader reads): the
   * editable around it is read, by its name. */
  if (GTK_IS_TEXT (widget) &&
      gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) == GTK_ACCESSIBLE_ROLE_NONE)
    for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL; up = gtk_widget_get_parent (up))
      if (GTK_IS_EDITABLE (up))
        return is_named (up);
  return FALSE;
}

static char *
widget_path (GtkWidget *widget)
{
  GString *path = g_string_new (NULL);

  for (GtkWidget *up = widget; up != NULL; up = gtk_widget_get_parent (up))
    {
      g_autofree char *title = NULL;
      g_autofree char *step = NULL;

      /* Which row, which group: the types alone do not say. */
      if (ADW_IS_PREFERENCES_ROW (up) || ADW_IS_PREFERENCES_GROUP (up))
        g_object_get (up, "title", &title, NULL);
      step = g_strdup_printf ("%s%s%s%s(%s)%s", G_OBJECT_TYPE_NAME (up), title != NULL ? "'" : "",
                              title != NULL ? title : "", title != NULL ? "'" : "",
                              gtk_widget_get_css_name (up), up == widget ? "" : " > ");
      g_string_prepend (path, step);
    }
  return g_string_free (path, FALSE);
}

static void
collect_unnamed (GtkWidget *widget,
                 GPtrArray *unnamed)
{
  if (!gtk_widget_get_mapped (widget) || !gtk_widget_get_sensitive (widget))
    return;
  /* Popovers are checked when they open, not here. */
  if (GTK_IS_POPOVER (widget))
    return;
  if (is_control (widget) && !is_named (widget))
    g_ptr_array_add (unnamed, widget_path (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, unnamed);
}

static guint
report_unnamed (GtkWidget  *root,
                const char *where)
{
  g_autoptr(GPtrArray) unnamed = g_ptr_array_new_with_free_func (g_free);

  collect_unnamed (root, unnamed);
  for (guint i = 0; i < unnamed->len; i++)
    g_printerr ("Unnamed control on %s: %s\n", where, (char *) g_ptr_array_index (unnamed, i));
  return unnamed->len;
}

static GtkWidget *
find_of_type (GtkWidget *root,
              GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child : find_of_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_every_control_is_named (void)
{
  char *dir = kt_test_tmpdir_new ("kt-a11y");
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  static const char *pages[] = { "intake", "conversation", "wheel", "network", "plan", "report" };
  KtApplication *app;
  KtWindow *window;
  KtCaseView *view;
  KtConversationPage *conversation;
  guint n_unnamed = 0;

  g_setenv ("KT_STORE_PATH", path, TRUE);
  app = kt_app_test_start (&window);
  view = kt_window_get_case_view (window);
  n_unnamed += report_unnamed (GTK_WIDGET (window), "the case list");

  kt_app_test_activate (window, "win.new-case", NULL);
  gtk_editable_set_text (kt_intake_page_get_household_row (kt_case_view_get_intake_page (view)), "Familie A");
  kt_app_test_activate (kt_case_view_get_intake_page (view), "intake.start-conversation", NULL);
  conversation = kt_case_view_get_conversation_page (view);
  g_assert_nonnull (kt_case_view_get_conversation (view));
  /* A goal with an action, added after the window named its tree, as a
   * coach adds them: its card's lists and rows are named too. */
  {
    GtkWidget *plan = GTK_WIDGET (kt_case_view_get_plan_page (view));
    GtkWidget *card;

    kt_case_view_set_visible_page (view, "plan");
    kt_app_test_iterate (50);
    g_assert_true (gtk_widget_activate_action (plan, "plan.add-goal", NULL));
    card = find_of_type (plan, KT_TYPE_GOAL_CARD);
    g_assert_nonnull (card);
    kt_goal_card_add_action (KT_GOAL_CARD (card));
    kt_app_test_iterate (50);
  }

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      kt_case_view_set_visible_page (view, pages[i]);
      kt_app_test_iterate (50);
      g_assert_cmpstr (kt_case_view_get_visible_page (view), ==, pages[i]);
      n_unnamed += report_unnamed (GTK_WIDGET (window), pages[i]);
    }
  kt_case_view_set_visible_page (view, "conversation");
  kt_app_test_activate (conversation, "conversation.show-domain", g_variant_new_string ("geldzaken"));
  n_unnamed += report_unnamed (GTK_WIDGET (window), "a domain");
  kt_app_test_activate (conversation, "conversation.show-list", NULL);
  n_unnamed += report_unnamed (GTK_WIDGET (window), "the coverage view");

  /* The account key's dialogs and the Preferences with their "Keys" group. */
  {
    KtKeyController *keys = kt_window_get_key_controller (window);
    char *phrase = kt_recovery_phrase_new ();
    GtkWidget *dialogs[] = {
      kt_recovery_phrase_dialog_new (GTK_WINDOW (window), keys, phrase),
      kt_restore_key_dialog_new (GTK_WINDOW (window), keys),
      kt_preferences_window_new (GTK_WINDOW (window), kt_window_get_store (window), keys),
    };

    kt_recovery_phrase_free (phrase);
    for (guint i = 0; i < G_N_ELEMENTS (dialogs); i++)
      {
        GtkWidget *checked = dialogs[i];

        gtk_window_present (GTK_WINDOW (dialogs[i]));
        kt_app_test_iterate (200);
        g_assert_nonnull (checked);
        n_unnamed += report_unnamed (checked, G_OBJECT_TYPE_NAME (dialogs[i]));
        gtk_window_destroy (GTK_WINDOW (dialogs[i]));
      }
  }
  kt_app_test_quit (app, window);

  {
    GtkWidget *roles[] = { kt_intaker_view_new (), kt_supervisor_view_new () };

    for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
      {
        GtkWindow *host = GTK_WINDOW (gtk_window_new ());

        gtk_window_set_default_size (host, 1000, 800);
        gtk_window_set_child (host, roles[i]);
        gtk_window_present (host);
        kt_app_test_iterate (200);
        n_unnamed += report_unnamed (GTK_WIDGET (host), G_OBJECT_TYPE_NAME (roles[i]));
        gtk_window_destroy (host);
      }
  }

  g_unsetenv ("KT_STORE_PATH");
  kt_test_tmpdir_free (dir);
  g_assert_cmpuint (n_unnamed, ==, 0);
}

/* What counts as a name is what GTK 4.8 reads: a tooltip or a label
 * inside the button is not one. */
static void
test_only_an_own_name_counts (void)
{
  GtkWidget *icon, *labelled, *inside;

  gtk_init ();
  icon = g_object_ref_sink (gtk_button_new_from_icon_name ("list-add-symbolic"));
  labelled = g_object_ref_sink (gtk_button_new_with_mnemonic ("_Add"));
  inside = g_object_ref_sink (gtk_button_new ());

  gtk_widget_set_tooltip_text (icon, "Add");
  gtk_button_set_child (GTK_BUTTON (inside), gtk_label_new ("Add"));
  g_assert_false (is_named (icon));
  g_assert_false (is_named (inside));
  g_assert_true (is_named (labelled));
  kt_a11y_set_label (icon, "Add");
  g_assert_true (is_named (icon));
  g_object_unref (icon);
  g_object_unref (labelled);
  g_object_unref (inside);
}

int
main (int   argc,
      char *argv[])
{
  /* The suite runs with GTK_A11Y=none, whose contexts keep nothing; GTK's
   * test contexts keep every property and relation for has_own_name. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());
  g_test_add_func ("/a11y/only-an-own-name-counts", test_only_an_own_name_counts);
  g_test_add_func ("/a11y/every-control-is-named", test_every_control_is_named);
  return g_test_run ();
}
