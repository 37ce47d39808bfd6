/* kt-conversation-page.c: KtConversationPage, the life domains one by one
 *
 * A narrow column lists the domains in the coach's order with their state;
 * beside it either the overview (coverage view) or one domain page.  The
 * column and the page fold into two pages of a leaflet on a narrow screen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-conversation-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-conversation-page.h"
#include "kt-a11y.h"
#include "kt-conversation-page-private.h"
#include "kt-app-util.h"
#include "kt-coverage-view.h"
#include "kt-domain-page.h"
#include "kt-domain-row.h"

#define OVERVIEW_ID "overview"

struct _KtConversationPage
{
  GtkWidget          parent_instance;

  AdwLeaflet        *leaflet;
  GtkWidget         *content;
  GtkLabel          *coverage_label;
  GtkListBox        *domain_list;
  GtkRevealer       *back_revealer;
  GtkStack          *content_stack;
  KtCoverageView    *coverage_view;
  KtDomainPage      *domain_page;

  AdwMessageDialog  *dialog;          /* the skip question, while shown */

  KtCatalogue       *catalogue;
  KtCase            *kase;
  KtConversation    *conversation;
  char              *current;         /* domain id, or NULL for the overview */
  gboolean           filling;
  gboolean           tiles_fresh;  /* the coverage view just built its tiles */
  char              *shown;        /* what the rows and tiles show (shown_key ()) */
  gboolean           resident_watching;
};

G_DEFINE_FINAL_TYPE (KtConversationPage, kt_conversation_page, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  COMPLETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (KtConversationPage *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* The column of domains */

static void
select_current_row (KtConversationPage *self)
{
  const char *want = self->current != NULL ? self->current : OVERVIEW_ID;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->domain_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      if (g_strcmp0 (kt_domain_row_get_domain_id (KT_DOMAIN_ROW (row)), want) == 0)
        {
          self->filling = TRUE;
          gtk_list_box_select_row (self->domain_list, GTK_LIST_BOX_ROW (row));
          self->filling = FALSE;
          return;
        }
    }
}

/* Everything the rows and the tiles show of the conversation: each
 * domain's place, state and mark, and whether it is complete. */
static char *
shown_key (KtConversationPage *self)
{
  GString *key = g_string_new (NULL);

  g_string_append_printf (key, "%d %d", self->resident_watching, self->conversation->complete);
  for (guint i = 0; i < self->conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, i);

      g_string_append_printf (key, "|%s %d %d %d", entry->domain_id, entry->state,
                              kt_app_entry_mark (entry), kt_app_entry_mark_watched (entry));
    }
  return g_string_free (key, FALSE);
}

static guint
n_rows (KtConversationPage *self)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->domain_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    n++;
  return n;
}

static void
rebuild_list (KtConversationPage *self)
{
  GtkWidget *row;
  guint n;
  g_autofree char *coverage = NULL;
  g_autofree char *key = self->conversation != NULL ? shown_key (self) : NULL;

  /* Typing in a domain page changes the conversation at every key, and
   * most keys change nothing the rows and tiles show.  Making the 14 rows
   * and 13 tiles again at every key cost each typing frame 40-60 ms, most
   * of it shaping their text anew (issue 22); they are made again only
   * when what they show changed. */
  if (key != NULL && g_strcmp0 (key, self->shown) == 0)
    return;
  g_free (self->shown);
  self->shown = g_steal_pointer (&key);

  /* The rows are kept and told what they show (KtDomainRow): another
   * household has the same domains, so mostly only their marks change. */
  n = self->conversation != NULL ? self->conversation->entries->len + 1 : 0;
  while (n_rows (self) > n)
    gtk_list_box_remove (self->domain_list, gtk_widget_get_last_child (GTK_WIDGET (self->domain_list)));
  while (n_rows (self) < n)
    gtk_list_box_append (self->domain_list, kt_domain_row_new ());
  if (self->conversation == NULL)
    return;

  row = gtk_widget_get_first_child (GTK_WIDGET (self->domain_list));
  kt_domain_row_set (KT_DOMAIN_ROW (row), OVERVIEW_ID, _("At a Glance"), "view-grid-symbolic", NULL);
  for (guint i = 0; i < self->conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, i);
      const KtDomain *domain = kt_catalogue_lookup (self->catalogue, entry->domain_id);
      KtAppMark mark = self->resident_watching ? kt_app_entry_mark_watched (entry)
                                               : kt_app_entry_mark (entry);

      row = gtk_widget_get_next_sibling (row);
      kt_domain_row_set (KT_DOMAIN_ROW (row), entry->domain_id,
                         domain != NULL ? domain->name : entry->domain_id,
                         kt_app_mark_icon (mark), kt_app_mark_label (mark));
    }
  select_current_row (self);

  coverage = kt_app_coverage_text (self->conversation);
  gtk_label_set_label (self->coverage_label, coverage);
  if (!self->tiles_fresh)
    kt_coverage_view_refresh (self->coverage_view);
}

