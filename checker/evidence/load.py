"""Read an evidence folder (or one workbook) into one typed polars frame per kind.

Each frame has the kind's fields with parsed types (absent optional fields as null columns),
extra columns kept as text, and three provenance columns: ``_file`` (path relative to the
evidence root), ``_sheet`` (XLSX sheet or null) and ``_row`` (spreadsheet row number; YAML: the
line where the record starts; JSON: the record's 1-based position). Every problem in every file
is collected and raised together as one `EvidenceError`; no row is dropped silently (blank rows
are not records).

CSV is the bulk path: the bytes go to polars' reader as they are (GBK is re-encoded once), every
cell check is a column expression, and only rows with problems become Python values.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import json
import os
import stat
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from checker.errors import EvidenceError
from checker.evidence import fastsheet, parse, scan_ahead
from checker.evidence.places import MAX_PROBLEMS_PER_COLUMN, clip, column_letter, location, mb
from checker.evidence.schema import KIND_BY_STEM, KINDS, KindSpec, header_aliases, header_key, header_lookup
from checker.evidence.workbook_scan import HIDDEN_PREFIXES, MAX_EVIDENCE_BYTES, MAX_SHEET_CELLS, NOTES_SHEETS, Merge
from checker.progress import NO_PROGRESS, Progress

TABLE_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
RECORD_SUFFIXES = {".json", ".yaml", ".yml"}
DATA_SUFFIXES = {".csv", *TABLE_SUFFIXES, *RECORD_SUFFIXES}
# Spreadsheet formats calamine cannot read: say how to convert instead of ignoring the file.
UNREADABLE_SUFFIXES = {".et": "WPS 表格", ".numbers": "Numbers 表格"}
PROVENANCE = ("_file", "_sheet", "_row")
# Rows before the header that hold at most one cell (a title such as "咨询答复台账") are skipped.
MAX_TITLE_ROWS = 5
# Extra CSV columns read beyond the widest early row, so longer rows are caught in one pass.
CSV_SPARE_COLUMNS = 16
CSV_HEAD_RECORDS = 20

# Limits on hostile or accidental input (docs/security.md). A file is refused by its size before
# any of it is read; a workbook's ZIP directory is checked before calamine opens it.
MAX_RECORD_FILE_BYTES = 64 * 1024 * 1024  # one JSON or YAML file (parsed into Python objects)
MAX_CELL_CHARS = 32_767  # one cell, as in Excel
MAX_COLUMNS = 16_384  # columns of one table, as in Excel (A … XFD)


@dataclass(frozen=True)
class SourceTable:
    """One table as read: a kind, where it came from, its headers and string cells."""

    kind: str
    file: str
    sheet: str | None
    frame: pl.DataFrame  # String columns named "<index>:<header>", plus "_row"
    encoding: str | None = None
    header_row: int = 1
    lettered: bool = True  # spreadsheet columns have letters; JSON/YAML keys do not


@dataclass(frozen=True)
class LoadedFile:
    file: str
    sheet: str | None
    kind: str
    rows: int
    encoding: str | None
    header_row: int = 1
    columns: tuple[tuple[str, str], ...] = ()  # (field name, column letter) as found in the file
    extra_columns: tuple[str, ...] = ()  # headers that name no field (kept as text, read by no rule)

    def letter(self, name: str) -> str | None:
        return dict(self.columns).get(name)


@dataclass
class EvidenceSet:
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    files: list[LoadedFile] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def frame(self, kind: str) -> pl.DataFrame:
        if kind in self.frames:
            return self.frames[kind]
        return empty_frame(KINDS[kind])

    def departments(self) -> list[str]:
        names: set[str] = set()
        for frame in self.frames.values():
            if "department" in frame.columns:
                names.update(d for d in frame.get_column("department").drop_nulls().unique().to_list())
        return sorted(names)

    def files_of(self, kind: str) -> list[str]:
        return sorted({f.file for f in self.files if f.kind == kind})


def kind_names() -> str:
    return "、".join(f"{spec.stem}（{spec.label}）" for spec in KINDS.values())


# --------------------------------------------------------------------------- entry point
class LoadStopped(Exception):
    """`load_evidence` was asked to stop (its caller failed and no longer wants the records)."""


def load_evidence(path: Path, progress: Progress = NO_PROGRESS, *, stop: threading.Event | None = None) -> EvidenceSet:
    """Load a folder of evidence files, or a single evidence file/workbook.

    Raises one `EvidenceError` carrying every problem found: unreadable or unknown files, bad
    headers, empty required cells, unparseable values, duplicate ids and references to records
    of a provided kind that do not exist. When `stop` is set (by another thread), raises
    `LoadStopped` before the next file, or the next batch of a large CSV.
    """
    problems: list[str] = []
    evidence = EvidenceSet()
    if not path.exists():
        raise EvidenceError(f"{path}：找不到佐证材料路径")
    root = path if path.is_dir() else path.parent
    files = sorted(_data_files(path, evidence, problems)) if path.is_dir() else _single_file(path)
    if path.is_dir() and not files and not problems:
        raise EvidenceError(f"{path}：文件夹中没有佐证台账文件（支持 .csv、.xlsx、.json、.yaml），可用 zwgk template 生成模板")
    by_kind: dict[str, list[pl.DataFrame]] = {}
    for n, file in enumerate(files, start=1):
        rel = file.relative_to(root).as_posix()
        if stop is not None and stop.is_set():
            raise LoadStopped
        progress.stage("读取台账", rel, n, len(files))
        streamed = _stream(file, rel, stop)
        if streamed is not None:  # a large, clean CSV read in batches (checker.evidence.stream)
            table, frame = streamed
            by_kind.setdefault(table.kind, []).append(frame)
            _add_loaded(evidence, table, frame)
            continue
        try:
            tables = read_tables(file, rel, evidence.ignored, problems)
        except EvidenceError as exc:
            problems.extend(exc.problems)
            continue
        for table in tables:  # typed right away, so each file's messages stay together
            typed, table_problems = type_table(table)
            problems.extend(table_problems)
            if typed is not None:
                by_kind.setdefault(table.kind, []).append(typed)
                _add_loaded(evidence, table, typed)
    for kind, frames in by_kind.items():
        evidence.frames[kind] = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    problems.extend(_duplicate_ids(evidence))
    problems.extend(dangling_references(evidence))
    if problems:
        raise EvidenceError(problems)
    return evidence


def _add_loaded(evidence: EvidenceSet, table: SourceTable, typed: pl.DataFrame) -> None:
    mapped, extras, _ = _map_headers(table)
    letters = tuple((name, letter) for name, (_, letter, _) in mapped.items())
    evidence.files.append(LoadedFile(table.file, table.sheet, table.kind, typed.height, table.encoding, table.header_row, letters, tuple(extras.values())))


def _stream(file: Path, rel: str, stop: threading.Event | None = None) -> tuple[SourceTable, pl.DataFrame] | None:
    """Large CSV files are read in batches when they are clean (see checker.evidence.stream)."""
    from checker.evidence import stream

    kind = kind_of_stem(file.stem)
    if kind is None or file.suffix.lower() != ".csv" or file.stat().st_size < stream.STREAM_BYTES:
        return None
    return stream.stream_csv(file, rel, kind, stop)


def kind_of_stem(stem: str) -> str | None:
    """`consultations`, `consultation`, `咨询答复台账`, or those followed by `_部门名`."""
    key = stem.strip().lower()
    if key in KIND_BY_STEM:
        return KIND_BY_STEM[key]
    for sep in ("_", "-", " ", ".", "（", "("):
        head = key.split(sep, 1)[0].strip()
        if head != key and head in KIND_BY_STEM:
            return KIND_BY_STEM[head]
    return None


# --------------------------------------------------------------------------- readers
def read_tables(file: Path, rel: str, ignored: list[str] | None = None, problems: list[str] | None = None) -> list[SourceTable]:
    """Every table of one file; sheets not holding a ledger are appended to `ignored`.

    A workbook's bad sheets go to `problems` (when given) while its good sheets are returned,
    so their own problems are found in the same run; any other failure raises `EvidenceError`.
    """
    suffix = file.suffix.lower()
    kind = kind_of_stem(file.stem)
    if suffix in TABLE_SUFFIXES:
        sheet_problems: list[str] = []
        tables = _read_workbook(file, rel, kind, [] if ignored is None else ignored, sheet_problems)
        if sheet_problems and problems is None:
            raise EvidenceError(sheet_problems)
        if problems is not None:
            problems.extend(sheet_problems)
        return tables
    if kind is None:
        raise EvidenceError(f"{rel}：无法从文件名判断台账类型（文件名应为 {kind_names()} 之一，或其后加 _部门名）")
    if suffix == ".csv":
        return [_read_csv(file, rel, kind)]
    return [_read_records(file, rel, kind)]


def _utf8_bytes(raw: bytes, rel: str, *, trust_tail: bool = True) -> tuple[bytes, str]:
    """The file as UTF-8 bytes without BOM, and the encoding it was saved in.

    Order matters: a BOM decides; then UTF-8 (a GBK file is almost never valid UTF-8); then GBK
    (what Chinese Excel/WPS write for "CSV"), then its superset GB18030. With `trust_tail`, only
    the first 64 KB are checked here and polars validates the rest while reading (a file that
    turns out not to be UTF-8 further down comes back with `trust_tail=False`).
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        body = raw[3:]
        try:
            _check_utf8(body, whole=not trust_tail)
        except UnicodeDecodeError as exc:
            raise EvidenceError(f"{rel}：文件以 UTF-8 标记开头，但第 {exc.start + 3} 字节处不是 UTF-8 编码。请在 Excel/WPS 中另存为 “CSV UTF-8”") from None
        nul = body.find(b"\x00")
        if nul >= 0:
            raise EvidenceError(_nul_problem(raw, nul + 3, rel))
        return body, "UTF-8 (BOM)"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            utf8 = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise EvidenceError(
                f"{rel}：文件以 UTF-16 标记开头，但第 {exc.start} 字节处无法按 UTF-16 解码（文件可能不完整）。请在 Excel/WPS 中另存为 “CSV UTF-8”"
            ) from None
        nul = utf8.find(b"\x00")
        if nul >= 0:
            raise EvidenceError(f"{rel}：文件含有空字符（NUL），不是 UTF-16 文本（可能是 UTF-32 或其他格式）。请在 Excel/WPS 中另存为 “CSV UTF-8”")
        return utf8, "UTF-16"
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise EvidenceError(_nul_problem(raw, nul, rel))
    try:
        _check_utf8(raw, whole=not trust_tail)
        return raw, "UTF-8"
    except UnicodeDecodeError:
        pass
    for codec, name in (("gbk", "GBK"), ("gb18030", "GB18030")):
        try:
            return raw.decode(codec).encode("utf-8"), name
        except UnicodeDecodeError as exc:
            error = exc
    raise EvidenceError(
        f"{rel}：无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030，第 {error.start} 字节处无法解码）。请在 Excel/WPS 中另存为 “CSV UTF-8”"
    )


