"""`frequency`: at least ``min`` matching records in every week, month or quarter of the review year.

What it does
    Splits the review year into windows (``per``: ``week`` — the year's ISO weeks, whole weeks
    Monday to Sunday, a week belonging to the year its Thursday is in, so 2019-12-30 to
    2020-01-05 is 2020年第1周 and a record on 2019-12-30 counts for it, while 2025-12-29 to
    2026-01-04 is 2026's first week, not judged twice; ``month``; ``quarter``) and counts the
    records (after the rule's ``where``) whose ``date`` falls in each. Every window needs at
    least ``min``. A window without a single working day (the 2020 Spring Festival week,
    2020-01-27 to 2020-02-02) is not judged: nobody is at work to do the task. With
    ``per_department`` each department of the evidence is judged window by window on its own.
    (Weekly rules read the whole ledger, also with ``--year``: a week may begin in December.)

Statuses
    pass: every judged window reached ``min``. fail: a window that has ended before
    ``--as-of`` fell short; the violations name each such window (``2022年第3季度``).
    pending: no window failed, but a window still open on ``--as-of`` (or not yet begun) has
    not reached ``min`` yet.

Example (PASS / FAIL)::

    where: {type: document_filing}
    check: {type: frequency, date: date, per: month, min: 2}
    PASS  review 2022: two filings in every month, the January ones on Sat 2022-01-29 and
          Sun 2022-01-30 (make-up working days)
    FAIL  review 2022, as of 2023-01-15: July has one filing only → violation “2022年7月”
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import polars as pl
from pydantic import Field

from checker.checks.base import (
    DATE_TYPES,
    EvalContext,
    Outcome,
    StrictModel,
    field_problems,
    status_of,
    violation,
)
from checker.evidence.schema import KindSpec

Per = Literal["week", "month", "quarter"]
PER_ZH: dict[str, str] = {"week": "周", "month": "月", "quarter": "季度"}


class FrequencyCheck(StrictModel):
    type: Literal["frequency"]
    date: str = Field(description="记录归入统计周期所依据的日期字段，如 date")
    per: Per = Field(description="统计周期：week（每周，周一至周日，按 ISO 周：跨年的一周属于其周四所在的年度）、month（每月）或 quarter（每季度）")
    min: int = Field(ge=1, description="每个周期至少应有的记录数")
    per_department: bool = Field(default=False, description="为 true 时，证据中的每个部门分别逐周期检查")

    def problems(self, spec: KindSpec) -> list[str]:
        return field_problems([self.date], spec, types=DATE_TYPES)

    def describe(self, spec: KindSpec) -> str:
        scope = "各部门" if self.per_department else ""
        return f"{scope}每{PER_ZH[self.per]}不少于{self.min}次"

    def spans_years(self) -> bool:
        """Weeks at the year's edges hold days of the year before or after: the engine hands
        this check the whole ledger instead of the review year's records (`_counts` places
        each record in its window by date)."""
        return self.per == "week"


@dataclass(frozen=True)
class Window:
    label: str
    start: dt.date
    end: dt.date


def windows(per: str, year: int) -> list[Window]:
    """The review year's windows, in order; weeks are the ISO weeks of the year (whole weeks)."""
    if per == "month":
        return [Window(f"{year}年{m}月", dt.date(year, m, 1), _month_end(year, m)) for m in range(1, 13)]
    if per == "quarter":
        return [Window(f"{year}年第{q}季度", dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q)) for q in range(1, 5)]
    monday = _first_monday(year)
    out: list[Window] = []
    for n in range(1, dt.date(year, 12, 28).isocalendar().week + 1):  # (28 December is always in the year's last week)
        start, end = monday, monday + dt.timedelta(days=6)
        out.append(Window(f"{year}年第{n}周（{start.isoformat()}至{end.isoformat()}）", start, end))
        monday += dt.timedelta(days=7)
    return out