/* Showing a domain or the overview */

static void
show (KtConversationPage *self,
      const char         *domain_id)
{
  KtDomainEntry *entry = NULL;

  if (domain_id != NULL && g_strcmp0 (domain_id, OVERVIEW_ID) != 0)
    entry = kt_conversation_find_entry (self->conversation, domain_id);

  g_free (self->current);
  self->current = entry != NULL ? g_strdup (entry->domain_id) : NULL;
  if (entry != NULL)
    {
      kt_domain_page_set_entry (self->domain_page, self->catalogue, self->kase,
                                self->conversation, entry);
      gtk_stack_set_visible_child_name (self->content_stack, "domain");
    }
  else
    {
      if (!self->tiles_fresh)
        kt_coverage_view_refresh (self->coverage_view);
      gtk_stack_set_visible_child_name (self->content_stack, "overview");
    }
  select_current_row (self);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.skip", entry != NULL);
  /* Safety is always asked: never "nothing to discuss" in one tap. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.nothing-to-discuss",
                                 entry != NULL && g_strcmp0 (entry->domain_id, KT_SAFETY_DOMAIN_ID) != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.move-up", entry != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.move-down", entry != NULL);
}

/* A row opens when it is activated (a tap, a click, Enter or Space), not
 * when keyboard focus passes over it: tabbing through the page must not
 * change the domain on screen. */
static void
on_row_activated (KtConversationPage *self,
                  GtkListBoxRow      *row)
{
  if (self->filling)
    return;
  show (self, kt_domain_row_get_domain_id (KT_DOMAIN_ROW (row)));
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
show_domain_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  show (KT_CONVERSATION_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KtConversationPage *self = KT_CONVERSATION_PAGE (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static guint
current_index (KtConversationPage *self)
{
  for (guint i = 0; self->current != NULL && i < self->conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, i);

      if (g_strcmp0 (entry->domain_id, self->current) == 0)
        return i;
    }
  return G_MAXUINT;
}

/* Goes to the first domain still open after the current one, wrapping
 * round; to the overview when none is left. */
static void
show_next_open (KtConversationPage *self)
{
  GPtrArray *entries = self->conversation->entries;
  guint start = current_index (self);

  start = start == G_MAXUINT ? 0 : start + 1;
  for (guint n = 0; n < entries->len; n++)
    {
      KtDomainEntry *entry = g_ptr_array_index (entries, (start + n) % entries->len);

      if (entry->state == KT_DOMAIN_NOT_YET)
        {
          show (self, entry->domain_id);
          return;
        }
    }
  show (self, NULL);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KtConversationPage *self = KT_CONVERSATION_PAGE (widget);
  KtDomainEntry *entry;

  if (self->conversation == NULL)
    return;
  entry = self->current != NULL ? kt_conversation_find_entry (self->conversation, self->current) : NULL;
  if (entry != NULL && entry->state == KT_DOMAIN_NOT_YET)
    {
      entry->state = KT_DOMAIN_DISCUSSED;
      emit_changed (self);
    }
  rebuild_list (self);
  show_next_open (self);
}

/* Skipping */

static void
on_reason_changed (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  g_autofree char *reason = g_strstrip (g_strdup (kt_app_editable_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "skip", reason[0] != '\0');
}

static void
on_skip_response (AdwMessageDialog   *dialog,
                  const char         *response,
                  KtConversationPage *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *reason = NULL;
  g_autofree char *domain_id = g_strdup (g_object_get_data (G_OBJECT (dialog), "kt-domain-id"));
  g_autoptr(GError) error = NULL;

  self->dialog = NULL;
  if (g_strcmp0 (response, "skip") != 0 || self->conversation == NULL)
    return;
  reason = g_strstrip (g_strdup (kt_app_editable_text (entry)));
  if (!kt_conversation_skip (self->conversation, domain_id, reason, &error))
    {
      kt_coverage_view_show_open (self->coverage_view, error->message);
      show (self, NULL);
      return;
    }
  emit_changed (self);
  rebuild_list (self);
  show_next_open (self);
}

static AdwMessageDialog *
dialog_new (KtConversationPage *self,
            const char         *heading,
            const char         *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, body);

  return ADW_MESSAGE_DIALOG (dialog);
}

static void
skip_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KtConversationPage *self = KT_CONVERSATION_PAGE (widget);
  const KtDomain *domain;
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  g_autofree char *heading = NULL;

  if (self->conversation == NULL || self->current == NULL)
    return;
  domain = kt_catalogue_lookup (self->catalogue, self->current);

  if (domain != NULL && domain->never_skip)
    {
      dialog = dialog_new (self, _("Safety Is Never Skipped"),
                           _("Every member of the household is asked about safety, children first. "
                             "If the resident cannot speak freely now, come back to it later in "
                             "the conversation."));
      adw_message_dialog_add_response (dialog, "close", _("_Understood"));
      g_object_set_data (G_OBJECT (dialog), "kt-refused", GINT_TO_POINTER (1));
      g_signal_connect_swapped (dialog, "response", G_CALLBACK (g_nullify_pointer), &self->dialog);
      self->dialog = dialog;
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  /* TRANSLATORS: "Skip Wonen?" */
  heading = g_strdup_printf (_("Skip %s?"), domain != NULL ? domain->name : self->current);
  dialog = dialog_new (self, heading, _("Why is this not talked about now? The reason stays in the file."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "skip", _("_Skip"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "skip", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "skip", FALSE);
  adw_message_dialog_set_default_response (dialog, "skip");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "kt-domain-id", g_strdup (self->current), g_free);
  g_signal_connect (entry, "changed", G_CALLBACK (on_reason_changed), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_skip_response), self);
  self->dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* "Gaat goed, niets te bespreken": one tap, and on to the next domain. */
static void
nothing_to_discuss_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  KtConversationPage *self = KT_CONVERSATION_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->conversation == NULL || self->current == NULL)
    return;
  if (!kt_conversation_mark_nothing_to_discuss (self->conversation, self->current, &error))
    {
      kt_coverage_view_show_open (self->coverage_view, error->message);
      show (self, NULL);
      return;
    }
  emit_changed (self);
  rebuild_list (self);
  show_next_open (self);
}

/* Reordering */

static void
move (KtConversationPage *self,
      int                 delta)
{
  GPtrArray *entries = self->conversation->entries;
  guint index = current_index (self);
  guint other;
  gpointer swap;

  if (index == G_MAXUINT || (delta < 0 && index == 0) || (delta > 0 && index + 1 >= entries->len))
    return;
  other = index + delta;
  swap = entries->pdata[index];
  entries->pdata[index] = entries->pdata[other];
  entries->pdata[other] = swap;
  rebuild_list (self);
  emit_changed (self);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KtConversationPage *self = KT_CONVERSATION_PAGE (widget);

  if (self->conversation != NULL)
    move (self, g_str_equal (action_name, "conversation.move-up") ? -1 : 1);
}

/* Completing */

/* The open domains by their catalogue names (transfer full), or NULL. */
static char *
open_domains_text (KtConversationPage *self)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < self->conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (self->conversation->entries, i);
      const KtDomain *domain = kt_catalogue_lookup (self->catalogue, entry->domain_id);

      if (entry->state != KT_DOMAIN_NOT_YET)
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, domain != NULL ? domain->name : entry->domain_id);
    }
  if (names->len == 0)
    return NULL;
  /* TRANSLATORS: followed by a list of life domains */
  return g_strdup_printf (_("Not finished yet. Discuss or skip these topics first: %s."), names->str);
}

