/* kt-conversation.c: KtConversation, the keukentafelgesprek and its wheel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-conversation"

#include "config.h"

#include "kt-conversation.h"

#include <glib/gi18n-lib.h>

#include "kt-model-private.h"

G_DEFINE_BOXED_TYPE (KtConversation, kt_conversation, kt_conversation_ref, kt_conversation_unref)

/* Entries, checks, supporters, progress */

KtDomainEntry *
kt_domain_entry_new (const char *domain_id)
{
  KtDomainEntry *entry = g_new0 (KtDomainEntry, 1);

  entry->domain_id = g_strdup (domain_id);
  entry->state = KT_DOMAIN_NOT_YET;
  entry->level = KT_LEVEL_NONE;
  entry->voices = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_member_voice_free);
  return entry;
}

void
kt_domain_entry_free (KtDomainEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->domain_id);
  g_free (entry->skip_reason);
  g_free (entry->going_well);
  g_free (entry->concern);
  g_free (entry->wish);
  g_strfreev (entry->about);
  g_clear_pointer (&entry->voices, g_ptr_array_unref);
  g_free (entry);
}

KtMemberVoice *
kt_member_voice_new (const char *member_id)
{
  KtMemberVoice *voice = g_new0 (KtMemberVoice, 1);

  voice->member_id = g_strdup (member_id);
  return voice;
}

void
kt_member_voice_free (KtMemberVoice *voice)
{
  if (voice == NULL)
    return;
  g_free (voice->member_id);
  g_free (voice->words);
  g_free (voice->wish);
  g_free (voice);
}

static gpointer
member_voice_copy (gconstpointer src,
                   gpointer      unused)
{
  const KtMemberVoice *v = src;
  KtMemberVoice *copy = kt_member_voice_new (v->member_id);

  copy->words = g_strdup (v->words);
  copy->wish = g_strdup (v->wish);
  return copy;
}

static gpointer
domain_entry_copy (gconstpointer src,
                   gpointer      unused)
{
  const KtDomainEntry *e = src;
  KtDomainEntry *copy = g_memdup2 (e, sizeof *e);

  copy->domain_id = g_strdup (e->domain_id);
  copy->skip_reason = g_strdup (e->skip_reason);
  copy->going_well = g_strdup (e->going_well);
  copy->concern = g_strdup (e->concern);
  copy->wish = g_strdup (e->wish);
  copy->about = g_strdupv (e->about);
  copy->voices = g_ptr_array_copy (e->voices, member_voice_copy, NULL);
  g_ptr_array_set_free_func (copy->voices, (GDestroyNotify) kt_member_voice_free);
  return copy;
}

KtMemberVoice *
kt_domain_entry_find_voice (const KtDomainEntry *entry,
                            const char          *member_id)
{
  g_return_val_if_fail (entry != NULL, NULL);

  for (guint i = 0; member_id != NULL && i < entry->voices->len; i++)
    {
      KtMemberVoice *voice = g_ptr_array_index (entry->voices, i);

      if (g_strcmp0 (voice->member_id, member_id) == 0)
        return voice;
    }
  return NULL;
}

KtMemberVoice *
kt_domain_entry_ensure_voice (KtDomainEntry *entry,
                              const char    *member_id)
{
  KtMemberVoice *voice;

  g_return_val_if_fail (entry != NULL, NULL);
  g_return_val_if_fail (member_id != NULL, NULL);

  voice = kt_domain_entry_find_voice (entry, member_id);
  if (voice == NULL)
    {
      voice = kt_member_voice_new (member_id);
      g_ptr_array_add (entry->voices, voice);
    }
  return voice;
}

gboolean
kt_domain_entry_is_whole_household (const KtDomainEntry *entry)
{
  g_return_val_if_fail (entry != NULL, TRUE);

  return entry->about == NULL || entry->about[0] == NULL;
}

gboolean
kt_domain_entry_is_about (const KtDomainEntry *entry,
                          const char          *member_id)
{
  g_return_val_if_fail (entry != NULL, FALSE);

  return member_id != NULL && entry->about != NULL &&
         g_strv_contains ((const char * const *) entry->about, member_id);
}

void
kt_domain_entry_set_about (KtDomainEntry *entry,
                           const char    *member_id,
                           gboolean       about)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_if_fail (entry != NULL);
  g_return_if_fail (member_id != NULL);

  if (kt_domain_entry_is_about (entry, member_id) == (about != FALSE))
    return;
  for (guint i = 0; entry->about != NULL && entry->about[i] != NULL; i++)
    {
      if (g_strcmp0 (entry->about[i], member_id) != 0)
        g_strv_builder_add (builder, entry->about[i]);
    }
  if (about)
    g_strv_builder_add (builder, member_id);
  g_strfreev (entry->about);
  entry->about = g_strv_builder_end (builder);
}

