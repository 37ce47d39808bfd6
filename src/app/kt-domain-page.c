/* kt-domain-page.c: KtDomainPage, one life domain of the conversation
 *
 * What goes well comes first, then the concern.  Any edit marks the domain
 * discussed.  A concern brings up the related domains from the catalogue;
 * a safety flag brings up the safety check of every member, children first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-domain-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-domain-page.h"
#include "kt-a11y.h"
#include "kt-domain-page-private.h"
#include "kt-app-util.h"
#include "kt-member-voice-row.h"
#include "kt-text-field.h"

struct _KtDomainPage
{
  GtkWidget            parent_instance;

  GtkWidget           *box;
  GtkWidget           *scroller;
  GtkLabel            *name_label;
  GtkLabel            *description_label;
  GtkWidget           *skipped_box;
  GtkLabel            *skipped_label;
  GtkWidget           *prompts_box;
  GtkRevealer         *related_revealer;
  GtkLabel            *related_label;
  GtkButton           *related_button;
  KtTextField         *going_well_field;
  KtTextField         *concern_field;
  GtkWidget           *watching_label;
  GtkFlowBox          *level_box;
  GtkFlowBox          *helpers_box;
  GtkWidget           *level_section;
  GtkWidget           *helpers_section;
  AdwPreferencesGroup *members_group;
  AdwPreferencesGroup *details_group;
  AdwPreferencesGroup *safety_group;

  GtkToggleButton     *level_buttons[KT_LEVEL_MAX + 1];
  GtkToggleButton     *helper_buttons[4];
  KtTextField         *wish_field;
  GtkWidget           *priority_row;
  GtkWidget           *safety_row;
  GPtrArray           *prompt_labels;
  GPtrArray           *safety_rows;
  GPtrArray           *member_rows;     /* (element-type KtMemberVoiceRow) */

  KtCatalogue         *catalogue;
  KtCase              *kase;
  KtConversation      *conversation;
  KtDomainEntry       *entry;
  gboolean             loading;
  gboolean             resident_watching;
};

G_DEFINE_FINAL_TYPE (KtDomainPage, kt_domain_page, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const level_names[KT_LEVEL_MAX + 1] = {
  N_("Not scored"),
  N_("Acute problems"),
  N_("Not self-reliant"),
  N_("Limited"),
  N_("Sufficient"),
  N_("Fully self-reliant"),
};

static const char * const helper_names[4] = {
  N_("Self"), N_("Network"), N_("Volunteers or provision"), N_("Professional"),
};

static const char * const priority_labels[] = {
  N_("None"), N_("High"), N_("Medium"), N_("Low"), NULL
};

static void refresh_related (KtDomainPage *self);
static void rebuild_safety (KtDomainPage *self);

/* What shows depends on the safety flag and on who is watching.  While the
 * resident watches (a partner at the table may be the risk) no safety flag,
 * check or note shows; on a flagged domain the concern stays hidden, and on
 * the safety domain itself everything that was said.  Why a domain was
 * skipped is a note for the file, hidden too. */
static void
refresh_visibility (KtDomainPage *self)
{
  gboolean watching = self->resident_watching;
  gboolean safety_domain = g_strcmp0 (self->entry->domain_id, KT_SAFETY_DOMAIN_ID) == 0;
  gboolean flagged = self->entry->safety_flag;
  gboolean hide_all = watching && safety_domain;

  gtk_widget_set_visible (GTK_WIDGET (self->safety_group), !watching && (flagged || safety_domain));
  gtk_widget_set_visible (self->safety_row, !watching);
  gtk_widget_set_visible (GTK_WIDGET (self->concern_field), !(watching && (flagged || safety_domain)));
  gtk_widget_set_visible (self->prompts_box, !hide_all && self->prompt_labels->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->going_well_field), !hide_all);
  gtk_widget_set_visible (self->level_section, !hide_all);
  gtk_widget_set_visible (self->helpers_section, !hide_all);
  gtk_widget_set_visible (GTK_WIDGET (self->details_group), !hide_all);
  gtk_widget_set_visible (GTK_WIDGET (self->wish_field), !hide_all);
  gtk_widget_set_visible (self->watching_label, hide_all);
  gtk_widget_set_visible (self->skipped_box, !watching && self->entry->state == KT_DOMAIN_SKIPPED);
}

