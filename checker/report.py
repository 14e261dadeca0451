"""The immutable report the engine returns and every reporter renders (the JSON contract)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

STATUS_ZH = {"pass": "通过", "fail": "未通过", "pending": "待到期", "not_applicable": "不适用", "waived": "已豁免"}
STATUSES = ("fail", "pending", "pass", "not_applicable", "waived")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Violation(Frozen):
    record_id: str | None
    department: str | None
    file: str | None
    sheet: str | None = None
    row: int | None
    expected: str
    actual: str
    message: str


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


class Summary(Frozen):
    as_of: str
    year: int | None
    review_year: int
    packs: list[PackRef]
    evidence: list[EvidenceFile]
    ignored_files: list[str]
    kinds_without_evidence: list[str]
    departments: list[str]
    findings: int
    by_status: dict[str, int]
    failed_by_severity: dict[str, int]
    violations: int


class Report(Frozen):
    summary: Summary
    findings: list[Finding]

    def failing(self, min_rank: int) -> list[Finding]:
        from checker.rulepack import SEVERITY_RANK

        return [f for f in self.findings if f.status == "fail" and SEVERITY_RANK[f.severity] >= min_rank]
