# ktatspi.py: runs the real keukentafel-server and keukentafel programs and
# drives them from outside over AT-SPI, as a screen-reader user would.
#
# The session (Xvfb and a D-Bus session bus) comes from build-aux/test-session.
# Here the accessibility bus is started on that session bus; each app gets its
# own HOME, its own D-Bus session bus with an unlocked throwaway gnome-keyring
# (so three apps with one application id can run side by side) and is pointed
# at the one accessibility bus, where this process reads their trees.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

# Atspi reads $AT_SPI_BUS_ADDRESS when first used, after start_a11y_bus.
import pyatspi

HERE = os.path.dirname(os.path.abspath(__file__))
KEYRING_PASSWORD = b"kt-test-keyring"
METHOD_TIMEOUT_MS = 20000
PASSWORD = "kt-e2e-wachtwoord"

# What a screen reader must never say as a control's name.
CLASS_NAMES = ("Gtk", "Adw", "Kt")

ACTIONABLE_ROLES = {
    "push button", "toggle button", "check box", "radio button", "menu item",
    "check menu item", "radio menu item", "combo box", "text", "password text",
    "entry", "spin button", "slider", "switch", "link", "tab", "list item",
    "toggle", "page tab", "menu", "button",
}


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_a11y_bus():
    """The accessibility bus on the session bus, before any app starts."""
    subprocess.run(["dbus-update-activation-environment", "--all"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["gsettings", "set", "org.gnome.desktop.interface",
                    "toolkit-accessibility", "true"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    launcher = subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    address = ""
    while time.monotonic() < deadline:
        out = subprocess.run(["gdbus", "call", "--session", "--dest", "org.a11y.Bus",
                              "--object-path", "/org/a11y/bus",
                              "--method", "org.a11y.Bus.GetAddress"],
                             capture_output=True, text=True)
        if out.returncode == 0 and "'" in out.stdout:
            address = out.stdout.split("'")[1]
            if address:
                break
        time.sleep(0.1)
    if not address:
        raise RuntimeError("the accessibility bus did not start")
    os.environ["AT_SPI_BUS_ADDRESS"] = address
    # libatspi waits 0.8 s for an answer by default; an app that opens a
    # household on a busy machine (or under ASan) takes longer to answer
    # the call that opened it.
    pyatspi.setTimeout(METHOD_TIMEOUT_MS, 30000)
    return launcher


class Server:
    """One real keukentafel-server on 127.0.0.1 with accounts made by its CLI."""

    def __init__(self, binary, workdir, users, settings=None):
        self.binary = binary
        self.dir = os.path.join(workdir, "server")
        os.makedirs(self.dir)
        self.db_path = os.path.join(self.dir, "server.db")
        self.db = "sqlite://" + self.db_path
        # [server] settings of its config file, e.g. {"accept-plaintext": "false"}
        self.config = None
        if settings:
            self.config = os.path.join(self.dir, "server.conf")
            with open(self.config, "w") as f:
                f.write("[server]\n")
                for key, value in settings.items():
                    f.write("%s=%s\n" % (key, value))
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log_path = os.path.join(self.dir, "server.log")
        subprocess.run([binary, "init", "--database", self.db], check=True,
                       stdout=subprocess.DEVNULL)
        for name, role, team, display in users:
            subprocess.run([binary, "user", "add", name, "--role", role, "--team", team,
                            "--display-name", display, "--database", self.db],
                           input=(PASSWORD + "\n").encode(), check=True,
                           stdout=subprocess.DEVNULL)
        self.proc = None
        self.start()

    def start(self):
        self.log = open(self.log_path, "ab")
        args = [self.binary, "serve", "--listen", "127.0.0.1:%d" % self.port, "--database", self.db]
        if self.config is not None:
            args += ["--config", self.config]
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("keukentafel-server stopped at start")
                time.sleep(0.05)
        raise RuntimeError("keukentafel-server did not listen")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def files(self):
        """Everything the server wrote: its database (with the SQLite
        journal files beside it) and its log."""
        return [os.path.join(self.dir, f) for f in sorted(os.listdir(self.dir))
                if f.startswith("server.db") or f == "server.log"]


class Bus:
    """A private D-Bus session bus with an unlocked gnome-keyring on it."""

    def __init__(self, home):
        self.home = home
        self.proc = subprocess.Popen(["dbus-daemon", "--session", "--nofork",
                                      "--print-address=1"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.address = self.proc.stdout.readline().decode().strip()
        env = dict(os.environ)
        env.update(DBUS_SESSION_BUS_ADDRESS=self.address, HOME=home,
                   XDG_DATA_HOME=os.path.join(home, ".local", "share"),
                   XDG_RUNTIME_DIR=os.path.join(home, "run"))
        env.pop("GNOME_KEYRING_CONTROL", None)
        os.makedirs(env["XDG_DATA_HOME"], exist_ok=True)
        os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
        self.keyring = subprocess.Popen(["gnome-keyring-daemon", "--foreground",
                                         "--components=secrets", "--unlock"],
                                        env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.keyring.stdin.write(KEYRING_PASSWORD)
        self.keyring.stdin.close()
        # A desktop's notification server, which records what the app
        # notifies (see kt-notifications.py).
        self.notifications_path = os.path.join(home, "notifications.log")
        self.notifier = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "kt-notifications.py"),
                                          self.notifications_path],
                                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_for_name("org.freedesktop.Notifications")
        # Up when the login collection is the default, as at a desktop login.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            out = subprocess.run(["gdbus", "call", "--address", self.address,
                                  "--dest", "org.freedesktop.secrets",
                                  "--object-path", "/org/freedesktop/secrets",
                                  "--method", "org.freedesktop.Secret.Service.ReadAlias",
                                  "default"], capture_output=True, text=True)
            if out.returncode == 0 and "'/'" not in out.stdout and "objectpath" in out.stdout:
                return
            time.sleep(0.1)
        raise RuntimeError("gnome-keyring did not start")

    def _wait_for_name(self, name):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            out = subprocess.run(["gdbus", "call", "--address", self.address,
                                  "--dest", "org.freedesktop.DBus",
                                  "--object-path", "/org/freedesktop/DBus",
                                  "--method", "org.freedesktop.DBus.NameHasOwner", name],
                                 capture_output=True, text=True)
            if "true" in out.stdout:
                return
            time.sleep(0.1)
        raise RuntimeError("%s did not start" % name)

    def notifications(self):
        """The titles of the notifications sent so far, oldest first."""
        try:
            with open(self.notifications_path, encoding="utf-8") as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def stop(self):
        for proc in (self.notifier, self.keyring, self.proc):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


class App:
    """One real keukentafel process with its own HOME, bus and keyring."""

    def __init__(self, binary, workdir, name, env_extra=None):
        self.binary = binary
        self.name = name
        self.home = os.path.join(workdir, name)
        os.makedirs(self.home, exist_ok=True)
        self.bus = Bus(self.home)
        self.env_extra = env_extra or {}
        self.proc = None
        self.stderr_path = os.path.join(self.home, "stderr.log")
        self.node = None
        self.start()

    def start(self):
        env = dict(os.environ)
        for var in ("NO_AT_BRIDGE", "GTK_A11Y", "GNOME_KEYRING_CONTROL", "KT_STORE_PATH"):
            env.pop(var, None)
        env.update(HOME=self.home, DBUS_SESSION_BUS_ADDRESS=self.bus.address,
                   XDG_DATA_HOME=os.path.join(self.home, ".local", "share"),
                   XDG_CONFIG_HOME=os.path.join(self.home, ".config"),
                   XDG_CACHE_HOME=os.path.join(self.home, ".cache"),
                   XDG_RUNTIME_DIR=os.path.join(self.home, "run"))
        env.update(self.env_extra)
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen([self.binary], env=env, stdout=self.stderr,
                                     stderr=self.stderr)
        self.node = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("%s stopped at start (exit %s)" % (self.name, self.proc.returncode))
            self.node = find_app(self.proc.pid)
            if self.node is not None and self.node.childCount > 0:
                return
            time.sleep(0.2)
        raise AssertionError("%s did not show on the accessibility bus" % self.name)

    def quit(self):
        """Quits as a user would (Ctrl+Q is app.quit; the window closes)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        self.node = None

    def restart(self):
        self.quit()
        self.start()

    def stop(self):
        self.quit()
        self.bus.stop()

    def stderr_text(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def window(self):
        """The app's active (or first showing) toplevel."""
        for w in children(self.node):
            if w.getState().contains(pyatspi.STATE_ACTIVE):
                return w
        for w in children(self.node):
            if w.getState().contains(pyatspi.STATE_SHOWING):
                return w
        return None



def ask_past_the_last_window(app):
    """Asks @app's AT-SPI root for the window after its last shown one, as a
    screen reader does that counted the windows while one closed (the
    sign-in dialog closes as soon as the server says yes).  GTK 4.8 answers
    with the last window it holds, shown or not; a hidden one (GTK's help
    overlay, kept beside every window) has no object path and the app
    crashed.  AssertionError when the app did not survive the question."""
    n = app.node.childCount
    try:
        app.node.getChildAtIndex(n)
    except Exception:
        pass
    try:
        app.node.childCount
    except Exception:
        pass
    if app.proc.poll() is not None:
        raise AssertionError("%s stopped (exit %s) when asked for window %d of %d"
                             % (app.name, app.proc.returncode, n + 1, n))


def children(node):
    try:
        n = node.childCount
    except Exception:
        return []
    out = []
    for i in range(n):
        try:
            c = node.getChildAtIndex(i)
        except Exception:
            c = None
        if c is not None:
            out.append(c)
    return out


def find_app(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in children(desktop):
        try:
            if app.get_process_id() == pid:
                return app
        except Exception:
            pass
    return None


def role(node):
    try:
        return node.getRoleName()
    except Exception:
        return "?"


def states(node):
    try:
        return node.getState()
    except Exception:
        return None


def showing(node):
    s = states(node)
    return s is not None and s.contains(pyatspi.STATE_SHOWING) and s.contains(pyatspi.STATE_VISIBLE)


def walk(node, depth=0, only_showing=True):
    """Every node below @node (pre-order), skipping what is not showing."""
    yield node, depth
    for c in children(node):
        if only_showing and not showing(c):
            continue
        yield from walk(c, depth + 1, only_showing)


def actions(node):
    try:
        a = node.queryAction()
    except NotImplementedError:
        return []
    except Exception:
        return []
    try:
        return [a.getName(i) for i in range(a.nActions)]
    except Exception:
        return []


def describe(node):
    try:
        name = node.name
    except Exception:
        name = "?"
    try:
        desc = node.description
    except Exception:
        desc = ""
    s = states(node)
    flags = []
    if s is not None:
        for st, word in ((pyatspi.STATE_FOCUSABLE, "focusable"), (pyatspi.STATE_SENSITIVE, "sensitive"),
                         (pyatspi.STATE_PRESSED, "pressed"), (pyatspi.STATE_CHECKED, "checked"),
                         (pyatspi.STATE_FOCUSED, "focused")):
            if s.contains(st):
                flags.append(word)
    return "[%s] %r desc=%r {%s} actions=%s" % (role(node), name, desc, ",".join(flags), actions(node))


def dump(node):
    return "\n".join("  " * d + describe(n) for n, d in walk(node))


def on_screen(node, in_stack_page=None):
    """GTK 4.8 sets no SHOWING state below the window and VISIBLE on every
    widget that is not hidden, even in a stack's hidden pages; those have
    no size until they first show, so a node counts as on screen when it has
    one (and, below a stack page, when GTK picks it).  Nodes without a
    component (a stack's page objects) pass through.  @in_stack_page: whether
    the parent is a stack page, when the caller knows (one call less)."""
    try:
        e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    except NotImplementedError:
        return True
    except Exception:
        return False
    if e.width <= 0 or e.height <= 0:
        return False
    try:
        if in_stack_page is None:
            in_stack_page = node.parent is not None and (node.parent.name or "").endswith("StackPage")
        if in_stack_page:
            return page_shows(node, e)
    except Exception:
        return False
    return True


def page_shows(node, e):
    """A stack page's content that showed once keeps its size in GTK 4.8
    (GetExtents reads the last allocation) after another page took over, so
    its size tells nothing.  Component.Contains at its own centre answers
    false for a page that is not mapped, true for the one that shows."""
    try:
        return node.queryComponent().contains(e.x + e.width // 2, e.y + e.height // 2,
                                              pyatspi.WINDOW_COORDS)
    except Exception:
        return True


# Nodes with nothing below them worth a look.
LEAVES = {"label", "image", "text", "password text", "entry", "scroll bar", "separator",
          "slider", "spin button", "check box", "page tab"}


def visible_walk(node, depth=0, want=None):
    """(node, depth, role) for @node and what is on screen below it.  Each
    AT-SPI question is a D-Bus round trip to the app (GTK 4.8 has no
    cache), so the walk asks as little as it can: a leaf of a role not in
    @want (a set of roles, None for any) is passed over unasked."""
    yield from _visible_walk(node, depth, role(node), want)


def _visible_walk(node, depth, node_role, want):
    yield node, depth, node_role
    if depth > 0 and node_role in LEAVES:
        return
    kids = children(node)
    if not kids:
        return
    try:
        stack_page = (node.name or "").endswith("StackPage")
    except Exception:
        stack_page = False
    for c in kids:
        r = role(c)
        if want is not None and r in LEAVES and r not in want:
            continue
        if on_screen(c, stack_page):
            yield from _visible_walk(c, depth + 1, r, want)


def plain(text):
    return (text or "").replace("_", "")


def name_matches(node, want, exact=False):
    try:
        name = plain(node.name)
    except Exception:
        return False
    want = plain(want)
    if exact:
        # GTK 4.8 names a button with a mnemonic "_Label Label".
        return name == want or name == want + " " + want
    return want in name


def find_all(root, roles=None, name=None, exact=False, pred=None):
    out = []
    for n, _d, r in visible_walk(root, want=set(roles) if roles is not None else None):
        if roles is not None and r not in roles:
            continue
        if name is not None and not name_matches(n, name, exact):
            continue
        if pred is not None and not pred(n):
            continue
        out.append(n)
    return out


def wait_for(what, timeout=20, interval=0.2, message=None):
    """Polls @what until it returns something true; AssertionError otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        result = what()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(message or "timed out waiting")
        time.sleep(interval)


def toplevels(app):
    return [w for w in children(app.node) if on_screen(w) and states(w) is not None
            and states(w).contains(pyatspi.STATE_SHOWING)]


def find(app, roles=None, name=None, exact=False, pred=None, timeout=20, where=None):
    """The one control in any showing window of @app (or under @where)."""
    def look():
        roots = [where] if where is not None else toplevels(app)
        for root in roots:
            found = find_all(root, roles, name, exact, pred)
            if found:
                return found[0]
        return None
    return wait_for(look, timeout, message="%s: no %s named %r on screen" % (app.name, roles, name))


BUTTONS = ("push button", "toggle button", "check box", "radio button", "menu item",
           "check menu item", "radio menu item", "list item", "page tab", "link")


def click(node):
    """Activates a control through its AT-SPI action, as a screen reader does."""
    if not [a for a in actions(node) if "." not in a]:
        # A GtkMenuButton is a box around the button that acts.
        inner = [c for c in children(node) if [a for a in actions(c) if "." not in a]]
        if inner:
            node = inner[0]
    try:
        a = node.queryAction()
    except Exception:
        click_at(node)
        return
    names = [a.getName(i) for i in range(a.nActions)]
    for want in ("click", "activate", "press", "toggle", "select"):
        if want in names:
            a.doAction(names.index(want))
            return
    if a.nActions > 0 and "." not in names[0]:
        a.doAction(0)
        return
    click_at(node)


def viewport(node):
    """The part of the window where @node can be seen: the window's frame
    cut down by every scrolled window around it (window coordinates)."""
    box = None
    n = node.parent
    while n is not None and role(n) != "application":
        if role(n) in ("scroll pane", "frame"):
            try:
                e = n.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            except Exception:
                e = None
            if e is not None and e.width > 0 and e.height > 0:
                r = (e.x, e.y, e.x + e.width, e.y + e.height)
                box = r if box is None else (max(box[0], r[0]), max(box[1], r[1]),
                                             min(box[2], r[2]), min(box[3], r[3]))
        if role(n) == "frame":
            break
        n = n.parent
    return box


def click_at(node):
    """A row of a list has no AT-SPI action in GTK 4.8: a pointer click on
    it, as a user with a mouse or a screen reader's routing would.  Without
    a window manager the window sits at 0,0, so window coordinates are the
    screen's."""
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    if e.width <= 0 or e.height <= 0:
        raise AssertionError("%s is not on screen" % describe(node))
    box = viewport(node) or (e.x, e.y, e.x + e.width, e.y + e.height)
    # GTK 4.8 has no AT-SPI ScrollTo: the mouse wheel over the scrolled
    # window brings a control scrolled out of sight (below, or above under
    # the header bar) back into it.
    tries = 0
    while tries < 80:
        y = e.y + min(e.height // 2, 20)
        if y < box[1] + 5:
            button = "b4c"
        elif y >= box[3] - 5:
            button = "b5c"
        else:
            break
        raise_app_window(node.get_process_id())
        pyatspi.Registry.generateMouseEvent((box[0] + box[2]) // 2, (box[1] + box[3]) // 2, button)
        time.sleep(0.1)
        e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        tries += 1
    raise_app_window(node.get_process_id())
    # The wheel scrolls with an animation that a slow app (ASan, a busy
    # machine) is still running: click where the control came to rest.
    deadline = time.monotonic() + 10
    while True:
        time.sleep(0.3)
        f = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        if (f.x, f.y) == (e.x, e.y) or time.monotonic() > deadline:
            break
        e = f
    pyatspi.Registry.generateMouseEvent(e.x + e.width // 2, e.y + min(e.height // 2, 20), "b1c")


def press(app, name, roles=BUTTONS, exact=False, timeout=20, where=None):
    node = find(app, roles, name, exact, timeout=timeout, where=where)
    click(node)
    return node


def text_of(node):
    try:
        return node.queryText().getText(0, -1)
    except Exception:
        return ""


def set_text(node, text):
    if not node.queryEditableText().setTextContents(text):
        raise AssertionError("could not set the text of %s" % describe(node))


def fill(app, name, text, exact=False, timeout=20, where=None):
    node = find(app, ("text", "password text", "entry"), name, exact, timeout=timeout, where=where)
    set_text(node, text)
    return node


def type_keys(text):
    pyatspi.Registry.generateKeyboardEvent(0, text, pyatspi.KEY_STRING)


def key(keyname):
    """Presses and releases one key by its X keysym name (Return, Escape…)."""
    import gi
    gi.require_version("Gdk", "4.0")
    from gi.repository import Gdk
    keyval = Gdk.keyval_from_name(keyname)
    pyatspi.Registry.generateKeyboardEvent(keyval, None, pyatspi.KEY_SYM)


def save_failure_artefacts(logdir, tag, apps):
    """A screenshot of the screen and each app's accessibility tree (only the
    test's own made-up names are in them)."""
    os.makedirs(logdir, exist_ok=True)
    subprocess.run(["import", "-window", "root", os.path.join(logdir, "e2e-%s.png" % tag)],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for app in apps:
        if app.node is None:
            continue
        path = os.path.join(logdir, "e2e-%s-%s-tree.txt" % (tag, app.name))
        try:
            with open(path, "w") as f:
                for w in children(app.node):
                    f.write("\n".join("  " * d + describe(n) for n, d in full_walk(w)))
                    f.write("\n\n")
        except Exception as e:
            log("could not dump %s: %s" % (app.name, e))
    log("screenshot and accessibility trees saved in %s" % logdir)


# Roles that are never a control of their own: text, layout and scrolling.
NOT_CONTROLS = {"label", "panel", "filler", "scroll pane", "scroll bar", "separator",
                "frame", "window", "dialog", "application", "image", "heading",
                "section", "paragraph", "static", "status bar", "tool tip", "unknown",
                "redundant object", "alert", "notification"}


def is_class_name(name):
    import re
    return re.fullmatch(r"(Gtk|Adw|Kt)[A-Z][A-Za-z0-9]*", name or "") is not None


def is_control(node):
    r = role(node)
    if r in NOT_CONTROLS:
        return False
    s = states(node)
    focusable = s is not None and s.contains(pyatspi.STATE_FOCUSABLE)
    # GTK 4.8 lists a widget's action groups (clipboard.copy, win.*) as
    # AT-SPI actions; only the widget's own actions make it a control.
    own = [a for a in actions(node) if "." not in a]
    # A row that takes no focus and does nothing (a row of chips) is not one.
    return focusable or bool(own) or (r in BUTTONS and r != "list item")


def full_walk(node, depth=0):
    """Every node below @node that GTK has not hidden.  GTK 4.8 tells no
    page of a stack that is off screen from one that shows (neither has
    SHOWING, both VISIBLE), so this takes them all, and the popovers'
    contents too: a control off screen now is on screen another time."""
    yield node, depth
    for c in children(node):
        s = states(c)
        if s is None or not s.contains(pyatspi.STATE_VISIBLE):
            continue
        yield from full_walk(c, depth + 1)


def bad_names(app):
    """Every control in @app whose name is empty or a class name."""
    bad = []
    for top in toplevels(app):
        for n, _d in full_walk(top):
            if not is_control(n):
                continue
            try:
                name = n.name
            except Exception:
                name = ""
            if not name.strip() or is_class_name(name.strip()):
                bad.append(n)
    return bad


def path_of(node):
    steps = []
    n = node
    while n is not None and role(n) != "application":
        try:
            steps.append("%s(%r)" % (role(n), n.name[:30]))
            n = n.parent
        except Exception:
            break
    return " > ".join(reversed(steps))


def each_app_window(pid, act):
    """Calls act(x, dpy, window) for every toplevel X window of process @pid
    (by its _NET_WM_PID), with plain Xlib calls, and returns how many there
    were (False when there is no display).  Without a window manager under
    Xvfb, raising and sizing windows is up to the tests."""
    import ctypes
    import ctypes.util
    x = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11"))
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                             ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                             ctypes.POINTER(ctypes.c_uint)]
    x.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long,
                                     ctypes.c_long, ctypes.c_int, ctypes.c_ulong,
                                     ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
                                     ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
                                     ctypes.POINTER(ctypes.c_void_p)]
    x.XRaiseWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x.XResizeWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_uint, ctypes.c_uint]
    x.XFree.argtypes = [ctypes.c_void_p]
    x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x.XOpenDisplay(None)
    if not dpy:
        return False
    try:
        atom = x.XInternAtom(dpy, b"_NET_WM_PID", 0)
        root = x.XDefaultRootWindow(dpy)
        r, p = ctypes.c_ulong(), ctypes.c_ulong()
        kids = ctypes.POINTER(ctypes.c_ulong)()
        n = ctypes.c_uint()
        x.XQueryTree(dpy, root, ctypes.byref(r), ctypes.byref(p), ctypes.byref(kids), ctypes.byref(n))
        found = 0
        for i in range(n.value):
            w = kids[i]
            t, fmt = ctypes.c_ulong(), ctypes.c_int()
            items, after = ctypes.c_ulong(), ctypes.c_ulong()
            data = ctypes.c_void_p()
            if x.XGetWindowProperty(dpy, w, atom, 0, 1, 0, 6, ctypes.byref(t), ctypes.byref(fmt),
                                    ctypes.byref(items), ctypes.byref(after), ctypes.byref(data)) == 0 \
                    and data.value and items.value == 1:
                value = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))[0]
                x.XFree(data)
                if value == pid:
                    act(x, dpy, w)
                    found += 1
        if kids:
            x.XFree(kids)
        x.XSync(dpy, 0)
        return found
    finally:
        x.XCloseDisplay(dpy)


def raise_app_window(pid):
    """Without a window manager the apps' windows overlap at 0,0: brings the
    one of process @pid to the top before a pointer click."""
    return bool(each_app_window(pid, lambda x, dpy, w: x.XRaiseWindow(dpy, w)))
