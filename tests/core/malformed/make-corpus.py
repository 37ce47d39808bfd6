#!/usr/bin/env python3
# Writes the malformed-document corpus and its EXPECTED index.
# Each file breaks one thing in an otherwise valid document; every text value
# holds the word GEHEIM, which no error message may repeat.
# Run from this folder: ./make-corpus.py
import copy, json, os

M = "GEHEIM"

def uuid(n):
    return "%08x-0000-4000-8000-%012x" % (n, n)

def header(kind):
    return {"schema": "keukentafel/1", "kind": kind, "id": uuid(1), "rev": 3,
            "created": 1764000000, "updated": 1764000100}

CASE = dict(header("case"), **{
    "household": "Familie " + M,
    "members": [{"id": uuid(10 + i), "name": M + str(i), "birth_year": 1980 + i,
                 "relation": "kind"} for i in range(3)],
    "address": M, "phone": M, "email": M,
    "request": {"date": "2026-11-25", "channel": "phone", "question": M, "intaker": "intaker1",
                "urgency": "normal", "safety_concern": False, "safety_note": None,
                "own_strength": M, "client_support_offered": True, "own_plan_wanted": False},
    "consents": [{"id": uuid(20), "purpose": M, "party": M, "status": "given",
                  "date": "2026-11-25", "form": "spoken", "share_without_consent": False,
                  "reasoning": None}],
    "network": [{"id": uuid(30 + i), "name": M, "relation": M, "kind": "informal",
                 "organisation": None, "role": None, "contact": M, "frequency": M}
                for i in range(2)],
    "team": "Noord", "coach": "coach1", "lead_id": "coach", "contact_person_id": uuid(30),
    "evaluator_id": "coach", "phase": "registered",
    "conversation_deadline": "2027-01-06", "own_plan_deadline": "2026-12-02",
    "evaluation_date": None, "follow_up_date": None, "solved_at_desk": False, "desk_note": None,
})

SEGMENTS = ["zelfstandig", "sociaal", "deelnemen", "bijdragen", "vaardigheden", "werk"]
CONVERSATION = dict(header("conversation"), **{
    "case_id": uuid(2), "date": "2026-12-01", "present": ["resident", "partner"],
    "catalogue_id": "keukentafel-default", "catalogue_version": 1,
    "entries": [{"domain_id": d, "state": "discussed", "skip_reason": None, "going_well": M,
                 "concern": M, "level": 3, "helpers": ["self", "network"], "wish": M,
                 "priority": 1, "safety_flag": False}
                for d in ["geldzaken", "wonen", "psychisch", "veiligheid"]],
    "safety_checks": [{"member_id": uuid(10), "checked": True, "concern": False, "note": M}],
    "wheel": {s: {"current": 2, "target": 3, "previous": -1,
                  "supporters": [{"person_id": "self", "ring": "own"}]} for s in SEGMENTS},
    "own_words": M, "notes": M, "complete": False, "is_evaluation": False, "progress": [],
})

PLAN = dict(header("plan"), **{
    "case_id": uuid(2), "version": 1, "question": M,
    "goals": [{"id": uuid(40 + i), "title": M, "domains": ["geldzaken"], "segments": ["werk"],
               "difference": M,
               "actions": [{"id": uuid(50 + 10 * i + j), "what": M, "actor": "resident",
                            "who": M, "due": "2027-01-15", "done": False} for j in range(2)],
               "evaluation_date": "2027-03-01", "status": "open", "progress_notes": [M]}
              for i in range(2)],
    "case_lead": "coach1", "contact_person": M, "evaluator": "coach1",
    "provisions": [{"id": uuid(60), "name": M, "tailored": True, "acceptable": M,
                    "cost_reasonable": M, "own_options": M}],
    "safety_required": False,
    "safety": {"risks": None, "agreements": None, "who_watches": None,
               "veilig_thuis_consulted": False},
    "agreement": {"state": "agreed", "date": "2026-12-10", "remarks": M, "form": "written",
                  "signature": [[0.1, 0.2, 0.3, 0.4], [0.5, 0.5, 0.75, 0.25]]},
    "review": "draft", "author": "coach1", "reviewer": None, "submitted_at": 0,
    "comments": [{"goal_id": None, "author": "sup1", "text": M, "at": 1764000200}],
})

