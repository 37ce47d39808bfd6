# ktapp.py: what a user does in Keukentafel, done over AT-SPI.
#
# Each step finds a control by the name a screen reader says (in Dutch, from
# the app's own translations) and activates it; nothing is wired by hand.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import gettext
import os
import re
import time

import ktatspi as K

# The test's own made-up people; one team, "noord".
USERS = [
    ("intake1", "intaker", "noord", "Ilse Intaker"),
    ("coach1", "wijkcoach", "noord", "Anna de Boer"),
    ("super1", "supervisor", "noord", "Sam Supervisor"),
    ("super2", "supervisor", "noord", "Saar Tweede"),
]


def setup_env(build):
    os.environ.update(GSETTINGS_SCHEMA_DIR=os.path.join(build, "data"),
                      GSETTINGS_BACKEND="memory",
                      KT_LOCALEDIR=os.path.join(build, "po"),
                      LANGUAGE="nl", LC_ALL="C.UTF-8")


def select_row(row):
    """Selects a row of a list through the list's AT-SPI selection, as a
    screen reader's arrow keys do (three windows overlap at 0,0 without a
    window manager, so a pointer click could land on another app)."""
    parent = row.parent
    parent.querySelection().selectChild(row.getIndexInParent())


class Driver:
    def __init__(self, build, work, logdir, tag):
        self.build = build
        self.work = work
        self.logdir = logdir
        self.tag = tag
        self.apps = {}
        self.server = None
        self.launcher = None
        setup_env(build)
        tr = gettext.translation("keukentafel", os.path.join(build, "po"), languages=["nl"])
        self.T = tr.gettext
        self.P = tr.pgettext

    # -- the programs ------------------------------------------------------

    def start(self, settings=None):
        self.launcher = K.start_a11y_bus()
        self.server = K.Server(os.path.join(self.build, "src", "server", "keukentafel-server"),
                               self.work, USERS, settings)

    def app(self, name):
        app = K.App(os.path.join(self.build, "src", "app", "keukentafel"), self.work, name)
        self.apps[name] = app
        self.wait_ready(app)
        return app

    PIN = "2468"

    def wait_ready(self, app):
        """The app shows a page of its own: the list or a role view, after the
        PIN is chosen (first start) or given (a restart of a locked app)."""
        def ready():
            w = app.window()
            if w is None:
                return None
            if K.find_all(w, ("password text", "text"), self.T("Repeat the PIN")):
                return "choose"
            if K.find_all(w, ("push button",), self.T("_Unlock"), exact=True):
                return "unlock"
            if K.find_all(w, K.BUTTONS, self.T("Main Menu")):
                return "ready"
            return None
        state = K.wait_for(ready, 30, message="%s never showed its main menu" % app.name)
        if state == "choose":
            self.choose_pin(app)
        elif state == "unlock":
            self.unlock(app)

    def choose_pin(self, app):
        K.fill(app, self.T("PIN"), self.PIN, exact=True)
        K.fill(app, self.T("Repeat the PIN"), self.PIN)
        K.press(app, self.T("_Save PIN"), exact=True)
        K.find(app, K.BUTTONS, self.T("Main Menu"), timeout=30)

    def lock(self, app):
        # The main menu sits above the list; a folded window showing a
        # household has it off screen, so the user goes back first.
        self.back_to_list(app)
        self.menu_item(app, "_Lock")
        K.find(app, ("push button",), self.T("_Unlock"), exact=True, timeout=20)

    def unlock(self, app):
        K.fill(app, self.T("PIN"), self.PIN, exact=True)
        K.press(app, self.T("_Unlock"), exact=True)
        K.wait_for(lambda: not K.find_all(app.window(), ("push button",), self.T("_Unlock"), exact=True),
                   30, message="%s stayed locked" % app.name)

    # What an app says when something it had was not kept (in its log or
    # on screen, in English or Dutch): the loop fails on any of it.
    NOT_KEPT = re.compile(r"not kept|niet bewaard|could not be saved|kon nog niet worden bewaard|"
                          r"Niet alles is bewaard", re.IGNORECASE)

    def check_kept(self):
        for app in self.apps.values():
            found = self.NOT_KEPT.search(app.stderr_text())
            assert found is None, "%s logged %r" % (app.name, found.group(0))
            # What shows: the labels on screen (a toast or a banner).
            for top in K.toplevels(app):
                for n, _d, r in K.visible_walk(top, want={"label"}):
                    if r != "label":
                        continue
                    try:
                        name = n.name or ""
                    except Exception:
                        continue
                    found = self.NOT_KEPT.search(name)
                    assert found is None, "%s showed %r" % (app.name, found.group(0))

    # A GLib warning or critical in an app's log: a failure that only went
    # to the log, or a fault in the app (the test bus has a notification
    # server, so a notification does not warn).
    LOGGED = re.compile(r"^.*-(WARNING|CRITICAL) \*\*.*$", re.MULTILINE)

    def check_quiet(self):
        for app in self.apps.values():
            found = [m.group(0)[:200] for m in self.LOGGED.finditer(app.stderr_text())]
            assert not found, "%s logged: %s" % (app.name, " | ".join(found))

    def save(self, tag):
        K.save_failure_artefacts(self.logdir, "%s-%s" % (self.tag, tag), self.apps.values())

    def fail(self, tag):
        try:
            self.save(tag)
        except Exception as e:
            K.log("could not save artefacts: %s" % e)
        for app in self.apps.values():
            K.log("---- stderr of %s ----" % app.name)
            K.log(app.stderr_text()[-4000:])

    def stop(self):
        for app in self.apps.values():
            try:
                app.stop()
            except Exception as e:
                K.log("stopping %s: %s" % (app.name, e))
        if self.server is not None:
            self.server.stop()
        if self.launcher is not None:
            self.launcher.terminate()
            self.launcher.wait()

    # -- menus and dialogs -------------------------------------------------

    def open_main_menu(self, app):
        K.press(app, self.T("Main Menu"), roles=K.BUTTONS)
        time.sleep(0.3)

    def menu_item(self, app, label):
        self.open_main_menu(app)
        K.press(app, self.T(label), roles=K.BUTTONS)
        time.sleep(0.3)

    def close_popover(self, app):
        K.key("Escape")
        time.sleep(0.3)

    def sign_in(self, app, username, open_menu=True):
        if open_menu:
            self.menu_item(app, "_Sign In to Server…")
        K.fill(app, self.T("Server address"), self.server.url)
        K.fill(app, self.T("Username"), username)
        K.fill(app, self.T("Password"), K.PASSWORD)
        K.press(app, self.T("_Sign In"), exact=True)
        # The dialog closes when the server said yes.
        K.wait_for(lambda: not K.find_all(app.window() or app.node, ("text", "password text"),
                                          self.T("Server address")),
                   30, message="%s: the sign-in dialog stayed" % app.name)

    def wait_role_view(self, app, role):
        want = {"intaker": "_Name or household", "supervisor": "To Review"}[role]
        K.find(app, None, self.T(want), timeout=30)

    # -- the coach's household ---------------------------------------------

    def new_household(self, app, name):
        K.press(app, self.T("New Request"), roles=K.BUTTONS)
        K.fill(app, self.T("Household name"), name)

    def start_conversation(self, app):
        K.press(app, self.T("_Start the Conversation"), exact=True)
        time.sleep(0.5)

    def open_domain(self, app, index):
        cards = K.wait_for(lambda: [n for n in K.find_all(app.window(), ("push button",))
                                    if "domain" in (n.description or "").lower() or "," in n.name],
                           message="no domain cards")
        K.click(cards[index])
        time.sleep(0.5)

    def next_domain(self, app):
        K.press(app, self.T("_Next →"), exact=True)
        time.sleep(0.5)

    def all_topics(self, app):
        K.press(app, self.T("All Topics"))
        time.sleep(0.5)

    # A household's pages whose English title means something else elsewhere
    # in the app, so their Dutch comes with a context (po/nl.po): the
    # Progress page is "Verloop", as the guide names it, while a goal's
    # progress note is "Voortgang".
    PAGE_CONTEXTS = {"Progress": "page of a household"}

    def show_page(self, app, title):
        context = self.PAGE_CONTEXTS.get(title)
        name = self.P(context, title) if context else self.T(title)
        K.press(app, name, roles=("toggle button", "push button", "radio button", "page tab"),
                exact=True)
        time.sleep(0.5)

    # -- the loop ------------------------------------------------------------

    def sync_now(self, app):
        self.menu_item(app, "Sync _Now")

    def register_and_assign(self, app, household, coach_name, question="Ik krijg steeds aanmaningen."):
        K.fill(app, self.T("_Name or household"), household)
        K.fill(app, self.T("The Question"), question)
        K.press(app, self.T("_Assign to…"), exact=True)
        row = K.find(app, ("list item",), coach_name, timeout=30)
        K.press(app, self.T("Assign"), where=row)

    def household_row(self, app, name):
        rows = K.find_all(app.window(), ("list item",), name)
        return rows[0] if rows else None

    def open_household(self, app, name, timeout=30):
        self.back_to_list(app)
        row = K.wait_for(lambda: self.household_row(app, name), timeout,
                         message="%s: household %r never reached the list" % (app.name, name))
        select_row(row)
        K.find(app, ("page tab",), self.T("Plan"), exact=True, timeout=20)

    def watching_off(self, app):
        """Resident watching (on by default on the Plan page once the
        household is met) hides the list and the supervisor's comments; the
        coach switches it off with the banner's button."""
        off = K.find_all(app.window(), ("push button",), self.T("_Switch Off"), exact=True)
        if off:
            K.click(off[0])
            time.sleep(0.5)

    def back_to_list(self, app):
        self.watching_off(app)
        back = K.find_all(app.window(), K.BUTTONS, self.T("Back to the Households"))
        if back:
            K.click(back[0])
            time.sleep(0.5)

    def hold_conversation(self, app, well="Zij houdt het huis goed bij."):
        """Talks through the first life domain; the rest waits for the next
        visit, so the plan says why it goes to review now (make_plan)."""
        self.show_page(app, "Conversation")
        self.open_domain(app, 0)
        K.fill(app, self.T("What goes _well?"), well)
        time.sleep(0.5)

    def add_goal(self, app, goal, action):
        self.show_page(app, "Plan")
        K.press(app, self.T("Add _Goal"), exact=True)
        time.sleep(0.5)
        goals = K.find_all(app.window(), ("text",), self.T("Goal"), exact=True)
        K.set_text(goals[-1], goal)
        # The new goal is the last card; each card has its own "Add an
        # action" row, so the last one is this goal's (the first may sit
        # scrolled out of sight above).
        before = len(K.find_all(app.window(), ("text",), self.T("What"), exact=True))
        adds = K.wait_for(lambda: K.find_all(app.window(), ("list item",), self.T("Add an action")),
                          message="%s: no \"Add an action\" row" % app.name)
        K.click(adds[-1])
        whats = K.wait_for(lambda: [w for w in [K.find_all(app.window(), ("text",), self.T("What"), exact=True)]
                                    if len(w) > before],
                           message="%s: adding an action showed no new action" % app.name)[0]
        K.set_text(whats[-1], action)

    def make_plan(self, app, goal, action, why=None):
        self.add_goal(app, goal, action)
        self.ask_agreement(app, why)

    def ask_agreement(self, app, why=None):
        """The resident agrees; the conversation waits, so the coach writes
        why the plan goes to review now.  Every new version asks again."""
        self.choose(app, self.T("The resident"), self.T("Agreed"))
        K.fill(app, self.T("Why the plan goes to review now"),
               why or "De andere leefgebieden volgen bij het volgende bezoek.")
        time.sleep(0.5)

    def add_maatwerk(self, app, name):
        """A tailored provision on the Plan page: the afwegingskader's
        questions, requested under the Wmo (today, the date's default),
        being decided."""
        self.show_page(app, "Plan")
        K.press(app, self.T("Add _Provision"), exact=True)
        time.sleep(0.5)
        K.set_text(K.find_all(app.window(), ("text",), self.T("Name"), exact=True)[-1], name)
        K.click(K.find(app, ("switch", "toggle button", "check box"), self.T("Tailored support"), exact=True))
        time.sleep(0.5)
        K.fill(app, self.T("Is it legitimate: socially acceptable and lawful?"), "Ja, past bij de Wmo", exact=True)
        K.fill(app, self.T("Which standard offer was considered?"), "Algemene huishoudelijke hulp", exact=True)
        K.fill(app, self.T("Is it economically sound against the standard offer?"), "Ja, niet duurder", exact=True)
        K.fill(app, self.T("What can and will the resident and network do themselves?"), "Zoon doet boodschappen",
               exact=True)
        self.choose(app, self.T("Law"), "Wmo 2015")
        self.choose(app, self.T("Decision"), self.T("Being decided"))
        time.sleep(0.5)
        # The request date is picked from a calendar, which AT-SPI cannot
        # pick in: asked for now, it starts at today (tests/app/test-plan
        # picks other dates).  Its button says a date, not "pick one".
        named = self.T("%s: %s") % (self.T("Requested on"), "")
        no_date = self.T("%s: %s") % (self.T("Requested on"), self.T("no date, pick one"))
        K.find(app, None, named, pred=lambda n: K.plain(n.name) != K.plain(no_date), timeout=10)

    def choose(self, app, combo_name, answer_name):
        """Picks @answer_name in the AdwComboRow named @combo_name."""
        combo = K.find(app, ("combo box",), combo_name, exact=True)
        answer = None
        for _attempt in range(3):
            K.click(combo)   # opens its list of answers
            try:
                answer = K.find(app, ("list item",), answer_name, exact=True, where=combo,
                                timeout=15)
                break
            except AssertionError:
                # The click went elsewhere (the page still moved): close
                # whatever it opened and try again.
                self.close_popover(app)
        if answer is None:
            raise AssertionError("%s: the choices of \"%s\" never opened" % (app.name, combo_name))
        # The answer sits in a popover, a surface of its own whose window
        # coordinates are not the window's: chosen through the list's
        # selection, as a screen reader's arrow keys and Enter do.
        answer.parent.querySelection().selectChild(answer.getIndexInParent())
        time.sleep(0.3)
        # Selecting is not choosing in an AdwComboRow: Enter on it is.
        K.key("Return")
        time.sleep(0.3)

    def submit(self, app):
        self.show_page(app, "Plan")
        button = K.find(app, ("push button",), self.T("_Submit for Review"), exact=True)
        # Insensitive, its description says what is missing.
        K.wait_for(lambda: K.states(button).contains(K.pyatspi.STATE_SENSITIVE), 10,
                   message="%s: the plan cannot be submitted: %s" % (app.name, button.description))
        K.click(button)
        # Until the server has it the page says it waits; then "Submitted".
        K.wait_for(lambda: not K.find_all(app.window(), ("push button",), self.T("_Submit for Review"),
                                          exact=True),
                   20, message="%s: the plan stayed open after submitting" % app.name)

    def wait_shared(self, app, timeout=30):
        """The plan page says the server has the plan."""
        K.find(app, None, self.T("Submitted"), timeout=timeout)

    def new_version(self, app):
        K.press(app, self.T("_New Version"), exact=True)
        time.sleep(0.5)

    def open_inbox_plan(self, app, household, timeout=30):
        self.show_page(app, "To Review")
        # A narrow inbox shows the plan it opened last instead of the
        # list; "All Plans" goes back to it, as the user would.
        back = K.find_all(app.window(), ("push button",), self.T("All Plans"), exact=True)
        if back:
            K.click(back[0])
            time.sleep(0.5)
        row = K.wait_for(lambda: K.find_all(app.window(), ("list item",), household), timeout,
                         message="%s: no plan of %r in the inbox" % (app.name, household))
        select_row(row[0])
        time.sleep(0.5)

    def review(self, app, verdict, comment):
        if comment is not None:
            K.fill(app, self.T("Comment on the Whole Plan"), comment)
        K.press(app, self.T("_Return" if verdict == "return" else "_Approve"), exact=True)
        time.sleep(1)
