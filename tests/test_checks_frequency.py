"""`frequency`: windows, idle weeks, open windows, per-department judgement, rule errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from checker.calendar import default_calendar
from checker.checks.base import EvalContext, Outcome
from checker.checks.frequency import windows
from checker.engine import evaluate_rule
from checker.errors import RuleError
from checker.evidence.load import evidence_from_records
from checker.rulepack import Rule, load_pack


def _rule(check: dict[str, Any], where: dict[str, Any] | None = None) -> Rule:
    return Rule.model_validate(
        {
            "id": "t/r",
            "title": "测试",
            "severity": "major",
            "kind": "activity",
            "where": where or {"type": "website_inspection"},
            "check": check,
            "source": {"file": "t.txt", "clause": "一", "quote": "测试"},
        }
    )


def _evaluate(rule: Rule, dates: list[tuple[str, str]], as_of: str, year: int) -> Outcome:
    records = [{"id": f"A{i}", "department": dept, "type": "website_inspection", "date": day} for i, (dept, day) in enumerate(dates)]
    evidence = evidence_from_records({"activity": records}, "t")
    ctx = EvalContext(as_of=dt.date.fromisoformat(as_of), year=year, calendar=default_calendar(), evidence=evidence, departments=tuple(evidence.departments()))
    return evaluate_rule(rule, ctx)


WEEKLY = {"type": "frequency", "date": "date", "per": "week", "min": 1}


def test_weeks_are_the_iso_weeks_of_the_year() -> None:
    """Whole weeks, each in the year of its Thursday: no week judged in two years, none cut short."""
    weeks = windows("week", 2022)
    assert (weeks[0].start, weeks[0].end) == (dt.date(2022, 1, 3), dt.date(2022, 1, 9))
    assert (weeks[-1].start, weeks[-1].end, len(weeks)) == (dt.date(2022, 12, 26), dt.date(2023, 1, 1), 52)
    assert weeks[32].label == "2022年第33周（2022-08-15至2022-08-21）"
    assert windows("week", 2020)[0].label == "2020年第1周（2019-12-30至2020-01-05）"
    assert (len(windows("week", 2020)), len(windows("week", 2026)), windows("week", 2026)[0].start) == (53, 53, dt.date(2025, 12, 29))
    assert [w.label for w in windows("quarter", 2022)][2] == "2022年第3季度"
    assert (windows("month", 2024)[1].end, windows("quarter", 2022)[3].end) == (dt.date(2024, 2, 29), dt.date(2022, 12, 31))


@pytest.mark.parametrize(("first", "year"), [("2019-12-30", 2020), ("2025-01-03", 2025)])
def test_a_perfect_weekly_schedule_passes_across_the_year_edges(first: str, year: int) -> None:
    """Every Monday from 2019-12-30 (the first one in December), every Friday of 2025 (the last
    week, 12-29..2026-01-04, is 2026's): both used to fail an edge week cut at 1月1日 / 12月31日."""
    start = dt.date.fromisoformat(first)
    dates = [("指挥处", (start + dt.timedelta(days=7 * k)).isoformat()) for k in range(54)]
    outcome = _evaluate(_rule(WEEKLY), dates, f"{year + 1}-02-01", year)
    assert outcome.status == "pass", [v["period"] for v in outcome.violations]


def test_a_weekly_alternative_of_any_of_sees_the_december_days_of_week_1() -> None:
    """Weekly checks read the whole ledger also as an any_of alternative on the rule's own ledger."""
    start = dt.date(2019, 12, 30)
    dates = [("指挥处", (start + dt.timedelta(days=7 * k)).isoformat()) for k in range(54)]
    either = {"type": "any_of", "checks": [{"label": "每周巡检", "check": WEEKLY}, {"label": "全年", "check": {"type": "count", "date": "date", "min": 100}}]}
    assert _evaluate(_rule(either), dates, "2021-02-01", 2020).status == "pass"


def test_weeks_the_calendar_cannot_answer_for_are_an_error_not_skipped() -> None:
    """Past the calendar data a week is not 'without working days': the run stops and says why."""
    from checker.errors import CalendarError

    last = default_calendar().last.year
    with pytest.raises(CalendarError, match="超出工作日历数据的覆盖范围"):
        _evaluate(_rule(WEEKLY), [("指挥处", f"{last + 1}-03-02")], f"{last + 1}-06-01", last + 1)


def test_a_week_without_working_days_is_not_judged() -> None:
    """2020-01-27..02-02 was all Spring Festival holiday (extended); 2020-01-01..05 holds 01-02 and 01-03."""
    dates = [("指挥处", day) for day in ("2020-01-02", "2020-01-06", "2020-01-19", "2020-01-20")]
    outcome = _evaluate(_rule(WEEKLY), dates, "2020-02-04", 2020)
    assert outcome.status == "pending"  # 02-03..02-09 still open; the holiday week is skipped, not failed
    assert (outcome.measured["short_windows"], outcome.measured["skipped_windows"]) == (0, 1)
    # The reports name it for what it is: next to 未到期 it must not read as another open window.
    from checker.reporters.wording import measured_items

    assert ("无工作日的周期（不计）", "1") in measured_items(outcome.measured)
    assert [label for label, _ in measured_items(outcome.measured)].count("未到期") == 1


def test_the_first_covered_year_is_judged_week_by_week() -> None:
    """2004 is the calendar data's first year: whether its first week (Mon 2003-12-29 to Sun
    01-04) holds a working day is a question about the days the calendar covers."""
    assert default_calendar().first == dt.date(2004, 1, 1)
    dates = [("指挥处", (dt.date(2004, 1, 2) + dt.timedelta(days=7 * k)).isoformat()) for k in range(53)]
    outcome = _evaluate(_rule(WEEKLY), dates, "2005-01-10", 2004)
    assert outcome.status == "pass", outcome.measured
    assert outcome.measured["windows"] == 53 and "skipped_windows" not in outcome.measured
    missing_first = _evaluate(_rule(WEEKLY), dates[1:], "2005-01-10", 2004)
    assert [v["period"] for v in missing_first.violations] == ["2004年第1周（2003-12-29至2004-01-04）"]


def test_short_windows_are_named_and_open_ones_pending() -> None:
    rule = _rule({"type": "frequency", "date": "date", "per": "month", "min": 2}, where={"type": "website_inspection"})
    dates = [("指挥处", "2022-01-29"), ("指挥处", "2022-01-30"), ("指挥处", "2022-02-10")]
    outcome = _evaluate(rule, dates, "2022-03-15", 2022)
    assert outcome.status == "fail"
    assert [(v["period"], v["actual"], v["message"]) for v in outcome.violations] == [("2022年2月", "1 次", "2022年2月仅 1 次，应不少于 2 次")]
    assert outcome.measured == {"windows": 12, "short_windows": 1, "pending": 10, "min": 2}


def test_per_department_names_the_department_and_window() -> None:
    rule = _rule({"type": "frequency", "date": "date", "per": "quarter", "min": 1, "per_department": True})
    dates = [(dept, day) for dept in ("指挥处", "政治处") for day in ("2022-03-01", "2022-06-01", "2022-09-01", "2022-12-01")]
    dates.remove(("政治处", "2022-06-01"))
    outcome = _evaluate(rule, dates, "2023-01-10", 2022)
    assert outcome.status == "fail"
    assert [(v["department"], v["period"]) for v in outcome.violations] == [("政治处", "2022年第2季度")]
    assert outcome.violations[0]["message"] == "部门 政治处 2022年第2季度仅 0 次，应不少于 1 次"


def test_records_of_other_years_do_not_count() -> None:
    outcome = _evaluate(_rule({"type": "frequency", "date": "date", "per": "quarter", "min": 1}), [("指挥处", "2021-12-31")], "2023-01-10", 2022)
    assert [v["period"] for v in outcome.violations] == ["2022年第1季度", "2022年第2季度", "2022年第3季度", "2022年第4季度"]


def test_bad_period_is_a_rule_error(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "pack: {id: t, title: 测试, issuer: 测试, year: 2022, source_file: t.txt}\n"
        "rules:\n"
        "  - id: t/r\n"
        "    title: 测试\n"
        "    severity: major\n"
        "    kind: activity\n"
        "    source: {file: t.txt, clause: 一, quote: 测试}\n"
        "    check: {type: frequency, date: day, per: day, min: 0}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as err:
        load_pack(path)
    where = str(path)
    assert err.value.problems == [
        f"{where}:8：rules[0]（t/r）.check.per：取值 “day” 无效，应为 week、month 或 quarter",
        f"{where}:8：rules[0]（t/r）.check.min：应不小于 1",
    ]
