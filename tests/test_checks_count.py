"""`count` with a fixed-date window (publicity within 1 个月 of a regulation published 2020-04-26)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from checker.calendar import default_calendar
from checker.checks.base import EvalContext
from checker.engine import evaluate_rule
from checker.evidence.load import evidence_from_records
from checker.rulepack import Rule

FIXED = {"type": "count", "date": "date", "min": 1, "from": "2020-04-26", "by": "2020-05-26"}


def _rule(check: dict[str, Any]) -> Rule:
    source = {"file": "t.txt", "clause": "一", "quote": "测试"}
    return Rule.model_validate({"id": "t/r", "title": "测试", "severity": "major", "kind": "activity", "where": {"type": "regulation_publicity"}, "check": check, "source": source})


@pytest.mark.parametrize(
    ("day", "as_of", "year", "status"),
    [
        ("2020-05-26", "2021-01-10", 2020, "pass"),
        ("2020-05-27", "2021-01-10", 2020, "fail"),
        ("2020-05-27", "2020-05-20", 2020, "pending"),
        ("2022-05-01", "2023-01-10", 2022, "not_applicable"),
        # Without --year the review year is the as-of date's: a 2020 event is not asked for again
        # in every later review (it used to fail every default run from 2021 on).
        ("2020-05-01", "2020-12-31", None, "pass"),
        ("2020-05-27", "2020-12-31", None, "fail"),
        ("2020-05-27", "2023-01-10", None, "not_applicable"),
        ("2020-05-01", "2023-01-10", None, "not_applicable"),
    ],
)
def test_fixed_window(day: str, as_of: str, year: int | None, status: str) -> None:
    evidence = evidence_from_records({"activity": [{"id": "HD-1", "department": "法制科", "type": "regulation_publicity", "date": day}]}, "t")
    ctx = EvalContext(as_of=dt.date.fromisoformat(as_of), year=year, calendar=default_calendar(), evidence=evidence, departments=("法制科",))
    assert evaluate_rule(_rule(FIXED), ctx).status == status


def test_describe_fixed_and_yearly() -> None:
    assert _rule(FIXED).requirement_text() == "类型为新规宣传：2020年4月26日至2020年5月26日期间不少于1次"
    assert _rule({"type": "count", "date": "date", "min": 1, "from": "08-01", "by": "08-31"}).requirement_text() == "类型为新规宣传：每年8月1日至8月31日期间不少于1次"


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"from": "2020-04-26", "by": "05-26"}, "from 和 by 要么都写月日（MM-DD），要么都写完整日期（YYYY-MM-DD）"),
        ({"from": "2020-05-26", "by": "2020-04-26"}, "期间开始 2020-05-26 晚于截止 2020-04-26"),
        ({"by": "2020-02-30"}, "日期 “2020-02-30” 不存在"),
    ],
)
def test_window_errors(window: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _rule({"type": "count", "date": "date", "min": 1, **window})
