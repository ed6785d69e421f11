"""Thyroid nodule ablation by energy and date (kb/data/thyroid.yaml) and the open thyroid surgery
the KB does not cover: laser ablation of a benign nodule is Category III 0673T from 2022 (imaging
included); microwave has no code of its own (60699); a thyroidectomy with no ablation coded is an
uncovered procedure for a coder (review.yaml quiet_uncoded), never the unlisted code."""

from __future__ import annotations

from datetime import date

import pytest
from line_helpers import code_named, lines, not_reported, reasons

from case2code.engine import Coder
from case2code.model import Note

NOTES = {
    "laser_benign": (
        "PROCEDURE: Ultrasound-guided percutaneous laser ablation of a right thyroid "
        "nodule.\n"
        "HISTORY: 45-year-old woman with a 3.2 cm benign solid nodule of the right "
        "thyroid lobe (two benign fine needle aspirations) causing compressive "
        "symptoms; she declined thyroidectomy.\n"
        "TECHNIQUE: After local anesthesia, under ultrasound guidance two laser fibers "
        "were placed into the right lobe nodule and 1800 J was delivered per fiber.\n"
        "IMPRESSION: Laser ablation of a benign right thyroid nodule without "
        "complication."
    ),
    "microwave_benign": (
        "PROCEDURE: Ultrasound-guided percutaneous microwave ablation of a right "
        "thyroid nodule.\n"
        "HISTORY: 45-year-old woman with a 3.2 cm benign solid nodule of the right "
        "thyroid lobe (two benign fine needle aspirations) causing compressive "
        "symptoms.\n"
        "TECHNIQUE: After local anesthesia, under ultrasound guidance a microwave "
        "antenna was placed into the right lobe nodule and ablation was performed with "
        "the moving-shot technique at 30 W.\n"
        "IMPRESSION: Microwave ablation of a benign right thyroid nodule without "
        "complication."
    ),
    "thyroidectomy": (
        "OPERATIVE NOTE\n"
        "PREOPERATIVE DIAGNOSIS: Papillary thyroid carcinoma with central neck nodes.\n"
        "PROCEDURE: Total thyroidectomy with central compartment lymph node "
        "dissection.\n"
        "HISTORY: 63-year-old woman with papillary thyroid carcinoma of both lobes and "
        "suspicious central neck nodes.\n"
        "TECHNIQUE: Under general anesthesia a transverse cervical incision was made. "
        "Both recurrent laryngeal nerves were identified and preserved. A total "
        "thyroidectomy was performed and the central compartment lymph nodes were "
        "dissected. Frozen section was negative.\n"
        "IMPRESSION: Total thyroidectomy and central neck dissection."
    ),
    "rfa_lobectomy_offered": (
        "PROCEDURE: Ultrasound-guided radiofrequency ablation of a right thyroid "
        "nodule.\n"
        "HISTORY: 52-year-old woman with a 4 cm benign nodule of the right thyroid lobe "
        "(two benign fine needle aspirations). She was offered a right thyroid "
        "lobectomy or radiofrequency ablation and chose ablation.\n"
        "TECHNIQUE: Under ultrasound guidance an 18-gauge internally cooled electrode "
        "was inserted by the trans-isthmic approach and the nodule was ablated with the "
        "moving-shot technique at 50 W.\n"
        "IMPRESSION: Radiofrequency ablation of a benign right thyroid nodule."
    ),
}


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def test_laser_ablation_of_a_benign_thyroid_nodule_is_0673T_with_guidance_included(coder):
    r = code_named(coder, NOTES, "laser_benign")
    assert lines(r) == [("0673T", 1, [])]
    assert [e.text for e in r.cpt[0].evidence] == ["laser ablation", "Laser ablation"]
    assert not_reported(r) == [
        ("10021", "assertion.historical"),
        ("76940", "bundle.guidance.0673T"),
        ("76942", "bundle.guidance.0673T"),
    ]
    assert [d.code for d in r.icd10] == ["E04.1"]
    assert r.review.route == "auto"


def test_laser_ablation_before_2022_has_no_code_of_its_own_and_is_60699(coder):
    note = Note(text=NOTES["laser_benign"], id="laser_2021", date_of_service=date(2021, 6, 1))
    r = coder.code(note)
    assert lines(r) == [("60699", 1, [])]
    assert reasons(r) == ["route.unlisted_code"]


def test_microwave_ablation_of_a_benign_thyroid_nodule_stays_60699(coder):
    """0673T names laser and 60660 radiofrequency: microwave has no thyroid code."""
    r = code_named(coder, NOTES, "microwave_benign")
    assert lines(r) == [("60699", 1, [])]
    assert reasons(r) == ["route.unlisted_code"]


def test_total_thyroidectomy_with_a_neck_dissection_goes_to_a_coder(coder):
    """An open thyroid surgery with no ablation coded is never 60699 or 60660. Since cov8 a total
    thyroidectomy is 60240 (thyroid.yaml); the central neck dissection named beside it makes it
    60252 for a coder (the component's not-reported line and review finding), and the title's
    'total thyroidectomy with central compartment lymph node dissection' has no code of its own
    (uncovered), so the note goes to a coder."""
    r = code_named(coder, NOTES, "thyroidectomy")
    assert lines(r) == [("60240", 1, [])]
    assert ("60252", "bundle.component.60240") in not_reported(r)
    assert not {c.code for c in r.cpt} & {"60699", "60660", "60661"}
    assert reasons(r) == ["route.contested_rule", "route.uncovered_procedure"]


def test_lobectomy_offered_beside_a_thyroid_rfa_stays_quiet(coder):
    """A surgery named as the alternative of today's ablation is no procedure of the encounter."""
    r = code_named(coder, NOTES, "rfa_lobectomy_offered")
    assert lines(r) == [("60660", 1, [])]
    assert not any(f.rule == "scope.resection" for f in r.findings)
    assert r.review.route == "auto"
