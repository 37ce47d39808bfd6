/* test-inzage.c: "Alles wat we over u bewaren": the JSON holds every record
 * of the household and reads back; the PDF holds every plan version, the
 * consent history and the professional notes in their own marked section
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kt-core.h"
#include "kt-consent.h"
#include "kt-inzage.h"
#include "kt-report.h"
#include "kt-test-household.h"
#include "kt-test-util.h"

#define T(s) g_dgettext (GETTEXT_PACKAGE, s)

typedef struct {
  char           *tmpdir;
  KtCatalogue    *catalogue;
  KtCase         *kase;
  GPtrArray      *conversations;
  GPtrArray      *plans;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  KtConversation *conversation;
  KtPlan *plan;
  KtPlan *second;
  KtConsent *consent;

  f->tmpdir = kt_test_tmpdir_new ("kt-inzage");
  f->catalogue = kt_catalogue_new_builtin ();
  kt_test_household_new (f->catalogue, &f->kase, &conversation, &plan);
  conversation->notes = g_strdup ("NOTITIEMARKER over de buren");
  plan->review = KT_REVIEW_APPROVED;
  second = kt_plan_new_version (plan);
  g_free (second->question);
  second->question = g_strdup ("TWEEDEVERSIE van de vraag");
  consent = g_ptr_array_index (f->kase->consents, 0);
  kt_consent_migrate (consent);
  kt_consent_record (consent, KT_CONSENT_EVENT_WITHDRAWN, "2026-12-04", KT_FORM_SPOKEN, "coach-karin");
  f->conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_conversation_unref);
  g_ptr_array_add (f->conversations, conversation);
  f->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);
  g_ptr_array_add (f->plans, plan);
  g_ptr_array_add (f->plans, second);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->kase, kt_case_unref);
  g_clear_pointer (&f->conversations, g_ptr_array_unref);
  g_clear_pointer (&f->plans, g_ptr_array_unref);
  g_clear_object (&f->catalogue);
  kt_test_tmpdir_free (f->tmpdir);
}

static void
test_json_holds_every_record_and_decodes_back (Fixture       *f,
                                               gconstpointer  data)
{
  g_autoptr(GBytes) json = kt_inzage_to_json (f->kase, f->conversations, f->plans);
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GPtrArray) plans = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) not_ours = g_bytes_new_static ("{\"records\":[]}", 14);

  g_assert_true (kt_inzage_from_json (json, &kase, &conversations, &plans, &error));
  g_assert_no_error (error);
  g_assert_true (kt_case_equal (kase, f->kase));
  g_assert_cmpuint (conversations->len, ==, f->conversations->len);
  for (guint i = 0; i < conversations->len; i++)
    g_assert_true (kt_conversation_equal (g_ptr_array_index (conversations, i),
                                          g_ptr_array_index (f->conversations, i)));
  g_assert_cmpuint (plans->len, ==, 2);
  for (guint i = 0; i < plans->len; i++)
    g_assert_true (kt_plan_equal (g_ptr_array_index (plans, i), g_ptr_array_index (f->plans, i)));
  /* the consent's history is in it */
  g_assert_cmpuint (((KtConsent *) g_ptr_array_index (kase->consents, 0))->events->len, ==, 2);

  g_assert_false (kt_inzage_from_json (not_ours, &kase, &conversations, &plans, &error));
  g_assert_error (error, KT_INZAGE_ERROR, KT_INZAGE_ERROR_INVALID);
}

static char *
pdf_text (const char *pdf)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;

  if (!kt_inzage_write_finish (result, error) && *error == NULL)
    g_assert_not_reached ();
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NONE, "done");
}

