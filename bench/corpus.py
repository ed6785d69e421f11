"""The benchmark's notes: the gold corpus replicated, and long notes built from real notes.

Long notes are whole gold notes joined by blank lines, never cut mid-note, so a 200 KB note
reads like a long day's procedure log rather than one sentence repeated.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "corpus" / "gold.jsonl"
KB_CHARS = 1000  # 1 KB; the notes are ASCII, and 200 KB stays within the engine's size limit


@dataclass(frozen=True, slots=True)
class BenchNote:
    id: str
    text: str
    date_of_service: str
    setting: str


def gold() -> list[BenchNote]:
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    return [
        BenchNote(r["id"], r["text"], r.get("date_of_service", "2025-06-02"), r["setting"])
        for r in rows
    ]


def replicated(notes: list[BenchNote], count: int) -> list[BenchNote]:
    """`count` notes cycling through the corpus, each copy with its own id."""
    cycle = itertools.cycle(notes)
    return [
        BenchNote(f"{n.id}#{i}", n.text, n.date_of_service, n.setting)
        for i, n in zip(range(count), cycle, strict=False)
    ]


def sized(notes: list[BenchNote], kb: int) -> BenchNote:
    """Whole gold notes joined until the next one would pass `kb` KB (at least one note)."""
    limit, parts, size = kb * KB_CHARS, [], 0
    for note in itertools.cycle(notes):
        if parts and size + len(note.text) + 2 > limit:
            break
        parts.append(note.text)
        size += len(note.text) + 2
    first = notes[0]
    return BenchNote(f"sized-{kb}kb", "\n\n".join(parts), first.date_of_service, first.setting)


def lexicon_literals() -> list[str]:
    """Every literal of the reader's lexicon, as written in lexicon.yaml, without duplicates."""
    import yaml

    path = ROOT / "src" / "case2code" / "nlp" / "data" / "lexicon.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]
    seen: dict[str, str] = {}
    for entry in entries:
        for literal in entry.get("literals") or []:
            seen.setdefault(str(literal).lower(), entry["id"])
    return sorted(seen)
