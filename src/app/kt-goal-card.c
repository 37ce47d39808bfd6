/* kt-goal-card.c: KtGoalCard, one goal of the plan with who does what and by when
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-goal-card"

#include "config.h"

#include "kt-goal-card.h"
#include "kt-a11y.h"

#include <glib/gi18n.h>

#include "kt-date-format.h"
#include "kt-date-row.h"
#include "kt-report.h"

struct _KtGoalCard
{
  GtkBox        parent_instance;

  KtCatalogue  *catalogue;
  KtCase       *kase;
  KtGoal       *goal;             /* owned by the plan */
  GtkListBox   *actions_list;
  GtkListBox   *notes_list;
  AdwActionRow *about_row;
  AdwActionRow *whose_row;
};

G_DEFINE_FINAL_TYPE (KtGoalCard, kt_goal_card, GTK_TYPE_BOX)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void rebuild_actions (KtGoalCard *self);

static void
emit_changed (KtGoalCard *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

KtActor
kt_goal_card_actor_for (const KtCase *kase,
                        const char   *who)
{
  const KtNetworkPerson *person;

  if (who == NULL || g_strcmp0 (who, "self") == 0)
    return KT_ACTOR_RESIDENT;
  if (g_strcmp0 (who, "coach") == 0)
    return KT_ACTOR_PROFESSIONAL;
  person = kase != NULL ? kt_case_find_person (kase, who) : NULL;
  if (person == NULL)
    return KT_ACTOR_NETWORK;
  switch (person->kind)
    {
    case KT_NETWORK_VOLUNTEER:    return KT_ACTOR_VOLUNTEER;
    case KT_NETWORK_PROFESSIONAL: return KT_ACTOR_PROFESSIONAL;
    case KT_NETWORK_INFORMAL:
    case KT_N_NETWORK_KINDS:
    default:                      return KT_ACTOR_NETWORK;
    }
}

/* ---- small builders ----------------------------------------------------- */

static void
set_text_field (char       **field,
                const char  *text)
{
  g_free (*field);
  *field = kt_text_is_blank (text) ? NULL : g_strdup (text);
}

static void
entry_changed_cb (GtkEditable *editable,
                  KtGoalCard  *self)
{
  char **field = g_object_get_data (G_OBJECT (editable), "field");

  set_text_field (field, gtk_editable_get_text (editable));
  emit_changed (self);
}

static GtkWidget *
entry_row (KtGoalCard  *self,
           const char  *title,
           char       **field)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), *field != NULL ? *field : "");
  g_object_set_data (G_OBJECT (row), "field", field);
  g_signal_connect (row, "changed", G_CALLBACK (entry_changed_cb), self);
  return row;
}

static void
date_changed_cb (KtDateRow  *row,
                 KtGoalCard *self)
{
  char **field = g_object_get_data (G_OBJECT (row), "field");

  set_text_field (field, kt_date_row_get_date (row));
  emit_changed (self);
}

/* A date picked from a calendar, or none (issue 16: never typed). */
static GtkWidget *
date_row (KtGoalCard  *self,
          const char  *title,
          char       **field)
{
  GtkWidget *row = kt_date_row_new (title, TRUE);

  kt_date_row_set_date (KT_DATE_ROW (row), *field);
  g_object_set_data (G_OBJECT (row), "field", field);
  g_signal_connect (row, "changed", G_CALLBACK (date_changed_cb), self);
  return row;
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action,
             const char *goal_id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  kt_a11y_set_label (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", goal_id);
  return button;
}

/* ---- what the goal is about --------------------------------------------- */

static char *
about_text (KtGoalCard *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; self->goal->domains != NULL && self->goal->domains[i] != NULL; i++)
    {
      const KtDomain *domain = kt_catalogue_lookup (self->catalogue, self->goal->domains[i]);

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, domain != NULL ? domain->name : self->goal->domains[i]);
    }
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    if (self->goal->segments & (1u << s))
      {
        if (text->len > 0)
          g_string_append (text, ", ");
        g_string_append (text, kt_catalogue_segment_name (self->catalogue, s));
      }
  if (text->len == 0)
    g_string_append (text, _("Nothing linked yet"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
domain_toggled_cb (GtkCheckButton *check,
                   KtGoalCard     *self)
{
  const char *domain_id = g_object_get_data (G_OBJECT (check), "domain");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *about = NULL;

  for (guint i = 0; self->goal->domains != NULL && self->goal->domains[i] != NULL; i++)
    if (!g_str_equal (self->goal->domains[i], domain_id))
      g_strv_builder_add (builder, self->goal->domains[i]);
  if (gtk_check_button_get_active (check))
    g_strv_builder_add (builder, domain_id);
  g_strfreev (self->goal->domains);
  self->goal->domains = g_strv_builder_end (builder);

  about = about_text (self);
  adw_action_row_set_subtitle (self->about_row, about);
  emit_changed (self);
}

static void
segment_toggled_cb (GtkCheckButton *check,
                    KtGoalCard     *self)
{
  guint bit = 1u << GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "segment"));
  g_autofree char *about = NULL;

  if (gtk_check_button_get_active (check))
    self->goal->segments |= bit;
  else
    self->goal->segments &= ~bit;
  about = about_text (self);
  adw_action_row_set_subtitle (self->about_row, about);
  emit_changed (self);
}

