"""The parts of an electrophysiology service beside a catheter-ablation code (kb/data/cardiac.yaml
`components`, words in nlp/data/notecues.yaml): the EP study, His and right-ventricular recording,
atrial pacing and 3-D mapping are included in 93653, 93654 and 93656 (not-reported lines quoting the
words); transseptal puncture and ICE are included in 93656; ICE is +93662 beside 93653 and 93654;
isoproterenol testing is +93623 only when it induced the arrhythmia before the ablation, so it is
listed as not reported and sent to a coder."""

from __future__ import annotations

import pytest
from line_helpers import code_named, lines, not_reported, reasons

from case2code.engine import Coder

NOTES = {
    "avnrt": (
        "PROCEDURE: Electrophysiology study and slow pathway ablation.\n"
        "INDICATION: 34-year-old woman with recurrent palpitations and documented "
        "narrow complex tachycardia.\n"
        "TECHNIQUE: Catheters were placed in the high right atrium, His bundle "
        "position, coronary sinus and right ventricular apex. Atrial extrastimulus "
        "testing showed a jump in the AV nodal curve and induced typical slow-fast AV "
        "nodal reentrant tachycardia. A three-dimensional electroanatomic mapping "
        "system (CARTO3) was used to guide the ablation catheter. Radiofrequency energy "
        "was delivered to the slow pathway region with junctional rhythm. After "
        "ablation, atrial extrastimulus testing was repeated on isoproterenol and no "
        "tachycardia was inducible.\n"
        "IMPRESSION: AVNRT, successful slow pathway ablation."
    ),
    "pvi": (
        "PROCEDURE: Pulmonary vein isolation for paroxysmal atrial fibrillation.\n"
        "INDICATION: 62-year-old man with symptomatic paroxysmal atrial fibrillation "
        "despite flecainide.\n"
        "TECHNIQUE: Under general anesthesia, intracardiac echocardiography was used to "
        "guide a double transseptal puncture. A three-dimensional electroanatomic map "
        "of the left atrium was created with CARTO. Wide area circumferential "
        "radiofrequency ablation isolated all four pulmonary veins with entrance and "
        "exit block confirmed.\n"
        "IMPRESSION: Successful pulmonary vein isolation."
    ),
    "pvc": (
        "PROCEDURE: Electrophysiology study and ablation of premature ventricular "
        "contractions.\n"
        "INDICATION: 51-year-old man with frequent symptomatic PVCs (22% burden) from "
        "the right ventricular outflow tract.\n"
        "TECHNIQUE: Intracardiac echocardiography was used to visualize the right "
        "ventricular outflow tract and catheter contact. Activation mapping located the "
        "earliest site of the PVC on the septal RVOT, and radiofrequency ablation at "
        "that site eliminated the PVCs.\n"
        "IMPRESSION: Successful RVOT PVC ablation."
    ),
}


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def _quoted(result) -> dict[str, list[str]]:
    return {n.code: [e.text for e in n.evidence] for n in result.not_reported}


def test_avnrt_ablation_lists_its_included_study_parts_and_sends_isoproterenol_to_a_coder(coder):
    r = code_named(coder, NOTES, "avnrt")
    assert lines(r) == [("93653", 1, [])]
    rule = "bundle.component.93653"
    assert not_reported(r) == [
        ("93620", rule),
        ("93600", rule),
        ("93603", rule),
        ("93610", rule),
        ("93613", rule),
        ("93623", rule),
    ]
    quoted = _quoted(r)
    assert quoted["93613"] == ["three-dimensional electroanatomic mapping", "CARTO3"]
    assert quoted["93600"] == ["His bundle"]
    assert quoted["93623"] == ["isoproterenol"]
    drug = next(f for f in r.findings if f.rule == "review.component.93623")
    assert drug.kind == "review" and drug.codes == ["93623", "93653"]
    assert reasons(r) == ["route.contested_rule"]


def test_pulmonary_vein_isolation_includes_transseptal_puncture_ice_and_mapping(coder):
    r = code_named(coder, NOTES, "pvi")
    assert lines(r) == [("93656", 1, [])]
    rule = "bundle.component.93656"
    assert not_reported(r) == [("93613", rule), ("93462", rule), ("93662", rule)]
    quoted = _quoted(r)
    assert quoted["93462"] == ["double transseptal puncture"]
    assert quoted["93662"] == ["intracardiac echocardiography"]
    assert r.review.route == "auto"


def test_pvc_ablation_with_intracardiac_echo_adds_93662(coder):
    """ICE is not in the 93654 descriptor read, so it is its own add-on line, quoting the words."""
    r = code_named(coder, NOTES, "pvc")
    assert lines(r) == [("93654", 1, []), ("93662", 1, [])]
    ice = r.cpt[1]
    assert ice.rule == "component.93662"
    assert [e.text for e in ice.evidence] == ["Intracardiac echocardiography"]
    assert not_reported(r) == [("93620", "bundle.component.93654")]
