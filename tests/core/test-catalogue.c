/* test-catalogue.c: the built-in catalogue, overrides and broken files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kt-core.h"
#include "kt-test-util.h"

static const char * const domain_order[] = {
  "geldzaken", "werk", "wonen", "huishouden", "zelfzorg", "lichamelijk", "psychisch",
  "middelen", "relaties", "opvoeding", "netwerk", "meedoen", "veiligheid", "justitie",
};

static void
set_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  g_setenv ("LC_ALL", language, TRUE);
}

static void
assert_complete (KtCatalogue *catalogue)
{
  g_assert_cmpuint (kt_catalogue_get_n_domains (catalogue), ==, G_N_ELEMENTS (domain_order));
  for (guint i = 0; i < kt_catalogue_get_n_domains (catalogue); i++)
    {
      const KtDomain *domain = kt_catalogue_get_domain (catalogue, i);

      g_assert_cmpstr (domain->id, ==, domain_order[i]);
      g_assert_true (kt_catalogue_lookup (catalogue, domain->id) == domain);
      g_assert_nonnull (domain->name);
      g_assert_cmpstr (domain->name, !=, "");
      g_assert_nonnull (domain->description);
      g_assert_cmpuint (g_strv_length (domain->prompts), >=, 3);
      g_assert_cmpuint (g_strv_length (domain->prompts), <=, 5);
      for (guint j = 0; domain->related[j] != NULL; j++)
        {
          g_assert_nonnull (kt_catalogue_lookup (catalogue, domain->related[j]));
          g_assert_cmpstr (domain->related[j], !=, domain->id);
        }
      g_assert_true (domain->never_skip == (g_strcmp0 (domain->id, KT_SAFETY_DOMAIN_ID) == 0));
      g_assert_true (domain->needs_children == (g_strcmp0 (domain->id, "opvoeding") == 0));
    }
  for (guint i = 0; i < KT_N_SEGMENTS; i++)
    {
      g_assert_nonnull (kt_catalogue_segment_name (catalogue, i));
      g_assert_nonnull (kt_catalogue_segment_description (catalogue, i));
    }
  for (guint i = 0; i < KT_N_RINGS; i++)
    g_assert_nonnull (kt_catalogue_ring_name (catalogue, i));
}

static void
test_builtin_in_dutch (void)
{
  g_autoptr(KtCatalogue) catalogue = NULL;
  const KtDomain *money;

  set_language ("nl_NL.UTF-8");
  catalogue = kt_catalogue_new_builtin ();
  assert_complete (catalogue);
  g_assert_cmpstr (kt_catalogue_get_id (catalogue), ==, "keukentafel-default");
  g_assert_cmpint (kt_catalogue_get_version (catalogue), ==, 2);

  money = kt_catalogue_lookup (catalogue, "geldzaken");
  g_assert_cmpstr (money->name, ==, "Geld en schulden");
  /* Related domains as DESIGN §4 asks. */
  g_assert_true (g_strv_contains ((const char * const *) money->related, "wonen"));
  g_assert_true (g_strv_contains ((const char * const *) money->related, "psychisch"));
  g_assert_true (g_strv_contains ((const char * const *) money->related, "opvoeding"));
  g_assert_true (g_strv_contains ((const char * const *) kt_catalogue_lookup (catalogue, "middelen")->related,
                                  "veiligheid"));
  g_assert_cmpstr (kt_catalogue_lookup (catalogue, "veiligheid")->name, ==, "Veiligheid");
  g_assert_cmpstr (kt_catalogue_segment_name (catalogue, KT_SEGMENT_WERK), ==, "Betaald werk");
  g_assert_cmpstr (kt_catalogue_ring_name (catalogue, KT_RING_OWN), ==, "Eigen kracht");
  g_assert_null (kt_catalogue_lookup (catalogue, "onbekend"));
}

