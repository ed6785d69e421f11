"""A biopsy tract plugged through the biopsy sheath is part of the biopsy (lexicon stop.phrases):
no transcatheter embolization line (37244) beside the kidney biopsy."""

from __future__ import annotations

from datetime import date

from case2code.engine import Coder
from case2code.model import Note

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
