"""Reading the files CMS publishes (tests/fixtures/cms, in CMS's exact layouts) and storing them
as versioned releases; a file in the wrong layout is refused with a catalogue error."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from case2code.errors import InputError
from case2code.kb import cms
from case2code.kb.cms import formats

FIX = Path(__file__).parent.parent / "fixtures" / "cms"
PTP = FIX / "ccipra-fixture-f1.txt"
PTP_HOSPITAL = FIX / "ccioph-fixture-f1.txt"
MUE = FIX / "MCR_MUE_PractitionerServices_Eff_07-01-2024.csv"
MUE_HOSPITAL = FIX / "MCR_MUE_OutpatientHospitalServices_Eff_07-01-2024.csv"
PFS = FIX / "PPRRVU22_JAN.csv"


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("C2C_KB_DIR", str(tmp_path / "kb"))
    return tmp_path / "kb"


def test_ptp_rows_keep_pair_dates_modifier_indicator_and_rationale():
    rows = {(r.column1, r.column2): r for r in formats.read_ptp(PTP)}
    assert len(rows) == 12
    ct = rows[("20982", "77013")]
    assert ct.modifier_indicator == 0 and ct.deletion is None  # "*" = still in force
    assert ct.effective == date(2019, 1, 1)
    assert ct.rationale == "CPT Manual or CMS manual coding instruction"
    deleted = rows[("47383", "76940")]
    assert deleted.modifier_indicator == 9 and deleted.deletion == date(2019, 1, 1)
    assert rows[("20983", "20982")].rationale == "Mutually exclusive procedures"


def test_mue_table_names_its_setting_and_splits_the_adjudication_indicator():
    setting, rows = formats.read_mue(MUE)
    assert setting == "professional"
    by_code = {r.code: r for r in rows}
    assert (by_code["20982"].value, by_code["20982"].mai) == (1, 2)
    assert by_code["20982"].mai_text == "2 Date of Service Edit: Policy"
    assert by_code["20982"].rationale == "Code Descriptor / CPT Instruction"
    assert (by_code["99153"].value, by_code["99153"].mai) == (9, 3)
    assert formats.read_mue(MUE_HOSPITAL)[0] == "facility"


def test_pfs_rows_hold_indicators_and_rvus_but_no_descriptor():
    release, rows = formats.read_pfs(PFS)
    assert release == date(2022, 1, 1)  # from the title line "2022 ... January Release"
    r = {x.code: x for x in rows}["20982"]
    assert (r.global_days, r.mult_proc, r.bilateral, r.assistant, r.co_surgeon) == (
        "000",
        "2",
        "1",
        "1",
        "0",
    )
    assert (r.work_rvu, r.pe_nonfac, r.pe_fac, r.mp_rvu) == (7.02, 100.41, 2.70, 0.95)
    assert (r.total_nonfac, r.total_fac) == (108.38, 10.67)
    assert not hasattr(r, "description")


def test_release_dates_come_from_cms_file_names():
    assert formats.date_from_name(MUE) == date(2024, 7, 1)
    assert formats.date_from_name("PPRRVU2025_Oct.csv") == date(2025, 10, 1)
    assert formats.date_from_name(PFS) == date(2022, 1, 1)
    assert formats.setting_from_name(PTP_HOSPITAL) == "facility"


@pytest.mark.parametrize(
    ("kind", "path", "words"),
    [
        ("ncci", MUE, "Column 1"),
        ("mue", PTP, "HCPCS/CPT Code"),
        ("pfs", MUE, "HCPCS,MOD,DESCRIPTION"),
    ],
)
def test_a_file_in_another_layout_is_refused_naming_the_layout(store_dir, kind, path, words):
    with pytest.raises(InputError) as info:
        cms.import_file(kind, path)
    assert info.value.code == "E050"
    assert path.name in str(info.value) and words in str(info.value)
    assert not cms.db_path().exists()  # nothing half-loaded


def test_a_zip_is_refused_with_the_fix(store_dir, tmp_path):
    bad = tmp_path / "ccipra-v321r0-f1.zip"
    bad.write_bytes(b"PK\x03\x04 not unzipped")
    with pytest.raises(InputError) as info:
        cms.import_file("ncci", bad)
    assert "unzip" in str(info.value)


def test_a_broken_row_is_refused_with_its_line_number(store_dir, tmp_path):
    bad = tmp_path / "ccipra-broken.txt"
    bad.write_text(PTP.read_text().replace("20190101\t*\t0", "2019-01-01\t*\t0"))
    with pytest.raises(InputError) as info:
        cms.import_file("ncci", bad)
    assert "line 11" in str(info.value)


def test_an_undated_mue_file_asks_for_effective(store_dir, tmp_path):
    undated = tmp_path / "mue.csv"
    shutil.copy(MUE, undated)
    with pytest.raises(InputError) as info:
        cms.import_file("mue", undated)
    assert "--effective" in str(info.value)
    release = cms.import_file("mue", undated, effective=date(2024, 7, 1))
    assert release.effective == date(2024, 7, 1) and release.rows == 8


def test_unknown_kind_is_refused():
    with pytest.raises(InputError) as info:
        cms.import_file("rvu", PFS)
    assert info.value.code == "E051" and "ncci, mue, pfs" in str(info.value)


def test_reimporting_a_file_replaces_it(store_dir):
    cms.import_file("mue", MUE)
    cms.import_file("mue", MUE)
    releases = cms.Store.existing().releases("mue")
    assert [(r.setting, r.effective, r.rows) for r in releases] == [
        ("professional", date(2024, 7, 1), 8)
    ]


def test_store_lives_in_c2c_kb_dir(store_dir):
    cms.import_file("pfs", PFS)
    assert cms.db_path() == store_dir / "cms.sqlite" and cms.db_path().exists()
