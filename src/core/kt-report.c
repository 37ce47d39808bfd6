/* kt-report.c: the report the resident takes home, laid out on A4 pages
 *
 * Two reports share the layout.  The resident's report is drawn only from
 * the take-home copies (kt-take-home.c): an allow-list, so nothing about
 * safety, sharing without consent or the notes for the file can reach the
 * paper, whatever a builder below prints.  The dossier report is drawn from
 * the documents as they are, adds the parts for the file, and says on every
 * page that it must not be handed over.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-report"

#include "config.h"

#include "kt-report.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "kt-date-format.h"
#include "kt-evaluation.h"
#include "kt-take-home.h"
#include "kt-wheel-render.h"

#define MARGIN          56.0      /* 2 cm */
#define CONTENT_WIDTH   (KT_REPORT_PAGE_WIDTH - 2 * MARGIN)
#define CONTENT_BOTTOM  (KT_REPORT_PAGE_HEIGHT - MARGIN - 24.0)
#define FONT            "Cantarell, DejaVu Sans, sans-serif"
#define WHEEL_HEIGHT    300.0
#define SIGNATURE_W     220.0
#define SIGNATURE_H     80.0

typedef enum {
  BLOCK_TITLE,
  BLOCK_SUBTITLE,
  BLOCK_HEADING,
  BLOCK_SUBHEADING,
  BLOCK_TEXT,
  BLOCK_QUOTE,
  BLOCK_BULLET,
  BLOCK_NOTE,
  BLOCK_WHEEL,
  BLOCK_SIGNATURE,
} BlockKind;

typedef struct {
  BlockKind  kind;
  char      *markup;
  double     height;
  double     space_before;
  guint      page;
  double     y;
} Block;

struct _KtReport
{
  GObject          parent_instance;

  KtReportKind     kind;
  gboolean         easy;          /* kort en duidelijk: short sentences, larger type */
  KtCatalogue     *catalogue;
  KtCase          *kase;
  KtConversation  *conversation;
  KtPlan          *plan;

  char            *copy_for;      /* "the GP — to share the plan", or NULL */
  Block           *notes_title;   /* inzage: where the professional notes start */
  GHashTable      *names;         /* inzage: account → display name, or NULL */

  PangoFontMap    *font_map;
  PangoContext    *context;
  GPtrArray       *blocks;        /* (element-type Block) */
  GHashTable      *initials;      /* person id → chip label */
  guint            n_pages;
  char            *footer;
};

G_DEFINE_FINAL_TYPE (KtReport, kt_report, G_TYPE_OBJECT)

G_DEFINE_QUARK (kt-report-error-quark, kt_report_error)

static void
block_free (gpointer data)
{
  Block *block = data;

  g_free (block->markup);
  g_free (block);
}

/* ---- words ------------------------------------------------------------ */

static const char *
actor_label (KtActor actor)
{
  switch (actor)
    {
    case KT_ACTOR_RESIDENT:     return _("you");
    case KT_ACTOR_NETWORK:      return _("your network");
    case KT_ACTOR_VOLUNTEER:    return _("volunteer or provision");
    case KT_ACTOR_PROFESSIONAL: return _("professional");
    case KT_N_ACTORS:
    default:                    return "";
    }
}

/* A network person's name, "coach" as the coach, or the text itself; NULL
 * for someone who may not be named on paper. */
static char *
resolve_person (const KtCase *kase,
                const char   *who)
{
  const KtNetworkPerson *person;

  if (who == NULL || *who == '\0')
    return NULL;
  if (g_strcmp0 (who, "coach") == 0)
    return kase->coach != NULL ? g_strdup_printf (_("%s (your coach)"), kase->coach)
                               : g_strdup (_("your coach"));
  person = kt_case_find_person (kase, who);
  if (person != NULL && !kt_network_person_may_print (person))
    return NULL;
  if (person != NULL)
    return g_strdup (person->name);
  return g_strdup (who);
}

char *
kt_report_describe_actor (const KtCase   *kase,
                          const KtAction *action)
{
  g_autofree char *name = resolve_person (kase, action->who);

  if (action->actor == KT_ACTOR_RESIDENT && name == NULL)
    return g_strdup (_("you yourself"));
  if (name == NULL)
    return g_strdup (actor_label (action->actor));
  return g_strdup_printf ("%s (%s)", name, actor_label (action->actor));
}

/* ---- building the blocks ---------------------------------------------- */

static void
add_block (KtReport   *self,
           BlockKind   kind,
           const char *markup)
{
  Block *block = g_new0 (Block, 1);

  block->kind = kind;
  block->markup = g_strdup (markup);
  g_ptr_array_add (self->blocks, block);
}

G_GNUC_PRINTF (3, 4)
static void
add_printf (KtReport   *self,
            BlockKind   kind,
            const char *format,
            ...)
{
  va_list args;
  g_autofree char *markup = NULL;

  va_start (args, format);
  markup = g_markup_vprintf_escaped (format, args);
  va_end (args);
  add_block (self, kind, markup);
}

static const char *
domain_name (KtReport   *self,
             const char *domain_id)
{
  const KtDomain *domain = kt_catalogue_lookup (self->catalogue, domain_id);

  return domain != NULL ? domain->name : domain_id;
}

static gboolean
has_text (const char *s)
{
  return s != NULL && *s != '\0';
}

static void
add_field (KtReport   *self,
           const char *label,
           const char *text)
{
  if (has_text (text))
    add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s", label, text);
}

/* The plan's state in the resident's words: concept, akkoord, goedgekeurd. */
static const char *
plan_status_label (const KtPlan *plan)
{
  if (plan->review == KT_REVIEW_APPROVED)
    return _("approved");
  if (plan->agreement.state == KT_AGREEMENT_AGREED)
    return _("agreed");
  return _("draft");
}

static void
build_front (KtReport *self)
{
  const char *question = self->plan != NULL && has_text (self->plan->question)
                         ? self->plan->question : self->kase->request.question;
  g_autofree char *date = self->conversation != NULL
                          ? kt_format_date (self->conversation->date, KT_DATE_PAPER) : NULL;

  if (self->kind == KT_REPORT_DOSSIER)
    add_printf (self, BLOCK_TITLE, "%s", _("Dossier report"));
  else
    add_printf (self, BLOCK_TITLE, "%s", _("Your support plan"));
  if (date != NULL && self->conversation->is_evaluation)
    add_printf (self, BLOCK_SUBTITLE, _("%s · our evaluation of %s"),
                self->kase->household != NULL ? self->kase->household : "", date);
  else if (date != NULL)
    add_printf (self, BLOCK_SUBTITLE, _("%s · our conversation of %s"),
                self->kase->household != NULL ? self->kase->household : "", date);
  else
    add_printf (self, BLOCK_SUBTITLE, "%s", self->kase->household != NULL ? self->kase->household : "");
  if (self->kind == KT_REPORT_DOSSIER)
    add_printf (self, BLOCK_TEXT, "%s",
                _("Everything recorded for this household, for the file. This report holds "
                  "safety information and notes for the file: never give it to the resident "
                  "or leave it in the house; give them the resident's report."));
  else if (self->easy)
    add_printf (self, BLOCK_TEXT, "%s",
                _("This is your plan.\nWe made it together.\nIs something not right? Please tell us."));
  else
    add_printf (self, BLOCK_TEXT, "%s",
                _("This is what we talked about together and what we agreed. "
                  "It is your plan: if something is not right, please tell us."));
  if (self->plan != NULL)
    add_printf (self, BLOCK_NOTE, _("Version %d · %s"), self->plan->version, plan_status_label (self->plan));
  if (self->copy_for != NULL)
    add_printf (self, BLOCK_NOTE, _("A copy for %s, shared with your consent."), self->copy_for);

  if (has_text (question))
    {
      add_printf (self, BLOCK_HEADING, "%s", _("Your question"));
      add_printf (self, BLOCK_QUOTE, "“%s”", question);
    }
  if (self->conversation != NULL && has_text (self->conversation->own_words))
    {
      add_printf (self, BLOCK_HEADING, "%s", _("In your own words"));
      add_printf (self, BLOCK_QUOTE, "“%s”", self->conversation->own_words);
    }
}

static void
build_going_well (KtReport *self)
{
  gboolean any_good = FALSE;

  if (self->conversation == NULL)
    return;

  for (guint i = 0; i < self->conversation->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, i);

      if (entry->state != KT_DOMAIN_DISCUSSED || !has_text (entry->going_well))
        continue;
      if (!any_good)
        add_printf (self, BLOCK_HEADING, "%s", _("What goes well"));
      any_good = TRUE;
      add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s", domain_name (self, entry->domain_id),
                  entry->going_well);
    }
}

/* The domain's name, and that it goes well where one tap said so
 * (transfer full). */
static char *
topic_name (KtReport            *self,
            const KtDomainEntry *entry)
{
  const char *name = domain_name (self, entry->domain_id);

  if (entry->state != KT_DOMAIN_DISCUSSED || !entry->nothing_to_discuss)
    return g_strdup (name);
  /* TRANSLATORS: "Wonen (goes well, nothing to discuss)" */
  return g_strdup_printf (_("%s (goes well, nothing to discuss)"), name);
}

/* Which life domains were discussed; skipped and open ones are listed apart. */
static const char *member_name (KtReport *self, const char *member_id);

/* Each member's own words and wish, per domain, under their name: a young
 * person reads back what they said themselves. */
static void
build_voices (KtReport *self)
{
  gboolean any = FALSE;

  if (self->conversation == NULL)
    return;
  for (guint i = 0; i < self->conversation->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, i);

      if (entry->state != KT_DOMAIN_DISCUSSED)
        continue;
      for (guint v = 0; v < entry->voices->len; v++)
        {
          const KtMemberVoice *voice = g_ptr_array_index (entry->voices, v);

          if (!has_text (voice->words) && !has_text (voice->wish))
            continue;
          if (!any)
            add_printf (self, BLOCK_HEADING, "%s", _("Each in their own words"));
          any = TRUE;
          /* Their words in quotes: what they typed often ends without a
           * full stop, and "kamer is te klein Wens:" runs on. */
          if (has_text (voice->words) && has_text (voice->wish))
            add_printf (self, BLOCK_BULLET, _("<b>%s</b> about %s: “%s” Wish: “%s”"),
                        member_name (self, voice->member_id), domain_name (self, entry->domain_id),
                        voice->words, voice->wish);
          else
            add_printf (self, BLOCK_BULLET, _("<b>%s</b> about %s: “%s”"),
                        member_name (self, voice->member_id), domain_name (self, entry->domain_id),
                        has_text (voice->words) ? voice->words : voice->wish);
        }
    }
}

