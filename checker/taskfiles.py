"""Task-decomposition tables from files: the seeds' text form, Word (DOCX) and Excel (XLSX).

`read_task_table(path)` returns a `SourceTable`: the parsed `TaskTable` (see
`checker.tasktable`) and a `where(line)` that names a row the way a person finds it in that
file (第23行 in a text file, 表格1第5行 in a Word document, 工作表“Sheet1”第5行 in a workbook).

DOCX and XLSX tables are turned into the text form and parsed by the same
`parse_task_table`, so merged cells, section titles, wide heading columns and unit cells behave
exactly as for the seeds:

* the title is the text before the table (DOCX: the paragraphs before the first table, an 附件
  line dropped; XLSX: the rows above the header row, the first row naming a measure column
  such as 具体措施 or 任务内容);
* a cell merged across columns (DOCX gridSpan, an XLSX merged range) is one cell, so a row that
  is one merged cell is a section title and a heading column spanning two columns in the data
  rows is read as category + heading;
* a cell merged down (DOCX vMerge, an XLSX merged range) is empty below its first row, which
  the table form reads as "same as the row above"; an empty cell means the same;
* DOCX: every table of the document continues the first; a later table whose first row repeats
  the header (a header repeated on every page) drops that row. XLSX: the first sheet, or the
  first sheet whose rows name a measure column.

Numbers in XLSX cells are written as Excel shows them (3.0 → 3); a time node typed as a number
loses trailing zeros (2020.10 becomes 2020.1), so time nodes should be text cells.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.tasktable import MEASURE_HEADERS, TaskTable, TaskTableError, parse_task_table

TEXT_SUFFIXES = (".txt", ".text", ".md")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".xlsx", ".xlsm")
_LINE_REF = re.compile(r"第(\d+)行")


@dataclass(frozen=True)
class SourceTable:
    path: Path
    table: TaskTable
    where: Callable[[int], str]  # a row's text line → where a person finds it in the file


def read_task_table(path: Path) -> SourceTable:
    """Read and parse a task table; `TaskTableError` names the file and the row it cannot read."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise TaskTableError(f"{path}：不支持的文件类型“{path.suffix or '无扩展名'}”（任务分解表可以是 .txt 文本、.docx 或 .xlsx）")
    if not path.is_file():
        raise TaskTableError(f"{path}：找不到文件")
    if suffix in TEXT_SUFFIXES:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = path.read_bytes().decode("gb18030")
            except UnicodeDecodeError:
                raise TaskTableError(f"{path}：无法识别文件编码（应为 UTF-8 或 GB18030/GBK）") from None
        except OSError as exc:
            raise TaskTableError(f"{path}：无法读取文件（{exc.strerror or exc}）") from None
        return SourceTable(path, parse_task_table(text, path.name), lambda line: f"第{line}行")
    if suffix == ".docx":
        title, rows = _docx_rows(path)
    else:
        title, rows = _xlsx_rows(path)
    return _from_rows(path, title, rows)


# One table row as read from a file: where it is, and its cells (each a list of lines).
@dataclass(frozen=True)
class _GridRow:
    place: str  # 表格1第5行 / 工作表“Sheet1”第5行
    cells: list[list[str]]


def _from_rows(path: Path, title: list[str], rows: list[_GridRow]) -> SourceTable:
    """Write the rows in the text form, parse it, and map text lines back to the file's rows."""
    if not rows:
        raise TaskTableError(f"{path}：没有找到表格")
    lines = [line for line in title if line.strip()] or [""]
    places: dict[int, str] = {}
    for row in rows:
        lines.append("")
        for cell in row.cells:
            cell_lines = [part.replace("\t", " ") for part in cell if part.strip()] or [""]
            places[len(lines) + 1] = row.place
            lines.append("\t" + cell_lines[0])
            for part in cell_lines[1:]:
                places[len(lines) + 1] = row.place
                lines.append(part)
    text = "\n".join(lines) + "\n"

    def where(line: int) -> str:
        return places.get(line, f"第{line}行")

    try:
        table = parse_task_table(text, path.name)
    except TaskTableError as exc:
        raise TaskTableError([_LINE_REF.sub(lambda m: where(int(m[1])), problem) for problem in exc.problems]) from None
    return SourceTable(path, table, where)


def _is_attachment_line(text: str) -> bool:
    return bool(re.fullmatch(r"附件\s*\d*\s*[:：]?", text.strip()))


