"""Batch coding of JSON lines: one output line per input line, same order; a bad line gets an
error object and the other lines go on.

A line is judged alone, from its own bytes: it is decoded, parsed and validated here, in the
parent process, so that only well-formed notes reach the coder and every refusal names its line
(E010-E018). Unknown fields and reused ids do not stop a line; they ride on it as warnings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from . import jsonlimits
from .engine import MAX_NOTE_BYTES, Coder, _validate
from .errors import Case2CodeError, Errors, InputError, Warnings
from .model import SETTINGS, Note

FIELDS = ("id", "text", "date_of_service", "setting")
BOM = "\ufeff"


@dataclass(slots=True)
class Job:
    """One input line on its way to the output: a note to code, or the answer already decided
    (an error) when the line could not become a note."""

    line: int
    note: Note | None = None
    out: dict | None = None
    warnings: list[dict] = field(default_factory=list)


def error_line(line_no: int, code: str, message: str, note_id=None) -> dict:
    out = {"line": line_no, "error": {"code": code, "message": message}}
    if isinstance(note_id, str):
        out = {"id": note_id, **out}
    return out


class LineReader:
    """Turns raw lines into jobs, remembering ids across lines to flag duplicates."""

    def __init__(self, source: str = "input", max_note_bytes: int = MAX_NOTE_BYTES):
        self.source = source
        self.max_note_bytes = max_note_bytes
        self.first_line_of: dict[str, int] = {}

    def job(self, line_no: int, raw: bytes | str | None) -> Job:
        job = Job(line_no)
        try:
            job.note = self._note(line_no, raw, job.warnings)
        except Case2CodeError as exc:
            job.out = error_line(line_no, exc.code, exc.message, getattr(exc, "note_id", None))
        if job.warnings and job.out is not None:
            job.out["warnings"] = job.warnings
        return job

    def _note(self, line_no: int, raw: bytes | str | None, warnings: list[dict]) -> Note:
        text = self._decode(line_no, raw)
        if text.startswith(BOM):
            text = text[1:]
            warnings.append(_warning("W003", line=line_no, source=self.source))
        if not text.strip():
            raise _bad_line(line_no, self.source, "the line is empty")
        try:
            obj = jsonlimits.loads(text, f"Line {line_no} of {self.source}")
        except ValueError as exc:
            if isinstance(exc, Case2CodeError):
                raise
            raise _bad_line(line_no, self.source, str(exc)) from None
        if not isinstance(obj, dict):
            raise _bad_line(line_no, self.source, f"got a JSON {type(obj).__name__}")
        return self._validated(line_no, obj, warnings)

    def _decode(self, line_no: int, raw: bytes | str | None) -> str:
        if raw is None:  # the reader skipped an oversized line unread
            raise InputError.make(
                "E015", line=line_no, source=self.source, limit=self.max_note_bytes
            )
        if isinstance(raw, str):
            return raw.removesuffix("\n").removesuffix("\r")
        try:
            return raw.removesuffix(b"\n").removesuffix(b"\r").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError.make(
                "E018", line=line_no, source=self.source, column=exc.start + 1, reason=exc.reason
            ) from None

    def _validated(self, line_no: int, obj: dict, warnings: list[dict]) -> Note:
        note_id, text = obj.get("id"), obj.get("text")
        if not isinstance(note_id, str) or not note_id.strip():
            raise _field(line_no, self.source, "id", "must be a non-empty string", None)
        if not isinstance(text, str):
            raise _field(line_no, self.source, "text", "must be a string", note_id)
        unknown = sorted(k for k in obj if k not in FIELDS)
        if unknown:
            warnings.append(
                _warning("W001", line=line_no, source=self.source, fields=", ".join(unknown),
                         known=", ".join(FIELDS))
            )
        first = self.first_line_of.setdefault(note_id, line_no)
        if first != line_no:
            warnings.append(
                _warning("W002", line=line_no, source=self.source, note_id=note_id, first=first)
            )
        note = Note(
            text=text,
            id=note_id,
            date_of_service=_date(obj, line_no, self.source),
            setting=_setting(obj, line_no, self.source),
        )
        try:
            _validate(note, self.max_note_bytes)
        except Case2CodeError as exc:
            exc.note_id = note_id
            raise
        return note


def _warning(code: str, **values) -> dict:
    return {"code": code, "message": getattr(Warnings, code).format(**values)}


def _bad_line(line_no: int, source: str, reason: str) -> InputError:
    return InputError.make("E011", line=line_no, source=source, reason=reason)


def _field(line_no, source, name, problem, note_id) -> Case2CodeError:
    err = InputError(
        "E012", Errors.E012.format(line=line_no, source=source, field=name, problem=problem)
    )
    err.note_id = note_id if isinstance(note_id, str) else None
    return err


def parse_date(value: object) -> date:
    """A note's date of service from its input value; absent (None) means today, as in the batch
    contract. Raises ValueError naming the problem; each surface adds where the value was."""
    if value is None:
        return date.today()
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not YYYY-MM-DD") from None


def parse_setting(value: object) -> str:
    """A note's setting from its input value; raises ValueError naming the allowed ones."""
    if not isinstance(value, str) or value not in SETTINGS:
        raise ValueError(f"'{value}' is not one of {', '.join(SETTINGS)}")
    return value


