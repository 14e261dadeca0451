"""Task-decomposition tables (任务分解表): from converted Word/PDF text to task rows and ledgers.

`parse_task_table(text, source)` reads a table the way the seeds (`../shared/seeds/00*.txt`)
are written and returns a `TaskTable`: the title, the header (column names with their line
breaks removed: 工作\\n目标 → 工作目标) and one `TaskRow` per task, each with its source line,
its cells mapped to the header's columns, merged cells filled down, and its section context.

The text format
---------------
* Lines before the first table cell are the title (an 附件 line is dropped; the rest is joined:
  2022年度上海市公安局松江分局 + 政务公开工作任务分解表).
* Every table cell starts on a line beginning with a TAB. Following lines without a leading TAB,
  empty lines included, continue the same cell (指挥处\\n分局相关部门; 指挥部\\n\\n法制办).
* A cell's lines are joined without a separator: the converter broke lines where the cell
  wrapped, and Chinese needs no spaces. This also joins vertical text written one or two
  characters a line (紧扣\\n\\n经济\\n\\n发展 → 紧扣经济发展). Unit cells are the exception: each
  line is one unit, joined with 、 (指挥处、分局相关部门).
* The first group of cells is the header; it fixes the number of columns N.

Rows
----
A cell whose line follows an empty line starts a new group of cells. A group normally is a
row, but page breaks and merged cells break rows into several groups, so groups are assembled
greedily: while the row being built is short of N cells and the next group still fits, the
group continues the row. Then:

* a row of N cells maps onto the columns one to one;
* a row of one cell that nothing could complete is a section title: it becomes section context
  for the rows below it and is not a task;
* a row of fewer than N cells that nothing could complete lost its trailing empty cells in the
  conversion: they are empty, i.e. "same as above" (only if the task's own text is present);
* a row of N + 1 cells (only in tables that have such rows) has one more level of headings than
  the header shows: the first heading column spans two cells, a category and the task heading.
  The category becomes section context; the second cell is the column's value. In the same
  table a row of N cells has the heading in one merged cell, which then is both;
* anything else raises `TaskTableError` naming the line.

Columns
-------
Columns are recognised by their header: 序号 (numbering); 具体措施 / 工作举措 / 具体要求 /
任务内容 (the task's measure: exactly one); 工作要求 directly before the measure (the
requirement the measure answers); a header with 时间 / 时限 (the time node); 牵头 (lead unit);
责任 (responsible units); other columns before the measure are section headings (context), the
rest are kept as they are.

An empty cell means "same as the row above" (merged cells): every column except the measure and
the requirement is filled down. Headings nest, outermost first: when a heading changes, the
headings inside it start afresh instead of inheriting the previous section's (003: 五、 has no
（一） heading of its own and must not inherit 四、's （四）). One more repair for merged headings: a
heading cell whose text is two other labels of the same column run together (紧扣提高实效深化
公开紧扣夯实基础深化公开) holds this row's label followed by the label of the next group of rows:
the row and its continuation rows keep the first, and the second takes over from the next row
that starts a group (an explicit 序号 or heading).

Units: with a 牵头单位 column, lead and responsible units come from their own columns. Without
one, the unit cell is read as written: 牵头单位：A 责任单位：B → lead A, units B; A负责，B配合。
→ lead A, units B; A负责。 → lead A, units A; otherwise the whole cell is the units and there
is no lead unit.

The five seeds
--------------
* 000 (songjiang-psb-2022, 37 tasks): clean, five cells a row. Merged cells repeated after page
  breaks (一、… at lines 63, 107) are ordinary explicit values.
* 001 (shanghai-psb-2016, 49 tasks): no time column, so the table sets no time node; its ledger
  says 全年 (= 12月31日 of the plan year, as DESIGN.md reads 全年). Project titles stand alone
  before an empty line (一、推进重点领域信息公开 at line 8) and the row continues after it with
  three cells: assembled into one row of four. The last row lost its empty unit cell (line
  314): filled down. Unit cells contain empty lines (指挥部, 空行, 法制办).
* 002 (zibo-psb-2022, 27 tasks): rows of seven cells under a six-column header: 工作任务 spans a
  category (紧扣经济发展大局深化公开) and a task heading (加强优化营商环境信息公开). Vertical text
  in both. Rows broken by page breaks or by empty lines inside cells: 2 + 1 + 4 cells (line 53),
  5 + 2 (lines 253 and 299). Row 5's category cell carries two categories (line 164): split by
  the merged-heading repair (rows 5 keep 紧扣提高实效深化公开, row 6 gets 紧扣夯实基础深化公开).
  Rows 9 to 12 have six cells: their heading is one merged cell, category and 工作任务 at once.
  Units are written 牵头单位：… 责任单位：…. Its time column also holds statutory limits (文件公开后 3 个工作日内, 不少于 30 日, 自收到申请之日起20个工作日内), parsed by
  `checker.timenodes` as relative or continuous nodes. The title names no year: the plan year
  (2022) comes from the seed registry below.
* 003 (jiangmen-psb-2022, 30 tasks): no time column (ledger: 全年, as for 001). Section titles
  and headings stand before empty lines (lines 34, 132): groups of 2 + 2 and 1 + 3 cells
  assembled into rows. Section 五、 has no 工作任务 heading (empty, not inherited). Units are
  written 宣传科负责，各单位配合。 (政策措施牵头起草、组织实施单位 is one lead unit, kept whole).
* 004 (shanghai-district-2020, 34 tasks): clean, with 牵头单位 and 责任单位 columns. Empty time
  cells (rows 6, 7) are filled down (2020.6); one time cell repeats its line (2020.12 twice at
  line 186): written once.

Ledgers
-------
`python -m checker.tasktable` writes one task ledger per seed to `rules/ledgers/tasks_<pack
id>.csv` (UTF-8 with BOM, the task kind's Chinese headers, ids like SJ2022-001, completed_at and
evidence left for the bureau to fill) and a README listing them. The file names start with
`tasks_` so the evidence loader reads them as the task kind. 任务内容 is the measure; where the
table also has a 工作要求 column (002) it reads 【工作要求】…【工作举措】…. 时间节点 is the table's
own words, or 全年 where the table has no time column (001, 003). `--check` only compares, and a
test fails when a shipped ledger is stale.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from checker.errors import EXIT_ERROR, EXIT_FAILED, EXIT_OK, RuleError
from checker.evidence.schema import KINDS
from checker.timenodes import TimeNodeError, parse_time_node

MEASURE_HEADERS = ("具体措施", "工作举措", "具体要求", "任务内容")
REQUIREMENT_HEADER = "工作要求"
NUMBERING_HEADER = "序号"
NO_TIME_NODE = "全年"  # the ledger's time node for tables without a time column
UNIT_SEPARATORS = "、，,;；。 "

Role = Literal["numbering", "context", "requirement", "measure", "time", "lead", "units", "other"]
FILLED_ROLES: frozenset[str] = frozenset({"numbering", "context", "time", "lead", "units", "other"})


class TaskTableError(RuleError):
    """A task table whose text cannot be structured into rows; the message names the line."""


@dataclass(frozen=True)
class TaskRow:
    """One task. `cells` holds every header column, filled down; `section` the headings above it."""

    line: int  # where the row's first cell starts (1-based)
    cells: dict[str, str]
    cell_lines: dict[str, int]  # where each value was written (a filled value: the row above)
    filled: frozenset[str]  # columns whose value came from the row above
    section: tuple[str, ...]  # section title, category and heading columns, outermost first
    measure: str
    measure_line: int
    requirement: str | None
    item: str  # the task's text for a ledger: the measure, with the requirement when there is one
    lead_unit: str
    units: str
    due: str | None  # the time node as written; None when the table has no time column


@dataclass(frozen=True)
class TaskTable:
    source: str
    title: str
    header: tuple[str, ...]
    rows: tuple[TaskRow, ...]
    measure_column: str
    time_column: str | None
    plan_year: int | None  # the year named in the title, if any


# --------------------------------------------------------------------------- parsing
@dataclass
class _Cell:
    line: int
    lines: list[str]

    @property
    def text(self) -> str:
        return "".join(part.strip() for part in self.lines)

    @property
    def units(self) -> str:
        return _unit_names(self.lines)

    @property
    def time_text(self) -> str:
        kept: list[str] = []
        for part in (p.strip() for p in self.lines):
            if part and (not kept or kept[-1] != part):  # 2020.12 twice across a page break
                kept.append(part)
        return "".join(kept)


def parse_task_table(text: str, source: str) -> TaskTable:
    """Parse one converted task table; raise `TaskTableError` naming the line it cannot read."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title, groups = _groups(lines, source)
    header_cells = groups[0]
    header = tuple(cell.text for cell in header_cells)
    for number, (name, cell) in enumerate(zip(header, header_cells), start=1):
        if not name:
            raise TaskTableError(f"{source} 第{cell.line}行：表头第{number}列为空")
    if len(set(header)) != len(header):
        raise TaskTableError(f"{source} 第{header_cells[0].line}行：表头有重名的列（{'/'.join(header)}）")
    roles = _roles(header, source, header_cells[0].line)
    wide = "context" in roles and any(len(group) == len(header) + 1 for group in groups[1:])
    assembled = _assemble(groups[1:], len(header), wide)
    if not assembled:
        raise TaskTableError(f"{source} 第{header_cells[-1].line}行：表头之后没有任务行")
    rows = _rows(assembled, header, roles, wide, source)
    year = re.search(r"(\d{4})\s*年", title)
    return TaskTable(
        source=source,
        title=title,
        header=header,
        rows=tuple(rows),
        measure_column=header[roles.index("measure")],
        time_column=header[roles.index("time")] if "time" in roles else None,
        plan_year=int(year[1]) if year else None,
    )


