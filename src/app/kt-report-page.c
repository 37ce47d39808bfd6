/* kt-report-page.c: KtReportPage, a preview of the resident's report, to save or print
 *
 * It offers two reports: the resident's, to take home, and the dossier report
 * for the file.  While the resident watches (meekijkstand) only the
 * resident's report is offered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-report-page"

#include "config.h"

#include "kt-report-page.h"
#include "kt-a11y.h"

#include <glib/gi18n.h>

#include "kt-consent.h"
#include "kt-report.h"
#include "kt-unencrypted-dialog.h"

/* Preview pixels per PostScript point, before the display's scale. */
#define PREVIEW_SCALE 1.35

struct _KtReportPage
{
  AdwBin           parent_instance;

  AdwToastOverlay *toasts;
  GtkBox          *pages_box;
  GtkWidget       *dossier_button;
  GtkLabel        *kind_label;
  GtkDropDown     *copy_for_dropdown;
  GtkStringList   *copy_for_list;
  GPtrArray       *copy_for_ids;    /* consent ids behind copy_for_list[1…] */
  gboolean         filling_copy_for;

  KtReportKind     kind;
  gboolean         resident_watching;
  KtCatalogue     *catalogue;
  KtCase          *kase;
  KtConversation  *conversation;
  KtPlan          *plan;
  KtReport        *report;
  GtkFileChooserNative *chooser;
  GCancellable    *cancellable;
  GFile           *saving;          /* where the PDF being written goes */
  guint            n_pages;
  char            *coach_account;   /* the signed-in coach's account … */
  char            *coach_name;      /* … and the name the resident knows */
};

G_DEFINE_FINAL_TYPE (KtReportPage, kt_report_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
kt_report_page_new (void)
{
  return g_object_new (KT_TYPE_REPORT_PAGE, NULL);
}

static GdkTexture *
render_page (KtReport *report,
             guint     page,
             double    scale)
{
  int width = (int) (KT_REPORT_PAGE_WIDTH * scale);
  int height = (int) (KT_REPORT_PAGE_HEIGHT * scale);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;

  cairo_scale (cr, scale, scale);
  kt_report_draw_page (report, cr, page);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* Cairo's ARGB32 is premultiplied BGRA in memory on little-endian: GDK_MEMORY_DEFAULT. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * height,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  return texture;
}

static void
remove_pages (KtReportPage *self)
{
  GtkWidget *child;

  g_clear_object (&self->report);
  self->n_pages = 0;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->pages_box))) != NULL)
    gtk_box_remove (self->pages_box, child);
}

void
kt_report_page_clear (KtReportPage *self)
{
  g_return_if_fail (KT_IS_REPORT_PAGE (self));

  remove_pages (self);
  g_clear_object (&self->catalogue);
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->plan, kt_plan_unref);
}

static void
update_kind_label (KtReportPage *self)
{
  if (self->kind == KT_REPORT_DOSSIER)
    gtk_label_set_label (self->kind_label,
                         _("For the file only: safety, the safety plan, sharing without consent "
                           "and the notes for the file. Never hand it over."));
  else
    gtk_label_set_label (self->kind_label,
                         _("For the resident to take home: nothing about safety, no notes for the file."));
}

/* The case as the report shows it: the case records its coach by account
 * ("coach1"), which means nothing to a resident, so when that is the
 * signed-in coach the report names them as their colleagues see them.
 * Anyone else's account (a colleague standing in, no one signed in) stays
 * off the paper: the report then says "your coach" (transfer full). */
static KtCase *
named_coach (KtReportPage *self)
{
  gboolean known = self->coach_account != NULL && self->coach_name != NULL && *self->coach_name != '\0' &&
                   g_strcmp0 (self->kase->coach, self->coach_account) == 0;
  KtCase *copy;

  if (self->kase->coach == NULL)
    return kt_case_ref (self->kase);
  copy = kt_case_copy (self->kase);
  g_free (copy->coach);
  copy->coach = known ? g_strdup (self->coach_name) : NULL;
  return copy;
}

