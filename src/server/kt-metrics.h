/* kt-metrics.h: KtMetrics, the server's counters in the Prometheus text
 * format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KT_TYPE_METRICS (kt_metrics_get_type ())
G_DECLARE_FINAL_TYPE (KtMetrics, kt_metrics, KT, METRICS, GObject)

/* Empty counters (transfer full).  Safe to count into from any thread. */
KtMetrics *kt_metrics_new              (void);
/* One answered request: @route is the route's template ("/api/v1/records/{id}"),
 * never the path, so no record id and no client data becomes a label. */
void       kt_metrics_observe_request  (KtMetrics  *self,
                                        const char *method,
                                        const char *route,
                                        guint       status,
                                        double      seconds);
/* One push answered with @status, stored in a group of @group_size pushes. */
void       kt_metrics_count_push       (KtMetrics  *self,
                                        guint       status);
/* One group of pushes committed (or not) together. */
void       kt_metrics_count_push_group (KtMetrics  *self,
                                        guint       size);
/* A request the database failed: @unavailable when it did not answer. */
void       kt_metrics_count_db_error   (KtMetrics  *self,
                                        gboolean    unavailable);
/* The exposition text, with the gauges given (transfer full). */
char      *kt_metrics_render           (KtMetrics  *self,
                                        gboolean    database_up,
                                        guint       waiting_requests);

G_END_DECLS
