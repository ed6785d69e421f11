"""What an encoder shows beside a code: dates, global period, MUE with its adjudication
indicator, NCCI pair edits both ways, fee-schedule indicators and RVUs (CPT); the notes a coder
reads up the tabular list (ICD-10-CM). Plain dicts, so JSON and text render the same facts."""

from __future__ import annotations

from datetime import date

from . import cms, icd10
from .loader import KB
from .schema import CodeEntry

ICD10CM_START = date.fromisoformat(icd10.ICD10CM_START)
FEE_INDICATORS = {
    "mult_proc": "multiple procedure",
    "bilateral": "bilateral surgery",
    "assistant": "assistant at surgery",
    "co_surgeon": "co-surgeon",
    "team": "team surgery",
}
RVU_FIELDS = ("work_rvu", "pe_nonfac", "pe_fac", "mp_rvu", "total_nonfac", "total_fac")


def dates(entry: CodeEntry) -> dict:
    """Start, end and earliest sourced sighting; a start no source gives is 'unknown'."""
    return {
        "effective": entry.effective.isoformat() if entry.effective else "unknown",
        "effective_note": entry.effective_note,
        "seen_from": entry.seen_from.isoformat() if entry.seen_from else None,
        "seen_from_note": entry.seen_from_note,
        "end": entry.end.isoformat() if entry.end else None,
    }


def cpt_panel(kb: KB, entry: CodeEntry, on: date | None) -> dict:
    code = entry.code
    edits = cms.edits_in_force(kb, code, on)
    mue = cms.mue_for(kb, code, on)
    fee = cms.fee_for(code, on)
    return {
        "dates": dates(entry),
        "global_days": _global(entry, fee),
        "mue": mue.to_dict() if mue else None,
        "pair_edits": [e.to_dict() for e in _ordered(kb, code, edits)],
        "fee_schedule": _fee(fee),
        "fee_release": _fee_release(on),
        "fee_history": [
            {"release": r.label, "effective": r.effective.isoformat(), "listed": row is not None}
            for r, row in cms.fee_history(code)
        ],
    }


def _global(entry: CodeEntry, fee) -> dict | None:
    if fee:
        release, row = fee
        return {"value": row["global_days"], "source": release.label}
    if entry.global_days:
        return {"value": entry.global_days, "source": "KB entry"}
    return None


def _ordered(kb: KB, code: str, edits: list[cms.PairEdit]) -> list[cms.PairEdit]:
    """Pairs with KB codes first (the ones this domain meets), then the rest, each by code."""

    def key(e: cms.PairEdit):
        other = e.column2 if e.column1 == code else e.column1
        return (other not in kb.codes, other, e.source)

    return sorted(edits, key=key)


def _fee_release(on: date | None) -> str | None:
    """The PFS release in force on the date, named even when it lacks the code."""
    store = cms.Store.existing()
    release = store.release_on("pfs", "professional", on) if store else None
    return release.label if release else None


def _fee(fee) -> dict | None:
    if not fee:
        return None
    release, row = fee
    return {
        "release": release.label,
        "status": row["status"],
        "indicators": {label: row[k] for k, label in FEE_INDICATORS.items()},
        "rvu": {k: row[k] for k in RVU_FIELDS},
        "pctc": row["pctc"],
    }


def icd_panel(key: str, on: date | None) -> dict:
    panel: dict = {"tabular_notes": icd10.inherited_notes(key)}
    if on and on < ICD10CM_START:
        panel["date_note"] = date_note(on)
    return panel


def date_note(on: date) -> str:
    return (
        f"ICD-10-CM took effect for dates of service from {ICD10CM_START}; on {on} diagnoses "
        "were reported in ICD-9-CM, which case2code does not code."
    )
