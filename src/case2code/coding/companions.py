"""Same-session companions of a host procedure (biopsy with ablation, augmentation with ablation,
biopsy with augmentation), decided by the NCCI rules of `kb/data/companion-rules.yaml`.

A rule matches a companion line to a host line by action (and organ), then by relation: the
biopsied lesion is the ablated one or another (the reader's `same_lesion_biopsy`), the vertebral
levels overlap or not. Its outcome bundles the companion into the host (a not-reported line with
the reason, its guidance line too), adds a distinct-service modifier, or raises a review finding.
"""

from __future__ import annotations

from ..kb import KB, get_kb
from ..kb.schema import CodeEntry, CompanionRule, FactMatch
from ..model import CodeLine, Finding, NotReported, ProcedureFact
from .explain import fill
from .lines import Lines


def apply(lines: Lines, kb: KB | None = None) -> None:
    kb = kb or get_kb()
    rules = kb.companion_rules.rules if kb.companion_rules else []
    drop: set[int] = set()
    for i, line in enumerate(lines.cpt):
        fact = lines.facts_of[i]
        if not line.rule.startswith("select.") or i in drop:
            continue
        for rule in rules:
            host = _host(lines, rule, i)
            if host is not None and _fires(rule, fact, lines.facts_of[host]):
                drop |= _outcome(lines, rule, i, host, kb)
                break
    _keep(lines, [i for i in range(len(lines.cpt)) if i not in drop])


def _matches(match: FactMatch, fact: ProcedureFact, code: str) -> bool:
    return (
        fact.action in match.action
        and (match.organ is None or fact.organ in match.organ)
        and (match.site is None or fact.site in match.site)
        and (match.code is None or code in match.code)
    )


def _host(lines: Lines, rule: CompanionRule, i: int) -> int | None:
    """The first line the rule's host matches; when the host names codes, the first in that list
    (a diagnostic EGD is named part of the ablation 43270, not of a biopsy bundled into it)."""
    if not _matches(rule.companion, lines.facts_of[i], lines.cpt[i].code):
        return None
    hosts = [
        j
        for j, line in enumerate(lines.cpt)
        if j != i
        and line.rule.startswith("select.")
        and _matches(rule.host, lines.facts_of[j], line.code)
    ]
    order = rule.host.code or []
    return min(hosts, key=lambda j: order.index(lines.cpt[j].code) if order else j, default=None)


def _fires(rule: CompanionRule, fact: ProcedureFact, host: ProcedureFact) -> bool:
    if rule.when_pathology is not None and bool(fact.immediate_pathology) != rule.when_pathology:
        return False
    same_level = not fact.levels or not host.levels or bool(set(fact.levels) & set(host.levels))
    return {
        "separate_lesion": fact.same_lesion_biopsy is False,
        "same_lesion": fact.same_lesion_biopsy is not False,
        "same_level": same_level,
        "other_level": not same_level,
        "any": True,
    }.get(rule.relation, False)


def _outcome(lines: Lines, rule: CompanionRule, i: int, host: int, kb: KB) -> set[int]:
    line, fact = lines.cpt[i], lines.facts_of[i]
    message = rule.message.strip().format(host=lines.cpt[host].code, companion=line.code)
    own = [j for j, f in lines.facts_of.items() if f is fact and j != i]
    if rule.outcome == "addon":
        _as_addon(line, kb.codes[rule.addon], message)
        return set()
    if rule.outcome == "bundle":
        lines.not_reported.append(NotReported(line.code, message, list(fact.evidence[:2]), rule.id))
        templates = lines.explain.words.templates
        host_code = lines.cpt[host].code
        for j in own:
            code = lines.cpt[j].code
            words = _rides_on(templates, lines.cpt[j].rule)
            why = fill(words, code=code, companion=line.code, host=host_code)
            lines.not_reported.append(
                NotReported(code, why, list(lines.cpt[j].evidence[:2]), rule.id)
            )
        return {i, *own}
    if rule.outcome == "modifier":
        for j in (i, *own):
            if rule.modifier not in lines.cpt[j].modifiers:
                lines.cpt[j].modifiers.append(rule.modifier)
        line.rationale += " " + message
        return set()
    lines.findings.append(
        Finding(
            "warning",
            "review",
            message,
            [line.code, lines.cpt[host].code],
            list(fact.evidence[:1]),
            rule.id,
        )
    )
    return set()


def _as_addon(line: CodeLine, addon: CodeEntry, message: str) -> None:
    """The companion's line becomes the host's add-on, one unit, its evidence kept."""
    line.code, line.title, line.units = addon.code, addon.title, 1
    line.rule = f"addon.{addon.code}"
    line.rationale = message


def _rides_on(templates, rule: str) -> str:
    """The sentence for a line that rides on a bundled companion: its add-on or its guidance."""
    addon = rule.startswith("addon.")
    return templates.addon_of_bundled if addon else templates.guidance_of_bundled


def _keep(lines: Lines, keep: list[int]) -> None:
    lines.cpt = [lines.cpt[i] for i in keep]
    lines.facts_of = {n: lines.facts_of[i] for n, i in enumerate(keep)}
    lines.missing = {n: lines.missing.get(i, ()) for n, i in enumerate(keep)}
