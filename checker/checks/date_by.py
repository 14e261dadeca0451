"""`date_by`: a record covering year Y−1 exists and is dated on or before a month-day of Y.

What it does
    In review year Y, looks for records (after the rule's ``where``, e.g. ``type:
    foi_annual_report``) whose ``covers`` field is Y−1 and whose ``date`` is on or before
    ``due`` (``MM-DD``) of Y. With ``per_department`` every department of the evidence needs one.
    A record whose ``covers`` is blank covers the year before its ``date`` (an annual report
    published in January 2022 is the 2021 report): the column is optional in the templates,
    and a blank must not make a report published on time count as missing.

Statuses
    pass: found and on time. fail: published late, or nothing published and the due day is past.
    pending: nothing published yet and the due day is on or after ``--as-of``.

Example (PASS / FAIL)::

    where: {type: foi_annual_report}
    check: {type: date_by, date: published_at, covers: covers_year, due: "01-31"}
    PASS  review 2022: the 2021 report published 2022-01-28
    FAIL  review 2022: the 2021 report published 2022-02-10 (or not at all by the as-of date)
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field, field_validator

from checker.checks.base import (
    DATE_TYPES,
    EvalContext,
    Outcome,
    StrictModel,
    field_problems,
    fmt_moment,
    month_day,
    on_year,
    status_of,
    violation,
)
from checker.evidence.schema import KindSpec


class DateByCheck(StrictModel):
    type: Literal["date_by"]
    date: str = Field(description="发布日期字段，如 published_at")
    due: str = Field(description="截止月日 MM-DD（检查年度的该日，含当日），如 01-31")
    covers: str = Field(default="covers_year", description="所属年度字段：检查年度 Y 查找所属年度为 Y−1 的记录")
    per_department: bool = Field(default=False, description="为 true 时，证据中的每个部门都须发布")

    _md = field_validator("due")(month_day)

    def problems(self, spec: KindSpec) -> list[str]:
        return field_problems([self.date], spec, types=DATE_TYPES) + field_problems([self.covers], spec, types=("year", "int"))

    def describe(self, spec: KindSpec) -> str:
        month, day = (int(x) for x in self.due.split("-"))
        scope = "各部门" if self.per_department else ""
        return f"{scope}上一年度的记录须在当年{month}月{day}日前{spec.field(self.date).label.removesuffix('日期')}"


def evaluate(check: DateByCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    year = ctx.review_year
    covered = year - 1
    due = on_year(check.due, year)
    covers = pl.coalesce(pl.col(check.covers).cast(pl.Int64), pl.col(check.date).dt.year().cast(pl.Int64) - 1)
    scoped = frame.filter(covers == covered)
    groups: list[str | None] = list(ctx.departments) if check.per_department else [None]
    violations = []
    on_time = late = missing = pending = 0
    for dept in groups:
        rows = scoped if dept is None else scoped.filter(pl.col("department") == dept)
        dated = rows.filter(pl.col(check.date).is_not_null()).sort(check.date, "_file", "_row")
        first = dated.row(0, named=True) if dated.height else None
        where_file = rows.row(0, named=True) if rows.height else None
        expected = f"{covered}年度记录不晚于 {due.isoformat()} 发布"
        if first is not None and first[check.date] <= due:
            on_time += 1
        elif first is not None:
            late += 1
            violations.append(
                violation(
                    record_id=first.get("id"),
                    department=first.get("department"),
                    file=first["_file"],
                    sheet=first["_sheet"],
                    row=first["_row"],
                    expected=expected,
                    actual=f"{fmt_moment(first[check.date])} 发布",
                    message=f"{covered}年度记录应不晚于 {due.isoformat()} 发布，实际 {fmt_moment(first[check.date])} 发布，晚 {(first[check.date] - due).days} 天",
                )
            )
        elif ctx.as_of <= due:
            pending += 1
        else:
            missing += 1
            violations.append(
                violation(
                    record_id=where_file.get("id") if where_file else None,
                    department=dept,
                    file=where_file["_file"] if where_file else None,
                    sheet=where_file["_sheet"] if where_file else None,
                    row=where_file["_row"] if where_file else None,
                    expected=expected,
                    actual=f"截至 {ctx.as_of.isoformat()} 未见发布记录",
                    message=f"{'部门 ' + dept + ' ' if dept else ''}{covered}年度记录应不晚于 {due.isoformat()} 发布，截至 {ctx.as_of.isoformat()} 未见发布记录",
                )
            )
    measured = {"covers_year": covered, "due": due.isoformat(), "on_time": on_time, "late": late, "missing": missing, "pending": pending}
    status = status_of(failed=late + missing, pending=pending, decided=on_time)
    return Outcome(status, measured, violations)
