"""`report.json`: the machine contract of DESIGN.md, byte-identical for identical input."""

from __future__ import annotations

import json

from checker.report import Report


def render(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