/* The subjects that were talked about, by name.  The others are no list:
 * a row of every subject nobody raised (at an evaluation all thirteen, as it
 * goes through none of them one by one) reads as if the coach forgot them,
 * so one sentence says they did not come up.  An evaluation's own subjects
 * are under how things went and its new questions. */
static void
build_topics (KtReport *self)
{
  g_autoptr(GPtrArray) discussed = g_ptr_array_new_with_free_func (g_free);
  gboolean any_open = FALSE;

  if (self->conversation == NULL)
    return;

  for (guint i = 0; i < self->conversation->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, i);

      if (entry->state == KT_DOMAIN_DISCUSSED)
        g_ptr_array_add (discussed, topic_name (self, entry));
      else
        any_open = TRUE;
    }
  if (discussed->len == 0)
    return;

  add_printf (self, BLOCK_HEADING, "%s", _("What we talked about"));
  if (self->easy)
    {
      /* One subject per line. */
      for (guint i = 0; i < discussed->len; i++)
        add_printf (self, BLOCK_BULLET, "%s", (const char *) g_ptr_array_index (discussed, i));
    }
  else
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (discussed, NULL);
      list = g_strjoinv (", ", (char **) discussed->pdata);
      add_printf (self, BLOCK_TEXT, "%s.", list);
    }
  if (any_open && self->easy)
    add_printf (self, BLOCK_TEXT, "%s",
                _("We did not talk about other subjects this time.\nDo you want to talk about them?\nTell us."));
  else if (any_open)
    add_printf (self, BLOCK_TEXT, "%s",
                _("We did not talk about other subjects this time. Would you like to talk about one "
                  "of them after all? Just tell us."));
}

static const char *
chip_label (const char *person_id,
            gpointer    user_data)
{
  KtReport *self = user_data;
  const KtNetworkPerson *person;
  char *initials;

  if (g_strcmp0 (person_id, "self") == 0)
    return C_("wheel centre", "Me");
  person = kt_case_find_person (self->kase, person_id);
  if (person == NULL || !kt_network_person_may_print (person))
    return "?";
  /* Kept alive with the report: the same few names come back on every draw. */
  initials = g_hash_table_lookup (self->initials, person_id);
  if (initials == NULL)
    {
      initials = kt_wheel_initials (person->name);
      g_hash_table_insert (self->initials, g_strdup (person_id), initials);
    }
  return initials;
}

/* A wheel level in words, as the wheel page names them. */
static const char *
level_words (int level)
{
  switch (level)
    {
    case 0:  return _("not (yet)");
    case 1:  return _("with a lot of help");
    case 2:  return _("with some help");
    case 3:  return _("mostly on your own");
    case 4:  return _("fully on your own");
    default: return NULL;
    }
}

static char *
level_sentence (const KtWheelSegment *segment)
{
  const char *now = level_words (segment->current);
  const char *wanted = level_words (segment->target);

  if (now == NULL && wanted == NULL)
    return g_strdup (_("not filled in"));
  if (wanted == NULL)
    return g_strdup_printf (_("now: %s"), now);
  if (now == NULL)
    return g_strdup_printf (_("where you want to be: %s"), wanted);
  if (segment->current == segment->target)
    return g_strdup_printf (_("now: %s; you want to keep it that way"), now);
  return g_strdup_printf (_("now: %s; where you want to be: %s"), now, wanted);
}

static void
build_wheel (KtReport *self)
{
  gboolean any = FALSE;

  if (self->conversation == NULL)
    return;
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    any |= self->conversation->wheel[s].current >= 0 || self->conversation->wheel[s].target >= 0;
  if (!any)
    return;

  add_printf (self, BLOCK_HEADING, "%s", _("How you take part"));
  add_block (self, BLOCK_WHEEL, NULL);
  if (self->easy)
    add_printf (self, BLOCK_TEXT, "%s",
                _("The wheel shows how you take part.\nThe colour shows how it goes now.\n"
                  "The line shows what you want.\nThe rings show who helps you."));
  else
    add_printf (self, BLOCK_NOTE, "%s",
                _("Coloured: how it goes now (from 0, not yet, to 4, fully on your own). Outlined: where you want to be. "
                  "The rings around it show who helps, from the inside out: you yourself, "
                  "your network, volunteers and general provisions, professionals."));

  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      const KtWheelSegment *segment = &self->conversation->wheel[s];
      g_autofree char *levels = level_sentence (segment);
      g_autoptr(GString) helpers = g_string_new (NULL);

      for (guint i = 0; segment->supporters != NULL && i < segment->supporters->len; i++)
        {
          const KtSupporter *supporter = g_ptr_array_index (segment->supporters, i);
          g_autofree char *name = g_strcmp0 (supporter->person_id, "self") == 0
                                  ? g_strdup (_("you yourself"))
                                  : resolve_person (self->kase, supporter->person_id);

          if (name == NULL)
            continue;
          if (helpers->len > 0)
            g_string_append (helpers, ", ");
          g_string_append (helpers, name);
        }
      if (self->easy)
        {
          const char *now = level_words (segment->current);
          const char *wanted = level_words (segment->target);
          g_autoptr(GString) lines = g_string_new (NULL);
          g_autofree char *name = g_markup_escape_text (kt_catalogue_segment_name (self->catalogue, s), -1);

          /* One idea per line. */
          g_string_append_printf (lines, "<b>%s</b>", name);
          if (now != NULL)
            g_string_append_printf (lines, "\n%s", _("Now:"));
          if (now != NULL)
            g_string_append_printf (lines, " %s.", now);
          if (wanted != NULL)
            g_string_append_printf (lines, "\n%s %s.", _("You want:"), wanted);
          if (helpers->len > 0)
            {
              g_autofree char *who = g_markup_escape_text (helpers->str, -1);
              g_string_append_printf (lines, "\n%s %s.", _("Who helps:"), who);
            }
          add_block (self, BLOCK_BULLET, lines->str);
        }
      else if (helpers->len > 0)
        add_printf (self, BLOCK_BULLET, _("<b>%s</b>: %s. Who helps: %s."),
                    kt_catalogue_segment_name (self->catalogue, s), levels, helpers->str);
      else
        add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s.",
                    kt_catalogue_segment_name (self->catalogue, s), levels);
    }
}

static const char *goal_status_label (KtGoalStatus status);

static const KtGoal *
find_goal (KtReport   *self,
           const char *goal_id)
{
  for (guint g = 0; self->plan != NULL && g < self->plan->goals->len; g++)
    {
      const KtGoal *goal = g_ptr_array_index (self->plan->goals, g);

      if (g_strcmp0 (goal->id, goal_id) == 0)
        return goal;
    }
  return NULL;
}

/* At an evaluation: how each area moved and how each goal went. */
static void
build_movement (KtReport *self)
{
  if (self->conversation == NULL || !self->conversation->is_evaluation)
    return;

  add_printf (self, BLOCK_HEADING, "%s", _("How things went"));
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      const KtWheelSegment *segment = &self->conversation->wheel[s];
      const char *name = kt_catalogue_segment_name (self->catalogue, s);

      if (level_words (segment->previous) == NULL || level_words (segment->current) == NULL)
        continue;
      /* In the wheel's words, as the list under the wheel: a bare "from 2
       * to 3" means nothing to someone who did not see the scale. */
      /* Easy-read: one idea per line. */
      if (self->easy)
        {
          const char *trend = kt_evaluation_segment_trend (segment) > 0 ? _("Better than last time.")
                              : kt_evaluation_segment_trend (segment) < 0 ? _("Harder than last time.")
                              : _("The same as last time.");

          add_printf (self, BLOCK_BULLET, _("<b>%s</b>\n%s\nNow: %s."), name, trend, level_words (segment->current));
          continue;
        }
      switch (kt_evaluation_segment_trend (segment))
        {
        case 1:
          add_printf (self, BLOCK_BULLET, _("<b>%s</b>: better. Now: %s; last time: %s."), name,
                      level_words (segment->current), level_words (segment->previous));
          break;
        case -1:
          add_printf (self, BLOCK_BULLET, _("<b>%s</b>: harder now. Now: %s; last time: %s."), name,
                      level_words (segment->current), level_words (segment->previous));
          break;
        default:
          add_printf (self, BLOCK_BULLET, _("<b>%s</b>: the same as last time: %s."), name,
                      level_words (segment->current));
          break;
        }
    }
  for (guint i = 0; self->conversation->progress != NULL && i < self->conversation->progress->len; i++)
    {
      const KtGoalProgress *progress = g_ptr_array_index (self->conversation->progress, i);
      const KtGoal *goal = find_goal (self, progress->goal_id);

      if (goal == NULL || goal->title == NULL)
        continue;
      if (has_text (progress->note))
        add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s. %s", goal->title,
                    goal_status_label (progress->status), progress->note);
      else
        add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s.", goal->title, goal_status_label (progress->status));
    }

  /* The quick look over the life domains: only those with something new. */
  if (self->conversation->new_questions == NULL || self->conversation->new_questions->len == 0)
    return;
  add_printf (self, BLOCK_HEADING, "%s", _("New questions"));
  for (guint i = 0; i < self->conversation->new_questions->len; i++)
    {
      const KtNewQuestion *question = g_ptr_array_index (self->conversation->new_questions, i);
      const KtDomain *domain = kt_catalogue_lookup (self->catalogue, question->domain_id);
      const char *name = domain != NULL ? domain->name : question->domain_id;

      if (has_text (question->note))
        add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s", name, question->note);
      else
        add_printf (self, BLOCK_BULLET, "<b>%s</b>", name);
    }
}

static const char *
goal_status_label (KtGoalStatus status)
{
  switch (status)
    {
    case KT_GOAL_OPEN:        return _("not started yet");
    case KT_GOAL_IN_PROGRESS: return _("under way");
    case KT_GOAL_ACHIEVED:    return _("achieved");
    case KT_GOAL_STOPPED:     return _("stopped");
    case KT_N_GOAL_STATUSES:
    default:                  return "";
    }
}

static const char *member_name (KtReport *self, const char *member_id);

/* How @goal stands: at an evaluation as it was just judged there, not as
 * the plan last recorded it, so the goal under "what we are going to do"
 * agrees with "how things went". */