static GtkWidget *
about_popover (KtGoalCard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *label;

  label = gtk_label_new (_("Participation wheel"));
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (kt_catalogue_segment_name (self->catalogue, s));

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), (self->goal->segments & (1u << s)) != 0);
      g_object_set_data (G_OBJECT (check), "segment", GUINT_TO_POINTER (s));
      g_signal_connect (check, "toggled", G_CALLBACK (segment_toggled_cb), self);
      gtk_box_append (GTK_BOX (box), check);
    }

  label = gtk_label_new (_("Life domains"));
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_top (label, 12);
  gtk_box_append (GTK_BOX (box), label);
  for (guint i = 0; i < kt_catalogue_get_n_domains (self->catalogue); i++)
    {
      const KtDomain *domain = kt_catalogue_get_domain (self->catalogue, i);
      GtkWidget *check = gtk_check_button_new_with_label (domain->name);

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   self->goal->domains != NULL &&
                                   g_strv_contains ((const char * const *) self->goal->domains, domain->id));
      g_object_set_data_full (G_OBJECT (check), "domain", g_strdup (domain->id), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (domain_toggled_cb), self);
      gtk_box_append (GTK_BOX (box), check);
    }

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 420);
  gtk_popover_set_child (GTK_POPOVER (popover), scroller);
  return popover;
}

/* ---- whose goal ----------------------------------------------------------- */

static char *
whose_text (KtGoalCard *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; self->kase != NULL && i < self->kase->members->len; i++)
    {
      const KtMember *member = g_ptr_array_index (self->kase->members, i);

      if (!kt_goal_is_for_member (self->goal, member->id))
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, member->name != NULL ? member->name : "");
    }
  if (text->len == 0)
    g_string_append (text, _("The whole household"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
member_toggled_cb (GtkCheckButton *check,
                   KtGoalCard     *self)
{
  const char *member_id = g_object_get_data (G_OBJECT (check), "member");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *whose = NULL;

  for (guint i = 0; self->goal->members != NULL && self->goal->members[i] != NULL; i++)
    if (!g_str_equal (self->goal->members[i], member_id))
      g_strv_builder_add (builder, self->goal->members[i]);
  if (gtk_check_button_get_active (check))
    g_strv_builder_add (builder, member_id);
  g_strfreev (self->goal->members);
  self->goal->members = g_strv_builder_end (builder);

  whose = whose_text (self);
  adw_action_row_set_subtitle (self->whose_row, whose);
  emit_changed (self);
}

/* A goal is the household's until members are ticked: then it is their own,
 * and the report puts it under their name. */
static GtkWidget *
whose_row_new (KtGoalCard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *menu = gtk_menu_button_new ();
  g_autofree char *whose = whose_text (self);

  self->whose_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->whose_row), _("Whose goal"));
  adw_action_row_set_subtitle (self->whose_row, whose);
  for (guint i = 0; self->kase != NULL && i < self->kase->members->len; i++)
    {
      const KtMember *member = g_ptr_array_index (self->kase->members, i);
      GtkWidget *check = gtk_check_button_new_with_label (member->name != NULL ? member->name : "");

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), kt_goal_is_for_member (self->goal, member->id));
      g_object_set_data_full (G_OBJECT (check), "member", g_strdup (member->id), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (member_toggled_cb), self);
      gtk_box_append (GTK_BOX (box), check);
    }
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu), "system-users-symbolic");
  gtk_widget_set_tooltip_text (menu, _("Choose whose own goal it is"));
  kt_a11y_set_label (menu, _("Choose whose own goal it is"));
  gtk_widget_add_css_class (menu, "flat");
  gtk_widget_set_valign (menu, GTK_ALIGN_CENTER);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (menu), popover);
  adw_action_row_add_suffix (self->whose_row, menu);
  adw_action_row_set_activatable_widget (self->whose_row, menu);
  return GTK_WIDGET (self->whose_row);
}

