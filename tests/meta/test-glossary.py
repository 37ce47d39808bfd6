#!/usr/bin/python3
"""test-glossary.py SOURCE_ROOT: one Dutch voice.

- po/nl.po and the catalogue use one word for each term of po/glossary.txt;
- every string the resident reads (the sources marked "resident:" in the
  glossary, and the catalogue's Dutch prompts) says "u", never "je";
- po/nl.po holds no message the sources no longer use.

Run with /usr/bin/python3 (Debian's), not whatever python3 is first on PATH."""

import json
import os
import re
import subprocess
import sys
import tempfile

INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie|jezelf)\b", re.IGNORECASE)


def read_glossary(path):
    terms, resident = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("resident:"):
                resident.extend(line[len("resident:"):].split())
            elif "|" in line:
                term, words = line.split("|", 1)
                for w in words.split(","):
                    if w.strip():
                        terms[w.strip().lower()] = term.strip()
    return terms, resident


def unquote(s):
    return json.loads(s)  # a PO string literal is a JSON string for our purposes


def read_po(path):
    """[(msgctxt, msgid, msgstr, [locations], obsolete)] of a PO file."""
    entries, cur, field = [], None, None

    def flush():
        if cur is not None and (cur["msgid"] or cur["msgstr"]):
            entries.append(cur)

    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            obsolete = line.startswith("#~")
            if obsolete:
                line = line[2:].lstrip()
            if not line.strip():
                flush()
                cur, field = None, None
                continue
            if cur is None:
                cur = {"msgctxt": None, "msgid": "", "msgstr": "", "loc": [], "obsolete": False}
            if obsolete:
                cur["obsolete"] = True
            if line.startswith("#:"):
                cur["loc"].extend(p.rsplit(":", 1)[0] for p in line[2:].split())
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                cur[field] += unquote(line)
            else:
                key, _, rest = line.partition(" ")
                field = "msgstr" if key.startswith("msgstr") else key
                if field not in cur or field == "loc":
                    field = None
                    continue
                cur[field] = (cur[field] or "") + unquote(rest)
    flush()
    return entries


def main():
    top = sys.argv[1]
    terms, resident = read_glossary(os.path.join(top, "po", "glossary.txt"))
    failures = []

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "keukentafel.pot")
        merged = os.path.join(tmp, "merged.po")
        # The same extraction as test-translations.sh, with locations kept.
        subprocess.run(
            ["xgettext", "--package-name=keukentafel", "--from-code=UTF-8",
             "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
             "--keyword=g_dngettext:2,3", "--files-from=po/POTFILES.in",
             "--directory=" + top, "--output=" + pot], check=True, cwd=top)
        subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--no-wrap",
                        "--output-file=" + merged, os.path.join(top, "po", "nl.po"), pot],
                       check=True)
        entries = read_po(merged)

    for e in entries:
        if e["msgid"] == "":
            continue
        if e["obsolete"]:
            failures.append("no source uses this message any more; remove it from "
                            "po/nl.po: %r" % e["msgid"])
            continue
        text = e["msgstr"].replace("_", "")
        for word in re.findall(r"[\wëïéèöü’']+", text.lower()):
            if word in terms:
                failures.append("%r says “%s”; the glossary's word is “%s” (msgid %r)"
                                % (text, word, terms[word], e["msgid"]))
        if any(l in resident for l in e["loc"]) and INFORMAL.search(text):
            failures.append("toward the resident Dutch says “u”, not “%s”: %r"
                            % (INFORMAL.search(text).group(0), text))

    with open(os.path.join(top, "data", "catalogue", "catalogue.json"), encoding="utf-8") as f:
        catalogue = json.load(f)

    def dutch_strings(node, spoken=False):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "nl":
                    yield from dutch_strings(v, True)
                else:
                    yield from dutch_strings(v, spoken)
        elif isinstance(node, list):
            for v in node:
                yield from dutch_strings(v, spoken)
        elif isinstance(node, str) and spoken:
            yield node

    for text in dutch_strings(catalogue):
        if INFORMAL.search(text):
            failures.append("catalogue speaks to the resident with “%s”: %r"
                            % (INFORMAL.search(text).group(0), text))
        for word in re.findall(r"[\wëïéèöü’']+", text.lower()):
            if word in terms:
                failures.append("catalogue says “%s”; the glossary's word is “%s”: %r"
                                % (word, terms[word], text))

    # The Dutch user guide uses the same words as the app it describes.
    guide = os.path.join(top, "docs", "gebruikershandleiding.md")
    with open(guide, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            for word in re.findall(r"[\wëïéèöü’']+", line.lower().replace("_", "")):
                if word in terms:
                    failures.append("docs/gebruikershandleiding.md:%d says “%s”; the "
                                    "glossary's word is “%s”" % (n, word, terms[word]))

    for f in failures:
        print(f)
    checked = sum(1 for e in entries if not e["obsolete"])
    print("%d messages and the catalogue checked against %d glossary words; %d problems"
          % (checked, len(terms), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
