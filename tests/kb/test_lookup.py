"""Lookup as coders use it: codes give the reference entry, words (abbreviations, misspellings,
any order) give a ranked list whose FIRST hit is the code a coder means.

Rankings come from the reviewed data (search-terms.yaml expansions, `synonyms:` lists) and the
bm25 column weights; a failing query here is fixed in the data, never by special-casing it.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from case2code.errors import InputError, UnknownCodeError
from case2code.kb.lookup import Entry, Hit, lookup

QUERIES = [
    # bone
    ("RFA bone mets", "20982"),
    ("bone mets ablation", "20982"),
    # diagnosis words alone read as a diagnosis question (issue 14): "bone mets" -> C79.51
    ("bone mets", "C79.51"),
    ("RFA femur metastasis", "20982"),
    ("osteoid osteoma RFA", "20982"),
    ("cryoablaton rib", "20983"),  # misspelled, as typed
    ("cryo bone", "20983"),
    ("cryoablation of rib lesion", "20983"),
    ("MRgFUS bone", "20999"),
    ("laser ablation bone", "20999"),
    ("bone biopsy deep", "20225"),
    ("superficial bone biopsy", "20220"),
    # lung
    ("MWA lung", "32998"),
    ("lung mets MWA", "32998"),
    ("radiofrequncy ablation lung", "32998"),  # misspelled
    ("lung cryo", "32994"),
    ("lung cryoablaton", "32994"),
    # liver
    ("perc liver RFA", "47382"),
    ("HCC RFA", "47382"),
    ("microwave ablation liver", "47382"),
    ("liver cryoablation percutaneous", "47383"),
    ("laparoscopic liver RFA", "47370"),
    ("lap cryo liver", "47371"),
    ("open RFA liver", "47380"),
    ("open liver cryo", "47381"),
    ("IRE liver", "0600T"),
    # kidney
    ("renal RFA", "50592"),
    ("renal cell carcinoma RFA", "50592"),
    ("kidney cryo percutaneous", "50593"),
    ("renal cryo", "50593"),
    ("small renal mass cryo", "50593"),
    # thyroid
    ("thyroid nodule RFA", "60660"),
    ("thyroid RFA second lobe", "60661"),
    ("thyroid MWA", "60699"),
    # breast, prostate
    ("fibroadenoma cryo", "19105"),
    ("fibroadenma cryo", "19105"),  # misspelled
    ("breast cancer cryoablation", "0581T"),
    ("prostate cryo", "55873"),
    ("prostrate cryo", "55873"),  # the classic misspelling
    # nerves
    ("medial branch lumbar", "64635"),
    ("cervical facet RF", "64633"),
    ("genicular", "64624"),
    ("genicluar nerve", "64624"),  # misspelled
    ("knee RFA", "64624"),
    ("SI joint RFA", "64625"),
    ("sacroiliac RFA", "64625"),
    ("basivertebral", "64628"),
    # nerve blocks and joint injections: the look-alikes of the destruction codes
    ("medial branch block lumbar", "64493"),
    ("cervical MBB", "64490"),
    ("facet joint injection cervical", "64490"),
    ("genicular nerve block", "64454"),
    ("SI joint injection", "27096"),
    ("basivertebal nerve ablation", "64628"),  # misspelled
    ("Intracept", "64628"),
    # veins, heart
    ("GSV RFA", "36475"),
    ("great saphenous vein RFA", "36475"),
    ("ClosureFast", "36475"),
    ("PVI", "93656"),
    ("afib ablation", "93656"),
    ("PVI cryoballoon", "93656"),
    ("AVNRT ablation", "93653"),
    ("AV node ablation", "93650"),
    ("VT ablation", "93654"),
    ("CTI ablation", "93653"),
    # endometrium, GI, airway
    ("endometrial ablation hysteroscopy", "58563"),
    ("NovaSure", "58353"),  # NovaSure is a non-hysteroscopic global device: 58353, not 58563
    ("Barrett ablation EGD", "43270"),
    ("HALO Barretts", "43270"),
    ("ERCP RFA", "43278"),
    ("bronchial thermoplasty", "31660"),
    ("bronchial thermoplasty two lobes", "31661"),
    ("endobronchial ablation", "31641"),
    # vertebral augmentation
    ("kyphoplasty lumbar", "22514"),
    ("kyphoplsty lumbar", "22514"),  # misspelled
    ("kyphoplasty thoracic", "22513"),
    ("vertebroplasty thoracic", "22510"),
    ("vertebroplasy thoracic", "22510"),  # misspelled
    ("vertebroplasty lumbar", "22511"),
    # guidance, sedation
    ("CT guidance ablation", "77013"),
    ("CT guided biopsy", "77012"),
    ("ultrasound guidance ablation", "76940"),
    ("US guided biopsy", "76942"),
    ("MR guidance ablation", "77022"),
    ("fluoro guidance", "77002"),
    ("moderate sedation", "99152"),
    ("each additional 15 minutes sedation", "99153"),
]


@pytest.mark.parametrize(("query", "code"), QUERIES, ids=[q for q, _ in QUERIES])
def test_query_ranks_the_right_code_first(query, code):
    hits = lookup(query)
    assert isinstance(hits, list) and hits, f"no hit for {query!r}"
    assert all(isinstance(h, Hit) for h in hits)
    top = [(h.code, round(h.score, 2)) for h in hits[:4]]
    assert hits[0].code == code, f"{query!r}: want {code} first, got {top}"


def test_queries_cover_many_codes():
    assert len(QUERIES) >= 35
    assert len({code for _, code in QUERIES}) >= 35


def test_query_is_case_and_order_insensitive():
    assert lookup("bone RFA")[0].code == lookup("rfa BONE")[0].code == "20982"


def test_limit_is_respected():
    assert len(lookup("ablation", limit=3)) == 3


def test_date_filters_out_codes_not_yet_effective():
    before = [h.code for h in lookup("thyroid RFA", on=date(2024, 6, 1))]
    assert "60660" not in before and "60661" not in before
    assert before[0] == "60699"
    assert lookup("thyroid RFA", on=date(2025, 2, 1))[0].code == "60660"


def test_hits_serialise():
    d = lookup("cryo bone")[0].to_dict()
    assert d["code"] == "20983" and d["system"] == "CPT" and "cryoablation" in d["matched"]


# --------------------------------------------------------------------------- code lookups

SECTIONS = [
    "what_it_is",
    "qualifying_circumstances",
    "when_to_use",
    "official_descriptor",
    "clinical_application",
    "provider_responsibilities",
    "unique_challenges",
    "pre_procedure",
    "post_procedure",
    "terminology",
    "clinical_examples",
]


def test_20982_reference_has_every_section_filled():
    entry = lookup("20982")
    assert isinstance(entry, Entry)
    assert entry.code == "20982" and entry.system == "CPT" and entry.cpt is not None
    ref = entry.cpt.reference
    empty = [name for name in SECTIONS if not getattr(ref, name)]
    assert not empty, f"empty reference sections of 20982: {empty}"
    assert all(t.term.strip() and t.meaning.strip() for t in ref.terminology)
    assert all(x.strip() for x in ref.clinical_examples)


@pytest.mark.parametrize("query", ["C79.51", "c7951", " c79.51 ", "C7951"])
def test_icd10_code_lookup_in_any_spelling(query):
    entry = lookup(query)
    assert isinstance(entry, Entry)
    assert entry.code == "C79.51"
    assert entry.system == "ICD-10-CM"
    assert entry.title == "Secondary malignant neoplasm of bone"
    assert entry.icd["billable"] is True
    assert entry.note is None


def test_icd10_category_says_not_billable():
    entry = lookup("C79.5")
    assert isinstance(entry, Entry) and entry.system == "ICD-10-CM"
    assert entry.icd["billable"] is False
    assert entry.note and "not billable" in entry.note.lower()


def test_cpt_code_lookup_is_case_insensitive():
    assert lookup("0581t").code == "0581T"


def test_cpt_code_lookup_on_a_date_checks_validity():
    from case2code.errors import CodeNotEffectiveError

    with pytest.raises(CodeNotEffectiveError):
        lookup("60660", on=date(2024, 6, 1))
    assert lookup("60660", on=date(2025, 2, 1)).code == "60660"


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "!!! ---"])
def test_empty_query_is_an_input_error(query):
    with pytest.raises(InputError) as info:
        lookup(query)
    assert info.value.code == "E005"
    assert str(info.value).startswith("[E005]")


@pytest.mark.parametrize("query", ["99999", "C99.99"])
def test_unknown_code_lookup(query):
    with pytest.raises(UnknownCodeError) as info:
        lookup(query)
    assert info.value.code == "E002"
    assert f"'{query}'" in str(info.value) and "Did you mean" in str(info.value)


# --------------------------------------------------------------------------- the CLI

HEADINGS = [
    "What it is",
    "Qualifying circumstances",
    "When to use",
    "Official descriptor",
    "Clinical application",
    "Provider responsibilities",
    "Unique challenges",
    "Pre-procedure",
    "Post-procedure",
    "Terminology",
    "Clinical examples",
]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "case2code.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_lookup_prints_every_reference_section():
    run = _cli("lookup", "20982")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("20982")
    missing = [h for h in HEADINGS if f"## {h}\n" not in run.stdout]
    assert not missing, f"headings missing from `case2code lookup 20982`: {missing}"


def test_cli_lookup_unknown_code_exits_2_with_e002():
    run = _cli("lookup", "99999")
    assert run.returncode == 2
    assert "[E002]" in run.stderr and "99999" in run.stderr
    assert "Traceback" not in run.stderr


def test_cli_lookup_words_lists_hits():
    run = _cli("lookup", "cryoablaton rib")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0].split()[1] == "20983"


def test_lookup_shows_the_limits_of_a_rank_split_addon():
    from case2code.formats.text import entry_text
    from case2code.kb.lookup import lookup_code

    third = entry_text(lookup_code("64495"))
    assert "units: additional items (from item 3, at most 1 unit)" in third
    assert "units: additional items (at most 1 unit)" in entry_text(lookup_code("64494"))
    assert "units: first item\n" in entry_text(lookup_code("64635"))
