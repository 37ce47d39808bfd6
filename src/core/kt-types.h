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

/* Latest timestamp (unix seconds) a document or the protocol may carry:
 * 9999-12-31 23:59:59 UTC.  Dates are shown with four-digit years, and
 * GDateTime cannot hold a later one. */
#define KT_TIME_MAX G_GINT64_CONSTANT (253402300799)

/* Longest text field, in bytes (one field, not the document). */
#define KT_TEXT_MAX_SIZE (64 * 1024)

/* Limits on the number of elements in one array of a document; the decoder
 * refuses a document over any of them (KT_CODEC_ERROR_TOO_LARGE).  A real
 * household stays far below each. */
#define KT_MAX_MEMBERS        64    /* case: members */
#define KT_MAX_CONSENTS       256   /* case: consents */
#define KT_MAX_CONSENT_EVENTS 256   /* case: events of one consent */
#define KT_MAX_RECEIVERS      64    /* case: receivers of one consent */
#define KT_MAX_NETWORK        512   /* case: network persons */
#define KT_MAX_ENTRIES        128   /* conversation: domain entries */
#define KT_MAX_SAFETY_CHECKS  64    /* conversation: safety checks */
#define KT_MAX_VOICES         64    /* conversation: members named or heard in one domain */
#define KT_MAX_SUPPORTERS     128   /* conversation: supporters in one wheel segment */
#define KT_MAX_PROGRESS       256   /* conversation: goal progress items */
#define KT_MAX_GOALS          128   /* plan: goals */
#define KT_MAX_GOAL_DOMAINS   64    /* plan: domain ids of one goal */
#define KT_MAX_ACTIONS        256   /* plan: actions of one goal */
#define KT_MAX_NOTES          256   /* plan: progress notes of one goal */
#define KT_MAX_PROVISIONS     128   /* plan: provisions */
#define KT_MAX_COMMENTS       1024  /* plan: review comments */
#define KT_MAX_STROKES        1024  /* plan: signature strokes */
#define KT_MAX_STROKE_POINTS  8192  /* plan: numbers (x and y count apart) in one stroke */
/* Limit on the total of signature numbers in one plan. */
#define KT_MAX_SIGNATURE_POINTS 65536

/* Errors of the model's own rules (completing a conversation, skipping a
 * domain, submitting a plan …).  Messages are translated and never carry
 * client data. */
#define KT_MODEL_ERROR (kt_model_error_quark ())
GQuark kt_model_error_quark (void);

typedef enum {
  KT_MODEL_ERROR_INCOMPLETE,                  /* domains or safety checks still open */
  KT_MODEL_ERROR_SAFETY_NOT_SKIPPABLE,        /* the safety domain cannot be skipped */
  KT_MODEL_ERROR_REASON_REQUIRED,             /* skipping needs a reason */
  KT_MODEL_ERROR_UNKNOWN_DOMAIN,              /* no entry for that domain */
  KT_MODEL_ERROR_SAFETY_PLAN_REQUIRED,        /* safety flag set, safety plan empty */
  KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED,     /* tailored provision without the three considerations */
  KT_MODEL_ERROR_CONSENT_REASONING_REQUIRED,  /* sharing without consent, no reasoning */
  KT_MODEL_ERROR_LOCKED,                      /* the plan is submitted or approved */
  KT_MODEL_ERROR_FOLLOW_UP_REQUIRED,          /* safety flag: closing needs a follow-up date and contact */
  KT_MODEL_ERROR_WRONG_PHASE,                 /* the step does not fit the case's phase */
} KtModelError;

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

/* Account and team names: 1–64 of [a-z0-9._-], starting with a letter or
 * digit; the server makes accounts only with such names, and a record's
 * readers are named by them. */
gboolean  kt_account_name_is_valid (const char *name);

/* Dates are ISO 8601 calendar dates ("2026-11-25") or NULL when unset. */
gboolean  kt_date_is_valid   (const char *iso_date);
/* @iso_date plus @days (transfer full), or NULL if @iso_date is not valid. */
char     *kt_date_add_days   (const char *iso_date,
                              int         days);
/* @iso_date plus @months (transfer full; the 31st of a shorter month
 * becomes its last day), or NULL if @iso_date is not valid. */
char     *kt_date_add_months (const char *iso_date,
                              int         months);
/* Days from @today to @iso_date: negative when @iso_date lies in the past. */
int       kt_date_days_until (const char *iso_date,
                              GDate      *today);
/* Current time in unix seconds. */
gint64    kt_now_seconds     (void);

/* TRUE when @text is NULL or holds only white space. */
gboolean  kt_text_is_blank   (const char *text);

/* Today's date as ISO 8601 (transfer full). */
char     *kt_date_today      (void);

G_END_DECLS