/* ---- actions ------------------------------------------------------------ */

static char *
action_subtitle (KtGoalCard     *self,
                 const KtAction *action)
{
  const char *who_name;
  const KtNetworkPerson *person = action->who != NULL && self->kase != NULL
                                  ? kt_case_find_person (self->kase, action->who) : NULL;

  if (person != NULL)
    who_name = person->name;
  else if (g_strcmp0 (action->who, "coach") == 0)
    who_name = _("The coach");
  else
    who_name = kt_actor_get_label (action->actor);

  if (action->due != NULL)
    {
      g_autofree char *due = kt_format_date (action->due, KT_DATE_LONG);
      return g_strdup_printf (_("%s · by %s"), who_name, due != NULL ? due : action->due);
    }
  return g_strdup (who_name);
}

/* Names the lists libadwaita 1.2 keeps inside an expander row (one for
 * its header, one for its rows), not the lists further in. */
static void
name_inner_lists (GtkWidget  *widget,
                  const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX (child))
        kt_a11y_set_label (child, name);
      else if (!GTK_IS_POPOVER (child))
        name_inner_lists (child, name);
    }
}

static void
refresh_action_row (KtGoalCard     *self,
                    AdwExpanderRow *row,
                    const KtAction *action)
{
  g_autofree char *subtitle = action_subtitle (self, action);
  const char *title = action->what != NULL ? action->what : _("New action");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (row, subtitle);
  /* libadwaita 1.2 names neither an expander row nor the list in it by its
   * title, and a card is made after the window named its tree
   * (kt_a11y_fix_tree): a screen reader said nothing for the action and
   * its fields. */
  kt_a11y_set_label (GTK_WIDGET (row), title);
  name_inner_lists (GTK_WIDGET (row), title);
}

static void
action_entry_changed_cb (GtkEditable *editable,
                         KtGoalCard  *self)
{
  AdwExpanderRow *row = g_object_get_data (G_OBJECT (editable), "action-row");
  KtAction *action = g_object_get_data (G_OBJECT (row), "action");

  entry_changed_cb (editable, self);
  refresh_action_row (self, row, action);
}

static void
action_date_changed_cb (KtDateRow  *date,
                        KtGoalCard *self)
{
  AdwExpanderRow *row = g_object_get_data (G_OBJECT (date), "action-row");
  KtAction *action = g_object_get_data (G_OBJECT (row), "action");

  date_changed_cb (date, self);
  refresh_action_row (self, row, action);
}

static void
who_selected_cb (AdwComboRow *combo,
                 GParamSpec  *pspec,
                 KtGoalCard  *self)
{
  AdwExpanderRow *row = g_object_get_data (G_OBJECT (combo), "action-row");
  KtAction *action = g_object_get_data (G_OBJECT (row), "action");
  GStrv ids = g_object_get_data (G_OBJECT (combo), "ids");
  guint selected = adw_combo_row_get_selected (combo);

  if (selected == GTK_INVALID_LIST_POSITION || ids == NULL || selected >= g_strv_length (ids))
    return;
  g_free (action->who);
  action->who = g_str_equal (ids[selected], "self") ? NULL : g_strdup (ids[selected]);
  action->actor = kt_goal_card_actor_for (self->kase, ids[selected]);
  refresh_action_row (self, row, action);
  emit_changed (self);
}

