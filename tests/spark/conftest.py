"""Fixtures for the Spark tests: one local[2] SparkSession for the whole run (its start costs
seconds), and the gold corpus as `case2code batch` codes it, the reference every Spark result is
compared with. Every test here is marked `spark` (`pytest -m spark` runs them alone)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark")

from case2code.batch_run import BatchOptions, run_batch  # noqa: E402
from case2code.spark import COLUMNS  # noqa: E402

GOLD = Path(__file__).resolve().parents[1] / "corpus" / "gold.jsonl"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers import this case2code
    session = (
        SparkSession.builder.master("local[2]")
        .appName("case2code-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def batch_gold(tmp_path_factory) -> dict[str, dict]:
    """`case2code batch` on the gold corpus, each line as a Spark row would hold it (the batch's
    `line` and `warnings` belong to a file, not a row), keyed by note id."""
    out = tmp_path_factory.mktemp("batch") / "gold.out.jsonl"
    run_batch(BatchOptions(str(GOLD), str(out), workers=0))
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    return {line["id"]: as_row(line) for line in lines}


def as_row(obj: dict) -> dict:
    """A batch line or a collected row in the output columns; a column an error line lacks is
    null, as in Spark."""
    return {c: obj.get(c) for c in COLUMNS}


@pytest.fixture(scope="session")
def gold_path() -> Path:
    return GOLD


@pytest.fixture(scope="session")
def collected():
    """collected(df): the rows of a coded DataFrame as batch-comparable dicts, keyed by id."""

    def collect(df) -> dict[str, dict]:
        return {r["id"]: as_row(r.asDict(recursive=True)) for r in df.collect()}

    return collect
