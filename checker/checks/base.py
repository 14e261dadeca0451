"""What every check shares: the strict pydantic base, the where-filter, the evaluation context
and the outcome a check returns to the engine."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker.evidence.schema import TYPE_LABELS, KindSpec

if TYPE_CHECKING:
    from checker.calendar import WorkCalendar
    from checker.evidence.load import EvidenceSet


class StrictModel(BaseModel):
    # allow_inf_nan=False: YAML's .nan / .inf are not bounds a rule can mean (min: .nan passed
    # every value, since no comparison with NaN is true).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Scalar = str | int | float | bool
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def month_day(value: str) -> str:
    """Validate an `MM-DD` month-day (leap day refused: it does not exist every year)."""
    match = _MONTH_DAY.match(value)
    if not match:
        raise ValueError(f"月日应写作 MM-DD（如 01-31），实际是 “{value}”")
    try:
        dt.date(2023, int(match[1]), int(match[2]))
    except ValueError:
        raise ValueError(f"月日 “{value}” 不存在") from None
    return value


MonthDay = Annotated[str, Field(description="月-日，如 01-31")]


def on_year(md: str, year: int) -> dt.date:
    month, day = md.split("-")
    return dt.date(year, int(month), int(day))


class Condition(StrictModel):
    """A field test in a where-filter beyond plain equality."""

    not_: Scalar | list[Scalar] | None = Field(default=None, alias="not")
    empty: bool | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


FilterValue = Scalar | list[Scalar] | Condition
Where = dict[str, FilterValue]


def where_problems(where: Where, spec: KindSpec) -> list[str]:
    """Unknown fields, enum values, and values of the wrong type in a where-filter, in Chinese
    (a value of another type than the column would match nothing, or fail inside polars)."""
    problems = []
    for name, value in where.items():
        if not spec.has_field(name):
            problems.append(f"筛选条件中的字段 “{name}” 不属于 {spec.name}（{spec.label}）")
            continue
        f = spec.field(name)
        values: list[Any] = []
        if isinstance(value, list):
            values = value
        elif isinstance(value, Condition):
            values = value.not_ if isinstance(value.not_, list) else ([value.not_] if value.not_ is not None else [])
        else:
            values = [value]
        if isinstance(value, list) and not value:
            problems.append(f"筛选条件中的字段 “{name}”（{f.label}）的取值列表为空，不会选中任何记录")
            continue
        if f.type in ("date", "datetime"):
            if values:
                problems.append(
                    f"筛选条件中的字段 “{name}”（{f.label}）类型为{TYPE_LABELS[f.type]}，不能按值筛选：只能写 {{empty: true}} 或 {{empty: false}}；"
                    "按日期范围限定规则请用 effective_from / effective_to"
                )
            continue
        if f.type == "enum":
            allowed = [v for v, _ in f.values]
            problems += [f"字段 “{name}” 没有取值 “{v}”（可选：{'、'.join(allowed)}）" for v in values if v not in allowed]
            continue
        wrong = [v for v in values if not _fits(v, f.type)]
        if wrong:
            problems.append(
                f"筛选条件中的字段 “{name}”（{f.label}）类型为{TYPE_LABELS[f.type]}，值 {'、'.join(_shown(v) for v in wrong)} 与之不符"
                f"（{_WHERE_HINTS[f.type]}）"
            )
    return problems


_WHERE_HINTS = {
    "text": "文本值请加引号，如 \"1\"",
    "bool": "写作 true 或 false",
    "int": "写作不带引号的整数，如 2021",
    "year": "写作不带引号的四位年份，如 2021",
    "float": "写作不带引号的数字，如 4.5",
}


def _fits(value: Any, field_type: str) -> bool:
    if field_type == "bool":
        return isinstance(value, bool)
    if field_type in ("int", "year"):
        return isinstance(value, int) and not isinstance(value, bool)
    if field_type == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str)


def _shown(value: Any) -> str:
    return f"“{value}”" if isinstance(value, str) else ("true" if value is True else "false" if value is False else str(value))


DATE_TYPES = ("date", "datetime")


def field_problems(names: list[str | None], spec: KindSpec, role: str = "", types: tuple[str, ...] | None = None) -> list[str]:
    """Fields a check names that the kind does not have, or (with `types`) of another type."""
    problems = []
    for n in names:
        if n is None:
            continue
        if not spec.has_field(n):
            problems.append(f"{role}字段 “{n}” 不属于 {spec.name}（{spec.label}）")
        elif types is not None and spec.field(n).type not in types:
            f = spec.field(n)
            wanted = "或".join(dict.fromkeys(TYPE_LABELS[t] for t in types))
            problems.append(f"{role}字段 “{n}”（{f.label}）类型为{TYPE_LABELS[f.type]}，这里需要{wanted}类型的字段")
    return problems


def where_expr(where: Where) -> pl.Expr:
    expr = pl.lit(True)
    for name, value in where.items():
        col = pl.col(name)
        if isinstance(value, list):
            expr = expr & col.is_in(value)
        elif isinstance(value, Condition):
            if value.not_ is not None:
                excluded = value.not_ if isinstance(value.not_, list) else [value.not_]
                expr = expr & (col.is_null() | ~col.is_in(excluded))
            if value.empty is not None:
                expr = expr & (col.is_null() if value.empty else col.is_not_null())
        else:
            expr = expr & (col == value).fill_null(False)
    return expr


def where_text(where: Where, spec: KindSpec) -> str:
    """`渠道为网上咨询求助平台` — a where-filter in words, for reports."""
    parts = []
    for name, value in where.items():
        f = spec.field(name) if spec.has_field(name) else None
        label = f.label if f else name
        labels = f.value_labels if f else {}

        def show(v: Any, labels: dict[str, str] = labels) -> str:
            return labels.get(v, "是" if v is True else "否" if v is False else str(v))

        if isinstance(value, list):
            parts.append(f"{label}为{'或'.join(show(v) for v in value)}")
        elif isinstance(value, Condition):
            if value.not_ is not None:
                excluded = value.not_ if isinstance(value.not_, list) else [value.not_]
                parts.append(f"{label}不为{'或'.join(show(v) for v in excluded)}")
            if value.empty is not None:
                parts.append(f"{label}{'为空' if value.empty else '已填写'}")
        else:
            parts.append(f"{label}为{show(value)}")
    return "，".join(parts)


@dataclass(frozen=True)
class EvalContext:
    as_of: dt.date
    year: int | None  # --year, when given
    calendar: WorkCalendar
    evidence: EvidenceSet
    departments: tuple[str, ...]
    # The rule's records before the --year filter (its where and effective dates applied): for
    # an any_of alternative on the rule's own ledger whose windows reach into other years.
    unscoped: pl.DataFrame | None = None

    @property
    def review_year(self) -> int:
        """The year yearly rules look at: --year, or the as-of date's year."""
        return self.year if self.year is not None else self.as_of.year