/* Every edit counts as having discussed the domain. */
static void
entry_edited (KtDomainPage *self)
{
  /* Something was said after all. */
  self->entry->nothing_to_discuss = FALSE;
  if (self->entry->state != KT_DOMAIN_DISCUSSED)
    {
      self->entry->state = KT_DOMAIN_DISCUSSED;
      g_clear_pointer (&self->entry->skip_reason, g_free);
      gtk_widget_set_visible (self->skipped_box, FALSE);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_detail_changed (gpointer user_data)
{
  KtDomainPage *self = user_data;

  refresh_visibility (self);
  refresh_related (self);
  entry_edited (self);
}

static void
on_text_changed (KtDomainPage *self,
                 KtTextField  *field)
{
  g_autofree char *text = kt_text_field_get_text (field);
  char **target;

  if (self->entry == NULL)
    return;
  target = field == self->going_well_field ? &self->entry->going_well
           : field == self->wish_field ? &self->entry->wish : &self->entry->concern;
  if (!kt_app_set_text (target, text))
    return;
  refresh_related (self);
  entry_edited (self);
}

static void
on_level_toggled (GtkToggleButton *button,
                  KtDomainPage    *self)
{
  int level = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "kt-level"));

  if (self->loading || self->entry == NULL || !gtk_toggle_button_get_active (button) ||
      self->entry->level == level)
    return;
  self->entry->level = level;
  refresh_related (self);
  entry_edited (self);
}

static void
on_helper_toggled (GtkToggleButton *button,
                   KtDomainPage    *self)
{
  KtHelpers flag = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "kt-helper"));

  if (self->loading || self->entry == NULL)
    return;
  if (gtk_toggle_button_get_active (button))
    self->entry->helpers |= flag;
  else
    self->entry->helpers &= ~flag;
  entry_edited (self);
}

/* Related domains: the ones not yet talked about, after a concern or a
 * low score (kt_catalogue_suggest_related), with the safety domain added
 * whenever a safety flag is set. */
static GPtrArray *
open_related_domains (KtDomainPage *self)
{
  GPtrArray *open = kt_catalogue_suggest_related (self->catalogue, self->conversation, self->entry);

  if (self->entry->safety_flag && g_strcmp0 (self->entry->domain_id, KT_SAFETY_DOMAIN_ID) != 0)
    {
      const KtDomain *safety = kt_catalogue_lookup (self->catalogue, KT_SAFETY_DOMAIN_ID);
      KtDomainEntry *entry = kt_conversation_find_entry (self->conversation, KT_SAFETY_DOMAIN_ID);

      if (safety != NULL && entry != NULL && entry->state == KT_DOMAIN_NOT_YET &&
          !g_ptr_array_find (open, safety, NULL))
        g_ptr_array_insert (open, 0, (gpointer) safety);
    }
  return open;
}

static char *
join_names (GPtrArray *domains)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < domains->len; i++)
    {
      const KtDomain *domain = g_ptr_array_index (domains, i);

      if (i > 0 && i == domains->len - 1)
        /* TRANSLATORS: between the last two names of a list */
        g_string_append (names, _(" and "));
      else if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, domain->name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
refresh_related (KtDomainPage *self)
{
  g_autoptr(GPtrArray) open = NULL;
  g_autofree char *names = NULL;
  g_autofree char *text = NULL;
  g_autofree char *button = NULL;
  const KtDomain *first;

  if (self->entry == NULL)
    return;
  open = open_related_domains (self);
  gtk_revealer_set_reveal_child (self->related_revealer, open->len > 0);
  if (open->len == 0)
    return;

  first = g_ptr_array_index (open, 0);
  names = join_names (open);
  /* TRANSLATORS: "Geld en schulden often touches Wonen and Opvoeding too. Discuss now?" */
  text = g_strdup_printf (_("%s often touches %s too. Discuss now?"),
                          kt_catalogue_lookup (self->catalogue, self->entry->domain_id)->name, names);
  gtk_label_set_label (self->related_label, text);
  /* TRANSLATORS: a button that opens that domain */
  button = g_strdup_printf (_("Discuss %s"), first->name);
  gtk_button_set_label (self->related_button, button);
  kt_a11y_set_label (GTK_WIDGET (self->related_button), button);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->related_button), "s", first->id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->related_button), "conversation.show-domain");
}

