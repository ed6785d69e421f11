"""Hypothesis properties over every surface that takes outside input: the reader, the coder,
`check` and batch lines. For arbitrary text, clinical word salad built from the lexicon's and the
cue tables' own literals, arbitrary claims and arbitrary line bytes: nothing raises but the
catalogue's InputError, every evidence span slices the note exactly, and the same input gives
the same output.

The default run draws a few dozen examples per property so the suite stays fast; the big run is
`C2C_FUZZ_BIG=1 .venv/bin/python -m pytest -m slow tests/test_fuzz.py` (3,000 each).
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from functools import cache
from importlib.resources import files

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from case2code import check_claim
from case2code.batch import code_lines
from case2code.engine import Coder
from case2code.errors import Errors, InputError
from case2code.model import Note
from case2code.nlp import read_facts

SMALL, BIG = 30, 3000
DOS = st.dates(date(2014, 1, 1), date(2030, 12, 31)).map(lambda d: d.isoformat())


@cache
def coder() -> Coder:
    return Coder()


@cache
def clinical_terms() -> list[str]:
    """Every literal the reader knows: lexicon entries, assertion cues and whole-note cues."""
    data = files("case2code.nlp") / "data"
    lex = yaml.safe_load((data / "lexicon.yaml").read_text())
    ctx = yaml.safe_load((data / "context.yaml").read_text())
    terms = [lit for entry in lex["entries"] for lit in entry["literals"]]
    terms += [lit for rule in ctx["rules"] for lit in rule["literals"]]
    terms += [lit for v in ctx.values() if isinstance(v, list) for lit in v if isinstance(lit, str)]
    return sorted(set(terms))


GLUE = st.sampled_from([" ", " ", ", ", ". ", ".\n", ":\n", " (", ") ", "; ", " - ", "\n\n", "/"])
FILLER = st.sampled_from(["the", "of", "left", "right", "L4", "2.5 cm", "x2", "3", "no", "was"])


@st.composite
def word_salad(draw) -> str:
    words = draw(st.lists(st.sampled_from(clinical_terms()) | FILLER, min_size=1, max_size=40))
    out = []
    for w in words:
        out += [draw(st.sampled_from([w, w.upper(), w.capitalize()])), draw(GLUE)]
    return "".join(out)


NOTE_TEXT = st.one_of(st.text(max_size=400), st.deferred(word_salad))


def _spans(obj, text: str) -> int:
    """Checks every {start, end, text} span inside obj slices text; returns how many."""
    if isinstance(obj, dict):
        here = {"start", "end", "text"} <= obj.keys()
        if here:
            assert text[obj["start"] : obj["end"]] == obj["text"], obj
        return here + sum(_spans(v, text) for v in obj.values())
    if isinstance(obj, list):
        return sum(_spans(v, text) for v in obj)
    return 0


def reader_property(text: str) -> None:
    doc, facts = read_facts(text)
    _spans(facts.to_dict(), text)
    assert read_facts(text)[1].to_dict() == facts.to_dict()


def coder_property(text: str, dos: str, setting: str) -> None:
    note = Note(text, "fuzz", date_of_service=date.fromisoformat(dos), setting=setting)
    try:
        first = coder().code(note).to_dict(with_facts=True)
    except InputError as exc:
        assert hasattr(Errors, exc.code)
        return
    _spans(first, text)
    assert coder().code(note).to_dict(with_facts=True) == first


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=20,
)


@st.composite
def claims(draw) -> object:
    codes = st.sampled_from(sorted(coder().kb.codes)) | st.text(max_size=8)
    line = st.fixed_dictionaries(
        {"code": codes},
        optional={
            "units": st.integers(-2, 1200) | JSON,
            "modifiers": st.lists(st.sampled_from(["RT", "LT", "50", "59", "XS", "26"])
                                  | st.text(max_size=4), max_size=5),
            "dx_pointers": st.lists(st.integers(-1, 14), max_size=5),
        },
    )
    claim = st.fixed_dictionaries(
        {"lines": st.lists(line, max_size=5)},
        optional={
            "date_of_service": DOS | JSON,
            "setting": st.sampled_from(["professional", "facility", "hospital"]),
            "diagnoses": st.lists(st.sampled_from(["C79.51", "C50.911", "C34.11", "M47.816",
                                                   "C79", "Z85.3", "X"]) | st.text(max_size=8),
                                  max_size=5),
            "extra": JSON,
        },
    )
    return draw(claim | JSON)


def check_property(claim: object) -> None:
    try:
        first = [f.to_dict() for f in check_claim(claim)]
    except InputError as exc:
        assert hasattr(Errors, exc.code)
        return
    assert [f.to_dict() for f in check_claim(claim)] == first


@st.composite
def batch_lines(draw) -> list[bytes]:
    note = st.fixed_dictionaries(
        {"id": st.text(max_size=6) | JSON, "text": NOTE_TEXT | JSON},
        optional={"date_of_service": DOS | JSON, "setting": st.sampled_from(["professional",
                  "facility", "clinic"]), "dos": JSON},
    ).map(lambda d: json.dumps(d).encode())
    line = note | st.binary(max_size=120) | JSON.map(lambda v: json.dumps(v).encode())
    return [x.replace(b"\n", b" ") for x in draw(st.lists(line, min_size=1, max_size=4))]


def batch_property(lines: list[bytes]) -> None:
    out = list(code_lines(lines, coder=coder(), source="fuzz.jsonl"))
    assert [o["line"] for o in out] == list(range(1, len(lines) + 1))
    for raw, obj in zip(lines, out, strict=True):
        if obj["error"] is not None:
            assert re.fullmatch(r"E0\d\d", obj["error"]["code"]) and obj["error"]["code"] != "E099"
            assert hasattr(Errors, obj["error"]["code"])
        else:
            _spans(obj, json.loads(raw)["text"])
    assert list(code_lines(lines, coder=coder(), source="fuzz.jsonl")) == out


PROPERTIES = {
    "reader: arbitrary text and word salad": (reader_property, (NOTE_TEXT,)),
    "coder: arbitrary text and word salad": (
        coder_property, (NOTE_TEXT, DOS, st.sampled_from(["professional", "facility"]))
    ),
    "check: arbitrary claims": (check_property, (st.deferred(claims),)),
    "batch: arbitrary lines": (batch_property, (st.deferred(batch_lines),)),
}


def _run(name: str, examples: int) -> None:
    prop, strategies = PROPERTIES[name]
    test = given(*strategies)(prop)
    settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(test)()


@pytest.mark.parametrize("name", PROPERTIES)
def test_property_holds(name):
    _run(name, SMALL)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("C2C_FUZZ_BIG"), reason="big run: set C2C_FUZZ_BIG=1")
@pytest.mark.parametrize("name", PROPERTIES)
def test_property_holds_over_a_big_run(name):
    _run(name, BIG)
