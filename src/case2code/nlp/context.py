"""Assertion of a mention from the ConText cues of its sentence.

A ConText-style algorithm (Chapman et al.; medspaCy's ConTextComponent) over our own cue table:
a cue governs targets inside its scope (forward, backward or both) up to a terminating cue, the
sentence end or the rule's max scope. Of the cues that govern a mention, the nearest wins, so
"recommended RFA ... was performed" reads per mention. Kept local because the cue scan must
share the token arrays of the lexicon pass to meet the throughput bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Cue

PROCEDURE_CATEGORIES = {"planned", "negated", "historical", "hypothetical"}
CONDITION_CATEGORIES = {"negated", "historical", "hypothetical", "possible"}


@dataclass(slots=True, frozen=True)
class Assertion:
    value: str
    cue: Cue | None


SHORT_SCOPE = 6  # adjective-like cues ('prior', 'no'): they stop at the next procedure named


def _governs(cue: Cue, a: int, b: int, terms: list[int]) -> int | None:
    """Token distance from cue to the mention [a, b) if the cue's scope reaches it, else None."""
    if cue.tok_start < b and a < cue.tok_end:
        return None  # overlapping: the mention is the cue
    if b <= cue.tok_start and cue.direction in ("backward", "bidirectional"):
        gap = cue.tok_start - b
        if gap <= cue.scope and not any(b <= t < cue.tok_start for t in terms):
            return gap
    if a >= cue.tok_end and cue.direction in ("forward", "bidirectional"):
        gap = a - cue.tok_end
        if gap <= cue.scope and not any(cue.tok_end <= t < a for t in terms):
            return gap
    return None


def _breaks_between(cue: Cue, a: int, breaks: frozenset[int]) -> list[int]:
    """Clause breaks (commas, colons) between a short cue and a target: 'not ready for surgery,
    receives RFA' does not negate the RFA."""
    if a >= cue.tok_end:  # forward: a break before token i stops the scope at i - 1
        return [i - 1 for i in breaks if cue.tok_end < i <= a]
    return [min(i, cue.tok_start - 1) for i in breaks if a < i <= cue.tok_start]


def assert_mention(
    a: int,
    b: int,
    cues: list[Cue],
    allowed: set[str],
    blockers: tuple[int, ...] = (),
    breaks: frozenset[int] = frozenset(),
) -> Assertion | None:
    """The governing cue of mention [a, b) among a sentence's cues, restricted to `allowed`.

    `blockers` are the starts of the other procedures of the sentence: a short-scope cue
    ('prior biopsy, moderate sedation ...') governs only the first of them.
    """
    terms = [c.tok_start for c in cues if c.category == "terminate"]
    best: tuple[int, Cue] | None = None
    for cue in cues:
        if cue.category not in allowed:
            continue
        stops = (
            terms + list(blockers) + _breaks_between(cue, a, breaks)
            if (cue.scope <= SHORT_SCOPE)
            else terms
        )
        gap = _governs(cue, a, b, stops)
        if gap is not None and (best is None or gap < best[0]):
            best = (gap, cue)
    return Assertion(best[1].category, best[1]) if best else None
