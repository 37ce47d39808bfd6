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

/* Without a GPU, GTK 4.8's GL renderer runs on Mesa's llvmpipe: it compiles
 * its shaders on the processor at start-up and then draws every frame in
 * software, which costs about 100 ms before the first frame on a laptop
 * or a virtual desktop without graphics hardware; the cairo renderer draws
 * the same widgets in a fraction of that.  Every hardware GL driver needs a
 * DRM render node, so without one the GL would be emulated.  A renderer
 * chosen by the user ($GSK_RENDERER) always wins. */
static void
choose_renderer (void)
{
  g_autoptr(GDir) dri = NULL;
  const char *name;

  if (g_getenv ("GSK_RENDERER") != NULL)
    return;
  dri = g_dir_open ("/dev/dri", 0, NULL);
  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    {
      if (g_str_has_prefix (name, "renderD"))
        return;
    }
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
}

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

  choose_renderer ();
  app = kt_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
