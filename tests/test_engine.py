"""Engine behaviour that is not tied to one rule pack."""

from __future__ import annotations

import datetime as dt

import pydantic
import pytest

from checker.calendar import default_calendar
from checker.engine import run_check
from checker.evidence.load import evidence_from_records
from checker.rulepack import RulePack
from tests.conftest import FOI_DEADLINE
from tests.conftest import one_rule_pack as _pack


def _consultations(n: int, late_every: int = 0) -> list[dict]:  # type: ignore[type-arg]
    rows = []
    for i in range(n):
        day = dt.date(2022, 3, 1) + dt.timedelta(days=i % 200)
        replied = day + dt.timedelta(days=30 if late_every and i % late_every == 0 else 0)
        rows.append(
            {"id": f"C{i}", "department": f"部门{i % 7}", "channel": "online_platform", "received_at": f"{day} 09:00", "replied_at": f"{replied} 17:00"}
        )
    return rows


DEADLINE = {"type": "deadline", "start": "received_at", "end": "replied_at", "within": {"working_days": 1}}


def _run(pack: RulePack, records: dict, as_of: dt.date = dt.date(2023, 3, 1), year: int | None = 2022):  # type: ignore[no-untyped-def,type-arg]
    evidence = evidence_from_records(records, "t")
    return run_check(evidence, [pack], as_of=as_of, year=year, calendar=default_calendar())


