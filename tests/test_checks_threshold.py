"""`threshold`: bounds, bureau-wide and per-department facts, missing values, rule errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from checker.calendar import default_calendar
from checker.checks.base import EvalContext, Outcome
from checker.engine import evaluate_rule
from checker.evidence.load import evidence_from_records
from checker.rulepack import Rule


def _rule(check: dict[str, Any]) -> Rule:
    source = {"file": "t.txt", "clause": "一", "quote": "测试"}
    return Rule.model_validate({"id": "t/r", "title": "测试", "severity": "major", "kind": "fact", "check": check, "source": source})


def _evaluate(rule: Rule, facts: list[dict[str, Any]], as_of: str, year: int | None = 2022) -> Outcome:
    evidence = evidence_from_records({"fact": facts}, "t")
    ctx = EvalContext(as_of=dt.date.fromisoformat(as_of), year=year, calendar=default_calendar(), evidence=evidence, departments=tuple(evidence.departments()))
    return evaluate_rule(rule, ctx)


WEIGHT = {"type": "threshold", "key": "appraisal_weight_percent", "min": 4}


def test_every_record_of_the_year_is_judged() -> None:
    facts = [
        {"key": "appraisal_weight_percent", "year": 2022, "value": 4},
        {"key": "appraisal_weight_percent", "year": 2022, "value": 3, "department": "治安支队"},
        {"key": "appraisal_weight_percent", "year": 2021, "value": 1},
        {"key": "open_dataset_count", "year": 2022, "value": 0},
    ]
    outcome = _evaluate(_rule(WEIGHT), facts, "2023-03-01", year=None)  # without --year: the as-of year's rows
    assert outcome.status == "pending"
    outcome = _evaluate(_rule(WEIGHT), facts, "2023-03-01")
    assert outcome.status == "fail"
    assert outcome.measured == {"records": 2, "bound": "不低于 4", "value": 3.0, "short": 1}
    [v] = outcome.violations
    assert (v["department"], v["actual"], v["period"]) == ("治安支队", "3", "2022年")
    assert v["message"] == "部门 治安支队 2022年度指标“政务公开绩效考核权重（appraisal_weight_percent）”为 3，应不低于 4"


def test_missing_value() -> None:
    facts = [{"key": "appraisal_weight_percent", "year": 2021, "value": 5}]
    assert _evaluate(_rule(WEIGHT), facts, "2022-06-30").status == "pending"
    outcome = _evaluate(_rule(WEIGHT), facts, "2023-01-01")
    assert outcome.status == "fail"
    assert outcome.violations[0]["message"] == "未见2022年度指标“政务公开绩效考核权重（appraisal_weight_percent）”的数值（应不低于 4）"


def test_max_bound_and_describe() -> None:
    rule = _rule({"type": "threshold", "key": "complaint_rate", "min": 0, "max": 2.5})
    assert rule.requirement_text() == "指标“complaint_rate”的年度数值不低于0且不高于2.5"
    facts = [{"key": "complaint_rate", "year": 2022, "value": 2.6}]
    assert _evaluate(rule, facts, "2023-03-01").violations[0]["expected"] == "不低于 0且不高于 2.5"


@pytest.mark.parametrize(
    ("check", "message"),
    [({"type": "threshold", "key": "x"}, "threshold 至少需要 min 或 max 之一"), ({"type": "threshold", "key": "x", "min": 5, "max": 4}, "threshold 的 max 小于 min")],
)
def test_bounds_are_validated(check: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _rule(check)


def test_the_chinese_name_of_a_known_indicator_is_read_as_its_code(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """DESIGN names the indicator both ways; a row keyed 政务公开绩效考核权重 used to be skipped
    without a word, so a department below 4 % passed."""
    from checker.evidence.load import load_evidence

    (tmp_path / "facts.csv").write_text("指标,年度,数值,责任部门\n 政务公开绩效考核权重 ,2022,3%,指挥处\nappraisal_weight_percent,2022,1,法制支队\n其他指标,2022,0,甲\n", encoding="utf-8")
    evidence = load_evidence(tmp_path)
    assert evidence.frames["fact"].get_column("key").to_list() == ["appraisal_weight_percent", "appraisal_weight_percent", "其他指标"]
    ctx = EvalContext(as_of=dt.date(2023, 3, 1), year=2022, calendar=default_calendar(), evidence=evidence, departments=tuple(evidence.departments()))
    outcome = evaluate_rule(_rule(WEIGHT), ctx)
    assert sorted(v["department"] for v in outcome.violations) == ["指挥处", "法制支队"]


def test_indicators_no_rule_reads_are_named_in_the_summary(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from checker.engine import run_check
    from checker.evidence.load import load_evidence
    from tests.conftest import one_rule_pack

    (tmp_path / "facts.csv").write_text("指标,年度,数值,责任部门\n政务公开绩效考核权重,2022,5,指挥处\n绩效考核权重,2022,2,治安支队\n", encoding="utf-8")
    report = run_check(load_evidence(tmp_path), [one_rule_pack(WEIGHT, kind="fact")], as_of=dt.date(2023, 3, 1), year=2022, calendar=default_calendar())
    assert report.summary.unchecked == [
        "facts.csv：指标“绩效考核权重”的 1 条记录没有规则检查，未检查（已加载的规则检查的指标：政务公开绩效考核权重（appraisal_weight_percent））；"
        "若是同一指标的其他写法，请改为规则中的指标名称"
    ]