# --------------------------------------------------------------------------- DOCX
def _docx_rows(path: Path) -> tuple[list[str], list[_GridRow]]:
    # python-docx is only needed here: imported lazily so other commands never load it.
    try:
        import docx
        from docx.oxml.ns import qn
    except ImportError:  # pragma: no cover - a broken install
        raise TaskTableError(f"{path}：读取 Word 文件需要 python-docx（pip install python-docx）") from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zipfile/lxml/KeyError errors for bad files
        raise TaskTableError(f"{path}：无法作为 Word（.docx）文件打开（{type(exc).__name__}）") from None
    title: list[str] = []
    rows: list[_GridRow] = []
    header: list[str] | None = None
    body = document.element.body
    table_number = 0
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            if table_number == 0:
                text = _docx_text(child, qn).replace("\n", "").strip()
                if text and not _is_attachment_line(text):
                    title.append(text)
            continue
        if child.tag != qn("w:tbl"):
            continue
        table_number += 1
        for number, tr in enumerate(child.iterchildren(qn("w:tr")), start=1):
            cells = [_docx_cell(tc, qn) for tc in tr.iterchildren(qn("w:tc"))]
            texts = ["".join(c) for c in cells]
            if header is None:
                header = texts
            elif number == 1 and texts == header:
                continue  # the header repeated at the top of a later table
            rows.append(_GridRow(f"表格{table_number}第{number}行", cells))
    return title, rows


def _docx_cell(tc: Any, qn: Callable[[str], str]) -> list[str]:
    """A cell's paragraphs as lines; the continuation of a vertical merge is empty (= above)."""
    props = tc.find(qn("w:tcPr"))
    if props is not None:
        merge = props.find(qn("w:vMerge"))
        if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
            return []
    return [line for p in tc.iter(qn("w:p")) for line in _docx_text(p, qn).split("\n")]


def _docx_text(paragraph: Any, qn: Callable[[str], str]) -> str:
    """A paragraph's text with its line breaks (Shift+Enter in Word) as newlines."""
    t, br, cr, tab = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab")
    parts = []
    for node in paragraph.iter(t, br, cr, tab):
        parts.append((node.text or "") if node.tag == t else "\n" if node.tag in (br, cr) else " ")
    return "".join(parts)


# --------------------------------------------------------------------------- XLSX
def _xlsx_rows(path: Path) -> tuple[list[str], list[_GridRow]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for bad files
        raise TaskTableError(f"{path}：无法作为 Excel（.xlsx）文件打开（{exc}）") from None
    problems = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        values = sheet.to_python(skip_empty_area=False)
        top, left = sheet.start or (0, 0)
        header_at = next((i for i, row in enumerate(values) if any(_xlsx_text(v) in MEASURE_HEADERS for v in row)), None)
        if header_at is None:
            problems.append(name)
            continue
        header_row = [_xlsx_text(v) for v in values[header_at]]
        width = max(j for j, text in enumerate(header_row) if text) + 1
        measure = next(j for j, text in enumerate(header_row) if text in MEASURE_HEADERS)
        merged = _merged_cells(sheet.merged_cell_ranges or [], top, left)
        title = ["".join(_xlsx_text(v) for v in row) for row in values[:header_at]]
        rows: list[_GridRow] = []
        for i, row in enumerate(values[header_at:], start=header_at):
            cells: list[list[str]] = []
            filled: list[int] = []
            for j, value in enumerate(row[:width]):
                state = merged.get((i, j))
                if state == "right":
                    continue
                text = "" if state == "below" else _xlsx_text(value)
                if text:
                    filled.append(j)
                cells.append(text.split("\n") if text else [])
            if not filled:
                continue
            if rows and filled == [0] and measure > 0:
                cells = cells[:1]  # only a heading before the measure column is filled: a section title
            rows.append(_GridRow(f"工作表“{name}”第{top + i + 1}行", cells))
        return title, rows
    raise TaskTableError(f"{path}：没有找到任务分解表（工作表 {'、'.join(problems)} 中都没有“{'”“'.join(MEASURE_HEADERS)}”之一的表头）")


def _merged_cells(ranges: list[Any], top: int, left: int) -> dict[tuple[int, int], str]:
    """(row, column) inside a merged range, relative to the sheet's data: right of or below its
    first cell (a cell both right and below is dropped like one to the right)."""
    out: dict[tuple[int, int], str] = {}
    for (r0, c0), (r1, c1) in ranges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if c > c0:
                    out[(r - top, c - left)] = "right"
                elif r > r0:
                    out[(r - top, c - left)] = "below"
    return out


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