def _nul_problem(raw: bytes, nul: int, rel: str) -> str:
    """A NUL byte is never in a text CSV: UTF-16 saved without its BOM, or not a text file."""
    head = raw[:4096]
    half = len(head) // 2
    if half and head[1::2].count(0) > half // 2:
        guess = "，看起来是没有 BOM 标记的 UTF-16（小端）编码"
    elif half and head[0::2].count(0) > half // 2:
        guess = "，看起来是没有 BOM 标记的 UTF-16（大端）编码"
    elif head.count(0) * 50 < len(head) or 0 not in head:  # text with a stray NUL or two
        line = raw.count(b"\n", 0, nul) + 1
        return f"{rel} 第{line}行：第 {nul + 1} 字节是空字符（NUL），文本中不应有这个字符（可能是导出或复制时损坏），请删除后重新保存"
    else:
        guess = "，不是文本文件（可能是其他格式的文件改成了 .csv 扩展名）"
    return f"{rel}：第 {nul + 1} 字节是空字符（NUL）{guess}。请在 Excel/WPS 中另存为 “CSV UTF-8”"


def _check_utf8(data: bytes, *, whole: bool) -> None:
    if whole:
        data.decode("utf-8")
    else:
        codecs.getincrementaldecoder("utf-8")().decode(data[:65536], final=False)


def guess_separator(data: bytes) -> str:
    """Tab or comma, by which the first lines hold more of (a title line above the header
    holds neither, so one line alone is not enough)."""
    lines = data[:65536].split(b"\n", 5)[:5]
    return "\t" if sum(line.count(b"\t") for line in lines) > sum(line.count(b",") for line in lines) else ","


def _head_records(data: bytes, separator: str) -> list[list[str]]:
    """The first few records, parsed by the csv module (quotes may span lines)."""
    head = data[:65536].decode("utf-8", errors="ignore")
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(head), delimiter=separator):
            records.append(record)
            if len(records) == CSV_HEAD_RECORDS:
                break
    except csv.Error:
        pass
    return records


def _read_csv(file: Path, rel: str, kind: str) -> SourceTable:
    raw = file.read_bytes()
    data, encoding = _utf8_bytes(raw, rel)
    try:
        return _read_csv_bytes(data, encoding, rel, kind)
    except _NotUtf8:
        data, encoding = _utf8_bytes(raw, rel, trust_tail=False)
        return _read_csv_bytes(data, encoding, rel, kind)


class _NotUtf8(Exception):
    pass


def _read_csv_bytes(data: bytes, encoding: str, rel: str, kind: str) -> SourceTable:
    if not data[:65536].strip() and not data.strip():
        raise EvidenceError(f"{rel}：文件为空，至少需要一行表头")
    if b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")  # old Mac line ends (CR only); in memory, the file is not touched
    newline = data.find(b"\n")
    first_line = data if newline < 0 else data[:newline]
    separator = guess_separator(data)
    # The first line's separators count its columns even when it is longer than the head that
    # is parsed (a quoted separator only makes this count larger).
    columns = max(max((len(r) for r in _head_records(data, separator)), default=1), first_line.count(separator.encode()) + 1)
    if columns > MAX_COLUMNS:
        raise EvidenceError(f"{rel}：第一行有 {columns} 列，超过上限 {MAX_COLUMNS} 列（与 Excel 相同）")
    frame = _read_csv_exact(data, separator, columns)
    if frame is not None:
        return _with_header(frame, kind, rel, None, encoding, first_row=1)
    width = columns + CSV_SPARE_COLUMNS
    # A synthetic header row of known width: shorter rows get empty cells, longer ones stay
    # visible in the spare columns (and are reported), all in polars' one pass.
    names = [f"c{i}" for i in range(width)]
    padded = (separator.join(names) + "\n").encode("utf-8") + data
    try:
        frame = pl.read_csv(padded, infer_schema=False, separator=separator, truncate_ragged_lines=False, raise_if_empty=False)
    except pl.exceptions.ComputeError as exc:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise _NotUtf8 from None
        raise EvidenceError(_csv_structure_problems(data, separator, rel, str(exc))) from None
    except pl.exceptions.NoDataError as exc:
        raise EvidenceError(f"{rel}：CSV 格式错误，无法读取（{str(exc).splitlines()[0]}）") from None
    return _with_header(frame, kind, rel, None, encoding, first_row=1)


