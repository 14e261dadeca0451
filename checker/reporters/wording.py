"""Chinese wording the human-facing reporters share: places, measured values, the verdict.

Reporters never re-evaluate: everything here reads the `Report` and puts it into words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from checker.report import STATUS_ZH, Finding, Report, Violation
from checker.rulepack import SEVERITY_RANK, SEVERITY_ZH

SEVERITIES = ("critical", "major", "minor")  # most serious first
# Display order of findings: what needs action first.
STATUS_ORDER = ("fail", "waived", "pending", "pass", "not_applicable")
NO_DEPARTMENT = "（未标明部门）"
CHANGE_ZH = {"new": "新增", "persisting": "持续", "resolved": "已整改"}

__all__ = [
    "CHANGE_ZH",
    "NO_DEPARTMENT",
    "SEVERITIES",
    "SEVERITY_RANK",
    "SEVERITY_ZH",
    "STATUS_ORDER",
    "STATUS_ZH",
    "Verdict",
    "display_order",
    "due_month",
    "kind_label",
    "measured_headline",
    "measured_items",
    "place",
    "tool_version",
    "verdict",
]


def tool_version() -> str:
    """The installed zwgk-checker version, named in every report's footer or metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("zwgk-checker")
    except PackageNotFoundError:
        return ""


# --------------------------------------------------------------------------- places and kinds
def place(v: Violation) -> str:
    """Where a violation's record lives: `consultations.csv 第3行`, `台账.xlsx［依申请］第5行`."""
    parts = []
    if v.file:
        parts.append(v.file)
    if v.sheet:
        parts.append(f"［{v.sheet}］")
    if v.row:
        parts.append(f" 第{v.row}行")
    return "".join(parts).strip()


# Finding kinds that are not evidence kinds: a waiver's own findings (checker/waivers.py).
_OTHER_KINDS = {"waiver": "豁免文件"}


_CJK = re.compile(r"[\u4e00-\u9fff]")


# Packs whose quotes are LEGAL.md's English summaries of the statute, not its wording
# (rules/national-2019.yaml says why).
SUMMARY_PACKS = frozenset({"national-2019"})


def quote_label(quote: str, pack: str) -> str:
    """What a rule's `source.quote` is, in words: 原文, or, for the national baseline's English
    summaries, 条文要点 — a Chinese reader must not take English text for the statute's own
    wording. (Keyed on the pack: a custom pack or a waiver reason in English is quoted as is.)"""
    return "条文要点（英文摘要，不是条文原文）" if pack in SUMMARY_PACKS and not _CJK.search(quote) else "原文"


def kind_label(kind: str) -> str:
    """`consultation` → `咨询答复台账` (the evidence schema's own label)."""
    from checker.evidence.schema import KINDS

    spec = KINDS.get(kind)
    return spec.label if spec else _OTHER_KINDS.get(kind, kind)


def display_order(findings: Iterable[Finding]) -> list[Finding]:
    """Failing and most serious first, then by pack and rule id: a stable reading order."""
    return sorted(
        findings,
        key=lambda f: (STATUS_ORDER.index(f.status) if f.status in STATUS_ORDER else 99, -SEVERITY_RANK.get(f.severity, 0), f.pack, f.rule_id),
    )


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-\d{2}")


def due_month(v: Violation) -> str | None:
    """The `YYYY-MM` a violation was due in, when its expected value names a date.

    The engine's expected values name the due day last: `不晚于 2022-01-10（1个工作日内）`,
    `2022-01-01 至 2022-10-31 不少于 1 次`. Violations with no date (a share below its
    minimum) are left out of the by-month chart.
    """
    found = _ISO_DATE.findall(v.expected)
    return f"{found[-1][0]}-{found[-1][1]}" if found else None


