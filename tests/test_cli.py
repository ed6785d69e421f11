"""CLI surfaces: batch keeps one line per input line; facts prints the reader's view."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "case2code" / "examples"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "case2code.cli", *args],
                          capture_output=True, text=True, check=False)


def test_batch_to_file_keeps_order_and_reports_bad_lines(tmp_path):
    out = tmp_path / "out.jsonl"
    done = _cli("batch", str(EXAMPLES / "notes.jsonl"), "-o", str(out), "--workers", "2")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert done.returncode == 1  # lines failed: the run is complete but not clean
    assert [r.get("id") for r in rows] == ["ex-bone", "ex-lung", "ex-bad", None]
    assert [r["line"] for r in rows] == [1, 2, 3, 4]
    assert [(c["code"], c["units"]) for c in rows[0]["cpt"]] == [("20983", 1)]
    assert [r["error"]["code"] for r in rows[2:]] == ["E010", "E011"]
    assert "4 lines, 2 with errors" in done.stderr and "2 lines failed" in done.stderr
    assert not (tmp_path / "out.jsonl.partial").exists()
    assert done.stdout == ""  # piped: no progress bar


def test_facts_prints_the_facet_procedure_with_its_evidence():
    done = _cli("facts", str(EXAMPLES / "facet-rf.txt"))
    first = done.stdout.splitlines()[:2]
    assert first[0].startswith("PROCEDURE {'action': 'ablation'")
    assert "'site': 'medial_branch'" in first[0] and "'laterality': 'right'" in first[0]
    assert first[1] == "  evidence: ['Radiofrequency ablation']"


def test_batch_shows_a_progress_bar_on_a_terminal_only(tmp_path):
    import os
    import pty
    import select

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "case2code.cli", "batch", str(EXAMPLES / "notes.jsonl"),
         "-w", "0", "-o", str(tmp_path / "out.jsonl")],
        stderr=follower, stdout=subprocess.DEVNULL,
    )
    os.close(follower)
    seen = b""
    while select.select([leader], [], [], 120)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.wait() == 1
    assert b"coding" in seen and b"\xe2\x94\x81" in seen  # Rich's bar, drawn on the terminal
    assert b"4 lines, 2 with errors" in seen
