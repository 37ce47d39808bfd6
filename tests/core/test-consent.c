/* test-consent.c: a consent is a history: withdrawing appends, nothing is
 * lost, and the app stops offering to share with that party
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "kt-core.h"
#include "kt-consent.h"
#include "kt-report.h"
#include "kt-test-household.h"
#include "kt-test-util.h"

typedef struct {
  KtCatalogue    *catalogue;
  KtCase         *kase;
  KtConversation *conversation;
  KtPlan         *plan;
  KtConsent      *consent;    /* "Schuldhulp Stad", owned by kase */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->catalogue = kt_catalogue_new_builtin ();
  kt_test_household_new (f->catalogue, &f->kase, &f->conversation, &f->plan);
  f->consent = g_ptr_array_index (f->kase->consents, 0);
  /* The household's consent is in memory without a history: give it one. */
  kt_consent_migrate (f->consent);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->kase, kt_case_unref);
  g_clear_pointer (&f->conversation, kt_conversation_unref);
  g_clear_pointer (&f->plan, kt_plan_unref);
  g_clear_object (&f->catalogue);
}

static gboolean
offered (const KtCase *kase,
         const char   *party)
{
  g_autoptr(GPtrArray) choices = kt_case_share_choices (kase);

  for (guint i = 0; i < choices->len; i++)
    {
      const KtConsent *consent = g_ptr_array_index (choices, i);

      if (g_strcmp0 (consent->party, party) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The resident's report lists the current consent of @party as @status. */
static void
assert_report_lists (Fixture    *f,
                     const char *party,
                     const char *status)
{
  g_autofree char *dir = kt_test_tmpdir_new ("kt-consent-report");
  g_autofree char *pdf = g_build_filename (dir, "plan.pdf", NULL);
  g_autoptr(KtReport) report = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);
  g_autofree char *out = NULL;
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);
  g_autofree char *text = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
  const char *line;
  int status_code;

  g_assert_true (kt_report_write_pdf (report, pdf, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status_code, NULL));
  text = g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
  line = strstr (text, party);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, status));
  kt_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_withdrawing_appends_keeps_history_and_stops_sharing (Fixture       *f,
                                                          gconstpointer  data)
{
  const KtConsentEvent *first, *last;
  g_autoptr(KtReport) copy = NULL;

  g_assert_cmpuint (f->consent->events->len, ==, 1);
  g_assert_true (offered (f->kase, "Schuldhulp Stad"));
  copy = kt_report_new_copy_for (f->catalogue, f->kase, f->conversation, f->plan, f->consent->id);
  g_assert_nonnull (copy);
  g_clear_object (&copy);

  kt_consent_record (f->consent, KT_CONSENT_EVENT_WITHDRAWN, "2026-12-04", KT_FORM_SPOKEN, "coach-karin");

  g_assert_cmpuint (f->consent->events->len, ==, 2);
  first = g_ptr_array_index (f->consent->events, 0);
  last = g_ptr_array_index (f->consent->events, 1);
  g_assert_cmpint (first->kind, ==, KT_CONSENT_EVENT_GIVEN);
  g_assert_cmpstr (first->date, ==, "2026-11-20");
  g_assert_cmpint (first->form, ==, KT_FORM_WRITTEN);
  g_assert_cmpint (last->kind, ==, KT_CONSENT_EVENT_WITHDRAWN);
  g_assert_cmpstr (last->recorded_by, ==, "coach-karin");
  g_assert_cmpint (f->consent->status, ==, KT_CONSENT_WITHDRAWN);
  g_assert_cmpstr (f->consent->date, ==, "2026-12-04");
  /* Still there: withdrawn, not deleted. */
  g_assert_cmpuint (f->kase->consents->len, ==, 1);

  g_assert_false (offered (f->kase, "Schuldhulp Stad"));
  g_assert_null (kt_report_new_copy_for (f->catalogue, f->kase, f->conversation, f->plan, f->consent->id));
  assert_report_lists (f, "Schuldhulp Stad", g_dgettext (GETTEXT_PACKAGE, "you withdrew your consent"));

  /* Asked again and given again: offered again, four events. */
  kt_consent_record (f->consent, KT_CONSENT_EVENT_ASKED, "2026-12-10", KT_FORM_SPOKEN, NULL);
  g_assert_cmpint (f->consent->status, ==, KT_CONSENT_WITHDRAWN);
  kt_consent_record (f->consent, KT_CONSENT_EVENT_GIVEN, "2026-12-11", KT_FORM_WRITTEN, NULL);
  g_assert_cmpuint (f->consent->events->len, ==, 4);
  g_assert_true (offered (f->kase, "Schuldhulp Stad"));
}

static void
test_refused_and_unlawful_shares_are_never_offered (Fixture       *f,
                                                    gconstpointer  data)
{
  KtConsent *refused = kt_consent_new ();
  KtConsent *without = kt_consent_new ();

  refused->party = g_strdup ("Huisarts");
  kt_consent_record (refused, KT_CONSENT_EVENT_REFUSED, "2026-11-20", KT_FORM_SPOKEN, NULL);
  g_ptr_array_add (f->kase->consents, refused);
  without->party = g_strdup ("Veilig Thuis");
  without->share_without_consent = TRUE;
  without->reasoning = g_strdup ("Acuut gevaar");
  kt_consent_record (without, KT_CONSENT_EVENT_GIVEN, "2026-11-20", KT_FORM_SPOKEN, NULL);
  g_ptr_array_add (f->kase->consents, without);

  g_assert_false (offered (f->kase, "Huisarts"));
  g_assert_false (offered (f->kase, "Veilig Thuis"));
  g_assert_true (offered (f->kase, "Schuldhulp Stad"));
}

