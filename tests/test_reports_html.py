"""report.html and violations.csv: escaping, formula neutralising, verdict, truncation."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import subprocess
import sys
from html import unescape

import pytest

from checker.report import (
    BaselineSummary,
    EvidenceFile,
    Finding,
    PackRef,
    Report,
    ResolvedItem,
    SourceRef,
    Summary,
    Violation,
)
from checker.reporters import VIOLATIONS_CSV, render
from checker.reporters.html import MAX_ROWS_PER_RULE
from checker.reporters.violations_csv import render_csv, render_csv_rows

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'


def violation(n: int = 1, **fields: object) -> Violation:
    values: dict[str, object] = {
        "record_id": f"ZX-{n:06d}",
        "department": "指挥处",
        "file": "consultations.csv",
        "row": n + 1,
        "expected": "不晚于 2022-03-02（1个工作日内）",
        "actual": "2022-03-09 10:00",
        "message": f"收到时间 2022-03-01 10:00，应不晚于 2022-03-02，超期 5 个工作日（{n}）",
    }
    values.update(fields)
    return Violation(**values)  # type: ignore[arg-type]


def finding(rule: str, violations: list[Violation], *, status: str = "fail", severity: str = "major", kind: str = "consultation", **fields: object) -> Finding:
    values: dict[str, object] = {
        "rule_id": f"test-pack/{rule}",
        "pack": "test-pack",
        "title": f"规则 {rule}",
        "severity": severity,
        "kind": kind,
        "status": status,
        "requirement": "答复时间不晚于收到时间后1个工作日",
        "source": SourceRef(file="seed.txt", clause="二（七）", quote="网上咨询求助平台答复期限不超过1个工作日"),
        "measured": {"records": 10, "on_time": 10 - len(violations), "late": len(violations), "overdue": 0, "pending": 0},
        "violations": violations,
    }
    values.update(fields)
    return Finding(**values)  # type: ignore[arg-type]


def make_report(findings: list[Finding], *, kinds_without_evidence: tuple[str, ...] = (), **summary: object) -> Report:
    by_status = {s: sum(1 for f in findings if f.status == s) for s in ("fail", "pending", "pass", "not_applicable", "waived")}
    failed = {s: sum(1 for f in findings if f.status == "fail" and f.severity == s) for s in ("critical", "major", "minor")}
    values: dict[str, object] = {
        "as_of": "2023-03-01",
        "year": 2022,
        "review_year": 2022,
        "packs": [PackRef(id="test-pack", title="测试规则包", rules=len(findings), not_checkable=0)],
        "evidence": [EvidenceFile(file="consultations.csv", sheet=None, kind="consultation", rows=10, encoding="GBK")],
        "ignored_files": [],
        "kinds_without_evidence": list(kinds_without_evidence),
        "departments": ["指挥处", "治安支队"],
        "findings": len(findings),
        "by_status": by_status,
        "failed_by_severity": failed,
        "violations": sum(len(f.violations) for f in findings),
        "waived_violations": sum(1 for f in findings for v in f.violations if v.waived),
    }
    values.update(summary)
    return Report(summary=Summary(**values), findings=findings)  # type: ignore[arg-type]


def hostile_report() -> Report:
    """Evidence and rule text that tries to become markup, script or a spreadsheet formula."""
    bad = [
        violation(1, record_id=SCRIPT, department=FORMULA, message=f"说明 {SCRIPT}"),
        violation(2, department="<img src=x onerror=alert(2)>", actual="-1+1", expected="@SUM(A1)"),
        violation(3, department=None, file="台账 <b>.xlsx", sheet="表\"1\"", row=7, waived=True, waiver="+已批准 松公开〔2023〕3号"),
        violation(4, record_id="\tTAB", message="\r回车", change="new"),
    ]
    findings = [
        finding("hostile", bad, title=f"标题 {SCRIPT}", source=SourceRef(file="seed.txt", clause="二（七）", quote=f"原文 {SCRIPT}")),
        finding("ok", [], status="pass", severity="critical"),
        finding("later", [], status="pending", severity="minor"),
        finding("no-ledger", [], status="not_applicable", kind="decision", measured={"evidence_provided": False}),
    ]
    baseline = BaselineSummary(
        as_of="2022-03-01",
        review_year=2021,
        findings={"new": 1, "persisting": 0, "resolved": 1},
        violations={"new": 1, "persisting": 3, "resolved": 1},
        resolved_findings=["test-pack/old"],
        resolved_violations=[ResolvedItem(rule_id="test-pack/old", record_id=SCRIPT, department=FORMULA, message=SCRIPT)],
    )
    return make_report(findings, kinds_without_evidence=("decision",), baseline=baseline)


# --------------------------------------------------------------------------- HTML
def test_evidence_text_is_inert_in_html() -> None:
    html = render("html", hostile_report())
    assert SCRIPT not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in html
    assert html.count("<script") == 1  # the page's own script, nothing else
    # Nothing can be fetched: every link stays inside the page or points at violations.csv.
    assert set(re.findall(r'\b(?:href|src)="([^"]*)"', html)) <= {VIOLATIONS_CSV} | set(re.findall(r'href="(#[^"]*)"', html))
    assert not re.search(r"<(?:link|img|iframe|object|embed)\b", html)
    assert "@import" not in html and "url(" not in html


def test_content_security_policy_allows_only_the_pages_own_style_and_script() -> None:
    html = render("html", hostile_report())
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp is not None
    policy = unescape(csp.group(1))
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    script = re.search(r"<script>(.*?)</script>", html, re.DOTALL)
    assert style and script

    def digest(text: str) -> str:
        return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert f"style-src '{digest(style.group(1))}'" in policy
    assert f"script-src '{digest(script.group(1))}'" in policy
    assert ' style="' not in html  # a style attribute would be blocked by that policy


def test_summary_states_verdict_missing_ledgers_and_evidence() -> None:
    report = hostile_report()
    html = render("html", report)
    assert '<div class="verdict-label">不合格</div>' in html
    assert "--fail-on major" in html
    assert "未提供台账" in html and "重大决策台账" in html and "（decision）" in html
    assert "consultations.csv" in html and "GBK" in html
    assert "已豁免" in html and "+已批准 松公开〔2023〕3号" in html
    assert "（未标明部门）" in html  # a violation without department still lands in the matrix
    assert "与上次检查比较" in html
    assert render("html", report, fail_on="critical").count('<div class="verdict-label">合格</div>') == 1
    assert "--fail-on never" in render("html", report, fail_on="never")


def test_fail_on_never_decides_nothing_and_still_lists_the_failures() -> None:
    """`never` only switches the exit code off: the page shows 未判定 in a neutral colour, not a
    green 合格 over failing rules, and names the failing rules."""
    html = render("html", hostile_report(), fail_on="never")
    assert '<div class="verdict neutral">' in html and '<div class="verdict-label">未判定</div>' in html
    assert ">合格<" not in html and "verdict ok" not in html
    verdict_text = html.split('<div class="verdict-text">', 1)[1].split("</div>", 1)[0]
    assert "1 条规则未通过" in verdict_text and '<a href="#rule-1">1. 标题 &lt;script&gt;' in verdict_text
    passing = make_report([finding("ok", [], status="pass")])
    assert "没有未通过的规则。" in render("html", passing, fail_on="never")


def test_verdict_sentence_names_the_levels_it_counts() -> None:
    """The card counts every failing rule; the verdict sentence only those at or above --fail-on,
    and says so, so the two numbers do not read as a contradiction."""
    report = make_report([finding("a", [violation(1)]), finding("b", [violation(2)], severity="minor")])
    html = render("html", report)
    assert '<div class="card st-fail"><div class="num">2</div>' in html
    assert "1 条严重、重要级别的规则未通过：" in html and "1 条规则未通过" not in html
    assert "2 条规则未通过：" in render("html", report, fail_on="minor")
    assert "1 条严重级别的规则未通过" not in render("html", report, fail_on="critical")  # nothing counted: no sentence


def test_measured_value_reads_as_chinese_against_the_requirement() -> None:
    html = render("html", hostile_report())
    assert "按时 6 / 已到期 10 条" in html
    assert "未提供该类台账，无法检查" in html


def test_output_is_deterministic() -> None:
    assert render("html", hostile_report()) == render("html", hostile_report())
    assert render_csv(hostile_report()) == render_csv(hostile_report())


# --------------------------------------------------------------------------- violations.csv
def test_violations_csv_neutralises_formulas_and_opens_in_excel() -> None:
    data = render_csv(hostile_report())
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel picks the encoding
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["规则编号", "规则标题", "规则包"]
    assert len(rows) == 1 + 4
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells
    assert "'-1+1" in cells and "'@SUM(A1)" in cells and "'+已批准 松公开〔2023〕3号" in cells
    assert "'\tTAB" in cells and "'\r回车" in cells
    assert SCRIPT in cells  # plain text in a CSV: not a formula, left as it is
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)


def test_violations_csv_is_byte_identical_to_csv_writer() -> None:
    """The polars path must write exactly what the standard csv module writes: quotes, CRLF
    inside cells, empty cells, formula prefixes, waivers and baseline changes included."""
    hostile = hostile_report()
    assert render_csv(hostile) == render_csv_rows(hostile)
    odd = [
        violation(1, department="", message='含"引号"，逗号,与\r\n换行'),
        violation(2, department="  前后空格  ", message=" ", waived=True, waiver="=已批准", change="new"),
        violation(3, department=None, message="-", change="persisting"),
    ]
    report = make_report([finding("odd", odd), finding("none", [], status="pass")])
    assert render_csv(report) == render_csv_rows(report)
    assert render_csv(make_report([])) == render_csv_rows(make_report([]))


# --------------------------------------------------------------------------- large evidence sets
def test_100k_violations_give_a_small_page_that_says_it_was_truncated() -> None:
    many = [violation(n, department=("指挥处", "治安支队", "交警支队")[n % 3]) for n in range(100_000)]
    report = make_report([finding("many", many), finding("few", [violation(1)], severity="minor")])
    html = render("html", report)
    assert len(html.encode("utf-8")) < 5 * 1024 * 1024
    assert f"已截断：共 100000 条违规记录，本页只列出 {MAX_ROWS_PER_RULE} 条" in html
    assert f'<a href="{VIOLATIONS_CSV}">{VIOLATIONS_CSV}</a>' in html
    assert html.count("<tr data-dept=") == MAX_ROWS_PER_RULE + 1
    listed = re.findall(r'<tr data-dept="([^"]*)"', html)
    assert {d: listed.count(d) for d in set(listed)} == {"指挥处": 67 + 1, "治安支队": 67, "交警支队": 66}  # shared out fairly
    assert "100000" in html  # the matrix and charts count every violation, not just the listed ones
    assert render_csv(report).count(b"\r\n") == 1 + 100_001


def test_thousands_of_departments_give_a_bounded_page() -> None:
    """A 责任部门 column that names something else (one name per record) must not make the page
    megabytes of matrix rows, chart bars and filter options: the busiest are listed, the rest
    summed up and sent to violations.csv."""
    from checker.reporters.html import MAX_CHART_DEPARTMENTS, MAX_MATRIX_DEPARTMENTS

    many = [violation(n, department=f"部门{n:05d}") for n in range(5000)] + [violation(5000 + n, department="部门00007") for n in range(3)]
    report = make_report([finding("many", many)], departments=[f"部门{n:05d}" for n in range(5000)])
    html = render("html", report)
    assert len(html.encode("utf-8")) < 1024 * 1024
    matrix = html[html.index('id="matrix-table"') : html.index("</table>", html.index('id="matrix-table"'))]
    assert matrix.count('class="dept-link"') == MAX_MATRIX_DEPARTMENTS
    assert matrix.index('data-dept="部门00007"') < matrix.index('data-dept="部门00000"'), "the busiest department first"
    hidden = 5000 - MAX_MATRIX_DEPARTMENTS
    assert f"其余 {hidden} 个部门共 {hidden} 条违规" in html
    assert f"只画出问题最多的 {MAX_CHART_DEPARTMENTS} 个部门，其余 {5000 - MAX_CHART_DEPARTMENTS} 个部门共" in html
    select = html[html.index('id="f-dept"') : html.index("</select>", html.index('id="f-dept"'))]
    assert select.count("<option") == MAX_MATRIX_DEPARTMENTS + 1
    assert render_csv(report).count(b"\r\n") == 1 + 5003, "every violation is in the CSV"


# --------------------------------------------------------------------------- packaging
def test_reporters_package_is_import_light() -> None:
    code = "import sys, checker.reporters as r; print(r.FORMATS); print(sorted({m.split('.')[0] for m in sys.modules} & {'jinja2', 'polars', 'pydantic', 'xml'}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["('html', 'json', 'junit', 'sarif', 'md')", "[]"]


@pytest.mark.parametrize("fmt", ["html", "json", "junit", "sarif", "md"])
def test_every_format_renders_the_hostile_report(fmt: str) -> None:
    assert render(fmt, hostile_report())


def test_every_measured_key_of_the_checks_has_a_chinese_label() -> None:
    """Keys written by the checks (and the engine) must not leak into the page as English."""
    import re
    from pathlib import Path

    from checker.reporters.wording import _LABELS

    root = Path(__file__).resolve().parent.parent / "checker"
    sources = [*sorted((root / "checks").glob("*.py")), root / "engine.py"]
    keys: set[str] = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"Outcome\(\s*\"\w+\",\s*(\{[^}]*\})", text) + re.findall(r"measured\s*=\s*(\{[^}]*\})", text):
            keys |= set(re.findall(r"\"([a-z_]+)\":", block))
    assert {"records", "in_force", "related_kind"} <= keys  # the scan finds what it should
    assert sorted(keys - set(_LABELS)) == []
