"""`case2code kb import ncci|mue|pfs FILE`: read a CMS file, check its layout, store it as a
release with the date from which it applies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ...errors import InputError
from ...model import SETTINGS
from . import formats
from .store import EmptyRelease, Release, Store, db_path

KINDS = ("ncci", "mue", "pfs")


def import_file(
    kind: str, path: str | Path, effective: date | None = None, setting: str | None = None
) -> Release:
    """Import one file. The release date is `effective`, else the one the file names (MUE and
    PFS file names and titles carry it), else for PTP the newest row's effective date."""
    kind = kind.lower()
    if kind not in KINDS:
        raise InputError.make("E051", value=kind, options=", ".join(KINDS))
    if setting is not None and setting not in SETTINGS:
        raise InputError.make("E013", value=setting, options=", ".join(SETTINGS))
    path = Path(path)
    if kind == "ncci":
        rows = formats.read_ptp(path)  # a generator: PTP files are large
        setting = setting or formats.setting_from_name(path) or "professional"
        return _store(path, "ptp", setting, effective, rows, formats.PTP_LAYOUT)
    if kind == "mue":
        file_setting, rows = formats.read_mue(path)
        when = effective or formats.date_from_name(path)
        return _store(path, "mue", setting or file_setting, when, rows, formats.MUE_LAYOUT)
    title_date, rows = formats.read_pfs(path)
    when = effective or formats.date_from_name(path) or title_date
    return _store(path, "pfs", "professional", when, rows, formats.PFS_LAYOUT)


def _store(path: Path, kind: str, setting: str, when, rows, layout: str) -> Release:
    if when is None and kind != "ptp":
        raise _refused(
            kind, path, "names no release date; give it with --effective YYYY-MM-DD", layout
        )
    if kind != "ptp" and not rows:
        raise _refused(kind, path, "has no data rows", layout)
    try:
        return Store(db_path(), create=True).add(kind, setting, when, path, rows)
    except EmptyRelease as exc:
        reason = str(exc)
        if reason == "names no release date":
            reason += "; give it with --effective YYYY-MM-DD"
        raise _refused(kind, path, reason, layout) from exc


def _refused(kind: str, path: Path, reason: str, layout: str) -> InputError:
    return InputError.make("E050", kind=kind, path=path, reason=reason, layout=layout)
