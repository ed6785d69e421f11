"""A visit with no procedure lists first the reason it states (IV.G, guidelines.yaml
sequence.reason_for_encounter): the diagnosis named first under its diagnosis headings (admission
diagnosis, reason for consultation, impression), the others in the order stated there."""

from __future__ import annotations

import pytest
from dx_helpers import codes, run

from case2code.engine import Coder


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


ADMISSION = (
    "ADMISSION DIAGNOSIS:  Adenocarcinoma of the prostate.\n\n"
    "HISTORY:  The patient is a 71-year-old male whose PSA rose from 4.2 to 10.5. Transrectal "
    "biopsy showed Gleason 3+4 adenocarcinoma in the left base.\n\n"
    "MEDICAL HISTORY:  Atrial fibrillation.\n\n"
    "MEDICATIONS:  Coumadin and lisinopril.\n\n"
    "IMPRESSION:\n1.  Adenocarcinoma of the prostate.\n2.  Atrial fibrillation.\n\n"
    "PLAN:  We discussed radiation and radical prostatectomy; he wishes to proceed with surgery."
)


def test_an_admission_history_lists_its_admission_diagnosis_first(coder):
    result = run(coder, ADMISSION)
    assert result.cpt == []
    assert codes(result) == ["C61", "I48.91"]


def test_the_order_of_the_impression_decides_when_it_lists_the_arrhythmia_first(coder):
    text = ADMISSION.replace(
        "ADMISSION DIAGNOSIS:  Adenocarcinoma of the prostate.\n\n", ""
    ).replace(
        "1.  Adenocarcinoma of the prostate.\n2.  Atrial fibrillation.",
        "1.  Atrial fibrillation.\n2.  Adenocarcinoma of the prostate.",
    )
    assert codes(run(coder, text)) == ["I48.91", "C61"]
