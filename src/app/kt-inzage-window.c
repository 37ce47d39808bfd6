/* kt-inzage-window.c: KtInzageWindow, everything held about a household
 *
 * The files are written in a worker thread and are not encrypted: the
 * window says so before the coach picks where they go.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-inzage-window"

#include "config.h"

#include "kt-inzage-window.h"

#include <glib/gi18n.h>

#include "kt-a11y.h"
#include "kt-case-audit.h"
#include "kt-date-format.h"
#include "kt-fhir.h"
#include "kt-inzage.h"

struct _KtInzageWindow
{
  AdwWindow             parent_instance;

  KtCatalogue          *catalogue;
  KtCase               *kase;
  GPtrArray            *conversations;   /* (element-type KtConversation) */
  GPtrArray            *plans;           /* (element-type KtPlan), oldest first */
  GHashTable           *names;           /* account → display name, or NULL */
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  /* While the household's records are read on the store's worker: how
   * many reads are on their way, the open documents that take the place
   * of their stored copies, and a save asked for meanwhile. */
  guint                 loading;
  KtConversation       *open_conversation;
  KtPlan               *open_plan;
  GFile                *waiting_folder;
  GFile                *waiting_fhir;

  GtkWidget            *save_button;
  GtkWidget            *fhir_button;
  GtkLabel             *status_label;
  AdwPreferencesGroup  *reads_group;
};

G_DEFINE_FINAL_TYPE (KtInzageWindow, kt_inzage_window, ADW_TYPE_WINDOW)

static void
set_status (KtInzageWindow *self,
            const char     *text)
{
  gtk_label_set_label (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KtInzageWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (self->save_button, TRUE);
  if (!kt_inzage_write_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, error->message);
      return;
    }
  set_status (self, _("Saved: alles-wat-we-bewaren.pdf and alles-wat-we-bewaren.json. "
                      "Read the professional notes at the end of the PDF before handing it over."));
}

void
kt_inzage_window_save_to (KtInzageWindow *self,
                          GFile          *folder)
{
  g_autoptr(GFile) pdf = NULL;
  g_autoptr(GFile) json = NULL;

  g_return_if_fail (KT_IS_INZAGE_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));

  /* Everything held, or nothing: it is written once the records are read. */
  if (self->loading > 0)
    {
      g_set_object (&self->waiting_folder, folder);
      return;
    }
  /* No names in the file names: they show up in lists of recent files. */
  pdf = g_file_get_child (folder, "alles-wat-we-bewaren.pdf");
  json = g_file_get_child (folder, "alles-wat-we-bewaren.json");
  gtk_widget_set_sensitive (self->save_button, FALSE);
  set_status (self, _("Saving…"));
  kt_inzage_write_async (self->catalogue, self->kase, self->conversations, self->plans, self->names, pdf, json,
                         self->cancellable, written_cb, g_object_ref (self));
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     KtInzageWindow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (folder != NULL)
        kt_inzage_window_save_to (self, folder);
    }
  g_clear_object (&self->chooser);
}

static void
on_save_clicked (KtInzageWindow *self)
{
  if (self->chooser != NULL)
    return;
  /* GTK 4.8 has no GtkFileDialog: the native chooser uses the portal. */
  self->chooser = gtk_file_chooser_native_new (_("Choose a Folder for the Files"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Save Here"), _("_Cancel"));
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
fhir_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KtInzageWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (self->fhir_button, TRUE);
  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, error->message);
      return;
    }
  set_status (self, _("Saved the plan as a FHIR R4 bundle."));
}

void
kt_inzage_window_save_fhir_to (KtInzageWindow *self,
                               GFile          *file)
{
  KtConversation *conversation;
  g_autoptr(GBytes) bundle = NULL;

  g_return_if_fail (KT_IS_INZAGE_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->loading > 0)
    {
      g_set_object (&self->waiting_fhir, file);
      return;
    }
  if (self->plans->len == 0)
    return;
  conversation = self->conversations->len > 0
                 ? g_ptr_array_index (self->conversations, self->conversations->len - 1) : NULL;
  /* Built in memory (small); written with async GIO. */
  bundle = kt_fhir_bundle_new (self->catalogue, self->kase, conversation,
                               g_ptr_array_index (self->plans, self->plans->len - 1));
  gtk_widget_set_sensitive (self->fhir_button, FALSE);
  g_file_replace_contents_bytes_async (file, bundle, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, fhir_written_cb, g_object_ref (self));
}