cases = []   # (name, code, path, content)

def mutate(name, code, path, base, fn):
    doc = copy.deepcopy(base)
    fn(doc)
    cases.append((name, code, path, json.dumps(doc, ensure_ascii=False).encode()))

def raw(name, code, path, data):
    cases.append((name, code, path, data))

def setp(*keys_value):
    *keys, value = keys_value
    def fn(doc):
        d = doc
        for k in keys[:-1]:
            d = d[k]
        d[keys[-1]] = value
    return fn

def delp(*keys):
    def fn(doc):
        d = doc
        for k in keys[:-1]:
            d = d[k]
        del d[keys[-1]]
    return fn

valid_case = json.dumps(CASE, ensure_ascii=False).encode()

# Bytes and syntax
raw("syntax-truncated.json", "syntax", "-", valid_case[:200])
raw("syntax-empty.json", "syntax", "-", b"")
raw("syntax-trailing-garbage.json", "syntax", "-", valid_case + b" {\"GEHEIM\"")
raw("syntax-unquoted-key.json", "syntax", "-", b"{schema: \"keukentafel/1\"}")
raw("syntax-bare-word.json", "syntax", "-", valid_case.replace(b"false", b"GEHEIM", 1))
raw("syntax-trailing-comma.json", "syntax", "-", valid_case[:-1] + b",}")
raw("utf8-invalid-byte.json", "syntax", "-", valid_case.replace(b"Familie", b"Fam\xffilie"))
raw("utf8-overlong.json", "syntax", "-", valid_case.replace(b"Familie", b"Fam\xc0\xafilie"))
raw("utf8-encoded-surrogate.json", "syntax", "-", valid_case.replace(b"Familie", b"Fam\xed\xa0\x80ilie"))
raw("text-lone-surrogate-escape.json", "invalid", "household",
    valid_case.replace(b"Familie", b"Fam\\ud800ilie"))
raw("text-nul-escape.json", "invalid", "-", valid_case.replace(b"Familie", b"Fam\\u0000ilie"))
# a u-escape cut short by a letter that is not ASCII (found by fuzz-document)
raw("text-short-u-escape.json", "invalid", "household",
    valid_case.replace(b"Familie", b"Fam\\u001\xc3\x84ilie"))
raw("root-array.json", "type", "-", b"[\"GEHEIM\"]")
raw("root-string.json", "type", "-", b"\"GEHEIM\"")
raw("nesting-too-deep.json", "too_large", "-",
    valid_case[:-1] + b", \"extra\": " + b"[" * 40 + b"\"GEHEIM\"" + b"]" * 40 + b"}")

# Header
mutate("schema-missing.json", "schema", "schema", CASE, delp("schema"))
mutate("schema-unknown-version.json", "schema", "schema", CASE, setp("schema", "keukentafel/2"))
mutate("schema-not-text.json", "schema", "schema", CASE, setp("schema", 1))
mutate("kind-missing.json", "missing", "kind", CASE, delp("kind"))
mutate("kind-unknown.json", "range", "kind", CASE, setp("kind", "letter" + M))
mutate("id-missing.json", "missing", "id", CASE, delp("id"))
mutate("id-null.json", "missing", "id", CASE, setp("id", None))
mutate("id-not-uuid.json", "invalid", "id", CASE, setp("id", M))
mutate("id-number.json", "type", "id", CASE, setp("id", 12345))
mutate("rev-missing.json", "missing", "rev", CASE, delp("rev"))
mutate("rev-text.json", "type", "rev", CASE, setp("rev", "3"))
mutate("rev-negative.json", "range", "rev", CASE, setp("rev", -1))
mutate("rev-fraction.json", "type", "rev", CASE, setp("rev", 1.5))
mutate("created-missing.json", "missing", "created", PLAN, delp("created"))
mutate("updated-negative.json", "range", "updated", CONVERSATION, setp("updated", -5))

# Case body
mutate("case-household-number.json", "type", "household", CASE, setp("household", 42))
mutate("case-members-not-list.json", "type", "members", CASE, setp("members", {"a": M}))
mutate("case-member-not-object.json", "type", "members[0]", CASE, setp("members", 0, M))
mutate("case-member-birth-year-text.json", "type", "members[2].birth_year", CASE,
       setp("members", 2, "birth_year", "1980"))
