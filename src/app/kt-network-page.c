/* kt-network-page.c: KtNetworkPage, the people around the household
 *
 * Three groups in the law's order (informal, volunteers and provisions,
 * professionals).  Each person is an expander row; the badges show who is
 * case lead, contact person and evaluator.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-network-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kt-network-page.h"
#include "kt-a11y.h"
#include "kt-app-util.h"

struct _KtNetworkPage
{
  GtkWidget            parent_instance;

  GtkWidget           *scroller;
  GtkWidget           *groups_box;
  AdwPreferencesGroup *groups[KT_N_NETWORK_KINDS];
  GPtrArray           *rows;

  KtCase              *kase;
};

G_DEFINE_FINAL_TYPE (KtNetworkPage, kt_network_page, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const kind_titles[KT_N_NETWORK_KINDS] = {
  N_("Family, Friends and Neighbours"),
  N_("Volunteers and General Provisions"),
  N_("Professionals"),
};

typedef enum {
  ROLE_LEAD,
  ROLE_CONTACT,
  ROLE_EVALUATOR,
  N_ROLES
} Role;

static const char * const role_labels[N_ROLES] = {
  N_("Case lead"), N_("Contact person"), N_("Evaluates"),
};

static void rebuild (KtNetworkPage *self);

static char **
role_field (KtCase *kase,
            Role    role)
{
  switch (role)
    {
    case ROLE_LEAD:    return &kase->lead_id;
    case ROLE_CONTACT: return &kase->contact_person_id;
    case ROLE_EVALUATOR:
    default:           return &kase->evaluator_id;
    }
}

/* The household's wish about approaching the person, seen without opening
 * the row. */
static void
add_wish_badge (GtkWidget             *badges,
                const KtNetworkPerson *person)
{
  const char *text = person->no_contact ? _("Do not approach")
                     : person->unaware ? _("Does not know about this") : NULL;
  GtkWidget *badge;

  if (text == NULL)
    return;
  badge = gtk_label_new (text);
  gtk_widget_add_css_class (badge, "badge");
  gtk_widget_add_css_class (badge, "caption");
  gtk_widget_add_css_class (badge, "warning");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (badges), badge);
}

static void
person_row_refresh (GtkWidget *expander)
{
  KtNetworkPage *self = g_object_get_data (G_OBJECT (expander), "kt-page");
  KtNetworkPerson *person = g_object_get_data (G_OBJECT (expander), "kt-person");
  GtkWidget *badges = g_object_get_data (G_OBJECT (expander), "kt-badges");
  g_autoptr(GString) subtitle = g_string_new (NULL);
  const char *parts[] = { person->relation, person->role, person->organisation, person->frequency };
  GtkWidget *child;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander),
                                 person->name != NULL ? person->name : _("New person"));
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL)
        continue;
      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      g_string_append (subtitle, parts[i]);
    }
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle->str);

  for (Role role = 0; role < N_ROLES; role++)
    {
      g_autofree char *key = g_strdup_printf ("kt-role-%d", role);
      GtkSwitch *toggle = g_object_get_data (G_OBJECT (expander), key);

      if (toggle != NULL)
        gtk_switch_set_active (toggle, g_strcmp0 (*role_field (self->kase, role), person->id) == 0);
    }
  while ((child = gtk_widget_get_first_child (badges)) != NULL)
    gtk_box_remove (GTK_BOX (badges), child);
  for (Role role = 0; role < N_ROLES; role++)
    {
      GtkWidget *badge;

      if (g_strcmp0 (*role_field (self->kase, role), person->id) != 0)
        continue;
      badge = gtk_label_new (_(role_labels[role]));
      gtk_widget_add_css_class (badge, "badge");
      gtk_widget_add_css_class (badge, "caption");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (badges), badge);
    }
  add_wish_badge (badges, person);
}

static void
on_person_changed (gpointer user_data)
{
  GtkWidget *expander = user_data;
  KtNetworkPage *self = g_object_get_data (G_OBJECT (expander), "kt-page");

  person_row_refresh (expander);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
expand_person (KtNetworkPage   *self,
               KtNetworkPerson *person)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      if (g_object_get_data (G_OBJECT (row), "kt-person") == person)
        adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
    }
}