def _groups(lines: list[str], source: str) -> tuple[str, list[list[_Cell]]]:
    """The title and the groups of cells, a group starting at a cell that follows an empty line."""
    title: list[str] = []
    groups: list[list[_Cell]] = []
    after_empty = True
    for number, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            for index, part in enumerate(line.split("\t")[1:]):
                if index == 0 and (after_empty or not groups):
                    groups.append([])
                groups[-1].append(_Cell(number, [part]))
            after_empty = False
            continue
        if groups:
            groups[-1][-1].lines.append(line)
        elif line.strip() and not re.fullmatch(r"附件\s*\d*\s*[:：]?", line.strip()):
            title.append(line.strip())
        after_empty = not line.strip()
    if not groups:
        raise TaskTableError(f"{source}：没有找到表格（表格的每个单元格应以制表符开头）")
    if not title:
        raise TaskTableError(f"{source} 第1行：表格前没有标题（任务分解表的名称）")
    return "".join(title), groups


def _roles(header: tuple[str, ...], source: str, line: int) -> tuple[Role, ...]:
    names = "/".join(header)
    measures = [i for i, name in enumerate(header) if name in MEASURE_HEADERS]
    if len(measures) != 1:
        raise TaskTableError(f"{source} 第{line}行：表头（{names}）中应有且只有一列任务内容（{'、'.join(MEASURE_HEADERS)}之一）")
    measure = measures[0]
    roles: list[Role] = []
    for index, name in enumerate(header):
        role: Role
        if index == measure:
            role = "measure"
        elif name == NUMBERING_HEADER:
            role = "numbering"
        elif "时间" in name or "时限" in name:
            role = "time"
        elif "牵头" in name:
            role = "lead"
        elif "责任" in name:
            role = "units"
        elif name == REQUIREMENT_HEADER and index == measure - 1:
            role = "requirement"
        elif index < measure:
            role = "context"
        else:
            role = "other"
        roles.append(role)
    for role, label in (("units", "责任单位（责任部门）"), ("time", "时间节点"), ("lead", "牵头单位")):
        if roles.count(role) > 1:
            raise TaskTableError(f"{source} 第{line}行：表头（{names}）中有多列{label}")
    if "units" not in roles:
        raise TaskTableError(f"{source} 第{line}行：表头（{names}）中没有责任单位（责任部门）列")
    return tuple(roles)


