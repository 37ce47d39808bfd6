/* kt-test-docs.c: random documents for round-trip, store, sync and server tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-test"

#include "config.h"

#include "kt-test-docs.h"

#include "kt-consent.h"

static const char * const samples[] = {
  "",
  "Familie Jansen",
  "Het lukt niet meer om de huur te betalen.",
  "Één keer per week komt mijn dochter; café, reünie, naïef, coördinatie.",
  "Zij zegt: \"het gaat wel\" — maar 's avonds is het moeilijk.",
  "back\\slash and /slash",
  "regel één\nregel twee\ttab\r\n",
  "emoji 😀🏠👨‍👩‍👧 and flags 🇳🇱",
  "日本語のテキスト, العربية, Ελληνικά, русский",
  "control \x01\x1f characters",
  "  leading and trailing spaces  ",
  "Wijkteam Noord",
};

GRand *
kt_test_rand_new (void)
{
  return g_rand_new_with_seed (g_test_rand_int ());
}

static gboolean
chance (GRand *rand,
        int    percent)
{
  return g_rand_int_range (rand, 0, 100) < percent;
}

char *
kt_test_random_uuid (GRand *rand)
{
  guint32 w[4];

  for (guint i = 0; i < 4; i++)
    w[i] = g_rand_int (rand);
  return g_strdup_printf ("%08x-%04x-4%03x-%04x-%04x%08x",
                          w[0], w[1] >> 16, w[1] & 0xfff,
                          0x8000 | (w[2] >> 18), w[2] & 0xffff, w[3]);
}

static gunichar
random_char (GRand *rand)
{
  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:
      return g_rand_int_range (rand, 0x20, 0x7f);
    case 1:
      return g_rand_int_range (rand, 0xa0, 0x250);          /* Latin-1 and Latin Extended */
    case 2:
      return g_rand_int_range (rand, 0x1, 0x20);            /* control characters, no NUL */
    case 3:
      return g_rand_int_range (rand, 0x4e00, 0x9fff);       /* CJK */
    case 4:
      return g_rand_int_range (rand, 0x1f300, 0x1f650);     /* emoji */
    default:
      {
        /* anywhere in Unicode except surrogates and NUL */
        gunichar c;

        do
          c = g_rand_int_range (rand, 1, 0x110000);
        while (c >= 0xd800 && c <= 0xdfff);
        return c;
      }
    }
}

char *
kt_test_random_text (GRand *rand)
{
  int pick = g_rand_int_range (rand, 0, 100);

  if (pick < 15)
    return NULL;
  if (pick < 55)
    return g_strdup (samples[g_rand_int_range (rand, 0, G_N_ELEMENTS (samples))]);
  else
    {
      GString *text = g_string_new (NULL);
      int length = chance (rand, 5) ? g_rand_int_range (rand, 500, 4000)
                                    : g_rand_int_range (rand, 1, 60);

      for (int i = 0; i < length; i++)
        g_string_append_unichar (text, random_char (rand));
      return g_string_free (text, FALSE);
    }
}

char *
kt_test_random_date (GRand *rand)
{
  if (chance (rand, 25))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d",
                          g_rand_int_range (rand, 1990, 2100),
                          g_rand_int_range (rand, 1, 13),
                          g_rand_int_range (rand, 1, 29));
}

static gint64
random_time (GRand *rand)
{
  return chance (rand, 10) ? 0 : (gint64) g_rand_int_range (rand, 1500000000, G_MAXINT32)
                                 + (chance (rand, 5) ? G_GINT64_CONSTANT (10000000000) : 0);
}

static void
random_header (GRand          *rand,
               KtRecordHeader *header)
{
  g_free (header->id);
  header->id = kt_test_random_uuid (rand);
  header->rev = chance (rand, 10) ? 0 : g_rand_int_range (rand, 1, 100000);
  header->created = random_time (rand);
  header->updated = random_time (rand);
}

static const char * const domain_ids[] = {
  "geldzaken", "werk", "wonen", "huishouden", "zelfzorg", "lichamelijk", "psychisch",
  "middelen", "relaties", "opvoeding", "netwerk", "meedoen", "veiligheid", "justitie",
  "eigen-domein_2",
};