/* Lays the chosen report out from the documents the page holds. */
static void
show_report (KtReportPage *self)
{
  double scale;

  g_autoptr(KtCase) kase = NULL;

  remove_pages (self);
  update_kind_label (self);
  if (self->kase == NULL)
    return;
  kase = named_coach (self);
  if (self->kind == KT_REPORT_DOSSIER)
    self->report = kt_report_new_dossier (self->catalogue, kase, self->conversation, self->plan);
  else
    {
      guint chosen = gtk_drop_down_get_selected (self->copy_for_dropdown);

      if (chosen != GTK_INVALID_LIST_POSITION && chosen > 0 && chosen <= self->copy_for_ids->len)
        self->report = kt_report_new_copy_for (self->catalogue, kase, self->conversation, self->plan,
                                               g_ptr_array_index (self->copy_for_ids, chosen - 1));
      if (self->report == NULL)
        self->report = kt_report_new (self->catalogue, kase, self->conversation, self->plan);
    }
  self->n_pages = kt_report_get_n_pages (self->report);

  scale = PREVIEW_SCALE * MAX (gtk_widget_get_scale_factor (GTK_WIDGET (self)), 1);
  for (guint page = 0; page < self->n_pages; page++)
    {
      g_autoptr(GdkTexture) texture = render_page (self->report, page, scale);
      GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      g_autofree char *label = g_strdup_printf (_("Page %u of %u"), page + 1, self->n_pages);

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
      gtk_widget_add_css_class (picture, "report-sheet");
      gtk_widget_set_halign (picture, GTK_ALIGN_FILL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_box_append (self->pages_box, picture);
    }
}

/* The parties the app may offer a copy to: only those with a consent given
 * and in force, so a withdrawn or refused one is never offered. */
static void
fill_copy_for (KtReportPage *self)
{
  g_autoptr(GPtrArray) choices = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->copy_for_list));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) labels = NULL;

  self->filling_copy_for = TRUE;
  g_ptr_array_set_size (self->copy_for_ids, 0);
  g_strv_builder_add (builder, _("For the resident"));
  if (self->kase != NULL)
    {
      choices = kt_case_share_choices (self->kase);
      for (guint i = 0; i < choices->len; i++)
        {
          const KtConsent *consent = g_ptr_array_index (choices, i);
          g_autofree char *label = g_strdup_printf (_("A copy for %s"), consent->party);

          g_strv_builder_add (builder, label);
          g_ptr_array_add (self->copy_for_ids, g_strdup (consent->id));
        }
    }
  labels = g_strv_builder_end (builder);
  gtk_string_list_splice (self->copy_for_list, 0, n, (const char * const *) labels);
  gtk_drop_down_set_selected (self->copy_for_dropdown, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->copy_for_dropdown),
                          self->copy_for_ids->len > 0 && self->kind == KT_REPORT_RESIDENT);
  self->filling_copy_for = FALSE;
}

static void
on_copy_for_selected (KtReportPage *self)
{
  if (!self->filling_copy_for)
    show_report (self);
}

GListModel *
kt_report_page_get_copy_choices (KtReportPage *self)
{
  g_return_val_if_fail (KT_IS_REPORT_PAGE (self), NULL);
  return G_LIST_MODEL (self->copy_for_list);
}

void
kt_report_page_set_coach (KtReportPage *self,
                          const char   *account,
                          const char   *name)
{
  g_return_if_fail (KT_IS_REPORT_PAGE (self));

  g_free (self->coach_account);
  self->coach_account = g_strdup (account);
  g_free (self->coach_name);
  self->coach_name = g_strdup (name);
}

KtReport *
kt_report_page_get_report (KtReportPage *self)
{
  g_return_val_if_fail (KT_IS_REPORT_PAGE (self), NULL);
  return self->report;
}

