"""Image-guided catheter drainage of a fluid collection (kb/data/drainage.yaml: 10030, 49405,
49406, 49407), the commonest companion of an ablation encounter: the abscess or hematoma of an
ablation zone drained with a catheter left in place, on realistic notes. Each asserts the exact
lines, units, modifiers, evidence and the route."""

from __future__ import annotations

from datetime import date

import pytest
from line_helpers import code_named, lines, reasons

from case2code.engine import Coder
from case2code.model import Note

NOTES = {
    "liver_abscess": (
        "PROCEDURE: CT-guided percutaneous drainage of a liver abscess.\n"
        "HISTORY: 66-year-old man who underwent microwave ablation of a segment 7 "
        "liver metastasis of colon cancer two weeks ago, now with fever and a 6 cm "
        "gas-containing collection in the ablation zone.\n"
        "TECHNIQUE: Under CT guidance an 18-gauge needle was advanced into the segment "
        "7 collection and 20 mL of pus was aspirated and sent for culture. Over a wire "
        "a 10 French locking pigtail drainage catheter was placed into the abscess and "
        "left to gravity drainage.\n"
        "IMPRESSION: Successful CT-guided drainage of a hepatic abscess at the ablation "
        "site; catheter left in place."
    ),
    "renal_cryo_hematoma": (
        "PROCEDURE: CT-guided percutaneous cryoablation of a left renal mass with "
        "drainage of a perinephric hematoma.\n"
        "HISTORY: 71-year-old woman with a 3.1 cm biopsy-proven clear cell renal cell "
        "carcinoma of the left kidney.\n"
        "TECHNIQUE: Prone. Under CT guidance three cryoprobes were placed in the left "
        "renal tumor and two 10-minute freeze cycles with a passive thaw were "
        "performed. Post-ablation CT showed an enlarging perinephric hematoma; under CT "
        "guidance a 10 French drainage catheter was placed into the perinephric "
        "hematoma and left to drain.\n"
        "IMPRESSION: Left renal cryoablation; perinephric hematoma drained with a "
        "catheter left in place."
    ),
    "transrectal": (
        "PROCEDURE: Transrectal drainage of a pelvic abscess under ultrasound "
        "guidance.\n"
        "HISTORY: 58-year-old man, ten days after a sigmoid resection, with fever and a "
        "5 cm pelvic abscess in the rectovesical space on CT.\n"
        "TECHNIQUE: With a transrectal ultrasound probe the collection was targeted; a "
        "10 French transrectal drainage catheter was placed into the pelvic abscess "
        "over a wire, 60 mL of pus was aspirated and the catheter was left to gravity "
        "drainage.\n"
        "IMPRESSION: Transrectal drainage of a pelvic abscess, catheter left in place."
    ),
    "abdominal_wall": (
        "PROCEDURE: Ultrasound-guided drainage of an abdominal wall abscess.\n"
        "HISTORY: 49-year-old woman with a 4 cm rectus sheath abscess two weeks after "
        "an umbilical hernia repair.\n"
        "TECHNIQUE: Under ultrasound guidance an 8 French drainage catheter was placed "
        "into the abdominal wall abscess; 25 mL of pus was aspirated and the catheter "
        "was secured to a drainage bag.\n"
        "IMPRESSION: Abdominal wall abscess drained with a catheter left in place."
    ),
    "two_perihepatic": (
        "PROCEDURE: CT-guided drainage of two perihepatic abscesses.\n"
        "HISTORY: 63-year-old man, three weeks after radiofrequency ablation of a "
        "hepatocellular carcinoma, with two separate perihepatic abscesses (subphrenic "
        "and subhepatic) on CT.\n"
        "TECHNIQUE: Under CT guidance a 10 French drainage catheter was placed into the "
        "subphrenic abscess and a second 8 French drainage catheter into the subhepatic "
        "abscess; both were left to gravity drainage.\n"
        "IMPRESSION: Two perihepatic abscesses, each drained with its own catheter."
    ),
    "followup": (
        "HISTORY: 70-year-old woman seen in clinic two weeks after percutaneous "
        "drainage of a liver abscess.\n"
        "ASSESSMENT: The abscess has resolved. Plan: repeat CT in one month."
    ),
}


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def test_liver_abscess_drained_after_an_earlier_ablation_is_49405_alone(coder):
    """Visceral collection through the skin: 49405 with its imaging included; the ablation of two
    weeks ago is history. The abscess at the ablation site is an infection following that
    procedure (T81.43XA, first: the encounter is for it) with the liver abscess beside it
    (K75.0), which supports 49405; the colon primary of no stated site goes to a coder."""
    r = code_named(coder, NOTES, "liver_abscess")
    assert lines(r) == [("49405", 1, [])]
    line = r.cpt[0]
    assert line.evidence[0].text == "CT-guided percutaneous drainage"
    assert [(n.code, n.rule) for n in r.not_reported] == [("47382", "assertion.historical")]
    assert not any(c.code in {"77012", "77013", "76942"} for c in r.cpt)
    assert [d.code for d in r.icd10] == ["T81.43XA", "K75.0", "C78.7", "C18.9"]
    assert [e.text for e in r.icd10[0].evidence] == ["hepatic abscess", "ablation site"]
    assert "dx_support.49405" not in {f.rule for f in r.findings}
    assert reasons(r) == ["route.unspecified_diagnosis"]