KtSafetyCheck *
kt_safety_check_new (const char *member_id)
{
  KtSafetyCheck *check = g_new0 (KtSafetyCheck, 1);

  check->member_id = g_strdup (member_id);
  return check;
}

void
kt_safety_check_free (KtSafetyCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->member_id);
  g_free (check->note);
  g_free (check);
}

static gpointer
safety_check_copy (gconstpointer src,
                   gpointer      unused)
{
  const KtSafetyCheck *c = src;
  KtSafetyCheck *copy = g_memdup2 (c, sizeof *c);

  copy->member_id = g_strdup (c->member_id);
  copy->note = g_strdup (c->note);
  return copy;
}

KtSupporter *
kt_supporter_new (const char *person_id,
                  KtRing      ring)
{
  KtSupporter *supporter = g_new0 (KtSupporter, 1);

  supporter->person_id = g_strdup (person_id);
  supporter->ring = ring;
  return supporter;
}

void
kt_supporter_free (KtSupporter *supporter)
{
  if (supporter == NULL)
    return;
  g_free (supporter->person_id);
  g_free (supporter);
}

static gpointer
supporter_copy (gconstpointer src,
                gpointer      unused)
{
  const KtSupporter *s = src;

  return kt_supporter_new (s->person_id, s->ring);
}

KtGoalProgress *
kt_goal_progress_new (const char *goal_id)
{
  KtGoalProgress *progress = g_new0 (KtGoalProgress, 1);

  progress->goal_id = g_strdup (goal_id);
  return progress;
}

void
kt_goal_progress_free (KtGoalProgress *progress)
{
  if (progress == NULL)
    return;
  g_free (progress->goal_id);
  g_free (progress->note);
  g_free (progress);
}

static gpointer
goal_progress_copy (gconstpointer src,
                    gpointer      unused)
{
  const KtGoalProgress *p = src;
  KtGoalProgress *copy = kt_goal_progress_new (p->goal_id);

  copy->status = p->status;
  copy->note = g_strdup (p->note);
  return copy;
}

/* The conversation */

KtNewQuestion *
kt_new_question_new (const char *domain_id)
{
  KtNewQuestion *question = g_new0 (KtNewQuestion, 1);

  question->domain_id = g_strdup (domain_id);
  question->as_goal = TRUE;
  return question;
}

void
kt_new_question_free (KtNewQuestion *question)
{
  if (question == NULL)
    return;
  g_free (question->domain_id);
  g_free (question->note);
  g_free (question);
}

static gpointer
new_question_copy (gconstpointer src,
                   gpointer      unused)
{
  const KtNewQuestion *q = src;
  KtNewQuestion *copy = kt_new_question_new (q->domain_id);

  copy->note = g_strdup (q->note);
  copy->as_goal = q->as_goal;
  return copy;
}

KtNewQuestion *
kt_conversation_find_new_question (const KtConversation *self,
                                   const char           *domain_id)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; self->new_questions != NULL && i < self->new_questions->len; i++)
    {
      KtNewQuestion *question = g_ptr_array_index (self->new_questions, i);

      if (g_strcmp0 (question->domain_id, domain_id) == 0)
        return question;
    }
  return NULL;
}

static KtConversation *
conversation_alloc (void)
{
  KtConversation *self = g_atomic_rc_box_new0 (KtConversation);

  self->header.kind = KT_KIND_CONVERSATION;
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_domain_entry_free);
  self->safety_checks = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_safety_check_free);
  self->progress = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_goal_progress_free);
  self->new_questions = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_new_question_free);
  kt_agreement_init (&self->agreement);
  for (guint i = 0; i < KT_N_SEGMENTS; i++)
    {
      self->wheel[i].current = KT_WHEEL_UNSET;
      self->wheel[i].target = KT_WHEEL_UNSET;
      self->wheel[i].previous = KT_WHEEL_UNSET;
      self->wheel[i].supporters = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_supporter_free);
    }
  return self;
}

KtConversation *
kt_conversation_new (void)
{
  KtConversation *self = conversation_alloc ();

  self->header.id = kt_uuid_new ();
  self->header.created = self->header.updated = kt_now_seconds ();
  self->present = KT_PRESENT_RESIDENT;
  return self;
}

