"""Chronic conditions a visit note lists (IV.J): chronic atrial fibrillation by its type,
hypertension with heart failure as hypertensive heart disease (I.C.9.a.1: the link is presumed,
I11.0 first and the heart failure's type after it), and lipid disorders by their index terms."""

from __future__ import annotations

import pytest
from dx_helpers import codes, evidence, run

from case2code.engine import Coder


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


AF_VISIT = (
    "REASON FOR VISIT:  Routine return appointment for this 71-year-old woman with chronic atrial "
    "fibrillation.\n"
    "ASSESSMENT:\n"
    "1.  Chronic atrial fibrillation, rate controlled.\n"
    "2.  Congestive heart failure, compensated.\n"
    "3.  Hypertension.\n"
    "4.  Hyperlipidemia.\n"
    "5.  Type 2 diabetes mellitus.\n"
    "PLAN:  Continue metoprolol. No procedure today."
)


def test_a_visit_for_chronic_af_with_heart_failure_and_hypertension(coder):
    result = run(coder, AF_VISIT)
    assert result.cpt == []
    assert codes(result) == ["I48.20", "I11.0", "I50.9", "E78.5", "E11.9"]
    assert "Hypertension" in evidence(result, "I11.0")
    assert "I10" not in codes(result)


def test_hypertension_without_heart_failure_stays_essential_hypertension(coder):
    text = AF_VISIT.replace("2.  Congestive heart failure, compensated.\n", "")
    assert codes(run(coder, text)) == ["I48.20", "I10", "E78.5", "E11.9"]


def test_high_cholesterol_beside_a_kidney_cancer_is_pure_hypercholesterolemia(coder):
    text = (
        "A 66-year-old man with biopsy-proven renal cell carcinoma of the left kidney, 2.5 cm, "
        "and high cholesterol. Procedure: CT-guided percutaneous cryoablation of the left renal "
        "tumor."
    )
    result = run(coder, text)
    assert [c.code for c in result.cpt] == ["50593", "77013"]
    assert codes(result) == ["C64.2", "E78.00"]