def _assemble(groups: list[list[_Cell]], width: int, wide: bool) -> list[list[_Cell]]:
    limit = width + 1 if wide else width
    rows: list[list[_Cell]] = []
    for group in groups:
        if rows and len(rows[-1]) < width and len(rows[-1]) + len(group) <= limit:
            rows[-1].extend(group)
        else:
            rows.append(list(group))
    return rows


def _rows(assembled: list[list[_Cell]], header: tuple[str, ...], roles: tuple[Role, ...], wide: bool, source: str) -> list[TaskRow]:
    width = len(header)
    names = "/".join(header)
    split = roles.index("context") if wide else -1  # the heading column that spans two cells
    measure = roles.index("measure")
    # (first line, category cell or None, one cell per column) per task row; section titles apart
    mapped: list[tuple[int, str, _Cell | None, list[_Cell]]] = []
    section = ""
    for cells in assembled:
        line = cells[0].line
        if len(cells) == 1 and width > 2:
            section = cells[0].text
            continue
        if len(cells) < width:
            if len(cells) <= measure:
                raise TaskTableError(
                    f"{source} 第{line}行：这一行只有{len(cells)}个单元格，表头有{width}列（{names}），缺少“{header[measure]}”，无法对应到列"
                )
            cells = cells + [_Cell(cells[-1].line, [])] * (width - len(cells))
        if len(cells) == width:
            mapped.append((line, section, cells[split] if wide else None, cells))
        elif len(cells) == width + 1 and wide:
            mapped.append((line, section, cells[split], cells[:split] + cells[split + 1 :]))
        else:
            raise TaskTableError(f"{source} 第{line}行：这一行有{len(cells)}个单元格，表头只有{width}列（{names}），无法对应到列")
    if section and (not mapped or mapped[-1][1] != section):
        raise TaskTableError(f"{source}：分组标题“{section}”之后没有任务行")
    fill = _FillDown(header, roles, wide, _heading_values(mapped, header, roles))
    rows: list[TaskRow] = []
    for line, section_title, category, cells in mapped:
        values, filled = fill.row(category, cells)
        rows.append(_task_row(line, section_title, values.pop(CATEGORY, None), values, filled, header, roles, source))
    return rows


