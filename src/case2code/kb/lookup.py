"""Code lookup: an entry by code number, or a ranked search by words, abbreviations and synonyms.

The word index is SQLite FTS5 ranked by bm25, built in memory once per process from the KB and
the ICD-10-CM codes its maps use (about 50 ms). Queries are expanded with the reviewed
abbreviation table (search-terms.yaml) and misspelled words are corrected against the index
vocabulary with difflib before the FTS query, so "cryoablaton rib" finds 20983.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

import yaml

from ..errors import InputError, UnknownCodeError
from . import icd10
from .loader import KB, get_kb, is_effective
from .schema import CodeEntry

CPT_RE = re.compile(r"^\s*(\d{4}[0-9TFU])\s*$", re.IGNORECASE)
ICD_RE = re.compile(r"^\s*([A-TV-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{1,4})?)\s*$", re.IGNORECASE)
WORD_RE = re.compile(r"[a-z0-9]+")


@dataclass
class Hit:
    code: str
    system: str
    title: str
    score: float
    family: str = ""
    matched: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "system": self.system,
            "title": self.title,
            "score": round(self.score, 3),
            "family": self.family,
            "matched": self.matched,
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

    def to_dict(self) -> dict:
        out = {"code": self.code, "system": self.system, "title": self.title, "note": self.note}
        if self.cpt is not None:
            out["entry"] = self.cpt.model_dump(mode="json", exclude_defaults=True)
        if self.icd is not None:
            out["icd10cm"] = self.icd
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
    def __init__(self, kb: KB):
        self.kb = kb
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(code, title, synonyms, attrs, body,"
            " system UNINDEXED, family UNINDEXED, tokenize='porter unicode61')"
        )
        rows = [
            (
                e.code,
                e.title,
                " ".join(e.synonyms),
                _select_words(e),
                _body(e),
                e.system.value,
                e.family,
            )
            for e in kb.codes.values()
        ]
        rows += [(c, icd10.describe(c), "", "", "", "ICD-10-CM", "icd10cm") for c in _map_codes(kb)]
        self.db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?)", rows)
        text = " ".join(" ".join(r[:5]) for r in rows).lower()
        self.vocab = sorted(set(WORD_RE.findall(text)))
        self.expansions = _expansions()

    def terms(self, query: str) -> list[str]:
        out: list[str] = []
        for word in WORD_RE.findall(query.lower()):
            expanded = self.expansions.get(word, word)
            for w in WORD_RE.findall(expanded):
                if w not in self.vocab and len(w) > 3:
                    close = difflib.get_close_matches(w, self.vocab, n=1, cutoff=0.8)
                    w = close[0] if close else w
                if w not in out:
                    out.append(w)
        return out

    def search(self, query: str, limit: int = 10, on: date | None = None) -> list[Hit]:
        terms = self.terms(query)
        if not terms:
            raise InputError.make("E005")
        quoted = [f'"{t}"*' if len(t) >= 4 else f'"{t}"' for t in terms]
        sql = (
            "SELECT code, system, title, family, bm25(docs, 10.0, 6.0, 5.0, 3.0, 1.0) AS s "
            "FROM docs WHERE docs MATCH ? ORDER BY s LIMIT ?"
        )
        rows = self.db.execute(sql, (" AND ".join(quoted), limit * 3)).fetchall()
        if len(rows) < limit:  # every word first, then any word
            seen = {r[0] for r in rows}
            rows += [
                r
                for r in self.db.execute(sql, (" OR ".join(quoted), limit * 3))
                if r[0] not in seen
            ]
        hits = []
        for code, system, title, family, score in rows:
            entry = self.kb.codes.get(code)
            if on and entry and not is_effective(entry, on):
                continue
            hits.append(Hit(code, system, title, -score, family, terms))
        return hits[:limit]


def _map_codes(kb: KB) -> list[str]:
    from .loader import _map_codes as pairs

    return sorted({c for _, c in pairs(kb.maps) if icd10.is_billable(c)})


@lru_cache(maxsize=1)
def _expansions() -> dict[str, str]:
    raw = yaml.safe_load(
        (resources.files("case2code.kb") / "data" / "search-terms.yaml").read_text()
    )
    return {str(k).lower(): str(v) for k, v in raw["expansions"].items()}


@lru_cache(maxsize=1)
def get_index() -> SearchIndex:
    return SearchIndex(get_kb())


def lookup_code(code: str, on: date | None = None, kb: KB | None = None) -> Entry:
    kb = kb or get_kb()
    key = code.strip().upper()
    if key in kb.codes:
        entry = kb.entry_on(key, on) if on else kb.codes[key]
        return Entry(entry.code, entry.system.value, entry.title, cpt=entry)
    if icd10.is_valid(key):
        dotted = icd10.dotted(key)
        billable = icd10.is_billable(key)
        info = {"description": icd10.describe(key), "billable": billable, **icd10.notes(key)}
        note = None if billable else "Not billable: a category or header; code to a leaf below it."
        return Entry(dotted, "ICD-10-CM", info["description"], icd=info, note=note)
    suggestions = kb.suggest(key)
    if ICD_RE.match(key):
        near = icd10.codes_starting(key[:3])[:5]
        suggestions = ", ".join(near) or suggestions
    raise UnknownCodeError.make("E002", code=code, release=kb.version, suggestions=suggestions)


def lookup(query: str, *, on: date | None = None, limit: int = 10) -> Entry | list[Hit]:
    """A code ('20982', 'C79.51', 'c7951') gives its Entry; words give ranked Hits."""
    if not query or not query.strip():
        raise InputError.make("E005")
    if CPT_RE.match(query) or ICD_RE.match(query):
        return lookup_code(query, on)
    return get_index().search(query, limit=limit, on=on)
