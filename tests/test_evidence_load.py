"""Reading evidence: encodings, workbooks, JSON/YAML, and every kind of mistake named exactly."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from checker.errors import EvidenceError
from checker.evidence import workbook_scan
from checker.evidence.load import load_evidence

ENGLISH_CSV = """\
id,department,channel,received_at,replied_at
C-1,指挥处,online_platform,2022-09-30 16:00,2022-10-08 10:00
C-2,治安支队,hotline_12345,2022-10-01 09:00,
C-3,交警支队,mailbox,2022-10-08 11:00,2022-10-11 09:30
"""

# What Chinese Excel/WPS writes for "CSV": GBK, CRLF, no BOM, dates as the cells display them,
# Chinese labels, and a trailing row of empty cells left by formatting.
EXCEL_GBK_CSV = (
    "编号,责任部门,渠道,收到时间,答复时间\r\n"
    "C-1,指挥处,网上咨询求助平台,2022/9/30 16:00,2022/10/8 10:00\r\n"
    "C-2,治安支队,12345热线,2022/10/1 9:00,\r\n"
    "C-3,交警支队,领导信箱,2022/10/8 11:00,2022/10/11 9:30\r\n"
    ",,,,\r\n"
).encode("gbk")


def _records(folder: Path, kind: str = "consultation") -> list[dict[str, object]]:
    frame = load_evidence(folder).frame(kind)
    return frame.drop("_file", "_sheet").sort("_row").to_dicts()


def _problems(path: Path) -> list[str]:
    with pytest.raises(EvidenceError) as caught:
        load_evidence(path)
    return caught.value.problems


def _xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(title, []):
            ws.merge_cells(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


EXPECTED = [
    {"_row": 2, "id": "C-1", "department": "指挥处", "channel": "online_platform",
     "received_at": dt.datetime(2022, 9, 30, 16, 0), "replied_at": dt.datetime(2022, 10, 8, 10, 0)},
    {"_row": 3, "id": "C-2", "department": "治安支队", "channel": "hotline_12345",
     "received_at": dt.datetime(2022, 10, 1, 9, 0), "replied_at": None},
    {"_row": 4, "id": "C-3", "department": "交警支队", "channel": "mailbox",
     "received_at": dt.datetime(2022, 10, 8, 11, 0), "replied_at": dt.datetime(2022, 10, 11, 9, 30)},
]  # fmt: skip


# --------------------------------------------------------------------------- same records, any form
def test_english_utf8_csv(tmp_path: Path) -> None:
    (tmp_path / "consultations.csv").write_text(ENGLISH_CSV, encoding="utf-8")
    assert _records(tmp_path) == EXPECTED
    assert load_evidence(tmp_path).files[0].encoding == "UTF-8"


def test_gbk_csv_as_chinese_excel_saves_it_loads_the_same_records(tmp_path: Path) -> None:
    (tmp_path / "consultations.csv").write_bytes(EXCEL_GBK_CSV)
    assert _records(tmp_path) == EXPECTED
    loaded = load_evidence(tmp_path).files[0]
    assert (loaded.file, loaded.encoding, loaded.rows) == ("consultations.csv", "GBK", 3)


def test_xlsx_with_chinese_headers_labels_and_date_cells_loads_the_same_records(tmp_path: Path) -> None:
    _xlsx(
        tmp_path / "consultations.xlsx",
        {
            "咨询答复台账": [
                ["编号", "责任部门", "渠道", "收到时间", "答复时间"],
                ["C-1", "指挥处", "网上咨询求助平台", dt.datetime(2022, 9, 30, 16, 0), dt.datetime(2022, 10, 8, 10, 0)],
                ["C-2", "治安支队", "12345热线", dt.datetime(2022, 10, 1, 9, 0), None],
                ["C-3", "交警支队", "领导信箱", dt.datetime(2022, 10, 8, 11, 0), "2022年10月11日 9时30分"],
            ],
            "填写说明": [["这张表不会被读取"], ["a", "b", "c"]],
        },
    )
    assert _records(tmp_path) == EXPECTED
    loaded = load_evidence(tmp_path).files[0]
    assert (loaded.file, loaded.sheet, loaded.encoding) == ("consultations.xlsx", "咨询答复台账", None)


def test_utf8_bom_and_gb18030_are_detected(tmp_path: Path) -> None:
    (tmp_path / "consultations_指挥处.csv").write_bytes(ENGLISH_CSV.encode("utf-8-sig"))
    # 𠮷 is outside GBK: such a file can only be GB18030.
    (tmp_path / "consultations_𠮷村.csv").write_bytes("编号,责任部门,渠道,收到时间,答复时间\nC-9,𠮷村派出所,网站留言,2022-03-05,\n".encode("gb18030"))
    files = {f.file: f.encoding for f in load_evidence(tmp_path).files}
    assert files == {"consultations_指挥处.csv": "UTF-8 (BOM)", "consultations_𠮷村.csv": "GB18030"}


def test_gbk_after_a_long_ascii_head_is_still_detected(tmp_path: Path) -> None:
    """Only the head is checked up front; polars finds the GBK further down and we retry."""
    rows = [f"C-{i},dept,online_platform,2022-03-05 10:00," for i in range(5000)]
    text = "\n".join(["id,department,channel,received_at,replied_at", *rows, "C-x,指挥处,online_platform,2022-03-05 10:00,"]) + "\n"
    (tmp_path / "consultations.csv").write_bytes(text.encode("gbk"))
    evidence = load_evidence(tmp_path)
    assert evidence.files[0].encoding == "GBK"
    assert evidence.frame("consultation").row(-1, named=True)["department"] == "指挥处"


def test_one_workbook_with_a_sheet_per_kind(tmp_path: Path) -> None:
    _xlsx(
        tmp_path / "2022年台账.xlsx",
        {
            "policy_documents": [["编号", "标题", "责任部门", "公开日期", "涉及群众企业权益"], ["ZC-1", "关于……的通知", "法制支队", dt.date(2022, 3, 7), "√"]],
            "政策解读台账": [["id", "document_id", "department", "form", "published_at"], ["JD-1", "ZC-1", "法制支队", "图表图解", 44628]],
            "说明": [["本工作簿按类型分表"]],
            "Sheet3": [],
        },
    )
    evidence = load_evidence(tmp_path)
    assert sorted((f.sheet, f.kind) for f in evidence.files) == [("policy_documents", "policy_document"), ("政策解读台账", "interpretation")]
    assert evidence.frame("policy_document").row(0, named=True)["affects_public"] is True
    assert evidence.frame("interpretation").select("form", "published_at").row(0) == ("graphic", dt.datetime(2022, 3, 8))


def test_title_banner_merged_cells_and_extra_sheets_of_a_per_kind_workbook(tmp_path: Path) -> None:
    _xlsx(
        tmp_path / "consultations.xlsx",
        {
            "台账": [
                ["2022年咨询答复台账"],
                ["编号", "责任部门", "渠道", "收到时间", "答复时间"],
                ["C-1", "治安支队", "网上咨询求助平台", dt.datetime(2022, 3, 5, 14, 30), None],
                ["C-2", None, "网站留言", dt.datetime(2022, 3, 6, 9, 0), None],
                ["C-3", None, "网站留言", 44627.5, None],
            ],
            "统计": [["部门", "件数"], ["治安支队", 3]],
        },
        merges={"台账": ["A1:E1", "B3:B5"]},
    )
    evidence = load_evidence(tmp_path)
    frame = evidence.frame("consultation")
    assert frame.select("_row", "department", "received_at").rows() == [
        (3, "治安支队", dt.datetime(2022, 3, 5, 14, 30)),
        (4, "治安支队", dt.datetime(2022, 3, 6, 9, 0)),
        (5, "治安支队", dt.datetime(2022, 3, 7, 12, 0)),
    ]
    assert evidence.files[0].header_row == 2
    assert evidence.ignored == ["consultations.xlsx [统计]"]


def test_sheets_kept_by_month_in_a_per_kind_workbook_are_all_read(tmp_path: Path) -> None:
    """consultations.xlsx with sheets 1月, 2月 (a title above the header): every month is a ledger
    sheet; only the first used to be read and the rest listed as 已忽略."""
    header = ["编号", "责任部门", "渠道", "收到时间", "答复时间"]
    _xlsx(
        tmp_path / "consultations.xlsx",
        {
            "1月": [header, ["C-1", "指挥处", "网站留言", "2022-01-05 09:00", "2022-01-05 10:00"]],
            "2月": [["2月咨询答复台账"], header, ["C-2", "指挥处", "网站留言", "2022-02-07 09:00", None]],
            "汇总": [["责任部门", "渠道", "件数"], ["指挥处", "网站留言", 2]],  # required fields, but no record ids
        },
    )
    evidence = load_evidence(tmp_path)
    assert evidence.frame("consultation").select("_sheet", "_row", "id").rows() == [("1月", 2, "C-1"), ("2月", 3, "C-2")]
    assert evidence.ignored == ["consultations.xlsx [汇总]"]


def test_a_filled_in_by_line_above_the_header_is_a_title(tmp_path: Path) -> None:
    """填报单位：… and 填报日期：… in two cells under the title used to be taken as the header."""
    header = ["编号", "责任部门", "渠道", "收到时间", "答复时间"]
    _xlsx(
        tmp_path / "consultations.xlsx",
        {"台账": [["咨询答复台账"], ["填报单位：指挥处", None, None, "填报日期：2023-01-05"], header, ["C-1", "指挥处", "网站留言", "2022-03-05 09:00", None]]},
        merges={"台账": ["A1:E1"]},
    )
    evidence = load_evidence(tmp_path)
    assert evidence.files[0].header_row == 3
    assert evidence.frame("consultation").select("_row", "id", "department").rows() == [(4, "C-1", "指挥处")]
    (tmp_path / "consultations.xlsx").unlink()
    (tmp_path / "consultations.csv").write_text("填报单位：指挥处,,,填报日期：2023-01-05,\n" + ",".join(header) + "\nC-1,指挥处,网站留言,2022-03-05 09:00,\n", encoding="utf-8")
    assert load_evidence(tmp_path).frame("consultation").select("_row", "id").rows() == [(3, "C-1")]


def test_json_and_yaml_lists_of_records(tmp_path: Path) -> None:
    (tmp_path / "activities.json").write_text(
        json.dumps({"activities": [{"id": "A-1", "department": "政治处", "type": "training", "date": "2022-06-15"}]}, ensure_ascii=False),
        encoding="utf-8",
    )
    (tmp_path / "activities_交警.yaml").write_text(
        "# 交警支队\n- 编号: A-2\n  责任部门: 交警支队\n  类型: 政府开放日\n  日期: 2022年5月20日\n  名称: 开放日\n", encoding="utf-8"
    )
    frame = load_evidence(tmp_path).frame("activity").sort("id")
    assert frame.select("_file", "_row", "id", "type", "date", "title").rows() == [
        ("activities.json", 1, "A-1", "training", dt.date(2022, 6, 15), None),
        ("activities_交警.yaml", 2, "A-2", "open_day", dt.date(2022, 5, 20), "开放日"),
    ]


def test_extra_columns_kept_blank_rows_skipped_row_numbers_kept(tmp_path: Path) -> None:
    (tmp_path / "consultations.csv").write_text(
        "编号,责任部门,渠道,收到时间,答复时间,经办人\n,,,,,\nC-1,指挥处,网站留言,2022-03-05 10:00,,小王\n   ,\u3000,,,,\nC-2,指挥处,网站留言,2022-03-05 11:00,\n",
        encoding="utf-8",
    )
    frame = load_evidence(tmp_path).frame("consultation")
    assert frame.select("_row", "id", "经办人").rows() == [(3, "C-1", "小王"), (5, "C-2", None)]


def test_rows_with_a_blank_first_cell_and_white_space_only_cells(tmp_path: Path) -> None:
    """Blank rows are found from their first cell; a row whose first cell is blank but which
    holds data elsewhere is a record with a missing id. Any Unicode white space (em space,
    no-break space) makes a cell blank: not a problem in an optional field, missing in a
    required one; surrounding it a value is trimmed."""
    (tmp_path / "consultations.csv").write_text(
        "编号,责任部门,渠道,收到时间,答复时间\n"
        "\u2003,\u00a0,,,\n"
        ",指挥处,网站留言,2022-03-05 10:00,\n"
        "C-2,\u2003,网站留言,2022-03-05 11:00,\u2003\n"
        "C-3,\u2003指挥处\u00a0,网站留言,2022-03-05 12:00,\u3000\n",
        encoding="utf-8",
    )
    assert _problems(tmp_path) == [
        "consultations.csv 第3行 A列（编号）：必填项为空",
        "consultations.csv 第4行 B列（责任部门）：必填项为空",
    ]
    (tmp_path / "consultations.csv").write_text(
        "编号,责任部门,渠道,收到时间,答复时间\n\u2003,\u00a0,,,\nC-3,\u2003指挥处\u00a0,网站留言,2022-03-05 12:00,\u3000\n", encoding="utf-8"
    )
    frame = load_evidence(tmp_path).frame("consultation")
    assert frame.select("_row", "id", "department", "replied_at").rows() == [(3, "C-3", "指挥处", None)]


def test_tab_separated_and_department_suffixes(tmp_path: Path) -> None:
    (tmp_path / "咨询答复台账（治安支队）.csv").write_text("编号\t责任部门\t渠道\t收到时间\t答复时间\nC-1\t治安支队\t网站留言\t2022-03-05\t\n", encoding="utf-8")
    evidence = load_evidence(tmp_path)
    assert (evidence.files[0].kind, evidence.frame("consultation").get_column("department").to_list()) == ("consultation", ["治安支队"])


def test_non_ledger_files_are_ignored_and_listed(tmp_path: Path) -> None:
    (tmp_path / "consultations.csv").write_text(ENGLISH_CSV, encoding="utf-8")
    (tmp_path / "说明.docx").write_bytes(b"PK")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "照片.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "~$consultations.xlsx").write_bytes(b"lock")
    (tmp_path / ".hidden.csv").write_text("x", encoding="utf-8")
    assert sorted(load_evidence(tmp_path).ignored) == ["sub/照片.jpg", "说明.docx"]


def test_references_are_checked_only_when_the_referenced_kind_is_provided(tmp_path: Path) -> None:
    (tmp_path / "interpretations.csv").write_text("编号,政策文件编号,责任部门,解读形式,发布日期\nJD-1,ZC-404,法制支队,视频,2022-03-09\n", encoding="utf-8")
    assert load_evidence(tmp_path).frame("interpretation").height == 1
    (tmp_path / "policy_documents.csv").write_text("编号,标题,责任部门,公开日期\nZC-1,通知,法制支队,2022-03-07\n", encoding="utf-8")
    assert _problems(tmp_path) == [
        "interpretations.csv 第2行 B列（政策文件编号）：政策文件台账中没有编号为 “ZC-404” 的记录（政策文件编号应为 policy_documents 中某条记录的编号）"
    ]


# --------------------------------------------------------------------------- one mistake each
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("consultations.csv", b"", "consultations.csv：文件为空，至少需要一行表头"),
        ("consultations.csv", b"\r\n \r\n", "consultations.csv：文件为空，至少需要一行表头"),
        ("consultations.csv", "\ufeff编号,责任部门,渠道,收到时间,答复时间\r\n".encode(), "consultations.csv：只有表头，没有记录（未填写的模板请移出台账目录）"),
        ("consultations.csv", "编号,责任部门,渠道,收到时间,答复时间\n,,,,\n".encode(), "consultations.csv：只有表头，没有记录（未填写的模板请移出台账目录）"),
        ("consultations.yaml", "# 只有注释\n".encode(), "consultations.yaml：文件中没有记录（未填写的模板请移出台账目录）"),
        ("consultations.json", b"[]", "consultations.json：文件中没有记录（未填写的模板请移出台账目录）"),
        ("consultations.json", b'{"id": 1}', "consultations.json：应为记录列表（每条记录一个映射），实际是 映射"),
        ("consultations.json", b"[1, 2", "consultations.json：JSON 语法错误（第 1 行第 6 列：缺少逗号“,”）"),
        (
            "consultations.json",
            '[{"id": "C-1", "department": "指挥处", "channel": "网站留言", "received_at": "2022-03-05", "replied_at": null}, ["x"]]'.encode(),
            "consultations.json 第2条记录：每条记录应为 字段: 值 的映射，实际是 列表",
        ),
        (
            "consultations.csv",
            "编号,责任部门,渠道,收到时间,答复时间\nC-1,指挥处,网站留言,2022-03-05,,,多出来的\n".encode(),
            "consultations.csv 第2行：该行有 7 个单元格，多于表头的 5 列（G列起的数据没有表头）",
        ),
        (
            "consultations.csv",
            ("编号,责任部门,渠道,收到时间,答复时间\nC-1,指挥处,网站留言,2022-03-05,\nC-2," + ",".join(["x"] * 40) + "\n").encode(),
            "consultations.csv 第3行：该行有 41 个单元格，多于表头的 5 列（F列起的数据没有表头）",
        ),
        (
            "consultations.csv",
            "编号,责任部门,,收到时间,答复时间\nC-1,指挥处,网站留言,2022-03-05,\n".encode(),
            "consultations.csv 第1行 C列：表头为空，但该列第 2 行有数据（请补上表头；合并的表头单元格请拆分为每列一个表头）",
        ),
        (
            "consultations.csv",
            "编号,责任部门,渠道,channel,收到时间,答复时间\nC-1,指挥处,网站留言,website,2022-03-05,\n".encode(),
            "consultations.csv 第1行 D列：表头 “channel” 与 C列重复（都对应字段 channel）",
        ),
        (
            "consultations.csv",
            "编号,责任部门,渠道,收到时间,答复时间,备注,备注\nC-1,指挥处,网站留言,2022-03-05,,,\n".encode(),
            "consultations.csv 第1行 G列：表头 “备注” 与 F列重复",
        ),
        (
            "consultations.csv",
            "编号,责任部门,渠道,收到时间,答复时间,_row\nC-1,指挥处,网站留言,2022-03-05,,x\n".encode(),
            "consultations.csv 第1行 F列：表头 “_row” 是保留名称，请改名",
        ),
        (
            "consultations.csv",
            b"\xef\xbb\xbf\xe7\xbc\x96\xe5\x8f\xb7,\xb1\xe0\n",
            "consultations.csv：文件以 UTF-8 标记开头，但第 10 字节处不是 UTF-8 编码。请在 Excel/WPS 中另存为 “CSV UTF-8”",
        ),
        (
            "consultations.csv",
            b"id,department\n\xff\xff,x\n",
            "consultations.csv：无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030，第 14 字节处无法解码）。请在 Excel/WPS 中另存为 “CSV UTF-8”",
        ),
        (
            "consultations.csv",
            '编号,责任部门,渠道,收到时间,答复时间\nC-1,指挥处,网站留言,2022-03-05,\n"C-2,指挥处",网站留言,2022-03-05,\nC-3,"指挥处,网站留言,2022-03-06,\nC-4,指挥处,网站留言,2022-03-07,\n'.encode(),
            'consultations.csv 第4行：英文双引号（"）不配对，从这一行起到文件末尾无法分开各行。请删除多余的引号；单元格内容本身含有引号时，用两个引号（""）表示一个',
        ),
        ("consultations.xlsx", b"not a zip", None),
        ("consultations.et", b"WPS", "consultations.et：无法读取WPS 表格格式，请另存为 .xlsx 或 .csv"),
        ("咨询.csv", b"a,b\n1,2\n", None),
    ],
    ids=[
        "empty", "blank-lines", "header-only-bom", "header-only-blank-row", "yaml-comments-only", "json-empty-list",
        "json-not-list", "json-syntax", "json-record-not-mapping", "ragged-row", "very-ragged-row", "empty-header",
        "duplicate-field-header", "duplicate-extra-header", "reserved-header", "bad-bom", "undecodable", "unpaired-quote", "broken-xlsx",
        "wps-et", "unknown-stem",
    ],
)  # fmt: skip
def test_single_mistakes(tmp_path: Path, name: str, content: bytes, expected: str | None) -> None:
    (tmp_path / name).write_bytes(content)
    problems = _problems(tmp_path)
    if name == "consultations.xlsx":
        assert len(problems) == 1 and problems[0].startswith("consultations.xlsx：无法作为 Excel 工作簿读取（文件损坏、加密或并非 Excel 文件：")
    elif name == "咨询.csv":
        assert problems == [
            "咨询.csv：无法从文件名判断台账类型（文件名应为 consultations（咨询答复台账）、foi_requests（依申请公开台账）、"
            "policy_documents（政策文件台账）、interpretations（政策解读台账）、decisions（重大决策台账）、emergencies（突发事件回应台账）、"
            "activities（工作活动台账）、publications（公开报告台账）、tasks（任务分解表台账）、facts（指标数值台账） 之一，或其后加 _部门名）"
        ]
    else:
        assert problems == [expected]


def test_merged_header_cells_are_rejected_with_the_range(tmp_path: Path) -> None:
    _xlsx(
        tmp_path / "decisions.xlsx",
        {"重大决策台账": [["编号", "标题", "责任部门", "征求意见起止", None, "决策出台日期", "意见采纳情况公开日期"], ["J-1", "决定", "法制支队", "2022-01-01", "2022-02-01", "2022-03-01", None]]},
        merges={"重大决策台账": ["D1:E1"]},
    )
    assert _problems(tmp_path) == [
        "decisions.xlsx [重大决策台账] 第1行：表头含合并单元格 D1:E1（“征求意见起止”），请取消合并，每列只用一行表头（如 征求意见开始、征求意见结束 各占一列）"
    ]


def test_yaml_rows_are_the_lines_where_records_start(tmp_path: Path) -> None:
    (tmp_path / "facts.yaml").write_text(
        "- key: appraisal_weight_percent\n  year: 2022\n  value: 4.5\n\n- key: appraisal_weight_percent\n  year: 二〇二一\n  value: 百分之四\n",
        encoding="utf-8",
    )
    assert _problems(tmp_path) == [
        "facts.yaml 第5行 字段“year”：无法识别的年度 “二〇二一”（应为四位年份，如 2022）",
        "facts.yaml 第5行 字段“value”：无法识别的数值 “百分之四”（应为数字，如 4.5；百分比可写作 4.5%；千位分隔符只能写作 1,234）",
    ]


def test_yaml_dates_meet_the_cell_parser_not_pyyaml(tmp_path: Path) -> None:
    (tmp_path / "activities.yaml").write_text("- {id: A-1, department: 政治处, type: training, date: 2022-13-05}\n", encoding="utf-8")
    assert _problems(tmp_path) == [
        "activities.yaml 第1行 字段“date”：无法识别的日期 “2022-13-05”（应为 2022-03-05、2022/3/5、2022.3.5 或 2022年3月5日 等格式，"
        "可带时间 14:30 或 14时30分；日期须真实存在，时间不超过 23:59）"
    ]


def test_yaml_and_json_values_are_read_as_written(tmp_path: Path) -> None:
    """YAML 1.1 and JSON would rewrite values on the way in (0012 → 10 as octal, 1:20 → 80,
    NO → False, 2020.10 → 2020.1, a 20-digit id rounded to a float); cells are typed from the
    text as written, as in a CSV."""
    (tmp_path / "tasks.yaml").write_text(
        "- {id: 0012, plan: 2020年度任务分解表, item: 一项任务, lead_unit: NO, due: 2020.10, completed_at: 2020-10-20}\n"
        "- {id: 1:20, plan: 2020年度任务分解表, item: 另一项, lead_unit: on, due: 2020.6, completed_at: ~}\n"
        "- {id: 0x1F, plan: 2020年度任务分解表, item: 第三项, lead_unit: 1_000, due: 全年, completed_at: }\n",
        encoding="utf-8",
    )
    (tmp_path / "facts.json").write_text(
        '[{"id": 12345678901234567890, "key": "appraisal_weight_percent", "year": 2022, "value": 4.50, "department": "政治处"},'
        ' {"id": 1.0, "key": "appraisal_weight_percent", "year": 2021, "value": 1e2, "department": "政治处"}]',
        encoding="utf-8",
    )
    evidence = load_evidence(tmp_path)
    tasks = evidence.frames["task"]
    assert tasks.get_column("id").to_list() == ["0012", "1:20", "0x1F"]
    assert tasks.get_column("lead_unit").to_list() == ["NO", "on", "1_000"]
    assert tasks.get_column("due").to_list() == ["2020.10", "2020.6", "全年"]
    assert tasks.get_column("completed_at").to_list() == [dt.date(2020, 10, 20), None, None]
    facts = evidence.frames["fact"]
    assert facts.get_column("id").to_list() == ["12345678901234567890", "1.0"]
    assert facts.get_column("value").to_list() == [4.5, 100.0]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [("inf", "“inf”"), ("NaN", "“NaN”"), ("-Infinity", "“-Infinity”"), ("4,5", "“4,5”"), ("1,23", "“1,23”")],
)
def test_numbers_that_are_not_finite_or_have_a_stray_comma_are_refused(tmp_path: Path, cell: str, problem: str) -> None:
    (tmp_path / "facts.csv").write_text(f'编号,指标,年度,数值,责任部门\nF-1,考核权重,2022,"{cell}",政治处\n', encoding="utf-8")
    assert _problems(tmp_path) == [f"facts.csv 第2行 D列（数值）：无法识别的数值 {problem}（应为数字，如 4.5；百分比可写作 4.5%；千位分隔符只能写作 1,234）"]


def test_thousands_separators_and_percent_signs_are_read(tmp_path: Path) -> None:
    rows = ["F-1,考核权重,2022,\"1,234.5\",政治处", "F-2,考核权重,2021,4.5%,政治处", "F-3,考核权重,2020,\"-12,000\",政治处"]
    (tmp_path / "facts.csv").write_text("编号,指标,年度,数值,责任部门\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert load_evidence(tmp_path).frames["fact"].get_column("value").to_list() == [1234.5, 4.5, -12000.0]


def test_percentage_formatted_cells_are_read_as_shown(tmp_path: Path) -> None:
    """Typing 4.5% into a General cell makes Excel store 0.045 with a percent format; the
    ledgers write percentages as 4.5 or 4.5%, so such a cell reads as Excel shows it, 4.5 (a
    threshold of 4% would otherwise fail on 0.045). Built-in (0%, 0.00%) and custom formats;
    a literal "%" in quotes is no percentage; text, other numbers and other sheets stay as they are."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "指标数值台账"
    ws.append(["指标", "年度", "数值", "责任部门", "备注"])
    cells = [(2022, 0.045, "0.0%"), (2021, 0.04, "0%"), (2020, "4.5%", None), (2019, 4.5, None), (2018, 0.0425, '0.00"%"'), (2017, 1, "0.00%")]
    for i, (year, value, fmt) in enumerate(cells, start=2):
        ws.append(["考核权重", year, value, "政治处", 0.5])
        if fmt:
            ws.cell(i, 3).number_format = fmt
    ws.cell(2, 5).number_format = "0%"  # a column the kind does not have: read, shown as 50%
    wb.save(tmp_path / "facts.xlsx")
    frame = load_evidence(tmp_path).frames["fact"]
    assert frame.get_column("value").to_list() == [4.5, 4.0, 4.5, 4.5, 0.0425, 100.0]
    scan = workbook_scan.check_workbook(tmp_path / "facts.xlsx", "facts.xlsx")
    assert scan.percent == {"指标数值台账": {(1, 2), (2, 2), (6, 2), (1, 4)}} and not scan.plain, "python-calamine reads it, not fastsheet"


