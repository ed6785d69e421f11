"""Diagnostic and biopsy scopes beside the bronchoscopic and EGD ablations (kb/data/
bronchoscopic.yaml 31622, 31625, 31628; kb/data/endoscopic.yaml 43235, 43239): a diagnostic
scope is coded only when no surgical scope of its family is coded in the session (companion rules
ncci.endoscopy.*), and a scope named in the work-up of another procedure is not coded. Each test
asserts the exact lines, units, modifiers and evidence on a realistic note."""

from __future__ import annotations

from datetime import date

import pytest
from line_helpers import code_named, lines, not_reported

from case2code.engine import Coder
from case2code.model import Note

NOTES = {
    "thermoplasty_biopsy": (
        "PROCEDURE: Flexible bronchoscopy with endobronchial biopsies.\n"
        "INDICATION: Severe persistent asthma, six months after bronchial thermoplasty, with "
        "persistent symptoms.\n"
        "DESCRIPTION: After topical lidocaine the flexible bronchoscope was passed through the "
        "mouth. The airways were inspected to the subsegmental level. Endobronchial biopsies were "
        "taken with forceps from the carinas of previously treated airways. No complications."
    ),
    "hemoptysis": (
        "PROCEDURE: Flexible bronchoscopy with bronchial washings.\n"
        "INDICATION: 58-year-old man with two weeks of hemoptysis and a normal chest CT.\n"
        "DESCRIPTION: After topical anesthesia the flexible bronchoscope was passed through the "
        "nose. The trachea and both bronchial trees were inspected to the subsegmental level; no "
        "endobronchial lesion or bleeding source was found. Washings of the right lower lobe were "
        "sent for cytology and culture.\n"
        "IMPRESSION: Hemoptysis, no source identified."
    ),
    "apc": (
        "PROCEDURE: Rigid bronchoscopy with argon plasma coagulation of an endobronchial tumor.\n"
        "INDICATION: 71-year-old man with squamous cell carcinoma of the right main bronchus "
        "causing obstruction.\n"
        "DESCRIPTION: Under general anesthesia a rigid bronchoscopy was performed. A tumor "
        "occluding 80% of the right main bronchus was treated with argon plasma coagulation and "
        "the debris removed; the lumen was restored."
    ),
    "tblb": (
        "PROCEDURE: Flexible bronchoscopy with transbronchial lung biopsies under fluoroscopy.\n"
        "INDICATION: 64-year-old woman with diffuse interstitial lung disease of the right lower "
        "lobe.\n"
        "DESCRIPTION: The flexible bronchoscope was passed orally. Under fluoroscopic guidance "
        "five transbronchial biopsies were taken from the right lower lobe. No pneumothorax on "
        "post-procedure fluoroscopy."
    ),
    "egd_after_rfa": (
        "Upper endoscopy\n\n"
        "Indication: Dysphagia and chest pain one week after laparoscopic radiofrequency ablation "
        "of hepatocellular carcinoma in segment 2.\n"
        "Procedure: The gastroscope was passed through the mouth to the second part of the "
        "duodenum. A perforated ulcer was seen at the esophagogastric junction. The stomach and "
        "duodenum were normal.\n"
        "Impression: Perforated esophageal ulcer at the GE junction, thermal injury after liver "
        "RFA. Conservative management."
    ),
    "egd_biopsy": (
        "PROCEDURE: EGD with biopsies.\n"
        "INDICATION: 55-year-old man with dysphagia.\n"
        "DESCRIPTION: The gastroscope was passed to the second part of the duodenum. A 3 cm "
        "segment of salmon-colored mucosa was seen in the distal esophagus. Cold forceps biopsies "
        "of the esophagus were taken in four quadrants. The stomach and duodenum were normal.\n"
        "IMPRESSION: Suspected Barrett's esophagus, biopsies pending."
    ),
    "liver_mwa_workup": (
        "Procedure: Ultrasound-guided percutaneous microwave ablation, segment 4 liver "
        "metastasis.\n"
        "68M with metastatic adenocarcinoma to the liver, primary site not identified after "
        "complete workup (CT, PET, EGD, colonoscopy). Single 2.0 cm segment 4 lesion. 14G MW "
        "antenna under US, 100 W x 5 min. Complete ablation zone on contrast US."
    ),
}


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()








