/* kt-metrics.c
 *
 * Counters and one latency histogram per route, kept in hash tables keyed
 * by their label set and written out in the Prometheus text exposition
 * format 0.0.4 on every scrape.  The label values are the server's own
 * (methods, route templates, status codes): nothing a client sends becomes
 * a label, so the number of series stays small and no client data leaks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-server"

#include "config.h"

#include "kt-metrics.h"

/* Upper bounds of the latency buckets, in seconds. */
static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30 };
#define N_BUCKETS G_N_ELEMENTS (buckets)

typedef struct {
  guint64 counts[N_BUCKETS];   /* not cumulative; summed when written */
  guint64 count;
  double  sum;
} Histogram;

struct _KtMetrics
{
  GObject     parent_instance;

  /* counted from the main loop (requests) and the database thread (pushes,
   * database errors) */
  GMutex      mutex;
  GHashTable *requests;     /* "method\troute\tstatus" → guint64 * */
  GHashTable *latency;      /* route → Histogram */
  GHashTable *pushes;       /* status → guint64 * */
  guint64     push_groups;
  guint64     pushes_grouped;
  guint64     db_errors;
  guint64     db_unavailable;
};

G_DEFINE_FINAL_TYPE (KtMetrics, kt_metrics, G_TYPE_OBJECT)

static void
kt_metrics_finalize (GObject *object)
{
  KtMetrics *self = KT_METRICS (object);

  g_hash_table_unref (self->requests);
  g_hash_table_unref (self->latency);
  g_hash_table_unref (self->pushes);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (kt_metrics_parent_class)->finalize (object);
}

static void
kt_metrics_class_init (KtMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kt_metrics_finalize;
}

static void
kt_metrics_init (KtMetrics *self)
{
  g_mutex_init (&self->mutex);
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->latency = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pushes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
}

KtMetrics *
kt_metrics_new (void)
{
  return g_object_new (KT_TYPE_METRICS, NULL);
}

static guint64 *
counter (GHashTable *table,
         gpointer    key,
         gboolean    key_is_string)
{
  guint64 *value = g_hash_table_lookup (table, key);

  if (value == NULL)
    {
      value = g_new0 (guint64, 1);
      g_hash_table_insert (table, key_is_string ? g_strdup (key) : key, value);
    }
  return value;
}

void
kt_metrics_observe_request (KtMetrics  *self,
                            const char *method,
                            const char *route,
                            guint       status,
                            double      seconds)
{
  g_autofree char *key = g_strdup_printf ("%s\t%s\t%u", method, route, status);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  Histogram *histogram = g_hash_table_lookup (self->latency, route);
  guint i;

  (*counter (self->requests, key, TRUE))++;
  if (histogram == NULL)
    {
      histogram = g_new0 (Histogram, 1);
      g_hash_table_insert (self->latency, g_strdup (route), histogram);
    }
  for (i = 0; i < N_BUCKETS && seconds > buckets[i]; i++)
    ;
  if (i < N_BUCKETS)
    histogram->counts[i]++;
  histogram->count++;
  histogram->sum += seconds;
}

void
kt_metrics_count_push (KtMetrics *self,
                       guint      status)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  (*counter (self->pushes, GUINT_TO_POINTER (status), FALSE))++;
}

void
kt_metrics_count_push_group (KtMetrics *self,
                             guint      size)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  self->push_groups++;
  self->pushes_grouped += size;
}

void
kt_metrics_count_db_error (KtMetrics *self,
                           gboolean   unavailable)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (unavailable)
    self->db_unavailable++;
  else
    self->db_errors++;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The keys of @table (g_hash_table_get_keys_as_ptr_array is GLib 2.76). */
static GPtrArray *
keys_of (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  return keys;
}

/* The keys of @table, sorted, so a scrape reads the same each time. */
static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = keys_of (table);

  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

static int
compare_uints (gconstpointer a,
               gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (*(gconstpointer const *) a), y = GPOINTER_TO_UINT (*(gconstpointer const *) b);

  return x < y ? -1 : x > y;
}

