"""Assertion of a mention from the ConText cues of its sentence.

A ConText-style algorithm (Chapman et al.; medspaCy's ConTextComponent) over the cue rules of
context.yaml: a cue governs the targets of its `allowed_types` inside its scope (forward,
backward or both) up to a cue of a category in its `terminated_by`, the sentence end or its max
scope. Of the cues that govern a mention, the nearest wins, and at equal distance the category
listed first in the file's `precedence`, and a `weak` category (a verb of doing) wins only when
no other cue governs; so "recommended RFA ... was performed" reads per mention and "underwent
RFA in 2019" is historical. Kept local because the cue scan shares the token arrays of the one
lexicon pass.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import Cue, get_lexicon
from .schema import TargetType


@dataclass(slots=True, frozen=True)
class Assertion:
    value: str
    cue: Cue | None


def _governs(cue: Cue, a: int, b: int, stops: Sequence[int]) -> int | None:
    """Token distance from cue to the mention [a, b) if the cue's scope reaches it, else None."""
    if cue.tok_start < b and a < cue.tok_end:
        return None  # overlapping: the mention is the cue
    if b <= cue.tok_start and cue.direction in ("backward", "bidirectional"):
        gap = cue.tok_start - b
        if gap <= cue.scope and not any(b <= t < cue.tok_start for t in stops):
            return gap
    if a >= cue.tok_end and cue.direction in ("forward", "bidirectional"):
        gap = a - cue.tok_end
        if gap <= cue.scope and not any(cue.tok_end <= t < a for t in stops):
            return gap
    return None


def _breaks_between(cue: Cue, a: int, breaks: tuple[int, ...]) -> list[int]:
    """Clause breaks (commas, colons) between a short cue and a target: 'not ready for surgery,
    receives RFA' does not negate the RFA. `breaks` is sorted, so only the span between is read."""
    if a >= cue.tok_end:  # forward: a break before token i stops the scope at i - 1
        lo, hi = bisect_right(breaks, cue.tok_end), bisect_right(breaks, a)
        return [i - 1 for i in breaks[lo:hi]]
    lo, hi = bisect_right(breaks, a), bisect_right(breaks, cue.tok_start)
    return [min(i, cue.tok_start - 1) for i in breaks[lo:hi]]


def _dominates(context, a, b) -> bool:
    return b in context.dominates.get(a, ())


@lru_cache(maxsize=1)
def _rank() -> dict[str, int]:
    return {c.value: i for i, c in enumerate(get_lexicon().context.precedence)}


def assert_mention(
    a: int,
    b: int,
    cues: list[Cue],
    target: TargetType,
    blockers: tuple[int, ...] = (),
    breaks: tuple[int, ...] = (),
    *,
    only: frozenset[str] | None = None,
) -> Assertion | None:
    """The governing cue of mention [a, b) among a sentence's cues, for a target of this type.

    `blockers` are the starts of the other procedures of the sentence: a short-scope cue
    ('prior biopsy, moderate sedation ...') governs only the first of them. `only` restricts the
    categories considered (e.g. negation alone).
    """
    context = get_lexicon().context
    rank = _rank()
    best: tuple[tuple[int, int], Cue] | None = None
    for cue in cues:
        rule = cue.rule
        if target not in rule.allowed_types or cue.category == "terminate":
            continue
        if only is not None and cue.category not in only:
            continue
        if _governs(cue, a, b, ()) is None:
            continue  # out of its reach even with nothing in between: skip finding the stops
        stops = [c.tok_start for c in cues if c.rule.category in rule.terminated_by]
        if cue.scope <= context.short_scope:
            stops += list(blockers) + _breaks_between(cue, a, breaks)
        gap = _governs(cue, a, b, stops)
        if gap is None:
            continue
        weak = rule.category in context.weak
        key = (weak, gap, rank.get(cue.category, len(rank)))
        if best is not None and _dominates(context, best[1].rule.category, rule.category):
            continue
        if best is not None and _dominates(context, rule.category, best[1].rule.category):
            best = (key, cue)
            continue
        if best is None or key < best[0]:
            best = (key, cue)
    return Assertion(best[1].category, best[1]) if best else None