static KtGoalStatus
current_goal_status (KtReport     *self,
                     const KtGoal *goal)
{
  for (guint i = 0; self->conversation != NULL && self->conversation->is_evaluation &&
                    self->conversation->progress != NULL && i < self->conversation->progress->len; i++)
    {
      const KtGoalProgress *progress = g_ptr_array_index (self->conversation->progress, i);

      if (g_strcmp0 (progress->goal_id, goal->id) == 0)
        return progress->status;
    }
  return goal->status;
}

static void
build_goal (KtReport     *self,
            guint         number,
            const KtGoal *goal)
{
  g_autofree char *eval = kt_format_date (goal->evaluation_date, KT_DATE_PAPER);
  g_autoptr(GString) domains = g_string_new (NULL);

  add_printf (self, BLOCK_SUBHEADING, "%u. %s", number, goal->title != NULL ? goal->title : "");
  for (guint i = 0; goal->domains != NULL && goal->domains[i] != NULL; i++)
    {
      if (domains->len > 0)
        g_string_append (domains, ", ");
      g_string_append (domains, domain_name (self, goal->domains[i]));
    }
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    if (goal->segments & (1u << s))
      {
        if (domains->len > 0)
          g_string_append (domains, ", ");
        g_string_append (domains, kt_catalogue_segment_name (self->catalogue, s));
      }
  if (domains->len > 0)
    add_printf (self, BLOCK_NOTE, _("About: %s · %s"), domains->str,
                goal_status_label (current_goal_status (self, goal)));
  if (has_text (goal->difference))
    add_printf (self, BLOCK_TEXT, _("<b>When it works:</b> %s"), goal->difference);

  for (guint a = 0; a < goal->actions->len; a++)
    {
      const KtAction *action = g_ptr_array_index (goal->actions, a);
      g_autofree char *who = kt_report_describe_actor (self->kase, action);
      g_autofree char *due = kt_format_date (action->due, KT_DATE_PAPER);

      if (self->easy && due != NULL)
        add_printf (self, BLOCK_BULLET, _("%s\n<b>Who:</b> %s.\n<b>By:</b> %s."),
                    action->what != NULL ? action->what : "", who, due);
      else if (self->easy)
        add_printf (self, BLOCK_BULLET, _("%s\n<b>Who:</b> %s."),
                    action->what != NULL ? action->what : "", who);
      else if (due != NULL)
        add_printf (self, BLOCK_BULLET, _("%s — <b>who:</b> %s — <b>by</b> %s"),
                    action->what != NULL ? action->what : "", who, due);
      else
        add_printf (self, BLOCK_BULLET, _("%s — <b>who:</b> %s"),
                    action->what != NULL ? action->what : "", who);
    }
  if (eval != NULL)
    add_printf (self, BLOCK_TEXT, _("We look at this again together on <b>%s</b>."), eval);
  for (guint n = 0; goal->progress_notes != NULL && n < goal->progress_notes->len; n++)
    add_printf (self, BLOCK_NOTE, "%s", (const char *) g_ptr_array_index (goal->progress_notes, n));
}

/* TRUE when some goal of the plan is a household member's own. */
static gboolean
has_member_goals (KtReport *self)
{
  for (guint g = 0; g < self->plan->goals->len; g++)
    {
      if (!kt_goal_is_household (g_ptr_array_index (self->plan->goals, g)))
        return TRUE;
    }
  return FALSE;
}

/* The household's goals under "What we do together", then each member's own
 * goals under their name, in the order of the members; a goal shared by two
 * members shows under both.  A plan with only household goals reads as before. */
static void
build_goals (KtReport *self)
{
  guint number = 0;
  gboolean grouped;

  if (self->plan == NULL || self->plan->goals->len == 0)
    return;

  add_printf (self, BLOCK_HEADING, "%s", _("What we are going to do"));
  grouped = has_member_goals (self);
  for (guint g = 0; g < self->plan->goals->len; g++)
    {
      const KtGoal *goal = g_ptr_array_index (self->plan->goals, g);

      if (!kt_goal_is_household (goal))
        continue;
      if (grouped && number == 0)
        add_printf (self, BLOCK_SUBHEADING, "%s", _("What we do together"));
      build_goal (self, ++number, goal);
    }
  for (guint m = 0; grouped && m < self->kase->members->len; m++)
    {
      const KtMember *member = g_ptr_array_index (self->kase->members, m);
      gboolean any = FALSE;

      for (guint g = 0; g < self->plan->goals->len; g++)
        {
          const KtGoal *goal = g_ptr_array_index (self->plan->goals, g);

          if (!kt_goal_is_for_member (goal, member->id))
            continue;
          if (!any)
            add_printf (self, BLOCK_SUBHEADING, _("Goals of %s"), member_name (self, member->id));
          any = TRUE;
          build_goal (self, ++number, goal);
        }
    }
}

/* Where the municipality's decision on tailored support stands, in plain
 * words: "Aangevraagd op 3 maart 2027 (Wmo 2015). De gemeente heeft nog
 * niet beslist." or "Toegekend op …: 3 uur per week. Dit geldt van … tot
 * …. Vorm: pgb." */
static char *
tailored_decision (KtReport          *self,
                   const KtProvision *provision)
{
  g_autofree char *requested = kt_format_date (provision->request_date, KT_DATE_PAPER);
  g_autofree char *decided = kt_format_date (provision->decision_date, KT_DATE_PAPER);
  g_autofree char *from = kt_format_date (provision->valid_from, KT_DATE_PAPER);
  g_autofree char *until = kt_format_date (provision->until, KT_DATE_PAPER);
  const char *law = kt_legal_basis_get_label (provision->legal_basis);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  /* Every piece is escaped: the words are the coach's, the markup ours. */
  if (requested != NULL)
    /* Translators: "Requested on 3 March 2027 (Wmo 2015)." */
    g_ptr_array_add (lines, g_markup_printf_escaped (_("Requested on %s (%s)."), requested, law));
  switch (provision->decision_state)
    {
    case KT_DECISION_PENDING:
      g_ptr_array_add (lines, g_markup_escape_text (_("The municipality has not decided yet."), -1));
      break;
    case KT_DECISION_GRANTED:
      if (decided != NULL && has_text (provision->decision))
        g_ptr_array_add (lines, g_markup_printf_escaped (_("Granted on %s: %s."), decided, provision->decision));
      else if (decided != NULL)
        g_ptr_array_add (lines, g_markup_printf_escaped (_("Granted on %s."), decided));
      else
        g_ptr_array_add (lines, g_markup_escape_text (_("Granted."), -1));
      if (from != NULL && until != NULL)
        g_ptr_array_add (lines, g_markup_printf_escaped (_("This holds from <b>%s</b> until <b>%s</b>."), from, until));
      else if (until != NULL)
        g_ptr_array_add (lines, g_markup_printf_escaped (_("This holds until <b>%s</b>."), until));
      if (provision->delivery != KT_DELIVERY_NONE)
        /* Translators: "Form: personal budget (pgb)." */
        g_ptr_array_add (lines, g_markup_printf_escaped (_("Form: %s."), kt_delivery_get_label (provision->delivery)));
      break;
    case KT_DECISION_REFUSED:
      if (decided != NULL)
        g_ptr_array_add (lines, g_markup_printf_escaped (_("Refused on %s."), decided));
      else
        g_ptr_array_add (lines, g_markup_escape_text (_("Refused."), -1));
      if (has_text (provision->decision))
        g_ptr_array_add (lines, g_markup_escape_text (provision->decision, -1));
      break;
    case KT_DECISION_NONE:
    case KT_N_DECISIONS:
    default:
      break;
    }
  g_ptr_array_add (lines, NULL);
  /* Easy-read: one sentence a line. */
  return g_strjoinv (self->easy ? "\n" : " ", (char **) lines->pdata);
}

static void
build_provisions (KtReport *self)
{
  if (self->plan == NULL || self->plan->provisions->len == 0)
    return;

  add_printf (self, BLOCK_HEADING, "%s", _("Provisions"));
  for (guint i = 0; i < self->plan->provisions->len; i++)
    {
      const KtProvision *provision = g_ptr_array_index (self->plan->provisions, i);

      g_autofree char *until = kt_format_date (provision->until, KT_DATE_PAPER);
      g_autofree char *decision = NULL;

      /* What was decided on a line of its own under the provision's name. */
      if (provision->tailored && provision->decision_state != KT_DECISION_NONE)
        decision = tailored_decision (self, provision);
      else if (has_text (provision->decision) && until != NULL && self->easy)
        decision = g_markup_printf_escaped (_("Decided: %s.\nThis holds until <b>%s</b>."), provision->decision, until);
      else if (has_text (provision->decision) && until != NULL)
        decision = g_markup_printf_escaped (_("Decided: %s. This holds until <b>%s</b>."), provision->decision, until);
      else if (has_text (provision->decision))
        decision = g_markup_printf_escaped (_("Decided: %s."), provision->decision);
      else if (provision->tailored)
        decision = g_markup_escape_text (_("Not decided yet."), -1);
      add_printf (self, BLOCK_BULLET, "<b>%s</b> — %s", provision->name != NULL ? provision->name : "",
                  provision->tailored ? _("tailored support (maatwerk) from the municipality")
                                      : _("general provision, open to everyone"));
      if (decision != NULL)
        {
          Block *block = g_ptr_array_index (self->blocks, self->blocks->len - 1);
          char *joined = g_strconcat (block->markup, "\n", decision, NULL);

          g_free (block->markup);
          block->markup = joined;
        }
      /* Only in the dossier: the take-home copy holds no considerations. */
      if (provision->tailored)
        {
          add_field (self, _("Legitimate: socially acceptable and lawful"), provision->acceptable);
          add_field (self, _("Standard offer considered"), provision->standard_offer);
          add_field (self, _("Economically sound against the standard offer"), provision->cost_reasonable);
          add_field (self, _("What the resident and network can and will do themselves"), provision->own_options);
        }
    }
}

static char *
earliest_evaluation (KtReport *self)
{
  const char *best = self->kase->evaluation_date;

  /* At an evaluation the goals' dates are the ones just looked back on:
   * what comes next is the next evaluation, once the coach chose it. */
  if (self->conversation != NULL && self->conversation->is_evaluation)
    return g_strcmp0 (best, self->conversation->date) > 0 ? kt_format_date (best, KT_DATE_PAPER) : NULL;

  for (guint g = 0; self->plan != NULL && g < self->plan->goals->len; g++)
    {
      const KtGoal *goal = g_ptr_array_index (self->plan->goals, g);

      if (kt_date_is_valid (goal->evaluation_date) &&
          (best == NULL || g_strcmp0 (goal->evaluation_date, best) < 0))
        best = goal->evaluation_date;
    }
  return kt_format_date (best, KT_DATE_PAPER);
}

