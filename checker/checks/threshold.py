"""`threshold`: a fact's value for the review year lies within a bound.

What it does
    Takes the fact records (``facts`` ledger, after the rule's ``where``) whose ``key`` is the
    rule's ``key`` and whose ``year`` is the review year, and compares every value with ``min``
    (the value must not be lower) and/or ``max`` (must not be higher). Facts may be kept for
    the whole bureau (empty department) and per department: each record is judged.

Statuses
    pass: every value within the bound. fail: a value outside it, or no value recorded for
    the year once the year is over at ``--as-of``. pending: no value recorded yet while the
    year is still running.

Example (PASS / FAIL)::

    check: {type: threshold, key: appraisal_weight_percent, min: 4}
    PASS  facts: appraisal_weight_percent, 2022, 4.5
    FAIL  facts: appraisal_weight_percent, 2022, 3 (部门 治安支队) — or no 2022 row, as of 2023-03-01
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl
from pydantic import Field, model_validator

from checker.checks.base import (
    EvalContext,
    Outcome,
    StrictModel,
    field_problems,
    status_of,
    violation,
)
from checker.evidence.schema import KindSpec


class ThresholdCheck(StrictModel):
    type: Literal["threshold"]
    key: str = Field(min_length=1, description="指标代码（facts 台账的 key 列），如 appraisal_weight_percent")
    min: float | None = Field(default=None, description="下限：数值不得低于此值")
    max: float | None = Field(default=None, description="上限：数值不得高于此值")

    @model_validator(mode="after")
    def _a_bound(self) -> ThresholdCheck:
        if self.min is None and self.max is None:
            raise ValueError("threshold 至少需要 min 或 max 之一")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError("threshold 的 max 小于 min")
        return self

    def problems(self, spec: KindSpec) -> list[str]:
        return field_problems(["key", "year", "value"], spec)

    def bound_text(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f"不低于 {self.min:g}")
        if self.max is not None:
            parts.append(f"不高于 {self.max:g}")
        return "且".join(parts)

    def describe(self, spec: KindSpec) -> str:
        return f"指标“{self.key_text()}”的年度数值{self.bound_text().replace(' ', '')}"

    def key_text(self) -> str:
        """The indicator as people know it: its Chinese name and code when the name is known."""
        from checker.evidence.schema import KINDS

        label = KINDS["fact"].field("key").value_labels.get(self.key)
        return f"{label}（{self.key}）" if label else self.key


def evaluate(check: ThresholdCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    year = ctx.review_year
    rows = frame.filter((pl.col("key") == check.key) & (pl.col("year") == year)).sort("_file", "_sheet", "_row", nulls_last=True)
    measured: dict[str, object] = {"records": rows.height, "bound": check.bound_text()}
    if rows.height == 0:
        if ctx.as_of <= dt.date(year, 12, 31):
            return Outcome("pending", measured)
        return Outcome("fail", measured, [_missing(check, frame, year, ctx)])
    outside = pl.lit(False)
    if check.min is not None:
        outside = outside | (pl.col("value") < check.min)
    if check.max is not None:
        outside = outside | (pl.col("value") > check.max)
    bad = rows.filter(outside.fill_null(True))
    values = rows.get_column("value").drop_nulls()
    if values.len():
        worst = values.min() if check.min is not None else values.max()
        measured["value"] = float(worst)  # type: ignore[arg-type]
    measured["short"] = bad.height
    violations = [_outside(check, row, year) for row in bad.iter_rows(named=True)]
    return Outcome(status_of(failed=bad.height, pending=0, decided=rows.height), measured, violations)


def _outside(check: ThresholdCheck, row: dict[str, object], year: int) -> dict[str, object]:
    value = row["value"]
    shown = "（空）" if value is None else f"{value:g}"
    who = f"部门 {row['department']} " if row.get("department") else ""
    return violation(
        record_id=None,
        department=row.get("department"),  # type: ignore[arg-type]
        file=row["_file"],  # type: ignore[arg-type]
        sheet=row["_sheet"],  # type: ignore[arg-type]
        row=row["_row"],  # type: ignore[arg-type]
        expected=check.bound_text(),
        actual=shown,
        message=f"{who}{year}年度指标“{check.key_text()}”为 {shown}，应{check.bound_text()}",
        period=f"{year}年",
    )


def _missing(check: ThresholdCheck, frame: pl.DataFrame, year: int, ctx: EvalContext) -> dict[str, object]:
    files = sorted(set(frame.get_column("_file").to_list())) if frame.height else []
    return violation(
        record_id=None,
        department=None,
        file=files[0] if len(files) == 1 else None,
        sheet=None,
        row=None,
        expected=check.bound_text(),
        actual=f"截至 {ctx.as_of.isoformat()} 未见{year}年度数值",
        message=f"未见{year}年度指标“{check.key_text()}”的数值（应{check.bound_text()}）",
        period=f"{year}年",
    )
