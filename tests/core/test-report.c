/* test-report.c: the resident's report as PDF, read back with pdftotext
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <pango/pango.h>

#include "kt-core.h"
#include "kt-report.h"
#include "kt-evaluation.h"
#include "kt-test-util.h"
#include "kt-test-household.h"

typedef struct {
  KtCatalogue    *catalogue;
  KtCase         *kase;
  KtConversation *conversation;
  KtPlan         *plan;
  char           *tmpdir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->tmpdir = kt_test_tmpdir_new ("kt-report");
  f->catalogue = kt_catalogue_new_builtin ();
  kt_test_household_new (f->catalogue, &f->kase, &f->conversation, &f->plan);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->catalogue);
  g_clear_pointer (&f->kase, kt_case_unref);
  g_clear_pointer (&f->conversation, kt_conversation_unref);
  g_clear_pointer (&f->plan, kt_plan_unref);
  kt_test_tmpdir_free (f->tmpdir);
}

/* pdftotext's text of @pdf as it is laid out, line by line. */
static char *
pdf_raw_text (const char *pdf)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
  char *out = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* pdftotext's text of the PDF with runs of white space made single spaces. */
static char *
pdf_text (const char *pdf)
{
  g_autofree char *out = pdf_raw_text (pdf);
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);

  return g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
}

static char *
write_report (Fixture *f)
{
  g_autoptr(KtReport) report = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->tmpdir, "verslag.pdf", NULL);

  g_assert_cmpuint (kt_report_get_n_pages (report), >=, 2);
  g_assert_true (kt_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
assert_contains (const char *text,
                 const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("the report lacks “%s”", needle);
}

static char *plain (const char *markup);
static void assert_contains_message (const char *text, const char *msgid);
static void assert_contains_message_text (const char *text, const char *markup);

static void
test_report_shows_every_goal_action_owner_and_date (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autofree char *pdf = write_report (f);
  g_autofree char *text = pdf_text (pdf);

  assert_contains (text, f->plan->question);
  for (guint g = 0; g < f->plan->goals->len; g++)
    {
      KtGoal *goal = g_ptr_array_index (f->plan->goals, g);
      g_autofree char *eval = kt_format_date (goal->evaluation_date, KT_DATE_LONG);

      assert_contains (text, goal->title);
      assert_contains (text, eval);
      for (guint a = 0; a < goal->actions->len; a++)
        {
          KtAction *action = g_ptr_array_index (goal->actions, a);
          g_autofree char *who = kt_report_describe_actor (f->kase, action);
          g_autofree char *due = kt_format_date (action->due, KT_DATE_LONG);

          assert_contains (text, action->what);
          assert_contains (text, who);
          assert_contains (text, due);
        }
    }
  /* Named owners are the people from the network map. */
  assert_contains (text, "Ans de Vries");
  assert_contains (text, "Pieter Bos");
  assert_contains (text, "Voedselbank Noord");
  /* What goes well, who to call, consent and agreement. */
  assert_contains (text, "De vaste lasten worden betaald");
  assert_contains (text, "020 7654321");
  assert_contains (text, "Gegevens delen over schulden");
  assert_contains (text, "Goed zo, als Ans meehelpt.");
}

/* Fails when a line of @pdf ends inside a date: "10" or "10 december" with
 * the rest on the next line (pdftotext turns a no-break space into a space). */
static void
assert_no_date_split (const char *pdf)
{
  g_autofree char *text = pdf_raw_text (pdf);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GPtrArray) months = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRegex) ends_in_number = g_regex_new ("(^|\\s)\\d{1,2}\\s*$", 0, 0, NULL);
  g_autoptr(GRegex) starts_with_year = g_regex_new ("^\\s*\\d{4}\\b", 0, 0, NULL);

  for (int month = 1; month <= 12; month++)
    {
      g_autofree char *iso = g_strdup_printf ("2027-%02d-01", month);
      g_autofree char *date = kt_format_date (iso, KT_DATE_LONG);
      g_auto(GStrv) words = g_strsplit (date, " ", -1);

      g_ptr_array_add (months, g_strdup (words[1]));
    }
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_autofree char *line = g_strchomp (g_strdup (lines[i]));
      const char *next = lines[i + 1];

      for (guint m = 0; m < months->len; m++)
        {
          const char *month = g_ptr_array_index (months, m);

          if ((g_regex_match (ends_in_number, line, 0, NULL) && g_str_has_prefix (next, month)) ||
              (g_str_has_suffix (line, month) && g_regex_match (starts_with_year, next, 0, NULL)))
            g_error ("A date is split over two lines in %s:\n%s\n%s", pdf, line, next);
        }
    }
}

/* A date on paper is one thing: "10 december 2026" never starts on one line
 * and ends on the next, in the report or in its easy-read version (whose
 * larger type wraps more). */
static void
test_report_never_splits_a_date (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *pdf = NULL;
  g_autofree char *easy_pdf = g_build_filename (f->tmpdir, "kort.pdf", NULL);
  g_autoptr(KtReport) easy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *due = NULL;
  KtGoal *goal = g_ptr_array_index (f->plan->goals, 0);

  /* Long enough that its date lands where the old layout broke it. */
  for (guint a = 0; a < goal->actions->len; a++)
    {
      KtAction *action = g_ptr_array_index (goal->actions, a);

      g_free (action->what);
      action->what = g_strdup_printf ("Koffie drinken bij de inloop van het buurthuis %u keer", a + 1);
    }
  pdf = write_report (f);
  assert_no_date_split (pdf);

  f->kase->easy_read = TRUE;
  easy = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);
  g_assert_true (kt_report_write_pdf (easy, easy_pdf, &error));
  g_assert_no_error (error);
  assert_no_date_split (easy_pdf);

  /* The date is still the date the coach wrote. */
  due = kt_format_date (((KtAction *) g_ptr_array_index (goal->actions, 0))->due, KT_DATE_PAPER);
  g_assert_nonnull (strstr (due, "\xc2\xa0"));
  g_assert_null (strchr (due, ' '));
}

static KtMember *
add_member (KtCase     *kase,
            const char *name,
            int         birth_year,
            const char *relation)
{
  KtMember *member = kt_member_new ();

  member->name = g_strdup (name);
  member->birth_year = birth_year;
  member->relation = g_strdup (relation);
  g_ptr_array_add (kase->members, member);
  return member;
}

static gsize
count_of (const char *text,
          const char *needle)
{
  gsize n = 0;

  for (const char *at = strstr (text, needle); at != NULL; at = strstr (at + 1, needle))
    n++;
  return n;
}

static gssize
position_of (const char *text,
             const char *needle)
{
  const char *at = strstr (text, needle);

  if (at == NULL)
    g_error ("the report lacks “%s”", needle);
  return at - text;
}

/* Two adults and a 14-year-old: the young person's own words in Wonen and
 * their own goal, which the report puts under their name, after what the
 * household does together. */