/* The open action due first: what the resident can expect next. */
static const KtAction *
first_open_action (KtReport *self)
{
  const KtAction *first = NULL;

  for (guint g = 0; self->plan != NULL && g < self->plan->goals->len; g++)
    {
      const KtGoal *goal = g_ptr_array_index (self->plan->goals, g);

      for (guint a = 0; a < goal->actions->len; a++)
        {
          const KtAction *action = g_ptr_array_index (goal->actions, a);

          if (!action->done && kt_date_is_valid (action->due) &&
              (first == NULL || g_strcmp0 (action->due, first->due) < 0))
            first = action;
        }
    }
  return first;
}

/* A tailored provision still waiting for the municipality: one with a
 * decision (granted or refused, or its words written down) needs no "did
 * you apply?" and no date it is decided by. */
static gboolean
has_undecided_tailored_provision (KtReport *self)
{
  for (guint i = 0; self->plan != NULL && i < self->plan->provisions->len; i++)
    {
      const KtProvision *provision = g_ptr_array_index (self->plan->provisions, i);

      if (provision->tailored && provision->decision_state != KT_DECISION_GRANTED &&
          provision->decision_state != KT_DECISION_REFUSED && !has_text (provision->decision))
        return TRUE;
    }
  return FALSE;
}

/* The term for a decision on maatwerk differs by law and by municipality
 * (Wmo 2015 two weeks, the Jeugdwet and Participatiewet up to eight): the
 * date is the one the coach's list counts down to, worked out from the
 * application and the terms in her preferences.  Without an application
 * there is no date to promise. */
static void
add_decision_line (KtReport *self)
{
  g_autofree char *by = kt_format_date (self->kase->decision_deadline, KT_DATE_PAPER);

  if (by != NULL && self->easy)
    add_printf (self, BLOCK_BULLET, _("You applied for maatwerk.\nThe municipality decides by <b>%s</b>.\n"
                                      "You get the decision on paper."), by);
  else if (by != NULL)
    add_printf (self, BLOCK_BULLET, _("The municipality decides on your application for tailored support "
                                      "(maatwerk) by <b>%s</b> and sends you the decision in writing."), by);
  else if (self->easy)
    add_printf (self, BLOCK_BULLET, "%s", _("Did you apply for maatwerk?\nYou get the decision on paper."));
  else
    add_printf (self, BLOCK_BULLET, "%s", _("Have you applied for tailored support (maatwerk)? "
                                            "The municipality sends you its decision in writing."));
}

static void
add_person_line (KtReport   *self,
                 const char *role,
                 const char *who)
{
  const KtNetworkPerson *person = who != NULL ? kt_case_find_person (self->kase, who) : NULL;
  g_autofree char *name = NULL;

  if (person != NULL && !kt_network_person_may_print (person))
    return;
  if (person != NULL)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      if (has_text (person->organisation))
        g_string_append_printf (line, "%s, %s", person->name, person->organisation);
      else
        g_string_append (line, person->name);
      if (has_text (person->contact))
        g_string_append_printf (line, " — %s", person->contact);
      add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s", role, line->str);
      return;
    }
  name = resolve_person (self->kase, who);
  if (name != NULL)
    add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s", role, name);
}

/* The regisseur, named once: the resident, a member, or someone else with
 * the reason it is not the resident yet and whether the resident agreed. */
static void
add_lead_line (KtReport   *self,
               const char *lead)
{
  const char *label = _("Leads the plan (regisseur)");
  KtLeadKind kind;

  if (!has_text (lead))
    return;
  kind = kt_case_get_lead_kind (self->kase);
  if (g_strcmp0 (lead, KT_LEAD_RESIDENT) == 0)
    add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s", label, _("you yourself"));
  else if (kind == KT_LEAD_KIND_RESIDENT && g_strcmp0 (lead, self->kase->lead_id) == 0)
    add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s", label, member_name (self, lead));
  else
    add_person_line (self, label, lead);
  if (kind == KT_LEAD_KIND_RESIDENT || kind == KT_LEAD_NONE)
    return;
  if (has_text (self->kase->lead_reason))
    add_printf (self, BLOCK_NOTE, _("Why not you yet: %s"), self->kase->lead_reason);
  add_printf (self, BLOCK_NOTE, "%s", self->kase->lead_agreed ? _("You agreed with this choice.")
                                                             : _("You have not said yet whether you agree with this choice."));
}

static void
build_contacts (KtReport *self)
{
  g_autofree char *when = earliest_evaluation (self);
  const char *contact = self->plan != NULL && has_text (self->plan->contact_person)
                        ? self->plan->contact_person : self->kase->contact_person_id;
  /* The case holds the regisseur; a plan from before that keeps the copy it
   * was printed with until the coach opens it. */
  const char *lead = self->plan != NULL && has_text (self->plan->legacy_case_lead)
                     ? self->plan->legacy_case_lead : self->kase->lead_id;
  gboolean closed = self->kase->phase == KT_PHASE_CLOSED || self->kase->phase == KT_PHASE_FOLLOW_UP;

  add_printf (self, BLOCK_HEADING, "%s", _("What happens next"));
  /* After closing no plan is checked or looked at again; the follow-up
   * check is what comes. */
  if (closed)
    {
      g_autofree char *follow_up = kt_format_date (self->kase->follow_up_date, KT_DATE_PAPER);

      add_printf (self, BLOCK_BULLET, "%s", _("The support from the neighbourhood team has ended."));
      if (follow_up != NULL && self->easy)
        add_printf (self, BLOCK_BULLET, _("On <b>%s</b> we get in touch.\nWe ask how it is going."), follow_up);
      else if (follow_up != NULL)
        add_printf (self, BLOCK_BULLET, _("On <b>%s</b> we get in touch to ask how it is going."), follow_up);
      if (self->easy)
        add_printf (self, BLOCK_BULLET, "%s", _("Is there something new?\nCall us.\nWe help you again."));
      else
        add_printf (self, BLOCK_BULLET, "%s", _("Is there something new? Call us: we pick it up again with you."));
    }
  else if (self->plan != NULL)
    {
      const KtAction *first = first_open_action (self);
      g_autofree char *due = first != NULL ? kt_format_date (first->due, KT_DATE_PAPER) : NULL;

      switch (self->plan->review)
        {
        case KT_REVIEW_SUBMITTED:
          add_printf (self, BLOCK_BULLET, "%s", _("The team is checking this plan now. "
                                                  "You will hear from us when it is approved."));
          break;
        case KT_REVIEW_APPROVED:
          add_printf (self, BLOCK_BULLET, "%s", _("The team has approved this plan."));
          break;
        case KT_REVIEW_DRAFT:
        case KT_REVIEW_RETURNED:
        case KT_N_REVIEW_STATES:
        default:
          add_printf (self, BLOCK_BULLET, "%s", _("This plan is a draft. We finish it with you; "
                                                  "then the team checks it."));
          break;
        }
      if (self->plan->agreement.state == KT_AGREEMENT_NONE)
        add_printf (self, BLOCK_BULLET, "%s", _("We will ask you whether you agree with this plan."));
      if (due != NULL)
        add_printf (self, BLOCK_BULLET, _("First: %s — by <b>%s</b>."),
                    first->what != NULL ? first->what : "", due);
      if (has_undecided_tailored_provision (self))
        add_decision_line (self);
    }
  if (!closed && when != NULL && self->easy)
    add_printf (self, BLOCK_BULLET, _("On <b>%s</b> we see how it is going."), when);
  else if (!closed && when != NULL)
    add_printf (self, BLOCK_BULLET, _("We will look together at how it is going on <b>%s</b>."), when);

  add_printf (self, BLOCK_HEADING, "%s", _("Who you can call"));
  add_person_line (self, _("Your contact person"), contact);
  add_lead_line (self, lead);
  if (self->kase->coach != NULL && g_strcmp0 (contact, "coach") != 0 && g_strcmp0 (lead, "coach") != 0)
    add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s", _("Your coach"), self->kase->coach);
}

static const char *
consent_text (const KtConsent *consent)
{
  switch (consent->status)
    {
    case KT_CONSENT_GIVEN:     return _("you agreed");
    case KT_CONSENT_REFUSED:   return _("you did not agree");
    case KT_CONSENT_WITHDRAWN: return _("you withdrew your consent");
    case KT_CONSENT_NOT_ASKED:
    case KT_N_CONSENT_STATUSES:
    default:                   return _("not asked yet");
    }
}

static void
build_consents (KtReport *self)
{
  if (self->kase->consents == NULL || self->kase->consents->len == 0)
    return;

  add_printf (self, BLOCK_HEADING, "%s", _("Sharing your information"));
  for (guint i = 0; i < self->kase->consents->len; i++)
    {
      const KtConsent *consent = g_ptr_array_index (self->kase->consents, i);
      g_autofree char *date = kt_format_date (consent->date, KT_DATE_PAPER);
      const char *form = consent->form == KT_FORM_WRITTEN ? _("in writing") : _("spoken");

      if (self->easy)
        add_printf (self, BLOCK_BULLET, _("<b>%s</b>\nWith: %s.\nWhat you said: %s."),
                    consent->purpose ? consent->purpose : "", consent->party ? consent->party : "",
                    consent_text (consent));
      else if (date != NULL)
        add_printf (self, BLOCK_BULLET, _("<b>%s</b> with %s: %s (%s, %s)."),
                    consent->purpose ? consent->purpose : "", consent->party ? consent->party : "",
                    consent_text (consent), form, date);
      else
        add_printf (self, BLOCK_BULLET, _("<b>%s</b> with %s: %s."),
                    consent->purpose ? consent->purpose : "", consent->party ? consent->party : "",
                    consent_text (consent));
      if (consent->share_without_consent && has_text (consent->reasoning))
        add_printf (self, BLOCK_NOTE, _("Shared without your consent, because: %s"), consent->reasoning);
    }
}

/* The resident's agreement, on the plan or on the evaluation: the same
 * record, shown the same way. */