void
kt_report_page_set_documents (KtReportPage   *self,
                              KtCatalogue    *catalogue,
                              KtCase         *kase,
                              KtConversation *conversation,
                              KtPlan         *plan)
{
  g_return_if_fail (KT_IS_REPORT_PAGE (self));
  g_return_if_fail (KT_IS_CATALOGUE (catalogue));
  g_return_if_fail (kase != NULL);

  g_object_ref (catalogue);
  kt_case_ref (kase);
  if (conversation != NULL)
    kt_conversation_ref (conversation);
  if (plan != NULL)
    kt_plan_ref (plan);
  kt_report_page_clear (self);
  self->catalogue = catalogue;
  self->kase = kase;
  self->conversation = conversation;
  self->plan = plan;
  fill_copy_for (self);
  show_report (self);
}

void
kt_report_page_set_kind (KtReportPage *self,
                         KtReportKind  kind)
{
  g_return_if_fail (KT_IS_REPORT_PAGE (self));

  /* The resident watching never sees the dossier report, not even by shortcut. */
  if (self->resident_watching)
    kind = KT_REPORT_RESIDENT;
  if (self->kind == kind)
    return;
  self->kind = kind;
  fill_copy_for (self);
  show_report (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

KtReportKind
kt_report_page_get_kind (KtReportPage *self)
{
  g_return_val_if_fail (KT_IS_REPORT_PAGE (self), KT_REPORT_RESIDENT);
  return self->kind;
}

void
kt_report_page_set_resident_watching (KtReportPage *self,
                                      gboolean      watching)
{
  g_return_if_fail (KT_IS_REPORT_PAGE (self));

  self->resident_watching = !!watching;
  gtk_widget_set_visible (self->dossier_button, !self->resident_watching);
  if (self->resident_watching)
    kt_report_page_set_kind (self, KT_REPORT_RESIDENT);
}

guint
kt_report_page_get_n_pages (KtReportPage *self)
{
  g_return_val_if_fail (KT_IS_REPORT_PAGE (self), 0);
  return self->n_pages;
}

/* ---- saving --------------------------------------------------------------- */

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KtReportPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_steal_pointer (&self->saving);
  g_autofree char *message = NULL;

  if (!kt_report_write_pdf_finish (KT_REPORT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        kt_a11y_add_toast (self->toasts, kt_a11y_toast_new (error->message));
      return;
    }
  if (file != NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      message = g_strdup_printf (_("Saved as %s"), name);
    }
  kt_a11y_add_toast (self->toasts, kt_a11y_toast_new (message != NULL ? message : _("Saved")));
}

void
kt_report_page_save_to (KtReportPage *self,
                        GFile        *file)
{
  g_return_if_fail (KT_IS_REPORT_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->report == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->saving, file);
  kt_report_write_pdf_async (self->report, file, self->cancellable, saved_cb, g_object_ref (self));
}

static void
confirm_save_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 gpointer          user_data)
{
  KtReportPage *self = user_data;
  GFile *file = g_object_get_data (G_OBJECT (dialog), "kt-file");

  if (g_strcmp0 (response, KT_UNENCRYPTED_RESPONSE_GO) == 0)
    kt_report_page_save_to (self, file);
}

void
kt_report_page_confirm_save_to (KtReportPage *self,
                                GFile        *file)
{
  AdwMessageDialog *dialog;

  g_return_if_fail (KT_IS_REPORT_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->report == NULL)
    return;
  dialog = kt_unencrypted_dialog_new (GTK_WIDGET (self), file, self->kind == KT_REPORT_DOSSIER);
  g_object_set_data_full (G_OBJECT (dialog), "kt-file", g_object_ref (file), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_save_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     KtReportPage    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      kt_report_page_confirm_save_to (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KtReportPage *self = KT_REPORT_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->report == NULL || self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save the Report"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  /* No names in the file name: it shows up in lists of recent files. */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     self->kind == KT_REPORT_DOSSIER ? _("dossier-do-not-hand-over.pdf")
                                                                     : _("support-plan.pdf"));
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- printing ------------------------------------------------------------- */

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                KtReportPage      *self)
{
  gtk_print_operation_set_n_pages (operation, self->n_pages);
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              KtReportPage      *self)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double scale = MIN (gtk_print_context_get_width (context) / KT_REPORT_PAGE_WIDTH,
                      gtk_print_context_get_height (context) / KT_REPORT_PAGE_HEIGHT);

  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  kt_report_draw_page (self->report, cr, page);
  cairo_restore (cr);
}

static void
print_done_cb (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               KtReportPage            *self)
{
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      kt_a11y_add_toast (self->toasts, kt_a11y_toast_new (_("The report could not be printed.")));
    }
  g_object_unref (self);
}

