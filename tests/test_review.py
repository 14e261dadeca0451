"""回头看: waivers and year-over-year baselines through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import write_csv

HEADER = "id,department,channel,received_at,replied_at"
RULE = "songjiang-psb-2022/consultation-reply-1wd"


def _run(zwgk, evidence: Path, out: Path, *extra: str, as_of: str = "2023-03-01", year: str = "2022"):  # type: ignore[no-untyped-def]
    result = zwgk("check", evidence, "--rules", "songjiang-psb-2022", "--year", year, "--as-of", as_of, "--format", "json", "--out", out, *extra)
    report = json.loads((out / "report.json").read_text(encoding="utf-8")) if (out / "report.json").exists() else None
    return result, report


def _finding(report: dict, rule_id: str) -> dict:  # type: ignore[type-arg]
    return next(f for f in report["findings"] if f["rule_id"] == rule_id)


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    write_csv(
        tmp_path / "ev" / "consultations.csv",
        HEADER,
        "C-1,指挥处,online_platform,2022-10-08 11:00,2022-10-11 09:00",  # late (due Sun 10-09, a make-up day)
        "C-2,治安支队,online_platform,2022-11-01 09:00,2022-11-04 09:00",  # late
        "C-3,治安支队,online_platform,2022-11-02 09:00,2022-11-02 10:00",  # on time
    )
    return tmp_path / "ev"


WAIVER = """\
- rule: songjiang-psb-2022/consultation-reply-1wd
  records: [C-1]
  reason: 平台故障，留言无法调取
  approved_by: 区政务公开办
  document: 松公开〔2023〕3号
  expires: {expires}
