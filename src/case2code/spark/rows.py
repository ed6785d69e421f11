"""One DataFrame row in, one batch-contract dict out, inside a Spark Python worker.

The row is turned into a `Note` with the batch's own parsing of dates and settings, then coded
by the batch's `code_job`, so a row's output is the line `case2code batch` would write for the
same note, less the line number. The Coder is built once per Python worker process (Spark reuses
its workers across tasks) and kept here, keyed by the size limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..batch import Job, code_job, parse_date, parse_setting
from ..engine import Coder
from ..errors import Case2CodeError, InputError
from ..model import Note
from .schema import COLUMNS

# the columns code_dataframe hands each worker, in this order (its own names, not the user's)
ID, TEXT, DATE, SETTING, CORRUPT = "id", "text", "date_of_service", "setting", "_corrupt_record"
RECORD_CHARS = 80  # how much of an unparsable JSON line an error quotes

_CODERS: dict[int, Coder] = {}


def coder(max_note_bytes: int) -> Coder:
    """This worker's engine: the KB is loaded on the first row and kept for every later task."""
    if max_note_bytes not in _CODERS:
        _CODERS[max_note_bytes] = Coder(max_note_bytes=max_note_bytes)
    return _CODERS[max_note_bytes]


def code_row(
    row: dict[str, Any], *, source: str, max_note_bytes: int, names: dict[str, str] | None = None
) -> dict:
    """The output of one row: its codes, or its error; never raises for a bad row. `names` maps
    the worker's column names (ID, TEXT, DATE, SETTING) to the user's, for error messages."""
    try:
        note = row_note(row, source, names or {})
    except Case2CodeError as exc:
        out = {"id": _id_or_none(row.get(ID)), "error": {"code": exc.code, "message": exc.message}}
    else:
        out = code_job(coder(max_note_bytes), Job(0, note))
    return {c: out.get(c) for c in COLUMNS}


def row_note(row: dict[str, Any], source: str, names: dict[str, str]) -> Note:
    """The note of a row; a null or empty id, an unparsable JSON line, a null text, a bad date
    or a bad setting is this row's catalogue error (E040-E042) naming the column."""
    if row.get(CORRUPT) is not None:
        record = row[CORRUPT][:RECORD_CHARS] + ("..." if len(row[CORRUPT]) > RECORD_CHARS else "")
        raise InputError.make("E042", source=source, record=repr(record))
    note_id = _id_or_none(row.get(ID))
    if note_id is None:
        problem = "null" if row.get(ID) is None else "empty"
        raise InputError.make("E041", source=source, column=names.get(ID, ID), problem=problem)
    if row.get(TEXT) is None:
        raise _column(note_id, source, names.get(TEXT, TEXT), "is null; give the note's text")
    try:
        on = parse_date(row.get(DATE))
    except ValueError as exc:
        raise _column(note_id, source, names.get(DATE, DATE), str(exc)) from None
    try:  # a null setting is the default, as a missing field is in batch; "" is refused
        setting = parse_setting("professional" if row.get(SETTING) is None else row[SETTING])
    except ValueError as exc:
        raise _column(note_id, source, names.get(SETTING, SETTING), str(exc)) from None
    return Note(text=row[TEXT], id=note_id, date_of_service=on, setting=setting)


def _id_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _column(note_id: str, source: str, column: str, problem: str) -> InputError:
    return InputError.make("E040", note_id=note_id, source=source, column=column, problem=problem)


def code_batches(batches: Iterator, *, schema, **options) -> Iterator:
    """mapInArrow's function: Arrow record batches of rows in, record batches of results out;
    `options` are code_row's (source, max_note_bytes, names)."""
    import pyarrow as pa

    for batch in batches:
        out = [code_row(r, **options) for r in batch.to_pylist()]
        yield pa.RecordBatch.from_pylist(out, schema=schema)
