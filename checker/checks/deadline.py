"""`deadline`: each record's end happens within a period after its start.

What it does
    For every record in scope, computes the deadline from ``start`` (or from ``restart`` when that
    field is filled: an FOI clock restarts on the corrected application, 条例 art. 30), adds the
    working days of each ``exclude`` interval that fall after the start (third-party consultation
    is not counted, art. 33), and adds a permitted ``extension`` only when the record is marked
    extended, names who approved it and was notified on or before the original deadline.

    Working days count from the day after the start (期间开始之日不计算在内); ``days`` are calendar
    days; ``hours`` are exact elapsed time; ``months`` are calendar months (end-of-month clamped).

Statuses
    on time: the end is on or before the deadline day (``hours``: the deadline moment).
    late: the end is after it. overdue: no end and the deadline day is before ``--as-of``.
    pending: no end and the deadline day is on or after ``--as-of``.
    end before start: a failing violation ("记录可能有误"): an earlier day, or an earlier time
    the same day when both cells have one (an end at 00:00 is taken as a bare date).
    no start: a record whose start field is blank (possible when a rule starts from an optional
    field) has no deadline; it is counted as ``no_start`` and not judged.
    date only (``hours``): an end written without its time (read as 00:00) is on time only if
    its whole day is; if the deadline falls within that day it fails as ``date_only`` ("请补填时间"),
    since 00:00 would pass a reply made at 15:00.

Example (PASS / FAIL)::

    check: {type: deadline, start: received_at, end: replied_at, within: {working_days: 1}}
    PASS  received Fri 2022-09-30 16:00, replied Sat 2022-10-08 10:00 (a make-up working day)
    FAIL  received Sat 2022-10-08 11:00, replied Tue 2022-10-11 09:00 (due Sun 2022-10-09)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import polars as pl
from pydantic import Field, StrictInt, model_validator

from checker.calendar import BEYOND, UNIT_LABELS, from_epoch_day
from checker.checks.base import (
    DATE_TYPES,
    EvalContext,
    Outcome,
    StrictModel,
    field_problems,
    moment_text,
    status_of,
    violations_from_columns,
)
from checker.errors import CalendarError
from checker.evidence.load import location
from checker.evidence.schema import KindSpec


class Within(StrictModel):
    """A period: exactly one of working days, calendar days, hours or months."""

    # Strict: `working_days: true` is not 1. The upper bounds (ten years) only keep a typo from
    # overflowing the date arithmetic (hours: 99999999999999 wrapped to the year -208941).
    working_days: StrictInt | None = Field(default=None, le=2500, description="工作日数（起算日不计入；0 表示当日）")
    days: StrictInt | None = Field(default=None, le=3660, description="自然日数（日、天）")
    hours: StrictInt | None = Field(default=None, le=87840, description="小时数（精确到分钟）")
    months: StrictInt | None = Field(default=None, le=120, description="月数（月末对齐）")

    @model_validator(mode="after")
    def _exactly_one(self) -> Within:
        given = [(k, v) for k, v in self.model_dump().items() if v is not None]
        if len(given) != 1:
            raise ValueError("within 必须且只能给出一个期限：working_days、days、hours 或 months")
        if given[0][1] < 0:
            raise ValueError("期限不能为负数")
        return self

    @property
    def unit(self) -> str:
        return next(k for k, v in self.model_dump().items() if v is not None)

    @property
    def amount(self) -> int:
        return int(getattr(self, self.unit))

    def text(self) -> str:
        if self.unit == "working_days" and self.amount == 0:
            return "当日"
        return f"{self.amount}{UNIT_LABELS[self.unit]}"


class Extension(StrictModel):
    """A permitted extension (条例 art. 33: at most 20 working days, approved and notified)."""

    working_days: StrictInt = Field(default=20, ge=1, le=2500, description="经批准可延长的工作日数")
    flag: str = Field(default="extended", description="是否延期的字段")
    approved_by: str = Field(default="extension_approved_by", description="延期批准人的字段（须已填写）")
    notified_at: str = Field(default="extension_notified_at", description="延期告知日期的字段（须不晚于原期限）")


class DeadlineCheck(StrictModel):
    type: Literal["deadline"]
    start: str = Field(description="起算的日期字段，如 received_at")
    end: str = Field(description="办结的日期字段，如 replied_at；为空表示尚未办结")
    within: Within = Field(description="期限：working_days、days、hours 或 months 之一")
    restart: str | None = Field(default=None, description="填写时改从该字段重新起算（如补正日期 corrected_at）")
    exclude: list[tuple[str, str]] = Field(default=[], description="不计入期限的区间，每项为起止两个日期字段")
    extension: Extension | None = Field(default=None, description="经批准并告知后允许的延期")

    @model_validator(mode="after")
    def _working_days_only(self) -> DeadlineCheck:
        if (self.exclude or self.extension) and self.within.unit != "working_days":
            raise ValueError("exclude 和 extension 只能用于以工作日计算的期限（within.working_days）")
        return self

    def problems(self, spec: KindSpec) -> list[str]:
        dates: list[str | None] = [self.start, self.end, self.restart]
        dates += [n for pair in self.exclude for n in pair]
        problems = field_problems(dates, spec, types=DATE_TYPES)
        if self.extension:
            problems += field_problems([self.extension.notified_at], spec, types=DATE_TYPES)
            problems += field_problems([self.extension.flag], spec, types=("bool",))
            problems += field_problems([self.extension.approved_by], spec)
        return problems

    def describe(self, spec: KindSpec) -> str:
        start = spec.field(self.start).label
        end = spec.field(self.end).label
        text = f"{end}不晚于{start}后{self.within.text()}"
        if self.restart:
            text += f"（有{spec.field(self.restart).label}的，自该日重新起算）"
        if self.exclude:
            text += "；" + "、".join(f"{spec.field(a).label}至{spec.field(b).label}期间不计入" for a, b in self.exclude)
        if self.extension:
            text += f"；经批准并告知的，可延长{self.extension.working_days}个工作日"
        return text


def _day(expr: pl.Expr) -> pl.Expr:
    """Epoch day of a Date or Datetime column."""
    return expr.cast(pl.Date).cast(pl.Int64)


def evaluate(check: DeadlineCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    if frame.height == 0:
        return Outcome("not_applicable", {"records": 0})
    cal = ctx.calendar
    unit, amount = check.within.unit, check.within.amount
    start_col = pl.col(check.start)
    if check.restart:
        start_col = pl.coalesce(pl.col(check.restart), start_col)
    cols = [start_col.alias("__start"), pl.col(check.end).alias("__end")]
    for i, (a, b) in enumerate(check.exclude):
        cols += [_day(pl.col(a)).alias(f"__xa{i}"), _day(pl.col(b)).alias(f"__xb{i}")]
    if check.extension:
        ext = check.extension
        cols += [
            pl.col(ext.flag).fill_null(False).alias("__ext_flag"),
            pl.col(ext.approved_by).is_not_null().alias("__ext_approved"),
            _day(pl.col(ext.notified_at)).alias("__ext_notified"),
        ]
    work = frame.with_columns(cols).with_columns(_day(pl.col("__start")).alias("__sd"), _day(pl.col("__end")).alias("__ed"))
    # A rule may start the clock from an optional field (built-in packs start from required
    # ones): a record without that date has no deadline, so it is counted, not judged.
    no_start = int(work.get_column("__start").null_count())
    if no_start:
        work = work.filter(pl.col("__start").is_not_null())
        if work.height == 0:
            return Outcome("not_applicable", {"records": 0, "no_start": no_start})

    start_days = work.get_column("__sd").cast(pl.Int64)
    as_of_day = (ctx.as_of - dt.date(1970, 1, 1)).days
    extra_note = pl.repeat("", work.height, dtype=pl.String, eager=True)
    date_only = pl.repeat(False, work.height, dtype=pl.Boolean, eager=True)

    if unit == "hours":
        deadline_moment = work.select(
            (pl.col("__start").cast(pl.Datetime("us")) + pl.duration(hours=amount)).alias("d")
        ).get_column("d")
        deadline_days = deadline_moment.cast(pl.Date).cast(pl.Int64)
        end_moment = work.get_column("__end").cast(pl.Datetime("us"))
        late = (end_moment > deadline_moment).fill_null(False)
        # An end at 00:00 is a date typed without its time (as for "end before start" below):
        # on time only if the whole day is; if the deadline falls within that day, the record
        # cannot show it was met in time (taking it as 00:00 would pass a reply of 15:00).
        bare = (end_moment.dt.time() == dt.time(0)).fill_null(False)
        date_only = bare & ~late & (end_moment + dt.timedelta(days=1) > deadline_moment).fill_null(False)
    else:
        if unit == "working_days" and amount == 0 and not check.exclude and not check.extension:
            deadline_days = start_days  # 当日: on or before the start's own day, whatever day it is
        elif unit == "working_days":
            require_covered(cal, work, "__sd", spec, check.start)
            base = _working_deadline(cal, work, start_days, amount, spec, check)
            deadline_days = base
            if check.extension:
                flag = work.get_column("__ext_flag").fill_null(False)
                approved = work.get_column("__ext_approved")
                notified = work.get_column("__ext_notified").cast(pl.Int64).fill_null(BEYOND)
                valid = flag & approved & (notified <= base)
                # The extended period is part of the reply period: third-party time that begins
                # within it is not counted either (art. 33), as it is not within the original one.
                extended = _working_deadline(cal, work, start_days, amount + check.extension.working_days, spec, check)
                deadline_days = _where(valid, extended, base)
                unnotified = work.get_column("__ext_notified").is_null()
                extra_note = (
                    pl.DataFrame({"invalid": flag & ~valid, "approved": approved, "valid": valid, "unnotified": unnotified})
                    .select(
                        pl.when("invalid")
                        .then(
                            pl.when(~pl.col("approved"))
                            .then(pl.lit("（延期未注明批准人，延期无效）"))
                            .when("unnotified")
                            .then(pl.lit("（未填写延期告知日期，延期无效）"))
                            .otherwise(pl.lit("（延期告知晚于原期限，延期无效）"))
                        )
                        .when("valid")
                        .then(pl.lit(f"（含经批准延期{check.extension.working_days}个工作日）"))
                        .otherwise(pl.lit(""))
                    )
                    .to_series()
                )
        elif unit == "days":
            deadline_days = start_days + amount
        else:  # months
            deadline_days = work.select(pl.col("__start").cast(pl.Date).dt.offset_by(f"{amount}mo").cast(pl.Int64)).to_series()
        end_days = work.get_column("__ed").cast(pl.Int64).fill_null(-(2**40))
        has_end = work.get_column("__ed").is_not_null()
        beyond = deadline_days >= BEYOND
        undecidable = beyond & has_end & (end_days > cal.last_epoch)
        if undecidable.any():
            raise_beyond(work.filter(undecidable), spec, check.start, cal)
        late = has_end & ~beyond & (end_days > deadline_days)

    has_end = work.get_column("__end").is_not_null()
    deadline_passed = deadline_days < as_of_day
    beyond = deadline_days >= BEYOND
    if (~has_end & beyond).any() and as_of_day > cal.last_epoch:
        raise_beyond(work.filter(~has_end & beyond), spec, check.start, cal)
    overdue = ~has_end & deadline_passed
    pending = ~has_end & ~deadline_passed
    before_start = has_end & (work.get_column("__ed").cast(pl.Int64).fill_null(0) < start_days)
    if work.schema["__start"] == pl.Datetime("us") and work.schema["__end"] == pl.Datetime("us"):
        # A reply at 09:00 to a request received at 10:00 the same day is as wrong as one dated
        # the day before. An end at 00:00 is taken as a date typed without its time (a reply
        # dated 2022-03-05 to a request of 2022-03-05 10:00 is fine) and compared by day.
        same_day_earlier = work.select(
            ((pl.col("__ed") == pl.col("__sd")) & (pl.col("__end") < pl.col("__start")) & (pl.col("__end").dt.time() != dt.time(0))).fill_null(False)
        ).to_series()
        before_start = before_start | same_day_earlier
    date_only = date_only & ~before_start
    on_time = has_end & ~late & ~before_start & ~date_only

    measured: dict[str, Any] = {
        "records": int(work.height),
        "on_time": int(on_time.sum()),
        "late": int(late.sum()),
        "overdue": int(overdue.sum()),
        "pending": int(pending.sum()),
    }
    if before_start.any():
        measured["end_before_start"] = int(before_start.sum())
    if date_only.any():
        measured["date_only"] = int(date_only.sum())
    if no_start:
        measured["no_start"] = no_start
    decided = measured["on_time"] + measured["late"] + measured["overdue"] + measured.get("end_before_start", 0) + measured.get("date_only", 0)
    if decided:
        measured["compliance_rate"] = round(measured["on_time"] / decided, 4)
    failed_mask = late | overdue | before_start | date_only
    violations = _violations(work, failed_mask, late, before_start, deadline_days, extra_note, check, spec, ctx, date_only=date_only)
    status = status_of(failed=int(failed_mask.sum()), pending=measured["pending"], decided=decided)
    return Outcome(status, measured, violations)


def require_covered(cal, work: pl.DataFrame, column: str, spec: KindSpec, field: str) -> None:  # type: ignore[no-untyped-def]
    bad = cal.uncovered(work.get_column(column).cast(pl.Int64))
    if bad.any():
        rows = work.filter(bad).head(5)
        places = [
            f"{location(f, s, r, spec.field(field).label)}：日期 {from_epoch_day(d).isoformat()} 超出工作日历数据的覆盖范围（{cal.coverage_text()}）"
            for f, s, r, d in rows.select("_file", "_sheet", "_row", column).iter_rows()
        ]
        from checker.calendar import OVERRIDES_HINT

        raise CalendarError([*places, f"共 {int(bad.sum())} 条记录的日期超出覆盖范围。{OVERRIDES_HINT}。"])


def _working_deadline(  # type: ignore[no-untyped-def]
    cal, work: pl.DataFrame, start_days: pl.Series, amount: int, spec: KindSpec, check: DeadlineCheck
) -> pl.Series:
    """The last day of `amount` working days after each start, not counting the working days of
    an excluded interval that begins before the clock (as it stands) has run out."""
    n = pl.repeat(amount, work.height, dtype=pl.Int64, eager=True)
    for i in range(len(check.exclude)):
        running = cal.add_working_days_vec(start_days, n)
        n = n + _excluded_working_days(cal, work, i, start_days, running, spec, check)
    return cal.add_working_days_vec(start_days, n)


def _excluded_working_days(  # type: ignore[no-untyped-def]
    cal, work: pl.DataFrame, i: int, start_days: pl.Series, running: pl.Series, spec: KindSpec, check: DeadlineCheck
) -> pl.Series:
    """Working days of the i-th excluded interval [a, b] after the start day, when it begins
    on or before the deadline as it stands (`running`)."""
    a_col, b_col = work.get_column(f"__xa{i}"), work.get_column(f"__xb{i}")
    present = a_col.is_not_null() & b_col.is_not_null()
    out = pl.repeat(0, work.height, dtype=pl.Int64, eager=True)
    if not present.any():
        return out
    sub = work.filter(present)
    require_covered(cal, sub, f"__xa{i}", spec, check.exclude[i][0])
    require_covered(cal, sub, f"__xb{i}", spec, check.exclude[i][1])
    a = a_col.cast(pl.Int64).fill_null(0)
    lo = _where(a - 1 > start_days, a - 1, start_days)  # days in (lo, b]
    hi = b_col.cast(pl.Int64).fill_null(0)
    counted = present & (hi > lo) & (a <= running)
    return out.scatter(counted.arg_true(), cal.working_days_between_vec(lo.filter(counted), hi.filter(counted)))


def _where(mask: pl.Series, yes: pl.Series, no: pl.Series) -> pl.Series:
    """`yes` where `mask` holds, else `no` (three Series of one length)."""
    frame = pl.DataFrame({"mask": mask, "yes": yes, "no": no})
    return frame.select(pl.when("mask").then("yes").otherwise("no")).to_series().alias(yes.name)


def raise_beyond(rows: pl.DataFrame, spec: KindSpec, start_field: str, cal) -> None:  # type: ignore[no-untyped-def]
    """A deadline past the calendar data that the rows' dates cannot settle: name the rows."""
    from checker.calendar import OVERRIDES_HINT

    places = [
        f"{location(f, s, r, spec.field(start_field).label)}：期限超出工作日历数据的覆盖范围（{cal.coverage_text()}），无法判断是否按时"
        for f, s, r in rows.select("_file", "_sheet", "_row").head(5).iter_rows()
    ]
    raise CalendarError([*places, f"{OVERRIDES_HINT}。"])


