/* kt-coach-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-coach-list"

#include "config.h"

#include "kt-coach-list.h"
#include "kt-json-reader.h"
#include "kt-sync-protocol.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>

G_DEFINE_QUARK (kt-coach-list-error-quark, kt_coach_list_error)

/* A team of a thousand coaches is about 100 KB; the list is two levels deep. */
#define MAX_SIZE (4 * 1024 * 1024)
#define MAX_DEPTH 8

KtCoach *
kt_coach_new (const char *username,
              const char *display_name,
              guint       caseload)
{
  KtCoach *coach = g_new0 (KtCoach, 1);

  coach->username = g_strdup (username);
  coach->display_name = g_strdup (display_name != NULL ? display_name : username);
  coach->caseload = caseload;
  return coach;
}

void
kt_coach_free (KtCoach *coach)
{
  if (coach == NULL)
    return;
  g_free (coach->username);
  g_free (coach->display_name);
  g_free (coach);
}

static int
compare_coaches (gconstpointer a,
                 gconstpointer b)
{
  const KtCoach *ca = *(KtCoach * const *) a;
  const KtCoach *cb = *(KtCoach * const *) b;
  g_autofree char *fa = g_utf8_casefold (ca->display_name, -1);
  g_autofree char *fb = g_utf8_casefold (cb->display_name, -1);
  g_autofree char *ka = g_utf8_collate_key (fa, -1);
  g_autofree char *kb = g_utf8_collate_key (fb, -1);

  return strcmp (ka, kb);
}

static GPtrArray *
invalid (GError    **error,
         const char *field)
{
  g_set_error (error, KT_COACH_LIST_ERROR, KT_COACH_LIST_ERROR_INVALID,
               _("The list of coaches cannot be read: %s is missing or wrong."), field);
  return NULL;
}

GPtrArray *
kt_coach_list_from_json (JsonNode *node,
                         GError  **error)
{
  g_autoptr(GPtrArray) coaches = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_coach_free);
  JsonNode *list;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "$");
  list = json_object_get_member (json_node_get_object (node), "coaches");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return invalid (error, "coaches");
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *object;
      const char *username;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return invalid (error, "coaches[]");
      object = json_node_get_object (item);
      username = json_object_get_string_member_with_default (object, "username", NULL);
      if (username == NULL || *username == '\0' || !g_utf8_validate (username, -1, NULL))
        return invalid (error, "coaches[].username");
      g_ptr_array_add (coaches,
                       kt_coach_new (username,
                                     json_object_get_string_member_with_default (object, "display_name", NULL),
                                     (guint) CLAMP (json_object_get_int_member_with_default (object, "caseload", 0),
                                                    0, G_MAXINT)));
    }
  g_ptr_array_sort (coaches, compare_coaches);
  return g_steal_pointer (&coaches);
}

GPtrArray *
kt_coach_list_read (const char *data,
                    gsize       len,
                    GError    **error)
{
  g_autoptr(JsonNode) node = kt_json_read (data, len, MAX_SIZE, MAX_DEPTH, NULL);

  if (node == NULL)
    return invalid (error, "$");
  return kt_coach_list_from_json (node, error);
}

JsonNode *
kt_coach_list_to_json (GPtrArray *coaches)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "coaches");
  json_builder_begin_array (builder);
  for (guint i = 0; coaches != NULL && i < coaches->len; i++)
    {
      KtCoach *coach = g_ptr_array_index (coaches, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, coach->username);
      json_builder_set_member_name (builder, "display_name");
      json_builder_add_string_value (builder, coach->display_name);
      json_builder_set_member_name (builder, "caseload");
      json_builder_add_int_value (builder, coach->caseload);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
save_json (const char  *json,
           const char  *path,
           GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      /* The caller says what was not kept. */
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "%s: %s", dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

typedef struct {
  char *json;
  char *path;
} Save;

static void
save_free (Save *save)
{
  g_free (save->json);
  g_free (save->path);
  g_free (save);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Save *save = task_data;
  GError *error = NULL;

  if (save_json (save->json, save->path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The list is written out here, the file (with its fsync) on a worker. */
void
kt_coach_list_save_async (GPtrArray           *coaches,
                          const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(JsonNode) node = kt_coach_list_to_json (coaches);
  Save *save = g_new0 (Save, 1);

  save->json = kt_json_to_data (node, FALSE, NULL);
  save->path = g_strdup (path);
  g_task_set_source_tag (task, kt_coach_list_save_async);
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
kt_coach_list_save_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

GPtrArray *
kt_coach_list_load (const char *path,
                    GError    **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_ptr_array_new_with_free_func ((GDestroyNotify) kt_coach_free);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return kt_coach_list_read (contents, length, error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *coaches = kt_coach_list_load (task_data, &error);

  if (coaches != NULL)
    g_task_return_pointer (task, coaches, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
kt_coach_list_load_async (const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, kt_coach_list_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_thread);
}

GPtrArray *
kt_coach_list_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
kt_coach_list_default_path (const char *username)
{
  g_autofree char *name = g_strdup (username != NULL ? username : "default");
  g_autofree char *file = NULL;

  /* An account name never walks out of the cache directory. */
  g_strcanon (name, G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "-_.", '_');
  file = g_strdup_printf ("coaches-%s.json", name);

  return g_build_filename (g_get_user_cache_dir (), "keukentafel", file, NULL);
}

const KtCoach *
kt_coach_list_find (GPtrArray  *coaches,
                    const char *username)
{
  for (guint i = 0; coaches != NULL && i < coaches->len; i++)
    {
      const KtCoach *coach = g_ptr_array_index (coaches, i);

      if (g_strcmp0 (coach->username, username) == 0)
        return coach;
    }
  return NULL;
}
