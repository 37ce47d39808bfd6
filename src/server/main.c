/* main.c: the keukentafel-server program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "keukentafel-server"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "kt-core.h"

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  if (!kt_core_init ())
    {
      g_printerr ("%s\n", _("keukentafel-server cannot start its encryption library."));
      return 1;
    }
  if (argc > 1 && g_str_equal (argv[1], "--version"))
    {
      g_print ("keukentafel-server %s\n", PACKAGE_VERSION);
      return 0;
    }
  g_printerr ("usage: keukentafel-server --version\n");
  return 2;
}