def _date(obj: dict, line_no: int, source: str) -> date:
    try:
        return parse_date(obj.get("date_of_service"))
    except ValueError as exc:
        raise _field(line_no, source, "date_of_service", str(exc), obj.get("id")) from None


def _setting(obj: dict, line_no: int, source: str) -> str:
    try:
        return parse_setting(obj.get("setting", "professional"))
    except ValueError as exc:
        raise _field(line_no, source, "setting", str(exc), obj.get("id")) from None


def code_job(coder: Coder, job: Job) -> dict:
    """The output line of one job; an exception in the engine is this line's E099, never the
    batch's end."""
    if job.out is not None:
        return job.out
    note = job.note
    try:
        result = coder.code(note).to_dict()
        out = {"id": result.pop("id"), "line": job.line, **result}
        out.pop("date_of_service", None)
        out.pop("setting", None)
    except Case2CodeError as exc:
        out = error_line(job.line, exc.code, exc.message, note.id)
    except Exception as exc:  # noqa: BLE001 - one bad note must not stop the batch
        out = error_line(
            job.line,
            "E099",
            f"Internal error on this note ({type(exc).__name__}: {exc}); "
            "please report it with the note.",
            note.id,
        )
    if job.warnings:
        out["warnings"] = job.warnings
    return out


def read_jobs(
    lines: Iterable[tuple[int, bytes | str | None]],
    reader: LineReader,
    skip: int = 0,
    kept: tuple[int | None, str | None] | None = None,
) -> Iterator[Job]:
    """Jobs for numbered raw lines; the first `skip` lines (already written by a killed run) are
    read for their ids only, so duplicate warnings come out as in an uninterrupted run. `kept`
    is the (line, id) of the killed run's last line: if the input disagrees, the partial output
    belongs to another input and resuming would mix the two (E034)."""
    line_no = 0
    for line_no, raw in lines:
        job = reader.job(line_no, raw)
        if line_no == skip and kept is not None:
            _same_line(job, kept, reader.source)
        if line_no > skip:
            yield job
    if line_no < skip:
        raise InputError.make(
            "E034", path=reader.source, reason=f"the input has {line_no} lines but the partial "
            f"output already has {skip}; it was written for another input"
        )


def _same_line(job: Job, kept: tuple[int | None, str | None], source: str) -> None:
    note_id = job.note.id if job.note is not None else (job.out or {}).get("id")
    if kept != (job.line, note_id):
        raise InputError.make(
            "E034", path=source, reason=f"the partial output's last line is line {kept[0]} id "
            f"{kept[1]!r} but line {job.line} of the input has id {note_id!r}; it was written "
            "for another input: delete it or run without --resume"
        )


def code_lines(
    lines: Iterable[str | bytes],
    *,
    coder: Coder | None = None,
    source: str = "input",
    max_note_bytes: int = MAX_NOTE_BYTES,
) -> Iterator[dict]:
    """In-process batch over lines (str or bytes), for callers that hold their lines already."""
    coder = coder or Coder(max_note_bytes=max_note_bytes)
    reader = LineReader(source, max_note_bytes)
    for job in read_jobs(enumerate(lines, 1), reader):
        yield code_job(coder, job)