"""


def test_waiver_keeps_violation_visible_but_out_of_the_gate(zwgk, evidence: Path, tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(WAIVER.format(expires="2023-06-30"), encoding="utf-8")
    result, report = _run(zwgk, evidence, tmp_path / "out", "--waivers", tmp_path / "w.yaml")
    finding = _finding(report, RULE)
    waived = {v["record_id"]: v for v in finding["violations"]}
    assert waived["C-1"]["waived"] is True
    assert waived["C-1"]["waiver"] == "已豁免：平台故障，留言无法调取（区政务公开办，松公开〔2023〕3号，有效期至 2023-06-30）"
    assert waived["C-2"]["waived"] is False
    assert finding["status"] == "fail" and result.code == 1  # C-2 still fails the gate
    assert report["summary"]["waived_violations"] == 1


def test_waiving_every_violation_turns_the_finding_waived_and_the_gate_green(zwgk, evidence: Path, tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(WAIVER.format(expires="2023-06-30").replace("records: [C-1]", "records: [C-1, C-2]"), encoding="utf-8")
    result, report = _run(zwgk, evidence, tmp_path / "out", "--waivers", tmp_path / "w.yaml")
    finding = _finding(report, RULE)
    assert finding["status"] == "waived"
    assert [v["record_id"] for v in finding["violations"]] == ["C-1", "C-2"]  # still in the report
    assert result.code == 0


def test_waiving_every_failure_leaves_records_not_yet_due_pending(zwgk, evidence: Path, tmp_path: Path) -> None:
    """Fail beats pending; once every failure is waived, the open record decides: 待到期."""
    with (evidence / "consultations.csv").open("a", encoding="utf-8") as handle:
        handle.write("C-4,治安支队,online_platform,2022-12-30 09:00,\n")  # due 2023-01-03; open at 2022-12-31
    (tmp_path / "w.yaml").write_text(WAIVER.format(expires="2023-06-30").replace("records: [C-1]", "records: [C-1, C-2]"), encoding="utf-8")
    result, report = _run(zwgk, evidence, tmp_path / "out", "--waivers", tmp_path / "w.yaml", as_of="2022-12-31")
    finding = _finding(report, RULE)
    assert (finding["status"], finding["measured"]["pending"]) == ("pending", 1)
    assert all(v["waived"] for v in finding["violations"]) and result.code == 0


def test_a_waiver_with_design_md_fields_only_applies(zwgk, evidence: Path, tmp_path: Path) -> None:
    """DESIGN.md's fields: rule, optional record or department, reason, approved_by, expires
    (no 批准文号, one record written as `record`)."""
    (tmp_path / "w.yaml").write_text(
        "- rule: songjiang-psb-2022/consultation-reply-1wd\n  record: C-1\n  reason: 平台故障\n  approved_by: 区政务公开办\n  expires: 2023-06-30\n",
        encoding="utf-8",
    )
    result, report = _run(zwgk, evidence, tmp_path / "out", "--waivers", tmp_path / "w.yaml")
    waived = {v["record_id"]: v for v in _finding(report, RULE)["violations"]}
    assert waived["C-1"]["waiver"] == "已豁免：平台故障（区政务公开办，有效期至 2023-06-30）"
    assert waived["C-2"]["waived"] is False and result.code == 1
    (tmp_path / "both.yaml").write_text(
        "- rule: songjiang-psb-2022/consultation-reply-1wd\n  record: C-1\n  records: [C-2]\n  reason: x\n  approved_by: y\n  expires: 2023-06-30\n",
        encoding="utf-8",
    )
    both, _ = _run(zwgk, evidence, tmp_path / "out2", "--waivers", tmp_path / "both.yaml")
    assert both.code == 2 and "record 和 records 只能写一个" in both.err


def test_expired_waiver_is_not_applied_and_is_reported(zwgk, evidence: Path, tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(WAIVER.format(expires="2023-02-28"), encoding="utf-8")
    result, report = _run(zwgk, evidence, tmp_path / "out", "--waivers", tmp_path / "w.yaml")
    finding = _finding(report, RULE)
    assert all(not v["waived"] for v in finding["violations"])
    expired = _finding(report, f"waivers/{RULE}/C-1-expired")
    assert (expired["status"], expired["severity"]) == ("fail", "minor")
    assert expired["violations"][0]["message"] == "豁免已于 2023-02-28 到期，相关违规不再豁免；如仍需豁免请重新审批"
    # The same waiver before its expiry date is applied.
    _, report = _run(zwgk, evidence, tmp_path / "out2", "--waivers", tmp_path / "w.yaml", as_of="2023-02-28")
    assert _finding(report, RULE)["violations"][0]["waived"] is True


def test_waiver_findings_read_in_chinese(zwgk, evidence: Path, tmp_path: Path) -> None:
    """An expired waiver's finding: measured values and its kind in Chinese on every page, not
    `rule …；expires …；problem expired` or 台账 waiver."""
    (tmp_path / "w.yaml").write_text(WAIVER.format(expires="2023-02-28"), encoding="utf-8")
    out = tmp_path / "out"
    zwgk("check", evidence, "--rules", "songjiang-psb-2022", "--year", "2022", "--as-of", "2023-03-01", "--out", out, "--waivers", tmp_path / "w.yaml")
    headline = f"规则 {RULE}；到期日 2023-02-28；问题 已过期"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert headline in html and "<dt>台账</dt><dd>豁免文件</dd>" in html and "<b>已过期</b>" in html
    assert headline in (out / "report.md").read_text(encoding="utf-8")
    junit = (out / "report.junit.xml").read_text(encoding="utf-8")
    assert headline in junit and '<property name="title" value="豁免文件" />' in junit
    for page in (html, junit):
        assert "expires" not in page and "problem" not in page and ">waiver<" not in page


def test_unused_waiver_is_reported(zwgk, evidence: Path, tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(WAIVER.format(expires="2023-06-30").replace("[C-1]", "[C-3]"), encoding="utf-8")
    _, report = _run(zwgk, evidence, tmp_path / "out", "--waivers", tmp_path / "w.yaml")
    unused = _finding(report, f"waivers/{RULE}/C-3-unused")
    assert unused["violations"][0]["message"] == "豁免未被使用（没有匹配到任何违规记录），请确认是否仍需保留"
    from checker.reporters.wording import measured_headline

    assert measured_headline(unused["measured"]) == f"规则 {RULE}；到期日 2023-06-30；问题 未使用"


SEVERAL_WAIVERS = [
    WAIVER.format(expires="2023-02-28"),  # C-1, expired at the as-of date
    WAIVER.format(expires="2023-06-30").replace("[C-1]", "[C-3]"),  # C-3 did not fail: unused
    WAIVER.format(expires="2023-06-30").replace("records: [C-1]", "department: 指挥处").replace("平台故障", "部门"),  # used: C-1
    WAIVER.format(expires="2023-01-31").replace("records: [C-1]", "records: [C-2, C-1]"),  # expired
    WAIVER.format(expires="2023-01-15").replace("  records: [C-1]\n", ""),  # the whole rule, expired
]


def test_waiver_finding_ids_follow_the_waiver_not_its_place_in_the_file(zwgk, evidence: Path, tmp_path: Path) -> None:
    """Reordering the waivers file keeps every waiver finding's id, so `zwgk diff` reports
    nothing new; ids name the waived rule and what the waiver covers."""
    (tmp_path / "a.yaml").write_text("".join(SEVERAL_WAIVERS), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("".join(reversed(SEVERAL_WAIVERS)), encoding="utf-8")
    _, first = _run(zwgk, evidence, tmp_path / "a", "--waivers", tmp_path / "a.yaml")
    _, second = _run(zwgk, evidence, tmp_path / "b", "--waivers", tmp_path / "b.yaml")
    ids = [f["rule_id"] for f in first["findings"] if f["pack"] == "waivers"]
    assert ids == [f["rule_id"] for f in second["findings"] if f["pack"] == "waivers"]
    hashed = [i for i in ids if "/#" in i]
    assert ids == sorted([f"waivers/{RULE}/C-1-expired", f"waivers/{RULE}/C-3-unused", f"waivers/{RULE}/all-expired", *hashed]) and len(hashed) == 1
    assert hashed[0].endswith("-expired") and len(set(ids)) == len(ids)
    diff = zwgk("diff", tmp_path / "a" / "report.json", tmp_path / "b" / "report.json").out
    assert "未通过的规则：新增 0，" in diff and "违规记录：新增 0，" in diff


def test_same_scope_waivers_get_distinct_ids(zwgk, evidence: Path, tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(WAIVER.format(expires="2023-01-31") + WAIVER.format(expires="2023-02-28"), encoding="utf-8")
    _, report = _run(zwgk, evidence, tmp_path / "out", "--waivers", tmp_path / "w.yaml")
    ids = [f["rule_id"] for f in report["findings"] if f["pack"] == "waivers"]
    assert ids == [f"waivers/{RULE}/C-1-expired", f"waivers/{RULE}/C-1-expired-2"]


def test_waiver_findings_point_at_the_waivers_file(zwgk, evidence: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """source.file is the waivers file as given (relative to the working folder when inside it),
    and the finding's violation names the line where the waiver starts."""
    (tmp_path / "w.yaml").write_text("# 豁免\n" + WAIVER.format(expires="2023-02-28"), encoding="utf-8")
    _, report = _run(zwgk, evidence, tmp_path / "out", "--waivers", tmp_path / "w.yaml", "--format", "sarif")
    expired = _finding(report, f"waivers/{RULE}/C-1-expired")
    assert expired["source"]["file"] == str(tmp_path / "w.yaml")
    assert (expired["violations"][0]["file"], expired["violations"][0]["row"]) == (str(tmp_path / "w.yaml"), 2)
    sarif = json.loads((tmp_path / "out" / "report.sarif").read_text(encoding="utf-8"))
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"].startswith("waivers/")]
    assert result["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": (tmp_path / "w.yaml").as_uri()}, "region": {"startLine": 2}}
    monkeypatch.chdir(tmp_path)
    for given in (tmp_path / "w.yaml", Path("w.yaml")):
        _, report = _run(zwgk, evidence, tmp_path / "out2", "--waivers", given, "--format", "sarif")
        assert _finding(report, f"waivers/{RULE}/C-1-expired")["source"]["file"] == "w.yaml"
        sarif = json.loads((tmp_path / "out2" / "report.sarif").read_text(encoding="utf-8"))
        [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"].startswith("waivers/")]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "w.yaml"}


def test_waiver_for_unknown_rule_of_a_loaded_pack_is_an_error(zwgk, evidence: Path, tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(WAIVER.format(expires="2023-06-30").replace("reply-1wd", "reply-2wd"), encoding="utf-8")
    result, _ = _run(zwgk, evidence, tmp_path / "out", "--waivers", tmp_path / "w.yaml")
    assert (result.code, result.err) == (2, "错误：豁免针对的规则 songjiang-psb-2022/consultation-reply-2wd 不存在（用 zwgk rules list 查看规则编号）\n")


def test_waiver_file_missing_field_names_line(zwgk, evidence: Path, tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(WAIVER.format(expires="2023-06-30").replace("  approved_by: 区政务公开办\n", ""), encoding="utf-8")
    result, _ = _run(zwgk, evidence, tmp_path / "out", "--waivers", tmp_path / "w.yaml")
    assert result.code == 2
    assert result.err == f"错误：{tmp_path / 'w.yaml'}:1：豁免[0].approved_by：缺少必填字段 “approved_by”\n"


def test_baseline_marks_new_persisting_resolved_a_year_apart(zwgk, tmp_path: Path) -> None:
    ev = tmp_path / "ev"
    write_csv(
        ev / "consultations.csv",
        HEADER,
        # 2022: C-1 late, C-2 late
        "C-1,指挥处,online_platform,2022-10-08 11:00,2022-10-11 09:00",
        "C-2,治安支队,online_platform,2022-11-01 09:00,2022-11-04 09:00",
        # 2023: C-2 is a 2022 record, unchanged; C-4 late (new)
        "C-4,治安支队,online_platform,2023-05-04 09:00,2023-05-08 09:00",
    )
    _, last_year = _run(zwgk, ev, tmp_path / "y2022")
    assert _finding(last_year, RULE)["status"] == "fail"
    # One year on, without --year (every record counts): C-1 corrected, C-2 still late, C-4 new.
    write_csv(
        ev / "consultations.csv",
        HEADER,
        "C-1,指挥处,online_platform,2022-10-08 11:00,2022-10-09 09:00",
        "C-2,治安支队,online_platform,2022-11-01 09:00,2022-11-04 09:00",
        "C-4,治安支队,online_platform,2023-05-04 09:00,2023-05-08 09:00",
    )
    out = tmp_path / "y2023"
    result = zwgk(
        "check", ev, "--rules", "songjiang-psb-2022", "--as-of", "2024-03-01", "--format", "json", "--out", out, "--baseline", tmp_path / "y2022" / "report.json"
    )
    assert result.code == 1
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    finding = _finding(report, RULE)
    assert finding["change"] == "persisting"
    assert {v["record_id"]: v["change"] for v in finding["violations"]} == {"C-2": "persisting", "C-4": "new"}
    baseline = report["summary"]["baseline"]
    assert baseline["violations"] == {"new": 1, "persisting": 1, "resolved": 1, "not_rechecked": 0}
    assert [(r["rule_id"], r["record_id"]) for r in baseline["resolved_violations"]] == [(RULE, "C-1")]
    diff = zwgk("diff", tmp_path / "y2022" / "report.json", out / "report.json")
    assert diff.code == 0
    assert "违规记录：新增 1，持续 1，已整改 1" in diff.out
    assert f"  {RULE} 记录 C-1：" in diff.out


def test_waived_items_are_neither_new_nor_persisting_nor_resolved(zwgk, evidence: Path, tmp_path: Path) -> None:
    """Against a baseline, only what fails now is 新增/持续: new + persisting equal the report's
    未通过 rules and its violations not waived; a violation now waived is not 已整改 either."""
    _, _ = _run(zwgk, evidence, tmp_path / "last")  # C-1 and C-2 late
    last = tmp_path / "last" / "report.json"
    (tmp_path / "one.yaml").write_text(WAIVER.format(expires="2023-06-30"), encoding="utf-8")  # C-1
    _, report = _run(zwgk, evidence, tmp_path / "one", "--waivers", tmp_path / "one.yaml", "--baseline", last, "--format", "md")
    baseline = report["summary"]["baseline"]
    assert baseline["findings"] == {"new": 0, "persisting": 1, "resolved": 0, "not_rechecked": 0}
    assert baseline["violations"] == {"new": 0, "persisting": 1, "resolved": 0, "not_rechecked": 0}
    assert report["summary"]["violations"] - report["summary"]["waived_violations"] == 1
    assert "| 违规记录 | 0 | 1 | 0 |" in (tmp_path / "one" / "report.md").read_text(encoding="utf-8")

    (tmp_path / "all.yaml").write_text(WAIVER.format(expires="2023-06-30").replace("[C-1]", "[C-1, C-2]"), encoding="utf-8")
    _, report = _run(zwgk, evidence, tmp_path / "all", "--waivers", tmp_path / "all.yaml", "--baseline", last)
    finding = _finding(report, RULE)
    assert (finding["status"], finding["change"]) == ("waived", None)
    baseline = report["summary"]["baseline"]
    assert baseline["findings"] == {"new": 0, "persisting": 0, "resolved": 0, "not_rechecked": 0}
    assert baseline["violations"] == {"new": 0, "persisting": 0, "resolved": 0, "not_rechecked": 0}
    diff = zwgk("diff", last, tmp_path / "all" / "report.json").out
    assert "未通过的规则：新增 0，持续 0，已整改 0" in diff and "违规记录：新增 0，持续 0，已整改 0" in diff
    assert RULE not in diff


def test_baseline_that_is_not_a_report(zwgk, evidence: Path, tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("[1, 2]", encoding="utf-8")
    result, _ = _run(zwgk, evidence, tmp_path / "out", "--baseline", tmp_path / "old.json")
    assert (result.code, result.err) == (2, f"错误：{tmp_path / 'old.json'}：不是 zwgk 生成的 report.json（缺少 summary 或 findings）\n")


def test_diff_names_the_report_that_is_missing(zwgk, evidence: Path, tmp_path: Path) -> None:
    _run(zwgk, evidence, tmp_path / "out")
    there, missing = tmp_path / "out" / "report.json", tmp_path / "nope.json"
    assert zwgk("diff", there, missing).err == f"错误：{missing}：找不到新报告\n"
    assert zwgk("diff", missing, there).err == f"错误：{missing}：找不到基准报告\n"
    assert zwgk("check", evidence, "--baseline", missing, "--out", tmp_path / "x").err == f"错误：{missing}：找不到基准报告\n"


def test_two_reviews_a_year_apart_with_year_compare_rules_not_old_records(zwgk, tmp_path: Path) -> None:
    """--year 2022 then --year 2023: last year's records are outside the new run, so their
    violations are neither persisting nor resolved; rules still compare, in JSON, HTML and diff."""
    ev = tmp_path / "ev"
    write_csv(
        ev / "consultations.csv",
        HEADER,
        "C-1,指挥处,online_platform,2022-10-08 11:00,2022-10-11 09:00",  # 2022, late
        "C-4,治安支队,online_platform,2023-05-04 09:00,2023-05-08 09:00",  # 2023, late
    )
    common = ("--rules", "songjiang-psb-2022", "--format", "json", "--format", "html", "--format", "md")
    zwgk("check", ev, *common, "--year", "2022", "--as-of", "2023-01-15", "--out", tmp_path / "y2022")
    old = tmp_path / "y2022" / "report.json"
    assert zwgk("check", ev, *common, "--year", "2023", "--as-of", "2024-01-15", "--out", tmp_path / "y2023", "--baseline", old).code == 1
    report = json.loads((tmp_path / "y2023" / "report.json").read_text(encoding="utf-8"))
    assert _finding(report, RULE)["change"] == "persisting"
    assert [v["change"] for v in _finding(report, RULE)["violations"]] == ["new"]
    baseline = report["summary"]["baseline"]
    assert baseline["violations"] == {"new": 1, "persisting": 0, "resolved": 0, "not_rechecked": 1}
    assert baseline["resolved_violations"] == []
    html = (tmp_path / "y2023" / "report.html").read_text(encoding="utf-8")
    assert "另有上次检查的违规记录 1 条属于 2022 年度，不在本次检查范围" in html
    diff = zwgk("diff", old, tmp_path / "y2023" / "report.json").out
    assert "违规记录：新增 1，持续 0，已整改 0" in diff
    assert "另有基准报告的违规记录 1 条属于 2022 年度，不在本次（2023 年度）检查范围" in diff


def test_a_record_id_used_again_next_year_is_another_record(zwgk, tmp_path: Path) -> None:
    """Ledgers numbered from 001 every year: C-1 of 2023 is not C-1 of 2022, so its violation is
    new, not 持续; a rule that failed in 2022 and has no records in 2023 is said as not rechecked."""
    ev = tmp_path / "ev"
    write_csv(ev / "consultations.csv", HEADER, "C-1,指挥处,online_platform,2022-10-08 11:00,2022-10-11 09:00")
    common = ("--rules", "songjiang-psb-2022", "--format", "json")
    zwgk("check", ev, *common, "--year", "2022", "--as-of", "2023-01-15", "--out", tmp_path / "y2022")
    old = tmp_path / "y2022" / "report.json"
    write_csv(ev / "consultations.csv", HEADER, "C-1,指挥处,online_platform,2023-05-04 09:00,2023-05-08 09:00")
    zwgk("check", ev, *common, "--year", "2023", "--as-of", "2024-01-15", "--out", tmp_path / "y2023", "--baseline", old)
    report = json.loads((tmp_path / "y2023" / "report.json").read_text(encoding="utf-8"))
    assert [v["change"] for v in _finding(report, RULE)["violations"]] == ["new"]
    assert report["summary"]["baseline"]["violations"] == {"new": 1, "persisting": 0, "resolved": 0, "not_rechecked": 1}
    # the next year without consultations: the rule is not judged, and diff says so
    (ev / "consultations.csv").unlink()
    write_csv(ev / "activities.csv", "id,department,type,date", "A-1,指挥处,training,2023-03-01")
    zwgk("check", ev, *common, "--year", "2023", "--as-of", "2024-01-15", "--out", tmp_path / "none")
    diff = zwgk("diff", old, tmp_path / "none" / "report.json").out
    assert f"另有基准报告中未通过的规则 1 条本次没有检查（没有适用的记录或不在本次规则包中），既不算持续也不算已整改：{RULE}" in diff


def test_a_yearly_count_missed_two_years_running_is_this_years_violation_not_last_years(zwgk, tmp_path: Path) -> None:
    """count and ratio violations name their period: no leader briefing in 2023 is a new
    violation of 2023, and 2022's is not rechecked — not one 持续 violation matched across years."""
    ev = tmp_path / "ev"
    write_csv(ev / "activities.csv", "id,department,type,date", "A-1,指挥处,training,2022-05-01", "A-2,指挥处,training,2023-05-01")
    common = ("--rules", "songjiang-psb-2022", "--format", "json")
    zwgk("check", ev, *common, "--year", "2022", "--as-of", "2023-01-15", "--out", tmp_path / "y2022")
    zwgk("check", ev, *common, "--year", "2023", "--as-of", "2024-01-15", "--out", tmp_path / "y2023", "--baseline", tmp_path / "y2022" / "report.json")
    report = json.loads((tmp_path / "y2023" / "report.json").read_text(encoding="utf-8"))
    [v] = _finding(report, "songjiang-psb-2022/leader-briefing-yearly")["violations"]
    assert (v["period"], v["change"]) == ("2023-01-01 至 2023-12-31", "new")
    assert report["summary"]["baseline"]["violations"]["persisting"] == 0


def test_violations_with_nothing_to_tell_them_apart_keep_their_own_keys() -> None:
    """An any_of rule's failed alternatives name no record, department or period: each still
    counts once in a baseline comparison and gets its own SARIF fingerprint."""
    from checker.baseline import compare, violation_keys

    both = [{"record_id": None, "department": None, "period": None, "message": f"（{name}）未达到"} for name in ("开放日", "开放周")]
    assert violation_keys("p/r", both) == ["p/r|dept:|", "p/r|dept:|#2"]

    def report(violations: list[dict]) -> dict:  # type: ignore[type-arg]
        return {"summary": {"year": 2022}, "findings": [{"rule_id": "p/r", "status": "fail", "violations": violations}]}

    changes = compare(report(both), report(both))
    assert (len(changes["violations"]["persisting"]), changes["violations"]["new"]) == (2, [])
    assert compare(report(both[:1]), report(both))["violations"]["new"] == ["p/r|dept:|#2"]
