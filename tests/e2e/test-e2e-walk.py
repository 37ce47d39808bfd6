#!/usr/bin/python3
# test-e2e-walk.py: every control on every page of every role has a name a
# screen reader can say.
#
# Runs a real keukentafel-server and the real keukentafel app once for each
# role (coach, intaker, supervisor; each its own HOME and keyring), signs in
# through the main menu, shows every page over AT-SPI and fails on any
# focusable or actionable control whose accessible name is empty or a
# class name ("GtkButton", "GtkToggleButton", "GtkImage", …), and on an app that
# does not survive a screen reader asking for a window past the last one.
#
#   test-e2e-walk.py BUILD_DIR LOG_DIR
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import sys
import tempfile
import shutil
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktatspi as K  # noqa: E402
from ktapp import Driver, setup_env, USERS  # noqa: E402


def main():
    build, logdir = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="kt-e2e-walk-")
    d = Driver(build, work, logdir, "walk")
    failures = []
    try:
        d.start()

        def check(app, where):
            K.ask_past_the_last_window(app)
            bad = K.bad_names(app)
            for n in bad:
                failures.append("%s, %s: %s" % (app.name, where, K.path_of(n)))
                K.log("UNNAMED on %s / %s: %s @ %s" % (app.name, where, K.describe(n), K.path_of(n)))
            return bad

        # The walk takes every page in the tree, shown or not (GTK 4.8 does
        # not say which shows), so one walk covers the pages that exist
        # then: the list, the menu, the sign-in dialog, the Preferences; then, with a
        # household open, its six pages, the domains and the overview.
        coach = d.app("coach")
        d.open_main_menu(coach)
        check(coach, "the list of households and the main menu")
        d.close_popover(coach)
        d.sign_in(coach, "coach1", open_menu=True)
        # The Preferences, with the account key's group now that it exists.
        d.menu_item(coach, "_Preferences")
        K.find(coach, ("spin button",), d.T("Minutes before it locks"), exact=True)
        check(coach, "the Preferences")
        d.close_popover(coach)
        d.new_household(coach, "Familie Walk")
        d.start_conversation(coach)
        d.open_domain(coach, 0)
        d.next_domain(coach)
        check(coach, "a household's pages")

        intaker = d.app("intaker")
        d.sign_in(intaker, "intake1")
        d.wait_role_view(intaker, "intaker")
        check(intaker, "the intaker's view")

        supervisor = d.app("supervisor")
        d.sign_in(supervisor, "super1")
        d.wait_role_view(supervisor, "supervisor")
        check(supervisor, "the supervisor's inbox and team")
    except Exception:
        d.fail("walk")
        raise
    finally:
        d.stop()
    if failures:
        d.save("walk-unnamed")
        K.log("%d controls have no name of their own:" % len(failures))
        for f in failures:
            K.log("  " + f)
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    K.log("every control on every page has a name")


if __name__ == "__main__":
    main()
