"""`related`: each record has a related record of another kind, optionally within a deadline.

What it does
    For every record in scope (the rule's ``where``), looks in the ``other`` ledger (after
    ``other_where``) for records whose ``other_key`` equals this record's ``key`` — an
    interpretation whose 政策文件编号 (``document_id``) is the policy document's 编号 (``id``).
    The other ledger is read whole, not cut to the review year: a document published on
    12月30日 may be interpreted in January. The other kind may be the rule's own kind (every
    text interpretation of a document needs a graphic one of the same document).

    With ``within``, the earliest related record's ``other_date`` must be on or before the
    deadline counted from this record's ``start``, exactly as ``deadline`` counts it: working
    days from the day after the start (0 = the same day, 同步发布), calendar days, hours or
    months.

Statuses
    pass: every record has its related record (in time). fail: a record has none — with
    ``within``: none by a deadline already past at ``--as-of`` — or the earliest came late.
    pending: no related record yet, but the deadline is on or after ``--as-of``.
    not_applicable: no records in scope, or the other ledger was not handed in at all.

Example (PASS / FAIL)::

    where: {affects_public: true}
    check: {type: related, other: interpretation, other_key: document_id,
            start: published_at, other_date: published_at, within: {working_days: 3}}
    PASS  document published Fri 2022-09-30; interpretation Sun 2022-10-09 (the 2nd working
          day after it: the National Day holiday and its make-up Saturday count right)
    FAIL  document published Fri 2022-09-30; first interpretation Thu 2022-10-13 (due 10-11)
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl
from pydantic import Field, model_validator

from checker.calendar import BEYOND, from_epoch_day
from checker.checks.base import (
    DATE_TYPES,
    EvalContext,
    Outcome,
    StrictModel,
    Where,
    field_problems,
    fmt_moment,
    status_of,
    violation,
    where_expr,
    where_problems,
    where_text,
)
from checker.checks.deadline import Within, raise_beyond, require_covered
from checker.evidence.schema import KINDS, TYPE_LABELS, KindSpec

KindName = Literal["consultation", "foi_request", "policy_document", "interpretation", "decision", "emergency", "activity", "publication", "task", "fact"]


class RelatedCheck(StrictModel):
    type: Literal["related"]
    other: KindName = Field(description="关联记录的台账类型，如 interpretation")
    other_key: str = Field(description="关联台账中指向本记录的字段，如 document_id")
    key: str = Field(default="id", description="本记录中与 other_key 对应的字段，默认 id")
    other_where: Where = Field(default={}, description="关联记录的筛选条件（与 where 写法相同），如 {form: graphic}")
    within: Within | None = Field(default=None, description="期限：关联记录须在本记录 start 之后多久内出现；不写则只要求存在")
    start: str | None = Field(default=None, description="本记录起算的日期字段（有 within 时必填），如 published_at")
    other_date: str | None = Field(default=None, description="关联记录的日期字段（有 within 时必填），如 published_at")

    @model_validator(mode="after")
    def _dates_with_deadline(self) -> RelatedCheck:
        if self.within is not None and (self.start is None or self.other_date is None):
            raise ValueError("related 有 within 时必须给出 start 和 other_date")
        if self.within is None and (self.start is not None or self.other_date is not None):
            raise ValueError("related 没有 within 时不需要 start 和 other_date")
        return self

    @property
    def other_spec(self) -> KindSpec:
        return KINDS[self.other]

    def problems(self, spec: KindSpec) -> list[str]:
        other = self.other_spec
        problems = (
            field_problems([self.key], spec)
            + field_problems([self.start], spec, types=DATE_TYPES)
            + field_problems([self.other_key], other, "关联台账的")
            + field_problems([self.other_date], other, "关联台账的", types=DATE_TYPES)
            + [f"关联记录的{problem}" for problem in where_problems(self.other_where, other)]
        )
        if spec.has_field(self.key) and other.has_field(self.other_key):
            mine, theirs = spec.field(self.key), other.field(self.other_key)
            if mine.type != theirs.type:
                problems.append(
                    f"字段 “{self.key}”（{mine.label}，{TYPE_LABELS[mine.type]}）与关联台账的字段 “{self.other_key}”"
                    f"（{theirs.label}，{TYPE_LABELS[theirs.type]}）类型不同，无法对应"
                )
        return problems

    def describe(self, spec: KindSpec) -> str:
        other = self.other_spec
        what = _noun(other)
        condition = where_text(self.other_where, other)
        text = f"须有对应的{what}（{other.field(self.other_key).label}与本记录{spec.field(self.key).label}一致"
        text += f"，{condition}）" if condition else "）"
        if self.within is not None and self.start and self.other_date:
            text += f"，最早的{what}{other.field(self.other_date).label}不晚于{spec.field(self.start).label}后{self.within.text()}"
        return text


def _noun(spec: KindSpec) -> str:
    """`政策解读` for the interpretation ledger (政策解读台账)."""
    return spec.label.removesuffix("台账")


def evaluate(check: RelatedCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    if check.other not in ctx.evidence.frames:
        # Without the other ledger nothing can be concluded; say which ledger is missing.
        return Outcome("not_applicable", {"evidence_provided": False, "related_kind": check.other_spec.label})
    if frame.height == 0:
        return Outcome("not_applicable", {"records": 0})
    keyed = frame.with_columns(pl.col(check.key).cast(pl.String).alias("__key"))
    work = keyed.join(_firsts(check, ctx), on="__key", how="left", maintain_order="left")
    if check.within is None:
        return _presence(check, work, spec)
    return _in_time(check, work, ctx, spec)


def _firsts(check: RelatedCheck, ctx: EvalContext) -> pl.DataFrame:
    """One row per key value of the other ledger: how many related records, and the earliest date."""
    other = ctx.evidence.frame(check.other)
    if check.other_where:
        other = other.filter(where_expr(check.other_where))
    aggs = [pl.len().alias("__n")]
    if check.other_date:
        aggs.append(pl.col(check.other_date).min().alias("__first"))
    key = pl.col(check.other_key).cast(pl.String)
    return other.filter(key.is_not_null()).group_by(key.alias("__key")).agg(aggs)


def _presence(check: RelatedCheck, work: pl.DataFrame, spec: KindSpec) -> Outcome:
    missing = work.filter(pl.col("__n").is_null())
    violations = [_missing_violation(check, row, spec, None, None) for row in missing.iter_rows(named=True)]
    measured = {"records": work.height, "related": work.height - missing.height, "missing": missing.height}
    return Outcome(status_of(failed=missing.height, pending=0, decided=work.height), measured, violations)


def _in_time(check: RelatedCheck, work: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    assert check.within is not None and check.start is not None
    due = _due(check, work, ctx, spec)
    has = work.get_column("__n").is_not_null()
    if check.within.unit == "hours":
        first = work.get_column("__first").cast(pl.Datetime("us"))
        late = has & (first > due).fill_null(False)
        due_days = due.cast(pl.Date).cast(pl.Int64)
    else:
        first_days = work.get_column("__first").cast(pl.Date).cast(pl.Int64).fill_null(0)
        due_days = due.cast(pl.Int64)
        undecidable = has & (due_days >= BEYOND) & (first_days > ctx.calendar.last_epoch)
        if undecidable.any():
            raise_beyond(work.filter(undecidable), spec, check.start, ctx.calendar)
        late = has & (first_days > due_days)
    as_of_day = (ctx.as_of - dt.date(1970, 1, 1)).days
    overdue = ~has & (due_days < as_of_day)
    pending = ~has & ~overdue
    if (pending & (due_days >= BEYOND)).any() and as_of_day > ctx.calendar.last_epoch:
        raise_beyond(work.filter(pending & (due_days >= BEYOND)), spec, check.start, ctx.calendar)
    due_text = _due_texts(check, due)
    violations = [
        _late_violation(check, row, spec, due_text[i]) if late[i] else _missing_violation(check, row, spec, due_text[i], ctx.as_of)
        for i, row in zip((late | overdue).arg_true().to_list(), work.filter(late | overdue).iter_rows(named=True), strict=True)
    ]
    measured = {
        "records": work.height,
        "related": int((has & ~late).sum()),
        "late": int(late.sum()),
        "missing": int(overdue.sum()),
        "pending": int(pending.sum()),
    }
    failed = int(late.sum()) + int(overdue.sum())
    return Outcome(status_of(failed=failed, pending=int(pending.sum()), decided=int(has.sum()) + int(overdue.sum())), measured, violations)


def _due(check: RelatedCheck, work: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> pl.Series:
    """The deadline of every row: a Datetime series for hours, epoch days otherwise."""
    assert check.within is not None and check.start is not None
    unit, amount = check.within.unit, check.within.amount
    start = pl.col(check.start)
    if unit == "hours":
        return work.select((start.cast(pl.Datetime("us")) + pl.duration(hours=amount)).alias("d")).to_series()
    if unit == "months":
        return work.select(start.cast(pl.Date).dt.offset_by(f"{amount}mo").cast(pl.Int64).alias("d")).to_series()
    days = work.select(start.cast(pl.Date).cast(pl.Int64).alias("__sd"), "_file", "_sheet", "_row")
    if unit == "days" or amount == 0:  # (0 working days, 当日: the start's own day, no calendar needed)
        return days.get_column("__sd") + amount
    require_covered(ctx.calendar, days, "__sd", spec, check.start)
    return ctx.calendar.add_working_days_vec(days.get_column("__sd"), amount).alias("d")


def _due_texts(check: RelatedCheck, due: pl.Series) -> list[str]:
    if due.dtype == pl.Datetime("us"):
        return [fmt_moment(d) for d in due.to_list()]
    return ["（超出工作日历范围）" if d >= BEYOND else from_epoch_day(int(d)).isoformat() for d in due.to_list()]


def _missing_violation(check: RelatedCheck, row: dict[str, object], spec: KindSpec, due: str | None, as_of: dt.date | None) -> dict[str, object]:
    other = check.other_spec
    what = _noun(other)
    condition = where_text(check.other_where, other)
    wanted = f"{other.field(check.other_key).label}为“{row[check.key]}”" + (f"、{condition}" if condition else "")
    if due is None:
        expected, actual = f"有对应的{what}", f"没有{wanted}的{what}"
        message = f"没有对应的{what}（应有{wanted}的记录）"
    else:
        expected, actual = f"不晚于 {due} 有{what}", f"截至 {as_of} 没有"
        message = f"应不晚于 {due} 有对应的{what}（{wanted}），截至 {as_of} 仍没有（已逾期）"
    return _violation(row, expected, actual, message)


def _late_violation(check: RelatedCheck, row: dict[str, object], spec: KindSpec, due: str) -> dict[str, object]:
    assert check.within is not None and check.start is not None and check.other_date is not None
    what = _noun(check.other_spec)
    first = fmt_moment(row["__first"])
    start = f"{spec.field(check.start).label} {fmt_moment(row[check.start])}"
    message = f"{start}，应不晚于 {due}（{check.within.text()}内）有{what}，最早的{what}{check.other_spec.field(check.other_date).label}为 {first}"
    return _violation(row, f"不晚于 {due}", first, message)


def _violation(row: dict[str, object], expected: str, actual: str, message: str) -> dict[str, object]:
    return violation(
        record_id=row.get("id"),  # type: ignore[arg-type]
        department=row.get("department"),  # type: ignore[arg-type]
        file=row["_file"],  # type: ignore[arg-type]
        sheet=row["_sheet"],  # type: ignore[arg-type]
        row=row["_row"],  # type: ignore[arg-type]
        expected=expected,
        actual=actual,
        message=message,
    )
