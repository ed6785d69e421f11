"""Load, validate and hold the knowledge base.

The loader reads every YAML file under a data folder (the bundled `kb/data` by default, beside
this module), validates each against `kb.schema`, then checks what a schema
cannot: every stated fact has a source that exists, every selection value belongs to the shared
vocabulary, every cross-reference (add-on primaries, guidance codes, edits) names a known code,
and every ICD-10-CM code is a billable leaf of the official set. All problems of all files are
gathered and raised together in one `KBValidationError`, each with its file and entry path.
`get_kb()` does this once per KB content: later processes read the compiled snapshot
(`kb.snapshot`). YAML is parsed with libyaml's CSafeLoader where PyYAML was built with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import CodeNotEffectiveError, KBValidationError, UnknownCodeError
from . import icd10, snapshot
from .schema import (
    SOURCED_FACTS,
    CodeEntry,
    CodeFamily,
    CompanionRules,
    EditTable,
    Explanations,
    Guidelines,
    NeoplasmMaps,
    NeoplasmSiteMap,
    ReviewPolicy,
    SourceCatalog,
)

SPECIAL_FILES = {
    "sources.yaml",
    "vocabulary.yaml",
    "edits.yaml",
    "neoplasm-maps.yaml",
    "release.yaml",
    "search-terms.yaml",
    "neoplasm-sites.yaml",
    "guidelines.yaml",
    "review.yaml",
    "companion-rules.yaml",
    "explain.yaml",
}
VOCAB_KEYS = ("action", "organ", "approach", "modality", "region", "guidance", "nature")


@dataclass
class KB:
    """The loaded knowledge base. Build it with `load_kb()`; `get_kb()` caches the bundled one."""

    release: str
    codes: dict[str, CodeEntry]
    families: dict[str, CodeFamily]
    sources: dict[str, Any]
    vocabulary: dict[str, list[str]]
    edits: EditTable
    maps: NeoplasmMaps
    review: ReviewPolicy | None = None
    companion_rules: CompanionRules | None = None
    explain: Explanations | None = None
    _by_family: dict[str, list[str]] = field(default_factory=dict)
    content_hash: str = ""  # sha256 of the data files (snapshot.content_hash): results' kb_hash
    icd10_release: str = ""  # the code set it was validated against, kept in the snapshot

    @property
    def version(self) -> str:
        return f"{self.release}+icd10cm-{self.icd10_release or icd10.release()}"

    def entry(self, code: str) -> CodeEntry:
        key = code.strip().upper()
        if key not in self.codes:
            raise UnknownCodeError.make(
                "E002", code=code, release=self.release, suggestions=self.suggest(key)
            )
        return self.codes[key]

    def entry_on(self, code: str, on: date) -> CodeEntry:
        """The entry, or CodeNotEffectiveError when the code did not exist on that date."""
        entry = self.entry(code)
        if not is_effective(entry, on):
            raise CodeNotEffectiveError.make(
                "E003",
                code=entry.code,
                date=on.isoformat(),
                effective=entry.effective or _unknown_start(entry),
                end=entry.end or "present",
                replacement=self._replacement_hint(entry, on),
            )
        return entry

    def _replacement_hint(self, entry: CodeEntry, on: date) -> str:
        others = [
            c.code for c in self.codes.values() if entry.code in c.replaces and is_effective(c, on)
        ]
        others += [c for c in entry.replaces if c in self.codes and is_effective(self.codes[c], on)]
        return f"On that date report: {', '.join(others)}." if others else ""

    def suggest(self, key: str, limit: int = 5) -> str:
        import difflib

        pool = list(self.codes)
        close = difflib.get_close_matches(key, pool, n=limit, cutoff=0.5)
        if not close:
            close = [c for c in pool if c[:3] == key[:3]][:limit]
        return ", ".join(close) or "none"

    def active(self, on: date) -> list[CodeEntry]:
        return [c for c in self.codes.values() if is_effective(c, on)]


def _unknown_start(entry: CodeEntry) -> str:
    seen = f" (in use by {entry.seen_from})" if entry.seen_from else ""
    return f"from an unknown start{seen}"


def is_effective(entry: CodeEntry, on: date) -> bool:
    """A code with no sourced start date is in effect on any date up to its end."""
    started = entry.effective is None or entry.effective <= on
    return started and (entry.end is None or on <= entry.end)


class _Problems(list):
    """Problems found so far; `broken` holds codes whose entry failed, so references to them
    are not reported a second time as unknown codes."""

    broken: set
    where: dict

    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")

    def from_validation(self, where: str, exc: ValidationError) -> None:
        for err in exc.errors():
            path = _format_loc(err["loc"])
            self.add(f"{where}: {path}" if path else where, err["msg"])


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f" -> {part}" if out else str(part))
    return out


def _data_dir() -> Path:
    """The bundled data folder, a plain directory of the installed package (not importlib's
    resources API: importing it cost about 10 ms of the KB's cold start, measured in paired
    fresh processes, and the package is never zipped)."""
    return Path(__file__).resolve().parent / "data"


def _read_yaml(path: Path, problems: _Problems) -> Any:
    """libyaml's CSafeLoader where PyYAML has it (same YAML, parsed in C); PyYAML is imported
    here, not at module import, since a start-up from the snapshot never parses YAML."""
    import yaml

    if not path.exists():
        problems.add(path.name, f"file is missing from {path.parent}")
        return None
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.add(path.name, f"cannot be read as YAML ({exc})")
        return None


def _parse(model: type[BaseModel], raw: Any, where: str, problems: _Problems):
    if raw is None:
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems.from_validation(where, exc)
        return None


def load_kb(data_dir: str | Path | None = None, content_hash: str | None = None) -> KB:
    """Load and validate every file of a KB folder; raise KBValidationError listing all problems.

    Always from the YAML (this is what KB authors run); `get_kb()` adds the snapshot."""
    folder = Path(data_dir) if data_dir else _data_dir()
    problems = _Problems()
    problems.broken, problems.where = set(), {}
    release = (_read_yaml(folder / "release.yaml", problems) or {}).get("kb_release", "unknown")
    catalog = _parse(
        SourceCatalog, _read_yaml(folder / "sources.yaml", problems), "sources.yaml", problems
    )
    vocabulary = _read_yaml(folder / "vocabulary.yaml", problems) or {}
    edits = _parse(EditTable, _read_yaml(folder / "edits.yaml", problems), "edits.yaml", problems)
    maps = _parse(
        NeoplasmMaps,
        _read_yaml(folder / "neoplasm-maps.yaml", problems),
        "neoplasm-maps.yaml",
        problems,
    )
    families = _load_families(folder, problems)
    explain = _parse(
        Explanations, _read_yaml(folder / "explain.yaml", problems), "explain.yaml", problems
    )
    review, companion_rules = (
        _optional(folder, "review.yaml", ReviewPolicy, problems),
        _optional(folder, "companion-rules.yaml", CompanionRules, problems),
    )
    source_ids = {s.id for s in catalog.sources} if catalog else set()
    codes = _index_codes(families, problems)
    _check_codes(codes, families, source_ids, vocabulary, problems)
    if edits:
        _check_edits(edits, codes, source_ids, problems)
    if maps:
        _check_maps(maps, source_ids, problems)
    _check_rule_sources(review, companion_rules, source_ids, problems)
    _check_companion_addons(companion_rules, codes, problems)
    if explain:
        _check_explain(explain, vocabulary, codes, problems)
    if problems:
        raise KBValidationError(list(problems))
    return KB(
        release=release,
        codes=codes,
        families={f.family: f for _, f in families},
        sources={s.id: s for s in catalog.sources},
        vocabulary=vocabulary,
        edits=edits,
        maps=maps,
        content_hash=content_hash or snapshot.content_hash(folder),
        icd10_release=icd10.release(),
        review=review,
        companion_rules=companion_rules,
        explain=explain,
    )


def _optional(folder: Path, name: str, model: type[BaseModel], problems: _Problems):
    """A rule file that a KB folder may leave out (test KBs); when present it must validate."""
    path = folder / name
    return _parse(model, _read_yaml(path, problems), name, problems) if path.exists() else None


def _check_rule_sources(review, companion_rules, source_ids, problems: _Problems) -> None:
    for fname, table in (("review.yaml", review), ("companion-rules.yaml", companion_rules)):
        for i, rule in enumerate(table.rules if table else []):
            for sid in rule.sources:
                if sid not in source_ids:
                    problems.add(f"{fname}: rules[{i}] ({rule.id})", f"unknown source id '{sid}'")


def _check_companion_addons(companion_rules, codes, problems: _Problems) -> None:
    """An `addon` outcome names a KB add-on code: the line it writes must have an entry."""
    for i, rule in enumerate(companion_rules.rules if companion_rules else []):
        if rule.outcome == "addon" and rule.addon not in codes:
            where = f"companion-rules.yaml: rules[{i}] ({rule.id}) -> addon"
            problems.add(where, f"'{rule.addon}' is not a KB code: add its entry or fix the code")


def _check_explain(explain: Explanations, vocabulary, codes, problems: _Problems) -> None:
    """Every action and organ a fact can carry, and every counted item of a unit rule, has
    words in explain.yaml: a rationale never falls back to a vocabulary id."""
    for key, table in (("action", explain.actions), ("organ", explain.organs)):
        for value in vocabulary.get(key, []):
            if value not in table:
                problems.add(f"explain.yaml: {key}s", f"no words for {key} '{value}'; add them")
    for value in vocabulary.get("approach", []):
        if value not in explain.approaches:
            problems.add("explain.yaml: approaches", f"no words for approach '{value}'; add them")
    for value in vocabulary.get("assertion", []):
        if value not in ("performed", "aborted") and value not in explain.assertions:
            problems.add("explain.yaml: assertions", f"no words for assertion '{value}'")
    for entry in codes.values():
        item = entry.units.item if entry.units else None
        if item and item not in explain.items:
            problems.add("explain.yaml: items", f"no words for unit item '{item}' ({entry.code})")


def _load_families(folder: Path, problems: _Problems) -> list[tuple[str, CodeFamily]]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name in SPECIAL_FILES:
            continue
        raw = _read_yaml(path, problems)
        if not isinstance(raw, dict):
            if raw is not None:
                problems.add(path.name, "must be a mapping with family, description and codes")
            continue
        codes = [
            _parse_entry(path.name, i, item, problems)
            for i, item in enumerate(raw.get("codes") or [])
        ]
        family = _parse(CodeFamily, {**raw, "codes": []}, path.name, problems)
        if family:
            out.append((path.name, family.model_copy(update={"codes": [c for c in codes if c]})))
    return out


def _parse_entry(fname: str, i: int, item: Any, problems: _Problems) -> CodeEntry | None:
    """Each entry on its own, so one bad entry hides neither its file's other entries nor
    their problems; the location names the entry's code."""
    code = item.get("code") if isinstance(item, dict) else None
    entry = _parse(CodeEntry, item, f"{fname}: codes[{i}] ({code})", problems)
    problems.where[(fname, str(code))] = i
    if entry is None and code:
        problems.broken.add(str(code))
    return entry