def test_endobronchial_biopsy_after_thermoplasty_is_31625_with_the_look_bundled(coder):
    """The thermoplasty is history; the biopsy bronchoscopy is today's service and includes the
    diagnostic bronchoscopy (31622 not reported, by its companion rule)."""
    r = code_named(coder, NOTES, "thermoplasty_biopsy")
    assert lines(r) == [("31625", 1, [])]
    assert r.cpt[0].evidence[0].text == "endobronchial biopsies"
    assert ("31622", "ncci.endoscopy.diagnostic_bronchoscopy_in_surgical") in not_reported(r)
    assert any(
        n.code in {"31660", "31661"} and n.rule == "assertion.historical" for n in r.not_reported
    )
    assert [d.code for d in r.icd10] == ["J45.50"]


def test_a_bronchoscopy_that_only_looks_and_washes_is_31622(coder):
    """Washings sent for cytology are part of the look, not a biopsy (no 32408). The diagnosis
    reader has no hemoptysis word yet: no R04.2, so the claim goes to a coder."""
    r = code_named(coder, NOTES, "hemoptysis")
    assert lines(r) == [("31622", 1, [])]
    assert r.cpt[0].evidence[0].text == "Flexible bronchoscopy"
    assert r.not_reported == []
    assert r.review.route == "review"


def test_airway_tumor_destruction_bundles_the_diagnostic_bronchoscopy(coder):
    r = code_named(coder, NOTES, "apc")
    assert lines(r) == [("31641", 1, [])]
    assert r.cpt[0].evidence[0].text == "argon plasma coagulation"
    bundled = next(n for n in r.not_reported if n.code == "31622")
    assert bundled.rule == "ncci.endoscopy.diagnostic_bronchoscopy_in_surgical"
    assert "31641" in bundled.reason
    assert bundled.evidence[0].text == "Rigid bronchoscopy"


def test_transbronchial_lung_biopsies_of_one_lobe_are_31628_once(coder):
    """A transbronchial biopsy samples the lung, not the airway (31628, not 31625); the
    fluoroscopy is part of the bronchoscopy codes."""
    r = code_named(coder, NOTES, "tblb")
    assert lines(r) == [("31628", 1, [])]
    assert r.cpt[0].evidence[0].text == "transbronchial lung biopsies"
    assert not any(c.code in {"31625", "32408", "77002", "31622"} for c in r.cpt)
    assert ("31622", "ncci.endoscopy.diagnostic_bronchoscopy_in_surgical") in not_reported(r)


def test_an_upper_endoscopy_that_finds_an_ulcer_after_liver_rfa_is_43235_and_reviewed(coder):
    """The ablation is the cause, done before; the EGD that only looked is today's service. No
    diagnosis case2code codes supports it, so the note goes to a coder."""
    r = code_named(coder, NOTES, "egd_after_rfa")
    assert lines(r) == [("43235", 1, [])]
    assert r.cpt[0].evidence[0].text == "Upper endoscopy"
    assert "dx_support.43235" in {f.rule for f in r.findings}
    assert r.review.route == "review"


def test_egd_with_forceps_biopsies_is_43239_once_with_the_look_bundled(coder):
    r = code_named(coder, NOTES, "egd_biopsy")
    assert lines(r) == [("43239", 1, [])]
    assert r.cpt[0].evidence[0].text == "biopsies"
    assert not_reported(r) == [("43235", "ncci.endoscopy.diagnostic_egd_in_surgical")]
    assert r.not_reported[0].evidence[0].text == "EGD"


def test_an_egd_in_the_workup_of_a_percutaneous_ablation_is_not_coded(coder):
    """'Primary not identified after workup (CT, PET, EGD, colonoscopy)': the EGD was the work-up,
    not a service of the ablation session."""
    r = code_named(coder, NOTES, "liver_mwa_workup")
    assert [c.code for c in r.cpt] == ["47382", "76940"]
    scope = next(f for f in r.facts.procedures if f.action == "endoscopy")
    assert scope.assertion == "historical"
    assert "context.workup_scope" in scope.rules


def test_transbronchial_biopsies_of_two_lobes_are_31628_and_one_31632(coder):
    """One unit of 31628 for the first lobe, +31632 for each further lobe the biopsy names."""
    text = (
        "PROCEDURE: Flexible bronchoscopy with transbronchial lung biopsies.\n"
        "INDICATION: 61-year-old man with bilateral interstitial lung disease.\n"
        "DESCRIPTION: Under fluoroscopic guidance transbronchial biopsies were taken from the "
        "right lower lobe and the left lower lobe. No pneumothorax."
    )
    r = coder.code(Note(text=text, id="tblb2", date_of_service=date(2025, 6, 2)))
    assert lines(r) == [("31628", 1, []), ("31632", 1, [])]
    assert r.cpt[0].evidence[0].text == "transbronchial lung biopsies"
    assert r.cpt[1].rule == "addon.31632"
    assert "one unit for each lobe beyond the first" in r.cpt[1].rationale


