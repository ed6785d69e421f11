"""The answer to "can A and B be billed together?": NCCI edits between two codes in both
directions, the one in force on the date of service first, then every other record."""

from __future__ import annotations

import re
from datetime import date

from ..errors import InputError
from . import cms
from .loader import KB

HCPCS_RE = re.compile(r"^[0-9A-Z]{4}[0-9A-Z]$")


def pair_answer(
    kb: KB, first: str, second: str, on: date | None = None, setting: str = "professional"
) -> dict:
    a, b = first.strip().upper(), second.strip().upper()
    for code in (a, b):
        if not HCPCS_RE.match(code):
            raise InputError.make("E052", code=code)
    in_force = [e for e in cms.edits_in_force(kb, a, on, setting) if b in (e.column1, e.column2)]
    keys = {(e.column1, e.column2, e.source) for e in in_force}
    history = [e for e in cms.edits_of(kb, a, b) if (e.column1, e.column2, e.source) not in keys]
    return {
        "codes": [a, b],
        "date_of_service": on.isoformat() if on else None,
        "setting": setting,
        "verdict": _verdict(a, b, in_force, on),
        "in_force": [e.to_dict() for e in in_force],
        "history": [e.to_dict() for e in history],
    }


def _verdict(a: str, b: str, edits: list[cms.PairEdit], on: date | None) -> str:
    when = f" on {on}" if on else " today"
    if not edits:
        return f"No NCCI pair edit between {a} and {b}{when}: both may be reported."
    e = edits[0]
    if e.modifier_indicator == 0:
        return (
            f"{e.column2} is not paid with {e.column1}{when}; modifier indicator 0: "
            "no modifier bypasses the edit."
        )
    return (
        f"{e.column2} bundles into {e.column1}{when}; modifier indicator 1: report it only for a "
        "distinct service, with 59 or XE/XP/XS/XU and documentation."
    )
