/* test-keyboard.c: a conversation done with the keyboard alone
 *
 * Runs the real app under Xvfb on a store in its own temp dir.  Every step
 * does what a key does: an application accelerator (Ctrl+N), Tab (moving
 * focus with gtk_widget_child_focus as GtkWindow does), Enter/Space
 * (gtk_widget_activate on the focus widget) and typing into the focused
 * text.  The model is checked after each step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "kt-core.h"
#include "kt-app-test.h"
#include "kt-case-view-private.h"
#include "kt-conversation-page-private.h"
#include "kt-domain-page-private.h"
#include "kt-intake-page-private.h"
#include "kt-text-field.h"
#include "kt-window-private.h"
#include "kt-test-util.h"

typedef gboolean (*FocusMatch) (GtkWidget *focus, gconstpointer data);

/* Presses Tab until @match holds for the focus widget of @root; fails when
 * a full round does not reach one. */
static GtkWidget *
tab_to (GtkRoot      *root,
        FocusMatch    match,
        gconstpointer data,
        const char   *what)
{
  for (guint i = 0; i < 400; i++)
    {
      GtkWidget *focus;

      /* At the end of the chain GtkWindow wraps to the start. */
      if (!gtk_widget_child_focus (GTK_WIDGET (root), GTK_DIR_TAB_FORWARD))
        {
          gtk_root_set_focus (root, NULL);
          gtk_widget_child_focus (GTK_WIDGET (root), GTK_DIR_TAB_FORWARD);
        }
      kt_app_test_iterate (1);
      focus = gtk_root_get_focus (root);
      if (focus != NULL && match (focus, data))
        return focus;
    }
  g_error ("Tab never reaches %s", what);
}

/* Enter or Space on @focus. */
static void
press_enter (GtkWidget *focus)
{
  g_assert_true (gtk_widget_activate (focus));
  /* A button's activation is an animated click of 250 ms. */
  kt_app_test_iterate (300);
}

static gboolean
has_action (GtkWidget     *focus,
            gconstpointer  action)
{
  return GTK_IS_ACTIONABLE (focus) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (focus)), action) == 0;
}

static gboolean
is_widget (GtkWidget     *focus,
           gconstpointer  widget)
{
  return focus == widget || gtk_widget_is_ancestor (focus, GTK_WIDGET (widget));
}

static gboolean
is_domain_row (GtkWidget     *focus,
               gconstpointer  page)
{
  return GTK_IS_LIST_BOX_ROW (focus) && gtk_widget_is_ancestor (focus, GTK_WIDGET (page)) &&
         gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (focus));
}

static gboolean
is_button_labelled (GtkWidget     *focus,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (focus) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (focus)), label) == 0;
}

static void
type_into_focus (GtkRoot    *root,
                 const char *text)
{
  GtkWidget *focus = gtk_root_get_focus (root);

  if (GTK_IS_TEXT_VIEW (focus))
    gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (GTK_TEXT_VIEW (focus)), text, -1);
  else
    {
      g_assert_true (GTK_IS_EDITABLE (focus));
      gtk_editable_set_text (GTK_EDITABLE (focus), text);
    }
  kt_app_test_iterate (10);
}

