"""The CDC ICD-10-CM Neoplasm Table as KB data: conversion from the XML release, and lookup.

The table is the coder's own source of neoplasm codes (site term x behavior column), so the
engine reads it instead of a hand map. The FY2023 XML release is converted once
(`tools/convert_neoplasm.py`) into `kb/data/neoplasm-table.json`, shipped in the package, so
nothing at run time needs the XML. Conversion checks every printed code against the code set
in use (April 2026, `simple-icd-10-cm`): a code that is a billable leaf is kept as is; a code
printed with a trailing "-" or expanded since 2023 is stored with its candidate leaves and
resolved at coding time by the side the note documents; a code with no leaf at all is counted
as unresolved and can only ever yield a documentation gap. No non-billable code leaves here.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from . import icd10

CONVERTER_VERSION = "neoplasm-table.v1"
DATA_FILE = "neoplasm-table.json"
COLUMNS = (
    "malignant_primary",
    "malignant_secondary",
    "in_situ",
    "benign",
    "uncertain",
    "unspecified",
)
_COL_BY_XML = {str(i + 2): name for i, name in enumerate(COLUMNS)}
SIDES = ("right", "left", "bilateral", "unspecified")


@dataclass(frozen=True)
class TableTerm:
    """One row of the table: its term path under "Neoplasm, neoplastic" (the main term itself
    is the empty path), its nonessential modifiers and its codes as printed, by column."""

    path: tuple[str, ...]
    nemod: str | None = None
    see: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    cells: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return key_of(self.path)


PATH_SEP = " > "


def key_of(path: tuple[str, ...] | list[str] | str) -> str:
    """('bone', 'femur') -> 'bone > femur'. A title may hold commas ('intestine, intestinal'),
    so levels are joined with ' > '; a string is taken as already joined."""
    parts = path.split(">") if isinstance(path, str) else path
    return PATH_SEP.join(" ".join(p.split()).lower() for p in parts)


# ---------------------------------------------------------------- conversion (XML -> data)


def parse_xml(xml_path: str | Path) -> tuple[str, list[TableTerm]]:
    """The table's edition and every term row, in document order."""
    root = ET.parse(xml_path).getroot()
    version = (root.findtext("version") or "").strip()
    terms: list[TableTerm] = []
    for main in root.iter("mainTerm"):
        terms.append(_row(main, ()))
        _walk(main, (), terms)
    return version, terms


def _walk(element: ET.Element, path: tuple[str, ...], out: list[TableTerm]) -> None:
    for child in element.findall("term"):
        row = _row(child, path + (_title_text(child),))
        out.append(row)
        _walk(child, row.path, out)


def _title_text(element: ET.Element) -> str:
    title = element.find("title")
    return " ".join((title.text or "").split()) if title is not None else ""


def _row(element: ET.Element, path: tuple[str, ...]) -> TableTerm:
    title = element.find("title")
    nemod = title.findtext("nemod") if title is not None else None
    cells = {}
    for cell in element.findall("cell"):
        text = (cell.text or "").strip()
        if text and text != "-":
            cells[_COL_BY_XML[cell.get("col", "")]] = text
    return TableTerm(
        path=path,
        nemod=" ".join(nemod.split()) if nemod else None,
        see=tuple(" ".join((s.text or "").split()) for s in element.findall("see")),
        see_also=tuple(" ".join((s.text or "").split()) for s in element.findall("seeAlso")),
        cells=cells,
    )


def check_code(printed: str) -> dict:
    """How a printed code stands in the current code set.

    status `leaf`: billable as printed; `resolve`: needs more characters (printed "-" or
    expanded since the table's edition), with its candidate leaves and their descriptions;
    `unresolved`: no leaf of the current set starts with it.
    """
    stem = printed.rstrip("-").rstrip(".")
    if icd10.is_billable(stem):
        return {"status": "leaf", "code": icd10.dotted(stem)}
    leaves = icd10.codes_starting(stem) if icd10.is_valid(stem) else []
    if not leaves:
        return {"status": "unresolved", "code": printed, "leaves": {}}
    return {
        "status": "resolve",
        "code": printed,
        "expanded_since_edition": not printed.endswith("-"),
        "leaves": {c: icd10.describe(c) for c in leaves},
    }


def convert(xml_path: str | Path, *, on: date | None = None) -> dict:
    """The JSON document shipped as kb/data/neoplasm-table.json, provenance header first."""
    version, terms = parse_xml(xml_path)
    printed = sorted({code for t in terms for code in t.cells.values()})
    codes = {p: check_code(p) for p in printed}
    doc = {
        "provenance": {
            "source_file": Path(xml_path).name,
            "edition": f"FY{version}",
            "publisher": "CDC National Center for Health Statistics (ICD-10-CM Index, "
            "Neoplasm Table; US government publication, public domain)",
            "validated_against": f"ICD-10-CM {icd10.release()} (simple-icd-10-cm)",
            "converter": CONVERTER_VERSION,
            "converted_on": (on or date.today()).isoformat(),
        },
        "columns": list(COLUMNS),
        "terms": [_term_dict(t) for t in terms],
        "codes": codes,
    }
    doc["counts"] = counts(doc)
    return doc


def _term_dict(term: TableTerm) -> dict:
    out: dict = {"path": list(term.path)}
    if term.nemod:
        out["nemod"] = term.nemod
    if term.see:
        out["see"] = list(term.see)
    if term.see_also:
        out["see_also"] = list(term.see_also)
    if term.cells:
        out["cells"] = term.cells
    return out


