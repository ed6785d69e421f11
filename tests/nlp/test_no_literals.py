"""The reader's Python holds no organ, site, histology or phrase of its own: those live in
nlp/data (and kb/data/vocabulary.yaml) where a coder reviews them. This test fails when one
comes back as a string literal in src/case2code/nlp/*.py."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import yaml

import case2code
from case2code.model import ConditionFact, ProcedureFact
from case2code.nlp.lexicon import get_lexicon, load
from case2code.nlp.schema import Category, LexiconFile

PKG = Path(case2code.__file__).parent
VOCABULARY_KEYS = ("action", "modality", "approach", "organ", "region", "guidance")
SETS_KEYS = ("site", "subsite", "histology", "primary_site", "secondary_site", "indication")
# The reader's own structure may be named in Python: attribute keys, and the closed values of
# assertion, side, condition kind, role, behavior and status, neoplasm kinds, section names.
STRUCTURE_KEYS = (
    "laterality",
    "assertion",
    "condition_kind",
    "neoplasm_role",
    "behavior",
    "condition_status",
)
NEOPLASM_KINDS = {"primary", "secondary", "tumor", "malignant", "benign", "history_word"}


def _domain_words() -> set[str]:
    vocab = yaml.safe_load((PKG / "kb" / "data" / "vocabulary.yaml").read_text())
    words = {v for key in VOCABULARY_KEYS for v in vocab[key]}
    allowed: set[str] = set()
    lex = get_lexicon()
    rules = [*load("lexicon.yaml", LexiconFile).entries, *lex.context.rules]
    for rule in rules + list(lex.note_cues.values()):
        sets = getattr(rule, "sets", None) or {}
        words |= {v for k, v in sets.items() if k in SETS_KEYS and isinstance(v, str)}
        words |= {lit.lower() for lit in rule.literals}
        allowed |= set(sets)
    allowed |= {v for key in STRUCTURE_KEYS for v in vocab[key]} | NEOPLASM_KINDS
    allowed |= set(yaml.safe_load((PKG / "nlp" / "data" / "sections.yaml").read_text())["sections"])
    allowed |= {c.value for c in Category} | set(lex.note_cues)
    allowed |= {f.name for f in fields(ProcedureFact)} | {f.name for f in fields(ConditionFact)}
    return words - allowed


def _string_constants(path: Path):
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.lineno, node.value


def test_no_organ_site_or_phrase_literal_in_reader_python():
    words = _domain_words()
    found = [
        f"{path.name}:{line}: {value!r}"
        for path in sorted((PKG / "nlp").glob("*.py"))
        for line, value in _string_constants(path)
        if value.lower() in words
    ]
    assert found == [], "move these into nlp/data (properties.yaml, tokens.yaml):\n" + "\n".join(
        found
    )


def test_the_guard_sees_a_literal_when_one_is_written(tmp_path):
    words = _domain_words()
    sample = tmp_path / "sample.py"
    sample.write_text('ORGANS = {"kidney", "lung"}\nif x == "radiofrequency ablation": pass\n')
    hits = [v for _, v in _string_constants(sample) if v.lower() in words]
    assert sorted(hits) == ["kidney", "lung", "radiofrequency ablation"]
