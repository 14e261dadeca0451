"""`report.junit.xml`: one testsuite per rule pack, one testcase per rule, for CI test tabs.

A failing rule is a `<failure>` (type = severity) whose text lists its violations; a pending,
not-applicable or waived rule is `<skipped message="…">` saying why; a passing rule is a plain
testcase. Every testcase's `<system-out>` carries the requirement, the source quote and the
measured value. No timestamps or durations: identical input gives identical bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection

from checker.report import STATUS_ZH, Finding, Report
from checker.reporters import ALL_OUTPUTS, RENDERERS, VIOLATIONS_CSV
from checker.reporters.wording import SEVERITY_ZH, measured_headline, place, quote_label

MAX_LISTED = 1000  # violations written into one <failure>; report.json and violations.csv hold all
SKIPPED = ("pending", "not_applicable", "waived")
# XML 1.0 cannot carry most C0 control characters, even escaped; evidence text might.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(report: Report, *, written: Collection[str] = ALL_OUTPUTS) -> str:
    """`written`: the files this run writes (see checker.reporters.render), for the pointer to
    the full list of a rule's violations."""
    s = report.summary
    full_list = " 或 ".join(name for name in (RENDERERS["json"][0], VIOLATIONS_CSV) if name in written)
    root = ET.Element("testsuites", name="zwgk 政务公开合规检查")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    titles = {"waivers": "豁免文件", **{p.id: p.title for p in s.packs}}  # waivers: the findings about the waivers themselves
    packs: dict[str, list[Finding]] = {}
    for f in report.findings:
        packs.setdefault(f.pack, []).append(f)
    for pack, group in packs.items():
        failures = sum(1 for f in group if f.status == "fail")
        skipped = sum(1 for f in group if f.status in SKIPPED)
        suite = ET.SubElement(
            root, "testsuite", name=pack, tests=str(len(group)), failures=str(failures), errors="0", skipped=str(skipped)
        )
        props = ET.SubElement(suite, "properties")
        for name, value in (("title", titles.get(pack, pack)), ("as_of", s.as_of), ("review_year", str(s.review_year))):
            ET.SubElement(props, "property", name=name, value=_clean(value))
        for f in group:
            _testcase(suite, f, full_list)
        totals["tests"] += len(group)
        totals["failures"] += failures
        totals["skipped"] += skipped
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _testcase(suite: ET.Element, f: Finding, full_list: str) -> None:
    case = ET.SubElement(suite, "testcase", classname=f.pack, name=_clean(f"{f.rule_id} {f.title}"))
    headline = measured_headline(f.measured)
    if f.status == "fail":
        open_violations = [v for v in f.violations if not v.waived]
        message = f"未通过（{SEVERITY_ZH[f.severity]}）：{len(open_violations)} 条违规；{headline}"
        failure = ET.SubElement(case, "failure", message=_clean(message), type=f.severity)
        lines = []
        for v in open_violations[:MAX_LISTED]:
            who = " ".join(x for x in (v.record_id, v.department, place(v), v.period) if x)
            lines.append(f"- {who}：{v.message}" if who else f"- {v.message}")
        if len(open_violations) > MAX_LISTED:
            lines.append(f"…共 {len(open_violations)} 条，此处列出前 {MAX_LISTED} 条" + (f"；完整清单见 {full_list}" if full_list else ""))
        failure.text = _clean("\n".join(lines))
    elif f.status in SKIPPED:
        reason = {
            "pending": f"待到期：期限尚未届满，暂不判定。{headline}",
            "not_applicable": f"不适用：没有应检查的记录。{headline}",
            "waived": f"已豁免：{len(f.violations)} 条违规均已豁免。",
        }[f.status]
        ET.SubElement(case, "skipped", message=_clean(reason))
    out = ET.SubElement(case, "system-out")
    out.text = _clean(
        f"结果：{STATUS_ZH[f.status]}（{SEVERITY_ZH[f.severity]}）\n检查结果：{headline}\n检查要求：{f.requirement}\n"
        f"依据：{f.source.clause}（{f.source.file}）\n{quote_label(f.source.quote, f.pack)}：{f.source.quote}"
    )