static void
test_report_puts_a_young_persons_goal_under_their_name (Fixture       *f,
                                                        gconstpointer  data)
{
  KtMember *sem;
  KtDomainEntry *wonen;
  KtMemberVoice *voice;
  KtGoal *goal;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sems = NULL;
  g_autofree char *mirjams = NULL;
  const char *together;

  add_member (f->kase, "Mirjam Bakker", 1984, "zelf");
  add_member (f->kase, "Kees Bakker", 1982, "partner");
  sem = add_member (f->kase, "Sem Bakker", 2012, "kind");
  f->conversation->present |= KT_PRESENT_RESIDENT | KT_PRESENT_PARTNER | KT_PRESENT_YOUTH;
  wonen = kt_conversation_find_entry (f->conversation, "wonen");
  kt_domain_entry_set_about (wonen, sem->id, TRUE);
  voice = kt_domain_entry_ensure_voice (wonen, sem->id);
  voice->words = g_strdup ("Ik heb geen plek om huiswerk te maken");
  voice->wish = g_strdup ("Een bureau op mijn kamer");
  goal = kt_goal_new ();
  goal->title = g_strdup ("Ik wil rustig mijn huiswerk kunnen maken");
  goal->members = g_strdupv ((char *[]) { sem->id, NULL });
  g_ptr_array_add (f->plan->goals, goal);

  pdf = write_report (f);
  text = pdf_text (pdf);
  together = g_dgettext (GETTEXT_PACKAGE, "What we do together");
  sems = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Goals of %s"), "Sem Bakker");
  mirjams = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Goals of %s"), "Mirjam Bakker");
  assert_contains (text, "Ik heb geen plek om huiswerk te maken");
  assert_contains (text, "Een bureau op mijn kamer");
  /* Words and wish each in quotes: they do not run into each other. */
  {
    g_autofree char *said = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "<b>%s</b> about %s: “%s” Wish: “%s”"),
                                             "Sem Bakker", kt_catalogue_lookup (f->catalogue, "wonen")->name,
                                             "Ik heb geen plek om huiswerk te maken", "Een bureau op mijn kamer");

    assert_contains_message_text (text, said);
  }
  g_assert_cmpint (position_of (text, together), <, position_of (text, "Overzicht over de schulden"));
  g_assert_cmpint (position_of (text, "Elke week iemand spreken"), <, position_of (text, sems));
  g_assert_cmpint (position_of (text, sems), <,
                   position_of (text, "Ik wil rustig mijn huiswerk kunnen maken"));
  /* Once, under Sem's name only. */
  g_assert_cmpuint (count_of (text, "Ik wil rustig mijn huiswerk kunnen maken"), ==, 1);
  g_assert_cmpuint (count_of (text, mirjams), ==, 0);
}

/* The resident as regisseur, then a professional with a reason: named once
 * each time. */
static void
test_report_names_the_regisseur_once (Fixture       *f,
                                      gconstpointer  data)
{
  const KtNetworkPerson *pieter = g_ptr_array_index (f->kase->network, 2);
  const char *label = g_dgettext (GETTEXT_PACKAGE, "Leads the plan (regisseur)");
  /* "Why not you yet:", without what follows. */
  g_autofree char *why = g_strndup (g_dgettext (GETTEXT_PACKAGE, "Why not you yet: %s"),
                                    strlen (g_dgettext (GETTEXT_PACKAGE, "Why not you yet: %s")) - 3);
  g_autoptr(GError) error = NULL;

  g_free (f->kase->lead_id);
  f->kase->lead_id = g_strdup (KT_LEAD_RESIDENT);
  g_assert_cmpint (kt_case_get_lead_kind (f->kase), ==, KT_LEAD_KIND_RESIDENT);
  g_assert_true (kt_case_check_lead (f->kase, &error));
  {
    g_autofree char *pdf = write_report (f);
    g_autofree char *text = pdf_text (pdf);

    g_autofree char *line = g_strdup_printf ("%s: %s", label, g_dgettext (GETTEXT_PACKAGE, "you yourself"));

    g_assert_cmpuint (count_of (text, label), ==, 1);
    assert_contains (text, line);
    g_assert_cmpuint (count_of (text, why), ==, 0);
  }

  g_free (f->kase->lead_id);
  f->kase->lead_id = g_strdup (pieter->id);
  g_assert_cmpint (kt_case_get_lead_kind (f->kase), ==, KT_LEAD_KIND_PROFESSIONAL);
  g_assert_false (kt_case_check_lead (f->kase, &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  f->kase->lead_reason = g_strdup ("Eerst moet de rust terug zijn");
  f->kase->lead_agreed = TRUE;
  g_assert_true (kt_case_check_lead (f->kase, &error));
  {
    g_autofree char *pdf = write_report (f);
    g_autofree char *text = pdf_text (pdf);

    g_autofree char *line = g_strdup_printf ("%s: %s", label, "Pieter Bos");

    g_assert_cmpuint (count_of (text, label), ==, 1);
    assert_contains (text, line);
    assert_contains (text, why);
    assert_contains (text, "Eerst moet de rust terug zijn");
    assert_contains_message (text, "You agreed with this choice.");
  }
}

/* Ans may not be approached: she is no actor or helper on paper, not in the
 * resident's report nor in a copy for a party. */
static void
test_report_never_prints_someone_not_to_approach (Fixture       *f,
                                                  gconstpointer  data)
{
  KtNetworkPerson *ans = g_ptr_array_index (f->kase->network, 0);
  KtNetworkPerson *voedselbank = g_ptr_array_index (f->kase->network, 1);
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpstr (ans->name, ==, "Ans de Vries");
  ans->no_contact = TRUE;
  voedselbank->unaware = TRUE;
  g_free (f->kase->lead_id);
  f->kase->lead_id = g_strdup (ans->id);
  g_assert_false (kt_network_person_may_suggest (ans));
  g_assert_true (kt_network_person_may_suggest (voedselbank));
  g_assert_false (kt_network_person_may_print (voedselbank));

  pdf = write_report (f);
  text = pdf_text (pdf);
  g_assert_null (strstr (text, "Ans de Vries"));
  g_assert_null (strstr (text, "Voedselbank Noord"));
  /* Her action stays, without her name. */
  assert_contains (text, "Samen de post openen");
  assert_contains (text, "Pieter Bos");
}

/* A skipped domain is not among what was talked about; like every domain
 * that did not come up it is not named at all, one sentence says there
 * were other subjects. */
static void
test_report_never_shows_a_skipped_domain_as_discussed (Fixture       *f,
                                                       gconstpointer  data)
{
  g_autofree char *pdf = write_report (f);
  g_autofree char *text = pdf_text (pdf);
  const KtDomain *justitie = kt_catalogue_lookup (f->catalogue, "justitie");
  const KtDomain *wonen = kt_catalogue_lookup (f->catalogue, "wonen");
  const KtDomain *werk = kt_catalogue_lookup (f->catalogue, "werk");
  g_autofree char *others = plain (g_dgettext (GETTEXT_PACKAGE,
                                               "We did not talk about other subjects this time. Would you like "
                                               "to talk about one of them after all? Just tell us."));
  const char *discussed = strstr (text, g_dgettext (GETTEXT_PACKAGE, "What we talked about"));
  const char *open = strstr (text, others);
  g_autofree char *discussed_part = NULL;

  g_assert_nonnull (discussed);
  g_assert_nonnull (open);
  g_assert_true (open > discussed);
  discussed_part = g_strndup (discussed, open - discussed);

  g_assert_nonnull (strstr (discussed_part, wonen->name));
  g_assert_null (strstr (text, justitie->name));
  g_assert_null (strstr (text, werk->name));
  /* Nothing recorded under a skipped domain reaches the paper. */
  g_assert_null (strstr (text, "ZICHTBAARALSBESPROKEN"));
}

/* A domain marked "Gaat goed, niets te bespreken" in one tap is among
 * what was talked about, and says so (issue 16). */
static void
test_report_shows_nothing_to_discuss (Fixture       *f,
                                      gconstpointer  data)
{
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  const KtDomain *meedoen = kt_catalogue_lookup (f->catalogue, "meedoen");
  const char *discussed;

  g_assert_true (kt_conversation_mark_nothing_to_discuss (f->conversation, "meedoen", NULL));
  pdf = write_report (f);
  text = pdf_text (pdf);
  expected = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "%s (goes well, nothing to discuss)"),
                              meedoen->name);
  discussed = strstr (text, g_dgettext (GETTEXT_PACKAGE, "What we talked about"));
  g_assert_nonnull (discussed);
  assert_contains (discussed, expected);
}

