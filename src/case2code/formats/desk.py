"""Text of the coder's-desk panel of `case2code lookup` (kb/desk.py builds it) and of
`case2code edits A B`: short lines a coder reads the way an encoder shows them."""

from __future__ import annotations

from ..kb.cms import MODIFIER_WORDS

EDITS_SHOWN = 40
NOTE_LABELS = {
    "excludes1": "Excludes1",
    "excludes2": "Excludes2",
    "code_first": "Code first",
    "code_also": "Code also",
    "use_additional_code": "Use additional code",
    "seven_chr_note": "7th character",
}


def dates_line(d: dict) -> str:
    text = f"effective: {d['effective']}"
    if d.get("end"):
        text += f" to {d['end']}"
    if d.get("seen_from"):
        text += f" (in use by {d['seen_from']}, the earliest sourced sighting)"
    return text


def desk_lines(panel: dict) -> list[str]:
    if not panel:
        return []
    if "tabular_notes" in panel:
        return _icd_lines(panel)
    out = ["", "## Payment and edits"]
    if panel["global_days"]:
        g = panel["global_days"]
        out.append(f"global period: {g['value']}  [{g['source']}]")
    if panel["mue"]:
        m = panel["mue"]
        out.append(
            f"MUE: {m['value']} per day, MAI {m['mai']} ({m['mai_meaning']}); "
            f"{m['rationale']}  [{m['source']}]"
        )
    out += _fee_lines(panel)
    out += pair_lines(panel["pair_edits"], limit=EDITS_SHOWN)
    return out


def _fee_lines(panel: dict) -> list[str]:
    fee = panel["fee_schedule"]
    if not fee and panel.get("fee_release"):
        return [f"fee schedule: the code is not in {panel['fee_release']}"]
    if not fee:
        return ["fee schedule: no PFS file imported (`case2code kb import pfs PPRRVU...csv`)"]
    ind = ", ".join(f"{k} {v}" for k, v in fee["indicators"].items())
    rvu = fee["rvu"]
    out = [
        f"fee schedule [{fee['release']}]: status {fee['status']}; {ind}",
        f"  RVU work {rvu['work_rvu']}, PE non-facility {rvu['pe_nonfac']}, PE facility "
        f"{rvu['pe_fac']}, MP {rvu['mp_rvu']}; total non-facility {rvu['total_nonfac']}, "
        f"facility {rvu['total_fac']}",
    ]
    listed = [h["effective"] for h in panel["fee_history"] if h["listed"]]
    absent = [h["effective"] for h in panel["fee_history"] if not h["listed"]]
    if listed:
        out.append(
            f"  in PFS releases: {', '.join(listed)}"
            + (f"; absent from {', '.join(absent)}" if absent else "")
        )
    return out


def pair_lines(edits: list[dict], limit: int | None = None) -> list[str]:
    if not edits:
        return ["NCCI pair edits: none on file"]
    out = [f"NCCI pair edits ({len(edits)}):"]
    for e in edits[:limit]:
        until = f" to {e['deletion']}" if e["deletion"] else ""
        out.append(
            f"  {e['column1']} > {e['column2']}  modifier indicator {e['modifier_indicator']}: "
            f"{MODIFIER_WORDS.get(e['modifier_indicator'], '?')}; from {e['effective']}{until}"
        )
        out.append(f"      {e['rationale']}  [{e['source']}]")
    if limit and len(edits) > limit:
        out.append(f"  ... {len(edits) - limit} more: `case2code edits CODE OTHER` for one pair")
    return out


def _icd_lines(panel: dict) -> list[str]:
    out = []
    if panel.get("date_note"):
        out += ["", f"date of service: {panel['date_note']}"]
    notes = panel["tabular_notes"]
    if not notes:
        return out
    out += ["", "## Tabular notes (this code and its parents)"]
    for level in notes:
        where = level["code"]
        where = f"Chapter {where}" if where.isdigit() else where
        out.append(f"{where}  {level['title']}")
        for key, label in NOTE_LABELS.items():
            for text in level.get(key, []):
                out.append(f"  {label}: {text}")
    return out