mutate("case-member-birth-year-range.json", "range", "members[1].birth_year", CASE,
       setp("members", 1, "birth_year", 100000))
mutate("case-member-id-missing.json", "missing", "members[1].id", CASE, delp("members", 1, "id"))
mutate("case-member-id-invalid.json", "invalid", "members[0].id", CASE, setp("members", 0, "id", M))
mutate("case-too-many-members.json", "too_large", "members", CASE,
       setp("members", [{"id": uuid(1000 + i), "name": M} for i in range(65)]))
mutate("case-request-not-object.json", "type", "request", CASE, setp("request", [M]))
mutate("case-request-date-invalid.json", "invalid", "request.date", CASE,
       setp("request", "date", "2026-02-30"))
mutate("case-request-date-format.json", "invalid", "request.date", CASE,
       setp("request", "date", "25-11-2026"))
mutate("case-request-channel-unknown.json", "range", "request.channel", CASE,
       setp("request", "channel", "pigeon" + M))
mutate("case-request-safety-not-bool.json", "type", "request.safety_concern", CASE,
       setp("request", "safety_concern", "yes"))
mutate("case-consent-status-unknown.json", "range", "consents[0].status", CASE,
       setp("consents", 0, "status", "maybe"))
mutate("case-consent-share-not-bool.json", "type", "consents[0].share_without_consent", CASE,
       setp("consents", 0, "share_without_consent", 1))
mutate("case-network-kind-unknown.json", "range", "network[1].kind", CASE,
       setp("network", 1, "kind", "enemy"))
mutate("case-phase-unknown.json", "range", "phase", CASE, setp("phase", "finished"))
mutate("case-phase-number.json", "type", "phase", CASE, setp("phase", 2))
mutate("case-deadline-invalid.json", "invalid", "conversation_deadline", CASE,
       setp("conversation_deadline", "2026-13-01"))

# Conversation body
mutate("conversation-case-id-missing.json", "missing", "case_id", CONVERSATION, delp("case_id"))
mutate("conversation-present-not-list.json", "type", "present", CONVERSATION,
       setp("present", "resident"))
mutate("conversation-present-unknown.json", "range", "present[1]", CONVERSATION,
       setp("present", ["resident", "neighbour"]))
mutate("conversation-entry-level-too-high.json", "range", "entries[3].level", CONVERSATION,
       setp("entries", 3, "level", 6))
mutate("conversation-entry-level-negative.json", "range", "entries[0].level", CONVERSATION,
       setp("entries", 0, "level", -1))
mutate("conversation-entry-level-text.json", "type", "entries[2].level", CONVERSATION,
       setp("entries", 2, "level", "3"))
mutate("conversation-entry-priority-range.json", "range", "entries[1].priority", CONVERSATION,
       setp("entries", 1, "priority", 4))
mutate("conversation-entry-helpers-unknown.json", "range", "entries[0].helpers[1]", CONVERSATION,
       setp("entries", 0, "helpers", ["self", "neighbours"]))
mutate("conversation-entry-helpers-twice.json", "invalid", "entries[0].helpers[1]", CONVERSATION,
       setp("entries", 0, "helpers", ["self", "self"]))
mutate("conversation-entry-domain-id-invalid.json", "invalid", "entries[1].domain_id",
       CONVERSATION, setp("entries", 1, "domain_id", "Geld " + M))
mutate("conversation-entry-domain-id-missing.json", "missing", "entries[2].domain_id",
       CONVERSATION, delp("entries", 2, "domain_id"))
mutate("conversation-entry-state-unknown.json", "range", "entries[0].state", CONVERSATION,
       setp("entries", 0, "state", "forgotten"))
mutate("conversation-wheel-current-too-high.json", "range", "wheel.sociaal.current",
       CONVERSATION, setp("wheel", "sociaal", "current", 5))
mutate("conversation-wheel-target-too-low.json", "range", "wheel.werk.target", CONVERSATION,
       setp("wheel", "werk", "target", -2))
