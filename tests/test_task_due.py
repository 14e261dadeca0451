"""The `task_due` check on the shipped task ledgers (回头看), through the real CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from checker.timenodes import parse_time_node
from tests.conftest import write_csv

REPO = Path(__file__).resolve().parent.parent
LEDGERS = REPO / "rules" / "ledgers"
SONGJIANG = LEDGERS / "tasks_songjiang-psb-2022.csv"
RULE = "songjiang-psb-2022/tasks-on-time"


def _on_time(due_text: str, plan_year: int) -> dt.date:
    """A completion date inside the node's window (8月 → in August; 全年 → June)."""
    node = parse_time_node(due_text, plan_year)
    if node.kind == "once":
        assert node.due is not None
        return node.not_before or node.due - dt.timedelta(days=3)
    return dt.date(plan_year, 6, 1)


def _filled_ledger(folder: Path, source: Path, plan_year: int, *, missing: set[str]) -> list[dict[str, str]]:
    """The shipped ledger as a bureau fills it in: dates and evidence, except the `missing` ids."""
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["编号"] not in missing:
            row["完成日期"] = _on_time(row["时间节点"], plan_year).isoformat()
            row["佐证材料"] = "工作台账及会议纪要"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / source.name).open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _finding(out: Path, rule_id: str) -> dict:  # type: ignore[type-arg]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return next(f for f in report["findings"] if f["rule_id"] == rule_id)


def test_songjiang_review_lists_exactly_the_two_tasks_without_a_completion_date(zwgk, tmp_path: Path) -> None:
    missing = {"SJ2022-003", "SJ2022-021"}
    rows = _filled_ledger(tmp_path / "ev", SONGJIANG, 2022, missing=missing)
    result = zwgk("check", tmp_path / "ev", "--rules", "songjiang-psb-2022", "--year", "2022", "--as-of", "2023-01-15", "--format", "json", "--out", tmp_path / "out")
    assert result.code == 1, result.err
    finding = _finding(tmp_path / "out", RULE)
    assert finding["status"] == "fail"
    by_id = {r["编号"]: r for r in rows}
    got = [(v["record_id"], v["department"], v["row"]) for v in finding["violations"]]
    # Songjiang's table has one 责任部门 column and no separate lead unit: the unit named is it.
    expected = [(i, by_id[i]["牵头单位"] or by_id[i]["责任单位"], list(by_id).index(i) + 2) for i in sorted(missing)]
    assert got == expected
    assert all(v["actual"] == "未填写完成日期" for v in finding["violations"])
    first = finding["violations"][0]
    assert first["expected"] == "2022年9月30日前（不晚于 2022-09-30）"
    assert first["message"].startswith("任务“梯次推进历史公文梳理转化公开。") and "截至 2023-01-15 未填写完成日期（已逾期）" in first["message"]
    assert finding["measured"]["tasks"] == len(rows) and finding["measured"]["completed"] == len(rows) - 2


def test_every_shipped_ledger_parses_and_an_empty_ledger_is_overdue_after_the_year(zwgk, tmp_path: Path) -> None:
    """As shipped (nothing filled in), each ledger is judged: nothing passes by default."""
    result = zwgk("check", LEDGERS, "--year", "2022", "--as-of", "2023-01-15", "--format", "json", "--out", tmp_path / "out")
    assert result.code == 1, result.err
    songjiang = _finding(tmp_path / "out", RULE)
    assert songjiang["measured"]["completed"] == 0 and songjiang["measured"]["overdue"] == 37
    zibo = _finding(tmp_path / "out", "zibo-psb-2022/tasks-on-time")
    # Statutory per-event limits (文件公开后3个工作日内 …) have no single trigger date in the ledger.
    assert zibo["measured"]["no_trigger"] == 2 and zibo["measured"]["tasks"] == 27
    # Plan years scope the tables: the 2016 and 2020 tables are not part of a 2022 review.
    assert _finding(tmp_path / "out", "shanghai-psb-2016/tasks-on-time")["status"] == "not_applicable"


