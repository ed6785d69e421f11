"""nlp/complications.py: a complication word is read as a complication of care only when its
sentence ties it to a procedure (I.B.16), keeping the procedure's words as its second evidence."""

from __future__ import annotations

import pytest

from case2code.nlp import read_facts


def _complications(text: str) -> list[tuple[str, str, list[str]]]:
    _, facts = read_facts(text)
    return [
        (c.detail, c.assertion, [e.text for e in c.evidence])
        for c in facts.conditions
        if c.kind == "complication"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the link between the two, complication first
            "Bleeding after the biopsy required coil embolization.",
            [("hemorrhage", "present", ["Bleeding", "biopsy"])],
        ),
        (  # the link between the two, procedure first
            "We report a case of RFA followed by intractable pneumothorax.",
            [("pneumothorax", "present", ["pneumothorax", "RFA"])],
        ),
        (  # 'post' joined to the procedure word
            "A post-biopsy hematoma of the right kidney was seen.",
            [("hematoma", "present", ["hematoma", "biopsy"])],
        ),
        (  # 'post-ablation', a stop phrase of no procedure, is the link itself
            "A post-ablation hematoma of the right kidney was seen.",
            [("hematoma", "present", ["hematoma", "post-ablation"])],
        ),
        (  # a word that is the link itself
            "CT showed a postprocedural pneumothorax.",
            [("pneumothorax", "present", ["pneumothorax", "postprocedural"])],
        ),
        (  # the zone the ablation left
            "CT shows a 5 cm liver abscess at the ablation site.",
            [("infection", "present", ["liver abscess", "ablation site"])],
        ),
    ],
)
def test_a_complication_is_read_when_its_sentence_ties_it_to_a_procedure(text, expected):
    assert _complications(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Minimal bleeding after the biopsy stopped with compression.",  # expected, minor
        "The abscess nearly resolved after percutaneous drainage.",  # the link names a relief
        "A pneumothorax developed and a chest tube was placed.",  # timing alone
        "The main risk of bleeding after the biopsy was discussed.",  # a risk talked about
        "Bleeding was seen in the right hepatic artery on angiography.",  # no procedure tied
        "Gelfoam was injected to prevent bleeding after the biopsy.",  # a step to prevent it
    ],
)
def test_no_complication_is_read_without_a_documented_cause(text):
    assert _complications(text) == []


def test_a_negated_complication_keeps_its_negation():
    assert _complications("There was no pneumothorax after the ablation.") == [
        ("pneumothorax", "negated", ["pneumothorax", "ablation"])
    ]