static void
test_builtin_in_english (void)
{
  g_autoptr(KtCatalogue) catalogue = NULL;

  set_language ("en_GB.UTF-8");
  catalogue = kt_catalogue_new_builtin ();
  assert_complete (catalogue);
  g_assert_cmpstr (kt_catalogue_lookup (catalogue, "geldzaken")->name, ==, "Money and debts");
  g_assert_cmpstr (kt_catalogue_segment_name (catalogue, KT_SEGMENT_WERK), ==, "Paid work");
  g_assert_cmpstr (kt_catalogue_ring_name (catalogue, KT_RING_PROFESSIONALS), ==,
                   "Professionals and tailored support");
  set_language ("nl_NL.UTF-8");
}

static void
test_new_conversation_follows_catalogue_order (void)
{
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  g_autofree char *case_id = kt_uuid_new ();
  g_autoptr(KtConversation) conversation = kt_catalogue_new_conversation (catalogue, case_id);
  g_autoptr(GBytes) json = kt_conversation_encode (conversation);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtConversation) decoded = kt_conversation_decode (json, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (conversation->case_id, ==, case_id);
  g_assert_cmpstr (conversation->catalogue_id, ==, "keukentafel-default");
  g_assert_cmpint (conversation->catalogue_version, ==, 2);
  g_assert_cmpuint (conversation->entries->len, ==, G_N_ELEMENTS (domain_order));
  for (guint i = 0; i < conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (conversation->entries, i);

      g_assert_cmpstr (entry->domain_id, ==, domain_order[i]);
      g_assert_cmpint (entry->state, ==, KT_DOMAIN_NOT_YET);
    }
  g_assert_true (kt_conversation_equal (conversation, decoded));
}

/* Override files: a temp dir with a copy of the built-in file, edited. */

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = kt_test_tmpdir_new ("kt-catalogue");
  f->path = g_build_filename (f->dir, "gemeente.json", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->path);
  kt_test_tmpdir_free (f->dir);
}

static JsonNode *
builtin_json (void)
{
  g_autofree char *path = kt_test_source_path ("data/catalogue/catalogue.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
write_json (Fixture  *f,
            JsonNode *root)
{
  g_autofree char *text = json_to_string (root, TRUE);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (f->path, text, -1, &error);
  g_assert_no_error (error);
}

static JsonObject *
domain_object (JsonNode *root,
               guint     index)
{
  JsonArray *domains = json_object_get_array_member (json_node_get_object (root), "domains");

  return json_array_get_object_element (domains, index);
}

/* Loads the override through kt_catalogue_new_default: it must fail with
 * @code, the message must name @place, and the built-in must come back. */
static void
assert_override_refused (Fixture    *f,
                         int         code,
                         const char *place)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_default (f->path, &error);

  g_assert_error (error, KT_CATALOGUE_ERROR, code);
  if (strstr (error->message, place) == NULL)
    g_error ("“%s” does not name %s", error->message, place);
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (catalogue);
  g_assert_cmpstr (kt_catalogue_get_id (catalogue), ==, "keukentafel-default");
  assert_complete (catalogue);
}

static void
test_override_good_file (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) root = builtin_json ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCatalogue) catalogue = NULL;
  JsonObject *money = domain_object (root, 0);
  JsonArray *domains = json_object_get_array_member (json_node_get_object (root), "domains");

  json_object_set_string_member (json_node_get_object (root), "catalogue", "gemeente-voorbeeld");
  json_object_set_int_member (json_node_get_object (root), "version", 7);
  json_object_set_string_member (json_object_get_object_member (money, "name"), "nl", "Geldzaken");
  /* English is optional: Dutch stands in. */
  json_object_remove_member (json_object_get_object_member (money, "name"), "en");
  json_array_remove_element (domains, 13);   /* no justitie here, nor links to it */
  for (guint i = 0; i < json_array_get_length (domains); i++)
    {
      JsonArray *related = json_object_get_array_member (json_array_get_object_element (domains, i), "related");

      for (guint j = json_array_get_length (related); j > 0; j--)
        {
          if (g_strcmp0 (json_array_get_string_element (related, j - 1), "justitie") == 0)
            json_array_remove_element (related, j - 1);
        }
    }
  write_json (f, root);

  set_language ("en_US.UTF-8");
  catalogue = kt_catalogue_new_default (f->path, &error);
  set_language ("nl_NL.UTF-8");
  g_assert_no_error (error);
  g_assert_cmpstr (kt_catalogue_get_id (catalogue), ==, "gemeente-voorbeeld");
  g_assert_cmpint (kt_catalogue_get_version (catalogue), ==, 7);
  g_assert_cmpuint (kt_catalogue_get_n_domains (catalogue), ==, 13);
  g_assert_cmpstr (kt_catalogue_get_domain (catalogue, 0)->name, ==, "Geldzaken");
  g_assert_cmpstr (kt_catalogue_get_domain (catalogue, 1)->name, ==, "Work, education and daytime activities");
  g_assert_null (kt_catalogue_lookup (catalogue, "justitie"));

  /* No override: the built-in one, without an error. */
  {
    g_autoptr(KtCatalogue) builtin = kt_catalogue_new_default ("", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (kt_catalogue_get_n_domains (builtin), ==, 14);
  }
}

