/* test-window.c: the real app under Xvfb, driven through its widgets
 *
 * Each test runs KtApplication and KtWindow in this process on a store in
 * its own temp dir ($KT_STORE_PATH), with the real gnome-keyring of the
 * session wrapper.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <sqlite3.h>
#include <string.h>
#include <glib/gi18n.h>

#include "kt-core.h"
#include "kt-add-button.h"
#include "kt-app-test.h"
#include "kt-app-util.h"
#include "kt-case-item.h"
#include "kt-case-row.h"
#include "kt-case-view-private.h"
#include "kt-a11y.h"
#include "kt-consent-row.h"
#include "kt-inzage.h"
#include "kt-inzage-window.h"
#include "kt-report-page.h"
#include "kt-store-private.h"
#include "kt-conversation-page-private.h"
#include "kt-domain-page-private.h"
#include "kt-intake-page-private.h"
#include "kt-text-field.h"
#include "kt-window-private.h"
#include "kt-test-util.h"

/* Row titles as the app shows them in the language the test runs in. */
#define T(s) g_dgettext (GETTEXT_PACKAGE, s)

typedef KtAppFixture Fixture;

static void
type_into (KtTextField *field,
           const char  *text)
{
  kt_app_test_type_text (kt_text_field_get_view (field), text);
}

static void
set_row_switch (GtkWidget  *root,
                const char *title,
                guint       nth,
                gboolean    active)
{
  GtkWidget *row = kt_app_test_find_row (root, title, nth);

  g_assert_nonnull (row);
  gtk_switch_set_active (kt_app_test_row_switch (row), active);
  kt_app_test_iterate (5);
}

/* The household chosen last has been read and is in the case view. */
static gboolean
case_opened (gpointer window)
{
  return !kt_window_is_opening_case (window);
}

static KtCase *
new_case (Fixture    *f,
          const char *household)
{
  kt_app_test_activate (f->window, "win.new-case", NULL);
  g_assert_cmpstr (kt_case_view_get_visible_page (kt_app_fixture_case_view (f)), ==, "intake");
  if (household != NULL)
    gtk_editable_set_text (kt_intake_page_get_household_row (kt_app_fixture_intake (f)), household);
  kt_app_test_iterate (5);
  return kt_case_view_get_case (kt_app_fixture_case_view (f));
}

static void
add_member (Fixture    *f,
            guint       index,
            const char *name,
            const char *year,
            const char *relation)
{
  GtkWidget *row;

  kt_app_test_activate (kt_app_fixture_intake (f), "intake.add-member", NULL);
  row = kt_intake_page_get_row (kt_app_fixture_intake (f), FALSE, index);
  g_assert_nonnull (row);
  kt_app_test_set_row_text (row, T ("Name"), 0, name);
  kt_app_test_set_row_text (row, T ("Year of birth"), 0, year);
  kt_app_test_set_row_text (row, T ("Relation to the applicant"), 0, relation);
}

static void
show_domain (Fixture    *f,
             const char *domain_id)
{
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.show-domain", g_variant_new_string (domain_id));
  g_assert_cmpstr (kt_conversation_page_get_current (kt_app_fixture_conversation (f)), ==, domain_id);
}

static void
discuss (Fixture    *f,
         const char *domain_id,
         const char *going_well)
{
  show_domain (f, domain_id);
  type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), FALSE), going_well);
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.next", NULL);
}

static guint
entry_index (KtConversation *conversation,
             const char     *domain_id)
{
  for (guint i = 0; i < conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (conversation->entries, i);

      if (g_strcmp0 (entry->domain_id, domain_id) == 0)
        return i;
    }
  g_assert_not_reached ();
}

/* Answers the dialog that is shown, and makes sure it goes away. */
static void
answer_dialog (AdwMessageDialog *dialog,
               const char       *response)
{
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  kt_app_test_iterate (20);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  kt_app_test_iterate (20);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + strlen (needle) <= length; i++)
    if (memcmp (contents + i, needle, strlen (needle)) == 0)
      return TRUE;
  return FALSE;
}

static void
test_conversation_survives_a_restart (Fixture       *f,
                                      gconstpointer  data)
{
  KtCase *kase;
  KtConversation *conversation;
  KtDomainEntry *entry;
  AdwMessageDialog *dialog;
  gboolean refusal = FALSE;
  g_autofree char *store_path = g_strdup (g_getenv ("KT_STORE_PATH"));
  g_autofree char *wal_path = g_strconcat (store_path, "-wal", NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const char *open_message;
  guint meedoen_index;
  KtCaseItem *item;

  /* The request, own strength first. */
  kase = new_case (f, "Familie Jansen");
  type_into (kt_intake_page_get_own_strength_field (kt_app_fixture_intake (f)), "Buurvrouw Els doet boodschappen");
  type_into (kt_intake_page_get_question_field (kt_app_fixture_intake (f)), "We komen niet rond sinds de ontslagbrief");
  kt_app_test_pick_date (kt_intake_page_get_date_row (kt_app_fixture_intake (f)), "2026-10-01");
  kt_app_test_iterate (5);
  /* The safety line speaks of children only once the household has them. */
  {
    GtkWidget *safety = gtk_widget_get_ancestor (GTK_WIDGET (kt_intake_page_get_safety_switch (kt_app_fixture_intake (f))),
                                                 ADW_TYPE_ACTION_ROW);

    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (safety)), ==,
                     T ("Every member is asked about safety"));
    add_member (f, 0, "Anna Jansen", "2016", "kind");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (safety)), ==,
                     T ("Every member is asked about safety, children first"));
  }
  add_member (f, 1, "Piet Jansen", "1980", "zelf");
  g_assert_cmpuint (kase->members->len, ==, 2);
  g_assert_cmpstr (kase->household, ==, "Familie Jansen");
  g_assert_cmpstr (kase->request.date, ==, "2026-10-01");
  kt_app_test_screenshot (GTK_WINDOW (f->window), "intake");

  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  g_assert_cmpstr (kt_case_view_get_visible_page (kt_app_fixture_case_view (f)), ==, "conversation");
  g_assert_cmpint (kase->phase, ==, KT_PHASE_CONVERSATION);
  conversation = kt_case_view_get_conversation (kt_app_fixture_case_view (f));
  g_assert_nonnull (conversation);
  g_assert_cmpuint (conversation->entries->len, >=, 14);

  /* The coach moves "meedoen" one place up. */
  meedoen_index = entry_index (conversation, "meedoen");
  show_domain (f, "meedoen");
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.move-up", NULL);
  g_assert_cmpuint (entry_index (conversation, "meedoen"), ==, meedoen_index - 1);

  /* Money: what goes well, a level and who helps. */
  show_domain (f, "geldzaken");
  type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), FALSE), "Vaste lasten worden betaald");
  gtk_toggle_button_set_active (kt_domain_page_get_level_button (kt_app_fixture_domain (f), 3), TRUE);
  gtk_toggle_button_set_active (kt_domain_page_get_helper_button (kt_app_fixture_domain (f), 1), TRUE);
  kt_app_test_iterate (5);
  entry = kt_conversation_find_entry (conversation, "geldzaken");
  g_assert_cmpint (entry->level, ==, 3);
  g_assert_cmpuint (entry->helpers, ==, KT_HELPER_NETWORK);
  g_assert_cmpint (entry->state, ==, KT_DOMAIN_DISCUSSED);
  kt_app_test_screenshot (GTK_WINDOW (f->window), "domain");

  /* Skipping needs a reason. */
  show_domain (f, "justitie");
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.skip", NULL);
  dialog = kt_conversation_page_get_dialog (kt_app_fixture_conversation (f), &refusal);
  g_assert_nonnull (dialog);
  g_assert_false (refusal);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "skip"));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Komt later aan bod");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "skip"));
  answer_dialog (dialog, "skip");
  entry = kt_conversation_find_entry (conversation, "justitie");
  g_assert_cmpint (entry->state, ==, KT_DOMAIN_SKIPPED);
  g_assert_cmpstr (entry->skip_reason, ==, "Komt later aan bod");

  /* Safety is never skipped. */
  show_domain (f, KT_SAFETY_DOMAIN_ID);
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.skip", NULL);
  dialog = kt_conversation_page_get_dialog (kt_app_fixture_conversation (f), &refusal);
  g_assert_nonnull (dialog);
  g_assert_true (refusal);
  answer_dialog (dialog, "close");
  g_assert_cmpint (kt_conversation_find_entry (conversation, KT_SAFETY_DOMAIN_ID)->state, ==, KT_DOMAIN_NOT_YET);

  /* Every member's safety, children first. */
  set_row_switch (GTK_WIDGET (kt_app_fixture_domain (f)), T ("Asked about safety"), 0, TRUE);
  set_row_switch (GTK_WIDGET (kt_app_fixture_domain (f)), T ("Asked about safety"), 1, TRUE);
  g_assert_cmpuint (conversation->safety_checks->len, ==, 2);
  g_assert_cmpstr (((KtSafetyCheck *) g_ptr_array_index (conversation->safety_checks, 0))->member_id, ==,
                   ((KtMember *) g_ptr_array_index (kase->members, 0))->id);
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.next", NULL);

  /* Every other domain but "werk". */
  for (guint i = 0; i < conversation->entries->len; i++)
    {
      entry = g_ptr_array_index (conversation->entries, i);
      if (entry->state == KT_DOMAIN_NOT_YET && g_strcmp0 (entry->domain_id, "werk") != 0)
        g_ptr_array_add (ids, g_strdup (entry->domain_id));
    }
  for (guint i = 0; i < ids->len; i++)
    discuss (f, g_ptr_array_index (ids, i), "Gaat goed");

  /* Completing is refused while "werk" is open, and says so. */
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.complete", NULL);
  g_assert_false (conversation->complete);
  open_message = kt_coverage_view_get_open_message (kt_conversation_page_get_coverage_view (kt_app_fixture_conversation (f)));
  g_assert_nonnull (open_message);
  g_assert_nonnull (strstr (open_message, kt_catalogue_lookup (kt_case_view_get_catalogue (kt_app_fixture_case_view (f)), "werk")->name));
  kt_app_test_screenshot (GTK_WINDOW (f->window), "coverage");

  discuss (f, "werk", "Werkt drie dagen");
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.complete", NULL);
  g_assert_true (conversation->complete);
  g_assert_cmpint (kase->phase, ==, KT_PHASE_PLAN);

  /* Quit and start again: everything comes back from the store. */
  kt_app_fixture_quit (f);
  g_assert_false (file_contains (store_path, "Familie Jansen"));
  g_assert_false (file_contains (wal_path, "Familie Jansen"));
  g_assert_false (file_contains (store_path, "ontslagbrief"));
  kt_app_fixture_start (f);

  g_assert_cmpuint (g_list_model_get_n_items (kt_window_get_case_model (f->window)), ==, 1);
  item = g_list_model_get_item (kt_window_get_case_model (f->window), 0);
  g_assert_cmpstr (kt_case_item_get_household (item), ==, "Familie Jansen");
  g_object_unref (item);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (kt_window_get_case_model (f->window)), 0);
  kt_app_test_wait_for (case_opened, f->window, 10000, "the household to open");

  kase = kt_case_view_get_case (kt_app_fixture_case_view (f));
  g_assert_nonnull (kase);
  g_assert_cmpstr (kase->household, ==, "Familie Jansen");
  g_assert_cmpstr (kase->request.own_strength, ==, "Buurvrouw Els doet boodschappen");
  g_assert_cmpstr (kase->request.question, ==, "We komen niet rond sinds de ontslagbrief");
  g_assert_cmpuint (kase->members->len, ==, 2);
  g_assert_cmpint (kase->phase, ==, KT_PHASE_PLAN);
  conversation = kt_case_view_get_conversation (kt_app_fixture_case_view (f));
  g_assert_true (conversation->complete);
  g_assert_cmpuint (entry_index (conversation, "meedoen"), ==, meedoen_index - 1);
  entry = kt_conversation_find_entry (conversation, "justitie");
  g_assert_cmpint (entry->state, ==, KT_DOMAIN_SKIPPED);
  g_assert_cmpstr (entry->skip_reason, ==, "Komt later aan bod");
  entry = kt_conversation_find_entry (conversation, "geldzaken");
  g_assert_cmpstr (entry->going_well, ==, "Vaste lasten worden betaald");
  g_assert_cmpint (entry->level, ==, 3);
  g_assert_cmpstr (kt_conversation_find_entry (conversation, "werk")->going_well, ==, "Werkt drie dagen");
}