def test_line_breaks_inside_text_cells_are_lf(tmp_path: Path) -> None:
    """A CRLF file's multi-line cell holds CR LF; the same department typed with Alt+Enter in
    Excel holds LF. Both are one name (the HTML filter compares them as the browser shows them)."""
    (tmp_path / "consultations.csv").write_bytes(
        "编号,责任部门,渠道,收到时间,答复时间\r\nA1,\"交警支队\r\n一大队\",网上咨询求助平台,2022-03-01 09:00,\r\n"
        "A2,\"交警支队\n一大队\",网上咨询求助平台,2022-03-02 09:00,\r\nA3,\"治安\r支队\",网上咨询求助平台,2022-03-02 09:00,\r\n".encode()
    )
    departments = load_evidence(tmp_path).frames["consultation"].get_column("department").to_list()
    assert departments == ["交警支队\n一大队", "交警支队\n一大队", "治安\n支队"]


@pytest.mark.parametrize(("escaped", "named"), [("\\u0000", "空字符（NUL）"), ("\\ud800", "孤立的代理项 U+D800")])
def test_json_escapes_for_characters_no_text_holds_are_refused(tmp_path: Path, escaped: str, named: str) -> None:
    (tmp_path / "consultations.json").write_text(
        f'[{{"id": "C-1", "department": "指挥{escaped}处", "channel": "website", "received_at": "2022-03-01", "replied_at": null}}]', encoding="utf-8"
    )
    [problem] = _problems(tmp_path)
    assert problem.startswith("consultations.json 第1条记录 字段“department”：值中有") and named in problem