def _read_csv_exact(data: bytes, separator: str, columns: int) -> pl.DataFrame | None:
    """The common case at full speed: no row longer than the first records, the first line as
    wide as any of them. polars reads the bytes as they are (no header line prepended, no spare
    columns) and refuses anything else, which then takes the padded path with its messages."""
    schema = {f"c{i}": pl.String for i in range(columns)}
    try:
        return pl.read_csv(data, has_header=False, schema=schema, separator=separator, truncate_ragged_lines=False, raise_if_empty=False)
    except (pl.exceptions.ComputeError, pl.exceptions.SchemaError, pl.exceptions.ShapeError):
        return None


def _csv_structure_problems(data: bytes, separator: str, rel: str, detail: str) -> list[str]:
    """The slow path, taken only when polars refuses a file: find the rows at fault."""
    text = data.decode("utf-8")
    quoting = _quote_problem(text, separator, rel)
    if quoting:
        return [quoting]
    problems: list[str] = []
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=separator))
    except csv.Error as exc:
        return [f"{rel}：CSV 格式错误，无法读取（{exc}）"]
    header = next((r for r in records if sum(1 for c in r if c.strip()) > 1), records[0] if records else [])
    width = len(header)
    for number, record in enumerate(records, start=1):
        extra = [i for i in range(width, len(record)) if record[i].strip()]
        if extra:
            problems.append(
                f"{location(rel, None, number)}：该行有 {extra[-1] + 1} 个单元格，多于表头的 {width} 列（{column_letter(extra[0])}列起的数据没有表头）"
            )
        if len(problems) == MAX_PROBLEMS_PER_COLUMN:
            break
    return problems or [f"{rel}：CSV 格式错误，无法读取（{detail.splitlines()[0]}）"]


def _quote_problem(text: str, separator: str, rel: str) -> str | None:
    """The record whose double quotes do not pair up (a quote opened and never closed swallows
    every later line into one cell), numbered as Excel numbers rows; None if quoting is fine."""
    reader = csv.reader(io.StringIO(text), delimiter=separator, strict=True)
    records = 0
    try:
        for _ in reader:
            records += 1
    except csv.Error:
        return (
            f"{location(rel, None, records + 1)}：英文双引号（\"）不配对，从这一行起到文件末尾无法分开各行。"
            "请删除多余的引号；单元格内容本身含有引号时，用两个引号（\"\"）表示一个"
        )
    return None


def _with_header(frame: pl.DataFrame, kind: str, rel: str, sheet: str | None, encoding: str | None, first_row: int) -> SourceTable:
    """Find the header row, number the data rows as the spreadsheet does, drop blank rows.

    `frame` holds every cell as text; its row 0 is spreadsheet row `first_row`.
    """
    if frame.height == 0 or frame.width == 0:
        raise EvidenceError(f"{location(rel, sheet)}：文件为空，至少需要一行表头")
    columns = frame.columns
    head = frame.head(MAX_TITLE_ROWS + 1).rows()
    filled = [[i for i, v in enumerate(row) if v is not None and str(v).strip()] for row in head]
    # The header is the first row naming two of the kind's fields; lines above it such as
    # 填报单位：指挥处 … 填报日期：… are titles however many cells they fill. Without such a row,
    # the first row of two or more cells (the missing-column messages then say what it holds).
    lookup = header_lookup(KINDS[kind])
    header_index = next((n for n, (row, cells) in enumerate(zip(head, filled, strict=True)) if len(_fields_named((row[i] for i in cells), lookup)) >= 2), None)
    if header_index is None:
        header_index = next((n for n, cells in enumerate(filled) if len(cells) > 1), None)
    if header_index is None:
        header_index = next((n for n, cells in enumerate(filled) if cells), None)
    if header_index is None:
        raise EvidenceError(f"{location(rel, sheet)}：文件为空，至少需要一行表头（前 {len(head)} 行都是空的）")
    header_row = first_row + header_index
    header = [("" if v is None else str(v)).strip() for v in head[header_index]]
    body = frame.slice(header_index + 1).with_row_index("_row", offset=header_row + 1).with_columns(pl.col("_row").cast(pl.Int64))
    # Blank rows are not records (Excel leaves them everywhere); everything else is kept. A blank
    # row has a blank first cell: the other cells are looked at only in those rows.
    maybe_blank = body.filter(parse.blank(pl.col(columns[0])))
    if maybe_blank.height:
        blank_rows = maybe_blank.filter(pl.all_horizontal([parse.blank(pl.col(c)) for c in columns[1:]] or [pl.lit(True)])).get_column("_row")
        if blank_rows.len():
            body = body.filter(~pl.col("_row").is_in(blank_rows.implode()))
    width = max((i + 1 for i, name in enumerate(header) if name), default=0)
    problems = []
    for i, name in enumerate(header[:width]):
        if name:
            continue
        rows = body.filter(~parse.blank(pl.col(columns[i]))).get_column("_row")
        if rows.len():
            shown = "、".join(str(r) for r in rows.head(5).to_list()) + ("等" if rows.len() > 5 else "")
            problems.append(
                f"{location(rel, sheet, header_row)} {column_letter(i)}列：表头为空，但该列第 {shown} 行有数据"
                "（请补上表头；合并的表头单元格请拆分为每列一个表头）"
            )
    # Cells right of the last header: a ragged row, or data pasted one column too far.
    beyond = columns[width:]
    if beyond:
        ragged = body.filter(pl.any_horizontal([~parse.blank(pl.col(c)) for c in beyond])).select("_row", *beyond)
        for n, (row, *cells) in enumerate(ragged.iter_rows()):
            if n == MAX_PROBLEMS_PER_COLUMN:
                problems.append(f"{location(rel, sheet)}：另有 {ragged.height - n} 行同类问题未逐条列出")
                break
            first = next(i for i, c in enumerate(cells) if c is not None and c.strip())
            last = max(i for i, c in enumerate(cells) if c is not None and c.strip())
            problems.append(
                f"{location(rel, sheet, row)}：该行有 {width + last + 1} 个单元格，多于表头的 {width} 列"
                f"（{column_letter(width + first)}列起的数据没有表头）"
            )
    if problems:
        raise EvidenceError(problems)
    if body.height == 0:
        raise EvidenceError(f"{location(rel, sheet)}：只有表头，没有记录（未填写的模板请移出台账目录）")
    keep = [i for i, name in enumerate(header) if name]
    renamed = body.select("_row", *[pl.col(columns[i]).alias(f"{i}:{header[i]}") for i in keep])
    return SourceTable(kind, rel, sheet, renamed, encoding, header_row)


def _cell_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone(dt.timedelta(hours=8))).replace(tzinfo=None)
        return str(value.isoformat(sep=" "))
    if isinstance(value, (dt.date, dt.time)):
        return str(value.isoformat())
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _workbook_cell_text(value: Any) -> str | None:
    """A workbook cell as text: as `_cell_text`, but a number with at most nine decimals, as
    Excel shows it (0.1 + 0.2 is 0.3), which is also how fastsheet's reader writes it."""
    if isinstance(value, float):
        return f"{value:.9f}".rstrip("0").rstrip(".")
    return _cell_text(value)


