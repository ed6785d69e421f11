"""nlp/conditions.py link_indication and link_sentence_indication: the condition a procedure
treats, which chooses its code. A cardiac ablation's arrhythmia (93653, 93654, 93656) is read from
its site or from the arrhythmia the note names most; an embolization treats a bleed (37244) only
when its own sentence names one."""

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


EMBOLIZATIONS = [
    (  # the bleed named in the embolization's own sentence
        "Due to bleeding after biopsy the feeding artery of the tumor was occluded by microcoils.",
        "hemorrhage",
    ),
    (  # a bleed named in another sentence is not what the particles treat
        "Hemorrhage was controlled by manual compression. The hypervascular renal tumor was "
        "embolized with particles before cryoablation.",
        None,
    ),
    (  # a risk of bleeding is no bleed of the patient
        "To reduce the risk of bleeding during the ablation, the tumor feeders were embolized "
        "with particles.",
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), EMBOLIZATIONS, ids=["same_sentence", "other_sentence", "risk"]
)
def test_link_sentence_indication_reads_a_bleed_only_in_the_embolization_sentence(text, expected):
    _, facts = read_facts(text)
    emb = [p for p in facts.procedures if p.action == "embolization"]
    assert [p.indication for p in emb] == [expected]
