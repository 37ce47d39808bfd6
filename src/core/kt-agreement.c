/* kt-agreement.c: the resident's agreement, on a plan or an evaluation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-agreement"

#include "config.h"

#include "kt-agreement.h"

void
kt_agreement_init (KtAgreement *agreement)
{
  g_return_if_fail (agreement != NULL);

  agreement->state = KT_AGREEMENT_NONE;
  agreement->date = NULL;
  agreement->remarks = NULL;
  agreement->form = KT_FORM_SPOKEN;
  agreement->signature = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_stroke_free);
}

void
kt_agreement_clear (KtAgreement *agreement)
{
  g_return_if_fail (agreement != NULL);

  g_clear_pointer (&agreement->date, g_free);
  g_clear_pointer (&agreement->remarks, g_free);
  g_clear_pointer (&agreement->signature, g_ptr_array_unref);
}

static gpointer
stroke_copy (gconstpointer src,
             gpointer      unused)
{
  const KtStroke *s = src;
  KtStroke *copy = kt_stroke_new ();

  if (s->points != NULL)
    g_array_append_vals (copy->points, s->points->data, s->points->len);
  return copy;
}

void
kt_agreement_copy (KtAgreement       *dest,
                   const KtAgreement *src)
{
  g_return_if_fail (dest != NULL && src != NULL);

  dest->state = src->state;
  g_free (dest->date);
  dest->date = g_strdup (src->date);
  g_free (dest->remarks);
  dest->remarks = g_strdup (src->remarks);
  dest->form = src->form;
  if (dest->signature == NULL)
    dest->signature = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_stroke_free);
  g_ptr_array_set_size (dest->signature, 0);
  if (src->signature != NULL)
    g_ptr_array_extend (dest->signature, src->signature, stroke_copy, NULL);
}
