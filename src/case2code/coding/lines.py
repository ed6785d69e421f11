"""CPT lines for the procedure facts of one note: selection, add-ons, guidance, companions and
everything not reported, each with its one-sentence reason and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from ..kb import KB, is_effective
from ..kb.schema import CodeEntry, CodeKind
from ..model import CodeLine, Finding, NotReported, ProcedureFact, Setting
from . import modifiers
from .selection import addons, choose, primary_units, time_qualifies

NOT_PERFORMED = {
    "planned": "is planned or recommended, not performed; it is reported when it is done",
    "negated": "is documented as not performed or declined",
    "historical": "was done at an earlier encounter",
    "hypothetical": "is only discussed as a possibility",
    "mentioned": "is named without any documentation that it was done at this encounter",
}
SIDE_MODS = {"RT", "LT", "50"}


@dataclass
class Lines:
    cpt: list[CodeLine] = field(default_factory=list)
    not_reported: list[NotReported] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts_of: dict[int, ProcedureFact] = field(default_factory=dict)
    missing: dict[int, tuple] = field(default_factory=dict)


def _describe(fact: ProcedureFact) -> str:
    parts = [fact.modality, fact.action, fact.organ and f"of {fact.organ}"]
    where = ", ".join(x for x in (fact.laterality, fact.site) if x)
    return " ".join(p for p in parts if p) + (f" ({where})" if where else "")


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
    groups: dict[tuple, list] = {}
    for fact in facts:
        if fact.assertion in NOT_PERFORMED:
            _not_performed(kb, fact, on, lines)
            continue
        chosen = choose(kb, fact, on)
        if chosen is None:
            _no_code(kb, fact, lines)
            continue
        if time_qualifies(chosen.entry, fact.minutes):
            groups.setdefault((chosen.entry.code, fact.assertion), [chosen, []])[1].append(fact)
    for chosen, members in groups.values():
        _code_group(kb, chosen, merge_facts(members), on, setting, lines)


def _no_code(kb: KB, fact: ProcedureFact, lines: Lines) -> None:
    """A performed procedure with no code: out of scope when no KB code covers its action (an E/M
    visit) or its organ (a procedure on an organ the KB has no code for), else a documentation gap.
    Never another organ's code (selection.no_organ_guess)."""
    if fact.action in ("sedation", "resection", "curettage"):
        return
    where = ", ".join(f'"{e.text}" at {e.start}' for e in fact.evidence[:2])
    if not _covered(kb, fact):
        scope = (
            "an E/M visit: E/M levels are out of scope for case2code"
            if fact.action == "evaluation"
            else f"{_describe(fact)}: no code in the KB covers it"
        )
        lines.findings.append(
            Finding(
                "warning",
                "out_of_scope",
                f"Documented {scope} ({where}); not coded by case2code: code it manually.",
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
            f"No code selected for {_describe(fact)}: the note does not "
            "say enough to choose one (modality, approach or site); query the provider.",
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
    _add(
        lines,
        CodeLine(
            entry.code,
            units,
            mods,
            [],
            _why(entry, fact, units),
            list(fact.evidence),
            f"select.{entry.code}",
            entry.title,
        ),
        fact,
        chosen.missing,
    )
    if fact.assertion != "aborted":
        _addons(kb, entry, fact, on, lines)
    _guidance(kb, entry, fact, on, setting, lines)


def _why(entry: CodeEntry, fact: ProcedureFact, units: int) -> str:
    rule = entry.units.rule.value.replace("_", " ") if entry.units else "per session"
    state = "discontinued " if fact.assertion == "aborted" else ""
    return (
        f"{state.capitalize()}{_describe(fact)} matches {entry.code} ({entry.title}); "
        f"{units} unit(s), {rule}."
    )


def _addons(kb: KB, entry: CodeEntry, fact: ProcedureFact, on: date, lines: Lines) -> None:
    for addon, units in addons(kb, entry, fact, on):
        mods = [m for m in modifiers.laterality(addon, fact)]
        reason = (
            f"Add-on to {entry.code} for each item beyond the first ({units} more "
            f"{addon.units.item or 'blocks of time'})."
        )
        _add(
            lines,
            CodeLine(
                addon.code,
                units,
                mods,
                [],
                reason,
                list(fact.evidence),
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
        if code and reported is None and fact.assertion != "aborted":
            reported = code
            g = kb.codes[code]
            what = "and monitoring of the ablation " if fact.action == "ablation" else ""
            reason = f"{modality} guidance {what}is reported separately with {entry.code}" + (
                "; modifier 26 for the professional claim." if setting == "professional" else "."
            )
            _add(
                lines,
                CodeLine(
                    code,
                    1,
                    modifiers.professional_component(g, setting),
                    [],
                    reason,
                    list(fact.evidence),
                    f"guidance.{code}",
                    g.title,
                ),
                fact,
            )
            continue
        for naive in _bundled_for(kb, entry, fact, modality, on):
            why = (
                f"{modality} guidance is included in {entry.code}; {naive.code} is not reported."
                if not separate
                else f"Only one guidance code per session (MUE 1): {reported} "
                f"is reported; {modality} guidance is not reported in addition."
            )
            lines.not_reported.append(
                NotReported(
                    naive.code, why, list(fact.evidence[:1]), f"bundle.guidance.{entry.code}"
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
    code = chosen.entry.code if chosen else None
    if code is None:
        return
    lines.not_reported.append(
        NotReported(
            code,
            f"The {_describe(fact)} {NOT_PERFORMED[fact.assertion]}.",
            list(fact.evidence),
            f"assertion.{fact.assertion}",
        )
    )
