"""The review route: from the findings and the rules used, `auto` (a coder can bill the note as
is) or `review` with the reasons a coder understands.

The rules are data (`kb/data/review.yaml`: id, the check to run, the reason and why); this module
holds only the checks, each a function from the coded note to the items it objects to. A route is
`auto` only when no rule objects, so every rule added makes auto-routed notes safer and fewer; the
trade is measured by `case2code eval` (share routed auto, accuracy of those notes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..kb import KB
from ..kb.memo import per_kb
from ..kb.schema import CodeKind, ReviewRule
from ..model import Finding, NotReported, ProcedureFact, Result, Review, ReviewReason, Span
from ..nlp.prefilter import Prefilter
from .explain import Explainer, fill
from .lines import Lines

TUMOR_ACTIONS = {"ablation"}
NOT_TODAY = {"planned", "historical", "hypothetical", "negated"}
NO_PATIENT_RULE = "scope.no_patient"  # not_reported rule of lines withheld from general text
SELF_ACCOUNT_RULE = "scope.self_account"  # not_reported rule of lines of a patient's own account
WITHHELD_RULES = (NO_PATIENT_RULE, SELF_ACCOUNT_RULE)
INDICATION_RULE = "dx.indication."  # diagnosis.py rule of an indication code, by its detail


@dataclass(slots=True)
class Objection:
    """What one check found: the codes concerned, a short detail and the evidence."""

    codes: list[str]
    detail: str
    evidence: list[Span]


@dataclass(slots=True)
class Coded:
    """What the checks read: the result, its lines' facts and the blank constrained attributes."""

    kb: KB
    result: Result
    lines: Lines
    text: str = ""
    patient: bool = True  # names_a_patient(kb, text), read once per note by the engine
    own: Span | None = None  # self_account(kb, text), likewise read once by the engine


def route(
    kb: KB,
    result: Result,
    lines: Lines,
    text: str = "",
    patient: bool = True,
    own: Span | None = None,
) -> Review:
    """The route of one coded note; every rule of review.yaml that objects adds a reason."""
    reasons = []
    coded = Coded(kb, result, lines, text, patient, own)
    quiet = _bills_nothing_for_no_encounter(coded)
    for rule in kb.review.rules if kb.review else []:
        if quiet and rule.quiet_on_general_text:
            continue
        for obj in CHECKS[rule.check](coded, rule):
            message = rule.reason.format(codes=", ".join(obj.codes) or "-", detail=obj.detail)
            reasons.append(ReviewReason(rule.id, message, obj.codes, obj.evidence[:2]))
    return Review("review" if reasons else "auto", reasons)


def _bills_nothing_for_no_encounter(coded: Coded) -> bool:
    """Text that reads as general text (a leaflet, a policy, a coding Q&A: no patient marker and
    a general word) and reports no CPT and no ICD-10-CM code: it documents no encounter, so the
    empty claim is the right one and the rules marked `quiet_on_general_text` have nothing to
    protect. Measured on the real-text corpora (2026-12-03): all 33 such texts are gold-coded
    with no code at all. Text whose procedures were withheld for naming no patient still goes to
    a coder: a terse log of a real session can hold a general word too, and only a person can
    tell it from a policy."""
    if coded.patient or coded.result.cpt or coded.result.icd10 or not coded.text:
        return False
    if any(n.rule in WITHHELD_RULES for n in coded.result.not_reported):
        return False
    return _general_words(coded.kb, coded.text)


def _findings(coded: Coded, rule: ReviewRule) -> list[Objection]:
    prefixes = tuple(rule.finding_rules)  # str.startswith reads a tuple in one call
    return [
        Objection(f.codes, f.message, f.evidence)
        for f in coded.result.findings
        if f.kind in rule.finding_kinds or f.rule.startswith(prefixes)
    ]


