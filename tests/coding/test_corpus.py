"""Accuracy on the gold-coded corpus (tests/corpus/gold.jsonl, 191 notes written for the project).

The bars of issue 4: case-level CPT exact match (codes and units) at least 0.97 and ICD-10-CM set
exact match at least 0.93. The other floors guard what was measured on 2026-11-27. Raise a floor
whenever a change raises the measured figure; never lower one to let a change in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from case2code.evaluation import evaluate, load_gold

GOLD = Path(__file__).resolve().parents[1] / "corpus" / "gold.jsonl"
FLOORS = {
    "cpt_exact": 0.97,
    "icd10_set_exact": 0.93,
    "modifiers_exact": 0.97,
    "first_listed_exact": 0.95,
    "not_reported_ok": 0.92,
}

# codes whose scenario notes are in test_coverage_cov8.py (no gold note yet)
COV8 = {"19120", "19125", "19126", "19301"}
COV8 |= {"19281", "19282", "19283", "19284", "19285", "19286", "19287", "19288"}
COV8 |= {"52648", "52224", "52234", "52235", "52240", "36470", "36471", "92960"}
COV8 |= {"56501", "56515", "60220", "60240", "60252", "37722"}


@pytest.fixture(scope="module")
def report():
    return evaluate(load_gold(GOLD))


def test_corpus_is_large_and_covers_every_procedure_code(report):
    from case2code.kb import get_kb

    assert report.cases >= 150
    wanted = {c["code"] for case in load_gold(GOLD) for c in case["expected"]["cpt"]}
    procedures = {c.code for c in get_kb().codes.values() if c.kind.value in ("procedure", "addon")}
    # Known gap: no gold note yet for navigation 20985 or open/laparoscopic kidney 50250/50542,
    # nor for the companions of issue 9 (biopsies, pleural procedures, embolization), whose
    # scenario notes are in tests/coding/test_coverage.py.
    companions = {"32405", "32408", "47000", "50200", "20206", "32551", "32554", "32555"}
    companions |= {"32556", "32557", "37243"}
    companions |= {"36478", "36479"}  # laser vein closure: scenarios in test_scenarios.py
    # Nor for the nerve blocks and joint injections (nerve-block.yaml): their scenario notes are
    # in tests/coding/test_blocks.py, their real-text notes in realtext/rta, rtd and rth (64451).
    blocks = {"64490", "64491", "64492", "64493", "64494", "64495", "64454", "27096", "64451"}
    # Nor for the cardiac ablations other than 93656 (cardiac.yaml): their scenario notes are in
    # tests/coding/test_cardiac.py; the add-ons +93655 and +93657 are never coded automatically.
    cardiac = {"93650", "93653", "93654", "93655", "93657"}
    # Nor for the EP components beside them (cardiac.yaml `components`): scenario notes in
    # tests/coding/test_cardiac_components.py, real-text notes in realtext/rti (rti-003, rti-005).
    cardiac |= {"93620", "93600", "93603", "93610", "93613", "93462", "93623", "93662"}
    # Nor for embolization for bleeding 37244 (embolization.yaml) and thyroid laser ablation 0673T
    # (thyroid.yaml): scenarios in tests/coding/test_embolization.py and test_thyroid.py,
    # real-text notes in realtext/rti (rti-009, rti-010, rti-001).
    companions |= {"37244", "0673T"}
    # Nor for fine needle aspiration (biopsy.yaml, CPT 2019): scenarios in tests/coding/test_fna.py,
    # a real-text note in realtext/rtf (rtf-012).
    fna = {"10021", "10004", "10005", "10006", "10007", "10008", "10009", "10010", "10011", "10012"}
    # Nor for catheter drainage of a fluid collection (drainage.yaml): scenarios in
    # tests/coding/test_drainage.py, a real-text note in realtext/rtf (rtf-027, 49405).
    drainage = {"10030", "49405", "49406", "49407"}
    # Nor for the diagnostic and biopsy scopes beside the bronchoscopic and EGD ablations: scenario
    # notes in tests/coding/test_scopes.py, real-text notes in realtext/rtg (rtg-014 43235,
    # rtg-016 31625) and rtc (rtc-063 31622).
    scopes = {"31622", "31625", "31628", "31632", "43235", "43239"}
    # Nor for the nerve destructions outside the spine (nerve.yaml 64640, 64620): scenario notes in
    # tests/coding/test_nerve_sites.py, real-text notes in realtext/rtk (rtk-008, rtk-009) and rtm
    # (rtm-011).
    nerves = {"64640", "64620"}
    # Nor for laparoscopic ablation of endometriosis (pelvic-laparoscopy.yaml 58662): a scenario in
    # tests/coding/test_pelvic_laparoscopy.py, real-text notes in realtext/rtp (rtp-011) and rts
    # (rts-007, rts-008).
    nerves |= {"58662"}
    known = {"20985", "50250", "50542"} | companions | blocks | cardiac | fna | drainage | scopes
    known |= nerves
    # Nor for sacroplasty (vertebral-augmentation.yaml 0200T/0201T), prostate HIFU (prostate.yaml
    # 55880), transcervical fibroid ablation (endometrial.yaml 58580) and adhesive vein closure
    # (vein.yaml 36482/36483), adrenal biopsy (biopsy.yaml 49180) and breast biopsy (breast.yaml
    # 19081-19086, 19100), lymph node biopsy (biopsy.yaml 38505, 38500, 38510, 38525) and thyroid
    # cyst ethanol ablation (thyroid.yaml 60300): scenario notes in test_coverage_cov7.py.
    known |= {"0200T", "0201T", "55880", "58580", "36482", "36483", "49180", "19100"}
    known |= {"38505", "38500", "38510", "38525", "60300"}
    known |= {"19081", "19082", "19083", "19084", "19085", "19086"}
    # Nor for the open breast operations (breast.yaml 19120, 19125/19126, 19301; realtext/rtt holds
    # marked excisions), the breast localization devices (19281-19288), laser vaporization of the
    # prostate (prostate.yaml 52648), bladder tumors by size (bladder.yaml 52224-52240), needle
    # sclerotherapy and open stripping of leg veins (vein.yaml 36470/36471, 37722), external
    # cardioversion (cardiac.yaml
    # 92960), destruction of vulvar lesions (vulva.yaml 56501/56515) and open thyroid surgery
    # (thyroid.yaml 60220/60240, 60252 only named for a coder): scenario notes in
    # test_coverage_cov8.py.
    known |= COV8
    assert procedures - wanted <= known


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_corpus_accuracy_does_not_regress(report, metric):
    assert report.summary()[metric] >= FLOORS[metric], report.summary()


HELD_OUT_FLOORS = {  # measured after the fixes their failures showed; see the READMEs
    "holdout.jsonl": {"cpt_exact": 1.0, "icd10_set_exact": 1.0},
    "holdout2.jsonl": {"cpt_exact": 1.0, "icd10_set_exact": 0.96},
    # real published wording (realtext/README.md), measured 2026-12-03 after the reader rules of
    # issue 7 (wip/reader2) and the diagnosis rules of issue 8 (wip/dx2): the merged figures;
    # ICD-10-CM of rta, rtb, rtd and rtf raised after the third diagnosis round (wip/dx3).
    # auto_share: the route's share of auto notes, measured after the sound route rules of
    # wip/cov3 (text that reads as general text, bills nothing and withheld no line is routed
    # auto); rtg's and rth's floors are their figures after this session's reader rules; rtf's
    # and rti's ICD-10-CM raised after the complications and sites of wip/dx4; ICD-10-CM of rta,
    # rte, rth, rti, rtj, rtj_second, rtk and rtl raised after the diagnosis classes of wip/dx5
    "realtext/rta.jsonl": {"cpt_exact": 0.82, "icd10_set_exact": 0.73, "auto_share": 0.06},
    "realtext/rtb.jsonl": {"cpt_exact": 0.84, "icd10_set_exact": 0.84, "auto_share": 0.12},
    "realtext/rtc.jsonl": {"cpt_exact": 0.89, "icd10_set_exact": 0.85, "auto_share": 0.29},
    "realtext/rtd.jsonl": {"cpt_exact": 0.92, "icd10_set_exact": 0.94, "auto_share": 0.31},
    "realtext/rte.jsonl": {"cpt_exact": 0.76, "icd10_set_exact": 0.68, "auto_share": 0.12},
    # rtf-012 is a patient's own post gold-coded as an encounter; four later batches' coders (rtj,
    # rtk) code such posts as no encounter, which review.yaml self_account_markers now follows
    "realtext/rtf.jsonl": {"cpt_exact": 0.86, "icd10_set_exact": 0.72, "auto_share": 0.06},
    "realtext/rtg.jsonl": {"cpt_exact": 0.86, "icd10_set_exact": 0.59, "auto_share": 0.09},
    "realtext/rth.jsonl": {"cpt_exact": 0.85, "icd10_set_exact": 0.71, "auto_share": 0.33},
    # rti's floors: after wip/cov5 (37244, 0673T, the historical RFA of rti-015) and wip/dx4
    "realtext/rti.jsonl": {"cpt_exact": 0.8, "icd10_set_exact": 0.73, "auto_share": 0.13},
    # the session's three new blind batches, after the fixes their blind runs showed (their blind
    # figures are in realtext/README.md), and rtj's second coder
    "realtext/rtj.jsonl": {"cpt_exact": 0.83, "icd10_set_exact": 0.75, "auto_share": 0.16},
    "realtext/rtj_second.jsonl": {"cpt_exact": 0.79, "icd10_set_exact": 0.7, "auto_share": 0.16},
    # rtk cpt_exact raised after wip/cov6 (64640 for rtk-009, a suprascapular nerve RF ablation)
    "realtext/rtk.jsonl": {"cpt_exact": 0.68, "icd10_set_exact": 0.63, "auto_share": 0.1},
    "realtext/rtl.jsonl": {"cpt_exact": 0.68, "icd10_set_exact": 0.68, "auto_share": 0.21},
    # the evening session's blind batches of clinical documents (blind figures in
    # realtext/README.md: rtm CPT 0.45 / ICD 0.32, rtn 0.46 / 0.29), after the fixes their blind
    # runs showed; rtm's second coder; all floors raised to the session's end figures (after
    # wip/dx5 and wip/cov6)
    "realtext/rtm.jsonl": {"cpt_exact": 0.59, "icd10_set_exact": 0.4, "auto_share": 0.09},
    "realtext/rtm_second.jsonl": {"cpt_exact": 0.59, "icd10_set_exact": 0.4, "auto_share": 0.09},
    "realtext/rtn.jsonl": {"cpt_exact": 0.58, "icd10_set_exact": 0.5, "auto_share": 0.2},
    "realtext/rtn_second.jsonl": {"cpt_exact": 0.58, "icd10_set_exact": 0.41, "auto_share": 0.2},
    # rto: scored blind on the session's final engine (CPT 0.71 / ICD 0.71), then two rules from
    # its misses (a payer policy names no patient; intercostal neuralgia is the nerve's)
    "realtext/rto.jsonl": {"cpt_exact": 0.71, "icd10_set_exact": 0.78, "auto_share": 0.07},
    # rtp: scored blind (CPT 0.41 / ICD 0.29), floors raised to the late session's end figures
    "realtext/rtp.jsonl": {"cpt_exact": 0.7, "icd10_set_exact": 0.47, "auto_share": 0.0},
    # rtq: scored blind first (CPT 0.20, ICD-10-CM 0.27, auto 1 of 15, wrong); floors at the end
    "realtext/rtq.jsonl": {"cpt_exact": 0.53, "icd10_set_exact": 0.53, "auto_share": 0.06},
    # rtr: scored blind first (CPT 0.59, ICD-10-CM 0.47, auto 7 of 17 with 3 wrong); after the
    # publication and patient markers its three auto-wrong notes go to a coder
    "realtext/rtr.jsonl": {"cpt_exact": 0.82, "icd10_set_exact": 0.52, "auto_share": 0.23},
    "realtext/rtr_second.jsonl": {"cpt_exact": 0.82, "icd10_set_exact": 0.52, "auto_share": 0.23},
    # rts: scored blind first (CPT 0.14, ICD-10-CM 0.43, auto 1 of 14, right); floors at the end
    "realtext/rts.jsonl": {"cpt_exact": 0.28, "icd10_set_exact": 0.42, "auto_share": 0.07},
    # rtt: scored blind first (CPT 0.25, ICD-10-CM 0.00, auto 0 of 12)
    "realtext/rtt.jsonl": {"cpt_exact": 0.25, "icd10_set_exact": 0.0, "auto_share": 0.0},
}


@pytest.mark.parametrize("name", sorted(HELD_OUT_FLOORS))
def test_held_out_corpora_do_not_regress(name):
    """Floors per corpus, and the route's promise on each: a note routed auto is right."""
    report = evaluate(load_gold(GOLD.parent / name))
    summary = report.summary()
    for metric, floor in HELD_OUT_FLOORS[name].items():
        assert summary[metric] >= floor, (name, summary)
    assert report.auto_wrong == [], (name, report.auto_wrong)