/* Safety check of each member */

static KtSafetyCheck *
find_or_add_check (KtDomainPage   *self,
                   const KtMember *member)
{
  GPtrArray *checks = self->conversation->safety_checks;
  KtSafetyCheck *check;

  for (guint i = 0; i < checks->len; i++)
    {
      check = g_ptr_array_index (checks, i);
      if (g_strcmp0 (check->member_id, member->id) == 0)
        return check;
    }
  check = kt_safety_check_new (member->id);
  g_ptr_array_add (checks, check);
  return check;
}

static void
safety_row_refresh (GtkWidget *expander)
{
  KtSafetyCheck *check = g_object_get_data (G_OBJECT (expander), "kt-check");
  const KtMember *member = g_object_get_data (G_OBJECT (expander), "kt-member");
  const char *state;
  g_autofree char *subtitle = NULL;

  if (check->concern)
    state = _("Worry about safety");
  else if (check->checked)
    state = _("Asked");
  else
    state = _("Not asked yet");
  subtitle = g_strdup_printf (_("%s · %s"),
                              kt_app_member_is_child (member) ? _("Child") : _("Adult"), state);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);
  if (check->concern)
    adw_expander_row_set_icon_name (ADW_EXPANDER_ROW (expander), "dialog-warning-symbolic");
  else
    adw_expander_row_set_icon_name (ADW_EXPANDER_ROW (expander),
                                    check->checked ? "object-select-symbolic" : "radio-symbolic");
}

static void
on_safety_check_changed (gpointer user_data)
{
  GtkWidget *expander = user_data;
  KtDomainPage *self = g_object_get_data (G_OBJECT (expander), "kt-page");

  safety_row_refresh (expander);
  entry_edited (self);
}

static GtkWidget *
safety_row_new (KtDomainPage   *self,
                const KtMember *member)
{
  KtSafetyCheck *check = find_or_add_check (self, member);
  GtkWidget *expander = adw_expander_row_new ();

  g_object_set_data (G_OBJECT (expander), "kt-page", self);
  g_object_set_data (G_OBJECT (expander), "kt-check", check);
  g_object_set_data (G_OBJECT (expander), "kt-member", (gpointer) member);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander),
                                 member->name != NULL ? member->name : _("Unnamed member"));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                            kt_app_switch_row_new (_("Asked about safety"), NULL, &check->checked,
                                                   on_safety_check_changed, expander));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                            kt_app_switch_row_new (_("Worry about safety"), NULL, &check->concern,
                                                   on_safety_check_changed, expander));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                            kt_app_text_row_new (_("Note"), &check->note,
                                                 on_safety_check_changed, expander));
  safety_row_refresh (expander);
  return expander;
}

/* "Children first" only where there are children (issue 16: a household
 * without them reads no word about them). */
static void
refresh_safety_words (KtDomainPage *self)
{
  gboolean children = self->kase != NULL && kt_case_has_children (self->kase);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->safety_row),
                               children ? _("Then ask about every member, children first")
                                        : _("Then ask about every member"));
  adw_preferences_group_set_description (self->safety_group,
                                         children ? _("Ask about every member, children first, when the resident can speak freely.")
                                                  : _("Ask about every member when the resident can speak freely."));
}