static void
fhir_chooser_response_cb (GtkNativeDialog *dialog,
                          int              response,
                          KtInzageWindow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        kt_inzage_window_save_fhir_to (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
on_fhir_clicked (KtInzageWindow *self)
{
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save the Plan as FHIR"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "plan-fhir-r4.json");
  g_signal_connect (self->chooser, "response", G_CALLBACK (fhir_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
add_read_row (KtInzageWindow *self,
              const char     *title,
              const char     *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, "kt-read-row");
  adw_preferences_group_add (self->reads_group, row);
}

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "plan") == 0)
    return _("the plan");
  if (g_strcmp0 (kind, "conversation") == 0)
    return _("the conversation");
  return _("the household's details");
}

static void
reads_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KtInzageWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reads = kt_case_reads_fetch_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->kase == NULL)
    return;
  if (reads == NULL)
    {
      add_read_row (self, error->message, NULL);
      return;
    }
  if (reads->len == 0)
    add_read_row (self, _("No one else has read it."), NULL);
  for (guint i = 0; i < reads->len; i++)
    {
      const KtCaseRead *read = g_ptr_array_index (reads, i);
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (read->at);
      g_autofree char *date = at != NULL ? g_date_time_format (at, "%Y-%m-%d") : NULL;
      g_autofree char *when = kt_format_date (date, KT_DATE_LONG);
      g_autofree char *time = at != NULL ? g_date_time_format (at, "%H:%M") : NULL;
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      title = g_strdup_printf (_("%s read %s"), read->display_name != NULL ? read->display_name : read->username,
                               kind_label (read->kind));
      subtitle = g_strdup_printf (_("%s at %s"), when != NULL ? when : "", time != NULL ? time : "");
      add_read_row (self, title, subtitle);
    }
}

/* @docs (read from the store, oldest first) with the open document in the
 * place of its stored copy, or after them when it is not stored yet. */
static void
take_documents (GPtrArray      *into,
                GPtrArray      *docs,
                gpointer        open,
                gpointer      (*ref) (gpointer))
{
  gboolean have_open = FALSE;

  for (guint i = 0; docs != NULL && i < docs->len; i++)
    {
      gpointer doc = g_ptr_array_index (docs, i);

      /* Each kind of document starts with its KtRecordHeader. */
      if (open != NULL && g_strcmp0 (((KtRecordHeader *) doc)->id, ((KtRecordHeader *) open)->id) == 0)
        {
          doc = open;
          have_open = TRUE;
        }
      g_ptr_array_add (into, ref (doc));
    }
  if (open != NULL && !have_open)
    g_ptr_array_add (into, ref (open));
}

/* Every record is in: the saves can start, and one asked for meanwhile
 * does. */
static void
documents_loaded (KtInzageWindow *self)
{
  g_autoptr(GFile) folder = g_steal_pointer (&self->waiting_folder);
  g_autoptr(GFile) fhir = g_steal_pointer (&self->waiting_fhir);

  g_clear_pointer (&self->open_conversation, kt_conversation_unref);
  g_clear_pointer (&self->open_plan, kt_plan_unref);
  set_status (self, NULL);
  gtk_widget_set_sensitive (self->save_button, TRUE);
  gtk_widget_set_sensitive (self->fhir_button, self->plans->len > 0);
  if (folder != NULL)
    kt_inzage_window_save_to (self, folder);
  if (fhir != NULL)
    kt_inzage_window_save_fhir_to (self, fhir);
}

