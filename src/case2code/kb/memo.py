"""Tables derived from a KB, built once per KB object instead of once per coded note.

A KB is read-only once loaded, so what a coding step derives from it alone (its pair edits as
PairEdits, the codes each action can select, the role of each diagnosis code) can be kept for as
long as that KB is the one in use. KB models are not hashable, so the cache is keyed by the
object's identity and holds the object itself, which keeps that identity from being reused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

T = TypeVar("T")


def per_kb(build: Callable[[object], T]) -> Callable[[object], T]:
    """Decorate `build(kb)` so it runs once per KB object (the newest two are kept: tests load a
    second KB beside the shared one). Callers must not mutate what it returns."""
    cache: dict[int, tuple[object, T]] = {}

    @wraps(build)
    def cached(kb) -> T:
        hit = cache.get(id(kb))
        if hit is not None and hit[0] is kb:
            return hit[1]
        if len(cache) >= 2:
            cache.pop(next(iter(cache)))
        value = build(kb)
        cache[id(kb)] = (kb, value)
        return value

    return cached