static void
rebuild_safety (KtDomainPage *self)
{
  g_autoptr(GPtrArray) members = NULL;

  for (guint i = 0; i < self->safety_rows->len; i++)
    adw_preferences_group_remove (self->safety_group, g_ptr_array_index (self->safety_rows, i));
  g_ptr_array_set_size (self->safety_rows, 0);
  if (self->kase == NULL)
    return;

  members = kt_app_members_children_first (self->kase);
  for (guint i = 0; i < members->len; i++)
    g_ptr_array_add (self->safety_rows, safety_row_new (self, g_ptr_array_index (members, i)));
  if (members->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("Add the household members on the Request page first."));
      g_ptr_array_add (self->safety_rows, row);
    }
  for (guint i = 0; i < self->safety_rows->len; i++)
    adw_preferences_group_add (self->safety_group, g_ptr_array_index (self->safety_rows, i));
}

/* Filling the page */

/* ---- members ------------------------------------------------------------ */

static void
on_member_changed (KtDomainPage *self)
{
  entry_edited (self);
}

/* One row per member: whether the domain is about them, their own words. */
static void
rebuild_members (KtDomainPage *self)
{
  for (guint i = 0; i < self->member_rows->len; i++)
    adw_preferences_group_remove (self->members_group, g_ptr_array_index (self->member_rows, i));
  g_ptr_array_set_size (self->member_rows, 0);

  for (guint i = 0; self->kase != NULL && i < self->kase->members->len; i++)
    {
      const KtMember *member = g_ptr_array_index (self->kase->members, i);
      GtkWidget *row = kt_member_voice_row_new (self->entry, member);

      g_signal_connect_swapped (row, "changed", G_CALLBACK (on_member_changed), self);
      adw_preferences_group_add (self->members_group, row);
      g_ptr_array_add (self->member_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->members_group), self->member_rows->len > 0);
}

KtMemberVoiceRow *
kt_domain_page_get_member_row (KtDomainPage *self,
                               guint         index)
{
  g_return_val_if_fail (KT_IS_DOMAIN_PAGE (self), NULL);
  return index < self->member_rows->len ? g_ptr_array_index (self->member_rows, index) : NULL;
}

static void
add_prompt_label (KtDomainPage *self,
                  const char   *text,
                  const char   *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css_class);
  if (g_str_equal (css_class, "caption-heading"))
    gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (self->prompts_box), label);
  g_ptr_array_add (self->prompt_labels, label);
}

static void
add_prompts (KtDomainPage       *self,
             const char * const *prompts)
{
  for (guint i = 0; prompts != NULL && prompts[i] != NULL; i++)
    {
      /* TRANSLATORS: a question to ask, in quotation marks */
      g_autofree char *quoted = g_strdup_printf (_("“%s”"), prompts[i]);

      add_prompt_label (self, quoted, "prompt");
    }
}

/* The domain's prompts for this household: none about children where
 * there are none; and where the domain has them, the ones for the young
 * person after those for the parents. */
static void
show_prompts (KtDomainPage   *self,
              const KtDomain *domain)
{
  gboolean children = self->kase != NULL && kt_case_has_children (self->kase);

  for (guint i = 0; i < self->prompt_labels->len; i++)
    gtk_box_remove (GTK_BOX (self->prompts_box), g_ptr_array_index (self->prompt_labels, i));
  g_ptr_array_set_size (self->prompt_labels, 0);

  add_prompts (self, kt_domain_get_prompts (domain, children));
  if (children && domain->prompts_young_person != NULL)
    {
      add_prompt_label (self, _("To the young person"), "caption-heading");
      add_prompts (self, (const char * const *) domain->prompts_young_person);
    }
  gtk_widget_set_visible (self->prompts_box, self->prompt_labels->len > 0);
}

