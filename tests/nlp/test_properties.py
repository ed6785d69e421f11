"""Properties of the note reader and the engine over arbitrary text.

For any Unicode text the reader raises nothing, every evidence span slices the note exactly, and
sentences are ordered offsets inside the text; the engine returns a Result or refuses the note
with an InputError, nothing else.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from case2code.engine import Coder
from case2code.errors import InputError
from case2code.model import Note, Result, Span
from case2code.nlp import read_facts

CLINICAL = [
    "RFA",
    "MWA",
    "cryo",
    "cryoablation",
    "radiofrequency ablation",
    "microwave",
    "right femur",
    "left rib",
    "L3 vertebral body",
    "liver",
    "lung",
    "kidney",
    "thyroid nodule",
    "metastasis",
    "metastases",
    "osteoid osteoma",
    "breast cancer",
    "myeloma",
    "no",
    "not",
    "denies",
    "history of",
    "s/p",
    "planned",
    "will undergo",
    "aborted",
    "x2",
    "3 tumors",
    "CT-guided",
    "ultrasound guidance",
    "moderate sedation",
    "25 minutes",
    "percutaneous",
    "laparoscopic",
    "PROCEDURE:",
    "IMPRESSION:",
    "HISTORY:",
    "PLAN:",
    "FINDINGS:",
    "Dr.",
    "e.g.",
    "1.",
    "-",
    "\n",
    "\n\n",
    ". ",
    ", ",
    ": ",
    " ",
    "\t",
    "(",
    ")",
    "é",
    "µ",
    "—",
    "\u00a0",
    "\u2028",
    "İ",
]

clinical_text = st.lists(
    st.one_of(st.sampled_from(CLINICAL), st.text(max_size=6), st.characters()),
    max_size=40,
).map("".join)

any_text = st.one_of(st.text(), clinical_text)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_span(text: str, span) -> None:
    if isinstance(span, Span):
        start, end, quoted = span.start, span.end, span.text
    else:  # encounter evidence is a plain dict
        start, end, quoted = span["start"], span["end"], span["text"]
    assert 0 <= start <= end <= len(text), (start, end, len(text))
    assert text[start:end] == quoted


@SETTINGS
@given(any_text)
def test_reader_never_raises_and_spans_slice_the_text(text):
    doc, facts = read_facts(text)
    for fact in facts.procedures + facts.conditions:
        for span in fact.evidence:
            _check_span(text, span)
    for span in facts.encounter.get("evidence", []) + facts.encounter.get("stay_evidence", []):
        _check_span(text, span)
    facts.to_dict()  # serialisable whatever was read


@SETTINGS
@given(any_text)
def test_sentences_are_ordered_offsets_within_the_text(text):
    doc, _ = read_facts(text)
    assert doc.text == text
    assert doc.sentences
    previous_end = 0
    for sentence in doc.sentences:
        assert 0 <= sentence.start <= sentence.end <= len(text)
        assert sentence.start >= previous_end
        assert sentence.tok_start <= sentence.tok_end <= len(doc.tokens)
        previous_end = sentence.end
    for token in doc.tokens:
        assert 0 <= token.start < token.end <= len(text)


@SETTINGS
@given(any_text)
def test_engine_returns_a_result_or_refuses_with_input_error(text):
    coder = _coder()
    try:
        result = coder.code(Note(text=text))
    except InputError as exc:
        assert exc.code == "E010"
        assert not text.strip() or "\x00" in text
        return
    assert isinstance(result, Result)
    assert text.strip() and "\x00" not in text
    for line in result.cpt:
        for span in line.evidence:
            _check_span(text, span)
    for dx in result.icd10:
        for span in dx.evidence:
            _check_span(text, span)
    result.to_dict(with_facts=True)


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=" \t\n\r\u00a0\u2028\u3000", max_size=20))
def test_engine_refuses_blank_notes(text):
    try:
        _coder().code(Note(text=text))
    except InputError as exc:
        assert exc.code == "E010"
    else:  # only text Python does not call whitespace may pass
        assert text.strip()


_CODER: list[Coder] = []


def _coder() -> Coder:
    if not _CODER:
        _CODER.append(Coder())
    return _CODER[0]
