"""A user's rule file that names a field of the wrong type, or a value the column cannot hold, is a
rule error (exit 2, file and line, in Chinese) — not an internal error from polars (exit 3) and not
a filter that silently matches nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

HEAD = "pack: {id: rv, title: 测试, issuer: 测试, year: 2022, source_file: x.txt}\nrules:\n"


def _pack(kind: str, check: str, where: str = "") -> str:
    rule = f"  - id: rv/r1\n    title: 测试规则\n    severity: major\n    kind: {kind}\n    source: {{file: x.txt, clause: 一, quote: 引文}}\n"
    if where:
        rule += f"    where: {where}\n"
    return HEAD + rule + f"    check: {check}\n"


DEADLINE = "{type: deadline, start: received_at, end: replied_at, within: {working_days: 1}}"
FOI = "{{type: deadline, start: received_at, end: replied_at, within: {{working_days: 20}}, {0}}}"


@pytest.mark.parametrize(
    ("kind", "check", "where", "message"),
    [
        # where-values of another type than the column
        ("consultation", DEADLINE, "{department: 1}", "筛选条件中的字段 “department”（责任部门）类型为文本，值 1 与之不符（文本值请加引号，如 \"1\"）"),
        ("consultation", DEADLINE, "{department: [指挥处, true]}", "值 true 与之不符"),
        ("foi_request", DEADLINE.replace("{working_days: 1}", "{working_days: 20}"), "{extended: 是}", "类型为是/否，值 “是” 与之不符（写作 true 或 false）"),
        ("publication", "{type: date_by, date: published_at, due: \"01-31\"}", "{covers_year: \"2021\"}", "类型为年度，值 “2021” 与之不符（写作不带引号的四位年份，如 2021）"),
        ("consultation", DEADLINE, "{received_at: \"2022-03-07\"}", "筛选条件中的字段 “received_at”（收到时间）类型为日期时间，不能按值筛选"),
        ("consultation", DEADLINE, "{channel: []}", "筛选条件中的字段 “channel”（渠道）的取值列表为空，不会选中任何记录"),
        # fields of another type than the check needs
        ("consultation", "{type: deadline, start: department, end: replied_at, within: {working_days: 1}}", "", "字段 “department”（责任部门）类型为文本，这里需要日期或日期时间类型的字段"),
        ("activity", "{type: count, date: title, min: 1}", "", "字段 “title”（名称）类型为文本，这里需要日期或日期时间类型的字段"),
        ("activity", "{type: frequency, date: note, per: week, min: 1}", "", "字段 “note”（备注）类型为文本"),
        ("decision", "{type: duration, start: title, end: consultation_end, min: {days: 30}}", "", "字段 “title”（标题）类型为文本"),
        ("publication", "{type: date_by, date: id, due: \"01-31\"}", "", "字段 “id”（编号）类型为文本，这里需要日期或日期时间类型的字段"),
        ("publication", "{type: date_by, date: published_at, covers: published_at, due: \"01-31\"}", "", "类型为日期，这里需要年度或整数类型的字段"),
        ("foi_request", FOI.format("exclude: [[legal_basis, third_party_to]]"), "", "字段 “legal_basis”（不予公开依据）类型为文本，这里需要日期或日期时间类型的字段"),
        ("foi_request", FOI.format("extension: {flag: legal_basis}"), "", "字段 “legal_basis”（不予公开依据）类型为文本，这里需要是/否类型的字段"),
        (
            "policy_document",
            "{type: related, other: interpretation, key: published_at, other_key: document_id}",
            "",
            "字段 “published_at”（公开日期，日期时间）与关联台账的字段 “document_id”（政策文件编号，文本）类型不同，无法对应",
        ),
        # bounds a rule cannot mean
        ("consultation", DEADLINE.replace("{working_days: 1}", "{hours: 99999999999999}"), "", "check.within.hours：应不大于 87840"),
        ("consultation", DEADLINE.replace("{working_days: 1}", "{working_days: true}"), "", "check.within.working_days：应为整数"),
        ("fact", "{type: threshold, key: appraisal_weight_percent, min: .nan}", "", "check.min：应为有限的数字（不能是 .nan 或 .inf）"),
    ],
)
def test_a_field_or_value_of_the_wrong_type_is_a_rule_error(zwgk, tmp_path: Path, kind: str, check: str, where: str, message: str) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(_pack(kind, check, where), encoding="utf-8")
    result = zwgk("rules", "list", "--rules", rules)
    assert result.code == 2, result.out
    assert "Traceback" not in result.err and "内部错误" not in result.err
    assert "rules.yaml:" in result.err and message in result.err, result.err


@pytest.mark.parametrize(
    ("kind", "check", "where"),
    [
        ("consultation", DEADLINE, "{department: \"1\", channel: [online_platform, hotline_12345]}"),
        ("foi_request", FOI.format("exclude: [[third_party_from, third_party_to]], extension: {working_days: 20}"), "{extended: true}"),
        ("publication", "{type: date_by, date: published_at, due: \"01-31\"}", "{covers_year: 2021}"),
        ("consultation", DEADLINE, "{replied_at: {empty: false}}"),
        ("fact", "{type: threshold, key: appraisal_weight_percent, min: 4}", "{value: {not: [0, 0.5]}}"),
    ],
)
def test_the_same_rules_written_with_the_right_types_load(zwgk, tmp_path: Path, kind: str, check: str, where: str) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(_pack(kind, check, where), encoding="utf-8")
    result = zwgk("rules", "list", "--rules", rules)
    assert result.code == 0, result.err
    assert "rv/r1" in result.out