/* Typing changes the conversation at every key; the column of domains is
 * made again only when a domain's mark changes (issue 22: making every row
 * and tile again at each key made each typing frame 40-60 ms). */
static void
test_typing_keeps_the_rows_of_domains (Fixture       *f,
                                       gconstpointer  data)
{
  KtConversationPage *page;
  GtkWidget *row;
  GtkWidget *other;

  new_case (f, "Familie De Vries");
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  page = kt_app_fixture_conversation (f);
  show_domain (f, "geldzaken");
  type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), FALSE), "Vaste lasten");
  row = kt_conversation_page_get_domain_row (page, "geldzaken");
  other = kt_conversation_page_get_domain_row (page, "wonen");
  g_assert_nonnull (row);
  g_assert_nonnull (other);
  g_object_add_weak_pointer (G_OBJECT (row), (gpointer *) &row);
  g_object_add_weak_pointer (G_OBJECT (other), (gpointer *) &other);

  type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), FALSE), " worden betaald");
  g_assert_true (row == kt_conversation_page_get_domain_row (page, "geldzaken"));
  g_assert_true (other == kt_conversation_page_get_domain_row (page, "wonen"));
  g_assert_true (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (row)));

  /* A concern marks the domain: its row says so from now on, told what to
   * show rather than made again. */
  type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), TRUE), "Huurachterstand");
  g_assert_true (row == kt_conversation_page_get_domain_row (page, "geldzaken"));
  g_assert_true (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (row)));
  g_assert_true (kt_app_test_shows_label (row, kt_app_mark_label (KT_APP_MARK_CONCERN)));

  /* Another household has the same domains: the rows are kept, each
   * showing that household's marks (making 14 rows again, and shaping
   * their text, was most of opening a household; issue 22). */
  new_case (f, "Familie Bakker");
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  g_assert_true (row == kt_conversation_page_get_domain_row (page, "geldzaken"));
  g_assert_true (other == kt_conversation_page_get_domain_row (page, "wonen"));
  g_assert_false (kt_app_test_shows_label (row, kt_app_mark_label (KT_APP_MARK_CONCERN)));
  g_assert_true (kt_app_test_shows_label (row, kt_app_mark_label (KT_APP_MARK_NOT_YET)));
  g_object_remove_weak_pointer (G_OBJECT (row), (gpointer *) &row);
  g_object_remove_weak_pointer (G_OBJECT (other), (gpointer *) &other);
}

static void
test_concern_suggests_related_domains (Fixture       *f,
                                       gconstpointer  data)
{
  KtCatalogue *catalogue;
  const KtDomain *money;
  GtkLabel *label;
  GVariant *target;
  const char *first;

  new_case (f, "Familie De Vries");
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  catalogue = kt_case_view_get_catalogue (kt_app_fixture_case_view (f));
  money = kt_catalogue_lookup (catalogue, "geldzaken");
  g_assert_nonnull (money->related);
  g_assert_nonnull (money->related[0]);

  show_domain (f, "geldzaken");
  g_assert_null (kt_domain_page_get_related_label (kt_app_fixture_domain (f)));
  type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), TRUE), "Huurachterstand van drie maanden");
  label = kt_domain_page_get_related_label (kt_app_fixture_domain (f));
  g_assert_nonnull (label);
  /* Every related domain the conversation holds; a household without
   * members has no children, so no Opvoeding (issue 16). */
  for (guint i = 0; money->related[i] != NULL; i++)
    {
      const char *name = kt_catalogue_lookup (catalogue, money->related[i])->name;

      if (kt_conversation_find_entry (kt_case_view_get_conversation (kt_app_fixture_case_view (f)),
                                      money->related[i]) != NULL)
        g_assert_nonnull (strstr (gtk_label_get_label (label), name));
      else
        g_assert_null (strstr (gtk_label_get_label (label), name));
    }
  g_assert_null (kt_conversation_find_entry (kt_case_view_get_conversation (kt_app_fixture_case_view (f)),
                                            "opvoeding"));

  /* The button opens the first related domain; once it is discussed it is
   * no longer suggested. */
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (kt_domain_page_get_related_button (kt_app_fixture_domain (f))));
  first = g_variant_get_string (target, NULL);
  g_assert_cmpstr (first, ==, money->related[0]);
  g_signal_emit_by_name (kt_domain_page_get_related_button (kt_app_fixture_domain (f)), "clicked");
  kt_app_test_iterate (20);
  g_assert_cmpstr (kt_conversation_page_get_current (kt_app_fixture_conversation (f)), ==, money->related[0]);
  type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), FALSE), "Fijn huis");
  show_domain (f, "geldzaken");
  label = kt_domain_page_get_related_label (kt_app_fixture_domain (f));
  if (money->related[1] != NULL)
    {
      g_assert_nonnull (label);
      g_assert_null (strstr (gtk_label_get_label (label),
                             kt_catalogue_lookup (catalogue, money->related[0])->name));
    }

  /* A safety flag brings up the safety domain first. */
  show_domain (f, "wonen");
  gtk_switch_set_active (kt_domain_page_get_safety_switch (kt_app_fixture_domain (f)), TRUE);
  kt_app_test_iterate (5);
  label = kt_domain_page_get_related_label (kt_app_fixture_domain (f));
  g_assert_nonnull (label);
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (kt_domain_page_get_related_button (kt_app_fixture_domain (f))));
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, KT_SAFETY_DOMAIN_ID);
}

