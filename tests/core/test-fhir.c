/* test-fhir.c: the plan as a FHIR R4 Bundle validates against the official
 * FHIR R4 JSON schema, and every reference resolves inside the bundle
 *
 * The schema check runs tests/fhir/validate-fhir-bundle.py with Debian's
 * python3-jsonschema (build-aux/setup installs it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "kt-core.h"
#include "kt-consent.h"
#include "kt-fhir.h"
#include "kt-test-household.h"
#include "kt-test-util.h"

typedef struct {
  char           *tmpdir;
  KtCatalogue    *catalogue;
  KtCase         *kase;
  KtConversation *conversation;
  KtPlan         *plan;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  KtMember *member;
  KtProvision *provision;
  KtConsent *consent;

  f->tmpdir = kt_test_tmpdir_new ("kt-fhir");
  f->catalogue = kt_catalogue_new_builtin ();
  kt_test_household_new (f->catalogue, &f->kase, &f->conversation, &f->plan);
  member = kt_member_new ();
  member->name = g_strdup ("Fatima Bakker");
  member->relation = g_strdup ("zelf");
  member->birth_year = 1984;
  g_ptr_array_add (f->kase->members, member);
  member = kt_member_new ();
  member->name = g_strdup ("Noor Bakker");
  member->relation = g_strdup ("kind");
  member->birth_year = 2015;
  g_ptr_array_add (f->kase->members, member);
  provision = kt_provision_new ();
  provision->name = g_strdup ("Huishoudelijke hulp");
  provision->tailored = TRUE;
  provision->decision = g_strdup ("toegekend: 3 uur per week");
  provision->until = g_strdup ("2027-12-31");
  g_ptr_array_add (f->plan->provisions, provision);
  ((KtDomainEntry *) g_ptr_array_index (f->conversation->entries, 0))->level = 2;
  consent = g_ptr_array_index (f->kase->consents, 0);
  kt_consent_migrate (consent);
  kt_consent_set_receiver (consent, ((KtNetworkPerson *) g_ptr_array_index (f->kase->network, 2))->id, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->kase, kt_case_unref);
  g_clear_pointer (&f->conversation, kt_conversation_unref);
  g_clear_pointer (&f->plan, kt_plan_unref);
  g_clear_object (&f->catalogue);
  kt_test_tmpdir_free (f->tmpdir);
}

/* The validator needs Debian's python3-jsonschema; a test that needs it is
 * skipped, and says why, where it is missing. */
static gboolean
skip_without_validator (void)
{
  if (g_file_test ("/usr/lib/python3/dist-packages/jsonschema", G_FILE_TEST_IS_DIR))
    return FALSE;
  g_test_skip ("python3-jsonschema is not installed (build-aux/setup installs it)");
  return TRUE;
}

/* Runs the validator on @json; its exit status is the answer, its output
 * goes to @output (transfer full). */
static gboolean
validate (Fixture    *f,
          const char *json,
          gsize       len,
          char      **output)
{
  g_autofree char *path = g_build_filename (f->tmpdir, "bundle.json", NULL);
  g_autofree char *script = kt_test_source_path ("tests/fhir/validate-fhir-bundle.py");
  g_autofree char *schema = kt_test_source_path ("tests/data/fhir/fhir.schema.json.gz");
  const char *argv[] = { "/usr/bin/python3", script, schema, path, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_file_set_contents (path, json, len, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               output, NULL, &status, &error));
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL);
}

static void
test_bundle_validates_and_resolves (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GBytes) bundle = kt_fhir_bundle_new (f->catalogue, f->kase, f->conversation, f->plan);
  g_autofree char *output = NULL;
  gsize len;
  const char *json = g_bytes_get_data (bundle, &len);
  gboolean valid;

  if (skip_without_validator ())
    return;
  valid = validate (f, json, len, &output);
  g_test_message ("%s", output);
  g_assert_true (valid);
  g_assert_nonnull (strstr (output, "CarePlan"));
  /* what the plan says is there; the notes for the file are not */
  g_assert_nonnull (strstr (json, "Samen de post openen"));
  g_assert_nonnull (strstr (json, "regisseur"));
  g_assert_nonnull (strstr (json, "toegekend: 3 uur per week"));
  g_assert_null (strstr (json, "safety"));
}

