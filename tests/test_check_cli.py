"""End-to-end `zwgk check` / `validate` / `rules` behaviour through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import write_csv

HEADER = "id,department,channel,received_at,replied_at"


@pytest.fixture
def golden_week(tmp_path: Path) -> Path:
    """The issue's three online-platform messages around the 2022 National Day holiday."""
    write_csv(
        tmp_path / "ev" / "consultations.csv",
        HEADER,
        "C-1,指挥处,online_platform,2022-09-30 16:00,2022-10-08 10:00",  # Fri → Sat make-up day: on time
        "C-2,指挥处,online_platform,2022-10-01 09:00,2022-10-08 17:00",  # holiday → first working day 10-08
        "C-3,指挥处,online_platform,2022-10-08 11:00,2022-10-11 09:00",  # Sat make-up → due Sun 10-09: late
    )
    return tmp_path / "ev"


def _check(zwgk, evidence: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return zwgk("check", evidence, "--rules", "songjiang-psb-2022", "--year", "2022", "--as-of", "2023-03-01", "--format", "json", "--out", out, *extra)


def test_make_up_weekend_acceptance(zwgk, golden_week: Path, tmp_path: Path) -> None:
    result = _check(zwgk, golden_week, tmp_path / "out")
    assert result.code == 1, result.err
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    finding = next(f for f in report["findings"] if f["rule_id"] == "songjiang-psb-2022/consultation-reply-1wd")
    assert finding["status"] == "fail"
    assert [v["record_id"] for v in finding["violations"]] == ["C-3"]
    violation = finding["violations"][0]
    assert violation == {
        "record_id": "C-3",
        "department": "指挥处",
        "file": "consultations.csv",
        "sheet": None,
        "row": 4,
        "expected": "不晚于 2022-10-09（1个工作日内）",
        "actual": "2022-10-11 09:00",
        "message": "收到时间 2022-10-08 11:00，应不晚于 2022-10-09，实际答复时间 2022-10-11 09:00，超期 2 个工作日",
        "period": None,
        "waived": False,
        "waiver": None,
        "change": None,
    }
    assert finding["measured"] == {"records": 3, "on_time": 2, "late": 1, "overdue": 0, "pending": 0, "compliance_rate": 0.6667}


def test_report_json_is_byte_identical(zwgk, golden_week: Path, tmp_path: Path) -> None:
    _check(zwgk, golden_week, tmp_path / "a")
    _check(zwgk, golden_week, tmp_path / "b")
    assert (tmp_path / "a" / "report.json").read_bytes() == (tmp_path / "b" / "report.json").read_bytes()


def test_report_json_contract_keys(zwgk, golden_week: Path, tmp_path: Path) -> None:
    _check(zwgk, golden_week, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert set(report) == {"summary", "findings"}
    for finding in report["findings"]:
        assert {"rule_id", "pack", "title", "severity", "kind", "status", "source", "measured", "violations"} <= set(finding)
        assert set(finding["source"]) == {"file", "clause", "quote"}
        for v in finding["violations"]:
            assert {"record_id", "department", "file", "row", "expected", "actual", "message"} <= set(v)


def test_fail_on_threshold_controls_exit_code(zwgk, golden_week: Path, tmp_path: Path) -> None:
    # The consultation rule is `major`; the other rules see no evidence of their kind.
    assert _check(zwgk, golden_week, tmp_path / "o1", "--fail-on", "major").code == 1
    assert _check(zwgk, golden_week, tmp_path / "o2", "--fail-on", "critical").code == 0
    assert _check(zwgk, golden_week, tmp_path / "o3", "--fail-on", "never").code == 0
    assert _check(zwgk, golden_week, tmp_path / "o4", "--fail-on", "minor").code == 1


def test_missing_reply_is_pending_before_deadline_and_failed_after(zwgk, tmp_path: Path) -> None:
    write_csv(tmp_path / "ev" / "consultations.csv", HEADER, "C-9,指挥处,online_platform,2022-12-30 10:00,")
    # Fri 2022-12-30 + 1 working day = Tue 2023-01-03 (New Year holiday 12-31..01-02).
    early = _check(zwgk, tmp_path / "ev", tmp_path / "o1", "--as-of", "2023-01-03")
    report = json.loads((tmp_path / "o1" / "report.json").read_text(encoding="utf-8"))
    finding = next(f for f in report["findings"] if f["rule_id"].endswith("consultation-reply-1wd"))
    assert (early.code, finding["status"], finding["violations"]) == (0, "pending", [])
    late = _check(zwgk, tmp_path / "ev", tmp_path / "o2", "--as-of", "2023-01-04")
    report = json.loads((tmp_path / "o2" / "report.json").read_text(encoding="utf-8"))
    finding = next(f for f in report["findings"] if f["rule_id"].endswith("consultation-reply-1wd"))
    assert late.code == 1
    assert finding["violations"][0]["message"] == "收到时间 2022-12-30 10:00，应不晚于 2023-01-03，截至 2023-01-04 仍无答复时间（已逾期）"


def test_year_selects_records_by_received_date(zwgk, tmp_path: Path) -> None:
    write_csv(
        tmp_path / "ev" / "consultations.csv",
        HEADER,
        "A,指挥处,online_platform,2021-06-01 10:00,2021-06-09 10:00",  # 2021, late
        "B,指挥处,online_platform,2022-06-01 10:00,2022-06-01 15:00",  # 2022, on time
    )
    _check(zwgk, tmp_path / "ev", tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    finding = next(f for f in report["findings"] if f["rule_id"].endswith("consultation-reply-1wd"))
    assert (finding["status"], finding["measured"]["records"]) == ("pass", 1)
    # Without --year every record counts.
    zwgk("check", tmp_path / "ev", "--rules", "songjiang-psb-2022", "--as-of", "2023-03-01", "--format", "json", "--out", tmp_path / "all")
    report = json.loads((tmp_path / "all" / "report.json").read_text(encoding="utf-8"))
    finding = next(f for f in report["findings"] if f["rule_id"].endswith("consultation-reply-1wd"))
    assert (finding["status"], finding["measured"]["records"]) == ("fail", 2)


def test_bad_date_in_evidence_exits_2_naming_file_row_column(zwgk, tmp_path: Path) -> None:
    write_csv(tmp_path / "ev" / "consultations.csv", HEADER, "C-1,指挥处,online_platform,2022-02-30 10:00,")
    result = _check(zwgk, tmp_path / "ev", tmp_path / "out")
    assert result.code == 2
    assert result.err == (
        "错误：consultations.csv 第2行 D列（收到时间）：无法识别的日期 “2022-02-30 10:00”"
        "（应为 2022-03-05、2022/3/5、2022.3.5 或 2022年3月5日 等格式，可带时间 14:30 或 14时30分；日期须真实存在，时间不超过 23:59）\n"
    )
    assert "Traceback" not in result.err
    assert not (tmp_path / "out" / "report.json").exists()


RULE_WITH_UNKNOWN_KEY = """\
pack:
  id: my-pack
  title: 自定义规则包
  issuer: 测试单位
  year: 2022
  source_file: my.txt
rules:
  - id: my-pack/reply
    title: 答复期限
    severity: major
    kind: consultation
    check: {type: deadline, start: received_at, end: replied_at, within: {working_days: 1}}
    source: {file: my.txt, clause: 一, quote: 一个工作日}
    colour: red
"""


def test_rule_file_with_unknown_key_exits_2_naming_file_and_line(zwgk, golden_week: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my.yaml").write_text(RULE_WITH_UNKNOWN_KEY, encoding="utf-8")
    result = zwgk("check", golden_week, "--rules", "my.yaml", "--out", tmp_path / "out")
    assert result.code == 2
    assert result.err == "错误：my.yaml:14：rules[0]（my-pack/reply）.colour：未知字段 “colour”\n"


def test_rule_file_yaml_syntax_error_names_line(zwgk, golden_week: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my.yaml").write_text("pack:\n  id: x\n  title: [unclosed\n", encoding="utf-8")
    result = zwgk("check", golden_week, "--rules", "my.yaml", "--out", tmp_path / "out")
    assert result.code == 2
    assert result.err.startswith("错误：my.yaml:4：YAML 语法错误：")


def test_unknown_pack_id_is_a_usage_error(zwgk, golden_week: Path, tmp_path: Path) -> None:
    result = zwgk("check", golden_week, "--rules", "no-such-pack", "--out", tmp_path / "out")
    assert result.code == 2
    assert result.err.startswith("错误：未知的规则包 “no-such-pack”（内置规则包：")


def test_bad_as_of_date(zwgk, golden_week: Path, tmp_path: Path) -> None:
    result = zwgk("check", golden_week, "--as-of", "昨天", "--out", tmp_path / "out")
    assert (result.code, result.err) == (2, "错误：--as-of 的日期 “昨天” 无法识别（应为 2023-03-01、2023/3/1 或 2023年3月1日）\n")


def test_a_day_that_does_not_exist_is_said_so(zwgk, golden_week: Path, tmp_path: Path) -> None:
    result = zwgk("check", golden_week, "--as-of", "2023-02-29", "--out", tmp_path / "out")
    assert (result.code, result.err) == (2, "错误：--as-of 的日期 “2023-02-29” 不存在，请检查月份和日期\n")


def test_an_empty_as_of_is_refused_not_today(zwgk, golden_week: Path, tmp_path: Path) -> None:
    result = zwgk("check", golden_week, "--as-of", "", "--out", tmp_path / "out")
    assert (result.code, result.err) == (2, "错误：--as-of 的日期 “” 无法识别（应为 2023-03-01、2023/3/1 或 2023年3月1日）\n")


def test_an_output_folder_that_cannot_be_written_is_refused_before_the_work(zwgk, golden_week: Path, tmp_path: Path) -> None:
    """Exit 2 with the path and the reason in Chinese, and nothing written: not an internal
    error after the check, not half a report set."""
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    result = zwgk("check", golden_week, "--out", a_file / "sub")
    assert (result.code, result.err) == (2, f"错误：无法写出报告：{a_file} 是文件，不是文件夹（--out {a_file / 'sub'}）\n")
    taken = tmp_path / "taken"
    (taken / "report.json").mkdir(parents=True)
    result = zwgk("check", golden_week, "--out", taken)
    assert result.code == 2 and "中已有同名的文件夹 report.json" in result.err
    assert sorted(p.name for p in taken.iterdir()) == ["report.json"], "nothing written"


def test_a_write_that_fails_midway_is_exit_2_naming_the_file(zwgk, golden_week: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from checker import reporters

    def full(path: Path, content: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(reporters, "write_atomic", full)
    result = zwgk("check", golden_week, "--format", "json", "--out", tmp_path / "out")
    assert result.code == 2 and "内部错误" not in result.err
    assert result.err == f"错误：无法写出报告 {tmp_path / 'out' / 'report.json'}：磁盘空间不足（ENOSPC No space left on device）\n"


def test_missing_evidence_path(zwgk, tmp_path: Path) -> None:
    result = zwgk("check", tmp_path / "nope", "--out", tmp_path / "out")
    assert (result.code, result.err) == (2, f"错误：{tmp_path / 'nope'}：找不到佐证材料路径\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check",), "缺少参数 EVIDENCE"),
        (("check", "a", "b"), "多余的参数：b"),
        (("check", "a", "--nope"), "没有选项 --nope"),
        (("check", "a", "--format", "pdf"), "--format 的值无效：“pdf” 不是可选值之一（可选：html、json、junit、sarif、md）"),
        (("check", "a", "--year", "二〇二二"), "--year 的值无效：“二〇二二” 不是整数"),
        (("check", "a", "--out"), "选项 --out 需要一个值"),
        (("nosuch",), "没有命令 nosuch"),
        (("calendar", "deadline", "2022-01-01", "-1"), "没有选项 -1（负数会被当作选项；参数中的负数请写在 -- 之后，如 -- -1）"),
        (("calendar", "deadline", "2023-04-22", "abc"), "N 的值无效：“abc” 不是整数"),
    ],
)
def test_click_usage_errors_are_exit_2_in_chinese(zwgk, args: tuple[str, ...], message: str) -> None:
    result = zwgk(*args)
    assert (result.code, result.err) == (2, f"用法错误：{message}（用 zwgk --help 查看用法）\n")


def test_help_is_chinese_to_the_frame(zwgk) -> None:
    text = zwgk("check", "--help").out
    assert text.startswith("用法：zwgk check [OPTIONS] EVIDENCE") and "\n选项：\n" in text and "显示本帮助并退出。" in text
    assert "Usage:" not in text and "Options:" not in text and "Show this message" not in text
    bare = zwgk()
    assert bare.err.startswith("用法：zwgk [OPTIONS] COMMAND") and "\n命令：\n" in bare.err and "用法错误" not in bare.err


def test_kinds_without_evidence_are_not_applicable_and_listed(zwgk, golden_week: Path, tmp_path: Path) -> None:
    _check(zwgk, golden_week, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert "activity" in report["summary"]["kinds_without_evidence"]
    training = next(f for f in report["findings"] if f["rule_id"].endswith("training-by-oct"))
    assert (training["status"], training["measured"]) == ("not_applicable", {"evidence_provided": False})


def test_validate_lists_files(zwgk, golden_week: Path) -> None:
    result = zwgk("validate", golden_week)
    assert result.code == 0
    assert result.out.splitlines()[:2] == ["校验通过：1 个表，3 条记录。", "  consultations.csv：consultation，3 条，UTF-8"]


def test_rules_show(zwgk) -> None:
    result = zwgk("rules", "show", "songjiang-psb-2022/consultation-reply-1wd")
    assert result.code == 0
    assert "原文：“网上咨询求助平台答复期限不超过1个工作日”" in result.out
    assert "要求：渠道为网上咨询求助平台：答复时间不晚于收到时间后1个工作日" in result.out
    missing = zwgk("rules", "show", "songjiang-psb-2022/nope")
    assert missing.code == 2


def test_profile_sets_the_city_limit_for_check_and_rules_show(zwgk, tmp_path: Path) -> None:
    evidence = write_csv(tmp_path / "ev" / "consultations.csv", HEADER, "RX-1,交警支队,hotline_12345,2022-09-26 10:00,2022-10-09 16:00").parent
    profile = tmp_path / "city.yaml"
    profile.write_text(
        "name: 本市2022年度检查\npacks: [songjiang-psb-2022]\noverrides:\n  songjiang-psb-2022/consultation-12345:\n    check: {within: {working_days: 3}}\n",
        encoding="utf-8",
    )

    def finding(out: Path) -> dict:  # type: ignore[type-arg]
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        return next(f for f in report["findings"] if f["rule_id"] == "songjiang-psb-2022/consultation-12345")

    common = ("--year", "2022", "--as-of", "2023-03-01", "--format", "json")
    assert zwgk("check", evidence, "--rules", "songjiang-psb-2022", *common, "--out", tmp_path / "default").code in (0, 1)
    assert finding(tmp_path / "default")["status"] == "pass"  # 5th working day, default placeholder 15
    assert zwgk("check", evidence, "--profile", profile, *common, "--out", tmp_path / "city").code == 0  # a minor rule
    assert zwgk("check", evidence, "--profile", profile, *common, "--fail-on", "minor", "--out", tmp_path / "city").code == 1
    city = finding(tmp_path / "city")
    assert city["status"] == "fail" and city["requirement"] == "渠道为12345热线：答复时间不晚于收到时间后3个工作日"
    shown = zwgk("rules", "show", "songjiang-psb-2022/consultation-12345", "--profile", profile)
    assert "3个工作日" in shown.out
    both = zwgk("check", evidence, "--profile", profile, "--rules", "national-2019", "--out", tmp_path / "x")
    assert both.code == 2 and "--profile 与 --rules 不能同时使用" in both.err


def test_the_garbage_collector_is_off_during_a_check_and_back_on_after(zwgk, golden_week: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`zwgk check` runs without the cyclic collector (docs/performance.md) and switches it back
    on afterwards, after a good run and after one that ends with bad evidence."""
    import gc

    from checker import engine

    seen = []
    real_run_check = engine.run_check

    def spying_run_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real_run_check(*args, **kwargs)

    monkeypatch.setattr(engine, "run_check", spying_run_check)
    assert gc.isenabled()
    assert _check(zwgk, golden_week, tmp_path / "out").code == 1
    assert seen == [False]
    assert gc.isenabled()
    bad = write_csv(tmp_path / "bad" / "consultations.csv", HEADER, "C-1,指挥处,online_platform,2022-02-30 16:00,")
    assert _check(zwgk, bad.parent, tmp_path / "out2").code == 2
    assert gc.isenabled()


@pytest.mark.parametrize("text", ["2023-03-01", "2024-02-29", "2022-12-31", "1999-01-01", "2023-02-30", "2023-13-01", "2023-3-1", "2023/3/1", "2023年3月1日", "20230301", "2023-W09"])
def test_as_of_dates_read_alike_with_or_without_the_iso_shortcut(text: str) -> None:
    """`--as-of 2023-03-01` skips building the evidence date parser; every text must give the
    date (or the error) that parser gives."""
    import polars as pl

    from checker.cli import parse_cli_date
    from checker.errors import UsageError
    from checker.evidence.parse import parse_datetime

    parsed = pl.select(parse_datetime(pl.lit(text, dtype=pl.String))).item()
    if parsed is None:
        with pytest.raises(UsageError, match="--as-of 的日期"):
            parse_cli_date(text, "--as-of")
    else:
        assert parse_cli_date(text, "--as-of") == parsed.date()


def test_unchecked_evidence_is_said_on_stderr_and_in_report_json(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_csv(tmp_path / "ev" / "tasks.csv", "编号,任务分解表,工作任务,牵头单位,责任单位,时间节点,完成时间,佐证材料", "RW-1,2022年度政务公开工作任务分解表,年内组织培训,政治处,指挥处,10月底前,,")
    result = zwgk("check", tmp_path / "ev", "--year", "2022", "--as-of", "2023-03-01", "--format", "json", "--out", tmp_path / "out")
    assert result.code == 0
    note = "tasks.csv：1 项任务属于任务分解表“2022年度政务公开工作任务分解表”，已加载的规则包中没有检查该分解表的任务规则，未检查"
    assert f"注意：{note}" in result.err
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["summary"]["unchecked"][0].startswith(note)


def test_unchecked_tasks_name_every_file_they_are_in(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    header = "编号,任务分解表,工作任务,牵头单位,责任单位,时间节点,完成时间,佐证材料"
    write_csv(tmp_path / "ev" / "tasks_指挥处.csv", header, "RW-1,2022年度某表,一项,指挥处,指挥处,10月底前,,")
    write_csv(tmp_path / "ev" / "tasks_政治处.csv", header, "RW-2,2022年度某表,二项,政治处,政治处,10月底前,,", "RW-3,2022年度某表,三项,政治处,政治处,10月底前,,")
    zwgk("check", tmp_path / "ev", "--year", "2022", "--as-of", "2023-03-01", "--format", "json", "--out", tmp_path / "out")
    [note] = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["summary"]["unchecked"]
    assert note.startswith("tasks_指挥处.csv、tasks_政治处.csv：3 项任务属于任务分解表“2022年度某表”")
