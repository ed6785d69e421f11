"""Validate tests/corpus/gold.jsonl: structure, ids, dates, ICD-10-CM leaves, CPT line shape.

Run with the project interpreter (needs simple_icd_10_cm):
    .venv/bin/python tests/corpus/validate_gold.py [path/to/gold.jsonl]
Exit status 1 on any error. Prints counts per family, per CPT code and per ICD code.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import simple_icd_10_cm as icd

HERE = Path(__file__).resolve().parent
CPT_RE = re.compile(r"^(\d{4}[0-9T]|\d{5})$")
MOD_RE = re.compile(r"^[0-9A-Z]{2}$")
ID_RE = re.compile(r"^[a-z0-9]+-\d{2,4}$")


def main(path: Path) -> int:
    errors: list[str] = []
    ids: Counter[str] = Counter()
    family: Counter[str] = Counter()
    cpt_cases: Counter[str] = Counter()
    cpt_units: Counter[str] = Counter()
    icd_cases: Counter[str] = Counter()
    settings: Counter[str] = Counter()
    years: Counter[int] = Counter()
    lengths: list[int] = []
    sedation = 0
    n = 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            errors.append(f"line {lineno}: empty line")
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: JSON error {exc}")
            continue
        n += 1
        cid = case.get("id", f"<line {lineno}>")
        where = f"{cid} (line {lineno})"
        if not ID_RE.match(str(cid)):
            errors.append(f"{where}: bad id")
        ids[cid] += 1
        family[str(cid).split("-")[0]] += 1
        for key in ("id", "text", "date_of_service", "setting", "expected", "why"):
            if key not in case:
                errors.append(f"{where}: missing {key}")
        text = case.get("text", "")
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{where}: empty text")
        lengths.append(len(text))
        try:
            d = date.fromisoformat(case.get("date_of_service", ""))
            years[d.year] += 1
            if not date(2023, 1, 1) <= d <= date(2026, 12, 31):
                errors.append(f"{where}: date outside 2023-2026")
        except (TypeError, ValueError):
            errors.append(f"{where}: invalid date {case.get('date_of_service')!r}")
        setting = case.get("setting")
        settings[setting] += 1
        if setting not in ("professional", "facility"):
            errors.append(f"{where}: bad setting {setting!r}")
        if not str(case.get("why", "")).strip():
            errors.append(f"{where}: empty why")
        exp = case.get("expected", {})
        for key in ("cpt", "cpt_optional", "icd10", "icd10_optional", "not_reported"):
            if not isinstance(exp.get(key), list):
                errors.append(f"{where}: expected.{key} missing or not a list")
        seen_lines = set()
        for group in ("cpt", "cpt_optional"):
            for ln in exp.get(group, []):
                code, units, mods = ln.get("code"), ln.get("units"), ln.get("modifiers")
                if not isinstance(code, str) or not CPT_RE.match(code):
                    errors.append(f"{where}: bad CPT code {code!r}")
                if not isinstance(units, int) or units < 1:
                    errors.append(f"{where}: bad units {units!r} for {code}")
                if (
                    not isinstance(mods, list)
                    or mods != sorted(mods)
                    or any(not MOD_RE.match(m) for m in mods)
                ):
                    errors.append(f"{where}: modifiers not a sorted list of 2-char codes: {mods!r}")
                key = (code, tuple(mods or []))
                if key in seen_lines:
                    errors.append(f"{where}: duplicate CPT line {key}")
                seen_lines.add(key)
                if group == "cpt":
                    cpt_cases[code] += 1
                    cpt_units[code] += units
        codes_on_claim = {ln["code"] for ln in exp.get("cpt", [])}
        for code in exp.get("not_reported", []):
            if not isinstance(code, str) or not CPT_RE.match(code):
                errors.append(f"{where}: bad not_reported code {code!r}")
            if code in codes_on_claim:
                errors.append(f"{where}: {code} both reported and not_reported")
        if "99152" in codes_on_claim:
            sedation += 1
        icds = exp.get("icd10", [])
        opts = exp.get("icd10_optional", [])
        if not icds and exp.get("cpt"):  # a text with no patient has neither
            errors.append(f"{where}: no required ICD-10-CM code")
        if len(set(icds)) != len(icds) or set(icds) & set(opts):
            errors.append(f"{where}: duplicate ICD codes across icd10/icd10_optional")
        for code in icds + opts:
            if not (icd.is_valid_item(code) and icd.is_leaf(code)):
                errors.append(f"{where}: {code} is not a billable ICD-10-CM leaf")
        for code in icds:
            icd_cases[code] += 1
    for cid, k in ids.items():
        if k > 1:
            errors.append(f"duplicate id {cid} x{k}")

    print(f"cases: {n}   unique ids: {len(ids)}")
    print("per family:", ", ".join(f"{k} {v}" for k, v in sorted(family.items())))
    print("settings:", dict(settings), "  years:", dict(sorted(years.items())))
    print(
        f"text length: min {min(lengths)}, max {max(lengths)}, "
        f"median {sorted(lengths)[len(lengths) // 2]}"
    )
    print(f"cases with moderate sedation (99152): {sedation}")
    print("CPT (cases / total units):")
    print("  " + ", ".join(f"{c} {cpt_cases[c]}/{cpt_units[c]}" for c in sorted(cpt_cases)))
    print("ICD-10-CM required (cases):")
    print("  " + ", ".join(f"{c} {k}" for c, k in sorted(icd_cases.items())))
    if errors:
        print(f"\n{len(errors)} ERROR(S):")
        for e in errors:
            print("  " + e)
        return 1
    print(
        "\nOK: every line parses, ids unique, dates valid, all ICD-10-CM codes are billable leaves"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "gold.jsonl"))