@pytest.mark.parametrize(
    ("due", "completed", "trigger", "status"),
    [
        ("8月", "2022-07-30", "", "fail"),  # before the window: 政府开放月 is August
        ("8月", "2022-08-02", "", "pass"),
        ("长期坚持", "2021-12-20", "", "fail"),  # progress evidence from last year
        ("按季度", "2022-12-30", "", "pass"),
        ("新规出台后1个月内", "2022-04-12", "2022-03-10", "fail"),  # due 2022-04-10
        ("新规出台后1个月内", "", "2022-12-20", "pending"),  # due 2023-01-20, as of 2023-01-15
        # no trigger date: no due date the review can check, so never 通过 (done or not)
        ("新规出台后1个月内", "2022-04-01", "", "pending"),
        ("新规出台后1个月内", "", "", "pending"),
    ],
)
def test_time_node_kinds(zwgk, tmp_path: Path, due: str, completed: str, trigger: str, status: str) -> None:
    ev = write_csv(
        tmp_path / "ev" / "tasks.csv",
        "编号,任务分解表,任务内容,牵头单位,时间节点,完成日期,佐证材料,触发日期",
        f"T-1,2022年度上海市公安局松江分局政务公开工作任务分解表,一项任务,指挥处,{due},{completed},材料,{trigger}",
    ).parent
    zwgk("check", ev, "--rules", "songjiang-psb-2022", "--year", "2022", "--as-of", "2023-01-15", "--format", "json", "--out", tmp_path / "out")
    assert _finding(tmp_path / "out", RULE)["status"] == status


def test_relative_nodes_count_working_days_by_the_runs_calendar(zwgk, tmp_path: Path) -> None:
    """--calendar overrides apply to task time nodes as to every other working-day deadline:
    3 working days after Fri 2022-09-30 end Mon 10-10, or Tue 10-11 if 10-10 is a holiday."""
    ev = write_csv(
        tmp_path / "ev" / "tasks.csv",
        "编号,任务分解表,任务内容,牵头单位,时间节点,完成日期,佐证材料,触发日期",
        "T-1,2022年度上海市公安局松江分局政务公开工作任务分解表,首次解读,指挥处,文件公开后3个工作日内,2022-10-11,解读链接,2022-09-30",
    ).parent
    overrides = tmp_path / "calendar.yaml"
    overrides.write_text("2022:\n  holidays:\n    测试假日: [2022-10-10]\n", encoding="utf-8")
    args = ("check", ev, "--rules", "songjiang-psb-2022", "--year", "2022", "--as-of", "2023-01-15", "--format", "json")
    zwgk(*args, "--out", tmp_path / "plain")
    late = _finding(tmp_path / "plain", RULE)
    assert (late["status"], late["violations"][0]["expected"]) == ("fail", "文件公开后3个工作日内（自文件公开之日起算）：触发日期 2022-09-30（不晚于 2022-10-10）")
    zwgk(*args, "--calendar", overrides, "--out", tmp_path / "overridden")
    assert _finding(tmp_path / "overridden", RULE)["status"] == "pass"


def test_a_trigger_past_the_calendar_data_names_the_row(zwgk, tmp_path: Path) -> None:
    ev = write_csv(
        tmp_path / "ev" / "tasks.csv",
        "编号,任务分解表,任务内容,时间节点,完成日期,佐证材料,触发日期",
        "T-1,2022年度上海市公安局松江分局政务公开工作任务分解表,一项任务,文件公开后3个工作日内,,,2031-03-02",
    ).parent
    result = zwgk("check", ev, "--rules", "songjiang-psb-2022", "--year", "2022", "--out", tmp_path / "out")
    assert result.code == 2 and "Traceback" not in result.err
    assert "tasks.csv 第2行 G列（触发日期）：" in result.err and "超出工作日历数据的覆盖范围" in result.err


def test_unknown_time_nodes_are_listed_at_most_20_per_column(zwgk, tmp_path: Path) -> None:
    rows = [f"T-{i},2022年度任务分解表,任务{i},尽快{i}," for i in range(30)]
    ev = write_csv(tmp_path / "ev" / "tasks.csv", "编号,任务分解表,任务内容,时间节点,完成日期", *rows).parent
    result = zwgk("validate", ev)
    lines = result.err.strip().splitlines()
    assert result.code == 2 and len(lines) == 21
    assert lines[0].startswith("错误：tasks.csv 第2行 D列（时间节点）：无法识别的时间节点“尽快0”")
    assert lines[-1] == "错误：tasks.csv D列（时间节点）：另有 10 处同类问题未逐条列出"


def test_an_unknown_time_node_exits_2_naming_the_row(zwgk, tmp_path: Path) -> None:
    ev = write_csv(
        tmp_path / "ev" / "tasks.csv", "编号,任务分解表,任务内容,时间节点,完成日期", "T-1,2022年度任务分解表,一项任务,全年,", "T-2,2022年度任务分解表,另一项任务,尽快,"
    ).parent
    for command in (("validate", ev), ("check", ev, "--out", tmp_path / "out")):
        result = zwgk(*command)
        assert result.code == 2
        assert "tasks.csv 第3行 D列（时间节点）：无法识别的时间节点“尽快”" in result.err
        assert "Traceback" not in result.err
