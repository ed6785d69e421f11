"""Which KB code a procedure fact selects, and how many units it earns.

Selection is a match of the fact's attributes against each code's `select` constraints; no
Python branch names a code. Among the codes that match, a specific code beats an unlisted one,
and a code that constrains more attributes beats a looser one. Units and add-ons follow the
code's unit rule and the fact's counted items (tumors, lobes, vertebrae, joints, veins, minutes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..kb import KB, is_effective
from ..kb.memo import per_kb
from ..kb.schema import CodeEntry, CodeKind, UnitRule
from ..model import ProcedureFact

FACT_KEYS = ("action", "organ", "approach", "modality", "region", "site", "nature", "indication")
THYROID_LOBES = {"right_lobe", "left_lobe", "isthmus"}


@dataclass(slots=True)
class Selected:
    entry: CodeEntry
    units: int
    missing: tuple[str, ...] = ()


def _matches(entry: CodeEntry, fact: ProcedureFact) -> tuple[bool, int, tuple[str, ...]]:
    """(matches, constraints met, constrained attributes the fact leaves blank)."""
    sel = entry.select
    if any(getattr(fact, key, None) in values for key, values in sel.exclude.items()):
        return False, 0, ()
    met, blank = 0, []
    for key in FACT_KEYS:
        allowed = getattr(sel, key)
        if allowed is None:
            continue
        value = getattr(fact, key)
        if value is None:
            if key in sel.require:
                return False, 0, ()
            blank.append(key)
            continue
        if value not in allowed:
            return False, 0, ()
        met += 1
    if sel.guidance is not None:
        if not set(fact.guidance) & set(sel.guidance):
            return False, 0, ()
        met += 1
    return True, met, tuple(blank)


def candidates(kb: KB, fact: ProcedureFact, on: date) -> list[tuple[CodeEntry, int, tuple]]:
    out = []
    for entry in _selectable(kb).pool(fact.action, fact.organ):
        if not is_effective(entry, on):
            continue
        ok, met, blank = _matches(entry, fact)
        if ok:
            out.append((entry, met, blank))
    return out


@dataclass(frozen=True)
class _Pools:
    """The selectable codes (not guidance, not add-on), in KB order, narrowed by what a fact's
    action and organ already rule out, so a fact is matched against its few codes only."""

    every: tuple[CodeEntry, ...]
    by_action: dict[str, tuple[CodeEntry, ...]]
    by_organ: dict[tuple[str, str], tuple[CodeEntry, ...]]  # (action, organ) -> its codes
    organless: dict[str, tuple[CodeEntry, ...]]  # action -> the codes constraining no organ

    def pool(self, action: str | None, organ: str | None) -> tuple[CodeEntry, ...]:
        """A blank action or organ constrains nothing (a code that asks for one may still
        match, with the attribute counted blank); a named one keeps the codes that allow it."""
        if action is None:
            return self.every
        if organ is None:
            return self.by_action.get(action, ())
        found = self.by_organ.get((action, organ))
        return found if found is not None else self.organless.get(action, ())


@per_kb
def _selectable(kb: KB) -> _Pools:
    """Built once per KB."""
    every = tuple(
        e
        for e in kb.codes.values()
        if e.select is not None and e.kind not in (CodeKind.guidance, CodeKind.addon)
    )
    by_action, by_organ, organless = {}, {}, {}
    for action in {a for e in every for a in e.select.action}:
        pool = tuple(e for e in every if action in e.select.action)
        by_action[action] = pool
        organless[action] = tuple(e for e in pool if e.select.organ is None)
        for organ in {o for e in pool for o in e.select.organ or ()}:
            by_organ[(action, organ)] = tuple(
                e for e in pool if e.select.organ is None or organ in e.select.organ
            )
    return _Pools(every, by_action, by_organ, organless)


@per_kb
def _addons_of(kb: KB) -> dict[str, tuple[CodeEntry, ...]]:
    """Primary code -> its add-on codes, in KB order (built once per KB)."""
    out: dict[str, list[CodeEntry]] = {}
    for entry in kb.codes.values():
        for primary in dict.fromkeys(entry.addon_to):
            out.setdefault(primary, []).append(entry)
    return {k: tuple(v) for k, v in out.items()}


def choose(kb: KB, fact: ProcedureFact, on: date) -> Selected | None:
    """The best code for a fact on a date, or None when nothing in the KB fits."""
    found = no_organ_guess(candidates(kb, fact, on), fact)
    complete = [c for c in found if not c[2]]
    pool = complete or found
    if not pool:
        return None
    pool = _by_covers(pool, fact)
    entry, _, blank = max(pool, key=lambda c: (c[0].kind != CodeKind.unlisted, c[1]))
    if entry.kind == CodeKind.unlisted and blank:
        return None
    return Selected(entry, primary_units(entry, fact), blank)


def no_organ_guess(found: list, fact: ProcedureFact) -> list:
    """Drop the codes that constrain an organ the fact leaves blank, when codes of more than one
    organ would match: picking one would map the procedure to a guessed organ's code (an adrenal
    or pancreas ablation must never become a liver, kidney or bone code)."""
    if fact.organ is not None:
        return found
    organs = {o for entry, _, _ in found for o in (entry.select.organ or [])}
    if len(organs) <= 1:
        return found
    return [c for c in found if c[0].select.organ is None]


def _by_covers(pool, fact: ProcedureFact):
    """Codes told apart by a minimum item count (bronchial thermoplasty: one lobe vs two+)."""
    covered = [
        c
        for c in pool
        if c[0].units and c[0].units.rule == UnitRule.per_session and c[0].units.covers > 1
    ]
    if not covered:
        return pool
    n = item_count(fact, pool[0][0].units.item) or 1
    fits = [c for c in pool if not c[0].units or c[0].units.covers <= n]
    return [max(fits, key=lambda c: c[0].units.covers if c[0].units else 0)] if fits else pool


def item_count(fact: ProcedureFact, item: str | None) -> int | None:
    if item == "lobe" and fact.organ == "thyroid":
        lobes = THYROID_LOBES & set(fact.sites)
        if fact.laterality == "bilateral":
            lobes |= {"right_lobe", "left_lobe"}
        return len(lobes) or (2 if fact.laterality == "bilateral" else 1)
    if item == "vertebra" and fact.levels:
        return len(fact.levels)
    if item == "vein" and len(fact.sites) > 1:
        return len(fact.sites)
    if item == "lobe" and fact.organ == "lung" and fact.sites:
        return len(fact.sites)  # lobes biopsied, however many samples of each (31628, +31632)
    return fact.count


def primary_units(entry: CodeEntry, fact: ProcedureFact) -> int:
    rule = entry.units.rule if entry.units else UnitRule.per_session
    if rule == UnitRule.per_item:
        return max(item_count(fact, entry.units.item) or 1, 1)
    return 1


def addons(
    kb: KB, primary: CodeEntry, fact: ProcedureFact, on: date
) -> list[tuple[CodeEntry, int]]:
    """Add-on codes of a primary with their units (60661, 22512, 64634, 64629, 36476, 99153)."""
    out = []
    for entry in _addons_of(kb).get(primary.code, ()):
        if not is_effective(entry, on) or not entry.units:
            continue
        units = addon_units(entry, primary, fact)
        if units > 0:
            out.append((entry, units))
    return out


def addon_units(entry: CodeEntry, primary: CodeEntry, fact: ProcedureFact) -> int:
    if entry.units.rule == UnitRule.per_time:
        return sedation_addon_units(fact.minutes, primary, entry)
    covers = primary.units.covers if primary.units else 1
    if entry.units.from_item:  # a rank-split family: +64491 the 2nd level, +64492 the 3rd on
        covers = entry.units.from_item - 1
    n = max((item_count(fact, entry.units.item) or 0) - covers, 0)
    return min(n, entry.units.max_units) if entry.units.max_units else n


def first_minutes(primary: CodeEntry) -> int:
    """The minutes a time-based primary covers: 15 for moderate sedation."""
    return primary.units.first_minutes or 15


def time_blocks(primary: CodeEntry, addon: CodeEntry) -> tuple[int, int, int]:
    """(minutes the primary covers, minutes of each add-on block, minutes that make a block
    count): 15, 15 and 8 for moderate sedation (CPT 2017 time table)."""
    return first_minutes(primary), addon.units.minutes or 15, addon.units.min_minutes or 8


def sedation_addon_units(minutes: int | None, primary: CodeEntry, addon: CodeEntry) -> int:
    """Each further block counts once its threshold is passed (CPT 2017 time table)."""
    if minutes is None:
        return 0
    first, block, threshold = time_blocks(primary, addon)
    extra = minutes - first
    return max((extra + (block - threshold)) // block, 0) if extra >= threshold else 0


def time_qualifies(entry: CodeEntry, minutes: int | None) -> bool:
    if entry.units is None or entry.units.rule != UnitRule.per_time:
        return True
    return minutes is not None and minutes >= (entry.units.min_minutes or 0)
