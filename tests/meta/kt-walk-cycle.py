#!/usr/bin/python3
# kt-walk-cycle.py: the whole three-role cycle walked by hand, as the three
# users would, with a screenshot of each step at 1280×800 and 800×1280.
#
# A tool to rerun and look at, not a CI test (the loop's parts that must
# stay working are in tests/e2e).  A real keukentafel-server on 127.0.0.1
# with an intaker, two coaches and a supervisor; three real apps (intaker,
# coach, supervisor; each its own HOME, D-Bus and keyring), in Dutch.  The
# intaker registers and triages a request and assigns it; the coach holds
# the conversation, makes the plan while the server is down and submits it
# when it is back; the supervisor returns it with a comment; the coach
# revises and resubmits; the supervisor approves; the coach carries it out,
# evaluates, closes with a follow-up and records the follow-up check; the
# supervisor looks at the team's deadlines and caseload; the intaker looks
# at what became of her request.
#
# A step that fails is logged with its screenshot and the walk goes on
# where it can.  Each step also lists the controls a screen reader cannot
# name.  Only made-up names are on screen; keep the screenshots out of git.
#
#   xvfb-run -a -s "-screen 0 1280x1280x24" dbus-run-session -- \
#     build-aux/test-session /usr/bin/python3 tests/meta/kt-walk-cycle.py build /tmp/walk
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import ktatspi as K  # noqa: E402
import ktapp  # noqa: E402
from ktapp import Driver  # noqa: E402

ktapp.USERS = [
    ("intake1", "intaker", "noord", "Ilse Intaker"),
    ("coach1", "wijkcoach", "noord", "Anna de Boer"),
    ("coach2", "wijkcoach", "noord", "Bram Bakker"),
    ("super1", "supervisor", "noord", "Sam Supervisor"),
]

HOUSEHOLD = "Familie Wandel"
SYNC = 40
SIZES = ((1280, 800), (800, 1280))

START = time.monotonic()
FOUND = []
SHOT = [0]


def resize(pid, width, height):
    """Without a window manager: sizes the toplevels of process @pid."""
    K.each_app_window(pid, lambda x, dpy, w: x.XResizeWindow(dpy, w, width, height))


def note(what, shot=None):
    FOUND.append((what, shot))
    K.log("!! FOUND: %s (%s)" % (what, shot))


def shot(out, app, name):
    """The app's window at both sizes; back at the wide size afterwards."""
    SHOT[0] += 1
    paths = []
    for width, height in SIZES:
        resize(app.proc.pid, width, height)
        K.raise_app_window(app.proc.pid)
        time.sleep(1.5)
        path = os.path.join(out, "%02d-%s-%s-%dx%d.png" % (SHOT[0], app.name, name, width, height))
        subprocess.run(["import", "-window", "root", "-crop", "%dx%d+0+0" % (width, height),
                        "+repage", path], check=False)
        paths.append(path)
    resize(app.proc.pid, *SIZES[0])
    time.sleep(0.5)
    # Every control the screen reader reaches has a name of its own.
    try:
        for n in K.bad_names(app):
            note("%s, %s: unnamed control %s" % (app.name, name, K.path_of(n)), paths[0])
    except Exception as e:
        K.log("could not check names: %s" % e)
    K.log("-- shot %s" % ", ".join(os.path.basename(p) for p in paths))
    return paths[0]


def unlock_if_locked(d, app):
    """An app left alone locks itself (Preferences, "Minutes before it
    locks"); its user gives the PIN, as she would."""
    if K.find_all(app.window(), ("push button",), d.T("_Unlock"), exact=True):
        K.log("%s had locked itself; unlocking" % app.name)
        d.unlock(app)


def keep_unlocked(d, app):
    """The walk waits on the server and the other apps for minutes; each app
    is set to lock after four hours (Preferences), so it does not lock in
    the middle of a step.  (A lock between steps is undone by the step.)"""
    d.menu_item(app, "_Preferences")
    spin = K.find(app, ("spin button",), d.T("Minutes before it locks"), exact=True)
    spin.queryValue().currentValue = 240.0
    time.sleep(0.5)
    K.key("Escape")
    time.sleep(0.5)


def sync_now(d, app):
    """Sync Now sits in the main menu, above the list: the coach goes back
    to the list first (the household stays as it was)."""
    d.back_to_list(app)
    d.sync_now(app)
    d.close_popover(app)


class Step:
    """A step of the walk: logged, and on failure noted with a screenshot
    and the app's tree, then the walk goes on."""

    def __init__(self, d, out, app, text):
        self.d, self.out, self.app, self.text = d, out, app, text

    def __enter__(self):
        K.log("== [%5.1fs] %s" % (time.monotonic() - START, self.text))
        unlock_if_locked(self.d, self.app)
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            return False
        path = shot(self.out, self.app, "failed")
        self.d.save("step-%02d" % SHOT[0])
        note("step failed: %s: %s" % (self.text, value), path)
        K.log("".join(traceback.format_exception(kind, value, tb))[-1500:])
        return True


