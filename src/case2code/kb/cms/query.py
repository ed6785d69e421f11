"""Pair edits, MUE limits and fee-schedule facts for a date of service, from the imported CMS
releases when one is in force on that date, else from the KB's own YAML (the shipped default).

The engine's findings, `check`, `lookup` and `edits` all read through here, so a coder who
imports the current quarter's files sees every answer move to that quarter at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from ..loader import KB
from ..memo import per_kb
from .store import Release, Store

KB_EDITS_SOURCE = "KB edits.yaml"


@dataclass(frozen=True)
class PairEdit:
    """One NCCI pair: column 2 is not paid with column 1 unless the modifier indicator allows."""

    column1: str
    column2: str
    modifier_indicator: int
    rationale: str
    effective: date | None
    deletion: date | None
    source: str
    kind: str = "ptp"

    def active_on(self, on: date | None) -> bool:
        if self.modifier_indicator == 9:
            return False
        if on is None:
            return self.deletion is None
        started = self.effective is None or self.effective <= on
        return started and (self.deletion is None or on <= self.deletion)

    def to_dict(self) -> dict:
        return {
            "column1": self.column1,
            "column2": self.column2,
            "modifier_indicator": self.modifier_indicator,
            "modifier": MODIFIER_WORDS.get(self.modifier_indicator, "?"),
            "rationale": self.rationale,
            "effective": self.effective.isoformat() if self.effective else "unknown",
            "deletion": self.deletion.isoformat() if self.deletion else None,
            "source": self.source,
            "kind": self.kind,
        }


MODIFIER_WORDS = {
    0: "no modifier allowed",
    1: "modifier allowed (59/XE/XP/XS/XU for a distinct service)",
    9: "not applicable (edit deleted)",
}
MAI_WORDS = {
    1: "claim line edit",
    2: "date of service edit: policy",
    3: "date of service edit: clinical",
}


@dataclass(frozen=True)
class MueLimit:
    code: str
    value: int
    mai: int
    rationale: str
    source: str
    effective: date | None

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "mai": self.mai,
            "mai_meaning": MAI_WORDS.get(self.mai, "?"),
            "rationale": self.rationale,
            "source": self.source,
            "effective": self.effective.isoformat() if self.effective else "unknown",
        }


# the store one note's checks read, while `one_store` holds it (boxed: None is an answer too)
_PINNED: ContextVar[tuple[Store | None] | None] = ContextVar("case2code_cms_store", default=None)


def _store() -> Store | None:
    pinned = _PINNED.get()
    return pinned[0] if pinned is not None else Store.existing()


@contextmanager
def one_store() -> Iterator[None]:
    """Inside the block every query reads the store as it was on entry: one note's pair edits
    and MUE limits come from one look at the store (a `stat` each, asked per line before),
    and an import finishing mid-note cannot split its checks between two releases."""
    token = _PINNED.set((Store.existing(),))
    try:
        yield
    finally:
        _PINNED.reset(token)


def _ptp_release(setting: str, on: date | None) -> tuple[Store, Release] | None:
    store = _store()
    release = store.release_on("ptp", setting, on) if store else None
    return (store, release) if release else None


def _from_row(row: tuple, source: str) -> PairEdit:
    col1, col2, eff, dele, mi, why = row
    return PairEdit(
        col1,
        col2,
        mi,
        why,
        date.fromisoformat(eff),
        date.fromisoformat(dele) if dele else None,
        source,
        "mutually_exclusive" if "mutually exclusive" in why.lower() else "ptp",
    )


PTP_COLUMNS = "column1, column2, effective, deletion, modifier_indicator, rationale"


def pair_edits(
    kb: KB, codes: list[str], on: date | None = None, setting: str = "professional"
) -> list[PairEdit]:
    """The edits in force on the date between any two of the codes."""
    wanted = sorted(set(codes))
    found = _ptp_release(setting, on)
    if found:
        store, release = found
        marks = ",".join("?" * len(wanted))
        rows = store.query(
            f"SELECT {PTP_COLUMNS} FROM ptp WHERE import_id=? "
            f"AND column1 IN ({marks}) AND column2 IN ({marks})",
            (release.id, *wanted, *wanted),
        )
        edits = [_from_row(r, release.label) for r in rows]
    else:
        edits = [e for e in kb_edits(kb) if e.column1 in wanted and e.column2 in wanted]
    return [e for e in edits if e.active_on(on)]


def edits_in_force(
    kb: KB, code: str, on: date | None = None, setting: str = "professional"
) -> list[PairEdit]:
    """Every edit naming the code, both directions, from the table in force on the date."""
    found = _ptp_release(setting, on)
    if not found:
        return [e for e in kb_edits(kb) if code in (e.column1, e.column2) and e.active_on(on)]
    store, release = found
    rows = store.query(
        f"SELECT {PTP_COLUMNS} FROM ptp WHERE import_id=? AND (column1=? OR column2=?)",
        (release.id, code, code),
    )
    return [e for e in (_from_row(r, release.label) for r in rows) if e.active_on(on)]


def kb_edits(kb: KB) -> list[PairEdit]:
    return list(_kb_edits(kb))


@per_kb
def _kb_edits(kb: KB) -> tuple[PairEdit, ...]:
    """Built once per KB: every coded note asks for the pair edits."""
    return tuple(
        PairEdit(
            e.column1,
            e.column2,
            e.modifier_indicator,
            e.rationale,
            None,
            None,
            f"{KB_EDITS_SOURCE} ({', '.join(e.sources)})",
            e.kind,
        )
        for e in kb.edits.edits
    )


def edits_of(kb: KB, code: str, other: str | None = None) -> list[PairEdit]:
    """Every edit naming the code (with `other`: that pair only), both directions, every
    imported release and the KB's own table, oldest release first: the pair's history."""
    code = code.upper()
    out = [
        e
        for e in kb_edits(kb)
        if code in (e.column1, e.column2) and (other is None or other in (e.column1, e.column2))
    ]
    store = _store()
    for release in store.releases("ptp") if store else []:
        sql = f"SELECT {PTP_COLUMNS} FROM ptp WHERE import_id=? AND (column1=? OR column2=?)"
        args: tuple = (release.id, code, code)
        if other:
            sql += " AND (column1=? OR column2=?)"
            args += (other, other)
        out += [_from_row(r, release.label) for r in store.query(sql, args)]
    return out


def mue_for(
    kb: KB, code: str, on: date | None = None, setting: str = "professional"
) -> MueLimit | None:
    """The MUE in force on the date: the imported table if one applies, else the KB entry."""
    store = _store()
    release = store.release_on("mue", setting, on) if store else None
    if release:
        rows = store.query(
            "SELECT value, mai, rationale FROM mue WHERE import_id=? AND code=?",
            (release.id, code),
        )
        if rows:
            value, mai, why = rows[0]
            return MueLimit(code, value, mai, why, release.label, release.effective)
        return None
    entry = kb.codes.get(code)
    if entry is None or entry.mue is None:
        return None
    where = ", ".join(entry.sources.get("mue", [])) or "KB"
    rationale = entry.mue.rationale or ""
    return MueLimit(code, entry.mue.value, entry.mue.mai, rationale, f"KB entry ({where})", None)


def fee_for(code: str, on: date | None = None) -> tuple[Release, dict] | None:
    """The fee-schedule row (no modifier) of the PFS release in force on the date."""
    store = _store()
    release = store.release_on("pfs", "professional", on) if store else None
    if not release:
        return None
    rows = fee_rows(store, release, code)
    return (release, rows[0]) if rows else None


def fee_rows(store: Store, release: Release, code: str) -> list[dict]:
    cur = store.db.execute(
        "SELECT * FROM pfs WHERE import_id=? AND code=? ORDER BY mod", (release.id, code)
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def fee_history(code: str) -> list[tuple[Release, dict | None]]:
    """Each imported PFS release with the code's row, or None when the release lacks the code:
    the first release that lists a code dates its arrival in the fee schedule."""
    store = _store()
    if not store:
        return []
    out = []
    for release in store.releases("pfs"):
        rows = fee_rows(store, release, code)
        out.append((release, rows[0] if rows else None))
    return out
