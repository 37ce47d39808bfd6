/* kt-core.c: one-time set-up of the core library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "kt-core.h"

gboolean
kt_core_init (void)
{
  static gsize initialized = 0;
  static gboolean sodium_ok = FALSE;

  if (g_once_init_enter (&initialized))
    {
      /* KT_LOCALEDIR lets an uninstalled build (build-aux/setup run, the
       * tests, the screenshot tour) speak Dutch from the build tree. */
      const char *localedir = g_getenv ("KT_LOCALEDIR");

      bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      sodium_ok = sodium_init () >= 0;
      g_once_init_leave (&initialized, 1);
    }
  return sodium_ok;
}