static void
print_report (KtReportPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  if (self->report == NULL)
    return;

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  operation = gtk_print_operation_new ();
  gtk_print_operation_set_default_page_setup (operation, setup);
  /* The report has its own margins. */
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_allow_async (operation, TRUE);
  gtk_print_operation_set_job_name (operation, _("Support plan"));
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), self);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), self);
  g_signal_connect (operation, "done", G_CALLBACK (print_done_cb), g_object_ref (self));

  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    kt_a11y_add_toast (self->toasts, kt_a11y_toast_new (_("The report could not be printed.")));
}

static void
confirm_print_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  KtReportPage *self = user_data;

  if (g_strcmp0 (response, KT_UNENCRYPTED_RESPONSE_GO) == 0)
    print_report (self);
}

/* Paper leaves the encrypted store too: say so before the print dialog. */
static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KtReportPage *self = KT_REPORT_PAGE (widget);
  AdwMessageDialog *dialog;

  if (self->report == NULL)
    return;
  dialog = kt_unencrypted_dialog_new (widget, NULL, self->kind == KT_REPORT_DOSSIER);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_print_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
kt_report_page_dispose (GObject *object)
{
  KtReportPage *self = KT_REPORT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  kt_report_page_clear (self);
  g_clear_object (&self->saving);
  g_clear_pointer (&self->copy_for_ids, g_ptr_array_unref);
  g_clear_pointer (&self->coach_account, g_free);
  g_clear_pointer (&self->coach_name, g_free);

  G_OBJECT_CLASS (kt_report_page_parent_class)->dispose (object);
}

/* The toggles' property action works on a string: "resident" or "dossier". */
static void
kt_report_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KtReportPage *self = KT_REPORT_PAGE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_string (value, self->kind == KT_REPORT_DOSSIER ? "dossier" : "resident");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_report_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KtReportPage *self = KT_REPORT_PAGE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      kt_report_page_set_kind (self, g_strcmp0 (g_value_get_string (value), "dossier") == 0
                                     ? KT_REPORT_DOSSIER : KT_REPORT_RESIDENT);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kt_report_page_class_init (KtReportPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_report_page_dispose;
  object_class->get_property = kt_report_page_get_property;
  object_class->set_property = kt_report_page_set_property;

  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, "resident",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-report-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KtReportPage, toasts);
  gtk_widget_class_bind_template_child (widget_class, KtReportPage, pages_box);
  gtk_widget_class_bind_template_child (widget_class, KtReportPage, dossier_button);
  gtk_widget_class_bind_template_child (widget_class, KtReportPage, kind_label);
  gtk_widget_class_bind_template_child (widget_class, KtReportPage, copy_for_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KtReportPage, copy_for_list);

  gtk_widget_class_install_property_action (widget_class, "report.kind", "kind");
  gtk_widget_class_install_action (widget_class, "report.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "report.print", NULL, print_action);
}

static void
kt_report_page_init (KtReportPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->copy_for_ids = g_ptr_array_new_with_free_func (g_free);
  kt_a11y_set_label (GTK_WIDGET (self->copy_for_dropdown), _("Who the report is for"));
  kt_a11y_name_choice_list (GTK_WIDGET (self->copy_for_dropdown));
  g_signal_connect_swapped (self->copy_for_dropdown, "notify::selected", G_CALLBACK (on_copy_for_selected), self);
  fill_copy_for (self);
  update_kind_label (self);
}
