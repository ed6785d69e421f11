"""What the CPT tests read of a coded note: a named scenario note coded on a fixed date, its
lines as (code, units, modifiers), the route's reasons and the not-reported codes with their
rules. Shared so each scenario file holds only its notes and its assertions."""

from __future__ import annotations

from datetime import date

from case2code.engine import Coder
from case2code.model import Note

DATE_OF_SERVICE = date(2025, 6, 2)


def code_named(coder: Coder, notes: dict[str, str], name: str):
    return coder.code(Note(text=notes[name], id=name, date_of_service=DATE_OF_SERVICE))


def lines(result) -> list[tuple[str, int, list[str]]]:
    return [(c.code, c.units, c.modifiers) for c in result.cpt]


def reasons(result) -> list[str]:
    return [x.rule for x in result.review.reasons]


def not_reported(result) -> list[tuple[str, str]]:
    return [(n.code, n.rule) for n in result.not_reported]
