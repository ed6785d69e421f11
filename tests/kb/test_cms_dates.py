"""Imported CMS releases drive the engine's pair-edit and MUE findings, `check`, `lookup` and
`edits` for the date of service and setting; with nothing imported the KB's own YAML applies.
Unknown start dates never refuse a code; a date before ICD-10-CM is said plainly."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import case2code
from case2code.engine import code_text
from case2code.errors import InputError
from case2code.kb import cms, get_kb
from case2code.kb.lookup import lookup
from case2code.kb.pairs import pair_answer

FIX = Path(__file__).parent.parent / "fixtures" / "cms"
NOTE = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of right iliac bone metastasis.\n"
    "INDICATION: 64-year-old woman with metastatic breast cancer and a painful lytic lesion of "
    "the right iliac wing.\n"
    "TECHNIQUE: Under CT guidance, a 17-gauge cooled RF electrode was advanced into the lesion. "
    "Two overlapping ablations were performed.\n"
)


@pytest.fixture
def nothing_imported(tmp_path, monkeypatch):
    monkeypatch.setenv("C2C_KB_DIR", str(tmp_path / "empty"))


@pytest.fixture
def imported(tmp_path, monkeypatch):
    monkeypatch.setenv("C2C_KB_DIR", str(tmp_path / "kb"))
    for kind, name in [
        ("ncci", "ccipra-fixture-f1.txt"),
        ("ncci", "ccioph-fixture-f1.txt"),
        ("mue", "MCR_MUE_PractitionerServices_Eff_07-01-2024.csv"),
        ("mue", "MCR_MUE_OutpatientHospitalServices_Eff_07-01-2024.csv"),
        ("pfs", "PPRRVU22_JAN.csv"),
    ]:
        cms.import_file(kind, FIX / name)


def _claim(lines, on="2025-05-01", setting="professional"):
    return case2code.check_claim(
        {"date_of_service": on, "setting": setting, "lines": lines, "diagnoses": ["C79.51"]}
    )


def _by_kind(found, kind):
    return [f for f in found if f.kind == kind]


# ------------------------------------------------------------------ findings by date and setting


def test_claim_pair_edit_cites_the_imported_release(imported):
    found = _by_kind(_claim([{"code": "20982"}, {"code": "77013"}]), "pair_edit")
    assert [(f.severity, f.codes) for f in found] == [("error", ["20982", "77013"])]
    assert "modifier indicator 0" in found[0].message
    assert "CMS PTP professional 2022-01-01 (ccipra-fixture-f1.txt)" in found[0].message


def test_without_an_import_the_kb_edits_apply(nothing_imported):
    found = _by_kind(_claim([{"code": "20982"}, {"code": "77013"}]), "pair_edit")
    assert len(found) == 1 and "CMS PTP" not in found[0].message
    assert "never separately" in found[0].message  # the KB's own rationale


def test_one_store_keeps_a_notes_checks_on_the_store_seen_at_its_start(nothing_imported):
    """An import that lands while a note is checked moves the next note, not this one."""
    kb, on = get_kb(), date(2025, 5, 1)
    with cms.one_store():
        cms.import_file("ncci", FIX / "ccipra-fixture-f1.txt")
        inside = cms.pair_edits(kb, ["20982", "77013"], on)
    after = cms.pair_edits(kb, ["20982", "77013"], on)
    assert [e.source for e in inside] == ["KB edits.yaml (NCCI-PTP-2024Q3)"]
    assert [e.source for e in after] == ["CMS PTP professional 2022-01-01 (ccipra-fixture-f1.txt)"]


def test_a_date_before_every_imported_release_falls_back_to_the_kb(imported):
    found = _by_kind(_claim([{"code": "20982"}, {"code": "77013"}], on="2020-06-01"), "pair_edit")
    assert len(found) == 1 and "CMS PTP" not in found[0].message


def test_mue_reads_the_table_of_the_claims_setting(imported):
    pro = _by_kind(_claim([{"code": "77013", "units": 2}, {"code": "32998"}]), "mue")
    assert [f.severity for f in pro] == ["error"]  # practitioner MAI 3: date of service edit
    assert "MAI 3" in pro[0].message and "PractitionerServices" in pro[0].message
    fac = _by_kind(
        _claim([{"code": "77013", "units": 2}, {"code": "32998"}], setting="facility"), "mue"
    )
    assert [f.severity for f in fac] == ["warning"]  # the hospital fixture row is a line edit
    assert "MAI 1" in fac[0].message and "OutpatientHospital" in fac[0].message


def test_coded_note_reads_edits_and_mue_by_its_date(imported):
    result = code_text(NOTE, on=date(2025, 5, 1))
    assert [(c.code, c.units) for c in result.cpt] == [("20982", 1)]
    assert not [f for f in result.findings if f.kind in ("pair_edit", "mue")]


# ------------------------------------------------------------------ effective dates


def test_a_2016_bone_ablation_is_coded_not_refused(nothing_imported):
    result = code_text(NOTE, on=date(2016, 3, 2))
    assert [(c.code, c.units) for c in result.cpt] == [("20982", 1)]
    assert not [f for f in result.findings if f.kind == "code_date"]
    assert lookup("20982", on=date(2016, 3, 2)).code == "20982"
    assert not _by_kind(_claim([{"code": "20982"}], on="2016-03-02"), "code_date")


def test_unknown_start_is_shown_as_unknown_with_the_earliest_sighting():
    entry = get_kb().codes["20982"]
    assert entry.effective is None and entry.seen_from == date(2019, 1, 1)
    panel = lookup("20982").desk
    assert panel["dates"]["effective"] == "unknown"
    assert panel["dates"]["seen_from"] == "2019-01-01"


def test_a_sourced_start_date_still_refuses_earlier_dates():
    from case2code.errors import CodeNotEffectiveError

    with pytest.raises(CodeNotEffectiveError):
        lookup("60660", on=date(2024, 6, 1))  # new code on 2025-01-01 (CPT 2025)


def test_a_date_before_icd10cm_is_said_plainly(nothing_imported):
    with pytest.raises(InputError) as refused:  # a note of that date is refused, with the reason
        code_text(NOTE, on=date(2014, 6, 2))
    assert refused.value.code == "E014" and "2015-10-01" in refused.value.message
    assert "ICD-9-CM" in refused.value.message
    with pytest.raises(InputError) as claim_refused:
        _claim([{"code": "20982"}], on="2014-06-02")
    assert claim_refused.value.code == "E014"
    assert "ICD-9-CM" in lookup("C79.51", on=date(2014, 6, 2)).desk["date_note"]


# ------------------------------------------------------------------ lookup and edits


def test_lookup_shows_global_mue_edits_both_ways_and_fee_schedule(imported):
    panel = lookup("20982", on=date(2025, 5, 1)).desk
    assert panel["global_days"]["value"] == "000"
    assert panel["mue"]["value"] == 1 and panel["mue"]["mai"] == 2
    assert panel["mue"]["mai_meaning"] == "date of service edit: policy"
    pairs = {(e["column1"], e["column2"]): e for e in panel["pair_edits"]}
    assert pairs[("20982", "77013")]["modifier_indicator"] == 0
    assert ("20983", "20982") in pairs  # 20982 in column 2 too
    fee = panel["fee_schedule"]
    assert fee["indicators"]["bilateral surgery"] == "1"
    assert fee["indicators"]["multiple procedure"] == "2"
    assert fee["rvu"]["work_rvu"] == 7.02
    assert [h["listed"] for h in panel["fee_history"]] == [True]


def test_fee_history_dates_a_code_by_the_first_release_that_lists_it(imported, tmp_path):
    older = tmp_path / "PPRRVU21_JAN.csv"
    text = (FIX / "PPRRVU22_JAN.csv").read_text()
    older.write_text("\n".join(x for x in text.splitlines() if not x.startswith("20985,")))
    cms.import_file("pfs", older, effective=date(2021, 1, 1))
    history = lookup("20985").desk["fee_history"]
    assert [(h["effective"], h["listed"]) for h in history] == [
        ("2021-01-01", False),
        ("2022-01-01", True),
    ]


def test_pair_question_both_directions(imported):
    for a, b in (("20982", "77013"), ("77013", "20982")):
        answer = pair_answer(get_kb(), a, b, date(2025, 5, 1))
        assert [(e["column1"], e["column2"]) for e in answer["in_force"]] == [("20982", "77013")]
        assert "no modifier bypasses" in answer["verdict"]
    sources = {e["source"].split(" (")[0] for e in answer["history"]}
    assert {"KB edits.yaml", "CMS PTP facility 2019-01-01"} <= sources


def test_pair_with_no_edit_says_both_may_be_reported(nothing_imported):
    answer = pair_answer(get_kb(), "20982", "22511")
    assert answer["in_force"] == [] and "both may be reported" in answer["verdict"]


def test_deleted_edit_is_not_in_force(imported):
    answer = pair_answer(get_kb(), "47383", "76940", date(2025, 5, 1))
    assert answer["in_force"] == [] and answer["history"]


# ------------------------------------------------------------------ the CLI


def _cli(*args, env_dir):
    import os

    env = {**os.environ, "C2C_KB_DIR": str(env_dir)}
    return subprocess.run(
        [sys.executable, "-m", "case2code.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def test_cli_import_then_edits_and_lookup(tmp_path):
    run = _cli("kb", "import", "ncci", str(FIX / "ccipra-fixture-f1.txt"), env_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "12 rows imported" in run.stdout
    run = _cli(
        "kb",
        "import",
        "mue",
        str(FIX / "MCR_MUE_PractitionerServices_Eff_07-01-2024.csv"),
        env_dir=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    run = _cli("edits", "20982", "77013", env_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("77013 is not paid with 20982")
    assert "modifier indicator 0" in run.stdout and "ccipra-fixture-f1.txt" in run.stdout
    run = _cli("lookup", "20982", env_dir=tmp_path)
    assert "MUE: 1 per day, MAI 2 (date of service edit: policy)" in run.stdout


def test_cli_import_of_a_wrong_file_exits_2(tmp_path):
    run = _cli("kb", "import", "pfs", str(FIX / "ccipra-fixture-f1.txt"), env_dir=tmp_path)
    assert run.returncode == 2 and "[E050]" in run.stderr
