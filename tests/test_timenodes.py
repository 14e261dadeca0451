"""Time nodes: every phrasing the tables use, every node in the five seeds, and the errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from checker.calendar import default_calendar
from checker.errors import CheckerError
from checker.tasktable import NO_TIME_NODE, SEED_TABLES, parse_task_table
from checker.timenodes import TimeNode, TimeNodeError, parse_time_node

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
D = dt.date
QUARTER_ENDS_2022 = [D(2022, 3, 31), D(2022, 6, 30), D(2022, 9, 30), D(2022, 12, 31)]

# text, plan year, kind, due dates in review year 2022 (relative: see below), describe()
CASES: list[tuple[str, int, str, list[dt.date], str]] = [
    ("全年", 2022, "once", [D(2022, 12, 31)], "全年（2022年12月31日前完成）"),
    ("年底前", 2022, "once", [D(2022, 12, 31)], "2022年12月31日前"),
    ("每年年底前", 2021, "recurring", [D(2022, 12, 31)], "每年12月31日前"),
    ("2022年年底前", 2021, "once", [D(2022, 12, 31)], "2022年12月31日前"),
    ("9月底前", 2022, "once", [D(2022, 9, 30)], "2022年9月30日前"),
    ("10月底前", 2022, "once", [D(2022, 10, 31)], "2022年10月31日前"),
    ("6月底前", 2022, "once", [D(2022, 6, 30)], "2022年6月30日前"),
    ("1月31日前", 2022, "once", [D(2022, 1, 31)], "2022年1月31日前"),
    ("每年的3月1日前", 2022, "recurring", [D(2022, 3, 1)], "每年3月1日前"),
    ("每年的1月31日前", 2022, "recurring", [D(2022, 1, 31)], "每年1月31日前"),
    ("8月", 2022, "once", [D(2022, 8, 31)], "2022年8月内（8月1日至8月31日）"),
    ("８月", 2022, "once", [D(2022, 8, 31)], "2022年8月内（8月1日至8月31日）"),
    ("2020.3", 2020, "once", [D(2020, 3, 31)], "2020年3月31日前"),
    ("2020.4", 2020, "once", [D(2020, 4, 30)], "2020年4月30日前"),
    ("2020.6", 2020, "once", [D(2020, 6, 30)], "2020年6月30日前"),
    ("2020.9", 2020, "once", [D(2020, 9, 30)], "2020年9月30日前"),
    ("2020.12", 2020, "once", [D(2020, 12, 31)], "2020年12月31日前"),
    ("2020.12\n2020.12", 2020, "once", [D(2020, 12, 31)], "2020年12月31日前"),
    ("按季度", 2022, "recurring", QUARTER_ENDS_2022, "每季度末（3月31日、6月30日、9月30日、12月31日前）"),
    ("按季度公开", 2022, "recurring", QUARTER_ENDS_2022, "每季度末（3月31日、6月30日、9月30日、12月31日前）"),
    ("每季度末", 2022, "recurring", QUARTER_ENDS_2022, "每季度末（3月31日、6月30日、9月30日、12月31日前）"),
    ("长期坚持", 2022, "continuous", [], "长期坚持（全年持续开展，需有当年的工作佐证）"),
    ("实时", 2020, "continuous", [], "实时（全年持续开展，需有当年的工作佐证）"),
    ("2024年7月底完成，长期坚持", 2024, "once", [D(2024, 7, 31)], "2024年7月31日前完成，此后长期坚持"),
    (
        "重大行政决策向社会公开征求意见的，征求意见期限不少于 30 日",
        2022,
        "continuous",
        [],
        "持续执行：征求意见期限不少于30日（逐项执行，需有当年的工作佐证）",
    ),
]


@pytest.mark.parametrize(("text", "plan_year", "kind", "due", "described"), CASES)
def test_time_node_table(text: str, plan_year: int, kind: str, due: list[dt.date], described: str) -> None:
    node = parse_time_node(text, plan_year)
    assert (node.kind, node.due_dates(2022), node.describe(), node.text) == (kind, due, described, text)


def test_recurring_nodes_follow_the_review_year() -> None:
    assert parse_time_node("按季度", 2022).due_dates(2023) == [D(2023, 3, 31), D(2023, 6, 30), D(2023, 9, 30), D(2023, 12, 31)]
    assert parse_time_node("每年年底前", 2022).due_dates(2024) == [D(2024, 12, 31)]
    assert parse_time_node("每年的3月1日前", 2022).due_dates(2023) == [D(2023, 3, 1)]
    # a once node stays on its date whatever the review year
    assert parse_time_node("9月底前", 2022).due_dates(2023) == [D(2022, 9, 30)]


def test_month_window() -> None:
    node = parse_time_node("8月", 2022)
    assert (node.not_before, node.due) == (D(2022, 8, 1), D(2022, 8, 31))


# text, amount, unit, trigger, trigger date, due
RELATIVE: list[tuple[str, int, str, str, dt.date, dt.date]] = [
    ("新规出台后1个月内", 1, "months", "新规出台", D(2020, 1, 6), D(2020, 2, 6)),
    ("新规出台后1个月内", 1, "months", "新规出台", D(2020, 1, 31), D(2020, 2, 29)),
    (
        "对规章、行政规范性文件以及行政机关制发的对群众和企业权益产生影响的政策文件首次解读的，首次解读材料应于文件公开后 3 个工作日内公开，根据实际情况，适时开展政策施行后跟踪解读",
        3,
        "working_days",
        "文件公开",
        D(2022, 3, 4),  # a Friday
        D(2022, 3, 9),
    ),
    (
        "行政机关不能当场答复申请人的，应当自收到申请之日起20个工作日内予以答复；需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日",
        20,
        "working_days",
        "收到申请",
        D(2022, 9, 30),  # the National Day holiday, then make-up Saturday and Sunday 8–9 Oct
        D(2022, 11, 2),
    ),
    # make-up days Sun 23 Apr and Sat 6 May 2023 count; 29 Apr to 3 May is the Labour Day holiday
    ("决策文件出台后的10个工作日内", 10, "working_days", "决策文件出台", D(2023, 4, 21), D(2023, 5, 8)),
]


@pytest.mark.parametrize(("text", "amount", "unit", "trigger", "start", "due"), RELATIVE)
def test_relative_nodes(text: str, amount: int, unit: str, trigger: str, start: dt.date, due: dt.date) -> None:
    node = parse_time_node(text, 2022)
    assert (node.kind, node.offset_amount, node.offset_unit, node.trigger) == ("relative", amount, unit, trigger)
    assert node.due_after(start, default_calendar()) == due
    assert node.due_dates(2022, trigger=start) == [due]


def test_relative_node_without_trigger_date_is_an_error() -> None:
    node = parse_time_node("新规出台后1个月内", 2020)
    assert node.describe() == "新规出台后1个月内（自新规出台之日起算）"
    with pytest.raises(TimeNodeError) as caught:
        node.due_dates(2020)
    assert str(caught.value) == "无法识别的时间节点“新规出台后1个月内”：这是相对期限（新规出台后1个月内（自新规出台之日起算）），需要提供触发日期（新规出台的日期）才能计算截止日期"


def test_due_after_is_only_for_relative_nodes() -> None:
    with pytest.raises(TimeNodeError, match="不是相对期限"):
        parse_time_node("9月底前", 2022).due_after(D(2022, 1, 1))


def test_time_node_is_frozen() -> None:
    node = parse_time_node("全年", 2022)
    with pytest.raises(AttributeError):
        node.kind = "continuous"  # type: ignore[misc]
    assert isinstance(node, TimeNode)


# --------------------------------------------------------------------------- the seeds
EXPECTED_SEED_NODES = {
    ("000", "全年"): "once",
    ("000", "9月底前"): "once",
    ("000", "1月31日前"): "once",
    ("000", "8月"): "once",
    ("000", "10月底前"): "once",
    ("001", "全年"): "once",
    ("002", "按季度公开"): "recurring",
    ("002", "长期坚持"): "continuous",
    ("002", "重大行政决策向社会公开征求意见的，征求意见期限不少于 30 日"): "continuous",
    (
        "002",
        "对规章、行政规范性文件以及行政机关制发的对群众和企业权益产生影响的政策文件首次解读的，首次解读材料应于文件公开后 3 个工作日内公开，根据实际情况，适时开展政策施行后跟踪解读",
    ): "relative",
    ("002", "2022年年底前"): "once",
    ("002", "每年年底前"): "recurring",
    (
        "002",
        "行政机关不能当场答复申请人的，应当自收到申请之日起20个工作日内予以答复；需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日",
    ): "relative",
    ("002", "年底前"): "once",
    ("002", "6月底前"): "once",
    ("003", "全年"): "once",
    ("004", "新规出台后1个月内"): "relative",
    ("004", "实时"): "continuous",
    ("004", "2020.3"): "once",
    ("004", "2020.4"): "once",
    ("004", "2020.6"): "once",
    ("004", "2020.9"): "once",
    ("004", "2020.12"): "once",
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds（任务分解表原文）不在本机")
def test_every_time_node_in_the_seeds_parses() -> None:
    found: dict[tuple[str, str], str] = {}
    for seed in SEED_TABLES:
        table = parse_task_table((SEEDS / seed.file).read_text(encoding="utf-8"), seed.file)
        for row in table.rows:
            text = row.due if row.due is not None else NO_TIME_NODE  # 001 and 003 set no time node
            node = parse_time_node(text, seed.plan_year)
            assert node.describe()
            if node.kind == "once":
                assert node.due is not None and node.due.year == seed.plan_year, (seed.file, row.line, text)
            found[(seed.file[:3], text)] = node.kind
    assert found == EXPECTED_SEED_NODES


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "text",
    ["尽快", "每月2次", "不定期", "2022年", "9月底", "年中", "下半年", "2020.13", "13月底前", "2月30日前", "每年的2月29日前", "   ", "按月"],
)
def test_unknown_phrasings_raise_naming_the_text(text: str) -> None:
    with pytest.raises(TimeNodeError) as caught:
        parse_time_node(text, 2022)
    assert f"“{text}”" in str(caught.value)
    assert caught.value.text == text


def test_error_messages() -> None:
    cases = {
        "尽快": "无法识别的时间节点“尽快”：可识别的写法有：全年、年底前、2022年年底前、每年年底前、9月底前、1月31日前、每年的3月1日前、8月、2020.3、按季度、按季度公开、每季度末、长期坚持、实时、新规出台后1个月内、文件公开后3个工作日内、2024年7月底完成，长期坚持",
        "2月30日前": "无法识别的时间节点“2月30日前”：2022年2月30日不是有效日期",
        "2020.13": "无法识别的时间节点“2020.13”：13月不是有效月份",
        "": "无法识别的时间节点“”：时间节点为空（表格没有时间节点列时请填写“全年”）",
        "每年的2月29日前": "无法识别的时间节点“每年的2月29日前”：2月29日并非每年都有，不能作为每年的时间节点",
    }
    for text, message in cases.items():
        with pytest.raises(TimeNodeError) as caught:
            parse_time_node(text, 2022)
        assert caught.value.problems == [message]


def test_time_node_error_is_a_value_error_and_a_checker_error() -> None:
    with pytest.raises(ValueError):
        parse_time_node("尽快", 2022)
    with pytest.raises(CheckerError):
        parse_time_node("尽快", 2022)
