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
    as_json: bool = typer.Option(False, "--json"),
    show: int = typer.Option(20, help="Failing cases to print"),
) -> None:
    """Accuracy against a gold-coded corpus: exact match, per-code precision and recall."""
    from .evaluation import evaluate, load_gold

    report = evaluate(load_gold(path))
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "summary": report.summary(),
                    "per_code": report.per_code(),
                    "failures": [f.__dict__ for f in report.failures],
                    "auto_wrong": report.auto_wrong,
                },
                indent=2,
            )
        )
        return
    for k, v in report.summary().items():
        typer.echo(f"{k:>20}: {v}")
    if report.auto_wrong:
        typer.echo(f"{'auto but wrong':>20}: {', '.join(report.auto_wrong)}")
    typer.echo("\nper code (precision / recall):")
    for code, s in report.per_code().items():
        typer.echo(
            f"  {code:<8} {s['precision']} / {s['recall']}  "
            f"(tp {s['tp']} fp {s['fp']} fn {s['fn']})"
        )
    for f in report.failures[:show]:
        typer.echo(
            f"\nFAIL {f.id}\n  cpt want {f.cpt_expected}\n  cpt got  {f.cpt_got}"
            f"\n  icd want {f.icd_expected}\n  icd got  {f.icd_got}"
        )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
