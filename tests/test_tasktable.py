"""Task-decomposition tables: the five seeds' rows, their quirks, fill-down, errors and the ledgers.

Row counts were verified by reading the seeds line by line:
000 松江分局 2022: 37 measures (rows at lines 16 … 280), five cells each.
001 上海市公安局 2016: 49 measures; the first row of 一、 and 三、 starts with a one-cell group.
002 淄博市公安局 2022: 27 measures under 序号 1–12 (1, 2, 3×4, 4×4, 5×5, 6, 7×4, 8, 9×3, 10, 11, 12).
003 江门市公安局 2022: 30 measures, numbered 1. to 30. in the text itself.
004 上海某区 2020: 34 measures, 序号 1–34.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from checker.errors import RuleError
from checker.evidence.load import load_evidence
from checker.tasktable import (
    SEED_TABLES,
    TaskRow,
    TaskTable,
    TaskTableError,
    build_ledgers,
    ledger_name,
    main,
    parse_task_table,
    stale_ledgers,
)

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
LEDGERS = REPO / "rules" / "ledgers"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds（任务分解表原文）不在本机")

COUNTS = {
    "000_395d5336aab62eea.txt": 37,
    "001_0b77dc41eb83f27a.txt": 49,
    "002_3f29db690d14a6a3.txt": 27,
    "003_7963a9ae292767f1.txt": 30,
    "004_853dcc8e64b86f58.txt": 34,
}
SHIPPED_COUNTS = {
    "tasks_songjiang-psb-2022.csv": 37,
    "tasks_shanghai-psb-2016.csv": 49,
    "tasks_zibo-psb-2022.csv": 27,
    "tasks_jiangmen-psb-2022.csv": 30,
    "tasks_shanghai-district-2020.csv": 34,
}


def seed(name: str) -> TaskTable:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds（任务分解表原文）不在本机")
    return parse_task_table((SEEDS / name).read_text(encoding="utf-8"), name)


def row_at(table: TaskTable, line: int) -> TaskRow:
    found = [row for row in table.rows if row.line == line]
    assert len(found) == 1, f"no single row starts at line {line}: {[r.line for r in table.rows]}"
    return found[0]


def table(*lines: str) -> TaskTable:
    return parse_task_table("\n".join(lines) + "\n", "test.txt")


# --------------------------------------------------------------------------- the seeds
@pytest.mark.parametrize("name", sorted(COUNTS))
def test_row_counts(name: str) -> None:
    assert len(seed(name).rows) == COUNTS[name]


def test_titles_and_normalised_headers() -> None:
    expected = {
        "000_395d5336aab62eea.txt": ("2022年度上海市公安局松江分局政务公开工作任务分解表", ("工作目标", "基本任务", "具体措施", "责任部门", "时间节点")),
        "001_0b77dc41eb83f27a.txt": ("2016年上海市公安局政务公开工作要点任务分解表", ("项目名称", "基本任务", "具体措施", "责任部门")),
        "002_3f29db690d14a6a3.txt": ("淄博市公安局政务公开工作任务分解表", ("序号", "工作任务", "工作要求", "工作举措", "时限要求", "责任单位")),
        "003_7963a9ae292767f1.txt": ("江门市公安局2022年政务公开工作要点分工方案", ("工作要求", "工作任务", "具体要求", "责任单位")),
        "004_853dcc8e64b86f58.txt": ("2020年局政务公开目标任务细化分解表", ("序号", "任务内容", "牵头单位", "责任单位", "时间节点")),
    }
    for name, (title, header) in expected.items():
        parsed = seed(name)
        assert (parsed.title, parsed.header) == (title, header), name
    assert seed("000_395d5336aab62eea.txt").plan_year == 2022
    assert seed("002_3f29db690d14a6a3.txt").plan_year is None  # its title names no year


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_task_has_measure_units_and_time_node(name: str) -> None:
    parsed = seed(name)
    has_time = name[:3] in ("000", "002", "004")
    assert (parsed.time_column is not None) == has_time
    for row in parsed.rows:
        assert row.measure and row.units, row.line
        assert (row.due is not None and row.due != "") == has_time, row.line
        assert row.cells[parsed.measure_column] == row.measure
        assert "\n" not in row.item + row.units + (row.due or "")


def test_000_monthly_filing_row() -> None:
    row = row_at(seed("000_395d5336aab62eea.txt"), 23)
    assert row.measure.startswith("做好新增非密公文全量备案工作。依托信息公开报送审核平台，每月2次按规定报送本单位新增非密公文")
    assert row.measure_line == 25
    assert (row.lead_unit, row.units, row.due) == ("", "指挥处", "全年")
    assert row.section == ("一、持续推进各项基础工作更加规范", "（一）继续做好公文公开及目录备案工作")
    assert row.filled == frozenset({"工作目标", "基本任务"})
    assert row.cell_lines["工作目标"] == 16  # the value comes from the merged cell above


def test_000_multiline_units_and_time_nodes() -> None:
    parsed = seed("000_395d5336aab62eea.txt")
    assert row_at(parsed, 16).units == "指挥处、分局相关部门"
    assert row_at(parsed, 91).units == "指挥处、政治处、法制支队、分局相关部门"
    assert row_at(parsed, 56).due == "1月31日前"
    assert row_at(parsed, 210).due == "8月"
    assert row_at(parsed, 274).item == "年内组织政务公开通识培训不少于1次。"
    assert row_at(parsed, 274).due == "10月底前"
    # A merged heading repeated after a page break is an ordinary explicit value.
    assert row_at(parsed, 157).filled == frozenset()


def test_001_title_group_joins_the_row_below() -> None:
    parsed = seed("001_0b77dc41eb83f27a.txt")
    row = parsed.rows[0]
    assert (row.line, row.measure_line) == (8, 11)
    assert row.cells["项目名称"] == "一、推进重点领域信息公开"
    assert row.cells["基本任务"] == "1、完善执法信息公开"
    assert row.measure == "公开涉及公安执法相关的执法依据、执法程序、执法进度、执法结果"
    assert row.units == "指挥部、法制办、各分（县）局"  # a unit cell with an empty line inside
    assert row.due is None
    third = row_at(parsed, 230)
    assert third.section == ("三、加强“上海公安”政府网站建设", "10、“市局网上政务大厅”建设")
    assert third.units == "指挥部、法制办"


def test_001_last_row_lost_its_empty_unit_cell() -> None:
    last = seed("001_0b77dc41eb83f27a.txt").rows[-1]
    assert last.line == 314
    assert last.measure == "加强专门机构建设和人员配备，并将政务公开工作纳入绩效考核体系"
    assert last.units == "指挥部、政治部、市局相关单位、各分（县）局"
    assert "责任部门" in last.filled


def test_002_row_split_by_a_page_break_is_reassembled() -> None:
    parsed = seed("002_3f29db690d14a6a3.txt")
    row = row_at(parsed, 253)  # five cells, an empty line, then 长期坚持 and the units at line 276
    assert row.cells["序号"] == "7"
    assert row.requirement is not None and row.requirement.startswith("健全完善政府信息公开属性源头认定机制")
    assert row.measure == "以《淄博市公安局公文公开属性源头认定制度》为依据，对拟公开的政府信息进行源头认定机制，依法依规开展保密审查，同时做好个人信息保护。"
    assert row.due == "长期坚持"
    assert row.cell_lines["时限要求"] == 276
    assert row.units == "指挥中心秘书室、指挥中心网上公安办公室"
    foi = row_at(parsed, 299)  # the same break at line 306; the time cell wraps across lines
    assert foi.due == (
        "行政机关不能当场答复申请人的，应当自收到申请之日起20个工作日内予以答复；需要延长答复期限的，"
        "应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日"
    )
    assert (foi.lead_unit, foi.units) == ("指挥中心网上公安办公室", "局直各单位")


def test_002_vertical_text_and_the_seventh_cell() -> None:
    parsed = seed("002_3f29db690d14a6a3.txt")
    first = parsed.rows[0]
    assert first.section == ("紧扣经济发展大局深化公开", "加强推动高质量发展信息公开")
    assert first.cells["工作任务"] == "加强推动高质量发展信息公开"
    assert first.measure == "每季度末由牵头单位调度各责任单位任务完成情况，及时通过淄博市政府网站等渠道进行公开。"
    assert first.item.startswith("【工作要求】按照《淄博市人民政府办公室关于认真落实 2022 年全市经济社会发展主要目标任务的通知》")
    assert "【工作举措】每季度末由牵头单位调度" in first.item
    assert (first.lead_unit, first.units, first.due) == ("指挥中心、调研室", "信访处、经侦支队、治安支队、情报信息室", "按季度公开")
    # 序号 3 arrives in three groups (2 + 1 + 4 cells) separated by the vertical text's empty lines.
    third = row_at(parsed, 53)
    assert third.section == ("紧扣提高实效深化公开", "推进行政决策公开透明")
    assert third.measure_line == 77
    assert third.due == "长期坚持"
    # Rows 9 to 12 have six cells: one merged heading is both category and 工作任务.
    ninth = row_at(parsed, 337)
    assert ninth.section == ("紧扣任务落实强化保障措施",)
    assert ninth.cells["工作任务"] == "紧扣任务落实强化保障措施"
    assert ninth.due == "年底前"
    training = row_at(parsed, 346)
    assert training.measure.endswith("进一步提升工作人员业务能力，扎实做好部门政务公开工作。")
    assert training.filled == frozenset({"序号", "工作任务", "时限要求"})


def test_002_heading_cell_holding_two_categories() -> None:
    parsed = seed("002_3f29db690d14a6a3.txt")
    assert row_at(parsed, 163).section[0] == "紧扣提高实效深化公开"
    for line in (197, 207, 215, 227):  # 序号 5 continues: same category
        assert row_at(parsed, line).section == ("紧扣提高实效深化公开", "推进政策精细化解读"), line
    assert row_at(parsed, 237).section == ("紧扣夯实基础深化公开", "规范开展政府信息公开")


def test_003_heading_groups_and_unit_sentences() -> None:
    parsed = seed("003_7963a9ae292767f1.txt")
    sixth = row_at(parsed, 34)  # 2 cells, two empty lines, 2 cells
    assert sixth.cells["工作要求"] == "三、推动重大政策解读提质增效，优化政策咨询服务"
    assert sixth.cells["工作任务"] == "（一）围绕省 委“1+1+9”工作部署加大重大政策解读力度。"
    assert sixth.measure.startswith("6.落实政策文件解读工作的“三同步”工作机制")
    assert (sixth.lead_unit, sixth.units) == ("政策措施牵头起草、组织实施单位", "宣传科")
    assert (parsed.rows[2].lead_unit, parsed.rows[2].units) == ("宣传科", "法制支队、警保科")
    section_five = row_at(parsed, 132)  # 1 cell, two empty lines, 3 cells
    assert section_five.section == ("五、坚持全市一盘棋，强化工作指导监督",)
    assert section_five.cells["工作任务"] == ""  # not 四、's （四） heading
    assert (section_five.lead_unit, section_five.units) == ("宣传科", "宣传科")
    assert parsed.rows[-1].measure.startswith("30.各地、各部门要根据上级要求，于每年的3月1日前发布")


def test_004_fill_down_and_repeated_time_line() -> None:
    parsed = seed("004_853dcc8e64b86f58.txt")
    assert [row.due for row in parsed.rows[4:7]] == ["2020.6", "2020.6", "2020.6"]
    assert [("时间节点" in row.filled) for row in parsed.rows[4:7]] == [False, True, True]
    assert row_at(parsed, 182).due == "2020.12"  # written twice in the cell
    first = parsed.rows[0]
    assert (first.cells["序号"], first.lead_unit, first.units, first.due) == ("1", "法制科", "各单位、各科室", "新规出台后1个月内")
    assert row_at(parsed, 92).lead_unit == "办公室、法制科、社管科"


# --------------------------------------------------------------------------- the rules, on small tables
def test_fill_down_within_headings() -> None:
    parsed = table(
        "测试分解表",
        "\t分类\n\t具体措施\n\t责任单位\n\t时间节点",
        "",
        "\t一、甲类\n\t措施一\n\t指挥处\n\t全年",
        "",
        "\t\n\t措施二\n\t\n\t",
        "",
        "\t二、乙类\n\t措施三\n\t政治处\n法制支队\n\t9月底前",
    )
    assert [(r.cells["分类"], r.measure, r.units, r.due) for r in parsed.rows] == [
        ("一、甲类", "措施一", "指挥处", "全年"),
        ("一、甲类", "措施二", "指挥处", "全年"),
        ("二、乙类", "措施三", "政治处、法制支队", "9月底前"),
    ]
    assert [r.filled for r in parsed.rows] == [frozenset(), frozenset({"分类", "责任单位", "时间节点"}), frozenset()]
    assert [r.line for r in parsed.rows] == [7, 12, 17]


def test_inner_heading_starts_afresh_under_a_new_outer_heading() -> None:
    parsed = table(
        "测试分解表",
        "\t工作目标\n\t基本任务\n\t具体措施\n\t责任部门",
        "",
        "\t一、甲\n\t（一）子项\n\t措施一\n\t指挥处",
        "",
        "\t二、乙\n\t\n\t措施二\n\t指挥处",
    )
    assert [r.section for r in parsed.rows] == [("一、甲", "（一）子项"), ("二、乙",)]
    assert parsed.rows[1].cells["基本任务"] == ""


def test_section_title_row_is_context_not_a_task() -> None:
    parsed = table(
        "测试分解表",
        "\t具体措施\n\t责任单位\n\t时间节点",
        "",
        "\t一、第一部分",
        "",
        "\t措施一\n\t指挥处\n\t全年",
        "",
        "\t措施二\n\t政治处\n\t8月",
    )
    assert [r.measure for r in parsed.rows] == ["措施一", "措施二"]
    assert [r.section for r in parsed.rows] == [("一、第一部分",), ("一、第一部分",)]


def test_vertical_text_and_wrapped_cells_are_joined() -> None:
    parsed = table(
        "测试\n分解表",
        "\t工作\n任务\n\t具体\n措施\n\t责任\n单位",
        "",
        "\t紧扣\n\n经济\n\n发展\n\t做好\n\n公开工作。\n\t指挥处",
    )
    assert parsed.title == "测试分解表"
    assert parsed.header == ("工作任务", "具体措施", "责任单位")
    assert (parsed.rows[0].cells["工作任务"], parsed.rows[0].measure) == ("紧扣经济发展", "做好公开工作。")


def test_extra_cell_is_a_category_of_the_first_heading() -> None:
    parsed = table(
        "测试分解表",
        "\t序号\n\t工作任务\n\t工作举措\n\t时限要求\n\t责任单位",
        "",
        "\t1\n\t甲类\n\t子项一\n\t措施一\n\t全年\n\t牵头单位：指挥中心\n责任单位：局直各单位",
        "",
        "\t\n\t\n\t子项二",
        "",
        "\t措施二\n\t\n\t",
        "",
        "\t2\n\t保障措施\n\t措施三\n\t年底前\n\t宣传科负责。",
    )
    assert [(r.section, r.cells["工作任务"], r.lead_unit, r.units) for r in parsed.rows] == [
        (("甲类", "子项一"), "子项一", "指挥中心", "局直各单位"),
        (("甲类", "子项二"), "子项二", "指挥中心", "局直各单位"),
        (("保障措施",), "保障措施", "宣传科", "宣传科"),
    ]
    assert (parsed.rows[1].line, parsed.rows[1].measure_line) == (16, 20)  # 3 + 3 cells across an empty line
    assert (parsed.rows[1].due, parsed.rows[1].filled) == ("全年", frozenset({"序号", "时限要求", "责任单位"}))


def test_bom_and_crlf_are_tolerated() -> None:
    parsed = parse_task_table("\ufeff附件1\r\n测试分解表\r\n\t具体措施\r\n\t责任单位\r\n\r\n\t措施一\r\n\t指挥处\r\n", "test.txt")
    assert (parsed.title, parsed.rows[0].measure, parsed.rows[0].line) == ("测试分解表", "措施一", 6)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("只有标题\n没有表格\n", "test.txt：没有找到表格（表格的每个单元格应以制表符开头）"),
        ("\t措施\n\t责任单位\n", "test.txt 第1行：表格前没有标题（任务分解表的名称）"),
        ("标题\n\t名称\n\t责任单位\n\n\t甲\n\t指挥处\n", "test.txt 第2行：表头（名称/责任单位）中应有且只有一列任务内容（具体措施、工作举措、具体要求、任务内容之一）"),
        ("标题\n\t具体措施\n\t时间节点\n\n\t甲\n\t全年\n", "test.txt 第2行：表头（具体措施/时间节点）中没有责任单位（责任部门）列"),
        ("标题\n\t具体措施\n\t责任单位\n", "test.txt 第3行：表头之后没有任务行"),
        (
            "标题\n\t具体措施\n\t责任单位\n\t时间节点\n\n\t甲\n\t指挥处\n\t全年\n\t多出来的一格\n",
            "test.txt 第6行：这一行有4个单元格，表头只有3列（具体措施/责任单位/时间节点），无法对应到列",
        ),
        (
            "标题\n\t工作目标\n\t基本任务\n\t具体措施\n\t责任部门\n\n\t一、甲\n\t（一）乙\n",
            "test.txt 第7行：这一行只有2个单元格，表头有4列（工作目标/基本任务/具体措施/责任部门），缺少“具体措施”，无法对应到列",
        ),
        ("标题\n\t具体措施\n\t责任单位\n\n\t\n\t指挥处\n", "test.txt 第5行：任务的“具体措施”为空"),
        ("标题\n\t具体措施\n\t责任单位\n\n\t甲\n\t\n", "test.txt 第6行：“责任单位”为空，上方也没有可沿用的单位"),
        ("标题\n\t具体措施\n\t责任单位\n\t时间节点\n\n\t甲\n\t指挥处\n\t\n", "test.txt 第8行：“时间节点”为空，上方也没有可沿用的时间节点"),
        ("标题\n\t具体措施\n\t\n\n\t甲\n\t指挥处\n", "test.txt 第3行：表头第2列为空"),
        ("标题\n\t具体措施\n\t责任单位\n\t时间节点\n\n\t甲\n\t指挥处\n\t全年\n\n\t二、尾部标题\n", "test.txt：分组标题“二、尾部标题”之后没有任务行"),
    ],
)
def test_malformed_tables_name_the_line(text: str, message: str) -> None:
    with pytest.raises(TaskTableError) as caught:
        parse_task_table(text, "test.txt")
    assert caught.value.problems == [message]
    assert isinstance(caught.value, RuleError)


# --------------------------------------------------------------------------- ledgers
@needs_seeds
def test_shipped_ledgers_are_not_stale() -> None:
    stale = stale_ledgers(SEEDS, LEDGERS)
    assert stale == [], f"rules/ledgers 与任务分解表不一致：{stale}；请运行 python -m checker.tasktable"


@needs_seeds
def test_stale_check_notices_an_edited_or_missing_ledger(tmp_path: Path) -> None:
    folder = tmp_path / "ledgers"
    assert main(["--seeds", str(SEEDS), "--out", str(folder)]) == 0
    assert main(["--seeds", str(SEEDS), "--out", str(folder), "--check"]) == 0
    edited = folder / ledger_name("zibo-psb-2022")
    edited.write_bytes(edited.read_bytes().replace("长期坚持".encode(), "长期".encode(), 1))
    (folder / ledger_name("shanghai-psb-2016")).unlink()
    assert stale_ledgers(SEEDS, folder) == ["tasks_shanghai-psb-2016.csv", "tasks_zibo-psb-2022.csv"]
    assert main(["--seeds", str(SEEDS), "--out", str(folder), "--check"]) == 1


def test_missing_seeds_folder_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--seeds", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "000_395d5336aab62eea.txt：找不到任务分解表" in capsys.readouterr().err


def test_shipped_ledgers_load_as_task_evidence() -> None:
    evidence = load_evidence(LEDGERS)
    assert {f.file: f.rows for f in evidence.files} == SHIPPED_COUNTS
    assert {f.kind for f in evidence.files} == {"task"}
    frame = evidence.frame("task")
    assert frame.get_column("completed_at").null_count() == frame.height
    ids = frame.get_column("id").to_list()
    assert len(set(ids)) == len(ids) == sum(SHIPPED_COUNTS.values())
    assert all(re.fullmatch(r"(SJ2022|SH2016|ZB2022|JM2022|SHQ2020)-\d{3}", i) for i in ids)


def test_shipped_ledger_bytes() -> None:
    raw = (LEDGERS / "tasks_songjiang-psb-2022.csv").read_bytes()
    assert raw.startswith("\ufeff编号,任务分解表,任务内容,牵头单位,责任单位,时间节点,完成日期,佐证材料\n".encode())
    second = raw.decode("utf-8-sig").split("\n")[2]
    assert second.startswith("SJ2022-002,2022年度上海市公安局松江分局政务公开工作任务分解表,做好新增非密公文全量备案工作。")
    assert second.endswith(",,指挥处,全年,,")


@needs_seeds
def test_tables_without_time_column_get_whole_year() -> None:
    files = build_ledgers(SEEDS)
    for pack in ("shanghai-psb-2016", "jiangmen-psb-2022"):
        lines = files[ledger_name(pack)].decode("utf-8-sig").strip().split("\n")[1:]
        assert lines and all(line.endswith(",全年,,") for line in lines), pack
    assert "原表未设时间节点，记为“全年”" in files["README.md"].decode()


def test_seed_registry_matches_the_index() -> None:
    assert [(s.file[:3], s.pack, s.plan_year) for s in SEED_TABLES] == [
        ("000", "songjiang-psb-2022", 2022),
        ("001", "shanghai-psb-2016", 2016),
        ("002", "zibo-psb-2022", 2022),
        ("003", "jiangmen-psb-2022", 2022),
        ("004", "shanghai-district-2020", 2020),
    ]
    assert len({s.prefix for s in SEED_TABLES}) == len(SEED_TABLES)


@needs_seeds
def test_ledger_generation_names_an_unparseable_time_node(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    target = seeds / "004_853dcc8e64b86f58.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("\t2020.4\n", "\t尽快\n"), encoding="utf-8")
    with pytest.raises(TaskTableError) as caught:
        build_ledgers(seeds)
    assert caught.value.problems[0].startswith("004_853dcc8e64b86f58.txt 第211行：无法识别的时间节点“尽快”：")