static void
done_cb (GtkSwitch  *toggle,
         GParamSpec *pspec,
         KtGoalCard *self)
{
  KtAction *action = g_object_get_data (G_OBJECT (toggle), "action");

  action->done = gtk_switch_get_active (toggle);
  emit_changed (self);
}

static void
remove_action_cb (GtkButton  *button,
                  KtGoalCard *self)
{
  KtAction *action = g_object_get_data (G_OBJECT (button), "action");

  g_ptr_array_remove (self->goal->actions, action);
  rebuild_actions (self);
  emit_changed (self);
}

static GtkWidget *
who_combo (KtGoalCard     *self,
           AdwExpanderRow *row,
           const KtAction *action)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  GtkWidget *combo = adw_combo_row_new ();
  guint selected = 0, n = 0;
  GStrv id_list;

  gtk_string_list_append (names, _("The resident"));
  g_strv_builder_add (ids, "self");
  n++;
  gtk_string_list_append (names, _("The coach"));
  g_strv_builder_add (ids, "coach");
  if (g_strcmp0 (action->who, "coach") == 0)
    selected = n;
  n++;
  for (guint i = 0; self->kase != NULL && i < self->kase->network->len; i++)
    {
      const KtNetworkPerson *person = g_ptr_array_index (self->kase->network, i);
      g_autofree char *label = NULL;

      /* "Niet benaderen": never offered; an action given to them before the
       * household said so still shows who it is, marked. */
      if (!kt_network_person_may_suggest (person) && g_strcmp0 (action->who, person->id) != 0)
        continue;
      if (!kt_network_person_may_suggest (person))
        label = g_strdup_printf (_("%s · do not approach"), person->name);
      else
        label = g_strdup_printf ("%s · %s", person->name,
                                 kt_actor_get_label (kt_goal_card_actor_for (self->kase, person->id)));

      gtk_string_list_append (names, label);
      g_strv_builder_add (ids, person->id);
      if (g_strcmp0 (action->who, person->id) == 0)
        selected = n;
      n++;
    }

  id_list = g_strv_builder_end (ids);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo), _("Who"));
  kt_a11y_name_choice_list (combo);
  adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (names));
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), selected);
  g_object_set_data_full (G_OBJECT (combo), "ids", id_list, (GDestroyNotify) g_strfreev);
  g_object_set_data (G_OBJECT (combo), "action-row", row);
  g_signal_connect (combo, "notify::selected", G_CALLBACK (who_selected_cb), self);
  return combo;
}

static GtkWidget *
action_row (KtGoalCard *self,
            KtAction   *action)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *what, *when, *done_row, *toggle, *remove;

  g_object_set_data (G_OBJECT (row), "action", action);
  refresh_action_row (self, ADW_EXPANDER_ROW (row), action);

  what = entry_row (self, _("What"), &action->what);
  g_signal_handlers_disconnect_by_func (what, entry_changed_cb, self);
  g_signal_connect (what, "changed", G_CALLBACK (action_entry_changed_cb), self);
  g_object_set_data (G_OBJECT (what), "action-row", row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), what);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), who_combo (self, ADW_EXPANDER_ROW (row), action));

  when = date_row (self, _("By when"), &action->due);
  g_signal_handlers_disconnect_by_func (when, date_changed_cb, self);
  g_signal_connect (when, "changed", G_CALLBACK (action_date_changed_cb), self);
  g_object_set_data (G_OBJECT (when), "action-row", row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), when);

  done_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (done_row), _("Done"));
  toggle = gtk_switch_new ();
  gtk_switch_set_active (GTK_SWITCH (toggle), action->done);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (toggle), "action", action);
  g_signal_connect (toggle, "notify::active", G_CALLBACK (done_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (done_row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (done_row), toggle);
  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_tooltip_text (remove, _("Remove this action"));
  kt_a11y_set_label (remove, _("Remove this action"));
  kt_a11y_set_label (toggle, _("Done"));
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (remove), "action", action);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_action_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (done_row), remove);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), done_row);
  return row;
}