static void
test_report_page_one_renders_to_png (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *pdf = write_report (f);
  g_autofree char *prefix = g_build_filename (f->tmpdir, "page", NULL);
  g_autofree char *png = g_build_filename (f->tmpdir, "page-1.png", NULL);
  const char *argv[] = { "pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", pdf, prefix, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  if (!g_file_test (png, G_FILE_TEST_EXISTS))
    {
      g_free (png);
      png = g_build_filename (f->tmpdir, "page-01.png", NULL);
    }
  g_assert_true (g_file_get_contents (png, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 8000);   /* a blank A4 at 50 dpi is far smaller */
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);

  if (g_getenv ("KT_SCREENSHOT_DIR") != NULL)
    {
      const char *hi[] = { "pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "9", pdf, NULL, NULL };
      g_autofree char *target = g_build_filename (g_getenv ("KT_SCREENSHOT_DIR"), "report-page", NULL);

      hi[9] = target;
      g_assert_true (g_spawn_sync (NULL, (char **) hi, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                   NULL, NULL, &status, &error));
    }
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;

  kt_report_write_pdf_finish (KT_REPORT (source), result, error);
  g_main_context_wakeup (NULL);
  *(gboolean *) g_object_get_data (source, "done") = TRUE;
}

static void
test_report_writes_asynchronously (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(KtReport) report = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);
  g_autofree char *path = g_build_filename (f->tmpdir, "async.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path ("/nonexistent-dir/verslag.pdf");
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  g_autofree char *text = NULL;

  g_object_set_data (G_OBJECT (report), "done", &done);
  kt_report_write_pdf_async (report, file, NULL, written_cb, &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  text = pdf_text (path);
  assert_contains (text, "Overzicht over de schulden");

  done = FALSE;
  kt_report_write_pdf_async (report, bad, NULL, written_cb, &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, KT_REPORT_ERROR, KT_REPORT_ERROR_WRITE);
}

static void
test_report_at_an_evaluation_shows_how_things_went (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autoptr(KtConversation) evaluation = kt_evaluation_new (f->catalogue, f->conversation, f->plan);
  g_autoptr(KtReport) report = NULL;
  g_autofree char *path = g_build_filename (f->tmpdir, "evaluatie.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  KtGoalProgress *progress = g_ptr_array_index (evaluation->progress, 0);

  evaluation->wheel[KT_SEGMENT_SOCIAAL].current = 3;
  progress->status = KT_GOAL_ACHIEVED;
  progress->note = g_strdup ("De post is weer bijgewerkt");
  report = kt_report_new (f->catalogue, f->kase, evaluation, f->plan);
  g_assert_true (kt_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  text = pdf_text (path);

  assert_contains (text, g_dgettext (GETTEXT_PACKAGE, "How things went"));
  assert_contains (text, "De post is weer bijgewerkt");
  assert_contains (text, "Overzicht over de schulden");
}

/* The evaluation's report says it is one, tells how each area moved in the
 * wheel's words rather than bare scores, and names no date that has been
 * and gone as the next look back. */
static void
test_report_at_an_evaluation_speaks_in_words (Fixture       *f,
                                              gconstpointer  data)
{
  g_autoptr(KtConversation) evaluation = kt_evaluation_new (f->catalogue, f->conversation, f->plan);
  g_autoptr(KtReport) report = NULL;
  g_autofree char *path = g_build_filename (f->tmpdir, "evaluatie.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *date = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *better = NULL;
  g_autofree char *same = NULL;
  g_autofree char *about = NULL;
  g_autofree char *goal_date = kt_format_date ("2027-01-20", KT_DATE_LONG);
  g_autoptr(GError) error = NULL;
  const char *next;

  g_free (evaluation->date);
  evaluation->date = g_strdup ("2027-02-16");
  /* As kt_case_start_evaluation leaves it: the evaluation is today's. */
  g_free (f->kase->evaluation_date);
  f->kase->evaluation_date = g_strdup ("2027-02-16");
  g_assert_cmpint (evaluation->wheel[KT_SEGMENT_SOCIAAL].previous, ==, 1);
  evaluation->wheel[KT_SEGMENT_SOCIAAL].current = 3;
  ((KtGoalProgress *) g_ptr_array_index (evaluation->progress, 0))->status = KT_GOAL_IN_PROGRESS;
  report = kt_report_new (f->catalogue, f->kase, evaluation, f->plan);
  g_assert_true (kt_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  text = pdf_text (path);

  date = kt_format_date ("2027-02-16", KT_DATE_LONG);
  subtitle = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "%s · our evaluation of %s"), "Familie Bakker", date);
  assert_contains (text, subtitle);
  better = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "<b>%s</b>: better. Now: %s; last time: %s."),
                            kt_catalogue_segment_name (f->catalogue, KT_SEGMENT_SOCIAAL),
                            g_dgettext (GETTEXT_PACKAGE, "mostly on your own"),
                            g_dgettext (GETTEXT_PACKAGE, "with a lot of help"));
  same = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "<b>%s</b>: the same as last time: %s."),
                          kt_catalogue_segment_name (f->catalogue, KT_SEGMENT_ZELFSTANDIG),
                          g_dgettext (GETTEXT_PACKAGE, "mostly on your own"));
  assert_contains_message_text (text, better);
  assert_contains_message_text (text, same);
  /* The goal as judged at the evaluation, not as the plan last had it. */
  about = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "About: %s · %s"),
                           kt_catalogue_lookup (f->catalogue, "geldzaken")->name,
                           g_dgettext (GETTEXT_PACKAGE, "under way"));
  assert_contains (text, about);
  /* The goal's date was the day to look back on; it is past. */
  next = strstr (text, g_dgettext (GETTEXT_PACKAGE, "What happens next"));
  g_assert_nonnull (next);
  g_assert_null (strstr (next, goal_date));
  g_assert_null (strstr (next, date));

  /* Once the coach chose the next evaluation, that is the date. */
  g_clear_object (&report);
  g_free (f->kase->evaluation_date);
  f->kase->evaluation_date = g_strdup ("2027-05-20");
  report = kt_report_new (f->catalogue, f->kase, evaluation, f->plan);
  g_assert_true (kt_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  g_free (text);
  text = pdf_text (path);
  g_free (date);
  date = kt_format_date ("2027-05-20", KT_DATE_LONG);
  next = strstr (text, g_dgettext (GETTEXT_PACKAGE, "What happens next"));
  g_assert_nonnull (next);
  assert_contains (next, date);
}

