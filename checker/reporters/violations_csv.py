"""`violations.csv`: every violation of every rule, for Excel/WPS, beside report.html.

UTF-8 with a BOM (so Chinese Excel opens it without asking for the encoding), RFC 4180
quoting and CRLF line ends. Evidence text is untrusted: a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be run as a formula by a spreadsheet
(`=HYPERLINK(...)`, DDE), so such cells get a leading apostrophe and are shown as text.
"""

from __future__ import annotations

import csv
import io

from checker.report import STATUS_ZH, Report
from checker.reporters.wording import CHANGE_ZH, SEVERITY_ZH

HEADER = (
    "规则编号",
    "规则标题",
    "规则包",
    "级别",
    "规则结果",
    "记录编号",
    "责任部门",
    "文件",
    "工作表",
    "行号",
    "期间",
    "应为",
    "实际",
    "说明",
    "已豁免",
    "豁免依据",
    "与上次检查比较",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """`=HYPERLINK("http://x","y")` → `'=HYPERLINK("http://x","y")`: text, not a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for f in report.findings:
        for v in f.violations:
            cells = (
                f.rule_id,
                f.title,
                f.pack,
                SEVERITY_ZH.get(f.severity, f.severity),
                STATUS_ZH.get(f.status, f.status),
                v.record_id or "",
                v.department or "",
                v.file or "",
                v.sheet or "",
                "" if v.row is None else str(v.row),
                v.period or "",
                v.expected,
                v.actual,
                v.message,
                "是" if v.waived else "",
                v.waiver or "",
                CHANGE_ZH.get(v.change or "", v.change or ""),
            )
            writer.writerow([neutralise(c) for c in cells])
    return buffer.getvalue().encode("utf-8-sig")
