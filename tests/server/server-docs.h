/* server-docs.h: documents for the server tests, as the core encodes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A case document (@id NULL: a new id) at @rev whose household name holds
 * @marker, assigned to @coach (or nobody) (transfer full). */
char       *kt_test_server_case_json         (const char *id,
                                              gint64      rev,
                                              const char *marker,
                                              const char *coach);
char       *kt_test_server_conversation_json (const char *id,
                                              const char *case_id,
                                              gint64      rev,
                                              const char *marker);
/* @review: "draft", "submitted", "approved", "returned". */
char       *kt_test_server_plan_json         (const char *id,
                                              const char *case_id,
                                              gint64      rev,
                                              const char *review,
                                              const char *marker);
/* A new case with @text in every free-text field (transfer full). */
char       *kt_test_server_case_nasty_json   (const char *text);
/* Whether every free-text field of the case document @body holds @text. */
gboolean    kt_test_server_case_holds_everywhere (JsonObject *body,
                                                  const char *text);
/* The "id" of a document (transfer full). */
char       *kt_test_server_json_id           (const char *json);
/* The review state id of a plan document. */
const char *kt_test_server_plan_review       (JsonObject *body);

G_END_DECLS