SEPARATE_LESION = (
    "PROCEDURE: Flexible bronchoscopy with cryotherapy of an endobronchial tumor and endobronchial "
    "biopsy of a separate lesion.\n"
    "INDICATION: 66-year-old woman with adenocarcinoma of the left main bronchus.\n"
    "DESCRIPTION: The flexible bronchoscope was passed orally. The tumor in the left main bronchus "
    "was destroyed with cryotherapy, restoring the lumen. A separate nodular lesion in the right "
    "upper lobe bronchus was seen; endobronchial biopsies of this separate lesion were taken with "
    "forceps."
)
BARRETT_BIOPSY_THEN_RFA = (
    "PROCEDURE: EGD with biopsies and radiofrequency ablation of Barrett's esophagus.\n"
    "INDICATION: 62-year-old man with Barrett's esophagus with low-grade dysplasia.\n"
    "DESCRIPTION: The gastroscope was passed to the duodenum. The Barrett's segment from 36 to 39 "
    "cm was biopsied, then treated with circumferential radiofrequency ablation with the HALO 360 "
    "catheter, 12 J/cm2, two applications. No complications."
)


def test_biopsy_of_a_separate_airway_lesion_beside_destruction_is_31625_xs(coder):
    """NCCI biopsy policy (companion rule ncci.biopsy.separate_lesion): another lesion than the one
    destroyed is reported with XS, and the distinct-service modifier sends the note to a coder."""
    r = coder.code(Note(SEPARATE_LESION, "separate", date(2025, 6, 2)))
    assert lines(r) == [("31641", 1, []), ("31625", 1, ["XS"])]
    assert r.cpt[1].evidence[0].text == "endobronchial biopsy"
    assert not_reported(r) == [("31622", "ncci.endoscopy.diagnostic_bronchoscopy_in_surgical")]
    assert [x.rule for x in r.review.reasons] == ["route.distinct_service_modifier"]


def test_biopsies_of_the_barrett_segment_then_ablated_are_bundled_into_43270(coder):
    """Same lesion, no immediate pathology read: the biopsy is part of the ablation
    (ncci.biopsy.same_lesion), and the diagnostic EGD is named part of 43270."""
    r = coder.code(Note(BARRETT_BIOPSY_THEN_RFA, "barrx", date(2025, 6, 2)))
    assert lines(r) == [("43270", 1, [])]
    assert r.cpt[0].evidence[0].text == "radiofrequency ablation"
    assert not_reported(r) == [
        ("43235", "ncci.endoscopy.diagnostic_egd_in_surgical"),
        ("43239", "ncci.biopsy.same_lesion"),
    ]
    assert "43270" in r.not_reported[0].reason
    assert [d.code for d in r.icd10] == ["K22.710"]


THERMOPLASTY_WITH_BIOPSY = (
    "PROCEDURE: Bronchial thermoplasty of the right lower lobe with endobronchial biopsies.\n"
    "INDICATION: 47-year-old woman with severe persistent asthma on high-dose inhaled steroids, "
    "first session.\n"
    "DESCRIPTION: The flexible bronchoscope was passed orally. Endobronchial biopsies were taken "
    "from the right lower lobe carina for a research protocol. Thermoplasty of the right lower "
    "lobe was then performed with the Alair catheter, 52 activations. No complications."
)


def test_biopsy_in_a_thermoplasty_session_is_coded_and_sent_to_a_coder(coder):
    """No source settles the biopsy beside thermoplasty: both lines stand, and the companion rule
    review.biopsy_with_thermoplasty routes the note to review."""
    r = coder.code(Note(THERMOPLASTY_WITH_BIOPSY, "bt-bx", date(2025, 6, 2)))
    assert lines(r) == [("31660", 1, []), ("31625", 1, [])]
    assert r.cpt[1].evidence[0].text == "endobronchial biopsies"
    finding = next(f for f in r.findings if f.rule == "review.biopsy_with_thermoplasty")
    assert finding.codes == ["31625", "31660"]
    assert [x.rule for x in r.review.reasons] == ["route.contested_rule"]