def test_perinephric_hematoma_drained_in_the_cryoablation_session_is_49406_and_reviewed(coder):
    """A collection around the kidney is retroperitoneal (49406), not in the organ (49405); a
    drainage in the session of the ablation goes to review (the same-day rule is not sourced)."""
    r = code_named(coder, NOTES, "renal_cryo_hematoma")
    assert lines(r) == [("49406", 1, []), ("50593", 1, ["LT"]), ("77013", 1, ["26"])]
    drain = next(c for c in r.cpt if c.code == "49406")
    assert drain.evidence[0].text == "drainage catheter"
    companion = next(f for f in r.findings if f.rule == "review.drainage_with_needle_procedure")
    assert companion.kind == "review" and "49406" in companion.message
    assert "50593" in companion.message
    assert r.review.route == "review"
    assert "route.contested_rule" in reasons(r)


def test_transrectal_drainage_of_a_pelvic_abscess_is_49407(coder):
    r = code_named(coder, NOTES, "transrectal")
    assert lines(r) == [("49407", 1, [])]
    assert r.cpt[0].evidence[0].text == "Transrectal drainage"
    fact = next(f for f in r.facts.procedures if f.action == "drainage")
    assert (fact.organ, fact.approach, fact.sites) == ("peritoneum", "transrectal", ["peritoneal"])
    assert r.review.route == "review"


def test_abdominal_wall_abscess_drained_under_ultrasound_is_10030(coder):
    r = code_named(coder, NOTES, "abdominal_wall")
    assert lines(r) == [("10030", 1, [])]
    assert r.cpt[0].evidence[0].text == "Ultrasound-guided drainage"
    assert not any(c.code == "76942" for c in r.cpt)


def test_two_perihepatic_abscesses_each_with_its_own_catheter_are_two_units_of_49406(coder):
    """One unit per collection drained with a separate catheter; perihepatic and subphrenic
    collections lie outside the liver, so 49406, not 49405."""
    r = code_named(coder, NOTES, "two_perihepatic")
    assert lines(r) == [("49406", 2, [])]
    assert r.cpt[0].evidence[0].text == "CT-guided drainage"
    ablation = next(f for f in r.facts.procedures if f.action == "ablation")
    assert ablation.assertion == "historical"


def test_a_drainage_done_at_an_earlier_visit_is_not_coded(coder):
    """'Two weeks after percutaneous drainage': no catheter word and an earlier visit: no line."""
    r = code_named(coder, NOTES, "followup")
    assert r.cpt == []
    assert r.review.route == "review"
    assert reasons(r) == ["route.no_procedure"]


def test_a_drainage_with_no_catheter_word_is_left_to_a_coder(coder):
    """'percutaneous drainage' alone does not say whether a catheter was left (drainage) or not
    (aspiration): no code is chosen, the finding names it and the route says so."""
    text = (
        "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a segment 8 liver "
        "metastasis.\n"
        "HISTORY: 59-year-old man with colon adenocarcinoma.\n"
        "TECHNIQUE: Under CT guidance an RF electrode was placed in the segment 8 lesion and a "
        "12-minute ablation was performed. A small perihepatic fluid collection was treated by "
        "percutaneous drainage.\n"
        "COMPLICATIONS: None."
    )
    r = coder.code(Note(text=text, id="bare", date_of_service=date(2025, 6, 2)))
    assert lines(r) == [("47382", 1, []), ("77013", 1, ["26"])]
    uncovered = next(f for f in r.findings if f.kind == "out_of_scope")
    assert uncovered.evidence[0].text == "percutaneous drainage"
    assert "route.uncovered_procedure" in reasons(r)


RENAL_CRYO_NEPHROSTOMY = (
    "PROCEDURE: CT-guided percutaneous cryoablation of a right renal mass.\n"
    "HISTORY: 70-year-old man with a 2.6 cm biopsy-proven clear cell renal cell carcinoma of the "
    "right kidney.\n"
    "TECHNIQUE: Under CT guidance three cryoprobes were placed and two 10-minute freeze cycles "
    "were performed. Because of a collecting system injury an 8 French nephrostomy drainage "
    "catheter was placed into the right kidney."
)
LUNG_MWA_CHEST_TUBE = (
    "PROCEDURE: CT-guided microwave ablation of a right lower lobe lung metastasis.\n"
    "HISTORY: 66-year-old woman with sigmoid colon adenocarcinoma and a single right lower lobe "
    "metastasis.\n"
    "TECHNIQUE: Under CT guidance a microwave antenna was placed and ablation was performed at "
    "80 W for 8 minutes. A pneumothorax developed and a chest drainage tube was placed."
)


def test_a_nephrostomy_drainage_catheter_is_not_a_collection_drainage(coder):
    """A nephrostomy drains the collecting system: never 49405; it has codes of its own that the
    KB lacks, so it is an uncovered procedure a coder codes."""
    r = coder.code(Note(RENAL_CRYO_NEPHROSTOMY, "nephrostomy", date(2025, 6, 2)))
    assert lines(r) == [("50593", 1, ["RT"]), ("77013", 1, ["26"])]
    uncovered = next(f for f in r.findings if f.rule == "scope.nephrostomy")
    assert uncovered.evidence[0].text == "nephrostomy drainage catheter"
    assert reasons(r) == ["route.uncovered_procedure"]


def test_a_chest_drainage_tube_for_a_pneumothorax_is_a_chest_tube_not_49405(coder):
    r = coder.code(Note(LUNG_MWA_CHEST_TUBE, "chest-tube", date(2025, 6, 2)))
    assert [c.code for c in r.cpt] == ["32998", "32551"]
    assert next(c for c in r.cpt if c.code == "32551").evidence[0].text == "chest drainage tube"
    assert r.review.route == "review"