/* "Have you applied for maatwerk?" only while a tailored provision waits
 * for its decision, and a date only where there is one: the term is not
 * two weeks under every law (Jeugdwet and Participatiewet: up to eight),
 * so the report gives the date the coach's list counts down to. */
static void
test_report_asks_about_maatwerk_only_while_undecided (Fixture       *f,
                                                      gconstpointer  data)
{
  KtProvision *tailored = kt_provision_new ();
  const char *question = "Have you applied for tailored support (maatwerk)? "
                         "The municipality sends you its decision in writing.";

  tailored->name = g_strdup ("Jeugdhulp thuis");
  tailored->tailored = TRUE;
  tailored->decision_state = KT_DECISION_GRANTED;
  tailored->decision_date = g_strdup ("2026-11-25");
  tailored->decision = g_strdup ("twee uur per week");
  g_ptr_array_add (f->plan->provisions, tailored);
  {
    g_autofree char *pdf = write_report (f);
    g_autofree char *text = pdf_text (pdf);
    g_autofree char *asked = plain (g_dgettext (GETTEXT_PACKAGE, question));

    g_assert_null (strstr (text, asked));
  }

  /* Not applied for yet: no date to promise. */
  tailored->decision_state = KT_DECISION_NONE;
  g_clear_pointer (&tailored->decision, g_free);
  g_clear_pointer (&tailored->decision_date, g_free);
  {
    g_autofree char *pdf = write_report (f);
    g_autofree char *text = pdf_text (pdf);

    assert_contains_message (text, question);
    g_assert_null (strstr (text, "2 weeks"));
    g_assert_null (strstr (text, "2 weken"));
  }

  /* Applied for under the Jeugdwet on 2 December: eight weeks. */
  tailored->legal_basis = KT_LEGAL_BASIS_JEUGDWET;
  tailored->request_date = g_strdup ("2026-12-02");
  tailored->decision_state = KT_DECISION_PENDING;
  f->kase->decision_deadline = g_strdup ("2027-01-27");
  {
    g_autofree char *pdf = write_report (f);
    g_autofree char *text = pdf_text (pdf);
    g_autofree char *date = kt_format_date ("2027-01-27", KT_DATE_LONG);
    g_autofree char *line = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE,
                                                         "The municipality decides on your application for "
                                                         "tailored support (maatwerk) by <b>%s</b> and sends "
                                                         "you the decision in writing."), date);

    assert_contains_message_text (text, line);
    g_assert_null (strstr (text, "2 weeks"));
    g_assert_null (strstr (text, "2 weken"));
  }
}

/* Kort en duidelijk at an evaluation: each area's movement one idea a line. */
static void
test_report_easy_read_evaluation_moves_one_idea_a_line (Fixture       *f,
                                                        gconstpointer  data)
{
  g_autoptr(KtConversation) evaluation = kt_evaluation_new (f->catalogue, f->conversation, f->plan);
  g_autoptr(KtReport) report = NULL;
  g_autofree char *path = g_build_filename (f->tmpdir, "evaluatie-kort.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *better = NULL;
  g_autoptr(GError) error = NULL;

  evaluation->wheel[KT_SEGMENT_SOCIAAL].current = 3;
  f->kase->easy_read = TRUE;
  report = kt_report_new (f->catalogue, f->kase, evaluation, f->plan);
  g_assert_true (kt_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  text = pdf_text (path);

  better = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "<b>%s</b>\n%s\nNow: %s."),
                            kt_catalogue_segment_name (f->catalogue, KT_SEGMENT_SOCIAAL),
                            g_dgettext (GETTEXT_PACKAGE, "Better than last time."),
                            g_dgettext (GETTEXT_PACKAGE, "mostly on your own"));
  assert_contains_message_text (text, better);
}

/* After closing the report promises no look back and no team check: it
 * says the support ended and when the follow-up check comes. */
static void
test_report_after_closing_names_the_follow_up (Fixture       *f,
                                               gconstpointer  data)
{
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *follow_up = kt_format_date ("2027-06-01", KT_DATE_LONG);
  g_autofree char *goal_date = kt_format_date ("2027-01-20", KT_DATE_LONG);
  g_autofree char *check = NULL;
  g_autofree char *part = NULL;
  const char *next;
  const char *call;

  f->kase->phase = KT_PHASE_CLOSED;
  f->kase->follow_up_date = g_strdup ("2027-06-01");
  g_clear_pointer (&f->kase->evaluation_date, g_free);
  pdf = write_report (f);
  text = pdf_text (pdf);

  next = strstr (text, g_dgettext (GETTEXT_PACKAGE, "What happens next"));
  call = strstr (text, g_dgettext (GETTEXT_PACKAGE, "Who you can call"));
  g_assert_nonnull (next);
  g_assert_nonnull (call);
  part = g_strndup (next, call - next);
  assert_contains_message (part, "The support from the neighbourhood team has ended.");
  check = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "On <b>%s</b> we get in touch to ask how it is going."),
                           follow_up);
  assert_contains_message_text (part, check);
  g_assert_null (strstr (part, goal_date));
  g_assert_null (strstr (part, g_dgettext (GETTEXT_PACKAGE, "This plan is a draft. We finish it with you; "
                                                            "then the team checks it.")));
}

/* The resident's own actions read "who: you yourself", lower case in the
 * middle of the line. */
static void
test_report_names_the_resident_as_you_yourself (Fixture       *f,
                                                gconstpointer  data)
{
  g_autofree char *pdf = write_report (f);
  g_autofree char *text = pdf_text (pdf);
  g_autofree char *due = kt_format_date ("2026-12-01", KT_DATE_LONG);
  g_autofree char *line = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "%s — <b>who:</b> %s — <b>by</b> %s"),
                                           "Alle brieven in een map doen",
                                           g_dgettext (GETTEXT_PACKAGE, "you yourself"), due);

  assert_contains_message_text (text, line);
}

/* Whether @name is part of a wheel segment's name, where it would show
 * whatever the report says about the domain ("Taking part" in "Taking part
 * in society"). */
static gboolean
names_a_segment (Fixture    *f,
                 const char *name)
{
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    if (strstr (kt_catalogue_segment_name (f->catalogue, s), name) != NULL)
      return TRUE;
  return FALSE;
}

static void keep_for_looking (const char *pdf, const char *name);

/* An evaluation goes through no life domain one by one: its report names
 * the domains that came up (the plan's, the new questions') and no row of
 * every other one as "not talked about", which reads as if the coach forgot
 * them. */
