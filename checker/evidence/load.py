"""Read an evidence folder (or one workbook) into one typed polars frame per kind.

Each frame has the kind's fields with parsed types (absent optional fields as null columns),
extra columns kept as text, and three provenance columns: ``_file`` (path relative to the
evidence root), ``_sheet`` (XLSX sheet or null) and ``_row`` (spreadsheet row number; for JSON
and YAML the record's 1-based position). Every problem in every file is collected and raised
together as one `EvidenceError`; no row is dropped silently (blank rows are not records).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from checker.errors import EvidenceError
from checker.evidence import parse
from checker.evidence.schema import KIND_BY_STEM, KINDS, KindSpec

DATA_SUFFIXES = {".csv", ".xlsx", ".xlsm", ".json", ".yaml", ".yml"}
NOTES_SHEETS = {"说明", "填写说明", "notes", "readme"}
MAX_PROBLEMS_PER_COLUMN = 20
PROVENANCE = ("_file", "_sheet", "_row")


@dataclass(frozen=True)
class SourceTable:
    """One table as read: a kind, where it came from, its headers and string cells."""

    kind: str
    file: str
    sheet: str | None
    frame: pl.DataFrame  # all String columns named by their headers, plus "_row"
    encoding: str | None = None


@dataclass(frozen=True)
class LoadedFile:
    file: str
    sheet: str | None
    kind: str
    rows: int
    encoding: str | None


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


def location(file: str, sheet: str | None, row: int | None = None, column: str | None = None, letter: str | None = None) -> str:
    """`consultations.csv 第5行 C列（收到时间）` — how every evidence message names its place."""
    text = file if sheet is None else f"{file} [{sheet}]"
    if row is not None:
        text += f" 第{row}行"
    if column is not None:
        text += f" {letter}列（{column}）" if letter else f" “{column}”列"
    return text


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------- entry point
def load_evidence(path: Path) -> EvidenceSet:
    """Load a folder of evidence files, or a single evidence file/workbook."""
    problems: list[str] = []
    tables: list[SourceTable] = []
    evidence = EvidenceSet()
    if not path.exists():
        raise EvidenceError(f"{path}：找不到佐证材料路径")
    root = path if path.is_dir() else path.parent
    files = sorted(_data_files(path, evidence)) if path.is_dir() else [path]
    if path.is_dir() and not files:
        raise EvidenceError(f"{path}：文件夹中没有佐证台账文件（支持 .csv、.xlsx、.json、.yaml），可用 zwgk template 生成模板")
    for file in files:
        rel = file.relative_to(root).as_posix()
        try:
            tables.extend(read_tables(file, rel))
        except EvidenceError as exc:
            problems.extend(exc.problems)
    by_kind: dict[str, list[pl.DataFrame]] = {}
    for table in tables:
        typed, table_problems = type_table(table)
        problems.extend(table_problems)
        if typed is not None:
            by_kind.setdefault(table.kind, []).append(typed)
            evidence.files.append(LoadedFile(table.file, table.sheet, table.kind, typed.height, table.encoding))
    for kind, frames in by_kind.items():
        evidence.frames[kind] = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    problems.extend(_duplicate_ids(evidence))
    if problems:
        raise EvidenceError(problems)
    return evidence


def _data_files(folder: Path, evidence: EvidenceSet) -> list[Path]:
    found = []
    for file in folder.rglob("*"):
        rel_parts = file.relative_to(folder).parts
        if any(part.startswith((".", "~$")) for part in rel_parts) or not file.is_file():
            continue
        if file.suffix.lower() in DATA_SUFFIXES:
            found.append(file)
        else:
            evidence.ignored.append(file.relative_to(folder).as_posix())
    return found


def kind_of_stem(stem: str) -> str | None:
    """`consultations`, `consultation`, `咨询答复台账`, or those followed by `_部门名`."""
    key = stem.strip().lower()
    if key in KIND_BY_STEM:
        return KIND_BY_STEM[key]
    for sep in ("_", "-", " ", "."):
        head = key.split(sep, 1)[0]
        if head != key and head in KIND_BY_STEM:
            return KIND_BY_STEM[head]
    return None


# --------------------------------------------------------------------------- readers
def read_tables(file: Path, rel: str) -> list[SourceTable]:
    suffix = file.suffix.lower()
    kind = kind_of_stem(file.stem)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(file, rel, kind)
    if kind is None:
        names = "、".join(spec.stem for spec in KINDS.values())
        raise EvidenceError(f"{rel}：无法从文件名判断台账类型（文件名应为 {names} 之一，或其后加 _部门名）")
    if suffix == ".csv":
        return [_read_csv(file, rel, kind)]
    return [_read_records(file, rel, kind)]


def _decode(raw: bytes, rel: str) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        raise EvidenceError(
            f"{rel}：无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030，第 {exc.start} 字节处无法解码）。请在 Excel/WPS 中另存为 “CSV UTF-8”"
        ) from None


def _read_csv(file: Path, rel: str, kind: str) -> SourceTable:
    raw = file.read_bytes()
    text, encoding = _decode(raw, rel)
    if not text.strip():
        raise EvidenceError(f"{rel}：文件为空，至少需要一行表头")
    first_line = text.split("\n", 1)[0]
    separator = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            infer_schema=False,
            separator=separator,
            truncate_ragged_lines=False,
            raise_if_empty=False,
            has_header=False,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise EvidenceError(f"{rel}：CSV 格式错误，无法读取（{str(exc).splitlines()[0]}）") from None
    return _with_header(frame, kind, rel, None, encoding, header_row=1)


def _with_header(frame: pl.DataFrame, kind: str, rel: str, sheet: str | None, encoding: str | None, header_row: int) -> SourceTable:
    """Use the first row as headers; number the data rows as the spreadsheet does."""
    if frame.height == 0:
        raise EvidenceError(f"{location(rel, sheet)}：文件为空，至少需要一行表头")
    header = [("" if v is None else str(v)).strip() for v in frame.row(0)]
    problems = []
    for i, name in enumerate(header):
        if not name:
            has_data = frame.height > 1 and frame.get_column(frame.columns[i]).slice(1).drop_nulls().len() > 0
            if has_data:
                problems.append(f"{location(rel, sheet, header_row)} {column_letter(i)}列：表头为空但该列有数据（合并的表头单元格请拆分为每列一个表头）")
    if problems:
        raise EvidenceError(problems)
    keep = [i for i, name in enumerate(header) if name]
    body = frame.slice(1).select([pl.col(frame.columns[i]).alias(f"{i}") for i in keep])
    body = body.with_row_index("_row", offset=header_row + 1)
    # Blank rows are not records (Excel leaves them everywhere); everything else is kept.
    cells = [pl.col(f"{i}") for i in keep]
    if cells:
        body = body.filter(~pl.all_horizontal([parse.blank(c) for c in cells]))
    renamed = body.rename({f"{i}": f"{i}:{header[i]}" for i in keep})
    return SourceTable(kind, rel, sheet, renamed.with_columns(pl.col("_row").cast(pl.Int64)), encoding)


def _cell_text(value: Any) -> str | None:
    import datetime as dt

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _read_xlsx(file: Path, rel: str, kind: str | None) -> list[SourceTable]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(file))
    except Exception as exc:  # calamine raises its own error types for every broken file
        raise EvidenceError(f"{rel}：无法作为 XLSX 工作簿读取（文件损坏、加密或并非 Excel 文件：{exc}）") from None
    sheets = [s for s in workbook.sheet_names if s.strip().lower() not in NOTES_SHEETS]
    tables: list[SourceTable] = []
    problems: list[str] = []
    for index, name in enumerate(sheets):
        sheet_kind = kind_of_stem(name)
        if kind is not None:
            # A per-kind file: its first sheet is the data unless a sheet is named after a kind.
            if sheet_kind is None and index > 0:
                continue
            sheet_kind = sheet_kind or kind
        elif sheet_kind is None:
            names = "、".join(spec.stem for spec in KINDS.values())
            problems.append(f"{location(rel, name)}：无法从工作表名判断台账类型（工作表名应为 {names} 或其中文名称之一）")
            continue
        try:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            problems.append(f"{location(rel, name)}：工作表无法读取（{exc}）")
            continue
        if not rows:
            problems.append(f"{location(rel, name)}：工作表为空，至少需要一行表头")
            continue
        width = max(len(r) for r in rows)
        columns = {f"c{i}": [(_cell_text(r[i]) if i < len(r) else None) for r in rows] for i in range(width)}
        frame = pl.DataFrame(columns, schema={k: pl.String for k in columns})
        try:
            tables.append(_with_header(frame, sheet_kind, rel, name, None, header_row=1))
        except EvidenceError as exc:
            problems.extend(exc.problems)
    if problems:
        raise EvidenceError(problems)
    if not tables:
        raise EvidenceError(f"{rel}：工作簿中没有可读取的台账工作表")
    return tables


def _read_records(file: Path, rel: str, kind: str) -> SourceTable:
    if file.suffix.lower() == ".json":
        try:
            data = json.loads(file.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise EvidenceError(f"{rel}：JSON 文件必须是 UTF-8 编码") from None
        except json.JSONDecodeError as exc:
            raise EvidenceError(f"{rel}:{exc.lineno}：JSON 语法错误（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from None
        except RecursionError:
            raise EvidenceError(f"{rel}：JSON 嵌套过深") from None
    else:
        from checker.yamlio import load_yaml_file

        data = load_yaml_file(file, error=EvidenceError)
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        data = next(iter(data.values()))  # {"consultations": [...]}
    return records_table(kind, rel, data)


def records_table(kind: str, rel: str, data: Any) -> SourceTable:
    """A list of mappings (JSON, YAML, rule fixtures) as a table of text cells."""
    if not isinstance(data, list):
        raise EvidenceError(f"{rel}：应为记录列表（每条记录一个映射），实际是 {type(data).__name__}")
    headers: list[str] = []
    problems: list[str] = []
    for i, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            problems.append(f"{rel} 第{i}条记录：应为键值映射，实际是 {type(record).__name__}")
            continue
        for key, value in record.items():
            if isinstance(value, (dict, list)):
                problems.append(f"{rel} 第{i}条记录 “{key}”：值应为单个值，不能是列表或映射")
            if str(key) not in headers:
                headers.append(str(key))
    if problems:
        raise EvidenceError(problems)
    columns = {f"{j}:{h}": [_cell_text(r.get(h)) if isinstance(r, dict) else None for r in data] for j, h in enumerate(headers)}
    frame = pl.DataFrame(columns, schema={k: pl.String for k in columns}).with_row_index("_row", offset=1)
    return SourceTable(kind, rel, None, frame.with_columns(pl.col("_row").cast(pl.Int64)), "UTF-8")


def evidence_from_records(data: dict[str, list[dict[str, Any]]], label: str) -> EvidenceSet:
    """Typed evidence from in-memory records by kind (used by rule fixtures)."""
    evidence = EvidenceSet()
    problems: list[str] = []
    for kind, records in data.items():
        if kind not in KINDS:
            problems.append(f"{label}：未知的台账类型 “{kind}”（可选：{'、'.join(KINDS)}）")
            continue
        try:
            table = records_table(kind, f"{label}:{kind}", records)
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
def _header_key(text: str) -> str:
    return "".join(text.split()).rstrip("*＊").lower()


def _field_lookup(spec: KindSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for f in spec.fields:
        lookup[_header_key(f.name)] = f.name
        lookup[_header_key(f.label)] = f.name
    return lookup


def type_table(table: SourceTable) -> tuple[pl.DataFrame | None, list[str]]:
    """Map headers to fields and parse every field; return the frame and every problem."""
    spec = KINDS[table.kind]
    lookup = _field_lookup(spec)
    problems: list[str] = []
    mapped: dict[str, str] = {}  # field name -> source column
    letters: dict[str, str] = {}
    extras: dict[str, str] = {}
    for column in table.frame.columns:
        if column == "_row":
            continue
        index_text, header = column.split(":", 1)
        letter = column_letter(int(index_text))
        name = lookup.get(_header_key(header))
        if name is None:
            if header in extras.values() or header in spec.field_names:
                problems.append(f"{location(table.file, table.sheet, 1)} {letter}列：表头 “{header}” 重复")
            extras[column] = header
            continue
        if name in mapped:
            problems.append(
                f"{location(table.file, table.sheet, 1)} {letter}列：表头 “{header}” 与 {letters[name]}列重复（都对应字段 {name}）"
            )
            continue
        mapped[name] = column
        letters[name] = letter
    for f in spec.fields:
        if f.presence != "optional" and f.name not in mapped:
            problems.append(f"{location(table.file, table.sheet)}：缺少必需的列 “{f.label}”（{f.name}）")
    if problems:
        return None, problems

    # Parse every mapped field once, next to its raw text, so bad cells can be reported.
    work = table.frame.with_columns(parse.parse_field(pl.col(mapped[f.name]), f).alias(f"__t:{f.name}") for f in spec.fields if f.name in mapped)
    for f in spec.fields:
        if f.name not in mapped:
            continue
        raw = pl.col(mapped[f.name])
        bad = (~parse.blank(raw) & pl.col(f"__t:{f.name}").is_null()) if f.type != "text" else pl.lit(False)
        missing = parse.blank(raw) if f.presence == "required" else pl.lit(False)
        rows = work.filter(bad | missing).select("_row", raw.alias("raw"), bad.alias("bad"))
        letter = letters[f.name]
        for n, (row, raw_value, is_bad) in enumerate(rows.iter_rows()):
            if n == MAX_PROBLEMS_PER_COLUMN:
                problems.append(f"{location(table.file, table.sheet, None, f.label, letter)}：另有 {rows.height - n} 处同类问题未逐条列出")
                break
            place = location(table.file, table.sheet, row, f.label, letter)
            problems.append(f"{place}：{parse.problem_text(f, raw_value.strip())}" if is_bad else f"{place}：必填项为空")
    typed = work.select(
        pl.lit(table.file, dtype=pl.String).alias("_file"),
        pl.lit(table.sheet, dtype=pl.String).alias("_sheet"),
        pl.col("_row"),
        *[
            pl.col(f"__t:{f.name}").alias(f.name) if f.name in mapped else pl.lit(None, dtype=polars_type(f.type)).alias(f.name)
            for f in spec.fields
        ],
        *[parse.clean(pl.col(c)).alias(h) for c, h in extras.items() if h not in PROVENANCE],
    )
    return (None if problems else typed), problems


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
    schema = {"_file": pl.String, "_sheet": pl.String, "_row": pl.Int64}
    schema.update({f.name: polars_type(f.type) for f in spec.fields})
    return pl.DataFrame(schema=schema)


def _duplicate_ids(evidence: EvidenceSet) -> list[str]:
    problems = []
    for kind, frame in sorted(evidence.frames.items()):
        key = "id" if "id" in frame.columns else None
        if key is None or frame.height == 0:
            continue
        dupes = (
            frame.filter(pl.col(key).is_duplicated())
            .sort(key, "_file", "_row")
            .group_by(key, maintain_order=True)
            .agg(pl.col("_file"), pl.col("_sheet"), pl.col("_row"))
        )
        for record_id, files, sheets, rows in dupes.head(MAX_PROBLEMS_PER_COLUMN).iter_rows():
            places = "、".join(location(f, s, r) for f, s, r in zip(files, sheets, rows, strict=True))
            problems.append(f"{places}：编号 “{record_id}” 重复（{KINDS[kind].label}中的编号必须唯一）")
        if dupes.height > MAX_PROBLEMS_PER_COLUMN:
            problems.append(f"{KINDS[kind].label}：另有 {dupes.height - MAX_PROBLEMS_PER_COLUMN} 个重复编号未逐条列出")
    return problems