def _read_workbook(file: Path, rel: str, kind: str | None, ignored: list[str], problems: list[str]) -> list[SourceTable]:
    """One sheet per kind (named by the kind or its Chinese name); in a file named after a kind,
    the first sheet holds its records. Sheets named 说明/填写说明 are notes.

    Sheets the pre-scan found plain are read by fastsheet (columns straight into polars); the
    rest, and every sheet of .xls/.xlsb/.ods, by python-calamine."""
    scan = scan_ahead.check_workbook(file, rel)  # before any reader: refuses bombs, encrypted and renamed files
    fast = fastsheet.open_reader(file) if scan.plain and scan.sheets is not None else None
    calamine: Any = None

    def calamine_book() -> Any:
        nonlocal calamine
        if calamine is None:
            from python_calamine import CalamineWorkbook

            try:
                calamine = CalamineWorkbook.from_path(str(file))
            except Exception as exc:  # calamine raises its own error types for every broken file
                raise EvidenceError(f"{rel}：无法作为 Excel 工作簿读取（文件损坏、加密或并非 Excel 文件：{exc}）") from None
        return calamine

    if fast is not None and scan.sheets is not None:  # (scan.sheets is set whenever fast is; for mypy)
        names, hidden = scan.sheets, set(scan.hidden)
    else:
        names = calamine_book().sheet_names
        hidden = {m.name for m in calamine_book().sheets_metadata if str(m.visible).rsplit(".", 1)[-1] != "Visible"}
    sheets = [s for s in names if s.strip().lower() not in NOTES_SHEETS]
    tables: list[SourceTable] = []
    first_data_sheet = True
    for name in sheets:
        if name in hidden:  # hidden in Excel (old copies, 咨询答复台账 (2)): not what the clerk hands in
            ignored.append(f"{rel} [{name}]（隐藏的工作表）")
            continue
        sheet_kind = kind_of_stem(name)
        frame = None
        if fast is not None and name in scan.plain:
            frame = fastsheet.read_sheet(fast, name, dated=scan.dated, loaded=scan_ahead.loaded_sheet(file, rel, name))
        rows: list[list[Any]] = []
        merges: list[Merge] = []
        if frame is not None:
            merges = scan.plain[name]
            empty = all(column.null_count() == frame.height for column in frame.get_columns())
        else:
            try:
                sheet = calamine_book().get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
                _as_percentages(rows, scan.percent.get(name, ()))
            except EvidenceError:
                raise
            except Exception as exc:
                problems.append(f"{location(rel, name)}：工作表无法读取（{exc}）")
                continue
            merges = getattr(sheet, "merged_cell_ranges", None) or []
            empty = not any(_cell_text(v) for row in rows for v in row)
        if sheet_kind is None:
            if kind is not None and first_data_sheet and name not in hidden:
                sheet_kind = kind
            elif empty:
                continue
            elif kind is not None and name not in hidden and _has_ledger_header(_first_rows(frame, rows), KINDS[kind]):
                sheet_kind = kind  # 1月, 2月 … in consultations.xlsx: one ledger kept by month
            elif kind is not None or name in hidden:
                ignored.append(f"{rel} [{name}]")
                continue
            else:
                problems.append(f"{location(rel, name)}：无法从工作表名判断台账类型（工作表名应为 {kind_names()} 之一）")
                continue
        first_data_sheet = False
        if empty:
            problems.append(f"{location(rel, name)}：工作表为空，至少需要一行表头")
            continue
        if name in scan.formulas:
            problems.extend(scan.formulas[name])
            continue
        try:
            if frame is None:
                tables.append(_sheet_table(rows, merges, sheet_kind, rel, name))
            elif merges:
                tables.append(_columns_table([c.to_list() for c in frame.get_columns()], frame.height, merges, sheet_kind, rel, name))
            else:
                tables.append(_frame_table(frame, [], sheet_kind, rel, name))
        except EvidenceError as exc:
            problems.extend(exc.problems)
    if not tables and not problems:
        raise EvidenceError(f"{rel}：工作簿中没有台账工作表（工作表名应为 {kind_names()} 之一）")
    return tables




def _first_rows(frame: pl.DataFrame | None, rows: list[list[Any]]) -> list[list[str]]:
    """The first rows of a sheet as text, where a header may be (after title rows)."""
    if frame is not None:
        head = [list(frame.row(r)) for r in range(min(frame.height, MAX_TITLE_ROWS + 1))]
    else:
        head = rows[: MAX_TITLE_ROWS + 1]
    return [[_cell_text(v) or "" for v in row] for row in head]


def _has_ledger_header(head: list[list[str]], spec: KindSpec) -> bool:
    """A row naming the kind's record id (编号; a kind without one: its first field) and another
    required field: another sheet of a workbook named after the kind that holds more of its
    records (kept by month or by department). A summary sheet (责任部门 | 渠道 | 件数) names
    required fields too, but no record ids, and stays ignored."""
    lookup = header_lookup(spec)
    required = {f.name for f in spec.fields if f.presence == "required"}
    key = "id" if spec.has_field("id") else spec.fields[0].name
    for row in head:
        named = _fields_named(row, lookup) & required
        if key in named and len(named) >= 2:
            return True
    return False


def _fields_named(cells: Iterable[Any], lookup: dict[str, str]) -> set[str]:
    """The kind's fields that a row's cells name as headers (see `header_lookup`)."""
    return {name for cell in cells if cell is not None and (name := lookup.get(header_key(str(cell)))) is not None}


def _as_percentages(rows: list[list[Any]], cells: Iterable[tuple[int, int]]) -> None:
    """Numbers in percentage-formatted cells as Excel shows them: 0.045 → "4.5%" (the ledgers'
    percentages are written 4.5 or 4.5%, never as a fraction; `parse_float` drops the sign)."""
    for row, column in cells:
        if row < len(rows) and column < len(rows[row]):
            value = rows[row][column]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                shown = _workbook_cell_text(float(Decimal(repr(value)) * 100))
                rows[row][column] = f"{shown}%"


def _sheet_table(rows: list[list[Any]], merges: Iterable[Merge], kind: str, rel: str, sheet: str) -> SourceTable:
    width = max(len(r) for r in rows)
    return _columns_table(_text_columns(rows, width), len(rows), merges, kind, rel, sheet)


def _columns_table(cells: list[list[str | None]], height: int, merges: Iterable[Merge], kind: str, rel: str, sheet: str) -> SourceTable:
    """A sheet given column by column (row 0 = spreadsheet row 1), merged ranges filled in."""
    width = len(cells)
    merges = sorted(merges)
    spread = sum(max(0, min(b, height - 1) - t + 1) * max(0, min(r, width - 1) - c + 1) for (t, c), (b, r) in merges)
    if spread > MAX_SHEET_CELLS:
        raise EvidenceError(f"{location(rel, sheet)}：合并单元格覆盖的范围合计 {spread} 个单元格，超过上限 {MAX_SHEET_CELLS} 个，未读取；请取消多余的合并")
    # A merged cell shows its value over the whole range: a department merged down five rows
    # belongs to all five records. Title banners are merged too; they are not headers.
    # A row blank but for merged cells reaching into it (a department merged past the last
    # record) is a blank row, not a record with empty required cells: it is left blank.
    merged_rows = {r for (top, _), (bottom, _) in merges for r in range(top + 1, min(bottom, height - 1) + 1)}
    blank_rows = {r for r in merged_rows if not any(_cell_filled(cells[c][r]) for c in range(width))}
    for (top, left), (bottom, right) in merges:
        value = cells[left][top] if top < height and left < width else None
        for c in range(left, min(right, width - 1) + 1):
            for r in range(top, min(bottom, height - 1) + 1):
                if r not in blank_rows:
                    cells[c][r] = value
    frame = pl.DataFrame({f"c{i}": cells[i] for i in range(width)}, schema={f"c{i}": pl.String for i in range(width)})
    return _frame_table(frame, merges, kind, rel, sheet)


def _cell_filled(value: str | None) -> bool:
    return value is not None and bool(value.strip())


