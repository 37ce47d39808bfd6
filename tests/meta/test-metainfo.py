#!/usr/bin/python3
"""test-metainfo.py METAINFO SOURCE_ROOT VERSION: the merged metainfo passes
`appstreamcli validate --no-net --explain --pedantic` and what Flathub asks on
top of it.

The validator's every issue fails the test except these two, each for a
reason given below:
- cid-contains-uppercase-letter (pedantic): nl.wijkteam.Keukentafel has been
  the app id since 0.1.0 (GSettings schema, data directory, keyring entries);
  changing it would strand every installation's data.  GNOME's own apps use
  the same CamelCase last part (org.gnome.TextEditor) and Flathub accepts it.
- unknown-tag "developer", only from a validator older than AppStream 1.0:
  <developer id=…> is AppStream 1.0's replacement for <developer_name>, which
  Debian 12's appstream 0.16.1 does not know yet.

Run with /usr/bin/python3 (Debian's), not whatever python3 is first on PATH."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUMMARY_MAX = 35
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def validator_issues(metainfo):
    """(version, [(tag, severity, hint)]) from the validator's YAML report."""
    run = subprocess.run(["appstreamcli", "validate", "--no-net", "--explain", "--pedantic",
                          metainfo], capture_output=True, text=True)
    print(run.stdout, end="")
    print(run.stderr, end="", file=sys.stderr)
    report = subprocess.run(["appstreamcli", "validate", "--no-net", "--pedantic",
                             "--format=yaml", metainfo], capture_output=True, text=True).stdout
    version = re.search(r"^Validator: (\S+)", report, re.M)
    issues = []
    for block in re.split(r"^- tag: ", report, flags=re.M)[1:]:
        tag = block.split("\n", 1)[0].strip()
        severity = re.search(r"^\s+severity: (\S+)", block, re.M)
        hint = re.search(r"^\s+hint: (.*)$", block, re.M)
        issues.append((tag, severity.group(1) if severity else "?",
                       hint.group(1).strip() if hint else ""))
    return (version.group(1) if version else "0"), issues, run.returncode


def allowed(issue, validator_version):
    tag, _severity, hint = issue
    if tag == "cid-contains-uppercase-letter":
        return True
    major = int(re.match(r"\d+", validator_version).group(0))
    return tag == "unknown-tag" and hint == "developer" and major < 1


def main():
    metainfo, top, version = sys.argv[1:4]
    problems = []

    validator_version, issues, rc = validator_issues(metainfo)
    if rc != 0:
        problems.append(f"appstreamcli validate exited with {rc}")
    for issue in issues:
        if not allowed(issue, validator_version):
            problems.append("validator: %s (%s) %s" % issue)

    with open(metainfo, encoding="utf-8") as f:
        text = f.read()
    root = ET.fromstring(text)

    # No placeholder address anywhere: an optional URL is left out instead.
    for placeholder in re.findall(r"[\w.@/:-]*\.example\b[\w./-]*", text):
        problems.append(f"placeholder address {placeholder}")

    if root.find("developer_name") is not None:
        problems.append("<developer_name> is deprecated: use <developer id=…><name>")
    developer = root.find("developer")
    if developer is None or not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", developer.get("id", "")):
        problems.append("<developer> with a reverse-DNS id is missing")
    elif not (developer.findtext("name") or "").strip():
        problems.append("<developer> has no <name>")

    summaries = root.findall("summary")
    if not summaries:
        problems.append("no <summary>")
    for summary in summaries:
        words = (summary.text or "").strip()
        lang = summary.get(LANG, "en")
        if len(words) > SUMMARY_MAX:
            problems.append(f"summary [{lang}] is {len(words)} characters (at most {SUMMARY_MAX}): {words}")
        if words.endswith("."):
            problems.append(f"summary [{lang}] ends with a full stop")

    releases = root.findall("releases/release")
    if not releases:
        problems.append("no <release>")
    else:
        newest = releases[0]
        if newest.get("version") != version:
            problems.append(f"the newest <release> is {newest.get('version')}, the project is {version}")
        for release in releases:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", release.get("date", "")):
                problems.append(f"release {release.get('version')} has no ISO date")

    rating = root.find("content_rating")
    if rating is None or rating.get("type") != "oars-1.1":
        problems.append("no <content_rating type=\"oars-1.1\">")

    colours = {c.get("scheme_preference"): c.text
               for c in root.findall("branding/color") if c.get("type") == "primary"}
    for scheme in ("light", "dark"):
        if not COLOUR.fullmatch(colours.get(scheme) or ""):
            problems.append(f"no primary branding colour for the {scheme} scheme")

    # A screenshot may be named only when it exists: its image is a file in
    # docs/screenshots/ published at the URL.
    shots = root.findall("screenshots/screenshot")
    for shot in shots:
        for image in shot.findall("image"):
            url = (image.text or "").strip()
            name = os.path.join(top, "docs", "screenshots", os.path.basename(url))
            if not url.startswith("https://"):
                problems.append(f"screenshot {url} is not an https URL")
            if not os.path.isfile(name):
                problems.append(f"screenshot {url} has no file {os.path.relpath(name, top)}")
    if not shots:
        print("NOTE: no <screenshots>: the project has no public address to publish them at yet; "
              "Flathub wants them before submission")

    print(f"validator {validator_version}: {len(issues)} issue(s), "
          f"{sum(not allowed(i, validator_version) for i in issues)} not allowed")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
