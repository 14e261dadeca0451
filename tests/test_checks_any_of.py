"""`any_of`: alternatives, sub-checks on other ledgers, statuses, nested rule errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from checker.calendar import default_calendar
from checker.checks.base import EvalContext, Outcome
from checker.engine import evaluate_rule
from checker.errors import RuleError
from checker.evidence.load import evidence_from_records
from checker.rulepack import Rule, load_pack

OPEN = {
    "type": "any_of",
    "checks": [
        {"label": "开放日", "where": {"type": "open_day"}, "check": {"type": "count", "date": "date", "min": 3, "by": "09-30"}},
        {"label": "开放周", "where": {"type": "open_week"}, "check": {"type": "count", "date": "date", "min": 1, "by": "09-30"}},
    ],
}


def _rule(check: dict[str, Any]) -> Rule:
    source = {"file": "t.txt", "clause": "一", "quote": "测试"}
    return Rule.model_validate({"id": "t/r", "title": "测试", "severity": "major", "kind": "activity", "check": check, "source": source})


def _evaluate(rule: Rule, data: dict[str, list[dict[str, Any]]], as_of: str, year: int = 2020) -> Outcome:
    evidence = evidence_from_records(data, "t")
    ctx = EvalContext(as_of=dt.date.fromisoformat(as_of), year=year, calendar=default_calendar(), evidence=evidence, departments=("法制科",))
    return evaluate_rule(rule, ctx)


def _activities(*items: tuple[str, str]) -> dict[str, list[dict[str, Any]]]:
    return {"activity": [{"id": f"HD-{i}", "department": "法制科", "type": kind, "date": day} for i, (kind, day) in enumerate(items)]}


@pytest.mark.parametrize(
    ("items", "as_of", "status"),
    [
        ((("open_week", "2020-08-10"),), "2021-01-10", "pass"),
        ((("open_day", "2020-05-20"), ("open_day", "2020-06-28"), ("open_day", "2020-09-27")), "2021-01-10", "pass"),
        ((("open_day", "2020-05-20"), ("open_day", "2020-06-28")), "2020-09-01", "pending"),
        ((("open_day", "2020-05-20"), ("open_week", "2020-10-12")), "2021-01-10", "fail"),
    ],
)
def test_statuses(items: tuple[tuple[str, str], ...], as_of: str, status: str) -> None:
    assert _evaluate(_rule(OPEN), _activities(*items), as_of).status == status


def test_failing_lists_every_alternative_with_its_label() -> None:
    outcome = _evaluate(_rule(OPEN), _activities(("open_day", "2020-05-20"), ("open_week", "2020-10-12")), "2021-01-10")
    assert [v["message"] for v in outcome.violations] == [
        "（开放日）2020-01-01 至 2020-09-30 应不少于 3 次，实际 1 次",
        "（开放周）2020-01-01 至 2020-09-30 应不少于 1 次，实际 0 次",
    ]
    assert outcome.measured["开放日"] == {"window": "2020-01-01..2020-09-30", "min": 3, "count": 1, "status": "fail"}


def test_sub_check_on_another_ledger_is_scoped_to_the_year() -> None:
    check = {
        "type": "any_of",
        "checks": [
            {"where": {"type": "open_week"}, "check": {"type": "count", "date": "date", "min": 1}},
            {"kind": "publication", "where": {"type": "disclosure_guide"}, "check": {"type": "date_by", "date": "published_at", "due": "03-31"}},
        ],
    }
    guide = {"id": "GB-1", "department": "办公室", "type": "disclosure_guide", "covers_year": 2019, "published_at": "2020-03-02"}
    data = {**_activities(("open_day", "2020-05-20")), "publication": [guide]}
    outcome = _evaluate(_rule(check), data, "2021-01-10")
    assert outcome.status == "pass"
    assert outcome.measured["类型为政府信息公开指南"]["status"] == "pass"
    assert _evaluate(_rule(check), _activities(("open_day", "2020-05-20")), "2021-01-10").measured["类型为政府信息公开指南"] == {
        "evidence_provided": False,
        "status": "not_applicable",
    }


def test_describe() -> None:
    assert _rule(OPEN).requirement_text() == "以下任一项达到即可：开放日：每年9月30日（含）前不少于3次；或开放周：每年9月30日（含）前不少于1次"


def test_nested_errors_point_into_the_sub_check(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "pack: {id: t, title: 测试, issuer: 测试, year: 2022, source_file: t.txt}\n"
        "rules:\n"
        "  - id: t/r\n"
        "    title: 测试\n"
        "    severity: major\n"
        "    kind: activity\n"
        "    source: {file: t.txt, clause: 一, quote: 测试}\n"
        "    check:\n"
        "      type: any_of\n"
        "      checks:\n"
        "        - where: {type: open_day}\n"
        "          check: {type: count, date: date, min: 0}\n"
        "        - kind: decision\n"
        "          check: {type: nope}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as err:
        load_pack(path)
    assert err.value.problems == [
        f"{path}:12：rules[0]（t/r）.check.checks[0].check.min：应不小于 1",
        f"{path}:14：rules[0]（t/r）.check.checks[1].check：未知的检查类型 “nope”，可选：deadline、date_by、count、frequency、ratio、duration、required、related、any_of、threshold、task_due",
    ]


def test_sub_check_fields_are_checked_against_its_own_kind(tmp_path: Path) -> None:
    check = {"type": "any_of", "checks": [{"kind": "decision", "where": {"type": "open_week"}, "check": {"type": "count", "date": "date", "min": 1}}, OPEN["checks"][0]]}
    with pytest.raises(ValueError, match="any_of 第1项：筛选条件中的字段 “type” 不属于 decision（重大决策台账）；any_of 第1项：字段 “date” 不属于 decision"):
        _rule(check)
