/* test-meekijk.c: the resident-watching mode (meekijkstand) in the real app under Xvfb
 *
 * A household with a safety concern at intake, a safety flag with a member
 * check in the conversation, notes for the file and a safety plan: while the
 * resident watches, none of it may be on screen (not mapped, so not reachable
 * by keyboard or screen reader either), and all of it comes back after.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kt-core.h"
#include "kt-app-test.h"
#include "kt-case-view-private.h"
#include "kt-conversation-page-private.h"
#include "kt-coverage-view.h"
#include "kt-domain-page-private.h"
#include "kt-intake-page-private.h"
#include "kt-plan-page.h"
#include "kt-report-page.h"
#include "kt-text-field.h"
#include "kt-unencrypted-dialog.h"
#include "kt-window-private.h"
#include "kt-test-util.h"

#define T(s) g_dgettext (GETTEXT_PACKAGE, s)

/* Made-up texts, each only in the field it is typed into. */
#define QUESTION       "Ik wil dat het thuis weer rustig wordt."
#define SAFETY_NOTE    "Zorg-om-de-kinderen-bij-ruzie"
#define CHECK_NOTE     "Lotte-is-bang-voor-haar-vader"
#define FLAGGED_CONCERN "Ruzie-als-er-gedronken-wordt"
#define SAFETY_DOMAIN  "Vader-slaat-soms-met-deuren"
#define FILE_NOTES     "Notitie-voor-het-dossier-Veilig-Thuis"
#define OWN_WORDS      "Ik wil gewoon rust."
#define PLAN_RISKS     "Spanning-rond-betaaldag"
#define NEIGHBOURS     "Familie-Buren-van-hiernaast"   /* another household in the list */

typedef KtAppFixture Fixture;

static GtkWidget *
coverage_child (Fixture    *f,
                const char *name)
{
  GtkWidget *coverage = GTK_WIDGET (kt_conversation_page_get_coverage_view (kt_app_fixture_conversation (f)));

  return GTK_WIDGET (gtk_widget_get_template_child (coverage, KT_TYPE_COVERAGE_VIEW, name));
}

static GtkWidget *
find_plan_page (GtkWidget *root)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found = KT_IS_PLAN_PAGE (w) ? w : find_plan_page (w);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
plan_child (Fixture    *f,
            const char *name)
{
  GtkWidget *page = find_plan_page (GTK_WIDGET (kt_app_fixture_case_view (f)));

  g_assert_nonnull (page);
  return GTK_WIDGET (gtk_widget_get_template_child (page, KT_TYPE_PLAN_PAGE, name));
}

static GtkWidget *
case_view_child (Fixture    *f,
                 const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (kt_app_fixture_case_view (f)), KT_TYPE_CASE_VIEW, name));
}

static void
show_page (Fixture    *f,
           const char *page)
{
  kt_app_test_activate (f->window, "win.show-page", g_variant_new_string (page));
  g_assert_cmpstr (kt_case_view_get_visible_page (kt_app_fixture_case_view (f)), ==, page);
}

static void
show_domain (Fixture    *f,
             const char *domain_id)
{
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.show-domain",
            domain_id != NULL ? g_variant_new_string (domain_id) : g_variant_new_string ("overview"));
}

static gboolean
watching (Fixture *f)
{
  return kt_case_view_get_resident_watching (kt_app_fixture_case_view (f));
}

static void
set_watching (Fixture  *f,
              gboolean  on)
{
  /* Through the window's action, the one Ctrl+M is bound to. */
  if (watching (f) != on)
    kt_app_test_activate (f->window, "win.resident-watching", NULL);
  g_assert_cmpint (watching (f), ==, on);
}

/* Whether any mapped label, editable or text view under @root shows @needle:
 * what is on screen, and so what a screen reader can reach. */
