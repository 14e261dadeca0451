"""`related`: presence, deadlines in each unit, the other ledger read whole, rule errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from checker.calendar import default_calendar
from checker.checks.base import EvalContext, Outcome
from checker.engine import evaluate_rule
from checker.errors import CalendarError, RuleError
from checker.evidence.load import empty_frame, evidence_from_records
from checker.evidence.schema import KINDS
from checker.rulepack import Rule, load_pack

SOURCE = {"file": "t.txt", "clause": "一", "quote": "测试"}


def _rule(check: dict[str, Any], kind: str = "policy_document", where: dict[str, Any] | None = None) -> Rule:
    return Rule.model_validate({"id": "t/r", "title": "测试", "severity": "major", "kind": kind, "where": where or {}, "check": check, "source": SOURCE})


def _doc(doc_id: str, published: str) -> dict[str, Any]:
    return {"id": doc_id, "title": "文件", "department": "指挥处", "published_at": published, "affects_public": "是"}


def _interp(jd: str, doc_id: str, published: str, form: str = "text") -> dict[str, Any]:
    return {"id": jd, "document_id": doc_id, "department": "指挥处", "form": form, "published_at": published}


def _evaluate(rule: Rule, data: dict[str, list[dict[str, Any]]], as_of: str, year: int | None = 2022) -> Outcome:
    evidence = evidence_from_records({k: v for k, v in data.items() if v}, "t")
    evidence.frames.update({k: empty_frame(KINDS[k]) for k, v in data.items() if not v})  # a ledger handed in empty
    ctx = EvalContext(as_of=dt.date.fromisoformat(as_of), year=year, calendar=default_calendar(), evidence=evidence, departments=("指挥处",))
    return evaluate_rule(rule, ctx)


THREE_WD = {"type": "related", "other": "interpretation", "other_key": "document_id", "start": "published_at", "other_date": "published_at", "within": {"working_days": 3}}


def test_working_days_deadline_over_a_golden_week() -> None:
    """Published Fri 2022-09-30: 10-08 and 10-09 are make-up working days, so day 3 is 10-10."""
    data = {
        "policy_document": [_doc("ZC-1", "2022-09-30"), _doc("ZC-2", "2022-09-30")],
        "interpretation": [_interp("JD-1", "ZC-1", "2022-10-10"), _interp("JD-2", "ZC-2", "2022-10-11"), _interp("JD-3", "ZC-2", "2022-10-20")],
    }
    outcome = _evaluate(_rule(THREE_WD), data, "2023-03-01")
    assert outcome.status == "fail"
    assert outcome.measured == {"records": 2, "related": 1, "late": 1, "missing": 0, "pending": 0}
    [v] = outcome.violations
    assert (v["record_id"], v["expected"], v["actual"]) == ("ZC-2", "不晚于 2022-10-10", "2022-10-11")
    assert v["message"] == "公开日期 2022-09-30，应不晚于 2022-10-10（3个工作日内）有政策解读，最早的政策解读发布日期为 2022-10-11"


def test_interpretation_in_the_next_year_still_counts() -> None:
    """The other ledger is not cut to the review year (--year 2022)."""
    data = {"policy_document": [_doc("ZC-1", "2022-12-30")], "interpretation": [_interp("JD-1", "ZC-1", "2023-01-04")]}
    assert _evaluate(_rule(THREE_WD), data, "2023-03-01").status == "pass"


def test_missing_before_and_after_the_deadline() -> None:
    data = {"policy_document": [_doc("ZC-1", "2022-12-29")], "interpretation": []}
    assert _evaluate(_rule(THREE_WD), data, "2023-01-04").status == "pending"  # due 2023-01-04 itself
    late = _evaluate(_rule(THREE_WD), data, "2023-01-05")
    assert late.status == "fail"
    assert late.violations[0]["message"] == "应不晚于 2023-01-04 有对应的政策解读（政策文件编号为“ZC-1”），截至 2023-01-05 仍没有（已逾期）"


@pytest.mark.parametrize(
    ("within", "first", "status"),
    [({"hours": 24}, "2022-05-02 10:00", "pass"), ({"hours": 24}, "2022-05-02 10:01", "fail"), ({"days": 3}, "2022-05-04 23:00", "pass"), ({"months": 1}, "2022-06-02 08:00", "fail")],
)
def test_other_units(within: dict[str, int], first: str, status: str) -> None:
    check = {**THREE_WD, "within": within}
    data = {"policy_document": [_doc("ZC-1", "2022-05-01 10:00")], "interpretation": [_interp("JD-1", "ZC-1", first)]}
    assert _evaluate(_rule(check), data, "2023-03-01").status == status


def test_same_day_needs_no_calendar_data() -> None:
    """0 working days (同步发布) is the document's own day: a year past the calendar data (2027)
    is judged, not refused; 3 working days there still needs the data."""
    same_day = {**THREE_WD, "within": {"working_days": 0}}
    data = {
        "policy_document": [_doc("ZC-1", "2027-03-06"), _doc("ZC-2", "2027-03-06")],
        "interpretation": [_interp("JD-1", "ZC-1", "2027-03-06"), _interp("JD-2", "ZC-2", "2027-03-07")],
    }
    outcome = _evaluate(_rule(same_day), data, "2027-06-01", year=2027)
    assert (outcome.status, outcome.measured["related"], outcome.measured["late"]) == ("fail", 1, 1)
    assert [(v["record_id"], v["expected"]) for v in outcome.violations] == [("ZC-2", "不晚于 2027-03-06")]
    with pytest.raises(CalendarError):
        _evaluate(_rule(THREE_WD), data, "2027-06-01", year=2027)


def test_same_kind_with_other_where() -> None:
    """Every text interpretation needs a graphic one of the same document."""
    check = {"type": "related", "other": "interpretation", "key": "document_id", "other_key": "document_id", "other_where": {"form": "graphic"}}
    data = {
        "interpretation": [
            _interp("JD-1", "ZC-1", "2022-05-05"),
            _interp("JD-2", "ZC-1", "2022-05-06", "graphic"),
            _interp("JD-3", "ZC-2", "2022-05-07"),
            _interp("JD-4", "ZC-2", "2022-05-08", "video"),
        ]
    }
    outcome = _evaluate(_rule(check, kind="interpretation", where={"form": "text"}), data, "2023-03-01")
    assert [(v["record_id"], v["message"]) for v in outcome.violations] == [("JD-3", "没有对应的政策解读（应有政策文件编号为“ZC-2”、解读形式为图表图解的记录）")]
    assert outcome.measured == {"records": 2, "related": 1, "missing": 1}


def test_without_the_other_ledger_nothing_is_concluded() -> None:
    outcome = _evaluate(_rule(THREE_WD), {"policy_document": [_doc("ZC-1", "2022-05-01")]}, "2023-03-01")
    assert (outcome.status, outcome.measured) == ("not_applicable", {"evidence_provided": False, "related_kind": "政策解读台账"})


def test_describe() -> None:
    assert _rule(THREE_WD, where={"affects_public": True}).requirement_text() == (
        "涉及群众企业权益为是：须有对应的政策解读（政策文件编号与本记录编号一致），最早的政策解读发布日期不晚于公开日期后3个工作日"
    )


def test_rule_errors(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "pack: {id: t, title: 测试, issuer: 测试, year: 2022, source_file: t.txt}\n"
        "rules:\n"
        "  - id: t/r\n"
        "    title: 测试\n"
        "    severity: major\n"
        "    kind: policy_document\n"
        "    source: {file: t.txt, clause: 一, quote: 测试}\n"
        "    check: {type: related, other: interpretation, other_key: doc, other_where: {form: poster}, start: issued_at, other_date: published_at, within: {working_days: 1}}\n"
        "  - id: t/s\n"
        "    title: 测试\n"
        "    severity: major\n"
        "    kind: policy_document\n"
        "    source: {file: t.txt, clause: 一, quote: 测试}\n"
        "    check: {type: related, other: interpretation, other_key: document_id, within: {working_days: 1}}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as err:
        load_pack(path)
    assert err.value.problems == [
        (
            f"{path}:3：rules[0]（t/r）：字段 “issued_at” 不属于 policy_document（政策文件台账）；关联台账的字段 “doc” 不属于 interpretation（政策解读台账）；"
            "关联记录的字段 “form” 没有取值 “poster”（可选：text、graphic、video、animation、demo、press_conference、interview、qa、other）"
        ),
        f"{path}:14：rules[1]（t/s）.check：related 有 within 时必须给出 start 和 other_date",
    ]