static void
on_kind_changed (gpointer user_data)
{
  GtkWidget *expander = user_data;
  KtNetworkPage *self = g_object_get_data (G_OBJECT (expander), "kt-page");

  KtNetworkPerson *person = g_object_get_data (G_OBJECT (expander), "kt-person");

  /* The person moves to the group of their new kind, still open. */
  rebuild (self);
  expand_person (self, person);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_role_toggled (GtkSwitch  *toggle,
                 GParamSpec *pspec,
                 GtkWidget  *expander)
{
  KtNetworkPage *self = g_object_get_data (G_OBJECT (expander), "kt-page");
  KtNetworkPerson *person = g_object_get_data (G_OBJECT (expander), "kt-person");
  Role role = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (toggle), "kt-role"));
  char **field = role_field (self->kase, role);
  gboolean active = gtk_switch_get_active (toggle);

  if (active == (g_strcmp0 (*field, person->id) == 0))
    return;
  g_free (*field);
  *field = active ? g_strdup (person->id) : NULL;
  /* One person per role: the other rows lose their badge and switch. */
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      if (g_object_get_data (G_OBJECT (row), "kt-person") != NULL)
        person_row_refresh (row);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_remove_person (GtkButton *button,
                  GtkWidget *expander)
{
  KtNetworkPage *self = g_object_get_data (G_OBJECT (expander), "kt-page");
  KtNetworkPerson *person = g_object_get_data (G_OBJECT (expander), "kt-person");

  for (Role role = 0; role < N_ROLES; role++)
    {
      char **field = role_field (self->kase, role);

      if (g_strcmp0 (*field, person->id) == 0)
        g_clear_pointer (field, g_free);
    }
  g_ptr_array_remove (self->kase->network, person);
  rebuild (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static GtkWidget *
role_row_new (KtNetworkPage   *self,
              KtNetworkPerson *person,
              GtkWidget       *expander,
              Role             role)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  g_autofree char *key = g_strdup_printf ("kt-role-%d", role);

  g_object_set_data (G_OBJECT (expander), key, toggle);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(role_labels[role]));
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  kt_a11y_set_label (toggle, _(role_labels[role]));
  gtk_switch_set_active (GTK_SWITCH (toggle), g_strcmp0 (*role_field (self->kase, role), person->id) == 0);
  g_object_set_data (G_OBJECT (toggle), "kt-role", GINT_TO_POINTER (role));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  g_signal_connect (toggle, "notify::active", G_CALLBACK (on_role_toggled), expander);
  return row;
}

static GtkWidget *
person_row_new (KtNetworkPage   *self,
                KtNetworkPerson *person)
{
  GtkWidget *expander = adw_expander_row_new ();
  AdwExpanderRow *row = ADW_EXPANDER_ROW (expander);
  GtkWidget *badges = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *remove = kt_app_icon_button_new ("user-trash-symbolic", _("Remove from the network"));
  g_autofree const char **kinds = kt_app_enum_labels ((KtAppLabelFunc) kt_network_kind_get_label,
                                                       KT_N_NETWORK_KINDS);

  g_object_set_data (G_OBJECT (expander), "kt-page", self);
  g_object_set_data (G_OBJECT (expander), "kt-person", person);
  g_object_set_data (G_OBJECT (expander), "kt-badges", badges);

  adw_expander_row_add_row (row, kt_app_text_row_new (_("Name"), &person->name, on_person_changed, expander));
  adw_expander_row_add_row (row, kt_app_text_row_new (_("Relation"), &person->relation, on_person_changed, expander));
  adw_expander_row_add_row (row, kt_app_combo_row_new (_("Kind"), kinds, (int *) &person->kind,
                                                       on_kind_changed, expander));
  adw_expander_row_add_row (row, kt_app_text_row_new (_("Organisation"), &person->organisation,
                                                      on_person_changed, expander));
  adw_expander_row_add_row (row, kt_app_text_row_new (_("Role"), &person->role, on_person_changed, expander));
  adw_expander_row_add_row (row, kt_app_text_row_new (_("Contact"), &person->contact, on_person_changed, expander));
  adw_expander_row_add_row (row, kt_app_text_row_new (_("How often"), &person->frequency,
                                                      on_person_changed, expander));
  adw_expander_row_add_row (row, kt_app_switch_row_new (_("Does not know about this"),
                                                        _("Never named on paper"),
                                                        &person->unaware, on_person_changed, expander));
  adw_expander_row_add_row (row, kt_app_switch_row_new (_("Do not approach"),
                                                        _("Never suggested as a helper, never named on paper"),
                                                        &person->no_contact, on_person_changed, expander));
  for (Role role = 0; role < N_ROLES; role++)
    adw_expander_row_add_row (row, role_row_new (self, person, expander, role));
  adw_expander_row_add_action (row, badges);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_person), expander);
  adw_expander_row_add_action (row, remove);
  person_row_refresh (expander);
  return expander;
}