void
kt_domain_page_refresh (KtDomainPage *self)
{
  const KtDomain *domain;
  KtDomainEntry *entry = self->entry;

  if (entry == NULL)
    return;
  domain = kt_catalogue_lookup (self->catalogue, entry->domain_id);
  self->loading = TRUE;

  gtk_label_set_label (self->name_label, domain != NULL ? domain->name : entry->domain_id);
  gtk_label_set_label (self->description_label, domain != NULL ? domain->description : "");
  if (domain != NULL)
    show_prompts (self, domain);

  gtk_widget_set_visible (self->skipped_box, entry->state == KT_DOMAIN_SKIPPED);
  if (entry->state == KT_DOMAIN_SKIPPED)
    {
      g_autofree char *text = g_strdup_printf (_("Skipped: %s. Anything you fill in marks it as discussed."),
                                               entry->skip_reason != NULL ? entry->skip_reason : "");
      gtk_label_set_label (self->skipped_label, text);
    }

  kt_text_field_set_text (self->going_well_field, entry->going_well);
  kt_text_field_set_text (self->concern_field, entry->concern);
  gtk_toggle_button_set_active (self->level_buttons[CLAMP (entry->level, 0, KT_LEVEL_MAX)], TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (self->helper_buttons); i++)
    gtk_toggle_button_set_active (self->helper_buttons[i], (entry->helpers & (1u << i)) != 0);
  kt_text_field_set_text (self->wish_field, entry->wish);
  kt_app_combo_row_bind (self->priority_row, &entry->priority);
  kt_app_switch_row_bind (self->safety_row, &entry->safety_flag);
  gtk_widget_set_sensitive (self->safety_row, TRUE);

  rebuild_safety (self);
  refresh_safety_words (self);
  rebuild_members (self);
  refresh_visibility (self);
  refresh_related (self);
  self->loading = FALSE;
}

void
kt_domain_page_set_entry (KtDomainPage   *self,
                          KtCatalogue    *catalogue,
                          KtCase         *kase,
                          KtConversation *conversation,
                          KtDomainEntry  *entry)
{
  g_return_if_fail (KT_IS_DOMAIN_PAGE (self));

  self->catalogue = catalogue;
  self->kase = kase;
  self->conversation = conversation;
  self->entry = entry;
  kt_domain_page_refresh (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
}

void
kt_domain_page_set_resident_watching (KtDomainPage *self,
                                      gboolean      watching)
{
  g_return_if_fail (KT_IS_DOMAIN_PAGE (self));

  self->resident_watching = watching;
  if (self->entry != NULL)
    refresh_visibility (self);
}

KtDomainEntry *
kt_domain_page_get_entry (KtDomainPage *self)
{
  return self->entry;
}

/* Private accessors for the tests */

KtTextField *
kt_domain_page_get_wish_field (KtDomainPage *self)
{
  return self->wish_field;
}

KtTextField *
kt_domain_page_get_text_field (KtDomainPage *self,
                               gboolean      concern)
{
  return concern ? self->concern_field : self->going_well_field;
}

GtkToggleButton *
kt_domain_page_get_level_button (KtDomainPage *self,
                                 int           level)
{
  return self->level_buttons[CLAMP (level, 0, KT_LEVEL_MAX)];
}

GtkToggleButton *
kt_domain_page_get_helper_button (KtDomainPage *self,
                                  guint         index)
{
  return self->helper_buttons[MIN (index, 3)];
}

GtkSwitch *
kt_domain_page_get_safety_switch (KtDomainPage *self)
{
  return g_object_get_data (G_OBJECT (self->safety_row), "kt-switch");
}

GtkLabel *
kt_domain_page_get_related_label (KtDomainPage *self)
{
  return gtk_revealer_get_reveal_child (self->related_revealer) ? self->related_label : NULL;
}

GtkButton *
kt_domain_page_get_related_button (KtDomainPage *self)
{
  return self->related_button;
}

/* Set-up */

static void
kt_domain_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KT_TYPE_DOMAIN_PAGE);
  G_OBJECT_CLASS (kt_domain_page_parent_class)->dispose (object);
}

