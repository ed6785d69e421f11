"""Rationales in a coder's words. Every sentence lives in kb/data/explain.yaml; this module picks
the template and fills it from the line, the fact and the KB entry, so a coder reads "20982 x1:
radiofrequency ablation of a left rib metastasis, percutaneous; one unit covers every tumor
treated in the session." and never a vocabulary id or a CPT descriptor."""

from __future__ import annotations

import re
from functools import lru_cache

from ..kb import KB
from ..kb.schema import CodeEntry, CodeKind, Explanations, OrganWords, UnitRule
from ..model import ConditionFact, ProcedureFact
from .selection import first_minutes, item_count, time_blocks

OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
FIELD = re.compile(r"\{(\w+)\}")
ARTICLE = "\x01"  # where {a} stood, until the word after it is known
AFTER_ARTICLE = re.compile(r"\x01\s*(\S)")
SPACES = re.compile(r"\s{2,}")


def fill(template: str, **values) -> str:
    """Fill a template of explain.yaml: a [part] whose placeholders are all set is kept without
    its brackets, else dropped; {a} becomes "a" or "an" by the next word, or the count in words
    (`count_words`) when `count_number` is over one."""
    texts, optionals = _optionals(template)
    kept = tuple(all(values.get(n) for n in names) for names in optionals)
    pieces = _fields(texts, kept)
    parts = list(pieces)
    for k in range(1, len(parts), 2):  # odd places hold field names
        name = parts[k]
        parts[k] = ARTICLE if name == "a" else str(values[name])
    text = "".join(parts)
    if ARTICLE in text:
        text = AFTER_ARTICLE.sub(lambda m: _article(m.group(1), values) + m.group(1), text)
    return SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1024)
