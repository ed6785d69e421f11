"""Command line: thin typer commands over the engine; each parses, calls one function, prints."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path

import typer

from .errors import Case2CodeError, Errors, InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="case2code: clinical note in, CPT and ICD-10-CM codes out, with evidence.",
)


def _fail(exc: Case2CodeError) -> None:
    typer.echo(str(exc), err=True)
    raise typer.Exit(code=2)


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(InputError.make("E004", value=value))


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(InputError("E030", Errors.E030.format(path=path, reason=exc)))


@app.command("lookup")
def lookup_cli(
    query: str = typer.Argument(..., help='A code (20982, C79.51) or words ("cryo rib")'),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output"),
    on: str | None = typer.Option(None, "--date", help="Date of service YYYY-MM-DD"),
    limit: int = typer.Option(10, help="Number of search results"),
) -> None:
    """Show the reference entry of a code, or search codes by words and abbreviations."""
    from .formats.text import entry_text, hits_text
    from .kb.lookup import lookup

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
    fmt: str = typer.Option("text", "--format", help="text or json"),
    on: str | None = typer.Option(None, "--date", help="Date of service YYYY-MM-DD"),
    setting: str = typer.Option("professional", help="professional or facility"),
    facts: bool = typer.Option(False, "--facts", help="Include the reader's facts (json)"),
) -> None:
    """Code one note: CPT lines, ICD-10-CM in sequence, not-reported codes and findings."""
    from .engine import code_text
    from .formats.text import result_text

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
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """What the reader understood: procedures and conditions with assertion and evidence."""
    from .nlp import read_facts

    _, facts = read_facts(_read(path))
    data = facts.to_dict()
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
) -> None:
    """Code many notes; one output line per input line, in order; bad lines get an error object."""
    from .batch import code_lines

    lines = _read(path).splitlines()
    sink = nullcontext(sys.stdout) if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115
    errors = 0
    with sink as stream:
        for obj in code_lines(lines, source=path):
            errors += obj.get("error") is not None
            stream.write(json.dumps(obj) + "\n")
    typer.echo(f"{len(lines)} lines, {errors} with errors", err=True)


@app.command("check")
def check_cli(
    path: str = typer.Argument(..., help="Claim JSON: {lines: [...], diagnoses: [...]}"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Validate a claim coded elsewhere: bundling, units, modifiers, diagnosis support."""
    from . import check_claim

    try:
        raw = json.loads(_read(path))
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
        raise typer.Exit(code=1)


@app.command("eval")
def eval_cli(
    path: str = typer.Argument(..., help="Gold JSONL with expected codes"),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json"),
    fmt: str = typer.Option("text", "--format", help="text or json"),
    show: int = typer.Option(0, help="Failing cases to print (0 = every one)"),
) -> None:
    """Accuracy against a gold-coded corpus: each metric with its count, per-code tables for CPT
    and ICD-10-CM, every failing case ranked by severity."""
    from .evaluation import evaluate, load_gold
    from .formats.report import report_text

    report = evaluate(load_gold(path))
    if as_json or fmt == "json":
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
    fmt: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Answer a pair question: NCCI edits between two codes, both directions, with dates."""
    from .formats.desk import pair_lines
    from .kb import get_kb
    from .kb.pairs import pair_answer

    try:
        answer = pair_answer(get_kb(), first, second, _date(on), setting)
    except Case2CodeError as exc:
        _fail(exc)
    if fmt == "json":
        typer.echo(json.dumps(answer, indent=2))
        return
    typer.echo(answer["verdict"])
    typer.echo("\n".join(pair_lines(answer["in_force"])))
    if answer["history"]:
        typer.echo("other records (other dates, settings or tables):")
        typer.echo("\n".join(pair_lines(answer["history"])[1:]))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