static void
count_change (guint *changes)
{
  (*changes)++;
}

static void
test_deadlines_follow_the_request_date_and_settings (Fixture       *f,
                                                     gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  KtCase *kase;
  KtDateRow *date_row;
  const char *subtitle;
  g_autofree char *words = NULL;

  kase = new_case (f, "Familie Yilmaz");
  date_row = kt_intake_page_get_date_row (kt_app_fixture_intake (f));
  kt_app_test_pick_date (date_row, "2026-01-28");
  /* Shown in words, never as YYYY-MM-DD; a required date has no clear button. */
  words = kt_format_date ("2026-01-28", KT_DATE_WEEKDAY);
  g_assert_cmpstr (kt_date_row_get_text (date_row), ==, words);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (kt_date_row_get_clear_button (date_row))));
  /* Each part is named with the row's title: GTK 4.8 names none. */
  {
    g_autofree char *name = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "%s: %s"),
                                             T ("Date of the request"), words);
    g_autofree char *calendar = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Calendar for %s"),
                                                 T ("Date of the request"));
    /* As kt_a11y_set_label gave it to GTK's accessible label property. */
    g_assert_cmpstr (kt_a11y_get_label (GTK_WIDGET (kt_date_row_get_button (date_row))), ==, name);
    /* The calendar sits in a popover not yet shown: its name as set. */
    g_assert_cmpstr (kt_a11y_get_label (GTK_WIDGET (kt_date_row_get_calendar (date_row))), ==, calendar);
  }
  /* An optional date can be cleared again, with a named button. */
  {
    GtkWidget *window = gtk_window_new ();
    GtkWidget *until = kt_date_row_new ("Tot en met", TRUE);
    GtkButton *clear = kt_date_row_get_clear_button (KT_DATE_ROW (until));
    guint changes = 0;
    g_autofree char *clear_name = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Clear %s"), "Tot en met");
    GtkWidget *list = gtk_list_box_new ();

    gtk_list_box_append (GTK_LIST_BOX (list), until);
    gtk_window_set_child (GTK_WINDOW (window), list);
    gtk_window_present (GTK_WINDOW (window));
    kt_app_test_iterate (20);
    g_signal_connect_swapped (until, "changed", G_CALLBACK (count_change), &changes);
    g_assert_null (kt_date_row_get_date (KT_DATE_ROW (until)));
    /* No calendar is made until the button opens one (a plan page has
     * several date rows; issue 22), and then it is named. */
    {
      GtkMenuButton *button = kt_date_row_get_button (KT_DATE_ROW (until));
      g_autofree char *calendar_name = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Calendar for %s"),
                                                        "Tot en met");
      GtkPopover *popover;

      g_assert_null (gtk_menu_button_get_popover (button));
      gtk_menu_button_popup (button);
      kt_app_test_iterate (20);
      popover = gtk_menu_button_get_popover (button);
      g_assert_nonnull (popover);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
      g_assert_true (GTK_IS_CALENDAR (gtk_popover_get_child (popover)));
      g_assert_cmpstr (kt_a11y_get_label (gtk_popover_get_child (popover)), ==, calendar_name);
      gtk_menu_button_popdown (button);
      kt_app_test_iterate (20);
    }
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (clear)));
    kt_app_test_pick_date (until, "2027-03-01");
    g_assert_cmpstr (kt_date_row_get_date (KT_DATE_ROW (until)), ==, "2027-03-01");
    g_assert_cmpuint (changes, ==, 1);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (clear)));
    g_assert_cmpstr (kt_a11y_get_label (GTK_WIDGET (clear)), ==, clear_name);
    g_signal_emit_by_name (clear, "clicked");
    g_assert_null (kt_date_row_get_date (KT_DATE_ROW (until)));
    g_assert_cmpuint (changes, ==, 2);
    /* Setting a date from the record is not an edit. */
    kt_date_row_set_date (KT_DATE_ROW (until), "2027-04-01");
    g_assert_cmpuint (changes, ==, 2);
    gtk_window_destroy (GTK_WINDOW (window));
  }
  g_assert_cmpstr (kase->conversation_deadline, ==, "2026-03-11");
  g_assert_cmpstr (kase->own_plan_deadline, ==, "2026-02-04");
  subtitle = adw_action_row_get_subtitle (kt_intake_page_get_deadline_row (kt_app_fixture_intake (f), FALSE));
  g_assert_nonnull (subtitle);
  g_assert_nonnull (strstr (subtitle, "2026"));

  /* The periods are settings. */
  g_settings_set_int (settings, "conversation-period-days", 10);
  g_settings_set_int (settings, "own-plan-period-days", 3);
  kt_app_test_pick_date (date_row, "2026-01-29");
  g_assert_cmpstr (kase->conversation_deadline, ==, "2026-02-08");
  g_assert_cmpstr (kase->own_plan_deadline, ==, "2026-02-01");

  g_settings_reset (settings, "conversation-period-days");
  g_settings_reset (settings, "own-plan-period-days");
}

static void
test_sharing_without_consent_needs_reasoning (Fixture       *f,
                                              gconstpointer  data)
{
  KtCase *kase;
  GtkWidget *row;
  KtConsent *consent;

  kase = new_case (f, "Familie Bakker");
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.add-consent", NULL);
  row = kt_intake_page_get_row (kt_app_fixture_intake (f), TRUE, 0);
  g_assert_nonnull (row);
  kt_app_test_set_row_text (row, T ("Purpose"), 0, "Gegevens delen met de huisarts");
  set_row_switch (row, T ("Share without consent"), 0, TRUE);
  consent = g_ptr_array_index (kase->consents, 0);
  g_assert_true (consent->share_without_consent);
  g_assert_nonnull (kt_intake_page_get_consent_error (kt_app_fixture_intake (f)));
  g_assert_false (kt_case_check_consents (kase, NULL));

  /* The conversation cannot start while the reasoning is missing. */
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  g_assert_cmpstr (kt_case_view_get_visible_page (kt_app_fixture_case_view (f)), ==, "intake");
  g_assert_cmpint (kase->phase, ==, KT_PHASE_REGISTERED);

  kt_app_test_set_row_text (row, T ("Written reasoning (required)"), 0, "Acuut gevaar voor het kind; Veilig Thuis geraadpleegd");
  g_assert_null (kt_intake_page_get_consent_error (kt_app_fixture_intake (f)));
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  g_assert_cmpstr (kt_case_view_get_visible_page (kt_app_fixture_case_view (f)), ==, "conversation");
}

/* The first widget under @root whose accessible label (kt_a11y_set_label) or
 * icon is @name, or NULL. */
