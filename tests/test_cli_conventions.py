"""Conventions every command keeps: --format text|json (with --json as its alias), unknown
formats refused, --version, --quiet; and the Python API's typed catalogue errors."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import case2code
from case2code.cli import app
from case2code.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "case2code" / "examples"
NOTE = str(EXAMPLES / "bone-rfa-iliac.txt")
CLAIM = {"date_of_service": "2025-06-02", "lines": [{"code": "20982"}, {"code": "77013"}],
         "diagnoses": ["C79.51"]}
COMMANDS = [
    ("lookup", ["lookup", "20982"]),
    ("code", ["code", NOTE, "--date", "2025-06-02"]),
    ("facts", ["facts", NOTE]),
    ("check", ["check", "-"]),
    ("batch", ["batch", str(EXAMPLES / "notes.jsonl"), "-w", "0", "-q"]),
]


def _run(args, stdin=None):
    if args[0] == "check":
        stdin = json.dumps(CLAIM)
    return CliRunner().invoke(app, args, input=stdin)


@pytest.mark.parametrize("name,args", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_json_alias_and_format_json_print_the_same(name, args):
    by_flag, by_format = _run([*args, "--json"]), _run([*args, "--format", "json"])
    assert by_flag.stdout == by_format.stdout
    first = by_flag.stdout.splitlines()[0] if name == "batch" else by_flag.stdout
    json.loads(first)


@pytest.mark.parametrize("name,args", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_unknown_format_is_refused_with_e035(name, args):
    done = _run([*args, "--format", "xml"])
    assert done.exit_code == 2
    assert "[E035] Output format 'xml' is not known: use one of text, json." in done.output


def test_check_text_names_the_bundled_guidance_and_exits_1():
    done = _run(["check", "-", "--format", "text"])
    assert done.exit_code == 1
    assert "[error] bundled_guidance: 77013 is imaging guidance; 20982" in done.stdout


def test_version_names_the_package_and_the_kb_release():
    done = CliRunner().invoke(app, ["--version"])
    assert done.exit_code == 0
    assert done.stdout.startswith(f"case2code {case2code.__version__} (KB case2code-kb.")


@pytest.mark.parametrize("where", ["global", "local"])
def test_quiet_batch_prints_no_summary_but_still_says_lines_failed(where):
    args = ["batch", str(EXAMPLES / "notes.jsonl"), "-w", "0"]
    args = ["--quiet", *args] if where == "global" else [*args, "--quiet"]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 1
    assert "with errors" not in done.stderr
    assert done.stderr == "2 lines failed; see their error objects.\n"


def test_batch_text_format_gives_one_readable_line_per_note():
    done = _run(["batch", str(EXAMPLES / "notes.jsonl"), "-w", "0", "-q", "--format", "text"])
    lines = done.stdout.splitlines()
    assert lines[0] == "line 1\tex-bone\tCPT 20983 | ICD-10-CM C79.51 C64.9 G89.3"
    assert lines[3].startswith("line 4\t[E011] Line 4 of")


# --- the Python API raises the catalogue's typed errors --------------------------------------

FEMUR = "CT-guided percutaneous radiofrequency ablation of a right femur metastasis."


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"date_of_service": "2025-02-30"}, "E004"),
        ({"date_of_service": 20250602}, "E004"),
        ({"date_of_service": "1990-01-01"}, "E014"),
        ({"setting": "hospital"}, "E013"),
    ],
)
def test_code_note_bad_arguments_raise_input_errors(kwargs, code):
    with pytest.raises(InputError) as err:
        case2code.code_note(FEMUR, **kwargs)
    assert err.value.code == code and isinstance(err.value, ValueError)


@pytest.mark.parametrize("text", [b"RFA femur", bytearray(b"x"), None, 42, "", "a" * 1_000_001])
def test_code_note_refuses_what_is_not_note_text_with_e010(text):
    with pytest.raises(InputError) as err:
        case2code.code_note(text, date_of_service="2025-06-02")
    assert err.value.code == "E010"
    if isinstance(text, bytes):
        assert "decode it first" in err.value.message


@pytest.mark.parametrize("text", [b"RFA femur", "", "RFA\x00"])
def test_read_facts_refuses_what_code_note_refuses(text):
    with pytest.raises(InputError) as err:
        case2code.read_facts(text)
    assert err.value.code == "E010"


def test_code_note_accepts_a_date_object():
    result = case2code.code_note(FEMUR, date_of_service=date(2025, 6, 2))
    assert [c.code for c in result.cpt] == ["20982"]


def _deep(depth: int) -> list:
    nested: list = []
    for _ in range(depth):
        nested = [nested]
    return nested


@pytest.mark.parametrize(
    "claim,code",
    [
        ([], "E020"),
        ({"lines": []}, "E020"),
        ({"lines": [{"code": "20982", "modifiers": ["RT!"]}]}, "E020"),
        ({"lines": [{"code": "20982", "modifiers": ["RTXX"]}]}, "E020"),
        ({"setting": "hospital", "lines": [{"code": "20982"}]}, "E020"),
        ({"lines": [{"code": ""}]}, "E020"),
        ({"lines": [{"code": "20982"}], "note": _deep(40)}, "E017"),
        ({"date_of_service": "2014-12-31", "lines": [{"code": "20982"}]}, "E014"),
    ],
)
def test_check_claim_refuses_malformed_claims(claim, code):
    with pytest.raises(InputError) as err:
        case2code.check_claim(claim)
    assert err.value.code == code


def test_the_readme_claim_example_is_checked_as_the_readme_says():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("## Checking a claim", 1)[1]
    example = section.split("\n\n")[2]  # the indented JSON block after the intro paragraph
    claim = json.loads(example)
    done = CliRunner().invoke(app, ["check", "-"], input=json.dumps(claim))
    assert done.exit_code == 1
    assert done.stdout.splitlines()[0] == (
        "[error] bundled_guidance: 77013 is imaging guidance; 20982 already includes imaging "
        "guidance."
    )


@pytest.mark.parametrize("args,workers", [([], os.cpu_count() or 1), (["-w", "0"], 0),
                                          (["--workers", "3"], 3)])
def test_batch_workers_default_to_the_cores(monkeypatch, args, workers):
    import case2code.batch_run as batch_run

    seen = []
    monkeypatch.setattr(batch_run, "run_batch", lambda opts, progress: seen.append(opts) or
                        batch_run.Summary())
    CliRunner().invoke(app, ["batch", str(EXAMPLES / "notes.jsonl"), *args])
    assert seen[0].workers == workers and seen[0].timeout_s == 10.0


def test_the_readme_has_whole_headings_and_no_link_outside_the_repository():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings and all(line.count("## ") == 1 for line in headings)
    assert len(headings) == len(set(headings))
    assert "../" not in text
