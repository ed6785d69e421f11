"""JSON from users, parsed with a depth limit: a claim or a batch line nested thousands of levels
deep must be one catalogue error (E017), not a RecursionError traceback or a stalled worker."""

from __future__ import annotations

import json

from .errors import InputError

MAX_DEPTH = 32  # a note line or a claim needs 3 levels; 32 leaves room for integrators' metadata


def loads(text: str | bytes, source: str, limit: int = MAX_DEPTH):
    """json.loads whose RecursionError and depth overflow become E017; ValueError passes on."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise InputError.make("E017", source=source, limit=limit) from None
    check_depth(value, source, limit)
    return value


def check_depth(value: object, source: str, limit: int = MAX_DEPTH) -> None:
    """Iterative, so the check itself cannot overflow the stack on the input it guards against."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict | list):
            continue
        if depth > limit:
            raise InputError.make("E017", source=source, limit=limit)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children)
