"""Nerve ablations of a joint the KB has no nerve code for (the shoulder's suprascapular nerve, the
hip's articular branches): no genicular, sacroiliac or facet code is borrowed for them (nerve.yaml
`require`), the procedure is a finding for a coder, and the joint's osteoarthritis is coded as
that joint's (M19.01-, M16.-), not the knee's M17."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.engine import Coder
from case2code.model import Note

SUPRASCAPULAR = (
    "PROCEDURE: Fluoroscopy-guided radiofrequency ablation of the right suprascapular nerve.\n"
    "INDICATION: 79-year-old woman with right glenohumeral osteoarthritis; a diagnostic "
    "suprascapular nerve block gave complete relief.\n"
    "TECHNIQUE: A 20-gauge RF needle was placed in the suprascapular notch under fluoroscopy. "
    "Sensory stimulation reproduced her pain and motor testing was negative. A lesion was made at "
    "80 degrees C for 90 seconds. She tolerated the procedure well."
)
HIP_BRANCHES = (
    "PROCEDURE: Radiofrequency ablation of the articular branches of the left obturator and "
    "femoral nerves under fluoroscopy.\n"
    "DIAGNOSIS: Osteoarthritis of the left hip, not a surgical candidate.\n"
    "TECHNIQUE: Two RF cannulas were placed at the obturator and femoral articular branches; after "
    "sensory and motor testing, lesions were made at 80 degrees C for 90 seconds each."
)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _code(coder: Coder, text: str):
    return coder.code(Note(text, "nerve-site", date(2025, 5, 6)))


def test_a_suprascapular_nerve_ablation_borrows_no_sacroiliac_code(coder):
    r = _code(coder, SUPRASCAPULAR)
    assert r.cpt == []
    assert r.review.route == "review"
    assert "route.uncovered_procedure" in [x.rule for x in r.review.reasons]
    assert [d.code for d in r.icd10] == ["M19.011"]
    assert [e.text for e in r.icd10[0].evidence] == ["right glenohumeral osteoarthritis"]


def test_hip_osteoarthritis_behind_a_hip_nerve_ablation_is_the_hips(coder):
    r = _code(coder, HIP_BRANCHES)
    assert r.cpt == []
    assert [d.code for d in r.icd10] == ["M16.12"]
    assert [e.text for e in r.icd10[0].evidence] == ["Osteoarthritis of the left hip"]
