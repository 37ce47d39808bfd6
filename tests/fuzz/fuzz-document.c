/* fuzz-document.c: libFuzzer target for kt_document_decode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Besides not crashing, a document the decoder accepts must survive an
 * encode → decode round trip unchanged: the decoder never accepts what the
 * encoder cannot write back.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "kt-core.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static GBytes *
encode (const KtDocument *doc)
{
  switch (doc->kind)
    {
    case KT_KIND_CASE:
      return kt_case_encode (doc->kase);
    case KT_KIND_CONVERSATION:
      return kt_conversation_encode (doc->conversation);
    case KT_KIND_PLAN:
      return kt_plan_encode (doc->plan);
    case KT_N_KINDS:
    default:
      abort ();
    }
}

static gboolean
equal (const KtDocument *a,
       const KtDocument *b)
{
  if (a->kind != b->kind)
    return FALSE;
  switch (a->kind)
    {
    case KT_KIND_CASE:
      return kt_case_equal (a->kase, b->kase);
    case KT_KIND_CONVERSATION:
      return kt_conversation_equal (a->conversation, b->conversation);
    case KT_KIND_PLAN:
      return kt_plan_equal (a->plan, b->plan);
    case KT_N_KINDS:
    default:
      return FALSE;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) input = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  KtDocument doc;

  if (kt_document_decode (input, &doc, &error))
    {
      g_autoptr(GBytes) encoded = encode (&doc);
      g_autoptr(GError) again_error = NULL;
      KtDocument again;

      if (!kt_document_decode (encoded, &again, &again_error))
        {
          g_printerr ("re-encoded document refused: %s\n", again_error->message);
          abort ();
        }
      if (!equal (&doc, &again))
        {
          g_printerr ("document changed in the round trip\n");
          abort ();
        }
      kt_document_clear (&again);
      kt_document_clear (&doc);
    }
  else if (error == NULL || error->domain != KT_CODEC_ERROR)
    abort ();
  return 0;
}
