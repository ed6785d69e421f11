"""Batch coding of JSON lines: one output line per input line, same order; a bad line gets an
error object and the other lines go on."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date

from .engine import Coder
from .errors import Case2CodeError, Errors
from .model import SETTINGS, Note


def _error(line_no: int, code: str, message: str, note_id=None) -> dict:
    out = {"line": line_no, "error": {"code": code, "message": message}}
    if note_id is not None:
        out = {"id": note_id, **out}
    return out


def parse_line(raw: str, line_no: int, source: str) -> Note:
    try:
        obj = json.loads(raw)
    except ValueError as exc:
        raise Case2CodeError(
            "E011", Errors.E011.format(line=line_no, source=source, reason=str(exc))
        ) from exc
    if not isinstance(obj, dict):
        raise Case2CodeError(
            "E011",
            Errors.E011.format(line=line_no, source=source, reason=f"got {type(obj).__name__}"),
        )
    note_id, text = obj.get("id"), obj.get("text")
    if not isinstance(note_id, str) or not note_id:
        raise _field(line_no, source, "id", "must be a non-empty string", note_id)
    if not isinstance(text, str):
        raise _field(line_no, source, "text", "must be a string", note_id)
    return Note(
        text=text,
        id=note_id,
        date_of_service=_date(obj, line_no, source),
        setting=_setting(obj, line_no, source),
    )


def _field(line_no, source, name, problem, note_id) -> Case2CodeError:
    err = Case2CodeError(
        "E012", Errors.E012.format(line=line_no, source=source, field=name, problem=problem)
    )
    err.note_id = note_id if isinstance(note_id, str) else None
    return err


def _date(obj: dict, line_no: int, source: str) -> date:
    value = obj.get("date_of_service")
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _field(
            line_no, source, "date_of_service", f"'{value}' is not YYYY-MM-DD", obj.get("id")
        ) from None


def _setting(obj: dict, line_no: int, source: str) -> str:
    value = obj.get("setting", "professional")
    if value not in SETTINGS:
        raise _field(
            line_no,
            source,
            "setting",
            f"'{value}' is not one of {', '.join(SETTINGS)}",
            obj.get("id"),
        )
    return value


def code_lines(
    lines: Iterable[str], *, coder: Coder | None = None, source: str = "input"
) -> Iterator[dict]:
    coder = coder or Coder()
    for line_no, raw in enumerate(lines, 1):
        if not raw.strip():
            yield _error(
                line_no,
                "E011",
                Errors.E011.format(line=line_no, source=source, reason="the line is empty"),
            )
            continue
        note_id = None
        try:
            note = parse_line(raw, line_no, source)
            note_id = note.id
            out = coder.code(note).to_dict()
            out.pop("date_of_service", None)
            out.pop("setting", None)
            yield out
        except Case2CodeError as exc:
            yield _error(line_no, exc.code, exc.message, note_id or getattr(exc, "note_id", None))
        except Exception as exc:  # noqa: BLE001 - one bad note must not stop the batch
            yield _error(
                line_no,
                "E099",
                f"Internal error on this note ({type(exc).__name__}: "
                f"{exc}); please report it with the note.",
                note_id,
            )
