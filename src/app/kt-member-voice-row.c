/* kt-member-voice-row.c: KtMemberVoiceRow, one household member in a life domain
 *
 * A domain is about the whole household until members are ticked.  Where a
 * member sees it differently — a young person, a partner — their own words
 * and wish go in their row, apart from the resident's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-member-voice-row"

#include "config.h"

#include "kt-member-voice-row.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"

struct _KtMemberVoiceRow
{
  AdwExpanderRow  parent_instance;

  KtDomainEntry  *entry;        /* owned by the conversation */
  char           *member_id;
  gboolean        loading;

  GtkCheckButton *about_check;
  AdwEntryRow    *words_row;
  AdwEntryRow    *wish_row;
};

G_DEFINE_FINAL_TYPE (KtMemberVoiceRow, kt_member_voice_row, ADW_TYPE_EXPANDER_ROW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_subtitle (KtMemberVoiceRow *self)
{
  const KtMemberVoice *voice = kt_domain_entry_find_voice (self->entry, self->member_id);
  gboolean has_say = voice != NULL && (!kt_text_is_blank (voice->words) || !kt_text_is_blank (voice->wish));

  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self),
                                 has_say ? _("Has their own say") : _("Own words and wish, where they differ"));
}

static void
about_toggled_cb (KtMemberVoiceRow *self)
{
  if (self->loading)
    return;
  kt_domain_entry_set_about (self->entry, self->member_id, gtk_check_button_get_active (self->about_check));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
set_voice_text (KtMemberVoiceRow *self,
                AdwEntryRow      *row,
                gboolean          wish)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  KtMemberVoice *voice;
  char **field;

  if (self->loading)
    return;
  voice = kt_text_is_blank (text) ? kt_domain_entry_find_voice (self->entry, self->member_id)
                                  : kt_domain_entry_ensure_voice (self->entry, self->member_id);
  if (voice == NULL)
    return;
  field = wish ? &voice->wish : &voice->words;
  g_free (*field);
  *field = kt_text_is_blank (text) ? NULL : g_strdup (text);
  update_subtitle (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
words_changed_cb (KtMemberVoiceRow *self)
{
  set_voice_text (self, self->words_row, FALSE);
}

static void
wish_changed_cb (KtMemberVoiceRow *self)
{
  set_voice_text (self, self->wish_row, TRUE);
}

GtkWidget *
kt_member_voice_row_new (KtDomainEntry  *entry,
                         const KtMember *member)
{
  KtMemberVoiceRow *self;
  const KtMemberVoice *voice;
  const char *name;
  g_autofree char *about = NULL;
  g_autofree char *words = NULL;
  g_autofree char *wish = NULL;

  g_return_val_if_fail (entry != NULL, NULL);
  g_return_val_if_fail (member != NULL, NULL);

  self = g_object_new (KT_TYPE_MEMBER_VOICE_ROW, NULL);
  self->entry = entry;
  self->member_id = g_strdup (member->id);
  name = !kt_text_is_blank (member->name) ? member->name : _("A household member");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);

  /* Every control says whose it is: a screen reader hears no bare "About them". */
  about = g_strdup_printf (_("This domain is about %s"), name);
  words = g_strdup_printf (_("%s in their own words"), name);
  wish = g_strdup_printf (_("%s’s own wish"), name);
  kt_a11y_set_label (GTK_WIDGET (self->about_check), about);
  kt_a11y_set_label (GTK_WIDGET (self->words_row), words);
  kt_a11y_set_label (GTK_WIDGET (self->wish_row), wish);

  self->loading = TRUE;
  voice = kt_domain_entry_find_voice (entry, member->id);
  gtk_check_button_set_active (self->about_check, kt_domain_entry_is_about (entry, member->id));
  gtk_editable_set_text (GTK_EDITABLE (self->words_row), voice != NULL && voice->words != NULL ? voice->words : "");
  gtk_editable_set_text (GTK_EDITABLE (self->wish_row), voice != NULL && voice->wish != NULL ? voice->wish : "");
  self->loading = FALSE;
  update_subtitle (self);
  return GTK_WIDGET (self);
}

GtkCheckButton *
kt_member_voice_row_get_about_check (KtMemberVoiceRow *self)
{
  g_return_val_if_fail (KT_IS_MEMBER_VOICE_ROW (self), NULL);
  return self->about_check;
}

AdwEntryRow *
kt_member_voice_row_get_words_row (KtMemberVoiceRow *self)
{
  g_return_val_if_fail (KT_IS_MEMBER_VOICE_ROW (self), NULL);
  return self->words_row;
}

AdwEntryRow *
kt_member_voice_row_get_wish_row (KtMemberVoiceRow *self)
{
  g_return_val_if_fail (KT_IS_MEMBER_VOICE_ROW (self), NULL);
  return self->wish_row;
}

static void
kt_member_voice_row_finalize (GObject *object)
{
  KtMemberVoiceRow *self = KT_MEMBER_VOICE_ROW (object);

  g_free (self->member_id);

  G_OBJECT_CLASS (kt_member_voice_row_parent_class)->finalize (object);
}

static void
kt_member_voice_row_class_init (KtMemberVoiceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kt_member_voice_row_finalize;

  /* The entry changed: the conversation is to be saved. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-member-voice-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KtMemberVoiceRow, about_check);
  gtk_widget_class_bind_template_child (widget_class, KtMemberVoiceRow, words_row);
  gtk_widget_class_bind_template_child (widget_class, KtMemberVoiceRow, wish_row);
  gtk_widget_class_bind_template_callback (widget_class, about_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, words_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, wish_changed_cb);
}

static void
kt_member_voice_row_init (KtMemberVoiceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