def _unlisted(coded: Coded, rule: ReviewRule) -> list[Objection]:
    return [
        Objection([c.code], "", c.evidence)
        for c in coded.result.cpt
        if (e := coded.kb.codes.get(c.code)) is not None and e.kind == CodeKind.unlisted
    ]


def _line_modifiers(coded: Coded, rule: ReviewRule) -> list[Objection]:
    out = []
    for c in coded.result.cpt:
        hits = [m for m in c.modifiers if m in rule.modifiers]
        if hits:
            out.append(Objection([c.code], "-".join(hits), c.evidence))
    return out


def _units_from_levels(coded: Coded, rule: ReviewRule) -> list[Objection]:
    """Codes counted per joint or vertebral body whose units differ from the levels the note
    lists: nerves named per level (L3, L4, L5, S1 medial branches treat three joints) and joints
    named as level pairs read alike, so the count is the coder's to confirm."""
    out = []
    for i, line in enumerate(coded.result.cpt):
        entry, fact = coded.kb.codes.get(line.code), coded.lines.facts_of.get(i)
        if not line.rule.startswith("select.") or entry is None or fact is None:
            continue
        family = [line] + [
            c
            for j, c in enumerate(coded.result.cpt)
            if j != i and coded.lines.facts_of.get(j) is fact and c.rule.startswith("addon.")
        ]
        item = entry.units.item if entry.units else None
        if item not in rule.modifiers or not fact.levels:
            continue
        items = (entry.units.covers - 1) + sum(c.units for c in family)
        fits = {len(fact.levels)} | ({len(fact.levels) - 1} if item == "joint" else set())
        if items not in fits:
            words = coded.kb.explain.items.get(item, [item, item])[items != 1]
            detail = f"{items} {words} coded for levels {', '.join(fact.levels)}"
            out.append(Objection([c.code for c in family], detail, line.evidence))
    return out


def _blank(coded: Coded, rule: ReviewRule) -> list[Objection]:
    out = []
    for i, line in enumerate(coded.result.cpt):
        missing = [m for m in coded.lines.missing.get(i, ()) if m != "nature"]
        if missing and line.rule.startswith("select."):
            out.append(Objection([line.code], ", ".join(missing), line.evidence))
    return out


def _unspecified(coded: Coded, rule: ReviewRule) -> list[Objection]:
    """An unspecified code is a reason only where the note names more than the code says: a
    note with no word that could refine it (a side for a code with no side, a part of that
    organ) supports the unspecified code as written."""
    review = coded.kb.review
    ok = set(review.unspecified_ok) if review else set()
    return [
        Objection([d.code], d.description, d.evidence)
        for d in coded.result.icd10
        if "unspecified" in d.description.lower()
        and d.code not in ok
        and _could_refine(coded, d.code, d.description)
    ]


SIDED = re.compile(r"\b(right|left|bilateral)\b", re.IGNORECASE)


def _could_refine(coded: Coded, code: str, description: str) -> bool:
    """Whether the note has a word that could make this unspecified code specific: the parts of
    its organ (review.yaml subsite_markers for its category, else the generic specific_markers),
    and a side word unless the code already names its side."""
    review = coded.kb.review
    if review is None or not (review.specific_markers or review.side_markers):
        return True
    parts = review.subsite_markers.get(code.split(".")[0], review.specific_markers)
    words = [*parts, *([] if SIDED.search(description) else review.side_markers)]
    return _first(coded.kb, words, coded.text or "") is not None


def _performed_tumor(coded: Coded) -> list[ProcedureFact]:
    facts = coded.result.facts.procedures if coded.result.facts else []
    return [f for f in facts if f.action in TUMOR_ACTIONS and f.assertion == "performed"]


def _several_organs(coded: Coded, rule: ReviewRule) -> list[Objection]:
    coded_facts = [
        f for i, f in coded.lines.facts_of.items() if coded.result.cpt[i].rule.startswith("select.")
    ]
    organs = {f.organ for f in coded_facts if f.action in TUMOR_ACTIONS and f.organ}
    organs.discard("nerve")
    if len(organs) < 2:
        return []
    codes = [c.code for c in coded.result.cpt if c.rule.startswith("select.")]
    return [Objection(codes, ", ".join(sorted(organs)), [])]