# --------------------------------------------------------------------------- measured values
_LABELS = {
    "records": "检查记录",
    "on_time": "按时",
    "late": "超期",
    "overdue": "逾期未办",
    "pending": "未到期",
    "end_before_start": "日期早于起算日",
    "date_only": "只有日期无法按小时核对",
    "no_start": "无起算日期（未检查）",
    "compliance_rate": "按时率",
    "covers_year": "所属年度",
    "due": "截止日期",
    "missing": "未发布",
    "window": "统计期间",
    "count": "实际次数",
    "departments": "部门数",
    "reached": "达标部门",
    "short": "未达标",
    "numerator": "符合条件",
    "denominator": "记录总数",
    "ratio": "比例",
    "departments_below": "低于要求的部门",
    "min_days": "要求不少于（日）",
    "shortest_days": "实际最短（日）",
    "incomplete": "未填写完整",
    "evidence_provided": "已提供台账",
    "min": "最低要求",
    "windows": "统计周期",
    "short_windows": "未达标周期",
    "related": "有关联记录",
    "value": "数值",
    "bound": "要求",
    "tasks": "任务数",
    "completed": "已完成",
    "skipped_windows": "无工作日的周期（不计）",  # frequency: e.g. the Spring Festival week, not judged
    "in_review_year": "本年度记录",
    "related_kind": "关联台账",
    "status": "结论",
    "in_force": "本年度有效",
    "outside_window": "不在规定期间",
    "no_evidence": "缺佐证材料",
    "no_trigger": "缺触发日期",
    "by_unit": "各单位未完成",
    # a waiver's own finding (checker/waivers.py): the waived rule, the expiry date, what is wrong
    "rule": "规则",
    "expires": "到期日",
    "problem": "问题",
}
_PROBLEM_ZH = {"expired": "已过期", "unused": "未使用"}
_PERCENT_KEYS = {"compliance_rate", "ratio"}


def _pct(value: float) -> str:
    return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _value(key: str, value: Any, measured: dict[str, Any]) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in _PERCENT_KEYS and isinstance(value, (int, float)):
        return _pct(float(value))
    if key == "min" and isinstance(value, float) and "ratio" in measured:
        return _pct(value)
    if key == "status" and isinstance(value, str):
        from checker.report import STATUS_ZH

        return STATUS_ZH.get(value, value)
    if key == "problem" and isinstance(value, str):
        return _PROBLEM_ZH.get(value, value)
    if key == "window" and isinstance(value, str) and ".." in value:
        start, end = value.split("..", 1)
        return f"{start} 至 {end}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "、".join(str(x) for x in value)
    if isinstance(value, dict):
        return "；".join(f"{_LABELS.get(str(k), k)} {_value(str(k), v, value)}" for k, v in value.items())
    return str(value)


def measured_items(measured: dict[str, Any]) -> list[tuple[str, str]]:
    """Every measured value as (Chinese label, readable value), in the engine's order."""
    return [(_LABELS.get(key, key), _value(key, value, measured)) for key, value in measured.items()]


def measured_headline(measured: dict[str, Any]) -> str:
    """The measured value against the requirement, in one Chinese line.

    The shape of `measured` tells the check type (deadline, ratio, count …); an unknown shape
    falls back to listing every value.
    """
    m = measured
    if m.get("in_force") is False:
        return "规则在本检查年度不施行（见生效日期）"
    if m.get("evidence_provided") is False:
        if m.get("related_kind"):
            return f"未提供{m['related_kind']}，无法检查"
        return "未提供该类台账，无法检查"
    if "on_time" in m and "records" in m:  # deadline
        decided = m["records"] - m.get("pending", 0)
        if not m["records"]:
            return "没有应检查的记录"
        text = f"按时 {m['on_time']} / 已到期 {decided} 条"
        if "compliance_rate" in m:
            text = f"按时率 {_pct(m['compliance_rate'])}（{text}），要求全部按时"
        bad = [f"{_LABELS[k]} {m[k]} 条" for k in ("late", "overdue", "end_before_start", "date_only") if m.get(k)]
        if m.get("pending"):
            bad.append(f"未到期 {m['pending']} 条")
        if m.get("no_start"):
            bad.append(f"{_LABELS['no_start']} {m['no_start']} 条")
        return text + ("；" + "，".join(bad) if bad else "")
    if "covers_year" in m and "due" in m:  # date_by
        counts = "，".join(f"{_LABELS[k]} {m[k]}" for k in ("on_time", "late", "missing", "pending") if m.get(k))
        return f"{m['covers_year']}年度记录须于 {m['due']} 前发布：{counts or '无'}"
    if "ratio" in m and "min" in m:  # ratio
        text = f"比例 {_pct(m['ratio'])}（{m['numerator']}/{m['denominator']}），要求不低于 {_pct(m['min'])}"
        if m.get("departments_below"):
            text += f"；{m['departments_below']} 个部门低于要求"
        return text
    if "ratio" not in m and "denominator" in m and m["denominator"] == 0:
        return "没有应检查的记录"
    if "window" in m and "min" in m:  # count
        window = _value("window", m["window"], m)
        if "count" in m:
            return f"{window} 实际 {m['count']} 次，要求不少于 {m['min']} 次"
        return f"{window} 各部门不少于 {m['min']} 次：达标 {m.get('reached', 0)} / {m.get('departments', 0)} 个部门" + (
            f"，未到期 {m['pending']} 个" if m.get("pending") else ""
        )
    if "min_days" in m:  # duration
        text = f"要求不少于 {m['min_days']} 日；{m.get('short', 0)} / {m.get('records', 0)} 条不足"
        if "shortest_days" in m:
            text += f"，最短 {m['shortest_days']} 日"
        return text
    if m.get("tasks") == 0:  # task_due, nothing in scope
        return "没有属于本任务分解表和检查年度的任务"
    if "tasks" in m and "completed" in m:  # task_due
        text = f"按时完成 {m['completed']} / {m['tasks']} 项任务"
        bad = [f"{_LABELS[k]} {m[k]} 项" for k in ("overdue", "late", "outside_window", "no_evidence", "pending", "no_trigger") if m.get(k)]
        return text + ("；" + "，".join(bad) if bad else "")
    if "incomplete" in m:  # required
        return f"应填写完整 {m.get('records', 0)} 条，未填写完整 {m['incomplete']} 条"
    return "；".join(f"{label} {value}" for label, value in measured_items(m)) or "—"