CATEGORY = ""  # the heading level a wide table has without a header of its own


def _heading_values(mapped: list[tuple[int, str, _Cell | None, list[_Cell]]], header: tuple[str, ...], roles: tuple[Role, ...]) -> dict[str, set[str]]:
    """Per heading column (and the category), the labels written explicitly anywhere in the table."""
    values: dict[str, set[str]] = {}
    for _, _, category, cells in mapped:
        if category is not None and category.text:
            values.setdefault(CATEGORY, set()).add(category.text)
        for name, role, cell in zip(header, roles, cells):
            if role == "context" and cell.text:
                values.setdefault(name, set()).add(cell.text)
    return values


class _FillDown:
    """Merged cells: an empty cell takes the value above it, within its heading's range.

    Headings nest, outermost first: when a heading changes, the headings inside it start
    afresh (a new 五、 section does not inherit 四、's （四） heading). A heading cell holding two
    labels of its column run together keeps the first; the second takes over the empty cells
    below from the next row that starts a new group (an explicit 序号 or heading).
    """

    def __init__(self, header: tuple[str, ...], roles: tuple[Role, ...], wide: bool, headings: dict[str, set[str]]) -> None:
        self.roles: dict[str, Role] = {CATEGORY: "context", **dict(zip(header, roles))}
        self.header = header
        self.order = ([CATEGORY] if wide else []) + [name for name, role in zip(header, roles) if role == "context"]
        self.headings = headings
        self.carry: dict[str, _Cell] = {}
        self.pending: dict[str, _Cell] = {}  # the second label of a spilled heading

    def row(self, category: _Cell | None, cells: list[_Cell]) -> tuple[dict[str, _Cell], set[str]]:
        own = ({CATEGORY: category} if category is not None else {}) | dict(zip(self.header, cells))
        new_group = any(cell.text for name, cell in own.items() if name != CATEGORY and self.roles[name] in ("numbering", "context"))
        values: dict[str, _Cell] = {}
        filled: set[str] = set()
        for name, cell in own.items():
            role = self.roles[name]
            if role not in FILLED_ROLES:
                values[name] = cell
            elif cell.text:
                values[name] = self._explicit(name, role, cell)
            else:
                if new_group and name in self.pending:
                    self.carry[name] = self.pending.pop(name)
                values[name] = self.carry.get(name, cell)
                if name in self.carry and name != CATEGORY:
                    filled.add(name)
        return values, filled

    def _explicit(self, name: str, role: Role, cell: _Cell) -> _Cell:
        if role != "context":
            self.carry[name] = cell
            return cell
        spilled = _spilled(cell.text, self.headings.get(name, set()))
        value = _Cell(cell.line, [spilled[0]]) if spilled else cell
        self.pending.pop(name, None)
        if spilled:
            self.pending[name] = _Cell(cell.line, [spilled[1]])
        previous = self.carry.get(name)
        if previous is None or previous.text != value.text:
            for inner in self.order[self.order.index(name) + 1 :]:
                self.carry.pop(inner, None)
                self.pending.pop(inner, None)
        self.carry[name] = value
        return value


