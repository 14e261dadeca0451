"""`count`: at least ``min`` matching records dated within a window of the review year.

What it does
    Counts records (after the rule's ``where``) whose ``date`` falls in the review year between
    ``from`` and ``by`` (``MM-DD``; defaults: the whole year). A window tied to one event is
    written with full dates instead (``from: "2020-04-26"``, ``by: "2020-05-26"``: publicity
    within 1 个月 of the new regulation published on 2020-04-26); it does not move with the
    review year. With ``per_department`` each department of the evidence must reach ``min`` on
    its own.

Statuses
    pass: enough records. pending: not enough yet, but the window ends on or after ``--as-of``.
    fail: not enough and the window has closed. not_applicable: a fixed-date window outside
    the review year (``--year``, or without it the year of ``--as-of``): a 2020 event is not
    asked for again in every later review.

Example (PASS / FAIL)::

    where: {type: training}
    check: {type: count, date: date, min: 1, by: "10-31"}
    PASS  a training on 2022-06-15
    FAIL  the only training on 2022-11-20 (after 10月31日), reviewed on 2023-01-15
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

import polars as pl
from pydantic import Field, field_validator, model_validator

from checker.checks.base import (
    DATE_TYPES,
    EvalContext,
    Outcome,
    StrictModel,
    field_problems,
    month_day,
    on_year,
    status_of,
    violation,
)
from checker.evidence.schema import KindSpec


class CountCheck(StrictModel):
    type: Literal["count"]
    date: str = Field(description="计数所依据的日期字段，如 date")
    min: int = Field(ge=1, description="期间内至少应有的记录数")
    from_: str | None = Field(default=None, alias="from", description="期间开始：MM-DD（检查年度的该日）或 YYYY-MM-DD（固定日期）；默认 1月1日")
    by: str | None = Field(default=None, description="期间截止（含当日）：MM-DD 或 YYYY-MM-DD；默认 12月31日")
    per_department: bool = Field(default=False, description="为 true 时，证据中的每个部门分别计数")

    _md = field_validator("from_", "by")(lambda v: None if v is None else _day_or_month_day(v))

    @model_validator(mode="after")
    def _ordered(self) -> CountCheck:
        fixed = [v for v in (self.from_, self.by) if v is not None and _FULL_DATE.match(v)]
        if fixed and len(fixed) != len([v for v in (self.from_, self.by) if v is not None]):
            raise ValueError("from 和 by 要么都写月日（MM-DD），要么都写完整日期（YYYY-MM-DD）")
        if self.from_ and self.by and self.from_ > self.by:
            raise ValueError(f"期间开始 {self.from_} 晚于截止 {self.by}")
        return self

    @property
    def fixed(self) -> bool:
        """A window of full dates that does not move with the review year."""
        return any(v is not None and _FULL_DATE.match(v) for v in (self.from_, self.by))

    def problems(self, spec: KindSpec) -> list[str]:
        return field_problems([self.date], spec, types=DATE_TYPES)

    def window(self, year: int) -> tuple[dt.date, dt.date]:
        return (_on(self.from_, year) if self.from_ else dt.date(year, 1, 1), _on(self.by, year) if self.by else dt.date(year, 12, 31))

    def describe(self, spec: KindSpec) -> str:
        scope = "各部门" if self.per_department else ""
        when = _window_text(self.from_, self.by)
        return f"{scope}{when}不少于{self.min}次"


_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day_or_month_day(value: str) -> str:
    if _FULL_DATE.match(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"日期 “{value}” 不存在") from None
        return value
    return month_day(value)


def _on(value: str, year: int) -> dt.date:
    return dt.date.fromisoformat(value) if _FULL_DATE.match(value) else on_year(value, year)


def _window_text(start: str | None, end: str | None) -> str:
    def md(v: str) -> str:
        if _FULL_DATE.match(v):
            y, m, d = (int(x) for x in v.split("-"))
            return f"{y}年{m}月{d}日"
        m, d = (int(x) for x in v.split("-"))
        return f"{m}月{d}日"

    every = "" if any(v and _FULL_DATE.match(v) for v in (start, end)) else "每年"
    if start and end:
        return f"{every}{md(start)}至{md(end)}期间"
    if end:
        return f"{every}{md(end)}（含）前"
    if start:
        return f"{every}{md(start)}后"
    return "每年"


def evaluate(check: CountCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    year = ctx.review_year
    start, end = check.window(year)
    if check.fixed and not start.year <= year <= end.year:
        return Outcome("not_applicable", {"window": f"{start.isoformat()}..{end.isoformat()}", "min": check.min, "in_review_year": False})
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
                    period=f"{start.isoformat()} 至 {end.isoformat()}",  # (a baseline matches this window, not next year's)
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
