"""The immutable report the engine returns and every reporter renders (the JSON contract)."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel, ConfigDict

STATUS_ZH = {"pass": "通过", "fail": "未通过", "pending": "待到期", "not_applicable": "不适用", "waived": "已豁免"}
STATUSES = ("fail", "pending", "pass", "not_applicable", "waived")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """One record (or window) that failed a rule. A plain frozen dataclass, not a pydantic model:
    a city's year yields hundreds of thousands of them, built by the checks with the right
    types, and pydantic's per-instance validation cost more than everything else done with
    them (pydantic serialises them in report.json exactly as a model, field by field in this
    order). `dataclasses.replace` and `dataclasses.asdict` stand in for model_copy / model_dump."""

    record_id: str | None
    department: str | None
    file: str | None
    sheet: str | None = None
    row: int | None
    expected: str
    actual: str
    message: str
    period: str | None = None  # for aggregate violations: the window that fell short (e.g. 第2季度)
    waived: bool = False
    waiver: str | None = None  # the waiver's reason, approver and document number
    change: str | None = None  # against --baseline: new | persisting


class SourceRef(Frozen):
    file: str
    clause: str
    quote: str


class Finding(Frozen):
    rule_id: str
    pack: str
    title: str
    severity: str
    kind: str
    status: str
    requirement: str
    source: SourceRef
    measured: dict[str, Any]
    violations: list[Violation]
    change: str | None = None  # against --baseline: new | persisting (failing now) or None


class EvidenceFile(Frozen):
    file: str
    sheet: str | None
    kind: str
    rows: int
    encoding: str | None


class PackRef(Frozen):
    id: str
    title: str
    rules: int
    not_checkable: int


class ResolvedItem(Frozen):
    rule_id: str
    record_id: str | None
    department: str | None
    message: str


class BaselineSummary(Frozen):
    """What changed since the baseline review (`--baseline OLD/report.json`)."""

    as_of: str
    review_year: int
    findings: dict[str, int]  # new / persisting / resolved failing findings
    violations: dict[str, int]  # new / persisting / resolved violations
    resolved_findings: list[str]
    resolved_violations: list[ResolvedItem]


class Summary(Frozen):
    as_of: str
    year: int | None
    review_year: int
    packs: list[PackRef]
    evidence: list[EvidenceFile]
    ignored_files: list[str]
    kinds_without_evidence: list[str]
    # Evidence no rule could examine, in Chinese: a where-column blank in every record (the
    # rules it scopes show 不适用), tasks of a plan no loaded pack checks.
    unchecked: list[str] = []
    departments: list[str]
    findings: int
    by_status: dict[str, int]
    failed_by_severity: dict[str, int]
    violations: int
    waived_violations: int = 0
    baseline: BaselineSummary | None = None


class Report(Frozen):
    summary: Summary
    findings: list[Finding]

    def failing(self, min_rank: int) -> list[Finding]:
        from checker.rulepack import SEVERITY_RANK

        return [f for f in self.findings if f.status == "fail" and SEVERITY_RANK[f.severity] >= min_rank]