def _spilled(text: str, labels: set[str]) -> tuple[str, str] | None:
    """紧扣提高实效深化公开紧扣夯实基础深化公开 → (this row's label, the label of the rows below)."""
    for cut in range(1, len(text)):
        head, tail = text[:cut], text[cut:]
        if head in labels and tail in labels:
            return head, tail
    return None


def _task_row(
    line: int,
    section_title: str,
    category: _Cell | None,
    values: dict[str, _Cell],
    filled: set[str],
    header: tuple[str, ...],
    roles: tuple[Role, ...],
    source: str,
) -> TaskRow:
    by_role = {role: name for name, role in zip(header, roles) if role not in ("context", "other")}
    cells: dict[str, str] = {}
    for name, role in zip(header, roles):
        cell = values[name]
        cells[name] = cell.units if role in ("lead", "units") else cell.time_text if role == "time" else cell.text
    measure_name = by_role["measure"]
    measure = cells[measure_name]
    measure_line = values[measure_name].line or line
    if not measure:
        raise TaskTableError(f"{source} 第{measure_line}行：任务的“{measure_name}”为空")
    requirement = cells[by_role["requirement"]] if "requirement" in by_role else None
    item = f"【{by_role['requirement']}】{requirement}【{measure_name}】{measure}" if requirement else measure
    lead, units = _lead_and_units(values, by_role, source, line)
    due: str | None = None
    if "time" in by_role:
        due = cells[by_role["time"]]
        if not due:
            raise TaskTableError(f"{source} 第{values[by_role['time']].line or line}行：“{by_role['time']}”为空，上方也没有可沿用的时间节点")
    section: list[str] = [section_title] if section_title else []
    heading_texts = ([category.text] if category is not None else []) + [cells[n] for n, r in zip(header, roles) if r == "context"]
    for text in heading_texts:
        if text and (not section or section[-1] != text):
            section.append(text)
    return TaskRow(
        line=line,
        cells=cells,
        cell_lines={name: cell.line for name, cell in values.items() if cell.line},
        filled=frozenset(filled),
        section=tuple(section),
        measure=measure,
        measure_line=measure_line,
        requirement=requirement,
        item=item,
        lead_unit=lead,
        units=units,
        due=due,
    )


