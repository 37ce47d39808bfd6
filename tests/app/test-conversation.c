/* test-conversation.c: the conversation fits the household (issue 16)
 *
 * The real app under Xvfb, in Dutch, on a store in its own temp dir.  A
 * household of two adults is never asked Opvoeding, and no line on any
 * domain page nor in the reports (pdftotext) speaks of "kinderen"; a
 * household with a child of 14 is asked it, with prompts for the young
 * person too.  "Gaat goed, niets te bespreken" marks a domain discussed in
 * one tap, never the safety domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kt-core.h"
#include "kt-app-test.h"
#include "kt-case-view-private.h"
#include "kt-conversation-page-private.h"
#include "kt-intake-page-private.h"
#include "kt-report.h"
#include "kt-test-util.h"

#define T(s) g_dgettext (GETTEXT_PACKAGE, s)

typedef KtAppFixture Fixture;

static KtCase *
new_household (Fixture    *f,
               const char *years[],
               const char *relations[])
{
  KtCase *kase;

  kt_app_test_activate (f->window, "win.new-case", NULL);
  kase = kt_case_view_get_case (kt_app_fixture_case_view (f));
  for (guint i = 0; years[i] != NULL; i++)
    {
      GtkWidget *row;
      g_autofree char *name = g_strdup_printf ("Lid %u", i + 1);

      kt_app_test_activate (kt_app_fixture_intake (f), "intake.add-member", NULL);
      row = kt_intake_page_get_row (kt_app_fixture_intake (f), FALSE, i);
      g_assert_nonnull (row);
      kt_app_test_set_row_text (row, T ("Name"), 0, name);
      kt_app_test_set_row_text (row, T ("Year of birth"), 0, years[i]);
      kt_app_test_set_row_text (row, T ("Relation to the applicant"), 0, relations[i]);
    }
  kt_app_test_iterate (5);
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  return kase;
}

/* The text of every label on screen below @widget that holds @word. */
static void
find_mapped_word (GtkWidget  *widget,
                  const char *word,
                  GString    *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;
      if (GTK_IS_LABEL (child) && strstr (gtk_label_get_text (GTK_LABEL (child)), word) != NULL)
        g_string_append_printf (found, "“%s” ", gtk_label_get_text (GTK_LABEL (child)));
      find_mapped_word (child, word, found);
    }
}

static char *
year_ago (int years)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_strdup_printf ("%d", g_date_time_get_year (now) - years);
}

/* Every line pdftotext reads from @report that holds @word. */
static void
find_report_word (KtReport   *report,
                  const char *dir,
                  const char *word,
                  GString    *found)
{
  g_autofree char *path = g_build_filename (dir, "verslag.pdf", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  int status;

  g_assert_true (kt_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpuint (strlen (out), >, 100);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], word) != NULL)
        g_string_append_printf (found, "“%s” ", lines[i]);
    }
}