static void
test_conversation_by_keyboard (void)
{
  char *dir = kt_test_tmpdir_new ("kt-keyboard");
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  KtApplication *app;
  KtWindow *window;
  KtCaseView *view;
  KtConversationPage *page;
  KtConversation *conversation;
  KtDomainEntry *entry;
  AdwMessageDialog *dialog;
  gboolean refusal = TRUE;
  GtkRoot *root;
  g_autofree char *first = NULL;
  const char *skipped;
  GtkWidget *skip_button;
  GtkWidget *row;
  g_auto(GStrv) accels = NULL;

  g_setenv ("KT_STORE_PATH", path, TRUE);
  app = kt_app_test_start (&window);
  root = GTK_ROOT (window);
  view = kt_window_get_case_view (window);
  page = kt_case_view_get_conversation_page (view);

  /* Ctrl+N: a new case on its intake page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-case", NULL));
  kt_app_test_iterate (30);
  g_assert_cmpstr (kt_case_view_get_visible_page (view), ==, "intake");
  g_assert_nonnull (kt_case_view_get_case (view));

  /* Tab to the household name and type it. */
  tab_to (root, is_widget, kt_intake_page_get_household_row (kt_case_view_get_intake_page (view)), "the household");
  type_into_focus (root, "Familie Jansen");
  g_assert_cmpstr (kt_case_view_get_case (view)->household, ==, "Familie Jansen");

  /* Tab to "Start the conversation" and press Enter. */
  press_enter (tab_to (root, has_action, "intake.start-conversation", "the start button"));
  g_assert_cmpstr (kt_case_view_get_visible_page (view), ==, "conversation");
  conversation = kt_case_view_get_conversation (view);
  g_assert_nonnull (conversation);

  /* Tab to a domain in the list, Enter opens it. */
  press_enter (tab_to (root, is_domain_row, page, "a domain row"));
  g_assert_nonnull (kt_conversation_page_get_current (page));
  first = g_strdup (kt_conversation_page_get_current (page));

  /* Tab into "what goes well" and type: the domain is discussed. */
  tab_to (root, is_widget, kt_text_field_get_view (kt_domain_page_get_text_field (kt_conversation_page_get_domain_page (page), FALSE)),
          "what goes well");
  type_into_focus (root, "Gaat goed");
  g_assert_cmpstr (kt_conversation_page_get_current (page), ==, first);

  /* Tab to "Next", Enter: the text is kept, the domain discussed, the next one
   * open.  Passing the domain list on the way does not open its rows. */
  press_enter (tab_to (root, has_action, "conversation.next", "the next button"));
  entry = kt_conversation_find_entry (conversation, first);
  g_assert_cmpstr (entry->going_well, ==, "Gaat goed");
  g_assert_cmpint (entry->state, ==, KT_DOMAIN_DISCUSSED);
  g_assert_cmpstr (kt_conversation_page_get_current (page), !=, first);

  /* Tab to "Skip" (the domain open then is the one skipped), Enter; the
   * dialog takes the reason and its Skip button. */
  skip_button = tab_to (root, has_action, "conversation.skip", "the skip button");
  skipped = g_intern_string (kt_conversation_page_get_current (page));
  g_assert_cmpstr (skipped, !=, KT_SAFETY_DOMAIN_ID);
  press_enter (skip_button);
  dialog = kt_conversation_page_get_dialog (page, &refusal);
  g_assert_nonnull (dialog);
  g_assert_false (refusal);
  g_object_ref (dialog);
  kt_app_test_iterate (100);
  tab_to (GTK_ROOT (dialog), is_widget, adw_message_dialog_get_extra_child (dialog), "the reason");
  type_into_focus (GTK_ROOT (dialog), "Komt later aan bod");
  press_enter (tab_to (GTK_ROOT (dialog), is_button_labelled,
                       adw_message_dialog_get_response_label (dialog, "skip"), "the skip response"));
  g_object_unref (dialog);
  entry = kt_conversation_find_entry (conversation, skipped);
  g_assert_cmpint (entry->state, ==, KT_DOMAIN_SKIPPED);
  g_assert_cmpstr (entry->skip_reason, ==, "Komt later aan bod");

  /* Tab into the topic list, Home, Enter: "At a Glance", the coverage view. */
  row = tab_to (root, is_domain_row, page, "a domain row");
  g_signal_emit_by_name (gtk_widget_get_parent (row), "move-cursor", GTK_MOVEMENT_BUFFER_ENDS, -1, FALSE, FALSE);
  press_enter (gtk_root_get_focus (root));
  kt_app_test_iterate (30);
  g_assert_null (kt_conversation_page_get_current (page));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (kt_conversation_page_get_coverage_view (page))));

  /* Alt+Left: back to the households, the keyboard in their list. */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-list");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Alt>Left"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-list", NULL));
  kt_app_test_iterate (30);
  g_assert_nonnull (gtk_root_get_focus (root));
  g_assert_nonnull (gtk_widget_get_ancestor (gtk_root_get_focus (root), GTK_TYPE_LIST_VIEW));

  kt_app_test_quit (app, window);
  g_unsetenv ("KT_STORE_PATH");
  kt_test_tmpdir_free (dir);
}

static AdwViewStack *
find_view_stack (GtkWidget *widget)
{
  if (ADW_IS_VIEW_STACK (widget))
    return ADW_VIEW_STACK (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwViewStack *found = find_view_stack (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Alt+1, Alt+2, … open the household's pages in the order their tabs show
 * them: Verloop had no key of its own, and Alt+6 opened the seventh tab. */
static void
test_page_keys_follow_the_tabs (void)
{
  char *dir = kt_test_tmpdir_new ("kt-keyboard");
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GtkSelectionModel) pages = NULL;
  KtApplication *app;
  KtWindow *window;
  AdwViewStack *stack;
  guint tab = 0;

  g_setenv ("KT_STORE_PATH", path, TRUE);
  app = kt_app_test_start (&window);
  stack = find_view_stack (GTK_WIDGET (kt_window_get_case_view (window)));
  g_assert_nonnull (stack);
  pages = adw_view_stack_get_pages (stack);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      g_autofree char *action = NULL;
      g_autofree char *accel = NULL;
      g_auto(GStrv) accels = NULL;

      if (!adw_view_stack_page_get_visible (page))
        continue;
      tab++;
      action = g_strdup_printf ("win.show-page('%s')", adw_view_stack_page_get_name (page));
      accel = g_strdup_printf ("<Alt>%u", tab);
      accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);
      g_test_message ("tab %u: %s", tab, action);
      g_assert_true (g_strv_contains ((const char * const *) accels, accel));
    }
  g_assert_cmpuint (tab, ==, 7);

  kt_app_test_quit (app, window);
  g_unsetenv ("KT_STORE_PATH");
  kt_test_tmpdir_free (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());
  g_test_add_func ("/keyboard/conversation", test_conversation_by_keyboard);
  g_test_add_func ("/keyboard/page-keys-follow-the-tabs", test_page_keys_follow_the_tabs);
  return g_test_run ();
}