#define TEXT(field) (field) = kt_test_random_text (rand)
#define BOOL(field) (field) = g_rand_boolean (rand)
#define PICK(field, n) (field) = g_rand_int_range (rand, 0, (n))
#define COUNT(max) g_rand_int_range (rand, 0, (max) + 1)

/* An id other records refer to: one of @ids, "coach"/"self", or text. */
static char *
random_reference (GRand           *rand,
                  const GPtrArray *ids,
                  const char      *special)
{
  if (ids->len > 0 && chance (rand, 60))
    return g_strdup (g_ptr_array_index (ids, g_rand_int_range (rand, 0, ids->len)));
  if (chance (rand, 30))
    return g_strdup (special);
  return kt_test_random_text (rand);
}

/* None to three distinct member ids, or NULL (the whole household). */
static GStrv
random_member_ids (GRand *rand)
{
  guint n = COUNT (3);
  GStrv ids;

  if (n == 0 && chance (rand, 50))
    return NULL;
  ids = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    ids[i] = kt_test_random_uuid (rand);
  return ids;
}

KtCase *
kt_test_random_case (GRand *rand)
{
  KtCase *c = kt_case_new ();
  g_autoptr(GPtrArray) people = g_ptr_array_new ();
  guint n;

  random_header (rand, &c->header);
  TEXT (c->household);
  n = COUNT (8);
  for (guint i = 0; i < n; i++)
    {
      KtMember *m = kt_member_new ();

      g_free (m->id);
      m->id = kt_test_random_uuid (rand);
      TEXT (m->name);
      m->birth_year = chance (rand, 20) ? 0 : g_rand_int_range (rand, 1920, 2027);
      TEXT (m->relation);
      g_ptr_array_add (c->members, m);
    }
  TEXT (c->address);
  TEXT (c->phone);
  TEXT (c->email);

  c->request.date = kt_test_random_date (rand);
  PICK (c->request.channel, KT_N_CHANNELS);
  TEXT (c->request.question);
  TEXT (c->request.intaker);
  PICK (c->request.urgency, KT_N_URGENCIES);
  BOOL (c->request.safety_concern);
  TEXT (c->request.safety_note);
  TEXT (c->request.own_strength);
  BOOL (c->request.client_support_offered);
  BOOL (c->request.own_plan_wanted);

  n = COUNT (5);
  for (guint i = 0; i < n; i++)
    {
      KtConsent *consent = kt_consent_new ();

      g_free (consent->id);
      consent->id = kt_test_random_uuid (rand);
      TEXT (consent->purpose);
      TEXT (consent->party);
      consent->date = kt_test_random_date (rand);
      PICK (consent->form, KT_N_FORMS);
      BOOL (consent->share_without_consent);
      TEXT (consent->reasoning);
      /* The current state follows from the history, as it does when read. */
      for (guint e = COUNT (4); e > 0; e--)
        {
          KtConsentEventKind kind;
          KtForm form;
          g_autofree char *date = kt_test_random_date (rand);
          g_autofree char *by = kt_test_random_text (rand);

          PICK (kind, KT_N_CONSENT_EVENTS);
          PICK (form, KT_N_FORMS);
          kt_consent_record (consent, kind, date, form, by);
        }
      for (guint r = COUNT (3); r > 0; r--)
        {
          g_autofree char *id = kt_test_random_uuid (rand);

          kt_consent_set_receiver (consent, id, TRUE);
        }
      g_ptr_array_add (c->consents, consent);
    }

  n = COUNT (10);
  for (guint i = 0; i < n; i++)
    {
      KtNetworkPerson *p = kt_network_person_new ();

      g_free (p->id);
      p->id = kt_test_random_uuid (rand);
      TEXT (p->name);
      TEXT (p->relation);
      PICK (p->kind, KT_N_NETWORK_KINDS);
      TEXT (p->organisation);
      TEXT (p->role);
      TEXT (p->contact);
      TEXT (p->frequency);
      BOOL (p->unaware);
      BOOL (p->no_contact);
      g_ptr_array_add (c->network, p);
      g_ptr_array_add (people, p->id);
    }

  TEXT (c->team);
  TEXT (c->coach);
  c->lead_id = random_reference (rand, people, "coach");
  c->contact_person_id = random_reference (rand, people, "coach");
  c->evaluator_id = random_reference (rand, people, "coach");
  PICK (c->phase, KT_N_PHASES);
  c->conversation_deadline = kt_test_random_date (rand);
  c->own_plan_deadline = kt_test_random_date (rand);
  c->evaluation_date = kt_test_random_date (rand);
  c->follow_up_date = kt_test_random_date (rand);
  BOOL (c->solved_at_desk);
  BOOL (c->easy_read);
  TEXT (c->desk_note);
  return c;
}

