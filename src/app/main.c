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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KtApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!kt_core_init ())
    {
      g_printerr ("%s\n", _("Keukentafel cannot start its encryption library."));
      return 1;
    }

  app = kt_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