static void
conversation_clear (KtConversation *self)
{
  g_free (self->header.id);
  g_free (self->case_id);
  g_free (self->date);
  g_free (self->catalogue_id);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->safety_checks, g_ptr_array_unref);
  for (guint i = 0; i < KT_N_SEGMENTS; i++)
    g_clear_pointer (&self->wheel[i].supporters, g_ptr_array_unref);
  g_free (self->own_words);
  g_free (self->notes);
  g_clear_pointer (&self->progress, g_ptr_array_unref);
  g_clear_pointer (&self->new_questions, g_ptr_array_unref);
  kt_agreement_clear (&self->agreement);
}

KtConversation *
kt_conversation_ref (KtConversation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
kt_conversation_unref (KtConversation *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) conversation_clear);
}

KtConversation *
kt_conversation_copy (const KtConversation *self)
{
  KtConversation *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = conversation_alloc ();
  copy->header = self->header;
  copy->header.id = g_strdup (self->header.id);
  copy->case_id = g_strdup (self->case_id);
  copy->date = g_strdup (self->date);
  copy->present = self->present;
  copy->catalogue_id = g_strdup (self->catalogue_id);
  copy->catalogue_version = self->catalogue_version;
  g_ptr_array_extend (copy->entries, self->entries, domain_entry_copy, NULL);
  g_ptr_array_extend (copy->safety_checks, self->safety_checks, safety_check_copy, NULL);
  for (guint i = 0; i < KT_N_SEGMENTS; i++)
    {
      copy->wheel[i].current = self->wheel[i].current;
      copy->wheel[i].target = self->wheel[i].target;
      copy->wheel[i].previous = self->wheel[i].previous;
      g_ptr_array_extend (copy->wheel[i].supporters, self->wheel[i].supporters, supporter_copy, NULL);
    }
  copy->own_words = g_strdup (self->own_words);
  copy->notes = g_strdup (self->notes);
  copy->complete = self->complete;
  copy->is_evaluation = self->is_evaluation;
  g_ptr_array_extend (copy->progress, self->progress, goal_progress_copy, NULL);
  g_ptr_array_extend (copy->new_questions, self->new_questions, new_question_copy, NULL);
  kt_agreement_copy (&copy->agreement, &self->agreement);
  return copy;
}

/* Rules */

KtDomainEntry *
kt_conversation_find_entry (const KtConversation *self,
                            const char           *domain_id)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; domain_id != NULL && i < self->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (entry->domain_id, domain_id) == 0)
        return entry;
    }
  return NULL;
}

gboolean
kt_conversation_has_safety_flag (const KtConversation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->safety_flag)
        return TRUE;
    }
  for (guint i = 0; i < self->safety_checks->len; i++)
    {
      const KtSafetyCheck *check = g_ptr_array_index (self->safety_checks, i);

      if (check->concern)
        return TRUE;
    }
  return FALSE;
}

void
kt_conversation_count (const KtConversation *self,
                       guint                *discussed,
                       guint                *skipped,
                       guint                *not_yet)
{
  guint counts[KT_N_DOMAIN_STATES] = { 0, };

  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->state < KT_N_DOMAIN_STATES)
        counts[entry->state]++;
    }
  if (discussed != NULL)
    *discussed = counts[KT_DOMAIN_DISCUSSED];
  if (skipped != NULL)
    *skipped = counts[KT_DOMAIN_SKIPPED];
  if (not_yet != NULL)
    *not_yet = counts[KT_DOMAIN_NOT_YET];
}

gboolean
kt_conversation_complete (KtConversation *self,
                          GError        **error)
{
  g_autoptr(GString) open = g_string_new (NULL);
  guint unchecked = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->entries->len == 0)
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE,
                           _("No life domain has been discussed yet."));
      return FALSE;
    }

  /* Domain ids come from the catalogue, never from the client. */
  for (guint i = 0; i < self->entries->len; i++)
    {
      const KtDomainEntry *entry = g_ptr_array_index (self->entries, i);

      if (entry->state != KT_DOMAIN_DISCUSSED && entry->state != KT_DOMAIN_SKIPPED)
        g_string_append_printf (open, "%s%s", open->len > 0 ? ", " : "", entry->domain_id);
    }
  for (guint i = 0; i < self->safety_checks->len; i++)
    {
      const KtSafetyCheck *check = g_ptr_array_index (self->safety_checks, i);

      if (!check->checked)
        unchecked++;
    }

  if (open->len > 0)
    {
      g_set_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE,
                   _("These life domains are neither discussed nor skipped: %s."), open->str);
      return FALSE;
    }
  if (unchecked > 0)
    {
      g_set_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The safety check is not yet done for %u household member.",
                                "The safety check is not yet done for %u household members.",
                                unchecked),
                   unchecked);
      return FALSE;
    }

  self->complete = TRUE;
  return TRUE;
}

