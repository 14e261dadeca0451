"""`ratio`: the share of records in scope that also match ``numerator`` is at least ``min``.

What it does
    Among records in scope (the rule's ``where``), counts those matching ``numerator`` (a
    where-filter) and compares the share with ``min`` (0–1). With ``per_department`` each
    department with records in scope is judged on its own share.

Statuses
    pass: share ≥ min. fail: below. not_applicable: no records in scope.

Example (PASS / FAIL)::

    check: {type: ratio, numerator: {form: {not: text}}, min: 0.5}
    PASS  6 of 10 interpretations are graphic, video, Q&A … (60 %)
    FAIL  3 of 10 (30 %)
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from checker.checks.base import (
    EvalContext,
    Outcome,
    StrictModel,
    Where,
    status_of,
    violation,
    where_expr,
    where_problems,
    where_text,
)
from checker.evidence.schema import KindSpec


class RatioCheck(StrictModel):
    type: Literal["ratio"]
    numerator: Where = Field(description="计入分子的筛选条件（与 where 写法相同），如 {form: {not: text}}")
    min: float = Field(ge=0, le=1, description="最低比例，0 到 1 之间，如 0.5 表示 50%")
    per_department: bool = Field(default=False, description="为 true 时，每个有记录的部门分别计算比例")

    def problems(self, spec: KindSpec) -> list[str]:
        return where_problems(self.numerator, spec)

    def describe(self, spec: KindSpec) -> str:
        scope = "各部门" if self.per_department else ""
        return f"{scope}{where_text(self.numerator, spec)}的比例不低于{_pct(self.min)}"


def _pct(value: float) -> str:
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


def evaluate(check: RatioCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    if frame.height == 0:
        return Outcome("not_applicable", {"denominator": 0, "min": check.min})
    hit = where_expr(check.numerator)
    if check.per_department:
        groups = (
            frame.group_by("department")
            .agg(hit.sum().alias("num"), pl.len().alias("den"), pl.col("_file").first())
            .sort("department")
        )
    else:
        groups = frame.select(pl.lit(None, dtype=pl.String).alias("department"), hit.sum().alias("num"), pl.len().alias("den"), pl.col("_file").first())
    violations = []
    for dept, num, den, file in groups.iter_rows():
        share = num / den
        if share + 1e-12 < check.min:
            violations.append(
                violation(
                    record_id=None,
                    department=dept,
                    file=file if frame.get_column("_file").n_unique() == 1 else None,
                    sheet=None,
                    row=None,
                    expected=f"≥ {_pct(check.min)}",
                    actual=f"{_pct(share)}（{num}/{den}）",
                    period=f"{ctx.year}年" if ctx.year is not None else None,
                    message=f"{'部门 ' + dept + ' ' if dept else ''}{where_text(check.numerator, spec)}的比例为 {_pct(share)}（{num}/{den}），低于 {_pct(check.min)}",
                )
            )
    total_num = int(groups.get_column("num").sum())
    total_den = int(groups.get_column("den").sum())
    measured = {"numerator": total_num, "denominator": total_den, "ratio": round(total_num / total_den, 4), "min": check.min}
    if check.per_department:
        measured["departments_below"] = len(violations)
    return Outcome(status_of(failed=len(violations), pending=0, decided=groups.height), measured, violations)