static void
test_files_are_written_off_the_main_loop (Fixture       *f,
                                          gconstpointer  data)
{
  g_autofree char *pdf_path = g_build_filename (f->tmpdir, "inzage.pdf", NULL);
  g_autofree char *json_path = g_build_filename (f->tmpdir, "inzage.json", NULL);
  g_autoptr(GFile) pdf = g_file_new_for_path (pdf_path);
  g_autoptr(GFile) json = g_file_new_for_path (json_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GPtrArray) plans = NULL;
  const char *notes;
  gsize len;

  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (names, (char *) "coach-karin", (char *) "Karin Smit");
  kt_inzage_write_async (f->catalogue, f->kase, f->conversations, f->plans, names, pdf, json, NULL, written_cb,
                         &error);
  /* The table was copied: the caller may change it while the worker writes. */
  g_hash_table_remove_all (names);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NONE);

  g_assert_true (g_file_get_contents (json_path, &contents, &len, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  g_assert_true (kt_inzage_from_json (bytes, &kase, &conversations, &plans, NULL));

  if (g_getenv ("KT_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *copy = g_build_filename (g_getenv ("KT_SCREENSHOT_DIR"), "report-inzage.pdf", NULL);
      g_autofree char *pdf_contents = NULL;
      gsize pdf_len;

      g_assert_true (g_file_get_contents (pdf_path, &pdf_contents, &pdf_len, NULL));
      g_assert_true (g_file_set_contents (copy, pdf_contents, pdf_len, NULL));
    }
  text = pdf_text (pdf_path);
  g_assert_nonnull (strstr (text, "Familie Bakker"));
  g_assert_nonnull (strstr (text, "TWEEDEVERSIE"));
  g_assert_nonnull (strstr (text, "Ik wil weer rust in mijn hoofd"));
  /* Who recorded the withdrawal, by name, not by account. */
  g_assert_nonnull (strstr (text, "Karin Smit"));
  g_assert_null (strstr (text, "coach-karin"));
  g_assert_nonnull (strstr (text, "Ans de Vries"));
  /* the professional notes come last, in their own marked section */
  notes = strstr (text, T ("Professional notes"));
  g_assert_nonnull (notes);
  g_assert_nonnull (strstr (notes, T ("For the coach: read this section before handing it over.")));
  g_assert_nonnull (strstr (notes, "NOTITIEMARKER"));
  g_assert_null (g_strstr_len (text, notes - text, "NOTITIEMARKER"));
  /* what was said about safety too: the coach reviews it first */
  g_assert_nonnull (strstr (notes, "Iedereen voelt zich veilig"));
  g_assert_null (g_strstr_len (text, notes - text, "Iedereen voelt zich veilig"));
}

/* A share without consent is in the professional notes only, not among the
 * resident's own consents before them. */
static void
test_pdf_keeps_a_share_without_consent_in_the_notes (Fixture       *f,
                                                     gconstpointer  data)
{
  KtConsent *consent = kt_consent_new ();
  g_autoptr(KtReport) report = NULL;
  g_autofree char *path = g_build_filename (f->tmpdir, "inzage.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *notes;

  consent->purpose = g_strdup ("DOELMARKER overleg over de kinderen");
  consent->party = g_strdup ("PARTIJMARKER");
  consent->share_without_consent = TRUE;
  consent->reasoning = g_strdup ("REDENMARKER");
  g_ptr_array_add (f->kase->consents, consent);
  report = kt_report_new_inzage (f->catalogue, f->kase, f->conversations, f->plans, NULL);
  g_assert_true (kt_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  text = pdf_text (path);

  notes = strstr (text, T ("Professional notes"));
  g_assert_nonnull (notes);
  g_assert_nonnull (strstr (notes, "PARTIJMARKER"));
  g_assert_nonnull (strstr (notes, "REDENMARKER"));
  g_assert_null (g_strstr_len (text, notes - text, "PARTIJMARKER"));
  g_assert_null (g_strstr_len (text, notes - text, "DOELMARKER"));
}

/* A household member without a relation written down reads as a name,
 * not "Sem ()". */
static void
test_pdf_names_a_member_without_empty_brackets (Fixture       *f,
                                                gconstpointer  data)
{
  KtMember *sem = kt_member_new ();
  KtMember *mirjam = kt_member_new ();
  g_autoptr(KtReport) report = NULL;
  g_autofree char *path = g_build_filename (f->tmpdir, "inzage.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *born = NULL;

  sem->name = g_strdup ("Sem Bakker");
  sem->birth_year = 2012;
  g_ptr_array_add (f->kase->members, sem);
  mirjam->name = g_strdup ("Mirjam Bakker");
  g_ptr_array_add (f->kase->members, mirjam);
  report = kt_report_new_inzage (f->catalogue, f->kase, f->conversations, f->plans, NULL);
  g_assert_true (kt_report_write_pdf (report, path, &error));
  g_assert_no_error (error);
  text = pdf_text (path);

  /* pdftotext's text of the markup: the name without <b>. */
  born = g_strdup_printf (T ("<b>%s</b>, born in %d"), "Sem Bakker", 2012);
  g_assert_true (g_str_has_prefix (born, "<b>Sem Bakker</b>"));
  g_assert_nonnull (strstr (text, "Sem Bakker, "));
  g_assert_nonnull (strstr (text, born + strlen ("<b>Sem Bakker</b>")));
  g_assert_nonnull (strstr (text, "Mirjam Bakker"));
  g_assert_null (strstr (text, "()"));
}

/* The consent history says who recorded each step by the name the team
 * knows them by; an account the app knew no name for stays as it is, and
 * no table at all prints the accounts. */
static void
test_consent_history_names_people_not_accounts (Fixture       *f,
                                                gconstpointer  data)
{
  KtConsent *consent = g_ptr_array_index (f->kase->consents, 0);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = g_build_filename (f->tmpdir, "inzage.pdf", NULL);
  g_autoptr(KtReport) named = NULL;
  g_autoptr(KtReport) unnamed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *plain = NULL;
  const char *history;

  kt_consent_record (consent, KT_CONSENT_EVENT_GIVEN, "2026-12-05", KT_FORM_WRITTEN, "coach-onbekend");
  g_hash_table_insert (names, (char *) "coach-karin", (char *) "Karin Smit");
  named = kt_report_new_inzage (f->catalogue, f->kase, f->conversations, f->plans, names);
  g_assert_true (kt_report_write_pdf (named, path, &error));
  g_assert_no_error (error);
  text = pdf_text (path);
  history = strstr (text, T ("Your consents, with their history"));
  g_assert_nonnull (history);
  g_assert_nonnull (strstr (history, " · Karin Smit"));
  g_assert_null (strstr (text, "coach-karin"));
  g_assert_nonnull (strstr (history, " · coach-onbekend"));

  unnamed = kt_report_new_inzage (f->catalogue, f->kase, f->conversations, f->plans, NULL);
  g_assert_true (kt_report_write_pdf (unnamed, path, &error));
  g_assert_no_error (error);
  plain = pdf_text (path);
  g_assert_nonnull (strstr (plain, "coach-karin"));
  g_assert_null (strstr (plain, "Karin Smit"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/inzage/json-holds-every-record-and-decodes-back", test_json_holds_every_record_and_decodes_back);
  ADD ("/inzage/files-are-written-off-the-main-loop", test_files_are_written_off_the_main_loop);
  ADD ("/inzage/pdf-keeps-a-share-without-consent-in-the-notes", test_pdf_keeps_a_share_without_consent_in_the_notes);
  ADD ("/inzage/pdf-names-a-member-without-empty-brackets", test_pdf_names_a_member_without_empty_brackets);
  ADD ("/inzage/consent-history-names-people-not-accounts", test_consent_history_names_people_not_accounts);
#undef ADD
  return g_test_run ();
}
