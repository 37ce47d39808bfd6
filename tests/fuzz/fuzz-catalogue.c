/* fuzz-catalogue.c: libFuzzer target for kt_catalogue_new_from_bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "kt-core.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) input = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_from_bytes (input, "fuzz", &error);

  if (catalogue == NULL)
    {
      if (error == NULL || error->domain != KT_CATALOGUE_ERROR)
        abort ();
      return 0;
    }

  /* Everything a loaded catalogue offers must be there and consistent. */
  for (guint i = 0; i < kt_catalogue_get_n_domains (catalogue); i++)
    {
      const KtDomain *domain = kt_catalogue_get_domain (catalogue, i);

      if (domain->name == NULL || domain->description == NULL || domain->prompts == NULL ||
          domain->prompts[0] == NULL || kt_catalogue_lookup (catalogue, domain->id) != domain)
        abort ();
      for (guint j = 0; domain->related[j] != NULL; j++)
        {
          if (kt_catalogue_lookup (catalogue, domain->related[j]) == NULL)
            abort ();
        }
    }
  for (guint i = 0; i < KT_N_SEGMENTS; i++)
    {
      if (kt_catalogue_segment_name (catalogue, i) == NULL ||
          kt_catalogue_segment_description (catalogue, i) == NULL)
        abort ();
    }
  for (guint i = 0; i < KT_N_RINGS; i++)
    {
      if (kt_catalogue_ring_name (catalogue, i) == NULL)
        abort ();
    }
  if (kt_catalogue_lookup (catalogue, KT_SAFETY_DOMAIN_ID) == NULL ||
      !kt_catalogue_lookup (catalogue, KT_SAFETY_DOMAIN_ID)->never_skip)
    abort ();

  {
    g_autoptr(KtConversation) conversation = kt_catalogue_new_conversation (catalogue, NULL);

    if (conversation->entries->len != kt_catalogue_get_n_domains (catalogue))
      abort ();
  }
  return 0;
}
