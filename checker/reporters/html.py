"""`report.html`: one self-contained Chinese page to read in a browser and print on A4.

Sections: 检查概况 (verdict, counts, ledgers loaded and missing), 部门×规则矩阵, 图表 (inline
SVG), 逐条规则 (measured value, requirement, source quote, failing records with filter and
search). Nothing is fetched: no CDN, font, image or external script, and a Content-Security-
Policy with the hashes of the page's own style and script forbids anything else, so evidence
text can never load or run something even if it got past the template's autoescaping.

Large evidence sets stay usable: each rule lists at most `MAX_ROWS_PER_RULE` violations inline
(fewer once the page holds `MAX_ROWS_TOTAL`), says so, and links to violations.csv, which
holds them all.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.report import STATUS_ZH, STATUSES, Finding, Report, Violation
from checker.reporters import ALL_OUTPUTS, RENDERERS, VIOLATIONS_CSV
from checker.reporters.charts import Bar, Segment, column_chart, hbar_chart
from checker.reporters.wording import (
    CHANGE_ZH,
    NO_DEPARTMENT,
    SEVERITIES,
    SEVERITY_ZH,
    display_order,
    due_month,
    kind_label,
    measured_headline,
    measured_items,
    quote_label,
    tool_version,
    verdict,
)

TEMPLATES = Path(__file__).parent / "templates"
MAX_ROWS_PER_RULE = 200
MAX_ROWS_TOTAL = 5000
MIN_ROWS_PER_RULE = 20  # still shown for each rule once the page is full


@dataclass
class RuleView:
    number: int
    finding: Finding
    anchor: str
    headline: str
    measured: list[tuple[str, str]]
    kind_label: str
    rows: list[Violation]
    open_count: int  # violations not waived
    waived_count: int
    departments: list[str]  # departments with a violation of this rule

    @property
    def truncated(self) -> bool:
        return len(self.rows) < len(self.finding.violations)


# Departments the page lists by name (matrix rows, chart bars, the filter): a city's review has a
# few hundred; a ledger whose 责任部门 column holds something else (one name per record) must not
# turn the page into megabytes of rows. The rest are summed up and are in violations.csv.
MAX_MATRIX_DEPARTMENTS = 200
MAX_CHART_DEPARTMENTS = 40


@dataclass
class MatrixView:
    rules: list[RuleView]
    rows: list[tuple[str, list[tuple[int, int]], int]]  # department, (open, waived) per rule, open total
    totals: list[int] = field(default_factory=list)
    hidden: int = 0  # departments past MAX_MATRIX_DEPARTMENTS (fewest violations), not listed
    hidden_open: int = 0  # their open violations

    @property
    def grand_total(self) -> int:
        return sum(self.totals)


@functools.cache
def template() -> Any:
    """The page template, compiled once per process (about 0.05 s; see `prepare`)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("report.html.j2")


def prepare() -> None:
    template()


def render(report: Report, *, fail_on: str = "major", written: Collection[str] = ALL_OUTPUTS) -> str:
    """`written`: the files this run writes (see checker.reporters.render); violations.csv always
    is, beside this page, and report.json is named only when it is written too."""
    from markupsafe import Markup

    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    rules = _rule_views(report)
    departments = _all_departments(report)
    judged = verdict(report, fail_on)
    counted = {f.rule_id for f in judged.counted}
    matrix = _matrix(report, rules, departments)
    filter_departments = _filter_departments(report, departments)
    if matrix.hidden:  # the filter offers the departments the matrix lists (the rest: violations.csv)
        listed = {dept for dept, _, _ in matrix.rows}
        filter_departments = [d for d in filter_departments if d in listed]
        for r in rules:
            r.departments = [d for d in r.departments if d in listed]
    context: dict[str, Any] = {
        "s": report.summary,
        "verdict": judged,
        "verdict_rules": [r for r in rules if r.finding.rule_id in counted],
        "rules": rules,
        "matrix": matrix,
        "charts": _charts(report, departments),
        "filter_departments": filter_departments,
        "missing_kinds": [(k, kind_label(k), _rules_of_kind(report, k)) for k in report.summary.kinds_without_evidence],
        "evidence": [(e, kind_label(e.kind)) for e in report.summary.evidence],
        "status_zh": STATUS_ZH,
        "quote_label": quote_label,
        "statuses": STATUSES,
        "severity_zh": SEVERITY_ZH,
        "severities": SEVERITIES,
        "change_zh": CHANGE_ZH,
        "csv_name": VIOLATIONS_CSV,
        "json_name": RENDERERS["json"][0] if RENDERERS["json"][0] in written else None,
        "max_rows": MAX_ROWS_PER_RULE,
        "truncated_rules": [r for r in rules if r.truncated],
        "version": tool_version(),
        "css": Markup(css),  # the page's own files, not evidence: inserted as they are
        "js": Markup(js),
        "csp": _csp(css, js),
    }
    return template().render(context)


