"""`case2code spark IN OUT`: read notes (JSONL or Parquet), code them on Spark, write the results
(Parquet or JSONL), and count what failed by reading the written output back (nothing is
collected on the driver). The CLI only parses options and prints the summary this returns.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..engine import MAX_NOTE_BYTES
from ..errors import Case2CodeError, InputError
from . import rows
from .frame import code_dataframe
from .schema import output_schema

OUTPUT_FORMATS = ("parquet", "jsonl")
# JSON lines are read with this schema, so a line Spark cannot parse keeps its text (E042)
JSONL_SCHEMA = (
    f"{rows.ID} string, {rows.TEXT} string, {rows.DATE} string, {rows.SETTING} string, "
    f"{rows.CORRUPT} string"
)
PARTITIONS_PER_CORE = 4  # small tasks even out notes of uneven cost across cores


@dataclass(slots=True)
class SparkOptions:
    path: str
    out: str
    master: str | None = None  # spark-submit's, else local[*]
    fmt: str = "parquet"
    overwrite: bool = False
    partitions: int = 0  # 0: at least PARTITIONS_PER_CORE per core of the session
    max_note_bytes: int = MAX_NOTE_BYTES
    quiet: bool = False


@dataclass(slots=True)
class SparkSummary:
    rows: int
    errors: int
    out: str

    def text(self) -> str:
        return f"{self.rows} rows, {self.errors} with errors -> {self.out}"


def run_spark(opts: SparkOptions) -> SparkSummary:
    """Code opts.path into opts.out; raises the catalogue's InputError for a file or set-up
    problem (E030, E032, E033, E044), never for a bad row."""
    _check_paths(opts)
    spark, own = session(opts.master, quiet=opts.quiet)
    try:
        notes = _partitioned(read_notes(spark, opts.path), spark, opts.partitions)
        coded = code_dataframe(
            notes,
            date_col=_present(notes, rows.DATE),
            setting_col=_present(notes, rows.SETTING),
            source=opts.path,
            max_note_bytes=opts.max_note_bytes,
        )
        _write(coded, opts)
        return _count(spark, opts)
    finally:
        if own:
            spark.stop()


def session(master: str | None, *, quiet: bool = False):
    """The active SparkSession (a caller's, left running), else a new one (stopped by the caller:
    own=True) on `master`; with no master, spark-submit's, else Spark's default local[*]. When
    this process starts Spark itself in local mode, the workers run this interpreter, so they
    import this case2code (PYSPARK_PYTHON, if set, wins)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError.make("E044", reason=str(exc)) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    launched_here = "PYSPARK_GATEWAY_PORT" not in os.environ  # spark-submit sets it
    if launched_here and (master is None or master.startswith("local")):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("case2code").config(
        "spark.ui.showConsoleProgress", str(not quiet).lower()
    )
    if master is not None:
        builder = builder.master(master)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - no Java, a bad master: the JVM's reason, as E044
        raise InputError.make("E044", reason=f"Spark could not start ({exc})") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark, True


def input_format(path: str) -> str:
    """parquet for a .parquet file or a folder of them, else jsonl (a file or a folder of
    part files as Spark writes them)."""
    local = Path(path)
    if local.is_dir():
        return "parquet" if any(local.glob("*.parquet")) else "jsonl"
    return "parquet" if path.rstrip("/").endswith(".parquet") else "jsonl"


def read_notes(spark, path: str):
    if input_format(path) == "parquet":
        return spark.read.parquet(path)
    return (
        spark.read.schema(JSONL_SCHEMA)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", rows.CORRUPT)
        .json(path)
    )


def _present(df, column: str) -> str | None:
    return column if column in df.columns else None


def _partitioned(df, spark, partitions: int):
    """Spread the notes over the cores: a 20 MB JSONL file is one input split, one core."""
    want = partitions or PARTITIONS_PER_CORE * spark.sparkContext.defaultParallelism
    if partitions or df.rdd.getNumPartitions() < want:
        return df.repartition(want)
    return df


def _write(coded, opts: SparkOptions) -> None:
    writer = coded.write.mode("overwrite" if opts.overwrite else "errorifexists")
    try:
        if opts.fmt == "parquet":
            writer.parquet(opts.out)
        else:  # the batch contract writes "error": null on a coded line; so do we
            writer.option("ignoreNullFields", "false").json(opts.out)
    except Case2CodeError:
        raise
    except Exception as exc:
        if "already exists" in str(exc).lower():
            raise InputError.make(
                "E032", path=opts.out, reason="it already exists; remove it or pass --overwrite"
            ) from None
        raise


def _count(spark, opts: SparkOptions) -> SparkSummary:
    from pyspark.sql import functions as F

    reader = spark.read.schema(output_schema())
    done = reader.parquet(opts.out) if opts.fmt == "parquet" else reader.json(opts.out)
    total, failed = done.agg(F.count(F.lit(1)), F.count("error")).first()
    return SparkSummary(total, failed, opts.out)


def _check_paths(opts: SparkOptions) -> None:
    """Local paths are checked before Spark starts (seconds saved, a clear message); URIs
    (hdfs://, s3a://) are left to Spark."""
    if "://" not in opts.path and not Path(opts.path).exists():
        raise InputError.make("E030", path=opts.path, reason="no such file or directory")
    if "://" in opts.out:
        return
    out = Path(opts.out)
    if out.exists() and out.resolve() == Path(opts.path).resolve():
        raise InputError.make("E033", path=opts.out)
    if out.exists() and not opts.overwrite:
        raise InputError.make(
            "E032", path=opts.out, reason="it already exists; remove it or pass --overwrite"
        )
    if not out.parent.is_dir():
        raise InputError.make("E032", path=opts.out, reason=f"folder '{out.parent}' does not exist")
