#!/usr/bin/python3
# validate-fhir-bundle.py: validates a FHIR R4 Bundle against the official
# FHIR R4 JSON schema (tests/data/fhir) with Debian's python3-jsonschema,
# and checks that every reference in it resolves inside the bundle.
#
# The full schema is draft-06 with a oneOf over ~145 resource types at every
# ResourceList; validating entries through it tries each type.  So the Bundle
# is checked against its own definition with the entries' resources left
# open, and each resource against the definition its resourceType names (the
# schema's own discriminator): the same rules, in about a second.
#
# Usage: validate-fhir-bundle.py SCHEMA.json.gz BUNDLE.json
# SPDX-License-Identifier: GPL-3.0-or-later
import copy
import gzip
import hashlib
import json
import sys

import jsonschema

SCHEMA_SHA256 = "15b9548af6412c44faaa411456e0652542de286fd1c58ef882b09bdc8947909d"


def references(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                found.append(value)
            else:
                references(value, found)
    elif isinstance(node, list):
        for value in node:
            references(value, found)
    return found


def main():
    with gzip.open(sys.argv[1], "rb") as f:
        raw = f.read()
    if hashlib.sha256(raw).hexdigest() != SCHEMA_SHA256:
        sys.exit("the vendored FHIR schema is not the one noted in tests/data/fhir/README.md")
    schema = json.loads(raw)
    with open(sys.argv[2], encoding="utf-8") as f:
        bundle = json.load(f)

    problems = []
    open_schema = copy.deepcopy(schema)
    open_schema["definitions"]["ResourceList"] = {"type": "object"}
    bundle_schema = dict(open_schema, **{"$ref": "#/definitions/Bundle"})
    bundle_schema.pop("oneOf", None)
    cls = jsonschema.Draft6Validator
    for error in cls(bundle_schema).iter_errors(bundle):
        problems.append("Bundle: %s at %s" % (error.message[:200], list(error.absolute_path)))

    urls = set()
    for i, entry in enumerate(bundle.get("entry", [])):
        resource = entry.get("resource", {})
        kind = resource.get("resourceType")
        if kind not in schema["definitions"]:
            problems.append("entry %d: unknown resourceType %r" % (i, kind))
            continue
        one = dict(schema, **{"$ref": "#/definitions/" + kind})
        one.pop("oneOf", None)
        for error in cls(one).iter_errors(resource):
            problems.append("entry %d (%s): %s at %s" % (i, kind, error.message[:200], list(error.absolute_path)))
        urls.add(entry.get("fullUrl"))

    for ref in references(bundle, []):
        if ref not in urls:
            problems.append("reference %s does not resolve inside the bundle" % ref)

    kinds = sorted({e["resource"]["resourceType"] for e in bundle.get("entry", [])})
    for needed in ("CarePlan", "Goal", "CareTeam", "Consent", "Observation", "Group", "RelatedPerson"):
        if needed not in kinds:
            problems.append("no %s in the bundle" % needed)

    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("valid: %d entries (%s), %d references resolved"
          % (len(bundle.get("entry", [])), ", ".join(kinds), len(references(bundle, []))))


if __name__ == "__main__":
    main()
