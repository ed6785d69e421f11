"""Code lookup: an entry by code number, or a ranked search by words, abbreviations and synonyms.

A code gives its Entry: the KB's reference entry for a CPT code, the official record for an
ICD-10-CM code, and the coder's-desk panel (kb/desk.py): dates, global period, MUE, NCCI pair
edits, fee-schedule facts for CPT; the tabular notes of the code and its parents for ICD-10-CM.
Words are searched over the whole ICD-10-CM set and the KB (kb/search.py). A code-shaped query
that is no code is an UnknownCodeError naming close codes of the same system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from ..errors import InputError, UnknownCodeError
from . import desk, icd10
from .loader import KB, get_kb, is_effective
from .schema import CodeEntry

CPT_RE = re.compile(r"^\s*(\d{4}[0-9TFU])\s*$", re.IGNORECASE)
ICD_RE = re.compile(r"^\s*([A-TV-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{1,4})?)\s*$", re.IGNORECASE)
WORD_RE = re.compile(r"[a-z0-9]+")
# One token of letters and digits with at least three digits: a code someone meant to type.
CODE_SHAPED = re.compile(r"^\s*(?=(?:[A-Z.]*\d){3})[A-Z0-9.]{4,8}\s*$", re.IGNORECASE)


@dataclass
class Hit:
    code: str
    system: str
    title: str
    score: float
    family: str = ""
    matched: list[str] = field(default_factory=list)
    billable: bool = True

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "system": self.system,
            "title": self.title,
            "score": round(self.score, 3),
            "family": self.family,
            "matched": self.matched,
            "billable": self.billable,
        }


@dataclass
class Entry:
    """A lookup answer for one code: the KB entry (CPT) or the official ICD-10-CM record."""

    code: str
    system: str
    title: str
    cpt: CodeEntry | None = None
    icd: dict | None = None
    note: str | None = None
    desk: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = {"code": self.code, "system": self.system, "title": self.title, "note": self.note}
        if self.cpt is not None:
            out["entry"] = self.cpt.model_dump(mode="json", exclude_defaults=True)
        if self.icd is not None:
            out["icd10cm"] = self.icd
        out.update(self.desk)
        return out


def _body(e: CodeEntry) -> str:
    ref = e.reference
    parts = [ref.what_it_is, ref.when_to_use, ref.clinical_application]
    parts += [t.term for t in ref.terminology]
    return " ".join(p for p in parts if p)


def _select_words(e: CodeEntry) -> str:
    if e.select is None:
        return ""
    vals = []
    for key in ("action", "organ", "approach", "modality", "region", "site", "guidance"):
        vals += [v.replace("_", " ") for v in (getattr(e.select, key) or [])]
    return " ".join(vals)


class SearchIndex:
    """The word search (kb/search.py) with the KB's effective dates applied."""

    def __init__(self, kb: KB):
        from .search import WordIndex

        self.kb = kb
        self.words = WordIndex(kb)

    def terms(self, query: str) -> list[str]:
        return [c.text for c in self.words.concepts(query)]

    def search(self, query: str, limit: int = 10, on: date | None = None) -> list[Hit]:
        concepts, ranked = self.words.search(query, limit=limit * 2)
        if not concepts:
            raise InputError.make("E005")
        hits = []
        for r in ranked:
            entry = self.kb.codes.get(r.code)
            if on and entry and not is_effective(entry, on):
                continue
            icd = r.system == "ICD-10-CM"
            family, billable = ("", r.family == "leaf") if icd else (r.family, True)
            hits.append(Hit(r.code, r.system, r.title, r.score, family, r.matched, billable))
        return hits[:limit]


@lru_cache(maxsize=1)
def get_index() -> SearchIndex:
    return SearchIndex(get_kb())


def lookup_code(code: str, on: date | None = None, kb: KB | None = None) -> Entry:
    kb = kb or get_kb()
    key = code.strip().upper()
    if key in kb.codes:
        entry = kb.entry_on(key, on) if on else kb.codes[key]
        found = Entry(entry.code, entry.system.value, entry.title, cpt=entry)
        found.desk = desk.cpt_panel(kb, entry, on)
        return found
    if icd10.is_valid(key):
        dotted = icd10.dotted(key)
        billable = icd10.is_billable(key)
        info = {"description": icd10.describe(key), "billable": billable, **icd10.notes(key)}
        note = None if billable else "Not billable: a category or header; code to a leaf below it."
        found = Entry(dotted, "ICD-10-CM", info["description"], icd=info, note=note)
        found.desk = desk.icd_panel(key, on)
        return found
    raise UnknownCodeError.make(
        "E002", code=code, release=kb.version, suggestions=close_codes(kb, key)
    )


def close_codes(kb: KB, key: str, limit: int = 5) -> str:
    """Real codes of the same system close to a mistyped one: KB CPT/HCPCS codes for a
    CPT-shaped key, ICD-10-CM codes under the nearest existing category for an ICD-shaped one."""
    if ICD_RE.match(key) and not key[:1].isdigit():
        norm = icd10.normalize(key)
        for size in (len(norm), 5, 4, 3, 2):
            near = icd10.codes_starting(norm[:size])
            if near:
                return ", ".join(near[:limit])
        return "none"
    pool = [c for c in kb.codes if c[-1].isalpha() == key[4:5].isalpha()] or list(kb.codes)
    pool.sort(key=lambda c: (-_shared_prefix(c, key), abs(_number(c) - _number(key))))
    return ", ".join(pool[:limit]) or "none"


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _number(code: str) -> int:
    digits = "".join(ch for ch in code[:5] if ch.isdigit())
    return int(digits) if digits else 0


def _code_in(query: str, kb: KB) -> str | None:
    """A real code inside a question ("what is 20982", "C79.51 excludes")."""
    for token in re.findall(r"[A-Za-z0-9.]+", query):
        if (CPT_RE.match(token) and token.upper() in kb.codes) or (
            ICD_RE.match(token) and not token[:1].isdigit() and icd10.is_valid(token)
        ):
            return token
    return None


def lookup(query: str, *, on: date | None = None, limit: int = 10) -> Entry | list[Hit]:
    """A code ('20982', 'C79.51', 'c7951') gives its Entry; words give ranked Hits; a
    code-shaped query that is no code is an UnknownCodeError naming close codes."""
    if not query or not query.strip():
        raise InputError.make("E005")
    if CPT_RE.match(query) or ICD_RE.match(query) or CODE_SHAPED.match(query):
        return lookup_code(query, on)
    inside = _code_in(query, get_kb())
    if inside and len(WORD_RE.findall(query.lower())) <= 4:
        return lookup_code(inside, on)
    return get_index().search(query, limit=limit, on=on)
