"""`count`: at least ``min`` matching records dated within a window of the review year.

What it does
    Counts records (after the rule's ``where``) whose ``date`` falls in the review year between
    ``from`` and ``by`` (``MM-DD``; defaults: the whole year). With ``per_department`` each
    department of the evidence must reach ``min`` on its own.

Statuses
    pass: enough records. pending: not enough yet, but the window ends on or after ``--as-of``.
    fail: not enough and the window has closed.

Example (PASS / FAIL)::

    where: {type: training}
    check: {type: count, date: date, min: 1, by: "10-31"}
    PASS  a training on 2022-06-15
    FAIL  the only training on 2022-11-20 (after 10月31日), reviewed on 2023-01-15
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl
from pydantic import Field, field_validator

from checker.checks.base import EvalContext, Outcome, StrictModel, field_problems, month_day, on_year, status_of, violation
from checker.evidence.schema import KindSpec


class CountCheck(StrictModel):
    type: Literal["count"]
    date: str
    min: int = Field(ge=1)
    from_: str | None = Field(default=None, alias="from")
    by: str | None = None
    per_department: bool = False

    _md = field_validator("from_", "by")(lambda v: None if v is None else month_day(v))

    def problems(self, spec: KindSpec) -> list[str]:
        return field_problems([self.date], spec)

    def window(self, year: int) -> tuple[dt.date, dt.date]:
        return (
            on_year(self.from_, year) if self.from_ else dt.date(year, 1, 1),
            on_year(self.by, year) if self.by else dt.date(year, 12, 31),
        )

    def describe(self, spec: KindSpec) -> str:
        scope = "各部门" if self.per_department else ""
        when = _window_text(self.from_, self.by)
        return f"{scope}{when}不少于{self.min}次"


def _window_text(start: str | None, end: str | None) -> str:
    def md(v: str) -> str:
        m, d = (int(x) for x in v.split("-"))
        return f"{m}月{d}日"

    if start and end:
        return f"每年{md(start)}至{md(end)}期间"
    if end:
        return f"每年{md(end)}（含）前"
    if start:
        return f"每年{md(start)}后"
    return "每年"


def evaluate(check: CountCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    year = ctx.review_year
    start, end = check.window(year)
    date = pl.col(check.date).cast(pl.Date)
    in_window = frame.filter(date.is_between(start, end))
    groups: list[str | None] = list(ctx.departments) if check.per_department else [None]
    counts = (
        dict(in_window.group_by("department").len().iter_rows()) if check.per_department else {None: in_window.height}
    )
    window_open = ctx.as_of <= end
    files = sorted(set(frame.get_column("_file").to_list())) if frame.height else []
    violations = []
    passed = short = waiting = 0
    for dept in groups:
        n = int(counts.get(dept, 0))
        if n >= check.min:
            passed += 1
        elif window_open:
            waiting += 1
        else:
            short += 1
            violations.append(
                violation(
                    record_id=None,
                    department=dept,
                    file=files[0] if len(files) == 1 else None,
                    sheet=None,
                    row=None,
                    expected=f"{start.isoformat()} 至 {end.isoformat()} 不少于 {check.min} 次",
                    actual=f"{n} 次",
                    message=f"{'部门 ' + dept + ' ' if dept else ''}{start.isoformat()} 至 {end.isoformat()} 应不少于 {check.min} 次，实际 {n} 次",
                )
            )
    measured: dict[str, object] = {"window": f"{start.isoformat()}..{end.isoformat()}", "min": check.min}
    if check.per_department:
        measured.update({"departments": len(groups), "reached": passed, "short": short, "pending": waiting})
    else:
        measured["count"] = int(in_window.height)
    status = status_of(failed=short, pending=waiting, decided=passed)
    return Outcome(status, measured, violations)
