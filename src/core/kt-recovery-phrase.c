/* kt-recovery-phrase.c: the twelve words that bring an account's key to a
 * new device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-recovery-phrase"

#include "config.h"

#include "kt-recovery-phrase.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#define WORDS_RESOURCE "/nl/wijkteam/Keukentafel/recovery/words-en.txt"
#define WORD_COUNT 2048
#define BITS_PER_WORD 11
#define ENTROPY_SIZE 16  /* 128 bits; with the 4-bit checksum, 12 words of 11 bits */
#define PREFIX_SIZE 4    /* the list's words differ in their first four letters */

G_STATIC_ASSERT (ENTROPY_SIZE * 8 + ENTROPY_SIZE / 4 == KT_RECOVERY_PHRASE_WORDS * BITS_PER_WORD);

G_DEFINE_QUARK (kt-recovery-phrase-error-quark, kt_recovery_phrase_error)

typedef struct {
  GBytes     *data;        /* the resource, which the words point into */
  char       *words[WORD_COUNT];
  GHashTable *by_prefix;   /* first PREFIX_SIZE letters (or the whole word) -> index + 1 */
} WordList;

static char *
prefix_of (const char *word)
{
  return g_strndup (word, PREFIX_SIZE);
}

static WordList *
word_list_load (void)
{
  WordList *list = g_new0 (WordList, 1);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  guint count = 0;

  list->data = g_resources_lookup_data (WORDS_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (list->data == NULL)
    g_error ("The recovery word list is missing from the build: %s", error->message);

  lines = g_strsplit (g_bytes_get_data (list->data, NULL), "\n", -1);
  list->by_prefix = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      if (count == WORD_COUNT)
        g_error ("The recovery word list has more than %d words", WORD_COUNT);
      list->words[count] = g_strdup (lines[i]);
      if (!g_hash_table_insert (list->by_prefix, prefix_of (lines[i]),
                                GUINT_TO_POINTER (count + 1)))
        g_error ("Two recovery words begin alike: %s", lines[i]);
      count++;
    }
  if (count != WORD_COUNT)
    g_error ("The recovery word list has %u words, not %d", count, WORD_COUNT);
  return list;
}

static const WordList *
word_list (void)
{
  static gsize once = 0;
  static WordList *list = NULL;

  if (g_once_init_enter (&once))
    {
      list = word_list_load ();
      g_once_init_leave (&once, 1);
    }
  return list;
}

/* The index of @typed in the list, or -1: the whole word, or at least its
 * first PREFIX_SIZE letters. */
static int
word_index (const WordList *list,
            const char     *typed)
{
  g_autofree char *prefix = prefix_of (typed);
  gpointer found = g_hash_table_lookup (list->by_prefix, prefix);
  int index;

  if (found == NULL)
    return -1;
  index = GPOINTER_TO_UINT (found) - 1;
  if (!g_str_has_prefix (list->words[index], typed))
    return -1;
  return index;
}

/* The 4-bit checksum of @entropy, as BIP-39 takes it. */
static guint
checksum_of (const guint8 *entropy)
{
  guint8 hash[crypto_hash_sha256_BYTES];
  guint checksum;

  crypto_hash_sha256 (hash, entropy, ENTROPY_SIZE);
  checksum = hash[0] >> 4;
  sodium_memzero (hash, sizeof hash);
  return checksum;
}

/* Bit @bit (0 is the most significant bit of byte 0) of @bytes. */
static guint
bit_at (const guint8 *bytes,
        guint         bit)
{
  return (bytes[bit / 8] >> (7 - bit % 8)) & 1;
}

static char *
phrase_from_indices (const WordList *list,
                     const guint    *indices)
{
  gsize size = 0;
  char *phrase, *p;

  for (guint i = 0; i < KT_RECOVERY_PHRASE_WORDS; i++)
    size += strlen (list->words[indices[i]]) + 1;
  p = phrase = g_malloc (size);
  for (guint i = 0; i < KT_RECOVERY_PHRASE_WORDS; i++)
    {
      gsize length = strlen (list->words[indices[i]]);

      if (i > 0)
        *p++ = ' ';
      memcpy (p, list->words[indices[i]], length);
      p += length;
    }
  *p = '\0';
  return phrase;
}

