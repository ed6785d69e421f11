"""The auditor's checks on a set of code lines: pair edits, MUE, diagnosis support, laterality,
documentation gaps, unlisted codes and the KB's advisories. Used for coded notes and for claims
coded by someone else (`check_claim`), so every check reads lines, not note text."""

from __future__ import annotations

from datetime import date

from ..kb import KB, cms
from ..kb.schema import CodeEntry, CodeKind, Laterality
from ..model import CodeLine, ConditionFact, DxCode, Finding, ProcedureFact

DISTINCT = {"59", "XS", "XE", "XP", "XU"}
GAP_CHECKS = {
    "modality": (lambda f: f.modality, "the energy or method of ablation is not named"),
    "site": (lambda f: f.site or f.organ, "the site treated is not stated"),
    "laterality": (lambda f: f.laterality, "the side treated is not stated"),
    "guidance_modality": (lambda f: f.guidance, "the imaging used for guidance is not named"),
    "tumor_count": (
        lambda f: f.count and "count.default_one" not in f.rules,
        "the number of tumors treated is not stated",
    ),
    "levels": (lambda f: f.levels, "the vertebral or spinal levels are not stated"),
    "minutes": (lambda f: f.minutes, "the intraservice time is not documented"),
}


def pair_edits(
    kb: KB, lines: list[CodeLine], on: date | None = None, setting: str = "professional"
) -> list[Finding]:
    """NCCI pair edits in force on the date of service: the imported CMS table when one
    applies on that date, else the KB's own edits."""
    out = []
    by_code = {line.code: line for line in lines}
    for edit in cms.pair_edits(kb, list(by_code), on, setting):
        col1, col2 = by_code[edit.column1], by_code[edit.column2]
        if edit.modifier_indicator == 0:
            out.append(
                Finding(
                    "error",
                    "pair_edit",
                    f"{col2.code} is not reportable with "
                    f"{col1.code} ({edit.rationale}; NCCI modifier indicator 0, no modifier "
                    f"bypasses it{_source(edit.source)}).",
                    [col1.code, col2.code],
                    rule=f"edit.{col1.code}.{col2.code}",
                )
            )
        elif not DISTINCT & set(col2.modifiers):
            out.append(
                Finding(
                    "warning",
                    "pair_edit",
                    f"{col2.code} bundles into {col1.code} "
                    f"({edit.rationale}); report it only for a distinct service, with 59 or "
                    f"an X modifier{_source(edit.source)}.",
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
                    f"{code} has {units} units; its MUE is "
                    f"{limit.value} per day (MAI {limit.mai}: {why}{_source(limit.source)}).",
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
                    f"No diagnosis on the claim supports {line.code}; expected one of {listed}.",
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
            f"{line.code} is a unilateral code but the side is "
            "not documented or not on the line: add RT, LT or 50 once the side is known.",
            [line.code],
            list(fact.evidence[:1]) if fact else [],
            f"laterality.{line.code}",
        )
    ]


def gaps(entry: CodeEntry, fact: ProcedureFact) -> list[Finding]:
    out = []
    for element in entry.documentation:
        check = GAP_CHECKS.get(element)
        if check and not check[0](fact):
            out.append(
                Finding(
                    "info",
                    "documentation",
                    f"{entry.code}: {check[1]}.",
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


def unlisted(entry: CodeEntry) -> list[Finding]:
    if entry.kind != CodeKind.unlisted:
        return []
    return [
        Finding(
            "warning",
            "unlisted",
            f"{entry.code} is an unlisted code: send the operative "
            "note, describe the service and name a comparable code for pricing.",
            [entry.code],
            rule=f"unlisted.{entry.code}",
        )
    ]
