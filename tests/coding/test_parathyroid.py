"""A parathyroid adenoma ablated: the parathyroid is an endocrine gland with no ablation code of
its own (60660/60661 name thyroid nodules), so the endocrine unlisted code 60699; the adenoma is
the Neoplasm Table's benign parathyroid code D35.1 and the hyperparathyroidism it causes follows it
(D35: use additional code to identify any functional activity)."""

from __future__ import annotations

import pytest
from line_helpers import code_named, lines, reasons

from case2code.engine import Coder

NOTES = {
    "adenoma_rfa": (
        "PROCEDURE: Ultrasound-guided radiofrequency ablation of a right inferior parathyroid "
        "adenoma.\n"
        "HISTORY: 74-year-old woman with primary hyperparathyroidism (calcium 11.8 mg/dL, PTH 210 "
        "pg/mL) from a 14 mm right inferior parathyroid adenoma on sestamibi scan; she declined "
        "parathyroidectomy.\n"
        "TECHNIQUE: After local anesthesia and hydrodissection, an 18-gauge RF electrode was "
        "advanced into the adenoma under ultrasound guidance and the lesion was ablated with the "
        "moving-shot technique until it was hyperechoic. No voice change."
    ),
    "microwave_unspecified_type": (
        "A 66-year-old man with hyperparathyroidism and a 10 mm left superior parathyroid adenoma "
        "underwent ultrasound-guided percutaneous microwave ablation of the parathyroid adenoma. "
        "He tolerated the procedure well; calcium was normal the next morning."
    ),
    "secondary_on_dialysis": (
        "A 58-year-old man on hemodialysis with secondary hyperparathyroidism and an enlarged "
        "right parathyroid gland underwent ultrasound-guided radiofrequency ablation of the "
        "parathyroid gland. He tolerated the procedure well."
    ),
}


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def test_a_parathyroid_adenoma_ablated_is_60699_with_d35_1_then_e21_0(coder):
    r = code_named(coder, NOTES, "adenoma_rfa")
    assert lines(r) == [("60699", 1, [])]
    assert [e.text for e in r.cpt[0].evidence] == ["radiofrequency ablation", "ablated"]
    assert [d.code for d in r.icd10] == ["D35.1", "E21.0"]
    assert [e.text for e in r.icd10[1].evidence] == ["primary hyperparathyroidism"]
    assert "60660" not in [c for c, *_ in lines(r)]
    # the adenoma and its hormone excess are one condition of one gland, not a conflict
    assert reasons(r) == ["route.unlisted_code"]


def test_hyperparathyroidism_of_no_named_type_is_the_unspecified_code(coder):
    r = code_named(coder, NOTES, "microwave_unspecified_type")
    assert lines(r) == [("60699", 1, [])]
    assert [d.code for d in r.icd10] == ["D35.1", "E21.3"]


def test_secondary_hyperparathyroidism_is_left_to_a_coder(coder):
    """E21.1 or, of renal origin, N25.81: the cause decides, so no hyperparathyroidism code is
    guessed and the route says the diagnosis is not coded."""
    r = code_named(coder, NOTES, "secondary_on_dialysis")
    assert lines(r) == [("60699", 1, [])]
    assert not {"E21.0", "E21.3"} & {d.code for d in r.icd10}
    assert "route.diagnosis_uncoded" in reasons(r)