static void
rebuild (KtNetworkPage *self)
{
  gboolean any[KT_N_NETWORK_KINDS] = { FALSE, };

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (g_object_get_data (G_OBJECT (row), "kt-group")), row);
    }
  g_ptr_array_set_size (self->rows, 0);
  if (self->kase == NULL)
    return;

  for (guint i = 0; i < self->kase->network->len; i++)
    {
      KtNetworkPerson *person = g_ptr_array_index (self->kase->network, i);
      KtNetworkKind kind = MIN (person->kind, KT_N_NETWORK_KINDS - 1);
      GtkWidget *row = person_row_new (self, person);

      g_object_set_data (G_OBJECT (row), "kt-group", self->groups[kind]);
      adw_preferences_group_add (self->groups[kind], row);
      g_ptr_array_add (self->rows, row);
      any[kind] = TRUE;
    }
  for (KtNetworkKind kind = 0; kind < KT_N_NETWORK_KINDS; kind++)
    {
      GtkWidget *row;

      if (any[kind])
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nobody yet"));
      gtk_widget_add_css_class (row, "dim-label");
      g_object_set_data (G_OBJECT (row), "kt-group", self->groups[kind]);
      adw_preferences_group_add (self->groups[kind], row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
add_person_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KtNetworkPage *self = KT_NETWORK_PAGE (widget);
  KtNetworkPerson *person;

  if (self->kase == NULL)
    return;
  person = kt_network_person_new ();
  if (person->id == NULL)
    person->id = kt_uuid_new ();
  person->kind = CLAMP (g_variant_get_int32 (parameter), 0, KT_N_NETWORK_KINDS - 1);
  g_ptr_array_add (self->kase->network, person);
  rebuild (self);
  expand_person (self, person);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
kt_network_page_set_case (KtNetworkPage *self,
                          KtCase        *kase)
{
  g_return_if_fail (KT_IS_NETWORK_PAGE (self));

  if (kase != NULL)
    kt_case_ref (kase);
  g_clear_pointer (&self->kase, kt_case_unref);
  self->kase = kase;
  rebuild (self);
}

static void
kt_network_page_dispose (GObject *object)
{
  KtNetworkPage *self = KT_NETWORK_PAGE (object);

  g_clear_pointer (&self->kase, kt_case_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KT_TYPE_NETWORK_PAGE);
  G_OBJECT_CLASS (kt_network_page_parent_class)->dispose (object);
}

static void
kt_network_page_finalize (GObject *object)
{
  g_clear_pointer (&KT_NETWORK_PAGE (object)->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (kt_network_page_parent_class)->finalize (object);
}

static void
kt_network_page_class_init (KtNetworkPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kt_network_page_dispose;
  object_class->finalize = kt_network_page_finalize;

  /* The user edited the network or a lead role. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-network-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KtNetworkPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KtNetworkPage, groups_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "network.add", "i", add_person_action);
}

static void
kt_network_page_init (KtNetworkPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();

  for (KtNetworkKind kind = 0; kind < KT_N_NETWORK_KINDS; kind++)
    {
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *add = gtk_button_new ();
      GtkWidget *content = adw_button_content_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(kind_titles[kind]));
      adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
      adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("Add"));
      gtk_button_set_child (GTK_BUTTON (add), content);
      gtk_widget_add_css_class (add, "flat");
      gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
      {
        /* Twelve buttons say "Add": the name says to which group. */
        /* TRANSLATORS: %s is a group of the network, e.g. "Professionals" */
        g_autofree char *name = g_strdup_printf (_("Add to %s"), _(kind_titles[kind]));

        kt_a11y_set_label (add, name);
      }
      gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "network.add");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (add), "i", (gint32) kind);
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);
      gtk_box_append (GTK_BOX (self->groups_box), group);
      self->groups[kind] = ADW_PREFERENCES_GROUP (group);
    }
}

GtkWidget *
kt_network_page_new (void)
{
  return g_object_new (KT_TYPE_NETWORK_PAGE, NULL);
}