def counts(doc: dict) -> dict:
    """The figures issue 8 asks for: terms loaded, codes needing a 2026 leaf, unresolved."""
    statuses = [c["status"] for c in doc["codes"].values()]
    return {
        "terms": len(doc["terms"]),
        "terms_with_codes": sum(1 for t in doc["terms"] if t.get("cells")),
        "distinct_codes": len(statuses),
        "leaf_as_printed": statuses.count("leaf"),
        "needing_resolution": statuses.count("resolve"),
        "expanded_since_edition": sum(
            1 for c in doc["codes"].values() if c.get("expanded_since_edition")
        ),
        "unresolved": sorted(p for p, c in doc["codes"].items() if c["status"] == "unresolved"),
    }


def write(doc: dict, out: str | Path) -> None:
    """One term or code per line, so a new edition reads as a reviewable diff."""
    lines = ["{"]
    for name, value in doc.items():
        if isinstance(value, list):
            items = [json.dumps(v, ensure_ascii=False) for v in value]
            body = ",\n  ".join(items)
            lines.append(f' "{name}": [\n  {body}\n ],')
        elif name == "codes":
            items = [
                f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()
            ]
            body = ",\n  ".join(items)
            lines.append(f' "{name}": {{\n  {body}\n }},')
        else:
            lines.append(f' "{name}": {json.dumps(value, ensure_ascii=False)},')
    lines[-1] = lines[-1].rstrip(",")
    Path(out).write_text("\n".join(lines) + "\n}\n", encoding="utf-8")


# ---------------------------------------------------------------- lookup (data -> codes)


@dataclass(frozen=True)
class Resolution:
    """The billable code(s) for one table cell and side, or none with the reason and the
    candidate leaves a coder chooses from (a documentation gap)."""

    codes: tuple[str, ...]
    printed: str
    candidates: tuple[str, ...] = ()
    gap: str | None = None


def side_of(description: str) -> str:
    """The side a tabular description names ('... of right lung' -> right)."""
    text = description.lower()
    for side in ("bilateral", "right", "left"):
        if re.search(rf"\b{side}\b", text):
            return side
    return "unspecified"


class NeoplasmTable:
    """The converted table, indexed by term path."""

    def __init__(self, doc: dict):
        self.provenance: dict = doc["provenance"]
        self.codes: dict[str, dict] = doc["codes"]
        self.terms: dict[str, dict] = {key_of(t["path"]): t for t in doc["terms"]}

    def __contains__(self, term: str) -> bool:
        return key_of(term) in self.terms

    @cached_property
    def _roots_by_prefix(self) -> dict[tuple[str, str], frozenset[str]]:
        index: dict[tuple[str, str], set[str]] = {}
        for term in self.terms.values():
            if not term["path"]:
                continue
            for column in ("malignant_primary", "malignant_secondary"):
                printed = (term.get("cells") or {}).get(column)
                if printed:
                    index.setdefault((column, printed.rstrip("-")), set()).add(term["path"][0])
        return {k: frozenset(v) for k, v in index.items()}

    def roots_of(self, code: str, column: str) -> frozenset[str]:
        """The top-level table terms ('lung', 'bronchus') whose `column` prints this code or the
        category it falls under: two codes of one organ share a root, whatever their columns."""
        for end in range(len(code), 2, -1):
            found = self._roots_by_prefix.get((column, code[:end]))
            if found:
                return found
        return frozenset()

    def cell(self, term: str, column: str) -> str | None:
        """The code printed for a term path ('pancreas > head') and column, as printed."""
        row = self.terms.get(key_of(term))
        return (row.get("cells") or {}).get(column) if row else None

    def resolve(
        self, printed: str, side: str | None = None, prefer: tuple[str, ...] = ()
    ) -> Resolution:
        """Billable code(s) for a printed code and the documented side.

        A side the category has no code for ("bilateral" lung metastases) takes one code per
        side when both exist; `prefer` words ('female') narrow the leaves a side leaves open.
        """
        status = self.codes.get(printed) or check_code(printed)
        if status["status"] == "leaf":
            return Resolution((status["code"],), printed)
        leaves = status.get("leaves", {})
        if not leaves:
            return Resolution((), printed, gap=f"{printed} has no billable code in the current set")
        wanted = side if side in SIDES else "unspecified"
        picks = _narrow(leaves, wanted, prefer)
        if not picks and all(side_of(d) == "unspecified" for d in leaves.values()):
            picks = _narrow(leaves, "unspecified", prefer)  # a category with no sides at all
        if not picks and wanted == "bilateral":
            pair = [_narrow(leaves, s, prefer) for s in ("right", "left")]
            if all(len(p) == 1 for p in pair):
                return Resolution((pair[0][0], pair[1][0]), printed, tuple(leaves))
        if len(picks) == 1:
            return Resolution((picks[0],), printed, tuple(leaves))
        return Resolution(
            (),
            printed,
            tuple(leaves),
            gap=f"{printed} needs a more specific code ({', '.join(leaves)}); "
            f"the note does not say which ({wanted} side)",
        )


def _narrow(leaves: dict[str, str], side: str, prefer: tuple[str, ...]) -> list[str]:
    picks = [c for c, d in leaves.items() if side_of(d) == side]
    for word in prefer:
        narrowed = [c for c in picks if re.search(rf"\b{word}\b", leaves[c].lower())]
        picks = narrowed or picks
    return picks


def load_table(path: str | Path | None = None) -> NeoplasmTable:
    source = Path(path) if path else Path(str(resources.files("case2code.kb") / "data" / DATA_FILE))
    return NeoplasmTable(json.loads(source.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def get_table() -> NeoplasmTable:
    """The shipped table, read on first use only (a diagnosis that needs it), then cached."""
    return load_table()