KtConversation *
kt_test_random_conversation (GRand *rand)
{
  KtConversation *c = kt_conversation_new ();
  guint n;

  random_header (rand, &c->header);
  c->case_id = kt_test_random_uuid (rand);
  c->date = kt_test_random_date (rand);
  c->present = g_rand_int_range (rand, 0, KT_PRESENT_ALL + 1);
  c->catalogue_id = chance (rand, 80) ? g_strdup ("keukentafel-default") : kt_test_random_text (rand);
  c->catalogue_version = g_rand_int_range (rand, 0, 10);

  n = COUNT (G_N_ELEMENTS (domain_ids));
  for (guint i = 0; i < n; i++)
    {
      KtDomainEntry *e = kt_domain_entry_new (domain_ids[g_rand_int_range (rand, 0, G_N_ELEMENTS (domain_ids))]);

      PICK (e->state, KT_N_DOMAIN_STATES);
      TEXT (e->skip_reason);
      TEXT (e->going_well);
      TEXT (e->concern);
      e->level = g_rand_int_range (rand, KT_LEVEL_NONE, KT_LEVEL_MAX + 1);
      e->helpers = g_rand_int_range (rand, 0, KT_HELPERS_ALL + 1);
      TEXT (e->wish);
      e->priority = g_rand_int_range (rand, 0, 4);
      BOOL (e->safety_flag);
      e->about = random_member_ids (rand);
      for (guint v = COUNT (3); v > 0; v--)
        {
          g_autofree char *member = kt_test_random_uuid (rand);
          KtMemberVoice *voice = kt_member_voice_new (member);

          TEXT (voice->words);
          TEXT (voice->wish);
          g_ptr_array_add (e->voices, voice);
        }
      g_ptr_array_add (c->entries, e);
    }

  n = COUNT (6);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *member = kt_test_random_uuid (rand);
      KtSafetyCheck *check = kt_safety_check_new (member);

      BOOL (check->checked);
      BOOL (check->concern);
      TEXT (check->note);
      g_ptr_array_add (c->safety_checks, check);
    }

  for (guint i = 0; i < KT_N_SEGMENTS; i++)
    {
      KtWheelSegment *w = &c->wheel[i];

      w->current = g_rand_int_range (rand, KT_WHEEL_UNSET, KT_WHEEL_MAX + 1);
      w->target = g_rand_int_range (rand, KT_WHEEL_UNSET, KT_WHEEL_MAX + 1);
      w->previous = g_rand_int_range (rand, KT_WHEEL_UNSET, KT_WHEEL_MAX + 1);
      n = COUNT (4);
      for (guint j = 0; j < n; j++)
        {
          g_autofree char *person = chance (rand, 30) ? g_strdup (KT_SUPPORTER_SELF)
                                                      : kt_test_random_uuid (rand);

          g_ptr_array_add (w->supporters,
                           kt_supporter_new (person, g_rand_int_range (rand, 0, KT_N_RINGS)));
        }
    }

  TEXT (c->own_words);
  TEXT (c->notes);
  BOOL (c->complete);
  BOOL (c->is_evaluation);
  n = c->is_evaluation ? COUNT (5) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *goal = kt_test_random_uuid (rand);
      KtGoalProgress *p = kt_goal_progress_new (goal);

      PICK (p->status, KT_N_GOAL_STATUSES);
      TEXT (p->note);
      g_ptr_array_add (c->progress, p);
    }
  return c;
}