static void
complete_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KtConversationPage *self = KT_CONVERSATION_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->conversation == NULL)
    return;
  show (self, NULL);
  if (!kt_conversation_complete (self->conversation, &error))
    {
      g_autofree char *open = open_domains_text (self);

      /* Domains by their names when some are open; else the model's word
       * on the safety checks still to do. */
      kt_coverage_view_show_open (self->coverage_view, open != NULL ? open : error->message);
      return;
    }
  kt_coverage_view_show_open (self->coverage_view, NULL);
  rebuild_list (self);
  emit_changed (self);
  g_signal_emit (self, signals[COMPLETED], 0);
}

/* Edits from the pages */

static void
on_domain_changed (KtConversationPage *self)
{
  rebuild_list (self);
  emit_changed (self);
}

static void
on_folded (KtConversationPage *self)
{
  gtk_revealer_set_reveal_child (self->back_revealer, adw_leaflet_get_folded (self->leaflet));
}

void
kt_conversation_page_set_conversation (KtConversationPage *self,
                                       KtCatalogue        *catalogue,
                                       KtCase             *kase,
                                       KtConversation     *conversation)
{
  g_return_if_fail (KT_IS_CONVERSATION_PAGE (self));

  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  g_set_object (&self->catalogue, catalogue);
  if (kase != NULL)
    kt_case_ref (kase);
  g_clear_pointer (&self->kase, kt_case_unref);
  self->kase = kase;
  if (conversation != NULL)
    kt_conversation_ref (conversation);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  self->conversation = conversation;
  g_clear_pointer (&self->current, g_free);
  g_clear_pointer (&self->shown, g_free);

  /* The domain page borrows an entry of the old conversation: let go of it. */
  kt_domain_page_set_entry (self->domain_page, catalogue, kase, conversation, NULL);
  /* The coverage view builds its tiles here; the list and the overview
   * would build them twice more.  Now that a page is filled as it is shown
   * (issue 22) that was 39 tiles made for 13, each announced to screen
   * readers as the page appeared. */
  kt_coverage_view_set_conversation (self->coverage_view, catalogue, conversation);
  self->tiles_fresh = TRUE;
  rebuild_list (self);
  if (conversation != NULL)
    show (self, NULL);
  self->tiles_fresh = FALSE;
}

