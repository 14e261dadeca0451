"""`report.md`: a short Chinese summary for CI job pages (GitHub/GitLab render it)."""

from __future__ import annotations

from checker.report import STATUS_ZH, Report
from checker.rulepack import SEVERITY_ZH

MAX_ROWS = 50


def _cell(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def render(report: Report) -> str:
    s = report.summary
    lines = [
        "# 政务公开合规检查结果",
        "",
        f"- 检查基准日：{s.as_of}；检查年度：{s.review_year}" + ("" if s.year else "（未指定 --year，全部记录参与检查）"),
        f"- 规则包：{'、'.join(p.id for p in s.packs)}",
        f"- 规则结果：" + "，".join(f"{STATUS_ZH[k]} {v}" for k, v in s.by_status.items() if v),
        f"- 违规记录：{s.violations} 条",
        "",
    ]
    failing = [f for f in report.findings if f.status == "fail"]
    if failing:
        lines += ["## 未通过的规则", "", "| 规则 | 级别 | 要求 | 违规数 |", "|---|---|---|---|"]
        for f in failing[:MAX_ROWS]:
            lines.append(f"| `{f.rule_id}` {_cell(f.title)} | {SEVERITY_ZH[f.severity]} | {_cell(f.requirement)} | {len(f.violations)} |")
        if len(failing) > MAX_ROWS:
            lines.append(f"| …另有 {len(failing) - MAX_ROWS} 条规则未通过，见 report.json | | | |")
        lines.append("")
        lines += ["## 违规明细（每条规则最多 5 条）", ""]
        for f in failing[:MAX_ROWS]:
            lines.append(f"### {f.rule_id}")
            lines.append("")
            for v in f.violations[:5]:
                place = f"{v.file or ''}{' [' + v.sheet + ']' if v.sheet else ''}{' 第' + str(v.row) + '行' if v.row else ''}"
                lines.append(f"- {_cell(v.record_id or v.department or '')} {_cell(place)}：{_cell(v.message)}")
            if len(f.violations) > 5:
                lines.append(f"- …共 {len(f.violations)} 条")
            lines.append("")
    else:
        lines += ["没有未通过的规则。", ""]
    return "\n".join(lines)