static void
rebuild_actions (KtGoalCard *self)
{
  GtkWidget *child;
  GtkWidget *add;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_list))) != NULL)
    gtk_list_box_remove (self->actions_list, child);
  for (guint i = 0; i < self->goal->actions->len; i++)
    gtk_list_box_append (self->actions_list, action_row (self, g_ptr_array_index (self->goal->actions, i)));

  add = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (add), _("Add an action"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (add), gtk_image_new_from_icon_name ("list-add-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (add), TRUE);
  g_object_set_data (G_OBJECT (add), "add", GINT_TO_POINTER (TRUE));
  gtk_list_box_append (self->actions_list, add);
}

void
kt_goal_card_add_action (KtGoalCard *self)
{
  GtkWidget *row;

  g_return_if_fail (KT_IS_GOAL_CARD (self));

  g_ptr_array_add (self->goal->actions, kt_action_new ());
  rebuild_actions (self);
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->actions_list, self->goal->actions->len - 1));
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  emit_changed (self);
}

static void
action_activated_cb (GtkListBox    *list,
                     GtkListBoxRow *row,
                     KtGoalCard    *self)
{
  if (g_object_get_data (G_OBJECT (row), "add") != NULL)
    kt_goal_card_add_action (self);
}

/* ---- progress notes ----------------------------------------------------- */

static void
rebuild_notes (KtGoalCard *self)
{
  GtkWidget *child;

  /* Keep the first row: the entry for a new note. */
  while ((child = gtk_widget_get_next_sibling (gtk_widget_get_first_child (GTK_WIDGET (self->notes_list)))) != NULL)
    gtk_list_box_remove (self->notes_list, child);
  for (guint i = 0; self->goal->progress_notes != NULL && i < self->goal->progress_notes->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (self->goal->progress_notes, i));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_list_box_append (self->notes_list, row);
    }
}

static void
note_apply_cb (AdwEntryRow *entry,
               KtGoalCard  *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (kt_text_is_blank (text))
    return;
  if (self->goal->progress_notes == NULL)
    self->goal->progress_notes = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->goal->progress_notes, g_strdup (text));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  rebuild_notes (self);
  emit_changed (self);
}

/* ---- the card ----------------------------------------------------------- */

static void
status_cb (AdwComboRow *combo,
           GParamSpec  *pspec,
           KtGoalCard  *self)
{
  guint selected = adw_combo_row_get_selected (combo);

  if (selected < KT_N_GOAL_STATUSES)
    {
      self->goal->status = selected;
      emit_changed (self);
    }
}

static GtkWidget *
boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return list;
}

static GtkWidget *
section_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 6);
  return label;
}

