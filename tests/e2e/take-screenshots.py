#!/usr/bin/python3
# take-screenshots.py BUILD_DIR OUT_DIR: the account key's notice and words,
# the sync status popover, the main menu, the Preferences and the lock page
# of the real app, in Dutch, as PNGs.
#
# Popovers are surfaces of their own, which a window snapshot leaves out,
# so this drives a real coach app over AT-SPI (as the end-to-end tests do)
# and takes the X screen with ImageMagick's import, cut to the window.
# Only made-up names are on screen.  Run it under Xvfb at 1280x800:
#
#   xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
#     build-aux/test-session /usr/bin/python3 tests/e2e/take-screenshots.py build OUT
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktatspi as K  # noqa: E402
from ktapp import Driver  # noqa: E402


def grab(app, path):
    frame = app.window()
    e = frame.queryComponent().getExtents(K.pyatspi.WINDOW_COORDS)
    subprocess.run(["import", "-window", "root", "-crop", "%dx%d+0+0" % (e.width, e.height),
                    "+repage", path], check=True)


def shot(app, out, name, open_popover=None):
    """The window, with the popover that @open_popover opens.  Xvfb has no
    compositor: the popover's shadow margin comes out pure black, so those
    pixels are taken from a shot of the window before it opened."""
    path = os.path.join(out, name + ".png")
    if open_popover is None:
        time.sleep(1)
        grab(app, path)
    else:
        before = os.path.join(out, name + "-before.png")
        after = os.path.join(out, name + "-after.png")
        time.sleep(1)
        grab(app, before)
        open_popover()
        time.sleep(1)   # the popover's slide-in
        grab(app, after)
        subprocess.run(["convert", before, "(", after, "-fuzz", "0", "-transparent", "black", ")",
                        "-composite", path], check=True)
        os.unlink(before)
        os.unlink(after)
    K.log("saved " + path)


def main():
    build, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="kt-shots-")
    d = Driver(build, work, out, "shots")
    T = d.T
    try:
        d.start()
        coach = d.app("coach")
        d.sign_in(coach, "coach1")
        # The first sign-in makes the account key and asks to write the
        # twelve words down: the notice, then the words.
        K.find(coach, K.BUTTONS, T("_Show"), exact=True, timeout=30)
        shot(coach, out, "herstelzin-melding")
        K.press(coach, T("_Show"), exact=True, roles=K.BUTTONS)
        time.sleep(1)
        shot(coach, out, "herstelzin")
        K.press(coach, T("_Later"), exact=True, roles=K.BUTTONS)
        time.sleep(0.5)
        d.new_household(coach, "Familie Voorbeeld")
        time.sleep(2)   # the autosave
        d.sync_now(coach)
        time.sleep(2)

        shot(coach, out, "synchronisatie",
             lambda: K.press(coach, T("Sync: %s").split("%s")[0].strip(), roles=K.BUTTONS))
        d.close_popover(coach)

        shot(coach, out, "hoofdmenu", lambda: d.open_main_menu(coach))
        d.close_popover(coach)

        # The Preferences: a window of its own, on top of the main window.
        d.menu_item(coach, "_Preferences")
        K.find(coach, K.BUTTONS, T("Change PIN"), exact=True, timeout=20)
        time.sleep(1)
        shot(coach, out, "voorkeuren")   # Xvfb has no window manager: it sits at 0,0
        K.key("Escape")
        time.sleep(0.5)

        d.menu_item(coach, "_Lock")
        K.find(coach, ("push button",), T("_Unlock"), exact=True, timeout=20)
        shot(coach, out, "vergrendeld")
    finally:
        d.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