static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;

      if (g_strcmp0 (kt_a11y_get_label (w), name) == 0 ||
          (GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (w)), name) == 0) ||
          (GTK_IS_IMAGE (w) && g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (w)), name) == 0))
        return w;
      found = find_named (w, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
n_copy_choices (KtReportPage *report,
                KtCatalogue  *catalogue,
                KtCase       *kase)
{
  kt_report_page_set_documents (report, catalogue, kase, NULL, NULL);
  return g_list_model_get_n_items (kt_report_page_get_copy_choices (report));
}

static void
test_withdrawing_consent_keeps_history_and_stops_offering (Fixture       *f,
                                                           gconstpointer  data)
{
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  KtReportPage *report = g_object_ref_sink (KT_REPORT_PAGE (kt_report_page_new ()));
  KtCase *kase;
  GtkWidget *row;
  KtConsent *consent;
  g_autoptr(GtkStringObject) second = NULL;

  kase = new_case (f, "Familie Smit");
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.add-consent", NULL);
  row = kt_intake_page_get_row (kt_app_fixture_intake (f), TRUE, 0);
  g_assert_true (KT_IS_CONSENT_ROW (row));
  kt_app_test_set_row_text (row, T ("Purpose"), 0, "Het plan delen");
  kt_app_test_set_row_text (row, T ("Party that receives it"), 0, "Huisarts");
  consent = g_ptr_array_index (kase->consents, 0);

  /* No bin: a consent is withdrawn, never deleted. */
  g_assert_null (find_named (row, "user-trash-symbolic"));
  g_assert_null (find_named (row, T ("Remove consent record")));
  g_assert_cmpuint (n_copy_choices (report, catalogue, kase), ==, 1);

  g_signal_emit_by_name (find_named (row, T ("Record that consent was given")), "clicked");
  kt_app_test_iterate (5);
  g_assert_cmpint (consent->status, ==, KT_CONSENT_GIVEN);
  g_assert_cmpuint (n_copy_choices (report, catalogue, kase), ==, 2);
  second = g_list_model_get_item (kt_report_page_get_copy_choices (report), 1);
  g_assert_nonnull (strstr (gtk_string_object_get_string (second), "Huisarts"));

  g_signal_emit_by_name (find_named (row, T ("Record that consent was withdrawn")), "clicked");
  kt_app_test_iterate (5);
  g_assert_cmpuint (consent->events->len, ==, 2);
  g_assert_cmpint (((KtConsentEvent *) g_ptr_array_index (consent->events, 0))->kind, ==, KT_CONSENT_EVENT_GIVEN);
  g_assert_cmpint (consent->status, ==, KT_CONSENT_WITHDRAWN);
  g_assert_cmpuint (kase->consents->len, ==, 1);
  g_assert_cmpuint (kt_consent_row_get_n_history_rows (KT_CONSENT_ROW (row)), ==, 2);
  /* What it affects shows at once. */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (kt_consent_row_get_affected_row (KT_CONSENT_ROW (row)))),
                   ==, T ("No longer shared with"));
  g_assert_cmpuint (n_copy_choices (report, catalogue, kase), ==, 1);
  g_object_unref (report);
}

static KtInzageWindow *
find_inzage_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (KT_IS_INZAGE_WINDOW (window))
        return KT_INZAGE_WINDOW (window);
    }
  return NULL;
}

static gboolean
inzage_saved (gpointer data)
{
  const char *status = kt_inzage_window_get_status (data);

  return status != NULL && g_str_has_prefix (status, T ("Saved: alles-wat-we-bewaren.pdf and alles-wat-we-bewaren.json. "
                                                         "Read the professional notes at the end of the PDF before handing it over."));
}

static gboolean
fhir_saved (gpointer data)
{
  return g_strcmp0 (kt_inzage_window_get_status (data), T ("Saved the plan as a FHIR R4 bundle.")) == 0;
}

static void
test_inzage_saves_pdf_and_json (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-inzage-app");
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autofree char *pdf = g_build_filename (dir, "alles-wat-we-bewaren.pdf", NULL);
  g_autofree char *json_path = g_build_filename (dir, "alles-wat-we-bewaren.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(KtCase) back = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GPtrArray) plans = NULL;
  KtInzageWindow *window;
  KtRecordStore *records;
  KtCase *kase;
  gsize len;

  kase = new_case (f, "Familie Inzage");
  /* The records are read on the store's worker (issue 22): while a save
   * holds the store the window is there, says it is loading, and a save
   * asked for meanwhile waits for them. */
  records = kt_store_get_record_store (kt_window_get_store (f->window));
  kt_record_store_hold_for_test (records, 10000);
  kt_app_test_activate (kt_app_fixture_case_view (f), "case.inzage", NULL);
  window = find_inzage_window ();
  g_assert_nonnull (window);
  g_assert_cmpstr (kt_inzage_window_get_status (window), ==, T ("Loading…"));
  /* not signed in: it says how to see who read the plan */
  g_assert_nonnull (kt_app_test_find_row (GTK_WIDGET (kt_inzage_window_get_reads_group (window)),
                                          T ("Sign in to see who read the plan."), 0));
  kt_inzage_window_save_to (window, folder);
  kt_app_test_iterate (100);
  g_assert_true (kt_record_store_is_held_for_test (records));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  kt_record_store_release_for_test (records);
  kt_app_test_wait_for (inzage_saved, window, 20000, "the inzage files are written");
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (json_path, &contents, &len, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  g_assert_true (kt_inzage_from_json (bytes, &back, &conversations, &plans, NULL));
  g_assert_cmpstr (back->header.id, ==, kase->header.id);

  /* the plan as FHIR, for another system */
  {
    g_autofree char *fhir_path = g_build_filename (dir, "plan.json", NULL);
    g_autoptr(GFile) fhir = g_file_new_for_path (fhir_path);
    g_autofree char *fhir_json = NULL;

    kt_inzage_window_save_fhir_to (window, fhir);
    kt_app_test_wait_for (fhir_saved, window, 20000, "the FHIR bundle is written");
    g_assert_true (g_file_get_contents (fhir_path, &fhir_json, NULL, NULL));
    g_assert_nonnull (strstr (fhir_json, "\"resourceType\" : \"Bundle\""));
    g_assert_nonnull (strstr (fhir_json, "CarePlan"));
  }
  gtk_window_destroy (GTK_WINDOW (window));
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static gboolean
one_case_shown (gpointer window)
{
  return g_list_model_get_n_items (kt_window_get_case_model (window)) == 1;
}

static gboolean
three_cases_shown (gpointer window)
{
  return g_list_model_get_n_items (kt_window_get_case_model (window)) == 3;
}

static void
test_idle_lock_hides_client_data (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *id = NULL;
  KtCase *kase;

  new_case (f, "Familie Jansen");
  new_case (f, "M. de Vries");
  kase = new_case (f, "A. Yilmaz");
  id = g_strdup (kase->header.id);

  /* Search as you type (GtkSearchEntry waits a moment before it searches). */
  gtk_editable_set_text (kt_window_get_search_entry (f->window), "vries");
  kt_app_test_wait_for (one_case_shown, f->window, 5000, "the search to narrow the list");
  g_assert_cmpuint (g_list_model_get_n_items (kt_window_get_case_model (f->window)), ==, 1);
  gtk_editable_set_text (kt_window_get_search_entry (f->window), "");
  kt_app_test_wait_for (three_cases_shown, f->window, 5000, "the list to fill again");
  g_assert_cmpuint (g_list_model_get_n_items (kt_window_get_case_model (f->window)), ==, 3);

  kt_app_test_activate (f->window, "win.lock", NULL);
  g_assert_cmpstr (kt_window_get_page (f->window), ==, "lock");
  g_assert_null (kt_case_view_get_case (kt_app_fixture_case_view (f)));
  g_assert_cmpuint (g_list_model_get_n_items (kt_window_get_case_model (f->window)), ==, 0);
  g_assert_true (kt_store_is_locked (kt_window_get_store (f->window)));

  /* With the keyring too, unlocking needs the PIN. */
  kt_app_test_unlock (f->window, "");
  g_assert_true (kt_store_is_locked (kt_window_get_store (f->window)));
  g_assert_cmpstr (kt_window_get_page (f->window), ==, "lock");
  kt_app_test_unlock (f->window, KT_APP_TEST_PIN);
  kt_app_test_iterate (200);
  g_assert_false (kt_store_is_locked (kt_window_get_store (f->window)));
  g_assert_cmpstr (kt_window_get_page (f->window), ==, "main");
  g_assert_cmpuint (g_list_model_get_n_items (kt_window_get_case_model (f->window)), ==, 3);
  g_assert_nonnull (kt_case_view_get_case (kt_app_fixture_case_view (f)));
  g_assert_cmpstr (kt_case_view_get_case (kt_app_fixture_case_view (f))->header.id, ==, id);
}

/* A household as the screenshots show it: made-up people, a request
 * @days_ago days old. */
static KtCase *
example_case (Fixture    *f,
              const char *household,
              int         days_ago,
              gboolean    safety)
{
  g_autofree char *today = kt_date_today ();
  g_autofree char *date = kt_date_add_days (today, -days_ago);
  KtCase *kase = new_case (f, household);

  kt_app_test_pick_date (kt_intake_page_get_date_row (kt_app_fixture_intake (f)), date);
  gtk_switch_set_active (kt_intake_page_get_safety_switch (kt_app_fixture_intake (f)), safety);
  kt_app_test_iterate (5);
  return kase;
}

static void
count_paint (GdkFrameClock *clock,
             guint         *paints)
{
  (*paints)++;
}

static gboolean
painted_twice (gpointer data)
{
  return *(guint *) data >= 2;
}

/* A new look or size is laid out and drawn before it is saved: a widget
 * snapshot taken between a style change and the next layout is empty. */
static void
wait_for_paints (Fixture *f)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
  guint paints = 0;
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (count_paint), &paints);

  gtk_widget_queue_resize (GTK_WIDGET (f->window));
  kt_app_test_wait_for (painted_twice, &paints, 10000, "the window to be drawn");
  g_signal_handler_disconnect (clock, id);
  kt_app_test_iterate (100);
}

/* The screenshot tour's looks: light, dark, and GNOME's large text (text
 * scaling 1.5, which GTK 4.8 takes from gtk-xft-dpi). */
static void
set_look (const char *look)
{
  gboolean dark = g_strcmp0 (look, "dark") == 0;
  gboolean large = g_strcmp0 (look, "large-text") == 0;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  /* GNOME's own button layout (org.gnome.desktop.wm.preferences), not
   * Xvfb's minimise and maximise buttons. */
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", (int) (96 * 1024 * (large ? 1.5 : 1.0)),
                "gtk-decoration-layout", "appmenu:close", NULL);
}