static void
build (KtGoalCard *self,
       guint       position,
       guint       n_goals)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *number, *list, *combo, *menu, *note, *up, *down;
  g_autofree char *number_text = g_strdup_printf (_("Goal %u"), position + 1);
  g_autofree char *about = about_text (self);
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);

  number = gtk_label_new (number_text);
  gtk_widget_add_css_class (number, "title-4");
  gtk_widget_set_hexpand (number, TRUE);
  gtk_label_set_xalign (GTK_LABEL (number), 0);
  gtk_box_append (GTK_BOX (header), number);
  up = icon_button ("go-up-symbolic", _("Higher priority"), "plan.move-goal-up", self->goal->id);
  down = icon_button ("go-down-symbolic", _("Lower priority"), "plan.move-goal-down", self->goal->id);
  gtk_widget_set_sensitive (up, position > 0);
  gtk_widget_set_sensitive (down, position + 1 < n_goals);
  gtk_box_append (GTK_BOX (header), up);
  gtk_box_append (GTK_BOX (header), down);
  gtk_box_append (GTK_BOX (header), icon_button ("user-trash-symbolic", _("Remove this goal"),
                                                 "plan.remove-goal", self->goal->id));
  gtk_box_append (GTK_BOX (self), header);

  list = boxed_list ();
  /* Lists outside a preferences group have no title for kt_a11y_fix_tree
   * to name them by: named here, as the heading above each says. */
  kt_a11y_set_label (list, number_text);
  gtk_list_box_append (GTK_LIST_BOX (list), entry_row (self, _("Goal"), &self->goal->title));
  gtk_list_box_append (GTK_LIST_BOX (list), entry_row (self, _("What is different when it works"),
                                                       &self->goal->difference));

  self->about_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->about_row), _("About"));
  adw_action_row_set_subtitle (self->about_row, about);
  menu = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu), "document-edit-symbolic");
  gtk_widget_set_tooltip_text (menu, _("Link life domains and wheel areas"));
  kt_a11y_set_label (menu, _("Link life domains and wheel areas"));
  gtk_widget_add_css_class (menu, "flat");
  gtk_widget_set_valign (menu, GTK_ALIGN_CENTER);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (menu), about_popover (self));
  adw_action_row_add_suffix (self->about_row, menu);
  adw_action_row_set_activatable_widget (self->about_row, menu);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->about_row));
  if (self->kase != NULL && self->kase->members->len > 0)
    gtk_list_box_append (GTK_LIST_BOX (list), whose_row_new (self));

  for (int s = 0; s < KT_N_GOAL_STATUSES; s++)
    gtk_string_list_append (statuses, kt_goal_status_get_label (s));
  combo = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo), _("Status"));
  kt_a11y_name_choice_list (combo);
  adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (statuses));
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), self->goal->status);
  g_signal_connect (combo, "notify::selected", G_CALLBACK (status_cb), self);
  gtk_list_box_append (GTK_LIST_BOX (list), combo);
  gtk_list_box_append (GTK_LIST_BOX (list), date_row (self, _("Look at it again on"),
                                                      &self->goal->evaluation_date));
  gtk_box_append (GTK_BOX (self), list);

  gtk_box_append (GTK_BOX (self), section_label (_("Who does what")));
  self->actions_list = GTK_LIST_BOX (boxed_list ());
  kt_a11y_set_label (GTK_WIDGET (self->actions_list), _("Who does what"));
  g_signal_connect (self->actions_list, "row-activated", G_CALLBACK (action_activated_cb), self);
  rebuild_actions (self);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->actions_list));

  gtk_box_append (GTK_BOX (self), section_label (_("Progress")));
  self->notes_list = GTK_LIST_BOX (boxed_list ());
  kt_a11y_set_label (GTK_WIDGET (self->notes_list), _("Progress"));
  note = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (note), _("Write down how it is going"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (note), TRUE);
  g_signal_connect (note, "apply", G_CALLBACK (note_apply_cb), self);
  gtk_list_box_append (self->notes_list, note);
  rebuild_notes (self);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->notes_list));
}

GtkWidget *
kt_goal_card_new (KtCatalogue *catalogue,
                  KtCase      *kase,
                  KtGoal      *goal,
                  guint        position,
                  guint        n_goals)
{
  KtGoalCard *self;

  g_return_val_if_fail (KT_IS_CATALOGUE (catalogue), NULL);
  g_return_val_if_fail (goal != NULL, NULL);

  self = g_object_new (KT_TYPE_GOAL_CARD,
                       "orientation", GTK_ORIENTATION_VERTICAL,
                       "spacing", 12,
                       NULL);
  self->catalogue = g_object_ref (catalogue);
  self->kase = kase != NULL ? kt_case_ref (kase) : NULL;
  self->goal = goal;
  build (self, position, n_goals);
  return GTK_WIDGET (self);
}

KtGoal *
kt_goal_card_get_goal (KtGoalCard *self)
{
  g_return_val_if_fail (KT_IS_GOAL_CARD (self), NULL);
  return self->goal;
}

static void
kt_goal_card_dispose (GObject *object)
{
  KtGoalCard *self = KT_GOAL_CARD (object);

  g_clear_object (&self->catalogue);
  g_clear_pointer (&self->kase, kt_case_unref);
  G_OBJECT_CLASS (kt_goal_card_parent_class)->dispose (object);
}

static void
kt_goal_card_class_init (KtGoalCardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kt_goal_card_dispose;

  /* The goal changed: save the plan. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "ktgoalcard");
}

static void
kt_goal_card_init (KtGoalCard *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "goal-card");
}