static void
test_report_at_an_evaluation_lists_no_domain_that_did_not_come_up (Fixture       *f,
                                                                   gconstpointer  data)
{
  g_autoptr(KtConversation) evaluation = kt_evaluation_new (f->catalogue, f->conversation, f->plan);
  KtNewQuestion *question = kt_new_question_new ("wonen");
  g_autoptr(KtReport) report = NULL;
  g_autofree char *path = g_build_filename (f->tmpdir, "evaluatie.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  question->note = g_strdup ("De trap naar boven wordt te zwaar");
  g_ptr_array_add (evaluation->new_questions, question);
  report = kt_report_new (f->catalogue, f->kase, evaluation, f->plan);
  g_assert_true (kt_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  keep_for_looking (path, "report-evaluation.pdf");
  text = pdf_text (path);

  assert_contains (text, kt_catalogue_lookup (f->catalogue, "wonen")->name);
  assert_contains (text, "De trap naar boven wordt te zwaar");
  assert_contains (text, kt_catalogue_lookup (f->catalogue, "geldzaken")->name);
  for (guint i = 0; i < evaluation->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (evaluation->entries, i);
      const KtDomain *domain = kt_catalogue_lookup (f->catalogue, entry->domain_id);

      g_assert_cmpint (entry->state, ==, KT_DOMAIN_NOT_YET);
      if (g_strcmp0 (entry->domain_id, "wonen") == 0 || g_strcmp0 (entry->domain_id, "geldzaken") == 0 ||
          names_a_segment (f, domain->name))
        continue;
      if (strstr (text, domain->name) != NULL)
        g_error ("the evaluation's report names “%s”, which did not come up", domain->name);
    }
}

/* The dossier report of an evaluation has no heading over no domain. */
static void
test_report_dossier_of_an_evaluation_has_no_empty_heading (Fixture       *f,
                                                           gconstpointer  data)
{
  g_autoptr(KtConversation) evaluation = kt_evaluation_new (f->catalogue, f->conversation, f->plan);
  g_autoptr(KtReport) report = kt_report_new_dossier (f->catalogue, f->kase, evaluation, f->plan);
  g_autofree char *path = g_build_filename (f->tmpdir, "evaluatie-dossier.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  text = pdf_text (path);
  assert_contains (text, g_dgettext (GETTEXT_PACKAGE, "How things went"));
  g_assert_null (strstr (text, g_dgettext (GETTEXT_PACKAGE, "Every life domain, in full")));
}

/* The last line of text on a page of pdftotext's @page, above the footer. */
static char *
last_line_above_footer (const char *page)
{
  g_auto(GStrv) lines = g_strsplit (page, "\n", -1);
  int n = 0;
  int last = -1;

  for (int i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      {
        n++;
        last = i;
      }
  if (n < 2)
    return NULL;
  for (int i = last - 1; i >= 0; i--)
    if (*lines[i] != '\0')
      return g_strdup (lines[i]);
  return NULL;
}

/* No page ends in a heading, a goal's title or its "About:" line: they go
 * to the next page with what they head.  A longer first goal pushes all
 * that follows down, through every place a page can break (the opening
 * would not: the wheel, too big to split, takes up the slack). */
static void
test_report_leaves_no_heading_at_a_pages_foot (Fixture       *f,
                                               gconstpointer  data)
{
  g_autofree char *about = g_strndup (g_dgettext (GETTEXT_PACKAGE, "About: %s · %s"),
                                      strcspn (g_dgettext (GETTEXT_PACKAGE, "About: %s · %s"), "%"));
  const char *headings[] = {
    g_dgettext (GETTEXT_PACKAGE, "What we are going to do"), "1. Overzicht over de schulden",
    "2. Elke week iemand spreken", g_dgettext (GETTEXT_PACKAGE, "What happens next"),
    g_dgettext (GETTEXT_PACKAGE, "Who you can call"), g_dgettext (GETTEXT_PACKAGE, "Your agreement"),
    g_dgettext (GETTEXT_PACKAGE, "Your rights"), g_dgettext (GETTEXT_PACKAGE, "What we talked about"),
    g_dgettext (GETTEXT_PACKAGE, "What goes well"), g_dgettext (GETTEXT_PACKAGE, "How you take part"),
  };
  KtGoal *first = g_ptr_array_index (f->plan->goals, 0);
  g_autoptr(GString) words = g_string_new ("Ik open de post weer zonder buikpijn.");
  g_autofree char *path = g_build_filename (f->tmpdir, "voet.pdf", NULL);

  for (guint step = 0; step < 40; step++)
    {
      g_autoptr(KtReport) report = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *raw = NULL;
      g_auto(GStrv) pages = NULL;

      g_free (first->difference);
      first->difference = g_strdup (words->str);
      report = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);
      g_assert_true (kt_report_write_pdf (report, path, &error));
      g_assert_no_error (error);
      raw = pdf_raw_text (path);
      pages = g_strsplit (raw, "\f", -1);
      for (guint p = 0; pages[p] != NULL; p++)
        {
          g_autofree char *line = last_line_above_footer (pages[p]);

          if (line == NULL)
            continue;
          if (g_str_has_prefix (line, about))
            g_error ("page %u ends in “%s” (a goal of %" G_GSIZE_FORMAT " characters)", p + 1, line, words->len);
          for (guint h = 0; h < G_N_ELEMENTS (headings); h++)
            if (g_strcmp0 (line, headings[h]) == 0)
              g_error ("page %u ends in the heading “%s” (a goal of %" G_GSIZE_FORMAT " characters)",
                       p + 1, line, words->len);
        }
      g_string_append (words, " Soms groeit het me boven het hoofd, en dan laat ik de post liggen.");
    }
}

/* With $KT_SCREENSHOT_DIR set, a copy of @pdf to look at. */
static void
keep_for_looking (const char *pdf,
                  const char *name)
{
  g_autofree char *copy = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (g_getenv ("KT_SCREENSHOT_DIR") == NULL)
    return;
  copy = g_build_filename (g_getenv ("KT_SCREENSHOT_DIR"), name, NULL);
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (copy, contents, length, NULL));
}

/* Distinct words in every place the resident's report must keep out. */
static const char * const safety_markers[] = {
  "MarkerVeiligGoed", "MarkerVeiligZorg", "MarkerVeiligWens", "MarkerRelatieZorg",
  "MarkerRelatieGoed", "MarkerCheckNoot", "MarkerIntakeNoot", "MarkerBaliNoot",
  "MarkerRisico", "MarkerAfspraak", "MarkerWieLetOp", "MarkerDoelVeilig",
  "MarkerActieVeilig", "MarkerDoelRelatie", "MarkerDoelPartij",
  "MarkerZonderDoel", "MarkerZonderPartij", "MarkerZonderReden", "MarkerPartijPersoon",
  "MarkerDossierNoot", "MarkerVoortgang", "MarkerReview", "MarkerKosten",
};

/* The household of the fixture with a marker in every field about safety,
 * a share without consent, and notes for the file. */
static void
add_safety_markers (Fixture *f)
{
  KtDomainEntry *safety = kt_conversation_find_entry (f->conversation, KT_SAFETY_DOMAIN_ID);
  KtDomainEntry *relations = kt_conversation_find_entry (f->conversation, "relaties");
  KtMember *member = kt_member_new ();
  KtSafetyCheck *check;
  KtConsent *consent = kt_consent_new ();
  KtNetworkPerson *party = kt_network_person_new ();
  KtGoal *goal = kt_goal_new ();
  KtGoal *first = g_ptr_array_index (f->plan->goals, 0);
  KtAction *action = kt_action_new ();
  KtProvision *provision = kt_provision_new ();
  KtReviewComment *comment = kt_review_comment_new ();

  g_free (safety->going_well);
  safety->going_well = g_strdup ("MarkerVeiligGoed");
  safety->concern = g_strdup ("MarkerVeiligZorg");
  safety->wish = g_strdup ("MarkerVeiligWens");
  safety->safety_flag = TRUE;
  relations->state = KT_DOMAIN_DISCUSSED;
  relations->going_well = g_strdup ("MarkerRelatieGoed");
  relations->concern = g_strdup ("MarkerRelatieZorg");
  relations->safety_flag = TRUE;

  member->name = g_strdup ("Sanne");
  g_ptr_array_add (f->kase->members, member);
  check = kt_safety_check_new (member->id);
  check->checked = TRUE;
  check->concern = TRUE;
  check->note = g_strdup ("MarkerCheckNoot");
  g_ptr_array_add (f->conversation->safety_checks, check);

  f->kase->request.safety_concern = TRUE;
  f->kase->request.safety_note = g_strdup ("MarkerIntakeNoot");
  f->kase->desk_note = g_strdup ("MarkerBaliNoot");
  f->conversation->notes = g_strdup ("MarkerDossierNoot");

  f->plan->safety_required = TRUE;
  f->plan->safety.risks = g_strdup ("MarkerRisico");
  f->plan->safety.agreements = g_strdup ("MarkerAfspraak");
  f->plan->safety.who_watches = g_strdup ("MarkerWieLetOp");

  /* A goal of the safety domain and one of a flagged domain. */
  goal->title = g_strdup ("MarkerDoelVeilig");
  g_strfreev (goal->domains);
  goal->domains = g_strdupv ((char *[]) { (char *) KT_SAFETY_DOMAIN_ID, NULL });
  action->what = g_strdup ("MarkerActieVeilig");
  g_ptr_array_add (goal->actions, action);
  g_ptr_array_add (f->plan->goals, goal);
  goal = kt_goal_new ();
  goal->title = g_strdup ("MarkerDoelRelatie");
  g_strfreev (goal->domains);
  goal->domains = g_strdupv ((char *[]) { (char *) "relaties", NULL });
  g_ptr_array_add (f->plan->goals, goal);
  g_ptr_array_add (first->progress_notes, g_strdup ("MarkerVoortgang"));

  /* Shared without consent: the purpose, the party and the reason stay out,
   * and so does the party wherever else it appears. */
  consent->purpose = g_strdup ("MarkerZonderDoel");
  consent->party = g_strdup ("MarkerZonderPartij");
  consent->share_without_consent = TRUE;
  consent->reasoning = g_strdup ("MarkerZonderReden");
  g_ptr_array_add (f->kase->consents, consent);
  consent = kt_consent_new ();
  consent->purpose = g_strdup ("MarkerDoelPartij");
  consent->party = g_strdup ("MarkerZonderPartij");
  consent->status = KT_CONSENT_GIVEN;
  g_ptr_array_add (f->kase->consents, consent);
  party->name = g_strdup ("MarkerPartijPersoon");
  party->organisation = g_strdup ("MarkerZonderPartij");
  party->kind = KT_NETWORK_PROFESSIONAL;
  g_ptr_array_add (f->kase->network, party);
  action = kt_action_new ();
  action->what = g_strdup ("Een gesprek over de buren");
  action->actor = KT_ACTOR_PROFESSIONAL;
  action->who = g_strdup (party->id);
  g_ptr_array_add (first->actions, action);
  g_ptr_array_add (f->conversation->wheel[KT_SEGMENT_SOCIAAL].supporters,
                   kt_supporter_new (party->id, KT_RING_PROFESSIONALS));
  g_free (f->kase->contact_person_id);
  f->kase->contact_person_id = g_strdup (party->id);

  provision->name = g_strdup ("Huishoudelijke hulp");
  provision->tailored = TRUE;
  provision->acceptable = g_strdup ("Ja");
  provision->cost_reasonable = g_strdup ("MarkerKosten");
  provision->own_options = g_strdup ("Dochter doet boodschappen");
  g_ptr_array_add (f->plan->provisions, provision);
  comment->author = g_strdup ("leiding");
  comment->text = g_strdup ("MarkerReview");
  g_ptr_array_add (f->plan->comments, comment);
}

/* What pdfinfo says about @pdf (transfer full). */
static char *
pdf_info (const char *pdf)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdfinfo", pdf, NULL };
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* Whether @needle occurs in the @length bytes at @data, NUL bytes and all. */
static gboolean
holds_bytes (const char *data,
             gsize       length,
             const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* Tagged for screen readers: pdfinfo says so, and the structure holds a
 * title, headings, lists with their items and the figures. */
static void
assert_tagged (const char *pdf)
{
  g_autofree char *info = pdf_info (pdf);
  g_autofree char *contents = NULL;
  g_autoptr(GRegex) tagged = g_regex_new ("^Tagged:\\s+yes$", G_REGEX_MULTILINE, 0, NULL);
  const char *elements[] = { "/S /Document", "/S /H1", "/S /H2", "/S /P", "/S /L\n", "/S /LI", "/S /Figure" };
  gsize length;

  g_assert_true (g_regex_match (tagged, info, 0, NULL));
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
    if (!holds_bytes (contents, length, elements[i]))
      g_error ("the PDF has no structure element %s", elements[i]);
}

static guint
pdf_n_pages (const char *pdf)
{
  g_autofree char *out = pdf_info (pdf);
  const char *line;

  line = strstr (out, "Pages:");
  g_assert_nonnull (line);
  return (guint) g_ascii_strtoull (line + strlen ("Pages:"), NULL, 10);
}

static char *
pdf_page_text (const char *pdf,
               guint       page)
{
  g_autofree char *out = NULL;
  g_autofree char *number = g_strdup_printf ("%u", page);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", "-f", number, "-l", number, pdf, "-", NULL };
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static void
test_report_keeps_safety_and_file_notes_out_of_the_house (Fixture       *f,
                                                          gconstpointer  data)
{
  g_autoptr(KtReport) resident = NULL;
  g_autoptr(KtReport) dossier = NULL;
  g_autofree char *resident_pdf = g_build_filename (f->tmpdir, "bewoner.pdf", NULL);
  g_autofree char *dossier_pdf = g_build_filename (f->tmpdir, "dossier.pdf", NULL);
  g_autofree char *resident_text = NULL;
  g_autofree char *dossier_text = NULL;
  g_autoptr(GError) error = NULL;
  const KtDomain *safety = kt_catalogue_lookup (f->catalogue, KT_SAFETY_DOMAIN_ID);
  guint n_pages;

  add_safety_markers (f);
  resident = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);
  dossier = kt_report_new_dossier (f->catalogue, f->kase, f->conversation, f->plan);
  g_assert_cmpint (kt_report_get_kind (resident), ==, KT_REPORT_RESIDENT);
  g_assert_cmpint (kt_report_get_kind (dossier), ==, KT_REPORT_DOSSIER);
  g_assert_true (kt_report_write_pdf (resident, resident_pdf, &error));
  g_assert_no_error (error);
  g_assert_true (kt_report_write_pdf (dossier, dossier_pdf, &error));
  g_assert_no_error (error);
  resident_text = pdf_text (resident_pdf);
  dossier_text = pdf_text (dossier_pdf);

  for (guint i = 0; i < G_N_ELEMENTS (safety_markers); i++)
    {
      if (strstr (resident_text, safety_markers[i]) != NULL)
        g_error ("the resident's report shows “%s”", safety_markers[i]);
      assert_contains (dossier_text, safety_markers[i]);
    }
  g_assert_null (strstr (resident_text, "⚠"));
  g_assert_nonnull (strstr (dossier_text, "⚠"));
  /* Veiligheid itself: "discussed", no more. */
  assert_contains (resident_text, safety->name);
  /* The rest of the plan still goes home; the withheld party's action without its name. */
  assert_contains (resident_text, "Overzicht over de schulden");
  assert_contains (resident_text, "Een gesprek over de buren");
  assert_contains (resident_text, "Gegevens delen over schulden");
  assert_contains (resident_text, "Huishoudelijke hulp");
  g_assert_null (strstr (resident_text, "Dochter doet boodschappen"));

  /* "Dossier" at the top of every page of the dossier report. */
  n_pages = pdf_n_pages (dossier_pdf);
  g_assert_cmpuint (n_pages, ==, kt_report_get_n_pages (dossier));
  g_assert_cmpuint (n_pages, >=, 2);
  for (guint page = 1; page <= n_pages; page++)
    {
      g_autofree char *text = pdf_page_text (dossier_pdf, page);
      g_autofree char *folded = g_utf8_casefold (text, -1);

      if (strstr (folded, "dossier") == NULL)
        g_error ("page %u of the dossier report does not say “dossier”", page);
    }
  g_free (dossier_text);
  dossier_text = g_utf8_casefold (resident_text, -1);
  g_assert_null (strstr (dossier_text, "dossier"));
  keep_for_looking (dossier_pdf, "report-dossier.pdf");
  assert_tagged (dossier_pdf);
}

/* The text of a translated message as it lands on paper: markup off, one space. */
static char *
plain (const char *markup)
{
  g_autofree char *text = NULL;
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);

  g_assert_true (pango_parse_markup (markup, -1, 0, NULL, &text, NULL, NULL));
  return g_regex_replace_literal (spaces, text, -1, 0, " ", 0, NULL);
}

static void
assert_contains_message (const char *text,
                         const char *msgid)
{
  g_autofree char *wanted = plain (g_dgettext (GETTEXT_PACKAGE, msgid));

  assert_contains (text, wanted);
}

/* Like assert_contains_message, for a message already filled in. */
static void
assert_contains_message_text (const char *text,
                              const char *markup)
{
  g_autofree char *wanted = plain (markup);

  assert_contains (text, wanted);
}

static void
test_report_gives_the_resident_the_whole_plan (Fixture       *f,
                                               gconstpointer  data)
{
  KtProvision *general = kt_provision_new ();
  KtProvision *tailored = kt_provision_new ();
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *first_due = kt_format_date ("2026-12-01", KT_DATE_LONG);
  g_autofree char *evaluation = kt_format_date ("2027-01-20", KT_DATE_LONG);
  g_autofree char *until = kt_format_date ("2027-06-30", KT_DATE_LONG);
  g_autofree char *status = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Version %d · %s"), 2,
                                             g_dgettext (GETTEXT_PACKAGE, "approved"));
  const char *next;

  general->name = g_strdup ("Boodschappendienst");
  general->decision = g_strdup ("Aangemeld, start in januari");
  g_ptr_array_add (f->plan->provisions, general);
  tailored->name = g_strdup ("Huishoudelijke hulp");
  tailored->tailored = TRUE;
  tailored->decision = g_strdup ("Toegekend, drie uur per week");
  tailored->until = g_strdup ("2027-06-30");
  tailored->acceptable = g_strdup ("Ja");
  tailored->cost_reasonable = g_strdup ("Ja");
  tailored->own_options = g_strdup ("Geen");
  g_ptr_array_add (f->plan->provisions, tailored);
  f->conversation->own_words = g_strdup ("Ik wil het overzicht zelf weer hebben.");
  f->plan->version = 2;
  f->plan->review = KT_REVIEW_APPROVED;

  pdf = write_report (f);
  keep_for_looking (pdf, "report-resident.pdf");
  text = pdf_text (pdf);
  assert_tagged (pdf);

  /* Provisions, general and tailored, with what was decided and until when. */
  assert_contains (text, "Boodschappendienst");
  assert_contains (text, "Aangemeld, start in januari");
  assert_contains (text, "Huishoudelijke hulp");
  assert_contains (text, "Toegekend, drie uur per week");
  assert_contains (text, until);
  assert_contains_message (text, "tailored support (maatwerk) from the municipality");
  assert_contains_message (text, "general provision, open to everyone");
  /* The resident's own words, version and status. */
  assert_contains (text, "Ik wil het overzicht zelf weer hebben.");
  assert_contains (text, status);
  /* The wheel in words, not in bare numbers. */
  assert_contains_message (text, "with a lot of help");
  g_assert_null (strstr (text, "1 · "));
  /* What happens next, with the first date and the evaluation. */
  next = strstr (text, g_dgettext (GETTEXT_PACKAGE, "What happens next"));
  g_assert_nonnull (next);
  assert_contains (next, "Alle brieven in een map doen");
  assert_contains (next, first_due);
  assert_contains (next, evaluation);
  assert_contains_message (next, "The team has approved this plan.");
  /* Rights, in full. */
  assert_contains_message (text, "Your rights");
  assert_contains_message (text, "<b>Free help from someone independent.</b> A client supporter (cliëntondersteuner) "
                                 "can help you with your questions and with this plan. They are independent: they "
                                 "are on your side, and it costs you nothing. Ask your coach or the municipality.");
  assert_contains_message (text, "<b>Do you disagree with a decision?</b> Then you can object (bezwaar maken). "
                                 "The letter with the decision says how. Do it in writing within 6 weeks of "
                                 "the date of the decision.");
  assert_contains_message (text, "<b>Are you unhappy with how we treat you?</b> Tell your coach first. If that "
                                 "does not help, you can make a complaint to the municipality.");
  assert_contains_message (text, "<b>Your information.</b> You may see everything we keep about you, and ask us "
                                 "to correct or delete it. Ask your coach; you will have an answer within a month.");
  /* The opening does not speak of the kitchen table. */
  folded = g_utf8_casefold (text, -1);
  g_assert_null (strstr (folded, "keukentafel"));
  g_assert_null (strstr (folded, "kitchen table"));
}

/* The number of words in the longest sentence of pdftotext's @raw text.
 * Sentences end at . ! ? and where a line or page ends and the next line
 * starts anew (a capital, a digit, a new page); a line that goes on in
 * lower case is the same sentence wrapped, and is joined first. */
static guint
longest_sentence (const char *raw,
                  char      **longest)
{
  g_auto(GStrv) lines = g_regex_split_simple ("\\n", raw, 0, 0);
  g_autoptr(GString) joined = g_string_new (NULL);
  g_auto(GStrv) sentences = NULL;
  guint most = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      gunichar first = g_utf8_get_char (line);

      if (*line == '\0')
        continue;
      if (joined->len > 0)
        g_string_append (joined, g_unichar_islower (first) || first == '(' ? " " : "\n");
      g_string_append (joined, line);
    }
  sentences = g_regex_split_simple ("[.!?](\\s|$)|[\\n\\f]", joined->str, 0, 0);
  for (guint i = 0; sentences[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_regex_split_simple ("\\s+", g_strstrip (sentences[i]), 0, 0);
      guint n = 0;

      /* Words hold a letter or a digit; "·" and "—" are not words. */
      for (guint w = 0; words[w] != NULL; w++)
        for (const char *c = words[w]; *c != '\0'; c = g_utf8_next_char (c))
          if (g_unichar_isalnum (g_utf8_get_char (c)))
            {
              n++;
              break;
            }
      if (n > most)
        {
          most = n;
          g_free (*longest);
          *longest = g_strdup (sentences[i]);
        }
    }
  return most;
}

/* Kort en duidelijk: at most this many words in a sentence. */
#define EASY_READ_MAX_WORDS 12

static void
test_report_easy_read_has_short_sentences (Fixture       *f,
                                           gconstpointer  data)
{
  KtProvision *tailored = kt_provision_new ();
  g_autoptr(KtReport) plain_report = NULL;
  g_autoptr(KtReport) easy_report = NULL;
  g_autofree char *plain_pdf = g_build_filename (f->tmpdir, "gewoon.pdf", NULL);
  g_autofree char *easy_pdf = g_build_filename (f->tmpdir, "kort-en-duidelijk.pdf", NULL);
  g_autofree char *plain_raw = NULL;
  g_autofree char *easy_raw = NULL;
  g_autofree char *plain_longest = NULL;
  g_autofree char *easy_longest = NULL;
  g_autofree char *easy_text = NULL;
  g_autoptr(GError) error = NULL;
  guint plain_words, easy_words;

  tailored->name = g_strdup ("Huishoudelijke hulp");
  tailored->tailored = TRUE;
  tailored->decision = g_strdup ("Toegekend, drie uur per week");
  tailored->until = g_strdup ("2027-06-30");
  g_ptr_array_add (f->plan->provisions, tailored);

  plain_report = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);
  f->kase->easy_read = TRUE;
  easy_report = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);
  g_assert_true (kt_report_write_pdf (plain_report, plain_pdf, &error));
  g_assert_no_error (error);
  g_assert_true (kt_report_write_pdf (easy_report, easy_pdf, &error));
  g_assert_no_error (error);
  keep_for_looking (easy_pdf, "report-easy-read.pdf");
  assert_tagged (easy_pdf);

  plain_raw = pdf_raw_text (plain_pdf);
  easy_raw = pdf_raw_text (easy_pdf);
  plain_words = longest_sentence (plain_raw, &plain_longest);
  easy_words = longest_sentence (easy_raw, &easy_longest);
  g_test_message ("longest sentence: %u words in the usual report, %u in the easy-read one",
                  plain_words, easy_words);
  /* The measure can tell them apart: the usual report has longer sentences. */
  g_assert_cmpuint (plain_words, >, EASY_READ_MAX_WORDS);
  if (easy_words > EASY_READ_MAX_WORDS)
    g_error ("the easy-read report has a sentence of %u words: “%s”", easy_words, easy_longest);

  /* Larger type: more pages for the same plan. */
  g_assert_cmpuint (kt_report_get_n_pages (easy_report), >, kt_report_get_n_pages (plain_report));
  /* Still the whole plan, the rights and nothing about safety. */
  easy_text = pdf_text (easy_pdf);
  assert_contains (easy_text, "Overzicht over de schulden");
  assert_contains (easy_text, "Toegekend, drie uur per week");
  assert_contains (easy_text, g_dgettext (GETTEXT_PACKAGE, "Your rights"));
  g_assert_null (strstr (easy_text, "Iedereen voelt zich veilig"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (kt_core_init ());
  /* Dutch from the build tree when LANGUAGE=nl; the checks hold in any language. */
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");

  g_test_add ("/report/pdf/shows-every-goal-action-owner-and-date", Fixture, NULL,
              fixture_set_up, test_report_shows_every_goal_action_owner_and_date, fixture_tear_down);
  g_test_add ("/report/pdf/never-splits-a-date", Fixture, NULL,
              fixture_set_up, test_report_never_splits_a_date, fixture_tear_down);
  g_test_add ("/report/pdf/never-shows-a-skipped-domain-as-discussed", Fixture, NULL,
              fixture_set_up, test_report_never_shows_a_skipped_domain_as_discussed, fixture_tear_down);
  g_test_add ("/report/pdf/says-a-domain-goes-well-with-nothing-to-discuss", Fixture, NULL,
              fixture_set_up, test_report_shows_nothing_to_discuss, fixture_tear_down);
  g_test_add ("/report/pdf/page-one-renders-to-png", Fixture, NULL,
              fixture_set_up, test_report_page_one_renders_to_png, fixture_tear_down);
  g_test_add ("/report/pdf/at-an-evaluation-shows-how-things-went", Fixture, NULL,
              fixture_set_up, test_report_at_an_evaluation_shows_how_things_went, fixture_tear_down);
  g_test_add ("/report/pdf/at-an-evaluation-lists-no-domain-that-did-not-come-up", Fixture, NULL,
              fixture_set_up, test_report_at_an_evaluation_lists_no_domain_that_did_not_come_up, fixture_tear_down);
  g_test_add ("/report/pdf/dossier-of-an-evaluation-has-no-empty-heading", Fixture, NULL,
              fixture_set_up, test_report_dossier_of_an_evaluation_has_no_empty_heading, fixture_tear_down);
  g_test_add ("/report/pdf/at-an-evaluation-speaks-in-words", Fixture, NULL,
              fixture_set_up, test_report_at_an_evaluation_speaks_in_words, fixture_tear_down);
  g_test_add ("/report/pdf/asks-about-maatwerk-only-while-undecided", Fixture, NULL,
              fixture_set_up, test_report_asks_about_maatwerk_only_while_undecided, fixture_tear_down);
  g_test_add ("/report/pdf/easy-read-evaluation-moves-one-idea-a-line", Fixture, NULL,
              fixture_set_up, test_report_easy_read_evaluation_moves_one_idea_a_line, fixture_tear_down);
  g_test_add ("/report/pdf/after-closing-names-the-follow-up", Fixture, NULL,
              fixture_set_up, test_report_after_closing_names_the_follow_up, fixture_tear_down);
  g_test_add ("/report/pdf/names-the-resident-as-you-yourself", Fixture, NULL,
              fixture_set_up, test_report_names_the_resident_as_you_yourself, fixture_tear_down);
  g_test_add ("/report/pdf/leaves-no-heading-at-a-pages-foot", Fixture, NULL,
              fixture_set_up, test_report_leaves_no_heading_at_a_pages_foot, fixture_tear_down);
  g_test_add ("/report/pdf/keeps-safety-and-file-notes-out-of-the-house", Fixture, NULL,
              fixture_set_up, test_report_keeps_safety_and_file_notes_out_of_the_house, fixture_tear_down);
  g_test_add ("/report/pdf/gives-the-resident-the-whole-plan", Fixture, NULL,
              fixture_set_up, test_report_gives_the_resident_the_whole_plan, fixture_tear_down);
  g_test_add ("/report/pdf/easy-read-has-short-sentences", Fixture, NULL,
              fixture_set_up, test_report_easy_read_has_short_sentences, fixture_tear_down);
  g_test_add ("/report/pdf/puts-a-young-persons-goal-under-their-name", Fixture, NULL,
              fixture_set_up, test_report_puts_a_young_persons_goal_under_their_name, fixture_tear_down);
  g_test_add ("/report/pdf/names-the-regisseur-once", Fixture, NULL,
              fixture_set_up, test_report_names_the_regisseur_once, fixture_tear_down);
  g_test_add ("/report/pdf/never-prints-someone-not-to-approach", Fixture, NULL,
              fixture_set_up, test_report_never_prints_someone_not_to_approach, fixture_tear_down);
  g_test_add ("/report/pdf/writes-asynchronously", Fixture, NULL,
              fixture_set_up, test_report_writes_asynchronously, fixture_tear_down);

  return g_test_run ();
}
