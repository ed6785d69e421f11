"""Command line: thin typer commands over the engine; each parses, calls one function, prints.

Conventions every command follows (new commands use the same helpers): `--format text|json`
(`FORMAT`, `JSON_ALIAS`, `output_format`), `--quiet` before or after the command (`QUIET`,
`is_quiet`), input read through `_read` and every failure reported through `_fail`. Exit codes:
0 done; 1 done, but lines failed (batch) or the claim has errors (check); 2 a catalogue error
(bad input, a file that cannot be read or written, a bad option); 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path

import typer

from .errors import Case2CodeError, InputError

FORMATS = ("text", "json")
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
_QUIET = {"on": False}

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="case2code: clinical note in, CPT and ICD-10-CM codes out, with evidence.",
)


def FORMAT(default: str = "text"):  # noqa: N802 - reads as the option it declares
    return typer.Option(default, "--format", help="Output format: text or json")


JSON_ALIAS = typer.Option(False, "--json", help="Same as --format json")
QUIET = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr")


def output_format(fmt: str, as_json: bool = False) -> str:
    """The format asked for; an unknown one is refused (E035), never silently printed as text."""
    if as_json:
        return "json"
    if fmt not in FORMATS:
        _fail(InputError.make("E035", value=fmt, options=", ".join(FORMATS)))
    return fmt


def is_quiet(local: bool = False) -> bool:
    return local or _QUIET["on"]


def _version(value: bool) -> None:
    if value:
        from . import __version__
        from .kb import get_kb

        typer.echo(f"case2code {__version__} (KB {get_kb().release})")
        raise typer.Exit()


@app.callback()
def _global(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit"
    ),
    quiet: bool = QUIET,
) -> None:
    """case2code: clinical note in, CPT and ICD-10-CM codes out, with evidence."""
    _QUIET["on"] = quiet


def _fail(exc: Case2CodeError) -> None:
    typer.echo(str(exc), err=True)
    raise typer.Exit(code=EXIT_INPUT)


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(InputError.make("E004", value=value))


def _read(path: str, max_bytes: int | None = None) -> str:
    """A note or claim file (or stdin) as text: every way it can be unreadable is a catalogue
    error (E030 missing, a directory, unreadable; E031 binary or not UTF-8; E010 too large)."""
    from .engine import MAX_NOTE_BYTES

    limit, where = max_bytes or MAX_NOTE_BYTES, "stdin" if path == "-" else path
    try:
        data = _read_bytes(path, limit + 1)
    except OSError as exc:
        _fail(InputError.make("E030", path=where, reason=exc.strerror or exc))
    if len(data) > limit:
        _fail(InputError.make("E010", note_id=where, reason="the file is over the limit",
                              limit=limit))
    if b"\x00" in data:
        at = data.index(b"\x00")
        _fail(InputError.make("E031", path=where, reason=f"binary data (a NUL byte at byte {at})"))
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        _fail(InputError.make("E031", path=where, reason=f"byte {exc.start} is {exc.reason}"))


def _read_bytes(path: str, size: int) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read(size)
    if Path(path).is_dir():
        raise IsADirectoryError(21, "it is a directory, not a file")
    with open(path, "rb") as f:
        return f.read(size)


@app.command("lookup")
def lookup_cli(
    query: str = typer.Argument(..., help='A code (20982, C79.51) or words ("cryo rib")'),
    fmt: str = FORMAT(),
    as_json: bool = JSON_ALIAS,
    on: str | None = typer.Option(None, "--date", help="Date of service YYYY-MM-DD"),
    limit: int = typer.Option(10, help="Number of search results"),
) -> None:
    """Show the reference entry of a code, or search codes by words and abbreviations."""
    from .formats.text import entry_text, hits_text
    from .kb.lookup import lookup

    as_json = output_format(fmt, as_json) == "json"

    try:
        found = lookup(query, on=_date(on), limit=limit)
    except Case2CodeError as exc:
        _fail(exc)
    if isinstance(found, list):
        typer.echo(
            json.dumps([h.to_dict() for h in found], indent=2) if as_json else hits_text(found)
        )
    else:
        typer.echo(
            json.dumps(found.to_dict(), indent=2, default=str) if as_json else entry_text(found)
        )


@app.command("code")
def code_cli(
    path: str = typer.Argument(..., help="Note file, or - for stdin"),
    fmt: str = FORMAT(),
    as_json: bool = JSON_ALIAS,
    on: str | None = typer.Option(None, "--date", help="Date of service YYYY-MM-DD"),
    setting: str = typer.Option("professional", help="professional or facility"),
    facts: bool = typer.Option(False, "--facts", help="Include the reader's facts (json)"),
) -> None:
    """Code one note: CPT lines, ICD-10-CM in sequence, not-reported codes and findings."""
    from .engine import code_text
    from .formats.text import result_text

    fmt = output_format(fmt, as_json)
    try:
        result = code_text(
            _read(path),
            note_id=Path(path).stem if path != "-" else "stdin",
            on=_date(on),
            setting=setting,
        )
    except Case2CodeError as exc:
        _fail(exc)
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(with_facts=facts), indent=2))
    else:
        typer.echo(result_text(result))


@app.command("facts")
def facts_cli(
    path: str = typer.Argument(..., help="Note file, or - for stdin"),
    fmt: str = FORMAT(),
    as_json: bool = JSON_ALIAS,
) -> None:
    """What the reader understood: procedures and conditions with assertion and evidence."""
    from .engine import Coder

    as_json = output_format(fmt, as_json) == "json"
    try:
        data = Coder().facts(_read(path), note_id=path).to_dict()
    except Case2CodeError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    for label, key in (("PROCEDURE", "procedures"), ("CONDITION", "conditions")):
        for fact in data[key]:
            typer.echo(_fact_line(label, fact))


def _fact_line(label: str, fact: dict) -> str:
    attrs = {
        k: v
        for k, v in fact.items()
        if v not in (None, [], False) and k not in ("evidence", "rules")
    }
    return f"{label} {attrs}\n  evidence: {[e['text'] for e in fact['evidence']]}"


@app.command("batch")
def batch_cli(
    path: str = typer.Argument(..., help="JSON lines: {id, text, date_of_service?, setting?}"),
    out: str = typer.Option("-", "-o", "--output", help="Output JSONL file, - for stdout"),
    workers: int = typer.Option(
        None, "--workers", "-w", min=0, help="Worker processes (default: cores; 0: this "
        "process, no time budget)", show_default=False
    ),
    timeout_s: float = typer.Option(
        10.0, "--timeout-s", min=0.1, help="Time budget per note, seconds"
    ),
    max_note_bytes: int = typer.Option(
        None, "--max-note-bytes", min=1, help="Size limit of one note (default 1000000)",
        show_default=False
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue a killed run's OUT.partial"),
    fmt: str = FORMAT("json"),
    as_json: bool = JSON_ALIAS,
    quiet: bool = QUIET,
) -> None:
    """Code many notes; one output line per input line, in order; bad lines get an error object.

    Exit 1 when any line failed (the others are coded); exit 2 when a file cannot be read or
    written. The output file appears only when the run completes (OUT.partial until then)."""
    import os

    from .batch_run import BatchOptions, run_batch
    from .engine import MAX_NOTE_BYTES

    opts = BatchOptions(
        path, out, (os.cpu_count() or 1) if workers is None else workers, timeout_s,
        max_note_bytes or MAX_NOTE_BYTES, resume, output_format(fmt, as_json),
    )
    try:
        with _progress(path, quiet=is_quiet(quiet)) as advance:
            summary = run_batch(opts, advance)
    except Case2CodeError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        if out != "-":
            typer.echo(f"Interrupted; the same command with --resume continues {out}.", err=True)
        raise typer.Exit(code=EXIT_INTERRUPTED) from None
    if not is_quiet(quiet):
        typer.echo(summary.text(), err=True)
    if summary.errors:
        lines = "1 line" if summary.errors == 1 else f"{summary.errors} lines"
        typer.echo(f"{lines} failed; see their error objects.", err=True)
        raise typer.Exit(code=EXIT_FINDINGS)


@app.command("spark")
def spark_cli(
    path: str = typer.Argument(..., help="Notes: JSONL {id, text, date_of_service?, setting?} "
                               "or Parquet with those columns (a file or a folder)"),
    out: str = typer.Argument(..., help="Output folder (Spark writes part files)"),
    master: str = typer.Option(
        None, "--master", help="Spark master URL, e.g. local[2] (default: spark-submit's, else "
        "local[*])", show_default=False,
    ),
    fmt: str = typer.Option("parquet", "--format", help="Output format: parquet or jsonl"),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace OUT if it exists"),
    partitions: int = typer.Option(
        0, "--partitions", min=0, help="Partitions to code (default: 4 per core)",
        show_default=False,
    ),
    max_note_bytes: int = typer.Option(
        None, "--max-note-bytes", min=1, help="Size limit of one note (default 1000000)",
        show_default=False
    ),
    quiet: bool = QUIET,
) -> None:
    """Code many notes on Spark (pip install 'case2code[spark]'); one output row per note.

    Exit 1 when any row failed (the others are coded); exit 2 when the input cannot be read,
    the output cannot be written or Spark cannot start."""
    from .engine import MAX_NOTE_BYTES
    from .spark.job import OUTPUT_FORMATS, SparkOptions, run_spark

    if fmt not in OUTPUT_FORMATS:
        _fail(InputError.make("E035", value=fmt, options=", ".join(OUTPUT_FORMATS)))
    opts = SparkOptions(path, out, master, fmt, overwrite, partitions,
                        max_note_bytes or MAX_NOTE_BYTES, is_quiet(quiet))
    try:
        summary = run_spark(opts)
    except Case2CodeError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        raise typer.Exit(code=EXIT_INTERRUPTED) from None
    if not is_quiet(quiet):
        typer.echo(summary.text(), err=True)
    if summary.errors:
        typer.echo(f"{summary.errors} row(s) failed; see their error column.", err=True)
        raise typer.Exit(code=EXIT_FINDINGS)


def progress_bar(total: int | None, label: str, *, quiet: bool = False):
    """A context giving `advance(n)`: a Rich progress bar on stderr when it is a terminal, or
    None when piped or quiet, so long commands show progress to people and nothing to scripts."""
    from contextlib import contextmanager, nullcontext

    if is_quiet(quiet) or not sys.stderr.isatty():
        return nullcontext(None)

    @contextmanager
    def bar():
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task(label, total=total)
            yield lambda n=1: progress.advance(task, n)

    return bar()


def _progress(path: str, *, quiet: bool):
    from .batch_io import input_size

    return progress_bar(input_size(path), "coding", quiet=quiet)


@app.command("check")
def check_cli(
    path: str = typer.Argument(..., help="Claim JSON: {lines: [...], diagnoses: [...]}"),
    fmt: str = FORMAT(),
    as_json: bool = JSON_ALIAS,
) -> None:
    """Validate a claim coded elsewhere: bundling, units, modifiers, diagnosis support.

    Exit 1 when a finding is an error, 2 when the claim itself cannot be read."""
    from . import check_claim
    from .jsonlimits import loads

    as_json = output_format(fmt, as_json) == "json"
    try:
        raw = loads(_read(path), source=path)
        found = check_claim(raw, source=path)
    except json.JSONDecodeError as exc:
        _fail(InputError.make("E020", source=path, problems=f"not JSON ({exc})"))
    except Case2CodeError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps([f.to_dict() for f in found], indent=2))
    else:
        typer.echo(
            "\n".join(f"[{f.severity}] {f.kind}: {f.message}" for f in found) or "No findings."
        )
    if any(f.severity == "error" for f in found):
        raise typer.Exit(code=EXIT_FINDINGS)


def _gold(path: str) -> list[dict]:
    """Gold cases, one JSON object a line; a bad line is E011 with its number."""
    cases = []
    for n, line in enumerate(_read(path, max_bytes=1 << 28).splitlines(), 1):
        if not line.strip():
            continue
        try:
            cases.append(json.loads(line))
        except ValueError as exc:
            _fail(InputError.make("E011", line=n, source=path, reason=exc))
        if not isinstance(cases[-1], dict):
            _fail(InputError.make("E011", line=n, source=path, reason="not an object"))
    return cases


def _advancing(items: list, advance):
    for item in items:
        yield item
        if advance is not None:
            advance()


@app.command("eval")
def eval_cli(
    path: str = typer.Argument(..., help="Gold JSONL with expected codes"),
    fmt: str = FORMAT(),
    as_json: bool = JSON_ALIAS,
    show: int = typer.Option(0, help="Failing cases to print (0 = every one)"),
) -> None:
    """Accuracy against a gold-coded corpus: each metric with its count, per-code tables for CPT
    and ICD-10-CM, every failing case ranked by severity."""
    from .evaluation import evaluate
    from .formats.report import report_text

    as_json = output_format(fmt, as_json) == "json"
    gold = _gold(path)
    with progress_bar(len(gold), "evaluating") as advance:
        report = evaluate(_advancing(gold, advance))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    typer.echo(report_text(report, show=show))


kb_app = typer.Typer(no_args_is_help=True, help="Local CMS data: import and list releases.")
app.add_typer(kb_app, name="kb")


@kb_app.command("import")
def kb_import_cli(
    kind: str = typer.Argument(..., help="ncci (PTP edits), mue or pfs (PPRRVU file)"),
    path: str = typer.Argument(..., help="The file as CMS publishes it (unzipped)"),
    effective: str | None = typer.Option(
        None, "--effective", help="Date the release applies from (else read from the file)"
    ),
    setting: str | None = typer.Option(
        None, "--setting", help="professional or facility (else read from the file)"
    ),
) -> None:
    """Import a CMS NCCI PTP, MUE or PFS RVU file into the local, versioned tables."""
    from .kb.cms import db_path, import_file

    try:
        release = import_file(kind, path, _date(effective), setting)
    except Case2CodeError as exc:
        _fail(exc)
    typer.echo(f"{release.rows} rows imported: {release.label} -> {db_path()}")


@kb_app.command("status")
def kb_status_cli() -> None:
    """List the imported CMS releases (none: the KB's own edits and MUEs apply)."""
    from .kb.cms import Store, db_path

    store = Store.existing()
    releases = store.releases() if store else []
    if not releases:
        typer.echo(f"No CMS file imported ({db_path()}); the KB's own edits and MUEs apply.")
    for r in releases:
        typer.echo(f"{r.kind:<4} {r.setting:<12} from {r.effective}  {r.rows:>7} rows  {r.source}")


@app.command("edits")
def edits_cli(
    first: str = typer.Argument(..., help="A CPT/HCPCS code, e.g. 20982"),
    second: str = typer.Argument(..., help="The other code, e.g. 77013"),
    on: str | None = typer.Option(None, "--date", help="Date of service YYYY-MM-DD"),
    setting: str = typer.Option("professional", help="professional or facility"),
    fmt: str = FORMAT(),
    as_json: bool = JSON_ALIAS,
) -> None:
    """Answer a pair question: NCCI edits between two codes, both directions, with dates."""
    from .formats.desk import pair_lines
    from .kb import get_kb
    from .kb.pairs import pair_answer

    try:
        answer = pair_answer(get_kb(), first, second, _date(on), setting)
    except Case2CodeError as exc:
        _fail(exc)
    if output_format(fmt, as_json) == "json":
        typer.echo(json.dumps(answer, indent=2))
        return
    typer.echo(answer["verdict"])
    typer.echo("\n".join(pair_lines(answer["in_force"])))
    if answer["history"]:
        typer.echo("other records (other dates, settings or tables):")
        typer.echo("\n".join(pair_lines(answer["history"])[1:]))


audit_app = typer.Typer(help="The audit store: export codings, build a gold corpus from reviews.")
app.add_typer(audit_app, name="audit")


def _audit_store(db: str | None):
    from .api.settings import Settings
    from .store import Store

    return Store(db or Settings.from_env().db_url)


def _audit_out(out: str):
    return nullcontext(sys.stdout) if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115


@audit_app.command("export")
def audit_export_cli(
    out: str = typer.Option("-", "-o", "--output", help="JSONL file, - for stdout"),
    db: str | None = typer.Option(None, "--db", help="SQLAlchemy URL (default: C2C_DB)"),
) -> None:
    """Every stored coding with its feedback, one JSON line each, oldest first."""
    from .store.audit import export_jsonl

    with _audit_out(out) as stream:
        count = export_jsonl(_audit_store(db), stream)
    typer.echo(f"{count} codings exported", err=True)


@audit_app.command("gold")
def audit_gold_cli(
    out: str = typer.Option("-", "-o", "--output", help="Gold JSONL file, - for stdout"),
    db: str | None = typer.Option(None, "--db", help="SQLAlchemy URL (default: C2C_DB)"),
) -> None:
    """Reviewed codings whose text was stored, as a gold corpus for `case2code eval`."""
    from .store.audit import export_gold

    with _audit_out(out) as stream:
        count = export_gold(_audit_store(db), stream)
    typer.echo(f"{count} reviewed codings written as gold cases", err=True)


@app.command("serve")
def serve_cli(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, help="Port to listen on"),
) -> None:
    """Run the REST API and the coder's page (settings from C2C_* environment variables)."""
    import logging

    import uvicorn

    from .api import create_app

    # our access log names the path only; uvicorn's would print query strings (search words)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    typer.echo(f"case2code page: http://{host}:{port}/   API docs: http://{host}:{port}/docs")
    uvicorn.run(create_app(), host=host, port=port, log_level="info", access_log=False)


def main() -> None:
    """Run the app; a failure to write stdout (a full disk, /dev/full) is E032 and a file the
    command could not open is E030, both exit 2; a closed pipe (`| head`) ends quietly and
    Ctrl-C is exit 130: never a traceback."""
    try:
        try:
            app()
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_OK)
    except OSError as exc:
        sys.exit(_os_error(exc))
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)


def _os_error(exc: OSError) -> int:
    """E032 when stdout could not take the output (the failed write may have emptied the buffer,
    so a write error without a file name counts too), E030 for a file a command could not open."""
    import errno

    try:
        sys.stdout.flush()
    except OSError as out:
        exc = out
    if exc.filename is None and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO):
        _silence_stdout()
        typer.echo(str(InputError.make("E032", path="stdout", reason=exc.strerror)), err=True)
        return EXIT_INPUT
    if exc.filename is None:
        raise exc
    typer.echo(str(InputError.make("E030", path=exc.filename, reason=exc.strerror)), err=True)
    return EXIT_INPUT


def _silence_stdout() -> None:
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    main()
