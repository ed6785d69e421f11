"""Auditing a claim coded elsewhere."""

from __future__ import annotations

import pytest

import case2code
from case2code.errors import InputError


def _kinds(findings):
    return sorted((f.kind, f.severity) for f in findings)


def test_ct_guidance_billed_with_bone_rfa_is_an_error():
    found = case2code.check_claim(
        {
            "date_of_service": "2025-05-01",
            "lines": [{"code": "20982", "dx_pointers": [1]}, {"code": "77013", "dx_pointers": [1]}],
            "diagnoses": ["C79.51"],
        }
    )
    assert ("bundled_guidance", "error") in _kinds(found)
    assert ("pair_edit", "error") in _kinds(found)  # NCCI 20982/77013 modifier indicator 0
    edit = next(f for f in found if f.kind == "pair_edit")
    assert edit.message == (
        "77013 is not reportable with 20982 (CT guidance and monitoring of the ablation is part "
        "of the bone ablation code; never separately; NCCI modifier indicator 0, no modifier "
        "bypasses it)."
    )


def test_two_units_of_20982_break_the_mue():
    found = case2code.check_claim(
        {
            "date_of_service": "2025-05-01",
            "lines": [{"code": "20982", "units": 2}],
            "diagnoses": ["C79.51"],
        }
    )
    assert [f.kind for f in found] == ["mue"]
    assert "MUE is 1" in found[0].message


def test_orphan_addon_nonbillable_dx_and_missing_side():
    found = case2code.check_claim(
        {
            "date_of_service": "2025-05-01",
            "lines": [{"code": "60661"}, {"code": "32998"}],
            "diagnoses": ["C79.5"],
        }
    )
    kinds = _kinds(found)
    assert ("addon_without_primary", "error") in kinds
    assert ("invalid_code", "error") in kinds
    assert ("laterality", "warning") in kinds


def test_malformed_claim_names_the_field():
    with pytest.raises(InputError) as err:
        case2code.check_claim({"lines": [{"code": "20982", "units": 0}]}, source="c.json")
    assert "[E020]" in str(err.value) and "units" in str(err.value)
