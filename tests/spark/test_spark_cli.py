"""`case2code spark IN OUT`: JSONL or Parquet in, Parquet or JSONL out, every row equal to what
`case2code batch` writes for the gold corpus; bad rows counted (exit 1); file problems are
catalogue errors (exit 2) raised before Spark starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from case2code.cli import app
from case2code.spark import output_schema

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "case2code" / "examples"
CLI = [sys.executable, "-m", "case2code.cli"]


def _spark_cli(*args: str):
    return CliRunner().invoke(app, ["spark", *args])


def _jsonl_rows(folder: Path) -> list[dict]:
    return [
        json.loads(line)
        for part in sorted(folder.glob("part-*.json"))
        for line in part.read_text().splitlines()
    ]


def test_jsonl_in_jsonl_out_equals_batch_on_the_gold_corpus(spark, batch_gold, gold_path, tmp_path):
    out = tmp_path / "coded"
    done = _spark_cli(str(gold_path), str(out), "--format", "jsonl")
    assert done.exit_code == 0, done.output
    assert done.stderr == f"191 rows, 0 with errors -> {out}\n"
    got = _jsonl_rows(out)
    assert len(got) == 191
    assert {r["id"]: r for r in got} == batch_gold


def test_parquet_in_parquet_out_equals_batch_on_the_gold_corpus(
    spark, batch_gold, gold_path, tmp_path, collected
):
    notes = tmp_path / "notes.parquet"
    spark.read.json(str(gold_path)).select(
        "id", "text", "date_of_service", "setting"
    ).write.parquet(str(notes))
    out = tmp_path / "coded"
    done = _spark_cli(str(notes), str(out), "-q")
    assert done.exit_code == 0 and done.stderr == ""
    coded = spark.read.parquet(str(out))
    assert coded.schema == output_schema()
    assert collected(coded) == batch_gold


def test_bad_lines_are_rows_with_errors_and_exit_1(spark, tmp_path):
    out = tmp_path / "coded"
    done = _spark_cli(str(EXAMPLES / "notes.jsonl"), str(out), "--format", "jsonl")
    assert done.exit_code == 1
    assert done.stderr == (
        f"4 rows, 2 with errors -> {out}\n2 row(s) failed; see their error column.\n"
    )
    rows = {r["id"]: r for r in _jsonl_rows(out)}
    assert rows["ex-bad"]["error"]["code"] == "E010"
    assert rows[None]["error"]["message"] == (
        f"A row of {EXAMPLES / 'notes.jsonl'} is not a JSON object (Spark could not parse it): "
        '\'not json at all\'. Each line must be {"id": "...", "text": "..."}.'
    )
    assert [(c["code"], c["modifiers"]) for c in rows["ex-bone"]["cpt"]] == [("20983", [])]
    assert rows["ex-lung"]["error"] is None and rows["ex-lung"]["cpt"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["{gold}", "{tmp}/out", "--format", "csv"],
            "[E035] Output format 'csv' is not known: use one of parquet, jsonl.",
        ),
        (
            ["{tmp}/missing.jsonl", "{tmp}/out"],
            "[E030] Cannot read file '{tmp}/missing.jsonl': no such file or directory.",
        ),
        (
            ["{gold}", "{tmp}"],
            "[E032] Cannot write '{tmp}': it already exists; remove it or pass --overwrite.",
        ),
        (
            ["{gold}", "{tmp}/no/such/out"],
            "[E032] Cannot write '{tmp}/no/such/out': folder '{tmp}/no/such' does not exist.",
        ),
        (["{gold}", "{gold}", "--overwrite"], "[E033] Output '{gold}' is the input file"),
    ],
)
def test_file_problems_are_catalogue_errors_before_spark_starts(gold_path, tmp_path, args, words):
    fill = {"gold": str(gold_path), "tmp": str(tmp_path)}
    done = _spark_cli(*[a.format(**fill) for a in args])
    assert done.exit_code == 2
    assert words.format(**fill) in done.stderr


def test_the_command_starts_its_own_local_spark_when_none_is_running(tmp_path):
    """A fresh process, no session and no --master: the command starts Spark on local[*], its
    workers import this case2code, and the output is written."""
    out = tmp_path / "coded"
    done = subprocess.run(
        [*CLI, "spark", str(EXAMPLES / "notes.jsonl"), str(out), "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )
    assert done.returncode == 1, done.stderr
    assert f"4 rows, 2 with errors -> {out}" in done.stderr
    rows = {r["id"]: r for r in _jsonl_rows(out)}
    assert [c["code"] for c in rows["ex-bone"]["cpt"]] == ["20983"]


def test_spark_submit_runs_the_packaged_application_file(tmp_path):
    """spark-submit runs case2code/spark/submit.py as `case2code spark` on its own master."""
    from pyspark.find_spark_home import _find_spark_home

    import case2code.spark.submit as submit

    out = tmp_path / "coded"
    env = os.environ | {"PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    done = subprocess.run(
        [
            str(Path(_find_spark_home()) / "bin" / "spark-submit"),
            "--master",
            "local[1]",
            submit.__file__,
            str(EXAMPLES / "notes.jsonl"),
            str(out),
            "--format",
            "jsonl",
            "-q",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
        env=env,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    # spark-submit sends the Python driver's stderr to its stdout
    assert "2 row(s) failed; see their error column.\n" in done.stdout + done.stderr
    assert len(_jsonl_rows(out)) == 4