/* Every screen at a phone, a tablet held upright, a laptop and a desktop,
 * in each look: $KT_SCREENSHOT_DIR/NAME-WxH-LOOK.png. */
static void
screenshot_sizes (Fixture    *f,
                  const char *name)
{
  static const int sizes[][2] = { { 360, 740 }, { 800, 1280 }, { 1280, 800 }, { 1920, 1080 } };
  static const char *looks[] = { "light", "dark", "large-text" };

  if (g_getenv ("KT_SCREENSHOT_DIR") == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      kt_app_test_resize (GTK_WINDOW (f->window), sizes[i][0], sizes[i][1]);
      /* Folding and unfolding take a few frames to settle. */
      wait_for_paints (f);
      for (guint j = 0; j < G_N_ELEMENTS (looks); j++)
        {
          g_autofree char *shot = g_strdup_printf ("%s-%dx%d-%s", name, sizes[i][0], sizes[i][1], looks[j]);

          set_look (looks[j]);
          wait_for_paints (f);
          g_free (kt_app_test_screenshot_widget (GTK_WIDGET (f->window), shot));
        }
      set_look ("light");
    }
}

/* One screen at the laptop and the tablet held upright, light, with
 * @focus scrolled into view: $KT_SCREENSHOT_DIR/NAME-WxH-light.png. */
static void
screenshot_two_sizes (Fixture    *f,
                      const char *name,
                      GtkWidget  *focus)
{
  static const int sizes[][2] = { { 1280, 800 }, { 800, 1280 } };

  if (g_getenv ("KT_SCREENSHOT_DIR") == NULL)
    return;
  set_look ("light");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *shot = g_strdup_printf ("%s-%dx%d-light", name, sizes[i][0], sizes[i][1]);

      kt_app_test_resize (GTK_WINDOW (f->window), sizes[i][0], sizes[i][1]);
      wait_for_paints (f);
      gtk_widget_grab_focus (focus);
      /* A card takes no focus itself, so the page does not follow it: the
       * app's own helper scrolls it into view, over the frames in which the
       * page's height settles at the new size.  (Scrolling by hand to a
       * point in the GtkViewport went wrong: the viewport's coordinates
       * move with the scrolling, so a second pass scrolled back up.) */
      kt_app_scroll_into_view (focus);
      wait_for_paints (f);
      wait_for_paints (f);
      /* Focus selects an entry's text; the picture shows it plain. */
      if (GTK_IS_EDITABLE (focus))
        gtk_editable_select_region (GTK_EDITABLE (focus), 0, 0);
      wait_for_paints (f);
      g_free (kt_app_test_screenshot_widget (GTK_WIDGET (f->window), shot));
    }
}

/* Only with $KT_SCREENSHOT_DIR (tests/app/take-screenshots). */
/* More households than one screen holds: the first frame shows a screenful
 * and the rest follow, so every case is listed, the window is shown, and
 * a case far down the list opens. */
static gboolean
lists_all_cases (gpointer data)
{
  return g_list_model_get_n_items (kt_window_get_case_model (data)) == 70;
}

static void
test_long_case_list_lists_every_case (Fixture       *f,
                                      gconstpointer  data)
{
  KtStore *store = kt_window_get_store (f->window);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCaseItem) last = NULL;
  g_autofree char *last_id = NULL;
  GListModel *cases;

  for (guint i = 0; i < 70; i++)
    {
      g_autoptr(KtCase) kase = kt_case_new ();
      KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };

      /* Zero-padded, so that the list's order is the order made here. */
      kase->household = g_strdup_printf ("Familie %02u", i);
      g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (kt_store_flush (store, &error));
  g_assert_no_error (error);
  kt_app_fixture_quit (f);

  kt_app_fixture_start (f);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  kt_app_test_wait_for (lists_all_cases, f->window, 10000, "every case to be listed");

  cases = kt_window_get_case_model (f->window);
  last = g_list_model_get_item (cases, 69);
  g_assert_cmpstr (kt_case_item_get_household (last), ==, "Familie 69");
  last_id = g_strdup (kt_case_item_get_id (last));
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (cases), 69);
  kt_app_test_wait_for (case_opened, f->window, 10000, "the household to open");
  g_assert_nonnull (kt_case_view_get_case (kt_app_fixture_case_view (f)));
  g_assert_cmpstr (kt_case_view_get_case (kt_app_fixture_case_view (f))->header.id, ==, last_id);
}

typedef struct {
  KtWindow   *window;
  const char *id;
  const char *stage;
} StageWait;

static gboolean
row_has_stage (gpointer data)
{
  StageWait *wait = data;
  GListModel *cases = kt_window_get_case_model (wait->window);

  for (guint i = 0; i < g_list_model_get_n_items (cases); i++)
    {
      g_autoptr(KtCaseItem) item = g_list_model_get_item (cases, i);
      g_autofree char *stage = NULL;

      if (g_strcmp0 (kt_case_item_get_id (item), wait->id) != 0)
        continue;
      stage = kt_case_item_describe_stage (item);
      return g_strcmp0 (stage, wait->stage) == 0;
    }
  return FALSE;
}

/* The rows below @widget that say @stage; each must not say "Waiting to
 * be sent" below it too. */
static guint
count_rows_waiting_once (GtkWidget  *widget,
                         const char *stage)
{
  guint n = 0;

  if (KT_IS_CASE_ROW (widget) && g_strcmp0 (kt_case_row_get_stage_text (KT_CASE_ROW (widget)), stage) == 0)
    {
      g_assert_null (kt_case_row_get_share_text (KT_CASE_ROW (widget)));
      return 1;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_rows_waiting_once (child, stage);
  return n;
}

/* Saves household @name in the conversation phase, with a plan of
 * @version in @review when @version > 0; returns its id. */
static char *
save_household_with_plan (KtStore       *store,
                          const char    *name,
                          int            version,
                          KtReviewState  review)
{
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(KtPlan) plan = kt_plan_new ();
  g_autoptr(GError) error = NULL;
  KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };

  kase->household = g_strdup (name);
  kase->phase = KT_PHASE_CONVERSATION;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
  g_assert_no_error (error);
  if (version > 0)
    {
      plan->case_id = g_strdup (kase->header.id);
      plan->version = version;
      plan->review = review;
      doc = (KtDocument) { .kind = KT_KIND_PLAN, .plan = plan };
      g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
      g_assert_no_error (error);
    }
  return g_strdup (kase->header.id);
}

