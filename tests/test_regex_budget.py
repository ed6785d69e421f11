"""Every regular expression of the engine runs in bounded time on hostile text.

One unbounded pattern can stall a night's batch: a `freez\\w*` in an energy cue once took a minute
on a 200 KB note. This test finds every pattern the package can run (string literals passed to
`re` in the Python sources, pattern lists in the YAML data) and times each on 20 KB inputs built
to make it backtrack: its own literal words repeated with and without spaces, long runs of one
letter, of whitespace and of its punctuation. A pattern built at run time must be listed in
DYNAMIC with the values it is built from, so a new one cannot slip past the test.
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pytest
import yaml

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "case2code"
SIZE = 20_000
BUDGET_S = 0.100
# each `re` function that takes a pattern -> the position of its flags argument
FLAG_ARG = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2,
            "split": 3, "sub": 4, "subn": 4}


def _word(word: str) -> tuple[str, int]:
    return (r"\b" + word.replace(" ", r"[\s-]") + r"\b", 0)


def _subtype_patterns() -> list[tuple[str, int]]:
    from case2code.nlp.conditions import props

    return [_word(k) for k in props().subtype_words]


def _lexicon_patterns() -> list[tuple[str, int]]:
    from case2code.nlp.lexicon import get_lexicon

    return [(p.pattern, p.flags) for ps in get_lexicon().patterns.values() for p in ps]


def _token_patterns() -> list[tuple[str, int]]:
    from case2code.nlp.lexicon import load
    from case2code.nlp.schema import TokenRuleFile

    specs = [s for rule in load("tokens.yaml", TokenRuleFile).values for s in rule.pattern]
    return [(p, 0) for s in specs for p in (s.REGEX, s.SEP) if p is not None]


def _neoplasm_patterns() -> list[tuple[str, int]]:
    from case2code.kb.loader import get_neoplasm_sites

    words = {w for s in get_neoplasm_sites().sites for w in s.prefer}
    return [(rf"\b{w}\b", 0) for w in sorted(words | {"bilateral", "right", "left"})]


def _review_patterns() -> list[tuple[str, int]]:
    from case2code.kb import get_kb

    policy = get_kb().review
    found = [*policy.patient_markers, *policy.publication_markers, *policy.general_markers]
    found += [*policy.specific_markers, *(c.pattern for c in policy.scope_cues)]
    found += [*policy.side_markers, *(p for ps in policy.subsite_markers.values() for p in ps)]
    twins = [(p, re.IGNORECASE | re.ASCII) for p in found]  # review.search's ASCII copies
    return [(p, re.IGNORECASE) for p in found] + twins + [(r"[\x1c-\x1f]", 0)]


# YAML whose pattern keys hold token specs, not expressions: their REGEX and SEP are read above
YAML_READ_BY_DYNAMIC = {"tokens.yaml"}

# source file -> the patterns that file builds at run time, as the running engine builds them
DYNAMIC = {
    "nlp/conditions.py": _subtype_patterns,
    "nlp/lexicon.py": _lexicon_patterns,
    "nlp/patterns.py": _token_patterns,
    "kb/neoplasm_table.py": _neoplasm_patterns,
    "coding/review.py": _review_patterns,
}


def _const(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _const(node.left), _const(node.right)
        return None if left is None or right is None else left + right
    return None


def _flags(node: ast.AST | None) -> int:
    if node is None:
        return 0
    if isinstance(node, ast.Attribute):
        return int(getattr(re, node.attr))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flags(node.left) | _flags(node.right)
    raise AssertionError(f"cannot read regex flags {ast.dump(node)}")


def _re_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in FLAG_ARG
        ):
            yield node


def _python_patterns() -> tuple[list, set[str]]:
    found, dynamic = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for call in _re_calls(ast.parse(path.read_text(encoding="utf-8"))):
            pattern = _const(call.args[0]) if call.args else None
            if pattern is None:
                dynamic.add(rel)
                continue
            pos = FLAG_ARG[call.func.attr]
            flag_node = call.args[pos] if len(call.args) > pos else next(
                (k.value for k in call.keywords if k.arg == "flags"), None
            )
            found.append((f"{rel}:{call.lineno}", pattern, _flags(flag_node)))
    return found, dynamic


def _yaml_patterns(node, where: str, under_pattern: bool = False):
    if isinstance(node, dict):
        for key, value in node.items():
            hit = under_pattern or "pattern" in str(key) or "regex" in str(key)
            yield from _yaml_patterns(value, f"{where}.{key}", hit)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _yaml_patterns(value, f"{where}[{i}]", under_pattern)
    elif under_pattern and isinstance(node, str):
        yield (where, node, re.IGNORECASE)  # lexicon.py compiles YAML patterns case-blind


def all_patterns() -> list[tuple[str, str, int]]:
    found, dynamic = _python_patterns()
    assert dynamic == set(DYNAMIC), f"patterns built at run time need a DYNAMIC entry: {dynamic}"
    for rel, build in DYNAMIC.items():
        found += [(f"{rel}:dynamic", p, f) for p, f in build()]
    for path in sorted(PACKAGE.rglob("*.yaml")):
        if path.name in YAML_READ_BY_DYNAMIC:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += list(_yaml_patterns(data, path.relative_to(PACKAGE).as_posix()))
    return found


def adversarial_inputs(pattern: str) -> dict[str, str]:
    """Texts that make a backtracking engine retry: the pattern's own words, glued and spaced."""
    words = sorted(set(re.findall(r"(?<!\\)[A-Za-z]{2,}", pattern)))
    punct = sorted(set(re.findall(r"[^\w\s\\]", pattern)) - set("()[]{}?*+|^$"))
    out = {"letters": "a" * SIZE, "words": "ab " * (SIZE // 3), "spaces": " " * SIZE,
           "newlines": "\n" * SIZE, "all-words": (" ".join(words) + " ") * (SIZE // 40 + 1)}
    for w in words:
        out[f"{w}*"] = w * (SIZE // len(w))
        out[f"{w} *"] = (w + " ") * (SIZE // (len(w) + 1))
    for p in punct:
        out[f"{p}*"] = p * SIZE
        out[f"{p}a*"] = (p + "a") * (SIZE // 2)
    return {k: v[:SIZE] for k, v in out.items()}


def _seconds(rx: re.Pattern, text: str) -> float:
    best = float("inf")
    for _ in range(2):  # CPU time, best of two: a busy shared machine is not the pattern's cost
        start = time.process_time()
        for _m in rx.finditer(text):
            pass
        best = min(best, time.process_time() - start)
        if best < BUDGET_S:
            break
    return best


PATTERNS = all_patterns()


def test_collection_sees_the_known_pattern_sites():
    sites = {where.split(":")[0] for where, _, _ in PATTERNS}
    assert {"nlp/reader.py", "nlp/patterns.py", "kb/lookup.py"} <= sites
    assert any(where.startswith("nlp/data/notecues.yaml") for where, _, _ in PATTERNS)


@pytest.mark.parametrize("where,pattern,flags", PATTERNS, ids=[p[0] for p in PATTERNS])
def test_pattern_stays_within_budget_on_20kb_adversarial_text(where, pattern, flags):
    rx = re.compile(pattern, flags)
    slow = {}
    for name, text in adversarial_inputs(pattern).items():
        took = _seconds(rx, text)
        if took > BUDGET_S:
            slow[name] = round(took, 3)
    assert not slow, f"{where} {pattern!r} is slow on {slow}: bound its repeats"
