"""nlp/conditions.py link_indication: the condition a cardiac ablation treats, which chooses its
code (93653, 93654, 93656), read from its site or from the arrhythmia the note names most."""

from __future__ import annotations

import pytest

from case2code.nlp import read_facts

CASES = [
    (  # the site settles it: a pulmonary vein isolation treats AF, the CTI line flutter
        "Persistent atrial fibrillation and typical atrial flutter. Procedure: pulmonary vein "
        "isolation and cavotricuspid isthmus ablation.",
        ["atrial_fibrillation", "atrial_flutter"],
    ),
    (  # no site: the arrhythmia named most often (AF three times, SVT once)
        "Atrial fibrillation ablation report. RF catheter ablation for SVT (AF). AF was no longer "
        "inducible. AF burden before: 30%.",
        ["atrial_fibrillation"],
    ),
    (  # a tie with no site: blank, so no code guesses the arrhythmia
        "61-year-old man with atrial fibrillation and ventricular tachycardia. Radiofrequency "
        "catheter ablation was performed.",
        [None],
    ),
    (  # one arrhythmia named
        "Catheter ablation of AV nodal reentrant tachycardia: slow pathway ablation.",
        ["other_supraventricular_tachycardia"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=["site", "most", "tie", "one"])
def test_link_indication_reads_the_arrhythmia_a_cardiac_ablation_treats(text, expected):
    _, facts = read_facts(text)
    heart = [p for p in facts.procedures if p.organ == "heart"]
    assert [p.indication for p in heart] == expected
