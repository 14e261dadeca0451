"""`date_by`: the report covering Y−1 published by a month-day of Y; a blank 所属年度 is the year
before the publication date (the column is optional in the templates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from checker.calendar import default_calendar
from checker.checks.base import EvalContext
from checker.engine import evaluate_rule
from checker.evidence.load import evidence_from_records
from checker.rulepack import Rule

CHECK = {"type": "date_by", "date": "published_at", "covers": "covers_year", "due": "01-31"}


def _rule() -> Rule:
    source = {"file": "t.txt", "clause": "一", "quote": "测试"}
    return Rule.model_validate(
        {"id": "t/r", "title": "测试", "severity": "critical", "kind": "publication", "where": {"type": "foi_annual_report"}, "check": CHECK, "source": source}
    )


@pytest.mark.parametrize(
    ("record", "status", "actual"),
    [
        ({"covers_year": 2021, "published_at": "2022-01-28"}, "pass", None),
        ({"covers_year": None, "published_at": "2022-01-28"}, "pass", None),  # blank: published 2022 → covers 2021
        ({"covers_year": None, "published_at": "2022-02-10"}, "fail", "2022-02-10 发布"),
        ({"covers_year": 2020, "published_at": "2022-01-28"}, "fail", "截至 2022-03-01 未见发布记录"),  # a written year wins
        ({"covers_year": None, "published_at": "2021-01-28"}, "fail", "截至 2022-03-01 未见发布记录"),  # the 2020 report
        ({"covers_year": None, "published_at": None}, "fail", "截至 2022-03-01 未见发布记录"),
    ],
)
def test_blank_covers_year_is_the_year_before_publication(record: dict[str, Any], status: str, actual: str | None) -> None:
    row = {"id": "BG-1", "department": "办公室", "type": "foi_annual_report", **record}
    evidence = evidence_from_records({"publication": [row]}, "t")
    ctx = EvalContext(as_of=dt.date(2022, 3, 1), year=2022, calendar=default_calendar(), evidence=evidence, departments=("办公室",))
    finding = evaluate_rule(_rule(), ctx)
    assert finding.status == status
    assert [v["actual"] for v in finding.violations] == ([actual] if actual else [])
