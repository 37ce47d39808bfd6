/* kt-catalogue.h: KtCatalogue, the life domains and the wheel's segments and rings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "kt-conversation.h"

G_BEGIN_DECLS

#define KT_CATALOGUE_ERROR (kt_catalogue_error_quark ())
GQuark kt_catalogue_error_quark (void);

typedef enum {
  KT_CATALOGUE_ERROR_READ,      /* file cannot be read */
  KT_CATALOGUE_ERROR_PARSE,     /* not JSON: message names line and column */
  KT_CATALOGUE_ERROR_INVALID,   /* wrong content: message names the JSON path */
} KtCatalogueError;

/* One life domain.  Names, descriptions and prompts come in the language
 * the process runs in (Dutch or English), picked when the catalogue loads. */
typedef struct {
  char  *id;
  char  *name;
  char  *description;
  GStrv  prompts;               /* strengths first */
  GStrv  related;               /* ids of domains to suggest on a concern */
  gboolean never_skip;          /* veiligheid */
  gboolean needs_children;      /* opvoeding: only relevant with children */
} KtDomain;

#define KT_TYPE_CATALOGUE (kt_catalogue_get_type ())
G_DECLARE_FINAL_TYPE (KtCatalogue, kt_catalogue, KT, CATALOGUE, GObject)

/* The catalogue compiled into the core (transfer full); never fails. */
KtCatalogue    *kt_catalogue_new_builtin   (void);
/* Loads a municipality's own file; the error names file, line or JSON path. */
KtCatalogue    *kt_catalogue_new_from_file (GFile   *file,
                                            GError **error);
KtCatalogue    *kt_catalogue_new_from_bytes (GBytes     *json,
                                             const char *origin,
                                             GError    **error);
/* The file from the GSettings key if set and valid, else the built-in one;
 * @error receives the reason when the override was refused. */
KtCatalogue    *kt_catalogue_new_default   (const char *override_path,
                                            GError    **error);

const char     *kt_catalogue_get_id        (KtCatalogue *self);
int             kt_catalogue_get_version   (KtCatalogue *self);
guint           kt_catalogue_get_n_domains (KtCatalogue *self);
const KtDomain *kt_catalogue_get_domain    (KtCatalogue *self,
                                            guint        position);
const KtDomain *kt_catalogue_lookup        (KtCatalogue *self,
                                            const char  *domain_id);
/* Segment and ring names and descriptions, translated. */
const char     *kt_catalogue_segment_name  (KtCatalogue *self,
                                            KtSegment    segment);
const char     *kt_catalogue_segment_description (KtCatalogue *self,
                                                  KtSegment    segment);
const char     *kt_catalogue_ring_name     (KtCatalogue *self,
                                            KtRing       ring);
/* A conversation with one empty entry per domain in catalogue order. */
KtConversation *kt_catalogue_new_conversation (KtCatalogue *self,
                                               const char  *case_id);

G_END_DECLS
