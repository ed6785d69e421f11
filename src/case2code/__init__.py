"""case2code: a clinical note in, the CPT and ICD-10-CM codes a careful coder would report out.

import case2code
result = case2code.code_note("CT-guided RFA of a right iliac metastasis ...",
                             date_of_service="2025-05-01")
findings = case2code.check_claim({"lines": [{"code": "20982"}, {"code": "77013"}],
                                  "diagnoses": ["C79.51"]})
entry = case2code.lookup("20982")
"""

from __future__ import annotations

from datetime import date

__version__ = "0.1.0"
__all__ = ["__version__", "check_claim", "code_note", "lookup", "read_facts"]


def code_note(
    text: str,
    *,
    date_of_service: str | date | None = None,
    setting: str = "professional",
    note_id: str = "note",
):
    """Code one note; returns the canonical `Result` (use `.to_dict()` for JSON)."""
    from .engine import code_text

    on = (
        date.fromisoformat(date_of_service) if isinstance(date_of_service, str) else date_of_service
    )
    return code_text(text, note_id=note_id, on=on, setting=setting)


def check_claim(claim: dict, *, source: str = "claim"):
    """Findings for a claim coded elsewhere: list of `Finding`."""
    from .coding.claim import check, parse_claim
    from .kb import get_kb

    return check(get_kb(), parse_claim(claim, source))


def lookup(query: str, *, date_of_service: str | date | None = None, limit: int = 10):
    """A code gives its reference `Entry`; words give a ranked list of `Hit`."""
    from .kb.lookup import lookup as _lookup

    on = (
        date.fromisoformat(date_of_service) if isinstance(date_of_service, str) else date_of_service
    )
    return _lookup(query, on=on, limit=limit)


def read_facts(text: str):
    """The reader's facts for a note (procedures, conditions, encounter)."""
    from .nlp import read_facts as _read

    return _read(text)[1]