static KtGoal *
random_goal (GRand *rand)
{
  KtGoal *g = kt_goal_new ();
  g_autoptr(GPtrArray) domains = g_ptr_array_new ();
  guint n;

  g_free (g->id);
  g->id = kt_test_random_uuid (rand);
  TEXT (g->title);
  n = COUNT (3);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (domains, g_strdup (domain_ids[g_rand_int_range (rand, 0, G_N_ELEMENTS (domain_ids))]));
  g_ptr_array_add (domains, NULL);
  g_strfreev (g->domains);
  g->domains = (GStrv) g_ptr_array_steal (domains, NULL);
  g->segments = g_rand_int_range (rand, 0, 1 << KT_N_SEGMENTS);
  g->members = random_member_ids (rand);
  TEXT (g->difference);

  n = COUNT (4);
  for (guint i = 0; i < n; i++)
    {
      KtAction *a = kt_action_new ();

      g_free (a->id);
      a->id = kt_test_random_uuid (rand);
      TEXT (a->what);
      PICK (a->actor, KT_N_ACTORS);
      TEXT (a->who);
      a->due = kt_test_random_date (rand);
      BOOL (a->done);
      g_ptr_array_add (g->actions, a);
    }
  g->evaluation_date = kt_test_random_date (rand);
  PICK (g->status, KT_N_GOAL_STATUSES);
  n = COUNT (3);
  for (guint i = 0; i < n; i++)
    {
      char *note = kt_test_random_text (rand);

      g_ptr_array_add (g->progress_notes, note != NULL ? note : g_strdup (""));
    }
  return g;
}

KtPlan *
kt_test_random_plan (GRand *rand)
{
  KtPlan *p = kt_plan_new ();
  guint n;

  random_header (rand, &p->header);
  p->case_id = kt_test_random_uuid (rand);
  p->version = g_rand_int_range (rand, 1, 6);
  TEXT (p->question);
  n = COUNT (5);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (p->goals, random_goal (rand));
  TEXT (p->contact_person);
  TEXT (p->evaluator);

  n = COUNT (4);
  for (guint i = 0; i < n; i++)
    {
      KtProvision *v = kt_provision_new ();

      g_free (v->id);
      v->id = kt_test_random_uuid (rand);
      TEXT (v->name);
      BOOL (v->tailored);
      TEXT (v->acceptable);
      TEXT (v->cost_reasonable);
      TEXT (v->own_options);
      TEXT (v->decision);
      v->until = kt_test_random_date (rand);
      g_ptr_array_add (p->provisions, v);
    }

  BOOL (p->safety_required);
  TEXT (p->safety.risks);
  TEXT (p->safety.agreements);
  TEXT (p->safety.who_watches);
  BOOL (p->safety.veilig_thuis_consulted);

  PICK (p->agreement.state, KT_N_AGREEMENTS);
  p->agreement.date = kt_test_random_date (rand);
  TEXT (p->agreement.remarks);
  PICK (p->agreement.form, KT_N_FORMS);
  n = p->agreement.form == KT_FORM_WRITTEN ? COUNT (6) : 0;
  for (guint i = 0; i < n; i++)
    {
      KtStroke *stroke = kt_stroke_new ();
      guint points = g_rand_int_range (rand, 1, 60);

      for (guint j = 0; j < points * 2; j++)
        {
          /* Mostly full-precision doubles, now and then the edges. */
          double v = chance (rand, 5) ? (double) g_rand_int_range (rand, 0, 2)
                                      : g_rand_double (rand);

          g_array_append_val (stroke->points, v);
        }
      g_ptr_array_add (p->agreement.signature, stroke);
    }

  PICK (p->review, KT_N_REVIEW_STATES);
  TEXT (p->author);
  TEXT (p->reviewer);
  p->submitted_at = random_time (rand);
  n = COUNT (4);
  for (guint i = 0; i < n; i++)
    {
      KtReviewComment *comment = kt_review_comment_new ();

      if (p->goals->len > 0 && chance (rand, 50))
        comment->goal_id = g_strdup (((KtGoal *) g_ptr_array_index (p->goals, 0))->id);
      TEXT (comment->author);
      TEXT (comment->text);
      comment->at = random_time (rand);
      g_ptr_array_add (p->comments, comment);
    }
  return p;
}