static gboolean
shows_text (GtkWidget  *root,
            const char *needle)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      const char *text = NULL;
      g_autofree char *buffer_text = NULL;

      if (!gtk_widget_get_mapped (w))
        continue;
      if (GTK_IS_LABEL (w))
        text = gtk_label_get_text (GTK_LABEL (w));
      else if (GTK_IS_EDITABLE (w))
        text = gtk_editable_get_text (GTK_EDITABLE (w));
      else if (GTK_IS_TEXT_VIEW (w))
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (w));
          GtkTextIter start, end;

          gtk_text_buffer_get_bounds (buffer, &start, &end);
          text = buffer_text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
        }
      if (text != NULL && strstr (text, needle) != NULL)
        return TRUE;
      if (shows_text (w, needle))
        return TRUE;
    }
  return FALSE;
}

/* How many mapped widgets under @root carry a safety mark: ⚠ in the case
 * list and the header, a domain tile marked for safety, and (@any_warning)
 * any ⚠ icon, as in the conversation's list of domains and its member checks. */
static guint
count_marks (GtkWidget *root,
             gboolean   any_warning)
{
  guint n = 0;

  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      if (!gtk_widget_get_mapped (w))
        continue;
      if (gtk_widget_has_css_class (w, "safety-mark") || gtk_widget_has_css_class (w, "mark-safety"))
        n++;
      else if (any_warning && GTK_IS_IMAGE (w) &&
               g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (w)), "dialog-warning-symbolic") == 0)
        n++;
      n += count_marks (w, any_warning);
    }
  return n;
}

static guint
count_safety_marks (Fixture *f)
{
  return count_marks (GTK_WIDGET (f->window), FALSE) +
         count_marks (GTK_WIDGET (kt_app_fixture_conversation (f)), TRUE);
}

static const char * const secrets[] = {
  SAFETY_NOTE, CHECK_NOTE, FLAGGED_CONCERN, SAFETY_DOMAIN, FILE_NOTES, PLAN_RISKS, NEIGHBOURS,
};

/* No secret shows anywhere in the window, and no safety mark either. */
static void
assert_nothing_shows (Fixture    *f,
                      const char *where)
{
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (shows_text (GTK_WIDGET (f->window), secrets[i]))
      g_error ("%s: \"%s\" is on screen while the resident watches", where, secrets[i]);
  if (count_safety_marks (f) > 0)
    g_error ("%s: a safety mark is on screen while the resident watches", where);
}

/* Visits every page as the coach would and checks what is on screen. */
static void
assert_every_page_hides (Fixture *f)
{
  show_page (f, "intake");
  assert_nothing_shows (f, "Request");
  /* the other households leave the screen with the list */
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (kt_window_get_search_entry (f->window))));
  g_assert_false (gtk_widget_get_mapped (kt_app_test_find_row (GTK_WIDGET (kt_app_fixture_intake (f)), T ("What worries you?"), 0)));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (kt_intake_page_get_safety_switch (kt_app_fixture_intake (f)))));
  g_assert_false (gtk_widget_get_visible (case_view_child (f, "safety_image")));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (kt_intake_page_get_question_field (kt_app_fixture_intake (f))),
                                           "resident-words"));

  show_page (f, "conversation");
  show_domain (f, NULL);
  assert_nothing_shows (f, "Conversation, at a glance");
  g_assert_false (gtk_widget_get_visible (coverage_child (f, "notes_field")));
  g_assert_true (gtk_widget_has_css_class (coverage_child (f, "own_words_field"), "resident-words"));
  g_assert_true (shows_text (GTK_WIDGET (f->window), OWN_WORDS));

  show_domain (f, "relaties");
  assert_nothing_shows (f, "Conversation, a flagged domain");
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (kt_domain_page_get_safety_switch (kt_app_fixture_domain (f)))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (
                    GTK_WIDGET (kt_app_fixture_domain (f)), KT_TYPE_DOMAIN_PAGE, "safety_group"))));

  show_domain (f, "veiligheid");
  assert_nothing_shows (f, "Conversation, the safety domain");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (
                    GTK_WIDGET (kt_app_fixture_domain (f)), KT_TYPE_DOMAIN_PAGE, "safety_group"))));

  show_page (f, "wheel");
  assert_nothing_shows (f, "Wheel");
  show_page (f, "network");
  assert_nothing_shows (f, "Network");
  show_page (f, "plan");
  assert_nothing_shows (f, "Plan");
  g_assert_false (gtk_widget_get_visible (plan_child (f, "safety_group")));
  g_assert_true (gtk_widget_get_visible (case_view_child (f, "watching_banner")));
}