static void
test_override_syntax_error_names_line_and_column (Fixture       *f,
                                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (f->path, "{\n  \"catalogue\": \"x\",\n  \"version\": 1,\n  \"domains\": [ }\n", -1, &error);
  g_assert_no_error (error);
  assert_override_refused (f, KT_CATALOGUE_ERROR_PARSE, ":4:");
}

static void
test_override_unknown_related_id (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(JsonNode) root = builtin_json ();
  JsonArray *related = json_object_get_array_member (domain_object (root, 2), "related");

  json_array_add_string_element (related, "ruimtevaart");
  write_json (f, root);
  assert_override_refused (f, KT_CATALOGUE_ERROR_INVALID, "“domains[2].related[5]”");
}

static void
test_override_missing_dutch_name (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(JsonNode) root = builtin_json ();

  json_object_remove_member (json_object_get_object_member (domain_object (root, 5), "name"), "nl");
  write_json (f, root);
  assert_override_refused (f, KT_CATALOGUE_ERROR_INVALID, "“domains[5].name.nl”");
}

static void
test_override_duplicate_id (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JsonNode) root = builtin_json ();

  json_object_set_string_member (domain_object (root, 3), "id", "wonen");
  write_json (f, root);
  assert_override_refused (f, KT_CATALOGUE_ERROR_INVALID, "“domains[3].id”");
}

static void
test_override_missing_segment (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(JsonNode) root = builtin_json ();
  JsonArray *segments = json_object_get_array_member (json_node_get_object (root), "segments");

  json_array_remove_element (segments, 4);
  write_json (f, root);
  assert_override_refused (f, KT_CATALOGUE_ERROR_INVALID, "“segments”");
}

static void
test_override_unknown_segment (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(JsonNode) root = builtin_json ();
  JsonArray *segments = json_object_get_array_member (json_node_get_object (root), "segments");

  json_object_set_string_member (json_array_get_object_element (segments, 1), "id", "hobby");
  write_json (f, root);
  assert_override_refused (f, KT_CATALOGUE_ERROR_INVALID, "“segments[1].id”");
}

static void
test_override_without_safety_domain (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(JsonNode) root = builtin_json ();
  JsonArray *domains = json_object_get_array_member (json_node_get_object (root), "domains");

  /* Take veiligheid out, and the links to it. */
  json_array_remove_element (domains, 12);
  for (guint i = 0; i < json_array_get_length (domains); i++)
    {
      json_object_set_array_member (json_array_get_object_element (domains, i), "related", json_array_new ());
      json_object_remove_member (json_array_get_object_element (domains, i), "one_way");
    }
  write_json (f, root);
  assert_override_refused (f, KT_CATALOGUE_ERROR_INVALID, "veiligheid");
}

