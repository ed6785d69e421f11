"""The reader's declarative rules: every example in nlp/data reads as its rule says, and a
mistyped rule file fails the load with the file, the rule id and the fix."""

from __future__ import annotations

import pytest
import yaml

from case2code.nlp import read
from case2code.nlp.context import assert_mention
from case2code.nlp.lexicon import _data, get_lexicon, load
from case2code.nlp.notectx import NoteContext
from case2code.nlp.schema import ContextFile, RuleFileError, TargetType, TokenRuleFile

LEX = get_lexicon()
CUE_EXAMPLES = [(r, e) for r in LEX.context.rules for e in r.examples]
VALUE_EXAMPLES = [(r, e) for r in LEX.tokens.values for e in r.examples]


def _context(text: str) -> NoteContext:
    return NoteContext(read(text), LEX)


@pytest.mark.parametrize(
    "rule,example", CUE_EXAMPLES, ids=[f"{r.id}:{e.text[:30]}" for r, e in CUE_EXAMPLES]
)
def test_cue_rule_example_reads_as_stated(rule, example):
    ctx = _context(example.text)
    start = example.text.lower().index(example.target.lower())
    target = next(m for m in ctx.mentions if m.start <= start < m.end)
    kind = TargetType.procedure if target.get("action") else TargetType.condition
    sent = ctx.doc.sentence_of(target.tok_start)
    found = assert_mention(
        target.tok_start, target.tok_end, ctx.sent_cues(sent), kind, breaks=ctx.doc.breaks
    )
    assert (found.value if found else None) == example.assertion
    if example.assertion is not None:
        assert found.cue.rule is rule, f"governed by {found.cue.rule.id}, not {rule.id}"


@pytest.mark.parametrize(
    "rule,example", VALUE_EXAMPLES, ids=[f"{r.id}:{e.text[:30]}" for r, e in VALUE_EXAMPLES]
)
def test_value_rule_example_reads_as_stated(rule, example):
    ctx = _context(example.text)
    values = ctx.values_of(rule.kind.value)
    if example.value is None:
        assert not [v for v in values if v.rule is rule], values
    else:
        assert [v.value for v in values if v.rule is rule] == [example.value]


def test_every_cue_rule_and_value_rule_has_examples():
    assert all(r.examples for r in LEX.context.rules)
    assert all(r.examples for r in LEX.tokens.values)


def test_rule_ids_are_unique_across_reader_files():
    ids = [r.id for r in LEX.context.rules] + [r.id for r in LEX.tokens.values]
    ids += [r.id for r in LEX.tokens.adjust] + [c.id for c in LEX.note_cues.values()]
    assert len(ids) == len(set(ids))


def test_a_mistyped_cue_rule_names_file_rule_and_key():
    raw = _data("context.yaml")
    raw["rules"][3]["max_scop"] = 4  # misspelled key
    raw["rules"][5]["direction"] = "sideways"
    with pytest.raises(RuleFileError) as err:
        from case2code.nlp.schema import validate

        validate(ContextFile, raw, "nlp/data/context.yaml")
    msg = str(err.value)
    assert msg.startswith("[E060] Reader data file nlp/data/context.yaml is invalid: 2 problem(s)")
    assert f"rules[3] (id {raw['rules'][3]['id']}) -> max_scop" in msg
    assert f"rules[5] (id {raw['rules'][5]['id']}) -> direction" in msg


def test_a_value_rule_without_examples_does_not_load():
    raw = yaml.safe_load(
        """
version: t
values:
  - id: count.bare
    why: a count rule with nothing to prove it
    kind: count
    pattern: [{LIKE_NUM: true}]
"""
    )
    from case2code.nlp.schema import validate

    with pytest.raises(RuleFileError, match=r"values\[0\] \(id count.bare\) -> examples"):
        validate(TokenRuleFile, raw, "tokens.yaml")


def test_bronchoscopic_lobe_treatment_is_adjusted_to_the_airway():
    from case2code.nlp import read_facts

    text = (
        "PROCEDURE: Flexible bronchoscopy with argon plasma coagulation of an endobronchial "
        "tumor in the right lower lobe bronchus. Findings: tumor debulked, airway patent."
    )
    _, facts = read_facts(text)
    ablation = next(p for p in facts.procedures if p.action == "ablation")
    assert ablation.organ == "airway"
    assert "adjust.bronchoscopic_lung_is_airway" in ablation.rules


def test_the_bundled_files_load_through_their_schema():
    assert load("tokens.yaml", TokenRuleFile).version == "tokens.v1"
