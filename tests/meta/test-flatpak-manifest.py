#!/usr/bin/python3
"""test-flatpak-manifest.py SOURCE_ROOT: flatpak/nl.wijkteam.Keukentafel.json
parses, runs the app on the GNOME runtime with narrow permissions, and provides
every dependency() the meson build needs for the app: each is either in the
GNOME runtime (list below) or built as a module of the manifest.  Every
downloaded source carries its sha256, and neither the runtime nor a module is
older than the release this test records as current (CURRENT below).

Run with /usr/bin/python3 (Debian's), not whatever python3 is first on PATH."""

import json
import os
import re
import sys

# pkg-config names the org.gnome.Platform runtime (GNOME 46 and later) ships.
# GLib/GIO, json-glib, libsoup 3, libsecret, SQLite, cairo (with its PDF
# surface) and pangocairo come from the
# freedesktop base or GNOME's own layer; GTK 4 and libadwaita are GNOME's.
RUNTIME = {
    "glib-2.0", "gio-2.0", "gio-unix-2.0", "gobject-2.0",
    "json-glib-1.0",
    "libsoup-3.0",
    "libsecret-1",
    "sqlite3",
    "cairo", "cairo-pdf", "pangocairo",
    "gtk4",
    "libadwaita-1",
}

# The current stable releases as established for this manifest (see
# flatpak/README.md for where each comes from): the manifest may pin these or
# newer, never older.  Raise them when the manifest moves on.
CURRENT = {
    "runtime": (51,),           # GNOME 51, September 2026; 48 is end-of-life
    "libsodium": (1, 0, 22),    # 1.0.22-RELEASE, April 2026
}

# What each module of the manifest provides, by pkg-config name.
MODULE_PROVIDES = {
    "libsodium": {"libsodium"},
}

# Permissions the app needs (see flatpak/README.md); anything else fails the
# test, so widening the sandbox is always a deliberate change here too.
NEEDED_ARGS = {"--share=ipc", "--socket=fallback-x11", "--socket=wayland",
               "--device=dri", "--share=network"}
SECRETS_TALK = "--talk-name=org.freedesktop.secrets"
SECRETS_ENV = "--env=SECRET_BACKEND=service"
ALLOWED_ARGS = NEEDED_ARGS | {SECRETS_TALK, SECRETS_ENV}

# Parts of the tree that the app build never reads.
NOT_APP = ("src/server", "tests", "bench", "subprojects")

SHA256 = re.compile(r"[0-9a-f]{64}")
ARCHIVE_VERSION = re.compile(r"-(\d+(?:\.\d+)+)\.tar\.\w+$")

DEP_CALL = re.compile(r"(?<![\w.])dependency\(")


def meson_files(top):
    for root, dirs, files in os.walk(top):
        rel = os.path.relpath(root, top)
        dirs[:] = [d for d in dirs if not d.startswith((".", "build", "_build"))]
        if rel != "." and rel.startswith(NOT_APP):
            continue
        if "meson.build" in files:
            yield os.path.join(root, "meson.build")


def dependency_calls(text):
    """(name, argument text) of every dependency('name', ...) call."""
    for m in DEP_CALL.finditer(text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        args = text[m.end():i - 1]
        name = re.match(r"\s*'([^']+)'", args)
        if name:
            yield name.group(1), args


def main():
    top = sys.argv[1]
    problems = []

    with open(os.path.join(top, "flatpak", "nl.wijkteam.Keukentafel.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    with open(os.path.join(top, "meson.build"), encoding="utf-8") as f:
        app_id = re.search(r"app_id\s*=\s*'([^']+)'", f.read()).group(1)

    expect = {"id": app_id, "runtime": "org.gnome.Platform", "sdk": "org.gnome.Sdk",
              "command": "keukentafel"}
    for key, value in expect.items():
        if manifest.get(key) != value:
            problems.append(f"{key} is {manifest.get(key)!r}, expected {value!r}")
    runtime = str(manifest.get("runtime-version", ""))
    if not re.fullmatch(r"\d+", runtime):
        problems.append("runtime-version must be a stable GNOME release such as \"51\"")
    elif (int(runtime),) < CURRENT["runtime"]:
        problems.append(f"runtime-version {runtime} is older than GNOME {CURRENT['runtime'][0]}")

    args = set(manifest.get("finish-args", []))
    for a in sorted(NEEDED_ARGS - args):
        problems.append(f"finish-args lacks {a}")
    for a in sorted(args - ALLOWED_ARGS):
        problems.append(f"finish-args has {a}, wider than the app needs")
    # Inside Flatpak kt-keyring.c goes through secret_password_*() (the Secret
    # portal's file keyring) unless SECRET_BACKEND names the service: direct
    # access to the host keyring is only coherent with that variable beside it
    # (flatpak/README.md).
    if SECRETS_TALK in args and SECRETS_ENV not in args:
        problems.append(f"{SECRETS_TALK} needs {SECRETS_ENV} beside it")

    modules = manifest.get("modules", [])
    names = [m.get("name") for m in modules if isinstance(m, dict)]
    if not names or names[-1] != "keukentafel":
        problems.append("the last module must build keukentafel itself")
    else:
        opts = modules[-1].get("config-opts", [])
        if modules[-1].get("buildsystem") != "meson":
            problems.append("keukentafel must be built with meson")
        for o in ("-Dserver=false", "-Dtests=false"):
            if o not in opts:
                problems.append(f"keukentafel module lacks {o}")
    provided = set(RUNTIME)
    for m in modules[:-1]:
        provided |= MODULE_PROVIDES.get(m.get("name"), set())
        for s in m.get("sources", []):
            kind, url = s.get("type"), s.get("url", "")
            if kind in ("archive", "file") and not SHA256.fullmatch(s.get("sha256", "")):
                problems.append(f"module {m.get('name')}: source {url} has no sha256")
            elif kind == "git" and not re.fullmatch(r"[0-9a-f]{40}", s.get("commit", "")):
                problems.append(f"module {m.get('name')}: git source {url} has no commit")
            elif kind not in ("archive", "file", "git", "patch", "shell"):
                problems.append(f"module {m.get('name')}: source type {kind} cannot be pinned")
            version = ARCHIVE_VERSION.search(url)
            if kind == "archive" and not version:
                problems.append(f"module {m.get('name')}: no version in {url}")
            elif kind == "archive":
                have = tuple(int(n) for n in version.group(1).split("."))
                want = CURRENT.get(m.get("name"))
                if want is None:
                    problems.append(f"module {m.get('name')}: no current release recorded in the test")
                elif have < want:
                    problems.append(f"module {m.get('name')}: {version.group(1)} is older than "
                                    f"{'.'.join(map(str, want))}")

    needed = {}
    for path in meson_files(top):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for name, call_args in dependency_calls(text):
            if "get_option('server')" in call_args:
                continue                                  # server-only, e.g. libpq
            needed.setdefault(name, os.path.relpath(path, top))

    for name, where in sorted(needed.items()):
        if name not in provided:
            problems.append(f"{where} needs {name}, which is neither in the runtime nor a module")

    print(f"app dependencies: {', '.join(sorted(needed))}")
    print(f"runtime: org.gnome.Platform//{runtime}; modules: {', '.join(names)}; "
          f"finish-args: {' '.join(sorted(args))}")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