/* The household, filled in through the pages as a coach would. */
static void
fill_household (Fixture *f)
{
  GtkWidget *row;

  /* Another household first: its name is in the list beside the case. */
  kt_app_test_activate (f->window, "win.new-case", NULL);
  gtk_editable_set_text (kt_intake_page_get_household_row (kt_app_fixture_intake (f)), NEIGHBOURS);
  kt_app_test_iterate (5);

  kt_app_test_activate (f->window, "win.new-case", NULL);
  gtk_editable_set_text (kt_intake_page_get_household_row (kt_app_fixture_intake (f)), "Familie Meekijk");
  kt_app_test_type_text (kt_text_field_get_view (kt_intake_page_get_question_field (kt_app_fixture_intake (f))), QUESTION);
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.add-member", NULL);
  row = kt_intake_page_get_row (kt_app_fixture_intake (f), FALSE, 0);
  g_assert_nonnull (row);
  kt_app_test_set_row_text (row, T ("Name"), 0, "Lotte");
  kt_app_test_set_row_text (row, T ("Year of birth"), 0, "2016");
  gtk_switch_set_active (kt_intake_page_get_safety_switch (kt_app_fixture_intake (f)), TRUE);
  kt_app_test_iterate (5);
  kt_app_test_set_row_text (GTK_WIDGET (kt_app_fixture_intake (f)), T ("What worries you?"), 0, SAFETY_NOTE);

  /* The conversation: a flag with the member's check, the safety domain, notes. */
  show_page (f, "conversation");
  show_domain (f, "relaties");
  kt_app_test_type_text (kt_text_field_get_view (kt_domain_page_get_text_field (kt_app_fixture_domain (f), TRUE)),
                         FLAGGED_CONCERN);
  gtk_switch_set_active (kt_domain_page_get_safety_switch (kt_app_fixture_domain (f)), TRUE);
  kt_app_test_iterate (5);
  kt_app_test_set_row_text (GTK_WIDGET (kt_app_fixture_domain (f)), T ("Note"), 0, CHECK_NOTE);
  show_domain (f, "veiligheid");
  kt_app_test_type_text (kt_text_field_get_view (kt_domain_page_get_text_field (kt_app_fixture_domain (f), FALSE)),
                         SAFETY_DOMAIN);
  show_domain (f, NULL);
  kt_app_test_type_text (kt_text_field_get_view (KT_TEXT_FIELD (coverage_child (f, "own_words_field"))),
                         OWN_WORDS);
  kt_app_test_type_text (kt_text_field_get_view (KT_TEXT_FIELD (coverage_child (f, "notes_field"))),
                         FILE_NOTES);
  g_assert_cmpint (kt_case_view_get_case (kt_app_fixture_case_view (f))->phase, ==, KT_PHASE_CONVERSATION);
  g_assert_false (watching (f));
}

