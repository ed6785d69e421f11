"""The worker pool: results in input order, a stuck note stopped at its budget and a crashed
worker replaced, each costing its own line only."""

from __future__ import annotations

import json
import os
import time
from datetime import date

import pytest

from case2code.batch import Job
from case2code.engine import Coder
from case2code.model import Note
from case2code.workers import Pool

FEMUR = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a painful right femur "
    "metastasis from breast cancer. The lesion was ablated with a single probe."
)


class SlowCoder(Coder):
    """The real coder, except that a note id names a misbehaviour: 'stuck' never returns,
    'crash' kills its process, 'slow-N' sleeps N tenths of a second first."""

    def code(self, note):
        if note.id == "stuck":
            time.sleep(3600)
        if note.id == "crash":
            os._exit(3)
        if note.id.startswith("slow-"):
            time.sleep(int(note.id.split("-")[1]) / 10)
        return super().code(note)


def _jobs(ids):
    dos = date(2025, 6, 2)
    return [Job(i, Note(FEMUR, note_id, date_of_service=dos)) for i, note_id in enumerate(ids, 1)]


def test_results_come_back_in_input_order_although_later_notes_finish_first():
    ids = ["slow-6", "a", "slow-3", "b", "c"]
    with Pool(2, timeout_s=30, make_coder=SlowCoder) as pool:
        out = list(pool.run(_jobs(ids)))
    assert [o["id"] for o in out] == ids
    assert all(o["error"] is None and o["cpt"][0]["code"] == "20982" for o in out)


def test_a_stuck_note_gets_e016_and_the_batch_goes_on_with_a_fresh_worker():
    ids = ["a", "stuck", "b", "c"]
    with Pool(1, timeout_s=2, make_coder=SlowCoder) as pool:
        out = list(pool.run(_jobs(ids)))
        replaced = pool.replaced
    assert [o["id"] for o in out] == ids
    assert out[1]["error"]["code"] == "E016" and out[1]["line"] == 2
    assert "stuck" in out[1]["error"]["message"] and "2 s" in out[1]["error"]["message"]
    assert [o["cpt"][0]["code"] for o in (out[0], out[2], out[3])] == ["20982"] * 3
    assert replaced == 1


def test_a_worker_that_dies_costs_its_note_an_e099_line_only():
    ids = ["a", "crash", "b"]
    with Pool(2, timeout_s=30, make_coder=SlowCoder) as pool:
        out = list(pool.run(_jobs(ids)))
    assert [o["id"] for o in out] == ids
    assert out[1]["error"]["code"] == "E099" and "exit code 3" in out[1]["error"]["message"]
    assert out[0]["error"] is None and out[2]["error"] is None


def test_lines_refused_before_coding_keep_their_place_among_coded_ones():
    jobs = _jobs(["a", "b"])
    bad = Job(2, out={"line": 2, "error": {"code": "E011", "message": "not JSON"}})
    jobs = [jobs[0], bad, Job(3, jobs[1].note)]
    with Pool(2, timeout_s=30) as pool:
        out = list(pool.run(jobs))
    assert [o["line"] for o in out] == [1, 2, 3]
    assert out[1]["error"]["code"] == "E011"


def test_the_pool_reads_ahead_no_more_than_its_window():
    read = []

    def jobs():
        for job in _jobs([f"n{i}" for i in range(40)]):
            read.append(job.line)
            yield job

    with Pool(1, timeout_s=30) as pool:
        for n, _ in enumerate(pool.run(jobs()), 1):
            assert len(read) - n <= pool.window
    assert len(read) == 40


@pytest.mark.parametrize("workers", [0, 2])
def test_in_process_and_pool_runs_write_the_same_lines(tmp_path, workers):
    from case2code.batch_run import BatchOptions, run_batch

    src = tmp_path / "in.jsonl"
    good = {"id": "a", "text": FEMUR, "date_of_service": "2025-06-02"}
    src.write_text(json.dumps(good) + "\nnot json\n")
    out = tmp_path / f"out{workers}.jsonl"
    summary = run_batch(BatchOptions(str(src), str(out), workers=workers))
    assert (summary.lines, summary.errors) == (2, 1)
    first, second = out.read_text().splitlines()
    assert '"code": "20982"' in first and '"E011"' in second
