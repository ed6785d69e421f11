"""Needle biopsy of a bone the references do not classify: the sacrum is coded as deep (20225,
MIRA-20225: depth is anatomic) with its guidance, and a coder is asked to confirm the depth."""

from __future__ import annotations

from datetime import date

from case2code.engine import Coder
from case2code.model import Note

SACRAL_BIOPSY = (
    "A 54-year-old man with a lytic lesion of the sacrum. Under fluoroscopic guidance an "
    "11-gauge bone biopsy needle was advanced into the sacral lesion and three core needle "
    "biopsies were obtained. No complications."
)


def test_a_sacral_core_needle_biopsy_is_the_deep_bone_code_with_fluoroscopy():
    r = Coder().code(Note(SACRAL_BIOPSY, "sacral-bx", date(2025, 6, 2)))
    lines = [(c.code, c.units, c.modifiers) for c in r.cpt]
    assert lines == [("20225", 1, []), ("77002", 1, ["26"])]
    assert [e.text for e in r.cpt[1].evidence] == ["fluoroscopic guidance", "biopsies"]
    assert "20220" not in {c.code for c in r.cpt}
    assert any(f.rule == "advisory.biopsy-sacrum-depth" for f in r.findings)
    assert r.review.route == "review"