def test_no_per_row_pydantic_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Model instances grow with violations and findings, never with the number of rows."""
    pack = _pack(DEADLINE)
    counts = []
    for n in (100, 5000):
        created = 0
        original = pydantic.BaseModel.__init__

        def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal created
            created += 1
            original(self, *args, **kwargs)

        records = {"consultation": _consultations(n)}
        evidence = evidence_from_records(records, "t")
        monkeypatch.setattr(pydantic.BaseModel, "__init__", counting)
        report = run_check(evidence, [pack], as_of=dt.date(2023, 3, 1), year=2022, calendar=default_calendar())
        monkeypatch.setattr(pydantic.BaseModel, "__init__", original)
        assert report.findings[0].status == "pass"
        counts.append(created)
    assert counts[0] == counts[1]


def test_hours_deadline_is_exact() -> None:
    pack = _pack({"type": "deadline", "start": "occurred_at", "end": "press_release_at", "within": {"hours": 24}}, kind="emergency")
    records = {
        "emergency": [
            {"id": "E1", "department": "指挥处", "level": "major", "occurred_at": "2022-05-01 10:00", "first_response_at": "", "press_release_at": "2022-05-02 10:00"},
            {"id": "E2", "department": "指挥处", "level": "major", "occurred_at": "2022-05-01 10:00", "first_response_at": "", "press_release_at": "2022-05-02 10:01"},
        ]
    }
    finding = _run(pack, records).findings[0]
    assert [v.record_id for v in finding.violations] == ["E2"]
    assert finding.violations[0].message == "发生时间 2022-05-01 10:00，应不晚于 2022-05-02 10:00，实际新闻发布时间 2022-05-02 10:01，超时 1 分钟"


def test_an_hours_deadline_with_a_date_only_end_is_not_passed_on_00_00() -> None:
    """A first response written 2022-05-02 (no time) to an event of 05-01 22:00 with 5 hours:
    00:00 would be in time, 15:00 would not; the record cannot show which."""
    pack = _pack({"type": "deadline", "start": "occurred_at", "end": "first_response_at", "within": {"hours": 5}}, kind="emergency")
    base = {"department": "指挥处", "level": "major", "press_release_at": ""}
    records = {
        "emergency": [
            {**base, "id": "E1", "occurred_at": "2022-05-01 22:00", "first_response_at": "2022-05-02"},
            {**base, "id": "E2", "occurred_at": "2022-05-01 22:00", "first_response_at": "2022-05-02 01:30"},
        ]
    }
    finding = _run(pack, records).findings[0]
    assert (finding.status, finding.measured["date_only"], finding.measured["on_time"]) == ("fail", 1, 1)
    assert [(v.record_id, v.actual) for v in finding.violations] == [("E1", "2022-05-02（只有日期）")]


def test_months_deadline_clamps_to_month_end() -> None:
    pack = _pack({"type": "deadline", "start": "issued_at", "end": "feedback_published_at", "within": {"months": 1}}, kind="decision")
    records = {
        "decision": [
            {"id": "D1", "title": "甲", "department": "指挥处", "issued_at": "2022-01-31", "feedback_published_at": "2022-02-28"},
            {"id": "D2", "title": "乙", "department": "指挥处", "issued_at": "2022-01-31", "feedback_published_at": "2022-03-01"},
        ]
    }
    finding = _run(pack, records).findings[0]
    assert [v.record_id for v in finding.violations] == ["D2"]


def test_reply_before_receipt_is_reported() -> None:
    records = {"consultation": [{"id": "X", "department": "指挥处", "channel": "online_platform", "received_at": "2022-05-10 10:00", "replied_at": "2022-05-09 10:00"}]}
    finding = _run(_pack(DEADLINE), records).findings[0]
    assert finding.status == "fail"
    assert finding.violations[0].message == "答复时间 2022-05-09 10:00 早于收到时间 2022-05-10 10:00，记录可能有误"


def test_reply_earlier_the_same_day_is_reported_but_a_bare_date_is_not() -> None:
    """09:00 for a request of 10:00 the same day is a wrong record; a reply typed as a date
    without its time (read as 00:00) on the day of receipt is not."""
    base = {"department": "指挥处", "channel": "online_platform", "received_at": "2022-05-10 10:00"}
    records = {
        "consultation": [
            {**base, "id": "EARLY", "replied_at": "2022-05-10 09:00"},
            {**base, "id": "DATE", "replied_at": "2022-05-10"},
            {**base, "id": "LATER", "replied_at": "2022-05-10 11:00"},
        ]
    }
    finding = _run(_pack(DEADLINE), records).findings[0]
    assert [(v.record_id, v.message) for v in finding.violations] == [("EARLY", "答复时间 2022-05-10 09:00 早于收到时间 2022-05-10 10:00，记录可能有误")]
    assert finding.measured["end_before_start"] == 1


def test_deadline_past_calendar_coverage_still_settles_when_decidable() -> None:
    """A 2026-12-30 receipt with N=20 ends in 2027, past the data; a reply on 2026-12-31 is
    certainly on time, and an open one on an as-of inside coverage is certainly pending."""
    records = {
        "consultation": [
            {"id": "A", "department": "指挥处", "channel": "online_platform", "received_at": "2026-12-30 10:00", "replied_at": "2026-12-31 10:00"},
            {"id": "B", "department": "指挥处", "channel": "online_platform", "received_at": "2026-12-30 10:00", "replied_at": ""},
        ]
    }
    pack = _pack({**DEADLINE, "within": {"working_days": 20}})
    finding = _run(pack, records, as_of=dt.date(2026, 12, 31), year=2026).findings[0]
    assert (finding.status, finding.measured["on_time"], finding.measured["pending"]) == ("pending", 1, 1)


def test_pending_beats_pass_and_fail_beats_pending() -> None:
    records = {
        "consultation": [
            {"id": "A", "department": "指挥处", "channel": "online_platform", "received_at": "2022-12-30 10:00", "replied_at": "2022-12-30 11:00"},
            {"id": "B", "department": "指挥处", "channel": "online_platform", "received_at": "2022-12-30 10:00", "replied_at": ""},
        ]
    }
    assert _run(_pack(DEADLINE), records, as_of=dt.date(2022, 12, 31)).findings[0].status == "pending"
    assert _run(_pack(DEADLINE), records, as_of=dt.date(2023, 1, 4)).findings[0].status == "fail"


def test_ratio_and_required_and_duration() -> None:
    ratio = _pack({"type": "ratio", "numerator": {"form": {"not": "text"}}, "min": 0.5}, kind="interpretation")
    forms = ["text", "text", "graphic", "video"]
    records = {
        "interpretation": [
            {"id": f"I{i}", "document_id": "P1", "department": "指挥处", "form": f, "published_at": "2022-04-01"} for i, f in enumerate(forms)
        ]
    }
    finding = _run(ratio, records).findings[0]
    assert (finding.status, finding.measured["ratio"]) == ("pass", 0.5)
    required = _pack({"type": "required", "fields": ["legal_basis"]}, kind="foi_request", where={"outcome": "withheld"})
    foi = {
        "foi_request": [
            {"id": "F1", "department": "法制支队", "received_at": "2022-03-01", "replied_at": "2022-03-05", "outcome": "不予公开", "legal_basis": ""},
            {"id": "F2", "department": "法制支队", "received_at": "2022-03-01", "replied_at": "2022-03-05", "outcome": "予以公开", "legal_basis": ""},
        ]
    }
    finding = _run(required, foi).findings[0]
    assert [v.record_id for v in finding.violations] == ["F1"]
    duration = _pack({"type": "duration", "start": "consultation_start", "end": "consultation_end", "min": {"days": 30}}, kind="decision")
    decisions = {
        "decision": [
            {"id": "D1", "title": "甲", "department": "指挥处", "consultation_start": "2022-03-01", "consultation_end": "2022-03-31", "issued_at": "2022-05-01", "feedback_published_at": ""},
            {"id": "D2", "title": "乙", "department": "指挥处", "consultation_start": "2022-03-01", "consultation_end": "2022-03-30", "issued_at": "2022-05-01", "feedback_published_at": ""},
        ]
    }
    finding = _run(duration, decisions).findings[0]
    assert [v.record_id for v in finding.violations] == ["D2"]
    assert finding.violations[0].message == "征求意见开始 2022-03-01 至征求意见结束 2022-03-30 仅 29 日，少于 30 日"


def test_rule_out_of_force_is_not_applicable_and_other_ledgers_count_as_read() -> None:
    from checker.engine import run_check
    from checker.rulepack import resolve_packs

    record = {"id": "F-1", "department": "法制处", "received_at": "2018-03-01", "replied_at": "2018-03-05"}
    evidence = evidence_from_records({"foi_request": [record]}, "t")
    packs = resolve_packs(["national-2019", "zibo-psb-2022"])
    report = run_check(evidence, packs, as_of=dt.date(2019, 3, 1), year=2018, calendar=default_calendar())  # --year given
    status = {f.rule_id: (f.status, f.measured) for f in report.findings}
    assert status["national-2019/foi-reply-20wd"] == ("not_applicable", {"in_force": False})  # from 2019-05-15
    assert status["national-2019/foi-reply-15wd-2007"][0] == "pass"
    assert "publication" in report.summary.kinds_without_evidence


def test_kinds_read_follows_related_and_any_of() -> None:
    from checker.checks import kinds_read
    from checker.rulepack import resolve_packs

    rules = {r.id: r for p in resolve_packs(["zibo-psb-2022", "shanghai-district-2020"]) for r in p.rules}
    related = [r for r in rules.values() if r.check.type == "related" and r.check.other != r.kind]
    assert related, "a pack rule that reads another ledger"
    for rule in related:
        assert kinds_read(rule.check, rule.kind) == {rule.kind, rule.check.other}
    any_of = [r for r in rules.values() if r.check.type == "any_of"]
    assert any_of and all(kinds_read(r.check, r.kind) >= {r.kind} for r in any_of)


def test_a_record_without_its_start_date_is_counted_not_judged() -> None:
    """A custom rule may start the clock from an optional field; a blank one means no deadline
    for that record (it used to crash the working-day arithmetic with an internal error)."""
    check = {"type": "deadline", "start": "corrected_at", "end": "replied_at", "within": {"working_days": 5}}
    base = {"department": "指挥处", "received_at": "2022-03-01"}
    records = {
        "foi_request": [
            {**base, "id": "Y1", "corrected_at": "", "replied_at": "2022-03-20"},
            {**base, "id": "Y2", "corrected_at": "2022-03-02", "replied_at": ""},
        ]
    }
    finding = _run(_pack(check, "foi_request"), records).findings[0]
    assert (finding.status, finding.measured["records"], finding.measured["no_start"]) == ("fail", 1, 1)
    assert [v.record_id for v in finding.violations] == ["Y2"]
    alone = _run(_pack(check, "foi_request"), {"foi_request": records["foi_request"][:1]}).findings[0]
    assert (alone.status, alone.measured) == ("not_applicable", {"records": 0, "no_start": 1})


def test_third_party_time_within_a_valid_extension_is_not_counted() -> None:
    """条例 art. 33: the extended period is part of the reply period, so consulting a third party
    that begins after the original 20 working days but within the extension stops the clock too.
    Received Mon 2022-03-07: 20 wd end Sat 04-02 (a make-up working day), 40 wd end 05-05; five
    working days of consultation (04-06..04-12) move the extended deadline to 05-11."""
    base = {"department": "政治处", "received_at": "2022-03-07", "corrected_at": ""}
    extended = {"extended": "是", "extension_approved_by": "王某某", "extension_notified_at": "2022-04-01"}
    records = {
        "foi_request": [
            {**base, **extended, "id": "IN-EXT", "third_party_from": "2022-04-06", "third_party_to": "2022-04-12", "replied_at": "2022-05-10"},
            {**base, **extended, "id": "BEFORE", "third_party_from": "2022-03-14", "third_party_to": "2022-03-18", "replied_at": "2022-05-11"},
            {**base, **extended, "id": "LATE", "third_party_from": "2022-04-06", "third_party_to": "2022-04-12", "replied_at": "2022-05-12"},
            # begins after the extended deadline (05-05) has run out: nothing left to stop
            {**base, **extended, "id": "AFTER", "third_party_from": "2022-05-06", "third_party_to": "2022-05-09", "replied_at": "2022-05-10"},
            # no extension: the same consultation begins after the clock (04-02) ran out
            {**base, "id": "NO-EXT", "third_party_from": "2022-04-06", "third_party_to": "2022-04-12", "replied_at": "2022-04-08"},
        ]
    }
    finding = _run(_pack(FOI_DEADLINE, "foi_request"), records).findings[0]
    assert {v.record_id: v.expected for v in finding.violations} == {
        "LATE": "不晚于 2022-05-11（20个工作日内（含经批准延期20个工作日））",
        "AFTER": "不晚于 2022-05-05（20个工作日内（含经批准延期20个工作日））",
        "NO-EXT": "不晚于 2022-04-02（20个工作日内）",
    }
    assert (finding.measured["on_time"], finding.measured["late"]) == (2, 3)


def test_same_day_deadlines_need_no_calendar_data() -> None:
    """N = 0 (当日) is "on or before the start's own day": a year past the calendar data can be
    judged; N = 1 there still asks for the data (exit 2 via CalendarError)."""
    from checker.errors import CalendarError

    records = {
        "consultation": [
            {"id": "A", "department": "指挥处", "channel": "online_platform", "received_at": "2027-03-06 10:00", "replied_at": "2027-03-06 16:00"},
            {"id": "B", "department": "指挥处", "channel": "online_platform", "received_at": "2027-03-06 10:00", "replied_at": "2027-03-08 09:00"},
        ]
    }
    finding = _run(_pack({**DEADLINE, "within": {"working_days": 0}}), records, as_of=dt.date(2027, 6, 1), year=2027).findings[0]
    assert (finding.status, finding.measured["on_time"], finding.measured["late"]) == ("fail", 1, 1)
    [late] = finding.violations
    assert (late.record_id, late.expected) == ("B", "不晚于 2027-03-06（当日内）")
    assert late.message.endswith("应不晚于 2027-03-06，实际答复时间 2027-03-08 09:00，超期 2 天")
    with pytest.raises(CalendarError):
        _run(_pack(DEADLINE), records, as_of=dt.date(2027, 6, 1), year=2027)


RELATED = {"type": "related", "other": "interpretation", "other_key": "document_id"}


def test_a_where_column_blank_in_every_record_is_named_not_silently_not_applicable() -> None:
    """Without 涉及群众切身利益 no policy document is selected: the finding is 不适用, and the
    summary must say it is so because the column is blank, not because no document qualifies."""
    pack = _pack(RELATED, kind="policy_document", where={"affects_public": True})
    docs = [{"id": f"ZC-{i}", "department": "指挥处", "title": "文件", "published_at": "2022-06-01"} for i in (1, 2)]
    report = _run(pack, {"policy_document": docs, "interpretation": []})
    assert report.findings[0].status == "not_applicable"
    [note] = report.summary.unchecked
    assert note.startswith("政策文件台账的“涉及群众企业权益”列（affects_public）在 2 条记录中都为空或没有这一列，据此确定适用范围的 1 条规则（t/r）")
    # One filled cell is an answer (the others are "no"): nothing to say.
    docs[0]["affects_public"] = False
    report = _run(pack, {"policy_document": docs, "interpretation": []})
    assert report.findings[0].status == "not_applicable"
    assert report.summary.unchecked == []


def test_tasks_of_a_plan_no_loaded_rule_checks_are_named() -> None:
    pack = _pack({"type": "task_due", "plan_year": 2022}, kind="task", where={"plan": "2022年度甲表"})
    task = {"department": "政治处", "lead_unit": "指挥处", "item": "年内组织培训", "due": "10月底前", "completed_at": None, "evidence": None}
    tasks = [{"id": "RW-1", "plan": "2022年度甲表", **task}, {"id": "RW-2", "plan": "2022年度乙表", **task}, {"id": "RW-3", "plan": "2022年度乙表", **task}]
    report = _run(pack, {"task": tasks})
    assert report.findings[0].status == "fail"
    assert report.summary.unchecked == [
        "t:task：2 项任务属于任务分解表“2022年度乙表”，已加载的规则包中没有检查该分解表的任务规则，未检查；请用 --rules 指定该分解表的规则包，或用 zwgk draft 根据分解表生成规则包"
    ]


def test_window_violations_keep_calendar_order() -> None:
    """Week and month labels sort by their numbers, not as text (第10周 before 第1周 was wrong),
    in report.json and so in every page; per department, each department's windows in order."""
    activity = [{"id": "A1", "department": "指挥处", "type": "website_inspection", "date": "2022-12-30"}]
    weekly = _pack({"type": "frequency", "date": "date", "per": "week", "min": 1}, kind="activity", where={"type": "website_inspection"})
    periods = [v.period or "" for v in _run(weekly, {"activity": activity}).findings[0].violations]
    # ISO weeks: week 5 (Spring Festival, 01-31..02-06) has no working day; week 52 (12-26..2023-01-01) has the record.
    assert [p.split("（")[0] for p in periods] == [f"2022年第{n}周" for n in range(1, 52) if n != 5]
    monthly = _pack({"type": "frequency", "date": "date", "per": "month", "min": 1, "per_department": True}, kind="activity")
    records = {"activity": [*activity, {"id": "A2", "department": "政治处", "type": "training", "date": "2022-12-01"}]}
    found = [(v.department, v.period) for v in _run(monthly, records).findings[0].violations]
    assert found == [("指挥处", f"2022年{m}月") for m in range(1, 12)] + [("政治处", f"2022年{m}月") for m in range(1, 12)]
