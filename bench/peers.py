"""The peers `case2code` is measured against, each a callable taking one note's text.

- medspaCy's default pipeline (`medspacy.load()`: its tokenizer, PyRuSH sentences, the
  TargetMatcher, ConText with its default rules), the TargetMatcher given our lexicon literals;
- spaCy's blank English tokenizer alone (the floor of any spaCy pipeline);
- one Aho-Corasick pass of the same literals over the lower-cased note (the floor of any
  dictionary matcher).
"""

from __future__ import annotations

from collections.abc import Callable

Peer = Callable[[str], object]


def medspacy_pipeline(literals: list[str]) -> Peer:
    import medspacy
    from loguru import logger
    from medspacy.target_matcher import TargetRule

    logger.disable("PyRuSH")  # its sentencizer logs every token at DEBUG to stderr by default
    nlp = medspacy.load()  # medspacy_pyrush, medspacy_target_matcher, medspacy_context
    matcher = nlp.get_pipe("medspacy_target_matcher")
    matcher.add([TargetRule(literal, "LEXICON") for literal in literals])
    return nlp


def medspacy_describe(nlp) -> str:
    from importlib.metadata import version

    names = ", ".join(nlp.pipe_names)
    return f"medspacy {version('medspacy')}, PyRuSH {version('PyRuSH')}, [{names}]"


def spacy_blank_tokenizer() -> Peer:
    import spacy

    return spacy.blank("en").tokenizer


def aho_corasick(literals: list[str]) -> Peer:
    import ahocorasick_rs as ac

    automaton = ac.AhoCorasick(literals, matchkind=ac.MatchKind.LeftmostLongest)

    def scan(text: str) -> list:
        return automaton.find_matches_as_indexes(text.lower())

    return scan
