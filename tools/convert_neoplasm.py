"""Convert the CDC Neoplasm Table XML into the KB data file shipped in the package.

Usage: .venv/bin/python tools/convert_neoplasm.py [XML] [OUT]
Defaults: ../shared/data/icd10cm/icd10cm_neoplasm_2023.xml
  -> src/case2code/kb/data/neoplasm-table.json
Prints the counts (terms, codes needing a current leaf, unresolved codes).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from case2code.kb.neoplasm_table import DATA_FILE, convert, write

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_XML = ROOT.parent / "shared" / "data" / "icd10cm" / "icd10cm_neoplasm_2023.xml"
DEFAULT_OUT = ROOT / "src" / "case2code" / "kb" / "data" / DATA_FILE


def main(argv: list[str]) -> int:
    xml = Path(argv[1]) if len(argv) > 1 else DEFAULT_XML
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    if not xml.exists():
        print(f"Neoplasm Table XML not found at {xml}: pass its path as the first argument.")
        return 2
    doc = convert(xml)
    write(doc, out)
    print(json.dumps(doc["counts"], indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
