/* kt-inzage.h: everything held about a household, for the resident who
 * asks (AVG art. 15) and to take elsewhere (art. 20): a readable PDF and a
 * machine-readable JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kt-case.h"
#include "kt-catalogue.h"
#include "kt-conversation.h"
#include "kt-plan.h"

G_BEGIN_DECLS

#define KT_INZAGE_FORMAT "keukentafel-inzage/1"

#define KT_INZAGE_ERROR (kt_inzage_error_quark ())
GQuark kt_inzage_error_quark (void);

typedef enum {
  KT_INZAGE_ERROR_INVALID,      /* not an inzage export, or a record in it is refused */
  KT_INZAGE_ERROR_WRITE,        /* a file could not be written */
} KtInzageError;

/* The JSON export: {"format", "made", "records": [the case, every
 * conversation, every plan version, each as the store keeps it]} (transfer
 * full).  @conversations and @plans may be NULL. */
GBytes   *kt_inzage_to_json   (const KtCase *kase,
                               GPtrArray    *conversations,
                               GPtrArray    *plans);
/* Reads an export back: the case, its conversations and plans (each out
 * transfer full, element-types KtConversation and KtPlan). */
gboolean  kt_inzage_from_json (GBytes     *json,
                               KtCase    **kase,
                               GPtrArray **conversations,
                               GPtrArray **plans,
                               GError    **error);

/* Writes the PDF (kt_report_new_inzage, with @names: accounts to the
 * names people know them by, may be NULL) to @pdf and the JSON to @json
 * (either may be NULL) in a worker thread; the documents and @names are
 * copied first. */
void      kt_inzage_write_async  (KtCatalogue         *catalogue,
                                  const KtCase        *kase,
                                  GPtrArray           *conversations,
                                  GPtrArray           *plans,
                                  GHashTable          *names,
                                  GFile               *pdf,
                                  GFile               *json,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
gboolean  kt_inzage_write_finish (GAsyncResult  *result,
                                  GError       **error);

G_END_DECLS
