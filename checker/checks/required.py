"""`required`: when the rule's ``where`` holds, the listed fields are filled.

What it does
    For every record in scope, each field in ``fields`` must be non-empty; a yes/no field must
    be 是 (a repealed document must be *marked* repealed, not merely have the column).

Statuses
    pass: every record in scope is complete. fail: a record with an empty (or 否) field.
    not_applicable: no records in scope.

Example (PASS / FAIL)::

    where: {outcome: withheld}
    check: {type: required, fields: [legal_basis]}
    PASS  不予公开, 不予公开依据 “《条例》第十四条”
    FAIL  不予公开, 不予公开依据 empty
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from checker.checks.base import (
    EvalContext,
    Outcome,
    StrictModel,
    field_problems,
    status_of,
    violation,
)
from checker.evidence.schema import KindSpec


class RequiredCheck(StrictModel):
    type: Literal["required"]
    fields: list[str] = Field(min_length=1, description="须填写的字段；是/否字段须为“是”")

    def problems(self, spec: KindSpec) -> list[str]:
        return field_problems(list(self.fields), spec)

    def describe(self, spec: KindSpec) -> str:
        return "须填写" + "、".join(f"“{spec.field(f).label}”" for f in self.fields if spec.has_field(f))


def _filled(name: str, spec: KindSpec) -> pl.Expr:
    if spec.field(name).type == "bool":
        return pl.col(name).fill_null(False)
    return pl.col(name).is_not_null()


def evaluate(check: RequiredCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    if frame.height == 0:
        return Outcome("not_applicable", {"records": 0})
    flags = frame.with_columns(*[(~_filled(f, spec)).alias(f"__missing_{f}") for f in check.fields])
    bad = flags.filter(pl.any_horizontal([pl.col(f"__missing_{f}") for f in check.fields]))
    violations = []
    for row in bad.iter_rows(named=True):
        missing = [spec.field(f).label for f in check.fields if row[f"__missing_{f}"]]
        violations.append(
            violation(
                record_id=row.get("id"),
                department=row.get("department"),
                file=row["_file"],
                sheet=row["_sheet"],
                row=row["_row"],
                expected="已填写" + "、".join(f"“{m}”" for m in missing),
                actual="未填写" if len(missing) == 1 else "均未填写",
                message="未填写" + "、".join(f"“{m}”" for m in missing),
            )
        )
    measured = {"records": frame.height, "incomplete": len(violations)}
    return Outcome(status_of(failed=len(violations), pending=0, decided=frame.height), measured, violations)