def _overtime_text(us: int) -> str:
    """An overrun of an hours deadline in whole minutes, rounded up (a minute late is late):
    超时 1 分钟, 超时 5 小时, 超时 2 小时 15 分钟."""
    minutes = -(-us // 60_000_000)
    h, m = divmod(minutes, 60)
    if not h:
        return f"超时 {m} 分钟"
    return f"超时 {h} 小时" + (f" {m} 分钟" if m else "")


def _brace(text: str) -> str:
    """Literal text inside a `pl.format` template (which reads `{}` as a placeholder)."""
    return text.replace("{", "{{").replace("}", "}}")


def _violations(
    work: pl.DataFrame,
    failed: pl.Series,
    late: pl.Series,
    before_start: pl.Series,
    deadline_days: pl.Series,
    extra_note: pl.Series,
    check: DeadlineCheck,
    spec: KindSpec,
    ctx: EvalContext,
    date_only: pl.Series | None = None,
) -> list[dict]:  # type: ignore[type-arg]
    """One violation per failed record; every text is built as a column expression (a city's
    year can hold hundreds of thousands of late replies), only the final dicts are Python."""
    if not failed.any():
        return []
    sub = work.filter(failed)
    cal = ctx.calendar
    within = check.within
    hours = within.unit == "hours"
    # The clock's start as the record has it: the restart date (收到补正日期) only where one is filled.
    start_label = pl.lit(spec.field(check.start).label)
    if check.restart:
        start_label = pl.when(pl.col(check.restart).is_not_null()).then(pl.lit(spec.field(check.restart).label)).otherwise(start_label)
    end_label = spec.field(check.end).label
    as_of = ctx.as_of.isoformat()
    due_days = deadline_days.filter(failed)
    is_late = late.filter(failed)
    is_before = before_start.filter(failed)
    end_days = sub.get_column("__ed").cast(pl.Int64).fill_null(0)
    # Overrun in working days where the end day is inside the calendar data, else in days.
    if within.unit == "working_days":
        in_calendar = is_late & ~cal.uncovered(due_days) & ~cal.uncovered(end_days)  # (当日 needs no calendar)
    else:
        in_calendar = pl.repeat(False, sub.height, dtype=pl.Boolean, eager=True)
    overrun = _where(is_late, end_days - _where(is_late, due_days, pl.repeat(0, sub.height, dtype=pl.Int64, eager=True)), pl.repeat(0, sub.height, dtype=pl.Int64, eager=True))
    days_over = overrun.clone()  # in calendar days (scatter below works in place): what a late end on a rest day is told in
    if in_calendar.any():
        overrun = overrun.scatter(in_calendar.arg_true(), cal.working_days_between_vec(due_days.filter(in_calendar), end_days.filter(in_calendar)))
    start_expr, end_expr = pl.col("__start"), pl.col("__end")
    over_us = pl.lit(None)
    if hours:
        due_moment = start_expr.cast(pl.Datetime("us")) + pl.duration(hours=within.amount)
        due_text = due_moment.dt.strftime("%Y-%m-%d %H:%M")
        over_us = (end_expr.cast(pl.Datetime("us")) - due_moment).dt.total_microseconds()
    else:
        # A deadline past the calendar data can only remain on a record whose end precedes its
        # start (every other such record was refused above); say so instead of a date.
        due_text = (
            pl.when(pl.col("__due") < BEYOND)
            .then(pl.col("__due").clip(upper_bound=2**31 - 1).cast(pl.Int32).cast(pl.Date).dt.strftime("%Y-%m-%d"))
            .otherwise(pl.lit(f"{cal.last.isoformat()} 之后"))
        )
    texts = sub.with_columns(
        pl.Series("__due", due_days),
        pl.Series("__note", extra_note.filter(failed), dtype=pl.String),
        pl.Series("__over", overrun),
        pl.Series("__days_over", days_over),
        pl.Series("__in_calendar", in_calendar),
        pl.Series("__before", is_before),
        pl.Series("__late", is_late),
        pl.Series("__date_only", date_only.filter(failed) if date_only is not None else pl.repeat(False, sub.height, dtype=pl.Boolean, eager=True)),
    ).select(
        due_text.alias("due"),
        moment_text(start_expr, work.schema["__start"]).alias("start"),
        start_label.alias("start_label"),
        moment_text(end_expr, work.schema["__end"]).alias("end"),
        over_us.alias("over_us"),
        pl.col("__over"),
        pl.col("__days_over"),
        pl.col("__note"),
        pl.col("__in_calendar"),
        pl.col("__before"),
        pl.col("__late"),
        pl.col("__date_only"),
        pl.col("__end").cast(pl.Date).dt.strftime("%Y-%m-%d").alias("end_day"),
    )
    period = within.text()
    if hours:
        over = pl.Series([None if us is None else _overtime_text(us) for us in texts.get_column("over_us").to_list()], dtype=pl.String)
    else:
        # A late end on a rest day after the deadline is 0 working days over: told in days then.
        over = texts.select(
            pl.when(pl.col("__in_calendar") & (pl.col("__over") > 0))
            .then(pl.format("超期 {} 个工作日", pl.col("__over")))
            .when(pl.col("__in_calendar"))
            .then(pl.format(f"超期 {{}} 天（{_brace(end_label)}为休息日）", pl.col("__days_over")))
            .otherwise(pl.format("超期 {} 天", pl.col("__days_over")))
        ).to_series()
    due, start, end, note, label = pl.col("due"), pl.col("start"), pl.col("end"), pl.col("__note"), pl.col("start_label")
    before, is_late_col, day_only = pl.col("__before"), pl.col("__late"), pl.col("__date_only")
    worded = texts.with_columns(over.alias("__over_text")).select(
        pl.format(f"不晚于 {{}}（{_brace(period)}内{{}}）", due, note).alias("expected"),
        pl.when(before | is_late_col).then(end).when(day_only).then(pl.format("{}（只有日期）", pl.col("end_day"))).otherwise(pl.lit(f"截至 {as_of} 未填写{end_label}")).alias("actual"),
        pl.when(before)
        .then(pl.format(f"{_brace(end_label)} {{}} 早于{{}} {{}}，记录可能有误", end, label, start))
        .when(day_only)
        .then(pl.format(f"{{}} {{}}，应不晚于 {{}}；{_brace(end_label)}只填写了日期 {{}}，无法确认是否在{_brace(period)}内，请补填时间{{}}", label, start, due, pl.col("end_day"), note))
        .when(is_late_col)
        .then(pl.format(f"{{}} {{}}，应不晚于 {{}}，实际{_brace(end_label)} {{}}，{{}}{{}}", label, start, due, end, pl.col("__over_text"), note))
        .otherwise(pl.format(f"{{}} {{}}，应不晚于 {{}}，截至 {as_of} 仍无{_brace(end_label)}（已逾期）{{}}", label, start, due, note))
        .alias("message"),
    )
    expected, actual, message = (worded.get_column(c).to_list() for c in ("expected", "actual", "message"))
    ids = sub.get_column("id").to_list() if "id" in sub.columns else [None] * sub.height
    depts = sub.get_column("department").to_list() if "department" in sub.columns else [None] * sub.height
    files, sheets, rows = (sub.get_column(c).to_list() for c in ("_file", "_sheet", "_row"))
    return violations_from_columns(ids, depts, files, sheets, rows, expected, actual, message)
