"""Rules × evidence → an immutable `Report`. The engine never formats and never prints."""

from __future__ import annotations

import datetime as dt

import polars as pl

from checker.calendar import WorkCalendar
from checker.checks import EVALUATORS, kinds_read
from checker.checks.base import EvalContext, Outcome, where_expr, year_scope
from checker.evidence.load import EvidenceSet
from checker.evidence.schema import KINDS
from checker.progress import NO_PROGRESS, Progress
from checker.report import EvidenceFile, Finding, PackRef, Report, SourceRef, Summary, Violation
from checker.rulepack import Rule, RulePack


def run_check(
    evidence: EvidenceSet,
    packs: list[RulePack],
    *,
    as_of: dt.date,
    year: int | None,
    calendar: WorkCalendar,
    progress: Progress = NO_PROGRESS,
) -> Report:
    departments = tuple(evidence.departments())
    ctx = EvalContext(as_of=as_of, year=year, calendar=calendar, evidence=evidence, departments=departments)
    scoped: dict[str, pl.DataFrame] = {}
    rules = [(pack, rule) for pack in packs for rule in pack.rules]
    findings = []
    for n, (pack, rule) in enumerate(rules, start=1):
        progress.stage("检查规则", rule.id, n, len(rules))
        findings.append(_finding(pack, rule, evaluate_rule(rule, ctx, scoped)))
    findings.sort(key=lambda f: (f.pack, f.rule_id))
    return Report(summary=_summary(evidence, packs, findings, as_of, year, departments), findings=findings)


def evaluate_rule(rule: Rule, ctx: EvalContext, scoped: dict[str, pl.DataFrame] | None = None) -> Outcome:
    """One rule against the evidence; `scoped` caches each kind's year-filtered frame."""
    evidence = ctx.evidence
    if ctx.year is not None and not rule.in_force(ctx.year):
        # effective_from / effective_to put the whole --year outside the rule's life. Without
        # --year every record is in scope and each is judged by the dates (`_rule_scope`).
        return Outcome("not_applicable", {"in_force": False})
    if rule.kind not in evidence.frames:
        # No ledger of this kind was handed in: nothing can be concluded either way.
        # The summary lists such kinds so a reviewer sees what was not examined.
        return Outcome("not_applicable", {"evidence_provided": False})
    scoped = {} if scoped is None else scoped
    if rule.kind not in scoped:
        scoped[rule.kind] = year_scope(evidence.frame(rule.kind), KINDS[rule.kind], ctx.year)
    frame = _rule_scope(scoped[rule.kind], rule)
    return EVALUATORS[rule.check.type](rule.check, frame, ctx, KINDS[rule.kind])


def _rule_scope(frame: pl.DataFrame, rule: Rule) -> pl.DataFrame:
    field = KINDS[rule.kind].period_field
    if field is not None and KINDS[rule.kind].field(field).type in ("date", "datetime"):
        day = pl.col(field).cast(pl.Date)
        if rule.effective_from:
            frame = frame.filter(day >= rule.effective_from)
        if rule.effective_to:
            frame = frame.filter(day <= rule.effective_to)
    return frame.filter(where_expr(rule.where)) if rule.where else frame


def _sort_key(v: dict) -> tuple:  # type: ignore[type-arg]
    return (v["file"] or "", v["sheet"] or "", v["row"] or 0, v["record_id"] or "", v["department"] or "", v["message"])


def _finding(pack: RulePack, rule: Rule, outcome: Outcome) -> Finding:
    violations = [Violation(**v) for v in sorted(outcome.violations, key=_sort_key)]  # sorted as plain dicts: cheaper
    return Finding(
        rule_id=rule.id,
        pack=pack.id,
        title=rule.title,
        severity=rule.severity,
        kind=rule.kind,
        status=outcome.status,
        requirement=rule.requirement_text(),
        source=SourceRef(**rule.source.model_dump()),
        measured=outcome.measured,
        violations=violations,
    )


def count_findings(findings: list[Finding]) -> tuple[dict[str, int], dict[str, int]]:
    """Findings by status, and failing findings by severity."""
    by_status = {s: 0 for s in ("fail", "pending", "pass", "not_applicable", "waived")}
    failed = {"critical": 0, "major": 0, "minor": 0}
    for f in findings:
        by_status[f.status] += 1
        if f.status == "fail":
            failed[f.severity] += 1
    return by_status, failed


def _summary(
    evidence: EvidenceSet, packs: list[RulePack], findings: list[Finding], as_of: dt.date, year: int | None, departments: tuple[str, ...]
) -> Summary:
    by_status, failed = count_findings(findings)
    files = sorted(
        (EvidenceFile(file=f.file, sheet=f.sheet, kind=f.kind, rows=f.rows, encoding=f.encoding) for f in evidence.files),
        key=lambda e: (e.file, e.sheet or ""),
    )
    return Summary(
        as_of=as_of.isoformat(),
        year=year,
        review_year=year if year is not None else as_of.year,
        packs=[PackRef(id=p.id, title=p.pack.title, rules=len(p.rules), not_checkable=len(p.not_checkable)) for p in packs],
        evidence=files,
        ignored_files=sorted(evidence.ignored),
        kinds_without_evidence=sorted(set().union(*(kinds_read(r.check, r.kind) for p in packs for r in p.rules)) - set(evidence.frames)),
        departments=list(departments),
        findings=len(findings),
        by_status=by_status,
        failed_by_severity=failed,
        violations=sum(len(f.violations) for f in findings),
    )
