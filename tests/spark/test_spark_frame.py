"""code_dataframe on a local Spark: the gold corpus codes exactly as `case2code batch` codes it,
row for row; a bad row gets its own error and the others go on; the date column may be a date,
a timestamp or a string; a missing or mistyped column is refused before any work (E043)."""

from __future__ import annotations

import datetime as dt

import pytest

from case2code.errors import InputError
from case2code.spark import COLUMNS, code_dataframe, output_schema

FEMUR = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a painful right femur "
    "metastasis from breast cancer. The lesion was ablated with a single probe."
)


def test_gold_corpus_codes_as_batch_does_row_for_row(spark, batch_gold, gold_path, collected):
    notes = spark.read.json(str(gold_path)).repartition(3)
    coded = code_dataframe(notes, setting_col="setting")
    assert coded.schema == output_schema()
    got = collected(coded)
    assert len(got) == len(batch_gold) == 191
    for note_id, expected in batch_gold.items():
        assert got[note_id] == expected, note_id


def test_a_bad_row_gets_its_error_and_the_others_are_coded(spark):
    rows = [
        ("femur-1", FEMUR, "2025-06-02", "professional"),
        (None, FEMUR, "2025-06-02", None),
        ("no-text", None, "2025-06-02", None),
        ("bad-date", FEMUR, "2025-13-01", None),
        ("bad-setting", FEMUR, "2025-06-02", "inpatient"),
        ("blank", "   ", "2025-06-02", None),
        ("icd9-era", FEMUR, "2014-06-02", None),
        ("femur-2", FEMUR, "2025-06-02", "facility"),
    ]
    df = spark.createDataFrame(rows, "id string, text string, dos string, place string")
    out = code_dataframe(df, date_col="dos", setting_col="place", source="notes.parquet")
    got = {r["id"]: r.asDict(recursive=True) for r in out.collect()}
    assert [c["code"] for c in got["femur-1"]["cpt"]] == ["20982"]
    assert got["femur-1"]["cpt"][0]["modifiers"] == [] and got["femur-1"]["error"] is None
    assert got["femur-1"]["icd10"][0]["code"] == "C79.51"
    assert got["femur-2"]["cpt"][0]["code"] == "20982"
    errors = {k: (v["error"]["code"], v["error"]["message"]) for k, v in got.items() if v["error"]}
    assert errors[None] == (
        "E041",
        "A row of notes.parquet has no id: column 'id' is null. Give every note a "
        "non-empty string id.",
    )
    assert errors["no-text"] == (
        "E040",
        "Row 'no-text' of notes.parquet: column 'text' is null; give the note's text.",
    )
    assert errors["bad-date"] == (
        "E040",
        "Row 'bad-date' of notes.parquet: column 'dos' '2025-13-01' is not YYYY-MM-DD.",
    )
    assert errors["bad-setting"][0] == "E040"
    assert (
        "column 'place' 'inpatient' is not one of professional, facility"
        in (errors["bad-setting"][1])
    )
    assert errors["blank"][0] == "E010" and errors["icd9-era"][0] == "E014"
    assert got["blank"]["cpt"] is None and got["blank"]["kb_version"] is None


@pytest.mark.parametrize("kind", ["date", "timestamp", "string"])
def test_the_date_column_may_be_a_date_a_timestamp_or_a_string(spark, kind):
    """20982's choice does not depend on the date, but the date must reach the engine: a date
    before ICD-10-CM (2015-10-01) is refused with E014, whatever the column's type."""
    values = {
        "date": dt.date(2014, 6, 2),
        "timestamp": dt.datetime(2014, 6, 2, 12, 0),
        "string": "2014-06-02",
    }
    ok = {
        "date": dt.date(2025, 6, 2),
        "timestamp": dt.datetime(2025, 6, 2, 12, 0),
        "string": "2025-06-02",
    }
    df = spark.createDataFrame(
        [("old", FEMUR, values[kind]), ("new", FEMUR, ok[kind])],
        f"id string, text string, date_of_service {kind}",
    )
    got = {r["id"]: r for r in code_dataframe(df).collect()}
    assert got["old"]["error"]["code"] == "E014"
    assert got["new"]["error"] is None and got["new"]["cpt"][0]["code"] == "20982"


def test_no_date_column_means_today_as_in_batch(spark):
    df = spark.createDataFrame([("n1", FEMUR)], "id string, text string")
    row = code_dataframe(df, date_col=None).first()
    assert row["error"] is None and row["cpt"][0]["code"] == "20982"
    assert list(row.asDict()) == list(COLUMNS)


@pytest.mark.parametrize(
    ("kwargs", "schema", "words"),
    [
        (
            {"text_col": "body"},
            "id string, text string",
            "DataFrame notes: text column 'body' is missing; pass text_col= to name another; its "
            "columns are id, text.",
        ),
        (
            {},
            "id long, text string",
            "DataFrame notes: id column 'id' is bigint, not string; cast it first; its columns are "
            "id, text.",
        ),
        (
            {"setting_col": "setting"},
            "id string, text string, setting int",
            "setting column 'setting' is int, not string or void",
        ),
    ],
)
def test_a_missing_or_mistyped_column_is_refused_before_any_work(spark, kwargs, schema, words):
    df = spark.createDataFrame([], schema)
    with pytest.raises(InputError) as err:
        code_dataframe(df, date_col=None, source="notes", **kwargs)
    assert err.value.code == "E043" and words in err.value.message