def _metastasis_beside(coded: Coded, rule: ReviewRule) -> list[Objection]:
    """A metastasis coded in an organ the KB ablates while today's ablation is of another organ:
    a case that treats two targets in one session often names the second only as 'the
    metastatic lesion', which the reader leaves without a procedure of its own."""
    done = {
        f.organ
        for f in coded.lines.facts_of.values()
        if f.action in TUMOR_ACTIONS and f.organ and f.assertion == "performed"
    }
    if not done:
        return []
    ablated = _ablated_organs(coded.kb)
    for d in coded.result.icd10:
        role = _role_of(coded.kb, d.code)
        organs = role[1] & ablated if role and role[0] == "secondary" else frozenset()
        if organs and not organs & done:
            where, today = ", ".join(sorted(organs)), ", ".join(sorted(done))
            detail = f"{d.code} ({where}) beside the ablation of the {today}"
            return [Objection([d.code], detail, list(d.evidence))]
    return []


@per_kb
def _ablated_organs(kb: KB) -> frozenset[str]:
    """The organs some KB code ablates (its selection's action is an ablation)."""
    return frozenset(
        organ
        for e in kb.codes.values()
        if e.select and TUMOR_ACTIONS & set(e.select.action)
        for organ in e.select.organ or ()
    )


def _conflicting(coded: Coded, rule: ReviewRule) -> list[Objection]:
    facts = coded.result.facts.procedures if coded.result.facts else []
    done = [f for f in facts if f.assertion in ("performed", "aborted")]
    out = []
    for f in facts:
        if f.assertion not in NOT_TODAY:
            continue
        spans = {(e.start, e.end) for e in f.evidence}
        for g in done:
            if (g.action, g.organ) == (f.action, f.organ) and spans & {
                (e.start, e.end) for e in g.evidence
            }:
                where = g.organ or "an unnamed site"
                what = f"{g.action} of {where} read as {g.assertion} and {f.assertion}"
                out.append(
                    Objection([], what, [e for e in g.evidence if (e.start, e.end) in spans])
                )
    return out[:1]


COLUMN_OF_ROLE = {"primary": "malignant_primary", "secondary": "malignant_secondary"}


@per_kb
def _dx_roles(kb: KB) -> dict[str, tuple[str, frozenset[str]]]:
    """ICD-10-CM code -> (role, organs) from the hand maps (history, unknown primary,
    indications, bone sites), widened by the Neoplasm Table's top-level terms so a table-given
    primary and its secondary meet on one organ (C34.11 and C78.01 both under 'lung')."""
    out: dict[str, tuple[str, frozenset[str]]] = {}

    def put(code: str | None, role: str, organ: str) -> None:
        if code and code not in out:
            out[code] = (role, frozenset({organ}) if organ else frozenset())

    for p in kb.maps.primary_sites:
        organ = p.site.split("_")[0]
        for sided in (p.codes, p.male):
            for code in sided.model_dump().values() if sided else []:
                put(code, "primary", organ)
        put(p.history, "history", organ)
    for s in kb.maps.secondary_sites:
        for code in s.codes.model_dump().values() if s.codes else []:
            put(code, "secondary", s.site.split("_")[0])
    for b in kb.maps.bone_sites:
        for code in b.primary.model_dump().values() if b.primary else []:
            put(code, "primary", "bone")
    for ind in kb.maps.indications:
        for code in ind.codes.values():
            role = "coexisting" if ind.coexisting else "indication"
            put(code, role, ind.organ or ind.indication)
    out[kb.maps.unknown_primary.code] = ("unknown", frozenset())
    return out


