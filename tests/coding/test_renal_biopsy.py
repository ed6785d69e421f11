"""A percutaneous kidney biopsy (50200) with the guidance the KB's one source calls bundled: the
code with its side, the mass as its finding while cancer 'cannot be excluded', and a coder asked
to confirm the guidance (the blind coders of rtq report it separately)."""

from __future__ import annotations

from datetime import date

from case2code.engine import Coder
from case2code.model import Note

CT_RENAL_BIOPSY = (
    "HISTORY:  Left renal mass.\n"
    "IMPRESSION:  Solitary apparently enhancing left renal mass in the lower pole. Renal cell "
    "carcinoma cannot be excluded.\n"
    "CT-GUIDED NEEDLE BIOPSY, LEFT KIDNEY MASS:  The patient was placed in the decubitus "
    "position. Local anesthesia was achieved with 8 mL of 1% lidocaine. Utilizing an 18 x 15 "
    "gauge coaxial system, 3 core biopsies were obtained through the mass in question, and sent "
    "to pathology for analysis. The patient tolerated the procedure without complications."
)


def test_ct_guided_renal_mass_biopsy_is_50200_on_its_side_with_the_mass_as_finding():
    r = Coder().code(Note(CT_RENAL_BIOPSY, "renal-bx", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("50200", 1, ["LT"])]
    assert [d.code for d in r.icd10] == ["N28.89"]
    advisory = [f for f in r.findings if f.rule == "advisory.renal-biopsy-guidance-contested"]
    assert advisory and advisory[0].kind == "review"
    assert r.review.route == "review"
    assert any(x.rule == "route.contested_rule" for x in r.review.reasons)