char *
kt_metrics_render (KtMetrics *self,
                   gboolean   database_up,
                   guint      waiting_requests)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) request_keys = sorted_keys (self->requests);
  g_autoptr(GPtrArray) routes = sorted_keys (self->latency);
  g_autoptr(GPtrArray) statuses = keys_of (self->pushes);

  g_string_append (out,
                   "# HELP keukentafel_http_requests_total Requests answered, by method, route template and status.\n"
                   "# TYPE keukentafel_http_requests_total counter\n");
  for (guint i = 0; i < request_keys->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (request_keys, i), "\t", 3);

      g_string_append_printf (out, "keukentafel_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %"
                              G_GUINT64_FORMAT "\n", parts[0], parts[1], parts[2],
                              *(guint64 *) g_hash_table_lookup (self->requests, g_ptr_array_index (request_keys, i)));
    }

  g_string_append (out,
                   "# HELP keukentafel_http_request_duration_seconds Time from a request's start to its answer, by route template.\n"
                   "# TYPE keukentafel_http_request_duration_seconds histogram\n");
  for (guint i = 0; i < routes->len; i++)
    {
      const char *route = g_ptr_array_index (routes, i);
      Histogram *histogram = g_hash_table_lookup (self->latency, route);
      guint64 cumulative = 0;
      char sum[G_ASCII_DTOSTR_BUF_SIZE];

      for (guint b = 0; b < N_BUCKETS; b++)
        {
          char le[G_ASCII_DTOSTR_BUF_SIZE];

          cumulative += histogram->counts[b];
          g_string_append_printf (out, "keukentafel_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %"
                                  G_GUINT64_FORMAT "\n", route,
                                  g_ascii_dtostr (le, sizeof le, buckets[b]), cumulative);
        }
      g_string_append_printf (out, "keukentafel_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %"
                              G_GUINT64_FORMAT "\n", route, histogram->count);
      g_string_append_printf (out, "keukentafel_http_request_duration_seconds_sum{route=\"%s\"} %s\n", route,
                              g_ascii_dtostr (sum, sizeof sum, histogram->sum));
      g_string_append_printf (out, "keukentafel_http_request_duration_seconds_count{route=\"%s\"} %"
                              G_GUINT64_FORMAT "\n", route, histogram->count);
    }

  g_string_append (out,
                   "# HELP keukentafel_pushes_total Pushes (PUT /records/{id}) answered, by status.\n"
                   "# TYPE keukentafel_pushes_total counter\n");
  g_ptr_array_sort (statuses, compare_uints);
  for (guint i = 0; i < statuses->len; i++)
    g_string_append_printf (out, "keukentafel_pushes_total{status=\"%u\"} %" G_GUINT64_FORMAT "\n",
                            GPOINTER_TO_UINT (g_ptr_array_index (statuses, i)),
                            *(guint64 *) g_hash_table_lookup (self->pushes, g_ptr_array_index (statuses, i)));
  g_string_append_printf (out,
                          "# HELP keukentafel_push_groups_total Transactions that stored a group of pushes together.\n"
                          "# TYPE keukentafel_push_groups_total counter\n"
                          "keukentafel_push_groups_total %" G_GUINT64_FORMAT "\n"
                          "# HELP keukentafel_push_group_pushes_total Pushes stored in those groups.\n"
                          "# TYPE keukentafel_push_group_pushes_total counter\n"
                          "keukentafel_push_group_pushes_total %" G_GUINT64_FORMAT "\n",
                          self->push_groups, self->pushes_grouped);

  g_string_append_printf (out,
                          "# HELP keukentafel_database_errors_total Requests the database failed, by kind: error, or unavailable (no connection).\n"
                          "# TYPE keukentafel_database_errors_total counter\n"
                          "keukentafel_database_errors_total{kind=\"error\"} %" G_GUINT64_FORMAT "\n"
                          "keukentafel_database_errors_total{kind=\"unavailable\"} %" G_GUINT64_FORMAT "\n"
                          "# HELP keukentafel_database_up Whether the connection to the database was up at its last query (a scrape never waits for the database).\n"
                          "# TYPE keukentafel_database_up gauge\n"
                          "keukentafel_database_up %d\n"
                          "# HELP keukentafel_database_connections Open database connections (one per server process).\n"
                          "# TYPE keukentafel_database_connections gauge\n"
                          "keukentafel_database_connections %d\n"
                          "# HELP keukentafel_changes_waiting Requests held open by GET /changes?wait=.\n"
                          "# TYPE keukentafel_changes_waiting gauge\n"
                          "keukentafel_changes_waiting %u\n",
                          self->db_errors, self->db_unavailable, database_up ? 1 : 0, database_up ? 1 : 0,
                          waiting_requests);
  return g_string_free (out, FALSE);
}
