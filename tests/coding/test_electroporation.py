"""Irreversible electroporation (IRE): its Category III codes by approach, for any organ, in
place of the organ's unlisted code (a Category III code is used whenever it describes the
service), with imaging guidance part of the code."""

from __future__ import annotations

from datetime import date

import pytest

from case2code.engine import Coder
from case2code.model import Note

PERCUTANEOUS_LIVER = (
    "PROCEDURE: CT-guided percutaneous irreversible electroporation of a hepatocellular "
    "carcinoma.\n"
    "HISTORY: 64-year-old man with a 2.5 cm hepatocellular carcinoma in segment 8 abutting the "
    "right hepatic vein, not suitable for thermal ablation.\n"
    "TECHNIQUE: Under general anesthesia with cardiac synchronization, four electrodes were "
    "placed around the tumor under CT guidance and 90 pulses were delivered per electrode pair."
)
OPEN_PANCREAS = (
    "OPERATIVE NOTE\n"
    "58-year-old woman with locally advanced adenocarcinoma of the pancreatic head encasing the "
    "superior mesenteric artery. At laparotomy the tumor was found unresectable. Open "
    "irreversible electroporation of the tumor was performed with intraoperative ultrasound "
    "guidance; five electrodes were placed and pulses delivered without arrhythmia."
)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _lines(r):
    return [(c.code, c.units, c.modifiers) for c in r.cpt]


def test_percutaneous_ire_of_the_liver_is_0600t_not_the_liver_unlisted_code(coder):
    r = coder.code(Note(PERCUTANEOUS_LIVER, "ire-liver", date(2025, 6, 2)))
    assert _lines(r) == [("0600T", 1, [])]
    assert r.cpt[0].evidence[0].text == "irreversible electroporation"
    assert [d.code for d in r.icd10] == ["C22.0"]
    assert {n.code for n in r.not_reported} >= {"77013"}  # CT guidance is part of 0600T
    assert not any(c.code == "47399" for c in r.cpt)


def test_open_ire_of_a_pancreatic_cancer_is_0601t_not_the_pancreas_unlisted_code(coder):
    r = coder.code(Note(OPEN_PANCREAS, "ire-pancreas", date(2025, 6, 2)))
    assert _lines(r) == [("0601T", 1, [])]
    assert r.cpt[0].evidence[0].text == "irreversible electroporation"
    assert [d.code for d in r.icd10] == ["C25.0"]
    assert "76940" in {n.code for n in r.not_reported}  # intraoperative ultrasound included
    coverage = [f for f in r.findings if f.kind == "coverage"]
    assert coverage and "Category III" in coverage[0].message