static void
test_override_wrong_types (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) root = builtin_json ();

  json_object_set_string_member (domain_object (root, 9), "needs_children", "ja");
  write_json (f, root);
  assert_override_refused (f, KT_CATALOGUE_ERROR_INVALID, "“domains[9].needs_children”");
}

static void
test_override_unreadable (Fixture       *f,
                          gconstpointer  data)
{
  /* f->path was never written. */
  assert_override_refused (f, KT_CATALOGUE_ERROR_READ, "gemeente.json");
}

static void
test_override_not_utf8 (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (f->path, "{\"catalogue\": \"\xff\"}", -1, &error);
  g_assert_no_error (error);
  assert_override_refused (f, KT_CATALOGUE_ERROR_PARSE, "gemeente.json");
}

/* Each prompt is one open question: it ends in “?”, asks nothing else,
 * and does not invite a yes or a no ("Lukt het om…?"). */
static void
assert_open_questions (const char * const *prompts,
                       const char         *domain_id)
{
  for (guint i = 0; prompts != NULL && prompts[i] != NULL; i++)
    {
      const char *prompt = prompts[i];
      guint questions = 0;

      for (const char *p = prompt; *p != '\0'; p++)
        questions += *p == '?';
      if (!g_str_has_suffix (prompt, "?") || questions != 1)
        g_error ("%s: “%s” is not one question ending in “?”", domain_id, prompt);
      if (g_str_has_prefix (prompt, "Lukt het") || g_str_has_prefix (prompt, "Can you"))
        g_error ("%s: “%s” asks yes or no; ask an open question", domain_id, prompt);
    }
}

static void
test_builtin_prompts_are_open_questions (void)
{
  const char * const languages[] = { "nl_NL.UTF-8", "en_GB.UTF-8" };

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(KtCatalogue) catalogue = NULL;

      set_language (languages[l]);
      catalogue = kt_catalogue_new_builtin ();
      for (guint i = 0; i < kt_catalogue_get_n_domains (catalogue); i++)
        {
          const KtDomain *domain = kt_catalogue_get_domain (catalogue, i);

          assert_open_questions ((const char * const *) domain->prompts, domain->id);
          assert_open_questions ((const char * const *) domain->prompts_without_children, domain->id);
          assert_open_questions ((const char * const *) domain->prompts_young_person, domain->id);
        }
    }
  set_language ("nl_NL.UTF-8");
}

/* Without children no prompt of any domain that is asked speaks of them;
 * the Opvoeding domain speaks to the young person as well as to the parents. */
static void
test_builtin_prompts_without_children (void)
{
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  const KtDomain *upbringing = kt_catalogue_lookup (catalogue, "opvoeding");
  const KtDomain *safety = kt_catalogue_lookup (catalogue, KT_SAFETY_DOMAIN_ID);

  for (guint i = 0; i < kt_catalogue_get_n_domains (catalogue); i++)
    {
      const KtDomain *domain = kt_catalogue_get_domain (catalogue, i);
      const char * const *prompts = kt_domain_get_prompts (domain, FALSE);

      if (domain->needs_children)
        continue;
      g_assert_null (strstr (domain->name, "kinderen"));
      g_assert_null (strstr (domain->description, "kinderen"));
      for (guint j = 0; prompts[j] != NULL; j++)
        {
          if (strstr (prompts[j], "kinderen") != NULL)
            g_error ("%s: “%s” speaks of children", domain->id, prompts[j]);
        }
    }
  /* With children, the safety domain asks about them. */
  g_assert_true (kt_domain_get_prompts (safety, TRUE) == (const char * const *) safety->prompts);
  g_assert_cmpuint (g_strv_length ((char **) kt_domain_get_prompts (safety, TRUE)), >,
                    g_strv_length ((char **) kt_domain_get_prompts (safety, FALSE)));
  g_assert_nonnull (upbringing->prompts_young_person);
  g_assert_cmpuint (g_strv_length (upbringing->prompts_young_person), >=, 3);
}