/* The check can fail: a dangling reference, and a CarePlan without its
 * required subject and with a number for its status, are both refused. */
static void
test_broken_bundles_are_refused (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GBytes) bundle = kt_fhir_bundle_new (f->catalogue, f->kase, f->conversation, f->plan);
  g_autoptr(JsonNode) root = json_from_string (g_bytes_get_data (bundle, NULL), NULL);
  JsonArray *entries = json_object_get_array_member (json_node_get_object (root), "entry");
  g_autofree char *output = NULL;
  g_autofree char *dangling = NULL;
  g_autofree char *no_subject = NULL;

  if (skip_without_validator ())
    return;
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *resource = json_object_get_object_member (json_array_get_object_element (entries, i), "resource");

      if (g_str_equal (json_object_get_string_member (resource, "resourceType"), "Goal"))
        {
          JsonObject *subject = json_object_get_object_member (resource, "subject");
          json_object_set_string_member (subject, "reference", "urn:uuid:00000000-0000-4000-8000-000000000000");
          break;
        }
    }
  dangling = json_to_string (root, FALSE);
  g_assert_false (validate (f, dangling, strlen (dangling), &output));
  g_assert_nonnull (strstr (output, "does not resolve"));
  g_clear_pointer (&output, g_free);

  g_clear_pointer (&root, json_node_unref);
  root = json_from_string (g_bytes_get_data (bundle, NULL), NULL);
  entries = json_object_get_array_member (json_node_get_object (root), "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *resource = json_object_get_object_member (json_array_get_object_element (entries, i), "resource");

      if (g_str_equal (json_object_get_string_member (resource, "resourceType"), "CarePlan"))
        {
          json_object_remove_member (resource, "subject");
          json_object_set_int_member (resource, "status", 7);
        }
    }
  no_subject = json_to_string (root, FALSE);
  g_assert_false (validate (f, no_subject, strlen (no_subject), &output));
  g_assert_nonnull (strstr (output, "CarePlan"));
}

/* A text pasted with control characters and other spaces in it still gives
 * a valid bundle: U+001F (which json-glib 1.6 would write raw, not JSON) and
 * U+0001 are left out, a no-break space becomes a space (FHIR's string is
 * "[ \r\n\t\S]+"). */
static void
test_a_control_character_in_a_text_is_escaped (Fixture       *f,
                                                gconstpointer  data)
{
  KtGoal *goal = g_ptr_array_index (f->plan->goals, 0);
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *output = NULL;
  const char *json;
  gboolean valid;
  gsize len;

  g_free (goal->title);
  goal->title = g_strdup ("Overzicht\x1f over\xc2\xa0" "de schulden\x01");
  bundle = kt_fhir_bundle_new (f->catalogue, f->kase, f->conversation, f->plan);
  json = g_bytes_get_data (bundle, &len);
  g_assert_null (memchr (json, 0x1f, len));
  g_assert_nonnull (strstr (json, "\"Overzicht over de schulden\""));
  root = json_from_string (json, NULL);
  g_assert_nonnull (root);
  if (skip_without_validator ())
    return;
  valid = validate (f, json, len, &output);
  g_test_message ("%s", output);
  g_assert_true (valid);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kt_core_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/fhir/bundle-validates-and-resolves", test_bundle_validates_and_resolves);
  ADD ("/fhir/a-control-character-in-a-text-is-escaped", test_a_control_character_in_a_text_is_escaped);
  ADD ("/fhir/broken-bundles-are-refused", test_broken_bundles_are_refused);
#undef ADD
  return g_test_run ();
}