static void
add_agreement (KtReport          *self,
               const KtAgreement *agreement,
               gboolean           on_evaluation)
{
  g_autofree char *date = kt_format_date (agreement->date, KT_DATE_PAPER);
  const char *text;

  add_printf (self, BLOCK_HEADING, "%s", on_evaluation ? _("Your agreement on the evaluation") : _("Your agreement"));
  switch (agreement->state)
    {
    case KT_AGREEMENT_AGREED:
      text = on_evaluation ? _("You agree with this evaluation.") : _("You agree with this plan.");
      break;
    case KT_AGREEMENT_PARTLY:
      text = on_evaluation ? _("You agree with part of this evaluation.") : _("You agree with part of this plan.");
      break;
    case KT_AGREEMENT_NOT:
      text = on_evaluation ? _("You do not agree with this evaluation.") : _("You do not agree with this plan.");
      break;
    case KT_AGREEMENT_NONE:
    case KT_N_AGREEMENTS:
    default:
      text = _("We have not asked for your agreement yet.");
      break;
    }
  if (date != NULL && agreement->state != KT_AGREEMENT_NONE)
    add_printf (self, BLOCK_TEXT, _("%s Date: %s, %s."), text, date,
                agreement->form == KT_FORM_WRITTEN ? _("signed") : _("said out loud"));
  else
    add_printf (self, BLOCK_TEXT, "%s", text);
  if (has_text (agreement->remarks))
    add_printf (self, BLOCK_QUOTE, "“%s”", agreement->remarks);
  if (agreement->signature != NULL && agreement->signature->len > 0)
    add_block (self, BLOCK_SIGNATURE, NULL);
}

static void
build_agreement (KtReport *self)
{
  if (self->plan == NULL)
    return;
  add_agreement (self, &self->plan->agreement, FALSE);
}

/* The evaluation's own agreement, right under how things went. */
static void
build_evaluation_agreement (KtReport *self)
{
  if (self->conversation == NULL || !self->conversation->is_evaluation)
    return;
  add_agreement (self, &self->conversation->agreement, TRUE);
}

/* What the resident may do, in plain words; the terms are the law's:
 * Wmo 2015 art. 2.2.4 (cliëntondersteuning) and 2.3.5 (two weeks to decide),
 * Awb art. 6:7 (six weeks to object), AVG art. 12 (an answer within a month). */
static void
build_rights (KtReport *self)
{
  add_printf (self, BLOCK_HEADING, "%s", _("Your rights"));
  if (self->easy)
    {
      add_block (self, BLOCK_BULLET,
                 _("<b>Free help.</b>\nA client supporter (cliëntondersteuner) can help you.\n"
                   "This person is on your side.\nIt costs you nothing.\nAsk your coach."));
      add_block (self, BLOCK_BULLET,
                 _("<b>Do you disagree with a decision?</b>\nThen you can object (bezwaar maken).\n"
                   "Do it within 6 weeks.\nThe letter with the decision says how."));
      add_block (self, BLOCK_BULLET,
                 _("<b>Are you unhappy with us?</b>\nTell your coach.\n"
                   "Or make a complaint to the municipality."));
      add_block (self, BLOCK_BULLET,
                 _("<b>Your information.</b>\nYou may see what we keep about you.\n"
                   "You may ask us to correct it.\nAsk your coach."));
      return;
    }
  add_block (self, BLOCK_BULLET,
             _("<b>Free help from someone independent.</b> A client supporter (cliëntondersteuner) "
               "can help you with your questions and with this plan. They are independent: they "
               "are on your side, and it costs you nothing. Ask your coach or the municipality."));
  add_block (self, BLOCK_BULLET,
             _("<b>Do you disagree with a decision?</b> Then you can object (bezwaar maken). "
               "The letter with the decision says how. Do it in writing within 6 weeks of "
               "the date of the decision."));
  add_block (self, BLOCK_BULLET,
             _("<b>Are you unhappy with how we treat you?</b> Tell your coach first. If that "
               "does not help, you can make a complaint to the municipality."));
  add_block (self, BLOCK_BULLET,
             _("<b>Your information.</b> You may see everything we keep about you, and ask us "
               "to correct or delete it. Ask your coach; you will have an answer within a month."));
}

/* ---- the dossier's own parts --------------------------------------------- */

static const char *
domain_state_label (const KtDomainEntry *entry)
{
  if (entry->state == KT_DOMAIN_DISCUSSED && entry->nothing_to_discuss)
    return _("goes well, nothing to discuss");
  switch (entry->state)
    {
    case KT_DOMAIN_DISCUSSED: return _("discussed");
    case KT_DOMAIN_SKIPPED:   return _("skipped");
    case KT_DOMAIN_NOT_YET:
    case KT_N_DOMAIN_STATES:
    default:                  return _("not discussed yet");
    }
}

/* What the intaker noted for the file when the request came in. */
static void
build_file_request (KtReport *self)
{
  const KtRequest *request = &self->kase->request;

  if (!request->safety_concern && !has_text (request->safety_note) && !has_text (self->kase->desk_note))
    return;
  add_printf (self, BLOCK_HEADING, "%s", _("At the request"));
  if (request->safety_concern)
    add_printf (self, BLOCK_BULLET, "<b>%s</b>", _("⚠ Worry about safety at the request"));
  add_field (self, _("Safety note"), request->safety_note);
  add_field (self, _("Note from the desk"), self->kase->desk_note);
}

/* Every domain with everything written under it, safety flags included. */
/* Each member's own say in a domain, under their name. */
static void
add_voices (KtReport            *self,
            const KtDomainEntry *entry)
{
  if (!kt_domain_entry_is_whole_household (entry))
    {
      g_autoptr(GString) about = g_string_new (NULL);

      for (guint i = 0; entry->about[i] != NULL; i++)
        {
          if (about->len > 0)
            g_string_append (about, ", ");
          g_string_append (about, member_name (self, entry->about[i]));
        }
      add_field (self, _("About"), about->str);
    }
  for (guint i = 0; i < entry->voices->len; i++)
    {
      const KtMemberVoice *voice = g_ptr_array_index (entry->voices, i);
      const char *name = member_name (self, voice->member_id);

      if (has_text (voice->words))
        add_printf (self, BLOCK_TEXT, _("<b>%s in their own words:</b> %s"), name, voice->words);
      if (has_text (voice->wish))
        add_printf (self, BLOCK_TEXT, _("<b>%s wishes:</b> %s"), name, voice->wish);
    }
}

static void
build_domains_in_full (KtReport *self)
{
  gboolean any = FALSE;

  if (self->conversation == NULL)
    return;

  for (guint i = 0; i < self->conversation->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, i);

      if (entry->state == KT_DOMAIN_NOT_YET && !has_text (entry->going_well) &&
          !has_text (entry->concern) && !has_text (entry->wish) && !entry->safety_flag)
        continue;
      /* Not over nothing: an evaluation goes through no domain one by one. */
      if (!any)
        add_printf (self, BLOCK_HEADING, "%s", _("Every life domain, in full"));
      any = TRUE;
      if (entry->safety_flag)
        add_printf (self, BLOCK_SUBHEADING, _("%s · ⚠ safety flag"), domain_name (self, entry->domain_id));
      else
        add_printf (self, BLOCK_SUBHEADING, "%s", domain_name (self, entry->domain_id));
      if (entry->level != KT_LEVEL_NONE)
        add_printf (self, BLOCK_NOTE, _("%s · self-reliance %d of 5"), domain_state_label (entry), entry->level);
      else
        add_printf (self, BLOCK_NOTE, "%s", domain_state_label (entry));
      add_field (self, _("Why skipped"), entry->skip_reason);
      add_field (self, _("What goes well"), entry->going_well);
      add_field (self, _("Concern"), entry->concern);
      add_field (self, _("Wish"), entry->wish);
      add_voices (self, entry);
    }
}

static const char *
member_name (KtReport   *self,
             const char *member_id)
{
  for (guint i = 0; i < self->kase->members->len; i++)
    {
      const KtMember *member = g_ptr_array_index (self->kase->members, i);

      if (g_strcmp0 (member->id, member_id) == 0 && has_text (member->name))
        return member->name;
    }
  return _("a household member");
}

static void
build_safety_checks (KtReport *self)
{
  if (self->conversation == NULL || self->conversation->safety_checks->len == 0)
    return;

  add_printf (self, BLOCK_HEADING, "%s", _("Safety check per household member"));
  for (guint i = 0; i < self->conversation->safety_checks->len; i++)
    {
      const KtSafetyCheck *check = g_ptr_array_index (self->conversation->safety_checks, i);
      const char *state = !check->checked ? _("not checked yet")
                          : check->concern ? _("⚠ worry") : _("no worry");

      if (has_text (check->note))
        add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s. %s", member_name (self, check->member_id),
                    state, check->note);
      else
        add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s.", member_name (self, check->member_id), state);
    }
}

static void
build_safety_plan (KtReport *self)
{
  const KtSafetyPlan *safety;

  if (self->plan == NULL)
    return;
  safety = &self->plan->safety;
  if (!self->plan->safety_required && !has_text (safety->risks) && !has_text (safety->agreements) &&
      !has_text (safety->who_watches) && !safety->veilig_thuis_consulted)
    return;

  add_printf (self, BLOCK_HEADING, "%s", _("Safety plan"));
  add_field (self, _("Risks"), safety->risks);
  add_field (self, _("Agreements"), safety->agreements);
  add_field (self, _("Who keeps watch"), safety->who_watches);
  add_field (self, _("Veilig Thuis consulted"), safety->veilig_thuis_consulted ? _("yes") : _("no"));
}

static void
build_file_notes (KtReport *self)
{
  gboolean any_comment = FALSE;

  if (self->conversation != NULL && has_text (self->conversation->notes))
    {
      add_printf (self, BLOCK_HEADING, "%s", _("Notes for the file"));
      add_printf (self, BLOCK_TEXT, "%s", self->conversation->notes);
    }
  for (guint i = 0; self->plan != NULL && i < self->plan->comments->len; i++)
    {
      const KtReviewComment *comment = g_ptr_array_index (self->plan->comments, i);
      const KtGoal *goal = find_goal (self, comment->goal_id);

      if (!has_text (comment->text))
        continue;
      if (!any_comment)
        add_printf (self, BLOCK_HEADING, "%s", _("Review comments"));
      any_comment = TRUE;
      if (goal != NULL && has_text (goal->title))
        add_printf (self, BLOCK_BULLET, "<b>%s</b> (%s): %s",
                    comment->author != NULL ? comment->author : "", goal->title, comment->text);
      else
        add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s",
                    comment->author != NULL ? comment->author : "", comment->text);
    }
}

/* ---- layout ----------------------------------------------------------- */