def test_common_header_aliases_are_read_and_a_missing_column_names_what_was_there(tmp_path: Path, zwgk) -> None:  # type: ignore[no-untyped-def]
    """Ledgers kept before the templates say 部门, 受理时间, 回复时间 …; a kind's own labels win
    (tasks have 责任单位 as a field of their own, so there it is not a department)."""
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "consultations.csv").write_text("编号,部门,渠道,受理时间,回复时间\nC1,指挥处,网站留言,2022-03-01 09:00,2022-03-01 10:00\n", encoding="utf-8")
    (tmp_path / "ok" / "foi_requests.csv").write_text("编号,承办部门,收到时间,答复日期\nY1,政治处,2022-03-01,2022-03-05\n", encoding="utf-8")
    (tmp_path / "ok" / "tasks.csv").write_text("编号,任务分解表,工作任务,牵头部门,责任单位,时间节点,完成时间\nT1,2022年度表,一项,办公室,各科室,全年,\n", encoding="utf-8")
    evidence = load_evidence(tmp_path / "ok")
    assert evidence.frames["consultation"].row(0, named=True)["department"] == "指挥处"
    assert evidence.frames["foi_request"].get_column("replied_at").to_list() == [dt.datetime(2022, 3, 5)]
    task = evidence.frames["task"].row(0, named=True)
    assert (task["item"], task["lead_unit"], task["units"]) == ("一项", "办公室", "各科室")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "consultations.csv").write_text("编号,科室,渠道,收到时间,答复时间\nC1,指挥处,网站留言,2022-03-01 09:00,\n", encoding="utf-8")
    assert _problems(tmp_path / "bad") == [
        "consultations.csv：缺少必需的列 “责任部门”（department）；也可写作 部门、承办部门、办理部门、责任单位、承办单位；表中未识别的列：“科室”"
    ]
    # The date on an FOI application is not the legal receipt date (条例 art. 31): not an alias.
    (tmp_path / "foi").mkdir()
    (tmp_path / "foi" / "foi_requests.csv").write_text("编号,责任部门,申请日期,答复日期,答复结果\nY1,政治处,2023-01-20,2023-02-23,予以公开\n", encoding="utf-8")
    [problem] = _problems(tmp_path / "foi")
    assert problem.startswith("foi_requests.csv：缺少必需的列 “收到申请日期”（received_at）；也可写作 收到时间、收到日期、受理时间、受理日期、留言时间；表中未识别的列：“申请日期”（")
    assert "第三十一条" in problem


