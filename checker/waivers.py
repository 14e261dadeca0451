"""Waivers (豁免): approved exceptions that keep a violation visible but out of the gate.

A waiver file is a YAML list::

    - rule: songjiang-psb-2022/consultation-reply-1wd
      records: [ZX2022-0003]          # optional: only these record ids (or record: one id)
      department: 指挥处               # optional: only this department's violations
      reason: 平台故障，留言无法调取
      approved_by: 区政务公开办
      document: 松公开〔2023〕3号       # optional: 批准文号
      expires: 2023-06-30

DESIGN.md's fields (rule, optional record or department, reason, approved_by, expires) are
enough; `records` (several ids) and `document` (the approval's reference number, shown with
the reason) are optional additions.

Matching violations are marked 已豁免 with the reason and stay in every report; a finding
whose violations are all waived has status `waived` and never fails the gate. A waiver whose
`expires` is before the as-of date is not applied and is itself reported, as is a waiver that
matched nothing (both as `waivers/...` findings of severity minor, located at the waiver's
line in the waivers file).

Such a finding's id comes from what the waiver covers, not from its place in the file:
`waivers/<rule>/<record>-expired` for a waiver of one record, `waivers/<rule>/all-unused` for a
whole rule, `waivers/<rule>/#<hash>-…` (a short hash of the record ids and department) otherwise.
Reordering the file therefore keeps every id, and `zwgk diff` / `--baseline` do not report an
unchanged waiver as 新增.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from checker.checks.base import StrictModel
from checker.errors import RuleError
from checker.report import Finding, Report, SourceRef, Violation
from checker.rulepack import validation_messages
from checker.yamlio import LineMap, PathKey, load_yaml_with_lines


class Waiver(StrictModel):
    rule: str = Field(min_length=1)
    records: list[str] = []
    record: str | None = Field(default=None, min_length=1)
    department: str | None = None
    reason: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    document: str | None = Field(default=None, min_length=1)
    expires: dt.date
    # Where the waiver was written (set by `load_waivers`): its own findings point there.
    _file: str | None = PrivateAttr(default=None)
    _line: int | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one_record_field(self) -> Waiver:
        if self.record is not None and self.records:
            raise ValueError("record 和 records 只能写一个（一条记录写 record，多条写 records 列表）")
        return self

    @property
    def record_ids(self) -> list[str]:
        return [self.record] if self.record is not None else self.records

    def matches(self, v: Violation) -> bool:
        if self.record_ids and v.record_id not in self.record_ids:
            return False
        return not (self.department and v.department != self.department)

    def label(self) -> str:
        scope = "、".join(self.record_ids) if self.record_ids else (self.department or "全部违规")
        return f"{self.rule}（{scope}）"

    def note(self) -> str:
        approval = f"{self.approved_by}，{self.document}" if self.document else self.approved_by
        return f"已豁免：{self.reason}（{approval}，有效期至 {self.expires.isoformat()}）"


class WaiverFile(StrictModel):
    waivers: list[Waiver]


def load_waivers(path: Path) -> list[Waiver]:
    data, lines = load_yaml_with_lines(path, error=RuleError)
    if data is None:
        return []
    if not isinstance(data, list):
        raise RuleError(f"{path}:1：豁免文件应为列表，每项一条豁免（rule、reason、approved_by、expires，可选 record/records、department、document）")
    try:
        waivers = WaiverFile.model_validate({"waivers": data}).waivers
    except ValidationError as exc:
        messages = validation_messages(exc, str(path), _Shifted(lines), {"waivers": data})
        raise RuleError([m.replace("：waivers[", "：豁免[", 1) for m in messages]) from None
    shown = shown_path(path)
    for index, waiver in enumerate(waivers):
        waiver._file, waiver._line = shown, lines.line_of((index,))
    return waivers


def shown_path(path: Path) -> str:
    """The waivers file as reports name it: the path as given, relative to the working folder
    when an absolute path lies inside it (a checkout's absolute path differs between machines)."""
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            return str(path.relative_to(Path.cwd()))
    return str(path)


class _Shifted(LineMap):
    """Line look-ups for a list wrapped as {"waivers": [...]} during validation."""

    def __init__(self, lines: LineMap) -> None:
        self._inner = lines

    def line_of(self, loc: PathKey) -> int | None:
        return self._inner.line_of(tuple(loc[1:]) if loc and loc[0] == "waivers" else tuple(loc))


def apply_waivers(report: Report, waivers: list[Waiver], *, as_of: dt.date, known_rules: set[str]) -> Report:
    unknown = [w for w in waivers if w.rule not in known_rules and w.rule.split("/", 1)[0] in {r.split("/", 1)[0] for r in known_rules}]
    if unknown:
        raise RuleError([f"豁免针对的规则 {w.rule} 不存在（用 zwgk rules list 查看规则编号）" for w in unknown])
    active = [w for w in waivers if w.expires >= as_of]
    used: set[int] = set()
    findings: list[Finding] = []
    for finding in report.findings:
        if not finding.violations:
            findings.append(finding)
            continue
        new_violations = []
        for v in finding.violations:
            hit = next((i for i, w in enumerate(active) if w.rule == finding.rule_id and w.matches(v)), None)
            if hit is None:
                new_violations.append(v)
                continue
            used.add(id(active[hit]))
            new_violations.append(dataclasses.replace(v, waived=True, waiver=active[hit].note()))
        status = finding.status
        if status == "fail" and all(v.waived for v in new_violations):
            # Nothing left failing; records still waiting for their deadline keep it 待到期.
            waiting = finding.measured.get("pending") or finding.measured.get("no_trigger")
            status = "pending" if waiting else "waived"
        findings.append(finding.model_copy(update={"violations": new_violations, "status": status}))
    findings.extend(_waiver_findings(waivers, used, as_of, known_rules))
    findings.sort(key=lambda f: (f.pack, f.rule_id))
    return _recount(report, findings)


def _scope_key(w: Waiver) -> str:
    """What a waiver covers, for its findings' ids: its one record id, `all` for a whole rule,
    or a short hash of its (sorted) record ids and department."""
    if len(w.record_ids) == 1 and not w.department:
        return w.record_ids[0]
    if not w.record_ids and not w.department:
        return "all"
    scope = json.dumps([sorted(w.record_ids), w.department], ensure_ascii=False)
    return "#" + hashlib.sha256(scope.encode("utf-8")).hexdigest()[:8]


def _waiver_findings(waivers: list[Waiver], used: set[int], as_of: dt.date, known_rules: set[str]) -> list[Finding]:
    out = []
    taken: set[str] = set()
    for w in waivers:
        if w.expires < as_of:
            problem, message = "expired", f"豁免已于 {w.expires.isoformat()} 到期，相关违规不再豁免；如仍需豁免请重新审批"
        elif id(w) not in used:
            why = "所属规则包未参与本次检查" if w.rule not in known_rules else "没有匹配到任何违规记录"
            problem, message = "unused", f"豁免未被使用（{why}），请确认是否仍需保留"
        else:
            continue
        # Two waivers covering the same records alike are told apart by their order only.
        rule_id = base = f"waivers/{w.rule}/{_scope_key(w)}-{problem}"
        n = 1
        while rule_id in taken:
            n += 1
            rule_id = f"{base}-{n}"
        taken.add(rule_id)
        out.append(
            Finding(
                rule_id=rule_id,
                pack="waivers",
                title=f"{'豁免已过期' if problem == 'expired' else '豁免未使用'}：{w.label()}",
                severity="minor",
                kind="waiver",
                status="fail",
                requirement="豁免须在有效期内且对应实际存在的违规",
                source=SourceRef(file=w._file or "豁免文件", clause=w.document or f"{w.approved_by}批准", quote=w.reason),
                measured={"rule": w.rule, "expires": w.expires.isoformat(), "problem": problem},
                violations=[
                    Violation(
                        record_id=None,
                        department=w.department,
                        file=w._file,
                        row=w._line,
                        expected="有效且被使用的豁免",
                        actual="已过期" if problem == "expired" else "未使用",
                        message=message,
                    )
                ],
            )
        )
    return out


def _recount(report: Report, findings: list[Finding]) -> Report:
    from checker.engine import count_findings

    by_status, failed = count_findings(findings)
    summary = report.summary.model_copy(
        update={
            "findings": len(findings),
            "by_status": by_status,
            "failed_by_severity": failed,
            "violations": sum(len(f.violations) for f in findings),
            "waived_violations": sum(1 for f in findings for v in f.violations if v.waived),
        }
    )
    return report.model_copy(update={"findings": findings, "summary": summary})