static PangoLayout *
block_layout (KtReport    *self,
              const Block *block)
{
  PangoLayout *layout = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT);
  double size = 11.0;
  double indent = 0;

  switch (block->kind)
    {
    case BLOCK_TITLE:      size = 26.0; pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD); break;
    case BLOCK_SUBTITLE:   size = 13.0; break;
    case BLOCK_HEADING:    size = 15.0; pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD); break;
    case BLOCK_SUBHEADING: size = 12.5; pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD); break;
    case BLOCK_QUOTE:      size = 12.5; pango_font_description_set_style (font, PANGO_STYLE_ITALIC); indent = 14; break;
    case BLOCK_BULLET:     indent = 14; break;
    case BLOCK_NOTE:       size = 9.5; break;
    case BLOCK_TEXT:
    case BLOCK_WHEEL:
    case BLOCK_SIGNATURE:
    default:               break;
    }
  /* Easy-read: larger type throughout. */
  if (self->easy)
    size *= 1.3;
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) ((CONTENT_WIDTH - indent) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_line_spacing (layout, 1.25);
  if (block->markup != NULL)
    pango_layout_set_markup (layout, block->markup, -1);
  return layout;
}

static double
block_indent (const Block *block)
{
  return block->kind == BLOCK_BULLET || block->kind == BLOCK_QUOTE ? 14.0 : 0.0;
}

static double
space_before (BlockKind kind)
{
  switch (kind)
    {
    case BLOCK_HEADING:    return 20.0;
    case BLOCK_SUBHEADING: return 12.0;
    case BLOCK_SUBTITLE:   return 4.0;
    case BLOCK_BULLET:     return 3.0;
    case BLOCK_WHEEL:      return 10.0;
    case BLOCK_SIGNATURE:  return 10.0;
    case BLOCK_TITLE:
    case BLOCK_TEXT:
    case BLOCK_QUOTE:
    case BLOCK_NOTE:
    default:               return 6.0;
    }
}

static gboolean
keeps_with_next (BlockKind kind)
{
  return kind == BLOCK_HEADING || kind == BLOCK_SUBHEADING;
}

static void
measure (KtReport *self,
         Block    *block)
{
  g_autoptr(PangoLayout) layout = NULL;
  int h;

  block->space_before = space_before (block->kind);
  if (block->kind == BLOCK_WHEEL)
    {
      block->height = WHEEL_HEIGHT;
      return;
    }
  if (block->kind == BLOCK_SIGNATURE)
    {
      block->height = SIGNATURE_H + 16;
      return;
    }
  layout = block_layout (self, block);
  pango_layout_get_pixel_size (layout, NULL, &h);
  block->height = h;
}

static void
paginate (KtReport *self)
{
  double y = MARGIN;
  guint page = 0;

  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (self->blocks, i);
      double needed;

      measure (self, block);
      needed = block->space_before + block->height;
      /* A heading moves along with what it heads: the headings and notes
       * right under it ("1. Goal", "About: …") and the first block of
       * text, so it never stands alone at a page's foot.  What comes right
       * before a signature moves with it: a signature alone on a page reads
       * as nobody's. */
      if (keeps_with_next (block->kind))
        {
          for (guint j = i + 1; j < self->blocks->len; j++)
            {
              Block *next = g_ptr_array_index (self->blocks, j);

              measure (self, next);
              needed += next->space_before + next->height;
              if (!keeps_with_next (next->kind) && next->kind != BLOCK_NOTE)
                break;
            }
        }
      else if (i + 1 < self->blocks->len &&
               ((Block *) g_ptr_array_index (self->blocks, i + 1))->kind == BLOCK_SIGNATURE)
        {
          Block *next = g_ptr_array_index (self->blocks, i + 1);
          measure (self, next);
          needed += next->space_before + next->height;
        }
      /* A second title (the inzage's professional notes) starts a page. */
      if ((y + needed > CONTENT_BOTTOM || block->kind == BLOCK_TITLE) && y > MARGIN)
        {
          page++;
          y = MARGIN;
        }
      if (y > MARGIN)
        y += block->space_before;
      block->page = page;
      block->y = y;
      y += block->height;
    }
  self->n_pages = page + 1;
}

static void
kt_report_finalize (GObject *object)
{
  KtReport *self = KT_REPORT (object);

  g_clear_object (&self->catalogue);
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->plan, kt_plan_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->initials, g_hash_table_unref);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_object (&self->context);
  g_clear_object (&self->font_map);
  g_free (self->footer);
  g_free (self->copy_for);

  G_OBJECT_CLASS (kt_report_parent_class)->finalize (object);
}

static void
kt_report_class_init (KtReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_report_finalize;
}

static void
kt_report_init (KtReport *self)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  self->blocks = g_ptr_array_new_with_free_func (block_free);
  self->initials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* Our own font map, so a report can be laid out in any thread, and
   * metrics without hinting, so pages measure the same on screen and paper. */
  self->font_map = pango_cairo_font_map_new ();
  pango_cairo_font_map_set_resolution (PANGO_CAIRO_FONT_MAP (self->font_map), 72.0);
  self->context = pango_font_map_create_context (self->font_map);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self->context, options);
  cairo_font_options_destroy (options);
}

static KtReport *
report_new (KtReportKind          kind,
            KtCatalogue          *catalogue,
            const KtCase         *kase,
            const KtConversation *conversation,
            const KtPlan         *plan,
            const char           *copy_for)
{
  KtReport *self;
  g_autofree char *today = kt_date_today ();
  g_autofree char *today_text = kt_format_date (today, KT_DATE_PAPER);

  self = g_object_new (KT_TYPE_REPORT, NULL);
  self->kind = kind;
  self->copy_for = g_strdup (copy_for);
  self->catalogue = g_object_ref (catalogue);
  if (kind == KT_REPORT_RESIDENT)
    {
      /* Safe by construction: the resident's report never sees the originals. */
      self->kase = kt_take_home_case (kase);
      self->conversation = conversation != NULL ? kt_take_home_conversation (kase, conversation) : NULL;
      self->plan = plan != NULL ? kt_take_home_plan (kase, conversation, plan) : NULL;
    }
  else
    {
      self->kase = kt_case_copy (kase);
      self->conversation = conversation != NULL ? kt_conversation_copy (conversation) : NULL;
      self->plan = plan != NULL ? kt_plan_copy (plan) : NULL;
    }
  self->easy = kind == KT_REPORT_RESIDENT && self->kase->easy_read;
  self->footer = g_strdup_printf (_("%s · made on %s"),
                                  self->kase->household != NULL ? self->kase->household : "",
                                  today_text);

  build_front (self);
  if (kind == KT_REPORT_RESIDENT)
    {
      build_going_well (self);
      build_voices (self);
      build_movement (self);
      build_evaluation_agreement (self);
      build_wheel (self);
      build_goals (self);
      build_provisions (self);
      build_topics (self);
      build_contacts (self);
      build_consents (self);
      build_agreement (self);
      build_rights (self);
    }
  else
    {
      build_file_request (self);
      build_domains_in_full (self);
      build_safety_checks (self);
      build_safety_plan (self);
      build_movement (self);
      build_evaluation_agreement (self);
      build_wheel (self);
      build_goals (self);
      build_provisions (self);
      build_contacts (self);
      build_consents (self);
      build_file_notes (self);
      build_agreement (self);
    }
  paginate (self);
  return self;
}

KtReport *
kt_report_new (KtCatalogue          *catalogue,
               const KtCase         *kase,
               const KtConversation *conversation,
               const KtPlan         *plan)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (catalogue), NULL);
  g_return_val_if_fail (kase != NULL, NULL);

  return report_new (KT_REPORT_RESIDENT, catalogue, kase, conversation, plan, NULL);
}

KtReport *
kt_report_new_dossier (KtCatalogue          *catalogue,
                       const KtCase         *kase,
                       const KtConversation *conversation,
                       const KtPlan         *plan)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (catalogue), NULL);
  g_return_val_if_fail (kase != NULL, NULL);

  return report_new (KT_REPORT_DOSSIER, catalogue, kase, conversation, plan, NULL);
}

KtReport *
kt_report_new_copy_for (KtCatalogue          *catalogue,
                        const KtCase         *kase,
                        const KtConversation *conversation,
                        const KtPlan         *plan,
                        const char           *consent_id)
{
  g_return_val_if_fail (KT_IS_CATALOGUE (catalogue), NULL);
  g_return_val_if_fail (kase != NULL, NULL);

  for (guint i = 0; consent_id != NULL && i < kase->consents->len; i++)
    {
      const KtConsent *consent = g_ptr_array_index (kase->consents, i);

      /* Only under a consent the app may offer: given and still in force. */
      if (g_strcmp0 (consent->id, consent_id) == 0 && consent->status == KT_CONSENT_GIVEN &&
          !consent->share_without_consent && has_text (consent->party))
        return report_new (KT_REPORT_RESIDENT, catalogue, kase, conversation, plan, consent->party);
    }
  return NULL;
}

/* ---- inzage: everything held, for the resident who asks ------------------ */

static void
build_inzage_household (KtReport *self)
{
  const KtCase *kase = self->kase;
  const KtRequest *request = &kase->request;
  g_autofree char *date = kt_format_date (request->date, KT_DATE_PAPER);

  add_printf (self, BLOCK_HEADING, "%s", _("Your household and your request"));
  for (guint i = 0; i < kase->members->len; i++)
    {
      const KtMember *member = g_ptr_array_index (kase->members, i);

      /* No "()" where no relation was written down. */
      if (member->birth_year > 0 && has_text (member->relation))
        add_printf (self, BLOCK_BULLET, _("<b>%s</b> (%s), born in %d"), member->name ? member->name : "",
                    member->relation, member->birth_year);
      else if (member->birth_year > 0)
        add_printf (self, BLOCK_BULLET, _("<b>%s</b>, born in %d"), member->name ? member->name : "",
                    member->birth_year);
      else if (has_text (member->relation))
        add_printf (self, BLOCK_BULLET, _("<b>%s</b> (%s)"), member->name ? member->name : "", member->relation);
      else
        add_printf (self, BLOCK_BULLET, "<b>%s</b>", member->name ? member->name : "");
    }
  add_field (self, _("Address"), kase->address);
  add_field (self, _("Phone"), kase->phone);
  add_field (self, _("E-mail"), kase->email);
  add_field (self, _("Request came in"), date);
  add_field (self, _("How"), kt_channel_get_label (request->channel));
  add_field (self, _("Your question"), request->question);
  add_field (self, _("What you tried yourself"), request->own_strength);
  add_field (self, _("Phase"), kt_phase_get_label (kase->phase));
  if (kase->network->len > 0)
    {
      add_printf (self, BLOCK_SUBHEADING, "%s", _("The people around you"));
      for (guint i = 0; i < kase->network->len; i++)
        {
          const KtNetworkPerson *person = g_ptr_array_index (kase->network, i);

          add_printf (self, BLOCK_BULLET, "<b>%s</b> · %s%s%s", person->name ? person->name : "",
                      kt_network_kind_get_label (person->kind),
                      has_text (person->relation) ? " · " : "", has_text (person->relation) ? person->relation : "");
        }
    }
}

