"""The official ICD-10-CM code set, as shipped by the `simple-icd-10-cm` package.

Validation reads the package's code list directly (about 50 ms) instead of importing
`simple_icd_10_cm`, whose import parses the whole tabular XML (about 1.6 s) and would break the
one-second KB start-up bar. Descriptions and excludes notes come from the package itself, loaded
only when asked for, and descriptions are cached on disk per code-set release so that a second
run reads them in milliseconds.
"""

from __future__ import annotations

import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path

CODE_LIST_PREFIX = "code-list-"


def normalize(code: str) -> str:
    """'c79.51' -> 'C7951': the package's own key form."""
    return code.replace(".", "").strip().upper()


def dotted(code: str) -> str:
    """'C7951' -> 'C79.51'; chapter and block ids are returned unchanged."""
    key = normalize(code)
    if "-" in key or len(key) <= 3:
        return key
    return f"{key[:3]}.{key[3:]}"


@lru_cache(maxsize=1)
def _code_list() -> tuple[tuple[str, ...], str]:
    spec = importlib.util.find_spec("simple_icd_10_cm")  # locates without importing
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    name = next(p.name for p in data.iterdir() if p.name.startswith(CODE_LIST_PREFIX))
    codes = tuple(line.strip() for line in (data / name).read_text().splitlines() if line.strip())
    return codes, name.removeprefix(CODE_LIST_PREFIX).removesuffix(".txt")


@lru_cache(maxsize=1)
def _index() -> tuple[frozenset[str], frozenset[str]]:
    codes, _ = _code_list()
    real = [c for c in codes if "-" not in c and not c.isdigit()]
    leaves = {c for c, nxt in zip(real, real[1:] + [""], strict=True) if not nxt.startswith(c)}
    return frozenset(codes), frozenset(leaves)


def release() -> str:
    """The code-set release, e.g. 'April-2026'."""
    return _code_list()[1]


def is_valid(code: str) -> bool:
    """True for any item of the official set: chapter, block, category or code."""
    return normalize(code) in _index()[0] or code.strip() in _index()[0]


def is_billable(code: str) -> bool:
    """True only for a leaf code (the ones a claim may carry)."""
    return normalize(code) in _index()[1]


def codes_starting(prefix: str) -> list[str]:
    key = normalize(prefix)
    return sorted(dotted(c) for c in _index()[1] if c.startswith(key))


def _cache_path() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    from importlib import metadata  # here, not at import: it costs the KB start-up ~30 ms

    version = metadata.version("simple-icd-10-cm")
    return base / "case2code" / f"icd10cm-{release()}-{version}.json"


@lru_cache(maxsize=1)
def descriptions() -> dict[str, str]:
    """Every code's official description, keyed by the undotted code."""
    path = _cache_path()
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        pass
    import simple_icd_10_cm as sicd

    table = {c: sicd.get_description(c) for c in _index()[0]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(table))
        tmp.replace(path)
    except OSError:
        pass  # a read-only home only costs speed
    return table


def describe(code: str) -> str:
    return descriptions().get(normalize(code), "")


def notes(code: str) -> dict[str, list[str]]:
    """Includes and excludes notes of a code, for the reference view."""
    import simple_icd_10_cm as sicd

    key = normalize(code)
    return {
        "inclusion_terms": list(sicd.get_inclusion_term(key)),
        "excludes1": list(sicd.get_excludes1(key)),
        "excludes2": list(sicd.get_excludes2(key)),
        "code_also": _as_list(sicd.get_code_also(key)),
        "use_additional_code": _as_list(sicd.get_use_additional_code(key)),
        "seven_chr_note": [sicd.get_seven_chr_note(key)] if sicd.get_seven_chr_note(key) else [],
    }


# --------------------------------------------------------------------------- search side

ICD10CM_START = "2015-10-01"  # ICD-10-CM replaced ICD-9-CM in the US on this date of service
NOTE_KINDS = (
    "excludes1",
    "excludes2",
    "code_first",
    "code_also",
    "use_additional_code",
    "seven_chr_note",
)


def _as_list(value) -> list[str]:
    """The package returns some notes as a list and some as one string ('' = none)."""
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _notes_of(sicd, key: str) -> dict[str, list[str]]:
    return {
        "excludes1": _as_list(sicd.get_excludes1(key)),
        "excludes2": _as_list(sicd.get_excludes2(key)),
        "code_first": _as_list(sicd.get_code_first(key)),
        "code_also": _as_list(sicd.get_code_also(key)),
        "use_additional_code": _as_list(sicd.get_use_additional_code(key)),
        "seven_chr_note": _as_list(sicd.get_seven_chr_note(key)),
    }


def inherited_notes(code: str) -> list[dict]:
    """The tabular notes a coder reads for a code: its own, then each parent's (category,
    block, chapter), because Excludes, Code also and Use additional notes at a category or
    chapter apply to every code below it. Only levels that carry a note are listed."""
    import simple_icd_10_cm as sicd

    key = normalize(code)
    if not sicd.is_valid_item(key) and not sicd.is_valid_item(code.strip()):
        return []
    key = key if sicd.is_valid_item(key) else code.strip()
    out = []
    for level in [key, *sicd.get_ancestors(key)]:
        notes = {k: v for k, v in _notes_of(sicd, level).items() if v}
        if notes:
            out.append({"code": dotted(level), "title": sicd.get_description(level), **notes})
    return out


def _search_cache_path() -> Path:
    return _cache_path().with_name(_cache_path().stem + "-search.json")


@lru_cache(maxsize=1)
def search_rows() -> list[tuple[str, str, str, bool]]:
    """(dotted code, official title, inclusion terms, billable) for every category and code of
    the set, for the word index. Inclusion terms need the package's full parse (seconds), so
    the rows are cached on disk per release, like the descriptions."""
    path = _search_cache_path()
    try:
        return [tuple(r) for r in json.loads(path.read_text())]
    except (OSError, ValueError):
        pass
    import simple_icd_10_cm as sicd

    _, leaves = _index()
    names = descriptions()
    rows = [
        (dotted(c), names.get(c, ""), " ; ".join(sicd.get_inclusion_term(c)), c in leaves)
        for c in _code_list()[0]
        if "-" not in c and not c.isdigit()
    ]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(rows))
        tmp.replace(path)
    except OSError:
        pass
    return rows
