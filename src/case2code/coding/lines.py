"""CPT lines for the procedure facts of one note: selection, add-ons, guidance, companions and
everything not reported, each with its one-sentence reason and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from ..kb import KB, is_effective
from ..kb.schema import CodeEntry, CodeKind, ComponentOutcome, UnitRule
from ..model import CodeLine, Finding, NotReported, ProcedureFact, Setting
from . import modifiers
from .evidence import DecisiveWords, lead_with
from .explain import Explainer
from .selection import addons, choose, primary_units, time_qualifies

NOT_PERFORMED = ("planned", "negated", "historical", "hypothetical", "mentioned")
SIDE_MODS = {"RT", "LT", "50"}


@dataclass
class Lines:
    """The lines of one note as they are built, with the words that explain them: `explain`
    (kb/data/explain.yaml filled from the facts) and `decisive` (the note's guidance, minutes and
    side words, which lead each line's evidence)."""

    cpt: list[CodeLine] = field(default_factory=list)
    not_reported: list[NotReported] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts_of: dict[int, ProcedureFact] = field(default_factory=dict)
    missing: dict[int, tuple] = field(default_factory=dict)
    explain: Explainer | None = None
    decisive: DecisiveWords = field(default_factory=DecisiveWords)


def _add(lines: Lines, line: CodeLine, fact: ProcedureFact, missing: tuple = ()) -> None:
    lines.cpt.append(line)
    lines.facts_of[len(lines.cpt) - 1] = fact
    lines.missing[len(lines.cpt) - 1] = missing


def code_facts(
    kb: KB, facts: list[ProcedureFact], on: date, setting: Setting, lines: Lines
) -> None:
    """Select a code per fact, then report one line per code and state: facts of one code in
    one session (both lungs, two thyroid lobes, two veins) make one line with their units and
    sides combined."""
    if lines.explain is None:
        lines.explain = Explainer(kb)
    groups: dict[tuple, list] = {}
    uncoded: list[ProcedureFact] = []
    for fact in facts:
        if fact.assertion in NOT_PERFORMED:
            _not_performed(kb, fact, on, lines)
            continue
        chosen = choose(kb, fact, on)
        if chosen is None:
            uncoded.append(fact)
            continue
        if time_qualifies(chosen.entry, fact.minutes):
            groups.setdefault((chosen.entry.code, fact.assertion), [chosen, []])[1].append(fact)
    for chosen, members in groups.values():
        _code_group(kb, chosen, merge_facts(members), on, setting, lines)
    coded = {lines.facts_of[i].action for i in range(len(lines.cpt))}
    for fact in uncoded:
        if not _quiet(kb, fact, coded):
            _no_code(kb, fact, lines)


def _quiet(kb: KB, fact: ProcedureFact, coded: set[str]) -> bool:
    """Whether a procedure with no code stays silent (review.yaml quiet_uncoded): always, or
    while a procedure of one of its `beside` actions was coded (a resection beside an ablation)."""
    rules = kb.review.quiet_uncoded if kb.review else []
    return any(q.action == fact.action and (not q.beside or coded & set(q.beside)) for q in rules)


def _no_code(kb: KB, fact: ProcedureFact, lines: Lines) -> None:
    """A performed procedure with no code: out of scope when no KB code covers its action (an E/M
    visit) or its organ (a procedure on an organ the KB has no code for), else a documentation gap.
    Never another organ's code (selection.no_organ_guess)."""
    where = ", ".join(f'"{e.text}" at {e.start}' for e in fact.evidence[:2])
    if not _covered(kb, fact):
        lines.findings.append(
            Finding(
                "warning",
                "out_of_scope",
                lines.explain.out_of_scope(fact, where),
                [],
                list(fact.evidence),
                f"scope.{fact.action}",
            )
        )
        return
    lines.findings.append(
        Finding(
            "warning",
            "documentation",
            lines.explain.no_code(fact),
            [],
            list(fact.evidence),
            "gap.no_code",
        )
    )


def _covered(kb: KB, fact: ProcedureFact) -> bool:
    """Whether any KB code is selected by this action on this organ (organ blank: any organ)."""
    return any(
        e.select is not None
        and fact.action in e.select.action
        and (fact.organ is None or e.select.organ is None or fact.organ in e.select.organ)
        for e in kb.codes.values()
    )


def merge_facts(facts: list[ProcedureFact]) -> ProcedureFact:
    """One fact standing for several facts of the same code and session."""
    if len(facts) == 1:
        return facts[0]
    head = replace(facts[0])
    sides = {f.laterality for f in facts if f.laterality}
    head.laterality = (
        "bilateral"
        if "bilateral" in sides or {"right", "left"} <= sides
        else (sides.pop() if len(sides) == 1 else None)
    )
    counts = [f.count for f in facts if f.count]
    head.count = sum(counts) if counts else None
    head.sites = sorted({s for f in facts for s in (f.sites or [f.site]) if s})
    head.levels = list(dict.fromkeys(lv for f in facts for lv in f.levels))
    head.guidance = list(dict.fromkeys(g for f in facts for g in f.guidance))
    head.evidence = sorted({e for f in facts for e in f.evidence}, key=lambda e: e.start)
    head.rules = list(dict.fromkeys(r for f in facts for r in f.rules))
    return head


def _code_group(
    kb: KB, chosen, fact: ProcedureFact, on: date, setting: Setting, lines: Lines
) -> None:
    entry = chosen.entry
    units = primary_units(entry, fact)
    mods = modifiers.laterality(entry, fact) + modifiers.discontinued(fact, setting)
    why = lines.explain.line(entry, fact, units, mods)
    _add(
        lines,
        CodeLine(
            entry.code,
            units,
            mods,
            [],
            why,
            _evidence(lines, entry, fact, mods),
            f"select.{entry.code}",
            entry.title,
        ),
        fact,
        chosen.missing,
    )
    if fact.assertion != "aborted":
        _addons(kb, entry, fact, on, lines)
        _components(kb, entry, fact, lines)
    _guidance(kb, entry, fact, on, setting, lines)


def _components(kb: KB, entry: CodeEntry, fact: ProcedureFact, lines: Lines) -> None:
    """The parts of the service the note documents (entry.components): an included part is a
    not-reported line, a separately reportable one a line of its own, a contested one a
    not-reported line and a finding for a coder. Each quotes the words that document it."""
    for part in entry.components:
        words = lines.decisive.cue(part.cue)
        if not words:
            continue
        if part.outcome == ComponentOutcome.addon:
            line = CodeLine(
                part.code,
                1,
                [],
                [],
                part.why,
                words,
                f"component.{part.code}",
                kb.codes[part.code].title,
            )
            _add(lines, line, fact)
            continue
        lines.not_reported.append(
            NotReported(part.code, part.why, words, f"bundle.component.{entry.code}")
        )
        if part.outcome == ComponentOutcome.review:
            lines.findings.append(
                Finding(
                    "warning",
                    "review",
                    part.why,
                    [part.code, entry.code],
                    words,
                    f"review.component.{part.code}",
                )
            )


def _evidence(lines: Lines, entry: CodeEntry, fact: ProcedureFact, mods: list[str]) -> list:
    """The minutes first on a time-based line, the side word first on a line with RT, LT or 50,
    then the procedure words."""
    timed = entry.units is not None and entry.units.rule == UnitRule.per_time
    decisive = lines.decisive.minutes(fact) if timed else []
    decisive += lines.decisive.sides(fact, mods) if SIDE_MODS & set(mods) else []
    return lead_with(decisive, list(fact.evidence))


def _addons(kb: KB, entry: CodeEntry, fact: ProcedureFact, on: date, lines: Lines) -> None:
    for addon, units in addons(kb, entry, fact, on):
        mods = modifiers.laterality(addon, fact)
        _add(
            lines,
            CodeLine(
                addon.code,
                units,
                mods,
                [],
                lines.explain.addon(addon, entry, fact, units, mods),
                _evidence(lines, addon, fact, mods),
                f"addon.{addon.code}",
                addon.title,
            ),
            fact,
        )


def guidance_code(kb: KB, fact: ProcedureFact, modality: str, on: date) -> CodeEntry | None:
    """The guidance code a naive coder would add for this action and imaging."""
    for entry in kb.codes.values():
        if entry.kind == CodeKind.guidance and entry.select and is_effective(entry, on):
            sel = entry.select
            if (
                fact.action in sel.action
                and modality in (sel.guidance or [])
                and (sel.organ is None or fact.organ in sel.organ)
            ):
                return entry
    return None


def _guidance(kb, entry: CodeEntry, fact: ProcedureFact, on, setting, lines: Lines) -> None:
    separate = entry.guidance.separate if entry.guidance and not entry.guidance.included else {}
    reported = None
    for modality in fact.guidance:
        code = separate.get(modality)
        words = lines.decisive.guidance(fact, modality)
        if code and reported is None and fact.assertion != "aborted":
            reported = code
            mods = modifiers.professional_component(kb.codes[code], setting)
            why = lines.explain.guidance_line(code, entry.code, fact, modality, mods)
            line = CodeLine(
                code,
                1,
                mods,
                [],
                why,
                lead_with(words, list(fact.evidence)),
                f"guidance.{code}",
                kb.codes[code].title,
            )
            _add(lines, line, fact)
            continue
        for naive in _bundled_for(kb, entry, fact, modality, on):
            why = lines.explain.guidance_not_reported(naive.code, entry, modality, reported)
            lines.not_reported.append(
                NotReported(
                    naive.code,
                    why,
                    lead_with(words, list(fact.evidence[:1])),
                    f"bundle.guidance.{entry.code}",
                )
            )


def _bundled_for(kb, entry: CodeEntry, fact: ProcedureFact, modality: str, on) -> list[CodeEntry]:
    """The guidance codes a naive coder would add for this imaging: the code's own bundled list
    (KB), else the generic guidance code of the action and imaging."""
    bundled = [kb.codes[c] for c in (entry.guidance.bundled if entry.guidance else [])]
    hits = [g for g in bundled if g.select and modality in (g.select.guidance or [])]
    if hits:
        return hits
    naive = guidance_code(kb, fact, modality, on)
    return [naive] if naive else []


def _not_performed(kb: KB, fact: ProcedureFact, on: date, lines: Lines) -> None:
    chosen = choose(kb, fact, on)
    if chosen is None:
        return
    lines.not_reported.append(
        NotReported(
            chosen.entry.code,
            lines.explain.not_performed(fact),
            list(fact.evidence),
            f"assertion.{fact.assertion}",
        )
    )
