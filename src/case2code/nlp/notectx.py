"""One note's lexicon matches and cues, indexed by sentence and section, with note-level views.

Built once per note so that every attribute lookup of the extractors is a list scan over one
sentence or section, never a rescan of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from functools import cached_property, lru_cache
from typing import TypeVar

from .context import Assertion, assert_mention
from .lexicon import Cue, Lexicon, Mention
from .patterns import ValueMatch
from .reader import Document, section_rules
from .schema import TargetType

NEGATED = frozenset({"negated"})
HISTORICAL = frozenset({"historical"})
PRESENT = ("present", None)  # the assertion of a condition no cue governs
T = TypeVar("T")


def mode(values: Iterable[T]) -> T:
    """The most frequent of the values, the first seen among equals: what
    `Counter(values).most_common(1)[0][0]` returns, without building a Counter (the extractors
    ask several times per note). `values` must not be empty."""
    counts: dict = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.__getitem__)


class NoteContext:
    def __init__(self, doc: Document, lexicon: Lexicon):
        self.doc = doc
        self.lexicon = lexicon
        spelling = lexicon.props.spelling_variants  # 'tumours' is read as 'tumors'
        self.words = [spelling.get(w, w) for w in (t.lower for t in doc.tokens)]
        scan = lexicon.scan(doc, self.words)
        self.mentions, self.cues, self.values = scan.mentions, scan.cues, scan.values
        self.note_cue_spans = scan.note_spans
        self.props = lexicon.props
        self._starts = [t.start for t in doc.tokens]
        self._ends = [t.end for t in doc.tokens]
        n = len(doc.sentences)
        self._sent_mentions: list[list[Mention]] = [[] for _ in range(n)]
        self._sent_cues: list[list[Cue]] = [[] for _ in range(n)]
        self._pos = {id(m): i for i, m in enumerate(self.mentions)}
        self._sent_of: dict[int, int] = {}
        self._by_section: dict[str, list[Mention]] = {}
        self._asserted: dict[int, tuple[str, str | None]] = {}
        self._note_values: dict[str, object] = {}
        sentence_of = doc.sent_of_token.__getitem__ if doc.sent_of_token else doc.sentence_of
        for m in self.mentions:
            sent = sentence_of(m.tok_start)
            self._sent_of[id(m)] = sent
            self._sent_mentions[sent].append(m)
            self._by_section.setdefault(doc.sentences[sent].section, []).append(m)
        for c in self.cues:
            self._sent_cues[sentence_of(c.tok_start)].append(c)
        # value matches by kind, for the note and per sentence, in text order
        self._kind_values: dict[str, list[ValueMatch]] = {}
        self._sent_kind_values: dict[tuple[int, str], list[ValueMatch]] = {}
        for v in self.values:
            kind = v.rule.kind.value
            self._kind_values.setdefault(kind, []).append(v)
            key = (sentence_of(v.tok_start), kind)
            self._sent_kind_values.setdefault(key, []).append(v)
        self._memo: dict[object, object] = {}
        self._assert_conditions()

    def _assert_conditions(self) -> None:
        """Every mention's condition assertion, sentence by sentence: a sentence's cues are
        filtered once for all its mentions, and a sentence without cues asserts nothing. Almost
        every note needs them all (the note-level values read only affirmed mentions)."""
        for sent, mentions in enumerate(self._sent_mentions):
            cues = [c for c in self._sent_cues[sent] if not c.rule.dates_event]
            for m in mentions:
                self._asserted[id(m)] = self._assert_condition(m, cues) if cues else PRESENT

    def values_of(self, kind: str, sents=None) -> list[ValueMatch]:
        """Value-rule matches of one kind (count, level, minutes) in these sentences, or in the
        whole note when `sents` is None."""
        if sents is None:
            return list(self._kind_values.get(kind, ()))
        return [v for i in sents for v in self._sent_kind_values.get((i, kind), ())]

    def once(self, key: object, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked in this note, the same answer after: for
        what an extractor reads of the whole note once per mention (a rescan per mention made
        a long note's cost grow with its square)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    def section_value(self, section: str, key: str):
        """The most frequent value of `key` among the section's mentions that are not actions
        and not negated (another procedure's own value is its own), or None."""
        return self.once(("section_value", section, key), lambda: self._section_value(section, key))

    def _section_value(self, section: str, key: str):
        values = [
            m.get(key)
            for m in self.section_mentions(section)
            if m.get(key) and not m.get("action") and not self.is_negated(m)
        ]
        return mode(values) if values else None

    def levels(self, sents=None) -> list[str]:
        """Spinal levels named in these sentences (or the note), in order, each once."""
        if sents is None:
            return list(self.once("levels", lambda: self._levels(None)))
        return self._levels(sents)

    def _levels(self, sents) -> list[str]:
        return list(dict.fromkeys(lv for v in self.values_of("level", sents) for lv in v.value))

    def joints(self, sents=None) -> int | None:
        """Facet joints named as adjacent level pairs ('L4-L5', 'L5-S1'); None if none."""
        pairs = {
            tuple(v.value)
            for v in self.values_of("level", sents)
            if v.rule.read == "level_pairs" and self._adjacent(v.value)
        }
        return len(pairs) or None

    def _adjacent(self, levels: list[str]) -> bool:
        if len(levels) != 2:
            return False
        (r1, n1), (r2, n2) = ((lv[0], int(lv[1:])) for lv in levels)
        return (r1 == r2 and n2 == n1 + 1) or list(levels) in map(list, self.props.level_junctions)

    def sent_mentions(self, i: int) -> list[Mention]:
        return self._sent_mentions[i]

    def sent_cues(self, i: int) -> list[Cue]:
        return self._sent_cues[i]

    def sentence_text(self, i: int) -> str:
        s = self.doc.sentences[i]
        return self.doc.text[s.start : s.end]

    def sentence_index(self, m: Mention) -> int:
        sent = self._sent_of.get(id(m))
        return self.doc.sentence_of(m.tok_start) if sent is None else sent

    def section_of(self, m: Mention) -> str:
        sent = self._sent_of.get(id(m))
        if sent is None:
            sent = self.doc.sentence_of(m.tok_start)
        return self.doc.sentences[sent].section

    def section_mentions(self, section: str) -> list[Mention]:
        if section in ("body",):
            return []
        return self._by_section.get(section, [])

    @cached_property
    def is_encounter(self) -> bool:
        """The note documents an encounter, not a procedure in general: it has a section of
        the procedure itself, or its signs of one patient and of things done ('67-year-old',
        'the patient', 'was inserted', 'tolerated') outnumber its general statements ('is
        typically performed', 'most patients', 'treatment option')."""
        if self.has_done_section:
            return True
        general = sum(c.rule.general for c in self.cues)
        patient = len(self.note_cue_spans["patient"]) + len(self.values_of("age"))
        done = len(self.values_of("done")) + sum(c.category == "performed" for c in self.cues)
        return patient + done > general

    @cached_property
    def is_review_request(self) -> bool:
        """Words of a utilization review ('medically necessary', 'prior authorization') in a note
        that is no operative record: a note with a section only a record of a session has
        (properties.yaml record_sections: complications, blood loss, specimens) documents that
        session, whatever it says of medical necessity ('Bone biopsy (medically necessary)')."""
        if not self.note_cue_spans["review_request"]:
            return False
        return not self.sections_named & set(self.props.record_sections)

    @cached_property
    def has_done_section(self) -> bool:
        """A section whose procedures are done by default (PROCEDURE, TECHNIQUE ...)."""
        defaults = section_rules().defaults
        return any(defaults.get(s) == "performed" for s in self.sections_named)

    @cached_property
    def sections_named(self) -> frozenset[str]:
        """The sections the note's sentences fall in, read once for the note-level tests."""
        return frozenset(s.section for s in self.doc.sentences)

    def side_field(self) -> str | None:
        """The side a report form's field names ('Laterality: Right'), when there is one."""
        return self.once("side_field", self._side_field)

    def _side_field(self) -> str | None:
        sides = {m.get("laterality") for m in self.mentions if m.get("side_field")}
        return sides.pop() if len(sides) == 1 else None

    def note_side(self, organ: str | None) -> str | None:
        """The one side the whole note names, for a paired site whose own words name none
        ("right hip pain ... lesion near the lesser trochanter"): side words alone or with
        that organ; two sides, or a side of another organ only ('left shoulder' in a nerve
        note), give none."""
        own_only = self.props.organ(organ).side_from_own_words
        if own_only and any(
            m.get("indication") in self.props.sideless_indications
            and m.get("organ") in (None, organ)
            for m in self.mentions
        ):
            return None  # a transplanted kidney sits where no side word of the note puts it
        sides = {
            m.get("laterality")
            for m in self.mentions
            if m.get("laterality")
            and m.get("organ") in (None, organ)
            and not m.get("action")
            and not self.is_negated(m)
            and not self._side_of_other_organ(m, organ)
            and (not own_only or m.get("organ") == organ or self._side_of(m, organ))
        }
        return sides.pop() if len(sides) == 1 and "bilateral" not in sides else None

    def _place_after(self, side: Mention) -> Mention | None:
        """The mention written right after a side word (at most one word between): the place
        whose side it is ('left renal mass', 'left shoulder')."""
        nxt = self._next_mention(side)
        return nxt if nxt is not None and nxt.tok_start - side.tok_end <= 1 else None

    def _side_of(self, side: Mention, organ: str | None) -> bool:
        """A side word written just before a place of this organ ('left renal mass')."""
        place = self._place_after(side)
        return place is not None and place.get("organ") == organ

    def _side_of_other_organ(self, side: Mention, organ: str | None) -> bool:
        """A side word written just before a place of another organ is that place's side."""
        place = self._place_after(side)
        return (
            side.get("organ") is None
            and place is not None
            and place.get("organ") not in (None, organ)
        )

    def stop_spans(self) -> list[tuple[int, int]]:
        """Stop cues ('was terminated', 'discontinued') in sentences that speak of a procedure:
        'chemotherapy was discontinued' stops no ablation, 'ablation terminated the
        tachycardia' is the arrhythmia ending (note cue `arrhythmia_ended`), and 'discontinued
        treatment with an antiarrhythmic agent' a medicine stopped (`medicine_stopped`)."""
        return list(self.once("stop_spans", self._stop_spans))

    def _stop_spans(self) -> list[tuple[int, int]]:
        spans = self.note_cue_spans
        words = {self.doc.sentence_of(self.token_at(a)) for a, _ in spans["procedure_word"]}
        ended = spans["arrhythmia_ended"] + spans["medicine_stopped"]  # not stops (see above)
        out = []
        for a, b in spans["aborted"]:
            if any(x < b and a < y for x, y in ended):
                continue
            i = self.doc.sentence_of(self.token_at(a))
            if i in words or any(m.get("action") for m in self._sent_mentions[i]):
                out.append((a, b))
        return out

    def may_match(self, rx: re.Pattern, text: str) -> bool:
        """False only when the whole-note cue pattern `rx` cannot match (one Hyperscan pass
        per note answers for all of them: nlp/prefilter.py)."""
        pre = self.lexicon.prefilter
        return pre is None or pre.may_match(rx.pattern, text)

    def pattern_spans(self, name: str) -> list[tuple[int, int]]:
        """Spans of a whole-note cue's literals and patterns, in text order (patterns are read
        only for the cues a rule asks about)."""
        return list(self.once(("pattern_spans", name), lambda: self._pattern_spans(name)))

    def _pattern_spans(self, name: str) -> list[tuple[int, int]]:
        found = list(self.note_cue_spans.get(name, ()))
        text, may = self.doc.text, self.may_match
        for rx in self.lexicon.patterns.get(name, ()):
            if may(rx, text):
                found += [m.span() for m in rx.finditer(text)]
        return sorted(found)

    def is_question(self, sent: int) -> bool:
        """A sentence that asks ('Can radiofrequency ablation treat ...?', 'Bronchial
        thermoplasty - what is that?!') documents nothing."""
        return self.sentence_text(sent).rstrip().rstrip("!").endswith("?")

    def token_at(self, char: int) -> int:
        """The first token starting at or after a character offset (binary search)."""
        i = bisect_left(self._starts, char)
        return min(i, max(len(self._starts) - 1, 0))

    def names_its_doing(self, m: Mention, sent: int) -> bool:
        """A procedure named in the past tense ('the lesion was cryoablated') or with the imaging
        that guided it ('CT-guided RFA of the left ilium') is one that was done. Imaging written
        right before another procedure is that one's ('embolization, combined 20 days later with
        ultrasonographically guided RFA' documents the RFA's imaging, not the embolization's)."""
        if m.get("past"):
            return True
        return any(
            g.get("guidance") and not self.is_negated(g) and self.owner_of(g, sent) in (None, m)
            for g in self._sent_mentions[sent]
        )

    def owner_of(self, word: Mention, sent: int) -> Mention | None:
        """The procedure a word of approach or imaging is written right before ('hysteroscopic
        ablation', 'CT-guided RFA'): that word is the procedure's own, not its sentence's. None
        for a procedure word itself or a word written apart from any procedure."""
        if word.get("action"):
            return None
        return next(
            (
                o
                for o in self._sent_mentions[sent]
                if o.get("action") and 0 <= o.tok_start - word.tok_end <= 1
            ),
            None,
        )

    def section_default(self, section: str) -> str:
        return section_rules().defaults.get(section, "performed")

    def span(self, m: Mention | Cue) -> tuple[int, int, str]:
        return m.start, m.end, self.doc.text[m.start : m.end]

    def condition_assertion(self, m: Mention) -> tuple[str, str | None]:
        """Dates and 'years ago' date a treatment, not the disease: they do not make a
        condition historical; 'history of', 'prior', 's/p' do. The note's own mentions are
        asserted once, when the context is built; a mention made on the fly is asserted here."""
        hit = self._asserted.get(id(m))
        if hit is not None:
            return hit
        sent = self.sentence_index(m)
        return self._assert_condition(
            m, [c for c in self._sent_cues[sent] if not c.rule.dates_event]
        )

    def _assert_condition(self, m: Mention, cues: list[Cue]) -> tuple[str, str | None]:
        if not cues:
            return PRESENT
        found = assert_mention(
            m.tok_start, m.tok_end, cues, TargetType.condition, breaks=self.doc.breaks
        )
        return (found.value, found.cue.rule.id) if found else PRESENT

    def is_negated(self, m: Mention) -> bool:
        hit = self._asserted.get(id(m))  # the note's own mentions: no call to ask
        return (hit or self.condition_assertion(m))[0] == "negated"

    def names_origin(self, m: Mention) -> bool:
        """'consistent with a breast primary', 'from a renal primary', 'a metastasis from the
        HCC to the shoulder blade': the origin, not a site (after 'from', only in a sentence of
        a tumor)."""
        after = self.words[m.tok_end : m.tok_end + 1]
        before = self.words[max(m.tok_start - 3, 0) : m.tok_start]
        while m.get("histology") and before and before[-1] in self.props.origin_gap_words:
            before = before[:-1]  # a tumor named after 'from the' is an origin; an organ may be
            # a landmark ('1.2 cm from the descending colon')
        nxt = self.doc.tokens[m.tok_end].start if m.tok_end < len(self.doc.tokens) else m.end
        joined = not self.doc.text[m.end : nxt].strip()  # "liver, primary unknown" is not
        if joined and after and after[0] in self.props.origin_after:
            return True
        return bool(before) and before[-1] in self.props.origin_before and self._told_as_origin(m)

    def _told_as_origin(self, m: Mention) -> bool:
        """'from' names an origin when what follows it is a tumor or its sentence speaks of a
        metastasis; 'the specimen was removed from breast' names a place."""
        if m.get("histology") or m.get("neoplasm"):
            return True
        sent = self.sent_mentions(self.doc.sentence_of(m.tok_start))
        return any(o.get("neoplasm") in ("secondary", "malignant") for o in sent)

    def is_origin(self, m: Mention) -> bool:
        """'fracture from metastatic hepatocellular carcinoma': a histology named as where a
        metastasis came from, not the organ treated."""
        prev = self._prev_mention(m)
        if prev and prev.get("neoplasm") == "secondary" and m.tok_start - prev.tok_end <= 1:
            return True
        if self._spreads(m):
            return True
        return m.tok_start > 0 and self.words[m.tok_start - 1] in self.props.origin_before

    def _spreads(self, m: Mention) -> bool:
        """'hepatocellular carcinoma metastatic to the adrenal gland': the words after the
        histology say it spread from there to the place named next."""
        spread = _word_tuples(self.props.origin_spread)
        return any(tuple(self.words[m.tok_end : m.tok_end + len(p)]) == p for p in spread)

    def is_primary_usage(self, m: Mention) -> bool:
        """'breast' in 'breast cancer': an adjective of the primary, not an ablation target."""
        if not m.get("primary_site"):
            return False
        if self.names_origin(m):
            return True
        nxt = self._next_mention(m)
        if nxt and nxt.tok_start - m.tok_end <= 1 and nxt.get("neoplasm") == "malignant":
            return not self._metastatic_lesions(m, nxt)
        if nxt is not None and self._origin_of_metastasis(m, nxt):
            return True
        prev = self._prev_mention(m)
        if prev is not None and prev.get("laterality") and not prev.get("organ"):
            prev = self._prev_mention(prev)  # "carcinoma of the left breast"
        gap = self.words[prev.tok_end : m.tok_start] if prev is not None else []
        return bool(
            prev
            and prev.get("histology")
            and len(gap) <= 4
            and gap[:1] in (["of"], ["in"], ["arising"])
        )

    def _origin_of_metastasis(self, m: Mention, nxt: Mention) -> bool:
        """'colorectal liver metastasis', 'colorectal metastases': a primary-site word that is no
        metastasis site itself, written right before the metastasis (or its site and then the
        metastasis word), names where it came from; 'liver metastases' names where it is."""
        if m.get("secondary_site") or nxt.tok_start != m.tok_end:
            return False
        if nxt.get("neoplasm") == "secondary":
            return True
        after = self._next_mention(nxt) if nxt.get("secondary_site") else None
        return bool(
            after is not None
            and after.tok_start == nxt.tok_end
            and after.get("neoplasm") == "secondary"
        )

    def _metastatic_lesions(self, m: Mention, nxt: Mention) -> bool:
        """'metastatic liver tumours': lesions of the organ called metastatic are metastases in
        it, where 'metastatic breast cancer' is a breast primary that has spread."""
        prev = self._prev_mention(m)
        return bool(
            self.words[nxt.tok_end - 1] in self.props.lesion_words
            and prev is not None
            and prev.get("neoplasm") == "secondary"
            and m.tok_start - prev.tok_end <= 1
        )

    def _next_mention(self, m: Mention) -> Mention | None:
        i = self._pos[id(m)]
        return self.mentions[i + 1] if i + 1 < len(self.mentions) else None

    def _prev_mention(self, m: Mention) -> Mention | None:
        i = self._pos[id(m)]
        return self.mentions[i - 1] if i > 0 else None

    def active_mentions(self) -> list[Mention]:
        """Mentions outside history, plan and indication sections, not negated."""
        return self._active

    @cached_property
    def _active(self) -> list[Mention]:
        return [
            m
            for m in self.mentions
            if self.section_of(m) not in self.props.quiet_sections and not self.is_negated(m)
        ]

    def note_value(self, key: str):
        if key not in self._note_values:
            self._note_values[key] = self._note_value(key)
        return self._note_values[key]

    def _note_value(self, key: str):
        """The most frequent value of the note's active mentions, leaving out, for the keys of
        `dated_own_values`, the own words of an earlier procedure ('open cryoablation for right
        RCC 7 years ago' lends no approach to today's cryoablation)."""
        own = key in self.props.dated_own_values
        values = [
            m.get(key)
            for m in self.active_mentions()
            if m.get(key) and not (own and self.is_dated(m))
        ]
        if not values:
            values = [
                m.get(key)
                for m in self.mentions
                if m.get(key) and not self.is_negated(m) and not (own and self.is_dated(m))
            ]
        return mode(values) if values else None

    def is_title(self, sent: int) -> bool:
        """The note's first line when it is not a sentence (no closing full stop): a title."""
        return sent == 0 and not self.sentence_text(sent).rstrip().endswith(".")

    def is_dated(self, m: Mention) -> bool:
        """An action mention a historical cue governs: an earlier procedure's own words."""
        return bool(m.get("action")) and self.procedure_assertion(m, HISTORICAL) is not None

    def procedure_assertion(self, m: Mention, only: frozenset[str]) -> Assertion | None:
        """The cue of the categories `only` that governs `m`, read as a procedure, in its
        sentence: the one question several readings ask (dated, untreated, done before)."""
        return assert_mention(
            m.tok_start,
            m.tok_end,
            self._sent_cues[self.sentence_index(m)],
            TargetType.procedure,
            breaks=self.doc.breaks,
            only=only,
        )

    def note_target(self) -> Mention | None:
        """The likeliest treated site: a specific site near a lesion word, else any target."""
        return self._note_target

    @cached_property
    def _note_target(self) -> Mention | None:
        cands = [
            m
            for m in self.mentions
            if m.get("organ")
            and not self.is_primary_usage(m)
            and not self.is_negated(m)
            and not m.get("action")
        ]
        lesion_sents = {
            self.doc.sentence_of(m.tok_start)
            for m in self.mentions
            if m.get("neoplasm") or m.get("indication") or m.get("action")
        }
        near = [m for m in cands if self.doc.sentence_of(m.tok_start) in lesion_sents]
        active = [m for m in near if self.section_of(m) not in self.props.quiet_sections]
        for pool in (active, near, cands):
            specific = sorted(
                (m for m in pool if m.get("site")),
                key=lambda m: self.props.site(m.get("site")).region_only,
            )  # a named bone first
            if specific:
                return specific[0]
            if pool:
                return pool[0]
        return None

    def affirmed(self, name: str) -> list[tuple[int, int]]:
        """Spans of a whole-note cue that no negation governs ('no frozen section was sent')."""
        out = []
        for a, b in self.note_cue_spans[name]:
            i = self.token_at(a)
            j = max(bisect_left(self._ends, b), i) + 1
            sent = self.doc.sentence_of(i)
            found = assert_mention(
                i,
                j,
                self._sent_cues[sent],
                TargetType.condition,
                breaks=self.doc.breaks,
                only=NEGATED,
            )
            if found is None:
                out.append((a, b))
        return out

    def sentence_has(self, name: str, sent: int) -> bool:
        """Whether a span of the whole-note cue `name` starts inside the sentence."""
        return sent in self.once(("sentence_has", name), lambda: self._sentences_with(name))

    def _sentences_with(self, name: str) -> set[int]:
        """The sentences a span of `name` starts in (sentences are sorted and disjoint, so the
        one that can hold an offset is the last one starting at or before it)."""
        sents = self.doc.sentences
        starts = [s.start for s in sents]
        out = set()
        for a, _ in self.note_cue_spans[name]:
            k = bisect_right(starts, a) - 1
            if k >= 0 and a < sents[k].end:
                out.add(k)
        return out


@lru_cache(maxsize=16)
def _word_tuples(phrases: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """Phrases of the reading properties as word tuples, split once per lexicon (the properties
    do not change while the process runs), not once per note."""
    return frozenset(tuple(p.split()) for p in phrases)
