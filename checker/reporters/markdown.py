"""`report.md`: a short Chinese summary for CI job pages (GitHub/GitLab render it).

The verdict first (with the `--fail-on` rule that decides it), then the counts, missing
ledgers, failing rules with their measured values and a few records each, what changed since
the baseline, and the ledgers read. Evidence text is escaped: it cannot become a link, an
image (which a job page would fetch) or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from checker.report import STATUS_ZH, STATUSES, Report
from checker.reporters import ALL_OUTPUTS, RENDERERS, VIOLATIONS_CSV
from checker.reporters.wording import SEVERITIES, SEVERITY_ZH, display_order, kind_label, measured_headline, place, quote_label, verdict

MAX_RULES = 50
MAX_RECORDS = 5
_SPECIAL = re.compile(r"([\\`*_\[\]<>|!#~&])")  # & too: &amp; in evidence is text, not an entity
# GFM's extended autolinks need no markup: http://…, https://…, www.… become links by themselves
# (an escaped ":" or "." stops them); an e-mail address or @mention is found after escapes are
# undone, so an invisible word joiner after "@" keeps it text.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<![a-z0-9])(www)(\.)")
_WORD_JOINER = "\u2060"


def _md(text: object) -> str:
    """Literal text inside Markdown (and a table cell): no markup, no line breaks."""
    escaped = _SPECIAL.sub(r"\\\1", str(text if text is not None else ""))
    escaped = _AUTOLINK.sub(lambda m: "\\:" if m.group(1) else f"{m.group(2)}\\.", escaped)
    return escaped.replace("@", "@" + _WORD_JOINER).replace("\r", " ").replace("\n", " ")


def _pointers(written: Collection[str]) -> tuple[str, str, str]:
    """Where the page sends readers for more — the rules it leaves out, the records it leaves
    out, everything — naming only files this run writes (empty: nothing to point at)."""
    html, json_name = RENDERERS["html"][0], RENDERERS["json"][0]
    rules = html if html in written else json_name if json_name in written else ""
    records = f"{html} 或 {VIOLATIONS_CSV}" if html in written else json_name if json_name in written else ""
    full = [f"完整报告见 {html}"] if html in written else []
    listed = [name for name in (VIOLATIONS_CSV, json_name) if name in written]
    if listed:
        full.append(f"全部违规记录见 {' 与 '.join(listed)}")
    return rules, records, "，".join(full) + "。" if full else ""


def render(report: Report, *, fail_on: str = "major", written: Collection[str] = ALL_OUTPUTS) -> str:
    """`written`: the files this run writes (see checker.reporters.render)."""
    s = report.summary
    more_rules, more_records, everything = _pointers(written)
    judged = verdict(report, fail_on)
    mark = {"ok": "✅", "bad": "❌", "neutral": "⚪"}[judged.tone]
    lines = [
        f"# 政务公开合规检查：{mark} {judged.label}",
        "",
        *([f"{judged.headline}。", ""] if judged.counted else []),
        f"> {_md(judged.rule)}",
        "",
        f"- 检查年度：{s.review_year}" + ("" if s.year else "（未指定 --year，全部记录参与检查）") + f"；检查基准日：{s.as_of}",
        f"- 规则包：{'、'.join(f'{_md(p.title)}（`{p.id}`）' for p in s.packs)}",
        "",
        "| 规则 | " + " | ".join(STATUS_ZH[st] for st in STATUSES) + " | 违规记录 |",
        "|---:|" + "---:|" * len(STATUSES) + "---:|",
        f"| {s.findings} | " + " | ".join(str(s.by_status.get(st, 0)) for st in STATUSES) + f" | {s.violations - s.waived_violations}"
        + (f"（另有已豁免 {s.waived_violations}）" if s.waived_violations else "") + " |",
        "",
        "未通过规则按级别：" + "，".join(f"{SEVERITY_ZH[sev]} {s.failed_by_severity.get(sev, 0)}" for sev in SEVERITIES),
        "",
    ]
    if s.kinds_without_evidence:
        missing = "、".join(f"{_md(kind_label(k))}（{k}）" for k in s.kinds_without_evidence)
        lines += [f"> **⚠ 未提供台账**：{missing}。相关规则无法检查（记为不适用），不能据此认定已合规。", ""]
    if s.unchecked:
        lines += ["> **⚠ 未能检查的内容**（已提交，但没有规则能够检查，不能据此认定已合规）：", ">"]
        lines += [f"> - {_md(note)}" for note in s.unchecked]
        lines.append("")

    failing = [f for f in display_order(report.findings) if f.status == "fail"]
    if failing:
        lines += ["## 未通过的规则", "", "| 规则 | 级别 | 检查结果 | 违规 |", "|---|---|---|---:|"]
        for f in failing[:MAX_RULES]:
            lines.append(
                f"| {_md(f.title)}<br>`{f.rule_id}` | {SEVERITY_ZH[f.severity]} | {_md(measured_headline(f.measured))} | {sum(1 for v in f.violations if not v.waived)} |"
            )
        if len(failing) > MAX_RULES:
            lines.append(f"| …另有 {len(failing) - MAX_RULES} 条规则未通过{'，见 ' + more_rules if more_rules else ''} | | | |")
        lines += ["", f"## 违规明细（每条规则最多 {MAX_RECORDS} 条）", ""]
        for f in failing[:MAX_RULES]:
            lines += [f"### {_md(f.title)}", "", f"`{f.rule_id}` · 依据 {_md(f.source.clause)}" + ("" if quote_label(f.source.quote, f.pack) == "原文" else f" · {quote_label(f.source.quote, f.pack)}") + f"：{_md(f.source.quote)}", ""]
            shown = [v for v in f.violations if not v.waived][:MAX_RECORDS]
            for v in shown:
                who = " ".join(_md(x) for x in (v.record_id, v.department, place(v)) if x)
                lines.append(f"- {who}：{_md(v.message)}" if who else f"- {_md(v.message)}")  # an aggregate may name nothing
            rest = sum(1 for v in f.violations if not v.waived) - len(shown)
            if rest > 0:
                lines.append(f"- …另有 {rest} 条{'，见 ' + more_records if more_records else ''}")
            lines.append("")
    else:
        lines += ["没有未通过的规则。", ""]

    if s.baseline:
        b = s.baseline
        lines += [
            f"## 与上次检查比较（{b.review_year}年度，基准日 {b.as_of}）",
            "",
            "| | 新增 | 持续 | 已整改 |",
            "|---|---:|---:|---:|",
            f"| 未通过规则 | {b.findings.get('new', 0)} | {b.findings.get('persisting', 0)} | {b.findings.get('resolved', 0)} |",
            f"| 违规记录 | {b.violations.get('new', 0)} | {b.violations.get('persisting', 0)} | {b.violations.get('resolved', 0)} |",
            "",
        ]
        if b.violations.get("not_rechecked"):
            lines += [f"另有上次检查的违规记录 {b.violations['not_rechecked']} 条属于 {b.review_year} 年度，不在本次检查范围。", ""]

    rows = sum(e.rows for e in s.evidence)
    lines += [f"<details><summary>读取的台账：{len(s.evidence)} 个表，{rows} 条记录</summary>", "", "| 文件 | 工作表 | 台账 | 记录 | 编码 |", "|---|---|---|---:|---|"]
    for e in s.evidence:
        lines.append(f"| {_md(e.file)} | {_md(e.sheet or '')} | {_md(kind_label(e.kind))} | {e.rows} | {_md(e.encoding or '')} |")
    lines += ["", "</details>", ""] + ([everything, ""] if everything else [])
    return "\n".join(lines)