def _lead_and_units(values: dict[str, _Cell], by_role: dict[Role, str], source: str, line: int) -> tuple[str, str]:
    units_cell = values[by_role["units"]]
    where = units_cell.line or line
    if "lead" in by_role:
        lead, units = values[by_role["lead"]].units, units_cell.units
    else:
        lead, units = _read_unit_cell(units_cell, source)
    if not units:
        raise TaskTableError(f"{source} 第{where}行：“{by_role['units']}”为空，上方也没有可沿用的单位")
    return lead, units


def _read_unit_cell(cell: _Cell, source: str) -> tuple[str, str]:
    """牵头单位：A 责任单位：B / A负责，B配合。 / A负责。 / a plain list of units."""
    raw = "\n".join(cell.lines)
    parts = re.split(r"(牵头单位|责任单位)\s*[:：]", raw)
    if len(parts) > 1:
        if parts[0].strip():
            raise TaskTableError(f"{source} 第{cell.line}行：单位“{cell.text}”在“{parts[1]}：”之前还有内容，无法区分牵头单位和责任单位")
        labelled = dict(zip(parts[1::2], parts[2::2]))
        lead = _unit_names(labelled.get("牵头单位", "").split("\n"))
        return lead, _unit_names(labelled.get("责任单位", "").split("\n")) or lead
    match = re.fullmatch(r"(.+?)负责(?:[，,](.+?)配合)?[。.]?", cell.text)
    if match:
        return match[1], match[2] or match[1]
    return "", cell.units


def _unit_names(lines: Sequence[str]) -> str:
    return "、".join(name for name in (part.strip().strip(UNIT_SEPARATORS) for part in lines) if name)


# --------------------------------------------------------------------------- ledgers
@dataclass(frozen=True)
class SeedTable:
    file: str
    pack: str
    prefix: str  # task ids: SJ2022-001
    plan_year: int
    issuer: str


SEED_TABLES: tuple[SeedTable, ...] = (
    SeedTable("000_395d5336aab62eea.txt", "songjiang-psb-2022", "SJ2022", 2022, "上海市公安局松江分局"),
    SeedTable("001_0b77dc41eb83f27a.txt", "shanghai-psb-2016", "SH2016", 2016, "上海市公安局"),
    SeedTable("002_3f29db690d14a6a3.txt", "zibo-psb-2022", "ZB2022", 2022, "淄博市公安局"),
    SeedTable("003_7963a9ae292767f1.txt", "jiangmen-psb-2022", "JM2022", 2022, "江门市公安局"),
    SeedTable("004_853dcc8e64b86f58.txt", "shanghai-district-2020", "SHQ2020", 2020, "上海市某区政府部门"),
)
LEDGER_FIELDS = ("id", "plan", "item", "lead_unit", "units", "due", "completed_at", "evidence")
REPO = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
DEFAULT_LEDGERS = REPO / "rules" / "ledgers"


def ledger_name(pack: str) -> str:
    """`tasks_<pack>.csv`: the stem starts with the task kind's file name, so the loader knows it."""
    return f"tasks_{pack}.csv"


def ledger_records(table: TaskTable, seed: SeedTable) -> list[dict[str, str]]:
    """One ledger record per task; every time node must parse for the plan year."""
    if table.plan_year is not None and table.plan_year != seed.plan_year:
        raise TaskTableError(f"{table.source}：标题中的年度 {table.plan_year} 与登记的计划年度 {seed.plan_year} 不一致")
    records = []
    for number, row in enumerate(table.rows, start=1):
        due = row.due if row.due is not None else NO_TIME_NODE
        try:
            parse_time_node(due, seed.plan_year)
        except TimeNodeError as exc:
            where = row.cell_lines.get(table.time_column or "", row.line)
            raise TaskTableError(f"{table.source} 第{where}行：{exc}") from None
        records.append(
            {
                "id": f"{seed.prefix}-{number:03d}",
                "plan": table.title,
                "item": row.item,
                "lead_unit": row.lead_unit,
                "units": row.units,
                "due": due,
                "completed_at": "",
                "evidence": "",
            }
        )
    return records


