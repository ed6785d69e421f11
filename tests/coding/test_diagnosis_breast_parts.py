"""Where in the breast: a quadrant word ('inferomedial') or a clock position read by side
(properties.yaml clock_quadrants: 2 o'clock is upper inner on the right breast, upper outer on the
left; 12, 3, 6 and 9 o'clock lie on a boundary) gives the breast cancer its C50 quadrant and the
breast lump its N63 code. A mass with a diagnosis coded for that breast is the diagnosis."""

from __future__ import annotations

import pytest
from dx_helpers import codes, evidence, run

from case2code.engine import Coder


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


CONSULT = (
    "CHIEF COMPLAINT: Left breast cancer.\n"
    "HISTORY: On 12/21/2025 the patient underwent image-guided needle core biopsy of a 1.5 cm "
    "lesion at the 7 o'clock position of the left breast. The biopsy returned showing "
    "infiltrating ductal carcinoma, high histologic grade. We discussed lumpectomy with sentinel "
    "node biopsy and she wishes to proceed."
)


def test_seven_oclock_of_the_left_breast_is_its_lower_inner_quadrant(coder):
    result = run(coder, CONSULT)
    assert result.cpt == []
    assert codes(result) == ["C50.312"]
    assert "7 o'clock" in evidence(result, "C50.312")


def test_seven_oclock_of_the_right_breast_is_its_lower_outer_quadrant(coder):
    text = CONSULT.replace("Left breast", "Right breast").replace("left breast", "right breast")
    assert codes(run(coder, text)) == ["C50.511"]


def test_a_quadrant_word_wins_over_no_clock(coder):
    text = CONSULT.replace(
        "at the 7 o'clock position of the left breast", "in the inferomedial left breast"
    )
    assert codes(run(coder, text)) == ["C50.312"]


def test_twelve_oclock_lies_on_a_boundary_and_leaves_the_quadrant_to_a_coder(coder):
    result = run(coder, CONSULT.replace("7 o'clock", "12 o'clock"))
    assert codes(result) == ["C50.912"]
    assert result.review.route == "review"


def test_two_clock_positions_name_no_one_quadrant(coder):
    text = CONSULT + " A second focus was seen at the 2 o'clock position on MRI."
    assert codes(run(coder, text)) == ["C50.912"]


LUMP = (
    "PREOPERATIVE DIAGNOSIS: Left breast mass.\n"
    "HISTORY: A 51-year-old woman presented with a mass in the left breast. Mammography showed a "
    "density in the left breast at 4 o'clock, several centimeters lateral to the nipple. She was "
    "scheduled for needle localization and excisional biopsy next week."
)


def test_a_left_breast_mass_at_four_oclock_is_the_lower_outer_quadrant_lump(coder):
    result = run(coder, LUMP)
    assert codes(result) == ["N63.23"]
    assert evidence(result, "N63.23") == [
        "Left breast mass",
        "4 o'clock",
        "mass in the left breast",
    ]
    assert not any(r.rule == "route.unspecified_diagnosis" for r in result.review.reasons)


def test_a_right_breast_lump_with_no_position_is_the_unspecified_quadrant_code(coder):
    text = "HISTORY: She felt a lump in the right breast two weeks ago. Ultrasound is scheduled."
    assert codes(run(coder, text)) == ["N63.10"]


def test_a_mass_proven_fibroadenoma_is_the_fibroadenoma_alone(coder):
    text = (
        "PROCEDURE: Ultrasound-guided percutaneous cryoablation of left breast fibroadenoma.\n"
        "HISTORY: 27-year-old woman with a palpable 2.4 cm left breast mass at 2 o'clock; core "
        "biopsy showed fibroadenoma. A single cryoprobe was placed; two freeze cycles were given."
    )
    result = run(coder, text)
    assert [(c.code, c.modifiers) for c in result.cpt] == [("19105", ["LT"])]
    assert codes(result) == ["D24.2"]


def test_a_clock_written_in_words_is_read(coder):
    text = CONSULT.replace("7 o'clock", "seven o’clock")
    result = run(coder, text)
    assert codes(result) == ["C50.312"]
    assert "seven o’clock" in evidence(result, "C50.312")


def test_a_clock_of_the_other_breast_does_not_place_this_breasts_cancer(coder):
    """Only the note's one clock position, and it is named for the right breast: the left
    breast cancer keeps no quadrant."""
    text = (
        "HISTORY: A 60-year-old woman. A cyst at the 2 o'clock position of the right breast was "
        "aspirated in 2023.\n"
        "ASSESSMENT: Left breast cancer, infiltrating ductal carcinoma on core biopsy."
    )
    assert codes(run(coder, text)) == ["C50.912"]
