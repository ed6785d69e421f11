"""What the diagnosis tests read of a coded note: one note coded on a fixed date, its ICD-10-CM
codes in sequence, and the words of the note one code rests on."""

from __future__ import annotations

from datetime import date

from case2code.engine import Coder
from case2code.model import Note


def run(coder: Coder, text: str):
    return coder.code(Note(id="n", text=text, date_of_service=date(2026, 6, 2)))


def codes(result) -> list[str]:
    return [d.code for d in result.icd10]


def evidence(result, code: str) -> list[str]:
    return [s.text for s in next(d for d in result.icd10 if d.code == code).evidence]