static gboolean
has_line (GPtrArray  *lines,
          const char *needle)
{
  for (guint i = 0; i < lines->len; i++)
    {
      if (strstr (g_ptr_array_index (lines, i), needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_what_a_consent_covers_is_named (Fixture       *f,
                                     gconstpointer  data)
{
  KtProvision *provision = kt_provision_new ();
  KtNetworkPerson *ans = g_ptr_array_index (f->kase->network, 0);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;

  provision->name = g_strdup ("Budgetcursus");
  g_ptr_array_add (f->plan->provisions, provision);

  /* By name: the party is the organisation of nobody, no match yet. */
  before = kt_consent_describe_affected (f->kase, f->plan, f->consent);
  g_assert_false (has_line (before, "Ans de Vries"));

  kt_consent_set_receiver (f->consent, ans->id, TRUE);
  kt_consent_set_receiver (f->consent, provision->id, TRUE);
  kt_consent_set_receiver (f->consent, provision->id, TRUE);
  g_assert_cmpuint (g_strv_length (f->consent->receivers), ==, 2);
  after = kt_consent_describe_affected (f->kase, f->plan, f->consent);
  g_assert_true (has_line (after, "Ans de Vries"));
  g_assert_true (has_line (after, "Budgetcursus"));
  /* Ans's action in the plan is affected too. */
  g_assert_true (has_line (after, "Samen de post openen"));
  g_assert_false (has_line (after, "Alle brieven in een map doen"));

  kt_consent_set_receiver (f->consent, ans->id, FALSE);
  g_assert_cmpuint (g_strv_length (f->consent->receivers), ==, 1);
}

static void
test_history_survives_encoding (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GBytes) json = NULL;
  g_autoptr(KtCase) back = NULL;
  g_autoptr(GError) error = NULL;
  KtConsent *consent;

  kt_consent_set_receiver (f->consent, ((KtNetworkPerson *) g_ptr_array_index (f->kase->network, 2))->id, TRUE);
  kt_consent_record (f->consent, KT_CONSENT_EVENT_WITHDRAWN, "2026-12-04", KT_FORM_SPOKEN, "coach-karin");
  json = kt_case_encode (f->kase);
  back = kt_case_decode (json, &error);
  g_assert_no_error (error);
  g_assert_true (kt_case_equal (f->kase, back));
  consent = g_ptr_array_index (back->consents, 0);
  g_assert_cmpuint (consent->events->len, ==, 2);
  g_assert_cmpint (consent->status, ==, KT_CONSENT_WITHDRAWN);
}

/* A case stored before consents had a history still opens, its one status
 * becoming the first event. */
static void
test_older_consent_is_read_with_one_event (void)
{
  static const char old_case[] =
    "{\"schema\":\"keukentafel/1\",\"kind\":\"case\",\"id\":\"0b5e3f0c-7d55-4c53-9a52-1d8f0e6d3f11\","
    "\"rev\":3,\"created\":1764000000,\"updated\":1764000000,"
    "\"consents\":[{\"id\":\"7a4c1b9e-2f3d-4e5a-8b6c-9d0e1f2a3b4c\",\"purpose\":\"Gegevens delen\","
    "\"party\":\"Huisarts\",\"status\":\"given\",\"date\":\"2026-10-01\",\"form\":\"written\","
    "\"share_without_consent\":false,\"reasoning\":null},"
    "{\"id\":\"8b5d2c0f-3a4e-4f6b-9c7d-0e1f2a3b4c5d\",\"purpose\":\"Delen met school\","
    "\"party\":\"School\",\"status\":\"not_asked\"}]}";
  g_autoptr(GBytes) json = g_bytes_new_static (old_case, strlen (old_case));
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCase) kase = kt_case_decode (json, &error);
  KtConsent *given, *not_asked;
  KtConsentEvent *event;

  g_assert_no_error (error);
  given = g_ptr_array_index (kase->consents, 0);
  not_asked = g_ptr_array_index (kase->consents, 1);
  g_assert_cmpuint (given->events->len, ==, 1);
  event = g_ptr_array_index (given->events, 0);
  g_assert_cmpint (event->kind, ==, KT_CONSENT_EVENT_GIVEN);
  g_assert_cmpstr (event->date, ==, "2026-10-01");
  g_assert_cmpint (event->form, ==, KT_FORM_WRITTEN);
  g_assert_null (event->recorded_by);
  g_assert_cmpint (given->status, ==, KT_CONSENT_GIVEN);
  g_assert_cmpuint (not_asked->events->len, ==, 0);
  g_assert_true (offered (kase, "Huisarts"));
  g_assert_false (offered (kase, "School"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/consent/withdrawing-appends-keeps-history-and-stops-sharing",
       test_withdrawing_appends_keeps_history_and_stops_sharing);
  ADD ("/consent/refused-and-unlawful-shares-are-never-offered", test_refused_and_unlawful_shares_are_never_offered);
  ADD ("/consent/what-a-consent-covers-is-named", test_what_a_consent_covers_is_named);
  ADD ("/consent/history-survives-encoding", test_history_survives_encoding);
#undef ADD
  g_test_add_func ("/consent/older-consent-is-read-with-one-event", test_older_consent_is_read_with_one_event);
  return g_test_run ();
}
