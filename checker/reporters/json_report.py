"""`report.json`: the machine contract of DESIGN.md, byte-identical for identical input."""

from __future__ import annotations

from checker.report import Report


def render(report: Report) -> str:
    # pydantic's Rust serializer writes the same text as json.dumps(model_dump(mode="json"),
    # ensure_ascii=False, indent=2) (tests/test_reports_formats.py holds it to that), an order of
    # magnitude faster on reports with a hundred thousand violations.
    return report.model_dump_json(indent=2) + "\n"