def _role_of(kb: KB, code: str) -> tuple[str, frozenset[str]] | None:
    """The role and organs of a code, the Neoplasm Table's organs added; remembered per KB, so
    each code is looked up once per process."""
    memo = _role_memo(kb)
    if code not in memo:
        memo[code] = _role_with_table(_dx_roles(kb), code)
    return memo[code]


@per_kb
def _role_memo(kb: KB) -> dict[str, tuple[str, frozenset[str]] | None]:
    return {}


def _role_with_table(roles: dict, code: str) -> tuple[str, frozenset[str]] | None:
    from ..kb.neoplasm_table import get_table

    role, organs = roles.get(code, (_neoplasm_role(code), frozenset()))
    if role in COLUMN_OF_ROLE:
        organs = organs | get_table().roots_of(code, COLUMN_OF_ROLE[role])
    return (role, organs) if role else None


def _neoplasm_role(code: str) -> str | None:
    """The ICD-10-CM chapter 2 blocks: C77-C79 secondary, C80 unknown, other C primary."""
    if not code.startswith("C"):
        return None
    return {"C77": "secondary", "C78": "secondary", "C79": "secondary", "C80": "unknown"}.get(
        code[:3], "primary"
    )


def _dx_conflict(coded: Coded, rule: ReviewRule) -> list[Objection]:
    codes = tuple(d.code for d in coded.result.icd10)
    return [Objection(list(c), detail, []) for c, detail in _conflicts(coded.kb, codes)]


Conflicts = tuple[tuple[tuple[str, ...], str], ...]  # (codes, detail) of each conflict


def _conflicts(kb: KB, codes: tuple[str, ...]) -> Conflicts:
    """The conflicts of a list of diagnosis codes, a function of the codes alone: remembered
    per KB (notes repeat a few code lists, and the organs of a code are many table terms)."""
    memo = _conflict_memo(kb)
    if codes not in memo:
        if len(memo) >= 4096:
            memo.clear()
        memo[codes] = _find_conflicts(kb, codes)
    return memo[codes]


@per_kb
def _conflict_memo(kb: KB) -> dict[tuple[str, ...], Conflicts]:
    return {}


def _find_conflicts(kb: KB, codes: tuple[str, ...]) -> Conflicts:
    seen = [(code, *r) for code in codes if (r := _role_of(kb, code))]
    out = []
    primaries = tuple(c for c, r, _ in seen if r == "primary")
    if primaries and any(r == "unknown" for _, r, _ in seen):
        out.append((primaries, "a named primary and a primary-unknown code"))
    by_organ: dict[str, list[tuple[str, str]]] = {}
    for code, role, organs in seen:
        for organ in organs:
            by_organ.setdefault(organ, []).append((code, role))
    objected: set[tuple[str, ...]] = set()
    for organ, items in sorted(by_organ.items()):
        kinds = [r for _, r in items]
        group = tuple(c for c, _ in items)
        if "indication" in kinds or group in objected:
            continue
        if len(set(kinds)) > 1 or kinds.count("primary") > 1:
            objected.add(group)
            out.append((group, f"{organ} coded as {' and '.join(kinds)}"))
    for role, what in (
        ("secondary", "several metastatic sites"),
        ("indication", "two indications"),
    ):
        groups = [organs for _, r, organs in seen if r == role]
        if len(groups) > 1 and not frozenset.intersection(*groups):
            out.append((tuple(c for c, r, _ in seen if r == role), what))
    return tuple(out)


def _site_from_histology(coded: Coded, rule: ReviewRule) -> list[Objection]:
    """A neoplasm whose site came only from its histology word (melanoma read as skin), for the
    histologies review.yaml lists as found in several organs."""
    unsure = set(coded.kb.review.histology_sites_unsure) if coded.kb.review else set()
    conds = coded.result.facts.conditions if coded.result.facts else []
    return [
        Objection([], f"{_words(c.histology)} placed in {_words(c.site)}", c.evidence)
        for c in conds
        if c.kind == "neoplasm" and c.histology in unsure and c.assertion == "present"
    ][:1]