char *
kt_recovery_phrase_new (void)
{
  const WordList *list = word_list ();
  /* The entropy and the checksum in one run of bits: 17 bytes, the last
   * holding the checksum in its top four bits. */
  guint8 bits[ENTROPY_SIZE + 1] = { 0 };
  guint indices[KT_RECOVERY_PHRASE_WORDS] = { 0 };
  char *phrase;

  randombytes_buf (bits, ENTROPY_SIZE);
  bits[ENTROPY_SIZE] = checksum_of (bits) << 4;

  for (guint i = 0; i < KT_RECOVERY_PHRASE_WORDS; i++)
    for (guint b = 0; b < BITS_PER_WORD; b++)
      indices[i] = (indices[i] << 1) | bit_at (bits, i * BITS_PER_WORD + b);

  phrase = phrase_from_indices (list, indices);
  sodium_memzero (bits, sizeof bits);
  sodium_memzero (indices, sizeof indices);
  return phrase;
}

char *
kt_recovery_phrase_normalize (const char  *typed,
                              GError     **error)
{
  const WordList *list = word_list ();
  g_autofree char *lower = NULL;
  g_auto(GStrv) tokens = NULL;
  guint indices[KT_RECOVERY_PHRASE_WORDS] = { 0 };
  guint8 bits[ENTROPY_SIZE + 1] = { 0 };
  guint count = 0;
  gboolean checksum_ok;
  char *phrase = NULL;

  g_return_val_if_fail (typed != NULL, NULL);

  lower = g_ascii_strdown (typed, -1);
  /* Spaces, tabs and line breaks between words, as a phrase copied from
   * paper or a password manager comes. */
  g_strdelimit (lower, "\t\n\r,", ' ');
  tokens = g_strsplit (lower, " ", -1);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      int index;

      if (tokens[i][0] == '\0')
        continue;
      if (count == KT_RECOVERY_PHRASE_WORDS)
        {
          count++;
          break;
        }
      index = word_index (list, tokens[i]);
      if (index < 0)
        {
          g_set_error (error, KT_RECOVERY_PHRASE_ERROR, KT_RECOVERY_PHRASE_ERROR_UNKNOWN_WORD,
                       _("Word %u of the recovery phrase is not one of its words. Check its spelling on the paper."),
                       count + 1);
          goto out;
        }
      indices[count++] = index;
    }

  if (count != KT_RECOVERY_PHRASE_WORDS)
    {
      g_set_error (error, KT_RECOVERY_PHRASE_ERROR, KT_RECOVERY_PHRASE_ERROR_LENGTH,
                   _("A recovery phrase has %d words. Type all of them, in the order on the paper."),
                   KT_RECOVERY_PHRASE_WORDS);
      goto out;
    }

  for (guint i = 0; i < KT_RECOVERY_PHRASE_WORDS; i++)
    for (guint b = 0; b < BITS_PER_WORD; b++)
      {
        guint bit = i * BITS_PER_WORD + b;

        if ((indices[i] >> (BITS_PER_WORD - 1 - b)) & 1)
          bits[bit / 8] |= 1 << (7 - bit % 8);
      }
  checksum_ok = (bits[ENTROPY_SIZE] >> 4) == checksum_of (bits);
  if (!checksum_ok)
    {
      g_set_error_literal (error, KT_RECOVERY_PHRASE_ERROR, KT_RECOVERY_PHRASE_ERROR_CHECKSUM,
                           _("These words do not form a recovery phrase. Check the order and the spelling of each word on the paper."));
      goto out;
    }

  phrase = phrase_from_indices (list, indices);

out:
  /* The words as typed are as secret as the phrase. */
  sodium_memzero (lower, strlen (lower));
  for (guint i = 0; tokens[i] != NULL; i++)
    sodium_memzero (tokens[i], strlen (tokens[i]));
  sodium_memzero (bits, sizeof bits);
  sodium_memzero (indices, sizeof indices);
  return phrase;
}

void
kt_recovery_phrase_free (char *phrase)
{
  if (phrase == NULL)
    return;
  sodium_memzero (phrase, strlen (phrase));
  g_free (phrase);
}