def test_many_problems_in_one_column_are_summarised(tmp_path: Path) -> None:
    rows = [f"C-{i},指挥处,网站留言,昨天," for i in range(25)]
    (tmp_path / "consultations.csv").write_text("\n".join(["编号,责任部门,渠道,收到时间,答复时间", *rows]) + "\n", encoding="utf-8")
    problems = _problems(tmp_path)
    assert len(problems) == 21
    assert problems[-1] == "consultations.csv D列（收到时间）：另有 5 处同类问题未逐条列出"


def test_duplicate_ids_across_files_name_every_place(tmp_path: Path) -> None:
    (tmp_path / "consultations_a.csv").write_text("编号,责任部门,渠道,收到时间,答复时间\nC-1,甲,网站留言,2022-03-05,\nC-1,甲,网站留言,2022-03-06,\n", encoding="utf-8")
    (tmp_path / "consultations_b.json").write_text(
        '[{"id": "C-1", "department": "乙", "channel": "website", "received_at": "2022-03-07", "replied_at": null}]', encoding="utf-8"
    )
    assert _problems(tmp_path) == [
        "consultations_a.csv 第2、3行 A列（编号）；consultations_b.json 第1条记录 字段“id”：编号 “C-1” 重复（咨询答复台账中的编号必须唯一）"
    ]


