"""report.md for CI job pages: verdict first, evidence text never becomes markup."""

from __future__ import annotations

import re

from checker.reporters import render
from tests.test_reports_html import finding, hostile_report, make_report, violation


def test_verdict_counts_and_missing_ledgers() -> None:
    md = render("md", hostile_report())
    assert md.startswith("# 政务公开合规检查：❌ 不合格\n")
    assert "--fail-on major" in md
    assert "| 4 | 1 | 1 | 1 | 1 | 0 | 3（另有已豁免 1） |" in md
    assert "未通过规则按级别：严重 0，重要 1，一般 0" in md
    assert "**⚠ 未提供台账**：重大决策台账（decision）" in md
    assert "## 与上次检查比较（2021年度，基准日 2022-03-01）" in md
    assert render("md", hostile_report(), fail_on="critical").startswith("# 政务公开合规检查：✅ 合格\n")


def test_fail_on_never_is_not_a_pass() -> None:
    """`never` gates nothing, so the page decides nothing: 未判定, with the failures still listed."""
    md = render("md", hostile_report(), fail_on="never")
    assert md.startswith("# 政务公开合规检查：⚪ 未判定\n")
    assert "合格" not in md.splitlines()[0] and "## 未通过的规则" in md
    assert "不判定是否合格" in md


def test_evidence_text_cannot_become_markup() -> None:
    report = make_report([finding("x", [violation(1, record_id="![t](http://evil/x.png)", department="<img src=x>", message="a | b\n## 标题")])])
    md = render("md", report)
    assert "![t](http" not in md
    assert re.search(r"(?<!\\)<img", md) is None and "\\<img src=x\\>" in md
    assert "\\!\\[t\\](http\\://evil/x.png)" in md
    assert "a \\| b \\#\\# 标题" in md


def test_evidence_text_cannot_become_an_autolink_mention_or_entity() -> None:
    """GFM links bare URLs, www. names and e-mail addresses without any markup, and GitHub turns
    @name into a mention; evidence on a CI job page must stay text (checked against cmark-gfm
    when written: none of these renders as a link)."""
    text = "见 http://evil.example/a、WWW.evil.example、a@b.cn、@octocat、&amp;"
    md = render("md", make_report([finding("links", [violation(1, department=text, message=text)])]))
    assert "http://evil" not in md and "http\\://evil.example/a" in md
    assert "WWW.evil" not in md and "WWW\\.evil.example" in md
    assert "a@b.cn" not in md and "a@\u2060b.cn" in md and "@\u2060octocat" in md
    assert "\\&amp;" in md


def test_failing_rule_lists_a_few_records_and_points_to_the_rest() -> None:
    report = make_report([finding("many", [violation(n) for n in range(12)])])
    md = render("md", report)
    assert md.count("- ZX-0000") == 5
    assert "…另有 7 条，见 report.html 或 violations.csv" in md


def test_verdict_sentence_names_the_levels_it_counts() -> None:
    report = make_report([finding("a", [violation(1)]), finding("b", [violation(2)], severity="minor")])
    md = render("md", report)
    assert md.startswith("# 政务公开合规检查：❌ 不合格\n\n1 条严重、重要级别的规则未通过。\n")
    assert "\n2 条规则未通过。\n" in render("md", report, fail_on="minor")
    assert "规则未通过。" not in render("md", report, fail_on="critical")


def test_a_violation_naming_no_record_department_or_file_has_no_empty_prefix() -> None:
    """A frequency window of the whole bureau names no record, department or file: its line is
    the message alone, not "- ：…"."""
    bare = violation(1, record_id=None, department=None, file=None, row=None, message="2022年第3周仅 0 次，应不少于 1 次")
    md = render("md", make_report([finding("weekly", [bare, violation(2, record_id=None)])]))
    assert "\n- 2022年第3周仅 0 次，应不少于 1 次\n" in md and "- ：" not in md
    assert "\n- 指挥处 consultations.csv 第3行：" in md
    junit = render("junit", make_report([finding("weekly", [bare])]))
    assert ">- 2022年第3周仅 0 次，应不少于 1 次<" in junit and "- ：" not in junit


def test_unchecked_evidence_is_shown_in_markdown_html_and_sarif(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from checker.cli import main

    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "tasks.csv").write_text(
        "编号,任务分解表,工作任务,牵头单位,责任单位,时间节点,完成时间,佐证材料\nRW-1,2022年度某表,年内组织培训,政治处,指挥处,10月底前,,\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    assert main(["check", str(tmp_path / "ev"), "--year", "2022", "--as-of", "2023-03-01", "--format", "md", "--format", "html", "--format", "sarif", "--out", str(out), "--quiet"]) == 0
    note = "1 项任务属于任务分解表“2022年度某表”"
    assert "**⚠ 未能检查的内容**" in (out / "report.md").read_text(encoding="utf-8") and note in (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<h3>未能检查的内容</h3>" in html and note in html
    assert note in json.loads((out / "report.sarif").read_text(encoding="utf-8"))["runs"][0]["properties"]["unchecked"][0]


def test_english_summaries_of_the_statute_are_not_called_原文(tmp_path, zwgk) -> None:  # type: ignore[no-untyped-def]
    """national-2019 quotes LEGAL.md's English summaries: the reports say so instead of
    presenting English text as the statute's wording."""
    from checker.reporters.wording import quote_label

    assert quote_label("对不予公开的政府信息要注明具体情形", "zibo-psb-2022") == "原文"
    assert quote_label("a refusal states the reason", "national-2019") == "条文要点（英文摘要，不是条文原文）"
    assert quote_label("outage, see ticket OPS-123", "waivers") == "原文"  # an English waiver reason or custom pack is quoted as is
    shown = zwgk("rules", "show", "national-2019/foi-withheld-legal-basis")
    assert "条文要点（英文摘要，不是条文原文）：“a refusal states the reason”" in shown.out
    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "foi_requests.csv").write_text("编号,责任部门,收到申请日期,答复日期,答复结果\nY1,政治处,2022-03-01,2022-03-05,不予公开\n", encoding="utf-8")
    out = tmp_path / "out"
    zwgk("check", tmp_path / "ev", "--rules", "national-2019", "--year", "2022", "--as-of", "2023-03-01", "--format", "md", "--format", "html", "--format", "sarif", "--out", out)
    import json

    [rule] = [r for r in json.loads((out / "report.sarif").read_text(encoding="utf-8"))["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "national-2019/foi-withheld-legal-basis"]
    assert "条文要点（英文摘要，不是条文原文）" in rule["help"]["markdown"] and "条文要点（英文摘要，不是条文原文）" in rule["help"]["text"]
    assert "依据 第三十六条 · 条文要点（英文摘要，不是条文原文）：a refusal states the reason" in (out / "report.md").read_text(encoding="utf-8")
    assert '<span class="muted">条文要点（英文摘要，不是条文原文）</span>' in (out / "report.html").read_text(encoding="utf-8")