def _frame_table(frame: pl.DataFrame, merges: list[Merge], kind: str, rel: str, sheet: str) -> SourceTable:
    """A sheet as String columns (row 0 = spreadsheet row 1) with merged ranges already filled
    in: title rows skipped, header found, merged header cells refused."""
    height = frame.height

    def row(r: int) -> list[str | None]:
        return list(frame.row(r))

    titles = {top for (top, left), (bottom, right) in merges if top == bottom and right > left and top < height and _is_title_row(row(top))}
    skip = 0
    while skip < height and skip < MAX_TITLE_ROWS and (skip in titles or not any(row(skip))):
        skip += 1
    table = _with_header(frame.slice(skip), kind, rel, sheet, None, first_row=skip + 1)
    header_index = table.header_row - 1
    problems = []
    for (top, left), (bottom, right) in merges:
        if top <= header_index <= bottom and (right > left or bottom > top) and header_index not in titles:
            span = f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}"
            value = row(top)[left] if top < height and left < frame.width else None
            problems.append(
                f"{location(rel, sheet, header_index + 1)}：表头含合并单元格 {span}（“{value or ''}”），"
                "请取消合并，每列只用一行表头（如 征求意见开始、征求意见结束 各占一列）"
            )
    if problems:
        raise EvidenceError(problems)
    return table


def _text_columns(rows: list[list[Any]], width: int) -> list[list[str | None]]:
    """The sheet column by column as text. Columns of plain text (most ledgers) skip the
    per-cell conversion: an empty string is the only thing to turn into None there."""
    padded = rows if all(len(r) == width for r in rows) else [[*r, *[None] * (width - len(r))] for r in rows]
    columns: list[list[str | None]] = []
    for column in zip(*padded, strict=True):
        if {type(v) for v in column} <= {str, type(None)}:
            columns.append([v or None for v in column])
        else:
            columns.append([_workbook_cell_text(v) for v in column])
    return columns


def _is_title_row(row: list[str | None]) -> bool:
    return len({v for v in row if v}) <= 1


def _read_records(file: Path, rel: str, kind: str) -> SourceTable:
    if file.suffix.lower() == ".json":
        data, line_of = _load_json(file, rel), None
    else:
        from checker.yamlio import TextScalarsLoader, parse_yaml, read_text

        data, line_map = parse_yaml(read_text(file, error=EvidenceError, where=rel), rel, error=EvidenceError, loader_class=TextScalarsLoader)
        line_of = line_map.line_of
    prefix: tuple[Any, ...] = ()
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        key = next(iter(data))
        if kind_of_stem(str(key)) not in (None, kind):
            raise EvidenceError(f"{rel}：顶层键 “{clip(str(key))}” 是另一类台账，与文件名对应的 {KINDS[kind].stem}（{KINDS[kind].label}）不一致")
        prefix = (key,)
        data = data[key]  # {"consultations": [...]}
    if data is None or data == []:
        raise EvidenceError(f"{rel}：文件中没有记录（未填写的模板请移出台账目录）")
    lines = None
    if line_of is not None and isinstance(data, list):
        lines = [line_of((*prefix, i)) or i + 1 for i in range(len(data))]
    return records_table(kind, rel, data, lines)


def _load_json(file: Path, rel: str) -> Any:
    raw = file.read_bytes()
    if not raw.strip():
        raise EvidenceError(f"{rel}：文件为空，应为记录列表 [{{...}}, ...]（未填写的模板请移出台账目录）")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvidenceError(f"{rel}：JSON 文件必须是 UTF-8 编码（第 {exc.start} 字节处无法按 UTF-8 解码）") from None
    try:
        # Numbers stay the text they are written as (an id 12345678901234567890 or a value
        # 1e400 is not rounded to a float on the way in); cells are typed from text, as in a CSV.
        return json.loads(text, object_pairs_hook=_json_object, parse_constant=_json_constant, parse_float=_JsonNumber, parse_int=_JsonNumber)
    except json.JSONDecodeError as exc:
        raise EvidenceError(f"{rel}：JSON 语法错误（第 {exc.lineno} 行第 {exc.colno} 列：{_json_problem_zh(exc.msg)}）") from None
    except _JsonRefused as exc:
        raise EvidenceError(f"{rel}：{exc}") from None
    except RecursionError:
        raise EvidenceError(f"{rel}：JSON 嵌套过深（台账记录应为一层：[{{\"字段\": 值}}, ...]）") from None


class _JsonNumber(str):
    """A JSON number, kept as the text it is written as (and still known to be a number)."""


_JSON_PROBLEMS = (  # json.JSONDecodeError.msg, by its start
    ("Expecting value", "此处应为一个值（文本要加双引号；不能有多余的逗号）"),
    ("Expecting property name enclosed in double quotes", "此处应为用双引号括起的字段名（不能用单引号；最后一项后不能有逗号）"),
    ("Expecting ',' delimiter", "缺少逗号“,”"),
    ("Expecting ':' delimiter", "缺少冒号“:”"),
    ("Unterminated string", "文本缺少结束的双引号"),
    ("Invalid control character", "文本中有不允许的控制字符（换行请写作 \\n）"),
    ("Invalid \\uXXXX escape", "\\u 转义格式不对（应为 \\u 加四位十六进制数）"),
    ("Invalid \\escape", "文本中有无效的反斜杠转义（反斜杠请写作 \\\\）"),
    ("Extra data", "JSON 数据结束后还有多余的内容（整个文件应为一个列表 [...]）"),
    ("Illegal trailing comma", "最后一项之后不能有逗号"),
)


def _json_problem_zh(message: str) -> str:
    return next((words for start, words in _JSON_PROBLEMS if message.startswith(start)), f"解析器的原始提示：{message}")