def _words(value: str | None) -> str:
    """A reader value in words ('squamous_cell_carcinoma' -> 'squamous cell carcinoma')."""
    return (value or "").replace("_", " ")


def _no_patient(coded: Coded, rule: ReviewRule) -> list[Objection]:
    """Text that names no patient is an encounter only when a coder says so: its lines are
    withheld when it reads as general text, and kept for the coder's look otherwise (a terse
    procedure log, or an article none of the general markers caught)."""
    detail = "no age, sex, pronoun or encounter heading"
    if any(n.rule == SELF_ACCOUNT_RULE for n in coded.result.not_reported):
        return []  # route.self_account says why
    withheld = [n.code for n in coded.result.not_reported if n.rule == NO_PATIENT_RULE]
    if withheld:
        return [Objection(withheld, f"{detail}; it reads as general text: no line reported", [])]
    if not coded.result.cpt or not coded.text or coded.patient:
        return []
    return [Objection([c.code for c in coded.result.cpt], detail, [])]


def withhold_procedures(
    kb: KB, lines: Lines, text: str, patient: bool, own: Span | None = None
) -> None:
    """Text about a procedure in general (an article, a policy, a coding Q&A, a patient page)
    describes a procedure, it does not document one: its lines move to not_reported, so no
    claim is built from a description; the coder sees why in the route. `patient` is
    names_a_patient(kb, text), read once per note by the engine; `own` the words of a patient's
    own account (self_account), whose lines are withheld whatever else it says."""
    if not lines.cpt:
        return
    if own is not None:
        reason = fill(kb.explain.findings.self_account_line, words=own.text)
        rule = SELF_ACCOUNT_RULE
    elif patient or not _general_words(kb, text):
        return
    else:
        reason, rule = kb.explain.findings.no_patient_line, NO_PATIENT_RULE
    withheld = [NotReported(c.code, reason, list(c.evidence), rule) for c in lines.cpt]
    lines.not_reported[:0] = withheld
    lines.cpt.clear()
    lines.facts_of.clear()
    lines.missing.clear()


def names_a_patient(kb: KB, text: str) -> bool:
    """Whether the text is about one patient (age, sex, pronoun, title, encounter headings):
    the markers are review.yaml data; the engine reads them once per note for the route, the
    withheld lines and diagnoses, and the finding codes of diagnosis.assign."""
    policy = kb.review
    if not policy:
        return False
    if len(_each_hit(kb, policy.coverage_document_markers, text)) >= 2:
        return False  # a payer's policy states criteria ('the patient has one kidney')
    if _first(kb, policy.patient_markers, text) is not None:
        return True
    weak = _first(kb, policy.weak_patient_markers, text) is not None
    return weak and _first(kb, policy.population_markers, text) is None


def _each_hit(kb: KB, patterns: list[str], text: str) -> list[re.Match]:
    """The match of each pattern that matches: a policy or a patient's own account is told by
    several distinct words of its kind, not by one."""
    found = [_first(kb, [p], text) for p in patterns]
    return [m for m in found if m is not None]


def self_account(kb: KB, text: str) -> Span | None:
    """The words that make the text a patient's own account (review.yaml self_account_markers:
    two distinct ones), or None. A forum post or a blog is not the provider's record a claim
    is coded from."""
    if not kb.review or not kb.review.self_account_markers:
        return None
    hits = _each_hit(kb, kb.review.self_account_markers, text)
    if len(hits) < 2:
        return None
    first = min(hits, key=lambda m: m.start())
    return Span(first.start(), first.end(), text[first.start() : first.end()])


def reads_as_general_text(kb: KB, text: str) -> bool:
    """No patient marker and a word of general text (review.yaml general_markers): both lists
    are needed, since a terse procedure log names no patient either."""
    return not names_a_patient(kb, text) and _general_words(kb, text)