/* After a restart a row says where its household's plan stands, from what
 * the store keeps, before the household is opened; one without a plan
 * says its phase. */
static void
test_a_rows_plan_stage_survives_a_restart (Fixture       *f,
                                           gconstpointer  data)
{
  KtStore *store = kt_window_get_store (f->window);
  g_autofree char *approved = save_household_with_plan (store, "Familie Jansen", 1, KT_REVIEW_APPROVED);
  g_autofree char *submitted = save_household_with_plan (store, "Familie Smit", 2, KT_REVIEW_SUBMITTED);
  g_autofree char *none = save_household_with_plan (store, "Familie de Vries", 0, KT_REVIEW_DRAFT);
  StageWait wait = { 0 };

  kt_app_fixture_quit (f);
  kt_app_fixture_start (f);
  wait.window = f->window;
  wait.id = approved;
  wait.stage = T ("Plan approved");
  kt_app_test_wait_for (row_has_stage, &wait, 10000, "the approved plan on its row");
  /* Not on the server: it waits, and the row says so once. */
  wait.id = submitted;
  wait.stage = T ("Plan waits to be sent");
  kt_app_test_wait_for (row_has_stage, &wait, 10000, "the submitted plan on its row");
  kt_app_test_iterate (5);
  g_assert_cmpuint (count_rows_waiting_once (GTK_WIDGET (f->window), wait.stage), ==, 1);
  wait.id = none;
  wait.stage = T ("Conversation");
  g_assert_true (row_has_stage (&wait));
  g_assert_null (kt_case_view_get_case (kt_app_fixture_case_view (f)));
}

static const char *
open_household (Fixture *f)
{
  KtCase *kase = kt_case_view_get_case (kt_app_fixture_case_view (f));

  return kase != NULL ? kase->household : NULL;
}

/* Issue 22: a household is read on the store's worker.  While a durable
 * save holds the store (held here from a thread of the test's), choosing a
 * household leaves the main loop turning and the window usable; the
 * household opens once the store is free, and a later choice wins over an
 * earlier one still waiting.  Read on the main loop, the choice itself
 * waited for the store and no tick ran. */
static void
test_opening_a_household_leaves_the_main_loop_free (Fixture       *f,
                                                    gconstpointer  data)
{
  KtStore *store = kt_window_get_store (f->window);
  g_autoptr(GError) error = NULL;
  GListModel *cases;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(KtCase) kase = kt_case_new ();
      KtDocument doc = { .kind = KT_KIND_CASE, .kase = kase };

      kase->household = g_strdup_printf ("Familie %02u", i);
      g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
      g_assert_no_error (error);
    }
  kt_app_fixture_quit (f);
  kt_app_fixture_start (f);
  store = kt_window_get_store (f->window);
  cases = kt_window_get_case_model (f->window);
  g_assert_cmpuint (g_list_model_get_n_items (cases), ==, 3);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (cases), 0);
  kt_app_test_wait_for (case_opened, f->window, 10000, "the first household to open");
  g_assert_cmpstr (open_household (f), ==, "Familie 00");

  /* Held for at most ten seconds: code that waits for the store on the
   * main loop gets it back then, and the ticks below do not count. */
  kt_app_test_hold_store (store);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (cases), 1);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (cases), 2);
  g_assert_cmpuint (kt_app_test_tick_while_held (5), >=, 5);
  /* Still waiting, and the window says so; the open household stays. */
  g_assert_true (kt_window_is_opening_case (f->window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (
                     GTK_WIDGET (f->window), KT_TYPE_WINDOW, "content_stack"))), ==, "loading");
  g_assert_cmpstr (open_household (f), ==, "Familie 00");

  kt_app_test_release_store ();
  kt_app_test_wait_for (case_opened, f->window, 10000, "the chosen household to open");
  /* The last choice, not the one it replaced. */
  g_assert_cmpstr (open_household (f), ==, "Familie 02");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (
                     GTK_WIDGET (f->window), KT_TYPE_WINDOW, "content_stack"))), ==, "case");
  kt_app_test_iterate (100);
  g_assert_cmpstr (open_household (f), ==, "Familie 02");
}

/* The store's check at open, told in a dialog over the window. */
static AdwMessageDialog *
store_check_dialog (KtWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) &&
          gtk_window_get_transient_for (toplevel) == GTK_WINDOW (window) &&
          gtk_widget_get_mapped (GTK_WIDGET (toplevel)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (toplevel)),
                     T ("Data Changed Outside Keukentafel")) == 0)
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}

static gboolean
has_store_check_dialog (gpointer data)
{
  return store_check_dialog (data) != NULL;
}

static gboolean
check_accepted (gpointer data)
{
  return kt_store_get_check (kt_window_get_store (data)) == NULL;
}

/* A record removed outside Keukentafel: the coach is told in a dialog once
 * the list is there, the other household opens, and after Understood the
 * dialog does not come back. */
static void
test_removed_record_is_told_until_understood (Fixture       *f,
                                              gconstpointer  data)
{
  KtStore *store = kt_window_get_store (f->window);
  g_autoptr(KtCase) removed = kt_case_new ();
  g_autoptr(KtCase) kept = kt_case_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;
  sqlite3 *db = NULL;

  removed->household = g_strdup ("Familie Weg");
  kept->household = g_strdup ("Familie Blijft");
  for (KtCase **kase = (KtCase *[]) { removed, kept, NULL }; *kase != NULL; kase++)
    {
      KtDocument doc = { .kind = KT_KIND_CASE, .kase = *kase };

      g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_LOCAL, &error));
      g_assert_no_error (error);
    }
  kt_app_fixture_quit (f);

  g_assert_cmpint (sqlite3_open (g_getenv ("KT_STORE_PATH"), &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("DELETE FROM records WHERE id = '%s'", removed->header.id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  kt_app_fixture_start (f);
  kt_app_test_wait_for (has_store_check_dialog, f->window, 10000, "the dialog about the removed record");
  dialog = store_check_dialog (f->window);
  text = kt_store_check_describe (kt_store_get_check (kt_window_get_store (f->window)));
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, text);
  g_assert_null (strstr (text, "Familie"));
  g_assert_cmpuint (g_list_model_get_n_items (kt_window_get_case_model (f->window)), ==, 1);

  adw_message_dialog_response (dialog, "understood");
  kt_app_test_wait_for (check_accepted, f->window, 10000, "the check to be accepted");
  kt_app_fixture_quit (f);

  kt_app_fixture_start (f);
  kt_app_test_iterate (200);
  g_assert_null (store_check_dialog (f->window));
  g_assert_null (kt_store_get_check (kt_window_get_store (f->window)));
}

/* The window opens as large as it was left. */
static void
test_window_opens_as_large_as_it_was_left (Fixture       *f,
                                           gconstpointer  data)
{
  g_autoptr(GSettings) settings = kt_app_get_settings ();
  int width = 0, height = 0, reopened_width = 0, reopened_height = 0;

  g_assert_nonnull (settings);
  kt_app_test_resize (GTK_WINDOW (f->window), 900, 650);
  gtk_window_get_default_size (GTK_WINDOW (f->window), &width, &height);
  g_assert_cmpint (width, <, 1000);
  g_assert_cmpint (height, <, 700);
  kt_app_fixture_quit (f);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, width);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, height);

  kt_app_fixture_start (f);
  gtk_window_get_default_size (GTK_WINDOW (f->window), &reopened_width, &reopened_height);
  g_assert_cmpint (reopened_width, ==, width);
  g_assert_cmpint (reopened_height, ==, height);

  /* the tests after this one start at the usual size */
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

/* On a tablet held upright and on a phone the list folds away behind the
 * case; the back button in the case's header bar brings it back (issue 21).
 * Side by side on a laptop there is no back button: the list is there. */
