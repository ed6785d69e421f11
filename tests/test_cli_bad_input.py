"""The bad-input matrix: every way a note, a batch line, a claim or a file can be wrong, and the
catalogue answer each gets. A batch line's problem costs that line alone; a file's problem is an
error and exit 2, never a traceback. docs/bad-input.md is this matrix; the test fails when the
two differ (regenerate: `C2C_WRITE_DOCS=1 .venv/bin/python -m pytest tests/test_cli_bad_input.py`).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from case2code.batch_run import BatchOptions, run_batch
from case2code.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "bad-input.md"
FEMUR = (
    "PROCEDURE: CT-guided percutaneous radiofrequency ablation of a painful right femur "
    "metastasis from breast cancer. The lesion was ablated with a single probe."
)


_IDS = itertools.count(1)


def _line(**fields) -> bytes:
    obj = {"id": f"n{next(_IDS)}", "text": FEMUR, "date_of_service": "2025-06-02", **fields}
    return json.dumps({k: v for k, v in obj.items() if v is not ...}).encode() + b"\n"


def _nested(depth: int) -> bytes:
    return b'{"id": "n", "text": "x", "meta": ' + b"[" * depth + b"]" * depth + b"}\n"


# (input, the line's bytes, the answer: an error code, or "coded" plus warning codes)
LINES = [
    ("a good note", _line(), "coded"),
    ("malformed JSON", b'{"id": "n", "text": "RFA of femur"\n', "E011"),
    ("a JSON array instead of an object", b'["n", "RFA of femur"]\n', "E011"),
    ("a blank line", b"   \n", "E011"),
    ("invalid UTF-8 (a Latin-1 byte)", _line(text="caf\u00e9 RFA").replace(b"\\u00e9", b"\xe9"),
     "E018"),
    ("a UTF-8 byte-order mark", b"\xef\xbb\xbf" + _line(), "coded W003"),
    ("a CRLF line end", _line()[:-1] + b"\r\n", "coded"),
    ("U+2028 and U+0085 inside the text", _line(text=FEMUR + "\u2028 \u0085"), "coded"),
    ("missing id", _line(id=...), "E012"),
    ("id is a number", _line(id=7), "E012"),
    ("text is a list", _line(text=["RFA"]), "E012"),
    ("empty text", _line(text="  "), "E010"),
    ("NUL bytes in the text", _line(text="RFA\u0000femur"), "E010"),
    ("date 2025-02-30", _line(date_of_service="2025-02-30"), "E012"),
    ("date given as a number", _line(date_of_service=20250602), "E012"),
    ("date before ICD-10-CM (2014-06-01)", _line(date_of_service="2014-06-01"), "E014"),
    ("unknown setting 'hospital'", _line(setting="hospital"), "E012"),
    ("JSON nested 40 levels deep", _nested(40), "E017"),
    ("JSON nested 100,000 levels deep", _nested(100_000), "E017"),
    ("text of 1,000,100 bytes (limit 1 MB)", _line(text="a" * 1_000_100), "E010"),
    ("a 50 MB line", b'{"id": "n", "text": "' + b"a" * 50_000_000 + b'"}\n', "E015"),
    ("misspelled field 'dos'", _line(dos="2025-06-02"), "coded W001"),
    ("an id used on an earlier line", _line(id="n1"), "coded W002"),
]


def _answer(obj: dict) -> str:
    warnings = " ".join(w["code"] for w in obj.get("warnings", []))
    if obj.get("error"):
        return obj["error"]["code"]
    return ("coded " + warnings).strip()


@pytest.fixture(scope="module")
def batch_answers(tmp_path_factory):
    src = tmp_path_factory.mktemp("batch") / "in.jsonl"
    src.write_bytes(b"".join(raw for _, raw, _ in LINES))
    out = src.with_name("out.jsonl")
    summary = run_batch(BatchOptions(str(src), str(out), workers=0))
    return summary, [json.loads(x) for x in out.read_text().splitlines()]


def test_each_bad_line_gets_its_own_answer_in_order(batch_answers):
    summary, rows = batch_answers
    assert [r["line"] for r in rows] == list(range(1, len(LINES) + 1))
    assert [_answer(r) for r in rows] == [want for _, _, want in LINES]
    assert summary.errors == sum(not want.startswith("coded") for _, _, want in LINES)


def test_coded_lines_among_bad_ones_are_coded_in_full(batch_answers):
    _, rows = batch_answers
    coded = [r for r in rows if r["error"] is None]
    assert all([c["code"] for c in r["cpt"]] == ["20982"] for r in coded)
    assert all(r["icd10"][0]["code"] == "C79.51" for r in coded)


def test_errors_name_their_line_and_the_fix(batch_answers):
    _, rows = batch_answers
    by_code = {r["error"]["code"]: r["error"]["message"] for r in rows if r.get("error")}
    assert "Line 5 of" in by_code["E018"] and "UTF-8" in by_code["E018"]
    assert "ICD-9-CM" in by_code["E014"] and "2015-10-01" in by_code["E014"]
    assert "--max-note-bytes" in by_code["E015"]


# (input, CLI arguments with {tmp} and {note} placeholders, stdin, expected exit, error code)
CLI = [
    ("code: a missing file", ["code", "{tmp}/none.txt"], None, 2, "E030"),
    ("code: a directory", ["code", "{tmp}"], None, 2, "E030"),
    ("code: an unreadable file (read fails: /proc/self/mem)", ["code", "/proc/self/mem"], None, 2,
     "E030"),
    ("code: a binary file", ["code", "{tmp}/binary.txt"], None, 2, "E031"),
    ("code: a Latin-1 file", ["code", "{tmp}/latin1.txt"], None, 2, "E031"),
    ("code: Latin-1 on stdin", ["code", "-"], b"caf\xe9 RFA femur", 2, "E031"),
    ("code: empty stdin", ["code", "-"], b"", 2, "E010"),
    ("code: a date that is not a date", ["code", "{note}", "--date", "2025-13-01"], None, 2,
     "E004"),
    ("code: a date before ICD-10-CM", ["code", "{note}", "--date", "1990-01-01"], None, 2, "E014"),
    ("code: an unknown setting", ["code", "{note}", "--setting", "hospital"], None, 2, "E013"),
    ("code: --format xml", ["code", "{note}", "--format", "xml"], None, 2, "E035"),
    ("facts: a binary file", ["facts", "{tmp}/binary.txt"], None, 2, "E031"),
    ("facts: empty stdin", ["facts", "-"], b" \n", 2, "E010"),
    ("batch: a missing input", ["batch", "{tmp}/none.jsonl"], None, 2, "E030"),
    ("batch: a directory as input", ["batch", "{tmp}"], None, 2, "E030"),
    ("batch: -o equal to the input", ["batch", "{tmp}/in.jsonl", "-o", "{tmp}/in.jsonl"], None, 2,
     "E033"),
    ("batch: -o a directory", ["batch", "{tmp}/in.jsonl", "-o", "{tmp}"], None, 2, "E032"),
    ("batch: -o in a missing folder", ["batch", "{tmp}/in.jsonl", "-o", "{tmp}/no/out.jsonl"],
     None, 2, "E032"),
    ("batch: -o unwritable (/proc/version)", ["batch", "{tmp}/in.jsonl", "-o", "/proc/version"],
     None, 2, "E032"),
    ("batch: -o a full device (/dev/full)",
     ["batch", "{tmp}/in.jsonl", "-w", "0", "-o", "/dev/full"], None, 2, "E032"),
    ("batch: --resume onto stdout", ["batch", "{tmp}/in.jsonl", "--resume"], None, 2, "E034"),
    ("batch: a line fails", ["batch", "{tmp}/in.jsonl", "-w", "0"], None, 1, "E011"),
    ("eval: a gold line that is not JSON", ["eval", "-"], b'{"id": "a"}\nnot json\n', 2,
     "E011"),
    ("check: not JSON", ["check", "-"], b"{lines", 2, "E020"),
    ("check: a JSON list", ["check", "-"], b"[]", 2, "E020"),
    ("check: an empty claim", ["check", "-"], b'{"lines": []}', 2, "E020"),
    ("check: a junk modifier", ["check", "-"], b'{"lines": [{"code": "20982", "modifiers": '
     b'["RT!"]}]}', 2, "E020"),
    ("check: an unknown setting", ["check", "-"], b'{"setting": "hospital", "lines": [{"code": '
     b'"20982"}]}', 2, "E020"),
    ("check: JSON nested 100,000 levels", ["check", "-"], b'{"lines": ' + b"[" * 100_000, 2,
     "E017"),
    ("check: a 1990 date of service", ["check", "-"], b'{"date_of_service": "1990-01-01", '
     b'"lines": [{"code": "20982"}]}', 2, "E014"),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    (tmp / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00" + bytes(range(256)))
    (tmp / "latin1.txt").write_bytes("Radiofr\u00e9quence femur".encode("latin-1"))
    (tmp / "note.txt").write_text(FEMUR)
    (tmp / "in.jsonl").write_bytes(_line() + b"not json\n")
    return tmp


def _run(files: Path, args: list[str], stdin: bytes | None):
    argv = [a.format(tmp=files, note=files / "note.txt") for a in args]
    return CliRunner().invoke(app, argv, input=stdin)


@pytest.mark.parametrize("case,args,stdin,status,code", CLI, ids=[c[0] for c in CLI])
def test_cli_answers_bad_input_with_a_catalogue_error(files, case, args, stdin, status, code):
    done = _run(files, args, stdin)
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert done.exit_code == status, done.output
    assert f"[{code}]" in done.output or f'"code": "{code}"' in done.output
    assert "Traceback" not in done.output


# (input, CLI arguments, expected start of stderr): run as a real process, through main()
PROCESS = [
    ("code --json, stdout a full disk (`> /dev/full`)", ["code", "{note}", "--json"],
     "[E032] Cannot write 'stdout'"),
    ("code, text, stdout a full disk (`> /dev/full`)", ["code", "{note}"],
     "[E032] Cannot write 'stdout'"),
    ("eval: a missing gold file", ["eval", "{tmp}/none.jsonl"], "[E030] Cannot read file"),
]


@pytest.mark.parametrize("case,args,stderr", PROCESS, ids=[c[0] for c in PROCESS])
def test_process_level_failures_are_catalogue_errors_not_tracebacks(files, case, args, stderr):
    argv = [a.format(tmp=files, note=files / "note.txt") for a in args]
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "case2code.cli", *argv],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False,
        )
    assert done.returncode == 2
    assert done.stderr.startswith(stderr) and "Traceback" not in done.stderr


def render_doc(line_answers: list[str]) -> str:
    out = [
        "# Bad input and what case2code answers",
        "",
        "Generated by `tests/test_cli_bad_input.py`, which fails when this file and the behaviour",
        "differ. Codes are in `src/case2code/errors.py`; W-codes are warnings carried on a coded",
        "line. Exit codes: 0 done; 1 done, but lines failed (batch) or the claim has errors",
        "(check); 2 a catalogue error (nothing coded); 130 interrupted.",
        "",
        "## One line of a `batch` file",
        "",
        "Every other line of the file is coded as usual and keeps its place.",
        "",
        "| Input line | Answer on that line |",
        "|---|---|",
    ]
    rows = zip(LINES, line_answers, strict=True)
    out += [f"| {case} | {answer} |" for (case, _, _), answer in rows]
    out += ["", "## Files, options and claims", "", "| Input | Exit | Error |", "|---|---|---|"]
    out += [f"| {case} | {status} | {code} |" for case, _, _, status, code in CLI]
    out += [f"| {case} | 2 | {err[1:5]} |" for case, _, err in PROCESS] + [""]
    return "\n".join(out)


def test_docs_bad_input_md_is_the_matrix(batch_answers):
    text = render_doc([_answer(r) for r in batch_answers[1]])
    if os.environ.get("C2C_WRITE_DOCS"):
        DOC.write_text(text)
    assert DOC.exists() and DOC.read_text() == text, (
        "docs/bad-input.md is stale: C2C_WRITE_DOCS=1 .venv/bin/python -m pytest "
        "tests/test_cli_bad_input.py"
    )
