"""Vascular embolization in an ablation encounter (kb/data/embolization.yaml): the immediate cause
for treatment decides the code (BPS-EMBO-2014), read from the embolization's own sentence
(nlp properties.yaml sentence_indications): a bleeding vessel, pseudoaneurysm or extravasation is
37244, a tumor's supply 37243. Both go to a coder for their catheter and angiography codes."""

from __future__ import annotations

import pytest
from line_helpers import code_named, lines, not_reported, reasons

from case2code.engine import Coder

NOTES = {
    "hemorrhage_after_ablation": (
        "PROCEDURE: Emergency transarterial embolization of the right hepatic artery.\n"
        "HISTORY: 61-year-old man with hepatocellular carcinoma of segment 6 treated "
        "with CT-guided radiofrequency ablation two days ago, now hypotensive with "
        "hemoperitoneum on CT.\n"
        "TECHNIQUE: Right common femoral artery access. Celiac and selective right "
        "hepatic angiography showed active extravasation from a segment 6 branch. The "
        "bleeding branch was embolized with microcoils until stasis.\n"
        "IMPRESSION: Hepatic arterial hemorrhage controlled by coil embolization."
    ),
    "tumor_before_cryoablation": (
        "PROCEDURE: Transarterial bland embolization of a right iliac bone metastasis "
        "before cryoablation.\n"
        "HISTORY: 67-year-old man with metastatic clear cell renal cell carcinoma and a "
        "painful hypervascular metastasis of the right iliac wing, scheduled for "
        "cryoablation tomorrow.\n"
        "TECHNIQUE: Right common femoral artery access. Selective angiography of the "
        "right internal iliac artery showed a hypervascular tumor blush supplied by the "
        "iliolumbar artery. To reduce the risk of bleeding during the ablation, the "
        "tumor feeders were embolized with 300-500 micron particles until stasis.\n"
        "IMPRESSION: Successful preoperative particle embolization of the iliac "
        "metastasis."
    ),
    "renal_biopsy_bleed": (
        "PROCEDURE: CT-guided percutaneous biopsy of a left renal mass, followed by "
        "coil embolization.\n"
        "HISTORY: 58-year-old woman with an incidental 3.5 cm solid left renal mass.\n"
        "TECHNIQUE: Under CT guidance an 18-gauge core needle biopsy of the left renal "
        "mass was performed and three cores were obtained. Post-biopsy CT showed active "
        "bleeding. Left renal angiography showed a pseudoaneurysm of a lower pole "
        "branch, and due to the bleeding the feeding artery was occluded by "
        "microcoils.\n"
        "IMPRESSION: Left renal mass biopsy; post-biopsy bleeding treated with coil "
        "embolization."
    ),
    "staged_renal_aml": (
        "A 66-year-old woman with a 9 cm angiomyolipoma of the left kidney had bled from it "
        "a year ago, treated by transarterial embolization at an outside hospital. This time "
        "selective transarterial embolization of the tumor with microspheres was combined, "
        "3 weeks later, with ultrasonographically guided percutaneous radiofrequency ablation "
        "of the left renal angiomyolipoma. She went home the next day."
    ),
}


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _texts(spans) -> list[str]:
    return [e.text for e in spans]


def test_bleeding_hepatic_artery_embolized_after_an_earlier_ablation_is_37244(coder):
    """The extravasation found and the 'bleeding branch' embolized name a hemorrhage in the
    embolization's own sentence: 37244, never 37243; the ablation of two days ago is history."""
    r = code_named(coder, NOTES, "hemorrhage_after_ablation")
    assert lines(r) == [("37244", 1, [])]
    assert _texts(r.cpt[0].evidence) == [
        "transarterial embolization",
        "bleeding",
        "embolized",
        "microcoils",
        "arterial hemorrhage",
        "coil embolization",
    ]
    fact = next(p for p in r.facts.procedures if p.action == "embolization")
    assert fact.indication == "hemorrhage"
    assert "indication.sentence.hemorrhage" in fact.rules
    assert not_reported(r) == [("47382", "assertion.historical")]
    assert reasons(r) == ["route.contested_rule"]
    advisory = next(f for f in r.findings if f.rule == "advisory.embolization-catheter-codes")
    assert advisory.codes == ["37244"]


def test_tumor_embolized_before_cryoablation_stays_37243_when_bleeding_is_only_a_risk(coder):
    """'To reduce the risk of bleeding' names no hemorrhage of the patient: the particles treat the
    tumor's supply, so 37243 beside the cryoablation."""
    r = code_named(coder, NOTES, "tumor_before_cryoablation")
    assert lines(r) == [("37243", 1, []), ("20983", 1, [])]
    assert _texts(r.cpt[0].evidence) == ["bland embolization", "embolized", "particle embolization"]
    fact = next(p for p in r.facts.procedures if p.action == "embolization")
    assert fact.indication is None
    assert "route.contested_rule" in reasons(r)


def test_renal_biopsy_bleed_occluded_by_microcoils_is_50200_and_37244(coder):
    """'Due to the bleeding the feeding artery was occluded by microcoils': coil occlusion is an
    embolization, and its sentence names the bleed and the pseudoaneurysm."""
    r = code_named(coder, NOTES, "renal_biopsy_bleed")
    assert lines(r) == [("50200", 1, ["LT"]), ("37244", 1, [])]
    assert _texts(r.cpt[1].evidence) == [
        "coil embolization",
        "pseudoaneurysm",
        "bleeding",
        "microcoils",
        "bleeding",
        "coil embolization",
    ]
    assert not_reported(r) == [("77012", "bundle.guidance.50200")]
    assert r.review.route == "review"


def test_the_guided_ablation_weeks_after_an_embolization_does_not_make_the_embolization_today(
    coder,
):
    """'Embolization ... combined, 3 weeks later, with ultrasonographically guided RFA': the
    imaging is written before the RFA and is the RFA's, so it does not make the embolization
    done; the embolization dated at an outside hospital dates this one too. The angiomyolipoma
    (D17.71) supports the renal ablation, whose ultrasound guidance is reported separately
    (76940-26)."""
    r = code_named(coder, NOTES, "staged_renal_aml")
    assert lines(r) == [("50592", 1, ["LT"]), ("76940", 1, ["26"])]
    assert _texts(r.cpt[1].evidence) == ["ultrasonographically guided", "radiofrequency ablation"]
    assert [d.code for d in r.icd10] == ["D17.71"]
    assert not [f for f in r.findings if f.rule.startswith("dx_support")]
