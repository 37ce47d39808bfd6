/* kt-coach-list.h: the team's coaches as the server lists them, cached on
 * the device so that an intaker can assign a request while offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KT_COACH_LIST_ERROR (kt_coach_list_error_quark ())
GQuark kt_coach_list_error_quark (void);

typedef enum {
  KT_COACH_LIST_ERROR_INVALID,  /* not the shape of GET /team/coaches */
} KtCoachListError;

/* One coach of the team.  Staff names only: no client data. */
typedef struct {
  char  *username;
  char  *display_name;
  guint  caseload;
} KtCoach;

KtCoach   *kt_coach_new  (const char *username,
                          const char *display_name,
                          guint       caseload);
void       kt_coach_free (KtCoach *coach);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtCoach, kt_coach_free)

/* Reads the answer of GET /team/coaches, {coaches:[{username,
 * display_name, caseload}]} (element-type KtCoach, transfer full), sorted
 * by display name. */
GPtrArray *kt_coach_list_from_json (JsonNode *node,
                                    GError  **error);
/* kt_coach_list_from_json() for the JSON text @data (@len bytes), read with
 * kt_json_read() (transfer full). */
GPtrArray *kt_coach_list_read      (const char *data,
                                    gsize       len,
                                    GError    **error);
/* The same shape back (transfer full). */
JsonNode  *kt_coach_list_to_json   (GPtrArray *coaches);

/* Saves the list as the offline copy at @path, atomically, on a worker
 * (the write syncs to the disk). */
void       kt_coach_list_save_async  (GPtrArray           *coaches,
                                      const char          *path,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean   kt_coach_list_save_finish (GAsyncResult  *result,
                                      GError       **error);
/* Loads the offline copy; an absent file gives an empty list. */
GPtrArray *kt_coach_list_load      (const char *path,
                                    GError    **error);
/* The same on a worker (transfer full). */
void       kt_coach_list_load_async  (const char          *path,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GPtrArray *kt_coach_list_load_finish (GAsyncResult  *result,
                                      GError       **error);
/* Where the offline copy lives for the signed-in @username (transfer full). */
char      *kt_coach_list_default_path (const char *username);

/* The coach with @username in @coaches, or NULL. */
const KtCoach *kt_coach_list_find (GPtrArray  *coaches,
                                   const char *username);

G_END_DECLS