class _JsonRefused(ValueError):
    pass


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects, refusing duplicate keys (json's default keeps the last one silently)."""
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _JsonRefused(f"JSON 对象中有重复的键 “{clip(key)}”（后一个会覆盖前一个，数据会丢失），请删除或改名")
            seen.add(key)
    return record


def _json_constant(name: str) -> Any:
    raise _JsonRefused(f"JSON 中有非标准的值 {name}（JSON 不允许 NaN、Infinity），请改为具体数值或留空")


def _spelt(key: Any, lookup: dict[str, str], spelling: dict[str, str]) -> Any:
    name = lookup.get(header_key(str(key)))
    return spelling[name] if name is not None else key


def records_table(kind: str, rel: str, data: Any, lines: list[int] | None = None, empty_headers: tuple[str, ...] = ()) -> SourceTable:
    """A list of mappings (JSON, YAML, rule fixtures) as a table of text cells.

    `lines` numbers the records (YAML: the line each starts on); default 1, 2, 3 …
    `empty_headers` are the columns of an empty list (an empty fixture ledger).
    """
    if not isinstance(data, list):
        raise EvidenceError(f"{rel}：应为记录列表（每条记录一个映射），实际是 {_type_zh(data)}")
    numbers = lines or list(range(1, len(data) + 1))
    headers: list[str] = []
    problems: list[str] = []
    # Records may name a field differently (编号 in one, id in the next): each key that names a
    # field is spelt as the first record that named it spelt it, so they form one column.
    # (Worked out once per distinct set of keys: a 300,000-record export has one or two.)
    lookup = header_lookup(KINDS[kind]) if kind in KINDS else {}
    spelling: dict[str, str] = {}
    shapes: dict[tuple[Any, ...], tuple[tuple[Any, ...] | None, list[str]]] = {}
    renamed: list[Any] = []
    for number, record in zip(numbers, data, strict=True):
        if isinstance(record, dict):
            keys = tuple(record)
            if keys not in shapes:
                fields_here: dict[str, str] = {}
                twice: list[str] = []
                for key in keys:
                    name = lookup.get(header_key(str(key)))
                    if name is None:
                        continue
                    if name in fields_here:
                        twice.append(f"字段 “{clip(str(key))}” 与 “{clip(fields_here[name])}” 都对应字段 {name}，请只保留一个")
                    fields_here[name] = str(key)
                    spelling.setdefault(name, str(key))
                spelt = tuple(_spelt(k, lookup, spelling) for k in keys)
                shapes[keys] = (None if spelt == keys else spelt, twice)
            spelt_keys, twice = shapes[keys]
            problems.extend(f"{location(rel, None, number)}：{text}" for text in twice)
            if spelt_keys is not None:
                record = dict(zip(spelt_keys, record.values(), strict=True))
        renamed.append(record)
    data = renamed
    for number, record in zip(numbers, data, strict=True):
        if not isinstance(record, dict):
            problems.append(f"{location(rel, None, number)}：每条记录应为 字段: 值 的映射，实际是 {_type_zh(record)}")
            continue
        for key, value in record.items():
            if isinstance(value, (dict, list)):
                problems.append(f"{location(rel, None, number, str(key))}：值应为单个值，不能是列表或映射")
            elif isinstance(value, str) and (bad := _bad_character(value)):
                problems.append(f"{location(rel, None, number, str(key))}：值中有{bad}，文本中不应有这个字符（可能是导出时损坏），请删除后重新保存")
            if str(key) not in headers:
                headers.append(str(key))
    if len(headers) > MAX_COLUMNS:
        problems.append(f"{rel}：记录中共有 {len(headers)} 个不同的字段，超过上限 {MAX_COLUMNS} 个")
    if problems:
        raise EvidenceError(problems)
    if not data and empty_headers:
        headers = list(empty_headers)
    columns = {f"{j}:{h}": [_cell_text(_value(r, h)) if isinstance(r, dict) else None for r in data] for j, h in enumerate(headers)}
    # Built from the row numbers first, so that records without any field keep their height.
    frame = pl.DataFrame([pl.Series("_row", numbers, dtype=pl.Int64), *(pl.Series(k, v, dtype=pl.String) for k, v in columns.items())])
    return SourceTable(kind, rel, None, frame, "UTF-8", lettered=False)


def _bad_character(text: str) -> str | None:
    """A character no ledger text holds that JSON/YAML escapes can still produce (a CSV with one
    is refused on reading): NUL, or half of a UTF-16 surrogate pair."""
    if "\x00" in text:
        return "空字符（NUL）"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            return f"无效的 Unicode 字符（孤立的代理项 U+{ord(text[exc.start]):04X}）"
    return None


def _value(record: dict[Any, Any], header: str) -> Any:
    if header in record:
        return record[header]
    return next((v for k, v in record.items() if str(k) == header), None)


def _type_zh(value: Any) -> str:
    types = {dict: "映射", list: "列表", str: "文本", int: "数字", float: "数字", bool: "是/否值", type(None): "空值", _JsonNumber: "数字"}
    return types.get(type(value), "其他值")


def evidence_from_records(data: dict[str, list[dict[str, Any]]], label: str) -> EvidenceSet:
    """Typed evidence from in-memory records by kind (used by rule fixtures).

    An empty list is an empty ledger (the kind counts as provided); references between kinds
    are not checked, so a fixture may hold just the records a rule needs.
    """
    evidence = EvidenceSet()
    problems: list[str] = []
    for kind, records in data.items():
        if kind not in KINDS:
            problems.append(f"{label}：未知的台账类型 “{kind}”（可选：{'、'.join(KINDS)}）")
            continue
        try:
            table = records_table(kind, f"{label}:{kind}", records, empty_headers=KINDS[kind].field_names)
        except EvidenceError as exc:
            problems.extend(exc.problems)
            continue
        typed, table_problems = type_table(table)
        problems.extend(table_problems)
        if typed is not None:
            evidence.frames[kind] = typed
            evidence.files.append(LoadedFile(table.file, None, kind, typed.height, None))
    problems.extend(_duplicate_ids(evidence))
    if problems:
        raise EvidenceError(problems)
    return evidence


# --------------------------------------------------------------------------- typing
def _map_headers(table: SourceTable) -> tuple[dict[str, tuple[str, str, str]], dict[str, str], list[str]]:
    """Headers → fields: {field: (source column, letter, how to name it)}, {source column: extra
    header}, problems."""
    spec = KINDS[table.kind]
    lookup = header_lookup(spec)
    problems: list[str] = []
    mapped: dict[str, tuple[str, str, str]] = {}
    extras: dict[str, str] = {}
    seen: dict[str, str] = {}  # header key -> letter of its first column
    for column in table.frame.columns:
        if column == "_row":
            continue
        index_text, header = column.split(":", 1)
        letter = column_letter(int(index_text)) if table.lettered else ""
        name = lookup.get(header_key(header))
        if table.lettered:
            here, this = f"{location(table.file, table.sheet, table.header_row)} {letter}列：表头", f"{letter}列"
        else:
            here, this = f"{location(table.file, table.sheet)}：字段", f"字段“{clip(header)}”"
        if len(header) > MAX_CELL_CHARS:
            problems.append(f"{here} “{clip(header)}” 过长，表头单元格最多 {MAX_CELL_CHARS} 个字符")
        elif name is not None and name in mapped:
            both = f"{here} “{header}” 与 {mapped[name][2]}重复（都对应字段 {name}）"
            if spec.field(name).type == "datetime":  # 收到日期 + 收到时间: the usual reason
                both += f"；日期和时间分两列填写的，请合并为一列“{spec.field(name).label}”（如 2022-03-05 14:30）"
            problems.append(both)
        elif name is None and header_key(header) in seen:
            problems.append(f"{here} “{clip(header)}” 与 {seen[header_key(header)]}重复")
        elif name is not None:
            mapped[name] = (column, letter, this)
        elif header in PROVENANCE:
            problems.append(f"{here} “{header}” 是保留名称，请改名")
        else:
            extras[column] = header
        seen.setdefault(header_key(header), this)
    unknown = "、".join(f"“{clip(h, 20)}”" for h in list(extras.values())[:8])
    for f in spec.fields:
        if f.presence != "optional" and f.name not in mapped:
            also = header_aliases(spec, f.name)
            hint = f"；也可写作 {'、'.join(also)}" if also else ""
            hint += f"；表中未识别的列：{unknown}" if unknown else ""
            if f.name == "received_at" and spec.name == "foi_request" and any(header_key(h) == "申请日期" for h in extras.values()):
                hint += "（“申请日期”是申请书上的日期，不一定是条例第三十一条规定的收到申请之日，所以不按它计算答复期限；请按收到申请之日填写“收到申请日期”列）"
            problems.append(f"{location(table.file, table.sheet)}：缺少必需的列 “{f.label}”（{f.name}）{hint}")
    return mapped, extras, problems


def _without_overlong_cells(table: SourceTable) -> tuple[SourceTable, list[tuple[int, int, str]]]:
    """Cells longer than Excel allows (a 10 MB paste, a runaway quote): reported at their row and
    column with their length, never quoted, and blanked so that no later message quotes them."""
    columns = [c for c in table.frame.columns if c != "_row"]
    if not columns or not table.frame.select(pl.any_horizontal(pl.col(c).str.len_bytes() > MAX_CELL_CHARS for c in columns).any()).item():
        return table, []
    found: list[tuple[int, int, str]] = []
    too_long = {c: pl.col(c).str.len_chars() > MAX_CELL_CHARS for c in columns}
    for c in columns:
        index_text, header = c.split(":", 1)
        index = int(index_text)
        letter = column_letter(index) if table.lettered else None
        rows = table.frame.filter(too_long[c]).select("_row", pl.col(c).str.len_chars())
        for n, (row, length) in enumerate(rows.iter_rows()):
            if n == MAX_PROBLEMS_PER_COLUMN:
                found.append((2**62, index, f"{location(table.file, table.sheet, None, clip(header, 30), letter)}：另有 {rows.height - n} 个过长的单元格未逐条列出"))
                break
            place = location(table.file, table.sheet, row, clip(header, 30), letter)
            found.append((row, index, f"{place}：单元格内容过长（{length} 个字符），单元格最多 {MAX_CELL_CHARS} 个字符（与 Excel 相同）"))
    frame = table.frame.with_columns(pl.when(too_long[c]).then(None).otherwise(pl.col(c)).alias(c) for c in columns)
    return dataclasses.replace(table, frame=frame), found


def type_table(table: SourceTable) -> tuple[pl.DataFrame | None, list[str]]:
    """Map headers to fields and parse every field; return the frame and every problem.

    The frame is None only when the headers do not fit; with bad cells it is still returned
    (bad cells as null) so that checks across files (duplicate ids, references) run in the same
    pass — callers must not use it for evaluation when problems were found.
    """
    spec = KINDS[table.kind]
    mapped, extras, problems = _map_headers(table)
    if problems:
        return None, problems
    table, overlong = _without_overlong_cells(table)

    # Parse every mapped field once, next to its raw text, so bad cells can be reported.
    work = table.frame.with_columns(
        parse.parse_series(table.frame.get_column(mapped[f.name][0]), f).alias(f"__t:{f.name}") for f in spec.fields if f.name in mapped
    )
    found: list[tuple[int, int, str]] = []  # (row, column, message): reported in reading order
    tests: dict[str, tuple[pl.Expr, pl.Expr]] = {}  # field → (bad cell, missing required cell)
    for f in spec.fields:
        if f.name in mapped:
            raw = pl.col(mapped[f.name][0])
            bad = (~parse.blank(raw) & pl.col(f"__t:{f.name}").is_null()) if f.type != "text" else pl.lit(False)
            tests[f.name] = (bad, parse.blank(raw) if f.presence == "required" else pl.lit(False))
    # One cheap pass finds the fields that may have problems; only those are looked at again.
    # A problem cell always parses to null (a blank cell does too, see parse.blank), so null
    # parses - of cells holding something, for optional fields - bound the problems from above.
    maybe = {
        f.name: pl.col(f"__t:{f.name}").is_null() & (pl.lit(True) if f.presence == "required" else pl.col(mapped[f.name][0]).is_not_null())
        for f in spec.fields
        if f.name in tests
    }
    counts = work.select(test.sum().alias(name) for name, test in maybe.items()).row(0, named=True) if maybe else {}
    for f in spec.fields:
        if not counts.get(f.name):
            continue
        source, letter, _ = mapped[f.name]
        column = int(source.split(":", 1)[0])
        # Spreadsheets: the column's letter and the field's label; JSON/YAML: the key as written.
        column_text = f.label if table.lettered else source.split(":", 1)[1]
        raw = pl.col(source)
        bad, missing = tests[f.name]
        rows = work.filter(bad | missing).select("_row", raw.alias("raw"), bad.alias("bad"))
        for n, (row, raw_value, is_bad) in enumerate(rows.iter_rows()):
            if n == MAX_PROBLEMS_PER_COLUMN:
                rest = f"{location(table.file, table.sheet, None, column_text, letter)}：另有 {rows.height - n} 处同类问题未逐条列出"
                found.append((2**62, column, rest))
                break
            place = location(table.file, table.sheet, row, column_text, letter)
            found.append((row, column, f"{place}：{parse.problem_text(f, raw_value.strip())}" if is_bad else f"{place}：必填项为空"))
    if spec.name == "task" and "due" in mapped:
        found.extend(_time_node_problems(work, table, mapped["due"]))
    problems.extend(message for _, _, message in sorted(found + overlong))
    typed = work.select(
        pl.lit(table.file, dtype=pl.String).alias("_file"),
        pl.lit(table.sheet, dtype=pl.String).alias("_sheet"),
        pl.col("_row"),
        *[
            pl.col(f"__t:{f.name}").alias(f.name) if f.name in mapped else pl.lit(None, dtype=polars_type(f.type)).alias(f.name)
            for f in spec.fields
        ],
        *[parse.clean(pl.col(c)).alias(h) for c, h in extras.items()],
    )
    return typed, problems


def _time_node_problems(work: pl.DataFrame, table: SourceTable, mapped_due: tuple[str, str | None, Any]) -> list[tuple[int, int, str]]:
    """Task time nodes (时间节点) must be words the parser knows: an unknown one is an error here,
    at its row and column, never a task without a deadline. The plan year does not matter for
    the words; 2000 (a leap year) lets 2月29日前 through, and the check parses with the real year."""
    from checker.timenodes import TimeNodeError, parse_time_node

    source, letter, _ = mapped_due
    column = int(source.split(":", 1)[0])
    column_text = KINDS["task"].field("due").label if table.lettered else source.split(":", 1)[1]
    bad: dict[str, str] = {}
    for text in work.get_column("__t:due").drop_nulls().unique().to_list():
        try:
            parse_time_node(text, 2000)
        except TimeNodeError as exc:
            bad[text] = exc.problems[0]
    if not bad:
        return []
    rows = work.filter(pl.col("__t:due").is_in(list(bad))).select("_row", "__t:due")
    found = [(row, column, f"{location(table.file, table.sheet, row, column_text, letter)}：{bad[text]}") for row, text in rows.head(MAX_PROBLEMS_PER_COLUMN).iter_rows()]
    if rows.height > MAX_PROBLEMS_PER_COLUMN:  # (at most so many per column, as for every other field)
        rest = rows.height - MAX_PROBLEMS_PER_COLUMN
        found.append((2**62, column, f"{location(table.file, table.sheet, None, column_text, letter)}：另有 {rest} 处同类问题未逐条列出"))
    return found


def polars_type(field_type: str) -> pl.DataType:
    return {
        "datetime": pl.Datetime("us"),
        "date": pl.Date(),
        "bool": pl.Boolean(),
        "year": pl.Int32(),
        "int": pl.Int64(),
        "float": pl.Float64(),
    }.get(field_type, pl.String())


def empty_frame(spec: KindSpec) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {"_file": pl.String(), "_sheet": pl.String(), "_row": pl.Int64()}
    schema.update({f.name: polars_type(f.type) for f in spec.fields})
    return pl.DataFrame(schema=schema)


# --------------------------------------------------------------------------- across files
def _duplicate_ids(evidence: EvidenceSet) -> list[str]:
    problems = []
    for kind, frame in sorted(evidence.frames.items()):
        key = "id" if "id" in frame.columns else None
        if key is None or frame.height == 0:
            continue
        # Hashes first (cheap on a million ids), exact comparison only among the collisions.
        ids = frame.filter(pl.col(key).is_not_null())
        if ids.select(pl.col(key).hash().n_unique()).item() == ids.height:
            continue  # all hashes differ, so all ids differ (the usual case, and cheap)
        suspects = ids.filter(pl.col(key).hash().is_duplicated())
        if suspects.height == 0:
            continue
        dupes = (
            suspects.filter(pl.col(key).is_duplicated())
            .sort(key, "_file", "_row")
            .group_by(key, maintain_order=True)
            .agg(pl.col("_file"), pl.col("_sheet"), pl.col("_row"))
        )
        loaded = {(f.file, f.sheet): f for f in evidence.files}
        for record_id, files, sheets, rows in dupes.head(MAX_PROBLEMS_PER_COLUMN).iter_rows():
            by_table: dict[tuple[str, str | None], list[int]] = {}
            for f, s, r in zip(files, sheets, rows, strict=True):
                by_table.setdefault((f, s), []).append(r)
            places = []
            for (f, s), numbers in by_table.items():
                source = loaded.get((f, s))
                letter = source.letter(key) if source else None
                label = KINDS[kind].field(key).label if letter else key
                place = location(f, s, None, label, letter).removeprefix(location(f, s))
                unit = "条记录" if f.lower().endswith(".json") else "行"
                places.append(f"{location(f, s)} 第{'、'.join(str(n) for n in numbers)}{unit}{place}")
            problems.append(f"{'；'.join(places)}：编号 “{record_id}” 重复（{KINDS[kind].label}中的编号必须唯一）")
        if dupes.height > MAX_PROBLEMS_PER_COLUMN:
            problems.append(f"{KINDS[kind].label}：另有 {dupes.height - MAX_PROBLEMS_PER_COLUMN} 个重复编号未逐条列出")
    return problems


def dangling_references(evidence: EvidenceSet) -> list[str]:
    """Cells naming a record of another kind (an interpretation's document_id) that is not there.

    Checked only when the referenced kind was provided at all: without a policy-document ledger
    there is nothing to check against, and rules needing both kinds report that themselves.
    """
    problems: list[str] = []
    letters = {(f.file, f.sheet): f for f in evidence.files}
    for kind, frame in sorted(evidence.frames.items()):
        for spec in KINDS[kind].fields:
            target = spec.references
            if target is None or target not in evidence.frames or spec.name not in frame.columns:
                continue
            known = evidence.frames[target].get_column("id").drop_nulls().unique()
            bad = frame.filter(pl.col(spec.name).is_not_null() & ~pl.col(spec.name).is_in(known.implode())).sort("_file", "_row")
            target_spec = KINDS[target]
            for n, (file, sheet, row, value) in enumerate(bad.select("_file", "_sheet", "_row", spec.name).iter_rows()):
                if n == MAX_PROBLEMS_PER_COLUMN:
                    problems.append(f"{KINDS[kind].label}“{spec.label}”列：另有 {bad.height - n} 处同类问题未逐条列出")
                    break
                loaded = letters.get((file, sheet))
                letter = loaded.letter(spec.name) if loaded else None
                problems.append(
                    f"{location(file, sheet, row, spec.label if letter else spec.name, letter)}：{target_spec.label}中没有编号为 “{value}” 的记录"
                    f"（{spec.label}应为 {target_spec.stem} 中某条记录的编号）"
                )
    return problems


# --------------------------------------------------------------------------- hostile input
# Which files are read at all (links, special files, sizes), decided before any of their contents
# is parsed. Whether a workbook is safe to hand to a reader: checker.evidence.workbook_scan.
def file_refusal(file: Path, rel: str) -> str | None:
    """Why a data file is not read at all (not a regular file, too large), or None.

    Decided from the file's metadata only, before any byte of it is read.
    """
    try:
        info = file.stat()
    except OSError as exc:
        return f"{rel}：无法读取文件（{exc.strerror or exc}）"
    if not stat.S_ISREG(info.st_mode):
        return f"{rel}：不是普通文件（可能是设备、管道或套接字），不读取"
    records = file.suffix.lower() in RECORD_SUFFIXES
    limit = MAX_RECORD_FILE_BYTES if records else MAX_EVIDENCE_BYTES
    if info.st_size > limit:
        what = "JSON/YAML 台账" if records else "台账"
        return (
            f"{rel}：文件过大（{mb(info.st_size)}），{what}文件上限为 {mb(limit)}，未读取；"
            "请按部门或时间拆分为多个文件（同类台账的多个文件会合并检查）"
        )
    return None


def _single_file(path: Path) -> list[Path]:
    """The one file `zwgk check FILE` names: a data file of a readable format and size."""
    suffix = path.suffix.lower()
    if suffix in UNREADABLE_SUFFIXES:
        raise EvidenceError(f"{path.name}：无法读取{UNREADABLE_SUFFIXES[suffix]}格式，请另存为 .xlsx 或 .csv")
    if suffix not in DATA_SUFFIXES:
        raise EvidenceError(f"{path.name}：不是台账文件（支持 {'、'.join(sorted(DATA_SUFFIXES))}）")
    refusal = file_refusal(path, path.name)
    if refusal:
        raise EvidenceError(refusal)
    return [path]


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _data_files(folder: Path, evidence: EvidenceSet, problems: list[str]) -> list[Path]:
    """The data files under `folder`; everything else is listed as ignored or as a problem.

    Hidden entries (`.git`, `~$` Excel lock files, `__MACOSX`) are skipped. Symbolic links are
    resolved, never followed blindly: a link to a data file or a directory outside the folder,
    and a link to nothing, are problems (the evidence is the folder, not what it points to); a
    link to a directory inside is not entered (its files are read where they are); a link to a
    file inside is read once, under its own name when the file is not read under another.
    """
    root = os.path.realpath(folder)
    chosen: dict[str, tuple[Path, str, bool]] = {}  # real path -> (path, rel, is a link)
    for dirpath, dirnames, filenames in os.walk(folder):  # does not follow linked directories
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(HIDDEN_PREFIXES))
        linked_dirs = [d for d in dirnames if (here / d).is_symlink()]
        names = sorted([*linked_dirs, *(f for f in filenames if not f.startswith(HIDDEN_PREFIXES))])
        if _is_report_folder(here, filenames):  # `cd 台账 && zwgk check .` writes reports/ here
            names = [n for n in names if n not in _REPORT_FILES]
        for name in names:
            file = here / name
            rel = file.relative_to(folder).as_posix()
            suffix = file.suffix.lower()
            is_link = file.is_symlink()
            real = os.path.realpath(file)
            if is_link:
                if not os.path.exists(real):
                    problems.append(f"{rel}：符号链接的目标不存在或无法解析（{_readlink(file)}）")
                    continue
                outside = not _inside(real, root)
                if os.path.isdir(real):
                    if outside:
                        problems.append(f"{rel}：是指向佐证目录之外的目录的符号链接（{real}），出于安全考虑拒绝读取；请把文件本身复制到佐证目录中")
                    else:
                        evidence.ignored.append(f"{rel}（指向目录内 {Path(os.path.relpath(real, root)).as_posix()} 的符号链接，不重复读取）")
                    continue
                if outside and (suffix in DATA_SUFFIXES or suffix in UNREADABLE_SUFFIXES):
                    problems.append(f"{rel}：是指向佐证目录之外的符号链接（{real}），出于安全考虑拒绝读取；请把文件本身复制到佐证目录中")
                    continue
            if suffix in DATA_SUFFIXES:
                refusal = file_refusal(file, rel)
                if refusal:
                    problems.append(refusal)
                    continue
                if real in chosen:
                    _, other_rel, other_link = chosen[real]
                    if other_link and not is_link:  # read the file under its own name
                        chosen[real] = (file, rel, is_link)
                        other_rel, rel = rel, other_rel
                    evidence.ignored.append(f"{rel}（与 {other_rel} 是同一个文件，不重复读取）")
                    continue
                chosen[real] = (file, rel, is_link)
            elif suffix in UNREADABLE_SUFFIXES and kind_of_stem(file.stem) is not None:
                problems.append(f"{rel}：无法读取{UNREADABLE_SUFFIXES[suffix]}格式，请另存为 .xlsx 或 .csv")
            else:
                evidence.ignored.append(rel)
    return [path for path, _, _ in chosen.values()]


# What `zwgk check` writes into --out (checker/reporters): never evidence, so a second run over a
# folder holding the first run's reports reads the same evidence and gives the same report.
_REPORT_FILES = frozenset({"report.html", "report.json", "report.junit.xml", "report.sarif", "report.md", "violations.csv"})


def _is_report_folder(folder: Path, filenames: list[str]) -> bool:
    """A folder holding a zwgk report.json (checked by its first bytes, not only its name)."""
    if "report.json" not in filenames or (folder / "report.json").is_symlink():
        return False
    try:
        with (folder / "report.json").open("rb") as handle:
            head = handle.read(256)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and b'"summary"' in head and b'"as_of"' in head


def _readlink(link: Path) -> str:
    try:
        return os.readlink(link)
    except OSError:
        return "?"
