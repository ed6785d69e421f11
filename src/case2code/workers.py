"""Coding jobs on every core, in input order, with a time budget per note.

Each worker process builds its Coder once and codes one note at a time sent over its own pipe,
so a note that runs past its budget can be stopped by killing that one worker (a stuck regex or
a pathological note cannot be interrupted from inside); a fresh worker takes its place and the
note's line gets E016. Results are released in input order, and no more than `window` lines are
read ahead of the last one written, so memory stays flat however long the input is.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from multiprocessing.connection import Connection, wait

from .batch import Job, code_job, error_line
from .engine import MAX_NOTE_BYTES, Coder
from .errors import Errors


def _serve(conn: Connection, make_coder: Callable[[], Coder]) -> None:
    """Worker main loop: build the engine once, then code jobs until told to stop (None)."""
    coder = make_coder()
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the parent is gone (killed): nothing left to code for
            return
        if job is None:
            return
        conn.send(code_job(coder, job))


def _context():
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        ctx.set_forkserver_preload(["case2code.warm", "case2code.batch"])
    return ctx


class Worker:
    def __init__(self, ctx, make_coder: Callable[[], Coder]):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, make_coder), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self.job: tuple[int, Job] | None = None  # (sequence number, job) while coding
        self.deadline = float("inf")

    def give(self, seq: int, job: Job, timeout_s: float) -> None:
        self.job, self.deadline = (seq, job), time.monotonic() + timeout_s
        self.conn.send(job)

    def stop(self, *, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
            self.proc.join(timeout=2)
        if kill or self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


class Pool:
    """Ordered parallel coding: `for out in pool.run(jobs)` yields one dict per job, in order."""

    def __init__(
        self,
        workers: int,
        *,
        timeout_s: float = 10.0,
        max_note_bytes: int = MAX_NOTE_BYTES,
        make_coder: Callable[[], Coder] | None = None,
    ):
        """make_coder: a picklable factory run once in each worker (default: the bundled KB)."""
        self.size, self.timeout_s = workers, timeout_s
        self.make_coder = make_coder or partial(Coder, max_note_bytes=max_note_bytes)
        self.window = max(8, 4 * workers)
        self.ctx = _context()
        self.workers: list[Worker] = []
        self.replaced = self.start_failures = 0

    def __enter__(self) -> Pool:
        self.workers = [Worker(self.ctx, self.make_coder) for _ in range(self.size)]
        return self

    def __exit__(self, *exc) -> None:
        for w in self.workers:
            w.stop(kill=exc[0] is not None)

    def run(self, jobs: Iterable[Job]) -> Iterator[dict]:
        jobs, queue = iter(jobs), deque()
        done: dict[int, dict] = {}
        read = emitted = 0
        exhausted = False
        while True:
            while not exhausted and read - emitted < self.window:
                job = next(jobs, None)
                if job is None:
                    exhausted = True
                elif job.out is not None:
                    done[read] = job.out
                else:
                    queue.append((read, job))
                read += job is not None
            self._dispatch(queue, done)
            while emitted in done:
                yield done.pop(emitted)
                emitted += 1
            if exhausted and emitted == read:
                return
            self._collect(done)

    def _dispatch(self, queue: deque, done: dict[int, dict]) -> None:
        for w in list(self.workers):
            if w.ready and w.job is None and queue:
                seq, job = queue.popleft()
                try:
                    w.give(seq, job, self.timeout_s)
                except OSError:  # died while idle: the note is lost with it, as E099
                    done[seq] = self._lost(w, job, "E099")

    def _collect(self, done: dict[int, dict]) -> None:
        """Wait for a result, a ready worker or the nearest deadline; then settle what is due."""
        busy = [w for w in self.workers if w.job is not None]
        nearest = min((w.deadline for w in busy), default=time.monotonic() + 1)
        ready = wait([w.conn for w in self.workers], timeout=max(0, nearest - time.monotonic()))
        for w in list(self.workers):
            if w.conn in ready:
                self._receive(w, done)
            elif w.job is not None and time.monotonic() >= w.deadline:
                seq, job = w.job
                done[seq] = self._lost(w, job, "E016")

    def _receive(self, w: Worker, done: dict[int, dict]) -> None:
        try:
            msg = w.conn.recv()
        except (EOFError, OSError):  # the worker died: its note alone is lost, as an error
            if w.job is not None:
                seq, job = w.job
                done[seq] = self._lost(w, job, "E099")
            else:
                self._failed_start(w)
            return
        if msg == "ready":
            w.ready = True
        else:
            done[w.job[0]] = msg
            w.job, w.deadline = None, float("inf")

    def _lost(self, w: Worker, job: Job, code: str) -> dict:
        self._replace(w, kill=True)
        note_id = job.note.id if job.note else None
        if code == "E016":
            message = Errors.E016.format(note_id=note_id, seconds=self.timeout_s)
        else:
            message = (
                f"Internal error on this note (the worker process stopped, exit code "
                f"{w.proc.exitcode}); please report it with the note."
            )
        out = error_line(job.line, code, message, note_id)
        if job.warnings:
            out["warnings"] = job.warnings
        return out

    def _failed_start(self, w: Worker) -> None:
        """A worker that dies before it is ready is replaced a few times, then the batch stops:
        the engine itself cannot start (a broken KB), and no line could be coded."""
        self.start_failures += 1
        if self.start_failures > 2 * self.size + 2:
            w.stop(kill=True)
            raise RuntimeError(
                f"coding workers keep failing to start (exit {w.proc.exitcode}); run with "
                "--workers 0 to code in this process and see why"
            )
        self._replace(w, kill=True)

    def _replace(self, w: Worker, *, kill: bool = False) -> None:
        w.stop(kill=kill)
        self.workers[self.workers.index(w)] = Worker(self.ctx, self.make_coder)
        self.replaced += 1