static void
test_without_children_no_opvoeding (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *adult1 = year_ago (48);
  g_autofree char *adult2 = year_ago (45);
  const char *years[] = { adult1, adult2, NULL };
  const char *relations[] = { "zelf", "partner", NULL };
  KtCase *kase = new_household (f, years, relations);
  KtCaseView *view = kt_app_fixture_case_view (f);
  KtConversation *conversation = kt_case_view_get_conversation (view);
  g_autoptr(GString) found = g_string_new (NULL);
  g_autoptr(KtReport) report = NULL;
  g_autoptr(KtReport) dossier = NULL;
  KtDomainEntry *safety;

  g_assert_false (kt_case_has_children (kase));
  g_assert_null (kt_conversation_find_entry (conversation, "opvoeding"));
  g_assert_cmpuint (conversation->entries->len, ==,
                    kt_catalogue_get_n_domains (kt_case_view_get_catalogue (view)) - 1);

  /* Every domain page: no word about children on screen.  Each but safety
   * goes well in one tap. */
  for (guint i = 0; i < conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (conversation->entries, i);

      kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.show-domain",
                            g_variant_new_string (entry->domain_id));
      kt_app_test_iterate (10);
      g_assert_cmpstr (kt_conversation_page_get_current (kt_app_fixture_conversation (f)), ==, entry->domain_id);
      find_mapped_word (GTK_WIDGET (kt_app_fixture_conversation (f)), "kinderen", found);
      if (found->len > 0)
        g_error ("%s shows %s", entry->domain_id, found->str);
    }
  for (guint i = 0; i < conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (conversation->entries, i);

      kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.show-domain",
                            g_variant_new_string (entry->domain_id));
      kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.nothing-to-discuss", NULL);
    }
  safety = kt_conversation_find_entry (conversation, KT_SAFETY_DOMAIN_ID);
  g_assert_cmpint (safety->state, ==, KT_DOMAIN_NOT_YET);
  g_assert_false (safety->nothing_to_discuss);
  g_assert_cmpint (kt_conversation_find_entry (conversation, "wonen")->state, ==, KT_DOMAIN_DISCUSSED);
  g_assert_true (kt_conversation_find_entry (conversation, "wonen")->nothing_to_discuss);
  safety->state = KT_DOMAIN_DISCUSSED;
  safety->going_well = g_strdup ("Iedereen voelt zich veilig");

  /* Nor any line of the reports. */
  report = kt_report_new (kt_case_view_get_catalogue (view), kase, conversation, kt_case_view_get_plan (view));
  find_report_word (report, f->dir, "kinderen", found);
  dossier = kt_report_new_dossier (kt_case_view_get_catalogue (view), kase, conversation,
                                   kt_case_view_get_plan (view));
  find_report_word (dossier, f->dir, "kinderen", found);
  if (found->len > 0)
    g_error ("the reports say %s", found->str);
  find_report_word (report, f->dir, T ("goes well, nothing to discuss"), found);
  g_assert_cmpuint (found->len, >, 0);
}

static void
test_with_a_child_opvoeding_speaks_to_the_young_person (Fixture       *f,
                                                        gconstpointer  data)
{
  g_autofree char *adult1 = year_ago (44);
  g_autofree char *adult2 = year_ago (42);
  g_autofree char *child = year_ago (14);
  const char *years[] = { adult1, adult2, child, NULL };
  const char *relations[] = { "zelf", "partner", "kind", NULL };
  KtCase *kase = new_household (f, years, relations);
  KtConversation *conversation = kt_case_view_get_conversation (kt_app_fixture_case_view (f));
  g_autoptr(GString) found = g_string_new (NULL);

  g_assert_true (kt_case_has_children (kase));
  g_assert_nonnull (kt_conversation_find_entry (conversation, "opvoeding"));
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.show-domain",
                        g_variant_new_string ("opvoeding"));
  kt_app_test_iterate (10);
  g_assert_cmpstr (T ("To the young person"), ==, "Aan de jongere");
  find_mapped_word (GTK_WIDGET (kt_app_fixture_domain (f)), T ("To the young person"), found);
  g_assert_cmpuint (found->len, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* The catalogue and the app in Dutch: the test is about Dutch words. */
  g_setenv ("LANGUAGE", "nl", TRUE);
  /* gettext reads LANGUAGE in any locale but plain C. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("KT_LOCALEDIR", BUILD_ROOT "/po", TRUE);
  kt_app_test_init_for_app (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, kt_app_fixture_set_up, func, kt_app_fixture_tear_down)
  ADD ("/app/conversation/without-children-no-opvoeding-and-no-word-of-children",
       test_without_children_no_opvoeding);
  ADD ("/app/conversation/with-a-child-opvoeding-speaks-to-the-young-person",
       test_with_a_child_opvoeding_speaks_to_the_young_person);
#undef ADD

  return g_test_run ();
}
