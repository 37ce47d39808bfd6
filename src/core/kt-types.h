/* kt-types.h: small value types shared by every document of the model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The schema every document carries; the decoder refuses any other. */
#define KT_SCHEMA "keukentafel/1"

/* Largest encoded document the decoder accepts, in bytes.  A conversation with
 * every domain filled in at length is about 30 KB; 1 MiB leaves room for a
 * drawn signature while keeping a hostile document from eating memory. */
#define KT_DOCUMENT_MAX_SIZE (1024 * 1024)

/* Longest text field, in bytes (one field, not the document). */
#define KT_TEXT_MAX_SIZE (64 * 1024)

/* The kinds of record that the store and the sync protocol carry. */
typedef enum {
  KT_KIND_CASE,
  KT_KIND_CONVERSATION,
  KT_KIND_PLAN,
  KT_N_KINDS
} KtKind;

const char *kt_kind_to_string   (KtKind      kind);
gboolean    kt_kind_from_string (const char *str,
                                 KtKind     *kind);

/* Every document starts with this header; the document structs embed it as
 * their first member so that generic code (store, sync) can read it. */
typedef struct {
  KtKind  kind;
  char   *id;        /* UUID made on the device */
  gint64  rev;       /* bumped by one on every saved change */
  gint64  created;   /* unix seconds */
  gint64  updated;   /* unix seconds */
} KtRecordHeader;

/* A new random UUID (transfer full). */
char     *kt_uuid_new      (void);
gboolean  kt_uuid_is_valid (const char *str);

/* Dates are ISO 8601 calendar dates ("2026-11-25") or NULL when unset. */
gboolean  kt_date_is_valid   (const char *iso_date);
/* @iso_date plus @days (transfer full), or NULL if @iso_date is not valid. */
char     *kt_date_add_days   (const char *iso_date,
                              int         days);
/* Days from @today to @iso_date: negative when @iso_date lies in the past. */
int       kt_date_days_until (const char *iso_date,
                              GDate      *today);
/* Today's date as ISO 8601 (transfer full). */
char     *kt_date_today      (void);

G_END_DECLS