def _index_codes(families, problems: _Problems) -> dict[str, CodeEntry]:
    codes: dict[str, CodeEntry] = {}
    for fname, fam in families:
        for i, entry in enumerate(fam.codes):
            if entry.code in codes:
                problems.add(f"{fname}: codes[{i}] ({entry.code})", "code is defined twice")
            codes[entry.code] = entry
    return codes


def _check_codes(codes, families, source_ids, vocabulary, problems: _Problems) -> None:
    for fname, fam in families:
        for entry in fam.codes:
            i = problems.where.get((fname, entry.code), "?")
            where = f"{fname}: codes[{i}] ({entry.code})"
            _check_sources(entry, where, source_ids, problems)
            _check_selection(entry, where, vocabulary, problems)
            _check_references(entry, where, codes, problems)
            for j, item in enumerate(entry.includes):
                if item not in vocabulary.get("includes", []):
                    problems.add(
                        f"{where} -> includes[{j}]", f"'{item}' is not in vocabulary.yaml includes"
                    )
            for j, item in enumerate(entry.documentation):
                if item not in vocabulary.get("documentation", []):
                    problems.add(
                        f"{where} -> documentation[{j}]",
                        f"'{item}' is not in vocabulary.yaml documentation",
                    )
            for j, prefix in enumerate(entry.dx_support):
                if not icd10.is_valid(prefix):
                    problems.add(
                        f"{where} -> dx_support[{j}]",
                        f"'{prefix}' is not an ICD-10-CM code or category",
                    )


