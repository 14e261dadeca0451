"""`task_due`: every task of a task-decomposition ledger is done by its time node.

What it does
    Reads the table's own time node (``due``: 9月底前, 全年, 按季度, 长期坚持, 新规出台后1个月内 …)
    with `checker.timenodes` and judges each task's ``completed_at`` and ``evidence``:

    once        (9月底前, 全年, 2020.6, 8月)      completed on or before the due date (8月: within
                                                   August);
    recurring   (按季度, 每年的3月1日前)          the ledger holds one completion date per task, so it
                                                   is judged against the year's last due date; whether
                                                   each quarter was on time is the job of the pack's
                                                   ``frequency`` rules on the activity ledger;
    continuous  (长期坚持, 实时)                   progress evidence dated within the plan year;
    relative    (新规出台后1个月内)                completed within the offset after ``trigger_at``
                                                   (working days by the run's calendar, --calendar
                                                   included); a task without a trigger date has no
                                                   due date the review can check: it is counted as
                                                   ``no_trigger`` and keeps the finding from passing.

    A completed task must name its evidence (佐证材料). The plan year is ``plan_year`` if the rule
    gives it, else the first year written in the task's ``plan`` (2022年度…), else the review
    year; with ``--year`` only the tasks of that plan year are in scope. Violations name the lead
    unit (牵头单位, or the responsible units when there is no lead) as the department, and the
    message names both, so the report groups findings by unit.

Statuses
    pass: every task in scope done on time with evidence. fail: a task late, overdue at the
    as-of date (no completion date after its due date), done outside its window, or done without
    evidence. pending: nothing failed, but tasks are not yet due or lack their trigger date.
    not_applicable: no tasks in scope.

Example (PASS / FAIL)::

    kind: task
    check: {type: task_due, plan_year: 2022}
    PASS  due 9月底前, completed_at 2022-09-20, evidence 会议纪要
    FAIL  due 9月底前, completed_at empty, as of 2023-01-15 (overdue since 2022-09-30)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Literal

import polars as pl
from pydantic import Field

from checker.checks.base import EvalContext, Outcome, StrictModel, status_of, violation
from checker.errors import CalendarError, EvidenceError
from checker.evidence.load import location
from checker.evidence.schema import KindSpec
from checker.timenodes import TimeNode, TimeNodeError, parse_time_node

if TYPE_CHECKING:
    from checker.calendar import WorkCalendar

_YEAR_IN_PLAN = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


class TaskDueCheck(StrictModel):
    type: Literal["task_due"]
    plan_year: int | None = Field(
        default=None, ge=1990, le=2200, description="计划年度；不写则取“任务分解表”名称中的年份，再没有则为检查年度"
    )

    def problems(self, spec: KindSpec) -> list[str]:
        return [] if spec.name == "task" else [f"task_due 只适用于任务分解表台账（task），不适用于 {spec.name}"]

    def describe(self, spec: KindSpec) -> str:
        return "每项任务在分解表的时间节点前完成，并注明佐证材料"


def plan_year_of(plan: str | None, check: TaskDueCheck, review_year: int) -> int:
    if check.plan_year is not None:
        return check.plan_year
    match = _YEAR_IN_PLAN.search(plan or "")
    return int(match[1]) if match else review_year


def _window(node: TimeNode, plan_year: int, trigger: dt.date | None, calendar: WorkCalendar) -> tuple[dt.date | None, dt.date | None, str]:
    """(not before, due, what is expected in words); due None: no trigger date yet. Working days
    follow `calendar` (the run's, with any --calendar overrides)."""
    if node.kind == "once":
        return node.not_before, node.due, node.describe()
    if node.kind == "recurring":
        dues = node.due_dates(plan_year)
        return None, max(dues), f"{node.describe()}；台账只记一个完成日期，按本年度最后一个节点 {max(dues).isoformat()} 核对"
    if node.kind == "continuous":
        return dt.date(plan_year, 1, 1), dt.date(plan_year, 12, 31), f"{node.describe()}：{plan_year}年内有进展佐证"
    if trigger is None:
        return None, None, node.describe()
    due = node.due_after(trigger, calendar)
    due_day = due.date() if isinstance(due, dt.datetime) else due
    return None, due_day, f"{node.describe()}：触发日期 {trigger.isoformat()}"


def evaluate(check: TaskDueCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    rows = frame.select("_file", "_sheet", "_row", "id", "plan", "item", "lead_unit", "units", "due", "completed_at", "evidence", "trigger_at")
    nodes: dict[tuple[str, int], TimeNode] = {}
    counts = {"tasks": 0, "completed": 0, "late": 0, "overdue": 0, "outside_window": 0, "no_evidence": 0, "pending": 0, "no_trigger": 0}
    by_unit: dict[str, int] = {}
    violations = []
    for r in rows.iter_rows(named=True):  # a table has tens of tasks, not millions
        plan_year = plan_year_of(r["plan"], check, ctx.review_year)
        if ctx.year is not None and plan_year != ctx.year:
            continue
        counts["tasks"] += 1
        key = (r["due"], plan_year)
        if key not in nodes:
            try:
                nodes[key] = parse_time_node(r["due"], plan_year)
            except TimeNodeError as exc:
                raise EvidenceError(f"{_place(ctx, r, 'due', '时间节点')}：{exc.problems[0]}") from None
        node = nodes[key]
        try:
            start, due, expected = _window(node, plan_year, r["trigger_at"], ctx.calendar)
        except CalendarError as exc:
            raise CalendarError(f"{_place(ctx, r, 'trigger_at', '触发日期')}：{exc.problems[0]}") from None
        done: dt.date | None = r["completed_at"]
        unit = r["lead_unit"] or r["units"]
        if due is None:
            counts["no_trigger"] += 1
            continue
        problem = _judge(done, start, due, bool(r["evidence"]), ctx.as_of)
        if problem is None:
            counts["completed"] += 1
            continue
        counts[problem] += 1
        if problem == "pending":
            continue
        by_unit[unit or "（未填写单位）"] = by_unit.get(unit or "（未填写单位）", 0) + 1
        actual, message = _words(problem, done, start, due, ctx.as_of)
        units = "；".join(x for x in (f"牵头单位：{r['lead_unit']}" if r["lead_unit"] else "", f"责任单位：{r['units']}" if r["units"] else "") if x)
        violations.append(
            violation(
                record_id=r["id"],
                department=unit,
                file=r["_file"],
                sheet=r["_sheet"],
                row=r["_row"],
                expected=f"{expected}（不晚于 {due.isoformat()}）",
                actual=actual,
                message=f"任务“{_short(r['item'])}”（时间节点：{node.text.strip()}）{message}" + (f"。{units}" if units else ""),
            )
        )
    if counts["tasks"] == 0:
        return Outcome("not_applicable", {"tasks": 0})
    measured: dict[str, object] = {k: v for k, v in counts.items() if v or k in ("tasks", "completed")}
    if by_unit:
        measured["by_unit"] = dict(sorted(by_unit.items()))
    decided = counts["tasks"] - counts["pending"] - counts["no_trigger"]
    # A task without its trigger date has no due date the review can check: it keeps the finding
    # from passing (待到期 when nothing failed) until the date is filled in.
    waiting = counts["pending"] + counts["no_trigger"]
    return Outcome(status_of(failed=len(violations), pending=waiting, decided=decided), measured, violations)


def _place(ctx: EvalContext, r: dict, field: str, label: str) -> str:  # type: ignore[type-arg]
    """The row's place, with the field's column letter where the file has one."""
    letter = next((f.letter(field) for f in ctx.evidence.files if (f.file, f.sheet) == (r["_file"], r["_sheet"])), None)
    return location(r["_file"], r["_sheet"], r["_row"], label, letter)


def _judge(done: dt.date | None, start: dt.date | None, due: dt.date, has_evidence: bool, as_of: dt.date) -> str | None:
    """None when on time; else the measured key of what is wrong (pending is not a failure)."""
    if done is None or done > as_of:
        # A completion date after the as-of date has not happened yet at the review.
        return "overdue" if due < as_of else "pending"
    if start is not None and done < start:
        return "outside_window"
    if done > due:
        return "late"
    return None if has_evidence else "no_evidence"


def _words(problem: str, done: dt.date | None, start: dt.date | None, due: dt.date, as_of: dt.date) -> tuple[str, str]:
    if problem == "overdue":
        if done is not None:
            return f"完成日期 {done.isoformat()} 晚于检查基准日", f"填写的完成日期 {done.isoformat()} 晚于检查基准日 {as_of.isoformat()}，截至基准日未完成，已逾期"
        return "未填写完成日期", f"应于 {due.isoformat()} 前完成，截至 {as_of.isoformat()} 未填写完成日期（已逾期）"
    assert done is not None
    if problem == "outside_window":
        assert start is not None
        return done.isoformat(), f"完成日期 {done.isoformat()} 早于时间节点起始日 {start.isoformat()}，不在规定期间内"
    if problem == "late":
        return done.isoformat(), f"应于 {due.isoformat()} 前完成，实际 {done.isoformat()} 完成，晚 {(done - due).days} 天"
    return "未注明佐证材料", f"已填写完成日期 {done.isoformat()}，但未注明佐证材料"


def _short(text: str | None, limit: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "…"
