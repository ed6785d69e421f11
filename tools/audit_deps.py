"""Judge a `pip-audit --format json` report for CI (issue 12): print every finding and every
package that could not be audited, and fail only on a vulnerability that has a fixed version.

Why a script: pip-audit exits 1 on any vulnerability, fixable or not, and exits 0 when it could
audit nothing (an offline machine reaches no vulnerability service, and every package comes back
"could not be audited"). CI must say which of the two happened instead of passing silently.

Usage: python tools/audit_deps.py REPORT.json   (exit 1 when a fixable vulnerability is listed)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def judge(report: dict) -> tuple[list[str], list[str], list[str]]:
    """Fixable findings, unfixable findings, and packages that could not be audited."""
    fixable, unfixable, skipped = [], [], []
    for dep in report.get("dependencies", []):
        name = f"{dep.get('name')} {dep.get('version', '')}".strip()
        if dep.get("skip_reason"):
            skipped.append(name)
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions") or []) or "-"
            line = f"{name}: {vuln.get('id')} (fixed in {fixes})"
            (fixable if vuln.get("fix_versions") else unfixable).append(line)
    return fixable, unfixable, skipped


def main(path: str) -> int:
    fixable, unfixable, skipped = judge(json.loads(Path(path).read_text()))
    audited = (
        "all"
        if not skipped
        else f"{len(skipped)} could not be audited (no vulnerability service reached?)"
    )
    print(f"pip-audit: {len(fixable)} fixable, {len(unfixable)} without a fix; packages: {audited}")
    for line in fixable + unfixable:
        print("  " + line)
    return 1 if fixable else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
