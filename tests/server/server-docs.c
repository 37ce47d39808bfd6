/* server-docs.c
 *
 * Documents come from the shared random generators (kt-test-docs.h) and are
 * encoded by the core's codec, exactly as the app would push them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include "config.h"

#include "server-docs.h"

#include "kt-core.h"
#include "kt-test-docs.h"

static GRand *
shared_rand (void)
{
  static GRand *rand;

  if (rand == NULL)
    rand = kt_test_rand_new ();
  return rand;
}

static void
set_header (KtRecordHeader *header,
            const char     *id,
            gint64          rev)
{
  if (id != NULL)
    {
      g_free (header->id);
      header->id = g_strdup (id);
    }
  header->rev = rev;
}

static char *
take_text (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  char *text = g_strndup (data, len);

  g_bytes_unref (bytes);
  return text;
}

static void
replace (char      **field,
         const char *text)
{
  g_free (*field);
  *field = g_strdup (text);
}

char *
kt_test_server_case_json (const char *id,
                          gint64      rev,
                          const char *marker,
                          const char *coach)
{
  g_autoptr(KtCase) kase = kt_test_random_case (shared_rand ());
  g_autofree char *household = g_strdup_printf ("Familie %s", marker);

  set_header (&kase->header, id, rev);
  replace (&kase->household, household);
  replace (&kase->coach, coach);
  return take_text (kt_case_encode (kase));
}

char *
kt_test_server_conversation_json (const char *id,
                                  const char *case_id,
                                  gint64      rev,
                                  const char *marker)
{
  g_autoptr(KtConversation) conversation = kt_test_random_conversation (shared_rand ());

  set_header (&conversation->header, id, rev);
  replace (&conversation->case_id, case_id);
  replace (&conversation->own_words, marker);
  return take_text (kt_conversation_encode (conversation));
}

char *
kt_test_server_plan_json (const char *id,
                          const char *case_id,
                          gint64      rev,
                          const char *review,
                          const char *marker)
{
  g_autoptr(KtPlan) plan = kt_test_random_plan (shared_rand ());
  KtGoal *goal;

  set_header (&plan->header, id, rev);
  replace (&plan->case_id, case_id);
  replace (&plan->question, marker);
  for (guint i = 0; i < KT_N_REVIEW_STATES; i++)
    if (g_strcmp0 (kt_review_state_to_string (i), review) == 0)
      plan->review = i;
  /* the review is the supervisor's: a coach's plan carries none */
  g_clear_pointer (&plan->reviewer, g_free);
  g_ptr_array_set_size (plan->comments, 0);
  /* one goal with a known id, for goal comments */
  goal = kt_goal_new ();
  goal->id = g_strdup ("3f9c1b7e-0000-4000-8000-00000000601a");
  goal->title = g_strdup ("Rust in de financiën");
  g_ptr_array_insert (plan->goals, 0, goal);
  return take_text (kt_plan_encode (plan));
}

#define N_CASE_TEXT_FIELDS 8

/* The free-text fields of a case the nasty test fills. */
static void
case_text_fields (KtCase *kase,
                  char  **fields[N_CASE_TEXT_FIELDS])
{
  fields[0] = &kase->household;
  fields[1] = &kase->address;
  fields[2] = &kase->phone;
  fields[3] = &kase->email;
  fields[4] = &kase->request.question;
  fields[5] = &kase->request.own_strength;
  fields[6] = &kase->request.safety_note;
  fields[7] = &kase->desk_note;
}

char *
kt_test_server_case_nasty_json (const char *text)
{
  g_autoptr(KtCase) kase = kt_test_random_case (shared_rand ());
  char **fields[N_CASE_TEXT_FIELDS];

  set_header (&kase->header, NULL, 1);
  g_clear_pointer (&kase->coach, g_free);
  case_text_fields (kase, fields);
  for (guint i = 0; i < N_CASE_TEXT_FIELDS; i++)
    replace (fields[i], text);
  for (guint i = 0; i < kase->members->len; i++)
    replace (&((KtMember *) g_ptr_array_index (kase->members, i))->name, text);
  return take_text (kt_case_encode (kase));
}

gboolean
kt_test_server_case_holds_everywhere (JsonObject *body,
                                      const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), body);
  g_autofree char *json = json_to_string (node, FALSE);
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCase) kase = kt_case_decode (bytes, &error);
  char **fields[N_CASE_TEXT_FIELDS];

  g_assert_no_error (error);
  case_text_fields (kase, fields);
  for (guint i = 0; i < N_CASE_TEXT_FIELDS; i++)
    if (g_strcmp0 (*fields[i], text) != 0)
      return FALSE;
  for (guint i = 0; i < kase->members->len; i++)
    if (g_strcmp0 (((KtMember *) g_ptr_array_index (kase->members, i))->name, text) != 0)
      return FALSE;
  return TRUE;
}

char *
kt_test_server_json_id (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "id"));
}

const char *
kt_test_server_plan_review (JsonObject *body)
{
  return json_object_get_string_member_with_default (body, "review", NULL);
}
