"""A longer literal shadows the shorter literals inside it (longest match wins), so it must set
what they set: 'CT-guided percutaneous' once hid 'percutaneous' and an open cryoablation lost its
action to 'open cryoablation' setting only the approach."""

from __future__ import annotations

from case2code.nlp.lexicon import load
from case2code.nlp.scanner import literal_key
from case2code.nlp.schema import LexiconFile

KEYS = ("action", "approach")
DEVICES = {"cryo probe", "cryo probes", "ablation catheter"}  # an instrument, not the procedure
# the zone an ablation left and 'post-ablation' (lexicon cx.link_site, cx.link_self): stop
# phrases of no procedure (stop.phrases) that also tie a complication to the ablation
PLACES = {
    "ablation site",
    "ablation zone",
    "ablation zones",
    "ablation cavity",
    "ablation bed",
    "ablated zone",
    "ablation tract",
    "post ablation",
}
# a pain named for an earlier operation (lexicon ind.post_thoracotomy_pain, its _chronic twin):
# that operation's approach is no approach of today's procedure, so the longer words hide it
NAMED_FOR_AN_OPERATION = {
    "post thoracotomy pain",
    "post thoracotomy pain syndrome",
    "chronic post thoracotomy pain",
    "chronic post thoracotomy pain syndrome",
    "acute post thoracotomy pain",
    "thoracotomy pain",
}


def _merged() -> dict[tuple[str, ...], dict]:
    merged: dict[tuple[str, ...], dict] = {}
    for entry in load("lexicon.yaml", LexiconFile).entries:
        for literal in entry.literals:
            sets = merged.setdefault(literal_key(literal), {})
            for key, value in entry.sets.items():
                sets.setdefault(key, value)
    return merged


def test_no_literal_hides_the_action_or_approach_of_a_literal_inside_it():
    merged = _merged()
    hidden = []
    for words, sets in merged.items():
        if not sets or " ".join(words) in DEVICES | PLACES | NAMED_FOR_AN_OPERATION:
            continue  # a stop entry shadows on purpose
        inner = {words[i:j] for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
        for part in inner - {words}:
            for key in KEYS:
                if key in merged.get(part, {}) and key not in sets:
                    hidden.append(f"{' '.join(words)!r} hides {key} of {' '.join(part)!r}")
    assert hidden == []