static void
kt_domain_page_finalize (GObject *object)
{
  KtDomainPage *self = KT_DOMAIN_PAGE (object);

  g_clear_pointer (&self->prompt_labels, g_ptr_array_unref);
  g_clear_pointer (&self->safety_rows, g_ptr_array_unref);
  g_clear_pointer (&self->member_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (kt_domain_page_parent_class)->finalize (object);
}

static void
kt_domain_page_class_init (KtDomainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_domain_page_dispose;
  object_class->finalize = kt_domain_page_finalize;

  /* The user edited the entry (it is now discussed). */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KT_TYPE_TEXT_FIELD);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-domain-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, box);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, skipped_box);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, skipped_label);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, prompts_box);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, related_revealer);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, related_label);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, related_button);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, going_well_field);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, concern_field);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, watching_label);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, level_box);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, level_section);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, helpers_section);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, helpers_box);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, details_group);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, members_group);
  gtk_widget_class_bind_template_child (widget_class, KtDomainPage, safety_group);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kt_domain_page_init (KtDomainPage *self)
{
  g_autofree const char **priorities = kt_app_translate_labels (priority_labels);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Named again with the domain it opens when it shows. */
  kt_a11y_set_label (GTK_WIDGET (self->related_button), _("Discuss a related life domain"));
  self->prompt_labels = g_ptr_array_new ();
  self->safety_rows = g_ptr_array_new ();
  self->member_rows = g_ptr_array_new ();

  g_signal_connect_swapped (self->going_well_field, "changed", G_CALLBACK (on_text_changed), self);
  g_signal_connect_swapped (self->concern_field, "changed", G_CALLBACK (on_text_changed), self);

  for (int level = 0; level <= KT_LEVEL_MAX; level++)
    {
      g_autofree char *number = level == 0 ? g_strdup ("–") : g_strdup_printf ("%d", level);
      GtkWidget *button = kt_app_choice_button_new (number, _(level_names[level]));

      g_object_set_data (G_OBJECT (button), "kt-level", GINT_TO_POINTER (level));
      if (level > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->level_buttons[0]);
      g_signal_connect (button, "toggled", G_CALLBACK (on_level_toggled), self);
      self->level_buttons[level] = GTK_TOGGLE_BUTTON (button);
    }
  /* "Not scored" last, after 1–5. */
  for (int level = 1; level <= KT_LEVEL_MAX; level++)
    kt_app_flow_box_append (self->level_box, GTK_WIDGET (self->level_buttons[level]));
  kt_app_flow_box_append (self->level_box, GTK_WIDGET (self->level_buttons[0]));

  for (guint i = 0; i < G_N_ELEMENTS (helper_names); i++)
    {
      GtkWidget *button = kt_app_choice_button_new (_(helper_names[i]), NULL);

      g_object_set_data (G_OBJECT (button), "kt-helper", GUINT_TO_POINTER (1u << i));
      g_signal_connect (button, "toggled", G_CALLBACK (on_helper_toggled), self);
      self->helper_buttons[i] = GTK_TOGGLE_BUTTON (button);
      kt_app_flow_box_append (self->helpers_box, button);
    }

  /* The resident's wish, in their own words: as many lines as they need
   * (issue 21), just above priority and safety. */
  self->wish_field = KT_TEXT_FIELD (kt_text_field_new (_("Wish")));
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->details_group))),
                              GTK_WIDGET (self->wish_field),
                              gtk_widget_get_prev_sibling (GTK_WIDGET (self->details_group)));
  g_signal_connect_swapped (self->wish_field, "changed", G_CALLBACK (on_text_changed), self);
  self->priority_row = kt_app_combo_row_new (_("Priority"), priorities, NULL, on_detail_changed, self);
  self->safety_row = kt_app_switch_row_new (_("Safety concern"),
                                            _("Then ask about every member, children first"),
                                            NULL, on_detail_changed, self);
  adw_preferences_group_add (self->details_group, self->priority_row);
  adw_preferences_group_add (self->details_group, self->safety_row);
}

GtkWidget *
kt_domain_page_new (void)
{
  return g_object_new (KT_TYPE_DOMAIN_PAGE, NULL);
}