# --------------------------------------------------------------------------- everything at once
def _many_mistakes(root: Path) -> Path:
    from openpyxl import Workbook

    root.mkdir()

    def csv(name: str, text: str, encoding: str = "utf-8") -> None:
        (root / name).write_bytes(text.replace("\n", "\r\n").encode(encoding))

    csv("unknown.csv", "a,b\n1,2\n")
    csv(
        "consultations.csv",
        "编号,责任部门,渠道,收到时间,答复时间\n"
        "C-1,指挥处,网上咨询求助平台,2022-02-30 10:00,\n"
        "C-2,指挥处,电话,2022-03-01 10:00,\n"
        ",指挥处,领导信箱,2022-03-01 10:00,\n"
        "C-4,指挥处,网站留言,2022-03-01 10:00,2022-03-02 09:00\n"
        "C-4,治安支队,网站留言,2022-03-03 10:00,\n",
    )
    csv("activities.csv", "编号,责任部门,类型,名称\nA-1,指挥处,政务公开培训,培训\n")
    csv("emergencies.csv", "编号,责任部门,级别,发生时间,首次回应时间,新闻发布时间\nT-1,指挥处,一般,2022-05-06 08:20,2022-05-06 11:00,\nT-2,指挥处,一般,2022-05-07 08:20,2022-05-07 11:00,,多写了一格\n")
    csv("decisions.csv", "编号,标题,责任部门,title,征求意见开始,征求意见结束,决策出台日期,意见采纳情况公开日期\nJ-1,x,法制支队,x,2022-01-01,2022-02-01,2022-03-01,\n")
    csv("policy_documents.csv", "编号,标题,责任部门,公开日期,涉及群众企业权益\nZC-1,关于……的通知,法制支队,2022-03-07,也许\nZC-2,关于……的通知,法制支队,2022-03-08,是\n")
    csv("interpretations.csv", "编号,政策文件编号,责任部门,解读形式,发布日期\nJD-1,ZC-2,法制支队,图表图解,2022-03-09\nJD-2,ZC-9,法制支队,视频,2022-03-09\n")
    csv("publications.csv", "\ufeff编号,责任部门,类型,所属年度,发布日期\n")
    csv("tasks.csv", "")
    csv("foi_requests.csv", "编号,责任部门,收到申请日期,答复日期,答复结果\nY-1,治安支队,2022/3/7,2022/3/30,予以公开\nY-2,治安支队,2022/3/8,2022/3/31,不公开\n", "gbk")
    (root / "facts.yaml").write_text("# 指标\n- key: appraisal_weight_percent\n  year: 2022\n  value: 4.5\n- key: appraisal_weight_percent\n  year: 二〇二一\n  value: 4\n", encoding="utf-8")
    wb = Workbook()
    wb.active.title = "咨询"
    wb.active["A1"] = "看不出是哪类台账"
    ws = wb.create_sheet("工作活动台账")
    for row in (["编号", "责任部门", "类型", "日期"], ["A-9", "政治处", "政府开放日", dt.date(2022, 5, 20)], ["A-10", "政治处", "政府开放日", "五月"]):
        ws.append(row)
    wb.save(root / "汇总.xlsx")
    (root / "说明.docx").write_bytes(b"PK")
    return root