static void
conversations_read_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(KtInzageWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conversations = kt_store_load_conversations_for_case_finish (KT_STORE (source),
                                                                                   result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* A store that cannot give them (locked meanwhile) gives none, as
   * before; the open one is still there. */
  take_documents (self->conversations, conversations, self->open_conversation,
                  (gpointer (*) (gpointer)) kt_conversation_ref);
  if (--self->loading == 0)
    documents_loaded (self);
}

static void
plans_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KtInzageWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plans = kt_store_load_plans_for_case_finish (KT_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  take_documents (self->plans, plans, self->open_plan,
                  (gpointer (*) (gpointer)) kt_plan_ref);
  if (--self->loading == 0)
    documents_loaded (self);
}

/* The household's conversations and plans, every version, read and
 * decrypted on the store's worker (issue 22: on the main loop they held
 * it for each record, and waited for any save holding the store).  The
 * window shows at once and says it is loading; the open documents, which
 * may have changes not yet saved, take the place of their stored copies. */
static void
load_documents (KtInzageWindow *self,
                KtStore        *store,
                KtConversation *open_conversation,
                KtPlan         *open_plan)
{
  self->open_conversation = open_conversation != NULL ? kt_conversation_ref (open_conversation) : NULL;
  self->open_plan = open_plan != NULL ? kt_plan_ref (open_plan) : NULL;
  if (store == NULL)
    {
      take_documents (self->conversations, NULL, self->open_conversation,
                      (gpointer (*) (gpointer)) kt_conversation_ref);
      take_documents (self->plans, NULL, self->open_plan, (gpointer (*) (gpointer)) kt_plan_ref);
      documents_loaded (self);
      return;
    }
  self->loading = 2;
  set_status (self, _("Loading…"));
  gtk_widget_set_sensitive (self->save_button, FALSE);
  gtk_widget_set_sensitive (self->fhir_button, FALSE);
  kt_store_load_conversations_for_case_async (store, self->kase->header.id, self->cancellable,
                                              conversations_read_cb, g_object_ref (self));
  kt_store_load_plans_for_case_async (store, self->kase->header.id, self->cancellable,
                                      plans_read_cb, g_object_ref (self));
}

static void
build (KtInzageWindow *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *files = adw_preferences_group_new ();
  GtkWidget *warning = adw_action_row_new ();
  GtkWidget *warning_icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  gtk_window_set_title (GTK_WINDOW (self), _("Everything We Keep About You"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 640);
  gtk_box_append (GTK_BOX (toolbar), header);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (files), _("For the resident"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (files),
    _("A readable PDF of everything held about this household — the request, the conversations, "
      "every version of the plan, the consents with their history — and the same as a data file "
      "(JSON) the resident may take to another organisation (AVG articles 15 and 20). The "
      "professional notes are in the last, marked section of the PDF: read them before handing it over."));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (warning), _("The files are not encrypted"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (warning),
                               _("Choose where they go, hand them over, then delete them from this device."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (warning_icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Warning"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (warning), warning_icon);
  gtk_widget_add_css_class (warning, "warning");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (files), warning);

  self->save_button = gtk_button_new_with_mnemonic (_("_Save PDF and Data File…"));
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  gtk_widget_add_css_class (self->save_button, "pill");
  gtk_widget_set_halign (self->save_button, GTK_ALIGN_CENTER);
  kt_a11y_set_label (self->save_button, _("Save PDF and data file"));
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (on_save_clicked), self);
  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  gtk_widget_set_margin_top (box, 12);
  gtk_box_append (GTK_BOX (box), self->save_button);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (files), box);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (files));

  {
    GtkWidget *other = adw_preferences_group_new ();

    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (other), _("For another system"));
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (other),
      _("The latest plan as an HL7 FHIR R4 bundle, for another municipal system: goals, actions, "
        "provisions, the care team, consents and the wheel. No notes for the file and nothing "
        "about safety. Not encrypted either."));
    self->fhir_button = gtk_button_new_with_mnemonic (_("Save as _FHIR…"));
    gtk_widget_add_css_class (self->fhir_button, "pill");
    gtk_widget_set_halign (self->fhir_button, GTK_ALIGN_CENTER);
    kt_a11y_set_label (self->fhir_button, _("Save the plan as FHIR"));
    g_signal_connect_swapped (self->fhir_button, "clicked", G_CALLBACK (on_fhir_clicked), self);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (other), self->fhir_button);
    adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (other));
  }

  self->reads_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->reads_group, _("Who read the plan"));
  adw_preferences_group_set_description (self->reads_group,
                                         _("From the server's log: everyone else who opened this household's records, and when."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->reads_group);

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (toolbar), page);
  adw_window_set_content (ADW_WINDOW (self), toolbar);
}

static void
kt_inzage_window_dispose (GObject *object)
{
  KtInzageWindow *self = KT_INZAGE_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  G_OBJECT_CLASS (kt_inzage_window_parent_class)->dispose (object);
}

static void
kt_inzage_window_finalize (GObject *object)
{
  KtInzageWindow *self = KT_INZAGE_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->catalogue);
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversations, g_ptr_array_unref);
  g_clear_pointer (&self->plans, g_ptr_array_unref);
  g_clear_pointer (&self->open_conversation, kt_conversation_unref);
  g_clear_pointer (&self->open_plan, kt_plan_unref);
  g_clear_object (&self->waiting_folder);
  g_clear_object (&self->waiting_fhir);
  g_clear_pointer (&self->names, g_hash_table_unref);
  G_OBJECT_CLASS (kt_inzage_window_parent_class)->finalize (object);
}

static void
kt_inzage_window_class_init (KtInzageWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kt_inzage_window_dispose;
  object_class->finalize = kt_inzage_window_finalize;
}

static void
kt_inzage_window_init (KtInzageWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_conversation_unref);
  self->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);
  build (self);
}

GtkWidget *
kt_inzage_window_new (GtkWindow      *parent,
                      KtCatalogue    *catalogue,
                      KtStore        *store,
                      KtCase         *kase,
                      KtConversation *conversation,
                      KtPlan         *plan,
                      KtSyncClient   *sync,
                      GHashTable     *names)
{
  KtInzageWindow *self;

  g_return_val_if_fail (KT_IS_CATALOGUE (catalogue), NULL);
  g_return_val_if_fail (kase != NULL, NULL);

  self = g_object_new (KT_TYPE_INZAGE_WINDOW, "modal", TRUE, "transient-for", parent, NULL);
  self->catalogue = g_object_ref (catalogue);
  self->kase = kt_case_ref (kase);
  self->names = names != NULL ? g_hash_table_ref (names) : NULL;
  load_documents (self, store, conversation, plan);
  if (sync != NULL && kt_sync_client_is_signed_in (sync))
    kt_case_reads_fetch_async (sync, kase->header.id, self->cancellable, reads_cb, g_object_ref (self));
  else
    add_read_row (self, _("Sign in to see who read the plan."), NULL);
  return GTK_WIDGET (self);
}

const char *
kt_inzage_window_get_status (KtInzageWindow *self)
{
  g_return_val_if_fail (KT_IS_INZAGE_WINDOW (self), NULL);
  return gtk_label_get_label (self->status_label);
}

AdwPreferencesGroup *
kt_inzage_window_get_reads_group (KtInzageWindow *self)
{
  g_return_val_if_fail (KT_IS_INZAGE_WINDOW (self), NULL);
  return self->reads_group;
}
