"""Rules × evidence → an immutable `Report`. The engine never formats and never prints."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import polars as pl

from checker.calendar import WorkCalendar
from checker.checks import EVALUATORS, kinds_read
from checker.checks.base import Condition, EvalContext, Outcome, spans_years, where_expr, year_scope
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
    blank: dict[tuple[str, str], list[str]] = {}  # (kind, field) → rules left without records by it
    for n, (pack, rule) in enumerate(rules, start=1):
        progress.stage("检查规则", rule.id, n, len(rules))
        outcome = evaluate_rule(rule, ctx, scoped)
        if outcome.status == "not_applicable" and outcome.measured.get("in_force") is not False:
            for field in _blank_where_fields(rule, scoped.get(rule.kind)):
                blank.setdefault((rule.kind, field), []).append(rule.id)
        findings.append(_finding(pack, rule, outcome))
    findings.sort(key=lambda f: (f.pack, f.rule_id))
    unchecked = [_blank_field_note(kind, field, ids, scoped[kind].height) for (kind, field), ids in sorted(blank.items())]
    for kind, check_type, unread in (("fact", "threshold", _unread_indicators), ("task", "task_due", _unmatched_tasks)):
        if kind in evidence.frames:
            if kind not in scoped:  # (no rule of the kind ran)
                scoped[kind] = year_scope(evidence.frame(kind), KINDS[kind], year)
            unchecked += unread(scoped[kind], [rule for _, rule in rules if rule.check.type == check_type])
    return Report(summary=_summary(evidence, packs, findings, as_of, year, departments, unchecked), findings=findings)


def _blank_where_fields(rule: Rule, frame: pl.DataFrame | None) -> list[str]:
    """The fields a rule's where-filter asks to equal a value that are blank (or absent) in every
    record of its ledger in scope: the rule found no records because nobody filled the column
    (涉及群众切身利益 left out), not because none qualifies, and the report must say so."""
    if frame is None or frame.height == 0:
        return []
    return [name for name, value in rule.where.items() if not isinstance(value, Condition) and frame.get_column(name).null_count() == frame.height]


def _blank_field_note(kind: str, field: str, rule_ids: list[str], records: int) -> str:
    spec = KINDS[kind]
    return (
        f"{spec.label}的“{spec.field(field).label}”列（{field}）在 {records} 条记录中都为空或没有这一列，"
        f"据此确定适用范围的 {len(rule_ids)} 条规则（{'、'.join(rule_ids)}）因此没有可检查的记录、显示为不适用；请补填该列后重新检查"
    )


def _unread_indicators(frame: pl.DataFrame, rules: list[Rule]) -> list[str]:
    """Fact rows whose 指标 is written in Chinese and no loaded threshold rule reads it
    (绩效考核权重 for 政务公开绩效考核权重, a 合计 row): a department's 2 % would otherwise pass
    unseen. Indicators written as codes (open_dataset_count) are kept deliberately, for other
    uses, and are not named."""
    if frame.height == 0:
        return []
    read = {rule.check.key for rule in rules}  # type: ignore[union-attr]
    left = frame.filter(~pl.col("key").is_in(sorted(read)) & pl.col("key").str.contains(r"[\u4e00-\u9fff]"))
    if left.height == 0:
        return []
    known = "、".join(dict.fromkeys(rule.check.key_text() for rule in sorted(rules, key=lambda r: r.id))) or "无"  # type: ignore[union-attr]
    keys = left.group_by("key", maintain_order=True).agg(pl.len().alias("n"), pl.col("_file").unique().sort().alias("files")).sort("key")
    return [
        f"{'、'.join(files)}：指标“{key}”的 {n} 条记录没有规则检查，未检查（已加载的规则检查的指标：{known}）；若是同一指标的其他写法，请改为规则中的指标名称"
        for key, n, files in keys.iter_rows()
    ]


def _unmatched_tasks(frame: pl.DataFrame, rules: list[Rule]) -> list[str]:
    """Task rows no loaded task_due rule selects (their 任务分解表 is not any pack's plan): no rule
    judges them, and a silent gap would read as 'all tasks done'."""
    if frame.height == 0:
        return []
    selected = pl.lit(False)
    for rule in rules:
        selected = selected | (where_expr(rule.where) if rule.where else pl.lit(True))
    left = frame.filter(~selected)
    if left.height == 0:
        return []
    plans = left.group_by("plan", maintain_order=True).agg(pl.len().alias("n"), pl.col("_file").unique().sort().alias("files")).sort("plan", nulls_last=True)
    return [
        f"{'、'.join(files)}：{n} 项任务属于任务分解表“{plan or '（未填写）'}”，已加载的规则包中没有检查该分解表的任务规则，未检查；"
        "请用 --rules 指定该分解表的规则包，或用 zwgk draft 根据分解表生成规则包"
        for plan, n, files in plans.iter_rows()
    ]


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
    # (A weekly rule reads the whole ledger: its first and last weeks reach into the years around.)
    frame = _rule_scope(evidence.frame(rule.kind) if spans_years(rule.check) else scoped[rule.kind], rule)
    if rule.check.type == "any_of" and any(spans_years(sub.check) and sub.kind in (None, rule.kind) for sub in rule.check.checks):
        ctx = dataclasses.replace(ctx, unscoped=_rule_scope(evidence.frame(rule.kind), rule))
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


_DIGITS = re.compile(r"(\d+)")


def _natural(period: str | None) -> tuple:  # type: ignore[type-arg]
    """A window label's numbers compared as numbers: `2022年第2周` before `2022年第10周`, `2022年9月`
    before `2022年10月` (as text, 第10周 sorted before 第1周). Text parts stay at even positions and
    numbers at odd ones, so two keys always compare like with like."""
    if not period:
        return ()
    return tuple(int(part) if i % 2 else part for i, part in enumerate(_DIGITS.split(period)))


def _sort_key(v: dict) -> tuple:  # type: ignore[type-arg]
    # The period before the message: aggregate violations of one department follow their windows'
    # order. Record-level violations have no period, and ISO-dated periods order alike either way.
    return (v["file"] or "", v["sheet"] or "", v["row"] or 0, v["record_id"] or "", v["department"] or "", _natural(v["period"]), v["message"])


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
    evidence: EvidenceSet,
    packs: list[RulePack],
    findings: list[Finding],
    as_of: dt.date,
    year: int | None,
    departments: tuple[str, ...],
    unchecked: list[str] | None = None,
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
        unchecked=unchecked or [],
        departments=list(departments),
        findings=len(findings),
        by_status=by_status,
        failed_by_severity=failed,
        violations=sum(len(f.violations) for f in findings),
    )
