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
  GStrv  prompts_without_children; /* for a household without children, or NULL */
  GStrv  prompts_young_person;  /* spoken to a young person, or NULL */
  GStrv  related;               /* ids of domains to suggest on a concern or a low
                                 * score; both ways unless listed in one_way */
  GStrv  one_way;               /* ids in related that do not point back */
  gboolean never_skip;          /* veiligheid */
  gboolean needs_children;      /* opvoeding: only relevant with children */
} KtDomain;

/* The prompts to show in a household with or without children: the
 * domain's variant without children when it has one. */
const char * const *kt_domain_get_prompts (const KtDomain *domain,
                                           gboolean        children);

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
/* Fits an open conversation to the household: a domain that needs children
 * (opvoeding) is left out while there are none, unless something was
 * already said in it, and comes back, in catalogue order, once there are.
 * A complete conversation is left as it is.  TRUE when entries changed. */
gboolean        kt_catalogue_fit_conversation (KtCatalogue    *self,
                                               KtConversation *conversation,
                                               gboolean        children);
/* The related domains to suggest from @entry (transfer container, element
 * type KtDomain, borrowed): when it has a concern or a self-reliance score
 * of 1 or 2, those of its related domains the conversation holds and has
 * not yet talked about, in catalogue order of the link list. */
GPtrArray      *kt_catalogue_suggest_related (KtCatalogue          *self,
                                              const KtConversation *conversation,
                                              const KtDomainEntry  *entry);

G_END_DECLS