static void
test_meekijkstand_hides_notes_and_safety (Fixture       *f,
                                          gconstpointer  data)
{
  KtConversation *conversation;
  KtCase *kase;
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app),
                                                                "win.resident-watching");

  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>m"));
  fill_household (f);

  /* The Wheel during the conversation: on by default; the coach can switch it off. */
  show_page (f, "wheel");
  g_assert_true (watching (f));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (case_view_child (f, "watching_button"))));
  kt_app_test_activate (kt_app_fixture_case_view (f), "case.resident-watching", NULL);
  g_assert_false (watching (f));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (case_view_child (f, "watching_button"))));

  /* The Plan too; switched off, the safety plan is there to fill in. */
  show_page (f, "plan");
  g_assert_true (watching (f));
  set_watching (f, FALSE);
  g_assert_true (gtk_widget_get_visible (plan_child (f, "safety_group")));
  kt_app_test_set_row_text (plan_child (f, "safety_group"), T ("Risks"), 0, PLAN_RISKS);
  g_assert_true (shows_text (GTK_WIDGET (f->window), PLAN_RISKS));
  g_assert_cmpuint (count_safety_marks (f), >, 0);

  /* Not watching, each page shows what it holds (so the checks below can fail). */
  g_assert_true (shows_text (GTK_WIDGET (f->window), NEIGHBOURS));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (kt_window_get_search_entry (f->window))));
  show_page (f, "intake");
  g_assert_true (shows_text (GTK_WIDGET (f->window), SAFETY_NOTE));
  g_assert_true (gtk_widget_get_visible (case_view_child (f, "safety_image")));
  show_page (f, "conversation");
  show_domain (f, NULL);
  g_assert_true (shows_text (GTK_WIDGET (f->window), FILE_NOTES));
  show_domain (f, "relaties");
  g_assert_true (shows_text (GTK_WIDGET (f->window), FLAGGED_CONCERN));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (kt_domain_page_get_safety_switch (kt_app_fixture_domain (f)))));
  show_domain (f, "veiligheid");
  g_assert_true (shows_text (GTK_WIDGET (f->window), SAFETY_DOMAIN));

  /* Watching: gone from every page, the case list and the header. */
  set_watching (f, TRUE);
  assert_every_page_hides (f);
  kt_app_test_screenshot (GTK_WINDOW (f->window), "meekijk-plan");

  /* Nothing was changed or deleted. */
  kase = kt_case_view_get_case (kt_app_fixture_case_view (f));
  conversation = kt_case_view_get_conversation (kt_app_fixture_case_view (f));
  g_assert_true (kase->request.safety_concern);
  g_assert_cmpstr (kase->request.safety_note, ==, SAFETY_NOTE);
  g_assert_cmpstr (conversation->notes, ==, FILE_NOTES);
  g_assert_true (kt_conversation_find_entry (conversation, "relaties")->safety_flag);
  g_assert_cmpstr (kt_case_view_get_plan (kt_app_fixture_case_view (f))->safety.risks, ==, PLAN_RISKS);

  /* Switched off, everything is back. */
  set_watching (f, FALSE);
  g_assert_true (shows_text (GTK_WIDGET (f->window), PLAN_RISKS));
  g_assert_false (gtk_widget_get_visible (case_view_child (f, "watching_banner")));
  show_page (f, "intake");
  g_assert_true (shows_text (GTK_WIDGET (f->window), SAFETY_NOTE));
  g_assert_true (gtk_widget_get_visible (case_view_child (f, "safety_image")));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (kt_intake_page_get_question_field (kt_app_fixture_intake (f))),
                                            "resident-words"));
  show_page (f, "conversation");
  show_domain (f, NULL);
  g_assert_true (shows_text (GTK_WIDGET (f->window), FILE_NOTES));
  show_domain (f, "veiligheid");
  g_assert_true (shows_text (GTK_WIDGET (f->window), SAFETY_DOMAIN));
}

static gboolean
list_shows_a_safety_mark (gpointer data)
{
  return count_safety_marks (data) > 0;
}

static KtReportPage *
find_report_page (GtkWidget *root)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      KtReportPage *page = KT_IS_REPORT_PAGE (w) ? KT_REPORT_PAGE (w) : find_report_page (w);

      if (page != NULL)
        return page;
    }
  return NULL;
}

