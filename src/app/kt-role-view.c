/* kt-role-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-role-view"

#include "config.h"

#include "kt-role-view.h"

#include "kt-app-util.h"

#include <glib/gi18n.h>

#include "kt-core.h"
#include "kt-intaker-view.h"
#include "kt-supervisor-view.h"

KtRole
kt_role_from_string (const char *role)
{
  if (g_strcmp0 (role, "wijkcoach") == 0 || g_strcmp0 (role, "coach") == 0)
    return KT_ROLE_COACH;
  if (g_strcmp0 (role, "intaker") == 0)
    return KT_ROLE_INTAKER;
  if (g_strcmp0 (role, "supervisor") == 0)
    return KT_ROLE_SUPERVISOR;
  return KT_ROLE_NONE;
}

/* The list of coaches kept on the device comes from the role controller,
 * read on a worker. */
static GtkWidget *
intaker_view_new (const char *username,
                  const char *team)
{
  GtkWidget *view = kt_intaker_view_new ();
  int conversation_days, own_plan_days;

  kt_intaker_view_set_account (KT_INTAKER_VIEW (view), username, team);
  kt_app_get_periods (&conversation_days, &own_plan_days);
  kt_intaker_view_set_periods (KT_INTAKER_VIEW (view), conversation_days, own_plan_days);
  return view;
}

static GtkWidget *
supervisor_view_new (void)
{
  GtkWidget *view = kt_supervisor_view_new ();
  g_autofree char *override = kt_app_get_catalogue_override ();
  g_autoptr(KtCatalogue) catalogue = NULL;
  g_autoptr(GError) error = NULL;

  catalogue = kt_catalogue_new_default (override, &error);
  if (error != NULL)
    g_warning ("Own catalogue refused, using the built-in one: %s", error->message);
  kt_supervisor_view_set_catalogue (KT_SUPERVISOR_VIEW (view), catalogue);
  return view;
}

GtkWidget *
kt_role_view_new_for_role (const char *role,
                           GtkWidget  *coach_view,
                           const char *username,
                           const char *team)
{
  GtkWidget *page;

  switch (kt_role_from_string (role))
    {
    case KT_ROLE_COACH:
      g_return_val_if_fail (GTK_IS_WIDGET (coach_view), NULL);
      return coach_view;
    case KT_ROLE_INTAKER:
      return intaker_view_new (username, team);
    case KT_ROLE_SUPERVISOR:
      return supervisor_view_new ();
    case KT_ROLE_NONE:
    default:
      break;
    }

  page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "dialog-information-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (page), _("No Work for This Account Here"));
  adw_status_page_set_description (ADW_STATUS_PAGE (page),
                                   _("This account manages the server. Sign in as a coach, intaker or supervisor to work with households."));
  return page;
}
