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
        "(at most {limit} characters)."
    )
    E011 = (
        "Line {line} of {source} is not a JSON object: {reason}. Each line must be "
        '{{"id": "...", "text": "..."}}.'
    )
    E012 = "Line {line} of {source}: field '{field}' {problem}."
    E013 = "Setting '{value}' is not known: use one of {options}."
    E020 = "Claim {source} is invalid: {problems}"
    E030 = "Cannot read file '{path}': {reason}."
    # CMS data files (kb import, edits)
    E060 = (
        "Cannot import {kind} file '{path}': {reason}. Give the file as CMS publishes it "
        "({layout})."
    )
    E061 = "Unknown CMS data kind '{value}': use one of {options}."
    E062 = "'{code}' is not a CPT/HCPCS code (five characters such as 20982, 0581T, G0463)."


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
