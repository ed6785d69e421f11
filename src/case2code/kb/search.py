"""Ranked word search over everything a coder types a code for: the whole ICD-10-CM set (titles
and inclusion terms) and the KB's CPT entries (titles, synonyms, selection words, reference).

Two SQLite FTS5 tables give candidates: the ICD-10-CM one is built once per code-set release
into the user cache (about two seconds, then milliseconds to open), the KB one in memory per
process (the KB may change between runs). Candidates are then ranked by how many of the
query's concepts they satisfy, so every word of the query counts before any bm25 nuance:

- a concept is a query word or phrase with its alternatives from search-terms.yaml
  (`expansions` for abbreviations, `alternatives` for the tabular list's own wording, e.g.
  "former smoker" -> "personal history of nicotine dependence", the way the Index leads there);
- a word the index does not know is corrected to the closest indexed word (rapidfuzz), and a
  corrected concept weighs a little less than a typed one, so a misspelling cannot pull an
  unrelated code above one that matches the words as typed.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from . import icd10
from .loader import KB

WORD_RE = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    "a an and are as at by code codes cpt do does for from how i icd icd10 icd10cm in is it "
    "me of on or the to what which with".split()
)
CANDIDATES = 200
FULL_MATCHES = 1  # with no full match, the best partial ICD-10-CM matches are ranked too
ICD_DDL = (
    "CREATE VIRTUAL TABLE icd USING fts5(code, title, terms, billable UNINDEXED,"
    " tokenize='porter unicode61')"
)


@dataclass
class Concept:
    text: str
    alternatives: list[list[str]]
    corrected: bool = False
    broader: list[list[str]] = field(default_factory=list)


@dataclass
class Ranked:
    code: str
    system: str
    title: str
    score: float
    family: str = ""
    matched: list[str] = field(default_factory=list)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude shared stem for matching query words to indexed words (metastasis/metastatic,
    bone/bones, rib/ribs): the first six letters of a long word, a short word without its
    plural s."""
    if len(word) >= 7:
        return word[:6]
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


@lru_cache(maxsize=1)
def search_terms() -> dict:
    raw = _raw_terms()
    alts: dict[str, list[list[str]]] = {}
    for key, value in raw.get("expansions", {}).items():
        alts.setdefault(str(key).lower(), []).append(WORD_RE.findall(str(value).lower()))
    for key, values in (raw.get("alternatives") or {}).items():
        for v in values:
            alts.setdefault(str(key).lower(), []).append(WORD_RE.findall(str(v).lower()))
    return alts


@lru_cache(maxsize=1)
def _raw_terms() -> dict:
    return yaml.safe_load(
        (resources.files("case2code.kb") / "data" / "search-terms.yaml").read_text()
    )


def broader_terms() -> dict[str, list[list[str]]]:
    return {
        str(k).lower(): [WORD_RE.findall(str(v).lower()) for v in vs]
        for k, vs in (_raw_terms().get("broader") or {}).items()
    }


def word_list(key: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in _raw_terms().get(key) or [])


def _icd_db_path() -> Path:
    return icd10._cache_path().with_name(icd10._cache_path().stem + "-fts.sqlite")


