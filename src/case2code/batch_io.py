"""Files of a batch: input read as bytes one line at a time, output written beside its final path
and renamed there only when complete.

Lines are split on b"\\n" alone (a U+2028 inside a JSON string is text, not a line break) and
never held more than one at a time; a line over the size limit is skipped unread so a 50 MB line
costs no memory. The output is `OUT.partial` until the run ends; a killed run leaves that file,
and `--resume` keeps its complete lines, drops a torn last line and carries on from there.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

CHUNK = 1 << 16
LINE_OVERHEAD = 64 * 1024  # JSON around the note text: id, date, setting, escapes' slack


def numbered_lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; None instead of bytes for a line over max_bytes,
    whose rest is read and dropped in chunks. A last line without a newline still counts."""
    line_no = 0
    while True:
        data = stream.readline(max_bytes + LINE_OVERHEAD + 1)
        if not data:
            return
        line_no += 1
        if len(data) > max_bytes + LINE_OVERHEAD and not data.endswith(b"\n"):
            _skip_rest(stream)
            yield line_no, None
        else:
            yield line_no, data


def _skip_rest(stream: BinaryIO) -> None:
    while True:
        part = stream.readline(CHUNK)
        if not part or part.endswith(b"\n"):
            return


def open_input(path: str) -> BinaryIO:
    """The batch input as a binary stream; a missing file, a directory or an unreadable file is
    E030 before any line is read."""
    if path == "-":
        return sys.stdin.buffer
    if Path(path).is_dir():
        raise InputError.make("E030", path=path, reason="it is a directory, not a JSONL file")
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by the caller's ExitStack
    except OSError as exc:
        raise InputError.make("E030", path=path, reason=exc.strerror or exc) from None


def input_size(path: str) -> int | None:
    try:
        return os.stat(path).st_size if path != "-" and Path(path).is_file() else None
    except OSError:
        return None


class Output:
    """Where output lines go: stdout, a device written in place (/dev/null, /dev/full), or a
    regular file written as OUT.partial and renamed over OUT when `commit` is called."""

    def __init__(self, path: str, input_path: str, *, resume: bool = False):
        self.path, self.resume = path, resume
        self.partial = None if path == "-" else Path(path + ".partial")
        self.done = self.done_failed = 0  # whole lines (and failed ones) a killed run left
        self.last_kept: tuple[int | None, str | None] | None = None  # its last line: (line, id)
        _check_target(path, input_path, resume)
        self.stream = self._open()

    def _open(self) -> BinaryIO:
        if self.path == "-":
            return sys.stdout.buffer
        if _is_device(self.path):
            self.partial = None
            return _open_or_fail(self.path, "wb")
        if self.resume and self.partial.exists():
            self.done, self.done_failed, last = _keep_complete_lines(self.partial)
            self.last_kept = identity(last) if self.done else None
            return _open_or_fail(str(self.partial), "ab")
        return _open_or_fail(str(self.partial), "wb")

    def write(self, line: bytes) -> None:
        """One whole line, flushed at once: a killed run loses at most the line being written."""
        try:
            self.stream.write(line)
            self.stream.flush()
        except OSError as exc:
            raise _write_error(self.path, exc) from None

    def commit(self) -> None:
        """Flush, sync and rename: the final path holds a whole run or nothing new."""
        try:
            self.stream.flush()
            if self.partial is not None:
                os.fsync(self.stream.fileno())
                self.stream.close()
                os.replace(self.partial, self.path)
        except OSError as exc:
            raise _write_error(self.path, exc) from None

    def close(self) -> None:
        if self.stream is not sys.stdout.buffer and not self.stream.closed:
            try:
                self.stream.close()
            except OSError:
                pass  # already failing: the first error is the one reported


def _check_target(path: str, input_path: str, resume: bool) -> None:
    if path == "-":
        if resume:
            raise InputError.make("E034", path=path, reason="stdout cannot be resumed; use -o")
        return
    target = Path(path)
    if target.is_dir():
        raise InputError.make("E032", path=path, reason="it is a directory")
    if not target.parent.is_dir():
        raise InputError.make("E032", path=path, reason=f"folder '{target.parent}' does not exist")
    if input_path != "-" and _same_file(Path(input_path), target):
        raise InputError.make("E033", path=path)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _is_device(path: str) -> bool:
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _open_or_fail(path: str, mode: str) -> BinaryIO:
    try:
        return open(path, mode)  # noqa: SIM115 - Output.close closes it
    except OSError as exc:
        raise _write_error(path, exc) from None


def _write_error(path: str, exc: OSError) -> InputError:
    where = "stdout" if path == "-" else path
    return InputError.make("E032", path=where, reason=exc.strerror or str(exc))


def _keep_complete_lines(partial: Path) -> tuple[int, int, bytes]:
    """Count the whole lines of a killed run's output, and those that failed, and cut a torn
    last line off; returns the last whole line too. A failed line is an error object in JSON
    (`"error": {`, a key: quotes inside strings are escaped) or a `[Ennn]` answer in text."""
    complete = failed = size = 0
    line_failed, current, last = False, b"", b""
    with open(partial, "rb") as f:
        for data in iter(lambda: f.readline(CHUNK), b""):
            line_failed |= b'"error": {' in data or b"\t[E" in data
            current += data
            if data.endswith(b"\n"):
                complete, failed, size = complete + 1, failed + line_failed, f.tell()
                line_failed, current, last = False, b"", current
    with open(partial, "r+b") as f:
        f.truncate(size)
    return complete, failed, last


def identity(line: bytes) -> tuple[int | None, str | None]:
    """(input line number, note id) of an output line, JSON or text, to tie it to its input."""
    if line.startswith(b"{"):
        obj = json.loads(line)
        return obj.get("line"), obj.get("id")
    head, *rest = line.decode("utf-8", "replace").rstrip("\n").split("\t")
    number = head.removeprefix("line ")
    return (int(number) if number.isdigit() else None), (rest[0] if len(rest) > 1 else None)