static void
build_inzage_conversation (KtReport             *self,
                           const KtConversation *conversation)
{
  g_autofree char *date = kt_format_date (conversation->date, KT_DATE_PAPER);

  self->conversation = kt_conversation_copy (conversation);
  add_printf (self, BLOCK_HEADING, conversation->is_evaluation ? _("Evaluation of %s") : _("Conversation of %s"),
              date != NULL ? date : "");
  if (has_text (conversation->own_words))
    add_printf (self, BLOCK_QUOTE, "“%s”", conversation->own_words);
  for (guint i = 0; i < conversation->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (conversation->entries, i);

      if (entry->state == KT_DOMAIN_NOT_YET && !has_text (entry->going_well) &&
          !has_text (entry->concern) && !has_text (entry->wish))
        continue;
      /* Safety is for the coach to review first: in the professional notes. */
      if (entry->safety_flag || g_strcmp0 (entry->domain_id, "veiligheid") == 0)
        continue;
      add_printf (self, BLOCK_SUBHEADING, "%s", domain_name (self, entry->domain_id));
      if (entry->level != KT_LEVEL_NONE)
        add_printf (self, BLOCK_NOTE, _("%s · self-reliance %d of 5"), domain_state_label (entry), entry->level);
      else
        add_printf (self, BLOCK_NOTE, "%s", domain_state_label (entry));
      add_field (self, _("Why skipped"), entry->skip_reason);
      add_field (self, _("What goes well"), entry->going_well);
      add_field (self, _("Concern"), entry->concern);
      add_field (self, _("Wish"), entry->wish);
      add_voices (self, entry);
    }
  add_printf (self, BLOCK_SUBHEADING, "%s", _("The participation wheel"));
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      g_autofree char *sentence = NULL;

      if (level_words (conversation->wheel[s].current) == NULL && level_words (conversation->wheel[s].target) == NULL)
        continue;
      sentence = level_sentence (&conversation->wheel[s]);
      add_printf (self, BLOCK_BULLET, "<b>%s</b>: %s", kt_catalogue_segment_name (self->catalogue, s), sentence);
    }
  g_clear_pointer (&self->conversation, kt_conversation_unref);
}

static void
build_inzage_plan (KtReport     *self,
                   const KtPlan *plan)
{
  g_autofree char *agreed = kt_format_date (plan->agreement.date, KT_DATE_PAPER);

  self->plan = kt_plan_copy (plan);
  add_printf (self, BLOCK_HEADING, _("Plan, version %d"), plan->version);
  if (plan->review == KT_REVIEW_SUBMITTED || plan->review == KT_REVIEW_RETURNED)
    add_printf (self, BLOCK_NOTE, "%s · %s", plan_status_label (plan), kt_review_state_get_label (plan->review));
  else
    add_printf (self, BLOCK_NOTE, "%s", plan_status_label (plan));
  if (has_text (plan->question))
    add_printf (self, BLOCK_QUOTE, "“%s”", plan->question);
  build_goals (self);
  build_provisions (self);
  if (plan->agreement.state != KT_AGREEMENT_NONE)
    add_printf (self, BLOCK_TEXT, _("Your agreement: %s, %s."), kt_agreement_state_get_label (plan->agreement.state),
                agreed != NULL ? agreed : _("no date"));
  if (has_text (plan->agreement.remarks))
    add_printf (self, BLOCK_QUOTE, "“%s”", plan->agreement.remarks);
  g_clear_pointer (&self->plan, kt_plan_unref);
}

/* The name colleagues know @account by, as the app gave it; the account
 * itself when the app knew none. */
static const char *
person_name (KtReport   *self,
             const char *account)
{
  const char *name = self->names != NULL && account != NULL ? g_hash_table_lookup (self->names, account) : NULL;

  return name != NULL && *name != '\0' ? name : account;
}

static void
build_consent_history (KtReport *self)
{
  if (self->kase->consents->len == 0)
    return;
  add_printf (self, BLOCK_HEADING, "%s", _("Your consents, with their history"));
  for (guint i = 0; i < self->kase->consents->len; i++)
    {
      const KtConsent *consent = g_ptr_array_index (self->kase->consents, i);

      /* A share without consent (a Veilig Thuis report, say) is for the
       * coach to review first: it is in the professional notes. */
      if (consent->share_without_consent)
        continue;

      add_printf (self, BLOCK_SUBHEADING, _("%s with %s: now %s"), consent->purpose ? consent->purpose : "",
                  consent->party ? consent->party : "", consent_text (consent));
      for (guint j = 0; j < consent->events->len; j++)
        {
          const KtConsentEvent *event = g_ptr_array_index (consent->events, j);
          g_autofree char *date = kt_format_date (event->date, KT_DATE_PAPER);
          /* Who wrote it down, as the resident knows them: "Anna de Boer",
           * not "coach1". */
          const char *who = person_name (self, event->recorded_by);

          add_printf (self, BLOCK_BULLET, "%s · %s · %s%s%s", kt_consent_event_get_label (event->kind),
                      date != NULL ? date : _("no date"), kt_form_get_label (event->form),
                      who != NULL ? " · " : "", who != NULL ? who : "");
        }
    }
}

/* The professional notes: the coach reads them before the report is handed
 * over, since they may name others or hold safety information (AVG art. 15
 * lid 4, art. 23); the section says so. */
static void
build_professional_notes (KtReport  *self,
                          GPtrArray *conversations,
                          GPtrArray *plans)
{
  add_printf (self, BLOCK_TITLE, "%s", _("Professional notes"));
  self->notes_title = g_ptr_array_index (self->blocks, self->blocks->len - 1);
  add_printf (self, BLOCK_NOTE, "%s",
              _("For the coach: read this section before handing it over. Leave out only what would "
                "harm someone else's safety or privacy, and tell the resident that something was "
                "left out and why."));
  build_file_request (self);
  for (guint i = 0; i < self->kase->consents->len; i++)
    {
      const KtConsent *consent = g_ptr_array_index (self->kase->consents, i);

      if (consent->share_without_consent)
        add_printf (self, BLOCK_BULLET, _("Shared with %s without consent, because: %s"),
                    consent->party ? consent->party : "", consent->reasoning ? consent->reasoning : "");
    }
  for (guint i = 0; conversations != NULL && i < conversations->len; i++)
    {
      self->conversation = kt_conversation_copy (g_ptr_array_index (conversations, i));
      for (guint j = 0; j < self->conversation->entries->len; j++)
        {
          const KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, j);

          if (!entry->safety_flag && g_strcmp0 (entry->domain_id, "veiligheid") != 0)
            continue;
          if (entry->state == KT_DOMAIN_NOT_YET && !has_text (entry->going_well) &&
              !has_text (entry->concern) && !has_text (entry->wish))
            continue;
          add_printf (self, BLOCK_SUBHEADING, entry->safety_flag ? _("%s · ⚠ safety flag") : "%s",
                      domain_name (self, entry->domain_id));
          add_field (self, _("What goes well"), entry->going_well);
          add_field (self, _("Concern"), entry->concern);
          add_field (self, _("Wish"), entry->wish);
      add_voices (self, entry);
        }
      build_safety_checks (self);
      if (has_text (self->conversation->notes))
        {
          add_printf (self, BLOCK_HEADING, "%s", _("Notes for the file"));
          add_printf (self, BLOCK_TEXT, "%s", self->conversation->notes);
        }
      g_clear_pointer (&self->conversation, kt_conversation_unref);
    }
  for (guint i = 0; plans != NULL && i < plans->len; i++)
    {
      self->plan = kt_plan_copy (g_ptr_array_index (plans, i));
      build_safety_plan (self);
      build_file_notes (self);
      g_clear_pointer (&self->plan, kt_plan_unref);
    }
}

KtReport *
kt_report_new_inzage (KtCatalogue  *catalogue,
                      const KtCase *kase,
                      GPtrArray    *conversations,
                      GPtrArray    *plans,
                      GHashTable   *names)
{
  KtReport *self;
  g_autofree char *today = kt_date_today ();
  g_autofree char *today_text = kt_format_date (today, KT_DATE_PAPER);

  g_return_val_if_fail (KT_IS_CATALOGUE (catalogue), NULL);
  g_return_val_if_fail (kase != NULL, NULL);

  self = g_object_new (KT_TYPE_REPORT, NULL);
  self->kind = KT_REPORT_INZAGE;
  self->names = names != NULL ? g_hash_table_ref (names) : NULL;
  self->catalogue = g_object_ref (catalogue);
  self->kase = kt_case_copy (kase);
  self->footer = g_strdup_printf (_("%s · everything we keep about you · made on %s"),
                                  self->kase->household != NULL ? self->kase->household : "", today_text);

  add_printf (self, BLOCK_TITLE, "%s", _("Everything we keep about you"));
  add_printf (self, BLOCK_SUBTITLE, "%s", self->kase->household != NULL ? self->kase->household : "");
  add_printf (self, BLOCK_TEXT, "%s",
              _("You asked to see what we keep about you. This is all of it: your request, our "
                "conversations, every version of your plan and your consents. Is something wrong? "
                "Tell your coach: we will correct it. You also get it as a computer file (JSON) that "
                "you may take to someone else."));
  build_inzage_household (self);
  for (guint i = 0; conversations != NULL && i < conversations->len; i++)
    build_inzage_conversation (self, g_ptr_array_index (conversations, i));
  for (guint i = 0; plans != NULL && i < plans->len; i++)
    build_inzage_plan (self, g_ptr_array_index (plans, i));
  build_consent_history (self);
  build_professional_notes (self, conversations, plans);
  paginate (self);
  return self;
}

KtReportKind
kt_report_get_kind (KtReport *self)
{
  g_return_val_if_fail (KT_IS_REPORT (self), KT_REPORT_RESIDENT);
  return self->kind;
}

guint
kt_report_get_n_pages (KtReport *self)
{
  g_return_val_if_fail (KT_IS_REPORT (self), 0);
  return self->n_pages;
}

/* ---- drawing ---------------------------------------------------------- */

