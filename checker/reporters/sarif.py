"""`report.sarif`: SARIF 2.1.0 for code-scanning tools, one result per violation.

- `tool.driver.rules`: every rule that ran, with its Chinese title, requirement, severity,
  and its source (file, clause, quoted words) in `help` and `properties`.
- `results`: each violation of a failing or waived rule, located at its evidence file
  (`artifactLocation.uri`, relative to the evidence folder, `uriBaseId` `EVIDENCE`) and row
  (`region.startLine`; for a workbook the sheet is named in the location's message). The row is
  the one every report names, as Excel numbers it: in a CSV file whose cells hold line breaks it
  is not the text line an editor shows (a known limit: the loader does not track text lines). A waived
  violation carries a `suppressions` entry with the waiver; against `--baseline`,
  `baselineState` is `new` or `unchanged`.
- `level` follows the rule's severity: critical and major → error, minor → warning.
- `partialFingerprints` use the baseline's stable violation key, so a viewer can track a
  violation from one review to the next.
- An expired or unused waiver (a `waivers/...` finding) is located at its line in the waivers
  file, which is not inside the evidence folder: its URI is the path as the report names it
  (relative to the working folder, or a `file:` URI when absolute), with no `uriBaseId`.

Identical input gives identical bytes (no timestamps; the review date is in the invocation's
properties).
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from checker.baseline import violation_keys
from checker.report import STATUS_ZH, Finding, Report, Violation
from checker.reporters.wording import (
    SEVERITY_ZH,
    kind_label,
    measured_headline,
    quote_label,
    tool_version,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"critical": "error", "major": "error", "minor": "warning"}
BASELINE_STATE = {"new": "new", "persisting": "unchanged"}
BASE_ID = "EVIDENCE"
_PLACEHOLDER = "\u0000results\u0000"


def render(report: Report) -> str:
    s = report.summary
    index = {f.rule_id: i for i, f in enumerate(report.findings)}
    results = [result for f in report.findings for result in _results(f, index[f.rule_id])]
    if any("suppressions" in r for r in results):
        # SARIF: suppressions on all results of a run or on none; [] says "evaluated, not suppressed".
        for r in results:
            r.setdefault("suppressions", [])
    version = tool_version() or "0"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "zwgk-checker",
                "fullName": "zwgk-checker 政务公开合规检查",
                "version": version,
                "semanticVersion": version,
                "language": "zh-CN",
                "rules": [_rule(f) for f in report.findings],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "properties": {"as_of": s.as_of, "review_year": s.review_year, "year": s.year},
            }
        ],
        "originalUriBaseIds": {BASE_ID: {"description": {"text": "台账目录（zwgk check 的 EVIDENCE 参数）"}}},
        "artifacts": _artifacts(report),
        "language": "zh-CN",
        "results": results,
        "properties": {
            "packs": [p.id for p in s.packs],
            "by_status": s.by_status,
            "failed_by_severity": s.failed_by_severity,
            "violations": s.violations,
            "waived_violations": s.waived_violations,
            "kinds_without_evidence": s.kinds_without_evidence,
            "unchecked": s.unchecked,
        },
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    # One result per line: readable in a diff, and the C encoder keeps 100k results fast
    # (json.dumps with indent falls back to the pure-Python encoder).
    run["results"] = _PLACEHOLDER
    head, tail = json.dumps(log, ensure_ascii=False, indent=2).split(json.dumps(_PLACEHOLDER))
    lines = ",\n        ".join(json.dumps(r, ensure_ascii=False) for r in results)
    return head + (f"[\n        {lines}\n      ]" if results else "[]") + tail + "\n"


@lru_cache(maxsize=1024)
def _uri(file: str) -> str:
    """A relative URI reference: forward slashes, non-ASCII percent-encoded (RFC 3986)."""
    return quote(file.replace("\\", "/"), safe="/")


def _rule(f: Finding) -> dict[str, Any]:
    src = f.source
    help_text = f"检查要求：{f.requirement}\n依据：{src.clause}（{src.file}）\n{quote_label(src.quote, f.pack)}：“{src.quote}”"
    label = quote_label(src.quote, f.pack)
    help_md = f"**检查要求**：{f.requirement}\n\n**依据**：{src.clause}（`{src.file}`）" + ("" if label == "原文" else f"，{label}") + f"\n\n> {src.quote}"
    return {
        "id": f.rule_id,
        "shortDescription": {"text": f.title},
        "fullDescription": {"text": f.requirement},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": LEVEL[f.severity]},
        "properties": {
            "title": f.title,
            "pack": f.pack,
            "severity": f.severity,
            "severity_zh": SEVERITY_ZH[f.severity],
            "kind": f.kind,
            "kind_zh": kind_label(f.kind),
            "status": f.status,
            "status_zh": STATUS_ZH[f.status],
            "measured": f.measured,
            "source": {"file": src.file, "clause": src.clause, "quote": src.quote},
            "tags": [f.pack, f.kind, f.severity],
        },
    }


def _artifacts(report: Report) -> list[dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for e in report.summary.evidence:
        entry = files.setdefault(
            e.file,
            {"location": {"uri": _uri(e.file), "uriBaseId": BASE_ID}, "roles": ["analysisTarget"], "properties": {"kinds": [], "rows": 0}},
        )
        if e.encoding:  # an IANA charset name (UTF-8, UTF-16, GBK, GB18030); a BOM is a property
            entry["encoding"] = e.encoding.removesuffix(" (BOM)")
            if e.encoding.endswith(" (BOM)"):
                entry["properties"]["bom"] = True
        entry["properties"]["kinds"].append(e.kind if e.sheet is None else f"{e.kind}（{e.sheet}）")
        entry["properties"]["rows"] += e.rows
    return list(files.values())


def _results(f: Finding, rule_index: int) -> list[dict[str, Any]]:
    if f.status not in ("fail", "waived"):
        return []
    if not f.violations:  # a failing rule with nothing to point at still needs to be seen
        return [{"ruleId": f.rule_id, "ruleIndex": rule_index, "level": LEVEL[f.severity], "message": {"text": f"{f.title}：{measured_headline(f.measured)}"}}]
    keys = violation_keys(f.rule_id, [dataclasses.asdict(v) for v in f.violations])
    return [_result(f, rule_index, v, key) for v, key in zip(f.violations, keys, strict=True)]


def _result(f: Finding, rule_index: int, v: Violation, key: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": v.message},
    }
    location = _location(v, BASE_ID if f.kind != "waiver" else None)
    if location:
        result["locations"] = [location]
    result["partialFingerprints"] = {"zwgkViolationKey/v1": key}
    if v.change in BASELINE_STATE:
        result["baselineState"] = BASELINE_STATE[v.change]
    if v.waived:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": v.waiver or "已豁免"}]
    props = {k: val for k, val in (("record_id", v.record_id), ("department", v.department), ("sheet", v.sheet), ("period", v.period)) if val}
    result["properties"] = {**props, "expected": v.expected, "actual": v.actual}
    return result


def _location(v: Violation, base: str | None = BASE_ID) -> dict[str, Any] | None:
    """`base` None: a file outside the evidence folder (the waivers file), named as given."""
    location: dict[str, Any] = {}
    if v.file:
        if base is not None:
            artifact = {"uri": _uri(v.file), "uriBaseId": base}
        elif PurePath(v.file).is_absolute():
            artifact = {"uri": PurePath(v.file).as_uri()}
        else:
            artifact = {"uri": _uri(v.file)}
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if v.row:
            physical["region"] = {"startLine": v.row}
        location["physicalLocation"] = physical
        where = "".join(x for x in (f"工作表“{v.sheet}”" if v.sheet else "", f"第 {v.row} 行" if v.row else "") if x)
        if where:
            location["message"] = {"text": where}
    if v.department:
        location["logicalLocations"] = [{"name": v.department, "kind": "module"}]
    return location or None
