"""Year-over-year comparison against an earlier `report.json` (`--baseline`, `zwgk diff`).

Stable keys: a failing finding is keyed by its rule id; a violation by rule id + record id, or,
for aggregate violations with no record (a count or ratio that fell short), rule id +
department + period. Each failing finding and violation of the new report is marked `new` or
`persisting`; what failed before and no longer does is `resolved` — but only for rules the new
run actually evaluated (a rule absent from the new run was not re-checked, so nothing about it
is claimed), and only for violations the new run could see again: when the new run is limited
to another `--year` than the old one, last year's records are outside it, so their violations
are `not_rechecked` (不在本次检查范围), never `resolved`.

Only what fails now is counted new or persisting: a rule of status `waived` and a waived
violation are in neither count (so new + persisting are exactly the report's 未通过 rules and
its violations not waived), and a violation still there, waived, is not resolved either. A waived
violation still gets its own `change` mark (whether the baseline had found it), since SARIF
requires a `baselineState` on every result once one has it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from checker.errors import UsageError
from checker.report import BaselineSummary, Report, ResolvedItem

FLAGGED = ("fail", "waived")  # statuses of rules whose violations were found (failing or waived)


def load_report_json(path: Path, role: str = "基准报告") -> dict[str, Any]:
    """A report.json to compare; `role` names it in messages (`zwgk diff`'s NEW is the 新报告)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}：找不到{role}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}：不是有效的 report.json（{exc}）") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list) or not isinstance(data.get("summary"), dict):
        raise UsageError(f"{path}：不是 zwgk 生成的 report.json（缺少 summary 或 findings）")
    return data


def violation_key(rule_id: str, v: dict[str, Any]) -> str:
    if v.get("record_id"):
        return f"{rule_id}|id:{v['record_id']}"
    return f"{rule_id}|dept:{v.get('department') or ''}|{v.get('period') or ''}"


def violation_keys(rule_id: str, violations: list[dict[str, Any]]) -> list[str]:
    """`violation_key` of each of a finding's violations (in report order), made unique: two
    violations with nothing to tell them apart (an any_of rule's failed alternatives, neither
    naming a record, department or period) get `#2`, `#3` … after the first, as they would in
    next year's report of the same rule."""
    seen: dict[str, int] = {}
    keys = []
    for v in violations:
        key = violation_key(rule_id, v)
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def _index(report: dict[str, Any]) -> tuple[set[str], set[str], set[str], set[str], dict[str, tuple[str, dict[str, Any]]]]:
    """Rules judged on evidence, rules that passed, rules failing, rules with violations found
    (failing or waived), and every violation (waived ones too) by key.

    A rule that is not_applicable (no records) was not judged, so nothing it used to fail on
    counts as resolved; a failing rule is resolved only when it now passes.
    """
    judged: set[str] = set()
    passed: set[str] = set()
    failing: set[str] = set()
    flagged: set[str] = set()
    violations: dict[str, tuple[str, dict[str, Any]]] = {}
    for finding in report["findings"]:
        rule_id = finding.get("rule_id", "")
        status = finding.get("status")
        if status in ("pass", "fail", "waived", "pending"):
            judged.add(rule_id)
        if status == "pass":
            passed.add(rule_id)
        if status == "fail":
            failing.add(rule_id)
        if status in FLAGGED:
            flagged.add(rule_id)
        found = finding.get("violations") or []  # waived ones of a rule now pending too: still there
        for key, v in zip(violation_keys(rule_id, found), found, strict=True):
            violations[key] = (rule_id, v)
    return judged, passed, failing, flagged, violations


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The change sets between two reports given as parsed JSON."""
    _, _, _, old_flagged, old_found = _index(old)
    judged, passed, failing, _, new_found = _index(new)
    old_violations = {k: item for k, item in old_found.items() if item[0] in old_flagged}
    # What fails now: violations of failing rules, not waived.
    new_violations = {k: item for k, item in new_found.items() if item[0] in failing and not item[1].get("waived")}
    new_year, old_year = new["summary"].get("year"), old["summary"].get("year")
    out_of_scope = new_year is not None and old_year != new_year
    # Across two review years no record is in both runs: a record id seen again (ledgers that
    # number from 001 every year, the annual report GB-0007 of another year) is another record,
    # so no violation persists; every old one is out of this run's scope.
    matchable = {} if out_of_scope else old_violations
    gone = sorted(k for k in set(old_violations) - set(new_found) if old_violations[k][0] in judged)
    return {
        "findings": {
            "new": sorted(failing - old_flagged),
            "persisting": sorted(failing & old_flagged),
            "resolved": sorted(old_flagged & passed),
            # failed before, not judged now (no records in scope, or not in the run): neither
            # resolved nor persisting, but said, so that the counts add up
            "not_rechecked": sorted(old_flagged - judged),
        },
        "violations": {
            "new": sorted(set(new_violations) - set(matchable)),
            "persisting": sorted(set(new_violations) & set(matchable)),
            "resolved": [] if out_of_scope else gone,
            "not_rechecked": sorted(old_violations) if out_of_scope else [],
        },
        "old_violations": old_violations,
        "matchable": matchable,
        "new_violations": new_violations,
    }


def apply_baseline(report: Report, old: dict[str, Any]) -> Report:
    changes = compare(old, json.loads(report.model_dump_json()))
    new_findings, matchable = set(changes["findings"]["new"]), changes["matchable"]
    findings = []
    for finding in report.findings:
        if finding.status not in FLAGGED:
            findings.append(finding)
            continue
        keys = violation_keys(finding.rule_id, [dataclasses.asdict(v) for v in finding.violations])
        violations = [
            dataclasses.replace(v, change="persisting" if key in matchable else "new") for key, v in zip(keys, finding.violations, strict=True)
        ]
        # A waived rule is not failing: neither new nor persisting.
        change = None if finding.status != "fail" else "new" if finding.rule_id in new_findings else "persisting"
        findings.append(finding.model_copy(update={"violations": violations, "change": change}))
    resolved_items = []
    for key in changes["violations"]["resolved"]:
        rule_id, v = changes["old_violations"][key]
        resolved_items.append(ResolvedItem(rule_id=rule_id, record_id=v.get("record_id"), department=v.get("department"), message=str(v.get("message", ""))))
    old_summary = old["summary"]
    baseline = BaselineSummary(
        as_of=str(old_summary.get("as_of", "")),
        review_year=int(old_summary.get("review_year") or 0),
        findings={k: len(v) for k, v in changes["findings"].items()},
        violations={k: len(v) for k, v in changes["violations"].items()},
        resolved_findings=changes["findings"]["resolved"],
        resolved_violations=resolved_items,
    )
    return report.model_copy(update={"findings": findings, "summary": report.summary.model_copy(update={"baseline": baseline})})


def diff_text(old: dict[str, Any], new: dict[str, Any], *, limit: int = 50) -> str:
    """`zwgk diff`: the same change sets as --baseline, as Chinese text."""
    changes = compare(old, new)
    o, n = old["summary"], new["summary"]
    lines = [f"基准：{o.get('review_year')} 年度（基准日 {o.get('as_of')}） → 本次：{n.get('review_year')} 年度（基准日 {n.get('as_of')}）"]
    labels = {"new": "新增", "persisting": "持续", "resolved": "已整改"}
    counts = "，".join(f"{labels[k]} {len(v)}" for k, v in changes["findings"].items() if k != "not_rechecked")
    lines.append(f"未通过的规则：{counts}")
    if changes["findings"]["not_rechecked"]:
        lines.append(
            f"另有基准报告中未通过的规则 {len(changes['findings']['not_rechecked'])} 条本次没有检查（没有适用的记录或不在本次规则包中），"
            f"既不算持续也不算已整改：{'、'.join(changes['findings']['not_rechecked'][:limit])}"
        )
    counts = "，".join(f"{labels[k]} {len(v)}" for k, v in changes["violations"].items() if k != "not_rechecked")
    lines.append(f"违规记录：{counts}")
    if changes["violations"]["not_rechecked"]:
        lines.append(
            f"另有基准报告的违规记录 {len(changes['violations']['not_rechecked'])} 条属于 {o.get('year')} 年度，"
            f"不在本次（{n.get('year')} 年度）检查范围，既不算持续也不算已整改"
        )
    for kind in ("new", "persisting", "resolved"):
        rules = changes["findings"][kind]
        if rules:
            lines.append(f"{labels[kind]}未通过的规则：")
            lines.extend(f"  {r}" for r in rules[:limit])
            if len(rules) > limit:
                lines.append(f"  …共 {len(rules)} 条")
    for kind, source in (("new", "new_violations"), ("resolved", "old_violations")):
        keys = changes["violations"][kind]
        if keys:
            lines.append(f"{labels[kind]}违规记录：")
            lines.extend(f"  {_violation_text(*changes[source][k])}" for k in keys[:limit])
            if len(keys) > limit:
                lines.append(f"  …共 {len(keys)} 条")
    return "\n".join(lines) + "\n"


def _violation_text(rule_id: str, v: dict[str, Any]) -> str:
    who = f"记录 {v['record_id']}" if v.get("record_id") else (f"部门 {v['department']}" if v.get("department") else "整体")
    period = f" {v['period']}" if v.get("period") else ""
    return f"{rule_id} {who}{period}：{v.get('message', '')}"
