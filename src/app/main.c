/* main.c: the keukentafel program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "keukentafel"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "kt-core.h"
#include "kt-application.h"
#include "kt-app-util.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KtApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* kt_core_init binds the text domain; the program then makes it its own. */
  if (!kt_core_init ())
    {
      textdomain (GETTEXT_PACKAGE);
      g_printerr ("%s\n", _("Keukentafel cannot start its encryption library."));
      return 1;
    }
  textdomain (GETTEXT_PACKAGE);

  kt_app_choose_renderer ();
  kt_app_start_gtk ();
  app = kt_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
