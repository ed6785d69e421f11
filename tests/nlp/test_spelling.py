"""British spellings read as the lexicon's US ones (properties.yaml `spelling_variants`).

Case reports from British, Australian or Japanese journals write 'tumours', 'oesophageal',
'anaesthesia'; the lexicon holds one spelling. The note's words and every literal are read
through the same table, so a note codes the same in either spelling and its evidence still
quotes the note's own words.
"""

from __future__ import annotations

from datetime import date

from case2code.engine import Coder
from case2code.model import Note
from case2code.nlp.lexicon import get_lexicon

BRITISH = (
    "A 60-year-old woman with breast cancer developed two metastatic liver tumours. Under "
    "general anaesthesia she underwent percutaneous microwave coagulation of both tumours "
    "with ultrasound guidance."
)


def _code(text: str):
    return Coder().code(Note(text=text, id="t", date_of_service=date(2025, 6, 2)))


def test_a_note_in_british_spelling_codes_like_the_us_one():
    us = _code(BRITISH.replace("tumours", "tumors").replace("anaesthesia", "anesthesia"))
    gb = _code(BRITISH)
    lines = [(c.code, c.units, c.modifiers) for c in gb.cpt]
    assert lines == [(c.code, c.units, c.modifiers) for c in us.cpt]
    assert lines == [("47382", 1, []), ("76940", 1, ["26"])]
    assert [d.code for d in gb.icd10] == [d.code for d in us.icd10] == ["C78.7", "C50.919"]


def test_evidence_quotes_the_notes_own_spelling():
    r = _code(BRITISH)
    quoted = [e.text for p in r.facts.procedures for e in p.evidence]
    assert any("tumours" in q for q in quoted) or any(
        "tumours" in e.text for d in r.icd10 for e in d.evidence
    )
    assert not any("tumors" in q for q in quoted)


def test_every_variant_is_a_single_word_to_a_single_word():
    """Token counts and offsets never change: a variant maps one word to one word."""
    for gb, us in get_lexicon().props.spelling_variants.items():
        assert gb.isalpha() and us.isalpha() and gb != us, (gb, us)