/* Every link in the file goes both ways or is marked one-way; the loaded
 * catalogue then has them both ways too. */
static void
test_builtin_links_symmetric_or_one_way (void)
{
  g_autoptr(JsonNode) root = builtin_json ();
  JsonArray *domains = json_object_get_array_member (json_node_get_object (root), "domains");
  g_autoptr(GHashTable) related = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();

  for (guint i = 0; i < json_array_get_length (domains); i++)
    {
      JsonObject *domain = json_array_get_object_element (domains, i);

      g_hash_table_insert (related, (char *) json_object_get_string_member (domain, "id"), domain);
    }
  for (guint i = 0; i < json_array_get_length (domains); i++)
    {
      JsonObject *domain = json_array_get_object_element (domains, i);
      const char *id = json_object_get_string_member (domain, "id");
      JsonArray *links = json_object_get_array_member (domain, "related");
      JsonArray *one_way = json_object_has_member (domain, "one_way")
                           ? json_object_get_array_member (domain, "one_way") : NULL;

      for (guint j = 0; j < json_array_get_length (links); j++)
        {
          const char *other_id = json_array_get_string_element (links, j);
          JsonArray *back = json_object_get_array_member (g_hash_table_lookup (related, other_id), "related");
          gboolean found_back = FALSE, marked = FALSE;

          for (guint k = 0; k < json_array_get_length (back); k++)
            found_back |= g_str_equal (json_array_get_string_element (back, k), id);
          for (guint k = 0; one_way != NULL && k < json_array_get_length (one_way); k++)
            marked |= g_str_equal (json_array_get_string_element (one_way, k), other_id);
          if (!found_back && !marked)
            g_error ("%s → %s has no link back and is not marked one-way", id, other_id);
          if (found_back && marked)
            g_error ("%s → %s is marked one-way but links back", id, other_id);
        }
    }
  for (guint i = 0; i < kt_catalogue_get_n_domains (catalogue); i++)
    {
      const KtDomain *domain = kt_catalogue_get_domain (catalogue, i);

      for (guint j = 0; domain->related[j] != NULL; j++)
        {
          const KtDomain *other = kt_catalogue_lookup (catalogue, domain->related[j]);

          g_assert_true (g_strv_contains ((const char * const *) other->related, domain->id) ||
                         g_strv_contains ((const char * const *) domain->one_way, other->id));
        }
    }
}

static GPtrArray *
suggest (KtCatalogue    *catalogue,
         KtConversation *conversation,
         const char     *domain_id)
{
  return kt_catalogue_suggest_related (catalogue, conversation,
                                       kt_conversation_find_entry (conversation, domain_id));
}

static gboolean
suggests (GPtrArray  *domains,
          const char *domain_id)
{
  for (guint i = 0; i < domains->len; i++)
    {
      if (g_str_equal (((const KtDomain *) g_ptr_array_index (domains, i))->id, domain_id))
        return TRUE;
    }
  return FALSE;
}

/* Issue 16: a self-reliance score of 1 on Geld en schulden suggests Werk
 * and Psychische gezondheid, as a concern does; a fair score does not. */
