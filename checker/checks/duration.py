"""`duration`: each record's end is at least N calendar days after its start.

What it does
    For every record in scope, computes ``date(end) − date(start)`` in calendar days and
    compares it with ``min.days`` (征求意见期限不少于30日: start 2022-03-01, end 2022-03-31 is
    30 days). A record missing either date fails: the period cannot be shown.

Statuses
    pass: every record's period is long enough. fail: a period shorter than ``min.days``, or
    a date missing. not_applicable: no records in scope.

Example (PASS / FAIL)::

    check: {type: duration, start: consultation_start, end: consultation_end, min: {days: 30}}
    PASS  2022-03-01 → 2022-03-31 (30 日)
    FAIL  2022-03-01 → 2022-03-20 (19 日)
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from checker.checks.base import (
    DATE_TYPES,
    EvalContext,
    Outcome,
    StrictModel,
    field_problems,
    fmt_moment,
    status_of,
    violation,
)
from checker.evidence.schema import KindSpec


class MinDays(StrictModel):
    """A minimum period in calendar days."""

    days: int = Field(ge=1, description="自然日数")


class DurationCheck(StrictModel):
    type: Literal["duration"]
    start: str = Field(description="期间开始的日期字段，如 consultation_start")
    end: str = Field(description="期间结束的日期字段，如 consultation_end")
    min: MinDays = Field(description="最短期间，如 {days: 30}")

    def problems(self, spec: KindSpec) -> list[str]:
        return field_problems([self.start, self.end], spec, types=DATE_TYPES)

    def describe(self, spec: KindSpec) -> str:
        return f"{spec.field(self.start).label}至{spec.field(self.end).label}不少于{self.min.days}日"


def evaluate(check: DurationCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    if frame.height == 0:
        return Outcome("not_applicable", {"records": 0})
    days = (pl.col(check.end).cast(pl.Date) - pl.col(check.start).cast(pl.Date)).dt.total_days()
    work = frame.with_columns(days.alias("__days"))
    bad = work.filter(pl.col("__days").is_null() | (pl.col("__days") < check.min.days))
    start_label, end_label = spec.field(check.start).label, spec.field(check.end).label
    violations = []
    for row in bad.iter_rows(named=True):
        n = row["__days"]
        if n is None:
            actual = f"{start_label} {fmt_moment(row[check.start])}，{end_label} {fmt_moment(row[check.end])}"
            message = f"缺少{start_label if row[check.start] is None else end_label}，无法证明期限不少于 {check.min.days} 日"
        else:
            actual = f"{n} 日"
            message = f"{start_label} {fmt_moment(row[check.start])} 至{end_label} {fmt_moment(row[check.end])} 仅 {n} 日，少于 {check.min.days} 日"
        violations.append(
            violation(
                record_id=row.get("id"),
                department=row.get("department"),
                file=row["_file"],
                sheet=row["_sheet"],
                row=row["_row"],
                expected=f"≥ {check.min.days} 日",
                actual=actual,
                message=message,
            )
        )
    measured = {"records": work.height, "short": len(violations), "min_days": check.min.days}
    if work.get_column("__days").drop_nulls().len():
        measured["shortest_days"] = int(work.get_column("__days").min())  # type: ignore[arg-type]
    return Outcome(status_of(failed=len(violations), pending=0, decided=work.height), measured, violations)
