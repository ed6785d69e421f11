"""One batch run from input path to output path: read lines, code them (in this process or on a
worker pool), write them in order, and count what failed. The CLI only parses options and prints
the summary this returns."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

from .batch import LineReader, code_job, read_jobs
from .batch_io import Output, numbered_lines, open_input
from .engine import MAX_NOTE_BYTES

Progress = Callable[[int], None]  # called with the bytes of each line read


@dataclass(slots=True)
class BatchOptions:
    path: str
    out: str = "-"
    workers: int = 1  # 0: code in this process, without a time budget
    timeout_s: float = 10.0
    max_note_bytes: int = MAX_NOTE_BYTES
    resume: bool = False
    fmt: str = "json"


@dataclass(slots=True)
class Summary:
    lines: int = 0
    errors: int = 0
    warnings: int = 0
    resumed: int = 0  # lines kept from a killed run's partial output

    def text(self) -> str:
        kept = f" ({self.resumed} kept from the interrupted run)" if self.resumed else ""
        return (
            f"{self.lines} lines{kept}, {self.errors} with errors, "
            f"{self.warnings} with warnings"
        )


def run_batch(opts: BatchOptions, progress: Progress | None = None) -> Summary:
    """Code every line of opts.path into opts.out; raises the catalogue's InputError for a file
    problem (E030, E032-E034), never for a bad line."""
    summary = Summary()
    with ExitStack() as stack:
        stream = stack.enter_context(open_input(opts.path))
        out = Output(opts.out, opts.path, resume=opts.resume)
        stack.callback(out.close)
        summary.resumed = summary.lines = out.done
        summary.errors = out.done_failed
        raw = _counted(numbered_lines(stream, opts.max_note_bytes), progress)
        reader = LineReader(opts.path, opts.max_note_bytes)
        jobs = read_jobs(raw, reader, skip=out.done, kept=out.last_kept)
        for obj in _results(jobs, opts, stack):
            summary.lines += 1
            summary.errors += obj.get("error") is not None
            summary.warnings += bool(obj.get("warnings"))
            out.write(render(obj, opts.fmt))
        out.commit()
    return summary


def _results(jobs, opts: BatchOptions, stack: ExitStack) -> Iterator[dict]:
    if opts.workers <= 0:
        from .engine import Coder

        coder = Coder(max_note_bytes=opts.max_note_bytes)
        return (code_job(coder, job) for job in jobs)
    from .workers import Pool

    pool = stack.enter_context(
        Pool(opts.workers, timeout_s=opts.timeout_s, max_note_bytes=opts.max_note_bytes)
    )
    return pool.run(jobs)


def _counted(lines, progress: Progress | None):
    for line_no, data in lines:
        if progress is not None:
            progress(len(data) if data is not None else 0)
        yield line_no, data


def render(obj: dict, fmt: str) -> bytes:
    """One output line: the JSON object, or for text a tab-separated line a person can scan."""
    if fmt == "json":
        return (json.dumps(obj) + "\n").encode("ascii")  # \u escapes: no raw U+2028 in a line
    head = f"line {obj['line']}"
    if obj.get("error"):
        body = f"[{obj['error']['code']}] {obj['error']['message']}"
    else:
        cpt = " ".join(
            f"{c['code']}" + (f"-{'-'.join(c['modifiers'])}" if c["modifiers"] else "")
            + (f" x{c['units']}" if c["units"] != 1 else "")
            for c in obj["cpt"]
        )
        body = f"CPT {cpt or '-'} | ICD-10-CM {' '.join(d['code'] for d in obj['icd10']) or '-'}"
    warn = "".join(f" [{w['code']}]" for w in obj.get("warnings", []))
    text = "\t".join(x for x in (head, str(obj.get("id", "")), body + warn) if x)
    return (text.replace("\n", " ") + "\n").encode("utf-8", "surrogatepass")