static void
test_related_on_low_score (void)
{
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  g_autoptr(KtConversation) conversation = kt_catalogue_new_conversation (catalogue, NULL);
  KtDomainEntry *money = kt_conversation_find_entry (conversation, "geldzaken");
  g_autoptr(GPtrArray) none = suggest (catalogue, conversation, "geldzaken");
  g_autoptr(GPtrArray) fair = NULL;
  g_autoptr(GPtrArray) low = NULL;
  g_autoptr(GPtrArray) two = NULL;
  g_autoptr(GPtrArray) after_work = NULL;
  g_autoptr(GPtrArray) concern = NULL;

  g_assert_cmpuint (none->len, ==, 0);
  money->level = 3;
  fair = suggest (catalogue, conversation, "geldzaken");
  g_assert_cmpuint (fair->len, ==, 0);

  money->level = 1;
  low = suggest (catalogue, conversation, "geldzaken");
  g_assert_true (suggests (low, "werk"));
  g_assert_true (suggests (low, "psychisch"));
  g_assert_cmpstr (((const KtDomain *) g_ptr_array_index (low, 0))->name, ==, "Wonen");

  money->level = 2;
  two = suggest (catalogue, conversation, "geldzaken");
  g_assert_cmpuint (two->len, ==, low->len);

  /* A domain already talked about is not suggested again. */
  kt_conversation_find_entry (conversation, "werk")->state = KT_DOMAIN_DISCUSSED;
  after_work = suggest (catalogue, conversation, "geldzaken");
  g_assert_false (suggests (after_work, "werk"));
  g_assert_true (suggests (after_work, "psychisch"));

  money->level = KT_LEVEL_NONE;
  money->concern = g_strdup ("x");
  concern = suggest (catalogue, conversation, "geldzaken");
  g_assert_true (suggests (concern, "psychisch"));
}

/* A municipality's file may list a link once: the loader adds the way
 * back, unless the link is marked one-way. */
static void
test_related_completed_both_ways (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(JsonNode) root = builtin_json ();
  JsonArray *domains = json_object_get_array_member (json_node_get_object (root), "domains");
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCatalogue) catalogue = NULL;
  JsonArray *one_way = json_array_new ();

  for (guint i = 0; i < json_array_get_length (domains); i++)
    {
      json_object_set_array_member (json_array_get_object_element (domains, i), "related", json_array_new ());
      json_object_remove_member (json_array_get_object_element (domains, i), "one_way");
    }
  /* geldzaken → werk both ways; justitie → geldzaken one way only. */
  json_array_add_string_element (json_object_get_array_member (domain_object (root, 0), "related"), "werk");
  json_array_add_string_element (json_object_get_array_member (domain_object (root, 13), "related"), "geldzaken");
  json_array_add_string_element (one_way, "geldzaken");
  json_object_set_array_member (domain_object (root, 13), "one_way", one_way);
  write_json (f, root);

  catalogue = kt_catalogue_new_default (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) kt_catalogue_lookup (catalogue, "werk")->related,
                                  "geldzaken"));
  g_assert_cmpuint (g_strv_length (kt_catalogue_lookup (catalogue, "geldzaken")->related), ==, 1);
  g_assert_true (g_strv_contains ((const char * const *) kt_catalogue_lookup (catalogue, "justitie")->related,
                                  "geldzaken"));
}

static void
test_override_one_way_outside_related (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(JsonNode) root = builtin_json ();
  JsonArray *one_way = json_array_new ();

  json_array_add_string_element (one_way, "justitie");
  json_object_set_array_member (domain_object (root, 1), "one_way", one_way);
  write_json (f, root);
  assert_override_refused (f, KT_CATALOGUE_ERROR_INVALID, "“domains[1].one_way[0]”");
}

static KtMember *
member_born (int years_ago)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  KtMember *member = kt_member_new ();

  member->birth_year = g_date_time_get_year (now) - years_ago;
  return member;
}

/* Without children the Opvoeding domain is not asked; it comes back, in
 * its place, once a child joins the household; what was said stays. */