def _general_words(kb: KB, text: str) -> bool:
    """A word of general text, or of a population ('most women'): both speak of no one."""
    policy = kb.review
    if not policy:
        return False
    lists = (policy.general_markers, policy.population_markers)
    return any(_first(kb, m, text) is not None for m in lists)


@per_kb
def _prefilter(kb: KB) -> Prefilter:
    """Every pattern of review.yaml in one Hyperscan automaton: one pass over the note says
    which could match, and only those are searched with `re` (nlp/prefilter.py)."""
    policy = kb.review
    if not policy:
        return Prefilter("route", [])
    every = [*policy.patient_markers, *policy.publication_markers, *policy.general_markers]
    every += [*policy.weak_patient_markers, *policy.population_markers]
    every += [*policy.self_account_markers, *policy.coverage_document_markers]
    every += [*policy.specific_markers, *(c.pattern for c in policy.scope_cues)]
    every += [*policy.side_markers, *(p for ps in policy.subsite_markers.values() for p in ps)]
    return Prefilter("route", every)


def _first(kb: KB, patterns: list[str], text: str) -> re.Match | None:
    """The match of the first of `patterns`, in list order, that matches `text` (the list's
    order is the data's: the first publication marker found is the one quoted)."""
    pre = _prefilter(kb)
    for pattern in patterns:
        if pre.may_match(pattern, text):
            m = search(_compiled(pattern), text)
            if m:
                return m
    return None


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


SEPARATORS = re.compile(r"[\x1c-\x1f]")  # ASCII controls that \s matches in Unicode mode only


def search(rx: re.Pattern, text: str) -> re.Match | None:
    """`rx.search(text)`, through a re.ASCII copy of `rx` when that matches the same: on ASCII
    text without the four separator controls, \\b, \\w, \\d, \\s and case folding read every
    character alike in both modes, and the ASCII mode scans a third faster."""
    if text.isascii() and not SEPARATORS.search(text):
        return _ascii_twin(rx).search(text)
    return rx.search(text)


@lru_cache(maxsize=1024)
def _ascii_twin(rx: re.Pattern) -> re.Pattern:
    return re.compile(rx.pattern, (rx.flags & ~re.UNICODE) | re.ASCII)


def withhold_diagnoses(kb: KB, result: Result, patient: bool) -> Finding | None:
    """ICD-10-CM codes the reason for an encounter (Guidelines Section IV): text that codes no
    procedure and names no patient (an article, a policy, a patient page) has no encounter, so
    the conditions it mentions are not coded; the finding keeps them for a coder to see."""
    if result.cpt or not result.icd10 or patient:
        return None
    codes = [d.code for d in result.icd10]
    result.icd10 = []
    series = result.facts.encounter.get("patients_evidence") if result.facts else None
    if series:
        words = series[0]["text"]
        msg = fill(kb.explain.findings.no_encounter_series, codes=", ".join(codes), words=words)
        span = Span(series[0]["start"], series[0]["end"], words)
        return Finding("info", "no_encounter", msg, codes, [span], "scope.no_encounter_series")
    msg = fill(kb.explain.findings.no_encounter, codes=", ".join(codes))
    return Finding("info", "no_encounter", msg, codes, [], "scope.no_encounter")


def _publication(coded: Coded, rule: ReviewRule) -> list[Objection]:
    """A case report or series describes cases for readers: its wording (alternatives, earlier
    treatments, outcomes, several patients) is not an encounter a claim can rest on."""
    if not coded.result.cpt or not coded.text or not coded.kb.review:
        return []
    m = _first(coded.kb, coded.kb.review.publication_markers, coded.text)
    if m is None:
        return []
    span = Span(m.start(), m.end(), coded.text[m.start() : m.end()])
    return [Objection([c.code for c in coded.result.cpt], f'"{span.text}"', [span])]


def _no_procedure(coded: Coded, rule: ReviewRule) -> list[Objection]:
    if coded.result.cpt:
        return []
    return [Objection([], nothing_coded(coded.kb, coded.result).message, [])]