static void
test_meekijkstand_follows_the_page_and_the_case (Fixture       *f,
                                                 gconstpointer  data)
{
  KtReportPage *report;
  GtkWidget *dossier_button;

  fill_household (f);

  /* The Report, with the resident: on, and only the resident's report offered. */
  show_page (f, "report");
  g_assert_true (watching (f));
  report = find_report_page (GTK_WIDGET (kt_app_fixture_case_view (f)));
  g_assert_nonnull (report);
  dossier_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (report), KT_TYPE_REPORT_PAGE,
                                                               "dossier_button"));
  g_assert_false (gtk_widget_get_visible (dossier_button));
  g_assert_cmpint (kt_report_page_get_kind (report), ==, KT_REPORT_RESIDENT);
  g_assert_cmpuint (kt_report_page_get_n_pages (report), >, 0);
  kt_report_page_set_kind (report, KT_REPORT_DOSSIER);
  g_assert_cmpint (kt_report_page_get_kind (report), ==, KT_REPORT_RESIDENT);

  /* Switched off, the coach may choose the dossier report; on again, it goes. */
  set_watching (f, FALSE);
  g_assert_true (gtk_widget_get_visible (dossier_button));
  kt_app_test_activate (GTK_WIDGET (report), "report.kind", g_variant_new_string ("dossier"));
  g_assert_cmpint (kt_report_page_get_kind (report), ==, KT_REPORT_DOSSIER);
  g_assert_true (shows_text (GTK_WIDGET (report), T ("For the file only: safety, the safety plan, sharing "
                                                     "without consent and the notes for the file. Never hand it over.")));
  kt_app_test_screenshot (GTK_WINDOW (f->window), "report-page-dossier");
  set_watching (f, TRUE);
  g_assert_cmpint (kt_report_page_get_kind (report), ==, KT_REPORT_RESIDENT);
  g_assert_false (gtk_widget_get_visible (dossier_button));


  /* Switched on by hand, a page change never switches it off. */
  set_watching (f, TRUE);
  show_page (f, "intake");
  g_assert_true (watching (f));
  show_page (f, "network");
  g_assert_true (watching (f));

  /* Another household starts from its own default: off on the request. */
  kt_app_test_activate (f->window, "win.new-case", NULL);
  g_assert_false (watching (f));
  /* The first household's ⚠: the list's rows come back with the next frame. */
  kt_app_test_wait_for (list_shows_a_safety_mark, f, 5000, "the case list's safety mark");

  /* A household not in conversation: the Wheel does not switch it on. */
  show_page (f, "wheel");
  g_assert_false (watching (f));

  /* Past the conversation (support phase) the Plan turns it on all the same. */
  kt_case_view_get_case (kt_app_fixture_case_view (f))->phase = KT_PHASE_SUPPORT;
  show_page (f, "intake");
  g_assert_false (watching (f));
  show_page (f, "plan");
  g_assert_true (watching (f));
}

/* The message dialog now open over the app's windows, or NULL. */
static AdwMessageDialog *
open_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* What a click on the dialog's button does: the response, then closing. */
static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

static void
test_report_says_before_it_leaves_unencrypted (Fixture       *f,
                                               gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("kt-unencrypted-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "plan.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  KtReportPage *report;
  AdwMessageDialog *dialog;

  fill_household (f);
  show_page (f, "report");
  report = find_report_page (GTK_WIDGET (kt_app_fixture_case_view (f)));
  g_assert_nonnull (report);

  /* Save: the coach hears that it is not encrypted and where it goes, and
   * nothing is written until they go ahead. */
  kt_report_page_confirm_save_to (report, file);
  kt_app_test_iterate (100);
  dialog = open_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), dir));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, T ("Save Without Encryption?"));
  kt_app_test_screenshot (GTK_WINDOW (dialog), "report-save-unencrypted");
  answer (dialog, "cancel");
  kt_app_test_iterate (300);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  kt_report_page_confirm_save_to (report, file);
  kt_app_test_iterate (100);
  dialog = open_message_dialog ();
  g_assert_nonnull (dialog);
  answer (dialog, KT_UNENCRYPTED_RESPONSE_GO);
  kt_app_test_wait_for (file_exists, path, 10000, "the saved report");

  /* Print: said before the print dialog opens; cancelled, no print dialog. */
  kt_app_test_activate (GTK_WIDGET (report), "report.print", NULL);
  kt_app_test_iterate (100);
  dialog = open_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, T ("Print on Paper?"));
  answer (dialog, "cancel");
  kt_app_test_iterate (300);
  g_assert_null (open_message_dialog ());

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char *argv[])
{
  kt_app_test_init_for_app (&argc, &argv);

  g_test_add ("/app/meekijk/hides-notes-and-safety-on-every-page", Fixture, NULL,
              kt_app_fixture_set_up, test_meekijkstand_hides_notes_and_safety, kt_app_fixture_tear_down);
  g_test_add ("/app/meekijk/follows-the-page-and-the-case", Fixture, NULL,
              kt_app_fixture_set_up, test_meekijkstand_follows_the_page_and_the_case, kt_app_fixture_tear_down);
  g_test_add ("/app/meekijk/report-says-before-it-leaves-unencrypted", Fixture, NULL,
              kt_app_fixture_set_up, test_report_says_before_it_leaves_unencrypted, kt_app_fixture_tear_down);
  return g_test_run ();
}
