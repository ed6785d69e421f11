"""The local, versioned table of imported CMS files (SQLite).

Each import is one release of one kind (ptp, mue, pfs) for one setting, with the date from
which it applies. A question asked for a date of service reads the newest release that
applies on that date; PTP rows also carry their own effective and deletion dates, which are
honoured too. Re-importing the same file replaces its earlier copy, so imports are idempotent.

The database lives in the user data folder (platformdirs) or in `$C2C_KB_DIR`; it is created
by `case2code kb import` and only read otherwise, so a machine with no import answers from the
KB's own YAML.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from .formats import MueRow, PfsRow, PtpRow

DB_NAME = "cms.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS imports (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, setting TEXT NOT NULL, effective TEXT NOT NULL,
  source TEXT NOT NULL, sha256 TEXT NOT NULL, rows INTEGER NOT NULL, imported_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ptp (
  import_id INTEGER NOT NULL, column1 TEXT, column2 TEXT, effective TEXT, deletion TEXT,
  modifier_indicator INTEGER, rationale TEXT, before_1996 INTEGER);
CREATE INDEX IF NOT EXISTS ptp_pair ON ptp (column1, column2);
CREATE INDEX IF NOT EXISTS ptp_col2 ON ptp (column2);
CREATE TABLE IF NOT EXISTS mue (
  import_id INTEGER NOT NULL, code TEXT, value INTEGER, mai INTEGER, mai_text TEXT,
  rationale TEXT);
CREATE INDEX IF NOT EXISTS mue_code ON mue (code);
CREATE TABLE IF NOT EXISTS pfs (
  import_id INTEGER NOT NULL, code TEXT, mod TEXT, status TEXT, work_rvu REAL, pe_nonfac REAL,
  pe_nonfac_na TEXT, pe_fac REAL, pe_fac_na TEXT, mp_rvu REAL, total_nonfac REAL,
  total_fac REAL, pctc TEXT, global_days TEXT, mult_proc TEXT, bilateral TEXT, assistant TEXT,
  co_surgeon TEXT, team TEXT, conv_factor REAL);
CREATE INDEX IF NOT EXISTS pfs_code ON pfs (code);
"""
TABLES = {"ptp": PtpRow, "mue": MueRow, "pfs": PfsRow}


class EmptyRelease(ValueError):
    """A file that parsed but gave nothing to store: no rows, or no date to apply them from."""


@dataclass(frozen=True)
class Release:
    id: int
    kind: str
    setting: str
    effective: date
    source: str
    rows: int

    @property
    def label(self) -> str:
        return f"CMS {self.kind.upper()} {self.setting} {self.effective} ({self.source})"


def data_dir() -> Path:
    """$C2C_KB_DIR, else the user data folder of case2code."""
    env = os.environ.get("C2C_KB_DIR")
    if env:
        return Path(env)
    return _user_data_dir()


@lru_cache(maxsize=1)
def _user_data_dir() -> Path:
    """Asked of platformdirs once: every coded note checks for an import, and platformdirs
    reads the environment and builds paths on each call (a tenth of a note's time)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("case2code", appauthor=False))


def db_path() -> Path:
    return _db_path(os.environ.get("C2C_KB_DIR"))


@lru_cache(maxsize=8)
def _db_path(env: str | None) -> Path:
    """The path for one value of $C2C_KB_DIR, built once (every coded note asks)."""
    return (Path(env) if env else _user_data_dir()) / DB_NAME


class Store:
    def __init__(self, path: Path, create: bool = False):
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False)
        if create:
            self.db.executescript(SCHEMA)

    @classmethod
    def existing(cls) -> Store | None:
        """The store, or None when nothing was ever imported (the common case)."""
        path = db_path()
        try:
            mtime = os.stat(path).st_mtime_ns  # one system call, asked for every coded note
        except (FileNotFoundError, NotADirectoryError):  # what Path.exists() reads as absent
            return None
        cached = _OPEN.get(path)
        if cached is None or cached[1] != mtime:
            cached = (cls(path), mtime)
            _OPEN[path] = cached
        return cached[0]

    def add(
        self, kind: str, setting: str, effective: date | None, source: Path, rows: Iterable
    ) -> Release:
        """Store one release, streaming its rows (a CMS PTP file holds about a million). With
        no `effective`, the newest row's effective date (PTP) dates the release. Raises
        EmptyRelease (and stores nothing) when the file had no rows or no date."""
        sha = hashlib.sha256(source.read_bytes()).hexdigest()
        with self.db:
            for (old_id,) in self.db.execute(
                "SELECT id FROM imports WHERE kind=? AND setting=? AND sha256=?",
                (kind, setting, sha),
            ).fetchall():
                self.db.execute(f"DELETE FROM {kind} WHERE import_id=?", (old_id,))
                self.db.execute("DELETE FROM imports WHERE id=?", (old_id,))
            import_id = self.db.execute(
                "INSERT INTO imports (kind, setting, effective, source, sha256, rows, imported_at)"
                " VALUES (?,?,?,?,?,0,?)",
                (
                    kind,
                    setting,
                    effective.isoformat() if effective else "",
                    source.name,
                    sha,
                    _now(),
                ),
            ).lastrowid
            names = [f.name for f in fields(TABLES[kind])]
            sql = (
                f"INSERT INTO {kind} (import_id, {', '.join(names)}) "
                f"VALUES ({', '.join('?' * (len(names) + 1))})"
            )
            self.db.executemany(sql, ((import_id, *map(_plain, astuple(r))) for r in rows))
            count, newest = self._count(kind, import_id)
            when = effective or (date.fromisoformat(newest) if newest else None)
            if not count or when is None:
                raise EmptyRelease("has no data rows" if not count else "names no release date")
            self.db.execute(
                "UPDATE imports SET rows=?, effective=? WHERE id=?",
                (count, when.isoformat(), import_id),
            )
        _OPEN.pop(self.path, None)
        return Release(import_id, kind, setting, when, source.name, count)

    def _count(self, kind: str, import_id: int) -> tuple[int, str | None]:
        newest = "MAX(effective)" if kind == "ptp" else "NULL"
        return self.db.execute(
            f"SELECT COUNT(*), {newest} FROM {kind} WHERE import_id=?", (import_id,)
        ).fetchone()

    def releases(self, kind: str | None = None, setting: str | None = None) -> list[Release]:
        sql = "SELECT id, kind, setting, effective, source, rows FROM imports"
        rows = self.db.execute(sql + " ORDER BY kind, setting, effective").fetchall()
        out = [Release(i, k, s, date.fromisoformat(e), src, n) for i, k, s, e, src, n in rows]
        return [r for r in out if (kind in (None, r.kind)) and (setting in (None, r.setting))]

    def release_on(self, kind: str, setting: str, on: date | None) -> Release | None:
        """The newest release of that kind and setting in force on the date (newest if no date)."""
        found = [r for r in self.releases(kind, setting) if on is None or r.effective <= on]
        return found[-1] if found else None

    def query(self, sql: str, args: tuple) -> list[tuple]:
        return self.db.execute(sql, args).fetchall()


_OPEN: dict[Path, tuple[Store, int]] = {}


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
