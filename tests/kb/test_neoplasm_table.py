"""The Neoplasm Table as KB data: the converter, the shipped figures, resolution to 2026 leaves,
the site map and the guideline rules, and the promise that a site is a data-only change."""

from __future__ import annotations

import ast
import json
import os
from importlib import resources
from pathlib import Path

import pytest
import yaml

from case2code.kb import icd10
from case2code.kb.loader import load_guidelines, load_neoplasm_sites
from case2code.kb.neoplasm_table import COLUMNS, convert, get_table, side_of

ROOT = Path(__file__).resolve().parents[2]
XML = Path(
    os.environ.get("CASE2CODE_NEOPLASM_XML")
    or ROOT.parent / "shared" / "data" / "icd10cm" / "icd10cm_neoplasm_2023.xml"
)
SHIPPED = Path(str(resources.files("case2code.kb") / "data" / "neoplasm-table.json"))
DIAGNOSIS_MODULES = [
    Path(str(resources.files("case2code") / "coding" / name))
    for name in ("diagnosis.py", "neoplasm_codes.py")
]


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def test_neoplasm_table_counts_are_pinned(shipped):
    """Issue 8's figures: terms loaded, 2023 codes needing a 2026 leaf, codes unresolved."""
    counts = shipped["counts"]
    assert counts["terms"] == 1939 and counts["terms_with_codes"] == 1821
    assert counts["distinct_codes"] == 689 and counts["leaf_as_printed"] == 567
    assert counts["needing_resolution"] == 122 and counts["expanded_since_edition"] == 8
    assert counts["unresolved"] == []


def test_neoplasm_table_provenance_names_source_edition_and_converter(shipped):
    prov = shipped["provenance"]
    assert prov["source_file"] == "icd10cm_neoplasm_2023.xml" and prov["edition"] == "FY2023"
    assert "CDC" in prov["publisher"] and prov["converter"] == "neoplasm-table.v1"
    assert shipped["columns"] == list(COLUMNS)


def test_neoplasm_table_never_holds_a_non_billable_code(shipped):
    for printed, status in shipped["codes"].items():
        if status["status"] == "leaf":
            assert icd10.is_billable(status["code"]), printed
        else:
            assert status["leaves"] and all(icd10.is_billable(c) for c in status["leaves"])


def test_neoplasm_table_keeps_nonessential_modifiers_and_see_also():
    table = get_table()
    assert table.terms["bone > femur"]["nemod"] == "(any part)"
    assert table.terms["abdomen, abdominal > wall"]["see_also"] == ["Neoplasm, abdomen, wall, skin"]


@pytest.mark.skipif(not XML.exists(), reason="../shared/data/icd10cm is not beside the repository")
def test_neoplasm_converter_reproduces_the_shipped_data(shipped):
    fresh = convert(XML)
    assert fresh["terms"] == shipped["terms"] and fresh["codes"] == shipped["codes"]
    assert fresh["counts"] == shipped["counts"]


@pytest.mark.parametrize(
    ("printed", "side", "prefer", "codes"),
    [
        ("C34.3-", "right", (), ("C34.31",)),  # right lower lobe
        ("C34.3-", None, (), ("C34.30",)),
        ("C78.0-", "bilateral", (), ("C78.01", "C78.02")),  # I.B.13: no bilateral code
        ("C50.4-", "left", ("female",), ("C50.412",)),  # upper-outer quadrant, left breast
        ("C40.2-", "left", (), ("C40.22",)),  # femur
        ("C64.-", "right", (), ("C64.1",)),
        ("D16.8-", "left", (), ("D16.8",)),  # printed with '-' but a leaf already
        ("C57.1", "right", (), ("C57.11",)),  # complete in 2023, expanded since
    ],
)
def test_neoplasm_table_resolves_to_the_leaf_of_the_side(printed, side, prefer, codes):
    assert get_table().resolve(printed, side, prefer).codes == codes


def test_neoplasm_table_ambiguous_category_is_a_documentation_gap():
    res = get_table().resolve("C79.8-", "right")
    assert res.codes == () and set(res.candidates) == {"C79.81", "C79.82", "C79.89"}
    assert "C79.8-" in res.gap


def test_side_of_reads_the_tabular_description():
    assert side_of("Malignant neoplasm of lower lobe, right bronchus or lung") == "right"
    assert side_of("Secondary malignant neoplasm of unspecified lung") == "unspecified"


def test_neoplasm_site_map_loads_and_names_table_terms():
    sites = load_neoplasm_sites()
    assert sites.find("pancreas_head").term == "pancreas > head"
    assert sites.find("right_lower_lobe").site == "lung_lower_lobe"  # a procedure's lobe


def test_neoplasm_site_map_rejects_an_unknown_term(kb_copy):
    path = kb_copy / "neoplasm-sites.yaml"
    data = yaml.safe_load(path.read_text())
    data["sites"][0]["term"] = "pancreas > heed"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ValueError, match="'pancreas > heed' is not a term of the Neoplasm Table"):
        load_neoplasm_sites(kb_copy)


def _lexicon_site_ids() -> set[str]:
    lex = yaml.safe_load(
        (Path(str(resources.files("case2code.nlp"))) / "data" / "lexicon.yaml").read_text()
    )
    keys = ("primary_site", "secondary_site", "subsite")
    return {e["sets"][k] for e in lex["entries"] for k in keys if k in e.get("sets", {})}


def test_every_reader_site_word_maps_to_a_table_term_or_a_histology_code():
    from case2code.kb import get_kb

    histology_sites = {p.site for p in get_kb().maps.primary_sites}
    sites = load_neoplasm_sites()
    missing = {s for s in _lexicon_site_ids() if sites.find(s) is None} - histology_sites
    assert missing == set()


def test_no_neoplasm_site_literal_in_coding_modules():
    """Adding a site or a synonym is a data-only change: the diagnosis modules name no site."""
    sites = load_neoplasm_sites()
    from case2code.kb import get_kb

    organs = set(get_kb().vocabulary["organ"])
    ids = {i for s in sites.sites for i in [s.site, *s.aliases]} - organs - {"unspecified"}
    for path in DIAGNOSIS_MODULES:
        tree = ast.parse(path.read_text())
        literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
        assert not (literals & ids), f"{path.name} names sites {literals & ids}"


def test_guidelines_carry_section_and_sources_and_billable_codes():
    rules = {r.id: r for r in load_guidelines().rules}
    assert rules["neoplasm.secondary_first"].section == "I.C.2.b"
    assert rules["pain.neoplasm"].section == "I.C.6.b.5"
    assert rules["uncertain.outpatient"].codes["kidney"] == "N28.89"
    assert rules["tobacco.status"].codes["tobacco_history"] == "Z87.891"
    assert all(r.sources for r in rules.values())