/* The entry of @domain_id when it may be passed over (skipped, or marked
 * as going well without talk): never Veiligheid. */
static KtDomainEntry *
skippable_entry (KtConversation *self,
                 const char     *domain_id,
                 GError        **error)
{
  KtDomainEntry *entry;

  if (g_strcmp0 (domain_id, KT_SAFETY_DOMAIN_ID) == 0)
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_SAFETY_NOT_SKIPPABLE,
                           _("Safety is never skipped: ask about it for every household member."));
      return NULL;
    }
  entry = kt_conversation_find_entry (self, domain_id);
  if (entry == NULL)
    g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_UNKNOWN_DOMAIN,
                         _("This conversation has no such life domain."));
  return entry;
}

gboolean
kt_conversation_skip (KtConversation *self,
                      const char     *domain_id,
                      const char     *reason,
                      GError        **error)
{
  KtDomainEntry *entry;

  g_return_val_if_fail (self != NULL, FALSE);

  entry = skippable_entry (self, domain_id, error);
  if (entry == NULL)
    return FALSE;
  if (kt_text_is_blank (reason))
    {
      g_set_error_literal (error, KT_MODEL_ERROR, KT_MODEL_ERROR_REASON_REQUIRED,
                           _("Write down why this life domain is skipped."));
      return FALSE;
    }

  entry->state = KT_DOMAIN_SKIPPED;
  entry->nothing_to_discuss = FALSE;
  g_free (entry->skip_reason);
  entry->skip_reason = g_strdup (reason);
  return TRUE;
}

gboolean
kt_conversation_mark_nothing_to_discuss (KtConversation *self,
                                         const char     *domain_id,
                                         GError        **error)
{
  KtDomainEntry *entry;

  g_return_val_if_fail (self != NULL, FALSE);

  entry = skippable_entry (self, domain_id, error);
  if (entry == NULL)
    return FALSE;
  entry->state = KT_DOMAIN_DISCUSSED;
  entry->nothing_to_discuss = TRUE;
  g_clear_pointer (&entry->skip_reason, g_free);
  return TRUE;
}

/* Enum names */

const char * const kt_segment_names[KT_N_SEGMENTS] = {
  "zelfstandig", "sociaal", "deelnemen", "bijdragen", "vaardigheden", "werk",
};
KT_ENUM_NAMES (KtSegment, kt_segment, kt_segment_names, KT_N_SEGMENTS)

const char * const kt_ring_names[KT_N_RINGS] = {
  "own", "network", "volunteers", "professionals",
};
KT_ENUM_NAMES (KtRing, kt_ring, kt_ring_names, KT_N_RINGS)

const char * const kt_domain_state_names[KT_N_DOMAIN_STATES] = {
  "not_yet", "discussed", "skipped",
};
KT_ENUM_NAMES (KtDomainState, kt_domain_state, kt_domain_state_names, KT_N_DOMAIN_STATES)

const char * const kt_helper_names[KT_N_HELPER_BITS] = {
  "self", "network", "volunteers", "professionals",
};
const char * const kt_present_names[KT_N_PRESENT_BITS] = {
  "resident", "partner", "carer", "client_supporter", "interpreter", "youth",
};

static const char *
bit_to_name (const char * const *names,
             guint               n_names,
             guint               bit)
{
  for (guint i = 0; i < n_names; i++)
    {
      if (bit == (1u << i))
        return names[i];
    }
  return NULL;
}

static gboolean
bit_from_name (const char * const *names,
               guint               n_names,
               const char         *str,
               guint              *bit)
{
  int index;

  if (!kt_enum_from_name (names, n_names, str, &index))
    return FALSE;
  *bit = 1u << index;
  return TRUE;
}

const char *
kt_helper_to_string (KtHelpers helper)
{
  return bit_to_name (kt_helper_names, G_N_ELEMENTS (kt_helper_names), helper);
}

gboolean
kt_helper_from_string (const char *str,
                       KtHelpers  *helper)
{
  guint bit;

  if (!bit_from_name (kt_helper_names, G_N_ELEMENTS (kt_helper_names), str, &bit))
    return FALSE;
  *helper = bit;
  return TRUE;
}

const char *
kt_present_to_string (KtPresent present)
{
  return bit_to_name (kt_present_names, G_N_ELEMENTS (kt_present_names), present);
}

gboolean
kt_present_from_string (const char *str,
                        KtPresent  *present)
{
  guint bit;

  if (!bit_from_name (kt_present_names, G_N_ELEMENTS (kt_present_names), str, &bit))
    return FALSE;
  *present = bit;
  return TRUE;
}
