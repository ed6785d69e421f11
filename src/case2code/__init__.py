"""case2code: a clinical note in, the CPT and ICD-10-CM codes a careful coder would report out.

import case2code
result = case2code.code_note("CT-guided RFA of a right iliac metastasis ...",
                             date_of_service="2025-05-01")
findings = case2code.check_claim({"lines": [{"code": "20982"}, {"code": "77013"}],
                                  "diagnoses": ["C79.51"]})
entry = case2code.lookup("20982")
"""

from __future__ import annotations

from datetime import date, datetime

__version__ = "0.1.0"
__all__ = ["__version__", "check_claim", "code_note", "lookup", "read_facts"]


def code_note(
    text: str,
    *,
    date_of_service: str | date | None = None,
    setting: str = "professional",
    note_id: str = "note",
):
    """Code one note; returns the canonical `Result` (use `.to_dict()` for JSON).

    Bad input raises the catalogue's `InputError` (a ValueError): E004 for a date that is not
    YYYY-MM-DD, E010 for empty, oversized or bytes text, E013 for an unknown setting, E014 for a
    date before ICD-10-CM.
    """
    from .engine import code_text

    return code_text(text, note_id=note_id, on=_on(date_of_service), setting=setting)


def _on(value: object) -> date | None:
    """A date of service from a date or an ISO string; anything else is E004, never a bare
    ValueError or TypeError from deep inside the engine."""
    from .errors import InputError

    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError.make("E004", value=value)


def check_claim(claim: dict, *, source: str = "claim"):
    """Findings for a claim coded elsewhere: list of `Finding`.

    A claim that is not a dict, fails the claim schema, nests too deeply or is dated before
    ICD-10-CM raises the catalogue's `InputError` (E020, E017, E014).
    """
    from .coding.claim import check, parse_claim
    from .engine import ICD10CM_START
    from .errors import InputError
    from .jsonlimits import check_depth
    from .kb import get_kb

    if not isinstance(claim, dict):
        raise InputError.make(
            "E020", source=source, problems=f"a claim is a JSON object, got {type(claim).__name__}"
        )
    check_depth(claim, source)
    parsed = parse_claim(claim, source)
    if parsed.date_of_service < ICD10CM_START:
        raise InputError.make("E014", date=parsed.date_of_service, start=ICD10CM_START)
    return check(get_kb(), parsed)


def lookup(query: str, *, date_of_service: str | date | None = None, limit: int = 10):
    """A code gives its reference `Entry`; words give a ranked list of `Hit`."""
    from .kb.lookup import lookup as _lookup

    return _lookup(query, on=_on(date_of_service), limit=limit)


def read_facts(text: str):
    """The reader's facts for a note (procedures, conditions, encounter); text that is not a
    note (bytes, empty, over 1 MB, binary) raises InputError E010, as `code_note` does."""
    from .engine import validate_text
    from .nlp import read_facts as _read

    return _read(validate_text(text, "note"))[1]