static void
test_back_to_the_list_on_a_tablet_and_a_phone (Fixture       *f,
                                               gconstpointer  data)
{
  static const int sizes[][2] = { { 800, 1280 }, { 360, 740 }, { 1280, 800 } };
  GtkWidget *search = GTK_WIDGET (kt_window_get_search_entry (f->window));
  GtkWidget *back;

  new_case (f, "Familie Terug");
  back = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (kt_app_fixture_case_view (f)),
                                                    KT_TYPE_CASE_VIEW, "back_button"));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      gboolean folded = sizes[i][0] < 1000;

      g_test_message ("%d×%d", sizes[i][0], sizes[i][1]);
      kt_app_test_activate (f->window, "win.show-page", g_variant_new_string ("intake"));
      kt_app_test_resize (GTK_WINDOW (f->window), sizes[i][0], sizes[i][1]);
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (kt_app_fixture_case_view (f))));
      g_assert_cmpint (gtk_widget_get_mapped (search), ==, !folded);
      g_assert_cmpint (gtk_widget_get_mapped (back), ==, folded);
      if (!folded)
        continue;
      g_assert_true (gtk_widget_is_sensitive (back));
      g_assert_cmpstr (kt_a11y_get_label (back), ==, T ("Back to the Households"));
      /* Inside the window, not cut off at its edge. */
      {
        graphene_rect_t bounds;

        g_assert_true (gtk_widget_compute_bounds (back, GTK_WIDGET (f->window), &bounds));
        g_assert_cmpfloat (bounds.origin.x, >=, 0);
        g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, sizes[i][0]);
        g_assert_cmpfloat (bounds.size.width, >=, 34);
      }
      g_assert_true (gtk_widget_activate (back));
      kt_app_test_iterate (300);
      g_assert_true (gtk_widget_get_mapped (search));
    }
}

/* The resident's wish is in their own words: more than one line, saved as
 * said (issue 21). */
static void
test_wish_takes_more_than_one_line (Fixture       *f,
                                    gconstpointer  data)
{
  KtConversation *conversation;
  KtTextField *wish;

  new_case (f, "Familie Wens");
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  conversation = kt_case_view_get_conversation (kt_app_fixture_case_view (f));
  show_domain (f, "geldzaken");
  wish = kt_domain_page_get_wish_field (kt_app_fixture_domain (f));
  g_assert_true (GTK_IS_TEXT_VIEW (kt_text_field_get_view (wish)));
  type_into (wish, "Zelf de post openmaken.\nWeer rustig slapen.");
  g_assert_cmpstr (kt_conversation_find_entry (conversation, "geldzaken")->wish, ==,
                   "Zelf de post openmaken.\nWeer rustig slapen.");
}

static gboolean
row_on_screen (gpointer data)
{
  GtkWidget *row = data;
  GtkWidget *scroller = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (row, scroller, &bounds) && bounds.origin.y >= 0 &&
         bounds.origin.y + 44 <= gtk_widget_get_height (scroller);
}

/* A new household member appears where the coach is looking, even on a
 * phone where the members are far down the page (issue 21). */
static void
test_new_member_scrolls_into_view (Fixture       *f,
                                   gconstpointer  data)
{
  KtIntakePage *intake;
  GtkWidget *row;

  new_case (f, "Familie Nieuw");
  kt_app_test_resize (GTK_WINDOW (f->window), 360, 740);
  intake = kt_app_fixture_intake (f);
  for (guint i = 0; i < 4; i++)
    kt_app_test_activate (intake, "intake.add-member", NULL);
  row = kt_intake_page_get_row (intake, FALSE, 3);
  g_assert_nonnull (row);
  kt_app_test_wait_for (row_on_screen, row, 10000, "the new member on screen");
}

static void
collect_header_buttons (GtkWidget *widget,
                        gboolean   in_header,
                        GPtrArray *buttons)
{
  in_header = in_header || ADW_IS_HEADER_BAR (widget) || GTK_IS_HEADER_BAR (widget);
  /* The window's title buttons are the system's, at GNOME's size. */
  if (!gtk_widget_get_visible (widget) || GTK_IS_WINDOW_CONTROLS (widget))
    return;
  if (in_header && GTK_IS_BUTTON (widget))
    g_ptr_array_add (buttons, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_header_buttons (child, in_header, buttons);
}

/* Every button in every header bar of the window (the list's, the
 * household's, the empty page's) is a touch target of at least 44×44 px:
 * the size CSS asks for at the least, which any layout must give it
 * (issue 21). */
static void
test_header_buttons_are_touch_targets (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  new_case (f, "Familie Vinger");
  collect_header_buttons (GTK_WIDGET (f->window), FALSE, buttons);
  /* New request, sync, main menu; back, resident watching. */
  g_assert_cmpuint (buttons->len, >=, 5);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      int width = 0, height = 0;

      gtk_widget_measure (button, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
      gtk_widget_measure (button, GTK_ORIENTATION_VERTICAL, -1, &height, NULL, NULL, NULL);
      g_test_message ("%s in %s: at least %d×%d", G_OBJECT_TYPE_NAME (button),
                      G_OBJECT_TYPE_NAME (gtk_widget_get_parent (button)), width, height);
      g_assert_cmpint (width, >=, 44);
      g_assert_cmpint (height, >=, 44);
    }
}

/* "+ Add Member" beside the group's title shows its label where there is
 * room and its icon alone on a phone with large text, so the title is not
 * cut off; both
 * forms keep the name a screen reader says (issue 21). */
static void
test_add_button_folds_to_its_icon_on_a_phone (Fixture       *f,
                                              gconstpointer  data)
{
  GtkWidget *group;
  KtAddButton *add;

  new_case (f, "Familie Smal");
  group = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (kt_app_fixture_intake (f)), KT_TYPE_INTAKE_PAGE,
                                         "members_group");
  add = KT_ADD_BUTTON (adw_preferences_group_get_header_suffix (ADW_PREFERENCES_GROUP (group)));
  kt_app_test_resize (GTK_WINDOW (f->window), 1280, 800);
  kt_app_test_iterate (100);
  g_assert_true (kt_add_button_get_shows_label (add));
  /* A phone with GNOME's large text (text scaling 1.5) and GNOME's title
   * buttons (close only). */
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", 96 * 1024 * 3 / 2,
                "gtk-decoration-layout", "appmenu:close", NULL);
  kt_app_test_resize (GTK_WINDOW (f->window), 360, 740);
  kt_app_test_iterate (100);
  g_assert_false (kt_add_button_get_shows_label (add));
  gtk_settings_reset_property (gtk_settings_get_default (), "gtk-xft-dpi");
  gtk_settings_reset_property (gtk_settings_get_default (), "gtk-decoration-layout");
  for (GtkWidget *button = gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (add)));
       button != NULL; button = gtk_widget_get_next_sibling (button))
    {
      g_assert_cmpstr (kt_a11y_get_label (button), ==, T ("Add Member"));
      g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "intake.add-member");
    }
}