mutate("conversation-wheel-not-object.json", "type", "wheel", CONVERSATION, setp("wheel", [1]))
mutate("conversation-supporter-ring-unknown.json", "range",
       "wheel.zelfstandig.supporters[0].ring", CONVERSATION,
       setp("wheel", "zelfstandig", "supporters", 0, "ring", "outer"))
mutate("conversation-supporter-person-missing.json", "missing",
       "wheel.bijdragen.supporters[0].person_id", CONVERSATION,
       delp("wheel", "bijdragen", "supporters", 0, "person_id"))
mutate("conversation-safety-check-member-missing.json", "missing",
       "safety_checks[0].member_id", CONVERSATION, delp("safety_checks", 0, "member_id"))
mutate("conversation-own-words-number.json", "type", "own_words", CONVERSATION,
       setp("own_words", 1))
mutate("conversation-complete-not-bool.json", "type", "complete", CONVERSATION,
       setp("complete", "true"))

# Plan body
mutate("plan-case-id-invalid.json", "invalid", "case_id", PLAN, setp("case_id", M))
mutate("plan-version-zero.json", "range", "version", PLAN, setp("version", 0))
mutate("plan-goal-segment-unknown.json", "range", "goals[0].segments[0]", PLAN,
       setp("goals", 0, "segments", ["hobby"]))
mutate("plan-goal-domains-number.json", "type", "goals[0].domains[0]", PLAN,
       setp("goals", 0, "domains", [7]))
mutate("plan-goal-id-missing.json", "missing", "goals[1].id", PLAN, delp("goals", 1, "id"))
mutate("plan-goal-status-unknown.json", "range", "goals[1].status", PLAN,
       setp("goals", 1, "status", "done"))
mutate("plan-goal-notes-null-element.json", "missing", "goals[0].progress_notes[0]", PLAN,
       setp("goals", 0, "progress_notes", [None]))
mutate("plan-action-due-invalid.json", "invalid", "goals[1].actions[0].due", PLAN,
       setp("goals", 1, "actions", 0, "due", "tomorrow"))
mutate("plan-action-actor-unknown.json", "range", "goals[0].actions[1].actor", PLAN,
       setp("goals", 0, "actions", 1, "actor", "mayor"))
mutate("plan-signature-odd-count.json", "invalid", "agreement.signature[0]", PLAN,
       setp("agreement", "signature", 0, [0.1, 0.2, 0.3]))
mutate("plan-signature-out-of-range.json", "range", "agreement.signature[1][2]", PLAN,
       setp("agreement", "signature", 1, [0.1, 0.2, 1.5, 0.3]))
mutate("plan-signature-text.json", "type", "agreement.signature[0][0]", PLAN,
       setp("agreement", "signature", 0, [M, 0.2]))
mutate("plan-signature-stroke-not-list.json", "type", "agreement.signature[1]", PLAN,
       setp("agreement", "signature", 1, {"x": 0.1}))
mutate("plan-agreement-state-unknown.json", "range", "agreement.state", PLAN,
       setp("agreement", "state", "maybe"))
mutate("plan-review-unknown.json", "range", "review", PLAN, setp("review", "lost"))
mutate("plan-comment-at-text.json", "type", "comments[0].at", PLAN,
       setp("comments", 0, "at", "yesterday"))
mutate("plan-safety-not-object.json", "type", "safety", PLAN, setp("safety", M))
mutate("plan-provision-tailored-text.json", "type", "provisions[0].tailored", PLAN,
       setp("provisions", 0, "tailored", "yes"))

for f in os.listdir("."):
    if f.endswith(".json"):
        os.remove(f)
with open("EXPECTED", "w") as index:
    index.write("# file  error-code  json-path ('-' when the error is about the whole document)\n")
    for name, code, path, data in cases:
        with open(name, "wb") as out:
            out.write(data)
        index.write("%s %s %s\n" % (name, code, path))
# The valid bases, for the fuzz corpus.
os.makedirs("../../fuzz/corpus-document", exist_ok=True)
for name, doc in (("case", CASE), ("conversation", CONVERSATION), ("plan", PLAN)):
    with open("../../fuzz/corpus-document/valid-%s.json" % name, "w") as out:
        json.dump(doc, out, ensure_ascii=False)
