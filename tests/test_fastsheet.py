"""fastsheet (fastexcel, columns straight into polars) must read a plain sheet exactly as the
python-calamine path does: the same text in every cell, the same grid from A1, the same merged
ranges. Workbooks are generated with openpyxl in both of its forms (shared strings; inline
strings from the streaming writer) from cells of every type a ledger holds; the comparison is
cell by cell, and then whole evidence folders are loaded both ways."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import polars as pl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from checker.errors import EvidenceError
from checker.evidence import fastsheet
from checker.evidence.load import _text_columns, load_evidence
from checker.evidence.workbook_scan import check_workbook

TEXTS = ["编号", "交警支队", "  ", "", "2022-01-03", "2022-01-03 09:30", "2022/1/3 9:30", "true", "0", "1.50", "#N/A", "否", "Ａ１", "x\ny"]
ms_times = st.times().map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))
ms_datetimes = st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31)).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
# Anything a cell can hold, including what sends a sheet to python-calamine (tiny floats in
# exponent form, times a millisecond after midnight, seven-digit numbers beside dates).
CELLS = st.one_of(
    st.none(),
    st.sampled_from(TEXTS),
    st.integers(-(10**6), 10**12),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.sampled_from([0.1 + 0.2, 1 / 3, 1e20, 1e-7, -0.0, 2.5, 44564.0]),
    st.booleans(),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    ms_datetimes,
    ms_times,
)
# What ledgers hold: the fast path must take every such sheet.
ORDINARY = st.one_of(
    st.none(),
    st.sampled_from(TEXTS),
    st.integers(-(10**5), 10**6 - 1),
    st.integers(-(10**7), 10**7).map(lambda n: n / 100),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 12, 31)),
    ms_datetimes.filter(lambda d: d.time() == dt.time(0) or dt.time(0, 0, 1) <= d.time() <= dt.time(23, 59, 59)),
    ms_times.filter(lambda t: dt.time(0, 1) <= t <= dt.time(23, 59, 59)),  # below 9 s a time is written in exponent form
)
GRIDS = st.lists(st.lists(CELLS, min_size=1, max_size=6), min_size=1, max_size=12)
ORDINARY_GRIDS = st.lists(st.lists(ORDINARY, min_size=1, max_size=6), min_size=1, max_size=12)
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


def fast_grid(path: Path) -> tuple[list[list[str | None]], list[Any]] | None:
    """The grid and merges as fastsheet reads them, or None where the pre-scan or fastsheet
    itself leaves the sheet to python-calamine."""
    scan = check_workbook(path, path.name)
    if "consultation" not in scan.plain:
        return None
    frame = fastsheet.read_sheet(fastsheet.open_reader(path), "consultation", dated=scan.dated)
    if frame is None:
        return None
    return [column.to_list() for column in frame.get_columns()], scan.plain["consultation"]


EXAMPLES = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def both_ways(folder: Path, grid: list[list[Any]], merges: list[Any], streaming: bool) -> tuple[Any, Any]:
    """(fastsheet's grid or None, python-calamine's grid) of one generated workbook."""
    path = folder / ("s.xlsx" if streaming else "w.xlsx")
    write(path, grid, merges, streaming=streaming)
    return fast_grid(path), calamine_grid(path)


@EXAMPLES
@given(grid=GRIDS, merges=MERGES, streaming=st.booleans())
def test_a_sheet_fastsheet_takes_reads_exactly_as_python_calamine_reads_it(tmp_path: Path, grid: list[list[Any]], merges: list[Any], streaming: bool) -> None:
    fast, slow = both_ways(tmp_path, grid, merges, streaming)
    event("fast path" if fast is not None else "left to python-calamine")
    assert fast is None or fast == slow


@EXAMPLES
@given(grid=ORDINARY_GRIDS, merges=MERGES, streaming=st.booleans())
def test_ordinary_ledger_cells_all_take_the_fast_path(tmp_path: Path, grid: list[list[Any]], merges: list[Any], streaming: bool) -> None:
    fast, slow = both_ways(tmp_path, grid, merges, streaming)
    assert fast is not None, "an ordinary ledger sheet must take the fast path"
    assert fast == slow


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
    found = fast_grid(path)
    assert found is not None
    cells, _ = found
    expected = ["编号", "2022-01-03", "2022-01-03 09:30:00", "2022-01-03 09:30:15.500000", "2022-01-03", "09:36:00", "00:00:00", "0.3", "0.333333333", "true", None]
    assert cells == [expected]
    assert calamine_grid(path)[0] == [expected]


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet_xml(cells: str, a1: str = '<c r="A1" t="inlineStr"><is><t>编号</t></is></c>', tail: str = "") -> bytes:
    return f'<worksheet {NS}><sheetData><row r="1">{a1}</row><row r="2">{cells}</row></sheetData>{tail}</worksheet>'.encode()


def styles_xml(*formats: int, custom: dict[int, str] | None = None) -> bytes:
    """cellXfs 0 = General, then one style per number format id, in order (s="1", s="2", …)."""
    codes = "".join(f'<numFmt numFmtId="{n}" formatCode="{escape(c, {chr(34): "&quot;"})}"/>' for n, c in (custom or {}).items())
    xfs = "".join(f'<xf numFmtId="{n}" applyNumberFormat="1"/>' for n in (0, *formats))
    return (
        f'<styleSheet {NS}><numFmts count="{len(custom or {})}">{codes}</numFmts><fonts count="1"><font/></fonts>'
        '<fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        f'<cellXfs count="{len(formats) + 1}">{xfs}</cellXfs></styleSheet>'
    ).encode()


def book(tmp_path: Path, cells: str, *, a1: str | None = None, tail: str = "", styles: bytes | None = None, name: str = "c.xlsx") -> Path:
    """A one-sheet workbook with the given XML for row 2 (and A1), styles and extra sheet XML."""
    path = tmp_path / name
    write(path, [["x"]])
    replace_part(path, "xl/worksheets/sheet1.xml", sheet_xml(cells, a1, tail) if a1 else sheet_xml(cells, tail=tail))
    if styles is not None:
        replace_part(path, "xl/styles.xml", styles)
    return path


DATED = styles_xml(14)  # s="1" is a date: the workbook has date styles, date texts get rewritten


@pytest.mark.parametrize(
    ("case", "cells", "a1", "tail", "styles"),
    [
        ("text fastexcel would write for a whole day", '<c r="A2" t="inlineStr"><is><t>2022-01-03 00:00:00</t></is></c>', None, "", DATED),
        ("text that looks like a time of day", '<c r="A2" t="inlineStr"><is><t>1899-12-31 09:00</t></is></c>', None, "", DATED),
        ("the same hidden by character references", '<c r="A2" t="inlineStr"><is><t>2022-01-05&#32;00:00:00</t></is></c>', None, "", DATED),
        ("the same hidden by an _x escape", '<c r="A2" t="inlineStr"><is><t>2022-01-05_x0020_00:00:00</t></is></c>', None, "", DATED),
        ("a hyphen as a hexadecimal reference", '<c r="A2" t="inlineStr"><is><t>1899&#x2D;12-31 09:00</t></is></c>', None, "", DATED),
        ("a digit as a reference with leading zeros", '<c r="A2" t="inlineStr"><is><t>2022-01-05 00:00:&#00048;0</t></is></c>', None, "", DATED),
        ("a colon as an _x escape", '<c r="A2" t="inlineStr"><is><t>2022-01-05 00_x003a_00:00</t></is></c>', None, "", DATED),
        ("the same split over rich-text runs", '<c r="A2" t="inlineStr"><is><r><t>2022-01-05 00:</t></r><r><t>00:00</t></r></is></c>', None, "", DATED),
        ("a date a fraction of a millisecond before midnight", '<c r="A2" s="1"><v>44564.9999999999</v></c>', None, "", DATED),
        ("a date past the year 9999", '<c r="A2" s="1"><v>20220103</v></c>', None, "", DATED),
        ("a boolean written false", '<c r="A2" t="b"><v>false</v></c>', None, "", None),
        ("an ISO date cell", '<c r="A2" t="d"><v>2022-1-3</v></c>', None, "", None),
        ("A1 empty: the grid would not start at A1", '<c r="B2" t="inlineStr"><is><t>x</t></is></c>', '<c r="A1" s="1"/>', "", None),
        ("A1 without a value", '<c r="B2" t="inlineStr"><is><t>x</t></is></c>', '<c r="A1" s="1"></c>', "", None),
        ("A1 only inside a comment", '<c r="B2" t="inlineStr"><is><t>x</t></is></c>', '<!-- <c r="A1"><v>1</v></c> -->', "", None),
        ("a column beyond Z", '<c r="AA2" t="inlineStr"><is><t>x</t></is></c>', None, "", None),
        ("a prefixed merge", '<c r="A2"><v>1</v></c>', None, '<x:mergeCells><x:mergeCell ref="A2:B2"/></x:mergeCells>', None),
        ("a merge from row 0", '<c r="A2"><v>1</v></c>', None, '<mergeCells><mergeCell ref="B0:B3"/></mergeCells>', None),
        ("an East Asian built-in date format", '<c r="A2" s="1"><v>44564</v></c>', None, "", styles_xml(31)),
        ("an elapsed time, in single quotes", '<c r="A2" s="1"><v>1.25</v></c>', None, "", styles_xml(164, custom={164: "[h]:mm:ss"}).replace(b'formatCode="[h]:mm:ss"', b"formatCode='[h]:mm:ss'")),
    ],
)
def test_sheets_fastexcel_would_read_otherwise_go_to_python_calamine(tmp_path: Path, case: str, cells: str, a1: str | None, tail: str, styles: bytes | None) -> None:
    path = book(tmp_path, cells, a1=a1, tail=tail, styles=styles)
    assert "consultation" not in check_workbook(path, path.name).plain, case


def test_references_to_other_characters_keep_a_dated_sheet_plain(tmp_path: Path) -> None:
    """openpyxl writes every CJK character as a reference (&#20132;); such text cannot hide a
    date-like marker, so the sheet stays on the fast path, and both paths read it alike."""
    path = book(tmp_path, '<c r="A2" t="inlineStr"><is><t>&#20132;&#35686;&#x652F;&#38431;&#38;_x4E2D_</t></is></c><c r="B2" s="1"><v>44564.5</v></c>', styles=DATED)
    assert "consultation" in check_workbook(path, path.name).plain
    assert fast_grid(path) == calamine_grid(path)
    assert calamine_grid(path)[0][0][1] == "交警支队&_x4E2D_"  # (calamine keeps _x escapes in inline strings)


def test_date_like_text_in_a_workbook_without_date_styles_is_read_as_written(tmp_path: Path) -> None:
    path = book(tmp_path, '<c r="A2" t="inlineStr"><is><t>2022-01-03 00:00:00</t></is></c><c r="B2" t="inlineStr"><is><t>1899-12-31 09:00:00</t></is></c>')
    scan = check_workbook(path, path.name)
    assert scan.plain == {"consultation": []} and not scan.dated
    assert fast_grid(path) == calamine_grid(path)
    assert calamine_grid(path)[0][0][1] == "2022-01-03 00:00:00"


def test_merges_are_read_from_the_sheet_xml_once_each(tmp_path: Path) -> None:
    tail = '<mergeCells count="2"><mergeCell ref="B2:C2"/><mergeCell ref="A3:A4"/></mergeCells>'
    path = book(tmp_path, '<c r="A2"><v>1</v></c><c r="B2"><v>2</v></c>', tail=tail)
    assert check_workbook(path, path.name).plain == {"consultation": [((1, 1), (1, 2)), ((2, 0), (3, 0))]}
    assert fast_grid(path) == calamine_grid(path)


# Every built-in number format (ECMA-376 18.8.30) and common custom ones, on a date serial and a
# time: where the scan lets the fast path read them, both readers must agree. This is the test
# that fails if a new release of either reader changes which formats are dates.
CUSTOM = ['yyyy"年"m"月"d"日"', "[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\"", "yyyy/m/d h:mm", 'm"月"d"日"', 'h"时"mm"分"', "[$-804]aaaa", "@", "0.00_);[Red]\\(0.00\\)", '#,##0.00"元"', "mm:ss.0", "0.0E+00"]


@pytest.mark.parametrize("number", [*range(0, 82), *range(164, 164 + len(CUSTOM))])
def test_every_number_format_the_scan_allows_reads_alike(tmp_path: Path, number: int) -> None:
    custom = {164 + i: code for i, code in enumerate(CUSTOM)}
    cells = '<c r="A2" s="1"><v>44564.5</v></c><c r="B2" s="1"><v>0.25</v></c><c r="C2" s="1"><v>44565</v></c><c r="D2" s="1"><v>3</v></c>'
    path = book(tmp_path, cells, styles=styles_xml(number, custom=custom))
    fast = fast_grid(path)
    if number in (*range(27, 37), 46, *range(50, 59)):
        assert fast is None, f"numFmtId {number} is read differently by the two readers and must not take the fast path"
    if fast is not None:
        assert fast == calamine_grid(path), f"numFmtId {number}"


def test_a_workbook_with_two_zip_entries_of_one_name_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "dup.xlsx"
    write(path, [["x"]])
    with zipfile.ZipFile(path, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml('<c r="A2"><v>1</v></c>'))
    with pytest.raises(EvidenceError, match="重名的部件"):
        check_workbook(path, "dup.xlsx")


def test_a_sheet_stored_outside_xl_worksheets_is_scanned_too(tmp_path: Path) -> None:
    path = tmp_path / "outside.xlsx"
    write(path, [["x"]])
    bomb = sheet_xml('<c r="XFD1048576"><v>1</v></c>')
    rels = read_part(path, "xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml", b"other/s.xml")
    replace_part(path, "xl/_rels/workbook.xml.rels", rels)
    replace_part(path, "xl/other/s.xml", bomb)
    with pytest.raises(EvidenceError, match=r"outside\.xlsx \[consultation\]：工作表的数据区过大（从 A1 到第 1048576 行、第 16384 列"):
        check_workbook(path, path.name)


@pytest.mark.parametrize("case", ["tab in the sheet name", "two names for one part", "unreadable workbook.xml", "dot segment in the part name"])
def test_a_too_large_sheet_is_found_whatever_the_reader_calls_it(tmp_path: Path, case: str) -> None:
    """The reader names sheets and finds parts by its own reading of xl/workbook.xml; the pre-scan
    must refuse the bomb in each case (found by a review; each once reached the reader and aborted it)."""
    path = tmp_path / "book.xlsx"
    write(path, [["x"]])
    bomb = sheet_xml('<c r="XFD1048576"><v>1</v></c>')
    workbook = read_part(path, "xl/workbook.xml")
    if case in ("tab in the sheet name", "two names for one part"):
        replace_part(path, "xl/worksheets/sheet1.xml", bomb)
    if case == "tab in the sheet name":  # ElementTree reads a space, calamine keeps the tab
        replace_part(path, "xl/workbook.xml", workbook.replace(b'name="consultation"', b'name="consul\ttation"'))
    elif case == "two names for one part":
        sheet = re.search(rb"<sheet [^>]*/>", workbook)
        assert sheet is not None
        second = sheet.group(0).replace(b'name="consultation"', b'name="other"').replace(b'sheetId="1"', b'sheetId="2"')
        replace_part(path, "xl/workbook.xml", workbook.replace(sheet.group(0), sheet.group(0) + second))
    elif case == "unreadable workbook.xml":  # expat refuses content after the root, calamine reads it
        rels = read_part(path, "xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml", b"other/s.xml")
        replace_part(path, "xl/_rels/workbook.xml.rels", rels)
        replace_part(path, "xl/other/s.xml", bomb)
        replace_part(path, "xl/workbook.xml", workbook + b"<junk/>")
    else:  # the reader looks the target up as written
        rels = read_part(path, "xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml", b"worksheets/./s.xml")
        replace_part(path, "xl/_rels/workbook.xml.rels", rels)
        replace_part(path, "xl/worksheets/./s.xml", bomb)
    with pytest.raises(EvidenceError, match="工作表的数据区过大（从 A1 到第 1048576 行、第 16384 列"):
        check_workbook(path, path.name)


def test_the_1904_date_system_or_two_settings_send_the_workbook_to_python_calamine(tmp_path: Path) -> None:
    for n, settings_xml in enumerate((b'<workbookPr date1904="1"/>', b'<workbookPr/><workbookPr date1904="true"/>')):
        path = tmp_path / f"e{n}.xlsx"
        write(path, [["x"]])
        workbook = re.sub(rb"<workbookPr[^>]*/>", b"", read_part(path, "xl/workbook.xml"))
        replace_part(path, "xl/workbook.xml", workbook.replace(b"<sheets>", settings_xml + b"<sheets>", 1))
        assert check_workbook(path, path.name).plain == {}


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
