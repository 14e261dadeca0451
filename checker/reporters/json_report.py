"""`report.json`: the machine contract of DESIGN.md, byte-identical for identical input."""

from __future__ import annotations

from checker.report import Report


def render(report: Report) -> str:
    # pydantic's Rust serializer writes the same text as json.dumps(model_dump(mode="json"),
    # ensure_ascii=False, indent=2) (tests/test_reports_formats.py holds it to that), an order of
    # magnitude faster on reports with a hundred thousand violations.
    return report.model_dump_json(indent=2) + "\n"


def render_bytes(report: Report) -> bytes:
    """`render(report)` encoded as UTF-8, without the round trip through `str`: the serializer
    writes UTF-8 bytes, which `model_dump_json` decodes and the writer would encode again (on a
    19 MB report, 35,000 violations, that round trip and the copy for the newline took 0.08 s)."""
    return type(report).__pydantic_serializer__.to_json(report, indent=2) + b"\n"
