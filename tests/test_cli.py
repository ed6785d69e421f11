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
    assert "4 lines, 2 with errors" in done.stderr and "2 line(s) failed" in done.stderr
    assert not (tmp_path / "out.jsonl.partial").exists()
    assert done.stdout == ""  # piped: no progress bar


def test_facts_prints_the_facet_procedure_with_its_evidence():
    done = _cli("facts", str(EXAMPLES / "facet-rf.txt"))
    first = done.stdout.splitlines()[:2]
    assert first[0].startswith("PROCEDURE {'action': 'ablation'")
    assert "'site': 'medial_branch'" in first[0] and "'laterality': 'right'" in first[0]
    assert first[1] == "  evidence: ['Radiofrequency ablation']"
