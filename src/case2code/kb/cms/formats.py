"""Readers for the files CMS publishes, in the layouts CMS publishes them.

- NCCI procedure-to-procedure edits (practitioner `ccipra-*` and outpatient hospital `ccioph-*`):
  tab-delimited text, six title and legend lines, then rows of column 1, column 2, the
  "in existence prior to 1996" flag, effective date, deletion date (`*` = none), modifier
  indicator (0 not allowed, 1 allowed, 9 not applicable) and the PTP edit rationale.
- MUE tables (`MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv`, `..._OutpatientHospital...`):
  CSV whose first cell is a quoted, multi-line AMA notice, then the header "HCPCS/ CPT Code",
  "<setting> Services MUE Values", "MUE Adjudication Indicator" (a digit and its words, e.g.
  "2 Date of Service Edit: Policy"), "MUE Rationale".
- Physician Fee Schedule RVU file (`PPRRVUyyyy_Mon.csv`): CSV with title lines and a header
  spread over five rows whose last row starts `HCPCS,MOD,DESCRIPTION`; 31 columns by position.
  The DESCRIPTION column is never read: descriptors belong to the AMA.

Each reader yields typed rows and raises `InputError` E050 naming the line that breaks the
layout, so a wrong or truncated file is refused instead of half-loaded.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ...errors import InputError

CODE_RE = re.compile(r"^[0-9A-Z]{4}[0-9A-Z]$")
PTP_LAYOUT = (
    "tab-delimited text: Column 1, Column 2, *=in existence prior to 1996, Effective Date, "
    "Deletion Date, Modifier, PTP Edit Rationale"
)
MUE_LAYOUT = (
    "CSV with the header HCPCS/CPT Code, <setting> Services MUE Values, "
    "MUE Adjudication Indicator, MUE Rationale"
)
PFS_LAYOUT = "the PPRRVU CSV: title lines, then a header row starting HCPCS,MOD,DESCRIPTION"
MUE_SETTINGS = {"practitioner": "professional", "outpatient hospital": "facility"}
MONTHS = {"jan": 1, "apr": 4, "jul": 7, "oct": 10}
MONTH_WORDS = {"january": 1, "april": 4, "july": 7, "october": 10}

# PPRRVU columns by position (0-based), from the file's own five-row header.
PFS_COLUMNS = {
    "code": 0,
    "mod": 1,
    "status": 3,
    "work_rvu": 5,
    "pe_nonfac": 6,
    "pe_nonfac_na": 7,
    "pe_fac": 8,
    "pe_fac_na": 9,
    "mp_rvu": 10,
    "total_nonfac": 11,
    "total_fac": 12,
    "pctc": 13,
    "global_days": 14,
    "mult_proc": 18,
    "bilateral": 19,
    "assistant": 20,
    "co_surgeon": 21,
    "team": 22,
    "conv_factor": 24,
}
PFS_HEADER = ("HCPCS", "MOD", "DESCRIPTION", "CODE", "PAYMENT", "RVU", "PE RVU")


@dataclass(frozen=True)
class PtpRow:
    column1: str
    column2: str
    effective: date
    deletion: date | None
    modifier_indicator: int
    rationale: str
    before_1996: bool


@dataclass(frozen=True)
class MueRow:
    code: str
    value: int
    mai: int
    mai_text: str
    rationale: str


@dataclass(frozen=True)
class PfsRow:
    code: str
    mod: str
    status: str
    work_rvu: float | None
    pe_nonfac: float | None
    pe_nonfac_na: str
    pe_fac: float | None
    pe_fac_na: str
    mp_rvu: float | None
    total_nonfac: float | None
    total_fac: float | None
    pctc: str
    global_days: str
    mult_proc: str
    bilateral: str
    assistant: str
    co_surgeon: str
    team: str
    conv_factor: float | None


def _refuse(kind: str, path: Path, reason: str, layout: str) -> InputError:
    return InputError.make("E050", kind=kind, path=path, reason=reason, layout=layout)


def _text(path: Path, kind: str, layout: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _refuse(kind, path, f"cannot be read ({exc.strerror})", layout) from exc
    if raw[:2] == b"PK":
        raise _refuse(
            kind, path, "is a ZIP or XLSX archive; unzip it and give the .txt/.csv", layout
        )
    return raw.decode("utf-8", errors="replace") if _is_utf8(raw) else raw.decode("latin-1")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _ymd(value: str) -> date:
    return date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def read_ptp(path: str | Path) -> Iterator[PtpRow]:
    """Rows of an NCCI PTP text file; title and legend lines before the first row are skipped.
    The header is checked at once; rows are read as they are consumed (files are large)."""
    path = Path(path)
    lines = _text(path, "NCCI PTP", PTP_LAYOUT).splitlines()
    if not any(line.startswith("Column 1\tColumn 2") for line in lines[:12]):
        raise _refuse("NCCI PTP", path, "has no 'Column 1<TAB>Column 2' header line", PTP_LAYOUT)
    return _ptp_rows(lines, path)


def _ptp_rows(lines: list[str], path: Path) -> Iterator[PtpRow]:
    started = False
    for number, line in enumerate(lines, start=1):
        cells = [c.strip() for c in line.split("\t")]
        if not CODE_RE.match(cells[0]):
            if started and line.strip():
                raise _refuse("NCCI PTP", path, f"line {number} is not an edit row", PTP_LAYOUT)
            continue
        started = True
        yield _ptp_row(cells, path, number)


def _ptp_row(cells: list[str], path: Path, number: int) -> PtpRow:
    try:
        col1, col2, flag, eff, dele, mi = cells[:6]
        return PtpRow(
            col1,
            col2,
            _ymd(eff),
            None if dele in ("*", "") else _ymd(dele),
            int(mi),
            cells[6] if len(cells) > 6 else "",
            flag == "*",
        )
    except (ValueError, IndexError) as exc:
        raise _refuse(
            "NCCI PTP", path, f"line {number} cannot be read ({exc})", PTP_LAYOUT
        ) from exc


def _mue_header(row: list[str]) -> str | None:
    """The setting named by an MUE header row, or None when the row is not the header."""
    if len(row) < 4 or re.sub(r"\s+", "", row[0]).upper() != "HCPCS/CPTCODE":
        return None
    label = re.sub(r"\s+", " ", row[1]).strip().lower()
    return next((s for k, s in MUE_SETTINGS.items() if label.startswith(k)), label)


def read_mue(path: str | Path) -> tuple[str, list[MueRow]]:
    """(setting, rows) of a CMS MUE CSV; the setting is read from the table's value column."""
    path = Path(path)
    reader = csv.reader(io.StringIO(_text(path, "MUE", MUE_LAYOUT)))
    setting, rows = None, []
    for number, row in enumerate(reader, start=1):
        if setting is None:
            setting = _mue_header(row)
            continue
        if not row or not "".join(row).strip():
            continue
        rows.append(_mue_row(row, path, number))
    if setting is None:
        raise _refuse("MUE", path, "has no 'HCPCS/CPT Code' header row", MUE_LAYOUT)
    if setting not in MUE_SETTINGS.values():
        raise _refuse(
            "MUE",
            path,
            f"is a '{setting}' table, not practitioner or outpatient hospital",
            MUE_LAYOUT,
        )
    return setting, rows


