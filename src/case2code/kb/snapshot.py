"""The compiled KB snapshot: the validated KB pickled into a cache folder, so that a new process
reads one file instead of parsing and validating every YAML file of `kb/data` (about a second).

A snapshot is keyed by everything that could change the validated object: the bytes of every
KB data file (the same digest results carry as `kb_hash`), the package version, the source of
the `kb` package (schema and checks: a development edit with an unchanged version), the
snapshot format, the versions of Python and pydantic (the pickled models' layout) and the files
of the ICD-10-CM code set the KB was validated against. A snapshot whose key does not match,
or that cannot be read, is rebuilt from the YAML; a cache folder that cannot be written only
costs speed.
The folder is `C2C_CACHE_DIR` when set, else the platform's user cache folder (platformdirs).
Like any cache of pickles, the folder must be writable only by its user.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 1
KEEP = 8  # snapshots kept per folder: a few installs or KB edits side by side, not every one


def content_hash(folder: Path, pattern: str = "*") -> str:
    """sha256 over every file of a KB data folder, by relative name and bytes, in name order:
    where the folder lives does not matter, any edit to any data file does."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _code_set_files() -> str:
    """Name and size of each file of simple-icd-10-cm's data (the code list names its release),
    found without importing the package, whose import parses the whole tabular XML."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        return "simple-icd-10-cm missing"
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return ";".join(f"{p.name}:{p.stat().st_size}" for p in sorted(data.iterdir()) if p.is_file())


def cache_dir() -> Path:
    if os.environ.get("C2C_CACHE_DIR"):
        return Path(os.environ["C2C_CACHE_DIR"])
    import platformdirs

    return Path(platformdirs.user_cache_dir("case2code", appauthor=False))


def snapshot_key(kb_hash: str, name: str = "kb") -> str:
    import pydantic

    from .. import __version__

    parts = (
        FORMAT,
        name,
        kb_hash,
        __version__,
        content_hash(Path(__file__).parent, "*.py"),
        sys.version,
        pydantic.VERSION,
        _code_set_files(),
    )
    return hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()


def load_or_build(
    folder: Path, build: Callable[[Path, str], Any], cache: Path | None = None, name: str = "kb"
) -> Any:
    """The snapshot of `folder` when one with the right key exists, else `build(folder, hash)`
    (which validates and may raise KBValidationError), saved for the next process.

    `name` keeps apart the snapshots of other objects validated from the same folder (say a
    table read lazily, on first need), each rebuilt when any file of the folder changes."""
    kb_hash = content_hash(folder)
    key = snapshot_key(kb_hash, name)
    path = (cache or cache_dir()) / f"{name}-{key[:32]}.pickle"
    kb = _read(path, key)
    if kb is None:
        kb = build(folder, kb_hash)
        _write(path, key, kb, name)
    return kb


def load_or_build_keyed(
    name: str, parts: tuple, build: Callable[[], Any], cache: Path | None = None
) -> Any:
    """`build()`'s value, saved for the next process under a key of `parts` (everything the
    value depends on): for objects compiled from KB data that are not the KB itself, such as
    the regex prefilter's automaton."""
    key = hashlib.sha256("\n".join(map(str, (FORMAT, name, *parts))).encode()).hexdigest()
    path = (cache or cache_dir()) / f"{name}-{key[:32]}.pickle"
    value = _read(path, key)
    if value is None:
        value = build()
        _write(path, key, value, name)
    return value


def _read(path: Path, key: str) -> Any:
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except Exception:  # noqa: BLE001 - missing, torn or stale (classes moved): rebuild it
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    return stored.get("kb")


def _write(path: Path, key: str, kb: Any, name: str) -> None:
    """Atomic (a reader sees the old file or the whole new one). A KB attribute that cannot be
    pickled raises here, loudly, rather than making every start-up slow without a word."""
    import tempfile  # only when a snapshot is written: a start that reads one never needs it

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.NamedTemporaryFile("wb", dir=path.parent, suffix=".tmp", delete=False)
    except OSError:
        return  # a read-only cache folder only costs speed
    try:
        with tmp:
            pickle.dump({"key": key, "kb": kb}, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
        _prune(path.parent, name)
    except OSError:
        pass  # a full disk only costs speed
    finally:
        Path(tmp.name).unlink(missing_ok=True)


def _prune(folder: Path, name: str) -> None:
    found = sorted(folder.glob(f"{name}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in found[KEEP:]:
        old.unlink(missing_ok=True)