static void
draw_wheel (KtReport *self,
            cairo_t  *cr,
            double    y)
{
  KtWheelGeometry geo;
  KtWheelPalette palette;
  KtWheelScene scene = { 0 };
  char *details[KT_N_SEGMENTS] = { NULL };

  kt_wheel_palette_init (&palette, FALSE);
  palette.foreground = (KtColor) { 0.1, 0.1, 0.1, 1.0 };
  kt_wheel_geometry_init (&geo, MARGIN, y, CONTENT_WIDTH, WHEEL_HEIGHT);
  scene.segments = self->conversation->wheel;
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      scene.names[s] = kt_catalogue_segment_name (self->catalogue, s);
      /* The level now, in words; the list under the wheel says the rest. */
      scene.details[s] = details[s] = g_strdup (level_words (self->conversation->wheel[s].current));
    }
  scene.centre_label = C_("wheel centre", "Me");
  scene.chip_label = chip_label;
  scene.chip_label_data = self;
  scene.selected = -1;
  scene.font_family = FONT;
  kt_wheel_render (cr, &geo, &scene, &palette);
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    g_free (details[s]);
}

static void
draw_signature (KtReport *self,
                cairo_t  *cr,
                double    y)
{
  GPtrArray *strokes = self->plan->agreement.signature;
  double x = MARGIN + 14;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.2);
  cairo_set_line_width (cr, 1.4);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < strokes->len; i++)
    {
      const KtStroke *stroke = g_ptr_array_index (strokes, i);

      for (guint p = 0; p + 1 < stroke->points->len; p += 2)
        {
          double px = x + g_array_index (stroke->points, double, p) * SIGNATURE_W;
          double py = y + g_array_index (stroke->points, double, p + 1) * SIGNATURE_H;

          if (p == 0)
            cairo_move_to (cr, px, py);
          else
            cairo_line_to (cr, px, py);
        }
      cairo_stroke (cr);
    }
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (cr, 0.6);
  cairo_move_to (cr, x, y + SIGNATURE_H + 4);
  cairo_line_to (cr, x + SIGNATURE_W, y + SIGNATURE_H + 4);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
show_layout (KtReport    *self,
             cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_update_layout (cr, layout);
  pango_cairo_show_layout (cr, layout);
}

/* The PDF structure element of a block, so a screen reader reads headings,
 * paragraphs, lists and figures in order (cairo 1.16 structure tags; other
 * surfaces ignore them). */
static const char *
block_tag (BlockKind kind)
{
  switch (kind)
    {
    case BLOCK_TITLE:      return "H1";
    case BLOCK_HEADING:    return "H2";
    case BLOCK_SUBHEADING: return "H3";
    case BLOCK_BULLET:     return "LI";
    case BLOCK_WHEEL:
    case BLOCK_SIGNATURE:  return "Figure";
    case BLOCK_SUBTITLE:
    case BLOCK_TEXT:
    case BLOCK_QUOTE:
    case BLOCK_NOTE:
    default:               return "P";
    }
}

/* Opens or closes the list (L) around a run of bullets on this page. */
static void
tag_list (cairo_t   *cr,
          gboolean  *in_list,
          gboolean   bullet)
{
  if (bullet && !*in_list)
    cairo_tag_begin (cr, "L", NULL);
  else if (!bullet && *in_list)
    cairo_tag_end (cr, "L");
  *in_list = bullet;
}

void
kt_report_draw_page (KtReport *self,
                     cairo_t  *cr,
                     guint     page)
{
  gboolean in_list = FALSE;
  g_autofree char *footer = NULL;
  g_autoptr(PangoLayout) footer_layout = NULL;
  Block footer_block = { BLOCK_NOTE, NULL, 0, 0, 0, 0 };

  g_return_if_fail (KT_IS_REPORT (self));
  g_return_if_fail (page < self->n_pages);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, KT_REPORT_PAGE_WIDTH, KT_REPORT_PAGE_HEIGHT);
  cairo_fill (cr);

  /* First on every page of the dossier report, and of the inzage's
   * professional notes, for eyes and screen readers. */
  if (self->kind == KT_REPORT_DOSSIER || (self->notes_title != NULL && page >= self->notes_title->page))
    {
      Block header_block = { BLOCK_SUBHEADING, NULL, 0, 0, 0, 0 };
      g_autoptr(PangoLayout) header_layout = NULL;
      g_autofree char *header = g_markup_printf_escaped ("%s", self->kind == KT_REPORT_DOSSIER
                                                                ? _("Dossier — do not hand over")
                                                                : _("Professional notes — the coach reads these before handing over"));

      header_block.markup = header;
      header_layout = block_layout (self, &header_block);
      cairo_set_source_rgb (cr, 0.70, 0.10, 0.10);
      cairo_tag_begin (cr, "P", NULL);
      show_layout (self, cr, header_layout, MARGIN, MARGIN - 34);
      cairo_tag_end (cr, "P");
    }

  for (guint i = 0; i < self->blocks->len; i++)
    {
      const Block *block = g_ptr_array_index (self->blocks, i);
      g_autoptr(PangoLayout) layout = NULL;

      if (block->page != page)
        continue;

      tag_list (cr, &in_list, block->kind == BLOCK_BULLET);
      /* cairo 1.16 writes the Figure element but drops its Alt attribute;
       * the list of areas right under the wheel says the same in words. */
      cairo_tag_begin (cr, block_tag (block->kind), NULL);
      if (block->kind == BLOCK_WHEEL)
        {
          draw_wheel (self, cr, block->y);
          cairo_tag_end (cr, block_tag (block->kind));
          continue;
        }
      if (block->kind == BLOCK_SIGNATURE)
        {
          draw_signature (self, cr, block->y);
          cairo_tag_end (cr, block_tag (block->kind));
          continue;
        }

      layout = block_layout (self, block);
      switch (block->kind)
        {
        case BLOCK_HEADING:
          cairo_set_source_rgb (cr, 0.10, 0.37, 0.71);
          break;
        case BLOCK_NOTE:
        case BLOCK_SUBTITLE:
          cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
          break;
        case BLOCK_QUOTE:
          cairo_set_source_rgb (cr, 0.85, 0.88, 0.93);
          cairo_new_path (cr);
          cairo_rectangle (cr, MARGIN, block->y, 3, block->height);
          cairo_fill (cr);
          cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
          break;
        case BLOCK_BULLET:
          cairo_set_source_rgb (cr, 0.10, 0.37, 0.71);
          cairo_new_path (cr);
          cairo_arc (cr, MARGIN + 4, block->y + (self->easy ? 11.0 : 8.5), 2.2, 0, 2 * G_PI);
          cairo_fill (cr);
          cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
          break;
        case BLOCK_TITLE:
        case BLOCK_SUBHEADING:
        case BLOCK_TEXT:
        case BLOCK_WHEEL:
        case BLOCK_SIGNATURE:
        default:
          cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
          break;
        }
      show_layout (self, cr, layout, MARGIN + block_indent (block), block->y);
      cairo_tag_end (cr, block_tag (block->kind));
    }
  tag_list (cr, &in_list, FALSE);

  /* TRANSLATORS: the footer of every page: "Familie Jansen · made on 25 November 2026 · page 1 of 3" */
  footer = g_markup_printf_escaped (_("%s · page %u of %u"), self->footer, page + 1, self->n_pages);
  footer_block.markup = footer;
  footer_layout = block_layout (self, &footer_block);
  cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
  show_layout (self, cr, footer_layout, MARGIN, KT_REPORT_PAGE_HEIGHT - MARGIN);
  cairo_restore (cr);
}

gboolean
kt_report_write_pdf (KtReport   *self,
                     const char *path,
                     GError    **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (KT_IS_REPORT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  surface = cairo_pdf_surface_create (path, KT_REPORT_PAGE_WIDTH, KT_REPORT_PAGE_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  self->kind == KT_REPORT_DOSSIER ? _("Dossier report") : _("Your support plan"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Keukentafel");
  cr = cairo_create (surface);
  /* One Document element around every page: cairo 1.16 marks the PDF as
   * tagged (/MarkInfo, pdfinfo's "Tagged: yes") only when the structure
   * elements hang under such a root, not when they sit at the top level.
   * It spans the pages here, where they are drawn in order; a print job of
   * some pages only gets the elements without the root. */
  cairo_tag_begin (cr, "Document", NULL);
  for (guint page = 0; page < self->n_pages; page++)
    {
      kt_report_draw_page (self, cr, page);
      if (page + 1 == self->n_pages)
        cairo_tag_end (cr, "Document");
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, KT_REPORT_ERROR, KT_REPORT_ERROR_WRITE,
                   _("The report could not be saved. Check that there is room on the disk "
                     "and that you may write in this folder."));
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  KtReportKind    kind;
  KtCatalogue    *catalogue;
  KtCase         *kase;
  KtConversation *conversation;
  KtPlan         *plan;
  char           *copy_for;
  char           *path;
} WriteData;

static void
write_data_free (gpointer data)
{
  WriteData *wd = data;

  g_clear_object (&wd->catalogue);
  g_clear_pointer (&wd->kase, kt_case_unref);
  g_clear_pointer (&wd->conversation, kt_conversation_unref);
  g_clear_pointer (&wd->plan, kt_plan_unref);
  g_free (wd->path);
  g_free (wd->copy_for);
  g_free (wd);
}

static void
write_pdf_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  WriteData *wd = task_data;
  g_autoptr(KtReport) report = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  /* A report of its own in this thread: fonts and layouts stay per thread. */
  report = report_new (wd->kind, wd->catalogue, wd->kase, wd->conversation, wd->plan, wd->copy_for);
  if (!kt_report_write_pdf (report, wd->path, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
kt_report_write_pdf_async (KtReport            *self,
                           GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteData *wd;

  g_return_if_fail (KT_IS_REPORT (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kt_report_write_pdf_async);
  wd = g_new0 (WriteData, 1);
  wd->kind = self->kind;
  wd->catalogue = g_object_ref (self->catalogue);
  wd->kase = kt_case_copy (self->kase);
  wd->conversation = self->conversation != NULL ? kt_conversation_copy (self->conversation) : NULL;
  wd->plan = self->plan != NULL ? kt_plan_copy (self->plan) : NULL;
  wd->copy_for = g_strdup (self->copy_for);
  wd->path = g_file_get_path (file);
  g_task_set_task_data (task, wd, write_data_free);

  if (wd->path == NULL)
    {
      g_task_return_new_error (task, KT_REPORT_ERROR, KT_REPORT_ERROR_WRITE,
                               _("The report can only be saved in a folder on this computer."));
      return;
    }
  g_task_run_in_thread (task, write_pdf_thread);
}

gboolean
kt_report_write_pdf_finish (KtReport      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
