"""The auditor's checks on a set of code lines: pair edits, MUE, diagnosis support, laterality,
documentation gaps, unlisted codes and the KB's advisories. Used for coded notes and for claims
coded by someone else (`check_claim`), so every check reads lines, not note text."""

from __future__ import annotations

from datetime import date

from ..kb import KB, cms
from ..kb.schema import CodeEntry, CodeKind, Laterality
from ..model import CodeLine, ConditionFact, DxCode, Finding, ProcedureFact
from .explain import fill

DISTINCT = {"59", "XS", "XE", "XP", "XU"}
# documentation element -> whether the fact documents it; the words of each gap are explain.yaml's
GAP_CHECKS = {
    "modality": lambda f: f.modality,
    "site": lambda f: f.site or f.organ,
    "laterality": lambda f: f.laterality,
    "guidance_modality": lambda f: f.guidance,
    "tumor_count": lambda f: f.count and "count.default_one" not in f.rules,
    "levels": lambda f: f.levels,
    "minutes": lambda f: f.minutes,
}


def _say(kb: KB, key: str, **values) -> str:
    """A finding's sentence: explain.yaml `findings` filled with the values."""
    return fill(getattr(kb.explain.findings, key), **values)


def pair_edits(
    kb: KB, lines: list[CodeLine], on: date | None = None, setting: str = "professional"
) -> list[Finding]:
    """NCCI pair edits in force on the date of service: the imported CMS table when one
    applies on that date, else the KB's own edits."""
    out = []
    by_code = {line.code: line for line in lines}
    for edit in cms.pair_edits(kb, list(by_code), on, setting):
        col1, col2 = by_code[edit.column1], by_code[edit.column2]
        words = {
            "column1": col1.code,
            "column2": col2.code,
            "rationale": edit.rationale.rstrip(". "),  # the template punctuates
            "source": _source(edit.source),
        }
        if edit.modifier_indicator == 0:
            out.append(
                Finding(
                    "error",
                    "pair_edit",
                    _say(kb, "pair_edit_blocked", **words),
                    [col1.code, col2.code],
                    rule=f"edit.{col1.code}.{col2.code}",
                )
            )
        elif not DISTINCT & set(col2.modifiers):
            out.append(
                Finding(
                    "warning",
                    "pair_edit",
                    _say(kb, "pair_edit_distinct", **words),
                    [col1.code, col2.code],
                    rule=f"edit.{col1.code}.{col2.code}",
                )
            )
    return out


def _source(source: str) -> str:
    """Imported CMS releases are named in the message; the KB's own data is the default."""
    return "" if source.startswith("KB ") else f"; {source}"


def mue(
    kb: KB, lines: list[CodeLine], on: date | None = None, setting: str = "professional"
) -> list[Finding]:
    """Units beyond the MUE in force on the date (imported CMS table, else the KB entry)."""
    out = []
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.code] = totals.get(line.code, 0) + line.units
    for code, units in totals.items():
        limit = cms.mue_for(kb, code, on, setting)
        if limit and units > limit.value:
            sev = "warning" if limit.mai == 1 else "error"
            why = limit.rationale or cms.MAI_WORDS.get(limit.mai, "")
            out.append(
                Finding(
                    sev,
                    "mue",
                    _say(
                        kb,
                        "mue",
                        code=code,
                        units=units,
                        limit=limit.value,
                        mai=limit.mai,
                        why=why,
                        source=_source(limit.source),
                    ),
                    [code],
                    rule=f"mue.{code}",
                )
            )
    return out


def dx_support(kb: KB, lines: list[CodeLine], dx: list[DxCode]) -> list[Finding]:
    out = []
    codes = [d.code.replace(".", "") for d in dx]
    for line in lines:
        entry = kb.codes.get(line.code)
        if not entry or not entry.dx_support:
            continue
        prefixes = [p.replace(".", "") for p in entry.dx_support]
        if not any(c.startswith(p) for c in codes for p in prefixes):
            listed = ", ".join(entry.dx_support)
            out.append(
                Finding(
                    "warning",
                    "diagnosis_support",
                    _say(kb, "dx_support", code=line.code, expected=listed),
                    [line.code],
                    rule=f"dx_support.{line.code}",
                )
            )
    return out


def laterality(kb: KB, line: CodeLine, fact: ProcedureFact | None) -> list[Finding]:
    entry = kb.codes.get(line.code)
    if not entry or entry.laterality != Laterality.unilateral:
        return []
    if {"RT", "LT", "50"} & set(line.modifiers):
        return []
    return [
        Finding(
            "warning",
            "laterality",
            _say(kb, "laterality", code=line.code),
            [line.code],
            list(fact.evidence[:1]) if fact else [],
            f"laterality.{line.code}",
        )
    ]


def gaps(kb: KB, entry: CodeEntry, fact: ProcedureFact) -> list[Finding]:
    out = []
    for element in entry.documentation:
        check = GAP_CHECKS.get(element)
        if check and not check(fact):
            out.append(
                Finding(
                    "info",
                    "documentation",
                    _say(kb, "gap", code=entry.code, gap=kb.explain.gaps[element]),
                    [entry.code],
                    list(fact.evidence[:1]),
                    f"gap.{element}",
                )
            )
    return out


def advisories(
    entry: CodeEntry, fact: ProcedureFact | None, conditions: list[ConditionFact]
) -> list[Finding]:
    out = []
    for adv in entry.advisories:
        if all(_holds(key, values, fact, conditions) for key, values in adv.when.items()):
            out.append(
                Finding(
                    adv.severity,
                    adv.kind,
                    adv.message,
                    [entry.code],
                    list(fact.evidence[:1]) if fact else [],
                    f"advisory.{adv.id}",
                )
            )
    return out


def _holds(key: str, values: list[str], fact: ProcedureFact | None, conditions) -> bool:
    if key.startswith("condition."):
        attr = key.removeprefix("condition.")
        return any(getattr(c, attr, None) in values for c in conditions if c.assertion == "present")
    if fact is None:
        return False
    value = getattr(fact, key, None)
    return bool(set(value) & set(values)) if isinstance(value, list) else value in values


def unlisted(kb: KB, entry: CodeEntry) -> list[Finding]:
    if entry.kind != CodeKind.unlisted:
        return []
    return [
        Finding(
            "warning",
            "unlisted",
            _say(kb, "unlisted", code=entry.code),
            [entry.code],
            rule=f"unlisted.{entry.code}",
        )
    ]
