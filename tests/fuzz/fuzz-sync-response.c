/* fuzz-sync-response.c: libFuzzer target for the sync response parser
 *
 * The first byte picks the endpoint and status; the rest is the body.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-sync-response"

#include "config.h"

#include "kt-core.h"
#include "kt-sync-protocol.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const guint statuses[] = { 200, 201, 204, 400, 401, 409, 413, 429, 500 };

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KtSyncResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  KtSyncEndpoint endpoint;
  guint status;

  kt_core_init ();
  if (size < 1)
    return 0;
  endpoint = (data[0] & 0x0f) % KT_N_SYNC_ENDPOINTS;
  status = statuses[(data[0] >> 4) % G_N_ELEMENTS (statuses)];
  body = g_bytes_new (data + 1, size - 1);

  response = kt_sync_response_parse (endpoint, status, body, &error);
  g_assert ((response == NULL) != (error == NULL));
  if (response != NULL && response->records != NULL)
    {
      for (guint i = 0; i < response->records->len; i++)
        {
          KtSyncRecord *record = g_ptr_array_index (response->records, i);
          g_autoptr(GBytes) wire = kt_sync_record_encode (record);
          g_autoptr(KtSyncRecord) back = kt_sync_record_decode (wire, NULL);

          /* What the parser accepted must survive its own encoder. */
          g_assert_nonnull (back);
          g_assert_cmpint (back->rev, ==, record->rev);
        }
    }
  return 0;
}
