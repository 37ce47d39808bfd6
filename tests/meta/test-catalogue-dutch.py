#!/usr/bin/python3
"""test-catalogue-dutch.py SOURCE_ROOT: data/catalogue/catalogue.json gives a
Dutch name for every life domain, wheel segment and support ring, and holds the
default set of DESIGN.md §4 and §5 (14 domains, 6 segments, 4 rings); every
domain also has a Dutch description and Dutch opening prompts.  Every prompt
is one open question (ends in "?", asks one thing, never "Lukt het…"), and
every link between domains goes both ways or is marked one-way (issue 16).

Run with /usr/bin/python3 (Debian's), not whatever python3 is first on PATH."""

import json
import os
import sys

DOMAINS = ["geldzaken", "werk", "wonen", "huishouden", "zelfzorg", "lichamelijk",
           "psychisch", "middelen", "relaties", "opvoeding", "netwerk", "meedoen",
           "veiligheid", "justitie"]
N_SEGMENTS = 6
N_RINGS = 4


def find_key(node, key):
    """The first value stored under KEY anywhere in NODE, breadth first."""
    queue = [node]
    while queue:
        cur = queue.pop(0)
        if isinstance(cur, dict):
            if key in cur:
                return cur[key]
            queue.extend(cur.values())
        elif isinstance(cur, list):
            queue.extend(cur)
    return None


def items(collection):
    """(id, entry) pairs of a list of objects or an object keyed by id."""
    if isinstance(collection, dict):
        return [(k, v) for k, v in collection.items()]
    if isinstance(collection, list):
        return [(e.get("id") if isinstance(e, dict) else None, e) for e in collection]
    return []


def dutch_name(entry):
    """The Dutch name of ENTRY, whichever of the usual shapes it uses."""
    if not isinstance(entry, dict):
        return None
    candidates = [
        entry.get("name_nl"),
        entry.get("name") if isinstance(entry.get("name"), dict) else None,
        entry.get("names"),
        entry.get("nl"),
        (entry.get("translations") or {}).get("nl") if isinstance(entry.get("translations"), dict) else None,
    ]
    for c in candidates:
        if isinstance(c, str):
            return c
        if isinstance(c, dict):
            v = c.get("nl")
            if isinstance(v, str):
                return v
            v = c.get("name")
            if isinstance(v, str):
                return v
    return None


def main():
    top = sys.argv[1]
    path = os.path.join(top, "data", "catalogue", "catalogue.json")
    with open(path, encoding="utf-8") as f:
        catalogue = json.load(f)

    problems = []
    for key, expected in (("domains", None), ("segments", N_SEGMENTS), ("rings", N_RINGS)):
        collection = find_key(catalogue, key)
        entries = items(collection)
        if not entries:
            problems.append(f"no '{key}' list in the catalogue")
            continue
        if expected is not None and len(entries) != expected:
            problems.append(f"{len(entries)} {key}, expected {expected}")
        for ident, entry in entries:
            name = dutch_name(entry)
            if not name or not name.strip():
                problems.append(f"{key[:-1]} {ident!r} has no Dutch name")
        if key == "domains":
            for ident, entry in entries:
                if not dutch_name({"name": entry.get("description")}):
                    problems.append(f"domain {ident!r} has no Dutch description")
                prompts = (entry.get("prompts") or {}).get("nl") if isinstance(entry.get("prompts"), dict) else None
                if not prompts or not all(isinstance(q, str) and q.strip() for q in prompts):
                    problems.append(f"domain {ident!r} has no Dutch prompts")
            by_id = dict(entries)
            for ident, entry in entries:
                for key2 in ("prompts", "prompts_without_children", "prompts_young_person"):
                    for lang, prompts in (entry.get(key2) or {}).items():
                        for q in prompts:
                            if not q.endswith("?") or q.count("?") != 1:
                                problems.append(f"{ident} {key2}.{lang}: {q!r} is not one question")
                            if q.startswith("Lukt het"):
                                problems.append(f"{ident}: {q!r} asks yes or no")
                one_way = entry.get("one_way", [])
                for other in entry.get("related", []):
                    back = ident in (by_id.get(other) or {}).get("related", [])
                    if not back and other not in one_way:
                        problems.append(f"link {ident} → {other} has no way back and is not one-way")
                    if back and other in one_way:
                        problems.append(f"link {ident} → {other} is marked one-way but links back")
            ids = {ident for ident, _ in entries}
            for d in DOMAINS:
                if d not in ids:
                    problems.append(f"life domain {d!r} of the default set is missing")
        print(f"{key}: {len(entries)}")

    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
