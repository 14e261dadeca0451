"""The deadline check builds its violation texts as column expressions (issue 7). These tests
hold them to the per-row Python wording they replaced, kept here as the oracle, on every branch:
late / overdue / reply-before-receipt, working days (inside and past the calendar data), days,
months, hours (fractional overruns), restart, excluded intervals and valid/invalid extensions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import polars as pl
import pytest

from checker.calendar import default_calendar, from_epoch_day
from checker.checks import deadline
from checker.checks.base import fmt_moment, violation
from checker.engine import run_check
from checker.evidence.load import evidence_from_records
from tests.conftest import FOI_DEADLINE, one_rule_pack


def reference_violations(  # the pre-issue-7 per-row implementation; only the column inputs became lists
    work: pl.DataFrame,
    failed_column: pl.Series,
    late_column: pl.Series,
    before_column: pl.Series,
    deadline_column: pl.Series,
    note_column: pl.Series,
    check: Any,
    spec: Any,
    ctx: Any,
    date_only: pl.Series | None = None,
) -> list[dict[str, Any]]:
    failed, late, before_start = failed_column.to_list(), late_column.to_list(), before_column.to_list()
    bare = date_only.to_list() if date_only is not None else [False] * len(failed)
    deadline_days, extra_note = deadline_column.to_list(), note_column.to_list()
    if not any(failed):
        return []
    idx = [i for i, f in enumerate(failed) if f]
    sub = work[idx]
    restarted = sub.get_column(check.restart).is_not_null().to_list() if check.restart else [False] * sub.height
    end_label = spec.field(check.end).label
    out = []
    ids = sub.get_column("id") if "id" in sub.columns else pl.Series([None] * sub.height)
    depts = sub.get_column("department") if "department" in sub.columns else pl.Series([None] * sub.height)
    hours = check.within.unit == "hours"
    columns = (ids, depts, *(sub.get_column(c) for c in ("_file", "_sheet", "_row", "__start", "__end")))
    for j, (record_id, dept, file, sheet, row, start, end) in enumerate(zip(*columns, strict=True)):
        i = idx[j]
        start_label = spec.field(check.restart if restarted[j] else check.start).label
        if hours:
            moment = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
            due_text = (moment + dt.timedelta(hours=check.within.amount)).strftime("%Y-%m-%d %H:%M")
        else:
            due_text = from_epoch_day(int(deadline_days[i])).isoformat()
        note = str(extra_note[i])
        expected = f"不晚于 {due_text}（{check.within.text()}内{note}）"
        if before_start[i]:
            actual = fmt_moment(end)
            message = f"{end_label} {fmt_moment(end)} 早于{start_label} {fmt_moment(start)}，记录可能有误"
        elif bare[i]:
            day = (end.date() if isinstance(end, dt.datetime) else end).isoformat()
            actual = f"{day}（只有日期）"
            message = f"{start_label} {fmt_moment(start)}，应不晚于 {due_text}；{end_label}只填写了日期 {day}，无法确认是否在{check.within.text()}内，请补填时间{note}"
        elif late[i]:
            actual = fmt_moment(end)
            overrun = _reference_overrun(ctx, check, start, end, int(deadline_days[i]), end_label)
            message = f"{start_label} {fmt_moment(start)}，应不晚于 {due_text}，实际{end_label} {fmt_moment(end)}，{overrun}{note}"
        else:
            actual = f"截至 {ctx.as_of.isoformat()} 未填写{end_label}"
            message = f"{start_label} {fmt_moment(start)}，应不晚于 {due_text}，截至 {ctx.as_of.isoformat()} 仍无{end_label}（已逾期）{note}"
        out.append(
            violation(record_id=record_id, department=dept, file=file, sheet=sheet, row=row, expected=expected, actual=actual, message=message)
        )
    return out


def _reference_overrun(ctx: Any, check: Any, start: Any, end: Any, deadline_day: int, end_label: str) -> str:
    if check.within.unit == "hours":
        due = (start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())) + dt.timedelta(hours=check.within.amount)
        over = (end if isinstance(end, dt.datetime) else dt.datetime.combine(end, dt.time())) - due
        minutes = math.ceil(over / dt.timedelta(minutes=1))  # a minute late is late: never "0.0 小时"
        if minutes < 60:
            return f"超时 {minutes} 分钟"
        return f"超时 {minutes // 60} 小时" + (f" {minutes % 60} 分钟" if minutes % 60 else "")
    end_day = end.date() if isinstance(end, dt.datetime) else end
    due_day = from_epoch_day(deadline_day)
    if check.within.unit == "working_days" and end_day <= ctx.calendar.last:
        working = ctx.calendar.working_days_between(due_day, end_day)
        if working == 0:  # a late reply on a rest day after the deadline: not "超期 0 个工作日"
            return f"超期 {(end_day - due_day).days} 天（{end_label}为休息日）"
        return f"超期 {working} 个工作日"
    return f"超期 {(end_day - due_day).days} 天"


def _both(kind: str, check: dict[str, Any], records: list[dict[str, Any]], as_of: dt.date, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list]:  # type: ignore[type-arg]
    evidence = evidence_from_records({kind: records}, "t")
    run = lambda: run_check(evidence, [one_rule_pack(check, kind)], as_of=as_of, year=None, calendar=default_calendar())
    new = [dataclasses.asdict(v) for v in run().findings[0].violations]
    monkeypatch.setattr(deadline, "_violations", reference_violations)
    old = [dataclasses.asdict(v) for v in run().findings[0].violations]
    return new, old


def _consultation(i: int, received: str, replied: str) -> dict[str, str]:
    return {"id": f"C{i}", "department": f"部门{i % 3}", "channel": "online_platform", "received_at": received, "replied_at": replied}


CONSULTATIONS = [
    _consultation(1, "2022-09-30 16:00", "2022-10-08 10:00"),  # on time (make-up working day)
    _consultation(2, "2022-10-08 11:00", "2022-10-11 09:00"),  # late by working days
    _consultation(3, "2022-03-01 09:00", "2022-03-01 08:00"),  # reply before receipt
    _consultation(4, "2022-11-01 00:00", ""),  # overdue, midnight shown as a date
    _consultation(5, "2022-03-01", "2022-04-01"),  # date-only cells
    _consultation(6, "2026-12-01 09:00", "2027-01-20 09:00"),  # late, end past the calendar data
    _consultation(7, "2022-12-30 23:59", "2023-01-31 00:00"),
    _consultation(8, "2023-03-09 09:00", "2023-03-11 09:00"),  # due Fri 03-10, replied Sat: 0 working days over
]


@pytest.mark.parametrize("within", [{"working_days": 1}, {"working_days": 0}, {"days": 3}, {"months": 1}])
def test_date_units_match_the_per_row_wording(within: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    check = {"type": "deadline", "start": "received_at", "end": "replied_at", "within": within}
    new, old = _both("consultation", check, CONSULTATIONS, dt.date(2026, 12, 31), monkeypatch)
    assert len(new) >= 3
    assert new == old


def test_hours_match_including_fractional_overruns(monkeypatch: pytest.MonkeyPatch) -> None:
    base = {"department": "指挥处", "level": "major", "first_response_at": ""}
    records = [
        {**base, "id": "E1", "occurred_at": "2022-05-01 10:00", "press_release_at": "2022-05-02 11:15"},  # 1.25 h over
        {**base, "id": "E2", "occurred_at": "2022-05-01 10:00", "press_release_at": "2022-05-02 10:03"},
        {**base, "id": "E3", "occurred_at": "2022-05-01", "press_release_at": "2022-05-03 00:00"},
        {**base, "id": "E4", "occurred_at": "2022-05-01 10:00", "press_release_at": ""},
        {**base, "id": "E5", "occurred_at": "2022-05-01 10:00", "press_release_at": "2022-04-30 10:00"},
        {**base, "id": "E6", "occurred_at": "2022-05-01 10:00", "press_release_at": "2022-05-02"},  # date only, deadline within that day
        {**base, "id": "E7", "occurred_at": "2022-05-01 00:00", "press_release_at": "2022-05-01"},  # date only, the whole day is in time
    ]
    check = {"type": "deadline", "start": "occurred_at", "end": "press_release_at", "within": {"hours": 24}}
    new, old = _both("emergency", check, records, dt.date(2023, 3, 1), monkeypatch)
    assert [v["record_id"] for v in new] == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert (new[5]["actual"], new[5]["message"]) == (
        "2022-05-02（只有日期）",
        "发生时间 2022-05-01 10:00，应不晚于 2022-05-02 10:00；新闻发布时间只填写了日期 2022-05-02，无法确认是否在24小时内，请补填时间",
    )
    assert new[0]["message"].endswith("超时 1 小时 15 分钟")
    assert new[1]["message"].endswith("超时 3 分钟")  # (was "超时 0.1 小时"; a 1-minute overrun read "0.0 小时")
    assert new == old


def test_foi_restart_exclusion_and_extension_notes_match(monkeypatch: pytest.MonkeyPatch) -> None:
    base = {"department": "政治处", "corrected_at": "", "third_party_from": "", "third_party_to": ""}
    ext = {"extended": "是", "extension_approved_by": "王某某"}
    records = [
        {**base, "id": "Y1", "received_at": "2022-03-07", "replied_at": "2022-05-30"},  # late
        {**base, **ext, "id": "Y2", "received_at": "2022-03-07", "extension_notified_at": "2022-03-20", "replied_at": "2022-06-30"},  # valid extension, still late
        {**base, **ext, "id": "Y3", "received_at": "2022-03-07", "extension_notified_at": "2022-04-30", "replied_at": "2022-04-29"},  # notified too late
        {**base, "extended": "是", "id": "Y4", "received_at": "2022-03-07", "extension_notified_at": "2022-03-20", "replied_at": "2022-04-29"},  # no approver
        {**base, "id": "Y5", "received_at": "2022-03-07", "corrected_at": "2022-03-20", "replied_at": "2022-05-30"},  # restart
        {**base, "id": "Y6", "received_at": "2022-03-07", "third_party_from": "2022-03-14", "third_party_to": "2022-03-28", "replied_at": "2022-05-30"},
        {**base, "id": "Y7", "received_at": "2022-03-07", "replied_at": ""},  # overdue
        {**base, **ext, "id": "Y8", "received_at": "2022-03-07", "replied_at": "2022-04-29"},  # extended, no notice date
    ]
    new, old = _both("foi_request", FOI_DEADLINE, records, dt.date(2023, 3, 1), monkeypatch)
    assert {v["record_id"] for v in new} == {"Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Y8"}
    assert any("延期无效" in v["message"] for v in new) and any("含经批准延期" in v["message"] for v in new)
    # the clock's start is named as the record has it: 收到补正日期 only where one is filled
    by_id = {v["record_id"]: v["message"] for v in new}
    assert by_id["Y5"].startswith("收到补正日期 2022-03-20，") and by_id["Y7"].startswith("收到申请日期 2022-03-07，"), by_id
    # A blank notice date is not a late one
    assert by_id["Y3"].endswith("（延期告知晚于原期限，延期无效）") and by_id["Y8"].endswith("（未填写延期告知日期，延期无效）"), by_id
    assert new == old
