"""Peak RSS of a process that only codes notes: `python bench/rss.py COUNT` codes COUNT
replicated gold notes with `case2code.code_note` and prints its peak RSS in MB."""

from __future__ import annotations

import sys

import measure

import case2code
import corpus


def main(count: int) -> None:
    for note in corpus.replicated(corpus.gold(), count):
        case2code.code_note(
            note.text, date_of_service=note.date_of_service, setting=note.setting, note_id=note.id
        )
    print(f"{measure.peak_rss_mb():.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