# --------------------------------------------------------------------------- verdict
@dataclass(frozen=True)
class Verdict:
    """合格/不合格 as `zwgk check --fail-on LEVEL` decides it (exit code 1 ⇔ 不合格).

    `--fail-on never` only switches the exit-code gate off; it decides nothing about compliance.
    Its pages must not show a green 合格 over failing rules, so its verdict is 未判定 (`decided`
    is false) and `counted` holds every failing finding, which the pages still list.
    """

    passed: bool  # the exit code is 0
    fail_on: str
    counted: tuple[Finding, ...]  # failing findings at or above the level (under never: every failing finding)
    rule: str  # how the verdict is decided, in words
    levels: tuple[str, ...] = SEVERITIES  # the severities `counted` takes in

    @property
    def headline(self) -> str:
        """How many rules fail, naming the levels counted when not all are: `18 条严重、重要级别的
        规则未通过`. Next to the overview card that counts every failing rule (21 未通过), a bare
        `18 条规则未通过` reads as a contradiction."""
        n = len(self.counted)
        if set(self.levels) >= set(SEVERITIES):
            return f"{n} 条规则未通过"
        return f"{n} 条{'、'.join(SEVERITY_ZH[s] for s in self.levels)}级别的规则未通过"

    @property
    def decided(self) -> bool:
        return self.fail_on != "never"

    @property
    def label(self) -> str:
        if not self.decided:
            return "未判定"
        return "合格" if self.passed else "不合格"

    @property
    def tone(self) -> str:
        """`ok`, `bad`, or `neutral` when nothing was decided: the page's colour for the verdict."""
        if not self.decided:
            return "neutral"
        return "ok" if self.passed else "bad"


def verdict(report: Report, fail_on: str) -> Verdict:
    if fail_on == "never":
        failing = tuple(f for f in report.findings if f.status == "fail")
        return Verdict(True, fail_on, failing, "本次以 --fail-on never 运行：未通过的规则只列出，不判定是否合格（退出码始终为 0）。")
    rank = SEVERITY_RANK[fail_on]
    counted_levels = tuple(s for s in SEVERITIES if SEVERITY_RANK[s] >= rank)
    levels = "、".join(SEVERITY_ZH[s] for s in counted_levels)
    counted = tuple(f for f in report.findings if f.status == "fail" and SEVERITY_RANK.get(f.severity, 0) >= rank)
    rule = (
        f"判定规则（--fail-on {fail_on}）：有级别为{levels}的规则未通过即为不合格，命令退出码为 1；"
        "待到期、不适用、已豁免的规则不影响判定。"
    )
    return Verdict(not counted, fail_on, counted, rule, counted_levels)