def _check_sources(entry: CodeEntry, where: str, source_ids: set[str], problems) -> None:
    stated = entry.model_dump(exclude_defaults=True)
    for fact in SOURCED_FACTS:
        if fact in stated and not entry.sources.get(fact):
            problems.add(
                where,
                f"fact '{fact}' has no source: add sources.{fact}: [id, ...] or leave the fact out",
            )
    for fact, ids in entry.sources.items():
        for sid in ids:
            if sid not in source_ids:
                problems.add(
                    f"{where} -> sources -> {fact}",
                    f"unknown source id '{sid}': add it to sources.yaml",
                )


OPEN_KEYS = ("site", "indication")  # fact attributes with no closed list in vocabulary.yaml


def _check_selection(entry: CodeEntry, where: str, vocabulary, problems) -> None:
    if entry.select is None:
        return
    for key in entry.select.require:
        if key not in (*VOCAB_KEYS, *OPEN_KEYS):
            problems.add(f"{where} -> select -> require", f"'{key}' is not a fact attribute")
    for key, values in entry.select.exclude.items():
        if key not in VOCAB_KEYS and key not in OPEN_KEYS:
            problems.add(f"{where} -> select -> exclude", f"'{key}' is not a fact attribute")
        elif key not in OPEN_KEYS and set(values) - set(vocabulary.get(key, [])):
            problems.add(f"{where} -> select -> exclude -> {key}", "value not in vocabulary.yaml")
    for key in VOCAB_KEYS:
        allowed = set(vocabulary.get(key, []))
        for value in getattr(entry.select, key) or []:
            if value not in allowed:
                problems.add(
                    f"{where} -> select -> {key}",
                    f"'{value}' is not in vocabulary.yaml {key}: {sorted(allowed)}",
                )


