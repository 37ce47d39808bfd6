/* kt-supervisor-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-supervisor-view"

#include "config.h"

#include "kt-supervisor-view.h"

#include "kt-main-menu-button.h"
#include "kt-sync-button.h"

struct _KtSupervisorView
{
  AdwBin             parent_instance;

  AdwViewStack      *stack;
  AdwViewStackPage  *inbox_page;
  AdwViewStackPage  *team_page;
  KtSupervisorInbox *inbox;
  KtTeamView        *team_view;
  KtSyncButton      *sync_button;
  gboolean           loading;
};

G_DEFINE_FINAL_TYPE (KtSupervisorView, kt_supervisor_view, ADW_TYPE_BIN)

GtkWidget *
kt_supervisor_view_new (void)
{
  return g_object_new (KT_TYPE_SUPERVISOR_VIEW, NULL);
}

KtSupervisorInbox *
kt_supervisor_view_get_inbox (KtSupervisorView *self)
{
  g_return_val_if_fail (KT_IS_SUPERVISOR_VIEW (self), NULL);
  return self->inbox;
}

KtTeamView *
kt_supervisor_view_get_team_view (KtSupervisorView *self)
{
  g_return_val_if_fail (KT_IS_SUPERVISOR_VIEW (self), NULL);
  return self->team_view;
}

AdwViewStack *
kt_supervisor_view_get_stack (KtSupervisorView *self)
{
  g_return_val_if_fail (KT_IS_SUPERVISOR_VIEW (self), NULL);
  return self->stack;
}

/* The switcher shows how many plans wait, and the team page lights up
 * while anything there is late or unassigned. */
static void
update_badges (KtSupervisorView *self)
{
  guint waiting = kt_supervisor_inbox_get_n_waiting (self->inbox);

  adw_view_stack_page_set_badge_number (self->inbox_page, waiting);
  adw_view_stack_page_set_needs_attention (self->inbox_page, waiting > 0);
  adw_view_stack_page_set_needs_attention (self->team_page, kt_team_view_needs_attention (self->team_view));
}

void
kt_supervisor_view_set_catalogue (KtSupervisorView *self,
                                  KtCatalogue      *catalogue)
{
  g_return_if_fail (KT_IS_SUPERVISOR_VIEW (self));

  kt_supervisor_inbox_set_catalogue (self->inbox, catalogue);
  kt_team_view_set_catalogue (self->team_view, catalogue);
  update_badges (self);
}

void
kt_supervisor_view_set_coaches (KtSupervisorView *self,
                                GPtrArray        *coaches)
{
  g_return_if_fail (KT_IS_SUPERVISOR_VIEW (self));

  kt_supervisor_inbox_set_coaches (self->inbox, coaches);
  kt_team_view_set_coaches (self->team_view, coaches);
}

void
kt_supervisor_view_set_team (KtSupervisorView *self,
                             GPtrArray        *team)
{
  g_return_if_fail (KT_IS_SUPERVISOR_VIEW (self));

  kt_supervisor_inbox_set_team (self->inbox, team);
}

void
kt_supervisor_view_set_records (KtSupervisorView *self,
                                GPtrArray        *cases,
                                GPtrArray        *conversations,
                                GPtrArray        *plans)
{
  g_return_if_fail (KT_IS_SUPERVISOR_VIEW (self));

  kt_supervisor_inbox_set_records (self->inbox, cases, conversations, plans);
  kt_team_view_set_records (self->team_view, cases, conversations, plans);
  update_badges (self);
}

/* As kt_supervisor_view_set_records (), with the inbox built on a thread
 * and its new rows added a few a turn: for the records the store and the
 * server bring, which may be thousands (issue 22). */
void
kt_supervisor_view_update_records (KtSupervisorView *self,
                                   GPtrArray        *cases,
                                   GPtrArray        *conversations,
                                   GPtrArray        *plans)
{
  g_return_if_fail (KT_IS_SUPERVISOR_VIEW (self));

  kt_supervisor_inbox_update_records (self->inbox, cases, conversations, plans);
  kt_team_view_set_records (self->team_view, cases, conversations, plans);
  update_badges (self);
}

void
kt_supervisor_view_set_loading (KtSupervisorView *self,
                                gboolean          loading)
{
  g_return_if_fail (KT_IS_SUPERVISOR_VIEW (self));

  self->loading = !!loading;
  kt_supervisor_inbox_set_loading (self->inbox, loading);
  kt_team_view_set_loading (self->team_view, loading);
}

gboolean
kt_supervisor_view_get_loading (KtSupervisorView *self)
{
  g_return_val_if_fail (KT_IS_SUPERVISOR_VIEW (self), FALSE);
  /* Not done while the inbox is still being built or filled either. */
  return self->loading || kt_supervisor_inbox_get_busy (self->inbox);
}

void
kt_supervisor_view_set_sync_client (KtSupervisorView *self,
                                    KtSyncClient     *client)
{
  g_return_if_fail (KT_IS_SUPERVISOR_VIEW (self));

  kt_sync_button_set_client (self->sync_button, client);
}

void
kt_supervisor_view_set_key_controller (KtSupervisorView *self,
                                       KtKeyController  *keys)
{
  g_return_if_fail (KT_IS_SUPERVISOR_VIEW (self));

  kt_sync_button_set_key_controller (self->sync_button, keys);
}

void
kt_supervisor_view_set_today (KtSupervisorView *self,
                              const GDate      *today)
{
  g_return_if_fail (KT_IS_SUPERVISOR_VIEW (self));

  kt_supervisor_inbox_set_today (self->inbox, today);
  kt_team_view_set_today (self->team_view, today);
  update_badges (self);
}

static void
kt_supervisor_view_class_init (KtSupervisorViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (KT_TYPE_SUPERVISOR_INBOX);
  g_type_ensure (KT_TYPE_TEAM_VIEW);
  g_type_ensure (KT_TYPE_MAIN_MENU_BUTTON);
  g_type_ensure (KT_TYPE_SYNC_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, "/nl/wijkteam/Keukentafel/kt-supervisor-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorView, stack);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorView, inbox_page);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorView, team_page);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorView, inbox);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorView, team_view);
  gtk_widget_class_bind_template_child (widget_class, KtSupervisorView, sync_button);
}

static void
kt_supervisor_view_init (KtSupervisorView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
