/* kt-member-voice-row.h: KtMemberVoiceRow, one household member in a life domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

#define KT_TYPE_MEMBER_VOICE_ROW (kt_member_voice_row_get_type ())
G_DECLARE_FINAL_TYPE (KtMemberVoiceRow, kt_member_voice_row, KT, MEMBER_VOICE_ROW, AdwExpanderRow)

/* A row for @member in @entry: whether the domain is about them, and their
 * own words and wish.  A voice is added to @entry only once something is
 * typed.  ::changed is emitted after each edit. */
GtkWidget     *kt_member_voice_row_new (KtDomainEntry  *entry,
                                        const KtMember *member);
/* For tests: the "about" check, the own-words and the own-wish rows. */
GtkCheckButton *kt_member_voice_row_get_about_check (KtMemberVoiceRow *self);
AdwEntryRow    *kt_member_voice_row_get_words_row   (KtMemberVoiceRow *self);
AdwEntryRow    *kt_member_voice_row_get_wish_row    (KtMemberVoiceRow *self);

G_END_DECLS