def _check_references(entry: CodeEntry, where: str, codes, problems) -> None:
    refs = [("addon_to", c) for c in entry.addon_to] + [("replaces", c) for c in entry.replaces]
    refs += [("components", c.code) for c in entry.components]
    if entry.guidance:
        refs += [("guidance -> separate", c) for c in entry.guidance.separate.values()]
        refs += [("guidance -> bundled", c) for c in entry.guidance.bundled]
    for field_name, code in refs:
        if code not in codes and code not in problems.broken:
            problems.add(f"{where} -> {field_name}", f"'{code}' is not a code of the KB")


def _check_edits(edits: EditTable, codes, source_ids, problems: _Problems) -> None:
    for i, edit in enumerate(edits.edits):
        where = f"edits.yaml: edits[{i}] ({edit.column1}/{edit.column2})"
        for code in (edit.column1, edit.column2):
            if code not in codes and code not in problems.broken:
                problems.add(where, f"'{code}' is not a code of the KB")
        for sid in edit.sources:
            if sid not in source_ids:
                problems.add(where, f"unknown source id '{sid}'")


def _check_maps(maps: NeoplasmMaps, source_ids, problems: _Problems) -> None:
    for path, code in _map_codes(maps):
        if not icd10.is_billable(code):
            kind = "not billable (not a leaf)" if icd10.is_valid(code) else "not in ICD-10-CM"
            problems.add(f"neoplasm-maps.yaml: {path}", f"'{code}' is {kind}; use a leaf code")
    for path, ids in _map_sources(maps):
        for sid in ids:
            if sid not in source_ids:
                problems.add(f"neoplasm-maps.yaml: {path}", f"unknown source id '{sid}'")


def _sided(path: str, sided) -> list[tuple[str, str]]:
    if sided is None:
        return []
    return [(f"{path} -> {k}", v) for k, v in sided.model_dump().items() if v]


def _map_codes(maps: NeoplasmMaps) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, p in enumerate(maps.primary_sites):
        where = f"primary_sites[{i}] ({p.site})"
        out += _sided(f"{where} -> codes", p.codes) + _sided(f"{where} -> male", p.male)
        out.append((f"{where} -> history", p.history))
    for i, s in enumerate(maps.secondary_sites):
        out += _sided(f"secondary_sites[{i}] ({s.site}) -> codes", s.codes)
    for i, b in enumerate(maps.bone_sites):
        where = f"bone_sites[{i}] ({b.site})"
        out += _sided(f"{where} -> benign", b.benign) + _sided(f"{where} -> primary", b.primary)
        out += [
            (f"{where} -> fracture -> {k}", f"{v}A")
            for k, v in b.fracture.model_dump().items()
            if v
        ]
    out += [(f"myeloma -> {k}", r.code) for k, r in maps.myeloma.items()]
    out += [
        ("unknown_primary", maps.unknown_primary.code),
        ("neoplasm_pain", maps.neoplasm_pain.code),
    ]
    for i, ind in enumerate(maps.indications):
        out += [(f"indications[{i}] ({ind.indication}) -> {k}", v) for k, v in ind.codes.items()]
    return out


