"""The streaming pre-scan of worksheet XML (`checker.evidence.workbook_scan._scan_sheet`): it must find the
grid calamine would allocate wherever the far cell is — in the first window, after many ordinary
rows, cut across a chunk boundary, behind a namespace prefix or without a reference — and must
let an ordinary sheet through, up to the limit exactly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from checker.evidence import workbook_scan
from checker.evidence.workbook_scan import MAX_SHEET_CELLS, _scan_sheet

HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = b"</sheetData></worksheet>"


def rows(n: int, start: int = 1) -> bytes:
    return b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>ZX-%d</t></is></c><c r="B%d"><v>%d</v></c></row>' % (r, r, r, r, r)
        for r in range(start, start + n)
    )


def chunked(data: bytes, size: int) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def scan(xml: bytes, size: int = 1 << 20) -> tuple[str | None, list[str]] | None:
    found = _scan_sheet(chunked(xml, size), "consultations.xlsx", "consultations")
    return None if found is None else found[1]


def test_an_ordinary_sheet_passes() -> None:
    assert scan(HEAD + rows(2000) + TAIL, size=997) is None


@pytest.mark.parametrize("size", [64, 1000, 1 << 20])
def test_a_far_cell_after_many_rows_is_found_at_any_chunk_size(size: int) -> None:
    xml = HEAD + rows(3000) + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + TAIL
    result = scan(xml, size)
    assert result is not None and result[0] is not None
    assert "第 1048576 行、第 16384 列" in result[0]


def test_the_limit_is_columns_a_to_z_over_all_rows() -> None:
    at_limit = HEAD + rows(10) + b'<row r="1048576"><c r="Z1048576"><v>1</v></c></row>' + TAIL
    assert 26 * 1_048_576 == MAX_SHEET_CELLS
    assert scan(at_limit) is None
    over = HEAD + rows(10) + b'<row r="1048576"><c r="AA1048576"><v>1</v></c></row>' + TAIL
    result = scan(over)
    assert result is not None and result[0] is not None and "第 27 列" in result[0]


def test_a_two_letter_column_on_a_short_sheet_is_counted_not_refused() -> None:
    xml = HEAD + rows(100) + b'<row r="101"><c r="AB101"><v>1</v></c></row>' + TAIL
    assert scan(xml) is None


@pytest.mark.parametrize("size", [64, 1 << 20])
@pytest.mark.parametrize(
    "cell",
    [
        b"<c r='XFD1048576'><v>1</v></c>",
        b'<c r = "XFD1048576"><v>1</v></c>',
        b"<c r\t=\n'XFD1048576'/>",
        b'<c s="1" r="XFD1048576"><v>1</v></c>',
        b"<c s='1'  r  =  'XFD1048576'><v>1</v></c>",
        b'<c r="Z9999999"><v>1</v></c>',
    ],
)
def test_a_far_cell_in_any_spelling_xml_allows_is_found(cell: bytes, size: int) -> None:
    """Spaces around "=", single quotes, other attributes first: calamine reads them all."""
    xml = HEAD + rows(500) + b'<row r="1048576">' + cell + b"</row>" + TAIL
    result = scan(xml, size)
    assert result is not None and result[0] is not None, cell


def test_a_formula_cell_in_another_spelling_is_named() -> None:
    xml = HEAD + rows(3) + b"<row r='4'><c r = 'E4'><f>D4+1</f></c></row>" + TAIL
    result = scan(xml)
    assert result is not None and any("第4行" in m and "E列" in m for m in result[1]), result


def test_a_namespaced_cell_is_counted() -> None:
    xml = HEAD.replace(b"<sheetData>", b'<x:sheetData xmlns:x="urn:x">') + rows(5) + b'<x:c r="XFD1048576"><x:v>1</x:v></x:c>' + TAIL
    result = scan(xml)
    assert result is not None and result[0] is not None


def test_cells_without_references_are_counted_conservatively() -> None:
    many = b"<c><v>1</v></c>" * 40
    xml = HEAD + b"".join(b'<row r="%d">%s</row>' % (r, many) for r in range(1, 11)) + b'<row r="1048576"><c><v>1</v></c></row>' + TAIL
    result = scan(xml)
    assert result is not None and result[0] is not None


def test_a_formula_without_a_value_is_named_by_row_and_column() -> None:
    xml = HEAD + rows(3) + b'<row r="4"><c r="E4"><f>D4+1</f></c></row>' + TAIL
    result = scan(xml)
    assert result is not None and result[0] is None
    assert any("第4行" in m and "E列" in m and "=D4+1" in m for m in result[1]), result[1]


def test_a_formula_with_its_value_is_fine() -> None:
    xml = HEAD + rows(3) + b'<row r="4"><c r="E4"><f>D4+1</f><v>5</v></c></row>' + TAIL
    assert scan(xml) is None


@pytest.mark.parametrize(
    "sheet_data",
    [
        # a row number past 9 digits, or with leading zeros, for cells without a reference
        b'<row r="1"><c><v>1</v></c></row><row r="4000000000">' + b"<c><v>1</v></c>" * 27 + b"</row>",
        b'<row r="1"><c><v>1</v></c></row><row r="00001048576">' + b"<c><v>1</v></c>" * 27 + b"</row>",
        # a prefix that is not ASCII
        '<row r="1"><é:c><v>1</v></é:c></row><row r="1048576">'.encode() + "<é:c><v>1</v></é:c>".encode() * 27 + b"</row>",
        # no space before r, or a second r (the reader takes the last)
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c s="0"r="XFD1048576"><v>1</v></c></row>',
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="A1" r="XFD1048576"><v>1</v></c></row>',
        # ">" inside a value of the row tag
        b'<row r="1"><c><v>1</v></c></row><row spans=">" r="1048576">' + b"<c><v>1</v></c>" * 27 + b"</row>",
        # a quote inside another attribute's value, before a single-quoted r
        b'<row r="1"><c r="XFD1"><v>1</v></c></row><row r="1048576"><c a="=\'" r=\'A1048576\'><v>1</v></c></row>',
        # the row tag windows before its cells without a reference
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="4000000000"><c r="A1"><v>1</v></c>' + b"<x/>" * 50_000 + b"<c><v>1</v></c>" * 27 + b"</row>",
    ],
    ids=["row-10-digits", "row-leading-zeros", "non-ascii-prefix", "no-space-before-r", "second-r", "gt-in-row-value", "quote-in-value", "row-tag-windows-before"],
)
@pytest.mark.parametrize("size", [4096, 1 << 20])
def test_forms_the_reader_accepts_are_counted(sheet_data: bytes, size: int) -> None:
    """Each of these makes calamine allocate more than MAX_SHEET_CELLS cells (and abort); found by
    a review of the pre-scan, each once passed it."""
    result = scan(HEAD + sheet_data + TAIL, size)
    assert result is not None and result[0] is not None


def test_percentage_cells_are_placed_by_reference_and_type() -> None:
    """Numeric cells (no t, or t="n") in a percent style are collected by reference; text,
    booleans and other styles are not; a percent cell without a reference is reported."""
    cells: set[tuple[int, int]] = set()
    window = (
        b'<row r="2"><c r="C2" s="3"><v>0.045</v></c><c r="D2" s="3" t="n"><v>1</v></c>'
        b'<c r="E2" s="3" t="s"><v>0</v></c><c r="F2" s="1"><v>0.5</v></c><c s = \'3\' r = \'AA10\'><v>2</v></c></row>'
    )
    assert workbook_scan._percent_cells(window, frozenset({3}), cells) is False
    assert cells == {(1, 2), (1, 3), (9, 26)}
    assert workbook_scan._percent_cells(b'<c s="3"><v>0.2</v></c>', frozenset({3}), cells) is True
