"""Audit exports: every coding as JSON lines, and the reviewed ones as a site's own gold corpus.

A coding enters the gold corpus when a coder judged at least one of its lines and its text was
stored (C2C_STORE_TEXT=1). Lines the coder did not judge are taken as accepted: the coder saw
the whole coding on one page and judged what they disagreed with. A rejected line leaves the
expected codes; a changed line takes the coder's code (and units or modifiers when given).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from .store import Coding, Store


def export_jsonl(store: Store, out: TextIO) -> int:
    count = 0
    for coding in store.iter_codings():
        out.write(json.dumps(coding.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def gold_cases(store: Store) -> Iterator[dict]:
    for coding in store.iter_codings(reviewed_only=True):
        if coding.note_text is not None:
            yield gold_case(coding)


def gold_case(coding: Coding) -> dict:
    """One line in the tests/corpus/README.md format, read by `case2code eval`."""
    verdicts = coding.verdicts()
    cpt = []
    for line in coding.result["cpt"]:
        row = verdicts.get(("cpt", line["code"]))
        if row is not None and row.action == "reject":
            continue
        if row is not None and row.action == "change":
            line = {
                "code": row.new_code or line["code"],
                "units": row.units if row.units is not None else line["units"],
                "modifiers": row.modifiers if row.modifiers is not None else line["modifiers"],
            }
        cpt.append(
            {"code": line["code"], "units": line["units"], "modifiers": sorted(line["modifiers"])}
        )
    icd10 = []
    for dx in coding.result["icd10"]:
        row = verdicts.get(("icd10", dx["code"]))
        if row is not None and row.action == "reject":
            continue
        icd10.append(row.new_code if row is not None and row.action == "change" else dx["code"])
    reported = {c["code"] for c in cpt}
    not_reported = [n["code"] for n in coding.result["not_reported"] if n["code"] not in reported]
    return {
        "id": f"{coding.note_id}-{coding.id[:8]}",
        "text": coding.note_text,
        "date_of_service": coding.date_of_service,
        "setting": coding.setting,
        "expected": {
            "cpt": cpt,
            "cpt_optional": [],
            "icd10": icd10,
            "icd10_optional": [],
            "not_reported": not_reported,
        },
        "why": _why(coding),
    }


def _why(coding: Coding) -> str:
    judged = [
        f"{r.kind} {r.code} {r.action}"
        + (f" to {r.new_code}" if r.new_code else "")
        + f" ({r.reason})"
        for r in coding.verdicts().values()
    ]
    return f"Coding {coding.id} (KB {coding.kb_version}) reviewed: " + "; ".join(judged)


def export_gold(store: Store, out: TextIO) -> int:
    count = 0
    for case in gold_cases(store):
        out.write(json.dumps(case, ensure_ascii=False) + "\n")
        count += 1
    return count