def _optionals(template: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The template split at its [parts] (text, part, text, ... part, text) and each part's
    placeholder names: parsed once per template, not once per line of every note."""
    texts = tuple(OPTIONAL.split(template))
    return texts, tuple(tuple(FIELD.findall(t)) for t in texts[1::2])


@lru_cache(maxsize=4096)
def _fields(texts: tuple[str, ...], kept: tuple[bool, ...]) -> tuple[str, ...]:
    """The template with its [parts] kept or dropped, split at its placeholders: literal text
    at even places, placeholder names at odd ones (what `FIELD.sub` would replace)."""
    joined = "".join(t if k % 2 == 0 or kept[k // 2] else "" for k, t in enumerate(texts))
    return tuple(FIELD.split(joined))


def _article(first: str, values: dict) -> str:
    count = values.get("count_number") or 1
    if count > 1:
        return f"{values.get('count_words', count)} "
    return "an " if first.lower() in "aeiou" else "a "


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class Explainer:
    """The words of one note's lines.

    Args:
        kb: the KB whose explain.yaml gives the words.
        conditions: the note's condition facts; a present secondary neoplasm of the treated
            organ makes the tumor "a metastasis".
    """

    def __init__(self, kb: KB, conditions: list[ConditionFact] | None = None):
        self.kb = kb
        self.words: Explanations = kb.explain
        self.conditions = conditions or []

    # ------------------------------------------------------------------ the procedure in words
    def action(self, fact: ProcedureFact) -> str:
        actions = self.words.actions
        key = f"{fact.action}.{fact.modality}"
        return actions.get(key) or actions.get(fact.action) or fact.action.replace("_", " ")

    def procedure(self, fact: ProcedureFact) -> str:
        """'radiofrequency ablation of a right iliac bone metastasis, percutaneous'."""
        text = self.action(fact)
        if fact.action not in self.words.bare_actions:
            target = self.target(fact)
            approach = self.words.approaches.get(fact.approach or "", "")
            text += (f" of {target}" if target else "") + (f", {approach}" if approach else "")
        if fact.minutes is not None:
            text += ", " + fill(self.words.templates.minutes, minutes=fact.minutes)
        if fact.assertion == "aborted":
            text = fill(self.words.templates.discontinued, procedure=text)
        return text

    def target(self, fact: ProcedureFact) -> str:
        organ = self.words.organs.get(fact.organ or "")
        if organ is None:
            return ""
        template = organ.targets.get(fact.site or "") or organ.targets.get(fact.action)
        site = self._site(organ, fact.site, fact.organ)
        side = self.words.sides.get(fact.laterality or "", "")
        sites = [self._site(organ, s, fact.organ) for s in fact.sites or [fact.site] if s]
        if side and side in " ".join([site, *sites]):
            side = ""  # the site names it already: "the right lower lobe"
        count, secondary = self._count(fact), self._secondary(fact)
        tumor = organ.tumor or self.words.tumor["secondary" if secondary else "unknown"]
        return fill(
            template or organ.target,
            side=side,
            region=fact.region or "",
            site=site,
            sites=_and(list(dict.fromkeys(sites)) or [organ.site]),
            tumor=tumor[count > 1],
            nature="" if secondary else self.words.natures.get(fact.nature or "", ""),
            count_number=count,
            count_words=self.number(count),
        )

    def _site(self, organ: OrganWords, site: str | None, organ_id: str | None) -> str:
        if site is None or site == organ_id:
            return organ.site
        return organ.sites.get(site, site.replace("_", " "))

    def _secondary(self, fact: ProcedureFact) -> bool:
        """The note documents a metastasis in the treated organ."""
        return any(
            c.kind == "neoplasm"
            and c.role == "secondary"
            and c.assertion == "present"
            and c.organ == fact.organ
            for c in self.conditions
        )

    @staticmethod
    def _count(fact: ProcedureFact) -> int:
        """The tumors treated when the note states them; at least two on both sides."""
        stated = fact.count and "count.default_one" not in fact.rules
        count = fact.count if stated else 1
        return max(count, 2) if fact.laterality == "bilateral" else count

    def number(self, n: int) -> str:
        return self.words.numbers[n] if 0 <= n < len(self.words.numbers) else str(n)

    def items(self, item: str | None, n: int = 1) -> str:
        pair = self.words.items.get(item or "tumor") or [item or "", item or ""]
        return pair[n != 1]

    # ------------------------------------------------------------------ the unit basis
    def basis(self, entry: CodeEntry, fact: ProcedureFact, host: CodeEntry | None = None) -> str:
        """'one unit covers every tumor treated in the session', 'one unit for each facet joint
        beyond the first', 'one unit for each further 15 minutes past the first 15 (...)'."""
        units, t = entry.units, self.words.units
        if units is None:
            return t.unstated  # the KB states no unit rule for this code: claim none
        rule = units.rule
        if rule == UnitRule.per_time:
            return self._time_basis(entry, host)
        item, covers = units.item, units.covers
        if rule == UnitRule.per_session:
            return self._session_basis(fact, item, covers)
        if rule == UnitRule.per_item:
            return fill(t.per_item, item=self.items(item))
        if rule == UnitRule.first_item:
            template = t.first_item if covers == 1 else t.first_items
            return fill(
                template,
                item=self.items(item),
                items=self.items(item, 2),
                covers=self.number(covers),
            )
        first = host.units.covers if host and host.units else 1
        return fill(
            t.additional_items,
            item=self.items(item),
            covers=self.number(first) if first > 1 else "",
        )

    def _session_basis(self, fact: ProcedureFact, item: str | None, covers: int) -> str:
        t = self.words.units
        if covers > 1:
            return fill(t.per_session_covers, covers=self.number(covers), items=self.items(item, 2))
        if item:
            return fill(t.per_session_one, item=self.items(item))
        organ = self.words.organs.get(fact.organ or "")
        target = organ and (organ.targets.get(fact.action) or organ.target)
        bare = fact.action in self.words.bare_actions  # a diagnostic look treats nothing
        if bare or not target or "{tumor}" not in target:  # nor do the airways biopsied
            return t.per_session_whole
        word = organ.tumor[0] if organ.tumor else self.items("tumor")
        return fill(t.per_session, item=word)

    def _time_basis(self, entry: CodeEntry, host: CodeEntry | None) -> str:
        """The minutes the engine counted with (selection.time_blocks), in words."""
        t = self.words.units
        if entry.kind == CodeKind.addon and host and host.units:
            first, block, threshold = time_blocks(host, entry)
            return fill(t.per_time_addon, block=block, first=first, min=threshold)
        first = first_minutes(entry)
        return fill(t.per_time, first=first, min=entry.units.min_minutes or "")

    def modifiers(self, mods: list[str]) -> str:
        return "; ".join(self.words.modifiers[m] for m in mods if m in self.words.modifiers)

    # ------------------------------------------------------------------ the sentences
    def line(self, entry: CodeEntry, fact: ProcedureFact, units: int, mods: list[str]) -> str:
        return fill(
            self.words.templates.line,
            code=entry.code,
            units=units,
            procedure=self.procedure(fact),
            basis=self.basis(entry, fact),
            modifiers=self.modifiers(mods),
        )

    def addon(
        self, addon: CodeEntry, host: CodeEntry, fact: ProcedureFact, units: int, mods: list[str]
    ) -> str:
        extent = ""
        if addon.units and addon.units.rule == UnitRule.additional_items:
            n = item_count(fact, addon.units.item) or 0
            extent = fill(
                self.words.templates.extent, count=n, items=self.items(addon.units.item, n)
            )
        return fill(
            self.words.templates.addon,
            code=addon.code,
            units=units,
            procedure=self.procedure(fact),
            extent=extent,
            host=host.code,
            basis=self.basis(addon, fact, host),
            modifiers=self.modifiers(mods),
        )

    def guidance_line(
        self, code: str, host: str, fact: ProcedureFact, modality: str, mods: list[str]
    ) -> str:
        g = self.words.guidance
        return fill(
            self.words.templates.guidance_separate,
            code=code,
            host=host,
            guidance=g.get(modality, modality),
            action=self.action(fact),
            role=g.get(f"role.{fact.action}") or g.get("role", "guidance"),
            modifiers=self.modifiers(mods),
        )

    def guidance_not_reported(
        self, code: str, host: CodeEntry, modality: str, reported: str | None
    ) -> str:
        """Why a guidance code is left out: another guidance code is reported, the host includes
        imaging guidance, or the host's entry names no guidance code at all."""
        t, guidance = self.words.templates, self.words.guidance.get(modality, modality)
        if reported:
            return fill(t.guidance_one_per_session, reported=reported, guidance=guidance)
        included = host.guidance is not None and host.guidance.included
        template = t.guidance_included if included else t.guidance_not_listed
        return capital(fill(template, guidance=guidance, host=host.code, code=code))

    def not_performed(self, fact: ProcedureFact) -> str:
        state = self.words.assertions[fact.assertion]
        return fill(
            self.words.templates.not_performed, procedure=capital(self.procedure(fact)), state=state
        )

    def no_code(self, fact: ProcedureFact) -> str:
        return fill(self.words.templates.no_code, procedure=self.procedure(fact))

    def out_of_scope(self, fact: ProcedureFact, where: str) -> str:
        t = self.words.templates
        if fact.action == "evaluation":
            return fill(t.out_of_scope_visit, where=where)
        return fill(t.out_of_scope, procedure=self.procedure(fact), where=where)


def _and(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
