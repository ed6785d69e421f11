"""Laparoscopic ablation of endometriosis (58662), a look-alike of tumor ablation: the implants are
on the pelvic peritoneum (lexicon tgt.endometriosis), the pelvis seen through the laparoscope is
no pelvic bone (stop.pelvis_at_laparoscopy), and a liver edge inspected is no liver target."""

from __future__ import annotations

from datetime import date

from case2code.engine import Coder
from case2code.model import Note

LAPAROSCOPY = (
    "PROCEDURE:  Laparoscopy with ablation of endometriosis.\n"
    "DIAGNOSIS:  Endometriosis.\n"
    "FINDINGS:  Bronze lesions of endometriosis in the cul-de-sac and on the left uterosacral "
    "ligament. Normal tubes and ovaries, normal gallbladder, smooth liver edge.\n"
    "PROCEDURE:  A Veress needle was placed subumbilically and 2 L of CO2 were insufflated. The "
    "laparoscope was inserted and the pelvis was visualized. Pelvis was inspected. The lesions of "
    "endometriosis were ablated with bipolar cautery. The patient tolerated the procedure well."
)


def test_laparoscopic_ablation_of_endometriosis_is_58662_once():
    r = Coder().code(Note(LAPAROSCOPY, "endo", date(2025, 6, 2)))
    assert [(c.code, c.units, c.modifiers) for c in r.cpt] == [("58662", 1, [])]
    assert [e.text for e in r.cpt[0].evidence] == ["ablation", "ablated"]
    assert not {"20999", "47371", "58353", "58563", "49320"} & {c.code for c in r.cpt}
    assert r.facts.procedures[0].organ == "peritoneum"
