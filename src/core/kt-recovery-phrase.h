/* kt-recovery-phrase.h: the twelve words that bring an account's key to a
 * new device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KT_RECOVERY_PHRASE_WORDS 12

#define KT_RECOVERY_PHRASE_ERROR (kt_recovery_phrase_error_quark ())
GQuark kt_recovery_phrase_error_quark (void);

typedef enum {
  KT_RECOVERY_PHRASE_ERROR_LENGTH,        /* not twelve words */
  KT_RECOVERY_PHRASE_ERROR_UNKNOWN_WORD,  /* a word not in the list */
  KT_RECOVERY_PHRASE_ERROR_CHECKSUM,      /* words swapped or mistyped into another word */
} KtRecoveryPhraseError;

/* A new phrase: twelve words from the list, single spaces, made from 128
 * random bits and a checksum.  Shown once, written down by the user
 * (transfer full: free with kt_recovery_phrase_free()). */
char *kt_recovery_phrase_new       (void);
/* @typed in the one spelling the phrase was made in (lower case, single
 * spaces, each word whole; a word may be typed as its first four letters or
 * more), or NULL with a KT_RECOVERY_PHRASE_ERROR that tells the user what to
 * check (transfer full: free with kt_recovery_phrase_free()). */
char *kt_recovery_phrase_normalize (const char  *typed,
                                    GError     **error);
/* Wipes the phrase and frees it. */
void  kt_recovery_phrase_free      (char *phrase);

G_END_DECLS