def _csp(css: str, js: str) -> str:
    """Only this page's own style and script may run; nothing may be fetched."""

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"

    return (
        f"default-src 'none'; style-src {digest(css)}; script-src {digest(js)}; "
        "img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _rule_views(report: Report) -> list[RuleView]:
    views = []
    budget = MAX_ROWS_TOTAL
    for number, f in enumerate(display_order(report.findings), start=1):
        limit = MAX_ROWS_PER_RULE if budget > 0 else MIN_ROWS_PER_RULE
        rows = _balanced(f.violations, limit)
        budget -= len(rows)
        waived = sum(1 for v in f.violations if v.waived)
        views.append(
            RuleView(
                number=number,
                finding=f,
                anchor=f"rule-{number}",
                headline=measured_headline(f.measured),
                measured=[] if f.measured.get("evidence_provided") is False else measured_items(f.measured),
                kind_label=kind_label(f.kind),
                rows=rows,
                open_count=len(f.violations) - waived,
                waived_count=waived,
                departments=sorted({v.department or NO_DEPARTMENT for v in f.violations}),
            )
        )
    return views


def _balanced(violations: list[Violation], limit: int) -> list[Violation]:
    """At most `limit` violations, shared out across departments in the report's own order.

    Taking the first `limit` rows would often list one or two departments only, and the
    department filter would then show nothing for the others.
    """
    if len(violations) <= limit:
        return violations
    queues: dict[str, list[int]] = {}
    for i, v in enumerate(violations):
        queues.setdefault(v.department or NO_DEPARTMENT, []).append(i)
    picked: list[int] = []
    depth = 0
    while len(picked) < limit:
        for queue in queues.values():
            if depth < len(queue) and len(picked) < limit:
                picked.append(queue[depth])
        depth += 1
    return [violations[i] for i in sorted(picked)]


def _all_departments(report: Report) -> list[str]:
    seen = dict.fromkeys(report.summary.departments)
    extra = sorted({v.department for f in report.findings for v in f.violations if v.department and v.department not in seen})
    return [*seen, *extra]


def _filter_departments(report: Report, departments: list[str]) -> list[str]:
    names = list(departments)
    if any(v.department is None for f in report.findings for v in f.violations):
        names.append(NO_DEPARTMENT)
    return names


def _matrix(report: Report, rules: list[RuleView], all_departments: list[str]) -> MatrixView:
    """Departments × rules that have violations: who fell short of what."""
    columns = [r for r in rules if r.finding.violations]
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for r in columns:
        for v in r.finding.violations:
            counts[(v.department or NO_DEPARTMENT, r.number)][1 if v.waived else 0] += 1
    departments = list(all_departments)
    if any(dept == NO_DEPARTMENT for dept, _ in counts):
        departments.append(NO_DEPARTMENT)
    rows = []
    for dept in departments:
        cells = [(counts[(dept, r.number)][0], counts[(dept, r.number)][1]) if (dept, r.number) in counts else (0, 0) for r in columns]
        rows.append((dept, cells, sum(c[0] for c in cells)))
    rows.sort(key=lambda row: -row[2])  # stable: most violations first, then the summary's order
    shown, hidden = rows[:MAX_MATRIX_DEPARTMENTS], rows[MAX_MATRIX_DEPARTMENTS:]
    totals = [r.open_count for r in columns]
    return MatrixView(rules=columns, rows=shown, totals=totals, hidden=len(hidden), hidden_open=sum(row[2] for row in hidden))


def _rules_of_kind(report: Report, kind: str) -> int:
    return sum(1 for f in report.findings if f.kind == kind)


def _charts(report: Report, departments: list[str]) -> list[tuple[str, str, str]]:
    """(title, note, svg) for each chart that has something to show."""
    s = report.summary
    charts = []
    status_bars = [Bar(STATUS_ZH[st], (Segment(s.by_status.get(st, 0), f"st-{st}", STATUS_ZH[st]),)) for st in STATUSES]
    charts.append(("规则检查结果", f"共 {s.findings} 条规则。", hbar_chart(status_bars, caption="规则检查结果（条）")))

    # One pass over the violations for both the department and the month chart; a month is
    # looked up once per distinct expected text (a city's year has a few hundred of them).
    by_dept: dict[str, Counter[str]] = defaultdict(Counter)
    months: Counter[str] = Counter()
    undated = 0
    month_of: dict[str, str | None] = {}
    for f in report.findings:
        for v in f.violations:
            if v.waived:
                continue
            by_dept[v.department or NO_DEPARTMENT][f.severity] += 1
            month = month_of.get(v.expected, "")
            if month == "":
                month = month_of[v.expected] = due_month(v)
            if month:
                months[month] += 1
            else:
                undated += 1
    if by_dept:
        position = {d: i for i, d in enumerate(departments)}
        order = sorted(by_dept, key=lambda d: (-sum(by_dept[d].values()), position.get(d, len(position)), d))
        bars = [Bar(d, tuple(Segment(by_dept[d][sev], f"sev-{sev}", SEVERITY_ZH[sev]) for sev in SEVERITIES)) for d in order[:MAX_CHART_DEPARTMENTS]]
        legend = [(f"sev-{sev}", f"{SEVERITY_ZH[sev]}规则") for sev in SEVERITIES]
        note = "按规则级别分色；不含已豁免的记录。部门越靠上，问题越多。"
        if len(order) > MAX_CHART_DEPARTMENTS:
            rest = order[MAX_CHART_DEPARTMENTS:]
            note += f"只画出问题最多的 {MAX_CHART_DEPARTMENTS} 个部门，其余 {len(rest)} 个部门共 {sum(sum(by_dept[d].values()) for d in rest)} 条。"
        charts.append(("各部门违规记录", note, hbar_chart(bars, caption="各部门违规记录（条）", legend=legend)))

    if months:
        year = s.review_year
        keys = sorted(set(months) | {f"{year}-{m:02d}" for m in range(1, 13)})
        columns = [(f"{int(k[5:])}月" if k.startswith(f"{year}-") else k, months[k]) for k in keys]
        note = "按应办结日期所在月份统计，不含已豁免的记录。"
        if undated:
            note += f"另有 {undated} 条违规没有单一的应办结日期（如比例不达标），未计入。"
        charts.append(("违规记录按月分布", note, column_chart(columns, caption="违规记录按应办结月份（条）", css="sev-major")))
    return charts