def labels(app):
    out = []
    for top in K.toplevels(app):
        for n, _d, r in K.visible_walk(top, want={"label"}):
            try:
                out.append(n.name)
            except Exception:
                pass
    return out


def main():
    build, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="kt-walk-cycle-")
    d = Driver(build, work, out, "cycle")
    # In Dutch as a Dutch desktop runs it, not only the messages.
    os.environ.pop("LC_ALL", None)
    os.environ.update(LANG="nl_NL.UTF-8", LANGUAGE="nl")
    T, P = d.T, d.P
    try:
        d.start()
        intaker = d.app("intaker")
        coach = d.app("coach")
        supervisor = d.app("supervisor")
        for app in (intaker, coach, supervisor):
            resize(app.proc.pid, *SIZES[0])
        shot(out, coach, "first-start")

        with Step(d, out, intaker, "everyone signs in"):
            d.sign_in(intaker, "intake1")
            d.sign_in(supervisor, "super1")
            d.wait_role_view(intaker, "intaker")
            d.wait_role_view(supervisor, "supervisor")
            d.sign_in(coach, "coach1")
            # The first sign-in asks to write the account key's words down.
            later = K.find_all(coach.window(), K.BUTTONS, T("_Later"), exact=True)
            shot(out, coach, "signed-in")
            if later:
                K.click(later[0])
        shot(out, intaker, "signed-in")
        shot(out, supervisor, "signed-in")
        for app in (intaker, coach, supervisor):
            with Step(d, out, app, "%s: lock after four hours" % app.name):
                keep_unlocked(d, app)

        with Step(d, out, intaker, "the intaker registers and triages the request"):
            K.fill(intaker, T("_Name or household"), HOUSEHOLD)
            K.fill(intaker, T("The Question"), "Ik krijg steeds aanmaningen en zie het niet meer zitten.")
            K.press(intaker, T("Within days"), exact=True)
            shot(out, intaker, "request-filled")
            K.press(intaker, T("_Assign to…"), exact=True)
            row = K.find(intaker, ("list item",), "Anna de Boer", timeout=30)
            shot(out, intaker, "assign-to")
            K.press(intaker, T("Assign"), where=row)
            time.sleep(1)
        shot(out, intaker, "assigned")
        with Step(d, out, intaker, "the intaker's list of what she registered"):
            K.press(intaker, P("intaker's page", "Registered"), roles=("page tab", "toggle button",
                                                                       "radio button"), exact=True)
            K.find(intaker, None, HOUSEHOLD, timeout=SYNC)
        shot(out, intaker, "registered")

        with Step(d, out, coach, "the coach gets it"):
            d.open_household(coach, HOUSEHOLD, timeout=SYNC)
        shot(out, coach, "household")
        with Step(d, out, coach, "the request page shows the intaker's triage"):
            d.show_page(coach, "Request")
            time.sleep(0.5)
            shot(out, coach, "request")
            if not any("aanmaningen" in (t or "") for t in labels(coach)) and \
                    not any("aanmaningen" in K.text_of(n) for n in
                            K.find_all(coach.window(), ("text",))):
                note("coach: the intaker's question is not on the request page")

        with Step(d, out, coach, "the server goes down; the coach works on"):
            d.server.stop()
            d.hold_conversation(coach, well="Zij houdt het huis goed bij.")
            shot(out, coach, "offline-conversation")
            d.show_page(coach, "Wheel")
            shot(out, coach, "offline-wheel")
            d.show_page(coach, "Network")
            shot(out, coach, "offline-network")
            d.make_plan(coach, "Weer overzicht in de post", "Samen de post openen")
            shot(out, coach, "offline-plan")
            d.submit(coach)
            shot(out, coach, "offline-submitted")
            d.back_to_list(coach)
            d.sync_now(coach)
            time.sleep(3)
            shot(out, coach, "offline-sync-now")
            d.close_popover(coach)
            d.open_household(coach, HOUSEHOLD)
        with Step(d, out, coach, "the server is back; the plan reaches it"):
            d.server.start()
            # The app tries again with a growing pause while the server is
            # away (up to minutes); the coach, seeing "Niet
            # gesynchroniseerd", asks at once, as the guide says.
            time.sleep(2)
            shot(out, coach, "server-back")
            d.back_to_list(coach)
            d.sync_now(coach)
            d.close_popover(coach)
            d.open_household(coach, HOUSEHOLD)
            d.show_page(coach, "Plan")
            d.wait_shared(coach, timeout=60)
            shot(out, coach, "online-again")

        with Step(d, out, supervisor, "the supervisor returns it with a comment"):
            # Her app lost its held pull when the server went away and asks
            # again after a pause that grew while the server was away
            # (kt_api_backoff_delay_ms): how long she waits is noted.
            since = time.monotonic()
            d.open_inbox_plan(supervisor, HOUSEHOLD, timeout=300)
            waited = time.monotonic() - since
            K.log("the plan was in the supervisor's inbox %.0f s after the coach's app had it shared" % waited)
            if waited > SYNC:
                note("supervisor: the plan reached her inbox only %.0f s after it was on the server "
                     "(her app's pause after the server was away)" % waited)
            shot(out, supervisor, "inbox-plan")
            d.review(supervisor, "return", "Maak het doel concreter: wanneer en met wie?")
            shot(out, supervisor, "returned")

        with Step(d, out, coach, "the coach sees the comment and revises"):
            d.show_page(coach, "Plan")
            d.watching_off(coach)
            K.find(coach, None, "Maak het doel concreter", timeout=SYNC)
            shot(out, coach, "returned-comment")
            d.new_version(coach)
            d.add_goal(coach, "Elke week een uur voor de post", "Post sorteren met de buurvrouw")
            d.ask_agreement(coach)
            d.submit(coach)
            d.wait_shared(coach, timeout=SYNC)
            shot(out, coach, "resubmitted")

        with Step(d, out, supervisor, "the supervisor approves"):
            d.open_inbox_plan(supervisor, HOUSEHOLD, timeout=SYNC)
            shot(out, supervisor, "inbox-revised")
            d.review(supervisor, "approve", None)
            shot(out, supervisor, "approved")
        with Step(d, out, coach, "the coach sees it approved"):
            K.find(coach, None, T("Approved by %s. Make a new version to change the plan.") % "Sam Supervisor", timeout=SYNC)
            shot(out, coach, "approved")

        with Step(d, out, coach, "carrying out: goal progress"):
            d.show_page(coach, "Progress")
            d.watching_off(coach)
            K.press(coach, T("_Start Carrying Out"), exact=True)
            time.sleep(0.5)
            action = "Post sorteren met de buurvrouw"
            nt = K.fill(coach, T("Note on: %s") % action, "Eerste keer gedaan, ging goed.")
            K.press(coach, T("Tick off: %s") % action, where=nt)
            time.sleep(1)
            shot(out, coach, "carrying-out")
        with Step(d, out, supervisor, "the supervisor's team: deadlines and caseload"):
            sync_now(d, supervisor)
            d.show_page(supervisor, "Team")
            time.sleep(1)
            shot(out, supervisor, "team")
        with Step(d, out, coach, "the evaluation with the household"):
            d.show_page(coach, "Progress")
            K.press(coach, T("Start the _Evaluation"), exact=True)
            time.sleep(1)
            shot(out, coach, "evaluation")
        with Step(d, out, coach, "closing with a follow-up"):
            K.fill(coach, T("How did the help go? In the resident's words"), "Ik heb weer overzicht.")
            K.fill(coach, T("Contact for the follow-up"), "Anna de Boer")
            shot(out, coach, "closing")
            K.press(coach, T("_Close the Case"), exact=True)
            time.sleep(1.5)
            shot(out, coach, "closed")
        with Step(d, out, coach, "the follow-up check"):
            K.fill(coach, T("How is it going?"), "Gaat goed, de post is bij.")
            K.press(coach, T("_Record the Follow-up Check"), exact=True)
            time.sleep(1)
            shot(out, coach, "follow-up")
            sync_now(d, coach)
            time.sleep(3)
            shot(out, coach, "list-at-the-end")

        with Step(d, out, supervisor, "the supervisor at the end"):
            sync_now(d, supervisor)
            time.sleep(3)
            d.show_page(supervisor, "Team")
            shot(out, supervisor, "team-at-the-end")
            d.show_page(supervisor, "To Review")
            shot(out, supervisor, "inbox-at-the-end")
        with Step(d, out, intaker, "the intaker sees what became of her request"):
            sync_now(d, intaker)
            time.sleep(3)
            K.press(intaker, P("intaker's page", "Registered"), roles=("page tab", "toggle button",
                                                                       "radio button"), exact=True)
            time.sleep(1)
            shot(out, intaker, "registered-at-the-end")
            K.log("intaker's labels: %r" % [t for t in labels(intaker) if t][:80])
        for app in (intaker, coach, supervisor):
            for line in app.stderr_text().splitlines():
                if "CRITICAL" in line or "WARNING" in line:
                    note("%s logged: %s" % (app.name, line[:200]))
    finally:
        d.stop()
        shutil.rmtree(work, ignore_errors=True)
    K.log("\n%d found:" % len(FOUND))
    for what, path in FOUND:
        K.log("- %s%s" % (what, "  [%s]" % os.path.basename(path) if path else ""))


if __name__ == "__main__":
    main()