VIOLATION_COLUMNS = ("record_id", "department", "file", "sheet", "row", "expected", "actual", "message", "period")


@dataclass
class Outcome:
    """What a check found; the engine turns it into a `Finding`."""

    status: str  # pass | fail | pending | not_applicable
    measured: dict[str, Any]
    violations: list[dict[str, Any]] = field(default_factory=list)


def violations_from_columns(
    record_ids: list[Any],
    departments: list[Any],
    files: list[Any],
    sheets: list[Any],
    rows: list[Any],
    expected: list[str],
    actual: list[str],
    message: list[str],
) -> list[dict[str, Any]]:
    """`violation` for many records at once, from one list per field (a check with hundreds of
    thousands of failures pays for one dict each, not for a keyword call each)."""
    return [
        {"record_id": r, "department": d, "file": f, "sheet": s, "row": n, "expected": e, "actual": a, "message": m, "period": None}
        for r, d, f, s, n, e, a, m in zip(record_ids, departments, files, sheets, rows, expected, actual, message, strict=True)
    ]


def violation(
    *,
    record_id: str | None,
    department: str | None,
    file: str | None,
    sheet: str | None,
    row: int | None,
    expected: str,
    actual: str,
    message: str,
    period: str | None = None,
) -> dict[str, Any]:
    """One violation as the engine expects it; `period` names the window an aggregate check
    found short (`2022年第3季度`), for record-level checks it stays empty."""
    return {
        "record_id": record_id,
        "department": department,
        "file": file,
        "sheet": sheet,
        "row": row,
        "expected": expected,
        "actual": actual,
        "message": message,
        "period": period,
    }


def year_scope(frame: pl.DataFrame, spec: KindSpec, year: int | None) -> pl.DataFrame:
    """With --year, keep the records whose period date falls in that year (DESIGN.md).

    The engine scopes the rule's own kind; checks that read another kind (`any_of` sub-checks)
    scope it the same way through this function.
    """
    field_name = spec.period_field
    if year is None or field_name is None:
        return frame
    column = pl.col(field_name)
    if spec.field(field_name).type == "year":
        return frame.filter(column == year)
    return frame.filter(column.dt.year() == year)


def spans_years(check: Any) -> bool:
    """Whether a check's windows reach into the years around the review year (weekly
    `frequency`): it is handed the whole ledger and places each record by its own date."""
    spans = getattr(check, "spans_years", None)
    return bool(spans is not None and spans())


def check_scope(check: Any, frame: pl.DataFrame, spec: KindSpec, year: int | None) -> pl.DataFrame:
    """The records a check is handed: the review year's (`year_scope`), or the whole ledger."""
    return frame if spans_years(check) else year_scope(frame, spec, year)


def fmt_moment(value: Any) -> str:
    """How a date or time appears in a message: `2022-10-11` or `2022-10-11 09:00`."""
    if value is None:
        return "（空）"
    if isinstance(value, dt.datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def moment_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """`fmt_moment` as a column expression: the same text for every row, without Python."""
    if dtype == pl.Date:
        text = expr.dt.strftime("%Y-%m-%d")
    elif isinstance(dtype, pl.Datetime):
        midnight = (expr.dt.hour() == 0) & (expr.dt.minute() == 0) & (expr.dt.second() == 0)
        text = pl.when(midnight).then(expr.dt.strftime("%Y-%m-%d")).otherwise(expr.dt.strftime("%Y-%m-%d %H:%M"))
    else:
        text = expr.cast(pl.String)
    return text.fill_null("（空）")


def status_of(*, failed: int, pending: int, decided: int) -> str:
    """fail beats pending beats pass; nothing in scope is not_applicable."""
    if failed:
        return "fail"
    if pending:
        return "pending"
    if decided:
        return "pass"
    return "not_applicable"


class FieldName(str):
    pass


def check_field_list(value: list[str]) -> list[str]:
    if not value:
        raise ValueError("至少需要一个字段")
    return value


__all__ = [
    "Condition",
    "EvalContext",
    "Outcome",
    "StrictModel",
    "Where",
    "check_field_list",
    "field_problems",
    "field_validator",
    "fmt_moment",
    "moment_text",
    "month_day",
    "on_year",
    "status_of",
    "violation",
    "where_expr",
    "where_problems",
    "where_text",
    "year_scope",
]