def scope_findings(kb: KB, text: str) -> list[Finding]:
    """Services documented in the note that case2code never codes (review.yaml scope_cues)."""
    out = []
    pre = _prefilter(kb)
    for cue in kb.review.scope_cues if kb.review else []:
        m = search(_compiled(cue.pattern), text) if pre.may_match(cue.pattern, text) else None
        if m:
            span = Span(m.start(), m.end(), text[m.start() : m.end()])
            where = f'"{span.text}" at {span.start}'
            msg = f"{cue.message.strip()} ({where})"
            out.append(Finding("info", "out_of_scope_service", msg, [], [span], cue.id))
    return out


def nothing_coded(kb: KB, result: Result) -> Finding:
    """The one line a note with no CPT line carries: nothing codable, and whether the note
    documents procedures that case2code does not code (named in explain.yaml's words)."""
    words = kb.explain.findings
    facts = result.facts.procedures if result.facts else []
    done = [f for f in facts if f.assertion in ("performed", "aborted")]
    others = sorted({f.assertion for f in facts if f.assertion not in ("performed", "aborted")})
    for rule, say in (
        (SELF_ACCOUNT_RULE, words.nothing_coded_self_account),
        (NO_PATIENT_RULE, words.nothing_coded_no_patient),
    ):
        withheld = sorted({n.code for n in result.not_reported if n.rule == rule})
        if withheld:
            msg = fill(say, codes=", ".join(withheld))
            return Finding("info", "no_procedure", msg, withheld, [], "scope.nothing_coded")
    if done:
        say = Explainer(kb, result.facts.conditions).procedure
        names = {words.visit if f.action == "evaluation" else say(f) for f in done}
        msg = fill(words.nothing_coded_done, what=", ".join(sorted(names)))
        evidence = [e for f in done for e in f.evidence[:1]]
    else:
        msg = fill(words.nothing_coded_none, others=", ".join(others))
        evidence = []
    return Finding("info", "no_procedure", msg, [], evidence[:3], "scope.nothing_coded")


def _self_account(coded: Coded, rule: ReviewRule) -> list[Objection]:
    """Lines withheld because the text is a patient's own account: a coder confirms."""
    withheld = sorted({n.code for n in coded.result.not_reported if n.rule == SELF_ACCOUNT_RULE})
    if not withheld or coded.own is None:
        return []
    return [Objection(withheld, coded.own.text, [coded.own])]


def _first_listed_tie(coded: Coded, rule: ReviewRule) -> list[Objection]:
    """One condition coded twice at the head of the list (collapsed vertebrae of two regions, a
    condition on both sides): the guidelines put first the one chiefly responsible for the
    encounter, which the note says in words a reader does not weigh ('more painful at L4').
    The right and left codes of a condition of both sides are listed right then left."""
    dx = coded.result.icd10
    if len(dx) < 2 or dx[0].rule != dx[1].rule or not dx[0].rule.startswith(INDICATION_RULE):
        return []
    if SIDED.sub("", dx[0].description) == SIDED.sub("", dx[1].description):
        return []  # the right and the left code of one bilateral condition (I.B.13)
    return [Objection([dx[0].code, dx[1].code], f"{dx[0].code} or {dx[1].code}", [])]


CHECKS: dict[str, Callable[[Coded, ReviewRule], list[Objection]]] = {
    "findings": _findings,
    "unlisted_code": _unlisted,
    "line_modifiers": _line_modifiers,
    "units_from_levels": _units_from_levels,
    "blank_attribute": _blank,
    "unspecified_dx": _unspecified,
    "several_organs": _several_organs,
    "metastasis_beside": _metastasis_beside,
    "conflicting_assertions": _conflicting,
    "no_procedure": _no_procedure,
    "dx_conflict": _dx_conflict,
    "site_from_histology": _site_from_histology,
    "patient_named": _no_patient,
    "self_account": _self_account,
    "publication": _publication,
    "first_listed_tie": _first_listed_tie,
}
