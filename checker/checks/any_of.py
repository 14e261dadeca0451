"""`any_of`: passes when any one of its sub-checks passes.

What it does
    Evaluates every sub-check in ``checks`` on its own records: a sub-check carries its own
    ``where`` and, when it reads another ledger than the rule's, its own ``kind`` (scoped to
    the review year like the rule's own records). A sub-check without ``kind`` reads the
    rule's records, the rule's ``where`` already applied. ``label`` names the alternative in
    messages (default: its ``where`` in words).

Statuses
    pass: at least one sub-check passes. pending: none passes yet, but one is still pending
    (it may pass before its window closes). fail: none passes and none is pending; the
    violations of every sub-check are listed, each prefixed by its label.
    not_applicable: every sub-check is not applicable.

Example (PASS / FAIL)::

    kind: activity
    check:
      type: any_of
      checks:
        - {label: 政府开放日, where: {type: open_day}, check: {type: count, date: date, min: 3, by: "09-30"}}
        - {label: 政府开放周, where: {type: open_week}, check: {type: count, date: date, min: 1, by: "09-30"}}
    PASS  2020: no open day, one open week on 2020-08-10
    FAIL  2020, as of 2021-01-10: two open days, no open week
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import polars as pl
from pydantic import Field

from checker.checks.base import (
    EvalContext,
    Outcome,
    StrictModel,
    Where,
    check_scope,
    spans_years,
    status_of,
    where_expr,
    where_problems,
    where_text,
)
from checker.evidence.schema import KINDS, KindSpec

if TYPE_CHECKING:
    from checker.checks import Check

KindName = Literal["consultation", "foi_request", "policy_document", "interpretation", "decision", "emergency", "activity", "publication", "task", "fact"]


class SubCheck(StrictModel):
    """One alternative of an `any_of` check."""

    label: str | None = Field(default=None, min_length=1, description="该选项在报告中的名称，如 政府开放日")
    kind: KindName | None = Field(default=None, description="该选项检查的台账类型；不写则为规则本身的台账（已应用规则的 where）")
    where: Where = Field(default={}, description="该选项的筛选条件")
    check: Check = Field(description="该选项的检查（任一检查类型）")

    def spec(self, rule_spec: KindSpec) -> KindSpec:
        return KINDS[self.kind] if self.kind else rule_spec

    def name(self, rule_spec: KindSpec, i: int) -> str:
        return self.label or where_text(self.where, self.spec(rule_spec)) or f"第{i + 1}项"


class AnyOfCheck(StrictModel):
    type: Literal["any_of"]
    checks: list[SubCheck] = Field(min_length=2, description="两个或更多选项，任一通过即通过")

    def problems(self, spec: KindSpec) -> list[str]:
        out = []
        for i, sub in enumerate(self.checks):
            sub_spec = sub.spec(spec)
            out += [f"any_of 第{i + 1}项：{p}" for p in where_problems(sub.where, sub_spec) + sub.check.problems(sub_spec)]
        return out

    def describe(self, spec: KindSpec) -> str:
        parts = [f"{sub.name(spec, i)}：{sub.check.describe(sub.spec(spec))}" for i, sub in enumerate(self.checks)]
        return "以下任一项达到即可：" + "；或".join(parts)


def evaluate(check: AnyOfCheck, frame: pl.DataFrame, ctx: EvalContext, spec: KindSpec) -> Outcome:
    outcomes = [(sub.name(spec, i), _evaluate_sub(sub, frame, ctx, spec)) for i, sub in enumerate(check.checks)]
    statuses = {outcome.status for _, outcome in outcomes}
    measured: dict[str, Any] = {name: {**outcome.measured, "status": outcome.status} for name, outcome in outcomes}
    if "pass" in statuses:
        return Outcome("pass", measured)
    if "pending" in statuses:
        return Outcome("pending", measured)
    violations = [{**v, "message": f"（{name}）{v['message']}"} for name, outcome in outcomes for v in outcome.violations]
    failed = sum(outcome.status == "fail" for _, outcome in outcomes)
    return Outcome(status_of(failed=failed, pending=0, decided=0), measured, violations)


def _evaluate_sub(sub: SubCheck, frame: pl.DataFrame, ctx: EvalContext, rule_spec: KindSpec) -> Outcome:
    from checker.checks import EVALUATORS  # the registry imports this module

    sub_spec = sub.spec(rule_spec)
    if sub.kind is not None and sub.kind != rule_spec.name:
        if sub.kind not in ctx.evidence.frames:
            return Outcome("not_applicable", {"evidence_provided": False})
        frame = check_scope(sub.check, ctx.evidence.frame(sub.kind), sub_spec, ctx.year)
    elif spans_years(sub.check) and ctx.unscoped is not None:
        frame = ctx.unscoped  # (a weekly alternative: its first week may begin in December)
    if sub.where:
        frame = frame.filter(where_expr(sub.where))
    outcome: Outcome = EVALUATORS[sub.check.type](sub.check, frame, ctx, sub_spec)
    return outcome
