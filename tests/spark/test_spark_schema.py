"""The Spark schema is derived from the result model: its columns are the batch contract's, and
every nested struct has exactly the keys `to_dict()` writes, on a note that fills every part
(CPT with evidence, diagnoses, not-reported codes, findings, review reasons)."""

from __future__ import annotations

from datetime import date

from pyspark.sql import types as T

from case2code.batch import Job, code_job
from case2code.engine import Coder
from case2code.model import Note
from case2code.spark import COLUMNS, output_schema
from case2code.spark.schema import spark_type

NOTE = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a left femur metastasis "
    "from lung cancer, with a bone biopsy of the same lesion before ablation. "
    "Moderate sedation was given by the radiologist for 25 minutes. "
    "Cryoablation of the rib lesion is planned for next month."
)


def _assert_shape(value, kind, where="row"):
    if value is None:
        return
    if isinstance(kind, T.StructType):
        assert list(value) == kind.fieldNames(), where
        for f in kind.fields:
            _assert_shape(value[f.name], f.dataType, f"{where}.{f.name}")
    elif isinstance(kind, T.ArrayType):
        for item in value:
            _assert_shape(item, kind.elementType, f"{where}[]")
    else:
        expected = {T.StringType: str, T.LongType: int, T.BooleanType: bool}[type(kind)]
        assert isinstance(value, expected), where


def test_schema_columns_are_the_batch_contract():
    assert (
        output_schema().fieldNames()
        == list(COLUMNS)
        == [
            "id",
            "cpt",
            "icd10",
            "not_reported",
            "findings",
            "review",
            "error",
            "kb_version",
            "kb_hash",
        ]
    )
    assert output_schema()["error"].dataType.simpleString() == "struct<code:string,message:string>"


def test_every_nested_struct_has_exactly_the_keys_of_to_dict():
    out = code_job(Coder(), Job(1, Note(NOTE, "femur-lung", date(2025, 6, 2))))
    assert out["cpt"] and out["icd10"] and out["not_reported"] and out["findings"]
    assert out["review"]["reasons"]
    _assert_shape({c: out.get(c) for c in COLUMNS}, output_schema())


def test_an_untyped_field_is_refused_rather_than_flattened():
    try:
        spark_type(dict)
    except TypeError as exc:
        assert "no Spark type for <class 'dict'>" in str(exc)
    else:
        raise AssertionError("a dict field must not become a Spark type silently")