def render_ledger(records: list[dict[str, str]]) -> bytes:
    """UTF-8 with BOM (what Excel opens without garbling), the task kind's Chinese headers."""
    spec = KINDS["task"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([spec.field(name).label for name in LEDGER_FIELDS])
    for record in records:
        writer.writerow([record[name] for name in LEDGER_FIELDS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def build_ledgers(seeds: Path) -> dict[str, bytes]:
    """File name → content for every seed's ledger and the folder's README."""
    files: dict[str, bytes] = {}
    summary: list[tuple[SeedTable, TaskTable]] = []
    for seed in SEED_TABLES:
        path = seeds / seed.file
        if not path.is_file():
            raise TaskTableError(f"{path}：找不到任务分解表")
        table = parse_task_table(path.read_text(encoding="utf-8"), seed.file)
        files[ledger_name(seed.pack)] = render_ledger(ledger_records(table, seed))
        summary.append((seed, table))
    files["README.md"] = _readme(summary).encode("utf-8")
    return files


def _readme(summary: list[tuple[SeedTable, TaskTable]]) -> str:
    lines = [
        "# 任务分解表台账（tasks）",
        "",
        "由 `python -m checker.tasktable` 从 `../shared/seeds/` 的任务分解表生成，请勿手工修改；",
        "分解表更新后重新运行该命令（`--check` 只比对，不写入）。",
        "",
        "每个文件是一份 tasks 类佐证台账：编号、任务分解表（表格标题）、任务内容、牵头单位、责任单位、",
        "时间节点（照录原表）、完成日期、佐证材料。回头看时由各单位填写完成日期和佐证材料，",
        "可单独校验，如 `zwgk validate rules/ledgers/tasks_songjiang-psb-2022.csv`。",
        "",
        "| 文件 | 规则包 | 任务分解表 | 计划年度 | 任务数 | 时间节点 |",
        "|---|---|---|---|---|---|",
    ]
    for seed, table in summary:
        due = f"照录“{table.time_column}”列" if table.time_column else f"原表未设时间节点，记为“{NO_TIME_NODE}”"
        lines.append(f"| {ledger_name(seed.pack)} | {seed.pack} | {table.title}（{seed.file}） | {seed.plan_year} | {len(table.rows)} | {due} |")
    lines += [
        "",
        "说明：",
        "",
        f"- 原表没有时间节点列的（上海市公安局 2016、江门市公安局 2022），时间节点记为“{NO_TIME_NODE}”，即计划年度12月31日前完成。",
        "- 原表中空白的合并单元格按“同上”填充；一格写有牵头和责任单位的（“牵头单位：…责任单位：…”、“…负责，…配合”）分列填写。",
        "- 淄博市公安局分解表同时列出“工作要求”和“工作举措”，任务内容写作【工作要求】…【工作举措】…。",
        "",
    ]
    return "\n".join(lines)


def stale_ledgers(seeds: Path, folder: Path) -> list[str]:
    """Names of ledger files in `folder` that differ from what the seeds produce (or are missing)."""
    expected = build_ledgers(seeds)
    stale = [name for name, content in expected.items() if not (folder / name).is_file() or (folder / name).read_bytes() != content]
    extra = [p.name for p in folder.glob("*") if p.is_file() and p.name not in expected] if folder.is_dir() else []
    return sorted(stale + extra)


def write_ledgers(seeds: Path, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in build_ledgers(seeds).items():
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checker.tasktable", description="从任务分解表生成任务台账（tasks_<规则包>.csv）")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="任务分解表所在目录（默认 ../shared/seeds）")
    parser.add_argument("--out", type=Path, default=DEFAULT_LEDGERS, help="台账输出目录（默认 rules/ledgers）")
    parser.add_argument("--check", action="store_true", help="只检查已有台账是否与分解表一致，不写入")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = stale_ledgers(args.seeds, args.out)
            for name in stale:
                print(f"{args.out / name}：与任务分解表不一致，请运行 python -m checker.tasktable 重新生成", file=sys.stderr)
            return EXIT_FAILED if stale else EXIT_OK
        for path in write_ledgers(args.seeds, args.out):
            print(f"已写入 {path}")
    except RuleError as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