def _map_sources(maps: NeoplasmMaps) -> list[tuple[str, list[str]]]:
    items = [(f"primary_sites[{i}]", p.sources) for i, p in enumerate(maps.primary_sites)]
    items += [(f"secondary_sites[{i}]", s.sources) for i, s in enumerate(maps.secondary_sites)]
    items += [(f"bone_sites[{i}]", b.sources) for i, b in enumerate(maps.bone_sites)]
    items += [(f"myeloma -> {k}", r.sources) for k, r in maps.myeloma.items()]
    items += [
        ("unknown_primary", maps.unknown_primary.sources),
        ("neoplasm_pain", maps.neoplasm_pain.sources),
    ]
    items += [(f"indications[{i}]", x.sources) for i, x in enumerate(maps.indications)]
    return items


@lru_cache(maxsize=1)
def get_kb() -> KB:
    """The bundled KB, loaded once per process on first use (never at import): from its
    snapshot when the data files, package and libraries are those it was built from, else
    validated from the YAML and snapshotted for the next process."""
    return snapshot.load_or_build(_data_dir(), load_kb)


# ---------------------------------------------------------------- diagnosis data, read lazily
# The Neoplasm Table site map and the guideline rules are read on the first diagnosis that needs
# them, not by load_kb(), so KB start-up does not pay for them.


def _source_ids(folder: Path, problems: _Problems) -> set[str]:
    catalog = _parse(
        SourceCatalog, _read_yaml(folder / "sources.yaml", problems), "sources.yaml", problems
    )
    return {s.id for s in catalog.sources} if catalog else set()


def load_neoplasm_sites(data_dir: str | Path | None = None) -> NeoplasmSiteMap:
    """neoplasm-sites.yaml, checked against the Neoplasm Table: every term exists, every
    history code is a billable leaf, every source is catalogued, no site id is defined twice."""
    from .neoplasm_table import get_table

    folder = Path(data_dir) if data_dir else _data_dir()
    problems = _Problems()
    name = "neoplasm-sites.yaml"
    sites = _parse(NeoplasmSiteMap, _read_yaml(folder / name, problems), name, problems)
    known, table, seen = _source_ids(folder, problems), get_table(), set()
    for i, s in enumerate(sites.sites if sites else []):
        where = f"{name}: sites[{i}] ({s.site})"
        for term in [s.term, *s.also]:
            if term not in table:
                problems.add(where, f"'{term}' is not a term of the Neoplasm Table")
        if s.history and not icd10.is_billable(s.history):
            problems.add(where, f"history '{s.history}' is not a billable ICD-10-CM code")
        for sid in s.sources:
            if sid not in known:
                problems.add(where, f"unknown source id '{sid}': add it to sources.yaml")
        for ident in [s.site, *s.aliases]:
            if ident in seen:
                problems.add(where, f"site id '{ident}' is defined twice")
            seen.add(ident)
    if problems:
        raise KBValidationError(list(problems))
    return sites


def load_guidelines(data_dir: str | Path | None = None) -> Guidelines:
    """guidelines.yaml: every rule names catalogued sources and only billable codes."""
    folder = Path(data_dir) if data_dir else _data_dir()
    problems = _Problems()
    rules = _parse(
        Guidelines, _read_yaml(folder / "guidelines.yaml", problems), "guidelines.yaml", problems
    )
    known = _source_ids(folder, problems)
    for i, rule in enumerate(rules.rules if rules else []):
        where = f"guidelines.yaml: rules[{i}] ({rule.id})"
        for key, code in rule.codes.items():
            if not icd10.is_billable(code):
                problems.add(f"{where} -> codes -> {key}", f"'{code}' is not a billable code")
        for sid in rule.sources:
            if sid not in known:
                problems.add(where, f"unknown source id '{sid}': add it to sources.yaml")
    if problems:
        raise KBValidationError(list(problems))
    return rules


@lru_cache(maxsize=1)
def get_neoplasm_sites() -> NeoplasmSiteMap:
    """Validated once per KB content, then read from its own snapshot, like the KB."""
    return snapshot.load_or_build(
        _data_dir(), lambda folder, _: load_neoplasm_sites(folder), name="neoplasm-sites"
    )


@lru_cache(maxsize=1)
def get_guidelines() -> Guidelines:
    """Validated once per KB content, then read from its own snapshot, like the KB."""
    return snapshot.load_or_build(
        _data_dir(), lambda folder, _: load_guidelines(folder), name="guidelines"
    )
