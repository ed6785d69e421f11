"""The Spark schema of a coded note, derived from the result dataclasses in `model.py`.

The schema is never written out by hand: each output column is a field of `Result` (or the
batch's error object), and its type follows the field's annotation (a dataclass becomes a
struct, `list[X]` an array, `Literal[...]` and `str` a string, `int` a long). A field added to
`CodeLine` or `Finding` therefore appears in the Spark output as it appears in `to_dict()`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache

from ..model import Result

# the batch contract's columns, in its order; `line` and `warnings` are a file's, not a row's
COLUMNS = (
    "id",
    "cpt",
    "icd10",
    "not_reported",
    "findings",
    "review",
    "error",
    "kb_version",
    "kb_hash",
)


@dataclasses.dataclass(slots=True)
class RowError:
    """The batch's error object, {"code": "E0nn", "message": "..."}."""

    code: str
    message: str


def _annotation(name: str):
    if name == "error":
        return RowError
    return typing.get_type_hints(Result)[name]


def spark_type(annotation):
    """The Spark type of a Python annotation of the result model."""
    from pyspark.sql import types as T

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return spark_type(inner)
    if origin is list:
        return T.ArrayType(spark_type(args[0]), containsNull=True)
    if origin is typing.Literal and all(isinstance(a, str) for a in args):
        return T.StringType()
    if dataclasses.is_dataclass(annotation):
        hints = typing.get_type_hints(annotation)
        return T.StructType(
            [
                T.StructField(f.name, spark_type(hints[f.name]), True)
                for f in dataclasses.fields(annotation)
            ]
        )
    simple = {str: T.StringType(), int: T.LongType(), bool: T.BooleanType()}
    if annotation in simple:
        return simple[annotation]
    raise TypeError(f"no Spark type for {annotation!r}: give the model field a typed dataclass")


@cache
def output_schema():
    """The StructType of `code_dataframe`'s output: one column per COLUMNS entry."""
    from pyspark.sql import types as T

    return T.StructType([T.StructField(c, spark_type(_annotation(c)), True) for c in COLUMNS])


def arrow_schema():
    """The same schema as Arrow, for the record batches the Python workers send back."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(output_schema())
