"""A percutaneous kidney biopsy (50200) with the guidance the KB's one source calls bundled: the
code with its side, the mass as its finding while cancer 'cannot be excluded', and a coder asked
to confirm the guidance (the blind coders of rtq report it separately). A biopsy tract plugged
through the biopsy sheath is part of the biopsy (lexicon stop.phrases), no 37244."""

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
    assert [e.text for e in r.cpt[0].evidence] == ["LEFT", "NEEDLE BIOPSY", "core biopsies"]
    assert [d.code for d in r.icd10] == ["N28.89"]
    advisory = [f for f in r.findings if f.rule == "advisory.renal-biopsy-guidance-contested"]
    assert advisory and advisory[0].kind == "review"
    assert r.review.route == "review"
    assert any(x.rule == "route.contested_rule" for x in r.review.reasons)

TRACT_PLUG = (
    "EXAM:  CT-guided biopsy of right renal mass, and embolization of biopsy tract with gelfoam.\n"
    "PROCEDURE:  A 60-year-old woman with a solid indeterminate mass of the inferior pole of the "
    "right kidney. An 18-gauge co-axial needle was directed into the right renal mass under CT "
    "guidance and two biopsy specimens were obtained. Following the biopsy there was active "
    "bleeding through the stylet; pledgets of Gelfoam were placed through the co-axial sheath and "
    "the bleeding stopped.\n"
    "CONCLUSION:  Percutaneous biopsy of the right renal mass; active bleeding through the biopsy "
    "needle stopped by tract embolization with Gelfoam pledgets."
)


def test_gelfoam_through_the_biopsy_sheath_is_part_of_the_renal_biopsy():
    r = Coder().code(Note(TRACT_PLUG, "tract", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("50200", 1, ["RT"])]
    assert "37244" not in {c.code for c in r.cpt}
    assert [d.code for d in r.icd10] == ["N28.89"]