def _mue_row(row: list[str], path: Path, number: int) -> MueRow:
    try:
        code, value, mai_text, rationale = (c.strip() for c in row[:4])
        if not CODE_RE.match(code):
            raise ValueError(f"'{code}' is not a HCPCS/CPT code")
        return MueRow(code, int(value), int(mai_text[:1]), mai_text, rationale)
    except (ValueError, IndexError) as exc:
        raise _refuse("MUE", path, f"row {number} cannot be read ({exc})", MUE_LAYOUT) from exc


def read_pfs(path: str | Path) -> tuple[date | None, list[PfsRow]]:
    """(release date named in the title, rows) of a PPRRVU file; descriptors are skipped."""
    path = Path(path)
    reader = csv.reader(io.StringIO(_text(path, "PFS RVU", PFS_LAYOUT)))
    release, header_seen, rows = None, False, []
    for number, row in enumerate(reader, start=1):
        if not header_seen:
            release = release or _pfs_title_date(" ".join(row))
            header_seen = tuple(c.strip() for c in row[: len(PFS_HEADER)]) == PFS_HEADER
            continue
        if not row or not row[0].strip():
            continue
        rows.append(_pfs_row(row, path, number))
    if not header_seen:
        raise _refuse(
            "PFS RVU", path, "has no header row starting HCPCS,MOD,DESCRIPTION", PFS_LAYOUT
        )
    return release, rows


def _pfs_title_date(text: str) -> date | None:
    found = re.search(
        r"(\d{4}) National Physician Fee Schedule.*?(January|April|July|October)", text
    )
    return date(int(found[1]), MONTH_WORDS[found[2].lower()], 1) if found else None


def _num(value: str) -> float | None:
    value = value.strip()
    return float(value) if value and value.upper() != "NA" else None


def _pfs_row(row: list[str], path: Path, number: int) -> PfsRow:
    if len(row) <= PFS_COLUMNS["conv_factor"] or not CODE_RE.match(row[0].strip()):
        raise _refuse(
            "PFS RVU", path, f"row {number} does not have the 31 PPRRVU columns", PFS_LAYOUT
        )
    cell = {k: row[i].strip() for k, i in PFS_COLUMNS.items()}
    try:
        numbers = {
            k: _num(cell[k])
            for k in ("work_rvu", "pe_nonfac", "pe_fac", "mp_rvu", "total_nonfac", "total_fac")
        }
        conv = _num(cell["conv_factor"])
    except ValueError as exc:
        raise _refuse(
            "PFS RVU", path, f"row {number} has a non-number RVU ({exc})", PFS_LAYOUT
        ) from exc
    texts = {k: v for k, v in cell.items() if k not in numbers and k != "conv_factor"}
    return PfsRow(**texts, **numbers, conv_factor=conv)


def date_from_name(path: str | Path) -> date | None:
    """The release date a CMS file name carries: `..._Eff_07-01-2024.csv`, `PPRRVU2025_Oct.csv`."""
    name = Path(path).name
    eff = re.search(r"Eff_(\d{2})-(\d{2})-(\d{4})", name, re.IGNORECASE)
    if eff:
        return date(int(eff[3]), int(eff[1]), int(eff[2]))
    rvu = re.search(r"PPRRVU(\d{2,4})_?([A-Za-z]{3})", name, re.IGNORECASE)
    if rvu and rvu[2].lower() in MONTHS:
        year = int(rvu[1]) + (2000 if len(rvu[1]) == 2 else 0)
        return date(year, MONTHS[rvu[2].lower()], 1)
    return None


def setting_from_name(path: str | Path) -> str | None:
    """ccipra = practitioner PTP edits, ccioph = outpatient hospital PTP edits."""
    name = Path(path).name.lower()
    if "ccipra" in name or "practitioner" in name:
        return "professional"
    if "ccioph" in name or "hospital" in name:
        return "facility"
    return None