def _open_icd() -> tuple[sqlite3.Connection, list[str]]:
    """The ICD-10-CM word index, built into the cache on first use."""
    path = _icd_db_path()
    if not path.exists():
        _build_icd(path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    vocab = [w for (w,) in db.execute("SELECT word FROM vocab")]
    return db, vocab


def _build_icd(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".building-{os.getpid()}")  # two first runs may build at once
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.execute(ICD_DDL)
    rows = icd10.search_rows()
    db.executemany("INSERT INTO icd VALUES (?,?,?,?)", ((c, t, i, int(b)) for c, t, i, b in rows))
    words = set()
    for _, title, terms, _ in rows:
        words.update(WORD_RE.findall(f"{title} {terms}".lower()))
    db.execute("CREATE TABLE vocab (word TEXT PRIMARY KEY)")
    db.executemany("INSERT INTO vocab VALUES (?)", ((w,) for w in sorted(words)))
    db.commit()
    db.close()
    tmp.replace(path)


def _kb_rows(kb: KB) -> list[tuple]:
    from .lookup import _body, _select_words

    return [
        (
            e.code,
            e.title,
            " ; ".join(e.synonyms),
            _select_words(e),
            _body(e),
            e.system.value,
            e.family,
        )
        for e in kb.codes.values()
    ]


class WordIndex:
    def __init__(self, kb: KB):
        self.kb = kb
        self.mem = sqlite3.connect(":memory:", check_same_thread=False)
        self.mem.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(code, title, synonyms, attrs, body,"
            " system UNINDEXED, family UNINDEXED, tokenize='porter unicode61')"
        )
        rows = _kb_rows(kb)
        self.mem.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?)", rows)
        self.kb_vocab = sorted({w for r in rows for w in WORD_RE.findall(" ".join(r[:5]).lower())})
        self.icd, icd_vocab = _open_icd()
        self.vocab = frozenset(self.kb_vocab) | frozenset(icd_vocab)
        self.vocab_list = sorted(self.vocab)
        self.alts = search_terms()
        self.broader = broader_terms()
        self.procedure_words = word_list("procedure_words")
        self.addon_words = word_list("addon_words")
        self._stem_cache: dict[tuple[bool, str], tuple[frozenset, frozenset]] = {}

    # ------------------------------------------------------------------ query -> concepts
    def concepts(self, query: str) -> list[Concept]:
        words = WORD_RE.findall(query.lower())
        out: list[Concept] = []
        i = 0
        while i < len(words):
            span = self._phrase_at(words, i)
            if span:
                phrase = " ".join(words[i : i + span])
                out.append(Concept(phrase, [*self.alts[phrase], words[i : i + span]]))
                i += span
                continue
            word = words[i]
            i += 1
            if word in STOPWORDS:
                continue
            out.append(self._word_concept(word))
        return out

    def _phrase_at(self, words: list[str], i: int) -> int:
        for span in (3, 2):
            if " ".join(words[i : i + span]) in self.alts and i + span <= len(words):
                return span
        return 0

    def _word_concept(self, word: str) -> Concept:
        if word in self.alts or word in self.broader:
            alts = [*self.alts.get(word, []), [word]]
            return Concept(word, alts, broader=self.broader.get(word, []))
        if word in self.vocab or len(word) < 4 or word.isdigit():
            return Concept(word, [[word]])
        fixed = self.correct(word)
        if fixed is None:
            return Concept(word, [[word]])
        alts = [*self.alts.get(fixed, []), [fixed]]
        return Concept(word, alts, corrected=True)

    def correct(self, word: str) -> str | None:
        """The closest indexed word, preferring the KB's own words on a near tie."""
        from rapidfuzz import fuzz, process  # only a misspelling pays for the import

        cutoff = 80 if len(word) >= 7 else 84
        best = process.extractOne(word, self.vocab_list, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None:
            return None
        near = process.extractOne(word, self.kb_vocab, scorer=fuzz.ratio, score_cutoff=cutoff)
        if near and near[1] >= best[1] - 4:
            return near[0]
        return best[0]

    # ------------------------------------------------------------------ search
    def search(self, query: str, limit: int = 10) -> tuple[list[Concept], list[Ranked]]:
        concepts = self.concepts(query)
        if not concepts:
            return concepts, []
        every, anyone = _fts_queries(concepts)
        full = len(self._kb_candidates(every))
        icd_rows = self._icd_candidates(every)
        if full + len(icd_rows) < FULL_MATCHES:  # few meet every concept: add best partials
            icd_rows = self._icd_candidates(anyone)
        kb_rows = self._kb_candidates(anyone)  # the KB is small: always every partial match
        typed = set(WORD_RE.findall(query.lower()))
        for c in concepts:
            typed.update(w for alt in c.alternatives for w in alt)
        kb_bonus = 0.3 if typed & self.procedure_words else -0.5
        ranked = self._score(concepts, kb_rows, kb_bonus)
        if not typed & self.addon_words:
            ranked = [_primary_first(r, self.kb) for r in ranked]
        if not typed & word_list("approach_words"):
            ranked = [_default_approach_first(r, self.kb) for r in ranked]
        ranked += self._score(concepts, icd_rows, None)
        ranked.sort(key=lambda r: -r.score)
        return concepts, ranked[:limit]

    def _kb_candidates(self, fts: str) -> list[tuple]:
        sql = (
            "SELECT code, title, synonyms, attrs || ' ' || body, system, family, "
            "bm25(docs, 10.0, 6.0, 5.0, 3.0, 1.0) FROM docs WHERE docs MATCH ? "
            "ORDER BY 7 LIMIT ?"
        )
        return self.mem.execute(sql, (fts, CANDIDATES)).fetchall()

    def _icd_candidates(self, fts: str) -> list[tuple]:
        sql = (
            "SELECT code, title, terms, '', 'ICD-10-CM', CASE billable WHEN 1 THEN 'leaf' "
            "ELSE 'category' END, bm25(icd, 2.0, 10.0, 4.0) FROM icd WHERE icd MATCH ? "
            "ORDER BY 7 LIMIT ?"
        )
        return self.icd.execute(sql, (fts, CANDIDATES)).fetchall()

    def _score(
        self, concepts: list[Concept], rows: list[tuple], kb_bonus: float | None
    ) -> list[Ranked]:
        """kb_bonus: None for ICD-10-CM rows; for KB rows, +0.3 when the query asks for a
        procedure (this KB's domain first on a tie), -0.5 when it reads as a diagnosis."""
        kb_doc = kb_bonus is not None
        stemmed = [_stemmed(c) for c in concepts]
        out = []
        for rank, (code, title, strong, weak, system, family, _bm25) in enumerate(rows):
            strong_words, weak_words = self._stems(code, kb_doc, f"{title} {strong}", weak)
            total, hits = 0.0, []
            for c, st in zip(concepts, stemmed, strict=True):
                got, alt = _satisfied(st, strong_words, weak_words)
                total += got * (0.9 if c.corrected else 1.0)
                hits += [alt] if got else []
            score = 10 * total / len(concepts)
            score += kb_bonus or 0.0
            score += 0.3 if kb_doc or family == "leaf" else 0.0  # a billable code over a header
            score += 0.5 / (1 + rank) - len(title) / 2000
            out.append(Ranked(code, system, title, score, family, hits))
        return out


    def _stems(self, code: str, kb_doc: bool, strong: str, weak: str) -> tuple[set, set]:
        """A document's stem sets, cached per code (documents do not change in a process)."""
        key = (kb_doc, code)
        found = self._stem_cache.get(key)
        if found is None:
            strong_set = frozenset(stem(w) for w in WORD_RE.findall(strong.lower()))
            weak_set = strong_set | frozenset(stem(w) for w in WORD_RE.findall(weak.lower()))
            found = self._stem_cache[key] = (strong_set, weak_set)
        return found


def _term(word: str) -> str:
    return f'"{word}"*' if len(word) >= 4 else f'"{word}"'


def _fts_queries(concepts: list[Concept]) -> tuple[str, str]:
    """(every concept met, any word met): the first is selective and fast; the second, for
    queries nothing fully meets, ranks the best partial matches."""
    groups, words = [], set()
    for c in concepts:
        phrases = []
        for alt in [*c.alternatives, *c.broader]:
            kept = [w for w in alt if w not in STOPWORDS]
            if kept:
                words.update(kept)
                phrases.append("(" + " AND ".join(_term(w) for w in kept) + ")")
        if phrases:
            groups.append("(" + " OR ".join(phrases) + ")")
    return " AND ".join(groups), " OR ".join(_term(w) for w in sorted(words))


def _primary_first(r: Ranked, kb: KB) -> Ranked:
    """An add-on is never reported alone: below its primary unless the query asks for it."""
    entry = kb.codes.get(r.code)
    if entry is not None and entry.kind.value == "addon":
        r.score -= 0.3
    return r


def _default_approach_first(r: Ranked, kb: KB) -> Ranked:
    """A query naming no approach means this desk's approach (search-terms.yaml): a code bound
    to other approaches (open, laparoscopic) yields to it on a tie."""
    entry = kb.codes.get(r.code)
    approaches = (entry.select.approach or []) if entry is not None and entry.select else []
    if approaches and _raw_terms().get("default_approach") not in approaches:
        r.score -= 0.3
    return r


def _stemmed(c: Concept) -> tuple[list, list]:
    """A concept's broader and alternative phrases as stem sets, once per query."""
    broader = [(frozenset(stem(w) for w in alt), " ".join(alt)) for alt in c.broader]
    alts = [
        (frozenset(stem(w) for w in alt if w not in STOPWORDS), " ".join(alt))
        for alt in c.alternatives
    ]
    return broader, [(words, text) for words, text in alts if words]


def _satisfied(stemmed: tuple[list, list], strong: set, weak: set) -> tuple[float, str]:
    """How well a document meets a concept (1 in its title or synonyms, 0.85 through a
    broader word, 0.6 in its other text) and the words that met it."""
    broader, alts = stemmed
    best = (0.0, "")
    for words, text in broader:
        if words <= strong:
            best = (0.85, text)
    for words, text in alts:
        if words <= strong:
            return 1.0, text
        if best[0] < 0.6 and words <= weak:
            best = (0.6, text)
    return best