DATE_HINT = "（应为 2022-03-05、2022/3/5、2022.3.5 或 2022年3月5日 等格式，可带时间 14:30 或 14时30分；日期须真实存在，时间不超过 23:59）"
KIND_LIST = (
    "consultations（咨询答复台账）、foi_requests（依申请公开台账）、policy_documents（政策文件台账）、interpretations（政策解读台账）、"
    "decisions（重大决策台账）、emergencies（突发事件回应台账）、activities（工作活动台账）、publications（公开报告台账）、"
    "tasks（任务分解表台账）、facts（指标数值台账）"
)


def test_validate_reports_every_mistake_in_one_run(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = zwgk("validate", _many_mistakes(tmp_path / "ev"))
    assert result.code == 2
    assert result.out == ""
    assert "Traceback" not in result.err
    assert result.err.splitlines() == [
        "错误：activities.csv：缺少必需的列 “日期”（date）；也可写作 活动日期、开展日期",
        f"错误：consultations.csv 第2行 D列（收到时间）：无法识别的日期 “2022-02-30 10:00”{DATE_HINT}",
        "错误：consultations.csv 第3行 C列（渠道）：未知的取值 “电话”（可选：网上咨询求助平台（online_platform）、12345热线（hotline_12345）、领导信箱（mailbox）、网站留言（website））",
        "错误：consultations.csv 第4行 A列（编号）：必填项为空",
        "错误：decisions.csv 第1行 D列：表头 “title” 与 B列重复（都对应字段 title）",
        "错误：emergencies.csv 第3行：该行有 7 个单元格，多于表头的 6 列（G列起的数据没有表头）",
        "错误：facts.yaml 第5行 字段“year”：无法识别的年度 “二〇二一”（应为四位年份，如 2022）",
        "错误：foi_requests.csv 第3行 E列（答复结果）：未知的取值 “不公开”（可选：予以公开（disclosed）、部分公开（partial）、不予公开（withheld）、无法提供（not_held）、不予处理（not_processed）、其他（other））",
        "错误：policy_documents.csv 第2行 E列（涉及群众企业权益）：无法识别的是/否值 “也许”（应为 是/否、true/false、1/0 或 √/×）",
        "错误：publications.csv：只有表头，没有记录（未填写的模板请移出台账目录）",
        "错误：tasks.csv：文件为空，至少需要一行表头",
        f"错误：unknown.csv：无法从文件名判断台账类型（文件名应为 {KIND_LIST} 之一，或其后加 _部门名）",
        f"错误：汇总.xlsx [咨询]：无法从工作表名判断台账类型（工作表名应为 {KIND_LIST} 之一）",
        f"错误：汇总.xlsx [工作活动台账] 第3行 D列（日期）：无法识别的日期 “五月”{DATE_HINT}",
        "错误：consultations.csv 第5、6行 A列（编号）：编号 “C-4” 重复（咨询答复台账中的编号必须唯一）",
        "错误：interpretations.csv 第3行 B列（政策文件编号）：政策文件台账中没有编号为 “ZC-9” 的记录（政策文件编号应为 policy_documents 中某条记录的编号）",
    ]


def test_check_refuses_bad_evidence_with_the_same_messages(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evidence = _many_mistakes(tmp_path / "ev")
    result = zwgk("check", evidence, "--rules", "songjiang-psb-2022", "--format", "json", "--out", tmp_path / "out")
    assert (result.code, len(result.err.splitlines())) == (2, 16)
    assert not (tmp_path / "out" / "report.json").exists()


def test_validate_lists_files_encodings_and_ignored(zwgk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "consultations_治安.csv").write_bytes(EXCEL_GBK_CSV)
    (tmp_path / "consultations.csv").write_text(ENGLISH_CSV.replace("C-", "E-"), encoding="utf-8-sig")
    (tmp_path / "说明.txt").write_text("x", encoding="utf-8")
    result = zwgk("validate", tmp_path)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        "校验通过：2 个表，6 条记录。",
        "  consultations.csv：consultation，3 条，UTF-8 (BOM)",
        "  consultations_治安.csv：consultation，3 条，GBK",
        "  已忽略：说明.txt",
    ]


def test_many_rows_in_two_date_styles_load_columnar(tmp_path: Path) -> None:
    """200k rows, two date styles in two columns: every cell parsed (speed is measured in bench/)."""
    n = 200_000
    base = dt.datetime(2022, 1, 1)
    received = pl.datetime_range(base, base + dt.timedelta(minutes=n - 1), "1m", eager=True)
    pl.DataFrame(
        {
            "编号": [f"C-{i}" for i in range(n)],
            "责任部门": ["指挥处"] * n,
            "渠道": ["网上咨询求助平台"] * n,
            "收到时间": received.dt.strftime("%Y/%-m/%-d %H:%M"),
            "答复时间": (received + dt.timedelta(hours=3)).dt.strftime("%Y-%m-%d %H:%M"),
        }
    ).write_csv(tmp_path / "consultations.csv")
    frame = load_evidence(tmp_path).frame("consultation")
    assert frame.height == n and frame.get_column("replied_at").null_count() == 0
    assert frame.get_column("received_at").to_list()[-1] == base + dt.timedelta(minutes=n - 1)
    assert (frame.get_column("replied_at") - frame.get_column("received_at")).unique().to_list() == [dt.timedelta(hours=3)]


def test_an_empty_fixture_ledger_is_provided_but_empty() -> None:
    """`activity: []` in a fixture means "the ledger was handed in and holds nothing"."""
    from checker.evidence.load import evidence_from_records

    evidence = evidence_from_records({"activity": []}, "fixture")
    assert evidence.frame("activity").height == 0
    assert "date" in evidence.frame("activity").columns
    assert [f.rows for f in evidence.files] == [0]


def test_date_and_time_in_two_columns_are_told_to_be_one(tmp_path: Path) -> None:
    (tmp_path / "consultations.csv").write_text("编号,责任部门,渠道,收到日期,收到时间,答复时间\nC1,指挥处,网站留言,2022-03-05,14:30,\n", encoding="utf-8")
    assert _problems(tmp_path) == [
        "consultations.csv 第1行 E列：表头 “收到时间” 与 D列重复（都对应字段 received_at）；日期和时间分两列填写的，请合并为一列“收到时间”（如 2022-03-05 14:30）"
    ]


def test_blank_rows_inside_a_merged_department_are_not_records(tmp_path: Path) -> None:
    header = ["编号", "责任部门", "渠道", "收到时间", "答复时间"]
    _xlsx(
        tmp_path / "consultations.xlsx",
        {"台账": [header, ["C-1", "指挥处", "网站留言", "2022-03-05 09:00", None], [None] * 5, ["C-2", None, "网站留言", "2022-03-06 09:00", None]]},
        merges={"台账": ["B2:B4"]},
    )
    assert load_evidence(tmp_path).frame("consultation").select("_row", "id", "department").rows() == [(2, "C-1", "指挥处"), (4, "C-2", "指挥处")]


def test_yaml_records_may_name_fields_in_english_or_chinese(tmp_path: Path) -> None:
    (tmp_path / "activities.yaml").write_text(
        "- {id: A-1, department: 政治处, type: training, date: 2022-06-15}\n- {编号: A-2, 责任部门: 政治处, 类型: 政务公开培训, 日期: 2022-07-15}\n", encoding="utf-8"
    )
    frame = load_evidence(tmp_path).frame("activity")
    assert frame.select("_row", "id", "type", "date").rows() == [(1, "A-1", "training", dt.date(2022, 6, 15)), (2, "A-2", "training", dt.date(2022, 7, 15))]
    (tmp_path / "activities.yaml").write_text("- {id: A-1, 编号: A-3, department: 政治处, type: training, date: 2022-06-15}\n", encoding="utf-8")
    assert _problems(tmp_path) == ["activities.yaml 第1行：字段 “编号” 与 “id” 都对应字段 id，请只保留一个"]


def test_near_miss_names_of_deciding_columns_are_read_and_the_rest_are_listed(tmp_path: Path, zwgk) -> None:  # type: ignore[no-untyped-def]
    """延期 for 是否延期 was kept as an unknown column, so a lawful extension read as 超期;
    validate now also lists the columns it does not read."""
    (tmp_path / "foi_requests.csv").write_text(
        "编号,责任部门（必填）,收到申请日期,延期,延期批准人,延期告知日期,答复日期,答复结果,不予公开理由,备注\n"
        "Y-1,法制支队,2022-03-01,是,王某,2022-03-20,2022-04-20,不予公开,条例第十四条,\n",
        encoding="utf-8",
    )
    row = load_evidence(tmp_path).frame("foi_request").row(0, named=True)
    assert (row["department"], row["extended"], row["legal_basis"]) == ("法制支队", True, "条例第十四条")
    result = zwgk("validate", tmp_path)
    assert "    未识别的列（保留但不参与检查，字段名见 docs/evidence.md）：“备注”\n" in result.out


def test_hidden_sheets_and_example_sheets_are_not_records(tmp_path: Path) -> None:
    """A hidden copy 咨询答复台账 (2) (Excel's name for a copied sheet, with last year's rows) and a
    填报示例 sheet were read as records and their rows judged."""
    from openpyxl import load_workbook

    header = ["编号", "责任部门", "渠道", "收到时间", "答复时间"]
    path = _xlsx(
        tmp_path / "consultations.xlsx",
        {
            "咨询答复台账": [header, ["C-1", "指挥处", "网站留言", "2022-03-05 09:00", None]],
            "咨询答复台账 (2)": [header, ["OLD-1", "指挥处", "网站留言", "2021-03-05 09:00", None]],
            "填报示例": [header, ["ZX2022-0001", "指挥处", "网站留言", "2022-09-30 16:00", None]],
        },
    )
    wb = load_workbook(path)
    wb["咨询答复台账 (2)"].sheet_state = "hidden"
    wb.save(path)
    evidence = load_evidence(tmp_path)
    assert evidence.frame("consultation").get_column("id").to_list() == ["C-1"]
    assert evidence.ignored == ["consultations.xlsx [咨询答复台账 (2)]（隐藏的工作表）"]
