"""`code_dataframe`: code every note of a Spark DataFrame where it lies, on the executors.

The driver only checks the columns and plans the job; the notes go through `mapInArrow` to the
Python workers, each of which builds the engine once (`rows.coder`) and codes its partitions.
Nothing is collected to the driver, and a bad row gets its own error while the others go on.
"""

from __future__ import annotations

from functools import partial

from ..engine import MAX_NOTE_BYTES
from ..errors import InputError
from . import rows
from .schema import arrow_schema, output_schema

DATE_TYPES = ("string", "date", "timestamp", "timestamp_ntz", "void")


def code_dataframe(
    df,
    text_col: str = "text",
    id_col: str = "id",
    date_col: str | None = "date_of_service",
    setting_col: str | None = None,
    *,
    source: str = "DataFrame",
    max_note_bytes: int = MAX_NOTE_BYTES,
):
    """Code the notes of `df`: one output row per input row, as `case2code batch` would write it.

    Args:
        df: a Spark DataFrame with one note per row.
        text_col: the note text, a string column.
        id_col: the note id, a string column; a row with a null or empty id gets E041.
        date_col: date of service, a date, timestamp or YYYY-MM-DD string column; a null date,
            or date_col=None, means today, as in the batch contract.
        setting_col: "professional" or "facility" per row, or None for professional on every
            row (a null also means professional).
        source: how errors name the input, e.g. the path it was read from.
        max_note_bytes: the size limit of one note (E010 past it).

    Returns:
        A DataFrame with the columns of `schema.COLUMNS` and the types of `output_schema()`:
        `id`, `cpt`, `icd10`, `not_reported`, `findings`, `review`, `error`, `kb_version`,
        `kb_hash`. A row that could not be coded has `error` {code, message} and null codes.
        A column missing or of the wrong type is E043, raised here before any work is done.
    """
    selected = _selected(df, text_col, id_col, date_col, setting_col, source)
    names = {
        rows.ID: id_col,
        rows.TEXT: text_col,
        rows.DATE: date_col or rows.DATE,
        rows.SETTING: setting_col or rows.SETTING,
    }
    work = partial(
        rows.code_batches,
        schema=arrow_schema(),
        source=source,
        max_note_bytes=max_note_bytes,
        names=names,
    )
    return selected.mapInArrow(work, output_schema())


def _selected(df, text_col, id_col, date_col, setting_col, source):
    """The worker's columns under its own names: id and text as strings, the date as an ISO
    string (Spark's cast of a date is YYYY-MM-DD), setting and a JSON reader's corrupt record
    when present; nulls for the optional ones not given."""
    from pyspark.sql import functions as F

    types = dict(df.dtypes)
    check = partial(_check_column, types=types, source=source)
    cols = [
        F.col(check(id_col, "id", ("string",))).alias(rows.ID),
        F.col(check(text_col, "text", ("string",))).alias(rows.TEXT),
        _date_column(date_col, check(date_col, "date", DATE_TYPES) if date_col else None, types),
        (
            F.col(check(setting_col, "setting", ("string", "void")))
            if setting_col
            else F.lit(None).cast("string")
        ).alias(rows.SETTING),
        (
            F.col(rows.CORRUPT)
            if types.get(rows.CORRUPT) == "string"
            else F.lit(None).cast("string")
        ).alias(rows.CORRUPT),
    ]
    return df.select(*cols)


def _date_column(date_col: str | None, checked: str | None, types: dict):
    from pyspark.sql import functions as F

    if checked is None:
        return F.lit(None).cast("string").alias(rows.DATE)
    col = F.col(checked)
    if types[checked].startswith("timestamp"):
        col = F.to_date(col)
    return col.cast("string").alias(rows.DATE)


def _check_column(
    column: str, role: str, allowed: tuple[str, ...], *, types: dict, source: str
) -> str:
    if column not in types:
        problem = f"is missing; pass {role}_col= to name another"
    elif types[column] not in allowed:
        problem = f"is {types[column]}, not {' or '.join(allowed)}; cast it first"
    else:
        return column
    raise InputError.make(
        "E043",
        source=source,
        role=role,
        column=column,
        columns=", ".join(types) or "(none)",
        problem=problem,
    )