def _first_monday(year: int) -> dt.date:
    return dt.date.fromisocalendar(year, 1, 1)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _window_index(day: pl.Expr, per: str, year: int) -> pl.Expr:
    """Position of each date's window in `windows(per, year)`, as an expression."""
    if per == "month":
        return day.dt.month().cast(pl.Int64) - 1
    if per == "quarter":
        return (day.dt.month().cast(pl.Int64) - 1) // 3
    return (day.cast(pl.Int64) - (_first_monday(year) - dt.date(1970, 1, 1)).days) // 7


def _idle(ctx: EvalContext, window: Window) -> bool:
    """A window without any working day (only weeks can be). Asks only about the window's own
    days that the calendar covers, so a week reaching past its first or last year is judged
    by the days it knows."""
    cal = ctx.calendar
    days = [window.start + dt.timedelta(days=k) for k in range((window.end - window.start).days + 1)]
    if any(cal.is_workday(day) for day in days if cal.first <= day <= cal.last):
        return False
    outside = [day for day in days if not cal.first <= day <= cal.last]
    if outside:  # no working day known, and days the calendar cannot answer for: an error, never a guess
        cal.is_workday(outside[0])  # (raises CalendarError naming the day and the coverage)
    return True


def evaluate(check: FrequencyCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    year = ctx.review_year
    wins = windows(check.per, year)
    judged = [not (check.per == "week" and _idle(ctx, w)) for w in wins]
    groups: list[str | None] = list(ctx.departments) if check.per_department else [None]
    counts = _counts(check, frame, year, groups, len(wins))
    open_ = [w.end >= ctx.as_of for w in wins]
    # (group, window) cells: a window counts once per group, a few hundred cells at most
    cells = [(g, w) for g in range(len(groups)) for w in range(len(wins))]
    reached = {(g, w) for g, w in cells if counts[g][w] >= check.min}
    failed = [(g, w) for g, w in cells if (g, w) not in reached and not open_[w] and judged[w]]
    waiting = sum(1 for g, w in cells if (g, w) not in reached and open_[w] and judged[w])
    files = sorted(set(frame.get_column("_file").to_list())) if frame.height else []
    file = files[0] if len(files) == 1 else None
    violations = [_violation(check, groups[g], wins[w], counts[g][w], file) for g, w in failed]
    measured: dict[str, object] = {
        "windows": sum(judged) * len(groups),
        "short_windows": len(failed),
        "pending": waiting,
        "min": check.min,
    }
    if check.per_department:
        measured["departments"] = len(groups)
    if not all(judged):
        measured["skipped_windows"] = len(judged) - sum(judged)
    decided = sum(1 for g, w in reached if judged[w])
    return Outcome(status_of(failed=len(failed), pending=waiting, decided=decided), measured, violations)


def _counts(check: FrequencyCheck, frame: pl.DataFrame, year: int, groups: list[str | None], n_windows: int) -> list[list[int]]:
    """Records per (group, window) as a matrix; rows follow `groups`."""
    day = pl.col(check.date).cast(pl.Date)
    keys = ["department", "__w"] if check.per_department else ["__w"]
    wins = windows(check.per, year)
    per_window = (
        frame.filter(day.is_between(wins[0].start, wins[-1].end))
        .with_columns(_window_index(day, check.per, year).alias("__w"))
        .group_by(keys)
        .len()
    )
    matrix = [[0] * n_windows for _ in groups]
    row_of = {dept: i for i, dept in enumerate(groups)}
    for row in per_window.iter_rows(named=True):
        g = row_of.get(row["department"]) if check.per_department else 0
        if g is not None:
            matrix[g][row["__w"]] = row["len"]
    return matrix


def _violation(check: FrequencyCheck, dept: str | None, window: Window, n: int, file: str | None) -> dict[str, object]:
    unit = PER_ZH[check.per]
    who = f"部门 {dept} " if dept else ""
    return violation(
        record_id=None,
        department=dept,
        file=file,
        sheet=None,
        row=None,
        expected=f"每{unit}不少于 {check.min} 次",
        actual=f"{n} 次",
        message=f"{who}{window.label}仅 {n} 次，应不少于 {check.min} 次",
        period=window.label,
    )