static void
test_screenshots (Fixture       *f,
                  gconstpointer  data)
{
  KtConversation *conversation;

  if (g_getenv ("KT_SCREENSHOT_DIR") == NULL)
    {
      g_test_skip ("KT_SCREENSHOT_DIR is not set");
      return;
    }

  example_case (f, "A. Yilmaz", 45, TRUE);
  example_case (f, "M. de Vries", 20, FALSE);
  example_case (f, "Familie Bakker", 3, FALSE);
  example_case (f, "J. Pietersen", 38, FALSE);
  example_case (f, "Familie El Amrani", 10, FALSE);
  example_case (f, "Familie Jansen", 30, FALSE);
  type_into (kt_intake_page_get_own_strength_field (kt_app_fixture_intake (f)),
             "Oma past twee middagen per week op de kinderen. De buurvrouw helpt met de post.");
  type_into (kt_intake_page_get_question_field (kt_app_fixture_intake (f)),
             "Sinds mijn man zijn werk kwijt is komen we niet meer rond. Er liggen brieven die ik niet durf open te maken.");
  add_member (f, 0, "Sanne Jansen", "1986", "zelf");
  add_member (f, 1, "Daan Jansen", "2015", "kind");
  add_member (f, 2, "Mees Jansen", "2012", "kind");
  kt_app_test_activate (f->window, "win.show-list", NULL);
  screenshot_sizes (f, "case-list");
  kt_app_test_activate (f->window, "win.show-page", g_variant_new_string ("intake"));
  screenshot_sizes (f, "intake");

  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  conversation = kt_case_view_get_conversation (kt_app_fixture_case_view (f));
  discuss (f, "werk", "Daan gaat graag naar school");
  show_domain (f, "justitie");
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.skip", NULL);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (
                           kt_conversation_page_get_dialog (kt_app_fixture_conversation (f), NULL))),
                         "Niet aan de orde");
  answer_dialog (kt_conversation_page_get_dialog (kt_app_fixture_conversation (f), NULL), "skip");
  show_domain (f, "relaties");
  type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), FALSE), "We praten veel met elkaar");
  gtk_switch_set_active (kt_domain_page_get_safety_switch (kt_app_fixture_domain (f)), TRUE);
  show_domain (f, "geldzaken");
  type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), FALSE), "De huur is altijd op tijd betaald.");
  type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), TRUE),
             "Twee maanden achterstand bij de energie. Brieven blijven liggen.");
  gtk_toggle_button_set_active (kt_domain_page_get_level_button (kt_app_fixture_domain (f), 2), TRUE);
  gtk_toggle_button_set_active (kt_domain_page_get_helper_button (kt_app_fixture_domain (f), 0), TRUE);
  gtk_toggle_button_set_active (kt_domain_page_get_helper_button (kt_app_fixture_domain (f), 1), TRUE);
  show_domain (f, "geldzaken");
  kt_app_test_iterate (50);
  screenshot_sizes (f, "domain");

  /* Mees (14) says it in his own words. */
  show_domain (f, "wonen");
  {
    KtMemberVoiceRow *mees = kt_domain_page_get_member_row (kt_app_fixture_domain (f), 2);

    g_assert_nonnull (mees);
    type_into (kt_domain_page_get_text_field (kt_app_fixture_domain (f), FALSE), "Fijn huis, dicht bij school.");
    gtk_check_button_set_active (kt_member_voice_row_get_about_check (mees), TRUE);
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (mees), TRUE);
    gtk_editable_set_text (GTK_EDITABLE (kt_member_voice_row_get_words_row (mees)),
                           "Ik deel mijn kamer met Daan, ik kan nergens rustig huiswerk maken.");
    gtk_editable_set_text (GTK_EDITABLE (kt_member_voice_row_get_wish_row (mees)), "Een eigen plek om te leren.");
    screenshot_two_sizes (f, "domain-members", GTK_WIDGET (kt_member_voice_row_get_wish_row (mees)));
  }
  g_assert_false (conversation->complete);

  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.complete", NULL);
  screenshot_sizes (f, "coverage");

  /* The wheel as it is filled in with the household: now, and the goal. */
  {
    KtCaseView *view = kt_app_fixture_case_view (f);
    static const int now[KT_N_SEGMENTS] = { 2, 1, 3, 1, 2, 0 };
    static const int goal[KT_N_SEGMENTS] = { 3, 3, 3, 2, 3, 2 };

    for (int s = 0; s < KT_N_SEGMENTS; s++)
      {
        conversation->wheel[s].current = now[s];
        conversation->wheel[s].target = goal[s];
      }
    kt_case_view_set_documents (view, kt_case_view_get_store (view), kt_case_view_get_catalogue (view),
                                kt_case_view_get_case (view), conversation, kt_case_view_get_plan (view));
  }
  kt_app_test_activate (f->window, "win.show-page", g_variant_new_string ("wheel"));
  screenshot_sizes (f, "wheel");
  kt_app_test_activate (f->window, "win.show-page", g_variant_new_string ("plan"));
  screenshot_sizes (f, "plan");

  /* The plan with the household's goal and Mees's own, and the regisseur. */
  {
    KtCaseView *view = kt_app_fixture_case_view (f);
    KtCase *kase = kt_case_view_get_case (view);
    KtPlan *plan = kt_case_view_get_plan (view);
    KtMember *mees = g_ptr_array_index (kase->members, 2);
    KtGoal *together = kt_goal_new ();
    KtGoal *own = kt_goal_new ();
    KtAction *action = kt_action_new ();
    KtNetworkPerson *schuldhulp = kt_network_person_new ();
    GtkWidget *page;

    together->title = g_strdup ("Rust over de rekeningen");
    g_strfreev (together->domains);
    together->domains = g_strdupv ((char *[]) { (char *) "geldzaken", NULL });
    action->what = g_strdup ("Samen de brieven openen");
    g_ptr_array_add (together->actions, action);
    g_ptr_array_add (plan->goals, together);
    own->title = g_strdup ("Een eigen plek om rustig huiswerk te maken");
    own->members = g_strdupv ((char *[]) { mees->id, NULL });
    g_strfreev (own->domains);
    own->domains = g_strdupv ((char *[]) { (char *) "wonen", NULL });
    g_ptr_array_add (plan->goals, own);
    schuldhulp->name = g_strdup ("Pieter Bos");
    schuldhulp->kind = KT_NETWORK_PROFESSIONAL;
    schuldhulp->organisation = g_strdup ("Schuldhulp Stad");
    g_ptr_array_add (kase->network, schuldhulp);
    g_free (kase->lead_id);
    kase->lead_id = g_strdup (schuldhulp->id);
    kase->lead_reason = g_strdup ("Eerst moet de rust over geld terug zijn; daarna neemt Sanne het over.");
    kase->lead_agreed = TRUE;
    kt_case_view_set_documents (view, kt_case_view_get_store (view), kt_case_view_get_catalogue (view),
                                kase, conversation, plan);
    page = GTK_WIDGET (kt_case_view_get_plan_page (view));
    kt_app_test_activate (f->window, "win.show-page", g_variant_new_string ("plan"));
    /* Mees's own goal, the last card, down to whose goal it is. */
    screenshot_two_sizes (f, "plan-members",
                          gtk_widget_get_last_child (GTK_WIDGET (gtk_widget_get_template_child (page, KT_TYPE_PLAN_PAGE,
                                                                                                "goals_box"))));
    /* The regisseur with the reason and the resident's say under it: the
     * whole group of roles. */
    screenshot_two_sizes (f, "plan-regisseur",
                          gtk_widget_get_ancestor (GTK_WIDGET (gtk_widget_get_template_child (page, KT_TYPE_PLAN_PAGE,
                                                                                              "lead_row")),
                                                   ADW_TYPE_PREFERENCES_GROUP));
  }
  set_look (NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int argc, char *argv[])
{
  kt_app_test_init_for_app (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, kt_app_fixture_set_up, func, kt_app_fixture_tear_down)
  ADD ("/app/window/conversation-survives-a-restart", test_conversation_survives_a_restart);
  ADD ("/app/window/concern-suggests-related-domains", test_concern_suggests_related_domains);
  ADD ("/app/window/typing-keeps-the-rows-of-domains", test_typing_keeps_the_rows_of_domains);
  ADD ("/app/window/deadlines-follow-the-request-date-and-settings",
       test_deadlines_follow_the_request_date_and_settings);
  ADD ("/app/window/sharing-without-consent-needs-reasoning", test_sharing_without_consent_needs_reasoning);
  ADD ("/app/window/inzage-saves-pdf-and-json", test_inzage_saves_pdf_and_json);
  ADD ("/app/window/withdrawing-consent-keeps-history-and-stops-offering",
       test_withdrawing_consent_keeps_history_and_stops_offering);
  ADD ("/app/window/idle-lock-hides-client-data", test_idle_lock_hides_client_data);
  ADD ("/app/window/long-case-list-lists-every-case", test_long_case_list_lists_every_case);
  ADD ("/app/window/opening-a-household-leaves-the-main-loop-free",
       test_opening_a_household_leaves_the_main_loop_free);
  ADD ("/app/window/opens-as-large-as-it-was-left", test_window_opens_as_large_as_it_was_left);
  ADD ("/app/window/removed-record-is-told-until-understood", test_removed_record_is_told_until_understood);
  ADD ("/app/window/back-to-the-list-on-a-tablet-and-a-phone", test_back_to_the_list_on_a_tablet_and_a_phone);
  ADD ("/app/window/new-member-scrolls-into-view", test_new_member_scrolls_into_view);
  ADD ("/app/window/wish-takes-more-than-one-line", test_wish_takes_more_than_one_line);
  ADD ("/app/window/header-buttons-are-touch-targets", test_header_buttons_are_touch_targets);
  ADD ("/app/window/add-button-folds-to-its-icon-on-a-phone", test_add_button_folds_to_its_icon_on_a_phone);
  ADD ("/app/window/a-rows-plan-stage-survives-a-restart", test_a_rows_plan_stage_survives_a_restart);
  ADD ("/app/window/screenshots", test_screenshots);
#undef ADD

  return g_test_run ();
}