static void
test_fit_conversation_to_household (void)
{
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  g_autoptr(KtConversation) conversation = kt_catalogue_new_conversation (catalogue, NULL);
  g_autoptr(KtCase) kase = kt_case_new ();
  KtDomainEntry *entry;

  g_ptr_array_add (kase->members, member_born (40));
  g_ptr_array_add (kase->members, member_born (38));
  g_assert_false (kt_case_has_children (kase));
  g_assert_true (kt_catalogue_fit_conversation (catalogue, conversation, kt_case_has_children (kase)));
  g_assert_null (kt_conversation_find_entry (conversation, "opvoeding"));
  g_assert_cmpuint (conversation->entries->len, ==, G_N_ELEMENTS (domain_order) - 1);
  g_assert_false (kt_catalogue_fit_conversation (catalogue, conversation, FALSE));

  /* The coach's own order stays; opvoeding comes back after relaties. */
  g_ptr_array_add (conversation->entries, g_ptr_array_steal_index (conversation->entries, 0));
  g_ptr_array_add (kase->members, member_born (14));
  g_assert_true (kt_case_has_children (kase));
  g_assert_true (kt_catalogue_fit_conversation (catalogue, conversation, kt_case_has_children (kase)));
  for (guint i = 0; i < conversation->entries->len; i++)
    {
      entry = g_ptr_array_index (conversation->entries, i);
      if (g_str_equal (entry->domain_id, "opvoeding"))
        {
          g_assert_cmpstr (((KtDomainEntry *) g_ptr_array_index (conversation->entries, i - 1))->domain_id,
                           ==, "relaties");
          break;
        }
    }
  g_assert_cmpstr (((KtDomainEntry *) g_ptr_array_index (conversation->entries,
                                                          conversation->entries->len - 1))->domain_id,
                   ==, "geldzaken");

  /* Something said in it is kept, children or not. */
  entry = kt_conversation_find_entry (conversation, "opvoeding");
  entry->going_well = g_strdup ("x");
  g_assert_false (kt_catalogue_fit_conversation (catalogue, conversation, FALSE));
  g_assert_nonnull (kt_conversation_find_entry (conversation, "opvoeding"));
}

int
main (int   argc,
      char *argv[])
{
  set_language ("nl_NL.UTF-8");
  kt_core_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/catalogue/builtin/in-dutch", test_builtin_in_dutch);
  g_test_add_func ("/catalogue/builtin/in-english", test_builtin_in_english);
  g_test_add_func ("/catalogue/new-conversation-follows-catalogue-order", test_new_conversation_follows_catalogue_order);
  g_test_add_func ("/catalogue/builtin/prompts-are-one-open-question", test_builtin_prompts_are_open_questions);
  g_test_add_func ("/catalogue/builtin/no-children-no-prompt-speaks-of-them", test_builtin_prompts_without_children);
  g_test_add_func ("/catalogue/builtin/links-go-both-ways-or-are-one-way", test_builtin_links_symmetric_or_one_way);
  g_test_add_func ("/catalogue/related/low-score-on-money-suggests-work-and-mental-health", test_related_on_low_score);
  g_test_add_func ("/catalogue/conversation-fits-household-without-children", test_fit_conversation_to_household);
#define ADD(name, func) \
  g_test_add ("/catalogue/override/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("good-file-is-used", test_override_good_file);
  ADD ("syntax-error-names-line-and-column", test_override_syntax_error_names_line_and_column);
  ADD ("unknown-related-id-is-named", test_override_unknown_related_id);
  ADD ("missing-dutch-name-is-named", test_override_missing_dutch_name);
  ADD ("duplicate-id-is-named", test_override_duplicate_id);
  ADD ("missing-segment-is-named", test_override_missing_segment);
  ADD ("unknown-segment-is-named", test_override_unknown_segment);
  ADD ("without-safety-domain-is-refused", test_override_without_safety_domain);
  ADD ("wrong-type-is-named", test_override_wrong_types);
  ADD ("unreadable-file-is-named", test_override_unreadable);
  ADD ("not-utf8-is-refused", test_override_not_utf8);
  ADD ("one-way-outside-related-is-named", test_override_one_way_outside_related);
  ADD ("links-are-completed-both-ways", test_related_completed_both_ways);
#undef ADD

  return g_test_run ();
}