void
kt_conversation_page_set_resident_watching (KtConversationPage *self,
                                            gboolean            watching)
{
  g_return_if_fail (KT_IS_CONVERSATION_PAGE (self));

  gboolean changed = self->resident_watching != !!watching;

  self->resident_watching = !!watching;
  kt_coverage_view_set_resident_watching (self->coverage_view, watching);
  kt_domain_page_set_resident_watching (self->domain_page, watching);
  /* The case view sets the mode at every case it opens, just after
   * set_conversation built the list: building it twice cost ~4 ms a case
   * (issue 22). */
  if (changed)
    rebuild_list (self);
}

/* Private accessors (kt-conversation-page-private.h) */

KtDomainPage *
kt_conversation_page_get_domain_page (KtConversationPage *self)
{
  return self->domain_page;
}

KtCoverageView *
kt_conversation_page_get_coverage_view (KtConversationPage *self)
{
  return self->coverage_view;
}

const char *
kt_conversation_page_get_current (KtConversationPage *self)
{
  return self->current;
}

AdwMessageDialog *
kt_conversation_page_get_dialog (KtConversationPage *self,
                                 gboolean           *refusal)
{
  if (refusal != NULL)
    *refusal = self->dialog != NULL && g_object_get_data (G_OBJECT (self->dialog), "kt-refused") != NULL;
  return self->dialog;
}

GtkWidget *
kt_conversation_page_get_domain_row (KtConversationPage *self,
                                     const char         *domain_id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->domain_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (kt_domain_row_get_domain_id (KT_DOMAIN_ROW (row)), domain_id) == 0)
      return row;
  return NULL;
}

static void
kt_conversation_page_dispose (GObject *object)
{
  KtConversationPage *self = KT_CONVERSATION_PAGE (object);

  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  g_clear_object (&self->catalogue);
  g_clear_pointer (&self->kase, kt_case_unref);
  g_clear_pointer (&self->conversation, kt_conversation_unref);
  g_clear_pointer (&self->current, g_free);
  g_clear_pointer (&self->shown, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), KT_TYPE_CONVERSATION_PAGE);
  G_OBJECT_CLASS (kt_conversation_page_parent_class)->dispose (object);
}

static void
kt_conversation_page_class_init (KtConversationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_conversation_page_dispose;

  /* The user edited the conversation. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Every domain is discussed or skipped and the conversation is complete. */
  signals[COMPLETED] = g_signal_new ("completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KT_TYPE_COVERAGE_VIEW);
  g_type_ensure (KT_TYPE_DOMAIN_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-conversation-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KtConversationPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KtConversationPage, content);
  gtk_widget_class_bind_template_child (widget_class, KtConversationPage, coverage_label);
  gtk_widget_class_bind_template_child (widget_class, KtConversationPage, domain_list);
  gtk_widget_class_bind_template_child (widget_class, KtConversationPage, back_revealer);
  gtk_widget_class_bind_template_child (widget_class, KtConversationPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, KtConversationPage, coverage_view);
  gtk_widget_class_bind_template_child (widget_class, KtConversationPage, domain_page);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "conversation.show-domain", "s", show_domain_action);
  gtk_widget_class_install_action (widget_class, "conversation.show-list", NULL, show_list_action);
  gtk_widget_class_install_action (widget_class, "conversation.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "conversation.skip", NULL, skip_action);
  gtk_widget_class_install_action (widget_class, "conversation.nothing-to-discuss", NULL,
                                   nothing_to_discuss_action);
  gtk_widget_class_install_action (widget_class, "conversation.move-up", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "conversation.move-down", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "conversation.complete", NULL, complete_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "conversation.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "conversation.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "conversation.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK, "conversation.next", NULL);
}

static void
kt_conversation_page_init (KtConversationPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  kt_a11y_set_label (GTK_WIDGET (self->domain_list), _("Life domains"));

  g_signal_connect_swapped (self->domain_list, "row-activated", G_CALLBACK (on_row_activated), self);
  g_signal_connect_swapped (self->domain_page, "changed", G_CALLBACK (on_domain_changed), self);
  g_signal_connect_swapped (self->coverage_view, "changed", G_CALLBACK (emit_changed), self);
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (on_folded), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.skip", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.nothing-to-discuss", FALSE);
}

GtkWidget *
kt_conversation_page_new (void)
{
  return g_object_new (KT_TYPE_CONVERSATION_PAGE, NULL);
}
