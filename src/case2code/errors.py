"""One catalogue of errors with stable codes, shared by the CLI, the Python API and the REST API.

Every message names the bad value, where it came from and what to do about it, so that a
coder reading a CLI error or an integrator reading an API error body can act on it alone.
Codes are stable: a released code keeps its meaning; a new situation gets a new number.
"""

from __future__ import annotations


class Errors:
    E001 = "Knowledge base is invalid: {count} problem(s) found.\n{problems}"
    E002 = (
        "Unknown code '{code}' in KB {release}. Did you mean: {suggestions}? "
        'Try `case2code lookup "words"` to search by description.'
    )
    E003 = "Code {code} is not valid on {date}: it is effective {effective} to {end}. {replacement}"
    E004 = "Cannot read date '{value}': use YYYY-MM-DD, e.g. 2025-03-14."
    E005 = 'Empty search: give a code such as 20982 or words such as "cryoablation rib".'
    E010 = (
        "Note {note_id} cannot be coded: {reason}. Send plain UTF-8 text of the clinical note "
        "(at most {limit} bytes of UTF-8)."
    )
    E011 = (
        "Line {line} of {source} is not a JSON object: {reason}. Each line must be "
        '{{"id": "...", "text": "..."}}.'
    )
    E012 = "Line {line} of {source}: field '{field}' {problem}."
    E013 = "Setting '{value}' is not known: use one of {options}."
    E014 = (
        "Date of service {date} is before ICD-10-CM took effect on {start}: the diagnoses of "
        "that date were coded in ICD-9-CM, which case2code does not code. Check the date."
    )
    E015 = (
        "Line {line} of {source} is over {limit} bytes; it was skipped unread. Split the note "
        "or raise the limit (--max-note-bytes)."
    )
    E016 = (
        "Note {note_id} was still being coded after {seconds} s and was stopped so the batch "
        "could go on. Check the note for pasted data or raise the budget (--timeout-s)."
    )
    E017 = (
        "{source} holds JSON nested deeper than {limit} levels. Send flat objects such as "
        '{{"id": "...", "text": "..."}}.'
    )
    E018 = (
        "Line {line} of {source} is not UTF-8 (bad byte at column {column}: {reason}). "
        "Re-export the notes as UTF-8."
    )
    E020 = "Claim {source} is invalid: {problems}"
    E030 = "Cannot read file '{path}': {reason}."
    E031 = (
        "'{path}' is not UTF-8 text: {reason}. Give the note as plain text (export a PDF or "
        "word-processor file as .txt first)."
    )
    E032 = "Cannot write '{path}': {reason}. Choose a writable file in an existing directory."
    E033 = (
        "Output '{path}' is the input file; writing it would destroy the notes. "
        "Choose another output path."
    )
    E034 = "Cannot resume into '{path}': {reason}."
    E035 = "Output format '{value}' is not known: use one of {options}."

    # Spark (case2code.spark, `case2code spark`): E040-E044
    E040 = "Row '{note_id}' of {source}: column '{column}' {problem}."
    E041 = (
        "A row of {source} has no id: column '{column}' is {problem}. Give every note a "
        "non-empty string id."
    )
    E042 = (
        "A row of {source} is not a JSON object (Spark could not parse it): {record}. Each line "
        'must be {{"id": "...", "text": "..."}}.'
    )
    E043 = "DataFrame {source}: {role} column '{column}' {problem}; its columns are {columns}."
    E044 = (
        "Spark is not installed: {reason}. Install the extra, pip install 'case2code[spark]', "
        "and Java 17 (java on PATH or JAVA_HOME)."
    )

    # CMS data files (kb import, edits)
    E050 = (
        "Cannot import {kind} file '{path}': {reason}. Give the file as CMS publishes it "
        "({layout})."
    )
    E051 = "Unknown CMS data kind '{value}': use one of {options}."
    E052 = "'{code}' is not a CPT/HCPCS code (five characters such as 20982, 0581T, G0463)."

    # REST service (api/): E06x
    E060 = (
        "This call needs the service token: send the header 'Authorization: Bearer <token>' "
        "with the token the server was started with (C2C_TOKEN)."
    )
    E061 = (
        "Note {note_id} is {size} bytes; this server codes at most {limit} bytes per note "
        "(C2C_MAX_NOTE_BYTES). Send the note alone, without attachments, or raise the limit."
    )
    E062 = "Request to {path} is invalid: {problems}. The expected shape is at /docs."
    E063 = (
        "Coding '{coding_id}' is not in the audit store: use a coding_id that POST /v1/code "
        "returned."
    )
    E064 = "Setting {name}='{value}' must be a positive whole number."
    E065 = (
        "A batch holds at most {limit} notes; this one has {count}. Split it into smaller "
        "batches."
    )
    E066 = "Feedback on coding {coding_id} cannot be stored: {problem}."
    E067 = (
        "Request body is larger than {limit} bytes (C2C_MAX_BODY_BYTES): send fewer or smaller "
        "notes per call."
    )

    E080 = "Reader data file {file} is invalid: {count} problem(s).\n{problems}"


class Warnings:
    """Problems on an input line that do not stop it from being coded; reported on the line."""

    W001 = (
        "Line {line} of {source}: field(s) {fields} are not known and were ignored; known fields "
        "are {known}. A misspelled date_of_service means today's date is used."
    )
    W002 = "Line {line} of {source}: id '{note_id}' was already used on line {first}."
    W003 = "Line {line} of {source} starts with a byte-order mark (BOM); it was removed."


class Case2CodeError(Exception):
    """Base of every error the engine raises on purpose; carries its stable code."""

    code = "E000"

    def __init__(self, code: str, message: str):
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message

    @classmethod
    def make(cls, error_code: str, /, **values: object) -> Case2CodeError:
        template = getattr(Errors, error_code)
        return cls(error_code, template.format(**values))


class KBValidationError(Case2CodeError, ValueError):
    """The bundled or a user-supplied KB does not validate; lists every problem at once."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        body = "\n".join(f"  - {p}" for p in problems)
        super().__init__("E001", Errors.E001.format(count=len(problems), problems=body))


class UnknownCodeError(Case2CodeError, KeyError):
    """A code that is neither in the KB nor in the official ICD-10-CM set."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.args[0]


class CodeNotEffectiveError(Case2CodeError, ValueError):
    """A real code asked for on a date outside its effective range."""


class InputError(Case2CodeError, ValueError):
    """Bad input from a user: a note, a JSON line, a date, a claim."""
