"""fastsheet (fastexcel, columns straight into polars) must read a plain sheet exactly as the
python-calamine path does: the same text in every cell, the same grid from A1, the same merged
ranges. Workbooks are generated with openpyxl in both of its forms (shared strings; inline
strings from the streaming writer) from cells of every type a ledger holds; the comparison is
cell by cell, and then whole evidence folders are loaded both ways."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from checker.evidence import fastsheet
from checker.evidence.load import _text_columns, check_workbook, load_evidence

TEXTS = ["编号", "交警支队", "  ", "", "2022-01-03", "2022-01-03 09:30", "2022/1/3 9:30", "true", "0", "1.50", "#N/A", "否", "Ａ１", "x\ny"]
ms_times = st.times().map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))
CELLS = st.one_of(
    st.none(),
    st.sampled_from(TEXTS),
    st.integers(-(10**6), 10**12),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.sampled_from([0.1 + 0.2, 1 / 3, 1e20, 1e-7, -0.0, 2.5, 44564.0]),
    st.booleans(),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31)).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
    ms_times,
)
GRIDS = st.lists(st.lists(CELLS, min_size=1, max_size=6), min_size=1, max_size=12)
MERGES = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 5), st.integers(0, 2), st.integers(0, 2)), max_size=3)


def write(path: Path, grid: list[list[Any]], merges: list[tuple[int, int, int, int]] = (), *, streaming: bool = False) -> list[str]:
    """One sheet "consultation" with "编号" in A1 and `grid` below; non-overlapping merges."""
    workbook = Workbook(write_only=streaming)
    sheet = workbook.create_sheet("consultation") if streaming else workbook.active
    if not streaming:
        sheet.title = "consultation"
    rows = [["编号"], *grid]
    if streaming:
        for row in rows:
            sheet.append(row)
    else:
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
        taken: set[tuple[int, int]] = set()
        for top, left, height, width in merges:
            area = {(r, c) for r in range(top + 1, top + 2 + height) for c in range(left, left + 1 + width)}
            if (height or width) and not area & taken and (1, 0) not in area:
                taken |= area
                sheet.merge_cells(start_row=top + 2, start_column=left + 1, end_row=top + 2 + height, end_column=left + 1 + width)
    workbook.save(path)
    return ["consultation"]


def calamine_grid(path: Path) -> tuple[list[list[str | None]], list[Any]]:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("consultation")
    rows = sheet.to_python(skip_empty_area=False)
    return _text_columns(rows, max(len(r) for r in rows)), sorted(sheet.merged_cell_ranges or [])


def fast_grid(path: Path) -> tuple[list[list[str | None]], list[Any]]:
    scan = check_workbook(path, path.name)
    assert "consultation" in scan.plain, "an ordinary workbook must take the fast path"
    frame = fastsheet.read_sheet(fastsheet.open_reader(path), "consultation")
    assert frame is not None
    return [column.to_list() for column in frame.get_columns()], scan.plain["consultation"]


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grid=GRIDS, merges=MERGES, streaming=st.booleans())
def test_every_cell_reads_as_python_calamine_reads_it(tmp_path: Path, grid: list[list[Any]], merges: list[Any], streaming: bool) -> None:
    path = tmp_path / ("s.xlsx" if streaming else "w.xlsx")
    write(path, grid, merges, streaming=streaming)
    assert fast_grid(path) == calamine_grid(path)


def test_dates_times_and_numbers_become_the_same_text(tmp_path: Path) -> None:
    values = [
        dt.date(2022, 1, 3),
        dt.datetime(2022, 1, 3, 9, 30),
        dt.datetime(2022, 1, 3, 9, 30, 15, 500000),
        dt.datetime(2022, 1, 3),
        dt.time(9, 36),
        dt.time(0, 0),
        0.1 + 0.2,
        1 / 3,
        True,
        "#DIV/0!",
    ]
    path = tmp_path / "t.xlsx"
    write(path, [[v] for v in values])
    cells, _ = fast_grid(path)
    expected = ["编号", "2022-01-03", "2022-01-03 09:30:00", "2022-01-03 09:30:15.500000", "2022-01-03", "09:36:00", "00:00:00", "0.3", "0.333333333", "true", None]
    assert cells == [expected]
    assert calamine_grid(path)[0] == [expected]


def sheet_xml(cells: str, a1: str = '<c r="A1" t="inlineStr"><is><t>编号</t></is></c>') -> bytes:
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{a1}</row><row r="2">{cells}</row></sheetData></worksheet>'
    ).encode()


@pytest.mark.parametrize(
    ("case", "cells", "a1"),
    [
        ("text that fastexcel would take for a whole day", '<c r="A2" t="inlineStr"><is><t>2022-01-03 00:00:00</t></is></c>', None),
        ("text that looks like a time of day", '<c r="A2" t="inlineStr"><is><t>1899-12-31 09:00</t></is></c>', None),
        ("A1 empty: the grid would not start at A1", '<c r="B2" t="inlineStr"><is><t>x</t></is></c>', '<c r="A1" s="1"/>'),
        ("A1 without a value", '<c r="B2" t="inlineStr"><is><t>x</t></is></c>', '<c r="A1" s="1"></c>'),
        ("a column beyond Z", '<c r="AA2" t="inlineStr"><is><t>x</t></is></c>', None),
        ("a prefixed merge", '<c r="A2"><v>1</v></c></row></sheetData><x:mergeCells><x:mergeCell ref="A2:B2"/></x:mergeCells><sheetData><row r="3">', None),
    ],
)
def test_sheets_fastexcel_would_read_otherwise_go_to_python_calamine(tmp_path: Path, case: str, cells: str, a1: str | None) -> None:
    path = tmp_path / "c.xlsx"
    write(path, [["x"]])
    replace_part(path, "xl/worksheets/sheet1.xml", sheet_xml(cells, a1) if a1 else sheet_xml(cells))
    assert "consultation" not in check_workbook(path, "c.xlsx").plain, case


def test_the_same_sheet_without_those_cells_is_plain(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    write(path, [["x"]])
    replace_part(path, "xl/worksheets/sheet1.xml", sheet_xml('<c r="A2" t="inlineStr"><is><t>2022-01-03 09:00:00</t></is></c>'))
    assert check_workbook(path, "c.xlsx").plain == {"consultation": []}


def test_an_elapsed_time_format_or_the_1904_system_sends_the_workbook_to_python_calamine(tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    write(path, [[dt.timedelta(hours=30)]])
    assert check_workbook(path, "d.xlsx").plain == {}
    other = tmp_path / "e.xlsx"
    write(other, [["x"]])
    book = read_part(other, "xl/workbook.xml").replace(b"<workbookPr", b'<workbookPr date1904="1"', 1)
    assert b"date1904" in book
    replace_part(other, "xl/workbook.xml", book)
    assert check_workbook(other, "e.xlsx").plain == {}


def test_an_iso_date_cell_or_a_negative_date_is_left_to_python_calamine(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    write(path, [["x"]])
    replace_part(path, "xl/worksheets/sheet1.xml", sheet_xml('<c r="A2" t="d"><v>2022-01-03T09:30:00</v></c>'))
    assert "consultation" in check_workbook(path, "f.xlsx").plain
    assert fastsheet.read_sheet(fastsheet.open_reader(path), "consultation") is None


def test_whole_folders_load_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "consultation"
    sheet.append(["网上咨询台账（2022 年）"])
    sheet.merge_cells("A1:E1")
    sheet.append(["编号", "责任部门", "渠道", "收到时间", "答复时间"])
    for n in range(40):
        received = dt.datetime(2022, 3, 1, 9) + dt.timedelta(hours=7 * n)
        sheet.append([f"ZX-{n}", None if n in (1, 2) else f"部门{n % 3}", "website", received, received + dt.timedelta(days=n % 4) if n % 5 else None])
    sheet.merge_cells("B3:B5")
    workbook.save(folder / "consultations.xlsx")
    assert check_workbook(folder / "consultations.xlsx", "consultations.xlsx").plain
    fast = load_evidence(folder).frame("consultation")
    monkeypatch.setattr(fastsheet, "open_reader", lambda file: None)
    slow = load_evidence(folder).frame("consultation")
    assert fast.height == 40
    assert fast.equals(slow, null_equal=True)
    assert fast.filter(pl.col("_row") == 4).get_column("department").item() == "部门0"  # from the merge B3:B5


def read_part(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def replace_part(path: Path, name: str, data: bytes) -> None:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
