"""A batch killed mid-run (SIGKILL, no chance to clean up) and resumed ends with exactly the
file an uninterrupted run writes: no line lost, none written twice, a torn last line dropped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from case2code.batch_io import _keep_complete_lines
from case2code.batch_run import BatchOptions, run_batch
from case2code.errors import InputError

GOLD = Path(__file__).resolve().parent / "corpus" / "gold.jsonl"


def _input(tmp_path: Path, n: int = 40) -> Path:
    rows = [json.loads(x) for x in GOLD.read_text().splitlines()[:n]]
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({k: r[k] for k in ("id", "text", "date_of_service")}) for r in rows]
    lines.insert(5, "not json")  # a failing line among them: resume keeps it too
    src.write_text("\n".join(lines) + "\n")
    return src


def _batch(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "case2code.cli", "batch", *args, "-w", "1", "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _lines_in(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_killed_batch_resumes_to_the_same_output_as_an_uninterrupted_run(tmp_path):
    src = _input(tmp_path)
    reference = tmp_path / "reference.jsonl"
    run_batch(BatchOptions(str(src), str(reference), workers=0))
    out, partial = tmp_path / "out.jsonl", tmp_path / "out.jsonl.partial"

    proc = _batch(str(src), "-o", str(out))
    deadline = time.monotonic() + 300
    while _lines_in(partial) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    written = _lines_in(partial)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists() and 5 <= written < 41, "the run must be killed mid-way"
    with open(partial, "ab") as f:
        f.write(b'{"id": "torn-half-li')  # as if the kill fell in the middle of a write

    resumed = _batch(str(src), "-o", str(out), "--resume")
    _, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 1, err  # the "not json" line failed, in both runs
    assert out.read_bytes() == reference.read_bytes()
    assert not partial.exists()


def test_resume_cuts_a_torn_last_line_and_counts_whole_ones(tmp_path):
    partial = tmp_path / "o.partial"
    partial.write_bytes(b'{"line": 1}\n{"line": 2}\n{"li')
    assert _keep_complete_lines(partial) == (2, 0, b'{"line": 2}\n')
    assert partial.read_bytes() == b'{"line": 1}\n{"line": 2}\n'


def test_resume_counts_the_failed_lines_the_killed_run_wrote(tmp_path):
    partial = tmp_path / "o.partial"
    partial.write_bytes(
        b'{"id": "a", "line": 1, "error": null}\n{"line": 2, "error": {"code": "E011"}}\n'
        b"line 3\tb\t[E010] empty\n"
    )
    assert _keep_complete_lines(partial)[:2] == (3, 2)


def test_resume_refuses_a_partial_output_written_for_another_input(tmp_path):
    src = _input(tmp_path, n=3)
    out = tmp_path / "o.jsonl"
    Path(str(out) + ".partial").write_text('{"id": "other-note", "line": 1, "error": null}\n')
    with pytest.raises(InputError) as err:
        run_batch(BatchOptions(str(src), str(out), workers=0, resume=True))
    assert err.value.code == "E034" and "'other-note'" in err.value.message


def test_resume_without_a_partial_file_starts_afresh(tmp_path):
    src = _input(tmp_path, n=2)
    out = tmp_path / "o.jsonl"
    summary = run_batch(BatchOptions(str(src), str(out), workers=0, resume=True))
    assert (summary.lines, summary.resumed) == (3, 0)
    assert _lines_in(out) == 3
